/* dd-window-private.h: what the files of DdWindow share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-outbox.h"
#include "dd-profile-store.h"
#include "dd-queue-item.h"
#include "dd-robot-chooser.h"
#include "dd-window.h"

G_BEGIN_DECLS

/* more rows than this, and they are shown compact */
#define DD_WINDOW_COMPACT_ROWS 12

struct _DdWindow
{
  AdwApplicationWindow  parent_instance;

  DdProfileStore       *profiles;
  DdOutbox             *outbox;        /* NULL: cannot send */
  GSettings            *settings;      /* NULL in tests */
  DdProfile            *watched;       /* the robot chosen, whose changes show */
  char                **wanted_robots; /* chosen last time, not all loaded yet */
  guint                 restoring : 1; /* choosing those, not the user */
  GListStore           *queue;         /* of DdQueueItem, in the order given */
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *last_toast;    /* for tests */
  guint                 n_adding;      /* batches being handed to the outbox */
  guint                 pacing_tick_id;  /* refreshes the time DingTalk's limit takes */
  guint                 n_stopping;      /* jobs being taken back by Stop */
  AdwToast             *failure_toast;   /* shown now, counting the failures */
  guint                 n_failures;      /* in that toast */
  guint                 scroll_to_end : 1;  /* rows were added: show them */
  guint                 scroll_timeout_id;
  guint                 scroll_tick_id;
  guint                 closing : 1;     /* asked already: close for good */
  guint                 taking_screenshot : 1;  /* the portal's dialog is up */
  guint                 show_sent : 1;   /* a big batch's rows sent, unfolded */
  int                   refocus_index;   /* the focused row is going: where the focus goes */
  GPtrArray            *reports;         /* of DdSendReport: sends not ended */

  /* template */
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkWidget            *banner_button;
  GtkLabel             *queue_title;
  GtkWidget            *retry_all_button;
  GtkWidget            *remove_all_button;
  GtkScrolledWindow    *queue_scroller;
  GtkWidget            *progress_box;
  GtkLabel             *progress_label;
  GtkLabel             *progress_detail;
  GtkWidget            *stop_button;
  GtkProgressBar       *overall_progress;
  GtkWidget            *finished_box;
  GtkImage             *finished_icon;
  GtkLabel             *finished_label;
  GtkLabel             *finished_detail;
  GtkWidget            *send_more_button;
  GtkWidget            *compose_box;
  GtkWidget            *drop_overlay;
  GtkStack             *robot_stack;
  DdRobotChooser       *robot_chooser;
  GtkStack             *main_stack;
  GtkListBox           *queue_list;
  GtkListBox           *sent_list;
  GtkListBoxRow        *sent_row;
  GtkLabel             *sent_title;
  GtkLabel             *sent_toggle;
  GtkImage             *sent_arrow;
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

/* How the queue's images stand: staged ones are images; the others are
 * messages, an image's for each robot it goes to. */
typedef struct {
  guint staged;      /* not handed to the outbox yet */
  guint loading;     /* of those, placeholders still being read */
  guint in_flight;   /* waiting, on their way or paused */
  guint sent;
  guint failed;
} DdQueueCounts;

/* dd-window.c */
void        dd_window_count              (DdWindow     *self,
                                          DdQueueCounts *counts);
void        dd_window_schedule_tick      (DdWindow     *self);
void        dd_window_update_state       (DdWindow     *self);
void        dd_window_toast              (DdWindow     *self,
                                          const char   *text);
void        dd_window_append_item        (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_remove_item        (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_drop_item          (DdWindow     *self,
                                          DdQueueItem  *item);
char       *dd_window_unique_name        (DdWindow     *self,
                                          const char   *name);
GtkWidget  *dd_window_create_row         (DdWindow     *self,
                                          DdQueueItem  *item);

/* dd-window-list.c: the list's keys and focus, the big batch's summary */
void        dd_window_list_class_init    (GtkWidgetClass *widget_class);
void        dd_window_list_init          (DdWindow     *self);
void        dd_window_list_update        (DdWindow     *self,
                                          const DdQueueCounts *counts);

/* dd-window-robots.c: the robots chosen */
void        dd_window_robots_init        (DdWindow     *self);
DdProfile  *dd_window_get_profile        (DdWindow     *self);   /* the first robot chosen */
GPtrArray  *dd_window_get_profiles       (DdWindow     *self);   /* (transfer container): all chosen */
char       *dd_window_describe_robots    (DdWindow     *self,
                                          GPtrArray    *profiles);
char       *dd_window_describe_staged    (DdWindow     *self,
                                          GPtrArray    *chosen,
                                          GPtrArray    *targets);

/* dd-window-dnd.c: drops, the clipboard, the file chooser */
void        dd_window_dnd_init           (DdWindow     *self);
void        dd_window_paste              (DdWindow     *self);
void        dd_window_choose_images      (DdWindow     *self);

/* dd-window-download.c: images by their http(s) address */
void        dd_window_download           (DdWindow     *self,
                                          const char   *uri);

/* dd-window-progress.c: the bar while sending and once done, the robot's
 * banner, Stop, Send More, Remove All, Retry All */
void        dd_window_progress_init      (GtkWidgetClass *widget_class);
void        dd_window_progress_update    (DdWindow     *self,
                                          const DdQueueCounts *counts);
void        dd_window_progress_job_failed (DdWindow    *self,
                                          DdJob        *job);

/* dd-window-edit.c: a queued image in the editor */
void        dd_window_edit_init          (DdWindow     *self);
void        dd_window_edit_item          (DdWindow     *self,
                                          DdQueueItem  *item);

/* dd-window-report.c: one toast (and notification) at the end of a send */
typedef struct _DdSendReport DdSendReport;
void          dd_send_report_free         (DdSendReport *report);
void          dd_window_report_init       (DdWindow     *self);
DdSendReport *dd_window_report_begin      (DdWindow     *self);
void          dd_window_report_add        (DdWindow     *self,
                                           DdSendReport *report,
                                           const char   *robot);
void          dd_window_report_add_done   (DdWindow     *self,
                                           DdSendReport *report,
                                           const char   *batch_id);
void          dd_window_report_settle     (DdWindow     *self);
void          dd_window_report_retry_all  (DdWindow     *self);

/* dd-window-outbox.c: sending through the outbox */
void        dd_window_outbox_init        (DdWindow     *self);
void        dd_window_outbox_dispose     (DdWindow     *self);
void        dd_window_send               (DdWindow     *self);
void        dd_window_retry              (DdWindow     *self,
                                          DdQueueItem  *item);
void        dd_window_take_back          (DdWindow     *self,
                                          DdQueueItem  *item,
                                          DdJob        *job);
void        dd_window_forget_job         (DdWindow     *self,
                                          DdQueueItem  *item);
gboolean    dd_window_has_unsent_jobs    (DdWindow     *self);
void        dd_window_confirm_close      (DdWindow     *self);
void        dd_window_show_history       (DdWindow     *self);

G_END_DECLS
