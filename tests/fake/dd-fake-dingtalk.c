/* dd-fake-dingtalk.c: the fake DingTalk as a process, for shell tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   dd-fake-dingtalk --port-file f --log l --robot TOKEN:SECRET:kw1,kw2 &
 *   (wait for f; it holds the base URL, e.g. http://127.0.0.1:40123)
 *
 * Runs until SIGTERM or SIGINT, then exits 0. SIGUSR1 expires every app
 * token issued so far (as dd_fake_server_expire_tokens()).
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "dd-fake-server.h"

static char **opt_apps;
static char **opt_robots;
static char **opt_app_robots;
static char **opt_faults;
static char **opt_errcodes;
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
    "Answer the next request on PATH with ERRCODE", "PATH:ERRCODE[:ERRMSG]" },
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
    {
      g_auto(GStrv) parts = g_strsplit (opt_errcodes[i], ":", 3);
      gint64 errcode = 0;

      if (g_strv_length (parts) < 2 || parts[0][0] != '/' ||
          !g_ascii_string_to_signed (parts[1], 10, G_MININT64, G_MAXINT64, &errcode, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--next-errcode wants PATH:ERRCODE[:ERRMSG], got “%s”", opt_errcodes[i]);
          return FALSE;
        }
      dd_fake_server_set_next_errcode (server, parts[0], errcode, parts[2]);
    }

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
