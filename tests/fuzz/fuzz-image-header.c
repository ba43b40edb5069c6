/* fuzz-image-header.c: any bytes, as the image sniffer and the header
 * readers see them before a single pixel is decoded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_image_sniff_mime() names the format by its magic bytes; for JPEG,
 * PNG, GIF and BMP dd_image_read_header() reads the size, the frames, the
 * EXIF orientation and where the image ends, and for WebP
 * dd_image_webp_size() reads the size the pixel limit is checked against.
 * These run on every file, paste and drop, before anything else.  What
 * must hold: no read outside the bytes (the buffer is exactly the input),
 * and a header that is consistent with them.
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dd-image-private.h"
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  dd_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *mime_type;
  DdImageKind kind;

  mime_type = dd_image_sniff_mime (size > 0 ? data : NULL, size);
  (void) dd_image_sniff_unguarded (data, size);

  kind = dd_image_kind_for_mime (mime_type);

  if (kind != DD_IMAGE_KIND_OTHER)
    {
      DdImageHeader header;
      gboolean has_size = dd_image_read_header (data, size, kind, &header);

      dd_fuzz_check (header.kind == kind);
      dd_fuzz_check (has_size == (header.width > 0 && header.height > 0));
      dd_fuzz_check (header.orientation >= 1 && header.orientation <= 8);
      dd_fuzz_check (header.end <= size);
      /* complete with a size of 0 is possible (a JPEG whose height comes
       * in a DNL segment): dd_image_prepare_resolved() refuses it as
       * damaged, since dd_image_read_header() returned FALSE */
      if (header.complete)
        {
          dd_fuzz_check (header.end > 0);
          dd_fuzz_check (header.frames >= 1);
        }
      dd_fuzz_check (g_str_equal (dd_image_mime_for_kind (kind), mime_type));
      (void) dd_image_extension_for_kind (kind);
    }
  else if (g_strcmp0 (mime_type, "image/webp") == 0)
    {
      guint width = 0, height = 0;
      gboolean animated;

      if (dd_image_webp_size (data, size, &width, &height, &animated))
        dd_fuzz_check (width > 0 && height > 0 && width <= 1 << 24 && height <= 1 << 24);
    }

  return 0;
}
