/* dd-outbox-store-private.h: what the store's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-outbox-store.h"

G_BEGIN_DECLS

struct _DdOutboxStore
{
  GObject     parent_instance;

  char       *directory;
  char       *jobs_dir;
  DdIoQueue  *queue;
  DdIoQueue  *bytes_queue;   /* dropping sent images' bytes, beside the saves */
  GThread    *thread;        /* the caller's: no disk I/O on it */

  GMutex      lock;
  GHashTable *pending;       /* job folder -> SaveOp not written yet (lock) */

  GHashTable *seen;          /* I/O thread only: job id -> Signature */

  guint       n_writes;      /* atomic */
  guint       n_durable;     /* atomic */
};

/* A new job is made in a hidden folder of this name, then renamed. */
#define NEW_PREFIX ".new-"

/* Asserts that the caller is not the store's own thread: for what touches
 * the disk. */
#define ASSERT_WORKER(self) g_assert (g_thread_self () != (self)->thread)

/* dd-outbox-store.c */
char     *_dd_outbox_store_job_path        (const char     *dir,
                                            const char     *name);
int       _dd_outbox_store_lock_in         (const char     *dir);
void      _dd_outbox_store_remove_tree     (const char     *dir);
void      _dd_outbox_store_delete_folder   (const char     *dir);
gboolean  _dd_outbox_store_write_json      (DdOutboxStore  *self,
                                            const char     *dir,
                                            const char     *json,
                                            gboolean        durable,
                                            GError        **error);
gboolean  _dd_outbox_store_set_errno_error (GError        **error,
                                            int             saved,
                                            const char     *path);

/* dd-outbox-store-json.c */
char  *_dd_outbox_store_job_to_json  (DdJob       *job);
DdJob *_dd_outbox_store_read_job     (const char  *job_dir,
                                      GError     **error);

G_END_DECLS
