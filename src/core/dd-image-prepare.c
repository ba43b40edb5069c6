/* dd-image-prepare.c: from bytes to what DingTalk accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of the checks is the point: the format from the magic bytes,
 * the pixel count from the header before anything is decoded, completeness,
 * then the cheapest way to an acceptable file: the bytes as they are,
 * without their metadata, and only then decoding, turning upright,
 * converting and scaling down.
 *
 * Each refusal names the file in a translated sentence, so the caller can
 * show it beside that file and go on with the rest of a batch.
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-image-private.h"

#define READ_CHUNK (1024 * 1024)

/* ---- sentences -------------------------------------------------------- */

static char *
describe_mime (const char *mime_type)
{
  g_autofree char *content_type = g_content_type_from_mime_type (mime_type);

  return g_content_type_get_description (content_type != NULL ? content_type : mime_type);
}

static GError *
cannot_convert (const char *name,
                const char *mime_type)
{
  g_autofree char *format = describe_mime (mime_type);

  return g_error_new (DD_ERROR, DD_ERROR_NOT_IMAGE,
                      _("DingDrop cannot convert “%s” (%s). Save it as JPEG or PNG, then try again."),
                      name, format);
}

static GError *
not_an_image (const char   *name,
              const guint8 *data,
              gsize         len)
{
  g_autofree char *content_type = g_content_type_guess (NULL, data, len, NULL);
  g_autofree char *mime_type = content_type ? g_content_type_get_mime_type (content_type) : NULL;
  g_autofree char *what = NULL;

  if (mime_type != NULL && g_str_has_prefix (mime_type, "image/"))
    return cannot_convert (name, mime_type);

  if (content_type == NULL || g_content_type_is_unknown (content_type))
    return g_error_new (DD_ERROR, DD_ERROR_NOT_IMAGE, _("“%s” is not an image."), name);

  what = g_content_type_get_description (content_type);
  return g_error_new (DD_ERROR, DD_ERROR_NOT_IMAGE, _("“%s” is not an image (%s)."), name, what);
}

static GError *
damaged (const char *name,
         const char *mime_type)
{
  g_autofree char *format = NULL;

  if (mime_type == NULL)
    return g_error_new (DD_ERROR, DD_ERROR_FILE,
                        _("“%s” is damaged or incomplete."), name);

  format = describe_mime (mime_type);
  return g_error_new (DD_ERROR, DD_ERROR_FILE,
                      _("“%s” is damaged or incomplete: it is not a whole %s."),
                      name, format);
}

static GError *
too_many_pixels (const char *name,
                 guint       width,
                 guint       height,
                 guint64     max_pixels)
{
  return g_error_new (DD_ERROR, DD_ERROR_TOO_LARGE,
                      _("“%s” is %u × %u pixels. DingDrop opens images of up to %g megapixels."),
                      name, width, height, (double) max_pixels / 1e6);
}

static GError *
file_error (const char   *name,
            const GError *io_error)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (io_error);
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_error_new (DD_ERROR, DD_ERROR_FILE, _("“%s” was not found. It may have been moved or deleted."), name);
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_error_new (DD_ERROR, DD_ERROR_FILE, _("DingDrop is not allowed to read “%s”."), name);
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    return g_error_new (DD_ERROR, DD_ERROR_FILE, _("“%s” is a folder, not an image."), name);
  return g_error_new (DD_ERROR, DD_ERROR_FILE, _("Could not read “%s”: %s"), name, io_error->message);
}

static GError *
too_large_to_read (const char *name,
                   guint64     cap)
{
  g_autofree char *limit = g_format_size (cap);

  return g_error_new (DD_ERROR, DD_ERROR_FILE,
                      _("“%s” is larger than %s, too large to open."), name, limit);
}

/* ---- the result ------------------------------------------------------- */

static gboolean
extension_is (const char  *suffix,
              DdImageKind  kind)
{
  static const char * const jpeg[] = { "jpg", "jpeg", "jpe", "jfif", NULL };
  static const char * const png[] = { "png", NULL };
  static const char * const gif[] = { "gif", NULL };
  static const char * const bmp[] = { "bmp", "dib", NULL };
  const char * const *list = kind == DD_IMAGE_KIND_JPEG ? jpeg :
                             kind == DD_IMAGE_KIND_PNG ? png :
                             kind == DD_IMAGE_KIND_GIF ? gif : bmp;

  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (suffix, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "webp", "HEIC", "tif": short, alphanumeric, not only digits ("v2.2024"). */
static gboolean
looks_like_extension (const char *suffix)
{
  gsize len = strlen (suffix);
  gboolean letter = FALSE;

  if (len == 0 || len > 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (suffix[i]))
        return FALSE;
      letter |= g_ascii_isalpha (suffix[i]);
    }
  return letter;
}

static char *
filename_for (const char  *display_name,
              DdImageKind  kind)
{
  const char *ext = dd_image_extension_for_kind (kind);
  const char *base = display_name;
  const char *slash;
  const char *dot;

  if (base != NULL && (slash = strrchr (base, '/')) != NULL)
    base = slash + 1;
  if (base == NULL || *base == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    base = "image";

  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    {
      if (extension_is (dot + 1, kind))
        return g_strdup (base);
      if (looks_like_extension (dot + 1))
        return g_strdup_printf ("%.*s.%s", (int) (dot - base), base, ext);
    }

  return g_strdup_printf ("%s.%s", base, ext);
}

/* ---- preparation ------------------------------------------------------ */

static DdPreparedImage *
result_new (GBytes          *data,
            DdImageKind      kind,
            const char      *display_name,
            guint            width,
            guint            height,
            const char      *original_format,
            gsize            original_size,
            DdPreparedFlags  flags)
{
  g_autofree char *filename = filename_for (display_name, kind);

  return dd_prepared_image_new (data, dd_image_mime_for_kind (kind), filename,
                                width, height, original_format, original_size, flags);
}

static GError *
too_large_animation (const char *name,
                     gsize       size,
                     guint64     max_bytes)
{
  g_autofree char *size_str = g_format_size (size);
  g_autofree char *limit = g_format_size (max_bytes);

  return g_error_new (DD_ERROR, DD_ERROR_TOO_LARGE,
                      _("“%s” is an animation of %s, more than the %s DingTalk accepts. "
                        "DingDrop does not shrink animations: make it shorter or smaller, then try again."),
                      name, size_str, limit);
}

static GError *
animated_not_gif (const char *name,
                  const char *mime_type)
{
  g_autofree char *format = describe_mime (mime_type);

  return g_error_new (DD_ERROR, DD_ERROR_NOT_IMAGE,
                      _("“%s” is an animated %s. DingTalk plays only GIF animations: save it as a GIF, then try again."),
                      name, format);
}

/* The pixel limit, from what the container says before any loader sees
 * the bytes: every reader of an image that may decode it goes through
 * this (the preparation and the thumbnails).  @header is filled in for a
 * JPEG, PNG, GIF or BMP, and with its size for a WebP; @animated says
 * whether a WebP is. */
static gboolean
guard_pixels (const guint8   *data,
              gsize           len,
              const char     *name,
              const char     *mime_type,
              DdImageKind     kind,
              guint64         max_pixels,
              DdImageHeader  *header,
              gboolean       *animated,
              GError        **error)
{
  *animated = FALSE;

  if (kind != DD_IMAGE_KIND_OTHER)
    {
      if (!dd_image_read_header (data, len, kind, header))
        {
          g_propagate_error (error, damaged (name, mime_type));
          return FALSE;
        }
      /* Checked before completeness: a bomb need not be a whole file. */
      if ((guint64) header->width * header->height > max_pixels)
        {
          g_propagate_error (error, too_many_pixels (name, header->width, header->height,
                                                     max_pixels));
          return FALSE;
        }
    }
  else if (g_strcmp0 (mime_type, "image/webp") == 0)
    {
      guint width, height;

      /* gdk-pixbuf's WebP loader does not stop when asked to */
      if (!dd_image_webp_size (data, len, &width, &height, animated))
        {
          g_propagate_error (error, damaged (name, mime_type));
          return FALSE;
        }
      /* for the caller's messages; header->kind stays "other" */
      header->width = width;
      header->height = height;
      if ((guint64) width * height > max_pixels)
        {
          g_propagate_error (error, too_many_pixels (name, width, height, max_pixels));
          return FALSE;
        }
    }

  return TRUE;
}

/* Only formats whose loaders stop at the size check reach one. */
static gboolean
guard_loader (const guint8  *data,
              gsize          len,
              const char    *name,
              const char    *mime_type,
              GError       **error)
{
  if (mime_type == NULL && dd_image_sniff_unguarded (data, len) != NULL)
    {
      g_propagate_error (error, cannot_convert (name, dd_image_sniff_unguarded (data, len)));
      return FALSE;
    }
  if (mime_type != NULL && !dd_image_has_loader (mime_type))
    {
      g_propagate_error (error, cannot_convert (name, mime_type));
      return FALSE;
    }

  return TRUE;
}

/**
 * dd_image_prepare_resolved:
 * @display_name: (nullable): for messages and the uploaded file's name
 * @opts: options already completed by the caller (no zero fields)
 *
 * The whole preparation of an image in memory; see dd_image_prepare_bytes().
 */
DdPreparedImage *
dd_image_prepare_resolved (GBytes                *bytes,
                           const char            *display_name,
                           const DdImageOptions  *opts,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_auto(DdImageDecoded) decoded = { NULL, };
  g_auto(DdImageEncoded) encoded = { NULL, };
  g_autoptr(GdkPixbuf) upright = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pasted = NULL;
  DdImageHeader header = { DD_IMAGE_KIND_OTHER, };
  DdPreparedFlags flags = 0;
  const char *name = display_name;
  const char *mime_type;
  const guint8 *data;
  DdImageKind kind;
  DdImageKind preferred;
  gboolean animated = FALSE;
  gsize len;

  g_assert (opts->max_bytes > 0 && opts->max_pixels > 0);

  if (name == NULL)
    name = pasted = g_strdup (_("Pasted image"));

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE, _("“%s” is empty."), name);
      return NULL;
    }

  mime_type = dd_image_sniff_mime (data, len);
  kind = dd_image_kind_for_mime (mime_type);

  if (!guard_pixels (data, len, name, mime_type, kind, opts->max_pixels, &header, &animated, error))
    return NULL;

  if (kind != DD_IMAGE_KIND_OTHER)
    {
      if (!header.complete)
        {
          g_propagate_error (error, damaged (name, mime_type));
          return NULL;
        }

      if (kind != DD_IMAGE_KIND_JPEG || header.orientation == 1)
        {
          g_autoptr(GBytes) out = NULL;

          if (opts->keep_metadata)
            out = g_bytes_ref (bytes);
          else
            out = dd_image_strip_metadata (bytes, &header);

          if (g_bytes_get_size (out) <= opts->max_bytes)
            return result_new (out, kind, display_name, header.width, header.height, mime_type, len,
                               out != bytes ? DD_PREPARED_METADATA_REMOVED : 0);

          if (header.frames > 1)
            {
              g_propagate_error (error, too_large_animation (name, len, opts->max_bytes));
              return NULL;
            }
        }
    }
  else if (animated)
    {
      g_propagate_error (error, animated_not_gif (name, mime_type));
      return NULL;
    }

  if (!guard_loader (data, len, name, mime_type, error))
    return NULL;

  switch (dd_image_decode (bytes, mime_type, opts->max_pixels, cancellable, &decoded, &local_error))
    {
    case DD_IMAGE_DECODE_OK:
      break;
    case DD_IMAGE_DECODE_TOO_MANY_PIXELS:
      g_propagate_error (error, too_many_pixels (name, decoded.width, decoded.height,
                                                 opts->max_pixels));
      return NULL;
    case DD_IMAGE_DECODE_NO_LOADER:
      if (mime_type != NULL)
        g_propagate_error (error, cannot_convert (name, mime_type));
      else
        g_propagate_error (error, not_an_image (name, data, len));
      return NULL;
    case DD_IMAGE_DECODE_FAILED:
    default:
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("Could not decode “%s”: %s", name, local_error ? local_error->message : "?");
      g_propagate_error (error, damaged (name, mime_type));
      return NULL;
    }

  if (mime_type == NULL)
    mime_type = decoded.mime_type;

  if (kind == DD_IMAGE_KIND_OTHER && decoded.animated)
    {
      g_propagate_error (error, animated_not_gif (name, mime_type));
      return NULL;
    }

  upright = gdk_pixbuf_apply_embedded_orientation (decoded.pixbuf);
  if (upright != decoded.pixbuf)
    flags |= DD_PREPARED_ROTATED;

  /* JPEG stays JPEG; otherwise a drawing, a screenshot or anything with
   * transparency becomes PNG, and a photo JPEG. */
  if (kind == DD_IMAGE_KIND_JPEG)
    preferred = DD_IMAGE_KIND_JPEG;
  else if (dd_image_has_transparency (upright) || dd_image_looks_graphic (upright))
    preferred = DD_IMAGE_KIND_PNG;
  else
    preferred = DD_IMAGE_KIND_JPEG;

  if (!dd_image_encode_to_fit (upright, decoded.icc_profile, preferred,
                               kind != DD_IMAGE_KIND_PNG, len, opts->max_bytes,
                               name, cancellable, &encoded, error))
    return NULL;

  if (encoded.kind != kind)
    flags |= DD_PREPARED_CONVERTED;
  if (encoded.resized)
    flags |= DD_PREPARED_RESIZED;

  /* Re-encoding keeps only the colour profile: a converted image carries
   * none of its original's metadata.  A JPEG made from a JPEG can get its
   * metadata back, with the orientation now 1. */
  if (kind == DD_IMAGE_KIND_OTHER || header.has_metadata)
    flags |= DD_PREPARED_METADATA_REMOVED;

  if (opts->keep_metadata && header.has_metadata &&
      kind == DD_IMAGE_KIND_JPEG && encoded.kind == DD_IMAGE_KIND_JPEG)
    {
      g_autoptr(GBytes) with_metadata = dd_image_jpeg_copy_metadata (encoded.data, data, len);

      if (g_bytes_get_size (with_metadata) <= opts->max_bytes)
        {
          g_clear_pointer (&encoded.data, g_bytes_unref);
          encoded.data = g_steal_pointer (&with_metadata);
          flags &= ~DD_PREPARED_METADATA_REMOVED;
        }
    }

  return result_new (encoded.data, encoded.kind, display_name, encoded.width, encoded.height,
                     mime_type, len, flags);
}

static char *
fallback_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename != NULL)
    return g_filename_display_name (basename);
  return g_file_get_parse_name (file);
}

/**
 * dd_image_read_file:
 * @display_name: (out): the file's display name, for messages
 *
 * Reads a regular file, at most @cap bytes: never a FIFO or a device, which
 * could block or never end, and never more than @cap of a growing file.
 */
GBytes *
dd_image_read_file (GFile         *file,
                    guint64        cap,
                    char         **display_name,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  goffset size = 0;
  GFileType type;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);

  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME))
    name = g_strdup (g_file_info_get_display_name (info));
  else
    name = fallback_display_name (file);

  if (info == NULL)
    goto io_failed;

  /* Checked before opening: opening a FIFO for reading blocks until
   * something writes to it. */
  type = g_file_info_get_file_type (info);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE, _("“%s” is a folder, not an image."), name);
      return NULL;
    }
  if (type == G_FILE_TYPE_SYMBOLIC_LINK)
    {
      /* followed, a link says it is one only when its target is missing */
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("“%s” is a link to a file that does not exist."), name);
      return NULL;
    }
  if (type != G_FILE_TYPE_REGULAR)
    goto not_regular;

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    size = g_file_info_get_size (info);
  if ((guint64) size > cap)
    {
      g_propagate_error (error, too_large_to_read (name, cap));
      return NULL;
    }

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    goto io_failed;

  /* The path may have been swapped for something else since the query. */
  g_clear_object (&info);
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_TYPE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_TYPE) &&
      g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    goto not_regular;

  /* The size is a hint: a file can grow or shrink, and some (in /proc)
   * say 0 and still have content. */
  buffer = g_byte_array_sized_new (MAX (size, 0) + 1);
  for (;;)
    {
      gsize have = buffer->len;
      gsize want = READ_CHUNK;
      gssize n;

      /* Up to one byte past the expected size, which is where EOF should
       * be; and one byte past the cap tells a file at the cap from a
       * longer one. */
      if (have <= (gsize) size)
        want = MIN (want, (gsize) size + 1 - have);
      want = MIN (want, cap + 1 - have);
      g_byte_array_set_size (buffer, have + want);
      n = g_input_stream_read (G_INPUT_STREAM (stream), buffer->data + have,
                               buffer->len - have, cancellable, &local_error);
      if (n < 0)
        goto io_failed;

      g_byte_array_set_size (buffer, have + n);
      if (n == 0)
        break;
      if (buffer->len > cap)
        {
          g_propagate_error (error, too_large_to_read (name, cap));
          return NULL;
        }
    }

  g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);

  if (buffer->len == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE, _("“%s” is empty."), name);
      return NULL;
    }

  *display_name = g_steal_pointer (&name);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));

io_failed:
  g_propagate_error (error, file_error (name, local_error));
  return NULL;

not_regular:
  g_set_error (error, DD_ERROR, DD_ERROR_FILE,
               _("“%s” is not a regular file (it is a device, a pipe or a socket), so DingDrop does not read it."),
               name);
  return NULL;
}


/**
 * dd_image_decode_upright:
 * @bytes: an image, as the user gave it (see dd_image_read_file())
 * @max_side: the longest side wanted, in pixels; 0 for the full size
 * @max_pixels: 0 for the default, or the pixel limit
 * @width: (out) (optional): the image's width, upright; 0 if unknown
 * @height: (out) (optional): its height
 *
 * Decodes through the same guards as dd_image_prepare_bytes(): an
 * image with more than @max_pixels pixels, a format whose loader ignores
 * the limit, or damage is refused before its pixels are allocated (the
 * width and height are still given when the container says them).  With
 * a @max_side the loader scales while it decodes, so the full-size image
 * is never kept (a thumbnail).  The EXIF orientation is applied.
 *
 * Returns: (transfer full) (nullable): the upright image
 */
GdkPixbuf *
dd_image_decode_upright (GBytes        *bytes,
                         guint          max_side,
                         guint64        max_pixels,
                         guint         *width,
                         guint         *height,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_auto(DdImageDecoded) decoded = { NULL, };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  DdImageHeader header = { DD_IMAGE_KIND_OTHER, };
  const char *name = _("Image");
  const char *mime_type;
  const guint8 *data;
  gboolean animated;
  guint w = 0, h = 0;
  gsize len;

  g_assert (bytes != NULL);

  if (width != NULL)
    *width = 0;
  if (height != NULL)
    *height = 0;
  if (max_pixels == 0)
    max_pixels = DD_IMAGE_DEFAULT_MAX_PIXELS;

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE, _("“%s” is empty."), name);
      return NULL;
    }
  mime_type = dd_image_sniff_mime (data, len);

  if (!guard_pixels (data, len, name, mime_type, dd_image_kind_for_mime (mime_type),
                     max_pixels, &header, &animated, &local_error))
    {
      /* what the header said, oriented as a viewer shows it */
      w = header.width;
      h = header.height;
      if (header.orientation >= 5)
        {
          guint t = w;

          w = h;
          h = t;
        }
      if (width != NULL)
        *width = w;
      if (height != NULL)
        *height = h;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!guard_loader (data, len, name, mime_type, error))
    return NULL;

  switch (dd_image_decode_scaled (bytes, mime_type, max_pixels, max_side, cancellable,
                                  &decoded, &local_error))
    {
    case DD_IMAGE_DECODE_OK:
      break;
    case DD_IMAGE_DECODE_TOO_MANY_PIXELS:
      if (width != NULL)
        *width = decoded.width;
      if (height != NULL)
        *height = decoded.height;
      g_propagate_error (error, too_many_pixels (name, decoded.width, decoded.height, max_pixels));
      return NULL;
    case DD_IMAGE_DECODE_NO_LOADER:
      g_propagate_error (error, mime_type != NULL ? cannot_convert (name, mime_type)
                                                  : not_an_image (name, data, len));
      return NULL;
    case DD_IMAGE_DECODE_FAILED:
    default:
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  upright = gdk_pixbuf_apply_embedded_orientation (decoded.pixbuf);
  w = decoded.width;
  h = decoded.height;
  if (upright != NULL &&
      gdk_pixbuf_get_width (upright) != gdk_pixbuf_get_width (decoded.pixbuf))
    {
      guint t = w;

      w = h;
      h = t;
    }
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;

  return g_steal_pointer (&upright);
}


/**
 * dd_image_thumbnail_bytes:
 * @bytes: an image, as the user gave it (see dd_image_read_file())
 * @max_side: the longest side of the thumbnail, in pixels
 * @max_pixels: 0 for the default, or the pixel limit
 * @width: (out) (optional): the image's width, upright; 0 if unknown
 * @height: (out) (optional): its height
 *
 * A thumbnail through the guards of dd_image_decode_upright().
 *
 * Returns: (transfer full) (nullable): the upright thumbnail
 */
GdkPixbuf *
dd_image_thumbnail_bytes (GBytes        *bytes,
                          guint          max_side,
                          guint64        max_pixels,
                          guint         *width,
                          guint         *height,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (max_side > 0, NULL);

  return dd_image_decode_upright (bytes, max_side, max_pixels, width, height, cancellable, error);
}
