/* paste-probe.c: when a window's pixels show a pasted image (issue 11)
 *
 *   paste-probe WINDOW-ID TIMEOUT-MS
 *
 * Reads the window's pixels from the X server (XGetImage) once, prints
 * "ready", then reads them again and again, as fast as the server
 * answers (about 1 ms for a small window), and prints, each once:
 *
 *   row MONOTONIC-SECONDS        the first read in which more than 200
 *                                pixels differ from the first (the
 *                                pasted image's row, or whatever the
 *                                window showed first for it)
 *   thumbnail MONOTONIC-SECONDS  the first read with more than 300
 *                                magenta pixels (red and blue > 120,
 *                                green < 90: the pasted image is a
 *                                magenta-and-purple plasma, and nothing
 *                                in Adwaita has that colour)
 *
 * The times are CLOCK_MONOTONIC, the clock of Python's time.monotonic():
 * the caller notes the time just before it sends the key.  Exits 0 once
 * both were seen, 1 at the timeout (what was seen is printed).  Built by
 * tests/bench/paste with cc; it is not part of the project's build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int    argc,
      char **argv)
{
  Display *dpy;
  Window window;
  XWindowAttributes attrs;
  XImage *first, *image;
  double deadline, row_at = 0, thumb_at = 0;

  if (argc != 3)
    {
      fprintf (stderr, "usage: paste-probe WINDOW-ID TIMEOUT-MS\n");
      return 2;
    }
  window = (Window) strtoul (argv[1], NULL, 0);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL || !XGetWindowAttributes (dpy, window, &attrs))
    {
      fprintf (stderr, "paste-probe: no such window\n");
      return 2;
    }
  first = XGetImage (dpy, window, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
  if (first == NULL)
    {
      fprintf (stderr, "paste-probe: the window's pixels cannot be read\n");
      return 2;
    }
  if (first->bits_per_pixel != 32)
    {
      fprintf (stderr, "paste-probe: a 24-bit TrueColor screen is needed\n");
      return 2;
    }
  printf ("ready %d %d\n", attrs.width, attrs.height);
  fflush (stdout);

  deadline = now () + atof (argv[2]) / 1000;
  while (now () < deadline && (row_at == 0 || thumb_at == 0))
    {
      int changed = 0, magenta = 0;
      double t;

      image = XGetImage (dpy, window, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
      t = now ();
      if (image == NULL)
        break;   /* the window went */
      for (int y = 0; y < attrs.height; y++)
        {
          const unsigned *a = (const unsigned *) (image->data + (size_t) y * image->bytes_per_line);
          const unsigned *b0 = (const unsigned *) (first->data + (size_t) y * first->bytes_per_line);

          for (int x = 0; x < attrs.width; x++)
            {
              unsigned p = a[x] & 0xffffff;
              unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

              changed += p != (b0[x] & 0xffffff);
              magenta += r > 120 && b > 120 && g < 90;
            }
        }
      XDestroyImage (image);
      if (row_at == 0 && changed > 200)
        {
          row_at = t;
          printf ("row %.6f\n", t);
          fflush (stdout);
        }
      if (thumb_at == 0 && magenta > 300)
        {
          thumb_at = t;
          printf ("thumbnail %.6f\n", t);
          fflush (stdout);
        }
    }

  XDestroyImage (first);
  XCloseDisplay (dpy);
  return row_at != 0 && thumb_at != 0 ? 0 : 1;
}
