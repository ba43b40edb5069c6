/* dd-window.c: the main window: a robot, a queue of images, Send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dd-queue-row.h"
#include "dd-window-private.h"

G_DEFINE_FINAL_TYPE (DdWindow, dd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROFILES,
  PROP_OUTBOX,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
dd_window_toast (DdWindow   *self,
                 const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
dd_window_count (DdWindow      *self,
                 DdQueueCounts *counts)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      GPtrArray *jobs = dd_queue_item_get_jobs (item);

      if (jobs->len == 0)
        {
          counts->staged++;
          counts->loading += dd_queue_item_is_loading (item);
        }
      /* a message per robot */
      for (guint j = 0; j < jobs->len; j++)
        {
          DdJob *job = g_ptr_array_index (jobs, j);

          if (dd_job_get_state (job) == DD_JOB_SENT)
            counts->sent++;
          else if (dd_job_get_state (job) == DD_JOB_FAILED)
            counts->failed++;
          else
            counts->in_flight++;
        }
    }
}

static gboolean
pacing_tick_cb (gpointer user_data)
{
  DdWindow *self = user_data;

  self->pacing_tick_id = 0;
  dd_window_update_state (self);
  return G_SOURCE_REMOVE;
}

/* What shows a time left (the estimate, a pause, a retry) is shown
 * again in a second. */
void
dd_window_schedule_tick (DdWindow *self)
{
  if (self->pacing_tick_id == 0)
    self->pacing_tick_id = g_timeout_add_seconds (1, pacing_tick_cb, self);
}

/* How long DingTalk's 20 a minute make the robot's waiting images (and
 * @n_more about to be sent) take; a pause is the banner's.  NULL:
 * nothing holds them up. */
static char *
describe_pacing (DdWindow  *self,
                 GPtrArray *profiles,
                 guint      n_more)
{
  g_autofree char *about = NULL;
  gint64 wait = 0;

  if (self->outbox == NULL)
    return NULL;
  /* each robot is paced on its own: the slowest one says how long */
  for (guint i = 0; i < profiles->len; i++)
    {
      const char *id = dd_profile_get_id (g_ptr_array_index (profiles, i));

      if (dd_outbox_get_robot_paused_until (self->outbox, id) > dd_outbox_now (self->outbox))
        return NULL;
      wait = MAX (wait, dd_outbox_estimate (self->outbox, id, n_more));
    }
  if (wait <= 0)
    return NULL;

  about = dd_outbox_describe_wait (wait);
  dd_window_schedule_tick (self);   /* the estimate shrinks as time goes */
  return g_strdup_printf (_("DingTalk allows 20 messages a minute: %s"), about);
}

void
dd_window_update_state (DdWindow *self)
{
  guint n_robots = self->profiles ? g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) : 0;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  DdQueueCounts counts;
  guint staged;
  DdProfile *profile = dd_window_get_profile (self);
  g_autoptr(GPtrArray) profiles = dd_window_get_profiles (self);
  DdProfile *no_app_key = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->caption_view);

  for (guint i = 0; i < profiles->len && no_app_key == NULL; i++)
    {
      DdProfile *chosen = g_ptr_array_index (profiles, i);

      if (dd_profile_get_app_key (chosen) == NULL || *dd_profile_get_app_key (chosen) == '\0')
        no_app_key = chosen;
    }
  dd_window_count (self, &counts);
  staged = counts.staged;
  gtk_stack_set_visible_child_name (self->robot_stack, n_robots > 0 ? "chooser" : "add");

  if (n_items > 0)
    gtk_stack_set_visible_child_name (self->main_stack, "queue");
  else if (n_robots == 0)
    gtk_stack_set_visible_child_name (self->main_stack, "no-robot");
  else
    gtk_stack_set_visible_child_name (self->main_stack, "empty");

  gtk_widget_set_visible (self->send_bar, n_items > 0);
  gtk_widget_set_visible (self->caption_placeholder,
                          gtk_text_buffer_get_char_count (buffer) == 0);

  if (staged == 0)
    gtk_label_set_text (self->summary_label, "");
  else if (profile == NULL)
    gtk_label_set_text (self->summary_label, _("Add a robot to send"));
  else if (no_app_key != NULL && profiles->len == 1)
    gtk_label_set_text (self->summary_label, _("This robot has no AppKey to upload images"));
  else if (no_app_key != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” has no AppKey to upload images"),
                                               dd_profile_get_name (no_app_key));

      gtk_label_set_text (self->summary_label, text);
    }
  else
    {
      /* the robots the staged images go to: a copy "To Team B" goes there */
      g_autoptr(GPtrArray) targets = g_ptr_array_new ();
      g_autofree char *text = dd_window_describe_staged (self, profiles, targets);
      g_autofree char *pacing =
        describe_pacing (self, targets, gtk_check_button_get_active (self->album_check) ? 1 : staged);

      if (pacing != NULL)
        {
          g_autofree char *both = g_strdup_printf ("%s\n%s", text, pacing);

          gtk_label_set_text (self->summary_label, both);
        }
      else
        gtk_label_set_text (self->summary_label, text);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send",
                                 staged > 0 && counts.loading == 0 && profile != NULL &&
                                 self->outbox != NULL && self->n_adding == 0);
  dd_window_progress_update (self, &counts);
  dd_window_list_update (self, &counts);
}

static void
row_remove_cb (DdQueueRow *row,
               DdWindow   *self)
{
  dd_window_remove_item (self, dd_queue_row_get_item (row));
}

static void
row_retry_cb (DdQueueRow *row,
              DdWindow   *self)
{
  dd_window_retry (self, dd_queue_row_get_item (row));
}

static void
row_edit_cb (DdQueueRow *row,
             DdWindow   *self)
{
  dd_window_edit_item (self, dd_queue_row_get_item (row));
}

GtkWidget *
dd_window_create_row (DdWindow    *self,
                      DdQueueItem *item)
{
  GtkWidget *row = dd_queue_row_new (item, self->profiles);

  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove_cb), self, 0);
  g_signal_connect_object (row, "retry", G_CALLBACK (row_retry_cb), self, 0);
  g_signal_connect_object (row, "edit", G_CALLBACK (row_edit_cb), self, 0);
  return row;
}

static gboolean
scroll_timeout_cb (gpointer user_data)
{
  DdWindow *self = user_data;

  self->scroll_timeout_id = 0;
  self->scroll_to_end = FALSE;
  return G_SOURCE_REMOVE;
}

/* Each frame while rows are being added: the end of the list in view. */
static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  DdWindow *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->queue_scroller);

  if (!self->scroll_to_end)
    {
      self->scroll_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  return G_SOURCE_CONTINUE;
}

/* The list grew: it is followed to its end until it has stopped growing
 * for a second (then the user scrolls as they like). */
static void
queue_grew_cb (GtkAdjustment *adjustment,
               GParamSpec    *pspec,
               DdWindow      *self)
{
  if (!self->scroll_to_end)
    return;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  self->scroll_timeout_id = g_timeout_add (2000, scroll_timeout_cb, self);
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->queue_scroller),
                                                         scroll_tick_cb, self, NULL);
}

void
dd_window_append_item (DdWindow    *self,
                       DdQueueItem *item)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  /* something new: the rows sent before have shown their ✓ long enough */
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(DdQueueItem) old = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      GPtrArray *jobs = dd_queue_item_get_jobs (old);
      gboolean sent = jobs->len > 0;

      for (guint j = 0; j < jobs->len; j++)
        sent &= dd_job_get_state (g_ptr_array_index (jobs, j)) == DD_JOB_SENT;
      if (sent)
        g_list_store_remove (self->queue, i);
    }

  g_list_store_append (self->queue, item);
  /* the end-to-end test waits for this line before it presses Send */
  g_debug ("Queued “%s”", dd_queue_item_get_display_name (item));

  /* new rows come into view, once the list has grown (laying out 150
   * rows on a busy machine can take many seconds; following stops 2 s
   * after the list last grew) */
  self->scroll_to_end = TRUE;
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  self->scroll_timeout_id = g_timeout_add (60000, scroll_timeout_cb, self);
}

void
dd_window_remove_item (DdWindow    *self,
                       DdQueueItem *item)
{
  if (!dd_queue_item_is_removable (item))
    return;
  dd_window_forget_job (self, item);
}

/* @name, or "@name (2)" if a row has it already: two pastes in the same
 * minute are two names. */
char *
dd_window_unique_name (DdWindow   *self,
                       const char *name)
{
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = g_list_model_get_n_items (queue);
  char *candidate = g_strdup (name);

  for (guint k = 2, i = 0; i < n;)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (queue, i);

      if (g_strcmp0 (dd_queue_item_get_display_name (item), candidate) == 0)
        {
          g_free (candidate);
          /* Translators: a name given twice, "Pasted image 14:03 (2)" */
          candidate = g_strdup_printf (_("%s (%u)"), name, k++);
          i = 0;
          continue;
        }
      i++;
    }
  return candidate;
}

/* Takes @item out of the queue, once its job (if any) is gone. */
void
dd_window_drop_item (DdWindow    *self,
                     DdQueueItem *item)
{
  guint position;

  if (g_list_store_find (self->queue, item, &position))
    g_list_store_remove (self->queue, position);
}

const char *
dd_window_get_last_toast (DdWindow *self)
{
  g_return_val_if_fail (DD_IS_WINDOW (self), NULL);
  return self->last_toast;
}

GListModel *
dd_window_get_queue (DdWindow *self)
{
  g_return_val_if_fail (DD_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->queue);
}

static void
queue_changed_cb (DdWindow *self)
{
  dd_window_update_state (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dd_window_choose_images (DD_WINDOW (widget));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  dd_window_paste (DD_WINDOW (widget));
}

/* Sending goes from the top of the list: that is where the rows sent
 * fold, what failed stays and what goes next waits, so it comes into
 * view, and the list no longer follows its end. */
static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DdWindow *self = DD_WINDOW (widget);

  dd_window_send (self);
  self->scroll_to_end = FALSE;
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->queue_scroller), 0);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  dd_window_show_history (DD_WINDOW (widget));
}

static void
save_window_state (DdWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", MAX (width, 360));
      g_settings_set_int (self->settings, "window-height", MAX (height, 294));
    }
  g_settings_apply (self->settings);
}

static gboolean
dd_window_close_request (GtkWindow *window)
{
  DdWindow *self = DD_WINDOW (window);

  save_window_state (self);

  if (!self->closing && dd_window_has_unsent_jobs (self))
    {
      /* dd-window-outbox.c asks, then closes or hides */
      dd_window_confirm_close (self);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (dd_window_parent_class)->close_request (window);
}

static void
dd_window_constructed (GObject *object)
{
  DdWindow *self = DD_WINDOW (object);

  G_OBJECT_CLASS (dd_window_parent_class)->constructed (object);

  if (self->profiles == NULL)
    self->profiles = dd_profile_store_new (NULL);

  dd_window_robots_init (self);

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_settings_bind (self->settings, "album", self->album_check, "active", G_SETTINGS_BIND_DEFAULT);
      if (!gtk_check_button_get_active (self->album_check))
        gtk_check_button_set_active (self->per_image_check, TRUE);
    }

  dd_window_outbox_init (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.history", self->outbox != NULL);
  dd_window_update_state (self);
}

static void
dd_window_dispose (GObject *object)
{
  DdWindow *self = DD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  dd_window_outbox_dispose (self);
  g_clear_handle_id (&self->pacing_tick_id, g_source_remove);
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->queue_scroller), self->scroll_tick_id);
  self->scroll_tick_id = 0;
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, dd_window_update_state, self);
  g_clear_object (&self->watched);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_WINDOW);

  G_OBJECT_CLASS (dd_window_parent_class)->dispose (object);
}

static void
dd_window_finalize (GObject *object)
{
  DdWindow *self = DD_WINDOW (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->outbox);
  g_clear_object (&self->settings);
  g_clear_object (&self->profiles);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->wanted_robots, g_strfreev);
  g_clear_pointer (&self->reports, g_ptr_array_unref);

  G_OBJECT_CLASS (dd_window_parent_class)->finalize (object);
}

static void
dd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DdWindow *self = DD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILES:
      g_value_set_object (value, self->profiles);
      break;
    case PROP_OUTBOX:
      g_value_set_object (value, self->outbox);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DdWindow *self = DD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILES:
      self->profiles = g_value_dup_object (value);
      break;
    case PROP_OUTBOX:
      self->outbox = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_window_class_init (DdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dd_window_constructed;
  object_class->dispose = dd_window_dispose;
  object_class->finalize = dd_window_finalize;
  object_class->get_property = dd_window_get_property;
  object_class->set_property = dd_window_set_property;
  window_class->close_request = dd_window_close_request;

  /**
   * DdWindow::send-finished:
   * @summary: (type gpointer): the DdSendSummary of what arrived where
   *
   * A send from the window has ended, to each robot it went to (or a
   * batch of its rows that no send of it started: Retry, last time's).
   */
  g_signal_new ("send-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  properties[PROP_PROFILES] =
    g_param_spec_object ("profiles", NULL, NULL, DD_TYPE_PROFILE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL when sending is not possible */
  properties[PROP_OUTBOX] =
    g_param_spec_object ("outbox", NULL, NULL, DD_TYPE_OUTBOX,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DD_TYPE_ROBOT_CHOOSER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, queue_title);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, retry_all_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, remove_all_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, queue_scroller);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, progress_detail);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, overall_progress);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, finished_box);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, finished_icon);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, finished_label);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, finished_detail);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, send_more_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, compose_box);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, drop_overlay);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, robot_stack);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, robot_chooser);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, queue_list);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, send_bar);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, caption_view);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, caption_placeholder);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, options_popover);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, mobiles_entry);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, at_all_check);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, per_image_check);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, album_check);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.history", NULL, history_action);
  dd_window_progress_init (widget_class);
  dd_window_list_class_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
dd_window_init (DdWindow *self)
{
  GtkEventController *shortcuts;
  GtkShortcut *send;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->queue = g_list_store_new (DD_TYPE_QUEUE_ITEM);
  dd_window_list_init (self);
  g_signal_connect_object (self->queue, "items-changed",
                           G_CALLBACK (queue_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->queue_scroller), "notify::upper",
                           G_CALLBACK (queue_grew_cb), self, 0);
  g_signal_connect_object (gtk_text_view_get_buffer (self->caption_view), "changed",
                           G_CALLBACK (dd_window_update_state), self, G_CONNECT_SWAPPED);

  /* Ctrl+Return sends even from the caption, which would take Return */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  send = gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                        gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                           gtk_named_action_new ("win.send"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), send);
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  dd_window_dnd_init (self);
  dd_window_edit_init (self);
}

DdWindow *
dd_window_new (DdApplication *application)
{
  g_return_val_if_fail (DD_IS_APPLICATION (application), NULL);

  return g_object_new (DD_TYPE_WINDOW,
                       "application", application,
                       "profiles", dd_application_get_profiles (application),
                       "outbox", dd_application_get_outbox (application),
                       "settings", dd_application_get_settings (application),
                       NULL);
}

DdWindow *
dd_window_new_for (DdProfileStore *profiles,
                   DdOutbox       *outbox)
{
  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);

  return g_object_new (DD_TYPE_WINDOW, "profiles", profiles, "outbox", outbox, NULL);
}
