/* test-picture-style.c: how images are shown: the picture styles of
 * dd_message_compose(), and the robot's style and Test state in its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dd-error.h"
#include "dd-message.h"
#include "dd-profile.h"
#include "dd-profile-store.h"
#include "dd-robot-test.h"
#include "dd-test-picture.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *names[] = { "first.png", "sec]ond.png", "third.png" };
static const char *ids[] = { "@lADPa", "@lADPb", "@lADPc" };

/* Card style: the caption and mentions alone first (a feedCard has no
 * text), then one feedCard with a card per image, each titled with its
 * name, the keyword added to a title when none has one. */
static void
test_card_compose (void)
{
  const char *keywords[] = { "日报", NULL };
  const char *mobiles[] = { "13800000000", NULL };
  DdComposeOptions options = { .caption = "Release", .picture_style = DD_PICTURE_STYLE_CARD,
                               .keywords = keywords, .at_mobiles = mobiles };
  g_autoptr(GPtrArray) messages = dd_message_compose (&options, names, ids, 3);
  DdMessage *caption, *cards;
  g_autofree char *caption_json = NULL;
  g_autofree char *cards_json = NULL;
  g_autoptr(JsonObject) caption_root = NULL;
  g_autoptr(JsonObject) cards_root = NULL;
  JsonArray *links;

  g_assert_cmpuint (messages->len, ==, 2);
  caption = messages->pdata[0];
  cards = messages->pdata[1];
  g_assert_cmpuint (caption->n_images, ==, 0);
  g_assert_cmpuint (cards->first_image, ==, 0);
  g_assert_cmpuint (cards->n_images, ==, 3);

  caption_json = dd_message_to_webhook_json (caption);
  caption_root = parse (caption_json);
  g_assert_cmpstr (json_object_get_string_member (caption_root, "msgtype"), ==, "markdown");
  g_assert_nonnull (strstr (caption_json, "Release"));
  g_assert_nonnull (strstr (caption_json, "@13800000000"));

  cards_json = dd_message_to_webhook_json (cards);
  cards_root = parse (cards_json);
  g_assert_cmpstr (json_object_get_string_member (cards_root, "msgtype"), ==, "feedCard");
  g_assert_false (json_object_has_member (cards_root, "at"));
  links = json_object_get_array_member (json_object_get_object_member (cards_root, "feedCard"), "links");
  g_assert_cmpuint (json_array_get_length (links), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      g_assert_cmpstr (json_object_get_string_member (link, "picURL"), ==, ids[i]);
      g_assert_cmpstr (json_object_get_string_member (link, "messageURL"), ==, DD_MESSAGE_DEFAULT_CARD_URL);
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (links, 0), "title"), ==, "first.png 日报");
  /* a bracket cannot end anything in a title, but is cleaned as in markdown */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (links, 1), "title"), ==, "sec ond.png");
}

/* Cards that do not fit one body go in several feedCards, each under the
 * limit, every image in one of them, in order. */
static void
test_card_split (void)
{
  g_autoptr(GPtrArray) many_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) many_ids = g_ptr_array_new_with_free_func (g_free);
  DdComposeOptions options = { .picture_style = DD_PICTURE_STYLE_CARD, .max_body_bytes = 1000 };
  g_autoptr(GPtrArray) messages = NULL;
  guint next = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_ptr_array_add (many_names, g_strdup_printf ("image-%02u.png", i));
      g_ptr_array_add (many_ids, g_strdup_printf ("@lADPmedia%02u", i));
    }
  messages = dd_message_compose (&options, (const char * const *) many_names->pdata,
                                 (const char * const *) many_ids->pdata, 30);
  g_assert_cmpuint (messages->len, >, 1);
  for (guint i = 0; i < messages->len; i++)
    {
      DdMessage *message = messages->pdata[i];
      g_autofree char *json = dd_message_to_webhook_json (message);

      g_assert_cmpuint (strlen (json), <=, 1000);
      g_assert_cmpuint (message->first_image, ==, next);
      g_assert_cmpuint (g_strv_length (message->pictures), ==, message->n_images);
      next += message->n_images;
    }
  g_assert_cmpuint (next, ==, 30);
}

/* App robot style: one sampleImageMsg per image, photoURL its media_id,
 * the caption a sampleMarkdown before them; the robot's card title and
 * link go to the cards only. */
static void
test_image_msg_compose (void)
{
  DdComposeOptions options = { .caption = "看这里", .picture_style = DD_PICTURE_STYLE_IMAGE_MSG,
                               .card_title = "ignored here" };
  g_autoptr(GPtrArray) messages = dd_message_compose (&options, names, ids, 2);

  g_assert_cmpuint (messages->len, ==, 3);
  for (guint i = 0; i < messages->len; i++)
    {
      g_autofree char *json = dd_message_to_app_robot_json (messages->pdata[i], "code", "cid");
      g_autoptr(JsonObject) root = parse (json);
      g_autoptr(JsonObject) param = parse (json_object_get_string_member (root, "msgParam"));

      if (i == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (root, "msgKey"), ==, "sampleMarkdown");
          g_assert_cmpstr (json_object_get_string_member (param, "text"), ==, "看这里");
          continue;
        }
      g_assert_cmpstr (json_object_get_string_member (root, "msgKey"), ==, "sampleImageMsg");
      g_assert_cmpstr (json_object_get_string_member (param, "photoURL"), ==, ids[i - 1]);
      g_assert_cmpuint (((DdMessage *) messages->pdata[i])->first_image, ==, i - 1);
      g_assert_cmpuint (((DdMessage *) messages->pdata[i])->n_images, ==, 1);
    }

  /* no caption, no mentions: the images alone */
  {
    DdComposeOptions bare = { .picture_style = DD_PICTURE_STYLE_IMAGE_MSG };
    g_autoptr(GPtrArray) alone = dd_message_compose (&bare, names, ids, 1);

    g_assert_cmpuint (alone->len, ==, 1);
    g_assert_nonnull (((DdMessage *) alone->pdata[0])->pictures);
  }
}

/* The style, the cards' settings and the Test's Yes are kept in
 * profiles.ini; a new style clears the Yes; a card link must be a web
 * address. */
static void
test_profile_fields (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dd-test-style-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *ini = g_build_filename (config, "profiles.ini", NULL);
  g_autoptr(DdProfileStore) store = dd_profile_store_new (config);
  g_autoptr(DdProfileStore) loaded = dd_profile_store_new (config);
  g_autoptr(DdProfile) profile = dd_profile_new ("Cards");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  DdPictureStyle style;
  DdProfile *back;

  g_assert_cmpint (dd_profile_get_picture_style (profile), ==, DD_PICTURE_STYLE_MARKDOWN);
  g_assert_true (dd_profile_set_webhook (profile, "https://oapi.dingtalk.com/robot/send?access_token=abc", NULL));
  dd_profile_set_checked_at (profile, 1700000000);
  dd_profile_set_picture_style (profile, DD_PICTURE_STYLE_CARD);
  g_assert_cmpint (dd_profile_get_checked_at (profile), ==, 0);
  dd_profile_set_checked_at (profile, 1700000001);
  dd_profile_set_card_title (profile, "  Screenshot ");
  dd_profile_set_card_url (profile, "https://example.com/wiki");
  g_assert_true (dd_profile_validate (profile, &error));

  g_assert_true (dd_profile_store_add (store, profile, &error));
  g_assert_true (dd_profile_store_save (store, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (ini, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "PictureStyle=card"));
  g_assert_nonnull (strstr (contents, "CheckedAt=1700000001"));

  g_assert_true (dd_profile_store_load (loaded, &error));
  g_assert_no_error (error);
  back = dd_profile_store_lookup (loaded, "Cards");
  g_assert_nonnull (back);
  g_assert_cmpint (dd_profile_get_picture_style (back), ==, DD_PICTURE_STYLE_CARD);
  g_assert_cmpstr (dd_profile_get_card_title (back), ==, "Screenshot");
  g_assert_cmpstr (dd_profile_get_card_url (back), ==, "https://example.com/wiki");
  g_assert_cmpint (dd_profile_get_checked_at (back), ==, 1700000001);

  dd_profile_set_card_url (profile, "javascript:alert(1)");
  g_assert_false (dd_profile_validate (profile, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_PROFILE);
  g_assert_nonnull (strstr (error->message, "https://"));

  g_assert_true (dd_picture_style_from_string ("card", &style));
  g_assert_cmpint (style, ==, DD_PICTURE_STYLE_CARD);
  g_assert_false (dd_picture_style_from_string ("feedCard", &style));
  g_assert_cmpstr (dd_picture_style_to_string (DD_PICTURE_STYLE_MARKDOWN), ==, "markdown");

  g_unlink (ini);
  g_rmdir (config);
  g_rmdir (dir);
}

/* The Test's picture: a PNG well under 100 KB, of the promised size,
 * different for another robot or another time, with the icon on it. */
static void
test_test_picture (void)
{
  g_autoptr(GDateTime) t1 = g_date_time_new_local (2026, 12, 2, 9, 30, 0);
  g_autoptr(GDateTime) t2 = g_date_time_new_local (2026, 12, 2, 9, 31, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) a = dd_test_picture_new ("团队日报 Team", t1, &error);
  g_autoptr(GBytes) b = dd_test_picture_new ("团队日报 Team", t2, NULL);
  g_autoptr(GBytes) c = dd_test_picture_new ("Other robot", t1, NULL);
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  GdkPixbuf *pixbuf;
  const guint8 *pixels;
  gboolean has_icon_colours = FALSE;
  int stride, channels;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_cmpuint (g_bytes_get_size (a), <, 100 * 1024);
  g_assert_cmpuint (g_bytes_get_size (a), >, 2000);
  g_assert_false (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, c));
  if (g_getenv ("DD_TEST_PICTURE_OUT") != NULL)
    g_file_set_contents (g_getenv ("DD_TEST_PICTURE_OUT"), g_bytes_get_data (a, NULL), g_bytes_get_size (a), NULL);

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, a, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, DD_TEST_PICTURE_WIDTH);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, DD_TEST_PICTURE_HEIGHT);

  /* the icon is drawn left of the text: there, pixels differ from the
   * background of the top-left corner */
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  for (int y = 100; y < 170 && !has_icon_colours; y++)
    for (int x = 40; x < 120; x++)
      if (memcmp (pixels + y * stride + x * channels, pixels, 3) != 0)
        {
          has_icon_colours = TRUE;
          break;
        }
  g_assert_true (has_icon_colours);
}

/* The answers: Yes marks checked; No moves a custom robot to cards, then
 * points to an app robot; an app robot's No is said as such. */
static void
test_answers (void)
{
  g_autoptr(DdProfile) custom = dd_profile_new ("custom");
  g_autoptr(DdProfile) app = dd_profile_new ("app");

  g_assert_cmpint (dd_robot_test_answer (custom, TRUE, 1700000000), ==, DD_ROBOT_TEST_CHECKED);
  g_assert_cmpint (dd_profile_get_checked_at (custom), ==, 1700000000);
  g_assert_cmpint (dd_robot_test_answer (custom, FALSE, 1700000001), ==, DD_ROBOT_TEST_SWITCHED_TO_CARD);
  g_assert_cmpint (dd_profile_get_picture_style (custom), ==, DD_PICTURE_STYLE_CARD);
  g_assert_cmpint (dd_profile_get_checked_at (custom), ==, 0);
  g_assert_cmpint (dd_robot_test_answer (custom, FALSE, 1700000002), ==, DD_ROBOT_TEST_TRY_APP_ROBOT);
  g_assert_nonnull (strstr (dd_robot_test_outcome_sentence (DD_ROBOT_TEST_TRY_APP_ROBOT), "app robot"));
  g_assert_cmpint (dd_robot_test_answer (custom, TRUE, 1700000003), ==, DD_ROBOT_TEST_CHECKED);
  g_assert_cmpint (dd_profile_get_picture_style (custom), ==, DD_PICTURE_STYLE_CARD);

  dd_profile_set_robot_code (app, "ding");
  dd_profile_set_conversation_id (app, "cid");
  g_assert_cmpint (dd_robot_test_answer (app, FALSE, 1700000000), ==, DD_ROBOT_TEST_APP_ROBOT_NOT_SHOWN);
  g_assert_cmpint (dd_profile_get_picture_style (app), ==, DD_PICTURE_STYLE_MARKDOWN);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/picture-style/card", test_card_compose);
  g_test_add_func ("/picture-style/card-split", test_card_split);
  g_test_add_func ("/picture-style/image-msg", test_image_msg_compose);
  g_test_add_func ("/picture-style/profile", test_profile_fields);
  g_test_add_func ("/picture-style/test-picture", test_test_picture);
  g_test_add_func ("/picture-style/answers", test_answers);

  return g_test_run ();
}
