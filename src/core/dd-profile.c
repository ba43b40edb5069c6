/* dd-profile.c: one group robot and the internal app used for uploads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile"

#include "config.h"

#include <string.h>


#include "dd-profile.h"
#include "dd-profile-private.h"
#include "dd-secret-mem.h"

struct _DdProfile
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  GStrv     keywords;
  char     *app_key;
  char     *link_template;
  guint64   max_image_bytes;
  char     *oapi_base;
  char     *api_base;
  char     *robot_code;
  char     *conversation_id;
  char     *card_title;
  char     *card_url;
  gint64    checked_at;
  DdPictureStyle picture_style;

  /* Secrets: in memory only, wiped when replaced or freed. */
  char     *webhook;
  char     *secret;
  char     *app_secret;
  guint     secrets_serial;   /* bumped whenever they may be stale */

  /* The internal app's access tokens as the keyring had them, or as this
   * process last fetched them: [0] gettoken's, [1] the v1.0 endpoint's. */
  char     *saved_token[2];
  char     *saved_token_for[2];   /* what they are for: see dd-client-token.c */
  gint64    saved_token_expires[2];   /* Unix time, seconds */

  guint     keep_metadata : 1;
  guint     secrets_loaded : 1;
};

G_DEFINE_FINAL_TYPE (DdProfile, dd_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KEYWORDS,
  PROP_APP_KEY,
  PROP_LINK_TEMPLATE,
  PROP_MAX_IMAGE_BYTES,
  PROP_KEEP_METADATA,
  PROP_OAPI_BASE,
  PROP_API_BASE,
  PROP_ROBOT_CODE,
  PROP_CONVERSATION_ID,
  PROP_PICTURE_STYLE,
  PROP_CARD_TITLE,
  PROP_CARD_URL,
  PROP_CHECKED_AT,
  PROP_HAS_WEBHOOK,
  PROP_HAS_SECRET,
  PROP_HAS_APP_SECRET,
  PROP_SECRETS_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const empty_strv[] = { NULL };

/* Overwrites a secret, all of its allocation, before its memory goes
 * back to the allocator. */
static void
free_secret (char *str)
{
  dd_secret_free (str);
}

static gboolean
is_blank (const char *str)
{
  if (str == NULL)
    return TRUE;

  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

/* "" and NULL both mean "not set"; surrounding whitespace (a pasted
 * newline) is never part of a value. */
static char *
dup_stripped_or_null (const char *value)
{
  /* moves nothing: g_strstrip() on a copy would leave a secret's last
   * bytes beyond its new end, where no wipe reaches */
  return dd_secret_dup_stripped (value);
}

/* Takes ownership of @value.  Returns %TRUE if the field changed. */
static gboolean
take_string (char     **field,
             char      *value,
             gboolean   is_secret)
{
  g_assert (field != NULL);

  if (g_strcmp0 (*field, value) == 0)
    {
      if (is_secret)
        free_secret (value);
      else
        g_free (value);
      return FALSE;
    }

  if (is_secret)
    free_secret (*field);
  else
    g_free (*field);
  *field = value;

  return TRUE;
}

/* Strips whitespace and trailing slashes: "https://host/" and
 * "https://host" are the same base.  %NULL or blank gives @fallback. */
char *
dd_profile_dup_base_url (const char *value,
                         const char *fallback)
{
  char *copy = dup_stripped_or_null (value);
  gsize len;

  if (copy == NULL)
    return g_strdup (fallback);

  len = strlen (copy);
  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';

  if (len == 0)
    {
      g_free (copy);
      return g_strdup (fallback);
    }

  return copy;
}

static void
dd_profile_constructed (GObject *object)
{
  DdProfile *self = (DdProfile *) object;

  G_OBJECT_CLASS (dd_profile_parent_class)->constructed (object);

  if (self->id == NULL)
    self->id = g_uuid_string_random ();
}

static void
dd_profile_finalize (GObject *object)
{
  DdProfile *self = (DdProfile *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->keywords, g_strfreev);
  g_clear_pointer (&self->app_key, g_free);
  g_clear_pointer (&self->link_template, g_free);
  g_clear_pointer (&self->oapi_base, g_free);
  g_clear_pointer (&self->api_base, g_free);
  g_clear_pointer (&self->robot_code, g_free);
  g_clear_pointer (&self->conversation_id, g_free);
  g_clear_pointer (&self->card_title, g_free);
  g_clear_pointer (&self->card_url, g_free);
  g_clear_pointer (&self->webhook, free_secret);
  g_clear_pointer (&self->secret, free_secret);
  g_clear_pointer (&self->app_secret, free_secret);
  for (guint i = 0; i < G_N_ELEMENTS (self->saved_token); i++)
    {
      g_clear_pointer (&self->saved_token[i], free_secret);
      g_clear_pointer (&self->saved_token_for[i], g_free);
    }

  G_OBJECT_CLASS (dd_profile_parent_class)->finalize (object);
}

static void
dd_profile_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DdProfile *self = DD_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, dd_profile_get_name (self));
      break;
    case PROP_KEYWORDS:
      g_value_set_boxed (value, dd_profile_get_keywords (self));
      break;
    case PROP_APP_KEY:
      g_value_set_string (value, self->app_key);
      break;
    case PROP_LINK_TEMPLATE:
      g_value_set_string (value, self->link_template);
      break;
    case PROP_MAX_IMAGE_BYTES:
      g_value_set_uint64 (value, self->max_image_bytes);
      break;
    case PROP_KEEP_METADATA:
      g_value_set_boolean (value, self->keep_metadata);
      break;
    case PROP_OAPI_BASE:
      g_value_set_string (value, self->oapi_base);
      break;
    case PROP_API_BASE:
      g_value_set_string (value, self->api_base);
      break;
    case PROP_ROBOT_CODE:
      g_value_set_string (value, self->robot_code);
      break;
    case PROP_CONVERSATION_ID:
      g_value_set_string (value, self->conversation_id);
      break;
    case PROP_PICTURE_STYLE:
      g_value_set_int (value, self->picture_style);
      break;
    case PROP_CARD_TITLE:
      g_value_set_string (value, self->card_title);
      break;
    case PROP_CARD_URL:
      g_value_set_string (value, self->card_url);
      break;
    case PROP_CHECKED_AT:
      g_value_set_int64 (value, self->checked_at);
      break;
    case PROP_HAS_WEBHOOK:
      g_value_set_boolean (value, self->webhook != NULL);
      break;
    case PROP_HAS_SECRET:
      g_value_set_boolean (value, self->secret != NULL);
      break;
    case PROP_HAS_APP_SECRET:
      g_value_set_boolean (value, self->app_secret != NULL);
      break;
    case PROP_SECRETS_LOADED:
      g_value_set_boolean (value, self->secrets_loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_profile_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DdProfile *self = DD_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_assert (self->id == NULL);
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      dd_profile_set_name (self, g_value_get_string (value));
      break;
    case PROP_KEYWORDS:
      dd_profile_set_keywords (self, g_value_get_boxed (value));
      break;
    case PROP_APP_KEY:
      dd_profile_set_app_key (self, g_value_get_string (value));
      break;
    case PROP_LINK_TEMPLATE:
      dd_profile_set_link_template (self, g_value_get_string (value));
      break;
    case PROP_MAX_IMAGE_BYTES:
      dd_profile_set_max_image_bytes (self, g_value_get_uint64 (value));
      break;
    case PROP_KEEP_METADATA:
      dd_profile_set_keep_metadata (self, g_value_get_boolean (value));
      break;
    case PROP_OAPI_BASE:
      dd_profile_set_oapi_base (self, g_value_get_string (value));
      break;
    case PROP_API_BASE:
      dd_profile_set_api_base (self, g_value_get_string (value));
      break;
    case PROP_ROBOT_CODE:
      dd_profile_set_robot_code (self, g_value_get_string (value));
      break;
    case PROP_CONVERSATION_ID:
      dd_profile_set_conversation_id (self, g_value_get_string (value));
      break;
    case PROP_PICTURE_STYLE:
      dd_profile_set_picture_style (self, g_value_get_int (value));
      break;
    case PROP_CARD_TITLE:
      dd_profile_set_card_title (self, g_value_get_string (value));
      break;
    case PROP_CARD_URL:
      dd_profile_set_card_url (self, g_value_get_string (value));
      break;
    case PROP_CHECKED_AT:
      dd_profile_set_checked_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dd_profile_class_init (DdProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);
  const GParamFlags ro = (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);

  object_class->constructed = dd_profile_constructed;
  object_class->finalize = dd_profile_finalize;
  object_class->get_property = dd_profile_get_property;
  object_class->set_property = dd_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_KEYWORDS] =
    g_param_spec_boxed ("keywords", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_APP_KEY] =
    g_param_spec_string ("app-key", NULL, NULL, NULL, rw);
  properties[PROP_LINK_TEMPLATE] =
    g_param_spec_string ("link-template", NULL, NULL,
                         DD_DEFAULT_LINK_TEMPLATE, rw);
  properties[PROP_MAX_IMAGE_BYTES] =
    g_param_spec_uint64 ("max-image-bytes", NULL, NULL,
                         1, G_MAXUINT64, DD_DEFAULT_MAX_IMAGE_BYTES, rw);
  properties[PROP_KEEP_METADATA] =
    g_param_spec_boolean ("keep-metadata", NULL, NULL, FALSE, rw);
  properties[PROP_OAPI_BASE] =
    g_param_spec_string ("oapi-base", NULL, NULL, DD_DEFAULT_OAPI_BASE, rw);
  properties[PROP_API_BASE] =
    g_param_spec_string ("api-base", NULL, NULL, DD_DEFAULT_API_BASE, rw);
  properties[PROP_ROBOT_CODE] =
    g_param_spec_string ("robot-code", NULL, NULL, NULL, rw);
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_string ("conversation-id", NULL, NULL, NULL, rw);
  properties[PROP_PICTURE_STYLE] =
    g_param_spec_int ("picture-style", NULL, NULL, DD_PICTURE_STYLE_MARKDOWN,
                      DD_PICTURE_STYLE_CARD, DD_PICTURE_STYLE_MARKDOWN, rw);
  properties[PROP_CARD_TITLE] =
    g_param_spec_string ("card-title", NULL, NULL, NULL, rw);
  properties[PROP_CARD_URL] =
    g_param_spec_string ("card-url", NULL, NULL, NULL, rw);
  properties[PROP_CHECKED_AT] =
    g_param_spec_int64 ("checked-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  /* The secrets themselves are no properties: whatever lists or copies an
   * object's properties (GtkInspector, g_object_get() in a binding, a
   * debugger's printout) would show them.  These say only whether each is
   * set, and notify whenever its value changes. */
  properties[PROP_HAS_WEBHOOK] =
    g_param_spec_boolean ("has-webhook", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_SECRET] =
    g_param_spec_boolean ("has-secret", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_APP_SECRET] =
    g_param_spec_boolean ("has-app-secret", NULL, NULL, FALSE, ro);
  properties[PROP_SECRETS_LOADED] =
    g_param_spec_boolean ("secrets-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dd_profile_init (DdProfile *self)
{
  self->name = g_strdup ("");
  self->keywords = g_new0 (char *, 1);
  self->link_template = g_strdup (DD_DEFAULT_LINK_TEMPLATE);
  self->max_image_bytes = DD_DEFAULT_MAX_IMAGE_BYTES;
  self->oapi_base = g_strdup (DD_DEFAULT_OAPI_BASE);
  self->api_base = g_strdup (DD_DEFAULT_API_BASE);
}

/**
 * dd_profile_new:
 * @name: (nullable): the name shown to the user
 *
 * Returns: (transfer full): a new profile with a fresh random id
 */
DdProfile *
dd_profile_new (const char *name)
{
  return g_object_new (DD_TYPE_PROFILE,
                       "name", name,
                       NULL);
}

/**
 * dd_profile_new_with_id:
 * @id: the profile's id, as saved in the config file
 * @name: (nullable): the name shown to the user
 */
DdProfile *
dd_profile_new_with_id (const char *id,
                        const char *name)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  return g_object_new (DD_TYPE_PROFILE,
                       "id", id,
                       "name", name,
                       NULL);
}

/**
 * dd_profile_duplicate:
 * @self: a #DdProfile
 * @new_name: the copy's name
 *
 * Returns: (transfer full): a copy of every field of @self, the in-memory
 *   secrets included, with a new id and @new_name
 */
DdProfile *
dd_profile_duplicate (DdProfile  *self,
                      const char *new_name)
{
  DdProfile *copy;

  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);
  g_return_val_if_fail (new_name != NULL, NULL);

  copy = dd_profile_new (new_name);

  g_strfreev (copy->keywords);
  copy->keywords = g_strdupv (self->keywords);
  copy->app_key = g_strdup (self->app_key);
  g_free (copy->link_template);
  copy->link_template = g_strdup (self->link_template);
  copy->max_image_bytes = self->max_image_bytes;
  copy->keep_metadata = self->keep_metadata;
  g_free (copy->oapi_base);
  copy->oapi_base = g_strdup (self->oapi_base);
  g_free (copy->api_base);
  copy->api_base = g_strdup (self->api_base);
  copy->robot_code = g_strdup (self->robot_code);
  copy->conversation_id = g_strdup (self->conversation_id);
  copy->picture_style = self->picture_style;
  copy->card_title = g_strdup (self->card_title);
  copy->card_url = g_strdup (self->card_url);
  /* a copy is a robot of its own, not yet seen to work: not checked */
  copy->webhook = g_strdup (self->webhook);
  copy->secret = g_strdup (self->secret);
  copy->app_secret = g_strdup (self->app_secret);

  return copy;
}

const char *
dd_profile_get_id (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->id;
}

/**
 * dd_profile_get_name:
 *
 * Returns: the name, "" if none was set
 */
const char *
dd_profile_get_name (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->name;
}

void
dd_profile_set_name (DdProfile  *self,
                     const char *name)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->name, g_strdup (name ? name : ""), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * dd_profile_get_keywords:
 *
 * Returns: (transfer none) (array zero-terminated=1): the robot's custom
 *   keywords, an empty array if there are none
 */
const char * const *
dd_profile_get_keywords (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return (const char * const *) self->keywords;
}

/**
 * dd_profile_set_keywords:
 * @keywords: (nullable) (array zero-terminated=1): the keywords
 *
 * Stored as given: dd_profile_validate() refuses more than
 * %DD_MAX_KEYWORDS keywords and empty ones, so the UI can say so.
 */
void
dd_profile_set_keywords (DdProfile          *self,
                         const char * const *keywords)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (keywords == NULL)
    keywords = empty_strv;

  if (g_strv_equal ((const char * const *) self->keywords, keywords))
    return;

  g_strfreev (self->keywords);
  self->keywords = g_strdupv ((char **) keywords);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYWORDS]);
}

const char *
dd_profile_get_app_key (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->app_key;
}

void
dd_profile_set_app_key (DdProfile  *self,
                        const char *app_key)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->app_key, dup_stripped_or_null (app_key), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP_KEY]);
}

const char *
dd_profile_get_link_template (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->link_template;
}

/**
 * dd_profile_set_link_template:
 * @link_template: (nullable): how the image link is written in markdown,
 *   with "{media_id}" or "{media_id_noat}"; %NULL or "" for the default
 */
void
dd_profile_set_link_template (DdProfile  *self,
                              const char *link_template)
{
  char *value;

  g_return_if_fail (DD_IS_PROFILE (self));

  value = dup_stripped_or_null (link_template);
  if (value == NULL)
    value = g_strdup (DD_DEFAULT_LINK_TEMPLATE);

  if (take_string (&self->link_template, value, FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK_TEMPLATE]);
}

guint64
dd_profile_get_max_image_bytes (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), 0);

  return self->max_image_bytes;
}

void
dd_profile_set_max_image_bytes (DdProfile *self,
                                guint64    max_image_bytes)
{
  g_return_if_fail (DD_IS_PROFILE (self));
  g_return_if_fail (max_image_bytes > 0);

  if (self->max_image_bytes == max_image_bytes)
    return;

  self->max_image_bytes = max_image_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IMAGE_BYTES]);
}

gboolean
dd_profile_get_keep_metadata (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);

  return self->keep_metadata;
}

void
dd_profile_set_keep_metadata (DdProfile *self,
                              gboolean   keep_metadata)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  keep_metadata = !!keep_metadata;
  if (self->keep_metadata == (guint) keep_metadata)
    return;

  self->keep_metadata = keep_metadata;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_METADATA]);
}

const char *
dd_profile_get_oapi_base (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->oapi_base;
}

/**
 * dd_profile_set_oapi_base:
 * @oapi_base: (nullable): the base of the old API, without a trailing
 *   slash; %NULL or "" for %DD_DEFAULT_OAPI_BASE
 */
void
dd_profile_set_oapi_base (DdProfile  *self,
                          const char *oapi_base)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->oapi_base,
                   dd_profile_dup_base_url (oapi_base, DD_DEFAULT_OAPI_BASE), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OAPI_BASE]);
}

const char *
dd_profile_get_api_base (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->api_base;
}

/**
 * dd_profile_set_api_base:
 * @api_base: (nullable): the base of the new API; %NULL or "" for
 *   %DD_DEFAULT_API_BASE
 */
void
dd_profile_set_api_base (DdProfile  *self,
                         const char *api_base)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->api_base,
                   dd_profile_dup_base_url (api_base, DD_DEFAULT_API_BASE), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_BASE]);
}

const char *
dd_profile_get_robot_code (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->robot_code;
}

void
dd_profile_set_robot_code (DdProfile  *self,
                           const char *robot_code)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->robot_code, dup_stripped_or_null (robot_code), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROBOT_CODE]);
}

const char *
dd_profile_get_conversation_id (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->conversation_id;
}

void
dd_profile_set_conversation_id (DdProfile  *self,
                                const char *conversation_id)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->conversation_id,
                   dup_stripped_or_null (conversation_id), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
}

/**
 * dd_profile_get_webhook:
 *
 * Returns: (nullable): the normalised webhook URL; it contains the
 *   robot's access token, so never log it
 */
const char *
dd_profile_get_webhook (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->webhook;
}

/**
 * dd_profile_set_webhook:
 * @webhook: (nullable): a webhook URL or a bare access token; %NULL or
 *   blank to forget the webhook
 * @error: a #DD_ERROR_INVALID_WEBHOOK error saying why @webhook is refused
 *
 * Stores the URL that dd_webhook_normalize() makes of @webhook with the
 * profile's "oapi-base".  On error the profile keeps its old webhook.
 */
gboolean
dd_profile_set_webhook (DdProfile   *self,
                        const char  *webhook,
                        GError     **error)
{
  char *normalized = NULL;

  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_blank (webhook))
    {
      normalized = dd_webhook_normalize (webhook, self->oapi_base, error);
      if (normalized == NULL)
        return FALSE;
    }

  if (take_string (&self->webhook, normalized, TRUE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_WEBHOOK]);

  return TRUE;
}

/**
 * dd_profile_get_secret:
 *
 * Returns: (nullable): the robot's signing secret (usually "SEC…")
 */
const char *
dd_profile_get_secret (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->secret;
}

void
dd_profile_set_secret (DdProfile  *self,
                       const char *secret)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->secret, dup_stripped_or_null (secret), TRUE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SECRET]);
}

const char *
dd_profile_get_app_secret (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  return self->app_secret;
}

void
dd_profile_set_app_secret (DdProfile  *self,
                           const char *app_secret)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->app_secret, dup_stripped_or_null (app_secret), TRUE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_APP_SECRET]);
}

/**
 * dd_profile_set_saved_token:
 * @v1: %TRUE for the v1.0 endpoint's token, %FALSE for gettoken's
 * @for_key: (nullable): what the token is for (the app and its secret, as
 *   the client names them), or %NULL to forget the token
 * @token: (nullable): the token
 * @expires: when it expires, in Unix seconds
 *
 * Keeps an access token with the profile's secrets, in memory only, wiped
 * when replaced.  dd-secrets.c puts it there from the keyring and takes
 * it from there to the keyring; the client uses it and replaces it.
 */
void
dd_profile_set_saved_token (DdProfile  *self,
                            gboolean    v1,
                            const char *for_key,
                            const char *token,
                            gint64      expires)
{
  guint i = v1 ? 1 : 0;

  g_return_if_fail (DD_IS_PROFILE (self));

  if (for_key == NULL || token == NULL || *token == '\0')
    for_key = token = NULL;
  take_string (&self->saved_token[i], g_strdup (token), TRUE);
  take_string (&self->saved_token_for[i], g_strdup (for_key), FALSE);
  self->saved_token_expires[i] = token != NULL ? expires : 0;
}

/**
 * dd_profile_get_saved_token:
 * @for_key: (out) (optional): what it is for
 * @expires: (out) (optional): when it expires, in Unix seconds
 *
 * Returns: (nullable): the token dd_profile_set_saved_token() kept
 */
const char *
dd_profile_get_saved_token (DdProfile   *self,
                            gboolean     v1,
                            const char **for_key,
                            gint64      *expires)
{
  guint i = v1 ? 1 : 0;

  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);

  if (for_key != NULL)
    *for_key = self->saved_token_for[i];
  if (expires != NULL)
    *expires = self->saved_token_expires[i];
  return self->saved_token[i];
}

/**
 * dd_profile_get_secrets_loaded:
 *
 * Returns: %TRUE if the webhook, signing secret and AppSecret in memory
 *   are those of the keyring, %FALSE if they were never loaded or another
 *   process may have changed them since (see dd-profile.h)
 */
gboolean
dd_profile_get_secrets_loaded (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);

  return self->secrets_loaded;
}

guint
dd_profile_get_secrets_serial (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), 0);

  return self->secrets_serial;
}

/* @serial is what dd_profile_get_secrets_serial() said when the keyring
 * was read or written: a stale mark since then wins, because the values
 * that just arrived may be older than the change that caused it. */
void
dd_profile_set_secrets_loaded (DdProfile *self,
                               guint      serial)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (serial != self->secrets_serial || self->secrets_loaded)
    return;

  self->secrets_loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS_LOADED]);
}

void
dd_profile_mark_secrets_stale (DdProfile *self)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  self->secrets_serial++;
  if (!self->secrets_loaded)
    return;

  self->secrets_loaded = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS_LOADED]);
}

/**
 * dd_profile_has_app_credentials:
 *
 * Returns: %TRUE if both the AppKey and the AppSecret are set, so images
 *   can be uploaded
 */
gboolean
dd_profile_has_app_credentials (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);

  return self->app_key != NULL && self->app_secret != NULL;
}

DdPictureStyle
dd_profile_get_picture_style (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), DD_PICTURE_STYLE_MARKDOWN);
  return self->picture_style;
}

/**
 * dd_profile_set_picture_style:
 * @style: %DD_PICTURE_STYLE_MARKDOWN or %DD_PICTURE_STYLE_CARD
 *
 * A new style has not been seen to work yet: the robot is no longer
 * checked.
 */
void
dd_profile_set_picture_style (DdProfile      *self,
                              DdPictureStyle  style)
{
  g_return_if_fail (DD_IS_PROFILE (self));
  g_return_if_fail (style == DD_PICTURE_STYLE_MARKDOWN || style == DD_PICTURE_STYLE_CARD);

  if (self->picture_style == style)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  self->picture_style = style;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICTURE_STYLE]);
  dd_profile_set_checked_at (self, 0);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
dd_profile_get_card_title (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);
  return self->card_title;
}

/**
 * dd_profile_set_card_title:
 * @card_title: (nullable): every card's title; %NULL or "": the image's name
 */
void
dd_profile_set_card_title (DdProfile  *self,
                           const char *card_title)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->card_title, dup_stripped_or_null (card_title), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_TITLE]);
}

const char *
dd_profile_get_card_url (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), NULL);
  return self->card_url;
}

/**
 * dd_profile_set_card_url:
 * @card_url: (nullable): where a click on a card goes; %NULL or "":
 *   %DD_MESSAGE_DEFAULT_CARD_URL
 */
void
dd_profile_set_card_url (DdProfile  *self,
                         const char *card_url)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  if (take_string (&self->card_url, dup_stripped_or_null (card_url), FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_URL]);
}

gint64
dd_profile_get_checked_at (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), 0);
  return self->checked_at;
}

void
dd_profile_set_checked_at (DdProfile *self,
                           gint64     checked_at)
{
  g_return_if_fail (DD_IS_PROFILE (self));

  checked_at = MAX (checked_at, 0);
  if (self->checked_at == checked_at)
    return;
  self->checked_at = checked_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED_AT]);
}

/**
 * dd_picture_style_to_string:
 *
 * Returns: the style's name in profiles.ini and on the command line
 */
const char *
dd_picture_style_to_string (DdPictureStyle style)
{
  return style == DD_PICTURE_STYLE_CARD ? "card" : "markdown";
}

gboolean
dd_picture_style_from_string (const char     *name,
                              DdPictureStyle *out_style)
{
  g_return_val_if_fail (out_style != NULL, FALSE);

  if (g_strcmp0 (name, "markdown") == 0)
    *out_style = DD_PICTURE_STYLE_MARKDOWN;
  else if (g_strcmp0 (name, "card") == 0)
    *out_style = DD_PICTURE_STYLE_CARD;
  else
    return FALSE;
  return TRUE;
}

/**
 * dd_profile_uses_app_robot:
 *
 * Returns: %TRUE if messages go through the app robot route (both the
 *   robot code and the conversation id are set) instead of the webhook
 */
gboolean
dd_profile_uses_app_robot (DdProfile *self)
{
  g_return_val_if_fail (DD_IS_PROFILE (self), FALSE);

  return self->robot_code != NULL && self->conversation_id != NULL;
}
