/* dd-window-list.c: the queue's list: one Tab stop, with the arrows
 * inside it; the focus kept on a row when the focused one goes; and, in
 * a big batch, the rows sent folded into one row ("120 images sent",
 * Show) above the list, so that what failed and what is still to go
 * stay in view.  The rows' own actions (Delete, Ctrl+R, their menu) are
 * the rows' (dd-queue-row.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-queue-row.h"
#include "dd-window-private.h"

/* fewer rows sent than this are not worth a row of their own */
#define MIN_FOLDED 2

static gboolean
focus_within (GtkWidget *widget,
              GtkWidget *focus)
{
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static gboolean
row_is_sent (GtkListBoxRow *row)
{
  DdJob *job = dd_queue_item_get_job (dd_queue_row_get_item (DD_QUEUE_ROW (row)));

  return job != NULL && dd_job_get_state (job) == DD_JOB_SENT;
}

/* Folds the rows sent into the summary row, or shows them, as chosen. */
void
dd_window_list_update (DdWindow            *self,
                       const DdQueueCounts *counts)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  gboolean fold = n > DD_WINDOW_COMPACT_ROWS && counts->sent >= MIN_FOLDED;
  gboolean hide = fold && !self->show_sent;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean lost_focus = FALSE;
  guint n_shown = 0;
  GtkListBoxRow *row;

  /* the next big batch starts folded again */
  if (!fold)
    self->show_sent = FALSE;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->queue_list, i)) != NULL; i++)
    {
      gboolean visible = !(hide && row_is_sent (row));

      n_shown += visible;
      if (gtk_widget_get_visible (GTK_WIDGET (row)) == visible)
        continue;
      lost_focus |= !visible && focus_within (GTK_WIDGET (row), focus);
      gtk_widget_set_visible (GTK_WIDGET (row), visible);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->sent_list), fold);
  /* every row folded: no empty card below the summary */
  gtk_widget_set_visible (GTK_WIDGET (self->queue_list), n_shown > 0);
  if (fold)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u image sent", "%u images sent", counts->sent),
                                                counts->sent);

      gtk_label_set_text (self->sent_title, title);
      /* Translators: on the row standing for the images sent, to show them or not */
      gtk_label_set_text (self->sent_toggle, self->show_sent ? C_("sent images", "Hide") : C_("sent images", "Show"));
      gtk_image_set_from_icon_name (self->sent_arrow, self->show_sent ? "pan-down-symbolic" : "pan-end-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->sent_row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->sent_row),
                                   GTK_ACCESSIBLE_STATE_EXPANDED, self->show_sent, -1);
    }

  /* the row with the focus went into the summary: so does the focus */
  if (lost_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->sent_row));
}

static void
sent_row_activated_cb (DdWindow *self)
{
  self->show_sent = !self->show_sent;
  dd_window_update_state (self);
}

/* ---- the focus when rows go -------------------------------------------- */

/* Before the list box takes the rows away: is the focus on one of them? */
static void
queue_changing_cb (GListModel *queue,
                   guint       position,
                   guint       removed,
                   guint       added,
                   DdWindow   *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  self->refocus_index = -1;
  for (guint i = position; i < position + removed; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->queue_list, (int) i);

      if (row != NULL && focus_within (GTK_WIDGET (row), focus))
        self->refocus_index = (int) position;
    }
}

/* After: the row now in its place, or the one before, has the focus, so
 * that Delete can be pressed again. */
static void
queue_changed_cb (GListModel *queue,
                  guint       position,
                  guint       removed,
                  guint       added,
                  DdWindow   *self)
{
  int index = self->refocus_index;
  GtkListBoxRow *row = NULL;

  self->refocus_index = -1;
  if (index < 0)
    return;

  /* the window's own handler has shown or hidden the rows by now */
  for (int i = index; i < (int) g_list_model_get_n_items (queue) && row == NULL; i++)
    {
      row = gtk_list_box_get_row_at_index (self->queue_list, i);
      if (row != NULL && !gtk_widget_get_visible (GTK_WIDGET (row)))
        row = NULL;
    }
  for (int i = index - 1; i >= 0 && row == NULL; i--)
    {
      row = gtk_list_box_get_row_at_index (self->queue_list, i);
      if (row != NULL && !gtk_widget_get_visible (GTK_WIDGET (row)))
        row = NULL;
    }

  if (row != NULL)
    {
      gtk_list_box_select_row (self->queue_list, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  else if (gtk_widget_get_visible (GTK_WIDGET (self->sent_list)))
    gtk_widget_grab_focus (GTK_WIDGET (self->sent_row));
}

/* ---- one Tab stop -------------------------------------------------------- */

/* Up from the list's first row: the summary row, when there is one. */
static gboolean
queue_keynav_failed_cb (DdWindow         *self,
                        GtkDirectionType  direction)
{
  if (direction != GTK_DIR_UP || !gtk_widget_get_visible (GTK_WIDGET (self->sent_list)))
    return FALSE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->sent_row));
}

/* Down from the summary row: the list, at its selected or first row. */
static gboolean
sent_keynav_failed_cb (DdWindow         *self,
                       GtkDirectionType  direction)
{
  if (direction != GTK_DIR_DOWN)
    return FALSE;
  return gtk_widget_child_focus (GTK_WIDGET (self->queue_list), GTK_DIR_TAB_FORWARD);
}

/* Arrows move between the rows (and to the summary row and back), Tab leaves
 * the list for the caption or the bar's button, Shift+Tab goes back
 * above it. */
static gboolean
queue_key_cb (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              DdWindow              *self)
{
  GtkWidget *target;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  if (keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK))
    target = gtk_widget_get_visible (GTK_WIDGET (self->sent_list)) ? GTK_WIDGET (self->sent_row)
                                                                   : self->remove_all_button;
  else if (gtk_widget_get_visible (self->compose_box))
    target = GTK_WIDGET (self->caption_view);
  else if (gtk_widget_get_visible (self->progress_box))
    target = self->stop_button;
  else
    target = self->send_more_button;

  return gtk_widget_grab_focus (target);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return dd_window_create_row (user_data, item);
}

void
dd_window_list_init (DdWindow *self)
{
  GtkEventController *keys;

  self->refocus_index = -1;
  /* before the list box's own handler, and after it */
  g_signal_connect_object (self->queue, "items-changed", G_CALLBACK (queue_changing_cb), self, 0);
  gtk_list_box_bind_model (self->queue_list, G_LIST_MODEL (self->queue), create_row, self, NULL);
  g_signal_connect_object (self->queue, "items-changed", G_CALLBACK (queue_changed_cb), self, G_CONNECT_AFTER);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (queue_key_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->queue_list), keys);
  g_signal_connect_object (self->queue_list, "keynav-failed", G_CALLBACK (queue_keynav_failed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sent_list, "keynav-failed", G_CALLBACK (sent_keynav_failed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
dd_window_list_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, DdWindow, sent_list);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, sent_row);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, sent_title);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, sent_toggle);
  gtk_widget_class_bind_template_child (widget_class, DdWindow, sent_arrow);
  gtk_widget_class_bind_template_callback (widget_class, sent_row_activated_cb);
}
