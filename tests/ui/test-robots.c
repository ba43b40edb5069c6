/* test-robots.c: the robots window against a real Secret Service (run
 * under tests/keyring/run-with-keyring.sh and xvfb-run): the editor stores
 * what is typed in the keyring, reads it back, tests a robot against the
 * fake DingTalk, and never overwrites secrets it could not read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

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

static gboolean
editor_idle (gpointer data)
{
  return !dd_robot_editor_is_busy (data) &&
         g_strcmp0 (dd_robot_editor_get_secrets_state (data), "loading") != 0;
}

static GtkWidget *
child (GtkWidget  *editor,
       const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (editor, DD_TYPE_ROBOT_EDITOR, name));
}

static void
type (GtkWidget  *editor,
      const char *row,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (editor, row)), text);
}

static char *
config_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "dingdrop-test-robots", NULL);
}

static DdProfile *
load_with_secrets (const char *name)
{
  g_autofree char *dir = config_dir ();
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
  g_assert_true (gtk_widget_get_visible (child (editor, "webhook_status")));
  g_assert_true (gtk_widget_has_css_class (child (editor, "webhook_row"), "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (editor, "webhook_status"))), !=, "");

  type (editor, "webhook_row", TOKEN);
  g_assert_false (gtk_widget_get_visible (child (editor, "webhook_status")));
  g_assert_false (gtk_widget_has_css_class (child (editor, "webhook_row"), "error"));

  type (editor, "secret_row", SECRET);
  type (editor, "keywords_row", "日报, report");
  type (editor, "app_key_row", APP_KEY);
  type (editor, "app_secret_row", APP_SECRET);

  dd_robot_editor_save (DD_ROBOT_EDITOR (editor));
  g_assert_true (dd_test_wait_for (editor_idle, editor, 10000));
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
  g_assert_true (dd_test_wait_for (editor_idle, editor, 10000));
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "loaded");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (editor, "secret_row"))), ==, SECRET);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (editor, "app_secret_row"))), ==, APP_SECRET);
  g_assert_true (gtk_widget_get_sensitive (child (editor, "webhook_row")));

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
  g_assert_true (dd_test_wait_for (editor_idle, editor, 10000));

  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (editor)), ==, "failed");
  g_assert_true (gtk_widget_get_visible (child (editor, "keyring_row")));
  g_assert_false (gtk_widget_get_sensitive (child (editor, "webhook_row")));
  g_assert_false (gtk_widget_get_sensitive (child (editor, "secret_row")));
  g_assert_false (gtk_widget_get_sensitive (child (editor, "app_secret_row")));

  type (editor, "app_key_row", "dinglockedkey");
  dd_robot_editor_save (DD_ROBOT_EDITOR (editor));
  g_assert_true (dd_test_wait_for (editor_idle, editor, 10000));
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
  g_assert_true (dd_test_wait_for (editor_idle, editor, 10000));

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

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_strcmp0 (backend, "keyring") == 0)
    {
      g_test_add_func ("/robots/add-stores-secrets", test_add_stores_secrets);
      g_test_add_func ("/robots/edit-loads-secrets", test_edit_loads_secrets);
      g_test_add_func ("/robots/changed-elsewhere", test_changed_elsewhere);
    }
  else if (g_strcmp0 (backend, "locked") == 0)
    g_test_add_func ("/robots/locked-keyring", test_locked);
  else
    g_test_add_func ("/robots/skip", test_skip);

  return g_test_run ();
}
