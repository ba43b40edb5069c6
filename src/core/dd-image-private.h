/* dd-image-private.h: what the parts of image preparation share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "dd-image.h"

G_BEGIN_DECLS

/* Big- and little-endian reads; callers check the bounds. */
static inline guint16
dd_be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
dd_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint16
dd_le16 (const guint8 *p)
{
  return (guint16) ((p[1] << 8) | p[0]);
}

static inline guint32
dd_le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

/* The formats DingTalk takes as they are; everything else is converted. */
typedef enum {
  DD_IMAGE_KIND_OTHER,
  DD_IMAGE_KIND_JPEG,
  DD_IMAGE_KIND_PNG,
  DD_IMAGE_KIND_GIF,
  DD_IMAGE_KIND_BMP,
} DdImageKind;

/* What the container says, read without decoding any pixels. */
typedef struct {
  DdImageKind kind;
  guint       width;           /* 0 while unknown */
  guint       height;
  guint       frames;          /* GIF images, APNG frames; 1 otherwise */
  guint       orientation;     /* EXIF orientation 1–8; 1 when absent */
  gboolean    has_metadata;    /* something that stripping would remove */
  gboolean    complete;        /* ends where the format says it ends */
  gsize       end;             /* offset just past EOI, IEND or the trailer */
} DdImageHeader;

/* dd-image.c */
typedef enum {
  DD_PREPARED_CONVERTED        = 1 << 0,
  DD_PREPARED_RESIZED          = 1 << 1,
  DD_PREPARED_METADATA_REMOVED = 1 << 2,
  DD_PREPARED_ROTATED          = 1 << 3,
} DdPreparedFlags;

DdPreparedImage *dd_prepared_image_new     (GBytes              *data,
                                            const char          *mime_type,
                                            const char          *filename,
                                            guint                width,
                                            guint                height,
                                            const char          *original_format,
                                            guint64              original_size,
                                            DdPreparedFlags      flags);

/* dd-image-prepare.c */
DdPreparedImage *dd_image_prepare_resolved (GBytes              *bytes,
                                            const char          *display_name,
                                            const DdImageOptions *opts,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* The one guarded decoder of user-given bytes, upright; 0: full size */
GdkPixbuf   *dd_image_decode_upright       (GBytes              *bytes,
                                            guint                max_side,
                                            guint64              max_pixels,
                                            guint               *width,
                                            guint               *height,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* dd-image-meta.c */
const char  *dd_image_sniff_unguarded      (const guint8        *data,
                                            gsize                len);
DdImageKind  dd_image_kind_for_mime        (const char          *mime_type);
const char  *dd_image_mime_for_kind        (DdImageKind          kind);
const char  *dd_image_extension_for_kind   (DdImageKind          kind);

gboolean     dd_image_read_header          (const guint8        *data,
                                            gsize                len,
                                            DdImageKind          kind,
                                            DdImageHeader       *header);
GBytes      *dd_image_strip_metadata       (GBytes              *bytes,
                                            const DdImageHeader *header);
gboolean     dd_image_webp_size            (const guint8        *data,
                                            gsize                len,
                                            guint               *width,
                                            guint               *height,
                                            gboolean            *animated);

/* dd-image-jpeg.c */
void         dd_image_jpeg_read_header     (const guint8        *data,
                                            gsize                len,
                                            DdImageHeader       *header);
GBytes      *dd_image_jpeg_strip           (const guint8        *data,
                                            const DdImageHeader *header);
GBytes      *dd_image_jpeg_copy_metadata   (GBytes              *encoded,
                                            const guint8        *original,
                                            gsize                original_len);

/* dd-image-encode.c */
typedef enum {
  DD_IMAGE_DECODE_OK,
  DD_IMAGE_DECODE_TOO_MANY_PIXELS,
  DD_IMAGE_DECODE_NO_LOADER,
  DD_IMAGE_DECODE_FAILED,
} DdImageDecodeResult;

typedef struct {
  GdkPixbuf *pixbuf;           /* as stored, before EXIF orientation */
  char      *mime_type;        /* the loader's, when the caller gave none */
  char      *icc_profile;      /* base64, as gdk-pixbuf's savers take it */
  guint      width;            /* as announced by the loader */
  guint      height;
  gboolean   animated;
} DdImageDecoded;

void                 dd_image_decoded_clear    (DdImageDecoded      *decoded);
gboolean             dd_image_has_loader       (const char          *mime_type);
DdImageDecodeResult  dd_image_decode           (GBytes              *bytes,
                                                const char          *mime_type,
                                                guint64              max_pixels,
                                                GCancellable        *cancellable,
                                                DdImageDecoded      *decoded,
                                                GError             **error);
DdImageDecodeResult  dd_image_decode_scaled    (GBytes              *bytes,
                                                const char          *mime_type,
                                                guint64              max_pixels,
                                                guint                max_side,
                                                GCancellable        *cancellable,
                                                DdImageDecoded      *decoded,
                                                GError             **error);
gboolean             dd_image_has_transparency (GdkPixbuf           *pixbuf);
gboolean             dd_image_looks_graphic    (GdkPixbuf           *pixbuf);

typedef struct {
  GBytes      *data;
  DdImageKind  kind;
  guint        width;
  guint        height;
  gboolean     resized;
} DdImageEncoded;

void                 dd_image_encoded_clear    (DdImageEncoded      *encoded);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DdImageDecoded, dd_image_decoded_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DdImageEncoded, dd_image_encoded_clear)

gboolean             dd_image_encode_to_fit    (GdkPixbuf           *pixbuf,
                                                const char          *icc_profile,
                                                DdImageKind          preferred,
                                                gboolean             try_full_png,
                                                gsize                size_hint,
                                                guint64              max_bytes,
                                                const char          *display_name,
                                                GCancellable        *cancellable,
                                                DdImageEncoded      *encoded,
                                                GError             **error);

G_END_DECLS
