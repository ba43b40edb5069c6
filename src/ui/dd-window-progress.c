/* dd-window-progress.c: what the window shows while its images go and
 * once they went: the bottom bar's progress ("23 of 150 sent", the time
 * DingTalk's limit takes, Stop) and its finished state (what arrived,
 * what did not, Send More); Remove All and Retry All above the list; the
 * robot's banner when DingTalk paused it or cannot be reached; which
 * robot a row goes to; a toast for a failure that leads to the robot
 *
 * Stop takes the images that are not on their way yet out of the
 * outbox and leaves them in the list, ready for Send (a message already
 * on its way cannot be called back, and arrives); nothing is lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-error.h"
#include "dd-queue-row.h"
#include "dd-robots-window.h"
#include "dd-window-private.h"

static gboolean
job_in_flight (DdJob *job)
{
  return job != NULL && !dd_job_is_finished (job);
}

/* (transfer full) the queue's items, to walk while the queue changes */
static GPtrArray *
snapshot_items (DdWindow *self)
{
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = g_list_model_get_n_items (queue);
  GPtrArray *items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (queue, i));
  return items;
}

static const char *
robot_name (DdWindow   *self,
            const char *profile_id)
{
  DdProfile *profile = profile_id ? dd_profile_store_lookup (self->profiles, profile_id) : NULL;

  return profile ? dd_profile_get_name (profile) : _("a removed robot");
}

/* (transfer full) the robots the banner speaks for: those chosen, then
 * those of the images on their way, each once */
static GPtrArray *
banner_robots (DdWindow *self)
{
  g_autoptr(GPtrArray) profiles = dd_window_get_profiles (self);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = g_list_model_get_n_items (queue);

  for (guint i = 0; i < profiles->len; i++)
    g_ptr_array_add (ids, g_strdup (dd_profile_get_id (g_ptr_array_index (profiles, i))));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (queue, i);
      GPtrArray *jobs = dd_queue_item_get_jobs (item);

      for (guint j = 0; j < jobs->len; j++)
        {
          DdJob *job = g_ptr_array_index (jobs, j);

          if (job_in_flight (job) &&
              !g_ptr_array_find_with_equal_func (ids, dd_job_get_profile_id (job), g_str_equal, NULL))
            g_ptr_array_add (ids, g_strdup (dd_job_get_profile_id (job)));
        }
    }
  return ids;
}

/* ---- the banner ------------------------------------------------------------ */

/* What holds the robot's images back, in a sentence; NULL: nothing.
 * @retry_now: whether "Try Now" makes sense */
static char *
describe_robot (DdWindow   *self,
                const char *profile_id,
                gboolean    chosen,
                gboolean   *retry_now)
{
  gint64 now = dd_outbox_now (self->outbox);
  gint64 paused_until = dd_outbox_get_robot_paused_until (self->outbox, profile_id);
  gint64 retry_at = 0;
  const GError *trouble;
  g_autofree char *text = NULL;

  *retry_now = FALSE;
  if (paused_until > now)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (paused_until / G_USEC_PER_SEC);
      g_autofree char *time = when ? g_date_time_format (when, "%H:%M") : g_strdup ("?");
      g_autofree char *countdown = dd_format_countdown ((paused_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      if (chosen)
        /* Translators: "DingTalk paused this robot until 18:42 (9:59 left)" */
        return g_strdup_printf (_("DingTalk paused this robot until %s (%s left)"), time, countdown);
      /* Translators: "DingTalk paused “Team Group” until 18:42 (9:59 left)" */
      return g_strdup_printf (_("DingTalk paused “%s” until %s (%s left)"),
                              robot_name (self, profile_id), time, countdown);
    }

  trouble = dd_outbox_get_robot_trouble (self->outbox, profile_id, &retry_at);
  if (trouble == NULL)
    return NULL;

  *retry_now = retry_at > now;
  if (g_error_matches (trouble, DD_ERROR, DD_ERROR_NETWORK) ||
      g_error_matches (trouble, DD_ERROR, DD_ERROR_TIMEOUT) ||
      g_error_matches (trouble, DD_ERROR, DD_ERROR_TLS))
    {
      if (retry_at > now)
        {
          guint s = (guint) ((retry_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

          text = g_strdup_printf (ngettext ("Cannot reach DingTalk, trying again in %u second",
                                            "Cannot reach DingTalk, trying again in %u seconds", s), s);
        }
      else
        text = g_strdup (_("Cannot reach DingTalk, trying again…"));
    }
  else
    {
      if (retry_at > now)
        {
          guint s = (guint) ((retry_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

          text = g_strdup_printf (ngettext ("DingTalk is busy, trying again in %u second",
                                            "DingTalk is busy, trying again in %u seconds", s), s);
        }
      else
        text = g_strdup (_("DingTalk is busy, trying again…"));
    }

  if (chosen)
    return g_steal_pointer (&text);
  /* Translators: a robot's name, then what holds its images back */
  return g_strdup_printf (_("%s: %s"), robot_name (self, profile_id), text);
}

static void
update_banner (DdWindow *self)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) profiles = dd_window_get_profiles (self);
  DdProfile *profile = dd_window_get_profile (self);
  g_autofree char *text = NULL;
  gboolean retry_now = FALSE;

  if (self->outbox != NULL)
    {
      ids = banner_robots (self);
      for (guint i = 0; i < ids->len && text == NULL; i++)
        {
          const char *id = g_ptr_array_index (ids, i);

          /* "this robot" only when it is the one chosen */
          text = describe_robot (self, id, profiles->len == 1 && g_str_equal (id, dd_profile_get_id (profile)),
                                 &retry_now);
        }
    }

  if (text != NULL)
    {
      gtk_label_set_text (self->banner_label, text);
      dd_window_schedule_tick (self);   /* the time left shrinks */
    }
  gtk_widget_set_visible (self->banner_button, retry_now);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* ---- the rows: which robot they go to -------------------------------------- */

static void
update_rows (DdWindow *self)
{
  DdProfile *profile = dd_window_get_profile (self);
  const char *chosen = profile ? dd_profile_get_id (profile) : NULL;
  gboolean compact = g_list_model_get_n_items (G_LIST_MODEL (self->queue)) > DD_WINDOW_COMPACT_ROWS;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->queue_list, i)) != NULL; i++)
    {
      DdQueueItem *item = dd_queue_row_get_item (DD_QUEUE_ROW (row));
      GPtrArray *jobs = dd_queue_item_get_jobs (item);
      const char * const *robots = dd_queue_item_get_robots (item);
      DdJob *job = jobs->len == 1 ? g_ptr_array_index (jobs, 0) : NULL;
      g_autofree char *own = NULL;

      /* a row of several robots names each on a line of its own */
      if (job != NULL && g_strcmp0 (dd_job_get_profile_id (job), chosen) != 0)
        own = g_strdup (robot_name (self, dd_job_get_profile_id (job)));
      /* an image taken back from some robots goes to those */
      else if (jobs->len == 0 && robots != NULL)
        {
          GString *names = g_string_new (NULL);

          for (guint j = 0; robots[j] != NULL; j++)
            {
              if (j > 0)
                g_string_append (names, _(", "));
              g_string_append (names, robot_name (self, robots[j]));
            }
          own = g_string_free (names, FALSE);
        }
      dd_queue_row_set_robots (DD_QUEUE_ROW (row), own, profile ? dd_profile_get_name (profile) : NULL);
      dd_queue_row_set_compact (DD_QUEUE_ROW (row), compact);
    }
}

/* ---- the bar ------------------------------------------------------------------ */

static void
update_progress (DdWindow            *self,
                 const DdQueueCounts *counts)
{
  guint total = counts->in_flight + counts->sent + counts->failed;
  g_autofree char *label = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GPtrArray) ids = banner_robots (self);
  gboolean paused = FALSE;
  gint64 wait = 0;

  /* Translators: "23 of 150 sent" */
  label = g_strdup_printf (_("%u of %u sent"), counts->sent, total);
  gtk_label_set_text (self->progress_label, label);
  gtk_progress_bar_set_fraction (self->overall_progress,
                                 total > 0 ? (double) (counts->sent + counts->failed) / total : 0);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      wait = MAX (wait, dd_outbox_estimate (self->outbox, id, 0));
      paused |= dd_outbox_get_robot_paused_until (self->outbox, id) > dd_outbox_now (self->outbox);
    }
  if (wait > 0 && paused)
    {
      g_autofree char *about = dd_outbox_describe_wait (wait);

      /* Translators: "about 10 minutes left" (the banner says why) */
      detail = g_strdup_printf (_("%s left"), about);
    }
  else if (wait > 0)
    {
      g_autofree char *about = dd_outbox_describe_wait (wait);

      /* Translators: "about 7 minutes left, at DingTalk's limit of 20 messages a minute" */
      detail = g_strdup_printf (_("%s left, at DingTalk’s limit of 20 messages a minute"), about);
    }
  else
    detail = g_strdup (_("Uploading and sending…"));
  if (counts->failed > 0)
    {
      g_autofree char *failed = g_strdup_printf (ngettext ("%u not sent", "%u not sent", counts->failed),
                                                 counts->failed);
      g_autofree char *both = g_strdup_printf ("%s · %s", detail, failed);

      g_free (detail);
      detail = g_steal_pointer (&both);
    }
  gtk_label_set_text (self->progress_detail, detail);
  dd_window_schedule_tick (self);
}

/* The robot all finished rows went to, or NULL if several. */
static const char *
finished_robot (DdWindow *self)
{
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = g_list_model_get_n_items (queue);
  const char *id = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (queue, i);
      GPtrArray *jobs = dd_queue_item_get_jobs (item);

      for (guint j = 0; j < jobs->len; j++)
        {
          DdJob *job = g_ptr_array_index (jobs, j);

          if (id != NULL && g_strcmp0 (id, dd_job_get_profile_id (job)) != 0)
            return NULL;
          id = dd_job_get_profile_id (job);
        }
    }
  return id;
}

/* Whether an image of the queue went to several robots. */
static gboolean
any_to_several (DdWindow *self)
{
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = g_list_model_get_n_items (queue);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (queue, i);

      if (dd_queue_item_get_jobs (item)->len > 1)
        return TRUE;
    }
  return FALSE;
}

static void
update_finished (DdWindow            *self,
                 const DdQueueCounts *counts)
{
  const char *id = finished_robot (self);
  g_autofree char *label = NULL;
  const char *detail;

  if (counts->sent > 0)
    {
      if (id != NULL)
        label = g_strdup_printf (ngettext ("%u image sent to %s", "%u images sent to %s", counts->sent),
                                 counts->sent, robot_name (self, id));
      else if (any_to_several (self))
        /* an image to each of several groups: a message each */
        label = g_strdup_printf (ngettext ("%u message sent", "%u messages sent", counts->sent), counts->sent);
      else
        label = g_strdup_printf (ngettext ("%u image sent", "%u images sent", counts->sent), counts->sent);
    }
  else
    label = g_strdup_printf (ngettext ("%u image could not be sent", "%u images could not be sent",
                                       counts->failed), counts->failed);

  if (counts->failed > 0 && counts->sent > 0)
    {
      g_autofree char *failed = g_strdup_printf (ngettext ("%u could not be sent", "%u could not be sent",
                                                           counts->failed), counts->failed);
      g_autofree char *both = g_strdup_printf ("%s · %s", label, failed);

      g_free (label);
      label = g_steal_pointer (&both);
    }

  if (counts->failed > 0 && any_to_several (self))
    detail = _("Retry All sends them again to the groups they failed with; Send More keeps them in the list, to send later.");
  else if (counts->failed > 0)
    detail = _("Retry All sends them again with the robot chosen above; Send More keeps them in the list, to send later.");
  else
    detail = _("Drop or paste more images, or press Send More to clear the list.");

  gtk_label_set_text (self->finished_label, label);
  gtk_label_set_text (self->finished_detail, detail);
  gtk_image_set_from_icon_name (self->finished_icon,
                                counts->failed > 0 ? "dialog-warning-symbolic" : "object-select-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->finished_icon), counts->failed > 0 ? "success" : "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->finished_icon), counts->failed > 0 ? "warning" : "success");
}

void
dd_window_progress_update (DdWindow            *self,
                           const DdQueueCounts *counts)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  gboolean sending = counts->in_flight > 0 || self->n_adding > 0 || self->n_stopping > 0;
  gboolean finished = !sending && counts->staged == 0 && counts->sent + counts->failed > 0;
  g_autofree char *title = g_strdup_printf (ngettext ("%u Image", "%u Images", n), n);

  gtk_label_set_text (self->queue_title, title);
  gtk_widget_set_visible (self->retry_all_button, counts->failed > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-all", counts->failed > 0 && self->outbox != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-all", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", counts->in_flight > 0 && self->n_stopping == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-more", finished);

  gtk_widget_set_visible (self->progress_box, sending);
  gtk_widget_set_visible (self->finished_box, finished);
  gtk_widget_set_visible (self->compose_box, !finished && (counts->staged > 0 || !sending));

  if (sending && self->outbox != NULL)
    update_progress (self, counts);
  if (finished)
    update_finished (self, counts);

  update_banner (self);
  update_rows (self);
}

/* ---- actions ------------------------------------------------------------- */

typedef void (*ItemFunc) (DdWindow    *self,
                          DdQueueItem *item,
                          DdJob       *job);

/* Calls @func on each item the queue holds now, with its job (or NULL),
 * walking a snapshot so that @func may take items out of the queue. */
static void
for_each_item (DdWindow *self,
               ItemFunc  func)
{
  g_autoptr(GPtrArray) items = snapshot_items (self);

  for (guint i = 0; i < items->len; i++)
    {
      DdQueueItem *item = g_ptr_array_index (items, i);

      func (self, item, dd_queue_item_get_job (item));
    }
}

static void
stop_item (DdWindow    *self,
           DdQueueItem *item,
           DdJob       *first)
{
  g_autoptr(GPtrArray) jobs = dd_queue_item_dup_jobs (item);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      /* a message on its way arrives; it cannot be called back */
      if (job_in_flight (job) && dd_job_get_state (job) != DD_JOB_SENDING)
        dd_window_take_back (self, item, job);
    }
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DdWindow *self = DD_WINDOW (widget);

  for_each_item (self, stop_item);
  dd_window_update_state (self);
}

static void
send_more_item (DdWindow    *self,
                DdQueueItem *item,
                DdJob       *first)
{
  g_autoptr(GPtrArray) jobs = dd_queue_item_dup_jobs (item);
  guint n_sent = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (dd_job_get_state (job) == DD_JOB_SENT)
        n_sent++;
      else if (dd_job_get_state (job) == DD_JOB_FAILED)
        dd_window_take_back (self, item, job);   /* kept, to send later */
    }
  if (jobs->len > 0 && n_sent == jobs->len)
    dd_window_drop_item (self, item);   /* in the history now */
}

static void
send_more_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DdWindow *self = DD_WINDOW (widget);

  for_each_item (self, send_more_item);
  dd_window_update_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->caption_view));
}

static void
remove_item (DdWindow    *self,
             DdQueueItem *item,
             DdJob       *job)
{
  /* what is on its way right now stays: Stop first */
  dd_window_remove_item (self, item);
}

static void
remove_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  for_each_item (DD_WINDOW (widget), remove_item);
}

/* one toast for all the robots: dd-window-report.c */
static void
retry_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  dd_window_report_retry_all (DD_WINDOW (widget));
}

static void
retried_now_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dd_outbox_retry_finish (DD_OUTBOX (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Not tried at once: %s", error->message);
}

static void
retry_now_item (DdWindow    *self,
                DdQueueItem *item,
                DdJob       *first)
{
  GPtrArray *jobs = dd_queue_item_get_jobs (item);

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (dd_job_get_state (job) == DD_JOB_WAITING && dd_job_get_attempts (job) > 0)
        dd_outbox_retry_async (self->outbox, job, NULL, self->cancellable, retried_now_cb,
                               g_object_ref (self));
    }
}

/* The banner's "Try Now": the images waiting to be tried again go now. */
static void
retry_now_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  for_each_item (DD_WINDOW (widget), retry_now_item);
}

/* The application's Robots window, shown (NULL without an application). */
static DdRobotsWindow *
show_robots (DdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app == NULL)
    return NULL;
  g_action_group_activate_action (G_ACTION_GROUP (app), "robots", NULL);
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (DD_IS_ROBOTS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* The failure toast's "Edit Robot": the Robots window, on that robot. */
static void
edit_robot_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DdWindow *self = DD_WINDOW (widget);
  DdProfile *profile = dd_profile_store_lookup (self->profiles, g_variant_get_string (parameter, NULL));
  DdRobotsWindow *robots = show_robots (self);

  if (robots != NULL && profile != NULL)
    dd_robots_window_edit (robots, profile, FALSE);
}

/* The first start's "Add Robot…": straight to a new robot's editor, not
 * to an empty list of robots first. */
static void
add_robot_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DdRobotsWindow *robots = show_robots (DD_WINDOW (widget));

  if (robots != NULL && dd_robots_window_get_editor (robots) == NULL)
    dd_robots_window_add_robot (robots);
}

static void
failure_toast_dismissed_cb (AdwToast *toast,
                            DdWindow *self)
{
  if (self->failure_toast == toast)
    {
      self->failure_toast = NULL;
      self->n_failures = 0;
    }
}

/* One toast for the failures of a moment, with the way to the robot. */
void
dd_window_progress_job_failed (DdWindow *self,
                               DdJob    *job)
{
  g_autoptr(GPtrArray) items = snapshot_items (self);
  g_autofree char *title = NULL;
  DdQueueItem *ours = NULL;

  for (guint i = 0; i < items->len && ours == NULL; i++)
    if (g_ptr_array_find (dd_queue_item_get_jobs (g_ptr_array_index (items, i)), job, NULL))
      ours = g_ptr_array_index (items, i);
  if (ours == NULL)
    return;

  self->n_failures++;
  if (self->n_failures == 1 && dd_queue_item_get_jobs (ours)->len > 1)
    /* Translators: an image sent to several groups failed for one robot */
    title = g_strdup_printf (_("“%s” was not sent to %s"), dd_job_get_display_name (job),
                             robot_name (self, dd_job_get_profile_id (job)));
  else if (self->n_failures == 1)
    title = g_strdup_printf (_("“%s” was not sent"), dd_job_get_display_name (job));
  else
    title = g_strdup_printf (ngettext ("%u image was not sent", "%u images were not sent",
                                       self->n_failures), self->n_failures);

  if (self->failure_toast != NULL)
    {
      adw_toast_set_title (self->failure_toast, title);
      g_free (self->last_toast);
      self->last_toast = g_strdup (title);
      return;
    }

  self->failure_toast = adw_toast_new (title);
  adw_toast_set_timeout (self->failure_toast, 8);
  adw_toast_set_button_label (self->failure_toast, _("Edit Robot"));
  adw_toast_set_action_name (self->failure_toast, "win.edit-robot");
  adw_toast_set_action_target_value (self->failure_toast,
                                     g_variant_new_string (dd_job_get_profile_id (job)));
  g_signal_connect_object (self->failure_toast, "dismissed", G_CALLBACK (failure_toast_dismissed_cb), self, 0);
  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
  adw_toast_overlay_add_toast (self->toast_overlay, self->failure_toast);
}

void
dd_window_progress_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.send-more", NULL, send_more_action);
  gtk_widget_class_install_action (widget_class, "win.remove-all", NULL, remove_all_action);
  gtk_widget_class_install_action (widget_class, "win.retry-all", NULL, retry_all_action);
  gtk_widget_class_install_action (widget_class, "win.retry-now", NULL, retry_now_action);
  gtk_widget_class_install_action (widget_class, "win.edit-robot", "s", edit_robot_action);
  gtk_widget_class_install_action (widget_class, "win.add-robot", NULL, add_robot_action);
}
