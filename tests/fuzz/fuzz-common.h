/* fuzz-common.h: what every libFuzzer target of DingDrop shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A critical or a warning on any input is a finding: DingDrop's code reached
 * a g_return_if_fail() or a library's precondition with bytes from outside,
 * so they abort here (the test suite runs with G_DEBUG=fatal-criticals for
 * the same reason).  Debug messages stay off: they would only slow it down.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define DD_FUZZ_FATAL_LEVELS (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)

/* abort(), not GLib's G_BREAKPOINT(): libFuzzer saves the input of a
 * SIGABRT, and knows nothing of a SIGTRAP. */
static inline void
dd_fuzz_log_handler (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  if (log_level & DD_FUZZ_FATAL_LEVELS)
    {
      g_printerr ("%s: %s\n", log_domain ? log_domain : "?", message);
      abort ();
    }
}

static inline GLogWriterOutput
dd_fuzz_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  if (log_level & DD_FUZZ_FATAL_LEVELS)
    {
      g_printerr ("%s\n", g_log_writer_format_fields (log_level, fields, n_fields, FALSE));
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
dd_fuzz_init (void)
{
  g_log_set_default_handler (dd_fuzz_log_handler, NULL);
  g_log_set_writer_func (dd_fuzz_log_writer, NULL, NULL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("G_MESSAGES_DEBUG");
}

/* libFuzzer's own abort() path prints the input; an invariant that fails
 * says which one first. */
#define dd_fuzz_check(expr)                                                   \
  G_STMT_START {                                                              \
    if (G_UNLIKELY (!(expr)))                                                 \
      {                                                                       \
        g_printerr ("%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #expr); \
        abort ();                                                             \
      }                                                                       \
  } G_STMT_END
