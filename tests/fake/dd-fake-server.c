/* dd-fake-server.c: a loopback fake of the DingTalk HTTP APIs for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file holds the object, its configuration, the clock, the request
 * dispatcher (faults, canned answers, the request log) and the records.
 * The routes live in dd-fake-server-token.c, dd-fake-server-media.c and
 * dd-fake-server-robot.c; shared helpers in dd-fake-server-util.c.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-server-private.h"

G_DEFINE_FINAL_TYPE (DdFakeServer, dd_fake_server, G_TYPE_OBJECT)

#define DEFAULT_TOKEN_LIFETIME_S 7200
#define DEFAULT_MAX_UPLOAD_BYTES (20 * 1024 * 1024)
#define DEFAULT_LATENCY_MS       1000

static void
dd_fake_canned_free (DdFakeCanned *canned)
{
  g_free (canned->path);
  g_free (canned->errmsg);
  g_clear_pointer (&canned->body, g_bytes_unref);
  g_free (canned->content_type);
  g_free (canned);
}

typedef struct {
  DdFakeServer      *self;   /* unowned: the server owns this record */
  SoupServerMessage *msg;
  guint              timeout_id;
  gulong             disconnected_id;
} DdFakeDelayed;

static const char html_page_500[] =
  "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n"
  "<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n"
  "<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n";

static const char html_page_200[] =
  "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\">"
  "<title>钉钉</title></head>\r\n<body><p>系统繁忙，请稍后再试</p></body></html>\r\n";

static void
write_log_entry (DdFakeServer *self,
                 JsonObject   *entry)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len;

  if (self->log == NULL)
    return;

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, entry);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, &len);

  if (!g_output_stream_write_all (self->log, line, len, NULL, NULL, &error) ||
      !g_output_stream_write_all (self->log, "\n", 1, NULL, NULL, &error) ||
      !g_output_stream_flush (self->log, NULL, &error))
    g_warning ("Could not write the request log: %s", error->message);
}

static JsonObject *
new_log_entry (SoupServerMessage *msg)
{
  JsonObject *entry = json_object_new ();
  GUri *uri = soup_server_message_get_uri (msg);

  json_object_set_string_member (entry, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (entry, "path", g_uri_get_path (uri));
  json_object_set_null_member (entry, "errcode");
  json_object_set_null_member (entry, "errmsg");
  json_object_set_boolean_member (entry, "accepted", FALSE);
  json_object_set_null_member (entry, "access_token");
  if (g_uri_get_query (uri) != NULL)
    {
      g_autoptr(GHashTable) query = soup_form_decode (g_uri_get_query (uri));
      const char *token = g_hash_table_lookup (query, "access_token");

      if (token != NULL)
        json_object_set_string_member (entry, "access_token", token);
    }
  json_object_set_null_member (entry, "body");
  json_object_set_null_member (entry, "filename");
  json_object_set_null_member (entry, "content_type");
  json_object_set_int_member (entry, "size",
                              soup_server_message_get_request_body (msg)->length);
  json_object_set_null_member (entry, "media_id");
  json_object_set_null_member (entry, "msg_uuid");
  json_object_set_boolean_member (entry, "duplicate", FALSE);

  return entry;
}

/* ------------------------------------------------------------- dispatcher */

static gboolean
is_v1_path (const char *path)
{
  return g_str_has_prefix (path, "/v1.0/");
}

/* The pending canned answer for exactly @path (NULL: the any-path one) */
static DdFakeCanned *
lookup_canned (DdFakeServer *self,
               const char   *path)
{
  for (guint i = 0; i < self->canned->len; i++)
    {
      DdFakeCanned *canned = g_ptr_array_index (self->canned, i);
      if (g_strcmp0 (canned->path, path) == 0)
        return canned;
    }
  return NULL;
}

/* Takes @canned, replacing what was pending for its path */
static void
set_canned (DdFakeServer *self,
            DdFakeCanned *canned)
{
  DdFakeCanned *old = lookup_canned (self, canned->path);

  if (old != NULL)
    g_ptr_array_remove (self->canned, old);
  if (canned->remaining > 0)
    g_ptr_array_add (self->canned, canned);
  else
    dd_fake_canned_free (canned);
}

/* The status and body exactly as set; the log gets what the body says */
static void
reply_raw (SoupServerMessage  *msg,
           JsonObject         *entry,
           const DdFakeCanned *canned,
           gboolean            v1)
{
  g_autoptr(JsonNode) root = dd_fake_parse_json (canned->body);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *node;
  gsize len = 0;
  const char *data = g_bytes_get_data (canned->body, &len);

  soup_server_message_set_status (msg, canned->status, NULL);
  soup_server_message_set_response (msg, canned->content_type, SOUP_MEMORY_COPY, data, len);

  if (v1)
    {
      json_object_set_int_member (entry, "errcode", canned->status);
      if (object != NULL && (node = json_object_get_member (object, "code")) != NULL)
        json_object_set_member (entry, "code", json_node_copy (node));
      if (object != NULL && (node = json_object_get_member (object, "message")) != NULL)
        json_object_set_member (entry, "errmsg", json_node_copy (node));
    }
  else if (object != NULL)
    {
      /* copied as they are: a string errcode stays a string */
      if ((node = json_object_get_member (object, "errcode")) != NULL)
        json_object_set_member (entry, "errcode", json_node_copy (node));
      if ((node = json_object_get_member (object, "errmsg")) != NULL)
        json_object_set_member (entry, "errmsg", json_node_copy (node));
    }
  json_object_set_boolean_member (entry, "accepted", FALSE);
}

static gboolean
answer_canned (DdFakeServer      *self,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               JsonObject        *entry)
{
  DdFakeCanned *canned = lookup_canned (self, path);

  if (canned == NULL)
    canned = lookup_canned (self, NULL);
  if (canned == NULL)
    return FALSE;

  if (canned->raw)
    {
      reply_raw (msg, entry, canned, is_v1_path (path));
    }
  else if (is_v1_path (path))
    {
      guint status = canned->errcode >= 400 && canned->errcode < 600 ? (guint) canned->errcode : 400;
      dd_fake_reply_v1_error (msg, entry, status, canned->errmsg, canned->errmsg);
    }
  else
    {
      dd_fake_reply_errcode (msg, entry, canned->errcode, canned->errmsg);
    }
  json_object_set_boolean_member (entry, "canned", TRUE);

  /* a canned answer to a send is still a send the test may look for */
  if (strcmp (path, "/robot/send") == 0)
    dd_fake_server_record_message (self, msg,
                                   query ? g_hash_table_lookup (query, "access_token") : NULL,
                                   entry);
  else if (strcmp (path, "/v1.0/robot/groupMessages/send") == 0)
    dd_fake_server_record_message (self, msg,
                                   soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                 "x-acs-dingtalk-access-token"),
                                   entry);

  if (--canned->remaining == 0)
    g_ptr_array_remove (self->canned, canned);
  return TRUE;
}

static void
handle_request (DdFakeServer      *self,
                SoupServerMessage *msg,
                JsonObject        *entry)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = g_uri_get_path (uri);
  const char *query_string = g_uri_get_query (uri);
  g_autoptr(GHashTable) query = NULL;

  if (query_string != NULL)
    query = soup_form_decode (query_string);

  if (answer_canned (self, msg, path, query, entry))
    return;

  if (strcmp (path, "/gettoken") == 0)
    dd_fake_server_handle_gettoken (self, msg, query, entry);
  else if (strcmp (path, "/v1.0/oauth2/accessToken") == 0)
    dd_fake_server_handle_oauth2_token (self, msg, entry);
  else if (strcmp (path, "/media/upload") == 0)
    dd_fake_server_handle_upload (self, msg, query, entry);
  else if (strcmp (path, "/robot/send") == 0)
    dd_fake_server_handle_robot_send (self, msg, query, entry);
  else if (strcmp (path, "/v1.0/robot/groupMessages/send") == 0)
    dd_fake_server_handle_app_robot_send (self, msg, entry);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
finish_entry (DdFakeServer      *self,
              SoupServerMessage *msg,
              JsonObject        *entry)
{
  json_object_set_int_member (entry, "status", soup_server_message_get_status (msg));
  /* when "DingTalk" handled it (after a latency fault): its rate clock */
  json_object_set_int_member (entry, "handled_at_ms", dd_fake_server_get_now_ms (self));
  write_log_entry (self, entry);
}

static void
dd_fake_delayed_free (DdFakeDelayed *delayed)
{
  g_clear_handle_id (&delayed->timeout_id, g_source_remove);
  g_clear_signal_handler (&delayed->disconnected_id, delayed->msg);
  g_clear_object (&delayed->msg);
  g_free (delayed);
}

static void
on_delayed_disconnected (SoupServerMessage *msg,
                         DdFakeDelayed     *delayed)
{
  DdFakeServer *self = delayed->self;

  g_debug ("Client left a %s request", delayed->timeout_id ? "delayed" : "stalled");
  self->delayed = g_list_remove (self->delayed, delayed);
  dd_fake_delayed_free (delayed);
}

static gboolean
on_latency_elapsed (gpointer user_data)
{
  DdFakeDelayed *delayed = user_data;
  DdFakeServer *self = delayed->self;
  g_autoptr(SoupServerMessage) msg = g_object_ref (delayed->msg);
  g_autoptr(JsonObject) entry = new_log_entry (msg);

  delayed->timeout_id = 0;
  self->delayed = g_list_remove (self->delayed, delayed);
  dd_fake_delayed_free (delayed);

  json_object_set_string_member (entry, "fault", "latency");
  handle_request (self, msg, entry);
  finish_entry (self, msg, entry);
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
delay_request (DdFakeServer      *self,
               SoupServerMessage *msg,
               gboolean           forever)
{
  DdFakeDelayed *delayed = g_new0 (DdFakeDelayed, 1);

  delayed->self = self;
  delayed->msg = g_object_ref (msg);
  delayed->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_delayed_disconnected),
                                               delayed);
  if (!forever)
    delayed->timeout_id = g_timeout_add (self->latency_ms, on_latency_elapsed, delayed);

  self->delayed = g_list_prepend (self->delayed, delayed);
  soup_server_message_pause (msg);
}

static void
count_request (DdFakeServer *self,
               const char   *path)
{
  self->n_requests++;
  if (strcmp (path, "/gettoken") == 0 || strcmp (path, "/v1.0/oauth2/accessToken") == 0)
    self->n_token_requests++;
  if (strcmp (path, "/v1.0/oauth2/accessToken") == 0)
    self->n_v1_token_requests++;
  else if (strcmp (path, "/media/upload") == 0)
    self->n_upload_requests++;
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  DdFakeServer *self = DD_FAKE_SERVER (user_data);
  DdFakeFault fault = GPOINTER_TO_UINT (g_queue_pop_head (&self->faults));
  g_autoptr(JsonObject) entry = new_log_entry (msg);

  count_request (self, path);

  if (fault != DD_FAKE_FAULT_NONE)
    {
      g_debug ("Injecting fault %s into %s %s", dd_fake_fault_to_string (fault),
               soup_server_message_get_method (msg), path);
      json_object_set_string_member (entry, "fault", dd_fake_fault_to_string (fault));
    }

  switch (fault)
    {
    case DD_FAKE_FAULT_NONE:
      handle_request (self, msg, entry);
      break;

    case DD_FAKE_FAULT_HTTP_500:
      dd_fake_reply_html (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, html_page_500);
      break;

    case DD_FAKE_FAULT_HTML_413:
      dd_fake_reply_html (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, dd_fake_html_413_page);
      break;

    case DD_FAKE_FAULT_NOT_JSON:
      dd_fake_reply_html (msg, SOUP_STATUS_OK, html_page_200);
      break;

    case DD_FAKE_FAULT_DROP:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

        if (stream != NULL)
          g_io_stream_close (stream, NULL, NULL);
      }
      break;

    case DD_FAKE_FAULT_LATENCY:
      /* logged when answered */
      delay_request (self, msg, FALSE);
      return;

    case DD_FAKE_FAULT_STALL:
      delay_request (self, msg, TRUE);
      break;

    default:
      g_assert_not_reached ();
    }

  finish_entry (self, msg, entry);
}

/* ----------------------------------------------------------------- object */

static void
dd_fake_server_dispose (GObject *object)
{
  DdFakeServer *self = (DdFakeServer *) object;

  /* Stalled and delayed requests end with their connections */
  while (self->delayed != NULL)
    {
      DdFakeDelayed *delayed = self->delayed->data;
      g_autoptr(GIOStream) stream = NULL;

      self->delayed = g_list_delete_link (self->delayed, self->delayed);
      g_clear_signal_handler (&delayed->disconnected_id, delayed->msg);
      stream = soup_server_message_steal_connection (delayed->msg);
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      dd_fake_delayed_free (delayed);
    }

  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }

  if (self->log != NULL)
    {
      g_output_stream_close (self->log, NULL, NULL);
      g_clear_object (&self->log);
    }

  G_OBJECT_CLASS (dd_fake_server_parent_class)->dispose (object);
}

static void
dd_fake_server_finalize (GObject *object)
{
  DdFakeServer *self = (DdFakeServer *) object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->apps, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->robots, g_hash_table_unref);
  g_clear_pointer (&self->app_robots, g_hash_table_unref);
  g_clear_pointer (&self->canned, g_ptr_array_unref);
  g_queue_clear (&self->faults);
  g_clear_pointer (&self->uploads, g_ptr_array_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (dd_fake_server_parent_class)->finalize (object);
}

static void
dd_fake_server_class_init (DdFakeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dd_fake_server_dispose;
  object_class->finalize = dd_fake_server_finalize;
}

static void
dd_fake_server_init (DdFakeServer *self)
{
  self->token_lifetime_s = DEFAULT_TOKEN_LIFETIME_S;
  self->max_upload_bytes = DEFAULT_MAX_UPLOAD_BYTES;
  self->latency_ms = DEFAULT_LATENCY_MS;
  self->rate_limit = DD_FAKE_ROBOT_RATE_LIMIT;
  self->rate_window_ms = DD_FAKE_ROBOT_RATE_WINDOW_MS;
  self->rate_block_ms = DD_FAKE_ROBOT_BLOCK_MS;
  self->throttle_errcode = DD_FAKE_ROBOT_THROTTLE_ERRCODE;

  self->apps = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) dd_fake_app_free);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) dd_fake_token_free);
  self->robots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) dd_fake_robot_free);
  self->app_robots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->canned = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_fake_canned_free);
  g_queue_init (&self->faults);
  self->uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_fake_upload_free);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_fake_message_free);
}

/**
 * dd_fake_server_new:
 *
 * Starts a fake DingTalk on 127.0.0.1 with a port chosen by the kernel, in
 * the thread-default main context. Aborts if it cannot listen.
 */
DdFakeServer *
dd_fake_server_new (void)
{
  g_autoptr(DdFakeServer) self = g_object_new (DD_TYPE_FAKE_SERVER, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->soup = soup_server_new ("server-header", "dd-fake-dingtalk ", NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);

  if (!soup_server_listen_local (self->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("Fake DingTalk cannot listen on 127.0.0.1: %s", error->message);

  uris = soup_server_get_uris (self->soup);
  g_assert (uris != NULL);
  self->port = g_uri_get_port (uris->data);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return g_steal_pointer (&self);
}

const char *
dd_fake_server_get_base_url (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), NULL);
  return self->base_url;
}

guint
dd_fake_server_get_port (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->port;
}

void
dd_fake_server_add_app_robot (DdFakeServer *self,
                              const char   *robot_code,
                              const char   *conversation_id)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (robot_code != NULL && *robot_code != '\0');
  g_return_if_fail (conversation_id != NULL && *conversation_id != '\0');

  g_hash_table_replace (self->app_robots, g_strdup (robot_code), g_strdup (conversation_id));
}

void
dd_fake_server_set_max_upload_bytes (DdFakeServer *self,
                                     gsize         bytes)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  self->max_upload_bytes = bytes;
}

/**
 * dd_fake_server_set_html_413_on_oversize:
 *
 * When set, an upload whose request body exceeds the size limit gets the
 * gateway's HTML 413 page instead of errcode 40006.
 */
void
dd_fake_server_set_html_413_on_oversize (DdFakeServer *self,
                                         gboolean      html_413)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  self->html_413_on_oversize = !!html_413;
}

/**
 * dd_fake_server_set_rate_limit:
 * @limit: sends allowed in the window, at least 1
 * @window_ms: the rolling window, at least 1
 * @block_ms: how long a refusal blocks the robot (0: only the refused send)
 * @throttle_errcode: the refusal's errcode, DD_FAKE_ROBOT_THROTTLE_ERRCODE
 *   (410100) or DD_FAKE_ROBOT_THROTTLE_ERRCODE_LEGACY (130101)
 *
 * Sets the custom robots' rate limit (DingTalk: 20 in 60 s, then blocked
 * for 10 minutes), for every robot from the next send on. What the robots
 * already sent stays counted.
 */
void
dd_fake_server_set_rate_limit (DdFakeServer *self,
                               guint         limit,
                               guint         window_ms,
                               guint         block_ms,
                               gint64        throttle_errcode)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (limit > 0);
  g_return_if_fail (window_ms > 0);

  self->rate_limit = limit;
  self->rate_window_ms = window_ms;
  self->rate_block_ms = block_ms;
  self->throttle_errcode = throttle_errcode;
}

/**
 * dd_fake_server_set_log_file:
 *
 * Appends one JSON object per handled request to @path, flushed per line.
 */
gboolean
dd_fake_server_set_log_file (DdFakeServer  *self,
                             const char    *path,
                             GError       **error)
{
  g_autoptr(GFile) file = NULL;
  GFileOutputStream *stream;

  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return FALSE;

  if (self->log != NULL)
    g_output_stream_close (self->log, NULL, NULL);
  g_set_object (&self->log, G_OUTPUT_STREAM (stream));
  g_object_unref (stream);

  return TRUE;
}

static gint64
real_now_ms (void)
{
  return g_get_real_time () / 1000;
}

gint64
dd_fake_server_get_now_ms (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return (self->clock_frozen ? self->frozen_real_ms : real_now_ms ()) + self->clock_offset_ms;
}

/**
 * dd_fake_server_advance_clock:
 *
 * Moves the fake's clock forward by @ms: token expiry, the signature's
 * one-hour window and the rate limit all follow it.
 */
void
dd_fake_server_advance_clock (DdFakeServer *self,
                              gint64        ms)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  self->clock_offset_ms += ms;
}

/**
 * dd_fake_server_freeze_clock:
 *
 * Stops the fake's clock, so that tests can place requests at exact times
 * (with dd_fake_server_advance_clock()). Thawed, the clock goes on from
 * where it stood: it never jumps, neither back nor forward.
 */
void
dd_fake_server_freeze_clock (DdFakeServer *self,
                             gboolean      frozen)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));

  frozen = !!frozen;
  if (frozen == self->clock_frozen)
    return;

  if (frozen)
    self->frozen_real_ms = real_now_ms ();
  else
    self->clock_offset_ms -= real_now_ms () - self->frozen_real_ms;
  self->clock_frozen = frozen;
}

void
dd_fake_server_inject_fault (DdFakeServer *self,
                             DdFakeFault   fault,
                             guint         count)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (fault > DD_FAKE_FAULT_NONE && fault <= DD_FAKE_FAULT_STALL);

  for (guint i = 0; i < count; i++)
    g_queue_push_tail (&self->faults, GUINT_TO_POINTER (fault));
}

void
dd_fake_server_set_latency (DdFakeServer *self,
                            guint         ms)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  self->latency_ms = ms;
}

static const char *
default_errmsg (gint64 errcode)
{
  static const struct {
    gint64      errcode;
    const char *errmsg;
  } errmsgs[] = {
    { -1, "系统繁忙" },
    { 40014, "不合法的access_token" },
    { 40089, "不合法的appKey或appSecret" },
    { 42001, "access_token超时" },
    { 130101, "send too fast, exceed 20 times per minute" },
    { 300001, "token is not exist" },
    { 310000, "sign not match" },
    { 410100, "send too fast, exceed 20 times per minute" },
    { 460101, "message too long, exceed 20000 bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (errmsgs); i++)
    if (errmsgs[i].errcode == errcode)
      return errmsgs[i].errmsg;
  return "injected error";
}

/**
 * dd_fake_server_set_next_errcode:
 *
 * The next request on @path (e.g. "/robot/send") gets @errcode and @errmsg
 * (NULL: DingTalk's usual wording) whatever it holds. On /v1.0 paths
 * @errcode is the HTTP status (400 if it is not a 4xx/5xx) and @errmsg the
 * "code". A second call for the same path replaces the first.
 */
void
dd_fake_server_set_next_errcode (DdFakeServer *self,
                                 const char   *path,
                                 gint64        errcode,
                                 const char   *errmsg)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  dd_fake_server_set_next_errcode_full (self, path, 1, errcode, errmsg);
}

/**
 * dd_fake_server_set_next_errcode_full:
 * @path: (nullable): the path, or NULL for any path
 * @count: how many requests get it; 0 takes back what is pending for @path
 *
 * As dd_fake_server_set_next_errcode(), for the next @count requests.
 */
void
dd_fake_server_set_next_errcode_full (DdFakeServer *self,
                                      const char   *path,
                                      guint         count,
                                      gint64        errcode,
                                      const char   *errmsg)
{
  DdFakeCanned *canned;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (path == NULL || path[0] == '/');

  canned = g_new0 (DdFakeCanned, 1);
  canned->path = g_strdup (path);
  canned->remaining = count;
  canned->errcode = errcode;
  canned->errmsg = g_strdup (errmsg ? errmsg : default_errmsg (errcode));
  set_canned (self, canned);
}

/**
 * dd_fake_server_set_next_answer:
 * @path: (nullable): the path, or NULL for any path
 * @count: how many requests get it; 0 takes back what is pending for @path
 * @http_status: the HTTP status
 * @body: (nullable): the body, sent byte for byte (NULL: empty)
 * @content_type: (nullable): its Content-Type; NULL: text/html if @body
 *   starts with '<', else DingTalk's application/json;charset=utf-8
 *
 * The next @count requests on @path get exactly this answer, whatever they
 * hold: DingTalk's transient errors ({"errcode":-1,"errmsg":"系统繁忙"} with
 * 200 or 500, errcode 88 with an empty sub_code), malformed answers
 * ({"errcode":"310000"}) or a page. It is recorded like a canned errcode:
 * never accepted, and on /media/upload no media_id is made. Replaces what
 * was pending for @path, errcode or answer.
 */
void
dd_fake_server_set_next_answer (DdFakeServer *self,
                                const char   *path,
                                guint         count,
                                guint         http_status,
                                const char   *body,
                                const char   *content_type)
{
  DdFakeCanned *canned;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (path == NULL || path[0] == '/');
  g_return_if_fail (http_status >= 100 && http_status < 600);
  g_return_if_fail (content_type == NULL || strchr (content_type, '/') != NULL);

  if (body == NULL)
    body = "";
  if (content_type == NULL)
    content_type = body[0] == '<' ? "text/html;charset=utf-8" : "application/json;charset=utf-8";

  canned = g_new0 (DdFakeCanned, 1);
  canned->path = g_strdup (path);
  canned->remaining = count;
  canned->raw = TRUE;
  canned->status = http_status;
  canned->body = g_bytes_new (body, strlen (body));
  canned->content_type = g_strdup (content_type);
  set_canned (self, canned);
}

/**
 * dd_fake_server_set_next_v1_error:
 * @path: (nullable): e.g. "/v1.0/robot/groupMessages/send"; NULL for any
 * @code: the v1.0 "code", e.g. "send.too.fast", "system.error"
 *
 * The next @count requests on @path are answered as the v1.0 API answers
 * its errors: @http_status with {"requestid","code","message"} (a canned
 * answer, see dd_fake_server_set_next_answer()).
 */
void
dd_fake_server_set_next_v1_error (DdFakeServer *self,
                                  const char   *path,
                                  guint         count,
                                  guint         http_status,
                                  const char   *code,
                                  const char   *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *body = NULL;

  g_return_if_fail (DD_IS_FAKE_SERVER (self));
  g_return_if_fail (code != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requestid");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message ? message : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);

  dd_fake_server_set_next_answer (self, path, count, http_status, body, NULL);
}

/* the requests to /v1.0/oauth2/accessToken alone (also counted by
 * dd_fake_server_get_n_token_requests()) */
guint
dd_fake_server_get_n_v1_token_requests (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->n_v1_token_requests;
}

/* The requests a LATENCY fault holds are handled now (in an idle each),
 * whatever is left of their latency: with a long latency, a test holds
 * the requests until it did what must happen while they are on their
 * way.  Stalled ones stay stalled.  Returns how many were released. */
guint
dd_fake_server_release_delayed (DdFakeServer *self)
{
  guint n = 0;

  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);

  for (const GList *l = self->delayed; l != NULL; l = l->next)
    {
      DdFakeDelayed *delayed = l->data;

      if (delayed->timeout_id == 0)
        continue;
      g_source_remove (delayed->timeout_id);
      delayed->timeout_id = g_idle_add (on_latency_elapsed, delayed);
      n++;
    }
  return n;
}

guint
dd_fake_server_get_n_stalled (DdFakeServer *self)
{
  guint n = 0;

  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);

  for (const GList *l = self->delayed; l != NULL; l = l->next)
    {
      const DdFakeDelayed *delayed = l->data;
      if (delayed->timeout_id == 0)
        n++;
    }
  return n;
}

guint
dd_fake_server_get_n_requests (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->n_requests;
}

guint
dd_fake_server_get_n_token_requests (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->n_token_requests;
}

guint
dd_fake_server_get_n_upload_requests (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->n_upload_requests;
}

/**
 * dd_fake_server_get_uploads:
 *
 * Returns: (transfer none): the accepted uploads, of DdFakeUpload
 */
GPtrArray *
dd_fake_server_get_uploads (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), NULL);
  return self->uploads;
}

DdFakeUpload *
dd_fake_server_lookup_upload (DdFakeServer *self,
                              const char   *media_id)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), NULL);
  g_return_val_if_fail (media_id != NULL, NULL);

  for (guint i = 0; i < self->uploads->len; i++)
    {
      DdFakeUpload *upload = g_ptr_array_index (self->uploads, i);
      if (g_strcmp0 (upload->media_id, media_id) == 0)
        return upload;
    }
  return NULL;
}

/**
 * dd_fake_server_get_messages:
 *
 * Returns: (transfer none): every send on either robot route, accepted or
 *   not, of DdFakeMessage
 */
GPtrArray *
dd_fake_server_get_messages (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), NULL);
  return self->messages;
}

guint
dd_fake_server_count_accepted_messages (DdFakeServer *self)
{
  guint n = 0;

  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);

  for (guint i = 0; i < self->messages->len; i++)
    {
      const DdFakeMessage *message = g_ptr_array_index (self->messages, i);
      if (message->accepted)
        n++;
    }
  return n;
}

/**
 * dd_fake_server_count_shown_messages:
 *
 * Returns: the messages the group shows: accepted and not a msgUuid
 *   duplicate
 */
guint
dd_fake_server_count_shown_messages (DdFakeServer *self)
{
  guint n = 0;

  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);

  for (guint i = 0; i < self->messages->len; i++)
    {
      const DdFakeMessage *message = g_ptr_array_index (self->messages, i);
      if (message->accepted && !message->duplicate)
        n++;
    }
  return n;
}

/**
 * dd_fake_server_get_n_throttled:
 *
 * Returns: how many sends the rate limit refused (canned answers with the
 *   same errcode are not counted)
 */
guint
dd_fake_server_get_n_throttled (DdFakeServer *self)
{
  g_return_val_if_fail (DD_IS_FAKE_SERVER (self), 0);
  return self->n_throttled;
}

void
dd_fake_server_clear_records (DdFakeServer *self)
{
  g_return_if_fail (DD_IS_FAKE_SERVER (self));

  g_ptr_array_set_size (self->uploads, 0);
  g_ptr_array_set_size (self->messages, 0);
  self->n_requests = 0;
  self->n_token_requests = 0;
  self->n_v1_token_requests = 0;
  self->n_upload_requests = 0;
  self->n_throttled = 0;
}
