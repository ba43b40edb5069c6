/* test-pacer.c: the robots' pacing on its own, with an injected clock:
 * no 60 s as DingTalk counts them ever holds more than 20 sends, a send
 * counts from its start until its answer and a minute more, pauses are
 * shared by every process, and the estimate says how long a batch takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "dd-robot-pacer.h"

#define ROBOT  "robot-one"
#define SECOND G_USEC_PER_SEC
#define WINDOW DD_PACER_WINDOW_US
#define MARGIN DD_PACER_MARGIN_US

typedef struct {
  char         *dir;
  DdIoQueue    *queue;
  DdRobotPacer *pacer;
  gint64        now;
} Fixture;

static gint64
test_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static DdRobotPacer *
new_pacer (Fixture *f)
{
  DdRobotPacer *pacer = dd_robot_pacer_new (f->dir, f->queue);

  dd_robot_pacer_set_clock (pacer, test_clock, f);
  return pacer;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("dd-pacer-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->queue = dd_io_queue_new ();
  f->now = G_GINT64_CONSTANT (1800000000) * SECOND;
  f->pacer = new_pacer (f);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Waits until the I/O queue did everything asked of it so far. */
static void
drain (Fixture *f)
{
  gboolean done = FALSE;

  dd_io_queue_drain_async (f->queue, drained_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  /* the callbacks queued before the drain's have run by now */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  drain (f);
  g_clear_object (&f->pacer);
  g_clear_pointer (&f->queue, dd_io_queue_unref);
  remove_tree (f->dir);
  g_free (f->dir);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* 0 if a send may start now (then counted, its ticket in @ticket), else
 * when to ask again. */
static gint64
reserve (DdRobotPacer *pacer,
         guint         limit,
         guint64      *ticket)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 retry_at;

  dd_robot_pacer_reserve_async (pacer, ROBOT, limit, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  retry_at = dd_robot_pacer_reserve_finish (pacer, result, ticket, &error);
  g_assert_no_error (error);
  return retry_at;
}

/* 20 go at once; the 21st waits until the 1st's answer is a minute (and
 * the margin) old, not its start. */
static void
test_window_counts_from_answer (Fixture       *f,
                                gconstpointer  data)
{
  guint64 tickets[21];
  gint64 start = f->now;
  gint64 first_answer = start + 3 * SECOND;   /* a slow answer */

  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (reserve (f->pacer, 20, &tickets[i]), ==, 0);

  /* nothing answered yet: the window is full of sends still counting */
  g_assert_cmpint (reserve (f->pacer, 20, &tickets[20]), >, f->now);

  f->now = first_answer;
  dd_robot_pacer_answered (f->pacer, ROBOT, tickets[0]);
  for (guint i = 1; i < 20; i++)
    {
      f->now = first_answer + i * 1000;
      dd_robot_pacer_answered (f->pacer, ROBOT, tickets[i]);
    }

  /* a minute after the first *start* is not enough: DingTalk may have
   * received it as late as its answer */
  f->now = start + WINDOW + SECOND;
  g_assert_cmpint (reserve (f->pacer, 20, &tickets[20]), ==, first_answer + WINDOW + MARGIN);

  f->now = first_answer + WINDOW + MARGIN;
  g_assert_cmpint (reserve (f->pacer, 20, &tickets[20]), ==, 0);
  /* only one place was free */
  g_assert_cmpint (reserve (f->pacer, 20, NULL), ==, first_answer + 1000 + WINDOW + MARGIN);
}

/* Whatever the pattern of starts and answers, no 60 s window as DingTalk
 * could count them (any moment between a send's start and its answer)
 * holds more than 20 — checked against the latest possible reception of
 * each send and the earliest of the next. */
static void
test_no_window_over_limit (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) answers = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  gint64 begin = f->now;

  while (starts->len < 70)
    {
      guint64 ticket = 0;
      gint64 retry_at = reserve (f->pacer, 20, &ticket);
      gint64 latency;

      if (retry_at != 0)
        {
          g_assert_cmpint (retry_at, >, f->now);
          f->now = retry_at;
          continue;
        }
      g_array_append_val (starts, f->now);
      latency = g_rand_int_range (rand, 10, 4000) * G_GINT64_CONSTANT (1000);
      f->now += latency;
      g_array_append_val (answers, f->now);
      dd_robot_pacer_answered (f->pacer, ROBOT, ticket);
      f->now += g_rand_int_range (rand, 0, 300) * G_GINT64_CONSTANT (1000);
    }

  /* the k-th and (k+20)-th: even if DingTalk received the first at its
   * answer and the other at its start, they are more than a minute apart */
  for (guint k = 0; k + 20 < starts->len; k++)
    g_assert_cmpint (g_array_index (starts, gint64, k + 20) - g_array_index (answers, gint64, k), >, WINDOW);

  /* and no slower than it must be: 70 sends in 3 windows and a bit */
  g_assert_cmpint (f->now - begin, <, 4 * (WINDOW + MARGIN + 4 * SECOND) + 20 * 300 * 1000);
}

static void
count_paused_cb (DdRobotPacer *pacer,
                 const char   *robot_id,
                 gint64        until,
                 guint        *n)
{
  g_assert_cmpstr (robot_id, ==, ROBOT);
  (*n)++;
}

/* A pause (410100) is the robot's, for every process: a second pacer on
 * the same folder, as `dingdrop send` beside the window, holds back too. */
static void
test_pause_is_shared (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DdRobotPacer) other = new_pacer (f);
  gint64 until = f->now + 600 * SECOND;
  guint n_paused = 0;

  g_signal_connect (other, "paused", G_CALLBACK (count_paused_cb), &n_paused);
  dd_robot_pacer_pause (f->pacer, ROBOT, until);
  g_assert_cmpint (dd_robot_pacer_get_paused_until (f->pacer, ROBOT), ==, until);
  drain (f);

  g_assert_cmpint (dd_robot_pacer_get_paused_until (other, ROBOT), ==, 0);
  dd_robot_pacer_refresh (other, ROBOT);
  drain (f);
  g_assert_cmpint (dd_robot_pacer_get_paused_until (other, ROBOT), ==, until);
  g_assert_cmpuint (n_paused, ==, 1);
  g_assert_cmpint (reserve (other, 20, NULL), ==, until);
  /* an app robot is not paced by the minute, but its pause holds */
  g_assert_cmpint (reserve (other, 0, NULL), ==, until);

  f->now = until;
  g_assert_cmpint (reserve (other, 20, NULL), ==, 0);
  g_assert_cmpint (dd_robot_pacer_get_paused_until (other, ROBOT), ==, 0);
}

/* Sends of another process count here too; one that never got its
 * answer (its process died) stops counting after a while. */
static void
test_shared_and_stale (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(DdRobotPacer) other = new_pacer (f);
  gint64 start = f->now;

  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (reserve (other, 20, NULL), ==, 0);   /* never answered */
  g_assert_cmpint (reserve (f->pacer, 20, NULL), >, f->now);

  f->now = start + 5 * WINDOW;
  g_assert_cmpint (reserve (f->pacer, 20, NULL), ==, 0);
}

/* The robot's file cannot be made (a file where its folder should be, a
 * full disk) or read (damaged): what this process knows still paces it,
 * never more than 20 a minute. */
static void
test_unusable_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *robots = g_build_filename (f->dir, "robots", NULL);
  guint n_go = 0;

  g_assert_true (g_file_set_contents (robots, "", 0, NULL));
  for (guint i = 0; i < 45; i++)
    {
      guint64 ticket = 0;

      if (reserve (f->pacer, 20, &ticket) == 0)
        {
          n_go++;
          dd_robot_pacer_answered (f->pacer, ROBOT, ticket);
        }
      f->now += 100 * 1000;   /* 45 tries in 4.5 s */
    }
  g_assert_cmpuint (n_go, ==, 20);
}

static void
test_damaged_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->dir, "robots", NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ROBOT, -1);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  guint n_go = 0;

  sum[16] = '\0';
  name = g_strconcat (sum, ".json", NULL);
  path = g_build_filename (dir, name, NULL);
  for (guint i = 0; i < 45; i++)
    {
      guint64 ticket = 0;

      if (reserve (f->pacer, 20, &ticket) == 0)
        {
          n_go++;
          dd_robot_pacer_answered (f->pacer, ROBOT, ticket);
        }
      drain (f);
      /* something keeps spoiling the file: cut short, or of the wrong
       * shapes, where a number is read from an object or an array (that
       * emitted a Json-CRITICAL, fatal in tests) */
      g_assert_true (g_file_set_contents (path, data, -1, NULL));
      f->now += 100 * 1000;
    }
  g_assert_cmpuint (n_go, ==, 20);
}

/* 45 messages to a fresh robot: 20 now, 20 a minute later, 5 a minute
 * after that — about two minutes; 20 or fewer: no wait at all. */
static void
test_estimate (Fixture       *f,
               gconstpointer  data)
{
  gint64 e45 = dd_robot_pacer_estimate (f->pacer, ROBOT, 45, 20);

  g_assert_cmpint (dd_robot_pacer_estimate (f->pacer, ROBOT, 20, 20), ==, 0);
  g_assert_cmpint (dd_robot_pacer_estimate (f->pacer, ROBOT, 21, 20), ==, WINDOW + MARGIN);
  g_assert_cmpint (e45, ==, 2 * (WINDOW + MARGIN));
  /* no limit (an app robot): none */
  g_assert_cmpint (dd_robot_pacer_estimate (f->pacer, ROBOT, 45, 0), ==, 0);

  /* paused: the pause first */
  dd_robot_pacer_pause (f->pacer, ROBOT, f->now + 600 * SECOND);
  g_assert_cmpint (dd_robot_pacer_estimate (f->pacer, ROBOT, 1, 20), ==, 600 * SECOND);
}

/* A reservation given back (taken ahead, never sent) frees its place at
 * once, for this process and for another one reading the file; one that
 * was answered stays counted. */
static void
test_release (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(DdRobotPacer) other = new_pacer (f);
  guint64 tickets[20];

  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (reserve (f->pacer, 20, &tickets[i]), ==, 0);
  g_assert_cmpint (reserve (f->pacer, 20, NULL), >, f->now);

  dd_robot_pacer_answered (f->pacer, ROBOT, tickets[0]);
  dd_robot_pacer_release (f->pacer, ROBOT, tickets[0]);   /* too late: it went */
  g_assert_cmpint (reserve (f->pacer, 20, NULL), >, f->now);

  dd_robot_pacer_release (f->pacer, ROBOT, tickets[19]);
  drain (f);
  g_assert_cmpint (reserve (other, 20, &tickets[19]), ==, 0);
  g_assert_cmpint (reserve (f->pacer, 20, NULL), >, f->now);
}

/* A process that read a reservation before it was given back does not
 * bring it back: its next call writes what it knew into the file, and
 * the place must stay free for everybody. */
static void
test_release_not_undone (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(DdRobotPacer) other = new_pacer (f);
  g_autoptr(DdRobotPacer) third = new_pacer (f);
  guint64 ticket = 0;

  for (guint i = 0; i < 19; i++)
    g_assert_cmpint (reserve (f->pacer, 20, NULL), ==, 0);
  g_assert_cmpint (reserve (f->pacer, 20, &ticket), ==, 0);
  dd_robot_pacer_refresh (other, ROBOT);   /* it sees all 20 */
  drain (f);
  g_assert_cmpint (reserve (other, 20, NULL), >, f->now);

  dd_robot_pacer_release (f->pacer, ROBOT, ticket);
  drain (f);
  f->now += SECOND;
  dd_robot_pacer_pause (other, ROBOT, 0);  /* any call: it writes what it knew */
  drain (f);
  g_assert_cmpint (reserve (third, 20, NULL), ==, 0);
  g_assert_cmpint (reserve (other, 20, NULL), >, f->now);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pacer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("window-counts-from-answer", test_window_counts_from_answer);
  ADD ("no-window-over-limit", test_no_window_over_limit);
  ADD ("pause-is-shared", test_pause_is_shared);
  ADD ("shared-and-stale", test_shared_and_stale);
  ADD ("estimate", test_estimate);
  ADD ("release", test_release);
  ADD ("release-not-undone", test_release_not_undone);
  ADD ("unusable-file", test_unusable_file);
  g_test_add ("/pacer/damaged-file", Fixture, "{\"sends\": [[",
              fixture_set_up, test_damaged_file, fixture_tear_down);
  g_test_add ("/pacer/wrong-shapes-file", Fixture,
              "{\"paused-until\": {\"a\": 1}, \"sends\": [[{}, [], \"x\"], {\"b\": 2}, [1, 2, {}], \"y\"]}",
              fixture_set_up, test_damaged_file, fixture_tear_down);

#undef ADD

  return g_test_run ();
}
