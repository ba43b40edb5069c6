/* dd-window-outbox.c: the window hands its images to the outbox and shows
 * how they get on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-application.h"
#include "dd-history-window.h"
#include "dd-outbox.h"
#include "dd-window-private.h"

typedef struct {
  DdWindow  *window;
  GPtrArray *items;    /* the DdQueueItems of the batch, in order */
  char      *profile_name;
  char      *caption;  /* as it was sent, to clear once the batch is in */
  DdSendReport *report;  /* the send it is part of: the window's */
} AddOp;

static void
add_op_free (AddOp *op)
{
  g_clear_object (&op->window);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_clear_pointer (&op->profile_name, g_free);
  g_free (op->caption);
  g_free (op);
}

static char **
split_mobiles (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",，;； \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

static void
add_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  AddOp *op = user_data;
  DdWindow *self = op->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = dd_outbox_add_finish (DD_OUTBOX (object), result, &error);

  self->n_adding--;

  if (jobs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dd_window_toast (self, error->message);
      dd_window_report_add_done (self, op->report, NULL);
      dd_window_update_state (self);
      add_op_free (op);
      return;
    }

  /* the caption belongs to this batch now: gone from the field, unless
   * the user typed another meanwhile (a failed add keeps it) */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->caption_view);
    g_autofree char *text = NULL;
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    if (g_strcmp0 (g_strstrip (text), op->caption) == 0)
      gtk_text_buffer_set_text (buffer, "", 0);
  }

  /* one job per item given, in the same order: bound by identity; the
   * other robots' jobs of the same items come by their own adds */
  g_assert (jobs->len == op->items->len);
  for (guint i = 0; i < jobs->len; i++)
    dd_queue_item_add_job (g_ptr_array_index (op->items, i), g_ptr_array_index (jobs, i));
  dd_window_report_add_done (self, op->report,
                             jobs->len > 0 ? dd_job_get_batch_id (g_ptr_array_index (jobs, 0)) : NULL);

  dd_outbox_start (DD_OUTBOX (object));
  dd_window_update_state (self);
  add_op_free (op);
}

/* Hands @items (their images as @sources) to the outbox for @profile,
 * a part of the send @report. */
static void
add_items (DdWindow            *self,
           DdSendReport        *report,
           DdProfile           *profile,
           GPtrArray           *items,
           GPtrArray           *sources,
           const DdSendOptions *options,
           const char          *caption)
{
  AddOp *op = g_new0 (AddOp, 1);

  op->window = g_object_ref (self);
  op->items = g_ptr_array_ref (items);
  op->profile_name = g_strdup (dd_profile_get_name (profile));
  op->caption = g_strdup (caption);
  op->report = report;
  dd_window_report_add (self, report, op->profile_name);
  self->n_adding++;
  dd_outbox_add_async (self->outbox, profile, sources, options, self->cancellable, add_cb, op);
}

static DdOutboxSource *
item_source (DdQueueItem *item)
{
  if (dd_queue_item_get_file (item) != NULL)
    return dd_outbox_source_new_for_file (dd_queue_item_get_file (item),
                                          dd_queue_item_get_display_name (item));
  return dd_outbox_source_new_for_bytes (dd_queue_item_get_bytes (item),
                                         dd_queue_item_get_display_name (item));
}

/* The staged images to each robot chosen: each robot its own jobs, paced
 * on their own, the same caption and options. */
void
dd_window_send (DdWindow *self)
{
  g_autoptr(GPtrArray) profiles = dd_window_get_profiles (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->caption_view);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_chosen = profiles->len;
  g_auto(GStrv) mobiles = NULL;
  g_autofree char *caption = NULL;
  GtkTextIter start, end;
  DdSendOptions options = { 0 };
  DdSendReport *report;
  guint n;

  if (profiles->len == 0 || self->outbox == NULL || self->n_adding > 0)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);

      if (dd_queue_item_get_job (item) != NULL || dd_queue_item_is_loading (item))
        continue;
      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  if (items->len == 0)
    return;

  /* an image taken back from some robots goes to those, not to the
   * ones chosen: they have it already */
  for (guint i = 0; i < items->len; i++)
    {
      const char * const *own = dd_queue_item_get_robots (g_ptr_array_index (items, i));

      for (guint j = 0; own != NULL && own[j] != NULL; j++)
        {
          DdProfile *profile = dd_profile_store_lookup (self->profiles, own[j]);

          if (profile != NULL && !g_ptr_array_find (profiles, profile, NULL))
            g_ptr_array_add (profiles, profile);
        }
    }
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  caption = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  mobiles = split_mobiles (gtk_editable_get_text (GTK_EDITABLE (self->mobiles_entry)));

  options.caption = *caption ? caption : NULL;
  options.title = *gtk_editable_get_text (GTK_EDITABLE (self->title_entry)) ?
                  gtk_editable_get_text (GTK_EDITABLE (self->title_entry)) : NULL;
  options.at_mobiles = mobiles[0] ? (const char * const *) mobiles : NULL;
  options.at_all = gtk_check_button_get_active (self->at_all_check);
  options.album = gtk_check_button_get_active (self->album_check);

  /* one send, however many robots: one toast at its end */
  report = dd_window_report_begin (self);
  for (guint i = 0; i < profiles->len; i++)
    {
      DdProfile *profile = g_ptr_array_index (profiles, i);
      g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);

      for (guint j = 0; j < items->len; j++)
        {
          DdQueueItem *item = g_ptr_array_index (items, j);
          const char * const *own = dd_queue_item_get_robots (item);

          if (own != NULL ? g_strv_contains (own, dd_profile_get_id (profile)) : i < n_chosen)
            {
              g_ptr_array_add (mine, g_object_ref (item));
              g_ptr_array_add (sources, item_source (item));
            }
        }
      if (mine->len > 0)
        add_items (self, report, profile, mine, sources, &options, caption);
    }
  dd_window_report_add_done (self, report, NULL);
  for (guint j = 0; j < items->len; j++)
    dd_queue_item_set_robots (g_ptr_array_index (items, j), NULL);
  dd_window_update_state (self);
}

static void
retried_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dd_outbox_retry_finish (DD_OUTBOX (source), result, &error))
    dd_window_toast (self, error->message);
  else
    dd_outbox_start (DD_OUTBOX (source));
}

/* Tries @item's failed image again.  With one robot, with the robot
 * chosen in the window now: the one the window shows is the one it goes
 * to (the outbox prepares it anew, with a new msgUuid, for another
 * robot).  An image sent to several robots is tried again for those it
 * failed with, each with its own robot; those it arrived at get nothing. */
void
dd_window_retry (DdWindow    *self,
                 DdQueueItem *item)
{
  GPtrArray *jobs = dd_queue_item_get_jobs (item);
  DdJob *job = dd_queue_item_get_job (item);
  DdProfile *profile = dd_window_get_profile (self);

  if (job == NULL || self->outbox == NULL)
    return;

  if (jobs->len > 1)
    {
      for (guint i = 0; i < jobs->len; i++)
        {
          DdJob *one = g_ptr_array_index (jobs, i);

          if (dd_job_get_state (one) == DD_JOB_FAILED)
            dd_outbox_retry_async (self->outbox, one, NULL, self->cancellable, retried_cb,
                                   g_object_ref (self));
        }
      return;
    }

  if (profile != NULL && g_strcmp0 (dd_profile_get_id (profile), dd_job_get_profile_id (job)) == 0)
    profile = NULL;

  dd_outbox_retry_async (self->outbox, job, profile, self->cancellable, retried_cb, g_object_ref (self));
}

typedef struct {
  DdWindow    *window;
  DdQueueItem *item;
  DdJob       *job;
} ForgetOp;

static ForgetOp *
forget_op_new (DdWindow    *self,
               DdQueueItem *item,
               DdJob       *job)
{
  ForgetOp *op = g_new0 (ForgetOp, 1);

  op->window = g_object_ref (self);
  op->item = g_object_ref (item);
  op->job = g_object_ref (job);
  return op;
}

static void
forget_op_free (ForgetOp *op)
{
  g_clear_object (&op->window);
  g_clear_object (&op->item);
  g_clear_object (&op->job);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ForgetOp, forget_op_free)

/* Whether each of the item's jobs is sent. */
static gboolean
all_sent (DdQueueItem *item)
{
  GPtrArray *jobs = dd_queue_item_get_jobs (item);

  for (guint i = 0; i < jobs->len; i++)
    if (dd_job_get_state (g_ptr_array_index (jobs, i)) != DD_JOB_SENT)
      return FALSE;
  return TRUE;
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ForgetOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!dd_outbox_remove_finish (DD_OUTBOX (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dd_window_toast (op->window, error->message);
      return;
    }
  dd_queue_item_remove_job (op->item, op->job);
  dd_window_report_settle (op->window);
  /* the row goes with its last job not sent (sent ones are history) */
  if (all_sent (op->item))
    dd_window_drop_item (op->window, op->item);
}

/* Removes the item's jobs from the outbox (for each robot), then the
 * item from the queue; a job that another DingDrop is sending stays,
 * with a toast. */
void
dd_window_forget_job (DdWindow    *self,
                      DdQueueItem *item)
{
  g_autoptr(GPtrArray) jobs = dd_queue_item_dup_jobs (item);
  gboolean asked = FALSE;

  for (guint i = 0; i < jobs->len && self->outbox != NULL; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (dd_job_get_state (job) == DD_JOB_SENT)
        continue;
      dd_outbox_remove_async (self->outbox, job, self->cancellable, forgotten_cb,
                              forget_op_new (self, item, job));
      asked = TRUE;
    }
  if (!asked)
    dd_window_drop_item (self, item);
}

/* The item once its jobs asked for were taken back (@taken: their
 * robots): with none left, in the list, ready to send; with other
 * robots' jobs left, a copy of it for the robots taken back waits in the
 * list, ready to send, next to it. */
static void
after_take_back (DdWindow    *self,
                 DdQueueItem *item,
                 GPtrArray   *taken)
{
  if (!dd_queue_item_can_send_again (item))
    {
      if (dd_queue_item_get_job (item) == NULL)
        dd_window_drop_item (self, item);
      return;
    }
  if (dd_queue_item_get_job (item) != NULL && taken->len > 0)
    {
      g_autoptr(DdQueueItem) copy = NULL;
      guint position;

      if (dd_queue_item_get_file (item) != NULL)
        copy = dd_queue_item_new_for_file (dd_queue_item_get_file (item));
      else
        copy = dd_queue_item_new_for_bytes (dd_queue_item_get_bytes (item),
                                            dd_queue_item_get_display_name (item));
      g_ptr_array_add (taken, NULL);
      dd_queue_item_set_robots (copy, (const char * const *) taken->pdata);
      if (g_list_store_find (self->queue, item, &position))
        g_list_store_insert (self->queue, position + 1, copy);
      else
        g_list_store_append (self->queue, copy);
    }
}

/* (transfer none) the robots whose jobs of the item were taken back, so far */
static GPtrArray *
taken_robots (DdQueueItem *item)
{
  GPtrArray *taken = g_object_get_data (G_OBJECT (item), "dd-taken-robots");

  if (taken == NULL)
    {
      taken = g_ptr_array_new_with_free_func (g_free);
      g_object_set_data_full (G_OBJECT (item), "dd-taken-robots", taken, (GDestroyNotify) g_ptr_array_unref);
    }
  return taken;
}

/* How many of the item's jobs are being taken back, after adding @delta. */
static guint
taking_back (DdQueueItem *item,
             int          delta)
{
  int n = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "dd-taking-back")) + delta;

  g_assert (n >= 0);
  g_object_set_data (G_OBJECT (item), "dd-taking-back", GINT_TO_POINTER (n));
  return n;
}

static void
taken_back_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ForgetOp) op = user_data;
  DdWindow *self = op->window;
  g_autoptr(GError) error = NULL;

  self->n_stopping--;
  if (!dd_outbox_remove_finish (DD_OUTBOX (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dd_window_toast (self, error->message);
    }
  else
    {
      dd_queue_item_remove_job (op->item, op->job);
      g_ptr_array_add (taken_robots (op->item), g_strdup (dd_job_get_profile_id (op->job)));
      dd_window_report_settle (self);
    }
  /* once each robot's job asked for is back: what the item is now */
  if (taking_back (op->item, -1) == 0)
    {
      g_autoptr(GPtrArray) taken = g_object_steal_data (G_OBJECT (op->item), "dd-taken-robots");

      if (taken == NULL)
        taken = g_ptr_array_new_with_free_func (g_free);
      after_take_back (self, op->item, taken);
    }
  dd_window_update_state (self);
}

/* Stop (or Send More, for a failed one) for one robot's message of an
 * image: its job leaves the outbox (what was on its way is cancelled),
 * the image stays in the list to be sent again — unless the outbox's
 * copy was all there was of it. */
void
dd_window_take_back (DdWindow    *self,
                     DdQueueItem *item,
                     DdJob       *job)
{
  if (job == NULL || self->outbox == NULL || dd_job_get_state (job) == DD_JOB_SENT)
    return;

  self->n_stopping++;
  taking_back (item, +1);
  dd_outbox_remove_async (self->outbox, job, self->cancellable, taken_back_cb,
                          forget_op_new (self, item, job));
}

gboolean
dd_window_has_unsent_jobs (DdWindow *self)
{
  GListModel *jobs;
  guint n;

  if (self->outbox == NULL)
    return FALSE;
  /* a batch still being copied into the outbox is on its way too */
  if (self->n_adding > 0)
    return TRUE;

  jobs = G_LIST_MODEL (self->outbox);
  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (jobs, i);

      if (dd_job_get_state (job) != DD_JOB_FAILED && dd_job_get_state (job) != DD_JOB_SENT)
        return TRUE;
    }

  return FALSE;
}

static void
job_failed_cb (DdOutbox *outbox,
               DdJob    *job,
               DdWindow *self)
{
  dd_window_progress_job_failed (self, job);
}

static void
job_added_cb (GListModel *jobs,
              guint       position,
              guint       removed,
              guint       added,
              DdWindow   *self)
{
  dd_window_update_state (self);
}

void
dd_window_outbox_init (DdWindow *self)
{
  GListModel *jobs;
  guint n;

  dd_window_report_init (self);
  if (self->outbox == NULL)
    return;

  /* what is left from last time is shown, and resumed by the application */
  jobs = G_LIST_MODEL (self->outbox);
  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (jobs, i);
      g_autoptr(DdQueueItem) item = dd_queue_item_new_for_job (job);

      g_list_store_append (self->queue, item);
    }

  g_signal_connect_object (self->outbox, "items-changed", G_CALLBACK (job_added_cb), self, 0);
  g_signal_connect_object (self->outbox, "job-failed", G_CALLBACK (job_failed_cb), self, 0);
  g_signal_connect_object (self->outbox, "robot-changed", G_CALLBACK (dd_window_update_state),
                           self, G_CONNECT_SWAPPED);
}

static void
send_again_cb (DdHistoryWindow *history,
               DdJob           *job,
               DdWindow        *self)
{
  g_autoptr(GFile) file = g_file_new_for_path (dd_job_get_data_path (job));
  g_autoptr(DdQueueItem) item = g_object_new (DD_TYPE_QUEUE_ITEM,
                                              "file", file,
                                              "display-name", dd_job_get_display_name (job),
                                              NULL);

  dd_window_append_item (self, item);
}

void
dd_window_show_history (DdWindow *self)
{
  DdHistoryWindow *history;

  if (self->outbox == NULL)
    return;

  history = dd_history_window_new (self->outbox, self->profiles);
  gtk_window_set_transient_for (GTK_WINDOW (history), GTK_WINDOW (self));
  g_signal_connect_object (history, "send-again", G_CALLBACK (send_again_cb), self, 0);
  gtk_window_present (GTK_WINDOW (history));
}

void
dd_window_outbox_dispose (DdWindow *self)
{
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
}

/* After the dialog's "response": the dialog, transient for the window,
 * goes away with it, and must have finished its own response first. */
static gboolean
destroy_idle_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   DdWindow         *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (g_str_equal (response, "background"))
    {
      /* the application owns the outbox: it stays up while that sends,
       * and closes the window once everything arrived */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      if (DD_IS_APPLICATION (app))
        dd_application_send_in_background (DD_APPLICATION (app), GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "quit"))
    {
      /* the jobs stay in the outbox, for the next start */
      dd_outbox_stop (self->outbox);
      self->closing = TRUE;  /* no second question */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      g_idle_add_full (G_PRIORITY_DEFAULT, destroy_idle_cb, g_object_ref (self), g_object_unref);
    }
}

/* The images not arrived yet, each once however many robots it goes to
 * (the window's rows; another process's jobs one by one), and the
 * robots they go to. */
static void
count_unsent (DdWindow *self,
              guint    *n_images,
              guint    *n_robots)
{
  g_autoptr(GHashTable) robots = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) mine = g_hash_table_new (NULL, NULL);
  GListModel *outbox = G_LIST_MODEL (self->outbox);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  *n_images = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      GPtrArray *jobs = dd_queue_item_get_jobs (item);
      gboolean unsent = FALSE;

      for (guint j = 0; j < jobs->len; j++)
        {
          DdJob *job = g_ptr_array_index (jobs, j);

          g_hash_table_add (mine, job);
          if (!dd_job_is_finished (job))
            {
              unsent = TRUE;
              g_hash_table_add (robots, (gpointer) dd_job_get_profile_id (job));
            }
        }
      if (unsent)
        (*n_images)++;
    }
  n = g_list_model_get_n_items (outbox);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (outbox, i);

      if (!g_hash_table_contains (mine, job) && !dd_job_is_finished (job))
        {
          (*n_images)++;
          g_hash_table_add (robots, (gpointer) dd_job_get_profile_id (job));
        }
    }
  *n_robots = g_hash_table_size (robots);
  /* only a batch still being copied into the outbox */
  *n_images = MAX (*n_images, 1);
}

void
dd_window_confirm_close (DdWindow *self)
{
  AdwMessageDialog *dialog;
  guint n, n_robots;

  count_unsent (self, &n, &n_robots);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Images Are Still Being Sent"), NULL));
  if (n_robots > 1)
    {
      /* Translators: the %s of "2 images have not arrived yet in %s" */
      g_autofree char *groups = g_strdup_printf (ngettext ("%u group", "%u groups", n_robots), n_robots);

      adw_message_dialog_format_body (dialog,
                                      /* Translators: %s is "2 groups" */
                                      ngettext ("%u image has not arrived yet in %s. DingDrop can keep sending in the background, or send it the next time it starts.",
                                                "%u images have not arrived yet in %s. DingDrop can keep sending in the background, or send them the next time it starts.",
                                                n), n, groups);
    }
  else
    adw_message_dialog_format_body (dialog,
                                    ngettext ("%u image has not arrived yet. DingDrop can keep sending in the background, or send it the next time it starts.",
                                              "%u images have not arrived yet. DingDrop can keep sending in the background, or send them the next time it starts.",
                                              n), n);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit, Send Later"),
                                    "background", _("_Keep Sending"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "background", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "background");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
