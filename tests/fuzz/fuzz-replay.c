/* fuzz-replay.c: a libFuzzer target without libFuzzer, over files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In a build without -Dfuzzing (gcc, the normal suite) each target is
 * linked with this main() instead of libFuzzer's: it runs the target once
 * on every file of the folders given (the seed corpus and the inputs that
 * once failed, tests/fuzz/regressions), in name order, as `-runs=0` does.
 * A broken invariant or a critical aborts (fuzz-common.h); a folder with
 * no input fails too, so that a lost corpus cannot pass.
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fuzz-common.h"

/* g_ptr_array_sort() hands pointers to the elements */
static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static guint
replay_folder (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!g_file_get_contents (file, &contents, &length, &error))
        g_error ("%s", error->message);
      /* exactly the file's bytes in a buffer of their own, as libFuzzer
       * hands them, so that AddressSanitizer sees a read past the end */
      {
        g_autofree uint8_t *exact = g_malloc (MAX (length, 1));

        memcpy (exact, contents, length);
        LLVMFuzzerTestOneInput (exact, length);
      }
      printf ("ok %s\n", file);
    }

  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  guint total = 0;

  LLVMFuzzerInitialize (&argc, &argv);

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FOLDER...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      guint n = replay_folder (argv[i]);

      if (n == 0)
        g_error ("%s holds no input", argv[i]);
      total += n;
    }

  printf ("%u inputs, no failure\n", total);
  return 0;
}
