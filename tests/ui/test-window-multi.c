/* test-window-multi.c: the main window sending to several groups at once,
 * headless (under Xvfb), against the fake DingTalk with two robots: the
 * robot chooser's selection and its header, each robot's messages, the
 * rows' line per robot, the bar counting messages, a Retry that goes
 * only to the robot that failed, and the selection remembered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "dd-client.h"
#include "dd-fake-server.h"
#include "dd-outbox.h"
#include "dd-queue-item.h"
#include "dd-queue-row.h"
#include "dd-robot-chooser.h"
#include "dd-secrets.h"
#include "ui-test-util.h"
#include "dd-window-private.h"

#define TOKEN_A    "aaaa0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
#define SECRET_A   "SECtest-window-multi-a"
#define TOKEN_B    "bbbb0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
#define SECRET_B   "SECtest-window-multi-b"
#define APP_KEY    "dingwindowmulti"
#define APP_SECRET "window-multi-app-secret"

typedef struct {
  char           *tmp;
  DdProfileStore *store;
  DdFakeServer   *fake;
  DdClient       *client;
  DdOutbox       *outbox;
  GSettings      *settings;
  DdWindow       *window;
  const char     *want_toast;
  guint           n_toasts;    /* sends the window told of */
  guint           want_told;
} Fixture;

static GBytes *
make_png (guint32 rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  g_autoptr(GdkTexture) texture = NULL;

  gdk_pixbuf_fill (pixbuf, rgba);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  return gdk_texture_save_to_png_bytes (texture);
}

static DdProfile *
add_profile (Fixture    *f,
             const char *name,
             const char *token,
             const char *secret)
{
  /* the store holds it */
  return dd_test_add_keyring_robot (f->store, name, dd_fake_server_get_base_url (f->fake),
                                    token, secret, APP_KEY, APP_SECRET);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  f->tmp = dd_test_outbox_set_up ("dd-test-window-multi-XXXXXX", &f->store, &f->client, &f->outbox);
  f->settings = g_settings_new_with_backend ("io.github.dingdrop.DingDrop", backend);

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN_A, SECRET_A, NULL);
  dd_fake_server_add_robot (f->fake, TOKEN_B, SECRET_B, NULL);

  g_assert_true (dd_test_load_outbox (f->outbox, &error));
  g_assert_no_error (error);
  dd_outbox_start (f->outbox);
}

static void count_send_finished (DdWindow *window,
                                 gpointer  summary,
                                 Fixture  *f);

static void
fixture_window (Fixture *f)
{
  f->window = g_object_ref_sink (g_object_new (DD_TYPE_WINDOW,
                                               "profiles", f->store,
                                               "outbox", f->outbox,
                                               "settings", f->settings,
                                               NULL));
  g_signal_connect (f->window, "send-finished", G_CALLBACK (count_send_finished), f);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_close_window (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fixture_close_window (f);
  dd_test_outbox_tear_down (&f->tmp, &f->store, &f->client, &f->outbox);
  g_clear_object (&f->fake);
  g_clear_object (&f->settings);
}

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  return dd_test_window_child (f->window, name);
}

static DdRobotChooser *
chooser (Fixture *f)
{
  return DD_ROBOT_CHOOSER (child (f, "robot_chooser"));
}

/* The robot's row in the chooser's list, and its check button. */
static GtkWidget *
chooser_row (Fixture    *f,
             const char *name)
{
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (chooser (f)));
  GtkPopover *popover = GTK_POPOVER (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  DdProfile *profile = dd_profile_store_lookup (f->store, name);
  GtkWidget *row;

  g_assert_nonnull (profile);
  row = dd_test_find_named (GTK_WIDGET (popover), dd_profile_get_id (profile));
  g_assert_true (GTK_IS_LIST_BOX_ROW (row));
  return row;
}

static GtkCheckButton *
chooser_check (Fixture    *f,
               const char *name)
{
  GtkWidget *row = chooser_row (f, name);

  return GTK_CHECK_BUTTON (gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))));
}

static void
open_chooser (Fixture *f)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (chooser (f)))));
}

static void
close_chooser (Fixture *f)
{
  gtk_menu_button_popdown (GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (chooser (f)))));
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (dd_window_get_queue (f->window));
}

/* Every row has a job for each of @n robots, and each is finished. */
static gboolean
all_finished (Fixture *f,
              guint    n)
{
  for (guint i = 0; i < n_rows (f); i++)
    {
      GPtrArray *jobs = dd_queue_item_get_jobs (dd_test_queue_item (f->window, i));

      if (jobs->len != n)
        return FALSE;
      for (guint j = 0; j < jobs->len; j++)
        if (!dd_job_is_finished (g_ptr_array_index (jobs, j)))
          return FALSE;
    }
  return gtk_widget_get_visible (child (f, "finished_box"));
}

static gboolean
all_finished_2 (gpointer data)
{
  return all_finished (data, 2);
}

/* How many messages the robot of @token's group showed with the image
 * named @name (accepted, not a duplicate). */
static guint
shown_in_group (Fixture    *f,
                const char *token,
                const char *name)
{
  GPtrArray *messages = dd_fake_server_get_messages (f->fake);
  g_autofree char *alt = g_strdup_printf ("![%s](@", name);
  guint n = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      DdFakeMessage *m = g_ptr_array_index (messages, i);
      gsize size;
      const char *body = g_bytes_get_data (m->raw_body, &size);
      g_autofree char *text = g_strndup (body, size);

      if (m->accepted && !m->duplicate && g_strcmp0 (m->access_token, token) == 0 &&
          strstr (text, alt) != NULL)
        n++;
    }
  return n;
}

/* ---- one toast for a send ------------------------------------------------ */

/* The window's last toast is f->want_toast. */
static gboolean
toast_is (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (dd_window_get_last_toast (f->window), f->want_toast) == 0;
}

static Fixture *
toast_want (Fixture    *f,
            const char *text)
{
  f->want_toast = text;
  return f;
}

static void
count_send_finished (DdWindow *window,
                     gpointer  summary,
                     Fixture  *f)
{
  f->n_toasts++;
}

static gboolean
told_n (gpointer data)
{
  Fixture *f = data;

  return f->n_toasts == f->want_told;
}

static Fixture *
want_told (Fixture *f,
           guint    n)
{
  f->want_told = n;
  return f;
}

static void
add_two_images (Fixture *f)
{
  g_autoptr(GBytes) first = make_png (0x3584e4ff);
  g_autoptr(GBytes) second = make_png (0xe01b24ff);

  dd_window_add_bytes (f->window, first, "first.png");
  dd_window_add_bytes (f->window, second, "second.png");
  g_assert_cmpuint (n_rows (f), ==, 2);
}

static void
send (Fixture *f)
{
  GtkWidget *button = child (f, "send_button");

  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* ---- two robots ------------------------------------------------------------ */

/* The bar counts a message per image and robot: "… of 4 sent". */
static gboolean
bar_counts_4 (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_visible (child (f, "progress_box")) &&
         g_str_has_suffix (gtk_label_get_text (GTK_LABEL (child (f, "progress_label"))), " of 4 sent");
}

/* Two robots chosen with the chooser (a click on one's name, the other's
 * check button); Send: each group gets both images, once; each row says
 * both robots' results; the bar counted messages. */
static void
test_two_robots (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(GStrv) remembered = NULL;

  add_profile (f, "Team A", TOKEN_A, SECRET_A);
  add_profile (f, "Team B", TOKEN_B, SECRET_B);
  fixture_window (f);

  /* one robot, as a drop-down: a click on the name */
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team B"));
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team B");
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team B")));
  g_assert_false (gtk_check_button_get_active (chooser_check (f, "Team A")));
  /* the other one too: its check button */
  open_chooser (f);
  gtk_widget_activate (GTK_WIDGET (chooser_check (f, "Team A")));
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team A")));
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team B")));
  close_chooser (f);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A + 1");
  remembered = g_settings_get_strv (f->settings, "last-robots");
  g_assert_cmpuint (g_strv_length (remembered), ==, 2);

  add_two_images (f);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "summary_label"))), ==,
                   "2 images to Team A, Team B");
  /* slow enough to see the bar while it goes */
  dd_fake_server_set_latency (f->fake, 300);
  send (f);
  g_assert_true (gtk_widget_get_visible (child (f, "progress_box")));
  g_assert_true (dd_test_wait_for (bar_counts_4, f, 10000));
  g_assert_true (dd_test_wait_for (all_finished_2, f, 20000));

  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "second.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "second.png"), ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 4);

  for (guint i = 0; i < 2; i++)
    {
      DdQueueRow *row = dd_test_queue_row (f->window, i);

      g_assert_cmpstr (dd_queue_row_get_robot_lines (row), ==, "Team A: Sent\nTeam B: Sent");
      g_assert_true (g_str_has_prefix (dd_queue_row_get_status (row), "Sent to 2 of 2"));
    }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "finished_label"))), ==, "4 messages sent");
  /* one toast for the send, not one a robot */
  g_assert_true (dd_test_wait_for (toast_is, toast_want (f, "2 images sent to Team A and Team B"), 10000));
  g_assert_cmpuint (f->n_toasts, ==, 1);

  /* the two robots are chosen again in the next window */
  fixture_close_window (f);
  fixture_window (f);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A + 1");
}

static gboolean
b_failed_a_sent (gpointer data)
{
  Fixture *f = data;

  if (!all_finished (f, 2))
    return FALSE;
  for (guint i = 0; i < n_rows (f); i++)
    {
      DdQueueItem *item = dd_test_queue_item (f->window, i);
      DdJob *a = dd_queue_item_find_job (item, dd_profile_get_id (dd_profile_store_lookup (f->store, "Team A")));
      DdJob *b = dd_queue_item_find_job (item, dd_profile_get_id (dd_profile_store_lookup (f->store, "Team B")));

      if (a == NULL || b == NULL || dd_job_get_state (a) != DD_JOB_SENT || dd_job_get_state (b) != DD_JOB_FAILED)
        return FALSE;
    }
  return TRUE;
}

static gboolean
first_row_sent_everywhere (gpointer data)
{
  Fixture *f = data;
  GPtrArray *jobs = dd_queue_item_get_jobs (dd_test_queue_item (f->window, 0));

  for (guint j = 0; j < jobs->len; j++)
    if (dd_job_get_state (g_ptr_array_index (jobs, j)) != DD_JOB_SENT)
      return FALSE;
  return jobs->len == 2;
}

/* One robot's secret is wrong: the other group still gets both images;
 * each row says which robot failed and why; Retry on a row, once the
 * secret is right, goes to that robot only: its group gets the image,
 * the other group does not get it twice. */
static void
test_one_robot_fails (Fixture       *f,
                      gconstpointer  data)
{
  DdProfile *b;
  DdQueueRow *row;
  const char *lines;

  add_profile (f, "Team A", TOKEN_A, SECRET_A);
  b = add_profile (f, "Team B", TOKEN_B, "SECnot-the-secret");
  fixture_window (f);
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team A"));
  open_chooser (f);
  gtk_widget_activate (GTK_WIDGET (chooser_check (f, "Team B")));
  close_chooser (f);

  add_two_images (f);
  send (f);
  g_assert_true (dd_test_wait_for (b_failed_a_sent, f, 20000));

  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "second.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 0);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "second.png"), ==, 0);

  row = dd_test_queue_row (f->window, 0);
  lines = dd_queue_row_get_robot_lines (row);
  g_assert_true (g_str_has_prefix (lines, "Team A: Sent\nTeam B: Not sent · The robot’s signing secret does not match"));
  g_assert_true (g_str_has_prefix (dd_queue_row_get_status (row), "Sent to 1 of 2"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "finished_label"))), ==,
                   "2 messages sent · 2 could not be sent");
  g_assert_true (gtk_widget_get_visible (child (f, "retry_all_button")));
  g_assert_true (dd_test_wait_for (toast_is, toast_want (f, "2 images sent to Team A; 2 failed for Team B"), 10000));

  /* the secret put right; Retry on the first row */
  dd_profile_set_secret (b, SECRET_B);
  dd_test_store_secrets (b);
  {
    /* its button, clicked for real: it must be enabled */
    GtkWidget *retry = dd_test_find_tooltip (GTK_WIDGET (row), "Retry for Team B");

    g_assert_nonnull (retry);
    g_assert_true (gtk_widget_is_sensitive (retry));
    g_assert_true (dd_test_click (retry));
  }
  g_assert_true (dd_test_wait_for (first_row_sent_everywhere, f, 20000));
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "second.png"), ==, 0);
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "first.png"), ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
  g_assert_cmpstr (dd_queue_row_get_robot_lines (dd_test_queue_row (f->window, 0)), ==,
                   "Team A: Sent\nTeam B: Sent");
}

/* Every job of the rows is in @state. */
static gboolean
all_in (Fixture  *f,
        DdJobState state)
{
  for (guint i = 0; i < n_rows (f); i++)
    {
      GPtrArray *jobs = dd_queue_item_get_jobs (dd_test_queue_item (f->window, i));

      for (guint j = 0; j < jobs->len; j++)
        if (dd_job_get_state (g_ptr_array_index (jobs, j)) != state)
          return FALSE;
    }
  return n_rows (f) == 2;
}

static gboolean all_failed (gpointer data) { return all_finished (data, 2) && all_in (data, DD_JOB_FAILED); }

/* Both robots' secrets wrong, then right: Retry All sends to both, and
 * tells it in one toast, as the send did, not one a robot. */
static void
test_retry_all (Fixture       *f,
                gconstpointer  data)
{
  DdProfile *a = add_profile (f, "Team A", TOKEN_A, "SECnot-a");
  DdProfile *b = add_profile (f, "Team B", TOKEN_B, "SECnot-b");
  guint told;

  fixture_window (f);
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team A"));
  open_chooser (f);
  gtk_widget_activate (GTK_WIDGET (chooser_check (f, "Team B")));
  close_chooser (f);
  add_two_images (f);
  send (f);
  g_assert_true (dd_test_wait_for (all_failed, f, 20000));
  g_assert_true (dd_test_wait_for (told_n, want_told (f, 1), 10000));
  g_test_message ("the send: %s", dd_window_get_last_toast (f->window));
  told = f->n_toasts;

  dd_profile_set_secret (a, SECRET_A);
  dd_test_store_secrets (a);
  dd_profile_set_secret (b, SECRET_B);
  dd_test_store_secrets (b);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.retry-all", NULL));
  g_assert_true (dd_test_wait_for (told_n, want_told (f, told + 1), 20000));
  g_assert_cmpstr (dd_window_get_last_toast (f->window), ==, "2 images sent to Team A and Team B");
  g_assert_cmpuint (f->n_toasts, ==, told + 1);
  g_assert_true (all_in (f, DD_JOB_SENT));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 4);
}

/* ---- Stop and Send More --------------------------------------------------------- */

static gboolean
jobs_exist (gpointer data)
{
  Fixture *f = data;

  return dd_queue_item_get_jobs (dd_test_queue_item (f->window, 0))->len == 2 &&
         dd_queue_item_get_jobs (dd_test_queue_item (f->window, 1))->len == 2;
}

static gboolean
one_arrived (gpointer data)
{
  return dd_fake_server_count_accepted_messages (((Fixture *) data)->fake) >= 1;
}

/* Nothing on its way: every row is ready to send, or finished. */
static gboolean
settled (gpointer data)
{
  Fixture *f = data;

  if (gtk_widget_get_visible (child (f, "progress_box")))
    return FALSE;
  for (guint i = 0; i < n_rows (f); i++)
    {
      GPtrArray *jobs = dd_queue_item_get_jobs (dd_test_queue_item (f->window, i));

      for (guint j = 0; j < jobs->len; j++)
        if (!dd_job_is_finished (g_ptr_array_index (jobs, j)))
          return FALSE;
    }
  return TRUE;
}

static gboolean
each_group_has_both (gpointer data)
{
  Fixture *f = data;

  return shown_in_group (f, TOKEN_A, "first.png") >= 1 && shown_in_group (f, TOKEN_A, "second.png") >= 1 &&
         shown_in_group (f, TOKEN_B, "first.png") >= 1 && shown_in_group (f, TOKEN_B, "second.png") >= 1 &&
         settled (f);
}

static void
choose_both (Fixture *f)
{
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team A"));
  open_chooser (f);
  gtk_widget_activate (GTK_WIDGET (chooser_check (f, "Team B")));
  close_chooser (f);
}

/* Closing the window while they are on their way asks first, counting
 * images (not a message per robot) and the groups they go to. */
static void
close_asks (Fixture    *f,
            const char *body)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;

  dd_window_confirm_close (f->window);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == GTK_WINDOW (f->window))
        dialog = ADW_MESSAGE_DIALOG (window);
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, body);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Stop while two images go to two slow groups: what had left arrives,
 * the rest waits in the list; Send again: each group has each image
 * exactly once — none lost, none twice. */
static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  add_profile (f, "Team A", TOKEN_A, SECRET_A);
  add_profile (f, "Team B", TOKEN_B, SECRET_B);
  fixture_window (f);
  choose_both (f);
  add_two_images (f);
  dd_fake_server_set_latency (f->fake, 400);
  send (f);
  g_assert_true (dd_test_wait_for (jobs_exist, f, 10000));
  close_asks (f, "2 images have not arrived yet in 2 groups. DingDrop can keep sending in the "
                 "background, or send them the next time it starts.");
  /* Stop once a message arrived: some rows have gone to one group only */
  g_assert_true (dd_test_wait_for (one_arrived, f, 10000));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.stop", NULL);
  g_assert_true (dd_test_wait_for (settled, f, 20000));
  g_test_message ("arrived before Stop took the rest back: %u of 4, in %u rows",
                  dd_fake_server_count_accepted_messages (f->fake), n_rows (f));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), <, 4);
  g_assert_true (gtk_widget_is_sensitive (child (f, "send_button")));
  /* the send stopped still ends, once, saying what arrived */
  g_assert_true (dd_test_wait_for (told_n, want_told (f, 1), 10000));
  g_test_message ("after Stop: %s", dd_window_get_last_toast (f->window));

  send (f);
  g_assert_true (dd_test_wait_for (each_group_has_both, f, 20000));
  g_assert_true (dd_test_wait_for (told_n, want_told (f, 2), 10000));
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "second.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "second.png"), ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 4);
}

static gboolean
copies_staged (gpointer data)
{
  Fixture *f = data;
  guint n_staged = 0;

  for (guint i = 0; i < n_rows (f); i++)
    n_staged += dd_queue_item_get_job (dd_test_queue_item (f->window, i)) == NULL;
  return n_staged == 2 && settled (f);
}

static gboolean
third_in_a (gpointer data)
{
  return shown_in_group (data, TOKEN_A, "third.png") == 1 && settled (data);
}

/* Send More with Team B's images failed: they wait in the list "To Team
 * B", and the summary says so; sent with only Team A chosen, they go to
 * Team B, not to Team A again (a new image beside them to Team A). */
static void
test_send_more_keeps_the_failed_robot (Fixture       *f,
                                       gconstpointer  data)
{
  DdProfile *b;

  add_profile (f, "Team A", TOKEN_A, SECRET_A);
  b = add_profile (f, "Team B", TOKEN_B, "SECnot-the-secret");
  fixture_window (f);
  choose_both (f);
  add_two_images (f);
  send (f);
  g_assert_true (dd_test_wait_for (b_failed_a_sent, f, 20000));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send-more", NULL);
  g_assert_true (dd_test_wait_for (copies_staged, f, 10000));
  for (guint i = 0; i < n_rows (f); i++)
    if (dd_queue_item_get_job (dd_test_queue_item (f->window, i)) == NULL)
      g_assert_cmpstr (dd_queue_row_get_robot (dd_test_queue_row (f->window, i)), ==, "To Team B");

  dd_profile_set_secret (b, SECRET_B);
  dd_test_store_secrets (b);
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team A"));   /* Team A alone */
  /* the summary says where Send takes them: not to Team A */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "summary_label"))), ==, "2 images to Team B");
  {
    g_autoptr(GBytes) third = make_png (0x2ec27eff);

    dd_window_add_bytes (f->window, third, "third.png");
  }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "summary_label"))), ==,
                   "2 images to Team B; 1 image to Team A");
  send (f);
  g_assert_true (dd_test_wait_for (each_group_has_both, f, 20000));
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_A, "second.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 1);
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "second.png"), ==, 1);
  g_assert_true (dd_test_wait_for (third_in_a, f, 20000));
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "third.png"), ==, 0);
}

static gboolean
finished_shown (gpointer data)
{
  return gtk_widget_get_visible (child (data, "finished_box"));
}

/* With one robot, a row looks as it always did: no line per robot. */
static void
test_one_robot_rows (Fixture       *f,
                     gconstpointer  data)
{
  add_profile (f, "Team A", TOKEN_A, SECRET_A);
  add_profile (f, "Team B", TOKEN_B, SECRET_B);
  fixture_window (f);
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team A"));
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A");

  /* the last robot chosen cannot be unticked: something is always chosen */
  open_chooser (f);
  gtk_widget_activate (GTK_WIDGET (chooser_check (f, "Team A")));
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team A")));
  close_chooser (f);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A");

  add_two_images (f);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "summary_label"))), ==, "2 images to Team A");
  send (f);
  g_assert_true (dd_test_wait_for (finished_shown, f, 20000));
  g_assert_null (dd_queue_row_get_robot_lines (dd_test_queue_row (f->window, 0)));
  g_assert_true (g_str_has_prefix (dd_queue_row_get_status (dd_test_queue_row (f->window, 0)), "Sent ·"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "finished_label"))), ==, "2 images sent to Team A");
  g_assert_cmpuint (shown_in_group (f, TOKEN_B, "first.png"), ==, 0);
}

/* ---- robots that load after the window ----------------------------------- */

/* A robot as the store loads it, not in the store yet */
static DdProfile *
new_robot (Fixture    *f,
           const char *name,
           const char *token)
{
  g_autoptr(GError) error = NULL;
  DdProfile *profile = dd_profile_new (name);
  g_autofree char *webhook = g_strdup_printf ("%s/robot/send?access_token=%s",
                                              dd_fake_server_get_base_url (f->fake), token);

  dd_profile_set_oapi_base (profile, dd_fake_server_get_base_url (f->fake));
  dd_profile_set_api_base (profile, dd_fake_server_get_base_url (f->fake));
  g_assert_true (dd_profile_set_webhook (profile, webhook, &error));
  g_assert_no_error (error);
  return profile;
}

static void
load_robot (Fixture   *f,
            DdProfile *profile)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_add (f->store, profile, &error));
  g_assert_no_error (error);
}

/* The window is up before the robots (as the application loads them):
 * the two of last time are chosen again as each arrives; once the user
 * has chosen, a robot of last time that arrives later is not added to
 * the choice. */
static void
test_robots_load_late (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(DdProfile) a = new_robot (f, "Team A", TOKEN_A);
  g_autoptr(DdProfile) b = new_robot (f, "Team B", TOKEN_B);
  g_autoptr(DdProfile) c = new_robot (f, "Team C", TOKEN_A);
  const char *last[] = { dd_profile_get_id (a), dd_profile_get_id (b), NULL };

  g_settings_set_strv (f->settings, "last-robots", last);
  g_settings_set_string (f->settings, "last-robot", last[0]);
  fixture_window (f);
  g_assert_null (dd_robot_chooser_get_primary (chooser (f)));

  load_robot (f, c);   /* not one of last time: chosen for now */
  load_robot (f, a);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A");
  /* not the user's choice: last time's is kept, should DingDrop close now */
  {
    g_auto(GStrv) saved = g_settings_get_strv (f->settings, "last-robots");

    g_assert_cmpstrv (saved, last);
  }
  load_robot (f, b);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A + 1");
  open_chooser (f);
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team A")));
  g_assert_true (gtk_check_button_get_active (chooser_check (f, "Team B")));
  g_assert_false (gtk_check_button_get_active (chooser_check (f, "Team C")));
  close_chooser (f);

  /* again, the user choosing before the second one of last time is there */
  fixture_close_window (f);
  g_clear_object (&f->store);
  {
    g_autofree char *config = g_build_filename (f->tmp, "config-late", NULL);

    f->store = dd_profile_store_new (config);
  }
  g_settings_set_strv (f->settings, "last-robots", last);
  fixture_window (f);
  load_robot (f, a);
  load_robot (f, c);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team A");
  open_chooser (f);
  gtk_widget_activate (chooser_row (f, "Team C"));   /* the user's choice */
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team C");
  load_robot (f, b);
  g_assert_cmpstr (dd_robot_chooser_get_label (chooser (f)), ==, "Team C");
}

int
main (int    argc,
      char **argv)
{
  dd_test_init (&argc, &argv);

  if (!dd_test_with_keyring ("/window-multi/two-robots"))
    return g_test_run ();

  g_test_add ("/window-multi/two-robots", Fixture, NULL, fixture_set_up, test_two_robots, fixture_tear_down);
  g_test_add ("/window-multi/one-robot-fails", Fixture, NULL, fixture_set_up, test_one_robot_fails, fixture_tear_down);
  g_test_add ("/window-multi/retry-all", Fixture, NULL, fixture_set_up, test_retry_all, fixture_tear_down);
  g_test_add ("/window-multi/one-robot-rows", Fixture, NULL, fixture_set_up, test_one_robot_rows, fixture_tear_down);
  g_test_add ("/window-multi/stop", Fixture, NULL, fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/window-multi/send-more-keeps-the-failed-robot", Fixture, NULL, fixture_set_up,
              test_send_more_keeps_the_failed_robot, fixture_tear_down);
  g_test_add ("/window-multi/robots-load-late", Fixture, NULL, fixture_set_up,
              test_robots_load_late, fixture_tear_down);

  return g_test_run ();
}
