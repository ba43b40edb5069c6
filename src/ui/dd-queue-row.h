/* dd-queue-row.h: a row of the queue, showing a DdQueueItem and, once it
 * is sent, its job's live state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-outbox.h"
#include "dd-profile-store.h"
#include "dd-queue-item.h"

G_BEGIN_DECLS

#define DD_TYPE_QUEUE_ROW (dd_queue_row_get_type ())

G_DECLARE_FINAL_TYPE (DdQueueRow, dd_queue_row, DD, QUEUE_ROW, GtkListBoxRow)

/* Signals: "remove" and "retry", from their buttons, keys (Delete,
 * Ctrl+R on the focused row) or the row's menu (Shift+F10). */

GtkWidget   *dd_queue_row_new          (DdQueueItem    *item,
                                        DdProfileStore *profiles);
DdQueueItem *dd_queue_row_get_item     (DdQueueRow  *self);
const char  *dd_queue_row_get_status   (DdQueueRow  *self);  /* for tests */
const char  *dd_queue_row_get_error    (DdQueueRow  *self);
void         dd_queue_row_set_robots   (DdQueueRow  *self,
                                        const char  *own,       /* nullable: the chosen one */
                                        const char  *chosen);   /* nullable: what Retry uses */
const char  *dd_queue_row_get_robot    (DdQueueRow  *self);     /* for tests: NULL if hidden */
const char  *dd_queue_row_get_robot_lines (DdQueueRow *self);   /* for tests: NULL for one robot */
void         dd_queue_row_set_compact  (DdQueueRow  *self,
                                        gboolean     compact);

char        *dd_format_countdown       (gint64       seconds);

G_END_DECLS
