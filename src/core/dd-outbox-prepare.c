/* dd-outbox-prepare.c: a job's image made ready for DingTalk, in a worker
 * thread: dd_image_prepare_bytes() with the robot's size limit and
 * metadata choice, the result written next to the job, its SHA-256 for
 * the media cache, and a small PNG thumbnail for the history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-image.h"
#include "dd-outbox-private.h"

typedef struct {
  char           *original;
  char           *prepared;
  char           *thumbnail;
  char           *display_name;
  DdImageOptions  options;
} PrepareData;

typedef struct {
  char    *filename;
  char    *mime_type;
  char    *sha256;
  guint64  size;
  guint    width;
  guint    height;
  gboolean thumbnail;
} Prepared;

static void
prepare_data_free (PrepareData *data)
{
  g_free (data->original);
  g_free (data->prepared);
  g_free (data->thumbnail);
  g_free (data->display_name);
  g_free (data);
}

static void
prepared_free (Prepared *prepared)
{
  g_free (prepared->filename);
  g_free (prepared->mime_type);
  g_free (prepared->sha256);
  g_free (prepared);
}

/* A small PNG for the history; none if the image will not scale. */
static gboolean
make_thumbnail (GBytes     *data,
                guint       width,
                guint       height,
                const char *path)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *png = NULL;
  gsize len = 0;
  int w = MIN (width, DD_OUTBOX_THUMBNAIL_SIZE);
  int h = MIN (height, DD_OUTBOX_THUMBNAIL_SIZE);

  if (width == 0 || height == 0)
    return FALSE;
  pixbuf = gdk_pixbuf_new_from_stream_at_scale (stream, w, h, TRUE, NULL, NULL);
  return pixbuf != NULL &&
         gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", NULL, NULL) &&
         g_file_set_contents_full (path, png, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
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
  Prepared *prepared;
  GBytes *bytes;

  mapped = g_mapped_file_new (data->original, FALSE, NULL);
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

  bytes = dd_prepared_image_get_data (image);
  if (!g_file_set_contents_full (data->prepared, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  prepared = g_new0 (Prepared, 1);
  prepared->filename = g_strdup (dd_prepared_image_get_filename (image));
  prepared->mime_type = g_strdup (dd_prepared_image_get_mime_type (image));
  prepared->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  prepared->size = g_bytes_get_size (bytes);
  prepared->width = dd_prepared_image_get_width (image);
  prepared->height = dd_prepared_image_get_height (image);
  prepared->thumbnail = make_thumbnail (bytes, prepared->width, prepared->height, data->thumbnail);
  g_task_return_pointer (task, prepared, (GDestroyNotify) prepared_free);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DdOutbox *self = DD_OUTBOX (source);
  g_autoptr(DdJob) job = user_data;
  g_autoptr(GError) error = NULL;
  Prepared *prepared;

  self->n_preparing--;
  job->busy = FALSE;
  prepared = g_task_propagate_pointer (G_TASK (result), &error);
  if (!dd_outbox_has_job (self, job))
    {
      g_clear_pointer (&prepared, prepared_free);
      return;
    }

  if (prepared == NULL)
    dd_outbox_handle_error (self, job, error);
  else
    {
      g_autofree char *thumbnail = prepared->thumbnail ? dd_job_path (job, DD_JOB_THUMBNAIL) : NULL;

      g_object_freeze_notify (G_OBJECT (job));
      dd_job_set_prepared (job, prepared->size, prepared->width, prepared->height,
                           prepared->mime_type, prepared->filename, prepared->sha256, thumbnail);
      dd_job_set_state (job, DD_JOB_WAITING);
      g_object_thaw_notify (G_OBJECT (job));
      dd_outbox_save_job (self, job);
      prepared_free (prepared);
    }

  dd_outbox_pump (self);
}

void
dd_outbox_start_prepare (DdOutbox      *self,
               DdOutboxRobot *robot,
               DdJob         *job)
{
  g_autoptr(GTask) task = NULL;
  PrepareData *data = g_new0 (PrepareData, 1);

  data->original = g_strdup (job->data_path);
  data->prepared = dd_job_path (job, DD_JOB_PREPARED);
  data->thumbnail = dd_job_path (job, DD_JOB_THUMBNAIL);
  data->display_name = g_strdup (job->display_name);
  dd_image_options_init_default (&data->options);
  data->options.max_bytes = dd_profile_get_max_image_bytes (robot->profile);
  data->options.keep_metadata = dd_profile_get_keep_metadata (robot->profile);

  job->busy = TRUE;
  self->n_preparing++;
  dd_job_set_state (job, DD_JOB_PREPARING);
  dd_outbox_save_job (self, job);

  task = g_task_new (self, self->cancellable, prepared_cb, g_object_ref (job));
  g_task_set_source_tag (task, dd_outbox_start_prepare);
  g_task_set_task_data (task, data, (GDestroyNotify) prepare_data_free);
  g_task_run_in_thread (task, prepare_thread);
}
