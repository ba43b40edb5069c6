/* dd-robot-chooser.h: the header's robot chooser: one robot with a click
 * on its name, several with their check buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dd-profile.h"

G_BEGIN_DECLS

#define DD_TYPE_ROBOT_CHOOSER (dd_robot_chooser_get_type ())

G_DECLARE_FINAL_TYPE (DdRobotChooser, dd_robot_chooser, DD, ROBOT_CHOOSER, GtkWidget)

/* Signals: "changed", when the robots chosen changed (by the user, by
 * dd_robot_chooser_select(), or because a chosen one was removed). */

GtkWidget  *dd_robot_chooser_new          (void);
void        dd_robot_chooser_set_model    (DdRobotChooser      *self,
                                           GListModel          *profiles);  /* of DdProfile */
GPtrArray  *dd_robot_chooser_get_selected (DdRobotChooser      *self);      /* (element-type DdProfile) (transfer container), in the model's order */
DdProfile  *dd_robot_chooser_get_primary  (DdRobotChooser      *self);      /* (nullable) (transfer none): the first chosen */
void        dd_robot_chooser_select       (DdRobotChooser      *self,
                                           const char * const  *ids);       /* unknown ids are left out */
gboolean    dd_robot_chooser_toggle       (DdRobotChooser      *self,
                                           DdProfile           *profile);   /* as its check button does */
const char *dd_robot_chooser_get_label    (DdRobotChooser      *self);      /* what the header shows */

G_END_DECLS
