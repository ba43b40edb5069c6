/* dd-robot-editor-form.c: a robot's fields checked one by one, with the
 * reason on the field, and the question before changes are left unsaved
 *
 * The editor saves only when asked (Save, Ctrl+S): its secrets go to the
 * keyring asynchronously, and a robot half filled in must not become a
 * saved robot that cannot send.  So the form remembers what was last
 * filled in or saved, and leaving it with other values asks first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-error.h"
#include "dd-robot-editor-private.h"

#define SEPARATOR "\x1f"

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
blank (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));

  return *copy == '\0';
}

static char *
fields_now (DdRobotEditor *self)
{
  g_autofree char *size = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->max_size_spin));
  g_autofree char *style = g_strdup_printf ("%u", adw_combo_row_get_selected (self->picture_style_row));

  return g_strjoin (SEPARATOR,
                    text_of (self->name_row),
                    text_of (self->keywords_row),
                    text_of (self->app_key_row),
                    text_of (self->link_template_row),
                    text_of (self->oapi_base_row),
                    text_of (self->api_base_row),
                    size,
                    style,
                    gtk_switch_get_active (self->keep_metadata_switch) ? "1" : "0",
                    text_of (self->robot_code_row),
                    text_of (self->conversation_id_row),
                    NULL);
}

static char *
secrets_now (DdRobotEditor *self)
{
  return g_strjoin (SEPARATOR,
                    text_of (self->webhook_row),
                    text_of (self->secret_row),
                    text_of (self->app_secret_row),
                    NULL);
}

/* What the fields show now is what is saved (or, for a new robot, what it
 * started with). */
void
dd_robot_editor_form_mark_saved (DdRobotEditor *self,
                                 gboolean       secrets_too)
{
  g_free (self->saved_fields);
  self->saved_fields = fields_now (self);
  if (secrets_too)
    {
      g_free (self->saved_secrets);
      self->saved_secrets = secrets_now (self);
    }

  if (self->form_ready)
    dd_robot_editor_form_update (self);
}

gboolean
dd_robot_editor_form_has_changes (DdRobotEditor *self)
{
  g_autofree char *fields = fields_now (self);
  g_autofree char *secrets = NULL;

  if (g_strcmp0 (fields, self->saved_fields) != 0)
    return TRUE;

  /* secrets that could not be read are not shown, and not saved */
  if (self->secrets_state != SECRETS_LOADED || self->saved_secrets == NULL)
    return FALSE;

  secrets = secrets_now (self);
  return g_strcmp0 (secrets, self->saved_secrets) != 0;
}

gboolean
dd_robot_editor_has_changes (DdRobotEditor *self)
{
  g_return_val_if_fail (DD_IS_ROBOT_EDITOR (self), FALSE);
  return dd_robot_editor_form_has_changes (self);
}

/* The field errors of one check, gathered per group. */
typedef struct {
  DdRobotEditor *self;
  GString       *name;
  GString       *robot;
  GString       *advanced;
  gboolean       valid;
  gboolean       advanced_shown;
} Check;

static gboolean
edited (AdwEntryRow *row)
{
  return g_object_get_data (G_OBJECT (row), "dd-edited") != NULL;
}

static void
show_on_row (AdwEntryRow *row,
             const char  *message)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "dd-error-icon");

  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");

  if (icon == NULL && message != NULL)
    {
      icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      gtk_widget_add_css_class (icon, "error");
      adw_entry_row_add_suffix (row, icon);
      g_object_set_data (G_OBJECT (row), "dd-error-icon", icon);
    }
  if (icon != NULL)
    {
      gtk_widget_set_visible (icon, message != NULL);
      gtk_widget_set_tooltip_text (icon, message);
    }

  /* a screen reader names the problem with the field */
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* @row has the error @message.  @required: a field left empty, which is
 * shown only once it was changed, or after Save was asked for; the form is
 * invalid in either case. */
static void
flag (Check       *check,
      GString     *group,
      AdwEntryRow *row,
      const char  *message,
      gboolean     required)
{
  check->valid = FALSE;

  if (required && !edited (row) && !check->self->reveal_errors)
    return;
  if (gtk_widget_has_css_class (GTK_WIDGET (row), "error"))
    return;   /* one reason per field */

  show_on_row (row, message);
  if (group->len > 0)
    g_string_append_c (group, '\n');
  g_string_append (group, message);
  if (group == check->advanced)
    check->advanced_shown = TRUE;
}

/* A robot valid in everything but @row's field, to check that one with the
 * core's own rules. */
static DdProfile *
scratch_profile (void)
{
  DdProfile *profile = dd_profile_new ("scratch");

  dd_profile_set_robot_code (profile, "scratch");
  dd_profile_set_conversation_id (profile, "scratch");
  return profile;
}

static void
check_with (Check       *check,
            DdProfile   *scratch,
            AdwEntryRow *row)
{
  g_autoptr(GError) error = NULL;

  if (!dd_profile_validate (scratch, &error))
    flag (check, check->advanced, row, error->message, FALSE);
}

static void
check_server (Check       *check,
              AdwEntryRow *row,
              gboolean     oapi)
{
  g_autoptr(DdProfile) scratch = NULL;
  const char *text = text_of (row);

  if (blank (text))
    return;   /* the default server */

  scratch = scratch_profile ();
  if (oapi)
    dd_profile_set_oapi_base (scratch, text);
  else
    dd_profile_set_api_base (scratch, text);
  check_with (check, scratch, row);
}

static void
check_webhook (Check *check)
{
  DdRobotEditor *self = check->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  const char *oapi = text_of (self->oapi_base_row);

  if (self->secrets_state != SECRETS_LOADED)
    return;   /* not shown, and kept as it is in the keyring */

  if (!blank (text_of (self->webhook_row)))
    {
      normalized = dd_webhook_normalize (text_of (self->webhook_row),
                                         blank (oapi) ? DD_DEFAULT_OAPI_BASE : oapi, &error);
      if (normalized == NULL)
        flag (check, check->robot, self->webhook_row, error->message, FALSE);
    }
  else if (blank (text_of (self->robot_code_row)) && blank (text_of (self->conversation_id_row)))
    flag (check, check->robot, self->webhook_row,
          _("Paste the robot’s webhook here. (An app robot has its robot code and conversation ID under Advanced Settings instead.)"),
          TRUE);
}

static void
check_app_robot (Check *check)
{
  DdRobotEditor *self = check->self;
  gboolean has_code = !blank (text_of (self->robot_code_row));
  gboolean has_conversation = !blank (text_of (self->conversation_id_row));

  /* the same sentences as dd_profile_validate() */
  if (has_code && !has_conversation)
    flag (check, check->advanced, self->conversation_id_row,
          _("The app robot needs the group’s conversation ID too. Enter it, or clear the robot code."), FALSE);
  else if (!has_code && has_conversation)
    flag (check, check->advanced, self->robot_code_row,
          _("The app robot needs its robot code too. Enter it, or clear the conversation ID."), FALSE);
}

static void
check_name (Check *check)
{
  DdRobotEditor *self = check->self;
  g_autofree char *name = g_strstrip (g_strdup (text_of (self->name_row)));
  DdProfile *other;

  if (*name == '\0')
    {
      flag (check, check->name, self->name_row, _("Give the robot a name."), TRUE);
      return;
    }

  other = dd_profile_store_lookup (self->profiles, name);
  if (other != NULL && other != self->profile)
    {
      g_autofree char *text = g_strdup_printf (_("There is already a robot named “%s”."), name);

      flag (check, check->name, self->name_row, text, FALSE);
    }
}

static void
show_status (GtkLabel *label,
             GString  *text)
{
  gtk_label_set_text (label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (label), text->len > 0);
}

/* Checks every field, shows each reason on its field and below its group;
 * TRUE if the robot can be saved as typed. */
gboolean
dd_robot_editor_form_check (DdRobotEditor *self)
{
  AdwEntryRow *rows[] = {
    self->name_row, self->webhook_row, self->keywords_row, self->link_template_row,
    self->oapi_base_row, self->api_base_row, self->robot_code_row, self->conversation_id_row,
  };
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) robot = g_string_new (NULL);
  g_autoptr(GString) advanced = g_string_new (NULL);
  Check check = { self, name, robot, advanced, TRUE, FALSE };
  const char *link = text_of (self->link_template_row);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    show_on_row (rows[i], NULL);

  check_name (&check);
  check_webhook (&check);

  {
    g_autoptr(DdProfile) scratch = scratch_profile ();
    g_auto(GStrv) keywords = dd_robot_editor_split_keywords (text_of (self->keywords_row));
    g_autoptr(GError) error = NULL;

    dd_profile_set_keywords (scratch, (const char * const *) keywords);
    if (!dd_profile_validate (scratch, &error))
      flag (&check, check.robot, self->keywords_row, error->message, FALSE);
  }

  if (!blank (link))
    {
      g_autoptr(DdProfile) scratch = scratch_profile ();

      dd_profile_set_link_template (scratch, link);
      check_with (&check, scratch, self->link_template_row);
    }

  check_server (&check, self->oapi_base_row, TRUE);
  check_server (&check, self->api_base_row, FALSE);
  check_app_robot (&check);

  /* anything the rules above do not foresee, said all the same */
  if (check.valid)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DdProfile) copy = dd_robot_editor_current_copy (self, &error);

      if (copy == NULL)
        {
          check.valid = FALSE;
          g_string_append (robot, error->message);
        }
    }

  show_status (self->name_status, name);
  show_status (self->webhook_status, robot);
  show_status (self->advanced_status, advanced);
  if (check.advanced_shown && self->reveal_errors)
    adw_expander_row_set_expanded (self->advanced_row, TRUE);

  return check.valid;
}

/* Enables what can be done with the form as it is. */
void
dd_robot_editor_form_update (DdRobotEditor *self)
{
  gboolean valid;
  GtkWidget *widget = GTK_WIDGET (self);

  if (!self->form_ready)
    return;

  valid = dd_robot_editor_form_check (self);
  /* a robot just opened has nothing to save; a new one is saved once valid */
  gtk_widget_action_set_enabled (widget, "editor.save",
                                 valid && !self->busy && self->secrets_state != SECRETS_LOADING &&
                                 (self->is_new || dd_robot_editor_form_has_changes (self)));
  gtk_widget_action_set_enabled (widget, "editor.test", valid && !self->busy);
  gtk_widget_action_set_enabled (widget, "editor.delete", !self->busy && !self->is_new);
  /* a copy takes the secrets along, so they must have been read */
  gtk_widget_action_set_enabled (widget, "editor.duplicate",
                                 !self->busy && !self->is_new && self->secrets_state == SECRETS_LOADED);
  gtk_widget_set_visible (self->delete_button, !self->is_new);
  gtk_widget_set_visible (self->duplicate_button, !self->is_new);
}

static void
changed_cb (GtkWidget     *row,
            DdRobotEditor *self)
{
  gboolean secret = row == GTK_WIDGET (self->webhook_row) ||
                    row == GTK_WIDGET (self->secret_row) ||
                    row == GTK_WIDGET (self->app_secret_row);

  /* the keyring's values arriving are not an edit */
  if (secret && self->secrets_state != SECRETS_LOADED)
    return;

  g_object_set_data (G_OBJECT (row), "dd-edited", GINT_TO_POINTER (TRUE));
  /* a result for other values would mislead */
  dd_robot_editor_clear_test_results (self);
  dd_robot_editor_form_update (self);
}

static void
value_changed_cb (GtkWidget     *widget,
                  DdRobotEditor *self)
{
  dd_robot_editor_clear_test_results (self);
  dd_robot_editor_form_update (self);
}

static void
switch_changed_cb (GObject       *object,
                   GParamSpec    *pspec,
                   DdRobotEditor *self)
{
  value_changed_cb (GTK_WIDGET (object), self);
}

/* The fields hold the robot's values: changes from now on are the user's. */
void
dd_robot_editor_form_init (DdRobotEditor *self)
{
  AdwEntryRow *rows[] = {
    self->name_row, self->webhook_row, self->secret_row, self->keywords_row,
    self->app_key_row, self->app_secret_row, self->link_template_row,
    self->oapi_base_row, self->api_base_row, self->robot_code_row, self->conversation_id_row,
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_signal_connect_object (rows[i], "changed", G_CALLBACK (changed_cb), self, 0);
  g_signal_connect_object (self->max_size_spin, "value-changed", G_CALLBACK (value_changed_cb), self, 0);
  g_signal_connect_object (self->keep_metadata_switch, "notify::active",
                           G_CALLBACK (switch_changed_cb), self, 0);
  g_signal_connect_object (self->picture_style_row, "notify::selected",
                           G_CALLBACK (switch_changed_cb), self, 0);

  self->form_ready = TRUE;
  dd_robot_editor_form_update (self);
}

/* Leaving with changes: Save, Discard or Cancel. */

static void
leave_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* the reason is shown in the editor, which stays */
  if (!dd_robot_editor_save_finish (DD_ROBOT_EDITOR (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
leave_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  g_autoptr(GTask) task = user_data;
  DdRobotEditor *self = g_task_get_source_object (task);

  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_str_equal (response, "save"))
    dd_robot_editor_save_async (self, cancellable, leave_saved_cb, g_steal_pointer (&task));
  else
    /* what is typed was never applied to the robot: discarding it is
     * leaving the form */
    g_task_return_boolean (task, g_str_equal (response, "discard"));
}

void
dd_robot_editor_confirm_leave_async (DdRobotEditor       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GtkRoot *root;
  AdwMessageDialog *dialog;
  const char *name;
  gboolean valid;

  g_return_if_fail (DD_IS_ROBOT_EDITOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_robot_editor_confirm_leave_async);

  if (!dd_robot_editor_form_has_changes (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->reveal_errors = TRUE;
  valid = dd_robot_editor_form_check (self);
  name = blank (text_of (self->name_row)) ? dd_profile_get_name (self->profile) : text_of (self->name_row);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Save Changes?"), NULL));
  if (valid)
    adw_message_dialog_format_body (dialog, _("The changes to “%s” are not saved yet."), name);
  else
    adw_message_dialog_format_body (dialog,
                                    _("The changes to “%s” cannot be saved as they are. Correct the fields marked in red, or discard the changes."),
                                    name);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "save", valid);
  adw_message_dialog_set_default_response (dialog, valid ? "save" : "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (leave_response_cb), g_steal_pointer (&task));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
dd_robot_editor_confirm_leave_finish (DdRobotEditor  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
