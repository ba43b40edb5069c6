/* test-io-queue.c: the outbox's I/O queue makes durable writes queued back
 * to back share one flush, and has made every flush owed before a drain
 * completes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "dd-io-queue.h"

typedef struct {
  GMutex    lock;
  GCond     cond;
  gboolean  open;
} Gate;

typedef struct {
  char *path;
  char *text;
} Write;

static void
gate_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->lock);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  g_task_return_boolean (task, TRUE);
}

static void
write_free (Write *w)
{
  g_free (w->path);
  g_free (w->text);
  g_free (w);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Write *w = task_data;
  DdIoQueue *queue = g_object_get_data (G_OBJECT (task), "queue");
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_io_queue_write_durable (queue, w->path, w->text, -1, &error));
  g_assert_no_error (error);
  g_task_return_boolean (task, TRUE);
}

static void
queue_write (DdIoQueue  *queue,
             const char *dir,
             guint       i)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  g_autofree char *sub = g_strdup_printf ("%s/job-%u", dir, i);
  Write *w = g_new0 (Write, 1);

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  w->path = g_build_filename (sub, "job.json", NULL);
  w->text = g_strdup_printf ("{\"state\": \"sent\", \"n\": %u}", i);
  g_task_set_task_data (task, w, (GDestroyNotify) write_free);
  g_object_set_data (G_OBJECT (task), "queue", queue);
  dd_io_queue_run (queue, task, write_thread);
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(guint *) user_data = dd_io_get_n_fsyncs ();
}

/* Waits for the queue and returns how many flushes there were when its
 * drain completed. */
static guint
drain (DdIoQueue *queue)
{
  guint at_drain = G_MAXUINT;

  dd_io_queue_drain_async (queue, drained_cb, &at_drain);
  while (at_drain == G_MAXUINT)
    g_main_context_iteration (NULL, TRUE);
  return at_drain;
}

static void
check_files (const char *dir,
             guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/job-%u/job.json", dir, i);
      g_autofree char *expected = g_strdup_printf ("{\"state\": \"sent\", \"n\": %u}", i);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, expected);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Ten durable writes waiting behind other work: one flush (a syncfs) for
 * all ten, made before the drain completes. */
static void
test_batch_shares_one_flush (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dd-io-queue-XXXXXX", NULL);
  DdIoQueue *queue = dd_io_queue_new ();
  g_autoptr(GTask) gate_task = g_task_new (NULL, NULL, NULL, NULL);
  Gate gate = { 0 };
  guint before, at_drain;

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  g_task_set_task_data (gate_task, &gate, NULL);
  dd_io_queue_run (queue, gate_task, gate_thread);

  before = dd_io_get_n_fsyncs ();
  for (guint i = 0; i < 10; i++)
    queue_write (queue, dir, i);

  g_mutex_lock (&gate.lock);
  gate.open = TRUE;
  g_cond_signal (&gate.cond);
  g_mutex_unlock (&gate.lock);

  at_drain = drain (queue);
  g_assert_cmpuint (at_drain - before, ==, 1);
  check_files (dir, 10);

  dd_io_queue_unref (queue);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  remove_tree (dir);
}

/* One durable write alone: its file and its folder fsynced, before the
 * drain completes (a flush of the whole file system is not worth it). */
static void
test_single_write_two_fsyncs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dd-io-queue-XXXXXX", NULL);
  DdIoQueue *queue = dd_io_queue_new ();
  guint before = dd_io_get_n_fsyncs ();

  queue_write (queue, dir, 0);
  g_assert_cmpuint (drain (queue) - before, ==, 2);
  check_files (dir, 1);

  dd_io_queue_unref (queue);
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io-queue/batch-shares-one-flush", test_batch_shares_one_flush);
  g_test_add_func ("/io-queue/single-write-two-fsyncs", test_single_write_two_fsyncs);
  return g_test_run ();
}
