/* dd-cli-util.c: waiting, reading secrets and reporting errors on a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "dd-cli-private.h"
#include "dd-error.h"
#include "dd-secret-mem.h"
#include "dd-secrets.h"

/* Secrets typed or piped in are short; a longer line is a mistake. */
#define MAX_SECRET_LINE 4096

void
dd_cli_store_result_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Runs the default main context until an async call stored its result. */
GAsyncResult *
dd_cli_wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

/* Stops the outbox and waits until what it wrote is on disk. */
void
dd_cli_close_outbox (DdOutbox *outbox)
{
  g_autoptr(GAsyncResult) result = NULL;

  dd_outbox_close_async (outbox, dd_cli_store_result_cb, &result);
  dd_outbox_close_finish (outbox, dd_cli_wait_for_result (&result));
  dd_cli_wait_for_token_saves ();
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* An access token fetched near the end may still be on its way to the
 * keyring: a few seconds for it, not more (a keyring that does not
 * answer costs only the next run's token request). */
void
dd_cli_wait_for_token_saves (void)
{
  DdClient *client = dd_client_get_default ();
  gboolean late = FALSE;
  guint timeout_id;

  if (!dd_client_is_saving_tokens (client))
    return;
  timeout_id = g_timeout_add_seconds (3, set_flag_cb, &late);
  while (dd_client_is_saving_tokens (client) && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timeout_id);
}

/* The user's settings that are the outbox's (the window's Preferences),
 * so that `dingdrop send` and `outbox resume` keep to them as the window
 * does.  Where the schema is not installed (a build tree), the outbox's
 * defaults, which are the schema's. */
void
dd_cli_apply_settings (DdOutbox *outbox)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("No GSettings schema %s: the outbox's defaults", APP_ID);
      return;
    }
  settings = g_settings_new_full (schema, NULL, NULL);
  dd_outbox_set_keep_history_images (outbox, g_settings_get_boolean (settings, "keep-history-images"));
  dd_outbox_set_max_concurrent_uploads (outbox, g_settings_get_uint (settings, "concurrent-uploads"));
  dd_outbox_set_sends_per_minute (outbox, g_settings_get_uint (settings, "sends-per-minute"));
  dd_outbox_set_max_megapixels (outbox, g_settings_get_uint (settings, "max-megapixels"));
}

DdProfileStore *
dd_cli_open_store (GError **error)
{
  g_autoptr(DdProfileStore) store = dd_profile_store_new (NULL);

  if (!dd_profile_store_load (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

/**
 * dd_cli_lookup_profile:
 * @name: (nullable): the profile's name or id, or %NULL for the default
 *
 * Returns: (transfer full): the profile, its secrets not loaded
 */
DdProfile *
dd_cli_lookup_profile (DdProfileStore  *store,
                       const char      *name,
                       GError         **error)
{
  DdProfile *profile;

  if (name != NULL)
    profile = dd_profile_store_lookup (store, name);
  else
    profile = dd_profile_store_get_default (store);

  if (profile == NULL)
    {
      if (name != NULL)
        g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                     _("There is no robot named “%s”. “dingdrop profile list” shows the robots."), name);
      else
        g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                             _("No robot is set up yet. Add one with “dingdrop profile add NAME”."));
      return NULL;
    }

  return g_object_ref (profile);
}

/**
 * dd_cli_find_profile:
 * @name: (nullable): the profile's name or id, or %NULL for the default
 *
 * Returns: (transfer full): the profile, with its secrets loaded from the
 *   keyring
 */
DdProfile *
dd_cli_find_profile (DdProfileStore  *store,
                     const char      *name,
                     GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DdProfile) profile = dd_cli_lookup_profile (store, name, error);

  if (profile == NULL)
    return NULL;

  dd_secrets_load_async (profile, NULL, dd_cli_store_result_cb, &result);
  if (!dd_secrets_load_finish (dd_cli_wait_for_result (&result), error))
    return NULL;

  return g_steal_pointer (&profile);
}

static char *
read_line (FILE     *in,
           gboolean  hide)
{
  char line[MAX_SECRET_LINE];
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char *ret;

  if (hide && tcgetattr (fileno (in), &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      restore = tcsetattr (fileno (in), TCSAFLUSH, &quiet) == 0;
    }

  ret = fgets (line, sizeof line, in);

  if (restore)
    tcsetattr (fileno (in), TCSAFLUSH, &saved);

  if (ret == NULL)
    return NULL;

  ret = g_strdup (g_strchomp (line));
  explicit_bzero (line, sizeof line);
  return ret;
}

/**
 * dd_cli_read_secrets:
 * @keys: the keys wanted, e.g. "webhook", "secret", "app-secret"
 * @prompts: a prompt for each key, shown on a terminal
 *
 * Secrets never come as arguments (other users see argv).  From a pipe
 * they come as `key=value` lines; on a terminal each is asked for without
 * echo.
 *
 * Returns: (transfer full): key → value, only the keys given
 */
GHashTable *
dd_cli_read_secrets (const char * const  *keys,
                     const char * const  *prompts,
                     GError             **error)
{
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        g_free, (GDestroyNotify) dd_secret_free);

  /* No stdio buffer of its own for standard input: it would keep the
   * lines read in memory nobody wipes.  Nothing has read it before. */
  setvbuf (stdin, NULL, _IONBF, 0);

  if (isatty (STDIN_FILENO))
    {
      for (guint i = 0; keys[i] != NULL; i++)
        {
          char *value;

          g_printerr ("%s", prompts[i]);
          value = read_line (stdin, TRUE);
          if (value != NULL && *value != '\0')
            g_hash_table_insert (secrets, g_strdup (keys[i]), value);
          else
            dd_secret_free (value);
        }
      return g_steal_pointer (&secrets);
    }

  for (guint line_no = 1; ; line_no++)
    {
      g_autoptr(DdSecret) line = read_line (stdin, FALSE);
      char *eq;

      if (line == NULL)
        break;
      g_strstrip (line);
      if (*line == '\0' || *line == '#')
        continue;

      eq = strchr (line, '=');
      if (eq == NULL)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                       _("Line %u of standard input is not “key=value”. Give secrets as webhook=…, secret=… and app-secret=… lines."),
                       line_no);
          return NULL;
        }
      *eq = '\0';
      g_strstrip (line);
      if (!g_strv_contains (keys, line))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                       _("Unknown key “%s” on line %u of standard input. Known keys: webhook, secret, app-secret."),
                       line, line_no);
          return NULL;
        }
      g_hash_table_insert (secrets, g_strdup (line), g_strdup (g_strstrip (eq + 1)));
      explicit_bzero (eq + 1, strlen (eq + 1));
    }

  return g_steal_pointer (&secrets);
}

/**
 * dd_cli_printable:
 * @text: (nullable): a file name, or a sentence that may hold one
 *
 * The plain output is one line per image, its fields parted by tabs: a
 * file name with a line feed, a carriage return or a tab in it would make
 * lines of its own ("sent /etc/passwd").  Those, and every other control
 * character, are written as "\xNN"; the JSON output has no such need.
 *
 * Returns: (transfer full): @text with no control character, "" for %NULL
 */
char *
dd_cli_printable (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\x%02x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/**
 * dd_cli_describe_error:
 *
 * Returns: (transfer full): the error's sentence, with DingTalk's errcode
 *   when there is one: "<sentence> (errcode N)"
 */
char *
dd_cli_describe_error (const GError *error)
{
  gint64 errcode = dd_error_get_errcode (error);

  if (errcode != 0)
    return g_strdup_printf ("%s (errcode %" G_GINT64_FORMAT ")", error->message, errcode);

  return g_strdup (error->message);
}

void
dd_cli_print_error (const GError *error)
{
  g_autofree char *text = dd_cli_describe_error (error);

  g_printerr ("dingdrop: %s\n", text);
}

void
dd_cli_usage_error (GOptionContext *context,
                    const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("dingdrop: %s\n\n%s", message, help);
}

/* Ends @builder's object and prints it as one line: --json output. */
void
dd_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  g_print ("%s\n", line);
}
