/* test-client.c: the DingTalk client and a batch send against the fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "dd-client.h"
#include "dd-error.h"
#include "dd-fake-server.h"
#include "dd-sender.h"

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

static GPtrArray *
make_items (guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_send_item_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) png = make_png (64 + i, 48, i);
      g_autofree char *name = g_strdup_printf ("shot-%02u.png", i);

      g_ptr_array_add (items, dd_send_item_new (name, name, "image/png", png));
    }
  return items;
}

static gboolean
send_batch (Fixture             *f,
            DdProfile           *profile,
            GPtrArray           *items,
            const DdSendOptions *options)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  dd_sender_send_async (f->client, profile, items, options, NULL, NULL, NULL,
                        store_result, &result);
  ok = dd_sender_send_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return ok;
}

static const char *
markdown_text (DdFakeMessage *message)
{
  JsonObject *root = json_node_get_object (message->body);

  return json_object_get_string_member (json_object_get_object_member (root, "markdown"), "text");
}

/* 20 images, one message each, in order: exactly one gettoken request. */
static void
test_batch_one_token (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) items = make_items (20);
  DdSendOptions options = { .caption = "第一张" };
  GPtrArray *messages, *uploads;

  g_assert_true (send_batch (f, f->profile, items, &options));

  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_client_get_n_token_fetches (f->client), ==, 1);
  uploads = dd_fake_server_get_uploads (f->fake);
  g_assert_cmpuint (uploads->len, ==, 20);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 20);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 20);

  for (guint i = 0; i < 20; i++)
    {
      DdSendItem *item = g_ptr_array_index (items, i);
      DdFakeMessage *m = g_ptr_array_index (messages, i);
      DdFakeUpload *up = dd_fake_server_lookup_upload (f->fake, item->media_id);
      g_autofree char *expected = g_strdup_printf ("![shot-%02u.png](%s)", i, item->media_id);

      g_assert_cmpint (item->state, ==, DD_ITEM_SENT);
      g_assert_nonnull (up);
      g_assert_cmpstr (up->filename, ==, item->filename);
      g_assert_cmpstr (up->content_type, ==, "image/png");
      /* messages arrive in the user's order, each with its image */
      g_assert_nonnull (strstr (markdown_text (m), expected));
      /* the signature is in the query, never a header */
      g_assert_nonnull (strstr (m->query, "&timestamp="));
      g_assert_nonnull (strstr (m->query, "&sign="));
    }
  /* the caption goes with the first image only */
  g_assert_true (g_str_has_prefix (markdown_text (g_ptr_array_index (messages, 0)), "第一张"));
  g_assert_null (strstr (markdown_text (g_ptr_array_index (messages, 1)), "第一张"));
}

static void
test_album (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) items = make_items (3);
  DdSendOptions options = { .album = TRUE, .caption = "three" };
  GPtrArray *messages;
  const char *text;

  g_assert_true (send_batch (f, f->profile, items, &options));
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 1);
  text = markdown_text (g_ptr_array_index (messages, 0));
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (strstr (text, ((DdSendItem *) items->pdata[i])->media_id));
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
  g_autoptr(GPtrArray) items = make_items (1);
  const char *keywords[] = { "日报", NULL };
  DdSendOptions options = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (send_message (f, profile, bare, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_SECURITY_CHECK);
  g_assert_cmpint (dd_error_get_security_hint (error), ==, DD_SECURITY_HINT_KEYWORD);

  /* with the keyword in the profile, the composed message carries it */
  dd_profile_set_keywords (profile, keywords);
  g_assert_true (send_batch (f, profile, items, &options));
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
  g_timeout_add (50, cancel_later, cancellable);
  g_assert_false (dd_client_send_finish (f->client, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* One failed image does not stop the others, and order is kept. */
static void
test_batch_partial_failure (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) items = make_items (3);
  g_autoptr(GBytes) text = g_bytes_new_static ("not an image", 12);
  DdSendOptions options = { 0 };
  GPtrArray *messages;

  /* the middle one is not an image: DingTalk refuses its upload */
  dd_send_item_free (g_ptr_array_index (items, 1));
  items->pdata[1] = dd_send_item_new ("notes.png", "notes.png", "image/png", text);

  g_assert_false (send_batch (f, f->profile, items, &options));
  g_assert_cmpint (((DdSendItem *) items->pdata[0])->state, ==, DD_ITEM_SENT);
  g_assert_cmpint (((DdSendItem *) items->pdata[1])->state, ==, DD_ITEM_FAILED);
  g_assert_error (((DdSendItem *) items->pdata[1])->error, DD_ERROR, DD_ERROR_BAD_MEDIA_TYPE);
  g_assert_cmpint (((DdSendItem *) items->pdata[2])->state, ==, DD_ITEM_SENT);

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_nonnull (strstr (markdown_text (messages->pdata[0]), "shot-00.png"));
  g_assert_nonnull (strstr (markdown_text (messages->pdata[1]), "shot-02.png"));
}

/* An album too big for one 20,000-byte body is split, never refused. */
static void
test_big_album_split (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_send_item_free);
  g_autoptr(GBytes) png = make_png (16, 16, 9);
  DdSendOptions options = { .album = TRUE };
  GPtrArray *messages;

  dd_profile_set_link_template (f->profile, "https://down.dingtalk.com/media/{media_id}");
  for (guint i = 0; i < 160; i++)
    {
      g_autofree char *name = g_strdup_printf ("一张很长很长的截图文件名称-screenshot-from-2026-11-28-%03u.png", i);
      g_ptr_array_add (items, dd_send_item_new (name, name, "image/png", png));
    }

  g_assert_true (send_batch (f, f->profile, items, &options));
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, >, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, messages->len);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpuint (g_bytes_get_size (((DdFakeMessage *) messages->pdata[i])->raw_body), <=, 20000);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
}

static void
test_app_robot (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) items = make_items (1);
  DdSendOptions options = { 0 };
  GPtrArray *messages;
  DdFakeMessage *m;

  dd_fake_server_add_app_robot (f->fake, "dingrobotcode", "cidGroup==");
  dd_profile_set_robot_code (f->profile, "dingrobotcode");
  dd_profile_set_conversation_id (f->profile, "cidGroup==");

  g_assert_true (send_batch (f, f->profile, items, &options));
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 1);
  m = messages->pdata[0];
  g_assert_cmpstr (m->path, ==, "/v1.0/robot/groupMessages/send");
  g_assert_true (m->accepted);
  /* one token serves both the upload and the app robot's message */
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("batch-one-token", test_batch_one_token);
  ADD ("album", test_album);
  ADD ("token-shared", test_token_shared);
  ADD ("token-refresh", test_token_refresh);
  ADD ("token-expiry", test_token_expiry);
  ADD ("bad-app-credentials", test_bad_app_credentials);
  ADD ("no-app-credentials", test_no_app_credentials);
  ADD ("wrong-secret", test_wrong_secret);
  ADD ("missing-keyword", test_missing_keyword);
  ADD ("unknown-robot", test_unknown_robot);
  ADD ("rate-limit", test_rate_limit);
  ADD ("upload-errors", test_upload_errors);
  ADD ("canned-errcodes", test_canned_errcodes);
  ADD ("faults", test_faults);
  ADD ("stall-times-out", test_stall_times_out);
  ADD ("cancel", test_cancel);
  ADD ("batch-partial-failure", test_batch_partial_failure);
  ADD ("big-album-split", test_big_album_split);
  ADD ("app-robot", test_app_robot);

#undef ADD

  return g_test_run ();
}
