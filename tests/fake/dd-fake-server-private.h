/* dd-fake-server-private.h: state shared by the fake's route handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "dd-fake-server.h"

G_BEGIN_DECLS

typedef struct {
  char   *app_key;
  char   *app_secret;
  char   *current_token;  /* newest gettoken token issued, may be NULL */
  char   *current_v1_token; /* newest v1.0 oauth2 token issued, may be NULL */
  GHashTable *missing_scopes; /* scopes the app was not granted */
} DdFakeApp;

typedef struct {
  char   *token;
  char   *app_key;
  gint64  expires_at;     /* ms, fake clock */
  gboolean v1;            /* from /v1.0/oauth2/accessToken, not /gettoken */
} DdFakeToken;

typedef struct {
  char   *access_token;
  char   *secret;         /* NULL: no signing */
  char  **keywords;       /* NULL or empty: no keyword check */
  GArray *attempts;       /* gint64 ms of counted sends in the window, oldest first */
  gint64  blocked_until;  /* ms, fake clock; 0 when never blocked */
  GHashTable *msg_uuids;  /* set of the msgUuids accepted */
} DdFakeRobot;

/* A canned answer: an errcode (set_next_errcode) or a raw HTTP answer */
typedef struct {
  char    *path;          /* NULL: any path */
  guint    remaining;     /* requests it still answers */
  gboolean raw;
  gint64   errcode;       /* !raw */
  char    *errmsg;        /* !raw */
  guint    status;        /* raw */
  GBytes  *body;          /* raw */
  char    *content_type;  /* raw */
} DdFakeCanned;

typedef enum {
  DD_FAKE_TOKEN_VALID,
  DD_FAKE_TOKEN_UNKNOWN,
  DD_FAKE_TOKEN_EXPIRED,
} DdFakeTokenState;

struct _DdFakeServer
{
  GObject        parent_instance;

  SoupServer    *soup;
  char          *base_url;
  guint          port;

  gint64         clock_offset_ms;
  gboolean       clock_frozen;
  gint64         frozen_real_ms;  /* the real clock when frozen */
  guint          token_lifetime_s;
  gsize          max_upload_bytes;
  gboolean       html_413_on_oversize;
  guint          latency_ms;
  guint          rate_limit;
  guint          rate_window_ms;
  guint          rate_block_ms;
  gint64         throttle_errcode;

  GHashTable    *apps;          /* app_key -> DdFakeApp */
  GHashTable    *tokens;        /* token -> DdFakeToken */
  GHashTable    *robots;        /* access_token -> DdFakeRobot */
  GHashTable    *app_robots;    /* robot_code -> conversation id */
  GPtrArray     *canned;        /* of DdFakeCanned, one per path */
  GQueue         faults;        /* of GUINT_TO_POINTER (DdFakeFault) */
  GList         *delayed;       /* of DdFakeDelayed */

  GPtrArray     *uploads;       /* of DdFakeUpload */
  GPtrArray     *messages;      /* of DdFakeMessage */
  guint          n_requests;
  guint          n_token_requests;
  guint          n_v1_token_requests;
  guint          n_upload_requests;
  guint          n_throttled;
  guint          serial;

  GOutputStream *log;
};

/* dd-fake-server-util.c */
extern const char dd_fake_html_413_page[];

char             *dd_fake_server_make_id            (DdFakeServer       *self,
                                                     const char         *prefix);
void              dd_fake_reply_html                (SoupServerMessage  *msg,
                                                     guint               status,
                                                     const char         *page);
void              dd_fake_reply_json                (SoupServerMessage  *msg,
                                                     guint               status,
                                                     JsonBuilder        *builder);
void              dd_fake_reply_errcode             (SoupServerMessage  *msg,
                                                     JsonObject         *entry,
                                                     gint64              errcode,
                                                     const char         *errmsg);
void              dd_fake_reply_v1_error            (SoupServerMessage  *msg,
                                                     JsonObject         *entry,
                                                     guint               status,
                                                     const char         *code,
                                                     const char         *message);
JsonNode         *dd_fake_parse_json                (GBytes             *bytes);
void              dd_fake_message_free              (DdFakeMessage      *message);
void              dd_fake_upload_free               (DdFakeUpload       *upload);

/* dd-fake-server-token.c */
void              dd_fake_app_free                  (DdFakeApp          *app);
void              dd_fake_token_free                (DdFakeToken        *token);
DdFakeTokenState  dd_fake_server_check_token        (DdFakeServer       *self,
                                                     const char         *token,
                                                     gboolean            v1);
gboolean          dd_fake_server_token_has_scope    (DdFakeServer       *self,
                                                     const char         *token,
                                                     const char         *scope);
void              dd_fake_server_handle_gettoken    (DdFakeServer       *self,
                                                     SoupServerMessage  *msg,
                                                     GHashTable         *query,
                                                     JsonObject         *entry);
void              dd_fake_server_handle_oauth2_token (DdFakeServer      *self,
                                                     SoupServerMessage  *msg,
                                                     JsonObject         *entry);

/* dd-fake-server-media.c */
gboolean          dd_fake_server_is_picture         (DdFakeServer       *self,
                                                     const char         *pic_url);
void              dd_fake_server_handle_upload      (DdFakeServer       *self,
                                                     SoupServerMessage  *msg,
                                                     GHashTable         *query,
                                                     JsonObject         *entry);

/* dd-fake-server-robot.c */
void              dd_fake_robot_free                (DdFakeRobot        *robot);
void              dd_fake_server_record_message     (DdFakeServer       *self,
                                                     SoupServerMessage  *msg,
                                                     const char         *access_token,
                                                     JsonObject         *entry);
void              dd_fake_server_handle_robot_send  (DdFakeServer       *self,
                                                     SoupServerMessage  *msg,
                                                     GHashTable         *query,
                                                     JsonObject         *entry);
void              dd_fake_server_handle_app_robot_send (DdFakeServer    *self,
                                                     SoupServerMessage  *msg,
                                                     JsonObject         *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdFakeMessage, dd_fake_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdFakeUpload, dd_fake_upload_free)

G_END_DECLS
