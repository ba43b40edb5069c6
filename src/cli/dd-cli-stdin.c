/* dd-cli-stdin.c: `dingdrop send -`: one image read from standard input,
 * on the main context
 *
 * A screenshot tool's pipe may be slow, endless, empty, a terminal or not
 * there at all; the user may press Ctrl+C while it trickles.  Each case
 * ends in one sentence, and reading never takes more than the image cap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "dd-cli-private.h"
#include "dd-error.h"

#define CHUNK (256 * 1024)

static gboolean stdin_was_closed;

/**
 * dd_cli_guard_standard_fds:
 *
 * Called first: a standard input, output or error that the caller closed
 * (`dingdrop send - <&-`) gets /dev/null, so that the first file DingDrop
 * opens does not become it (and is not read as the image, or written to
 * as the output).  A closed standard input is remembered, and reading it
 * says so.
 */
void
dd_cli_guard_standard_fds (void)
{
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      int null_fd;

      if (fcntl (fd, F_GETFD) != -1 || errno != EBADF)
        continue;

      if (fd == STDIN_FILENO)
        stdin_was_closed = TRUE;
      /* the lowest free number: this one */
      null_fd = open ("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
      if (null_fd != -1 && null_fd != fd)
        {
          dup2 (null_fd, fd);
          close (null_fd);
        }
    }
}

typedef struct {
  GInputStream *in;
  GByteArray   *buffer;
  guint64       cap;
  gsize         reading;   /* bytes asked for */
} ReadOp;

static void
read_op_free (ReadOp *op)
{
  g_clear_object (&op->in);
  g_clear_pointer (&op->buffer, g_byte_array_unref);
  g_free (op);
}

static void read_next (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  guint len = op->buffer->len - op->reading;

  if (n < 0)
    {
      g_byte_array_set_size (op->buffer, len);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                 _("Stopped while reading standard input; nothing was sent."));
      else
        g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                                 _("Standard input could not be read: %s"), error->message);
      return;
    }

  g_byte_array_set_size (op->buffer, len + n);

  if (n == 0)
    {
      if (op->buffer->len == 0)
        g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE, "%s",
                                 _("Standard input is empty: there is no image on it."));
      else
        g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&op->buffer)),
                               (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (op->buffer->len > op->cap)
    {
      g_autofree char *size = g_format_size (op->cap);

      g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE,
                               _("Standard input holds more than %s; that is too much for one image."),
                               size);
      return;
    }

  read_next (g_steal_pointer (&task));
}

/* Never more than one byte past the cap: an endless stream stops there. */
static void
read_next (GTask *task)
{
  ReadOp *op = g_task_get_task_data (task);
  guint len = op->buffer->len;

  op->reading = (gsize) MIN ((guint64) CHUNK, op->cap + 1 - len);
  g_byte_array_set_size (op->buffer, len + op->reading);
  g_input_stream_read_async (op->in, op->buffer->data + len, op->reading,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             on_read, task);
}

/**
 * dd_cli_read_stdin_async:
 * @cap: the most bytes an image may have
 *
 * Reads standard input to its end on the thread-default main context.
 */
void
dd_cli_read_stdin_async (guint64              cap,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadOp *op;

  g_task_set_source_tag (task, dd_cli_read_stdin_async);
  /* the sentences below, also for a cancel */
  g_task_set_check_cancellable (task, FALSE);

  if (stdin_was_closed)
    {
      g_task_return_new_error (task, DD_ERROR, DD_ERROR_FILE, "%s",
                               _("Standard input is closed: there is no image on it."));
      return;
    }

  op = g_new0 (ReadOp, 1);
  op->in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  op->buffer = g_byte_array_new ();
  op->cap = cap;
  g_task_set_task_data (task, op, (GDestroyNotify) read_op_free);

  read_next (g_steal_pointer (&task));
}

/**
 * dd_cli_read_stdin_finish:
 *
 * Returns: (transfer full): the bytes; %NULL with a sentence, or
 *   G_IO_ERROR_CANCELLED if it was cancelled
 */
GBytes *
dd_cli_read_stdin_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dd_cli_read_stdin_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * dd_cli_read_stdin:
 * @cap: the most bytes an image may have
 *
 * Reads the image of `dingdrop send -`, running the main context until it
 * is read; SIGINT and SIGTERM stop it with G_IO_ERROR_CANCELLED.  A
 * terminal is refused: nobody types an image.
 *
 * Returns: (transfer full): the bytes, or %NULL with a sentence
 */
GBytes *
dd_cli_read_stdin (guint64   cap,
                   GError  **error)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint sigint, sigterm;
  GBytes *bytes;

  if (!stdin_was_closed && isatty (STDIN_FILENO))
    {
      g_set_error_literal (error, DD_ERROR, DD_ERROR_FILE,
                           _("Standard input is a terminal. Pipe an image into “dingdrop send -”, for example from a screenshot tool."));
      return NULL;
    }

  cancellable = g_cancellable_new ();
  sigint = g_unix_signal_add (SIGINT, interrupted_cb, cancellable);
  sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, cancellable);

  dd_cli_read_stdin_async (cap, cancellable, dd_cli_store_result_cb, &result);
  bytes = dd_cli_read_stdin_finish (dd_cli_wait_for_result (&result), error);

  g_source_remove (sigint);
  g_source_remove (sigterm);

  return bytes;
}
