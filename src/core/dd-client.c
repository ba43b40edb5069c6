/* dd-client.c: talks to DingTalk: access tokens, media uploads, messages
 *
 * One SoupSession for the whole app.  Every answer is judged by its errcode
 * (DingTalk answers HTTP 200 to most errors), non-JSON bodies and HTTP
 * errors included.  An internal app's access tokens — gettoken's for
 * uploads, the v1.0 oauth2 endpoint's for the app robot's messages — are
 * cached until shortly before they expire, concurrent callers share one
 * request for each, and a call that DingTalk answers with 40014/42001 or
 * InvalidAuthentication refreshes its token once and tries again once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dd-client-private.h"
#include "dd-error.h"
#include "dd-secret-mem.h"
#include "dd-sign.h"


G_DEFINE_FINAL_TYPE (DdClient, dd_client, G_TYPE_OBJECT)


static void
dd_client_finalize (GObject *object)
{
  DdClient *self = (DdClient *) object;

  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_queue_clear_full (&self->token_saves, _dd_client_token_save_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dd_client_parent_class)->finalize (object);
}

static void
dd_client_class_init (DdClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dd_client_finalize;
}

static void
dd_client_init (DdClient *self)
{
  /* Uploads in parallel, a send and a token beside them: more than
   * libsoup's 2 connections per host. */
  self->session = soup_session_new_with_options ("timeout", DD_CLIENT_DEFAULT_TIMEOUT,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 8,
                                                 "max-conns", 16,
                                                 "user-agent", "DingDrop/" PACKAGE_VERSION " ",
                                                 NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _dd_client_token_entry_free);
}

DdClient *
dd_client_new (void)
{
  return g_object_new (DD_TYPE_CLIENT, NULL);
}

/**
 * dd_client_get_default:
 *
 * Returns: (transfer none): the client shared by the whole process, so that
 *   connections and cached tokens are shared too
 */
DdClient *
dd_client_get_default (void)
{
  static DdClient *client;

  if (g_once_init_enter (&client))
    g_once_init_leave (&client, dd_client_new ());

  return client;
}

SoupSession *
dd_client_get_session (DdClient *self)
{
  g_return_val_if_fail (DD_IS_CLIENT (self), NULL);
  return self->session;
}

/**
 * dd_client_set_timeout:
 * @seconds: how long a connection may make no progress before the request
 *   fails with %DD_ERROR_TIMEOUT
 */
void
dd_client_set_timeout (DdClient *self,
                       guint     seconds)
{
  g_return_if_fail (DD_IS_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

/**
 * dd_client_get_n_token_fetches:
 *
 * Returns: how many token requests (gettoken and v1.0 oauth2) this
 *   client has made
 */
guint
dd_client_get_n_token_fetches (DdClient *self)
{
  g_return_val_if_fail (DD_IS_CLIENT (self), 0);
  return self->n_token_fetches;
}

/**
 * dd_client_set_keep_tokens:
 * @keep: %TRUE to put every access token fetched in the keyring
 *
 * DingTalk's access tokens last two hours.  A client that keeps them puts
 * each one it fetches in the keyring with the profile's secrets
 * (dd_secrets_store_token_async()), where dd_secrets_load_async() finds it
 * for the next process: a script that runs `dingdrop send` for every
 * screenshot asks for one token in two hours, not one per run.  Whether
 * or not it keeps them, a client uses a token that was loaded with the
 * secrets.
 */
void
dd_client_set_keep_tokens (DdClient *self,
                           gboolean  keep)
{
  g_return_if_fail (DD_IS_CLIENT (self));
  self->keep_tokens = !!keep;
}

/**
 * dd_client_is_saving_tokens:
 *
 * Returns: %TRUE while a token is on its way to the keyring (a process
 *   about to exit waits for it)
 */
gboolean
dd_client_is_saving_tokens (DdClient *self)
{
  g_return_val_if_fail (DD_IS_CLIENT (self), FALSE);
  return !g_queue_is_empty (&self->token_saves);
}

/* ------------------------------------------------------------------------ */
/* Judging answers                                                           */

/* A member of an answer in the shape DingTalk sends it; NULL (or @fallback)
 * for any other shape.  json-glib's _with_default getters emit a critical
 * for an object or an array there (a g_return_if_fail() reached with bytes
 * from the network), and turn a double or a string into a number. */
const char *
_dd_client_member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gint64
_dd_client_member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

/* The scopes a v1.0 "AccessTokenPermissionDenied" names, in
 * accessdenieddetail.requiredScopes; strings only. */
static GStrv
required_scopes (JsonObject *object)
{
  JsonNode *detail = json_object_get_member (object, "accessdenieddetail");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *scopes;

  if (detail == NULL || !JSON_NODE_HOLDS_OBJECT (detail))
    return NULL;
  scopes = json_object_get_member (json_node_get_object (detail), "requiredScopes");
  if (scopes == NULL || !JSON_NODE_HOLDS_ARRAY (scopes))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (scopes)); i++)
    {
      JsonNode *scope = json_array_get_element (json_node_get_array (scopes), i);

      if (JSON_NODE_HOLDS_VALUE (scope) && json_node_get_value_type (scope) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (scope));
    }
  return g_strv_builder_end (builder);
}

/**
 * dd_client_judge_response:
 * @http_status: the answer's HTTP status
 * @body: (nullable): the answer's body
 * @out_object: (out) (optional) (transfer full): the parsed JSON object
 *
 * Decides whether DingTalk accepted a request.  HTTP 200 carries errors in
 * errcode; an HTML page (a 413 from a proxy) or a 5xx carries none.
 *
 * Returns: %TRUE if DingTalk accepted it
 */
gboolean
dd_client_judge_response (guint        http_status,
                          GBytes      *body,
                          JsonObject **out_object,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  gboolean ok_status = http_status >= 200 && http_status < 300;

  if (data == NULL || len == 0 ||
      !json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (!ok_status)
        g_propagate_error (error, dd_error_new_http (http_status, soup_status_get_phrase (http_status)));
      else
        g_propagate_error (error, dd_error_new_unexpected (http_status, "the answer is not JSON"));
      return FALSE;
    }

  object = json_node_get_object (root);

  if (json_object_has_member (object, "errcode"))
    {
      JsonNode *node = json_object_get_member (object, "errcode");
      const char *errmsg = _dd_client_member_string (object, "errmsg");
      const char *sub_code = _dd_client_member_string (object, "sub_code");
      gint64 errcode;

      /* Success is a numeric 0 and nothing else: "0", 0.0 or null is an
       * answer DingTalk does not give. */
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          g_propagate_error (error, dd_error_new_malformed (http_status, "errcode is not a number"));
          return FALSE;
        }
      errcode = json_node_get_int (node);
      if (errcode != 0)
        {
          g_propagate_error (error, dd_error_new_dingtalk_sub (errcode, errmsg, sub_code, http_status));
          return FALSE;
        }
    }
  else if (_dd_client_member_int (object, "status", 0) == 1111)
    {
      /* the gateway's ban after too many calls: {"status":1111,"wait":5} */
      g_propagate_error (error, dd_error_new_coded (DD_ERROR_BUSY, http_status, "status 1111"));
      return FALSE;
    }
  else if (!ok_status)
    {
      g_auto(GStrv) scopes = required_scopes (object);

      /* The v1.0 API answers with real HTTP errors and a string code. */
      g_propagate_error (error,
                         dd_error_new_v1 (http_status,
                                          _dd_client_member_string (object, "code"),
                                          _dd_client_member_string (object, "message"),
                                          (const char * const *) scopes));
      return FALSE;
    }

  if (!ok_status)
    {
      g_propagate_error (error, dd_error_new_http (http_status, soup_status_get_phrase (http_status)));
      return FALSE;
    }

  if (out_object != NULL)
    *out_object = json_object_ref (object);

  return TRUE;
}

static gboolean
is_token_rejected (const GError *error)
{
  return g_error_matches (error, DD_ERROR, DD_ERROR_TOKEN_INVALID);
}
/* ------------------------------------------------------------------------ */
/* Requests that need a token: upload, app-robot send                        */

typedef enum {
  CALL_UPLOAD,
  CALL_WEBHOOK,
  CALL_APP_ROBOT,
} CallKind;

typedef struct {
  CallKind        kind;
  DdProfile      *profile;
  DdMessage      *message;
  GBytes         *data;
  char           *filename;
  char           *mime_type;
  DdProgressFunc  progress;
  gpointer        progress_data;
  goffset         sent;
  goffset         total;
  guint           attempt;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->profile);
  g_clear_pointer (&call->message, dd_message_free);
  g_clear_pointer (&call->data, g_bytes_unref);
  g_free (call->filename);
  g_free (call->mime_type);
  g_free (call);
}

static void call_start (GTask *task, const char *token);

static void
call_token_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = dd_client_get_token_finish (DD_CLIENT (source), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  call_start (g_steal_pointer (&task), token);
}

static void
call_get_token (GTask    *task,
                gboolean  refresh)
{
  Call *call = g_task_get_task_data (task);

  /* the app robot's message takes the v1.0 API's own token */
  _dd_client_get_token_async (g_task_get_source_object (task), call->profile,
                   call->kind == CALL_APP_ROBOT, refresh,
                   g_task_get_cancellable (task), call_token_cb, task);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    GTask       *task)
{
  Call *call = g_task_get_task_data (task);

  call->sent += chunk_size;
  if (call->progress != NULL)
    call->progress (MIN (call->sent, call->total), call->total, call->progress_data);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, dd_error_from_transport (error));
      return;
    }

  if (!dd_client_judge_response (soup_message_get_status (msg), body, &object, &error))
    {
      /* 40014/42001: refresh the token once and try once more. */
      if (call->kind != CALL_WEBHOOK && call->attempt == 0 && is_token_rejected (error))
        {
          g_debug ("DingTalk refused the access token (errcode %" G_GINT64_FORMAT "); refreshing it",
                   dd_error_get_errcode (error));
          call->attempt++;
          call_get_token (g_steal_pointer (&task), TRUE);
          return;
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The judge takes an errcode-less 200 for the v1.0 API's success; the
   * oapi always says errcode 0, the v1.0 robot its processQueryKey: an
   * answer without it ({} from a proxy) is not taken for "sent". */
  if (call->kind == CALL_APP_ROBOT ? _dd_client_member_string (object, "processQueryKey") == NULL
                                   : !json_object_has_member (object, "errcode"))
    {
      g_task_return_error (task, dd_error_new_malformed (soup_message_get_status (msg),
                                                         "no errcode or processQueryKey in the answer"));
      return;
    }

  if (call->kind == CALL_UPLOAD)
    {
      const char *media_id = _dd_client_member_string (object, "media_id");

      if (media_id == NULL || *media_id == '\0')
        g_task_return_error (task, dd_error_new_unexpected (soup_message_get_status (msg),
                                                            "no media_id in the answer"));
      else
        g_task_return_pointer (task, g_strdup (media_id), g_free);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* A file name as a multipart header may carry it (RFC 7578): a line
 * break would end the header and start another one, a quote would end
 * the parameter. */
static char *
header_safe_filename (const char *filename)
{
  char *safe = g_strdup (filename);

  for (char *p = safe; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
      *p = '_';
  return safe;
}

/* ---- request bodies ---------------------------------------------------- */

/* The pieces of a request's body, kept with the message: libsoup reads
 * its body stream once, and drops it when the message is restarted (a
 * redirect; an idempotent request sent again when a kept-alive
 * connection turns out closed), so a restart gets a new stream over the
 * same pieces. */
typedef struct {
  char      *content_type;
  GPtrArray *parts;   /* GBytes */
  goffset    length;
} Body;

static void
body_free (Body *body)
{
  g_free (body->content_type);
  g_ptr_array_unref (body->parts);
  g_free (body);
}

static void
body_attach (SoupMessage *msg,
             Body        *body)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new ();

  for (guint i = 0; i < body->parts->len; i++)
    g_memory_input_stream_add_bytes (G_MEMORY_INPUT_STREAM (stream), g_ptr_array_index (body->parts, i));
  soup_message_set_request_body (msg, body->content_type, stream, body->length);
}

static void
body_restarted_cb (SoupMessage *msg,
                   Body        *body)
{
  body_attach (msg, body);
}

/* @msg's body: @parts (GBytes) one after the other, not copied. */
static void
set_body (SoupMessage *msg,
          const char  *content_type,
          GPtrArray   *parts)
{
  Body *body = g_new0 (Body, 1);

  body->content_type = g_strdup (content_type);
  body->parts = g_ptr_array_ref (parts);
  for (guint i = 0; i < parts->len; i++)
    body->length += g_bytes_get_size (g_ptr_array_index (parts, i));
  body_attach (msg, body);
  g_signal_connect_data (msg, "restarted", G_CALLBACK (body_restarted_cb), body,
                         (GClosureNotify) (void (*) (void)) body_free, 0);
}

/* The upload's multipart body as libsoup writes it, with the image's
 * bytes (the prepared file, mapped) between its head and its tail
 * instead of copied into one buffer: libsoup's multipart body of a file
 * part that is empty, cut where the part's data goes. */
static SoupMessage *
build_upload (Call       *call,
              const char *token)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) skeleton = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/media/upload?access_token=%s&type=image",
                                          dd_profile_get_oapi_base (call->profile), escaped);
  g_autofree char *filename = header_safe_filename (call->filename);
  g_autofree char *tail = NULL;
  const char *boundary;
  gsize skeleton_len, tail_len;
  SoupMessage *msg;

  soup_multipart_append_form_string (multipart, "type", "image");
  soup_multipart_append_form_file (multipart, "media", filename, call->mime_type, empty);
  soup_multipart_to_message (multipart, headers, &skeleton);
  soup_message_headers_get_content_type (headers, &params);
  boundary = params ? g_hash_table_lookup (params, "boundary") : NULL;
  /* the skeleton ends with the file part's (empty) data, then CRLF, the
   * closing delimiter and CRLF */
  tail = g_strdup_printf ("\r\n--%s--\r\n", boundary ? boundary : "");
  tail_len = strlen (tail);
  skeleton_len = g_bytes_get_size (skeleton);
  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    return NULL;
  if (boundary == NULL || skeleton_len < tail_len ||
      memcmp ((const char *) g_bytes_get_data (skeleton, NULL) + skeleton_len - tail_len, tail, tail_len) != 0)
    {
      /* not the shape expected: the copy libsoup makes */
      g_autoptr(SoupMultipart) whole = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);

      g_object_unref (msg);
      soup_multipart_append_form_string (whole, "type", "image");
      soup_multipart_append_form_file (whole, "media", filename, call->mime_type, call->data);
      msg = soup_message_new_from_multipart (url, whole);
    }
  else
    {
      g_ptr_array_add (parts, g_bytes_new_from_bytes (skeleton, 0, skeleton_len - tail_len));
      g_ptr_array_add (parts, g_bytes_ref (call->data));
      g_ptr_array_add (parts, g_bytes_new_take (g_steal_pointer (&tail), tail_len));
      /* with its boundary parameter */
      set_body (msg, soup_message_headers_get_one (headers, "Content-Type"), parts);
    }
  call->total = g_bytes_get_size (call->data);
  call->sent = 0;

  return msg;
}

SoupMessage *
_dd_client_build_json_post (const char *url,
                 const char *json)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = NULL;

  if (msg == NULL)
    return NULL;

  {
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

    body = g_bytes_new (json, strlen (json));
    g_ptr_array_add (parts, g_bytes_ref (body));
    set_body (msg, "application/json", parts);
  }

  return msg;
}

static void
call_start (GTask      *task,
            const char *token)
{
  DdClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(DdSecret) uri = NULL;   /* with the token or the webhook's */
  g_autofree char *redacted = NULL;

  switch (call->kind)
    {
    case CALL_UPLOAD:
      msg = build_upload (call, token);
      break;

    case CALL_WEBHOOK:
      {
        g_autofree char *json = dd_message_to_webhook_json (call->message);
        /* A fresh timestamp for every request, retries included. */
        g_autoptr(DdSecret) url = dd_sign_url (dd_profile_get_webhook (call->profile),
                                               dd_profile_get_secret (call->profile),
                                            dd_sign_now_ms ());
        msg = _dd_client_build_json_post (url, json);
      }
      break;

    case CALL_APP_ROBOT:
      {
        g_autofree char *json = dd_message_to_app_robot_json (call->message,
                                                              dd_profile_get_robot_code (call->profile),
                                                              dd_profile_get_conversation_id (call->profile));
        g_autofree char *url = g_strdup_printf ("%s/v1.0/robot/groupMessages/send",
                                                dd_profile_get_api_base (call->profile));
        msg = _dd_client_build_json_post (url, json);
        if (msg != NULL)
          soup_message_headers_replace (soup_message_get_request_headers (msg),
                                        "x-acs-dingtalk-access-token", token);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (msg == NULL)
    {
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_INVALID_WEBHOOK, "%s",
                               _("The robot’s webhook is not a valid URL."));
      g_object_unref (task);
      return;
    }

  uri = g_uri_to_string (soup_message_get_uri (msg));
  redacted = dd_redact_url (uri);
  g_debug ("%s %s", soup_message_get_method (msg), redacted);

  if (call->kind == CALL_UPLOAD)
    g_signal_connect_object (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), task, 0);

  /* libsoup reuses a kept-alive connection for a POST only if it may
   * send it again when that connection turns out closed: an upload may
   * (another media_id, nothing shown), a custom robot's message too (its
   * msgUuid keeps DingTalk from showing it twice); an app robot's message
   * has no such key, and goes on a connection of its own. */
  if (call->kind == CALL_UPLOAD || (call->kind == CALL_WEBHOOK && call->message->msg_uuid != NULL))
    soup_message_set_flags (msg, soup_message_get_flags (msg) | SOUP_MESSAGE_IDEMPOTENT);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), call_done_cb, task);
}

/**
 * dd_client_upload_async:
 * @profile: a profile with the internal app's AppKey and AppSecret
 * @data: the image's bytes, exactly as they are to be sent
 * @filename: the name DingTalk is told
 * @mime_type: e.g. "image/png"
 * @progress: (nullable) (scope notified): called as the body is written
 *
 * Uploads an image to DingTalk's media store; the result is its media_id.
 */
void
dd_client_upload_async (DdClient            *self,
                        DdProfile           *profile,
                        GBytes              *data,
                        const char          *filename,
                        const char          *mime_type,
                        DdProgressFunc       progress,
                        gpointer             progress_data,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (DD_IS_CLIENT (self));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (data != NULL);
  g_return_if_fail (filename != NULL);
  g_return_if_fail (mime_type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_client_upload_async);

  call = g_new0 (Call, 1);
  call->kind = CALL_UPLOAD;
  call->profile = g_object_ref (profile);
  call->data = g_bytes_ref (data);
  call->filename = g_strdup (filename);
  call->mime_type = g_strdup (mime_type);
  call->progress = progress;
  call->progress_data = progress_data;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  call_get_token (g_steal_pointer (&task), FALSE);
}

/**
 * dd_client_upload_finish:
 *
 * Returns: (transfer full): the media_id ("@lAD…"), or %NULL
 */
char *
dd_client_upload_finish (DdClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * dd_client_send_async:
 * @profile: the robot
 * @message: one message (see dd_message_compose())
 *
 * Sends @message to the group: through the custom robot's webhook, signed
 * if the profile has a signing secret, or as the internal app's robot if
 * the profile has a robot code and a conversation id.
 */
void
dd_client_send_async (DdClient            *self,
                      DdProfile           *profile,
                      const DdMessage     *message,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (DD_IS_CLIENT (self));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (message != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_client_send_async);

  call = g_new0 (Call, 1);
  call->profile = g_object_ref (profile);
  call->message = dd_message_copy (message);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (dd_profile_uses_app_robot (profile))
    {
      call->kind = CALL_APP_ROBOT;
      call_get_token (g_steal_pointer (&task), FALSE);
      return;
    }

  call->kind = CALL_WEBHOOK;
  if (dd_profile_get_webhook (profile) == NULL)
    {
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_INVALID_WEBHOOK, "%s",
                               _("This robot has no webhook. Copy it from the robot’s settings in the group."));
      return;
    }

  call_start (g_steal_pointer (&task), NULL);
}

gboolean
dd_client_send_finish (DdClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
