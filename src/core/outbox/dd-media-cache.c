/* dd-media-cache.c: the media_id each image got, by its content
 *
 *   <outbox>/media/<sha256>-<app>   the media_id those bytes got from that
 *                                   AppKey (a media_id belongs to its app)
 *
 * Shared by every process through the folder, written on the I/O queue;
 * what this process learnt is kept in memory as well.  A lookup reads in
 * a worker thread of its own, not behind the queue's job saves: an entry
 * is replaced atomically, and this process's own are answered from
 * memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>

#include "dd-media-cache.h"

struct _DdMediaCache
{
  GObject     parent_instance;

  char       *directory;
  DdIoQueue  *queue;
  GHashTable *known;     /* file name -> media_id */
};

G_DEFINE_FINAL_TYPE (DdMediaCache, dd_media_cache, G_TYPE_OBJECT)

static void
dd_media_cache_finalize (GObject *object)
{
  DdMediaCache *self = (DdMediaCache *) object;

  g_free (self->directory);
  g_clear_pointer (&self->queue, dd_io_queue_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);

  G_OBJECT_CLASS (dd_media_cache_parent_class)->finalize (object);
}

static void
dd_media_cache_class_init (DdMediaCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dd_media_cache_finalize;
}

static void
dd_media_cache_init (DdMediaCache *self)
{
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

DdMediaCache *
dd_media_cache_new (const char *directory,
                    DdIoQueue  *queue)
{
  DdMediaCache *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (queue != NULL, NULL);

  self = g_object_new (DD_TYPE_MEDIA_CACHE, NULL);
  self->directory = g_build_filename (directory, "media", NULL);
  self->queue = dd_io_queue_ref (queue);
  return self;
}

/* The file for these bytes and this app; NULL if either is unknown. */
static char *
entry_name (const char *sha256,
            const char *app_key)
{
  g_autofree char *app = NULL;

  if (sha256 == NULL || app_key == NULL)
    return NULL;
  /* an AppKey may not be a safe file name */
  app = g_compute_checksum_for_string (G_CHECKSUM_SHA256, app_key, -1);
  app[16] = '\0';
  return g_strconcat (sha256, "-", app, NULL);
}

static gboolean
is_media_id (const char *text)
{
  return text != NULL && (*text == '@' || g_str_has_prefix (text, "http"));
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DdMediaCache *self = source_object;
  g_autofree char *path = g_build_filename (self->directory, task_data, NULL);
  g_autofree char *contents = NULL;

  if (g_file_get_contents (path, &contents, NULL, NULL) && is_media_id (g_strstrip (contents)))
    g_task_return_pointer (task, g_steal_pointer (&contents), g_free);
  else
    g_task_return_pointer (task, NULL, NULL);
}

/**
 * dd_media_cache_lookup_async:
 * @sha256: (nullable): of the bytes to upload
 * @app_key: (nullable): the internal app that would upload them
 */
void
dd_media_cache_lookup_async (DdMediaCache        *self,
                             const char          *sha256,
                             const char          *app_key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *name;
  const char *known;

  g_return_if_fail (DD_IS_MEDIA_CACHE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_media_cache_lookup_async);

  name = entry_name (sha256, app_key);
  if (name == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if ((known = g_hash_table_lookup (self->known, name)) != NULL)
    {
      g_task_return_pointer (task, g_strdup (known), g_free);
      g_free (name);
      return;
    }
  g_task_set_task_data (task, name, g_free);
  g_task_run_in_thread (task, lookup_thread);
}

/**
 * dd_media_cache_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the media_id those bytes got, or
 *   %NULL if they were never uploaded with that app
 */
char *
dd_media_cache_lookup_finish (DdMediaCache  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  char *path;
  char *media_id;
} Remember;

static void
remember_free (Remember *data)
{
  g_free (data->path);
  g_free (data->media_id);
  g_free (data);
}

static void
remember_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DdMediaCache *self = source_object;
  Remember *data = task_data;
  g_autoptr(GError) error = NULL;

  DD_ASSERT_IO_THREAD (self->queue);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    g_warning ("Could not remember a media_id: %s", g_strerror (errno));
  else if (!dd_io_write_file (data->path, data->media_id, -1, FALSE, &error))
    g_warning ("Could not remember a media_id: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

void
dd_media_cache_remember (DdMediaCache *self,
                         const char   *sha256,
                         const char   *app_key,
                         const char   *media_id)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  Remember *data;

  g_return_if_fail (DD_IS_MEDIA_CACHE (self));

  name = entry_name (sha256, app_key);
  if (name == NULL || !is_media_id (media_id))
    return;
  g_hash_table_insert (self->known, g_strdup (name), g_strdup (media_id));

  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, dd_media_cache_remember);
  data = g_new0 (Remember, 1);
  data->path = g_build_filename (self->directory, name, NULL);
  data->media_id = g_strdup (media_id);
  g_task_set_task_data (task, data, (GDestroyNotify) remember_free);
  dd_io_queue_run (self->queue, task, remember_thread);
}
