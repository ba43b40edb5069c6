/* fuzz-webhook-normalize.c: what a user pastes as a robot's webhook, as
 * dd_webhook_normalize() reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the pasted text; after a NUL byte, optionally the robot's server
 * address (Advanced, --oapi-base).  Without one, the first byte picks one
 * of a few servers: DingTalk's (the default), a private deployment under a
 * path, and the tests' loopback fake.  What must hold for every input:
 *
 *  - refused means a DD_ERROR_INVALID_WEBHOOK error with a sentence;
 *  - accepted means an https:// (or loopback http://) URL on the robot's
 *    server, at <server>/robot/send, whose query is exactly one
 *    access_token of letters, digits, '_' and '-' (so a lookalike host, a
 *    stale sign or an injected parameter never survive);
 *  - normalising the result again gives the same URL: what is stored is
 *    read back unchanged (dd-secrets.c's load_finish_task relies on it).
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dd-error.h"
#include "dd-profile.h"
#include "fuzz-common.h"

static const char * const servers[] = {
  NULL,                                   /* DD_DEFAULT_OAPI_BASE */
  DD_DEFAULT_OAPI_BASE "/",
  "https://robots.example.com/dingtalk/",
  "http://127.0.0.1:8080",
  "http://[::1]:9",
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  dd_fuzz_init ();
  return 0;
}

static gboolean
is_token (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

/* The server as dd_webhook_normalize() sees it: @base without the slashes
 * at its end, DingTalk's when there is nothing left. */
static char *
server_of (const char *base)
{
  g_autofree char *copy = g_strstrip (g_strdup (base != NULL ? base : ""));
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';

  return len > 0 ? g_steal_pointer (&copy) : g_strdup (DD_DEFAULT_OAPI_BASE);
}

static void
check_accepted (const char *url,
                const char *base)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) server = NULL;
  g_autofree char *server_text = server_of (base);
  g_autofree char *expected_path = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  const char *query;

  /* The checks below hold only on a server that dd_profile_validate()
   * would accept; an unchecked base makes no promise about the result. */
  if (!dd_url_is_allowed (server_text, NULL))
    return;
  server = g_uri_parse (server_text, G_URI_FLAGS_ENCODED, NULL);
  if (server == NULL || g_uri_get_query (server) != NULL || g_uri_get_fragment (server) != NULL ||
      g_uri_get_userinfo (server) != NULL)
    return;

  dd_fuzz_check (uri != NULL);
  dd_fuzz_check (dd_url_is_allowed (url, NULL));
  dd_fuzz_check (g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (server)) == 0);
  dd_fuzz_check (g_uri_get_userinfo (uri) == NULL);
  dd_fuzz_check (g_uri_get_fragment (uri) == NULL);

  /* as is_robot_send_path() builds it (dd-profile-rules.c) */
  if (g_str_has_suffix (g_uri_get_path (server), "/"))
    expected_path = g_strconcat (g_uri_get_path (server), "robot/send", NULL);
  else
    expected_path = g_strconcat (g_uri_get_path (server), "/robot/send", NULL);
  dd_fuzz_check (g_str_equal (g_uri_get_path (uri), "/robot/send") ||
                 g_str_equal (g_uri_get_path (uri), expected_path));

  query = g_uri_get_query (uri);
  dd_fuzz_check (query != NULL && g_str_has_prefix (query, "access_token="));
  dd_fuzz_check (is_token (query + strlen ("access_token=")));

  again = dd_webhook_normalize (url, base, &error);
  dd_fuzz_check (error == NULL);
  dd_fuzz_check (g_strcmp0 (again, url) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = NULL;
  g_autofree char *base_copy = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  const char *base;
  const uint8_t *nul;

  if (size < 1 || size > 4096)
    return 0;

  nul = memchr (data, '\0', size);
  if (nul != NULL)
    {
      input = g_strndup ((const char *) data, nul - data);
      base_copy = g_strndup ((const char *) nul + 1, size - (nul - data) - 1);
      base = base_copy;
    }
  else
    {
      input = g_strndup ((const char *) data + 1, size - 1);
      base = servers[data[0] % G_N_ELEMENTS (servers)];
    }

  /* What a GtkEntry or standard input hands over is UTF-8. */
  if (!g_utf8_validate (input, -1, NULL) || (base != NULL && !g_utf8_validate (base, -1, NULL)))
    return 0;

  url = dd_webhook_normalize (input, base, &error);

  if (url == NULL)
    {
      dd_fuzz_check (g_error_matches (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK));
      dd_fuzz_check (error->message != NULL && *error->message != '\0');
      return 0;
    }

  dd_fuzz_check (error == NULL);
  check_accepted (url, base);

  return 0;
}
