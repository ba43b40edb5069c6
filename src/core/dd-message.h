/* dd-message.h: the markdown messages that carry images into a group
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* DingTalk refuses a robot message body over this many bytes (460101). */
#define DD_MESSAGE_MAX_BODY_BYTES 20000

/* How a message shows its images (see dd_message_compose()). */
typedef enum {
  DD_PICTURE_STYLE_MARKDOWN,   /* `![name](LINK)` inside a markdown message */
  DD_PICTURE_STYLE_CARD,       /* custom robot: a feedCard, one card per image */
  DD_PICTURE_STYLE_IMAGE_MSG,  /* app robot: one sampleImageMsg per image */
} DdPictureStyle;

/* A card's link when the robot sets none: harmless, DingTalk's own page. */
#define DD_MESSAGE_DEFAULT_CARD_URL "https://www.dingtalk.com/"

typedef struct {
  char     *title;
  char     *text;
  GStrv     at_mobiles;
  GStrv     at_user_ids;
  gboolean  at_all;
  gboolean  plain_text;   /* a "text" message instead of "markdown" */
  guint     first_image;  /* the images it carries, of those composed */
  guint     n_images;
  char     *msg_uuid;     /* nullable: DingTalk's idempotency key (custom robots) */
  /* A picture message: its images (media_ids or https URLs) shown as
   * pictures, a feedCard's cards or one sampleImageMsg; NULL for text */
  GStrv     pictures;
  GStrv     card_titles;  /* one per picture (feedCard) */
  char     *card_url;     /* every card's messageURL (feedCard) */
} DdMessage;

typedef struct {
  const char         *title;           /* nullable: the caption's first line, or "[Image]" */
  const char         *caption;         /* nullable */
  const char * const *at_mobiles;      /* nullable */
  const char * const *at_user_ids;     /* nullable */
  gboolean            at_all;
  const char * const *keywords;        /* nullable: the robot's keywords */
  const char         *link_template;   /* nullable: "{media_id}" */
  gsize               max_body_bytes;  /* 0: DD_MESSAGE_MAX_BODY_BYTES */
  DdPictureStyle      picture_style;
  const char         *card_title;      /* nullable: each card is titled with its image's name */
  const char         *card_url;        /* nullable: DD_MESSAGE_DEFAULT_CARD_URL */
} DdComposeOptions;

#define DD_TYPE_MESSAGE (dd_message_get_type ())

GType       dd_message_get_type         (void) G_GNUC_CONST;
DdMessage  *dd_message_new              (const char             *title,
                                         const char             *text);
DdMessage  *dd_message_copy             (const DdMessage        *message);
void        dd_message_free             (DdMessage              *message);

GPtrArray  *dd_message_compose          (const DdComposeOptions *options,
                                         const char * const     *names,
                                         const char * const     *media_ids,
                                         guint                   n_images);
DdMessage  *dd_message_compose_text     (const DdComposeOptions *options,
                                         const char             *text);
char       *dd_message_to_webhook_json  (const DdMessage        *message);
char       *dd_message_to_app_robot_json (const DdMessage       *message,
                                         const char             *robot_code,
                                         const char             *conversation_id);
char       *dd_link_expand              (const char             *link_template,
                                         const char             *media_id);
char       *dd_message_default_title    (const char             *caption);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdMessage, dd_message_free)

G_END_DECLS
