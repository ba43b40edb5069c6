/* dd-image-edit.c: crop and redact an image before it is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An edit is one optional crop and any number of redactions, all in the
 * pixels of the upright image, so the user edits what a viewer shows.
 * The image is decoded behind the same guards as its preparation (the
 * pixel limit, the loaders that ignore it), the redactions are painted
 * as solid boxes into the pixels, the crop is cut, and the result is a
 * new PNG: nothing of the hidden pixels stays, and the original bytes or
 * file are never written.  The PNG carries no metadata; the preparation
 * at send time strips what it would all the same.
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-image-edit.h"
#include "dd-image-private.h"

struct _DdImageEdit
{
  gboolean     has_crop;
  DdImageRect  crop;
  GArray      *redactions;   /* of DdImageRect */
};

G_DEFINE_BOXED_TYPE (DdImageEdit, dd_image_edit, dd_image_edit_copy, dd_image_edit_free)

DdImageEdit *
dd_image_edit_new (void)
{
  DdImageEdit *self = g_new0 (DdImageEdit, 1);

  self->redactions = g_array_new (FALSE, FALSE, sizeof (DdImageRect));
  return self;
}

DdImageEdit *
dd_image_edit_copy (const DdImageEdit *self)
{
  DdImageEdit *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dd_image_edit_new ();
  copy->has_crop = self->has_crop;
  copy->crop = self->crop;
  g_array_append_vals (copy->redactions, self->redactions->data, self->redactions->len);
  return copy;
}

void
dd_image_edit_free (DdImageEdit *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->redactions);
  g_free (self);
}

/* @crop: (nullable): the part to keep, or %NULL for the whole image */
void
dd_image_edit_set_crop (DdImageEdit       *self,
                        const DdImageRect *crop)
{
  g_return_if_fail (self != NULL);

  self->has_crop = crop != NULL;
  if (crop != NULL)
    self->crop = *crop;
}

gboolean
dd_image_edit_get_crop (const DdImageEdit *self,
                        DdImageRect       *crop)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->has_crop && crop != NULL)
    *crop = self->crop;
  return self->has_crop;
}

void
dd_image_edit_add_redaction (DdImageEdit       *self,
                             const DdImageRect *rect)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rect != NULL);

  g_array_append_val (self->redactions, *rect);
}

guint
dd_image_edit_get_n_redactions (const DdImageEdit *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->redactions->len;
}

const DdImageRect *
dd_image_edit_get_redaction (const DdImageEdit *self,
                             guint              i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->redactions->len, NULL);
  return &g_array_index (self->redactions, DdImageRect, i);
}

gboolean
dd_image_edit_is_empty (const DdImageEdit *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return !self->has_crop && self->redactions->len == 0;
}

/**
 * dd_image_rect_clamp:
 * @clamped: (out): the part of @rect inside a @width × @height image
 *
 * Returns: whether anything of @rect is inside the image
 */
gboolean
dd_image_rect_clamp (const DdImageRect *rect,
                     guint              width,
                     guint              height,
                     DdImageRect       *clamped)
{
  gint64 x0, y0, x1, y1;

  g_return_val_if_fail (rect != NULL, FALSE);
  g_return_val_if_fail (clamped != NULL, FALSE);

  /* in 64 bits: x + width must not overflow */
  x0 = CLAMP ((gint64) rect->x, 0, (gint64) width);
  y0 = CLAMP ((gint64) rect->y, 0, (gint64) height);
  x1 = CLAMP ((gint64) rect->x + rect->width, 0, (gint64) width);
  y1 = CLAMP ((gint64) rect->y + rect->height, 0, (gint64) height);

  clamped->x = (int) x0;
  clamped->y = (int) y0;
  clamped->width = (int) MAX (0, x1 - x0);
  clamped->height = (int) MAX (0, y1 - y0);
  return rect->width > 0 && rect->height > 0 && clamped->width > 0 && clamped->height > 0;
}

static void
fill_rect (GdkPixbuf         *pixbuf,
           const DdImageRect *rect)
{
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  guint8 rgb[3] = { (DD_IMAGE_REDACT_RGB >> 16) & 0xFF,
                    (DD_IMAGE_REDACT_RGB >> 8) & 0xFF,
                    DD_IMAGE_REDACT_RGB & 0xFF };

  for (int y = rect->y; y < rect->y + rect->height; y++)
    {
      guint8 *p = pixels + (gsize) y * rowstride + (gsize) rect->x * n_channels;

      for (int x = 0; x < rect->width; x++, p += n_channels)
        {
          p[0] = rgb[0];
          p[1] = rgb[1];
          p[2] = rgb[2];
          if (n_channels == 4)
            p[3] = 0xFF;   /* opaque: nothing shows through */
        }
    }
}

static GError *
cannot_edit (const char   *name,
             const GError *decode_error)
{
  if (decode_error->domain == DD_ERROR ||
      g_error_matches (decode_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (decode_error);

  return g_error_new (DD_ERROR, DD_ERROR_FILE,
                      _("“%s” is damaged or incomplete, so DingDrop cannot edit it."), name);
}

static GBytes *
apply_named (GBytes            *bytes,
             const char        *name,
             const DdImageEdit *edit,
             guint64            max_pixels,
             guint             *out_width,
             guint             *out_height,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autoptr(GdkPixbuf) upright = NULL;
  g_autoptr(GdkPixbuf) pixels = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  DdImageRect crop = { 0, };
  const char *icc_profile;
  char *keys[2] = { NULL, };
  char *values[2] = { NULL, };
  guint width, height;
  gsize size = 0;

  upright = dd_image_decode_upright (bytes, 0, max_pixels, &width, &height,
                                     cancellable, &local_error);
  if (upright == NULL)
    {
      g_propagate_error (error, cannot_edit (name, local_error));
      return NULL;
    }
  width = gdk_pixbuf_get_width (upright);
  height = gdk_pixbuf_get_height (upright);

  if (edit->has_crop && !dd_image_rect_clamp (&edit->crop, width, height, &crop))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_EDIT,
                   _("The crop leaves nothing of “%s”. Drag over the part of the image to keep."),
                   name);
      return NULL;
    }
  if (!edit->has_crop)
    crop = (DdImageRect) { 0, 0, (int) width, (int) height };

  /* The loader and its animation are gone, so the decoded pixels are
   * ours to paint on: no second copy of a large photo.  Should anything
   * else hold them, a copy. */
  if (G_OBJECT (upright)->ref_count == 1)
    pixels = g_object_ref (upright);
  else
    pixels = gdk_pixbuf_copy (upright);
  g_debug ("Editing %u × %u pixels%s", width, height,
           pixels == upright ? " in place" : " in a copy");
  if (pixels == NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("There is not enough memory to edit “%s”."), name);
      return NULL;
    }

  for (guint i = 0; i < edit->redactions->len; i++)
    {
      DdImageRect box;

      if (dd_image_rect_clamp (&g_array_index (edit->redactions, DdImageRect, i),
                               width, height, &box))
        fill_rect (pixels, &box);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  result = gdk_pixbuf_new_subpixbuf (pixels, crop.x, crop.y, crop.width, crop.height);

  icc_profile = gdk_pixbuf_get_option (upright, "icc-profile");
  if (icc_profile != NULL)
    {
      keys[0] = (char *) "icc-profile";
      values[0] = (char *) icc_profile;
    }
  if (!gdk_pixbuf_save_to_bufferv (result, &buffer, &size, "png", keys, values, &local_error))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("DingDrop could not save the edited “%s”: %s"), name, local_error->message);
      return NULL;
    }

  if (out_width != NULL)
    *out_width = (guint) crop.width;
  if (out_height != NULL)
    *out_height = (guint) crop.height;
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

/**
 * dd_image_edit_apply:
 * @bytes: the image as the user gave it (any format the preparation reads)
 * @max_pixels: 0 for the default, or the pixel limit
 * @width: (out) (optional): the edited image's width
 * @height: (out) (optional): its height
 *
 * Applies @edit to the upright image: redactions that are empty or wholly
 * outside are left out, the others and the crop are clamped to the image.
 * A crop with nothing inside the image is %DD_ERROR_INVALID_EDIT.
 *
 * Returns: (transfer full): the edited image as PNG
 */
GBytes *
dd_image_edit_apply (GBytes            *bytes,
                     const DdImageEdit *edit,
                     guint64            max_pixels,
                     guint             *width,
                     guint             *height,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (edit != NULL, NULL);

  return apply_named (bytes, _("Image"), edit, max_pixels, width, height, cancellable, error);
}

/**
 * dd_image_edit_apply_file:
 *
 * dd_image_edit_apply() on a file, read through dd_image_read_file()'s
 * guards; the file is only read.
 */
GBytes *
dd_image_edit_apply_file (GFile             *file,
                          const DdImageEdit *edit,
                          guint64            max_pixels,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (edit != NULL, NULL);

  bytes = dd_image_read_file (file, dd_image_input_cap (0), &name, cancellable, error);
  if (bytes == NULL)
    return NULL;

  return apply_named (bytes, name, edit, max_pixels, NULL, NULL, cancellable, error);
}

typedef struct {
  GBytes      *bytes;
  DdImageEdit *edit;
  guint64      max_pixels;
} ApplyOp;

static void
apply_op_free (ApplyOp *op)
{
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_clear_pointer (&op->edit, dd_image_edit_free);
  g_free (op);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ApplyOp *op = task_data;
  GError *error = NULL;
  GBytes *result;

  result = dd_image_edit_apply (op->bytes, op->edit, op->max_pixels, NULL, NULL,
                                cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_bytes_unref);
}

/* dd_image_edit_apply() in a worker thread: decoding and encoding a large
 * image takes a while. */
void
dd_image_edit_apply_async (GBytes              *bytes,
                           const DdImageEdit   *edit,
                           guint64              max_pixels,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyOp *op;

  g_return_if_fail (bytes != NULL);
  g_return_if_fail (edit != NULL);

  op = g_new0 (ApplyOp, 1);
  op->bytes = g_bytes_ref (bytes);
  op->edit = dd_image_edit_copy (edit);
  op->max_pixels = max_pixels;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_image_edit_apply_async);
  g_task_set_task_data (task, op, (GDestroyNotify) apply_op_free);
  g_task_run_in_thread (task, apply_thread);
}

GBytes *
dd_image_edit_apply_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_image_edit_apply_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
