/* dd-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-application.h"
#include "dd-outbox.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_WINDOW (dd_window_get_type ())

G_DECLARE_FINAL_TYPE (DdWindow, dd_window, DD, WINDOW, AdwApplicationWindow)

/* Signals:
 *   "send-finished" (DdSendSummary *summary): a send from the window
 *       ended, to each robot it went to; the notifier tells it
 */

DdWindow   *dd_window_new         (DdApplication  *application);
/* the window, without an application: for tests */
DdWindow   *dd_window_new_for     (DdProfileStore *profiles,
                                   DdOutbox       *outbox);

void        dd_window_add_files   (DdWindow       *self,
                                   GFile         **files,
                                   guint           n_files);
void        dd_window_add_bytes   (DdWindow       *self,
                                   GBytes         *bytes,
                                   const char     *display_name);
void        dd_window_take_screenshot (DdWindow     *self);
GListModel *dd_window_get_queue   (DdWindow       *self);
const char *dd_window_get_last_toast (DdWindow     *self);  /* for tests */

G_END_DECLS
