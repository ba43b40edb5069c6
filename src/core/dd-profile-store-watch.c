/* dd-profile-store-watch.c: what other processes save to "profiles.ini"
 * comes into the store on its own
 *
 * The file is replaced by rename, so the folder is watched, not the file.
 * The events of one save come together and are answered by one reload,
 * which reads the file asynchronously and merges it on the main context:
 * the main loop never waits for the disk, nor for another process's lock
 * (readers take none; the file is only ever replaced whole).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-profile-store"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dd-error.h"
#include "dd-profile-store-private.h"

/* Long enough for a save's events (temporary file, rename) to come
 * together, short enough that a robot added by `dingdrop profile add`
 * shows at once. */
#define RELOAD_DELAY_MS 100

typedef struct {
  DdProfileStore *self;
  char           *path;
  guint           generation;   /* the store's when the read began */
} ReloadOp;

static void
reload_op_free (ReloadOp *op)
{
  g_clear_object (&op->self);
  g_clear_pointer (&op->path, g_free);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReloadOp, reload_op_free)

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ReloadOp) op = user_data;
  g_autoptr(DdProfilesFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* a removed file is one without robots */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_warning ("Could not read the robots again: %s", error->message);
          return;
        }
    }

  /* A load or a save of this store read the file after this read began,
   * and merged what it found; this may be older. */
  if (op->generation != op->self->generation)
    return;

  file = dd_profiles_file_parse (op->path, contents, length, &error);
  if (file == NULL)
    {
      /* keep the robots as they are until the file is fixed */
      g_warning ("%s", error->message);
      return;
    }

  dd_profile_store_merge_file (op->self, file);
}

static gboolean
reload_cb (gpointer user_data)
{
  DdProfileStore *self = user_data;
  g_autoptr(GFile) file = NULL;
  ReloadOp *op;

  self->reload_id = 0;

  /* the newest read is the one that counts */
  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
  self->reload_cancellable = g_cancellable_new ();

  op = g_new0 (ReloadOp, 1);
  op->self = g_object_ref (self);
  op->path = dd_profile_store_get_path (self);
  op->generation = self->generation;

  file = g_file_new_for_path (op->path);
  g_file_load_contents_async (file, self->reload_cancellable, file_loaded_cb, op);

  return G_SOURCE_REMOVE;
}

static void
schedule_reload (DdProfileStore *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

static gboolean
is_profiles_file (GFile *file)
{
  g_autofree char *name = NULL;

  if (file == NULL)
    return FALSE;

  name = g_file_get_basename (file);
  return g_strcmp0 (name, DD_PROFILES_FILE_NAME) == 0;
}

static void
folder_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  DdProfileStore *self = user_data;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
      event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT ||
      event == G_FILE_MONITOR_EVENT_UNMOUNTED)
    return;

  /* a save renames its temporary file to "profiles.ini": that is
   * @other_file; the lock file and the temporary file alone are not news */
  if (is_profiles_file (file) || is_profiles_file (other_file))
    schedule_reload (self);
}

/**
 * dd_profile_store_watch:
 * @error: a #DD_ERROR_PROFILE error naming the folder
 *
 * From now on what other processes save to "profiles.ini" comes into the
 * store by itself, a moment later, on the thread-default main context of
 * this call: merged as dd_profile_store_save() would merge it, so what
 * this store changed and has not saved yet stays.  Creates the folder
 * (0700) if it is missing, so that the first robot another process adds
 * is seen too.  Calling it again does nothing.
 */
gboolean
dd_profile_store_watch (DdProfileStore  *self,
                        GError         **error)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DD_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->monitor != NULL)
    return TRUE;

  if (g_mkdir_with_parents (self->config_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (self->config_dir);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not create the folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  folder = g_file_new_for_path (self->config_dir);
  self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &local_error);
  if (self->monitor == NULL)
    {
      g_autofree char *display = g_filename_display_name (self->config_dir);

      g_set_error (error, DD_ERROR, DD_ERROR_PROFILE,
                   _("Could not read the saved robots from “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }

  g_signal_connect (self->monitor, "changed", G_CALLBACK (folder_changed_cb), self);

  /* what was saved between the last load and now */
  schedule_reload (self);

  return TRUE;
}

void
dd_profile_store_watch_dispose (DdProfileStore *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, folder_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
}
