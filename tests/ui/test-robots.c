/* test-robots.c: the robots window against a real Secret Service (run
 * under tests/keyring/run-with-keyring.sh and xvfb-run): the editor stores
 * what is typed in the keyring, reads it back, tests a robot against the
 * fake DingTalk, and never overwrites secrets it could not read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dd-fake-server.h"
#include "dd-robot-editor.h"
#include "dd-robots-window.h"
#include "dd-secrets.h"
#include "ui-test-util.h"

#define TOKEN      "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define SECRET     "SECrobots-window-secret"
#define APP_KEY    "dingrobotstest"
#define APP_SECRET "robots-app-secret"

typedef struct {
  GAsyncResult *result;
} Waiter;



static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ((Waiter *) user_data)->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Waiter *) data)->result != NULL;
}

static void
type (GtkWidget  *editor,
      const char *row,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dd_test_editor_child (editor, row)), text);
}

static char *
config_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "dingdrop-test-robots", NULL);
}

static DdProfile *
load_with_secrets_from (const char *dir,
                        const char *name)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(GError) error = NULL;
  Waiter w = { NULL };
  DdProfile *profile;

  g_assert_true (dd_profile_store_load (store, &error));
  profile = dd_profile_store_lookup (store, name);
  g_assert_nonnull (profile);
  dd_secrets_load_async (profile, NULL, store_result_cb, &w);
  g_assert_true (dd_test_wait_for (has_result, &w, 10000));
  g_assert_true (dd_secrets_load_finish (w.result, &error));
  g_assert_no_error (error);
  g_object_unref (w.result);

  return g_object_ref (profile);
}

static DdProfile *
load_with_secrets (const char *name)
{
  g_autofree char *dir = config_dir ();

  return load_with_secrets_from (dir, name);
}

/* Add a robot as a user would: type, see the webhook checked, Save. */
static void
test_add_stores_secrets (void)
{
  g_autofree char *dir = config_dir ();
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdClient) client = dd_client_new ();
  g_autoptr(DdProfile) loaded = NULL;
  g_autofree char *webhook = g_strdup_printf ("https://oapi.dingtalk.com/robot/send?access_token=%s", TOKEN);
  DdRobotsWindow *window;
  GtkWidget *editor;

  g_assert_true (dd_profile_store_load (store, NULL));
  window = dd_robots_window_new (store, client);
  gtk_window_present (GTK_WINDOW (window));

  dd_robots_window_add_robot (window);
  editor = dd_robots_window_get_editor (window);
  g_assert_nonnull (editor);
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "loaded");

  type (editor, "name_row", "Team Group");

  /* checked as typed, with the reason shown */
  type (editor, "webhook_row", "http://example.com/robot/send?access_token=abc");
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "webhook_status")));
  g_assert_true (gtk_widget_has_css_class (dd_test_editor_child (editor, "webhook_row"), "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (dd_test_editor_child (editor, "webhook_status"))), !=, "");

  type (editor, "webhook_row", TOKEN);
  g_assert_false (gtk_widget_get_visible (dd_test_editor_child (editor, "webhook_status")));
  g_assert_false (gtk_widget_has_css_class (dd_test_editor_child (editor, "webhook_row"), "error"));

  type (editor, "secret_row", SECRET);
  type (editor, "keywords_row", "日报, report");
  type (editor, "app_key_row", APP_KEY);
  type (editor, "app_secret_row", APP_SECRET);

  dd_robot_editor_save (DD_ROBOT_EDITOR (editor));
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 10000));
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (editor)), ==, "Saved");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  /* what another process finds: the file and the keyring */
  loaded = load_with_secrets ("Team Group");
  g_assert_cmpstr (dd_profile_get_webhook (loaded), ==, webhook);
  g_assert_cmpstr (dd_profile_get_secret (loaded), ==, SECRET);
  g_assert_cmpstr (dd_profile_get_app_secret (loaded), ==, APP_SECRET);
  g_assert_cmpstr (dd_profile_get_app_key (loaded), ==, APP_KEY);
  g_assert_cmpstr (dd_profile_get_keywords (loaded)[0], ==, "日报");
  g_assert_cmpstr (dd_profile_get_keywords (loaded)[1], ==, "report");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Editing reads the secrets back into the fields, asynchronously: a
 * robot of its own, stored here, not the one the test before made. */
static void
test_edit_loads_secrets (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "dingdrop-test-edit", NULL);
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdClient) client = dd_client_new ();
  g_autoptr(DdProfile) profile = dd_profile_new ("Edited Group");
  g_autoptr(GError) error = NULL;
  Waiter w = { NULL };
  DdRobotsWindow *window;
  GtkWidget *editor;
  GtkWidget *save;

  g_assert_true (dd_profile_set_webhook (profile, TOKEN, &error));
  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_key (profile, APP_KEY);
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_assert_true (dd_profile_store_add (store, profile, &error));
  g_assert_true (dd_profile_store_save (store, &error));
  g_assert_no_error (error);
  dd_secrets_store_async (profile, NULL, store_result_cb, &w);
  g_assert_true (dd_test_wait_for (has_result, &w, 10000));
  g_assert_true (dd_secrets_store_finish (w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  /* a store of the window's, read from the file: no secrets in memory */
  g_clear_object (&store);
  store = dd_profile_store_new (dir);
  g_assert_true (dd_profile_store_load (store, NULL));
  g_assert_null (dd_profile_get_secret (dd_profile_store_lookup (store, "Edited Group")));
  window = dd_robots_window_new (store, client);
  gtk_window_present (GTK_WINDOW (window));

  dd_robots_window_edit (window, dd_profile_store_lookup (store, "Edited Group"), FALSE);
  editor = dd_robots_window_get_editor (window);
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 10000));
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "loaded");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dd_test_editor_child (editor, "secret_row"))), ==, SECRET);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dd_test_editor_child (editor, "app_secret_row"))), ==, APP_SECRET);
  g_assert_true (gtk_widget_get_sensitive (dd_test_editor_child (editor, "webhook_row")));

  /* just opened, nothing changed: nothing to save */
  save = dd_test_editor_child (editor, "save_button");
  g_assert_false (gtk_widget_get_sensitive (save));
  type (editor, "keywords_row", "日报");
  g_assert_true (gtk_widget_get_sensitive (save));
  type (editor, "keywords_row", "");
  g_assert_false (gtk_widget_get_sensitive (save));
  /* a secret, and the drop-down, are changes too */
  type (editor, "secret_row", "SECanother");
  g_assert_true (gtk_widget_get_sensitive (save));
  type (editor, "secret_row", SECRET);
  g_assert_false (gtk_widget_get_sensitive (save));
  adw_combo_row_set_selected (ADW_COMBO_ROW (dd_test_editor_child (editor, "picture_style_row")), 1);
  g_assert_true (gtk_widget_get_sensitive (save));
  /* a change that makes the form invalid cannot be saved */
  type (editor, "name_row", " ");
  g_assert_false (gtk_widget_get_sensitive (save));
  type (editor, "name_row", "Edited Group");
  g_assert_true (gtk_widget_get_sensitive (save));
  adw_combo_row_set_selected (ADW_COMBO_ROW (dd_test_editor_child (editor, "picture_style_row")), 0);
  g_assert_false (gtk_widget_get_sensitive (save));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Test button: tests/ui/test-robot-test.c */

static void
lock_all_collections (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) collections = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.freedesktop.Secret.Service", "Collections"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &collections);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(@ao)", collections),
                                       G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
}

/* A locked keyring: an explanation, no empty secret fields, and Save
 * keeps the other fields without touching the secrets. */
static void
test_locked (void)
{
  g_autofree char *dir = config_dir ();
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdClient) client = dd_client_new ();
  g_autoptr(DdProfile) profile = dd_profile_new ("Locked Group");
  g_autoptr(DdProfileStore) again = dd_profile_store_new (dir);
  g_autoptr(GError) error = NULL;
  Waiter w = { NULL };
  DdRobotsWindow *window;
  GtkWidget *editor;

  g_assert_true (dd_profile_store_load (store, NULL));
  g_assert_true (dd_profile_set_webhook (profile, TOKEN, NULL));
  dd_profile_set_secret (profile, SECRET);
  g_assert_true (dd_profile_store_add (store, profile, NULL));
  dd_secrets_store_async (profile, NULL, store_result_cb, &w);
  g_assert_true (dd_test_wait_for (has_result, &w, 10000));
  g_assert_true (dd_secrets_store_finish (w.result, NULL));
  g_clear_object (&w.result);
  g_assert_true (dd_profile_store_save (store, NULL));

  lock_all_collections ();
  /* what the window would have: the profile without its secrets in memory */
  g_assert_true (dd_profile_set_webhook (profile, NULL, NULL));
  dd_profile_set_secret (profile, NULL);

  window = dd_robots_window_new (store, client);
  gtk_window_present (GTK_WINDOW (window));
  dd_robots_window_edit (window, profile, FALSE);
  editor = dd_robots_window_get_editor (window);
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 10000));

  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "failed");
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "keyring_row")));
  g_assert_false (gtk_widget_get_sensitive (dd_test_editor_child (editor, "webhook_row")));
  g_assert_false (gtk_widget_get_sensitive (dd_test_editor_child (editor, "secret_row")));
  g_assert_false (gtk_widget_get_sensitive (dd_test_editor_child (editor, "app_secret_row")));

  type (editor, "app_key_row", "dinglockedkey");
  dd_robot_editor_save (DD_ROBOT_EDITOR (editor));
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 10000));
  /* a Save that tried the keyring would have failed with its sentence */
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (editor)), ==, "Saved");

  g_assert_true (dd_profile_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dd_profile_get_app_key (dd_profile_store_lookup (again, "Locked Group")), ==, "dinglockedkey");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_added_elsewhere (gpointer data)
{
  return dd_profile_store_lookup (data, "Added Elsewhere") != NULL;
}

static gboolean
editor_closed (gpointer data)
{
  return dd_robots_window_get_editor (data) == NULL;
}

/* What another program (`dingdrop profile add`, `… remove`) saves shows in
 * the open robots window by itself; the editor of a robot removed there
 * closes, so that its Save cannot bring back secrets of a robot that is
 * gone. */
static void
test_changed_elsewhere (void)
{
  g_autofree char *dir = config_dir ();
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdProfileStore) other = dd_profile_store_new (dir);
  g_autoptr(DdClient) client = dd_client_new ();
  g_autoptr(DdProfile) added = dd_profile_new ("Added Elsewhere");
  g_autoptr(GError) error = NULL;
  DdRobotsWindow *window;
  GtkListBox *list;
  GtkListBoxRow *row;
  GtkWidget *editor;
  guint n;

  g_assert_true (dd_profile_store_load (store, NULL));
  g_assert_true (dd_profile_store_watch (store, &error));
  g_assert_no_error (error);
  window = dd_robots_window_new (store, client);
  gtk_window_present (GTK_WINDOW (window));
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window), DD_TYPE_ROBOTS_WINDOW,
                                                      "robots_list"));

  dd_robots_window_edit (window, dd_profile_store_lookup (store, "Team Group"), FALSE);
  editor = dd_robots_window_get_editor (window);
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 10000));

  g_assert_true (dd_profile_store_load (other, NULL));
  g_assert_true (dd_profile_store_add (other, added, NULL));
  g_assert_true (dd_profile_store_save (other, &error));
  g_assert_no_error (error);
  g_assert_true (dd_test_wait_for (has_added_elsewhere, store, 1000));
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  row = gtk_list_box_get_row_at_index (list, n - 1);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Added Elsewhere");
  g_assert_true (dd_robots_window_get_editor (window) == editor);

  g_assert_true (dd_profile_store_remove (other, dd_profile_store_lookup (other, "Team Group"), NULL));
  g_assert_true (dd_profile_store_save (other, &error));
  g_assert_no_error (error);
  g_assert_true (dd_test_wait_for (editor_closed, window, 1000));
  g_assert_null (dd_profile_store_lookup (store, "Team Group"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n - 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A robot with its secrets in the keyring and the file of @dir; returns a
 * store of the window's, read from the file, without secrets in memory. */
static DdProfileStore *
store_with_robot (const char *dir,
                  const char *name)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdProfile) profile = dd_profile_new (name);
  g_autoptr(GError) error = NULL;
  DdProfileStore *again;
  Waiter w = { NULL };

  g_assert_true (dd_profile_store_load (store, NULL));
  g_assert_true (dd_profile_set_webhook (profile, TOKEN, &error));
  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_key (profile, APP_KEY);
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_assert_true (dd_profile_store_add (store, profile, &error));
  g_assert_true (dd_profile_store_save (store, &error));
  g_assert_no_error (error);
  dd_secrets_store_async (profile, NULL, store_result_cb, &w);
  g_assert_true (dd_test_wait_for (has_result, &w, 30000));
  g_assert_true (dd_secrets_store_finish (w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  again = dd_profile_store_new (dir);
  g_assert_true (dd_profile_store_load (again, NULL));
  return again;
}

static gboolean
says_saved (gpointer data)
{
  return dd_test_editor_idle (data) && g_strcmp0 (dd_robot_editor_get_message (data), "Saved") == 0;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
has_dialog (gpointer data)
{
  return dd_test_find_message_dialog () != NULL;
}

static gboolean
name_has_focus (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return focus != NULL && gtk_widget_is_ancestor (focus, dd_test_editor_child (data, "name_row"));
}

static const char *
text_of (GtkWidget  *editor,
         const char *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (dd_test_editor_child (editor, row)));
}

/* A robots window showing the editor of @name, its secrets read. */
static GtkWidget *
open_editor (DdRobotsWindow *window,
             DdProfileStore *store,
             const char     *name)
{
  GtkWidget *editor;

  if (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    {
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (dd_test_wait_for (is_mapped, window, 15000));
    }
  dd_robots_window_edit (window, dd_profile_store_lookup (store, name), FALSE);
  editor = dd_robots_window_get_editor (window);
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 30000));
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "loaded");
  g_assert_true (dd_test_wait_for (is_mapped, editor, 15000));
  return editor;
}

static gboolean
saved_as (const char *dir,
          const char *name)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);

  g_assert_true (dd_profile_store_load (store, NULL));
  return dd_profile_store_lookup (store, name) != NULL;
}

/* Leaving the editor with changes asks: Cancel stays, Discard leaves the
 * robot as it was, Save saves; Ctrl+S saves, Escape goes back, the first
 * field has the focus.  Keys are pressed for real, through xdotool. */
static void
test_leave_asks (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "dingdrop-test-leave", NULL);
  g_autoptr(DdProfileStore) store = store_with_robot (dir, "Leave Group");
  g_autoptr(DdClient) client = dd_client_new ();
  AdwMessageDialog *dialog;
  DdRobotsWindow *window;
  GtkWidget *editor;

  window = dd_robots_window_new (store, client);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  editor = open_editor (window, store, "Leave Group");
  g_assert_true (dd_test_wait_for (name_has_focus, editor, 15000));
  g_assert_false (dd_robot_editor_has_changes (DD_ROBOT_EDITOR (editor)));

  /* nothing changed: Escape goes back at once */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "Escape"));
  g_assert_true (dd_test_wait_for (editor_closed, window, 15000));
  g_assert_null (dd_test_find_message_dialog ());

  /* typed into the focused first field, then Escape: a question */
  editor = open_editor (window, store, "Leave Group");
  g_assert_true (dd_test_wait_for (name_has_focus, editor, 15000));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "End space x"));
  g_assert_cmpstr (text_of (editor, "name_row"), ==, "Leave Group x");
  g_assert_true (dd_robot_editor_has_changes (DD_ROBOT_EDITOR (editor)));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "Escape"));
  g_assert_true (dd_test_wait_for (has_dialog, NULL, 15000));
  dialog = dd_test_find_message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));

  /* Escape in the question is Cancel: still editing, the change still typed */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (dialog), "Escape"));
  g_assert_null (dd_test_find_message_dialog ());
  g_assert_true (dd_robots_window_get_editor (window) == editor);
  g_assert_cmpstr (text_of (editor, "name_row"), ==, "Leave Group x");

  /* Ctrl+S saves, to the file and the keyring; nothing is left to ask */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "ctrl+s"));
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, editor, 30000));
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (editor)), ==, "Saved");
  g_assert_false (dd_robot_editor_has_changes (DD_ROBOT_EDITOR (editor)));
  g_assert_true (saved_as (dir, "Leave Group x"));

  /* closing the window with a change asks too; Discard keeps the file */
  type (editor, "keywords_row", "never saved");
  gtk_window_close (GTK_WINDOW (window));
  g_assert_nonnull (window);
  g_assert_true (dd_test_wait_for (has_dialog, NULL, 15000));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (dd_test_find_message_dialog ()), "alt+d"));
  g_assert_true (dd_test_wait_for (pointer_cleared, &window, 15000));
  {
    g_autoptr(DdProfileStore) again = dd_profile_store_new (dir);

    g_assert_true (dd_profile_store_load (again, NULL));
    g_assert_null (dd_profile_get_keywords (dd_profile_store_lookup (again, "Leave Group x"))[0]);
  }

  /* and Save in the question saves, then leaves */
  window = dd_robots_window_new (store, client);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  editor = open_editor (window, store, "Leave Group x");
  type (editor, "name_row", "Leave Group y");
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "Escape"));
  g_assert_true (dd_test_wait_for (has_dialog, NULL, 15000));
  /* Save is the default response */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (dd_test_find_message_dialog ()), "Return"));
  g_assert_true (dd_test_wait_for (editor_closed, window, 30000));
  g_assert_true (saved_as (dir, "Leave Group y"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Save only for a valid form; each reason on its field; no Delete or
 * Duplicate before the robot is saved. */
static void
test_invalid_form (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "dingdrop-test-invalid", NULL);
  g_autoptr(DdProfileStore) store = dd_profile_store_new (dir);
  g_autoptr(DdClient) client = dd_client_new ();
  DdRobotsWindow *window;
  GtkWidget *editor;
  GtkWidget *save;

  g_assert_true (dd_profile_store_load (store, NULL));
  window = dd_robots_window_new (store, client);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (dd_test_wait_for (is_mapped, window, 15000));
  dd_robots_window_add_robot (window);
  editor = dd_robots_window_get_editor (window);
  g_assert_true (dd_test_wait_for (is_mapped, editor, 15000));
  save = dd_test_editor_child (editor, "save_button");

  /* a new robot: nothing to save yet, and no reproach before typing */
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_false (gtk_widget_has_css_class (dd_test_editor_child (editor, "webhook_row"), "error"));
  g_assert_false (gtk_widget_get_visible (dd_test_editor_child (editor, "delete_button")));
  g_assert_false (gtk_widget_get_visible (dd_test_editor_child (editor, "duplicate_button")));

  type (editor, "webhook_row", "http://example.com/robot/send?access_token=abc");
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_true (gtk_widget_has_css_class (dd_test_editor_child (editor, "webhook_row"), "error"));
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "webhook_status")));

  type (editor, "name_row", "  ");
  g_assert_true (gtk_widget_has_css_class (dd_test_editor_child (editor, "name_row"), "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (dd_test_editor_child (editor, "name_status"))), ==, "Give the robot a name.");

  /* Ctrl+S on it saves nothing, and says why */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (window), "ctrl+s"));
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (editor)), ==,
                   "Correct the fields marked in red first.");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  type (editor, "name_row", "Valid Group");
  type (editor, "webhook_row", TOKEN);
  g_assert_false (gtk_widget_has_css_class (dd_test_editor_child (editor, "name_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (dd_test_editor_child (editor, "webhook_row"), "error"));
  g_assert_false (gtk_widget_get_visible (dd_test_editor_child (editor, "name_status")));
  g_assert_true (gtk_widget_get_sensitive (save));

  /* an advanced field, with its own reason */
  type (editor, "oapi_base_row", "ftp://example.com");
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_true (gtk_widget_has_css_class (dd_test_editor_child (editor, "oapi_base_row"), "error"));
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "advanced_status")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (dd_test_editor_child (editor, "advanced_status"))), "ftp://example.com"));
  type (editor, "oapi_base_row", "");
  g_assert_true (gtk_widget_get_sensitive (save));

  /* a button's activation clicks it a moment later */
  gtk_widget_activate (save);
  g_assert_true (dd_test_wait_for (says_saved, editor, 30000));
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (editor)), ==, "Saved");
  /* saved: nothing left to save */
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "delete_button")));
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "duplicate_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
editor_replaced (gpointer data)
{
  GtkWidget **editors = data;
  GtkWidget *now = dd_robots_window_get_editor (DD_ROBOTS_WINDOW (editors[0]));

  return now != NULL && now != editors[1] && dd_test_editor_idle (now);
}

/* Duplicate saves a copy with its secrets copied in the keyring, and
 * shows the copy's editor. */
static void
test_duplicate (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "dingdrop-test-duplicate", NULL);
  g_autoptr(DdProfileStore) store = store_with_robot (dir, "Copied Group");
  g_autoptr(DdClient) client = dd_client_new ();
  g_autoptr(DdProfile) loaded = NULL;
  g_autoptr(GtkWidget) old = NULL;
  DdRobotsWindow *window;
  GtkWidget *editors[2];
  GtkWidget *copy;

  window = dd_robots_window_new (store, client);
  old = g_object_ref (open_editor (window, store, "Copied Group"));
  g_assert_true (gtk_widget_get_sensitive (dd_test_editor_child (old, "duplicate_button")));

  gtk_widget_activate (dd_test_editor_child (old, "duplicate_button"));
  editors[0] = GTK_WIDGET (window);
  editors[1] = old;
  g_assert_true (dd_test_wait_for (editor_replaced, editors, 30000));
  copy = dd_robots_window_get_editor (window);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_nonnull (dd_profile_store_lookup (store, "Copied Group (copy)"));
  g_assert_cmpstr (text_of (copy, "name_row"), ==, "Copied Group (copy)");
  /* read back from the keyring by the copy's own editor */
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (copy)), ==, "loaded");
  g_assert_cmpstr (text_of (copy, "secret_row"), ==, SECRET);
  g_assert_cmpstr (text_of (copy, "app_secret_row"), ==, APP_SECRET);
  g_assert_false (dd_robot_editor_has_changes (DD_ROBOT_EDITOR (copy)));

  /* the window shows it, and not a blank page */
  g_assert_true (dd_test_wait_for (is_mapped, copy, 15000));
  g_assert_cmpint (gtk_widget_get_width (copy), >, 0);
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (copy, "delete_button")));

  /* what another process finds */
  loaded = load_with_secrets_from (dir, "Copied Group (copy)");
  g_assert_cmpstr (dd_profile_get_secret (loaded), ==, SECRET);
  g_assert_cmpstr (dd_profile_get_app_secret (loaded), ==, APP_SECRET);
  g_assert_nonnull (strstr (dd_profile_get_webhook (loaded), TOKEN));
  g_assert_cmpstr (dd_profile_get_id (loaded), !=,
                   dd_profile_get_id (dd_profile_store_lookup (store, "Copied Group")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_visible (widget))
    g_ptr_array_add (buttons, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_buttons (c, buttons);
}

static gboolean
in_header_bar (GtkWidget *widget)
{
  return gtk_widget_get_ancestor (widget, ADW_TYPE_HEADER_BAR) != NULL;
}

/* No two buttons of a page share a mnemonic, and header-bar and pill
 * buttons show none, in English and in Chinese, where a mnemonic would
 * show as "(D)". */
static void
check_buttons (GtkWidget *page)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GHashTable) keys = g_hash_table_new (NULL, NULL);

  collect_buttons (page, buttons);
  g_assert_cmpuint (buttons->len, >, 0);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkButton *button = g_ptr_array_index (buttons, i);
      GtkWidget *label = gtk_button_get_child (button);
      const char *text = gtk_button_get_label (button);
      guint key;

      if (text == NULL || !GTK_IS_LABEL (label))
        continue;   /* an icon */

      if (in_header_bar (GTK_WIDGET (button)) || gtk_widget_has_css_class (GTK_WIDGET (button), "pill"))
        {
          g_test_message ("header or pill button: %s", text);
          g_assert_null (strstr (text, "(_"));
          g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (label)), "("));
          if (in_header_bar (GTK_WIDGET (button)))
            g_assert_false (gtk_button_get_use_underline (button));
        }

      key = gtk_label_get_mnemonic_keyval (GTK_LABEL (label));
      if (key == GDK_KEY_VoidSymbol || key == 0)
        continue;   /* none, as on Chinese pill buttons */
      key = gdk_keyval_to_lower (key);
      g_test_message ("mnemonic %s: %s", gdk_keyval_name (key), text);
      g_assert_false (g_hash_table_contains (keys, GUINT_TO_POINTER (key)));
      g_hash_table_add (keys, GUINT_TO_POINTER (key));
    }
}

static void
test_mnemonics (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "dingdrop-test-mnemonics", NULL);
  g_autoptr(DdProfileStore) empty = dd_profile_store_new (dir);
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdClient) client = dd_client_new ();
  DdRobotsWindow *window;
  GtkWidget *editor;

  /* the empty state's button */
  g_assert_true (dd_profile_store_load (empty, NULL));
  window = dd_robots_window_new (empty, client);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (dd_test_wait_for (is_mapped, window, 15000));
  check_buttons (GTK_WIDGET (window));
  gtk_window_destroy (GTK_WINDOW (window));

  store = store_with_robot (dir, "Mnemonic Group");
  window = dd_robots_window_new (store, client);
  editor = open_editor (window, store, "Mnemonic Group");
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "duplicate_button")));
  g_assert_true (gtk_widget_get_visible (dd_test_editor_child (editor, "delete_button")));
  check_buttons (editor);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_skip (void)
{
  g_test_skip ("Run under tests/keyring/run-with-keyring.sh");
}

int
main (int    argc,
      char **argv)
{
  const char *backend = g_getenv ("DD_TEST_SECRETS_BACKEND");
  const char *localedir = g_getenv ("DD_TEST_LOCALEDIR");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* the same window in the language of LANGUAGE, translated from the
   * build's catalogues */
  if (localedir != NULL && g_strcmp0 (backend, "keyring") == 0)
    {
      /* gtk_test_init() leaves the locale at "C" */
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      g_test_add_func ("/robots/mnemonics", test_mnemonics);
    }
  else if (g_strcmp0 (backend, "keyring") == 0)
    {
      g_test_add_func ("/robots/add-stores-secrets", test_add_stores_secrets);
      g_test_add_func ("/robots/edit-loads-secrets", test_edit_loads_secrets);
      g_test_add_func ("/robots/changed-elsewhere", test_changed_elsewhere);
      g_test_add_func ("/robots/leave-asks", test_leave_asks);
      g_test_add_func ("/robots/invalid-form", test_invalid_form);
      g_test_add_func ("/robots/duplicate", test_duplicate);
      g_test_add_func ("/robots/mnemonics", test_mnemonics);
    }
  else if (g_strcmp0 (backend, "locked") == 0)
    g_test_add_func ("/robots/locked-keyring", test_locked);
  else
    g_test_add_func ("/robots/skip", test_skip);

  return g_test_run ();
}
