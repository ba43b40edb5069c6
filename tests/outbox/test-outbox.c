/* test-outbox.c: batches through the outbox against the in-process fake:
 * order and concurrency, albums, the media cache, the history, persistence
 * and two outboxes on one folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-fake-client.h"
#include "outbox-fixture.h"

/* 12 images, one message each: at most 3 uploads at a time (and 3 reached
 * while the fake is slow), messages in the user's order, the caption on
 * the first only, one access token for the batch. */
static void
test_order_and_concurrency (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (12, 0);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .caption = "第一张" };
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  dd_fake_server_set_latency (f->fake, 60);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1000);

  batch = add_batch (f, f->outbox, f->profile, images, &options);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 12);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 30000));

  g_assert_cmpuint (f->max_uploading, ==, DD_OUTBOX_DEFAULT_CONCURRENT_UPLOADS);
  g_assert_cmpuint (dd_fake_server_get_n_token_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 12);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 12);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 12);

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  for (guint i = 0; i < 12; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);
      DdFakeMessage *m = g_ptr_array_index (messages, i);
      g_autofree char *expected = g_strdup_printf ("![shot-%02u.png](%s)", i, dd_job_get_media_id (job));

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
      g_assert_nonnull (dd_fake_server_lookup_upload (f->fake, dd_job_get_media_id (job)));
      g_assert_nonnull (strstr (message_text (m), expected));
      g_assert_nonnull (strstr (m->query, "&sign="));
      g_assert_cmpint (dd_job_get_sent_at (job), ==, f->now);
    }
  g_assert_true (g_str_has_prefix (message_text (g_ptr_array_index (messages, 0)), "第一张"));
  g_assert_null (strstr (message_text (g_ptr_array_index (messages, 1)), "第一张"));

  /* sent jobs are history now, newest first */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (dd_outbox_get_history (f->outbox)), ==, 12);
  g_assert_false (dd_outbox_is_busy (f->outbox));
}

static void
test_album (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 10);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .album = TRUE, .caption = "three" };
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 1);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (dd_job_get_state (g_ptr_array_index (jobs, i)), ==, DD_JOB_SENT);
      g_assert_nonnull (strstr (message_text (g_ptr_array_index (messages, 0)),
                                dd_job_get_media_id (g_ptr_array_index (jobs, i))));
    }
}

/* An album too big for one 20,000-byte body is split, never refused. */
static void
test_big_album_split (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .album = TRUE };
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  dd_profile_set_link_template (f->profile, "https://down.dingtalk.com/media/{media_id}");
  f->long_names = TRUE;
  for (guint i = 0; i < 160; i++)
    g_ptr_array_add (images, make_png (8 + i % 40, 8 + i / 40, i));

  batch = add_batch (f, f->outbox, f->profile, images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 30000));

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, >, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, messages->len);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpuint (g_bytes_get_size (((DdFakeMessage *) messages->pdata[i])->raw_body), <=, 20000);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (dd_job_get_state (g_ptr_array_index (jobs, i)), ==, DD_JOB_SENT);
}

typedef struct {
  guint  n_finished;
  guint  n_sent;
  guint  n_failed;
  guint  n_job_failed;
  char  *batch;
} Signals;

static void
batch_finished_cb (DdOutbox   *outbox,
                   const char *batch_id,
                   guint       n_sent,
                   guint       n_failed,
                   Signals    *s)
{
  s->n_finished++;
  s->n_sent = n_sent;
  s->n_failed = n_failed;
  g_free (s->batch);
  s->batch = g_strdup (batch_id);
}

static void
job_failed_cb (DdOutbox *outbox,
               DdJob    *job,
               Signals  *s)
{
  g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_FAILED);
  s->n_job_failed++;
}

/* Not an image: it fails at preparation, alone; the others keep order. */
static void
test_partial_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 20);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  Signals signals = { 0 };
  GPtrArray *messages;
  DdJob *bad;

  if (f->fake == NULL)
    return;

  g_signal_connect (f->outbox, "batch-finished", G_CALLBACK (batch_finished_cb), &signals);
  g_signal_connect (f->outbox, "job-failed", G_CALLBACK (job_failed_cb), &signals);

  g_bytes_unref (images->pdata[1]);
  images->pdata[1] = g_bytes_new_static ("just some notes", 15);

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  bad = g_ptr_array_index (jobs, 1);
  g_assert_cmpint (dd_job_get_state (g_ptr_array_index (jobs, 0)), ==, DD_JOB_SENT);
  g_assert_cmpint (dd_job_get_state (bad), ==, DD_JOB_FAILED);
  g_assert_nonnull (dd_job_get_error_message (bad));
  g_assert_cmpint (dd_job_get_state (g_ptr_array_index (jobs, 2)), ==, DD_JOB_SENT);
  /* failed jobs stay in the outbox */
  g_assert_true (dd_outbox_lookup (f->outbox, dd_job_get_id (bad)) == bad);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 1);

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_nonnull (strstr (message_text (messages->pdata[0]), "shot-00.png"));
  g_assert_nonnull (strstr (message_text (messages->pdata[1]), "shot-02.png"));

  g_assert_cmpuint (signals.n_finished, ==, 1);
  g_assert_cmpstr (signals.batch, ==, batch);
  g_assert_cmpuint (signals.n_sent, ==, 2);
  g_assert_cmpuint (signals.n_failed, ==, 1);
  g_assert_cmpuint (signals.n_job_failed, ==, 1);
  g_free (signals.batch);

  /* and leave it when removed */
  g_assert_cmpuint (outbox_clear (f->outbox, DD_OUTBOX_CLEAR_FAILED), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 0);
}

/* The same bytes again, and to another robot of the same app: one upload. */
static void
test_media_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (1, 30);
  DdProfile *other = fixture_add_profile (f, "Other", TOKEN2, NULL);
  g_autofree char *b1 = NULL, *b2 = NULL, *b3 = NULL;
  g_autoptr(GPtrArray) j1 = NULL, j3 = NULL;

  if (f->fake == NULL)
    return;

  dd_outbox_start (f->outbox);
  b1 = add_batch (f, f->outbox, f->profile, images, NULL);
  g_assert_true (wait_until (f, batch_done, b1, 20000));
  b2 = add_batch (f, f->outbox, f->profile, images, NULL);
  g_assert_true (wait_until (f, batch_done, b2, 20000));
  b3 = add_batch (f, f->outbox, other, images, NULL);
  g_assert_true (wait_until (f, batch_done, b3, 20000));

  g_assert_cmpuint (dd_fake_server_get_n_upload_requests (f->fake), ==, 1);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
  j1 = dd_outbox_get_batch_jobs (f->outbox, b1);
  j3 = dd_outbox_get_batch_jobs (f->outbox, b3);
  g_assert_cmpstr (dd_job_get_media_id (j1->pdata[0]), ==, dd_job_get_media_id (j3->pdata[0]));
  g_assert_cmpint (dd_job_get_state (j3->pdata[0]), ==, DD_JOB_SENT);
}

static gboolean
history_thumbnailed (Fixture  *f,
                     gpointer  outbox)
{
  GListModel *history = dd_outbox_get_history (outbox);

  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (history, i);

      if (dd_job_get_thumbnail_path (job) == NULL || dd_job_get_data_path (job) != NULL)
        return FALSE;
    }
  return TRUE;
}

/* A new outbox on the same folder sees the jobs, sends them, and keeps
 * them as history with a thumbnail and without their bytes. */
static void
test_persistence (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 40);
  g_autoptr(DdOutbox) second = NULL;
  g_autoptr(DdOutbox) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *data_path = NULL;
  GListModel *history;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  {
    g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (f->outbox), 0);
    data_path = g_strdup (dd_job_get_data_path (job));
  }
  g_assert_true (g_file_test (data_path, G_FILE_TEST_IS_REGULAR));
  outbox_close (f->outbox);   /* never started: as if the app quit */
  g_clear_object (&f->outbox);
  g_assert_cmpuint (dd_fake_server_get_n_requests (f->fake), ==, 0);

  second = fixture_new_outbox (f);
  g_assert_true (outbox_load (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (second), i);
      g_autofree char *name = g_strdup_printf ("shot-%02u.png", i);

      g_assert_cmpstr (dd_job_get_display_name (job), ==, name);
      g_assert_cmpstr (dd_job_get_batch_id (job), ==, batch);
      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_WAITING);
    }

  f->outbox = g_object_ref (second);
  dd_outbox_start (second);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  /* the thumbnails come after the sends; the bytes go after them */
  g_assert_true (wait_until (f, history_thumbnailed, second, 10000));
  outbox_close (second);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
  g_assert_false (g_file_test (data_path, G_FILE_TEST_EXISTS));

  third = fixture_new_outbox (f);
  g_assert_true (outbox_load (third, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (third)), ==, 0);
  history = dd_outbox_get_history (third);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (history, i);
      g_autoptr(GdkPixbuf) thumb = NULL;

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
      g_assert_nonnull (dd_job_get_media_id (job));
      g_assert_null (dd_job_get_data_path (job));
      g_assert_nonnull (dd_job_get_thumbnail_path (job));
      thumb = gdk_pixbuf_new_from_file (dd_job_get_thumbnail_path (job), &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (thumb), ==, dd_job_get_width (job));
    }
}

/* A batch of a file and pasted bytes, as the window adds them; with
 * keep-history-images the bytes stay; the thumbnail fits in 256×256. */
static gboolean
has_result (Fixture  *f,
            gpointer  slot)
{
  return *(GAsyncResult **) slot != NULL;
}

static gboolean
has_thumbnail (Fixture  *f,
               gpointer  job)
{
  return dd_job_get_thumbnail_path (job) != NULL;
}

static void
test_files_and_bytes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) big = make_png (600, 400, 60);
  g_autoptr(GBytes) small = make_png (80, 60, 61);
  g_autofree char *path = g_build_filename (f->tmp, "photo.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_path = g_build_filename (f->tmp, "gone.png", NULL);
  g_autofree char *batch = NULL;
  g_autoptr(GdkPixbuf) thumb = NULL;
  DdSendOptions options = { 0 };
  DdJob *from_file, *pasted, *gone;

  if (f->fake == NULL)
    return;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (big, NULL), g_bytes_get_size (big), NULL));
  missing = g_file_new_for_path (missing_path);
  g_ptr_array_add (sources, dd_outbox_source_new_for_file (file, NULL));
  g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (small, "Pasted image 14:03"));
  g_ptr_array_add (sources, dd_outbox_source_new_for_file (missing, NULL));

  dd_outbox_set_keep_history_images (f->outbox, TRUE);
  dd_outbox_add_async (f->outbox, f->profile, sources, &options, NULL, store_result, &result);
  g_assert_true (wait_until (f, has_result, &result, 10000));
  jobs = dd_outbox_add_finish (f->outbox, result, &error);
  g_assert_no_error (error);
  batch = g_strdup (dd_job_get_batch_id (jobs->pdata[0]));
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 3);
  /* the file's bytes are the outbox's own: the original may go */
  g_assert_cmpint (g_unlink (path), ==, 0);

  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  from_file = jobs->pdata[0];
  pasted = jobs->pdata[1];
  gone = jobs->pdata[2];
  g_assert_cmpstr (dd_job_get_display_name (from_file), ==, "photo.png");
  g_assert_cmpstr (dd_job_get_display_name (pasted), ==, "Pasted image 14:03");
  g_assert_cmpstr (dd_job_get_display_name (gone), ==, "gone.png");
  g_assert_cmpint (dd_job_get_state (gone), ==, DD_JOB_FAILED);
  g_assert_nonnull (dd_job_get_error_message (gone));

  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpint (dd_job_get_state (from_file), ==, DD_JOB_SENT);
  g_assert_cmpint (dd_job_get_state (pasted), ==, DD_JOB_SENT);
  g_assert_cmpuint (dd_job_get_width (from_file), ==, 600);
  g_assert_cmpuint (dd_job_get_bytes_total (from_file), >, 0);
  g_assert_cmpstr (dd_job_get_mime_type (from_file), ==, "image/png");

  /* the thumbnail comes after the upload, not before it */
  g_assert_true (wait_until (f, has_thumbnail, from_file, 10000));
  /* kept: the history can send it again */
  g_assert_nonnull (dd_job_get_data_path (from_file));
  g_assert_true (g_file_test (dd_job_get_data_path (from_file), G_FILE_TEST_IS_REGULAR));
  thumb = gdk_pixbuf_new_from_file (dd_job_get_thumbnail_path (from_file), &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (thumb), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (thumb), ==, 171);
}

static gboolean
all_sent (Fixture  *f,
          gpointer  n)
{
  return dd_fake_server_count_accepted_messages (f->fake) >= GPOINTER_TO_UINT (n);
}

/* Two outboxes on one folder (as the window and `dingdrop outbox resume`):
 * every job is sent once, by one of them. */
static void
test_two_outboxes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (10, 50);
  g_autoptr(DdOutbox) a = NULL;
  g_autoptr(DdOutbox) b = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *batch = NULL;
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  outbox_close (f->outbox);   /* left behind, unlocked */
  g_clear_object (&f->outbox);

  dd_fake_server_set_latency (f->fake, 20);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1000);
  a = fixture_new_outbox (f);
  b = fixture_new_outbox (f);
  g_assert_true (outbox_load (a, NULL));
  g_assert_true (outbox_load (b, NULL));
  dd_outbox_start (a);
  dd_outbox_start (b);
  g_assert_true (wait_until (f, all_sent, GUINT_TO_POINTER (10), 30000));
  /* give a double send the chance to happen */
  dd_fake_client_wait_ms (500);

  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (messages->len, ==, 10);
  for (guint i = 0; i < messages->len; i++)
    {
      const char *text = message_text (messages->pdata[i]);
      g_assert_false (g_hash_table_contains (seen, text));
      g_hash_table_add (seen, (gpointer) text);
    }
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 10);
  g_assert_false (dd_outbox_is_busy (a));
  g_assert_false (dd_outbox_is_busy (b));
}

static gboolean
n_failed (Fixture  *f,
          gpointer  n)
{
  return count_jobs_in_state (f->outbox, DD_JOB_FAILED) == GPOINTER_TO_UINT (n);
}

/* A robot removed while its images wait: they fail with the sentence,
 * none of them is sent; retried to another robot, they arrive there. */
static void
test_removed_robot (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 70);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  DdProfile *doomed = fixture_add_profile (f, "Doomed", TOKEN2, NULL);
  g_autofree char *doomed_id = g_strdup (dd_profile_get_id (doomed));
  g_autofree char *batch = NULL;

  if (f->fake == NULL)
    return;

  /* slow uploads: the images are still on their way when it goes */
  dd_fake_server_set_latency (f->fake, 400);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1000);
  batch = add_batch (f, f->outbox, doomed, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  dd_outbox_start (f->outbox);
  while (dd_fake_server_get_n_upload_requests (f->fake) == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (dd_profile_store_remove (f->store, doomed, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (f, n_failed, GUINT_TO_POINTER (3), 10000));
  dd_fake_client_wait_ms (1000);   /* what was on its way comes back */
  g_assert_cmpuint (dd_fake_server_get_messages (f->fake)->len, ==, 0);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = jobs->pdata[i];

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_FAILED);
      g_assert_cmpstr (dd_job_get_error_message (job), ==, "The robot this image was for has been removed.");
    }

  /* to the robot that is left */
  dd_fake_server_set_latency (f->fake, 0);
  for (guint i = 0; i < jobs->len; i++)
    {
      g_assert_true (outbox_retry (f->outbox, jobs->pdata[i], f->profile, &error));
      g_assert_no_error (error);
    }
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 3);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = jobs->pdata[i];
      DdFakeMessage *message = dd_fake_server_get_messages (f->fake)->pdata[i];

      g_assert_cmpint (dd_job_get_state (job), ==, DD_JOB_SENT);
      g_assert_cmpstr (dd_job_get_profile_id (job), ==, dd_profile_get_id (f->profile));
      g_assert_cmpstr (dd_job_get_profile_id (job), !=, doomed_id);
      g_assert_cmpstr (message->access_token, ==, TOKEN);
    }
}

static guint
count_folders (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += name[0] != '.';
  return n;
}

/* The caller gives up on an add after its jobs reached the disk: nothing
 * is left of them, and a later start sends nothing. */
static void
test_late_cancel (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (4, 80);
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdOutbox) later = NULL;
  g_autofree char *jobs_dir = g_build_filename (f->dir, "jobs", NULL);
  DdSendOptions options = { 0 };
  gint64 deadline;

  if (f->fake == NULL)
    return;

  for (guint i = 0; i < images->len; i++)
    g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (images->pdata[i], "late.png"));
  dd_outbox_start (f->outbox);
  dd_outbox_add_async (f->outbox, f->profile, sources, &options, cancellable,
                       store_result, &result);

  /* without running the main loop: the worker finishes, its answer waits */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_folders (jobs_dir) < 4 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  g_assert_cmpuint (count_folders (jobs_dir), ==, 4);
  g_cancellable_cancel (cancellable);

  g_assert_true (wait_until (f, has_result, &result, 10000));
  jobs = dd_outbox_add_finish (f->outbox, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (jobs);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->outbox)), ==, 0);
  g_assert_false (dd_outbox_is_busy (f->outbox));
  outbox_close (f->outbox);
  g_assert_cmpuint (count_folders (jobs_dir), ==, 0);

  later = fixture_new_outbox (f);
  g_assert_true (outbox_load (later, NULL));
  dd_outbox_start (later);
  dd_fake_client_wait_ms (500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 0);
  /* nothing uploaded or shown; at most the access token, asked for while
   * the images were copied */
  g_assert_cmpuint (dd_fake_server_get_n_upload_requests (f->fake), ==, 0);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 0);
  g_assert_cmpuint (dd_fake_server_get_n_requests (f->fake), <=, 1);
  outbox_close (later);
}

/* A job.json cut short or edited by hand: the job is listed as damaged
 * with its folder (no critical, no job lost silently), its image kept,
 * and clearing the failed ones removes it. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  static const char * const bodies[] = { "", "{\"version\": 1, \"batch-id\": ", "[1, 2, 3]",
                                         "{\"batch-id\": 7, \"profile-id\": null, \"state\": \"sent\"}" };
  g_autoptr(GPtrArray) images = make_images (1, 150);
  g_autoptr(DdOutbox) later = NULL;
  g_autofree char *jobs_dir = g_build_filename (f->dir, "jobs", NULL);
  g_autofree char *batch = NULL;
  GPtrArray *damaged;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);   /* a good one beside them */
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *id = g_strdup_printf ("damaged%u", i);
      g_autofree char *dir = g_build_filename (jobs_dir, id, NULL);
      g_autofree char *json = g_build_filename (dir, "job.json", NULL);
      g_autofree char *original = g_build_filename (dir, "original", NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (json, bodies[i], -1, NULL));
      g_assert_true (g_file_set_contents (original, "a picture", -1, NULL));
    }
  outbox_close (f->outbox);

  later = fixture_new_outbox (f);
  g_assert_true (outbox_load (later, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 1);
  damaged = dd_outbox_get_damaged (later);
  g_assert_cmpuint (damaged->len, ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < damaged->len; i++)
    {
      g_autofree char *original = g_build_filename (g_ptr_array_index (damaged, i), "original", NULL);
      g_autofree char *id = g_path_get_basename (g_ptr_array_index (damaged, i));

      g_assert_true (g_str_has_prefix (id, "damaged"));
      g_assert_true (g_file_test (original, G_FILE_TEST_IS_REGULAR));
    }

  g_assert_cmpuint (outbox_clear (later, DD_OUTBOX_CLEAR_FAILED), ==, G_N_ELEMENTS (bodies));
  g_assert_cmpuint (dd_outbox_get_damaged (later)->len, ==, 0);
  outbox_close (later);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *id = g_strdup_printf ("damaged%u", i);
      g_autofree char *dir = g_build_filename (jobs_dir, id, NULL);

      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  /* the good job is untouched */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 1);
}

/* A robot removed while its images upload leaves no place taken: the
 * next batch (to the robot left) uploads and arrives, one upload at a
 * time allowed. */
static void
test_removed_robot_frees_uploads (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (2, 160);
  g_autoptr(GPtrArray) more = make_images (2, 170);
  g_autoptr(GError) error = NULL;
  DdProfile *doomed = fixture_add_profile (f, "Doomed", TOKEN2, NULL);
  g_autofree char *batch = NULL, *batch2 = NULL;

  if (f->fake == NULL)
    return;

  dd_outbox_set_max_concurrent_uploads (f->outbox, 1);
  dd_fake_server_set_latency (f->fake, 800);
  dd_fake_server_inject_fault (f->fake, DD_FAKE_FAULT_LATENCY, 1000);
  batch = add_batch (f, f->outbox, doomed, images, NULL);
  dd_outbox_start (f->outbox);
  while (dd_fake_server_get_n_upload_requests (f->fake) < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (dd_profile_store_remove (f->store, doomed, &error));
  g_assert_true (wait_until (f, n_failed, GUINT_TO_POINTER (2), 10000));

  dd_fake_server_set_latency (f->fake, 0);
  batch2 = add_batch (f, f->outbox, f->profile, more, NULL);
  g_assert_true (wait_until (f, batch_done, batch2, 10000));
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 2);
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

      n += m->accepted && !m->duplicate && strstr (message_text (m), caption) != NULL;
    }
  return n;
}

static gboolean
first_sent (Fixture  *f,
            gpointer  batch)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (f->outbox, batch);

  return dd_job_get_state (jobs->pdata[0]) == DD_JOB_SENT;
}

/* The caption (and @all) went with the first image; the app quits and
 * the rest goes on the next start: the caption does not go again. */
static void
test_caption_once_across_restart (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (3, 180);
  g_autoptr(DdOutbox) second = NULL;
  g_autofree char *batch = NULL;
  DdSendOptions options = { .caption = "ONLY-ONCE-CAPTION", .at_all = TRUE };
  GPtrArray *messages;

  if (f->fake == NULL)
    return;

  dd_outbox_set_sends_per_minute (f->outbox, 1);
  batch = add_batch (f, f->outbox, f->profile, images, &options);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, first_sent, batch, 20000));
  outbox_close (f->outbox);
  g_clear_object (&f->outbox);
  g_assert_cmpuint (count_caption (f, "ONLY-ONCE-CAPTION"), ==, 1);

  f->now += 2 * (DD_PACER_WINDOW_US + DD_PACER_MARGIN_US);
  second = fixture_new_outbox (f);
  f->outbox = g_object_ref (second);
  g_assert_true (outbox_load (second, NULL));
  dd_outbox_start (second);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpuint (count_caption (f, "ONLY-ONCE-CAPTION"), ==, 1);
  messages = dd_fake_server_get_messages (f->fake);
  g_assert_cmpuint (dd_fake_server_count_shown_messages (f->fake), ==, 3);
  for (guint i = 1; i < messages->len; i++)
    {
      JsonObject *at = json_object_get_object_member (json_node_get_object (((DdFakeMessage *) messages->pdata[i])->body), "at");

      g_assert_false (json_object_get_boolean_member (at, "isAtAll"));
    }
}

/* Closing while a batch is being copied in waits for it: a batch the
 * user sent just before quitting is in the outbox, whole. */
static void
test_close_waits_for_add (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(DdOutbox) later = NULL;
  DdSendOptions none = { 0 };

  if (f->fake == NULL)
    return;

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(GBytes) big = make_png (1000, 800, 190 + i);

      g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (big, "big.png"));
    }
  dd_outbox_add_async (f->outbox, f->profile, sources, &none, NULL, store_result, &result);
  outbox_close (f->outbox);
  g_assert_nonnull (result);   /* the add completed before the close */
  jobs = dd_outbox_add_finish (f->outbox, result, NULL);
  g_assert_nonnull (jobs);

  later = fixture_new_outbox (f);
  g_assert_true (outbox_load (later, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 30);
  outbox_close (later);
}

static void
weak_notify_cb (gpointer  data,
                GObject  *where)
{
  *(gboolean *) data = TRUE;
}

/* A removal lets go of what it held: the outbox and the job. */
static void
test_remove_frees (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (2, 230);
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;
  gboolean gone = FALSE;
  guint before;
  DdJob *job;

  if (f->fake == NULL)
    return;

  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  job = g_list_model_get_item (G_LIST_MODEL (f->outbox), 0);
  g_object_weak_ref (G_OBJECT (job), weak_notify_cb, &gone);
  before = G_OBJECT (f->outbox)->ref_count;
  g_assert_true (outbox_remove (f->outbox, job, &error));
  g_assert_no_error (error);
  g_object_unref (job);
  dd_fake_client_wait_ms (200);
  g_assert_cmpuint (G_OBJECT (f->outbox)->ref_count, ==, before);
  g_assert_true (gone);
}

/* More than DingTalk's 20 a minute: the outbox says how long it takes. */
static void
test_estimate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (45, 90);
  g_autoptr(GPtrArray) few = make_images (2, 140);
  g_autofree char *batch = NULL;
  DdProfile *other = fixture_add_profile (f, "Other", TOKEN2, NULL);
  DdSendOptions album = { .album = TRUE };
  const char *id = dd_profile_get_id (f->profile);
  gint64 minute = DD_PACER_WINDOW_US + DD_PACER_MARGIN_US;

  if (f->fake == NULL)
    return;

  g_assert_cmpint (dd_outbox_estimate (f->outbox, id, 0), ==, 0);
  /* before they are added: what adding them would take */
  g_assert_cmpint (dd_outbox_estimate (f->outbox, id, 45), ==, 2 * minute);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  g_free (add_batch (f, f->outbox, other, few, NULL));
  dd_outbox_start (f->outbox);
  /* 45 messages: 20 now, 20 a minute on, 5 a minute after that */
  g_assert_cmpint (dd_outbox_estimate (f->outbox, id, 0), ==, 2 * minute);
  g_assert_cmpint (dd_outbox_estimate (f->outbox, dd_profile_get_id (other), 0), ==, 0);
  dd_outbox_stop (f->outbox);

  {
    g_autofree char *two = dd_outbox_describe_wait (2 * minute);
    g_autofree char *one = dd_outbox_describe_wait (minute);
    g_autofree char *secs = dd_outbox_describe_wait (40 * G_USEC_PER_SEC);

    g_assert_cmpstr (two, ==, "about 2 minutes");
    g_assert_cmpstr (one, ==, "about 1 minute");
    g_assert_cmpstr (secs, ==, "about 40 seconds");
  }

  /* as one album it is one message: no wait */
  g_free (add_batch (f, f->outbox, other, images, &album));
  dd_outbox_start (f->outbox);
  g_assert_cmpint (dd_outbox_estimate (f->outbox, dd_profile_get_id (other), 0), ==, 0);
}


/* A thumbnail the sending process did not make before it stopped (its
 * job.json says so, and the image's bytes are kept for it) is made by the
 * next outbox that loads the folder; then the bytes go. */
static void
owe_thumbnail (const char *job_dir)
{
  g_autofree char *path = g_build_filename (job_dir, "job.json", NULL);
  g_autofree char *thumb = g_build_filename (job_dir, "thumbnail.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (o, "thumbnail-owed"));
  json_object_set_boolean_member (o, "thumbnail", FALSE);
  json_object_set_boolean_member (o, "thumbnail-owed", TRUE);
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (thumb), ==, 0);
}

static gboolean
history_has_thumbnails (Fixture  *f,
                        gpointer  outbox)
{
  GListModel *history = dd_outbox_get_history (outbox);
  guint n = g_list_model_get_n_items (history);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (history, i);

      if (dd_job_get_thumbnail_path (job) == NULL)
        return FALSE;
    }
  return n > 0;
}

static void
test_owed_thumbnail (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (2, 70);
  g_autoptr(DdOutbox) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *jobs_dir = g_build_filename (f->dir, "jobs", NULL);
  g_autofree char *batch = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (f->fake == NULL)
    return;

  /* sent, thumbnailed, bytes kept: then made to look as if the thumbnail
   * were still owed when the process stopped */
  dd_outbox_set_keep_history_images (f->outbox, TRUE);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_true (wait_until (f, history_has_thumbnails, f->outbox, 10000));
  outbox_close (f->outbox);
  g_clear_object (&f->outbox);

  dir = g_dir_open (jobs_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_ptr_array_add (dirs, g_build_filename (jobs_dir, name, NULL));
      owe_thumbnail (g_ptr_array_index (dirs, dirs->len - 1));
    }
  g_assert_cmpuint (dirs->len, ==, 2);

  second = fixture_new_outbox (f);
  g_assert_true (outbox_load (second, &error));
  g_assert_no_error (error);
  g_assert_false (history_has_thumbnails (f, second));
  f->outbox = g_object_ref (second);
  dd_outbox_start (second);
  /* made, and the bytes that were kept for it gone */
  g_assert_true (wait_until (f, history_thumbnailed, second, 10000));
  outbox_close (second);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 2);
  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *thumb = g_build_filename (dirs->pdata[i], "thumbnail.png", NULL);
      g_autofree char *original = g_build_filename (dirs->pdata[i], "original", NULL);
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (thumb, &error);

      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 48);   /* as the image: not blown up */
      g_assert_false (g_file_test (original, G_FILE_TEST_EXISTS));
    }
}

static gboolean
json_owes_thumbnail (const char *job_dir)
{
  g_autofree char *path = g_build_filename (job_dir, "job.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_get_boolean_member (json_node_get_object (json_parser_get_root (parser)),
                                         "thumbnail-owed");
}

static GPtrArray *
job_dirs (Fixture *f)
{
  g_autofree char *jobs_dir = g_build_filename (f->dir, "jobs", NULL);
  g_autoptr(GDir) dir = g_dir_open (jobs_dir, 0, NULL);
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (dirs, g_build_filename (jobs_dir, name, NULL));
  return dirs;
}

static gboolean
job_dir_has (const char *job_dir,
             const char *file)
{
  g_autofree char *path = g_build_filename (job_dir, file, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
outbox_idle (Fixture  *f,
             gpointer  outbox)
{
  return !dd_outbox_is_busy (outbox);
}

/* Closing forgoes the thumbnails not made yet (`dingdrop send` exits
 * once its images are in the group): with the history keeping no
 * images their bytes go at once and the history has no thumbnail for
 * them; keeping images, they stay owed, and the next outbox makes them. */
static void
test_close_forgoes_thumbnails (Fixture       *f,
                               gconstpointer  data)
{
  gboolean keep = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) images = make_images (3, 80);
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(DdOutbox) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;
  GListModel *history;

  if (f->fake == NULL)
    return;

  dd_outbox_set_keep_history_images (f->outbox, keep);
  /* the thumbnails held back: still owed when the batch is sent */
  dd_outbox_scheduler_set_max_thumbnails (f->outbox->scheduler, 0);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_true (dd_outbox_is_busy (f->outbox));   /* the bytes wait for the thumbnails */
  outbox_close (f->outbox);

  dirs = job_dirs (f);
  g_assert_cmpuint (dirs->len, ==, 3);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);

      g_assert_false (job_dir_has (dir, "thumbnail.png"));
      /* kept for the next outbox's thumbnail, or gone */
      g_assert_cmpint (job_dir_has (dir, "prepared"), ==, keep);
      g_assert_cmpint (job_dir_has (dir, "original"), ==, keep);
      g_assert_cmpint (json_owes_thumbnail (dir), ==, keep);
    }
  g_clear_object (&f->outbox);

  second = fixture_new_outbox (f);
  dd_outbox_set_keep_history_images (second, keep);
  g_assert_true (outbox_load (second, &error));
  g_assert_no_error (error);
  f->outbox = g_object_ref (second);
  history = dd_outbox_get_history (second);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  dd_outbox_start (second);
  if (keep)
    {
      /* made from the kept images, which stay */
      g_assert_true (wait_until (f, history_has_thumbnails, second, 10000));
      for (guint i = 0; i < dirs->len; i++)
        g_assert_true (job_dir_has (g_ptr_array_index (dirs, i), "original"));
    }
  else
    {
      /* nothing left to make them from, nothing to wait for */
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(DdJob) job = g_list_model_get_item (history, i);

          g_assert_null (dd_job_get_thumbnail_path (job));
          g_assert_null (dd_job_get_data_path (job));
        }
      g_assert_true (wait_until (f, outbox_idle, second, 10000));
    }
  outbox_close (second);
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
}

static guint64
inode_of (const char *job_dir,
          const char *file)
{
  g_autofree char *path = g_build_filename (job_dir, file, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

static gboolean
file_is (const char *path,
         GBytes     *expected)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return length == g_bytes_get_size (expected) &&
         memcmp (contents, g_bytes_get_data (expected, NULL), length) == 0;
}

static gboolean
prepared_is (const char *job_dir,
             GBytes     *expected)
{
  g_autofree char *path = g_build_filename (job_dir, "prepared", NULL);

  return file_is (path, expected);
}

/* An image that preparing leaves as it is gets no second copy: its
 * prepared file is the same file as the job's copy (a hard link); one
 * with something to take out gets a file of its own.  Both upload what
 * they should, and the kept copies stay whole once the prepared files
 * are dropped. */
static void
test_prepared_shares_bytes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) clean = make_png (64, 48, 3);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (clean);
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;
  char *buffer = NULL;
  gsize size = 0;
  guint linked = 0, apart = 0;

  if (f->fake == NULL)
    return;

  /* the same pixels with a comment in a tEXt chunk, which goes */
  pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error,
                                            "tEXt::Comment", "taken on a secret trip", NULL));
  g_assert_no_error (error);
  g_ptr_array_add (images, g_bytes_ref (clean));
  g_ptr_array_add (images, g_bytes_new_take (buffer, size));

  dd_outbox_set_keep_history_images (f->outbox, TRUE);
  /* held back, so the prepared files are still there to look at */
  dd_outbox_scheduler_set_max_thumbnails (f->outbox->scheduler, 0);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  dirs = job_dirs (f);
  g_assert_cmpuint (dirs->len, ==, 2);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);

      if (inode_of (dir, "prepared") == inode_of (dir, "original"))
        {
          linked++;
          g_assert_true (prepared_is (dir, clean));
        }
      else
        {
          /* the comment taken out: what is left is the clean PNG */
          apart++;
          g_assert_true (prepared_is (dir, clean));
          g_assert_false (prepared_is (dir, g_ptr_array_index (images, 1)));
        }
    }
  g_assert_cmpuint (linked, ==, 1);
  g_assert_cmpuint (apart, ==, 1);

  /* the thumbnails made, the prepared names go; the history's copies
   * are still the images added */
  dd_outbox_scheduler_set_max_thumbnails (f->outbox->scheduler, 2);
  g_assert_true (wait_until (f, outbox_idle, f->outbox, 10000));
  outbox_close (f->outbox);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);
      g_autofree char *path = g_build_filename (dir, "original", NULL);

      g_assert_false (job_dir_has (dir, "prepared"));
      g_assert_true (job_dir_has (dir, "thumbnail.png"));
      g_assert_true (file_is (path, g_ptr_array_index (images, 0)) ||
                     file_is (path, g_ptr_array_index (images, 1)));
    }
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 2);
}

/* An outbox that makes no thumbnails (`dingdrop send`): nothing waits
 * for one once the batch is sent.  Without kept images the bytes go at
 * once and the history has no thumbnail; with them each job owes its
 * thumbnail, which the next outbox (the window's) makes from the copy. */
static void
test_no_thumbnails (Fixture       *f,
                    gconstpointer  data)
{
  gboolean keep = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) images = make_images (3, 120);
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(DdOutbox) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;

  if (f->fake == NULL)
    return;

  dd_outbox_set_keep_history_images (f->outbox, keep);
  dd_outbox_set_make_thumbnails (f->outbox, FALSE);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  g_assert_cmpuint (dd_outbox_scheduler_get_n_thumbnails (f->outbox->scheduler), ==, 0);
  if (!keep)
    /* nothing waits: the bytes are let go of as each job is sent */
    g_assert_true (wait_until (f, outbox_idle, f->outbox, 10000));
  outbox_close (f->outbox);

  dirs = job_dirs (f);
  g_assert_cmpuint (dirs->len, ==, 3);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);

      g_assert_false (job_dir_has (dir, "thumbnail.png"));
      g_assert_cmpint (job_dir_has (dir, "original"), ==, keep);
      g_assert_cmpint (json_owes_thumbnail (dir), ==, keep);
    }
  g_clear_object (&f->outbox);

  /* the window's outbox, which makes thumbnails */
  second = fixture_new_outbox (f);
  dd_outbox_set_keep_history_images (second, keep);
  g_assert_true (outbox_load (second, &error));
  g_assert_no_error (error);
  f->outbox = g_object_ref (second);
  dd_outbox_start (second);
  if (keep)
    g_assert_true (wait_until (f, history_has_thumbnails, second, 10000));
  else
    g_assert_true (wait_until (f, outbox_idle, second, 10000));
  outbox_close (second);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);

      g_assert_cmpint (job_dir_has (dir, "thumbnail.png"), ==, keep);
      g_assert_cmpint (job_dir_has (dir, "original"), ==, keep);
      g_assert_false (job_dir_has (dir, "prepared"));
      g_assert_false (json_owes_thumbnail (dir));
    }
  g_assert_cmpuint (dd_fake_server_count_accepted_messages (f->fake), ==, 3);
}

/* A process that stopped between saving a job as sent (its bytes gone)
 * and dropping the bytes, which go on a queue of their own, leaves them
 * behind: the next outbox that reads the job drops them. */
static void
test_leftover_bytes_dropped (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) images = make_images (2, 160);
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(DdOutbox) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;

  if (f->fake == NULL)
    return;

  dd_outbox_set_make_thumbnails (f->outbox, FALSE);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));
  outbox_close (f->outbox);
  g_clear_object (&f->outbox);

  dirs = job_dirs (f);
  g_assert_cmpuint (dirs->len, ==, 2);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);
      g_autofree char *original = g_build_filename (dir, "original", NULL);
      g_autofree char *prepared = g_build_filename (dir, "prepared", NULL);

      g_assert_false (job_dir_has (dir, "original"));
      g_assert_false (json_owes_thumbnail (dir));
      /* as the stopped process left them */
      g_assert_true (g_file_set_contents (original, "the picture", -1, NULL));
      g_assert_true (g_file_set_contents (prepared, "the picture", -1, NULL));
    }

  second = fixture_new_outbox (f);
  g_assert_true (outbox_load (second, &error));
  g_assert_no_error (error);
  f->outbox = g_object_ref (second);
  g_assert_cmpuint (g_list_model_get_n_items (dd_outbox_get_history (second)), ==, 2);
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);

      g_assert_false (job_dir_has (dir, "original"));
      g_assert_false (job_dir_has (dir, "prepared"));
      g_assert_true (job_dir_has (dir, "job.json"));
    }
  outbox_close (second);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* A file's copy is made by the kernel, and is a copy: the same bytes in
 * a file of its own.  What that way cannot copy (bytes, a FIFO, a file
 * over the cap or empty, a destination already there) it leaves alone,
 * with nothing made, for the reading way and its errors. */
static void
test_source_copy_file (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("dd-copy-XXXXXX", NULL);
  g_autoptr(GBytes) png = make_png (300, 200, 70);
  g_autofree char *src = g_build_filename (tmp, "shot.png", NULL);
  g_autofree char *link = g_build_filename (tmp, "link.png", NULL);
  g_autofree char *fifo = g_build_filename (tmp, "pipe.png", NULL);
  g_autofree char *empty = g_build_filename (tmp, "empty.png", NULL);
  g_autofree char *dest = g_build_filename (tmp, "copy", NULL);
  g_autoptr(GFile) src_file = g_file_new_for_path (src);
  g_autoptr(GFile) link_file = g_file_new_for_path (link);
  g_autoptr(GFile) fifo_file = g_file_new_for_path (fifo);
  g_autoptr(GFile) empty_file = g_file_new_for_path (empty);
  g_autoptr(DdOutboxSource) from_file = dd_outbox_source_new_for_file (src_file, NULL);
  g_autoptr(DdOutboxSource) named = dd_outbox_source_new_for_file (src_file, "Screenshot 14:03");
  g_autoptr(DdOutboxSource) from_link = dd_outbox_source_new_for_file (link_file, NULL);
  g_autoptr(DdOutboxSource) from_fifo = dd_outbox_source_new_for_file (fifo_file, NULL);
  g_autoptr(DdOutboxSource) from_empty = dd_outbox_source_new_for_file (empty_file, NULL);
  g_autoptr(DdOutboxSource) from_bytes = dd_outbox_source_new_for_bytes (png, "pasted");
  gsize size = g_bytes_get_size (png);
  GStatBuf a, b;
  char *name = NULL;

  g_assert_true (g_file_set_contents (src, g_bytes_get_data (png, NULL), size, NULL));
  g_assert_cmpint (symlink (src, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  g_assert_true (dd_outbox_source_copy_file (from_file, dest, size, &name));
  g_assert_cmpstr (name, ==, "shot.png");
  g_clear_pointer (&name, g_free);
  {
    g_autoptr(GBytes) copy = read_bytes (dest);

    g_assert_true (g_bytes_equal (copy, png));
  }
  g_assert_cmpint (g_stat (src, &a), ==, 0);
  g_assert_cmpint (g_stat (dest, &b), ==, 0);
  g_assert_cmpuint (a.st_ino, !=, b.st_ino);
  g_assert_cmpuint (b.st_mode & 0777, ==, 0600);
  /* the original written over in place: the copy keeps what was given */
  g_assert_true (g_file_set_contents_full (src, "not the picture", -1, G_FILE_SET_CONTENTS_NONE, 0644, NULL));
  {
    g_autoptr(GBytes) copy = read_bytes (dest);

    g_assert_true (g_bytes_equal (copy, png));
  }
  g_assert_true (g_file_set_contents (src, g_bytes_get_data (png, NULL), size, NULL));

  /* a destination already there is not written over */
  g_assert_false (dd_outbox_source_copy_file (from_file, dest, size, &name));
  g_assert_null (name);
  {
    g_autoptr(GBytes) copy = read_bytes (dest);

    g_assert_true (g_bytes_equal (copy, png));
  }
  g_assert_cmpint (g_unlink (dest), ==, 0);

  /* the name given wins; a link is followed, and named as the link */
  g_assert_true (dd_outbox_source_copy_file (named, dest, size, &name));
  g_assert_cmpstr (name, ==, "Screenshot 14:03");
  g_clear_pointer (&name, g_free);
  g_assert_cmpint (g_unlink (dest), ==, 0);
  g_assert_true (dd_outbox_source_copy_file (from_link, dest, size, &name));
  g_assert_cmpstr (name, ==, "link.png");
  g_clear_pointer (&name, g_free);
  g_assert_cmpint (g_unlink (dest), ==, 0);

  /* one byte over the cap, a FIFO (not waited on), an empty file, bytes */
  g_assert_false (dd_outbox_source_copy_file (from_file, dest, size - 1, &name));
  g_assert_false (dd_outbox_source_copy_file (from_fifo, dest, size, &name));
  g_assert_false (dd_outbox_source_copy_file (from_empty, dest, size, &name));
  g_assert_false (dd_outbox_source_copy_file (from_bytes, dest, size, &name));
  g_assert_null (name);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  g_unlink (src);
  g_unlink (link);
  g_unlink (fifo);
  g_unlink (empty);
  g_rmdir (tmp);
}

/* Added to the outbox: a file's copy is its own (the original may change
 * or go), and a FIFO among the files fails alone, at once. */
static void
test_added_file_is_a_copy (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (320, 240, 71);
  g_autofree char *path = g_build_filename (f->tmp, "screen.png", NULL);
  g_autofree char *fifo = g_build_filename (f->tmp, "pipe.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) fifo_file = g_file_new_for_path (fifo);
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DdSendOptions options = { 0 };
  DdJob *copied, *piped;

  if (f->fake == NULL)
    return;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_ptr_array_add (sources, dd_outbox_source_new_for_file (file, NULL));
  g_ptr_array_add (sources, dd_outbox_source_new_for_file (fifo_file, NULL));

  dd_outbox_add_async (f->outbox, f->profile, sources, &options, NULL, store_result, &result);
  g_assert_true (wait_until (f, has_result, &result, 10000));
  jobs = dd_outbox_add_finish (f->outbox, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 2);
  copied = jobs->pdata[0];
  piped = jobs->pdata[1];

  g_assert_cmpstr (dd_job_get_display_name (copied), ==, "screen.png");
  g_assert_cmpint (dd_job_get_state (copied), ==, DD_JOB_WAITING);
  g_assert_true (g_file_set_contents (path, "changed", -1, NULL));
  {
    g_autoptr(GBytes) copy = read_bytes (dd_job_get_data_path (copied));

    g_assert_true (g_bytes_equal (copy, png));
  }
  g_assert_cmpstr (dd_job_get_display_name (piped), ==, "pipe.png");
  g_assert_cmpint (dd_job_get_state (piped), ==, DD_JOB_FAILED);
  g_assert_nonnull (dd_job_get_error_message (piped));
  g_assert_null (dd_job_get_data_path (piped));
  g_unlink (fifo);
}

/* The "max-megapixels" setting: an image with more pixels fails before it
 * is decoded, saying the limit; one within it goes. */
static void
test_max_megapixels (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *batch = NULL;
  DdJob *big, *small;

  if (f->fake == NULL)
    return;

  g_ptr_array_add (images, make_png (1200, 900, 72));   /* 1.08 MP */
  g_ptr_array_add (images, make_png (800, 600, 73));    /* 0.48 MP */
  dd_outbox_set_max_megapixels (f->outbox, 1);
  batch = add_batch (f, f->outbox, f->profile, images, NULL);
  jobs = dd_outbox_get_batch_jobs (f->outbox, batch);
  big = jobs->pdata[0];
  small = jobs->pdata[1];
  dd_outbox_start (f->outbox);
  g_assert_true (wait_until (f, batch_done, batch, 20000));

  g_assert_cmpint (dd_job_get_state (big), ==, DD_JOB_FAILED);
  g_assert_nonnull (strstr (dd_job_get_error_message (big), "1200 × 900"));
  g_assert_null (dd_job_get_media_id (big));
  g_assert_cmpint (dd_job_get_state (small), ==, DD_JOB_SENT);
  g_assert_cmpuint (dd_fake_server_get_uploads (f->fake)->len, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/outbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("order-and-concurrency", test_order_and_concurrency);
  ADD ("album", test_album);
  ADD ("big-album-split", test_big_album_split);
  ADD ("partial-failure", test_partial_failure);
  ADD ("media-cache", test_media_cache);
  ADD ("persistence", test_persistence);
  ADD ("two-outboxes", test_two_outboxes);
  ADD ("files-and-bytes", test_files_and_bytes);
  ADD ("owed-thumbnail", test_owed_thumbnail);
  g_test_add ("/outbox/close-forgoes-thumbnails", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_close_forgoes_thumbnails, fixture_tear_down);
  g_test_add ("/outbox/close-forgoes-thumbnails-kept", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_close_forgoes_thumbnails, fixture_tear_down);
  ADD ("removed-robot", test_removed_robot);
  ADD ("late-cancel", test_late_cancel);
  ADD ("estimate", test_estimate);
  ADD ("damaged", test_damaged);
  ADD ("removed-robot-frees-uploads", test_removed_robot_frees_uploads);
  ADD ("caption-once-across-restart", test_caption_once_across_restart);
  ADD ("close-waits-for-add", test_close_waits_for_add);
  ADD ("remove-frees", test_remove_frees);
  ADD ("prepared-shares-bytes", test_prepared_shares_bytes);
  ADD ("leftover-bytes-dropped", test_leftover_bytes_dropped);
  ADD ("added-file-is-a-copy", test_added_file_is_a_copy);
  ADD ("max-megapixels", test_max_megapixels);
  g_test_add_func ("/outbox/source-copy-file", test_source_copy_file);
  g_test_add ("/outbox/no-thumbnails", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_no_thumbnails, fixture_tear_down);
  g_test_add ("/outbox/no-thumbnails-kept", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_no_thumbnails, fixture_tear_down);

#undef ADD

  return g_test_run ();
}
