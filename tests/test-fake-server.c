/* test-fake-server.c: the fake DingTalk rejects what DingTalk rejects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fake that accepts anything proves nothing, so this checks each of the
 * fake's checks with a real libsoup client. Expected signatures are computed
 * here with GHmac, independently of the fake's own code.
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "dd-fake-client.h"
#include "dd-fake-server.h"

#define SECRET  "SEC1234567890abcdef"
#define TOKEN   "0123456789abcdef0123456789abcdef"
#define APP_KEY "dingappkey"
#define APP_SECRET "app-secret-value"
#define HEADER_SIGN_ERRMSG "签名和生成签名的时间戳必须都放在调用的网址中"

typedef struct {
  DdFakeServer *server;
  SoupSession  *session;
} Fixture;

/* ------------------------------------------------------------------ helpers */

static char *
expected_sign (const char *secret,
               gint64      timestamp)
{
  g_autofree char *message = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s", timestamp, secret);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8 digest[32];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, strlen (message));
  g_hmac_get_digest (hmac, digest, &len);
  g_assert_cmpuint (len, ==, 32);
  return g_base64_encode (digest, len);
}

static char *
url_escape (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* Sends and returns the parsed JSON answer, asserting the HTTP status */
static JsonObject *
request_json (Fixture     *fixture,
              SoupMessage *msg,
              guint        expected_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  object = dd_fake_client_parse_object (bytes);
  g_assert_nonnull (object);
  return object;
}

static gint64
errcode_of (JsonObject *object)
{
  g_assert_true (json_object_has_member (object, "errcode"));
  return json_object_get_int_member (object, "errcode");
}

static char *
robot_url (Fixture    *fixture,
           const char *token,
           gint64      timestamp,
           const char *encoded_sign)
{
  const char *base = dd_fake_server_get_base_url (fixture->server);

  if (encoded_sign == NULL)
    return g_strdup_printf ("%s/robot/send?access_token=%s", base, token);
  return g_strdup_printf ("%s/robot/send?access_token=%s&timestamp=%" G_GINT64_FORMAT "&sign=%s",
                          base, token, timestamp, encoded_sign);
}

/* POSTs @json to /robot/send, signed with @secret at @timestamp, and
 * returns the errcode (asserting DingTalk's HTTP 200) */
static gint64
send_robot (Fixture    *fixture,
            const char *token,
            const char *secret,
            gint64      timestamp,
            const char *json,
            char      **out_errmsg)
{
  g_autofree char *sign = secret ? expected_sign (secret, timestamp) : NULL;
  g_autofree char *encoded = sign ? url_escape (sign) : NULL;
  g_autofree char *url = robot_url (fixture, token, timestamp, encoded);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, json);
  g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);

  if (out_errmsg != NULL)
    *out_errmsg = g_strdup (json_object_get_string_member (answer, "errmsg"));
  return errcode_of (answer);
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
  g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);

  *out_errcode = errcode_of (answer);
  return g_strdup (json_object_get_string_member_with_default (answer, "access_token", NULL));
}

static SoupMessage *
new_upload (Fixture    *fixture,
            const char *token,
            const char *part_name,
            const char *filename,
            const char *content_type,
            GBytes     *data)
{
  g_autofree char *url = g_strdup_printf ("%s/media/upload?access_token=%s&type=image",
                                          dd_fake_server_get_base_url (fixture->server), token);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);

  soup_multipart_append_form_file (multipart, part_name, filename, content_type, data);
  return soup_message_new_from_multipart (url, multipart);
}

static gint64
upload (Fixture    *fixture,
        const char *token,
        GBytes     *data,
        char      **out_media_id)
{
  g_autoptr(SoupMessage) msg = new_upload (fixture, token, "media", "shot.png", "image/png", data);
  g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);

  if (out_media_id != NULL)
    *out_media_id = g_strdup (json_object_get_string_member_with_default (answer, "media_id", NULL));
  return errcode_of (answer);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *keywords[] = { "DingDrop", "截图", NULL };

  fixture->server = dd_fake_server_new ();
  fixture->session = dd_fake_client_new_session ();
  dd_fake_server_add_app (fixture->server, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (fixture->server, TOKEN, SECRET, NULL);
  dd_fake_server_add_robot (fixture->server, "plain-token", NULL, NULL);
  dd_fake_server_add_robot (fixture->server, "keyword-token", NULL, keywords);
  dd_fake_server_add_app_robot (fixture->server, "dingrobotcode", "cidConversation==");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->server);
}

#define TEXT_MSG "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello DingDrop\"}}"

/* -------------------------------------------------------------- signature */

static void
test_sign_vectors (void)
{
  struct { gint64 ts; const char *secret; const char *sign; } vectors[] = {
    { G_GINT64_CONSTANT (1700000000000), "this is secret",
      "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=" },
    { G_GINT64_CONSTANT (1577262236757), "SEC1234567890abcdef",
      "f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk=" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *ours = expected_sign (vectors[i].secret, vectors[i].ts);
      g_autofree char *fakes = dd_fake_compute_sign (vectors[i].secret, vectors[i].ts);

      g_assert_cmpstr (ours, ==, vectors[i].sign);
      g_assert_cmpstr (fakes, ==, vectors[i].sign);
    }
}

static void
test_robot_signed_ok (Fixture       *fixture,
                      gconstpointer  data)
{
  GPtrArray *messages = dd_fake_server_get_messages (fixture->server);
  const DdFakeMessage *message;

  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), TEXT_MSG, NULL), ==, 0);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);

  g_assert_cmpuint (messages->len, ==, 1);
  message = g_ptr_array_index (messages, 0);
  g_assert_true (message->accepted);
  g_assert_cmpint (message->errcode, ==, 0);
  g_assert_cmpstr (message->access_token, ==, TOKEN);
  g_assert_cmpstr (message->path, ==, "/robot/send");
  g_assert_nonnull (strstr (message->query, "&sign="));
  g_assert_nonnull (message->body);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (message->body), "text"), "content"),
                   ==, "hello DingDrop");

  /* a robot without a secret takes no signature */
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, TEXT_MSG, NULL), ==, 0);
}

static void
test_robot_wrong_sign (Fixture       *fixture,
                       gconstpointer  data)
{
  gint64 ts = now_ms ();
  g_autofree char *errmsg = NULL;
  g_autofree char *sign = expected_sign (SECRET, ts);
  g_autofree char *once = url_escape (sign);
  g_autofree char *twice = url_escape (once);

  /* signed with another secret */
  g_assert_cmpint (send_robot (fixture, TOKEN, "SECwrong", ts, TEXT_MSG, &errmsg), ==, 310000);
  g_assert_cmpstr (errmsg, ==, "sign not match");

  /* signed for another timestamp */
  {
    g_autofree char *url = robot_url (fixture, TOKEN, ts + 1, once);
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 310000);
  }

  /* encoded twice: "%3D" became "%253D" (the Apprise bug) */
  {
    g_autofree char *url = robot_url (fixture, TOKEN, ts, twice);
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (url, "%253D"));
    g_assert_cmpint (errcode_of (answer), ==, 310000);
  }

  /* once is right */
  {
    g_autofree char *url = robot_url (fixture, TOKEN, ts, once);
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 0);
  }

  /* no signature at all */
  {
    g_autofree char *url = robot_url (fixture, TOKEN, 0, NULL);
    g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 310000);
  }

  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_messages (fixture->server)->len, ==, 5);
}

static void
test_robot_sign_in_header (Fixture       *fixture,
                           gconstpointer  data)
{
  gint64 ts = now_ms ();
  g_autofree char *sign = expected_sign (SECRET, ts);
  g_autofree char *ts_text = g_strdup_printf ("%" G_GINT64_FORMAT, ts);
  g_autofree char *url = robot_url (fixture, TOKEN, 0, NULL);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, TEXT_MSG);
  g_autoptr(JsonObject) answer = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  /* the blog post's way: a correct signature, in the wrong place */
  soup_message_headers_append (headers, "X-Authorization", sign);
  soup_message_headers_append (headers, "timestamp", ts_text);

  answer = request_json (fixture, msg, SOUP_STATUS_OK);
  g_assert_cmpint (errcode_of (answer), ==, 310000);
  g_assert_cmpstr (json_object_get_string_member (answer, "errmsg"), ==, HEADER_SIGN_ERRMSG);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 0);
}

static void
test_robot_stale_timestamp (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *errmsg = NULL;
  gint64 now = now_ms ();

  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now - 3601 * 1000, TEXT_MSG, &errmsg), ==, 310000);
  g_assert_cmpstr (errmsg, ==, "invalid timestamp");
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now + 3601 * 1000, TEXT_MSG, NULL), ==, 310000);
  /* seconds instead of milliseconds */
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now / 1000, TEXT_MSG, NULL), ==, 310000);
  /* just inside the hour */
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now - 3500 * 1000, TEXT_MSG, NULL), ==, 0);

  /* the fake's clock moved on: a timestamp from the real clock is stale */
  dd_fake_server_advance_clock (fixture->server, 2 * 3600 * 1000);
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), TEXT_MSG, NULL), ==, 310000);
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, dd_fake_server_get_now_ms (fixture->server),
                               TEXT_MSG, NULL), ==, 0);
}

static void
test_robot_keywords (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *errmsg = NULL;

  g_assert_cmpint (send_robot (fixture, "keyword-token", NULL, 0,
                               "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello\"}}",
                               &errmsg), ==, 310000);
  g_assert_cmpstr (errmsg, ==, "keywords not in content");
  g_assert_cmpint (send_robot (fixture, "keyword-token", NULL, 0, TEXT_MSG, NULL), ==, 0);
  g_assert_cmpint (send_robot (fixture, "keyword-token", NULL, 0,
                               "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"截图\","
                               "\"text\":\"![shot](@lADPabc)\"}}", NULL), ==, 0);
  /* the keyword check does not look at the JSON keys or at another part */
  g_assert_cmpint (send_robot (fixture, "keyword-token", NULL, 0,
                               "{\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"},"
                               "\"DingDrop\":{\"x\":\"DingDrop\"}}", NULL), ==, 310000);
}

static void
test_robot_unknown_token (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *errmsg = NULL;

  g_assert_cmpint (send_robot (fixture, "nope", NULL, 0, TEXT_MSG, &errmsg), ==, 300001);
  g_assert_cmpint (send_robot (fixture, "nope", SECRET, now_ms (), TEXT_MSG, NULL), ==, 300001);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 0);
}

static void
test_robot_rate_limit (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *errmsg = NULL;

  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), TEXT_MSG, NULL), ==, 0);

  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), TEXT_MSG, &errmsg), ==, 410100);
  g_assert_cmpstr (errmsg, ==, "send too fast, exceed 20 times per minute");
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 1);
  /* other robots are not affected */
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, TEXT_MSG, NULL), ==, 0);

  /* a minute later the robot is still blocked: that lasts 10 minutes */
  dd_fake_server_advance_clock (fixture->server, 61 * 1000);
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, dd_fake_server_get_now_ms (fixture->server),
                               TEXT_MSG, NULL), ==, 410100);
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 2);
  dd_fake_server_advance_clock (fixture->server, 10 * 60 * 1000);
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, dd_fake_server_get_now_ms (fixture->server),
                               TEXT_MSG, NULL), ==, 0);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 22);

  /* a sliding window: 20 spread over more than a minute are fine */
  for (guint i = 0; i < 30; i++)
    {
      dd_fake_server_advance_clock (fixture->server, 3100);
      g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, TEXT_MSG, NULL), ==, 0);
    }
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 2);
}

/* A robot without secret, so that the fake's clock can stand still */
static gint64
send_plain (Fixture    *fixture,
            const char *token,
            const char *json)
{
  return send_robot (fixture, token, NULL, 0, json, NULL);
}

/* Limit 3 in 400 ms, blocked for 1 s, on a frozen clock: exact times */
static void
test_robot_rate_window (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *errmsg = NULL;

  dd_fake_server_freeze_clock (fixture->server, TRUE);
  dd_fake_server_set_rate_limit (fixture->server, 3, 400, 1000, DD_FAKE_ROBOT_THROTTLE_ERRCODE);

  /* t = 0, 10, 20: fine; t = 30: a 4th within 400 ms */
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
      dd_fake_server_advance_clock (fixture->server, 10);
    }
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, TEXT_MSG, &errmsg), ==, 410100);
  g_assert_cmpstr (errmsg, ==, "send too fast, exceed 20 times per minute");
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 1);

  /* t = 530: the window holds nothing any more, but the block lasts */
  dd_fake_server_advance_clock (fixture->server, 500);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 410100);
  /* other robots are not affected */
  g_assert_cmpint (send_plain (fixture, "keyword-token", TEXT_MSG), ==, 0);

  /* the block is [30, 1030): refused at 1029, over at 1030 */
  dd_fake_server_advance_clock (fixture->server, 499);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 410100);
  dd_fake_server_advance_clock (fixture->server, 1);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
  /* the refusal at 1029 still counts: DingTalk counts requests */
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 410100);

  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 4);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 6);

  /* the legacy errcode, on request */
  dd_fake_server_add_robot (fixture->server, "legacy-token", NULL, NULL);
  dd_fake_server_set_rate_limit (fixture->server, 3, 400, 1000, DD_FAKE_ROBOT_THROTTLE_ERRCODE_LEGACY);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (send_plain (fixture, "legacy-token", TEXT_MSG), ==, 0);
  g_assert_cmpint (send_plain (fixture, "legacy-token", TEXT_MSG), ==, 130101);
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 5);
}

/* The window is (now - WINDOW, now]: a send exactly WINDOW ms old is out */
static void
test_robot_rate_boundary (Fixture       *fixture,
                          gconstpointer  data)
{
  dd_fake_server_freeze_clock (fixture->server, TRUE);
  dd_fake_server_set_rate_limit (fixture->server, 2, 1000, 5000, DD_FAKE_ROBOT_THROTTLE_ERRCODE);

  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);   /* t = 0 */
  dd_fake_server_advance_clock (fixture->server, 999);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);   /* t = 999 */
  dd_fake_server_advance_clock (fixture->server, 1);
  /* t = 1000: the send at 0 left the window, so this is the 2nd in it */
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
  /* still t = 1000: 999, 1000 and this one */
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 410100);
  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 1);
}

/* ----------------------------------------------------------------- msgUuid */

#define UUID_MSG(uuid) \
  "{\"msgtype\":\"text\",\"text\":{\"content\":\"hello DingDrop\"},\"msgUuid\":" uuid "}"

static const DdFakeMessage *
last_message (Fixture *fixture)
{
  GPtrArray *messages = dd_fake_server_get_messages (fixture->server);

  g_assert_cmpuint (messages->len, >, 0);
  return g_ptr_array_index (messages, messages->len - 1);
}

static void
test_robot_msg_uuid (Fixture       *fixture,
                     gconstpointer  data)
{
  const DdFakeMessage *message;
  g_autofree char *errmsg = NULL;

  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u1\"")), ==, 0);
  message = last_message (fixture);
  g_assert_cmpstr (message->msg_uuid, ==, "u1");
  g_assert_false (message->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 1);

  /* the retry of a message that did arrive: ok, but not shown again */
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, UUID_MSG ("\"u1\""), &errmsg), ==, 0);
  g_assert_cmpstr (errmsg, ==, "ok");
  message = last_message (fixture);
  g_assert_true (message->accepted);
  g_assert_true (message->duplicate);
  g_assert_cmpstr (message->msg_uuid, ==, "u1");
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 2);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 1);

  /* another msgUuid, none, or the same one on another robot: shown */
  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u2\"")), ==, 0);
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
  g_assert_cmpint (send_plain (fixture, "plain-token", TEXT_MSG), ==, 0);
  g_assert_null (last_message (fixture)->msg_uuid);
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpint (send_plain (fixture, "keyword-token", UUID_MSG ("\"u1\"")), ==, 0);
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 5);

  /* a msgUuid becomes known only when accepted: the retry is shown */
  g_assert_cmpint (send_plain (fixture, "keyword-token",
                               "{\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"},\"msgUuid\":\"u3\"}"),
                   ==, 310000);
  g_assert_cmpstr (last_message (fixture)->msg_uuid, ==, "u3");
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpint (send_plain (fixture, "keyword-token", UUID_MSG ("\"u3\"")), ==, 0);
  g_assert_false (last_message (fixture)->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 6);

  /* a msgUuid that is not a string, or empty, is no msgUuid */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("42")), ==, 0);
      g_assert_null (last_message (fixture)->msg_uuid);
      g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"\"")), ==, 0);
      g_assert_null (last_message (fixture)->msg_uuid);
    }
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 10);

  /* clear_records() forgets the records, not what the robot accepted */
  dd_fake_server_clear_records (fixture->server);
  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u2\"")), ==, 0);
  g_assert_true (last_message (fixture)->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 0);
}

/* A duplicate is a request like any other for the rate limit */
static void
test_robot_msg_uuid_rate (Fixture       *fixture,
                          gconstpointer  data)
{
  dd_fake_server_freeze_clock (fixture->server, TRUE);
  dd_fake_server_set_rate_limit (fixture->server, 2, 1000, 1000, DD_FAKE_ROBOT_THROTTLE_ERRCODE);

  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u1\"")), ==, 0);
  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u1\"")), ==, 0);
  g_assert_true (last_message (fixture)->duplicate);
  /* over the limit: refused, even though it would not be shown */
  g_assert_cmpint (send_plain (fixture, "plain-token", UUID_MSG ("\"u1\"")), ==, 410100);
  g_assert_false (last_message (fixture)->accepted);
  g_assert_false (last_message (fixture)->duplicate);

  g_assert_cmpuint (dd_fake_server_get_n_throttled (fixture->server), ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 2);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (fixture->server), ==, 1);
}

static void
test_robot_too_large (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("{\"msgtype\":\"text\",\"text\":{\"content\":\"DingDrop ");
  gsize fixed = json->len + strlen ("\"}}");
  g_autofree char *errmsg = NULL;

  /* exactly 20,000 bytes is fine */
  while (json->len < 20000 - strlen ("\"}}"))
    g_string_append_c (json, 'x');
  g_string_append (json, "\"}}");
  g_assert_cmpuint (json->len, ==, 20000);
  g_assert_cmpuint (fixed, <, 20000);
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), json->str, NULL), ==, 0);

  g_string_insert_c (json, json->len - 4, 'x');
  g_assert_cmpint (send_robot (fixture, TOKEN, SECRET, now_ms (), json->str, &errmsg), ==, 460101);
}

static void
test_robot_bad_body (Fixture       *fixture,
                     gconstpointer  data)
{
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, "not json", NULL), ==, 40035);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"image\",\"image\":{\"picURL\":\"x\"}}", NULL), ==, 40035);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"markdown\",\"markdown\":{\"text\":\"no title\"}}", NULL), ==, 40035);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"text\",\"text\":{\"content\":42}}", NULL), ==, 40035);

  /* form-encoded instead of JSON */
  {
    g_autofree char *url = robot_url (fixture, "plain-token", 0, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
    g_autoptr(GBytes) body = g_bytes_new_static (TEXT_MSG, strlen (TEXT_MSG));
    g_autoptr(JsonObject) answer = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 43004);
  }

  /* GET */
  {
    g_autofree char *url = robot_url (fixture, "plain-token", 0, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 43002);
  }

  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 0);
}

/* ------------------------------------------------------------ app tokens */

static void
test_token_get (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *unknown = NULL;
  gint64 errcode = -1;

  first = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 0);
  g_assert_cmpuint (strlen (first), ==, 32);
  second = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 0);
  g_assert_cmpstr (first, ==, second);

  bad = get_token (fixture, APP_KEY, "wrong", &errcode);
  g_assert_cmpint (errcode, ==, 40089);
  g_assert_null (bad);
  unknown = get_token (fixture, "otherkey", APP_SECRET, &errcode);
  g_assert_cmpint (errcode, ==, 40089);
  g_assert_null (unknown);

  g_assert_cmpuint (dd_fake_server_get_n_token_requests (fixture->server), ==, 4);
}

static void
test_token_expiry (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autofree char *token = NULL;
  g_autofree char *renewed = NULL;
  g_autofree char *fresh = NULL;
  gint64 errcode = -1;

  dd_fake_server_set_token_lifetime (fixture->server, 60);
  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (upload (fixture, token, png, NULL), ==, 0);

  dd_fake_server_advance_clock (fixture->server, 61 * 1000);
  g_assert_cmpint (upload (fixture, token, png, NULL), ==, 42001);

  renewed = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpstr (renewed, !=, token);
  g_assert_cmpint (upload (fixture, renewed, png, NULL), ==, 0);

  dd_fake_server_expire_tokens (fixture->server);
  g_assert_cmpint (upload (fixture, renewed, png, NULL), ==, 42001);
  fresh = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpstr (fresh, !=, renewed);
  g_assert_cmpint (upload (fixture, fresh, png, NULL), ==, 0);

  g_assert_cmpuint (dd_fake_server_get_uploads (fixture->server)->len, ==, 3);
  g_assert_cmpuint (dd_fake_server_get_n_upload_requests (fixture->server), ==, 5);
}

/* ---------------------------------------------------------------- upload */

static void
test_upload_ok (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autofree char *token = NULL;
  g_autofree char *media_id = NULL;
  g_autofree char *media_id2 = NULL;
  const DdFakeUpload *upload_record;
  gint64 errcode = -1;

  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (upload (fixture, token, png, &media_id), ==, 0);
  g_assert_true (g_str_has_prefix (media_id, "@lADP"));
  g_assert_cmpint (upload (fixture, token, png, &media_id2), ==, 0);
  g_assert_cmpstr (media_id, !=, media_id2);

  upload_record = dd_fake_server_lookup_upload (fixture->server, media_id);
  g_assert_nonnull (upload_record);
  g_assert_cmpstr (upload_record->filename, ==, "shot.png");
  g_assert_cmpstr (upload_record->content_type, ==, "image/png");
  g_assert_cmpstr (upload_record->access_token, ==, token);
  g_assert_true (g_bytes_equal (upload_record->data, png));
}

static void
test_upload_rejects (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autoptr(GBytes) text = g_bytes_new_static ("just text, named .png", 21);
  g_autofree char *token = NULL;
  gint64 errcode = -1;

  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);

  /* unknown and garbage tokens */
  g_assert_cmpint (upload (fixture, "ffffffffffffffffffffffffffffffff", png, NULL), ==, 40014);
  g_assert_cmpint (upload (fixture, TOKEN, png, NULL), ==, 40014);

  /* the raw PNG as the body, not multipart */
  {
    g_autofree char *url = g_strdup_printf ("%s/media/upload?access_token=%s&type=image",
                                            dd_fake_server_get_base_url (fixture->server), token);
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
    g_autoptr(JsonObject) answer = NULL;

    soup_message_set_request_body_from_bytes (msg, "image/png", png);
    answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 43008);
  }

  /* the file part under another name */
  {
    g_autoptr(SoupMessage) msg = new_upload (fixture, token, "file", "shot.png", "image/png", png);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 43008);
  }

  /* text with an image's name and type: the magic bytes decide */
  {
    g_autoptr(SoupMessage) msg = new_upload (fixture, token, "media", "shot.png", "image/png", text);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 40004);
  }

  /* an image under a misleading name is fine */
  {
    g_autoptr(SoupMessage) msg = new_upload (fixture, token, "media", "notes.txt",
                                             "application/octet-stream", png);
    g_autoptr(JsonObject) answer = request_json (fixture, msg, SOUP_STATUS_OK);
    g_assert_cmpint (errcode_of (answer), ==, 0);
  }

  g_assert_cmpuint (dd_fake_server_get_uploads (fixture->server)->len, ==, 1);
}

static void
test_upload_too_large (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autoptr(GByteArray) big = g_byte_array_new ();
  g_autoptr(GBytes) big_png = NULL;
  g_autofree char *token = NULL;
  gint64 errcode = -1;

  /* a PNG signature followed by 2000 bytes */
  g_byte_array_append (big, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_byte_array_set_size (big, 2000);
  big_png = g_byte_array_free_to_bytes (g_steal_pointer (&big));

  token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  dd_fake_server_set_max_upload_bytes (fixture->server, 1000);
  g_assert_cmpint (upload (fixture, token, big_png, NULL), ==, 40006);

  /* or the gateway's HTML page, which is not JSON */
  dd_fake_server_set_html_413_on_oversize (fixture->server, TRUE);
  {
    g_autoptr(SoupMessage) msg = new_upload (fixture, token, "media", "big.png", "image/png", big_png);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = dd_fake_client_send (fixture->session, msg, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
    g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (
                                       soup_message_get_response_headers (msg), NULL), "text/html"));
  }

  g_assert_cmpuint (dd_fake_server_get_uploads (fixture->server)->len, ==, 0);
}

/* ------------------------------------------------------------- app robot */

static JsonObject *
send_app_robot (Fixture    *fixture,
                const char *token,
                const char *json,
                guint       expected_status)
{
  g_autofree char *url = g_strdup_printf ("%s/v1.0/robot/groupMessages/send",
                                          dd_fake_server_get_base_url (fixture->server));
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, json);

  if (token != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg),
                                 "x-acs-dingtalk-access-token", token);
  return request_json (fixture, msg, expected_status);
}

static char *
get_v1_token (Fixture    *fixture,
              const char *key,
              const char *secret,
              guint       expected_status)
{
  g_autofree char *url = g_strdup_printf ("%s/v1.0/oauth2/accessToken",
                                          dd_fake_server_get_base_url (fixture->server));
  g_autofree char *json = g_strdup_printf ("{\"appKey\":\"%s\",\"appSecret\":\"%s\"}", key, secret);
  g_autoptr(SoupMessage) msg = dd_fake_client_new_json_post (url, json);
  g_autoptr(JsonObject) answer = request_json (fixture, msg, expected_status);

  if (expected_status == SOUP_STATUS_OK)
    g_assert_cmpint (json_object_get_int_member (answer, "expireIn"), ==, 7200);
  return g_strdup (json_object_get_string_member_with_default (answer, "accessToken", NULL));
}

static char *
app_body (const char *robot_code,
          const char *msg_key,
          const char *param)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "robotCode");
  json_builder_add_string_value (builder, robot_code);
  json_builder_set_member_name (builder, "openConversationId");
  json_builder_add_string_value (builder, "cidConversation==");
  json_builder_set_member_name (builder, "msgKey");
  json_builder_add_string_value (builder, msg_key);
  json_builder_set_member_name (builder, "msgParam");
  json_builder_add_string_value (builder, param);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static const char *
code_of (JsonObject *answer)
{
  return json_object_get_string_member_with_default (answer, "code", NULL);
}

static void
test_app_robot (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autofree char *token = NULL;
  g_autofree char *oapi_token = NULL;
  g_autofree char *media_id = NULL;
  g_autofree char *image_param = NULL;
  g_autofree char *good = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *long_param = NULL;
  gint64 errcode = -1;
  GPtrArray *messages = dd_fake_server_get_messages (fixture->server);
  const DdFakeMessage *last;
  struct {
    const char *token;      /* NULL: the v1.0 one */
    const char *body;       /* NULL: good */
    guint       status;
    const char *code;
  } cases[] = {
    { "", NULL, 401, "InvalidAuthentication" },
    { "garbage", NULL, 401, "InvalidAuthentication" },
    { NULL, NULL, 0, NULL },  /* the gettoken token: set below */
    { NULL, "{\"robotCode\":\"other\",\"openConversationId\":\"cidConversation==\","
            "\"msgKey\":\"sampleImageMsg\",\"msgParam\":\"{\\\"photoURL\\\":\\\"https://example.com/a.png\\\"}\"}",
      400, "invalidParameter.robotCode.notExsit" },
    /* msgParam is a JSON string, not an object, not a number */
    { NULL, "{\"robotCode\":\"dingrobotcode\",\"openConversationId\":\"cidConversation==\","
            "\"msgKey\":\"sampleImageMsg\",\"msgParam\":{\"photoURL\":\"x\"}}",
      400, "invalidParameter.msgParam" },
    { NULL, "{\"robotCode\":\"dingrobotcode\",\"openConversationId\":\"cidConversation==\","
            "\"msgKey\":\"sampleImageMsg\",\"msgParam\":42}",
      400, "invalidParameter.msgParam" },
  };

  /* each endpoint its own token */
  token = get_v1_token (fixture, APP_KEY, APP_SECRET, 200);
  oapi_token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpstr (token, !=, oapi_token);
  g_assert_null (get_v1_token (fixture, APP_KEY, "wrong", 400));
  g_assert_cmpint (upload (fixture, token, png, NULL), ==, 40014);
  g_assert_cmpint (upload (fixture, oapi_token, png, &media_id), ==, 0);

  image_param = g_strdup_printf ("{\"photoURL\":\"%s\"}", media_id);
  good = app_body ("dingrobotcode", "sampleImageMsg", image_param);
  {
    g_autoptr(JsonObject) ok = send_app_robot (fixture, token, good, 200);
    g_assert_nonnull (json_object_get_string_member_with_default (ok, "processQueryKey", NULL));
  }

  cases[2].token = oapi_token;
  cases[2].status = 401;
  cases[2].code = "InvalidAuthentication";
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) answer = send_app_robot (fixture,
                                                     cases[i].token ? (*cases[i].token ? cases[i].token : NULL) : token,
                                                     cases[i].body ? cases[i].body : good,
                                                     cases[i].status);
      g_assert_cmpstr (code_of (answer), ==, cases[i].code);
    }

  /* a photoURL is a media_id uploaded here, or an https URL */
  {
    g_autofree char *unknown = app_body ("dingrobotcode", "sampleImageMsg", "{\"photoURL\":\"@lADPnotuploaded\"}");
    g_autofree char *http = app_body ("dingrobotcode", "sampleImageMsg", "{\"photoURL\":\"http://example.com/a.png\"}");
    g_autofree char *https = app_body ("dingrobotcode", "sampleImageMsg", "{\"photoURL\":\"https://example.com/a.png\"}");
    g_autoptr(JsonObject) a = send_app_robot (fixture, token, unknown, 400);
    g_autoptr(JsonObject) b = send_app_robot (fixture, token, http, 400);
    g_autoptr(JsonObject) c = send_app_robot (fixture, token, https, 200);

    g_assert_cmpstr (code_of (a), ==, "invalidParameter.msgParam.photoURL");
    g_assert_cmpstr (code_of (b), ==, "invalidParameter.msgParam.photoURL");
  }

  /* msgParam at most 15000 bytes */
  long_text = g_strnfill (DD_FAKE_APP_ROBOT_MAX_PARAM_BYTES, 'x');
  long_param = g_strdup_printf ("{\"title\":\"t\",\"text\":\"%s\"}", long_text);
  {
    g_autofree char *body = app_body ("dingrobotcode", "sampleMarkdown", long_param);
    g_autoptr(JsonObject) answer = send_app_robot (fixture, token, body, 400);
    g_assert_cmpstr (code_of (answer), ==, "invalidParameter.msgParam.tooLong");
  }

  /* an app without the robot's permission: the scope is named */
  dd_fake_server_revoke_scope (fixture->server, APP_KEY, "qyapi_robot_sendmsg");
  {
    g_autoptr(JsonObject) answer = send_app_robot (fixture, token, good, 403);
    JsonObject *detail = json_object_get_object_member (answer, "accessdenieddetail");
    JsonArray *scopes = json_object_get_array_member (detail, "requiredScopes");

    g_assert_cmpstr (code_of (answer), ==, "Forbidden.AccessDenied.AccessTokenPermissionDenied");
    g_assert_cmpstr (json_array_get_string_element (scopes, 0), ==, "qyapi_robot_sendmsg");
  }

  dd_fake_server_expire_tokens (fixture->server);
  {
    g_autoptr(JsonObject) expired = send_app_robot (fixture, token, good, 401);
    g_assert_cmpstr (code_of (expired), ==, "InvalidAuthentication");
  }

  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 2);
  last = g_ptr_array_index (messages, messages->len - 1);
  g_assert_cmpint (last->errcode, ==, 401);
  g_assert_cmpstr (last->error_code, ==, "InvalidAuthentication");
  g_assert_cmpstr (last->access_token, ==, token);
}

/* The §5 answers on demand, as the v1.0 API gives them */
static void
test_app_robot_v1_errors (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *token = get_v1_token (fixture, APP_KEY, APP_SECRET, 200);
  g_autofree char *good = app_body ("dingrobotcode", "sampleImageMsg", "{\"photoURL\":\"https://example.com/a.png\"}");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) third = NULL;

  dd_fake_server_set_next_v1_error (fixture->server, "/v1.0/robot/groupMessages/send", 2,
                                    500, "system.error", "系统错误");
  first = send_app_robot (fixture, token, good, 500);
  second = send_app_robot (fixture, token, good, 500);
  third = send_app_robot (fixture, token, good, 200);
  g_assert_cmpstr (code_of (first), ==, "system.error");
  g_assert_cmpstr (code_of (second), ==, "system.error");
  g_assert_nonnull (json_object_get_string_member_with_default (third, "processQueryKey", NULL));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 1);
}

/* feedCard and link: the fields DingTalk requires, and a picture it can show */
static void
test_robot_cards (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) png = dd_fake_client_tiny_png ();
  g_autofree char *oapi_token = NULL;
  g_autofree char *media_id = NULL;
  g_autofree char *card = NULL;
  g_autofree char *album = NULL;
  g_autofree char *link = NULL;
  g_autofree char *errmsg = NULL;
  gint64 errcode = -1;

  oapi_token = get_token (fixture, APP_KEY, APP_SECRET, &errcode);
  g_assert_cmpint (upload (fixture, oapi_token, png, &media_id), ==, 0);

  card = g_strdup_printf ("{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"a\","
                          "\"messageURL\":\"https://www.dingtalk.com/\",\"picURL\":\"%s\"}]}}", media_id);
  album = g_strdup_printf ("{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":["
                           "{\"title\":\"a\",\"messageURL\":\"https://www.dingtalk.com/\",\"picURL\":\"%s\"},"
                           "{\"title\":\"b\",\"messageURL\":\"https://www.dingtalk.com/\",\"picURL\":\"https://example.com/b.png\"}]}}",
                           media_id);
  link = g_strdup_printf ("{\"msgtype\":\"link\",\"link\":{\"title\":\"a\",\"text\":\"t\","
                          "\"messageUrl\":\"https://www.dingtalk.com/\",\"picUrl\":\"%s\"}}", media_id);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, card, NULL), ==, 0);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, album, NULL), ==, 0);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0, link, NULL), ==, 0);

  /* a media_id not uploaded, an http URL, a missing field */
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"a\","
                               "\"messageURL\":\"https://www.dingtalk.com/\",\"picURL\":\"@lADPnope\"}]}}",
                               &errmsg), ==, 40035);
  g_assert_nonnull (strstr (errmsg, "picURL"));
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"a\","
                               "\"messageURL\":\"https://www.dingtalk.com/\",\"picURL\":\"http://example.com/a.png\"}]}}",
                               NULL), ==, 40035);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"a\","
                               "\"picURL\":\"https://example.com/a.png\"}]}}",
                               NULL), ==, 40035);
  g_assert_cmpint (send_robot (fixture, "plain-token", NULL, 0,
                               "{\"msgtype\":\"link\",\"link\":{\"title\":\"a\",\"text\":\"t\","
                               "\"messageUrl\":\"https://www.dingtalk.com/\",\"picUrl\":\"@lADPnope\"}}",
                               NULL), ==, 40035);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (fixture->server), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/fake/sign/vectors", test_sign_vectors);
  ADD ("/fake/robot/signed-ok", test_robot_signed_ok);
  ADD ("/fake/robot/wrong-sign", test_robot_wrong_sign);
  ADD ("/fake/robot/sign-in-header", test_robot_sign_in_header);
  ADD ("/fake/robot/stale-timestamp", test_robot_stale_timestamp);
  ADD ("/fake/robot/keywords", test_robot_keywords);
  ADD ("/fake/robot/unknown-token", test_robot_unknown_token);
  ADD ("/fake/robot/rate-limit", test_robot_rate_limit);
  ADD ("/fake/robot/rate-window", test_robot_rate_window);
  ADD ("/fake/robot/rate-boundary", test_robot_rate_boundary);
  ADD ("/fake/robot/msg-uuid", test_robot_msg_uuid);
  ADD ("/fake/robot/msg-uuid-rate", test_robot_msg_uuid_rate);
  ADD ("/fake/robot/too-large", test_robot_too_large);
  ADD ("/fake/robot/bad-body", test_robot_bad_body);
  ADD ("/fake/token/get", test_token_get);
  ADD ("/fake/token/expiry", test_token_expiry);
  ADD ("/fake/upload/ok", test_upload_ok);
  ADD ("/fake/upload/rejects", test_upload_rejects);
  ADD ("/fake/upload/too-large", test_upload_too_large);
  ADD ("/fake/app-robot/send", test_app_robot);
  ADD ("/fake/app-robot/v1-errors", test_app_robot_v1_errors);
  ADD ("/fake/robot/cards", test_robot_cards);

#undef ADD

  return g_test_run ();
}
