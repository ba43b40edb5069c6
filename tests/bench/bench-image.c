/* bench-image.c: the CPU one image's preparation costs (issue 11)
 *
 *   bench-image [--runs N] FILE...
 *
 * For each FILE, runs dd_image_prepare_bytes() N times (default 5) with
 * the default options (DingTalk's 20 MiB, metadata removed) on the bytes
 * read once, and prints one line: the median and the minimum of the
 * thread's CPU time (user + system, CLOCK_THREAD_CPUTIME_ID) and of the
 * wall time, the sizes in and out, and what the preparation did.  Reading
 * the file is not timed: the outbox maps its own copy.  A file that
 * cannot be prepared is an error (exit 1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "dd-image.h"

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  int runs = 5;
  int first = 1;

  if (argc > 2 && g_str_equal (argv[1], "--runs"))
    {
      runs = MAX (atoi (argv[2]), 1);
      first = 3;
    }
  if (first >= argc)
    {
      g_printerr ("usage: bench-image [--runs N] FILE...\n");
      return 2;
    }

  for (int i = first; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (argv[i], FALSE, &error);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree double *cpu = g_new0 (double, runs);
      g_autofree double *wall = g_new0 (double, runs);
      g_autoptr(DdPreparedImage) last = NULL;
      DdImageOptions options;

      if (mapped == NULL)
        {
          g_printerr ("bench-image: %s\n", error->message);
          return 1;
        }
      bytes = g_bytes_new (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped));
      dd_image_options_init_default (&options);

      for (int r = 0; r < runs; r++)
        {
          g_autoptr(DdPreparedImage) image = NULL;
          gint64 t0 = g_get_monotonic_time ();
          double c0 = thread_cpu_ms ();

          image = dd_image_prepare_bytes (bytes, argv[i], &options, NULL, &error);
          cpu[r] = thread_cpu_ms () - c0;
          wall[r] = (g_get_monotonic_time () - t0) / 1e3;
          if (image == NULL)
            {
              g_printerr ("bench-image: %s\n", error->message);
              return 1;
            }
          g_set_object (&last, image);
        }
      qsort (cpu, runs, sizeof *cpu, compare);
      qsort (wall, runs, sizeof *wall, compare);
      g_print ("%s\tcpu_ms %.1f min %.1f\twall_ms %.1f min %.1f\tin %" G_GSIZE_FORMAT " out %" G_GSIZE_FORMAT
               "\t%ux%u %s%s%s%s\n",
               argv[i], cpu[runs / 2], cpu[0], wall[runs / 2], wall[0],
               g_bytes_get_size (bytes), dd_prepared_image_get_size (last),
               dd_prepared_image_get_width (last), dd_prepared_image_get_height (last),
               dd_prepared_image_get_mime_type (last),
               dd_prepared_image_get_resized (last) ? " resized" : "",
               dd_prepared_image_get_converted (last) ? " converted" : "",
               dd_prepared_image_get_metadata_removed (last) ? " metadata-removed" : "");
    }
  return 0;
}
