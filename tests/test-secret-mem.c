/* test-secret-mem.c: the keyring item's JSON, and no copy of a secret left
 * in this process's memory once DingDrop's own code is done with it
 *
 * The memory tests search every writable mapping of the process (through
 * /proc/self/mem, so freed memory is read too, also under AddressSanitizer)
 * for a random secret.  The test keeps only a masked form of it (each byte
 * XOR 0x5a), so that its own copy is never found.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-profile.h"
#include "dd-secret-mem.h"
#include "dd-sign.h"

#define MASK 0x5a

static const char * const names[] = { "webhook", "secret", "app-secret" };

/* the JSON */

static void
test_json_round_trip (void)
{
  const char *values[] = {
    "https://oapi.dingtalk.com/robot/send?access_token=abc",
    "SEC\"quoted\" back\\slash\n\t\x01 end",
    "中文 é \xf0\x9f\x98\x80",
  };
  g_autoptr(DdSecret) json = dd_secret_json_build (names, values, 3);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char *back[3] = { NULL };
  JsonObject *object;

  /* json-glib reads what is written: DingDrop 1.x items stay readable */
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_object_get_string_member (object, names[i]), ==, values[i]);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);

  g_assert_true (dd_secret_json_parse (json, names, back, 3, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (back[i], ==, values[i]);
      dd_secret_free (back[i]);
    }
}

/* What json-glib's generator wrote (the items of earlier builds) reads the
 * same; an unset value is left out, and nothing set is no JSON at all. */
static void
test_json_reads_json_glib (void)
{
  const char *values[] = { NULL, "SEC\u00e9\"\\/\t", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *theirs = NULL;
  g_autoptr(DdSecret) ours = NULL;
  char *back[3] = { NULL };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, values[1]);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  theirs = json_generator_to_data (generator, NULL);

  ours = dd_secret_json_build (names, values, 3);
  g_assert_cmpstr (ours, ==, theirs);

  g_assert_true (dd_secret_json_parse (theirs, names, back, 3, NULL));
  g_assert_null (back[0]);
  g_assert_cmpstr (back[1], ==, values[1]);
  g_assert_null (back[2]);
  g_clear_pointer (&back[1], dd_secret_free);

  /* json-glib 1.6 writes other control characters raw */
  g_assert_true (dd_secret_json_parse ("{\"secret\":\"a\x1f\nb\"}", names, back, 3, NULL));
  g_assert_cmpstr (back[1], ==, "a\x1f\nb");
  g_clear_pointer (&back[1], dd_secret_free);

  const char *none[] = { NULL, NULL, NULL };
  g_assert_null (dd_secret_json_build (names, none, 3));
}

static void
test_json_escapes_and_spaces (void)
{
  char *back[3] = { NULL };

  g_assert_true (dd_secret_json_parse (" {\n \"secret\" : \"\\u0041\\ud83d\\ude00\\/\\b\" ,"
                                       "\"other\":\"x\", \"secret\":\"last\\u00e9\" }\n",
                                       names, back, 3, NULL));
  g_assert_null (back[0]);
  g_assert_cmpstr (back[1], ==, "last\u00e9");
  g_clear_pointer (&back[1], dd_secret_free);

  g_assert_true (dd_secret_json_parse ("{\"secret\":\"\\u0041\\ud83d\\ude00\\/\\b\"}",
                                       names, back, 3, NULL));
  g_assert_cmpstr (back[1], ==, "A\xf0\x9f\x98\x80/\b");
  g_clear_pointer (&back[1], dd_secret_free);

  g_assert_true (dd_secret_json_parse ("{}", names, back, 3, NULL));
  for (guint i = 0; i < 3; i++)
    g_assert_null (back[i]);
}

static void
test_json_refused (void)
{
  const char * const bad[] = {
    "", "null", "[]", "\"x\"", "{", "{\"secret\"}", "{\"secret\":}",
    "{\"secret\":\"x\"", "{\"secret\":\"x\",}", "{\"secret\":\"x\"} x",
    "{\"secret\":1}", "{\"secret\":null}", "{\"secret\":{\"a\":\"b\"}}",
"{\"secret\":\"\\u0000\"}", "{\"secret\":\"\\x\"}",
    "{\"secret\":\"\\u12\"}", "{\"secret\":\"\\ud83d\"}", "{\"secret\":\"\\ude00\"}",
    "{\"secret\":\"\\", "{\"secret\":\"abc\\\"}", "{secret:\"x\"}",
    "{\"webhook\":\"w\",\"secret\":2}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *back[3] = { NULL };

      g_test_message ("%s", bad[i]);
      g_assert_false (dd_secret_json_parse (bad[i], names, back, 3, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      /* nothing half-read is handed back */
      for (guint j = 0; j < 3; j++)
        g_assert_null (back[j]);
    }
}

static void
test_dup_stripped (void)
{
  g_autoptr(DdSecret) a = dd_secret_dup_stripped ("  SECabc \n");
  g_autoptr(DdSecret) b = dd_secret_dup_stripped ("x");

  g_assert_cmpstr (a, ==, "SECabc");
  g_assert_cmpstr (b, ==, "x");
  g_assert_null (dd_secret_dup_stripped (" \t\n"));
  g_assert_null (dd_secret_dup_stripped (""));
  g_assert_null (dd_secret_dup_stripped (NULL));
}

/* memory */

/* Counts where in this process's writable memory the secret of which
 * @masked is the masked form lies. */
static guint
count_in_memory (const guint8 *masked,
                 gsize         len)
{
  const gsize chunk = 1 << 20;
  g_autofree guint8 *buffer = g_malloc (chunk + len);
  FILE *maps = fopen ("/proc/self/maps", "re");
  int mem = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  guint8 first = masked[0] ^ MASK;
  /* the buffer holds what it read last: not counted */
  guint64 own_start = (guintptr) buffer, own_end = own_start + chunk + len;
  char line[1024];
  guint hits = 0;

  g_assert_nonnull (maps);
  g_assert_cmpint (mem, >=, 0);

  while (fgets (line, sizeof line, maps) != NULL)
    {
      guint64 start, end;
      char perms[5];

      if (sscanf (line, "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %4s",
                  &start, &end, perms) != 3)
        continue;
      /* AddressSanitizer's shadow is terabytes of reserved zeros */
      if (perms[0] != 'r' || perms[1] != 'w' || end - start > (G_GUINT64_CONSTANT (1) << 30))
        continue;

      for (guint64 at = start; at < end; at += chunk)
        {
          gsize want = MIN (chunk + len - 1, end - at);
          gssize n = pread (mem, buffer, want, (off_t) at);

          if (n < (gssize) len)
            break;
          for (gsize i = 0; i + len <= (gsize) n && i < chunk; i++)
            {
              gsize j;

              if (buffer[i] != first || (at + i >= own_start && at + i < own_end))
                continue;
              for (j = 1; j < len; j++)
                if (buffer[i + j] != (masked[j] ^ MASK))
                  break;
              if (j == len)
                hits++;
            }
        }
    }

  /* the buffer read the last mapping: nothing of it stays behind */
  dd_wipe (buffer, chunk + len);
  close (mem);
  fclose (maps);

  return hits;
}

/* A random secret of @len characters from @alphabet, prefixed by @prefix,
 * made on the heap from its masked form; the masked form goes to
 * @masked. */
static char *
make_secret (const char *prefix,
             gsize       len,
             guint8     *masked)
{
  static const char alphabet[] = "0123456789abcdef";
  gsize prefix_len = strlen (prefix);
  char *secret = g_malloc (prefix_len + len + 1);

  for (gsize i = 0; i < len; i++)
    masked[i] = (guint8) (alphabet[g_random_int_range (0, 16)] ^ MASK);
  memcpy (secret, prefix, prefix_len);
  for (gsize i = 0; i < len; i++)
    secret[prefix_len + i] = (char) (masked[i] ^ MASK);
  secret[prefix_len + len] = '\0';

  return secret;
}

#define SECRET_LEN 64
/* what is searched: the secret's middle (a freed block's first 16 bytes
 * are the allocator's) */
#define NEEDLE_AT 24
#define NEEDLE_LEN 32

/* A profile's secrets, set with a pasted newline, replaced, copied and
 * freed; the item's JSON built and read back: nothing of them is left. */
static void
test_profile_and_item_leave_nothing (void)
{
  guint8 masked_secret[SECRET_LEN], masked_app[SECRET_LEN], masked_token[SECRET_LEN];
  char *secret = make_secret ("  SEC", SECRET_LEN, masked_secret);
  char *app_secret = make_secret ("\t", SECRET_LEN, masked_app);
  char *token = make_secret ("", SECRET_LEN, masked_token);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(DdProfile) profile = dd_profile_new ("Team");
    g_autoptr(DdProfile) copy = NULL;
    g_autoptr(DdSecret) webhook = g_strconcat (" https://oapi.dingtalk.com/robot/send?access_token=",
                                               token, "&timestamp=1&sign=x\n", NULL);
    g_autoptr(DdSecret) json = NULL;
    const char *values[3];
    char *back[3] = { NULL };

    dd_profile_set_secret (profile, secret);
    dd_profile_set_app_secret (profile, app_secret);
    g_assert_true (dd_profile_set_webhook (profile, webhook, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (dd_profile_get_webhook (profile), token));

    copy = dd_profile_duplicate (profile, "Copy");
    values[0] = dd_profile_get_webhook (copy);
    values[1] = dd_profile_get_secret (copy);
    values[2] = dd_profile_get_app_secret (copy);
    json = dd_secret_json_build (names, values, 3);
    g_assert_true (dd_secret_json_parse (json, names, back, 3, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (back[1], ==, dd_profile_get_secret (profile));
    for (guint i = 0; i < 3; i++)
      dd_secret_free (back[i]);

    /* replaced by another value, and the same one again */
    dd_profile_set_secret (copy, "SECother");
    dd_profile_set_secret (profile, secret);
    g_assert_true (dd_profile_set_webhook (copy, "https://oapi.dingtalk.com/robot/send?access_token=other", NULL));
  }
  dd_secret_free (secret);
  dd_secret_free (app_secret);
  dd_secret_free (token);

  g_assert_cmpuint (count_in_memory (masked_secret + NEEDLE_AT, NEEDLE_LEN), ==, 0);
  g_assert_cmpuint (count_in_memory (masked_app + NEEDLE_AT, NEEDLE_LEN), ==, 0);
  g_assert_cmpuint (count_in_memory (masked_token + NEEDLE_AT, NEEDLE_LEN), ==, 0);
}

/* The search finds what is there: a secret still in memory, and one freed
 * with g_free() instead of dd_secret_free() (else a passing memory test
 * proves nothing). */
static void
test_search_finds_copies (void)
{
  guint8 masked[SECRET_LEN];
  char *kept = make_secret ("SEC", SECRET_LEN, masked);
  guint8 masked_freed[SECRET_LEN];
  char *freed = make_secret ("SEC", SECRET_LEN, masked_freed);

  g_assert_cmpuint (count_in_memory (masked + NEEDLE_AT, NEEDLE_LEN), ==, 1);
  g_free (freed);
  g_assert_cmpuint (count_in_memory (masked_freed + NEEDLE_AT, NEEDLE_LEN), >=, 1);

  dd_secret_free (kept);
  g_assert_cmpuint (count_in_memory (masked + NEEDLE_AT, NEEDLE_LEN), ==, 0);
}

/* Signing: the signed text "<timestamp>\n<secret>" is wiped, and GLib's
 * HMAC keeps no plain copy of the secret (only its pads, XORed: see
 * tests/RELIABILITY.md); the webhook URL it makes is one allocation,
 * wiped by its caller. */
static void
test_sign_leaves_nothing (void)
{
  guint8 masked_token[SECRET_LEN], masked_secret[SECRET_LEN];
  char *token = make_secret ("", SECRET_LEN, masked_token);
  char *secret = make_secret ("SEC", SECRET_LEN, masked_secret);

  {
    g_autoptr(DdSecret) webhook = g_strconcat ("https://oapi.dingtalk.com/robot/send?access_token=",
                                               token, NULL);
    g_autoptr(DdSecret) url = dd_sign_url (webhook, secret, 1700000000000);
    g_autoptr(DdSecret) sign = dd_sign_compute (secret, 1700000000000);

    g_assert_true (g_str_has_prefix (url, webhook));
    g_assert_nonnull (strstr (url, "&sign="));
  }
  dd_secret_free (token);
  dd_secret_free (secret);

  g_assert_cmpuint (count_in_memory (masked_token + NEEDLE_AT, NEEDLE_LEN), ==, 0);
  g_assert_cmpuint (count_in_memory (masked_secret + NEEDLE_AT, NEEDLE_LEN), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  /* meson test sets MALLOC_PERTURB_: glibc would then overwrite some freed
   * blocks itself, and hide a copy that DingDrop failed to wipe */
  mallopt (M_PERTURB, 0);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-mem/json/round-trip", test_json_round_trip);
  g_test_add_func ("/secret-mem/json/reads-json-glib", test_json_reads_json_glib);
  g_test_add_func ("/secret-mem/json/escapes-and-spaces", test_json_escapes_and_spaces);
  g_test_add_func ("/secret-mem/json/refused", test_json_refused);
  g_test_add_func ("/secret-mem/dup-stripped", test_dup_stripped);
  g_test_add_func ("/secret-mem/search-finds-copies", test_search_finds_copies);
  g_test_add_func ("/secret-mem/profile-and-item", test_profile_and_item_leave_nothing);
  g_test_add_func ("/secret-mem/sign", test_sign_leaves_nothing);

  return g_test_run ();
}
