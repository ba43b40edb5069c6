/* dd-window-robots.c: which robots the window sends to: the header's
 * chooser (one robot, or several: each gets its own messages), the
 * robots of last time chosen again (last-robots, last-robot), as they
 * load, and where the staged images go (the summary)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dd-window-private.h"

DdProfile *
dd_window_get_profile (DdWindow *self)
{
  return dd_robot_chooser_get_primary (self->robot_chooser);
}

/* (transfer container) (element-type DdProfile): each robot chosen */
GPtrArray *
dd_window_get_profiles (DdWindow *self)
{
  return dd_robot_chooser_get_selected (self->robot_chooser);
}

/* "Team A", "Team A, Team B" */
char *
dd_window_describe_robots (DdWindow  *self,
                           GPtrArray *profiles)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < profiles->len; i++)
    {
      if (i > 0)
        /* Translators: between the robots' names in "2 images to Team A, Team B" */
        g_string_append (names, _(", "));
      g_string_append (names, dd_profile_get_name (g_ptr_array_index (profiles, i)));
    }
  return g_string_free (names, FALSE);
}

static void
robot_selected_cb (DdWindow *self)
{
  DdProfile *profile = dd_window_get_profile (self);
  g_autoptr(GPtrArray) profiles = dd_window_get_profiles (self);

  /* the user's choice: no more robots of last time to wait for */
  if (!self->restoring)
    g_clear_pointer (&self->wanted_robots, g_strfreev);

  if (profile != self->watched)
    {
      if (self->watched != NULL)
        g_signal_handlers_disconnect_by_func (self->watched, dd_window_update_state, self);
      g_set_object (&self->watched, profile);
      if (profile != NULL)
        g_signal_connect_object (profile, "notify", G_CALLBACK (dd_window_update_state),
                                 self, G_CONNECT_SWAPPED);
    }

  /* saved when the user chose: while those of last time are chosen
   * again, some perhaps not loaded yet, last time's choice stays */
  if (profile != NULL && self->settings != NULL && !self->restoring)
    {
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      for (guint i = 0; i < profiles->len; i++)
        g_strv_builder_add (ids, dd_profile_get_id (g_ptr_array_index (profiles, i)));
      strv = g_strv_builder_end (ids);
      g_settings_delay (self->settings);
      g_settings_set_string (self->settings, "last-robot", dd_profile_get_id (profile));
      g_settings_set_strv (self->settings, "last-robots", (const char * const *) strv);
      g_settings_apply (self->settings);
    }
  dd_window_update_state (self);
}

static void
select_first_profile (DdWindow *self)
{
  g_autoptr(DdProfile) first = g_list_model_get_item (G_LIST_MODEL (self->profiles), 0);
  const char *ids[] = { first ? dd_profile_get_id (first) : NULL, NULL };

  dd_robot_chooser_select (self->robot_chooser, ids);
}

static void select_default_profile (DdWindow *self);

static void
profiles_changed_cb (DdWindow *self)
{
  /* the robots came after the window (loaded, or added): those of last
   * time, or the first one */
  if ((dd_window_get_profile (self) == NULL || self->wanted_robots != NULL) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) > 0)
    select_default_profile (self);
  dd_window_update_state (self);
}

/* The robots used last time (as many of them as are loaded yet: the
 * rest when they come, unless the user chose meanwhile), or the default
 * one. */
static void
select_default_profile (DdWindow *self)
{
  g_autofree char *one = self->settings ? g_settings_get_string (self->settings, "last-robot") : NULL;
  DdProfile *def = dd_profile_store_get_default (self->profiles);
  const char *fallback[] = { NULL, NULL };

  self->restoring = TRUE;
  if (self->wanted_robots != NULL)
    {
      g_autoptr(GPtrArray) chosen = NULL;

      dd_robot_chooser_select (self->robot_chooser, (const char * const *) self->wanted_robots);
      chosen = dd_window_get_profiles (self);
      if (chosen->len == g_strv_length (self->wanted_robots))
        g_clear_pointer (&self->wanted_robots, g_strfreev);
      if (chosen->len > 0)
        {
          self->restoring = FALSE;
          return;
        }
    }
  if (one != NULL && *one != '\0' && dd_profile_store_lookup (self->profiles, one) != NULL)
    fallback[0] = one;
  else if (def != NULL)
    fallback[0] = dd_profile_get_id (def);
  if (fallback[0] != NULL)
    dd_robot_chooser_select (self->robot_chooser, fallback);
  else
    select_first_profile (self);
  self->restoring = FALSE;
}

/* The chooser on the store's robots, those of last time chosen. */
void
dd_window_robots_init (DdWindow *self)
{
  if (self->settings != NULL)
    {
      self->wanted_robots = g_settings_get_strv (self->settings, "last-robots");
      if (self->wanted_robots[0] == NULL)
        g_clear_pointer (&self->wanted_robots, g_strfreev);
    }
  self->restoring = TRUE;
  dd_robot_chooser_set_model (self->robot_chooser, G_LIST_MODEL (self->profiles));
  self->restoring = FALSE;
  select_default_profile (self);
  /* what that chose is not the user's choice: those of last time not
   * loaded yet are still wanted */
  self->restoring = TRUE;
  robot_selected_cb (self);
  self->restoring = FALSE;
  g_signal_connect_object (self->profiles, "items-changed",
                           G_CALLBACK (profiles_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->robot_chooser, "changed",
                           G_CALLBACK (robot_selected_cb), self, G_CONNECT_SWAPPED);
}

/* (transfer container) the robots a staged @item goes to: those it was
 * taken back from (a copy "To Team B"), or those chosen; as
 * dd_window_send() sends it */
static GPtrArray *
item_robots (DdWindow    *self,
             DdQueueItem *item,
             GPtrArray   *chosen)
{
  const char * const *own = dd_queue_item_get_robots (item);
  GPtrArray *robots;

  if (own == NULL)
    return g_ptr_array_copy (chosen, NULL, NULL);
  robots = g_ptr_array_new ();
  for (guint i = 0; own[i] != NULL; i++)
    {
      DdProfile *profile = dd_profile_store_lookup (self->profiles, own[i]);

      if (profile != NULL)
        g_ptr_array_add (robots, profile);
    }
  return robots;
}

/* What Send would do with the staged images: "2 images to Team A, Team
 * B", "1 image to Team A; 2 images to Team B" (copies that go to other
 * robots than those @chosen); @targets gets each robot they go to. */
char *
dd_window_describe_staged (DdWindow  *self,
                           GPtrArray *chosen,
                           GPtrArray *targets)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);   /* one a destination */
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (guint));
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DdQueueItem) item = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      g_autoptr(GPtrArray) robots = NULL;
      g_autofree char *these = NULL;
      guint pos;

      if (dd_queue_item_get_jobs (item)->len > 0)
        continue;
      robots = item_robots (self, item, chosen);
      for (guint j = 0; j < robots->len; j++)
        if (!g_ptr_array_find (targets, g_ptr_array_index (robots, j), NULL))
          g_ptr_array_add (targets, g_ptr_array_index (robots, j));
      these = dd_window_describe_robots (self, robots);
      if (g_ptr_array_find_with_equal_func (names, these, g_str_equal, &pos))
        g_array_index (counts, guint, pos)++;
      else
        {
          guint one = 1;

          g_ptr_array_add (names, g_steal_pointer (&these));
          g_array_append_val (counts, one);
        }
    }
  for (guint i = 0; i < names->len; i++)
    {
      guint count = g_array_index (counts, guint, i);

      if (i > 0)
        /* Translators: between "1 image to Team A" and "2 images to Team B" */
        g_string_append (text, _("; "));
      g_string_append_printf (text, ngettext ("%u image to %s", "%u images to %s", count),
                              count, (char *) g_ptr_array_index (names, i));
    }
  return g_string_free (text, FALSE);
}
