/* dd-outbox-scheduler.c: what happens to each job this process owns, and
 * when
 *
 * A job goes: prepare (worker thread) → upload (at most max_uploads at a
 * time; skipped when the media cache knows the bytes) → send.  Sends to
 * one robot go one message at a time, in the user's order: one message
 * per image, or the batch's album.  Each message is composed anew from
 * the images still to send, says which of them it carries, and carries
 * the msgUuid of its first image, so a message whose answer was lost is
 * not shown twice when it is sent again — after a retry, a crash or
 * `outbox resume`.  An image is sent only when DingTalk answers errcode 0
 * for the message that carries it.
 *
 * Before each message the pacer says whether the robot's last minute
 * leaves room (custom robots); DingTalk's 410100/130101 pause the robot
 * for ten minutes.  Transient failures come back after an exponential
 * backoff with jitter (1 s, 2 s, 4 s, …), up to DD_SCHEDULER_MAX_ATTEMPTS;
 * others fail the job at once.  The scheduler tells of a job that ended
 * by "job-finished", and knows nothing of the model above it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-scheduler-private.h"
#include "dd-job-prepare.h"
#include "dd-secrets.h"

#define BACKOFF_BASE_US (G_GINT64_CONSTANT (1) * G_USEC_PER_SEC)
#define BACKOFF_MAX_US  (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
/* The longest the scheduler sleeps while something waits for a time: the
 * clock may jump (suspend, tests), timers do not. */
#define WAKE_MAX_MS     250

G_DEFINE_FINAL_TYPE (DdOutboxScheduler, dd_outbox_scheduler, G_TYPE_OBJECT)

enum {
  JOB_FINISHED,
  ROBOT_CHANGED,
  THUMBNAIL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump (DdOutboxScheduler *self);

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

gint64
_dd_scheduler_now (DdOutboxScheduler *self)
{
  return self->clock (self->clock_data);
}

static void
run_free (Run *run)
{
  if (run->cancellable != NULL)
    g_cancellable_cancel (run->cancellable);
  g_clear_object (&run->cancellable);
  g_object_unref (run->job);
  g_free (run);
}

static void
robot_free (Robot *robot)
{
  g_clear_handle_id (&robot->ahead_timeout_id, g_source_remove);
  g_free (robot->id);
  g_clear_object (&robot->profile);
  g_clear_error (&robot->trouble);
  g_free (robot);
}

static void
dd_outbox_scheduler_dispose (GObject *object)
{
  DdOutboxScheduler *self = (DdOutboxScheduler *) object;

  dd_outbox_scheduler_stop (self);
  if (self->profiles != NULL)
    g_signal_handlers_disconnect_by_data (self->profiles, self);
  if (self->pacer != NULL)
    g_signal_handlers_disconnect_by_data (self->pacer, self);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->robots, g_hash_table_unref);
  g_clear_pointer (&self->captions, g_hash_table_unref);
  if (self->thumb_cancellable != NULL)
    g_cancellable_cancel (self->thumb_cancellable);
  g_clear_object (&self->thumb_cancellable);
  if (self->thumbs != NULL)
    g_queue_free_full (g_steal_pointer (&self->thumbs), g_object_unref);
  g_clear_pointer (&self->thumbnailing, g_hash_table_unref);
  g_clear_object (&self->client);
  g_clear_object (&self->profiles);
  g_clear_object (&self->store);
  g_clear_object (&self->pacer);
  g_clear_object (&self->media);

  G_OBJECT_CLASS (dd_outbox_scheduler_parent_class)->dispose (object);
}

static void
dd_outbox_scheduler_class_init (DdOutboxSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dd_outbox_scheduler_dispose;

  signals[JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_JOB);
  signals[ROBOT_CHANGED] =
    g_signal_new ("robot-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[THUMBNAIL_DONE] =
    g_signal_new ("thumbnail-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_JOB);
}

static void
dd_outbox_scheduler_init (DdOutboxScheduler *self)
{
  self->clock = real_clock;
  self->max_uploads = 4;
  self->max_prepares = CLAMP (g_get_num_processors (), 2, 4);
  self->sends_per_minute = 20;
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->runs = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) run_free);
  self->robots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) robot_free);
  self->captions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thumbs = g_queue_new ();
  self->thumbnailing = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->max_thumbnails = DD_JOB_THUMBNAIL_THREADS;
  self->thumb_cancellable = g_cancellable_new ();
}

/* The jobs as they are now, for a loop that may change them. */
GPtrArray *
_dd_scheduler_snapshot_jobs (DdOutboxScheduler *self)
{
  GPtrArray *snapshot = g_ptr_array_new_full (self->jobs->len, g_object_unref);

  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (snapshot, g_object_ref (g_ptr_array_index (self->jobs, i)));
  return snapshot;
}

void
_dd_scheduler_robot_changed (DdOutboxScheduler *self,
                             const char        *profile_id)
{
  g_signal_emit (self, signals[ROBOT_CHANGED], 0, profile_id);
}

static void
pacer_paused_cb (DdRobotPacer      *pacer,
                 const char        *profile_id,
                 gint64             until,
                 DdOutboxScheduler *self)
{
  g_signal_emit (self, signals[ROBOT_CHANGED], 0, profile_id);
  _dd_scheduler_schedule_pump (self);
}

DdOutboxScheduler *
dd_outbox_scheduler_new (DdClient       *client,
                         DdProfileStore *profiles,
                         DdOutboxStore  *store,
                         DdRobotPacer   *pacer,
                         DdMediaCache   *media)
{
  DdOutboxScheduler *self = g_object_new (DD_TYPE_OUTBOX_SCHEDULER, NULL);

  self->client = g_object_ref (client);
  self->profiles = g_object_ref (profiles);
  self->store = g_object_ref (store);
  self->pacer = g_object_ref (pacer);
  self->media = g_object_ref (media);

  g_signal_connect (profiles, "profile-changed", G_CALLBACK (_dd_scheduler_profile_changed_cb), self);
  g_signal_connect (profiles, "profile-removed", G_CALLBACK (_dd_scheduler_profile_removed_cb), self);
  g_signal_connect (pacer, "paused", G_CALLBACK (pacer_paused_cb), self);

  return self;
}

void
dd_outbox_scheduler_set_clock (DdOutboxScheduler *self,
                               DdClockFunc        clock,
                               gpointer           user_data)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  self->clock = clock ? clock : real_clock;
  self->clock_data = clock ? user_data : NULL;
}

void
dd_outbox_scheduler_set_max_uploads (DdOutboxScheduler *self,
                                     guint              n)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  self->max_uploads = MAX (n, 1);
  _dd_scheduler_schedule_pump (self);
}

/* Images with more pixels are refused before they are decoded; 0 for
 * the default (100 megapixels).  For the images prepared from now. */
void
dd_outbox_scheduler_set_max_pixels (DdOutboxScheduler *self,
                                    guint64            n)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  self->max_pixels = n;
}

void
dd_outbox_scheduler_set_sends_per_minute (DdOutboxScheduler *self,
                                          guint              n)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  self->sends_per_minute = MAX (n, 1);
}

/* ---- the jobs ------------------------------------------------------------ */

/* A job just taken over: what was on its way when its last owner stopped
 * starts again (a message that was being sent goes again with its
 * msgUuid; an upload that had finished is not repeated). */
static void
reset_interrupted (DdOutboxScheduler *self,
                   DdJob             *job)
{
  if (job->state == DD_JOB_PREPARING || job->state == DD_JOB_UPLOADING ||
      job->state == DD_JOB_SENDING)
    {
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_state (job, DD_JOB_WAITING);
      if (job->media_id == NULL)
        dd_job_set_progress (job, 0);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
    }
}

/**
 * dd_outbox_scheduler_add:
 * @job: a job this process owns (locked), not sent or failed
 *
 * Works on @job from now until it is sent or failed, or removed.
 */
void
dd_outbox_scheduler_add (DdOutboxScheduler *self,
                         DdJob             *job)
{
  Run *run;
  guint pos;

  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  g_return_if_fail (DD_IS_JOB (job));
  g_return_if_fail (job->lock_fd >= 0);

  if (g_hash_table_contains (self->runs, job) || dd_job_is_finished (job))
    return;

  if (job->caption_sent)
    g_hash_table_add (self->captions, g_strdup (job->batch_id));
  reset_interrupted (self, job);

  for (pos = self->jobs->len; pos > 0; pos--)
    if (dd_job_compare_order (g_ptr_array_index (self->jobs, pos - 1), job) <= 0)
      break;
  g_ptr_array_insert (self->jobs, pos, g_object_ref (job));

  /* a job of an older DingDrop has no msgUuid: one before its first
   * send, on disk before that send (the save is queued before the
   * pacer's reservation, on the same I/O thread) */
  if (job->msg_uuid == NULL)
    {
      job->msg_uuid = g_uuid_string_random ();
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DURABLE);
    }

  run = g_new0 (Run, 1);
  run->job = g_object_ref (job);
  run->serial = ++self->next_serial;
  g_hash_table_insert (self->runs, job, run);

  /* prepared by a process that stopped before its thumbnail */
  if (job->prepared && job->thumbnail_path == NULL)
    _dd_scheduler_queue_thumbnail (self, job);

  _dd_scheduler_schedule_pump (self);
}

/**
 * dd_outbox_scheduler_remove:
 *
 * Stops working on @job: what runs for it is cancelled.
 */
void
dd_outbox_scheduler_remove (DdOutboxScheduler *self,
                            DdJob             *job)
{
  Run *run;

  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  g_return_if_fail (DD_IS_JOB (job));

  run = g_hash_table_lookup (self->runs, job);
  if (run == NULL)
    return;
  g_hash_table_remove (self->runs, job);   /* cancels */
  g_ptr_array_remove (self->jobs, job);
  if (g_queue_remove (self->thumbs, job))
    {
      _dd_scheduler_thumbnail_done (self, job);
      g_object_unref (job);
    }
  _dd_scheduler_schedule_pump (self);
}

gboolean
dd_outbox_scheduler_has (DdOutboxScheduler *self,
                         DdJob             *job)
{
  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), FALSE);
  return g_hash_table_contains (self->runs, job);
}

guint
dd_outbox_scheduler_get_n_jobs (DdOutboxScheduler *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), 0);
  return self->jobs->len;
}

/**
 * dd_outbox_scheduler_caption_sent:
 *
 * The batch's caption (and mentions) arrived with an earlier message:
 * they do not go again.
 */
void
dd_outbox_scheduler_caption_sent (DdOutboxScheduler *self,
                                  const char        *batch_id)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  g_return_if_fail (batch_id != NULL);
  g_hash_table_add (self->captions, g_strdup (batch_id));
}

void
dd_outbox_scheduler_start (DdOutboxScheduler *self)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));

  if (!self->started)
    {
      self->started = TRUE;
      self->cancellable = g_cancellable_new ();
    }
  _dd_scheduler_schedule_pump (self);
}

/* Stops sending; what was on its way is cancelled.  The jobs stay, for a
 * later start. */
void
dd_outbox_scheduler_stop (DdOutboxScheduler *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));

  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  g_clear_handle_id (&self->pump_id, g_source_remove);

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Run *run = value;

      if (run->cancellable != NULL)
        g_cancellable_cancel (run->cancellable);
      g_clear_object (&run->cancellable);
      run->phase = PHASE_IDLE;
      run->serial = ++self->next_serial;   /* what was on its way no longer counts */
    }

  g_hash_table_iter_init (&iter, self->robots);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Robot *robot = value;

      robot->busy = robot->loading = FALSE;
      robot->turn++;
      /* the reservation taken ahead is given back (one asked for, when
       * its answer comes) */
      _dd_scheduler_stop_ahead (self, robot);
    }
}

void
dd_outbox_scheduler_wake (DdOutboxScheduler *self)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  _dd_scheduler_schedule_pump (self);
}

/* ---- outcomes ----------------------------------------------------------- */

/* Takes @job out of the scheduler, done: the model hears of it, and
 * saves it (durably: whether it is sent decides whether it goes again). */
void
_dd_scheduler_finish_job (DdOutboxScheduler *self,
            DdJob             *job)
{
  g_autoptr(DdJob) hold = g_object_ref (job);

  if (g_hash_table_remove (self->runs, job))
    g_ptr_array_remove (self->jobs, job);
  /* sent: DingTalk answered; failed: nothing is retried after it */
  _dd_scheduler_robot_reached (self, job->profile_id);
  g_signal_emit (self, signals[JOB_FINISHED], 0, job);
  _dd_scheduler_schedule_pump (self);
}

void
_dd_scheduler_fail_job (DdOutboxScheduler *self,
          DdJob             *job,
          const GError      *error)
{
  g_object_freeze_notify (G_OBJECT (job));
  dd_job_set_error (job, error->message, dd_error_get_errcode (error));
  dd_job_set_retry_at (job, 0);
  dd_job_set_state (job, DD_JOB_FAILED);
  g_object_thaw_notify (G_OBJECT (job));
  _dd_scheduler_finish_job (self, job);
}

static gint64
backoff (guint attempts)
{
  gint64 delay = BACKOFF_BASE_US << MIN (attempts - 1, 16u);

  delay = MIN (delay, BACKOFF_MAX_US);
  /* jitter: up to half as long again, so that clients do not retry in step */
  return delay + g_random_int_range (0, (gint32) (delay / 2 / 1000) + 1) * G_GINT64_CONSTANT (1000);
}

/* The run of @job, if it is still the one with @serial. */
Run *
_dd_scheduler_find_run (DdOutboxScheduler *self,
                        DdJob             *job,
                        guint64            serial)
{
  Run *run = self->runs ? g_hash_table_lookup (self->runs, job) : NULL;

  return run != NULL && run->serial == serial ? run : NULL;
}

static guint
count_in_phase (DdOutboxScheduler *self,
                Phase              phase)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Run *) value)->phase == phase;
  return n;
}

Run *
_dd_scheduler_idle_run (DdOutboxScheduler *self,
          DdJob             *job)
{
  Run *run = g_hash_table_lookup (self->runs, job);

  if (run != NULL)
    {
      run->phase = PHASE_IDLE;
      g_clear_object (&run->cancellable);
    }
  return run;
}

/* After a failed call: try again later, pause the robot, or fail. */
void
_dd_scheduler_handle_error (DdOutboxScheduler *self,
              DdJob             *job,
              const GError      *error)
{
  gint64 t = _dd_scheduler_now (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      reset_interrupted (self, job);
      return;
    }

  if (g_error_matches (error, DD_ERROR, DD_ERROR_RATE_LIMITED))
    {
      gint64 until = t + DD_SCHEDULER_PAUSE_US;

      g_debug ("DingTalk paused robot %s for %d minutes (errcode %" G_GINT64_FORMAT ")",
               job->profile_id, (int) (DD_SCHEDULER_PAUSE_US / G_USEC_PER_SEC / 60),
               dd_error_get_errcode (error));
      dd_robot_pacer_pause (self->pacer, job->profile_id, until);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_state (job, DD_JOB_PAUSED);
      dd_job_set_retry_at (job, until);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
      return;
    }

  if (dd_error_is_transient (error) && job->attempts + 1 < DD_SCHEDULER_MAX_ATTEMPTS)
    {
      Robot *robot = _dd_scheduler_get_robot (self, job->profile_id);

      g_debug ("“%s”: %s; trying again later", job->display_name, error->message);
      /* told at once, not after a minute of silent retries */
      g_clear_error (&robot->trouble);
      robot->trouble = g_error_copy (error);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_attempts (job, job->attempts + 1);
      dd_job_set_retry_at (job, t + backoff (job->attempts));
      dd_job_set_state (job, DD_JOB_WAITING);
      if (job->media_id == NULL)
        dd_job_set_progress (job, 0);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
      g_signal_emit (self, signals[ROBOT_CHANGED], 0, job->profile_id);
      return;
    }

  if (dd_error_is_transient (error))
    dd_job_set_attempts (job, job->attempts + 1);
  _dd_scheduler_fail_job (self, job, error);
}

/* ---- the pump ------------------------------------------------------------ */

static gboolean
wake_cb (gpointer user_data)
{
  DdOutboxScheduler *self = user_data;

  self->wake_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
pump_cb (gpointer user_data)
{
  DdOutboxScheduler *self = user_data;

  self->pump_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Pumps soon, once for every event that came meanwhile. */
void
_dd_scheduler_schedule_pump (DdOutboxScheduler *self)
{
  if (!self->started || self->pump_id != 0)
    return;
  self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT, pump_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->pump_id),
                            "[dingdrop] outbox pump");
}

/* Starts whatever can run now; sleeps until the next thing due. */
static void
pump (DdOutboxScheduler *self)
{
  g_autoptr(GPtrArray) snapshot = NULL;
  GHashTableIter iter;
  gpointer value;
  gint64 t, due = G_MAXINT64;
  guint n_preparing, n_uploading;

  if (!self->started)
    return;

  t = _dd_scheduler_now (self);
  snapshot = _dd_scheduler_snapshot_jobs (self);
  n_preparing = count_in_phase (self, PHASE_PREPARING);
  n_uploading = count_in_phase (self, PHASE_UPLOADING);
  self->prepare_waiting = FALSE;

  for (guint i = 0; i < snapshot->len; i++)
    {
      DdJob *job = g_ptr_array_index (snapshot, i);
      Run *run = g_hash_table_lookup (self->runs, job);
      gint64 paused_until;
      Robot *robot;

      if (run == NULL || run->phase != PHASE_IDLE)
        continue;

      robot = _dd_scheduler_get_robot (self, job->profile_id);
      paused_until = dd_robot_pacer_get_paused_until (self->pacer, job->profile_id);
      if (paused_until > t)
        {
          if (job->state != DD_JOB_PAUSED || job->retry_at != paused_until)
            {
              g_object_freeze_notify (G_OBJECT (job));
              dd_job_set_state (job, DD_JOB_PAUSED);
              dd_job_set_retry_at (job, paused_until);
              g_object_thaw_notify (G_OBJECT (job));
              dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
            }
          due = MIN (due, paused_until);
          continue;
        }
      if (job->state == DD_JOB_PAUSED)
        {
          g_object_freeze_notify (G_OBJECT (job));
          dd_job_set_retry_at (job, 0);
          dd_job_set_state (job, DD_JOB_WAITING);
          g_object_thaw_notify (G_OBJECT (job));
          dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
        }
      if (job->retry_at > t)
        {
          due = MIN (due, job->retry_at);
          continue;
        }
      if (!_dd_scheduler_robot_ready (self, robot, job))
        continue;

      /* counted from the runs themselves: a run that ends any way at all
       * (failed, removed, its robot gone) frees its place */
      if (!job->prepared)
        {
          if (n_preparing < self->max_prepares)
            {
              _dd_scheduler_start_prepare (self, robot, run);
              n_preparing++;
            }
          else
            self->prepare_waiting = TRUE;
        }
      else if (job->media_id == NULL)
        {
          if (!run->looked_up)
            _dd_scheduler_start_lookup (self, robot, run);
          else if (n_uploading < self->max_uploads)
            {
              _dd_scheduler_start_upload (self, run);
              n_uploading++;
            }
        }
    }

  g_hash_table_iter_init (&iter, self->robots);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Robot *robot = value;

      _dd_scheduler_send_next (self, robot, t);
      if (!robot->busy && robot->next_send_at > t)
        due = MIN (due, robot->next_send_at);
    }

  _dd_scheduler_start_thumbnails (self);

  g_clear_handle_id (&self->wake_id, g_source_remove);
  if (due != G_MAXINT64)
    {
      gint64 ms = CLAMP ((due - t) / 1000 + 1, 1, WAKE_MAX_MS);

      self->wake_id = g_timeout_add_full (G_PRIORITY_DEFAULT, ms, wake_cb, self, NULL);
    }
}

/* "thumbnail-done", for dd-outbox-scheduler-thumbs.c */
void
_dd_scheduler_thumbnail_done (DdOutboxScheduler *self,
                              DdJob             *job)
{
  g_signal_emit (self, signals[THUMBNAIL_DONE], 0, job);
}
