/* dd-message.c: the markdown messages that carry images into a group
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-message"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dd-message.h"

/* A title longer than this is cut: it only shows in the chat list. */
#define MAX_TITLE_CHARS 64
/* An image's alt text longer than this is cut. */
#define MAX_ALT_CHARS 80

G_DEFINE_BOXED_TYPE (DdMessage, dd_message, dd_message_copy, dd_message_free)

DdMessage *
dd_message_new (const char *title,
                const char *text)
{
  DdMessage *message = g_new0 (DdMessage, 1);

  message->title = g_strdup (title);
  message->text = g_strdup (text);

  return message;
}

DdMessage *
dd_message_copy (const DdMessage *message)
{
  DdMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = dd_message_new (message->title, message->text);
  copy->at_mobiles = g_strdupv (message->at_mobiles);
  copy->at_user_ids = g_strdupv (message->at_user_ids);
  copy->at_all = message->at_all;
  copy->plain_text = message->plain_text;
  copy->first_image = message->first_image;
  copy->n_images = message->n_images;
  copy->msg_uuid = g_strdup (message->msg_uuid);
  copy->pictures = g_strdupv (message->pictures);
  copy->card_titles = g_strdupv (message->card_titles);
  copy->card_url = g_strdup (message->card_url);

  return copy;
}

void
dd_message_free (DdMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->title);
  g_free (message->text);
  g_strfreev (message->at_mobiles);
  g_strfreev (message->at_user_ids);
  g_free (message->msg_uuid);
  g_strfreev (message->pictures);
  g_strfreev (message->card_titles);
  g_free (message->card_url);
  g_free (message);
}

static char *
utf8_truncate (const char *str,
               glong       max_chars)
{
  g_autofree char *cut = NULL;

  if (g_utf8_strlen (str, -1) <= max_chars)
    return g_strdup (str);

  cut = g_utf8_substring (str, 0, max_chars - 1);
  return g_strconcat (cut, "…", NULL);
}

/**
 * dd_message_default_title:
 * @caption: (nullable): the user's caption
 *
 * Returns: (transfer full): the caption's first non-empty line, or a
 *   translated "[Image]" — DingTalk shows the title in the chat list
 */
char *
dd_message_default_title (const char *caption)
{
  if (caption != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (caption, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *line = g_strstrip (g_strdup (lines[i]));

          if (*line != '\0')
            return utf8_truncate (line, MAX_TITLE_CHARS);
        }
    }

  return g_strdup (_("[Image]"));
}

/**
 * dd_link_expand:
 * @link_template: (nullable): e.g. "{media_id}" or
 *   "https://down.dingtalk.com/media/{media_id}"
 * @media_id: the media_id DingTalk gave the upload ("@lAD…")
 *
 * Returns: (transfer full): the link to put in `![name](LINK)`
 */
char *
dd_link_expand (const char *link_template,
                const char *media_id)
{
  g_autoptr(GString) link = NULL;
  const char *noat;

  g_return_val_if_fail (media_id != NULL, NULL);

  if (link_template == NULL || *link_template == '\0')
    link_template = "{media_id}";

  noat = media_id[0] == '@' ? media_id + 1 : media_id;
  link = g_string_new (link_template);
  /* The longer placeholder first: "{media_id}" is not a substring of it,
   * but replacing in this order keeps the intent obvious. */
  g_string_replace (link, "{media_id_noat}", noat, 0);
  g_string_replace (link, "{media_id}", media_id, 0);

  return g_string_free (g_steal_pointer (&link), FALSE);
}

static char *
alt_text (const char *name)
{
  g_autoptr(GString) alt = g_string_new (name ? name : "");
  g_autofree char *cut = NULL;

  /* Brackets and line breaks would end the markdown image early. */
  for (gsize i = 0; i < alt->len; i++)
    if (strchr ("[]()\r\n", alt->str[i]) != NULL)
      alt->str[i] = ' ';

  if (alt->len == 0)
    g_string_assign (alt, _("image"));

  cut = utf8_truncate (alt->str, MAX_ALT_CHARS);
  return g_steal_pointer (&cut);
}

static JsonNode *
strv_node (const char * const *strv)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  return json_node_init_array (json_node_alloc (), array);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * dd_message_to_webhook_json:
 *
 * Returns: (transfer full): the body for a custom robot's webhook
 */
char *
dd_message_to_webhook_json (const DdMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  if (message->pictures != NULL)
    {
      /* feedCard: DingTalk's documented way to show a media_id to a
       * custom robot's group; it takes no mentions */
      json_builder_set_member_name (builder, "msgtype");
      json_builder_add_string_value (builder, "feedCard");
      json_builder_set_member_name (builder, "feedCard");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "links");
      json_builder_begin_array (builder);
      for (guint i = 0; message->pictures[i] != NULL; i++)
        {
          const char *title = message->card_titles != NULL &&
                              i < g_strv_length (message->card_titles)
                                ? message->card_titles[i] : message->title;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, title && *title ? title : "-");
          json_builder_set_member_name (builder, "messageURL");
          json_builder_add_string_value (builder, message->card_url ? message->card_url
                                                                    : DD_MESSAGE_DEFAULT_CARD_URL);
          json_builder_set_member_name (builder, "picURL");
          json_builder_add_string_value (builder, message->pictures[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      if (message->msg_uuid != NULL)
        {
          json_builder_set_member_name (builder, "msgUuid");
          json_builder_add_string_value (builder, message->msg_uuid);
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      return node_to_string (root);
    }
  if (message->plain_text)
    {
      json_builder_set_member_name (builder, "msgtype");
      json_builder_add_string_value (builder, "text");
      json_builder_set_member_name (builder, "text");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, message->text ? message->text : "");
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "msgtype");
      json_builder_add_string_value (builder, "markdown");
      json_builder_set_member_name (builder, "markdown");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, message->title ? message->title : "");
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, message->text ? message->text : "");
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "at");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "atMobiles");
  json_builder_add_value (builder, strv_node ((const char * const *) message->at_mobiles));
  json_builder_set_member_name (builder, "atUserIds");
  json_builder_add_value (builder, strv_node ((const char * const *) message->at_user_ids));
  json_builder_set_member_name (builder, "isAtAll");
  json_builder_add_boolean_value (builder, message->at_all);
  json_builder_end_object (builder);
  if (message->msg_uuid != NULL)
    {
      /* DingTalk's idempotency key: a retry with the same one is not
       * shown twice */
      json_builder_set_member_name (builder, "msgUuid");
      json_builder_add_string_value (builder, message->msg_uuid);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return node_to_string (root);
}

/**
 * dd_message_to_app_robot_json:
 *
 * Returns: (transfer full): the body for an app robot's group message
 *   (`msgParam` is itself a JSON string, as DingTalk wants it)
 */
char *
dd_message_to_app_robot_json (const DdMessage *message,
                              const char      *robot_code,
                              const char      *conversation_id)
{
  g_autoptr(JsonBuilder) param = json_builder_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) param_root = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *param_json = NULL;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (robot_code != NULL, NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  json_builder_begin_object (param);
  if (message->pictures != NULL)
    {
      /* sampleImageMsg shows one picture: "图片的完整URL路径，也可填写图片的mediaId" */
      json_builder_set_member_name (param, "photoURL");
      json_builder_add_string_value (param, message->pictures[0] ? message->pictures[0] : "");
    }
  else if (message->plain_text)
    {
      json_builder_set_member_name (param, "content");
      json_builder_add_string_value (param, message->text ? message->text : "");
    }
  else
    {
      json_builder_set_member_name (param, "title");
      json_builder_add_string_value (param, message->title ? message->title : "");
      json_builder_set_member_name (param, "text");
      json_builder_add_string_value (param, message->text ? message->text : "");
    }
  json_builder_end_object (param);
  param_root = json_builder_get_root (param);
  param_json = node_to_string (param_root);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "robotCode");
  json_builder_add_string_value (builder, robot_code);
  json_builder_set_member_name (builder, "openConversationId");
  json_builder_add_string_value (builder, conversation_id);
  json_builder_set_member_name (builder, "msgKey");
  json_builder_add_string_value (builder, message->pictures != NULL ? "sampleImageMsg"
                                          : message->plain_text ? "sampleText" : "sampleMarkdown");
  json_builder_set_member_name (builder, "msgParam");
  json_builder_add_string_value (builder, param_json);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return node_to_string (root);
}

static gboolean
contains_keyword (const char         *text,
                  const char * const *keywords)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    if (*keywords[i] != '\0' && strstr (text, keywords[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Mentions render only when "@<mobile>" is in the text too. */
static char *
mention_line (const DdComposeOptions *options)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; options->at_mobiles != NULL && options->at_mobiles[i] != NULL; i++)
    g_string_append_printf (line, "%s@%s", line->len ? " " : "", options->at_mobiles[i]);
  for (guint i = 0; options->at_user_ids != NULL && options->at_user_ids[i] != NULL; i++)
    g_string_append_printf (line, "%s@%s", line->len ? " " : "", options->at_user_ids[i]);
  if (options->at_all)
    g_string_append_printf (line, "%s@all", line->len ? " " : "");

  return line->len ? g_string_free (g_steal_pointer (&line), FALSE) : NULL;
}

/* Builds the message as it will be sent: the body, then the mentions
 * (first message only), then a keyword if the robot needs one and the text
 * has none. */
static DdMessage *
finish_message (const DdComposeOptions *options,
                const char             *title,
                const char             *body,
                gboolean                first)
{
  g_autoptr(GString) text = g_string_new (body);
  DdMessage *message;

  if (first)
    {
      g_autofree char *mentions = mention_line (options);

      if (mentions != NULL)
        g_string_append_printf (text, "%s%s", text->len ? "\n\n" : "", mentions);
    }

  if (options->keywords != NULL && options->keywords[0] != NULL &&
      !contains_keyword (text->str, options->keywords))
    g_string_append_printf (text, "%s%s", text->len ? "\n\n" : "", options->keywords[0]);

  message = dd_message_new (title, text->str);
  if (first)
    {
      message->at_mobiles = g_strdupv ((GStrv) options->at_mobiles);
      message->at_user_ids = g_strdupv ((GStrv) options->at_user_ids);
      message->at_all = options->at_all;
    }

  return message;
}

static gsize
body_size (const DdComposeOptions *options,
           const char             *title,
           const char             *body,
           gboolean                first)
{
  g_autoptr(DdMessage) message = finish_message (options, title, body, first);
  g_autofree char *json = dd_message_to_webhook_json (message);

  return strlen (json);
}

/* Splits @text into the longest pieces that each fit in a message alone. */
static void
add_split_text (GPtrArray              *messages,
                const DdComposeOptions *options,
                const char             *title,
                const char             *text,
                gsize                   max_bytes)
{
  const char *rest = text;

  while (*rest != '\0')
    {
      glong n_chars = g_utf8_strlen (rest, -1);
      glong lo = 1, hi = n_chars, fit = 1;
      g_autofree char *piece = NULL;

      /* Binary search on characters: JSON escaping makes bytes non-linear. */
      while (lo <= hi)
        {
          glong mid = lo + (hi - lo) / 2;
          g_autofree char *candidate = g_utf8_substring (rest, 0, mid);

          if (body_size (options, title, candidate, messages->len == 0) <= max_bytes)
            fit = mid, lo = mid + 1;
          else
            hi = mid - 1;
        }

      piece = g_utf8_substring (rest, 0, fit);
      g_ptr_array_add (messages, finish_message (options, title, piece, messages->len == 0));
      rest = g_utf8_offset_to_pointer (rest, fit);
    }
}

/* A feedCard of the images first .. first + n - 1: each card titled with
 * the robot's card title or the image's name, a keyword in the first
 * title if the robot needs one and no title has it. */
static DdMessage *
card_message (const DdComposeOptions *options,
              const char             *title,
              const char * const     *names,
              const char * const     *media_ids,
              guint                   first,
              guint                   n)
{
  g_autoptr(GStrvBuilder) pictures = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_auto(GStrv) card_titles = NULL;
  gboolean has_keyword = FALSE;
  DdMessage *message;

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *card_title = options->card_title && *options->card_title
                                      ? utf8_truncate (options->card_title, MAX_TITLE_CHARS)
                                      : alt_text (names[i]);

      g_strv_builder_add (pictures, media_ids[i]);
      g_strv_builder_add (titles, card_title);
      has_keyword = has_keyword || contains_keyword (card_title, options->keywords);
    }
  card_titles = g_strv_builder_end (titles);
  if (options->keywords != NULL && options->keywords[0] != NULL && !has_keyword)
    {
      char *with_keyword = g_strdup_printf ("%s %s", card_titles[0], options->keywords[0]);

      g_free (card_titles[0]);
      card_titles[0] = with_keyword;
    }

  message = dd_message_new (title, NULL);
  message->pictures = g_strv_builder_end (pictures);
  message->card_titles = g_steal_pointer (&card_titles);
  message->card_url = g_strdup (options->card_url && *options->card_url
                                  ? options->card_url : DD_MESSAGE_DEFAULT_CARD_URL);
  message->first_image = first;
  message->n_images = n;
  return message;
}

static gsize
message_size (DdMessage *message)
{
  g_autofree char *json = dd_message_to_webhook_json (message);

  return strlen (json);
}

/* The picture styles: the caption and the mentions in a markdown message
 * of their own (a picture message has no text), then the pictures: one
 * sampleImageMsg each, or feedCards of as many cards as fit. */
static GPtrArray *
compose_pictures (const DdComposeOptions *options,
                  const char             *title,
                  const char * const     *names,
                  const char * const     *media_ids,
                  guint                   n_images,
                  gsize                   max_bytes)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_message_free);
  g_autofree char *mentions = mention_line (options);
  gboolean has_caption = options->caption != NULL && *options->caption != '\0';
  guint first = 0;

  if (has_caption && body_size (options, title, options->caption, TRUE) > max_bytes)
    add_split_text (messages, options, title, options->caption, max_bytes);
  else if (has_caption || mentions != NULL)
    g_ptr_array_add (messages, finish_message (options, title,
                                               has_caption ? options->caption : "", TRUE));

  if (options->picture_style == DD_PICTURE_STYLE_IMAGE_MSG)
    {
      for (guint i = 0; i < n_images; i++)
        {
          DdMessage *message = dd_message_new (title, NULL);

          message->pictures = g_strdupv ((GStrv) (const char *[]) { media_ids[i], NULL });
          message->first_image = i;
          message->n_images = 1;
          g_ptr_array_add (messages, message);
        }
      return g_steal_pointer (&messages);
    }

  while (first < n_images)
    {
      guint n = 1;

      while (first + n < n_images)
        {
          g_autoptr(DdMessage) bigger = card_message (options, title, names, media_ids, first, n + 1);

          if (message_size (bigger) > max_bytes)
            break;
          n++;
        }
      g_ptr_array_add (messages, card_message (options, title, names, media_ids, first, n));
      first += n;
    }

  return g_steal_pointer (&messages);
}

/**
 * dd_message_compose:
 * @options: the caption, title, mentions and the robot's settings
 * @names: (array length=n_images): the images' display names
 * @media_ids: (array length=n_images): their media_ids
 * @n_images: how many images
 *
 * Composes the markdown messages that show @n_images images: the caption
 * first, then one `![name](LINK)` per image, in order.  Mentions go in the
 * first message; every message gets a keyword if the robot has keywords and
 * the message has none.  In the picture styles (@options' picture_style)
 * the caption and mentions come first in a markdown message of their own,
 * then the images as feedCards or sampleImageMsgs.  A body that would exceed the limit is split into
 * several messages, never rejected.  Each message says which images it
 * carries (first_image, n_images): they arrive when it does.
 *
 * Returns: (transfer full) (element-type DdMessage): one or more messages
 */
GPtrArray *
dd_message_compose (const DdComposeOptions *options,
                    const char * const     *names,
                    const char * const     *media_ids,
                    guint                   n_images)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_message_free);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *title = NULL;
  gsize max_bytes;
  guint first = 0;   /* the first image of the message being filled */

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (n_images == 0 || (names != NULL && media_ids != NULL), NULL);

  max_bytes = options->max_body_bytes ? options->max_body_bytes : DD_MESSAGE_MAX_BODY_BYTES;
  title = options->title && *options->title
            ? utf8_truncate (options->title, MAX_TITLE_CHARS)
            : dd_message_default_title (options->caption);

  if (options->picture_style != DD_PICTURE_STYLE_MARKDOWN && n_images > 0)
    return compose_pictures (options, title, names, media_ids, n_images, max_bytes);

  if (options->caption != NULL && *options->caption != '\0')
    {
      if (body_size (options, title, options->caption, TRUE) <= max_bytes)
        g_string_assign (body, options->caption);
      else
        add_split_text (messages, options, title, options->caption, max_bytes);
    }

  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *alt = alt_text (names[i]);
      g_autofree char *link = dd_link_expand (options->link_template, media_ids[i]);
      g_autofree char *line = g_strdup_printf ("![%s](%s)", alt, link);
      g_autofree char *candidate = g_strdup_printf ("%s%s%s", body->str,
                                                    body->len ? "\n\n" : "", line);

      if (body->len > 0 &&
          body_size (options, title, candidate, messages->len == 0) > max_bytes)
        {
          DdMessage *message = finish_message (options, title, body->str, messages->len == 0);

          message->first_image = first;
          message->n_images = i - first;
          g_ptr_array_add (messages, message);
          g_string_assign (body, line);
          first = i;
        }
      else
        g_string_assign (body, candidate);
    }

  if (body->len > 0 || messages->len == 0)
    {
      DdMessage *message = finish_message (options, title, body->str, messages->len == 0);

      message->first_image = first;
      message->n_images = n_images - first;
      g_ptr_array_add (messages, message);
    }

  return g_steal_pointer (&messages);
}

/**
 * dd_message_compose_text:
 *
 * Returns: (transfer full): a plain text message, with the mentions and a
 *   keyword added as dd_message_compose() would
 */
DdMessage *
dd_message_compose_text (const DdComposeOptions *options,
                         const char             *text)
{
  DdMessage *message;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  message = finish_message (options, NULL, text, TRUE);
  message->plain_text = TRUE;
  return message;
}
