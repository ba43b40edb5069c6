/* dd-outbox-run.c: what runs when
 *
 * Each job this process owns goes: prepare (worker thread) → upload (at
 * most max_uploads at a time; skipped when the media cache knows the
 * bytes) → send.  Sends to one robot go one at a time, in the user's
 * order: one message per image, or the batch's album.  Before each send
 * the robot's shared file says whether the last minute leaves room
 * (custom robots: 20 a minute); DingTalk's 130101 pauses the robot for
 * ten minutes.  Transient failures come back after an exponential backoff
 * with jitter, up to DD_OUTBOX_MAX_ATTEMPTS; others fail the job at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-message.h"
#include "dd-outbox-private.h"
#include "dd-secrets.h"

#define BACKOFF_BASE_US (G_GINT64_CONSTANT (2) * G_USEC_PER_SEC)
#define BACKOFF_MAX_US  (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)

void
dd_outbox_robot_free (gpointer data)
{
  DdOutboxRobot *robot = data;

  g_free (robot->profile_id);
  g_clear_object (&robot->profile);
  g_free (robot);
}

static DdOutboxRobot *
get_robot (DdOutbox   *self,
           const char *profile_id)
{
  DdOutboxRobot *robot = g_hash_table_lookup (self->robots, profile_id);

  if (robot == NULL)
    {
      robot = g_new0 (DdOutboxRobot, 1);
      robot->profile_id = g_strdup (profile_id);
      robot->paused_until = dd_outbox_store_paused_until (self->directory, profile_id);
      g_hash_table_insert (self->robots, robot->profile_id, robot);
    }
  return robot;
}

gboolean
dd_outbox_has_job (DdOutbox *self,
          DdJob    *job)
{
  return g_ptr_array_find (self->jobs, job, NULL);
}

/* A job this process just took over: what was on its way when its last
 * owner stopped starts again (a message that was being sent may arrive
 * twice; an upload that had finished is not repeated). */
void
dd_outbox_reset_interrupted (DdOutbox *self,
                             DdJob    *job)
{
  if (job->state == DD_JOB_PREPARING || job->state == DD_JOB_UPLOADING ||
      job->state == DD_JOB_SENDING)
    {
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_state (job, DD_JOB_WAITING);
      dd_job_set_progress (job, 0);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_save_job (self, job);
    }
}

static void
fail_job (DdOutbox     *self,
          DdJob        *job,
          const GError *error)
{
  g_object_freeze_notify (G_OBJECT (job));
  dd_job_set_error (job, error->message, dd_error_get_errcode (error));
  dd_job_set_retry_at (job, 0);
  dd_job_set_state (job, DD_JOB_FAILED);
  g_object_thaw_notify (G_OBJECT (job));
  dd_outbox_job_finished (self, job);
}

static gint64
backoff (guint attempts)
{
  gint64 delay = BACKOFF_BASE_US << MIN (attempts - 1, 16u);

  delay = MIN (delay, BACKOFF_MAX_US);
  /* jitter: up to half as long again, so that clients do not retry in step */
  return delay + g_random_int_range (0, (gint32) (delay / 2 / 1000) + 1) * G_GINT64_CONSTANT (1000);
}

/* After a failed call: try again later, pause the robot, or fail. */
void
dd_outbox_handle_error (DdOutbox     *self,
              DdJob        *job,
              const GError *error)
{
  gint64 now = dd_outbox_now (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      dd_outbox_reset_interrupted (self, job);
      if (!self->started)
        dd_outbox_store_unlock_job (job);
      return;
    }

  if (g_error_matches (error, DD_ERROR, DD_ERROR_RATE_LIMITED))
    {
      DdOutboxRobot *robot = get_robot (self, job->profile_id);
      gint64 until = now + DD_OUTBOX_RATE_PAUSE_SECONDS * G_USEC_PER_SEC;

      g_debug ("DingTalk paused the robot for %d minutes (errcode 130101)",
                 DD_OUTBOX_RATE_PAUSE_SECONDS / 60);
      robot->paused_until = MAX (robot->paused_until, until);
      dd_outbox_store_pause_robot (self->directory, job->profile_id, until);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_state (job, DD_JOB_PAUSED);
      dd_job_set_retry_at (job, robot->paused_until);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_save_job (self, job);
      return;
    }

  if (dd_error_is_transient (error) && job->attempts + 1 < DD_OUTBOX_MAX_ATTEMPTS)
    {
      g_debug ("“%s”: %s; trying again later", job->display_name, error->message);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_attempts (job, job->attempts + 1);
      dd_job_set_retry_at (job, now + backoff (job->attempts));
      dd_job_set_state (job, DD_JOB_WAITING);
      dd_job_set_progress (job, 0);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_save_job (self, job);
      return;
    }

  if (dd_error_is_transient (error))
    dd_job_set_attempts (job, job->attempts + 1);
  fail_job (self, job, error);
}

/* ---- the robot's profile, with its secrets, once per process ------------- */

typedef struct {
  DdOutbox  *self;
  char      *profile_id;
  DdProfile *profile;
} LoadOp;

static void
secrets_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LoadOp *op = user_data;
  g_autoptr(DdOutbox) self = op->self;
  g_autoptr(DdProfile) profile = op->profile;
  g_autofree char *profile_id = op->profile_id;
  g_autoptr(GError) error = NULL;
  DdOutboxRobot *robot;

  g_free (op);
  robot = get_robot (self, profile_id);
  robot->loading = FALSE;

  if (dd_secrets_load_finish (result, &error))
    robot->profile = g_steal_pointer (&profile);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GPtrArray) snapshot = dd_outbox_snapshot (self);

      for (guint i = 0; i < snapshot->len; i++)
        {
          DdJob *job = g_ptr_array_index (snapshot, i);

          if (job->lock_fd >= 0 && !job->busy && !dd_job_is_finished (job) &&
              g_str_equal (job->profile_id, profile_id))
            fail_job (self, job, error);
        }
    }

  dd_outbox_pump (self);
}

/* TRUE once the robot can be used; else starts loading it. */
static gboolean
robot_ready (DdOutbox      *self,
             DdOutboxRobot *robot,
             DdJob         *job)
{
  DdProfile *profile;
  LoadOp *op;

  if (robot->profile != NULL)
    return TRUE;
  if (robot->loading)
    return FALSE;

  profile = dd_profile_store_lookup (self->profiles, robot->profile_id);
  if (profile == NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (DD_ERROR, DD_ERROR_PROFILE,
                             _("The robot this image was for has been removed."));
      fail_job (self, job, error);
      return FALSE;
    }

  robot->loading = TRUE;
  op = g_new0 (LoadOp, 1);
  op->self = g_object_ref (self);
  op->profile_id = g_strdup (robot->profile_id);
  op->profile = g_object_ref (profile);
  dd_secrets_load_async (profile, self->cancellable, secrets_loaded_cb, op);
  return FALSE;
}

/* ---- uploading --------------------------------------------------------- */

typedef struct {
  DdOutbox *self;
  DdJob    *job;
  char     *app_key;
} UploadOp;

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
  UploadOp *op = user_data;
  g_autoptr(DdOutbox) self = op->self;
  g_autoptr(DdJob) job = op->job;
  g_autofree char *app_key = op->app_key;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;

  g_free (op);
  self->n_uploading--;
  job->busy = FALSE;
  g_clear_object (&job->cancellable);
  media_id = dd_client_upload_finish (DD_CLIENT (source), result, &error);
  if (!dd_outbox_has_job (self, job))
    return;

  if (media_id == NULL)
    dd_outbox_handle_error (self, job, error);
  else
    {
      dd_outbox_store_remember_media (self->directory, job->sha256, app_key, media_id);
      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_media_id (job, media_id);
      dd_job_set_progress (job, job->bytes_total);
      dd_job_set_retry_at (job, 0);
      dd_job_set_state (job, DD_JOB_WAITING);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_save_job (self, job);
    }

  dd_outbox_pump (self);
}

static void
start_upload (DdOutbox      *self,
              DdOutboxRobot *robot,
              DdJob         *job)
{
  g_autofree char *path = dd_job_path (job, DD_JOB_PREPARED);
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;
  UploadOp *op;

  if (mapped == NULL)
    {
      /* prepare it again */
      dd_job_set_prepared (job, 0, 0, 0, NULL, NULL, NULL, NULL);
      dd_outbox_save_job (self, job);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);

  job->busy = TRUE;
  self->n_uploading++;
  g_object_freeze_notify (G_OBJECT (job));
  dd_job_set_progress (job, 0);
  dd_job_set_state (job, DD_JOB_UPLOADING);
  g_object_thaw_notify (G_OBJECT (job));
  dd_outbox_save_job (self, job);

  op = g_new0 (UploadOp, 1);
  op->self = g_object_ref (self);
  op->job = g_object_ref (job);
  op->app_key = g_strdup (dd_profile_get_app_key (robot->profile));
  g_set_object (&job->cancellable, g_cancellable_new ());
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), job->cancellable, G_CONNECT_SWAPPED);
  dd_client_upload_async (self->client, robot->profile, bytes, job->filename, job->mime_type,
                          upload_progress_cb, job, job->cancellable, uploaded_cb, op);
}

/* ---- sending ----------------------------------------------------------- */

typedef struct {
  DdOutbox  *self;
  char      *profile_id;
  GPtrArray *group;       /* DdJob: the images of these messages */
  GPtrArray *messages;    /* DdMessage */
  guint      index;
  gboolean   carries_caption;
} SendOp;

static void
send_op_free (SendOp *op)
{
  g_clear_object (&op->self);
  g_free (op->profile_id);
  g_clear_pointer (&op->group, g_ptr_array_unref);
  g_clear_pointer (&op->messages, g_ptr_array_unref);
  g_free (op);
}

static void
mark_sent (SendOp *op,
           DdJob  *job)
{
  DdOutbox *self = op->self;

  job->busy = FALSE;
  if (!dd_outbox_has_job (self, job) || job->state == DD_JOB_SENT)
    return;
  if (op->carries_caption && !dd_outbox_batch_caption_sent (self, job->batch_id))
    job->caption_sent = TRUE;
  dd_job_set_sent (job, dd_outbox_now (self));
  dd_outbox_job_finished (self, job);
}

static void send_next_message (SendOp *op);

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SendOp *op = user_data;
  DdOutbox *self = op->self;
  DdOutboxRobot *robot = get_robot (self, op->profile_id);
  g_autoptr(GError) error = NULL;

  if (dd_client_send_finish (DD_CLIENT (source), result, &error))
    {
      const DdMessage *message = g_ptr_array_index (op->messages, op->index);
      const char *link_template = robot->profile ? dd_profile_get_link_template (robot->profile) : NULL;

      /* an album split in several messages: its images are sent as their
       * message arrives, so a crash repeats no more than one message */
      if (op->group->len > 1)
        for (guint i = 0; i < op->group->len; i++)
          {
            DdJob *job = g_ptr_array_index (op->group, i);
            g_autofree char *link = dd_link_expand (link_template, job->media_id);

            if (strstr (message->text, link) != NULL)
              mark_sent (op, job);
          }

      op->index++;
      if (op->index < op->messages->len)
        {
          send_next_message (op);
          return;
        }

      for (guint i = 0; i < op->group->len; i++)
        mark_sent (op, g_ptr_array_index (op->group, i));
    }
  else
    {
      for (guint i = 0; i < op->group->len; i++)
        {
          DdJob *job = g_ptr_array_index (op->group, i);

          job->busy = FALSE;
          if (dd_outbox_has_job (self, job) && job->state != DD_JOB_SENT)
            dd_outbox_handle_error (self, job, error);
        }
    }

  robot->sending = FALSE;
  g_object_ref (self);
  send_op_free (op);
  dd_outbox_pump (self);
  g_object_unref (self);
}

static void
send_next_message (SendOp *op)
{
  DdOutboxRobot *robot = get_robot (op->self, op->profile_id);

  dd_client_send_async (op->self->client, robot->profile,
                        g_ptr_array_index (op->messages, op->index),
                        op->self->cancellable, message_sent_cb, op);
}

static void
start_send (DdOutbox      *self,
            DdOutboxRobot *robot,
            GPtrArray     *group)
{
  DdJob *first = g_ptr_array_index (group, 0);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) media_ids = g_ptr_array_new ();
  g_autofree char *default_title = NULL;
  DdComposeOptions compose = { 0 };
  gint64 now = dd_outbox_now (self);
  SendOp *op;

  if (!dd_profile_uses_app_robot (robot->profile))
    {
      /* DingTalk's limit for custom robots, kept across processes */
      gint64 retry_at = dd_outbox_store_reserve_send (self->directory, robot->profile_id, now,
                                                      self->sends_per_minute);

      if (retry_at != 0)
        {
          robot->paused_until = dd_outbox_store_paused_until (self->directory, robot->profile_id);
          for (guint i = 0; i < group->len; i++)
            dd_job_set_retry_at (g_ptr_array_index (group, i), retry_at);
          return;
        }
    }

  op = g_new0 (SendOp, 1);
  op->self = g_object_ref (self);
  op->profile_id = g_strdup (robot->profile_id);
  op->group = g_ptr_array_ref (group);
  op->carries_caption = (first->caption != NULL || first->at_mobiles != NULL ||
                         first->at_user_ids != NULL || first->at_all) &&
                        !dd_outbox_batch_caption_sent (self, first->batch_id);

  for (guint i = 0; i < group->len; i++)
    {
      DdJob *job = g_ptr_array_index (group, i);

      g_ptr_array_add (names, job->filename);
      g_ptr_array_add (media_ids, job->media_id);
      job->busy = TRUE;
      dd_job_set_retry_at (job, 0);
      dd_job_set_state (job, DD_JOB_SENDING);
      dd_outbox_save_job (self, job);
    }

  if (first->title == NULL || *first->title == '\0')
    default_title = dd_message_default_title (first->caption);
  compose.title = default_title ? default_title : first->title;
  compose.keywords = dd_profile_get_keywords (robot->profile);
  compose.link_template = dd_profile_get_link_template (robot->profile);
  if (op->carries_caption)
    {
      compose.caption = first->caption;
      compose.at_mobiles = (const char * const *) first->at_mobiles;
      compose.at_user_ids = (const char * const *) first->at_user_ids;
      compose.at_all = first->at_all;
    }
  op->messages = dd_message_compose (&compose, (const char * const *) names->pdata,
                                     (const char * const *) media_ids->pdata, group->len);

  robot->sending = TRUE;
  send_next_message (op);
}

static gboolean
ready_to_send (DdJob  *job,
               gint64  now)
{
  return !job->busy && job->media_id != NULL && job->retry_at <= now;
}

/* Sends the robot's next message, if its turn has come. */
static void
send_next (DdOutbox      *self,
           DdOutboxRobot *robot,
           gint64         now)
{
  g_autoptr(GPtrArray) group = g_ptr_array_new_with_free_func (g_object_unref);
  DdJob *first = NULL;

  if (robot->sending || robot->profile == NULL || robot->paused_until > now)
    return;

  for (guint i = 0; i < self->jobs->len && first == NULL; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd >= 0 && !dd_job_is_finished (job) &&
          g_str_equal (job->profile_id, robot->profile_id))
        first = job;
    }
  if (first == NULL)
    return;

  if (!first->album)
    {
      if (!ready_to_send (first, now))
        return;
      g_ptr_array_add (group, g_object_ref (first));
    }
  else
    {
      for (guint i = 0; i < self->jobs->len; i++)
        {
          DdJob *job = g_ptr_array_index (self->jobs, i);

          if (job->lock_fd < 0 || dd_job_is_finished (job) ||
              g_strcmp0 (job->batch_id, first->batch_id) != 0)
            continue;
          if (!ready_to_send (job, now))
            return;  /* the album waits for all its images */
          g_ptr_array_add (group, g_object_ref (job));
        }
    }

  start_send (self, robot, group);
}

/* ---- the pump ---------------------------------------------------------- */

/* Starts whatever can run now. */
void
dd_outbox_pump (DdOutbox *self)
{
  g_autoptr(GPtrArray) snapshot = NULL;
  GHashTableIter iter;
  gpointer robot;
  gint64 now;

  if (!self->started)
    return;

  now = dd_outbox_now (self);
  snapshot = dd_outbox_snapshot (self);

  for (guint i = 0; i < snapshot->len; i++)
    {
      DdJob *job = g_ptr_array_index (snapshot, i);
      DdOutboxRobot *r;

      if (job->lock_fd < 0 || job->busy || dd_job_is_finished (job) || !dd_outbox_has_job (self, job))
        continue;

      r = get_robot (self, job->profile_id);
      if (r->paused_until > now)
        {
          if (job->state != DD_JOB_PAUSED || job->retry_at != r->paused_until)
            {
              dd_job_set_state (job, DD_JOB_PAUSED);
              dd_job_set_retry_at (job, r->paused_until);
              dd_outbox_save_job (self, job);
            }
          continue;
        }
      if (job->state == DD_JOB_PAUSED)
        {
          dd_job_set_retry_at (job, 0);
          dd_job_set_state (job, DD_JOB_WAITING);
          dd_outbox_save_job (self, job);
        }
      if (job->retry_at > now || !robot_ready (self, r, job))
        continue;

      if (!job->prepared)
        {
          if (self->n_preparing < self->max_uploads)
            dd_outbox_start_prepare (self, r, job);
          continue;
        }

      if (job->media_id == NULL)
        {
          g_autofree char *cached = dd_outbox_store_lookup_media (self->directory, job->sha256,
                                                                  dd_profile_get_app_key (r->profile));

          if (cached != NULL)
            {
              g_debug ("“%s” was uploaded before: %s", job->display_name, cached);
              dd_job_set_media_id (job, cached);
              dd_outbox_save_job (self, job);
            }
          else if (self->n_uploading < self->max_uploads)
            start_upload (self, r, job);
        }
    }

  g_hash_table_iter_init (&iter, self->robots);
  while (g_hash_table_iter_next (&iter, NULL, &robot))
    send_next (self, robot, now);
}
