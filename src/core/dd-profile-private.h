/* dd-profile-private.h: shared by dd-profile.c and dd-profile-rules.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-profile.h"

G_BEGIN_DECLS

char *dd_profile_dup_base_url (const char *value,
                               const char *fallback);

G_END_DECLS
