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
  guint                 is_new : 1;
  guint                 busy : 1;

  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  AdwEntryRow          *name_row;
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
};

/* dd-robot-editor.c */
void       dd_robot_editor_show_message     (DdRobotEditor  *self,
                                             const char     *text);
void       dd_robot_editor_set_busy         (DdRobotEditor  *self,
                                             gboolean        busy);
DdProfile *dd_robot_editor_current_copy     (DdRobotEditor  *self,
                                             GError        **error);
void       dd_robot_editor_emit_done        (DdRobotEditor  *self);
void       dd_robot_editor_emit_duplicate   (DdRobotEditor  *self,
                                             DdProfile      *copy);

/* dd-robot-editor-actions.c: Test, Delete, Duplicate */
void       dd_robot_editor_delete_action    (GtkWidget      *widget,
                                             const char     *action_name,
                                             GVariant       *parameter);
void       dd_robot_editor_duplicate_action (GtkWidget      *widget,
                                             const char     *action_name,
                                             GVariant       *parameter);

G_END_DECLS
