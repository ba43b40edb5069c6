/* ui-test-util.c: what the window's widget tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-util.h"

#include "dd-secrets.h"

#include <stdlib.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @cond holds, for at most @ms. */
gboolean
dd_test_wait_for (gboolean (*cond) (gpointer),
                  gpointer   data,
                  guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

/* (transfer none): the queue keeps it */
DdQueueItem *
dd_test_queue_item (DdWindow *window,
                    guint     i)
{
  DdQueueItem *item = g_list_model_get_item (dd_window_get_queue (window), i);

  g_object_unref (item);
  return item;
}

DdQueueRow *
dd_test_queue_row (DdWindow *window,
                   guint     i)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window), DD_TYPE_WINDOW,
                                                                   "queue_list"));

  return DD_QUEUE_ROW (gtk_list_box_get_row_at_index (list, i));
}

/* The visible AdwMessageDialog, if any. */
AdwMessageDialog *
dd_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* dd_outbox_load_async(), waited for. */
gboolean
dd_test_load_outbox (DdOutbox  *outbox,
                     GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_load_async (outbox, NULL, store_result, &result);
  return dd_outbox_load_finish (outbox, wait_for_result (&result), error);
}

/* Stops @outbox and waits until what it wrote is on disk. */
void
dd_test_close_outbox (DdOutbox *outbox)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_close_async (outbox, store_result, &result);
  dd_outbox_close_finish (outbox, wait_for_result (&result));
}

static void
subprocess_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* @data, a window, is mapped and GDK knows the monitor it is on: a
 * popover opened before that (GTK 4.8, X11) asks for the geometry of no
 * monitor and fails a critical */
static gboolean
on_a_monitor (gpointer data)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (data));

  return gtk_widget_get_mapped (data) && surface != NULL &&
         gdk_display_get_monitor_at_surface (gtk_widget_get_display (data), surface) != NULL;
}

/* Real input: focuses @window's X11 window, then presses @keys, separated
 * by spaces ("ctrl+s", "End space x"), through xdotool, the main loop running meanwhile. */
gboolean
dd_test_press_keys (GtkWidget  *window,
                    const char *keys)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) each = g_strsplit (keys, " ", -1);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  gboolean done = FALSE;

  g_return_val_if_fail (GDK_IS_X11_SURFACE (surface), FALSE);
  /* a key may open a popover (Shift+F10, Menu): not before the window is
   * placed on a monitor; a window never placed fails the test below */
  if (!dd_test_wait_for (on_a_monitor, window, 10000))
    return FALSE;

  g_ptr_array_add (argv, g_strdup ("timeout"));
  g_ptr_array_add (argv, g_strdup ("10"));
  g_ptr_array_add (argv, g_strdup ("xdotool"));
  g_ptr_array_add (argv, g_strdup ("windowfocus"));
  g_ptr_array_add (argv, g_strdup ("--sync"));
  g_ptr_array_add (argv, g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface)));
  g_ptr_array_add (argv, g_strdup ("key"));
  g_ptr_array_add (argv, g_strdup ("--clearmodifiers"));
  for (guint i = 0; each[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (each[i]));
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, subprocess_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* let the events arrive */
  for (guint i = 0; i < 20; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

/* @data, a widget, is mapped, has a size, and did not move since the last
 * call (a few frames ago). */
static gboolean
laid_out (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  graphene_point_t p;
  int *last = g_object_get_data (G_OBJECT (widget), "dd-test-last-place");
  int place[3];

  for (gint64 end = g_get_monotonic_time () + 50 * 1000; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
  if (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) <= 0 ||
      !gtk_widget_compute_point (widget, native, &GRAPHENE_POINT_INIT (0, 0), &p))
    return FALSE;
  place[0] = (int) p.x;
  place[1] = (int) p.y;
  place[2] = gtk_widget_get_width (widget);
  if (last != NULL && memcmp (last, place, sizeof place) == 0)
    return TRUE;
  g_object_set_data_full (G_OBJECT (widget), "dd-test-last-place", g_memdup2 (place, sizeof place), g_free);
  return FALSE;
}

/* Real input: a click (xdotool) on the middle of @widget, shown in an
 * X11 window. */
gboolean
dd_test_click (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  g_autofree char *xid = NULL;
  g_autofree char *x = NULL, *y = NULL;
  g_autoptr(GError) error = NULL;
  graphene_point_t p;
  double sx, sy;
  int status;

  g_return_val_if_fail (GDK_IS_X11_SURFACE (surface), FALSE);
  /* laid out where it is shown, and staying there (each look spins the
   * main loop for a moment: no wait for an event that may not come) */
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; !laid_out (widget);)
    if (g_get_monotonic_time () > end)
      return FALSE;
  if (!gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                 &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                       gtk_widget_get_height (widget) / 2.0),
                                 &p))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  x = g_strdup_printf ("%d", (int) (p.x + sx));
  y = g_strdup_printf ("%d", (int) (p.y + sy));
  {
    /* the window focused first, as for keys (so it is mapped and takes
     * input); no --sync on mousemove: it waits for the pointer to move,
     * and it may be there already */
    const char *argv[] = { "timeout", "10", "xdotool", "windowfocus", "--sync", xid,
                           "mousemove", "--window", xid, x, y, "click", "1", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       NULL, NULL, &status, &error))
      return FALSE;
  }

  /* let the events arrive */
  for (guint i = 0; i < 20; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  return g_spawn_check_wait_status (status, NULL);
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult *
 * at @user_data (a reference), to wait for it. */
void
dd_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* For dd_test_wait_for: whether the GAsyncResult * at @slot came. */
gboolean
dd_test_has_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

/* (transfer none) the result stored at @slot, iterating until it came */
GAsyncResult *
dd_test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* (transfer none) (nullable) @widget or the first widget below it
 * whose name (gtk_widget_set_name) is @name */
GtkWidget *
dd_test_find_named (GtkWidget  *widget,
                    const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = dd_test_find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Removes the folder @dir (nullable) and all in it, or fails the test. */
void
dd_test_remove_dir (const char *dir)
{
  g_autofree char *cmd = NULL;

  if (dir == NULL)
    return;
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* (transfer none) the robot editor's template child @name */
GtkWidget *
dd_test_editor_child (GtkWidget  *editor,
                      const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (editor, DD_TYPE_ROBOT_EDITOR, name));
}

/* For dd_test_wait_for: the editor (@data) neither saves, tests nor
 * reads its secrets. */
gboolean
dd_test_editor_idle (gpointer data)
{
  return !dd_robot_editor_is_busy (data) &&
         g_strcmp0 (dd_robot_editor_get_secrets_state (data), "loading") != 0;
}

static void
skip_without_keyring (void)
{
  g_test_skip ("Run under tests/keyring/run-with-keyring.sh");
}

/* Whether the tests run in the keyring of run-with-keyring.sh; if not,
 * adds one test at @skip_path that is skipped, saying how to run them. */
gboolean
dd_test_with_keyring (const char *skip_path)
{
  if (g_strcmp0 (g_getenv ("DD_TEST_SECRETS_BACKEND"), "keyring") == 0)
    return TRUE;
  g_test_add_func (skip_path, skip_without_keyring);
  return FALSE;
}

/* (transfer full) a connection of its own to the session bus that
 * serves the one interface of @xml at @path (its @vtable called with
 * @user_data; the registration in @object_id) and owns @name — a
 * service played by the test, as another process would. */
GDBusConnection *
dd_test_serve_on_session_bus (const char                 *xml,
                              const char                 *name,
                              const char                 *path,
                              const GDBusInterfaceVTable *vtable,
                              gpointer                    user_data,
                              guint                      *object_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, &error);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  GDBusConnection *bus;
  guint32 result;

  g_assert_no_error (error);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  *object_id = g_dbus_connection_register_object (bus, path, info->interfaces[0], vtable,
                                                  user_data, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", name, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  return bus;
}

/* (transfer full) a new folder made from @tmpl (as g_dir_make_tmp) that
 * the app takes for its config, data and cache, with settings in memory:
 * a world of the test's own. */
char *
dd_test_private_home (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return dir;
}

/* (transfer none: @store holds it) a robot @name added to @store, of
 * the DingTalk at @base: the webhook with @token, @secret, and the
 * app's @app_key and @app_secret; its secrets not in a keyring yet. */
DdProfile *
dd_test_add_robot (DdProfileStore *store,
                   const char     *name,
                   const char     *base,
                   const char     *token,
                   const char     *secret,
                   const char     *app_key,
                   const char     *app_secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfile) profile = dd_profile_new (name);
  g_autofree char *webhook = g_strdup_printf ("%s/robot/send?access_token=%s", base, token);

  dd_profile_set_oapi_base (profile, base);
  dd_profile_set_api_base (profile, base);
  g_assert_true (dd_profile_set_webhook (profile, webhook, &error));
  dd_profile_set_secret (profile, secret);
  dd_profile_set_app_key (profile, app_key);
  dd_profile_set_app_secret (profile, app_secret);
  g_assert_true (dd_profile_store_add (store, profile, &error));
  g_assert_no_error (error);
  return profile;
}

/* Stores @profile's secrets in the keyring, waiting till they are. */
void
dd_test_store_secrets (DdProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  dd_secrets_store_async (profile, NULL, dd_test_store_result_cb, &result);
  g_assert_true (dd_secrets_store_finish (dd_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

/* the visible widget of @widget's with @tooltip */
GtkWidget *
dd_test_find_tooltip (GtkWidget  *widget,
                      const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0 && gtk_widget_is_visible (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = dd_test_find_tooltip (c, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* dd_test_add_robot(), and its secrets stored in the keyring, where the
 * outbox reads them: (transfer none: @store holds it) */
DdProfile *
dd_test_add_keyring_robot (DdProfileStore *store,
                           const char     *name,
                           const char     *base,
                           const char     *token,
                           const char     *secret,
                           const char     *app_key,
                           const char     *app_secret)
{
  DdProfile *profile = dd_test_add_robot (store, name, base, token, secret, app_key, app_secret);

  dd_test_store_secrets (profile);
  return profile;
}

/* (transfer full) a new folder from @tmpl (as g_dir_make_tmp()) with a
 * profile store in its "config" to @store; and, unless @outbox is NULL,
 * a client to @client and an outbox in its "outbox" (not loaded yet) to
 * @outbox.  dd_test_outbox_tear_down() undoes it. */
char *
dd_test_outbox_set_up (const char      *tmpl,
                       DdProfileStore **store,
                       DdClient       **client,
                       DdOutbox       **outbox)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  char *tmp = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  config = g_build_filename (tmp, "config", NULL);
  *store = dd_profile_store_new (config);
  if (outbox != NULL)
    {
      g_autofree char *outbox_dir = g_build_filename (tmp, "outbox", NULL);

      *client = dd_client_new ();
      *outbox = dd_outbox_new (outbox_dir, *client, *store);
    }
  return tmp;
}

/* Closes the outbox (what it was writing is written before the folder
 * goes), drops it, the client and the store, and removes the folder;
 * each may be NULL. */
void
dd_test_outbox_tear_down (char           **tmp,
                          DdProfileStore **store,
                          DdClient       **client,
                          DdOutbox       **outbox)
{
  if (*outbox != NULL)
    dd_test_close_outbox (*outbox);
  g_clear_object (outbox);
  g_clear_object (client);
  g_clear_object (store);
  dd_test_remove_dir (*tmp);
  g_clear_pointer (tmp, g_free);
}

/* (transfer none) the window's template child @name */
GtkWidget *
dd_test_window_child (DdWindow   *window,
                      const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DD_TYPE_WINDOW, name));
}

/* What a window test's main() starts with: in-memory settings, GTK for
 * tests, libadwaita. */
void
dd_test_init (int    *argc,
              char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}
