/* dd-sender.c: sends a batch of images to one robot
 *
 * Uploads run a few at a time; messages go out strictly in the order the
 * user gave, one per image or, as an album, one holding every image.  One
 * image failing does not stop the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "dd-sender"

#include "config.h"

#include "dd-error.h"
#include "dd-message.h"
#include "dd-sender.h"

DdSendItem *
dd_send_item_new (const char *display_name,
                  const char *filename,
                  const char *mime_type,
                  GBytes     *data)
{
  DdSendItem *item = g_new0 (DdSendItem, 1);

  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  item->display_name = g_strdup (display_name);
  item->filename = g_strdup (filename ? filename : display_name);
  item->mime_type = g_strdup (mime_type ? mime_type : "application/octet-stream");
  item->data = g_bytes_ref (data);
  item->state = DD_ITEM_WAITING;

  return item;
}

/* An item that failed before it could be sent (unreadable, not an image):
 * it stays in the batch so the report lists every file the user gave. */
DdSendItem *
dd_send_item_new_failed (const char   *display_name,
                         const GError *error)
{
  DdSendItem *item = g_new0 (DdSendItem, 1);

  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  item->display_name = g_strdup (display_name);
  item->filename = g_strdup (display_name);
  item->state = DD_ITEM_FAILED;
  item->error = g_error_copy (error);

  return item;
}

void
dd_send_item_free (DdSendItem *item)
{
  if (item == NULL)
    return;

  g_free (item->display_name);
  g_free (item->filename);
  g_free (item->mime_type);
  g_clear_pointer (&item->data, g_bytes_unref);
  g_free (item->media_id);
  g_clear_error (&item->error);
  g_free (item);
}

typedef struct {
  DdClient          *client;
  DdProfile         *profile;
  GPtrArray         *items;
  char              *title;
  char              *caption;
  GStrv              at_mobiles;
  GStrv              at_user_ids;
  gboolean           at_all;
  gboolean           album;
  DdItemChangedFunc  changed;
  gpointer           changed_data;

  guint              next_upload;
  guint              n_uploading;
  guint              next_send;     /* per-image mode: the next item to send */
  gboolean           album_sent;
  gboolean           caption_used;  /* the caption and mentions go out once */

  /* the message group being sent */
  GPtrArray         *messages;
  guint              message_index;
  GArray            *message_items; /* indexes into items */
  gboolean           returned;
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_object (&batch->client);
  g_clear_object (&batch->profile);
  g_clear_pointer (&batch->items, g_ptr_array_unref);
  g_free (batch->title);
  g_free (batch->caption);
  g_strfreev (batch->at_mobiles);
  g_strfreev (batch->at_user_ids);
  g_clear_pointer (&batch->messages, g_ptr_array_unref);
  g_clear_pointer (&batch->message_items, g_array_unref);
  g_free (batch);
}

static void pump (GTask *task);

static void
set_state (Batch       *batch,
           DdSendItem  *item,
           DdItemState  state,
           const GError *error)
{
  item->state = state;
  if (error != NULL)
    {
      g_clear_error (&item->error);
      item->error = g_error_copy (error);
    }
  if (state == DD_ITEM_SENT || state == DD_ITEM_FAILED)
    g_clear_pointer (&item->data, g_bytes_unref);
  if (batch->changed != NULL)
    batch->changed (item, batch->changed_data);
}

typedef struct {
  GTask      *task;
  DdSendItem *item;
} Upload;

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GTask) task = upload->task;
  DdSendItem *item = upload->item;
  Batch *batch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *media_id = NULL;

  g_free (upload);

  media_id = dd_client_upload_finish (DD_CLIENT (source), result, &error);
  batch->n_uploading--;

  if (media_id == NULL)
    set_state (batch, item, DD_ITEM_FAILED, error);
  else
    {
      item->media_id = g_steal_pointer (&media_id);
      set_state (batch, item, DD_ITEM_WAITING, NULL);
    }

  pump (task);
}

static void
start_upload (GTask      *task,
              DdSendItem *item)
{
  Batch *batch = g_task_get_task_data (task);
  Upload *upload = g_new0 (Upload, 1);

  upload->task = g_object_ref (task);
  upload->item = item;

  batch->n_uploading++;
  set_state (batch, item, DD_ITEM_UPLOADING, NULL);

  dd_client_upload_async (batch->client, batch->profile, item->data,
                          item->filename, item->mime_type, NULL, NULL,
                          g_task_get_cancellable (task),
                          upload_cb, upload);
}

static void send_next_message (GTask *task);

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batch *batch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!dd_client_send_finish (DD_CLIENT (source), result, &error))
    {
      /* The rest of this group would show a broken half: fail it whole. */
      for (guint i = 0; i < batch->message_items->len; i++)
        set_state (batch, g_ptr_array_index (batch->items, g_array_index (batch->message_items, guint, i)),
                   DD_ITEM_FAILED, error);
      g_clear_pointer (&batch->messages, g_ptr_array_unref);
      pump (task);
      return;
    }

  batch->message_index++;
  send_next_message (g_steal_pointer (&task));
}

static void
send_next_message (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);

  if (batch->message_index >= batch->messages->len)
    {
      for (guint i = 0; i < batch->message_items->len; i++)
        set_state (batch, g_ptr_array_index (batch->items, g_array_index (batch->message_items, guint, i)),
                   DD_ITEM_SENT, NULL);
      g_clear_pointer (&batch->messages, g_ptr_array_unref);
      pump (task);
      g_object_unref (task);
      return;
    }

  dd_client_send_async (batch->client, batch->profile,
                        g_ptr_array_index (batch->messages, batch->message_index),
                        g_task_get_cancellable (task), message_sent_cb, task);
}

/* Sends the images at @indexes (all uploaded) as one group of messages. */
static void
start_group (GTask  *task,
             GArray *indexes)
{
  Batch *batch = g_task_get_task_data (task);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) media_ids = g_ptr_array_new ();
  DdComposeOptions compose = { 0 };

  for (guint i = 0; i < indexes->len; i++)
    {
      DdSendItem *item = g_ptr_array_index (batch->items, g_array_index (indexes, guint, i));

      g_ptr_array_add (names, item->filename);
      g_ptr_array_add (media_ids, item->media_id);
      set_state (batch, item, DD_ITEM_SENDING, NULL);
    }

  compose.title = batch->title;
  compose.keywords = dd_profile_get_keywords (batch->profile);
  compose.link_template = dd_profile_get_link_template (batch->profile);
  if (!batch->caption_used)
    {
      compose.caption = batch->caption;
      compose.at_mobiles = (const char * const *) batch->at_mobiles;
      compose.at_user_ids = (const char * const *) batch->at_user_ids;
      compose.at_all = batch->at_all;
      batch->caption_used = TRUE;
    }
  g_clear_pointer (&batch->message_items, g_array_unref);
  batch->message_items = g_array_ref (indexes);
  batch->messages = dd_message_compose (&compose,
                                        (const char * const *) names->pdata,
                                        (const char * const *) media_ids->pdata,
                                        indexes->len);
  batch->message_index = 0;

  send_next_message (g_object_ref (task));
}

static gboolean
all_uploads_done (Batch *batch)
{
  return batch->next_upload >= batch->items->len && batch->n_uploading == 0;
}

static void
pump (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean cancelled = g_cancellable_is_cancelled (cancellable);

  if (batch->returned)
    return;

  while (!cancelled &&
         batch->n_uploading < DD_SENDER_MAX_CONCURRENT_UPLOADS &&
         batch->next_upload < batch->items->len)
    {
      DdSendItem *item = g_ptr_array_index (batch->items, batch->next_upload++);

      if (item->state == DD_ITEM_WAITING && item->media_id == NULL)
        start_upload (task, item);
    }

  if (batch->messages != NULL)
    return;  /* a group is being sent; its callback pumps again */

  if (!cancelled && batch->album)
    {
      if (all_uploads_done (batch) && !batch->album_sent)
        {
          g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));

          batch->album_sent = TRUE;
          for (guint i = 0; i < batch->items->len; i++)
            if (((DdSendItem *) g_ptr_array_index (batch->items, i))->media_id != NULL &&
                ((DdSendItem *) g_ptr_array_index (batch->items, i))->state == DD_ITEM_WAITING)
              g_array_append_val (indexes, i);

          if (indexes->len > 0)
            {
              start_group (task, indexes);
              return;
            }
        }
    }
  else if (!cancelled)
    {
      while (batch->next_send < batch->items->len)
        {
          DdSendItem *item = g_ptr_array_index (batch->items, batch->next_send);

          if (item->state == DD_ITEM_FAILED || item->state == DD_ITEM_SENT)
            {
              batch->next_send++;
              continue;
            }

          if (item->media_id != NULL && item->state == DD_ITEM_WAITING)
            {
              g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));
              guint index = batch->next_send++;

              g_array_append_val (indexes, index);
              start_group (task, indexes);
              return;
            }

          break;  /* still uploading: messages keep the user's order */
        }
    }

  if (!all_uploads_done (batch))
    return;

  if (!cancelled && !batch->album && batch->next_send < batch->items->len)
    return;

  /* Done: whatever was not sent failed (cancelled, or never got there). */
  {
    guint n_failed = 0;

    for (guint i = 0; i < batch->items->len; i++)
      {
        DdSendItem *item = g_ptr_array_index (batch->items, i);

        if (item->state != DD_ITEM_SENT && item->state != DD_ITEM_FAILED)
          {
            g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                           "Cancelled");
            set_state (batch, item, DD_ITEM_FAILED, error);
          }
        if (item->state == DD_ITEM_FAILED)
          n_failed++;
      }

    batch->returned = TRUE;
    if (cancelled)
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    else
      g_task_return_boolean (task, n_failed == 0);
  }
}

/**
 * dd_sender_send_async:
 * @client: the client to talk through
 * @profile: the robot, with its secrets loaded
 * @items: (element-type DdSendItem): the images, in the order to send them;
 *   their state, media_id and error are updated as the batch goes
 * @options: caption, title, mentions, album
 * @changed: (nullable) (scope notified): called whenever an item changes
 *
 * Sends @items.  The result is %TRUE when every item arrived, %FALSE when
 * any failed (each failed item holds its own error); only cancellation is
 * returned as an error.
 */
void
dd_sender_send_async (DdClient            *client,
                      DdProfile           *profile,
                      GPtrArray           *items,
                      const DdSendOptions *options,
                      DdItemChangedFunc    changed,
                      gpointer             changed_data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Batch *batch;

  g_return_if_fail (DD_IS_CLIENT (client));
  g_return_if_fail (DD_IS_PROFILE (profile));
  g_return_if_fail (items != NULL);
  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dd_sender_send_async);
  g_task_set_check_cancellable (task, FALSE);

  batch = g_new0 (Batch, 1);
  batch->client = g_object_ref (client);
  batch->profile = g_object_ref (profile);
  batch->items = g_ptr_array_ref (items);
  /* Every message of the batch gets the title, even those after the one
   * that carries the caption. */
  batch->title = options->title && *options->title
                   ? g_strdup (options->title)
                   : dd_message_default_title (options->caption);
  batch->caption = g_strdup (options->caption);
  batch->at_mobiles = g_strdupv ((GStrv) options->at_mobiles);
  batch->at_user_ids = g_strdupv ((GStrv) options->at_user_ids);
  batch->at_all = options->at_all;
  batch->album = options->album;
  batch->changed = changed;
  batch->changed_data = changed_data;
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);

  pump (task);
}

gboolean
dd_sender_send_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
