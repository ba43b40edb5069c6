/* dd-robots-window.c: the robots (profiles), each edited on a subpage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robots-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-robot-editor.h"
#include "dd-robots-window.h"

struct _DdRobotsWindow
{
  AdwPreferencesWindow  parent_instance;

  DdProfileStore       *profiles;
  DdClient             *client;
  GtkWidget            *editor;   /* the subpage shown, if any */
  gboolean              may_close;

  GtkListBox           *robots_list;
  GtkWidget            *robots_group;
  GtkWidget            *empty_group;
};

G_DEFINE_FINAL_TYPE (DdRobotsWindow, dd_robots_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
transform_subtitle (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  const char *app_key = g_value_get_string (from);

  if (app_key != NULL && *app_key != '\0')
    /* Translators: %s is the internal app's AppKey */
    g_value_take_string (to, g_strdup_printf (_("Uploads with AppKey %s"), app_key));
  else
    g_value_set_string (to, _("No AppKey: cannot upload images"));

  return TRUE;
}

static gboolean
transform_checked (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_int64 (from) > 0);
  return TRUE;
}

static GtkWidget *
create_robot_row (gpointer item,
                  gpointer user_data)
{
  DdProfile *profile = DD_PROFILE (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *checked;

  g_object_bind_property (profile, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (profile, "app-key", row, "subtitle", G_BINDING_SYNC_CREATE,
                               transform_subtitle, NULL, NULL, NULL);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  /* the Test's Yes: its pictures show in the group */
  checked = gtk_label_new (_("Checked"));
  gtk_widget_set_name (checked, "checked");
  gtk_widget_set_tooltip_text (checked, _("The test picture showed in the group"));
  gtk_widget_add_css_class (checked, "success");
  gtk_widget_add_css_class (checked, "caption");
  g_object_bind_property_full (profile, "checked-at", checked, "visible", G_BINDING_SYNC_CREATE,
                               transform_checked, NULL, NULL, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), checked);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "dd-profile", g_object_ref (profile), g_object_unref);

  return row;
}

static void
row_activated_cb (DdRobotsWindow *self,
                  GtkListBoxRow  *row)
{
  DdProfile *profile = g_object_get_data (G_OBJECT (row), "dd-profile");

  dd_robots_window_edit (self, profile, FALSE);
}

static void
update_empty (DdRobotsWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) == 0;

  gtk_widget_set_visible (self->robots_group, !empty);
  gtk_widget_set_visible (self->empty_group, empty);
}

static void
editor_done_cb (DdRobotEditor  *editor,
                DdRobotsWindow *self)
{
  if (self->editor == GTK_WIDGET (editor))
    {
      adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
      self->editor = NULL;
    }
}

/* The copy is saved: its editor takes the place of the original's,
 * which the window drops once the new page is shown.  (Closing the page
 * first and opening another during its transition left the window blank.) */
static void
editor_duplicate_cb (DdRobotEditor  *editor,
                     DdProfile      *copy,
                     DdRobotsWindow *self)
{
  dd_robots_window_edit (self, copy, FALSE);
}

void
dd_robots_window_edit (DdRobotsWindow *self,
                       DdProfile      *profile,
                       gboolean        is_new)
{
  GtkWidget *editor;

  g_return_if_fail (DD_IS_ROBOTS_WINDOW (self));
  g_return_if_fail (DD_IS_PROFILE (profile));

  editor = dd_robot_editor_new (self->profiles, self->client, profile, is_new);
  g_signal_connect_object (editor, "done", G_CALLBACK (editor_done_cb), self, 0);
  g_signal_connect_object (editor, "duplicate", G_CALLBACK (editor_duplicate_cb), self, 0);
  self->editor = editor;
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), editor);
  /* after the page took the focus it moves to: the first field */
  gtk_widget_grab_focus (editor);
}

static char *
unique_name (DdRobotsWindow *self,
             const char     *base)
{
  char *name = g_strdup (base);

  for (guint i = 2; dd_profile_store_lookup (self->profiles, name) != NULL; i++)
    {
      g_free (name);
      /* Translators: a robot's name when the plain one is taken: "New Robot 2" */
      name = g_strdup_printf (_("%s %u"), base, i);
    }

  return name;
}

void
dd_robots_window_add_robot (DdRobotsWindow *self)
{
  g_autofree char *name = unique_name (self, _("New Robot"));
  g_autoptr(DdProfile) profile = dd_profile_new (name);

  dd_robots_window_edit (self, profile, TRUE);
}

GtkWidget *
dd_robots_window_get_editor (DdRobotsWindow *self)
{
  g_return_val_if_fail (DD_IS_ROBOTS_WINDOW (self), NULL);
  return self->editor;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  dd_robots_window_add_robot (DD_ROBOTS_WINDOW (widget));
}

static gboolean
close_idle_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
close_confirmed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DdRobotsWindow) self = user_data;

  /* once the question, a dialog of this window, has closed itself */
  if (dd_robot_editor_confirm_leave_finish (DD_ROBOT_EDITOR (object), result, NULL))
    {
      self->may_close = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
    }
}

/* Closing the window with a robot's changes not saved asks first. */
static gboolean
dd_robots_window_close_request (GtkWindow *window)
{
  DdRobotsWindow *self = DD_ROBOTS_WINDOW (window);

  if (!self->may_close && self->editor != NULL &&
      dd_robot_editor_has_changes (DD_ROBOT_EDITOR (self->editor)))
    {
      dd_robot_editor_confirm_leave_async (DD_ROBOT_EDITOR (self->editor), NULL,
                                           close_confirmed_cb, g_object_ref (self));
      return TRUE;
    }

  return GTK_WINDOW_CLASS (dd_robots_window_parent_class)->close_request (window);
}

static void
dd_robots_window_dispose (GObject *object)
{
  DdRobotsWindow *self = DD_ROBOTS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_ROBOTS_WINDOW);
  g_clear_object (&self->profiles);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (dd_robots_window_parent_class)->dispose (object);
}

static void
dd_robots_window_class_init (DdRobotsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_robots_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = dd_robots_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-robots-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DdRobotsWindow, robots_list);
  gtk_widget_class_bind_template_child (widget_class, DdRobotsWindow, robots_group);
  gtk_widget_class_bind_template_child (widget_class, DdRobotsWindow, empty_group);

  gtk_widget_class_install_action (widget_class, "robots.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "robots.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
dd_robots_window_init (DdRobotsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->robots_list, "row-activated",
                           G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
}

DdRobotsWindow *
dd_robots_window_new (DdProfileStore *profiles,
                      DdClient       *client)
{
  DdRobotsWindow *self;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);
  g_return_val_if_fail (DD_IS_CLIENT (client), NULL);

  self = g_object_new (DD_TYPE_ROBOTS_WINDOW, NULL);
  self->profiles = g_object_ref (profiles);
  self->client = g_object_ref (client);
  gtk_list_box_bind_model (self->robots_list, G_LIST_MODEL (profiles), create_robot_row, self, NULL);
  g_signal_connect_object (profiles, "items-changed", G_CALLBACK (update_empty), self, G_CONNECT_SWAPPED);
  update_empty (self);

  return self;
}
