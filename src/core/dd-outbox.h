/* dd-outbox.h: every image the user asked to send, kept on disk until it
 * arrived — across crashes, restarts and DingTalk's rate limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-job.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_OUTBOX_DEFAULT_CONCURRENT_UPLOADS 3
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

/* Returns the current time in µs since the epoch; tests inject their own. */
typedef gint64 (*DdClockFunc) (gpointer user_data);

/* A GListModel of DdJob: the jobs not yet sent (waiting, in progress,
 * paused, failed), in the order the user gave them.  Sent jobs move to
 * dd_outbox_get_history() (newest first, at most DD_OUTBOX_HISTORY_SIZE).
 *
 * Signals:
 *   "batch-finished" (const char *batch_id, guint n_sent, guint n_failed)
 *       every job of the batch is sent or failed
 *   "job-failed" (DdJob *job)
 */

DdOutbox   *dd_outbox_new                 (const char          *directory,   /* NULL: $XDG_DATA_HOME/dingdrop/outbox */
                                           DdClient            *client,
                                           DdProfileStore      *profiles);
gboolean    dd_outbox_load                (DdOutbox            *self,
                                           GError             **error);
GListModel *dd_outbox_get_history         (DdOutbox            *self);

void        dd_outbox_set_clock           (DdOutbox            *self,
                                           DdClockFunc          clock,
                                           gpointer             user_data);
gint64      dd_outbox_now                 (DdOutbox            *self);     /* by that clock: compare with retry-at */
void        dd_outbox_set_max_concurrent_uploads (DdOutbox     *self,
                                           guint                n);
void        dd_outbox_set_sends_per_minute (DdOutbox           *self,
                                           guint                n);
void        dd_outbox_set_keep_history_images (DdOutbox        *self,
                                           gboolean             keep);

/* One image to add: a file, or bytes (a pasted screenshot, standard
 * input), with the name to show for it (NULL: the file's own name). */
typedef struct _DdOutboxSource DdOutboxSource;

#define DD_TYPE_OUTBOX_SOURCE (dd_outbox_source_get_type ())

GType           dd_outbox_source_get_type       (void) G_GNUC_CONST;
DdOutboxSource *dd_outbox_source_new_for_file   (GFile                *file,
                                                 const char           *display_name);
DdOutboxSource *dd_outbox_source_new_for_bytes  (GBytes               *bytes,
                                                 const char           *display_name);
DdOutboxSource *dd_outbox_source_copy           (const DdOutboxSource *source);
void            dd_outbox_source_free           (DdOutboxSource       *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdOutboxSource, dd_outbox_source_free)

/* Adds a batch of DdOutboxSource; the bytes are copied into the outbox
 * before this returns (async), so a pasted screenshot or a file deleted
 * meanwhile is not lost. */
void        dd_outbox_add_async           (DdOutbox            *self,
                                           DdProfile           *profile,
                                           GPtrArray           *sources,
                                           const DdSendOptions *options,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char       *dd_outbox_add_finish          (DdOutbox            *self,       /* returns the batch id */
                                           GAsyncResult        *result,
                                           GError             **error);

void        dd_outbox_start               (DdOutbox            *self);     /* process (and resume) every job this process can lock */
void        dd_outbox_stop                (DdOutbox            *self);
gboolean    dd_outbox_is_busy             (DdOutbox            *self);
gboolean    dd_outbox_retry               (DdOutbox            *self,
                                           DdJob               *job,
                                           GError             **error);
gboolean    dd_outbox_remove              (DdOutbox            *self,
                                           DdJob               *job,
                                           GError             **error);
DdJob      *dd_outbox_lookup              (DdOutbox            *self,
                                           const char          *job_id);
GPtrArray  *dd_outbox_get_batch_jobs      (DdOutbox            *self,       /* (element-type DdJob) (transfer container), in the user's order */
                                           const char          *batch_id);
gboolean    dd_outbox_owns_job            (DdOutbox            *self,       /* this process holds the job's lock */
                                           DdJob               *job);

typedef enum {
  DD_OUTBOX_CLEAR_SENT   = 1 << 0,
  DD_OUTBOX_CLEAR_FAILED = 1 << 1,
} DdOutboxClearFlags;

guint       dd_outbox_clear               (DdOutbox            *self,
                                           DdOutboxClearFlags   flags);

G_END_DECLS
