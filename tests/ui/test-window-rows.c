/* test-window-rows.c: the queue's rows by the keyboard and a big batch,
 * headless (under Xvfb), with real key presses and clicks (xdotool) on
 * real image files, against the fake DingTalk: Delete on the focused
 * row, Ctrl+R, the row's menu (Shift+F10, the Menu key); 150 images
 * with the rows sent folded into one row; the failure toast's Edit Robot
 * opening the robot editor on the robot that failed; the first start's
 * Add Robot… opening a new robot's editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <gdk/x11/gdkx.h>

#include "dd-application-private.h"
#include "dd-client.h"
#include "dd-fake-server.h"
#include "dd-outbox.h"
#include "dd-queue-item.h"
#include "dd-robot-chooser.h"
#include "dd-robots-window.h"
#include "ui-test-util.h"

#define TEST_APP_ID "io.github.dingdrop.DingDrop.WindowRowsTest"
#define TOKEN       "5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa"
#define SECRET      "SECtest-window-rows-secret"
#define TOKEN_B     "6666bbbb6666bbbb6666bbbb6666bbbb6666bbbb6666bbbb6666bbbb6666bbbb"
#define SECRET_B    "SECtest-window-rows-second"
#define APP_KEY     "dingwindowrows"
#define APP_SECRET  "window-rows-app-secret"

typedef struct {
  char           *tmp;
  DdProfileStore *store;
  DdFakeServer   *fake;
  DdClient       *client;
  DdOutbox       *outbox;
  GtkApplication *app;       /* only for Edit Robot */
  DdWindow       *window;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = dd_test_outbox_set_up ("dd-test-window-rows-XXXXXX", &f->store, &f->client, &f->outbox);

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
  dd_fake_server_add_robot (f->fake, TOKEN_B, SECRET_B, NULL);

  g_assert_true (dd_test_load_outbox (f->outbox, &error));
  g_assert_no_error (error);
  dd_outbox_start (f->outbox);
}

static void
fixture_window (Fixture *f)
{
  if (f->app != NULL)
    f->window = g_object_ref_sink (dd_window_new (DD_APPLICATION (f->app)));
  else
    f->window = g_object_ref_sink (dd_window_new_for (f->store, f->outbox));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 700);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->app != NULL)
    {
      GList *windows = g_list_copy (gtk_application_get_windows (f->app));

      for (GList *l = windows; l != NULL; l = l->next)
        if (l->data != (gpointer) f->window)
          gtk_window_destroy (l->data);
      g_list_free (windows);
    }
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->app);
  dd_test_outbox_tear_down (&f->tmp, &f->store, &f->client, &f->outbox);
  g_clear_object (&f->fake);
}

/* ---- helpers --------------------------------------------------------------- */

static gboolean
have_xdotool (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is missing (build-aux/install-deps.sh installs it)");
      return FALSE;
    }
  return TRUE;
}

static DdProfile *
add_profile (Fixture    *f,
             const char *name,
             const char *token,
             const char *secret)
{
  return dd_test_add_keyring_robot (f->store, name, dd_fake_server_get_base_url (f->fake),
                                    token, secret, APP_KEY, APP_SECRET);
}

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  return dd_test_window_child (f->window, name);
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (dd_window_get_queue (f->window));
}

static GtkWidget *
row (Fixture *f,
     guint    i)
{
  return GTK_WIDGET (dd_test_queue_row (f->window, i));
}

static GtkWidget *
focus (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

static gboolean
keys (Fixture    *f,
      const char *pressed)
{
  return dd_test_press_keys (GTK_WIDGET (f->window), pressed);
}

static int
job_state (Fixture *f,
           guint    i)   /* -1: not handed to the outbox */
{
  DdJob *job = dd_queue_item_get_job (dd_test_queue_item (f->window, i));

  return job ? (int) dd_job_get_state (job) : -1;
}

static guint
count_state (Fixture *f,
             int      state)
{
  guint n = 0;

  for (guint i = 0; i < n_rows (f); i++)
    n += job_state (f, i) == state;
  return n;
}

/* @n real PNG files, each of its own colour (DingDrop uploads the same
 * image once), in the fixture's folder */
static GPtrArray *
write_images (Fixture    *f,
              guint       n,
              const char *prefix)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
      g_autofree char *name = g_strdup_printf ("%s-%03u.png", prefix, i + 1);
      g_autofree char *path = g_build_filename (f->tmp, name, NULL);
      g_autoptr(GError) error = NULL;

      gdk_pixbuf_fill (pixbuf, 0x20406000u + ((i * 7919u) % 0xffffffu) * 0x100u + 0xff);
      g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
      g_assert_no_error (error);
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  return files;
}

static guint want_rows;

static gboolean
rows_ready (gpointer data)
{
  Fixture *f = data;

  if (n_rows (f) != want_rows)
    return FALSE;
  for (guint i = 0; i < want_rows; i++)
    if (dd_queue_item_is_loading (dd_test_queue_item (f->window, i)))
      return FALSE;
  return TRUE;
}

static void
add_images (Fixture    *f,
            guint       n,
            const char *prefix)
{
  g_autoptr(GPtrArray) files = write_images (f, n, prefix);

  want_rows = n_rows (f) + n;
  dd_window_add_files (f->window, (GFile **) files->pdata, files->len);
  g_assert_true (dd_test_wait_for (rows_ready, f, 30000));
}

/* the row's menu, once shown: a popover among its children */
static GtkPopover *
row_menu (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER_MENU (c))
      return GTK_POPOVER (c);
  return NULL;
}

static gboolean
menu_shown (gpointer data)
{
  GtkPopover *menu = row_menu (data);

  return menu != NULL && gtk_widget_get_mapped (GTK_WIDGET (menu));
}

static gboolean
menu_hidden (gpointer data)
{
  return !menu_shown (data);
}

/* a button of @widget's showing @label (a menu's item, a toast's) */
static GtkWidget *
find_labelled (GtkWidget  *widget,
               const char *label)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), label) == 0)
    {
      GtkWidget *button = gtk_widget_get_ancestor (widget, GTK_TYPE_BUTTON);

      /* a menu's items are buttons of their own kind */
      return button ? button : gtk_widget_get_parent (widget);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_labelled (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
item_shown (GtkWidget  *widget,
            const char *label)
{
  GtkWidget *item = find_labelled (GTK_WIDGET (row_menu (widget)), label);

  return item != NULL && gtk_widget_is_visible (item);
}

static GtkWidget *
find_tooltip (GtkWidget  *widget,
              const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0 && gtk_widget_is_visible (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_tooltip (c, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Presses Down in the open menu until the item labelled @label has the
 * focus (at most once round), then Return. */
static void
choose_in_menu (Fixture    *f,
                GtkWidget  *widget,
                const char *label)
{
  GtkWidget *item = find_labelled (GTK_WIDGET (row_menu (widget)), label);

  g_assert_nonnull (item);
  g_assert_true (gtk_widget_is_visible (item));
  for (guint i = 0; i < 5 && !gtk_widget_has_focus (item); i++)
    g_assert_true (keys (f, "Down"));
  g_assert_true (gtk_widget_has_focus (item));
  g_assert_true (keys (f, "Return"));
}

/* ---- Delete, and the menu, on the focused row --------------------------------- */

static gboolean
n_rows_is_want (gpointer data)
{
  return n_rows (data) == want_rows;
}

/* Delete removes the row with the focus, which goes to the row in its
 * place; in the caption, Delete is the caption's. */
static void
test_delete_key (Fixture       *f,
                 gconstpointer  data)
{
  GtkTextBuffer *buffer;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (!have_xdotool ())
    return;
  fixture_window (f);
  add_images (f, 3, "delete");
  /* the button says which key does the same */
  g_assert_nonnull (find_tooltip (row (f, 0), "Remove (Delete)"));

  gtk_widget_grab_focus (row (f, 1));
  want_rows = 2;
  g_assert_true (keys (f, "Delete"));
  g_assert_true (dd_test_wait_for (n_rows_is_want, f, 5000));
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "delete-001.png");
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 1)), ==, "delete-003.png");
  g_assert_true (focus (f) == row (f, 1));

  /* again: the last row goes, the one before it has the focus */
  want_rows = 1;
  g_assert_true (keys (f, "Delete"));
  g_assert_true (dd_test_wait_for (n_rows_is_want, f, 5000));
  g_assert_true (focus (f) == row (f, 0));

  /* in the caption, Delete deletes a character, not a row */
  gtk_widget_grab_focus (child (f, "caption_view"));
  g_assert_true (keys (f, "a b Left Delete"));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (f, "caption_view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, "a");
  g_assert_cmpuint (n_rows (f), ==, 1);
}

/* Shift+F10 and the Menu key show the focused row's menu, Escape closes
 * it; its Remove removes the row.  Not sent yet: no Retry in it; a file:
 * Open can open it. */
static void
test_row_menu (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *first;

  if (!have_xdotool ())
    return;
  fixture_window (f);
  add_images (f, 2, "menu");
  first = row (f, 0);

  gtk_widget_grab_focus (first);
  g_assert_true (keys (f, "shift+F10"));
  g_assert_true (dd_test_wait_for (menu_shown, first, 5000));
  g_assert_false (item_shown (first, "Retry"));
  g_assert_true (gtk_widget_is_sensitive (find_labelled (GTK_WIDGET (row_menu (first)), "Open")));
  g_assert_true (gtk_widget_is_sensitive (find_labelled (GTK_WIDGET (row_menu (first)), "Remove")));
  g_assert_true (keys (f, "Escape"));
  g_assert_true (dd_test_wait_for (menu_hidden, first, 5000));
  g_assert_cmpuint (n_rows (f), ==, 2);

  gtk_widget_grab_focus (first);
  g_assert_true (keys (f, "Menu"));
  g_assert_true (dd_test_wait_for (menu_shown, first, 5000));
  want_rows = 1;
  choose_in_menu (f, first, "Remove");
  g_assert_true (dd_test_wait_for (n_rows_is_want, f, 5000));
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "menu-002.png");
}

static gboolean
two_failed (gpointer data)
{
  return count_state (data, DD_JOB_FAILED) == 2 && gtk_widget_get_visible (child (data, "finished_box"));
}

static gboolean
first_sent (gpointer data)
{
  return job_state (data, 0) == DD_JOB_SENT;
}

static gboolean
both_sent (gpointer data)
{
  return count_state (data, DD_JOB_SENT) == 2;
}

/* Two images refused: Ctrl+R on the first row sends it again; the
 * second's menu has Retry, which does the same. */
static void
test_retry_keys (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *second;

  if (!have_xdotool ())
    return;
  add_profile (f, "Team Group", TOKEN, SECRET);
  dd_fake_server_set_next_errcode_full (f->fake, "/robot/send", 2, 310000, "sign not match");
  fixture_window (f);
  add_images (f, 2, "retry");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (two_failed, f, 20000));

  gtk_widget_grab_focus (row (f, 0));
  g_assert_true (keys (f, "ctrl+r"));
  g_assert_true (dd_test_wait_for (first_sent, f, 20000));
  g_assert_cmpint (job_state (f, 1), ==, DD_JOB_FAILED);

  second = row (f, 1);
  gtk_widget_grab_focus (second);
  g_assert_true (keys (f, "shift+F10"));
  g_assert_true (dd_test_wait_for (menu_shown, second, 5000));
  g_assert_true (item_shown (second, "Retry"));
  choose_in_menu (f, second, "Retry");
  g_assert_true (dd_test_wait_for (both_sent, f, 20000));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 2);
}

/* ---- a big batch ----------------------------------------------------------------- */

static gboolean
some_sent_two_failed (gpointer data)
{
  return count_state (data, DD_JOB_FAILED) == 2 && count_state (data, DD_JOB_SENT) >= 5;
}

static guint
n_visible_rows (Fixture *f)
{
  guint n = 0;

  for (guint i = 0; i < n_rows (f); i++)
    n += gtk_widget_get_visible (row (f, i));
  return n;
}

/* Every row sent is folded into the summary row, or none is; the others
 * always show. */
static void
assert_folded (Fixture  *f,
               gboolean  folded)
{
  for (guint i = 0; i < n_rows (f); i++)
    {
      gboolean sent = job_state (f, i) == DD_JOB_SENT;

      g_assert_cmpint (gtk_widget_get_visible (row (f, i)), ==, !(folded && sent));
    }
}

static gboolean
in_flight_none (gpointer data)
{
  Fixture *f = data;

  return count_state (f, DD_JOB_SENT) + count_state (f, DD_JOB_FAILED) + count_state (f, -1) == n_rows (f) &&
         !gtk_widget_get_visible (child (f, "progress_box"));
}

/* 150 real images, DingTalk refusing the first two: the rows sent fold
 * into one row, "N images sent", with the failed and the waiting ones in
 * view at the top of the list (Send shows its front); Up from the first row reaches it, Return shows the rows sent and
 * hides them again. */
static void
test_big_batch (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *title = NULL;
  guint sent;

  if (!have_xdotool ())
    return;
  add_profile (f, "Team Group", TOKEN, SECRET);
  dd_fake_server_set_next_errcode_full (f->fake, "/robot/send", 2, 310000, "sign not match");
  fixture_window (f);
  add_images (f, 150, "photo");
  g_assert_false (gtk_widget_get_visible (child (f, "sent_list")));
  g_assert_cmpuint (n_visible_rows (f), ==, 150);

  g_assert_true (keys (f, "ctrl+Return"));
  /* DingTalk takes 20 a minute: some go at once, the rest wait */
  g_assert_true (dd_test_wait_for (some_sent_two_failed, f, 60000));
  g_assert_true (gtk_widget_get_visible (child (f, "sent_list")));
  /* the front of the list is in view, not the last rows added */
  g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (
                       GTK_SCROLLED_WINDOW (child (f, "queue_scroller")))), ==, 0);
  assert_folded (f, TRUE);
  sent = count_state (f, DD_JOB_SENT);
  title = g_strdup_printf ("%u images sent", sent);
  g_test_message ("150 queued: %u sent, %u rows shown", sent, n_visible_rows (f));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "sent_title"))), ==, title);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "sent_toggle"))), ==, "Show");
  g_assert_cmpuint (n_visible_rows (f), ==, 150 - sent);

  /* Stop: what waits stays in the list, nothing moves while we look */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.stop", NULL));
  g_assert_true (dd_test_wait_for (in_flight_none, f, 30000));
  assert_folded (f, TRUE);

  /* the first row shown is a failed one; Up goes to the summary */
  for (guint i = 0; i < n_rows (f); i++)
    if (gtk_widget_get_visible (row (f, i)))
      {
        g_assert_cmpint (job_state (f, i), ==, DD_JOB_FAILED);
        gtk_widget_grab_focus (row (f, i));
        break;
      }
  g_assert_true (keys (f, "Up"));
  g_assert_true (focus (f) == child (f, "sent_row"));
  g_assert_true (keys (f, "Return"));
  assert_folded (f, FALSE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "sent_toggle"))), ==, "Hide");
  g_assert_cmpuint (n_visible_rows (f), ==, 150);
  g_assert_true (keys (f, "space"));
  assert_folded (f, TRUE);

  /* Down from the summary: back in the list; Shift+Tab: the summary */
  g_assert_true (keys (f, "Down"));
  g_assert_true (gtk_widget_get_ancestor (focus (f), GTK_TYPE_LIST_BOX) == child (f, "queue_list"));
  g_assert_true (gtk_widget_get_visible (focus (f)));
  g_assert_true (keys (f, "shift+Tab"));
  g_assert_true (focus (f) == child (f, "sent_row"));
}

static gboolean
all_sent_14 (gpointer data)
{
  return count_state (data, DD_JOB_SENT) == 14 && gtk_widget_get_visible (child (data, "finished_box"));
}

/* A big batch all sent: the summary row alone, no empty list under it;
 * Send More clears it. */
static void
test_all_sent (Fixture       *f,
               gconstpointer  data)
{
  if (!have_xdotool ())
    return;
  add_profile (f, "Team Group", TOKEN, SECRET);
  fixture_window (f);
  add_images (f, 14, "all");
  g_assert_true (keys (f, "ctrl+Return"));
  g_assert_true (dd_test_wait_for (all_sent_14, f, 60000));
  g_assert_true (gtk_widget_get_visible (child (f, "sent_list")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "sent_title"))), ==, "14 images sent");
  g_assert_false (gtk_widget_get_visible (child (f, "queue_list")));
  assert_folded (f, TRUE);

  g_assert_true (dd_test_click (child (f, "send_more_button")));
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_false (gtk_widget_get_visible (child (f, "sent_list")));
}

/* ---- Edit Robot ----------------------------------------------------------------- */

static DdRobotsWindow *
robots_window (Fixture *f)
{
  for (GList *l = gtk_application_get_windows (f->app); l != NULL; l = l->next)
    if (DD_IS_ROBOTS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
editor_shown (gpointer data)
{
  DdRobotsWindow *robots = robots_window (data);
  GtkWidget *editor = robots ? dd_robots_window_get_editor (robots) : NULL;

  return editor != NULL && gtk_widget_get_mapped (editor) && dd_test_editor_idle (editor);
}

static GtkWidget *
toast_button (Fixture *f)
{
  GtkWidget *button = find_labelled (child (f, "toast_overlay"), "Edit Robot");

  return button != NULL && gtk_widget_get_mapped (button) ? button : NULL;
}

static gboolean
toast_shown (gpointer data)
{
  return toast_button (data) != NULL;
}

/* An image refused by "Broken Robot", another robot chosen meanwhile: a
 * click on the toast's Edit Robot opens the robot editor on the robot
 * that failed. */
/* The robot at @position of the store, alone, in the window's chooser */
static void
choose_robot (Fixture *f,
              guint    position)
{
  g_autoptr(DdProfile) profile = g_list_model_get_item (G_LIST_MODEL (f->store), position);
  const char *ids[] = { dd_profile_get_id (profile), NULL };

  g_assert_nonnull (profile);
  dd_robot_chooser_select (DD_ROBOT_CHOOSER (child (f, "robot_chooser")), ids);
}

static void
test_edit_robot_toast (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DdRobotsWindow *robots;
  GtkWidget *editor;

  if (!have_xdotool ())
    return;
  add_profile (f, "Broken Robot", TOKEN, SECRET);
  add_profile (f, "Working Robot", TOKEN_B, SECRET_B);
  f->app = GTK_APPLICATION (_dd_application_new_for (TEST_APP_ID, f->store, f->outbox));
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);

  dd_fake_server_set_next_errcode_full (f->fake, "/robot/send", 1, 310000, "sign not match");
  fixture_window (f);
  choose_robot (f, 0);
  add_images (f, 1, "refused");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (toast_shown, f, 20000));
  g_assert_cmpint (job_state (f, 0), ==, DD_JOB_FAILED);
  choose_robot (f, 1);
  g_assert_null (robots_window (f));

  g_assert_true (dd_test_click (toast_button (f)));
  g_assert_true (dd_test_wait_for (editor_shown, f, 20000));
  robots = robots_window (f);
  editor = dd_robots_window_get_editor (robots);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dd_test_editor_child (editor, "name_row"))), ==,
                   "Broken Robot");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (robots)) == GTK_WINDOW (f->window));
}

/* The first start, no robot: the header does not repeat the page's
 * button, and a click on the page's Add Robot… goes straight to a new
 * robot's editor, not to an empty list of robots. */
static void
test_first_run (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *add, *editor;

  if (!have_xdotool ())
    return;
  /* an id of its own: the last test's may still be on the bus */
  f->app = GTK_APPLICATION (_dd_application_new_for (TEST_APP_ID ".FirstRun", f->store, f->outbox));
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  fixture_window (f);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "main_stack"))), ==, "no-robot");
  g_assert_null (find_labelled (child (f, "robot_stack"), "Add Robot…"));

  add = find_labelled (child (f, "main_stack"), "Add Robot…");
  g_assert_nonnull (add);
  g_assert_true (dd_test_click (add));
  g_assert_true (dd_test_wait_for (editor_shown, f, 20000));
  editor = dd_robots_window_get_editor (robots_window (f));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dd_test_editor_child (editor, "name_row"))), !=, "");
  g_assert_false (gtk_widget_get_visible (dd_test_editor_child (editor, "delete_button")));
}

static gboolean
quiet_for_a_while (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A row removed before its thumbnail is made lets its item go at once:
 * the thumbnails waiting for a thread, or decoding, hold no reference to
 * it (Remove All right after a drop of photos stops their work), and end
 * without touching it. */
static void
test_removed_item_not_kept (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1600, 1200);
  g_autoptr(GBytes) jpeg = NULL;
  DdQueueItem *items[16];
  gboolean done = FALSE;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0xc061cbff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", NULL, NULL));
  jpeg = g_bytes_new_take (buffer, size);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      items[i] = dd_queue_item_new_for_bytes (jpeg, "photo.jpg");
      g_object_add_weak_pointer (G_OBJECT (items[i]), (gpointer *) &items[i]);
      dd_queue_item_load_thumbnail (items[i], 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    g_object_unref (items[i]);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    g_assert_null (items[i]);

  g_timeout_add (1000, quiet_for_a_while, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int    argc,
      char **argv)
{
  dd_test_init (&argc, &argv);

  g_test_add ("/window-rows/delete-key", Fixture, NULL, fixture_set_up, test_delete_key, fixture_tear_down);
  g_test_add ("/window-rows/row-menu", Fixture, NULL, fixture_set_up, test_row_menu, fixture_tear_down);
  g_test_add_func ("/window-rows/removed-item-not-kept", test_removed_item_not_kept);
  /* sending needs the secrets in a keyring: run-with-keyring.sh */
  if (g_strcmp0 (g_getenv ("DD_TEST_SECRETS_BACKEND"), "keyring") == 0)
    {
      g_test_add ("/window-rows/retry-keys", Fixture, NULL, fixture_set_up, test_retry_keys, fixture_tear_down);
      g_test_add ("/window-rows/big-batch", Fixture, NULL, fixture_set_up, test_big_batch, fixture_tear_down);
      g_test_add ("/window-rows/all-sent", Fixture, NULL, fixture_set_up, test_all_sent, fixture_tear_down);
      g_test_add ("/window-rows/edit-robot-toast", Fixture, NULL, fixture_set_up, test_edit_robot_toast, fixture_tear_down);
      g_test_add ("/window-rows/first-run", Fixture, NULL, fixture_set_up, test_first_run, fixture_tear_down);
    }

  return g_test_run ();
}
