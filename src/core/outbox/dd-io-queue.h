/* dd-io-queue.h: one worker thread that does the outbox's disk I/O, in
 * the order it was asked for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DdIoQueue DdIoQueue;

DdIoQueue *dd_io_queue_new        (void);
DdIoQueue *dd_io_queue_ref        (DdIoQueue       *self);
void       dd_io_queue_unref      (DdIoQueue       *self);

void       dd_io_queue_run        (DdIoQueue       *self,
                                   GTask           *task,
                                   GTaskThreadFunc  func);
gboolean   dd_io_queue_is_worker  (DdIoQueue       *self);

void       dd_io_queue_drain_async  (DdIoQueue          *self,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean   dd_io_queue_drain_finish (DdIoQueue          *self,
                                     GAsyncResult       *result);

gboolean   dd_io_write_file       (const char      *path,
                                   const void      *data,
                                   gssize           len,
                                   gboolean         durable,
                                   GError         **error);
gboolean   dd_io_queue_write_durable (DdIoQueue    *self,
                                      const char   *path,
                                      const void   *data,
                                      gssize        len,
                                      GError      **error);
guint      dd_io_get_n_fsyncs     (void);

/* Asserts that the caller runs on the I/O thread: for the functions that
 * touch the disk. */
#define DD_ASSERT_IO_THREAD(queue) g_assert (dd_io_queue_is_worker (queue))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdIoQueue, dd_io_queue_unref)

G_END_DECLS
