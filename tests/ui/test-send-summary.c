/* test-send-summary.c: the sentence a send to one or several groups
 * ends with (the window's toast, the notification's body)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>

#include "dd-send-summary.h"

static char *
describe (const char *first, ...)
{
  g_autoptr(DdSendSummary) summary = dd_send_summary_new ();
  const char *robot = first;
  va_list args;

  va_start (args, first);
  while (robot != NULL)
    {
      guint n_sent = va_arg (args, guint);
      guint n_failed = va_arg (args, guint);

      dd_send_summary_add (summary, robot, n_sent, n_failed);
      robot = va_arg (args, const char *);
    }
  va_end (args);
  return dd_send_summary_describe (summary);
}

#define assert_says(expected, ...) \
  G_STMT_START { \
    g_autofree char *said = describe (__VA_ARGS__, NULL); \
    g_assert_cmpstr (said, ==, expected); \
  } G_STMT_END

/* One group: as the window always said it. */
static void
test_one_group (void)
{
  assert_says ("1 image sent to Team A", "Team A", 1u, 0u);
  assert_says ("3 images sent to Team A, 1 failed", "Team A", 3u, 1u);
  assert_says ("2 images could not be sent to Team A", "Team A", 0u, 2u);
}

/* Groups with the same outcome share a clause; those that got
 * everything come first. */
static void
test_several_groups (void)
{
  assert_says ("2 images sent to Team A and Team B", "Team A", 2u, 0u, "Team B", 2u, 0u);
  assert_says ("2 images sent to Team A, Team B and Team C",
               "Team A", 2u, 0u, "Team B", 2u, 0u, "Team C", 2u, 0u);
  assert_says ("2 images sent to Team A; 2 failed for Team B", "Team A", 2u, 0u, "Team B", 0u, 2u);
  assert_says ("2 images sent to Team B; 2 failed for Team A", "Team A", 0u, 2u, "Team B", 2u, 0u);
  assert_says ("2 images could not be sent to Team A and Team B", "Team A", 0u, 2u, "Team B", 0u, 2u);
  assert_says ("2 images sent to Team A; 1 image sent to Team B, 1 failed",
               "Team A", 2u, 0u, "Team B", 1u, 1u);
}

/* A robot given twice (two batches) adds up; one whose images never
 * reached the outbox is left out. */
static void
test_adds_up (void)
{
  assert_says ("3 images sent to Team A", "Team A", 1u, 0u, "Team A", 2u, 0u);
  assert_says ("2 images sent to Team B", "Team A", 0u, 0u, "Team B", 2u, 0u);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/send-summary/one-group", test_one_group);
  g_test_add_func ("/send-summary/several-groups", test_several_groups);
  g_test_add_func ("/send-summary/adds-up", test_adds_up);
  return g_test_run ();
}
