/* dd-outbox-add.c: a batch into the outbox: each image's bytes copied into
 * its job's folder, in a worker thread, before the add returns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-image.h"
#include "dd-outbox-private.h"

struct _DdOutboxSource {
  GFile  *file;
  GBytes *bytes;
  char   *display_name;
};

G_DEFINE_BOXED_TYPE (DdOutboxSource, dd_outbox_source, dd_outbox_source_copy, dd_outbox_source_free)

/**
 * dd_outbox_source_new_for_file:
 * @display_name: (nullable): the name to show; %NULL: the file's own
 */
DdOutboxSource *
dd_outbox_source_new_for_file (GFile      *file,
                               const char *display_name)
{
  DdOutboxSource *source;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  source = g_new0 (DdOutboxSource, 1);
  source->file = g_object_ref (file);
  source->display_name = g_strdup (display_name);
  return source;
}

/**
 * dd_outbox_source_new_for_bytes:
 * @display_name: (nullable): the name to show; %NULL: "Image"
 */
DdOutboxSource *
dd_outbox_source_new_for_bytes (GBytes     *bytes,
                                const char *display_name)
{
  DdOutboxSource *source;

  g_return_val_if_fail (bytes != NULL, NULL);

  source = g_new0 (DdOutboxSource, 1);
  source->bytes = g_bytes_ref (bytes);
  source->display_name = g_strdup (display_name);
  return source;
}

DdOutboxSource *
dd_outbox_source_copy (const DdOutboxSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);

  return source->file
    ? dd_outbox_source_new_for_file (source->file, source->display_name)
    : dd_outbox_source_new_for_bytes (source->bytes, source->display_name);
}

void
dd_outbox_source_free (DdOutboxSource *source)
{
  if (source == NULL)
    return;

  g_clear_object (&source->file);
  g_clear_pointer (&source->bytes, g_bytes_unref);
  g_free (source->display_name);
  g_free (source);
}

typedef struct {
  char          *directory;
  char          *batch_id;
  char          *profile_id;
  GPtrArray     *sources;    /* DdOutboxSource */
  char          *title;
  char          *caption;
  GStrv          at_mobiles;
  GStrv          at_user_ids;
  gboolean       at_all;
  gboolean       album;
  guint64        cap;
  gint64         created_at;
  GPtrArray     *jobs;       /* the result */
} AddData;

static void
add_data_free (AddData *data)
{
  g_free (data->directory);
  g_free (data->batch_id);
  g_free (data->profile_id);
  g_clear_pointer (&data->sources, g_ptr_array_unref);
  g_free (data->title);
  g_free (data->caption);
  g_strfreev (data->at_mobiles);
  g_strfreev (data->at_user_ids);
  g_clear_pointer (&data->jobs, g_ptr_array_unref);
  g_free (data);
}

static void
add_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AddData *data = task_data;
  DdSendOptions options = {
    .title = data->title,
    .caption = data->caption,
    .at_mobiles = (const char * const *) data->at_mobiles,
    .at_user_ids = (const char * const *) data->at_user_ids,
    .at_all = data->at_all,
    .album = data->album,
  };

  data->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < data->sources->len; i++)
    {
      DdOutboxSource *source = g_ptr_array_index (data->sources, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) read_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      DdJob *job;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          for (guint j = 0; j < data->jobs->len; j++)
            dd_outbox_store_delete_job (g_ptr_array_index (data->jobs, j));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (source->file != NULL)
        bytes = dd_image_read_file (source->file, data->cap, &name, cancellable, &read_error);
      else
        bytes = g_bytes_ref (source->bytes);

      if (source->display_name != NULL && *source->display_name != '\0')
        {
          g_free (name);
          name = g_strdup (source->display_name);
        }
      if (name == NULL && source->file != NULL)
        name = g_file_get_basename (source->file);
      if (name == NULL)
        name = g_strdup (_("Image"));

      job = dd_outbox_store_create_job (data->directory, data->batch_id, i, data->profile_id,
                                        name, bytes, read_error, &options,
                                        data->created_at, &error);
      if (job == NULL)
        {
          /* the batch goes in whole or not at all */
          for (guint j = 0; j < data->jobs->len; j++)
            dd_outbox_store_delete_job (g_ptr_array_index (data->jobs, j));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (data->jobs, job);
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dd_outbox_add_async:
 * @profile: the robot
 * @sources: (element-type DdOutboxSource): the images, in order
 * @options: copied
 *
 * Adds a batch, one job per source, each holding its own copy of the bytes
 * (read in a worker thread) before this returns.  A file that cannot be
 * read still gets a job, failed with the reason.  The jobs are this
 * process's; dd_outbox_start() sends them.
 */
void
dd_outbox_add_async (DdOutbox            *self,
                     DdProfile           *profile,
                     GPtrArray           *sources,
                     const DdSendOptions *options,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddData *data;
  guint64 max_bytes;

  g_return_if_fail (DD_IS_OUTBOX (self));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (sources != NULL && sources->len > 0);
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_add_async);

  data = g_new0 (AddData, 1);
  data->directory = g_strdup (self->directory);
  data->batch_id = g_uuid_string_random ();
  data->profile_id = g_strdup (dd_profile_get_id (profile));
  data->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  data->title = g_strdup (options->title);
  data->caption = g_strdup (options->caption);
  data->at_mobiles = g_strdupv ((GStrv) options->at_mobiles);
  data->at_user_ids = g_strdupv ((GStrv) options->at_user_ids);
  data->at_all = options->at_all;
  data->album = options->album;
  data->created_at = dd_outbox_now (self);
  max_bytes = dd_profile_get_max_image_bytes (profile);
  data->cap = MIN (MAX (G_GUINT64_CONSTANT (200) * 1024 * 1024, MIN (max_bytes, G_MAXUINT64 / 10) * 10),
                   G_MAXUINT - 1);

  for (guint i = 0; i < sources->len; i++)
    g_ptr_array_add (data->sources, dd_outbox_source_copy (g_ptr_array_index (sources, i)));
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  g_task_run_in_thread (task, add_thread);
}

/**
 * dd_outbox_add_finish:
 *
 * Returns: (transfer full): the batch id, or %NULL with @error set (the
 *   outbox folder could not be written; no job was added then)
 */
char *
dd_outbox_add_finish (DdOutbox      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  AddData *data;

  g_return_val_if_fail (DD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  for (guint i = 0; i < data->jobs->len; i++)
    dd_outbox_insert_job (self, g_ptr_array_index (data->jobs, i));
  for (guint i = 0; i < data->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (data->jobs, i);

      if (job->state == DD_JOB_FAILED)
        dd_outbox_job_finished (self, job);
    }
  dd_outbox_pump (self);

  return g_strdup (data->batch_id);
}
