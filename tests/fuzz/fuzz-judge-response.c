/* fuzz-judge-response.c: DingTalk's answers, as dd_client_judge_response()
 * reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: two bytes that pick the HTTP status, then the body.  The status
 * comes from the ones DingTalk and proxies answer with, or from the whole
 * range 100–599, so both the errcode path and the v1.0 {code, message}
 * path are reached.  What must hold for every input:
 *
 *  - accepted means a 2xx status, an object, and an errcode that is absent
 *    or the integer 0 (issue 13: "0", 0.0, null or true is not success);
 *  - refused means a DD_ERROR with a message, and no object handed out.
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dd-client.h"
#include "dd-error.h"
#include "fuzz-common.h"

static const guint statuses[] = {
  200, 201, 204, 302, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504,
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  dd_fuzz_init ();
  return 0;
}

static gboolean
errcode_is_success (JsonObject *object)
{
  JsonNode *node;

  if (!json_object_has_member (object, "errcode"))
    return TRUE;

  node = json_object_get_member (object, "errcode");
  return JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64 &&
         json_node_get_int (node) == 0;
}

/* json-glib is not instrumented, so libFuzzer cannot see which shape the
 * parser found.  These branches show it the type of each member DingDrop
 * reads, so that an answer with, say, an array for "errmsg" counts as new
 * and is mutated further. */
static const char * const members[] = {
  "errcode", "errmsg", "sub_code", "status", "code", "message",
  "access_token", "expires_in", "media_id",
};

static guint
shape_of (JsonNode *node)
{
  if (node == NULL)
    return 0;
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return 1;
    case JSON_NODE_ARRAY:
      return 2;
    case JSON_NODE_NULL:
      return 3;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return 4;
        case G_TYPE_DOUBLE:
          return 5;
        case G_TYPE_BOOLEAN:
          return 6;
        case G_TYPE_STRING:
          return 7;
        default:
          return 8;
        }
    }
}

static void
show_shapes (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *text = g_bytes_get_data (body, &len);
  JsonNode *root;
  volatile guint sum = 0;

  if (len == 0 || !json_parser_load_from_data (parser, text, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    switch (shape_of (json_object_get_member (json_node_get_object (root), members[i])))
      {
      case 0: sum += 1; break;
      case 1: sum += 2; break;
      case 2: sum += 3; break;
      case 3: sum += 4; break;
      case 4: sum += 5; break;
      case 5: sum += 6; break;
      case 6: sum += 7; break;
      case 7: sum += 8; break;
      default: sum += 9; break;
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  guint status;
  gboolean accepted;

  if (size < 2)
    return 0;

  if (data[0] < G_N_ELEMENTS (statuses))
    status = statuses[data[0]];
  else
    status = 100 + ((data[0] << 8 | data[1]) % 500);

  /* static: the parser must not read past the bytes it was given */
  body = g_bytes_new_static (data + 2, size - 2);

  show_shapes (body);
  accepted = dd_client_judge_response (status, body, &object, &error);

  if (accepted)
    {
      dd_fuzz_check (error == NULL);
      dd_fuzz_check (object != NULL);
      dd_fuzz_check (status >= 200 && status < 300);
      dd_fuzz_check (errcode_is_success (object));
    }
  else
    {
      dd_fuzz_check (object == NULL);
      dd_fuzz_check (error != NULL);
      dd_fuzz_check (error->domain == DD_ERROR);
      dd_fuzz_check (error->message != NULL && *error->message != '\0');
      dd_fuzz_check (g_utf8_validate (error->message, -1, NULL));

      /* what the window, the command line and the outbox ask of it */
      (void) dd_error_get_errcode (error);
      (void) dd_error_get_errmsg (error);
      (void) dd_error_get_http_status (error);
      (void) dd_error_get_security_hint (error);
      (void) dd_error_is_transient (error);
    }

  return 0;
}
