/* dd-image-encode.c: decoding with a pixel limit, and encoding to a size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in a worker thread: gdk-pixbuf's loaders and savers are thread-safe
 * and nothing here touches the main context.
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-image-private.h"

#define DECODE_CHUNK       (256 * 1024)
#define JPEG_QUALITY       90
#define JPEG_QUALITY_SMALL 85
#define MAX_SCALE_STEPS    12
#define MIN_SIDE           16

/* An image with at most this many colours is a drawing, a chart or a
 * screenshot of text: PNG keeps its edges sharp, where JPEG would blur them. */
#define GRAPHIC_MAX_COLOURS 4096

void
dd_image_decoded_clear (DdImageDecoded *decoded)
{
  g_clear_object (&decoded->pixbuf);
  g_clear_pointer (&decoded->mime_type, g_free);
  g_clear_pointer (&decoded->icc_profile, g_free);
}

void
dd_image_encoded_clear (DdImageEncoded *encoded)
{
  g_clear_pointer (&encoded->data, g_bytes_unref);
}

gboolean
dd_image_has_loader (const char *mime_type)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (const GSList *l = formats; l != NULL; l = l->next)
    {
      GdkPixbufFormat *format = l->data;
      g_auto(GStrv) mime_types = NULL;

      if (gdk_pixbuf_format_is_disabled (format))
        continue;

      mime_types = gdk_pixbuf_format_get_mime_types (format);
      if (mime_types != NULL && g_strv_contains ((const char * const *) mime_types, mime_type))
        return TRUE;
    }

  return FALSE;
}

typedef struct {
  guint64  max_pixels;
  guint    max_side;     /* 0, or the longest side to scale to while decoding */
  guint    width;
  guint    height;
  gboolean too_many;
  gboolean allocated;
} SizeCheck;

/* Loaders announce the size before they allocate anything.  Asking for a
 * 0×0 image then is how gdk_pixbuf_get_file_info() stops them too. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;

  check->width = MAX (width, 0);
  check->height = MAX (height, 0);

  if ((guint64) check->width * check->height > check->max_pixels)
    {
      check->too_many = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
  else if (check->max_side > 0 && MAX (check->width, check->height) > check->max_side)
    {
      double scale = (double) check->max_side / MAX (check->width, check->height);

      gdk_pixbuf_loader_set_size (loader,
                                  MAX (1, (int) (check->width * scale + 0.5)),
                                  MAX (1, (int) (check->height * scale + 0.5)));
    }
}

/* Emitted once the loader has allocated its image. */
static void
on_area_prepared (GdkPixbufLoader *loader,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;

  check->allocated = TRUE;
}

/**
 * dd_image_decode:
 * @mime_type: (nullable): the format, or %NULL to let gdk-pixbuf recognise it
 * @decoded: (out caller-allocates): the first frame and what came with it
 *
 * Decodes @bytes unless the image has more than @max_pixels pixels, in which
 * case no pixel memory is allocated.  @error is set only for
 * %DD_IMAGE_DECODE_FAILED: the loader's own message, or cancellation.
 */
DdImageDecodeResult
dd_image_decode (GBytes          *bytes,
                 const char      *mime_type,
                 guint64          max_pixels,
                 GCancellable    *cancellable,
                 DdImageDecoded  *decoded,
                 GError         **error)
{
  return dd_image_decode_scaled (bytes, mime_type, max_pixels, 0, cancellable, decoded, error);
}

/**
 * dd_image_decode_scaled:
 * @max_side: 0, or the longest side of the pixbuf wanted: the loader scales
 *   while it decodes (a thumbnail)
 *
 * dd_image_decode(), with the image scaled down to @max_side; the decoded
 * width and height are still those the image announced.
 */
DdImageDecodeResult
dd_image_decode_scaled (GBytes          *bytes,
                        const char      *mime_type,
                        guint64          max_pixels,
                        guint            max_side,
                        GCancellable    *cancellable,
                        DdImageDecoded  *decoded,
                        GError         **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  SizeCheck check = { max_pixels, max_side, 0, 0, FALSE, FALSE };
  GdkPixbufFormat *format;
  GdkPixbufAnimation *animation;
  GdkPixbuf *pixbuf;
  const guint8 *data;
  gsize len;
  gsize pos = 0;
  gboolean ok = TRUE;

  memset (decoded, 0, sizeof *decoded);

  if (mime_type != NULL)
    {
      loader = gdk_pixbuf_loader_new_with_mime_type (mime_type, NULL);
      if (loader == NULL)
        return DD_IMAGE_DECODE_NO_LOADER;
    }
  else
    loader = gdk_pixbuf_loader_new ();

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &check);
  g_signal_connect (loader, "area-prepared", G_CALLBACK (on_area_prepared), &check);

  data = g_bytes_get_data (bytes, &len);
  while (ok && pos < len)
    {
      gsize chunk = MIN (len - pos, DECODE_CHUNK);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return DD_IMAGE_DECODE_FAILED;
        }

      ok = gdk_pixbuf_loader_write (loader, data + pos, chunk, &local_error);
      pos += chunk;
    }

  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  decoded->width = check.width;
  decoded->height = check.height;

  if (check.too_many)
    {
      /* The image is refused all the same, but a loader that does not stop
       * when asked lets a small file take gigabytes: its format needs its
       * own header check, as WebP has in dd-image-meta.c. */
      if (check.allocated)
        {
          g_autofree char *name = NULL;

          format = gdk_pixbuf_loader_get_format (loader);
          name = format != NULL ? gdk_pixbuf_format_get_name (format) : g_strdup ("unknown");
          g_warning ("gdk-pixbuf’s %s loader allocated a %u × %u image despite the pixel limit",
                     name, check.width, check.height);
        }
      return DD_IMAGE_DECODE_TOO_MANY_PIXELS;
    }

  if (g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    return DD_IMAGE_DECODE_NO_LOADER;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);

  /* Some loaders (GIF among them) report damage but still give what they
   * could read; a half image is not what the user meant to send. */
  if (!ok || pixbuf == NULL)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                             "the loader gave no image");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return DD_IMAGE_DECODE_FAILED;
    }

  animation = gdk_pixbuf_loader_get_animation (loader);
  format = gdk_pixbuf_loader_get_format (loader);

  decoded->pixbuf = g_object_ref (pixbuf);
  decoded->animated = animation != NULL && !gdk_pixbuf_animation_is_static_image (animation);
  decoded->icc_profile = g_strdup (gdk_pixbuf_get_option (pixbuf, "icc-profile"));
  if (format != NULL)
    {
      g_auto(GStrv) mime_types = gdk_pixbuf_format_get_mime_types (format);

      if (mime_types != NULL && mime_types[0] != NULL)
        decoded->mime_type = g_strdup (mime_types[0]);
    }

  return DD_IMAGE_DECODE_OK;
}

gboolean
dd_image_has_transparency (GdkPixbuf *pixbuf)
{
  const guint8 *pixels;
  int width, height, rowstride;

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return FALSE;

  pixels = gdk_pixbuf_read_pixels (pixbuf);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * rowstride;

      for (int x = 0; x < width; x++)
        if (row[x * 4 + 3] != 0xFF)
          return TRUE;
    }

  return FALSE;
}

/**
 * dd_image_looks_graphic:
 *
 * Counts colours until there are more than %GRAPHIC_MAX_COLOURS; a photo
 * gets there within its first rows.
 */
gboolean
dd_image_looks_graphic (GdkPixbuf *pixbuf)
{
  enum { SLOTS = 4 * GRAPHIC_MAX_COLOURS };
  g_autofree guint32 *seen = g_new0 (guint32, SLOTS);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  guint colours = 0;

  for (int y = 0; y < height; y++)
    {
      const guint8 *p = pixels + (gsize) y * rowstride;

      for (int x = 0; x < width; x++, p += n_channels)
        {
          /* +1 keeps 0 free to mean an empty slot */
          guint32 key = ((guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2]) + 1;
          guint32 slot = (key * 2654435761u) & (SLOTS - 1);

          while (seen[slot] != 0 && seen[slot] != key)
            slot = (slot + 1) & (SLOTS - 1);

          if (seen[slot] == 0)
            {
              if (++colours > GRAPHIC_MAX_COLOURS)
                return FALSE;
              seen[slot] = key;
            }
        }
    }

  return TRUE;
}

static GBytes *
encode (GdkPixbuf    *pixbuf,
        DdImageKind   kind,
        int           quality,
        const char   *icc_profile,
        GError      **error)
{
  g_autofree char *quality_str = g_strdup_printf ("%d", quality);
  char *keys[3] = { NULL, };
  char *values[3] = { NULL, };
  guint n = 0;
  char *buffer = NULL;
  gsize size = 0;

  if (kind == DD_IMAGE_KIND_JPEG)
    {
      keys[n] = (char *) "quality";
      values[n++] = quality_str;
    }
  if (icc_profile != NULL)
    {
      keys[n] = (char *) "icc-profile";
      values[n++] = (char *) icc_profile;
    }

  if (!gdk_pixbuf_save_to_bufferv (pixbuf, &buffer, &size,
                                   kind == DD_IMAGE_KIND_JPEG ? "jpeg" : "png",
                                   keys, values, error))
    return NULL;

  return g_bytes_new_take (buffer, size);
}

/* Tries one encoding; TRUE when it fits. */
static gboolean
attempt (GdkPixbuf       *pixbuf,
         DdImageKind      kind,
         int              quality,
         const char      *icc_profile,
         gboolean         resized,
         guint64          max_bytes,
         gsize           *size,
         DdImageEncoded  *encoded,
         GError         **error)
{
  g_autoptr(GBytes) data = encode (pixbuf, kind, quality, icc_profile, error);

  if (data == NULL)
    return FALSE;

  *size = g_bytes_get_size (data);
  g_debug ("%s %d×%d%s: %" G_GSIZE_FORMAT " bytes",
           kind == DD_IMAGE_KIND_JPEG ? "JPEG" : "PNG",
           gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
           resized ? " (scaled)" : "", *size);

  if (*size > max_bytes)
    return FALSE;

  encoded->data = g_steal_pointer (&data);
  encoded->kind = kind;
  encoded->width = gdk_pixbuf_get_width (pixbuf);
  encoded->height = gdk_pixbuf_get_height (pixbuf);
  encoded->resized = resized;
  return TRUE;
}

/**
 * dd_image_encode_to_fit:
 * @pixbuf: the upright image
 * @preferred: %DD_IMAGE_KIND_PNG or %DD_IMAGE_KIND_JPEG
 * @try_full_png: whether a PNG at full size may still fit (%FALSE when the
 *   source was a PNG that was already too large)
 * @size_hint: the source's size, to guess the first scale from
 * @encoded: (out caller-allocates): the result
 *
 * Encodes @pixbuf in @preferred, then steps down until it fits @max_bytes,
 * keeping as much resolution as fits: an opaque image first goes to JPEG at
 * full size (quality 90, then 85), and only then is it scaled down; an image
 * with transparency stays PNG and is scaled down.  Each scale is guessed
 * from how far the last try was over, and at least 5% smaller.
 *
 * Returns: %FALSE with @error set (%DD_ERROR_TOO_LARGE if nothing fits)
 */
gboolean
dd_image_encode_to_fit (GdkPixbuf       *pixbuf,
                        const char      *icc_profile,
                        DdImageKind      preferred,
                        gboolean         try_full_png,
                        gsize            size_hint,
                        guint64          max_bytes,
                        const char      *display_name,
                        GCancellable    *cancellable,
                        DdImageEncoded  *encoded,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  DdImageKind kind = preferred;
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int quality = JPEG_QUALITY;
  gsize last_size = size_hint;
  double scale = 1.0;

  memset (encoded, 0, sizeof *encoded);

  if (kind == DD_IMAGE_KIND_PNG && try_full_png)
    {
      if (attempt (pixbuf, kind, 0, icc_profile, FALSE, max_bytes, &last_size, encoded, &local_error))
        return TRUE;
      if (local_error != NULL)
        goto failed;
    }

  if (kind == DD_IMAGE_KIND_PNG && !dd_image_has_transparency (pixbuf))
    kind = DD_IMAGE_KIND_JPEG;

  if (kind == DD_IMAGE_KIND_JPEG)
    {
      const int qualities[] = { JPEG_QUALITY, JPEG_QUALITY_SMALL };

      for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
            goto failed;

          quality = qualities[i];
          if (attempt (pixbuf, kind, quality, icc_profile, FALSE, max_bytes,
                       &last_size, encoded, &local_error))
            return TRUE;
          if (local_error != NULL)
            goto failed;
        }
    }

  for (guint step = 0; step < MAX_SCALE_STEPS; step++)
    {
      g_autoptr(GdkPixbuf) scaled = NULL;
      double ratio = last_size > 0 ? (double) max_bytes / (double) last_size : 0.5;
      int w, h;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        goto failed;

      /* Encoded size grows about with the pixel count, so the side scales
       * with the square root; 3% below the guess makes one step likely. */
      scale *= CLAMP (sqrt (ratio) * 0.97, 0.1, 0.95);
      w = MAX (1, (int) lround (width * scale));
      h = MAX (1, (int) lround (height * scale));
      if (w < MIN_SIDE || h < MIN_SIDE)
        break;

      scaled = gdk_pixbuf_scale_simple (pixbuf, w, h, GDK_INTERP_BILINEAR);
      if (scaled == NULL)
        {
          g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               "not enough memory to scale the image");
          goto failed;
        }

      if (attempt (scaled, kind, quality, icc_profile, TRUE, max_bytes,
                   &last_size, encoded, &local_error))
        return TRUE;
      if (local_error != NULL)
        goto failed;
    }

  {
    g_autofree char *limit = g_format_size (max_bytes);

    g_set_error (error, DD_ERROR, DD_ERROR_TOO_LARGE,
                 _("DingDrop could not make “%s” smaller than %s."),
                 display_name, limit);
    return FALSE;
  }

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  else
    {
      g_set_error (error, DD_ERROR, DD_ERROR_NOT_IMAGE,
                   _("DingDrop could not convert “%s”: %s"),
                   display_name, local_error->message);
    }
  return FALSE;
}
