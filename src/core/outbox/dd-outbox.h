/* dd-outbox.h: every image the user asked to send, kept on disk until it
 * arrived — across crashes, restarts and DingTalk's rate limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-job.h"
#include "dd-outbox-source.h"
#include "dd-profile-store.h"
#include "dd-robot-pacer.h"

G_BEGIN_DECLS

#define DD_OUTBOX_DEFAULT_CONCURRENT_UPLOADS 4
#define DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE   20
#define DD_OUTBOX_RATE_PAUSE_SECONDS         600
#define DD_OUTBOX_MAX_ATTEMPTS               5
#define DD_OUTBOX_HISTORY_SIZE               500

/* How a batch is sent: one message per image (with the caption and the
 * mentions on the first), or as an album, one message holding every image
 * (split only where DingTalk's body limit forces it). */
typedef struct {
  const char         *title;
  const char         *caption;
  const char * const *at_mobiles;
  const char * const *at_user_ids;
  gboolean            at_all;
  gboolean            album;     /* one message holding every image */
} DdSendOptions;

#define DD_TYPE_OUTBOX (dd_outbox_get_type ())

G_DECLARE_FINAL_TYPE (DdOutbox, dd_outbox, DD, OUTBOX, GObject)

/* A GListModel of DdJob: the jobs not yet sent (waiting, in progress,
 * paused, failed), in the order the user gave them.  Sent jobs move to
 * dd_outbox_get_history() (newest first, at most DD_OUTBOX_HISTORY_SIZE).
 * Jobs are objects with a stable id: hold on to the DdJob (or its id),
 * never to a position.
 *
 * Signals:
 *   "batch-finished" (const char *batch_id, guint n_sent, guint n_failed)
 *       every job of the batch is sent or failed
 *   "job-failed" (DdJob *job)
 *   "robot-changed" (const char *profile_id)
 *       DingTalk paused the robot, or a pause ended, or its pacing
 *       changed, or its images began or stopped being retried after a
 *       transient error: see dd_outbox_get_robot_paused_until(),
 *       dd_outbox_estimate() and dd_outbox_get_robot_trouble()
 */

DdOutbox   *dd_outbox_new                 (const char          *directory,   /* NULL: $XDG_DATA_HOME/dingdrop/outbox */
                                           DdClient            *client,
                                           DdProfileStore      *profiles);
void        dd_outbox_load_async          (DdOutbox            *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    dd_outbox_load_finish         (DdOutbox            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
GListModel *dd_outbox_get_history         (DdOutbox            *self);
GPtrArray  *dd_outbox_get_damaged         (DdOutbox            *self);     /* (element-type filename) (transfer none) */

void        dd_outbox_set_clock           (DdOutbox            *self,
                                           DdClockFunc          clock,
                                           gpointer             user_data);
gint64      dd_outbox_now                 (DdOutbox            *self);     /* by that clock: compare with retry-at */
void        dd_outbox_set_max_concurrent_uploads (DdOutbox     *self,
                                           guint                n);
guint       dd_outbox_get_sends_per_minute (DdOutbox           *self);
void        dd_outbox_set_max_megapixels (DdOutbox             *self,
                                          guint                 megapixels);
void        dd_outbox_set_sends_per_minute (DdOutbox           *self,
                                           guint                n);
void        dd_outbox_set_keep_history_images (DdOutbox        *self,
                                           gboolean             keep);
void        dd_outbox_set_make_thumbnails (DdOutbox            *self,
                                           gboolean             make);

void        dd_outbox_add_async           (DdOutbox            *self,
                                           DdProfile           *profile,
                                           GPtrArray           *sources,
                                           const DdSendOptions *options,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GPtrArray  *dd_outbox_add_finish          (DdOutbox            *self,       /* (element-type DdJob): one per source, in order */
                                           GAsyncResult        *result,
                                           GError             **error);

void        dd_outbox_prefetch_token      (DdOutbox            *self,
                                           DdProfile           *profile);
void        dd_outbox_start               (DdOutbox            *self);     /* process (and resume) every job this process can lock */
void        dd_outbox_stop                (DdOutbox            *self);
gboolean    dd_outbox_is_busy             (DdOutbox            *self);
void        dd_outbox_close_async         (DdOutbox            *self,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    dd_outbox_close_finish        (DdOutbox            *self,
                                           GAsyncResult        *result);

void        dd_outbox_retry_async         (DdOutbox            *self,
                                           DdJob               *job,
                                           DdProfile           *profile,    /* nullable: the job's own robot */
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    dd_outbox_retry_finish        (DdOutbox            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
void        dd_outbox_remove_async        (DdOutbox            *self,
                                           DdJob               *job,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    dd_outbox_remove_finish       (DdOutbox            *self,
                                           GAsyncResult        *result,
                                           GError             **error);

DdJob      *dd_outbox_lookup              (DdOutbox            *self,
                                           const char          *job_id);
GPtrArray  *dd_outbox_get_batch_jobs      (DdOutbox            *self,       /* (element-type DdJob) (transfer container), in the user's order */
                                           const char          *batch_id);
gboolean    dd_outbox_owns_job            (DdOutbox            *self,       /* this process holds the job's lock */
                                           DdJob               *job);

gint64      dd_outbox_get_robot_paused_until (DdOutbox         *self,
                                           const char          *profile_id);
const GError *dd_outbox_get_robot_trouble (DdOutbox           *self,       /* (nullable) (transfer none) */
                                           const char          *profile_id,
                                           gint64              *retry_at);
gint64      dd_outbox_estimate            (DdOutbox            *self,
                                           const char          *profile_id,
                                           guint                n_more);
char       *dd_outbox_describe_wait       (gint64               usec);

typedef enum {
  DD_OUTBOX_CLEAR_SENT   = 1 << 0,
  DD_OUTBOX_CLEAR_FAILED = 1 << 1,
} DdOutboxClearFlags;

void        dd_outbox_clear_async         (DdOutbox            *self,
                                           DdOutboxClearFlags   flags,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
guint       dd_outbox_clear_finish        (DdOutbox            *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
