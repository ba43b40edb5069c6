/* test-history.c: the history window under Xvfb, against a real outbox
 * that sent to the fake DingTalk (run under tests/keyring/run-with-keyring.sh
 * and xvfb-run): each entry shows the outbox's thumbnail.png, and Copy puts
 * the image itself on the clipboard, as image/png for other programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "dd-fake-server.h"
#include "dd-history-window.h"
#include "dd-outbox.h"
#include "dd-secrets.h"
#include "ui-test-util.h"

#define TOKEN      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SECRET     "SEChistory-secret"
#define APP_KEY    "dinghistorytest"
#define APP_SECRET "history-app-secret"

typedef struct {
  char           *tmp;
  DdFakeServer   *fake;
  DdProfileStore *store;
  DdClient       *client;
  DdOutbox       *outbox;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *outbox_dir = NULL;
  const char *base;

  f->tmp = g_dir_make_tmp ("dd-test-history-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (f->tmp, "config", NULL);
  outbox_dir = g_build_filename (f->tmp, "outbox", NULL);

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
  base = dd_fake_server_get_base_url (f->fake);

  f->store = dd_profile_store_new (config);
  dd_test_store_secrets (dd_test_add_robot (f->store, "History Group", base, TOKEN, SECRET,
                                            APP_KEY, APP_SECRET));

  f->client = dd_client_new ();
  f->outbox = dd_outbox_new (outbox_dir, f->client, f->store);
  g_assert_true (dd_test_load_outbox (f->outbox, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  dd_test_close_outbox (f->outbox);
  g_clear_object (&f->outbox);
  g_clear_object (&f->client);
  g_clear_object (&f->store);
  g_clear_object (&f->fake);
  dd_test_remove_dir (f->tmp);
  g_free (f->tmp);
}

static gboolean
history_has_one (gpointer data)
{
  return g_list_model_get_n_items (dd_outbox_get_history (data)) == 1;
}

/* Sends a 320×200 PNG through the outbox, as the window would. */
/* The thumbnail comes after the upload, and the image's bytes go (unless
 * kept) once it is made. */
static gboolean
thumbnail_made (gpointer data)
{
  DdJob *job = data;
  gboolean keep = GPOINTER_TO_INT (g_object_get_data (data, "test-keep"));

  return dd_job_get_thumbnail_path (job) != NULL &&
         (keep || dd_job_get_data_path (job) == NULL);
}

static DdJob *
send_one (Fixture *f)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 320, 200);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  DdSendOptions options = { NULL };

  gdk_pixbuf_fill (pixbuf, 0x2ec27eff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  png = gdk_texture_save_to_png_bytes (texture);
  g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (png, "green.png"));
  dd_outbox_add_async (f->outbox, dd_profile_store_lookup (f->store, "History Group"), sources, &options,
                       NULL, dd_test_store_result_cb, &result);
  jobs = dd_outbox_add_finish (f->outbox, dd_test_wait_result (&result), &error);
  g_assert_no_error (error);
  dd_outbox_start (f->outbox);
  g_assert_true (dd_test_wait_for (history_has_one, f->outbox, 60000));

  return g_list_model_get_item (dd_outbox_get_history (f->outbox), 0);
}

static gboolean
shows_picture (gpointer data)
{
  return gtk_image_get_storage_type (data) == GTK_IMAGE_PAINTABLE;
}

static gboolean
clipboard_has_texture (gpointer data)
{
  return gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (data), GDK_TYPE_TEXTURE);
}

/* What another X11 program gets from the clipboard: run while the main
 * loop serves the selection. */
static GBytes *
xclip_out (const char *target)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "timeout", "10", "xclip", "-selection", "clipboard",
                              "-t", target, "-o", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, dd_test_store_result_cb, &result);
  g_assert_true (g_subprocess_communicate_finish (process, dd_test_wait_result (&result), &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return out;
}

static void
check_history (Fixture *f,
               gboolean keep)
{
  g_autoptr(DdJob) job = NULL;
  g_autoptr(GBytes) targets = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkTexture) pasted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target_list = NULL;
  DdHistoryWindow *window;
  GtkListBox *list;
  GtkWidget *row, *thumbnail, *copy;
  GdkClipboard *clipboard;
  GdkPaintable *paintable;

  dd_outbox_set_keep_history_images (f->outbox, keep);
  job = send_one (f);
  g_object_set_data (G_OBJECT (job), "test-keep", GINT_TO_POINTER (keep));
  g_assert_true (dd_test_wait_for (thumbnail_made, job, 20000));
  g_assert_nonnull (dd_job_get_thumbnail_path (job));
  g_assert_true (g_file_test (dd_job_get_thumbnail_path (job), G_FILE_TEST_IS_REGULAR));
  g_assert_true (keep == (dd_job_get_data_path (job) != NULL &&
                          g_file_test (dd_job_get_data_path (job), G_FILE_TEST_IS_REGULAR)));

  window = dd_history_window_new (f->outbox, f->store);
  gtk_window_present (GTK_WINDOW (window));
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window), DD_TYPE_HISTORY_WINDOW, "list"));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_nonnull (row);

  /* the thumbnail the outbox made, not a generic icon */
  thumbnail = dd_test_find_named (row, "thumbnail");
  g_assert_nonnull (thumbnail);
  g_assert_true (dd_test_wait_for (shows_picture, thumbnail, 30000));
  paintable = gtk_image_get_paintable (GTK_IMAGE (thumbnail));
  g_assert_true (GDK_IS_TEXTURE (paintable));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 256);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 160);

  /* Copy: an image on the clipboard, not a media_id */
  copy = dd_test_find_named (row, "copy");
  g_assert_nonnull (copy);
  g_assert_true (gtk_widget_get_sensitive (copy));
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  g_signal_emit_by_name (copy, "clicked");
  g_assert_true (dd_test_wait_for (clipboard_has_texture, clipboard, 30000));

  targets = xclip_out ("TARGETS");
  target_list = g_strndup (g_bytes_get_data (targets, NULL), g_bytes_get_size (targets));
  g_test_message ("clipboard targets: %s", target_list);
  g_assert_nonnull (strstr (target_list, "image/png"));
  g_assert_null (strstr (target_list, "UTF8_STRING"));

  png = xclip_out ("image/png");
  g_assert_cmpuint (g_bytes_get_size (png), >, 8);
  g_assert_cmpint (memcmp (g_bytes_get_data (png, NULL), "\x89PNG", 4), ==, 0);
  pasted = gdk_texture_new_from_bytes (png, &error);
  g_assert_no_error (error);
  /* the image itself when kept; else the preview, and the toast says so */
  g_assert_cmpint (gdk_texture_get_width (pasted), ==, keep ? 320 : 256);
  g_assert_cmpint (gdk_texture_get_height (pasted), ==, keep ? 200 : 160);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_kept (Fixture       *f,
           gconstpointer  data)
{
  check_history (f, TRUE);
}

static void
test_not_kept (Fixture       *f,
               gconstpointer  data)
{
  check_history (f, FALSE);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (dd_test_with_keyring ("/history/skip"))
    {
      g_test_add ("/history/image-kept", Fixture, NULL, fixture_set_up, test_kept, fixture_tear_down);
      g_test_add ("/history/image-not-kept", Fixture, NULL, fixture_set_up, test_not_kept, fixture_tear_down);
    }

  return g_test_run ();
}
