/* test-message.c: composing the markdown messages that carry images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "dd-message.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_images_in_order (void)
{
  const char *names[] = { "a.png", "b [1].jpg" };
  const char *ids[] = { "@lADPone", "@lADPtwo" };
  DdComposeOptions options = { .caption = "Release notes\nsecond line" };
  g_autoptr(GPtrArray) messages = dd_message_compose (&options, names, ids, 2);
  DdMessage *m;

  g_assert_cmpuint (messages->len, ==, 1);
  m = g_ptr_array_index (messages, 0);
  g_assert_cmpstr (m->title, ==, "Release notes");
  g_assert_cmpstr (m->text, ==,
                   "Release notes\nsecond line\n\n![a.png](@lADPone)\n\n![b  1 .jpg](@lADPtwo)");
}

static void
test_default_title (void)
{
  const char *names[] = { "a.png" };
  const char *ids[] = { "@x" };
  DdComposeOptions options = { 0 };
  g_autoptr(GPtrArray) messages = dd_message_compose (&options, names, ids, 1);
  g_autofree char *title = dd_message_default_title ("\n\n  Hello  \nworld");

  g_assert_cmpstr (((DdMessage *) messages->pdata[0])->title, ==, "[Image]");
  g_assert_cmpstr (title, ==, "Hello");
}

static void
test_link_template (void)
{
  g_autofree char *a = dd_link_expand (NULL, "@lADP123");
  g_autofree char *b = dd_link_expand ("https://down.dingtalk.com/media/{media_id}", "@lADP123");
  g_autofree char *c = dd_link_expand ("https://x/{media_id_noat}.png", "@lADP123");

  g_assert_cmpstr (a, ==, "@lADP123");
  g_assert_cmpstr (b, ==, "https://down.dingtalk.com/media/@lADP123");
  g_assert_cmpstr (c, ==, "https://x/lADP123.png");
}

static void
test_keywords (void)
{
  const char *names[] = { "a.png" };
  const char *ids[] = { "@x" };
  const char *keywords[] = { "日报", "report", NULL };
  DdComposeOptions options = { .keywords = keywords };
  g_autoptr(GPtrArray) plain = dd_message_compose (&options, names, ids, 1);
  g_autoptr(GPtrArray) with_kw = NULL;
  const char *text;

  text = ((DdMessage *) plain->pdata[0])->text;
  g_assert_true (g_str_has_suffix (text, "\n\n日报"));

  /* a keyword already present: nothing is added */
  options.caption = "weekly report";
  with_kw = dd_message_compose (&options, names, ids, 1);
  text = ((DdMessage *) with_kw->pdata[0])->text;
  g_assert_null (strstr (text, "日报"));
}

static void
test_mentions (void)
{
  const char *names[] = { "a.png", "b.png" };
  const char *ids[] = { "@x", "@y" };
  const char *mobiles[] = { "13800000000", "13900000000", NULL };
  DdComposeOptions options = { .at_mobiles = mobiles, .at_all = TRUE };
  g_autoptr(GPtrArray) messages = dd_message_compose (&options, names, ids, 2);
  DdMessage *m = messages->pdata[0];
  g_autofree char *json = dd_message_to_webhook_json (m);
  g_autoptr(JsonObject) root = parse_object (json);
  JsonObject *at = json_object_get_object_member (root, "at");
  JsonArray *list = json_object_get_array_member (at, "atMobiles");

  g_assert_nonnull (strstr (m->text, "@13800000000 @13900000000 @all"));
  g_assert_cmpstr (json_object_get_string_member (root, "msgtype"), ==, "markdown");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (list, 1), ==, "13900000000");
  g_assert_true (json_object_get_boolean_member (at, "isAtAll"));
}

static void
check_split (GPtrArray *messages,
             guint      n_images,
             gsize      limit)
{
  guint next = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      DdMessage *m = messages->pdata[i];
      g_autofree char *json = dd_message_to_webhook_json (m);
      const char *p = m->text;
      guint first = next;

      g_assert_cmpuint (strlen (json), <=, limit);
      /* images appear in order across the messages, none lost */
      while ((p = strstr (p, "](@media")) != NULL)
        {
          g_autofree char *expected = g_strdup_printf ("](@media%04u)", next);

          g_assert_true (g_str_has_prefix (p, expected));
          next++;
          p++;
        }
      /* and each message says which it carries: they arrive with it */
      g_assert_cmpuint (m->n_images, ==, next - first);
      if (m->n_images > 0)
        g_assert_cmpuint (m->first_image, ==, first);
    }
  g_assert_cmpuint (next, ==, n_images);
}

static void
test_split_many_images (void)
{
  const guint n = 500;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *keywords[] = { "kw", NULL };
  const char *mobiles[] = { "13800000000", NULL };
  DdComposeOptions options = { .caption = "batch", .keywords = keywords, .at_mobiles = mobiles };
  g_autoptr(GPtrArray) messages = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (names, g_strdup_printf ("截图 screenshot %04u.png", i));
      g_ptr_array_add (ids, g_strdup_printf ("@media%04u", i));
    }

  messages = dd_message_compose (&options, (const char * const *) names->pdata,
                                 (const char * const *) ids->pdata, n);
  g_assert_cmpuint (messages->len, >, 1);
  check_split (messages, n, DD_MESSAGE_MAX_BODY_BYTES);

  /* every message keeps the keyword; only the first mentions */
  for (guint i = 0; i < messages->len; i++)
    {
      DdMessage *m = messages->pdata[i];

      g_assert_nonnull (strstr (m->text, "kw"));
      g_assert_cmpint (m->at_mobiles != NULL, ==, i == 0);
    }
}

static void
test_split_long_caption (void)
{
  g_autoptr(GString) caption = g_string_new (NULL);
  const char *names[] = { "a.png" };
  const char *ids[] = { "@media0000" };
  DdComposeOptions options = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);

  /* 30 000 characters of CJK text and quotes that JSON must escape */
  for (guint i = 0; i < 10000; i++)
    g_string_append (caption, i % 2 ? "钉\"" : "图");
  options.caption = caption->str;

  messages = dd_message_compose (&options, names, ids, 1);
  g_assert_cmpuint (messages->len, >=, 2);
  check_split (messages, 1, DD_MESSAGE_MAX_BODY_BYTES);

  for (guint i = 0; i < messages->len; i++)
    {
      const char *text = ((DdMessage *) messages->pdata[i])->text;
      const char *img = strstr (text, "![a.png]");
      gsize len = img ? (gsize) (img - text) : strlen (text);

      if (img != NULL && len >= 2)
        len -= 2;  /* the blank line before the image */
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_string_append_len (joined, text, len);
    }
  g_assert_cmpstr (joined->str, ==, caption->str);
}

/* The idempotency key goes with a custom robot's message, when it has one. */
static void
test_msg_uuid (void)
{
  g_autoptr(DdMessage) message = dd_message_new ("t", "![a](@x)");
  g_autoptr(DdMessage) copy = NULL;
  g_autofree char *without = dd_message_to_webhook_json (message);
  g_autofree char *with = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_null (strstr (without, "msgUuid"));
  message->msg_uuid = g_strdup ("7c9e6679-7425-40de-944b-e07fc1f90ae7");
  copy = dd_message_copy (message);
  with = dd_message_to_webhook_json (copy);
  root = json_from_string (with, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "msgUuid"), ==,
                   "7c9e6679-7425-40de-944b-e07fc1f90ae7");
}

static void
test_text_message (void)
{
  const char *keywords[] = { "告警", NULL };
  DdComposeOptions options = { .keywords = keywords };
  g_autoptr(DdMessage) m = dd_message_compose_text (&options, "hello");
  g_autofree char *json = dd_message_to_webhook_json (m);
  g_autoptr(JsonObject) root = parse_object (json);

  g_assert_cmpstr (json_object_get_string_member (root, "msgtype"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "text"), "content"),
                   ==, "hello\n\n告警");
}

static void
test_app_robot_json (void)
{
  g_autoptr(DdMessage) m = dd_message_new ("T", "![a](@x)");
  g_autofree char *json = dd_message_to_app_robot_json (m, "dingcode", "cidXYZ");
  g_autoptr(JsonObject) root = parse_object (json);
  g_autoptr(JsonObject) param = NULL;

  g_assert_cmpstr (json_object_get_string_member (root, "robotCode"), ==, "dingcode");
  g_assert_cmpstr (json_object_get_string_member (root, "openConversationId"), ==, "cidXYZ");
  g_assert_cmpstr (json_object_get_string_member (root, "msgKey"), ==, "sampleMarkdown");
  /* msgParam is a JSON string, not an object */
  param = parse_object (json_object_get_string_member (root, "msgParam"));
  g_assert_cmpstr (json_object_get_string_member (param, "text"), ==, "![a](@x)");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/images-in-order", test_images_in_order);
  g_test_add_func ("/message/default-title", test_default_title);
  g_test_add_func ("/message/link-template", test_link_template);
  g_test_add_func ("/message/keywords", test_keywords);
  g_test_add_func ("/message/mentions", test_mentions);
  g_test_add_func ("/message/split-many-images", test_split_many_images);
  g_test_add_func ("/message/split-long-caption", test_split_long_caption);
  g_test_add_func ("/message/text", test_text_message);
  g_test_add_func ("/message/msg-uuid", test_msg_uuid);
  g_test_add_func ("/message/app-robot-json", test_app_robot_json);

  return g_test_run ();
}
