/* dd-outbox-follow.c: the outbox follows its folder: what other
 * processes add, change or remove (a file monitor, and scans that stat
 * each job on the I/O thread), and the jobs they let go of, taken over
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-private.h"

/* How often the folder is scanned while a job of another process is on
 * its way (to show its progress and take it over if its owner dies), and
 * otherwise (new jobs are told by the file monitor too). */
#define POLL_BUSY_MS  500
#define POLL_IDLE_MS  2000

/* Takes what the scan read of a job this process does not own. */
static void
apply_found (DdOutbox *self,
             DdJob    *fresh)
{
  DdJob *job = dd_outbox_lookup (self, fresh->id);
  gboolean was_finished;

  /* ours, being made: the add puts it in the model when it is done */
  if (g_hash_table_contains (self->creating, fresh->id))
    return;

  if (job == NULL)
    {
      if (self->loaded)
        {
          _dd_outbox_insert_job (self, fresh);
          if (dd_job_is_finished (fresh))
            _dd_outbox_check_batch (self, fresh->batch_id);
        }
      return;
    }
  if (job->lock_fd >= 0)
    return;   /* ours: what we hold is newer than the disk */

  was_finished = dd_job_is_finished (job);
  dd_job_assign (job, fresh);
  if (job->state == DD_JOB_SENT && g_ptr_array_find (self->jobs, job, NULL))
    {
      g_autoptr(DdJob) hold = g_object_ref (job);

      _dd_outbox_forget_job (self, job);
      _dd_outbox_insert_job (self, job);
    }
  if (!was_finished && dd_job_is_finished (job))
    {
      if (job->state == DD_JOB_FAILED)
        _dd_outbox_emit_job_failed (self, job);
      _dd_outbox_check_batch (self, job->batch_id);
    }
}

static void
apply_gone (DdOutbox   *self,
            const char *id)
{
  DdJob *job = dd_outbox_lookup (self, id);

  /* removed by another process (or half made by one that died) */
  if (job != NULL && job->lock_fd < 0)
    _dd_outbox_forget_job (self, job);
}

/* The jobs another process may have let go of: not ours, not finished. */
static GPtrArray *
jobs_to_take (DdOutbox *self)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd < 0 && !dd_job_is_finished (job))
        g_ptr_array_add (jobs, g_object_ref (job));
    }
  /* and the sent ones whose thumbnail a process that stopped owed */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->history)); i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (self->history), i);

      if (job->lock_fd < 0 && job->thumbnail_owed && !self->no_thumbnails)
        g_ptr_array_add (jobs, g_steal_pointer (&job));
    }
  return jobs;
}

static void
taken_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DdOutbox) self = user_data;
  g_autoptr(GPtrArray) taken = dd_outbox_store_lock_finish (DD_OUTBOX_STORE (source), result, NULL);

  self->locking = FALSE;
  for (guint i = 0; taken != NULL && i < taken->len; i++)
    {
      DdJob *job = g_ptr_array_index (taken, i);

      if (job->state == DD_JOB_SENT && job->thumbnail_owed && self->started)
        {
          _dd_outbox_make_owed_thumbnail (self, job);
          continue;
        }
      if (!g_ptr_array_find (self->jobs, job, NULL) || !self->started)
        {
          dd_outbox_store_unlock (self->store, job);
          continue;
        }
      if (dd_job_is_finished (job))
        {
          /* finished by its owner just before it let go */
          dd_outbox_store_unlock (self->store, job);
          if (job->state == DD_JOB_SENT)
            {
              g_autoptr(DdJob) hold = g_object_ref (job);

              _dd_outbox_forget_job (self, job);
              _dd_outbox_insert_job (self, job);
            }
          _dd_outbox_check_batch (self, job->batch_id);
          continue;
        }
      g_debug ("Took over “%s”", job->display_name);
      _dd_outbox_schedule (self, job);
    }
}

void
_dd_outbox_take_over (DdOutbox *self)
{
  g_autoptr(GPtrArray) jobs = NULL;

  if (!self->started || self->locking)
    return;
  jobs = jobs_to_take (self);
  if (jobs->len == 0)
    return;
  self->locking = TRUE;
  dd_outbox_store_lock_async (self->store, jobs, self->cancellable, taken_cb, g_object_ref (self));
}

static gboolean
others_busy (DdOutbox *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd < 0 && !dd_job_is_finished (job))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  DdOutbox *self;
  GTask    *load;     /* nullable: the first scan completes the load */
} ScanOp;

static void
scanned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScanOp *op = user_data;
  g_autoptr(DdOutbox) self = op->self;
  g_autoptr(GTask) load = op->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdStoreScan) scan = dd_outbox_store_scan_finish (DD_OUTBOX_STORE (source), result, &error);

  g_free (op);
  self->scanning = FALSE;

  if (scan == NULL)
    {
      if (load != NULL)
        {
          g_autofree char *jobs_dir = g_build_filename (self->directory, "jobs", NULL);

          g_task_return_new_error (load, DD_ERROR, DD_ERROR_FILE,
                                   _("Could not make the outbox folder “%s”: %s"),
                                   jobs_dir, error->message);
        }
      return;
    }

  if (load != NULL)
    self->loaded = TRUE;
  for (guint i = 0; i < scan->found->len; i++)
    apply_found (self, g_ptr_array_index (scan->found, i));
  for (guint i = 0; i < scan->gone->len; i++)
    apply_gone (self, g_ptr_array_index (scan->gone, i));
  if (self->loaded)
    {
      g_ptr_array_set_size (self->damaged, 0);
      for (guint i = 0; i < scan->damaged->len; i++)
        g_ptr_array_add (self->damaged, g_strdup (g_ptr_array_index (scan->damaged, i)));
    }

  _dd_outbox_take_over (self);
  if (load != NULL)
    g_task_return_boolean (load, TRUE);
  if (self->loaded)
    _dd_outbox_schedule_poll (self, others_busy (self) ? POLL_BUSY_MS : POLL_IDLE_MS);
}

static void
scan (DdOutbox *self,
      GTask    *load)
{
  ScanOp *op;

  if (self->scanning && load == NULL)
    return;
  self->scanning = TRUE;
  op = g_new0 (ScanOp, 1);
  op->self = g_object_ref (self);
  op->load = load ? g_object_ref (load) : NULL;
  dd_outbox_store_scan_async (self->store, self->cancellable, scanned_cb, op);
}

static gboolean
poll_cb (gpointer user_data)
{
  DdOutbox *self = user_data;

  self->poll_id = 0;
  scan (self, NULL);
  return G_SOURCE_REMOVE;
}

void
_dd_outbox_schedule_poll (DdOutbox *self,
               guint     interval_ms)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->poll_id = g_timeout_add_full (G_PRIORITY_LOW, interval_ms, poll_cb, self, NULL);
}

static void
folder_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   DdOutbox          *self)
{
  /* a job was made or removed by another process: look soon */
  if (event == G_FILE_MONITOR_EVENT_MOVED_IN || event == G_FILE_MONITOR_EVENT_DELETED ||
      event == G_FILE_MONITOR_EVENT_MOVED_OUT || event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    _dd_outbox_schedule_poll (self, 50);
}

/**
 * dd_outbox_load_async:
 *
 * Reads every job of the folder (nothing is locked or sent until
 * dd_outbox_start()).  From then on, jobs that other processes add are
 * picked up as well.
 */
void
dd_outbox_load_async (DdOutbox            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *jobs_dir = NULL;
  g_autoptr(GFile) dir = NULL;

  g_return_if_fail (DD_IS_OUTBOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_load_async);

  if (self->monitor == NULL)
    {
      jobs_dir = g_build_filename (self->directory, "jobs", NULL);
      dir = g_file_new_for_path (jobs_dir);
      self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (self->monitor != NULL)
        g_signal_connect_object (self->monitor, "changed", G_CALLBACK (folder_changed_cb), self, 0);
    }
  scan (self, task);
}

gboolean
dd_outbox_load_finish (DdOutbox      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
