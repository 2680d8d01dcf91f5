/* The whole screen as a pure model: the cursor over the event log, the
 * selection, play/pause, focus and overlays; actions that change it and
 * return flag bits; and the composition of every pane into a grid.  The
 * ncurses layer (app/tui.c) maps keys to actions, performs engine steps
 * when asked, and paints the grid. */
#ifndef HTTPSVIZ_VIEW_H
#define HTTPSVIZ_VIEW_H

#include <stddef.h>

#include "protocol/event.h"
#include "ui/diagram.h"
#include "ui/grid.h"
#include "ui/inspector.h"
#include "ui/narration.h"

/* The smallest terminal the full layout needs. */
#define VIEW_MIN_W 80
#define VIEW_MIN_H 24
/* Whether a w x h screen is below the minimum: the view asks to enlarge
 * it, and the TUI lets only q act. */
#define VIEW_TOO_SMALL(w, h) ((w) < VIEW_MIN_W || (h) < VIEW_MIN_H)

enum action {
	ACT_NONE, ACT_NEXT, ACT_BACK, ACT_PLAY, ACT_FASTER, ACT_SLOWER, ACT_UP,
	ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END, ACT_ENTER, ACT_TAB,
	ACT_ESC, ACT_HELP, ACT_HEX, ACT_RESTART, ACT_QUIT, ACT_TICK, ACT_MENU,
	ACT_SIDE, ACT_READ, ACT_LEFT, ACT_RIGHT
};

/* The curses code of Backspace, for view_key() (ui/ does not include
 * curses; app/tui.c checks that they agree). */
#define VIEW_KEY_BACKSPACE 0407

/* Flag bits returned by actions. */
#define VF_REDRAW 1u   /* the screen changed */
#define VF_STEP 2u     /* everything is revealed: perform an engine step, then
			  call view_stepped() */
#define VF_QUIT 4u
#define VF_RESTART 8u  /* start a fresh exchange, then view_reset() */
#define VF_TIMER 16u   /* playing started or stopped: re-arm the timer */
#define VF_MENU 32u    /* open the menu (lessons, exploration, scenarios) */
#define VF_EXPLORE 64u /* the learner leaves the ended lesson: drop the
			  narration (view_set_narration(v, NULL)) */

enum focus { FOCUS_DIAGRAM, FOCUS_INSPECTOR };

struct view {
	size_t revealed;      /* events shown: log->ev[0 .. revealed) */
	size_t high;          /* the most ever revealed in this run */
	int selected;         /* selected event, -1 for none */
	int follow;           /* keep the newest event selected and in view */
	int field;            /* selected field of the selected event, -1 */
	int scroll;           /* first diagram row shown */
	int playing;
	int speed;            /* index into the play intervals */
	enum focus focus;
	int help;             /* the help overlay is shown */
	int projector;
	int mono;             /* no colours: the legend explains the marks */
	int show_hex;
	int done;             /* the engine has no more steps */
	int failed;           /* the exchange ended with an error */
	char version[32];
	char cipher[96];
	char error[160];
	char notice[160];     /* one-off message for the status line */
	char scenario[64];    /* shown in the status line when not "" */
	int mitm;             /* an interceptor takes part: its lifeline from the start */
	struct narration *narr;   /* the lesson's pane (borrowed), NULL: free
				   * exploration */
	int side_hidden;      /* i: the side pane (inspector, lesson) is hidden */
	int reading;          /* v: the lesson's text fills the screen */
	char query[64];       /* the search (/), "" none */
	int search_edit;      /* the search is being typed on the status line */
	int search_on;        /* a search is set: n and N move between matches */
	long search_origin;   /* the selection when the search was started */
	unsigned hide;        /* DIAGRAM_HIDE_* layers the filter (f) hides */
	int filter_open;      /* the filter's box is on screen */
	int last_fired;       /* the last event revealed fired a lesson step */
	long hexcur;          /* the inspector's byte cursor (Left/Right in the
			       * hex dump), -1 none */
	struct diagram d;
	struct rect diag, insp, narr_r;   /* where the last draw put the panes */
	struct inspector_hex hex;         /* and the inspector's hex dump */
};

/* What the layout rules need to know (see view_layout). */
struct view_layout_in {
	int w, h;            /* the screen */
	int lesson;          /* a lesson's pane is shown */
	int projector;       /* a room layout */
	int side_hidden;     /* i was pressed */
	int inspecting;      /* the keyboard is in the inspector */
	int need;            /* diagram width at which every label shows whole */
	int narr_rows;       /* projector: rows the lesson's text wants at width w */
	int detail;          /* lines the selected row's whole text needs at
			      * width w (0: the row shows it whole) */
};

/* Where the panes go.  A rect with w == 0 is not shown. */
struct view_layout {
	struct rect diag;
	struct rect side;    /* the inspector, with the lesson's pane above it
			      * (except on a projector) */
	struct rect band;    /* projector: the lesson's pane under the diagram */
	int vsep;            /* column of the line between diagram and side, -1 */
	int hsep;            /* row of the line above the band, -1 */
	int detail_y;        /* first row of the selected row's whole text */
	int detail_h;        /* its rows (0: the legend shows instead) */
	int legend_y;        /* the legend's row, -1 when the text takes it */
};

/* The layout rules.  Rows: 0 the phases, then the panes, then the selected
 * row's whole text when the diagram cuts it (at most 3 lines, in place of
 * the legend), the status line last.  Columns: with the side pane hidden
 * (i), or on a projector with no lesson while the inspector is not in use,
 * the diagram takes the whole width.  Otherwise the diagram takes 55% (60%
 * on a projector, 46% beside a lesson's text, never under 46 columns), and
 * while the inspector is not in use and no lesson is followed, more, up to
 * the width that shows every label whole, leaving the side 34 columns.  On
 * a projector a lesson's text goes in a band under the diagram, the full
 * width, up to half the height; the inspector shows beside the diagram only
 * while it is in use. */
void view_layout(const struct view_layout_in *in, struct view_layout *out);

/* Start a paused view before the first step. */
void view_init(struct view *v, int projector);
/* Release the layout. */
void view_free(struct view *v);
/* Back to the start for a fresh exchange, keeping speed and mode. */
void view_reset(struct view *v);
/* Apply an action; returns VF_* bits. */
unsigned view_action(struct view *v, const struct evlog *log, enum action a);
/* A key the view reads itself, before it is mapped to an action: while the
 * search is typed, every key (printable ones add to it, Backspace deletes,
 * Enter sets it, Esc cancels); while the filter's box is up, every key (t c
 * k toggle the layers, f Esc Enter close it); / starts a search, f opens the
 * filter, n and N go to the next and previous match while a search is set;
 * then the lesson's (digits answer, s skips, Enter submits several picks, e
 * leaves an ended lesson).  Returns VF_* bits, 0 when the key is not one of
 * these (then map it to an action). */
unsigned view_key(struct view *v, const struct evlog *log, int ch);
/* Follow a lesson with its narration pane (NULL: free exploration).  The
 * narration must have been fed nothing yet, or the events revealed so far. */
void view_set_narration(struct view *v, struct narration *n);
/* After an engine step: reveal the next event if the step logged one;
 * status 0 more to come, 1 done, 2 failed (with a reason). */
unsigned view_stepped(struct view *v, const struct evlog *log, int status,
		      const char *reason);
/* A mouse click at screen cell (x, y): selects the arrow under it. */
unsigned view_click(struct view *v, const struct evlog *log, int x, int y);
/* Milliseconds between steps while playing. */
int view_interval_ms(const struct view *v);
/* Set the negotiated version and cipher shown in the status line. */
void view_set_session(struct view *v, const char *version, const char *cipher);
/* Compose the whole screen into g (sized to the terminal). */
void view_draw(struct grid *g, struct view *v, const struct evlog *log);

#endif
