/* dd-job-private.h: what the outbox knows of a job beyond its properties
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-job.h"

G_BEGIN_DECLS

struct _DdJob
{
  GObject       parent_instance;

  /* properties */
  char         *id;
  char         *batch_id;
  char         *profile_id;
  char         *display_name;
  DdJobState    state;
  guint64       bytes_sent;
  guint64       bytes_total;
  guint         width;
  guint         height;
  char         *mime_type;
  char         *media_id;
  char         *error_message;
  gint64        errcode;
  gint64        retry_at;
  gint64        created_at;
  gint64        sent_at;
  guint         attempts;
  char         *data_path;
  char         *thumbnail_path;

  /* kept on disk, not properties */
  char         *dir;            /* the job's folder in the outbox */
  guint         seq;            /* its place in the batch */
  char         *filename;       /* the name DingTalk is told, once prepared */
  char         *sha256;         /* of the prepared bytes */
  gboolean      prepared;
  char         *title;          /* the batch's options */
  char         *caption;
  GStrv         at_mobiles;
  GStrv         at_user_ids;
  gboolean      at_all;
  gboolean      album;
  gboolean      caption_sent;   /* its message carried the caption */
  gboolean      thumbnail_owed; /* sent, its bytes kept until its thumbnail
                                 * is made (by the next outbox that loads,
                                 * if this process stopped first) */
  char         *msg_uuid;       /* DingTalk's idempotency key for the message
                                 * that starts with this image: made with the
                                 * job, the same on every retry */

  /* this process only */
  int           lock_fd;        /* >= 0 while this process owns the job */
};

#define DD_JOB_FILE       "job.json"
#define DD_JOB_ORIGINAL   "original"
#define DD_JOB_PREPARED   "prepared"
#define DD_JOB_THUMBNAIL  "thumbnail.png"
#define DD_JOB_LOCK       "lock"

DdJob    *dd_job_new                (const char  *id,
                                     const char  *dir);
void      dd_job_set_state          (DdJob       *self,
                                     DdJobState   state);
void      dd_job_set_progress       (DdJob       *self,
                                     guint64      bytes_sent);
void      dd_job_set_prepared       (DdJob       *self,
                                     guint64      bytes_total,
                                     guint        width,
                                     guint        height,
                                     const char  *mime_type,
                                     const char  *filename,
                                     const char  *sha256,
                                     const char  *thumbnail_path);
void      dd_job_set_media_id       (DdJob       *self,
                                     const char  *media_id);
void      dd_job_set_error          (DdJob       *self,
                                     const char  *message,
                                     gint64       errcode);
void      dd_job_set_retry_at       (DdJob       *self,
                                     gint64       retry_at);
void      dd_job_set_attempts       (DdJob       *self,
                                     guint        attempts);
void      dd_job_set_sent           (DdJob       *self,
                                     gint64       sent_at);
void      dd_job_set_thumbnail_path (DdJob       *self,
                                     const char  *thumbnail_path);
void      dd_job_set_data_path      (DdJob       *self,
                                     const char  *data_path);
void      dd_job_assign             (DdJob       *self,
                                     DdJob       *from);
int       dd_job_compare_order      (DdJob       *a,
                                     DdJob       *b);
char     *dd_job_path               (DdJob       *self,
                                     const char  *name);

G_END_DECLS
