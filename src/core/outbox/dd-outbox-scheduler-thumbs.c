/* dd-outbox-scheduler-thumbs.c: the history's thumbnails of the
 * scheduler's jobs, made after their uploads, when no job waits to be
 * prepared; and the access token asked for ahead of the first upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include "dd-outbox-scheduler-private.h"
#include "dd-job-prepare.h"

/* ---- thumbnails ------------------------------------------------------------ */

/* The history's thumbnail of @job, made once its image is prepared,
 * after the jobs that wait to be prepared: no upload waits for it. */
void
_dd_scheduler_queue_thumbnail (DdOutboxScheduler *self,
                               DdJob             *job)
{
  if (self->no_thumbnails || job->thumbnail_path != NULL ||
      g_hash_table_contains (self->thumbnailing, job) || g_queue_find (self->thumbs, job) != NULL)
    return;
  g_queue_push_tail (self->thumbs, g_object_ref (job));
}

/**
 * dd_outbox_scheduler_thumbnail_pending:
 *
 * Returns: %TRUE while @job's thumbnail is to be made; "thumbnail-done"
 *   tells when it was, or when it will not be
 */
gboolean
dd_outbox_scheduler_thumbnail_pending (DdOutboxScheduler *self,
                                       DdJob             *job)
{
  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), FALSE);
  return g_hash_table_contains (self->thumbnailing, job) || g_queue_find (self->thumbs, job) != NULL;
}

/**
 * dd_outbox_scheduler_get_n_thumbnails:
 *
 * Returns: how many thumbnails are to be made, the ones being made
 *   included
 */
guint
dd_outbox_scheduler_get_n_thumbnails (DdOutboxScheduler *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), 0);
  return g_queue_get_length (self->thumbs) + g_hash_table_size (self->thumbnailing);
}

typedef struct {
  DdOutboxScheduler *self;
  DdJob             *job;
} ThumbOp;

static void
thumbnail_made_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ThumbOp *op = user_data;
  DdOutboxScheduler *self = op->self;
  DdJob *job = op->job;
  gboolean made = dd_job_make_thumbnail_finish (result);

  if (self->thumbnailing != NULL && g_hash_table_remove (self->thumbnailing, job))
    {
      if (made)
        {
          g_autofree char *path = dd_job_path (job, DD_JOB_THUMBNAIL);

          dd_job_set_thumbnail_path (job, path);
          /* a finished job is saved by whoever hears of it */
          if (g_hash_table_contains (self->runs, job))
            dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
        }
      _dd_scheduler_thumbnail_done (self, job);
      _dd_scheduler_start_thumbnails (self);
    }
  g_object_unref (op->self);
  g_object_unref (op->job);
  g_free (op);
}

/* As many as may run now: not while a job waits to be prepared. */
void
_dd_scheduler_start_thumbnails (DdOutboxScheduler *self)
{
  while (!self->prepare_waiting && g_hash_table_size (self->thumbnailing) < self->max_thumbnails &&
         !g_queue_is_empty (self->thumbs))
    {
      DdJob *job = g_queue_pop_head (self->thumbs);   /* its reference goes to the table */
      ThumbOp *op = g_new0 (ThumbOp, 1);

      g_hash_table_add (self->thumbnailing, job);
      op->self = g_object_ref (self);
      op->job = g_object_ref (job);
      dd_job_make_thumbnail_async (job, self->thumb_cancellable, thumbnail_made_cb, op);
    }
}

/**
 * dd_outbox_scheduler_make_thumbnail:
 * @job: a job this process owns, sent or not, prepared
 *
 * Makes @job's thumbnail when no job waits to be prepared, started or
 * not; "thumbnail-done" tells when.
 */
void
dd_outbox_scheduler_make_thumbnail (DdOutboxScheduler *self,
                                    DdJob             *job)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  g_return_if_fail (DD_IS_JOB (job));

  _dd_scheduler_queue_thumbnail (self, job);
  if (!dd_outbox_scheduler_thumbnail_pending (self, job))
    {
      /* it has one already */
      _dd_scheduler_thumbnail_done (self, job);
      return;
    }
  _dd_scheduler_start_thumbnails (self);
}

static void
token_prefetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = dd_client_get_token_finish (DD_CLIENT (source), result, &error);

  /* the upload that needs it asks again, and says what went wrong */
  if (token == NULL)
    g_debug ("No access token ahead of the uploads: %s", error->message);
}

/**
 * dd_outbox_scheduler_prefetch_token:
 * @profile: a robot with its secrets
 *
 * Asks for the internal app's access token now, beside the copying and
 * the preparing, so that the first upload does not wait a round trip for
 * it; one request for the batch (the client shares it and caches the
 * token).
 */
void
dd_outbox_scheduler_prefetch_token (DdOutboxScheduler *self,
                                    DdProfile         *profile)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  g_return_if_fail (DD_IS_PROFILE (profile));

  if (dd_profile_get_app_key (profile) == NULL || dd_profile_get_app_secret (profile) == NULL)
    return;
  dd_client_get_token_async (self->client, profile, FALSE, NULL, token_prefetched_cb, NULL);
}

/**
 * dd_outbox_scheduler_forgo_thumbnails:
 *
 * Makes none of the thumbnails still to be made, nor tells of them: the
 * ones being made are cancelled and forgotten.  For a program about to
 * exit, which leaves them to the next outbox or to none.
 */
void
dd_outbox_scheduler_forgo_thumbnails (DdOutboxScheduler *self)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));

  g_cancellable_cancel (self->thumb_cancellable);
  g_clear_object (&self->thumb_cancellable);
  self->thumb_cancellable = g_cancellable_new ();
  g_queue_clear_full (self->thumbs, g_object_unref);
  /* a thumbnail_made_cb still on its way finds its job gone */
  g_hash_table_remove_all (self->thumbnailing);
}

/**
 * dd_outbox_scheduler_set_make_thumbnails:
 * @make: %FALSE: no thumbnail is made, none is pending
 *
 * For `dingdrop send`, whose images should reach the group first: on two
 * CPUs a screenshot's thumbnail (30-80 ms of inflating) competes with the
 * uploads and the sends.  What is queued already is dropped.
 */
void
dd_outbox_scheduler_set_make_thumbnails (DdOutboxScheduler *self,
                                         gboolean           make)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));

  self->no_thumbnails = !make;
  if (self->no_thumbnails)
    dd_outbox_scheduler_forgo_thumbnails (self);
}

/* How many thumbnails may be made at a time (tests: 0 holds them). */
void
dd_outbox_scheduler_set_max_thumbnails (DdOutboxScheduler *self,
                                        guint              n)
{
  g_return_if_fail (DD_IS_OUTBOX_SCHEDULER (self));
  self->max_thumbnails = MIN (n, DD_JOB_THUMBNAIL_THREADS);
  _dd_scheduler_start_thumbnails (self);
}
