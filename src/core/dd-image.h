/* dd-image.h: getting an image ready for DingTalk's media upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/**
 * DdImageOptions:
 * @max_bytes: the largest file DingTalk accepts (default 20 MiB)
 * @max_pixels: images with more pixels are refused before they are decoded
 *   (default 100 megapixels)
 * @keep_metadata: send EXIF, XMP, IPTC and comments along (default %FALSE)
 * @max_input_bytes: the most DingDrop reads from one file (default
 *   MAX (200 MiB, 10 × @max_bytes)), so a file that keeps growing ends
 *   with an error; FIFOs and devices are not read at all
 *
 * Set the defaults with dd_image_options_init_default(), then change what
 * the profile or the user asks for.  A field left at 0 means its default.
 */
typedef struct {
  guint64  max_bytes;
  guint64  max_pixels;
  gboolean keep_metadata;
  guint64  max_input_bytes;
} DdImageOptions;

#define DD_IMAGE_DEFAULT_MAX_PIXELS (G_GUINT64_CONSTANT (100) * 1000 * 1000)

void dd_image_options_init_default (DdImageOptions *opts);

#define DD_TYPE_PREPARED_IMAGE (dd_prepared_image_get_type ())

G_DECLARE_FINAL_TYPE (DdPreparedImage, dd_prepared_image, DD, PREPARED_IMAGE, GObject)

/* Read-only properties: "data" (GBytes), "mime-type", "filename", "width",
 * "height", "converted", "resized", "metadata-removed", "rotated",
 * "original-format", "original-size". */

GBytes          *dd_prepared_image_get_data             (DdPreparedImage *self);
guint64          dd_prepared_image_get_size             (DdPreparedImage *self);
const char      *dd_prepared_image_get_mime_type        (DdPreparedImage *self);
const char      *dd_prepared_image_get_filename         (DdPreparedImage *self);
guint            dd_prepared_image_get_width            (DdPreparedImage *self);
guint            dd_prepared_image_get_height           (DdPreparedImage *self);
gboolean         dd_prepared_image_get_converted        (DdPreparedImage *self);
gboolean         dd_prepared_image_get_resized          (DdPreparedImage *self);
gboolean         dd_prepared_image_get_metadata_removed (DdPreparedImage *self);
gboolean         dd_prepared_image_get_rotated          (DdPreparedImage *self);
const char      *dd_prepared_image_get_original_format  (DdPreparedImage *self);
guint64          dd_prepared_image_get_original_size    (DdPreparedImage *self);

/* The most read from one file or pipe for an image whose robot takes at
 * most @max_bytes (0: DingTalk's 20 MiB): MAX (200 MiB, 10 × @max_bytes). */
guint64          dd_image_input_cap                     (guint64                max_bytes);

/* Reads a regular file whole, refusing FIFOs, devices, folders and more
 * than @cap bytes: the guard every reader of user-given files goes through. */
GBytes          *dd_image_read_file                     (GFile                 *file,
                                                         guint64                cap,
                                                         char                 **display_name,
                                                         GCancellable          *cancellable,
                                                         GError               **error);

const char      *dd_image_sniff_mime                    (const guint8          *data,
                                                         gsize                  len);

DdPreparedImage *dd_image_prepare_file                  (GFile                 *file,
                                                         const DdImageOptions  *opts,
                                                         GCancellable          *cancellable,
                                                         GError               **error);
DdPreparedImage *dd_image_prepare_bytes                 (GBytes                *bytes,
                                                         const char            *display_name,
                                                         const DdImageOptions  *opts,
                                                         GCancellable          *cancellable,
                                                         GError               **error);

void             dd_image_prepare_file_async            (GFile                 *file,
                                                         const DdImageOptions  *opts,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
void             dd_image_prepare_bytes_async           (GBytes                *bytes,
                                                         const char            *display_name,
                                                         const DdImageOptions  *opts,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
DdPreparedImage *dd_image_prepare_finish                (GAsyncResult          *result,
                                                         GError               **error);

/* A thumbnail behind the same pixel limit as the preparation (the window's
 * queue): see dd-image-prepare.c. */
GdkPixbuf       *dd_image_thumbnail_bytes               (GBytes                *bytes,
                                                         guint                  max_side,
                                                         guint64                max_pixels,
                                                         guint                 *width,
                                                         guint                 *height,
                                                         GCancellable          *cancellable,
                                                         GError               **error);

G_END_DECLS
