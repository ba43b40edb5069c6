/* dd-fake-server.h: a loopback fake of the DingTalk HTTP APIs for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DdFakeServer listens on 127.0.0.1 (random port) in the thread-default
 * main context of the thread that creates it, and checks requests the way
 * real DingTalk does (see shared/dingtalk-api.md):
 *
 *   GET  /gettoken?appkey=K&appsecret=S
 *   POST /v1.0/oauth2/accessToken                  {"appKey","appSecret"}
 *   POST /media/upload?access_token=T&type=image   multipart, part "media"
 *   POST /robot/send?access_token=T[&timestamp=MS&sign=S]
 *   POST /v1.0/robot/groupMessages/send            x-acs-dingtalk-access-token
 *
 * Choices where DingTalk's documentation is silent (keep tests on errcodes):
 *
 *  - /gettoken within the token lifetime returns the same token and renews
 *    its lifetime ("有效期内重复获取会返回相同结果并自动续期").
 *  - /media/upload: a request that is multipart but has no file part named
 *    "media" with a filename answers 43008 (like a non-multipart request);
 *    40004 is kept for content that is not a jpg/gif/png/bmp image (sniffed
 *    from the magic bytes, never from the filename) and for a `type` query
 *    parameter other than "image". Missing or unknown token: 40014.
 *  - /robot/send: the rate limit counts every send that passed the token
 *    and signature checks (accepted or rejected later for its content).
 *    Non-POST: 43002; Content-Type not application/json: 43004; body not a
 *    valid message: 40035.
 *  - /v1.0 routes answer errors with real HTTP 4xx and {"code","message"}.
 *    Their DdFakeMessage.errcode is the HTTP status (0 on success) and
 *    DdFakeMessage.error_code the "code" string.
 *  - Faults (dd_fake_server_inject_fault) happen before DingTalk "sees" the
 *    request: a faulted request is not recorded as a message or upload,
 *    only in the log file. LATENCY is the exception: the request is then
 *    handled (and recorded) normally, only late, even if the client gave
 *    up meanwhile, as a real server would. Each fault is used by one
 *    request, whatever its path; dd_fake_server_get_n_requests() counts
 *    them all.
 *  - libsoup resends an idempotent request (GET /gettoken) once when a
 *    kept-alive connection is dropped before any answer: to make a client
 *    see a DROP there, inject it with count 2. POSTs go on fresh
 *    connections and are never resent.
 *
 *  - Records: dd_fake_server_get_uploads() holds accepted uploads only
 *    (dd_fake_server_get_n_upload_requests() counts every attempt);
 *    dd_fake_server_get_messages() holds every send on either robot route,
 *    accepted or not, canned answers (set_next_errcode) included.
 *
 * Since the server runs in the caller's main context, clients in the same
 * thread must be asynchronous (iterate the main context while waiting);
 * dd-fake-client.h has helpers for that.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DD_FAKE_ROBOT_MAX_BODY_BYTES      20000
#define DD_FAKE_APP_ROBOT_MAX_PARAM_BYTES 15000
#define DD_FAKE_ROBOT_RATE_LIMIT          20
#define DD_FAKE_ROBOT_RATE_WINDOW_MS      (60 * 1000)
#define DD_FAKE_ROBOT_BLOCK_MS            (10 * 60 * 1000)
#define DD_FAKE_SIGN_WINDOW_MS            (60 * 60 * 1000)

typedef enum {
  DD_FAKE_FAULT_NONE,
  DD_FAKE_FAULT_HTTP_500,   /* status 500, HTML body */
  DD_FAKE_FAULT_HTML_413,   /* status 413, HTML body (gateway's page) */
  DD_FAKE_FAULT_NOT_JSON,   /* status 200, HTML body */
  DD_FAKE_FAULT_DROP,       /* connection closed, no answer at all */
  DD_FAKE_FAULT_LATENCY,    /* handled normally after dd_fake_server_set_latency() ms */
  DD_FAKE_FAULT_STALL,      /* never answered while the server lives */
} DdFakeFault;

typedef struct {
  char   *access_token;  /* the app token used */
  char   *filename;      /* from the part's Content-Disposition */
  char   *content_type;  /* the part's Content-Type, may be NULL */
  GBytes *data;          /* the part's bytes */
  char   *media_id;
  gint64  created_at;    /* ms, fake clock */
} DdFakeUpload;

typedef struct {
  char     *access_token;  /* query access_token, or the x-acs header */
  char     *path;          /* "/robot/send" or "/v1.0/robot/groupMessages/send" */
  char     *query;         /* raw query string as received, may be NULL */
  GBytes   *raw_body;
  JsonNode *body;          /* parsed request body, NULL if not JSON */
  gint64    errcode;       /* DingTalk errcode answered; HTTP status on /v1.0 */
  char     *errmsg;        /* errmsg / "message" answered */
  char     *error_code;    /* /v1.0 only: the "code" answered, else NULL */
  gboolean  accepted;
  gint64    received_at;   /* ms, fake clock */
} DdFakeMessage;

#define DD_TYPE_FAKE_SERVER (dd_fake_server_get_type ())

G_DECLARE_FINAL_TYPE (DdFakeServer, dd_fake_server, DD, FAKE_SERVER, GObject)

DdFakeServer  *dd_fake_server_new                  (void);
const char    *dd_fake_server_get_base_url         (DdFakeServer        *self);
guint          dd_fake_server_get_port             (DdFakeServer        *self);

/* Configuration */
void           dd_fake_server_add_app              (DdFakeServer        *self,
                                                    const char          *app_key,
                                                    const char          *app_secret);
void           dd_fake_server_add_robot            (DdFakeServer        *self,
                                                    const char          *access_token,
                                                    const char          *secret,
                                                    const char * const  *keywords);
void           dd_fake_server_add_app_robot        (DdFakeServer        *self,
                                                    const char          *robot_code,
                                                    const char          *conversation_id);
void           dd_fake_server_set_token_lifetime   (DdFakeServer        *self,
                                                    guint                seconds);
void           dd_fake_server_set_max_upload_bytes (DdFakeServer        *self,
                                                    gsize                bytes);
void           dd_fake_server_set_html_413_on_oversize (DdFakeServer    *self,
                                                    gboolean             html_413);
gboolean       dd_fake_server_set_log_file         (DdFakeServer        *self,
                                                    const char          *path,
                                                    GError             **error);

/* Clock: real time plus an offset that tests can move forward */
gint64         dd_fake_server_get_now_ms           (DdFakeServer        *self);
void           dd_fake_server_advance_clock        (DdFakeServer        *self,
                                                    gint64               ms);

/* Faults and canned errors */
void           dd_fake_server_inject_fault         (DdFakeServer        *self,
                                                    DdFakeFault          fault,
                                                    guint                count);
void           dd_fake_server_set_latency          (DdFakeServer        *self,
                                                    guint                ms);
void           dd_fake_server_expire_tokens        (DdFakeServer        *self);
void           dd_fake_server_set_next_errcode     (DdFakeServer        *self,
                                                    const char          *path,
                                                    gint64               errcode,
                                                    const char          *errmsg);
guint          dd_fake_server_get_n_stalled        (DdFakeServer        *self);

/* What the fake saw. Arrays are owned by the server (transfer none). */
guint          dd_fake_server_get_n_requests       (DdFakeServer        *self);
guint          dd_fake_server_get_n_token_requests (DdFakeServer        *self);
guint          dd_fake_server_get_n_upload_requests (DdFakeServer       *self);
GPtrArray     *dd_fake_server_get_uploads          (DdFakeServer        *self);
DdFakeUpload  *dd_fake_server_lookup_upload        (DdFakeServer        *self,
                                                    const char          *media_id);
GPtrArray     *dd_fake_server_get_messages         (DdFakeServer        *self);
guint          dd_fake_server_count_accepted_messages (DdFakeServer     *self);
void           dd_fake_server_clear_records        (DdFakeServer        *self);

/* The signature DingTalk expects, base64 (not URL-encoded) */
char          *dd_fake_compute_sign                (const char          *secret,
                                                    gint64               timestamp_ms);

const char    *dd_fake_fault_to_string             (DdFakeFault          fault);
gboolean       dd_fake_fault_from_string           (const char          *name,
                                                    DdFakeFault         *out_fault);

G_END_DECLS
