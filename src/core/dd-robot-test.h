/* dd-robot-test.h: does a picture show in the robot's group?  The Test
 * behind `dingdrop profile test` and the robot editor's Test button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-profile.h"

G_BEGIN_DECLS

/* What the user's answer to dd_robot_test_question() did to the robot. */
typedef enum {
  DD_ROBOT_TEST_CHECKED,            /* Yes: the robot is marked checked */
  DD_ROBOT_TEST_SWITCHED_TO_CARD,   /* No, a custom robot in markdown style: now picture cards */
  DD_ROBOT_TEST_TRY_APP_ROBOT,      /* No, a custom robot already in card style */
  DD_ROBOT_TEST_APP_ROBOT_NOT_SHOWN,/* No, an app robot */
} DdRobotTestOutcome;

const char         *dd_robot_test_question         (void);

void                dd_robot_test_async            (DdClient            *client,
                                                    DdProfile           *profile,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            dd_robot_test_finish           (GAsyncResult        *result,
                                                    GError             **error);

DdRobotTestOutcome  dd_robot_test_answer           (DdProfile           *profile,
                                                    gboolean             showed,
                                                    gint64               now_unix);
const char         *dd_robot_test_outcome_sentence (DdRobotTestOutcome   outcome);

G_END_DECLS
