/* dd-history-window.h: the images sent lately: send again, copy media_id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-outbox.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_HISTORY_WINDOW (dd_history_window_get_type ())

G_DECLARE_FINAL_TYPE (DdHistoryWindow, dd_history_window, DD, HISTORY_WINDOW, AdwWindow)

/* Signal: "send-again" (DdJob *job): its kept image goes to the queue. */

DdHistoryWindow *dd_history_window_new (DdOutbox       *outbox,
                                        DdProfileStore *profiles);

G_END_DECLS
