/* dd-notifier.h: a desktop notification when a send has ended while
 * nobody looked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-send-summary.h"

G_BEGIN_DECLS

#define DD_TYPE_NOTIFIER (dd_notifier_get_type ())

G_DECLARE_FINAL_TYPE (DdNotifier, dd_notifier, DD, NOTIFIER, GObject)

/* Tells the sends of the application's windows ("send-finished").
 * Adds the action "app.show-window" (activates @application), which
 * clicking the notification runs. */
DdNotifier *dd_notifier_new  (GtkApplication *application);
void        dd_notifier_tell (DdNotifier     *self,
                              DdSendSummary  *summary);

G_END_DECLS
