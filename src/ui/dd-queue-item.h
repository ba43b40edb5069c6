/* dd-queue-item.h: one image in the window's queue: picked but not sent
 * yet, or on its way as a job of the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-job.h"

G_BEGIN_DECLS

#define DD_QUEUE_ITEM_THUMBNAIL_SIZE 48  /* logical pixels */

#define DD_TYPE_QUEUE_ITEM (dd_queue_item_get_type ())

G_DECLARE_FINAL_TYPE (DdQueueItem, dd_queue_item, DD, QUEUE_ITEM, GObject)

/* Properties (notify): "display-name", "file", "bytes", "size", "width",
 * "height", "thumbnail" (a GdkPaintable at display size, never the full
 * image), "job" (set once the image is handed to the outbox: the first
 * of its jobs, one per robot; notified when any is added or removed). */

DdQueueItem  *dd_queue_item_new_for_file   (GFile        *file);
DdQueueItem  *dd_queue_item_new_for_bytes  (GBytes       *bytes,
                                            const char   *display_name);
DdQueueItem  *dd_queue_item_new_for_job    (DdJob        *job);
DdQueueItem  *dd_queue_item_new_placeholder (const char  *display_name);
gboolean      dd_queue_item_is_loading     (DdQueueItem  *self);
void          dd_queue_item_set_bytes      (DdQueueItem  *self,
                                            GBytes       *bytes);
void          dd_queue_item_set_edited_bytes (DdQueueItem *self,
                                            GBytes       *bytes);
gboolean      dd_queue_item_get_edited     (DdQueueItem  *self);
gboolean      dd_queue_item_is_editable    (DdQueueItem  *self);

const char   *dd_queue_item_get_display_name (DdQueueItem *self);
GFile        *dd_queue_item_get_file       (DdQueueItem  *self);
GBytes       *dd_queue_item_get_bytes      (DdQueueItem  *self);
guint64       dd_queue_item_get_size       (DdQueueItem  *self);
guint         dd_queue_item_get_width      (DdQueueItem  *self);
guint         dd_queue_item_get_height     (DdQueueItem  *self);
GdkPaintable *dd_queue_item_get_thumbnail  (DdQueueItem  *self);
DdJob        *dd_queue_item_get_job        (DdQueueItem  *self);
GPtrArray    *dd_queue_item_get_jobs       (DdQueueItem  *self);
GPtrArray    *dd_queue_item_dup_jobs       (DdQueueItem  *self);
DdJob        *dd_queue_item_find_job       (DdQueueItem  *self,
                                            const char   *profile_id);
void          dd_queue_item_set_job        (DdQueueItem  *self,
                                            DdJob        *job);
void          dd_queue_item_add_job        (DdQueueItem  *self,
                                            DdJob        *job);
void          dd_queue_item_remove_job     (DdQueueItem  *self,
                                            DdJob        *job);
gboolean      dd_queue_item_is_removable   (DdQueueItem  *self);
void          dd_queue_item_set_robots     (DdQueueItem  *self,
                                            const char * const *ids);
const char * const *dd_queue_item_get_robots (DdQueueItem *self);
gboolean      dd_queue_item_can_send_again (DdQueueItem  *self);

void          dd_queue_item_load_thumbnail (DdQueueItem  *self,
                                            int           scale_factor);

G_END_DECLS
