/* dd-application-private.h: for the tests only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-application.h"

G_BEGIN_DECLS

/* An application with robots and an outbox of the caller's (loaded by
 * it, and closed by it after the application ran). */
DdApplication *_dd_application_new_for (const char     *application_id,
                                        DdProfileStore *profiles,
                                        DdOutbox       *outbox);

G_END_DECLS
