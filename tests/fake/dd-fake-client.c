/* dd-fake-client.c: small libsoup client helpers for tests of the fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dd-fake"

#include "config.h"

#include <string.h>

#include "dd-fake-client.h"

typedef struct {
  GBytes   *bytes;
  GError   *error;
  gboolean  done;
} SendResult;

/* a complete 1×1 RGBA PNG */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
  0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/**
 * dd_fake_client_new_session:
 *
 * A session for loopback tests: never through a proxy from the environment.
 */
SoupSession *
dd_fake_client_new_session (void)
{
  return soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *res = user_data;

  res->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &res->error);
  res->done = TRUE;
}

/**
 * dd_fake_client_send:
 *
 * Sends @msg and iterates the thread-default main context until it is
 * answered. Returns: (transfer full) (nullable): the response body
 */
GBytes *
dd_fake_client_send (SoupSession   *session,
                     SoupMessage   *msg,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  SendResult res = { 0, };

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), NULL);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, on_sent, &res);
  while (!res.done)
    g_main_context_iteration (context, TRUE);

  if (res.error != NULL)
    g_propagate_error (error, res.error);
  return res.bytes;
}

SoupMessage *
dd_fake_client_new_json_post (const char *url,
                              const char *json)
{
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  msg = soup_message_new (SOUP_METHOD_POST, url);
  g_return_val_if_fail (msg != NULL, NULL);

  body = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return msg;
}

/**
 * dd_fake_client_parse_object:
 *
 * Returns: (transfer full) (nullable): the JSON object in @bytes, or NULL
 *   if @bytes is not a JSON object
 */
JsonObject *
dd_fake_client_parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data;
  JsonNode *root;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * dd_fake_client_wait_ms:
 *
 * Iterates the thread-default main context for @ms milliseconds, so the
 * fake goes on answering meanwhile.
 */
void
dd_fake_client_wait_ms (guint ms)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) source = g_timeout_source_new (ms);
  gboolean expired = FALSE;

  g_source_set_callback (source, on_deadline, &expired, NULL);
  g_source_attach (source, context);
  while (!expired)
    g_main_context_iteration (context, TRUE);
}

/**
 * dd_fake_client_tiny_png:
 *
 * Returns: (transfer full): a valid 1×1 PNG
 */
GBytes *
dd_fake_client_tiny_png (void)
{
  return g_bytes_new_static (tiny_png, sizeof tiny_png);
}
