/* dd-image-edit.h: crop and redact an image before it is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DdImageRect:
 *
 * A rectangle in the pixels of the upright image (its EXIF orientation
 * applied): what the user sees.  Its width and height may be negative or
 * zero (an empty rectangle), and it may reach outside the image.
 */
typedef struct {
  int x;
  int y;
  int width;
  int height;
} DdImageRect;

/* The colour of a redaction: opaque black. */
#define DD_IMAGE_REDACT_RGB 0x000000

typedef struct _DdImageEdit DdImageEdit;

#define DD_TYPE_IMAGE_EDIT (dd_image_edit_get_type ())

GType        dd_image_edit_get_type          (void) G_GNUC_CONST;

DdImageEdit *dd_image_edit_new               (void);
DdImageEdit *dd_image_edit_copy              (const DdImageEdit *self);
void         dd_image_edit_free              (DdImageEdit       *self);

void         dd_image_edit_set_crop          (DdImageEdit       *self,
                                              const DdImageRect *crop);
gboolean     dd_image_edit_get_crop          (const DdImageEdit *self,
                                              DdImageRect       *crop);
void         dd_image_edit_add_redaction     (DdImageEdit       *self,
                                              const DdImageRect *rect);
guint        dd_image_edit_get_n_redactions  (const DdImageEdit *self);
const DdImageRect *dd_image_edit_get_redaction (const DdImageEdit *self,
                                              guint              i);
gboolean     dd_image_edit_is_empty          (const DdImageEdit *self);

gboolean     dd_image_rect_clamp             (const DdImageRect *rect,
                                              guint              width,
                                              guint              height,
                                              DdImageRect       *clamped);

GBytes      *dd_image_edit_apply             (GBytes            *bytes,
                                              const DdImageEdit *edit,
                                              guint64            max_pixels,
                                              guint             *width,
                                              guint             *height,
                                              GCancellable      *cancellable,
                                              GError           **error);
GBytes      *dd_image_edit_apply_file        (GFile             *file,
                                              const DdImageEdit *edit,
                                              guint64            max_pixels,
                                              GCancellable      *cancellable,
                                              GError           **error);

void         dd_image_edit_apply_async       (GBytes            *bytes,
                                              const DdImageEdit *edit,
                                              guint64            max_pixels,
                                              GCancellable      *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer           user_data);
GBytes      *dd_image_edit_apply_finish      (GAsyncResult      *result,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdImageEdit, dd_image_edit_free)

G_END_DECLS
