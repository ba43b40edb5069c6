/* dd-fake-server-robot.c: the custom robot webhook and the app robot route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /robot/send checks, in this order (each failure is HTTP 200 + errcode):
 *   POST (43002), known access_token (300001), for a robot with a secret:
 *   timestamp and sign in the query (310000), timestamp within an hour of
 *   the fake's clock (310000), sign matches (310000); then the rate limit
 *   (410100, or the errcode set), body size (460101), Content-Type (43004),
 *   a valid message (40035), and for a robot with keywords, a keyword in
 *   the content (310000). A send that passed them all is accepted; if its
 *   msgUuid was accepted before it is a duplicate, answered "ok" but not
 *   shown. dd-fake-server.h says why the rate limit counts what it counts.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-server-private.h"

#define ERRMSG_SIGN_NOT_IN_URL "签名和生成签名的时间戳必须都放在调用的网址中"

void
dd_fake_robot_free (DdFakeRobot *robot)
{
  g_free (robot->access_token);
  g_free (robot->secret);
  g_strfreev (robot->keywords);
  g_array_unref (robot->attempts);
  g_hash_table_unref (robot->msg_uuids);
  g_free (robot);
}

void
dd_fake_server_add_robot (DdFakeServer       *self,
                          const char         *access_token,
                          const char         *secret,
                          const char * const *keywords)
{
  DdFakeRobot *robot;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (access_token != NULL && *access_token != '\0');

  robot = g_new0 (DdFakeRobot, 1);
  robot->access_token = g_strdup (access_token);
  robot->secret = secret != NULL && *secret != '\0' ? g_strdup (secret) : NULL;
  robot->keywords = keywords != NULL && keywords[0] != NULL ? g_strdupv ((char **) keywords) : NULL;
  robot->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
  robot->msg_uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_replace (self->robots, robot->access_token, robot);
}

/* --------------------------------------------------------- JSON checking */

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return value != NULL && *value != '\0' ? value : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
has_strings (JsonObject         *object,
             const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (get_string (object, names[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
array_items_have_strings (JsonArray          *array,
                          const char * const *names)
{
  guint n = array ? json_array_get_length (array) : 0;

  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_OBJECT (item) || !has_strings (json_node_get_object (item), names))
        return FALSE;
    }
  return TRUE;
}

/* DingTalk shows a card's picture from a media_id it has, or fetches an
 * https URL; anything else is refused */
gboolean
dd_fake_server_is_picture (DdFakeServer *self,
                           const char   *pic_url)
{
  if (pic_url == NULL)
    return FALSE;
  if (g_str_has_prefix (pic_url, "https://") && pic_url[8] != '\0')
    return TRUE;
  return pic_url[0] == '@' && dd_fake_server_lookup_upload (self, pic_url) != NULL;
}

/* Returns the text that keywords are searched in, or NULL (with @errmsg) */
static char *
validate_robot_message (DdFakeServer *self,
                        JsonObject   *root,
                        const char  **errmsg)
{
  const char *msgtype = get_string (root, "msgtype");
  JsonObject *part;

  *errmsg = "缺少参数 json";
  if (msgtype == NULL)
    return NULL;

  *errmsg = "msgtype is not supported";
  part = get_object (root, msgtype);

  if (strcmp (msgtype, "text") == 0)
    {
      *errmsg = "缺少参数 text.content";
      if (!has_strings (part, (const char *[]) { "content", NULL }))
        return NULL;
      return g_strdup (get_string (part, "content"));
    }

  if (strcmp (msgtype, "markdown") == 0)
    {
      *errmsg = "缺少参数 markdown.title 或 markdown.text";
      if (!has_strings (part, (const char *[]) { "title", "text", NULL }))
        return NULL;
      return g_strconcat (get_string (part, "title"), "\n", get_string (part, "text"), NULL);
    }

  if (strcmp (msgtype, "link") == 0)
    {
      *errmsg = "缺少参数 link.title, link.text 或 link.messageUrl";
      if (!has_strings (part, (const char *[]) { "title", "text", "messageUrl", NULL }))
        return NULL;
      *errmsg = "link.picUrl 不是有效的图片";
      if (json_object_has_member (part, "picUrl") &&
          !dd_fake_server_is_picture (self, get_string (part, "picUrl")))
        return NULL;
      return g_strconcat (get_string (part, "title"), "\n", get_string (part, "text"), NULL);
    }

  if (strcmp (msgtype, "actionCard") == 0)
    {
      *errmsg = "缺少参数 actionCard";
      if (!has_strings (part, (const char *[]) { "title", "text", NULL }))
        return NULL;
      if (!has_strings (part, (const char *[]) { "singleTitle", "singleURL", NULL }) &&
          !array_items_have_strings (get_array (part, "btns"),
                                     (const char *[]) { "title", "actionURL", NULL }))
        return NULL;
      return g_strconcat (get_string (part, "title"), "\n", get_string (part, "text"), NULL);
    }

  if (strcmp (msgtype, "feedCard") == 0)
    {
      JsonArray *links = get_array (part, "links");
      GString *content;

      *errmsg = "缺少参数 feedCard.links";
      if (!array_items_have_strings (links, (const char *[]) { "title", "messageURL", "picURL", NULL }))
        return NULL;
      *errmsg = "feedCard.links[].picURL 不是有效的图片";
      for (guint i = 0; i < json_array_get_length (links); i++)
        if (!dd_fake_server_is_picture (self, get_string (json_array_get_object_element (links, i), "picURL")))
          return NULL;
      content = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (links); i++)
        {
          JsonObject *link = json_array_get_object_element (links, i);
          g_string_append_printf (content, "%s\n", get_string (link, "title"));
        }
      return g_string_free (content, FALSE);
    }

  return NULL;
}

/* ---------------------------------------------------------------- records */

void
dd_fake_server_record_message (DdFakeServer      *self,
                               SoupServerMessage *msg,
                               const char        *access_token,
                               JsonObject        *entry)
{
  GUri *uri = soup_server_message_get_uri (msg);
  DdFakeMessage *message = g_new0 (DdFakeMessage, 1);
  JsonNode *errcode = json_object_get_member (entry, "errcode");

  g_assert (DD_IS_FAKE_SERVER (self));

  message->access_token = g_strdup (access_token);
  message->path = g_strdup (g_uri_get_path (uri));
  message->query = g_strdup (g_uri_get_query (uri));
  message->raw_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  message->body = dd_fake_parse_json (message->raw_body);
  /* a canned answer may hold a string errcode, or none: json-glib would
   * read either as 0, which is success */
  if (errcode != NULL && JSON_NODE_HOLDS_VALUE (errcode) &&
      json_node_get_value_type (errcode) == G_TYPE_INT64)
    message->errcode = json_node_get_int (errcode);
  else
    message->errcode = DD_FAKE_ERRCODE_NONE;
  message->errmsg = g_strdup (json_object_get_string_member_with_default (entry, "errmsg", NULL));
  message->error_code = g_strdup (json_object_get_string_member_with_default (entry, "code", NULL));
  message->accepted = json_object_get_boolean_member_with_default (entry, "accepted", FALSE);
  message->received_at = dd_fake_server_get_now_ms (self);
  message->http_status = soup_server_message_get_status (msg);
  message->duplicate = json_object_get_boolean_member_with_default (entry, "duplicate", FALSE);
  /* msgUuid is the custom robot's; the app robot route has none */
  if (strcmp (message->path, "/robot/send") == 0 &&
      message->body != NULL && JSON_NODE_HOLDS_OBJECT (message->body))
    message->msg_uuid = g_strdup (get_string (json_node_get_object (message->body), "msgUuid"));
  g_ptr_array_add (self->messages, message);

  if (access_token != NULL)
    json_object_set_string_member (entry, "access_token", access_token);
  if (message->body != NULL)
    json_object_set_member (entry, "body", json_node_copy (message->body));
  if (message->msg_uuid != NULL)
    json_object_set_string_member (entry, "msg_uuid", message->msg_uuid);
  json_object_set_int_member (entry, "size", g_bytes_get_size (message->raw_body));
}

/* -------------------------------------------------------- security checks */

static void
look_for_sign_header (const char *name,
                      const char *value,
                      gpointer    user_data)
{
  gboolean *found = user_data;
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (strstr (lower, "sign") != NULL || strstr (lower, "timestamp") != NULL ||
      strcmp (lower, "authorization") == 0 || strcmp (lower, "x-authorization") == 0)
    *found = TRUE;
}

static gint64
check_sign (DdFakeServer       *self,
            DdFakeRobot        *robot,
            SoupServerMessage  *msg,
            GHashTable         *query,
            const char        **errmsg)
{
  const char *timestamp = query ? g_hash_table_lookup (query, "timestamp") : NULL;
  const char *sign = query ? g_hash_table_lookup (query, "sign") : NULL;
  g_autofree char *expected = NULL;
  gint64 ts = 0;

  if (timestamp == NULL || sign == NULL)
    {
      gboolean in_header = FALSE;

      soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                    look_for_sign_header, &in_header);
      *errmsg = in_header ? ERRMSG_SIGN_NOT_IN_URL : "sign not match";
      return 310000;
    }

  if (!g_ascii_string_to_signed (timestamp, 10, 0, G_MAXINT64, &ts, NULL) ||
      ABS (dd_fake_server_get_now_ms (self) - ts) > DD_FAKE_SIGN_WINDOW_MS)
    {
      *errmsg = "invalid timestamp";
      return 310000;
    }

  /* @query was URL-decoded exactly once, as DingTalk does */
  expected = dd_fake_compute_sign (robot->secret, ts);
  if (strcmp (expected, sign) != 0)
    {
      *errmsg = "sign not match";
      return 310000;
    }

  return 0;
}

/* Counts this send; TRUE if DingTalk refuses it as too fast.
 *
 * A strict rolling window over (now - window, now], this send included.
 * Refused sends are counted too and the window is not emptied by a
 * block: DingTalk counts requests, so a client that keeps sending while
 * blocked finds itself over the limit again when the block ends.
 */
static gboolean
rate_limited (DdFakeServer *self,
              DdFakeRobot  *robot)
{
  gint64 now = dd_fake_server_get_now_ms (self);
  guint old = 0;

  while (old < robot->attempts->len &&
         g_array_index (robot->attempts, gint64, old) <= now - (gint64) self->rate_window_ms)
    old++;
  g_array_remove_range (robot->attempts, 0, old);
  g_array_append_val (robot->attempts, now);

  if (robot->blocked_until > now)
    return TRUE;

  if (robot->attempts->len > self->rate_limit)
    {
      robot->blocked_until = now + self->rate_block_ms;
      return TRUE;
    }

  return FALSE;
}

static gboolean
content_has_keyword (const char         *content,
                     const char * const *keywords)
{
  for (guint i = 0; keywords[i] != NULL; i++)
    if (strstr (content, keywords[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
is_json_content_type (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

/* Judges a send as DingTalk does. On the way it counts the send for the
 * rate limit and, once accepted, remembers its msgUuid: *@duplicate says
 * whether that msgUuid was accepted before. */
static gint64
check_robot_send (DdFakeServer       *self,
                  SoupServerMessage  *msg,
                  GHashTable         *query,
                  const char        **errmsg,
                  gboolean           *duplicate)
{
  const char *token = query ? g_hash_table_lookup (query, "access_token") : NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *content = NULL;
  DdFakeRobot *robot;
  const char *msg_uuid;
  gint64 errcode;

  *duplicate = FALSE;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      *errmsg = "需要POST请求";
      return 43002;
    }

  robot = token ? g_hash_table_lookup (self->robots, token) : NULL;
  if (robot == NULL)
    {
      *errmsg = "token is not exist";
      return 300001;
    }

  if (robot->secret != NULL && (errcode = check_sign (self, robot, msg, query, errmsg)) != 0)
    return errcode;

  if (rate_limited (self, robot))
    {
      self->n_throttled++;
      *errmsg = "send too fast, exceed 20 times per minute";
      return self->throttle_errcode;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > DD_FAKE_ROBOT_MAX_BODY_BYTES)
    {
      *errmsg = "message too long, exceed 20000 bytes";
      return 460101;
    }

  if (!is_json_content_type (msg))
    {
      *errmsg = "无效的HTTP HEADER Content-Type";
      return 43004;
    }

  root = dd_fake_parse_json (body);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *errmsg = "缺少参数 json";
      return 40035;
    }

  content = validate_robot_message (self, json_node_get_object (root), errmsg);
  if (content == NULL)
    return 40035;

  if (robot->keywords != NULL &&
      !content_has_keyword (content, (const char * const *) robot->keywords))
    {
      *errmsg = "keywords not in content";
      return 310000;
    }

  /* "用于超时或未知错误时用同一 msgUuid 重试，避免重复": a retry of a
   * message that did arrive is answered ok and not shown twice */
  msg_uuid = get_string (json_node_get_object (root), "msgUuid");
  if (msg_uuid != NULL && !g_hash_table_add (robot->msg_uuids, g_strdup (msg_uuid)))
    *duplicate = TRUE;

  *errmsg = "ok";
  return 0;
}

void
dd_fake_server_handle_robot_send (DdFakeServer      *self,
                                  SoupServerMessage *msg,
                                  GHashTable        *query,
                                  JsonObject        *entry)
{
  const char *errmsg = NULL;
  gboolean duplicate;
  gint64 errcode;

  errcode = check_robot_send (self, msg, query, &errmsg, &duplicate);
  dd_fake_reply_errcode (msg, entry, errcode, errmsg);
  json_object_set_boolean_member (entry, "duplicate", duplicate);
  dd_fake_server_record_message (self, msg,
                                 query ? g_hash_table_lookup (query, "access_token") : NULL,
                                 entry);
}

/* ------------------------------------------------------- app robot route */

static const struct {
  const char *msg_key;
  const char *required[5];
} app_msg_keys[] = {
  { "sampleText", { "content", NULL } },
  { "sampleMarkdown", { "title", "text", NULL } },
  { "sampleImageMsg", { "photoURL", NULL } },
  { "sampleLink", { "text", "title", "picUrl", "messageUrl", NULL } },
  { "sampleActionCard", { "title", "text", "singleTitle", "singleURL", NULL } },
};

typedef struct {
  guint       status;
  const char *code;
  const char *message;
  const char *required_scope;  /* an AccessTokenPermissionDenied's */
} V1Error;

static gboolean
check_msg_param (DdFakeServer *self,
                 const char   *msg_key,
                 JsonNode     *param_node,
                 V1Error      *error)
{
  g_autoptr(GBytes) param_bytes = NULL;
  g_autoptr(JsonNode) param = NULL;
  const char *param_text;
  int key = -1;

  for (guint i = 0; i < G_N_ELEMENTS (app_msg_keys); i++)
    if (strcmp (app_msg_keys[i].msg_key, msg_key) == 0)
      key = i;
  if (key < 0)
    {
      *error = (V1Error) { 400, "invalidParameter.msgKey", "msgKey is not supported" };
      return FALSE;
    }

  if (param_node == NULL)
    {
      *error = (V1Error) { 400, "MissingmsgParam", "msgParam is mandatory for this action." };
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (param_node) || json_node_get_value_type (param_node) != G_TYPE_STRING)
    {
      *error = (V1Error) { 400, "invalidParameter.msgParam", "msgParam must be a JSON string" };
      return FALSE;
    }

  param_text = json_node_get_string (param_node);
  if (strlen (param_text) > DD_FAKE_APP_ROBOT_MAX_PARAM_BYTES)
    {
      *error = (V1Error) { 400, "invalidParameter.msgParam.tooLong", "msgParam exceeds 15000 bytes" };
      return FALSE;
    }

  param_bytes = g_bytes_new_static (param_text, strlen (param_text));
  param = dd_fake_parse_json (param_bytes);
  if (param == NULL || !JSON_NODE_HOLDS_OBJECT (param) ||
      !has_strings (json_node_get_object (param), app_msg_keys[key].required))
    {
      *error = (V1Error) { 400, "invalidParameter.msgParam", "msgParam does not fit msgKey" };
      return FALSE;
    }
  if (strcmp (msg_key, "sampleImageMsg") == 0 &&
      !dd_fake_server_is_picture (self, get_string (json_node_get_object (param), "photoURL")))
    {
      *error = (V1Error) { 400, "invalidParameter.msgParam.photoURL", "photoURL 不是有效的图片地址或mediaId" };
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_app_robot_send (DdFakeServer      *self,
                      SoupServerMessage *msg,
                      const char        *token,
                      V1Error           *error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *robot_code;
  const char *conversation_id;
  const char *expected_conversation;
  const char *msg_key;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      *error = (V1Error) { 405, "MethodNotAllowed", "POST required" };
      return FALSE;
    }

  /* the v1.0 API's own token: a /gettoken one is not known here */
  switch (dd_fake_server_check_token (self, token, TRUE))
    {
    case DD_FAKE_TOKEN_VALID:
      break;
    case DD_FAKE_TOKEN_EXPIRED:
      *error = (V1Error) { 401, "InvalidAuthentication", "access_token已过期" };
      return FALSE;
    case DD_FAKE_TOKEN_UNKNOWN:
    default:
      *error = (V1Error) { 401, "InvalidAuthentication", "不合法的access_token" };
      return FALSE;
    }
  if (!dd_fake_server_token_has_scope (self, token, "qyapi_robot_sendmsg"))
    {
      *error = (V1Error) { 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                           "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp/add-api-permission",
                           "qyapi_robot_sendmsg" };
      return FALSE;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  root = dd_fake_parse_json (body);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *error = (V1Error) { 400, "InvalidParameter", "body is not a JSON object" };
      return FALSE;
    }
  object = json_node_get_object (root);

  robot_code = get_string (object, "robotCode");
  if (robot_code == NULL)
    {
      *error = (V1Error) { 400, "MissingrobotCode", "robotCode is mandatory for this action." };
      return FALSE;
    }
  expected_conversation = g_hash_table_lookup (self->app_robots, robot_code);
  if (expected_conversation == NULL)
    {
      *error = (V1Error) { 400, "invalidParameter.robotCode.notExsit", "robot 不存在" };
      return FALSE;
    }

  conversation_id = get_string (object, "openConversationId");
  if (conversation_id == NULL)
    {
      *error = (V1Error) { 400, "MissingopenConversationId", "openConversationId is mandatory for this action." };
      return FALSE;
    }
  if (strcmp (conversation_id, expected_conversation) != 0)
    {
      *error = (V1Error) { 400, "invalidParameter.openConversationId", "机器人不在该群中" };
      return FALSE;
    }

  msg_key = get_string (object, "msgKey");
  if (msg_key == NULL)
    {
      *error = (V1Error) { 400, "MissingmsgKey", "msgKey is mandatory for this action." };
      return FALSE;
    }

  return check_msg_param (self, msg_key, json_object_get_member (object, "msgParam"), error);
}

void
dd_fake_server_handle_app_robot_send (DdFakeServer      *self,
                                      SoupServerMessage *msg,
                                      JsonObject        *entry)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "x-acs-dingtalk-access-token");
  V1Error error = { 0, };

  if (check_app_robot_send (self, msg, token, &error))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *key = dd_fake_server_make_id (self, "");

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "processQueryKey");
      json_builder_add_string_value (builder, key);
      json_builder_end_object (builder);
      dd_fake_reply_json (msg, SOUP_STATUS_OK, builder);

      json_object_set_int_member (entry, "errcode", 0);
      json_object_set_string_member (entry, "errmsg", "ok");
      json_object_set_boolean_member (entry, "accepted", TRUE);
    }
  else if (error.required_scope != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *request_id = g_uuid_string_random ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "requestid");
      json_builder_add_string_value (builder, request_id);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, error.code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error.message);
      json_builder_set_member_name (builder, "accessdenieddetail");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "requiredScopes");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, error.required_scope);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      dd_fake_reply_json (msg, error.status, builder);

      json_object_set_int_member (entry, "errcode", error.status);
      json_object_set_string_member (entry, "code", error.code);
      json_object_set_string_member (entry, "errmsg", error.message);
      json_object_set_boolean_member (entry, "accepted", FALSE);
    }
  else
    {
      dd_fake_reply_v1_error (msg, entry, error.status, error.code, error.message);
    }

  dd_fake_server_record_message (self, msg, token, entry);
}
