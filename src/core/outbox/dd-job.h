/* dd-job.h: one image on its way to a group, as the outbox keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  DD_JOB_WAITING,     /* queued, not started */
  DD_JOB_PREPARING,   /* being turned into something DingTalk takes */
  DD_JOB_UPLOADING,   /* bytes-sent / bytes-total tell how far */
  DD_JOB_SENDING,     /* uploaded (media-id known), message on its way */
  DD_JOB_SENT,        /* done: media-id, sent-at */
  DD_JOB_FAILED,      /* error-message, errcode; stays until retried or removed */
  DD_JOB_PAUSED,      /* the robot hit DingTalk's limit: retry-at */
} DdJobState;

#define DD_TYPE_JOB_STATE (dd_job_state_get_type ())
GType dd_job_state_get_type (void) G_GNUC_CONST;

#define DD_TYPE_JOB (dd_job_get_type ())

G_DECLARE_FINAL_TYPE (DdJob, dd_job, DD, JOB, GObject)

/* Read-only properties, each with notify when it changes (always on the
 * main context the outbox runs in, so widgets may bind to them):
 *   "id"            string   unique, stable across restarts
 *   "batch-id"      string   the jobs the user sent together
 *   "profile-id"    string   the robot
 *   "display-name"  string   "shot.png", "Pasted image 14:03"
 *   "state"         DdJobState
 *   "bytes-sent"    guint64  while uploading
 *   "bytes-total"   guint64  the prepared image's size (0 before prepared)
 *   "width", "height" guint  of the prepared image (0 before prepared)
 *   "mime-type"     string   of the prepared image
 *   "media-id"      string   once uploaded
 *   "error-message" string   the translated sentence, when failed
 *   "errcode"       gint64   DingTalk's errcode, when failed (0 otherwise)
 *   "retry-at"      gint64   when paused or backing off: unix time in µs
 *   "created-at"    gint64   unix µs
 *   "sent-at"       gint64   unix µs, once sent
 *   "attempts"      guint    transient failures so far
 *   "data-path"     string   the outbox's own copy of the bytes (nullable
 *                            once sent and not kept)
 *   "thumbnail-path" string  a small PNG of the prepared image, at most
 *                            256×256 (nullable until prepared); kept with
 *                            the history
 */

const char *dd_job_get_id            (DdJob *self);
const char *dd_job_get_batch_id      (DdJob *self);
const char *dd_job_get_profile_id    (DdJob *self);
const char *dd_job_get_display_name  (DdJob *self);
DdJobState  dd_job_get_state         (DdJob *self);
guint64     dd_job_get_bytes_sent    (DdJob *self);
guint64     dd_job_get_bytes_total   (DdJob *self);
guint       dd_job_get_width         (DdJob *self);
guint       dd_job_get_height        (DdJob *self);
const char *dd_job_get_mime_type     (DdJob *self);
const char *dd_job_get_media_id      (DdJob *self);
const char *dd_job_get_error_message (DdJob *self);
gint64      dd_job_get_errcode       (DdJob *self);
gint64      dd_job_get_retry_at      (DdJob *self);
gint64      dd_job_get_created_at    (DdJob *self);
gint64      dd_job_get_sent_at       (DdJob *self);
guint       dd_job_get_attempts      (DdJob *self);
const char *dd_job_get_data_path     (DdJob *self);
const char *dd_job_get_thumbnail_path (DdJob *self);
gboolean    dd_job_is_finished       (DdJob *self);   /* sent or failed */

G_END_DECLS
