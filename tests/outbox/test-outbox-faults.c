/* test-outbox-faults.c: the outbox when DingTalk says no: its rate limit
 * (before DingTalk enforces it, and 410100/130101), transient failures
 * (-1 系统繁忙 among them) with backoff, a lost answer, and permanent
 * ones; time moves by the injected clock only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-fake-client.h"
#include "outbox-fixture.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

static gboolean
n_accepted (Fixture  *f,
            gpointer  n)
{
  return dd_fake_server_count_accepted_messages (f->fake) >= GPOINTER_TO_UINT (n);
}

static gboolean
job_has_retry_at (Fixture  *f,
                  gpointer  job)
{
  return dd_job_get_retry_at (job) != 0;
}

static gboolean
robot_paused (Fixture  *f,
              gpointer  profile)
{
  return dd_outbox_get_robot_paused_until (f->outbox, dd_profile_get_id (profile)) != 0;
}

static void
count_cb (guint *n)
{
  (*n)++;
}

static gboolean
n_paused (Fixture  *f,
          gpointer  n)
{
  return count_jobs_in_state (f->outbox, DD_JOB_PAUSED) == GPOINTER_TO_UINT (n);
}

/* Moves the clock to the next retry whenever a job waits for one, and
 * checks that the wait is within the backoff's bound. */
static gboolean
done_skipping_bounded_backoff (Fixture  *f,
                       gpointer  batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (f->outbox, batch_id);

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (!dd_job_is_finished (job) && dd_job_get_retry_at (job) > f->now)
        {
          /* backoff with jitter: at most 1.5 × 2^(n-1) × 2 s */
          g_assert_cmpint (dd_job_get_retry_at (job) - f->now, <=,
                           3 * (G_GINT64_CONSTANT (1) << (dd_job_get_attempts (job) - 1)) * G_USEC_PER_SEC + 1000);
          f->now = dd_job_get_retry_at (job);
        }
    }
  return batch_done (f, batch_id);
}

/* 21 images: 20 sends, then the 21st waits for the minute to pass. */
static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (21, 0);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  gint64 start = f->now;
  DdJob *last;
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  last = g_ptr_array_index (jobs, 20);
  dd_outbox_start (f->outbox);

  g_assert_true (wait_until (f, n_accepted, GUINT_TO_POINTER (20), 30000));
  g_assert_true (wait_until (f, job_has_retry_at, last, 10000));
  /* the first send counts until its answer (at once, by this clock) and
   * a minute and a margin more */
  g_assert_cmpint (dd_job_get_retry_at (last), ==, start + MINUTE + DD_PACER_MARGIN_US);
  g_assert_nonnull (dd_job_get_media_id (last));
  g_assert_false (dd_job_is_finished (last));
  dd_fake_client_wait_ms (400);
  /* DingTalk never saw a 21st send, so it never said 130101 */
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 20);

  f->now += MINUTE;
  dd_fake_client_wait_ms (300);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 20);
  f->now += DD_PACER_MARGIN_US;
  dd_fake_server_advance_clock (f->fake, 61 * 1000);
  g_assert_true (wait_until (f, batch_done, batch, 10000));
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 21);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 21);
  g_assert_nonnull (strstr (message_text (messages->pdata[20]), "shot-20.png"));
}

/* A lower limit is allowed, a higher one is not. */
static void
test_rate_setting (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (6, 100);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;

  if (f->fake == NULL)
    return;

  dd_outbox_set_sends_per_minute (f->outbox, 5);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, job_has_retry_at, jobs->pdata[5], 20000));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 5);
  f->now += MINUTE + DD_PACER_MARGIN_US;
  g_assert_true (wait_until (f, batch_done, batch, 10000));
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 6);
}

/* 130101: the robot's jobs pause for ten minutes, retry time known; then
 * all of them go, in order, none dropped. */
static void
test_pause_130101 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (5, 200);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  gint64 paused_at = f->now;
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  dd_fake_server_set_next_errcode (f->fake, "/robot/send", 130101,
                                   "send too fast, exceed 20 times per minute");
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);

  g_assert_true (wait_until (f, n_paused, GUINT_TO_POINTER (5), 20000));
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (dd_job_get_retry_at (jobs->pdata[i]), ==,
                     paused_at + DD_OUTBOX_RATE_PAUSE_SECONDS * G_USEC_PER_SEC);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);

  /* nine minutes later: still paused */
  f->now += 9 * MINUTE;
  dd_fake_client_wait_ms (300);
  g_assert_cmpuint (count_jobs_in_state (f->outbox, DD_JOB_PAUSED), ==, 5);

  f->now += MINUTE;
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("shot-%02u.png", i);

      g_assert_cmpint (dd_job_get_state (jobs->pdata[i]), ==, DD_JOB_SENT);
      g_assert_nonnull (strstr (message_text (messages->pdata[i + 1]), name));
    }
}

/* 410100, DingTalk's current "send too fast": the robot pauses for ten
 * minutes, in every process (a second outbox on the folder sends nothing
 * meanwhile), then everything arrives. */
static void
test_pause_410100 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (4, 250);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(DdOutbox) second = NULL;
  g_autofree char *batch = NULL;
  gint64 until = f->now + DD_OUTBOX_RATE_PAUSE_SECONDS * G_USEC_PER_SEC;
  guint n_robot_changed = 0;

  if (f->fake == NULL)
    return;

  g_signal_connect_swapped (f->outbox, "robot-changed", G_CALLBACK (count_cb), &n_robot_changed);
  dd_fake_server_set_next_errcode (f->fake, "/robot/send", 410100,
                                   "send too fast, exceed 20 times per minute");
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);

  g_assert_true (wait_until (f, n_paused, GUINT_TO_POINTER (4), 20000));
  /* one pause, the robot's */
  g_assert_cmpint (dd_outbox_get_robot_paused_until (f->outbox, dd_profile_get_id (f->profile)), ==, until);
  g_assert_cmpuint (n_robot_changed, >=, 1);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (dd_job_get_errcode (jobs->pdata[i]), ==, 0);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 1);

  /* the window quits; `dingdrop outbox resume` starts meanwhile: it knows
   * of the pause and holds back too */
  outbox_close (f->outbox);
  g_clear_object (&f->outbox);
  second = fixture_new_outbox (f);
  f->outbox = g_object_ref (second);
  g_assert_true (outbox_load (second, NULL));
  dd_outbox_start (second);
  g_assert_true (wait_until (f, robot_paused, f->profile, 20000));
  g_assert_cmpint (dd_outbox_get_robot_paused_until (second, dd_profile_get_id (f->profile)), ==, until);
  g_assert_true (wait_until (f, n_paused, GUINT_TO_POINTER (4), 20000));
  dd_fake_client_wait_ms (300);
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 1);

  f->now = until;
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 4);
  g_assert_cmpint (dd_outbox_get_robot_paused_until (second, dd_profile_get_id (f->profile)), ==, 0);
}

/* -1 系统繁忙, with HTTP 200 or HTTP 500, on uploads and on sends: tried
 * again, and everything arrives once. */
static void
check_busy (Fixture *f,
            guint    upload_status,
            guint    send_status)
{
  static const char busy[] = "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}";
  g_autoptr(GPtrArray) images = make_images (3, 260 + upload_status);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  GPtrArray *messages;
  guint attempts = 0;

  dd_fake_server_set_next_answer (f->fake, "/media/upload", 2, upload_status, busy, "application/json");
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);

  /* the first two uploads are answered "busy" and wait to try again: no
   * send goes before the first image's */
  while (dd_fake_server_get_n_upload_requests (f->fake) < 2)
    g_main_context_iteration (NULL, TRUE);
  dd_fake_server_set_next_answer (f->fake, "/robot/send", 1, send_status, busy, "application/json");
  g_assert_true (wait_until (f, done_skipping_bounded_backoff, batch, 30000));

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = jobs->pdata[i];

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
      attempts += dd_job_get_attempts (job);
    }
  g_assert_cmpuint (attempts, ==, 3);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpuint (((DdFakeMessage *) messages->pdata[0])->http_status, ==, send_status);
  g_assert_false (((DdFakeMessage *) messages->pdata[0])->accepted);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 3);
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 3);
}

static void
test_busy_200_500 (Fixture       *f,
                   gconstpointer  data)
{
  if (f->fake != NULL)
    check_busy (f, 200, 500);
}

static void
test_busy_500_200 (Fixture       *f,
                   gconstpointer  data)
{
  if (f->fake != NULL)
    check_busy (f, 500, 200);
}

static gboolean
n_requests (Fixture  *f,
            gpointer  n)
{
  return dd_fake_server_get_messages (f->fake)->len >= GPOINTER_TO_UINT (n);
}

/* DingTalk took the message but its answer was lost (the client gave up
 * waiting): the retry carries the same msgUuid, and the group shows the
 * image once. */
static void
test_lost_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (1, 270);
  g_autofree char *batch = NULL;
  GPtrArray *messages;
  DdFakeMessage *first, *second;

  if (f->fake == NULL)
    return;

  dd_client_set_timeout (f->client, 1);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  /* after the token and the upload: the send is answered too late */
  dd_fake_server_set_latency (f->fake, 1600);
  dd_outbox_start (f->outbox);
  while (dd_fake_server_get_uploads (f->fake)->len < 1)
    g_main_context_iteration (NULL, TRUE);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1);

  g_assert_true (wait_until (f, done_skipping_bounded_backoff, batch, 20000));
  g_assert_true (wait_until (f, n_requests, GUINT_TO_POINTER (2), 5000));

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 2);
  first = messages->pdata[0];
  second = messages->pdata[1];
  g_assert_true (first->accepted && second->accepted);
  g_assert_nonnull (first->msg_uuid);
  g_assert_cmpstr (first->msg_uuid, ==, second->msg_uuid);
  g_assert_true (first->duplicate != second->duplicate);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 1);
}

/* Each image's state that decides whether it goes again is made durable
 * once (sent); the rest is written without: not six fsyncs an image. */
static void
test_durable_writes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (10, 280);
  g_autofree char *batch = NULL;
  guint n_durable = 0, n_writes, n_fsyncs;
  guint fsyncs_before = dd_io_get_n_fsyncs ();

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  outbox_close (f->outbox);

  n_writes = dd_outbox_store_get_n_writes (dd_outbox_get_store (f->outbox), &n_durable);
  n_fsyncs = dd_io_get_n_fsyncs () - fsyncs_before;
  g_test_message ("%u job.json writes, %u of them durable, %u fsyncs in all (pacing, media "
                  "cache, prepared images included), for 10 images", n_writes, n_durable, n_fsyncs);
  g_assert_cmpuint (n_durable, ==, 10);
  /* each durable one: the file and its folder, or one syncfs for those
   * written back to back; nothing else */
  g_assert_cmpuint (n_fsyncs, >=, 1);
  g_assert_cmpuint (n_fsyncs, <=, 2 * 10);
  /* created, prepared, uploading, uploaded, sending, sent, and the
   * thumbnail made after the upload; some coalesce */
  g_assert_cmpuint (n_writes, <=, 10 * 8);
}

/* The robot's access token, fetched now: the one the outbox asks for
 * ahead of the uploads is then the cached one, and the faults injected
 * next fall on the requests the test is about. */
static void
token_got (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree char *token = dd_client_get_token_finish (DD_CLIENT (source), result, NULL);

  *(gboolean *) user_data = token != NULL ? 1 : 2;
}

static gboolean
token_done (Fixture  *f,
            gpointer  state)
{
  return *(gboolean *) state != 0;
}

static void
fetch_token (Fixture *f)
{
  gboolean state = 0;

  dd_client_get_token_async (f->client, f->profile, FALSE, NULL, token_got, &state);
  g_assert_true (wait_until (f, token_done, &state, 10000));
  g_assert_cmpint (state, ==, 1);
}

static void
check_transient (Fixture     *f,
                 DdFakeFault  fault,
                 guint        count)
{
  g_autoptr(GPtrArray) images = make_images (2, 300 + fault);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  guint attempts = 0;

  fetch_token (f);
  dd_fake_server_inject_fault (f->fake, fault, count);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, done_skipping_bounded_backoff, batch, 30000));

  for (guint i = 0; i < jobs->len; i++)
    {
      g_assert_cmpint (dd_job_get_state (jobs->pdata[i]), ==, DD_JOB_SENT);
      attempts += dd_job_get_attempts (jobs->pdata[i]);
    }
  g_assert_cmpuint (attempts, >=, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 2);
}

static void
test_transient_500 (Fixture       *f,
                    gconstpointer  data)
{
  if (f->fake != NULL)
    check_transient (f, DD_FAKE_FAULT_HTTP_500, 3);
}

static void
test_transient_drop (Fixture       *f,
                     gconstpointer  data)
{
  if (f->fake != NULL)
    check_transient (f, DD_FAKE_FAULT_DROP, 3);
}

static void
test_transient_not_json (Fixture       *f,
                         gconstpointer  data)
{
  if (f->fake != NULL)
    check_transient (f, DD_FAKE_FAULT_NOT_JSON, 2);
}

/* Five transient failures: failed, kept; retried by the user: sent. */
static void
test_transient_gives_up (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (1, 400);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;
  DdJob *job;

  if (f->fake == NULL)
    return;

  fetch_token (f);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_HTTP_500, DD_OUTBOX_MAX_ATTEMPTS);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  job = jobs->pdata[0];
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, done_skipping_bounded_backoff, batch, 30000));

  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_FAILED);
  g_assert_cmpuint (dd_job_get_attempts (job), ==, DD_OUTBOX_MAX_ATTEMPTS);
  g_assert_nonnull (dd_job_get_error_message (job));
  g_assert_true (dd_outbox_lookup (f->outbox, dd_job_get_id (job)) == job);
  /* the token fetched first, then the upload's five attempts */
  g_assert_cmpuint (dd_fake_server_get_n_requests (f->fake), ==, 1 + DD_OUTBOX_MAX_ATTEMPTS);

  g_assert_true (outbox_retry (f->outbox, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
}

/* A wrong signing secret fails at once, once, and stays. */
static void
test_permanent (Fixture       *f,
                gconstpointer  data)
{
  DdProfile *wrong = fixture_add_profile (f, "wrong", TOKEN, "SECnot-the-right-one");
  g_autoptr(GPtrArray) images = make_images (2, 500);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, wrong, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  for (guint i = 0; i < 2; i++)
    {
      DdJob *job = jobs->pdata[i];

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_FAILED);
      g_assert_cmpint (dd_job_get_errcode (job), ==, 310000);
      g_assert_cmpuint (dd_job_get_attempts (job), ==, 0);
      g_assert_nonnull (strstr (dd_job_get_error_message (job), "signing secret"));
    }
  /* one try each, no retries */
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 2);
  g_assert_false (dd_outbox_is_busy (f->outbox));
}

/* The sends the robot's file (shared by every process) counts now. */
static guint
robot_sends (Fixture *f)
{
  g_autofree char *robots = g_build_filename (f->dir, "robots", NULL);
  g_autoptr(GDir) dir = g_dir_open (robots, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (robots, name, NULL);
      g_autofree char *lock = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;
      gboolean loaded;
      int fd;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      /* read as the pacer's readers do, under the robot's flock: the file
       * is rewritten in place */
      lock = g_strconcat (robots, G_DIR_SEPARATOR_S, name, NULL);
      strcpy (lock + strlen (lock) - strlen (".json"), ".lock");
      fd = open (lock, O_RDWR | O_CLOEXEC);
      g_assert_cmpint (fd, >=, 0);
      while (flock (fd, LOCK_EX) != 0)
        g_assert_cmpint (errno, ==, EINTR);
      loaded = json_parser_load_from_file (parser, path, NULL);
      close (fd);
      if (!loaded || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      object = json_node_get_object (json_parser_get_root (parser));
      /* [start, answered, ticket], or given back: [start, start, ticket, 1] */
      for (guint i = 0; i < json_array_get_length (json_object_get_array_member (object, "sends")); i++)
        if (json_array_get_length (json_array_get_array_element (json_object_get_array_member (object, "sends"), i)) == 3)
          n++;
    }
  return n;
}

static gboolean
robot_sends_are (Fixture  *f,
                 gpointer  n)
{
  return robot_sends (f) == GPOINTER_TO_UINT (n);
}

static gboolean
first_sent (Fixture  *f,
            gpointer  job)
{
  return dd_job_get_state (job) == DD_JOB_SENT;
}

/* Three images, every request answered 1.5 s late: while the first
 * message waits for its answer, the second's place in the robot's minute
 * is taken. */
static DdJob *
first_message_on_its_way (Fixture   *f,
                          GPtrArray **jobs)
{
  g_autoptr(GPtrArray) images = make_images (3, 290);
  g_autofree char *batch = add_batch (f, f->outbox, f->profile, images, NULL);

  *jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_fake_server_set_latency (f->fake, 1500);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1000);
  dd_outbox_start (f->outbox);

  /* the message, and the next one's reservation, before any answer */
  g_assert_true (wait_until (f, robot_sends_are, GUINT_TO_POINTER (2), 5000));
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 0);
  return g_ptr_array_index (*jobs, 0);
}

/* The reservation taken ahead and then not used (the images after the
 * first were removed meanwhile) is given back: the robot's minute counts
 * only what was sent. */
static void
test_reservation_ahead_unused (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  DdJob *first;

  if (f->fake == NULL)
    return;

  first = first_message_on_its_way (f, &jobs);
  g_assert_true (outbox_remove (f->outbox, g_ptr_array_index (jobs, 1), &error));
  g_assert_no_error (error);
  g_assert_true (outbox_remove (f->outbox, g_ptr_array_index (jobs, 2), &error));
  g_assert_no_error (error);

  g_assert_true (wait_until (f, first_sent, first, 10000));
  g_assert_true (wait_until (f, robot_sends_are, GUINT_TO_POINTER (1), 10000));
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 1);
}

/* Sending stops while the first message waits for its answer: the
 * reservation taken for the next is given back with it. */
static void
test_reservation_ahead_stopped (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) jobs = NULL;

  if (f->fake == NULL)
    return;

  first_message_on_its_way (f, &jobs);
  outbox_close (f->outbox);
  /* the first may have reached DingTalk: it counts; the next one's place
   * is given back (when the pacer answers, if it had not yet) */
  g_assert_true (wait_until (f, robot_sends_are, GUINT_TO_POINTER (1), 5000));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/outbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("rate-limit", test_rate_limit);
  ADD ("rate-setting", test_rate_setting);
  ADD ("pause-130101", test_pause_130101);
  ADD ("pause-410100", test_pause_410100);
  ADD ("busy-upload-200-send-500", test_busy_200_500);
  ADD ("busy-upload-500-send-200", test_busy_500_200);
  ADD ("lost-answer", test_lost_answer);
  ADD ("durable-writes", test_durable_writes);
  ADD ("transient-500", test_transient_500);
  ADD ("transient-drop", test_transient_drop);
  ADD ("transient-not-json", test_transient_not_json);
  ADD ("transient-gives-up", test_transient_gives_up);
  ADD ("permanent", test_permanent);
  ADD ("reservation-ahead-unused", test_reservation_ahead_unused);
  ADD ("reservation-ahead-stopped", test_reservation_ahead_stopped);

#undef ADD

  return g_test_run ();
}
