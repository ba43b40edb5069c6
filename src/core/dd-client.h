/* dd-client.h: talks to DingTalk: access tokens, media uploads, messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dd-message.h"
#include "dd-profile.h"

G_BEGIN_DECLS

#define DD_CLIENT_DEFAULT_TIMEOUT 30  /* seconds without progress */

#define DD_TYPE_CLIENT (dd_client_get_type ())

G_DECLARE_FINAL_TYPE (DdClient, dd_client, DD, CLIENT, GObject)

/* Upload progress: bytes of the request body written so far. */
typedef void (*DdProgressFunc) (goffset  sent,
                                goffset  total,
                                gpointer user_data);

DdClient    *dd_client_new                 (void);
DdClient    *dd_client_get_default         (void);
SoupSession *dd_client_get_session         (DdClient             *self);
void         dd_client_set_timeout         (DdClient             *self,
                                            guint                 seconds);
guint        dd_client_get_n_token_fetches (DdClient             *self);
void         dd_client_set_keep_tokens     (DdClient             *self,
                                            gboolean              keep);
gboolean     dd_client_is_saving_tokens    (DdClient             *self);

void         dd_client_get_token_async     (DdClient             *self,
                                            DdProfile            *profile,
                                            gboolean              refresh,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char        *dd_client_get_token_finish    (DdClient             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         dd_client_upload_async        (DdClient             *self,
                                            DdProfile            *profile,
                                            GBytes               *data,
                                            const char           *filename,
                                            const char           *mime_type,
                                            DdProgressFunc        progress,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char        *dd_client_upload_finish       (DdClient             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         dd_client_send_async          (DdClient             *self,
                                            DdProfile            *profile,
                                            const DdMessage      *message,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     dd_client_send_finish         (DdClient             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

gboolean     dd_client_judge_response      (guint                 http_status,
                                            GBytes               *body,
                                            JsonObject          **out_object,
                                            GError              **error);

G_END_DECLS
