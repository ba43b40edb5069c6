/* dd-window-screenshot.c: Take Screenshot queues what the desktop's
 * screenshot portal hands back, as a pasted image is queued
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-screenshot.h"
#include "dd-window-private.h"

static void
screenshot_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = dd_screenshot_take_finish (result, &error);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time = NULL;
  g_autofree char *name = NULL;

  self->taking_screenshot = FALSE;

  if (png == NULL)
    {
      /* the window went away meanwhile: nothing to say */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dd_window_toast (self, error->message);
      return;
    }

  now = g_date_time_new_now_local ();
  time = g_date_time_format (now, "%H:%M:%S");
  /* Translators: %s is the time, "14:03:27" */
  name = g_strdup_printf (_("Screenshot %s"), time);
  dd_window_add_bytes (self, png, name);
}

/**
 * dd_window_take_screenshot:
 *
 * Asks the desktop for a screenshot and queues it; says so in a toast
 * when there is no screenshot portal, or the user cancels.
 */
void
dd_window_take_screenshot (DdWindow *self)
{
  g_return_if_fail (DD_IS_WINDOW (self));

  /* the portal's dialog is up already */
  if (self->taking_screenshot)
    return;

  self->taking_screenshot = TRUE;
  dd_screenshot_take_async (GTK_WINDOW (self), self->cancellable, screenshot_cb, g_object_ref (self));
}
