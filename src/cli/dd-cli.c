/* dd-cli.c: `dingdrop send`, `dingdrop profile …`, `dingdrop outbox …`:
 * the core for scripts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include "dd-cli-private.h"

gboolean
dd_cli_handles (const char *command)
{
  return g_strcmp0 (command, "send") == 0 ||
         g_strcmp0 (command, "profile") == 0 ||
         g_strcmp0 (command, "outbox") == 0;
}

/**
 * dd_cli_run:
 * @argc: the number of arguments, the command first
 * @argv: the command ("send", "profile", "outbox") and its arguments
 *
 * Runs a command of the command line.  Needs no display.
 *
 * Returns: the process's exit status
 */
int
dd_cli_run (int    argc,
            char **argv)
{
  g_autofree char *prgname = NULL;

  g_return_val_if_fail (argc >= 1, DD_EXIT_USAGE);

  /* before anything opens a file that could take a closed one's place */
  dd_cli_guard_standard_fds ();

  /* the name --help and error messages begin with: "dingdrop profile add" */
  if (!g_str_equal (argv[0], "send") && argc >= 2 && argv[1][0] != '-')
    prgname = g_strdup_printf ("dingdrop %s %s", argv[0], argv[1]);
  else
    prgname = g_strdup_printf ("dingdrop %s", argv[0]);
  g_set_prgname (prgname);

  if (g_str_equal (argv[0], "send"))
    return dd_cli_send (argc, argv);
  if (g_str_equal (argv[0], "profile"))
    return dd_cli_profile (argc, argv);
  if (g_str_equal (argv[0], "outbox"))
    return dd_cli_outbox (argc, argv);

  return DD_EXIT_USAGE;
}
