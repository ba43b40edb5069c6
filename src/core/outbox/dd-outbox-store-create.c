/* dd-outbox-store-create.c: new jobs into the outbox's folder, whole or
 * not at all, each with its own copy of the image, in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* syncfs() */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-outbox-store-private.h"

static char *
random_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new (NULL);

  for (const char *p = uuid; *p != '\0' && id->len < 12; p++)
    if (*p != '-')
      g_string_append_c (id, *p);

  return g_string_free (id, FALSE);
}

/**
 * dd_outbox_store_new_job:
 *
 * Returns: (transfer full): a job with a fresh id and its folder's path,
 *   not on disk yet: fill it in, then dd_outbox_store_create_async()
 */
DdJob *
dd_outbox_store_new_job (DdOutboxStore *self)
{
  g_autofree char *id = NULL;
  g_autofree char *dir = NULL;
  DdJob *job;

  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);

  id = random_id ();
  dir = g_build_filename (self->jobs_dir, id, NULL);
  job = dd_job_new (id, dir);
  job->msg_uuid = g_uuid_string_random ();
  return job;
}

typedef struct {
  GPtrArray *jobs;      /* DdJob, not seen by anybody else yet */
  GPtrArray *sources;   /* DdOutboxSource */
  guint64    cap;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_ptr_array_unref (data->jobs);
  g_ptr_array_unref (data->sources);
  g_free (data);
}

/* Makes @job's hidden folder with its copy of the bytes and its job.json,
 * not fsynced yet, and locks it. */
static gboolean
make_hidden (DdOutboxStore         *self,
             DdJob                 *job,
             const DdOutboxSource  *source,
             guint64                cap,
             const char            *tmp,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(GError) read_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  int fd;

  if (g_mkdir (tmp, 0700) != 0)
    return _dd_outbox_store_set_errno_error (error, errno, tmp);
  fd = _dd_outbox_store_lock_in (tmp);
  if (fd < 0)
    return _dd_outbox_store_set_errno_error (error, errno, tmp);
  job->lock_fd = fd;

  path = _dd_outbox_store_job_path (tmp, DD_JOB_ORIGINAL);
  /* a file, copied by the kernel; else read, and written from here */
  if (dd_outbox_source_copy_file (source, path, cap, &name))
    {
      if (job->display_name == NULL)
        job->display_name = g_steal_pointer (&name);
      job->data_path = _dd_outbox_store_job_path (job->dir, DD_JOB_ORIGINAL);
      json = _dd_outbox_store_job_to_json (job);
      return _dd_outbox_store_write_json (self, tmp, json, FALSE, error);
    }

  bytes = dd_outbox_source_read (source, cap, &name, cancellable, &read_error);
  if (job->display_name == NULL)
    job->display_name = g_steal_pointer (&name);

  if (bytes != NULL)
    {
      if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     G_FILE_SET_CONTENTS_NONE, 0600, error))
        return FALSE;
      job->data_path = _dd_outbox_store_job_path (job->dir, DD_JOB_ORIGINAL);
    }
  else if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  else
    {
      /* still a job, failed with the reason: the user sees which file */
      job->state = DD_JOB_FAILED;
      job->error_message = g_strdup (read_error->message);
      job->errcode = dd_error_get_errcode (read_error);
    }

  json = _dd_outbox_store_job_to_json (job);
  return _dd_outbox_store_write_json (self, tmp, json, FALSE, error);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  CreateData *data = task_data;
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func (g_free);   /* hidden folders */
  g_autoptr(GError) error = NULL;
  int dir_fd;

  ASSERT_WORKER (self);

  if (g_mkdir_with_parents (self->jobs_dir, 0700) != 0)
    {
      _dd_outbox_store_set_errno_error (&error, errno, self->jobs_dir);
      goto failed;
    }

  for (guint i = 0; i < data->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (data->jobs, i);
      char *tmp = g_strconcat (self->jobs_dir, G_DIR_SEPARATOR_S NEW_PREFIX, job->id, NULL);

      g_ptr_array_add (made, tmp);
      if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
          !make_hidden (self, job, g_ptr_array_index (data->sources, i), data->cap, tmp,
                        cancellable, &error))
        goto failed;
    }

  /* One flush for the whole batch, then every folder into place: a job
   * is either whole on disk or not there at all. */
  dir_fd = open (self->jobs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || syncfs (dir_fd) != 0)
    {
      if (dir_fd >= 0)
        close (dir_fd);
      _dd_outbox_store_set_errno_error (&error, errno, self->jobs_dir);
      goto failed;
    }

  for (guint i = 0; i < data->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (data->jobs, i);

      if (g_rename (g_ptr_array_index (made, i), job->dir) != 0)
        {
          int saved = errno;

          /* back out what was renamed already */
          for (guint j = 0; j < i; j++)
            _dd_outbox_store_delete_folder (((DdJob *) g_ptr_array_index (data->jobs, j))->dir);
          close (dir_fd);
          _dd_outbox_store_set_errno_error (&error, saved, job->dir);
          goto failed;
        }
    }
  fsync (dir_fd);
  close (dir_fd);

  g_task_return_boolean (task, TRUE);
  return;

failed:
  for (guint i = 0; i < made->len; i++)
    _dd_outbox_store_remove_tree (g_ptr_array_index (made, i));
  for (guint i = 0; i < data->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (data->jobs, i);

      if (job->lock_fd >= 0)
        close (job->lock_fd);
      job->lock_fd = -1;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * dd_outbox_store_create_async:
 * @jobs: (element-type DdJob): from dd_outbox_store_new_job(), filled in,
 *   seen by nobody else until this completes
 * @sources: (element-type DdOutboxSource): their images, in the same order
 * @cap: the most read from one file
 *
 * Puts every job on disk (durably, each with its own copy of the bytes)
 * and locks it for this process; a source that cannot be read still
 * gets a job, failed with the reason.  All or nothing: if a folder
 * cannot be written, none of the jobs is left.  The completion is not
 * cut short by @cancellable once the jobs exist: the caller decides.
 */
void
dd_outbox_store_create_async (DdOutboxStore       *self,
                              GPtrArray           *jobs,
                              GPtrArray           *sources,
                              guint64              cap,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateData *data;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (jobs != NULL && sources != NULL && jobs->len == sources->len);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_store_create_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (CreateData, 1);
  data->jobs = g_ptr_array_ref (jobs);
  data->sources = g_ptr_array_ref (sources);
  data->cap = cap;
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);

  /* Not on the I/O queue: copying a batch of photos should not hold up
   * the saves of the jobs on their way. */
  g_task_run_in_thread (task, create_thread);
}

gboolean
dd_outbox_store_create_finish (DdOutboxStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
