/* dd-profile-store.h: the saved robot profiles, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-profile.h"

G_BEGIN_DECLS

#define DD_TYPE_PROFILE_STORE (dd_profile_store_get_type ())

G_DECLARE_FINAL_TYPE (DdProfileStore, dd_profile_store, DD, PROFILE_STORE, GObject)

/* A GListModel of DdProfile, in the order they were added.  Only the
 * non-secret fields are written, to "profiles.ini" in @config_dir (default:
 * $XDG_CONFIG_HOME/dingdrop), atomically and readable by the user alone.
 *
 * Several processes share the file (the window, `dingdrop profile add`):
 * dd_profile_store_save() writes only what this store changed since it
 * last loaded or saved — the profiles it added, changed or removed, and
 * the default if it was set — merged into what the file holds by then,
 * under a lock; and once dd_profile_store_watch() was called, what other
 * processes save comes into the store on its own.  Either way a profile
 * keeps its DdProfile object for as long as it exists: it is updated in
 * place (its properties notify), new profiles are appended and removed
 * ones removed, each with its own items-changed.  A change made here and
 * not saved yet is kept over the file's.
 *
 * Signals:
 *   "profile-changed" (DdProfile *profile)
 *       the saved fields of @profile, still in the store, changed: another
 *       process's, read by a load, a save or the watch, or this process's
 *       own, once dd_profile_store_save() wrote them.  Not emitted for a
 *       profile added (see items-changed) nor for its secrets alone.
 *   "profile-removed" (const char *id)
 *       the profile with this id left the store: by
 *       dd_profile_store_remove(), or because another process removed it.
 *       Emitted after items-changed; its keyring items are not touched.
 *
 * When a load, save or the watch finds that another process saved the
 * file, every profile already in the store gets its "secrets-loaded"
 * cleared (see dd-profile.h): that process may have changed the keyring
 * too, and it writes the keyring before the file. */

DdProfileStore *dd_profile_store_new          (const char      *config_dir);
gboolean        dd_profile_store_load         (DdProfileStore  *self,
                                               GError         **error);
gboolean        dd_profile_store_save         (DdProfileStore  *self,
                                               GError         **error);
gboolean        dd_profile_store_watch        (DdProfileStore  *self,
                                               GError         **error);
DdProfile      *dd_profile_store_lookup       (DdProfileStore  *self,
                                               const char      *name_or_id);
DdProfile      *dd_profile_store_get_default  (DdProfileStore  *self);
void            dd_profile_store_set_default  (DdProfileStore  *self,
                                               DdProfile       *profile);
gboolean        dd_profile_store_add          (DdProfileStore  *self,
                                               DdProfile       *profile,
                                               GError         **error);
gboolean        dd_profile_store_remove       (DdProfileStore  *self,
                                               DdProfile       *profile,
                                               GError         **error);

G_END_DECLS
