/* dd-window-private.h: what the files of DdWindow share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-outbox.h"
#include "dd-profile-store.h"
#include "dd-queue-item.h"
#include "dd-window.h"

G_BEGIN_DECLS

struct _DdWindow
{
  AdwApplicationWindow  parent_instance;

  DdProfileStore       *profiles;
  DdOutbox             *outbox;        /* NULL: cannot send */
  GSettings            *settings;      /* NULL in tests */
  DdProfile            *watched;       /* the robot chosen, whose changes show */
  GListStore           *queue;         /* of DdQueueItem, in the order given */
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *last_toast;    /* for tests */
  guint                 n_adding;      /* batches being handed to the outbox */
  guint                 pacing_tick_id;  /* refreshes the time DingTalk's limit takes */
  guint                 background : 1;  /* hidden, the application held */
  guint                 closing : 1;     /* asked already: close for good */
  guint                 taking_screenshot : 1;  /* the portal's dialog is up */

  /* template */
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *drop_overlay;
  GtkStack             *robot_stack;
  GtkDropDown          *robot_dropdown;
  GtkStack             *main_stack;
  GtkListBox           *queue_list;
  GtkWidget            *send_bar;
  GtkTextView          *caption_view;
  GtkWidget            *caption_placeholder;
  GtkLabel             *summary_label;
  GtkButton            *send_button;
  GtkPopover           *options_popover;
  GtkEntry             *title_entry;
  GtkEntry             *mobiles_entry;
  GtkCheckButton       *at_all_check;
  GtkCheckButton       *per_image_check;
  GtkCheckButton       *album_check;
};

/* dd-window.c */
void        dd_window_update_state       (DdWindow     *self);
void        dd_window_toast              (DdWindow     *self,
                                          const char   *text);
DdProfile  *dd_window_get_profile        (DdWindow     *self);
void        dd_window_append_item        (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_remove_item        (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_drop_item          (DdWindow     *self,
                                          DdQueueItem  *item);

/* dd-window-dnd.c: drops, the clipboard, the file chooser */
void        dd_window_dnd_init           (DdWindow     *self);
void        dd_window_paste              (DdWindow     *self);
void        dd_window_choose_images      (DdWindow     *self);

/* dd-window-download.c: images by their http(s) address */
void        dd_window_download           (DdWindow     *self,
                                          const char   *uri);

/* dd-window-outbox.c: sending through the outbox */
void        dd_window_outbox_init        (DdWindow     *self);
void        dd_window_outbox_dispose     (DdWindow     *self);
void        dd_window_send               (DdWindow     *self);
void        dd_window_retry              (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_forget_job         (DdWindow     *self,
                                          DdQueueItem  *item);
gboolean    dd_window_has_unsent_jobs    (DdWindow     *self);
void        dd_window_confirm_close      (DdWindow     *self);
void        dd_window_show_history       (DdWindow     *self);

G_END_DECLS
