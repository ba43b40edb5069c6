/* dd-window-dnd.c: images come in by drop, paste or the file chooser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dd-image.h"
#include "dd-window-private.h"

#define SNIFF_BYTES 64
#define MAX_NAMES_IN_TOAST 3

/* ---- files: which of them are images (in a worker thread) ---- */

typedef struct {
  GPtrArray *files;     /* in: GFile */
  GPtrArray *accepted;  /* out: GFile */
  GPtrArray *skipped;   /* out: display names */
} InspectOp;

static void
inspect_op_free (InspectOp *op)
{
  g_clear_pointer (&op->files, g_ptr_array_unref);
  g_clear_pointer (&op->accepted, g_ptr_array_unref);
  g_clear_pointer (&op->skipped, g_ptr_array_unref);
  g_free (op);
}

static gboolean
is_image_file (GFile        *file,
               GCancellable *cancellable)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, NULL);
  guint8 head[SNIFF_BYTES];
  gsize n = 0;

  if (in == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, cancellable, NULL))
    return FALSE;

  return dd_image_sniff_mime (head, n) != NULL;
}

static int
compare_basenames (gconstpointer a,
                   gconstpointer b)
{
  g_autofree char *name_a = g_file_get_basename (*(GFile **) a);
  g_autofree char *name_b = g_file_get_basename (*(GFile **) b);

  return g_utf8_collate (name_a, name_b);
}

static void
inspect_one (InspectOp    *op,
             GFile        *file,
             gboolean      in_folder,
             GCancellable *cancellable)
{
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (info == NULL)
    {
      g_ptr_array_add (op->skipped, g_file_get_basename (file));
      return;
    }

  switch (g_file_info_get_file_type (info))
    {
    case G_FILE_TYPE_DIRECTORY:
      if (!in_folder)  /* the images directly inside, not deeper */
        {
          g_autoptr(GFileEnumerator) children = NULL;
          g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

          children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                G_FILE_QUERY_INFO_NONE, cancellable, NULL);
          while (children != NULL)
            {
              GFileInfo *child_info = NULL;
              GFile *child = NULL;

              if (!g_file_enumerator_iterate (children, &child_info, &child, cancellable, NULL) ||
                  child_info == NULL)
                break;
              g_ptr_array_add (found, g_object_ref (child));
            }
          /* in name order, as a file manager shows them */
          g_ptr_array_sort (found, compare_basenames);
          for (guint i = 0; i < found->len; i++)
            inspect_one (op, g_ptr_array_index (found, i), TRUE, cancellable);
        }
      break;

    case G_FILE_TYPE_REGULAR:
    case G_FILE_TYPE_SYMBOLIC_LINK:
      if (is_image_file (file, cancellable))
        g_ptr_array_add (op->accepted, g_object_ref (file));
      else
        g_ptr_array_add (op->skipped, g_strdup (g_file_info_get_display_name (info)));
      break;

    case G_FILE_TYPE_UNKNOWN:
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    default:
      g_ptr_array_add (op->skipped, g_strdup (g_file_info_get_display_name (info)));
      break;
    }
}

static void
inspect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  InspectOp *op = task_data;

  for (guint i = 0; i < op->files->len; i++)
    inspect_one (op, g_ptr_array_index (op->files, i), FALSE, cancellable);

  g_task_return_boolean (task, TRUE);
}

static char *
join_names (GPtrArray *names)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < names->len && i < MAX_NAMES_IN_TOAST; i++)
    {
      if (i > 0)
        /* Translators: between file names in a list */
        g_string_append (text, _(", "));
      g_string_append (text, g_ptr_array_index (names, i));
    }
  if (names->len > MAX_NAMES_IN_TOAST)
    g_string_append (text, "…");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
inspect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DdWindow *self = DD_WINDOW (object);
  InspectOp *op = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  for (guint i = 0; i < op->accepted->len; i++)
    {
      g_autoptr(DdQueueItem) item = dd_queue_item_new_for_file (g_ptr_array_index (op->accepted, i));
      dd_window_append_item (self, item);
    }

  if (op->skipped->len > 0)
    {
      g_autofree char *names = join_names (op->skipped);
      g_autofree char *text =
        g_strdup_printf (ngettext ("Skipped %u file that is not an image: %s",
                                   "Skipped %u files that are not images: %s",
                                   op->skipped->len),
                         op->skipped->len, names);
      dd_window_toast (self, text);
    }
}

/**
 * dd_window_add_files:
 *
 * Queues the images among @files; a folder adds the images directly in
 * it; anything else is skipped with one toast that names it.
 */
void
dd_window_add_files (DdWindow  *self,
                     GFile    **files,
                     guint      n_files)
{
  g_autoptr(GTask) task = NULL;
  InspectOp *op;

  g_return_if_fail (DD_IS_WINDOW (self));

  if (n_files == 0)
    return;

  op = g_new0 (InspectOp, 1);
  op->files = g_ptr_array_new_with_free_func (g_object_unref);
  op->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  op->skipped = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (op->files, g_object_ref (files[i]));

  task = g_task_new (self, self->cancellable, inspect_cb, NULL);
  g_task_set_source_tag (task, dd_window_add_files);
  g_task_set_task_data (task, op, (GDestroyNotify) inspect_op_free);
  g_task_run_in_thread (task, inspect_thread);
}

static void
add_file_list (DdWindow *self,
               GSList   *list)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  dd_window_add_files (self, (GFile **) files->pdata, files->len);
}

/* text/plain from a drop or the clipboard: file:// URIs or paths, one a
 * line; http(s) addresses of images are downloaded */
static gboolean
add_text (DdWindow   *self,
          const char *text)
{
  g_auto(GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_downloads = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_autofree char *scheme = g_uri_parse_scheme (line);

      if (*line == '\0' || *line == '#')
        continue;
      if (scheme != NULL && g_ascii_strcasecmp (scheme, "file") == 0)
        g_ptr_array_add (files, g_file_new_for_uri (line));
      else if (scheme == NULL && g_path_is_absolute (line))
        g_ptr_array_add (files, g_file_new_for_path (line));
      else if (scheme != NULL && (g_ascii_strcasecmp (scheme, "http") == 0 ||
                                  g_ascii_strcasecmp (scheme, "https") == 0))
        {
          dd_window_download (self, line);
          n_downloads++;
        }
    }

  dd_window_add_files (self, (GFile **) files->pdata, files->len);
  return files->len + n_downloads > 0;
}

/* ---- textures: encoded to PNG in a worker thread ---- */

static void
png_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GdkTexture *texture = task_data;

  g_task_return_pointer (task, gdk_texture_save_to_png_bytes (texture),
                         (GDestroyNotify) g_bytes_unref);
}

static void
png_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(DdQueueItem) item = user_data;
  g_autoptr(GBytes) png = g_task_propagate_pointer (G_TASK (result), NULL);

  if (png != NULL)
    dd_queue_item_set_bytes (item, png);
  else
    {
      dd_window_drop_item (DD_WINDOW (object), item);
      dd_window_toast (DD_WINDOW (object), _("The image could not be read"));
    }
  dd_window_update_state (DD_WINDOW (object));
}

/* (transfer full) a new row, "Pasted image 14:03", or "(2)" after it
 * for a second one */
static DdQueueItem *
add_placeholder (DdWindow *self,
                 gboolean  pasted)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  g_autofree char *name = NULL;
  g_autofree char *unique = NULL;
  DdQueueItem *item;

  if (pasted)
    /* Translators: %s is the time, "14:03" */
    name = g_strdup_printf (_("Pasted image %s"), time);
  else
    /* Translators: %s is the time, "14:03" */
    name = g_strdup_printf (_("Dropped image %s"), time);

  unique = dd_window_unique_name (self, name);
  item = dd_queue_item_new_placeholder (unique);
  dd_window_append_item (self, item);
  return item;
}

/* The row at once; the PNG, encoded in a worker thread, fills it in. */
static void
add_texture (DdWindow   *self,
             GdkTexture *texture,
             gboolean    pasted)
{
  g_autoptr(GTask) task = NULL;
  DdQueueItem *item = add_placeholder (self, pasted);

  task = g_task_new (self, self->cancellable, png_cb, item);
  g_task_set_source_tag (task, add_texture);
  /* the texture only until it is encoded; the PNG is what is kept */
  g_task_set_task_data (task, g_object_ref (texture), g_object_unref);
  g_task_run_in_thread (task, png_thread);
}

void
dd_window_add_bytes (DdWindow   *self,
                     GBytes     *bytes,
                     const char *display_name)
{
  g_autoptr(DdQueueItem) item = NULL;

  g_return_if_fail (DD_IS_WINDOW (self));
  g_return_if_fail (bytes != NULL);

  item = dd_queue_item_new_for_bytes (bytes, display_name);
  dd_window_append_item (self, item);
}

/* ---- the drop target ---- */

static void caption_paste_cb (GtkTextView *view,
                              DdWindow    *self);

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DdWindow      *self)
{
  gtk_widget_set_visible (self->drop_overlay, FALSE);

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      add_file_list (self, g_value_get_boxed (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      add_texture (self, g_value_get_object (value), FALSE);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_STRING))
    return add_text (self, g_value_get_string (value));

  return FALSE;
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               DdWindow      *self)
{
  gtk_widget_set_visible (self->drop_overlay, TRUE);
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               DdWindow      *self)
{
  gtk_widget_set_visible (self->drop_overlay, FALSE);
}

void
dd_window_dnd_init (DdWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE, G_TYPE_STRING };

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (target), "dd-window-drop");
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  g_signal_connect_object (target, "enter", G_CALLBACK (drop_enter_cb), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (drop_leave_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (self->caption_view, "paste-clipboard",
                           G_CALLBACK (caption_paste_cb), self, 0);
}

/* ---- the clipboard ---- */

static void
paste_files_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, NULL);

  if (value != NULL && G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    add_file_list (self, g_value_get_boxed (value));
}

static void
paste_texture_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, &error);

  if (texture != NULL)
    add_texture (self, texture, TRUE);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    dd_window_toast (self, _("The image on the clipboard could not be read"));
}

typedef struct {
  DdWindow    *window;
  DdQueueItem *item;
} PasteOp;

static void
paste_op_free (PasteOp *op)
{
  g_object_unref (op->window);
  g_object_unref (op->item);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PasteOp, paste_op_free)

static void
paste_failed (PasteOp      *op,
              const GError *error)
{
  dd_window_drop_item (op->window, op->item);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    dd_window_toast (op->window, _("The image on the clipboard could not be read"));
  dd_window_update_state (op->window);
}

static void
paste_spliced_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PasteOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      paste_failed (op, error);
      return;
    }
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (object));
  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty");
      paste_failed (op, error);
      return;
    }
  dd_queue_item_set_bytes (op->item, bytes);
  dd_window_update_state (op->window);
}

static void
paste_stream_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PasteOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = gdk_clipboard_read_finish (GDK_CLIPBOARD (object), result, NULL, &error);
  g_autoptr(GOutputStream) out = NULL;
  GCancellable *cancellable;

  if (in == NULL)
    {
      paste_failed (op, error);
      return;
    }
  out = g_memory_output_stream_new_resizable ();
  cancellable = op->window->cancellable;
  g_output_stream_splice_async (out, in,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable,
                                paste_spliced_cb, g_steal_pointer (&op));
}

/* A PNG on the clipboard (a screenshot) is taken as it is: its row shows
 * at once, and the bytes, never decoded here, follow. */
static void
paste_png (DdWindow     *self,
           GdkClipboard *clipboard)
{
  static const char *mime_types[] = { "image/png", NULL };
  PasteOp *op = g_new0 (PasteOp, 1);

  op->window = g_object_ref (self);
  op->item = add_placeholder (self, TRUE);
  dd_window_update_state (self);
  gdk_clipboard_read_async (clipboard, mime_types, G_PRIORITY_DEFAULT, self->cancellable,
                            paste_stream_cb, op);
}

static void
paste_text_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DdWindow) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);

  if (text == NULL || !add_text (self, text))
    dd_window_toast (self, _("There is no image on the clipboard"));
}

/* Ctrl+V in the caption pastes text there, and an image (which the caption
 * cannot take) into the queue. */
static void
caption_paste_cb (GtkTextView *view,
                  DdWindow    *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  g_autoptr(GdkContentFormats) formats =
    gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));

  if (!gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) &&
      (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) ||
       gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST)))
    {
      g_signal_stop_emission_by_name (view, "paste-clipboard");
      dd_window_paste (self);
    }
}

void
dd_window_paste (DdWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  g_autoptr(GdkContentFormats) formats =
    gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, paste_files_cb, g_object_ref (self));
  else if (gdk_content_formats_contain_mime_type (gdk_clipboard_get_formats (clipboard), "image/png") &&
           gdk_clipboard_get_content (clipboard) == NULL)
    paste_png (self, clipboard);
  else if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    gdk_clipboard_read_texture_async (clipboard, self->cancellable, paste_texture_cb, g_object_ref (self));
  else if (gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    gdk_clipboard_read_text_async (clipboard, self->cancellable, paste_text_cb, g_object_ref (self));
  else
    dd_window_toast (self, _("There is no image on the clipboard"));
}

/* ---- the file chooser ---- */

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     DdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      dd_window_add_files (self, (GFile **) array->pdata, array->len);
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

void
dd_window_choose_images (DdWindow *self)
{
  static const char * const mime_types[] = {
    "image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/tiff",
  };
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  gtk_file_filter_set_name (images, _("Images"));
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    gtk_file_filter_add_mime_type (images, mime_types[i]);

  self->chooser = gtk_file_chooser_native_new (_("Choose Images"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"), NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), images);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
