/* dd-sign.h: 加签, the signature of a custom robot's webhook
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char   *dd_sign_compute      (const char *secret,
                              gint64      timestamp_ms);
char   *dd_sign_url          (const char *webhook_url,
                              const char *secret,
                              gint64      timestamp_ms);
gint64  dd_sign_now_ms       (void);
char   *dd_redact_url        (const char *url);

G_END_DECLS
