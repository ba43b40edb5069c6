/* dd-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-application.h"

G_BEGIN_DECLS

#define DD_TYPE_WINDOW (dd_window_get_type ())

G_DECLARE_FINAL_TYPE (DdWindow, dd_window, DD, WINDOW, AdwApplicationWindow)

DdWindow *dd_window_new (DdApplication *application);

G_END_DECLS
