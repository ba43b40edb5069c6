/* ui-test-util.h: what the window's widget tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dd-client.h"
#include "dd-outbox.h"
#include "dd-queue-item.h"
#include "dd-profile-store.h"
#include "dd-queue-row.h"
#include "dd-robot-editor.h"
#include "dd-window.h"

G_BEGIN_DECLS

gboolean          dd_test_wait_for            (gboolean  (*cond) (gpointer),
                                               gpointer    data,
                                               guint       ms);
DdQueueItem      *dd_test_queue_item          (DdWindow   *window,
                                               guint       i);
DdQueueRow       *dd_test_queue_row           (DdWindow   *window,
                                               guint       i);
AdwMessageDialog *dd_test_find_message_dialog (void);
gboolean          dd_test_load_outbox         (DdOutbox   *outbox,
                                               GError    **error);
void              dd_test_close_outbox        (DdOutbox   *outbox);
gboolean          dd_test_press_keys          (GtkWidget  *window,
                                               const char *keys);
gboolean          dd_test_click               (GtkWidget  *widget);
void              dd_test_store_result_cb     (GObject      *source,
                                               GAsyncResult *result,
                                               gpointer      user_data);
gboolean          dd_test_has_result          (gpointer    slot);
GAsyncResult     *dd_test_wait_result         (GAsyncResult **slot);
GtkWidget        *dd_test_find_tooltip        (GtkWidget  *widget,   /* the visible one with @tooltip */
                                               const char *tooltip);
GtkWidget        *dd_test_find_named          (GtkWidget  *widget,
                                               const char *name);
void              dd_test_remove_dir          (const char *dir);
GtkWidget        *dd_test_editor_child        (GtkWidget  *editor,
                                               const char *name);
gboolean          dd_test_editor_idle         (gpointer    data);
gboolean          dd_test_with_keyring        (const char *skip_path);
GDBusConnection  *dd_test_serve_on_session_bus (const char                 *xml,
                                                const char                 *name,
                                                const char                 *path,
                                                const GDBusInterfaceVTable *vtable,
                                                gpointer                    user_data,
                                                guint                      *object_id);

char             *dd_test_private_home        (const char *tmpl);

DdProfile        *dd_test_add_robot           (DdProfileStore *store,
                                               const char     *name,
                                               const char     *base,
                                               const char     *token,
                                               const char     *secret,
                                               const char     *app_key,
                                               const char     *app_secret);
void              dd_test_store_secrets       (DdProfile  *profile);
DdProfile        *dd_test_add_keyring_robot   (DdProfileStore *store,
                                               const char     *name,
                                               const char     *base,
                                               const char     *token,
                                               const char     *secret,
                                               const char     *app_key,
                                               const char     *app_secret);

char             *dd_test_outbox_set_up       (const char      *tmpl,
                                               DdProfileStore **store,
                                               DdClient       **client,
                                               DdOutbox       **outbox);
void              dd_test_outbox_tear_down    (char           **tmp,
                                               DdProfileStore **store,
                                               DdClient       **client,
                                               DdOutbox       **outbox);
GtkWidget        *dd_test_window_child        (DdWindow   *window,
                                               const char *name);
void              dd_test_init                (int        *argc,
                                               char     ***argv);

G_END_DECLS
