/* dd-cli-send.c: `dingdrop send [options] FILE...`: a batch through the
 * outbox, waiting for its own jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dd-cli-private.h"
#include "dd-client.h"
#include "dd-error.h"
#include "dd-image.h"
#include "dd-outbox.h"
#include "dd-secrets.h"

/* More than DingTalk's 20 a minute to one robot: say how long it takes
 * (naming the robot when the batch goes to several). */
void
dd_cli_tell_wait (DdOutbox  *outbox,
                  DdProfile *profile,
                  gboolean   name_robot)
{
  gint64 wait = dd_outbox_estimate (outbox, dd_profile_get_id (profile), 0);
  guint limit = dd_outbox_get_sends_per_minute (outbox);
  g_autofree char *about = NULL;

  if (wait <= 0)
    return;
  about = dd_outbox_describe_wait (wait);
  if (limit < DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE && name_robot)
    /* Translators: the limit set in Preferences ("Messages per minute");
     * "… sending these to “Team A” takes about 2 minutes." */
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "dingdrop: your settings allow a robot %u message a minute: sending these to “%s” takes %s.\n",
                             "dingdrop: your settings allow a robot %u messages a minute: sending these to “%s” takes %s.\n",
                             limit),
                limit, dd_profile_get_name (profile), about);
  else if (limit < DD_OUTBOX_DEFAULT_SENDS_PER_MINUTE)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "dingdrop: your settings allow a robot %u message a minute: sending these takes %s.\n",
                             "dingdrop: your settings allow a robot %u messages a minute: sending these takes %s.\n",
                             limit),
                limit, about);
  else if (name_robot)
    /* Translators: "… sending these to “Team A” takes about 2 minutes." */
    g_printerr (_("dingdrop: DingTalk allows a robot 20 messages a minute: sending these to “%s” takes %s.\n"),
                dd_profile_get_name (profile), about);
  else
    g_printerr (_("dingdrop: DingTalk allows a robot 20 messages a minute: sending these takes %s.\n"), about);
}

/* (transfer full) (element-type DdProfile): the robots named, each once
 * (a name and the id of the same robot too), in the order given, their
 * secrets not loaded yet; none named: the default one.  An unknown one
 * fails it all, before anything is sent. */
static GPtrArray *
find_profiles (DdProfileStore      *store,
               const char * const  *names,
               GError             **error)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = names ? g_strv_length ((char **) names) : 0;

  for (guint i = 0; i < MAX (n, 1); i++)
    {
      g_autoptr(DdProfile) profile = dd_cli_lookup_profile (store, n > 0 ? names[i] : NULL, error);
      gboolean twice = FALSE;

      if (profile == NULL)
        return NULL;
      for (guint j = 0; j < profiles->len && !twice; j++)
        twice = g_str_equal (dd_profile_get_id (g_ptr_array_index (profiles, j)), dd_profile_get_id (profile));
      if (!twice)
        g_ptr_array_add (profiles, g_steal_pointer (&profile));
    }

  return g_steal_pointer (&profiles);
}

/* The robots' secrets, read from the keyring while the images are copied
 * into the outbox: each robot's access token is asked for as soon as its
 * secrets are there. */
typedef struct {
  DdOutbox *outbox;
  guint     n_loading;
  GError   *error;      /* the first robot's that failed */
} SecretsLoad;

static void
secrets_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SecretsLoad *load = user_data;
  g_autoptr(GError) error = NULL;

  if (dd_secrets_load_finish (result, &error))
    dd_outbox_prefetch_token (load->outbox, DD_PROFILE (source));
  else if (load->error == NULL)
    load->error = g_steal_pointer (&error);
  load->n_loading--;
}

/* A batch that cannot go (a robot's secrets could not be read): its jobs
 * leave the outbox again, as if it had never been added. */
static void
remove_jobs (DdOutbox  *outbox,
             GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      dd_outbox_remove_async (outbox, g_ptr_array_index (jobs, i), NULL, dd_cli_store_result_cb, &result);
      if (!dd_outbox_remove_finish (outbox, dd_cli_wait_for_result (&result), &error))
        g_warning ("Could not take an image of the batch out of the outbox again: %s", error->message);
    }
}

int
dd_cli_send (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(GPtrArray) profiles = NULL;   /* DdProfile */
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DdOutbox) outbox = NULL;
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GError) stdin_error = NULL;
  g_auto(GStrv) profile_names = NULL;
  g_autofree char *title = NULL;
  g_autofree char *caption = NULL;
  g_auto(GStrv) at = NULL;
  g_auto(GStrv) files = NULL;
  gboolean at_all = FALSE;
  gboolean album = FALSE;
  gboolean json = FALSE;
  guint n_stdin = 0;
  DdSendOptions options = { 0 };
  int status = DD_EXIT_OK;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING_ARRAY, &profile_names, N_("The robot to send with (default: the first one added); repeatable, to send to several groups"), N_("NAME") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title shown in the chat list"), N_("TEXT") },
    { "caption", 0, 0, G_OPTION_ARG_STRING, &caption, N_("Text to send above the images"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING_ARRAY, &at, N_("Mention the member with this mobile number (repeatable)"), N_("MOBILE") },
    { "at-all", 0, 0, G_OPTION_ARG_NONE, &at_all, N_("Mention everyone in the group"), NULL },
    { "album", 0, 0, G_OPTION_ARG_NONE, &album, N_("Send all images in one message"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per image"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE… — send images to a DingTalk group"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("FILE may be “-” for one image read from standard input."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      dd_cli_usage_error (context, error->message);
      return DD_EXIT_USAGE;
    }

  if (files == NULL || files[0] == NULL)
    {
      dd_cli_usage_error (context, _("Name at least one image to send."));
      return DD_EXIT_USAGE;
    }

  for (guint i = 0; files[i] != NULL; i++)
    if (g_str_equal (files[i], "-"))
      n_stdin++;
  if (n_stdin > 1)
    {
      dd_cli_usage_error (context, _("Standard input (“-”) can hold only one image."));
      return DD_EXIT_USAGE;
    }

  if (!(store = dd_cli_open_store (&error)) ||
      !(profiles = find_profiles (store, (const char * const *) profile_names, &error)))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  /* Standard input is read here: the outbox keeps its own copy of it,
   * like of every file.  If it cannot be read, the files still go. */
  sources = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_outbox_source_free);
  for (guint i = 0; files[i] != NULL; i++)
    {
      if (g_str_equal (files[i], "-"))
        {
          guint64 largest = 0, cap;

          /* each robot makes it small enough for itself */
          for (guint j = 0; j < profiles->len; j++)
            largest = MAX (largest, dd_profile_get_max_image_bytes (g_ptr_array_index (profiles, j)));
          cap = dd_image_input_cap (largest);

          stdin_bytes = dd_cli_read_stdin (cap, &stdin_error);
          if (g_error_matches (stdin_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              dd_cli_print_error (stdin_error);
              return DD_EXIT_FAILED;
            }
          if (stdin_bytes == NULL)
            continue;
          g_ptr_array_add (sources, dd_outbox_source_new_for_bytes (stdin_bytes, _("image")));
        }
      else
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (files[i]);

          g_ptr_array_add (sources, dd_outbox_source_new_for_file (file, NULL));
        }
    }

  options.title = title;
  options.caption = caption;
  options.at_mobiles = (const char * const *) at;
  options.at_all = at_all;
  options.album = album;

  if (sources->len > 0)
    {
      SecretsLoad load = { 0 };

      /* An outbox of this batch only: other jobs in the folder are for
       * "dingdrop outbox resume" or the window. */
      outbox = dd_outbox_new (NULL, dd_client_get_default (), store);
      /* the next run takes the access token from the keyring */
      dd_client_set_keep_tokens (dd_client_get_default (), TRUE);
      /* the images first: on a machine with few CPUs a screenshot's
       * thumbnail costs more than its upload; the window makes those of
       * the images the history keeps */
      dd_outbox_set_make_thumbnails (outbox, FALSE);
      /* the keyring read beside the copying, the tokens asked for as
       * soon as it answers; the outbox is started once both are done */
      load.outbox = outbox;
      for (guint i = 0; i < profiles->len; i++)
        {
          load.n_loading++;
          dd_secrets_load_async (g_ptr_array_index (profiles, i), NULL, secrets_loaded_cb, &load);
        }
      /* the user's settings, read while the keyring is asked */
      dd_cli_apply_settings (outbox);
      /* GIO's proxy resolver (its modules, GNOME's proxy settings) is
       * loaded with the first connection: 5-8 ms, here while the
       * keyring is asked instead of before the token request */
      g_proxy_resolver_get_default ();
      /* each robot its own jobs, paced on their own; one robot after
       * the other, in the order given */
      jobs = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < profiles->len; i++)
        {
          g_autoptr(GPtrArray) added = NULL;

          dd_outbox_add_async (outbox, g_ptr_array_index (profiles, i), sources, &options,
                               NULL, dd_cli_store_result_cb, &result);
          added = dd_outbox_add_finish (outbox, dd_cli_wait_for_result (&result), &error);
          g_clear_object (&result);
          if (added == NULL)
            {
              dd_cli_print_error (error);
              while (load.n_loading > 0)
                g_main_context_iteration (NULL, TRUE);
              g_clear_error (&load.error);
              /* those of the robots before go on: their images wait in
               * the outbox, as after Ctrl-C */
              if (jobs->len > 0)
                {
                  dd_outbox_start (outbox);
                  dd_cli_close_outbox (outbox);
                }
              return DD_EXIT_FAILED;
            }
          g_ptr_array_extend_and_steal (jobs, g_steal_pointer (&added));
        }

      while (load.n_loading > 0)
        g_main_context_iteration (NULL, TRUE);
      if (load.error != NULL)
        {
          g_autoptr(GError) failed = g_steal_pointer (&load.error);

          remove_jobs (outbox, jobs);
          dd_cli_close_outbox (outbox);
          dd_cli_print_error (failed);
          return DD_EXIT_FAILED;
        }
      dd_outbox_start (outbox);
    }

  /* a standard input that could not be read has no job: said first */
  if (n_stdin > 0 && stdin_bytes == NULL)
    {
      dd_cli_print_result ("-", NULL, FALSE, FALSE, NULL, 0, stdin_error->message, json);
      status = DD_EXIT_FAILED;
    }

  if (jobs != NULL)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GPtrArray) robots = g_ptr_array_new ();
      DdCliProgress *progress;

      for (guint r = 0; r < profiles->len; r++)
        {
          DdProfile *profile = g_ptr_array_index (profiles, r);

          for (guint i = 0; files[i] != NULL; i++)
            if (!g_str_equal (files[i], "-") || stdin_bytes != NULL)
              {
                g_ptr_array_add (names, files[i]);
                g_ptr_array_add (robots, (char *) dd_profile_get_name (profile));
              }
          dd_cli_tell_wait (outbox, profile, profiles->len > 1);
        }
      progress = dd_cli_progress_new (outbox, jobs, names, robots, json);
      dd_cli_progress_run (progress);
      dd_cli_progress_free (progress);
      /* the thumbnails not made by now are forgone: the images are in
       * the group, and their copies go (see dd_outbox_close_async()) */
      dd_cli_close_outbox (outbox);

      for (guint i = 0; i < jobs->len; i++)
        if (dd_job_get_state (g_ptr_array_index (jobs, i)) != DD_JOB_SENT)
          status = DD_EXIT_FAILED;
    }

  return status;
}
