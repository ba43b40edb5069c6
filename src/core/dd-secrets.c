/* dd-secrets.c: a profile's webhook, signing secret and AppSecret in the
 * system keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "dd-error.h"
#include "dd-profile-private.h"
#include "dd-secret-mem.h"
#include "dd-secrets.h"

/* A robot's three secrets are one item of this schema, "profile" its id and
 * "field" DD_SECRET_FIELD_ALL, whose value is a JSON object with a member
 * for each secret that is set:
 *   {"webhook": "https://…", "secret": "SEC…", "app-secret": "…"}
 * One item, so that a store is one write: a failure at any point leaves
 * either the old set or the new one, never a webhook of one with the
 * signing secret of the other.  DingDrop 1.0 stored one item per secret,
 * "field" one of DD_SECRET_FIELD_WEBHOOK, _SECRET and _APP_SECRET; these
 * are still read while there is no DD_SECRET_FIELD_ALL item, and removed
 * by the next store, once the new item is written.
 *
 * Beside it the profile may have an item for each access token of its
 * internal app that DingDrop fetched last ("field" DD_SECRET_FIELD_TOKEN
 * for gettoken's, DD_SECRET_FIELD_TOKEN_V1 for the v1.0 endpoint's), so
 * that the next `dingdrop send` does not ask DingTalk for one again:
 *   {"for": "…", "token": "…", "expires": "1796400000"}
 * "for" names the app and its secret (a hash, see dd-client-token.c):
 * a token of another AppSecret is not used.  The load reads them with the
 * same search; a store of the set leaves them; a clear takes them too.
 *
 * The items live in the default collection (the login keyring) or, inside
 * Flatpak, in libsecret's file backend unlocked through the Secret portal.
 * There is no fallback: if neither is there, the secrets are not stored. */
static const SecretSchema dd_secret_schema = {
  "io.github.dingdrop.DingDrop.Secret",
  SECRET_SCHEMA_NONE,
  {
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "field", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

enum {
  FIELD_WEBHOOK,
  FIELD_SECRET,
  FIELD_APP_SECRET,
  N_FIELDS
};

static const char * const field_names[N_FIELDS] = {
  DD_SECRET_FIELD_WEBHOOK,
  DD_SECRET_FIELD_SECRET,
  DD_SECRET_FIELD_APP_SECRET,
};

typedef struct {
  char              *profile_id;
  char              *profile_name;
  char              *values[N_FIELDS];   /* wiped on free */
  guint              index;              /* the field being worked on */
  guint              serial;             /* the profile's secrets serial at the start */
  SecretSearchFlags  search_flags;       /* of the first search */
  GList             *items;              /* what it found, SecretRetrievable */
  guint              legacy;             /* 1 << FIELD_*: the items of DingDrop 1.0 */
  void (*then) (GTask *task);            /* what to do once the items are unlocked */
} SecretsOp;

static void
secrets_op_free (SecretsOp *op)
{
  g_clear_pointer (&op->profile_id, g_free);
  g_clear_pointer (&op->profile_name, g_free);
  for (guint i = 0; i < N_FIELDS; i++)
    g_clear_pointer (&op->values[i], dd_secret_free);
  g_list_free_full (op->items, g_object_unref);
  g_free (op);
}

static SecretsOp *
secrets_op_new (const char *profile_id,
                const char *profile_name,
                void      (*then) (GTask *task))
{
  SecretsOp *op = g_new0 (SecretsOp, 1);

  op->profile_id = g_strdup (profile_id);
  op->profile_name = g_strdup (profile_name);
  op->then = then;

  return op;
}

static char *
make_label (const char *profile_name)
{
  /* Translators: the label of the keyring item that holds a robot's
   * webhook, signing secret and AppSecret, as Passwords and Keys shows it;
   * %s is the robot's name */
  return g_strdup_printf (_("DingDrop robot “%s”"), profile_name);
}

/* Turns whatever libsecret or D-Bus said into the one sentence the user
 * can act on; the original goes to the debug log (it never contains a
 * secret: libsecret does not put values in its messages). */
static GError *
keyring_error (GTask        *task,
               const GError *error,
               const char   *doing)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_assert (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    return g_error_copy (error);

  g_debug ("Keyring failed while %s: %s (%s, %d)",
           doing, error->message, g_quark_to_string (error->domain), error->code);

  return g_error_new_literal (DD_ERROR, DD_ERROR_KEYRING,
                              _("The system keyring is not available or is locked. Unlock it and try again."));
}

/* Every operation starts by unlocking the profile's items.  Without this,
 * libsecret reports a locked item whose unlock prompt was dismissed (or
 * could not be shown) as no item at all: a lookup would return NULL as if
 * the secret had never been stored, and a clear would silently leave the
 * items behind.  One prompt covers all the fields. */

static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_finish (result, &error);
  SecretsOp *op = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, keyring_error (task, error, "finding the default keyring"));
      return;
    }
  /* A Secret Service that answered, but has no default keyring at all
   * (its login keyring deleted, a fresh account, another service with no
   * default collection): the secrets cannot be there, nor be stored, and
   * "this robot has no webhook" or "removed its secrets" would mislead. */
  if (collection == NULL && error == NULL)
    {
      g_autoptr(GError) absent = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT,
                                                      "the Secret Service has no default keyring");

      g_task_return_error (task, keyring_error (task, absent, "finding the default keyring"));
      return;
    }

  /* no Secret Service here (libsecret's file backend, as in Flatpak: the
   * call failed): nothing is locked behind the search's back */
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      g_autoptr(GError) locked = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                                                      "the default keyring is locked");

      g_task_return_error (task, keyring_error (task, locked, "unlocking"));
      return;
    }

  op->then (g_steal_pointer (&task));
}

static void
on_items_unlocked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretsOp *op = g_task_get_task_data (task);
  GList *items;
  guint n_locked = 0;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (task, error, "unlocking"));
      return;
    }

  /* Only the Secret Service has locked items; the file backend's never are. */
  for (const GList *l = items; l != NULL; l = l->next)
    if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
      n_locked++;

  if (items == NULL)
    {
      /* None found.  A keyring still locked since the login (never
       * unlocked) hides its items from this search: "no webhook" would
       * be a lie then, and a clear would remove nothing. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_collection_for_alias (NULL, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                                   cancellable, on_default_collection, g_steal_pointer (&task));
      return;
    }

  if (n_locked > 0)
    {
      g_list_free_full (items, g_object_unref);
      g_autoptr(GError) locked = NULL;

      locked = g_error_new (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                            "%u items still locked after the unlock prompt",
                            n_locked);
      g_task_return_error (task, keyring_error (task, locked, "unlocking"));
      return;
    }

  for (const GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *field = g_hash_table_lookup (attributes, "field");

      for (guint i = 0; i < N_FIELDS; i++)
        if (g_strcmp0 (field, field_names[i]) == 0)
          op->legacy |= 1u << i;
    }
  op->items = items;

  op->then (g_steal_pointer (&task));
}

/* The first call of every operation: one search, which unlocks the
 * profile's items and, for a load, brings their values along. */
static void
unlock_then (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);

  g_assert (G_IS_TASK (task));

  secret_password_search (&dd_secret_schema,
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | op->search_flags,
                          g_task_get_cancellable (task),
                          on_items_unlocked, task,
                          "profile", op->profile_id,
                          NULL);
}

/* store: the new set in one item, then the items of DingDrop 1.0 away */

static void store_next (GTask *task);

/* The JSON of the one item, in one allocation that is wiped (json-glib's
 * builder and generator would leave copies behind); NULL if no secret is
 * set. */
static char *
serialize_values (SecretsOp *op)
{
  return dd_secret_json_build (field_names, (const char * const *) op->values, N_FIELDS);
}

static void
on_set_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, keyring_error (task, error, "storing the secrets"));
      return;
    }

  store_next (g_steal_pointer (&task));
}

static void
on_old_cleared (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, keyring_error (task, error, "removing old secrets"));
      return;
    }

  store_next (g_steal_pointer (&task));
}

static void
on_old_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    {
      g_task_return_error (task, keyring_error (task, error, "removing old secrets"));
      return;
    }

  store_next (g_steal_pointer (&task));
}

/* op->index: 0 before the new item is written, then each field of
 * DingDrop 1.0 whose item is left to remove. */
static void
store_next (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_assert (G_IS_TASK (task));

  if (op->index == 0)
    {
      g_autofree char *label = NULL;
      char *json = serialize_values (op);

      op->index = 1;
      if (json == NULL)
        {
          /* nothing set: every item of the profile goes, in one call */
          op->legacy = 0;
          secret_password_clear (&dd_secret_schema,
                                 cancellable, on_old_cleared, task,
                                 "profile", op->profile_id,
                                 NULL);
          return;
        }

      /* one write, replacing the item of the same attributes */
      label = make_label (op->profile_name);
      secret_password_store (&dd_secret_schema, SECRET_COLLECTION_DEFAULT,
                             label, json,
                             cancellable, on_set_stored, task,
                             "profile", op->profile_id,
                             "field", DD_SECRET_FIELD_ALL,
                             NULL);
      /* libsecret has its own copy, in memory it wipes */
      dd_secret_free (json);
      return;
    }

  /* The new set is in the keyring and wins over these from now on, so
   * that a failure here leaves the new set readable.  The Secret Service's
   * are deleted as the first search found them, one call each (also
   * because libsecret 0.20.5's clear, a search and deletes, returns twice
   * when it is cancelled half-way); the file backend's are cleared. */
  while (op->legacy != 0)
    {
      for (GList *l = op->items; l != NULL; l = l->next)
        {
          g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
          const char *field = g_hash_table_lookup (attributes, "field");

          for (guint i = 0; i < N_FIELDS; i++)
            if ((op->legacy & (1u << i)) && g_strcmp0 (field, field_names[i]) == 0 &&
                SECRET_IS_ITEM (l->data))
              {
                op->legacy &= ~(1u << i);
                secret_item_delete (l->data, cancellable, on_old_deleted, task);
                return;
              }
        }

      for (guint i = 0; i < N_FIELDS; i++)
        if (op->legacy & (1u << i))
          {
            op->legacy &= ~(1u << i);
            secret_password_clear (&dd_secret_schema,
                                   cancellable, on_old_cleared, task,
                                   "profile", op->profile_id,
                                   "field", field_names[i],
                                   NULL);
            return;
          }
    }

  /* the keyring now holds what the profile has in memory */
  dd_profile_set_secrets_loaded (g_task_get_source_object (task), op->serial);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * dd_secrets_store_async:
 * @profile: the profile whose secrets to store
 *
 * Stores the webhook, signing secret and AppSecret that @profile has in
 * memory, and removes from the keyring those it has not, so that clearing
 * a field in the UI forgets it.  The values are taken when this is called.
 * They are written as one keyring item: whatever fails, the keyring holds
 * either the set it had or the new one.
 * On success @profile's "secrets-loaded" becomes %TRUE, unless it was
 * marked stale meanwhile.
 */
void
dd_secrets_store_async (DdProfile           *profile,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretsOp *op;

  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_secrets_store_async);

  op = secrets_op_new (dd_profile_get_id (profile), dd_profile_get_name (profile),
                       store_next);
  /* copies, wiped with the operation */
  op->values[FIELD_WEBHOOK] = g_strdup (dd_profile_get_webhook (profile));
  op->values[FIELD_SECRET] = g_strdup (dd_profile_get_secret (profile));
  op->values[FIELD_APP_SECRET] = g_strdup (dd_profile_get_app_secret (profile));
  op->serial = dd_profile_get_secrets_serial (profile);
  g_task_set_task_data (task, op, (GDestroyNotify) secrets_op_free);

  unlock_then (g_steal_pointer (&task));
}

gboolean
dd_secrets_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_secrets_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* load: the first search brought the values; the profile changes only
 * once all are read */

/* The value of one item that the search found: the Secret Service's
 * SecretItem has it since the search (SECRET_SEARCH_LOAD_SECRETS), the file
 * backend's item holds it in memory; neither asks the keyring again. */
static char *
dup_item_value (GTask             *task,
                SecretRetrievable *item,
                GError           **error)
{
  g_autoptr(SecretValue) value = NULL;
  const char *text;

  if (SECRET_IS_ITEM (item))
    value = secret_item_get_secret (SECRET_ITEM (item));
  else
    value = secret_retrievable_retrieve_secret_sync (item, g_task_get_cancellable (task), error);

  if (value == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL,
                             "an item came without its secret");
      return NULL;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      g_set_error_literal (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL,
                           "an item's secret is not text");
      return NULL;
    }

  return g_strdup (text);
}

/* The values of the one item of a set, each in one allocation that is
 * wiped (json-glib's parser would leave copies behind). */
static gboolean
parse_set (SecretsOp   *op,
           const char  *json,
           GError     **error)
{
  return dd_secret_json_parse (json, field_names, op->values, N_FIELDS, error);
}

static const char * const token_names[] = { "for", "token", "expires" };

/* The saved access tokens; one that cannot be read is as none: the
 * client asks DingTalk for a new one. */
static void
load_tokens (GTask       *task,
             DdProfile   *profile,
             const GList *items)
{
  for (guint v1 = 0; v1 <= 1; v1++)
    {
      const char *field = v1 ? DD_SECRET_FIELD_TOKEN_V1 : DD_SECRET_FIELD_TOKEN;
      char *values[G_N_ELEMENTS (token_names)] = { NULL, };
      gboolean found = FALSE;

      for (const GList *l = items; l != NULL && !found; l = l->next)
        {
          g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
          g_autoptr(DdSecret) json = NULL;
          g_autoptr(GError) error = NULL;

          if (g_strcmp0 (g_hash_table_lookup (attributes, "field"), field) != 0)
            continue;
          json = dup_item_value (task, l->data, &error);
          found = json != NULL &&
                  dd_secret_json_parse (json, token_names, values, G_N_ELEMENTS (token_names), &error) &&
                  values[0] != NULL && values[1] != NULL && values[2] != NULL;
          if (!found && error != NULL)
            g_debug ("A saved access token could not be read: %s", error->message);
        }

      dd_profile_set_saved_token (profile, v1, found ? values[0] : NULL, found ? values[1] : NULL,
                                  found ? g_ascii_strtoll (values[2], NULL, 10) : 0);
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        dd_secret_free (values[i]);
    }
}

static void
load_from_items (GTask *task)
{
  DdProfile *profile = g_task_get_source_object (task);
  SecretsOp *op = g_task_get_task_data (task);
  g_autoptr(GTask) owned = task;
  g_autoptr(GError) error = NULL;
  SecretRetrievable *set = NULL;

  for (const GList *l = op->items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);

      if (g_strcmp0 (g_hash_table_lookup (attributes, "field"), DD_SECRET_FIELD_ALL) == 0)
        set = l->data;
    }

  if (set != NULL)
    {
      g_autoptr(DdSecret) json = dup_item_value (task, set, &error);

      if (json == NULL || !parse_set (op, json, &error))
        {
          g_task_return_error (task, keyring_error (task, error, "reading the secrets"));
          return;
        }
    }
  else
    {
      /* DingDrop 1.0's items, until the next store replaces them */
      for (const GList *l = op->items; l != NULL; l = l->next)
        {
          g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
          const char *field = g_hash_table_lookup (attributes, "field");

          for (guint i = 0; i < N_FIELDS; i++)
            if (g_strcmp0 (field, field_names[i]) == 0 && op->values[i] == NULL)
              {
                op->values[i] = dup_item_value (task, l->data, &error);
                if (op->values[i] == NULL)
                  {
                    g_task_return_error (task, keyring_error (task, error, "reading a secret"));
                    return;
                  }
              }
        }
    }

  dd_profile_set_secret (profile, op->values[FIELD_SECRET]);
  dd_profile_set_app_secret (profile, op->values[FIELD_APP_SECRET]);
  load_tokens (task, profile, op->items);

  /* It was normalised when it was stored, so this fails only if someone
   * else wrote the item; the user then has to paste the webhook again. */
  if (!dd_profile_set_webhook (profile, op->values[FIELD_WEBHOOK], &error))
    {
      dd_profile_set_webhook (profile, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  dd_profile_set_secrets_loaded (profile, op->serial);
  g_task_return_boolean (task, TRUE);
}

/**
 * dd_secrets_load_async:
 * @profile: the profile whose secrets to load
 *
 * Sets the webhook, signing secret and AppSecret of @profile from the
 * keyring, in one Secret Service search; a field that is not stored
 * becomes %NULL.  On error @profile is
 * left as it was (except for a stored webhook that is no longer valid,
 * which is forgotten with a %DD_ERROR_INVALID_WEBHOOK error).  On success
 * "secrets-loaded" becomes %TRUE, unless the profile store marked the
 * secrets stale while they were read: the values read may be older than
 * the change that did so.
 */
void
dd_secrets_load_async (DdProfile           *profile,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretsOp *op;

  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_secrets_load_async);
  op = secrets_op_new (dd_profile_get_id (profile), dd_profile_get_name (profile),
                       load_from_items);
  /* one round trip: the values come with the search that unlocks them */
  op->search_flags = SECRET_SEARCH_LOAD_SECRETS;
  op->serial = dd_profile_get_secrets_serial (profile);
  g_task_set_task_data (task, op, (GDestroyNotify) secrets_op_free);

  unlock_then (g_steal_pointer (&task));
}

gboolean
dd_secrets_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_secrets_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* store_token: the access token the profile has in memory, in an item of
 * its own */

static void on_profile_cleared (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (task, error, "saving an access token"));
  else
    g_task_return_boolean (task, TRUE);
}

typedef struct {
  char *profile_id;
  char *field;
  char *label;
  char *json;      /* wiped; NULL: the item goes */
} TokenOp;

static void
token_op_free (TokenOp *op)
{
  g_free (op->profile_id);
  g_free (op->field);
  g_free (op->label);
  dd_secret_free (op->json);
  g_free (op);
}

static void
on_token_collection (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_finish (result, &error);
  TokenOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Locked since the secrets were read (or no keyring at all): the
   * store would pop up an unlock prompt in the middle of a send. */
  if ((collection == NULL && error == NULL) ||
      (collection != NULL && secret_collection_get_locked (collection)))
    {
      g_autoptr(GError) locked = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                                                      "the default keyring is locked");

      g_task_return_error (task, keyring_error (task, locked, "saving an access token"));
      return;
    }

  /* an error here: no Secret Service (libsecret's file backend) */
  if (op->json == NULL)
    secret_password_clear (&dd_secret_schema, cancellable, on_profile_cleared,
                           g_steal_pointer (&task),
                           "profile", op->profile_id,
                           "field", op->field,
                           NULL);
  else
    secret_password_store (&dd_secret_schema, SECRET_COLLECTION_DEFAULT, op->label, op->json,
                           cancellable, on_token_stored, g_steal_pointer (&task),
                           "profile", op->profile_id,
                           "field", op->field,
                           NULL);
}

/**
 * dd_secrets_store_token_async:
 * @profile: a profile whose secrets were loaded
 * @v1: %TRUE for the v1.0 endpoint's token, %FALSE for gettoken's
 *
 * Puts the access token that @profile keeps (dd_profile_set_saved_token())
 * in the keyring, replacing the one there; a profile that keeps none has
 * its item removed.  A locked keyring is not unlocked (a token is not
 * worth a prompt): the call fails as dd_secrets_load_async() would.
 */
void
dd_secrets_store_token_async (DdProfile           *profile,
                              gboolean             v1,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *for_key = NULL;
  gint64 expires = 0;
  const char *token;
  TokenOp *op;

  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_secrets_store_token_async);

  op = g_new0 (TokenOp, 1);
  op->profile_id = g_strdup (dd_profile_get_id (profile));
  op->field = g_strdup (v1 ? DD_SECRET_FIELD_TOKEN_V1 : DD_SECRET_FIELD_TOKEN);
  /* Translators: the label of the keyring item that holds the access
   * token DingDrop last got for a robot's internal app, as Passwords
   * and Keys shows it; %s is the robot's name */
  op->label = g_strdup_printf (_("DingDrop robot “%s”: access token"), dd_profile_get_name (profile));
  token = dd_profile_get_saved_token (profile, v1, &for_key, &expires);
  if (token != NULL)
    {
      g_autofree char *expires_text = g_strdup_printf ("%" G_GINT64_FORMAT, expires);
      const char *values[] = { for_key, token, expires_text };

      op->json = dd_secret_json_build (token_names, values, G_N_ELEMENTS (token_names));
    }
  g_task_set_task_data (task, op, (GDestroyNotify) token_op_free);

  secret_collection_for_alias (NULL, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               cancellable, on_token_collection, g_steal_pointer (&task));
}

gboolean
dd_secrets_store_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_secrets_store_token_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* clear: every item of the profile at once */

static void
on_profile_cleared (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, keyring_error (task, error, "removing secrets"));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
clear_all (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);

  g_assert (G_IS_TASK (task));

  secret_password_clear (&dd_secret_schema,
                         g_task_get_cancellable (task),
                         on_profile_cleared, task,
                         "profile", op->profile_id,
                         NULL);
}

/**
 * dd_secrets_clear_async:
 * @profile_id: the id of a profile, which may already be deleted
 *
 * Removes every keyring item of the profile (all its fields).  Removing
 * nothing is not an error.
 */
void
dd_secrets_clear_async (const char          *profile_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_secrets_clear_async);
  g_task_set_task_data (task, secrets_op_new (profile_id, NULL, clear_all),
                        (GDestroyNotify) secrets_op_free);

  unlock_then (g_steal_pointer (&task));
}

gboolean
dd_secrets_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_secrets_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
