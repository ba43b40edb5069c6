/* dd-screenshot.c: an interactive screenshot through the desktop's
 * Screenshot portal (org.freedesktop.portal.Screenshot, by libportal)
 *
 * The portal lets the user choose what to capture, saves the image and
 * hands back its URI; this reads it.  The same call works inside the
 * Flatpak, where the portal is the only way to the screen, and needs no
 * permission there.  Without a portal (no xdg-desktop-portal, or one
 * without a Screenshot backend) the call fails at once, and the error
 * says so in a sentence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-screenshot"

#include "config.h"

#include <glib/gi18n.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "dd-image.h"
#include "dd-screenshot.h"

#define SNIFF_BYTES 64

G_DEFINE_QUARK (dd-screenshot-error-quark, dd_screenshot_error)

/* short: a toast has one line */
static GError *
no_portal_error (void)
{
  return g_error_new_literal (DD_SCREENSHOT_ERROR, DD_SCREENSHOT_ERROR_NO_PORTAL,
                              _("Screenshots need xdg-desktop-portal; paste one with Ctrl+V instead"));
}

/* What the portal's failure means to the user; NULL: our own cancellable
 * was cancelled, which is nobody's news. */
static GError *
portal_error (const GError *error,
              GCancellable *cancellable)
{
  g_debug ("The Screenshot portal failed: %s", error->message);

  if (g_cancellable_is_cancelled (cancellable))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, error->message);

  /* libportal's answer to the portal's response 1 */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (DD_SCREENSHOT_ERROR, DD_SCREENSHOT_ERROR_CANCELLED,
                                _("Screenshot cancelled"));

  /* nobody owns the portal's name, or its owner has no Screenshot */
  if (error->domain == G_DBUS_ERROR)
    switch (error->code)
      {
      case G_DBUS_ERROR_SERVICE_UNKNOWN:
      case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
      case G_DBUS_ERROR_UNKNOWN_METHOD:
      case G_DBUS_ERROR_UNKNOWN_INTERFACE:
      case G_DBUS_ERROR_UNKNOWN_OBJECT:
      case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
      case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
      case G_DBUS_ERROR_SPAWN_FAILED:
      case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
      case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        return no_portal_error ();
      default:
        break;
      }

  return g_error_new_literal (DD_SCREENSHOT_ERROR, DD_SCREENSHOT_ERROR_FAILED,
                              _("The desktop could not take the screenshot"));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  gsize size = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  if (bytes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (bytes == NULL || dd_image_sniff_mime (data, MIN (size, SNIFF_BYTES)) == NULL)
    {
      g_autofree char *uri = g_file_get_uri (G_FILE (object));

      g_debug ("The screenshot at %s could not be read: %s", uri,
               error ? error->message : "not an image");
      g_task_return_new_error (task, DD_SCREENSHOT_ERROR, DD_SCREENSHOT_ERROR_FAILED,
                               "%s", _("The screenshot could not be read"));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
screenshot_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = xdp_portal_take_screenshot_finish (XDP_PORTAL (object), result, &error);
  g_autoptr(GFile) file = NULL;
  GCancellable *cancellable;

  if (uri == NULL)
    {
      g_task_return_error (task, portal_error (error, g_task_get_cancellable (task)));
      return;
    }

  /* the desktop's own file (in Pictures, or the document portal's): read,
   * not moved or removed */
  file = g_file_new_for_uri (uri);
  cancellable = g_task_get_cancellable (task);
  g_file_load_bytes_async (file, cancellable, loaded_cb, g_steal_pointer (&task));
}

/**
 * dd_screenshot_take_async:
 * @parent: (nullable): the window the portal's dialog belongs to
 *
 * Asks the desktop for an interactive screenshot: the user chooses the
 * screen, a window or an area, or cancels.
 */
void
dd_screenshot_take_async (GtkWindow           *parent,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XdpPortal) portal = NULL;
  XdpParent *xdp_parent = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_screenshot_take_async);

  /* libportal needs a session bus; without one there is no portal either
   * (the application's own connection, when there is one) */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, &error);
  if (bus == NULL)
    {
      g_debug ("No session bus for the Screenshot portal: %s", error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, no_portal_error ());
      return;
    }

  portal = xdp_portal_new ();
  if (parent != NULL && gtk_widget_get_realized (GTK_WIDGET (parent)))
    xdp_parent = xdp_parent_new_gtk (parent);
  xdp_portal_take_screenshot (portal, xdp_parent, XDP_SCREENSHOT_FLAG_INTERACTIVE, cancellable,
                              screenshot_cb, g_steal_pointer (&task));
  g_clear_pointer (&xdp_parent, xdp_parent_free);
}

GBytes *
dd_screenshot_take_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_screenshot_take_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
