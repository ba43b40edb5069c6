/* dd-profile-store.c: the saved robot profiles, as a GListModel
 *
 * One truth for every process: a save merges this store's changes into
 * what the file holds by then (dd-profile-store-merge.c), and a load, a
 * save and the watch (dd-profile-store-watch.c) bring what other processes
 * saved into the store in place (merge_apply() below).  The format of the
 * file is in dd-profile-store-file.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-store"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-profile-private.h"
#include "dd-profile-store-private.h"

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

enum {
  SIGNAL_PROFILE_CHANGED,
  SIGNAL_PROFILE_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
dd_profile_store_dispose (GObject *object)
{
  DdProfileStore *self = (DdProfileStore *) object;

  dd_profile_store_watch_dispose (self);

  G_OBJECT_CLASS (dd_profile_store_parent_class)->dispose (object);
}

static void
dd_profile_store_finalize (GObject *object)
{
  DdProfileStore *self = (DdProfileStore *) object;

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->config_dir, g_free);
  g_clear_pointer (&self->default_id, g_free);
  g_clear_pointer (&self->synced, g_hash_table_unref);
  g_clear_pointer (&self->synced_checksum, g_free);

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

  object_class->dispose = dd_profile_store_dispose;
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

  /**
   * DdProfileStore::profile-changed:
   * @profile: a profile of the store, updated in place
   *
   * Its saved fields changed: by another process (seen by a load, a save
   * or the watch), or by this one once dd_profile_store_save() wrote them.
   */
  signals[SIGNAL_PROFILE_CHANGED] =
    g_signal_new ("profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DD_TYPE_PROFILE);

  /**
   * DdProfileStore::profile-removed:
   * @id: the id of the profile that left the store
   *
   * Emitted after items-changed, by dd_profile_store_remove() or when
   * another process removed the profile.
   */
  signals[SIGNAL_PROFILE_REMOVED] =
    g_signal_new ("profile-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dd_profile_store_init (DdProfileStore *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  self->synced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
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

char *
dd_profile_store_get_path (DdProfileStore *self)
{
  return g_build_filename (self->config_dir, DD_PROFILES_FILE_NAME, NULL);
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

  /* A choice, which the next save writes over the file's; the default
   * that add() and remove() settle by themselves is not. */
  self->default_chosen = TRUE;
  set_default_id (self, dd_profile_get_id (profile));
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

  if (!dd_profiles_file_is_valid_id (dd_profile_get_id (profile)))
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
 * default.  Emits items-changed, then "profile-removed".  Its secrets
 * stay in the keyring: remove them with dd_secrets_clear_async().  Call
 * dd_profile_store_save() to write the change.
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
  g_signal_emit (self, signals[SIGNAL_PROFILE_REMOVED], 0, dd_profile_get_id (removed));

  return TRUE;
}

/* ---- bringing the file in ------------------------------------------- */

/* id -> saved fields, of every profile in @profiles */
static GHashTable *
synced_table_new (GPtrArray *profiles)
{
  GHashTable *synced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < profiles->len; i++)
    {
      DdProfile *profile = g_ptr_array_index (profiles, i);

      g_hash_table_insert (synced, g_strdup (dd_profile_get_id (profile)),
                           dd_profiles_file_serialize (profile));
    }

  return synced;
}

/* Records what the file holds now.  A read of the file that began before
 * this (see dd-profile-store-watch.c) is out of date. */
static void
set_synced (DdProfileStore *self,
            const char     *checksum,
            GHashTable     *synced)
{
  g_hash_table_unref (self->synced);
  self->synced = synced;
  g_free (self->synced_checksum);
  self->synced_checksum = g_strdup (checksum);
  self->generation++;
}

/* Makes the store what @merge says, with one items-changed per removal and
 * one for the profiles appended, so that every handler sees the store as
 * the signal describes it.  With @external, another process wrote the
 * file: it may have changed the keyring too. */
static void
merge_apply (DdProfileStore  *self,
             DdProfilesMerge *merge,
             gboolean         external)
{
  g_autoptr(DdProfile) old_default = NULL;
  guint old_len = self->profiles->len;
  guint n_new = 0;

  if (dd_profile_store_get_default (self) != NULL)
    old_default = g_object_ref (dd_profile_store_get_default (self));

  g_free (self->default_id);
  self->default_id = g_strdup (merge->default_id);

  for (guint i = 0; i < merge->items->len; i++)
    {
      const DdProfilesMergeItem *item = &g_array_index (merge->items, DdProfilesMergeItem, i);

      if (item->is_new)
        continue;
      if (external)
        dd_profile_mark_secrets_stale (item->profile);
      if (item->updated)
        dd_profiles_file_copy_fields (item->profile, item->fields);
    }

  for (guint i = 0; i < merge->removed->len; i++)
    {
      DdProfile *removed = g_ptr_array_index (merge->removed, i);
      guint position;

      /* a handler of an earlier signal may have removed it already */
      if (!find_profile (self, removed, &position))
        continue;

      g_ptr_array_remove_index (self->profiles, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_signal_emit (self, signals[SIGNAL_PROFILE_REMOVED], 0, dd_profile_get_id (removed));
    }

  for (guint i = 0; i < merge->items->len; i++)
    {
      const DdProfilesMergeItem *item = &g_array_index (merge->items, DdProfilesMergeItem, i);

      if (item->is_new)
        {
          g_ptr_array_add (self->profiles, g_object_ref (item->profile));
          n_new++;
        }
    }
  if (n_new > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), self->profiles->len - n_new, 0, n_new);

  if (self->profiles->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (dd_profile_store_get_default (self) != old_default)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_PROFILE]);

  for (guint i = 0; i < merge->items->len; i++)
    {
      const DdProfilesMergeItem *item = &g_array_index (merge->items, DdProfilesMergeItem, i);

      if (item->updated || item->changed_here)
        g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0, item->profile);
    }
}

/**
 * dd_profile_store_merge_file:
 * @file: what "profiles.ini" holds now
 *
 * Brings what another process saved into the store, keeping what this
 * one changed and has not saved yet.  Nothing happens if @file is what
 * this store last read or wrote itself.
 */
void
dd_profile_store_merge_file (DdProfileStore *self,
                             DdProfilesFile *file)
{
  g_autoptr(DdProfilesMerge) merge = NULL;

  g_assert (DD_IS_PROFILE_STORE (self));
  g_assert (file != NULL);

  if (g_strcmp0 (file->checksum, self->synced_checksum) == 0)
    return;

  merge = dd_profiles_merge_new (self, file, TRUE);
  set_synced (self, file->checksum, synced_table_new (file->profiles));
  merge_apply (self, merge, TRUE);
}

/**
 * dd_profile_store_load:
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Makes the store what "profiles.ini" holds, dropping what was added,
 * changed or removed here and not saved.  A profile of the store that is
 * still in the file keeps its object, updated in place; a missing file is
 * an empty store.  Secrets are not loaded: see dd_secrets_load_async().
 * On error the store stays as it was.
 */
gboolean
dd_profile_store_load (DdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(DdProfilesFile) file = NULL;
  g_autoptr(DdProfilesMerge) merge = NULL;
  g_autofree char *path = NULL;
  gboolean external;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = dd_profile_store_get_path (self);
  file = dd_profiles_file_read (path, error);
  if (file == NULL)
    return FALSE;

  merge = dd_profiles_merge_new (self, file, FALSE);
  external = g_strcmp0 (file->checksum, self->synced_checksum) != 0;
  set_synced (self, file->checksum, synced_table_new (file->profiles));
  self->default_chosen = FALSE;
  merge_apply (self, merge, external);

  return TRUE;
}

/**
 * dd_profile_store_save:
 * @error: a #DD_ERROR_PROFILE error naming the file
 *
 * Writes what this store added, changed or removed since it last loaded
 * or saved, and the default if dd_profile_store_set_default() chose one,
 * into "profiles.ini" as it is now: under a lock, so that no other
 * process's save comes in between, and atomically, readable by the user
 * alone (0600, in a 0700 folder if it has to create it).  What other
 * processes saved meanwhile comes into the store, as a load would bring
 * it; "profile-changed" is emitted for each profile changed here.  On
 * error the store stays as it was, its changes still to be saved.
 * Secrets are never written there.
 */
gboolean
dd_profile_store_save (DdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(DdProfilesFile) file = NULL;
  g_autoptr(DdProfilesMerge) merge = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *path = NULL;
  g_autofree char *checksum = NULL;
  gboolean external;
  int lock_fd;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (self->config_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (self->config_dir);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not create the folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  lock_fd = dd_profiles_file_lock (self->config_dir, error);
  if (lock_fd < 0)
    return FALSE;

  /* Read under the lock: what another process saves after this read
   * waits for this write, then merges it in turn. */
  path = dd_profile_store_get_path (self);
  file = dd_profiles_file_read (path, error);
  if (file != NULL)
    {
      merge = dd_profiles_merge_new (self, file, TRUE);
      fields = dd_profiles_merge_get_fields (merge);
      if (dd_profiles_merge_check_names (merge, error))
        checksum = dd_profiles_file_write (path, fields, merge->default_id, error);
    }

  close (lock_fd);

  if (checksum == NULL)
    return FALSE;

  external = g_strcmp0 (file->checksum, self->synced_checksum) != 0;
  set_synced (self, checksum, synced_table_new (fields));
  self->default_chosen = FALSE;
  merge_apply (self, merge, external);

  return TRUE;
}
