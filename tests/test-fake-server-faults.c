/* test-fake-server-faults.c: the fake's fault injection, seen by a client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP errors, HTML where JSON is expected, dropped and stalled
 * connections, latency, canned errcodes and the request log, each observed
 * through a real libsoup client.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "dd-fake-client.h"
#include "dd-fake-server.h"

#define APP_KEY    "dingappkey"
#define APP_SECRET "app-secret-value"
#define TEXT_MSG   "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello DingDrop\"}}"

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
  ADD ("/fake/fault/stall", test_fault_stall);
  ADD ("/fake/fault/client-gives-up", test_fault_client_gives_up);
  ADD ("/fake/fault/next-errcode", test_next_errcode);
  ADD ("/fake/log", test_log_file);

#undef ADD

  return g_test_run ();
}
