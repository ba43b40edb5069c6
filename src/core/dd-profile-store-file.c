/* dd-profile-store-file.c: the format of "profiles.ini", and its lock
 *
 *   <config>/profiles.ini        [General] Version, Revision, Default,
 *                                Order; then one group per profile, named
 *                                by its id, with its non-secret fields
 *   <config>/profiles.ini.lock   flock()ed by the process that saves, from
 *                                reading the file to renaming the new one
 *                                into place
 *
 * Readers take no lock: the file is only ever replaced whole, by rename.
 * "Revision" is new at every save, so that every save changes the file,
 * even one that changed only secrets in the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-profile-store-private.h"

#define GENERAL_GROUP   "General"
#define FORMAT_VERSION  1
#define LOCK_NAME       DD_PROFILES_FILE_NAME ".lock"

/* The id is a GKeyFile group name: no brackets, no control characters. */
gboolean
dd_profiles_file_is_valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strcmp (id, GENERAL_GROUP) == 0)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
      return FALSE;

  return g_utf8_validate (id, -1, NULL);
}

void
dd_profiles_file_free (DdProfilesFile *file)
{
  g_clear_pointer (&file->profiles, g_ptr_array_unref);
  g_clear_pointer (&file->default_id, g_free);
  g_clear_pointer (&file->checksum, g_free);
  g_free (file);
}

static DdProfile *
profile_from_group (GKeyFile   *key_file,
                    const char *id)
{
  g_autoptr(DdProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) keywords = NULL;
  g_autofree char *app_key = NULL;
  g_autofree char *link_template = NULL;
  g_autofree char *oapi_base = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *robot_code = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *picture_style = NULL;
  g_autofree char *card_title = NULL;
  g_autofree char *card_url = NULL;
  DdPictureStyle style;
  guint64 max_image_bytes;
  gboolean keep_metadata;

  name = g_key_file_get_string (key_file, id, "Name", NULL);
  profile = dd_profile_new_with_id (id, name ? name : id);

  keywords = g_key_file_get_string_list (key_file, id, "Keywords", NULL, NULL);
  dd_profile_set_keywords (profile, (const char * const *) keywords);

  app_key = g_key_file_get_string (key_file, id, "AppKey", NULL);
  dd_profile_set_app_key (profile, app_key);

  link_template = g_key_file_get_string (key_file, id, "LinkTemplate", NULL);
  dd_profile_set_link_template (profile, link_template);

  max_image_bytes = g_key_file_get_uint64 (key_file, id, "MaxImageBytes", &local_error);
  if (local_error == NULL && max_image_bytes > 0)
    dd_profile_set_max_image_bytes (profile, max_image_bytes);
  else if (local_error != NULL &&
           !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    g_debug ("Robot %s: ignoring MaxImageBytes: %s", id, local_error->message);
  g_clear_error (&local_error);

  keep_metadata = g_key_file_get_boolean (key_file, id, "KeepMetadata", &local_error);
  if (local_error == NULL)
    dd_profile_set_keep_metadata (profile, keep_metadata);
  else if (!g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    g_debug ("Robot %s: ignoring KeepMetadata: %s", id, local_error->message);
  g_clear_error (&local_error);

  oapi_base = g_key_file_get_string (key_file, id, "OapiBase", NULL);
  dd_profile_set_oapi_base (profile, oapi_base);

  api_base = g_key_file_get_string (key_file, id, "ApiBase", NULL);
  dd_profile_set_api_base (profile, api_base);

  robot_code = g_key_file_get_string (key_file, id, "RobotCode", NULL);
  dd_profile_set_robot_code (profile, robot_code);

  conversation_id = g_key_file_get_string (key_file, id, "ConversationId", NULL);
  dd_profile_set_conversation_id (profile, conversation_id);

  picture_style = g_key_file_get_string (key_file, id, "PictureStyle", NULL);
  if (dd_picture_style_from_string (picture_style, &style))
    dd_profile_set_picture_style (profile, style);
  else if (picture_style != NULL)
    g_debug ("Robot %s: ignoring PictureStyle %s", id, picture_style);
  card_title = g_key_file_get_string (key_file, id, "CardTitle", NULL);
  dd_profile_set_card_title (profile, card_title);
  card_url = g_key_file_get_string (key_file, id, "CardUrl", NULL);
  dd_profile_set_card_url (profile, card_url);
  /* after the style, which clears it */
  dd_profile_set_checked_at (profile, g_key_file_get_int64 (key_file, id, "CheckedAt", NULL));

  return g_steal_pointer (&profile);
}

/**
 * dd_profiles_file_copy_fields:
 * @to: the profile to update
 * @from: a profile with the same id, as read from the file
 *
 * Gives @to every field that the file keeps, as one batch of notifies;
 * its secrets and its id stay.
 */
void
dd_profiles_file_copy_fields (DdProfile *to,
                              DdProfile *from)
{
  g_assert (DD_IS_PROFILE (to));
  g_assert (DD_IS_PROFILE (from));

  g_object_freeze_notify (G_OBJECT (to));
  dd_profile_set_name (to, dd_profile_get_name (from));
  dd_profile_set_keywords (to, dd_profile_get_keywords (from));
  dd_profile_set_app_key (to, dd_profile_get_app_key (from));
  dd_profile_set_link_template (to, dd_profile_get_link_template (from));
  dd_profile_set_max_image_bytes (to, dd_profile_get_max_image_bytes (from));
  dd_profile_set_keep_metadata (to, dd_profile_get_keep_metadata (from));
  dd_profile_set_oapi_base (to, dd_profile_get_oapi_base (from));
  dd_profile_set_api_base (to, dd_profile_get_api_base (from));
  dd_profile_set_robot_code (to, dd_profile_get_robot_code (from));
  dd_profile_set_conversation_id (to, dd_profile_get_conversation_id (from));
  dd_profile_set_picture_style (to, dd_profile_get_picture_style (from));
  dd_profile_set_card_title (to, dd_profile_get_card_title (from));
  dd_profile_set_card_url (to, dd_profile_get_card_url (from));
  dd_profile_set_checked_at (to, dd_profile_get_checked_at (from));
  g_object_thaw_notify (G_OBJECT (to));
}

static void
append_from_group (GPtrArray  *profiles,
                   GHashTable *seen,
                   GKeyFile   *key_file,
                   const char *id)
{
  if (!dd_profiles_file_is_valid_id (id) || g_hash_table_contains (seen, id) ||
      !g_key_file_has_group (key_file, id))
    return;

  g_hash_table_add (seen, g_strdup (id));
  g_ptr_array_add (profiles, profile_from_group (key_file, id));
}

/**
 * dd_profiles_file_parse:
 * @path: the file's path, for the error message
 * @data: (nullable): its contents; %NULL if there is no file
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Returns: (transfer full) (nullable): what the file holds; no file holds
 *   no profiles
 */
DdProfilesFile *
dd_profiles_file_parse (const char  *path,
                        const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(DdProfilesFile) file = g_new0 (DdProfilesFile, 1);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_auto(GStrv) order = NULL;
  g_auto(GStrv) groups = NULL;

  file->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  if (data == NULL)
    return g_steal_pointer (&file);

  if (!g_key_file_load_from_data (key_file, data, length, G_KEY_FILE_NONE, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not read the saved robots from “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }

  file->checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* The saved order first, then any group the order forgot. */
  order = g_key_file_get_string_list (key_file, GENERAL_GROUP, "Order", NULL, NULL);
  for (guint i = 0; order != NULL && order[i] != NULL; i++)
    append_from_group (file->profiles, seen, key_file, order[i]);

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    append_from_group (file->profiles, seen, key_file, groups[i]);

  file->default_id = g_key_file_get_string (key_file, GENERAL_GROUP, "Default", NULL);

  return g_steal_pointer (&file);
}

/**
 * dd_profiles_file_read:
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Reads and parses @path in one go, blocking: for a load or a save, which
 * the user asked for.  A missing file is one without profiles.
 */
DdProfilesFile *
dd_profiles_file_read (const char  *path,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                       _("Could not read the saved robots from “%s”: %s"),
                       display, local_error->message);
          return NULL;
        }
    }

  return dd_profiles_file_parse (path, data, length, error);
}

static void
set_optional_string (GKeyFile   *key_file,
                     const char *group,
                     const char *key,
                     const char *value)
{
  if (value != NULL && *value != '\0')
    g_key_file_set_string (key_file, group, key, value);
}

/* Only non-secret fields: webhook, secret and app-secret live in the
 * keyring alone. */
static void
profile_to_group (DdProfile *profile,
                  GKeyFile  *key_file)
{
  const char *id = dd_profile_get_id (profile);
  const char * const *keywords = dd_profile_get_keywords (profile);

  g_key_file_set_string (key_file, id, "Name", dd_profile_get_name (profile));
  g_key_file_set_string_list (key_file, id, "Keywords", keywords,
                              g_strv_length ((char **) keywords));
  set_optional_string (key_file, id, "AppKey", dd_profile_get_app_key (profile));
  g_key_file_set_string (key_file, id, "LinkTemplate",
                         dd_profile_get_link_template (profile));
  g_key_file_set_uint64 (key_file, id, "MaxImageBytes",
                         dd_profile_get_max_image_bytes (profile));
  g_key_file_set_boolean (key_file, id, "KeepMetadata",
                          dd_profile_get_keep_metadata (profile));
  g_key_file_set_string (key_file, id, "OapiBase", dd_profile_get_oapi_base (profile));
  g_key_file_set_string (key_file, id, "ApiBase", dd_profile_get_api_base (profile));
  set_optional_string (key_file, id, "RobotCode", dd_profile_get_robot_code (profile));
  set_optional_string (key_file, id, "ConversationId",
                       dd_profile_get_conversation_id (profile));
  g_key_file_set_string (key_file, id, "PictureStyle",
                         dd_picture_style_to_string (dd_profile_get_picture_style (profile)));
  set_optional_string (key_file, id, "CardTitle", dd_profile_get_card_title (profile));
  set_optional_string (key_file, id, "CardUrl", dd_profile_get_card_url (profile));
  if (dd_profile_get_checked_at (profile) > 0)
    g_key_file_set_int64 (key_file, id, "CheckedAt", dd_profile_get_checked_at (profile));
}

/**
 * dd_profiles_file_serialize:
 *
 * Returns: (transfer full): @profile's group as the file would have it:
 *   equal strings mean equal saved fields
 */
char *
dd_profiles_file_serialize (DdProfile *profile)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_assert (DD_IS_PROFILE (profile));

  profile_to_group (profile, key_file);
  return g_key_file_to_data (key_file, NULL, NULL);
}

/**
 * dd_profiles_file_lock:
 * @config_dir: the folder of "profiles.ini", which exists
 * @error: a #DD_ERROR_PROFILE error
 *
 * Waits until no other process saves the robots.  Another saver holds the
 * lock only while it reads and writes a few kilobytes.
 *
 * Returns: the file descriptor to close() to unlock, or -1
 */
int
dd_profiles_file_lock (const char  *config_dir,
                       GError     **error)
{
  g_autofree char *path = g_build_filename (config_dir, LOCK_NAME, NULL);
  g_autofree char *display = NULL;
  int saved_errno;
  int fd;

  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      int ret;

      while ((ret = flock (fd, LOCK_EX)) != 0 && errno == EINTR)
        ;
      if (ret == 0)
        return fd;
    }

  saved_errno = errno;
  if (fd >= 0)
    close (fd);

  display = g_filename_display_name (path);
  g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
               _("Could not save the robots to “%s”: %s"),
               display, g_strerror (saved_errno));

  return -1;
}

/**
 * dd_profiles_file_write:
 * @profiles: (element-type DdProfile): what to write, in order
 * @default_id: (nullable): the default profile's id
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Replaces @path atomically (a temporary file renamed over it), 0600.
 * The caller holds the lock.
 *
 * Returns: (transfer full) (nullable): the checksum of what was written
 */
char *
dd_profiles_file_write (const char  *path,
                        GPtrArray   *profiles,
                        const char  *default_id,
                        GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_auto(GStrv) order_strv = NULL;
  g_autofree char *revision = g_uuid_string_random ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_integer (key_file, GENERAL_GROUP, "Version", FORMAT_VERSION);
  g_key_file_set_string (key_file, GENERAL_GROUP, "Revision", revision);
  if (default_id != NULL)
    g_key_file_set_string (key_file, GENERAL_GROUP, "Default", default_id);

  for (guint i = 0; i < profiles->len; i++)
    g_strv_builder_add (order, dd_profile_get_id (g_ptr_array_index (profiles, i)));
  order_strv = g_strv_builder_end (order);
  g_key_file_set_string_list (key_file, GENERAL_GROUP, "Order",
                              (const char * const *) order_strv, profiles->len);

  for (guint i = 0; i < profiles->len; i++)
    profile_to_group (g_ptr_array_index (profiles, i), key_file);

  data = g_key_file_to_data (key_file, &length, NULL);

  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not save the robots to “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
}
