/* dd-outbox-scheduler.h: what happens to each job this process owns, and
 * when: prepare, upload, send; retries, DingTalk's pauses, cancellation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-job-private.h"
#include "dd-media-cache.h"
#include "dd-outbox-store.h"
#include "dd-profile-store.h"
#include "dd-robot-pacer.h"

G_BEGIN_DECLS

#define DD_SCHEDULER_MAX_ATTEMPTS 5
#define DD_SCHEDULER_PAUSE_US     (G_GINT64_CONSTANT (600) * G_USEC_PER_SEC)

#define DD_TYPE_OUTBOX_SCHEDULER (dd_outbox_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (DdOutboxScheduler, dd_outbox_scheduler, DD, OUTBOX_SCHEDULER, GObject)

/* Signals:
 *   "job-finished" (DdJob *job)
 *       the job is sent or failed; it stays locked, not saved yet (the
 *       handler saves it, durably), and the scheduler no longer works on
 *       it
 *   "robot-changed" (const char *profile_id)
 *       the robot's pause or pacing changed: ask again how long its
 *       images will take; or its trouble began or ended (see
 *       dd_outbox_scheduler_get_trouble())
 *   "thumbnail-done" (DdJob *job)
 *       the job's thumbnail was made (its thumbnail-path is set, not saved
 *       if the job is finished) or will not be; made after the job's
 *       image was prepared, when no job waits to be prepared, and it may
 *       come after "job-finished"; a thumbnail goes on after stop, until
 *       the scheduler is disposed
 */

DdOutboxScheduler *dd_outbox_scheduler_new           (DdClient          *client,
                                                      DdProfileStore    *profiles,
                                                      DdOutboxStore     *store,
                                                      DdRobotPacer      *pacer,
                                                      DdMediaCache      *media);
void               dd_outbox_scheduler_set_clock     (DdOutboxScheduler *self,
                                                      DdClockFunc        clock,
                                                      gpointer           user_data);
void               dd_outbox_scheduler_set_max_uploads (DdOutboxScheduler *self,
                                                      guint              n);
void               dd_outbox_scheduler_set_sends_per_minute (DdOutboxScheduler *self,
                                                      guint              n);
void               dd_outbox_scheduler_set_max_pixels (DdOutboxScheduler *self,
                                                      guint64            n);

void               dd_outbox_scheduler_start         (DdOutboxScheduler *self);
void               dd_outbox_scheduler_stop          (DdOutboxScheduler *self);
void               dd_outbox_scheduler_add           (DdOutboxScheduler *self,
                                                      DdJob             *job);
void               dd_outbox_scheduler_remove        (DdOutboxScheduler *self,
                                                      DdJob             *job);
gboolean           dd_outbox_scheduler_has           (DdOutboxScheduler *self,
                                                      DdJob             *job);
void               dd_outbox_scheduler_caption_sent  (DdOutboxScheduler *self,
                                                      const char        *batch_id);
void               dd_outbox_scheduler_wake          (DdOutboxScheduler *self);
guint              dd_outbox_scheduler_get_n_jobs    (DdOutboxScheduler *self);
gboolean           dd_outbox_scheduler_thumbnail_pending (DdOutboxScheduler *self,
                                                      DdJob             *job);
guint              dd_outbox_scheduler_get_n_thumbnails (DdOutboxScheduler *self);
void               dd_outbox_scheduler_prefetch_token (DdOutboxScheduler *self,
                                                      DdProfile         *profile);
void               dd_outbox_scheduler_make_thumbnail (DdOutboxScheduler *self,
                                                      DdJob             *job);
void               dd_outbox_scheduler_forgo_thumbnails (DdOutboxScheduler *self);
void               dd_outbox_scheduler_set_make_thumbnails (DdOutboxScheduler *self,
                                                           gboolean           make);
void               dd_outbox_scheduler_set_max_thumbnails (DdOutboxScheduler *self,
                                                      guint              n);
gint64             dd_outbox_scheduler_estimate      (DdOutboxScheduler *self,
                                                      const char        *profile_id,
                                                      guint              n_more);
const GError      *dd_outbox_scheduler_get_trouble   (DdOutboxScheduler *self,
                                                      const char        *profile_id,
                                                      gint64            *retry_at);

G_END_DECLS
