/* dd-queue-item.c: one image in the window's queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-queue-item"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "dd-image.h"
#include "dd-queue-item.h"

struct _DdQueueItem
{
  GObject       parent_instance;

  char         *display_name;
  GFile        *file;
  GBytes       *bytes;
  guint64       size;
  guint         width;
  guint         height;
  GdkPaintable *thumbnail;
  GPtrArray    *jobs;              /* DdJob: one per robot, in the order sent */
  char        **robots;            /* (nullable): only for these, not those chosen */

  GCancellable *cancellable;
  guint         thumbnail_started : 1;
  guint         from_outbox : 1;   /* its file is the outbox's own copy */
  guint         loading : 1;       /* a placeholder: its bytes are on their way */
  int           thumbnail_scale;   /* the scale a row asked for; 0: none yet */
  guint         thumbnail_serial;  /* a newer image makes older thumbnails stale */
  guint         edited : 1;
};

G_DEFINE_FINAL_TYPE (DdQueueItem, dd_queue_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_FILE,
  PROP_BYTES,
  PROP_SIZE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_THUMBNAIL,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  GWeakRef    item;     /* not a strong one: a removed row's item goes at once */
  GFile      *file;
  GBytes     *bytes;
  int         size;
  guint       serial;
  /* results */
  GdkTexture *texture;
  guint       width;
  guint       height;
  guint64     n_bytes;
} ThumbnailOp;

static void
thumbnail_op_free (ThumbnailOp *op)
{
  g_weak_ref_clear (&op->item);
  g_clear_object (&op->file);
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_clear_object (&op->texture);
  g_free (op);
}

/* In a worker thread: reads the file as the outbox will (regular files
 * only, at most dd_image_input_cap()), and makes the thumbnail behind the
 * core's pixel limit; the loader scales while decoding, so the full-size
 * image is never kept. */
static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ThumbnailOp *op = task_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = op->bytes;

  if (bytes == NULL)
    {
      g_autofree char *name = NULL;

      bytes = read = dd_image_read_file (op->file, dd_image_input_cap (0), &name,
                                         cancellable, &error);
    }

  if (bytes != NULL)
    {
      op->n_bytes = g_bytes_get_size (bytes);
      pixbuf = dd_image_thumbnail_bytes (bytes, op->size, 0, &op->width, &op->height,
                                         cancellable, &error);
    }

  if (pixbuf != NULL)
    op->texture = gdk_texture_new_for_pixbuf (pixbuf);
  else
    g_debug ("No thumbnail: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
thumbnail_pool_func (gpointer data,
                     gpointer user_data)
{
  g_autoptr(GTask) task = data;

  /* a row gone before its turn came */
  if (g_task_return_error_if_cancelled (task))
    return;
  thumbnail_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                    g_task_get_cancellable (task));
}

/* A dropped folder of photos makes all its rows at once.  Each thumbnail
 * holds its file's bytes (megabytes) while it decodes: in GTask's shared
 * pool ten or more ran side by side, and 50 photos of 4000×3000 took the
 * window's peak RSS from 118 MB to over 150 MB (tests/bench/footprint).
 * A pool as wide as the machine makes them as fast, in the rows' order. */
static GThreadPool *
thumbnail_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (thumbnail_pool_func, NULL,
                                                 (int) CLAMP (g_get_num_processors (), 1, 4),
                                                 FALSE, NULL));
  return pool;
}

static void
thumbnail_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ThumbnailOp *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(DdQueueItem) self = g_weak_ref_get (&op->item);

  /* gone, or its row removed (the item's dispose cancels) */
  if (!g_task_propagate_boolean (G_TASK (result), NULL) || self == NULL ||
      op->serial != self->thumbnail_serial)
    return;
  object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (self->size == 0 && op->n_bytes > 0)
    {
      self->size = op->n_bytes;
      g_object_notify_by_pspec (object, properties[PROP_SIZE]);
    }
  if (op->width != self->width || op->height != self->height)
    {
      self->width = op->width;
      self->height = op->height;
      g_object_notify_by_pspec (object, properties[PROP_WIDTH]);
      g_object_notify_by_pspec (object, properties[PROP_HEIGHT]);
    }
  if (op->texture != NULL)
    {
      g_set_object (&self->thumbnail, GDK_PAINTABLE (op->texture));
      g_object_notify_by_pspec (object, properties[PROP_THUMBNAIL]);
    }
  g_object_thaw_notify (object);
}

/**
 * dd_queue_item_load_thumbnail:
 * @scale_factor: the scale of the widget that shows it
 *
 * Makes the thumbnail (and learns the size and dimensions) in a worker
 * thread, once.
 */
void
dd_queue_item_load_thumbnail (DdQueueItem *self,
                              int          scale_factor)
{
  g_autoptr(GTask) task = NULL;
  ThumbnailOp *op;

  g_return_if_fail (DD_IS_QUEUE_ITEM (self));

  if (self->loading)
    self->thumbnail_scale = MAX (1, scale_factor);   /* once the bytes are there */
  if (self->thumbnail_started || (self->file == NULL && self->bytes == NULL))
    return;
  self->thumbnail_started = TRUE;

  op = g_new0 (ThumbnailOp, 1);
  g_weak_ref_init (&op->item, self);
  op->file = self->file ? g_object_ref (self->file) : NULL;
  op->bytes = self->bytes ? g_bytes_ref (self->bytes) : NULL;
  op->size = DD_QUEUE_ITEM_THUMBNAIL_SIZE * MAX (1, scale_factor);
  op->serial = self->thumbnail_serial;
  self->thumbnail_scale = MAX (1, scale_factor);

  task = g_task_new (NULL, self->cancellable, thumbnail_cb, NULL);
  g_task_set_source_tag (task, dd_queue_item_load_thumbnail);
  g_task_set_task_data (task, op, (GDestroyNotify) thumbnail_op_free);
  g_thread_pool_push (thumbnail_pool (), g_steal_pointer (&task), NULL);
}

static void job_state_cb (DdQueueItem *self);

static void
disconnect_jobs (DdQueueItem *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->jobs, i), job_state_cb, self);
}

static void
dd_queue_item_dispose (GObject *object)
{
  DdQueueItem *self = DD_QUEUE_ITEM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->thumbnail);
  disconnect_jobs (self);
  g_ptr_array_set_size (self->jobs, 0);

  G_OBJECT_CLASS (dd_queue_item_parent_class)->dispose (object);
}

static void
dd_queue_item_finalize (GObject *object)
{
  DdQueueItem *self = DD_QUEUE_ITEM (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->robots, g_strfreev);
  g_clear_object (&self->file);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (dd_queue_item_parent_class)->finalize (object);
}

static void
dd_queue_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DdQueueItem *self = DD_QUEUE_ITEM (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_BYTES:
      g_value_set_boxed (value, self->bytes);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    case PROP_JOB:
      g_value_set_object (value, dd_queue_item_get_job (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_queue_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DdQueueItem *self = DD_QUEUE_ITEM (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      self->display_name = g_value_dup_string (value);
      break;
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_BYTES:
      self->bytes = g_value_dup_boxed (value);
      break;
    case PROP_JOB:
      dd_queue_item_set_job (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_queue_item_class_init (DdQueueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dd_queue_item_dispose;
  object_class->finalize = dd_queue_item_finalize;
  object_class->get_property = dd_queue_item_get_property;
  object_class->set_property = dd_queue_item_set_property;

  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, co);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, co);
  properties[PROP_BYTES] = g_param_spec_boxed ("bytes", NULL, NULL, G_TYPE_BYTES, co);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_WIDTH] = g_param_spec_uint ("width", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_HEIGHT] = g_param_spec_uint ("height", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_THUMBNAIL] = g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_PAINTABLE, ro);
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, DD_TYPE_JOB,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dd_queue_item_init (DdQueueItem *self)
{
  self->cancellable = g_cancellable_new ();
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
}

DdQueueItem *
dd_queue_item_new_for_file (GFile *file)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  return g_object_new (DD_TYPE_QUEUE_ITEM, "file", file, "display-name", name, NULL);
}

DdQueueItem *
dd_queue_item_new_for_bytes (GBytes     *bytes,
                             const char *display_name)
{
  DdQueueItem *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_object_new (DD_TYPE_QUEUE_ITEM, "bytes", bytes, "display-name", display_name, NULL);
  self->size = g_bytes_get_size (bytes);
  return self;
}

/* An image already in the outbox (e.g. left from last time): its
 * thumbnail is made from the outbox's own copy. */
DdQueueItem *
dd_queue_item_new_for_job (DdJob *job)
{
  g_autoptr(GFile) file = NULL;
  DdQueueItem *self;
  const char *path;

  g_return_val_if_fail (DD_IS_JOB (job), NULL);

  path = dd_job_get_data_path (job);
  if (path != NULL)
    file = g_file_new_for_path (path);

  self = g_object_new (DD_TYPE_QUEUE_ITEM,
                       "display-name", dd_job_get_display_name (job),
                       "file", file,
                       "job", job,
                       NULL);
  self->from_outbox = TRUE;
  return self;
}

/* A row at once for an image still being read (a paste, a dropped
 * picture): dd_queue_item_set_bytes() fills it in. */
DdQueueItem *
dd_queue_item_new_placeholder (const char *display_name)
{
  DdQueueItem *self;

  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_object_new (DD_TYPE_QUEUE_ITEM, "display-name", display_name, NULL);
  self->loading = TRUE;
  return self;
}

gboolean
dd_queue_item_is_loading (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), FALSE);
  return self->loading;
}

/* The placeholder's image has come: its thumbnail follows, off the main
 * thread, if a row asked for one. */
void
dd_queue_item_set_bytes (DdQueueItem *self,
                         GBytes      *bytes)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));
  g_return_if_fail (self->loading);
  g_return_if_fail (bytes != NULL);

  self->bytes = g_bytes_ref (bytes);
  self->size = g_bytes_get_size (bytes);
  self->loading = FALSE;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  g_object_thaw_notify (G_OBJECT (self));
  if (self->thumbnail_scale > 0)
    dd_queue_item_load_thumbnail (self, self->thumbnail_scale);
}

/**
 * dd_queue_item_set_edited_bytes:
 * @bytes: the edited image (a PNG from dd_image_edit_apply())
 *
 * The image is now @bytes, not its file: the file on disk stays as it
 * was, and the outbox gets the edited pixels.  The size is known at once;
 * the thumbnail and the dimensions follow from a worker thread.  Only for
 * an item not yet handed to the outbox (dd_queue_item_is_editable()).
 */
void
dd_queue_item_set_edited_bytes (DdQueueItem *self,
                                GBytes      *bytes)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));
  g_return_if_fail (dd_queue_item_is_editable (self));
  g_return_if_fail (bytes != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->file != NULL)
    {
      g_clear_object (&self->file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = g_bytes_ref (bytes);
  self->size = g_bytes_get_size (bytes);
  self->edited = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  g_object_thaw_notify (G_OBJECT (self));

  /* the old thumbnail shows until the new one is there */
  self->thumbnail_serial++;
  self->thumbnail_started = FALSE;
  dd_queue_item_load_thumbnail (self, MAX (1, self->thumbnail_scale));
}

/* Whether the user has edited the image (its bytes are the edit's). */
gboolean
dd_queue_item_get_edited (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), FALSE);
  return self->edited;
}

/* Whether the editor may open it: its image is here, and not yet handed
 * to the outbox, whose copy is what would be sent. */
gboolean
dd_queue_item_is_editable (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), FALSE);

  return self->jobs->len == 0 && !self->loading && !self->from_outbox &&
         (self->bytes != NULL || self->file != NULL);
}

const char *
dd_queue_item_get_display_name (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->display_name;
}

GFile *
dd_queue_item_get_file (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->file;
}

GBytes *
dd_queue_item_get_bytes (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->bytes;
}

guint64
dd_queue_item_get_size (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), 0);
  return self->size;
}

guint
dd_queue_item_get_width (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), 0);
  return self->width;
}

guint
dd_queue_item_get_height (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), 0);
  return self->height;
}

GdkPaintable *
dd_queue_item_get_thumbnail (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->thumbnail;
}

/* The first of its jobs (NULL: not handed to the outbox); with one
 * robot, the only one. */
DdJob *
dd_queue_item_get_job (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->jobs->len > 0 ? g_ptr_array_index (self->jobs, 0) : NULL;
}

/**
 * dd_queue_item_get_jobs:
 *
 * Returns: (element-type DdJob) (transfer none): a job per robot the
 *   image was handed to, in the order they were added; empty before
 */
GPtrArray *
dd_queue_item_get_jobs (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return self->jobs;
}

/* (transfer full): its jobs, to walk while they change */
GPtrArray *
dd_queue_item_dup_jobs (DdQueueItem *self)
{
  GPtrArray *jobs;

  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);

  jobs = g_ptr_array_new_full (self->jobs->len, g_object_unref);
  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (jobs, g_object_ref (g_ptr_array_index (self->jobs, i)));
  return jobs;
}

/* The item's job for that robot, or NULL. */
DdJob *
dd_queue_item_find_job (DdQueueItem *self,
                        const char  *profile_id)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);

  for (guint i = 0; i < self->jobs->len; i++)
    if (g_strcmp0 (dd_job_get_profile_id (g_ptr_array_index (self->jobs, i)), profile_id) == 0)
      return g_ptr_array_index (self->jobs, i);
  return NULL;
}

/* Arrived everywhere: the outbox keeps what the history needs. */
static void
job_state_cb (DdQueueItem *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    if (dd_job_get_state (g_ptr_array_index (self->jobs, i)) != DD_JOB_SENT)
      return;
  if (self->jobs->len > 0)
    g_clear_pointer (&self->bytes, g_bytes_unref);
}

static void
take_job (DdQueueItem *self,
          DdJob       *job)
{
  /* the bytes stay until the image arrived: stopped, it can be sent
   * again */
  g_ptr_array_add (self->jobs, g_object_ref (job));
  g_signal_connect_object (job, "notify::state", G_CALLBACK (job_state_cb), self, G_CONNECT_SWAPPED);
}

/* Its only job from now (NULL: none, ready to be sent again). */
void
dd_queue_item_set_job (DdQueueItem *self,
                       DdJob       *job)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));
  g_return_if_fail (job == NULL || DD_IS_JOB (job));

  if (self->jobs->len == (job ? 1u : 0u) && dd_queue_item_get_job (self) == job)
    return;
  disconnect_jobs (self);
  g_ptr_array_set_size (self->jobs, 0);
  if (job != NULL)
    {
      take_job (self, job);
      job_state_cb (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

/* Another robot's job for the same image. */
void
dd_queue_item_add_job (DdQueueItem *self,
                       DdJob       *job)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));
  g_return_if_fail (DD_IS_JOB (job));

  if (g_ptr_array_find (self->jobs, job, NULL))
    return;
  take_job (self, job);
  job_state_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

/* One robot's job taken back (by Stop); the others stay. */
void
dd_queue_item_remove_job (DdQueueItem *self,
                          DdJob       *job)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));
  g_return_if_fail (DD_IS_JOB (job));

  g_signal_handlers_disconnect_by_func (job, job_state_cb, self);
  if (g_ptr_array_remove (self->jobs, job))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

/**
 * dd_queue_item_set_robots:
 * @ids: (nullable): the robots (profile ids) it still has to go to; %NULL:
 *   those chosen in the window when it is sent
 *
 * For an image taken back from some robots after it arrived at others.
 */
void
dd_queue_item_set_robots (DdQueueItem        *self,
                          const char * const *ids)
{
  g_return_if_fail (DD_IS_QUEUE_ITEM (self));

  g_strfreev (self->robots);
  self->robots = ids && ids[0] ? g_strdupv ((char **) ids) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

const char * const *
dd_queue_item_get_robots (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), NULL);
  return (const char * const *) self->robots;
}

/* Whether the item can be handed to the outbox again once its job is
 * gone: it has its own bytes or file, not the outbox's copy. */
gboolean
dd_queue_item_can_send_again (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), FALSE);

  return self->bytes != NULL || (self->file != NULL && !self->from_outbox);
}

static gboolean
job_is_removable (DdJob *job)
{
  switch (dd_job_get_state (job))
    {
    case DD_JOB_WAITING:
    case DD_JOB_FAILED:
    case DD_JOB_PAUSED:
    case DD_JOB_SENT:
      return TRUE;
    case DD_JOB_PREPARING:
    case DD_JOB_UPLOADING:
    case DD_JOB_SENDING:
    default:
      return FALSE;
    }
}

/* Before it is sent, or once it failed: not while it is on its way to
 * any of its robots. */
gboolean
dd_queue_item_is_removable (DdQueueItem *self)
{
  g_return_val_if_fail (DD_IS_QUEUE_ITEM (self), FALSE);

  for (guint i = 0; i < self->jobs->len; i++)
    if (!job_is_removable (g_ptr_array_index (self->jobs, i)))
      return FALSE;
  return TRUE;
}
