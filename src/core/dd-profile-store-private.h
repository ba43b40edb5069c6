/* dd-profile-store-private.h: what the files of DdProfileStore share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-profile-store.h"

G_BEGIN_DECLS

#define DD_PROFILES_FILE_NAME "profiles.ini"

/* What one reading of "profiles.ini" found. */
typedef struct {
  GPtrArray *profiles;    /* new DdProfile objects, in the file's order */
  char      *default_id;  /* as written: it may name no profile */
  char      *checksum;    /* of the bytes read; NULL for a missing file */
} DdProfilesFile;

struct _DdProfileStore
{
  GObject       parent_instance;

  char         *config_dir;
  GPtrArray    *profiles;        /* of DdProfile, in the user's order */
  char         *default_id;
  gboolean      default_chosen;  /* by set_default() since the last sync */

  /* The file as this store last read or wrote it ("the last sync"): each
   * profile's saved fields (id -> dd_profiles_file_serialize ()) and the
   * checksum of the whole file.  A profile of the store whose fields
   * differ from its entry, or that has none, was changed or added here; an
   * entry whose profile is gone was removed here. */
  GHashTable   *synced;
  char         *synced_checksum;
  guint         generation;      /* bumped at every sync */

  GFileMonitor *monitor;
  guint         reload_id;
  GCancellable *reload_cancellable;
};

/* One profile of the store as it will be after a merge. */
typedef struct {
  DdProfile *profile;          /* the store's own, or new from the file */
  DdProfile *fields;           /* whose saved fields it ends up with */
  guint      is_new : 1;       /* from the file, new to the store */
  guint      updated : 1;      /* gets the file's fields, which differ */
  guint      added_here : 1;   /* added here since the last sync */
  guint      changed_here : 1; /* changed here since the last sync */
} DdProfilesMergeItem;

typedef struct {
  GArray    *items;       /* of DdProfilesMergeItem, in the store's order after it */
  GPtrArray *removed;     /* of DdProfile: those of the store that go */
  char      *default_id;
} DdProfilesMerge;

/* dd-profile-store.c */
char           *dd_profile_store_get_path      (DdProfileStore  *self);
void            dd_profile_store_merge_file    (DdProfileStore  *self,
                                                DdProfilesFile  *file);

/* dd-profile-store-merge.c */
DdProfilesMerge *dd_profiles_merge_new         (DdProfileStore   *self,
                                                DdProfilesFile   *file,
                                                gboolean          keep_local);
gboolean        dd_profiles_merge_check_names  (DdProfilesMerge  *merge,
                                                GError          **error);
GPtrArray      *dd_profiles_merge_get_fields   (DdProfilesMerge  *merge);
void            dd_profiles_merge_free         (DdProfilesMerge  *merge);

/* dd-profile-store-watch.c */
void            dd_profile_store_watch_dispose (DdProfileStore  *self);

/* dd-profile-store-file.c: the format of "profiles.ini", and its lock */
gboolean        dd_profiles_file_is_valid_id   (const char      *id);
DdProfilesFile *dd_profiles_file_parse         (const char      *path,
                                                const char      *data,
                                                gsize            length,
                                                GError         **error);
DdProfilesFile *dd_profiles_file_read          (const char      *path,
                                                GError         **error);
void            dd_profiles_file_free          (DdProfilesFile  *file);
char           *dd_profiles_file_serialize     (DdProfile       *profile);
void            dd_profiles_file_copy_fields   (DdProfile       *to,
                                                DdProfile       *from);
int             dd_profiles_file_lock          (const char      *config_dir,
                                                GError         **error);
char           *dd_profiles_file_write         (const char      *path,
                                                GPtrArray       *profiles,
                                                const char      *default_id,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdProfilesFile, dd_profiles_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdProfilesMerge, dd_profiles_merge_free)

G_END_DECLS
