/* dd-profile-store-merge.c: what the store would be with the file as it
 * is now, and this process's changes since the last sync
 *
 * Three versions of each profile meet here: the store's object, its entry
 * in self->synced (the file when this store last read or wrote it), and
 * the file now.  What differs between the first two was done here; what
 * differs between the last two was done elsewhere.  A change here wins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-profile-store-private.h"

static void
merge_item_clear (DdProfilesMergeItem *item)
{
  g_clear_object (&item->profile);
  g_clear_object (&item->fields);
}

void
dd_profiles_merge_free (DdProfilesMerge *merge)
{
  g_clear_pointer (&merge->items, g_array_unref);
  g_clear_pointer (&merge->removed, g_ptr_array_unref);
  g_clear_pointer (&merge->default_id, g_free);
  g_free (merge);
}

static gboolean
merge_has (DdProfilesMerge *merge,
           const char      *id)
{
  if (id == NULL)
    return FALSE;

  for (guint i = 0; i < merge->items->len; i++)
    if (g_str_equal (dd_profile_get_id (g_array_index (merge->items, DdProfilesMergeItem, i).profile), id))
      return TRUE;

  return FALSE;
}

/* A default chosen here and not saved yet wins; then the file's; and if
 * that profile is gone, the first one, as after dd_profile_store_remove(). */
static const char *
merge_default (DdProfileStore  *self,
               DdProfilesMerge *merge,
               DdProfilesFile  *file,
               gboolean         keep_local)
{
  if (keep_local && self->default_chosen && merge_has (merge, self->default_id))
    return self->default_id;

  if (merge_has (merge, file->default_id))
    return file->default_id;

  if (merge->items->len > 0)
    return dd_profile_get_id (g_array_index (merge->items, DdProfilesMergeItem, 0).profile);

  return NULL;
}

/* What the store would be with @file: with @keep_local, what this store
 * added, changed or removed since the last sync stays so (a profile
 * changed here stays even if another process removed it), and the file
 * has the rest; without, the file has everything. */
DdProfilesMerge *
dd_profiles_merge_new (DdProfileStore *self,
                       DdProfilesFile *file,
                       gboolean        keep_local)
{
  g_autoptr(DdProfilesMerge) merge = g_new0 (DdProfilesMerge, 1);
  g_autoptr(GHashTable) in_store = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) in_file = g_hash_table_new (g_str_hash, g_str_equal);

  merge->items = g_array_new (FALSE, TRUE, sizeof (DdProfilesMergeItem));
  g_array_set_clear_func (merge->items, (GDestroyNotify) merge_item_clear);
  merge->removed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < file->profiles->len; i++)
    {
      DdProfile *from_file = g_ptr_array_index (file->profiles, i);

      g_hash_table_insert (in_file, (gpointer) dd_profile_get_id (from_file), from_file);
    }

  for (guint i = 0; i < self->profiles->len; i++)
    {
      DdProfile *profile = g_ptr_array_index (self->profiles, i);
      const char *id = dd_profile_get_id (profile);
      DdProfile *from_file = g_hash_table_lookup (in_file, id);
      const char *synced = g_hash_table_lookup (self->synced, id);
      g_autofree char *fields = dd_profiles_file_serialize (profile);
      DdProfilesMergeItem item = { NULL, };

      g_hash_table_add (in_store, (gpointer) id);

      if (keep_local && (synced == NULL || !g_str_equal (synced, fields)))
        {
          item.fields = g_object_ref (profile);
          item.added_here = (synced == NULL);
          item.changed_here = (synced != NULL);
        }
      else if (from_file != NULL)
        {
          g_autofree char *file_fields = dd_profiles_file_serialize (from_file);

          item.fields = g_object_ref (from_file);
          item.updated = !g_str_equal (fields, file_fields);
        }
      else
        {
          g_ptr_array_add (merge->removed, g_object_ref (profile));
          continue;
        }

      item.profile = g_object_ref (profile);
      g_array_append_val (merge->items, item);
    }

  for (guint i = 0; i < file->profiles->len; i++)
    {
      DdProfile *from_file = g_ptr_array_index (file->profiles, i);
      const char *id = dd_profile_get_id (from_file);
      DdProfilesMergeItem item = { NULL, };

      /* in the store (seen above), or removed here since the last sync */
      if (g_hash_table_contains (in_store, id) ||
          (keep_local && g_hash_table_contains (self->synced, id)))
        continue;

      item.profile = g_object_ref (from_file);
      item.fields = g_object_ref (from_file);
      item.is_new = TRUE;
      g_array_append_val (merge->items, item);
    }

  merge->default_id = g_strdup (merge_default (self, merge, file, keep_local));

  return g_steal_pointer (&merge);
}

/* dd_profile_store_add() keeps the names unique within this store, but
 * another process may have taken the name of a robot added or renamed
 * here since: refuse to save two robots of one name, which a name given
 * to `dingdrop send --profile` could no longer tell apart. */
gboolean
dd_profiles_merge_check_names (DdProfilesMerge  *merge,
                               GError          **error)
{
  for (guint i = 0; i < merge->items->len; i++)
    {
      const DdProfilesMergeItem *item = &g_array_index (merge->items, DdProfilesMergeItem, i);
      const char *name = dd_profile_get_name (item->fields);

      if (!item->added_here && !item->changed_here)
        continue;

      for (guint j = 0; j < merge->items->len; j++)
        if (j != i &&
            g_str_equal (name, dd_profile_get_name (g_array_index (merge->items, DdProfilesMergeItem, j).fields)))
          {
            g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                         _("There is already a robot named “%s”."), name);
            return FALSE;
          }
    }

  return TRUE;
}

/* Returns: (transfer container): what to write, in order */
GPtrArray *
dd_profiles_merge_get_fields (DdProfilesMerge *merge)
{
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; i < merge->items->len; i++)
    g_ptr_array_add (fields, g_array_index (merge->items, DdProfilesMergeItem, i).fields);

  return fields;
}
