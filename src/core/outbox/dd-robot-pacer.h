/* dd-robot-pacer.h: each robot's sends in the last minute and DingTalk's
 * pauses, shared by every DingDrop process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-io-queue.h"

G_BEGIN_DECLS

/* DingTalk's limit for custom robots: 20 messages in any 60 s, as its
 * clock receives them; then 10 minutes blocked. */
#define DD_PACER_WINDOW_US  (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define DD_PACER_MARGIN_US  (G_GINT64_CONSTANT (1) * G_USEC_PER_SEC)

/* Returns the current time in µs since the epoch; tests inject their own. */
typedef gint64 (*DdClockFunc) (gpointer user_data);

#define DD_TYPE_ROBOT_PACER (dd_robot_pacer_get_type ())

G_DECLARE_FINAL_TYPE (DdRobotPacer, dd_robot_pacer, DD, ROBOT_PACER, GObject)

/* Signals:
 *   "paused" (const char *robot_id, gint64 until)
 *       the robot's known pause changed (0: no longer paused)
 */

DdRobotPacer *dd_robot_pacer_new             (const char          *directory,
                                              DdIoQueue           *queue);
void          dd_robot_pacer_set_clock       (DdRobotPacer        *self,
                                              DdClockFunc          clock,
                                              gpointer             user_data);
void          dd_robot_pacer_set_window      (DdRobotPacer        *self,
                                              gint64               window_us,
                                              gint64               margin_us);

void          dd_robot_pacer_reserve_async   (DdRobotPacer        *self,
                                              const char          *robot_id,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gint64        dd_robot_pacer_reserve_finish  (DdRobotPacer        *self,
                                              GAsyncResult        *result,
                                              guint64             *ticket,
                                              GError             **error);
void          dd_robot_pacer_answered        (DdRobotPacer        *self,
                                              const char          *robot_id,
                                              guint64              ticket);
void          dd_robot_pacer_release         (DdRobotPacer        *self,
                                              const char          *robot_id,
                                              guint64              ticket);
void          dd_robot_pacer_pause           (DdRobotPacer        *self,
                                              const char          *robot_id,
                                              gint64               until);
void          dd_robot_pacer_refresh         (DdRobotPacer        *self,
                                              const char          *robot_id);
gint64        dd_robot_pacer_get_paused_until (DdRobotPacer       *self,
                                              const char          *robot_id);
gint64        dd_robot_pacer_estimate        (DdRobotPacer        *self,
                                              const char          *robot_id,
                                              guint                n_messages,
                                              guint                limit);

G_END_DECLS
