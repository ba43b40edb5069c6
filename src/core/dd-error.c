/* dd-error.c: DingTalk errcodes turned into sentences a user can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-error"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "dd-error.h"

typedef struct {
  gint64          errcode;
  char           *errmsg;
  guint           http_status;
  DdSecurityHint  hint;
  gboolean        malformed;   /* JSON, but not in a shape DingTalk answers */
} DdErrorPrivate;

static void
dd_error_private_init (DdErrorPrivate *priv)
{
  priv->errcode = 0;
  priv->errmsg = NULL;
  priv->http_status = 0;
  priv->hint = DD_SECURITY_HINT_UNKNOWN;
  priv->malformed = FALSE;
}

static void
dd_error_private_copy (const DdErrorPrivate *src,
                       DdErrorPrivate       *dest)
{
  dest->errcode = src->errcode;
  dest->errmsg = g_strdup (src->errmsg);
  dest->http_status = src->http_status;
  dest->hint = src->hint;
  dest->malformed = src->malformed;
}

static void
dd_error_private_clear (DdErrorPrivate *priv)
{
  g_clear_pointer (&priv->errmsg, g_free);
}

G_DEFINE_EXTENDED_ERROR (DdError, dd_error)

DdErrorCode
dd_error_code_for_errcode (gint64 errcode)
{
  switch (errcode)
    {
    case 40089:
    case 40001:
      return DD_ERROR_BAD_APP_CREDENTIALS;
    case 40014:
    case 42001:
      return DD_ERROR_TOKEN_INVALID;
    case 310000:
      return DD_ERROR_SECURITY_CHECK;
    case 300001:
    case 300005:
      return DD_ERROR_ROBOT_UNKNOWN;
    case 130101:  /* legacy */
    case 410100:
      return DD_ERROR_RATE_LIMITED;
    case -1:      /* 系统繁忙: "system busy, retry later" */
    case 88:      /* the auth service timed out (when its sub_code is empty) */
    case 15:      /* timed out */
    case 90018:   /* the app's calls per second */
      return DD_ERROR_BUSY;
    case 460101:
    case 101002:
    case 40006:
    case 45001:
      return DD_ERROR_TOO_LARGE;
    case 40004:
      return DD_ERROR_BAD_MEDIA_TYPE;
    default:
      /* 900xx: the gateway's flow control */
      if (errcode >= 90000 && errcode <= 90099)
        return DD_ERROR_BUSY;
      return DD_ERROR_UNEXPECTED;
    }
}

DdSecurityHint
dd_error_security_hint (const char *errmsg)
{
  g_autofree char *lower = NULL;

  if (errmsg == NULL)
    return DD_SECURITY_HINT_UNKNOWN;

  lower = g_ascii_strdown (errmsg, -1);

  /* Only used to choose which sentence to show: DingTalk changes its
   * wording, so an unrecognised errmsg falls back to the general hint.
   * "签名和生成签名的时间戳必须都放在调用的网址中" (no sign in the URL) means the
   * robot wants a signature we did not have: a signing-secret matter. */
  if (strstr (errmsg, "网址") != NULL || strstr (lower, "url") != NULL)
    return DD_SECURITY_HINT_SIGN;
  if (strstr (lower, "timestamp") != NULL || strstr (errmsg, "时间戳") != NULL ||
      strstr (errmsg, "过期") != NULL)
    return DD_SECURITY_HINT_TIMESTAMP;
  if (strstr (lower, "sign") != NULL || strstr (errmsg, "签名") != NULL)
    return DD_SECURITY_HINT_SIGN;
  if (strstr (lower, "keyword") != NULL || strstr (errmsg, "关键词") != NULL)
    return DD_SECURITY_HINT_KEYWORD;
  if (strstr (lower, "ip ") != NULL || strstr (lower, " ip") != NULL ||
      strstr (errmsg, "白名单") != NULL)
    return DD_SECURITY_HINT_IP;

  return DD_SECURITY_HINT_UNKNOWN;
}

static const char *
sentence_for (DdErrorCode    code,
              DdSecurityHint hint)
{
  switch (code)
    {
    case DD_ERROR_BAD_APP_CREDENTIALS:
      return _("DingTalk rejected the AppKey or AppSecret. Copy both again from the internal app’s page in the DingTalk developer console.");
    case DD_ERROR_TOKEN_INVALID:
      return _("DingTalk rejected the app’s access token, even a fresh one. Check that the AppKey and AppSecret belong to the same internal app.");
    case DD_ERROR_SECURITY_CHECK:
      switch (hint)
        {
        case DD_SECURITY_HINT_SIGN:
          return _("The robot’s signing secret does not match. Copy it again from the robot’s security settings.");
        case DD_SECURITY_HINT_TIMESTAMP:
          return _("DingTalk refused the signature’s time. Check that this computer’s clock and time zone are set correctly.");
        case DD_SECURITY_HINT_KEYWORD:
          return _("The message has none of the robot’s keywords. Add the robot’s keyword to this robot in DingDrop.");
        case DD_SECURITY_HINT_IP:
          return _("This computer’s IP address is not on the robot’s allow-list. Add it in the robot’s security settings.");
        case DD_SECURITY_HINT_UNKNOWN:
        default:
          return _("The robot’s security settings refused the message. Check its signing secret, keywords and IP allow-list.");
        }
    case DD_ERROR_ROBOT_UNKNOWN:
      return _("DingTalk does not know this robot. Copy the webhook again from the robot’s settings in the group.");
    case DD_ERROR_RATE_LIMITED:
      return _("The robot sent more than 20 messages in a minute, so DingTalk paused it for 10 minutes. Try again later.");
    case DD_ERROR_BUSY:
      return _("DingTalk is busy right now. Try again in a moment.");
    case DD_ERROR_TOO_LARGE:
      return _("DingTalk refused the image or message as too large.");
    case DD_ERROR_BAD_MEDIA_TYPE:
      return _("DingTalk does not accept this kind of file. Send a JPEG, PNG, GIF or BMP image.");
    case DD_ERROR_NETWORK:
      return _("Could not reach DingTalk. Check the internet connection and try again.");
    case DD_ERROR_TIMEOUT:
      return _("DingTalk did not answer in time. Try again in a moment.");
    case DD_ERROR_TLS:
      return _("The server’s certificate is not trusted, so nothing was sent. If your network inspects secure connections, ask its administrator; otherwise check the robot’s server address.");
    case DD_ERROR_SERVER:
      return _("DingTalk had a server problem. Try again in a moment.");
    case DD_ERROR_APP_ROBOT_UNKNOWN:
      return _("DingTalk does not know this app robot in the group. Add the app’s robot to the group, or copy the robotCode again from the app’s robot page in the developer console.");
    case DD_ERROR_GROUP_UNKNOWN:
      return _("DingTalk does not know this group. Check the robot’s openConversationId, and that the app’s robot is in the group.");
    case DD_ERROR_GROUP_DISBANDED:
      return _("The group has been disbanded. Choose another group for this robot.");
    case DD_ERROR_ROBOT_STOPPED:
      return _("The app’s robot is stopped. Start it again on the app’s robot page in the developer console.");
    case DD_ERROR_CONTENT_BLOCKED:
      return _("DingTalk refused the picture’s content. Send another picture.");
    case DD_ERROR_APP_PERMISSION:
      return _("The app lacks a permission it needs. Add it under Permissions in the DingTalk developer console.");
    case DD_ERROR_UNEXPECTED:
    case DD_ERROR_INVALID_WEBHOOK:
    case DD_ERROR_NO_APP_CREDENTIALS:
    case DD_ERROR_KEYRING:
    case DD_ERROR_PROFILE:
    case DD_ERROR_FILE:
    case DD_ERROR_NOT_IMAGE:
    case DD_ERROR_INVALID_EDIT:
    default:
      return _("DingTalk gave an answer DingDrop does not understand.");
    }
}

static GError *
new_with_details (DdErrorCode  code,
                  const char  *message,
                  gint64       errcode,
                  const char  *errmsg,
                  guint        http_status,
                  DdSecurityHint hint)
{
  GError *error = g_error_new_literal (DD_ERROR, code, message);
  DdErrorPrivate *priv = dd_error_get_private (error);

  priv->errcode = errcode;
  priv->errmsg = g_strdup (errmsg);
  priv->http_status = http_status;
  priv->hint = hint;

  return error;
}

/**
 * dd_error_new_dingtalk:
 * @errcode: DingTalk's errcode (non-zero)
 * @errmsg: (nullable): DingTalk's errmsg
 * @http_status: the HTTP status of the answer
 *
 * Returns: a #DD_ERROR whose message is the translated sentence for @errcode
 */
GError *
dd_error_new_dingtalk (gint64      errcode,
                       const char *errmsg,
                       guint       http_status)
{
  DdErrorCode code = dd_error_code_for_errcode (errcode);
  DdSecurityHint hint = DD_SECURITY_HINT_UNKNOWN;

  if (code == DD_ERROR_SECURITY_CHECK)
    hint = dd_error_security_hint (errmsg);

  return new_with_details (code, sentence_for (code, hint),
                           errcode, errmsg, http_status, hint);
}

/**
 * dd_error_new_dingtalk_sub:
 * @sub_code: (nullable): DingTalk's sub_code, if the answer had one
 *
 * As dd_error_new_dingtalk(), for answers that carry a sub_code: errcode
 * 88 is a transient auth-service timeout only when its sub_code is empty;
 * with a sub_code it names a permanent problem.
 */
GError *
dd_error_new_dingtalk_sub (gint64      errcode,
                           const char *errmsg,
                           const char *sub_code,
                           guint       http_status)
{
  if (errcode == 88 && sub_code != NULL && *sub_code != '\0')
    {
      g_autofree char *details = g_strdup_printf ("%s (sub_code %s)", errmsg ? errmsg : "", sub_code);

      return new_with_details (DD_ERROR_UNEXPECTED,
                               sentence_for (DD_ERROR_UNEXPECTED, DD_SECURITY_HINT_UNKNOWN),
                               errcode, details, http_status, DD_SECURITY_HINT_UNKNOWN);
    }
  return dd_error_new_dingtalk (errcode, errmsg, http_status);
}

/**
 * dd_error_new_coded:
 * @code: what went wrong
 * @details: (nullable): DingTalk's own words, for the details
 *
 * An error from an answer without a numeric errcode (the v1.0 API's
 * string codes), with @code's sentence.
 */
GError *
dd_error_new_coded (DdErrorCode  code,
                    guint        http_status,
                    const char  *details)
{
  return new_with_details (code, sentence_for (code, DD_SECURITY_HINT_UNKNOWN),
                           0, details, http_status, DD_SECURITY_HINT_UNKNOWN);
}

/**
 * dd_error_new_http:
 * @http_status: an HTTP status other than 2xx
 * @reason: (nullable): the reason phrase or a short body excerpt
 *
 * An answer that carried no errcode (an HTML error page, a proxy's 502).
 */
GError *
dd_error_new_http (guint       http_status,
                   const char *reason)
{
  DdErrorCode code;

  if (http_status == 413)
    code = DD_ERROR_TOO_LARGE;
  else if (http_status == 429)
    code = DD_ERROR_BUSY;
  else if (http_status >= 500)
    code = DD_ERROR_SERVER;
  else
    code = DD_ERROR_UNEXPECTED;

  return new_with_details (code, sentence_for (code, DD_SECURITY_HINT_UNKNOWN),
                           0, reason, http_status, DD_SECURITY_HINT_UNKNOWN);
}

/**
 * dd_error_new_unexpected:
 * @http_status: the HTTP status of the answer
 * @what: (nullable): what was wrong with the answer, for the details
 */
GError *
dd_error_new_unexpected (guint       http_status,
                         const char *what)
{
  return new_with_details (DD_ERROR_UNEXPECTED,
                           sentence_for (DD_ERROR_UNEXPECTED, DD_SECURITY_HINT_UNKNOWN),
                           0, what, http_status, DD_SECURITY_HINT_UNKNOWN);
}

/**
 * dd_error_new_malformed:
 * @what: what was wrong with the answer, for the details
 *
 * A JSON answer in a shape DingTalk does not give (an errcode that is not
 * a number, say): never taken for success, and not worth trying again.
 */
GError *
dd_error_new_malformed (guint       http_status,
                        const char *what)
{
  GError *error = dd_error_new_unexpected (http_status, what);

  dd_error_get_private (error)->malformed = TRUE;
  return error;
}

/**
 * dd_error_from_transport:
 * @transport_error: an error from libsoup or GIO while talking to DingTalk
 *
 * Returns: a #DD_ERROR_NETWORK, #DD_ERROR_TIMEOUT or #DD_ERROR_TLS error, or a copy of
 *   @transport_error if it is a cancellation (so callers can still match
 *   %G_IO_ERROR_CANCELLED)
 */
GError *
dd_error_from_transport (const GError *transport_error)
{
  DdErrorCode code;

  g_return_val_if_fail (transport_error != NULL, NULL);

  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (transport_error);

  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = DD_ERROR_TIMEOUT;
  else if (transport_error->domain == G_TLS_ERROR)
    code = DD_ERROR_TLS;   /* not the connection's fault: trying again changes nothing */
  else
    code = DD_ERROR_NETWORK;

  return new_with_details (code, sentence_for (code, DD_SECURITY_HINT_UNKNOWN),
                           0, transport_error->message, 0,
                           DD_SECURITY_HINT_UNKNOWN);
}

/* The names DingTalk's developer console gives the scopes a send or an
 * upload needs, so the sentence names what the admin sees there. */
static const char *
scope_label (const char *scope)
{
  static const struct { const char *scope, *label; } labels[] = {
    { "qyapi_robot_sendmsg", "企业内机器人发送消息" },
    { "qyapi_base", "调用企业API基础权限" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (scope, labels[i].scope) == 0)
      return labels[i].label;
  return NULL;
}

static gboolean
code_has (const char *code,
          const char *part)
{
  return code != NULL && strstr (code, part) != NULL;
}

/**
 * dd_error_new_v1:
 * @http_status: the answer's HTTP status (the v1.0 API answers errors
 *   with real HTTP errors)
 * @code: (nullable): the answer's "code"
 * @message: (nullable): the answer's "message", for the details
 * @required_scopes: (nullable) (array zero-terminated=1): the scopes
 *   `accessdenieddetail.requiredScopes` names
 *
 * The errors of the v1.0 API (the app robot route, its token) as the
 * engine and the user need them: a token to refresh, a robot to pause, a
 * busy server to try again, or a sentence saying what to fix.  None of
 * them mentions a webhook: this route has none.
 */
GError *
dd_error_new_v1 (guint               http_status,
                 const char         *code,
                 const char         *message,
                 const char * const *required_scopes)
{
  g_autofree char *details = g_strdup_printf ("%s: %s", code ? code : "?", message ? message : "");
  DdErrorCode kind;
  GError *error;

  if (http_status == 401 || code_has (code, "InvalidAuthentication"))
    return new_with_details (DD_ERROR_TOKEN_INVALID, sentence_for (DD_ERROR_TOKEN_INVALID, DD_SECURITY_HINT_UNKNOWN),
                             0, details, http_status, DD_SECURITY_HINT_UNKNOWN);

  if (code_has (code, "AccessTokenPermissionDenied") || code_has (code, "PermissionDenied"))
    {
      const char *scope = required_scopes != NULL ? required_scopes[0] : NULL;
      const char *label = scope_label (scope);
      g_autofree char *sentence = NULL;

      if (scope == NULL)
        sentence = g_strdup (sentence_for (DD_ERROR_APP_PERMISSION, DD_SECURITY_HINT_UNKNOWN));
      else if (label != NULL)
        /* Translators: the first %s is the permission's name in DingTalk's
         * developer console (Chinese), the second its scope */
        sentence = g_strdup_printf (_("The app lacks the permission %s (%s). Add it under Permissions in the DingTalk developer console, then try again."),
                                    label, scope);
      else
        sentence = g_strdup_printf (_("The app lacks the permission %s. Add it under Permissions in the DingTalk developer console, then try again."),
                                    scope);
      return new_with_details (DD_ERROR_APP_PERMISSION, sentence,
                               0, details, http_status, DD_SECURITY_HINT_UNKNOWN);
    }

  if (code_has (code, "invalidClientIdOrSecret") || code_has (code, "InvalidClient"))
    kind = DD_ERROR_BAD_APP_CREDENTIALS;
  /* the gateway's calls per second or minute: not the robot's limit */
  else if (http_status == 429 || code_has (code, "QpsLimit") || code_has (code, "QpmLimit"))
    kind = DD_ERROR_BUSY;
  else if (code_has (code, "send.too.fast") || code_has (code, "too.many.group") ||
           code_has (code, "Throttling"))
    return new_with_details (DD_ERROR_RATE_LIMITED,
                             _("DingTalk says the app’s robot is sending too fast. DingDrop pauses it for 10 minutes and then sends the rest."),
                             0, details, http_status, DD_SECURITY_HINT_UNKNOWN);
  else if (http_status == 413)
    kind = DD_ERROR_TOO_LARGE;
  else if (http_status >= 500 || code_has (code, "system.error"))
    kind = DD_ERROR_SERVER;
  else if (code_has (code, "robotCode"))
    kind = DD_ERROR_APP_ROBOT_UNKNOWN;
  else if (code_has (code, "resource.not.found") || code_has (code, "openConversationId"))
    kind = DD_ERROR_GROUP_UNKNOWN;
  else if (code_has (code, "group.disbanded"))
    kind = DD_ERROR_GROUP_DISBANDED;
  else if (code_has (code, "bot.stopped"))
    kind = DD_ERROR_ROBOT_STOPPED;
  else if (code_has (code, "contain.notAllowed"))
    kind = DD_ERROR_CONTENT_BLOCKED;
  else
    {
      /* a 4xx with a code we do not know: permanent, not worth a retry */
      error = dd_error_new_unexpected (http_status, details);
      dd_error_get_private (error)->malformed = http_status >= 400 && http_status < 500;
      return error;
    }

  return new_with_details (kind, sentence_for (kind, DD_SECURITY_HINT_UNKNOWN),
                           0, details, http_status, DD_SECURITY_HINT_UNKNOWN);
}

static DdErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != DD_ERROR)
    return NULL;
  return dd_error_get_private (error);
}

/**
 * dd_error_get_errcode:
 *
 * Returns: DingTalk's errcode, or 0 if the error did not come from DingTalk
 */
gint64
dd_error_get_errcode (const GError *error)
{
  DdErrorPrivate *priv = get_private (error);
  return priv ? priv->errcode : 0;
}

/**
 * dd_error_get_errmsg:
 *
 * Returns: (nullable): DingTalk's errmsg, or the transport's own message
 */
const char *
dd_error_get_errmsg (const GError *error)
{
  DdErrorPrivate *priv = get_private (error);
  return priv ? priv->errmsg : NULL;
}

guint
dd_error_get_http_status (const GError *error)
{
  DdErrorPrivate *priv = get_private (error);
  return priv ? priv->http_status : 0;
}

DdSecurityHint
dd_error_get_security_hint (const GError *error)
{
  DdErrorPrivate *priv = get_private (error);
  return priv ? priv->hint : DD_SECURITY_HINT_UNKNOWN;
}

/**
 * dd_error_is_transient:
 *
 * Returns: %TRUE if trying again later may succeed without the user
 *   changing anything (network, timeout, 5xx, DingTalk busy, an
 *   unreadable answer); DingTalk's rate limit is not among them: it
 *   pauses the robot instead
 */
gboolean
dd_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != DD_ERROR)
    return FALSE;

  switch (error->code)
    {
    case DD_ERROR_NETWORK:
    case DD_ERROR_TIMEOUT:
    case DD_ERROR_SERVER:
    case DD_ERROR_BUSY:
      return TRUE;
    case DD_ERROR_UNEXPECTED:
      /* a non-JSON answer (a proxy page); not an unknown errcode, nor
       * JSON in a shape DingTalk never answers */
      return dd_error_get_errcode (error) == 0 && !dd_error_get_private (error)->malformed;
    default:
      return FALSE;
    }
}
