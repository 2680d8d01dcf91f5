/* The screen model: cursor over the log, actions, composition. */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>

#include "protocol/http.h"
#include "ui/inspector.h"
#include "ui/search.h"

/* Rows the inspector keeps beside a lesson while no question needs them. */
#define VIEW_INSPECTOR_MIN 7

/* Milliseconds between steps at each play speed, slowest first. */
static const int intervals_ms[] = {3000, 2000, 1200, 800, 500, 250, 100};
#define NSPEEDS ((int)(sizeof intervals_ms / sizeof intervals_ms[0]))

/* The help overlay, one key per line. */
static const char *const help_lines[] = {
	"Space  n  Right  next event (all shown: the next flight)",
	"b  Left          back one event (the protocol does not rewind)",
	"p  + -           play / pause;  faster / slower",
	"Up Down  k j     select an event (a field in the inspector)",
	"g G  Home End    first / last event;  PgUp PgDn  a page",
	"click  wheel     select an event;  scroll",
	"/  n N  Esc      search events; next / previous match; end it",
	"f                filter: hide TCP, certificate checks, keys",
	"Enter  Tab  Esc  into the inspector and back",
	"x  Left Right    hex dump on/off; a byte cursor (or click) names",
	"                 the field that holds the byte",
	"i                hide / show the side pane (inspector, lesson)",
	"r                restart with a fresh exchange",
	"w                save the run (httpsviz replay/export FILE)",
	"m                menu: lessons, exploration, scenarios",
	"1-9  Enter  s    lesson: answer (Enter sends the picks); skip",
	"v  [ ]  e        lesson: text full screen; page it; explore",
	"?  h  F1         this help (any key closes it)",
	"q  Ctrl-C        quit",
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
	v->hexcur = -1;
	v->scroll = 0;
	v->playing = 0;
	v->focus = FOCUS_DIAGRAM;
	v->help = 0;
	v->search_edit = 0;
	v->filter_open = 0;
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
	if (v->selected != (int)i) {
		v->field = log->ev[i]->nfields > 0 ? 0 : -1;
		v->hexcur = -1;
	}
	v->selected = (int)i;
	v->follow = (size_t)i + 1 == v->revealed;
}

/* Whether the filter hides event i. */
static int hidden(const struct view *v, const struct evlog *log, size_t i)
{
	return v->hide != 0 && diagram_hidden(log->ev[i], v->hide);
}

/* Select the event delta visible events away from the selection (or the
 * first / last visible one from an end), clamped. */
static void select_visible(struct view *v, const struct evlog *log, long from, long delta)
{
	long i = from;
	long dir = delta < 0 ? -1 : 1;
	long left = delta < 0 ? -delta : delta;
	long best = from;

	while (left > 0) {
		i += dir;
		if (i < 0 || (size_t)i >= v->revealed)
			break;
		if (v->hide != 0 && diagram_hidden(log->ev[i], v->hide))
			continue;
		best = i;
		left--;
	}
	select_event(v, log, best);
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
	if (nf & NF_STEP) {
		select_event(v, log, (long)v->revealed - 1);
	} else if (v->follow || v->selected < 0) {
		/* following: the newest event the filter shows */
		long i = (long)v->revealed - 1;

		while (i >= 0 && hidden(v, log, (size_t)i))
			i--;
		if (i >= 0)
			select_event(v, log, i);
		v->follow = 1;
	}
	v->last_fired = (nf & NF_STEP) != 0;
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
	if (v->revealed < log->n) {
		unsigned flags = VF_REDRAW | reveal_one(v, log);

		/* events the filter hides go by: Space shows something */
		while (v->revealed < log->n && hidden(v, log, v->revealed - 1) && !v->last_fired &&
		       !(v->narr != NULL && narration_holding(v->narr)))
			flags |= reveal_one(v, log);
		if (v->revealed == log->n && !v->done && hidden(v, log, v->revealed - 1) && !v->last_fired)
			flags |= VF_STEP;
		return flags;
	}
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

/* Move the inspector's byte cursor by delta (starting at the selected
 * field's first byte) and select the field that holds the byte. */
static unsigned move_byte(struct view *v, const struct evlog *log, int delta)
{
	const struct event *ev = log->ev[v->selected];
	long c = v->hexcur;
	int f;

	if (c < 0)
		c = v->field >= 0 && (size_t)v->field < ev->nfields && ev->fields[v->field].length > 0
			    ? (long)ev->fields[v->field].offset
			    : 0;
	else
		c += delta;
	if (c < 0)
		c = 0;
	if ((size_t)c >= ev->raw_len)
		c = (long)ev->raw_len - 1;
	v->hexcur = c;
	f = inspector_field_at(ev, (size_t)c);
	if (f >= 0)
		v->field = f;
	/* named on the status line too: a narrow inspector cuts its header */
	snprintf(v->notice, sizeof v->notice, "byte %ld = 0x%02x in %s%s%s", c, ev->raw[c],
		 f >= 0 ? ev->fields[f].name : "(no field)",
		 f >= 0 && ev->fields[f].value != NULL ? " = " : "",
		 f >= 0 && ev->fields[f].value != NULL ? ev->fields[f].value : "");
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
	/* Left and Right walk the bytes in the inspector's hex dump (when it
	 * is shown), and step back and forth everywhere else */
	if (a == ACT_LEFT || a == ACT_RIGHT) {
		if (inspecting && v->show_hex && !v->help && !v->reading && log->ev[v->selected]->raw_len > 0)
			return move_byte(v, log, a == ACT_LEFT ? -1 : 1);
		a = a == ACT_LEFT ? ACT_BACK : ACT_NEXT;
	}
	if (v->help && a != ACT_TICK && a != ACT_NONE) {
		v->help = 0;
		return VF_REDRAW;
	}
	if (v->reading && v->narr != NULL) {
		/* the reading view pages like a pager; v, Esc or Enter go back */
		switch (a) {
		case ACT_NEXT: case ACT_DOWN: case ACT_PGDN:
			narration_key(v->narr, NARR_TEXT_DOWN);
			return VF_REDRAW;
		case ACT_BACK: case ACT_UP: case ACT_PGUP:
			narration_key(v->narr, NARR_TEXT_UP);
			return VF_REDRAW;
		case ACT_READ: case ACT_ESC: case ACT_ENTER: case ACT_TAB:
			v->reading = 0;
			return VF_REDRAW;
		case ACT_QUIT: case ACT_HELP: case ACT_MENU: case ACT_RESTART:
			v->reading = 0;
			break;
		case ACT_TICK:
			/* playing waits while the learner reads */
			return 0;
		default:
			return 0;
		}
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
		/* back over the events the filter hides, to a shown one */
		while (v->revealed > 0 && v->hide != 0 && diagram_hidden(log->ev[v->revealed - 1], v->hide))
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
			snprintf(v->notice, sizeof v->notice, "play speed: an event every %.1f s%s",
				 intervals_ms[v->speed] / 1000.0,
				 v->speed == 0 ? " (slowest)" : v->speed == NSPEEDS - 1 ? " (fastest)" : "");
		return VF_REDRAW | VF_TIMER;
	case ACT_UP:
	case ACT_DOWN:
		v->hexcur = -1;
		if (inspecting)
			return move_field(v, log, a == ACT_UP ? -1 : 1);
		select_visible(v, log, v->selected, a == ACT_UP ? -1 : 1);
		return VF_REDRAW;
	case ACT_PGUP:
	case ACT_PGDN:
		if (inspecting)
			return move_field(v, log, a == ACT_PGUP ? -page : page);
		select_visible(v, log, v->selected, a == ACT_PGUP ? -page : page);
		return VF_REDRAW;
	case ACT_HOME:
		select_visible(v, log, -1, 1);
		return VF_REDRAW;
	case ACT_END:
		select_visible(v, log, (long)v->revealed, -1);
		return VF_REDRAW;
	case ACT_ENTER:
		v->focus = FOCUS_INSPECTOR;
		v->side_hidden = 0;
		return VF_REDRAW;
	case ACT_TAB:
		v->focus = v->focus == FOCUS_DIAGRAM ? FOCUS_INSPECTOR : FOCUS_DIAGRAM;
		if (v->focus == FOCUS_INSPECTOR)
			v->side_hidden = 0;
		return VF_REDRAW;
	case ACT_SIDE:
		v->side_hidden = !v->side_hidden;
		if (v->side_hidden)
			v->focus = FOCUS_DIAGRAM;
		snprintf(v->notice, sizeof v->notice, "%s", v->side_hidden ? "side pane hidden: i shows it" : "");
		return VF_REDRAW;
	case ACT_READ:
		if (v->narr == NULL) {
			snprintf(v->notice, sizeof v->notice, "v reads a lesson's text: m opens the lessons");
			return VF_REDRAW;
		}
		v->reading = 1;
		if (v->playing) {
			v->playing = 0;
			return VF_REDRAW | VF_TIMER;
		}
		return VF_REDRAW;
	case ACT_ESC:
		if (v->search_on && v->focus == FOCUS_DIAGRAM) {
			v->search_on = 0;
			snprintf(v->notice, sizeof v->notice, "search ended");
		}
		v->focus = FOCUS_DIAGRAM;
		v->hexcur = -1;
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
	case ACT_LEFT:
	case ACT_RIGHT:
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
	if (v->revealed < log->n) {
		flags |= reveal_one(v, log);
		/* a hidden event: the engine goes on to a shown one */
		if (!v->done && v->revealed == log->n && hidden(v, log, v->revealed - 1) && !v->last_fired &&
		    !(v->narr != NULL && narration_holding(v->narr)))
			flags |= VF_STEP;
	} else if (v->done && v->playing) {
		v->playing = 0;
		flags |= VF_TIMER;
	}
	return flags;
}

/* Go to the next (dir 1) or previous (-1) match of the search. */
static unsigned search_step(struct view *v, const struct evlog *log, int dir)
{
	long i = search_find(log, v->revealed, v->hide, v->selected, dir, v->query);

	if (i < 0) {
		snprintf(v->notice, sizeof v->notice, "no event shown matches '%s'", v->query);
		return VF_REDRAW;
	}
	select_event(v, log, i);
	v->focus = FOCUS_DIAGRAM;
	return VF_REDRAW;
}

/* A key while the search is typed. */
static unsigned search_edit_key(struct view *v, const struct evlog *log, int ch)
{
	size_t n = strlen(v->query);

	if (ch == 27) {
		v->search_edit = 0;
		v->search_on = 0;
		v->query[0] = '\0';
		if (v->search_origin >= 0 && (size_t)v->search_origin < v->revealed)
			select_event(v, log, v->search_origin);
		return VF_REDRAW;
	}
	if (ch == '\n' || ch == '\r') {
		v->search_edit = 0;
		v->search_on = v->query[0] != '\0';
		if (v->search_on && search_count(log, v->revealed, v->hide, -1, v->query, NULL) == 0)
			snprintf(v->notice, sizeof v->notice, "no event shown matches '%s'", v->query);
		return VF_REDRAW;
	}
	if (ch == 127 || ch == 8 || ch == VIEW_KEY_BACKSPACE) {
		if (n > 0)
			v->query[n - 1] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && n + 1 < sizeof v->query) {
		v->query[n] = (char)ch;
		v->query[n + 1] = '\0';
	} else {
		return VF_REDRAW;
	}
	/* as it is typed: the first match from where the search started */
	if (v->query[0] != '\0') {
		long i = search_find(log, v->revealed, v->hide, v->search_origin >= 0 ? v->search_origin - 1 : -1,
				     1, v->query);

		if (i >= 0)
			select_event(v, log, i);
	}
	return VF_REDRAW;
}

/* A key while the filter's box is up. */
static unsigned filter_key(struct view *v, const struct evlog *log, int ch)
{
	unsigned bit = ch == 't' ? DIAGRAM_HIDE_TCP : ch == 'c' ? DIAGRAM_HIDE_CHECKS
						 : ch == 'k' ? DIAGRAM_HIDE_KEYS : 0;

	if (bit != 0) {
		v->hide ^= bit;
		/* the selection stays where it is (it always shows); following,
		 * it moves to the newest shown event */
		if (v->follow && v->revealed > 0) {
			select_visible(v, log, (long)v->revealed, -1);
			v->follow = 1;
		}
		return VF_REDRAW;
	}
	if (ch == 'f' || ch == 27 || ch == '\n' || ch == '\r' || ch == 'q')
		v->filter_open = 0;
	return VF_REDRAW;
}

/* see view.h */
unsigned view_key(struct view *v, const struct evlog *log, int ch)
{
	unsigned nf;

	if (v->search_edit)
		return search_edit_key(v, log, ch);
	if (v->filter_open)
		return filter_key(v, log, ch);
	if (!v->help && !v->reading) {
		if (ch == '/') {
			v->search_edit = 1;
			v->search_on = 0;
			v->query[0] = '\0';
			v->search_origin = v->selected;
			return VF_REDRAW;
		}
		if (ch == 'f') {
			v->filter_open = 1;
			return VF_REDRAW;
		}
		if (v->search_on && (ch == 'n' || ch == 'N'))
			return search_step(v, log, ch == 'n' ? 1 : -1);
	}
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
		long b = inspector_byte_at(&v->hex, x, y);

		v->focus = FOCUS_INSPECTOR;
		/* a byte clicked in the dump: the cursor goes there and names
		 * (and selects) the field that holds it */
		if (b >= 0 && v->selected >= 0) {
			v->hexcur = b;
			return move_byte(v, log, 0);
		}
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
			  g->ascii ? "marks: |-[ ] a side's own work  ( ) kernel  { } interceptor  ok / FAIL  "
				     "(ok) httpsviz alone  [encrypted]"
				   : "marks: \u251c\u2500[ ] a side's own work  ( ) kernel  { } interceptor  "
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
	char left[1200], pos[96], state[48], found[128];
	char answer[HTTP_FACT_BODY_LINE * 4 + 200];
	const char *hints[2];
	const char *note = v->notice[0] ? v->notice : v->error;
	int lw = 0, done = 0;

	if (v->search_edit) {
		size_t n = search_count(log, v->revealed, v->hide, -1, v->query, NULL);

		/* the search is typed on the status line, as in less */
		snprintf(left, sizeof left, "/%s_", v->query);
		snprintf(pos, sizeof pos, "%s%zu match%s  Enter sets  Esc cancels ",
			 v->query[0] ? "" : "(name, text, field values)  ", n, n == 1 ? "" : "es");
		grid_fill(g, 0, y, g->w, 1, ' ', CLS_STATUS, GA_REVERSE);
		grid_text(g, 1, y, g->w - 2, left, CLS_STATUS, GA_REVERSE | GA_BOLD);
		grid_text(g, g->w - grid_text_width(pos) - 1 > grid_text_width(left) + 3
				     ? g->w - grid_text_width(pos) - 1 : grid_text_width(left) + 3,
			  y, g->w, pos, CLS_STATUS, GA_REVERSE);
		return;
	}
	if (v->search_on && !v->notice[0]) {
		size_t rank;
		size_t n = search_count(log, v->revealed, v->hide, v->selected, v->query, &rank);

		if (rank > 0)
			snprintf(found, sizeof found, "/%s: match %zu of %zu, n N move, Esc ends", v->query, rank, n);
		else
			snprintf(found, sizeof found, "/%s: %zu match%s, n N move, Esc ends", v->query, n,
				 n == 1 ? "" : "es");
		note = found;
	}
	/* the exchange is over and the server did not answer with success:
	 * say what it answered (a class server that is full says why) */
	if (!note[0] && v->done && !v->failed && v->revealed >= v->high) {
		long r = evlog_find(log, EV_HTTP_RESPONSE, 0);

		if (r >= 0 && (size_t)r < v->revealed && http_answer_str(&log->ev[r]->http, answer, sizeof answer))
			note = answer;
	}
	if (v->focus == FOCUS_INSPECTOR) {
		hints[0] = v->show_hex ? "Up/Down field  Left/Right byte  x hex  Tab back  ? help"
				       : "Up/Down field  x hex  Tab back  ? help  q quit";
		hints[1] = "Tab back  ? help";
	} else if (v->narr != NULL && narration_holding(v->narr) && v->revealed >= v->high) {
		/* one hint: the lesson's pane says how to answer; hidden (i), the
		 * status line says it */
		hints[0] = v->side_hidden ? "i shows the question  ? help  q quit" : "v read all  ? help  q quit";
		hints[1] = v->side_hidden ? "i question  ? help" : "? help";
	} else if (v->playing) {
		hints[0] = "p pause  + faster  - slower  b back  ? help  q quit";
		hints[1] = "p pause  +/- speed  ? help";
	} else {
		hints[0] = "Space next  b back  p play  Enter inspect  m menu  ? help  q quit";
		hints[1] = "Space next  b back  ? help";
	}
	if (v->playing)
		snprintf(state, sizeof state, "PLAYING %.1f s/event", intervals_ms[v->speed] / 1000.0);
	else
		snprintf(state, sizeof state, "PAUSED");
	if (v->revealed < v->high)
		snprintf(pos, sizeof pos, "rewound: viewing %zu of %zu", v->revealed, v->high);
	else
		snprintf(pos, sizeof pos, "event %zu of %zu%s", v->revealed, log->n,
			 v->done ? (v->failed ? " (failed)" : " (complete)") : "");
	if (v->hide != 0) {
		size_t n = 0;

		for (size_t i = 0; i < v->revealed && i < log->n; i++)
			n += diagram_hidden(log->ev[i], v->hide) != 0;
		snprintf(pos + strlen(pos), sizeof pos - strlen(pos), ", %zu hidden (f)", n);
	}
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

/* The filter's box: which layers show, with how many events each has. */
static void draw_filter(struct grid *g, const struct view *v, const struct evlog *log)
{
	static const struct {
		char key;
		unsigned bit;
		const char *name;
	} rows[] = {
		{'t', DIAGRAM_HIDE_TCP, "TCP segments"},
		{'c', DIAGRAM_HIDE_CHECKS, "certificate checks"},
		{'k', DIAGRAM_HIDE_KEYS, "key derivations and checks"},
	};
	int w = 50, h = 8;
	int x = (g->w - w) / 2, y = (g->h - h) / 2;

	grid_fill(g, x, y, w, h, ' ', CLS_DEFAULT, 0);
	grid_box(g, x, y, w, h, CLS_TITLE);
	grid_text(g, x + 2, y, w - 4, " Filter: layers shown ", CLS_TITLE, GA_BOLD);
	for (int i = 0; i < 3; i++) {
		char line[96];
		size_t n = 0;

		for (size_t k = 0; k < v->revealed && k < log->n; k++)
			n += diagram_hidden(log->ev[k], rows[i].bit) != 0;
		snprintf(line, sizeof line, "%c  [%s] %s (%zu)", rows[i].key,
			 (v->hide & rows[i].bit) ? " " : "x", rows[i].name, n);
		grid_text(g, x + 3, y + 2 + i, w - 5, line, (v->hide & rows[i].bit) ? CLS_DIM : CLS_DEFAULT, 0);
	}
	grid_text(g, x + 3, y + 6, w - 5, "t c k toggle;  f, Enter or Esc close", CLS_DIM, 0);
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

/* The least the side pane keeps beside a diagram that grows to show its
 * labels whole. */
#define VIEW_SIDE_MIN 34
/* The most lines the selected row's whole text takes. */
#define VIEW_DETAIL_MAX 3

/* see view.h */
void view_layout(const struct view_layout_in *in, struct view_layout *out)
{
	int detail = in->detail > VIEW_DETAIL_MAX ? VIEW_DETAIL_MAX : in->detail;
	int bottom = in->h - 1 - (detail > 0 ? detail : 1);   /* first row under the panes */
	int body = bottom - 1;
	int full = in->side_hidden || (in->projector && !in->lesson && !in->inspecting);
	int dw = in->w;

	memset(out, 0, sizeof *out);
	out->vsep = -1;
	out->hsep = -1;
	out->detail_y = bottom;
	out->detail_h = detail;
	out->legend_y = detail > 0 ? -1 : bottom;
	/* a projector's lesson text: a band across the screen under the diagram */
	if (in->projector && in->lesson && !in->side_hidden) {
		int nh = in->narr_rows;

		if (nh > body / 2)
			nh = body / 2;
		if (nh < 4)
			nh = 4;
		out->band = (struct rect){0, bottom - nh, in->w, nh};
		out->hsep = bottom - nh - 1;
		body -= nh + 1;
		full = !in->inspecting;
	}
	if (!full) {
		int base = in->projector ? in->w * 6 / 10 : in->lesson ? in->w * 46 / 100 : in->w * 55 / 100;

		if (!in->lesson && !in->inspecting && in->need > base)
			base = in->need < in->w - VIEW_SIDE_MIN - 3 ? in->need : in->w - VIEW_SIDE_MIN - 3;
		dw = base < 46 ? 46 : base;
		out->vsep = dw + 1;
		out->side = (struct rect){dw + 2, 1, in->w - dw - 3, body};
	}
	out->diag = (struct rect){0, 1, dw, body};
}

/* The lesson's pane above the inspector in r.  Room goes first to the
 * whole question, then to the step's text, then to the inspector (which
 * keeps a few rows only when the text leaves them, or while it is in use);
 * the text is cut only when even that is not enough (then [ ] page through
 * it, and v shows it all). */
static void draw_narration(struct grid *g, struct view *v, const struct evlog *log, const struct rect *r)
{
	int finished = v->done && v->revealed == log->n;
	unsigned shown = v->revealed > 0 ? log->ev[v->revealed - 1]->seq : 0;
	int full = narration_rows(v->narr, r->w, finished, 0);
	/* at a question the text may shrink to one line (paged with [ ]) */
	int least = narration_rows(v->narr, r->w, finished, narration_holding(v->narr) ? 1 : 3);
	int avail = r->h - 1;
	int insp_min = v->focus == FOCUS_INSPECTOR ? VIEW_INSPECTOR_MIN : 0;
	int nh;

	if (v->focus == FOCUS_INSPECTOR && full > avail / 2) {
		/* the inspector is in use and both do not fit: the lesson's pane
		 * folds to one line that says how to get it back */
		char line[160];

		snprintf(line, sizeof line, "Lesson: %s (Tab back to it, v reads it)",
			 narration_holding(v->narr) ? "a question waits" : "its text is folded");
		v->narr_r = (struct rect){r->x, r->y, r->w, 1};
		v->insp = (struct rect){r->x, r->y + 2, r->w, r->h - 2};
		grid_text(g, r->x, r->y, r->w, line, CLS_TITLE, GA_BOLD | GA_REVERSE);
		grid_fill(g, r->x, r->y + 1, r->w, 1, grid_glyph(g, G_HLINE), CLS_DIM, 0);
		return;
	}
	if (full <= avail - VIEW_INSPECTOR_MIN)
		nh = full;
	else if (full <= avail - insp_min)
		nh = full;
	else if (least <= avail - insp_min)
		nh = avail - insp_min;
	else
		nh = least < avail ? least : avail;
	if (nh > avail)
		nh = avail;
	v->narr_r = (struct rect){r->x, r->y, r->w, nh};
	v->insp = (struct rect){r->x, r->y + 1 + nh, r->w, r->h - nh - 1};
	narration_draw(g, &v->narr_r, v->narr, shown, finished);
	if (nh < r->h)
		grid_fill(g, r->x, r->y + nh, r->w, 1, grid_glyph(g, G_HLINE), CLS_DIM, 0);
}

/* The reading view (v): the lesson's text over the whole screen. */
static void draw_reading(struct grid *g, struct view *v, const struct evlog *log)
{
	int finished = v->done && v->revealed == log->n;
	unsigned shown = v->revealed > 0 ? log->ev[v->revealed - 1]->seq : 0;
	int w = g->w - 4 > 100 ? 100 : g->w - 4;   /* lines a reader's eye can follow */
	struct rect r = {(g->w - w) / 2, 1, w, g->h - 3};

	grid_fill(g, 0, 0, g->w, 1, ' ', CLS_TITLE, GA_REVERSE);
	grid_text(g, 1, 0, g->w - 2, "httpsviz: the lesson's text", CLS_TITLE, GA_BOLD | GA_REVERSE);
	narration_draw(g, &r, v->narr, shown, finished);
	grid_fill(g, 0, g->h - 1, g->w, 1, ' ', CLS_STATUS, GA_REVERSE);
	grid_text(g, 1, g->h - 1, g->w - 2,
		  narration_holding(v->narr) ? "v or Esc back to the diagram  1-9 answer  s skip  [ ] page  q quit"
					     : "v or Esc back to the diagram  [ ] page  q quit",
		  CLS_STATUS, GA_REVERSE | GA_BOLD);
}

/* The selected row's whole text ("#12 \u2717 hostname: ..."), for the
 * line under the panes. */
static void selected_text(const struct view *v, const struct evlog *log, int ascii, char *buf, size_t len)
{
	char label[200];
	const struct event *ev = log->ev[v->selected];

	diagram_label(ev, label, sizeof label, ascii);
	snprintf(buf, len, "#%u %s", ev->seq, label);
}

/* see view.h */
void view_draw(struct grid *g, struct view *v, const struct evlog *log)
{
	struct diagram_opts dopt;
	struct inspector_opts iopt;
	struct view_layout_in in;
	struct view_layout lay;
	char detail[256];
	int row;

	grid_clear(g);
	if (v->revealed > log->n)
		v->revealed = log->n;
	if (v->selected >= (int)v->revealed)
		v->selected = (int)v->revealed - 1;
	if (VIEW_TOO_SMALL(g->w, g->h)) {
		draw_too_small(g);
		return;
	}
	if (v->reading && v->narr != NULL) {
		draw_reading(g, v, log);
		if (v->help)
			draw_help(g);
		return;
	}
	v->reading = 0;
	v->d.wrap.w = 0;
	if (diagram_build_filtered(&v->d, log, v->revealed, v->projector, v->hide, v->selected) < 0)
		v->d.n = 0;
	v->d.mitm |= v->mitm;
	memset(&in, 0, sizeof in);
	in.w = g->w;
	in.h = g->h;
	in.lesson = v->narr != NULL;
	in.projector = v->projector;
	in.side_hidden = v->side_hidden;
	in.inspecting = v->focus == FOCUS_INSPECTOR;
	in.need = diagram_width_needed(log, &v->d, g->ascii, g->w);
	if (in.projector && in.lesson)
		in.narr_rows = narration_rows(v->narr, g->w, v->done && v->revealed == log->n, 0);
	view_layout(&in, &lay);
	/* the diagram has the screen (i, or a projector): long notes wrap onto
	 * more rows instead of being cut */
	if (lay.side.w == 0) {
		v->d.wrap = lay.diag;
		v->d.ascii = g->ascii;
		if (diagram_build_filtered(&v->d, log, v->revealed, v->projector, v->hide, v->selected) < 0)
			v->d.n = 0;
		v->d.mitm |= v->mitm;
	}
	/* the selected row is always readable whole: when the diagram cuts
	 * it, the line under the panes shows it */
	detail[0] = '\0';
	if (v->selected >= 0 && !(v->d.wrap.w > 0 && diagram_shape(log->ev[v->selected]) >= SHAPE_NOTE_CLIENT) &&
	    !diagram_label_fits(&lay.diag, log->ev[v->selected], v->d.mitm, g->ascii)) {
		selected_text(v, log, g->ascii, detail, sizeof detail);
		in.detail = grid_wrap(NULL, 0, 0, g->w - 2, VIEW_DETAIL_MAX, detail, 0, 0);
		view_layout(&in, &lay);
	}
	v->diag = lay.diag;
	v->insp = lay.side;
	v->narr_r = (struct rect){0, 0, 0, 0};
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
	dopt.query = (v->search_on || v->search_edit) && v->query[0] != '\0' ? v->query : NULL;
	diagram_draw(g, &v->diag, log, &v->d, &dopt);
	if (lay.vsep >= 0)
		grid_fill(g, lay.vsep, lay.side.y, 1, lay.side.h, grid_glyph(g, G_VLINE), CLS_DIM, 0);
	if (lay.band.w > 0) {
		int finished = v->done && v->revealed == log->n;

		grid_fill(g, 0, lay.hsep, g->w, 1, grid_glyph(g, G_HLINE), CLS_DIM, 0);
		/* margins: the text does not touch the screen's edges */
		v->narr_r = (struct rect){lay.band.x + 2, lay.band.y, lay.band.w - 4, lay.band.h};
		narration_draw(g, &v->narr_r, v->narr, v->revealed > 0 ? log->ev[v->revealed - 1]->seq : 0,
			       finished);
	} else if (v->narr != NULL && lay.side.w > 0) {
		draw_narration(g, v, log, &lay.side);
	}
	iopt.field = v->field;
	iopt.focused = v->focus == FOCUS_INSPECTOR;
	iopt.show_hex = v->show_hex;
	iopt.rewound = v->high > 0;
	iopt.cursor = v->focus == FOCUS_INSPECTOR ? v->hexcur : -1;
	iopt.hex_out = &v->hex;
	memset(&v->hex, 0, sizeof v->hex);
	if (v->insp.w > 0 && v->insp.h > 0)
		inspector_draw(g, &v->insp, v->selected >= 0 ? log->ev[v->selected] : NULL, &iopt);
	if (lay.detail_h > 0)
		grid_wrap(g, 1, lay.detail_y, g->w - 2, lay.detail_h, detail,
			  diagram_class(log->ev[v->selected]), GA_BOLD);
	if (lay.legend_y >= 0)
		draw_legend(g, lay.legend_y, v->mono);
	draw_status(g, g->h - 1, v, log);
	if (v->filter_open)
		draw_filter(g, v, log);
	if (v->help)
		draw_help(g);
}
