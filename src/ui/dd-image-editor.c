/* dd-image-editor.c: crop and redact a queued image before it is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened on a queued image that is not yet handed to the outbox.  The
 * image is read once, as the outbox would read it (dd_image_read_file()'s
 * guards and the pixel limit), and shown upright; Done applies what was
 * drawn to those same bytes in a worker thread and gives the item the
 * edited PNG.  The file on disk is never written.  Opened again, the
 * editor starts from the edited image: a box once applied stays, so a
 * redaction cannot come undone by accident after Done.
 */
#define G_LOG_DOMAIN "dd-image-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-edit-canvas.h"
#include "dd-image.h"
#include "dd-image-edit.h"
#include "dd-image-editor.h"

/* the longest side of the image shown: enough for a large window on a
 * HiDPI screen, without keeping a 100-megapixel photo as a texture */
#define PREVIEW_SIDE 2560

struct _DdImageEditor
{
  AdwWindow        parent_instance;

  DdQueueItem     *item;
  GBytes          *bytes;        /* the image the edit applies to, once read */
  GCancellable    *cancellable;
  gboolean         applying;

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkWidget       *cancel_button;
  GtkWidget       *done_button;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  DdEditCanvas    *canvas;
  GtkToggleButton *redact_button;
  GtkToggleButton *crop_button;
  GtkLabel        *hint_label;
  GtkWidget       *tool_bar;
};

G_DEFINE_FINAL_TYPE (DdImageEditor, dd_image_editor, ADW_TYPE_WINDOW)

static void
update_actions (DdImageEditor *self)
{
  gboolean ready = dd_image_editor_is_ready (self);
  gboolean can_undo = ready && dd_edit_canvas_can_undo (self->canvas);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo", can_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reset", can_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.done", ready);
  gtk_widget_set_sensitive (self->tool_bar, ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), ready);
}

static void
canvas_changed_cb (DdImageEditor *self)
{
  update_actions (self);
}

static void
tool_toggled_cb (DdImageEditor *self)
{
  if (gtk_toggle_button_get_active (self->crop_button))
    {
      dd_edit_canvas_set_tool (self->canvas, DD_EDIT_TOOL_CROP);
      gtk_label_set_text (self->hint_label, _("Drag over the part of the image to keep, or press N and the arrow keys"));
    }
  else
    {
      dd_edit_canvas_set_tool (self->canvas, DD_EDIT_TOOL_REDACT);
      gtk_label_set_text (self->hint_label, _("Drag over what must not be seen, or press N and the arrow keys"));
    }

  /* a tool chosen from the keyboard (Alt+O, or Tab and Space) is for the
   * canvas: its keys work at once */
  if (self->bytes != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* ---- reading the image ------------------------------------------------ */

typedef struct {
  GFile      *file;
  GBytes     *bytes;
  /* results */
  GdkTexture *preview;
  guint       width;
  guint       height;
} LoadOp;

static void
load_op_free (LoadOp *op)
{
  g_clear_object (&op->file);
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_clear_object (&op->preview);
  g_free (op);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadOp *op = task_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  if (op->bytes == NULL)
    {
      g_autofree char *name = NULL;

      op->bytes = dd_image_read_file (op->file, dd_image_input_cap (0), &name, cancellable, &error);
      if (op->bytes == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  pixbuf = dd_image_thumbnail_bytes (op->bytes, PREVIEW_SIDE, 0, &op->width, &op->height,
                                     cancellable, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  op->preview = gdk_texture_new_for_pixbuf (pixbuf);
  g_task_return_boolean (task, TRUE);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (source);
  LoadOp *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }

  self->bytes = g_bytes_ref (op->bytes);
  dd_edit_canvas_set_image (self->canvas, op->preview, op->width, op->height);
  gtk_stack_set_visible_child_name (self->stack, "canvas");
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  update_actions (self);
}

static void
load (DdImageEditor *self)
{
  g_autoptr(GTask) task = NULL;
  LoadOp *op = g_new0 (LoadOp, 1);
  GBytes *bytes = dd_queue_item_get_bytes (self->item);
  GFile *file = dd_queue_item_get_file (self->item);

  /* as the outbox chooses: the file if there is one */
  if (file != NULL)
    op->file = g_object_ref (file);
  else
    op->bytes = g_bytes_ref (bytes);

  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, op, (GDestroyNotify) load_op_free);
  g_task_run_in_thread (task, load_thread);
}

/* ---- the actions ------------------------------------------------------ */

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DdImageEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) edited = dd_image_edit_apply_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->applying = FALSE;
  if (edited == NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      update_actions (self);
      return;
    }

  if (dd_queue_item_is_editable (self->item))
    dd_queue_item_set_edited_bytes (self->item, edited);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (widget);
  g_autoptr(DdImageEdit) edit = NULL;

  if (!dd_image_editor_is_ready (self))
    return;

  edit = dd_edit_canvas_get_edit (self->canvas);
  if (dd_image_edit_is_empty (edit))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  self->applying = TRUE;
  update_actions (self);
  dd_image_edit_apply_async (self->bytes, edit, 0, self->cancellable,
                             applied_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (widget);

  if (dd_image_editor_is_ready (self))
    dd_edit_canvas_undo (self->canvas);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (widget);

  if (dd_image_editor_is_ready (self))
    dd_edit_canvas_reset (self->canvas);
}

/* ---- the object ------------------------------------------------------- */

static void
dd_image_editor_dispose (GObject *object)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_IMAGE_EDITOR);

  G_OBJECT_CLASS (dd_image_editor_parent_class)->dispose (object);
}

static void
dd_image_editor_finalize (GObject *object)
{
  DdImageEditor *self = DD_IMAGE_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->item);
  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (dd_image_editor_parent_class)->finalize (object);
}

static void
dd_image_editor_class_init (DdImageEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_image_editor_dispose;
  object_class->finalize = dd_image_editor_finalize;

  g_type_ensure (DD_TYPE_EDIT_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-image-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, done_button);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, error_page);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, canvas);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, redact_button);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, crop_button);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, hint_label);
  gtk_widget_class_bind_template_child (widget_class, DdImageEditor, tool_bar);
  gtk_widget_class_bind_template_callback (widget_class, canvas_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tool_toggled_cb);

  gtk_widget_class_install_action (widget_class, "editor.done", NULL, done_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.reset", NULL, reset_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  /* the canvas takes Escape and Enter first while a rectangle is placed
   * from the keyboard; otherwise Escape cancels and Enter is Done, the
   * default widget */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
}

static void
dd_image_editor_init (DdImageEditor *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  tool_toggled_cb (self);
}

/**
 * dd_image_editor_new:
 * @parent: the window it is modal for
 * @item: an image that dd_queue_item_is_editable()
 */
GtkWidget *
dd_image_editor_new (GtkWindow   *parent,
                     DdQueueItem *item)
{
  DdImageEditor *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (item), NULL);
  g_return_val_if_fail (dd_queue_item_is_editable (item), NULL);

  self = g_object_new (DD_TYPE_IMAGE_EDITOR,
                       "transient-for", parent,
                       "application", gtk_window_get_application (parent),
                       NULL);
  self->item = g_object_ref (item);
  adw_window_title_set_subtitle (self->window_title, dd_queue_item_get_display_name (item));
  update_actions (self);
  load (self);
  return GTK_WIDGET (self);
}

DdQueueItem *
dd_image_editor_get_item (DdImageEditor *self)
{
  g_return_val_if_fail (DD_IS_IMAGE_EDITOR (self), NULL);
  return self->item;
}

/* The image is shown and nothing is being applied: it can be edited. */
gboolean
dd_image_editor_is_ready (DdImageEditor *self)
{
  g_return_val_if_fail (DD_IS_IMAGE_EDITOR (self), FALSE);
  return self->bytes != NULL && !self->applying;
}
