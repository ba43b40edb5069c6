/* dd-robot-pacer.c: each robot's sends in the last minute and DingTalk's
 * pauses, shared by every DingDrop process
 *
 *   <outbox>/robots/<robot>.json   {"paused-until": µs,
 *                                   "sends": [[start, answered, ticket], …]}
 *                                  a send given back (never sent) is
 *                                  [start, start, ticket, 1], kept a while
 *                                  so that no process counts it again
 *   <outbox>/robots/<robot>.lock   flock()ed while one process reads and
 *                                  writes the .json
 *
 * DingTalk counts a message when it receives it, somewhere between the
 * moment we start sending it and the moment its answer arrives.  So a
 * send counts here from its start until its answer (forever while no
 * answer came) plus the window and a margin: the 21st send may start only
 * once the 1st send's answer is more than a minute old.  Up to the limit
 * go at once; what follows goes as each old send leaves the window, so no
 * 60 s as DingTalk counts them ever holds more than the limit.
 *
 * All file work is on the I/O queue; what the main thread knows of each
 * robot (its pause, its sends) is the copy the last call brought back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dd-robot-pacer.h"

/* A send whose answer never came (its process died) counts as answered
 * this long after it started: longer than any request may take. */
#define STALE_SEND_US (G_GINT64_CONSTANT (180) * G_USEC_PER_SEC)
/* While the window is full of sends not yet answered, look again this soon. */
#define PENDING_RETRY_US (G_GINT64_CONSTANT (200) * 1000)

typedef struct {
  gint64   start;
  gint64   answered;   /* 0: not yet */
  guint64  ticket;
  gboolean released;   /* given back: counts for nothing, remembered only */
} Send;

typedef struct {
  GArray *sends;      /* Send, by start */
  gint64  paused_until;
} Record;

struct _DdRobotPacer
{
  GObject      parent_instance;

  char        *directory;
  DdIoQueue   *queue;
  DdClockFunc  clock;
  gpointer     clock_data;
  gint64       window;
  gint64       margin;
  GHashTable  *robots;     /* robot id -> Record: as last read */
};

G_DEFINE_FINAL_TYPE (DdRobotPacer, dd_robot_pacer, G_TYPE_OBJECT)

enum {
  PAUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static Record *
record_new (void)
{
  Record *record = g_new0 (Record, 1);

  record->sends = g_array_new (FALSE, FALSE, sizeof (Send));
  return record;
}

static void
record_free (Record *record)
{
  if (record == NULL)
    return;
  g_array_unref (record->sends);
  g_free (record);
}

static Record *
record_copy (const Record *record)
{
  Record *copy = record_new ();

  g_array_append_vals (copy->sends, record->sends->data, record->sends->len);
  copy->paused_until = record->paused_until;
  return copy;
}

static void
dd_robot_pacer_finalize (GObject *object)
{
  DdRobotPacer *self = (DdRobotPacer *) object;

  g_free (self->directory);
  g_clear_pointer (&self->queue, dd_io_queue_unref);
  g_clear_pointer (&self->robots, g_hash_table_unref);

  G_OBJECT_CLASS (dd_robot_pacer_parent_class)->finalize (object);
}

static void
dd_robot_pacer_class_init (DdRobotPacerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dd_robot_pacer_finalize;

  signals[PAUSED] =
    g_signal_new ("paused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
dd_robot_pacer_init (DdRobotPacer *self)
{
  self->clock = real_clock;
  self->window = DD_PACER_WINDOW_US;
  self->margin = DD_PACER_MARGIN_US;
  self->robots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) record_free);
}

DdRobotPacer *
dd_robot_pacer_new (const char *directory,
                    DdIoQueue  *queue)
{
  DdRobotPacer *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (queue != NULL, NULL);

  self = g_object_new (DD_TYPE_ROBOT_PACER, NULL);
  self->directory = g_strdup (directory);
  self->queue = dd_io_queue_ref (queue);
  return self;
}

/**
 * dd_robot_pacer_set_clock:
 * @clock: (nullable): unix µs; %NULL for the real time
 */
void
dd_robot_pacer_set_clock (DdRobotPacer *self,
                          DdClockFunc   clock,
                          gpointer      user_data)
{
  g_return_if_fail (DD_IS_ROBOT_PACER (self));

  self->clock = clock ? clock : real_clock;
  self->clock_data = clock ? user_data : NULL;
}

/**
 * dd_robot_pacer_set_window:
 *
 * How long a send counts after its answer (DD_PACER_WINDOW_US), and the
 * margin on top (DD_PACER_MARGIN_US): for tests that cannot wait minutes.
 */
void
dd_robot_pacer_set_window (DdRobotPacer *self,
                           gint64        window_us,
                           gint64        margin_us)
{
  g_return_if_fail (DD_IS_ROBOT_PACER (self));

  self->window = MAX (window_us, 1);
  self->margin = MAX (margin_us, 0);
}

static gint64
now (DdRobotPacer *self)
{
  return self->clock (self->clock_data);
}

static Record *
get_record (DdRobotPacer *self,
            const char   *robot_id)
{
  Record *record = g_hash_table_lookup (self->robots, robot_id);

  if (record == NULL)
    {
      record = record_new ();
      g_hash_table_insert (self->robots, g_strdup (robot_id), record);
    }
  return record;
}

/* Takes what a call brought back from the file; tells of a new pause. */
static void
learn (DdRobotPacer *self,
       const char   *robot_id,
       Record       *fresh)
{
  Record *record = get_record (self, robot_id);
  gint64 was = record->paused_until;

  g_array_set_size (record->sends, 0);
  g_array_append_vals (record->sends, fresh->sends->data, fresh->sends->len);
  /* a pause is never shortened: a call queued before this process's own
   * dd_robot_pacer_pause() read the file before the pause was written,
   * and must not take it back until the pause's own call returns */
  record->paused_until = MAX (record->paused_until, fresh->paused_until);
  if (record->paused_until > now (self) && record->paused_until != was)
    g_signal_emit (self, signals[PAUSED], 0, robot_id, record->paused_until);
}

/* ---- the file (I/O thread) ---------------------------------------------- */

typedef struct {
  char   *robot_id;
  int     fd;
  char   *path;
  Record *record;
} RobotFile;

/* A name for a robot id that may not be a safe file name. */
static char *
short_hash (const char *text)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strndup (sum, 16);
}

static void
robot_file_close (RobotFile *file)
{
  if (file->fd >= 0)
    close (file->fd);  /* and unlock */
  file->fd = -1;
  g_clear_pointer (&file->path, g_free);
  g_clear_pointer (&file->record, record_free);
}

static int
compare_sends (gconstpointer a,
               gconstpointer b)
{
  const Send *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* A number from a robot's file, which a full disk or an edit by hand may
 * have damaged: json-glib's getters emit a critical for an object or an
 * array where they expect a number. */
static gint64
int_or_zero (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return json_node_get_int (node);
}

/* Opens and locks the robot's file (waiting: others hold it for a moment
 * only) and reads it. */
static gboolean
robot_file_open (RobotFile  *file,
                 const char *directory,
                 const char *robot_id)
{
  g_autofree char *dir = g_build_filename (directory, "robots", NULL);
  g_autofree char *name = short_hash (robot_id);
  g_autofree char *lock_name = g_strconcat (name, ".lock", NULL);
  g_autofree char *json_name = g_strconcat (name, ".json", NULL);
  g_autofree char *lock_path = g_build_filename (dir, lock_name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;

  file->fd = -1;
  file->path = g_build_filename (dir, json_name, NULL);
  file->record = record_new ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  file->fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (file->fd < 0)
    return FALSE;
  while (flock (file->fd, LOCK_EX) != 0)
    if (errno != EINTR)
      return FALSE;

  if (g_file_get_contents (file->path, &contents, &len, NULL) &&
      json_parser_load_from_data (parser, contents, len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      JsonNode *sends = json_object_get_member (o, "sends");

      file->record->paused_until = int_or_zero (json_object_get_member (o, "paused-until"));
      if (sends != NULL && JSON_NODE_HOLDS_ARRAY (sends))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (sends)); i++)
          {
            JsonNode *element = json_array_get_element (json_node_get_array (sends), i);
            JsonArray *entry;
            Send send = { 0 };

            /* older files hold bare start times */
            if (JSON_NODE_HOLDS_VALUE (element))
              send.start = send.answered = int_or_zero (element);
            else if (JSON_NODE_HOLDS_ARRAY (element) &&
                     (json_array_get_length (entry = json_node_get_array (element)) == 3 ||
                      json_array_get_length (entry) == 4))
              {
                send.start = int_or_zero (json_array_get_element (entry, 0));
                send.answered = int_or_zero (json_array_get_element (entry, 1));
                send.ticket = (guint64) int_or_zero (json_array_get_element (entry, 2));
                if (json_array_get_length (entry) == 4)
                  send.released = int_or_zero (json_array_get_element (entry, 3)) != 0;
              }
            else
              continue;
            g_array_append_val (file->record->sends, send);
          }
      g_array_sort (file->record->sends, compare_sends);
    }

  return TRUE;
}

/* Rewrites @path where it is, under the robot's flock (every reader takes
 * it too, so none sees half of it).  Not a new file renamed over it: on
 * ext4 a rename over a file starts the writeback of the new one and
 * waits behind the journal, 5-17 ms while another thread fsyncs (in
 * `strace -f` of a 20-image send), and every message waits for this
 * write.  A power cut in the middle may leave a damaged file, read as
 * no sends in the last minute: DingTalk then says when to pause (the
 * file was never fsynced, so a power cut could lose its last state
 * before too). */
static gboolean
write_in_place (const char  *path,
                const char  *json,
                GError     **error)
{
  gsize len = strlen (json), done = 0;
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    goto failed;
  while (done < len)
    {
      gssize n = pwrite (fd, json + done, len - done, (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;
      done += n;
    }
  if (ftruncate (fd, (off_t) len) != 0 || close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  return TRUE;

failed:
  {
    int saved = errno;

    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
    return FALSE;
  }
}

static void
robot_file_save (RobotFile *file)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "paused-until");
  json_builder_add_int_value (builder, file->record->paused_until);
  json_builder_set_member_name (builder, "sends");
  json_builder_begin_array (builder);
  for (guint i = 0; i < file->record->sends->len; i++)
    {
      Send *send = &g_array_index (file->record->sends, Send, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, send->start);
      json_builder_add_int_value (builder, send->answered);
      json_builder_add_int_value (builder, (gint64) send->ticket);
      if (send->released)
        json_builder_add_int_value (builder, 1);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  if (!write_in_place (file->path, json, &error))
    g_warning ("Could not save the robot’s sends: %s", error->message);
}

/* When a send stops counting; G_MAXINT64 while it is not answered.  A
 * send given back is remembered as long as a process that saw it before
 * could still count it (see merge()). */
static gint64
expiry (const Send *send,
        gint64      window,
        gint64      margin)
{
  if (send->released)
    return send->start + STALE_SEND_US + window + margin;
  return send->answered != 0 ? send->answered + window + margin : G_MAXINT64;
}

/* Drops the sends that no longer count at @t. */
static void
prune (Record *record,
       gint64  t,
       gint64  window,
       gint64  margin)
{
  for (guint i = record->sends->len; i > 0; i--)
    {
      Send *send = &g_array_index (record->sends, Send, i - 1);

      if (send->answered == 0 && send->start < t - STALE_SEND_US)
        send->answered = send->start + STALE_SEND_US;   /* its process died */
      if (expiry (send, window, margin) <= t ||
          send->start > t + window)                      /* the clock went back */
        g_array_remove_index (record->sends, i - 1);
    }
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* When the next send may start at or after @t, with @limit per window. */
static gint64
next_slot (const Record *record,
           gint64        t,
           guint         limit,
           gint64        window,
           gint64        margin)
{
  g_autoptr(GArray) expiries = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 e;

  if (record->paused_until > t)
    return record->paused_until;

  for (guint i = 0; i < record->sends->len; i++)
    {
      const Send *send = &g_array_index (record->sends, Send, i);

      if (send->released)
        continue;
      e = expiry (send, window, margin);
      if (e > t)
        g_array_append_val (expiries, e);
    }
  if (limit == 0 || expiries->len < limit)
    return t;

  g_array_sort (expiries, compare_times);
  e = g_array_index (expiries, gint64, expiries->len - limit);
  return e == G_MAXINT64 ? t + PENDING_RETRY_US : e;
}

/* Adds to @record what @known has and it has not: sends by ticket, and
 * the later pause. */
static void
merge (Record       *record,
       const Record *known)
{
  if (known == NULL)
    return;

  record->paused_until = MAX (record->paused_until, known->paused_until);
  for (guint i = 0; i < known->sends->len; i++)
    {
      const Send *send = &g_array_index (known->sends, Send, i);
      gboolean found = FALSE;

      for (guint j = 0; j < record->sends->len && !found; j++)
        {
          Send *have = &g_array_index (record->sends, Send, j);

          if (have->ticket == send->ticket && have->start == send->start)
            {
              found = TRUE;
              if (have->answered == 0)
                have->answered = send->answered;
              /* given back stays given back, whoever still counts it */
              have->released |= send->released;
            }
        }
      if (!found)
        g_array_append_val (record->sends, *send);
    }
  g_array_sort (record->sends, compare_sends);
}

typedef enum {
  CALL_RESERVE,
  CALL_ANSWERED,
  CALL_RELEASE,
  CALL_PAUSE,
  CALL_READ,
} CallKind;

typedef struct {
  CallKind  kind;
  char     *directory;
  char     *robot_id;
  gint64    now;
  gint64    window;
  gint64    margin;
  guint     limit;     /* CALL_RESERVE */
  guint64   ticket;    /* CALL_RESERVE (made), CALL_ANSWERED, CALL_RELEASE */
  gint64    until;     /* CALL_PAUSE */
  Record   *known;     /* what this process knew when it asked */
  /* results */
  gint64    retry_at;  /* CALL_RESERVE: 0 = go */
  Record   *record;
} Call;

static void
call_free (Call *call)
{
  g_free (call->directory);
  g_free (call->robot_id);
  record_free (call->record);
  record_free (call->known);
  g_free (call);
}

/* The send of @ticket, if it never started, counts for nothing from now.
 * Not removed: a process that read it before would add it back. */
static void
mark_released (Record  *record,
               guint64  ticket)
{
  for (guint i = 0; i < record->sends->len; i++)
    {
      Send *send = &g_array_index (record->sends, Send, i);

      if (send->ticket == ticket && send->answered == 0)
        {
          send->released = TRUE;
          send->answered = send->start;
        }
    }
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DdRobotPacer *self = source_object;
  Call *call = task_data;
  RobotFile file = { 0 };
  gboolean opened;

  DD_ASSERT_IO_THREAD (self->queue);

  opened = robot_file_open (&file, call->directory, call->robot_id);
  /* What this process knows counts too: a file that cannot be made,
   * locked or read (a full disk, a damaged file) must not let more
   * through than the limit. */
  merge (file.record, call->known);
  prune (file.record, call->now, call->window, call->margin);

  switch (call->kind)
    {
    case CALL_RESERVE:
      call->retry_at = next_slot (file.record, call->now, call->limit, call->window, call->margin);
      if (call->retry_at <= call->now)
        {
          Send send = { call->now, 0, call->ticket };

          call->retry_at = 0;
          if (call->limit > 0)
            g_array_append_val (file.record->sends, send);
        }
      break;

    case CALL_ANSWERED:
      for (guint i = 0; i < file.record->sends->len; i++)
        {
          Send *send = &g_array_index (file.record->sends, Send, i);

          if (send->ticket == call->ticket && send->answered == 0)
            send->answered = MAX (call->now, send->start);
        }
      break;

    case CALL_RELEASE:
      mark_released (file.record, call->ticket);
      break;

    case CALL_PAUSE:
      file.record->paused_until = MAX (file.record->paused_until, call->until);
      break;

    case CALL_READ:
      break;

    default:
      g_assert_not_reached ();
    }

  /* without the file, pacing is this process's business only */
  if (opened && call->kind != CALL_READ)
    robot_file_save (&file);
  call->record = g_steal_pointer (&file.record);
  robot_file_close (&file);
  g_task_return_boolean (task, TRUE);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  DdRobotPacer *self = DD_ROBOT_PACER (source);
  g_autoptr(GTask) outer = user_data;
  Call *call = g_task_get_task_data (G_TASK (result));

  learn (self, call->robot_id, call->record);

  if (outer != NULL)
    {
      if (call->kind == CALL_RESERVE)
        {
          Call *answer = g_task_get_task_data (outer);

          answer->retry_at = call->retry_at;
          answer->ticket = call->ticket;
        }
      g_task_return_boolean (outer, TRUE);
    }
}

static void
run_call (DdRobotPacer *self,
          Call         *call,
          GTask        *outer)
{
  g_autoptr(GTask) inner = g_task_new (self, NULL, call_done_cb, outer ? g_object_ref (outer) : NULL);

  Record *known = g_hash_table_lookup (self->robots, call->robot_id);

  call->directory = g_strdup (self->directory);
  call->known = known ? record_copy (known) : NULL;
  call->now = now (self);
  call->window = self->window;
  call->margin = self->margin;
  g_task_set_task_data (inner, call, (GDestroyNotify) call_free);
  dd_io_queue_run (self->queue, inner, call_thread);
}

static Call *
call_new (CallKind    kind,
          const char *robot_id)
{
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  call->robot_id = g_strdup (robot_id);
  return call;
}

/**
 * dd_robot_pacer_reserve_async:
 * @limit: sends allowed in the window; 0 for no limit (the robot's
 *   pauses still apply)
 *
 * Asks whether a message to the robot may start now, and if so counts it
 * (until dd_robot_pacer_answered(), then a window more).
 */
void
dd_robot_pacer_reserve_async (DdRobotPacer        *self,
                              const char          *robot_id,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (DD_IS_ROBOT_PACER (self));
  g_return_if_fail (robot_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_robot_pacer_reserve_async);
  g_task_set_task_data (task, g_new0 (Call, 1), (GDestroyNotify) call_free);

  call = call_new (CALL_RESERVE, robot_id);
  call->limit = limit;
  call->ticket = ((guint64) g_random_int () << 31) ^ g_random_int ();
  call->ticket &= G_MAXINT64;   /* kept as a JSON integer */
  if (call->ticket == 0)
    call->ticket = 1;
  run_call (self, call, task);
}

/**
 * dd_robot_pacer_reserve_finish:
 * @ticket: (out): the reservation, for dd_robot_pacer_answered()
 *
 * Returns: 0 if the message may go now; else when to ask again (unix µs):
 *   the robot is paused, or the window is full
 */
gint64
dd_robot_pacer_reserve_finish (DdRobotPacer  *self,
                               GAsyncResult  *result,
                               guint64       *ticket,
                               GError       **error)
{
  Call *answer;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return -1;
  answer = g_task_get_task_data (G_TASK (result));
  if (ticket != NULL)
    *ticket = answer->ticket;
  return answer->retry_at;
}

/**
 * dd_robot_pacer_answered:
 *
 * The message of @ticket got its answer (whatever it was): from now it
 * counts one more window.
 */
void
dd_robot_pacer_answered (DdRobotPacer *self,
                         const char   *robot_id,
                         guint64       ticket)
{
  Record *record;
  Call *call;

  g_return_if_fail (DD_IS_ROBOT_PACER (self));
  g_return_if_fail (robot_id != NULL);

  if (ticket == 0)
    return;
  record = get_record (self, robot_id);
  for (guint i = 0; i < record->sends->len; i++)
    {
      Send *send = &g_array_index (record->sends, Send, i);

      if (send->ticket == ticket && send->answered == 0)
        send->answered = MAX (now (self), send->start);
    }

  call = call_new (CALL_ANSWERED, robot_id);
  call->ticket = ticket;
  run_call (self, call, NULL);
}

/**
 * dd_robot_pacer_release:
 *
 * The message of @ticket was never sent (the reservation was taken
 * ahead, or the message given up before it started): it no longer
 * counts, here or in any process.
 */
void
dd_robot_pacer_release (DdRobotPacer *self,
                        const char   *robot_id,
                        guint64       ticket)
{
  Call *call;

  g_return_if_fail (DD_IS_ROBOT_PACER (self));
  g_return_if_fail (robot_id != NULL);

  if (ticket == 0)
    return;
  mark_released (get_record (self, robot_id), ticket);

  call = call_new (CALL_RELEASE, robot_id);
  call->ticket = ticket;
  run_call (self, call, NULL);
}

/**
 * dd_robot_pacer_pause:
 * @until: unix µs
 *
 * DingTalk paused the robot (410100, 130101): no process sends to it
 * before @until.
 */
void
dd_robot_pacer_pause (DdRobotPacer *self,
                      const char   *robot_id,
                      gint64        until)
{
  Record *record;
  Call *call;

  g_return_if_fail (DD_IS_ROBOT_PACER (self));
  g_return_if_fail (robot_id != NULL);

  record = get_record (self, robot_id);
  if (until > record->paused_until)
    {
      record->paused_until = until;
      g_signal_emit (self, signals[PAUSED], 0, robot_id, until);
    }

  call = call_new (CALL_PAUSE, robot_id);
  call->until = until;
  run_call (self, call, NULL);
}

/**
 * dd_robot_pacer_refresh:
 *
 * Reads the robot's file again (a pause another process recorded is
 * told by "paused").
 */
void
dd_robot_pacer_refresh (DdRobotPacer *self,
                        const char   *robot_id)
{
  g_return_if_fail (DD_IS_ROBOT_PACER (self));
  g_return_if_fail (robot_id != NULL);

  run_call (self, call_new (CALL_READ, robot_id), NULL);
}

/**
 * dd_robot_pacer_get_paused_until:
 *
 * Returns: until when DingTalk paused the robot, as far as this process
 *   knows (unix µs), or 0 if it is not paused
 */
gint64
dd_robot_pacer_get_paused_until (DdRobotPacer *self,
                                 const char   *robot_id)
{
  Record *record;

  g_return_val_if_fail (DD_IS_ROBOT_PACER (self), 0);
  g_return_val_if_fail (robot_id != NULL, 0);

  record = g_hash_table_lookup (self->robots, robot_id);
  return record != NULL && record->paused_until > now (self) ? record->paused_until : 0;
}

/**
 * dd_robot_pacer_estimate:
 * @n_messages: messages waiting for the robot
 * @limit: sends allowed in the window (0: none)
 *
 * Returns: how long until the last of @n_messages can start (µs), as
 *   far as the robot's pause and its last minute of sends tell, if each
 *   were answered at once
 */
gint64
dd_robot_pacer_estimate (DdRobotPacer *self,
                         const char   *robot_id,
                         guint         n_messages,
                         guint         limit)
{
  Record *known;
  Record *record;
  gint64 t0 = now (self), t = t0;

  g_return_val_if_fail (DD_IS_ROBOT_PACER (self), 0);
  g_return_val_if_fail (robot_id != NULL, 0);

  known = g_hash_table_lookup (self->robots, robot_id);
  record = known ? record_copy (known) : record_new ();

  for (guint i = 0; i < n_messages; i++)
    {
      Send send = { 0 };

      t = next_slot (record, t, limit, self->window, self->margin);
      send.start = send.answered = t;
      g_array_append_val (record->sends, send);
    }
  record_free (record);

  return t - t0;
}
