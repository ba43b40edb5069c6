/* dd-job-prepare.c: a job's image made ready for DingTalk, in a worker
 * thread: dd_image_prepare_bytes() with the robot's size limit and
 * metadata choice, the result written next to the job, its SHA-256 for
 * the media cache, and a small PNG thumbnail for the history; and the
 * prepared bytes read back for the upload, checked against that SHA-256
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-io-queue.h"
#include "dd-job-prepare.h"

typedef struct {
  char           *original;
  char           *prepared;
  char           *thumbnail;
  char           *display_name;
  char           *sha256;
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

/* A small PNG for the history, made through the same guarded reader as
 * the window's thumbnails; none if the image will not scale. */
static gboolean
make_thumbnail (GBytes     *data,
                guint       width,
                guint       height,
                const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *png = NULL;
  gsize len = 0;

  if (width == 0 || height == 0)
    return FALSE;
  pixbuf = dd_image_thumbnail_bytes (data, DD_JOB_THUMBNAIL_SIZE, 0, NULL, NULL, NULL, NULL);
  return pixbuf != NULL &&
         gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", NULL, NULL) &&
         dd_io_write_file (path, png, len, FALSE, NULL);
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
  if (!dd_io_write_file (data->prepared, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
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
  prepared->thumbnail = make_thumbnail (bytes, prepared->width, prepared->height, data->thumbnail);
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
 * Makes the job's "prepared" file and thumbnail from its copy of the
 * image.  What the job needs is copied here: the job itself is not
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
      sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
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
 *
 * Maps the job's prepared file, if it is whole (its SHA-256 is the
 * job's).
 */
void
dd_job_read_prepared_async (DdJob               *job,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DD_IS_JOB (job));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_job_read_prepared_async);
  g_task_set_task_data (task, prepare_data_new (job), (GDestroyNotify) prepare_data_free);
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
