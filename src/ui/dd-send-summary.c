/* dd-send-summary.c: one send's results, robot by robot: robots with the
 * same outcome share a clause ("2 images sent to Team A and Team B"),
 * the clauses follow each other ("…; 2 failed for Team C")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-send-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-send-summary.h"

typedef struct {
  char  *robot;
  guint  n_sent;
  guint  n_failed;
} Result;

struct _DdSendSummary
{
  GArray *results;   /* of Result, in the order they came */
};

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->robot, g_free);
}

DdSendSummary *
dd_send_summary_new (void)
{
  DdSendSummary *self = g_new0 (DdSendSummary, 1);

  self->results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_array_set_clear_func (self->results, (GDestroyNotify) result_clear);
  return self;
}

void
dd_send_summary_free (DdSendSummary *self)
{
  g_clear_pointer (&self->results, g_array_unref);
  g_free (self);
}

void
dd_send_summary_add (DdSendSummary *self,
                     const char    *robot,
                     guint          n_sent,
                     guint          n_failed)
{
  Result result = { NULL, n_sent, n_failed };

  g_return_if_fail (self != NULL);
  g_return_if_fail (robot != NULL);

  for (guint i = 0; i < self->results->len; i++)
    {
      Result *known = &g_array_index (self->results, Result, i);

      if (g_str_equal (known->robot, robot))
        {
          known->n_sent += n_sent;
          known->n_failed += n_failed;
          return;
        }
    }
  result.robot = g_strdup (robot);
  g_array_append_val (self->results, result);
}

guint
dd_send_summary_get_n_sent (DdSendSummary *self)
{
  guint n = 0;

  for (guint i = 0; i < self->results->len; i++)
    n += g_array_index (self->results, Result, i).n_sent;
  return n;
}

guint
dd_send_summary_get_n_failed (DdSendSummary *self)
{
  guint n = 0;

  for (guint i = 0; i < self->results->len; i++)
    n += g_array_index (self->results, Result, i).n_failed;
  return n;
}

/* "Team A", "Team A and Team B", "Team A, Team B and Team C" */
static char *
join_names (GPtrArray *names)
{
  g_autofree char *text = g_strdup (g_ptr_array_index (names, 0));

  for (guint i = 1; i < names->len; i++)
    {
      g_autofree char *before = g_steal_pointer (&text);

      if (i + 1 == names->len)
        /* Translators: the last two robots of a list, "Team A and Team B" */
        text = g_strdup_printf (_("%s and %s"), before, (char *) g_ptr_array_index (names, i));
      else
        /* Translators: robots of a list before its last two, "Team A, Team B" */
        text = g_strdup_printf (_("%s, %s"), before, (char *) g_ptr_array_index (names, i));
    }
  return g_steal_pointer (&text);
}

/* The clause of the robots @names that all had @n_sent arrive and
 * @n_failed fail; @first: it begins the sentence. */
static char *
describe_clause (GPtrArray *names,
                 guint      n_sent,
                 guint      n_failed,
                 gboolean   first)
{
  g_autofree char *robots = join_names (names);

  if (n_failed == 0)
    return g_strdup_printf (ngettext ("%u image sent to %s", "%u images sent to %s", n_sent),
                            n_sent, robots);
  if (n_sent == 0 && first)
    return g_strdup_printf (ngettext ("%u image could not be sent to %s",
                                      "%u images could not be sent to %s", n_failed),
                            n_failed, robots);
  if (n_sent == 0)
    /* Translators: after "2 images sent to Team A; ", the failures of another group */
    return g_strdup_printf (ngettext ("%u failed for %s", "%u failed for %s", n_failed),
                            n_failed, robots);
  {
    g_autofree char *sent = g_strdup_printf (ngettext ("%u image sent to %s", "%u images sent to %s",
                                                       n_sent), n_sent, robots);

    /* Translators: "3 images sent to Team Group, 1 failed" */
    return g_strdup_printf (ngettext ("%s, %u failed", "%s, %u failed", n_failed), sent, n_failed);
  }
}

char *
dd_send_summary_describe (DdSendSummary *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree gboolean *told = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->results->len == 0)
    return g_strdup ("");
  told = g_new0 (gboolean, self->results->len);
  /* those that arrived everywhere first, then the rest as they came */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->results->len; i++)
      {
        Result *result = &g_array_index (self->results, Result, i);
        g_autoptr(GPtrArray) names = NULL;
        g_autofree char *clause = NULL;

        /* a robot whose batch never reached the outbox */
        if (result->n_sent + result->n_failed == 0)
          told[i] = TRUE;
        if (told[i] || (pass == 0 && result->n_failed > 0))
          continue;
        names = g_ptr_array_new ();
        for (guint j = i; j < self->results->len; j++)
          {
            Result *other = &g_array_index (self->results, Result, j);

            if (!told[j] && other->n_sent == result->n_sent && other->n_failed == result->n_failed)
              {
                g_ptr_array_add (names, other->robot);
                told[j] = TRUE;
              }
          }
        clause = describe_clause (names, result->n_sent, result->n_failed, text->len == 0);
        if (text->len > 0)
          /* Translators: between the clauses of "2 images sent to Team A; 2 failed for Team B" */
          g_string_append (text, _("; "));
        g_string_append (text, clause);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
