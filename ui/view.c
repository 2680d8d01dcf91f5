/* The screen model: cursor over the log, actions, composition. */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>

#include "ui/inspector.h"

/* Rows the inspector keeps beside a lesson while no question needs them. */
#define VIEW_INSPECTOR_MIN 7

/* Milliseconds between steps at each play speed, slowest first. */
static const int intervals_ms[] = {3000, 2000, 1200, 800, 500, 250, 100};
#define NSPEEDS ((int)(sizeof intervals_ms / sizeof intervals_ms[0]))

/* The help overlay, one key per line. */
static const char *const help_lines[] = {
	"Space  n  Right   reveal the next step (asks the engine",
	"                  for the next flight when all is shown)",
	"b  Left           step back (the view rewinds, the",
	"                  protocol does not)",
	"p                 play / pause;  + -  faster / slower",
	"Up  Down  click   select a message (or a field in the",
	"                  inspector); PgUp PgDn Home End scroll",
	"Enter  Tab        into the inspector; Tab or Esc back",
	"x                 show or hide the hex dump",
	"r                 restart with a fresh exchange",
	"w                 save the run (httpsviz replay/export FILE)",
	"m                 menu: lessons, free exploration and the",
	"                  scenarios (good, expired, revoked, mitm...)",
	"1-9  Enter  s     lesson: answer a question (Enter sends",
	"                  several picks), s skips it; after the",
	"                  lesson's end, e goes on exploring;",
	"                  [ ] scroll a long narration",
	"?                 this help (any key, q too, closes it)",
	"q  Ctrl-C         quit",
};
#define NHELP ((int)(sizeof help_lines / sizeof help_lines[0]))

/* see view.h */
void view_init(struct view *v, int projector)
{
	memset(v, 0, sizeof *v);
	v->projector = projector;
	v->show_hex = !projector;
	v->speed = 3;
	view_reset(v);
}

/* see view.h */
void view_free(struct view *v)
{
	diagram_free(&v->d);
}

/* see view.h */
void view_reset(struct view *v)
{
	v->revealed = 0;
	v->high = 0;
	v->selected = -1;
	v->follow = 1;
	v->field = -1;
	v->scroll = 0;
	v->playing = 0;
	v->focus = FOCUS_DIAGRAM;
	v->help = 0;
	v->done = 0;
	v->failed = 0;
	v->version[0] = '\0';
	v->cipher[0] = '\0';
	v->error[0] = '\0';
	v->notice[0] = '\0';
}

/* Select event i (clamped), with its first field, and update following. */
static void select_event(struct view *v, const struct evlog *log, long i)
{
	if (v->revealed == 0) {
		v->selected = -1;
		v->field = -1;
		return;
	}
	if (i < 0)
		i = 0;
	if ((size_t)i >= v->revealed)
		i = (long)v->revealed - 1;
	if (v->selected != (int)i)
		v->field = log->ev[i]->nfields > 0 ? 0 : -1;
	v->selected = (int)i;
	v->follow = (size_t)i + 1 == v->revealed;
}

/* Show one more logged event; the selection follows it when following.
 * An event shown for the first time is fed to the lesson: a step that fires
 * selects its event and the field it highlights, and a question or a pause
 * stops playing.  Returns VF_TIMER when playing stopped. */
static unsigned reveal_one(struct view *v, const struct evlog *log)
{
	unsigned nf = 0;

	v->revealed++;
	if (v->revealed > v->high) {
		v->high = v->revealed;
		if (v->narr != NULL)
			nf = narration_reveal(v->narr, log->ev[v->revealed - 1]);
	}
	if (v->follow || v->selected < 0 || (nf & NF_STEP))
		select_event(v, log, (long)v->revealed - 1);
	if ((nf & NF_STEP) && v->selected >= 0) {
		int f = narration_highlight_field(v->narr, log->ev[v->selected]);

		if (f >= 0)
			v->field = f;
	}
	if ((nf & (NF_HOLD | NF_PAUSE)) && v->playing) {
		v->playing = 0;
		return VF_TIMER;
	}
	return 0;
}

/* Move to the next event, or ask for an engine step. */
static unsigned next(struct view *v, const struct evlog *log)
{
	if (v->narr != NULL && v->revealed >= v->high && narration_holding(v->narr)) {
		/* the question holds the cursor until it is answered or skipped */
		unsigned flags = VF_REDRAW | (v->playing ? VF_TIMER : 0);

		v->playing = 0;
		snprintf(v->notice, sizeof v->notice, "answer the question first (%c skips)",
			 NARR_SKIP_KEY);
		return flags;
	}
	if (v->revealed < log->n)
		return VF_REDRAW | reveal_one(v, log);
	if (!v->done)
		return VF_STEP;
	if (v->playing) {
		v->playing = 0;
		return VF_REDRAW | VF_TIMER;
	}
	snprintf(v->notice, sizeof v->notice, "the exchange is complete: r restarts");
	return VF_REDRAW;
}

/* Move the field selection in the inspector by delta. */
static unsigned move_field(struct view *v, const struct evlog *log, int delta)
{
	const struct event *ev;
	long f;

	if (v->selected < 0)
		return 0;
	ev = log->ev[v->selected];
	if (ev->nfields == 0)
		return 0;
	f = (long)v->field + delta;
	if (f < 0)
		f = 0;
	if ((size_t)f >= ev->nfields)
		f = (long)ev->nfields - 1;
	v->field = (int)f;
	return VF_REDRAW;
}

/* see view.h */
unsigned view_action(struct view *v, const struct evlog *log, enum action a)
{
	int page = diagram_body_height(&v->diag);
	int inspecting = v->focus == FOCUS_INSPECTOR && v->selected >= 0;

	if (page < 1)
		page = 10;
	v->notice[0] = '\0';
	if (v->help && a != ACT_TICK && a != ACT_NONE) {
		v->help = 0;
		return VF_REDRAW;
	}
	switch (a) {
	case ACT_NEXT:
	case ACT_TICK:
		return next(v, log);
	case ACT_BACK:
		if (v->playing) {
			v->playing = 0;
			return VF_REDRAW | VF_TIMER | view_action(v, log, ACT_BACK);
		}
		if (v->revealed == 0)
			return 0;
		v->revealed--;
		if (v->selected >= (int)v->revealed || v->follow)
			select_event(v, log, (long)v->revealed - 1);
		return VF_REDRAW;
	case ACT_PLAY:
		v->playing = !v->playing;
		return VF_REDRAW | VF_TIMER;
	case ACT_FASTER:
	case ACT_SLOWER:
		v->speed += a == ACT_FASTER ? 1 : -1;
		v->speed = v->speed < 0 ? 0 : v->speed >= NSPEEDS ? NSPEEDS - 1 : v->speed;
		/* while playing the state line shows the speed already */
		if (!v->playing)
			snprintf(v->notice, sizeof v->notice, "play speed: a step every %.1f s%s",
				 intervals_ms[v->speed] / 1000.0,
				 v->speed == 0 ? " (slowest)" : v->speed == NSPEEDS - 1 ? " (fastest)" : "");
		return VF_REDRAW | VF_TIMER;
	case ACT_UP:
	case ACT_DOWN:
		if (inspecting)
			return move_field(v, log, a == ACT_UP ? -1 : 1);
		select_event(v, log, (long)v->selected + (a == ACT_UP ? -1 : 1));
		return VF_REDRAW;
	case ACT_PGUP:
	case ACT_PGDN:
		if (inspecting)
			return move_field(v, log, a == ACT_PGUP ? -page : page);
		select_event(v, log, (long)v->selected + (a == ACT_PGUP ? -page : page));
		return VF_REDRAW;
	case ACT_HOME:
		select_event(v, log, 0);
		return VF_REDRAW;
	case ACT_END:
		select_event(v, log, (long)v->revealed - 1);
		return VF_REDRAW;
	case ACT_ENTER:
		v->focus = FOCUS_INSPECTOR;
		return VF_REDRAW;
	case ACT_TAB:
		v->focus = v->focus == FOCUS_DIAGRAM ? FOCUS_INSPECTOR : FOCUS_DIAGRAM;
		return VF_REDRAW;
	case ACT_ESC:
		v->focus = FOCUS_DIAGRAM;
		return VF_REDRAW;
	case ACT_HELP:
		v->help = 1;
		return VF_REDRAW;
	case ACT_HEX:
		v->show_hex = !v->show_hex;
		return VF_REDRAW;
	case ACT_RESTART:
		return VF_RESTART | VF_REDRAW | VF_TIMER;
	case ACT_QUIT:
		return VF_QUIT;
	case ACT_MENU:
		v->playing = 0;
		return VF_MENU | VF_REDRAW | VF_TIMER;
	case ACT_NONE:
		break;
	}
	return 0;
}

/* see view.h */
unsigned view_stepped(struct view *v, const struct evlog *log, int status,
		      const char *reason)
{
	unsigned flags = VF_REDRAW;

	if (status != 0) {
		v->done = 1;
		v->failed = status == 2;
		snprintf(v->error, sizeof v->error, "%s", reason != NULL ? reason : "");
	}
	if (v->revealed < log->n)
		flags |= reveal_one(v, log);
	else if (v->done && v->playing) {
		v->playing = 0;
		flags |= VF_TIMER;
	}
	return flags;
}

/* see view.h */
unsigned view_key(struct view *v, const struct evlog *log, int ch)
{
	unsigned nf;

	(void)log;
	if (v->narr == NULL || v->help)
		return 0;
	/* rewound, the question is not on screen: only the text keys act */
	if (v->revealed < v->high && ch != NARR_TEXT_UP && ch != NARR_TEXT_DOWN)
		return 0;
	nf = narration_key(v->narr, ch);
	if (nf & NF_EXPLORE)
		return VF_EXPLORE | VF_REDRAW;
	if (nf != 0)
		v->notice[0] = '\0';
	return nf != 0 ? VF_REDRAW : 0;
}

/* see view.h */
void view_set_narration(struct view *v, struct narration *n)
{
	v->narr = n;
}

/* see view.h */
unsigned view_click(struct view *v, const struct evlog *log, int x, int y)
{
	const struct rect *r = &v->diag;

	if (v->help) {
		v->help = 0;
		return VF_REDRAW;
	}
	if (x >= r->x && x < r->x + r->w && y > r->y && y < r->y + r->h) {
		long ev = diagram_event_at(&v->d, v->scroll + (y - r->y - 1));

		if (ev < 0)
			return 0;
		select_event(v, log, ev);
		v->focus = FOCUS_DIAGRAM;
		return VF_REDRAW;
	}
	r = &v->insp;
	if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) {
		v->focus = FOCUS_INSPECTOR;
		return VF_REDRAW;
	}
	return 0;
}

/* see view.h */
int view_interval_ms(const struct view *v)
{
	return intervals_ms[v->speed];
}

/* see view.h */
void view_set_session(struct view *v, const char *version, const char *cipher)
{
	snprintf(v->version, sizeof v->version, "%s", version != NULL ? version : "");
	snprintf(v->cipher, sizeof v->cipher, "%s", cipher != NULL ? cipher : "");
}

/* The "please enlarge" message for a terminal below the minimum. */
static void draw_too_small(struct grid *g)
{
	char msg[128];
	int lines;

	snprintf(msg, sizeof msg, "please enlarge the terminal (need %dx%d, have %dx%d); q quits",
		 VIEW_MIN_W, VIEW_MIN_H, g->w, g->h);
	lines = grid_wrap(NULL, 0, 0, g->w - 2, g->h, msg, 0, 0);
	grid_wrap(g, 1, (g->h - lines) / 2, g->w - 2, g->h, msg, CLS_DEFAULT, GA_BOLD);
}

/* Row 0: the title and the phases, the current one highlighted. */
static void draw_phases(struct grid *g, const struct view *v, const struct evlog *log)
{
	enum phase cur = PHASE_NONE;
	int x;

	if (v->selected >= 0) {
		int row = diagram_row_of(&v->d, (size_t)v->selected);

		if (row >= 0)
			cur = v->d.rows[row].phase;
	}
	(void)log;
	x = grid_text(g, 0, 0, g->w, " httpsviz ", CLS_TITLE, GA_BOLD | GA_REVERSE) + 1;
	for (int p = 0; p < PHASE__COUNT && x < g->w; p++) {
		const char *name = phase_str((enum phase)p);
		unsigned attr = p == (int)cur ? GA_BOLD | GA_REVERSE : 0;

		if (p > 0)
			x += grid_text(g, x, 0, g->w - x, g->ascii ? " > " : " \u203a ",
				       CLS_DIM, 0);
		x += grid_text(g, x, 0, g->w - x, name,
			       p == (int)cur ? CLS_PHASE : CLS_DIM, attr);
	}
}

/* The legend of colours by layer; without colours, of the marks. */
static void draw_legend(struct grid *g, int y, int mono)
{
	if (mono) {
		grid_text(g, 0, y, g->w,
			  g->ascii ? "marks: |-[ ] a side's own step  ( ) kernel  { } interceptor  ok / FAIL  "
				     "(ok) httpsviz alone  [encrypted]"
				   : "marks: \u251c\u2500[ ] a side's own step  ( ) kernel  { } interceptor  "
				     "\u2713 ok  \u2717 failed  (\u2713) httpsviz alone  [encrypted]",
			  CLS_DIM, 0);
		return;
	}
	static const struct {
		int cls;
		const char *name;
	} items[] = {
		{CLS_TCP, "TCP"}, {CLS_TLS, "TLS handshake"}, {CLS_CERT, "certificate"},
		{CLS_KEX, "keys"}, {CLS_DATA, "encrypted data"}, {CLS_ERROR, "error/alert"},
	};
	int x = grid_text(g, 0, y, g->w, "legend: ", CLS_DIM, 0);

	for (size_t i = 0; i < sizeof items / sizeof items[0] && x < g->w; i++) {
		grid_put(g, x, y, grid_glyph(g, G_BULLET), items[i].cls, GA_BOLD);
		x += 2;
		x += grid_text(g, x, y, g->w - x, items[i].name, items[i].cls, 0) + 2;
	}
}

/* The status line: state, position, session, hints.  When space is short
 * the cipher goes first, then the long hints for short ones, then the
 * scenario and version: the state, the position, a notice and a way to
 * get help always stay. */
static void draw_status(struct grid *g, int y, const struct view *v,
			const struct evlog *log)
{
	char left[512], pos[64], state[48];
	const char *hints[2];
	const char *note = v->notice[0] ? v->notice : v->error;
	int lw = 0, done = 0;

	if (v->focus == FOCUS_INSPECTOR) {
		hints[0] = "Up/Down field  x hex  Tab back  ? help  q quit";
		hints[1] = "Tab back  ? help";
	} else if (v->narr != NULL && narration_holding(v->narr) && v->revealed >= v->high) {
		hints[0] = "1-9 answer (or pick, then Enter)  s skip  ? help  q quit";
		hints[1] = "1-9 answer  s skip  ? help";
	} else if (v->playing) {
		hints[0] = "p pause  + faster  - slower  b back  ? help  q quit";
		hints[1] = "p pause  +/- speed  ? help";
	} else {
		hints[0] = "Space next  b back  p play  Enter inspect  m menu  ? help  q quit";
		hints[1] = "Space next  b back  ? help";
	}
	if (v->playing)
		snprintf(state, sizeof state, "PLAYING %.1f s/step", intervals_ms[v->speed] / 1000.0);
	else
		snprintf(state, sizeof state, "PAUSED");
	if (v->revealed < v->high)
		snprintf(pos, sizeof pos, "rewound: viewing %zu of %zu", v->revealed, v->high);
	else
		snprintf(pos, sizeof pos, "step %zu of %zu%s", v->revealed, log->n,
			 v->done ? (v->failed ? " (failed)" : " (complete)") : "");
	grid_fill(g, 0, y, g->w, 1, ' ', CLS_STATUS, GA_REVERSE);
	for (int level = 0; level < 6 && !done; level++) {
		int cipher = level == 0 || level == 2;
		int session = level < 4;
		const char *h = level == 5 ? "? help" : hints[level < 2 ? 0 : 1];
		int hw = grid_text_width(h);

		snprintf(left, sizeof left, " %s%s%s | %s%s%s%s%s%s%s ", state,
			 session && v->scenario[0] ? " | " : "", session ? v->scenario : "", pos,
			 note[0] ? " | " : "", note, session && v->version[0] ? " | " : "",
			 session ? v->version : "", cipher && v->cipher[0] ? " " : "", cipher ? v->cipher : "");
		lw = grid_text_width(left);
		if (level < 5 && lw + hw + 2 > g->w)
			continue;
		/* the last resort keeps "? help" and cuts the notice instead */
		grid_text(g, 0, y, level == 5 ? g->w - hw - 2 : g->w, left, v->failed ? CLS_ERROR : CLS_STATUS,
			  GA_REVERSE | GA_BOLD);
		if (hw > 0)
			grid_text(g, g->w - hw - 1, y, hw, h, CLS_STATUS, GA_REVERSE);
		done = 1;
	}
}

/* The help overlay, a framed box in the middle. */
static void draw_help(struct grid *g)
{
	int w = 0, h = NHELP + 3;
	int x, y;

	/* as wide as the longest line: help is never cut at 80 columns */
	for (int i = 0; i < NHELP; i++)
		if (grid_text_width(help_lines[i]) + 6 > w)
			w = grid_text_width(help_lines[i]) + 6;
	if (w > g->w)
		w = g->w;
	if (h > g->h)
		h = g->h;
	x = (g->w - w) / 2;
	y = (g->h - h) / 2;

	grid_fill(g, x, y, w, h, ' ', CLS_DEFAULT, 0);
	grid_box(g, x, y, w, h, CLS_TITLE);
	grid_text(g, x + 2, y, w - 4, " Keys ", CLS_TITLE, GA_BOLD);
	for (int i = 0; i < NHELP && 2 + i < h - 1; i++)
		grid_text(g, x + 3, y + 2 + i, w - 5, help_lines[i], CLS_DEFAULT, 0);
}

/* The lesson's pane above the inspector.  Room goes first to the whole
 * question, then to an inspector of a few rows, then to the narration; the
 * inspector gives way only when a question needs it. */
static void draw_narration(struct grid *g, struct view *v, const struct evlog *log, int dw)
{
	int x = dw + 2, w = g->w - dw - 3, h = g->h - 3;
	int finished = v->done && v->revealed == log->n;
	unsigned shown = v->revealed > 0 ? log->ev[v->revealed - 1]->seq : 0;
	int full = narration_rows(v->narr, w, finished, 0);
	/* at a question the text may shrink to one line (scrolled with [ ]) */
	int least = narration_rows(v->narr, w, finished, narration_holding(v->narr) ? 1 : 3);
	int avail = h - 1;
	int nh;

	if (full <= avail - VIEW_INSPECTOR_MIN)
		nh = full;
	else if (least <= avail - VIEW_INSPECTOR_MIN)
		nh = avail - VIEW_INSPECTOR_MIN;
	else
		nh = least < avail ? least : avail;
	v->narr_r = (struct rect){x, 1, w, nh};
	v->insp = (struct rect){x, 2 + nh, w, h - nh - 1};
	narration_draw(g, &v->narr_r, v->narr, shown, finished);
	grid_fill(g, x, 1 + nh, w, 1, grid_glyph(g, G_HLINE), CLS_DIM, 0);
}

/* see view.h */
void view_draw(struct grid *g, struct view *v, const struct evlog *log)
{
	struct diagram_opts dopt;
	struct inspector_opts iopt;
	int dw, row;

	grid_clear(g);
	if (v->revealed > log->n)
		v->revealed = log->n;
	if (v->selected >= (int)v->revealed)
		v->selected = (int)v->revealed - 1;
	if (VIEW_TOO_SMALL(g->w, g->h)) {
		draw_too_small(g);
		return;
	}
	dw = v->projector ? g->w * 6 / 10 : g->w * 55 / 100;
	/* a lesson's text needs the room more than the diagram's labels */
	if (v->narr != NULL)
		dw = g->w * 46 / 100;
	if (dw < 46)
		dw = 46;
	v->diag = (struct rect){0, 1, dw, g->h - 3};
	v->insp = (struct rect){dw + 2, 1, g->w - dw - 3, g->h - 3};
	if (diagram_build(&v->d, log, v->revealed, v->projector) < 0)
		v->d.n = 0;
	v->d.mitm |= v->mitm;
	row = v->selected >= 0 ? diagram_row_of(&v->d, (size_t)v->selected) : -1;
	if (v->follow && v->d.n > 0)
		row = row >= 0 ? row : (int)v->d.n - 1;
	v->scroll = diagram_scroll_to(&v->d, v->scroll,
				      v->follow ? (int)v->d.n - 1 : row,
				      diagram_body_height(&v->diag));
	if (v->follow && row >= 0)
		v->scroll = diagram_scroll_to(&v->d, v->scroll, row,
					      diagram_body_height(&v->diag));
	draw_phases(g, v, log);
	dopt.projector = v->projector;
	dopt.selected = v->selected;
	dopt.scroll = v->scroll;
	dopt.focused = v->focus == FOCUS_DIAGRAM;
	diagram_draw(g, &v->diag, log, &v->d, &dopt);
	grid_fill(g, dw + 1, 1, 1, g->h - 3, grid_glyph(g, G_VLINE), CLS_DIM, 0);
	if (v->narr != NULL)
		draw_narration(g, v, log, dw);
	iopt.field = v->field;
	iopt.focused = v->focus == FOCUS_INSPECTOR;
	iopt.show_hex = v->show_hex;
	iopt.rewound = v->high > 0;
	inspector_draw(g, &v->insp, v->selected >= 0 ? log->ev[v->selected] : NULL, &iopt);
	draw_legend(g, g->h - 2, v->mono);
	draw_status(g, g->h - 1, v, log);
	if (v->help)
		draw_help(g);
}
