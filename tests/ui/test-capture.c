/* test-capture.c: Take Screenshot, headless (under Xvfb, on the private
 * D-Bus session of run-with-keyring.sh): the real DdApplication asks a
 * fake Screenshot portal (fake-screenshot-portal.py, which answers as
 * xdg-desktop-portal does) and queues what it hands back, pixel for
 * pixel; a cancelled screenshot, a failed one and a session without any
 * portal each say so in a toast and queue nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "dd-application.h"
#include "ui-test-util.h"
#include "dd-window.h"

#define WIDTH  64
#define HEIGHT 48

typedef struct {
  char           *tmp;
  DdApplication  *app;
  GSubprocess    *portal;
  char           *image;    /* what the portal "captured" */
  char           *log;      /* its record of the calls */
} World;

static World world;

/* ---- the fake portal ----------------------------------------------------- */

static gboolean
portal_has_owner (gboolean owned)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (world.app));
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.portal.Desktop"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &has);
  return has == owned;
}

/* Starts the portal, answering @response (0, 1 or 2) to every call. */
static void
start_portal (int response)
{
  const char *script = g_getenv ("DD_FAKE_SCREENSHOT_PORTAL");
  g_autofree char *response_arg = g_strdup_printf ("%d", response);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (script);
  g_assert_null (world.portal);
  g_assert_true (portal_has_owner (FALSE));
  g_remove (world.log);

  world.portal = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                   "/usr/bin/python3", script, "--response", response_arg,
                                   "--image", world.image, "--log", world.log, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (world.portal));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
  g_assert_true (portal_has_owner (TRUE));
}

static gboolean
portal_gone (gpointer data)
{
  return portal_has_owner (FALSE);
}

static void
stop_portal (void)
{
  if (world.portal == NULL)
    return;
  g_subprocess_send_signal (world.portal, SIGTERM);
  g_subprocess_wait (world.portal, NULL, NULL);
  g_clear_object (&world.portal);
  g_assert_true (dd_test_wait_for (portal_gone, NULL, 5000));
}

/* The portal's record: one JSON object a line */
static char **
portal_calls (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (world.log, &text, NULL, NULL))
    return g_new0 (char *, 1);
  g_strchomp (text);
  return g_strsplit (text, "\n", -1);
}

/* ---- the window ---------------------------------------------------------- */

static DdWindow *
app_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (world.app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (DD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static guint
n_queued (void)
{
  DdWindow *window = app_window ();

  return window ? g_list_model_get_n_items (dd_window_get_queue (window)) : 0;
}

static guint want_queued;

static gboolean
queued_enough (gpointer data)
{
  return n_queued () >= want_queued;
}

static gboolean
toast_is (gpointer data)
{
  DdWindow *window = app_window ();

  return window != NULL && g_strcmp0 (dd_window_get_last_toast (window), data) == 0;
}

/* The header bar's button for @action, found in @widget's tree */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Pixel (x, y) of the screenshot: every one different */
static void
pixel_at (int     x,
          int     y,
          guint8 *rgb)
{
  rgb[0] = (guint8) (x * 4);
  rgb[1] = (guint8) (y * 5);
  rgb[2] = (guint8) ((x + y) % 2 ? 0xe0 : 0x20);
}

static void
write_screenshot (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, WIDTH, HEIGHT);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      pixel_at (x, y, pixels + y * stride + x * 3);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
}

/* The queued bytes decode to exactly the pixels the portal saved. */
static void
assert_screenshot_pixels (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);
  g_autofree guint8 *data = NULL;
  gsize stride = WIDTH * 4;

  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, WIDTH);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, HEIGHT);
  data = g_malloc (stride * HEIGHT);
  gdk_texture_download (texture, data, stride);  /* B, G, R, A in memory */
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        guint8 want[3];
        const guint8 *got = data + y * stride + x * 4;

        pixel_at (x, y, want);
        g_assert_cmpuint (got[2], ==, want[0]);
        g_assert_cmpuint (got[1], ==, want[1]);
        g_assert_cmpuint (got[0], ==, want[2]);
        g_assert_cmpuint (got[3], ==, 0xff);
      }
}

/* ---- the tests ----------------------------------------------------------- */

/* app.screenshot: the window comes up, the portal is asked for an
 * interactive screenshot for it, and what it saved is queued under the
 * time it was taken. */
static void
test_capture (void)
{
  g_auto(GStrv) calls = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) name_pattern = g_regex_new ("^Screenshot [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", 0, 0, NULL);
  JsonObject *call, *options;
  DdQueueItem *item;
  DdWindow *window;

  start_portal (0);
  g_action_group_activate_action (G_ACTION_GROUP (world.app), "screenshot", NULL);
  window = app_window ();
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  want_queued = 1;
  g_assert_true (dd_test_wait_for (queued_enough, NULL, 10000));
  item = dd_test_queue_item (window, 0);
  g_assert_true (g_regex_match (name_pattern, dd_queue_item_get_display_name (item), 0, NULL));
  g_assert_nonnull (dd_queue_item_get_bytes (item));
  assert_screenshot_pixels (dd_queue_item_get_bytes (item));
  g_assert_null (dd_window_get_last_toast (window));

  /* asked once, interactively, for this window (X11 under Xvfb) */
  calls = portal_calls ();
  g_assert_cmpuint (g_strv_length (calls), ==, 1);
  g_assert_true (json_parser_load_from_data (parser, calls[0], -1, &error));
  g_assert_no_error (error);
  call = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (call, "method"), ==, "Screenshot");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (call, "parent_window"), "x11:"));
  options = json_object_get_object_member (call, "options");
  g_assert_true (json_object_get_boolean_member (options, "interactive"));
  g_assert_true (json_object_has_member (options, "handle_token"));

  /* the screenshot is the user's file: read, not removed */
  g_assert_true (g_file_test (world.image, G_FILE_TEST_IS_REGULAR));
  stop_portal ();
}

/* The header bar's button and Ctrl+Shift+S are the same action. */
static void
test_button_and_shortcut (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (world.app), "app.screenshot");
  DdWindow *window = app_window ();
  GtkWidget *button;
  guint before = n_queued ();
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_nonnull (window);

  g_assert_nonnull (accels[0]);
  g_assert_true (gtk_accelerator_parse (accels[0], &key, &mods));
  g_assert_cmpuint (key, ==, GDK_KEY_s);
  g_assert_cmpuint (mods, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_null (accels[1]);

  start_portal (0);
  button = find_button (GTK_WIDGET (window), "app.screenshot");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Take Screenshot…");
  g_signal_emit_by_name (button, "clicked");  /* what a click does */

  want_queued = before + 1;
  g_assert_true (dd_test_wait_for (queued_enough, NULL, 10000));
  assert_screenshot_pixels (dd_queue_item_get_bytes (dd_test_queue_item (window, before)));
  stop_portal ();
}

/* The user cancels (the portal's response 1): a toast, nothing queued. */
static void
test_cancel (void)
{
  g_auto(GStrv) calls = NULL;
  guint before = n_queued ();

  start_portal (1);
  g_action_group_activate_action (G_ACTION_GROUP (world.app), "screenshot", NULL);
  g_assert_true (dd_test_wait_for (toast_is, (gpointer) "Screenshot cancelled", 10000));
  calls = portal_calls ();
  g_assert_cmpuint (g_strv_length (calls), ==, 1);
  /* nothing else comes later */
  g_usleep (300 * 1000);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (n_queued (), ==, before);
  stop_portal ();
}

/* The desktop could not take it (response 2): a toast, nothing queued. */
static void
test_failed (void)
{
  guint before = n_queued ();

  start_portal (2);
  g_action_group_activate_action (G_ACTION_GROUP (world.app), "screenshot", NULL);
  g_assert_true (dd_test_wait_for (toast_is, (gpointer) "The desktop could not take the screenshot", 10000));
  g_assert_cmpuint (n_queued (), ==, before);
  stop_portal ();
}

/* No portal on the bus at all: the sentence says what is missing, and
 * nothing is queued; nothing waits for an answer either. */
static void
test_no_portal (void)
{
  guint before = n_queued ();
  gint64 start = g_get_monotonic_time ();

  g_assert_true (portal_has_owner (FALSE));
  g_action_group_activate_action (G_ACTION_GROUP (world.app), "screenshot", NULL);
  g_assert_true (dd_test_wait_for (toast_is, (gpointer) "Screenshots need xdg-desktop-portal; paste one with Ctrl+V instead", 10000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (n_queued (), ==, before);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* a world of its own: no robots, no outbox of the user's */
  world.tmp = dd_test_private_home ("dd-test-capture-XXXXXX");
  world.image = g_build_filename (world.tmp, "Screenshot from the desktop.png", NULL);
  world.log = g_build_filename (world.tmp, "portal.log", NULL);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  write_screenshot (world.image);

  /* the portal is played on the private bus of run-with-keyring.sh */
  if (g_getenv ("DD_TEST_SECRETS_BACKEND") == NULL)
    {
      g_test_skip ("needs the private D-Bus session of run-with-keyring.sh");
      return g_test_run ();
    }

  world.app = dd_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (world.app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (world.app)));

  g_test_add_func ("/capture/screenshot", test_capture);
  g_test_add_func ("/capture/button-and-shortcut", test_button_and_shortcut);
  g_test_add_func ("/capture/no-portal", test_no_portal);
  g_test_add_func ("/capture/cancel", test_cancel);
  g_test_add_func ("/capture/failed", test_failed);
  status = g_test_run ();

  stop_portal ();
  dd_test_remove_dir (world.tmp);
  return status;
}
