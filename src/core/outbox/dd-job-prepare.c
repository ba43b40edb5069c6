/* dd-job-prepare.c: a job's image made ready for DingTalk, in a worker
 * thread: dd_image_prepare_bytes() with the robot's size limit and
 * metadata choice, the result written next to the job, its SHA-256 for
 * the media cache; the prepared bytes read back for the upload, checked
 * against that SHA-256; and, apart from both and after them, a small PNG
 * thumbnail for the history (decoding a PNG costs 50–80 ms of CPU: more
 * than its upload on a fast network, so the upload does not wait for it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "dd-error.h"
#include "dd-io-queue.h"
#include "dd-job-prepare.h"

typedef struct {
  char           *original;
  char           *prepared;
  char           *thumbnail;
  char           *display_name;
  char           *sha256;
  guint           width;     /* the thumbnail's source, if known */
  guint           height;
  gboolean        verify;    /* read_thread: check the SHA-256 */
  guint64         size;
  DdImageOptions  options;
} PrepareData;

static void
prepare_data_free (PrepareData *data)
{
  g_free (data->original);
  g_free (data->prepared);
  g_free (data->thumbnail);
  g_free (data->display_name);
  g_free (data->sha256);
  g_free (data);
}

void
dd_job_prepared_free (DdJobPrepared *prepared)
{
  if (prepared == NULL)
    return;
  g_free (prepared->filename);
  g_free (prepared->mime_type);
  g_free (prepared->sha256);
  g_free (prepared);
}

/* TRUE if preparing left the image as it was (a PNG or JPEG with nothing
 * to take out and small enough): the bytes given back are the ones read. */
static gboolean
same_bytes (GBytes *prepared,
            GBytes *original)
{
  return g_bytes_get_size (prepared) == g_bytes_get_size (original) &&
         g_bytes_get_data (prepared, NULL) == g_bytes_get_data (original, NULL);
}

/* The prepared file as a second name of the job's copy, where the two
 * would be the same bytes: half a batch's writing, and dropping the
 * bytes once sent frees one file's blocks, not two.  Neither name is
 * ever written in place (a new version is written beside and renamed
 * over), so the other one cannot change under it.  FALSE where the
 * folder's file system has no hard links: then the bytes are written. */
static gboolean
link_original (PrepareData *data)
{
  if (g_unlink (data->prepared) != 0 && errno != ENOENT)
    return FALSE;
  return link (data->original, data->prepared) == 0;
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PrepareData *data = task_data;
  g_autoptr(DdPreparedImage) image = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GError) error = NULL;
  DdJobPrepared *prepared;
  GBytes *bytes;

  mapped = data->original ? g_mapped_file_new (data->original, FALSE, NULL) : NULL;
  if (mapped == NULL)
    {
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                               _("DingDrop’s copy of “%s” is gone; add the image again."),
                               data->display_name);
      return;
    }
  original = g_mapped_file_get_bytes (mapped);

  image = dd_image_prepare_bytes (original, data->display_name, &data->options, cancellable, &error);
  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not fsynced: the job.json that says "prepared" carries its SHA-256,
   * and a prepared file that does not match it is prepared again. */
  bytes = dd_prepared_image_get_data (image);
  if ((!same_bytes (bytes, original) || !link_original (data)) &&
      !dd_io_write_file (data->prepared, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                         FALSE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  prepared = g_new0 (DdJobPrepared, 1);
  prepared->filename = g_strdup (dd_prepared_image_get_filename (image));
  prepared->mime_type = g_strdup (dd_prepared_image_get_mime_type (image));
  prepared->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  prepared->size = g_bytes_get_size (bytes);
  prepared->width = dd_prepared_image_get_width (image);
  prepared->height = dd_prepared_image_get_height (image);
  g_task_return_pointer (task, prepared, (GDestroyNotify) dd_job_prepared_free);
}

static PrepareData *
prepare_data_new (DdJob *job)
{
  PrepareData *data = g_new0 (PrepareData, 1);

  data->original = g_strdup (job->data_path);
  data->prepared = dd_job_path (job, DD_JOB_PREPARED);
  data->thumbnail = dd_job_path (job, DD_JOB_THUMBNAIL);
  data->display_name = g_strdup (job->display_name);
  data->sha256 = g_strdup (job->sha256);
  return data;
}

/**
 * dd_job_prepare_async:
 * @options: the robot's limits and metadata choice
 *
 * Makes the job's "prepared" file from its copy of the image.  What the job needs is copied here: the job itself is not
 * touched off the main thread.
 */
void
dd_job_prepare_async (DdJob                *job,
                      const DdImageOptions *options,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  PrepareData *data;

  g_return_if_fail (DD_IS_JOB (job));
  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_job_prepare_async);
  data = prepare_data_new (job);
  data->options = *options;
  g_task_set_task_data (task, data, (GDestroyNotify) prepare_data_free);
  g_task_run_in_thread (task, prepare_thread);
}

/**
 * dd_job_prepare_finish:
 *
 * Returns: (transfer full): what the prepared image is, or %NULL
 */
DdJobPrepared *
dd_job_prepare_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PrepareData *data = task_data;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (data->prepared, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sha256 = NULL;

  if (mapped != NULL)
    {
      bytes = g_mapped_file_get_bytes (mapped);
      /* SHA-256 is a third of the CPU a batch of screenshots costs: not
       * again for a file this process wrote itself a moment ago */
      if (data->verify)
        sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      else if (g_bytes_get_size (bytes) == data->size)
        sha256 = g_strdup (data->sha256);
    }
  if (bytes == NULL || g_strcmp0 (sha256, data->sha256) != 0)
    {
      /* lost or cut short (a crash before it reached the disk) */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The prepared copy of “%s” is gone", data->display_name);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

/**
 * dd_job_read_prepared_async:
 * @verify: %FALSE if this process prepared the job itself (the size is
 *   checked then, not the SHA-256)
 *
 * Maps the job's prepared file, if it is whole (its SHA-256 is the
 * job's).
 */
void
dd_job_read_prepared_async (DdJob               *job,
                            gboolean             verify,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PrepareData *data;

  g_return_if_fail (DD_IS_JOB (job));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_job_read_prepared_async);
  data = prepare_data_new (job);
  data->verify = verify;
  data->size = job->bytes_total;
  g_task_set_task_data (task, data, (GDestroyNotify) prepare_data_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * dd_job_read_prepared_finish:
 *
 * Returns: (transfer full): the bytes to upload, or %NULL with
 *   %G_IO_ERROR_NOT_FOUND if the job must be prepared again
 */
GBytes *
dd_job_read_prepared_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the thumbnail ---------------------------------------------------------- */

/* Thumbnails have threads of their own (DD_JOB_THUMBNAIL_THREADS), below
 * the uploads, the sends and the window in the CPU's queue: on a busy
 * machine a thumbnail must not delay what the user waits for.  On Linux a
 * nice value is a thread's own, and these threads are never lent to
 * other work (an exclusive pool): once lowered, they stay lowered. */
static void
lower_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int before;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
  errno = 0;
  before = getpriority (PRIO_PROCESS, tid);
  if (errno == 0)
    (void) setpriority (PRIO_PROCESS, tid, MIN (before + 10, 19));
#endif
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PrepareData *data = task_data;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  gsize len = 0;
  /* a small image is not blown up */
  int w = data->width > 0 ? MIN (data->width, DD_JOB_THUMBNAIL_SIZE) : DD_JOB_THUMBNAIL_SIZE;
  int h = data->height > 0 ? MIN (data->height, DD_JOB_THUMBNAIL_SIZE) : DD_JOB_THUMBNAIL_SIZE;
  gboolean made = FALSE;

  /* the prepared file is what was sent: upright, maybe smaller */
  mapped = g_mapped_file_new (data->prepared, FALSE, &error);
  if (mapped == NULL && data->original != NULL)
    {
      g_clear_error (&error);
      mapped = g_mapped_file_new (data->original, FALSE, &error);
    }
  if (mapped != NULL && !g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      bytes = g_mapped_file_get_bytes (mapped);
      /* through the core's one guarded reader, decoded at the thumbnail's
       * size where the format allows (a JPEG by its DCT, at 1/2, 1/4 or
       * 1/8), never larger than the image */
      pixbuf = dd_image_thumbnail_bytes (bytes, MAX (w, h), 0, NULL, NULL, cancellable, &error);
      made = pixbuf != NULL &&
             gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", &error, "compression", "3", NULL) &&
             dd_io_write_file (data->thumbnail, png, len, FALSE, &error);
    }
  if (!made)
    g_debug ("No thumbnail for “%s”: %s", data->display_name, error ? error->message : "?");
  g_task_return_boolean (task, made);
}

static void
thumbnail_pool_func (gpointer data,
                     gpointer user_data)
{
  g_autoptr(GTask) task = data;

  lower_priority ();
  thumbnail_thread (task, NULL, g_task_get_task_data (task), g_task_get_cancellable (task));
}

static GThreadPool *
thumbnail_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (thumbnail_pool_func, NULL,
                                                 DD_JOB_THUMBNAIL_THREADS, TRUE, NULL));
  return pool;
}

/**
 * dd_job_make_thumbnail_async:
 *
 * Makes the job's thumbnail (at most %DD_JOB_THUMBNAIL_SIZE on each side)
 * from its prepared file, or from its copy of the image, in a thread of
 * its own that runs below the others.
 */
void
dd_job_make_thumbnail_async (DdJob               *job,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PrepareData *data;

  g_return_if_fail (DD_IS_JOB (job));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_job_make_thumbnail_async);
  data = prepare_data_new (job);
  data->width = job->width;
  data->height = job->height;
  g_task_set_task_data (task, data, (GDestroyNotify) prepare_data_free);
  g_thread_pool_push (thumbnail_pool (), g_steal_pointer (&task), NULL);
}

/**
 * dd_job_make_thumbnail_finish:
 *
 * Returns: %TRUE if the thumbnail was made, %FALSE if the image would not
 *   scale or its bytes are gone
 */
gboolean
dd_job_make_thumbnail_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}
