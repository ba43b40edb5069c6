/* test-window-states.c: the main window over time, headless (under Xvfb):
 * a row paused by DingTalk's limit counts down on the outbox's clock, the
 * application stays up while it sends in the background, a finished batch
 * is announced by a notification or a toast, and Send is only offered
 * when there is something to send and a robot to send it to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "dd-application-private.h"
#include "dd-client.h"
#include "dd-fake-server.h"
#include "dd-notifier.h"
#include "dd-outbox.h"
#include "dd-queue-item.h"
#include "dd-queue-row.h"
#include "dd-secrets.h"
#include "ui-test-util.h"
#include "dd-window.h"

#define TOKEN      "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define SECRET     "SECtest-window-states-secret"
#define APP_KEY    "dingwindowstates"
#define APP_SECRET "window-states-app-secret"
#define TEST_APP_ID "io.github.dingdrop.DingDrop.WindowStatesTest"

#define SECOND (G_GINT64_CONSTANT (1) * G_USEC_PER_SEC)

typedef struct {
  char             *tmp;
  DdProfileStore   *store;
  DdFakeServer     *fake;
  DdClient         *client;
  DdOutbox         *outbox;
  gint64            now;           /* the outbox's clock */
  DdWindow         *window;
  GtkApplication   *app;
  DdNotifier       *notifier;       /* the application's, as DdApplication has */

  /* keep-sending */
  DdJob            *job;
  gboolean          timed_out;

  /* the notification server */
  GDBusConnection  *bus;
  guint             object_id;
  GPtrArray        *notifications;  /* of GVariant (ss@a{sv}), AddNotification's */
} Fixture;

static gint64
test_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GdkTexture) texture = NULL;

  gdk_pixbuf_fill (pixbuf, 0x2ec27eff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  return gdk_texture_save_to_png_bytes (texture);
}

/* A robot of the fake DingTalk; its secrets go to the keyring, where the
 * outbox reads them. */
static void
add_profile (Fixture    *f,
             const char *name)
{
  const char *base = f->fake ? dd_fake_server_get_base_url (f->fake) : "https://oapi.dingtalk.com";
  DdProfile *profile = dd_test_add_robot (f->store, name, base, TOKEN, SECRET, APP_KEY, APP_SECRET);

  if (f->fake != NULL)
    dd_test_store_secrets (profile);
}

/* @data: "send" for a test that sends to the fake DingTalk */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = dd_test_outbox_set_up ("dd-test-window-states-XXXXXX", &f->store, &f->client, &f->outbox);

  if (data != NULL)
    {
      f->fake = dd_fake_server_new ();
      dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
      dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
    }

  f->now = g_get_real_time ();
  dd_outbox_set_clock (f->outbox, test_clock, f);
  g_assert_true (dd_test_load_outbox (f->outbox, &error));
  g_assert_no_error (error);
}

static void
fixture_window (Fixture *f)
{
  f->window = g_object_ref_sink (dd_window_new_for (f->store, f->outbox));
  if (f->app != NULL)
    {
      gtk_window_set_application (GTK_WINDOW (f->window), f->app);
      if (f->notifier == NULL)
        f->notifier = dd_notifier_new (f->app);
    }
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->notifier);
  g_clear_object (&f->app);
  g_clear_object (&f->job);
  if (f->object_id != 0)
    g_dbus_connection_unregister_object (f->bus, f->object_id);
  if (f->bus != NULL)
    g_dbus_connection_close_sync (f->bus, NULL, NULL);
  g_clear_object (&f->bus);
  g_clear_pointer (&f->notifications, g_ptr_array_unref);
  dd_test_outbox_tear_down (&f->tmp, &f->store, &f->client, &f->outbox);
  g_clear_object (&f->fake);
}



static DdJob *
first_job (Fixture *f)
{
  if (g_list_model_get_n_items (dd_window_get_queue (f->window)) == 0)
    return NULL;
  return dd_queue_item_get_job (dd_test_queue_item (f->window, 0));
}

static gboolean
job_paused (gpointer data)
{
  Fixture *f = data;
  DdJob *job = first_job (f);

  return job != NULL && dd_job_get_state (job) == DD_JOB_PAUSED;
}

static gboolean
job_started (gpointer data)
{
  Fixture *f = data;
  DdJob *job = first_job (f);

  return job != NULL && dd_job_get_state (job) != DD_JOB_WAITING;
}

static gboolean
job_finished (gpointer data)
{
  Fixture *f = data;
  DdJob *job = first_job (f);

  return job != NULL && dd_job_is_finished (job);
}

/* ---- the countdown ------------------------------------------------------ */

static const char *
summary_text (Fixture *f)
{
  GtkLabel *summary = GTK_LABEL (dd_test_window_child (f->window, "summary_label"));

  return gtk_label_get_text (summary);
}

/* The robot's banner: its text if it is shown, else "". */
static const char *
banner_text (Fixture *f)
{
  GtkRevealer *revealer = GTK_REVEALER (dd_test_window_child (f->window, "banner_revealer"));
  GtkLabel *label = GTK_LABEL (dd_test_window_child (f->window, "banner_label"));

  return gtk_revealer_get_reveal_child (revealer) ? gtk_label_get_text (label) : "";
}

static gboolean
rows_say_paused (gpointer data)
{
  Fixture *f = data;
  for (guint i = 0; i < 2; i++)
    if (!g_str_has_prefix (dd_queue_row_get_status (dd_test_queue_row (f->window, i)), "Paused by DingTalk ·"))
      return FALSE;
  return TRUE;
}

static gboolean
summary_says_9_59 (gpointer data)
{
  Fixture *f = data;
  return strstr (banner_text (f), "(9:59 left)") != NULL;
}

static gboolean
summary_says_5_42 (gpointer data)
{
  Fixture *f = data;
  return strstr (banner_text (f), "(5:42 left)") != NULL;
}

static gboolean
row_says_sent (Fixture *f)
{
  return g_str_has_prefix (dd_queue_row_get_status (dd_test_queue_row (f->window, 0)), "Sent");
}

/* DingTalk says 410100: the robot is paused, and the window says so once,
 * with the time it ends by the outbox's clock (not the wall clock), not on
 * every row; once that clock passes it, the image goes and the row says
 * so; ten minutes pass in no time. */
static void
test_paused_robot (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (40, 30);
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *until = NULL;
  gint64 retry_at;
  DdJob *job;

  add_profile (f, "Team Group");
  dd_fake_server_set_next_errcode (f->fake, "/robot/send", 410100,
                                   "send too fast, exceed 20 times per minute");
  fixture_window (f);
  dd_window_add_bytes (f->window, png, "limited.png");
  dd_window_add_bytes (f->window, png, "limited-too.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));

  g_assert_true (dd_test_wait_for (job_paused, f, 10000));
  job = first_job (f);
  retry_at = dd_job_get_retry_at (job);
  g_assert_cmpint (retry_at, ==, f->now + DD_OUTBOX_RATE_PAUSE_SECONDS * SECOND);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);
  /* the robot's other image waits too, without a countdown of its own */
  g_assert_true (dd_test_wait_for (rows_say_paused, f, 3000));
  when = g_date_time_new_from_unix_local (retry_at / SECOND);
  until = g_date_time_format (when, "%H:%M");
  /* one banner for the robot, at once; not the summary, not the rows */
  g_assert_true (g_str_has_prefix (banner_text (f), "DingTalk paused this robot until "));
  g_assert_nonnull (strstr (banner_text (f), until));
  g_assert_null (strstr (summary_text (f), "paused"));
  g_test_message ("banner: %s", banner_text (f));

  /* the outbox's clock moves, the wall clock hardly: the time left
   * follows the outbox (the summary refreshes it every second) */
  f->now += SECOND;
  g_assert_true (dd_test_wait_for (summary_says_9_59, f, 3000));
  f->now = retry_at - (5 * 60 + 42) * SECOND;
  g_assert_true (dd_test_wait_for (summary_says_5_42, f, 3000));
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_PAUSED);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);

  /* past retry-at: sent, without waiting ten minutes */
  f->now = retry_at + SECOND;
  g_assert_true (dd_test_wait_for (job_finished, f, 10000));
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
  g_assert_true (row_says_sent (f));
  g_assert_cmpstr (banner_text (f), ==, "");
}

/* ---- a notification server ---------------------------------------------- */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "      <arg type='a{sv}' name='notification' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    g_ptr_array_add (f->notifications, g_variant_ref (parameters));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

/* What GNOME Shell does: org.gtk.Notifications on the session bus, on a
 * connection of its own. GNOTIFICATION_BACKEND=gtk (set in main()) makes
 * GApplication send there. */
static void
start_notification_server (Fixture *f)
{
  f->notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  f->bus = dd_test_serve_on_session_bus (notifications_xml, "org.gtk.Notifications",
                                         "/org/gtk/Notifications", &notifications_vtable,
                                         f, &f->object_id);
}

static gboolean
has_notification (GPtrArray  *notifications,
                  const char *id)
{
  for (guint i = 0; i < notifications->len; i++)
    {
      const char *app_id, *notification_id;

      g_variant_get (notifications->pdata[i], "(&s&s@a{sv})", &app_id, &notification_id, NULL);
      if (g_str_equal (notification_id, id))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_batch_notification (gpointer data)
{
  Fixture *f = data;
  return has_notification (f->notifications, "batch-finished");
}

static gboolean
has_barrier_notification (gpointer data)
{
  Fixture *f = data;
  return has_notification (f->notifications, "barrier");
}

/* ---- Keep Sending ------------------------------------------------------- */


static gboolean
give_up_cb (gpointer user_data)
{
  Fixture *f = user_data;

  f->timed_out = TRUE;
  g_application_quit (G_APPLICATION (f->app));
  return G_SOURCE_REMOVE;
}

/* Inside g_application_run(): a window that is sending, closed with
 * "Keep Sending". */
static void
keep_sending_activate_cb (GApplication *app,
                          Fixture      *f)
{
  g_autoptr(GBytes) png = make_png (60, 40);
  AdwMessageDialog *dialog;

  /* the application's own window, on the test's robots and outbox */
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  f->window = g_object_ref (DD_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  dd_window_add_bytes (f->window, png, "background.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (job_started, f, 10000));
  f->job = g_object_ref (first_job (f));

  gtk_window_close (GTK_WINDOW (f->window));
  dialog = dd_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "background");  /* what clicking the button does */
  gtk_window_close (GTK_WINDOW (dialog));

  /* the window is gone from the screen, the image still on its way */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  g_assert_false (dd_job_is_finished (f->job));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);

  /* from here the application runs on its own */
}

/* "Keep Sending": the application outlives its window until the batch has
 * arrived, then lets go and quits. */
static void
test_keep_sending (Fixture       *f,
                   gconstpointer  data)
{
  guint give_up;
  int status;

  start_notification_server (f);
  add_profile (f, "Team Group");
  /* slow answers keep the image on its way for a couple of seconds */
  dd_fake_server_set_latency (f->fake, 1000);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 2);

  /* the application, which owns the outbox, keeps sending */
  f->app = GTK_APPLICATION (_dd_application_new_for (TEST_APP_ID, f->store, f->outbox));
  g_signal_connect_after (f->app, "activate", G_CALLBACK (keep_sending_activate_cb), f);
  give_up = g_timeout_add_seconds (12, give_up_cb, f);
  status = g_application_run (G_APPLICATION (f->app), 0, NULL);

  /* it quit by itself, and only once the image had arrived */
  g_assert_false (f->timed_out);
  g_source_remove (give_up);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (f->job);
  g_assert_cmpint (dd_job_get_state (f->job), ==, DD_JOB_SENT);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 1);
  g_assert_null (gtk_application_get_windows (f->app));

  /* and, with no window to show it in, said so in a notification */
  g_assert_true (dd_test_wait_for (has_batch_notification, f, 5000));
}

/* ---- a finished batch --------------------------------------------------- */

static gboolean
window_is_active (gpointer data)
{
  Fixture *f = data;
  return gtk_window_is_active (GTK_WINDOW (f->window));
}

static gboolean
window_is_inactive (gpointer data)
{
  Fixture *f = data;
  return !gtk_window_is_active (GTK_WINDOW (f->window));
}

static gboolean
toast_says_2_sent (gpointer data)
{
  Fixture *f = data;
  return g_strcmp0 (dd_window_get_last_toast (f->window), "2 images sent to Team Group") == 0;
}

/* Sends @n images, the rows of earlier batches making way for them. */
static void
send_images (Fixture *f,
             guint    n)
{
  g_autoptr(GBytes) png = make_png (30, 30);

  for (guint i = 0; i < n; i++)
    dd_window_add_bytes (f->window, png, "shot.png");
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, n);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (job_finished, f, 10000));
  g_assert_cmpint (dd_job_get_state (first_job (f)), ==, DD_JOB_SENT);
}

/* A finished batch: a notification when the user looks elsewhere, a toast
 * (and no notification) while the window has the focus. */
static void
test_notification (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GNotification) barrier = NULL;
  GtkWidget *other;
  const char *app_id, *id, *title, *body;
  g_autoptr(GVariant) notification = NULL;

  start_notification_server (f);
  add_profile (f, "Team Group");
  f->app = gtk_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  fixture_window (f);

  /* another window has the focus */
  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (dd_test_wait_for (window_is_inactive, f, 5000));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));

  send_images (f, 1);
  g_assert_true (dd_test_wait_for (has_batch_notification, f, 5000));
  g_assert_cmpuint (f->notifications->len, ==, 1);
  g_variant_get (f->notifications->pdata[0], "(&s&s@a{sv})", &app_id, &id, &notification);
  g_assert_cmpstr (app_id, ==, TEST_APP_ID);
  g_assert_cmpstr (id, ==, "batch-finished");
  g_assert_true (g_variant_lookup (notification, "title", "&s", &title));
  g_assert_cmpstr (title, ==, "Images Sent");
  g_assert_true (g_variant_lookup (notification, "body", "&s", &body));
  g_assert_cmpstr (body, ==, "1 image sent to Team Group");
  g_clear_pointer (&notification, g_variant_unref);

  /* the window has the focus: a toast, no notification */
  gtk_window_destroy (GTK_WINDOW (other));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (dd_test_wait_for (window_is_active, f, 5000));
  g_ptr_array_set_size (f->notifications, 0);

  send_images (f, 2);
  g_assert_true (dd_test_wait_for (toast_says_2_sent, f, 10000));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), >=, 3);

  /* the application's notifications arrive in order: once this one is in,
   * any the window sent would be too */
  barrier = g_notification_new ("barrier");
  g_application_send_notification (G_APPLICATION (f->app), "barrier", barrier);
  g_assert_true (dd_test_wait_for (has_barrier_notification, f, 5000));
  g_assert_false (has_batch_notification (f));
  g_assert_cmpuint (f->notifications->len, ==, 1);
}

/* ---- Send --------------------------------------------------------------- */

static gboolean
send_is_sensitive (DdWindow *window)
{
  GtkWidget *button = GTK_WIDGET (dd_test_window_child (window, "send_button"));

  return gtk_widget_is_sensitive (button);
}

static gboolean
queue_has_1 (gpointer data)
{
  Fixture *f = data;
  return g_list_model_get_n_items (dd_window_get_queue (f->window)) == 1;
}

/* Send is offered only with an image queued and a robot chosen. */
static void
test_send_sensitivity (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (20, 20);
  GtkLabel *summary;

  fixture_window (f);
  summary = GTK_LABEL (dd_test_window_child (f->window, "summary_label"));

  /* nothing queued, no robot */
  g_assert_false (send_is_sensitive (f->window));

  /* an image, but no robot: nothing happens when Send is tried anyway */
  dd_window_add_bytes (f->window, png, "nowhere.png");
  g_assert_true (dd_test_wait_for (queue_has_1, f, 5000));
  g_assert_false (send_is_sensitive (f->window));
  g_assert_cmpstr (gtk_label_get_text (summary), ==, "Add a robot to send");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL);
  g_assert_null (dd_queue_item_get_job (dd_test_queue_item (f->window, 0)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 0);

  /* a robot arrives: it is chosen, and Send is offered */
  add_profile (f, "Team Group");
  g_assert_true (send_is_sensitive (f->window));
  g_assert_cmpstr (gtk_label_get_text (summary), ==, "1 image to Team Group");

  /* the image removed (its row's button): a robot, but nothing to send */
  g_signal_emit_by_name (dd_test_queue_row (f->window, 0), "remove");
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 0);
  g_assert_false (send_is_sensitive (f->window));
}

int
main (int    argc,
      char **argv)
{
  /* GApplication's notifications go to org.gtk.Notifications, which the
   * notification test serves itself */
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  dd_test_init (&argc, &argv);

  g_test_add ("/window-states/send-sensitivity", Fixture, NULL, fixture_set_up, test_send_sensitivity, fixture_tear_down);
  /* sending needs the secrets in a keyring: run-with-keyring.sh */
  if (g_strcmp0 (g_getenv ("DD_TEST_SECRETS_BACKEND"), "keyring") == 0)
    {
      g_test_add ("/window-states/paused-robot", Fixture, "send", fixture_set_up, test_paused_robot, fixture_tear_down);
      g_test_add ("/window-states/keep-sending", Fixture, "send", fixture_set_up, test_keep_sending, fixture_tear_down);
      g_test_add ("/window-states/notification", Fixture, "send", fixture_set_up, test_notification, fixture_tear_down);
    }

  return g_test_run ();
}
