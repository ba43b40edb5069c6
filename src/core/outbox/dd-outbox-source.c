/* dd-outbox-source.c: one image to add to the outbox: a file, or bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* copy_file_range(), sync_file_range() */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The name the copy is shown with: the one given, else the file's. */
static char *
file_display_name (const DdOutboxSource *source,
                   const char           *path)
{
  if (source->display_name != NULL && *source->display_name != '\0')
    return g_strdup (source->display_name);
  return g_filename_display_basename (path);
}

/**
 * dd_outbox_source_copy_file:
 * @dest: where the copy goes; nothing may be there
 * @cap: the most to copy
 * @display_name: (out): the image's name, for messages; set only when
 *   copied
 *
 * Copies a local regular file of 1 to @cap bytes to @dest inside the
 * kernel (copy_file_range(): the bytes never pass through this process,
 * and on a file system that can, the copy shares their blocks until one
 * side is written), then starts the copy's writeback, so that the flush
 * that makes a batch durable finds most of it on disk already.
 *
 * Returns: %TRUE if @dest is the copy.  %FALSE if this way does not
 *   apply: bytes, not a file; not a regular file (a folder, a FIFO, a
 *   device); empty, over @cap, or grown past it while copied; a file that
 *   cannot be opened; a file system that cannot copy this way.  Nothing
 *   is left at @dest then: dd_outbox_source_read() is the way, and says
 *   what is wrong, if anything is.
 */
gboolean
dd_outbox_source_copy_file (const DdOutboxSource  *source,
                            const char            *dest,
                            guint64                cap,
                            char                 **display_name)
{
  g_autofree char *path = NULL;
  struct stat st;
  guint64 copied = 0;
  gboolean made = FALSE, copied_all = FALSE;
  int in, out = -1;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  if (source->file == NULL || (path = g_file_get_path (source->file)) == NULL)
    return FALSE;

  /* O_NONBLOCK: opening a FIFO for reading would wait for a writer */
  in = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (in < 0)
    return FALSE;
  if (fstat (in, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size <= 0 || (guint64) st.st_size > cap)
    goto done;

  out = open (dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    goto done;
  made = TRUE;

  /* to the end, whatever the size said; one byte past the cap tells a
   * file at the cap from one that grew past it */
  for (;;)
    {
      ssize_t n = copy_file_range (in, NULL, out, NULL, MIN (cap + 1 - copied, G_GUINT64_CONSTANT (1) << 30), 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto done;
      if (n == 0)
        break;
      copied += n;
      if (copied > cap)
        goto done;
    }
  if (copied == 0)
    goto done;

  /* its errors, if any, are the flush's to report */
  sync_file_range (out, 0, 0, SYNC_FILE_RANGE_WRITE);
  copied_all = close (out) == 0;
  out = -1;

done:
  if (out >= 0)
    close (out);
  if (made && !copied_all)
    unlink (dest);
  close (in);
  if (copied_all)
    *display_name = file_display_name (source, path);
  return copied_all;
}
