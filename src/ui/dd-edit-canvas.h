/* dd-edit-canvas.h: the image being edited, and the rectangles drawn on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-image-edit.h"

G_BEGIN_DECLS

typedef enum {
  DD_EDIT_TOOL_REDACT,
  DD_EDIT_TOOL_CROP,
} DdEditTool;

#define DD_TYPE_EDIT_CANVAS (dd_edit_canvas_get_type ())

G_DECLARE_FINAL_TYPE (DdEditCanvas, dd_edit_canvas, DD, EDIT_CANVAS, GtkWidget)

/* Signal "changed": a rectangle was drawn, undone or all were reset. */

GtkWidget   *dd_edit_canvas_new            (void);
void         dd_edit_canvas_set_image      (DdEditCanvas    *self,
                                            GdkTexture      *preview,
                                            guint            width,
                                            guint            height);
void         dd_edit_canvas_set_tool       (DdEditCanvas    *self,
                                            DdEditTool       tool);
DdEditTool   dd_edit_canvas_get_tool       (DdEditCanvas    *self);
gboolean     dd_edit_canvas_can_undo       (DdEditCanvas    *self);
void         dd_edit_canvas_undo           (DdEditCanvas    *self);
void         dd_edit_canvas_reset          (DdEditCanvas    *self);
DdImageEdit *dd_edit_canvas_get_edit       (DdEditCanvas    *self);
gboolean     dd_edit_canvas_get_image_area (DdEditCanvas    *self,
                                            graphene_rect_t *area);

G_END_DECLS
