/* dd-window-main.c: the window's way in, built as a module of its own
 * (dingdrop-window.so) that main.c opens only to show the window: the
 * command line (`dingdrop send` in a script) loads no GTK or libadwaita,
 * which cost it about 8 ms of its start-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dingdrop"

#include "config.h"

#include <gmodule.h>

#include "dd-application.h"

G_MODULE_EXPORT int dd_window_main (int argc, char **argv);

G_MODULE_EXPORT int
dd_window_main (int    argc,
                char **argv)
{
  g_autoptr(DdApplication) app = dd_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
