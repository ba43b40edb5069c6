/* test-outbox-routes.c: the routes DingTalk documents for images, through
 * the whole engine: an app robot's sampleImageMsg (with the v1.0 API's own
 * token) and a custom robot's feedCard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "outbox-fixture.h"

#define ROBOT_CODE "dingoutboxrobot"
#define CONV_ID    "cidOutboxGroup=="
#define SEND_PATH  "/v1.0/robot/groupMessages/send"
#define MINUTE     (60 * G_USEC_PER_SEC)

static JsonObject *
body_of (DdFakeMessage *message)
{
  return json_node_get_object (message->body);
}

static const char *
msg_key (DdFakeMessage *message)
{
  return json_object_get_string_member (body_of (message), "msgKey");
}

/* The msgParam, parsed: a JSON string holding an object. */
static JsonObject *
msg_param (DdFakeMessage *message)
{
  const char *text = json_object_get_string_member (body_of (message), "msgParam");
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* One image: a sampleImageMsg whose photoURL is its media_id, sent with a
 * token from the v1.0 oauth2 endpoint, not the upload's gettoken one. */
static void
test_app_image (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (1, 600);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(JsonObject) param = NULL;
  g_autofree char *batch = NULL;
  DdProfile *profile;
  DdFakeMessage *m;
  DdFakeUpload *upload;

  if (f->fake == NULL)
    return;

  dd_fake_server_add_app_robot (f->fake, ROBOT_CODE, CONV_ID);
  profile = fixture_add_app_profile (f, ROBOT_CODE, CONV_ID);
  batch = add_batch (f, f->outbox, profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  g_assert_cmpint (dd_job_get_state (jobs->pdata[0]), ==, DD_JOB_SENT);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 1);
  m = dd_fake_server_get_messages (f->fake)->pdata[0];
  g_assert_true (m->accepted);
  g_assert_cmpstr (m->path, ==, SEND_PATH);
  g_assert_cmpstr (msg_key (m), ==, "sampleImageMsg");
  param = msg_param (m);
  g_assert_cmpstr (json_object_get_string_member (param, "photoURL"), ==,
                   dd_job_get_media_id (jobs->pdata[0]));

  upload = dd_fake_server_get_uploads (f->fake)->pdata[0];
  g_assert_cmpstr (m->access_token, !=, upload->access_token);
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 2);
}

typedef struct {
  guint n;   /* when this many messages are in, the next send fails */
} FailNext;

static gboolean
fail_after (Fixture  *f,
            gpointer  data)
{
  FailNext *fail = data;

  /* the fake records a message as it answers it, before the client reads
   * the answer: the very next send gets the error */
  if (fail->n != 0 && dd_fake_server_get_messages (f->fake)->len >= fail->n)
    {
      dd_fake_server_set_next_v1_error (f->fake, SEND_PATH, 1, 500, "system.error", "系统错误");
      fail->n = 0;
      return TRUE;
    }
  return FALSE;
}

static guint
count_caption (Fixture    *f,
               const char *caption)
{
  GPtrArray *messages = dd_fake_server_get_messages (f->fake);
  guint n = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      DdFakeMessage *m = messages->pdata[i];
      g_autoptr(JsonObject) param = NULL;

      if (!m->accepted || g_strcmp0 (msg_key (m), "sampleMarkdown") != 0)
        continue;
      param = msg_param (m);
      n += strstr (json_object_get_string_member (param, "text"), caption) != NULL;
    }
  return n;
}

/* A caption and two images: the caption (with the mention) as a
 * sampleMarkdown, then each image as a sampleImageMsg.  The app API has
 * no msgUuid: when the first image fails after its caption arrived, the
 * retry sends the image alone, and the group sees the caption once. */
static void
test_app_caption (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (2, 610);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .caption = "APP-CAPTION-ONCE", .at_all = TRUE };
  FailNext fail = { 1 };
  GPtrArray *messages;
  DdProfile *profile;

  if (f->fake == NULL)
    return;

  dd_fake_server_add_app_robot (f->fake, ROBOT_CODE, CONV_ID);
  profile = fixture_add_app_profile (f, ROBOT_CODE, CONV_ID);
  batch = add_batch (f, f->outbox, profile, images, &options);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, fail_after, &fail, 20000));
  g_assert_true (wait_until (f, done_skipping_backoff, batch, 30000));

  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (dd_job_get_state (jobs->pdata[i]), ==, DD_JOB_SENT);
  messages = dd_fake_server_get_messages (f->fake);
  /* caption, the failed image, the image again, the second image */
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
  g_assert_cmpstr (msg_key (messages->pdata[0]), ==, "sampleMarkdown");
  g_assert_false (((DdFakeMessage *) messages->pdata[1])->accepted);
  g_assert_cmpstr (msg_key (messages->pdata[2]), ==, "sampleImageMsg");
  g_assert_cmpstr (msg_key (messages->pdata[3]), ==, "sampleImageMsg");
  g_assert_cmpuint (count_caption (f, "APP-CAPTION-ONCE"), ==, 1);
  g_assert_cmpuint (count_caption (f, "@all"), ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) param = msg_param (messages->pdata[2 + i]);

      g_assert_cmpstr (json_object_get_string_member (param, "photoURL"), ==,
                       dd_job_get_media_id (jobs->pdata[i]));
    }
}

/* An album: one sampleMarkdown with the caption and every image (the
 * media_id as a markdown image is documented for app robots). */
static void
test_app_album (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 620);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(JsonObject) param = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .caption = "album caption", .album = TRUE };
  GPtrArray *messages;
  DdProfile *profile;

  if (f->fake == NULL)
    return;

  dd_fake_server_add_app_robot (f->fake, ROBOT_CODE, CONV_ID);
  profile = fixture_add_app_profile (f, ROBOT_CODE, CONV_ID);
  batch = add_batch (f, f->outbox, profile, images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_true (((DdFakeMessage *) messages->pdata[0])->accepted);
  g_assert_cmpstr (msg_key (messages->pdata[0]), ==, "sampleMarkdown");
  param = msg_param (messages->pdata[0]);
  g_assert_nonnull (strstr (json_object_get_string_member (param, "text"), "album caption"));
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  for (guint i = 0; i < jobs->len; i++)
    {
      g_autofree char *image = g_strdup_printf ("](%s)", dd_job_get_media_id (jobs->pdata[i]));

      g_assert_cmpint (dd_job_get_state (jobs->pdata[i]), ==, DD_JOB_SENT);
      g_assert_nonnull (strstr (json_object_get_string_member (param, "text"), image));
    }
}

/* The v1.0 token expires: InvalidAuthentication, one new token from the
 * oauth2 endpoint, the same message again, accepted. */
static void
test_app_expired_token (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) first_images = make_images (1, 630);
  g_autoptr(GPtrArray) second_images = make_images (1, 631);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  GPtrArray *messages;
  DdFakeMessage *refused;
  DdFakeMessage *again;
  DdProfile *profile;

  if (f->fake == NULL)
    return;

  dd_fake_server_add_app_robot (f->fake, ROBOT_CODE, CONV_ID);
  profile = fixture_add_app_profile (f, ROBOT_CODE, CONV_ID);
  first = add_batch (f, f->outbox, profile, first_images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, first, 20000));
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 1);

  dd_fake_server_expire_tokens (f->fake);
  second = add_batch (f, f->outbox, profile, second_images, NULL);
  g_assert_true (wait_until (f, batch_done, second, 20000));

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 3);
  refused = messages->pdata[1];
  again = messages->pdata[2];
  g_assert_cmpstr (refused->error_code, ==, "InvalidAuthentication");
  g_assert_true (again->accepted);
  g_assert_cmpstr (again->access_token, !=, refused->access_token);
  g_assert_true (g_bytes_equal (again->raw_body, refused->raw_body));
  g_assert_cmpuint (dd_fake_server_get_n_v1_token_requests (f->fake), ==, 2);
}

/* Each v1.0 answer as the user sees it on the image, and what the engine
 * does with it: a sentence and a failed image, the robot paused, or a
 * retry that arrives. */
static void
test_app_errors (Fixture       *f,
                 gconstpointer  data)
{
  static const struct {
    guint       status;
    const char *code;
    DdJobState  state;
    const char *sentence;
  } cases[] = {
    { 0, "qyapi_robot_sendmsg", DD_JOB_FAILED,
      "The app lacks the permission 企业内机器人发送消息 (qyapi_robot_sendmsg)" },
    { 0, ROBOT_CODE "-wrong", DD_JOB_FAILED,
      "Add the app’s robot to the group, or copy the robotCode again" },
    { 404, "resource.not.found", DD_JOB_FAILED, "openConversationId" },
    { 400, "group.disbanded", DD_JOB_FAILED, "disbanded" },
    { 400, "bot.stopped", DD_JOB_FAILED, "robot is stopped" },
    { 400, "contain.notAllowed.picture", DD_JOB_FAILED, "picture’s content" },
    { 500, "system.error", DD_JOB_SENT, NULL },
    { 400, "send.too.fast", DD_JOB_PAUSED, "too fast" },
  };
  DdProfile *profile;
  DdProfile *wrong;

  if (f->fake == NULL)
    return;

  dd_fake_server_add_app_robot (f->fake, ROBOT_CODE, CONV_ID);
  profile = fixture_add_app_profile (f, ROBOT_CODE, CONV_ID);
  wrong = fixture_add_app_profile (f, ROBOT_CODE "-wrong", CONV_ID);
  dd_outbox_start (f->outbox);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) images = make_images (1, 640 + i);
      g_autoptr(GPtrArray) jobs = NULL;
      g_autofree char *batch = NULL;
      DdProfile *to = profile;
      DdJob *job;

      g_test_message ("%s", cases[i].code);
      if (i == 0)
        dd_fake_server_revoke_scope (f->fake, APP_KEY, cases[i].code);
      else if (i == 1)
        to = wrong;
      else
        dd_fake_server_set_next_v1_error (f->fake, SEND_PATH, 1, cases[i].status, cases[i].code, "");

      batch = add_batch (f, f->outbox, to, images, NULL);
      jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
      job = jobs->pdata[0];
      if (cases[i].state == DD_JOB_PAUSED)
        {
          while (dd_job_get_state (job) != DD_JOB_PAUSED)
            g_main_context_iteration (NULL, TRUE);
          g_assert_cmpint (dd_job_get_retry_at (job), ==,
                           f->now + DD_OUTBOX_RATE_PAUSE_SECONDS * G_USEC_PER_SEC);
          /* shown to the user, then sent when the pause is over */
          f->now += DD_OUTBOX_RATE_PAUSE_SECONDS * G_USEC_PER_SEC + MINUTE;
          g_assert_true (wait_until (f, batch_done, batch, 20000));
          g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
          continue;
        }
      g_assert_true (wait_until (f, done_skipping_backoff, batch, 20000));
      g_assert_cmpint (dd_job_get_state (job), ==, cases[i].state);
      if (cases[i].sentence != NULL)
        {
          g_assert_nonnull (strstr (dd_job_get_error_message (job), cases[i].sentence));
          g_assert_null (strstr (dd_job_get_error_message (job), "webhook"));
          /* a permanent error is not tried again */
          g_assert_cmpuint (dd_job_get_attempts (job), ==, 0);
        }
      else
        g_assert_cmpuint (dd_job_get_attempts (job), ==, 1);
      if (i == 0)
        dd_fake_server_grant_scope (f->fake, APP_KEY, cases[i].code);
    }
}

static DdProfile *
add_card_profile (Fixture *f)
{
  DdProfile *profile = fixture_add_profile (f, "Cards", TOKEN2, NULL);

  dd_profile_set_picture_style (profile, DD_PICTURE_STYLE_CARD);
  return profile;
}

static JsonArray *
card_links (DdFakeMessage *message)
{
  JsonObject *root = body_of (message);

  g_assert_cmpstr (json_object_get_string_member (root, "msgtype"), ==, "feedCard");
  return json_object_get_array_member (json_object_get_object_member (root, "feedCard"), "links");
}

/* Picture-card style, one image with a caption: the caption as markdown
 * (with its own msgUuid), then a feedCard whose picURL is the media_id. */
static void
test_card_single (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (1, 660);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .caption = "card caption" };
  GPtrArray *messages;
  JsonArray *links;
  JsonObject *link;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, add_card_profile (f), images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  g_assert_cmpint (dd_job_get_state (jobs->pdata[0]), ==, DD_JOB_SENT);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 2);
  g_assert_nonnull (strstr (message_text (messages->pdata[0]), "card caption"));
  g_assert_nonnull (((DdFakeMessage *) messages->pdata[0])->msg_uuid);
  links = card_links (messages->pdata[1]);
  g_assert_cmpuint (json_array_get_length (links), ==, 1);
  link = json_array_get_object_element (links, 0);
  g_assert_cmpstr (json_object_get_string_member (link, "picURL"), ==,
                   dd_job_get_media_id (jobs->pdata[0]));
  g_assert_cmpstr (json_object_get_string_member (link, "messageURL"), ==, DD_MESSAGE_DEFAULT_CARD_URL);
  g_assert_nonnull (strstr (json_object_get_string_member (link, "title"), "shot-00"));
  g_assert_nonnull (((DdFakeMessage *) messages->pdata[1])->msg_uuid);
}

/* Picture-card style, an album: one feedCard with a card per image, in
 * order, with the robot's own card title and link. */
static void
test_card_album (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 670);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .album = TRUE };
  DdProfile *profile;
  GPtrArray *messages;
  JsonArray *links;

  if (f->fake == NULL)
    return;

  profile = add_card_profile (f);
  dd_profile_set_card_title (profile, "Screenshot");
  dd_profile_set_card_url (profile, "https://example.com/wiki");
  batch = add_batch (f, f->outbox, profile, images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_true (((DdFakeMessage *) messages->pdata[0])->accepted);
  links = card_links (messages->pdata[0]);
  g_assert_cmpuint (json_array_get_length (links), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      g_assert_cmpint (dd_job_get_state (jobs->pdata[i]), ==, DD_JOB_SENT);
      g_assert_cmpstr (json_object_get_string_member (link, "picURL"), ==,
                       dd_job_get_media_id (jobs->pdata[i]));
      g_assert_cmpstr (json_object_get_string_member (link, "title"), ==, "Screenshot");
      g_assert_cmpstr (json_object_get_string_member (link, "messageURL"), ==, "https://example.com/wiki");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/routes/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("app-robot/image", test_app_image);
  ADD ("app-robot/caption-and-image", test_app_caption);
  ADD ("app-robot/album", test_app_album);
  ADD ("app-robot/expired-token", test_app_expired_token);
  ADD ("app-robot/errors", test_app_errors);
  ADD ("card/single", test_card_single);
  ADD ("card/album", test_card_album);

#undef ADD

  return g_test_run ();
}
