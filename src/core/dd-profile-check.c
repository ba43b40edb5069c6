/* dd-profile-check.c: the checks of a robot profile, shared by
 * `dingdrop profile test` and the robots window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dd-message.h"
#include "dd-profile-check.h"

typedef struct {
  DdClient  *client;
  DdProfile *profile;
  GPtrArray *results;
} CheckOp;

static void
check_op_free (CheckOp *op)
{
  g_clear_object (&op->client);
  g_clear_object (&op->profile);
  g_clear_pointer (&op->results, g_ptr_array_unref);
  g_free (op);
}

void
dd_profile_check_result_free (DdProfileCheckResult *result)
{
  if (result == NULL)
    return;

  g_clear_error (&result->error);
  g_free (result);
}

/**
 * dd_profile_check_test_text:
 *
 * Returns: the text of the message the webhook check posts to the group
 */
const char *
dd_profile_check_test_text (void)
{
  return _("DingDrop test: this robot can post to the group.");
}

static void
add_result (CheckOp              *op,
            DdProfileCheck        check,
            DdProfileCheckStatus  status,
            GError               *error)
{
  DdProfileCheckResult *result = g_new0 (DdProfileCheckResult, 1);

  result->check = check;
  result->status = status;
  result->error = error;
  g_ptr_array_add (op->results, result);
}

static gboolean
return_if_cancelled (GTask  *task,
                     GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return TRUE;
    }
  return FALSE;
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  CheckOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (dd_client_send_finish (DD_CLIENT (source), result, &error))
    add_result (op, DD_PROFILE_CHECK_WEBHOOK, DD_PROFILE_CHECK_OK, NULL);
  else if (return_if_cancelled (task, error))
    return;
  else
    add_result (op, DD_PROFILE_CHECK_WEBHOOK, DD_PROFILE_CHECK_FAILED, error);

  g_task_return_pointer (task, g_ptr_array_ref (op->results), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
check_webhook (GTask *task)
{
  CheckOp *op = g_task_get_task_data (task);
  g_autoptr(DdMessage) message = NULL;
  DdComposeOptions options = { 0 };

  options.keywords = dd_profile_get_keywords (op->profile);
  message = dd_message_compose_text (&options, dd_profile_check_test_text ());

  dd_client_send_async (op->client, op->profile, message,
                        g_task_get_cancellable (task), send_cb, task);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  CheckOp *op = g_task_get_task_data (task);
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = dd_client_get_token_finish (DD_CLIENT (source), result, &error);
  if (token != NULL)
    add_result (op, DD_PROFILE_CHECK_APP_CREDENTIALS, DD_PROFILE_CHECK_OK, NULL);
  else if (return_if_cancelled (task, error))
    return;
  else
    add_result (op, DD_PROFILE_CHECK_APP_CREDENTIALS, DD_PROFILE_CHECK_FAILED, error);

  check_webhook (task);
}

void
dd_profile_check_async (DdClient            *client,
                        DdProfile           *profile,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  CheckOp *op;

  g_return_if_fail (DD_IS_CLIENT (client));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_profile_check_async);

  op = g_new0 (CheckOp, 1);
  op->client = g_object_ref (client);
  op->profile = g_object_ref (profile);
  op->results = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_profile_check_result_free);
  g_task_set_task_data (task, op, (GDestroyNotify) check_op_free);

  /* 1. The internal app's credentials, which uploads need; always a
   * fresh token, so that a changed AppSecret is really checked. */
  if (dd_profile_has_app_credentials (profile))
    {
      dd_client_get_token_async (client, profile, TRUE, cancellable, token_cb, task);
      return;
    }

  add_result (op, DD_PROFILE_CHECK_APP_CREDENTIALS, DD_PROFILE_CHECK_NOT_SET, NULL);
  /* 2. The webhook, its signature and keywords: a short text message. */
  check_webhook (task);
}

GPtrArray *
dd_profile_check_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_profile_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
dd_profile_check_all_ok (GPtrArray *results)
{
  g_return_val_if_fail (results != NULL, FALSE);

  for (guint i = 0; i < results->len; i++)
    {
      DdProfileCheckResult *r = g_ptr_array_index (results, i);

      if (r->status != DD_PROFILE_CHECK_OK)
        return FALSE;
    }

  return results->len == DD_PROFILE_N_CHECKS;
}
