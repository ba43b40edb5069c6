/* dd-fake-server-token.c: app access tokens (/gettoken, /v1.0/oauth2/accessToken)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens live on the fake's clock. Within its lifetime an app gets the same
 * token back, renewed; once expired (by time or dd_fake_server_expire_tokens())
 * a token answers 42001 and the next request issues a new one.
 *
 * Each endpoint issues tokens of its own: a /gettoken token is refused by
 * the v1.0 API (InvalidAuthentication) and a v1.0 token by the oapi
 * (40014), as shared/dingtalk-api.md §5 advises using each API's own.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-server-private.h"

void
dd_fake_app_free (DdFakeApp *app)
{
  g_free (app->app_key);
  g_free (app->app_secret);
  g_free (app->current_token);
  g_free (app->current_v1_token);
  g_hash_table_unref (app->missing_scopes);
  g_free (app);
}

void
dd_fake_token_free (DdFakeToken *token)
{
  g_free (token->token);
  g_free (token->app_key);
  g_free (token);
}

DdFakeTokenState
dd_fake_server_check_token (DdFakeServer *self,
                            const char   *token,
                            gboolean      v1)
{
  DdFakeToken *info;

  g_assert (DD_IS_FAKE_SERVER (self));

  if (token == NULL || (info = g_hash_table_lookup (self->tokens, token)) == NULL ||
      info->v1 != v1)
    return DD_FAKE_TOKEN_UNKNOWN;
  if (info->expires_at <= dd_fake_server_get_now_ms (self))
    return DD_FAKE_TOKEN_EXPIRED;
  return DD_FAKE_TOKEN_VALID;
}

/* TRUE if @token's app was granted @scope */
gboolean
dd_fake_server_token_has_scope (DdFakeServer *self,
                                const char   *token,
                                const char   *scope)
{
  DdFakeToken *info = token ? g_hash_table_lookup (self->tokens, token) : NULL;
  DdFakeApp *app = info ? g_hash_table_lookup (self->apps, info->app_key) : NULL;

  return app != NULL && !g_hash_table_contains (app->missing_scopes, scope);
}

/* DingTalk: within its lifetime the same token comes back, renewed */
static const char *
issue_token (DdFakeServer *self,
             DdFakeApp    *app,
             gboolean      v1)
{
  gint64 expires_at = dd_fake_server_get_now_ms (self) + (gint64) self->token_lifetime_s * 1000;
  char **current = v1 ? &app->current_v1_token : &app->current_token;
  DdFakeToken *info;

  if (dd_fake_server_check_token (self, *current, v1) == DD_FAKE_TOKEN_VALID)
    {
      info = g_hash_table_lookup (self->tokens, *current);
      info->expires_at = expires_at;
      return *current;
    }

  info = g_new0 (DdFakeToken, 1);
  info->token = g_uuid_string_random ();
  /* real tokens are 32 hexadecimal digits */
  g_strdelimit (info->token, "-", 'f');
  info->token[32] = '\0';
  info->app_key = g_strdup (app->app_key);
  info->expires_at = expires_at;
  info->v1 = v1;
  g_hash_table_insert (self->tokens, info->token, info);

  g_free (*current);
  *current = g_strdup (info->token);

  return *current;
}

static DdFakeApp *
find_app (DdFakeServer *self,
          const char   *app_key,
          const char   *app_secret)
{
  DdFakeApp *app;

  if (app_key == NULL || app_secret == NULL)
    return NULL;
  app = g_hash_table_lookup (self->apps, app_key);
  if (app == NULL || strcmp (app->app_secret, app_secret) != 0)
    return NULL;
  return app;
}

void
dd_fake_server_handle_gettoken (DdFakeServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *query,
                 JsonObject        *entry)
{
  g_autoptr(JsonBuilder) builder = NULL;
  const char *token;
  DdFakeApp *app;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    {
      dd_fake_reply_errcode (msg, entry, 43001, "需要GET请求");
      return;
    }

  app = find_app (self,
                  query ? g_hash_table_lookup (query, "appkey") : NULL,
                  query ? g_hash_table_lookup (query, "appsecret") : NULL);
  if (app == NULL)
    {
      dd_fake_reply_errcode (msg, entry, 40089, "不合法的appKey或appSecret");
      return;
    }

  token = issue_token (self, app, FALSE);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errcode");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "errmsg");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, self->token_lifetime_s);
  json_builder_end_object (builder);
  dd_fake_reply_json (msg, SOUP_STATUS_OK, builder);

  json_object_set_int_member (entry, "errcode", 0);
  json_object_set_boolean_member (entry, "accepted", TRUE);
  json_object_set_string_member (entry, "access_token", token);
}

/* The newer endpoint: JSON in, JSON out, HTTP 4xx on errors */
void
dd_fake_server_handle_oauth2_token (DdFakeServer      *self,
                     SoupServerMessage *msg,
                     JsonObject        *entry)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  JsonObject *object;
  const char *token;
  DdFakeApp *app = NULL;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      dd_fake_reply_v1_error (msg, entry, SOUP_STATUS_METHOD_NOT_ALLOWED,
                              "MethodNotAllowed", "POST required");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  root = dd_fake_parse_json (body);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      object = json_node_get_object (root);
      app = find_app (self,
                      json_object_get_string_member_with_default (object, "appKey", NULL),
                      json_object_get_string_member_with_default (object, "appSecret", NULL));
    }
  if (app == NULL)
    {
      dd_fake_reply_v1_error (msg, entry, SOUP_STATUS_BAD_REQUEST,
                              "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
      return;
    }

  token = issue_token (self, app, TRUE);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expireIn");
  json_builder_add_int_value (builder, self->token_lifetime_s);
  json_builder_end_object (builder);
  dd_fake_reply_json (msg, SOUP_STATUS_OK, builder);

  json_object_set_int_member (entry, "errcode", 0);
  json_object_set_boolean_member (entry, "accepted", TRUE);
  json_object_set_string_member (entry, "access_token", token);
}

void
dd_fake_server_add_app (DdFakeServer *self,
                        const char   *app_key,
                        const char   *app_secret)
{
  DdFakeApp *app;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (app_key != NULL && *app_key != '\0');
  g_return_if_fail (app_secret != NULL);

  app = g_new0 (DdFakeApp, 1);
  app->app_key = g_strdup (app_key);
  app->app_secret = g_strdup (app_secret);
  app->missing_scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_replace (self->apps, app->app_key, app);
}

/**
 * dd_fake_server_revoke_scope:
 * @scope: e.g. "qyapi_robot_sendmsg" (app robot sends) or "qyapi_base"
 *   (uploads)
 *
 * The app no longer has @scope: its calls that need it are answered
 * Forbidden.AccessDenied.AccessTokenPermissionDenied, naming @scope in
 * accessdenieddetail.requiredScopes.
 */
void
dd_fake_server_revoke_scope (DdFakeServer *self,
                             const char   *app_key,
                             const char   *scope)
{
  DdFakeApp *app;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  app = g_hash_table_lookup (self->apps, app_key);
  g_return_if_fail (app != NULL);
  g_hash_table_add (app->missing_scopes, g_strdup (scope));
}

/* gives back a scope dd_fake_server_revoke_scope() took */
void
dd_fake_server_grant_scope (DdFakeServer *self,
                            const char   *app_key,
                            const char   *scope)
{
  DdFakeApp *app;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  app = g_hash_table_lookup (self->apps, app_key);
  g_return_if_fail (app != NULL);
  g_hash_table_remove (app->missing_scopes, scope);
}

void
dd_fake_server_set_token_lifetime (DdFakeServer *self,
                                   guint         seconds)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (seconds > 0);
  self->token_lifetime_s = seconds;
}

/**
 * dd_fake_server_expire_tokens:
 *
 * Every app token issued so far answers 42001 from now on; the next
 * /gettoken issues a new one.
 */
void
dd_fake_server_expire_tokens (DdFakeServer *self)
{
  GHashTableIter iter;
  DdFakeToken *info;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));

  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    info->expires_at = 0;
}
