/* dd-robot-test.c: does a picture show in the robot's group?
 *
 * Nothing DingDrop can measure says whether DingTalk shows a picture or
 * raw text (a custom robot's markdown with a media_id is undocumented):
 * only the user looking at the group can.  The Test posts a small picture
 * made for it, in the robot's style, as a send would; the user's answer
 * then marks the robot checked, or switches a custom robot to the
 * documented picture cards, or points to an app robot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robot-test"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-error.h"
#include "dd-message.h"
#include "dd-robot-test.h"
#include "dd-test-picture.h"

#define FILENAME "dingdrop-test.png"

typedef struct {
  DdClient  *client;
  DdProfile *profile;
  GPtrArray *messages;   /* DdMessage */
  guint      index;
} TestOp;

static void
test_op_free (TestOp *op)
{
  g_clear_object (&op->client);
  g_clear_object (&op->profile);
  g_clear_pointer (&op->messages, g_ptr_array_unref);
  g_free (op);
}

/**
 * dd_robot_test_question:
 *
 * Returns: the question the Test asks once its picture is posted
 */
const char *
dd_robot_test_question (void)
{
  return _("Did the picture show in the group?");
}

static void send_next (GTask *task);

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dd_client_send_finish (DD_CLIENT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  op->index++;
  send_next (g_steal_pointer (&task));
}

static void
send_next (GTask *task)
{
  TestOp *op = g_task_get_task_data (task);

  if (op->index >= op->messages->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  dd_client_send_async (op->client, op->profile, g_ptr_array_index (op->messages, op->index),
                        g_task_get_cancellable (task), sent_cb, task);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestOp *op = g_task_get_task_data (task);
  g_autofree char *media_id = NULL;
  g_autofree char *title = NULL;
  const char *names[] = { FILENAME };
  DdComposeOptions compose = { 0 };
  GError *error = NULL;

  media_id = dd_client_upload_finish (DD_CLIENT (source), result, &error);
  if (media_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* in the style a send to this robot uses */
  title = g_strdup (_("DingDrop test picture"));
  compose.title = title;
  compose.keywords = dd_profile_get_keywords (op->profile);
  compose.link_template = dd_profile_get_link_template (op->profile);
  compose.picture_style = dd_profile_uses_app_robot (op->profile)
                            ? DD_PICTURE_STYLE_IMAGE_MSG
                            : dd_profile_get_picture_style (op->profile);
  compose.card_title = dd_profile_get_card_title (op->profile);
  compose.card_url = dd_profile_get_card_url (op->profile);
  op->messages = dd_message_compose (&compose, names, (const char * const *) &media_id, 1);
  if (!dd_profile_uses_app_robot (op->profile))
    for (guint i = 0; i < op->messages->len; i++)
      ((DdMessage *) g_ptr_array_index (op->messages, i))->msg_uuid = g_uuid_string_random ();

  send_next (g_steal_pointer (&task));
}

static void
draw_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *name = task_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GError *error = NULL;
  GBytes *png = dd_test_picture_new (name, now, &error);

  if (png == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, png, (GDestroyNotify) g_bytes_unref);
}

static void
drawn_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestOp *op = g_task_get_task_data (task);
  g_autoptr(GBytes) png = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  png = g_task_propagate_pointer (G_TASK (result), &error);
  if (png == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  cancellable = g_task_get_cancellable (task);
  dd_client_upload_async (op->client, op->profile, png, FILENAME, "image/png", NULL, NULL,
                          cancellable, uploaded_cb, g_steal_pointer (&task));
}

/**
 * dd_robot_test_async:
 * @profile: the robot, with its secrets loaded
 *
 * Draws the Test's picture (the robot's name and the time on DingDrop's
 * icon), uploads it and posts it to the robot's group in the robot's
 * style: a sampleImageMsg for an app robot, markdown or a picture card
 * for a custom robot.  Then ask dd_robot_test_question().
 */
void
dd_robot_test_async (DdClient            *client,
                     DdProfile           *profile,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) draw = NULL;
  GTask *task;
  TestOp *op;

  g_return_if_fail (DD_IS_CLIENT (client));
  g_return_if_fail (DD_IS_PROFILE (profile));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_robot_test_async);
  op = g_new0 (TestOp, 1);
  op->client = g_object_ref (client);
  op->profile = g_object_ref (profile);
  g_task_set_task_data (task, op, (GDestroyNotify) test_op_free);

  /* cairo and pango off the main loop */
  draw = g_task_new (NULL, cancellable, drawn_cb, task);
  g_task_set_source_tag (draw, draw_in_thread);
  /* the name, not the profile: the profile stays on its own thread */
  g_task_set_task_data (draw, g_strdup (dd_profile_get_name (profile)), g_free);
  g_task_run_in_thread (draw, draw_in_thread);
}

gboolean
dd_robot_test_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_robot_test_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dd_robot_test_answer:
 * @showed: the user's answer to dd_robot_test_question()
 * @now_unix: the time of the answer, Unix seconds
 *
 * Applies the answer to @profile (the caller saves it): Yes marks it
 * checked; No switches a custom robot in markdown style to picture cards
 * (and so is not checked).
 *
 * Returns: what it did, for dd_robot_test_outcome_sentence()
 */
DdRobotTestOutcome
dd_robot_test_answer (DdProfile *profile,
                      gboolean   showed,
                      gint64     now_unix)
{
  g_return_val_if_fail (DD_IS_PROFILE (profile), DD_ROBOT_TEST_CHECKED);

  if (showed)
    {
      dd_profile_set_checked_at (profile, now_unix);
      return DD_ROBOT_TEST_CHECKED;
    }

  dd_profile_set_checked_at (profile, 0);
  if (dd_profile_uses_app_robot (profile))
    return DD_ROBOT_TEST_APP_ROBOT_NOT_SHOWN;
  if (dd_profile_get_picture_style (profile) == DD_PICTURE_STYLE_MARKDOWN)
    {
      dd_profile_set_picture_style (profile, DD_PICTURE_STYLE_CARD);
      return DD_ROBOT_TEST_SWITCHED_TO_CARD;
    }
  return DD_ROBOT_TEST_TRY_APP_ROBOT;
}

const char *
dd_robot_test_outcome_sentence (DdRobotTestOutcome outcome)
{
  switch (outcome)
    {
    case DD_ROBOT_TEST_CHECKED:
      return _("The robot is marked as checked: its pictures show in the group.");
    case DD_ROBOT_TEST_SWITCHED_TO_CARD:
      return _("The robot now sends pictures as picture cards, the way DingTalk documents for custom robots. Test again to see whether they show.");
    case DD_ROBOT_TEST_TRY_APP_ROBOT:
      return _("Picture cards do not show in this group either. Set up an app robot (robot code and openConversationId of an internal app): its pictures are the way DingTalk documents.");
    case DD_ROBOT_TEST_APP_ROBOT_NOT_SHOWN:
    default:
      return _("The app robot’s picture did not show. Check that the app’s robot is in the group and that the app may send robot messages, then test again.");
    }
}
