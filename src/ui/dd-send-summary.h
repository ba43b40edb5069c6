/* dd-send-summary.h: what one send arrived at and where it failed, robot
 * by robot, in one sentence for a toast or a notification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DdSendSummary DdSendSummary;

DdSendSummary *dd_send_summary_new          (void);
void           dd_send_summary_free         (DdSendSummary *self);
/* @robot's batch ended: what arrived, what failed (a robot given twice adds up) */
void           dd_send_summary_add          (DdSendSummary *self,
                                             const char    *robot,
                                             guint          n_sent,
                                             guint          n_failed);
guint          dd_send_summary_get_n_sent   (DdSendSummary *self);
guint          dd_send_summary_get_n_failed (DdSendSummary *self);
/* "2 images sent to Team A and Team B", "2 images sent to Team A; 2
 * failed for Team B", "1 image could not be sent to Team A" */
char          *dd_send_summary_describe     (DdSendSummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdSendSummary, dd_send_summary_free)

G_END_DECLS
