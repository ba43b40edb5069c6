/* lsan-libsecret-etag.c: linked into the tests that use libsecret's file
 * backend, in a build with -Db_sanitize=address (tests/meson.build)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsecret 0.20.5 (Debian 12) loses the etag of its keyring file at every
 * write, about 28 bytes: secret-file-collection.c hands &self->etag to
 * g_file_load_contents_finish() and g_file_replace_contents_finish(), which
 * overwrite it without freeing the old one (fixed in libsecret 0.21.2,
 * commit 3c975876 "secret-file-collection: Improve etag tracking").
 *
 * A LeakSanitizer suppression cannot name this leak: the string is made
 * by a static function of GIO (replace_contents_close_callback) that the
 * main loop calls, and its stack has no libsecret frame and no GIO frame
 * with a name on Debian, whose libraries have no symbols but their
 * exported ones.  So the two GIO functions are wrapped here, and the etag
 * they hand out is marked as no leak.  DingDrop never asks them for an
 * etag (it passes NULL), so none of its own leaks can hide behind this.
 */
#define _GNU_SOURCE

#include "config.h"

#include <dlfcn.h>

#include <gio/gio.h>
#include <sanitizer/lsan_interface.h>

typedef gboolean (*LoadFinish)    (GFile *, GAsyncResult *, char **, gsize *, char **, GError **);
typedef gboolean (*ReplaceFinish) (GFile *, GAsyncResult *, char **, GError **);

/* GIO's own function of that name, looked up once. */
static gsize
real_function (gsize      *once,
               const char *name)
{
  if (g_once_init_enter (once))
    {
      gpointer function = dlsym (RTLD_NEXT, name);

      if (function == NULL)
        g_error ("%s not found: %s", name, dlerror ());
      g_once_init_leave (once, (gsize) function);
    }

  return *once;
}

static void
ignore_etag (char **etag)
{
  if (etag != NULL && *etag != NULL)
    __lsan_ignore_object (*etag);
}

gboolean
g_file_load_contents_finish (GFile         *file,
                             GAsyncResult  *res,
                             char         **contents,
                             gsize         *length,
                             char         **etag_out,
                             GError       **error)
{
  static gsize once;
  LoadFinish real = (LoadFinish) real_function (&once, "g_file_load_contents_finish");
  gboolean ok;

  ok = real (file, res, contents, length, etag_out, error);
  if (ok)
    ignore_etag (etag_out);
  return ok;
}

gboolean
g_file_replace_contents_finish (GFile         *file,
                                GAsyncResult  *res,
                                char         **new_etag,
                                GError       **error)
{
  static gsize once;
  ReplaceFinish real = (ReplaceFinish) real_function (&once, "g_file_replace_contents_finish");
  gboolean ok;

  ok = real (file, res, new_etag, error);
  if (ok)
    ignore_etag (new_etag);
  return ok;
}
