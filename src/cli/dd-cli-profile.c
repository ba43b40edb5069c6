/* dd-cli-profile.c: `dingdrop profile add|edit|list|remove|test`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "dd-cli-private.h"
#include "dd-client.h"
#include "dd-error.h"
#include "dd-robot-test.h"
#include "dd-secrets.h"

/* --picture-style, --card-title, --card-url: shared by add and edit */
typedef struct {
  char *picture_style;
  char *card_title;
  char *card_url;
} StyleOptions;

static void
style_options_clear (StyleOptions *options)
{
  g_clear_pointer (&options->picture_style, g_free);
  g_clear_pointer (&options->card_title, g_free);
  g_clear_pointer (&options->card_url, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StyleOptions, style_options_clear)

#define STYLE_ENTRIES(o) \
    { "picture-style", 0, 0, G_OPTION_ARG_STRING, &(o).picture_style, N_("How a custom robot shows images: markdown (image in the message, the default) or card (picture card)"), N_("STYLE") }, \
    { "card-title", 0, 0, G_OPTION_ARG_STRING, &(o).card_title, N_("The title of every picture card (default: the image’s name)"), N_("TEXT") }, \
    { "card-url", 0, 0, G_OPTION_ARG_STRING, &(o).card_url, N_("Where a click on a picture card goes (default: https://www.dingtalk.com/)"), N_("URL") }

static gboolean
apply_style_options (const StyleOptions *options,
                     DdProfile          *profile,
                     GOptionContext     *context)
{
  if (options->picture_style != NULL)
    {
      DdPictureStyle style;

      if (!dd_picture_style_from_string (options->picture_style, &style))
        {
          dd_cli_usage_error (context, _("--picture-style is “markdown” or “card”."));
          return FALSE;
        }
      dd_profile_set_picture_style (profile, style);
    }
  if (options->card_title != NULL)
    dd_profile_set_card_title (profile, options->card_title);
  if (options->card_url != NULL)
    dd_profile_set_card_url (profile, options->card_url);
  return TRUE;
}

/* Parses the command line with @context, whose remaining arguments go
 * to @rest; FALSE (told how to call): they are not exactly one name. */
static gboolean
parse_one_name (GOptionContext  *context,
                int             *argc,
                char          ***argv,
                GStrv           *rest)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      dd_cli_usage_error (context, error->message);
      return FALSE;
    }
  if (*rest == NULL || (*rest)[0] == NULL || (*rest)[1] != NULL)
    {
      dd_cli_usage_error (context, _("Give the robot exactly one name."));
      return FALSE;
    }
  return TRUE;
}

/* The robot @name, with its secrets, and the store it is in; FALSE:
 * told why not. */
static gboolean
open_profile (const char      *name,
              DdProfileStore **out_store,
              DdProfile      **out_profile)
{
  g_autoptr(GError) error = NULL;

  if (!(*out_store = dd_cli_open_store (&error)) ||
      !(*out_profile = dd_cli_find_profile (*out_store, name, &error)))
    {
      dd_cli_print_error (error);
      return FALSE;
    }
  return TRUE;
}

static int
profile_add (int    argc,
             char **argv)
{
  g_auto(StyleOptions) style = { NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *app_key = NULL;
  g_autofree char *link_template = NULL;
  g_autofree char *oapi_base = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *max_bytes = NULL;
  g_autofree char *robot_code = NULL;
  g_autofree char *conversation_id = NULL;
  g_auto(GStrv) keywords = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean keep_metadata = FALSE;
  const char *keys[4] = { NULL };
  const char *prompts[4] = { NULL };
  guint n_keys = 0;
  const char *value;
  const GOptionEntry entries[] = {
    { "app-key", 0, 0, G_OPTION_ARG_STRING, &app_key, N_("The internal app’s AppKey, used to upload images"), N_("KEY") },
    { "keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &keywords, N_("A keyword of the robot’s security settings (repeatable)"), N_("WORD") },
    { "link-template", 0, 0, G_OPTION_ARG_STRING, &link_template, N_("How an image is linked in the message (default: {media_id})"), N_("T") },
    { "oapi-base", 0, 0, G_OPTION_ARG_STRING, &oapi_base, N_("The oapi server (default: https://oapi.dingtalk.com)"), N_("URL") },
    { "api-base", 0, 0, G_OPTION_ARG_STRING, &api_base, N_("The api server (default: https://api.dingtalk.com)"), N_("URL") },
    { "max-image-bytes", 0, 0, G_OPTION_ARG_STRING, &max_bytes, N_("The largest image to upload (default: 20 MiB)"), N_("N") },
    { "keep-metadata", 0, 0, G_OPTION_ARG_NONE, &keep_metadata, N_("Keep EXIF, GPS and other metadata in images"), NULL },
    { "robot-code", 0, 0, G_OPTION_ARG_STRING, &robot_code, N_("Send as the internal app’s robot with this code"), N_("CODE") },
    { "conversation-id", 0, 0, G_OPTION_ARG_STRING, &conversation_id, N_("The group’s openConversationId, for --robot-code"), N_("ID") },
    STYLE_ENTRIES (style),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("NAME — add a group robot"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Secrets come on standard input as key=value lines: webhook=…, secret=…, app-secret=…\n"
                                  "(asked for without echo on a terminal; never accepted as arguments)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!parse_one_name (context, &argc, &argv, &rest))
    return DD_EXIT_USAGE;
  if ((robot_code == NULL) != (conversation_id == NULL))
    {
      dd_cli_usage_error (context, _("--robot-code and --conversation-id go together."));
      return DD_EXIT_USAGE;
    }

  profile = dd_profile_new (rest[0]);
  if (app_key)
    dd_profile_set_app_key (profile, app_key);
  if (keywords)
    dd_profile_set_keywords (profile, (const char * const *) keywords);
  if (link_template)
    dd_profile_set_link_template (profile, link_template);
  if (oapi_base)
    dd_profile_set_oapi_base (profile, oapi_base);
  if (api_base)
    dd_profile_set_api_base (profile, api_base);
  if (max_bytes)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (max_bytes, 10, 1, G_MAXUINT64, &n, NULL))
        {
          dd_cli_usage_error (context, _("--max-image-bytes takes a positive number of bytes."));
          return DD_EXIT_USAGE;
        }
      dd_profile_set_max_image_bytes (profile, n);
    }
  dd_profile_set_keep_metadata (profile, keep_metadata);
  if (!apply_style_options (&style, profile, context))
    return DD_EXIT_USAGE;
  if (robot_code)
    {
      dd_profile_set_robot_code (profile, robot_code);
      dd_profile_set_conversation_id (profile, conversation_id);
    }

  keys[n_keys] = "webhook";
  prompts[n_keys++] = _("Webhook (URL or access token): ");
  keys[n_keys] = "secret";
  prompts[n_keys++] = _("Signing secret (加签, empty for none): ");
  keys[n_keys] = "app-secret";
  prompts[n_keys++] = _("AppSecret (empty for none): ");

  if (!(store = dd_cli_open_store (&error)) ||
      !(secrets = dd_cli_read_secrets (keys, prompts, &error)))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  if ((value = g_hash_table_lookup (secrets, "webhook")) &&
      !dd_profile_set_webhook (profile, value, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }
  dd_profile_set_secret (profile, g_hash_table_lookup (secrets, "secret"));
  dd_profile_set_app_secret (profile, g_hash_table_lookup (secrets, "app-secret"));

  if (!dd_profile_validate (profile, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  /* The name is checked first; then the secrets go to the keyring; the
   * profile is written only once its secrets are safe, so that neither is
   * left without the other. */
  if (!dd_profile_store_add (store, profile, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  dd_secrets_store_async (profile, NULL, dd_cli_store_result_cb, &result);
  if (!dd_secrets_store_finish (dd_cli_wait_for_result (&result), &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  if (!dd_profile_store_save (store, &error))
    {
      g_autoptr(GAsyncResult) cleared = NULL;

      dd_cli_print_error (error);
      dd_secrets_clear_async (dd_profile_get_id (profile), NULL, dd_cli_store_result_cb, &cleared);
      dd_secrets_clear_finish (dd_cli_wait_for_result (&cleared), NULL);
      return DD_EXIT_FAILED;
    }

  g_print (_("Added robot “%s”.\n"), dd_profile_get_name (profile));
  if (dd_profile_store_get_default (store) == profile)
    g_print (_("It is the default robot.\n"));
  if (!dd_profile_has_app_credentials (profile))
    g_print (_("Without an AppKey and AppSecret it cannot upload images; add them with an internal app’s credentials.\n"));

  return DD_EXIT_OK;
}

/* `profile edit NAME`: the settings that are not secrets; the robot
 * keeps its secrets, and its id */
static int
profile_edit (int    argc,
              char **argv)
{
  g_auto(StyleOptions) style = { NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(DdProfile) copy = NULL;
  g_autofree char *link_template = NULL;
  g_auto(GStrv) keywords = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean no_keywords = FALSE;
  const GOptionEntry entries[] = {
    { "keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &keywords, N_("The robot’s keywords, replacing the old ones (repeatable)"), N_("WORD") },
    { "no-keywords", 0, 0, G_OPTION_ARG_NONE, &no_keywords, N_("The robot has no keywords"), NULL },
    { "link-template", 0, 0, G_OPTION_ARG_STRING, &link_template, N_("How an image is linked in the message (default: {media_id})"), N_("T") },
    STYLE_ENTRIES (style),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("NAME — change a group robot’s settings"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_one_name (context, &argc, &argv, &rest))
    return DD_EXIT_USAGE;

  /* with its secrets, so that the whole robot is checked */
  if (!open_profile (rest[0], &store, &profile))
    return DD_EXIT_FAILED;

  /* checked on a copy: a refused change leaves the robot as it was */
  copy = dd_profile_duplicate (profile, dd_profile_get_name (profile));
  dd_profile_set_checked_at (copy, dd_profile_get_checked_at (profile));
  if (!apply_style_options (&style, copy, context))
    return DD_EXIT_USAGE;
  if (keywords != NULL || no_keywords)
    dd_profile_set_keywords (copy, (const char * const *) keywords);
  if (link_template != NULL)
    dd_profile_set_link_template (copy, link_template);
  if (!dd_profile_validate (copy, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  g_object_freeze_notify (G_OBJECT (profile));
  dd_profile_set_keywords (profile, dd_profile_get_keywords (copy));
  dd_profile_set_link_template (profile, dd_profile_get_link_template (copy));
  dd_profile_set_picture_style (profile, dd_profile_get_picture_style (copy));
  dd_profile_set_card_title (profile, dd_profile_get_card_title (copy));
  dd_profile_set_card_url (profile, dd_profile_get_card_url (copy));
  g_object_thaw_notify (G_OBJECT (profile));

  if (!dd_profile_store_save (store, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }
  g_print (_("Changed robot “%s”.\n"), dd_profile_get_name (profile));
  return DD_EXIT_OK;
}

static int
profile_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = dd_cli_open_store (&error);
  DdProfile *def;
  guint n;

  if (store == NULL)
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  if (n == 0)
    {
      g_printerr (_("No robot is set up yet. Add one with “dingdrop profile add NAME”.\n"));
      return DD_EXIT_OK;
    }

  def = dd_profile_store_get_default (store);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdProfile) profile = g_list_model_get_item (G_LIST_MODEL (store), i);
      const char *app_key = dd_profile_get_app_key (profile);

      g_autofree char *checked = NULL;

      if (dd_profile_get_checked_at (profile) > 0)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (dd_profile_get_checked_at (profile));
          g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");

          /* Translators: %s is a date and time */
          checked = g_strdup_printf (_("pictures checked %s"), date);
        }

      g_print ("%s%s\t%s\t%s\n",
               dd_profile_get_name (profile),
               profile == def ? _(" (default)") : "",
               app_key && *app_key ? app_key : _("no AppKey"),
               checked ? checked : _("pictures not checked"));
    }

  return DD_EXIT_OK;
}

static int
profile_remove (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = dd_cli_open_store (&error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DdProfile) profile = NULL;
  DdProfile *found;

  if (store == NULL)
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  found = dd_profile_store_lookup (store, name);
  if (found == NULL)
    {
      g_printerr (_("dingdrop: There is no robot named “%s”.\n"), name);
      return DD_EXIT_FAILED;
    }
  profile = g_object_ref (found);

  dd_secrets_clear_async (dd_profile_get_id (profile), NULL, dd_cli_store_result_cb, &result);
  if (!dd_secrets_clear_finish (dd_cli_wait_for_result (&result), &error) ||
      !dd_profile_store_remove (store, profile, &error) ||
      !dd_profile_store_save (store, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  g_print (_("Removed robot “%s” and its secrets.\n"), name);
  return DD_EXIT_OK;
}

/* Asks the Test's question on the terminal until the answer is y or n. */
static gboolean
ask_showed (gboolean *out_showed)
{
  char line[64];

  for (;;)
    {
      g_autofree char *answer = NULL;

      /* Translators: the y and n stay as they are: they are what to type */
      g_print (_("%s [y/n] "), dd_robot_test_question ());
      fflush (stdout);
      if (fgets (line, sizeof line, stdin) == NULL)
        return FALSE;
      answer = g_utf8_strdown (g_strstrip (line), -1);
      if (g_str_equal (answer, "y") || g_str_equal (answer, "yes") ||
          g_str_equal (answer, _("yes")))
        {
          *out_showed = TRUE;
          return TRUE;
        }
      if (g_str_equal (answer, "n") || g_str_equal (answer, "no") ||
          g_str_equal (answer, _("no")))
        {
          *out_showed = FALSE;
          return TRUE;
        }
    }
}

/* `profile test NAME [--yes|--no]`: posts the Test's picture, asks whether
 * it showed, and applies the answer */
static int
profile_test (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean yes = FALSE, no = FALSE, showed = FALSE;
  DdRobotTestOutcome outcome;
  const GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("Answer that the picture showed in the group (for scripts)"), NULL },
    { "no", 0, 0, G_OPTION_ARG_NONE, &no, N_("Answer that the group showed text instead of the picture (for scripts)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("NAME — post a test picture and ask whether it showed"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_one_name (context, &argc, &argv, &rest))
    return DD_EXIT_USAGE;
  if (yes && no)
    {
      dd_cli_usage_error (context, _("--yes and --no cannot go together."));
      return DD_EXIT_USAGE;
    }

  if (!open_profile (rest[0], &store, &profile))
    return DD_EXIT_FAILED;

  dd_robot_test_async (dd_client_get_default (), profile, NULL, dd_cli_store_result_cb, &result);
  if (!dd_robot_test_finish (dd_cli_wait_for_result (&result), &error))
    {
      g_autofree char *why = dd_cli_describe_error (error);

      g_printerr (_("dingdrop: The test picture could not be posted: %s\n"), why);
      return DD_EXIT_FAILED;
    }
  g_print (_("Posted a test picture to the group of “%s”.\n"), dd_profile_get_name (profile));

  if (yes || no)
    showed = yes;
  else if (!isatty (STDIN_FILENO) || !ask_showed (&showed))
    {
      g_print (_("Look at the group: if the picture shows, run “dingdrop profile test %s --yes”; if you see text instead, run it with --no.\n"),
               dd_profile_get_name (profile));
      return DD_EXIT_OK;
    }

  outcome = dd_robot_test_answer (profile, showed, g_get_real_time () / G_USEC_PER_SEC);
  if (!dd_profile_store_save (store, &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }
  g_print ("%s\n", dd_robot_test_outcome_sentence (outcome));

  return outcome == DD_ROBOT_TEST_CHECKED ? DD_EXIT_OK : DD_EXIT_FAILED;
}

int
dd_cli_profile (int    argc,
                char **argv)
{
  const char *usage = _("Usage: dingdrop profile add NAME [OPTION…] | edit NAME [OPTION…] | list | remove NAME | test NAME [--yes|--no]\n");

  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return DD_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "add"))
    return profile_add (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "edit"))
    return profile_edit (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list") && argc == 2)
    return profile_list ();
  if (g_str_equal (argv[1], "remove") && argc == 3)
    return profile_remove (argv[2]);
  if (g_str_equal (argv[1], "test"))
    return profile_test (argc - 1, argv + 1);

  g_printerr ("%s", usage);
  return DD_EXIT_USAGE;
}
