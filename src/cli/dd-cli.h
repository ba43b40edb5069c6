/* dd-cli.h: `dingdrop send`, `dingdrop profile …`: the core for scripts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of the command line. */
#define DD_EXIT_OK      0
#define DD_EXIT_FAILED  1
#define DD_EXIT_USAGE   2

gboolean  dd_cli_handles  (const char  *command);
int       dd_cli_run      (int          argc,
                           char       **argv);

G_END_DECLS
