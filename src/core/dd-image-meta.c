/* dd-image-meta.c: image containers read and cleaned without decoding pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here works on the file's bytes only: the format comes from its
 * magic bytes, the dimensions from its header, and metadata is removed by
 * copying the chunks or blocks that stay, so the compressed pixel data
 * reaches DingTalk bit for bit as the screenshot tool wrote it (JPEG is in
 * dd-image-jpeg.c).  Every read is bounds-checked: these bytes come from
 * anywhere.
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include <string.h>

#include "dd-image-private.h"

static gboolean
has_prefix (const guint8 *data,
            gsize         len,
            const char   *prefix,
            gsize         prefix_len)
{
  return len >= prefix_len && memcmp (data, prefix, prefix_len) == 0;
}

/* ISO base media files (HEIF, AVIF) name what they hold in their ftyp box:
 * a major brand and a list of compatible ones. */
static const char *
sniff_ftyp (const guint8 *data,
            gsize         len)
{
  static const struct {
    const char *brand;
    const char *mime_type;
  } brands[] = {
    { "avif", "image/avif" }, { "avis", "image/avif" },
    { "heic", "image/heif" }, { "heix", "image/heif" }, { "hevc", "image/heif" },
    { "hevx", "image/heif" }, { "heim", "image/heif" }, { "heis", "image/heif" },
    { "mif1", "image/heif" }, { "msf1", "image/heif" },
  };
  gsize box_len;

  if (len < 16 || memcmp (data + 4, "ftyp", 4) != 0)
    return NULL;

  box_len = MIN (dd_be32 (data), len);

  /* AVIF files often say mif1 first: an avif brand anywhere wins. */
  for (guint i = 0; i < G_N_ELEMENTS (brands); i++)
    {
      if (memcmp (data + 8, brands[i].brand, 4) == 0)
        return brands[i].mime_type;

      for (gsize off = 16; off + 4 <= box_len; off += 4)
        if (memcmp (data + off, brands[i].brand, 4) == 0)
          return brands[i].mime_type;
    }

  return NULL;
}

/**
 * dd_image_sniff_mime:
 * @data: (array length=len): the first bytes of a file, or all of it
 * @len: the number of bytes in @data
 *
 * Recognises an image by its magic bytes, never by its name.  Knows the
 * formats DingTalk takes (JPEG, PNG, GIF, BMP), those DingDrop converts
 * (WebP, TIFF, ICO) and the common camera formats it may not be able to
 * decode (HEIF/HEIC, AVIF, JPEG XL), so an error can name them.
 *
 * Returns: (nullable): a MIME type such as "image/png", or %NULL
 */
const char *
dd_image_sniff_mime (const guint8 *data,
                     gsize         len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return "image/jpeg";
  if (has_prefix (data, len, "\x89PNG\r\n\x1a\n", 8))
    return "image/png";
  if (has_prefix (data, len, "GIF87a", 6) || has_prefix (data, len, "GIF89a", 6))
    return "image/gif";
  if (len >= 18 && data[0] == 'B' && data[1] == 'M')
    {
      /* "BM" alone could start a text; the DIB header size must be real. */
      switch (dd_le32 (data + 14))
        {
        case 12: case 16: case 40: case 52: case 56: case 64: case 108: case 124:
          return "image/bmp";
        default:
          break;
        }
    }
  if (len >= 12 && has_prefix (data, len, "RIFF", 4) && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (has_prefix (data, len, "II*\0", 4) || has_prefix (data, len, "MM\0*", 4))
    return "image/tiff";
  if (len >= 6 && data[0] == 0 && data[1] == 0 && data[2] == 1 && data[3] == 0 &&
      dd_le16 (data + 4) != 0)
    return "image/vnd.microsoft.icon";
  if (has_prefix (data, len, "\xFF\x0A", 2) ||
      has_prefix (data, len, "\0\0\0\x0CJXL \r\n\x87\n", 12))
    return "image/jxl";

  return sniff_ftyp (data, len);
}

/**
 * dd_image_sniff_unguarded:
 *
 * gdk-pixbuf's XPM and XBM loaders allocate the whole image before they
 * announce its size, so the pixel limit cannot stop them.  Nobody sends
 * these to a chat: they are recognised here and refused, never decoded.
 *
 * Returns: (nullable): their MIME type, or %NULL
 */
const char *
dd_image_sniff_unguarded (const guint8 *data,
                          gsize         len)
{
  if (has_prefix (data, len, "/* XPM */", 9))
    return "image/x-xpixmap";
  if (has_prefix (data, len, "#define ", 8))
    return "image/x-xbitmap";
  return NULL;
}

DdImageKind
dd_image_kind_for_mime (const char *mime_type)
{
  if (g_strcmp0 (mime_type, "image/jpeg") == 0)
    return DD_IMAGE_KIND_JPEG;
  if (g_strcmp0 (mime_type, "image/png") == 0)
    return DD_IMAGE_KIND_PNG;
  if (g_strcmp0 (mime_type, "image/gif") == 0)
    return DD_IMAGE_KIND_GIF;
  if (g_strcmp0 (mime_type, "image/bmp") == 0)
    return DD_IMAGE_KIND_BMP;
  return DD_IMAGE_KIND_OTHER;
}

const char *
dd_image_mime_for_kind (DdImageKind kind)
{
  switch (kind)
    {
    case DD_IMAGE_KIND_JPEG:
      return "image/jpeg";
    case DD_IMAGE_KIND_PNG:
      return "image/png";
    case DD_IMAGE_KIND_GIF:
      return "image/gif";
    case DD_IMAGE_KIND_BMP:
      return "image/bmp";
    case DD_IMAGE_KIND_OTHER:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
dd_image_extension_for_kind (DdImageKind kind)
{
  switch (kind)
    {
    case DD_IMAGE_KIND_JPEG:
      return "jpg";
    case DD_IMAGE_KIND_PNG:
      return "png";
    case DD_IMAGE_KIND_GIF:
      return "gif";
    case DD_IMAGE_KIND_BMP:
      return "bmp";
    case DD_IMAGE_KIND_OTHER:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ---- PNG -------------------------------------------------------------- */

static gboolean
png_is_metadata (const guint8 *type)
{
  static const char * const metadata_chunks[] = { "eXIf", "tEXt", "zTXt", "iTXt", "tIME" };

  for (guint i = 0; i < G_N_ELEMENTS (metadata_chunks); i++)
    if (memcmp (type, metadata_chunks[i], 4) == 0)
      return TRUE;
  return FALSE;
}

/* Calls @func for each chunk up to IEND; a chunk is 4 bytes length, 4 bytes
 * type, the data and a CRC over type and data.  Returns the offset past
 * IEND, or 0 if the chunks stop early. */
static gsize
png_walk (const guint8 *data,
          gsize         len,
          void        (*func) (const guint8 *chunk, gsize chunk_len, gpointer user_data),
          gpointer      user_data)
{
  gsize pos = 8;

  while (len - pos >= 12)
    {
      guint32 data_len = dd_be32 (data + pos);
      const guint8 *type = data + pos + 4;

      if (data_len > 0x7FFFFFFF || data_len > len - pos - 12)
        return 0;

      func (data + pos, (gsize) data_len + 12, user_data);
      pos += (gsize) data_len + 12;

      if (memcmp (type, "IEND", 4) == 0)
        return pos;
    }

  return 0;
}

typedef struct {
  DdImageHeader *header;
  gboolean       has_pixels;
} PngScan;

static void
png_header_chunk (const guint8 *chunk,
                  gsize         chunk_len,
                  gpointer      user_data)
{
  PngScan *scan = user_data;
  const guint8 *type = chunk + 4;

  if (memcmp (type, "IDAT", 4) == 0)
    scan->has_pixels = TRUE;
  else if (memcmp (type, "acTL", 4) == 0 && chunk_len >= 12 + 8)
    scan->header->frames = MAX (1, dd_be32 (chunk + 8));
  else if (png_is_metadata (type))
    scan->header->has_metadata = TRUE;
}

static void
png_read_header (const guint8  *data,
                 gsize          len,
                 DdImageHeader *header)
{
  PngScan scan = { header, FALSE };

  if (len < 8 + 8 + 13 || dd_be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return;

  /* The dimensions are known from the first chunk, so the pixel limit can
   * refuse an image even when the rest of the file is missing. */
  header->width = dd_be32 (data + 16);
  header->height = dd_be32 (data + 20);
  if (header->width == 0 || header->height == 0)
    return;

  header->end = png_walk (data, len, png_header_chunk, &scan);
  header->complete = header->end > 0 && scan.has_pixels;
}

static void
png_copy_chunk (const guint8 *chunk,
                gsize         chunk_len,
                gpointer      user_data)
{
  GByteArray *out = user_data;

  /* Whole chunks are copied with their own CRC, so every CRC stays valid. */
  if (!png_is_metadata (chunk + 4))
    g_byte_array_append (out, chunk, chunk_len);
}

static GBytes *
png_strip (const guint8        *data,
           const DdImageHeader *header)
{
  GByteArray *out = g_byte_array_sized_new (header->end);

  g_byte_array_append (out, data, 8);
  png_walk (data, header->end, png_copy_chunk, out);
  return g_byte_array_free_to_bytes (out);
}

/* ---- GIF -------------------------------------------------------------- */

/* Application extensions that change how the image plays or looks. */
static gboolean
gif_app_is_kept (const guint8 *id)
{
  return memcmp (id, "NETSCAPE2.0", 11) == 0 ||
         memcmp (id, "ANIMEXTS1.0", 11) == 0 ||
         memcmp (id, "ICCRGBG1012", 11) == 0;
}

/* Skips a chain of sub-blocks starting at *pos; FALSE if it runs out. */
static gboolean
gif_skip_sub_blocks (const guint8 *data,
                     gsize         len,
                     gsize        *pos)
{
  gsize p = *pos;

  while (p < len)
    {
      guint8 size = data[p++];

      if (size == 0)
        {
          *pos = p;
          return TRUE;
        }
      if (size > len - p)
        return FALSE;
      p += size;
    }

  return FALSE;
}

/* Walks the blocks after the header.  With @out set, copies every block but
 * comments and foreign application extensions into it. */
static void
gif_walk (const guint8  *data,
          gsize          len,
          DdImageHeader *header,
          GByteArray    *out)
{
  gsize pos = 13;
  guint8 flags;

  if (len < 13)
    return;

  flags = data[10];
  if (flags & 0x80)
    pos += 3 * (gsize) (1 << ((flags & 0x07) + 1));
  if (pos > len)
    return;

  if (out != NULL)
    g_byte_array_append (out, data, pos);

  header->frames = 0;

  while (pos < len)
    {
      gsize start = pos;
      gboolean keep = TRUE;

      switch (data[pos])
        {
        case 0x3B: /* trailer */
          if (out != NULL)
            g_byte_array_append (out, data + pos, 1);
          header->end = pos + 1;
          header->complete = header->frames > 0;
          return;

        case 0x21: /* extension */
          if (len - pos < 3)
            return;
          if (data[pos + 1] == 0xFE)
            keep = FALSE;
          else if (data[pos + 1] == 0xFF)
            keep = len - pos >= 3 + 11 && data[pos + 2] == 11 &&
                   gif_app_is_kept (data + pos + 3);
          pos += 2;
          if (!gif_skip_sub_blocks (data, len, &pos))
            return;
          break;

        case 0x2C: /* image descriptor */
          if (len - pos < 11)
            return;
          {
            guint right = dd_le16 (data + pos + 1) + dd_le16 (data + pos + 5);
            guint bottom = dd_le16 (data + pos + 3) + dd_le16 (data + pos + 7);
            guint8 image_flags = data[pos + 9];

            /* The pixel limit must hold for every frame, also one that
             * reaches past the logical screen. */
            header->width = MAX (header->width, right);
            header->height = MAX (header->height, bottom);

            pos += 10;
            if (image_flags & 0x80)
              pos += 3 * (gsize) (1 << ((image_flags & 0x07) + 1));
            pos += 1; /* LZW minimum code size */
            if (pos > len || !gif_skip_sub_blocks (data, len, &pos))
              return;
            header->frames++;
          }
          break;

        default:
          return;
        }

      if (keep && out != NULL)
        g_byte_array_append (out, data + start, pos - start);
      else if (!keep)
        header->has_metadata = TRUE;
    }
}

static void
gif_read_header (const guint8  *data,
                 gsize          len,
                 DdImageHeader *header)
{
  if (len < 13)
    return;

  header->width = dd_le16 (data + 6);
  header->height = dd_le16 (data + 8);
  gif_walk (data, len, header, NULL);
}

static GBytes *
gif_strip (const guint8        *data,
           const DdImageHeader *header)
{
  GByteArray *out = g_byte_array_sized_new (header->end);
  DdImageHeader scratch = *header;

  gif_walk (data, header->end, &scratch, out);
  return g_byte_array_free_to_bytes (out);
}

/* ---- BMP -------------------------------------------------------------- */

static void
bmp_read_header (const guint8  *data,
                 gsize          len,
                 DdImageHeader *header)
{
  guint32 dib_size;
  guint32 pixel_offset;
  guint64 needed;

  if (len < 26)
    return;

  pixel_offset = dd_le32 (data + 10);
  dib_size = dd_le32 (data + 14);

  if (dib_size == 12)
    {
      header->width = dd_le16 (data + 18);
      header->height = dd_le16 (data + 20);
      needed = pixel_offset;
    }
  else
    {
      gint32 w, h;
      guint bpp, compression;

      if (len < 34)
        return;

      w = (gint32) dd_le32 (data + 18);
      h = (gint32) dd_le32 (data + 22);
      bpp = dd_le16 (data + 28);
      compression = dd_le32 (data + 30);

      if (w <= 0 || h == 0 || h == G_MININT32)
        return;

      header->width = (guint) w;
      header->height = (guint) ABS (h);

      needed = pixel_offset;
      /* Uncompressed rows have a known size: a short file is cut off. */
      if ((compression == 0 || compression == 3) && bpp > 0 && bpp <= 32)
        needed += (((guint64) header->width * bpp + 31) / 32) * 4 * header->height;
    }

  header->complete = header->width > 0 && header->height > 0 && needed <= len;
  header->end = len;
}

/* ---- WebP ------------------------------------------------------------- */

/**
 * dd_image_webp_size:
 *
 * Reads the size from the first chunk after "RIFF....WEBP": VP8 (lossy),
 * VP8L (lossless) or VP8X (extended, with the animation flag).  The WebP
 * loader allocates the whole image before it can be stopped, so the pixel
 * limit must be checked here first.
 */
gboolean
dd_image_webp_size (const guint8 *data,
                    gsize         len,
                    guint        *width,
                    guint        *height,
                    gboolean     *animated)
{
  const guint8 *chunk = data + 12;

  *animated = FALSE;

  if (len < 30 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WEBP", 4) != 0)
    return FALSE;

  if (memcmp (chunk, "VP8X", 4) == 0)
    {
      *animated = (chunk[8] & 0x02) != 0;
      *width = 1 + (chunk[12] | chunk[13] << 8 | chunk[14] << 16);
      *height = 1 + (chunk[15] | chunk[16] << 8 | chunk[17] << 16);
      return TRUE;
    }

  if (memcmp (chunk, "VP8L", 4) == 0 && chunk[8] == 0x2F)
    {
      guint32 bits = dd_le32 (chunk + 9);

      *width = 1 + (bits & 0x3FFF);
      *height = 1 + ((bits >> 14) & 0x3FFF);
      return TRUE;
    }

  if (memcmp (chunk, "VP8 ", 4) == 0 && chunk[11] == 0x9D && chunk[12] == 0x01 && chunk[13] == 0x2A)
    {
      *width = dd_le16 (chunk + 14) & 0x3FFF;
      *height = dd_le16 (chunk + 16) & 0x3FFF;
      return *width > 0 && *height > 0;
    }

  return FALSE;
}

/* ---- entry points ----------------------------------------------------- */

/**
 * dd_image_read_header:
 * @header: (out): what the container says
 *
 * Reads @data's structure for @kind without decoding pixels.
 *
 * Returns: %FALSE if even the dimensions could not be read
 */
gboolean
dd_image_read_header (const guint8  *data,
                      gsize          len,
                      DdImageKind    kind,
                      DdImageHeader *header)
{
  g_assert (data != NULL);
  g_assert (header != NULL);

  memset (header, 0, sizeof *header);
  header->kind = kind;
  header->frames = 1;
  header->orientation = 1;

  switch (kind)
    {
    case DD_IMAGE_KIND_JPEG:
      dd_image_jpeg_read_header (data, len, header);
      break;
    case DD_IMAGE_KIND_PNG:
      png_read_header (data, len, header);
      break;
    case DD_IMAGE_KIND_GIF:
      gif_read_header (data, len, header);
      break;
    case DD_IMAGE_KIND_BMP:
      bmp_read_header (data, len, header);
      break;
    case DD_IMAGE_KIND_OTHER:
    default:
      g_assert_not_reached ();
    }

  /* Bytes after the end (a phone's motion-photo video, an appended
   * archive) go with the metadata. */
  if (header->complete && header->end < len)
    header->has_metadata = TRUE;

  return header->width > 0 && header->height > 0;
}

/**
 * dd_image_strip_metadata:
 * @bytes: a complete JPEG, PNG, GIF or BMP
 * @header: what dd_image_read_header() found in @bytes
 *
 * Returns: (transfer full): @bytes without metadata and without anything
 *   after the image's end; @bytes itself if there is nothing to remove
 */
GBytes *
dd_image_strip_metadata (GBytes              *bytes,
                         const DdImageHeader *header)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  g_assert (header->complete);

  if (!header->has_metadata)
    return g_bytes_ref (bytes);

  switch (header->kind)
    {
    case DD_IMAGE_KIND_JPEG:
      return dd_image_jpeg_strip (data, header);
    case DD_IMAGE_KIND_PNG:
      return png_strip (data, header);
    case DD_IMAGE_KIND_GIF:
      return gif_strip (data, header);
    case DD_IMAGE_KIND_BMP:
      return g_bytes_new_from_bytes (bytes, 0, header->end);
    case DD_IMAGE_KIND_OTHER:
    default:
      g_assert_not_reached ();
    }
}
