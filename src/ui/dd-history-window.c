/* dd-history-window.c: the images sent lately, from the outbox's history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-history-window.h"
#include "dd-queue-item.h"

struct _DdHistoryWindow
{
  AdwWindow        parent_instance;

  DdOutbox        *outbox;
  DdProfileStore  *profiles;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkListBox      *list;
};

G_DEFINE_FINAL_TYPE (DdHistoryWindow, dd_history_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SEND_AGAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
describe (DdHistoryWindow *self,
          DdJob           *job)
{
  DdProfile *profile = dd_profile_store_lookup (self->profiles, dd_job_get_profile_id (job));
  g_autoptr(GDateTime) sent = g_date_time_new_from_unix_local (dd_job_get_sent_at (job) / G_USEC_PER_SEC);
  /* Translators: when an image was sent, see g_date_time_format() */
  g_autofree char *when = sent ? g_date_time_format (sent, _("%b %-d, %H:%M")) : g_strdup ("");

  /* Translators: "Team Group · Nov 28, 14:03" */
  return g_strdup_printf (_("%s · %s"),
                          profile ? dd_profile_get_name (profile) : _("Removed robot"),
                          when);
}

static void
copy_clicked_cb (GtkButton       *button,
                 DdHistoryWindow *self)
{
  DdJob *job = g_object_get_data (G_OBJECT (button), "dd-job");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), dd_job_get_media_id (job));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("media_id copied")));
}

static void
again_clicked_cb (GtkButton       *button,
                  DdHistoryWindow *self)
{
  DdJob *job = g_object_get_data (G_OBJECT (button), "dd-job");

  g_signal_emit (self, signals[SIGNAL_SEND_AGAIN], 0, job);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Added to the images to send")));
}

static GtkWidget *
icon_button (const char *icon,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DdHistoryWindow *self = user_data;
  DdJob *job = DD_JOB (item);
  g_autoptr(DdQueueItem) thumb = dd_queue_item_new_for_job (job);
  g_autofree char *subtitle = describe (self, job);
  const char *path = dd_job_get_data_path (job);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  GtkWidget *again, *copy;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dd_job_get_display_name (job));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* the thumbnail, if the outbox kept the image */
  gtk_image_set_pixel_size (GTK_IMAGE (image), 40);
  gtk_widget_add_css_class (image, "thumbnail");
  g_object_bind_property (thumb, "thumbnail", image, "paintable", G_BINDING_DEFAULT);
  g_object_set_data_full (G_OBJECT (image), "dd-item", g_object_ref (thumb), g_object_unref);
  dd_queue_item_load_thumbnail (thumb, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);

  again = icon_button ("mail-send-symbolic", _("Send Again"));
  gtk_widget_set_sensitive (again, path != NULL && g_file_test (path, G_FILE_TEST_EXISTS));
  if (!gtk_widget_get_sensitive (again))
    gtk_widget_set_tooltip_text (again, _("The image was not kept"));
  g_object_set_data_full (G_OBJECT (again), "dd-job", g_object_ref (job), g_object_unref);
  g_signal_connect_object (again, "clicked", G_CALLBACK (again_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), again);

  copy = icon_button ("edit-copy-symbolic", _("Copy media_id"));
  gtk_widget_set_sensitive (copy, dd_job_get_media_id (job) != NULL);
  g_object_set_data_full (G_OBJECT (copy), "dd-job", g_object_ref (job), g_object_unref);
  g_signal_connect_object (copy, "clicked", G_CALLBACK (copy_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);

  return row;
}

static void
update_empty (DdHistoryWindow *self)
{
  GListModel *history = dd_outbox_get_history (self->outbox);

  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (history) > 0 ? "list" : "empty");
}

static void
dd_history_window_dispose (GObject *object)
{
  DdHistoryWindow *self = DD_HISTORY_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_HISTORY_WINDOW);
  g_clear_object (&self->outbox);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (dd_history_window_parent_class)->dispose (object);
}

static void
dd_history_window_class_init (DdHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_history_window_dispose;

  signals[SIGNAL_SEND_AGAIN] = g_signal_new ("send-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_JOB);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DdHistoryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DdHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DdHistoryWindow, list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
dd_history_window_init (DdHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DdHistoryWindow *
dd_history_window_new (DdOutbox       *outbox,
                       DdProfileStore *profiles)
{
  DdHistoryWindow *self;
  GListModel *history;

  g_return_val_if_fail (DD_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);

  self = g_object_new (DD_TYPE_HISTORY_WINDOW, NULL);
  self->outbox = g_object_ref (outbox);
  self->profiles = g_object_ref (profiles);

  history = dd_outbox_get_history (outbox);
  gtk_list_box_bind_model (self->list, history, create_row, self, NULL);
  g_signal_connect_object (history, "items-changed", G_CALLBACK (update_empty), self, G_CONNECT_SWAPPED);
  update_empty (self);

  return self;
}
