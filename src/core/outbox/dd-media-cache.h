/* dd-media-cache.h: the media_id each image got, by its content: an image
 * sent again is not uploaded again (media_ids do not expire)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-io-queue.h"

G_BEGIN_DECLS

#define DD_TYPE_MEDIA_CACHE (dd_media_cache_get_type ())

G_DECLARE_FINAL_TYPE (DdMediaCache, dd_media_cache, DD, MEDIA_CACHE, GObject)

DdMediaCache *dd_media_cache_new            (const char          *directory,
                                             DdIoQueue           *queue);
void          dd_media_cache_lookup_async   (DdMediaCache        *self,
                                             const char          *sha256,
                                             const char          *app_key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char         *dd_media_cache_lookup_finish  (DdMediaCache        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          dd_media_cache_remember       (DdMediaCache        *self,
                                             const char          *sha256,
                                             const char          *app_key,
                                             const char          *media_id);

G_END_DECLS
