/* test-notifier.c: "tell me when it is done", headless (under Xvfb, on
 * the private D-Bus session of run-with-keyring.sh): the real
 * DdApplication sends to the fake DingTalk; a batch that ends while no
 * window of it has the focus is announced through GLib's freedesktop
 * backend (GNOTIFICATION_BACKEND=freedesktop, what GNotification uses
 * outside Flatpak and GNOME Shell) to a fake org.freedesktop.Notifications
 * on the bus, with what arrived and what failed; clicking it (the
 * server's ActionInvoked "default") brings the window back, a new one if
 * it was closed.  With the window in front, a toast and no notification.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "dd-application.h"
#include "dd-fake-server.h"
#include "dd-secrets.h"
#include "ui-test-util.h"
#include "dd-robot-chooser.h"
#include "dd-window-private.h"

#define TOKEN      "0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd"
#define SECRET     "SECtest-notifier-secret"
#define APP_KEY    "dingnotifier"
#define APP_SECRET "notifier-app-secret"
#define TOKEN_B    "bbbbabcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd"
#define SECRET_B   "SECtest-notifier-secret-b"

typedef struct {
  char            *tmp;
  DdApplication   *app;
  DdFakeServer    *fake;
  guint            n_images;   /* made so far: each one different */

  /* the notification server, on a connection of its own */
  GDBusConnection *bus;
  guint            object_id;
  GPtrArray       *notifies;   /* of GVariant (susssasa{sv}i), Notify's */
} World;

static World world;

/* ---- the notification server --------------------------------------------- */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
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
  if (g_str_equal (method_name, "Notify"))
    {
      guint32 replaces;

      g_ptr_array_add (world.notifies, g_variant_ref (parameters));
      g_variant_get_child (parameters, 1, "u", &replaces);
      /* ids from 1, as servers count; a replaced one keeps its id */
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", replaces ? replaces : world.notifies->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "fake", "test", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

static void
start_notification_server (void)
{
  world.notifies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  world.bus = dd_test_serve_on_session_bus (notifications_xml, "org.freedesktop.Notifications",
                                            "/org/freedesktop/Notifications", &notifications_vtable,
                                            NULL, &world.object_id);
}

/* What a click on notification @id does: the server tells its sender. */
static void
click_notification (guint32 id)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (world.bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, "default"), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (world.bus, NULL, &error);
  g_assert_no_error (error);
}

static guint want_notifies;

static gboolean
has_notifies (gpointer data)
{
  return world.notifies->len >= want_notifies;
}

/* Notify's title and body, its actions and hints */
typedef struct {
  const char  *title;
  const char  *body;
  const char **actions;
  GVariant    *hints;
  guint32      replaces;
} Notify;

static void
get_notify (guint   i,
            Notify *n)
{
  g_variant_get (world.notifies->pdata[i], "(&su&s&s&s^a&s@a{sv}i)",
                 NULL, &n->replaces, NULL, &n->title, &n->body, &n->actions, &n->hints, NULL);
}

static void
clear_notify (Notify *n)
{
  g_clear_pointer (&n->actions, g_free);
  g_clear_pointer (&n->hints, g_variant_unref);
}

/* ---- the application ------------------------------------------------------ */

static DdWindow *
app_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (world.app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (DD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_shown (gpointer data)
{
  DdWindow *window = app_window ();

  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window)) &&
         gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (GTK_WINDOW (app_window ()));
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (app_window ()));
}

/* "Team Group", a robot of the fake DingTalk, secrets in the keyring */
static void
add_robot (void)
{
  DdProfile *profile = dd_test_add_robot (dd_application_get_profiles (world.app), "Team Group",
                                          dd_fake_server_get_base_url (world.fake),
                                          TOKEN, SECRET, APP_KEY, APP_SECRET);

  dd_test_store_secrets (profile);
}

static GBytes *
make_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 24, 24);
  g_autoptr(GdkTexture) texture = NULL;

  /* a colour of its own: DingDrop uploads the same image only once */
  gdk_pixbuf_fill (pixbuf, 0x10203000u + (++world.n_images << 8) + 0xff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  return gdk_texture_save_to_png_bytes (texture);
}

static gboolean
toast_says_1_sent (gpointer data)
{
  return g_strcmp0 (dd_window_get_last_toast (app_window ()), "1 image sent to Team Group") == 0;
}

/* Queues @n new images in the window and presses Send. */
static void
send_images (guint n)
{
  DdWindow *window = app_window ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) png = make_png ();

      dd_window_add_bytes (window, png, "shot.png");
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
}

/* ---- the tests ------------------------------------------------------------ */

/* At another program when the batch ends, one of three refused: the
 * notification says both, and clicking it brings the window to the
 * front. */
static void
test_unfocused (void)
{
  GtkWidget *other = gtk_window_new ();
  g_autofree char *desktop_entry = NULL;
  Notify n = { 0 };
  guint32 id;

  g_assert_true (dd_test_wait_for (window_shown, NULL, 5000));
  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (dd_test_wait_for (window_inactive, NULL, 5000));

  dd_fake_server_set_next_errcode (world.fake, "/robot/send", 310000, "sign not match");
  send_images (3);
  want_notifies = 1;
  g_assert_true (dd_test_wait_for (has_notifies, NULL, 20000));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (world.fake), ==, 2);

  get_notify (0, &n);
  g_assert_cmpstr (n.title, ==, "Some Images Were Not Sent");
  g_assert_cmpstr (n.body, ==, "2 images sent to Team Group, 1 failed");
  g_assert_cmpstr (n.actions[0], ==, "default");  /* clicking it does something */
  g_assert_true (g_variant_lookup (n.hints, "desktop-entry", "s", &desktop_entry));
  g_assert_cmpstr (desktop_entry, ==, APP_ID);
  clear_notify (&n);

  /* clicked: the window is in front again */
  id = world.notifies->len;
  click_notification (id);
  g_assert_true (dd_test_wait_for (window_active, NULL, 5000));
  gtk_window_destroy (GTK_WINDOW (other));
}

/* With the window in front, the toast says it, and no notification. */
static void
test_focused (void)
{
  g_autoptr(GNotification) barrier = g_notification_new ("barrier");
  guint before = world.notifies->len;
  const char *title;

  gtk_window_present (GTK_WINDOW (app_window ()));
  g_assert_true (dd_test_wait_for (window_active, NULL, 5000));
  send_images (1);
  g_assert_true (dd_test_wait_for (toast_says_1_sent, NULL, 20000));

  /* notifications leave in order: once this one is in, a batch's would be */
  g_application_send_notification (G_APPLICATION (world.app), "barrier", barrier);
  want_notifies = before + 1;
  g_assert_true (dd_test_wait_for (has_notifies, NULL, 5000));
  g_assert_cmpuint (world.notifies->len, ==, before + 1);
  g_variant_get_child (world.notifies->pdata[before], 3, "&s", &title);
  g_assert_cmpstr (title, ==, "barrier");
  g_application_withdraw_notification (G_APPLICATION (world.app), "barrier");
}

/* The window closed while its images are still on their way (hidden, as
 * Keep Sending leaves it), all arrive: "Images Sent".  Then the window
 * goes for good; clicking the notification opens a new one. */
static void
test_closed (void)
{
  guint before = world.notifies->len;
  Notify n = { 0 };
  DdWindow *window = app_window ();

  /* slow answers keep the images on their way for a while */
  dd_fake_server_set_latency (world.fake, 600);
  dd_fake_server_inject_fault (world.fake, DD_FAKE_FAULT_LATENCY, 2);
  send_images (2);
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  want_notifies = before + 1;
  g_assert_true (dd_test_wait_for (has_notifies, NULL, 20000));
  get_notify (before, &n);
  g_assert_cmpstr (n.title, ==, "Images Sent");
  g_assert_cmpstr (n.body, ==, "2 images sent to Team Group");
  g_assert_cmpstr (n.actions[0], ==, "default");
  clear_notify (&n);

  /* a new window may well reuse the old one's memory: compare by a mark,
   * not by address */
  g_object_set_data (G_OBJECT (window), "test-first-window", GINT_TO_POINTER (TRUE));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (app_window ());
  click_notification (world.notifies->len);
  g_assert_true (dd_test_wait_for (window_shown, NULL, 5000));
  g_assert_nonnull (app_window ());
  g_assert_null (g_object_get_data (G_OBJECT (app_window ()), "test-first-window"));
}

/* The application's notifications leave in order: once a barrier sent
 * after @before ones is in, any other would be too.  The number of
 * notifications before the barrier. */
static guint
notifies_before_barrier (void)
{
  g_autoptr(GNotification) barrier = g_notification_new ("barrier");
  guint n;
  const char *title;

  want_notifies = world.notifies->len + 1;
  g_application_send_notification (G_APPLICATION (world.app), "barrier", barrier);
  for (;;)
    {
      g_assert_true (dd_test_wait_for (has_notifies, NULL, 5000));
      n = world.notifies->len;
      g_variant_get_child (world.notifies->pdata[n - 1], 3, "&s", &title);
      if (g_str_equal (title, "barrier"))
        break;
      want_notifies = n + 1;
    }
  g_application_withdraw_notification (G_APPLICATION (world.app), "barrier");
  return n - 1;
}

/* Sent to two groups while the user is elsewhere: one notification for
 * the send, naming both groups (not one a group's batch). */
static void
test_two_groups (void)
{
  GtkWidget *other = gtk_window_new ();
  DdProfileStore *store = dd_application_get_profiles (world.app);
  DdProfile *b = dd_test_add_robot (store, "Team B", dd_fake_server_get_base_url (world.fake),
                                    TOKEN_B, SECRET_B, APP_KEY, APP_SECRET);
  const char *ids[3] = { NULL, NULL, NULL };
  DdWindow *window;
  guint before;
  Notify n = { 0 };

  dd_test_store_secrets (b);
  g_assert_true (dd_test_wait_for (window_shown, NULL, 5000));
  window = app_window ();
  ids[0] = dd_profile_get_id (dd_profile_store_lookup (store, "Team Group"));
  ids[1] = dd_profile_get_id (b);
  dd_robot_chooser_select (window->robot_chooser, ids);
  g_assert_cmpstr (dd_robot_chooser_get_label (window->robot_chooser), ==, "Team Group + 1");

  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (dd_test_wait_for (window_inactive, NULL, 5000));
  before = world.notifies->len;
  send_images (2);
  want_notifies = before + 1;
  g_assert_true (dd_test_wait_for (has_notifies, NULL, 20000));
  get_notify (before, &n);
  g_assert_cmpstr (n.title, ==, "Images Sent");
  g_assert_cmpstr (n.body, ==, "2 images sent to Team Group and Team B");
  clear_notify (&n);
  /* and no second one for the other group */
  g_assert_cmpuint (notifies_before_barrier (), ==, before + 1);
  gtk_window_destroy (GTK_WINDOW (other));
}

static void
added_elsewhere_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray **jobs = user_data;

  *jobs = dd_outbox_add_finish (DD_OUTBOX (source), result, &error);
  g_assert_no_error (error);
  dd_outbox_start (DD_OUTBOX (source));
}

static gboolean
jobs_added (gpointer data)
{
  return *(GPtrArray **) data != NULL;
}

static gboolean
job_sent (gpointer data)
{
  GPtrArray *jobs = *(GPtrArray **) data;

  return dd_job_get_state (g_ptr_array_index (jobs, 0)) == DD_JOB_SENT;
}

/* A batch the window did not start (dingdrop send in a terminal puts
 * its images into the same outbox) ends while the user is elsewhere:
 * no notification as if the window had sent it, no toast in the window. */
static void
test_not_the_windows (void)
{
  GtkWidget *other = gtk_window_new ();
  DdOutbox *outbox = dd_application_get_outbox (world.app);
  DdProfile *profile = dd_profile_store_lookup (dd_application_get_profiles (world.app), "Team Group");
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GBytes) png = make_png ();
  g_autofree char *toast = NULL;
  DdSendOptions options = { 0 };
  guint before;

  g_assert_true (dd_test_wait_for (window_shown, NULL, 5000));
  toast = g_strdup (dd_window_get_last_toast (app_window ()));
  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (dd_test_wait_for (window_inactive, NULL, 5000));
  before = world.notifies->len;

  g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (png, "terminal.png"));
  dd_outbox_add_async (outbox, profile, sources, &options, NULL, added_elsewhere_cb, &jobs);
  g_assert_true (dd_test_wait_for (jobs_added, &jobs, 10000));
  g_assert_true (dd_test_wait_for (job_sent, &jobs, 20000));

  g_assert_cmpuint (notifies_before_barrier (), ==, before);
  g_assert_cmpstr (dd_window_get_last_toast (app_window ()), ==, toast);
  gtk_window_destroy (GTK_WINDOW (other));
}

/* Every image refused: "Images Were Not Sent", and where to look. */
static void
test_all_failed (void)
{
  GtkWidget *other = gtk_window_new ();
  guint before = world.notifies->len;
  Notify n = { 0 };

  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (dd_test_wait_for (window_inactive, NULL, 5000));
  dd_fake_server_set_next_errcode (world.fake, "/robot/send", 310000, "sign not match");
  send_images (1);

  want_notifies = before + 1;
  g_assert_true (dd_test_wait_for (has_notifies, NULL, 20000));
  get_notify (before, &n);
  g_assert_cmpstr (n.title, ==, "Images Were Not Sent");
  g_assert_cmpstr (n.body, ==, "1 image could not be sent to Team Group. Open DingDrop to see why.");
  clear_notify (&n);
  gtk_window_destroy (GTK_WINDOW (other));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* a world of its own: robots and outbox in a temporary folder */
  world.tmp = dd_test_private_home ("dd-test-notifier-XXXXXX");
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* sending needs the secrets in a keyring, and the notifications a bus */
  if (g_strcmp0 (g_getenv ("DD_TEST_SECRETS_BACKEND"), "keyring") != 0)
    {
      g_test_skip ("needs the keyring of run-with-keyring.sh");
      return g_test_run ();
    }

  start_notification_server ();
  world.fake = dd_fake_server_new ();
  dd_fake_server_add_app (world.fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (world.fake, TOKEN, SECRET, NULL);
  dd_fake_server_add_robot (world.fake, TOKEN_B, SECRET_B, NULL);

  world.app = dd_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (world.app), NULL, &error));
  g_assert_no_error (error);
  add_robot ();
  g_application_activate (G_APPLICATION (world.app));

  g_test_add_func ("/notifier/unfocused", test_unfocused);
  g_test_add_func ("/notifier/focused", test_focused);
  g_test_add_func ("/notifier/closed", test_closed);
  g_test_add_func ("/notifier/all-failed", test_all_failed);
  g_test_add_func ("/notifier/two-groups", test_two_groups);
  g_test_add_func ("/notifier/not-the-windows", test_not_the_windows);
  status = g_test_run ();

  dd_test_remove_dir (world.tmp);
  return status;
}
