/* outbox-fixture.h: an outbox on a throwaway folder, the in-process fake
 * DingTalk, robots whose secrets are in a real (file backend) keyring, and
 * a clock the test moves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-fake-server.h"
#include "dd-outbox-private.h"

G_BEGIN_DECLS

#define APP_KEY     "dingoutboxapp"
#define APP_SECRET  "outbox-app-secret+/="
#define TOKEN       "outboxrobottoken0123456789"
#define TOKEN2      "secondrobottoken0123456789"
#define SECRET      "SECoutbox+secret/with=chars"

typedef struct {
  DdFakeServer   *fake;
  DdClient       *client;
  DdProfileStore *store;
  DdProfile      *profile;    /* TOKEN, signed */
  char           *tmp;
  char           *dir;        /* the outbox */
  gint64          now;        /* the outbox's clock */
  DdOutbox       *outbox;
  guint           n_uploading;
  guint           max_uploading;
  gboolean        long_names;   /* add_batch() names images at length */
} Fixture;

void        fixture_set_up       (Fixture       *f,
                                  gconstpointer  data);
void        fixture_tear_down    (Fixture       *f,
                                  gconstpointer  data);

void        store_result         (GObject       *source,
                                  GAsyncResult  *result,
                                  gpointer       user_data);
GAsyncResult *wait_for           (GAsyncResult **slot);

DdOutbox   *fixture_new_outbox   (Fixture       *f);
DdProfile  *fixture_add_profile  (Fixture       *f,
                                  const char    *name,
                                  const char    *token,
                                  const char    *secret);
DdProfile  *fixture_add_app_profile (Fixture    *f,
                                  const char    *robot_code,
                                  const char    *conversation_id);
GBytes     *make_png             (guint          width,
                                  guint          height,
                                  guint          seed);
char       *add_batch            (Fixture       *f,
                                  DdOutbox      *outbox,
                                  DdProfile     *profile,
                                  GPtrArray     *images,
                                  const DdSendOptions *options);
GPtrArray  *make_images          (guint          n,
                                  guint          first_seed);
gboolean    outbox_load          (DdOutbox      *outbox,
                                  GError       **error);
gboolean    outbox_retry         (DdOutbox      *outbox,
                                  DdJob         *job,
                                  DdProfile     *profile,
                                  GError       **error);
gboolean    outbox_remove        (DdOutbox      *outbox,
                                  DdJob         *job,
                                  GError       **error);
guint       outbox_clear         (DdOutbox      *outbox,
                                  DdOutboxClearFlags flags);
void        outbox_close         (DdOutbox      *outbox);
typedef gboolean (*Condition)    (Fixture       *f,
                                  gpointer       data);
gboolean    wait_until           (Fixture       *f,
                                  Condition      condition,
                                  gpointer       data,
                                  guint          timeout_ms);
gboolean    batch_done           (Fixture       *f,
                                  gpointer       batch_id);
gboolean    done_skipping_backoff (Fixture      *f,
                                  gpointer       batch_id);
const char *message_text         (DdFakeMessage *message);
guint       count_jobs_in_state  (DdOutbox      *outbox,
                                  DdJobState     state);

G_END_DECLS
