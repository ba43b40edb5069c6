/* dd-application.c: the GNOME application: the robots, the outbox, one
 * window, app-wide actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-application"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-application-private.h"
#include "dd-client.h"
#include "dd-notifier.h"
#include "dd-outbox.h"
#include "dd-robots-window.h"
#include "dd-window.h"

struct _DdApplication
{
  AdwApplication  parent_instance;

  DdProfileStore *profiles;
  DdOutbox       *outbox;
  DdNotifier     *notifier;
  GSettings      *settings;
  gboolean        own_outbox;    /* made (and closed) here, not given */

  /* sending in the background: held while the outbox sends, the window
   * hidden until then */
  GtkWindow      *hidden;        /* weak */
  gboolean        holding;
  guint           check_id;
};

G_DEFINE_FINAL_TYPE (DdApplication, dd_application, ADW_TYPE_APPLICATION)

static DdWindow *
get_window (DdApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (DD_IS_WINDOW (l->data))
      return l->data;

  return dd_window_new (self);
}

static void
dd_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (DD_APPLICATION (app))));
}

static void
dd_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  DdWindow *window = get_window (DD_APPLICATION (app));

  dd_window_add_files (window, files, n_files);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- sending in the background ---------------------------------------------- */

static gboolean
outbox_has_unsent (DdOutbox *outbox)
{
  GListModel *jobs = G_LIST_MODEL (outbox);
  guint n = g_list_model_get_n_items (jobs);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (jobs, i);

      if (!dd_job_is_finished (job))
        return TRUE;
    }
  return FALSE;
}

static void
hidden_visible_cb (GtkWindow     *window,
                   GParamSpec    *pspec,
                   DdApplication *self);

static void
stop_holding (DdApplication *self)
{
  if (self->hidden != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->hidden, hidden_visible_cb, self);
      g_object_remove_weak_pointer (G_OBJECT (self->hidden), (gpointer *) &self->hidden);
      self->hidden = NULL;
    }
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->holding)
    {
      self->holding = FALSE;
      g_application_release (G_APPLICATION (self));
    }
}

/* Everything arrived (or failed): the hidden window goes, and with the
 * hold released the application ends. */
static gboolean
check_cb (gpointer user_data)
{
  DdApplication *self = user_data;
  GtkWindow *window = self->hidden;

  self->check_id = 0;
  if (outbox_has_unsent (self->outbox))
    return G_SOURCE_REMOVE;
  if (window != NULL)
    g_object_ref (window);
  stop_holding (self);
  if (window != NULL)
    {
      gtk_window_destroy (window);
      g_object_unref (window);
    }
  return G_SOURCE_REMOVE;
}

/* Asked once the outbox is done with its change: the window has told the
 * user about a finished batch by then. */
static void
outbox_changed_cb (DdApplication *self)
{
  if (self->check_id == 0)
    self->check_id = g_idle_add (check_cb, self);
}

/* Shown again (DingDrop was started again): an ordinary window, which
 * keeps the application up by itself and asks again when closed. */
static void
hidden_visible_cb (GtkWindow     *window,
                   GParamSpec    *pspec,
                   DdApplication *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (window)))
    stop_holding (self);
}

/**
 * dd_application_send_in_background:
 * @window: the window that was hidden for it
 *
 * Keeps the application running, without a window, until the outbox
 * has sent what it holds; then closes @window (if it is still hidden)
 * and lets the application end.
 */
void
dd_application_send_in_background (DdApplication *self,
                                   GtkWindow     *window)
{
  g_return_if_fail (DD_IS_APPLICATION (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (self->outbox == NULL)
    return;
  stop_holding (self);

  self->holding = TRUE;
  g_application_hold (G_APPLICATION (self));
  self->hidden = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->hidden);
  g_signal_connect (window, "notify::visible", G_CALLBACK (hidden_visible_cb), self);
  g_signal_connect_object (self->outbox, "batch-finished", G_CALLBACK (outbox_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outbox, "items-changed", G_CALLBACK (outbox_changed_cb),
                           self, G_CONNECT_SWAPPED);
  outbox_changed_cb (self);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The DingDrop developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("DingDrop"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Send screenshots and photos to DingTalk groups"),
                         "website", "https://github.com/dingdrop/DingDrop",
                         "issue-url", "https://github.com/dingdrop/DingDrop/issues",
                         /* Translators: your names, one a line, and an address
                          * to reach you, as in "Name <email>"; shown in About */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
robots_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  DdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *robots;

  if (DD_IS_ROBOTS_WINDOW (parent))
    {
      gtk_window_present (parent);
      return;
    }

  robots = GTK_WINDOW (dd_robots_window_new (self->profiles, dd_client_get_default ()));
  gtk_window_set_transient_for (robots, parent);
  gtk_window_set_application (robots, GTK_APPLICATION (self));
  gtk_window_present (robots);
}

/* From the header bar, Ctrl+Shift+S, the desktop's app menu (the
 * desktop file's action) and `dingdrop --screenshot`. */
static void
screenshot_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  DdWindow *window = get_window (DD_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  dd_window_take_screenshot (window);
}

/* Closing each window asks about unsent images where there are any. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
settings_changed_cb (DdApplication *self)
{
  if (self->outbox == NULL || self->settings == NULL)
    return;

  dd_outbox_set_keep_history_images (self->outbox, g_settings_get_boolean (self->settings, "keep-history-images"));
  dd_outbox_set_max_concurrent_uploads (self->outbox, g_settings_get_uint (self->settings, "concurrent-uploads"));
  dd_outbox_set_sends_per_minute (self->outbox, g_settings_get_uint (self->settings, "sends-per-minute"));
  dd_outbox_set_max_megapixels (self->outbox, g_settings_get_uint (self->settings, "max-megapixels"));
}

static void
outbox_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DdApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (dd_outbox_load_finish (DD_OUTBOX (source), result, &error))
    dd_outbox_start (DD_OUTBOX (source));
  else
    g_warning ("Could not open the outbox: %s", error->message);
}

static void
outbox_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *closed = user_data;

  dd_outbox_close_finish (DD_OUTBOX (source), result);
  *closed = TRUE;
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "robots", robots_action },
  { "screenshot", screenshot_action },
  { "quit", quit_action },
};

static void
dd_application_startup (GApplication *app)
{
  DdApplication *self = DD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *robots_accels[] = { "<Control>comma", NULL };
  static const char *screenshot_accels[] = { "<Control><Shift>s", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (dd_application_parent_class)->startup (app);

  /* Installed, the schema is always there; run from the build tree
   * without GSETTINGS_SCHEMA_DIR, DingDrop only forgets its settings. */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new (APP_ID);
  else
    g_debug ("No GSettings schema %s: the settings are not kept", APP_ID);

  if (self->profiles == NULL)
    {
      self->profiles = dd_profile_store_new (NULL);
      if (!dd_profile_store_load (self->profiles, &error))
        g_warning ("Could not read the robots: %s", error->message);

      /* a robot that `dingdrop profile add` adds or removes meanwhile
       * shows here at once, and a save here keeps it; also after a
       * failed load, so that fixing the file is seen */
      g_clear_error (&error);
      if (!dd_profile_store_watch (self->profiles, &error))
        g_warning ("Could not watch the robots for changes: %s", error->message);
    }

  /* what was left unsent last time is resumed at once */
  if (self->outbox == NULL)
    {
      self->own_outbox = TRUE;
      /* a token fetched here is good for `dingdrop send` and the next start */
      dd_client_set_keep_tokens (dd_client_get_default (), TRUE);
      self->outbox = dd_outbox_new (NULL, dd_client_get_default (), self->profiles);
      settings_changed_cb (self);
      if (self->settings != NULL)
        g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb),
                                 self, G_CONNECT_SWAPPED);
      dd_outbox_load_async (self->outbox, NULL, outbox_loaded_cb, g_object_ref (self));
    }
  /* what was sent while no window looked is told by a notification */
  self->notifier = dd_notifier_new (GTK_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.robots", robots_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.screenshot", screenshot_accels);
}

static void
dd_application_shutdown (GApplication *app)
{
  DdApplication *self = DD_APPLICATION (app);

  G_APPLICATION_CLASS (dd_application_parent_class)->shutdown (app);

  stop_holding (self);
  if (self->outbox != NULL && self->own_outbox)
    {
      gboolean closed = FALSE;

      /* what the outbox was writing reaches the disk before the end */
      dd_outbox_close_async (self->outbox, outbox_closed_cb, &closed);
      while (!closed)
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&self->notifier);
  g_clear_object (&self->outbox);
  g_clear_object (&self->profiles);
  g_clear_object (&self->settings);
}

/* `dingdrop --screenshot`: in the instance that runs already, or in this
 * one, which then stays */
static int
dd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "screenshot"))
    return -1;

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_action_group_activate_action (G_ACTION_GROUP (app), "screenshot", NULL);

  return g_application_get_is_remote (app) ? 0 : -1;
}

static void
dd_application_class_init (DdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = dd_application_handle_local_options;
  app_class->activate = dd_application_activate;
  app_class->open = dd_application_open;
  app_class->startup = dd_application_startup;
  app_class->shutdown = dd_application_shutdown;
}

static void
dd_application_init (DdApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "screenshot", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Take a screenshot and add it to the images to send"),
                                 NULL);
}

DdApplication *
dd_application_new (void)
{
  return g_object_new (DD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/dingdrop/DingDrop",
                       NULL);
}

DdApplication *
_dd_application_new_for (const char     *application_id,
                         DdProfileStore *profiles,
                         DdOutbox       *outbox)
{
  DdApplication *self;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);
  g_return_val_if_fail (DD_IS_OUTBOX (outbox), NULL);

  self = g_object_new (DD_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/dingdrop/DingDrop",
                       NULL);
  self->profiles = g_object_ref (profiles);
  self->outbox = g_object_ref (outbox);
  return self;
}

DdProfileStore *
dd_application_get_profiles (DdApplication *self)
{
  g_return_val_if_fail (DD_IS_APPLICATION (self), NULL);
  return self->profiles;
}

GSettings *
dd_application_get_settings (DdApplication *self)
{
  g_return_val_if_fail (DD_IS_APPLICATION (self), NULL);
  return self->settings;
}

DdOutbox *
dd_application_get_outbox (DdApplication *self)
{
  g_return_val_if_fail (DD_IS_APPLICATION (self), NULL);
  return self->outbox;
}
