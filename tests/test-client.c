/* test-client.c: the DingTalk client against the fake (batches: tests/outbox/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "dd-client.h"
#include "dd-error.h"
#include "dd-fake-server.h"
#include "dd-message.h"
#include "dd-profile-private.h"

#define APP_KEY    "dingappkey"
#define APP_SECRET "app-secret-+/="
#define TOKEN      "robottoken0123456789"
#define SECRET     "SECtest+secret/with=chars"

typedef struct {
  DdFakeServer *fake;
  DdClient     *client;
  DdProfile    *profile;
} Fixture;

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static DdProfile *
make_profile (DdFakeServer *fake,
              const char   *token,
              const char   *secret)
{
  DdProfile *profile = dd_profile_new ("Team");
  g_autofree char *webhook = g_strdup_printf ("%s/robot/send?access_token=%s",
                                              dd_fake_server_get_base_url (fake), token);
  g_autoptr(GError) error = NULL;

  dd_profile_set_oapi_base (profile, dd_fake_server_get_base_url (fake));
  dd_profile_set_api_base (profile, dd_fake_server_get_base_url (fake));
  g_assert_true (dd_profile_set_webhook (profile, webhook, &error));
  g_assert_no_error (error);
  dd_profile_set_secret (profile, secret);
  dd_profile_set_app_key (profile, APP_KEY);
  dd_profile_set_app_secret (profile, APP_SECRET);

  return profile;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *keywords[] = { "日报", NULL };

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
  dd_fake_server_add_robot (f->fake, "kwtoken", NULL, keywords);
  f->client = dd_client_new ();
  dd_client_set_timeout (f->client, 5);
  f->profile = make_profile (f->fake, TOKEN, SECRET);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->profile);
  g_clear_object (&f->client);
  g_clear_object (&f->fake);
}

static GBytes *
make_png (guint width,
          guint height,
          guint seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *buffer = NULL;
  gsize size = 0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        p[0] = (x * 7 + seed) & 0xff;
        p[1] = (y * 3 + seed * 11) & 0xff;
        p[2] = ((x ^ y) + seed) & 0xff;
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static char *
upload (Fixture     *f,
        DdProfile   *profile,
        GBytes      *data,
        const char  *name,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_client_upload_async (f->client, profile, data, name, "image/png", NULL, NULL,
                          NULL, store_result, &result);
  return dd_client_upload_finish (f->client, wait_for (&result), error);
}

static gboolean
send_message (Fixture    *f,
              DdProfile  *profile,
              DdMessage  *message,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_client_send_async (f->client, profile, message, NULL, store_result, &result);
  return dd_client_send_finish (f->client, wait_for (&result), error);
}

/* Concurrent callers share one gettoken request. */
static void
test_token_shared (Fixture       *f,
                   gconstpointer  data)
{
  GAsyncResult *results[5] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    dd_client_get_token_async (f->client, f->profile, FALSE, NULL, store_result, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = dd_client_get_token_finish (f->client, wait_for (&results[i]), &error);

      g_assert_no_error (error);
      g_assert_nonnull (token);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
}

/* 42001: refresh the token once and try the upload once more. */
static void
test_token_refresh (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (32, 32, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = upload (f, f->profile, png, "a.png", &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);

  dd_fake_server_expire_tokens (f->fake);
  second = upload (f, f->profile, png, "b.png", &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);

  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 2);
  /* first upload, the refused one, the retry */
  g_assert_cmpuint (dd_fake_server_get_n_upload_requests (f->fake), ==, 3);
}

/* The token is cached until shortly before DingTalk's expires_in. */
static void
test_token_expiry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (32, 32, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  dd_fake_server_set_token_lifetime (f->fake, 1);
  a = upload (f, f->profile, png, "a.png", &error);
  g_assert_no_error (error);
  b = upload (f, f->profile, png, "b.png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);

  g_usleep (1100 * 1000);   /* the client's clock is real time */
  c = upload (f, f->profile, png, "c.png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 2);
}

/* An upload by a new client, as in the next process, with the profile as
 * the keyring gave it back. */
static char *
upload_next_run (Fixture     *f,
                 GBytes      *data,
                 const char  *name,
                 GError     **error)
{
  g_clear_object (&f->client);
  f->client = dd_client_new ();
  dd_client_set_timeout (f->client, 5);
  return upload (f, f->profile, data, name, error);
}

/* The token kept with the profile's secrets (what an earlier process
 * fetched) is used while it is good, only for the app and AppSecret it
 * is for, not within the margin of its expiry; one that DingTalk refuses
 * is replaced by the new one. */
static void
test_token_saved (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (32, 32, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *g = NULL;
  g_autofree char *first = NULL;
  g_autofree char *for_key = NULL;
  const char *key = NULL;
  gint64 expires = 0, now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_null (dd_profile_get_saved_token (f->profile, FALSE, NULL, NULL));
  a = upload (f, f->profile, png, "a.png", &error);
  g_assert_no_error (error);
  first = g_strdup (dd_profile_get_saved_token (f->profile, FALSE, &key, &expires));
  for_key = g_strdup (key);
  g_assert_nonnull (first);
  g_assert_nonnull (for_key);
  /* DingTalk's two hours, in Unix time */
  g_assert_cmpint (expires, >=, now + 7200 - 5);
  g_assert_cmpint (expires, <=, now + 7200 + 5);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);

  /* the next process asks DingTalk for none */
  b = upload_next_run (f, png, "b.png", &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_client_get_n_token_fetches (f->client), ==, 0);

  /* refused (it expired at DingTalk): a new one, kept in its place */
  dd_fake_server_expire_tokens (f->fake);
  c = upload_next_run (f, png, "c.png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 2);
  g_assert_nonnull (dd_profile_get_saved_token (f->profile, FALSE, NULL, NULL));
  g_assert_cmpstr (dd_profile_get_saved_token (f->profile, FALSE, NULL, NULL), !=, first);

  /* within five minutes of its expiry: not used */
  dd_profile_set_saved_token (f->profile, FALSE, for_key,
                              dd_profile_get_saved_token (f->profile, FALSE, NULL, NULL), now + 120);
  d = upload_next_run (f, png, "d.png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 3);

  /* a clock far behind the token's expiry: not trusted */
  dd_profile_set_saved_token (f->profile, FALSE, for_key,
                              dd_profile_get_saved_token (f->profile, FALSE, NULL, NULL),
                              now + 3 * 24 * 60 * 60);
  e = upload_next_run (f, png, "e.png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 4);

  /* another AppSecret: that app's token is not this one's (DingTalk
   * refuses the wrong secret, so the token request is seen to fail) */
  dd_profile_set_app_secret (f->profile, "another-app-secret");
  g = upload_next_run (f, png, "f.png", &error);
  g_assert_null (g);
  g_assert_error (error, DD_ERROR, DD_ERROR_BAD_APP_CREDENTIALS);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 5);
}

static void
test_bad_app_credentials (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (8, 8, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;

  dd_profile_set_app_secret (f->profile, "wrong");
  media_id = upload (f, f->profile, png, "a.png", &error);
  g_assert_null (media_id);
  g_assert_error (error, DD_ERROR, DD_ERROR_BAD_APP_CREDENTIALS);
  g_assert_cmpint (dd_error_get_errcode (error), ==, 40089);
  g_assert_nonnull (strstr (error->message, "AppKey or AppSecret"));
}

static void
test_no_app_credentials (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (8, 8, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;

  dd_profile_set_app_key (f->profile, NULL);
  media_id = upload (f, f->profile, png, "a.png", &error);
  g_assert_error (error, DD_ERROR, DD_ERROR_NO_APP_CREDENTIALS);
  g_assert_cmpuint (dd_fake_server_get_n_requests (f->fake), ==, 0);
}

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");
  g_autoptr(GError) error = NULL;

  dd_profile_set_secret (f->profile, "SECnot-the-right-one");
  g_assert_false (send_message (f, f->profile, message, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_SECURITY_CHECK);
  g_assert_cmpint (dd_error_get_errcode (error), ==, 310000);
  g_assert_cmpint (dd_error_get_security_hint (error), ==, DD_SECURITY_HINT_SIGN);
  g_assert_nonnull (strstr (error->message, "signing secret does not match"));
}

static void
test_missing_keyword (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DdProfile) profile = make_profile (f->fake, "kwtoken", NULL);
  g_autoptr(DdMessage) bare = dd_message_new ("t", "no keyword here");
  g_autoptr(GPtrArray) messages = NULL;
  const char *keywords[] = { "日报", NULL };
  const char *names[] = { "a.png" };
  const char *media_ids[] = { "@lADPmedia" };
  DdComposeOptions options = { .keywords = keywords };
  g_autoptr(GError) error = NULL;

  g_assert_false (send_message (f, profile, bare, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_SECURITY_CHECK);
  g_assert_cmpint (dd_error_get_security_hint (error), ==, DD_SECURITY_HINT_KEYWORD);
  g_clear_error (&error);

  /* with the robot's keywords, the composed message carries one */
  messages = dd_message_compose (&options, names, media_ids, 1);
  g_assert_true (send_message (f, profile, messages->pdata[0], &error));
  g_assert_no_error (error);
}

static void
test_unknown_robot (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DdProfile) profile = make_profile (f->fake, "nosuchtoken", NULL);
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");
  g_autoptr(GError) error = NULL;

  g_assert_false (send_message (f, profile, message, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_ROBOT_UNKNOWN);
  g_assert_cmpint (dd_error_get_errcode (error), ==, 300001);
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (send_message (f, f->profile, message, &error));
      g_assert_no_error (error);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (send_message (f, f->profile, message, &error));
    g_assert_error (error, DD_ERROR, DD_ERROR_RATE_LIMITED);
    g_assert_cmpint (dd_error_get_errcode (error), ==, 410100);
  }

  /* the legacy code means the same */
  dd_fake_server_set_rate_limit (f->fake, 20, 60000, 600000, DD_FAKE_ROBOT_THROTTLE_ERRCODE_LEGACY);
  dd_fake_server_advance_clock (f->fake, 11 * 60 * 1000);
  for (guint i = 0; i < 21; i++)
    {
      g_autoptr(GError) error = NULL;

      if (send_message (f, f->profile, message, &error))
        continue;
      g_assert_cmpuint (i, ==, 20);
      g_assert_error (error, DD_ERROR, DD_ERROR_RATE_LIMITED);
      g_assert_cmpint (dd_error_get_errcode (error), ==, 130101);
    }
}

static void
test_upload_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("just text, not a picture", 24);
  g_autoptr(GBytes) png = make_png (200, 200, 3);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autofree char *m1 = upload (f, f->profile, text, "fake.png", &e1);
  g_autofree char *m2 = NULL;
  g_autofree char *m3 = NULL;

  g_assert_error (e1, DD_ERROR, DD_ERROR_BAD_MEDIA_TYPE);
  g_assert_cmpint (dd_error_get_errcode (e1), ==, 40004);

  dd_fake_server_set_max_upload_bytes (f->fake, 100);
  m2 = upload (f, f->profile, png, "big.png", &e2);
  g_assert_error (e2, DD_ERROR, DD_ERROR_TOO_LARGE);

  dd_fake_server_set_html_413_on_oversize (f->fake, TRUE);
  m3 = upload (f, f->profile, png, "big.png", &e3);
  g_assert_error (e3, DD_ERROR, DD_ERROR_TOO_LARGE);
  g_assert_cmpuint (dd_error_get_http_status (e3), ==, 413);
}

/* A line break or a quote in a file name does not reach the multipart
 * header raw: no header of the uploader's making gets in. */
static void
test_upload_filename (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (20, 20, 9);
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = upload (f, f->profile, png,
                                      "evil\r\nContent-Type: text-html\r\n\"截图.png", &error);
  DdFakeUpload *seen;

  g_assert_no_error (error);
  g_assert_nonnull (media_id);
  seen = dd_fake_server_lookup_upload (f->fake, media_id);
  g_assert_nonnull (seen);
  g_assert_cmpstr (seen->filename, ==, "evil__Content-Type: text-html___截图.png");
  g_assert_cmpstr (seen->content_type, ==, "image/png");
}

static void
test_canned_errcodes (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { gint64 errcode; DdErrorCode code; } cases[] = {
    { 300005, DD_ERROR_ROBOT_UNKNOWN },
    { 460101, DD_ERROR_TOO_LARGE },
    { 130101, DD_ERROR_RATE_LIMITED },
    { 310000, DD_ERROR_SECURITY_CHECK },
  };
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      dd_fake_server_set_next_errcode (f->fake, "/robot/send", cases[i].errcode, "canned");
      g_assert_false (send_message (f, f->profile, message, &error));
      g_assert_error (error, DD_ERROR, (gint) cases[i].code);
      g_assert_cmpint (dd_error_get_errcode (error), ==, cases[i].errcode);
    }
}

static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  static const struct { DdFakeFault fault; DdErrorCode code; gboolean transient; } cases[] = {
    { DD_FAKE_FAULT_HTTP_500, DD_ERROR_SERVER, TRUE },
    { DD_FAKE_FAULT_NOT_JSON, DD_ERROR_UNEXPECTED, TRUE },
    { DD_FAKE_FAULT_HTML_413, DD_ERROR_TOO_LARGE, FALSE },
    { DD_FAKE_FAULT_DROP, DD_ERROR_NETWORK, TRUE },
  };
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      dd_fake_server_inject_fault (f->fake, cases[i].fault, 1);
      g_assert_false (send_message (f, f->profile, message, &error));
      g_assert_error (error, DD_ERROR, (gint) cases[i].code);
      g_assert_cmpint (dd_error_is_transient (error), ==, cases[i].transient);
    }

  /* and the next request goes through */
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (send_message (f, f->profile, message, &error));
    g_assert_no_error (error);
  }
}

/* Success is errcode 0 said out loud (the v1.0 robot: its
 * processQueryKey): an HTTP 200 with "{}" or a media_id alone, as a proxy
 * or a broken gateway might answer, is no success, and not retried. */
static void
test_answer_without_errcode (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");
  g_autoptr(GBytes) png = make_png (20, 20, 4);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autofree char *media_id = NULL;
  g_autofree char *good_media_id = NULL;

  dd_fake_server_set_next_answer (f->fake, "/robot/send", 1, 200, "{}", "application/json");
  g_assert_false (send_message (f, f->profile, message, &e1));
  g_assert_error (e1, DD_ERROR, DD_ERROR_UNEXPECTED);
  g_assert_false (dd_error_is_transient (e1));

  dd_fake_server_set_next_answer (f->fake, "/media/upload", 1, 200,
                                  "{\"media_id\":\"@lADPfake\"}", "application/json");
  media_id = upload (f, f->profile, png, "a.png", &e2);
  g_assert_null (media_id);
  g_assert_error (e2, DD_ERROR, DD_ERROR_UNEXPECTED);
  g_assert_false (dd_error_is_transient (e2));

  dd_fake_server_add_app_robot (f->fake, "dingrobotcode", "cidGroup==");
  dd_profile_set_robot_code (f->profile, "dingrobotcode");
  dd_profile_set_conversation_id (f->profile, "cidGroup==");
  good_media_id = upload (f, f->profile, png, "a.png", &e3);
  g_assert_no_error (e3);
  dd_fake_server_set_next_answer (f->fake, "/v1.0/robot/groupMessages/send", 1, 200, "{}", "application/json");
  {
    g_autoptr(GPtrArray) messages = NULL;
    const char *names[] = { "a.png" };
    DdComposeOptions options = { .picture_style = DD_PICTURE_STYLE_IMAGE_MSG };

    messages = dd_message_compose (&options, names, (const char * const *) &good_media_id, 1);
    g_assert_false (send_message (f, f->profile, messages->pdata[0], &e4));
    g_assert_error (e4, DD_ERROR, DD_ERROR_UNEXPECTED);
    /* and the real answer is taken */
    g_assert_true (send_message (f, f->profile, messages->pdata[0], NULL));
  }
}

/* A server that accepts the connection and never answers cannot hang us. */
static void
test_stall_times_out (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  dd_client_set_timeout (f->client, 1);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_STALL, 1);
  g_assert_false (send_message (f, f->profile, message, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "hello");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dd_fake_server_set_latency (f->fake, 2000);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1);
  dd_client_send_async (f->client, f->profile, message, cancellable, store_result, &result);
  gint64 start = g_get_monotonic_time ();

  g_timeout_add (50, cancel_later, cancellable);
  g_assert_false (dd_client_send_finish (f->client, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* at once, not when the late answer comes */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* An upload waiting for the access token gives up when its own
 * cancellable fires, though the token's request goes on for the others:
 * a second upload gets the token and its media_id. */
static void
test_cancel_token_waiter (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (20, 20, 11);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;
  gint64 start;

  dd_fake_server_set_latency (f->fake, 1500);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1);   /* the gettoken */
  start = g_get_monotonic_time ();
  dd_client_upload_async (f->client, f->profile, png, "a.png", "image/png", NULL, NULL,
                          cancellable, store_result, &first);
  dd_client_upload_async (f->client, f->profile, png, "b.png", "image/png", NULL, NULL,
                          NULL, store_result, &second);
  g_timeout_add (50, cancel_later, cancellable);
  g_assert_null (dd_client_upload_finish (f->client, wait_for (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  g_clear_error (&error);
  media_id = dd_client_upload_finish (f->client, wait_for (&second), &error);
  g_assert_no_error (error);
  g_assert_nonnull (media_id);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
}

/* An image as the sampleImageMsg DingTalk documents, with a token from
 * the v1.0 oauth2 endpoint; the upload keeps its gettoken token. */
static void
test_app_robot (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (40, 30, 5);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;
  const char *names[] = { "shot.png" };
  DdComposeOptions options = { .picture_style = DD_PICTURE_STYLE_IMAGE_MSG };
  GPtrArray *received;
  DdFakeMessage *m;
  DdFakeUpload *u;
  JsonObject *body;

  dd_fake_server_add_app_robot (f->fake, "dingrobotcode", "cidGroup==");
  dd_profile_set_robot_code (f->profile, "dingrobotcode");
  dd_profile_set_conversation_id (f->profile, "cidGroup==");

  media_id = upload (f, f->profile, png, "shot.png", &error);
  g_assert_no_error (error);
  messages = dd_message_compose (&options, names, (const char * const *) &media_id, 1);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_true (send_message (f, f->profile, messages->pdata[0], &error));
  g_assert_no_error (error);

  received = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (received->len, ==, 1);
  m = received->pdata[0];
  g_assert_cmpstr (m->path, ==, "/v1.0/robot/groupMessages/send");
  g_assert_true (m->accepted);
  body = json_node_get_object (m->body);
  g_assert_cmpstr (json_object_get_string_member (body, "msgKey"), ==, "sampleImageMsg");
  g_assert_nonnull (strstr (json_object_get_string_member (body, "msgParam"), media_id));
  /* each API its own token: one from gettoken, one from oauth2 */
  u = dd_fake_server_get_uploads (f->fake)->pdata[0];
  g_assert_cmpstr (u->access_token, !=, m->access_token);
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 2);
  g_assert_cmpuint (dd_client_get_n_token_fetches (f->client), ==, 2);

  /* the v1.0 token is cached too, and refreshed once when refused */
  g_assert_true (send_message (f, f->profile, messages->pdata[0], &error));
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 1);
  dd_fake_server_expire_tokens (f->fake);
  g_assert_true (send_message (f, f->profile, messages->pdata[0], &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 2);
  g_assert_cmpuint (received->len, ==, 4);
  g_assert_cmpstr (((DdFakeMessage *) received->pdata[2])->error_code, ==, "InvalidAuthentication");
}

/* Wrong AppSecret on the v1.0 endpoint: said as such, no send. */
static void
test_app_robot_bad_credentials (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "text");
  g_autoptr(GError) error = NULL;

  dd_fake_server_add_app_robot (f->fake, "dingrobotcode", "cidGroup==");
  dd_profile_set_robot_code (f->profile, "dingrobotcode");
  dd_profile_set_conversation_id (f->profile, "cidGroup==");
  dd_profile_set_app_secret (f->profile, "not-the-secret");

  g_assert_false (send_message (f, f->profile, message, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_BAD_APP_CREDENTIALS);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 0);
}

/* The upload's body is spliced together from libsoup's multipart head
 * and tail and the image's own bytes (not copied into one buffer): the
 * fake reads the same part, name and bytes from it, a name in Chinese
 * and with a quote included. */
static void
test_upload_body (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (300, 200, 8);
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = upload (f, f->profile, png, "截图 \"1\".png", &error);
  DdFakeUpload *got;

  g_assert_no_error (error);
  got = dd_fake_server_lookup_upload (f->fake, media_id);
  g_assert_nonnull (got);
  g_assert_cmpstr (got->filename, ==, "截图 _1_.png");
  g_assert_cmpstr (got->content_type, ==, "image/png");
  g_assert_true (g_bytes_equal (got->data, png));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("token-shared", test_token_shared);
  ADD ("token-refresh", test_token_refresh);
  ADD ("token-expiry", test_token_expiry);
  ADD ("token-saved", test_token_saved);
  ADD ("bad-app-credentials", test_bad_app_credentials);
  ADD ("no-app-credentials", test_no_app_credentials);
  ADD ("wrong-secret", test_wrong_secret);
  ADD ("missing-keyword", test_missing_keyword);
  ADD ("unknown-robot", test_unknown_robot);
  ADD ("rate-limit", test_rate_limit);
  ADD ("upload-errors", test_upload_errors);
  ADD ("upload-filename", test_upload_filename);
  ADD ("canned-errcodes", test_canned_errcodes);
  ADD ("faults", test_faults);
  ADD ("answer-without-errcode", test_answer_without_errcode);
  ADD ("stall-times-out", test_stall_times_out);
  ADD ("cancel", test_cancel);
  ADD ("cancel-token-waiter", test_cancel_token_waiter);
  ADD ("app-robot", test_app_robot);
  ADD ("upload-body", test_upload_body);
  ADD ("app-robot-bad-credentials", test_app_robot_bad_credentials);

#undef ADD

  return g_test_run ();
}
