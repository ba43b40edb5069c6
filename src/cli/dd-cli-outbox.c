/* dd-cli-outbox.c: `dingdrop outbox list|resume|retry|clear`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dd-cli-private.h"
#include "dd-client.h"
#include "dd-error.h"

static DdOutbox *
open_outbox (DdProfileStore **out_store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = dd_cli_open_store (&error);
  g_autoptr(DdOutbox) outbox = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (store == NULL)
    {
      dd_cli_print_error (error);
      return NULL;
    }

  outbox = dd_outbox_new (NULL, dd_client_get_default (), store);
  /* as `dingdrop send`: a token fetched here serves the next run */
  dd_client_set_keep_tokens (dd_client_get_default (), TRUE);
  dd_cli_apply_settings (outbox);
  dd_outbox_load_async (outbox, NULL, dd_cli_store_result_cb, &result);
  if (!dd_outbox_load_finish (outbox, dd_cli_wait_for_result (&result), &error))
    {
      dd_cli_print_error (error);
      return NULL;
    }

  if (out_store != NULL)
    *out_store = g_steal_pointer (&store);
  return g_steal_pointer (&outbox);
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) when = NULL;

  if (usec <= 0)
    return NULL;
  when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return when ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : NULL;
}

static const char *
state_nick (DdJob *job)
{
  GEnumClass *klass = g_type_class_ref (DD_TYPE_JOB_STATE);
  const char *nick = g_enum_get_value (klass, dd_job_get_state (job))->value_nick;

  g_type_class_unref (klass);
  return nick;
}

static void
list_job (DdJob          *job,
          DdProfileStore *store,
          gboolean        json)
{
  DdProfile *profile = dd_profile_store_lookup (store, dd_job_get_profile_id (job));
  const char *robot = profile ? dd_profile_get_name (profile) : dd_job_get_profile_id (job);
  g_autofree char *retry = format_time (dd_job_get_retry_at (job));
  g_autofree char *sent = format_time (dd_job_get_sent_at (job));

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

#define MEMBER_STRING(name, value) \
      G_STMT_START { \
        const char *v_ = (value); \
        json_builder_set_member_name (b, name); \
        if (v_ != NULL) json_builder_add_string_value (b, v_); else json_builder_add_null_value (b); \
      } G_STMT_END
#define MEMBER_INT(name, value) \
      G_STMT_START { json_builder_set_member_name (b, name); json_builder_add_int_value (b, value); } G_STMT_END

      json_builder_begin_object (b);
      MEMBER_STRING ("id", dd_job_get_id (job));
      MEMBER_STRING ("batch_id", dd_job_get_batch_id (job));
      MEMBER_STRING ("robot", robot);
      MEMBER_STRING ("file", dd_job_get_display_name (job));
      MEMBER_STRING ("state", state_nick (job));
      MEMBER_STRING ("media_id", dd_job_get_media_id (job));
      MEMBER_INT ("errcode", dd_job_get_errcode (job));
      MEMBER_STRING ("error", dd_job_get_error_message (job));
      MEMBER_INT ("attempts", dd_job_get_attempts (job));
      MEMBER_INT ("retry_at", dd_job_get_retry_at (job));
      MEMBER_INT ("created_at", dd_job_get_created_at (job));
      MEMBER_INT ("sent_at", dd_job_get_sent_at (job));
      MEMBER_STRING ("data_path", dd_job_get_data_path (job));
      MEMBER_STRING ("thumbnail_path", dd_job_get_thumbnail_path (job));
      dd_cli_print_json (b);
      return;

#undef MEMBER_STRING
#undef MEMBER_INT
    }

  g_autofree char *name = dd_cli_printable (dd_job_get_display_name (job));
  g_autofree char *sentence = dd_cli_printable (dd_job_get_error_message (job));

  /* a tab or a line feed in a name must not make columns or lines */
  g_print ("%s\t%s\t%s\t%s", dd_job_get_id (job), state_nick (job), robot, name);
  switch (dd_job_get_state (job))
    {
    case DD_JOB_SENT:
      g_print ("\t%s %s", sent ? sent : "", dd_job_get_media_id (job));
      break;
    case DD_JOB_FAILED:
      if (dd_job_get_errcode (job) != 0)
        g_print ("\t%s (errcode %" G_GINT64_FORMAT ")", sentence, dd_job_get_errcode (job));
      else
        g_print ("\t%s", sentence);
      break;
    default:
      if (retry != NULL)
        g_print ("\t");
      if (retry != NULL)
        g_print (_("next try at %s"), retry);
      break;
    }
  g_print ("\n");
}

/* A job whose job.json cannot be read: shown with its folder, where its
 * image is kept; "outbox clear" removes it. */
static void
list_damaged (const char *folder,
              gboolean    json)
{
  g_autofree char *id = g_path_get_basename (folder);
  g_autofree char *original = g_build_filename (folder, "original", NULL);
  gboolean kept = g_file_test (original, G_FILE_TEST_IS_REGULAR);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, "damaged");
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, folder);
      json_builder_set_member_name (b, "data_path");
      if (kept)
        json_builder_add_string_value (b, original);
      else
        json_builder_add_null_value (b);
      dd_cli_print_json (b);
      return;
    }

  g_print ("%s\tdamaged\t", id);
  if (kept)
    g_print (_("its state cannot be read; the image is kept in %s (“dingdrop outbox clear” removes it)"), original);
  else
    g_print (_("its state cannot be read, in %s (“dingdrop outbox clear” removes it)"), folder);
  g_print ("\n");
}

static int
outbox_list (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdOutbox) outbox = NULL;
  GListModel *history;
  GPtrArray *damaged;
  gboolean json = FALSE;
  guint n_jobs, n_sent;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per image"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— the images waiting, failed and sent"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      dd_cli_usage_error (context, error ? error->message : _("“list” takes no arguments."));
      return DD_EXIT_USAGE;
    }

  if (!(outbox = open_outbox (&store)))
    return DD_EXIT_FAILED;

  n_jobs = g_list_model_get_n_items (G_LIST_MODEL (outbox));
  for (guint i = 0; i < n_jobs; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (outbox), i);
      list_job (job, store, json);
    }
  history = dd_outbox_get_history (outbox);
  n_sent = g_list_model_get_n_items (history);
  for (guint i = 0; i < n_sent; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (history, i);
      list_job (job, store, json);
    }
  damaged = dd_outbox_get_damaged (outbox);
  for (guint i = 0; i < damaged->len; i++)
    list_damaged (g_ptr_array_index (damaged, i), json);

  if (n_jobs + n_sent + damaged->len == 0 && !json)
    g_printerr (_("The outbox is empty.\n"));
  return DD_EXIT_OK;
}

/* Runs the outbox until nothing is left that this process can do, then
 * reports on the jobs that were waiting when it started. */
static int
run_and_report (DdOutbox  *outbox,
                GPtrArray *jobs)
{
  int status = DD_EXIT_OK;

  dd_outbox_start (outbox);
  while (dd_outbox_is_busy (outbox))
    g_main_context_iteration (NULL, TRUE);
  dd_cli_close_outbox (outbox);

  for (guint i = 0; i < jobs->len; i++)
    {
      DdJob *job = g_ptr_array_index (jobs, i);

      if (dd_job_is_finished (job))
        dd_cli_print_job (job, dd_job_get_display_name (job), NULL, FALSE, FALSE);
      else
        g_print (_("busy %s: another DingDrop is sending it\n"), dd_job_get_display_name (job));
      if (dd_job_get_state (job) == DD_JOB_FAILED)
        status = DD_EXIT_FAILED;
    }

  return status;
}

static int
outbox_resume (void)
{
  g_autoptr(DdOutbox) outbox = open_outbox (NULL);
  g_autoptr(GPtrArray) jobs = NULL;
  guint n;

  if (outbox == NULL)
    return DD_EXIT_FAILED;

  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  n = g_list_model_get_n_items (G_LIST_MODEL (outbox));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      if (!dd_job_is_finished (job))
        g_ptr_array_add (jobs, g_steal_pointer (&job));
    }

  return run_and_report (outbox, jobs);
}

static DdJob *
find_job (DdOutbox   *outbox,
          const char *id)
{
  DdJob *found = dd_outbox_lookup (outbox, id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (outbox));

  if (found != NULL)
    return found;

  /* a unique beginning of an id will do */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdJob) job = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      if (g_str_has_prefix (dd_job_get_id (job), id))
        {
          if (found != NULL)
            return NULL;
          found = job;  /* the outbox holds a reference */
        }
    }
  return found;
}

static int
outbox_retry (const char *id)
{
  g_autoptr(DdOutbox) outbox = open_outbox (NULL);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  DdJob *job;

  if (outbox == NULL)
    return DD_EXIT_FAILED;

  job = find_job (outbox, id);
  if (job == NULL)
    {
      g_printerr (_("dingdrop: There is no image “%s” in the outbox. “dingdrop outbox list” shows them.\n"), id);
      return DD_EXIT_FAILED;
    }
  dd_outbox_retry_async (outbox, job, NULL, NULL, dd_cli_store_result_cb, &result);
  if (!dd_outbox_retry_finish (outbox, dd_cli_wait_for_result (&result), &error))
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (jobs, g_object_ref (job));
  return run_and_report (outbox, jobs);
}

static int
outbox_clear (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdOutbox) outbox = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean sent = FALSE, failed = FALSE;
  DdOutboxClearFlags flags = 0;
  guint n;
  const GOptionEntry entries[] = {
    { "sent", 0, 0, G_OPTION_ARG_NONE, &sent, N_("Forget the history of sent images"), NULL },
    { "failed", 0, 0, G_OPTION_ARG_NONE, &failed, N_("Remove the images that failed"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— remove sent and failed images (both without options)"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      dd_cli_usage_error (context, error ? error->message : _("“clear” takes no arguments."));
      return DD_EXIT_USAGE;
    }

  if (sent)
    flags |= DD_OUTBOX_CLEAR_SENT;
  if (failed)
    flags |= DD_OUTBOX_CLEAR_FAILED;
  if (flags == 0)
    flags = DD_OUTBOX_CLEAR_SENT | DD_OUTBOX_CLEAR_FAILED;

  if (!(outbox = open_outbox (NULL)))
    return DD_EXIT_FAILED;

  dd_outbox_clear_async (outbox, flags, NULL, dd_cli_store_result_cb, &result);
  n = dd_outbox_clear_finish (outbox, dd_cli_wait_for_result (&result), NULL);
  dd_cli_close_outbox (outbox);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Removed %u image from the outbox.\n",
                        "Removed %u images from the outbox.\n", n), n);
  return DD_EXIT_OK;
}

int
dd_cli_outbox (int    argc,
               char **argv)
{
  const char *usage = _("Usage: dingdrop outbox list [--json] | resume | retry ID | clear [--sent|--failed]\n");

  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return DD_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "list"))
    return outbox_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "resume") && argc == 2)
    return outbox_resume ();
  if (g_str_equal (argv[1], "retry") && argc == 3)
    return outbox_retry (argv[2]);
  if (g_str_equal (argv[1], "clear"))
    return outbox_clear (argc - 1, argv + 1);

  g_printerr ("%s", usage);
  return DD_EXIT_USAGE;
}
