/* test-image.c: image preparation on real files of real sizes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every image is made here with gdk-pixbuf, and the metadata that must go
 * (EXIF with GPS, PNG text chunks, GIF comments) is written by hand, so the
 * tests know byte for byte what they put in and what must come out.
 */
#define G_LOG_DOMAIN "test-image"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-image.h"

static char *tmpdir;

/* ---- helpers ---------------------------------------------------------- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
write_file (const char   *name,
            const guint8 *data,
            gsize         len)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

static void
write_bytes (const char *name,
             GBytes     *bytes)
{
  write_file (name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static GBytes *
save_to_bytes (GdkPixbuf  *pixbuf,
               const char *type,
               const char *key,
               const char *value)
{
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, key, value, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static DdPreparedImage *
prepare_path (const char           *name,
              const DdImageOptions *opts,
              GError              **error)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return dd_image_prepare_file (file, opts, NULL, error);
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

static gboolean
contains (GBytes     *bytes,
          const void *needle,
          gsize       needle_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (data + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_same_bytes (GBytes *a,
                   GBytes *b)
{
  g_assert_cmpuint (g_bytes_get_size (a), ==, g_bytes_get_size (b));
  g_assert_true (g_bytes_equal (a, b));
}

static void
assert_same_pixels (GdkPixbuf *a,
                    GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a);
  int height = gdk_pixbuf_get_height (a);
  gsize row_len = (gsize) width * gdk_pixbuf_get_n_channels (a);

  g_assert_cmpint (width, ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (height, ==, gdk_pixbuf_get_height (b));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (a), ==, gdk_pixbuf_get_n_channels (b));

  for (int y = 0; y < height; y++)
    g_assert_true (memcmp (gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a),
                           gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b),
                           row_len) == 0);
}

static void
assert_error_names (const GError *error,
                    GQuark        domain,
                    int           code,
                    const char   *name)
{
  g_assert_error (error, domain, code);
  /* a subprocess's parent checks the sentence in its stdout */
  if (g_test_subprocess ())
    g_print ("%s\n", error->message);
  else
    g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, name));
}

static void
get_pixel (GdkPixbuf *pixbuf,
           int        x,
           int        y,
           guint8     rgb[3])
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) +
                    (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);

  memcpy (rgb, p, 3);
}

/* ---- test images ------------------------------------------------------ */

static void
fill_rect (GdkPixbuf *pixbuf,
           int x0, int y0, int w, int h,
           guint8 r, guint8 g, guint8 b)
{
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = y0; y < y0 + h && y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = x0; x < x0 + w && x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;
        p[0] = r;
        p[1] = g;
        p[2] = b;
        if (n == 4)
          p[3] = 0xFF;
      }
}

/* Windows, a title bar and lines of "text": few colours, like a screenshot. */
static GdkPixbuf *
screenshot_pixbuf (int width,
                   int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);

  fill_rect (pixbuf, 0, 0, width, height, 0xFA, 0xFA, 0xFA);
  fill_rect (pixbuf, 0, 0, width, 40, 0x30, 0x30, 0x30);
  fill_rect (pixbuf, width / 10, height / 8, width / 2, height / 2, 0xFF, 0xFF, 0xFF);
  fill_rect (pixbuf, width / 10, height / 8, width / 2, 30, 0x35, 0x84, 0xE4);
  for (int line = 0; line < 20; line++)
    for (int word = 0; word < 12; word++)
      fill_rect (pixbuf, width / 10 + 16 + word * 60, height / 8 + 50 + line * 18,
                 20 + (line * 7 + word * 13) % 35, 10, 0x24, 0x1F, 0x31);
  return pixbuf;
}

/* A smooth picture with grain: many colours, like a photo.  The top-left
 * quarter is red, so a test can tell which way it was turned. */
static GdkPixbuf *
photo_pixbuf (int width,
              int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  guint32 state = 12345;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        guint8 grain;

        state = state * 1103515245 + 12345;
        grain = (state >> 16) & 0x0F;

        if (x < width / 2 && y < height / 2)
          {
            p[0] = 230 + grain;
            p[1] = grain;
            p[2] = 20 + grain;
          }
        else
          {
            p[0] = grain;
            p[1] = (guint8) (80 * y / height) + grain;
            p[2] = (guint8) (180 + 60 * x / width) + grain;
          }
      }
  return pixbuf;
}

static GdkPixbuf *
noise_pixbuf (int      width,
              int      height,
              gboolean alpha,
              guint32  seed)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  gsize row_len = (gsize) width * (alpha ? 4 : 3);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = pixels + (gsize) y * stride;

      for (gsize i = 0; i + 4 <= row_len; i += 4)
        {
          guint32 v = g_rand_int (rand);
          memcpy (row + i, &v, 4);
        }
      for (gsize i = row_len - row_len % 4; i < row_len; i++)
        row[i] = g_rand_int (rand) & 0xFF;
    }
  return pixbuf;
}

/* ---- PNG by hand ------------------------------------------------------ */

static guint32
crc32 (const guint8 *data,
       gsize         len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320 & (0 - (crc & 1)));
    }
  return crc ^ 0xFFFFFFFF;
}

static void
append_be32 (GByteArray *out,
             guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (out, b, 4);
}

static void
append_png_chunk (GByteArray *out,
                  const char *type,
                  const void *data,
                  gsize       len)
{
  gsize start;

  append_be32 (out, len);
  start = out->len;
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, len);
  append_be32 (out, crc32 (out->data + start, len + 4));
}

/* The chunk types of a PNG, asserting that every CRC is right. */
static GString *
png_chunk_types (GBytes *bytes)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  GString *types = g_string_new (NULL);
  gsize pos = 8;

  g_assert_cmpuint (len, >=, 8);
  g_assert_true (memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0);

  while (pos + 12 <= len)
    {
      guint32 n = (guint32) d[pos] << 24 | d[pos + 1] << 16 | d[pos + 2] << 8 | d[pos + 3];
      guint32 crc;

      g_assert_cmpuint (pos + 12 + n, <=, len);
      crc = (guint32) d[pos + 8 + n] << 24 | d[pos + 9 + n] << 16 | d[pos + 10 + n] << 8 | d[pos + 11 + n];
      g_assert_cmphex (crc, ==, crc32 (d + pos + 4, n + 4));
      g_string_append_len (types, (const char *) d + pos + 4, 4);
      g_string_append_c (types, ' ');
      pos += 12 + n;
    }
  g_assert_cmpuint (pos, ==, len);
  return types;
}

/* ---- JPEG by hand ----------------------------------------------------- */

static const guint8 gps_latitude[24] = {
  0, 0, 0, 39, 0, 0, 0, 1,  0, 0, 0, 54, 0, 0, 0, 1,  0, 0, 0x0A, 0x98, 0, 0, 0, 100,
};

static void
append_be16 (GByteArray *out,
             guint16     v)
{
  guint8 b[2] = { v >> 8, v };
  g_byte_array_append (out, b, 2);
}

static void
append_ifd_entry (GByteArray *out,
                  guint16     tag,
                  guint16     type,
                  guint32     count,
                  guint32     value)
{
  append_be16 (out, tag);
  append_be16 (out, type);
  append_be32 (out, count);
  append_be32 (out, value);
}

/* An APP1 Exif segment, big-endian TIFF: IFD0 with Orientation and a
 * pointer to a GPS IFD with a version, "N" and a latitude. */
static GBytes *
exif_segment (guint16 orientation)
{
  g_autoptr(GByteArray) tiff = g_byte_array_new ();
  GByteArray *seg = g_byte_array_new ();

  g_byte_array_append (tiff, (const guint8 *) "MM\0*", 4);
  append_be32 (tiff, 8);
  /* IFD0 at 8: 2 entries, then next-IFD 0; GPS IFD at 8 + 2 + 24 + 4 = 38 */
  append_be16 (tiff, 2);
  append_ifd_entry (tiff, 0x0112, 3, 1, (guint32) orientation << 16);
  append_ifd_entry (tiff, 0x8825, 4, 1, 38);
  append_be32 (tiff, 0);
  /* GPS IFD: 3 entries, latitude at 38 + 2 + 36 + 4 = 80 */
  append_be16 (tiff, 3);
  append_ifd_entry (tiff, 0x0000, 1, 4, 0x02030000);
  append_ifd_entry (tiff, 0x0001, 2, 2, 0x4E000000);
  append_ifd_entry (tiff, 0x0002, 5, 3, 80);
  append_be32 (tiff, 0);
  g_assert_cmpuint (tiff->len, ==, 80);
  g_byte_array_append (tiff, gps_latitude, sizeof gps_latitude);

  g_byte_array_append (seg, (const guint8 *) "\xFF\xE1", 2);
  append_be16 (seg, 2 + 6 + tiff->len);
  g_byte_array_append (seg, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (seg, tiff->data, tiff->len);
  return g_byte_array_free_to_bytes (seg);
}

static GBytes *
jpeg_segment (guint8      marker,
              const void *payload,
              gsize       len)
{
  GByteArray *seg = g_byte_array_new ();
  guint8 head[2] = { 0xFF, marker };

  g_byte_array_append (seg, head, 2);
  append_be16 (seg, len + 2);
  g_byte_array_append (seg, payload, len);
  return g_byte_array_free_to_bytes (seg);
}

/* Offset just past SOI and, if it is there, the APP0 JFIF segment. */
static gsize
jpeg_after_jfif (GBytes *jpeg)
{
  const guint8 *d = g_bytes_get_data (jpeg, NULL);

  g_assert_true (d[0] == 0xFF && d[1] == 0xD8);
  if (d[2] == 0xFF && d[3] == 0xE0)
    return 4 + (d[4] << 8 | d[5]);
  return 2;
}

/* The markers before the first SOS, and where SOS starts. */
static GString *
jpeg_markers (GBytes *jpeg,
              gsize  *sos)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  GString *markers = g_string_new (NULL);
  gsize pos = 2;

  while (pos + 4 <= len)
    {
      g_assert_cmpuint (d[pos], ==, 0xFF);
      g_string_append_printf (markers, "%02X ", d[pos + 1]);
      if (d[pos + 1] == 0xDA)
        {
          *sos = pos;
          return markers;
        }
      pos += 2 + (d[pos + 2] << 8 | d[pos + 3]);
    }
  g_assert_not_reached ();
}

static GBytes *
splice (GBytes  *bytes,
        gsize    at,
        GBytes **inserts,
        guint    n_inserts)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, d, at);
  for (guint i = 0; i < n_inserts; i++)
    g_byte_array_append (out, g_bytes_get_data (inserts[i], NULL), g_bytes_get_size (inserts[i]));
  g_byte_array_append (out, d + at, len - at);
  return g_byte_array_free_to_bytes (out);
}

/* ---- GIF by hand ------------------------------------------------------ */

typedef struct {
  GByteArray *out;
  guint32     bits;
  guint       n_bits;
  guint8      block[255];
  guint       block_len;
} GifWriter;

static void
gif_flush_byte (GifWriter *w,
                guint8     byte)
{
  w->block[w->block_len++] = byte;
  if (w->block_len == 255)
    {
      guint8 size = 255;
      g_byte_array_append (w->out, &size, 1);
      g_byte_array_append (w->out, w->block, 255);
      w->block_len = 0;
    }
}

static void
gif_code (GifWriter *w,
          guint      code)
{
  w->bits |= (guint32) code << w->n_bits;
  w->n_bits += 9;
  while (w->n_bits >= 8)
    {
      gif_flush_byte (w, w->bits & 0xFF);
      w->bits >>= 8;
      w->n_bits -= 8;
    }
}

/* Frame data with 9-bit codes that are all literals: a clear code every
 * 250 pixels keeps the decoder's table from growing to 10 bits. */
static void
gif_frame (GByteArray *out,
           int         size,
           guint8      shift)
{
  GifWriter w = { out, 0, 0, { 0, }, 0 };
  const guint8 descriptor[] = { 0x2C, 0, 0, 0, 0, size, 0, size, 0, 0x00, 8 };
  const guint8 gce[] = { 0x21, 0xF9, 4, 0x00, 10, 0, 0, 0 };
  guint8 zero = 0;

  g_byte_array_append (out, gce, sizeof gce);
  g_byte_array_append (out, descriptor, sizeof descriptor);
  for (int i = 0; i < size * size; i++)
    {
      if (i % 250 == 0)
        gif_code (&w, 256);
      gif_code (&w, (guint8) ((i % size) * 4 + shift));
    }
  gif_code (&w, 257);
  if (w.n_bits > 0)
    gif_flush_byte (&w, w.bits & 0xFF);
  if (w.block_len > 0)
    {
      guint8 n = w.block_len;
      g_byte_array_append (out, &n, 1);
      g_byte_array_append (out, w.block, w.block_len);
    }
  g_byte_array_append (out, &zero, 1);
}

static GBytes *
make_gif (int         size,
          guint       frames,
          const char *comment)
{
  GByteArray *out = g_byte_array_new ();
  const guint8 screen[] = { size, 0, size, 0, 0xF7, 0, 0 };
  const guint8 loop[] = { 0x21, 0xFF, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
                          3, 1, 0, 0, 0 };

  g_byte_array_append (out, (const guint8 *) "GIF89a", 6);
  g_byte_array_append (out, screen, sizeof screen);
  for (int i = 0; i < 256; i++)
    {
      guint8 rgb[3] = { i, 255 - i, (i * 7) & 0xFF };
      g_byte_array_append (out, rgb, 3);
    }
  if (frames > 1)
    g_byte_array_append (out, loop, sizeof loop);
  if (comment != NULL)
    {
      guint8 head[3] = { 0x21, 0xFE, strlen (comment) };
      guint8 zero = 0;

      g_byte_array_append (out, head, 3);
      g_byte_array_append (out, (const guint8 *) comment, strlen (comment));
      g_byte_array_append (out, &zero, 1);
    }
  for (guint f = 0; f < frames; f++)
    gif_frame (out, size, f * 16);
  g_byte_array_append (out, (const guint8 *) ";", 1);
  return g_byte_array_free_to_bytes (out);
}

/* ---- tests: sending as they are --------------------------------------- */

static GBytes *screenshot_png;

static void
test_sniff (void)
{
  const struct {
    const char *data;
    gsize len;
    const char *mime_type;
  } cases[] = {
    { "\xFF\xD8\xFF\xE0", 4, "image/jpeg" },
    { "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, "image/png" },
    { "GIF89a\x01\0\x01\0", 10, "image/gif" },
    { "GIF87a\x01\0\x01\0", 10, "image/gif" },
    { "BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18, "image/bmp" },
    { "BMW is a car, not a bitmap.", 27, NULL },
    { "RIFF\0\0\0\0WEBPVP8 ", 16, "image/webp" },
    { "RIFF\0\0\0\0WAVEfmt ", 16, NULL },
    { "II*\0\x08\0\0\0", 8, "image/tiff" },
    { "MM\0*\0\0\0\x08", 8, "image/tiff" },
    { "\0\0\x01\0\x01\0", 6, "image/vnd.microsoft.icon" },
    { "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24, "image/heif" },
    { "\0\0\0\x1c" "ftypmif1\0\0\0\0mif1avifmiaf", 28, "image/avif" },
    { "\0\0\0\x18" "ftypisom\0\0\0\0isomiso2", 24, NULL },
    { "\xFF\x0A\xFA", 3, "image/jxl" },
    { "Hello, world\n", 13, NULL },
    { "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (dd_image_sniff_mime ((const guint8 *) cases[i].data, cases[i].len),
                     ==, cases[i].mime_type);
}

static void
test_png_unchanged (void)
{
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes ("Screenshot.png", screenshot_png);
  image = prepare_path ("Screenshot.png", NULL, &error);
  g_assert_no_error (error);

  assert_same_bytes (dd_prepared_image_get_data (image), screenshot_png);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, "Screenshot.png");
  g_assert_cmpstr (dd_prepared_image_get_original_format (image), ==, "image/png");
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 1920);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, 1080);
  g_assert_cmpuint (dd_prepared_image_get_size (image), ==, g_bytes_get_size (screenshot_png));
  g_assert_false (dd_prepared_image_get_converted (image));
  g_assert_false (dd_prepared_image_get_resized (image));
  g_assert_false (dd_prepared_image_get_rotated (image));
  g_assert_false (dd_prepared_image_get_metadata_removed (image));
}

static void
test_png_metadata_removed (void)
{
  static const char text[] = "Comment\0Taken at 39.9042 N 116.4074 E";
  static const guint8 time_data[7] = { 0x07, 0xE8, 5, 17, 12, 30, 0 };
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(DdPreparedImage) kept = NULL;
  g_autoptr(GBytes) with_exif = exif_segment (1);
  g_autoptr(GByteArray) tagged = g_byte_array_new ();
  g_autoptr(GBytes) tagged_bytes = NULL;
  g_autoptr(GdkPixbuf) before = NULL;
  g_autoptr(GdkPixbuf) after = NULL;
  g_autoptr(GString) types = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;
  gsize len;
  const guint8 *d = g_bytes_get_data (screenshot_png, &len);

  /* signature and IHDR, the metadata chunks, then the rest; and something
   * appended after IEND */
  g_byte_array_append (tagged, d, 8 + 25);
  append_png_chunk (tagged, "tEXt", text, sizeof text - 1);
  append_png_chunk (tagged, "eXIf", (const guint8 *) g_bytes_get_data (with_exif, NULL) + 10,
                    g_bytes_get_size (with_exif) - 10);
  append_png_chunk (tagged, "tIME", time_data, sizeof time_data);
  g_byte_array_append (tagged, d + 8 + 25, len - 8 - 25);
  g_byte_array_append (tagged, (const guint8 *) "trailing secret", 15);
  tagged_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&tagged));
  write_bytes ("tagged.png", tagged_bytes);

  image = prepare_path ("tagged.png", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dd_prepared_image_get_metadata_removed (image));
  g_assert_false (dd_prepared_image_get_converted (image));

  /* Exactly the chunks that were there before, with valid CRCs: the same
   * bytes as the untagged file, so the pixels are the same too. */
  types = png_chunk_types (dd_prepared_image_get_data (image));
  g_assert_null (strstr (types->str, "tEXt"));
  g_assert_null (strstr (types->str, "eXIf"));
  g_assert_null (strstr (types->str, "tIME"));
  g_assert_false (contains (dd_prepared_image_get_data (image), gps_latitude, sizeof gps_latitude));
  assert_same_bytes (dd_prepared_image_get_data (image), screenshot_png);
  before = decode (screenshot_png);
  after = decode (dd_prepared_image_get_data (image));
  assert_same_pixels (before, after);

  dd_image_options_init_default (&opts);
  opts.keep_metadata = TRUE;
  kept = prepare_path ("tagged.png", &opts, &error);
  g_assert_no_error (error);
  assert_same_bytes (dd_prepared_image_get_data (kept), tagged_bytes);
  g_assert_false (dd_prepared_image_get_metadata_removed (kept));
}

static void
test_bmp_unchanged (void)
{
  g_autoptr(GdkPixbuf) pixbuf = screenshot_pixbuf (320, 200);
  g_autoptr(GBytes) bmp = save_to_bytes (pixbuf, "bmp", NULL, NULL);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes ("diagram.bmp", bmp);
  image = prepare_path ("diagram.bmp", NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (dd_prepared_image_get_data (image), bmp);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/bmp");
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 320);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, 200);
}

static void
test_jpeg_named_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = photo_pixbuf (640, 480);
  g_autoptr(GBytes) jpeg = save_to_bytes (pixbuf, "jpeg", "quality", "90");
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes ("holiday.png", jpeg);
  image = prepare_path ("holiday.png", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/jpeg");
  g_assert_cmpstr (dd_prepared_image_get_original_format (image), ==, "image/jpeg");
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, "holiday.jpg");
  g_assert_false (dd_prepared_image_get_converted (image));
  assert_same_bytes (dd_prepared_image_get_data (image), jpeg);
}

/* ---- tests: JPEG metadata and orientation ----------------------------- */

static GBytes *photo_4000;

static void
test_jpeg_metadata_removed (void)
{
  static const char comment[] = "Shot at home";
  static const char iptc[] = "Photoshop 3.0\0" "8BIM\x04\x04\0\0\0\0\0\x0c" "Secret place";
  static const char icc[] = "ICC_PROFILE\0\x01\x01" "not a real profile, kept anyway";
  static const char adobe[] = "Adobe\0\x64\0\0\0\0\x01";
  static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS</x:xmpmeta>";
  g_autoptr(GdkPixbuf) pixbuf = photo_pixbuf (800, 600);
  g_autoptr(GBytes) plain = save_to_bytes (pixbuf, "jpeg", "quality", "92");
  g_autoptr(GBytes) exif = exif_segment (1);
  g_autoptr(GBytes) xmp_seg = jpeg_segment (0xE1, xmp, sizeof xmp - 1);
  g_autoptr(GBytes) icc_seg = jpeg_segment (0xE2, icc, sizeof icc - 1);
  g_autoptr(GBytes) iptc_seg = jpeg_segment (0xED, iptc, sizeof iptc - 1);
  g_autoptr(GBytes) com_seg = jpeg_segment (0xFE, comment, sizeof comment - 1);
  g_autoptr(GBytes) adobe_seg = jpeg_segment (0xEE, adobe, sizeof adobe - 1);
  g_autoptr(GBytes) motion = g_bytes_new_static ("ftypmp42 a phone's motion photo", 31);
  GBytes *all[] = { exif, xmp_seg, icc_seg, iptc_seg, com_seg, adobe_seg };
  GBytes *colour[] = { icc_seg, adobe_seg };
  g_autoptr(GBytes) tagged_body = splice (plain, jpeg_after_jfif (plain), all, G_N_ELEMENTS (all));
  g_autoptr(GBytes) tagged = splice (tagged_body, g_bytes_get_size (tagged_body), &motion, 1);
  g_autoptr(GBytes) expected = splice (plain, jpeg_after_jfif (plain), colour, G_N_ELEMENTS (colour));
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(DdPreparedImage) kept = NULL;
  g_autoptr(GString) markers = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;
  GBytes *out;
  gsize sos_in, sos_out;

  write_bytes ("tagged.jpg", tagged);
  image = prepare_path ("tagged.jpg", NULL, &error);
  g_assert_no_error (error);
  out = dd_prepared_image_get_data (image);

  g_assert_true (dd_prepared_image_get_metadata_removed (image));
  g_assert_false (dd_prepared_image_get_rotated (image));
  g_assert_false (dd_prepared_image_get_converted (image));
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 800);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, 600);

  /* JFIF, ICC and Adobe stay; Exif, XMP, IPTC, the comment and the video
   * after EOI go; from SOS on, every byte is the encoder's own. */
  markers = jpeg_markers (out, &sos_out);
  g_assert_true (g_str_has_prefix (markers->str, "E0 E2 EE "));
  g_assert_null (strstr (markers->str, "E1"));
  g_assert_null (strstr (markers->str, "ED"));
  g_assert_null (strstr (markers->str, "FE"));
  g_assert_false (contains (out, "Exif", 4));
  g_assert_false (contains (out, gps_latitude, sizeof gps_latitude));
  g_assert_false (contains (out, "Secret place", 12));
  g_assert_false (contains (out, "motion photo", 12));
  g_string_free (jpeg_markers (tagged, &sos_in), TRUE);
  g_assert_cmpuint (g_bytes_get_size (out) - sos_out, ==, g_bytes_get_size (tagged_body) - sos_in);
  g_assert_true (memcmp ((const guint8 *) g_bytes_get_data (out, NULL) + sos_out,
                         (const guint8 *) g_bytes_get_data (tagged, NULL) + sos_in,
                         g_bytes_get_size (out) - sos_out) == 0);
  assert_same_bytes (out, expected);

  dd_image_options_init_default (&opts);
  opts.keep_metadata = TRUE;
  kept = prepare_path ("tagged.jpg", &opts, &error);
  g_assert_no_error (error);
  assert_same_bytes (dd_prepared_image_get_data (kept), tagged);
  g_assert_false (dd_prepared_image_get_metadata_removed (kept));
}

static void
test_jpeg_orientation (void)
{
  g_autoptr(GBytes) exif = exif_segment (6);
  g_autoptr(GBytes) phone = splice (photo_4000, 2, &exif, 1);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  g_autoptr(GString) markers = NULL;
  g_autoptr(GError) error = NULL;
  guint8 rgb[3];
  gsize sos;

  write_bytes ("IMG_0042.JPG", phone);
  image = prepare_path ("IMG_0042.JPG", NULL, &error);
  g_assert_no_error (error);

  g_assert_true (dd_prepared_image_get_rotated (image));
  g_assert_true (dd_prepared_image_get_metadata_removed (image));
  g_assert_false (dd_prepared_image_get_resized (image));
  g_assert_false (dd_prepared_image_get_converted (image));
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/jpeg");
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, "IMG_0042.JPG");
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 3000);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, 4000);
  g_assert_cmpuint (dd_prepared_image_get_size (image), <=, 20 * 1024 * 1024);

  markers = jpeg_markers (dd_prepared_image_get_data (image), &sos);
  g_assert_null (strstr (markers->str, "E1"));
  g_assert_false (contains (dd_prepared_image_get_data (image), "Exif", 4));
  g_assert_false (contains (dd_prepared_image_get_data (image), gps_latitude, sizeof gps_latitude));

  /* Orientation 6: the stored top-left corner is shown at the top right. */
  upright = decode (dd_prepared_image_get_data (image));
  g_assert_cmpint (gdk_pixbuf_get_width (upright), ==, 3000);
  g_assert_cmpint (gdk_pixbuf_get_height (upright), ==, 4000);
  get_pixel (upright, 2980, 20, rgb);
  g_assert_cmpuint (rgb[0], >, 200);
  g_assert_cmpuint (rgb[2], <, 80);
  get_pixel (upright, 20, 20, rgb);
  g_assert_cmpuint (rgb[0], <, 60);
  g_assert_cmpuint (rgb[2], >, 150);
  get_pixel (upright, 2980, 3980, rgb);
  g_assert_cmpuint (rgb[0], <, 60);
}

static void
test_jpeg_orientation_keep_metadata (void)
{
  g_autoptr(GBytes) exif = exif_segment (6);
  g_autoptr(GBytes) phone = splice (photo_4000, 2, &exif, 1);
  g_autoptr(GBytes) exif_upright = exif_segment (1);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GdkPixbuf) shown = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;
  GBytes *out;

  dd_image_options_init_default (&opts);
  opts.keep_metadata = TRUE;
  write_bytes ("IMG_0043.jpg", phone);
  image = prepare_path ("IMG_0043.jpg", &opts, &error);
  g_assert_no_error (error);
  out = dd_prepared_image_get_data (image);

  g_assert_true (dd_prepared_image_get_rotated (image));
  g_assert_false (dd_prepared_image_get_metadata_removed (image));
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 3000);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, 4000);

  /* The same EXIF, GPS included, now saying "upright as stored". */
  g_assert_true (contains (out, gps_latitude, sizeof gps_latitude));
  g_assert_true (contains (out, (const guint8 *) g_bytes_get_data (exif_upright, NULL) + 4,
                           g_bytes_get_size (exif_upright) - 4));

  /* A viewer that honours EXIF must not turn it a second time. */
  shown = decode (out);
  g_assert_cmpstr (gdk_pixbuf_get_option (shown, "orientation"), ==, "1");
  g_assert_cmpint (gdk_pixbuf_get_width (shown), ==, 3000);
}

/* ---- tests: conversion ------------------------------------------------ */

static gboolean
have_writable_format (const char *name)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (const GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format_name = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (format_name, name) == 0)
        return gdk_pixbuf_format_is_writable (l->data);
    }
  return FALSE;
}

static GdkPixbuf *
sticker_pixbuf (void)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 300, 200);

  gdk_pixbuf_fill (pixbuf, 0x00000000);
  fill_rect (pixbuf, 50, 40, 200, 120, 0xE0, 0x1B, 0x24);
  return pixbuf;
}

static void
assert_converted (const char *name,
                  GBytes     *bytes,
                  const char *original_format,
                  const char *mime_type,
                  const char *filename,
                  guint       width,
                  guint       height)
{
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes (name, bytes);
  image = prepare_path (name, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (dd_prepared_image_get_original_format (image), ==, original_format);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, mime_type);
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, filename);
  g_assert_true (dd_prepared_image_get_converted (image));
  g_assert_false (dd_prepared_image_get_resized (image));
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, width);
  g_assert_cmpuint (dd_prepared_image_get_height (image), ==, height);

  result = decode (dd_prepared_image_get_data (image));
  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, height);
  g_assert_cmpstr (dd_image_sniff_mime (g_bytes_get_data (dd_prepared_image_get_data (image), NULL),
                                        dd_prepared_image_get_size (image)), ==, mime_type);
}

static void
test_webp_converted (void)
{
  g_autoptr(GdkPixbuf) sticker = sticker_pixbuf ();
  g_autoptr(GdkPixbuf) photo = photo_pixbuf (640, 480);
  g_autoptr(GBytes) sticker_webp = NULL;
  g_autoptr(GBytes) photo_webp = NULL;

  /* Debian's webp-pixbuf-loader; CI must install it, so its absence is a
   * failure, not a skip. */
  if (!have_writable_format ("webp"))
    {
      g_test_fail_printf ("gdk-pixbuf has no WebP loader: install webp-pixbuf-loader");
      return;
    }

  sticker_webp = save_to_bytes (sticker, "webp", "quality", "90");
  photo_webp = save_to_bytes (photo, "webp", "quality", "85");

  assert_converted ("sticker.webp", sticker_webp, "image/webp", "image/png", "sticker.png", 300, 200);
  assert_converted ("beach.webp", photo_webp, "image/webp", "image/jpeg", "beach.jpg", 640, 480);
}

static void
test_tiff_converted (void)
{
  g_autoptr(GdkPixbuf) photo = photo_pixbuf (640, 480);
  g_autoptr(GdkPixbuf) chart = screenshot_pixbuf (800, 500);
  g_autoptr(GBytes) photo_tiff = save_to_bytes (photo, "tiff", NULL, NULL);
  g_autoptr(GBytes) chart_tiff = save_to_bytes (chart, "tiff", NULL, NULL);

  g_autoptr(GBytes) half = g_bytes_new_from_bytes (photo_tiff, 0, g_bytes_get_size (photo_tiff) / 2);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  assert_converted ("scan.tiff", photo_tiff, "image/tiff", "image/jpeg", "scan.jpg", 640, 480);
  assert_converted ("chart.tif", chart_tiff, "image/tiff", "image/png", "chart.png", 800, 500);

  /* cut in half: gdk-pixbuf cannot decode it */
  image = dd_image_prepare_bytes (half, "half.tiff", NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_FILE, "half.tiff");
}

static void
test_animated_webp_refused (void)
{
  /* VP8X with the animation flag: refused from the header, not flattened */
  static const guint8 webp[] = "RIFF\x24\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\x63\0\0\x63\0\0"
                               "ANIM\x06\0\0\0\0\0\0\0\0\0";
  g_autoptr(GBytes) bytes = g_bytes_new_static (webp, sizeof webp - 1);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = dd_image_prepare_bytes (bytes, "party.webp", NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_NOT_IMAGE, "party.webp");
  g_assert_nonnull (strstr (error->message, "GIF"));
}

static void
test_heic_refused (void)
{
  static const guint8 heic[] = "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic" "\0\0\0\x10mdat0123456789ab";
  g_autoptr(GBytes) bytes = g_bytes_new_static (heic, sizeof heic - 1);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();
  gboolean have_heif = FALSE;

  for (const GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format_name = gdk_pixbuf_format_get_name (l->data);

      have_heif |= g_strcmp0 (format_name, "heif") == 0;
    }

  write_bytes ("IMG_0001.HEIC", bytes);
  image = prepare_path ("IMG_0001.HEIC", NULL, &error);
  g_assert_null (image);
  if (have_heif)
    g_assert_nonnull (strstr (error->message, "IMG_0001.HEIC"));
  else
    {
      g_autofree char *desc = g_content_type_get_description ("image/heif");

      assert_error_names (error, DD_ERROR, DD_ERROR_NOT_IMAGE, "IMG_0001.HEIC");
      g_assert_nonnull (strstr (error->message, desc));
    }
}

/* ---- tests: too large ------------------------------------------------- */

static void
test_large_png_downscaled (void)
{
  /* Noise with transparency compresses to nothing and must stay PNG. */
  g_autoptr(GdkPixbuf) noise = noise_pixbuf (2900, 2200, TRUE, 42);
  g_autoptr(GBytes) png = save_to_bytes (noise, "png", NULL, NULL);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GError) error = NULL;
  guint w, h;

  g_assert_cmpuint (g_bytes_get_size (png), >, 25 * 1000 * 1000);
  write_bytes ("render.png", png);

  image = prepare_path ("render.png", NULL, &error);
  g_assert_no_error (error);
  w = dd_prepared_image_get_width (image);
  h = dd_prepared_image_get_height (image);
  g_test_message ("%" G_GSIZE_FORMAT " bytes, 2900×2200 → %" G_GUINT64_FORMAT " bytes, %u×%u",
                  g_bytes_get_size (png), dd_prepared_image_get_size (image), w, h);

  g_assert_cmpuint (dd_prepared_image_get_size (image), <=, 20 * 1024 * 1024);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/png");
  g_assert_true (dd_prepared_image_get_resized (image));
  g_assert_false (dd_prepared_image_get_converted (image));
  /* aspect ratio kept to the pixel, and most of the resolution */
  g_assert_cmpuint (ABS ((int) (w * 2200) - (int) (h * 2900)), <=, 2900);
  g_assert_cmpuint (w, >=, 2900 * 8 / 10);
  g_assert_cmpuint (w, <, 2900);

  result = decode (dd_prepared_image_get_data (image));
  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, h);
  g_assert_true (gdk_pixbuf_get_has_alpha (result));
}

static void
test_opaque_png_to_jpeg (void)
{
  /* Too large as PNG, but a JPEG of it fits at full size. */
  g_autoptr(GdkPixbuf) noise = noise_pixbuf (800, 600, FALSE, 7);
  g_autoptr(GBytes) png = save_to_bytes (noise, "png", NULL, NULL);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;

  dd_image_options_init_default (&opts);
  opts.max_bytes = 1200 * 1000;
  g_assert_cmpuint (g_bytes_get_size (png), >, opts.max_bytes);

  write_bytes ("grain.png", png);
  image = prepare_path ("grain.png", &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/jpeg");
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, "grain.jpg");
  g_assert_true (dd_prepared_image_get_converted (image));
  g_assert_false (dd_prepared_image_get_resized (image));
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 800);
  g_assert_cmpuint (dd_prepared_image_get_size (image), <=, opts.max_bytes);
}

static void
test_large_jpeg_downscaled (void)
{
  g_autoptr(GdkPixbuf) noise = noise_pixbuf (1200, 900, FALSE, 9);
  g_autoptr(GBytes) jpeg = save_to_bytes (noise, "jpeg", "quality", "95");
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;
  guint w, h;

  dd_image_options_init_default (&opts);
  opts.max_bytes = 150 * 1000;
  write_bytes ("grain.jpg", jpeg);
  image = prepare_path ("grain.jpg", &opts, &error);
  g_assert_no_error (error);

  w = dd_prepared_image_get_width (image);
  h = dd_prepared_image_get_height (image);
  g_test_message ("%" G_GSIZE_FORMAT " → %" G_GUINT64_FORMAT " bytes, %u×%u",
                  g_bytes_get_size (jpeg), dd_prepared_image_get_size (image), w, h);
  g_assert_cmpuint (dd_prepared_image_get_size (image), <=, opts.max_bytes);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/jpeg");
  g_assert_true (dd_prepared_image_get_resized (image));
  g_assert_false (dd_prepared_image_get_converted (image));
  g_assert_cmpuint (ABS ((int) (w * 900) - (int) (h * 1200)), <=, 1200);
}

static void
test_gif (void)
{
  g_autoptr(GBytes) animated = make_gif (64, 2, NULL);
  g_autoptr(GBytes) commented = make_gif (64, 2, "made by a secret tool");
  g_autoptr(GdkPixbufAnimation) animation = NULL;
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(DdPreparedImage) stripped = NULL;
  g_autoptr(DdPreparedImage) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("dance.gif");
  DdImageOptions opts;

  /* a real animation, as gdk-pixbuf sees it */
  write_bytes ("dance.gif", animated);
  animation = gdk_pixbuf_animation_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_false (gdk_pixbuf_animation_is_static_image (animation));

  image = prepare_path ("dance.gif", NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (dd_prepared_image_get_data (image), animated);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/gif");
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 64);

  write_bytes ("commented.gif", commented);
  stripped = prepare_path ("commented.gif", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dd_prepared_image_get_metadata_removed (stripped));
  assert_same_bytes (dd_prepared_image_get_data (stripped), animated);

  dd_image_options_init_default (&opts);
  opts.max_bytes = 4000;
  g_assert_cmpuint (g_bytes_get_size (animated), >, opts.max_bytes);
  refused = prepare_path ("dance.gif", &opts, &error);
  g_assert_null (refused);
  assert_error_names (error, DD_ERROR, DD_ERROR_TOO_LARGE, "dance.gif");
}

static void
test_static_gif_over_limit (void)
{
  g_autoptr(GBytes) gif = make_gif (64, 1, NULL);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;

  dd_image_options_init_default (&opts);
  opts.max_bytes = 3000;
  write_bytes ("stripes.gif", gif);
  image = prepare_path ("stripes.gif", &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dd_prepared_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, "stripes.png");
  g_assert_cmpuint (dd_prepared_image_get_width (image), ==, 64);
  g_assert_cmpuint (dd_prepared_image_get_size (image), <=, 3000);
}

/* ---- tests: decompression bombs -------------------------------------- */

static GBytes *
png_header_only (guint32 width,
                 guint32 height)
{
  GByteArray *out = g_byte_array_new ();
  guint8 ihdr[13] = { 0, };

  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8;  /* bit depth */
  ihdr[9] = 6;  /* RGBA */
  g_byte_array_append (out, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  append_png_chunk (out, "IHDR", ihdr, sizeof ihdr);
  return g_byte_array_free_to_bytes (out);
}

/* A little-endian TIFF whose only IFD says 20000 × 20000 RGB. */
static GBytes *
tiff_header_only (guint32 width,
                  guint32 height)
{
  static const guint16 entries[][2] = {
    { 256, 0 }, { 257, 0 }, { 258, 8 }, { 259, 1 }, { 262, 2 },
    { 273, 200 }, { 277, 3 }, { 278, 1 }, { 279, 64 },
  };
  GByteArray *out = g_byte_array_new ();
  guint8 zeros[64] = { 0, };

  g_byte_array_append (out, (const guint8 *) "II*\0\x08\0\0\0", 8);
  g_byte_array_append (out, (const guint8 []) { G_N_ELEMENTS (entries), 0 }, 2);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      guint32 value = i == 0 ? width : i == 1 ? height : entries[i][1];
      guint8 e[12] = { entries[i][0] & 0xFF, entries[i][0] >> 8, 4, 0, 1, 0, 0, 0,
                       value, value >> 8, value >> 16, value >> 24 };
      g_byte_array_append (out, e, 12);
    }
  g_byte_array_append (out, (const guint8 *) "\0\0\0\0", 4);
  g_byte_array_set_size (out, 200);
  g_byte_array_append (out, zeros, sizeof zeros);
  return g_byte_array_free_to_bytes (out);
}

/* RIFF WEBP with only a first chunk that announces 16383 × 16383 (268 MP):
 * VP8L (lossless) or VP8X (extended). */
static GBytes *
webp_header_only (const char *fourcc)
{
  guint8 webp[64] = { 0, };
  guint32 bits = 16382 | 16382u << 14;

  memcpy (webp, "RIFF\x38\0\0\0WEBP", 12);
  memcpy (webp + 12, fourcc, 4);
  webp[16] = 10;
  if (strcmp (fourcc, "VP8L") == 0)
    {
      webp[20] = 0x2F;
      webp[21] = bits;
      webp[22] = bits >> 8;
      webp[23] = bits >> 16;
      webp[24] = bits >> 24;
    }
  else
    {
      webp[24] = webp[27] = 0xFE;
      webp[25] = webp[28] = 0x3F;
    }
  return g_bytes_new (webp, sizeof webp);
}

/* 20000 × 20000 RGBA would be 1.6 GB.  Had a loader allocated it, its
 * "area-prepared" would make dd-image warn, and warnings are fatal in
 * tests; the peak resident size shows no pixel memory was touched, and the
 * limit on address space keeps a broken guard from taking the machine down.
 * AddressSanitizer reserves terabytes of address space for its shadow
 * memory before main(), and its shadow and quarantine take some 100 MB
 * more: under it there is no limit on address space, and a higher bound on
 * the resident size, still far below the 1.6 GB. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifdef UNDER_ASAN
#define BOMB_MAX_RESIDENT_KB (512 * 1024)
#else
#define BOMB_MAX_RESIDENT_KB (200 * 1024)
#endif
static void
run_bomb (const char *name,
          GBytes     *bomb,
          const char *size)
{
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit limit = { 4096l * 1024 * 1024, 4096l * 1024 * 1024 };
  struct rusage usage;

#ifndef UNDER_ASAN
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
#else
  (void) limit;
#endif
  image = dd_image_prepare_bytes (bomb, name, NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_TOO_LARGE, name);
  g_assert_nonnull (strstr (error->message, size));

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_print ("peak resident size %ld kB\n", usage.ru_maxrss);
  g_assert_cmpint (usage.ru_maxrss, <, BOMB_MAX_RESIDENT_KB);
}

/* The window's thumbnails go through the same guards (issue 13): each bomb
 * is refused before its pixels are allocated, with its dimensions; a
 * normal image comes back scaled while decoding, upright. */
static void
test_thumbnail_guarded (void)
{
  struct {
    GBytes     *bytes;
    guint       side;
  } bombs[] = {
    { png_header_only (20000, 20000), 20000 },
    { tiff_header_only (20000, 20000), 20000 },
    { webp_header_only ("VP8L"), 16383 },
    { webp_header_only ("VP8X"), 16383 },
  };
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1200, 300);
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;
  guint width, height;

  for (guint i = 0; i < G_N_ELEMENTS (bombs); i++)
    {
      GdkPixbuf *none = dd_image_thumbnail_bytes (bombs[i].bytes, 96, 0, &width, &height, NULL, &error);

      g_assert_null (none);
      g_assert_error (error, DD_ERROR, DD_ERROR_TOO_LARGE);
      g_assert_cmpuint (width, ==, bombs[i].side);
      g_assert_cmpuint (height, ==, bombs[i].side);
      g_clear_error (&error);
      g_bytes_unref (bombs[i].bytes);
    }

  /* the limit is the caller's when it gives one */
  gdk_pixbuf_fill (source, 0x26a269ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (source, &buffer, &len, "png", NULL, NULL));
  png = g_bytes_new_take (buffer, len);
  g_assert_null (dd_image_thumbnail_bytes (png, 96, 1200 * 300 - 1, &width, &height, NULL, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  thumbnail = dd_image_thumbnail_bytes (png, 96, 0, &width, &height, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (thumbnail);
  g_assert_cmpuint (width, ==, 1200);
  g_assert_cmpuint (height, ==, 300);
  g_assert_cmpint (gdk_pixbuf_get_width (thumbnail), ==, 96);
  g_assert_cmpint (gdk_pixbuf_get_height (thumbnail), ==, 24);
}

static void
test_bomb (gconstpointer data)
{
  const char *name = data;

  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) bomb = NULL;

      if (g_str_equal (name, "bomb.png"))
        bomb = png_header_only (20000, 20000);
      else if (g_str_equal (name, "bomb.tiff"))
        bomb = tiff_header_only (20000, 20000);
      else if (g_str_equal (name, "bomb-lossless.webp"))
        bomb = webp_header_only ("VP8L");
      else
        bomb = webp_header_only ("VP8X");

      run_bomb (name, bomb, strstr (name, "webp") ? "16383 × 16383" : "20000 × 20000");
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*megapixels*");
}

static void
test_xpm_refused (void)
{
  static const char xpm[] = "/* XPM */\nstatic char *x[] = {\n\"20000 20000 1 1\",\n\"a c #000000\",\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (xpm, sizeof xpm - 1);
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  /* gdk-pixbuf's XPM loader would allocate before it says how large */
  image = dd_image_prepare_bytes (bytes, "icon.xpm", NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_NOT_IMAGE, "icon.xpm");
}

/* ---- tests: files that are not images --------------------------------- */

static void
assert_file_fails (const char  *name,
                   int          code,
                   GPtrArray   *sentences)
{
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = prepare_path (name, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, code, name);

  /* each case its own sentence, not only its own file name */
  if (sentences != NULL)
    {
      GString *sentence = g_string_new (error->message);

      g_string_replace (sentence, name, "…", 0);
      for (guint i = 0; i < sentences->len; i++)
        g_assert_cmpstr (g_ptr_array_index (sentences, i), !=, sentence->str);
      g_ptr_array_add (sentences, g_string_free (sentence, FALSE));
    }
}

static void
test_not_images (void)
{
  static const char text[] = "Meeting notes: bring the photos.\n";
  g_autoptr(GdkPixbuf) photo = photo_pixbuf (640, 480);
  g_autoptr(GBytes) jpeg = save_to_bytes (photo, "jpeg", "quality", "90");
  g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folder = tmp_path ("Holiday.png");

  write_file ("notes.jpg", (const guint8 *) text, sizeof text - 1);
  assert_file_fails ("notes.jpg", DD_ERROR_NOT_IMAGE, sentences);

  write_file ("empty.png", (const guint8 *) "", 0);
  assert_file_fails ("empty.png", DD_ERROR_FILE, sentences);

  write_file ("half.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg) / 2);
  assert_file_fails ("half.jpg", DD_ERROR_FILE, sentences);

  write_file ("half.png", g_bytes_get_data (screenshot_png, NULL), g_bytes_get_size (screenshot_png) / 2);
  assert_file_fails ("half.png", DD_ERROR_FILE, NULL);

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  assert_file_fails ("Holiday.png", DD_ERROR_FILE, sentences);

  assert_file_fails ("vanished.jpg", DD_ERROR_FILE, sentences);
}

static void
test_special_files (void)
{
  g_autoptr(GFile) dev_null = g_file_new_for_path ("/dev/null");
  g_autoptr(GFile) maps = g_file_new_for_path ("/proc/self/maps");
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions opts;

  image = dd_image_prepare_file (dev_null, NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_FILE, "null");
  g_clear_error (&error);

  /* A regular file whose size says 0 but that has more to read than the
   * cap: reading stops at the cap. */
  dd_image_options_init_default (&opts);
  opts.max_input_bytes = 64;
  image = dd_image_prepare_file (maps, &opts, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_FILE, "maps");
  g_clear_error (&error);

  /* and the same file read whole is text */
  image = dd_image_prepare_file (maps, NULL, NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_NOT_IMAGE, "maps");
  g_clear_error (&error);

  write_bytes ("big.png", screenshot_png);
  opts.max_input_bytes = 1000;
  image = prepare_path ("big.png", &opts, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_FILE, "big.png");
}

static void
test_fifo (void)
{
  g_autofree char *path = tmp_path ("pipe.jpg");

  if (g_test_subprocess ())
    {
      /* Nothing ever writes to it: opening it for reading would block. */
      assert_file_fails ("pipe.jpg", DD_ERROR_FILE, NULL);
      return;
    }

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*pipe.jpg*not a regular file*");
}

/* A link whose file is gone: said so, not "a device, a pipe or a socket". */
static void
test_dangling_link (void)
{
  g_autofree char *path = tmp_path ("gone-link.png");
  g_autofree char *target = tmp_path ("never-there.png");
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (symlink (target, path), ==, 0);
  image = prepare_path ("gone-link.png", NULL, &error);
  g_assert_null (image);
  assert_error_names (error, DD_ERROR, DD_ERROR_FILE, "gone-link.png");
  g_assert_nonnull (strstr (error->message, "link to a file that does not exist"));
  g_assert_null (strstr (error->message, "pipe"));
}

static void
test_unreadable (void)
{
  g_autofree char *path = tmp_path ("private.png");
  g_autofree char *no_setuid = tmp_path ("cannot-drop-root");

  if (g_test_subprocess ())
    {
      /* root reads anything: become nobody, for whom mode 000 means no */
      if (access (path, R_OK) == 0)
        {
          if (setgid (65534) != 0 || setuid (65534) != 0)
            {
              write_file ("cannot-drop-root", (const guint8 *) "", 0);
              return;
            }
          g_assert_cmpint (access (path, R_OK), !=, 0);
        }
      assert_file_fails ("private.png", DD_ERROR_FILE, NULL);
      return;
    }

  write_bytes ("private.png", screenshot_png);
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_test_trap_assert_passed ();

  if (g_file_test (no_setuid, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("root without CAP_SETUID: no user here for whom a file is unreadable");
      return;
    }
  g_test_trap_assert_stdout ("*not allowed to read*private.png*");
}

/* ---- tests: memory, names, async -------------------------------------- */

static void
test_bytes_and_filenames (void)
{
  g_autoptr(GdkPixbuf) sticker = sticker_pixbuf ();
  g_autoptr(GdkPixbuf) photo = photo_pixbuf (320, 240);
  g_autoptr(GBytes) png = save_to_bytes (sticker, "png", NULL, NULL);
  g_autoptr(GBytes) jpeg = save_to_bytes (photo, "jpeg", "quality", "90");
  const struct {
    GBytes *bytes;
    const char *name;
    const char *filename;
  } cases[] = {
    { png, "clip.PNG", "clip.PNG" },
    { png, "photo.webp", "photo.png" },
    { png, "noext", "noext.png" },
    { png, "release.2024", "release.2024.png" },
    { png, "/home/me/Pictures/shot.tif", "shot.png" },
    { png, NULL, "image.png" },
    { jpeg, "IMG.JPEG", "IMG.JPEG" },
    { jpeg, "stdin", "stdin.jpg" },
    { jpeg, "x.heic", "x.jpg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DdPreparedImage) image = NULL;
      g_autoptr(GError) error = NULL;

      image = dd_image_prepare_bytes (cases[i].bytes, cases[i].name, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (dd_prepared_image_get_filename (image), ==, cases[i].filename);
    }
}

typedef struct {
  GMainLoop       *loop;
  DdPreparedImage *image;
  GError          *error;
} AsyncResult;

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *res = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  res->image = dd_image_prepare_finish (result, &res->error);
  g_main_loop_quit (res->loop);
}

static void
test_async (void)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = tmp_path ("async.png");
  AsyncResult res = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  DdImageOptions opts;

  write_bytes ("async.png", screenshot_png);
  file = g_file_new_for_path (path);
  dd_image_options_init_default (&opts);

  dd_image_prepare_file_async (file, &opts, NULL, on_prepared, &res);
  g_main_loop_run (res.loop);
  g_assert_no_error (res.error);
  assert_same_bytes (dd_prepared_image_get_data (res.image), screenshot_png);
  g_clear_object (&res.image);

  dd_image_prepare_bytes_async (screenshot_png, "clip", NULL, NULL, on_prepared, &res);
  g_main_loop_run (res.loop);
  g_assert_no_error (res.error);
  g_assert_cmpstr (dd_prepared_image_get_filename (res.image), ==, "clip.png");
  g_clear_object (&res.image);

  g_cancellable_cancel (cancellable);
  dd_image_prepare_file_async (file, NULL, cancellable, on_prepared, &res);
  g_main_loop_run (res.loop);
  g_assert_null (res.image);
  g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&res.error);

  g_main_loop_unref (res.loop);
}

typedef struct {
  GMainLoop *loop;
  guint      pending;
  guint      prepared;
} Batch;

static void
on_batch_prepared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = dd_image_prepare_finish (result, &error);
  g_assert_no_error (error);
  batch->prepared++;
  if (--batch->pending == 0)
    g_main_loop_quit (batch->loop);
}

static void
test_async_batch (void)
{
  /* Several images in worker threads at once, as a dropped folder is. */
  g_autoptr(GdkPixbuf) photo = photo_pixbuf (800, 600);
  g_autoptr(GdkPixbuf) chart = screenshot_pixbuf (640, 400);
  g_autoptr(GBytes) jpeg = save_to_bytes (photo, "jpeg", "quality", "90");
  g_autoptr(GBytes) exif = exif_segment (8);
  g_autoptr(GBytes) turned = splice (jpeg, 2, &exif, 1);
  g_autoptr(GBytes) tiff = save_to_bytes (chart, "tiff", NULL, NULL);
  g_autoptr(GBytes) gif = make_gif (64, 3, "comment");
  GBytes *inputs[] = { screenshot_png, turned, tiff, gif, turned, tiff };
  Batch batch = { g_main_loop_new (NULL, FALSE), G_N_ELEMENTS (inputs), 0 };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    dd_image_prepare_bytes_async (inputs[i], "batch", NULL, NULL, on_batch_prepared, &batch);

  g_main_loop_run (batch.loop);
  g_assert_cmpuint (batch.prepared, ==, G_N_ELEMENTS (inputs));
  g_main_loop_unref (batch.loop);
}

/* ---- main ------------------------------------------------------------- */

static void
remove_tree (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (dir, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GdkPixbuf) screenshot = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* the sentences are checked in English; print them in the terminal's charset */
  setlocale (LC_ALL, "");
  setlocale (LC_MESSAGES, "C");

  /* Subprocesses find the files their parent made. */
  if (g_getenv ("DD_TEST_IMAGE_DIR") != NULL)
    tmpdir = g_strdup (g_getenv ("DD_TEST_IMAGE_DIR"));
  else
    {
      tmpdir = g_dir_make_tmp ("dd-test-image-XXXXXX", &error);
      g_assert_no_error (error);
      /* for the test that drops root to nobody */
      g_assert_cmpint (g_chmod (tmpdir, 0755), ==, 0);
      g_setenv ("DD_TEST_IMAGE_DIR", tmpdir, TRUE);
    }

  screenshot = screenshot_pixbuf (1920, 1080);
  screenshot_png = save_to_bytes (screenshot, "png", NULL, NULL);

  g_test_add_func ("/image/sniff", test_sniff);
  g_test_add_func ("/image/png/unchanged", test_png_unchanged);
  g_test_add_func ("/image/png/metadata-removed", test_png_metadata_removed);
  g_test_add_func ("/image/bmp/unchanged", test_bmp_unchanged);
  g_test_add_func ("/image/jpeg/named-png", test_jpeg_named_png);
  g_test_add_func ("/image/jpeg/metadata-removed", test_jpeg_metadata_removed);
  g_test_add_func ("/image/jpeg/orientation", test_jpeg_orientation);
  g_test_add_func ("/image/jpeg/orientation-keep-metadata", test_jpeg_orientation_keep_metadata);
  g_test_add_func ("/image/convert/webp", test_webp_converted);
  g_test_add_func ("/image/convert/tiff", test_tiff_converted);
  g_test_add_func ("/image/convert/heic-refused", test_heic_refused);
  g_test_add_func ("/image/convert/animated-webp-refused", test_animated_webp_refused);
  g_test_add_func ("/image/too-large/png-downscaled", test_large_png_downscaled);
  g_test_add_func ("/image/too-large/opaque-png-to-jpeg", test_opaque_png_to_jpeg);
  g_test_add_func ("/image/too-large/jpeg-downscaled", test_large_jpeg_downscaled);
  g_test_add_func ("/image/too-large/static-gif", test_static_gif_over_limit);
  g_test_add_func ("/image/gif", test_gif);
  g_test_add_data_func ("/image/bomb/png", "bomb.png", test_bomb);
  g_test_add_data_func ("/image/bomb/tiff", "bomb.tiff", test_bomb);
  g_test_add_data_func ("/image/bomb/webp-lossless", "bomb-lossless.webp", test_bomb);
  g_test_add_data_func ("/image/bomb/webp-extended", "bomb-extended.webp", test_bomb);
  g_test_add_func ("/image/bomb/xpm", test_xpm_refused);
  g_test_add_func ("/image/thumbnail-guarded", test_thumbnail_guarded);
  g_test_add_func ("/image/file/not-images", test_not_images);
  g_test_add_func ("/image/file/special", test_special_files);
  g_test_add_func ("/image/file/fifo", test_fifo);
  g_test_add_func ("/image/file/dangling-link", test_dangling_link);
  g_test_add_func ("/image/file/unreadable", test_unreadable);
  g_test_add_func ("/image/bytes-and-filenames", test_bytes_and_filenames);
  g_test_add_func ("/image/async", test_async);
  g_test_add_func ("/image/async-batch", test_async_batch);

  if (!g_test_subprocess ())
    {
      g_autoptr(GdkPixbuf) big = photo_pixbuf (4000, 3000);
      photo_4000 = save_to_bytes (big, "jpeg", "quality", "90");
    }

  ret = g_test_run ();

  g_clear_pointer (&screenshot_png, g_bytes_unref);
  g_clear_pointer (&photo_4000, g_bytes_unref);
  if (!g_test_subprocess ())
    {
      dir = g_file_new_for_path (tmpdir);
      remove_tree (dir);
    }
  g_free (tmpdir);

  return ret;
}
