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

#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dd-cli-private.h"
#include "dd-client.h"
#include "dd-error.h"
#include "dd-outbox.h"

/* Reads one image from standard input, e.g. a screenshot tool's output,
 * but never more than @cap bytes: a pipe can be endless. */
static GBytes *
read_stdin (guint64   cap,
            GError  **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[64 * 1024];

  for (;;)
    {
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (buffer->len + (guint64) n > cap)
        {
          g_autofree char *size = g_format_size (cap);

          g_set_error (error, DD_ERROR, DD_ERROR_FILE,
                       _("Standard input holds more than %s; that is too much for one image."),
                       size);
          return NULL;
        }
      g_byte_array_append (buffer, chunk, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* One line per image: "sent FILE" or "failed FILE: <sentence> (errcode N)",
 * or one JSON object. */
static void
print_result (const char *file,
              gboolean    sent,
              const char *media_id,
              gint64      errcode,
              const char *error,
              gboolean    json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, sent ? "sent" : "failed");
      json_builder_set_member_name (builder, "media_id");
      if (media_id != NULL)
        json_builder_add_string_value (builder, media_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "errcode");
      json_builder_add_int_value (builder, sent ? 0 : errcode);
      json_builder_set_member_name (builder, "error");
      if (!sent && error != NULL)
        json_builder_add_string_value (builder, error);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      line = json_generator_to_data (generator, NULL);
      g_print ("%s\n", line);
    }
  else if (sent)
    g_print ("sent %s\n", file);
  else if (errcode != 0)
    g_print ("failed %s: %s (errcode %" G_GINT64_FORMAT ")\n", file, error, errcode);
  else
    g_print ("failed %s: %s\n", file, error ? error : "");
}

void
dd_cli_print_job (DdJob      *job,
                  const char *file,
                  gboolean    json)
{
  print_result (file, dd_job_get_state (job) == DD_JOB_SENT, dd_job_get_media_id (job),
                dd_job_get_errcode (job), dd_job_get_error_message (job), json);
}

/* DingTalk's 130101 pauses a robot for ten minutes: say so, once. */
static void
job_state_cb (DdJob      *job,
              GParamSpec *pspec,
              gboolean   *told)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;

  if (dd_job_get_state (job) != DD_JOB_PAUSED || *told)
    return;

  *told = TRUE;
  when = g_date_time_new_from_unix_local (dd_job_get_retry_at (job) / G_USEC_PER_SEC);
  time = when ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("?");
  g_printerr (_("dingdrop: DingTalk asked this robot to slow down; sending again at %s.\n"), time);
}

/* More than DingTalk's 20 a minute to one robot: say how long it takes. */
void
dd_cli_tell_wait (DdOutbox   *outbox,
                  const char *profile_id)
{
  gint64 wait = dd_outbox_estimate (outbox, profile_id, 0);
  g_autofree char *about = NULL;

  if (wait <= 0)
    return;
  about = dd_outbox_describe_wait (wait);
  g_printerr (_("dingdrop: DingTalk allows a robot 20 messages a minute: sending these takes %s.\n"), about);
}

/* Runs the outbox until every job of @jobs is sent or failed. */
void
dd_cli_wait_for_jobs (GPtrArray *jobs)
{
  gboolean told = FALSE;

  for (guint i = 0; i < jobs->len; i++)
    g_signal_connect (g_ptr_array_index (jobs, i), "notify::state", G_CALLBACK (job_state_cb), &told);

  for (;;)
    {
      gboolean done = TRUE;

      for (guint i = 0; i < jobs->len && done; i++)
        done = dd_job_is_finished (g_ptr_array_index (jobs, i));
      if (done)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  for (guint i = 0; i < jobs->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (jobs, i), job_state_cb, &told);
}

int
dd_cli_send (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DdOutbox) outbox = NULL;
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GError) stdin_error = NULL;
  g_autofree char *profile_name = NULL;
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
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("The robot to send with (default: the first one added)"), N_("NAME") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title shown in the chat list"), N_("TEXT") },
    { "caption", 0, 0, G_OPTION_ARG_STRING, &caption, N_("Text to send above the images"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING_ARRAY, &at, N_("Mention the member with this mobile number (repeatable)"), N_("MOBILE") },
    { "at-all", 0, 0, G_OPTION_ARG_NONE, &at_all, N_("Mention everyone in the group"), NULL },
    { "album", 0, 0, G_OPTION_ARG_NONE, &album, N_("Send all images in one message"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per image"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
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
      !(profile = dd_cli_find_profile (store, profile_name, &error)))
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
          guint64 max_bytes = dd_profile_get_max_image_bytes (profile);
          guint64 cap = MAX (G_GUINT64_CONSTANT (200) * 1024 * 1024, MIN (max_bytes, G_MAXUINT64 / 10) * 10);

          stdin_bytes = read_stdin (cap, &stdin_error);
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
      /* An outbox of this batch only: other jobs in the folder are for
       * "dingdrop outbox resume" or the window. */
      outbox = dd_outbox_new (NULL, dd_client_get_default (), store);
      dd_outbox_add_async (outbox, profile, sources, &options,
                           NULL, dd_cli_store_result_cb, &result);
      jobs = dd_outbox_add_finish (outbox, dd_cli_wait_for_result (&result), &error);
      if (jobs == NULL)
        {
          dd_cli_print_error (error);
          return DD_EXIT_FAILED;
        }

      dd_outbox_start (outbox);
      dd_cli_tell_wait (outbox, dd_profile_get_id (profile));
      dd_cli_wait_for_jobs (jobs);
      dd_cli_close_outbox (outbox);
    }

  for (guint i = 0, j = 0; files[i] != NULL; i++)
    {
      if (g_str_equal (files[i], "-") && stdin_bytes == NULL)
        {
          print_result ("-", FALSE, NULL, 0, stdin_error->message, json);
          status = DD_EXIT_FAILED;
          continue;
        }
      dd_cli_print_job (g_ptr_array_index (jobs, j), files[i], json);
      if (dd_job_get_state (g_ptr_array_index (jobs, j)) != DD_JOB_SENT)
        status = DD_EXIT_FAILED;
      j++;
    }

  return status;
}
