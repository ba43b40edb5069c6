/* dd-outbox-source.c: one image to add to the outbox: a file, or bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-image.h"
#include "dd-outbox-source.h"

struct _DdOutboxSource {
  GFile  *file;
  GBytes *bytes;
  char   *display_name;
};

G_DEFINE_BOXED_TYPE (DdOutboxSource, dd_outbox_source, dd_outbox_source_copy, dd_outbox_source_free)

/**
 * dd_outbox_source_new_for_file:
 * @display_name: (nullable): the name to show; %NULL: the file's own
 */
DdOutboxSource *
dd_outbox_source_new_for_file (GFile      *file,
                               const char *display_name)
{
  DdOutboxSource *source;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  source = g_new0 (DdOutboxSource, 1);
  source->file = g_object_ref (file);
  source->display_name = g_strdup (display_name);
  return source;
}

/**
 * dd_outbox_source_new_for_bytes:
 * @display_name: (nullable): the name to show; %NULL: "Image"
 */
DdOutboxSource *
dd_outbox_source_new_for_bytes (GBytes     *bytes,
                                const char *display_name)
{
  DdOutboxSource *source;

  g_return_val_if_fail (bytes != NULL, NULL);

  source = g_new0 (DdOutboxSource, 1);
  source->bytes = g_bytes_ref (bytes);
  source->display_name = g_strdup (display_name);
  return source;
}

DdOutboxSource *
dd_outbox_source_copy (const DdOutboxSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);

  return source->file
    ? dd_outbox_source_new_for_file (source->file, source->display_name)
    : dd_outbox_source_new_for_bytes (source->bytes, source->display_name);
}

void
dd_outbox_source_free (DdOutboxSource *source)
{
  if (source == NULL)
    return;

  g_clear_object (&source->file);
  g_clear_pointer (&source->bytes, g_bytes_unref);
  g_free (source->display_name);
  g_free (source);
}

/**
 * dd_outbox_source_read:
 * @cap: the most read from a file
 * @display_name: (out) (transfer full): the name to show for it, set
 *   even when reading fails
 *
 * Reads the image through the guarded reader (no FIFOs, devices or
 * endless files).  Blocks: for worker threads.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
dd_outbox_source_read (const DdOutboxSource  *source,
                       guint64                cap,
                       char                 **display_name,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autofree char *name = NULL;
  GBytes *bytes;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (source->file != NULL)
    bytes = dd_image_read_file (source->file, cap, &name, cancellable, error);
  else
    bytes = g_bytes_ref (source->bytes);

  if (source->display_name != NULL && *source->display_name != '\0')
    {
      g_free (name);
      name = g_strdup (source->display_name);
    }
  if (name == NULL && source->file != NULL)
    name = g_file_get_basename (source->file);
  if (name == NULL)
    name = g_strdup (_("Image"));

  *display_name = g_steal_pointer (&name);
  return bytes;
}
