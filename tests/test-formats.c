/* test-formats.c: every image format DingDrop promises to take has a
 * gdk-pixbuf loader where it runs: JPEG, PNG, GIF and BMP (sent as they
 * are, but read for their size and thumbnails), WebP, TIFF and ICO
 * (converted).  It runs in the Flatpak's test setup too, where the loaders
 * are the GNOME runtime's and the manifest's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

static GdkPixbufFormat *
find_format (const char *mime_type)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_auto(GStrv) types = gdk_pixbuf_format_get_mime_types (l->data);

      for (guint i = 0; types != NULL && types[i] != NULL; i++)
        if (g_str_equal (types[i], mime_type))
          return l->data;
    }
  return NULL;
}

static void
test_loader (gconstpointer data)
{
  const char *mime_type = data;
  GdkPixbufFormat *format = find_format (mime_type);

  if (format == NULL)
    g_test_message ("no gdk-pixbuf loader for %s: install it (Debian: see "
                    "build-aux/install-deps.sh; Flatpak: a module in the manifest)", mime_type);
  g_assert_nonnull (format);
  g_assert_false (gdk_pixbuf_format_is_disabled (format));
}

int
main (int    argc,
      char **argv)
{
  static const char * const promised[] = {
    "image/jpeg", "image/png", "image/gif", "image/bmp",
    "image/webp", "image/tiff", "image/x-icon",
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (promised); i++)
    {
      g_autofree char *path = g_strdup_printf ("/formats/%s", promised[i]);

      g_test_add_data_func (path, promised[i], test_loader);
    }

  return g_test_run ();
}
