/* main.c: `dingdrop [FILE…]` opens the window (adding the files to it);
 * `dingdrop send|profile|outbox …` runs the command line, which needs no
 * display and loads no GTK (the window is a module, opened on demand)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dingdrop"

#include "config.h"

#include <locale.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>
#include <gmodule.h>

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

/* Images are megabytes each, read, stripped and sent by several threads.
 * glibc serves a block above its mmap threshold with mmap() and gives it
 * back when freed, but after the first such free it raises the threshold
 * to that block's size: from then on every 8 MB photo lands in a thread's
 * heap, which keeps it.  Fixed at 1 MiB, the peak RSS of a 50-photo
 * `dingdrop send` (8 MB JPEGs) fell from 198 MB to 104 MB
 * (tests/bench/footprint). */
static void
keep_big_blocks_returnable (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
#endif
}

/* The window is in dingdrop-window.so (dd-window-main.c), opened only
 * here: the build tree has it beside this program, an installation in
 * DD_MODULEDIR. */
static int
run_window (int    argc,
            char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *beside = dir ? g_build_filename (dir, "dingdrop-window.so", NULL) : NULL;
  g_autofree char *installed = g_build_filename (DD_MODULEDIR, "dingdrop-window.so", NULL);
  const char *path = beside && g_file_test (beside, G_FILE_TEST_IS_REGULAR) ? beside : installed;
  GModule *module = g_module_open (path, G_MODULE_BIND_LOCAL);
  int (*window_main) (int, char **) = NULL;

  if (module == NULL || !g_module_symbol (module, "dd_window_main", (gpointer *) &window_main))
    {
      /* Translators: %s is the system's reason, in English */
      g_printerr (_("dingdrop: the window could not be opened: %s\n"), g_module_error ());
      return 1;
    }
  /* kept open: the window's types live in it until the exit */
  return window_main (argc, argv);
}

int
main (int    argc,
      char **argv)
{
  /* where the tests put the translations of the build tree */
  const char *localedir = g_getenv ("DINGDROP_LOCALEDIR");

  keep_big_blocks_returnable ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  raise_file_limit ();

  if (argc > 1 && dd_cli_handles (argv[1]))
    return dd_cli_run (argc - 1, argv + 1);

  return run_window (argc, argv);
}
