/* outbox-fixture.c: what the outbox tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "dd-secrets.h"
#include "outbox-fixture.h"

static gint64
test_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Adds @profile (its servers the fake's, the internal app's AppKey and
 * AppSecret) to the store, and its secrets to the keyring. */
static DdProfile *
store_profile (Fixture   *f,
               DdProfile *profile)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dd_profile_set_oapi_base (profile, dd_fake_server_get_base_url (f->fake));
  dd_profile_set_api_base (profile, dd_fake_server_get_base_url (f->fake));
  dd_profile_set_app_key (profile, APP_KEY);
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_assert_true (dd_profile_store_add (f->store, profile, &error));
  g_assert_no_error (error);

  /* the outbox reads them from the keyring, as the app does */
  dd_secrets_store_async (profile, NULL, store_result, &result);
  g_assert_true (dd_secrets_store_finish (wait_for (&result), &error));
  g_assert_no_error (error);

  return profile;  /* the store holds it */
}

DdProfile *
fixture_add_profile (Fixture    *f,
                     const char *name,
                     const char *token,
                     const char *secret)
{
  g_autoptr(DdProfile) profile = dd_profile_new (name);
  g_autofree char *webhook = g_strdup_printf ("%s/robot/send?access_token=%s",
                                              dd_fake_server_get_base_url (f->fake), token);
  g_autoptr(GError) error = NULL;

  dd_profile_set_oapi_base (profile, dd_fake_server_get_base_url (f->fake));
  g_assert_true (dd_profile_set_webhook (profile, webhook, &error));
  g_assert_no_error (error);
  dd_profile_set_secret (profile, secret);

  return store_profile (f, profile);
}

/* An app robot: no webhook, the robot code and the group's id. */
DdProfile *
fixture_add_app_profile (Fixture    *f,
                         const char *robot_code,
                         const char *conversation_id)
{
  g_autoptr(DdProfile) profile = dd_profile_new (robot_code);

  dd_profile_set_robot_code (profile, robot_code);
  dd_profile_set_conversation_id (profile, conversation_id);

  return store_profile (f, profile);
}

static void
job_state_cb (DdJob      *job,
              GParamSpec *pspec,
              Fixture    *f)
{
  gboolean uploading = dd_job_get_state (job) == DD_JOB_UPLOADING;

  if (uploading && !GPOINTER_TO_INT (g_object_get_data (G_OBJECT (job), "uploading")))
    f->n_uploading++;
  else if (!uploading && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (job), "uploading")))
    f->n_uploading--;
  g_object_set_data (G_OBJECT (job), "uploading", GINT_TO_POINTER (uploading));
  f->max_uploading = MAX (f->max_uploading, f->n_uploading);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (model, i);

      if (g_object_get_data (G_OBJECT (job), "watched") == NULL)
        {
          g_object_set_data (G_OBJECT (job), "watched", GINT_TO_POINTER (1));
          g_signal_connect (job, "notify::state", G_CALLBACK (job_state_cb), f);
        }
    }
}

DdOutbox *
fixture_new_outbox (Fixture *f)
{
  DdOutbox *outbox = dd_outbox_new (f->dir, f->client, f->store);

  dd_outbox_set_clock (outbox, test_clock, f);
  g_signal_connect (outbox, "items-changed", G_CALLBACK (items_changed_cb), f);
  return outbox;
}

void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *config = NULL;

  if (g_getenv ("DD_TEST_SECRETS_BACKEND") == NULL)
    {
      g_test_skip ("needs a keyring: run under tests/keyring/run-with-keyring.sh");
      return;
    }

  f->fake = dd_fake_server_new ();
  dd_fake_server_add_app (f->fake, APP_KEY, APP_SECRET);
  dd_fake_server_add_robot (f->fake, TOKEN, SECRET, NULL);
  dd_fake_server_add_robot (f->fake, TOKEN2, NULL, NULL);
  f->client = dd_client_new ();
  dd_client_set_timeout (f->client, 5);

  f->tmp = g_dir_make_tmp ("dd-outbox-XXXXXX", NULL);
  g_assert_nonnull (f->tmp);
  config = g_build_filename (f->tmp, "config", NULL);
  f->dir = g_build_filename (f->tmp, "outbox", NULL);
  f->store = dd_profile_store_new (config);
  f->profile = fixture_add_profile (f, "Team", TOKEN, SECRET);
  f->now = g_get_real_time ();
  f->outbox = fixture_new_outbox (f);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->fake == NULL)
    return;
  if (f->outbox != NULL)
    outbox_close (f->outbox);
  g_clear_object (&f->outbox);
  g_clear_object (&f->store);
  g_clear_object (&f->client);
  g_clear_object (&f->fake);
  remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->dir);
}

GBytes *
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
        p[2] = ((x ^ y) + seed * 5) & 0xff;
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

/* @n distinct PNGs, as GBytes */
GPtrArray *
make_images (guint n,
             guint first_seed)
{
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (images, make_png (64 + i, 48, first_seed + i));
  return images;
}

/* Adds @images (GBytes) as "shot-00.png", "shot-01.png", … (or at length) */
char *
add_batch (Fixture             *f,
           DdOutbox            *outbox,
           DdProfile           *profile,
           GPtrArray           *images,
           const DdSendOptions *options)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  DdSendOptions none = { 0 };

  for (guint i = 0; i < images->len; i++)
    {
      g_autofree char *name = f->long_names
        ? g_strdup_printf ("一张很长很长的截图文件名称-screenshot-from-2026-11-28-%03u.png", i)
        : g_strdup_printf ("shot-%02u.png", i);
      g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (g_ptr_array_index (images, i), name));
    }

  dd_outbox_add_async (outbox, profile, sources,
                       options ? options : &none, NULL, store_result, &result);
  jobs = dd_outbox_add_finish (outbox, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, images->len);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpstr (dd_job_get_batch_id (g_ptr_array_index (jobs, i)), ==,
                     dd_job_get_batch_id (g_ptr_array_index (jobs, 0)));
  return g_strdup (dd_job_get_batch_id (g_ptr_array_index (jobs, 0)));
}

/* The outbox's async calls, waited for. */
gboolean
outbox_load (DdOutbox  *outbox,
             GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_load_async (outbox, NULL, store_result, &result);
  return dd_outbox_load_finish (outbox, wait_for (&result), error);
}

gboolean
outbox_retry (DdOutbox   *outbox,
              DdJob      *job,
              DdProfile  *profile,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_retry_async (outbox, job, profile, NULL, store_result, &result);
  return dd_outbox_retry_finish (outbox, wait_for (&result), error);
}

gboolean
outbox_remove (DdOutbox  *outbox,
               DdJob     *job,
               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_remove_async (outbox, job, NULL, store_result, &result);
  return dd_outbox_remove_finish (outbox, wait_for (&result), error);
}

guint
outbox_clear (DdOutbox           *outbox,
              DdOutboxClearFlags  flags)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_clear_async (outbox, flags, NULL, store_result, &result);
  return dd_outbox_clear_finish (outbox, wait_for (&result), NULL);
}

/* Stops @outbox and waits until what it wrote is on disk. */
void
outbox_close (DdOutbox *outbox)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_close_async (outbox, store_result, &result);
  g_assert_true (dd_outbox_close_finish (outbox, wait_for (&result)));
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @condition holds; FALSE on timeout (real
 * time: the outbox's own clock is the test's). */
gboolean
wait_until (Fixture   *f,
            Condition  condition,
            gpointer   data,
            guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000);
  guint id = g_timeout_add (20, wake, NULL);
  gboolean ok;

  while (!(ok = condition (f, data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

gboolean
batch_done (Fixture  *f,
            gpointer  batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (f->outbox, batch_id);

  for (guint i = 0; i < jobs->len; i++)
    if (!dd_job_is_finished (g_ptr_array_index (jobs, i)))
      return FALSE;
  return jobs->len > 0;
}

/* batch_done(), moving the clock to the next retry whenever a job waits
 * for one. */
gboolean
done_skipping_backoff (Fixture  *f,
                       gpointer  batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (f->outbox, batch_id);

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (!dd_job_is_finished (job) && dd_job_get_retry_at (job) > f->now)
        f->now = dd_job_get_retry_at (job);
    }
  return batch_done (f, batch_id);
}

const char *
message_text (DdFakeMessage *message)
{
  JsonObject *root = json_node_get_object (message->body);

  return json_object_get_string_member (json_object_get_object_member (root, "markdown"), "text");
}

guint
count_jobs_in_state (DdOutbox   *outbox,
                     DdJobState  state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (outbox)); i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (outbox), i);
      n += dd_job_get_state (job) == state;
    }
  return n;
}
