/* dd-outbox-jobs.c: which process owns which job, and what the user does
 * with them: start, stop, retry, remove, clear
 *
 * A job belongs to the process that holds its lock.  Jobs owned elsewhere
 * are read again from disk every half second, so the model shows their
 * progress, and taken over as soon as their lock is free (their owner
 * finished with them, stopped, or died).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-private.h"

#define TICK_MS            100
#define IDLE_TICK_MS       500
#define POLL_EVERY_TICKS   5
#define RESCAN_EVERY_TICKS 20
#define RESCAN_EVERY_IDLE_TICKS 4

DdJob *
dd_outbox_lookup (DdOutbox   *self,
                  const char *job_id)
{
  guint n;

  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  for (guint i = 0; i < self->jobs->len; i++)
    if (g_str_equal (((DdJob *) g_ptr_array_index (self->jobs, i))->id, job_id))
      return g_ptr_array_index (self->jobs, i);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (self->history), i);

      if (g_str_equal (job->id, job_id))
        return job;  /* the history holds a reference */
    }

  return NULL;
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const DdJob *x = *(DdJob * const *) a, *y = *(DdJob * const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * dd_outbox_get_batch_jobs:
 *
 * Returns: (transfer container) (element-type DdJob): the jobs of the
 *   batch this outbox knows, sent ones included, in the user's order
 */
GPtrArray *
dd_outbox_get_batch_jobs (DdOutbox   *self,
                          const char *batch_id)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (DD_IS_OUTBOX (self), jobs);
  g_return_val_if_fail (batch_id != NULL, jobs);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (g_strcmp0 (job->batch_id, batch_id) == 0)
        g_ptr_array_add (jobs, g_object_ref (job));
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (self->history), i);

      if (g_strcmp0 (job->batch_id, batch_id) == 0)
        g_ptr_array_add (jobs, g_steal_pointer (&job));
    }
  g_ptr_array_sort (jobs, compare_seq);

  return jobs;
}

gboolean
dd_outbox_owns_job (DdOutbox *self,
                    DdJob    *job)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (DD_IS_JOB (job), FALSE);

  return job->lock_fd >= 0;
}

static void
forget_job (DdOutbox *self,
            DdJob    *job)
{
  guint pos;

  if (g_ptr_array_find (self->jobs, job, &pos))
    {
      g_ptr_array_remove_index (self->jobs, pos);
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
    }
  else if (g_list_store_find (self->history, job, &pos))
    g_list_store_remove (self->history, pos);
}

/* Reads again the jobs this process does not own, and takes those it can. */
void
dd_outbox_poll_others (DdOutbox *self)
{
  g_autoptr(GPtrArray) snapshot = dd_outbox_snapshot (self);

  for (guint i = 0; i < snapshot->len; i++)
    {
      DdJob *job = g_ptr_array_index (snapshot, i);
      g_autoptr(DdJob) fresh = NULL;
      gboolean was_finished = dd_job_is_finished (job);
      gboolean taken = FALSE;

      if (job->lock_fd >= 0 || job->busy)
        continue;
      if (self->started && !was_finished)
        taken = dd_outbox_store_lock_job (job);

      fresh = dd_outbox_store_read_job (job->dir, NULL);
      if (fresh == NULL)
        {
          /* removed by its owner; or made by a process that died before
           * finishing its folder */
          if (taken || !g_file_test (job->dir, G_FILE_TEST_IS_DIR))
            {
              if (taken)
                dd_outbox_store_delete_job (job);
              forget_job (self, job);
            }
          continue;
        }
      dd_job_assign (job, fresh);

      if (dd_job_is_finished (job))
        {
          if (!was_finished || taken)
            dd_outbox_job_finished (self, job);
        }
      else if (taken)
        dd_outbox_reset_interrupted (self, job);
    }
}

static gboolean tick_cb (gpointer user_data);

static void
schedule_tick (DdOutbox *self,
               guint     interval_ms)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, tick_cb, self, NULL);
  g_source_set_static_name (source, "[dingdrop] outbox tick");
  self->tick_id = g_source_attach (source, self->context);
  self->tick_interval = interval_ms;
}

/* Ten times a second while this process has work (time moves on by the
 * outbox's clock, which tests set); twice a second otherwise, enough to
 * follow what other processes do. */
static gboolean
tick_cb (gpointer user_data)
{
  DdOutbox *self = user_data;
  gboolean idle = self->tick_interval == IDLE_TICK_MS;
  guint interval;

  self->n_ticks++;
  if (self->loaded && self->n_ticks % (idle ? RESCAN_EVERY_IDLE_TICKS : RESCAN_EVERY_TICKS) == 0)
    dd_outbox_rescan (self);
  if (idle || self->n_ticks % POLL_EVERY_TICKS == 0)
    dd_outbox_poll_others (self);
  dd_outbox_pump (self);

  interval = dd_outbox_is_busy (self) ? TICK_MS : IDLE_TICK_MS;
  if (interval == self->tick_interval)
    return G_SOURCE_CONTINUE;

  schedule_tick (self, interval);
  return G_SOURCE_REMOVE;
}

/**
 * dd_outbox_start:
 *
 * Processes every job this process owns or can lock: its own, and those a
 * crashed or finished process left behind, resuming where they were (an
 * uploaded image is not uploaded again).
 */
void
dd_outbox_start (DdOutbox *self)
{
  g_return_if_fail (DD_IS_OUTBOX (self));

  if (self->started)
    {
      dd_outbox_pump (self);
      return;
    }

  self->started = TRUE;
  self->cancellable = g_cancellable_new ();
  if (self->loaded)
    dd_outbox_rescan (self);
  dd_outbox_poll_others (self);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd >= 0 && !dd_job_is_finished (job))
        dd_outbox_reset_interrupted (self, job);
    }

  schedule_tick (self, TICK_MS);
  dd_outbox_pump (self);
}

/* Stops sending; what was on its way is cancelled and resumes later, here
 * or in another process. */
void
dd_outbox_stop (DdOutbox *self)
{
  g_return_if_fail (DD_IS_OUTBOX (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->tick_id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->tick_id);

      if (source != NULL)
        g_source_destroy (source);
      self->tick_id = 0;
    }

  /* The ones still busy let go when their call returns. */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (!job->busy)
        dd_outbox_store_unlock_job (job);
    }
}

/* TRUE while a job this process owns is not sent or failed yet. */
gboolean
dd_outbox_is_busy (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->busy || (job->lock_fd >= 0 && !dd_job_is_finished (job)))
        return TRUE;
    }
  return FALSE;
}

/* Locks @job for a change the user asked for, and reads it again. */
static gboolean
take_for_user (DdOutbox  *self,
               DdJob     *job,
               gboolean  *was_owned,
               GError   **error)
{
  g_autoptr(DdJob) fresh = NULL;

  *was_owned = job->lock_fd >= 0;
  if (!dd_outbox_store_lock_job (job))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("“%s” is being sent by another DingDrop right now."), job->display_name);
      return FALSE;
    }
  if (!*was_owned && (fresh = dd_outbox_store_read_job (job->dir, NULL)) != NULL)
    dd_job_assign (job, fresh);
  return TRUE;
}

/**
 * dd_outbox_retry:
 *
 * Tries a failed job again from where it failed (an image already
 * uploaded is not uploaded again), or a job waiting to try again at once.
 */
gboolean
dd_outbox_retry (DdOutbox  *self,
                 DdJob     *job,
                 GError   **error)
{
  gboolean was_owned;

  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (DD_IS_JOB (job), FALSE);

  if (job->state == DD_JOB_SENT || job->busy || job->state == DD_JOB_PAUSED)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("“%s” is not waiting to be tried again."), job->display_name);
      return FALSE;
    }
  if (!take_for_user (self, job, &was_owned, error))
    return FALSE;

  if (job->state == DD_JOB_SENT)
    {
      /* another process sent it meanwhile */
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("“%s” is not waiting to be tried again."), job->display_name);
      if (!was_owned)
        dd_outbox_store_unlock_job (job);
      return FALSE;
    }

  if (job->data_path == NULL && job->media_id == NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("DingDrop has no copy of “%s” to send; add the image again."), job->display_name);
      if (!was_owned)
        dd_outbox_store_unlock_job (job);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (job));
  dd_job_set_error (job, NULL, 0);
  dd_job_set_attempts (job, 0);
  dd_job_set_retry_at (job, 0);
  dd_job_set_state (job, DD_JOB_WAITING);
  g_object_thaw_notify (G_OBJECT (job));
  dd_outbox_save_job (self, job);

  dd_outbox_pump (self);
  return TRUE;
}

/**
 * dd_outbox_remove:
 *
 * Removes @job and its bytes, from the outbox or from the history.  What
 * is on its way is cancelled (a message DingTalk already has stays sent).
 */
gboolean
dd_outbox_remove (DdOutbox  *self,
                  DdJob     *job,
                  GError   **error)
{
  g_autoptr(DdJob) hold = NULL;
  gboolean was_owned;

  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (DD_IS_JOB (job), FALSE);

  hold = g_object_ref (job);
  if (!take_for_user (self, job, &was_owned, error))
    return FALSE;

  if (job->cancellable != NULL)
    g_cancellable_cancel (job->cancellable);
  dd_outbox_store_delete_job (job);
  forget_job (self, job);
  return TRUE;
}

/**
 * dd_outbox_clear:
 * @flags: remove the history (sent), the failed jobs, or both
 *
 * Jobs another process is working on are left alone.
 *
 * Returns: how many jobs were removed
 */
guint
dd_outbox_clear (DdOutbox           *self,
                 DdOutboxClearFlags  flags)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_removed = 0;

  g_return_val_if_fail (DD_IS_OUTBOX (self), 0);

  if (flags & DD_OUTBOX_CLEAR_SENT)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->history)); i++)
      g_ptr_array_add (doomed, g_list_model_get_item (G_LIST_MODEL (self->history), i));
  if (flags & DD_OUTBOX_CLEAR_FAILED)
    for (guint i = 0; i < self->jobs->len; i++)
      {
        DdJob *job = g_ptr_array_index (self->jobs, i);

        if (job->state == DD_JOB_FAILED)
          g_ptr_array_add (doomed, g_object_ref (job));
      }

  for (guint i = 0; i < doomed->len; i++)
    if (dd_outbox_remove (self, g_ptr_array_index (doomed, i), NULL))
      n_removed++;

  return n_removed;
}
