/* dd-outbox-private.h: what the outbox's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-job-private.h"
#include "dd-outbox.h"

G_BEGIN_DECLS

#define DD_OUTBOX_RATE_WINDOW_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define DD_OUTBOX_THUMBNAIL_SIZE 256

struct _DdOutbox
{
  GObject         parent_instance;

  char           *directory;
  DdClient       *client;
  DdProfileStore *profiles;
  GMainContext   *context;

  GPtrArray      *jobs;            /* DdJob: the model, in the user's order */
  GListStore     *history;         /* DdJob: sent, newest first */
  GHashTable     *robots;          /* profile id -> DdOutboxRobot */

  DdClockFunc     clock;
  gpointer        clock_data;
  guint           max_uploads;
  guint           sends_per_minute;
  gboolean        keep_history_images;

  gboolean        loaded;          /* manages the whole folder, not only its own jobs */
  gboolean        started;
  guint           n_preparing;
  guint           n_uploading;
  guint           tick_id;
  guint           tick_interval;
  guint           n_ticks;
  GCancellable   *cancellable;
};

typedef struct {
  char      *profile_id;
  DdProfile *profile;              /* with its secrets, once loaded */
  gboolean   loading;
  gboolean   sending;              /* a message is on its way */
  gint64     paused_until;         /* DingTalk said 130101 */
} DdOutboxRobot;

/* dd-outbox.c */
GPtrArray  *dd_outbox_snapshot            (DdOutbox     *self);
void        dd_outbox_insert_job          (DdOutbox     *self,
                                           DdJob        *job);
void        dd_outbox_job_finished        (DdOutbox     *self,
                                           DdJob        *job);
gboolean    dd_outbox_batch_caption_sent  (DdOutbox     *self,
                                           const char   *batch_id);
void        dd_outbox_save_job            (DdOutbox     *self,
                                           DdJob        *job);
void        dd_outbox_rescan              (DdOutbox     *self);

/* dd-outbox-store.c: the folder, written atomically */
char       *dd_outbox_store_jobs_dir      (const char   *directory);
DdJob      *dd_outbox_store_read_job      (const char   *job_dir,
                                           GError      **error);
gboolean    dd_outbox_store_write_job     (DdJob        *job,
                                           GError      **error);
DdJob      *dd_outbox_store_create_job    (const char   *directory,
                                           const char   *batch_id,
                                           guint         seq,
                                           const char   *profile_id,
                                           const char   *display_name,
                                           GBytes       *data,
                                           const GError *read_error,
                                           const DdSendOptions *options,
                                           gint64        created_at,
                                           GError      **error);
GPtrArray  *dd_outbox_store_list_jobs     (const char   *directory);
gboolean    dd_outbox_store_lock_job      (DdJob        *job);
void        dd_outbox_store_unlock_job    (DdJob        *job);
void        dd_outbox_store_delete_job    (DdJob        *job);
void        dd_outbox_store_drop_bytes    (DdJob        *job,
                                           gboolean      keep_original);

/* dd-outbox-limits.c: the media cache, the robots' rate limits */
char       *dd_outbox_store_lookup_media  (const char   *directory,
                                           const char   *sha256,
                                           const char   *app_key);
void        dd_outbox_store_remember_media (const char  *directory,
                                           const char   *sha256,
                                           const char   *app_key,
                                           const char   *media_id);
gint64      dd_outbox_store_reserve_send  (const char   *directory,
                                           const char   *profile_id,
                                           gint64        now,
                                           guint         limit);
void        dd_outbox_store_pause_robot   (const char   *directory,
                                           const char   *profile_id,
                                           gint64        until);
gint64      dd_outbox_store_paused_until  (const char   *directory,
                                           const char   *profile_id);

/* dd-outbox-jobs.c: who owns what */
void        dd_outbox_poll_others         (DdOutbox     *self);

/* dd-outbox-run.c: what runs, when */
void        dd_outbox_pump                (DdOutbox     *self);
gboolean    dd_outbox_has_job             (DdOutbox     *self,
                                           DdJob        *job);
void        dd_outbox_handle_error        (DdOutbox     *self,
                                           DdJob        *job,
                                           const GError *error);

/* dd-outbox-prepare.c */
void        dd_outbox_start_prepare       (DdOutbox     *self,
                                           DdOutboxRobot *robot,
                                           DdJob        *job);
void        dd_outbox_robot_free          (gpointer      robot);
void        dd_outbox_reset_interrupted   (DdOutbox     *self,
                                           DdJob        *job);

G_END_DECLS
