/* dd-outbox-scheduler-send.c: the robots' messages, one at a time each,
 * in the user's order: composed anew from the images still to send,
 * paced, and judged by DingTalk's answer for the images they carry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include "dd-message.h"
#include "dd-outbox-scheduler-private.h"

/* ---- sending -------------------------------------------------------------- */

typedef struct {
  DdOutboxScheduler *self;
  Robot             *robot;        /* lives as long as the scheduler */
  char              *profile_id;
  GPtrArray         *group;        /* DdJob: the images still to send, in order */
  GArray            *serials;      /* guint64: their runs', when the turn began */
  guint              turn;         /* the robot's, when it began */
  GPtrArray         *messages;     /* DdMessage: this turn's, the last carries images */
  guint              index;
  guint64            ticket;
  gboolean           carries_caption;
  GCancellable      *cancellable;
} SendOp;

static void
send_op_free (SendOp *op)
{
  g_object_unref (op->self);
  g_free (op->profile_id);
  g_ptr_array_unref (op->group);
  g_array_unref (op->serials);
  g_clear_pointer (&op->messages, g_ptr_array_unref);
  g_clear_object (&op->cancellable);
  g_free (op);
}

/* The run of the turn's @i-th image, if it is still the one the turn
 * began with (not removed, not stopped and started again meanwhile). */
static Run *
op_run (SendOp *op,
        guint   i)
{
  return _dd_scheduler_find_run (op->self, g_ptr_array_index (op->group, i),
                                 g_array_index (op->serials, guint64, i));
}

/* The jobs of @group that still are where the turn began. */
static gboolean
group_still_ours (SendOp *op)
{
  if (op->self->runs == NULL || op->robot->turn != op->turn)
    return FALSE;
  for (guint i = 0; i < op->group->len; i++)
    if (op_run (op, i) == NULL)
      return FALSE;
  return TRUE;
}

static void
end_turn (SendOp *op)
{
  DdOutboxScheduler *self = op->self;

  /* a turn of before a stop leaves the robot's next turns alone */
  if (op->robot->turn == op->turn)
    op->robot->busy = FALSE;
  for (guint i = 0; i < op->group->len; i++)
    {
      Run *run = op_run (op, i);

      if (run != NULL && run->phase == PHASE_SENDING)
        _dd_scheduler_idle_run (self, run->job);
    }
  _dd_scheduler_schedule_pump (self);
  send_op_free (op);
}

static void send_message (SendOp *op);

static void
mark_sent (SendOp          *op,
           const DdMessage *message)
{
  DdOutboxScheduler *self = op->self;
  gint64 t = _dd_scheduler_now (self);

  for (guint i = message->first_image; i < message->first_image + message->n_images; i++)
    {
      DdJob *job = g_ptr_array_index (op->group, i);

      if (op_run (op, i) == NULL)
        continue;   /* removed meanwhile: its folder is gone */
      _dd_scheduler_idle_run (self, job);
      if (op->carries_caption)
        job->caption_sent = TRUE;
      dd_job_set_sent (job, t);
      _dd_scheduler_finish_job (self, job);
    }
}

/* The turn's caption went alone, before its pictures: remembered (and
 * saved) so that a retry of the pictures does not send it again. */
static void
caption_arrived (SendOp *op)
{
  DdOutboxScheduler *self = op->self;

  g_hash_table_add (self->captions, g_strdup (((DdJob *) g_ptr_array_index (op->group, 0))->batch_id));
  for (guint i = 0; i < op->group->len; i++)
    {
      DdJob *job = g_ptr_array_index (op->group, i);

      if (op_run (op, i) == NULL || job->caption_sent)
        continue;
      job->caption_sent = TRUE;
      dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
    }
}

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SendOp *op = user_data;
  DdOutboxScheduler *self = op->self;
  const DdMessage *message = g_ptr_array_index (op->messages, op->index);
  g_autoptr(GError) error = NULL;

  dd_robot_pacer_answered (self->pacer, op->profile_id, op->ticket);
  op->ticket = 0;

  if (!dd_client_send_finish (DD_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->runs != NULL)
        {
          guint first = message->n_images > 0 ? message->first_image : 0;
          guint n = message->n_images > 0 ? message->n_images : op->group->len;

          /* the images this message carries (all of them, for a part of
           * a long caption) take the error */
          for (guint i = first; i < first + n; i++)
            {
              DdJob *job = g_ptr_array_index (op->group, i);

              if (op_run (op, i) == NULL)
                continue;
              _dd_scheduler_idle_run (self, job);
              _dd_scheduler_handle_error (self, job, error);
            }
        }
      end_turn (op);
      return;
    }

  /* the caption has arrived once its last part has, with the images it
   * goes with: until then a retry sends all of it again (each part with
   * its own msgUuid, so none shows twice) */
  if (op->carries_caption && message->n_images > 0)
    g_hash_table_add (self->captions, g_strdup (((DdJob *) g_ptr_array_index (op->group, 0))->batch_id));
  /* a message without a msgUuid (the app robot's: its API has none) would
   * show twice if sent again: its caption has arrived once its own
   * message has, before the pictures that follow it */
  else if (self->runs != NULL && op->carries_caption && message->msg_uuid == NULL &&
           op->index + 1 < op->messages->len &&
           ((DdMessage *) g_ptr_array_index (op->messages, op->index + 1))->n_images > 0)
    caption_arrived (op);

  if (self->runs != NULL)
    mark_sent (op, message);

  op->index++;
  if (op->index < op->messages->len && self->started)
    {
      send_message (op);
      return;
    }
  end_turn (op);
}

static void reserve_ahead (SendOp *op);

/* The pacer answered for the turn's next message: 0, it goes now (with
 * op->ticket), else the time to try again. */
static void
reserved (SendOp *op,
          gint64  retry_at)
{
  DdOutboxScheduler *self = op->self;
  DdMessage *message;

  if (!self->started || self->runs == NULL || !group_still_ours (op) ||
      g_cancellable_is_cancelled (op->cancellable))
    {
      dd_robot_pacer_release (self->pacer, op->profile_id, op->ticket);
      end_turn (op);
      return;
    }
  if (retry_at != 0)
    {
      /* the robot's minute is full, or it is paused: the turn starts
       * again then, composed anew (a caption already sent is not) */
      op->robot->next_send_at = retry_at;
      /* the next message's images tell when they go */
      for (guint i = 0; i < op->group->len; i++)
        dd_job_set_retry_at (g_ptr_array_index (op->group, i), retry_at);
      _dd_scheduler_robot_changed (self, op->profile_id);
      end_turn (op);
      return;
    }

  if (op->robot->profile == NULL)
    {
      dd_robot_pacer_release (self->pacer, op->profile_id, op->ticket);
      end_turn (op);
      return;
    }

  message = g_ptr_array_index (op->messages, op->index);
  for (guint i = 0; i < op->group->len; i++)
    {
      DdJob *job = g_ptr_array_index (op->group, i);

      if (job->state != DD_JOB_SENDING)
        {
          g_object_freeze_notify (G_OBJECT (job));
          dd_job_set_retry_at (job, 0);
          dd_job_set_state (job, DD_JOB_SENDING);
          g_object_thaw_notify (G_OBJECT (job));
          dd_outbox_store_save (self->store, job, DD_STORE_SAVE_DEFAULT);
        }
    }
  dd_client_send_async (self->client, op->robot->profile, message, op->cancellable,
                        message_sent_cb, op);
  reserve_ahead (op);
}

static void
reserved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SendOp *op = user_data;
  gint64 retry_at = dd_robot_pacer_reserve_finish (DD_ROBOT_PACER (source), result, &op->ticket, NULL);

  reserved (op, retry_at);
}

static guint
robot_limit (DdOutboxScheduler *self,
             DdProfile         *profile)
{
  return dd_profile_uses_app_robot (profile) ? 0 : self->sends_per_minute;
}

/* ---- the reservation ahead -------------------------------------------------
 *
 * Between DingTalk's answer to one message and the request of the next,
 * the next one's reservation (a round trip to the pacer's thread and its
 * file) cost about half a millisecond of every message.  So it is asked
 * for while the message before is on its way, if the robot has more to
 * send, and held by the robot for its next message, whichever turn that
 * is.  Counting a send from a moment before it starts only holds the
 * window longer: the limit still holds.  One not used soon, or when
 * sending stops, is given back.
 */

/* An unused reservation is given back after this long. */
#define AHEAD_UNUSED_MS 2000

typedef struct {
  DdOutboxScheduler *self;
  Robot             *robot;
  GCancellable      *stopped;   /* the scheduler's, when asked */
} AheadOp;

static void
release_ahead (DdOutboxScheduler *self,
               Robot             *robot)
{
  g_clear_handle_id (&robot->ahead_timeout_id, g_source_remove);
  dd_robot_pacer_release (self->pacer, robot->id, robot->ahead_ticket);
  robot->ahead_ticket = 0;
}

/* Sending stopped: the reservation held is given back, one still asked
 * for when its answer comes; a turn waiting for it is over. */
void
_dd_scheduler_stop_ahead (DdOutboxScheduler *self,
                          Robot             *robot)
{
  SendOp *waiter = g_steal_pointer (&robot->ahead_waiter);

  release_ahead (self, robot);
  if (waiter != NULL)
    end_turn (waiter);
}

static gboolean
ahead_unused_cb (gpointer user_data)
{
  AheadOp *ahead = user_data;

  ahead->robot->ahead_timeout_id = 0;
  release_ahead (ahead->self, ahead->robot);
  return G_SOURCE_REMOVE;
}

static void
ahead_op_free (gpointer data)
{
  AheadOp *ahead = data;

  g_object_unref (ahead->self);
  g_clear_object (&ahead->stopped);
  g_free (ahead);
}

static void
ahead_reserved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AheadOp *ahead = user_data;
  DdOutboxScheduler *self = ahead->self;
  Robot *robot = ahead->robot;
  SendOp *waiter = g_steal_pointer (&robot->ahead_waiter);
  guint64 ticket = 0;
  gint64 retry_at = dd_robot_pacer_reserve_finish (DD_ROBOT_PACER (source), result, &ticket, NULL);

  robot->ahead_asked = FALSE;
  if (retry_at != 0 || ahead->stopped == NULL || g_cancellable_is_cancelled (ahead->stopped))
    {
      /* nothing reserved, or sending stopped since */
      dd_robot_pacer_release (self->pacer, robot->id, ticket);
      ticket = 0;
    }

  if (waiter != NULL)
    {
      /* its turn came before this answer: it goes with it, or asks as
       * any turn does (the pacer tells it when) */
      if (ticket != 0)
        {
          waiter->ticket = ticket;
          reserved (waiter, 0);
        }
      else if (waiter->robot->profile == NULL)
        end_turn (waiter);
      else
        dd_robot_pacer_reserve_async (self->pacer, waiter->profile_id,
                                      robot_limit (self, waiter->robot->profile),
                                      NULL, reserved_cb, waiter);
      ahead_op_free (ahead);
      return;
    }

  if (ticket == 0)
    {
      ahead_op_free (ahead);
      return;
    }
  robot->ahead_ticket = ticket;
  robot->ahead_generation = robot->generation;
  robot->ahead_timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, AHEAD_UNUSED_MS, ahead_unused_cb,
                                                ahead, ahead_op_free);
}

/* Whether @robot has a message to send after this turn's. */
static gboolean
more_after (SendOp *op)
{
  DdOutboxScheduler *self = op->self;

  if (op->index + 1 < op->messages->len)
    return TRUE;
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (g_str_equal (job->profile_id, op->robot->id) && !g_ptr_array_find (op->group, job, NULL))
        return TRUE;
    }
  return FALSE;
}

/* The message of @op is on its way: the robot's next one reserved now. */
static void
reserve_ahead (SendOp *op)
{
  DdOutboxScheduler *self = op->self;
  Robot *robot = op->robot;
  AheadOp *ahead;

  if (robot->ahead_ticket != 0 || robot->ahead_asked || robot->profile == NULL ||
      !self->started || !more_after (op))
    return;

  ahead = g_new0 (AheadOp, 1);
  ahead->self = g_object_ref (self);
  ahead->robot = robot;
  ahead->stopped = self->cancellable ? g_object_ref (self->cancellable) : NULL;
  robot->ahead_asked = TRUE;
  dd_robot_pacer_reserve_async (self->pacer, robot->id, robot_limit (self, robot->profile),
                                NULL, ahead_reserved_cb, ahead);
}

static void
send_message (SendOp *op)
{
  DdProfile *profile = op->robot->profile;
  Robot *robot = op->robot;

  if (profile == NULL)
    {
      /* changed or removed since the turn began */
      end_turn (op);
      return;
    }

  /* the reservation taken ahead, or the answer to it awaited; not one
   * taken before the robot changed (an app robot's is not counted) or
   * before another process recorded a pause */
  if (robot->ahead_ticket != 0 &&
      (robot->ahead_generation != robot->generation ||
       dd_robot_pacer_get_paused_until (op->self->pacer, robot->id) != 0))
    release_ahead (op->self, robot);
  if (robot->ahead_ticket != 0)
    {
      g_clear_handle_id (&robot->ahead_timeout_id, g_source_remove);
      op->ticket = robot->ahead_ticket;
      robot->ahead_ticket = 0;
      reserved (op, 0);
      return;
    }
  if (robot->ahead_asked)
    {
      g_assert (robot->ahead_waiter == NULL);
      robot->ahead_waiter = op;
      return;
    }

  dd_robot_pacer_reserve_async (op->self->pacer, op->profile_id, robot_limit (op->self, profile),
                                NULL, reserved_cb, op);
}

/* This turn's messages: those of the composition up to the first that
 * carries images (more than one only for a caption too long for one). */
static GPtrArray *
compose_turn (DdOutboxScheduler *self,
              Robot             *robot,
              GPtrArray         *group,
              gboolean           carries_caption)
{
  DdJob *first = g_ptr_array_index (group, 0);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) media_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *default_title = NULL;
  DdComposeOptions compose = { 0 };
  gboolean webhook = !dd_profile_uses_app_robot (robot->profile);
  guint n;

  for (guint i = 0; i < group->len; i++)
    {
      DdJob *job = g_ptr_array_index (group, i);

      g_ptr_array_add (names, job->filename ? job->filename : job->display_name);
      g_ptr_array_add (media_ids, job->media_id);
    }

  if (first->title == NULL || *first->title == '\0')
    default_title = dd_message_default_title (first->caption);
  compose.title = default_title ? default_title : first->title;
  compose.keywords = dd_profile_get_keywords (robot->profile);
  compose.link_template = dd_profile_get_link_template (robot->profile);
  /* an app robot shows each image as the sampleImageMsg DingTalk
   * documents; an album as one markdown, documented for app robots too */
  if (!webhook)
    compose.picture_style = first->album ? DD_PICTURE_STYLE_MARKDOWN : DD_PICTURE_STYLE_IMAGE_MSG;
  else
    compose.picture_style = dd_profile_get_picture_style (robot->profile);
  compose.card_title = dd_profile_get_card_title (robot->profile);
  compose.card_url = dd_profile_get_card_url (robot->profile);
  if (carries_caption)
    {
      compose.caption = first->caption;
      compose.at_mobiles = (const char * const *) first->at_mobiles;
      compose.at_user_ids = (const char * const *) first->at_user_ids;
      compose.at_all = first->at_all;
    }
  messages = dd_message_compose (&compose, (const char * const *) names->pdata,
                                 (const char * const *) media_ids->pdata, group->len);

  for (n = 0; n < messages->len; n++)
    if (((DdMessage *) g_ptr_array_index (messages, n))->n_images > 0)
      break;
  g_ptr_array_set_size (messages, MIN (n + 1, messages->len));

  /* The key of a message is its first image's: the same message composed
   * again (after a crash, a retry) is the same message to DingTalk. */
  for (guint i = 0; webhook && i < messages->len; i++)
    {
      DdMessage *message = g_ptr_array_index (messages, i);
      DdJob *carrier = g_ptr_array_index (group, message->n_images > 0 ? message->first_image : 0);

      if (carrier->msg_uuid == NULL)
        continue;
      message->msg_uuid = message->n_images > 0
                            ? g_strdup (carrier->msg_uuid)
                            : g_strdup_printf ("%s-caption-%u", carrier->msg_uuid, i);
    }

  return g_steal_pointer (&messages);
}

static gboolean
ready_to_send (DdOutboxScheduler *self,
               DdJob             *job,
               gint64             t)
{
  Run *run = g_hash_table_lookup (self->runs, job);

  return run != NULL && run->phase == PHASE_IDLE && job->media_id != NULL && job->retry_at <= t &&
         job->state != DD_JOB_PAUSED;
}

/* Starts the robot's next message, if its turn has come. */
void
_dd_scheduler_send_next (DdOutboxScheduler *self,
           Robot             *robot,
           gint64             t)
{
  g_autoptr(GPtrArray) group = g_ptr_array_new_with_free_func (g_object_unref);
  DdJob *first = NULL;
  SendOp *op;

  if (robot->busy || robot->profile == NULL || robot->next_send_at > t ||
      dd_robot_pacer_get_paused_until (self->pacer, robot->id) > t)
    return;

  for (guint i = 0; i < self->jobs->len && first == NULL; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (g_str_equal (job->profile_id, robot->id))
        first = job;
    }
  if (first == NULL)
    return;

  if (!first->album)
    {
      if (!ready_to_send (self, first, t))
        return;
      g_ptr_array_add (group, g_object_ref (first));
    }
  else
    {
      for (guint i = 0; i < self->jobs->len; i++)
        {
          DdJob *job = g_ptr_array_index (self->jobs, i);

          if (g_strcmp0 (job->batch_id, first->batch_id) != 0 || !g_str_equal (job->profile_id, robot->id))
            continue;
          if (!ready_to_send (self, job, t))
            return;  /* the album waits for all its images */
          g_ptr_array_add (group, g_object_ref (job));
        }
    }

  op = g_new0 (SendOp, 1);
  op->self = g_object_ref (self);
  op->robot = robot;
  op->profile_id = g_strdup (robot->id);
  op->group = g_steal_pointer (&group);
  op->carries_caption = (first->caption != NULL || first->at_mobiles != NULL ||
                         first->at_user_ids != NULL || first->at_all) &&
                        !g_hash_table_contains (self->captions, first->batch_id);
  op->messages = compose_turn (self, robot, op->group, op->carries_caption);
  op->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), op->cancellable, G_CONNECT_SWAPPED);
  op->serials = g_array_sized_new (FALSE, FALSE, sizeof (guint64), op->group->len);
  for (guint i = 0; i < op->group->len; i++)
    {
      Run *run = g_hash_table_lookup (self->runs, g_ptr_array_index (op->group, i));

      run->phase = PHASE_SENDING;
      g_array_append_val (op->serials, run->serial);
    }

  op->turn = ++robot->turn;
  robot->busy = TRUE;
  robot->next_send_at = 0;
  send_message (op);
}

/**
 * dd_outbox_scheduler_estimate:
 *
 * Returns: how long (µs) DingTalk's limit keeps the robot's waiting
 *   messages, and @n_more after them, from going, as far as the
 *   scheduler can tell now: 0 for 20 or fewer to a fresh robot
 */
gint64
dd_outbox_scheduler_estimate (DdOutboxScheduler *self,
                              const char        *profile_id,
                              guint              n_more)
{
  GHashTable *albums;
  Robot *robot;
  guint n = n_more;
  guint limit;

  g_return_val_if_fail (DD_IS_OUTBOX_SCHEDULER (self), 0);
  g_return_val_if_fail (profile_id != NULL, 0);

  robot = g_hash_table_lookup (self->robots, profile_id);
  limit = robot != NULL && robot->profile != NULL && dd_profile_uses_app_robot (robot->profile)
            ? 0 : self->sends_per_minute;

  /* an album is one message (or a few, if it is long: counted as one) */
  albums = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      if (!g_str_equal (job->profile_id, profile_id))
        continue;
      if (!job->album)
        n++;
      else if (g_hash_table_add (albums, job->batch_id))
        n++;
    }
  g_hash_table_unref (albums);

  return dd_robot_pacer_estimate (self->pacer, profile_id, n, limit);
}
