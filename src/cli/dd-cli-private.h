/* dd-cli-private.h: what the command line's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dd-cli.h"

#include "dd-outbox.h"
#include "dd-profile-store.h"

G_BEGIN_DECLS

GAsyncResult   *dd_cli_wait_for_result   (GAsyncResult **slot);
void            dd_cli_close_outbox      (DdOutbox      *outbox);
void            dd_cli_wait_for_token_saves (void);
void            dd_cli_apply_settings    (DdOutbox      *outbox);
void            dd_cli_print_json        (JsonBuilder   *builder);
void            dd_cli_store_result_cb   (GObject       *source,
                                          GAsyncResult  *result,
                                          gpointer       user_data);

DdProfileStore *dd_cli_open_store        (GError       **error);
DdProfile      *dd_cli_lookup_profile    (DdProfileStore *store,
                                          const char    *name,
                                          GError       **error);
DdProfile      *dd_cli_find_profile      (DdProfileStore *store,
                                          const char    *name,
                                          GError       **error);
GHashTable     *dd_cli_read_secrets      (const char * const *prompts_keys,
                                          const char * const *prompts,
                                          GError       **error);
void            dd_cli_print_error       (const GError  *error);
char           *dd_cli_describe_error    (const GError  *error);
char           *dd_cli_printable         (const char    *text);
void            dd_cli_usage_error       (GOptionContext *context,
                                          const char    *message);

int             dd_cli_send              (int            argc,
                                          char         **argv);
int             dd_cli_profile           (int            argc,
                                          char         **argv);
int             dd_cli_outbox            (int            argc,
                                          char         **argv);

/* dd-cli-stdin.c */
void            dd_cli_guard_standard_fds (void);
void            dd_cli_read_stdin_async  (guint64        cap,
                                          GCancellable  *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer       user_data);
GBytes         *dd_cli_read_stdin_finish (GAsyncResult  *result,
                                          GError       **error);
GBytes         *dd_cli_read_stdin        (guint64        cap,
                                          GError       **error);

typedef struct _DdCliProgress DdCliProgress;

/* dd-cli-progress.c */
void            dd_cli_print_result      (const char    *file,
                                          const char    *robot,
                                          gboolean       name_robot,
                                          gboolean       sent,
                                          const char    *media_id,
                                          gint64         errcode,
                                          const char    *error,
                                          gboolean       json);
DdCliProgress  *dd_cli_progress_new      (DdOutbox      *outbox,
                                          GPtrArray     *jobs,
                                          GPtrArray     *names,
                                          GPtrArray     *robots,
                                          gboolean       json);
guint           dd_cli_progress_run      (DdCliProgress *self);
void            dd_cli_progress_free     (DdCliProgress *self);
void            dd_cli_print_job         (DdJob         *job,
                                          const char    *file,
                                          const char    *robot,
                                          gboolean       name_robot,
                                          gboolean       json);
void            dd_cli_tell_wait         (DdOutbox      *outbox,
                                          DdProfile     *profile,
                                          gboolean       name_robot);

G_END_DECLS
