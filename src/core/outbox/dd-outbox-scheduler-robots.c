/* dd-outbox-scheduler-robots.c: the robots the scheduler's jobs are for:
 * their profiles with their secrets (read from the keyring once per
 * process, unless whoever added the jobs read them), their trouble, and
 * what happens to their jobs when a robot is changed or removed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-scheduler-private.h"
#include "dd-secrets.h"

/* ---- robots ---------------------------------------------------------------- */

Robot *
_dd_scheduler_get_robot (DdOutboxScheduler *self,
           const char        *profile_id)
{
  Robot *robot = g_hash_table_lookup (self->robots, profile_id);

  if (robot == NULL)
    {
      robot = g_new0 (Robot, 1);
      robot->id = g_strdup (profile_id);
      g_hash_table_insert (self->robots, robot->id, robot);
      /* a pause another process recorded */
      dd_robot_pacer_refresh (self->pacer, profile_id);
    }
  return robot;
}

void
_dd_scheduler_profile_changed_cb (DdProfileStore    *profiles,
                    DdProfile         *profile,
                    DdOutboxScheduler *self)
{
  Robot *robot = g_hash_table_lookup (self->robots, dd_profile_get_id (profile));

  /* its fields or secrets may be new: read them again before the next use */
  if (robot != NULL && !robot->loading)
    g_clear_object (&robot->profile);
  if (robot != NULL)
    robot->generation++;
  _dd_scheduler_schedule_pump (self);
}

void
_dd_scheduler_profile_removed_cb (DdProfileStore    *profiles,
                    const char        *profile_id,
                    DdOutboxScheduler *self)
{
  g_autoptr(GPtrArray) snapshot = _dd_scheduler_snapshot_jobs (self);
  g_autoptr(GError) error =
    g_error_new_literal (DD_ERROR, DD_ERROR_PROFILE, _("The robot this image was for has been removed."));
  Robot *robot = g_hash_table_lookup (self->robots, profile_id);

  if (robot != NULL)
    {
      g_clear_object (&robot->profile);
      robot->generation++;
    }

  /* what waits for it can never go; a message on its way may still
   * arrive, and is counted if it does */
  for (guint i = 0; i < snapshot->len; i++)
    {
      DdJob *job = g_ptr_array_index (snapshot, i);
      Run *run = g_hash_table_lookup (self->runs, job);

      if (run == NULL || g_strcmp0 (job->profile_id, profile_id) != 0 || run->phase == PHASE_SENDING)
        continue;
      if (run->cancellable != NULL)
        g_cancellable_cancel (run->cancellable);
      _dd_scheduler_fail_job (self, job, error);
    }
}

/* DingTalk answered for the robot: its trouble, if any, is over. */
void
_dd_scheduler_robot_reached (DdOutboxScheduler *self,
                             const char        *profile_id)
{
  Robot *robot = profile_id ? g_hash_table_lookup (self->robots, profile_id) : NULL;

  if (robot == NULL || robot->trouble == NULL)
    return;
  g_clear_error (&robot->trouble);
  _dd_scheduler_robot_changed (self, profile_id);
}

/**
 * dd_outbox_scheduler_get_trouble:
 * @retry_at: (out) (optional): when the robot's next image is tried
 *   again (µs, by the scheduler's clock), 0 if one is being tried now
 *
 * Returns: (nullable) (transfer none): the transient error (network,
 *   timeout, DingTalk busy) its images met last and are being retried
 *   after; %NULL if DingTalk answered since, or none is retried
 */
const GError *
dd_outbox_scheduler_get_trouble (DdOutboxScheduler *self,
                                 const char        *profile_id,
                                 gint64            *retry_at)
{
  Robot *robot;
  gint64 next = G_MAXINT64;
  gboolean retried = FALSE;

  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);

  robot = g_hash_table_lookup (self->robots, profile_id);
  if (robot == NULL || robot->trouble == NULL)
    return NULL;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (g_strcmp0 (job->profile_id, profile_id) != 0 || job->attempts == 0 ||
          dd_job_is_finished (job))
        continue;
      retried = TRUE;
      if (job->state == DD_JOB_WAITING && job->retry_at > 0)
        next = MIN (next, job->retry_at);
      else
        next = 0;   /* on its way again */
    }
  if (!retried)
    return NULL;
  if (retry_at != NULL)
    *retry_at = next == G_MAXINT64 ? 0 : next;
  return robot->trouble;
}

/* ---- the robot's profile, with its secrets, once per process ------------- */

typedef struct {
  DdOutboxScheduler *self;
  char              *profile_id;
  DdProfile         *profile;
  guint              generation;
} LoadOp;

static void
load_op_free (LoadOp *op)
{
  g_object_unref (op->self);
  g_free (op->profile_id);
  g_object_unref (op->profile);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadOp, load_op_free)

static void
secrets_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LoadOp) op = user_data;
  DdOutboxScheduler *self = op->self;
  g_autoptr(GError) error = NULL;
  gboolean loaded = dd_secrets_load_finish (result, &error);
  Robot *robot;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->robots == NULL)
    return;

  robot = _dd_scheduler_get_robot (self, op->profile_id);
  robot->loading = FALSE;
  if (robot->generation != op->generation)
    {
      /* changed meanwhile: load it again */
      _dd_scheduler_schedule_pump (self);
      return;
    }

  if (loaded)
    {
      robot->profile = g_object_ref (op->profile);
      dd_outbox_scheduler_prefetch_token (self, robot->profile);
    }
  else
    {
      g_autoptr(GPtrArray) snapshot = _dd_scheduler_snapshot_jobs (self);

      for (guint i = 0; i < snapshot->len; i++)
        {
          DdJob *job = g_ptr_array_index (snapshot, i);
          Run *run = g_hash_table_lookup (self->runs, job);

          if (run != NULL && run->phase == PHASE_IDLE && g_str_equal (job->profile_id, op->profile_id))
            _dd_scheduler_fail_job (self, job, error);
        }
    }

  _dd_scheduler_schedule_pump (self);
}

/* TRUE once the robot can be used; else starts loading it. */
gboolean
_dd_scheduler_robot_ready (DdOutboxScheduler *self,
             Robot             *robot,
             DdJob             *job)
{
  DdProfile *profile;
  LoadOp *op;

  /* another process saved the robots: its secrets may be new too */
  if (robot->profile != NULL && !dd_profile_get_secrets_loaded (robot->profile))
    g_clear_object (&robot->profile);
  if (robot->profile != NULL)
    return TRUE;
  if (robot->loading)
    return FALSE;

  profile = dd_profile_store_lookup (self->profiles, robot->id);
  if (profile == NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (DD_ERROR, DD_ERROR_PROFILE,
                             _("The robot this image was for has been removed."));
      _dd_scheduler_fail_job (self, job, error);
      return FALSE;
    }

  /* loaded already by whoever added the job (dingdrop send, the window):
   * not asked of the keyring a second time */
  if (dd_profile_get_secrets_loaded (profile))
    {
      robot->profile = g_object_ref (profile);
      dd_outbox_scheduler_prefetch_token (self, profile);
      return TRUE;
    }

  robot->loading = TRUE;
  op = g_new0 (LoadOp, 1);
  op->self = g_object_ref (self);
  op->profile_id = g_strdup (robot->id);
  op->profile = g_object_ref (profile);
  op->generation = robot->generation;
  dd_secrets_load_async (profile, self->cancellable, secrets_loaded_cb, op);
  return FALSE;
}
