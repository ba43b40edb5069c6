/* test-window.c: the main window, headless (under Xvfb): drops, paste,
 * the queue, and sending through the outbox to the fake DingTalk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "dd-client.h"
#include "dd-fake-client.h"
#include "dd-fake-server.h"
#include "dd-history-window.h"
#include "dd-queue-item.h"
#include "dd-queue-row.h"
#include "dd-robot-chooser.h"
#include "dd-window.h"
#include "dd-outbox.h"
#include "dd-secrets.h"
#include "ui-test-util.h"

#define TOKEN      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SECRET     "SECtest-window-secret"
#define APP_KEY    "dingwindowtest"
#define APP_SECRET "window-app-secret"

typedef struct {
  char           *tmp;
  DdProfileStore *store;
  DdFakeServer   *fake;
  DdClient       *client;
  DdOutbox       *outbox;
  DdWindow       *window;
} Fixture;



static gboolean
queue_has_3 (gpointer data)
{
  return g_list_model_get_n_items (dd_window_get_queue (data)) >= 3;
}

static gboolean
queue_has_1 (gpointer data)
{
  return g_list_model_get_n_items (dd_window_get_queue (data)) >= 1;
}

static void
write_png (const char *path,
           int         width,
           int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
}

static guint32
crc32_of (const guint8 *data,
          gsize         len,
          guint32       crc)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
  return ~crc;
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              guint32       len)
{
  guint8 be[4] = { len >> 24, len >> 16, len >> 8, len };
  guint32 crc;

  g_byte_array_append (out, be, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, len);
  crc = crc32_of ((const guint8 *) type, 4, 0);
  crc = crc32_of (data, len, crc);
  be[0] = crc >> 24; be[1] = crc >> 16; be[2] = crc >> 8; be[3] = crc;
  g_byte_array_append (out, be, 4);
}

/* A whole, valid PNG of @side × @side black pixels, 1-bit grey: a few
 * dozen kB on disk that gdk-pixbuf would decode into side² × 3 bytes of
 * RGB (1.2 GB for 20000). */
static gsize
write_png_bomb (const char *path,
                guint32     side)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize row = 1 + (side + 7) / 8;    /* filter byte "none", then the bits */
  const guint rows_per_chunk = 500;
  g_autofree guint8 *zeros = g_malloc0 (row * rows_per_chunk);
  guint8 ihdr[13] = { side >> 24, side >> 16, side >> 8, side,
                      side >> 24, side >> 16, side >> 8, side,
                      1 /* bit depth */, 0 /* grey */, 0, 0, 0 };
  guint8 out[64 * 1024];
  gsize len;

  for (guint32 y = 0; y < side; y += rows_per_chunk)
    {
      gsize in_len = row * MIN (rows_per_chunk, side - y);
      gboolean last = y + rows_per_chunk >= side;
      gsize done = 0;

      for (;;)
        {
          gsize read = 0, written = 0;
          GConverterResult result;

          result = g_converter_convert (G_CONVERTER (zlib), zeros + done, in_len - done,
                                        out, sizeof out,
                                        last ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                        &read, &written, &error);
          g_assert_no_error (error);
          g_byte_array_append (idat, out, written);
          done += read;
          if (result == G_CONVERTER_FINISHED || (!last && done == in_len))
            break;
        }
    }

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  g_assert_true (g_file_set_contents (path, (const char *) png->data, png->len, NULL));
  len = png->len;

  return len;
}

static GdkTexture *
make_texture (int width,
              int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);

  gdk_pixbuf_fill (pixbuf, 0xe01b24ff);
  return gdk_texture_new_for_pixbuf (pixbuf);
}

static DdProfile *
add_profile (Fixture    *f,
             const char *name,
             const char *secret)
{
  const char *base = f->fake ? dd_fake_server_get_base_url (f->fake) : "https://oapi.dingtalk.com";
  DdProfile *profile = dd_test_add_robot (f->store, name, base, TOKEN, secret, APP_KEY, APP_SECRET);

  /* the outbox reads the secrets from the keyring, as after a restart */
  if (g_getenv ("DD_TEST_SECRETS_BACKEND") != NULL)
    dd_test_store_secrets (profile);

  return profile;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* an outbox only for a test that sends */
  f->tmp = dd_test_outbox_set_up ("dd-test-window-XXXXXX", &f->store, &f->client,
                                  data != NULL ? &f->outbox : NULL);
  if (data != NULL)
    {
      f->fake = dd_fake_server_new ();
      dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
      dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
      g_assert_true (dd_test_load_outbox (f->outbox, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_window (Fixture *f)
{
  f->window = g_object_ref_sink (dd_window_new_for (f->store, f->outbox));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  dd_test_outbox_tear_down (&f->tmp, &f->store, &f->client, &f->outbox);
  g_clear_object (&f->fake);
}

static GtkDropTarget *
find_drop_target (DdWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  guint n = g_list_model_get_n_items (controllers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller) &&
          g_strcmp0 (gtk_event_controller_get_name (controller), "dd-window-drop") == 0)
        return GTK_DROP_TARGET (controller);
    }

  g_assert_not_reached ();
}

/* What GtkDropTarget does when a drop arrives: emits "drop" with the value. */
static gboolean
emit_drop (DdWindow     *window,
           const GValue *value)
{
  gboolean accepted = FALSE;

  g_signal_emit_by_name (find_drop_target (window), "drop", value, 10.0, 10.0, &accepted);
  return accepted;
}



static gboolean
bytes_are_png (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return len > 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static gboolean
thumbnails_ready (gpointer data)
{
  GListModel *queue = dd_window_get_queue (data);
  guint n = g_list_model_get_n_items (queue);

  for (guint i = 0; i < n; i++)
    if (dd_queue_item_get_thumbnail (dd_test_queue_item (data, i)) == NULL)
      return FALSE;
  return n > 0;
}

/* A file list: two images, a text file, and a folder with one more image
 * (and a non-image) directly inside and another image deeper down. */
static void
test_drop_file_list (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tmp, "a.png", NULL);
  g_autofree char *b = g_build_filename (f->tmp, "b.png", NULL);
  g_autofree char *notes = g_build_filename (f->tmp, "notes.txt", NULL);
  g_autofree char *folder = g_build_filename (f->tmp, "shots", NULL);
  g_autofree char *c = g_build_filename (folder, "c.png", NULL);
  g_autofree char *readme = g_build_filename (folder, "readme.md", NULL);
  g_autofree char *deep = g_build_filename (folder, "deeper", NULL);
  g_autofree char *d = g_build_filename (deep, "d.png", NULL);
  g_autoslist(GFile) files = NULL;
  GValue value = G_VALUE_INIT;
  const char *toast;

  add_profile (f, "Team Group", SECRET);
  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  write_png (a, 1920, 1080);
  write_png (b, 64, 64);
  write_png (c, 300, 200);
  write_png (d, 10, 10);
  g_assert_true (g_file_set_contents (notes, "just notes", -1, NULL));
  g_assert_true (g_file_set_contents (readme, "# readme", -1, NULL));

  fixture_window (f);

  /* dragging over the window shows where to drop */
  {
    GtkDropTarget *target = find_drop_target (f->window);
    GtkWidget *overlay = GTK_WIDGET (dd_test_window_child (f->window, "drop_overlay"));
    GdkDragAction action = 0;

    g_assert_false (gtk_widget_get_visible (overlay));
    g_signal_emit_by_name (target, "enter", 10.0, 10.0, &action);
    g_assert_cmpint (action, ==, GDK_ACTION_COPY);
    g_assert_true (gtk_widget_get_visible (overlay));
    g_signal_emit_by_name (target, "leave");
    g_assert_false (gtk_widget_get_visible (overlay));
  }

  files = g_slist_append (files, g_file_new_for_path (a));
  files = g_slist_append (files, g_file_new_for_path (notes));
  files = g_slist_append (files, g_file_new_for_path (b));
  files = g_slist_append (files, g_file_new_for_path (folder));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);

  g_assert_true (dd_test_wait_for (queue_has_3, f->window, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 3);
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "a.png");
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 1)), ==, "b.png");
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 2)), ==, "c.png");

  /* one toast, naming how many were skipped and which */
  toast = dd_window_get_last_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_nonnull (strstr (toast, "2 files"));
  g_assert_nonnull (strstr (toast, "notes.txt"));
  g_assert_nonnull (strstr (toast, "readme.md"));

  /* thumbnails at display size, never the full image; real dimensions */
  g_assert_true (dd_test_wait_for (thumbnails_ready, f->window, 5000));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (dd_queue_item_get_thumbnail (dd_test_queue_item (f->window, 0))),
                   <=, DD_QUEUE_ITEM_THUMBNAIL_SIZE * 2);
  g_assert_cmpuint (dd_queue_item_get_width (dd_test_queue_item (f->window, 0)), ==, 1920);
  g_assert_cmpuint (dd_queue_item_get_height (dd_test_queue_item (f->window, 0)), ==, 1080);
  g_assert_nonnull (strstr (dd_queue_row_get_status (dd_test_queue_row (f->window, 0)), "1920 × 1080"));
}

static gboolean
first_item_measured (gpointer data)
{
  return g_list_model_get_n_items (dd_window_get_queue (data)) >= 1 &&
         dd_queue_item_get_width (dd_test_queue_item (data, 0)) > 0;
}

/* A small file that decodes into gigabytes, dropped on the window: its
 * thumbnailer goes through the core's pixel limit, so the dimensions are
 * known, no thumbnail is made and no pixel memory is taken.  Decoding it
 * would take 1.2 GB; the bound leaves room for the rest of the test
 * process (GTK, and AddressSanitizer's shadow in that build). */
#define BOMB_MAX_RESIDENT_KB (800 * 1024)

static void
test_drop_bomb (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *bomb = g_build_filename (f->tmp, "bomb.png", NULL);
  g_autoslist(GFile) files = NULL;
  GValue value = G_VALUE_INIT;
  struct rusage usage;
  DdQueueItem *item;
  gsize size;

  size = write_png_bomb (bomb, 20000);
  g_test_message ("a 20000 x 20000 PNG of %" G_GSIZE_FORMAT " bytes", size);
  g_assert_cmpuint (size, <, 200 * 1024);

  add_profile (f, "Team Group", SECRET);
  fixture_window (f);

  files = g_slist_append (files, g_file_new_for_path (bomb));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);

  /* the thumbnailer is done once it has said the dimensions */
  g_assert_true (dd_test_wait_for (first_item_measured, f->window, 30000));
  item = dd_test_queue_item (f->window, 0);
  g_assert_cmpuint (dd_queue_item_get_width (item), ==, 20000);
  g_assert_cmpuint (dd_queue_item_get_height (item), ==, 20000);
  g_assert_null (dd_queue_item_get_thumbnail (item));

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_test_message ("peak resident size %ld kB", usage.ru_maxrss);
  g_assert_cmpint (usage.ru_maxrss, <, BOMB_MAX_RESIDENT_KB);
}

/* Bad files dropped on the window: an empty file, text named .png, a
 * FIFO (never opened: it would block), a link to nothing and a PNG cut in
 * half.  Only the last looks like an image (the send says it is damaged:
 * /image/file/not-images); the others are counted in one toast.  The
 * window never hangs on any of them. */
static void
test_drop_bad_files (Fixture       *f,
                     gconstpointer  data)
{
  const char *names[] = { "empty.png", "notes.png", "pipe.png", "gone.png", "half.png" };
  char *paths[G_N_ELEMENTS (names)] = { NULL, };
  g_autoslist(GFile) files = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autofree char *png = NULL;
  GValue value = G_VALUE_INIT;
  const char *toast;
  gsize len;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    paths[i] = g_build_filename (f->tmp, names[i], NULL);
  g_assert_true (g_file_set_contents (paths[0], "", 0, NULL));
  g_assert_true (g_file_set_contents (paths[1], "Meeting notes, not a picture.\n", -1, NULL));
  g_assert_cmpint (mkfifo (paths[2], 0600), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/shot.png", paths[3]), ==, 0);
  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", NULL, NULL));
  g_assert_true (g_file_set_contents (paths[4], png, len / 2, NULL));

  add_profile (f, "Team Group", SECRET);
  fixture_window (f);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    files = g_slist_append (files, g_file_new_for_path (paths[i]));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);

  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 1);
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "half.png");

  toast = dd_window_get_last_toast (f->window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  /* the count, and the first three names (then "…") */
  g_assert_nonnull (strstr (toast, "4 files"));
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (strstr (toast, names[i]));
  g_assert_nonnull (strstr (toast, "…"));

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_free (paths[i]);
}

static void
test_drop_uri_text (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tmp, "from text.png", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  GValue value = G_VALUE_INIT;

  write_png (a, 32, 32);
  uri = g_filename_to_uri (a, NULL, NULL);
  text = g_strdup_printf ("%s\r\n", uri);
  fixture_window (f);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);

  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 5000));
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "from text.png");
}

static void
serve_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  GBytes *png = user_data;

  /* the server sees the path decoded */
  if (g_str_equal (path, "/shots/screen.png") || g_str_equal (path, "/shots/截图 1.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      /* a wrong Content-Type, as some servers send: the bytes decide */
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    }
  else if (g_str_equal (path, "/page.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                        "<html>not an image</html>", 25);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gboolean
has_toast (gpointer data)
{
  return dd_window_get_last_toast (data) != NULL;
}

/* A browser's image address: downloaded, and queued only if it is one. */
static void
test_drop_http (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (30, 20);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  GValue value = G_VALUE_INIT;
  DdQueueItem *item;

  soup_server_add_handler (server, NULL, serve_cb, png, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  text = g_strdup_printf ("%sshots/screen.png\n", base);
  fixture_window (f);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  g_assert_true (emit_drop (f->window, &value));
  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 10000));
  item = dd_test_queue_item (f->window, 0);
  g_assert_cmpstr (dd_queue_item_get_display_name (item), ==, "screen.png");
  g_assert_true (bytes_are_png (dd_queue_item_get_bytes (item)));
  g_assert_null (dd_window_get_last_toast (f->window));

  /* not an image, whatever its name and Content-Type say */
  g_free (text);
  text = g_strdup_printf ("%spage.png", base);
  g_value_set_string (&value, text);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);
  g_assert_true (dd_test_wait_for (has_toast, f->window, 10000));
  g_assert_nonnull (strstr (dd_window_get_last_toast (f->window), "page.png"));
  g_assert_nonnull (strstr (dd_window_get_last_toast (f->window), "not an image"));
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 1);

  /* a %-encoded name is shown as the name it stands for */
  g_free (text);
  text = g_strdup_printf ("%sshots/%%E6%%88%%AA%%E5%%9B%%BE%%201.png", base);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);
  while (g_list_model_get_n_items (dd_window_get_queue (f->window)) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 1)), ==, "截图 1.png");
}

static gboolean
first_read (gpointer data)
{
  DdWindow *window = data;

  return g_list_model_get_n_items (dd_window_get_queue (window)) > 0 &&
         !dd_queue_item_is_loading (dd_test_queue_item (window, 0));
}

static void
test_drop_texture (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (400, 300);
  GValue value = G_VALUE_INIT;
  DdQueueItem *item;

  fixture_window (f);

  g_value_init (&value, GDK_TYPE_TEXTURE);
  g_value_set_object (&value, texture);
  g_assert_true (emit_drop (f->window, &value));
  g_value_unset (&value);

  /* its row at once, before the PNG is made */
  g_assert_true (queue_has_1 (f->window));
  g_assert_true (dd_test_wait_for (first_read, f->window, 5000));
  item = dd_test_queue_item (f->window, 0);
  g_assert_true (g_str_has_prefix (dd_queue_item_get_display_name (item), "Dropped image "));
  g_assert_true (bytes_are_png (dd_queue_item_get_bytes (item)));
}

static void
test_paste_texture (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (640, 480);
  GdkClipboard *clipboard;
  DdQueueItem *item;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *hhmm = g_date_time_format (now, "%H:");

  fixture_window (f);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->window));
  gdk_clipboard_set_texture (clipboard, texture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.paste", NULL));
  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 5000));
  g_assert_true (dd_test_wait_for (first_read, f->window, 5000));

  item = dd_test_queue_item (f->window, 0);
  g_assert_true (g_str_has_prefix (dd_queue_item_get_display_name (item), "Pasted image "));
  g_assert_nonnull (strstr (dd_queue_item_get_display_name (item), hhmm));
  g_assert_true (bytes_are_png (dd_queue_item_get_bytes (item)));
  g_assert_true (dd_test_wait_for (thumbnails_ready, f->window, 5000));
  g_assert_cmpuint (dd_queue_item_get_width (item), ==, 640);
  g_assert_cmpuint (dd_queue_item_get_height (item), ==, 480);
}

/* Ctrl+V while typing the caption: the screenshot still goes to the queue */
static void
test_paste_in_caption (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (64, 48);
  GtkWidget *caption;

  fixture_window (f);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (f->window)), texture);
  caption = GTK_WIDGET (dd_test_window_child (f->window, "caption_view"));
  g_signal_emit_by_name (caption, "paste-clipboard");

  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 5000));
  g_assert_true (g_str_has_prefix (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), "Pasted image "));
}

static gboolean
all_finished (gpointer data)
{
  GListModel *queue = dd_window_get_queue (data);
  guint n = g_list_model_get_n_items (queue);

  for (guint i = 0; i < n; i++)
    {
      DdJob *job = dd_queue_item_get_job (dd_test_queue_item (data, i));

      if (job == NULL || !dd_job_is_finished (job))
        return FALSE;
    }
  return n > 0;
}

static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tmp, "a.png", NULL);
  g_autofree char *b = g_build_filename (f->tmp, "b.png", NULL);
  GFile *files[2];
  GPtrArray *messages;
  GtkTextView *caption;

  add_profile (f, "Team Group", SECRET);
  write_png (a, 800, 600);
  write_png (b, 200, 100);
  fixture_window (f);

  files[0] = g_file_new_for_path (a);
  files[1] = g_file_new_for_path (b);
  dd_window_add_files (f->window, files, 2);
  g_object_unref (files[0]);
  g_object_unref (files[1]);
  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 5000));
  while (g_list_model_get_n_items (dd_window_get_queue (f->window)) < 2)
    g_main_context_iteration (NULL, TRUE);

  caption = GTK_TEXT_VIEW (dd_test_window_child (f->window, "caption_view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (caption), "今天的日报", -1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (all_finished, f->window, 20000));

  for (guint i = 0; i < 2; i++)
    {
      DdJob *job = dd_queue_item_get_job (dd_test_queue_item (f->window, i));

      if (dd_job_get_state (job) != DD_JOB_SENT)
        g_test_message ("job %u: %s", i, dd_job_get_error_message (job));
      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
      g_assert_nonnull (strstr (dd_queue_row_get_status (dd_test_queue_row (f->window, i)), "Sent"));
    }

  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 2);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), >=, 1);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, >=, 1);

  /* the batch's toast */
  while (dd_window_get_last_toast (f->window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (dd_window_get_last_toast (f->window), ==, "2 images sent to Team Group");

  /* the caption went with the batch */
  {
    GtkTextIter start, end;
    g_autofree char *left = NULL;

    gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (caption), &start, &end);
    left = gtk_text_buffer_get_text (gtk_text_view_get_buffer (caption), &start, &end, FALSE);
    g_assert_cmpstr (left, ==, "");
  }

  /* nothing left to send: Send is off, and nothing more goes */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (dd_test_window_child (f->window, "send_button"))));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL);
  dd_fake_client_wait_ms (300);
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 2);
}

/* The outbox cannot take the batch (its folder cannot be written): the
 * window says why, and the caption typed for it is still there. */
static void
test_send_add_fails (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (40, 40);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  g_autofree char *jobs_dir = g_build_filename (f->tmp, "outbox", "jobs", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' && touch '%s'", jobs_dir, jobs_dir);
  g_autofree char *left = NULL;
  GtkTextView *caption;
  GtkTextIter start, end;

  add_profile (f, "Team Group", SECRET);
  fixture_window (f);
  dd_window_add_bytes (f->window, png, "shot.png");
  g_assert_true (dd_test_wait_for (queue_has_1, f->window, 5000));
  caption = GTK_TEXT_VIEW (dd_test_window_child (f->window, "caption_view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (caption), "写了很久的配文", -1);
  g_assert_cmpint (system (cmd), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  while (dd_window_get_last_toast (f->window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (caption), &start, &end);
  left = gtk_text_buffer_get_text (gtk_text_view_get_buffer (caption), &start, &end, FALSE);
  g_assert_cmpstr (left, ==, "写了很久的配文");
  g_assert_null (dd_queue_item_get_job (dd_test_queue_item (f->window, 0)));
  g_assert_cmpuint (dd_fake_server_get_n_requests (f->fake), ==, 0);
  g_assert_cmpint (g_unlink (jobs_dir), ==, 0);
}

/* A wrong signing secret: DingTalk answers 310000, the row says what to fix. */
static void
test_send_bad_sign (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (50, 50);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  DdJob *job;
  const char *error;

  add_profile (f, "Wrong Secret", "SECnot-the-right-one");
  fixture_window (f);
  dd_window_add_bytes (f->window, png, "shot.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (all_finished, f->window, 20000));

  job = dd_queue_item_get_job (dd_test_queue_item (f->window, 0));
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_FAILED);
  g_assert_cmpint (dd_job_get_errcode (job), ==, 310000);
  error = dd_queue_row_get_error (dd_test_queue_row (f->window, 0));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "signing secret"));
}

static void
test_countdown (void)
{
  g_autofree char *a = dd_format_countdown (42);
  g_autofree char *b = dd_format_countdown (600);
  g_autofree char *c = dd_format_countdown (-3);

  g_assert_cmpstr (a, ==, "0:42");
  g_assert_cmpstr (b, ==, "10:00");
  g_assert_cmpstr (c, ==, "0:00");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

/* The history lists what was sent; Send Again queues a kept image anew. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (120, 90);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  GtkWindow *history;
  GtkListBox *list;
  DdJob *job;

  add_profile (f, "Team Group", SECRET);
  dd_outbox_set_keep_history_images (f->outbox, TRUE);
  fixture_window (f);
  dd_window_add_bytes (f->window, png, "kept.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (all_finished, f->window, 20000));
  job = dd_queue_item_get_job (dd_test_queue_item (f->window, 0));
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.history", NULL));
  history = find_toplevel (DD_TYPE_HISTORY_WINDOW);
  g_assert_nonnull (history);
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (history), DD_TYPE_HISTORY_WINDOW, "list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 0));
  g_assert_null (gtk_list_box_get_row_at_index (list, 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, "kept.png");

  g_signal_emit_by_name (history, "send-again", job);
  /* the sent row made way for the new one */
  g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 1);
  g_assert_null (dd_queue_item_get_job (dd_test_queue_item (f->window, 0)));
  g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "kept.png");

  gtk_window_destroy (history);
}


static gboolean
job_started (gpointer data)
{
  DdJob *job = dd_queue_item_get_job (dd_test_queue_item (data, 0));

  return job != NULL && dd_job_get_state (job) != DD_JOB_WAITING;
}

/* Closing while an image is on its way asks; "quit" leaves the job in the
 * outbox for the next start. */
static void
test_close_asks (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = make_texture (60, 40);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  AdwMessageDialog *dialog;
  DdJob *job;

  add_profile (f, "Team Group", SECRET);
  /* DingTalk never answers: the image stays on its way */
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_STALL, 10);
  fixture_window (f);
  dd_window_add_bytes (f->window, png, "slow.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  g_assert_true (dd_test_wait_for (job_started, f->window, 10000));
  job = g_object_ref (dd_queue_item_get_job (dd_test_queue_item (f->window, 0)));

  gtk_window_close (GTK_WINDOW (f->window));
  dialog = dd_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_true (adw_message_dialog_has_response (dialog, "background"));

  /* what clicking the button does */
  adw_message_dialog_response (dialog, "quit");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);

  /* nothing lost: the job is still in the outbox, not sent, not failed */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 1);
  g_assert_false (dd_job_is_finished (job));
  g_object_unref (job);

  /* the next start: a new outbox on the same folder, a new window that
   * shows what is left */
  {
    g_autofree char *outbox_dir = g_build_filename (f->tmp, "outbox", NULL);
    g_autoptr(GError) error = NULL;

    g_clear_object (&f->window);
    dd_test_close_outbox (f->outbox);
    g_clear_object (&f->outbox);
    f->outbox = dd_outbox_new (outbox_dir, f->client, f->store);
    g_assert_true (dd_test_load_outbox (f->outbox, &error));
    g_assert_no_error (error);
    fixture_window (f);
    g_assert_cmpuint (g_list_model_get_n_items (dd_window_get_queue (f->window)), ==, 1);
    g_assert_cmpstr (dd_queue_item_get_display_name (dd_test_queue_item (f->window, 0)), ==, "slow.png");
    g_assert_nonnull (dd_queue_item_get_job (dd_test_queue_item (f->window, 0)));
  }
}

static DdProfile *
selected_robot (Fixture *f)
{
  DdRobotChooser *chooser = DD_ROBOT_CHOOSER (dd_test_window_child (f->window, "robot_chooser"));

  return dd_robot_chooser_get_primary (chooser);
}

static gboolean
robot_selected (gpointer data)
{
  DdProfile *profile = selected_robot (data);

  return profile != NULL && g_strcmp0 (dd_profile_get_name (profile), "Added Elsewhere") == 0;
}

/* A robot that `dingdrop profile add` saves while the window is open is
 * in the window's robot list within a second, and chosen when it is the
 * only one. */
static void
test_robot_added_elsewhere (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *config = g_build_filename (f->tmp, "config", NULL);
  g_autoptr(DdProfileStore) other = dd_profile_store_new (config);
  g_autoptr(DdProfile) profile = dd_profile_new ("Added Elsewhere");
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_load (f->store, &error));
  g_assert_true (dd_profile_store_watch (f->store, &error));
  g_assert_no_error (error);
  fixture_window (f);
  g_assert_null (selected_robot (f));

  g_assert_true (dd_profile_store_load (other, &error));
  g_assert_true (dd_profile_store_add (other, profile, &error));
  g_assert_true (dd_profile_store_save (other, &error));
  g_assert_no_error (error);

  g_assert_true (dd_test_wait_for (robot_selected, f, 1000));
  g_assert_cmpstr (dd_profile_get_id (selected_robot (f)), ==, dd_profile_get_id (profile));
}

int
main (int    argc,
      char **argv)
{
  dd_test_init (&argc, &argv);

  g_test_add_func ("/window/countdown", test_countdown);
  g_test_add ("/window/drop-file-list", Fixture, NULL, fixture_set_up, test_drop_file_list, fixture_tear_down);
  g_test_add ("/window/drop-uri-text", Fixture, NULL, fixture_set_up, test_drop_uri_text, fixture_tear_down);
  g_test_add ("/window/drop-bomb", Fixture, NULL, fixture_set_up, test_drop_bomb, fixture_tear_down);
  g_test_add ("/window/drop-bad-files", Fixture, NULL, fixture_set_up, test_drop_bad_files, fixture_tear_down);
  g_test_add ("/window/drop-http", Fixture, NULL, fixture_set_up, test_drop_http, fixture_tear_down);
  g_test_add ("/window/drop-texture", Fixture, NULL, fixture_set_up, test_drop_texture, fixture_tear_down);
  g_test_add ("/window/paste-texture", Fixture, NULL, fixture_set_up, test_paste_texture, fixture_tear_down);
  g_test_add ("/window/paste-in-caption", Fixture, NULL, fixture_set_up, test_paste_in_caption, fixture_tear_down);
  g_test_add ("/window/robot-added-elsewhere", Fixture, NULL, fixture_set_up, test_robot_added_elsewhere, fixture_tear_down);
  /* sending needs the secrets in a keyring: run-with-keyring.sh */
  if (g_strcmp0 (g_getenv ("DD_TEST_SECRETS_BACKEND"), "keyring") == 0)
    {
      g_test_add ("/window/send", Fixture, "send", fixture_set_up, test_send, fixture_tear_down);
      g_test_add ("/window/send-add-fails", Fixture, "send", fixture_set_up, test_send_add_fails, fixture_tear_down);
      g_test_add ("/window/send-bad-sign", Fixture, "send", fixture_set_up, test_send_bad_sign, fixture_tear_down);
      g_test_add ("/window/history", Fixture, "send", fixture_set_up, test_history, fixture_tear_down);
      g_test_add ("/window/close-asks", Fixture, "send", fixture_set_up, test_close_asks, fixture_tear_down);
    }

  return g_test_run ();
}
