/* dd-cli-progress.c: what `dingdrop send` says while it sends: each
 * image's result as soon as it is known, the robot's pause (once, with
 * its end), and on a terminal one line updated in place ("12 of 45 sent
 * · next in 3 s"); on Ctrl-C or SIGTERM, that the rest waits in the
 * outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dd-cli-private.h"

/* One line per image: "sent FILE" or "failed FILE: <sentence> (errcode N)",
 * or one JSON object.  @robot (nullable): the robot's name, in the line
 * ("sent FILE to Team A") when the batch went to several, and as the JSON
 * object's "robot". */
void
dd_cli_print_result (const char *file,
                     const char *robot,
                     gboolean    name_robot,
                     gboolean    sent,
                     const char *media_id,
                     gint64      errcode,
                     const char *error,
                     gboolean    json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "robot");
      if (robot != NULL)
        json_builder_add_string_value (builder, robot);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, sent ? "sent" : "failed");
      json_builder_set_member_name (builder, "media_id");
      if (media_id != NULL)
        json_builder_add_string_value (builder, media_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "errcode");
      json_builder_add_int_value (builder, sent ? 0 : errcode);
      json_builder_set_member_name (builder, "error");
      if (!sent && error != NULL)
        json_builder_add_string_value (builder, error);
      else
        json_builder_add_null_value (builder);
      dd_cli_print_json (builder);
    }
  else
    {
      /* a name with a line feed must not make a line of its own */
      g_autofree char *name = dd_cli_printable (file);
      g_autofree char *sentence = dd_cli_printable (error);
      g_autofree char *what = name_robot && robot != NULL ?
                              g_strdup_printf ("%s to %s", name, robot) : g_strdup (name);

      if (sent)
        g_print ("sent %s\n", what);
      else if (errcode != 0)
        g_print ("failed %s: %s (errcode %" G_GINT64_FORMAT ")\n", what, sentence, errcode);
      else
        g_print ("failed %s: %s\n", what, sentence);
    }
}

void
dd_cli_print_job (DdJob      *job,
                  const char *file,
                  const char *robot,
                  gboolean    name_robot,
                  gboolean    json)
{
  dd_cli_print_result (file, robot, name_robot, dd_job_get_state (job) == DD_JOB_SENT, dd_job_get_media_id (job),
                       dd_job_get_errcode (job), dd_job_get_error_message (job), json);
}

struct _DdCliProgress
{
  DdOutbox  *outbox;
  GPtrArray *jobs;       /* DdJob */
  GPtrArray *names;      /* char *: what to call each job */
  GPtrArray *robots;     /* char *: the name of each job's robot */
  gboolean   several;    /* the jobs go to more than one robot */
  gboolean   json;
  gboolean   tty;        /* standard error is a terminal */
  gboolean  *printed;
  guint      n_sent;
  guint      n_failed;
  GHashTable *told_pause; /* robot id -> the end of the pause said already */
  gboolean   line_shown; /* the progress line is on the terminal */
  char      *line;       /* what it says */
  gboolean   interrupted;
};

static void
clear_line (DdCliProgress *self)
{
  if (self->line_shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      self->line_shown = FALSE;
    }
}

/* "12 of 45 sent · next in 3 s" */
static void
show_line (DdCliProgress *self)
{
  guint n = self->jobs->len;
  gint64 now = dd_outbox_now (self->outbox), next = 0;
  g_autofree char *count = NULL;
  g_autofree char *line = NULL;

  if (!self->tty || self->n_sent + self->n_failed == n)
    return;

  for (guint i = 0; i < n; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);
      gint64 at = dd_job_get_retry_at (job);

      if (!dd_job_is_finished (job) && at > now && (next == 0 || at < next))
        next = at;
    }

  /* Translators: the line shown while sending, "12 of 45 sent" */
  count = g_strdup_printf (_("%u of %u sent"), self->n_sent, n);
  if (next > 0)
    {
      /* Translators: "12 of 45 sent · next in 3 s" */
      line = g_strdup_printf (_("%s · next in %u s"), count,
                              (guint) ((next - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
    }
  else
    line = g_steal_pointer (&count);

  if (self->line_shown && g_strcmp0 (line, self->line) == 0)
    return;
  clear_line (self);
  g_printerr ("%s", line);
  g_free (self->line);
  self->line = g_steal_pointer (&line);
  self->line_shown = TRUE;
}

static void
job_state_cb (DdJob         *job,
              GParamSpec    *pspec,
              DdCliProgress *self)
{
  const gint64 *told;
  guint i;

  told = g_hash_table_lookup (self->told_pause, dd_job_get_profile_id (job));
  if (dd_job_get_state (job) == DD_JOB_PAUSED && (told == NULL || dd_job_get_retry_at (job) > *told) &&
      g_ptr_array_find (self->jobs, job, &i))
    {
      gint64 at = dd_job_get_retry_at (job);
      /* DingTalk's pause is the robot's: said once, with its end */
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (dd_job_get_retry_at (job) / G_USEC_PER_SEC);
      g_autofree char *time = when ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("?");

      g_hash_table_insert (self->told_pause, g_strdup (dd_job_get_profile_id (job)),
                           g_memdup2 (&at, sizeof at));
      clear_line (self);
      if (self->several)
        g_printerr (_("dingdrop: DingTalk asked “%s” to slow down; sending again at %s.\n"),
                    (const char *) g_ptr_array_index (self->robots, i), time);
      else
        g_printerr (_("dingdrop: DingTalk asked this robot to slow down; sending again at %s.\n"), time);
    }

  if (!dd_job_is_finished (job) || !g_ptr_array_find (self->jobs, job, &i) || self->printed[i])
    {
      show_line (self);
      return;
    }

  self->printed[i] = TRUE;
  if (dd_job_get_state (job) == DD_JOB_SENT)
    self->n_sent++;
  else
    self->n_failed++;
  clear_line (self);
  dd_cli_print_job (job, g_ptr_array_index (self->names, i), g_ptr_array_index (self->robots, i),
                    self->several, self->json);
  fflush (stdout);
  show_line (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  show_line (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupted_cb (gpointer user_data)
{
  DdCliProgress *self = user_data;

  self->interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

/**
 * dd_cli_progress_new:
 * @jobs: (element-type DdJob): the jobs to follow
 * @names: (element-type utf8): what to call each of them in the output
 * @robots: (element-type utf8): the name of each one's robot
 */
DdCliProgress *
dd_cli_progress_new (DdOutbox  *outbox,
                     GPtrArray *jobs,
                     GPtrArray *names,
                     GPtrArray *robots,
                     gboolean   json)
{
  DdCliProgress *self = g_new0 (DdCliProgress, 1);

  g_return_val_if_fail (jobs->len == names->len, NULL);
  g_return_val_if_fail (jobs->len == robots->len, NULL);

  for (guint i = 1; i < jobs->len; i++)
    if (g_strcmp0 (dd_job_get_profile_id (g_ptr_array_index (jobs, i)),
                   dd_job_get_profile_id (g_ptr_array_index (jobs, 0))) != 0)
      self->several = TRUE;

  self->outbox = g_object_ref (outbox);
  self->jobs = g_ptr_array_ref (jobs);
  self->names = g_ptr_array_ref (names);
  self->robots = g_ptr_array_ref (robots);
  self->told_pause = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->json = json;
  self->tty = isatty (STDERR_FILENO);
  self->printed = g_new0 (gboolean, jobs->len);
  return self;
}

void
dd_cli_progress_free (DdCliProgress *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->outbox);
  g_ptr_array_unref (self->jobs);
  g_ptr_array_unref (self->names);
  g_ptr_array_unref (self->robots);
  g_hash_table_unref (self->told_pause);
  g_free (self->printed);
  g_free (self->line);
  g_free (self);
}

/**
 * dd_cli_progress_run:
 *
 * Runs the main loop until every job is sent or failed, printing each
 * result as it comes (those finished already at once), or until SIGINT
 * or SIGTERM.
 *
 * Returns: how many jobs are still waiting (0 unless interrupted)
 */
guint
dd_cli_progress_run (DdCliProgress *self)
{
  guint sigint, sigterm, tick = 0;
  guint n_waiting = 0;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (self->jobs, i);

      g_signal_connect (job, "notify::state", G_CALLBACK (job_state_cb), self);
      g_signal_connect (job, "notify::retry-at", G_CALLBACK (job_state_cb), self);
      job_state_cb (job, NULL, self);
    }
  sigint = g_unix_signal_add (SIGINT, interrupted_cb, self);
  sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, self);
  if (self->tty)
    tick = g_timeout_add_seconds (1, tick_cb, self);

  while (self->n_sent + self->n_failed < self->jobs->len && !self->interrupted)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (tick != 0)
    g_source_remove (tick);
  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
  clear_line (self);

  for (guint i = 0; i < self->jobs->len; i++)
    n_waiting += !dd_job_is_finished (g_ptr_array_index (self->jobs, i));
  if (n_waiting > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "dingdrop: stopped. %u image waits in the outbox; “dingdrop outbox resume” sends it.\n",
                             "dingdrop: stopped. %u images wait in the outbox; “dingdrop outbox resume” sends them.\n",
                             n_waiting), n_waiting);
  return n_waiting;
}
