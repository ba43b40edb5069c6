/* dd-profile-private.h: what the core's profile files share: dd-profile.c,
 * dd-profile-rules.c, and the keeping of the secrets in memory that
 * dd-secrets.c and dd-profile-store.c look after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-profile.h"

G_BEGIN_DECLS

char     *dd_profile_dup_base_url          (const char *value,
                                           const char *fallback);

/* "secrets-loaded": dd-secrets.c takes the serial when it starts reading
 * or writing the keyring and sets the flag with it when it is done, which
 * does nothing if the secrets were marked stale meanwhile. */
guint     dd_profile_get_secrets_serial    (DdProfile  *self);
void      dd_profile_set_secrets_loaded    (DdProfile  *self,
                                           guint       serial);
void      dd_profile_mark_secrets_stale    (DdProfile  *self);

/* An access token kept with the secrets: dd-secrets.c and the client. */
void        dd_profile_set_saved_token     (DdProfile   *self,
                                           gboolean     v1,
                                           const char  *for_key,
                                           const char  *token,
                                           gint64       expires);
const char *dd_profile_get_saved_token     (DdProfile   *self,
                                           gboolean     v1,
                                           const char **for_key,
                                           gint64      *expires);

G_END_DECLS
