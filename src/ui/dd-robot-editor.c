/* dd-robot-editor.c: one robot's fields, its secrets, Test, Delete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-error.h"
#include "dd-robot-editor-private.h"
#include "dd-secrets.h"

G_DEFINE_FINAL_TYPE (DdRobotEditor, dd_robot_editor, GTK_TYPE_BOX)

enum {
  SIGNAL_DONE,
  SIGNAL_DUPLICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
dd_robot_editor_emit_duplicate (DdRobotEditor *self,
                                DdProfile     *copy)
{
  g_signal_emit (self, signals[SIGNAL_DUPLICATE], 0, copy);
}

void
dd_robot_editor_show_message (DdRobotEditor *self,
              const char    *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
dd_robot_editor_set_busy (DdRobotEditor *self,
          gboolean       busy)
{
  self->busy = busy;
  dd_robot_editor_form_update (self);
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static const char *
nonblank (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

static void
fill_secrets (DdRobotEditor *self)
{
  set_row_text (self->webhook_row, dd_profile_get_webhook (self->profile));
  set_row_text (self->secret_row, dd_profile_get_secret (self->profile));
  set_row_text (self->app_secret_row, dd_profile_get_app_secret (self->profile));
}

static void
set_secrets_state (DdRobotEditor *self,
                   SecretsState   state)
{
  gboolean usable = state == SECRETS_LOADED;

  self->secrets_state = state;
  gtk_widget_set_sensitive (GTK_WIDGET (self->webhook_row), usable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->secret_row), usable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->app_secret_row), usable);
}

/* Results for other values would mislead. */
void
dd_robot_editor_clear_test_results (DdRobotEditor *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->test_app_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_webhook_row), FALSE);
}

static void
fill (DdRobotEditor *self)
{
  g_autofree char *keywords = NULL;
  const char * const *words = dd_profile_get_keywords (self->profile);

  adw_window_title_set_title (self->window_title, dd_profile_get_name (self->profile));
  set_row_text (self->name_row, dd_profile_get_name (self->profile));
  keywords = words ? g_strjoinv (", ", (char **) words) : NULL;
  set_row_text (self->keywords_row, keywords);
  adw_combo_row_set_selected (self->picture_style_row, dd_profile_get_picture_style (self->profile));
  set_row_text (self->app_key_row, dd_profile_get_app_key (self->profile));
  set_row_text (self->link_template_row, dd_profile_get_link_template (self->profile));
  set_row_text (self->oapi_base_row, dd_profile_get_oapi_base (self->profile));
  set_row_text (self->api_base_row, dd_profile_get_api_base (self->profile));
  gtk_spin_button_set_value (self->max_size_spin,
                             (double) dd_profile_get_max_image_bytes (self->profile) / MIB);
  gtk_switch_set_active (self->keep_metadata_switch, dd_profile_get_keep_metadata (self->profile));
  set_row_text (self->robot_code_row, dd_profile_get_robot_code (self->profile));
  set_row_text (self->conversation_id_row, dd_profile_get_conversation_id (self->profile));
}

char **
dd_robot_editor_split_keywords (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",，、", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

/* Puts the fields into @profile; the secrets only if they were read. */
static gboolean
apply_to (DdRobotEditor  *self,
          DdProfile      *profile,
          GError        **error)
{
  g_auto(GStrv) keywords = dd_robot_editor_split_keywords (row_text (self->keywords_row));
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  const char *oapi = nonblank (row_text (self->oapi_base_row));
  const char *api = nonblank (row_text (self->api_base_row));
  const char *link = nonblank (row_text (self->link_template_row));

  if (*name == '\0')
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE, _("Give the robot a name."));
      return FALSE;
    }

  dd_profile_set_name (profile, name);
  dd_profile_set_keywords (profile, (const char * const *) keywords);
  dd_profile_set_picture_style (profile, adw_combo_row_get_selected (self->picture_style_row));
  dd_profile_set_app_key (profile, nonblank (row_text (self->app_key_row)));
  dd_profile_set_link_template (profile, link ? link : DD_DEFAULT_LINK_TEMPLATE);
  dd_profile_set_oapi_base (profile, oapi ? oapi : DD_DEFAULT_OAPI_BASE);
  dd_profile_set_api_base (profile, api ? api : DD_DEFAULT_API_BASE);
  dd_profile_set_max_image_bytes (profile, (guint64) gtk_spin_button_get_value_as_int (self->max_size_spin) * MIB);
  dd_profile_set_keep_metadata (profile, gtk_switch_get_active (self->keep_metadata_switch));
  dd_profile_set_robot_code (profile, nonblank (row_text (self->robot_code_row)));
  dd_profile_set_conversation_id (profile, nonblank (row_text (self->conversation_id_row)));

  if (self->secrets_state == SECRETS_LOADED)
    {
      if (!dd_profile_set_webhook (profile, nonblank (row_text (self->webhook_row)), error))
        return FALSE;
      dd_profile_set_secret (profile, nonblank (row_text (self->secret_row)));
      dd_profile_set_app_secret (profile, nonblank (row_text (self->app_secret_row)));

      return dd_profile_validate (profile, error);
    }

  /* without its secrets in memory the profile cannot be validated as a
   * whole; the fields it has are checked by their setters */
  return TRUE;
}

/* A copy with the fields as typed: checked before the real profile
 * changes, and what Test and Duplicate use. */
DdProfile *
dd_robot_editor_current_copy (DdRobotEditor  *self,
              GError        **error)
{
  g_autoptr(DdProfile) copy = dd_profile_duplicate (self->profile, dd_profile_get_name (self->profile));

  if (!apply_to (self, copy, error))
    return NULL;

  return g_steal_pointer (&copy);
}

static void
secrets_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DdRobotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *explanation = NULL;

  if (dd_secrets_load_finish (result, &error))
    {
      /* filled while still "loading": the keyring's values are no edit */
      fill_secrets (self);
      set_secrets_state (self, SECRETS_LOADED);
      dd_robot_editor_form_mark_saved (self, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Never an empty field that a later Save would write over the secret. */
  set_secrets_state (self, SECRETS_FAILED);
  set_row_text (self->webhook_row, "");
  set_row_text (self->secret_row, "");
  set_row_text (self->app_secret_row, "");
  dd_robot_editor_form_mark_saved (self, TRUE);
  explanation = g_strconcat (error->message, " ",
                             _("The webhook and secrets stay as they are in the keyring; unlock it, then open this robot again to change them."),
                             NULL);
  adw_action_row_set_subtitle (self->keyring_row, explanation);
  gtk_widget_set_visible (GTK_WIDGET (self->keyring_row), TRUE);
  g_free (self->message);
  self->message = g_strdup (error->message);
}

void
dd_robot_editor_emit_done (DdRobotEditor *self)
{
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
}

static gboolean
in_store (DdRobotEditor *self)
{
  return dd_profile_store_lookup (self->profiles, dd_profile_get_id (self->profile)) == self->profile;
}

static void
save_failed (GTask  *task,
             GError *error)
{
  DdRobotEditor *self = g_task_get_source_object (task);

  dd_robot_editor_set_busy (self, FALSE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    dd_robot_editor_show_message (self, error->message);
  g_task_return_error (task, error);
}

/* The keyring has the secrets (or they were not read, and stay as they
 * are): now the robot itself.  A new robot enters the store only here, so
 * that one whose secrets could not be stored is never saved without them. */
static void
saved (GTask *task)
{
  DdRobotEditor *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* already added if an earlier Save could not write the file */
  if (self->is_new && !in_store (self) &&
      !dd_profile_store_add (self->profiles, self->profile, &error))
    {
      dd_secrets_clear_async (dd_profile_get_id (self->profile), NULL, NULL, NULL);
      save_failed (task, error);
      return;
    }

  /* Another program removed the robot while its secrets were stored: do
   * not leave them in the keyring for a robot that is gone. */
  if (!in_store (self))
    {
      dd_secrets_clear_async (dd_profile_get_id (self->profile), NULL, NULL, NULL);
      dd_robot_editor_set_busy (self, FALSE);
      dd_robot_editor_emit_done (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "removed");
      return;
    }

  if (!dd_profile_store_save (self->profiles, &error))
    {
      save_failed (task, error);
      return;
    }

  self->is_new = FALSE;
  adw_window_title_set_title (self->window_title, dd_profile_get_name (self->profile));
  dd_robot_editor_form_mark_saved (self, self->secrets_state == SECRETS_LOADED);
  dd_robot_editor_set_busy (self, FALSE);
  dd_robot_editor_show_message (self, _("Saved"));
  g_task_return_boolean (task, TRUE);
}

static void
secrets_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dd_secrets_store_finish (result, &error))
    {
      save_failed (task, error);
      return;
    }

  saved (task);
}

/* Saves what is typed: the secrets into the keyring, then the robot into
 * the robots file.  Fails, with the reason shown, when the form is not
 * valid or either could not be written. */
void
dd_robot_editor_save_async (DdRobotEditor       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DdProfile) copy = NULL;
  GError *error = NULL;

  g_return_if_fail (DD_IS_ROBOT_EDITOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_robot_editor_save_async);

  if (self->busy || self->secrets_state == SECRETS_LOADING)
    {
      const char *text = _("Wait until the robot’s secrets are read, or the test is over.");

      /* Ctrl+S, or Save in the question, says why nothing happens */
      dd_robot_editor_show_message (self, text);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s", text);
      return;
    }

  if (!dd_robot_editor_form_check (self) ||
      !(copy = dd_robot_editor_current_copy (self, &error)))
    {
      self->reveal_errors = TRUE;
      dd_robot_editor_form_update (self);
      if (error == NULL)
        g_set_error_literal (&error, DD_ERROR, DD_ERROR_PROFILE,
                             _("Correct the fields marked in red first."));
      save_failed (task, error);
      return;
    }

  apply_to (self, self->profile, NULL);
  dd_robot_editor_set_busy (self, TRUE);
  if (self->secrets_state == SECRETS_LOADED)
    dd_secrets_store_async (self->profile, self->cancellable, secrets_stored_cb, g_steal_pointer (&task));
  else
    saved (task);
}

gboolean
dd_robot_editor_save_finish (DdRobotEditor  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dd_robot_editor_save (DdRobotEditor *self)
{
  g_return_if_fail (DD_IS_ROBOT_EDITOR (self));

  dd_robot_editor_save_async (self, NULL, NULL, NULL);
}

/* Another program removed the robot: there is nothing left to edit.  The
 * editor's own Delete, and a Save under way, see to themselves. */
static void
profile_removed_cb (DdRobotEditor *self,
                    const char    *id)
{
  if (!self->is_new && !self->busy && g_str_equal (id, dd_profile_get_id (self->profile)))
    dd_robot_editor_emit_done (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dd_robot_editor_save (DD_ROBOT_EDITOR (widget));
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dd_robot_editor_test (DD_ROBOT_EDITOR (widget));
}

static void
left_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DdRobotEditor *self = DD_ROBOT_EDITOR (object);

  if (dd_robot_editor_confirm_leave_finish (self, result, NULL))
    dd_robot_editor_emit_done (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dd_robot_editor_confirm_leave_async (DD_ROBOT_EDITOR (widget), NULL, left_cb, NULL);
}

/* Ctrl+S also on a form that cannot be saved yet: it shows what to fix. */
static gboolean
save_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  dd_robot_editor_save (DD_ROBOT_EDITOR (widget));
  return TRUE;
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  gtk_widget_activate_action (widget, "editor.back", NULL);
  return TRUE;
}

/* The editor's focus is its first field. */
static gboolean
dd_robot_editor_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (DD_ROBOT_EDITOR (widget)->name_row));
}

static void
dd_robot_editor_dispose (GObject *object)
{
  DdRobotEditor *self = DD_ROBOT_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DD_TYPE_ROBOT_EDITOR);
  g_clear_object (&self->profile);
  g_clear_object (&self->profiles);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (dd_robot_editor_parent_class)->dispose (object);
}

static void
dd_robot_editor_finalize (GObject *object)
{
  DdRobotEditor *self = DD_ROBOT_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->saved_fields, g_free);
  g_clear_pointer (&self->saved_secrets, g_free);

  G_OBJECT_CLASS (dd_robot_editor_parent_class)->finalize (object);
}

static void
dd_robot_editor_class_init (DdRobotEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dd_robot_editor_dispose;
  object_class->finalize = dd_robot_editor_finalize;
  widget_class->grab_focus = dd_robot_editor_grab_focus;

  signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DUPLICATE] = g_signal_new ("duplicate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dingdrop/DingDrop/dd-robot-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, delete_button);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, duplicate_button);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, name_status);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, keyring_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, webhook_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, webhook_status);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, secret_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, keywords_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, picture_style_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, app_key_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, app_secret_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, test_app_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, test_app_icon);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, test_webhook_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, test_webhook_icon);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, link_template_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, oapi_base_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, api_base_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, max_size_spin);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, keep_metadata_switch);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, robot_code_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, conversation_id_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, DdRobotEditor, advanced_status);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, dd_robot_editor_delete_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, dd_robot_editor_duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.back", NULL, back_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, save_shortcut_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
dd_robot_editor_init (DdRobotEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
dd_robot_editor_new (DdProfileStore *profiles,
                     DdClient       *client,
                     DdProfile      *profile,
                     gboolean        is_new)
{
  DdRobotEditor *self;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);
  g_return_val_if_fail (DD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (DD_IS_PROFILE (profile), NULL);

  self = g_object_new (DD_TYPE_ROBOT_EDITOR, NULL);
  self->profiles = g_object_ref (profiles);
  self->client = g_object_ref (client);
  self->profile = g_object_ref (profile);
  self->is_new = is_new;
  fill (self);
  dd_robot_editor_form_mark_saved (self, FALSE);
  g_signal_connect_object (profiles, "profile-removed", G_CALLBACK (profile_removed_cb),
                           self, G_CONNECT_SWAPPED);

  if (is_new)
    {
      /* a new robot, or a duplicate: its secrets are those in memory */
      set_secrets_state (self, SECRETS_LOADED);
      fill_secrets (self);
      dd_robot_editor_form_mark_saved (self, TRUE);
    }
  else
    {
      set_secrets_state (self, SECRETS_LOADING);
      dd_secrets_load_async (profile, self->cancellable, secrets_loaded_cb, g_object_ref (self));
    }
  /* the fields are filled: from now on a change is the user's */
  dd_robot_editor_form_init (self);

  return GTK_WIDGET (self);
}

const char *
dd_robot_editor_get_secrets_state (DdRobotEditor *self)
{
  static const char * const names[] = { "loading", "loaded", "failed" };

  g_return_val_if_fail (DD_IS_ROBOT_EDITOR (self), NULL);
  return names[self->secrets_state];
}

const char *
dd_robot_editor_get_message (DdRobotEditor *self)
{
  g_return_val_if_fail (DD_IS_ROBOT_EDITOR (self), NULL);
  return self->message;
}

gboolean
dd_robot_editor_is_busy (DdRobotEditor *self)
{
  g_return_val_if_fail (DD_IS_ROBOT_EDITOR (self), FALSE);
  return self->busy;
}
