/* dd-job-prepare.h: a job's image made ready for DingTalk, and read back
 * for its upload, in worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dd-image.h"
#include "dd-job-private.h"

G_BEGIN_DECLS

#define DD_JOB_THUMBNAIL_SIZE 256
/* the threads that make thumbnails, beside the preparing and the I/O */
#define DD_JOB_THUMBNAIL_THREADS 2

typedef struct {
  char    *filename;
  char    *mime_type;
  char    *sha256;
  guint64  size;
  guint    width;
  guint    height;
} DdJobPrepared;

void           dd_job_prepared_free         (DdJobPrepared        *prepared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdJobPrepared, dd_job_prepared_free)

void           dd_job_prepare_async         (DdJob                *job,
                                             const DdImageOptions *options,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
DdJobPrepared *dd_job_prepare_finish        (GAsyncResult         *result,
                                             GError              **error);

void           dd_job_read_prepared_async   (DdJob                *job,
                                             gboolean              verify,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GBytes        *dd_job_read_prepared_finish  (GAsyncResult         *result,
                                             GError              **error);

void           dd_job_make_thumbnail_async  (DdJob                *job,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       dd_job_make_thumbnail_finish (GAsyncResult         *result);

G_END_DECLS
