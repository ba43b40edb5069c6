/* dd-robot-editor-private.h: what the files of DdRobotEditor share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-robot-editor.h"

G_BEGIN_DECLS

#define MIB (1024 * 1024)

typedef enum {
  SECRETS_LOADING,
  SECRETS_LOADED,
  SECRETS_FAILED,   /* keyring locked or missing: never overwrite them */
} SecretsState;

struct _DdRobotEditor
{
  GtkBox                parent_instance;

  DdProfileStore       *profiles;
  DdClient             *client;
  DdProfile            *profile;
  GCancellable         *cancellable;
  SecretsState          secrets_state;
  char                 *message;
  char                 *saved_fields;    /* the form as last filled or saved */
  char                 *saved_secrets;   /* the same for the three secrets */
  GTask                *save_task;       /* a Save under way, if any */
  guint                 is_new : 1;
  guint                 busy : 1;
  guint                 reveal_errors : 1;  /* "required" errors too */
  guint                 duplicating : 1;
  guint                 form_ready : 1;

  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *save_button;
  GtkWidget            *delete_button;
  GtkWidget            *duplicate_button;
  AdwEntryRow          *name_row;
  GtkLabel             *name_status;
  AdwActionRow         *keyring_row;
  AdwEntryRow          *webhook_row;
  GtkLabel             *webhook_status;
  AdwEntryRow          *secret_row;
  AdwEntryRow          *keywords_row;
  AdwComboRow          *picture_style_row;   /* index: DdPictureStyle */
  AdwEntryRow          *app_key_row;
  AdwEntryRow          *app_secret_row;
  GtkSpinner           *test_spinner;
  AdwActionRow         *test_app_row;
  GtkImage             *test_app_icon;
  AdwActionRow         *test_webhook_row;
  GtkImage             *test_webhook_icon;
  AdwEntryRow          *link_template_row;
  AdwEntryRow          *oapi_base_row;
  AdwEntryRow          *api_base_row;
  GtkSpinButton        *max_size_spin;
  GtkSwitch            *keep_metadata_switch;
  AdwEntryRow          *robot_code_row;
  AdwEntryRow          *conversation_id_row;
  AdwExpanderRow       *advanced_row;
  GtkLabel             *advanced_status;
};

/* dd-robot-editor.c */
void       dd_robot_editor_show_message     (DdRobotEditor  *self,
                                             const char     *text);
void       dd_robot_editor_set_busy         (DdRobotEditor  *self,
                                             gboolean        busy);
DdProfile *dd_robot_editor_current_copy     (DdRobotEditor  *self,
                                             GError        **error);
void       dd_robot_editor_emit_done        (DdRobotEditor  *self);
char     **dd_robot_editor_split_keywords   (const char     *text);
void       dd_robot_editor_clear_test_results (DdRobotEditor *self);
void       dd_robot_editor_emit_duplicate   (DdRobotEditor  *self,
                                             DdProfile      *copy);

void       dd_robot_editor_save_async       (DdRobotEditor  *self,
                                             GCancellable   *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer        user_data);
gboolean   dd_robot_editor_save_finish      (DdRobotEditor  *self,
                                             GAsyncResult   *result,
                                             GError        **error);

/* dd-robot-editor-form.c: what is typed, checked field by field, and
 * whether it differs from what is saved */
void       dd_robot_editor_form_init        (DdRobotEditor  *self);
gboolean   dd_robot_editor_form_check       (DdRobotEditor  *self);
void       dd_robot_editor_form_mark_saved  (DdRobotEditor  *self,
                                             gboolean        secrets_too);
gboolean   dd_robot_editor_form_has_changes (DdRobotEditor  *self);
void       dd_robot_editor_form_update      (DdRobotEditor  *self);

/* dd-robot-editor-actions.c: Test, Delete, Duplicate */
void       dd_robot_editor_delete_action    (GtkWidget      *widget,
                                             const char     *action_name,
                                             GVariant       *parameter);
void       dd_robot_editor_duplicate_action (GtkWidget      *widget,
                                             const char     *action_name,
                                             GVariant       *parameter);

G_END_DECLS
