/* test-image-editor.c: the image editor on a queued image, under Xvfb,
 * with real pointer and key input through xdotool
 *
 * A real PNG file is queued; Enter on its row opens the editor; a drag
 * with the mouse draws a redaction; Done (Enter, or a click) gives the
 * item the edited pixels, whose box is black where the drag was and the
 * rest unchanged; the row's thumbnail shows it; the file on disk stays
 * as it was.  Cancel (Escape) changes nothing.  A redaction placed with
 * the keys alone lands on exactly the pixels the keys chose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include <gdk/x11/gdkx.h>

#include "dd-edit-canvas.h"
#include "dd-image-editor.h"
#include "dd-job-private.h"
#include "ui-test-util.h"

#define IMG_W 320
#define IMG_H 240

typedef struct {
  char           *tmp;
  char           *path;
  char           *checksum;
  GdkPixbuf      *source;
  DdProfileStore *store;
  DdWindow       *window;
} Fixture;

/* no pixel is black, and each differs from its neighbours */
static GdkPixbuf *
make_source (void)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMG_W, IMG_H);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W; x++)
      {
        guint8 *p = pixels + y * rowstride + x * 3;

        p[0] = 40 + (x % 200);
        p[1] = 40 + (y % 200);
        p[2] = 40 + ((x + y) % 200);
      }
  return pixbuf;
}

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, len);
}

static gboolean
item_has_thumbnail (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (dd_window_get_queue (f->window)) == 1 &&
         dd_queue_item_get_thumbnail (dd_test_queue_item (f->window, 0)) != NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GFile) file = NULL;

  f->tmp = g_dir_make_tmp ("dd-test-editor-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (f->tmp, "config", NULL);
  f->store = dd_profile_store_new (config);

  f->source = make_source ();
  f->path = g_build_filename (f->tmp, "secret-token.png", NULL);
  gdk_pixbuf_save (f->source, f->path, "png", &error, NULL);
  g_assert_no_error (error);
  f->checksum = checksum_file (f->path);

  f->window = g_object_ref_sink (dd_window_new_for (f->store, NULL));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 600);
  gtk_window_present (GTK_WINDOW (f->window));

  file = g_file_new_for_path (f->path);
  dd_window_add_files (f->window, &file, 1);
  g_assert_true (dd_test_wait_for (item_has_thumbnail, f, 20000));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->store);
  g_clear_object (&f->source);
  dd_test_remove_dir (f->tmp);
  g_clear_pointer (&f->tmp, g_free);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->checksum, g_free);
}

/* ---- the editor ------------------------------------------------------- */

static DdImageEditor *
find_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DD_IS_IMAGE_EDITOR (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return DD_IMAGE_EDITOR (window);
    }
  return NULL;
}

static gpointer
editor_child (DdImageEditor *editor,
              const char    *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (editor), DD_TYPE_IMAGE_EDITOR, name);
}

static gboolean
editor_shown (gpointer data)
{
  DdImageEditor *editor = find_editor ();
  graphene_rect_t area;

  return editor != NULL && dd_image_editor_is_ready (editor) &&
         gtk_widget_get_mapped (editor_child (editor, "canvas")) &&
         dd_edit_canvas_get_image_area (editor_child (editor, "canvas"), &area);
}

static gboolean
editor_gone (gpointer data)
{
  return find_editor () == NULL;
}

static char *
xid_of (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

/* xdotool ARGS…, waited for; the main loop does not run meanwhile, the
 * X server keeps the events */
static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, g_strdup ("timeout"));
  g_ptr_array_add (argv, g_strdup ("10"));
  g_ptr_array_add (argv, g_strdup ("xdotool"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The point of @widget at (@x, @y) in its X11 window's coordinates. */
static void
window_point (GtkWidget *widget,
              double     x,
              double     y,
              char     **wx,
              char     **wy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t p;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &p));
  gtk_native_get_surface_transform (native, &sx, &sy);
  *wx = g_strdup_printf ("%d", (int) lround (p.x + sx));
  *wy = g_strdup_printf ("%d", (int) lround (p.y + sy));
}

/* The pointer, for real, from one pixel of the image to another; returns
 * the rectangle of pixels the drag went over. */
static DdImageRect
drag_on_image (DdImageEditor *editor,
               int            x0,
               int            y0,
               int            x1,
               int            y1)
{
  DdEditCanvas *canvas = editor_child (editor, "canvas");
  g_autofree char *xid = xid_of (GTK_WIDGET (editor));
  g_autofree char *ax = NULL, *ay = NULL, *mx = NULL, *my = NULL, *bx = NULL, *by = NULL;
  graphene_rect_t area;
  double scale;

  g_assert_true (dd_edit_canvas_get_image_area (canvas, &area));
  scale = area.size.width / IMG_W;
  window_point (GTK_WIDGET (canvas), area.origin.x + (x0 + 0.5) * scale,
                area.origin.y + (y0 + 0.5) * scale, &ax, &ay);
  window_point (GTK_WIDGET (canvas), area.origin.x + ((x0 + x1) / 2.0) * scale,
                area.origin.y + ((y0 + y1) / 2.0) * scale, &mx, &my);
  window_point (GTK_WIDGET (canvas), area.origin.x + (x1 + 0.5) * scale,
                area.origin.y + (y1 + 0.5) * scale, &bx, &by);

  xdotool ("windowfocus", "--sync", xid,
           "mousemove", "--window", xid, ax, ay, "sleep", "0.1",
           "mousedown", "1", "sleep", "0.1",
           "mousemove", "--window", xid, mx, my, "sleep", "0.1",
           "mousemove", "--window", xid, bx, by, "sleep", "0.1",
           "mouseup", "1", NULL);

  return (DdImageRect) { MIN (x0, x1), MIN (y0, y1), ABS (x1 - x0) + 1, ABS (y1 - y0) + 1 };
}

/* A real click in the middle of @widget. */
static void
click (GtkWidget *widget)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_native (widget));
  g_autofree char *xid = xid_of (window);
  g_autofree char *x = NULL, *y = NULL;

  window_point (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0, &x, &y);
  xdotool ("windowfocus", "--sync", xid, "mousemove", "--window", xid, x, y, "sleep", "0.1",
           "click", "1", NULL);
}

static gboolean
is_active (gpointer data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return gtk_toggle_button_get_active (data);
}

static gboolean
can_undo (gpointer data)
{
  return dd_edit_canvas_can_undo (editor_child (data, "canvas"));
}

/* Enter on the focused row, for real: the editor opens on it */
static DdImageEditor *
open_editor (Fixture *f)
{
  GtkWidget *row = GTK_WIDGET (dd_test_queue_row (f->window, 0));
  DdImageEditor *editor;

  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  gtk_widget_grab_focus (row);
  g_assert_true (dd_test_press_keys (GTK_WIDGET (f->window), "Return"));
  g_assert_true (dd_test_wait_for (editor_shown, NULL, 20000));
  editor = find_editor ();
  g_assert_true (dd_image_editor_get_item (editor) == dd_test_queue_item (f->window, 0));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (editor)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) == GTK_WINDOW (f->window));
  return editor;
}

static GdkPixbuf *
decode (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static const guint8 *
pixel (GdkPixbuf *pixbuf,
       int        x,
       int        y)
{
  return gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
         x * gdk_pixbuf_get_n_channels (pixbuf);
}

static gboolean
is_black (const guint8 *p)
{
  return p[0] == 0 && p[1] == 0 && p[2] == 0;
}

/* The black pixels of @edited form one box within @slack pixels of
 * @drawn (with the mouse, the screen's scale rounds: a pixel or two);
 * every other pixel is the source's. */
static void
assert_one_box (Fixture           *f,
                GdkPixbuf         *edited,
                const DdImageRect *drawn,
                int                slack)
{
  int bx0 = G_MAXINT, by0 = G_MAXINT, bx1 = -1, by1 = -1;
  guint n_black = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (edited), ==, IMG_W);
  g_assert_cmpint (gdk_pixbuf_get_height (edited), ==, IMG_H);

  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W; x++)
      {
        const guint8 *p = pixel (edited, x, y);

        if (is_black (p))
          {
            bx0 = MIN (bx0, x);
            by0 = MIN (by0, y);
            bx1 = MAX (bx1, x);
            by1 = MAX (by1, y);
            n_black++;
          }
        else
          g_assert_cmpmem (p, 3, pixel (f->source, x, y), 3);
      }

  g_test_message ("drawn %d,%d %d×%d; black %d,%d–%d,%d", drawn->x, drawn->y,
                  drawn->width, drawn->height, bx0, by0, bx1, by1);
  g_assert_cmpint (ABS (bx0 - drawn->x), <=, slack);
  g_assert_cmpint (ABS (by0 - drawn->y), <=, slack);
  g_assert_cmpint (ABS (bx1 - (drawn->x + drawn->width - 1)), <=, slack);
  g_assert_cmpint (ABS (by1 - (drawn->y + drawn->height - 1)), <=, slack);
  /* solid: every pixel of its bounding box is black */
  g_assert_cmpuint (n_black, ==, (guint) (bx1 - bx0 + 1) * (by1 - by0 + 1));
}

typedef struct {
  DdQueueItem  *item;
  GdkPaintable *old;
} ThumbWait;

static gboolean
thumbnail_changed (gpointer data)
{
  ThumbWait *w = data;

  return dd_queue_item_get_thumbnail (w->item) != NULL &&
         dd_queue_item_get_thumbnail (w->item) != w->old;
}

/* the thumbnail's pixel at (@fx, @fy), fractions of its size */
static void
thumbnail_pixel (GdkPaintable *paintable,
                 double        fx,
                 double        fy,
                 guint8        rgba[4])
{
  GdkTexture *texture = GDK_TEXTURE (paintable);
  int w = gdk_texture_get_width (texture);
  int h = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) w * h * 4);
  int x = (int) (fx * w), y = (int) (fy * h);

  gdk_texture_download (texture, data, w * 4);
  /* GDK_MEMORY_DEFAULT: B G R A in memory on little endian */
  memcpy (rgba, data + ((gsize) y * w + x) * 4, 4);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_redact (Fixture       *f,
             gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  DdQueueRow *row = dd_test_queue_row (f->window, 0);
  ThumbWait wait = { item, dd_queue_item_get_thumbnail (item) };
  g_autofree char *checksum = NULL;
  g_autoptr(GdkPixbuf) edited = NULL;
  g_autoptr(GdkPaintable) old = g_object_ref (wait.old);
  DdImageEditor *editor;
  DdImageRect drawn;
  GtkImage *picture;
  guint8 rgba[4];

  /* the old thumbnail: the image's colours where the box will be */
  thumbnail_pixel (old, 0.5, 0.5, rgba);
  g_assert_false (rgba[0] == 0 && rgba[1] == 0 && rgba[2] == 0);

  editor = open_editor (f);
  g_assert_false (dd_edit_canvas_can_undo (editor_child (editor, "canvas")));
  drawn = drag_on_image (editor, 100, 80, 220, 160);
  g_assert_true (dd_test_wait_for (can_undo, editor, 10000));

  /* Done with Enter */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Return"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

  g_assert_true (dd_queue_item_get_edited (item));
  g_assert_null (dd_queue_item_get_file (item));
  g_assert_nonnull (dd_queue_item_get_bytes (item));
  g_assert_cmpuint (dd_queue_item_get_size (item), ==, g_bytes_get_size (dd_queue_item_get_bytes (item)));
  g_assert_cmpstr (dd_queue_item_get_display_name (item), ==, "secret-token.png");
  edited = decode (dd_queue_item_get_bytes (item));
  assert_one_box (f, edited, &drawn, 2);

  /* the row shows the edited image */
  g_assert_true (dd_test_wait_for (thumbnail_changed, &wait, 20000));
  picture = GTK_IMAGE (gtk_widget_get_template_child (GTK_WIDGET (row), DD_TYPE_QUEUE_ROW, "picture"));
  g_assert_true (gtk_image_get_paintable (picture) == dd_queue_item_get_thumbnail (item));
  thumbnail_pixel (dd_queue_item_get_thumbnail (item), 0.5, 0.5, rgba);
  g_assert_cmpuint (rgba[0], ==, 0);
  g_assert_cmpuint (rgba[1], ==, 0);
  g_assert_cmpuint (rgba[2], ==, 0);
  thumbnail_pixel (dd_queue_item_get_thumbnail (item), 0.1, 0.1, rgba);
  g_assert_false (rgba[0] == 0 && rgba[1] == 0 && rgba[2] == 0);
  g_assert_cmpuint (dd_queue_item_get_width (item), ==, IMG_W);
  /* and says it was edited, with the new size */
  {
    g_autofree char *size = g_format_size (dd_queue_item_get_size (item));

    g_test_message ("row: %s", dd_queue_row_get_status (row));
    g_assert_true (g_str_has_prefix (dd_queue_row_get_status (row), "Edited · "));
    g_assert_nonnull (strstr (dd_queue_row_get_status (row), size));
  }

  /* the file is as it was */
  checksum = checksum_file (f->path);
  g_assert_cmpstr (checksum, ==, f->checksum);

  /* opened again: it starts from the edited image, a crop with undo */
  {
    g_autoptr(GdkPixbuf) cropped = NULL;
    GtkWidget *crop_button;
    DdImageRect crop;

    editor = open_editor (f);
    crop_button = editor_child (editor, "crop_button");
    click (crop_button);
    g_assert_true (dd_test_wait_for (is_active, crop_button, 10000));
    drag_on_image (editor, 10, 10, 40, 40);
    g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
    /* Ctrl+Z takes it back; the second crop counts */
    g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "ctrl+z"));
    g_assert_false (dd_edit_canvas_can_undo (editor_child (editor, "canvas")));
    crop = drag_on_image (editor, 90, 70, 249, 189);
    g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
    click (editor_child (editor, "done_button"));
    g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

    cropped = decode (dd_queue_item_get_bytes (item));
    g_test_message ("cropped to %d×%d", gdk_pixbuf_get_width (cropped), gdk_pixbuf_get_height (cropped));
    g_assert_cmpint (ABS (gdk_pixbuf_get_width (cropped) - crop.width), <=, 3);
    g_assert_cmpint (ABS (gdk_pixbuf_get_height (cropped) - crop.height), <=, 3);
    /* the box is still there, inside the crop */
    g_assert_true (is_black (pixel (cropped, 160 - 90, 120 - 70)));
  }
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  GdkPaintable *thumbnail = dd_queue_item_get_thumbnail (item);
  guint64 size = dd_queue_item_get_size (item);
  DdImageEditor *editor;

  editor = open_editor (f);

  /* Escape in the middle of a drag drops that rectangle only */
  {
    DdEditCanvas *canvas = editor_child (editor, "canvas");
    g_autofree char *xid = xid_of (GTK_WIDGET (editor));
    g_autofree char *ax = NULL, *ay = NULL, *bx = NULL, *by = NULL;
    graphene_rect_t area;

    g_assert_true (dd_edit_canvas_get_image_area (canvas, &area));
    window_point (GTK_WIDGET (canvas), area.origin.x + 20, area.origin.y + 20, &ax, &ay);
    window_point (GTK_WIDGET (canvas), area.origin.x + 200, area.origin.y + 150, &bx, &by);
    xdotool ("windowfocus", "--sync", xid,
             "mousemove", "--window", xid, ax, ay, "sleep", "0.1",
             "mousedown", "1", "sleep", "0.1",
             "mousemove", "--window", xid, bx, by, "sleep", "0.1",
             "key", "Escape", "sleep", "0.1",
             "mouseup", "1", NULL);
    /* the editor is still there, with nothing drawn */
    for (guint i = 0; i < 50; i++)
      {
        g_usleep (10000);
        while (g_main_context_iteration (NULL, FALSE))
          ;
      }
    g_assert_true (find_editor () == editor);
    g_assert_false (dd_edit_canvas_can_undo (canvas));
  }

  drag_on_image (editor, 20, 20, 300, 220);
  g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Escape"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

  /* let a thumbnail that should not come have its chance */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_false (dd_queue_item_get_edited (item));
  g_assert_nonnull (dd_queue_item_get_file (item));
  g_assert_null (dd_queue_item_get_bytes (item));
  g_assert_cmpuint (dd_queue_item_get_size (item), ==, size);
  g_assert_true (dd_queue_item_get_thumbnail (item) == thumbnail);
  g_assert_null (strstr (dd_queue_row_get_status (dd_test_queue_row (f->window, 0)), "Edited"));

  /* and Cancel with the mouse, after the Edit button */
  {
    GtkWidget *edit_button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dd_test_queue_row (f->window, 0)),
                                                            DD_TYPE_QUEUE_ROW, "edit_button");

    g_assert_true (gtk_widget_get_visible (edit_button));
    click (edit_button);
    g_assert_true (dd_test_wait_for (editor_shown, NULL, 20000));
    editor = find_editor ();
    drag_on_image (editor, 20, 20, 100, 100);
    g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
    click (editor_child (editor, "cancel_button"));
    g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));
    g_assert_false (dd_queue_item_get_edited (item));
    g_assert_nonnull (dd_queue_item_get_file (item));
  }
}

/* A drag that starts beside the image reaches its very edge. */
static void
test_from_the_edge (Fixture       *f,
                    gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  g_autoptr(GdkPixbuf) edited = NULL;
  DdImageEditor *editor;
  DdImageRect drawn;

  editor = open_editor (f);
  drawn = drag_on_image (editor, -4, -4, 50, 40);
  g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Return"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

  edited = decode (dd_queue_item_get_bytes (item));
  drawn = (DdImageRect) { 0, 0, drawn.x + drawn.width, drawn.y + drawn.height };
  assert_one_box (f, edited, &drawn, 2);
  g_assert_true (is_black (pixel (edited, 0, 0)));
}

/* A redaction placed by keys only lands exactly where the keys put it:
 * N places a quarter of the image in its centre, each arrow moves it by
 * a hundredth of the longer side, Shift by ten of those, Alt resizes. */
static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  DdEditCanvas *canvas;
  g_autofree char *checksum = NULL;
  g_autoptr(GdkPixbuf) edited = NULL;
  DdImageEditor *editor;
  const int step = MAX (IMG_W, IMG_H) / 100, big = 10 * step;
  DdImageRect expected = { IMG_W * 3 / 8, IMG_H * 3 / 8, IMG_W / 4, IMG_H / 4 };

  editor = open_editor (f);
  canvas = editor_child (editor, "canvas");
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (canvas)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (canvas)));

  /* Escape drops the rectangle being placed, and only that */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "n Right Escape"));
  for (guint i = 0; i < 50; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_true (find_editor () == editor);
  g_assert_false (dd_edit_canvas_can_undo (canvas));

  /* Insert places it, moved and resized; Enter commits it, not Done */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor),
                                     "Insert Right Right shift+Down "
                                     "alt+Right alt+Right alt+Right shift+alt+Down Left Return"));
  expected.x += 2 * step - step;
  expected.y += big;
  expected.width += 3 * step;
  expected.height += big;
  g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
  g_assert_true (find_editor () == editor);

  /* with nothing being placed, Enter is Done */
  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Return"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

  g_assert_true (dd_queue_item_get_edited (item));
  edited = decode (dd_queue_item_get_bytes (item));
  assert_one_box (f, edited, &expected, 0);
  checksum = checksum_file (f->path);
  g_assert_cmpstr (checksum, ==, f->checksum);

  /* again, with Crop (its mnemonic): Enter commits the crop */
  {
    g_autoptr(GdkPixbuf) cropped = NULL;
    DdImageRect crop = { IMG_W * 3 / 8, IMG_H * 3 / 8, IMG_W / 4 + big, IMG_H / 4 };

    editor = open_editor (f);
    g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "alt+o"));
    g_assert_true (dd_test_wait_for (is_active, editor_child (editor, "crop_button"), 10000));
    /* the canvas has the keys again */
    g_assert_true (gtk_widget_has_focus (editor_child (editor, "canvas")));
    g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "n shift+alt+Right Return"));
    g_assert_true (dd_test_wait_for (can_undo, editor, 10000));
    g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Return"));
    g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));

    cropped = decode (dd_queue_item_get_bytes (item));
    g_assert_cmpint (gdk_pixbuf_get_width (cropped), ==, crop.width);
    g_assert_cmpint (gdk_pixbuf_get_height (cropped), ==, crop.height);
    g_assert_cmpmem (pixel (cropped, 0, 0), 3, pixel (f->source, crop.x, crop.y), 3);
    /* the box, where it was in the image */
    g_assert_false (is_black (pixel (cropped, expected.x - crop.x - 1, expected.y - crop.y)));
    g_assert_true (is_black (pixel (cropped, expected.x - crop.x, expected.y - crop.y)));
    g_assert_true (is_black (pixel (cropped, expected.x + expected.width - 1 - crop.x, crop.height - 1)));
    g_assert_false (is_black (pixel (cropped, expected.x + expected.width - crop.x, crop.height - 1)));
  }
}

static gboolean
shows_error (gpointer data)
{
  DdImageEditor *editor = find_editor ();

  return editor != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (editor_child (editor, "stack")), "error") == 0;
}

/* An image that cannot be read (its file deleted since it was queued)
 * says so in the editor, and Done cannot be pressed; Escape closes it. */
static void
test_file_gone (Fixture       *f,
                gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  GtkWidget *row = GTK_WIDGET (dd_test_queue_row (f->window, 0));
  DdImageEditor *editor;
  const char *description;

  g_assert_cmpint (g_unlink (f->path), ==, 0);
  gtk_widget_grab_focus (row);
  g_assert_true (dd_test_press_keys (GTK_WIDGET (f->window), "Return"));
  g_assert_true (dd_test_wait_for (shows_error, NULL, 20000));
  editor = find_editor ();
  description = adw_status_page_get_description (editor_child (editor, "error_page"));
  g_test_message ("%s", description);
  g_assert_nonnull (strstr (description, "secret-token.png"));
  g_assert_false (gtk_widget_get_sensitive (editor_child (editor, "done_button")));
  g_assert_false (dd_image_editor_is_ready (editor));

  g_assert_true (dd_test_press_keys (GTK_WIDGET (editor), "Escape"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));
  g_assert_nonnull (dd_queue_item_get_file (item));
  g_assert_false (dd_queue_item_get_edited (item));
}

/* Once the outbox has the image, its copy is what is sent: no editor,
 * not by Enter nor by a button; taken back, it can be edited again. */
static void
test_not_once_handed (Fixture       *f,
                      gconstpointer  data)
{
  DdQueueItem *item = dd_test_queue_item (f->window, 0);
  GtkWidget *row = GTK_WIDGET (dd_test_queue_row (f->window, 0));
  GtkWidget *edit_button = (GtkWidget *) gtk_widget_get_template_child (row, DD_TYPE_QUEUE_ROW, "edit_button");
  const DdJobState states[] = { DD_JOB_WAITING, DD_JOB_UPLOADING, DD_JOB_SENT, DD_JOB_FAILED };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(DdJob) job = dd_job_new ("job-1", f->tmp);

      dd_job_set_state (job, states[i]);
      dd_queue_item_set_job (item, job);
      g_assert_false (dd_queue_item_is_editable (item));
      g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
      g_assert_false (gtk_widget_get_visible (edit_button));

      gtk_widget_grab_focus (row);
      g_assert_true (dd_test_press_keys (GTK_WIDGET (f->window), "Return"));
      g_assert_null (find_editor ());
    }

  dd_queue_item_set_job (item, NULL);
  g_assert_true (dd_queue_item_is_editable (item));
  g_assert_true (gtk_widget_get_visible (edit_button));
  gtk_widget_grab_focus (row);
  g_assert_true (dd_test_press_keys (GTK_WIDGET (f->window), "Return"));
  g_assert_true (dd_test_wait_for (editor_shown, NULL, 20000));
  g_assert_true (dd_test_press_keys (GTK_WIDGET (find_editor ()), "Escape"));
  g_assert_true (dd_test_wait_for (editor_gone, NULL, 20000));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/editor/redact", Fixture, NULL, fixture_set_up, test_redact, fixture_tear_down);
  g_test_add ("/editor/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/editor/keys", Fixture, NULL, fixture_set_up, test_keys, fixture_tear_down);
  g_test_add ("/editor/from-the-edge", Fixture, NULL, fixture_set_up, test_from_the_edge, fixture_tear_down);
  g_test_add ("/editor/file-gone", Fixture, NULL, fixture_set_up, test_file_gone, fixture_tear_down);
  g_test_add ("/editor/not-once-handed", Fixture, NULL, fixture_set_up, test_not_once_handed, fixture_tear_down);

  return g_test_run ();
}
