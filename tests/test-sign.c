/* test-sign.c: 加签 against DingTalk's published vectors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dd-sign.h"

static void
test_vector_one (void)
{
  g_autofree char *sign = dd_sign_compute ("this is secret", 1700000000000);
  g_autofree char *url = dd_sign_url ("https://oapi.dingtalk.com/robot/send?access_token=abc",
                                      "this is secret", 1700000000000);

  g_assert_cmpstr (sign, ==, "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=");
  g_assert_cmpstr (url, ==,
                   "https://oapi.dingtalk.com/robot/send?access_token=abc"
                   "&timestamp=1700000000000&sign=sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0%3D");
}

static void
test_vector_two (void)
{
  g_autofree char *sign = dd_sign_compute ("SEC1234567890abcdef", 1577262236757);
  g_autofree char *url = dd_sign_url ("https://oapi.dingtalk.com/robot/send?access_token=abc",
                                      "SEC1234567890abcdef", 1577262236757);

  g_assert_cmpstr (sign, ==, "f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk=");
  /* '+' and '=' encoded exactly once: %2B, never %252B */
  g_assert_true (g_str_has_suffix (url, "&timestamp=1577262236757&sign=f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T%2BWkIqzDk%3D"));
  g_assert_null (strstr (url, "%25"));
}

/* A secret with characters that need care: the key is the raw UTF-8 bytes,
 * and the result decodes back to the Base64 of an independent HMAC. */
static void
test_escaping_secret (void)
{
  const char *secret = "SEC+/=&?% 密钥\n";
  gint64 ts = 1600000000123;
  g_autofree char *to_sign = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s", ts, secret);
  g_autofree char *expected = NULL;
  g_autofree char *url = dd_sign_url ("http://127.0.0.1:1/robot/send?access_token=t", secret, ts);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));

  g_hmac_update (hmac, (const guchar *) to_sign, -1);
  g_hmac_get_digest (hmac, digest, &len);
  expected = g_base64_encode (digest, len);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "sign"), ==, expected);
  g_assert_cmpstr (g_hash_table_lookup (params, "timestamp"), ==, "1600000000123");
  g_assert_cmpstr (g_hash_table_lookup (params, "access_token"), ==, "t");
}

static void
test_no_secret (void)
{
  g_autofree char *url = dd_sign_url ("https://x.example/robot/send?access_token=t", NULL, 1);
  g_autofree char *url2 = dd_sign_url ("https://x.example/robot/send?access_token=t", "", 1);

  g_assert_cmpstr (url, ==, "https://x.example/robot/send?access_token=t");
  g_assert_cmpstr (url2, ==, "https://x.example/robot/send?access_token=t");
}

static void
test_fresh_timestamp (void)
{
  gint64 before = g_get_real_time () / 1000;
  gint64 now = dd_sign_now_ms ();

  /* milliseconds, not seconds */
  g_assert_cmpint (now, >=, before);
  g_assert_cmpint (now, >, G_GINT64_CONSTANT (1000000000000));
}

static void
test_redact (void)
{
  g_autofree char *r = dd_redact_url ("https://o/robot/send?access_token=SECRETTOKEN&timestamp=1&sign=abc%3D");
  g_autofree char *r2 = dd_redact_url ("https://o/gettoken?appkey=K1&appsecret=S1");

  g_assert_null (strstr (r, "SECRETTOKEN"));
  g_assert_null (strstr (r, "abc"));
  g_assert_nonnull (strstr (r, "timestamp=1"));
  g_assert_null (strstr (r2, "S1"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sign/vector-1", test_vector_one);
  g_test_add_func ("/sign/vector-2", test_vector_two);
  g_test_add_func ("/sign/escaping-secret", test_escaping_secret);
  g_test_add_func ("/sign/no-secret", test_no_secret);
  g_test_add_func ("/sign/fresh-timestamp", test_fresh_timestamp);
  g_test_add_func ("/sign/redact", test_redact);

  return g_test_run ();
}
