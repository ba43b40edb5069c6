/* dd-robot-editor.h: one robot's fields, its secrets from the keyring, and
 * the Test button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-client.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_ROBOT_EDITOR (dd_robot_editor_get_type ())

G_DECLARE_FINAL_TYPE (DdRobotEditor, dd_robot_editor, DD, ROBOT_EDITOR, GtkBox)

/* Signals: "done" (deleted or left), "duplicate" (DdProfile *copy, saved
 * with its secrets, to be edited next). */

GtkWidget *dd_robot_editor_new              (DdProfileStore *profiles,
                                             DdClient       *client,
                                             DdProfile      *profile,
                                             gboolean        is_new);
void       dd_robot_editor_save             (DdRobotEditor  *self);
gboolean   dd_robot_editor_has_changes      (DdRobotEditor  *self);
/* Asks what to do with changes not saved, if there are any: TRUE when the
 * editor may be left (saved, discarded or unchanged), FALSE to stay. */
void       dd_robot_editor_confirm_leave_async  (DdRobotEditor       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean   dd_robot_editor_confirm_leave_finish (DdRobotEditor       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void       dd_robot_editor_test             (DdRobotEditor  *self);
/* for tests: "loading", "loaded", "failed" (keyring), and the last
 * status or error shown */
const char *dd_robot_editor_get_secrets_state (DdRobotEditor *self);
const char *dd_robot_editor_get_message       (DdRobotEditor *self);
gboolean    dd_robot_editor_is_busy           (DdRobotEditor *self);

G_END_DECLS
