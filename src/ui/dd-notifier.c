/* dd-notifier.c: when a send from the window has arrived (or failed),
 * however many robots it went to, while no window of DingDrop had the
 * focus — the window closed with Keep Sending, or the user at another
 * program — one desktop notification says what arrived where and what
 * did not; clicking it brings the window back.  With a window in front,
 * its toast says it instead.  The window tells it (dd_notifier_tell):
 * a batch that another process (dingdrop send in a terminal) sent is
 * not the window's to announce.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-notifier.h"
#include "dd-window.h"

#define NOTIFICATION_ID "batch-finished"
#define SHOW_WINDOW     "show-window"

struct _DdNotifier
{
  GObject         parent_instance;

  GtkApplication *application;  /* weak: it owns us */
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

/**
 * dd_notifier_tell:
 * @summary: what one send from a window arrived at, and where it failed
 *
 * With no window of the application in front, a desktop notification
 * says it (a later send's replaces it); otherwise nothing: the window's
 * toast says it.
 */
void
dd_notifier_tell (DdNotifier    *self,
                  DdSendSummary *summary)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  guint n_sent, n_failed;
  const char *title;

  g_return_if_fail (DD_IS_NOTIFIER (self));
  g_return_if_fail (summary != NULL);

  if (self->application == NULL || someone_is_looking (self))
    return;

  n_sent = dd_send_summary_get_n_sent (summary);
  n_failed = dd_send_summary_get_n_failed (summary);
  text = dd_send_summary_describe (summary);
  if (n_failed == 0)
    {
      title = _("Images Sent");
      body = g_steal_pointer (&text);
    }
  else if (n_sent == 0)
    {
      title = _("Images Were Not Sent");
      /* Translators: "1 image could not be sent to Team A. Open DingDrop to see why." */
      body = g_strdup_printf (_("%s. Open DingDrop to see why."), text);
    }
  else
    {
      title = _("Some Images Were Not Sent");
      body = g_steal_pointer (&text);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  if (n_failed > 0)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app." SHOW_WINDOW);
  /* one at a time: a later send's replaces it */
  g_application_send_notification (G_APPLICATION (self->application), NOTIFICATION_ID, notification);
}

static void
send_finished_cb (DdWindow      *window,
                  DdSendSummary *summary,
                  DdNotifier    *self)
{
  dd_notifier_tell (self, summary);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 DdNotifier     *self)
{
  if (DD_IS_WINDOW (window))
    g_signal_connect_object (window, "send-finished", G_CALLBACK (send_finished_cb), self, 0);
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
dd_notifier_new (GtkApplication *application)
{
  DdNotifier *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (DD_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);

  if (g_action_map_lookup_action (G_ACTION_MAP (application), SHOW_WINDOW) == NULL)
    {
      g_autoptr(GSimpleAction) show = g_simple_action_new (SHOW_WINDOW, NULL);

      g_signal_connect_object (show, "activate", G_CALLBACK (show_window_cb), application, 0);
      g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (show));
    }

  /* the windows' sends, those there already and those to come */
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    window_added_cb (application, l->data, self);
  g_signal_connect_object (application, "window-added", G_CALLBACK (window_added_cb), self, 0);
  return self;
}
