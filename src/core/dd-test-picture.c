/* dd-test-picture.c: the small picture a robot's Test posts
 *
 * DingDrop's icon on a coloured background, with the robot's name and the
 * time: a picture that can only be this Test's, so the user can tell at a
 * glance whether it showed in the group.  Drawn with cairo and pango (no
 * GTK), a PNG of a few tens of KB.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-test-picture"

#include "config.h"

#include <string.h>

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "dd-core-resources.h"
#include "dd-error.h"
#include "dd-test-picture.h"

#define ICON_PATH "/io/github/dingdrop/DingDrop/core/dd-test-picture-icon.png"
#define MARGIN    32

/* GNOME's palette, dark enough for white text: the robot's name picks one,
 * so two robots' Tests look different. */
static const guint32 backgrounds[] = {
  0x1c71d8, 0x26a269, 0xc64600, 0x813d9c, 0x986a44, 0xa51d2d, 0x0b7a75,
};

typedef struct {
  GBytes *bytes;
  gsize   offset;
} ReadState;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  ReadState *state = closure;
  gsize size;
  const guint8 *src = g_bytes_get_data (state->bytes, &size);

  if (state->offset + length > size)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, src + state->offset, length);
  state->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
write_png (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           const char *font,
           double      x,
           double      y,
           int         width)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/**
 * dd_test_picture_new:
 * @robot_name: the robot's name, shown on the picture
 * @when: the time shown on it
 *
 * Returns: (transfer full): a PNG of %DD_TEST_PICTURE_WIDTH ×
 *   %DD_TEST_PICTURE_HEIGHT, or %NULL with a %DD_ERROR_FILE error
 */
GBytes *
dd_test_picture_new (const char  *robot_name,
                     GDateTime   *when,
                     GError     **error)
{
  g_autoptr(GBytes) icon_bytes = NULL;
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autofree char *time_text = NULL;
  g_autofree char *robot_line = NULL;
  cairo_surface_t *surface;
  cairo_surface_t *icon;
  cairo_status_t status;
  ReadState state = { NULL, 0 };
  guint32 rgb;
  cairo_t *cr;

  g_return_val_if_fail (robot_name != NULL, NULL);
  g_return_val_if_fail (when != NULL, NULL);

  /* referenced here, so that the static core keeps its resource */
  icon_bytes = g_resource_lookup_data (dd_core_get_resource (), ICON_PATH,
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (icon_bytes != NULL);

  rgb = backgrounds[g_str_hash (robot_name) % G_N_ELEMENTS (backgrounds)];
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, DD_TEST_PICTURE_WIDTH, DD_TEST_PICTURE_HEIGHT);
  cr = cairo_create (surface);

  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
  cairo_paint (cr);

  state.bytes = icon_bytes;
  icon = cairo_image_surface_create_from_png_stream (read_png, &state);
  if (cairo_surface_status (icon) == CAIRO_STATUS_SUCCESS)
    {
      cairo_set_source_surface (cr, icon, MARGIN, (DD_TEST_PICTURE_HEIGHT - cairo_image_surface_get_height (icon)) / 2.0);
      cairo_paint (cr);
    }
  cairo_surface_destroy (icon);

  cairo_set_source_rgb (cr, 1, 1, 1);
  /* Translators: the first line of the Test's picture */
  draw_text (cr, _("DingDrop test picture"), "Sans 15", 2 * MARGIN + 96, 70, DD_TEST_PICTURE_WIDTH - 3 * MARGIN - 96);
  draw_text (cr, robot_name, "Sans Bold 24", 2 * MARGIN + 96, 104, DD_TEST_PICTURE_WIDTH - 3 * MARGIN - 96);
  time_text = g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
  draw_text (cr, time_text, "Monospace 14", 2 * MARGIN + 96, 156, DD_TEST_PICTURE_WIDTH - 3 * MARGIN - 96);

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  status = cairo_surface_write_to_png_stream (surface, write_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                   _("Could not draw the test picture (%s)."), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
