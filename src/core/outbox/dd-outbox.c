/* dd-outbox.c: every image the user asked to send, kept on disk until it
 * arrived — across crashes, restarts and DingTalk's rate limit
 *
 * The outbox is layered, each layer calling only the ones below it:
 *
 *   DdOutbox           this façade: the GListModel of jobs, the history,
 *                      signals, the public async API; which process owns
 *                      which job (dd-outbox-actions.c: add, retry,
 *                      remove, clear)
 *   DdOutboxScheduler  each owned job's way: prepare → upload → send,
 *                      retries, pauses, cancellation
 *   DdRobotPacer       each robot's last minute of sends, and DingTalk's
 *                      pauses, shared by every process
 *   DdMediaCache       media_ids by content
 *   DdOutboxStore      the job folders, job.json, locks
 *   DdIoQueue          the one thread all of the above read and write on
 *
 * A job belongs to the process that holds its lock.  Jobs owned elsewhere
 * are followed by scans of the folder (a stat per job on the I/O thread;
 * a file monitor says when a job was added or removed) and taken over as
 * soon as their lock is free: their owner finished with them, stopped,
 * or died.  Jobs change only on the main context, so their notify
 * signals reach widgets there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-private.h"

enum {
  BATCH_FINISHED,
  JOB_FAILED,
  ROBOT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DdOutbox, dd_outbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static void
dd_outbox_dispose (GObject *object)
{
  DdOutbox *self = (DdOutbox *) object;

  dd_outbox_stop (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_object (&self->monitor);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_object (&self->history);
  g_clear_pointer (&self->damaged, g_ptr_array_unref);
  g_clear_pointer (&self->creating, g_hash_table_unref);
  g_clear_pointer (&self->closing, g_ptr_array_unref);
  g_clear_pointer (&self->thumb_waiting, g_hash_table_unref);
  g_clear_object (&self->media);
  g_clear_object (&self->pacer);
  g_clear_object (&self->store);
  g_clear_pointer (&self->queue, dd_io_queue_unref);
  g_clear_pointer (&self->pacer_queue, dd_io_queue_unref);
  g_clear_object (&self->client);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (dd_outbox_parent_class)->dispose (object);
}

static void
dd_outbox_finalize (GObject *object)
{
  DdOutbox *self = (DdOutbox *) object;

  g_free (self->directory);

  G_OBJECT_CLASS (dd_outbox_parent_class)->finalize (object);
}

static void
dd_outbox_class_init (DdOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dd_outbox_dispose;
  object_class->finalize = dd_outbox_finalize;

  signals[BATCH_FINISHED] =
    g_signal_new ("batch-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  signals[JOB_FAILED] =
    g_signal_new ("job-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_JOB);
  signals[ROBOT_CHANGED] =
    g_signal_new ("robot-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dd_outbox_init (DdOutbox *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->history = g_list_store_new (DD_TYPE_JOB);
  self->damaged = g_ptr_array_new_with_free_func (g_free);
  self->creating = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thumb_waiting = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->clock = real_clock;
  self->cancellable = g_cancellable_new ();
}

static GType
list_model_get_item_type (GListModel *model)
{
  return DD_TYPE_JOB;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return DD_OUTBOX (model)->jobs->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  DdOutbox *self = DD_OUTBOX (model);

  if (position >= self->jobs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void job_finished_cb (DdOutboxScheduler *scheduler, DdJob *job, DdOutbox *self);
static void thumbnail_done_cb (DdOutboxScheduler *scheduler, DdJob *job, DdOutbox *self);

static void
robot_changed_cb (DdOutboxScheduler *scheduler,
                  const char        *profile_id,
                  DdOutbox          *self)
{
  g_signal_emit (self, signals[ROBOT_CHANGED], 0, profile_id);
}

/**
 * dd_outbox_new:
 * @directory: (nullable): the outbox's folder; %NULL for
 *   $XDG_DATA_HOME/dingdrop/outbox
 * @client: talks to DingTalk
 * @profiles: where jobs find their robot, by id
 *
 * Returns: (transfer full): an outbox that knows only the jobs added to
 *   it; dd_outbox_load_async() makes it manage every job in the folder
 */
DdOutbox *
dd_outbox_new (const char     *directory,
               DdClient       *client,
               DdProfileStore *profiles)
{
  DdOutbox *self;

  g_return_val_if_fail (DD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);

  self = g_object_new (DD_TYPE_OUTBOX, NULL);
  self->directory = directory ? g_strdup (directory)
                              : g_build_filename (g_get_user_data_dir (), "dingdrop", "outbox", NULL);
  self->client = g_object_ref (client);
  self->profiles = g_object_ref (profiles);

  self->queue = dd_io_queue_new ();
  self->store = dd_outbox_store_new (self->directory, self->queue);
  /* A thread of its own: each message waits for its robot's file, which
   * must not wait behind the fsync of the job sent before it. */
  self->pacer_queue = dd_io_queue_new ();
  self->pacer = dd_robot_pacer_new (self->directory, self->pacer_queue);
  self->media = dd_media_cache_new (self->directory, self->queue);
  self->scheduler = dd_outbox_scheduler_new (client, profiles, self->store, self->pacer, self->media);
  dd_outbox_scheduler_set_max_uploads (self->scheduler, DD_OUTBOX_DEFAULT_CONCURRENT_UPLOADS);
  self->sends_per_minute = DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE;
  dd_outbox_scheduler_set_sends_per_minute (self->scheduler, self->sends_per_minute);
  g_signal_connect (self->scheduler, "job-finished", G_CALLBACK (job_finished_cb), self);
  g_signal_connect (self->scheduler, "robot-changed", G_CALLBACK (robot_changed_cb), self);
  g_signal_connect (self->scheduler, "thumbnail-done", G_CALLBACK (thumbnail_done_cb), self);

  return self;
}

DdOutboxStore *
dd_outbox_get_store (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  return self->store;
}

DdRobotPacer *
dd_outbox_get_pacer (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  return self->pacer;
}

/**
 * dd_outbox_now:
 *
 * Returns: the time by the outbox's clock (see dd_outbox_set_clock()), in
 *   µs since the epoch: what a job's retry-at is to be compared with
 */
gint64
dd_outbox_now (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), 0);

  return self->clock (self->clock_data);
}

/* ---- the model and the history ----------------------------------------- */

static int
compare_sent (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const DdJob *x = a, *y = b;

  return x->sent_at > y->sent_at ? -1 : x->sent_at < y->sent_at;
}

static void
trim_history (DdOutbox *self)
{
  guint n;

  while ((n = g_list_model_get_n_items (G_LIST_MODEL (self->history))) > DD_OUTBOX_HISTORY_SIZE)
    {
      g_autoptr(DdJob) oldest = g_list_model_get_item (G_LIST_MODEL (self->history), n - 1);

      /* the history is everybody's: removed if nobody holds it */
      dd_outbox_store_delete (self->store, oldest);
      g_list_store_remove (self->history, n - 1);
    }
}

gboolean
_dd_outbox_in_model (DdOutbox *self,
                     DdJob    *job)
{
  return g_ptr_array_find (self->jobs, job, NULL);
}

/* Puts @job (taking a reference) where it belongs: the history if sent,
 * else in the user's order among the others. */
void
_dd_outbox_insert_job (DdOutbox *self,
                       DdJob    *job)
{
  guint pos;

  if (job->state == DD_JOB_SENT)
    {
      g_list_store_insert_sorted (self->history, job, compare_sent, NULL);
      trim_history (self);
      return;
    }

  for (pos = self->jobs->len; pos > 0; pos--)
    if (dd_job_compare_order (g_ptr_array_index (self->jobs, pos - 1), job) <= 0)
      break;
  g_ptr_array_insert (self->jobs, pos, g_object_ref (job));
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
}

/* Takes @job out of the model or the history. */
void
_dd_outbox_forget_job (DdOutbox *self,
                       DdJob    *job)
{
  guint pos;

  dd_outbox_scheduler_remove (self->scheduler, job);
  if (g_ptr_array_find (self->jobs, job, &pos))
    {
      g_ptr_array_remove_index (self->jobs, pos);
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
    }
  else if (g_list_store_find (self->history, job, &pos))
    g_list_store_remove (self->history, pos);
}

void
_dd_outbox_check_batch (DdOutbox   *self,
             const char *batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (self, batch_id);
  guint n_sent = 0, n_failed = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (job->state == DD_JOB_SENT)
        n_sent++;
      else if (job->state == DD_JOB_FAILED)
        n_failed++;
      else
        return;
    }
  if (jobs->len > 0)
    g_signal_emit (self, signals[BATCH_FINISHED], 0, batch_id, n_sent, n_failed);
}

void
_dd_outbox_emit_job_failed (DdOutbox *self,
                            DdJob    *job)
{
  g_signal_emit (self, signals[JOB_FAILED], 0, job);
}

/* Hands @job (this process's) to the scheduler, telling it whether its
 * batch's caption already went (with a job sent earlier, maybe by a
 * process that died): it must not go twice. */
void
_dd_outbox_schedule (DdOutbox *self,
                     DdJob    *job)
{
  g_autoptr(GPtrArray) batch = dd_outbox_get_batch_jobs (self, job->batch_id);

  for (guint i = 0; i < batch->len; i++)
    if (((DdJob *) g_ptr_array_index (batch, i))->caption_sent)
      {
        dd_outbox_scheduler_caption_sent (self->scheduler, job->batch_id);
        break;
      }
  dd_outbox_scheduler_add (self->scheduler, job);
}

/* @job just became sent or failed (here or in another process): if it
 * is ours, it is saved so, durably, and let go. */
void
_dd_outbox_job_finished (DdOutbox *self,
                         DdJob    *job)
{
  g_autoptr(DdJob) hold = g_object_ref (job);
  g_autofree char *batch_id = g_strdup (job->batch_id);

  if (job->state == DD_JOB_SENT)
    {
      if (job->lock_fd >= 0 &&
          (dd_outbox_scheduler_thumbnail_pending (self->scheduler, job) ||
           (self->no_thumbnails && self->keep_history_images && job->data_path != NULL)))
        {
          /* sent, on disk now; its bytes go once its thumbnail is made,
           * by the next outbox that loads if this process stops first
           * (or makes no thumbnails) */
          job->thumbnail_owed = TRUE;
          dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DURABLE);
          g_hash_table_add (self->thumb_waiting, g_object_ref (job));
        }
      else
        {
          if (job->lock_fd >= 0)
            {
              dd_outbox_store_drop_bytes (self->store, job, self->keep_history_images);
              if (!self->keep_history_images)
                dd_job_set_data_path (job, NULL);
              dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DURABLE);
            }
          dd_outbox_store_unlock (self->store, job);
        }
      if (g_ptr_array_find (self->jobs, job, NULL))
        {
          _dd_outbox_forget_job (self, job);
          _dd_outbox_insert_job (self, job);
        }
    }
  else
    {
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DURABLE);
      dd_outbox_store_unlock (self->store, job);
      g_signal_emit (self, signals[JOB_FAILED], 0, job);
    }

  _dd_outbox_check_batch (self, batch_id);
}

static void
job_finished_cb (DdOutboxScheduler *scheduler,
                 DdJob             *job,
                 DdOutbox          *self)
{
  _dd_outbox_job_finished (self, job);
}

/* A sent job that waited for its thumbnail lets go of what the history
 * does not keep. */
static void
thumbnail_settled (DdOutbox *self,
                   DdJob    *job)
{
  if (job->lock_fd >= 0)
    {
      job->thumbnail_owed = FALSE;
      dd_outbox_store_drop_bytes (self->store, job, self->keep_history_images);
      if (!self->keep_history_images)
        dd_job_set_data_path (job, NULL);
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
    }
  dd_outbox_store_unlock (self->store, job);
}

/* A sent job's thumbnail is made (or will not be): what the history does
 * not keep goes now. */
static void
thumbnail_done_cb (DdOutboxScheduler *scheduler,
                   DdJob             *job,
                   DdOutbox          *self)
{
  g_autoptr(DdJob) hold = g_object_ref (job);

  if (!g_hash_table_steal (self->thumb_waiting, job))
    return;
  g_object_unref (job);   /* the table's; held above */
  thumbnail_settled (self, job);
}

/* Closing: the thumbnails not made yet are forgone, not waited for (a
 * PNG screenshot's costs 30-80 ms of CPU, more than its upload).  If the
 * history keeps the images, a job stays owed with its bytes, and the
 * next outbox that loads it makes its thumbnail from them; if not, its
 * bytes go now, and the history shows a generic image icon for it. */
static void
forgo_thumbnails (DdOutbox *self)
{
  GHashTableIter iter;
  gpointer key;

  dd_outbox_scheduler_forgo_thumbnails (self->scheduler);
  g_hash_table_iter_init (&iter, self->thumb_waiting);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      DdJob *job = key;

      if (self->keep_history_images)
        dd_outbox_store_unlock (self->store, job);
      else
        thumbnail_settled (self, job);
    }
  g_hash_table_remove_all (self->thumb_waiting);
}

/* A sent job whose thumbnail a process that stopped owed (this outbox
 * holds its lock now): made here, then its bytes go. */
void
_dd_outbox_make_owed_thumbnail (DdOutbox *self,
                                DdJob    *job)
{
  if (g_hash_table_contains (self->thumb_waiting, job))
    return;
  g_hash_table_add (self->thumb_waiting, g_object_ref (job));
  dd_outbox_scheduler_make_thumbnail (self->scheduler, job);
}

/* ---- finding jobs -------------------------------------------------------- */

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

/**
 * dd_outbox_get_damaged:
 *
 * Returns: (transfer none) (element-type filename): the folders of jobs
 *   whose job.json cannot be read (cut short by a full disk, edited by
 *   hand), as the last scan of a loaded outbox found them: their images
 *   are kept until dd_outbox_clear_async() removes them
 */
GPtrArray *
dd_outbox_get_damaged (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  return self->damaged;
}

/**
 * dd_outbox_get_history:
 *
 * Returns: (transfer none): a GListModel of the sent DdJobs, newest first,
 *   at most %DD_OUTBOX_HISTORY_SIZE
 */
GListModel *
dd_outbox_get_history (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  return G_LIST_MODEL (self->history);
}

/* ---- running ------------------------------------------------------------ */

/**
 * dd_outbox_prefetch_token:
 * @profile: a robot whose secrets are loaded
 *
 * Asks for the robot's access token now, before the outbox is started or
 * has its jobs: the first upload then need not wait a round trip for it.
 */
void
dd_outbox_prefetch_token (DdOutbox  *self,
                          DdProfile *profile)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  g_return_if_fail (DD_IS_PROFILE (profile));

  if (dd_profile_get_secrets_loaded (profile))
    dd_outbox_scheduler_prefetch_token (self->scheduler, profile);
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
      dd_outbox_scheduler_wake (self->scheduler);
      return;
    }

  self->started = TRUE;
  dd_outbox_scheduler_start (self->scheduler);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd >= 0 && !dd_job_is_finished (job))
        _dd_outbox_schedule (self, job);
    }
  _dd_outbox_take_over (self);
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
  dd_outbox_scheduler_stop (self->scheduler);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      dd_outbox_scheduler_remove (self->scheduler, job);
      dd_outbox_store_unlock (self->store, job);
    }
}

static void close_next (DdOutbox *self, GTask *task);

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, TRUE);
}

static void
bytes_drained_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DdOutbox *self = g_task_get_source_object (G_TASK (user_data));

  dd_io_queue_drain_async (self->queue, drained_cb, user_data);
}

/* The three queues work side by side; each is waited for in turn. */
static void
pacer_drained_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DdOutbox *self = g_task_get_source_object (G_TASK (user_data));

  dd_io_queue_drain_async (dd_outbox_store_get_bytes_queue (self->store), bytes_drained_cb, user_data);
}

/**
 * dd_outbox_close_async:
 *
 * Stops, and completes once every state asked to be written is on disk
 * and every batch being added is in the outbox: what a program waits for
 * before it exits.  The history's thumbnails not made yet are forgone: a
 * sent image whose thumbnail is missing loses its bytes now unless the
 * history keeps images (then the next outbox makes the thumbnail).
 */
void
dd_outbox_close_async (DdOutbox            *self,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DD_IS_OUTBOX (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_close_async);
  dd_outbox_stop (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  forgo_thumbnails (self);

  close_next (self, g_steal_pointer (&task));
}

/* Waits for the batches being added (they are the user's too), then for
 * the I/O queue.  Not for thumbnails (see forgo_thumbnails()). */
static void
close_next (DdOutbox *self,
            GTask    *task)
{
  if (self->n_adding > 0)
    {
      if (self->closing == NULL)
        self->closing = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->closing, task);
      return;
    }
  dd_io_queue_drain_async (self->pacer_queue, pacer_drained_cb, task);
}

/* The last add in flight is done: the closes that waited for it go on. */
void
_dd_outbox_adds_done (DdOutbox *self)
{
  g_autoptr(GPtrArray) closing = g_steal_pointer (&self->closing);

  for (guint i = 0; closing != NULL && i < closing->len; i++)
    close_next (self, g_object_ref (g_ptr_array_index (closing, i)));
}

gboolean
dd_outbox_close_finish (DdOutbox     *self,
                        GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* TRUE while a job this process owns is not sent or failed yet, or a
 * sent one's thumbnail is still to be made (its bytes wait for it), or
 * while it is trying to take over jobs that another process let go of. */
gboolean
dd_outbox_is_busy (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);

  if (self->n_adding > 0 || dd_outbox_scheduler_get_n_jobs (self->scheduler) > 0 ||
      g_hash_table_size (self->thumb_waiting) > 0 || (self->started && self->locking))
    return TRUE;
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (job->lock_fd >= 0 && !dd_job_is_finished (job))
        return TRUE;
    }
  return FALSE;
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

/**
 * dd_outbox_get_robot_paused_until:
 *
 * Returns: until when DingTalk paused the robot (unix µs, by the outbox's
 *   clock), or 0: one pause for the robot, not one per image
 */
gint64
dd_outbox_get_robot_paused_until (DdOutbox   *self,
                                  const char *profile_id)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), 0);
  g_return_val_if_fail (profile_id != NULL, 0);

  return dd_robot_pacer_get_paused_until (self->pacer, profile_id);
}

/**
 * dd_outbox_get_robot_trouble:
 * @retry_at: (out) (optional): when this process tries the robot's next
 *   image again (µs, by the outbox's clock); 0 while one is on its way
 *
 * Returns: (nullable) (transfer none): why this process's images for the
 *   robot are being retried (DingTalk cannot be reached, is busy, …),
 *   from the first transient error on, until DingTalk answers again or
 *   nothing is retried any more; "robot-changed" tells when it changes
 */
const GError *
dd_outbox_get_robot_trouble (DdOutbox   *self,
                             const char *profile_id,
                             gint64     *retry_at)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);

  return dd_outbox_scheduler_get_trouble (self->scheduler, profile_id, retry_at);
}

/**
 * dd_outbox_estimate:
 * @n_more: messages about to be added for the robot (0: none)
 *
 * Returns: how long (µs) DingTalk's limit of 20 messages a minute (or
 *   its pause) keeps the robot's waiting messages of this process, and
 *   @n_more after them, from going; 0 when it does not hold them up
 */
gint64
dd_outbox_estimate (DdOutbox   *self,
                    const char *profile_id,
                    guint       n_more)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), 0);
  g_return_val_if_fail (profile_id != NULL, 0);

  return dd_outbox_scheduler_estimate (self->scheduler, profile_id, n_more);
}

/**
 * dd_outbox_describe_wait:
 * @usec: from dd_outbox_estimate()
 *
 * Returns: (transfer full): "about 40 seconds", "about 1 minute" (from 45 s
 *   on, to the nearest minute)
 */
char *
dd_outbox_describe_wait (gint64 usec)
{
  gint64 seconds = (MAX (usec, 0) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  guint minutes = (guint) ((seconds + 30) / 60);

  if (seconds < 45)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u second", "about %u seconds",
                                         (gulong) seconds), (guint) seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute", "about %u minutes", minutes),
                          minutes);
}

/* ---- settings ------------------------------------------------------------ */

/**
 * dd_outbox_set_clock:
 * @clock: (nullable): returns unix µs; %NULL for the real time
 *
 * Every time the outbox keeps or schedules by (created-at, sent-at,
 * retry-at, the rate limit's window, DingTalk's pauses) comes from
 * @clock, so tests can move time forward instead of waiting.
 */
void
dd_outbox_set_clock (DdOutbox    *self,
                     DdClockFunc  clock,
                     gpointer     user_data)
{
  g_return_if_fail (DD_IS_OUTBOX (self));

  self->clock = clock ? clock : real_clock;
  self->clock_data = clock ? user_data : NULL;
  dd_outbox_scheduler_set_clock (self->scheduler, clock, user_data);
  dd_robot_pacer_set_clock (self->pacer, clock, user_data);
}

void
dd_outbox_set_max_concurrent_uploads (DdOutbox *self,
                                      guint     n)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  dd_outbox_scheduler_set_max_uploads (self->scheduler, n);
}

/* DingTalk allows 20 a minute; a lower limit is allowed, a higher one is not. */
void
dd_outbox_set_sends_per_minute (DdOutbox *self,
                                guint     n)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  self->sends_per_minute = CLAMP (n, 1, DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE);
  dd_outbox_scheduler_set_sends_per_minute (self->scheduler, self->sends_per_minute);
}

/* The largest image prepared, in megapixels (the "max-megapixels"
 * setting); 0 for the default. */
void
dd_outbox_set_max_megapixels (DdOutbox *self,
                              guint     megapixels)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  dd_outbox_scheduler_set_max_pixels (self->scheduler, (guint64) megapixels * 1000 * 1000);
}

guint
dd_outbox_get_sends_per_minute (DdOutbox *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX (self), DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE);
  return self->sends_per_minute;
}

/**
 * dd_outbox_set_make_thumbnails:
 * @make: %FALSE for an outbox that only sends (`dingdrop send`)
 *
 * Without thumbnails, a sent image the history keeps owes its thumbnail
 * to the next outbox that loads (the window's, made from the kept
 * copy); one the history does not keep has none, and its bytes go at
 * once.  It neither takes over the thumbnails other processes owe.
 */
void
dd_outbox_set_make_thumbnails (DdOutbox *self,
                               gboolean  make)
{
  g_return_if_fail (DD_IS_OUTBOX (self));

  self->no_thumbnails = !make;
  dd_outbox_scheduler_set_make_thumbnails (self->scheduler, make);
}

void
dd_outbox_set_keep_history_images (DdOutbox *self,
                                   gboolean  keep)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  self->keep_history_images = !!keep;
}
