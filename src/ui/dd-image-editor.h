/* dd-image-editor.h: crop and redact a queued image before it is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-queue-item.h"

G_BEGIN_DECLS

#define DD_TYPE_IMAGE_EDITOR (dd_image_editor_get_type ())

G_DECLARE_FINAL_TYPE (DdImageEditor, dd_image_editor, DD, IMAGE_EDITOR, AdwWindow)

GtkWidget   *dd_image_editor_new      (GtkWindow     *parent,
                                       DdQueueItem   *item);
DdQueueItem *dd_image_editor_get_item (DdImageEditor *self);
gboolean     dd_image_editor_is_ready (DdImageEditor *self);

G_END_DECLS
