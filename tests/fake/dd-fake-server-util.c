/* dd-fake-server-util.c: records, JSON answers and small helpers of the fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-server-private.h"

static const struct {
  DdFakeFault fault;
  const char *name;
} fault_names[] = {
  { DD_FAKE_FAULT_NONE, "none" },
  { DD_FAKE_FAULT_HTTP_500, "http-500" },
  { DD_FAKE_FAULT_HTML_413, "html-413" },
  { DD_FAKE_FAULT_NOT_JSON, "not-json" },
  { DD_FAKE_FAULT_DROP, "drop" },
  { DD_FAKE_FAULT_LATENCY, "latency" },
  { DD_FAKE_FAULT_STALL, "stall" },
};

const char *
dd_fake_fault_to_string (DdFakeFault fault)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (fault_names[i].fault == fault)
      return fault_names[i].name;
  return "unknown";
}

gboolean
dd_fake_fault_from_string (const char  *name,
                           DdFakeFault *out_fault)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out_fault != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    {
      if (g_ascii_strcasecmp (fault_names[i].name, name) == 0)
        {
          *out_fault = fault_names[i].fault;
          return TRUE;
        }
    }
  return FALSE;
}

char *
dd_fake_compute_sign (const char *secret,
                      gint64      timestamp_ms)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *to_sign = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (secret != NULL, NULL);

  to_sign = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s", timestamp_ms, secret);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) to_sign, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);

  return g_base64_encode (digest, digest_len);
}

/* ---------------------------------------------------------------- records */

void
dd_fake_message_free (DdFakeMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->access_token);
  g_free (message->path);
  g_free (message->query);
  g_clear_pointer (&message->raw_body, g_bytes_unref);
  g_clear_pointer (&message->body, json_node_unref);
  g_free (message->errmsg);
  g_free (message->error_code);
  g_free (message->msg_uuid);
  g_free (message);
}

void
dd_fake_upload_free (DdFakeUpload *upload)
{
  if (upload == NULL)
    return;
  g_free (upload->access_token);
  g_free (upload->filename);
  g_free (upload->content_type);
  g_clear_pointer (&upload->data, g_bytes_unref);
  g_free (upload->media_id);
  g_free (upload);
}

char *
dd_fake_server_make_id (DdFakeServer *self,
                        const char   *prefix)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  GString *id = g_string_new (prefix);

  g_assert (DD_IS_FAKE_SERVER (self));

  /* a serial keeps ids unique; random characters keep them opaque */
  g_string_append_printf (id, "%04x", ++self->serial);
  for (guint i = 0; i < 24; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);

  return g_string_free (id, FALSE);
}

JsonNode *
dd_fake_parse_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  if (len == 0 || !g_utf8_validate (data, len, NULL))
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

void
dd_fake_reply_json (SoupServerMessage *msg,
                    guint              status,
                    JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text;
  gsize len;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json;charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, len);
}

void
dd_fake_reply_errcode (SoupServerMessage *msg,
                       JsonObject        *entry,
                       gint64             errcode,
                       const char        *errmsg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errcode");
  json_builder_add_int_value (builder, errcode);
  json_builder_set_member_name (builder, "errmsg");
  json_builder_add_string_value (builder, errmsg);
  json_builder_end_object (builder);

  dd_fake_reply_json (msg, SOUP_STATUS_OK, builder);

  json_object_set_int_member (entry, "errcode", errcode);
  json_object_set_string_member (entry, "errmsg", errmsg);
  json_object_set_boolean_member (entry, "accepted", errcode == 0);
}

void
dd_fake_reply_v1_error (SoupServerMessage *msg,
                        JsonObject        *entry,
                        guint              status,
                        const char        *code,
                        const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *request_id = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requestid");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  dd_fake_reply_json (msg, status, builder);

  json_object_set_int_member (entry, "errcode", status);
  json_object_set_string_member (entry, "code", code);
  json_object_set_string_member (entry, "errmsg", message);
  json_object_set_boolean_member (entry, "accepted", FALSE);
}

const char dd_fake_html_413_page[] =
  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n"
  "<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n"
  "<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n";

void
dd_fake_reply_html (SoupServerMessage *msg,
                    guint              status,
                    const char        *page)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                    page, strlen (page));
}
