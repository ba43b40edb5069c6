/* dd-cli-send.c: `dingdrop send [options] FILE...`
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
#include "dd-image.h"
#include "dd-sender.h"

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

static DdSendItem *
prepare_item (DdProfile    *profile,
              const char   *arg,
              GCancellable *cancellable)
{
  g_autoptr(DdPreparedImage) prepared = NULL;
  g_autoptr(GError) error = NULL;
  DdImageOptions options;

  dd_image_options_init_default (&options);
  options.max_bytes = dd_profile_get_max_image_bytes (profile);
  options.keep_metadata = dd_profile_get_keep_metadata (profile);

  if (g_str_equal (arg, "-"))
    {
      guint64 cap = options.max_input_bytes ? options.max_input_bytes
                                            : MAX (200 * 1024 * 1024, 10 * options.max_bytes);
      g_autoptr(GBytes) bytes = read_stdin (cap, &error);

      if (bytes != NULL)
        prepared = dd_image_prepare_bytes (bytes, _("image"), &options, cancellable, &error);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);

      prepared = dd_image_prepare_file (file, &options, cancellable, &error);
    }

  if (prepared == NULL)
    return dd_send_item_new_failed (arg, error);

  return dd_send_item_new (arg,
                           dd_prepared_image_get_filename (prepared),
                           dd_prepared_image_get_mime_type (prepared),
                           dd_prepared_image_get_data (prepared));
}

static const char *
state_name (DdItemState state)
{
  return state == DD_ITEM_SENT ? "sent" : "failed";
}

static void
print_item (DdSendItem *item,
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
      json_builder_add_string_value (builder, item->display_name);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state_name (item->state));
      json_builder_set_member_name (builder, "media_id");
      if (item->media_id != NULL)
        json_builder_add_string_value (builder, item->media_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "errcode");
      json_builder_add_int_value (builder, dd_error_get_errcode (item->error));
      json_builder_set_member_name (builder, "error");
      if (item->error != NULL)
        json_builder_add_string_value (builder, item->error->message);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      line = json_generator_to_data (generator, NULL);
      g_print ("%s\n", line);
    }
  else if (item->state == DD_ITEM_SENT)
    g_print ("sent %s\n", item->display_name);
  else
    {
      g_autofree char *why = dd_cli_describe_error (item->error);
      g_print ("failed %s: %s\n", item->display_name, why);
    }
}

int
dd_cli_send (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdProfileStore) store = NULL;
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GAsyncResult) result = NULL;
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

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_send_item_free);
  for (guint i = 0; files[i] != NULL; i++)
    g_ptr_array_add (items, prepare_item (profile, files[i], NULL));

  options.title = title;
  options.caption = caption;
  options.at_mobiles = (const char * const *) at;
  options.at_all = at_all;
  options.album = album;

  dd_sender_send_async (dd_client_get_default (), profile, items, &options,
                        NULL, NULL, NULL, dd_cli_store_result_cb, &result);
  if (!dd_sender_send_finish (dd_cli_wait_for_result (&result), &error) && error != NULL)
    {
      dd_cli_print_error (error);
      return DD_EXIT_FAILED;
    }

  for (guint i = 0; i < items->len; i++)
    {
      DdSendItem *item = g_ptr_array_index (items, i);

      print_item (item, json);
      if (item->state != DD_ITEM_SENT)
        status = DD_EXIT_FAILED;
    }

  return status;
}
