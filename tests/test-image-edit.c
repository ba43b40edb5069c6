/* test-image-edit.c: crop and redact, pixel by pixel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every source image has a different colour in each pixel, so a crop
 * that is off by one, a box in the wrong place or a pixel changed outside
 * a box shows as a mismatch of decoded values.
 */
#define G_LOG_DOMAIN "test-image-edit"

#include "config.h"

#include <locale.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-image-edit.h"

#define W 64
#define H 48

static char *tmpdir;

/* ---- helpers ---------------------------------------------------------- */

/* r = x·4, g = y·5, b from both: no two pixels alike */
static GdkPixbuf *
gradient_pixbuf (int      width,
                 int      height,
                 gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * rowstride + x * n;

        p[0] = (guint8) (x * 4);
        p[1] = (guint8) (y * 5);
        p[2] = (guint8) (255 - ((x * 7 + y * 3) & 0x7F));
        if (alpha)
          p[3] = 128;   /* half transparent: a box must not be */
      }
  return pixbuf;
}

static GBytes *
png_bytes (GdkPixbuf *pixbuf)
{
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
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
inside (const DdImageRect *r,
        int                x,
        int                y)
{
  return x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height;
}

/* @out equals @src moved by (@dx, @dy), except inside @boxes, which are
 * uniformly opaque black (in @src's coordinates). */
static void
assert_edited (GdkPixbuf         *out,
               GdkPixbuf         *src,
               int                dx,
               int                dy,
               const DdImageRect *boxes,
               guint              n_boxes)
{
  int n = gdk_pixbuf_get_n_channels (src);
  guint n_black = 0;

  g_assert_cmpint (gdk_pixbuf_get_n_channels (out), ==, n);
  for (int y = 0; y < gdk_pixbuf_get_height (out); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (out); x++)
      {
        const guint8 *o = pixel (out, x, y);
        const guint8 *s = pixel (src, x + dx, y + dy);
        gboolean boxed = FALSE;

        for (guint i = 0; i < n_boxes; i++)
          boxed |= inside (&boxes[i], x + dx, y + dy);

        if (boxed)
          {
            g_assert_cmpuint (o[0], ==, 0);
            g_assert_cmpuint (o[1], ==, 0);
            g_assert_cmpuint (o[2], ==, 0);
            if (n == 4)
              g_assert_cmpuint (o[3], ==, 255);
            n_black++;
          }
        else
          for (int c = 0; c < n; c++)
            if (o[c] != s[c])
              g_error ("pixel %d,%d channel %d: %u, expected %u", x, y, c, o[c], s[c]);
      }
  if (n_boxes > 0)
    g_assert_cmpuint (n_black, >, 0);
}

static GdkPixbuf *
apply (GBytes            *bytes,
       const DdImageEdit *edit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  guint w = 0, h = 0;
  GdkPixbuf *pixbuf;

  out = dd_image_edit_apply (bytes, edit, 0, &w, &h, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  /* PNG, whatever came in */
  g_assert_cmpmem (g_bytes_get_data (out, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  pixbuf = decode (out);
  g_assert_cmpuint (w, ==, gdk_pixbuf_get_width (pixbuf));
  g_assert_cmpuint (h, ==, gdk_pixbuf_get_height (pixbuf));
  return pixbuf;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_nothing (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GdkPixbuf) out = NULL;

  g_assert_true (dd_image_edit_is_empty (edit));
  out = apply (bytes, edit);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, W);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, H);
  assert_edited (out, src, 0, 0, NULL, 0);
}

static void
test_crop (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GdkPixbuf) out = NULL;
  DdImageRect crop = { 10, 5, 20, 15 };
  DdImageRect got;

  dd_image_edit_set_crop (edit, &crop);
  g_assert_true (dd_image_edit_get_crop (edit, &got));
  g_assert_cmpint (got.x, ==, 10);
  g_assert_false (dd_image_edit_is_empty (edit));

  out = apply (bytes, edit);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 20);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 15);
  assert_edited (out, src, 10, 5, NULL, 0);

  /* unset again: the whole image */
  dd_image_edit_set_crop (edit, NULL);
  g_assert_false (dd_image_edit_get_crop (edit, NULL));
}

static void
test_redact (gconstpointer data)
{
  gboolean alpha = GPOINTER_TO_INT (data);
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, alpha);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GdkPixbuf) out = NULL;
  const DdImageRect boxes[] = { { 3, 4, 10, 6 }, { 40, 20, 7, 20 }, { 8, 8, 10, 10 } };

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    dd_image_edit_add_redaction (edit, &boxes[i]);
  g_assert_cmpuint (dd_image_edit_get_n_redactions (edit), ==, 3);

  out = apply (bytes, edit);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, W);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, H);
  assert_edited (out, src, 0, 0, boxes, G_N_ELEMENTS (boxes));

  /* the corners of a box, exactly: black inside, untouched just outside */
  g_assert_cmpuint (pixel (out, 3, 4)[0], ==, 0);
  g_assert_cmpuint (pixel (out, 12, 9)[1], ==, 0);
  g_assert_cmpuint (pixel (out, 2, 4)[0], ==, 2 * 4);
  g_assert_cmpuint (pixel (out, 3, 3)[1], ==, 3 * 5);
}

/* Redactions are where the user drew them on the whole image; the crop
 * then cuts the part to keep. */
static void
test_crop_and_redact (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GdkPixbuf) out = NULL;
  const DdImageRect box = { 15, 10, 30, 4 };
  const DdImageRect crop = { 20, 8, 30, 30 };

  g_autofree char *before = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *after = NULL;

  dd_image_edit_add_redaction (edit, &box);
  dd_image_edit_set_crop (edit, &crop);
  out = apply (bytes, edit);
  /* the bytes given are only read */
  after = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 30);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 30);
  assert_edited (out, src, 20, 8, &box, 1);
}

static void
test_clamp (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GdkPixbuf) out = NULL;
  /* over the edge; wholly outside; empty; negative; huge */
  const DdImageRect edge = { 50, 40, 100, 100 };
  const DdImageRect outside[] = { { 100, 100, 10, 10 }, { -30, 5, 20, 5 },
                                  { 5, 5, 0, 10 }, { 20, 20, -5, -5 } };
  const DdImageRect crop = { -5, -6, 30, 26 };
  const DdImageRect clamped_edge = { 50, 40, 14, 8 };
  DdImageRect r;

  g_assert_true (dd_image_rect_clamp (&edge, W, H, &r));
  g_assert_cmpint (r.x, ==, 50);
  g_assert_cmpint (r.width, ==, 14);
  g_assert_cmpint (r.height, ==, 8);
  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    g_assert_false (dd_image_rect_clamp (&outside[i], W, H, &r));
  r = (DdImageRect) { G_MAXINT - 1, 0, G_MAXINT, 10 };
  g_assert_false (dd_image_rect_clamp (&r, W, H, &r));

  dd_image_edit_add_redaction (edit, &edge);
  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    dd_image_edit_add_redaction (edit, &outside[i]);
  out = apply (bytes, edit);
  assert_edited (out, src, 0, 0, &clamped_edge, 1);
  g_clear_object (&out);

  /* a crop over the top-left corner keeps what is inside */
  dd_image_edit_set_crop (edit, &crop);
  out = apply (bytes, edit);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 25);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 20);
  assert_edited (out, src, 0, 0, NULL, 0);
}

static void
test_empty_crop (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  const DdImageRect crops[] = { { 10, 10, 0, 10 }, { 10, 10, 10, 0 },
                                { W, 0, 10, 10 }, { -20, -20, 20, 20 }, { 5, 5, -3, 4 } };

  for (guint i = 0; i < G_N_ELEMENTS (crops); i++)
    {
      g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) out = NULL;

      dd_image_edit_set_crop (edit, &crops[i]);
      out = dd_image_edit_apply (bytes, edit, 0, NULL, NULL, NULL, &error);
      g_assert_null (out);
      g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_EDIT);
      g_assert_nonnull (strstr (error->message, "crop"));
    }
}

/* whether @needle is anywhere in the @n bytes at @d (NULs included) */
static gboolean
contains (const guint8 *d,
          gsize         n,
          const char   *needle)
{
  gsize len = strlen (needle);

  for (gsize i = 0; i + len <= n; i++)
    if (memcmp (d + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

/* An EXIF APP1 segment with only the orientation, big-endian. */
static GBytes *
exif_orientation (guint16 orientation)
{
  static const guint8 head[] = {
    0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0, 42, 0, 0, 0, 8,
    0, 1,                              /* one entry */
    0x01, 0x12, 0, 3, 0, 0, 0, 1,      /* Orientation, SHORT, 1 */
  };
  GByteArray *seg = g_byte_array_new ();
  guint8 tail[] = { orientation >> 8, orientation & 0xFF, 0, 0, 0, 0, 0, 0 };

  g_byte_array_append (seg, head, sizeof head);
  g_byte_array_append (seg, tail, sizeof tail);
  g_assert_cmpuint (seg->len, ==, 2 + 0x22);
  return g_byte_array_free_to_bytes (seg);
}

/* A JPEG stored 40 × 20 and shown 20 × 40 (orientation 6: turned
 * clockwise): the edit is in the shown image's pixels. */
static void
test_orientation (void)
{
  g_autoptr(GdkPixbuf) stored = gradient_pixbuf (40, 20, FALSE);
  g_autoptr(GBytes) exif = exif_orientation (6);
  g_autoptr(GByteArray) jpeg = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) shown_raw = NULL;
  g_autoptr(GdkPixbuf) shown = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GError) error = NULL;
  const DdImageRect crop = { 2, 5, 15, 30 };
  const DdImageRect box = { 0, 0, 20, 8 };
  char *buffer = NULL;
  gsize len = 0;

  gdk_pixbuf_save_to_buffer (stored, &buffer, &len, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  g_byte_array_append (jpeg, (const guint8 *) buffer, 2);   /* SOI */
  g_byte_array_append (jpeg, g_bytes_get_data (exif, NULL), g_bytes_get_size (exif));
  g_byte_array_append (jpeg, (const guint8 *) buffer + 2, len - 2);
  g_free (buffer);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&jpeg));

  /* the reference: the same decoder, turned as a viewer turns it */
  shown_raw = decode (bytes);
  g_assert_cmpstr (gdk_pixbuf_get_option (shown_raw, "orientation"), ==, "6");
  shown = gdk_pixbuf_apply_embedded_orientation (shown_raw);
  g_assert_cmpint (gdk_pixbuf_get_width (shown), ==, 20);
  g_assert_cmpint (gdk_pixbuf_get_height (shown), ==, 40);

  dd_image_edit_set_crop (edit, &crop);
  dd_image_edit_add_redaction (edit, &box);
  out = apply (bytes, edit);
  /* nothing of the EXIF block comes along */
  {
    g_autoptr(GBytes) png = dd_image_edit_apply (bytes, edit, 0, NULL, NULL, NULL, &error);
    gsize n;
    const guint8 *d = g_bytes_get_data (png, &n);

    g_assert_no_error (error);
    g_assert_true (contains (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "Exif"));
    g_assert_false (contains (d, n, "Exif"));
    g_assert_false (contains (d, n, "eXIf"));
    g_assert_true (contains (d, n, "IDAT"));
  }
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 15);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 30);
  /* the PNG has no orientation left to apply */
  g_assert_null (gdk_pixbuf_get_option (out, "orientation"));
  assert_edited (out, shown, 2, 5, &box, 1);
}

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, len);
}

static void
test_original_unchanged (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autofree char *path = g_build_filename (tmpdir, "secret.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GdkPixbuf) edited = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const DdImageRect box = { 0, 0, W, 10 };
  const DdImageRect crop = { 0, 0, W, 30 };
  GStatBuf st_before, st_after;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  before = checksum_file (path);
  g_assert_cmpint (g_stat (path, &st_before), ==, 0);

  dd_image_edit_add_redaction (edit, &box);
  dd_image_edit_set_crop (edit, &crop);
  out = dd_image_edit_apply_file (file, edit, 0, NULL, &error);
  g_assert_no_error (error);
  edited = decode (out);
  assert_edited (edited, src, 0, 0, &box, 1);
  g_assert_cmpint (gdk_pixbuf_get_height (edited), ==, 30);

  after = checksum_file (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (g_stat (path, &st_after), ==, 0);
  g_assert_cmpint (st_after.st_size, ==, st_before.st_size);
  g_assert_cmpint (st_after.st_mtime, ==, st_before.st_mtime);
  /* nothing else written beside it */
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (dir) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

/* The pixel limit of the preparation holds for the editor too. */
static void
test_pixel_limit (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, FALSE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("not an image at all", 19);

  out = dd_image_edit_apply (bytes, edit, W * H - 1, NULL, NULL, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, DD_ERROR, DD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  out = dd_image_edit_apply (bytes, edit, W * H, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_clear_pointer (&out, g_bytes_unref);

  out = dd_image_edit_apply (junk, edit, 0, NULL, NULL, NULL, &error);
  g_assert_null (out);
  g_assert_true (error->domain == DD_ERROR);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr(GdkPixbuf) src = gradient_pixbuf (W, H, TRUE);
  g_autoptr(GBytes) bytes = png_bytes (src);
  g_autoptr(DdImageEdit) edit = dd_image_edit_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GdkPixbuf) edited = NULL;
  const DdImageRect box = { 30, 30, 5, 5 };

  dd_image_edit_add_redaction (edit, &box);
  dd_image_edit_apply_async (bytes, edit, 0, NULL, store_result, &result);
  /* the op has its own copy of the edit */
  g_clear_pointer (&edit, dd_image_edit_free);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  out = dd_image_edit_apply_finish (result, &error);
  g_assert_no_error (error);
  edited = decode (out);
  assert_edited (edited, src, 0, 0, &box, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("dd-image-edit-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/image-edit/nothing", test_nothing);
  g_test_add_func ("/image-edit/crop", test_crop);
  g_test_add_data_func ("/image-edit/redact/opaque", GINT_TO_POINTER (FALSE), test_redact);
  g_test_add_data_func ("/image-edit/redact/transparent", GINT_TO_POINTER (TRUE), test_redact);
  g_test_add_func ("/image-edit/crop-and-redact", test_crop_and_redact);
  g_test_add_func ("/image-edit/clamp", test_clamp);
  g_test_add_func ("/image-edit/empty-crop", test_empty_crop);
  g_test_add_func ("/image-edit/orientation", test_orientation);
  g_test_add_func ("/image-edit/original-unchanged", test_original_unchanged);
  g_test_add_func ("/image-edit/pixel-limit", test_pixel_limit);
  g_test_add_func ("/image-edit/async", test_async);

  ret = g_test_run ();

  {
    g_autofree char *path = g_build_filename (tmpdir, "secret.png", NULL);

    g_unlink (path);
    g_rmdir (tmpdir);
  }
  return ret;
}
