/* dd-window-edit.c: opening a queued image in the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row opens the editor when it is activated (Enter, a double click) or
 * its Edit button is clicked, while its image is still only in the queue:
 * once the outbox has it, the outbox's copy is what would be sent.
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include "dd-image-editor.h"
#include "dd-queue-row.h"
#include "dd-window-private.h"

void
dd_window_edit_item (DdWindow    *self,
                     DdQueueItem *item)
{
  GtkWidget *editor;

  g_return_if_fail (DD_IS_WINDOW (self));
  g_return_if_fail (DD_IS_QUEUE_ITEM (item));

  if (!dd_queue_item_is_editable (item))
    return;

  editor = dd_image_editor_new (GTK_WINDOW (self), item);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
row_activated_cb (GtkListBox    *list,
                  GtkListBoxRow *row,
                  DdWindow      *self)
{
  dd_window_edit_item (self, dd_queue_row_get_item (DD_QUEUE_ROW (row)));
}

void
dd_window_edit_init (DdWindow *self)
{
  g_signal_connect_object (self->queue_list, "row-activated",
                           G_CALLBACK (row_activated_cb), self, 0);
}
