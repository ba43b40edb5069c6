/* dd-client-private.h: what dd-client.c and dd-client-token.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dd-client.h"

G_BEGIN_DECLS

typedef struct {
  char   *token;
  gint64  expires_at;   /* monotonic µs */
  GList  *waiters;      /* GTasks waiting for the request in flight */
  gboolean in_flight;
} TokenEntry;

struct _DdClient
{
  GObject      parent_instance;

  SoupSession *session;
  GHashTable  *tokens;          /* cache key -> TokenEntry */
  guint        n_token_fetches;
  GQueue       token_saves;     /* TokenSave: the head on its way to the keyring */
  gboolean     keep_tokens;
};

/* dd-client.c */
const char  *_dd_client_member_string (JsonObject *object,
                                       const char *name);
gint64       _dd_client_member_int    (JsonObject *object,
                                       const char *name,
                                       gint64      fallback);
SoupMessage *_dd_client_build_json_post (const char *url,
                                       const char *json);

/* dd-client-token.c */
void         _dd_client_token_entry_free (gpointer data);
void         _dd_client_token_save_free (gpointer data);
void         _dd_client_get_token_async (DdClient            *self,
                                       DdProfile           *profile,
                                       gboolean             v1,
                                       gboolean             refresh,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);

G_END_DECLS
