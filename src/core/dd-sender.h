/* dd-sender.h: sends a batch of images to one robot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-profile.h"

G_BEGIN_DECLS

#define DD_SENDER_MAX_CONCURRENT_UPLOADS 3

typedef enum {
  DD_ITEM_WAITING,
  DD_ITEM_UPLOADING,
  DD_ITEM_SENDING,
  DD_ITEM_SENT,
  DD_ITEM_FAILED,
} DdItemState;

typedef struct {
  char        *display_name;  /* what the user knows it as: a path, "-" */
  char        *filename;      /* the name DingTalk is told */
  char        *mime_type;
  GBytes      *data;          /* nullable once failed */
  DdItemState  state;
  char        *media_id;
  GError      *error;
} DdSendItem;

typedef struct {
  const char         *title;
  const char         *caption;
  const char * const *at_mobiles;
  const char * const *at_user_ids;
  gboolean            at_all;
  gboolean            album;     /* one message holding every image */
} DdSendOptions;

typedef void (*DdItemChangedFunc) (DdSendItem *item,
                                   gpointer    user_data);

DdSendItem *dd_send_item_new          (const char        *display_name,
                                       const char        *filename,
                                       const char        *mime_type,
                                       GBytes            *data);
DdSendItem *dd_send_item_new_failed   (const char        *display_name,
                                       const GError      *error);
void        dd_send_item_free         (DdSendItem        *item);

void        dd_sender_send_async      (DdClient          *client,
                                       DdProfile         *profile,
                                       GPtrArray         *items,
                                       const DdSendOptions *options,
                                       DdItemChangedFunc  changed,
                                       gpointer           changed_data,
                                       GCancellable      *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer           user_data);
gboolean    dd_sender_send_finish     (GAsyncResult      *result,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdSendItem, dd_send_item_free)

G_END_DECLS
