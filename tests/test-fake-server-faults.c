/* test-fake-server-faults.c: the fake's fault injection, seen by a client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP errors, HTML where JSON is expected, dropped and stalled
 * connections, latency, canned errcodes and answers, the request log and
 * the fake as a process, each observed through a real libsoup client.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "dd-fake-client.h"
#include "dd-fake-server.h"

#define APP_KEY    "dingappkey"
#define APP_SECRET "app-secret-value"
#define TEXT_MSG   "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello DingDrop\"}}"
#define UUID_MSG   "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello DingDrop\"},\"msgUuid\":\"u1\"}"

/* DingTalk's transient and malformed answers */
#define BUSY_BODY       "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}"
#define AUTH_BUSY_BODY  "{\"errcode\":88,\"errmsg\":\"鉴权服务超时\",\"sub_code\":\"\"}"
#define STRING_ERRCODE_BODY "{\"errcode\":\"310000\",\"errmsg\":\"sign not match\"}"
#define BUSY_PAGE       "<!DOCTYPE html><html><body><p>系统繁忙</p></body></html>"

typedef struct {
  DdFakeServer *server;
  SoupSession  *session;
} Fixture;

typedef struct {
  GBytes   *bytes;
  GError   *error;
  gboolean  done;
} SendResult;

/* ------------------------------------------------------------------ helpers */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *res = user_data;

  res->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &res->error);
  res->done = TRUE;
}

static JsonObject *
request_json (Fixture     *fixture,
              SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  object = dd_fake_client_parse_object (bytes);
  g_assert_nonnull (object);
  return object;
}

static char *
plain_url (Fixture *fixture)
{
  return g_strdup_printf ("%s/robot/send?access_token=plain-token",
                          dd_fake_server_get_base_url (fixture->server));
}

/* A text message to the robot without secret or keywords; its errcode */
static gint64
send_plain (Fixture  *fixture,
            char    **out_errmsg)
{
  g_autofree char *url = plain_url (fixture);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
  g_autoptr(JsonObject) answer = request_json (fixture, msg);

  if (out_errmsg != NULL)
    *out_errmsg = g_strdup (json_object_get_string_member (answer, "errmsg"));
  return json_object_get_int_member (answer, "errcode");
}

/* POSTs @json to @url; the body exactly as answered, status and type */
static GBytes *
post_raw (Fixture     *fixture,
          const char  *url,
          const char  *json,
          guint       *out_status,
          char       **out_content_type)
{
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, json);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);

  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  if (out_content_type != NULL)
    *out_content_type = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                "Content-Type"));
  return bytes;
}

static void
assert_bytes_are (GBytes     *bytes,
                  const char *expected)
{
  g_autoptr(GBytes) want = g_bytes_new_static (expected, strlen (expected));

  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
  g_assert_true (g_bytes_equal (bytes, want));
}

static const DdFakeMessage *
last_message (Fixture *fixture)
{
  GPtrArray *messages = dd_fake_server_get_messages (fixture->server);

  g_assert_cmpuint (messages->len, >, 0);
  return g_ptr_array_index (messages, messages->len - 1);
}

static char *
get_token (Fixture    *fixture,
           const char *key,
           const char *secret,
           gint64     *out_errcode)
{
  g_autofree char *url = g_strdup_printf ("%s/gettoken?appkey=%s&appsecret=%s",
                                          dd_fake_server_get_base_url (fixture->server),
                                          key, secret);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(JsonObject) answer = request_json (fixture, msg);

  *out_errcode = json_object_get_int_member (answer, "errcode");
  return g_strdup (json_object_get_string_member_with_default (answer, "access_token", NULL));
}

static gint64
upload (Fixture    *fixture,
        const char *token,
        GBytes     *data,
        char      **out_media_id)
{
  g_autofree char *url = g_strdup_printf ("%s/media/upload?access_token=%s&type=image",
                                          dd_fake_server_get_base_url (fixture->server), token);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) answer = NULL;

  soup_multipart_append_form_file (multipart, "media", "shot.png", "image/png", data);
  msg = soup_message_new_from_multipart (url, multipart);
  answer = request_json (fixture, msg);

  if (out_media_id != NULL)
    *out_media_id = g_strdup (json_object_get_string_member_with_default (answer, "media_id", NULL));
  return json_object_get_int_member (answer, "errcode");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = dd_fake_server_new ();
  fixture->session = dd_fake_client_new_session ();
  dd_fake_server_add_app (fixture->server, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (fixture->server, "plain-token", NULL, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->server);
}

/* ---------------------------------------------------------------- faults */

static void
test_fault_http (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = plain_url (fixture);
  struct { DdFakeFault fault; guint status; } cases[] = {
    { DD_FAKE_FAULT_HTTP_500, 500 },
    { DD_FAKE_FAULT_HTML_413, 413 },
    { DD_FAKE_FAULT_NOT_JSON, 200 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;
      const char *body;

      dd_fake_server_inject_fault (fixture->server, cases[i].fault, 1);
      bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, cases[i].status);
      body = g_bytes_get_data (bytes, &len);
      g_assert_true (g_str_has_prefix (body, "<"));
      g_assert_false (json_parser_load_from_data (parser, body, len, NULL));
    }

  /* the fault was used up: the next one is answered normally */
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  /* faulted requests never reached "DingTalk" */
  g_assert_cmpuint (dd_fake_server_get_messages (fixture->server)->len, ==, 1);
}

static void
test_fault_drop (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = plain_url (fixture);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  dd_fake_server_inject_fault (fixture->server, DD_FAKE_FAULT_DROP, 1);
  bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (bytes);
  g_test_message ("dropped: %s", error->message);

  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
}

static void
test_fault_latency (Fixture       *fixture,
                    gconstpointer  data)
{
  gint64 start;

  dd_fake_server_set_latency (fixture->server, 300);
  dd_fake_server_inject_fault (fixture->server, DD_FAKE_FAULT_LATENCY, 1);

  start = g_get_monotonic_time ();
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);

  start = g_get_monotonic_time ();
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 300 * 1000);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 2);
}

static gboolean
release_cb (gpointer user_data)
{
  g_assert_cmpuint (dd_fake_server_release_delayed (user_data), ==, 1);
  return G_SOURCE_REMOVE;
}

/* A long latency holds the request until released, then it is handled */
static void
test_fault_latency_release (Fixture       *fixture,
                            gconstpointer  data)
{
  gint64 start;

  dd_fake_server_set_latency (fixture->server, 10 * 60 * 1000);
  dd_fake_server_inject_fault (fixture->server, DD_FAKE_FAULT_LATENCY, 1);
  g_timeout_add (300, release_cb, fixture->server);

  start = g_get_monotonic_time ();
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
  g_assert_cmpuint (dd_fake_server_release_delayed (fixture->server), ==, 0);
}

/* A request handled late is counted when it is handled, not when it came */
static void
test_fault_latency_rate (Fixture       *fixture,
                         gconstpointer  data)
{
  GPtrArray *messages = dd_fake_server_get_messages (fixture->server);
  const DdFakeMessage *first;
  const DdFakeMessage *late;

  dd_fake_server_set_rate_limit (fixture->server, 1, 1000, 0, DD_FAKE_ROBOT_THROTTLE_ERRCODE);
  dd_fake_server_set_latency (fixture->server, 1200);

  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  /* sent at once, handled 1.2 s later: outside the 1 s window */
  dd_fake_server_inject_fault (fixture->server, DD_FAKE_FAULT_LATENCY, 1);
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  /* and this one within 1 s of that handling */
  g_assert_cmpint (send_plain (fixture, NULL), ==, 410100);

  g_assert_cmpuint (messages->len, ==, 3);
  first = g_ptr_array_index (messages, 0);
  late = g_ptr_array_index (messages, 1);
  g_assert_cmpint (late->received_at - first->received_at, >=, 1200);
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 1);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A client that gives up while the answer is delayed or stalled */
static void
test_fault_client_gives_up (Fixture       *fixture,
                            gconstpointer  data)
{
  DdFakeFault faults[] = { DD_FAKE_FAULT_LATENCY, DD_FAKE_FAULT_STALL };

  dd_fake_server_set_latency (fixture->server, 300);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *url = plain_url (fixture);
      g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      SendResult res = { 0, };

      dd_fake_server_inject_fault (fixture->server, faults[i], 1);
      soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT,
                                        cancellable, on_sent, &res);
      g_timeout_add (50, cancel_cb, cancellable);
      while (!res.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&res.error);

      /* past the latency: the fake copes with the vanished client */
      dd_fake_client_wait_ms (400);
      g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
    }
}

static void
test_fault_stall (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *url = plain_url (fixture);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
  SendResult res = { 0, };

  dd_fake_server_inject_fault (fixture->server, DD_FAKE_FAULT_STALL, 1);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &res);

  dd_fake_client_wait_ms (500);
  g_assert_false (res.done);
  g_assert_cmpuint (dd_fake_server_get_n_stalled (fixture->server), ==, 1);

  /* destroying the server ends the stalled request */
  g_clear_object (&fixture->server);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (res.error);
  g_assert_null (res.bytes);
  g_clear_error (&res.error);
}

static void
test_next_errcode (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *errmsg = NULL;
  g_autofree char *token = NULL;
  const DdFakeMessage *message;
  gint64 errcode = -1;

  dd_fake_server_set_next_errcode (fixture->server, "/robot/send", 130101, "send too fast");
  g_assert_cmpint (send_plain (fixture, &errmsg), ==, 130101);
  g_assert_cmpstr (errmsg, ==, "send too fast");
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);

  message = g_ptr_array_index (dd_fake_server_get_messages (fixture->server), 0);
  g_assert_cmpint (message->errcode, ==, 130101);
  g_assert_false (message->accepted);

  /* DingTalk's usual wording by default */
  g_clear_pointer (&errmsg, g_free);
  dd_fake_server_set_next_errcode (fixture->server, "/robot/send", 310000, NULL);
  g_assert_cmpint (send_plain (fixture, &errmsg), ==, 310000);
  g_assert_cmpstr (errmsg, ==, "sign not match");

  dd_fake_server_set_next_errcode (fixture->server, "/gettoken", 40001, "invalid credential");
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 40001);
  g_assert_null (token);

  /* on the /v1.0 routes: an HTTP status and a "code" */
  {
    g_autofree char *url = g_strdup_printf ("%s/v1.0/robot/groupMessages/send",
                                            dd_fake_server_get_base_url (fixture->server));
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, "{}");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonObject) answer = NULL;

    dd_fake_server_set_next_errcode (fixture->server, "/v1.0/robot/groupMessages/send",
                                     403, "Forbidden.AccessDenied");
    bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 403);
    answer = dd_fake_client_parse_object (bytes);
    g_assert_cmpstr (json_object_get_string_member (answer, "code"), ==, "Forbidden.AccessDenied");
  }

  g_assert_cmpuint (dd_fake_server_get_messages (fixture->server)->len, ==, 4);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
}

static void
test_next_answer (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *url = plain_url (fixture);
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autofree char *token = NULL;
  gint64 errcode = -1;
  const DdFakeMessage *message;

  /* 系统繁忙 with HTTP 200, twice, byte for byte; then a normal answer */
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 2, 200, BUSY_BODY, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *type = NULL;
      guint status = 0;
      g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, &type);

      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (type, ==, "application/json;charset=utf-8");
      assert_bytes_are (bytes, BUSY_BODY);
      message = last_message (fixture);
      g_assert_false (message->accepted);
      g_assert_cmpint (message->errcode, ==, -1);
      g_assert_cmpstr (message->errmsg, ==, "系统繁忙");
      g_assert_cmpuint (message->http_status, ==, 200);
    }
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  g_assert_cmpuint (last_message (fixture)->http_status, ==, 200);

  /* …and with HTTP 500, on any path */
  dd_fake_server_set_next_answer (fixture->server, NULL, 1, 500, BUSY_BODY, NULL);
  {
    guint status = 0;
    g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, NULL);

    g_assert_cmpuint (status, ==, 500);
    assert_bytes_are (bytes, BUSY_BODY);
    g_assert_cmpuint (last_message (fixture)->http_status, ==, 500);
    g_assert_cmpint (last_message (fixture)->errcode, ==, -1);
  }

  /* errcode as a string: a malformed answer, served as it is */
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 1, 200, STRING_ERRCODE_BODY, NULL);
  {
    guint status = 0;
    g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, NULL);

    g_assert_cmpuint (status, ==, 200);
    assert_bytes_are (bytes, STRING_ERRCODE_BODY);
    message = last_message (fixture);
    /* not read as 0, which would be success */
    g_assert_cmpint (message->errcode, ==, DD_FAKE_ERRCODE_NONE);
    g_assert_false (message->accepted);
  }

  /* an HTML page with 200 */
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 1, 200, BUSY_PAGE, NULL);
  {
    g_autofree char *type = NULL;
    guint status = 0;
    g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, &type);

    g_assert_cmpuint (status, ==, 200);
    g_assert_true (g_str_has_prefix (type, "text/html"));
    assert_bytes_are (bytes, BUSY_PAGE);
    g_assert_cmpint (last_message (fixture)->errcode, ==, DD_FAKE_ERRCODE_NONE);
  }

  /* 88 with an empty sub_code on /gettoken: no token in it */
  dd_fake_server_set_next_answer (fixture->server, "/gettoken", 1, 200, AUTH_BUSY_BODY, NULL);
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 88);
  g_assert_null (token);
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 0);

  /* on /media/upload: no media_id made */
  dd_fake_server_set_next_answer (fixture->server, "/media/upload", 1, 500, BUSY_BODY, NULL);
  {
    g_autofree char *upload_url = g_strdup_printf ("%s/media/upload?access_token=%s&type=image",
                                                   dd_fake_server_get_base_url (fixture->server), token);
    g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
    g_autoptr(SoupMessage) msg = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    soup_multipart_append_form_file (multipart, "media", "shot.png", "image/png", png);
    msg = soup_message_new_from_multipart (upload_url, multipart);
    bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 500);
    assert_bytes_are (bytes, BUSY_BODY);
  }
  g_assert_cmpuint (dd_fake_server_get_uploads (fixture->server)->len, ==, 0);
  g_assert_cmpuint (dd_fake_server_get_n_upload_requests (fixture->server), ==, 1);
  g_assert_cmpint (upload (fixture, token, png, NULL), ==, 0);
  g_assert_cmpuint (dd_fake_server_get_uploads (fixture->server)->len, ==, 1);

  /* canned answers never count as arrived */
  g_assert_cmpuint (dd_fake_server_get_messages (fixture->server)->len, ==, 6);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
}

/* One pending answer per path; its own path's first, then any path's */
static void
test_next_answer_paths (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *errmsg = NULL;
  g_autofree char *token = NULL;
  gint64 errcode = -1;

  dd_fake_server_set_next_errcode_full (fixture->server, NULL, 2, 88, "auth timeout");
  dd_fake_server_set_next_errcode (fixture->server, "/robot/send", 310000, NULL);
  /* replaces the errcode pending for the same path */
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 1, 200, BUSY_BODY, NULL);

  g_assert_cmpint (send_plain (fixture, &errmsg), ==, -1);
  g_assert_cmpstr (errmsg, ==, "系统繁忙");
  g_assert_cmpint (send_plain (fixture, NULL), ==, 88);
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 88);
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);

  /* count 0 takes back what is pending */
  dd_fake_server_set_next_errcode_full (fixture->server, "/robot/send", 3, -1, NULL);
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 0, 200, NULL, NULL);
  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
}

/* The retry after 系统繁忙 with the same msgUuid arrives, and is shown */
static void
test_next_answer_msg_uuid (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *url = plain_url (fixture);
  guint status = 0;
  g_autoptr(GBytes) busy = NULL;
  g_autoptr(JsonObject) answer = NULL;

  dd_fake_server_set_rate_limit (fixture->server, 1, 60 * 1000, 1000, DD_FAKE_ROBOT_THROTTLE_ERRCODE);
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 1, 500, BUSY_BODY, NULL);
  busy = post_raw (fixture, url, UUID_MSG, &status, NULL);
  g_assert_cmpuint (status, ==, 500);
  g_assert_cmpstr (last_message (fixture)->msg_uuid, ==, "u1");

  /* and the canned answer was not counted by the rate limit (limit 1) */
  {
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, UUID_MSG);
    answer = request_json (fixture, msg);
  }
  g_assert_cmpint (json_object_get_int_member (answer, "errcode"), ==, 0);
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 0);
}

static void
test_log_file (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dd-fake-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "log.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_autofree char *media_id = NULL;
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_auto(GStrv) lines = NULL;
  gint64 errcode;

  g_assert_no_error (error);
  g_assert_true (dd_fake_server_set_log_file (fixture->server, path, &error));
  g_assert_no_error (error);

  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (upload (fixture, token, png, &media_id), ==, 0);

  /* flushed per line: readable while the server runs */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);

  {
    g_autoptr(GBytes) line = g_bytes_new_static (lines[0], strlen (lines[0]));
    g_autoptr(JsonObject) entry = dd_fake_client_parse_object (line);
    g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, "/robot/send");
    g_assert_cmpint (json_object_get_int_member (entry, "errcode"), ==, 0);
    g_assert_true (json_object_get_boolean_member (entry, "accepted"));
    g_assert_cmpstr (json_object_get_string_member (entry, "access_token"), ==, "plain-token");
    g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "body")));
  }
  {
    g_autoptr(GBytes) line = g_bytes_new_static (lines[2], strlen (lines[2]));
    g_autoptr(JsonObject) entry = dd_fake_client_parse_object (line);
    g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, "/media/upload");
    g_assert_cmpstr (json_object_get_string_member (entry, "filename"), ==, "shot.png");
    g_assert_cmpstr (json_object_get_string_member (entry, "content_type"), ==, "image/png");
    g_assert_cmpint (json_object_get_int_member (entry, "size"), ==, g_bytes_get_size (png));
    g_assert_cmpstr (json_object_get_string_member (entry, "media_id"), ==, media_id);
  }

  g_clear_object (&fixture->server);
  g_unlink (path);
  g_rmdir (dir);
}

static JsonObject *
log_entry (char **lines,
           guint  i)
{
  g_autoptr(GBytes) line = g_bytes_new_static (lines[i], strlen (lines[i]));
  JsonObject *entry = dd_fake_client_parse_object (line);

  g_assert_nonnull (entry);
  return entry;
}

/* What a shell test needs to count the images shown exactly once */
static void
test_log_msg_uuid (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dd-fake-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "log.jsonl", NULL);
  g_autofree char *url = plain_url (fixture);
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 errcode;

  g_assert_no_error (error);
  g_assert_true (dd_fake_server_set_log_file (fixture->server, path, &error));
  g_assert_no_error (error);

  g_assert_cmpint (send_plain (fixture, NULL), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, UUID_MSG);
      g_autoptr(JsonObject) answer = request_json (fixture, msg);
      g_assert_cmpint (json_object_get_int_member (answer, "errcode"), ==, 0);
    }
  dd_fake_server_set_next_answer (fixture->server, "/robot/send", 1, 200, STRING_ERRCODE_BODY, NULL);
  {
    guint status = 0;
    g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, NULL);
  }
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);

  {
    g_autoptr(JsonObject) plain = log_entry (lines, 0);
    g_autoptr(JsonObject) first = log_entry (lines, 1);
    g_autoptr(JsonObject) again = log_entry (lines, 2);
    g_autoptr(JsonObject) canned = log_entry (lines, 3);
    g_autoptr(JsonObject) gettoken = log_entry (lines, 4);
    JsonNode *node;

    g_assert_true (json_object_get_null_member (plain, "msg_uuid"));
    g_assert_false (json_object_get_boolean_member (plain, "duplicate"));

    g_assert_cmpstr (json_object_get_string_member (first, "msg_uuid"), ==, "u1");
    g_assert_true (json_object_get_boolean_member (first, "accepted"));
    g_assert_false (json_object_get_boolean_member (first, "duplicate"));

    g_assert_cmpstr (json_object_get_string_member (again, "msg_uuid"), ==, "u1");
    g_assert_true (json_object_get_boolean_member (again, "accepted"));
    g_assert_true (json_object_get_boolean_member (again, "duplicate"));

    /* the canned answer's errcode, as it was: a string */
    node = json_object_get_member (canned, "errcode");
    g_assert_nonnull (node);
    g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
    g_assert_cmpstr (json_node_get_string (node), ==, "310000");
    g_assert_true (json_object_get_boolean_member (canned, "canned"));
    g_assert_false (json_object_get_boolean_member (canned, "accepted"));
    g_assert_cmpint (json_object_get_int_member (canned, "status"), ==, 200);

    g_assert_cmpstr (json_object_get_string_member (gettoken, "path"), ==, "/gettoken");
    g_assert_true (json_object_get_null_member (gettoken, "msg_uuid"));
    g_assert_false (json_object_get_boolean_member (gettoken, "duplicate"));
  }

  g_clear_object (&fixture->server);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---------------------------------------------------------------- process */

static GSubprocess *
spawn_fake (const char * const  *args,
            char               **out_base_url)
{
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "fake", "dd-fake-dingtalk", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  g_ptr_array_add (argv, program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* a refused start says why on stderr: the exit status is what counts */
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               out_base_url != NULL ? G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                    : G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  if (out_base_url == NULL)
    return g_steal_pointer (&process);

  /* the base URL, once listening */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  *out_base_url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out_base_url);
  return g_steal_pointer (&process);
}

/* The options shell tests use: --rate-limit, --next-answer, --next-errcode */
static void
test_process_options (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "fake", "dd-fake-dingtalk", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("dd-fake-dingtalk is not built");
      return;
    }

  dir = g_dir_make_tmp ("dd-fake-XXXXXX", &error);
  g_assert_no_error (error);
  log = g_build_filename (dir, "log.jsonl", NULL);

  {
    const char *args[] = {
      "--log", log, "--robot", "plain-token",
      "--rate-limit", "3:60000:600000:130101",
      /* the body keeps its colons */
      "--next-answer", "/robot/send:1:500:{\"errcode\":-1,\"errmsg\":\"busy: try again\"}",
      "--next-errcode", "2:*:88:auth: timeout",
      NULL
    };
    process = spawn_fake (args, &base);
  }
  url = g_strdup_printf ("%s/robot/send?access_token=plain-token", base);

  {
    guint status = 0;
    g_autoptr(GBytes) bytes = post_raw (fixture, url, TEXT_MSG, &status, NULL);
    g_assert_cmpuint (status, ==, 500);
    assert_bytes_are (bytes, "{\"errcode\":-1,\"errmsg\":\"busy: try again\"}");
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
      g_autoptr(JsonObject) answer = request_json (fixture, msg);
      g_assert_cmpint (json_object_get_int_member (answer, "errcode"), ==, 88);
      g_assert_cmpstr (json_object_get_string_member (answer, "errmsg"), ==, "auth: timeout");
    }
  /* limit 3: u1, its duplicate, a third; the 4th refused with 130101 */
  {
    const gint64 expected[] = { 0, 0, 0, 130101 };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, i < 2 ? UUID_MSG : TEXT_MSG);
        g_autoptr(JsonObject) answer = request_json (fixture, msg);
        g_assert_cmpint (json_object_get_int_member (answer, "errcode"), ==, expected[i]);
      }
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);

  g_file_get_contents (log, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  {
    g_autoptr(JsonObject) again = log_entry (lines, 4);

    g_assert_cmpstr (json_object_get_string_member (again, "msg_uuid"), ==, "u1");
    g_assert_true (json_object_get_boolean_member (again, "accepted"));
    g_assert_true (json_object_get_boolean_member (again, "duplicate"));
  }
  g_unlink (log);
  g_rmdir (dir);

  /* bad values are refused with status 2 */
  {
    const char *bad[][3] = {
      { "--rate-limit", "0:60000:600000:410100", NULL },
      { "--rate-limit", "20:60000:600000", NULL },
      { "--next-answer", "robot/send:1:200:{}", NULL },
      { "--next-answer", "/robot/send:1:99:{}", NULL },
      { "--next-errcode", "x:/robot/send:1", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GSubprocess) refused = spawn_fake (bad[i], NULL);

        g_assert_true (g_subprocess_wait (refused, NULL, &error));
        g_assert_no_error (error);
        g_assert_true (g_subprocess_get_if_exited (refused));
        g_assert_cmpint (g_subprocess_get_exit_status (refused), ==, 2);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/fake/fault/http", test_fault_http);
  ADD ("/fake/fault/drop", test_fault_drop);
  ADD ("/fake/fault/latency", test_fault_latency);
  ADD ("/fake/fault/latency-rate", test_fault_latency_rate);
  ADD ("/fake/fault/latency-release", test_fault_latency_release);
  ADD ("/fake/fault/stall", test_fault_stall);
  ADD ("/fake/fault/client-gives-up", test_fault_client_gives_up);
  ADD ("/fake/fault/next-errcode", test_next_errcode);
  ADD ("/fake/fault/next-answer", test_next_answer);
  ADD ("/fake/fault/next-answer-paths", test_next_answer_paths);
  ADD ("/fake/fault/next-answer-msg-uuid", test_next_answer_msg_uuid);
  ADD ("/fake/log", test_log_file);
  ADD ("/fake/log/msg-uuid", test_log_msg_uuid);
  ADD ("/fake/process/options", test_process_options);

#undef ADD

  return g_test_run ();
}
