/* dd-profile.h: one group robot and the internal app used for uploads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "dd-message.h"

G_BEGIN_DECLS

#define DD_DEFAULT_OAPI_BASE       "https://oapi.dingtalk.com"
#define DD_DEFAULT_API_BASE        "https://api.dingtalk.com"
#define DD_DEFAULT_LINK_TEMPLATE   "{media_id}"
#define DD_DEFAULT_MAX_IMAGE_BYTES (20 * 1024 * 1024)
#define DD_MAX_KEYWORDS            10

#define DD_TYPE_PROFILE (dd_profile_get_type ())

G_DECLARE_FINAL_TYPE (DdProfile, dd_profile, DD, PROFILE, GObject)

/* Properties (all with notify): "id" (construct-only), "name", "keywords",
 * "app-key", "link-template", "max-image-bytes", "keep-metadata",
 * "oapi-base", "api-base", "robot-code", "conversation-id",
 * "picture-style", "card-title", "card-url", "checked-at".  The three
 * secrets, webhook, signing secret and AppSecret, live only in memory and
 * in the keyring (see dd-secrets.h), never in the config file, and are no
 * properties (nothing that lists properties can show them): they have
 * accessors, and the read-only "has-webhook", "has-secret" and
 * "has-app-secret" notify whenever they change.
 *
 * "secrets-loaded" (read-only) says whether those three are the keyring's:
 * TRUE once dd_secrets_load_async() or dd_secrets_store_async() succeeded,
 * FALSE for a profile read from the file whose secrets were never loaded,
 * and FALSE again when the profile store sees another process save the
 * robots (it may have changed the keyring too).  The values in memory stay
 * as they were, so a send under way keeps them; whoever keeps a profile for
 * long loads its secrets again before the next use when this is FALSE. */

DdProfile          *dd_profile_new                  (const char         *name);
DdProfile          *dd_profile_new_with_id          (const char         *id,
                                                     const char         *name);
DdProfile          *dd_profile_duplicate            (DdProfile          *self,
                                                     const char         *new_name);

const char         *dd_profile_get_id               (DdProfile          *self);
const char         *dd_profile_get_name             (DdProfile          *self);
void                dd_profile_set_name             (DdProfile          *self,
                                                     const char         *name);
const char * const *dd_profile_get_keywords         (DdProfile          *self);
void                dd_profile_set_keywords         (DdProfile          *self,
                                                     const char * const *keywords);
const char         *dd_profile_get_app_key          (DdProfile          *self);
void                dd_profile_set_app_key          (DdProfile          *self,
                                                     const char         *app_key);
const char         *dd_profile_get_link_template    (DdProfile          *self);
void                dd_profile_set_link_template    (DdProfile          *self,
                                                     const char         *link_template);
guint64             dd_profile_get_max_image_bytes  (DdProfile          *self);
void                dd_profile_set_max_image_bytes  (DdProfile          *self,
                                                     guint64             max_image_bytes);
gboolean            dd_profile_get_keep_metadata    (DdProfile          *self);
void                dd_profile_set_keep_metadata    (DdProfile          *self,
                                                     gboolean            keep_metadata);
const char         *dd_profile_get_oapi_base        (DdProfile          *self);
void                dd_profile_set_oapi_base        (DdProfile          *self,
                                                     const char         *oapi_base);
const char         *dd_profile_get_api_base         (DdProfile          *self);
void                dd_profile_set_api_base         (DdProfile          *self,
                                                     const char         *api_base);
const char         *dd_profile_get_robot_code       (DdProfile          *self);
void                dd_profile_set_robot_code       (DdProfile          *self,
                                                     const char         *robot_code);
const char         *dd_profile_get_conversation_id  (DdProfile          *self);
void                dd_profile_set_conversation_id  (DdProfile          *self,
                                                     const char         *conversation_id);
/* How a custom robot shows images (an app robot always uses
 * sampleImageMsg), the cards' title and link for the card style, and when
 * the user last said the Test's picture showed in the group (Unix
 * seconds, 0: never; cleared when the style changes). */
DdPictureStyle      dd_profile_get_picture_style    (DdProfile          *self);
void                dd_profile_set_picture_style    (DdProfile          *self,
                                                     DdPictureStyle      style);
const char         *dd_profile_get_card_title       (DdProfile          *self);
void                dd_profile_set_card_title       (DdProfile          *self,
                                                     const char         *card_title);
const char         *dd_profile_get_card_url         (DdProfile          *self);
void                dd_profile_set_card_url         (DdProfile          *self,
                                                     const char         *card_url);
gint64              dd_profile_get_checked_at       (DdProfile          *self);
void                dd_profile_set_checked_at       (DdProfile          *self,
                                                     gint64              checked_at);
const char         *dd_picture_style_to_string      (DdPictureStyle      style);
gboolean            dd_picture_style_from_string    (const char         *name,
                                                     DdPictureStyle     *out_style);

/* Secrets: in memory only, loaded from and stored to the keyring. */
const char         *dd_profile_get_webhook          (DdProfile          *self);
gboolean            dd_profile_set_webhook          (DdProfile          *self,
                                                     const char         *webhook,
                                                     GError            **error);
const char         *dd_profile_get_secret           (DdProfile          *self);
void                dd_profile_set_secret           (DdProfile          *self,
                                                     const char         *secret);
const char         *dd_profile_get_app_secret       (DdProfile          *self);
void                dd_profile_set_app_secret       (DdProfile          *self,
                                                     const char         *app_secret);

gboolean            dd_profile_get_secrets_loaded   (DdProfile          *self);

gboolean            dd_profile_has_app_credentials  (DdProfile          *self);
gboolean            dd_profile_uses_app_robot       (DdProfile          *self);
gboolean            dd_profile_validate             (DdProfile          *self,
                                                     GError            **error);

char               *dd_webhook_normalize            (const char         *input,
                                                     const char         *oapi_base,
                                                     GError            **error);
gboolean            dd_url_is_allowed               (const char         *url,
                                                     GError            **error);

G_END_DECLS
