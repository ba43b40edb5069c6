/* dd-edit-canvas.c: the image being edited, and the rectangles drawn on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The image is shown scaled to fit.  A drag draws a rectangle in the
 * image's own pixels: with Redact it is a solid box at once, as it will
 * be in the image sent; with Crop it is the part to keep, the rest dimmed.
 * Only one crop counts, the last; undo takes back one rectangle at a
 * time, a crop giving back the one before it.  The preview may be smaller
 * than the image (a large photo): rectangles are kept in the image's
 * pixels, from the full width and height.
 *
 * From the keyboard: Insert or N places a rectangle, a quarter of the
 * image centred, or where the last one was; the arrow keys move it by
 * a step of a hundredth of the image's longer side (at least a pixel),
 * Alt with them resizes it from its bottom-right corner, Shift makes
 * the step ten times longer; Enter commits it as a drag would, Escape
 * drops it.  Enter and Escape with nothing being placed are the
 * editor's (Done, Cancel).  Plain arrows and Ctrl with them stay
 * GTK's, for moving the focus.
 */
#define G_LOG_DOMAIN "dd-edit-canvas"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "dd-edit-canvas.h"

#define MARGIN        12     /* around the image, in logical pixels */
#define MIN_DRAG      3      /* a shorter drag is a click, not a rectangle */
#define NATURAL_SIDE  720

typedef struct {
  gboolean    is_crop;
  /* for a crop, the one it replaced */
  gboolean    had_crop;
  DdImageRect previous_crop;
} Step;

struct _DdEditCanvas
{
  GtkWidget    parent_instance;

  GdkTexture  *preview;
  guint        width;        /* of the image, not the preview */
  guint        height;
  DdEditTool   tool;

  GArray      *redactions;   /* of DdImageRect, in image pixels */
  gboolean     has_crop;
  DdImageRect  crop;
  GArray      *steps;        /* of Step, for undo */

  GtkGesture  *drag;
  gboolean     dragging;
  double       start_x;      /* widget coordinates */
  double       start_y;
  double       end_x;
  double       end_y;

  gboolean     placing;      /* a rectangle placed from the keyboard */
  DdImageRect  placed;       /* in image pixels, always inside it */
};

G_DEFINE_FINAL_TYPE (DdEditCanvas, dd_edit_canvas, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Where the image is shown, in widget coordinates: scaled to fit inside
 * the margin, centred. */
gboolean
dd_edit_canvas_get_image_area (DdEditCanvas    *self,
                               graphene_rect_t *area)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)) - 2 * MARGIN;
  double h = gtk_widget_get_height (GTK_WIDGET (self)) - 2 * MARGIN;
  double scale;

  g_return_val_if_fail (DD_IS_EDIT_CANVAS (self), FALSE);

  if (self->width == 0 || self->height == 0 || w <= 0 || h <= 0)
    return FALSE;

  scale = MIN (w / self->width, h / self->height);
  graphene_rect_init (area,
                      MARGIN + (w - self->width * scale) / 2,
                      MARGIN + (h - self->height * scale) / 2,
                      self->width * scale, self->height * scale);
  return TRUE;
}

/* The image pixels between two points of the widget: every pixel the drag
 * touched, clamped to the image. */
static gboolean
rect_from_points (DdEditCanvas *self,
                  double        x0,
                  double        y0,
                  double        x1,
                  double        y1,
                  DdImageRect  *rect)
{
  graphene_rect_t area;
  double scale;
  DdImageRect raw;
  int ix0, iy0, ix1, iy1;

  if (!dd_edit_canvas_get_image_area (self, &area))
    return FALSE;

  scale = area.size.width / self->width;
  ix0 = (int) floor ((MIN (x0, x1) - area.origin.x) / scale);
  iy0 = (int) floor ((MIN (y0, y1) - area.origin.y) / scale);
  ix1 = (int) ceil ((MAX (x0, x1) - area.origin.x) / scale);
  iy1 = (int) ceil ((MAX (y0, y1) - area.origin.y) / scale);
  raw = (DdImageRect) { ix0, iy0, ix1 - ix0, iy1 - iy0 };

  return dd_image_rect_clamp (&raw, self->width, self->height, rect);
}

static graphene_rect_t
widget_rect (const graphene_rect_t *area,
             double                 scale,
             const DdImageRect     *rect)
{
  return GRAPHENE_RECT_INIT (area->origin.x + rect->x * scale,
                             area->origin.y + rect->y * scale,
                             rect->width * scale, rect->height * scale);
}

static void
dim_outside (GtkSnapshot           *snapshot,
             const graphene_rect_t *area,
             const graphene_rect_t *keep)
{
  static const GdkRGBA dim = { 0, 0, 0, 0.6f };
  static const GdkRGBA white = { 1, 1, 1, 0.9f };
  const float widths[4] = { 1, 1, 1, 1 };
  const GdkRGBA colours[4] = { white, white, white, white };
  float ax0 = area->origin.x, ay0 = area->origin.y;
  float ax1 = ax0 + area->size.width, ay1 = ay0 + area->size.height;
  float kx0 = keep->origin.x, ky0 = keep->origin.y;
  float kx1 = kx0 + keep->size.width, ky1 = ky0 + keep->size.height;
  GskRoundedRect border;

  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (ax0, ay0, ax1 - ax0, ky0 - ay0));
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (ax0, ky1, ax1 - ax0, ay1 - ky1));
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (ax0, ky0, kx0 - ax0, ky1 - ky0));
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (kx1, ky0, ax1 - kx1, ky1 - ky0));

  gsk_rounded_rect_init_from_rect (&border, keep, 0);
  gtk_snapshot_append_border (snapshot, &border, widths, colours);
}

/* The rectangle being placed from the keyboard: outlined in the accent
 * colour, so that a black box on a dark image still shows where it is. */
static void
outline_placed (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect)
{
  static const GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1 };   /* Adwaita's blue 3 */
  const float widths[4] = { 2, 2, 2, 2 };
  const GdkRGBA colours[4] = { accent, accent, accent, accent };
  GskRoundedRect border;
  graphene_rect_t outer;

  graphene_rect_inset_r (rect, -2, -2, &outer);
  gsk_rounded_rect_init_from_rect (&border, &outer, 0);
  gtk_snapshot_append_border (snapshot, &border, widths, colours);
}

static void
dd_edit_canvas_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DdEditCanvas *self = DD_EDIT_CANVAS (widget);
  static const GdkRGBA black = { 0, 0, 0, 1 };
  graphene_rect_t area;
  DdImageRect drawn;
  gboolean has_drawn = FALSE;
  double scale;

  if (self->preview == NULL || !dd_edit_canvas_get_image_area (self, &area))
    return;

  scale = area.size.width / self->width;
  gtk_snapshot_append_texture (snapshot, self->preview, &area);

  for (guint i = 0; i < self->redactions->len; i++)
    {
      graphene_rect_t r = widget_rect (&area, scale, &g_array_index (self->redactions, DdImageRect, i));

      gtk_snapshot_append_color (snapshot, &black, &r);
    }

  if (self->dragging)
    has_drawn = rect_from_points (self, self->start_x, self->start_y,
                                  self->end_x, self->end_y, &drawn);
  else if (self->placing)
    {
      drawn = self->placed;
      has_drawn = TRUE;
    }

  if (has_drawn && self->tool == DD_EDIT_TOOL_REDACT)
    {
      graphene_rect_t r = widget_rect (&area, scale, &drawn);

      gtk_snapshot_append_color (snapshot, &black, &r);
    }

  if (has_drawn && self->tool == DD_EDIT_TOOL_CROP)
    {
      graphene_rect_t r = widget_rect (&area, scale, &drawn);

      dim_outside (snapshot, &area, &r);
    }
  else if (self->has_crop)
    {
      graphene_rect_t r = widget_rect (&area, scale, &self->crop);

      dim_outside (snapshot, &area, &r);
    }

  if (has_drawn && self->placing)
    {
      graphene_rect_t r = widget_rect (&area, scale, &drawn);

      outline_placed (snapshot, &r);
    }
}

static void
dd_edit_canvas_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  DdEditCanvas *self = DD_EDIT_CANVAS (widget);
  double scale = 1;

  if (self->width > 0 && self->height > 0)
    scale = MIN (1.0, (double) NATURAL_SIDE / MAX (self->width, self->height));

  *minimum = 120;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, (int) (self->width * scale) + 2 * MARGIN);
  else
    *natural = MAX (*minimum, (int) (self->height * scale) + 2 * MARGIN);
}

/* A drag may start beside the image (to reach its very edge): what it
 * covers is clamped to the image. */
static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DdEditCanvas   *self)
{
  if (self->preview == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->placing = FALSE;
  self->dragging = TRUE;
  self->start_x = self->end_x = x;
  self->start_y = self->end_y = y;
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DdEditCanvas   *self)
{
  if (!self->dragging)
    return;
  self->end_x = self->start_x + dx;
  self->end_y = self->start_y + dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A rectangle drawn or placed becomes a redaction or the crop, by the
 * tool, and a step to undo. */
static void
commit (DdEditCanvas      *self,
        const DdImageRect *rect)
{
  Step step = { FALSE, };

  if (self->tool == DD_EDIT_TOOL_CROP)
    {
      step.is_crop = TRUE;
      step.had_crop = self->has_crop;
      step.previous_crop = self->crop;
      self->has_crop = TRUE;
      self->crop = *rect;
    }
  else
    g_array_append_val (self->redactions, *rect);

  g_array_append_val (self->steps, step);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DdEditCanvas   *self)
{
  DdImageRect rect;

  if (!self->dragging)
    return;
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (fabs (dx) < MIN_DRAG && fabs (dy) < MIN_DRAG)
    return;
  if (!rect_from_points (self, self->start_x, self->start_y,
                         self->start_x + dx, self->start_y + dy, &rect))
    return;

  commit (self, &rect);
}

static void
drag_cancel_cb (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                DdEditCanvas     *self)
{
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- from the keyboard ------------------------------------------------ */

static int
step_for (DdEditCanvas    *self,
          GdkModifierType  state)
{
  int step = MAX (1, (int) MAX (self->width, self->height) / 100);

  return (state & GDK_SHIFT_MASK) ? 10 * step : step;
}

/* where the last rectangle was, or a quarter of the image in its centre */
static void
start_placing (DdEditCanvas *self)
{
  const Step *last = self->steps->len > 0 ? &g_array_index (self->steps, Step, self->steps->len - 1) : NULL;

  if (last != NULL && last->is_crop)
    self->placed = self->crop;
  else if (last != NULL)
    self->placed = g_array_index (self->redactions, DdImageRect, self->redactions->len - 1);
  else
    self->placed = (DdImageRect) { self->width * 3 / 8, self->height * 3 / 8,
                                   MAX (1, self->width / 4), MAX (1, self->height / 4) };
  self->placing = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* the arrow key's direction; FALSE for any other key */
static gboolean
arrow (guint  keyval,
       int   *dx,
       int   *dy)
{
  *dx = *dy = 0;
  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left: *dx = -1; return TRUE;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: *dx = 1; return TRUE;
    case GDK_KEY_Up: case GDK_KEY_KP_Up: *dy = -1; return TRUE;
    case GDK_KEY_Down: case GDK_KEY_KP_Down: *dy = 1; return TRUE;
    default: return FALSE;
    }
}

/* Moved, the rectangle stays whole inside the image; resized, it keeps
 * at least a pixel and does not grow past the image's edge. */
static void
move_placed (DdEditCanvas *self,
             int           dx,
             int           dy,
             gboolean      resize)
{
  DdImageRect *r = &self->placed;

  if (resize)
    {
      r->width = CLAMP ((int) r->width + dx, 1, (int) self->width - r->x);
      r->height = CLAMP ((int) r->height + dy, 1, (int) self->height - r->y);
    }
  else
    {
      r->x = CLAMP (r->x + dx, 0, (int) self->width - (int) r->width);
      r->y = CLAMP (r->y + dy, 0, (int) self->height - (int) r->height);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Escape during a drag drops that rectangle, not the whole edit; so
 * does it for a rectangle being placed. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DdEditCanvas          *self)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  int dx, dy;

  if (keyval == GDK_KEY_Escape && self->dragging)
    {
      /* first: the reset ends the drag, which must not draw it */
      self->dragging = FALSE;
      gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag));
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;
    }
  if (self->dragging || self->preview == NULL)
    return FALSE;

  if ((keyval == GDK_KEY_Insert || keyval == GDK_KEY_KP_Insert ||
       keyval == GDK_KEY_n || keyval == GDK_KEY_N) && (mods & ~GDK_SHIFT_MASK) == 0)
    {
      if (!self->placing)
        start_placing (self);
      return TRUE;
    }
  if (!self->placing)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Escape:
      self->placing = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;

    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_ISO_Enter:
      self->placing = FALSE;
      commit (self, &self->placed);
      return TRUE;

    default:
      break;
    }

  /* Alt+arrows resize; Ctrl+arrows are left to GTK */
  if (arrow (keyval, &dx, &dy) && (mods & GDK_CONTROL_MASK) == 0)
    {
      int step = step_for (self, mods);

      move_placed (self, dx * step, dy * step, (mods & GDK_ALT_MASK) != 0);
      return TRUE;
    }
  return FALSE;
}

static void
dd_edit_canvas_dispose (GObject *object)
{
  DdEditCanvas *self = DD_EDIT_CANVAS (object);

  g_clear_object (&self->preview);

  G_OBJECT_CLASS (dd_edit_canvas_parent_class)->dispose (object);
}

static void
dd_edit_canvas_finalize (GObject *object)
{
  DdEditCanvas *self = DD_EDIT_CANVAS (object);

  g_array_unref (self->redactions);
  g_array_unref (self->steps);

  G_OBJECT_CLASS (dd_edit_canvas_parent_class)->finalize (object);
}

static void
dd_edit_canvas_class_init (DdEditCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_edit_canvas_dispose;
  object_class->finalize = dd_edit_canvas_finalize;
  widget_class->snapshot = dd_edit_canvas_snapshot;
  widget_class->measure = dd_edit_canvas_measure;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "dd-edit-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dd_edit_canvas_init (DdEditCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->redactions = g_array_new (FALSE, FALSE, sizeof (DdImageRect));
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  self->drag = drag;   /* the widget owns it */
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("The image being edited"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Drag a rectangle with the mouse, or press Insert or N to place one; "
                                    "arrow keys move it, Alt with arrow keys resizes it, Shift makes the step larger; "
                                    "Enter applies it and Escape drops it."),
                                  -1);
}

GtkWidget *
dd_edit_canvas_new (void)
{
  return g_object_new (DD_TYPE_EDIT_CANVAS, NULL);
}

/**
 * dd_edit_canvas_set_image:
 * @preview: the upright image, perhaps scaled down
 * @width: the upright image's own width, in which rectangles are kept
 * @height: its height
 */
void
dd_edit_canvas_set_image (DdEditCanvas *self,
                          GdkTexture   *preview,
                          guint         width,
                          guint         height)
{
  g_return_if_fail (DD_IS_EDIT_CANVAS (self));
  g_return_if_fail (GDK_IS_TEXTURE (preview));

  g_set_object (&self->preview, preview);
  self->width = width;
  self->height = height;
  dd_edit_canvas_reset (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
dd_edit_canvas_set_tool (DdEditCanvas *self,
                         DdEditTool    tool)
{
  g_return_if_fail (DD_IS_EDIT_CANVAS (self));
  self->tool = tool;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

DdEditTool
dd_edit_canvas_get_tool (DdEditCanvas *self)
{
  g_return_val_if_fail (DD_IS_EDIT_CANVAS (self), DD_EDIT_TOOL_REDACT);
  return self->tool;
}

gboolean
dd_edit_canvas_can_undo (DdEditCanvas *self)
{
  g_return_val_if_fail (DD_IS_EDIT_CANVAS (self), FALSE);
  return self->steps->len > 0;
}

void
dd_edit_canvas_undo (DdEditCanvas *self)
{
  Step step;

  g_return_if_fail (DD_IS_EDIT_CANVAS (self));

  if (self->steps->len == 0)
    return;

  step = g_array_index (self->steps, Step, self->steps->len - 1);
  g_array_set_size (self->steps, self->steps->len - 1);
  if (step.is_crop)
    {
      self->has_crop = step.had_crop;
      self->crop = step.previous_crop;
    }
  else
    g_array_set_size (self->redactions, self->redactions->len - 1);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
dd_edit_canvas_reset (DdEditCanvas *self)
{
  g_return_if_fail (DD_IS_EDIT_CANVAS (self));

  g_array_set_size (self->redactions, 0);
  g_array_set_size (self->steps, 0);
  self->has_crop = FALSE;
  self->placing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Returns: (transfer full): what was drawn, in the image's pixels */
DdImageEdit *
dd_edit_canvas_get_edit (DdEditCanvas *self)
{
  DdImageEdit *edit;

  g_return_val_if_fail (DD_IS_EDIT_CANVAS (self), NULL);

  edit = dd_image_edit_new ();
  if (self->has_crop)
    dd_image_edit_set_crop (edit, &self->crop);
  for (guint i = 0; i < self->redactions->len; i++)
    dd_image_edit_add_redaction (edit, &g_array_index (self->redactions, DdImageRect, i));
  return edit;
}
