/* dd-profile-rules.c: what DingDrop accepts in a robot profile: the
 * webhook as pasted, the addresses it talks to, a complete profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-profile.h"
#include "dd-profile-private.h"
#include "dd-secret-mem.h"

typedef enum {
  URL_OK,
  URL_UNPARSABLE,
  URL_BAD_SCHEME,
  URL_HTTP_REMOTE,
} UrlProblem;

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  g_assert (host != NULL);

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  /* 127.0.0.0/8 and ::1 */
  address = g_inet_address_new_from_string (host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* GUri decodes a %-encoded host even with G_URI_FLAGS_ENCODED, and
 * g_uri_join() writes it back as it is: "https://dd.%2Fexample.com/" would
 * come out as the host "dd." and a path, "https://dd.%3Aapi/" as a host
 * "dd." with a port that is no number.  A host is a name or an address,
 * and has none of these; a ':' only in an IPv6 address (tests/fuzz/
 * regressions/webhook-normalize/encoded-colon-in-host). */
static gboolean
host_is_plain (const char *host)
{
  for (const char *p = host; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || strchr ("/?#@[]\\%", *p) != NULL)
      return FALSE;

  if (strchr (host, ':') != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

      return address != NULL && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
    }

  return TRUE;
}

static UrlProblem
classify_uri (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  if (host == NULL || *host == '\0' || !host_is_plain (host))
    return URL_UNPARSABLE;

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return URL_OK;

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return host_is_loopback (host) ? URL_OK : URL_HTTP_REMOTE;

  return URL_BAD_SCHEME;
}

static UrlProblem
classify_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL || *url == '\0')
    return URL_UNPARSABLE;

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return URL_UNPARSABLE;

  return classify_uri (uri);
}

/**
 * dd_url_is_allowed:
 * @url: a URL DingDrop is about to talk to
 * @error: a #DD_ERROR_PROFILE error saying why not
 *
 * https:// is always allowed; http:// only to this computer (127.0.0.0/8,
 * ::1, localhost), for tests against a local fake server.  The message of
 * @error does not repeat @url, which may carry a token.
 */
gboolean
dd_url_is_allowed (const char  *url,
                   GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (classify_url (url))
    {
    case URL_OK:
      return TRUE;
    case URL_HTTP_REMOTE:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The address must use https://. Plain http:// is only allowed to this computer, for testing."));
      return FALSE;
    case URL_BAD_SCHEME:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The address must start with https://."));
      return FALSE;
    case URL_UNPARSABLE:
    default:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("This is not a valid web address."));
      return FALSE;
    }
}

static gboolean
is_token (const char *str)
{
  if (str == NULL || *str == '\0')
    return FALSE;

  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;

  return TRUE;
}

/* A signing secret is "SEC" and 64 hex digits; an access token is
 * lower-case hex, so it never starts with "SEC". */
static gboolean
looks_like_signing_secret (const char *str)
{
  gsize n_hex = 0;

  if (!g_str_has_prefix (str, "SEC"))
    return FALSE;

  for (const char *p = str + 3; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return FALSE;
      n_hex++;
    }

  return n_hex >= 32;
}

/* A private deployment may serve the robot API under a path prefix: its
 * webhooks are <oapi_base>/robot/send too. */
static gboolean
is_robot_send_path (GUri       *uri,
                    const char *oapi_base)
{
  g_autoptr(GUri) base = NULL;
  g_autofree char *expected = NULL;
  const char *base_path;

  if (g_strcmp0 (g_uri_get_path (uri), "/robot/send") == 0)
    return TRUE;

  base = g_uri_parse (oapi_base, G_URI_FLAGS_ENCODED, NULL);
  if (base == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (base), g_uri_get_scheme (uri)) != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (base) ? g_uri_get_host (base) : "",
                          g_uri_get_host (uri)) != 0 ||
      g_uri_get_port (base) != g_uri_get_port (uri))
    return FALSE;

  base_path = g_uri_get_path (base);
  if (g_str_has_suffix (base_path, "/"))
    expected = g_strconcat (base_path, "robot/send", NULL);
  else
    expected = g_strconcat (base_path, "/robot/send", NULL);

  return g_strcmp0 (g_uri_get_path (uri), expected) == 0;
}

/* TRUE if @uri is on the robot's server: DingTalk's own, or the one set
 * explicitly (a private deployment, the tests' loopback fake). */
static gboolean
is_on_server (GUri       *uri,
              const char *oapi_base)
{
  g_autoptr(GUri) base = g_uri_parse (oapi_base, G_URI_FLAGS_ENCODED, NULL);
  int port, base_port;

  if (base == NULL || g_uri_get_host (base) == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;

  port = g_uri_get_port (uri) != -1 ? g_uri_get_port (uri)
         : g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  base_port = g_uri_get_port (base) != -1 ? g_uri_get_port (base)
              : g_ascii_strcasecmp (g_uri_get_scheme (base), "https") == 0 ? 443 : 80;

  return g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (base)) == 0 && port == base_port;
}

static char *
normalize_url (const char  *text,
               const char  *oapi_base,
               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(DdSecret) query = NULL;
  g_autoptr(DdSecret) pasted_query = NULL;
  g_autofree char *address = NULL;
  const char *question = strchr (text, '?');
  const char *hash = strchr (text, '#');
  const char *token;

  /* The query, with the token, is split off here and never given to
   * GUri, whose copies of it would be freed unwiped; GUri checks the
   * rest.  A '?' in the fragment starts no query. */
  if (question != NULL && hash != NULL && hash < question)
    question = NULL;
  if (question != NULL)
    {
      address = g_strndup (text, question - text);
      pasted_query = hash != NULL ? g_strndup (question + 1, hash - question - 1)
                                  : g_strdup (question + 1);
    }
  else
    address = g_strndup (text, hash != NULL ? (gsize) (hash - text) : strlen (text));

  uri = g_uri_parse (address, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("This is neither a webhook address nor an access token. Copy the webhook from the robot’s settings in the DingTalk group."));
      return NULL;
    }

  switch (classify_uri (uri))
    {
    case URL_OK:
      break;
    case URL_HTTP_REMOTE:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("The webhook must use https://, not http://. Copy it again from the robot’s settings."));
      return NULL;
    case URL_BAD_SCHEME:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("The webhook must be an https:// address."));
      return NULL;
    case URL_UNPARSABLE:
    default:
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("This is neither a webhook address nor an access token. Copy the webhook from the robot’s settings in the DingTalk group."));
      return NULL;
    }

  if (!is_on_server (uri, oapi_base))
    {
      /* A lookalike (oapi.dingtalk.com.evil.example) must not get the
       * robot's token, or the signed messages with its screenshots. */
      if (g_strcmp0 (oapi_base, DD_DEFAULT_OAPI_BASE) == 0)
        g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                             _("A webhook must be on oapi.dingtalk.com. To use other servers, set the robot’s server address under Advanced first."));
      else
        g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                             _("The webhook is not on the robot’s server set under Advanced. Copy the webhook again, or change the server address."));
      return NULL;
    }

  if (!is_robot_send_path (uri, oapi_base))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("This address is not a group robot’s webhook: its path must be /robot/send. Copy the webhook from the robot’s settings in the group."));
      return NULL;
    }

  if (pasted_query != NULL)
    params = g_uri_parse_params (pasted_query, -1, "&",
                                 G_URI_PARAMS_NONE, NULL);

  token = params ? g_hash_table_lookup (params, "access_token") : NULL;
  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("The webhook has no access_token. Copy the whole address from the robot’s settings, including the part after “?”."));
      return NULL;
    }

  if (!is_token (token))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("The webhook’s access_token is not valid. Copy the webhook again from the robot’s settings."));
      return NULL;
    }

  /* Anything else (a stale timestamp and sign pasted from an old script)
   * is dropped: DingDrop signs every request afresh. */
  if (g_hash_table_size (params) > 1)
    g_debug ("Dropped %u parameter(s) other than access_token from a pasted webhook",
             g_hash_table_size (params) - 1);

  query = g_strconcat ("access_token=", token, NULL);
  /* the table's copy, ours to wipe */
  dd_wipe ((char *) token, strlen (token));

  return g_uri_join (G_URI_FLAGS_ENCODED,
                     g_uri_get_scheme (uri),
                     NULL,
                     g_uri_get_host (uri),
                     g_uri_get_port (uri),
                     g_uri_get_path (uri),
                     query,
                     NULL);
}

/**
 * dd_webhook_normalize:
 * @input: what the user pasted: a webhook URL or a bare access token
 * @oapi_base: (nullable): where a bare token's robot lives; %NULL for
 *   %DD_DEFAULT_OAPI_BASE
 * @error: a #DD_ERROR_INVALID_WEBHOOK error with a sentence saying why
 *
 * A full URL must be on @oapi_base's server (oapi.dingtalk.com unless set
 * otherwise: a private deployment, or the loopback fake in the tests),
 * and loses every parameter other than access_token.  A bare token becomes <oapi_base>/robot/send?access_token=….
 *
 * Returns: (transfer full) (nullable): the canonical webhook URL
 */
char *
dd_webhook_normalize (const char  *input,
                      const char  *oapi_base,
                      GError     **error)
{
  g_autoptr(DdSecret) text = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  base = dd_profile_dup_base_url (oapi_base, DD_DEFAULT_OAPI_BASE);

  text = dd_secret_dup_stripped (input);

  if (text == NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("The webhook is empty. Paste the webhook from the robot’s settings in the DingTalk group."));
      return NULL;
    }

  if (is_token (text))
    {
      g_autoptr(DdSecret) url = NULL;

      if (looks_like_signing_secret (text))
        {
          g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                               _("This looks like the robot’s signing secret, not its webhook. Paste it as the signing secret, and paste the webhook here."));
          return NULL;
        }

      /* Through the same checks as a pasted URL, so that what is stored is
       * what normalising it again gives (the secrets are read back through
       * dd_profile_set_webhook()): "https://host:/" becomes "https://host/". */
      url = g_strconcat (base, "/robot/send?access_token=", text, NULL);
      return normalize_url (url, base, error);
    }

  if (strstr (text, "://") == NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK,
                           _("This is neither a webhook address nor an access token. Copy the webhook from the robot’s settings in the DingTalk group."));
      return NULL;
    }

  return normalize_url (text, base, error);
}

static gboolean
check_base_url (const char  *url,
                GError     **error)
{
  switch (classify_url (url))
    {
    case URL_OK:
      return TRUE;
    case URL_HTTP_REMOTE:
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("The server address “%s” must use https://. Plain http:// is only allowed to this computer, for testing."),
                   url);
      return FALSE;
    case URL_BAD_SCHEME:
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("The server address “%s” must start with https://."), url);
      return FALSE;
    case URL_UNPARSABLE:
    default:
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("The server address “%s” is not a valid web address."), url);
      return FALSE;
    }
}

static gboolean
is_blank (const char *str)
{
  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

/**
 * dd_profile_validate:
 * @error: a #DD_ERROR_PROFILE error with a sentence saying what to fix
 *
 * Checks what can be checked without talking to DingTalk: a name, a way to
 * send (a webhook, or the app robot's code and conversation id, both or
 * neither), the keywords, the link template, the server addresses and
 * the picture card's link.
 */
gboolean
dd_profile_validate (DdProfile  *self,
                     GError    **error)
{
  const char * const *keywords;
  const char *robot_code;
  const char *conversation_id;
  const char *link_template;
  const char *card_url;
  guint n_keywords;

  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (dd_profile_get_name (self)))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The robot needs a name."));
      return FALSE;
    }

  robot_code = dd_profile_get_robot_code (self);
  conversation_id = dd_profile_get_conversation_id (self);

  if (robot_code != NULL && conversation_id == NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The app robot needs the group’s conversation ID too. Enter it, or clear the robot code."));
      return FALSE;
    }

  if (robot_code == NULL && conversation_id != NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The app robot needs its robot code too. Enter it, or clear the conversation ID."));
      return FALSE;
    }

  if (dd_profile_get_webhook (self) == NULL && !dd_profile_uses_app_robot (self))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The robot needs a webhook, or the robot code and conversation ID of an app robot."));
      return FALSE;
    }

  keywords = dd_profile_get_keywords (self);
  n_keywords = g_strv_length ((char **) keywords);
  if (n_keywords > DD_MAX_KEYWORDS)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A robot can have at most %d keyword.",
                                "A robot can have at most %d keywords.",
                                DD_MAX_KEYWORDS),
                   DD_MAX_KEYWORDS);
      return FALSE;
    }

  for (guint i = 0; i < n_keywords; i++)
    {
      if (is_blank (keywords[i]))
        {
          g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                               _("A keyword cannot be empty."));
          return FALSE;
        }
    }

  link_template = dd_profile_get_link_template (self);
  if (strstr (link_template, "{media_id}") == NULL &&
      strstr (link_template, "{media_id_noat}") == NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The image link template must contain {media_id} or {media_id_noat}."));
      return FALSE;
    }

  if (!check_base_url (dd_profile_get_oapi_base (self), error) ||
      !check_base_url (dd_profile_get_api_base (self), error))
    return FALSE;

  /* DingTalk opens a card's link in its browser: a web address */
  card_url = dd_profile_get_card_url (self);
  if (card_url != NULL &&
      ((!g_str_has_prefix (card_url, "https://") && !g_str_has_prefix (card_url, "http://")) ||
       !g_uri_is_valid (card_url, G_URI_FLAGS_NONE, NULL)))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The picture card’s link must be a web address starting with https://."));
      return FALSE;
    }

  return TRUE;
}
