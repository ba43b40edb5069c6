/* test-error.c: every DingTalk answer judged by errcode, each error with
 * the sentence that tells the user what to fix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dd-client.h"
#include "dd-error.h"

static GBytes *
bytes (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static GError *
judge (guint       status,
       const char *body)
{
  g_autoptr(GBytes) b = bytes (body);
  GError *error = NULL;

  g_assert_false (dd_client_judge_response (status, b, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

static void
test_errcodes (void)
{
  static const struct {
    gint64       errcode;
    DdErrorCode  code;
    const char  *sentence_part;
  } cases[] = {
    { 40089, DD_ERROR_BAD_APP_CREDENTIALS, "AppKey or AppSecret" },
    { 40001, DD_ERROR_BAD_APP_CREDENTIALS, "AppKey or AppSecret" },
    { 40014, DD_ERROR_TOKEN_INVALID, "access token" },
    { 42001, DD_ERROR_TOKEN_INVALID, "access token" },
    { 300001, DD_ERROR_ROBOT_UNKNOWN, "does not know this robot" },
    { 300005, DD_ERROR_ROBOT_UNKNOWN, "does not know this robot" },
    { 130101, DD_ERROR_RATE_LIMITED, "10 minutes" },
    { 410100, DD_ERROR_RATE_LIMITED, "10 minutes" },
    { 460101, DD_ERROR_TOO_LARGE, "too large" },
    { 101002, DD_ERROR_TOO_LARGE, "too large" },
    { 40006, DD_ERROR_TOO_LARGE, "too large" },
    { 45001, DD_ERROR_TOO_LARGE, "too large" },
    { 40004, DD_ERROR_BAD_MEDIA_TYPE, "JPEG, PNG, GIF or BMP" },
    { 99999, DD_ERROR_UNEXPECTED, "does not understand" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"errcode\":%" G_GINT64_FORMAT ",\"errmsg\":\"msg %u\"}",
                                               cases[i].errcode, i);
      g_autoptr(GError) error = judge (200, body);
      g_autofree char *errmsg = g_strdup_printf ("msg %u", i);

      g_assert_error (error, DD_ERROR, (gint) cases[i].code);
      g_assert_cmpint (dd_error_get_errcode (error), ==, cases[i].errcode);
      g_assert_cmpstr (dd_error_get_errmsg (error), ==, errmsg);
      g_assert_nonnull (strstr (error->message, cases[i].sentence_part));
      g_assert_false (dd_error_is_transient (error));
    }
}

/* DingTalk's global retry guide: these are worth trying again. */
static void
test_transient_errcodes (void)
{
  static const struct {
    guint        http_status;
    const char  *body;
    DdErrorCode  code;
    gint64       errcode;
  } cases[] = {
    { 200, "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}", DD_ERROR_BUSY, -1 },
    { 500, "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}", DD_ERROR_BUSY, -1 },
    { 200, "{\"errcode\":88,\"errmsg\":\"auth timeout\",\"sub_code\":\"\"}", DD_ERROR_BUSY, 88 },
    { 200, "{\"errcode\":88,\"errmsg\":\"auth timeout\"}", DD_ERROR_BUSY, 88 },
    { 200, "{\"errcode\":15,\"errmsg\":\"timeout\"}", DD_ERROR_BUSY, 15 },
    { 200, "{\"errcode\":90002,\"errmsg\":\"flow control\"}", DD_ERROR_BUSY, 90002 },
    { 200, "{\"errcode\":90018,\"errmsg\":\"qps\"}", DD_ERROR_BUSY, 90018 },
    { 429, "{\"code\":\"Forbidden.AccessDenied.QpsLimitForApi\",\"message\":\"qps\"}", DD_ERROR_BUSY, 0 },
    { 403, "{\"code\":\"Forbidden.AccessDenied.QpmLimitForAppkeyAndApi\",\"message\":\"qpm\"}", DD_ERROR_BUSY, 0 },
    { 200, "{\"status\":1111,\"wait\":5}", DD_ERROR_BUSY, 0 },
    { 429, "<html>Too Many Requests</html>", DD_ERROR_BUSY, 0 },
    { 504, "<html>Gateway Timeout</html>", DD_ERROR_SERVER, 0 },
    { 500, "{\"code\":\"system.error\",\"message\":\"系统错误\"}", DD_ERROR_SERVER, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = judge (cases[i].http_status, cases[i].body);

      g_test_message ("case %u: %u %s", i, cases[i].http_status, cases[i].body);
      g_assert_error (error, DD_ERROR, (gint) cases[i].code);
      g_assert_cmpint (dd_error_get_errcode (error), ==, cases[i].errcode);
      g_assert_true (dd_error_is_transient (error));
    }
}

/* 88 with a sub_code, an unknown errcode, a robot's throttle: not retried. */
static void
test_permanent_errcodes (void)
{
  g_autoptr(GError) sub = judge (200, "{\"errcode\":88,\"errmsg\":\"no permission\",\"sub_code\":\"60011\"}");
  g_autoptr(GError) throttle = judge (200, "{\"errcode\":410100,\"errmsg\":\"send too fast\"}");
  g_autoptr(GError) v1_throttle = judge (403, "{\"code\":\"send.too.fast\",\"message\":\"slow down\"}");

  g_assert_error (sub, DD_ERROR, DD_ERROR_UNEXPECTED);
  g_assert_false (dd_error_is_transient (sub));
  g_assert_nonnull (strstr (dd_error_get_errmsg (sub), "60011"));
  g_assert_error (throttle, DD_ERROR, DD_ERROR_RATE_LIMITED);
  g_assert_false (dd_error_is_transient (throttle));
  g_assert_error (v1_throttle, DD_ERROR, DD_ERROR_RATE_LIMITED);
  g_assert_false (dd_error_is_transient (v1_throttle));
}

/* Success is a numeric 0 and nothing else. */
static void
test_errcode_not_a_number (void)
{
  static const char * const bodies[] = {
    "{\"errcode\":\"310000\",\"errmsg\":\"sign not match\"}",
    "{\"errcode\":\"0\",\"errmsg\":\"ok\"}",
    "{\"errcode\":null,\"errmsg\":\"ok\"}",
    "{\"errcode\":0.0,\"errmsg\":\"ok\"}",
    "{\"errcode\":[0],\"errmsg\":\"ok\"}",
    "{\"errcode\":false}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = judge (200, bodies[i]);

      g_test_message ("%s", bodies[i]);
      g_assert_error (error, DD_ERROR, DD_ERROR_UNEXPECTED);
      g_assert_nonnull (strstr (error->message, "does not understand"));
      g_assert_false (dd_error_is_transient (error));
    }
}

/* Members of the wrong shape from the network are not success, and no
 * critical either (json-glib's getters emit one for an object or array). */
static void
test_members_of_the_wrong_shape (void)
{
  g_autoptr(GError) a = judge (200, "{\"errcode\":310000,\"errmsg\":{\"a\":1},\"sub_code\":[1]}");
  g_autoptr(GError) b = judge (400, "{\"code\":[\"InvalidAuthentication\"],\"message\":{}}");
  g_autoptr(GError) c = judge (200, "{\"errcode\":88,\"sub_code\":{\"x\":1}}");

  g_assert_error (a, DD_ERROR, DD_ERROR_SECURITY_CHECK);
  g_assert_null (dd_error_get_errmsg (a));
  g_assert_error (b, DD_ERROR, DD_ERROR_UNEXPECTED);
  g_assert_error (c, DD_ERROR, DD_ERROR_BUSY);
}

static void
test_security_hints (void)
{
  static const struct {
    const char     *errmsg;
    DdSecurityHint  hint;
    const char     *sentence_part;
  } cases[] = {
    { "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", DD_SECURITY_HINT_SIGN, "signing secret does not match" },
    { "签名不匹配", DD_SECURITY_HINT_SIGN, "signing secret does not match" },
    { "签名和生成签名的时间戳必须都放在调用的网址中", DD_SECURITY_HINT_SIGN, "signing secret" },
    { "签名过期", DD_SECURITY_HINT_TIMESTAMP, "clock" },
    { "invalid timestamp", DD_SECURITY_HINT_TIMESTAMP, "clock" },
    { "keywords not in content", DD_SECURITY_HINT_KEYWORD, "keywords" },
    { "关键词不匹配", DD_SECURITY_HINT_KEYWORD, "keywords" },
    { "ip 不在白名单中", DD_SECURITY_HINT_IP, "allow-list" },
    { "something new", DD_SECURITY_HINT_UNKNOWN, "security settings" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"errcode\":310000,\"errmsg\":\"%s\"}", cases[i].errmsg);
      g_autoptr(GError) error = judge (200, body);

      g_assert_error (error, DD_ERROR, DD_ERROR_SECURITY_CHECK);
      g_assert_cmpint (dd_error_get_security_hint (error), ==, cases[i].hint);
      g_assert_nonnull (strstr (error->message, cases[i].sentence_part));
    }
}

static void
test_not_json (void)
{
  g_autoptr(GError) e413 = judge (413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>");
  g_autoptr(GError) e502 = judge (502, "<html>Bad Gateway</html>");
  g_autoptr(GError) e200 = judge (200, "<html>captive portal</html>");
  g_autoptr(GError) empty = judge (200, "");

  g_assert_error (e413, DD_ERROR, DD_ERROR_TOO_LARGE);
  g_assert_cmpuint (dd_error_get_http_status (e413), ==, 413);
  g_assert_false (dd_error_is_transient (e413));
  g_assert_error (e502, DD_ERROR, DD_ERROR_SERVER);
  g_assert_true (dd_error_is_transient (e502));
  g_assert_error (e200, DD_ERROR, DD_ERROR_UNEXPECTED);
  g_assert_true (dd_error_is_transient (e200));
  g_assert_error (empty, DD_ERROR, DD_ERROR_UNEXPECTED);
}

static void
test_success (void)
{
  g_autoptr(GBytes) ok = bytes ("{\"errcode\":0,\"errmsg\":\"ok\",\"media_id\":\"@x\"}");
  g_autoptr(GBytes) v1 = bytes ("{\"processQueryKey\":\"abc\"}");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dd_client_judge_response (200, ok, &object, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (object, "media_id"), ==, "@x");
  g_assert_true (dd_client_judge_response (200, v1, NULL, &error));
  g_assert_no_error (error);
}

/* Every v1.0 answer of shared/dingtalk-api.md §5 as the engine needs it
 * (refresh, pause, retry, or a sentence), and none says "webhook". */
static void
test_v1_errors (void)
{
  static const struct {
    guint       status;
    const char *body;
    DdErrorCode code;
    gboolean    transient;
    const char *sentence;   /* a part of the sentence */
  } cases[] = {
    { 401, "{\"code\":\"InvalidAuthentication\",\"message\":\"bad token\"}",
      DD_ERROR_TOKEN_INVALID, FALSE, "access token" },
    { 403, "{\"code\":\"Forbidden.AccessDenied.AccessTokenPermissionDenied\",\"message\":\"no\","
           "\"accessdenieddetail\":{\"requiredScopes\":[\"qyapi_robot_sendmsg\"]}}",
      DD_ERROR_APP_PERMISSION, FALSE,
      "The app lacks the permission 企业内机器人发送消息 (qyapi_robot_sendmsg)" },
    { 403, "{\"code\":\"Forbidden.AccessDenied.AccessTokenPermissionDenied\",\"message\":\"no\","
           "\"accessdenieddetail\":{\"requiredScopes\":[\"qyapi_chat_manage\"]}}",
      DD_ERROR_APP_PERMISSION, FALSE, "The app lacks the permission qyapi_chat_manage." },
    { 403, "{\"code\":\"Forbidden.AccessDenied.AccessTokenPermissionDenied\",\"message\":\"no\","
           "\"accessdenieddetail\":{\"requiredScopes\":{}}}",
      DD_ERROR_APP_PERMISSION, FALSE, "lacks a permission" },
    { 400, "{\"code\":\"invalidParameter.robotCode.notExsit\",\"message\":\"no robot\"}",
      DD_ERROR_APP_ROBOT_UNKNOWN, FALSE, "Add the app’s robot to the group, or copy the robotCode again" },
    { 400, "{\"code\":\"invalidParameter.robotCode.empty\",\"message\":\"\"}",
      DD_ERROR_APP_ROBOT_UNKNOWN, FALSE, "robotCode" },
    { 404, "{\"code\":\"resource.not.found\",\"message\":\"\"}",
      DD_ERROR_GROUP_UNKNOWN, FALSE, "openConversationId" },
    { 400, "{\"code\":\"group.disbanded\",\"message\":\"\"}",
      DD_ERROR_GROUP_DISBANDED, FALSE, "disbanded" },
    { 400, "{\"code\":\"bot.stopped\",\"message\":\"\"}",
      DD_ERROR_ROBOT_STOPPED, FALSE, "stopped" },
    { 400, "{\"code\":\"contain.notAllowed.picture\",\"message\":\"\"}",
      DD_ERROR_CONTENT_BLOCKED, FALSE, "picture" },
    { 400, "{\"code\":\"send.too.fast\",\"message\":\"\"}",
      DD_ERROR_RATE_LIMITED, FALSE, "too fast" },
    { 400, "{\"code\":\"too.many.group\",\"message\":\"\"}",
      DD_ERROR_RATE_LIMITED, FALSE, "pauses it" },
    { 500, "{\"code\":\"system.error\",\"message\":\"\"}",
      DD_ERROR_SERVER, TRUE, "server problem" },
    { 503, "{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}",
      DD_ERROR_SERVER, TRUE, "server problem" },
    { 429, "{\"code\":\"Forbidden.AccessDenied.QpsLimitForApi\",\"message\":\"\"}",
      DD_ERROR_BUSY, TRUE, "busy" },
    { 400, "{\"code\":\"invalidClientIdOrSecret\",\"message\":\"\"}",
      DD_ERROR_BAD_APP_CREDENTIALS, FALSE, "AppKey or AppSecret" },
    /* a 4xx code nobody knows: shown, not tried again and again */
    { 400, "{\"code\":\"something.new\",\"message\":\"new\"}",
      DD_ERROR_UNEXPECTED, FALSE, "does not understand" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = judge (cases[i].status, cases[i].body);

      g_test_message ("%s", cases[i].body);
      g_assert_error (error, DD_ERROR, (int) cases[i].code);
      g_assert_cmpint (dd_error_is_transient (error), ==, cases[i].transient);
      g_assert_nonnull (strstr (error->message, cases[i].sentence));
      g_assert_null (strstr (error->message, "webhook"));
      g_assert_cmpuint (dd_error_get_http_status (error), ==, cases[i].status);
    }

  {
    g_autoptr(GError) robot = judge (400, "{\"code\":\"invalidParameter.robotCode.notExsit\",\"message\":\"no robot\"}");
    g_assert_nonnull (strstr (dd_error_get_errmsg (robot), "no robot"));
  }
}

static void
test_transport (void)
{
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_autoptr(GError) untrusted = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                     "Unacceptable TLS certificate");
  g_autoptr(GError) d = dd_error_from_transport (untrusted);
  g_autoptr(GError) a = dd_error_from_transport (timeout);
  g_autoptr(GError) b = dd_error_from_transport (refused);
  g_autoptr(GError) c = dd_error_from_transport (cancelled);

  g_assert_error (a, DD_ERROR, DD_ERROR_TIMEOUT);
  g_assert_true (dd_error_is_transient (a));
  g_assert_error (b, DD_ERROR, DD_ERROR_NETWORK);
  g_assert_true (dd_error_is_transient (b));
  g_assert_error (c, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* an untrusted certificate: said so, and not tried again */
  g_assert_error (d, DD_ERROR, DD_ERROR_TLS);
  g_assert_false (dd_error_is_transient (d));
  g_assert_nonnull (strstr (d->message, "certificate is not trusted"));
  g_assert_null (strstr (d->message, "internet connection"));
}

static void
test_copy_keeps_details (void)
{
  g_autoptr(GError) error = dd_error_new_dingtalk (310000, "sign not match", 200);
  g_autoptr(GError) copy = g_error_copy (error);

  g_assert_cmpint (dd_error_get_errcode (copy), ==, 310000);
  g_assert_cmpstr (dd_error_get_errmsg (copy), ==, "sign not match");
  g_assert_cmpint (dd_error_get_security_hint (copy), ==, DD_SECURITY_HINT_SIGN);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/errcodes", test_errcodes);
  g_test_add_func ("/error/transient-errcodes", test_transient_errcodes);
  g_test_add_func ("/error/permanent-errcodes", test_permanent_errcodes);
  g_test_add_func ("/error/errcode-not-a-number", test_errcode_not_a_number);
  g_test_add_func ("/error/members-of-the-wrong-shape", test_members_of_the_wrong_shape);
  g_test_add_func ("/error/security-hints", test_security_hints);
  g_test_add_func ("/error/not-json", test_not_json);
  g_test_add_func ("/error/success", test_success);
  g_test_add_func ("/error/v1", test_v1_errors);
  g_test_add_func ("/error/transport", test_transport);
  g_test_add_func ("/error/copy-keeps-details", test_copy_keeps_details);

  return g_test_run ();
}
