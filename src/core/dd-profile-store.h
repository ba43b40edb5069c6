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
 * $XDG_CONFIG_HOME/dingdrop), atomically and readable by the user alone. */

DdProfileStore *dd_profile_store_new          (const char      *config_dir);
gboolean        dd_profile_store_load         (DdProfileStore  *self,
                                               GError         **error);
gboolean        dd_profile_store_save         (DdProfileStore  *self,
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
