/* dd-queue-row.c: a row of the queue, and its actions: Retry, Open and
 * Remove, as buttons, keys on the focused row (Ctrl+R, Delete) and a menu
 * (Shift+F10, the Menu key, a right click, a long press); activating a
 * row is left for opening it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-queue-row"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-profile-store.h"
#include "dd-queue-row.h"

struct _DdQueueRow
{
  GtkListBoxRow   parent_instance;

  DdQueueItem    *item;
  GPtrArray      *jobs;      /* DdJob: those whose signals we follow */
  DdProfileStore *profiles;  /* (nullable): the robots' names */
  char           *status;
  char           *robot_lines;  /* the lines per robot, for tests */
  char           *own_robot;   /* shown when not the chosen one */
  char           *chosen_robot;

  GtkWidget      *row_box;
  GtkWidget      *thumbnail_box;
  GtkImage       *placeholder;
  GtkImage       *picture;
  GtkLabel       *name_label;
  GtkLabel       *robot_label;
  GtkBox         *robots_box;
  GtkLabel       *detail_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *error_label;
  GtkSpinner     *spinner;
  GtkImage       *sent_icon;
  GtkButton      *retry_button;
  GtkButton      *edit_button;
  GtkButton      *remove_button;
  GMenuModel     *row_menu;
  GtkWidget      *menu;        /* the popover, made when first shown */
};

G_DEFINE_FINAL_TYPE (DdQueueRow, dd_queue_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  SIGNAL_REMOVE,
  SIGNAL_RETRY,
  SIGNAL_EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void dd_queue_row_update (DdQueueRow *self);

/**
 * dd_format_countdown:
 *
 * Returns: "0:42", "10:00" — minutes and seconds
 */
char *
dd_format_countdown (gint64 seconds)
{
  seconds = MAX (0, seconds);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

static char *
describe_size (DdQueueItem *item)
{
  g_autofree char *size = NULL;
  guint64 n = dd_queue_item_get_size (item);
  guint w = dd_queue_item_get_width (item);
  guint h = dd_queue_item_get_height (item);
  DdJob *job = dd_queue_item_get_job (item);

  if (job != NULL && dd_job_get_bytes_total (job) > 0)
    {
      n = dd_job_get_bytes_total (job);
      w = dd_job_get_width (job);
      h = dd_job_get_height (job);
    }

  if (n == 0)
    return NULL;

  size = g_format_size (n);
  if (w > 0 && h > 0)
    /* Translators: file size and image dimensions, e.g. "1.2 MB · 1920 × 1080" */
    return g_strdup_printf (_("%s · %u × %u"), size, w, h);

  return g_steal_pointer (&size);
}

/* What one robot's message of the image is doing, and how to show it. */
static const char *
describe_job (DdJob    *job,
              gboolean *busy,
              gboolean *sent,
              gboolean *failed,
              double   *fraction)
{
  switch (dd_job_get_state (job))
    {
    case DD_JOB_WAITING:
      return _("Waiting");
    case DD_JOB_PREPARING:
      *busy = TRUE;
      return _("Preparing…");
    case DD_JOB_UPLOADING:
      *busy = TRUE;
      if (dd_job_get_bytes_total (job) > 0)
        *fraction = (double) dd_job_get_bytes_sent (job) / dd_job_get_bytes_total (job);
      else
        *fraction = 0;
      return _("Uploading…");
    case DD_JOB_SENDING:
      *busy = TRUE;
      return _("Sending…");
    case DD_JOB_SENT:
      *sent = TRUE;
      return _("Sent");
    case DD_JOB_FAILED:
      *failed = TRUE;
      return _("Not sent");
    case DD_JOB_PAUSED:
      /* the robot's pause, and until when, is told once, for the
       * robot (the window's summary), not on every row */
      return _("Paused by DingTalk");
    default:
      g_assert_not_reached ();
    }
}

static const char *
robot_name (DdQueueRow *self,
            DdJob      *job)
{
  DdProfile *profile = self->profiles ? dd_profile_store_lookup (self->profiles, dd_job_get_profile_id (job)) : NULL;

  return profile ? dd_profile_get_name (profile) : _("a removed robot");
}

/* Where the job's robot is in the robots' list (the chooser's order). */
static guint
robot_position (DdQueueRow *self,
                DdJob      *job)
{
  guint n = self->profiles ? g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_strcmp0 (dd_profile_get_id (profile), dd_job_get_profile_id (job)) == 0)
        return i;
    }
  return G_MAXUINT;
}

static int
compare_robots (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  guint pa = robot_position (user_data, *(DdJob **) a);
  guint pb = robot_position (user_data, *(DdJob **) b);

  return pa < pb ? -1 : pa > pb;
}

/* An image on its way to several robots: a line for each ("Team B:
 * Uploading…"), in the robots' order, above the row's summary ("Sent to
 * 1 of 2"). */
static void
update_several (DdQueueRow *self,
                GPtrArray  *given)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_sized_new (given->len);   /* (transfer none) */
  g_autofree char *sizes = describe_size (self->item);
  g_autofree char *summary = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GString) failed_names = g_string_new (NULL);
  gboolean any_busy = FALSE;
  guint n_sent = 0, n_failed = 0, n_uploading = 0;
  double fractions = 0;
  GtkWidget *line = gtk_widget_get_first_child (GTK_WIDGET (self->robots_box));

  for (guint i = 0; i < given->len; i++)
    g_ptr_array_add (jobs, g_ptr_array_index (given, i));
  g_ptr_array_sort_with_data (jobs, compare_robots, self);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);
      gboolean busy = FALSE, sent = FALSE, failed = FALSE;
      double fraction = -1;
      const char *state = describe_job (job, &busy, &sent, &failed, &fraction);
      g_autofree char *text = NULL;

      if (failed && dd_job_get_error_message (job) != NULL)
        /* Translators: a robot's line on a row: "Team B: Not sent · The robot's signing secret does not match." */
        text = g_strdup_printf (_("%s: %s · %s"), robot_name (self, job), state, dd_job_get_error_message (job));
      else
        /* Translators: a robot's line on a row: "Team B: Uploading…" */
        text = g_strdup_printf (_("%s: %s"), robot_name (self, job), state);

      if (line == NULL)
        {
          line = gtk_label_new (NULL);
          gtk_label_set_xalign (GTK_LABEL (line), 0);
          gtk_label_set_wrap (GTK_LABEL (line), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (line), PANGO_WRAP_WORD_CHAR);
          gtk_widget_add_css_class (line, "caption");
          gtk_box_append (self->robots_box, line);
        }
      gtk_label_set_text (GTK_LABEL (line), text);
      if (failed)
        gtk_widget_add_css_class (line, "error");
      else
        gtk_widget_remove_css_class (line, "error");
      if (sent)
        gtk_widget_add_css_class (line, "dim-label");
      else
        gtk_widget_remove_css_class (line, "dim-label");
      line = gtk_widget_get_next_sibling (line);

      if (lines->len > 0)
        g_string_append_c (lines, '\n');
      g_string_append (lines, text);
      any_busy |= busy;
      n_sent += sent;
      if (failed)
        {
          if (n_failed++ > 0)
            /* Translators: between the robots' names in "Retry for Team A, Team B" */
            g_string_append (failed_names, _(", "));
          g_string_append (failed_names, robot_name (self, job));
        }
      if (fraction >= 0)
        {
          n_uploading++;
          fractions += CLAMP (fraction, 0, 1);
        }
    }
  /* fewer robots than lines (one was taken back) */
  while (line != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (line);

      gtk_box_remove (self->robots_box, line);
      line = next;
    }

  g_free (self->robot_lines);
  self->robot_lines = g_string_free (g_steal_pointer (&lines), FALSE);

  /* Translators: a row of an image sent to several groups, "Sent to 1 of 2" */
  summary = g_strdup_printf (_("Sent to %u of %u"), n_sent, jobs->len);
  g_free (self->status);
  self->status = sizes ? g_strdup_printf ("%s · %s", summary, sizes) : g_steal_pointer (&summary);
  gtk_label_set_text (self->detail_label, self->status);

  gtk_widget_set_visible (GTK_WIDGET (self->robot_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->robots_box), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), n_uploading > 0);
  if (n_uploading > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, fractions / n_uploading);

  if (n_failed > 0)
    {
      /* Translators: the tooltip of Retry on a row sent to several groups */
      g_autofree char *tip = g_strdup_printf (_("Retry for %s"), failed_names->str);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->retry_button), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), any_busy);
  gtk_spinner_set_spinning (self->spinner, any_busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sent_icon), n_sent == jobs->len);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), n_failed > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), !any_busy && n_sent < jobs->len);
  /* the buttons are the row's actions: as for one robot, enabled as shown */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.retry", n_failed > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.remove", !any_busy && n_sent < jobs->len);

  accessible = g_strdup_printf ("%s, %s, %s", dd_queue_item_get_display_name (self->item),
                                self->status, self->robot_lines);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
dd_queue_row_update (DdQueueRow *self)
{
  DdJob *job = dd_queue_item_get_job (self->item);
  g_autofree char *sizes = describe_size (self->item);
  g_autofree char *accessible = NULL;
  const char *state_text = NULL;
  const char *error = NULL;
  gboolean busy = FALSE, sent = FALSE, failed = FALSE, editable;
  double fraction = -1;
  GdkPaintable *thumbnail = dd_queue_item_get_thumbnail (self->item);

  gtk_label_set_text (self->name_label, dd_queue_item_get_display_name (self->item));
  gtk_image_set_from_paintable (self->picture, thumbnail);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), thumbnail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), thumbnail == NULL);

  if (dd_queue_item_get_jobs (self->item)->len > 1)
    {
      update_several (self, dd_queue_item_get_jobs (self->item));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->robots_box), FALSE);
  g_clear_pointer (&self->robot_lines, g_free);

  if (job == NULL && dd_queue_item_is_loading (self->item))
    {
      state_text = _("Reading the image…");
      busy = TRUE;
    }
  else if (job == NULL && dd_queue_item_get_edited (self->item))
    /* Translators: a queued image cropped or redacted in the editor */
    state_text = _("Edited");
  else if (job == NULL)
    state_text = NULL;
  else
    {
      state_text = describe_job (job, &busy, &sent, &failed, &fraction);
      if (failed)
        error = dd_job_get_error_message (job);
    }

  g_free (self->status);
  if (state_text && sizes)
    self->status = g_strdup_printf ("%s · %s", state_text, sizes);
  else
    self->status = g_strdup (state_text ? state_text : sizes ? sizes : "");
  gtk_label_set_text (self->detail_label, self->status);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), fraction >= 0);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && error != NULL);
  gtk_label_set_text (self->error_label, error ? error : "");

  /* a row for another robot than the one chosen says so; its Retry goes
   * to the one chosen */
  if (self->own_robot != NULL)
    {
      /* Translators: the robot a queued image goes to, "To Team Group" */
      g_autofree char *to = g_strdup_printf (_("To %s"), self->own_robot);

      gtk_label_set_text (self->robot_label, to);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->robot_label), self->own_robot != NULL);
  if (failed && self->own_robot != NULL && self->chosen_robot != NULL)
    {
      /* Translators: the tooltip of a failed image's Retry button */
      g_autofree char *tip = g_strdup_printf (_("Retry with %s (Ctrl+R)"), self->chosen_robot);
      g_autofree char *label = g_strdup_printf (_("Retry with %s"), self->chosen_robot);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->retry_button), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->retry_button), _("Retry (Ctrl+R)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Retry"), -1);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sent_icon), sent);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), failed);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), !busy && !sent);
  /* Enter, a double click or Edit open the editor until the outbox has it */
  editable = dd_queue_item_is_editable (self->item);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button), editable);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), editable);
  /* the keys and the menu can do what the buttons shown can */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.retry", failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.remove", !busy && !sent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.open",
                                 dd_queue_item_get_file (self->item) != NULL);

  accessible = g_strdup_printf ("%s, %s%s%s", dd_queue_item_get_display_name (self->item),
                                self->status, error ? ", " : "", error ? error : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
job_notify_cb (DdQueueRow *self)
{
  dd_queue_row_update (self);
}

static void
disconnect_jobs (DdQueueRow *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
  g_ptr_array_set_size (self->jobs, 0);
}

static void
item_notify_cb (DdQueueRow *self)
{
  GPtrArray *jobs = dd_queue_item_get_jobs (self->item);
  gboolean same = jobs->len == self->jobs->len;

  for (guint i = 0; i < jobs->len && same; i++)
    same = g_ptr_array_index (jobs, i) == g_ptr_array_index (self->jobs, i);
  if (!same)
    {
      disconnect_jobs (self);
      for (guint i = 0; i < jobs->len; i++)
        {
          DdJob *job = g_ptr_array_index (jobs, i);

          g_ptr_array_add (self->jobs, g_object_ref (job));
          g_signal_connect_object (job, "notify", G_CALLBACK (job_notify_cb), self, G_CONNECT_SWAPPED);
        }
    }

  dd_queue_row_update (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_REMOVE], 0);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_RETRY], 0);
}

/* The image in the desktop's viewer (through the OpenURI portal in
 * Flatpak). */
static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DdQueueRow *self = DD_QUEUE_ROW (widget);
  GFile *file = dd_queue_item_get_file (self->item);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *uri = NULL;

  if (file == NULL)
    return;
  uri = g_file_get_uri (file);
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

/* The row's menu, pointing at @x, @y (the row's coordinates), or at the
 * row's end when shown from the keyboard (@x < 0). */
static void
popup_menu_at (DdQueueRow *self,
               double      x,
               double      y)
{
  GdkRectangle where;

  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (self->row_menu);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
    }

  /* From the keyboard: near the row's end, but never outside the row.  A
   * key pressed before the row's first layout finds it 0 wide, and a menu
   * pointing left of a row at the window's left edge points off every
   * monitor: GTK 4.8's X11 placement then asks for the geometry of no
   * monitor (a Gdk critical). */
  if (x < 0)
    {
      where.x = MAX (gtk_widget_get_width (GTK_WIDGET (self)) - 24, 0);
      where.y = MAX (gtk_widget_get_height (GTK_WIDGET (self)) / 2, 0);
    }
  else
    {
      where.x = (int) x;
      where.y = (int) y;
    }
  where.width = where.height = 1;
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), x >= 0);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &where);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
popup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  popup_menu_at (DD_QUEUE_ROW (widget), -1, -1);
}

static void
right_click_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                DdQueueRow      *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (self, x, y);
}

static void
long_press_cb (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               DdQueueRow          *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (self, x, y);
}

static void
edit_clicked_cb (DdQueueRow *self)
{
  g_signal_emit (self, signals[SIGNAL_EDIT], 0);
}

static void
dd_queue_row_dispose (GObject *object)
{
  DdQueueRow *self = DD_QUEUE_ROW (object);

  if (self->jobs != NULL)
    disconnect_jobs (self);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_object (&self->profiles);
  g_clear_object (&self->item);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->robot_lines, g_free);
  g_clear_pointer (&self->own_robot, g_free);
  g_clear_pointer (&self->chosen_robot, g_free);
  g_clear_pointer (&self->menu, gtk_widget_unparent);

  G_OBJECT_CLASS (dd_queue_row_parent_class)->dispose (object);
}

static void
dd_queue_row_class_init (DdQueueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_queue_row_dispose;

  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_EDIT] = g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-queue-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, row_box);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, thumbnail_box);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, placeholder);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, picture);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, robot_label);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, robots_box);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, sent_icon);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, edit_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, DdQueueRow, row_menu);

  gtk_widget_class_install_action (widget_class, "row.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "menu.popup", NULL, popup_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "row.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "row.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "row.retry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "menu.popup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "menu.popup", NULL);
}

static void
dd_queue_row_init (DdQueueRow *self)
{
  GtkGesture *click, *press;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (right_click_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect_object (press, "pressed", G_CALLBACK (long_press_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));

  /* what a screen reader tells of the keys (ARIA's names, not translated) */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE,
                                  GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS, "Delete Control+R Shift+F10",
                                  -1);
}

/**
 * dd_queue_row_new:
 * @profiles: (nullable): where the names of the robots are, for an image
 *   sent to several
 */
GtkWidget *
dd_queue_row_new (DdQueueItem    *item,
                  DdProfileStore *profiles)
{
  DdQueueRow *self;

  g_return_val_if_fail (DD_IS_QUEUE_ITEM (item), NULL);

  self = g_object_new (DD_TYPE_QUEUE_ROW, NULL);
  self->profiles = profiles ? g_object_ref (profiles) : NULL;
  self->item = g_object_ref (item);
  g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), self, G_CONNECT_SWAPPED);
  item_notify_cb (self);
  dd_queue_item_load_thumbnail (item, gtk_widget_get_scale_factor (GTK_WIDGET (self)));

  return GTK_WIDGET (self);
}

DdQueueItem *
dd_queue_row_get_item (DdQueueRow *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ROW (self), NULL);
  return self->item;
}

const char *
dd_queue_row_get_status (DdQueueRow *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ROW (self), NULL);
  return self->status;
}

void
dd_queue_row_set_robots (DdQueueRow *self,
                         const char *own,
                         const char *chosen)
{
  g_return_if_fail (DD_IS_QUEUE_ROW (self));

  if (g_strcmp0 (own, self->own_robot) == 0 && g_strcmp0 (chosen, self->chosen_robot) == 0)
    return;
  g_free (self->own_robot);
  self->own_robot = g_strdup (own);
  g_free (self->chosen_robot);
  self->chosen_robot = g_strdup (chosen);
  dd_queue_row_update (self);
}

/* Compact, for a big batch: a smaller thumbnail, less space around it,
 * so that more rows fit the window. */
void
dd_queue_row_set_compact (DdQueueRow *self,
                          gboolean    compact)
{
  int size = compact ? DD_QUEUE_ITEM_THUMBNAIL_SIZE * 2 / 3 : DD_QUEUE_ITEM_THUMBNAIL_SIZE;
  int margin = compact ? 3 : 8;

  g_return_if_fail (DD_IS_QUEUE_ROW (self));

  gtk_widget_set_size_request (self->thumbnail_box, size, size);
  gtk_image_set_pixel_size (self->picture, size);
  gtk_image_set_pixel_size (self->placeholder, compact ? 16 : 24);
  gtk_widget_set_margin_top (self->row_box, margin);
  gtk_widget_set_margin_bottom (self->row_box, margin);
}

const char *
dd_queue_row_get_robot (DdQueueRow *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ROW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->robot_label)) ?
         gtk_label_get_text (self->robot_label) : NULL;
}

/* The lines per robot, one a line; NULL for an image to one robot. */
const char *
dd_queue_row_get_robot_lines (DdQueueRow *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ROW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->robots_box)) ? self->robot_lines : NULL;
}

const char *
dd_queue_row_get_error (DdQueueRow *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ROW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ?
         gtk_label_get_text (self->error_label) : NULL;
}
