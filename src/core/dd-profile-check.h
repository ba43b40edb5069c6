/* dd-profile-check.h: does a robot profile work? The checks behind
 * `dingdrop profile test` and the Test button of the robots window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-client.h"
#include "dd-profile.h"

G_BEGIN_DECLS

typedef enum {
  DD_PROFILE_CHECK_APP_CREDENTIALS,  /* AppKey/AppSecret give an access token */
  DD_PROFILE_CHECK_WEBHOOK,          /* webhook, signature and keywords: a test message */
  DD_PROFILE_N_CHECKS
} DdProfileCheck;

typedef enum {
  DD_PROFILE_CHECK_OK,
  DD_PROFILE_CHECK_FAILED,    /* error says why */
  DD_PROFILE_CHECK_NOT_SET,   /* nothing to check: the fields are empty */
} DdProfileCheckStatus;

typedef struct {
  DdProfileCheck        check;
  DdProfileCheckStatus  status;
  GError               *error;   /* when failed */
} DdProfileCheckResult;

void                  dd_profile_check_result_free (DdProfileCheckResult *result);

const char           *dd_profile_check_test_text   (void);

/* Runs every check, in the order of DdProfileCheck, with the secrets the
 * profile has in memory.  Returns (finish) a GPtrArray of
 * DdProfileCheckResult, one per check; it fails only when cancelled. */
void                  dd_profile_check_async       (DdClient            *client,
                                                    DdProfile           *profile,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray            *dd_profile_check_finish      (GAsyncResult        *result,
                                                    GError             **error);
gboolean              dd_profile_check_all_ok      (GPtrArray           *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdProfileCheckResult, dd_profile_check_result_free)

G_END_DECLS
