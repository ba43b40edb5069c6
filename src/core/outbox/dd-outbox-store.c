/* dd-outbox-store.c: the outbox's folder
 *
 *   <outbox>/jobs/<id>/job.json       the job's state, replaced atomically
 *   <outbox>/jobs/<id>/original       its own copy of the bytes given
 *   <outbox>/jobs/<id>/prepared       what is uploaded, once prepared
 *   <outbox>/jobs/<id>/thumbnail.png  for the history
 *   <outbox>/jobs/<id>/lock           flock()ed by the process that owns it
 *
 * Nothing here touches the disk on the caller's thread: saves, locks,
 * unlocks and deletes go to the I/O queue in the order asked for (a job's
 * state is written before its lock is let go); new jobs are made in a
 * worker thread.  Writes are atomic (a temporary file renamed over the
 * old one) and fsynced only where it matters: a new job is on disk before
 * its add returns, and a state saved DURABLE (sent, failed) survives a
 * power cut once the I/O queue has gone idle or drained (states saved
 * back to back, a batch's end, share one flush: dd_io_queue_write_durable()).  A save that is still waiting is replaced by a newer one of
 * the same job, so a burst of progress costs one write.
 *
 * A new job is made in a hidden folder and renamed into place already
 * locked, so no other process sees it half written or takes it.  flock()
 * locks go with the process: one killed with SIGKILL leaves no stale lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-outbox-store-private.h"

G_DEFINE_FINAL_TYPE (DdOutboxStore, dd_outbox_store, G_TYPE_OBJECT)

typedef struct {
  gint64  mtime_ns;
  gint64  size;
  guint64 ino;
} Signature;

static void
dd_outbox_store_finalize (GObject *object)
{
  DdOutboxStore *self = (DdOutboxStore *) object;

  g_clear_pointer (&self->queue, dd_io_queue_unref);
  g_clear_pointer (&self->bytes_queue, dd_io_queue_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_free (self->directory);
  g_free (self->jobs_dir);

  G_OBJECT_CLASS (dd_outbox_store_parent_class)->finalize (object);
}

static void
dd_outbox_store_class_init (DdOutboxStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dd_outbox_store_finalize;
}

static void
dd_outbox_store_init (DdOutboxStore *self)
{
  g_mutex_init (&self->lock);
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->thread = g_thread_self ();
}

DdOutboxStore *
dd_outbox_store_new (const char *directory,
                     DdIoQueue  *queue)
{
  DdOutboxStore *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (queue != NULL, NULL);

  self = g_object_new (DD_TYPE_OUTBOX_STORE, NULL);
  self->directory = g_strdup (directory);
  self->jobs_dir = g_build_filename (directory, "jobs", NULL);
  self->queue = dd_io_queue_ref (queue);
  self->bytes_queue = dd_io_queue_new ();
  return self;
}

const char *
dd_outbox_store_get_directory (DdOutboxStore *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);
  return self->directory;
}

DdIoQueue *
dd_outbox_store_get_queue (DdOutboxStore *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);
  return self->queue;
}

/**
 * dd_outbox_store_get_bytes_queue:
 *
 * Returns: (transfer none): the queue that drops sent jobs' bytes (see
 *   dd_outbox_store_drop_bytes()): drain it too before the program exits
 */
DdIoQueue *
dd_outbox_store_get_bytes_queue (DdOutboxStore *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);
  return self->bytes_queue;
}

/**
 * dd_outbox_store_get_n_writes:
 * @n_durable: (out) (optional): how many of them were fsynced
 *
 * Returns: how many job.json files this store has written
 */
guint
dd_outbox_store_get_n_writes (DdOutboxStore *self,
                              guint         *n_durable)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), 0);

  if (n_durable != NULL)
    *n_durable = g_atomic_int_get (&self->n_durable);
  return g_atomic_int_get (&self->n_writes);
}

void
dd_store_scan_free (DdStoreScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->found, g_ptr_array_unref);
  g_clear_pointer (&scan->gone, g_ptr_array_unref);
  g_clear_pointer (&scan->damaged, g_ptr_array_unref);
  g_free (scan);
}

char *
_dd_outbox_store_job_path (const char *dir,
          const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Reads a job's folder; a job.json that is not one fails with @error. */
gboolean
_dd_outbox_store_write_json (DdOutboxStore  *self,
            const char     *dir,
            const char     *json,
            gboolean        durable,
            GError        **error)
{
  g_autofree char *path = _dd_outbox_store_job_path (dir, DD_JOB_FILE);

  g_atomic_int_inc (&self->n_writes);
  if (durable)
    g_atomic_int_inc (&self->n_durable);
  if (durable)
    return dd_io_queue_write_durable (self->queue, path, json, -1, error);
  return dd_io_write_file (path, json, -1, FALSE, error);
}

/* ---- locks -------------------------------------------------------------- */

int
_dd_outbox_store_lock_in (const char *dir)
{
  g_autofree char *path = _dd_outbox_store_job_path (dir, DD_JOB_LOCK);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

void
_dd_outbox_store_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

void
_dd_outbox_store_delete_folder (const char *dir)
{
  g_autofree char *json = _dd_outbox_store_job_path (dir, DD_JOB_FILE);

  /* job.json first: a folder without it is no job any more */
  g_unlink (json);
  _dd_outbox_store_remove_tree (dir);
}

gboolean
_dd_outbox_store_set_errno_error (GError     **error,
                 int          saved,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
  return FALSE;
}

/* ---- scanning ----------------------------------------------------------- */

static gboolean
signature_of (const char *dir,
              Signature  *signature)
{
  g_autofree char *path = _dd_outbox_store_job_path (dir, DD_JOB_FILE);
  struct stat st;

  if (stat (path, &st) != 0)
    return FALSE;
  signature->mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  signature->size = st.st_size;
  signature->ino = st.st_ino;
  return TRUE;
}

/* A hidden folder of a process that died while making it (never renamed
 * into place, no longer locked) is removed. */
static void
remove_stale_hidden (const char *path)
{
  GStatBuf st;
  int fd;

  /* the maker locks it right after making it: give it time */
  if (g_stat (path, &st) != 0 || st.st_mtime > time (NULL) - 60)
    return;
  fd = _dd_outbox_store_lock_in (path);
  if (fd >= 0)
    {
      _dd_outbox_store_remove_tree (path);
      close (fd);
    }
}

/* A sent job whose state says its bytes are gone, but whose folder still
 * has them: its process stopped between saving that state and dropping
 * them (they are dropped on a queue of their own).  Nobody needs them,
 * and the history promised not to keep them. */
static void
drop_leftover_bytes (const char *dir)
{
  g_autofree char *prepared = _dd_outbox_store_job_path (dir, DD_JOB_PREPARED);
  g_autofree char *original = _dd_outbox_store_job_path (dir, DD_JOB_ORIGINAL);

  if (g_unlink (prepared) == 0)
    g_debug ("Dropped the leftover prepared copy in %s", dir);
  if (g_unlink (original) == 0)
    g_debug ("Dropped the leftover copy in %s", dir);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  g_autoptr(DdStoreScan) scan = g_new0 (DdStoreScan, 1);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer id;
  const char *name;

  DD_ASSERT_IO_THREAD (self->queue);

  scan->found = g_ptr_array_new_with_free_func (g_object_unref);
  scan->gone = g_ptr_array_new_with_free_func (g_free);
  scan->damaged = g_ptr_array_new_with_free_func (g_free);

  if (g_mkdir_with_parents (self->jobs_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", self->jobs_dir, g_strerror (saved));
      return;
    }
  dir = g_dir_open (self->jobs_dir, 0, &error);
  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->jobs_dir, name, NULL);
      Signature signature, *seen;
      g_autoptr(DdJob) job = NULL;
      g_autoptr(GError) read_error = NULL;

      if (g_str_has_prefix (name, NEW_PREFIX))
        {
          remove_stale_hidden (path);
          continue;
        }
      if (name[0] == '.' || !signature_of (path, &signature))
        continue;

      g_hash_table_add (present, g_strdup (name));
      seen = g_hash_table_lookup (self->seen, name);
      if (seen != NULL && memcmp (seen, &signature, sizeof signature) == 0)
        continue;

      job = _dd_outbox_store_read_job (path, &read_error);
      if (job == NULL)
        {
          /* half written by a process that is writing it right now is
           * not possible (renames are atomic): this one is damaged */
          g_debug ("Cannot read %s: %s", path, read_error->message);
          g_ptr_array_add (scan->damaged, g_strdup (path));
          continue;
        }
      if (job->state == DD_JOB_SENT && job->data_path == NULL && !job->thumbnail_owed)
        drop_leftover_bytes (path);
      g_hash_table_insert (self->seen, g_strdup (name), g_memdup2 (&signature, sizeof signature));
      g_ptr_array_add (scan->found, g_steal_pointer (&job));
    }

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (present, id))
      {
        g_ptr_array_add (scan->gone, g_strdup (id));
        g_hash_table_iter_remove (&iter);
      }

  g_task_return_pointer (task, g_steal_pointer (&scan), (GDestroyNotify) dd_store_scan_free);
}

/**
 * dd_outbox_store_scan_async:
 *
 * Reads the folder: the first scan finds every job, later ones only the
 * jobs whose job.json changed (a stat each, no read) and the ones gone.
 */
void
dd_outbox_store_scan_async (DdOutboxStore       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_store_scan_async);
  dd_io_queue_run (self->queue, task, scan_thread);
}

/**
 * dd_outbox_store_scan_finish:
 *
 * Returns: (transfer full): what the scan found, or %NULL if the folder
 *   cannot be made or read
 */
DdStoreScan *
dd_outbox_store_scan_finish (DdOutboxStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- taking over jobs --------------------------------------------------- */

typedef struct {
  DdJob *job;
  int    fd;
  DdJob *fresh;   /* as on disk once locked */
} Taken;

static void
taken_free (Taken *taken)
{
  g_object_unref (taken->job);
  if (taken->fd >= 0)
    close (taken->fd);
  g_clear_object (&taken->fresh);
  g_free (taken);
}

typedef struct {
  GPtrArray *jobs;    /* DdJob asked for */
  GPtrArray *dirs;    /* their folders, copied for the thread */
} LockData;

static void
lock_data_free (LockData *data)
{
  g_ptr_array_unref (data->jobs);
  g_ptr_array_unref (data->dirs);
  g_free (data);
}

static void
lock_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  LockData *data = task_data;
  GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) taken_free);

  DD_ASSERT_IO_THREAD (self->queue);

  for (guint i = 0; i < data->dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (data->dirs, i);
      int fd = _dd_outbox_store_lock_in (dir);
      Taken *t;

      if (fd < 0)
        continue;
      t = g_new0 (Taken, 1);
      t->job = g_object_ref (g_ptr_array_index (data->jobs, i));
      t->fd = fd;
      t->fresh = _dd_outbox_store_read_job (dir, NULL);   /* NULL: removed meanwhile */
      g_ptr_array_add (taken, t);
    }

  g_task_return_pointer (task, taken, (GDestroyNotify) g_ptr_array_unref);
}

static void
locked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DdOutboxStore *self = DD_OUTBOX_STORE (source);
  g_autoptr(GPtrArray) taken = g_task_propagate_pointer (G_TASK (result), NULL);
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; taken != NULL && i < taken->len; i++)
    {
      Taken *t = g_ptr_array_index (taken, i);

      if (t->job->lock_fd >= 0)
        continue;   /* taken meanwhile by another call of this process */
      if (t->fresh == NULL)
        {
          /* its folder is gone: nothing to take */
          continue;
        }
      t->job->lock_fd = t->fd;
      t->fd = -1;
      dd_job_assign (t->job, t->fresh);
      g_ptr_array_add (jobs, g_object_ref (t->job));
    }

  (void) self;
  g_task_return_pointer (task, jobs, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * dd_outbox_store_lock_async:
 * @jobs: (element-type DdJob): jobs this process does not own
 *
 * Tries to lock each job (never waiting for another process) and reads
 * those it got again, as their last owner left them.
 */
void
dd_outbox_store_lock_async (DdOutboxStore       *self,
                            GPtrArray           *jobs,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  LockData *data;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (jobs != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_store_lock_async);

  data = g_new0 (LockData, 1);
  data->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  data->dirs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      g_ptr_array_add (data->jobs, g_object_ref (job));
      g_ptr_array_add (data->dirs, g_strdup (job->dir));
    }

  /* the locks are applied on this thread, then the caller hears of it */
  inner = g_task_new (self, NULL, locked_cb, g_steal_pointer (&task));
  g_task_set_task_data (inner, data, (GDestroyNotify) lock_data_free);
  dd_io_queue_run (self->queue, inner, lock_thread);
}

/**
 * dd_outbox_store_lock_finish:
 *
 * Returns: (transfer full) (element-type DdJob): the jobs now locked by
 *   this process, updated from disk
 */
GPtrArray *
dd_outbox_store_lock_finish (DdOutboxStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- saves, unlocks, deletes: in order on the I/O queue ------------------ */

typedef enum {
  OP_SAVE,
  OP_UNLOCK,
  OP_DELETE,
  OP_DROP_BYTES,
} OpKind;

typedef struct {
  OpKind    kind;
  char     *dir;
  char     *json;          /* OP_SAVE */
  gboolean  durable;       /* OP_SAVE */
  int       fd;            /* OP_UNLOCK, OP_DELETE: the lock to let go, or -1 */
  gboolean  keep_original; /* OP_DROP_BYTES */
} Op;

static void
op_free (Op *op)
{
  g_free (op->dir);
  g_free (op->json);
  g_free (op);
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  Op *op = task_data;
  g_autoptr(GError) error = NULL;

  DD_ASSERT_IO_THREAD (self->queue);

  switch (op->kind)
    {
    case OP_SAVE:
      {
        g_autofree char *json = NULL;
        gboolean durable;

        /* take the newest state asked for; a later save finds none
         * waiting and queues its own */
        g_mutex_lock (&self->lock);
        g_hash_table_remove (self->pending, op->dir);
        json = g_steal_pointer (&op->json);
        durable = op->durable;
        g_mutex_unlock (&self->lock);

        Signature signature;

        if (!g_file_test (op->dir, G_FILE_TEST_IS_DIR))
          break;   /* removed meanwhile */
        if (!_dd_outbox_store_write_json (self, op->dir, json, durable, &error))
          g_warning ("Could not save the state of a job in %s: %s", op->dir, error->message);
        else if (signature_of (op->dir, &signature))
          {
            /* our own write: the next scan need not read it back */
            g_hash_table_insert (self->seen, g_path_get_basename (op->dir),
                                 g_memdup2 (&signature, sizeof signature));
          }
      }
      break;

    case OP_UNLOCK:
      break;

    case OP_DELETE:
      if (op->fd < 0)
        op->fd = _dd_outbox_store_lock_in (op->dir);
      if (op->fd >= 0)
        _dd_outbox_store_delete_folder (op->dir);
      break;

    default:
      g_assert_not_reached ();
    }

  if (op->fd >= 0)
    close (op->fd);  /* and so unlock */
  op->fd = -1;
  g_task_return_boolean (task, TRUE);
}

static void
queue_op (DdOutboxStore *self,
          Op            *op)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

  g_task_set_source_tag (task, queue_op);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  dd_io_queue_run (self->queue, task, op_thread);
}

static Op *
op_new (OpKind  kind,
        DdJob  *job)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->dir = g_strdup (job->dir);
  op->fd = -1;
  return op;
}

/**
 * dd_outbox_store_save:
 * @flags: %DD_STORE_SAVE_DURABLE for a state that must survive a power
 *   cut (sent, failed)
 *
 * Writes @job's state, if this process owns it, after everything asked
 * for before; a save still waiting for its turn is replaced by this one.
 */
void
dd_outbox_store_save (DdOutboxStore    *self,
                      DdJob            *job,
                      DdStoreSaveFlags  flags)
{
  g_autofree char *json = NULL;
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;  /* not ours to write */

  json = _dd_outbox_store_job_to_json (job);

  g_mutex_lock (&self->lock);
  op = g_hash_table_lookup (self->pending, job->dir);
  if (op != NULL)
    {
      g_free (op->json);
      op->json = g_steal_pointer (&json);
      op->durable |= (flags & DD_STORE_SAVE_DURABLE) != 0;
      g_mutex_unlock (&self->lock);
      return;
    }
  op = op_new (OP_SAVE, job);
  op->json = g_steal_pointer (&json);
  op->durable = (flags & DD_STORE_SAVE_DURABLE) != 0;
  g_hash_table_insert (self->pending, op->dir, op);
  g_mutex_unlock (&self->lock);

  queue_op (self, op);
}

/**
 * dd_outbox_store_unlock:
 *
 * Lets another process take @job, once what was asked for it is written.
 */
void
dd_outbox_store_unlock (DdOutboxStore *self,
                        DdJob         *job)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;
  op = op_new (OP_UNLOCK, job);
  op->fd = job->lock_fd;
  job->lock_fd = -1;
  queue_op (self, op);
}

/**
 * dd_outbox_store_delete:
 *
 * Removes @job's folder: at once if this process owns it; else only if
 * its lock is free when its turn comes (a sent job of the history).
 */
void
dd_outbox_store_delete (DdOutboxStore *self,
                        DdJob         *job)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  op = op_new (OP_DELETE, job);
  op->fd = job->lock_fd;
  job->lock_fd = -1;
  queue_op (self, op);
}

/**
 * dd_outbox_store_delete_folder:
 * @folder: a job's folder that no job stands for (its job.json is damaged)
 *
 * Removes it, if nobody holds its lock when its turn comes.
 */
void
dd_outbox_store_delete_folder (DdOutboxStore *self,
                               const char    *folder)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (folder != NULL);

  op = g_new0 (Op, 1);
  op->kind = OP_DELETE;
  op->dir = g_strdup (folder);
  op->fd = -1;
  queue_op (self, op);
}

/* Unlinking a sent image's copy frees its blocks: about half a
 * millisecond each on ext4, 20 of them when an album's jobs are sent at
 * once.  On a thread of their own they run beside the jobs' saves and
 * their flush instead of before them.  Nothing waits on them but the
 * program's exit: the job's state (saved on the other queue) no longer
 * names the files, and a delete of the folder meanwhile only makes
 * these find nothing. */
static void
drop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Op *op = task_data;
  g_autofree char *prepared = _dd_outbox_store_job_path (op->dir, DD_JOB_PREPARED);
  g_autofree char *original = _dd_outbox_store_job_path (op->dir, DD_JOB_ORIGINAL);

  g_unlink (prepared);
  if (!op->keep_original)
    g_unlink (original);
  g_task_return_boolean (task, TRUE);
}

/**
 * dd_outbox_store_drop_bytes:
 * @keep_original: keep the copy of the image given (for "Send Again")
 *
 * Removes what a sent job no longer needs.
 */
void
dd_outbox_store_drop_bytes (DdOutboxStore *self,
                            DdJob         *job,
                            gboolean       keep_original)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;
  op = op_new (OP_DROP_BYTES, job);
  op->keep_original = keep_original;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, dd_outbox_store_drop_bytes);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  dd_io_queue_run (self->bytes_queue, task, drop_thread);
}
