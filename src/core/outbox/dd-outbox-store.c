/* dd-outbox-store.c: the outbox's folder
 *
 *   <outbox>/jobs/<id>/job.json       the job's state, replaced atomically
 *   <outbox>/jobs/<id>/original       its own copy of the bytes given
 *   <outbox>/jobs/<id>/prepared       what is uploaded, once prepared
 *   <outbox>/jobs/<id>/thumbnail.png  for the history
 *   <outbox>/jobs/<id>/lock           flock()ed by the process that owns it
 *
 * Nothing here touches the disk on the caller's thread: saves, locks,
 * unlocks and deletes go to the I/O queue in the order asked for (a job's
 * state is written before its lock is let go); new jobs are made in a
 * worker thread.  Writes are atomic (a temporary file renamed over the
 * old one) and fsynced only where it matters: a new job is on disk before
 * its add returns, and a state saved DURABLE (sent, failed) survives a
 * power cut.  A save that is still waiting is replaced by a newer one of
 * the same job, so a burst of progress costs one write.
 *
 * A new job is made in a hidden folder and renamed into place already
 * locked, so no other process sees it half written or takes it.  flock()
 * locks go with the process: one killed with SIGKILL leaves no stale lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* syncfs() */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-outbox-store.h"

#define NEW_PREFIX  ".new-"

struct _DdOutboxStore
{
  GObject     parent_instance;

  char       *directory;
  char       *jobs_dir;
  DdIoQueue  *queue;
  GThread    *thread;        /* the caller's: no disk I/O on it */

  GMutex      lock;
  GHashTable *pending;       /* job folder -> SaveOp not written yet (lock) */

  GHashTable *seen;          /* I/O thread only: job id -> Signature */

  guint       n_writes;      /* atomic */
  guint       n_durable;     /* atomic */
};

G_DEFINE_FINAL_TYPE (DdOutboxStore, dd_outbox_store, G_TYPE_OBJECT)

#define ASSERT_WORKER(self) g_assert (g_thread_self () != (self)->thread)

typedef struct {
  gint64  mtime_ns;
  gint64  size;
  guint64 ino;
} Signature;

static void
dd_outbox_store_finalize (GObject *object)
{
  DdOutboxStore *self = (DdOutboxStore *) object;

  g_clear_pointer (&self->queue, dd_io_queue_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_free (self->directory);
  g_free (self->jobs_dir);

  G_OBJECT_CLASS (dd_outbox_store_parent_class)->finalize (object);
}

static void
dd_outbox_store_class_init (DdOutboxStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dd_outbox_store_finalize;
}

static void
dd_outbox_store_init (DdOutboxStore *self)
{
  g_mutex_init (&self->lock);
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->thread = g_thread_self ();
}

DdOutboxStore *
dd_outbox_store_new (const char *directory,
                     DdIoQueue  *queue)
{
  DdOutboxStore *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (queue != NULL, NULL);

  self = g_object_new (DD_TYPE_OUTBOX_STORE, NULL);
  self->directory = g_strdup (directory);
  self->jobs_dir = g_build_filename (directory, "jobs", NULL);
  self->queue = dd_io_queue_ref (queue);
  return self;
}

const char *
dd_outbox_store_get_directory (DdOutboxStore *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);
  return self->directory;
}

DdIoQueue *
dd_outbox_store_get_queue (DdOutboxStore *self)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), NULL);
  return self->queue;
}

/**
 * dd_outbox_store_get_n_writes:
 * @n_durable: (out) (optional): how many of them were fsynced
 *
 * Returns: how many job.json files this store has written
 */
guint
dd_outbox_store_get_n_writes (DdOutboxStore *self,
                              guint         *n_durable)
{
  g_return_val_if_fail (DD_IS_OUTBOX_STORE (self), 0);

  if (n_durable != NULL)
    *n_durable = g_atomic_int_get (&self->n_durable);
  return g_atomic_int_get (&self->n_writes);
}

void
dd_store_scan_free (DdStoreScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->found, g_ptr_array_unref);
  g_clear_pointer (&scan->gone, g_ptr_array_unref);
  g_clear_pointer (&scan->damaged, g_ptr_array_unref);
  g_free (scan);
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
  g_autoptr(GEnumClass) states = g_type_class_ref (DD_TYPE_JOB_STATE);

  json_builder_begin_object (builder);
  add_int (builder, "version", 1);
  add_string (builder, "id", job->id);
  add_string (builder, "batch-id", job->batch_id);
  add_int (builder, "seq", job->seq);
  add_string (builder, "profile-id", job->profile_id);
  add_string (builder, "display-name", job->display_name);
  add_string (builder, "state", g_enum_get_value (states, job->state)->value_nick);
  add_bool (builder, "prepared", job->prepared);
  add_int (builder, "bytes-total", job->bytes_total);
  add_int (builder, "bytes-sent", job->bytes_sent);
  add_int (builder, "width", job->width);
  add_int (builder, "height", job->height);
  add_string (builder, "mime-type", job->mime_type);
  add_string (builder, "filename", job->filename);
  add_string (builder, "sha256", job->sha256);
  add_bool (builder, "thumbnail", job->thumbnail_path != NULL);
  add_string (builder, "media-id", job->media_id);
  add_string (builder, "msg-uuid", job->msg_uuid);
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

static char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
get_bool (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

static GStrv
get_strv (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          g_strv_builder_add (builder, json_node_get_string (element));
          n++;
        }
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

static char *
job_path (const char *dir,
          const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Reads a job's folder; a job.json that is not one fails with @error. */
static DdJob *
read_job (const char  *job_dir,
          GError     **error)
{
  g_autofree char *path = job_path (job_dir, DD_JOB_FILE);
  g_autofree char *contents = NULL;
  g_autofree char *id = g_path_get_basename (job_dir);
  g_autofree char *state = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GEnumClass) states = g_type_class_ref (DD_TYPE_JOB_STATE);
  g_autoptr(DdJob) job = NULL;
  GEnumValue *value;
  JsonObject *o;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error) ||
      !json_parser_load_from_data (parser, contents, len, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));

  job = dd_job_new (id, job_dir);
  job->batch_id = get_string (o, "batch-id");
  job->seq = get_int (o, "seq");
  job->profile_id = get_string (o, "profile-id");
  job->display_name = get_string (o, "display-name");
  state = get_string (o, "state");
  value = g_enum_get_value_by_nick (states, state ? state : "");
  if (job->batch_id == NULL || job->profile_id == NULL || value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  job->state = value->value;
  job->prepared = get_bool (o, "prepared");
  job->bytes_total = get_int (o, "bytes-total");
  job->bytes_sent = get_int (o, "bytes-sent");
  job->width = get_int (o, "width");
  job->height = get_int (o, "height");
  job->mime_type = get_string (o, "mime-type");
  job->filename = get_string (o, "filename");
  job->sha256 = get_string (o, "sha256");
  if (get_bool (o, "thumbnail"))
    job->thumbnail_path = job_path (job_dir, DD_JOB_THUMBNAIL);
  job->media_id = get_string (o, "media-id");
  job->msg_uuid = get_string (o, "msg-uuid");
  job->error_message = get_string (o, "error-message");
  job->errcode = get_int (o, "errcode");
  job->retry_at = get_int (o, "retry-at");
  job->created_at = get_int (o, "created-at");
  job->sent_at = get_int (o, "sent-at");
  job->attempts = get_int (o, "attempts");
  if (get_bool (o, "has-data"))
    job->data_path = job_path (job_dir, DD_JOB_ORIGINAL);
  job->title = get_string (o, "title");
  job->caption = get_string (o, "caption");
  job->at_mobiles = get_strv (o, "at-mobiles");
  job->at_user_ids = get_strv (o, "at-user-ids");
  job->at_all = get_bool (o, "at-all");
  job->album = get_bool (o, "album");
  job->caption_sent = get_bool (o, "caption-sent");

  return g_steal_pointer (&job);
}

static gboolean
write_json (DdOutboxStore  *self,
            const char     *dir,
            const char     *json,
            gboolean        durable,
            GError        **error)
{
  g_autofree char *path = job_path (dir, DD_JOB_FILE);
  GFileSetContentsFlags flags = G_FILE_SET_CONTENTS_CONSISTENT;

  if (durable)
    flags |= G_FILE_SET_CONTENTS_DURABLE;
  g_atomic_int_inc (&self->n_writes);
  if (durable)
    g_atomic_int_inc (&self->n_durable);
  return g_file_set_contents_full (path, json, -1, flags, 0600, error);
}

/* ---- locks -------------------------------------------------------------- */

static int
lock_in (const char *dir)
{
  g_autofree char *path = job_path (dir, DD_JOB_LOCK);
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

static void
delete_folder (const char *dir)
{
  g_autofree char *json = job_path (dir, DD_JOB_FILE);

  /* job.json first: a folder without it is no job any more */
  g_unlink (json);
  remove_tree (dir);
}

/* ---- new jobs ----------------------------------------------------------- */

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

static gboolean
set_errno_error (GError     **error,
                 int          saved,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
  return FALSE;
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
  int fd;

  if (g_mkdir (tmp, 0700) != 0)
    return set_errno_error (error, errno, tmp);
  fd = lock_in (tmp);
  if (fd < 0)
    return set_errno_error (error, errno, tmp);
  job->lock_fd = fd;

  bytes = dd_outbox_source_read (source, cap, &name, cancellable, &read_error);
  if (job->display_name == NULL)
    job->display_name = g_steal_pointer (&name);

  if (bytes != NULL)
    {
      g_autofree char *path = job_path (tmp, DD_JOB_ORIGINAL);

      if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     G_FILE_SET_CONTENTS_NONE, 0600, error))
        return FALSE;
      job->data_path = job_path (job->dir, DD_JOB_ORIGINAL);
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

  json = job_to_json (job);
  return write_json (self, tmp, json, FALSE, error);
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
      set_errno_error (&error, errno, self->jobs_dir);
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
      set_errno_error (&error, errno, self->jobs_dir);
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
            delete_folder (((DdJob *) g_ptr_array_index (data->jobs, j))->dir);
          close (dir_fd);
          set_errno_error (&error, saved, job->dir);
          goto failed;
        }
    }
  fsync (dir_fd);
  close (dir_fd);

  g_task_return_boolean (task, TRUE);
  return;

failed:
  for (guint i = 0; i < made->len; i++)
    remove_tree (g_ptr_array_index (made, i));
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

/* ---- scanning ----------------------------------------------------------- */

static gboolean
signature_of (const char *dir,
              Signature  *signature)
{
  g_autofree char *path = job_path (dir, DD_JOB_FILE);
  struct stat st;

  if (stat (path, &st) != 0)
    return FALSE;
  signature->mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  signature->size = st.st_size;
  signature->ino = st.st_ino;
  return TRUE;
}

/* A hidden folder of a process that died while making it (never renamed
 * into place, no longer locked) is removed. */
static void
remove_stale_hidden (const char *path)
{
  GStatBuf st;
  int fd;

  /* the maker locks it right after making it: give it time */
  if (g_stat (path, &st) != 0 || st.st_mtime > time (NULL) - 60)
    return;
  fd = lock_in (path);
  if (fd >= 0)
    {
      remove_tree (path);
      close (fd);
    }
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  g_autoptr(DdStoreScan) scan = g_new0 (DdStoreScan, 1);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer id;
  const char *name;

  DD_ASSERT_IO_THREAD (self->queue);

  scan->found = g_ptr_array_new_with_free_func (g_object_unref);
  scan->gone = g_ptr_array_new_with_free_func (g_free);
  scan->damaged = g_ptr_array_new_with_free_func (g_free);

  if (g_mkdir_with_parents (self->jobs_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", self->jobs_dir, g_strerror (saved));
      return;
    }
  dir = g_dir_open (self->jobs_dir, 0, &error);
  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->jobs_dir, name, NULL);
      Signature signature, *seen;
      g_autoptr(DdJob) job = NULL;
      g_autoptr(GError) read_error = NULL;

      if (g_str_has_prefix (name, NEW_PREFIX))
        {
          remove_stale_hidden (path);
          continue;
        }
      if (name[0] == '.' || !signature_of (path, &signature))
        continue;

      g_hash_table_add (present, g_strdup (name));
      seen = g_hash_table_lookup (self->seen, name);
      if (seen != NULL && memcmp (seen, &signature, sizeof signature) == 0)
        continue;

      job = read_job (path, &read_error);
      if (job == NULL)
        {
          /* half written by a process that is writing it right now is
           * not possible (renames are atomic): this one is damaged */
          g_debug ("Cannot read %s: %s", path, read_error->message);
          g_ptr_array_add (scan->damaged, g_strdup (path));
          continue;
        }
      g_hash_table_insert (self->seen, g_strdup (name), g_memdup2 (&signature, sizeof signature));
      g_ptr_array_add (scan->found, g_steal_pointer (&job));
    }

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (present, id))
      {
        g_ptr_array_add (scan->gone, g_strdup (id));
        g_hash_table_iter_remove (&iter);
      }

  g_task_return_pointer (task, g_steal_pointer (&scan), (GDestroyNotify) dd_store_scan_free);
}

/**
 * dd_outbox_store_scan_async:
 *
 * Reads the folder: the first scan finds every job, later ones only the
 * jobs whose job.json changed (a stat each, no read) and the ones gone.
 */
void
dd_outbox_store_scan_async (DdOutboxStore       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_store_scan_async);
  dd_io_queue_run (self->queue, task, scan_thread);
}

/**
 * dd_outbox_store_scan_finish:
 *
 * Returns: (transfer full): what the scan found, or %NULL if the folder
 *   cannot be made or read
 */
DdStoreScan *
dd_outbox_store_scan_finish (DdOutboxStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- taking over jobs --------------------------------------------------- */

typedef struct {
  DdJob *job;
  int    fd;
  DdJob *fresh;   /* as on disk once locked */
} Taken;

static void
taken_free (Taken *taken)
{
  g_object_unref (taken->job);
  if (taken->fd >= 0)
    close (taken->fd);
  g_clear_object (&taken->fresh);
  g_free (taken);
}

typedef struct {
  GPtrArray *jobs;    /* DdJob asked for */
  GPtrArray *dirs;    /* their folders, copied for the thread */
} LockData;

static void
lock_data_free (LockData *data)
{
  g_ptr_array_unref (data->jobs);
  g_ptr_array_unref (data->dirs);
  g_free (data);
}

static void
lock_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  LockData *data = task_data;
  GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) taken_free);

  DD_ASSERT_IO_THREAD (self->queue);

  for (guint i = 0; i < data->dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (data->dirs, i);
      int fd = lock_in (dir);
      Taken *t;

      if (fd < 0)
        continue;
      t = g_new0 (Taken, 1);
      t->job = g_object_ref (g_ptr_array_index (data->jobs, i));
      t->fd = fd;
      t->fresh = read_job (dir, NULL);   /* NULL: removed meanwhile */
      g_ptr_array_add (taken, t);
    }

  g_task_return_pointer (task, taken, (GDestroyNotify) g_ptr_array_unref);
}

static void
locked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DdOutboxStore *self = DD_OUTBOX_STORE (source);
  g_autoptr(GPtrArray) taken = g_task_propagate_pointer (G_TASK (result), NULL);
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; taken != NULL && i < taken->len; i++)
    {
      Taken *t = g_ptr_array_index (taken, i);

      if (t->job->lock_fd >= 0)
        continue;   /* taken meanwhile by another call of this process */
      if (t->fresh == NULL)
        {
          /* its folder is gone: nothing to take */
          continue;
        }
      t->job->lock_fd = t->fd;
      t->fd = -1;
      dd_job_assign (t->job, t->fresh);
      g_ptr_array_add (jobs, g_object_ref (t->job));
    }

  (void) self;
  g_task_return_pointer (task, jobs, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * dd_outbox_store_lock_async:
 * @jobs: (element-type DdJob): jobs this process does not own
 *
 * Tries to lock each job (never waiting for another process) and reads
 * those it got again, as their last owner left them.
 */
void
dd_outbox_store_lock_async (DdOutboxStore       *self,
                            GPtrArray           *jobs,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  LockData *data;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (jobs != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_outbox_store_lock_async);

  data = g_new0 (LockData, 1);
  data->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  data->dirs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      g_ptr_array_add (data->jobs, g_object_ref (job));
      g_ptr_array_add (data->dirs, g_strdup (job->dir));
    }

  /* the locks are applied on this thread, then the caller hears of it */
  inner = g_task_new (self, NULL, locked_cb, g_steal_pointer (&task));
  g_task_set_task_data (inner, data, (GDestroyNotify) lock_data_free);
  dd_io_queue_run (self->queue, inner, lock_thread);
}

/**
 * dd_outbox_store_lock_finish:
 *
 * Returns: (transfer full) (element-type DdJob): the jobs now locked by
 *   this process, updated from disk
 */
GPtrArray *
dd_outbox_store_lock_finish (DdOutboxStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- saves, unlocks, deletes: in order on the I/O queue ------------------ */

typedef enum {
  OP_SAVE,
  OP_UNLOCK,
  OP_DELETE,
  OP_DROP_BYTES,
} OpKind;

typedef struct {
  OpKind    kind;
  char     *dir;
  char     *json;          /* OP_SAVE */
  gboolean  durable;       /* OP_SAVE */
  int       fd;            /* OP_UNLOCK, OP_DELETE: the lock to let go, or -1 */
  gboolean  keep_original; /* OP_DROP_BYTES */
} Op;

static void
op_free (Op *op)
{
  g_free (op->dir);
  g_free (op->json);
  g_free (op);
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  DdOutboxStore *self = source_object;
  Op *op = task_data;
  g_autoptr(GError) error = NULL;

  DD_ASSERT_IO_THREAD (self->queue);

  switch (op->kind)
    {
    case OP_SAVE:
      {
        g_autofree char *json = NULL;
        gboolean durable;

        /* take the newest state asked for; a later save finds none
         * waiting and queues its own */
        g_mutex_lock (&self->lock);
        g_hash_table_remove (self->pending, op->dir);
        json = g_steal_pointer (&op->json);
        durable = op->durable;
        g_mutex_unlock (&self->lock);

        Signature signature;

        if (!g_file_test (op->dir, G_FILE_TEST_IS_DIR))
          break;   /* removed meanwhile */
        if (!write_json (self, op->dir, json, durable, &error))
          g_warning ("Could not save the state of a job in %s: %s", op->dir, error->message);
        else if (signature_of (op->dir, &signature))
          {
            /* our own write: the next scan need not read it back */
            g_hash_table_insert (self->seen, g_path_get_basename (op->dir),
                                 g_memdup2 (&signature, sizeof signature));
          }
      }
      break;

    case OP_UNLOCK:
      break;

    case OP_DELETE:
      if (op->fd < 0)
        op->fd = lock_in (op->dir);
      if (op->fd >= 0)
        delete_folder (op->dir);
      break;

    case OP_DROP_BYTES:
      {
        g_autofree char *prepared = job_path (op->dir, DD_JOB_PREPARED);
        g_autofree char *original = job_path (op->dir, DD_JOB_ORIGINAL);

        g_unlink (prepared);
        if (!op->keep_original)
          g_unlink (original);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (op->fd >= 0)
    close (op->fd);  /* and so unlock */
  op->fd = -1;
  g_task_return_boolean (task, TRUE);
}

static void
queue_op (DdOutboxStore *self,
          Op            *op)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

  g_task_set_source_tag (task, queue_op);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  dd_io_queue_run (self->queue, task, op_thread);
}

static Op *
op_new (OpKind  kind,
        DdJob  *job)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->dir = g_strdup (job->dir);
  op->fd = -1;
  return op;
}

/**
 * dd_outbox_store_save:
 * @flags: %DD_STORE_SAVE_DURABLE for a state that must survive a power
 *   cut (sent, failed)
 *
 * Writes @job's state, if this process owns it, after everything asked
 * for before; a save still waiting for its turn is replaced by this one.
 */
void
dd_outbox_store_save (DdOutboxStore    *self,
                      DdJob            *job,
                      DdStoreSaveFlags  flags)
{
  g_autofree char *json = NULL;
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;  /* not ours to write */

  json = job_to_json (job);

  g_mutex_lock (&self->lock);
  op = g_hash_table_lookup (self->pending, job->dir);
  if (op != NULL)
    {
      g_free (op->json);
      op->json = g_steal_pointer (&json);
      op->durable |= (flags & DD_STORE_SAVE_DURABLE) != 0;
      g_mutex_unlock (&self->lock);
      return;
    }
  op = op_new (OP_SAVE, job);
  op->json = g_steal_pointer (&json);
  op->durable = (flags & DD_STORE_SAVE_DURABLE) != 0;
  g_hash_table_insert (self->pending, op->dir, op);
  g_mutex_unlock (&self->lock);

  queue_op (self, op);
}

/**
 * dd_outbox_store_unlock:
 *
 * Lets another process take @job, once what was asked for it is written.
 */
void
dd_outbox_store_unlock (DdOutboxStore *self,
                        DdJob         *job)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;
  op = op_new (OP_UNLOCK, job);
  op->fd = job->lock_fd;
  job->lock_fd = -1;
  queue_op (self, op);
}

/**
 * dd_outbox_store_delete:
 *
 * Removes @job's folder: at once if this process owns it; else only if
 * its lock is free when its turn comes (a sent job of the history).
 */
void
dd_outbox_store_delete (DdOutboxStore *self,
                        DdJob         *job)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  op = op_new (OP_DELETE, job);
  op->fd = job->lock_fd;
  job->lock_fd = -1;
  queue_op (self, op);
}

/**
 * dd_outbox_store_drop_bytes:
 * @keep_original: keep the copy of the image given (for "Send Again")
 *
 * Removes what a sent job no longer needs.
 */
void
dd_outbox_store_drop_bytes (DdOutboxStore *self,
                            DdJob         *job,
                            gboolean       keep_original)
{
  Op *op;

  g_return_if_fail (DD_IS_OUTBOX_STORE (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (job->lock_fd < 0)
    return;
  op = op_new (OP_DROP_BYTES, job);
  op->keep_original = keep_original;
  queue_op (self, op);
}
