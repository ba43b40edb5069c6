/* dd-image-jpeg.c: JPEG segments, their metadata and the EXIF orientation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JPEG is a list of segments (a marker, a length, a payload) and, after
 * each SOS, entropy-coded data that runs to the next marker.  Metadata is
 * removed by copying every other segment, and the entropy-coded data, as it
 * is: the pixels are not decoded, so they cannot change.
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include <string.h>

#include "dd-image-private.h"

/* ---- TIFF structure inside EXIF -------------------------------------- */

/* Finds @tag in IFD0 of the TIFF structure at @tiff; *value_off is where
 * its value (or the offset of its value) starts. */
static gboolean
tiff_find_tag (const guint8 *tiff,
               gsize         len,
               guint16       tag,
               gboolean     *big_endian,
               guint16      *type,
               gsize        *value_off)
{
  gboolean be;
  guint32 ifd;
  guint16 count;

  if (len < 8)
    return FALSE;
  if (memcmp (tiff, "MM\0*", 4) == 0)
    be = TRUE;
  else if (memcmp (tiff, "II*\0", 4) == 0)
    be = FALSE;
  else
    return FALSE;

  ifd = be ? dd_be32 (tiff + 4) : dd_le32 (tiff + 4);
  if (ifd < 8 || ifd > len - 2)
    return FALSE;

  count = be ? dd_be16 (tiff + ifd) : dd_le16 (tiff + ifd);
  if ((gsize) count * 12 > len - ifd - 2)
    return FALSE;

  for (guint i = 0; i < count; i++)
    {
      const guint8 *entry = tiff + ifd + 2 + i * 12;

      if ((be ? dd_be16 (entry) : dd_le16 (entry)) != tag)
        continue;

      *big_endian = be;
      *type = be ? dd_be16 (entry + 2) : dd_le16 (entry + 2);
      *value_off = ifd + 2 + i * 12 + 8;
      return TRUE;
    }

  return FALSE;
}

#define EXIF_ORIENTATION_TAG 0x0112
#define TIFF_TYPE_SHORT      3

/* @payload is an APP1 payload that starts with "Exif\0\0". */
static guint
exif_orientation (const guint8 *payload,
                  gsize         len)
{
  gboolean be;
  guint16 type;
  gsize off;
  guint value;

  if (!tiff_find_tag (payload + 6, len - 6, EXIF_ORIENTATION_TAG, &be, &type, &off) ||
      type != TIFF_TYPE_SHORT)
    return 1;

  value = be ? dd_be16 (payload + 6 + off) : dd_le16 (payload + 6 + off);
  return value >= 1 && value <= 8 ? value : 1;
}

/* Writes orientation 1 ("upright as stored") into a copy of an Exif APP1
 * payload, for pixels that were rotated to match the old value. */
static void
exif_reset_orientation (guint8 *payload,
                        gsize   len)
{
  gboolean be;
  guint16 type;
  gsize off;

  if (!tiff_find_tag (payload + 6, len - 6, EXIF_ORIENTATION_TAG, &be, &type, &off) ||
      type != TIFF_TYPE_SHORT)
    return;

  payload[6 + off] = be ? 0 : 1;
  payload[6 + off + 1] = be ? 1 : 0;
}

/* ---- JPEG ------------------------------------------------------------- */

typedef struct {
  guint8 marker;
  gsize  start;        /* the first 0xFF, fill bytes included */
  gsize  payload;      /* after the two length bytes */
  gsize  payload_len;
  gsize  end;          /* past the segment; for SOS past its entropy data */
} JpegSegment;

typedef enum {
  JPEG_NEXT_OK,
  JPEG_NEXT_EOI,
  JPEG_NEXT_TRUNCATED,
  JPEG_NEXT_BAD,
} JpegNext;

static JpegNext
jpeg_next (const guint8 *data,
           gsize         len,
           gsize        *pos,
           JpegSegment  *seg)
{
  gsize p = *pos;
  gsize seg_len;

  if (p >= len)
    return JPEG_NEXT_TRUNCATED;
  if (data[p] != 0xFF)
    return JPEG_NEXT_BAD;

  seg->start = p;
  while (p < len && data[p] == 0xFF)
    p++;
  if (p >= len)
    return JPEG_NEXT_TRUNCATED;

  seg->marker = data[p++];
  seg->payload = p;
  seg->payload_len = 0;

  if (seg->marker == 0xD9)
    {
      seg->end = *pos = p;
      return JPEG_NEXT_EOI;
    }
  if (seg->marker == 0x00 || seg->marker == 0xD8)
    return JPEG_NEXT_BAD;
  if (seg->marker == 0x01 || (seg->marker >= 0xD0 && seg->marker <= 0xD7))
    {
      seg->end = *pos = p;
      return JPEG_NEXT_OK;
    }

  if (len - p < 2)
    return JPEG_NEXT_TRUNCATED;
  seg_len = dd_be16 (data + p);
  if (seg_len < 2)
    return JPEG_NEXT_BAD;
  if (seg_len > len - p)
    return JPEG_NEXT_TRUNCATED;

  seg->payload = p + 2;
  seg->payload_len = seg_len - 2;
  p += seg_len;

  if (seg->marker == 0xDA)
    {
      /* Entropy-coded data runs to the next marker other than a stuffed
       * 0xFF00 or a restart marker. */
      for (;;)
        {
          const guint8 *ff = memchr (data + p, 0xFF, len - p);

          if (ff == NULL || (gsize) (ff - data) + 1 >= len)
            return JPEG_NEXT_TRUNCATED;

          p = ff - data;
          if (data[p + 1] == 0x00 || (data[p + 1] >= 0xD0 && data[p + 1] <= 0xD7))
            p += 2;
          else if (data[p + 1] == 0xFF)
            p += 1;
          else
            break;
        }
    }

  seg->end = *pos = p;
  return JPEG_NEXT_OK;
}

static gboolean
payload_starts (const guint8      *data,
                const JpegSegment *seg,
                const char        *id,
                gsize              id_len)
{
  return seg->payload_len >= id_len && memcmp (data + seg->payload, id, id_len) == 0;
}

static gboolean
jpeg_is_exif (const guint8      *data,
              const JpegSegment *seg)
{
  return seg->marker == 0xE1 && payload_starts (data, seg, "Exif\0\0", 6);
}

/* Metadata is every APPn and COM segment except the three that decide how
 * the colours look: APP0 JFIF, APP2 ICC_PROFILE and APP14 Adobe. */
static gboolean
jpeg_is_metadata (const guint8      *data,
                  const JpegSegment *seg)
{
  if (seg->marker == 0xFE)
    return TRUE;
  if (seg->marker < 0xE0 || seg->marker > 0xEF)
    return FALSE;
  if (seg->marker == 0xE0 && payload_starts (data, seg, "JFIF\0", 5))
    return FALSE;
  if (seg->marker == 0xE2 && payload_starts (data, seg, "ICC_PROFILE\0", 12))
    return FALSE;
  if (seg->marker == 0xEE && payload_starts (data, seg, "Adobe", 5))
    return FALSE;
  return TRUE;
}

static gboolean
jpeg_is_sof (guint8 marker)
{
  return marker >= 0xC0 && marker <= 0xCF &&
         marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

void
dd_image_jpeg_read_header (const guint8  *data,
                           gsize          len,
                           DdImageHeader *header)
{
  gsize pos = 2;
  gboolean seen_exif = FALSE;
  gboolean seen_scan = FALSE;

  for (;;)
    {
      JpegSegment seg;
      JpegNext next = jpeg_next (data, len, &pos, &seg);

      if (next == JPEG_NEXT_EOI)
        {
          header->complete = seen_scan && header->width > 0;
          header->end = seg.end;
          return;
        }
      if (next != JPEG_NEXT_OK)
        return;

      if (jpeg_is_sof (seg.marker) && header->width == 0 && seg.payload_len >= 6)
        {
          header->height = dd_be16 (data + seg.payload + 1);
          header->width = dd_be16 (data + seg.payload + 3);
        }
      else if (seg.marker == 0xDA)
        seen_scan = TRUE;

      if (jpeg_is_exif (data, &seg) && !seen_exif)
        {
          seen_exif = TRUE;
          header->orientation = exif_orientation (data + seg.payload, seg.payload_len);
        }

      if (jpeg_is_metadata (data, &seg))
        header->has_metadata = TRUE;
    }
}

GBytes *
dd_image_jpeg_strip (const guint8        *data,
                     const DdImageHeader *header)
{
  GByteArray *out = g_byte_array_sized_new (header->end);
  gsize pos = 2;

  g_byte_array_append (out, data, 2);

  for (;;)
    {
      JpegSegment seg;
      JpegNext next = jpeg_next (data, header->end, &pos, &seg);

      g_assert (next == JPEG_NEXT_OK || next == JPEG_NEXT_EOI);

      if (!jpeg_is_metadata (data, &seg))
        g_byte_array_append (out, data + seg.start, seg.end - seg.start);

      if (next == JPEG_NEXT_EOI)
        break;
    }

  return g_byte_array_free_to_bytes (out);
}

/**
 * dd_image_jpeg_copy_metadata:
 * @encoded: a JPEG that gdk-pixbuf has just written
 * @original: the JPEG it was made from
 *
 * For keep_metadata: puts the original's metadata segments into the new
 * JPEG after its JFIF header.  The pixels were turned upright, so the EXIF
 * orientation becomes 1; otherwise viewers would turn them a second time.
 * The colour segments (ICC, Adobe) are not copied: gdk-pixbuf wrote its own.
 */
GBytes *
dd_image_jpeg_copy_metadata (GBytes       *encoded,
                             const guint8 *original,
                             gsize         original_len)
{
  gsize enc_len;
  const guint8 *enc = g_bytes_get_data (encoded, &enc_len);
  g_autoptr(GByteArray) out = NULL;
  gsize insert_at = 2;
  gsize pos = 2;
  JpegSegment seg;

  if (enc_len < 4 || enc[0] != 0xFF || enc[1] != 0xD8)
    return g_bytes_ref (encoded);

  if (jpeg_next (enc, enc_len, &pos, &seg) == JPEG_NEXT_OK &&
      seg.marker == 0xE0 && payload_starts (enc, &seg, "JFIF\0", 5))
    insert_at = seg.end;

  out = g_byte_array_sized_new (enc_len + original_len / 8);
  g_byte_array_append (out, enc, insert_at);

  pos = 2;
  while (jpeg_next (original, original_len, &pos, &seg) == JPEG_NEXT_OK &&
         seg.marker != 0xDA)
    {
      gsize at = out->len;

      if (!jpeg_is_metadata (original, &seg))
        continue;

      g_byte_array_append (out, original + seg.start, seg.end - seg.start);
      if (jpeg_is_exif (original, &seg))
        exif_reset_orientation (out->data + at + (seg.payload - seg.start), seg.payload_len);
    }

  g_byte_array_append (out, enc + insert_at, enc_len - insert_at);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
