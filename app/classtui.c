#include "app/classtui.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/exitcode.h"
#include "app/screen.h"
#include "ui/classview.h"
#include "ui/grid.h"
#include "ui/view.h"

#define REFRESH_MS 200 /* how often the class is looked at */

struct classtui {
	const struct classtui_info *info;
	struct classview cv;
	struct class_row *rows;
	size_t n;
	struct class_totals t;
	unsigned gen;
	struct grid grid;
	struct screen_style style;   /* ASCII, projector, colour pairs */
	/* the diagram of one learner's exchange, when open */
	int open;
	size_t row;
	int cur;                 /* its exchange number */
	struct evlog log;        /* copies of its events */
	struct view view;
	long long next_tick_ms;  /* playing: when the next event shows */
};

/* Monotonic milliseconds for the play timer. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copy the grid to the screen. */
static void paint(struct classtui *c)
{
	screen_paint(&c->style, &c->grid);
}

/* Geometry from LINES and COLS (start, KEY_RESIZE); -1 out of memory. */
static int resize(struct classtui *c)
{
	return screen_fit(&c->style, &c->grid);
}

/* A fresh copy of the class; 1 when it changed since the last. */
static int refresh_rows(struct classtui *c)
{
	unsigned gen;

	free(c->rows);
	c->n = classroom_snapshot(c->info->room, &c->rows, &c->t, &gen);
	if (gen == c->gen && c->gen != 0)
		return 0;
	c->gen = gen;
	return 1;
}

/* Bring the open diagram up to date with its learner's exchange; 1 when
 * something changed. */
static int refresh_diagram(struct classtui *c)
{
	const struct class_row *r = c->row < c->n ? &c->rows[c->row] : NULL;
	size_t before = c->log.n;
	int finished;

	if (r == NULL)
		return 0;
	if (classroom_copy_log(c->info->room, c->row, &c->log, &c->cur)) {
		view_reset(&c->view);
		before = 0;
	}
	snprintf(c->view.scenario, sizeof c->view.scenario, "%.40s #%d (q: class)", r->addr, c->cur % 1000000);
	/* new events show at once when the view is at the end; a teacher who
	 * stepped back (or plays) keeps their place */
	while (c->view.revealed == before && c->view.revealed < c->log.n && !c->view.playing) {
		view_stepped(&c->view, &c->log, 0, NULL);
		before = c->view.revealed;
	}
	finished = r->seat == SEAT_OK || r->seat == SEAT_FAILED;
	if (finished && !c->view.done)
		view_stepped(&c->view, &c->log, r->seat == SEAT_OK ? 1 : 2, r->seat == SEAT_OK ? "" : r->why);
	if (r->seat == SEAT_OK && c->view.version[0] == '\0')
		view_set_session(&c->view, "", r->why);
	return c->log.n != before || finished;
}

/* Open the selected learner's exchange. */
static void open_diagram(struct classtui *c)
{
	if (c->cv.sel < 0 || (size_t)c->cv.sel >= c->n)
		return;
	evlog_clear(&c->log);
	view_reset(&c->view);
	c->view.done = 0;
	c->cur = -1;
	c->row = (size_t)c->cv.sel;
	c->open = 1;
	refresh_diagram(c);
}

/* Map a key to an action (the diagram TUI's keys). */
static enum action key_action(int ch)
{
	switch (ch) {
	case ' ': case 'n': case KEY_RIGHT:
		return ACT_NEXT;
	case 'p': case 'P':
		return ACT_PLAY;
	case '+': case '=':
		return ACT_FASTER;
	case '-': case '_':
		return ACT_SLOWER;
	case 'm': case 'M':
		return ACT_MENU;
	case 'b': case KEY_LEFT: case KEY_BACKSPACE:
		return ACT_BACK;
	case KEY_UP: case 'k':
		return ACT_UP;
	case KEY_DOWN: case 'j':
		return ACT_DOWN;
	case KEY_PPAGE:
		return ACT_PGUP;
	case KEY_NPAGE:
		return ACT_PGDN;
	case KEY_HOME: case 'g':
		return ACT_HOME;
	case KEY_END: case 'G':
		return ACT_END;
	case '\n': case '\r': case KEY_ENTER:
		return ACT_ENTER;
	case '\t': case KEY_BTAB:
		return ACT_TAB;
	case 27:
		return ACT_ESC;
	case '?': case 'h': case KEY_F(1):
		return ACT_HELP;
	case 'x':
		return ACT_HEX;
	case 'q': case 'Q': case 3:
		return ACT_QUIT;
	default:
		return ACT_NONE;
	}
}

/* A key in the open diagram: q, m (or Esc on the diagram) go back to the
 * class; stepping beyond what happened waits for the learner; the rest is
 * the TUI's (back, play, inspector, hex, help). */
static unsigned diagram_key(struct classtui *c, enum action a)
{
	unsigned f;

	if (a == ACT_QUIT || a == ACT_MENU || (a == ACT_ESC && c->view.focus == FOCUS_DIAGRAM && !c->view.help)) {
		c->view.playing = 0;
		c->open = 0;
		return VF_REDRAW;
	}
	if (a == ACT_NONE || a == ACT_RESTART)
		return 0;
	/* the end of a finished exchange: nothing to restart here */
	if ((a == ACT_NEXT || a == ACT_TICK) && c->view.done && c->view.revealed == c->log.n) {
		c->view.playing = 0;
		snprintf(c->view.notice, sizeof c->view.notice, "the exchange is over: q goes back to the class");
		return VF_REDRAW;
	}
	f = view_action(&c->view, &c->log, a);
	if (f & VF_STEP) {
		/* live: the next event comes when the learner steps */
		snprintf(c->view.notice, sizeof c->view.notice, "the learner has not gone further yet");
	}
	if (f & VF_TIMER)
		c->next_tick_ms = now_ms() + view_interval_ms(&c->view);
	return VF_REDRAW;
}

static void draw(struct classtui *c)
{
	struct classview_info vi = {
		.listen = c->info->listen,
		.names = c->info->names,
		.ca_out = c->info->ca_out,
		.tls = c->info->tls,
		.port = c->info->port,
		.loopback_only = c->info->loopback_only,
		.learner_addr = c->info->learner_addr,
	};

	if (c->open)
		view_draw(&c->grid, &c->view, &c->log);
	else
		classview_draw(&c->grid, &c->cv, c->rows, c->n, &c->t, &vi);
	paint(c);
}

/* The loop: look at the class every REFRESH_MS, paint when it changed,
 * apply keys. */
static int loop(struct classtui *c)
{
	int dirty = 1;

	for (;;) {
		int ch;
		unsigned f = 0;

		if (*c->info->stop)
			return EXIT_OK;
		if (refresh_rows(c))
			dirty = 1;
		if (c->open && refresh_diagram(c))
			dirty = 1;
		if (dirty) {
			if (resize(c) < 0)
				return EXIT_INTERNAL;
			draw(c);
			dirty = 0;
		}
		timeout(REFRESH_MS);
		ch = getch();
		if (ch == ERR) {
			if (c->open && c->view.playing && now_ms() >= c->next_tick_ms) {
				c->next_tick_ms = now_ms() + view_interval_ms(&c->view);
				diagram_key(c, ACT_TICK);
				dirty = 1;
			}
			continue;
		}
		if (ch == KEY_RESIZE) {
			dirty = 1;
			continue;
		}
		if (VIEW_TOO_SMALL(COLS, LINES)) {
			if (key_action(ch) == ACT_QUIT)
				return EXIT_OK;
			continue;
		}
		if (c->open) {
			f = diagram_key(c, key_action(ch));
		} else if (key_action(ch) == ACT_QUIT) {
			return EXIT_OK;
		} else if (key_action(ch) == ACT_ENTER) {
			if (c->cv.sel < 0 && c->n > 0)
				c->cv.sel = 0;
			open_diagram(c);
			f = VF_REDRAW;
		} else {
			f = classview_action(&c->cv, c->n, key_action(ch));
		}
		if (f & VF_REDRAW)
			dirty = 1;
	}
}

/* see classtui.h */
int classtui_run(const struct classtui_info *info)
{
	struct classtui c;
	SCREEN *scr;
	const char *cs;
	int rc;

	memset(&c, 0, sizeof c);
	c.info = info;
	classview_init(&c.cv);
	evlog_init(&c.log);
	view_init(&c.view, info->projector);
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	c.style.ascii = info->ascii || cs == NULL || strcmp(cs, "UTF-8") != 0;
	c.style.projector = info->projector;
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		fprintf(stderr, "httpsviz serve: cannot use this terminal (TERM=%s); --trace prints the log instead\n",
			getenv("TERM") ? getenv("TERM") : "");
		rc = EXIT_USAGE;
		goto out;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	screen_colors(&c.style, info->no_color);
	c.view.mono = !c.style.color;
	rc = loop(&c);
	endwin();
	delscreen(scr);
out:
	free(c.rows);
	grid_free(&c.grid);
	view_free(&c.view);
	evlog_clear(&c.log);
	return rc;
}
