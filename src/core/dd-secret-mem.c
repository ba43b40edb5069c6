/* dd-secret-mem.c: secrets in memory: copies that are wiped when freed,
 * and the JSON of the keyring item made and read without other copies
 *
 * A secret that DingDrop copies is overwritten before its memory goes
 * back to the allocator: the whole allocation, not only up to the first
 * NUL, so that a string stripped or cut in place leaves nothing behind.
 * json-glib cannot do that for the keyring item's JSON: its builder, its
 * generator's growing GString and its parser's scanner leave copies of
 * every value in freed memory.  So the item (a flat object of strings,
 * see dd-secrets.c) is written and read here, each value in exactly one
 * allocation that is wiped.  What libraries copy that DingDrop cannot
 * reach is listed in tests/RELIABILITY.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-secrets"

#include "config.h"

#include <malloc.h>
#include <string.h>

#include <gio/gio.h>

#include "dd-secret-mem.h"

/**
 * dd_wipe:
 *
 * Overwrites @len bytes at @mem with zeros, in a way the compiler does not
 * drop because the memory is freed next.
 */
void
dd_wipe (gpointer mem,
         gsize    len)
{
  if (mem != NULL && len > 0)
    explicit_bzero (mem, len);
}

/**
 * dd_secret_free:
 * @str: (nullable): a string from g_malloc() (g_strdup(), g_strdup_printf(),
 *   a GString's free segment…)
 *
 * Wipes all of @str's allocation, then frees it.
 */
void
dd_secret_free (char *str)
{
  if (str == NULL)
    return;

  dd_wipe (str, malloc_usable_size (str));
  g_free (str);
}

/**
 * dd_secret_dup_stripped:
 * @value: (nullable): a pasted secret
 *
 * Returns: (transfer full) (nullable): @value without surrounding ASCII
 *   whitespace, %NULL if nothing is left; free it with dd_secret_free().
 *   Unlike g_strstrip() on a copy it moves nothing, so no tail of the
 *   secret stays beyond the string's end.
 */
char *
dd_secret_dup_stripped (const char *value)
{
  const char *start = value;
  const char *end;

  if (value == NULL)
    return NULL;

  while (g_ascii_isspace (*start))
    start++;
  end = start + strlen (start);
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  if (end == start)
    return NULL;

  return g_strndup (start, end - start);
}

/* building */

static gsize
escaped_length (const char *str)
{
  gsize len = 0;

  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' ||
          *p == '\n' || *p == '\r' || *p == '\t')
        len += 2;
      else if (*p < 0x20)
        len += 6;
      else
        len += 1;
    }

  return len;
}

static char *
write_string (char       *out,
              const char *str)
{
  static const char hex[] = "0123456789abcdef";

  *out++ = '"';
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      char short_form = 0;

      switch (*p)
        {
        case '"': short_form = '"'; break;
        case '\\': short_form = '\\'; break;
        case '\b': short_form = 'b'; break;
        case '\f': short_form = 'f'; break;
        case '\n': short_form = 'n'; break;
        case '\r': short_form = 'r'; break;
        case '\t': short_form = 't'; break;
        default: break;
        }

      if (short_form != 0)
        {
          *out++ = '\\';
          *out++ = short_form;
        }
      else if (*p < 0x20)
        {
          *out++ = '\\';
          *out++ = 'u';
          *out++ = '0';
          *out++ = '0';
          *out++ = hex[*p >> 4];
          *out++ = hex[*p & 0xf];
        }
      else
        *out++ = (char) *p;
    }
  *out++ = '"';

  return out;
}

/**
 * dd_secret_json_build:
 * @names: the members' names
 * @values: a value or %NULL (left out) for each name
 * @n: how many
 *
 * Writes `{"name":"value",…}` as json-glib's generator would, into one
 * allocation of exactly its size.
 *
 * Returns: (transfer full) (nullable): the JSON, %NULL if every value is
 *   %NULL; free it with dd_secret_free()
 */
char *
dd_secret_json_build (const char * const *names,
                      const char * const *values,
                      guint               n)
{
  gsize len = 2;
  guint n_set = 0;
  char *json;
  char *out;

  g_return_val_if_fail (names != NULL && values != NULL, NULL);

  for (guint i = 0; i < n; i++)
    if (values[i] != NULL)
      {
        len += (n_set > 0 ? 1 : 0) + escaped_length (names[i]) + 2 + 1 + escaped_length (values[i]) + 2;
        n_set++;
      }
  if (n_set == 0)
    return NULL;

  json = out = g_malloc (len + 1);
  *out++ = '{';
  n_set = 0;
  for (guint i = 0; i < n; i++)
    if (values[i] != NULL)
      {
        if (n_set++ > 0)
          *out++ = ',';
        out = write_string (out, names[i]);
        *out++ = ':';
        out = write_string (out, values[i]);
      }
  *out++ = '}';
  *out = '\0';
  g_assert ((gsize) (out - json) == len);

  return json;
}

/* reading */

static void
skip_space (const char **p)
{
  while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
    (*p)++;
}

static gboolean
read_hex4 (const char **p,
           const char  *end,
           gunichar    *out)
{
  gunichar c = 0;

  if (end - *p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value ((*p)[i]);

      if (digit < 0)
        return FALSE;
      c = (c << 4) | (gunichar) digit;
    }
  *p += 4;
  *out = c;

  return TRUE;
}

/* Decodes the JSON string at *@p (its opening quote) into one allocation,
 * which is never longer than the escaped text; moves *@p past it.
 * %NULL if it is no valid string (or holds a NUL). */
static char *
read_string (const char **p)
{
  const char *s = *p;
  const char *end;
  gsize size;
  char *value;
  char *out;

  if (*s != '"')
    return NULL;
  s++;

  for (end = s; *end != '"'; end++)
    {
      /* raw control characters are no JSON, but json-glib 1.6 writes
       * those it has no short escape for so: accepted */
      if (*end == '\0')
        return NULL;
      if (*end == '\\' && *++end == '\0')
        return NULL;
    }

  size = end - s + 1;
  value = out = g_malloc (size);
  while (s < end)
    {
      gunichar c;

      if (*s != '\\')
        {
          *out++ = *s++;
          continue;
        }

      s++;
      switch (*s++)
        {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '/': *out++ = '/'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
          if (!read_hex4 (&s, end, &c))
            goto bad;
          if (c >= 0xd800 && c < 0xdc00)
            {
              gunichar low;

              if (end - s < 2 || s[0] != '\\' || s[1] != 'u')
                goto bad;
              s += 2;
              if (!read_hex4 (&s, end, &low) || low < 0xdc00 || low >= 0xe000)
                goto bad;
              c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
            }
          else if ((c >= 0xdc00 && c < 0xe000) || c == 0)
            goto bad;
          /* at most 4 bytes of UTF-8 from at least 6 of escape */
          out += g_unichar_to_utf8 (c, out);
          break;
        default:
          goto bad;
        }
    }
  *out = '\0';
  *p = end + 1;

  return value;

bad:
  dd_wipe (value, size);
  g_free (value);
  return NULL;
}

/**
 * dd_secret_json_parse:
 * @json: `{"name":"value",…}`, as dd_secret_json_build() or json-glib
 *   wrote it
 * @names: the members wanted
 * @values: (out caller-allocates): @n pointers, %NULL on entry; each
 *   becomes the member's value or stays %NULL (free with dd_secret_free())
 * @n: how many
 *
 * Reads a JSON object whose members are all strings; members not named
 * are skipped, the last of two of the same name wins.
 *
 * Returns: %FALSE with a G_IO_ERROR_INVALID_DATA error (and every value
 *   %NULL) if @json is no such object
 */
gboolean
dd_secret_json_parse (const char          *json,
                      const char * const  *names,
                      char               **values,
                      guint                n,
                      GError             **error)
{
  const char *p = json;

  g_return_val_if_fail (json != NULL && names != NULL && values != NULL, FALSE);

  skip_space (&p);
  if (*p++ != '{')
    goto bad;
  skip_space (&p);

  if (*p == '}')
    p++;
  else
    for (;;)
      {
        g_autoptr(DdSecret) name = NULL;
        g_autoptr(DdSecret) value = NULL;

        if (!(name = read_string (&p)))
          goto bad;
        skip_space (&p);
        if (*p++ != ':')
          goto bad;
        skip_space (&p);
        if (!(value = read_string (&p)))
          goto bad;

        for (guint i = 0; i < n; i++)
          if (strcmp (name, names[i]) == 0)
            {
              dd_secret_free (values[i]);
              values[i] = g_steal_pointer (&value);
              break;
            }

        skip_space (&p);
        if (*p == ',')
          {
            p++;
            skip_space (&p);
            continue;
          }
        if (*p++ == '}')
          break;
        goto bad;
      }

  skip_space (&p);
  if (*p == '\0')
    return TRUE;

bad:
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&values[i], dd_secret_free);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "the keyring item is not a JSON object of strings");
  return FALSE;
}
