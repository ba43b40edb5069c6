/* dd-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-outbox.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_TYPE_APPLICATION (dd_application_get_type ())

G_DECLARE_FINAL_TYPE (DdApplication, dd_application, DD, APPLICATION, AdwApplication)

DdApplication  *dd_application_new           (void);
DdProfileStore *dd_application_get_profiles  (DdApplication *self);
GSettings      *dd_application_get_settings  (DdApplication *self);  /* NULL without the schema */
DdOutbox       *dd_application_get_outbox    (DdApplication *self);  /* NULL if it could not be opened */
void            dd_application_send_in_background (DdApplication *self,
                                              GtkWindow     *window);

G_END_DECLS
