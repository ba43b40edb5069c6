/* dd-robots-window.h: the robots (profiles): add, edit, test, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-client.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_ROBOTS_WINDOW (dd_robots_window_get_type ())

G_DECLARE_FINAL_TYPE (DdRobotsWindow, dd_robots_window, DD, ROBOTS_WINDOW, AdwPreferencesWindow)

DdRobotsWindow *dd_robots_window_new        (DdProfileStore *profiles,
                                             DdClient       *client);
void            dd_robots_window_edit       (DdRobotsWindow *self,
                                             DdProfile      *profile,
                                             gboolean        is_new);
void            dd_robots_window_add_robot  (DdRobotsWindow *self);
GtkWidget      *dd_robots_window_get_editor (DdRobotsWindow *self);   /* for tests */

G_END_DECLS
