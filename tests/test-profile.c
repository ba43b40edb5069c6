/* test-profile.c: robot profiles, webhook rules and the profile store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-profile.h"
#include "dd-profile-private.h"
#include "dd-profile-store.h"

#define TOKEN  "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
#define SECRET "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
#define APP_SECRET "ZyXwVuTsRqPoNmLkJiHgFeDcBa-9876543210_app_secret"
#define WEBHOOK "https://oapi.dingtalk.com/robot/send?access_token=" TOKEN

/* Everything logged, debug included, to check that no secret is in it. */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        {
          g_string_append_len (captured_log, fields[i].value,
                               fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                    : fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
    }

  /* Debug and info would go to stdout and break TAP. */
  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
assert_log_has_no_secret (void)
{
  g_assert_null (strstr (captured_log->str, TOKEN));
  g_assert_null (strstr (captured_log->str, SECRET));
  g_assert_null (strstr (captured_log->str, APP_SECRET));
}

/* notify counting */

typedef struct {
  GHashTable *counts;   /* property name -> count */
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           NotifyLog  *log)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
notify_count (NotifyLog  *log,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

static void
test_profile_defaults (void)
{
  g_autoptr(DdProfile) a = dd_profile_new ("Team");
  g_autoptr(DdProfile) b = dd_profile_new ("Team");
  g_autoptr(DdProfile) c = dd_profile_new_with_id ("my-id", "Other");
  g_autoptr(DdProfile) d = g_object_new (DD_TYPE_PROFILE, NULL);

  g_assert_true (g_uuid_string_is_valid (dd_profile_get_id (a)));
  g_assert_true (g_uuid_string_is_valid (dd_profile_get_id (d)));
  g_assert_cmpstr (dd_profile_get_id (a), !=, dd_profile_get_id (b));
  g_assert_cmpstr (dd_profile_get_id (c), ==, "my-id");
  g_assert_cmpstr (dd_profile_get_name (a), ==, "Team");
  g_assert_cmpstr (dd_profile_get_name (d), ==, "");

  g_assert_nonnull (dd_profile_get_keywords (a));
  g_assert_null (dd_profile_get_keywords (a)[0]);
  g_assert_null (dd_profile_get_app_key (a));
  g_assert_cmpstr (dd_profile_get_link_template (a), ==, "{media_id}");
  g_assert_cmpuint (dd_profile_get_max_image_bytes (a), ==, 20 * 1024 * 1024);
  g_assert_false (dd_profile_get_keep_metadata (a));
  g_assert_cmpstr (dd_profile_get_oapi_base (a), ==, "https://oapi.dingtalk.com");
  g_assert_cmpstr (dd_profile_get_api_base (a), ==, "https://api.dingtalk.com");
  g_assert_null (dd_profile_get_robot_code (a));
  g_assert_null (dd_profile_get_conversation_id (a));
  g_assert_null (dd_profile_get_webhook (a));
  g_assert_null (dd_profile_get_secret (a));
  g_assert_null (dd_profile_get_app_secret (a));
  g_assert_false (dd_profile_has_app_credentials (a));
  g_assert_false (dd_profile_uses_app_robot (a));
}

static void
test_profile_properties (void)
{
  g_autoptr(DdProfile) profile = dd_profile_new ("A");
  const char *keywords[] = { "日报", "build", NULL };
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) got_keywords = NULL;
  g_autofree char *app_key = NULL;
  g_autofree char *link_template = NULL;
  g_autofree char *oapi_base = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *robot_code = NULL;
  g_autofree char *conversation_id = NULL;
  gboolean has_webhook, has_secret, has_app_secret;
  guint64 max_image_bytes;
  gboolean keep_metadata;

  g_object_set (profile,
                "name", "B",
                "keywords", keywords,
                "app-key", "dingkey",
                "link-template", "https://down.dingtalk.com/media/{media_id_noat}",
                "max-image-bytes", (guint64) 1024,
                "keep-metadata", TRUE,
                "oapi-base", "http://127.0.0.1:8080/",
                "api-base", "http://127.0.0.1:8081",
                "robot-code", "robot",
                "conversation-id", "cid",
                NULL);
  /* the secrets have setters and getters, and are no properties: nothing
   * that lists or dumps an object's properties can show them */
  g_assert_true (dd_profile_set_webhook (profile, TOKEN, NULL));
  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "webhook"));
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "secret"));
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "app-secret"));
  {
    guint n_specs;
    g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (profile), &n_specs);

    for (guint i = 0; i < n_specs; i++)
      if (specs[i]->value_type == G_TYPE_STRING && (specs[i]->flags & G_PARAM_READABLE))
        {
          g_autofree char *value = NULL;

          g_object_get (profile, specs[i]->name, &value, NULL);
          g_assert_cmpstr (value, !=, SECRET);
          g_assert_cmpstr (value, !=, APP_SECRET);
          g_assert_true (value == NULL || strstr (value, TOKEN) == NULL);
        }
  }

  g_object_get (profile,
                "id", &id,
                "name", &name,
                "keywords", &got_keywords,
                "app-key", &app_key,
                "link-template", &link_template,
                "max-image-bytes", &max_image_bytes,
                "keep-metadata", &keep_metadata,
                "oapi-base", &oapi_base,
                "api-base", &api_base,
                "robot-code", &robot_code,
                "conversation-id", &conversation_id,
                "has-webhook", &has_webhook,
                "has-secret", &has_secret,
                "has-app-secret", &has_app_secret,
                NULL);

  g_assert_cmpstr (id, ==, dd_profile_get_id (profile));
  g_assert_cmpstr (name, ==, "B");
  g_assert_true (g_strv_equal ((const char * const *) got_keywords, keywords));
  g_assert_cmpstr (app_key, ==, "dingkey");
  g_assert_cmpstr (link_template, ==, "https://down.dingtalk.com/media/{media_id_noat}");
  g_assert_cmpuint (max_image_bytes, ==, 1024);
  g_assert_true (keep_metadata);
  /* a trailing slash is not part of a base */
  g_assert_cmpstr (oapi_base, ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (api_base, ==, "http://127.0.0.1:8081");
  g_assert_cmpstr (robot_code, ==, "robot");
  g_assert_cmpstr (conversation_id, ==, "cid");
  /* a bare token goes to the profile's own oapi-base */
  g_assert_cmpstr (dd_profile_get_webhook (profile), ==, "http://127.0.0.1:8080/robot/send?access_token=" TOKEN);
  g_assert_cmpstr (dd_profile_get_secret (profile), ==, SECRET);
  g_assert_cmpstr (dd_profile_get_app_secret (profile), ==, APP_SECRET);
  g_assert_true (has_webhook && has_secret && has_app_secret);
  g_assert_true (dd_profile_has_app_credentials (profile));
  g_assert_true (dd_profile_uses_app_robot (profile));

  /* NULL or "" puts the defaults back */
  dd_profile_set_link_template (profile, NULL);
  dd_profile_set_oapi_base (profile, "");
  dd_profile_set_api_base (profile, NULL);
  g_assert_cmpstr (dd_profile_get_link_template (profile), ==, DD_DEFAULT_LINK_TEMPLATE);
  g_assert_cmpstr (dd_profile_get_oapi_base (profile), ==, DD_DEFAULT_OAPI_BASE);
  g_assert_cmpstr (dd_profile_get_api_base (profile), ==, DD_DEFAULT_API_BASE);

  /* pasted secrets lose their surrounding whitespace; blank means unset */
  dd_profile_set_secret (profile, "  " SECRET "\n");
  g_assert_cmpstr (dd_profile_get_secret (profile), ==, SECRET);
  dd_profile_set_secret (profile, " ");
  g_assert_null (dd_profile_get_secret (profile));
  dd_profile_set_app_key (profile, "");
  g_assert_null (dd_profile_get_app_key (profile));
  g_assert_false (dd_profile_has_app_credentials (profile));
  dd_profile_set_robot_code (profile, NULL);
  g_assert_false (dd_profile_uses_app_robot (profile));

  assert_log_has_no_secret ();
}

static void
test_profile_notify (void)
{
  g_autoptr(DdProfile) profile = dd_profile_new ("A");
  NotifyLog log = { g_hash_table_new (g_str_hash, g_str_equal) };
  const char *keywords[] = { "k", NULL };
  const char *same_keywords[] = { "k", NULL };
  static const char * const props[] = {
    "name", "keywords", "app-key", "link-template", "max-image-bytes",
    "keep-metadata", "oapi-base", "api-base", "robot-code",
    "conversation-id", "has-webhook", "has-secret", "has-app-secret",
  };

  g_signal_connect (profile, "notify", G_CALLBACK (on_notify), &log);

  /* a real change notifies once */
  dd_profile_set_name (profile, "B");
  dd_profile_set_keywords (profile, keywords);
  dd_profile_set_app_key (profile, "key");
  dd_profile_set_link_template (profile, "![]({media_id})");
  dd_profile_set_max_image_bytes (profile, 1000);
  dd_profile_set_keep_metadata (profile, TRUE);
  dd_profile_set_oapi_base (profile, "https://oapi.example.com");
  dd_profile_set_api_base (profile, "https://api.example.com");
  dd_profile_set_robot_code (profile, "rc");
  dd_profile_set_conversation_id (profile, "cid");
  g_assert_true (dd_profile_set_webhook (profile, TOKEN, NULL));
  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_secret (profile, APP_SECRET);

  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    g_assert_cmpuint (notify_count (&log, props[i]), ==, 1);

  /* setting the same value again does not */
  dd_profile_set_name (profile, "B");
  dd_profile_set_keywords (profile, same_keywords);
  dd_profile_set_app_key (profile, " key ");
  dd_profile_set_link_template (profile, "![]({media_id})");
  dd_profile_set_max_image_bytes (profile, 1000);
  dd_profile_set_keep_metadata (profile, 42);
  dd_profile_set_oapi_base (profile, "https://oapi.example.com/");
  dd_profile_set_api_base (profile, "https://api.example.com");
  dd_profile_set_robot_code (profile, "rc");
  dd_profile_set_conversation_id (profile, "cid");
  g_assert_true (dd_profile_set_webhook (profile, "https://oapi.example.com/robot/send?access_token=" TOKEN, NULL));
  dd_profile_set_secret (profile, SECRET "\n");
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_object_set (profile, "name", "B", "keep-metadata", TRUE, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    g_assert_cmpuint (notify_count (&log, props[i]), ==, 1);

  /* a refused webhook changes nothing and notifies nothing */
  g_assert_false (dd_profile_set_webhook (profile, "http://example.com/robot/send?access_token=x", NULL));
  g_assert_cmpuint (notify_count (&log, "has-webhook"), ==, 1);
  g_assert_cmpstr (dd_profile_get_webhook (profile), ==,
                   "https://oapi.example.com/robot/send?access_token=" TOKEN);

  /* clearing is a change */
  g_assert_true (dd_profile_set_webhook (profile, NULL, NULL));
  g_assert_null (dd_profile_get_webhook (profile));
  g_assert_cmpuint (notify_count (&log, "has-webhook"), ==, 2);
  g_assert_true (dd_profile_set_webhook (profile, "  ", NULL));
  g_assert_cmpuint (notify_count (&log, "has-webhook"), ==, 2);

  g_hash_table_unref (log.counts);
}

typedef struct {
  const char *input;
  const char *oapi_base;
  const char *expected;
} NormalizeCase;

static void
test_webhook_normalize (void)
{
  static const NormalizeCase cases[] = {
    { WEBHOOK, NULL, WEBHOOK },
    { "  \t" WEBHOOK "\r\n", NULL, WEBHOOK },
    /* a stale signature pasted from an old script */
    { WEBHOOK "&timestamp=1577262236757&sign=f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T%2BWkIqzDk%3D", NULL, WEBHOOK },
    { "https://oapi.dingtalk.com/robot/send?timestamp=1&access_token=" TOKEN "&sign=x#frag", NULL, WEBHOOK },
    /* a bare token */
    { TOKEN, NULL, WEBHOOK },
    { " " TOKEN "\n", DD_DEFAULT_OAPI_BASE, WEBHOOK },
    { "abc_DEF-123", NULL, "https://oapi.dingtalk.com/robot/send?access_token=abc_DEF-123" },
    { TOKEN, "http://127.0.0.1:8080/", "http://127.0.0.1:8080/robot/send?access_token=" TOKEN },
    { TOKEN, "https://proxy.example.com/dingtalk", "https://proxy.example.com/dingtalk/robot/send?access_token=" TOKEN },
    /* a full URL on the robot's servers set explicitly */
    { "http://127.0.0.1:34567/robot/send?access_token=abc", "http://127.0.0.1:34567", "http://127.0.0.1:34567/robot/send?access_token=abc" },
    { "http://localhost:8000/robot/send?access_token=abc", "http://LOCALHOST:8000/", "http://localhost:8000/robot/send?access_token=abc" },
    { "http://[::1]:8000/robot/send?access_token=abc", "http://[::1]:8000", "http://[::1]:8000/robot/send?access_token=abc" },
    { "https://ding.example.com/robot/send?access_token=abc", "https://ding.example.com", "https://ding.example.com/robot/send?access_token=abc" },
    { "https://ding.example.com:443/robot/send?access_token=abc", "https://ding.example.com", "https://ding.example.com:443/robot/send?access_token=abc" },
    { "HTTPS://oapi.dingtalk.com/robot/send?access_token=" TOKEN, NULL, WEBHOOK },
    /* a private deployment under a path prefix, when that is the base */
    { "https://proxy.example.com/dingtalk/robot/send?access_token=abc&sign=x", "https://proxy.example.com/dingtalk",
      "https://proxy.example.com/dingtalk/robot/send?access_token=abc" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = dd_webhook_normalize (cases[i].input, cases[i].oapi_base, &error);

      g_test_message ("case %u", i);
      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].expected);
    }

  assert_log_has_no_secret ();
}

typedef struct {
  const char *input;
  const char *oapi_base;
  const char *why;   /* a word the sentence must contain */
} RefusedCase;

static void
test_webhook_refused (void)
{
  static const RefusedCase cases[] = {
    { NULL, NULL, "empty" },
    { "", NULL, "empty" },
    { " \n\t", NULL, "empty" },
    { "not a webhook", NULL, "neither" },
    { "oapi.dingtalk.com/robot/send?access_token=" TOKEN, NULL, "neither" },
    { "https://", NULL, "neither" },
    { "http://oapi.dingtalk.com/robot/send?access_token=" TOKEN, NULL, "https://" },
    { "http://10.0.0.1/robot/send?access_token=" TOKEN, NULL, "https://" },
    { "http://127.0.0.1.example.com/robot/send?access_token=abc", NULL, "https://" },
    { "http://localhost.example.com/robot/send?access_token=abc", NULL, "https://" },
    { "ftp://oapi.dingtalk.com/robot/send?access_token=" TOKEN, NULL, "https://" },
    { "https://oapi.dingtalk.com/robot/send", NULL, "access_token" },
    { "https://oapi.dingtalk.com/robot/send?access_token=", NULL, "access_token" },
    { "https://oapi.dingtalk.com/robot/send?timestamp=1&sign=2", NULL, "access_token" },
    { "https://oapi.dingtalk.com/robot/send?access_token=a%20b", NULL, "access_token" },
    { "https://oapi.dingtalk.com/robot/other?access_token=" TOKEN, NULL, "/robot/send" },
    { "https://oapi.dingtalk.com/?access_token=" TOKEN, NULL, "/robot/send" },
    { "https://oapi.dingtalk.com/robot/send/?access_token=" TOKEN, NULL, "/robot/send" },
    { "https://proxy.example.com/dingtalk/robot/send?access_token=abc", "https://proxy.example.com", "/robot/send" },
    /* not on DingTalk's server, nor on the one set under Advanced:
     * lookalikes do not get the robot's token */
    { "https://oapi.dingtalk.com.evil.example/robot/send?access_token=" TOKEN, NULL, "oapi.dingtalk.com" },
    { "https://evil.example/robot/send?access_token=" TOKEN "&host=oapi.dingtalk.com", NULL, "oapi.dingtalk.com" },
    { "https://oapi.dingtalk.com:8443/robot/send?access_token=" TOKEN, NULL, "oapi.dingtalk.com" },
    { "https://proxy.example.com/dingtalk/robot/send?access_token=abc", NULL, "oapi.dingtalk.com" },
    { "https://ding.example.com/robot/send?access_token=abc", NULL, "oapi.dingtalk.com" },
    { "http://127.0.0.1:34567/robot/send?access_token=abc", NULL, "oapi.dingtalk.com" },
    { "http://127.0.0.1:34567/robot/send?access_token=abc", "http://127.0.0.1:8080", "Advanced" },
    { "https://other.example.com/dingtalk/robot/send?access_token=abc", "https://proxy.example.com/dingtalk", "Advanced" },
    /* the signing secret pasted in the wrong field */
    { SECRET, NULL, "signing secret" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = dd_webhook_normalize (cases[i].input, cases[i].oapi_base, &error);

      g_test_message ("case %u", i);
      g_assert_null (url);
      g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_WEBHOOK);
      g_assert_nonnull (strstr (error->message, cases[i].why));
      g_assert_true (g_str_has_suffix (error->message, "."));
      /* the sentence never repeats the token */
      g_assert_null (strstr (error->message, TOKEN));
      g_assert_null (strstr (error->message, SECRET));
    }
}

/* What is stored is what normalising it again gives: the secrets are
 * read back through the same check (a base with an empty port made
 * "https://host:/robot/send", which the second pass changed). */
static void
test_webhook_normalize_stable (void)
{
  static const char * const bases[] = { "https://ding.example.com:/", "https://ding.example.com:443",
                                        "http://127.0.0.1:8080/", DD_DEFAULT_OAPI_BASE };

  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *once = dd_webhook_normalize (TOKEN, bases[i], &error);
      g_autofree char *twice = NULL;

      g_test_message ("base %s", bases[i]);
      g_assert_no_error (error);
      twice = dd_webhook_normalize (once, bases[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (twice, ==, once);
    }
}

static void
test_url_allowed (void)
{
  static const char * const allowed[] = {
    "https://oapi.dingtalk.com",
    "https://api.dingtalk.com/v1.0/robot/groupMessages/send",
    "HTTPS://EXAMPLE.COM/",
    "http://127.0.0.1:8080",
    "http://127.5.6.7/x",
    "http://[::1]:8080/",
    "http://localhost",
    "http://LocalHost:1234/",
  };
  static const char * const refused[] = {
    "http://oapi.dingtalk.com",
    "http://10.0.0.1:8080",
    "http://127.0.0.1.example.com",
    "http://localhost.example.com",
    "http://[::2]/",
    "ftp://oapi.dingtalk.com",
    "file:///etc/passwd",
    "https://",
    "oapi.dingtalk.com",
    "",
    NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("allowed %s", allowed[i]);
      g_assert_true (dd_url_is_allowed (allowed[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("refused %s", refused[i] ? refused[i] : "(null)");
      g_assert_false (dd_url_is_allowed (refused[i], &error));
      g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
      g_assert_true (g_str_has_suffix (error->message, "."));
    }
}

static DdProfile *
new_valid_profile (const char *name)
{
  DdProfile *profile = dd_profile_new (name);

  g_assert_true (dd_profile_set_webhook (profile, WEBHOOK, NULL));

  return profile;
}

static void
assert_invalid (DdProfile  *profile,
                const char *why)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dd_profile_validate (profile, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, why));
}

static void
assert_valid (DdProfile *profile)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_validate (profile, &error));
  g_assert_no_error (error);
}

static void
test_profile_validate (void)
{
  g_autoptr(DdProfile) profile = new_valid_profile ("Team");
  const char *ten[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", NULL };
  const char *eleven[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", NULL };
  const char *with_empty[] = { "ok", "", NULL };
  const char *with_blank[] = { "ok", "  ", NULL };

  assert_valid (profile);

  dd_profile_set_name (profile, " ");
  assert_invalid (profile, "name");
  dd_profile_set_name (profile, "Team");

  /* a way to send: the webhook, or the app robot */
  g_assert_true (dd_profile_set_webhook (profile, NULL, NULL));
  assert_invalid (profile, "webhook");
  dd_profile_set_robot_code (profile, "ding-robot");
  assert_invalid (profile, "conversation ID");
  dd_profile_set_conversation_id (profile, "cidXXXX");
  assert_valid (profile);
  dd_profile_set_robot_code (profile, NULL);
  assert_invalid (profile, "robot code");
  g_assert_true (dd_profile_set_webhook (profile, WEBHOOK, NULL));
  assert_invalid (profile, "robot code");
  dd_profile_set_conversation_id (profile, NULL);
  assert_valid (profile);

  dd_profile_set_keywords (profile, ten);
  assert_valid (profile);
  dd_profile_set_keywords (profile, eleven);
  g_assert_cmpuint (g_strv_length ((char **) dd_profile_get_keywords (profile)), ==, 11);
  assert_invalid (profile, "10 keywords");
  dd_profile_set_keywords (profile, with_empty);
  assert_invalid (profile, "keyword");
  dd_profile_set_keywords (profile, with_blank);
  assert_invalid (profile, "keyword");
  dd_profile_set_keywords (profile, NULL);
  assert_valid (profile);

  dd_profile_set_link_template (profile, "https://down.dingtalk.com/media/{media_id}");
  assert_valid (profile);
  dd_profile_set_link_template (profile, "{media_id_noat}");
  assert_valid (profile);
  dd_profile_set_link_template (profile, "https://example.com/{mediaid}");
  assert_invalid (profile, "{media_id}");
  dd_profile_set_link_template (profile, NULL);

  dd_profile_set_oapi_base (profile, "http://oapi.dingtalk.com");
  assert_invalid (profile, "http://oapi.dingtalk.com");
  dd_profile_set_oapi_base (profile, "http://127.0.0.1:9");
  assert_valid (profile);
  dd_profile_set_api_base (profile, "ftp://api.dingtalk.com");
  assert_invalid (profile, "https://");
  dd_profile_set_api_base (profile, "not a url");
  assert_invalid (profile, "not a valid");
  dd_profile_set_api_base (profile, NULL);
  assert_valid (profile);
}

static void
test_profile_duplicate (void)
{
  g_autoptr(DdProfile) profile = new_valid_profile ("Team");
  g_autoptr(DdProfile) copy = NULL;
  const char *keywords[] = { "日报", "构建", NULL };

  dd_profile_set_keywords (profile, keywords);
  dd_profile_set_app_key (profile, "dingkey");
  dd_profile_set_link_template (profile, "{media_id_noat}");
  dd_profile_set_max_image_bytes (profile, 12345);
  dd_profile_set_keep_metadata (profile, TRUE);
  dd_profile_set_oapi_base (profile, "https://oapi.example.com");
  dd_profile_set_api_base (profile, "https://api.example.com");
  dd_profile_set_robot_code (profile, "rc");
  dd_profile_set_conversation_id (profile, "cid");
  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_secret (profile, APP_SECRET);

  copy = dd_profile_duplicate (profile, "Team (copy)");

  g_assert_cmpstr (dd_profile_get_id (copy), !=, dd_profile_get_id (profile));
  g_assert_true (g_uuid_string_is_valid (dd_profile_get_id (copy)));
  g_assert_cmpstr (dd_profile_get_name (copy), ==, "Team (copy)");
  g_assert_cmpstr (dd_profile_get_name (profile), ==, "Team");
  g_assert_true (g_strv_equal (dd_profile_get_keywords (copy), keywords));
  g_assert_cmpstr (dd_profile_get_app_key (copy), ==, "dingkey");
  g_assert_cmpstr (dd_profile_get_link_template (copy), ==, "{media_id_noat}");
  g_assert_cmpuint (dd_profile_get_max_image_bytes (copy), ==, 12345);
  g_assert_true (dd_profile_get_keep_metadata (copy));
  g_assert_cmpstr (dd_profile_get_oapi_base (copy), ==, "https://oapi.example.com");
  g_assert_cmpstr (dd_profile_get_api_base (copy), ==, "https://api.example.com");
  g_assert_cmpstr (dd_profile_get_robot_code (copy), ==, "rc");
  g_assert_cmpstr (dd_profile_get_conversation_id (copy), ==, "cid");
  g_assert_cmpstr (dd_profile_get_webhook (copy), ==, WEBHOOK);
  g_assert_cmpstr (dd_profile_get_secret (copy), ==, SECRET);
  g_assert_cmpstr (dd_profile_get_app_secret (copy), ==, APP_SECRET);

  /* a deep copy */
  dd_profile_set_keywords (copy, NULL);
  dd_profile_set_secret (copy, NULL);
  g_assert_true (g_strv_equal (dd_profile_get_keywords (profile), keywords));
  g_assert_cmpstr (dd_profile_get_secret (profile), ==, SECRET);
}

/* What dd-secrets.c and the store do with "secrets-loaded". */
static void
test_profile_secrets_loaded (void)
{
  g_autoptr(DdProfile) profile = dd_profile_new ("Team");
  g_autoptr(DdProfile) copy = NULL;
  NotifyLog log = { g_hash_table_new (g_str_hash, g_str_equal) };
  guint serial;

  g_signal_connect (profile, "notify", G_CALLBACK (on_notify), &log);
  g_assert_false (dd_profile_get_secrets_loaded (profile));

  /* a load or a store that succeeds */
  dd_profile_set_secrets_loaded (profile, dd_profile_get_secrets_serial (profile));
  g_assert_true (dd_profile_get_secrets_loaded (profile));
  g_assert_cmpuint (notify_count (&log, "secrets-loaded"), ==, 1);

  /* another process saved the robots: stale, the values kept */
  dd_profile_set_secret (profile, SECRET);
  dd_profile_mark_secrets_stale (profile);
  g_assert_false (dd_profile_get_secrets_loaded (profile));
  g_assert_cmpstr (dd_profile_get_secret (profile), ==, SECRET);
  g_assert_cmpuint (notify_count (&log, "secrets-loaded"), ==, 2);

  /* a load that began before the stale mark does not make them fresh */
  serial = dd_profile_get_secrets_serial (profile);
  dd_profile_mark_secrets_stale (profile);
  dd_profile_set_secrets_loaded (profile, serial);
  g_assert_false (dd_profile_get_secrets_loaded (profile));
  dd_profile_set_secrets_loaded (profile, dd_profile_get_secrets_serial (profile));
  g_assert_true (dd_profile_get_secrets_loaded (profile));

  /* a copy has a new id: nothing in the keyring yet */
  copy = dd_profile_duplicate (profile, "Copy");
  g_assert_false (dd_profile_get_secrets_loaded (copy));

  g_hash_table_unref (log.counts);
}

/* the store */

typedef struct {
  char *dir;
  char *config_dir;   /* dir/config/dingdrop, not yet created */
} StoreFixture;

static void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("dd-test-profile-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->config_dir = g_build_filename (fixture->dir, "config", "dingdrop", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->config_dir);
}

typedef struct {
  guint position, removed, added;
  guint n_signals;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *changed)
{
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->n_signals++;
}

static DdProfile *
get_item (DdProfileStore *store,
          guint           position)
{
  g_autoptr(DdProfile) profile = g_list_model_get_item (G_LIST_MODEL (store), position);

  /* the store holds a reference */
  return profile;
}

static void
test_store_empty (StoreFixture  *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_type_is_a (g_list_model_get_item_type (G_LIST_MODEL (store)), DD_TYPE_PROFILE));

  /* a missing file is an empty store, not an error, and creates nothing */
  g_assert_true (dd_profile_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 0));
  g_assert_null (dd_profile_store_get_default (store));
  g_assert_null (dd_profile_store_lookup (store, "anything"));
  g_assert_false (g_file_test (fixture->config_dir, G_FILE_TEST_EXISTS));
}

static void
test_store_add_remove (StoreFixture  *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfile) a = dd_profile_new ("A");
  g_autoptr(DdProfile) b = dd_profile_new ("B");
  g_autoptr(DdProfile) c = dd_profile_new ("C");
  g_autoptr(DdProfile) b2 = dd_profile_new ("B");
  g_autoptr(DdProfile) lower_b = dd_profile_new ("b");
  g_autoptr(DdProfile) unnamed = dd_profile_new ("");
  g_autoptr(GError) error = NULL;
  ItemsChanged changed = { 0 };

  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &changed);

  g_assert_true (dd_profile_store_add (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  /* the first one added is the default */
  g_assert_true (dd_profile_store_get_default (store) == a);

  g_assert_true (dd_profile_store_add (store, b, NULL));
  g_assert_true (dd_profile_store_add (store, c, NULL));
  g_assert_cmpuint (changed.n_signals, ==, 3);
  g_assert_cmpuint (changed.position, ==, 2);
  g_assert_true (dd_profile_store_get_default (store) == a);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_true (get_item (store, 0) == a);
  g_assert_true (get_item (store, 1) == b);
  g_assert_true (get_item (store, 2) == c);

  /* names are unique, case-sensitively */
  g_assert_false (dd_profile_store_add (store, b2, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_assert_cmpstr (error->message, ==, "There is already a robot named “B”.");
  g_clear_error (&error);
  g_assert_false (dd_profile_store_add (store, b, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_clear_error (&error);
  g_assert_false (dd_profile_store_add (store, unnamed, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_clear_error (&error);
  g_assert_cmpuint (changed.n_signals, ==, 3);
  g_assert_true (dd_profile_store_add (store, lower_b, NULL));

  /* lookup by id or exact name */
  g_assert_true (dd_profile_store_lookup (store, dd_profile_get_id (b)) == b);
  g_assert_true (dd_profile_store_lookup (store, "B") == b);
  g_assert_true (dd_profile_store_lookup (store, "b") == lower_b);
  g_assert_null (dd_profile_store_lookup (store, "D"));

  dd_profile_store_set_default (store, c);
  g_assert_true (dd_profile_store_get_default (store) == c);

  /* removing another one keeps the default */
  g_assert_true (dd_profile_store_remove (store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.position, ==, 1);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_true (dd_profile_store_get_default (store) == c);
  g_assert_null (dd_profile_store_lookup (store, "B"));

  g_assert_false (dd_profile_store_remove (store, b, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_clear_error (&error);

  /* removing the default makes the first remaining one the default */
  g_assert_true (dd_profile_store_remove (store, c, NULL));
  g_assert_true (dd_profile_store_get_default (store) == a);
  g_assert_true (dd_profile_store_remove (store, a, NULL));
  g_assert_true (dd_profile_store_get_default (store) == lower_b);
  g_assert_true (dd_profile_store_remove (store, lower_b, NULL));
  g_assert_null (dd_profile_store_get_default (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  /* and the next one added is the default again */
  g_assert_true (dd_profile_store_add (store, b, NULL));
  g_assert_true (dd_profile_store_get_default (store) == b);
}

static void
test_store_round_trip (StoreFixture  *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) loaded = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfile) a = new_valid_profile ("团队日报");
  g_autoptr(DdProfile) b = dd_profile_new ("App robot; \"quoted\" [x]");
  g_autoptr(DdProfile) c = new_valid_profile ("Plain");
  g_autoptr(GError) error = NULL;
  const char *keywords[] = { "日报", "a;b", "with space", "back\\slash", NULL };
  ItemsChanged changed = { 0 };
  DdProfile *la, *lb, *lc;

  dd_profile_set_keywords (a, keywords);
  dd_profile_set_app_key (a, "dingkey");
  dd_profile_set_app_secret (a, APP_SECRET);
  dd_profile_set_secret (a, SECRET);
  dd_profile_set_link_template (a, "https://down.dingtalk.com/media/{media_id_noat}");
  dd_profile_set_max_image_bytes (a, 1048576);
  dd_profile_set_keep_metadata (a, TRUE);
  dd_profile_set_oapi_base (a, "http://127.0.0.1:8080");
  dd_profile_set_api_base (a, "http://[::1]:8081");

  dd_profile_set_robot_code (b, "dingrobot");
  dd_profile_set_conversation_id (b, "cid+/==");
  dd_profile_set_app_key (b, "otherkey");
  dd_profile_set_app_secret (b, APP_SECRET);

  g_assert_true (dd_profile_store_add (store, a, NULL));
  g_assert_true (dd_profile_store_add (store, b, NULL));
  g_assert_true (dd_profile_store_add (store, c, NULL));
  dd_profile_store_set_default (store, b);

  g_assert_true (dd_profile_store_save (store, &error));
  g_assert_no_error (error);

  g_signal_connect (loaded, "items-changed", G_CALLBACK (on_items_changed), &changed);
  g_assert_true (dd_profile_store_load (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.added, ==, 3);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 3);
  la = get_item (loaded, 0);
  lb = get_item (loaded, 1);
  lc = get_item (loaded, 2);

  g_assert_cmpstr (dd_profile_get_id (la), ==, dd_profile_get_id (a));
  g_assert_cmpstr (dd_profile_get_id (lb), ==, dd_profile_get_id (b));
  g_assert_cmpstr (dd_profile_get_id (lc), ==, dd_profile_get_id (c));
  g_assert_true (dd_profile_store_get_default (loaded) == lb);

  g_assert_cmpstr (dd_profile_get_name (la), ==, "团队日报");
  g_assert_true (g_strv_equal (dd_profile_get_keywords (la), keywords));
  g_assert_cmpstr (dd_profile_get_app_key (la), ==, "dingkey");
  g_assert_cmpstr (dd_profile_get_link_template (la), ==, "https://down.dingtalk.com/media/{media_id_noat}");
  g_assert_cmpuint (dd_profile_get_max_image_bytes (la), ==, 1048576);
  g_assert_true (dd_profile_get_keep_metadata (la));
  g_assert_cmpstr (dd_profile_get_oapi_base (la), ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (dd_profile_get_api_base (la), ==, "http://[::1]:8081");
  g_assert_null (dd_profile_get_robot_code (la));
  g_assert_null (dd_profile_get_conversation_id (la));

  g_assert_cmpstr (dd_profile_get_name (lb), ==, "App robot; \"quoted\" [x]");
  g_assert_null (dd_profile_get_keywords (lb)[0]);
  g_assert_cmpstr (dd_profile_get_robot_code (lb), ==, "dingrobot");
  g_assert_cmpstr (dd_profile_get_conversation_id (lb), ==, "cid+/==");
  g_assert_cmpstr (dd_profile_get_app_key (lb), ==, "otherkey");
  g_assert_cmpstr (dd_profile_get_link_template (lb), ==, DD_DEFAULT_LINK_TEMPLATE);
  g_assert_cmpuint (dd_profile_get_max_image_bytes (lb), ==, DD_DEFAULT_MAX_IMAGE_BYTES);
  g_assert_false (dd_profile_get_keep_metadata (lb));
  g_assert_cmpstr (dd_profile_get_oapi_base (lb), ==, DD_DEFAULT_OAPI_BASE);
  g_assert_cmpstr (dd_profile_get_api_base (lb), ==, DD_DEFAULT_API_BASE);

  g_assert_cmpstr (dd_profile_get_name (lc), ==, "Plain");

  /* secrets are not in the file, so not loaded */
  for (guint i = 0; i < 3; i++)
    {
      DdProfile *p = get_item (loaded, i);

      g_assert_null (dd_profile_get_webhook (p));
      g_assert_null (dd_profile_get_secret (p));
      g_assert_null (dd_profile_get_app_secret (p));
    }

  /* loading again makes the store what the file holds; the profiles that
   * stay keep their objects */
  g_assert_true (dd_profile_store_remove (store, a, NULL));
  g_assert_true (dd_profile_store_save (store, NULL));
  g_assert_true (dd_profile_store_load (loaded, NULL));
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_null (dd_profile_store_lookup (loaded, "团队日报"));
  g_assert_true (dd_profile_store_lookup (loaded, "Plain") == lc);
  g_assert_true (get_item (loaded, 0) == lb);
  g_assert_true (dd_profile_store_get_default (loaded) == lb);

  /* and drops what was changed there and not saved */
  dd_profile_set_name (lc, "Renamed");
  g_assert_true (dd_profile_store_load (loaded, NULL));
  g_assert_true (get_item (loaded, 1) == lc);
  g_assert_cmpstr (dd_profile_get_name (lc), ==, "Plain");
}

static char *
read_ini (StoreFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->config_dir, "profiles.ini", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static void
test_store_file (StoreFixture  *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfile) profile = new_valid_profile ("Team");
  g_autofree char *path = g_build_filename (fixture->config_dir, "profiles.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GDir) dir = NULL;
  g_auto(GStrv) order = NULL;
  g_autofree char *default_id = NULL;
  GStatBuf buf;

  dd_profile_set_secret (profile, SECRET);
  dd_profile_set_app_key (profile, "dingkey");
  dd_profile_set_app_secret (profile, APP_SECRET);
  g_assert_true (dd_profile_store_add (store, profile, NULL));

  g_assert_true (dd_profile_store_save (store, NULL));
  /* saving twice replaces the file in place and leaves no temporary file */
  g_assert_true (dd_profile_store_save (store, NULL));

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (fixture->config_dir, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);

  /* the file and its lock, nothing else */
  dir = g_dir_open (fixture->config_dir, 0, NULL);
  g_assert_nonnull (dir);
  for (guint i = 0; i < 3; i++)
    {
      const char *name = g_dir_read_name (dir);

      if (i == 2)
        g_assert_null (name);
      else
        g_assert_true (g_strcmp0 (name, "profiles.ini") == 0 ||
                       g_strcmp0 (name, "profiles.ini.lock") == 0);
    }

  /* never a secret in the file */
  contents = read_ini (fixture);
  g_assert_null (strstr (contents, TOKEN));
  g_assert_null (strstr (contents, "access_token"));
  g_assert_null (strstr (contents, SECRET));
  g_assert_null (strstr (contents, APP_SECRET));

  /* the documented layout */
  g_assert_true (g_key_file_load_from_data (key_file, contents, -1, G_KEY_FILE_NONE, NULL));
  default_id = g_key_file_get_string (key_file, "General", "Default", NULL);
  g_assert_cmpstr (default_id, ==, dd_profile_get_id (profile));
  order = g_key_file_get_string_list (key_file, "General", "Order", NULL, NULL);
  g_assert_nonnull (order);
  g_assert_cmpstr (order[0], ==, dd_profile_get_id (profile));
  g_assert_null (order[1]);
  g_assert_true (g_key_file_has_group (key_file, dd_profile_get_id (profile)));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "Name", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "AppKey", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "LinkTemplate", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "MaxImageBytes", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "KeepMetadata", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "OapiBase", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "ApiBase", NULL));
  g_assert_true (g_key_file_has_key (key_file, dd_profile_get_id (profile), "Keywords", NULL));

  /* the user's own permissions on an existing folder are left alone */
  g_assert_cmpint (g_chmod (fixture->config_dir, 0750), ==, 0);
  g_assert_true (dd_profile_store_save (store, NULL));
  g_assert_cmpint (g_stat (fixture->config_dir, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0750);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
}

static void
write_ini (StoreFixture *fixture,
           const char   *contents)
{
  g_autofree char *path = g_build_filename (fixture->config_dir, "profiles.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->config_dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_store_corrupt (StoreFixture  *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfile) profile = dd_profile_new ("Kept");
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_add (store, profile, NULL));

  write_ini (fixture, "[General\nthis is = not [a key file\n\x01\x02");
  g_assert_false (dd_profile_store_load (store, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "profiles.ini"));

  /* a failed load leaves the store as it was */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_true (dd_profile_store_get_default (store) == profile);
}

static void
test_store_hand_edited (StoreFixture  *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(GError) error = NULL;

  /* Order lists b then a, forgets c and names a missing id; Default points
   * nowhere; values that make no sense fall back to the defaults. */
  write_ini (fixture,
             "[General]\n"
             "Order=id-b;missing;id-a;\n"
             "Default=gone\n"
             "\n"
             "[id-a]\n"
             "Name=A\n"
             "MaxImageBytes=lots\n"
             "KeepMetadata=perhaps\n"
             "\n"
             "[id-c]\n"
             "Name=C\n"
             "MaxImageBytes=0\n"
             "\n"
             "[id-b]\n"
             "Name=B\n"
             "Keywords=x;y;\n"
             "MaxImageBytes=1000\n"
             "KeepMetadata=true\n");

  g_assert_true (dd_profile_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_cmpstr (dd_profile_get_id (get_item (store, 0)), ==, "id-b");
  g_assert_cmpstr (dd_profile_get_id (get_item (store, 1)), ==, "id-a");
  g_assert_cmpstr (dd_profile_get_id (get_item (store, 2)), ==, "id-c");
  g_assert_true (dd_profile_store_get_default (store) == get_item (store, 0));

  g_assert_cmpuint (dd_profile_get_max_image_bytes (get_item (store, 0)), ==, 1000);
  g_assert_true (dd_profile_get_keep_metadata (get_item (store, 0)));
  g_assert_cmpuint (g_strv_length ((char **) dd_profile_get_keywords (get_item (store, 0))), ==, 2);
  g_assert_cmpuint (dd_profile_get_max_image_bytes (get_item (store, 1)), ==, DD_DEFAULT_MAX_IMAGE_BYTES);
  g_assert_false (dd_profile_get_keep_metadata (get_item (store, 1)));
  g_assert_cmpuint (dd_profile_get_max_image_bytes (get_item (store, 2)), ==, DD_DEFAULT_MAX_IMAGE_BYTES);
}

/* several stores on one folder: what two processes do */

typedef struct {
  guint      n_changed;
  DdProfile *last_changed;
  guint      n_removed;
  char      *last_removed;
} StoreLog;

static void
on_profile_changed (DdProfileStore *store,
                    DdProfile      *profile,
                    StoreLog       *log)
{
  g_assert_true (DD_IS_PROFILE (profile));
  log->n_changed++;
  log->last_changed = profile;
}

static void
on_profile_removed (DdProfileStore *store,
                    const char     *id,
                    StoreLog       *log)
{
  /* already gone when this is said */
  g_assert_null (dd_profile_store_lookup (store, id));
  log->n_removed++;
  g_free (log->last_removed);
  log->last_removed = g_strdup (id);
}

static void
store_log_connect (DdProfileStore *store,
                   StoreLog       *log)
{
  g_signal_connect (store, "profile-changed", G_CALLBACK (on_profile_changed), log);
  g_signal_connect (store, "profile-removed", G_CALLBACK (on_profile_removed), log);
}

static void
store_log_clear (StoreLog *log)
{
  g_clear_pointer (&log->last_removed, g_free);
}

static DdProfileStore *
open_store (StoreFixture *fixture)
{
  DdProfileStore *store = dd_profile_store_new (fixture->config_dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_load (store, &error));
  g_assert_no_error (error);

  return store;
}

static void
add_and_save (DdProfileStore *store,
              DdProfile      *profile)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_add (store, profile, &error));
  g_assert_no_error (error);
  g_assert_true (dd_profile_store_save (store, &error));
  g_assert_no_error (error);
}

/* What a third process finds in the file. */
static DdProfileStore *
reread (StoreFixture *fixture)
{
  return open_store (fixture);
}

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until *@counter reaches @target, or @ms passed;
 * with no @counter, for @ms. */
static void
spin_until (const guint *counter,
            guint        target,
            guint        ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, deadline_cb, &timed_out);

  while ((counter == NULL || *counter < target) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
}

/* Watching, and done with the reload that watching starts with: what
 * comes after this came through the file monitor. */
static void
watch (DdProfileStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_profile_store_watch (store, &error));
  g_assert_no_error (error);
  spin_until (NULL, 0, 300);
}

/* Two processes that loaded the same (empty) file each add a robot and
 * save: the file has both, and then a change of one keeps the other. */
static void
test_merge_adds (StoreFixture  *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = open_store (fixture);
  g_autoptr(DdProfileStore) b = open_store (fixture);
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) two = dd_profile_new ("two");
  ItemsChanged changed = { 0 };
  StoreLog log = { 0 };
  DdProfile *b_one;

  add_and_save (a, one);

  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);
  store_log_connect (b, &log);
  add_and_save (b, two);

  file = reread (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 2);
  g_assert_nonnull (dd_profile_store_lookup (file, "one"));
  g_assert_nonnull (dd_profile_store_lookup (file, "two"));
  /* the first one saved stays the default */
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (file)), ==, dd_profile_get_id (one));

  /* the save brought A's robot into B, after its own */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, 2);
  g_assert_true (get_item (b, 0) == two);
  b_one = get_item (b, 1);
  g_assert_cmpstr (dd_profile_get_id (b_one), ==, dd_profile_get_id (one));
  g_assert_cmpuint (changed.position, ==, 1);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  g_assert_true (dd_profile_store_get_default (b) == b_one);
  /* adding is not changing */
  g_assert_cmpuint (log.n_changed, ==, 0);

  /* B changes its robot: A's stays, and B hears of its change */
  dd_profile_set_app_key (two, "dingtwo");
  g_assert_true (dd_profile_store_save (b, NULL));
  g_assert_cmpuint (log.n_changed, ==, 1);
  g_assert_true (log.last_changed == two);

  g_clear_object (&file);
  file = reread (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 2);
  g_assert_nonnull (dd_profile_store_lookup (file, "one"));
  g_assert_cmpstr (dd_profile_get_app_key (dd_profile_store_lookup (file, "two")), ==, "dingtwo");

  /* A, which never saw B's robot, saves a change: B's robot stays */
  dd_profile_set_keep_metadata (one, TRUE);
  g_assert_true (dd_profile_store_save (a, NULL));
  g_clear_object (&file);
  file = reread (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 2);
  g_assert_cmpstr (dd_profile_get_app_key (dd_profile_store_lookup (file, "two")), ==, "dingtwo");
  g_assert_true (dd_profile_get_keep_metadata (dd_profile_store_lookup (file, "one")));

  g_assert_cmpuint (log.n_removed, ==, 0);
  store_log_clear (&log);
}

/* A removes a robot; B, which still has it, saves a change of another:
 * the removed one stays removed.  But a robot B changed stays, even if A
 * removed it meanwhile. */
static void
test_merge_removes (StoreFixture  *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) b = NULL;
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) two = dd_profile_new ("two");
  g_autoptr(DdProfile) three = dd_profile_new ("three");
  g_autofree char *one_id = g_strdup (dd_profile_get_id (one));
  ItemsChanged changed = { 0 };
  StoreLog log = { 0 };
  DdProfile *b_two, *b_three;

  g_assert_true (dd_profile_store_add (a, one, NULL));
  g_assert_true (dd_profile_store_add (a, two, NULL));
  add_and_save (a, three);

  b = open_store (fixture);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);
  store_log_connect (b, &log);
  b_two = dd_profile_store_lookup (b, "two");
  b_three = dd_profile_store_lookup (b, "three");

  g_assert_true (dd_profile_store_remove (a, one, NULL));
  g_assert_true (dd_profile_store_remove (a, three, NULL));
  g_assert_true (dd_profile_store_save (a, NULL));

  dd_profile_set_app_key (b_two, "dingtwo");
  dd_profile_set_name (b_three, "three, changed");
  g_assert_true (dd_profile_store_save (b, NULL));

  file = reread (fixture);
  g_assert_null (dd_profile_store_lookup (file, one_id));
  g_assert_cmpstr (dd_profile_get_app_key (dd_profile_store_lookup (file, "two")), ==, "dingtwo");
  g_assert_nonnull (dd_profile_store_lookup (file, "three, changed"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 2);

  /* B learnt of the removal as it saved */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, 2);
  g_assert_null (dd_profile_store_lookup (b, one_id));
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_cmpuint (log.n_removed, ==, 1);
  g_assert_cmpstr (log.last_removed, ==, one_id);
  /* the default was "one": now the first one left */
  g_assert_true (dd_profile_store_get_default (b) == b_two);
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (file)), ==, dd_profile_get_id (b_two));

  /* and A, saving again, does not bring "one" back nor drop "three" */
  g_assert_true (dd_profile_store_save (a, NULL));
  g_clear_object (&file);
  file = reread (fixture);
  g_assert_null (dd_profile_store_lookup (file, one_id));
  g_assert_nonnull (dd_profile_store_lookup (file, "three, changed"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (a)), ==, 2);

  store_log_clear (&log);
}

/* The default: the file's, unless this process chose one. */
static void
test_merge_default (StoreFixture  *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = open_store (fixture);
  g_autoptr(DdProfileStore) b = open_store (fixture);
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) two = dd_profile_new ("two");

  add_and_save (a, one);

  /* "two" is B's first robot, so its default, until B saves */
  g_assert_true (dd_profile_store_add (b, two, NULL));
  g_assert_true (dd_profile_store_get_default (b) == two);
  g_assert_true (dd_profile_store_save (b, NULL));
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (b)), ==, dd_profile_get_id (one));
  file = reread (fixture);
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (file)), ==, dd_profile_get_id (one));

  /* chosen in B: that wins */
  dd_profile_store_set_default (b, two);
  g_assert_true (dd_profile_store_save (b, NULL));
  g_clear_object (&file);
  file = reread (fixture);
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (file)), ==, dd_profile_get_id (two));

  /* A saves a change without choosing: B's choice stays */
  dd_profile_set_app_key (one, "dingone");
  g_assert_true (dd_profile_store_save (a, NULL));
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (a)), ==, dd_profile_get_id (two));
  g_clear_object (&file);
  file = reread (fixture);
  g_assert_cmpstr (dd_profile_get_id (dd_profile_store_get_default (file)), ==, dd_profile_get_id (two));
}

/* Two processes that add a robot of the same name: the second save is
 * refused, and changes nothing. */
static void
test_merge_names (StoreFixture  *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = open_store (fixture);
  g_autoptr(DdProfileStore) b = open_store (fixture);
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) first = dd_profile_new ("Team");
  g_autoptr(DdProfile) second = dd_profile_new ("Team");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add_and_save (a, first);
  before = read_ini (fixture);

  g_assert_true (dd_profile_store_add (b, second, NULL));
  g_assert_false (dd_profile_store_save (b, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_assert_cmpstr (error->message, ==, "There is already a robot named “Team”.");
  after = read_ini (fixture);
  g_assert_cmpstr (before, ==, after);
  /* B is as it was, its robot still to be saved */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, 1);

  /* renamed, it is saved */
  dd_profile_set_name (second, "Team 2");
  g_assert_true (dd_profile_store_save (b, NULL));
  file = reread (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 2);
}

typedef struct {
  DdProfileStore *store;
  gboolean        ok;
  gint            done;
} SaveThread;

static gpointer
save_thread (gpointer user_data)
{
  SaveThread *data = user_data;

  data->ok = dd_profile_store_save (data->store, NULL);
  g_atomic_int_set (&data->done, TRUE);

  return NULL;
}

/* A save waits for another process's save: the lock is taken. */
static void
test_merge_lock (StoreFixture  *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) store = open_store (fixture);
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) profile = dd_profile_new ("Team");
  g_autofree char *lock_path = g_build_filename (fixture->config_dir, "profiles.ini.lock", NULL);
  g_autofree char *ini_path = g_build_filename (fixture->config_dir, "profiles.ini", NULL);
  SaveThread data = { store, FALSE, FALSE };
  GThread *thread;
  int fd;

  g_assert_true (dd_profile_store_add (store, profile, NULL));
  g_assert_cmpint (g_mkdir_with_parents (fixture->config_dir, 0700), ==, 0);

  /* flock() locks belong to the open file: this one conflicts with the
   * store's, as another process's would */
  fd = g_open (lock_path, O_RDWR | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  thread = g_thread_new ("save", save_thread, &data);
  g_usleep (300 * 1000);
  g_assert_false (g_atomic_int_get (&data.done));
  g_assert_false (g_file_test (ini_path, G_FILE_TEST_EXISTS));

  close (fd);
  g_thread_join (thread);
  g_assert_true (data.done);
  g_assert_true (data.ok);

  file = reread (fixture);
  g_assert_nonnull (dd_profile_store_lookup (file, "Team"));
}

/* A robot saved by another store shows within a second. */
static void
test_watch_add (StoreFixture  *fixture,
                gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = open_store (fixture);
  g_autoptr(DdProfileStore) b = open_store (fixture);
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) two = dd_profile_new ("two");
  ItemsChanged changed = { 0 };
  DdProfile *seen;

  watch (b);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);

  add_and_save (a, one);
  spin_until (&changed.n_signals, 1, 1000);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  seen = dd_profile_store_lookup (b, "one");
  g_assert_nonnull (seen);
  g_assert_cmpstr (dd_profile_get_id (seen), ==, dd_profile_get_id (one));
  g_assert_true (dd_profile_store_get_default (b) == seen);

  /* and the next one, appended after it */
  add_and_save (a, two);
  spin_until (&changed.n_signals, 2, 1000);
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 1);
  g_assert_cmpuint (changed.added, ==, 1);
  g_assert_true (get_item (b, 0) == seen);
  g_assert_cmpstr (dd_profile_get_name (get_item (b, 1)), ==, "two");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* A change saved by another store updates the same object in place, and
 * makes its secrets stale. */
static void
test_watch_update (StoreFixture  *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) b = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  ItemsChanged changed = { 0 };
  StoreLog log = { 0 };
  guint n_app_key = 0;
  DdProfile *seen;

  add_and_save (a, one);
  b = open_store (fixture);
  seen = dd_profile_store_lookup (b, "one");
  g_assert_nonnull (seen);
  g_assert_true (seen != one);
  /* as if the outbox had loaded them */
  dd_profile_set_secrets_loaded (seen, dd_profile_get_secrets_serial (seen));

  watch (b);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);
  g_signal_connect (seen, "notify::app-key", G_CALLBACK (count_notify), &n_app_key);
  store_log_connect (b, &log);

  dd_profile_set_app_key (one, "dingone");
  g_assert_true (dd_profile_store_save (a, NULL));
  spin_until (&log.n_changed, 1, 1000);

  g_assert_cmpuint (log.n_changed, ==, 1);
  g_assert_true (log.last_changed == seen);
  g_assert_true (dd_profile_store_lookup (b, "one") == seen);
  g_assert_cmpstr (dd_profile_get_app_key (seen), ==, "dingone");
  g_assert_cmpuint (n_app_key, ==, 1);
  g_assert_cmpuint (changed.n_signals, ==, 0);
  g_assert_false (dd_profile_get_secrets_loaded (seen));

  store_log_clear (&log);
}

/* A removal by another store removes the profile and says so. */
static void
test_watch_remove (StoreFixture  *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) b = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) two = dd_profile_new ("two");
  ItemsChanged changed = { 0 };
  StoreLog log = { 0 };

  g_assert_true (dd_profile_store_add (a, one, NULL));
  add_and_save (a, two);
  b = open_store (fixture);
  watch (b);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);
  store_log_connect (b, &log);

  g_assert_true (dd_profile_store_remove (a, one, NULL));
  g_assert_true (dd_profile_store_save (a, NULL));
  spin_until (&log.n_removed, 1, 1000);

  g_assert_cmpuint (log.n_removed, ==, 1);
  g_assert_cmpstr (log.last_removed, ==, dd_profile_get_id (one));
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, 1);
  g_assert_null (dd_profile_store_lookup (b, "one"));
  g_assert_cmpstr (dd_profile_get_name (dd_profile_store_get_default (b)), ==, "two");
  g_assert_cmpuint (log.n_changed, ==, 0);

  store_log_clear (&log);
}

/* What the watching store changed and has not saved yet stays through a
 * reload, and its next save writes it with the other store's change. */
static void
test_watch_keeps_local (StoreFixture  *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) b = NULL;
  g_autoptr(DdProfileStore) file = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  g_autoptr(DdProfile) mine = dd_profile_new ("mine");
  g_autoptr(DdProfile) theirs = dd_profile_new ("theirs");
  const char *keywords[] = { "日报", NULL };
  ItemsChanged changed = { 0 };
  DdProfile *b_one;

  add_and_save (a, one);
  b = open_store (fixture);
  watch (b);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);

  b_one = dd_profile_store_lookup (b, "one");
  dd_profile_set_keywords (b_one, keywords);
  g_assert_true (dd_profile_store_add (b, mine, NULL));
  g_assert_cmpuint (changed.n_signals, ==, 1);

  /* A changes "one" too, and adds a robot */
  dd_profile_set_app_key (one, "dingone");
  add_and_save (a, theirs);
  spin_until (&changed.n_signals, 2, 1000);
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 2);
  g_assert_cmpuint (changed.added, ==, 1);

  g_assert_true (dd_profile_store_lookup (b, "mine") == mine);
  g_assert_true (dd_profile_store_lookup (b, "one") == b_one);
  g_assert_true (g_strv_equal (dd_profile_get_keywords (b_one), keywords));
  /* B's change of "one" is B's: A's does not come over it */
  g_assert_null (dd_profile_get_app_key (b_one));

  g_assert_true (dd_profile_store_save (b, NULL));
  file = reread (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (file)), ==, 3);
  g_assert_nonnull (dd_profile_store_lookup (file, "mine"));
  g_assert_nonnull (dd_profile_store_lookup (file, "theirs"));
  g_assert_true (g_strv_equal (dd_profile_get_keywords (dd_profile_store_lookup (file, "one")), keywords));
}

/* A store's own save is not news to it: no reload, its secrets stay
 * fresh.  Another store's save that changed no field still makes them
 * stale: it may have changed the keyring. */
static void
test_watch_own_save (StoreFixture  *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(DdProfileStore) a = dd_profile_store_new (fixture->config_dir);
  g_autoptr(DdProfileStore) b = NULL;
  g_autoptr(DdProfile) one = dd_profile_new ("one");
  ItemsChanged changed = { 0 };
  StoreLog log = { 0 };
  guint n_loaded = 0;
  DdProfile *b_one;

  add_and_save (a, one);
  b = open_store (fixture);
  watch (b);
  g_signal_connect (b, "items-changed", G_CALLBACK (on_items_changed), &changed);
  store_log_connect (b, &log);
  b_one = dd_profile_store_lookup (b, "one");
  dd_profile_set_secrets_loaded (b_one, dd_profile_get_secrets_serial (b_one));
  g_signal_connect (b_one, "notify::secrets-loaded", G_CALLBACK (count_notify), &n_loaded);

  dd_profile_set_app_key (b_one, "dingone");
  g_assert_true (dd_profile_store_save (b, NULL));
  g_assert_cmpuint (log.n_changed, ==, 1);
  spin_until (NULL, 0, 500);
  g_assert_cmpuint (log.n_changed, ==, 1);
  g_assert_cmpuint (changed.n_signals, ==, 0);
  g_assert_true (dd_profile_get_secrets_loaded (b_one));

  /* A saves without changing anything: only the secrets are stale */
  g_assert_true (dd_profile_store_save (a, NULL));
  spin_until (&n_loaded, 1, 1000);
  g_assert_false (dd_profile_get_secrets_loaded (b_one));
  g_assert_cmpuint (log.n_changed, ==, 1);
  g_assert_cmpuint (changed.n_signals, ==, 0);
  g_assert_true (dd_profile_store_lookup (b, "one") == b_one);
  g_assert_cmpstr (dd_profile_get_app_key (b_one), ==, "dingone");

  store_log_clear (&log);
}

int
main (int   argc,
      char *argv[])
{
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile/defaults", test_profile_defaults);
  g_test_add_func ("/profile/properties", test_profile_properties);
  g_test_add_func ("/profile/notify", test_profile_notify);
  g_test_add_func ("/profile/webhook/normalize", test_webhook_normalize);
  g_test_add_func ("/profile/webhook/refused", test_webhook_refused);
  g_test_add_func ("/profile/webhook/normalize-stable", test_webhook_normalize_stable);
  g_test_add_func ("/profile/url-allowed", test_url_allowed);
  g_test_add_func ("/profile/validate", test_profile_validate);
  g_test_add_func ("/profile/duplicate", test_profile_duplicate);
  g_test_add_func ("/profile/secrets-loaded", test_profile_secrets_loaded);

#define ADD_STORE_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD_STORE_TEST ("/profile-store/empty", test_store_empty);
  ADD_STORE_TEST ("/profile-store/add-remove", test_store_add_remove);
  ADD_STORE_TEST ("/profile-store/round-trip", test_store_round_trip);
  ADD_STORE_TEST ("/profile-store/file", test_store_file);
  ADD_STORE_TEST ("/profile-store/corrupt", test_store_corrupt);
  ADD_STORE_TEST ("/profile-store/hand-edited", test_store_hand_edited);
  ADD_STORE_TEST ("/profile-store/merge/adds", test_merge_adds);
  ADD_STORE_TEST ("/profile-store/merge/removes", test_merge_removes);
  ADD_STORE_TEST ("/profile-store/merge/default", test_merge_default);
  ADD_STORE_TEST ("/profile-store/merge/names", test_merge_names);
  ADD_STORE_TEST ("/profile-store/merge/lock", test_merge_lock);
  ADD_STORE_TEST ("/profile-store/watch/add", test_watch_add);
  ADD_STORE_TEST ("/profile-store/watch/update", test_watch_update);
  ADD_STORE_TEST ("/profile-store/watch/remove", test_watch_remove);
  ADD_STORE_TEST ("/profile-store/watch/keeps-local", test_watch_keeps_local);
  ADD_STORE_TEST ("/profile-store/watch/own-save", test_watch_own_save);

  return g_test_run ();
}
