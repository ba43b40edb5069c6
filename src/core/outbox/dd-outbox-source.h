/* dd-outbox-source.h: one image to add to the outbox: a file, or bytes
 * (a pasted screenshot, standard input)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DdOutboxSource DdOutboxSource;

#define DD_TYPE_OUTBOX_SOURCE (dd_outbox_source_get_type ())

GType           dd_outbox_source_get_type       (void) G_GNUC_CONST;
DdOutboxSource *dd_outbox_source_new_for_file   (GFile                *file,
                                                 const char           *display_name);
DdOutboxSource *dd_outbox_source_new_for_bytes  (GBytes               *bytes,
                                                 const char           *display_name);
DdOutboxSource *dd_outbox_source_copy           (const DdOutboxSource *source);
void            dd_outbox_source_free           (DdOutboxSource       *source);

GBytes         *dd_outbox_source_read           (const DdOutboxSource *source,
                                                 guint64               cap,
                                                 char                **display_name,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean        dd_outbox_source_copy_file      (const DdOutboxSource *source,
                                                 const char           *dest,
                                                 guint64               cap,
                                                 char                **display_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdOutboxSource, dd_outbox_source_free)

G_END_DECLS
