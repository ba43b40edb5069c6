/* dd-secrets.h: a profile's webhook, signing secret and AppSecret in the
 * system keyring (libsecret; the Secret portal inside Flatpak)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-profile.h"

G_BEGIN_DECLS

/* The "field" attribute of a profile's keyring item: "all" holds the three
 * secrets (dd-secrets.c says how); DingDrop 1.0 stored one item for each
 * of the others, which are still read. */
#define DD_SECRET_FIELD_ALL        "all"
#define DD_SECRET_FIELD_WEBHOOK    "webhook"
#define DD_SECRET_FIELD_SECRET     "secret"
#define DD_SECRET_FIELD_APP_SECRET "app-secret"
#define DD_SECRET_FIELD_TOKEN      "token"
#define DD_SECRET_FIELD_TOKEN_V1   "token-v1.0"

void      dd_secrets_store_async   (DdProfile            *profile,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  dd_secrets_store_finish  (GAsyncResult         *result,
                                    GError              **error);

void      dd_secrets_load_async    (DdProfile            *profile,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  dd_secrets_load_finish   (GAsyncResult         *result,
                                    GError              **error);

void      dd_secrets_store_token_async  (DdProfile       *profile,
                                         gboolean         v1,
                                         GCancellable    *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer         user_data);
gboolean  dd_secrets_store_token_finish (GAsyncResult    *result,
                                         GError         **error);

void      dd_secrets_clear_async   (const char           *profile_id,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  dd_secrets_clear_finish  (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
