/* fuzz-secret-json.c: the keyring item of a robot's secrets, as
 * dd_secret_json_parse() reads it (someone else may have written it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the item's text (up to its first NUL).  What must hold for every
 * input:
 *
 *  - refused means a G_IO_ERROR_INVALID_DATA error and no value handed
 *    back; read means each value is a string without NUL;
 *  - what dd_secret_json_build() writes of the values read reads back to
 *    the same values, by this reader and by json-glib's (the items of
 *    earlier builds were json-glib's, and other tools may read ours).
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dd-secret-mem.h"
#include "fuzz-common.h"

static const char * const names[] = { "webhook", "secret", "app-secret" };
#define N G_N_ELEMENTS (names)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  dd_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(DdSecret) text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  char *values[N] = { NULL };
  char *again[N] = { NULL };
  g_autoptr(DdSecret) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (!dd_secret_json_parse (text, names, values, N, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        abort ();
      for (guint i = 0; i < N; i++)
        if (values[i] != NULL)
          abort ();
      return 0;
    }

  json = dd_secret_json_build (names, (const char * const *) values, N);
  if (json == NULL)
    {
      for (guint i = 0; i < N; i++)
        if (values[i] != NULL)
          abort ();
      return 0;
    }

  if (!dd_secret_json_parse (json, names, again, N, NULL))
    abort ();
  for (guint i = 0; i < N; i++)
    if (g_strcmp0 (values[i], again[i]) != 0)
      abort ();

  /* json-glib reads it the same (it wants UTF-8) */
  if (g_utf8_validate (json, -1, NULL))
    {
      if (!json_parser_load_from_data (parser, json, -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        abort ();
      object = json_node_get_object (json_parser_get_root (parser));
      for (guint i = 0; i < N; i++)
        {
          const char *theirs = json_object_has_member (object, names[i])
                               ? json_object_get_string_member (object, names[i]) : NULL;

          if (g_strcmp0 (theirs, values[i]) != 0)
            abort ();
        }
    }

  for (guint i = 0; i < N; i++)
    {
      dd_secret_free (values[i]);
      dd_secret_free (again[i]);
    }

  return 0;
}
