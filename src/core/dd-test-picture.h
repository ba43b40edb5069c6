/* dd-test-picture.h: the small picture a robot's Test posts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DD_TEST_PICTURE_WIDTH  480
#define DD_TEST_PICTURE_HEIGHT 270

GBytes *dd_test_picture_new (const char  *robot_name,
                             GDateTime   *when,
                             GError     **error);

G_END_DECLS
