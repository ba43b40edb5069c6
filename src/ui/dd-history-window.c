/* dd-history-window.c: the images sent lately, from the outbox's history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-history-window.h"

struct _DdHistoryWindow
{
  AdwWindow        parent_instance;

  DdOutbox        *outbox;
  DdProfileStore  *profiles;
  GCancellable    *cancellable;

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
load_texture_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* Reads the image at @path into a GdkTexture, in a worker thread. */
static void
load_texture_async (gpointer             source,
                    const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, load_texture_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_texture_thread);
}

static GdkTexture *
load_texture_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GdkTexture) texture = load_texture_finish (result, NULL);

  /* without it, the generic icon stays */
  if (texture != NULL)
    gtk_image_set_from_paintable (GTK_IMAGE (object), GDK_PAINTABLE (texture));
}

/* A job sent a moment ago gets its thumbnail after its upload: the row
 * shows it when it comes. */
static void
thumbnail_path_cb (DdJob      *job,
                   GParamSpec *pspec,
                   GtkImage   *image)
{
  const char *thumbnail = dd_job_get_thumbnail_path (job);

  if (thumbnail != NULL && g_file_test (thumbnail, G_FILE_TEST_IS_REGULAR))
    load_texture_async (GTK_WIDGET (image), thumbnail, NULL, thumbnail_loaded_cb, NULL);
}

static void
image_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DdHistoryWindow *self = DD_HISTORY_WINDOW (object);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  gboolean preview = GPOINTER_TO_INT (user_data);

  if (!(texture = load_texture_finish (result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("The image could not be read, so nothing was copied.")));
      return;
    }

  /* offered as image/png, among others, to whoever pastes */
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (preview ? _("Preview copied: the image itself was not kept")
                                                      : _("Image copied")));
}

static gboolean
exists (const char *path)
{
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Copy: the image the outbox kept, or else its preview. */
static void
copy_clicked_cb (GtkButton       *button,
                 DdHistoryWindow *self)
{
  DdJob *job = g_object_get_data (G_OBJECT (button), "dd-job");
  const char *data = dd_job_get_data_path (job);
  gboolean kept = exists (data);

  load_texture_async (self, kept ? data : dd_job_get_thumbnail_path (job), self->cancellable,
                      image_loaded_cb, GINT_TO_POINTER (!kept));
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
  g_autofree char *subtitle = describe (self, job);
  const char *path = dd_job_get_data_path (job);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  GtkWidget *again, *copy;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dd_job_get_display_name (job));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* the outbox's thumbnail.png, kept with the history */
  gtk_image_set_pixel_size (GTK_IMAGE (image), 48);
  gtk_widget_set_size_request (image, 48, 48);
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (image, 6);
  gtk_widget_set_margin_bottom (image, 6);
  gtk_widget_add_css_class (image, "thumbnail");
  gtk_widget_set_name (image, "thumbnail");
  if (exists (dd_job_get_thumbnail_path (job)))
    load_texture_async (image, dd_job_get_thumbnail_path (job), self->cancellable,
                        thumbnail_loaded_cb, NULL);
  else
    g_signal_connect_object (job, "notify::thumbnail-path", G_CALLBACK (thumbnail_path_cb), image, 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);

  again = icon_button ("mail-send-symbolic", _("Send Again"));
  gtk_widget_set_sensitive (again, path != NULL && g_file_test (path, G_FILE_TEST_EXISTS));
  if (!gtk_widget_get_sensitive (again))
    gtk_widget_set_tooltip_text (again, _("The image was not kept"));
  g_object_set_data_full (G_OBJECT (again), "dd-job", g_object_ref (job), g_object_unref);
  g_signal_connect_object (again, "clicked", G_CALLBACK (again_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), again);

  copy = icon_button ("edit-copy-symbolic", _("Copy Image"));
  gtk_widget_set_name (copy, "copy");
  gtk_widget_set_sensitive (copy, exists (path) || exists (dd_job_get_thumbnail_path (job)));
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

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_HISTORY_WINDOW);
  g_clear_object (&self->outbox);
  g_clear_object (&self->profiles);
  g_clear_object (&self->cancellable);

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
  self->cancellable = g_cancellable_new ();
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
