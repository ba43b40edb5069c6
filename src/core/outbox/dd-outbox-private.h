/* dd-outbox-private.h: what the façade's files share, and what tests may
 * reach beneath it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-io-queue.h"
#include "dd-job-private.h"
#include "dd-media-cache.h"
#include "dd-outbox-scheduler.h"
#include "dd-outbox-store.h"
#include "dd-outbox.h"
#include "dd-robot-pacer.h"

G_BEGIN_DECLS

struct _DdOutbox
{
  GObject            parent_instance;

  char              *directory;
  DdClient          *client;
  DdProfileStore    *profiles;

  DdIoQueue         *queue;
  DdIoQueue         *pacer_queue; /* the robots' files: not behind the jobs' fsyncs */
  DdOutboxStore     *store;
  DdRobotPacer      *pacer;
  DdMediaCache      *media;
  DdOutboxScheduler *scheduler;

  GPtrArray         *jobs;            /* DdJob: the model, in the user's order */
  GListStore        *history;         /* DdJob: sent, newest first */
  GPtrArray         *damaged;         /* char *: job folders whose job.json cannot be read */

  DdClockFunc        clock;
  gpointer           clock_data;
  gboolean           keep_history_images;
  guint              sends_per_minute;
  gboolean           no_thumbnails;   /* dd_outbox_set_make_thumbnails() */

  gboolean           loaded;          /* manages the whole folder, not only its own jobs */
  gboolean           started;
  guint              n_adding;
  GHashTable        *creating;        /* ids of the jobs being made: not another process's */
  GPtrArray         *closing;         /* GTask: closes waiting for the adds */
  GHashTable        *thumb_waiting;   /* DdJob: sent, locked, its bytes kept for its thumbnail */
  guint              poll_id;
  gboolean           scanning;
  gboolean           locking;
  GFileMonitor      *monitor;
  GCancellable      *cancellable;     /* of the outbox's own I/O, until dispose */
};

/* dd-outbox.c, for dd-outbox-actions.c and dd-outbox-follow.c */
void     _dd_outbox_insert_job        (DdOutbox     *self,
                                       DdJob        *job);
void     _dd_outbox_forget_job        (DdOutbox     *self,
                                       DdJob        *job);
void     _dd_outbox_job_finished      (DdOutbox     *self,
                                       DdJob        *job);
gboolean _dd_outbox_in_model          (DdOutbox     *self,
                                       DdJob        *job);
void     _dd_outbox_check_batch       (DdOutbox     *self,
                                       const char   *batch_id);
void     _dd_outbox_emit_job_failed   (DdOutbox     *self,
                                       DdJob        *job);
void     _dd_outbox_schedule          (DdOutbox     *self,
                                       DdJob        *job);
void     _dd_outbox_adds_done         (DdOutbox     *self);
void     _dd_outbox_make_owed_thumbnail (DdOutbox   *self,
                                       DdJob        *job);

/* dd-outbox-follow.c, for dd-outbox.c */
void     _dd_outbox_take_over         (DdOutbox     *self);
void     _dd_outbox_schedule_poll     (DdOutbox     *self,
                                       guint         interval_ms);

/* For tests: the layers beneath the façade. */
DdOutboxStore *dd_outbox_get_store    (DdOutbox     *self);
DdRobotPacer  *dd_outbox_get_pacer    (DdOutbox     *self);

G_END_DECLS
