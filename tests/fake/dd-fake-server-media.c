/* dd-fake-server-media.c: POST /media/upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Checks, in order: the request size (the gateway's HTML 413 page, only
 * when switched on), POST (43002), a known (40014) and live (42001)
 * access_token, the `type` query parameter is "image" (40004), a
 * multipart/form-data body (43008) holding a file part named "media" with
 * a filename (43008), the part's size (40006), and its magic bytes: jpg,
 * gif, png or bmp (40004).
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-server-private.h"

/* What the data is, from its first bytes; NULL if not an accepted image */
static const char *
sniff_image (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "gif";
  if (len >= 26 && memcmp (data, "BM", 2) == 0)
    return "bmp";
  return NULL;
}

static gboolean
find_media_part (SoupMultipart       *multipart,
                 SoupMessageHeaders **out_headers,
                 GBytes             **out_body,
                 char               **out_filename)
{
  int n = soup_multipart_get_length (multipart);

  for (int i = 0; i < n; i++)
    {
      SoupMessageHeaders *headers = NULL;
      GBytes *body = NULL;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *name;
      const char *filename;

      if (!soup_multipart_get_part (multipart, i, &headers, &body))
        continue;
      if (!soup_message_headers_get_content_disposition (headers, &disposition, &params))
        continue;

      name = g_hash_table_lookup (params, "name");
      filename = g_hash_table_lookup (params, "filename");
      if (g_ascii_strcasecmp (disposition, "form-data") != 0 ||
          g_strcmp0 (name, "media") != 0 ||
          filename == NULL || *filename == '\0')
        continue;

      *out_headers = headers;
      *out_body = body;
      *out_filename = g_strdup (filename);
      return TRUE;
    }

  return FALSE;
}

void
dd_fake_server_handle_upload (DdFakeServer      *self,
                              SoupServerMessage *msg,
                              GHashTable        *query,
                              JsonObject        *entry)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  const char *token = query ? g_hash_table_lookup (query, "access_token") : NULL;
  const char *type = query ? g_hash_table_lookup (query, "type") : NULL;
  const char *request_type;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *filename = NULL;
  SoupMessageHeaders *part_headers = NULL;
  GBytes *part_body = NULL;
  DdFakeUpload *upload;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  json_object_set_int_member (entry, "size", g_bytes_get_size (body));
  if (token != NULL)
    json_object_set_string_member (entry, "access_token", token);

  /* the gateway answers before DingTalk sees the request */
  if (self->html_413_on_oversize && g_bytes_get_size (body) > self->max_upload_bytes)
    {
      dd_fake_reply_html (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, dd_fake_html_413_page);
      return;
    }

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      dd_fake_reply_errcode (msg, entry, 43002, "需要POST请求");
      return;
    }

  switch (dd_fake_server_check_token (self, token, FALSE))
    {
    case DD_FAKE_TOKEN_VALID:
      break;
    case DD_FAKE_TOKEN_EXPIRED:
      dd_fake_reply_errcode (msg, entry, 42001, "access_token超时");
      return;
    case DD_FAKE_TOKEN_UNKNOWN:
    default:
      dd_fake_reply_errcode (msg, entry, 40014, "不合法的access_token");
      return;
    }

  if (g_strcmp0 (type, "image") != 0)
    {
      dd_fake_reply_errcode (msg, entry, 40004, "不合法的媒体文件类型");
      return;
    }

  request_type = soup_message_headers_get_content_type (request_headers, NULL);
  if (request_type == NULL || g_ascii_strcasecmp (request_type, "multipart/form-data") != 0 ||
      (multipart = soup_multipart_new_from_message (request_headers, body)) == NULL)
    {
      dd_fake_reply_errcode (msg, entry, 43008, "参数错误，需要multipart/form-data");
      return;
    }

  if (!find_media_part (multipart, &part_headers, &part_body, &filename))
    {
      dd_fake_reply_errcode (msg, entry, 43008, "缺少参数 media");
      return;
    }

  json_object_set_string_member (entry, "filename", filename);
  if (soup_message_headers_get_one (part_headers, "Content-Type") != NULL)
    json_object_set_string_member (entry, "content_type",
                                   soup_message_headers_get_one (part_headers, "Content-Type"));
  json_object_set_int_member (entry, "size", g_bytes_get_size (part_body));

  if (g_bytes_get_size (part_body) > self->max_upload_bytes)
    {
      dd_fake_reply_errcode (msg, entry, 40006, "不合法的文件大小");
      return;
    }

  if (sniff_image (part_body) == NULL)
    {
      dd_fake_reply_errcode (msg, entry, 40004, "不合法的媒体文件类型");
      return;
    }

  upload = g_new0 (DdFakeUpload, 1);
  upload->access_token = g_strdup (token);
  upload->filename = g_steal_pointer (&filename);
  upload->content_type = g_strdup (soup_message_headers_get_one (part_headers, "Content-Type"));
  upload->data = g_bytes_ref (part_body);
  upload->media_id = dd_fake_server_make_id (self, "@lADPD");
  upload->created_at = dd_fake_server_get_now_ms (self);
  g_ptr_array_add (self->uploads, upload);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errcode");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "errmsg");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "image");
  json_builder_set_member_name (builder, "media_id");
  json_builder_add_string_value (builder, upload->media_id);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, upload->created_at);
  json_builder_end_object (builder);
  dd_fake_reply_json (msg, SOUP_STATUS_OK, builder);

  json_object_set_int_member (entry, "errcode", 0);
  json_object_set_string_member (entry, "errmsg", "ok");
  json_object_set_boolean_member (entry, "accepted", TRUE);
  json_object_set_string_member (entry, "media_id", upload->media_id);
}
