/* dd-job.c: one image on its way to a group, as the outbox keeps it
 *
 * A job is a view of its folder in the outbox: the outbox changes it on
 * the main context only (through the setters in dd-job-private.h), so
 * every notify reaches widgets on the thread they live on.  Only a job
 * nobody else has seen yet (being made by the store's I/O thread) is
 * written elsewhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-job"

#include "config.h"

#include <unistd.h>

#include "dd-job-private.h"

G_DEFINE_ENUM_TYPE (DdJobState, dd_job_state,
  G_DEFINE_ENUM_VALUE (DD_JOB_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (DD_JOB_PREPARING, "preparing"),
  G_DEFINE_ENUM_VALUE (DD_JOB_UPLOADING, "uploading"),
  G_DEFINE_ENUM_VALUE (DD_JOB_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (DD_JOB_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (DD_JOB_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (DD_JOB_PAUSED, "paused"))

G_DEFINE_FINAL_TYPE (DdJob, dd_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_BATCH_ID,
  PROP_PROFILE_ID,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_BYTES_SENT,
  PROP_BYTES_TOTAL,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_MIME_TYPE,
  PROP_MEDIA_ID,
  PROP_ERROR_MESSAGE,
  PROP_ERRCODE,
  PROP_RETRY_AT,
  PROP_CREATED_AT,
  PROP_SENT_AT,
  PROP_ATTEMPTS,
  PROP_DATA_PATH,
  PROP_THUMBNAIL_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dd_job_dispose (GObject *object)
{
  DdJob *self = (DdJob *) object;

  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);  /* releases the lock */
      self->lock_fd = -1;
    }

  G_OBJECT_CLASS (dd_job_parent_class)->dispose (object);
}

static void
dd_job_finalize (GObject *object)
{
  DdJob *self = (DdJob *) object;

  g_free (self->id);
  g_free (self->batch_id);
  g_free (self->profile_id);
  g_free (self->display_name);
  g_free (self->mime_type);
  g_free (self->media_id);
  g_free (self->error_message);
  g_free (self->data_path);
  g_free (self->thumbnail_path);
  g_free (self->dir);
  g_free (self->filename);
  g_free (self->sha256);
  g_free (self->title);
  g_free (self->caption);
  g_strfreev (self->at_mobiles);
  g_strfreev (self->at_user_ids);
  g_free (self->msg_uuid);

  G_OBJECT_CLASS (dd_job_parent_class)->finalize (object);
}

static void
dd_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  DdJob *self = DD_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:             g_value_set_string (value, self->id); break;
    case PROP_BATCH_ID:       g_value_set_string (value, self->batch_id); break;
    case PROP_PROFILE_ID:     g_value_set_string (value, self->profile_id); break;
    case PROP_DISPLAY_NAME:   g_value_set_string (value, self->display_name); break;
    case PROP_STATE:          g_value_set_enum (value, self->state); break;
    case PROP_BYTES_SENT:     g_value_set_uint64 (value, self->bytes_sent); break;
    case PROP_BYTES_TOTAL:    g_value_set_uint64 (value, self->bytes_total); break;
    case PROP_WIDTH:          g_value_set_uint (value, self->width); break;
    case PROP_HEIGHT:         g_value_set_uint (value, self->height); break;
    case PROP_MIME_TYPE:      g_value_set_string (value, self->mime_type); break;
    case PROP_MEDIA_ID:       g_value_set_string (value, self->media_id); break;
    case PROP_ERROR_MESSAGE:  g_value_set_string (value, self->error_message); break;
    case PROP_ERRCODE:        g_value_set_int64 (value, self->errcode); break;
    case PROP_RETRY_AT:       g_value_set_int64 (value, self->retry_at); break;
    case PROP_CREATED_AT:     g_value_set_int64 (value, self->created_at); break;
    case PROP_SENT_AT:        g_value_set_int64 (value, self->sent_at); break;
    case PROP_ATTEMPTS:       g_value_set_uint (value, self->attempts); break;
    case PROP_DATA_PATH:      g_value_set_string (value, self->data_path); break;
    case PROP_THUMBNAIL_PATH: g_value_set_string (value, self->thumbnail_path); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_job_class_init (DdJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = dd_job_dispose;
  object_class->finalize = dd_job_finalize;
  object_class->get_property = dd_job_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_BATCH_ID] = g_param_spec_string ("batch-id", NULL, NULL, NULL, flags);
  properties[PROP_PROFILE_ID] = g_param_spec_string ("profile-id", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DD_TYPE_JOB_STATE, DD_JOB_WAITING, flags);
  properties[PROP_BYTES_SENT] =
    g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_WIDTH] = g_param_spec_uint ("width", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_HEIGHT] = g_param_spec_uint ("height", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);
  properties[PROP_MEDIA_ID] = g_param_spec_string ("media-id", NULL, NULL, NULL, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_ERRCODE] =
    g_param_spec_int64 ("errcode", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_RETRY_AT] =
    g_param_spec_int64 ("retry-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SENT_AT] =
    g_param_spec_int64 ("sent-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_DATA_PATH] = g_param_spec_string ("data-path", NULL, NULL, NULL, flags);
  properties[PROP_THUMBNAIL_PATH] = g_param_spec_string ("thumbnail-path", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dd_job_init (DdJob *self)
{
  self->lock_fd = -1;
  self->state = DD_JOB_WAITING;
}

DdJob *
dd_job_new (const char *id,
            const char *dir)
{
  DdJob *self = g_object_new (DD_TYPE_JOB, NULL);

  self->id = g_strdup (id);
  self->dir = g_strdup (dir);

  return self;
}

/* ---- getters ------------------------------------------------------------ */

#define GETTER(type, name, fallback) \
  type \
  dd_job_get_##name (DdJob *self) \
  { \
    g_return_val_if_fail (DD_IS_JOB (self), fallback); \
    return self->name; \
  }

GETTER (const char *, id, NULL)
GETTER (const char *, batch_id, NULL)
GETTER (const char *, profile_id, NULL)
GETTER (const char *, display_name, NULL)
GETTER (DdJobState, state, DD_JOB_WAITING)
GETTER (guint64, bytes_sent, 0)
GETTER (guint64, bytes_total, 0)
GETTER (guint, width, 0)
GETTER (guint, height, 0)
GETTER (const char *, mime_type, NULL)
GETTER (const char *, media_id, NULL)
GETTER (const char *, error_message, NULL)
GETTER (gint64, errcode, 0)
GETTER (gint64, retry_at, 0)
GETTER (gint64, created_at, 0)
GETTER (gint64, sent_at, 0)
GETTER (guint, attempts, 0)
GETTER (const char *, data_path, NULL)
GETTER (const char *, thumbnail_path, NULL)

#undef GETTER

gboolean
dd_job_is_finished (DdJob *self)
{
  g_return_val_if_fail (DD_IS_JOB (self), FALSE);
  return self->state == DD_JOB_SENT || self->state == DD_JOB_FAILED;
}

/* ---- for the outbox ----------------------------------------------------- */

static void
set_string (DdJob       *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define SET_NUMBER(field, value, prop) \
  G_STMT_START { \
    if (self->field != (value)) \
      { \
        self->field = (value); \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

void
dd_job_set_state (DdJob      *self,
                  DdJobState  state)
{
  g_return_if_fail (DD_IS_JOB (self));
  SET_NUMBER (state, state, PROP_STATE);
}

void
dd_job_set_progress (DdJob   *self,
                     guint64  bytes_sent)
{
  g_return_if_fail (DD_IS_JOB (self));
  SET_NUMBER (bytes_sent, bytes_sent, PROP_BYTES_SENT);
}

void
dd_job_set_thumbnail_path (DdJob      *self,
                           const char *thumbnail_path)
{
  g_return_if_fail (DD_IS_JOB (self));
  set_string (self, &self->thumbnail_path, thumbnail_path, PROP_THUMBNAIL_PATH);
}

void
dd_job_set_prepared (DdJob      *self,
                     guint64     bytes_total,
                     guint       width,
                     guint       height,
                     const char *mime_type,
                     const char *filename,
                     const char *sha256,
                     const char *thumbnail_path)
{
  g_return_if_fail (DD_IS_JOB (self));

  g_object_freeze_notify (G_OBJECT (self));
  SET_NUMBER (bytes_total, bytes_total, PROP_BYTES_TOTAL);
  SET_NUMBER (width, width, PROP_WIDTH);
  SET_NUMBER (height, height, PROP_HEIGHT);
  set_string (self, &self->mime_type, mime_type, PROP_MIME_TYPE);
  set_string (self, &self->thumbnail_path, thumbnail_path, PROP_THUMBNAIL_PATH);
  g_free (self->filename);
  self->filename = g_strdup (filename);
  g_free (self->sha256);
  self->sha256 = g_strdup (sha256);
  self->prepared = filename != NULL;
  g_object_thaw_notify (G_OBJECT (self));
}

void
dd_job_set_media_id (DdJob      *self,
                     const char *media_id)
{
  g_return_if_fail (DD_IS_JOB (self));
  set_string (self, &self->media_id, media_id, PROP_MEDIA_ID);
}

void
dd_job_set_error (DdJob      *self,
                  const char *message,
                  gint64      errcode)
{
  g_return_if_fail (DD_IS_JOB (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  SET_NUMBER (errcode, errcode, PROP_ERRCODE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
dd_job_set_retry_at (DdJob  *self,
                     gint64  retry_at)
{
  g_return_if_fail (DD_IS_JOB (self));
  SET_NUMBER (retry_at, retry_at, PROP_RETRY_AT);
}

void
dd_job_set_attempts (DdJob *self,
                     guint  attempts)
{
  g_return_if_fail (DD_IS_JOB (self));
  SET_NUMBER (attempts, attempts, PROP_ATTEMPTS);
}

void
dd_job_set_sent (DdJob  *self,
                 gint64  sent_at)
{
  g_return_if_fail (DD_IS_JOB (self));

  g_object_freeze_notify (G_OBJECT (self));
  SET_NUMBER (sent_at, sent_at, PROP_SENT_AT);
  SET_NUMBER (retry_at, 0, PROP_RETRY_AT);
  SET_NUMBER (state, DD_JOB_SENT, PROP_STATE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
dd_job_set_data_path (DdJob      *self,
                      const char *data_path)
{
  g_return_if_fail (DD_IS_JOB (self));
  set_string (self, &self->data_path, data_path, PROP_DATA_PATH);
}

/* Takes over what @from (freshly read from disk) says, with a notify for
 * each property that changed: how a job that another process owns is kept
 * up to date. */
void
dd_job_assign (DdJob *self,
               DdJob *from)
{
  g_return_if_fail (DD_IS_JOB (self));
  g_return_if_fail (DD_IS_JOB (from));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->batch_id, from->batch_id, PROP_BATCH_ID);
  set_string (self, &self->profile_id, from->profile_id, PROP_PROFILE_ID);
  set_string (self, &self->display_name, from->display_name, PROP_DISPLAY_NAME);
  SET_NUMBER (state, from->state, PROP_STATE);
  SET_NUMBER (bytes_sent, from->bytes_sent, PROP_BYTES_SENT);
  dd_job_set_prepared (self, from->bytes_total, from->width, from->height, from->mime_type,
                       from->filename, from->sha256, from->thumbnail_path);
  set_string (self, &self->media_id, from->media_id, PROP_MEDIA_ID);
  dd_job_set_error (self, from->error_message, from->errcode);
  SET_NUMBER (retry_at, from->retry_at, PROP_RETRY_AT);
  SET_NUMBER (created_at, from->created_at, PROP_CREATED_AT);
  SET_NUMBER (sent_at, from->sent_at, PROP_SENT_AT);
  SET_NUMBER (attempts, from->attempts, PROP_ATTEMPTS);
  set_string (self, &self->data_path, from->data_path, PROP_DATA_PATH);
  self->seq = from->seq;
  self->caption_sent = from->caption_sent;
  self->thumbnail_owed = from->thumbnail_owed;
  if (g_strcmp0 (self->msg_uuid, from->msg_uuid) != 0)
    {
      g_free (self->msg_uuid);
      self->msg_uuid = g_strdup (from->msg_uuid);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

#undef SET_NUMBER

/* The user's order: by the time their batch was made, then within it. */
int
dd_job_compare_order (DdJob *a,
                      DdJob *b)
{
  int c;

  if (a->created_at != b->created_at)
    return a->created_at < b->created_at ? -1 : 1;
  if ((c = g_strcmp0 (a->batch_id, b->batch_id)) != 0)
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

char *
dd_job_path (DdJob      *self,
             const char *name)
{
  return g_build_filename (self->dir, name, NULL);
}
