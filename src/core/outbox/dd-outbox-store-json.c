/* dd-outbox-store-json.c: a job's state as job.json, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <json-glib/json-glib.h>

#include "dd-outbox-store-private.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

char *
_dd_outbox_store_job_to_json (DdJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GEnumClass) states = g_type_class_ref (DD_TYPE_JOB_STATE);

  json_builder_begin_object (builder);
  add_int (builder, "version", 1);
  add_string (builder, "id", job->id);
  add_string (builder, "batch-id", job->batch_id);
  add_int (builder, "seq", job->seq);
  add_string (builder, "profile-id", job->profile_id);
  add_string (builder, "display-name", job->display_name);
  add_string (builder, "state", g_enum_get_value (states, job->state)->value_nick);
  add_bool (builder, "prepared", job->prepared);
  add_int (builder, "bytes-total", job->bytes_total);
  add_int (builder, "bytes-sent", job->bytes_sent);
  add_int (builder, "width", job->width);
  add_int (builder, "height", job->height);
  add_string (builder, "mime-type", job->mime_type);
  add_string (builder, "filename", job->filename);
  add_string (builder, "sha256", job->sha256);
  add_bool (builder, "thumbnail", job->thumbnail_path != NULL);
  add_bool (builder, "thumbnail-owed", job->thumbnail_owed);
  add_string (builder, "media-id", job->media_id);
  add_string (builder, "msg-uuid", job->msg_uuid);
  add_string (builder, "error-message", job->error_message);
  add_int (builder, "errcode", job->errcode);
  add_int (builder, "retry-at", job->retry_at);
  add_int (builder, "created-at", job->created_at);
  add_int (builder, "sent-at", job->sent_at);
  add_int (builder, "attempts", job->attempts);
  add_bool (builder, "has-data", job->data_path != NULL);
  add_string (builder, "title", job->title);
  add_string (builder, "caption", job->caption);
  add_strv (builder, "at-mobiles", (const char * const *) job->at_mobiles);
  add_strv (builder, "at-user-ids", (const char * const *) job->at_user_ids);
  add_bool (builder, "at-all", job->at_all);
  add_bool (builder, "album", job->album);
  add_bool (builder, "caption-sent", job->caption_sent);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
get_bool (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

static GStrv
get_strv (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          g_strv_builder_add (builder, json_node_get_string (element));
          n++;
        }
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

DdJob *
_dd_outbox_store_read_job (const char  *job_dir,
                           GError     **error)
{
  g_autofree char *path = g_build_filename (job_dir, DD_JOB_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *id = g_path_get_basename (job_dir);
  g_autofree char *state = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GEnumClass) states = g_type_class_ref (DD_TYPE_JOB_STATE);
  g_autoptr(DdJob) job = NULL;
  GEnumValue *value;
  JsonObject *o;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error) ||
      !json_parser_load_from_data (parser, contents, len, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));

  job = dd_job_new (id, job_dir);
  job->batch_id = get_string (o, "batch-id");
  job->seq = get_int (o, "seq");
  job->profile_id = get_string (o, "profile-id");
  job->display_name = get_string (o, "display-name");
  state = get_string (o, "state");
  value = g_enum_get_value_by_nick (states, state ? state : "");
  if (job->batch_id == NULL || job->profile_id == NULL || value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a job", path);
      return NULL;
    }
  job->state = value->value;
  job->prepared = get_bool (o, "prepared");
  job->bytes_total = get_int (o, "bytes-total");
  job->bytes_sent = get_int (o, "bytes-sent");
  job->width = get_int (o, "width");
  job->height = get_int (o, "height");
  job->mime_type = get_string (o, "mime-type");
  job->filename = get_string (o, "filename");
  job->sha256 = get_string (o, "sha256");
  if (get_bool (o, "thumbnail"))
    job->thumbnail_path = g_build_filename (job_dir, DD_JOB_THUMBNAIL, NULL);
  job->thumbnail_owed = get_bool (o, "thumbnail-owed");
  job->media_id = get_string (o, "media-id");
  job->msg_uuid = get_string (o, "msg-uuid");
  job->error_message = get_string (o, "error-message");
  job->errcode = get_int (o, "errcode");
  job->retry_at = get_int (o, "retry-at");
  job->created_at = get_int (o, "created-at");
  job->sent_at = get_int (o, "sent-at");
  job->attempts = get_int (o, "attempts");
  if (get_bool (o, "has-data"))
    job->data_path = g_build_filename (job_dir, DD_JOB_ORIGINAL, NULL);
  job->title = get_string (o, "title");
  job->caption = get_string (o, "caption");
  job->at_mobiles = get_strv (o, "at-mobiles");
  job->at_user_ids = get_strv (o, "at-user-ids");
  job->at_all = get_bool (o, "at-all");
  job->album = get_bool (o, "album");
  job->caption_sent = get_bool (o, "caption-sent");

  return g_steal_pointer (&job);
}
