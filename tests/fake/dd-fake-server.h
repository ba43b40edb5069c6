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
 *  - /robot/send, rate limit: a strict rolling window per robot. A send
 *    counts when it names a known robot and passes the signature check,
 *    whatever happens to it next: accepted, rejected for its content,
 *    refused as too fast, or a msgUuid duplicate (DingTalk counts requests,
 *    not messages shown). Its time is when the fake handles it, after any
 *    LATENCY fault. A send at time T is refused when, counting itself,
 *    more than LIMIT counted sends fall in (T - WINDOW, T]: a send exactly
 *    WINDOW ms older is outside. The refusal blocks the robot for
 *    [T, T + BLOCK); every send meanwhile is refused (and counted, so a
 *    client that hammers a blocked robot is blocked again at once). The
 *    refusal's errcode is 410100 by default, 130101 (legacy) on request;
 *    its errmsg is DingTalk's "send too fast, exceed 20 times per minute"
 *    whatever the limit. dd_fake_server_set_rate_limit() changes all four;
 *    dd_fake_server_get_n_throttled() counts these refusals (not canned
 *    answers that happen to carry the same errcode).
 *  - /robot/send, msgUuid: a send that passes every check and carries a
 *    non-empty string member "msgUuid" that this robot accepted before is
 *    answered {"errcode":0,"errmsg":"ok"} and recorded accepted and
 *    duplicate, but not shown again (dd_fake_server_count_shown_messages()).
 *    The body is not compared with the first one's; a msgUuid is per robot
 *    and never forgotten while the server lives (clear_records() keeps
 *    it); only an accepted send makes it known, so a retry after an error
 *    (a canned answer included) is shown. A msgUuid that is not a string, or is
 *    empty, is ignored.
 *  - Non-POST: 43002; Content-Type not application/json: 43004; body not a
 *    valid message: 40035.
 *  - /v1.0 routes answer errors with real HTTP 4xx and {"code","message"}.
 *    /v1.0/oauth2/accessToken issues tokens of its own: the v1.0 API
 *    refuses a /gettoken token (401 InvalidAuthentication) and the oapi a
 *    v1.0 one (40014). An app robot send needs the scope
 *    qyapi_robot_sendmsg (dd_fake_server_revoke_scope(): 403
 *    Forbidden.AccessDenied.AccessTokenPermissionDenied with
 *    accessdenieddetail.requiredScopes), a known robotCode (400
 *    invalidParameter.robotCode.notExsit), its group's openConversationId,
 *    and a msgParam that is a JSON string of at most 15000 bytes fitting
 *    its msgKey; a sampleImageMsg's photoURL, like a feedCard's picURL and
 *    a link's picUrl on /robot/send, must be a media_id uploaded here or an
 *    https URL. The other §5 answers (send.too.fast, too.many.group,
 *    system.error, group.disbanded, bot.stopped, …) come on demand from
 *    dd_fake_server_set_next_v1_error(), a canned answer.
 *    Their DdFakeMessage.errcode is the HTTP status (0 on success) and
 *    DdFakeMessage.error_code the "code" string.
 *  - Faults (dd_fake_server_inject_fault) happen before DingTalk "sees" the
 *    request: a faulted request is not recorded as a message or upload,
 *    nor counted by the rate limit, only logged. LATENCY is the exception:
 *    the request is then handled (and recorded) normally, only late, even
 *    if the client gave up meanwhile, as a real server would. Each fault
 *    is used by one request, whatever its path;
 *    dd_fake_server_get_n_requests() counts them all.
 *  - libsoup resends an idempotent request (GET /gettoken) once when a
 *    kept-alive connection is dropped before any answer: to make a client
 *    see a DROP there, inject it with count 2. POSTs go on fresh
 *    connections and are never resent.
 *  - Canned answers (dd_fake_server_set_next_errcode[_full],
 *    dd_fake_server_set_next_answer) come after faults and before every
 *    check: they are not counted by the rate limit, do not make a msgUuid
 *    known and never create a token or media_id. Each PATH (NULL: any
 *    path) holds one pending canned answer with a count; a new one for the
 *    same PATH replaces it, and a request takes its own path's answer
 *    before the any-path one.
 *
 *  - Records: dd_fake_server_get_uploads() holds accepted uploads only
 *    (dd_fake_server_get_n_upload_requests() counts every attempt);
 *    dd_fake_server_get_messages() holds every send on either robot route,
 *    accepted or not, canned answers included. A message's errcode is
 *    DD_FAKE_ERRCODE_NONE when the answer held no integer errcode (a
 *    canned HTML page or malformed answer); the log file then has the
 *    answer's own errcode member (e.g. the string "310000") or null.
 *    clear_records() forgets records and counters, not the robots' state
 *    (rate window, block, known msgUuids).
 *  - The log file has one JSON object per request with at least: method,
 *    path, status, errcode, errmsg, accepted, access_token, body,
 *    filename, content_type, size, media_id, msg_uuid, duplicate; and
 *    "fault" or "canned" when one was used. The group shows a message for
 *    each entry with accepted true and duplicate false.
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
#define DD_FAKE_ROBOT_THROTTLE_ERRCODE    410100  /* current */
#define DD_FAKE_ROBOT_THROTTLE_ERRCODE_LEGACY 130101
#define DD_FAKE_SIGN_WINDOW_MS            (60 * 60 * 1000)

/* DdFakeMessage.errcode when the answer held no integer errcode */
#define DD_FAKE_ERRCODE_NONE              G_MININT64

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
  gint64    errcode;       /* DingTalk errcode answered; HTTP status on /v1.0;
                            * DD_FAKE_ERRCODE_NONE if the answer had none */
  char     *errmsg;        /* errmsg / "message" answered */
  char     *error_code;    /* /v1.0 only: the "code" answered, else NULL */
  gboolean  accepted;
  gint64    received_at;   /* ms, fake clock */
  guint     http_status;   /* HTTP status answered */
  char     *msg_uuid;      /* /robot/send: the body's msgUuid, NULL if absent */
  gboolean  duplicate;     /* accepted, but a msgUuid seen before: not shown */
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
void           dd_fake_server_revoke_scope         (DdFakeServer        *self,
                                                    const char          *app_key,
                                                    const char          *scope);
void           dd_fake_server_grant_scope          (DdFakeServer        *self,
                                                    const char          *app_key,
                                                    const char          *scope);
void           dd_fake_server_set_token_lifetime   (DdFakeServer        *self,
                                                    guint                seconds);
void           dd_fake_server_set_max_upload_bytes (DdFakeServer        *self,
                                                    gsize                bytes);
void           dd_fake_server_set_html_413_on_oversize (DdFakeServer    *self,
                                                    gboolean             html_413);
void           dd_fake_server_set_rate_limit       (DdFakeServer        *self,
                                                    guint                limit,
                                                    guint                window_ms,
                                                    guint                block_ms,
                                                    gint64               throttle_errcode);
gboolean       dd_fake_server_set_log_file         (DdFakeServer        *self,
                                                    const char          *path,
                                                    GError             **error);

/* Clock: real time plus an offset that tests can move forward; frozen, it
 * stands still (but for advance_clock) until thawed, then goes on from
 * where it stood */
gint64         dd_fake_server_get_now_ms           (DdFakeServer        *self);
void           dd_fake_server_advance_clock        (DdFakeServer        *self,
                                                    gint64               ms);
void           dd_fake_server_freeze_clock         (DdFakeServer        *self,
                                                    gboolean             frozen);

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
void           dd_fake_server_set_next_errcode_full (DdFakeServer       *self,
                                                    const char          *path,
                                                    guint                count,
                                                    gint64               errcode,
                                                    const char          *errmsg);
void           dd_fake_server_set_next_answer      (DdFakeServer        *self,
                                                    const char          *path,
                                                    guint                count,
                                                    guint                http_status,
                                                    const char          *body,
                                                    const char          *content_type);
void           dd_fake_server_set_next_v1_error    (DdFakeServer        *self,
                                                    const char          *path,
                                                    guint                count,
                                                    guint                http_status,
                                                    const char          *code,
                                                    const char          *message);
guint          dd_fake_server_get_n_stalled        (DdFakeServer        *self);
guint          dd_fake_server_release_delayed      (DdFakeServer        *self);

/* What the fake saw. Arrays are owned by the server (transfer none). */
guint          dd_fake_server_get_n_requests       (DdFakeServer        *self);
guint          dd_fake_server_get_n_token_requests (DdFakeServer        *self);
guint          dd_fake_server_get_n_v1_token_requests (DdFakeServer     *self);
guint          dd_fake_server_get_n_upload_requests (DdFakeServer       *self);
GPtrArray     *dd_fake_server_get_uploads          (DdFakeServer        *self);
DdFakeUpload  *dd_fake_server_lookup_upload        (DdFakeServer        *self,
                                                    const char          *media_id);
GPtrArray     *dd_fake_server_get_messages         (DdFakeServer        *self);
guint          dd_fake_server_count_accepted_messages (DdFakeServer     *self);
guint          dd_fake_server_count_shown_messages (DdFakeServer        *self);
guint          dd_fake_server_get_n_throttled      (DdFakeServer        *self);
void           dd_fake_server_clear_records        (DdFakeServer        *self);

/* The signature DingTalk expects, base64 (not URL-encoded) */
char          *dd_fake_compute_sign                (const char          *secret,
                                                    gint64               timestamp_ms);

const char    *dd_fake_fault_to_string             (DdFakeFault          fault);
gboolean       dd_fake_fault_from_string           (const char          *name,
                                                    DdFakeFault         *out_fault);

G_END_DECLS
