/* fuzz-image-strip.c: the PNG, JPEG, GIF and BMP metadata stripper, and
 * the copying of a JPEG's metadata into a re-encoded one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_image_prepare_bytes() strips every complete JPEG, PNG, GIF and BMP
 * that fits DingTalk's size as it is (dd_image_strip_metadata(), entry
 * point of dd-image-meta.c and dd-image-jpeg.c), and puts a JPEG's
 * metadata back into its re-encoded copy when the robot keeps metadata
 * (dd_image_jpeg_copy_metadata()).  What must hold for every input:
 *
 *  - stripping only removes: the result is no longer than the image, and
 *    reads back as the same kind, size and frame count, complete, with no
 *    metadata left, so stripping it again changes nothing;
 *  - the EXIF orientation survives stripping only as the pixels' own
 *    orientation: the stripped JPEG says 1 or keeps no EXIF at all;
 *  - copying metadata into a JPEG keeps that JPEG readable, with its size.
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dd-image-private.h"
#include "fuzz-common.h"

/* What dd_image_encode_to_fit() hands to dd_image_jpeg_copy_metadata(): a
 * JPEG that gdk-pixbuf has just written. */
static GBytes *encoded_jpeg;
static DdImageHeader encoded_header;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;

  dd_fuzz_init ();

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", &error, "quality", "90", NULL))
    g_error ("gdk-pixbuf cannot write a JPEG: %s", error->message);
  encoded_jpeg = g_bytes_new_take (buffer, len);

  if (!dd_image_read_header ((const guint8 *) buffer, len, DD_IMAGE_KIND_JPEG, &encoded_header) ||
      !encoded_header.complete)
    g_error ("dd-image cannot read gdk-pixbuf's JPEG");

  return 0;
}

static void
check_stripped (GBytes              *stripped,
                const DdImageHeader *header)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (stripped, &len);
  DdImageHeader again;
  g_autoptr(GBytes) twice = NULL;

  dd_fuzz_check (len > 0 && len <= header->end);
  dd_fuzz_check (dd_image_read_header (data, len, header->kind, &again));
  dd_fuzz_check (again.complete);
  dd_fuzz_check (!again.has_metadata);
  dd_fuzz_check (again.end == len);
  dd_fuzz_check (again.width == header->width && again.height == header->height);
  dd_fuzz_check (again.frames == header->frames);
  if (header->kind == DD_IMAGE_KIND_JPEG)
    dd_fuzz_check (again.orientation == 1);

  twice = dd_image_strip_metadata (stripped, &again);
  dd_fuzz_check (g_bytes_equal (twice, stripped));
}

static void
check_copy_metadata (const guint8 *data,
                     gsize         size)
{
  g_autoptr(GBytes) with_metadata = dd_image_jpeg_copy_metadata (encoded_jpeg, data, size);
  DdImageHeader header;
  gsize len;
  const guint8 *out = g_bytes_get_data (with_metadata, &len);

  dd_fuzz_check (dd_image_read_header (out, len, DD_IMAGE_KIND_JPEG, &header));
  dd_fuzz_check (header.complete);
  dd_fuzz_check (header.end == len);
  dd_fuzz_check (header.width == encoded_header.width && header.height == encoded_header.height);
  /* the pixels were turned upright: no viewer may turn them again */
  dd_fuzz_check (header.orientation == 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) stripped = NULL;
  DdImageHeader header;
  DdImageKind kind;

  kind = dd_image_kind_for_mime (dd_image_sniff_mime (size > 0 ? data : NULL, size));
  if (kind == DD_IMAGE_KIND_OTHER)
    return 0;

  /* dd_image_prepare_resolved() strips only what reads as complete */
  if (!dd_image_read_header (data, size, kind, &header) || !header.complete)
    return 0;

  bytes = g_bytes_new_static (data, size);
  stripped = dd_image_strip_metadata (bytes, &header);

  if (!header.has_metadata)
    dd_fuzz_check (stripped == bytes);
  else
    check_stripped (stripped, &header);

  if (kind == DD_IMAGE_KIND_JPEG)
    check_copy_metadata (data, size);

  return 0;
}
