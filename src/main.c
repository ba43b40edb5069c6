/* main.c: `dingdrop [FILE…]` opens the window (adding the files to it);
 * `dingdrop send|profile|outbox …` runs the command line, which needs no
 * display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dingdrop"

#include "config.h"

#include <locale.h>
#include <sys/resource.h>

#include <glib/gi18n.h>

#include "dd-application.h"
#include "dd-cli.h"

/* The outbox keeps a lock open for each image it owns: a batch of a
 * thousand must not run out of the usual 1024 files.  The main loop
 * uses poll(), which has no such limit. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the limit of open files");
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(DdApplication) app = NULL;
  /* where the tests put the translations of the build tree */
  const char *localedir = g_getenv ("DINGDROP_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  raise_file_limit ();

  if (argc > 1 && dd_cli_handles (argv[1]))
    return dd_cli_run (argc - 1, argv + 1);

  app = dd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
