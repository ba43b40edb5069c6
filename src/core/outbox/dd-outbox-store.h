/* dd-outbox-store.h: the outbox's folder: one folder per job, its state
 * in job.json, its lock, all read and written off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-io-queue.h"
#include "dd-job-private.h"
#include "dd-outbox-source.h"

G_BEGIN_DECLS

#define DD_TYPE_OUTBOX_STORE (dd_outbox_store_get_type ())

G_DECLARE_FINAL_TYPE (DdOutboxStore, dd_outbox_store, DD, OUTBOX_STORE, GObject)

typedef enum {
  DD_STORE_SAVE_DEFAULT = 0,
  DD_STORE_SAVE_DURABLE = 1 << 0,   /* on disk even if the power fails next */
} DdStoreSaveFlags;

/* What a scan found: the jobs new or changed on disk since the last scan
 * (read fresh, not locked), and the ids of those whose folder is gone. */
typedef struct {
  GPtrArray *found;     /* DdJob */
  GPtrArray *gone;      /* char *: job ids */
  GPtrArray *damaged;   /* char *: folders whose job.json cannot be read */
} DdStoreScan;

void            dd_store_scan_free                 (DdStoreScan         *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdStoreScan, dd_store_scan_free)

DdOutboxStore  *dd_outbox_store_new                (const char          *directory,
                                                    DdIoQueue           *queue);
const char     *dd_outbox_store_get_directory      (DdOutboxStore       *self);
DdIoQueue      *dd_outbox_store_get_queue          (DdOutboxStore       *self);
DdIoQueue      *dd_outbox_store_get_bytes_queue    (DdOutboxStore       *self);

DdJob          *dd_outbox_store_new_job            (DdOutboxStore       *self);

void            dd_outbox_store_create_async       (DdOutboxStore       *self,
                                                    GPtrArray           *jobs,
                                                    GPtrArray           *sources,
                                                    guint64              cap,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        dd_outbox_store_create_finish      (DdOutboxStore       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void            dd_outbox_store_scan_async         (DdOutboxStore       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
DdStoreScan    *dd_outbox_store_scan_finish        (DdOutboxStore       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void            dd_outbox_store_lock_async         (DdOutboxStore       *self,
                                                    GPtrArray           *jobs,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray      *dd_outbox_store_lock_finish        (DdOutboxStore       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void            dd_outbox_store_save               (DdOutboxStore       *self,
                                                    DdJob               *job,
                                                    DdStoreSaveFlags     flags);
void            dd_outbox_store_unlock             (DdOutboxStore       *self,
                                                    DdJob               *job);
void            dd_outbox_store_delete             (DdOutboxStore       *self,
                                                    DdJob               *job);
void            dd_outbox_store_delete_folder      (DdOutboxStore       *self,
                                                    const char          *folder);
void            dd_outbox_store_drop_bytes         (DdOutboxStore       *self,
                                                    DdJob               *job,
                                                    gboolean             keep_original);

guint           dd_outbox_store_get_n_writes       (DdOutboxStore       *self,
                                                    guint               *n_durable);

G_END_DECLS
