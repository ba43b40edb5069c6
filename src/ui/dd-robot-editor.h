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

/* Signals: "done" (saved, deleted or left), "duplicate" (DdProfile *copy,
 * not yet in the store). */

GtkWidget *dd_robot_editor_new              (DdProfileStore *profiles,
                                             DdClient       *client,
                                             DdProfile      *profile,
                                             gboolean        is_new);
void       dd_robot_editor_save             (DdRobotEditor  *self);
void       dd_robot_editor_test             (DdRobotEditor  *self);
/* for tests: "loading", "loaded", "failed" (keyring), and the last
 * status or error shown */
const char *dd_robot_editor_get_secrets_state (DdRobotEditor *self);
const char *dd_robot_editor_get_message       (DdRobotEditor *self);
gboolean    dd_robot_editor_is_busy           (DdRobotEditor *self);

G_END_DECLS
