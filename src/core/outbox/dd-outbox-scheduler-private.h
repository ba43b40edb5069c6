/* dd-outbox-scheduler-private.h: what the scheduler's files share
 *
 * dd-outbox-scheduler.c has the object, its jobs and robots, outcomes and
 * the pump; dd-outbox-scheduler-steps.c a job's preparation and upload;
 * dd-outbox-scheduler-send.c the robots' messages.  The two helpers call
 * only into the main file, through the friends below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-outbox-scheduler.h"

G_BEGIN_DECLS

typedef enum {
  PHASE_IDLE,
  PHASE_PREPARING,
  PHASE_LOOKING_UP,
  PHASE_UPLOADING,
  PHASE_SENDING,
} Phase;

typedef struct {
  DdJob        *job;
  guint64       serial;        /* this run's, never reused: a callback of an
                                * earlier run of the job does not touch it */
  Phase         phase;
  gboolean      looked_up;     /* the media cache was asked */
  gboolean      prepared_here; /* its prepared file is this run's */
  GCancellable *cancellable;   /* of what runs for it now */
} Run;

typedef struct {
  char      *id;
  DdProfile *profile;          /* with its secrets, once loaded */
  gboolean   loading;
  gboolean   busy;             /* reserving or sending a message */
  guint      turn;             /* bumped for every message turn, and on stop */
  gint64     next_send_at;     /* the pacer said: not before */
  guint      generation;       /* bumped when the profile changed */
  GError    *trouble;          /* the last transient error, until DingTalk
                                * answers again: retried, not failed */
  /* the next message's reservation, asked for while one is on its way
   * (dd-outbox-scheduler-send.c) */
  guint64    ahead_ticket;     /* 0: none held */
  guint      ahead_generation; /* the profile's when it was taken */
  gboolean   ahead_asked;      /* asked for, no answer yet */
  gpointer   ahead_waiter;     /* the turn waiting for that answer */
  guint      ahead_timeout_id; /* gives an unused one back */
} Robot;

struct _DdOutboxScheduler
{
  GObject         parent_instance;

  DdClient       *client;
  DdProfileStore *profiles;
  DdOutboxStore  *store;
  DdRobotPacer   *pacer;
  DdMediaCache   *media;

  DdClockFunc     clock;
  gpointer        clock_data;
  guint           max_uploads;
  guint           max_prepares;
  guint64         max_pixels;    /* 0: the image code's default */
  guint           sends_per_minute;

  GPtrArray      *jobs;        /* DdJob, in the user's order */
  GHashTable     *runs;        /* DdJob -> Run */
  GHashTable     *robots;      /* profile id -> Robot */
  GHashTable     *captions;    /* batch ids whose caption arrived */

  GQueue         *thumbs;      /* DdJob: waiting for its thumbnail */
  GHashTable     *thumbnailing; /* DdJob: its thumbnail being made */
  guint           max_thumbnails;
  gboolean        no_thumbnails; /* none made while sending (dingdrop send) */
  gboolean        prepare_waiting; /* a job waits for a place to be prepared */
  GCancellable   *thumb_cancellable; /* of the thumbnails, until dispose */

  gboolean        started;
  GCancellable   *cancellable;
  guint64         next_serial;
  guint           wake_id;
  guint           pump_id;
};

/* dd-outbox-scheduler.c */
Run    *_dd_scheduler_find_run       (DdOutboxScheduler *self,
                                      DdJob             *job,
                                      guint64            serial);
gint64  _dd_scheduler_now            (DdOutboxScheduler *self);
void    _dd_scheduler_stop_ahead     (DdOutboxScheduler *self,
                                      Robot             *robot);
Robot  *_dd_scheduler_get_robot      (DdOutboxScheduler *self,
                                      const char        *profile_id);
void    _dd_scheduler_schedule_pump  (DdOutboxScheduler *self);
Run    *_dd_scheduler_idle_run       (DdOutboxScheduler *self,
                                      DdJob             *job);
void    _dd_scheduler_handle_error   (DdOutboxScheduler *self,
                                      DdJob             *job,
                                      const GError      *error);
void    _dd_scheduler_finish_job     (DdOutboxScheduler *self,
                                      DdJob             *job);
void    _dd_scheduler_robot_changed  (DdOutboxScheduler *self,
                                      const char        *profile_id);
void    _dd_scheduler_robot_reached  (DdOutboxScheduler *self,
                                      const char        *profile_id);

void    _dd_scheduler_thumbnail_done (DdOutboxScheduler *self,
                                      DdJob             *job);
GPtrArray *_dd_scheduler_snapshot_jobs (DdOutboxScheduler *self);
void    _dd_scheduler_fail_job       (DdOutboxScheduler *self,
                                      DdJob             *job,
                                      const GError      *error);

/* dd-outbox-scheduler-robots.c */
void    _dd_scheduler_profile_changed_cb (DdProfileStore    *profiles,
                                      DdProfile         *profile,
                                      DdOutboxScheduler *self);
void    _dd_scheduler_profile_removed_cb (DdProfileStore    *profiles,
                                      const char        *profile_id,
                                      DdOutboxScheduler *self);
gboolean _dd_scheduler_robot_ready   (DdOutboxScheduler *self,
                                      Robot             *robot,
                                      DdJob             *job);

/* dd-outbox-scheduler-thumbs.c */
void    _dd_scheduler_queue_thumbnail (DdOutboxScheduler *self,
                                      DdJob             *job);
void    _dd_scheduler_start_thumbnails (DdOutboxScheduler *self);

/* dd-outbox-scheduler-steps.c */
void    _dd_scheduler_start_prepare  (DdOutboxScheduler *self,
                                      Robot             *robot,
                                      Run               *run);
void    _dd_scheduler_start_lookup   (DdOutboxScheduler *self,
                                      Robot             *robot,
                                      Run               *run);
void    _dd_scheduler_start_upload   (DdOutboxScheduler *self,
                                      Run               *run);

/* dd-outbox-scheduler-send.c */
void    _dd_scheduler_send_next      (DdOutboxScheduler *self,
                                      Robot             *robot,
                                      gint64             t);

G_END_DECLS
