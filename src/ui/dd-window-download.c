/* dd-window-download.c: an http(s) image dropped or pasted by its address
 * (from a browser) is downloaded, size-capped, and queued if it is an image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-client.h"
#include "dd-image.h"
#include "dd-window-private.h"

/* far more than DingTalk takes: bigger images are made smaller later */
#define DOWNLOAD_MAX_BYTES (64 * 1024 * 1024)
#define DOWNLOAD_CHUNK     (64 * 1024)

typedef struct {
  DdWindow     *window;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *data;
  char         *name;
} Download;

static void
download_free (Download *op)
{
  g_clear_object (&op->window);
  g_clear_object (&op->message);
  g_clear_object (&op->stream);
  g_clear_pointer (&op->data, g_byte_array_unref);
  g_clear_pointer (&op->name, g_free);
  g_free (op);
}

static void
download_failed (Download   *op,
                 const char *why)
{
  g_autofree char *text = NULL;

  /* Translators: "Could not add “shot.png”: <reason>" */
  text = g_strdup_printf (_("Could not add “%s”: %s"), op->name, why);
  dd_window_toast (op->window, text);
  download_free (op);
}

static void read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_next (Download *op)
{
  g_input_stream_read_bytes_async (op->stream, DOWNLOAD_CHUNK, G_PRIORITY_DEFAULT,
                                   op->window->cancellable, read_cb, op);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  g_autoptr(GBytes) bytes = NULL;

  if (chunk == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        download_free (op);
      else
        download_failed (op, error->message);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (op->data->len + g_bytes_get_size (chunk) > DOWNLOAD_MAX_BYTES)
        {
          download_failed (op, _("it is too large to be an image for DingTalk."));
          return;
        }
      g_byte_array_append (op->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      read_next (op);
      return;
    }

  /* the end: judged by its bytes, never by its name or Content-Type */
  if (dd_image_sniff_mime (op->data->data, op->data->len) == NULL)
    {
      download_failed (op, _("it is not an image."));
      return;
    }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&op->data));
  dd_window_add_bytes (op->window, bytes, op->name);
  download_free (op);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *op = user_data;
  g_autoptr(GError) error = NULL;
  guint status;
  goffset length;

  op->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (op->stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        download_free (op);
      else
        download_failed (op, error->message);
      return;
    }

  status = soup_message_get_status (op->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *why =
        /* Translators: the reason a download failed, e.g. "the server answered 404 Not Found." */
        g_strdup_printf (_("the server answered %u %s."), status,
                         soup_message_get_reason_phrase (op->message));
      download_failed (op, why);
      return;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (op->message));
  if (length > DOWNLOAD_MAX_BYTES)
    {
      download_failed (op, _("it is too large to be an image for DingTalk."));
      return;
    }

  op->data = g_byte_array_new ();
  read_next (op);
}

static char *
name_for_uri (GUri *uri)
{
  const char *path = g_uri_get_path (uri);
  g_autofree char *base = path && *path ? g_path_get_basename (path) : NULL;

  g_autofree char *unescaped = NULL;

  if (base == NULL || *base == '\0' || g_str_equal (base, "/") || g_str_equal (base, "."))
    return g_strdup (g_uri_get_host (uri) ? g_uri_get_host (uri) : _("Downloaded image"));

  /* "%E6%88%AA%E5%9B%BE.png" is shown as the name it stands for, if that
   * is a name at all (no "/" or NUL in it, valid UTF-8) */
  unescaped = g_uri_unescape_string (base, "/");
  if (unescaped != NULL && *unescaped != '\0' && g_utf8_validate (unescaped, -1, NULL))
    return g_steal_pointer (&unescaped);
  return g_steal_pointer (&base);
}

/**
 * dd_window_download:
 * @uri: an http or https address
 *
 * Downloads @uri asynchronously, at most DOWNLOAD_MAX_BYTES, and queues it
 * if it is an image; otherwise one toast says why not.
 */
void
dd_window_download (DdWindow   *self,
                    const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  SoupSession *session = dd_client_get_session (dd_client_get_default ());
  Download *op;

  g_return_if_fail (DD_IS_WINDOW (self));

  op = g_new0 (Download, 1);
  op->window = g_object_ref (self);
  op->name = parsed ? name_for_uri (parsed) : g_strdup (uri);
  op->message = parsed ? soup_message_new_from_uri (SOUP_METHOD_GET, parsed) : NULL;
  if (op->message == NULL)
    {
      download_failed (op, _("the address is not valid."));
      return;
    }

  soup_session_send_async (session, op->message, G_PRIORITY_DEFAULT, self->cancellable, send_cb, op);
}
