/* dd-notifier.c: when a batch of images has arrived (or failed) while no
 * window of DingDrop had the focus — the window closed with Keep Sending,
 * or the user at another program — a desktop notification says what
 * arrived and what did not; clicking it brings the window back.  With a
 * window in front, its toast says it instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-notifier.h"

#define NOTIFICATION_ID "batch-finished"
#define SHOW_WINDOW     "show-window"

struct _DdNotifier
{
  GObject         parent_instance;

  GtkApplication *application;  /* weak: it owns us */
  DdOutbox       *outbox;
  DdProfileStore *profiles;
};

G_DEFINE_FINAL_TYPE (DdNotifier, dd_notifier, G_TYPE_OBJECT)

/* A window of the application is on the screen and has the focus. */
static gboolean
someone_is_looking (DdNotifier *self)
{
  GList *windows = gtk_application_get_windows (self->application);

  for (GList *l = windows; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

/* The robot of the batch, by name */
static char *
batch_robot_name (DdNotifier *self,
                  const char *batch_id)
{
  g_autoptr(GPtrArray) jobs = dd_outbox_get_batch_jobs (self->outbox, batch_id);
  DdProfile *profile = NULL;

  if (jobs->len > 0)
    profile = dd_profile_store_lookup (self->profiles, dd_job_get_profile_id (g_ptr_array_index (jobs, 0)));

  return g_strdup (profile ? dd_profile_get_name (profile) : _("the group"));
}

static void
batch_finished_cb (DdOutbox   *outbox,
                   const char *batch_id,
                   guint       n_sent,
                   guint       n_failed,
                   DdNotifier *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *robot = NULL;
  g_autofree char *body = NULL;
  const char *title;

  if (self->application == NULL || someone_is_looking (self))
    return;

  robot = batch_robot_name (self, batch_id);
  if (n_failed == 0)
    {
      title = _("Images Sent");
      body = g_strdup_printf (ngettext ("%u image sent to %s", "%u images sent to %s", n_sent),
                              n_sent, robot);
    }
  else if (n_sent == 0)
    {
      title = _("Images Were Not Sent");
      body = g_strdup_printf (ngettext ("%u image could not be sent to %s. Open DingDrop to see why.",
                                        "%u images could not be sent to %s. Open DingDrop to see why.",
                                        n_failed),
                              n_failed, robot);
    }
  else
    {
      g_autofree char *sent = g_strdup_printf (ngettext ("%u image sent to %s", "%u images sent to %s",
                                                         n_sent), n_sent, robot);

      title = _("Some Images Were Not Sent");
      /* Translators: "3 images sent to Team Group, 1 failed" */
      body = g_strdup_printf (ngettext ("%s, %u failed", "%s, %u failed", n_failed), sent, n_failed);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  if (n_failed > 0)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app." SHOW_WINDOW);
  /* one at a time: a later batch's replaces it */
  g_application_send_notification (G_APPLICATION (self->application), NOTIFICATION_ID, notification);
}

static void
show_window_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* the application presents its window, a new one if it was closed */
  g_application_activate (G_APPLICATION (user_data));
}

static void
dd_notifier_dispose (GObject *object)
{
  DdNotifier *self = DD_NOTIFIER (object);

  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_object (&self->profiles);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (dd_notifier_parent_class)->dispose (object);
}

static void
dd_notifier_class_init (DdNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dd_notifier_dispose;
}

static void
dd_notifier_init (DdNotifier *self)
{
}

DdNotifier *
dd_notifier_new (GtkApplication *application,
                 DdOutbox       *outbox,
                 DdProfileStore *profiles)
{
  DdNotifier *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (DD_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (DD_IS_PROFILE_STORE (profiles), NULL);

  self = g_object_new (DD_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->outbox = g_object_ref (outbox);
  self->profiles = g_object_ref (profiles);

  if (g_action_map_lookup_action (G_ACTION_MAP (application), SHOW_WINDOW) == NULL)
    {
      g_autoptr(GSimpleAction) show = g_simple_action_new (SHOW_WINDOW, NULL);

      g_signal_connect_object (show, "activate", G_CALLBACK (show_window_cb), application, 0);
      g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (show));
    }

  g_signal_connect_object (outbox, "batch-finished", G_CALLBACK (batch_finished_cb), self, 0);
  return self;
}
