/* dd-io-queue.c: one worker thread that does the outbox's disk I/O, in
 * the order it was asked for
 *
 * The store, the robots' pacing and the media cache put their reads,
 * writes, locks and fsyncs here, never on the main loop.  One thread, so
 * what was asked first happens first: a job's state is written before its
 * lock is let go, a folder is made before it is written to.  Each piece of
 * work is a GTask: its callback runs back in the caller's main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#define _GNU_SOURCE   /* syncfs() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dd-io-queue.h"

struct _DdIoQueue
{
  GThreadPool *pool;
  GPtrArray   *owed;   /* I/O thread only: files written, their flush owed */
};

/* At most this many flushes owed before they are made, however busy the
 * queue: a stream of other work does not put them off for long. */
#define MAX_OWED 64

typedef struct {
  GTask           *task;
  GTaskThreadFunc  func;
} Work;

static GPrivate is_worker;

static void flush_owed (DdIoQueue *self);

static void
worker (gpointer data,
        gpointer user_data)
{
  DdIoQueue *self = user_data;
  Work *work = data;
  GTask *task = work->task;

  /* the pool's thread may serve other pools later: mark it only while
   * it works for this one */
  g_private_set (&is_worker, GINT_TO_POINTER (TRUE));
  work->func (task, g_task_get_source_object (task), g_task_get_task_data (task),
              g_task_get_cancellable (task));
  /* the owed flushes once nothing else waits: a batch's states, written
   * back to back, share them */
  if (self->owed->len > 0 &&
      (g_thread_pool_unprocessed (self->pool) == 0 || self->owed->len >= MAX_OWED))
    flush_owed (self);
  g_object_unref (task);
  g_free (work);
  g_private_set (&is_worker, GINT_TO_POINTER (FALSE));
}

static void
dd_io_queue_free (DdIoQueue *self)
{
  /* Everything asked for is done before the thread goes: a state that
   * was to be written is written.  (The last reference may go on the
   * thread itself, with its last task: it cannot wait for itself.) */
  g_thread_pool_free (self->pool, FALSE, !dd_io_queue_is_worker (self));
  /* (the last work flushed them; this for a queue let go from its own
   * thread, in the middle of its work) */
  flush_owed (self);
  g_ptr_array_unref (self->owed);
}

DdIoQueue *
dd_io_queue_new (void)
{
  DdIoQueue *self = g_atomic_rc_box_new0 (DdIoQueue);
  g_autoptr(GError) error = NULL;

  self->owed = g_ptr_array_new_with_free_func (g_free);
  self->pool = g_thread_pool_new (worker, self, 1, FALSE, &error);
  g_assert_no_error (error);
  return self;
}

DdIoQueue *
dd_io_queue_ref (DdIoQueue *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
dd_io_queue_unref (DdIoQueue *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) dd_io_queue_free);
}

/**
 * dd_io_queue_run:
 * @task: returned by @func, on the I/O thread
 *
 * Runs @func on the I/O thread after everything queued before it, as
 * g_task_run_in_thread() would run it on any thread.
 */
void
dd_io_queue_run (DdIoQueue       *self,
                 GTask           *task,
                 GTaskThreadFunc  func)
{
  Work *work = g_new0 (Work, 1);
  g_autoptr(GError) error = NULL;

  work->task = g_object_ref (task);
  work->func = func;
  if (!g_thread_pool_push (self->pool, work, &error))
    g_error ("Could not start the outbox's I/O thread: %s", error->message);
}

/* TRUE on the I/O thread. */
gboolean
dd_io_queue_is_worker (DdIoQueue *self)
{
  return GPOINTER_TO_INT (g_private_get (&is_worker));
}

static void
drain_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  flush_owed (task_data);
  g_task_return_boolean (task, TRUE);
}

/**
 * dd_io_queue_drain_async:
 *
 * Completes once everything queued before it is done, flushes owed
 * included: what a program waits for before it exits.
 */
void
dd_io_queue_drain_async (DdIoQueue           *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, dd_io_queue_drain_async);
  g_task_set_task_data (task, dd_io_queue_ref (self), (GDestroyNotify) dd_io_queue_unref);
  dd_io_queue_run (self, task, drain_thread);
}

gboolean
dd_io_queue_drain_finish (DdIoQueue    *self,
                          GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

static guint n_fsyncs;   /* atomic */

static gboolean
errno_error (GError     **error,
             int          saved,
             const char  *what,
             const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               "%s %s: %s", what, path, g_strerror (saved));
  return FALSE;
}

static void
sync_fd (int fd)
{
  fsync (fd);
  g_atomic_int_inc (&n_fsyncs);
}

/**
 * dd_io_write_file:
 * @len: -1 for a string
 * @durable: on disk even if the power fails next (fsync the file and its
 *   folder); else only atomic
 *
 * Replaces @path atomically: a temporary file beside it, renamed over
 * it, readable by the user alone.  Unlike g_file_set_contents(), which
 * fsyncs whenever it replaces a file on most file systems, this fsyncs
 * only when asked: the outbox's progress is worth a rename, not a flush.
 */
gboolean
dd_io_write_file (const char  *path,
                  const void  *data,
                  gssize       len,
                  gboolean     durable,
                  GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  const char *p = data;
  gsize left = len < 0 ? strlen (data) : (gsize) len;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno_error (error, errno, "Could not create", tmp);

  while (left > 0)
    {
      gssize n = write (fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (tmp);
          return errno_error (error, saved, "Could not write", tmp);
        }
      p += n;
      left -= n;
    }

  if (durable)
    sync_fd (fd);
  if (close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      return errno_error (error, saved, "Could not replace", path);
    }

  if (durable)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (dir_fd >= 0)
        {
          sync_fd (dir_fd);
          close (dir_fd);
        }
    }
  return TRUE;
}

static void
sync_path (const char *path,
           int         flags)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | flags);

  if (fd >= 0)
    {
      sync_fd (fd);
      close (fd);
    }
}

/* One file owed: it and its folder, as dd_io_write_file() would have.
 * Several: one syncfs() for them all.  Each fsync on ext4 waits for a
 * journal commit of its own; one syncfs() commits once (20 job.json in
 * 20 folders on this project's machine: ~210 ms with two fsyncs each,
 * 4–48 ms with one syncfs). */
static void
flush_owed (DdIoQueue *self)
{
  if (self->owed->len == 1)
    {
      const char *path = g_ptr_array_index (self->owed, 0);
      g_autofree char *dir = g_path_get_dirname (path);

      sync_path (path, 0);
      sync_path (dir, O_DIRECTORY);
    }
  else if (self->owed->len > 1)
    {
      g_autofree char *dir = g_path_get_dirname (g_ptr_array_index (self->owed, 0));
      int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      /* the folder may be gone (a job deleted meanwhile): its parent is
       * on the same file system */
      for (int up = 0; fd < 0 && up < 3; up++)
        {
          char *parent = g_path_get_dirname (dir);

          g_free (dir);
          dir = parent;
          fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
      if (fd >= 0)
        {
          if (syncfs (fd) != 0)
            g_warning ("Could not flush %s: %s", dir, g_strerror (errno));
          g_atomic_int_inc (&n_fsyncs);
          close (fd);
        }
    }
  g_ptr_array_set_size (self->owed, 0);
}

/**
 * dd_io_queue_write_durable:
 *
 * Replaces @path atomically, as dd_io_write_file() does, and makes it
 * durable (on disk even if the power fails) before the queue goes idle or
 * drains: writes queued back to back share one flush.  What is queued
 * after it may run before that flush; nothing the outbox does after a
 * durable save needs it on disk first (another process reads it from
 * the page cache, and a power cut in between is no different from one a
 * moment earlier).  On the I/O thread only.
 */
gboolean
dd_io_queue_write_durable (DdIoQueue   *self,
                           const char  *path,
                           const void  *data,
                           gssize       len,
                           GError     **error)
{
  DD_ASSERT_IO_THREAD (self);

  if (!dd_io_write_file (path, data, len, FALSE, error))
    return FALSE;
  g_ptr_array_add (self->owed, g_strdup (path));
  return TRUE;
}

/* How many fsyncs (and syncfs) the queue's writes made: for tests. */
guint
dd_io_get_n_fsyncs (void)
{
  return g_atomic_int_get (&n_fsyncs);
}
