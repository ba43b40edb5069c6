/* dd-error.h: the one error domain of DingDrop's core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DD_ERROR (dd_error_quark ())

/**
 * DdErrorCode:
 *
 * What went wrong, in terms the user can act on.  Errors that come from
 * DingTalk also carry DingTalk's own errcode and errmsg (see
 * dd_error_get_errcode()), and their message is a translated sentence that
 * says what to fix.
 */
typedef enum {
  DD_ERROR_NETWORK,             /* could not connect, connection dropped */
  DD_ERROR_TIMEOUT,             /* connect or idle timeout */
  DD_ERROR_TLS,                 /* the server's certificate is not trusted */
  DD_ERROR_SERVER,              /* HTTP 5xx, v1.0 system.error */
  DD_ERROR_BUSY,                /* -1 系统繁忙, 88, 15, 900xx, 90018, HTTP 429: try again */
  DD_ERROR_BAD_APP_CREDENTIALS, /* 40089, 40001 */
  DD_ERROR_TOKEN_INVALID,       /* 40014, 42001 (after one refresh) */
  DD_ERROR_SECURITY_CHECK,      /* 310000: sign, timestamp, keyword or IP */
  DD_ERROR_ROBOT_UNKNOWN,       /* 300001, 300005 */
  DD_ERROR_RATE_LIMITED,        /* 130101, 410100: the robot is paused for 10 minutes */
  DD_ERROR_TOO_LARGE,           /* 460101, 101002, 40006, 45001, HTTP 413 */
  DD_ERROR_BAD_MEDIA_TYPE,      /* 40004 */
  DD_ERROR_UNEXPECTED,          /* any other errcode, or an answer we cannot read */
  /* errors found before anything reaches DingTalk */
  DD_ERROR_INVALID_WEBHOOK,
  DD_ERROR_NO_APP_CREDENTIALS,
  DD_ERROR_KEYRING,
  DD_ERROR_PROFILE,             /* missing, duplicate or invalid profile */
  DD_ERROR_FILE,                /* unreadable, empty, vanished, … */
  DD_ERROR_NOT_IMAGE,           /* not an image DingDrop can send */
  /* the app robot route (v1.0 API) */
  DD_ERROR_APP_PERMISSION,      /* AccessTokenPermissionDenied: a scope is missing */
  DD_ERROR_APP_ROBOT_UNKNOWN,   /* invalidParameter.robotCode.*: not in the group, or wrong */
  DD_ERROR_GROUP_UNKNOWN,       /* resource.not.found, a wrong openConversationId */
  DD_ERROR_GROUP_DISBANDED,     /* group.disbanded */
  DD_ERROR_ROBOT_STOPPED,       /* bot.stopped */
  DD_ERROR_CONTENT_BLOCKED,     /* contain.notAllowed.picture */
  /* the image editor */
  DD_ERROR_INVALID_EDIT,        /* a crop that leaves nothing of the image */
} DdErrorCode;

/**
 * DdSecurityHint:
 *
 * Which of the robot's security checks an errcode 310000 most likely means.
 * Recognised from DingTalk's errmsg only to pick the sentence shown; code
 * must never branch on errmsg otherwise.
 */
typedef enum {
  DD_SECURITY_HINT_UNKNOWN,
  DD_SECURITY_HINT_SIGN,
  DD_SECURITY_HINT_TIMESTAMP,
  DD_SECURITY_HINT_KEYWORD,
  DD_SECURITY_HINT_IP,
} DdSecurityHint;

GQuark          dd_error_quark              (void);

GError         *dd_error_new_dingtalk       (gint64       errcode,
                                             const char  *errmsg,
                                             guint        http_status);
GError         *dd_error_new_dingtalk_sub   (gint64       errcode,
                                             const char  *errmsg,
                                             const char  *sub_code,
                                             guint        http_status);
GError         *dd_error_new_coded          (DdErrorCode  code,
                                             guint        http_status,
                                             const char  *details);
GError         *dd_error_new_http           (guint        http_status,
                                             const char  *reason);
GError         *dd_error_new_unexpected     (guint        http_status,
                                             const char  *what);
GError         *dd_error_new_malformed      (guint        http_status,
                                             const char  *what);
GError         *dd_error_from_transport     (const GError *transport_error);
GError         *dd_error_new_v1             (guint               http_status,
                                             const char         *code,
                                             const char         *message,
                                             const char * const *required_scopes);

DdErrorCode     dd_error_code_for_errcode   (gint64       errcode);
DdSecurityHint  dd_error_security_hint      (const char  *errmsg);

gint64          dd_error_get_errcode        (const GError *error);
const char     *dd_error_get_errmsg         (const GError *error);
guint           dd_error_get_http_status    (const GError *error);
DdSecurityHint  dd_error_get_security_hint  (const GError *error);
gboolean        dd_error_is_transient       (const GError *error);

G_END_DECLS
