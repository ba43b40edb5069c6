/* test-robot-test.c: the robot editor's Test in the window, under Xvfb
 * with a real Secret Service: it posts the test picture to the fake
 * DingTalk and asks "Did the picture show in the group?"; Yes marks the
 * robot checked (kept in profiles.ini, shown in the robots list), "No, I
 * see text" switches a custom robot to picture cards and offers to test
 * again, and a robot DingTalk refuses says why
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

#define TOKEN      "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define SECRET     "SECrobot-test-secret"
#define APP_KEY    "dingrobottest"
#define APP_SECRET "robot-test-app-secret"

typedef struct {
  DdFakeServer   *fake;
  char           *dir;
  DdProfileStore *store;
  DdClient       *client;
  DdProfile      *profile;   /* in the store, with its secrets in the keyring */
  DdRobotsWindow *window;
  GtkWidget      *editor;
} Fixture;

static gboolean
dialog_shown (gpointer data)
{
  return dd_test_find_message_dialog () != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return dd_test_find_message_dialog () == NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Answers the question with a click on its button; the dialog goes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog), adw_message_dialog_get_response_label (dialog, response));

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (dd_test_wait_for (no_dialog, NULL, 5000));
}

/* A robot saved as the app saves it: profiles.ini and the keyring. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *secret = data;
  g_autofree char *webhook = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *base;

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
  base = dd_fake_server_get_base_url (f->fake);

  f->dir = g_build_filename (g_get_user_config_dir (), "dingdrop-robot-test", g_test_get_path (), NULL);
  f->store = dd_profile_store_new (f->dir);
  g_assert_true (dd_profile_store_load (f->store, NULL));
  f->client = dd_client_new ();
  f->profile = dd_profile_new ("Test Group");
  webhook = g_strdup_printf ("%s/robot/send?access_token=%s", base, TOKEN);
  dd_profile_set_oapi_base (f->profile, base);
  dd_profile_set_api_base (f->profile, base);
  g_assert_true (dd_profile_set_webhook (f->profile, webhook, NULL));
  dd_profile_set_secret (f->profile, secret ? secret : SECRET);
  dd_profile_set_app_key (f->profile, APP_KEY);
  dd_profile_set_app_secret (f->profile, APP_SECRET);
  g_assert_true (dd_profile_store_add (f->store, f->profile, &error));
  dd_secrets_store_async (f->profile, NULL, dd_test_store_result_cb, &result);
  g_assert_true (dd_test_wait_for (dd_test_has_result, &result, 10000));
  g_assert_true (dd_secrets_store_finish (result, &error));
  g_assert_true (dd_profile_store_save (f->store, &error));
  g_assert_no_error (error);

  f->window = dd_robots_window_new (f->store, f->client);
  gtk_window_present (GTK_WINDOW (f->window));
  dd_robots_window_edit (f->window, f->profile, FALSE);
  f->editor = dd_robots_window_get_editor (f->window);
  /* the keyring's first lookup can take seconds on a busy machine */
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, f->editor, 40000));
  g_assert_cmpstr (dd_robot_editor_get_secrets_state (DD_ROBOT_EDITOR (f->editor)), ==, "loaded");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;

  while ((dialog = dd_test_find_message_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->profile);
  g_clear_object (&f->client);
  g_clear_object (&f->store);
  g_clear_object (&f->fake);
  g_free (f->dir);
}

/* Runs the Test and returns the question it asks. */
static AdwMessageDialog *
run_test (Fixture *f)
{
  AdwMessageDialog *dialog;

  dd_robot_editor_test (DD_ROBOT_EDITOR (f->editor));
  g_assert_true (dd_test_wait_for (dialog_shown, NULL, 20000));
  dialog = dd_test_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Did the picture show in the group?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Test Group"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "yes"), ==, "_Yes");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "no"), ==, "_No, I See Text");
  return dialog;
}

/* The last message DingTalk accepted, and the upload of the test picture. */
static JsonObject *
last_accepted (Fixture *f)
{
  GPtrArray *messages = dd_fake_server_get_messages (f->fake);

  for (guint i = messages->len; i > 0; i--)
    {
      DdFakeMessage *m = messages->pdata[i - 1];

      if (m->accepted)
        return json_node_get_object (m->body);
    }
  g_assert_not_reached ();
}

static DdFakeUpload *
test_picture_upload (Fixture *f)
{
  GPtrArray *uploads = dd_fake_server_get_uploads (f->fake);
  DdFakeUpload *upload;

  g_assert_cmpuint (uploads->len, >, 0);
  upload = uploads->pdata[uploads->len - 1];
  g_assert_cmpstr (upload->filename, ==, "dingdrop-test.png");
  g_assert_cmpuint (g_bytes_get_size (upload->data), <, 100 * 1024);
  return upload;
}

/* The robots list's "Checked" of the robot. */
static gboolean
list_shows_checked (Fixture *f)
{
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), DD_TYPE_ROBOTS_WINDOW,
                                                               "robots_list"));
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  GtkWidget *label = dd_test_find_named (row, "checked");

  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Checked");
  return gtk_widget_get_visible (label);
}

static gint64
checked_in_file (Fixture *f)
{
  g_autoptr(DdProfileStore) again = dd_profile_store_new (f->dir);
  DdProfile *profile;

  g_assert_true (dd_profile_store_load (again, NULL));
  profile = dd_profile_store_lookup (again, "Test Group");
  g_assert_nonnull (profile);
  return dd_profile_get_checked_at (profile);
}

/* Yes: the picture was posted as markdown with its media_id; the robot is
 * checked, in the file and in the list. */
static void
test_yes (Fixture       *f,
          gconstpointer  data)
{
  AdwMessageDialog *dialog;
  DdFakeUpload *upload;
  JsonObject *body;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_false (list_shows_checked (f));
  dialog = run_test (f);
  upload = test_picture_upload (f);
  body = last_accepted (f);
  g_assert_cmpstr (json_object_get_string_member (body, "msgtype"), ==, "markdown");
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (body, "markdown"), "text"),
                            upload->media_id));

  respond (dialog, "yes");
  g_assert_cmpint (dd_profile_get_checked_at (f->profile), >=, before);
  g_assert_cmpint (checked_in_file (f), ==, dd_profile_get_checked_at (f->profile));
  g_assert_true (list_shows_checked (f));
  g_assert_nonnull (strstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (f->editor)), "checked"));
}

/* No, I see text: picture cards, in the form and in the file; Test Again
 * then posts a feedCard whose picture is the new test picture. */
static void
test_no (Fixture       *f,
         gconstpointer  data)
{
  AdwMessageDialog *dialog = run_test (f);
  DdFakeUpload *upload;
  JsonObject *body;
  JsonObject *card;
  g_autoptr(DdProfileStore) again = dd_profile_store_new (f->dir);

  respond (dialog, "no");
  g_assert_cmpint (adw_combo_row_get_selected (ADW_COMBO_ROW (dd_test_editor_child (f->editor, "picture_style_row"))), ==,
                   DD_PICTURE_STYLE_CARD);
  g_assert_cmpint (dd_profile_get_picture_style (f->profile), ==, DD_PICTURE_STYLE_CARD);
  g_assert_cmpint (dd_profile_get_checked_at (f->profile), ==, 0);
  g_assert_false (list_shows_checked (f));
  g_assert_true (dd_profile_store_load (again, NULL));
  g_assert_cmpint (dd_profile_get_picture_style (dd_profile_store_lookup (again, "Test Group")), ==,
                   DD_PICTURE_STYLE_CARD);
  g_assert_nonnull (strstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (f->editor)), "picture cards"));

  /* the toast's Test Again */
  g_assert_true (gtk_widget_activate_action (f->editor, "editor.test", NULL));
  g_assert_true (dd_test_wait_for (dialog_shown, NULL, 20000));
  upload = test_picture_upload (f);
  body = last_accepted (f);
  g_assert_cmpstr (json_object_get_string_member (body, "msgtype"), ==, "feedCard");
  card = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (body, "feedCard"),
                                                                      "links"), 0);
  g_assert_cmpstr (json_object_get_string_member (card, "picURL"), ==, upload->media_id);

  /* cards do not show either: the app robot is suggested */
  respond (dd_test_find_message_dialog (), "no");
  g_assert_nonnull (strstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (f->editor)), "app robot"));
}

/* A robot DingTalk refuses: no question, the reason on the Test's row. */
static void
test_failure (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *row = dd_test_editor_child (f->editor, "test_webhook_row");

  dd_robot_editor_test (DD_ROBOT_EDITOR (f->editor));
  g_assert_true (dd_test_wait_for (dd_test_editor_idle, f->editor, 20000));
  g_assert_null (dd_test_find_message_dialog ());
  g_assert_cmpstr (dd_robot_editor_get_message (DD_ROBOT_EDITOR (f->editor)), ==,
                   "The test picture could not be posted");
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "signing secret"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "310000"));
  g_assert_cmpint (dd_profile_get_checked_at (f->profile), ==, 0);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);

  /* a result for other values goes as soon as a field changes */
  gtk_editable_set_text (GTK_EDITABLE (dd_test_editor_child (f->editor, "keywords_row")), "changed");
  g_assert_false (gtk_widget_get_visible (row));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (dd_test_with_keyring ("/robot-test/skip"))
    {
      g_test_add ("/robot-test/yes", Fixture, NULL, fixture_set_up, test_yes, fixture_tear_down);
      g_test_add ("/robot-test/no", Fixture, NULL, fixture_set_up, test_no, fixture_tear_down);
      g_test_add ("/robot-test/failure", Fixture, "SECnot-the-robots-secret",
                  fixture_set_up, test_failure, fixture_tear_down);
    }

  return g_test_run ();
}
