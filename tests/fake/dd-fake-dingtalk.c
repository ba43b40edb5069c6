/* dd-fake-dingtalk.c: the fake DingTalk as a process, for shell tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   dd-fake-dingtalk --port-file f --log l --robot TOKEN:SECRET:kw1,kw2 &
 *   (wait for f; it holds the base URL, e.g. http://127.0.0.1:40123)
 *
 * Runs until SIGTERM or SIGINT, then exits 0. SIGUSR1 expires every app
 * token issued so far (as dd_fake_server_expire_tokens()).
 *
 * Canned answers: PATH "*" means any path (NULL in dd-fake-server.h). One
 * answer is pending per PATH, so a later option for the same PATH replaces
 * an earlier one, every --next-answer coming after every --next-errcode.
 *
 *   --rate-limit 3:400:1000:130101          3 sends per 400 ms, then 1 s blocked, legacy errcode
 *   --next-errcode 2:/robot/send:-1         the next two sends: errcode -1
 *   --next-answer '/robot/send:1:500:{"errcode":-1,"errmsg":"系统繁忙"}'
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "dd-fake-server.h"

static char **opt_apps;
static char **opt_robots;
static char **opt_app_robots;
static char **opt_faults;
static char **opt_errcodes;
static char **opt_answers;
static char *opt_rate_limit;
static char *opt_port_file;
static char *opt_log;
static int opt_token_lifetime;
static int opt_latency = -1;
static gint64 opt_max_upload;
static gint64 opt_clock_offset;
static gboolean opt_html_413;

static const GOptionEntry entries[] = {
  { "app", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_apps,
    "Register an internal app", "KEY:SECRET" },
  { "robot", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_robots,
    "Register a custom robot (empty SECRET: no signing)", "TOKEN[:SECRET[:KW,KW]]" },
  { "app-robot", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_app_robots,
    "Register an app robot in a group", "CODE:CONVID" },
  { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_port_file,
    "Write the base URL there (atomically) once listening", "PATH" },
  { "log", 0, 0, G_OPTION_ARG_FILENAME, &opt_log,
    "Append one JSON object per handled request", "PATH" },
  { "fail-next", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_faults,
    "Fault for the next N requests: http-500, html-413, not-json, drop, latency, stall", "N:KIND" },
  { "next-errcode", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_errcodes,
    "Answer the next COUNT (default 1) requests on PATH (* for any) with ERRCODE",
    "[COUNT:]PATH:ERRCODE[:ERRMSG]" },
  { "next-answer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_answers,
    "Answer the next COUNT requests on PATH (* for any) with STATUS and BODY (the rest, colons included)",
    "PATH:COUNT:STATUS:BODY" },
  { "rate-limit", 0, 0, G_OPTION_ARG_STRING, &opt_rate_limit,
    "Custom robots' rate limit (default 20:60000:600000:410100)",
    "LIMIT:WINDOW_MS:BLOCK_MS:ERRCODE" },
  { "token-lifetime", 0, 0, G_OPTION_ARG_INT, &opt_token_lifetime,
    "App token lifetime (default 7200)", "SECONDS" },
  { "latency", 0, 0, G_OPTION_ARG_INT, &opt_latency,
    "Delay of the latency fault (default 1000)", "MS" },
  { "max-upload-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_upload,
    "Upload size limit (default 20 MiB)", "BYTES" },
  { "html-413-on-oversize", 0, 0, G_OPTION_ARG_NONE, &opt_html_413,
    "Answer a too large upload with an HTML 413 page", NULL },
  { "clock-offset", 0, 0, G_OPTION_ARG_INT64, &opt_clock_offset,
    "Shift the fake's clock", "MS" },
  { NULL }
};

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_expire_signal (gpointer user_data)
{
  dd_fake_server_expire_tokens (user_data);
  return G_SOURCE_CONTINUE;
}

/* "*" is any path; anything else must be a path */
static gboolean
parse_path (const char  *text,
            const char **out_path)
{
  if (strcmp (text, "*") == 0)
    *out_path = NULL;
  else if (text[0] == '/')
    *out_path = text;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_uint (const char *text,
            guint       min,
            guint      *out_value)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, min, G_MAXUINT, &value, NULL))
    return FALSE;
  *out_value = value;
  return TRUE;
}

static gboolean
configure_errcode (DdFakeServer  *server,
                   const char    *option,
                   GError       **error)
{
  g_auto(GStrv) parts = NULL;
  const char *spec = option;
  const char *path;
  guint count = 1;
  gint64 errcode = 0;

  /* a path starts with '/' or is '*': a leading number is a count */
  if (g_ascii_isdigit (option[0]))
    {
      g_auto(GStrv) head = g_strsplit (option, ":", 2);

      if (g_strv_length (head) != 2 || !parse_uint (head[0], 0, &count))
        goto bad;
      spec = option + strlen (head[0]) + 1;
    }

  parts = g_strsplit (spec, ":", 3);
  if (g_strv_length (parts) < 2 || !parse_path (parts[0], &path) ||
      !g_ascii_string_to_signed (parts[1], 10, G_MININT64, G_MAXINT64, &errcode, NULL))
    goto bad;

  dd_fake_server_set_next_errcode_full (server, path, count, errcode, parts[2]);
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--next-errcode wants [COUNT:]PATH:ERRCODE[:ERRMSG], got “%s”", option);
  return FALSE;
}

static gboolean
configure_answer (DdFakeServer  *server,
                  const char    *option,
                  GError       **error)
{
  g_auto(GStrv) parts = g_strsplit (option, ":", 4);
  const char *path;
  guint count = 0;
  guint status = 0;

  if (g_strv_length (parts) != 4 || !parse_path (parts[0], &path) ||
      !parse_uint (parts[1], 0, &count) || !parse_uint (parts[2], 100, &status) || status > 599)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--next-answer wants PATH:COUNT:STATUS:BODY, got “%s”", option);
      return FALSE;
    }

  dd_fake_server_set_next_answer (server, path, count, status, parts[3], NULL);
  return TRUE;
}

static gboolean
configure_rate_limit (DdFakeServer  *server,
                      const char    *option,
                      GError       **error)
{
  g_auto(GStrv) parts = g_strsplit (option, ":", -1);
  guint limit = 0;
  guint window_ms = 0;
  guint block_ms = 0;
  gint64 errcode = 0;

  if (g_strv_length (parts) != 4 ||
      !parse_uint (parts[0], 1, &limit) || !parse_uint (parts[1], 1, &window_ms) ||
      !parse_uint (parts[2], 0, &block_ms) ||
      !g_ascii_string_to_signed (parts[3], 10, G_MININT64, G_MAXINT64, &errcode, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rate-limit wants LIMIT:WINDOW_MS:BLOCK_MS:ERRCODE, got “%s”", option);
      return FALSE;
    }

  dd_fake_server_set_rate_limit (server, limit, window_ms, block_ms, errcode);
  return TRUE;
}

static gboolean
configure (DdFakeServer  *server,
           GError       **error)
{
  for (guint i = 0; opt_apps && opt_apps[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (opt_apps[i], ":", 2);

      if (g_strv_length (parts) != 2 || *parts[0] == '\0')
        goto bad_app;
      dd_fake_server_add_app (server, parts[0], parts[1]);
    }

  for (guint i = 0; opt_robots && opt_robots[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (opt_robots[i], ":", 3);
      g_auto(GStrv) keywords = NULL;
      guint n = g_strv_length (parts);

      if (n == 0 || *parts[0] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--robot wants TOKEN[:SECRET[:KEYWORD,KEYWORD]]");
          return FALSE;
        }
      if (n == 3 && *parts[2] != '\0')
        keywords = g_strsplit (parts[2], ",", -1);
      dd_fake_server_add_robot (server, parts[0], n >= 2 ? parts[1] : NULL,
                                (const char * const *) keywords);
    }

  for (guint i = 0; opt_app_robots && opt_app_robots[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (opt_app_robots[i], ":", 2);

      if (g_strv_length (parts) != 2 || *parts[0] == '\0' || *parts[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--app-robot wants CODE:CONVID");
          return FALSE;
        }
      dd_fake_server_add_app_robot (server, parts[0], parts[1]);
    }

  for (guint i = 0; opt_faults && opt_faults[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (opt_faults[i], ":", 2);
      guint64 count = 0;
      DdFakeFault fault;

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &count, NULL) ||
          !dd_fake_fault_from_string (parts[1], &fault) || fault == DD_FAKE_FAULT_NONE)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--fail-next wants N:KIND, got “%s”", opt_faults[i]);
          return FALSE;
        }
      dd_fake_server_inject_fault (server, fault, count);
    }

  for (guint i = 0; opt_errcodes && opt_errcodes[i]; i++)
    if (!configure_errcode (server, opt_errcodes[i], error))
      return FALSE;

  for (guint i = 0; opt_answers && opt_answers[i]; i++)
    if (!configure_answer (server, opt_answers[i], error))
      return FALSE;

  if (opt_rate_limit != NULL && !configure_rate_limit (server, opt_rate_limit, error))
    return FALSE;

  if (opt_token_lifetime > 0)
    dd_fake_server_set_token_lifetime (server, opt_token_lifetime);
  if (opt_latency >= 0)
    dd_fake_server_set_latency (server, opt_latency);
  if (opt_max_upload > 0)
    dd_fake_server_set_max_upload_bytes (server, opt_max_upload);
  dd_fake_server_set_html_413_on_oversize (server, opt_html_413);
  dd_fake_server_advance_clock (server, opt_clock_offset);

  if (opt_log != NULL && !dd_fake_server_set_log_file (server, opt_log, error))
    return FALSE;

  return TRUE;

bad_app:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--app wants KEY:SECRET");
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdFakeServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *contents = NULL;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- a fake DingTalk for tests");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("dd-fake-dingtalk: %s\n", error->message);
      return 2;
    }

  server = dd_fake_server_new ();
  if (!configure (server, &error))
    {
      g_printerr ("dd-fake-dingtalk: %s\n", error->message);
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGUSR1, on_expire_signal, server);

  contents = g_strdup_printf ("%s\n", dd_fake_server_get_base_url (server));
  if (opt_port_file != NULL && !g_file_set_contents (opt_port_file, contents, -1, &error))
    {
      g_printerr ("dd-fake-dingtalk: %s\n", error->message);
      return 1;
    }
  g_print ("%s", contents);
  fflush (stdout);

  g_main_loop_run (loop);

  if (opt_port_file != NULL)
    g_unlink (opt_port_file);

  return EXIT_SUCCESS;
}
