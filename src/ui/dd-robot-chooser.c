/* dd-robot-chooser.c: the header's robot chooser
 *
 * A button with the robot's name ("Team A", or "Team A + 1" for two)
 * opens a list of the robots.  A click on a name chooses that robot
 * alone and closes the list, as a drop-down does; a robot's check button
 * adds it to those chosen, or takes it out (never the last one), and the
 * list stays open.  Each robot chosen gets its own messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robot-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-robot-chooser.h"

struct _DdRobotChooser
{
  GtkWidget    parent_instance;

  GListModel  *profiles;
  GHashTable  *chosen;      /* profile id -> TRUE */
  gboolean     updating;    /* setting the check buttons from the selection */

  GtkWidget   *button;
  GtkLabel    *label;
  GtkPopover  *popover;
  GtkListBox  *list;
};

G_DEFINE_FINAL_TYPE (DdRobotChooser, dd_robot_chooser, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static DdProfile *
profile_at (DdRobotChooser *self,
            guint           i)
{
  g_autoptr(DdProfile) profile = g_list_model_get_item (self->profiles, i);

  return profile;   /* the model holds it */
}

GPtrArray *
dd_robot_chooser_get_selected (DdRobotChooser *self)
{
  GPtrArray *selected = g_ptr_array_new ();
  guint n;

  g_return_val_if_fail (DD_IS_ROBOT_CHOOSER (self), selected);

  n = self->profiles ? g_list_model_get_n_items (self->profiles) : 0;
  for (guint i = 0; i < n; i++)
    {
      DdProfile *profile = profile_at (self, i);

      if (g_hash_table_contains (self->chosen, dd_profile_get_id (profile)))
        g_ptr_array_add (selected, profile);
    }
  return selected;
}

DdProfile *
dd_robot_chooser_get_primary (DdRobotChooser *self)
{
  g_autoptr(GPtrArray) selected = dd_robot_chooser_get_selected (self);

  return selected->len > 0 ? g_ptr_array_index (selected, 0) : NULL;
}

const char *
dd_robot_chooser_get_label (DdRobotChooser *self)
{
  g_return_val_if_fail (DD_IS_ROBOT_CHOOSER (self), NULL);
  return gtk_label_get_text (self->label);
}

/* The header's words, the tooltip and the check buttons, from the
 * selection. */
static void
update (DdRobotChooser *self)
{
  g_autoptr(GPtrArray) selected = dd_robot_chooser_get_selected (self);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;
  GtkListBoxRow *row;

  if (selected->len == 0)
    text = g_strdup ("");
  else if (selected->len == 1)
    text = g_strdup (dd_profile_get_name (g_ptr_array_index (selected, 0)));
  else
    /* Translators: the robot chooser with several robots chosen, "Team A + 2" */
    text = g_strdup_printf (_("%s + %u"), dd_profile_get_name (g_ptr_array_index (selected, 0)),
                            selected->len - 1);
  gtk_label_set_text (self->label, text);

  for (guint i = 0; i < selected->len; i++)
    {
      if (i > 0)
        g_string_append_c (names, '\n');
      g_string_append (names, dd_profile_get_name (g_ptr_array_index (selected, i)));
    }
  if (selected->len > 1)
    {
      /* Translators: the robot chooser's tooltip, then the robots' names, one a line */
      g_autofree char *tip = g_strdup_printf (_("Sending to each of:\n%s"), names->str);

      gtk_widget_set_tooltip_text (self->button, tip);
    }
  else
    gtk_widget_set_tooltip_text (self->button, _("Group Robot"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  names->str, -1);

  self->updating = TRUE;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");
      DdProfile *profile = g_object_get_data (G_OBJECT (row), "profile");

      gtk_check_button_set_active (check, g_hash_table_contains (self->chosen, dd_profile_get_id (profile)));
    }
  self->updating = FALSE;
}

static void
changed (DdRobotChooser *self)
{
  update (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
dd_robot_chooser_select (DdRobotChooser     *self,
                         const char * const *ids)
{
  g_return_if_fail (DD_IS_ROBOT_CHOOSER (self));

  g_hash_table_remove_all (self->chosen);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      guint n = self->profiles ? g_list_model_get_n_items (self->profiles) : 0;

      for (guint j = 0; j < n; j++)
        if (g_str_equal (dd_profile_get_id (profile_at (self, j)), ids[i]))
          g_hash_table_add (self->chosen, g_strdup (ids[i]));
    }
  changed (self);
}

/* Adds @profile to the robots chosen, or takes it out; the last one
 * stays.  Returns: whether it is chosen now */
gboolean
dd_robot_chooser_toggle (DdRobotChooser *self,
                         DdProfile      *profile)
{
  const char *id;

  g_return_val_if_fail (DD_IS_ROBOT_CHOOSER (self), FALSE);
  g_return_val_if_fail (DD_IS_PROFILE (profile), FALSE);

  id = dd_profile_get_id (profile);
  if (!g_hash_table_contains (self->chosen, id))
    g_hash_table_add (self->chosen, g_strdup (id));
  else if (g_hash_table_size (self->chosen) > 1)
    g_hash_table_remove (self->chosen, id);
  changed (self);
  return g_hash_table_contains (self->chosen, id);
}

static void
check_toggled_cb (GtkCheckButton *check,
                  DdRobotChooser *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (check), GTK_TYPE_LIST_BOX_ROW);

  if (self->updating)
    return;
  dd_robot_chooser_toggle (self, g_object_get_data (G_OBJECT (row), "profile"));
}

/* A click on the name: that robot alone, as a drop-down chooses. */
static void
row_activated_cb (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  DdRobotChooser *self)
{
  DdProfile *profile = g_object_get_data (G_OBJECT (row), "profile");
  const char *ids[] = { dd_profile_get_id (profile), NULL };

  dd_robot_chooser_select (self, ids);
  gtk_popover_popdown (self->popover);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DdRobotChooser *self = user_data;
  DdProfile *profile = DD_PROFILE (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *tip = NULL;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_widget_set_hexpand (label, TRUE);
  g_object_bind_property (profile, "name", label, "label", G_BINDING_SYNC_CREATE);
  gtk_widget_set_margin_start (box, 3);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  /* Translators: a robot's check button in the robot chooser */
  tip = g_strdup_printf (_("Also send to %s"), dd_profile_get_name (profile));
  gtk_widget_set_tooltip_text (check, _("Also send to this group"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               g_hash_table_contains (self->chosen, dd_profile_get_id (profile)));
  g_signal_connect_object (check, "toggled", G_CALLBACK (check_toggled_cb), self, 0);
  g_signal_connect_object (profile, "notify::name", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, dd_profile_get_id (profile));
  g_object_set_data_full (G_OBJECT (row), "profile", g_object_ref (profile), g_object_unref);
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

/* A robot removed: it is no longer chosen. */
static void
profiles_changed_cb (DdRobotChooser *self)
{
  g_autoptr(GPtrArray) selected = dd_robot_chooser_get_selected (self);

  if (selected->len == g_hash_table_size (self->chosen))
    {
      update (self);
      return;
    }
  g_hash_table_remove_all (self->chosen);
  for (guint i = 0; i < selected->len; i++)
    g_hash_table_add (self->chosen, g_strdup (dd_profile_get_id (g_ptr_array_index (selected, i))));
  changed (self);
}

void
dd_robot_chooser_set_model (DdRobotChooser *self,
                            GListModel     *profiles)
{
  g_return_if_fail (DD_IS_ROBOT_CHOOSER (self));
  g_return_if_fail (profiles == NULL || G_IS_LIST_MODEL (profiles));

  if (self->profiles != NULL)
    g_signal_handlers_disconnect_by_data (self->profiles, self);
  g_set_object (&self->profiles, profiles);
  gtk_list_box_bind_model (self->list, profiles, create_row, self, NULL);
  if (profiles != NULL)
    g_signal_connect_object (profiles, "items-changed", G_CALLBACK (profiles_changed_cb),
                             self, G_CONNECT_SWAPPED);
  profiles_changed_cb (self);
}

static void
dd_robot_chooser_dispose (GObject *object)
{
  DdRobotChooser *self = DD_ROBOT_CHOOSER (object);

  if (self->profiles != NULL)
    g_signal_handlers_disconnect_by_data (self->profiles, self);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_pointer (&self->button, gtk_widget_unparent);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (dd_robot_chooser_parent_class)->dispose (object);
}

static void
dd_robot_chooser_finalize (GObject *object)
{
  DdRobotChooser *self = DD_ROBOT_CHOOSER (object);

  g_clear_pointer (&self->chosen, g_hash_table_unref);

  G_OBJECT_CLASS (dd_robot_chooser_parent_class)->finalize (object);
}

static void
dd_robot_chooser_class_init (DdRobotChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_robot_chooser_dispose;
  object_class->finalize = dd_robot_chooser_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "robotchooser");
}

static void
dd_robot_chooser_init (DdRobotChooser *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *popover_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *hint;
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (self->label, 24);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("pan-down-symbolic"));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, 0);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));

  hint = gtk_label_new (_("Tick several robots to send to each group."));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 30);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_set_margin_start (hint, 6);
  gtk_widget_set_margin_end (hint, 6);
  gtk_widget_set_margin_bottom (hint, 3);
  gtk_widget_add_css_class (hint, "caption");
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (popover_box), scroller);
  gtk_box_append (GTK_BOX (popover_box), hint);

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, popover_box);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_child (GTK_MENU_BUTTON (self->button), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), GTK_WIDGET (self->popover));
  gtk_widget_add_css_class (self->button, "flat");
  gtk_widget_set_tooltip_text (self->button, _("Group Robot"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Group robots to send to"), -1);
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
}

GtkWidget *
dd_robot_chooser_new (void)
{
  return g_object_new (DD_TYPE_ROBOT_CHOOSER, NULL);
}
