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
#include "dd-secrets.h"

/* Every secret is an item of this schema: "profile" is the profile's id
 * and "field" one of the DD_SECRET_FIELD_* names.  The items live in the
 * default collection (the login keyring) or, inside Flatpak, in libsecret's
 * file backend unlocked through the Secret portal.  There is no fallback:
 * if neither is there, the secrets are not stored. */
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
  char  *profile_id;
  char  *profile_name;
  char  *values[N_FIELDS];   /* wiped on free */
  guint  index;              /* the field being worked on */
  guint  serial;             /* the profile's secrets serial at the start */
  void (*then) (GTask *task);  /* what to do once the items are unlocked */
} SecretsOp;

static void
secrets_op_free (SecretsOp *op)
{
  g_clear_pointer (&op->profile_id, g_free);
  g_clear_pointer (&op->profile_name, g_free);
  for (guint i = 0; i < N_FIELDS; i++)
    g_clear_pointer (&op->values[i], secret_password_free);
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
make_label (const char *profile_name,
            guint       field)
{
  const char *what;

  switch (field)
    {
    case FIELD_WEBHOOK:
      /* Translators: what is stored, in "DingDrop robot “%s”: %s" */
      what = _("webhook");
      break;
    case FIELD_SECRET:
      what = _("signing secret");
      break;
    case FIELD_APP_SECRET:
      what = _("AppSecret");
      break;
    default:
      g_assert_not_reached ();
    }

  /* Translators: the label of a keyring item, as Passwords and Keys shows
   * it; the first %s is the robot's name, the second what is stored */
  return g_strdup_printf (_("DingDrop robot “%s”: %s"), profile_name, what);
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
  /* no Secret Service here (libsecret's file backend, as in Flatpak):
   * nothing is locked behind the search's back */
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
  g_list_free_full (items, g_object_unref);

  if (n_locked > 0)
    {
      g_autoptr(GError) locked = NULL;

      locked = g_error_new (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                            "%u items still locked after the unlock prompt",
                            n_locked);
      g_task_return_error (task, keyring_error (task, locked, "unlocking"));
      return;
    }

  op->then (g_steal_pointer (&task));
}

static void
unlock_then (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);

  g_assert (G_IS_TASK (task));

  secret_password_search (&dd_secret_schema,
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                          g_task_get_cancellable (task),
                          on_items_unlocked, task,
                          "profile", op->profile_id,
                          NULL);
}

/* store: each field in turn, stored if set, cleared if not */

static void store_next (GTask *task);

static void
on_field_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretsOp *op = g_task_get_task_data (task);

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, keyring_error (task, error, "storing a secret"));
      return;
    }

  op->index++;
  store_next (g_steal_pointer (&task));
}

static void
on_field_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretsOp *op = g_task_get_task_data (task);

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, keyring_error (task, error, "removing a secret"));
      return;
    }

  op->index++;
  store_next (g_steal_pointer (&task));
}

static void
store_next (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *field;

  g_assert (G_IS_TASK (task));

  if (op->index >= N_FIELDS)
    {
      /* the keyring now holds what the profile has in memory */
      dd_profile_set_secrets_loaded (g_task_get_source_object (task), op->serial);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  field = field_names[op->index];

  if (op->values[op->index] != NULL)
    {
      g_autofree char *label = make_label (op->profile_name, op->index);

      secret_password_store (&dd_secret_schema, SECRET_COLLECTION_DEFAULT,
                             label, op->values[op->index],
                             cancellable, on_field_stored, task,
                             "profile", op->profile_id,
                             "field", field,
                             NULL);
    }
  else
    {
      secret_password_clear (&dd_secret_schema,
                             cancellable, on_field_cleared, task,
                             "profile", op->profile_id,
                             "field", field,
                             NULL);
    }
}

/**
 * dd_secrets_store_async:
 * @profile: the profile whose secrets to store
 *
 * Stores the webhook, signing secret and AppSecret that @profile has in
 * memory, and removes from the keyring those it has not, so that clearing
 * a field in the UI forgets it.  The values are taken when this is called.
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

/* load: each field in turn; the profile changes only once all are read */

static void load_next (GTask *task);

static void
on_field_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretsOp *op = g_task_get_task_data (task);
  char *value;

  value = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_assert (value == NULL);
      g_task_return_error (task, keyring_error (task, error, "looking up a secret"));
      return;
    }

  /* NULL if the item is absent */
  op->values[op->index] = value;
  op->index++;
  load_next (g_steal_pointer (&task));
}

static void
load_finish_task (GTask *task)
{
  DdProfile *profile = g_task_get_source_object (task);
  SecretsOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  dd_profile_set_secret (profile, op->values[FIELD_SECRET]);
  dd_profile_set_app_secret (profile, op->values[FIELD_APP_SECRET]);

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

static void
load_next (GTask *task)
{
  SecretsOp *op = g_task_get_task_data (task);

  g_assert (G_IS_TASK (task));

  if (op->index >= N_FIELDS)
    {
      load_finish_task (task);
      g_object_unref (task);
      return;
    }

  secret_password_lookup (&dd_secret_schema,
                          g_task_get_cancellable (task),
                          on_field_looked_up, task,
                          "profile", op->profile_id,
                          "field", field_names[op->index],
                          NULL);
}

/**
 * dd_secrets_load_async:
 * @profile: the profile whose secrets to load
 *
 * Sets the webhook, signing secret and AppSecret of @profile from the
 * keyring; a field that has no item becomes %NULL.  On error @profile is
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
                       load_next);
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
