/* dd-outbox-limits.c: what the outbox shares between processes besides
 * the jobs: the media cache and each robot's rate limit
 *
 *   <outbox>/media/<sha256>-<app>   the media_id those bytes got from that
 *                                   AppKey (media_ids do not expire)
 *   <outbox>/robots/<robot>.json    the robot's sends in the last minute,
 *                                   and until when DingTalk paused it
 *   <outbox>/robots/<robot>.lock    flock()ed while one process reads and
 *                                   writes the .json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dd-outbox-private.h"

/* A name for files keyed by something that may not be a safe file name. */
static char *
short_hash (const char *text)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strndup (sum, 16);
}

/* ---- the media cache ---------------------------------------------------- */

static char *
media_path (const char *directory,
            const char *sha256,
            const char *app_key)
{
  g_autofree char *app = short_hash (app_key);
  g_autofree char *name = g_strconcat (sha256, "-", app, NULL);

  return g_build_filename (directory, "media", name, NULL);
}

/* The media_id these bytes got when uploaded with this AppKey, if any. */
char *
dd_outbox_store_lookup_media (const char *directory,
                              const char *sha256,
                              const char *app_key)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (sha256 == NULL || app_key == NULL)
    return NULL;

  path = media_path (directory, sha256, app_key);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  g_strstrip (contents);
  if (*contents != '@' && !g_str_has_prefix (contents, "http"))
    return NULL;

  return g_steal_pointer (&contents);
}

void
dd_outbox_store_remember_media (const char *directory,
                                const char *sha256,
                                const char *app_key,
                                const char *media_id)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = g_build_filename (directory, "media", NULL);
  g_autoptr(GError) error = NULL;

  if (sha256 == NULL || app_key == NULL || media_id == NULL)
    return;

  path = media_path (directory, sha256, app_key);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, media_id, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not remember a media_id: %s", error ? error->message : g_strerror (errno));
}

/* ---- robots: the rate limit, shared by every process -------------------- */

typedef struct {
  int     fd;
  char   *path;
  GArray *sends;          /* gint64 µs */
  gint64  paused_until;
} RobotFile;

static void
robot_file_close (RobotFile *file)
{
  if (file->fd >= 0)
    close (file->fd);  /* and unlock */
  g_free (file->path);
  g_clear_pointer (&file->sends, g_array_unref);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Opens and locks (blocking: others hold it for a moment only) the
 * robot's file and reads it. */
static gboolean
robot_file_open (RobotFile  *file,
                 const char *directory,
                 const char *profile_id)
{
  g_autofree char *dir = g_build_filename (directory, "robots", NULL);
  g_autofree char *name = short_hash (profile_id);
  g_autofree char *lock_name = g_strconcat (name, ".lock", NULL);
  g_autofree char *json_name = g_strconcat (name, ".json", NULL);
  g_autofree char *lock_path = g_build_filename (dir, lock_name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;

  file->fd = -1;
  file->path = g_build_filename (dir, json_name, NULL);
  file->sends = g_array_new (FALSE, FALSE, sizeof (gint64));
  file->paused_until = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  file->fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (file->fd < 0)
    return FALSE;
  while (flock (file->fd, LOCK_EX) != 0)
    if (errno != EINTR)
      return FALSE;

  if (g_file_get_contents (file->path, &contents, &len, NULL) &&
      json_parser_load_from_data (parser, contents, len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      JsonNode *sends = json_object_get_member (o, "sends");

      file->paused_until = json_object_get_int_member_with_default (o, "paused-until", 0);
      if (sends != NULL && JSON_NODE_HOLDS_ARRAY (sends))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (sends)); i++)
          {
            gint64 t = json_array_get_int_element (json_node_get_array (sends), i);
            g_array_append_val (file->sends, t);
          }
      g_array_sort (file->sends, compare_times);
    }

  return TRUE;
}

static void
robot_file_save (RobotFile *file)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "paused-until");
  json_builder_add_int_value (builder, file->paused_until);
  json_builder_set_member_name (builder, "sends");
  json_builder_begin_array (builder);
  for (guint i = 0; i < file->sends->len; i++)
    json_builder_add_int_value (builder, g_array_index (file->sends, gint64, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  if (!g_file_set_contents_full (file->path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not save the robot’s sends: %s", error->message);
}

/**
 * dd_outbox_store_reserve_send:
 * @limit: sends allowed in any 60 seconds
 *
 * Counts a send about to be made to the robot, unless that would make more
 * than @limit in the last minute or the robot is paused.
 *
 * Returns: 0 if the send may go now (and is counted), else when to try again
 */
gint64
dd_outbox_store_reserve_send (const char *directory,
                              const char *profile_id,
                              gint64      now,
                              guint       limit)
{
  RobotFile file;
  gint64 retry_at = 0;
  guint old = 0;

  if (!robot_file_open (&file, directory, profile_id))
    {
      /* without the file the limit is this process's business only */
      robot_file_close (&file);
      return 0;
    }

  while (old < file.sends->len &&
         (g_array_index (file.sends, gint64, old) <= now - DD_OUTBOX_RATE_WINDOW_US ||
          g_array_index (file.sends, gint64, old) > now + DD_OUTBOX_RATE_WINDOW_US))  /* clock went back */
    old++;
  g_array_remove_range (file.sends, 0, old);

  if (file.paused_until > now)
    retry_at = file.paused_until;
  else if (file.sends->len >= limit)
    retry_at = g_array_index (file.sends, gint64, file.sends->len - limit) + DD_OUTBOX_RATE_WINDOW_US;
  else
    g_array_append_val (file.sends, now);

  robot_file_save (&file);
  robot_file_close (&file);
  return retry_at;
}

void
dd_outbox_store_pause_robot (const char *directory,
                             const char *profile_id,
                             gint64      until)
{
  RobotFile file;

  if (robot_file_open (&file, directory, profile_id))
    {
      file.paused_until = MAX (file.paused_until, until);
      robot_file_save (&file);
    }
  robot_file_close (&file);
}

gint64
dd_outbox_store_paused_until (const char *directory,
                              const char *profile_id)
{
  RobotFile file;
  gint64 until = 0;

  if (robot_file_open (&file, directory, profile_id))
    until = file.paused_until;
  robot_file_close (&file);
  return until;
}
