/* dd-notifier.h: a desktop notification when a batch has been sent while
 * nobody looked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-outbox.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_NOTIFIER (dd_notifier_get_type ())

G_DECLARE_FINAL_TYPE (DdNotifier, dd_notifier, DD, NOTIFIER, GObject)

/* Adds the action "app.show-window" (activates @application), which
 * clicking the notification runs. */
DdNotifier *dd_notifier_new (GtkApplication *application,
                             DdOutbox       *outbox,
                             DdProfileStore *profiles);

G_END_DECLS
