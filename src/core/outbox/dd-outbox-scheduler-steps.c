/* dd-outbox-scheduler-steps.c: one step of one job: its image prepared
 * in a worker thread, looked up in the media cache, uploaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include "dd-job-prepare.h"
#include "dd-outbox-scheduler-private.h"

/* ---- one step of one job ---------------------------------------------------- */

typedef struct {
  DdOutboxScheduler *self;
  DdJob             *job;
  guint64            serial;    /* of the run it is a step of */
  char              *app_key;
} StepOp;

static StepOp *
step_op_new (DdOutboxScheduler *self,
             Run               *run)
{
  StepOp *op = g_new0 (StepOp, 1);

  op->self = g_object_ref (self);
  op->job = g_object_ref (run->job);
  op->serial = run->serial;
  return op;
}

static void
step_op_free (StepOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->job);
  g_free (op->app_key);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StepOp, step_op_free)

/* The run @op is a step of, if it is still ours and still in @phase. */
static Run *
step_run (StepOp *op,
          Phase   phase)
{
  Run *run = _dd_scheduler_find_run (op->self, op->job, op->serial);

  return run != NULL && run->phase == phase ? run : NULL;
}

static GCancellable *
begin (DdOutboxScheduler *self,
       Run               *run,
       Phase              phase)
{
  run->phase = phase;
  g_set_object (&run->cancellable, g_cancellable_new ());
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), run->cancellable, G_CONNECT_SWAPPED);
  return run->cancellable;
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StepOp) op = user_data;
  DdOutboxScheduler *self = op->self;
  DdJob *job = op->job;
  g_autoptr(DdJobPrepared) prepared = NULL;
  g_autoptr(GError) error = NULL;

  prepared = dd_job_prepare_finish (result, &error);
  if (step_run (op, PHASE_PREPARING) == NULL)
    return;
  _dd_scheduler_idle_run (self, job);

  if (prepared == NULL)
    _dd_scheduler_handle_error (self, job, error);
  else
    {
      Run *run = _dd_scheduler_find_run (self, job, op->serial);

      if (run != NULL)
        run->prepared_here = TRUE;
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_prepared (job, prepared->size, prepared->width, prepared->height,
                           prepared->mime_type, prepared->filename, prepared->sha256, NULL);
      dd_job_set_state (job, DD_JOB_WAITING);
      g_object_thaw_notify (G_OBJECT (job));
      _dd_scheduler_queue_thumbnail (self, job);
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
    }
  _dd_scheduler_schedule_pump (self);
}

void
_dd_scheduler_start_prepare (DdOutboxScheduler *self,
               Robot             *robot,
               Run               *run)
{
  DdJob *job = run->job;
  DdImageOptions options;

  dd_image_options_init_default (&options);
  if (self->max_pixels > 0)
    options.max_pixels = self->max_pixels;
  options.max_bytes = dd_profile_get_max_image_bytes (robot->profile);
  options.keep_metadata = dd_profile_get_keep_metadata (robot->profile);

  dd_job_set_state (job, DD_JOB_PREPARING);
  dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
  dd_job_prepare_async (job, &options, begin (self, run, PHASE_PREPARING),
                        prepared_cb, step_op_new (self, run));
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StepOp) op = user_data;
  DdOutboxScheduler *self = op->self;
  g_autofree char *media_id = dd_media_cache_lookup_finish (DD_MEDIA_CACHE (source), result, NULL);
  Run *run = step_run (op, PHASE_LOOKING_UP);

  if (run == NULL)
    return;
  _dd_scheduler_idle_run (self, op->job);
  run->looked_up = TRUE;
  if (media_id != NULL)
    {
      g_debug ("“%s” was uploaded before: %s", op->job->display_name, media_id);
      dd_job_set_media_id (op->job, media_id);
      dd_outbox_store_save (self->store, op->job, DD_STORE_SAVE_DEFAULT);
    }
  _dd_scheduler_schedule_pump (self);
}

static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  dd_job_set_progress (DD_JOB (user_data), sent);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StepOp) op = user_data;
  DdOutboxScheduler *self = op->self;
  DdJob *job = op->job;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = dd_client_upload_finish (DD_CLIENT (source), result, &error);

  if (step_run (op, PHASE_UPLOADING) == NULL)
    return;
  _dd_scheduler_idle_run (self, job);

  if (media_id == NULL)
    _dd_scheduler_handle_error (self, job, error);
  else
    {
      _dd_scheduler_robot_reached (self, job->profile_id);
      dd_media_cache_remember (self->media, job->sha256, op->app_key, media_id);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_media_id (job, media_id);
      dd_job_set_progress (job, job->bytes_total);
      dd_job_set_retry_at (job, 0);
      dd_job_set_state (job, DD_JOB_WAITING);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
    }
  _dd_scheduler_schedule_pump (self);
}

static void
read_prepared_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(StepOp) op = user_data;
  DdOutboxScheduler *self = op->self;
  DdJob *job = op->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dd_job_read_prepared_finish (result, &error);
  Run *run = step_run (op, PHASE_UPLOADING);
  Robot *robot;

  if (run == NULL)
    return;

  robot = _dd_scheduler_get_robot (self, job->profile_id);
  if (bytes == NULL || robot->profile == NULL)
    {
          _dd_scheduler_idle_run (self, job);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          /* prepare it again */
          dd_job_set_prepared (job, 0, 0, 0, NULL, NULL, NULL, NULL);
          dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
        }
      else if (error != NULL)
        _dd_scheduler_handle_error (self, job, error);
      _dd_scheduler_schedule_pump (self);
      return;
    }

  op->app_key = g_strdup (dd_profile_get_app_key (robot->profile));
  g_object_freeze_notify (G_OBJECT (job));
  dd_job_set_progress (job, 0);
  dd_job_set_state (job, DD_JOB_UPLOADING);
  g_object_thaw_notify (G_OBJECT (job));
  dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
  dd_client_upload_async (self->client, robot->profile, bytes, job->filename, job->mime_type,
                          upload_progress_cb, job, run->cancellable,
                          uploaded_cb, g_steal_pointer (&op));
}

void
_dd_scheduler_start_lookup (DdOutboxScheduler *self,
              Robot             *robot,
              Run               *run)
{
  dd_media_cache_lookup_async (self->media, run->job->sha256, dd_profile_get_app_key (robot->profile),
                               begin (self, run, PHASE_LOOKING_UP),
                               looked_up_cb, step_op_new (self, run));
}

void
_dd_scheduler_start_upload (DdOutboxScheduler *self,
              Run               *run)
{
  dd_job_read_prepared_async (run->job, !run->prepared_here, begin (self, run, PHASE_UPLOADING),
                              read_prepared_cb, step_op_new (self, run));
}
