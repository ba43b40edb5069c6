/* dd-window-report.c: one send from the window ends in one toast and,
 * with nobody looking, one notification, however many robots it went
 * to: each robot's images are a batch of their own in the outbox, so the
 * window keeps the batches each send started and tells once the last
 * of them has ended; Retry All is told the same way, for the batches it
 * retried.  A batch of the window's rows that no send of this window
 * started (a row's Retry, what was left from last time) tells on its
 * own; one of another process (dingdrop send in a terminal), whose
 * images the window does not show, is not the window's to tell.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-send-summary.h"
#include "dd-window-private.h"

struct _DdSendReport
{
  guint          n_adding;   /* adds not finished, and the send itself until sealed */
  GPtrArray     *batches;    /* ids of the batches on their way */
  DdSendSummary *summary;
};

void
dd_send_report_free (DdSendReport *report)
{
  g_clear_pointer (&report->batches, g_ptr_array_unref);
  g_clear_pointer (&report->summary, dd_send_summary_free);
  g_free (report);
}

/* The robot of the batch, by name */
static char *
batch_robot_name (DdWindow   *self,
                  const char *batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (self->outbox, batch_id);
  DdProfile *profile = NULL;

  if (jobs->len > 0)
    profile = dd_profile_store_lookup (self->profiles, dd_job_get_profile_id (g_ptr_array_index (jobs, 0)));
  return g_strdup (profile ? dd_profile_get_name (profile) : _("the group"));
}

/* The toast says it, or the failures' toast now tells the whole send;
 * "send-finished" tells the application's notifier, for when nobody
 * looks. */
static void
tell (DdWindow      *self,
      DdSendSummary *summary)
{
  g_autofree char *text = dd_send_summary_describe (summary);

  if (self->failure_toast != NULL && dd_send_summary_get_n_failed (summary) > 0)
    {
      adw_toast_set_title (self->failure_toast, text);
      g_free (self->last_toast);
      self->last_toast = g_strdup (text);
    }
  else
    dd_window_toast (self, text);

  g_signal_emit_by_name (self, "send-finished", summary);
}

static void
finish_if_done (DdWindow     *self,
                DdSendReport *report)
{
  if (report->n_adding > 0 || report->batches->len > 0)
    return;
  /* nothing of it reached the outbox: the add's error said so */
  if (dd_send_summary_get_n_sent (report->summary) + dd_send_summary_get_n_failed (report->summary) > 0)
    tell (self, report->summary);
  g_ptr_array_remove (self->reports, report);
}

/* (transfer none) a new send, until its last batch ended; sealed by
 * dd_window_report_add_done() once every add of it was asked for */
DdSendReport *
dd_window_report_begin (DdWindow *self)
{
  DdSendReport *report = g_new0 (DdSendReport, 1);

  report->n_adding = 1;
  report->batches = g_ptr_array_new_with_free_func (g_free);
  report->summary = dd_send_summary_new ();
  g_ptr_array_add (self->reports, report);
  return report;
}

/* One more add of the send is on its way, to @robot: the robots are
 * told in the order they were chosen, whichever ends first. */
void
dd_window_report_add (DdWindow     *self,
                      DdSendReport *report,
                      const char   *robot)
{
  report->n_adding++;
  dd_send_summary_add (report->summary, robot, 0, 0);
}

/* An add of the send ended: @batch_id is in the outbox, or NULL (it failed). */
void
dd_window_report_add_done (DdWindow     *self,
                           DdSendReport *report,
                           const char   *batch_id)
{
  g_assert (report->n_adding > 0);
  /* a retry of several images of one batch watches it once */
  if (batch_id != NULL &&
      !g_ptr_array_find_with_equal_func (report->batches, batch_id, g_str_equal, NULL))
    g_ptr_array_add (report->batches, g_strdup (batch_id));
  report->n_adding--;
  finish_if_done (self, report);
}

/* Whether a row of the window has a job of the batch. */
static gboolean
shows_batch (DdWindow   *self,
             const char *batch_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      GPtrArray *jobs = dd_queue_item_get_jobs (item);

      for (guint j = 0; j < jobs->len; j++)
        if (g_strcmp0 (dd_job_get_batch_id (g_ptr_array_index (jobs, j)), batch_id) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
batch_finished_cb (DdOutbox   *outbox,
                   const char *batch_id,
                   guint       n_sent,
                   guint       n_failed,
                   DdWindow   *self)
{
  g_autofree char *robot = batch_robot_name (self, batch_id);
  guint pos;

  for (guint i = 0; i < self->reports->len; i++)
    {
      DdSendReport *report = g_ptr_array_index (self->reports, i);

      if (g_ptr_array_find_with_equal_func (report->batches, batch_id, g_str_equal, &pos))
        {
          g_ptr_array_remove_index (report->batches, pos);
          dd_send_summary_add (report->summary, robot, n_sent, n_failed);
          finish_if_done (self, report);
          return;
        }
    }

  if (shows_batch (self, batch_id))
    {
      g_autoptr(DdSendSummary) summary = dd_send_summary_new ();

      dd_send_summary_add (summary, robot, n_sent, n_failed);
      tell (self, summary);
    }
}

/* After Stop or Remove took jobs back: a batch whose jobs left are all
 * finished (or gone) has ended, though the outbox says nothing of a
 * batch it took jobs out of. */
void
dd_window_report_settle (DdWindow *self)
{
  for (guint i = self->reports->len; i > 0; i--)
    {
      DdSendReport *report = g_ptr_array_index (self->reports, i - 1);

      for (guint j = report->batches->len; j > 0; j--)
        {
          const char *batch_id = g_ptr_array_index (report->batches, j - 1);
          g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (self->outbox, batch_id);
          g_autofree char *robot = NULL;
          guint n_sent = 0, n_failed = 0;
          gboolean ended = TRUE;

          for (guint k = 0; k < jobs->len && ended; k++)
            {
              DdJob *job = g_ptr_array_index (jobs, k);

              ended = dd_job_is_finished (job);
              n_sent += dd_job_get_state (job) == DD_JOB_SENT;
              n_failed += dd_job_get_state (job) == DD_JOB_FAILED;
            }
          if (!ended)
            continue;
          robot = batch_robot_name (self, batch_id);
          if (jobs->len > 0)
            dd_send_summary_add (report->summary, robot, n_sent, n_failed);
          g_ptr_array_remove_index (report->batches, j - 1);
        }
      finish_if_done (self, report);
    }
}

/* Retry All: the failed images go again, each to its batch, and the
 * batches they are in end in one toast for all of them, as a send does
 * (not one per robot, as each row's Retry tells its own). */
typedef struct {
  DdWindow     *window;
  DdSendReport *report;
  DdJob        *job;
} RetryOp;

static void
retried_all_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RetryOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!dd_outbox_retry_finish (DD_OUTBOX (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dd_window_toast (op->window, error->message);
      dd_window_report_add_done (op->window, op->report, NULL);
    }
  else
    {
      dd_outbox_start (DD_OUTBOX (source));
      dd_window_report_add_done (op->window, op->report, dd_job_get_batch_id (op->job));
    }
  g_object_unref (op->window);
  g_object_unref (op->job);
  g_free (op);
}

static void
retry_one (DdWindow     *self,
           DdSendReport *report,
           DdJob        *job,
           DdProfile    *profile)   /* nullable: the job's own */
{
  RetryOp *op = g_new0 (RetryOp, 1);

  report->n_adding++;
  op->window = g_object_ref (self);
  op->report = report;
  op->job = g_object_ref (job);
  dd_outbox_retry_async (self->outbox, job, profile, self->cancellable, retried_all_cb, op);
}

/* As dd_window_retry() for each row: an image for one robot goes to the
 * robot chosen now, one for several to those it failed with. */
void
dd_window_report_retry_all (DdWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  DdProfile *chosen = dd_window_get_profile (self);
  g_autoptr(GPtrArray) robots = NULL;   /* those retried, unordered */
  DdSendReport *report;

  if (self->outbox == NULL)
    return;

  report = dd_window_report_begin (self);
  robots = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      g_autoptr(GPtrArray) jobs = dd_queue_item_dup_jobs (item);

      for (guint j = 0; j < jobs->len; j++)
        {
          DdJob *job = g_ptr_array_index (jobs, j);
          DdProfile *profile = NULL;
          DdProfile *robot;

          if (dd_job_get_state (job) != DD_JOB_FAILED)
            continue;
          if (jobs->len == 1 && chosen != NULL &&
              g_strcmp0 (dd_profile_get_id (chosen), dd_job_get_profile_id (job)) != 0)
            profile = chosen;
          retry_one (self, report, job, profile);
          robot = profile ? profile : dd_profile_store_lookup (self->profiles, dd_job_get_profile_id (job));
          if (robot != NULL && !g_ptr_array_find (robots, robot, NULL))
            g_ptr_array_add (robots, robot);
        }
    }
  /* the robots told in the robots' order, whichever ends first */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->profiles)); i++)
    {
      g_autoptr(DdProfile) robot = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_ptr_array_find (robots, robot, NULL))
        dd_send_summary_add (report->summary, dd_profile_get_name (robot), 0, 0);
    }
  dd_window_report_add_done (self, report, NULL);
}

void
dd_window_report_init (DdWindow *self)
{
  self->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_send_report_free);
  if (self->outbox != NULL)
    g_signal_connect_object (self->outbox, "batch-finished", G_CALLBACK (batch_finished_cb), self, 0);
}
