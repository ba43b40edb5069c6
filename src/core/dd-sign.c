/* dd-sign.c: 加签, the signature of a custom robot's webhook
 *
 * DingTalk signs "<timestamp>\n<secret>" with HMAC-SHA256 keyed by the whole
 * secret, Base64-encodes it, and expects it URL-encoded exactly once in the
 * query, beside the millisecond timestamp.  Never in a header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-sign"

#include "config.h"

#include <string.h>

#include "dd-secret-mem.h"
#include "dd-sign.h"

/**
 * dd_sign_compute:
 * @secret: the robot's signing secret ("SEC…")
 * @timestamp_ms: milliseconds since the epoch
 *
 * Returns: (transfer full): the Base64 signature, not yet URL-encoded
 */
char *
dd_sign_compute (const char *secret,
                 gint64      timestamp_ms)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autoptr(DdSecret) to_sign = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  char timestamp[24];
  char *sign;

  g_return_val_if_fail (secret != NULL, NULL);

  /* The text holds the secret: wiped.  GHmac's own state (the key's
   * pads, the last block) is freed by GLib unwiped: tests/RELIABILITY.md */
  g_snprintf (timestamp, sizeof timestamp, "%" G_GINT64_FORMAT "\n", timestamp_ms);
  to_sign = g_strconcat (timestamp, secret, NULL);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) to_sign, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);

  sign = g_base64_encode (digest, digest_len);
  dd_wipe (digest, sizeof digest);

  return sign;
}

/**
 * dd_sign_url:
 * @webhook_url: the robot's webhook, with its access_token
 * @secret: (nullable): the signing secret, or %NULL for a robot without 加签
 * @timestamp_ms: milliseconds since the epoch; use a fresh one per request
 *
 * Returns: (transfer full): @webhook_url with `&timestamp=…&sign=…` added,
 *   the sign URL-encoded once, or a copy of @webhook_url without a secret
 */
char *
dd_sign_url (const char *webhook_url,
             const char *secret,
             gint64      timestamp_ms)
{
  g_autofree char *sign = NULL;
  g_autofree char *escaped = NULL;
  char timestamp[24];

  g_return_val_if_fail (webhook_url != NULL, NULL);

  if (secret == NULL || *secret == '\0')
    return g_strdup (webhook_url);

  sign = dd_sign_compute (secret, timestamp_ms);
  /* Base64 may hold '+', '/' and '='; all must be escaped, and only once. */
  escaped = g_uri_escape_string (sign, NULL, FALSE);

  g_snprintf (timestamp, sizeof timestamp, "%" G_GINT64_FORMAT, timestamp_ms);

  /* one allocation of the right size: a growing buffer would leave
   * copies of the token behind */
  return g_strconcat (webhook_url, strchr (webhook_url, '?') ? "&" : "?",
                      "timestamp=", timestamp, "&sign=", escaped, NULL);
}

gint64
dd_sign_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/**
 * dd_redact_url:
 * @url: (nullable): a URL that may carry tokens or signatures
 *
 * Returns: (transfer full): @url with the values of access_token, sign,
 *   appkey and appsecret replaced by "…", safe for logs and messages
 */
char *
dd_redact_url (const char *url)
{
  static const char * const secret_keys[] = {
    "access_token", "sign", "appsecret", "appkey", NULL
  };
  g_autoptr(GString) out = NULL;
  const char *query;

  if (url == NULL)
    return NULL;

  query = strchr (url, '?');
  if (query == NULL)
    return g_strdup (url);

  out = g_string_new_len (url, query - url + 1);
  query++;

  while (*query != '\0')
    {
      const char *end = strchr (query, '&');
      const char *eq;
      gsize len = end ? (gsize) (end - query) : strlen (query);
      gboolean redact = FALSE;

      eq = memchr (query, '=', len);
      if (eq != NULL)
        {
          g_autofree char *key = g_strndup (query, eq - query);
          redact = g_strv_contains (secret_keys, key);
        }

      if (redact)
        {
          g_string_append_len (out, query, eq - query + 1);
          g_string_append (out, "…");
        }
      else
        g_string_append_len (out, query, len);

      if (end == NULL)
        break;
      g_string_append_c (out, '&');
      query = end + 1;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
