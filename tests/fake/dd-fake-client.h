/* dd-fake-client.h: small libsoup client helpers for tests of the fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DdFakeServer answers in the thread-default main context, so a client in
 * the same thread must not block: these helpers send asynchronously and
 * iterate that context until the answer (or the error) is in.
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

SoupSession *dd_fake_client_new_session    (void);
GBytes      *dd_fake_client_send           (SoupSession   *session,
                                            SoupMessage   *msg,
                                            GCancellable  *cancellable,
                                            GError       **error);
SoupMessage *dd_fake_client_new_json_post  (const char    *url,
                                            const char    *json);
JsonObject  *dd_fake_client_parse_object   (GBytes        *bytes);
void         dd_fake_client_wait_ms        (guint          ms);
GBytes      *dd_fake_client_tiny_png       (void);

G_END_DECLS
