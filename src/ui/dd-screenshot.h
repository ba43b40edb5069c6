/* dd-screenshot.h: a screenshot the user takes through the desktop's
 * Screenshot portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DD_SCREENSHOT_ERROR (dd_screenshot_error_quark ())

/* The message of each is a translated sentence for the user. */
typedef enum {
  DD_SCREENSHOT_ERROR_NO_PORTAL,   /* no Screenshot portal on the session bus */
  DD_SCREENSHOT_ERROR_CANCELLED,   /* the user cancelled the screenshot */
  DD_SCREENSHOT_ERROR_FAILED,      /* the desktop could not take it, or it is no image */
} DdScreenshotError;

GQuark   dd_screenshot_error_quark  (void);

void     dd_screenshot_take_async   (GtkWindow            *parent,      /* nullable */
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
/* Returns: (transfer full): the image's bytes as the desktop saved them;
 * G_IO_ERROR_CANCELLED only when @cancellable was cancelled */
GBytes  *dd_screenshot_take_finish  (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
