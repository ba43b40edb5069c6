/* dd-profile-store.c: the saved robot profiles, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-profile-store.h"

#define FILE_NAME       "profiles.ini"
#define GENERAL_GROUP   "General"
#define FORMAT_VERSION  1

struct _DdProfileStore
{
  GObject    parent_instance;

  char      *config_dir;
  GPtrArray *profiles;    /* of DdProfile, in the user's order */
  char      *default_id;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DdProfileStore, dd_profile_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      list_model_iface_init))

enum {
  PROP_0,
  PROP_CONFIG_DIR,
  PROP_DEFAULT_PROFILE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
dd_profile_store_get_item_type (GListModel *model)
{
  return DD_TYPE_PROFILE;
}

static guint
dd_profile_store_get_n_items (GListModel *model)
{
  DdProfileStore *self = DD_PROFILE_STORE (model);

  return self->profiles->len;
}

static gpointer
dd_profile_store_get_item (GListModel *model,
                           guint       position)
{
  DdProfileStore *self = DD_PROFILE_STORE (model);

  if (position >= self->profiles->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->profiles, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dd_profile_store_get_item_type;
  iface->get_n_items = dd_profile_store_get_n_items;
  iface->get_item = dd_profile_store_get_item;
}

static void
dd_profile_store_finalize (GObject *object)
{
  DdProfileStore *self = (DdProfileStore *) object;

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->config_dir, g_free);
  g_clear_pointer (&self->default_id, g_free);

  G_OBJECT_CLASS (dd_profile_store_parent_class)->finalize (object);
}

static void
dd_profile_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DdProfileStore *self = DD_PROFILE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONFIG_DIR:
      g_value_set_string (value, self->config_dir);
      break;
    case PROP_DEFAULT_PROFILE:
      g_value_set_object (value, dd_profile_store_get_default (self));
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->profiles->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_profile_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DdProfileStore *self = DD_PROFILE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONFIG_DIR:
      g_assert (self->config_dir == NULL);
      if (g_value_get_string (value) != NULL)
        self->config_dir = g_value_dup_string (value);
      else
        self->config_dir = g_build_filename (g_get_user_config_dir (),
                                             "dingdrop", NULL);
      break;
    case PROP_DEFAULT_PROFILE:
      dd_profile_store_set_default (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_profile_store_class_init (DdProfileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dd_profile_store_finalize;
  object_class->get_property = dd_profile_store_get_property;
  object_class->set_property = dd_profile_store_set_property;

  /**
   * DdProfileStore:config-dir:
   *
   * The folder of "profiles.ini"; %NULL at construction for
   * $XDG_CONFIG_HOME/dingdrop.
   */
  properties[PROP_CONFIG_DIR] =
    g_param_spec_string ("config-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * DdProfileStore:default-profile:
   *
   * The profile used when none is named; %NULL only when the store is empty.
   */
  properties[PROP_DEFAULT_PROFILE] =
    g_param_spec_object ("default-profile", NULL, NULL, DD_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                       G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dd_profile_store_init (DdProfileStore *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * dd_profile_store_new:
 * @config_dir: (nullable): the folder of "profiles.ini"; %NULL for
 *   $XDG_CONFIG_HOME/dingdrop
 *
 * Returns: (transfer full): an empty store; call dd_profile_store_load()
 */
DdProfileStore *
dd_profile_store_new (const char *config_dir)
{
  return g_object_new (DD_TYPE_PROFILE_STORE,
                       "config-dir", config_dir,
                       NULL);
}

static char *
get_path (DdProfileStore *self)
{
  return g_build_filename (self->config_dir, FILE_NAME, NULL);
}

static gboolean
find_profile (DdProfileStore *self,
              DdProfile      *profile,
              guint          *position)
{
  return g_ptr_array_find (self->profiles, profile, position);
}

static DdProfile *
find_by_id (DdProfileStore *self,
            const char     *id)
{
  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->profiles->len; i++)
    {
      DdProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_strcmp0 (dd_profile_get_id (profile), id) == 0)
        return profile;
    }

  return NULL;
}

static DdProfile *
find_by_name (DdProfileStore *self,
              const char     *name)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      DdProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_strcmp0 (dd_profile_get_name (profile), name) == 0)
        return profile;
    }

  return NULL;
}

/* Sets the default id without checks; notifies if the profile changed. */
static void
set_default_id (DdProfileStore *self,
                const char     *id)
{
  if (g_strcmp0 (self->default_id, id) == 0)
    return;

  g_free (self->default_id);
  self->default_id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_PROFILE]);
}

/**
 * dd_profile_store_lookup:
 * @name_or_id: a profile's id, or its exact (case-sensitive) name
 *
 * Returns: (transfer none) (nullable): the profile, or %NULL
 */
DdProfile *
dd_profile_store_lookup (DdProfileStore *self,
                         const char     *name_or_id)
{
  DdProfile *profile;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  profile = find_by_id (self, name_or_id);
  if (profile == NULL)
    profile = find_by_name (self, name_or_id);

  return profile;
}

/**
 * dd_profile_store_get_default:
 *
 * Returns: (transfer none) (nullable): the default profile, %NULL only if
 *   the store is empty
 */
DdProfile *
dd_profile_store_get_default (DdProfileStore *self)
{
  DdProfile *profile;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), NULL);

  profile = find_by_id (self, self->default_id);
  if (profile == NULL && self->profiles->len > 0)
    profile = g_ptr_array_index (self->profiles, 0);

  return profile;
}

/**
 * dd_profile_store_set_default:
 * @profile: a profile of this store
 */
void
dd_profile_store_set_default (DdProfileStore *self,
                              DdProfile      *profile)
{
  g_return_if_fail (DD_IS_PROFILE_STORE (self));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (find_profile (self, profile, NULL));

  set_default_id (self, dd_profile_get_id (profile));
}

/* The id is a GKeyFile group name: no brackets, no control characters. */
static gboolean
is_valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strcmp (id, GENERAL_GROUP) == 0)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
      return FALSE;

  return g_utf8_validate (id, -1, NULL);
}

/**
 * dd_profile_store_add:
 * @profile: a profile whose name no other profile of the store has
 * @error: a #DD_ERROR_PROFILE error
 *
 * Appends @profile; the first profile added becomes the default.  Call
 * dd_profile_store_save() to write the change.
 */
gboolean
dd_profile_store_add (DdProfileStore  *self,
                      DdProfile       *profile,
                      GError         **error)
{
  const char *name;
  guint position;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DD_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = dd_profile_get_name (profile);

  if (*name == '\0')
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("The robot needs a name."));
      return FALSE;
    }

  if (find_by_name (self, name) != NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("There is already a robot named “%s”."), name);
      return FALSE;
    }

  if (find_by_id (self, dd_profile_get_id (profile)) != NULL)
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("This robot is already saved."));
      return FALSE;
    }

  if (!is_valid_id (dd_profile_get_id (profile)))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_PROFILE,
                           _("This robot’s identifier cannot be saved. Create the robot again."));
      return FALSE;
    }

  position = self->profiles->len;
  g_ptr_array_add (self->profiles, g_object_ref (profile));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  if (find_by_id (self, self->default_id) == NULL)
    set_default_id (self, dd_profile_get_id (profile));

  return TRUE;
}

/**
 * dd_profile_store_remove:
 * @profile: a profile of this store
 * @error: a #DD_ERROR_PROFILE error if @profile is not in the store
 *
 * If @profile was the default, the first remaining profile becomes the
 * default.  Its secrets stay in the keyring: remove them with
 * dd_secrets_clear_async().  Call dd_profile_store_save() to write the
 * change.
 */
gboolean
dd_profile_store_remove (DdProfileStore  *self,
                         DdProfile       *profile,
                         GError         **error)
{
  g_autoptr(DdProfile) removed = NULL;
  gboolean was_default;
  guint position;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DD_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!find_profile (self, profile, &position))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("There is no saved robot named “%s”."),
                   dd_profile_get_name (profile));
      return FALSE;
    }

  was_default = (dd_profile_store_get_default (self) == profile);
  removed = g_ptr_array_steal_index (self->profiles, position);

  /* Settle the default before telling anyone, so that a handler of
   * items-changed sees a consistent store. */
  if (was_default)
    {
      if (self->profiles->len > 0)
        set_default_id (self, dd_profile_get_id (g_ptr_array_index (self->profiles, 0)));
      else
        set_default_id (self, NULL);
    }

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  return TRUE;
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

  return g_steal_pointer (&profile);
}

static void
append_from_group (GPtrArray  *profiles,
                   GHashTable *seen,
                   GKeyFile   *key_file,
                   const char *id)
{
  if (!is_valid_id (id) || g_hash_table_contains (seen, id) ||
      !g_key_file_has_group (key_file, id))
    return;

  g_hash_table_add (seen, g_strdup (id));
  g_ptr_array_add (profiles, profile_from_group (key_file, id));
}

/**
 * dd_profile_store_load:
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Replaces the store's profiles with those of "profiles.ini".  A missing
 * file is an empty store.  Secrets are not loaded: see
 * dd_secrets_load_async().
 */
gboolean
dd_profile_store_load (DdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autofree char *path = NULL;
  g_autofree char *default_id = NULL;
  g_auto(GStrv) order = NULL;
  g_auto(GStrv) groups = NULL;
  guint old_len;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = get_path (self);
  profiles = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                       _("Could not read the saved robots from “%s”: %s"),
                       display, local_error->message);
          return FALSE;
        }
    }
  else
    {
      seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      /* The saved order first, then any group the order forgot. */
      order = g_key_file_get_string_list (key_file, GENERAL_GROUP, "Order", NULL, NULL);
      for (guint i = 0; order != NULL && order[i] != NULL; i++)
        append_from_group (profiles, seen, key_file, order[i]);

      groups = g_key_file_get_groups (key_file, NULL);
      for (guint i = 0; groups[i] != NULL; i++)
        append_from_group (profiles, seen, key_file, groups[i]);

      default_id = g_key_file_get_string (key_file, GENERAL_GROUP, "Default", NULL);
    }

  old = g_steal_pointer (&self->profiles);
  old_len = old->len;
  self->profiles = g_steal_pointer (&profiles);

  if (find_by_id (self, default_id) == NULL)
    {
      g_clear_pointer (&default_id, g_free);
      if (self->profiles->len > 0)
        default_id = g_strdup (dd_profile_get_id (g_ptr_array_index (self->profiles, 0)));
    }

  g_free (self->default_id);
  self->default_id = g_steal_pointer (&default_id);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->profiles->len);
  if (old_len != self->profiles->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_PROFILE]);

  return TRUE;
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
}

/**
 * dd_profile_store_save:
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Writes "profiles.ini" atomically, readable by the user alone (0600, in a
 * 0700 folder if it has to create it).  Secrets are never written there.
 */
gboolean
dd_profile_store_save (DdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_auto(GStrv) order_strv = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  DdProfile *default_profile;
  gsize length;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = get_path (self);

  g_key_file_set_integer (key_file, GENERAL_GROUP, "Version", FORMAT_VERSION);
  default_profile = dd_profile_store_get_default (self);
  if (default_profile != NULL)
    g_key_file_set_string (key_file, GENERAL_GROUP, "Default",
                           dd_profile_get_id (default_profile));

  for (guint i = 0; i < self->profiles->len; i++)
    g_strv_builder_add (order, dd_profile_get_id (g_ptr_array_index (self->profiles, i)));
  order_strv = g_strv_builder_end (order);
  g_key_file_set_string_list (key_file, GENERAL_GROUP, "Order",
                              (const char * const *) order_strv,
                              self->profiles->len);

  for (guint i = 0; i < self->profiles->len; i++)
    profile_to_group (g_ptr_array_index (self->profiles, i), key_file);

  data = g_key_file_to_data (key_file, &length, NULL);

  if (g_mkdir_with_parents (self->config_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (self->config_dir);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not create the folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not save the robots to “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }

  return TRUE;
}
