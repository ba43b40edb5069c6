/* dd-image.c: getting an image ready for DingTalk's media upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DingTalk takes JPEG, PNG, GIF and BMP up to 20 MB.  Those are sent as
 * they are, minus their metadata; anything else gdk-pixbuf can decode is
 * converted; anything too large is re-encoded and scaled down until it
 * fits.  A JPEG whose EXIF orientation is not 1 is re-encoded upright,
 * because DingTalk's clients do not all honour the tag: the pixels turn,
 * and the metadata goes with the re-encoding unless keep_metadata is set,
 * in which case it is copied back with the orientation set to 1.
 *
 * This file has the result object and the public and async entry points;
 * the work is in dd-image-prepare.c (the order of the steps),
 * dd-image-meta.c and dd-image-jpeg.c (containers, without decoding) and
 * dd-image-encode.c (decoding, encoding, scaling).
 */
#define G_LOG_DOMAIN "dd-image"

#include "config.h"

#include "dd-image-private.h"
#include "dd-profile.h"

#define MIN_INPUT_CAP (G_GUINT64_CONSTANT (200) * 1024 * 1024)

struct _DdPreparedImage
{
  GObject  parent_instance;

  GBytes  *data;
  char    *mime_type;
  char    *filename;
  char    *original_format;
  guint64  original_size;
  guint    width;
  guint    height;
  guint    converted : 1;
  guint    resized : 1;
  guint    metadata_removed : 1;
  guint    rotated : 1;
};

G_DEFINE_FINAL_TYPE (DdPreparedImage, dd_prepared_image, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA,
  PROP_MIME_TYPE,
  PROP_FILENAME,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_CONVERTED,
  PROP_RESIZED,
  PROP_METADATA_REMOVED,
  PROP_ROTATED,
  PROP_ORIGINAL_FORMAT,
  PROP_ORIGINAL_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dd_prepared_image_finalize (GObject *object)
{
  DdPreparedImage *self = (DdPreparedImage *) object;

  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->original_format, g_free);

  G_OBJECT_CLASS (dd_prepared_image_parent_class)->finalize (object);
}

static void
dd_prepared_image_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DdPreparedImage *self = DD_PREPARED_IMAGE (object);

  switch (prop_id)
    {
    case PROP_DATA:
      g_value_set_boxed (value, self->data);
      break;
    case PROP_MIME_TYPE:
      g_value_set_string (value, self->mime_type);
      break;
    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_CONVERTED:
      g_value_set_boolean (value, self->converted);
      break;
    case PROP_RESIZED:
      g_value_set_boolean (value, self->resized);
      break;
    case PROP_METADATA_REMOVED:
      g_value_set_boolean (value, self->metadata_removed);
      break;
    case PROP_ROTATED:
      g_value_set_boolean (value, self->rotated);
      break;
    case PROP_ORIGINAL_FORMAT:
      g_value_set_string (value, self->original_format);
      break;
    case PROP_ORIGINAL_SIZE:
      g_value_set_uint64 (value, self->original_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_prepared_image_class_init (DdPreparedImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dd_prepared_image_finalize;
  object_class->get_property = dd_prepared_image_get_property;

  properties[PROP_DATA] =
    g_param_spec_boxed ("data", NULL, NULL, G_TYPE_BYTES, flags);
  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);
  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL, NULL, flags);
  properties[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CONVERTED] =
    g_param_spec_boolean ("converted", NULL, NULL, FALSE, flags);
  properties[PROP_RESIZED] =
    g_param_spec_boolean ("resized", NULL, NULL, FALSE, flags);
  properties[PROP_METADATA_REMOVED] =
    g_param_spec_boolean ("metadata-removed", NULL, NULL, FALSE, flags);
  properties[PROP_ROTATED] =
    g_param_spec_boolean ("rotated", NULL, NULL, FALSE, flags);
  properties[PROP_ORIGINAL_FORMAT] =
    g_param_spec_string ("original-format", NULL, NULL, NULL, flags);
  properties[PROP_ORIGINAL_SIZE] =
    g_param_spec_uint64 ("original-size", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dd_prepared_image_init (DdPreparedImage *self)
{
}

/**
 * dd_prepared_image_get_data:
 *
 * Returns: (transfer none): the bytes to upload
 */
GBytes *
dd_prepared_image_get_data (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), NULL);
  return self->data;
}

/* The final size in bytes: never more than the max_bytes it was made for. */
guint64
dd_prepared_image_get_size (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), 0);
  return g_bytes_get_size (self->data);
}

/* "image/jpeg", "image/png", "image/gif" or "image/bmp" */
const char *
dd_prepared_image_get_mime_type (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), NULL);
  return self->mime_type;
}

/* The display name with the extension of the real format: "photo.webp"
 * becomes "photo.png", a JPEG called "x.png" becomes "x.jpg". */
const char *
dd_prepared_image_get_filename (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), NULL);
  return self->filename;
}

/* The final width, after rotation and scaling. */
guint
dd_prepared_image_get_width (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), 0);
  return self->width;
}

guint
dd_prepared_image_get_height (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), 0);
  return self->height;
}

/* TRUE if the format changed (WebP to PNG, a too-large PNG to JPEG, …). */
gboolean
dd_prepared_image_get_converted (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), FALSE);
  return self->converted;
}

/* TRUE if it was scaled down to fit the size limit. */
gboolean
dd_prepared_image_get_resized (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), FALSE);
  return self->resized;
}

/* TRUE if the original carried metadata (EXIF, GPS, XMP, IPTC, comments,
 * text chunks, data after the image) that the result does not.  A converted
 * image keeps none of its original's metadata, so it is always TRUE then. */
gboolean
dd_prepared_image_get_metadata_removed (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), FALSE);
  return self->metadata_removed;
}

/* TRUE if the pixels were turned to honour the EXIF orientation. */
gboolean
dd_prepared_image_get_rotated (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), FALSE);
  return self->rotated;
}

/* The MIME type of the original as found from its content, "image/webp". */
const char *
dd_prepared_image_get_original_format (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), NULL);
  return self->original_format;
}

guint64
dd_prepared_image_get_original_size (DdPreparedImage *self)
{
  g_return_val_if_fail (DD_IS_PREPARED_IMAGE (self), 0);
  return self->original_size;
}

/* ---- options ---------------------------------------------------------- */

/**
 * dd_image_options_init_default:
 *
 * 20 MiB, 100 megapixels, metadata removed.  A field left at 0 also means
 * its default.
 */
void
dd_image_options_init_default (DdImageOptions *opts)
{
  g_return_if_fail (opts != NULL);

  opts->max_bytes = DD_DEFAULT_MAX_IMAGE_BYTES;
  opts->max_pixels = DD_IMAGE_DEFAULT_MAX_PIXELS;
  opts->keep_metadata = FALSE;
  opts->max_input_bytes = 0;
}

static void
resolve_options (const DdImageOptions *opts,
                 DdImageOptions       *resolved)
{
  dd_image_options_init_default (resolved);
  if (opts != NULL)
    {
      if (opts->max_bytes > 0)
        resolved->max_bytes = opts->max_bytes;
      if (opts->max_pixels > 0)
        resolved->max_pixels = opts->max_pixels;
      resolved->keep_metadata = opts->keep_metadata;
      resolved->max_input_bytes = opts->max_input_bytes;
    }

  if (resolved->max_input_bytes == 0)
    resolved->max_input_bytes = dd_image_input_cap (resolved->max_bytes);
  /* what a GByteArray can hold */
  resolved->max_input_bytes = MIN (resolved->max_input_bytes, G_MAXUINT - 1);
}

/**
 * dd_image_input_cap:
 * @max_bytes: the largest image the robot takes, 0 for DingTalk's
 *
 * The one cap on what DingDrop reads for one image, from a file or a pipe:
 * enough to shrink a photo ten times DingTalk's limit, never endless.
 *
 * Returns: MAX (200 MiB, 10 × @max_bytes), at most what a GByteArray holds
 */
guint64
dd_image_input_cap (guint64 max_bytes)
{
  if (max_bytes == 0)
    max_bytes = DD_DEFAULT_MAX_IMAGE_BYTES;

  return MIN (MAX (MIN_INPUT_CAP, MIN (max_bytes, G_MAXUINT64 / 10) * 10), G_MAXUINT - 1);
}

/* ---- for dd-image-prepare.c ------------------------------------------ */

DdPreparedImage *
dd_prepared_image_new (GBytes          *data,
                       const char      *mime_type,
                       const char      *filename,
                       guint            width,
                       guint            height,
                       const char      *original_format,
                       guint64          original_size,
                       DdPreparedFlags  flags)
{
  DdPreparedImage *self = g_object_new (DD_TYPE_PREPARED_IMAGE, NULL);

  self->data = g_bytes_ref (data);
  self->mime_type = g_strdup (mime_type);
  self->filename = g_strdup (filename);
  self->width = width;
  self->height = height;
  self->original_format = g_strdup (original_format);
  self->original_size = original_size;
  self->converted = (flags & DD_PREPARED_CONVERTED) != 0;
  self->resized = (flags & DD_PREPARED_RESIZED) != 0;
  self->metadata_removed = (flags & DD_PREPARED_METADATA_REMOVED) != 0;
  self->rotated = (flags & DD_PREPARED_ROTATED) != 0;

  return self;
}

/* ---- preparing -------------------------------------------------------- */

static void
log_result (DdPreparedImage *self)
{
  g_debug ("Prepared %s: %s → %s, %u×%u, %" G_GUINT64_FORMAT " → %" G_GSIZE_FORMAT " bytes%s%s%s%s",
           self->filename, self->original_format, self->mime_type, self->width, self->height,
           self->original_size, g_bytes_get_size (self->data),
           self->converted ? ", converted" : "", self->resized ? ", resized" : "",
           self->rotated ? ", rotated" : "", self->metadata_removed ? ", metadata removed" : "");
}

/**
 * dd_image_prepare_file:
 * @file: an image file
 * @opts: (nullable): limits and the metadata choice; %NULL for the defaults
 *
 * Reads @file and prepares it for upload.  Blocks: call it from a worker
 * thread, or use dd_image_prepare_file_async().
 *
 * Returns: (transfer full): the image to upload, or %NULL with @error set:
 *   %DD_ERROR_FILE (empty, unreadable, damaged, missing, a folder or a
 *   special file), %DD_ERROR_NOT_IMAGE (not an image, or a format DingDrop
 *   cannot convert), %DD_ERROR_TOO_LARGE (too many pixels, an animation
 *   over the limit, or nothing small enough), or %G_IO_ERROR_CANCELLED
 */
DdPreparedImage *
dd_image_prepare_file (GFile                 *file,
                       const DdImageOptions  *opts,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  DdImageOptions resolved;
  DdPreparedImage *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  resolve_options (opts, &resolved);

  bytes = dd_image_read_file (file, resolved.max_input_bytes, &name, cancellable, error);
  if (bytes == NULL)
    return NULL;

  self = dd_image_prepare_resolved (bytes, name, &resolved, cancellable, error);
  if (self != NULL)
    log_result (self);
  return self;
}

/**
 * dd_image_prepare_bytes:
 * @bytes: an image in memory (standard input, the clipboard)
 * @display_name: (nullable): a name for messages and for the uploaded file
 * @opts: (nullable): limits and the metadata choice; %NULL for the defaults
 *
 * Like dd_image_prepare_file(), for data already in memory.
 *
 * Returns: (transfer full): the image to upload, or %NULL with @error set
 */
DdPreparedImage *
dd_image_prepare_bytes (GBytes                *bytes,
                        const char            *display_name,
                        const DdImageOptions  *opts,
                        GCancellable          *cancellable,
                        GError               **error)
{
  DdImageOptions resolved;
  DdPreparedImage *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  resolve_options (opts, &resolved);

  self = dd_image_prepare_resolved (bytes, display_name, &resolved, cancellable, error);
  if (self != NULL)
    log_result (self);
  return self;
}

/* ---- async ------------------------------------------------------------ */

typedef struct {
  GFile          *file;
  GBytes         *bytes;
  char           *display_name;
  DdImageOptions  opts;
} PrepareData;

static void
prepare_data_free (gpointer user_data)
{
  PrepareData *data = user_data;

  g_clear_object (&data->file);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_pointer (&data->display_name, g_free);
  g_free (data);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PrepareData *data = task_data;
  DdPreparedImage *self;
  GError *error = NULL;

  if (data->file != NULL)
    self = dd_image_prepare_file (data->file, &data->opts, cancellable, &error);
  else
    self = dd_image_prepare_bytes (data->bytes, data->display_name, &data->opts, cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
}

static void
start_task (PrepareData          *data,
            const DdImageOptions *opts,
            gpointer              source_tag,
            GCancellable         *cancellable,
            GAsyncReadyCallback   callback,
            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  resolve_options (opts, &data->opts);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, prepare_data_free);
  g_task_run_in_thread (task, prepare_thread);
}

/**
 * dd_image_prepare_file_async:
 * @opts: (nullable): copied; %NULL for the defaults
 *
 * Prepares @file in a worker thread; finish with dd_image_prepare_finish().
 */
void
dd_image_prepare_file_async (GFile                *file,
                             const DdImageOptions *opts,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  PrepareData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PrepareData, 1);
  data->file = g_object_ref (file);
  start_task (data, opts, dd_image_prepare_file_async, cancellable, callback, user_data);
}

/**
 * dd_image_prepare_bytes_async:
 * @opts: (nullable): copied; %NULL for the defaults
 *
 * Prepares @bytes in a worker thread; finish with dd_image_prepare_finish().
 */
void
dd_image_prepare_bytes_async (GBytes               *bytes,
                              const char           *display_name,
                              const DdImageOptions *opts,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  PrepareData *data;

  g_return_if_fail (bytes != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PrepareData, 1);
  data->bytes = g_bytes_ref (bytes);
  data->display_name = g_strdup (display_name);
  start_task (data, opts, dd_image_prepare_bytes_async, cancellable, callback, user_data);
}

/**
 * dd_image_prepare_finish:
 * @result: the result given to the callback of dd_image_prepare_file_async()
 *   or dd_image_prepare_bytes_async()
 *
 * Returns: (transfer full): the image to upload, or %NULL with @error set
 */
DdPreparedImage *
dd_image_prepare_finish (GAsyncResult  *result,
                         GError       **error)
{
  gpointer tag;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  tag = g_task_get_source_tag (G_TASK (result));
  g_return_val_if_fail (tag == dd_image_prepare_file_async ||
                        tag == dd_image_prepare_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
