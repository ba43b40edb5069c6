/* dd-robot-editor-actions.c: a robot's Test (a picture, and the question
 * whether it showed), Delete and Duplicate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-robot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-error.h"
#include "dd-profile-check.h"
#include "dd-robot-editor-private.h"
#include "dd-robot-test.h"
#include "dd-secrets.h"

static void
show_check (GtkImage             *icon,
            AdwActionRow         *row,
            DdProfileCheckResult *result)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");

  switch (result->status)
    {
    case DD_PROFILE_CHECK_OK:
      gtk_image_set_from_icon_name (icon, "object-select-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      text = g_strdup (result->check == DD_PROFILE_CHECK_APP_CREDENTIALS ?
                       _("DingTalk gave an access token") :
                       _("The test picture was posted"));
      break;
    case DD_PROFILE_CHECK_NOT_SET:
      gtk_image_set_from_icon_name (icon, "dialog-warning-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
      text = g_strdup (_("Not set, so images cannot be uploaded"));
      break;
    case DD_PROFILE_CHECK_FAILED:
    default:
      gtk_image_set_from_icon_name (icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
      if (dd_error_get_errcode (result->error) != 0)
        text = g_strdup_printf ("%s (errcode %" G_GINT64_FORMAT ")", result->error->message,
                                dd_error_get_errcode (result->error));
      else
        text = g_strdup (result->error->message);
      break;
    }

  adw_action_row_set_subtitle (row, text);
}

/* The answer, on the robot tested and on the robot itself: the style in
 * the form, the style and the checked state kept with the robot. */
static void
answer (DdRobotEditor *self,
        DdProfile     *tested,
        gboolean       showed)
{
  g_autoptr(GError) error = NULL;
  DdRobotTestOutcome outcome;
  AdwToast *toast;

  outcome = dd_robot_test_answer (tested, showed, g_get_real_time () / G_USEC_PER_SEC);
  adw_combo_row_set_selected (self->picture_style_row, dd_profile_get_picture_style (tested));
  g_object_freeze_notify (G_OBJECT (self->profile));
  dd_profile_set_picture_style (self->profile, dd_profile_get_picture_style (tested));
  dd_profile_set_checked_at (self->profile, dd_profile_get_checked_at (tested));
  g_object_thaw_notify (G_OBJECT (self->profile));
  if (!self->is_new && !dd_profile_store_save (self->profiles, &error))
    {
      dd_robot_editor_show_message (self, error->message);
      return;
    }

  g_free (self->message);
  self->message = g_strdup (dd_robot_test_outcome_sentence (outcome));
  toast = adw_toast_new (self->message);
  adw_toast_set_timeout (toast, 0);
  /* a new style: offered to be tested at once */
  if (outcome == DD_ROBOT_TEST_SWITCHED_TO_CARD)
    {
      adw_toast_set_button_label (toast, _("Test _Again"));
      adw_toast_set_action_name (toast, "editor.test");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
question_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      DdRobotEditor    *self)
{
  DdProfile *tested = g_object_get_data (G_OBJECT (dialog), "dd-tested");

  if (g_str_equal (response, "yes") || g_str_equal (response, "no"))
    answer (self, tested, g_str_equal (response, "yes"));
}

/* "Did the picture show in the group?" */
static void
ask (DdRobotEditor *self,
     DdProfile     *tested)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       dd_robot_test_question (), NULL));
  adw_message_dialog_format_body (dialog, _("DingDrop posted a small test picture to the group of “%s”: its icon with the robot’s name and the time. Look at the group: is it there as a picture?"),
                                  dd_profile_get_name (tested));
  adw_message_dialog_add_responses (dialog, "no", _("_No, I See Text"), "yes", _("_Yes"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "yes", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "yes");
  g_object_set_data_full (G_OBJECT (dialog), "dd-tested", g_object_ref (tested), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (question_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* An editor's errand on a robot of its own: the Test (the fields as
 * they were typed) or Duplicate (the copy). */
typedef struct {
  DdRobotEditor *self;
  DdProfile     *profile;
} ProfileOp;

/* (transfer full) @profile */
static ProfileOp *
profile_op_new (DdRobotEditor *self,
                DdProfile     *profile)
{
  ProfileOp *op = g_new0 (ProfileOp, 1);

  op->self = g_object_ref (self);
  op->profile = profile;
  return op;
}

static void
profile_op_free (ProfileOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->profile);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProfileOp, profile_op_free)

/* The editor free again after @error; a cancel (the editor went) is
 * not told. */
static void
fail (DdRobotEditor *self,
      const GError  *error)
{
  dd_robot_editor_set_busy (self, FALSE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    dd_robot_editor_show_message (self, error->message);
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ProfileOp) op = user_data;
  DdRobotEditor *self = op->self;
  DdProfile *tested = op->profile;
  g_autoptr(GError) error = NULL;
  DdProfileCheckResult shown = { DD_PROFILE_CHECK_WEBHOOK, DD_PROFILE_CHECK_OK, NULL };

  if (!dd_robot_test_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  dd_robot_editor_set_busy (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_app_row), FALSE);
  if (error != NULL)
    {
      shown.status = DD_PROFILE_CHECK_FAILED;
      shown.error = error;
      show_check (self->test_webhook_icon, self->test_webhook_row, &shown);
      dd_robot_editor_show_message (self, _("The test picture could not be posted"));
      return;
    }

  show_check (self->test_webhook_icon, self->test_webhook_row, &shown);
  ask (self, tested);
}

void
dd_robot_editor_test (DdRobotEditor *self)
{
  g_autoptr(GError) error = NULL;
  DdProfile *copy;

  g_return_if_fail (DD_IS_ROBOT_EDITOR (self));

  if (self->busy)
    return;
  if (!(copy = dd_robot_editor_current_copy (self, &error)))
    {
      dd_robot_editor_show_message (self, error->message);
      return;
    }

  dd_robot_editor_set_busy (self, TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  dd_robot_test_async (self->client, copy, self->cancellable, tested_cb,
                       profile_op_new (self, copy));
}

static void
secrets_cleared_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DdRobotEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dd_secrets_clear_finish (result, &error) ||
      !dd_profile_store_remove (self->profiles, self->profile, &error) ||
      !dd_profile_store_save (self->profiles, &error))
    {
      fail (self, error);
      return;
    }

  dd_robot_editor_set_busy (self, FALSE);
  dd_robot_editor_emit_done (self);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DdRobotEditor    *self)
{
  if (!g_str_equal (response, "delete"))
    return;

  if (self->is_new)
    {
      dd_robot_editor_emit_done (self);
      return;
    }

  dd_robot_editor_set_busy (self, TRUE);
  dd_secrets_clear_async (dd_profile_get_id (self->profile), self->cancellable,
                          secrets_cleared_cb, g_object_ref (self));
}

void
dd_robot_editor_delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DdRobotEditor *self = DD_ROBOT_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Delete “%s”?"), dd_profile_get_name (self->profile));
  adw_message_dialog_set_body (dialog, _("Its webhook and secrets are removed from the keyring. Images still waiting for this robot cannot be sent."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Duplicate: a copy saved at once, its secrets copied in the keyring
 * first, so that it never exists without them; then it is edited. */

static void
copy_secrets_stored_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ProfileOp) op = user_data;
  DdRobotEditor *self = op->self;
  DdProfile *copy = op->profile;
  g_autoptr(GError) error = NULL;

  if (!dd_secrets_store_finish (result, &error))
    {
      fail (self, error);
      return;
    }

  if (!dd_profile_store_add (self->profiles, copy, &error) ||
      !dd_profile_store_save (self->profiles, &error))
    {
      if (dd_profile_store_lookup (self->profiles, dd_profile_get_id (copy)) == copy)
        dd_profile_store_remove (self->profiles, copy, NULL);
      dd_secrets_clear_async (dd_profile_get_id (copy), NULL, NULL, NULL);
      dd_robot_editor_set_busy (self, FALSE);
      dd_robot_editor_show_message (self, error->message);
      return;
    }

  dd_robot_editor_set_busy (self, FALSE);
  dd_robot_editor_emit_duplicate (self, copy);
}

static char *
copy_name (DdRobotEditor *self,
           const char    *base)
{
  /* Translators: the name of a duplicated robot */
  char *name = g_strdup_printf (_("%s (copy)"), base);

  for (guint i = 2; dd_profile_store_lookup (self->profiles, name) != NULL; i++)
    {
      g_free (name);
      /* Translators: the name of a duplicated robot, when "(copy)" is taken */
      name = g_strdup_printf (_("%s (copy %u)"), base, i);
    }

  return name;
}

static void
duplicate_left_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DdRobotEditor *self = DD_ROBOT_EDITOR (object);
  g_autofree char *name = NULL;
  ProfileOp *op;

  /* the changes saved or discarded: the copy is of the robot as saved */
  if (!dd_robot_editor_confirm_leave_finish (self, result, NULL) || self->busy)
    return;

  name = copy_name (self, dd_profile_get_name (self->profile));
  op = profile_op_new (self, dd_profile_duplicate (self->profile, name));
  dd_robot_editor_set_busy (self, TRUE);
  dd_secrets_store_async (op->profile, self->cancellable, copy_secrets_stored_cb, op);
}

void
dd_robot_editor_duplicate_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  dd_robot_editor_confirm_leave_async (DD_ROBOT_EDITOR (widget), NULL, duplicate_left_cb, NULL);
}
