/* dd-outbox-actions.c: what the user does with the outbox: add a batch,
 * retry a job (to its robot or another), remove one, clear many
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-image.h"
#include "dd-outbox-private.h"

/* ---- add ------------------------------------------------------------------ */

typedef struct {
  GPtrArray *jobs;   /* DdJob, one per source, in order */
} AddData;

static void
add_data_free (AddData *data)
{
  g_ptr_array_unref (data->jobs);
  g_free (data);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DdOutbox *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->n_adding--;
  for (guint i = 0; i < data->jobs->len; i++)
    g_hash_table_remove (self->creating, ((DdJob *) g_ptr_array_index (data->jobs, i))->id);
  if (self->n_adding == 0)
    _dd_outbox_adds_done (self);

  if (!dd_outbox_store_create_finish (DD_OUTBOX_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Cancelled after the jobs were made: nothing of them may stay, or a
   * later start would send what the caller gave up on. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      for (guint i = 0; i < data->jobs->len; i++)
        dd_outbox_store_delete (self->store, g_ptr_array_index (data->jobs, i));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The add was cancelled");
      return;
    }

  for (guint i = 0; i < data->jobs->len; i++)
    _dd_outbox_insert_job (self, g_ptr_array_index (data->jobs, i));
  for (guint i = 0; i < data->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (data->jobs, i);

      if (job->state == DD_JOB_FAILED)
        _dd_outbox_job_finished (self, job);
      else if (self->started)
        _dd_outbox_schedule (self, job);
    }

  g_task_return_pointer (task, g_ptr_array_ref (data->jobs), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * dd_outbox_add_async:
 * @profile: the robot
 * @sources: (element-type DdOutboxSource): the images, in order
 * @options: copied
 *
 * Adds a batch, one job per source, each holding its own copy of the bytes
 * (read in a worker thread) and on disk before this completes.  A file
 * that cannot be read still gets a job, failed with the reason.  The jobs
 * are this process's; dd_outbox_start() sends them.  If @cancellable
 * fires before the completion, no job of the batch is left.
 */
void
dd_outbox_add_async (DdOutbox            *self,
                     DdProfile           *profile,
                     GPtrArray           *sources,
                     const DdSendOptions *options,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autofree char *batch_id = NULL;
  AddData *data;
  guint64 max_bytes, cap;
  gint64 created_at;

  g_return_if_fail (DD_IS_OUTBOX (self));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (sources != NULL && sources->len > 0);
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_add_async);
  g_task_set_check_cancellable (task, FALSE);

  batch_id = g_uuid_string_random ();
  created_at = dd_outbox_now (self);
  max_bytes = dd_profile_get_max_image_bytes (profile);
  cap = dd_image_input_cap (max_bytes);

  data = g_new0 (AddData, 1);
  data->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  copies = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  for (guint i = 0; i < sources->len; i++)
    {
      DdJob *job = dd_outbox_store_new_job (self->store);

      job->batch_id = g_strdup (batch_id);
      job->seq = i;
      job->profile_id = g_strdup (dd_profile_get_id (profile));
      job->created_at = created_at;
      job->title = g_strdup (options->title);
      job->caption = g_strdup (options->caption);
      job->at_mobiles = g_strdupv ((GStrv) options->at_mobiles);
      job->at_user_ids = g_strdupv ((GStrv) options->at_user_ids);
      job->at_all = options->at_all;
      job->album = options->album;
      g_ptr_array_add (data->jobs, job);
      g_ptr_array_add (copies, dd_outbox_source_copy (g_ptr_array_index (sources, i)));
      g_hash_table_add (self->creating, g_strdup (job->id));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  /* the token while the images are copied, not after (an outbox not
   * started asks nothing of DingTalk) */
  if (self->started && dd_profile_get_secrets_loaded (profile))
    dd_outbox_scheduler_prefetch_token (self->scheduler, profile);

  self->n_adding++;
  dd_outbox_store_create_async (self->store, data->jobs, copies, cap, cancellable,
                                created_cb, g_steal_pointer (&task));
}

/**
 * dd_outbox_add_finish:
 *
 * Returns: (transfer container) (element-type DdJob): the batch's jobs,
 *   one per source in the order given (their batch-id is the batch's), or
 *   %NULL with @error set (the outbox folder could not be written, or the
 *   add was cancelled; no job was added then)
 */
GPtrArray *
dd_outbox_add_finish (DdOutbox      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- retry and remove: the job must be this process's first ------------- */

typedef enum {
  ACTION_RETRY,
  ACTION_REMOVE,
} ActionKind;

typedef struct {
  ActionKind  kind;
  DdJob      *job;
  char       *profile_id;   /* ACTION_RETRY: nullable, the robot to use */
  gboolean    was_owned;
} Action;

static void
action_free (Action *action)
{
  g_object_unref (action->job);
  g_free (action->profile_id);
  g_free (action);
}

static gboolean
not_waiting_error (GTask *task,
                   DdJob *job)
{
  g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                           _("“%s” is not waiting to be tried again."), job->display_name);
  return FALSE;
}

/* With the job locked: do what was asked. */
static void
act (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;   /* taken */
  DdOutbox *self = g_task_get_source_object (task);
  Action *action = g_task_get_task_data (task);
  DdJob *job = action->job;

  if (action->kind == ACTION_REMOVE)
    {
      g_autoptr(DdJob) hold = g_object_ref (job);

      _dd_outbox_forget_job (self, job);
      dd_outbox_store_delete (self->store, job);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (job->state == DD_JOB_SENT)
    {
      /* another process sent it meanwhile */
      if (!action->was_owned)
        dd_outbox_store_unlock (self->store, job);
      not_waiting_error (task, job);
      return;
    }
  if (job->data_path == NULL && job->media_id == NULL)
    {
      if (!action->was_owned)
        dd_outbox_store_unlock (self->store, job);
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                               _("DingDrop has no copy of “%s” to send; add the image again."),
                               job->display_name);
      return;
    }

  /* the scheduler lets go of it while it changes */
  dd_outbox_scheduler_remove (self->scheduler, job);
  g_object_freeze_notify (G_OBJECT (job));
  if (action->profile_id != NULL && g_strcmp0 (action->profile_id, job->profile_id) != 0)
    {
      /* to another robot: prepared again for its limits; a media_id
       * belongs to its app */
      g_free (job->profile_id);
      job->profile_id = g_strdup (action->profile_id);
      g_object_notify (G_OBJECT (job), "profile-id");
      dd_job_set_prepared (job, 0, 0, 0, NULL, NULL, NULL, NULL);
      dd_job_set_media_id (job, NULL);
      dd_job_set_progress (job, 0);
      /* a new message, to a group that never saw the old one */
      g_free (job->msg_uuid);
      job->msg_uuid = g_uuid_string_random ();
    }
  dd_job_set_error (job, NULL, 0);
  dd_job_set_attempts (job, 0);
  dd_job_set_retry_at (job, 0);
  dd_job_set_state (job, DD_JOB_WAITING);
  g_object_thaw_notify (G_OBJECT (job));
  dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DURABLE);

  if (self->started)
    _dd_outbox_schedule (self, job);
  g_task_return_boolean (task, TRUE);
}

static void
action_locked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DdOutbox *self = g_task_get_source_object (task);
  Action *action = g_task_get_task_data (task);
  g_autoptr(GPtrArray) taken = dd_outbox_store_lock_finish (DD_OUTBOX_STORE (source), result, NULL);

  if (taken == NULL || !g_ptr_array_find (taken, action->job, NULL))
    {
      if (action->job->lock_fd >= 0)
        {
          /* taken meanwhile by this process itself (a poll) */
          action->was_owned = TRUE;
          act (g_steal_pointer (&task));
          return;
        }
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                               _("“%s” is being sent by another DingDrop right now."),
                               action->job->display_name);
      return;
    }
  (void) self;
  act (g_steal_pointer (&task));
}

static void
start_action (DdOutbox     *self,
              Action       *action,
              GCancellable *cancellable,
              gpointer      source_tag,
              GAsyncReadyCallback callback,
              gpointer      user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) jobs = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, action, (GDestroyNotify) action_free);

  action->was_owned = action->job->lock_fd >= 0;
  if (action->was_owned)
    {
      act (g_steal_pointer (&task));
      return;
    }

  jobs = g_ptr_array_new ();
  g_ptr_array_add (jobs, action->job);
  dd_outbox_store_lock_async (self->store, jobs, cancellable, action_locked_cb, g_steal_pointer (&task));
}

/**
 * dd_outbox_retry_async:
 * @profile: (nullable): the robot to send it with now; %NULL for its own
 *
 * Tries a failed job again from where it failed (an image already
 * uploaded is not uploaded again, unless it goes to another robot), or a
 * job waiting to try again at once.
 */
void
dd_outbox_retry_async (DdOutbox            *self,
                       DdJob               *job,
                       DdProfile           *profile,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Action *action;

  g_return_if_fail (DD_IS_OUTBOX (self));
  g_return_if_fail (DD_IS_JOB (job));
  g_return_if_fail (profile == NULL || DD_IS_PROFILE (profile));

  if (job->state == DD_JOB_SENT || job->state == DD_JOB_PAUSED ||
      (dd_outbox_scheduler_has (self->scheduler, job) && job->state != DD_JOB_WAITING) ||
      !_dd_outbox_in_model (self, job))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, dd_outbox_retry_async);
      not_waiting_error (task, job);
      return;
    }

  action = g_new0 (Action, 1);
  action->kind = ACTION_RETRY;
  action->job = g_object_ref (job);
  action->profile_id = profile ? g_strdup (dd_profile_get_id (profile)) : NULL;
  start_action (self, action, cancellable, dd_outbox_retry_async, callback, user_data);
}

gboolean
dd_outbox_retry_finish (DdOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dd_outbox_remove_async:
 *
 * Removes @job and its bytes, from the outbox or from the history.  What
 * is on its way is cancelled (a message DingTalk already has stays sent).
 */
void
dd_outbox_remove_async (DdOutbox            *self,
                        DdJob               *job,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Action *action;

  g_return_if_fail (DD_IS_OUTBOX (self));
  g_return_if_fail (DD_IS_JOB (job));

  action = g_new0 (Action, 1);
  action->kind = ACTION_REMOVE;
  action->job = g_object_ref (job);
  start_action (self, action, cancellable, dd_outbox_remove_async, callback, user_data);
}

gboolean
dd_outbox_remove_finish (DdOutbox      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- clear ------------------------------------------------------------------ */

typedef struct {
  guint n_pending;
  guint n_removed;
} ClearData;

static void
cleared_one_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ClearData *data = g_task_get_task_data (task);

  if (dd_outbox_remove_finish (DD_OUTBOX (source), result, NULL))
    data->n_removed++;
  if (--data->n_pending == 0)
    g_task_return_int (task, data->n_removed);
}

/**
 * dd_outbox_clear_async:
 * @flags: remove the history (sent), the failed jobs (and the damaged
 *   folders, see dd_outbox_get_damaged()), or both
 *
 * Jobs another process is working on are left alone.
 */
void
dd_outbox_clear_async (DdOutbox            *self,
                       DdOutboxClearFlags   flags,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  ClearData *data;

  g_return_if_fail (DD_IS_OUTBOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_clear_async);
  data = g_new0 (ClearData, 1);
  g_task_set_task_data (task, data, g_free);

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

  /* the folders no job stands for go with the failed ones: nothing
   * will ever send them */
  if (flags & DD_OUTBOX_CLEAR_FAILED)
    {
      for (guint i = 0; i < self->damaged->len; i++)
        dd_outbox_store_delete_folder (self->store, g_ptr_array_index (self->damaged, i));
      data->n_removed = self->damaged->len;
      g_ptr_array_set_size (self->damaged, 0);
    }

  if (doomed->len == 0)
    {
      g_task_return_int (task, data->n_removed);
      return;
    }
  data->n_pending = doomed->len;
  for (guint i = 0; i < doomed->len; i++)
    dd_outbox_remove_async (self, g_ptr_array_index (doomed, i), NULL,
                            cleared_one_cb, g_object_ref (task));
}

/**
 * dd_outbox_clear_finish:
 *
 * Returns: how many jobs were removed
 */
guint
dd_outbox_clear_finish (DdOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  n = g_task_propagate_int (G_TASK (result), error);
  return n < 0 ? 0 : (guint) n;
}
