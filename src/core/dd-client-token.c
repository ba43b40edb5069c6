/* dd-client-token.c: an internal app's access tokens — gettoken's for
 * uploads, the v1.0 oauth2 endpoint's for the app robot's messages —
 * cached until shortly before they expire, one request in flight for
 * each that concurrent callers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dd-client-private.h"
#include "dd-error.h"
#include "dd-profile-private.h"
#include "dd-secret-mem.h"
#include "dd-secrets.h"
#include "dd-sign.h"

/* Refresh this long before DingTalk's expires_in, at most a tenth of it. */
#define TOKEN_MARGIN_SECONDS 300
/* The longest a token is kept, whatever expires_in says: a day. */
#define TOKEN_MAX_SECONDS    (24 * 60 * 60)

void
_dd_client_token_entry_free (gpointer data)
{
  TokenEntry *entry = data;

  g_assert (entry->waiters == NULL);
  dd_secret_free (entry->token);
  g_free (entry);
}


/* ------------------------------------------------------------------------ */
/* Access tokens                                                             */

/* Each API has its own token endpoint (shared/dingtalk-api.md §5): the
 * oapi's gettoken for uploads, the v1.0 oauth2 one for the app robot. */
static char *
token_cache_key (DdProfile *profile,
                 gboolean   v1)
{
  g_autofree char *secret_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                                dd_profile_get_app_secret (profile), -1);

  /* A changed AppSecret must not reuse the old token. */
  return g_strdup_printf ("%s\n%s\n%s\n%s",
                          v1 ? "v1.0" : "oapi",
                          v1 ? dd_profile_get_api_base (profile) : dd_profile_get_oapi_base (profile),
                          dd_profile_get_app_key (profile),
                          secret_hash);
}

/* What a token kept with the profile's secrets is for: the cache key,
 * hashed again (it holds the AppSecret's hash, which need not be shown). */
static char *
token_for (const char *key)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}

/* The token an earlier process fetched, kept in the keyring with the
 * profile's secrets (dd-secrets.c): still good for a while, and for this
 * app and AppSecret.  Taken into @entry, with the usual margin. */
static gboolean
take_saved_token (TokenEntry *entry,
                  DdProfile  *profile,
                  gboolean    v1,
                  const char *key)
{
  g_autofree char *wanted = token_for (key);
  const char *for_key = NULL;
  gint64 expires = 0;
  const char *token = dd_profile_get_saved_token (profile, v1, &for_key, &expires);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 left = expires - TOKEN_MARGIN_SECONDS - now;

  /* a clock set back must not make a token live longer than it can */
  if (token == NULL || g_strcmp0 (for_key, wanted) != 0 || left <= 0 || left > TOKEN_MAX_SECONDS)
    return FALSE;

  dd_secret_free (entry->token);
  entry->token = g_strdup (token);
  entry->expires_at = g_get_monotonic_time () + left * G_USEC_PER_SEC;
  return TRUE;
}

/* A profile's token going to the keyring.  One at a time, in order: a
 * "forget" of a refused token and the store of its successor must not
 * cross (the forget's search could find the new item and delete it). */
typedef struct {
  DdProfile *profile;
  gboolean   v1;
} TokenSave;

void
_dd_client_token_save_free (gpointer data)
{
  TokenSave *save = data;

  g_object_unref (save->profile);
  g_free (save);
}

static void token_saved_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
start_token_save (DdClient *self)
{
  TokenSave *save = g_queue_peek_head (&self->token_saves);

  /* it takes the profile's token as it is now */
  dd_secrets_store_token_async (save->profile, save->v1, NULL, token_saved_cb, g_object_ref (self));
}

static void
token_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DdClient) self = user_data;
  g_autoptr(GError) error = NULL;

  /* not worth telling the user: the next run asks DingTalk again */
  if (!dd_secrets_store_token_finish (result, &error))
    g_debug ("The access token was not saved: %s", error->message);
  _dd_client_token_save_free (g_queue_pop_head (&self->token_saves));
  if (!g_queue_is_empty (&self->token_saves))
    start_token_save (self);
}

/* The profile's token (or its absence) to the keyring, if this client
 * keeps tokens and the profile is one whose secrets are there: not a
 * copy that the robot editor tests (an id no item should have). */
static void
save_token (DdClient  *self,
            DdProfile *profile,
            gboolean   v1)
{
  TokenSave *save;

  if (!self->keep_tokens || !dd_profile_get_secrets_loaded (profile))
    return;
  /* one waiting already takes the token as it will be then */
  for (GList *l = self->token_saves.head ? self->token_saves.head->next : NULL; l != NULL; l = l->next)
    {
      TokenSave *waiting = l->data;

      if (waiting->profile == profile && waiting->v1 == v1)
        return;
    }
  save = g_new0 (TokenSave, 1);
  save->profile = g_object_ref (profile);
  save->v1 = v1;
  g_queue_push_tail (&self->token_saves, save);
  if (g_queue_get_length (&self->token_saves) == 1)
    start_token_save (self);
}

typedef struct {
  DdClient  *self;
  DdProfile *profile;
  char      *key;
  gboolean   v1;
} TokenFetch;

static void
token_fetch_free (TokenFetch *fetch)
{
  g_object_unref (fetch->self);
  g_object_unref (fetch->profile);
  g_free (fetch->key);
  g_free (fetch);
}

/* A caller waiting for the shared request returns as soon as its own
 * cancellable fires, not when the request ends (up to the timeout): the
 * request itself goes on for the others. */
#define WAITER_RETURNED "dd-waiter-returned"
#define WAITER_HANDLER  "dd-waiter-handler"

/* TRUE if @task is still to be returned, and now is the caller's to
 * return; it no longer listens to its cancellable. */
static gboolean
waiter_take (GTask *task)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), WAITER_HANDLER));

  if (g_object_get_data (G_OBJECT (task), WAITER_RETURNED) != NULL)
    return FALSE;
  g_object_set_data (G_OBJECT (task), WAITER_RETURNED, GINT_TO_POINTER (TRUE));
  if (handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), handler);
  return TRUE;
}

static gboolean
waiter_cancel_cb (gpointer data)
{
  GTask *task = data;

  if (g_object_get_data (G_OBJECT (task), WAITER_RETURNED) == NULL)
    {
      /* not disconnected here: this may run inside the cancellable's emission */
      g_object_set_data (G_OBJECT (task), WAITER_RETURNED, GINT_TO_POINTER (TRUE));
      g_task_return_error_if_cancelled (task);
    }
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     GTask        *task)
{
  /* on the task's own context, where the request's end is handled too */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              waiter_cancel_cb, g_object_ref (task), g_object_unref);
}

static void
waiter_add (TokenEntry *entry,
            GTask      *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  entry->waiters = g_list_prepend (entry->waiters, task);
  if (cancellable != NULL)
    {
      gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), task, NULL);

      g_object_set_data (G_OBJECT (task), WAITER_HANDLER, GSIZE_TO_POINTER (handler));
    }
}

static void
token_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TokenFetch *fetch = user_data;
  DdClient *self = fetch->self;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  TokenEntry *entry;
  GList *waiters;

  entry = g_hash_table_lookup (self->tokens, fetch->key);
  g_assert (entry != NULL);

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      GError *converted = dd_error_from_transport (error);
      g_clear_error (&error);
      error = converted;
    }
  else if (dd_client_judge_response (soup_message_get_status (msg), body, &object, &error))
    {
      const char *token = _dd_client_member_string (object, fetch->v1 ? "accessToken" : "access_token");
      /* 7200 from DingTalk; anything wild must not overflow expires_at */
      gint64 expires_in = CLAMP (_dd_client_member_int (object, fetch->v1 ? "expireIn" : "expires_in", 7200),
                                 0, TOKEN_MAX_SECONDS);

      if (token == NULL || *token == '\0')
        error = dd_error_new_unexpected (soup_message_get_status (msg), "no access_token in the answer");
      else
        {
          gint64 margin = MIN (TOKEN_MARGIN_SECONDS, expires_in / 10);

          g_autofree char *for_key = token_for (fetch->key);

          dd_secret_free (entry->token);
          entry->token = g_strdup (token);
          entry->expires_at = g_get_monotonic_time () + (expires_in - margin) * G_USEC_PER_SEC;

          /* for the next process too */
          dd_profile_set_saved_token (fetch->profile, fetch->v1, for_key, token,
                                      g_get_real_time () / G_USEC_PER_SEC + expires_in);
          save_token (self, fetch->profile, fetch->v1);
        }
    }

  /* A failure is not cached: the next caller asks again. */
  if (error != NULL)
    g_clear_pointer (&entry->token, dd_secret_free);

  entry->in_flight = FALSE;
  waiters = g_steal_pointer (&entry->waiters);
  waiters = g_list_reverse (waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      if (!waiter_take (task))
        continue;   /* its caller gave up already */
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (entry->token), g_free);
    }
  g_list_free_full (waiters, g_object_unref);

  token_fetch_free (fetch);
}


static SoupMessage *
build_token_request (DdProfile *profile,
                     gboolean   v1)
{
  /* The AppSecret's copies here are wiped; libsoup's (the URI, the
   * connection's buffers) are not: tests/RELIABILITY.md */
  g_autoptr(DdSecret) url = NULL;

  if (v1)
    {
      static const char * const names[] = { "appKey", "appSecret" };
      const char *values[] = { dd_profile_get_app_key (profile), dd_profile_get_app_secret (profile) };
      char *json = dd_secret_json_build (names, values, G_N_ELEMENTS (names));
      g_autoptr(GBytes) body = g_bytes_new_with_free_func (json, strlen (json),
                                                           (GDestroyNotify) dd_secret_free, json);
      SoupMessage *msg;

      url = g_strconcat (dd_profile_get_api_base (profile), "/v1.0/oauth2/accessToken", NULL);
      msg = soup_message_new (SOUP_METHOD_POST, url);
      if (msg != NULL)
        soup_message_set_request_body_from_bytes (msg, "application/json", body);
      return msg;
    }
  else
    {
      g_autofree char *escaped_key = g_uri_escape_string (dd_profile_get_app_key (profile), NULL, FALSE);
      g_autoptr(DdSecret) escaped_secret = g_uri_escape_string (dd_profile_get_app_secret (profile), NULL, FALSE);

      url = g_strconcat (dd_profile_get_oapi_base (profile), "/gettoken?appkey=", escaped_key,
                         "&appsecret=", escaped_secret, NULL);
      return soup_message_new (SOUP_METHOD_GET, url);
    }
}

void
_dd_client_get_token_async (DdClient            *self,
                 DdProfile           *profile,
                 gboolean             v1,
                 gboolean             refresh,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *key = NULL;
  TokenEntry *entry;
  TokenFetch *fetch;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_client_get_token_async);

  if (!dd_profile_has_app_credentials (profile))
    {
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_NO_APP_CREDENTIALS,
                               "%s", _("Uploading images needs the AppKey and AppSecret of an internal DingTalk app. Add them to this robot’s settings."));
      return;
    }

  key = token_cache_key (profile, v1);
  entry = g_hash_table_lookup (self->tokens, key);
  if (entry == NULL)
    {
      entry = g_new0 (TokenEntry, 1);
      g_hash_table_insert (self->tokens, g_strdup (key), entry);
    }

  if (refresh && !entry->in_flight)
    {
      g_clear_pointer (&entry->token, dd_secret_free);
      /* DingTalk refused it: not to be taken from the keyring again, even
       * if the next fetch fails (each run would upload with it first) */
      if (dd_profile_get_saved_token (profile, v1, NULL, NULL) != NULL)
        {
          dd_profile_set_saved_token (profile, v1, NULL, NULL, 0);
          save_token (self, profile, v1);
        }
    }

  if ((entry->token != NULL && g_get_monotonic_time () < entry->expires_at) ||
      (!refresh && !entry->in_flight && take_saved_token (entry, profile, v1, key)))
    {
      g_task_return_pointer (task, g_strdup (entry->token), g_free);
      return;
    }

  waiter_add (entry, g_steal_pointer (&task));
  if (entry->in_flight)
    return;

  msg = build_token_request (profile, v1);
  if (msg == NULL)
    {
      GList *waiters = g_steal_pointer (&entry->waiters);

      for (GList *l = waiters; l != NULL; l = l->next)
        if (waiter_take (l->data))
          g_task_return_new_error (l->data, DD_ERROR, DD_ERROR_PROFILE,
                                   "%s", _("The robot’s API server address is not a valid URL."));
      g_list_free_full (waiters, g_object_unref);
      return;
    }

  entry->in_flight = TRUE;
  self->n_token_fetches++;
  g_debug ("Fetching a %s access token for AppKey …%s", v1 ? "v1.0" : "gettoken",
           strlen (dd_profile_get_app_key (profile)) > 4
             ? dd_profile_get_app_key (profile) + strlen (dd_profile_get_app_key (profile)) - 4 : "");

  fetch = g_new0 (TokenFetch, 1);
  fetch->self = g_object_ref (self);
  fetch->profile = g_object_ref (profile);
  fetch->key = g_steal_pointer (&key);
  fetch->v1 = v1;

  /* Not cancelled by one caller's cancellable: the others share it. */
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    token_fetched_cb, fetch);
}

/**
 * dd_client_get_token_async:
 * @profile: a profile with an AppKey and an AppSecret
 * @refresh: %TRUE to drop the cached token (after DingTalk refused it)
 *
 * Gets the internal app's access token for the oapi (uploads): the cached
 * one while it is valid, else one request to gettoken, shared by every
 * caller that asks meanwhile.
 */
void
dd_client_get_token_async (DdClient            *self,
                           DdProfile           *profile,
                           gboolean             refresh,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (DD_IS_CLIENT (self));
  g_return_if_fail (DD_IS_PROFILE (profile));

  _dd_client_get_token_async (self, profile, FALSE, refresh, cancellable, callback, user_data);
}

char *
dd_client_get_token_finish (DdClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
