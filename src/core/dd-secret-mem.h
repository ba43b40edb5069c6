/* dd-secret-mem.h: secrets in memory: copies that are wiped when freed,
 * and the JSON of the keyring item made and read without other copies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void      dd_wipe                   (gpointer            mem,
                                     gsize               len);
void      dd_secret_free            (char               *str);
char     *dd_secret_dup_stripped    (const char         *value);

/* A string holding a secret (a webhook, a signing secret, an AppSecret,
 * a URL or a body with one in it): g_autoptr(DdSecret) wipes it. */
typedef char DdSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdSecret, dd_secret_free)

char     *dd_secret_json_build      (const char * const *names,
                                     const char * const *values,
                                     guint               n);
gboolean  dd_secret_json_parse      (const char         *json,
                                     const char * const *names,
                                     char              **values,
                                     guint               n,
                                     GError            **error);

G_END_DECLS
