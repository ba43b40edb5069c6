/* dd-outbox-store.c: the outbox's folder
 *
 *   <outbox>/jobs/<id>/job.json       the job's state, replaced atomically
 *   <outbox>/jobs/<id>/original       its own copy of the bytes given
 *   <outbox>/jobs/<id>/prepared       what is uploaded, once prepared
 *   <outbox>/jobs/<id>/thumbnail.png  for the history
 *   <outbox>/jobs/<id>/lock           flock()ed by the process that owns it
 *   <outbox>/media/, <outbox>/robots/ see dd-outbox-limits.c
 *
 * Every file is written to a temporary file, fsynced and renamed over the
 * old one.  A new job is made in a hidden folder and renamed into place
 * already locked, so no other process sees it half written or takes it.
 * flock() locks go with the process: one killed with SIGKILL leaves no
 * stale lock behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-outbox-private.h"

#define WRITE_FLAGS (G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE)
#define NEW_PREFIX  ".new-"

char *
dd_outbox_store_jobs_dir (const char *directory)
{
  return g_build_filename (directory, "jobs", NULL);
}

static void
fsync_dir (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* ---- job.json ----------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static char *
job_to_json (DdJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_int (builder, "version", 1);
  add_string (builder, "id", job->id);
  add_string (builder, "batch-id", job->batch_id);
  add_int (builder, "seq", job->seq);
  add_string (builder, "profile-id", job->profile_id);
  add_string (builder, "display-name", job->display_name);
  add_string (builder, "state", g_enum_get_value (g_type_class_peek (DD_TYPE_JOB_STATE), job->state)->value_nick);
  add_bool (builder, "prepared", job->prepared);
  add_int (builder, "bytes-total", job->bytes_total);
  add_int (builder, "width", job->width);
  add_int (builder, "height", job->height);
  add_string (builder, "mime-type", job->mime_type);
  add_string (builder, "filename", job->filename);
  add_string (builder, "sha256", job->sha256);
  add_bool (builder, "thumbnail", job->thumbnail_path != NULL);
  add_string (builder, "media-id", job->media_id);
  add_string (builder, "error-message", job->error_message);
  add_int (builder, "errcode", job->errcode);
  add_int (builder, "retry-at", job->retry_at);
  add_int (builder, "created-at", job->created_at);
  add_int (builder, "sent-at", job->sent_at);
  add_int (builder, "attempts", job->attempts);
  add_bool (builder, "has-data", job->data_path != NULL);
  add_string (builder, "title", job->title);
  add_string (builder, "caption", job->caption);
  add_strv (builder, "at-mobiles", (const char * const *) job->at_mobiles);
  add_strv (builder, "at-user-ids", (const char * const *) job->at_user_ids);
  add_bool (builder, "at-all", job->at_all);
  add_bool (builder, "album", job->album);
  add_bool (builder, "caption-sent", job->caption_sent);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
write_job_to (DdJob       *job,
              const char  *dir,
              GError     **error)
{
  g_autofree char *json = job_to_json (job);
  g_autofree char *path = g_build_filename (dir, DD_JOB_FILE, NULL);

  return g_file_set_contents_full (path, json, -1, WRITE_FLAGS, 0600, error);
}

gboolean
dd_outbox_store_write_job (DdJob   *job,
                           GError **error)
{
  return write_job_to (job, job->dir, error);
}

static char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static GStrv
get_strv (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *s = json_array_get_string_element (array, i);

      if (s != NULL)
        g_strv_builder_add (builder, s);
    }
  return g_strv_builder_end (builder);
}

DdJob *
dd_outbox_store_read_job (const char  *job_dir,
                          GError     **error)
{
  g_autofree char *path = g_build_filename (job_dir, DD_JOB_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *id = g_path_get_basename (job_dir);
  g_autofree char *state = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DdJob) job = NULL;
  GEnumValue *value;
  JsonObject *o;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error) ||
      !json_parser_load_from_data (parser, contents, len, error))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));

  job = dd_job_new (id, job_dir);
  job->batch_id = get_string (o, "batch-id");
  job->seq = json_object_get_int_member_with_default (o, "seq", 0);
  job->profile_id = get_string (o, "profile-id");
  job->display_name = get_string (o, "display-name");
  state = get_string (o, "state");
  value = g_enum_get_value_by_nick (g_type_class_peek (DD_TYPE_JOB_STATE), state ? state : "");
  if (job->batch_id == NULL || job->profile_id == NULL || value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  job->state = value->value;
  job->prepared = json_object_get_boolean_member_with_default (o, "prepared", FALSE);
  job->bytes_total = json_object_get_int_member_with_default (o, "bytes-total", 0);
  job->width = json_object_get_int_member_with_default (o, "width", 0);
  job->height = json_object_get_int_member_with_default (o, "height", 0);
  job->mime_type = get_string (o, "mime-type");
  job->filename = get_string (o, "filename");
  job->sha256 = get_string (o, "sha256");
  if (json_object_get_boolean_member_with_default (o, "thumbnail", FALSE))
    job->thumbnail_path = dd_job_path (job, DD_JOB_THUMBNAIL);
  job->media_id = get_string (o, "media-id");
  job->error_message = get_string (o, "error-message");
  job->errcode = json_object_get_int_member_with_default (o, "errcode", 0);
  job->retry_at = json_object_get_int_member_with_default (o, "retry-at", 0);
  job->created_at = json_object_get_int_member_with_default (o, "created-at", 0);
  job->sent_at = json_object_get_int_member_with_default (o, "sent-at", 0);
  job->attempts = json_object_get_int_member_with_default (o, "attempts", 0);
  if (json_object_get_boolean_member_with_default (o, "has-data", FALSE))
    job->data_path = dd_job_path (job, DD_JOB_ORIGINAL);
  job->title = get_string (o, "title");
  job->caption = get_string (o, "caption");
  job->at_mobiles = get_strv (o, "at-mobiles");
  job->at_user_ids = get_strv (o, "at-user-ids");
  job->at_all = json_object_get_boolean_member_with_default (o, "at-all", FALSE);
  job->album = json_object_get_boolean_member_with_default (o, "album", FALSE);
  job->caption_sent = json_object_get_boolean_member_with_default (o, "caption-sent", FALSE);

  return g_steal_pointer (&job);
}

/* ---- locks -------------------------------------------------------------- */

static int
lock_in (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, DD_JOB_LOCK, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* TRUE if this process now owns @job (or did already). */
gboolean
dd_outbox_store_lock_job (DdJob *job)
{
  if (job->lock_fd >= 0)
    return TRUE;
  job->lock_fd = lock_in (job->dir);
  return job->lock_fd >= 0;
}

void
dd_outbox_store_unlock_job (DdJob *job)
{
  if (job->lock_fd < 0)
    return;
  close (job->lock_fd);
  job->lock_fd = -1;
}

/* ---- creating and removing jobs ----------------------------------------- */

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

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/**
 * dd_outbox_store_create_job:
 * @data: (nullable): the bytes, or %NULL when they could not be read
 * @read_error: (nullable): why they could not: the job is made failed
 *
 * Makes a job's folder with its own copy of @data, locked by this process.
 * Runs in a worker thread.
 */
DdJob *
dd_outbox_store_create_job (const char          *directory,
                            const char          *batch_id,
                            guint                seq,
                            const char          *profile_id,
                            const char          *display_name,
                            GBytes              *data,
                            const GError        *read_error,
                            const DdSendOptions *options,
                            gint64               created_at,
                            GError             **error)
{
  g_autofree char *jobs_dir = dd_outbox_store_jobs_dir (directory);
  g_autofree char *id = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *final = NULL;
  g_autoptr(DdJob) job = NULL;
  int fd;

  if (g_mkdir_with_parents (jobs_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", jobs_dir, g_strerror (saved));
      return NULL;
    }

  for (guint tries = 0; ; tries++)
    {
      g_free (id);
      g_free (tmp);
      id = random_id ();
      tmp = g_strconcat (jobs_dir, G_DIR_SEPARATOR_S NEW_PREFIX, id, NULL);
      if (g_mkdir (tmp, 0700) == 0)
        break;
      if (errno != EEXIST || tries > 10)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "%s: %s", tmp, g_strerror (saved));
          return NULL;
        }
    }
  final = g_build_filename (jobs_dir, id, NULL);

  job = dd_job_new (id, final);
  fd = lock_in (tmp);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", tmp, g_strerror (saved));
      remove_tree (tmp);
      return NULL;
    }
  job->lock_fd = fd;

  job->batch_id = g_strdup (batch_id);
  job->seq = seq;
  job->profile_id = g_strdup (profile_id);
  job->display_name = g_strdup (display_name);
  job->created_at = created_at;
  job->title = g_strdup (options->title);
  job->caption = g_strdup (options->caption);
  job->at_mobiles = g_strdupv ((GStrv) options->at_mobiles);
  job->at_user_ids = g_strdupv ((GStrv) options->at_user_ids);
  job->at_all = options->at_all;
  job->album = options->album;

  if (data != NULL)
    {
      g_autofree char *path = g_build_filename (tmp, DD_JOB_ORIGINAL, NULL);

      if (!g_file_set_contents_full (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                     WRITE_FLAGS, 0600, error))
        {
          remove_tree (tmp);
          return NULL;
        }
      job->data_path = dd_job_path (job, DD_JOB_ORIGINAL);
    }
  else
    {
      job->state = DD_JOB_FAILED;
      job->error_message = g_strdup (read_error ? read_error->message : "");
      job->errcode = dd_error_get_errcode (read_error);
    }

  if (!write_job_to (job, tmp, error))
    {
      remove_tree (tmp);
      return NULL;
    }

  if (g_rename (tmp, final) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", final, g_strerror (saved));
      remove_tree (tmp);
      return NULL;
    }
  fsync_dir (jobs_dir);

  return g_steal_pointer (&job);
}

/* The folders of every job; a half-made job of a process that died while
 * making it (never renamed into place, no longer locked) is removed. */
GPtrArray *
dd_outbox_store_list_jobs (const char *directory)
{
  g_autofree char *jobs_dir = dd_outbox_store_jobs_dir (directory);
  g_autoptr(GDir) dir = g_dir_open (jobs_dir, 0, NULL);
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      char *path = g_build_filename (jobs_dir, name, NULL);

      if (g_str_has_prefix (name, NEW_PREFIX))
        {
          GStatBuf st;
          int fd;

          /* the maker locks it right after making it: give it time */
          if (g_stat (path, &st) != 0 || st.st_mtime > time (NULL) - 60)
            {
              g_free (path);
              continue;
            }
          fd = lock_in (path);

          if (fd >= 0)
            {
              remove_tree (path);
              close (fd);
            }
          g_free (path);
          continue;
        }
      if (name[0] == '.')
        {
          g_free (path);
          continue;
        }
      g_ptr_array_add (dirs, path);
    }

  return dirs;
}

/* Removes @job's folder; the caller owns the job's lock. */
void
dd_outbox_store_delete_job (DdJob *job)
{
  g_autofree char *json = dd_job_path (job, DD_JOB_FILE);

  /* job.json first: a folder without it is no job any more */
  g_unlink (json);
  remove_tree (job->dir);
  dd_outbox_store_unlock_job (job);
}

void
dd_outbox_store_drop_bytes (DdJob    *job,
                            gboolean  keep_original)
{
  g_autofree char *prepared = dd_job_path (job, DD_JOB_PREPARED);

  g_unlink (prepared);
  if (!keep_original && job->data_path != NULL)
    g_unlink (job->data_path);
}
