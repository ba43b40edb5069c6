/* dd-outbox.c: every image the user asked to send, kept on disk until it
 * arrived — across crashes, restarts and DingTalk's rate limit
 *
 * The outbox is a GListModel of DdJob.  Each job lives in its own folder
 * (dd-outbox-store.c) and belongs to one process at a time, the one holding
 * its lock; dd-outbox-run.c decides what runs when.  This file has the
 * object, the model, the history and the public entry points.  Jobs change
 * only on the main context the outbox was made in, so their notify signals
 * reach widgets there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-outbox-private.h"

enum {
  BATCH_FINISHED,
  JOB_FAILED,
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
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_object (&self->history);
  g_clear_pointer (&self->robots, g_hash_table_unref);
  g_clear_object (&self->client);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (dd_outbox_parent_class)->dispose (object);
}

static void
dd_outbox_finalize (GObject *object)
{
  DdOutbox *self = (DdOutbox *) object;

  g_free (self->directory);
  g_clear_pointer (&self->context, g_main_context_unref);

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
}

static void
dd_outbox_init (DdOutbox *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->history = g_list_store_new (DD_TYPE_JOB);
  self->robots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, dd_outbox_robot_free);
  self->clock = real_clock;
  self->max_uploads = DD_OUTBOX_DEFAULT_CONCURRENT_UPLOADS;
  self->sends_per_minute = DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE;
  self->context = g_main_context_ref_thread_default ();
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

/**
 * dd_outbox_new:
 * @directory: (nullable): the outbox's folder; %NULL for
 *   $XDG_DATA_HOME/dingdrop/outbox
 * @client: talks to DingTalk
 * @profiles: where jobs find their robot, by id
 *
 * Returns: (transfer full): an outbox that knows only the jobs added to
 *   it; dd_outbox_load() makes it manage every job in the folder
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

  return self;
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
compare_jobs (DdJob *a,
              DdJob *b)
{
  int c;

  if (a->created_at != b->created_at)
    return a->created_at < b->created_at ? -1 : 1;
  if ((c = g_strcmp0 (a->batch_id, b->batch_id)) != 0)
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
trim_history (DdOutbox *self)
{
  guint n;

  while ((n = g_list_model_get_n_items (G_LIST_MODEL (self->history))) > DD_OUTBOX_HISTORY_SIZE)
    {
      g_autoptr(DdJob) oldest = g_list_model_get_item (G_LIST_MODEL (self->history), n - 1);

      /* the history is everybody's: a sent job is never locked for long */
      if (dd_outbox_store_lock_job (oldest))
        dd_outbox_store_delete_job (oldest);
      g_list_store_remove (self->history, n - 1);
    }
}

static int
compare_sent (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const DdJob *x = a, *y = b;

  return x->sent_at > y->sent_at ? -1 : x->sent_at < y->sent_at;
}

/* Puts @job (taking a reference) where it belongs: the history if sent,
 * else in the user's order among the others. */
void
dd_outbox_insert_job (DdOutbox *self,
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
    if (compare_jobs (g_ptr_array_index (self->jobs, pos - 1), job) <= 0)
      break;
  g_ptr_array_insert (self->jobs, pos, g_object_ref (job));
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
}

/* The jobs as they are now, for a loop that may change the model. */
GPtrArray *
dd_outbox_snapshot (DdOutbox *self)
{
  GPtrArray *snapshot = g_ptr_array_new_full (self->jobs->len, g_object_unref);

  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (snapshot, g_object_ref (g_ptr_array_index (self->jobs, i)));
  return snapshot;
}

static gboolean
remove_from_model (DdOutbox *self,
                   DdJob    *job)
{
  guint pos;

  if (!g_ptr_array_find (self->jobs, job, &pos))
    return FALSE;
  g_ptr_array_remove_index (self->jobs, pos);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
  return TRUE;
}

void
dd_outbox_save_job (DdOutbox *self,
                    DdJob    *job)
{
  g_autoptr(GError) error = NULL;

  if (job->lock_fd < 0)
    return;  /* not ours to write */
  if (!dd_outbox_store_write_job (job, &error))
    g_warning ("Could not save the state of “%s”: %s", job->display_name, error->message);
}

static void
check_batch (DdOutbox   *self,
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
  g_signal_emit (self, signals[BATCH_FINISHED], 0, batch_id, n_sent, n_failed);
}

/* @job just became sent or failed (here or in another process). */
void
dd_outbox_job_finished (DdOutbox *self,
                        DdJob    *job)
{
  g_autoptr(DdJob) hold = g_object_ref (job);
  g_autofree char *batch_id = g_strdup (job->batch_id);

  if (job->state == DD_JOB_SENT)
    {
      if (job->lock_fd >= 0)
        {
          dd_outbox_store_drop_bytes (job, self->keep_history_images);
          if (!self->keep_history_images)
            dd_job_set_data_path (job, NULL);
          dd_outbox_save_job (self, job);
        }
      dd_outbox_store_unlock_job (job);
      if (remove_from_model (self, job))
        dd_outbox_insert_job (self, job);
    }
  else
    {
      dd_outbox_save_job (self, job);
      dd_outbox_store_unlock_job (job);
      g_signal_emit (self, signals[JOB_FAILED], 0, job);
    }

  check_batch (self, batch_id);
}

gboolean
dd_outbox_batch_caption_sent (DdOutbox   *self,
                              const char *batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (self, batch_id);

  for (guint i = 0; i < jobs->len; i++)
    if (((DdJob *) g_ptr_array_index (jobs, i))->caption_sent)
      return TRUE;
  return FALSE;
}

/* Adds the jobs of the folder this outbox does not know yet: made by
 * another process, or all of them on the first load. */
void
dd_outbox_rescan (DdOutbox *self)
{
  g_autoptr(GPtrArray) dirs = dd_outbox_store_list_jobs (self->directory);

  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *id = g_path_get_basename (g_ptr_array_index (dirs, i));
      g_autoptr(DdJob) job = NULL;
      g_autoptr(GError) error = NULL;

      if (dd_outbox_lookup (self, id) != NULL)
        continue;
      job = dd_outbox_store_read_job (g_ptr_array_index (dirs, i), &error);
      if (job == NULL)
        {
          /* half removed by another process, or not ours */
          g_debug ("Skipping %s: %s", (char *) g_ptr_array_index (dirs, i), error->message);
          continue;
        }
      dd_outbox_insert_job (self, job);
    }
}

/**
 * dd_outbox_load:
 *
 * Reads every job of the folder (nothing is locked or sent until
 * dd_outbox_start()).  From then on, jobs that other processes add are
 * picked up as well.
 */
gboolean
dd_outbox_load (DdOutbox  *self,
                GError   **error)
{
  g_autofree char *jobs_dir = NULL;

  g_return_val_if_fail (DD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  jobs_dir = dd_outbox_store_jobs_dir (self->directory);
  if (g_mkdir_with_parents (jobs_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make the outbox folder “%s”: %s"), jobs_dir, g_strerror (saved));
      return FALSE;
    }

  self->loaded = TRUE;
  dd_outbox_rescan (self);
  return TRUE;
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

/* ---- settings ------------------------------------------------------------ */

/**
 * dd_outbox_set_clock:
 * @clock: (nullable): returns unix µs; %NULL for the real time
 *
 * Every time the outbox keeps or schedules by (created-at, sent-at,
 * retry-at, the rate limit's window, 130101 pauses) comes from @clock, so
 * tests can move time forward instead of waiting.
 */
void
dd_outbox_set_clock (DdOutbox    *self,
                     DdClockFunc  clock,
                     gpointer     user_data)
{
  g_return_if_fail (DD_IS_OUTBOX (self));

  self->clock = clock ? clock : real_clock;
  self->clock_data = clock ? user_data : NULL;
}

void
dd_outbox_set_max_concurrent_uploads (DdOutbox *self,
                                      guint     n)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  self->max_uploads = MAX (n, 1);
}

/* DingTalk allows 20 a minute; a lower limit is allowed, a higher one is not. */
void
dd_outbox_set_sends_per_minute (DdOutbox *self,
                                guint     n)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  self->sends_per_minute = CLAMP (n, 1, DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE);
}

void
dd_outbox_set_keep_history_images (DdOutbox *self,
                                   gboolean  keep)
{
  g_return_if_fail (DD_IS_OUTBOX (self));
  self->keep_history_images = !!keep;
}
