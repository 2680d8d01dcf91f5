/* The ncurses layer: paints the grid that ui/view composes, maps keys to
 * actions, performs engine steps when the view asks, and keeps the
 * terminal sane on every exit path. */
#include "app/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/grid.h"
#include "ui/view.h"

/* Set by the signal handler; the loop notices it after getch returns. */
static volatile sig_atomic_t got_signal;
/* Whether curses owns the terminal (for the atexit safety net). */
static int curses_active;

struct tui {
	struct evlog log;
	struct engine *engine;
	const struct engine_config *cfg;
	struct view view;
	struct grid grid;
	int ascii;
	int color;
	int projector;
	short pairs[CLS__COUNT];
	long long next_tick_ms;
};

/* Only note the signal: all terminal work happens in the loop. */
static void on_signal(int sig)
{
	got_signal = sig;
}

/* Restore the terminal if something exits while curses is active. */
static void restore_terminal(void)
{
	if (curses_active) {
		endwin();
		curses_active = 0;
	}
}

/* Monotonic milliseconds for the play timer. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Install handlers for the signals that end the program, without
 * SA_RESTART so a blocked getch returns and the loop can clean up. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Colour pairs per class; with no colour, pairs stay 0 and attributes
 * carry the distinctions. */
static void setup_colors(struct tui *t, int no_color)
{
	static const short fg[CLS__COUNT] = {
		[CLS_DEFAULT] = -1, [CLS_DIM] = -1, [CLS_TCP] = COLOR_CYAN,
		[CLS_TLS] = COLOR_BLUE, [CLS_CERT] = COLOR_MAGENTA,
		[CLS_KEX] = COLOR_YELLOW, [CLS_DATA] = COLOR_GREEN,
		[CLS_ERROR] = COLOR_RED, [CLS_PHASE] = COLOR_YELLOW,
		[CLS_STATUS] = -1, [CLS_HILITE] = COLOR_YELLOW, [CLS_TITLE] = -1,
	};
	const char *env = getenv("NO_COLOR");

	memset(t->pairs, 0, sizeof t->pairs);
	t->color = !no_color && (env == NULL || env[0] == '\0') && has_colors();
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	for (int c = 1; c < CLS__COUNT; c++) {
		/* a blue label on a dark classroom screen is unreadable */
		short f = (t->projector && fg[c] == COLOR_BLUE) ? COLOR_WHITE : fg[c];

		if (fg[c] != -1 && init_pair((short)c, f, -1) == OK)
			t->pairs[c] = (short)c;
	}
}

/* The curses attributes for a cell. */
static attr_t cell_attr(const struct tui *t, const struct cell *c)
{
	attr_t a = A_NORMAL;

	if (c->attr & GA_BOLD)
		a |= A_BOLD;
	if (c->attr & GA_REVERSE)
		a |= A_REVERSE;
	if (c->attr & GA_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->cls == CLS_DIM && !t->projector)
		a |= A_DIM;
	if (t->projector && c->cls != CLS_DIM && c->cls != CLS_DEFAULT)
		a |= A_BOLD;
	if (!t->color) {
		/* monochrome: errors and phases must still stand out */
		if (c->cls == CLS_ERROR)
			a |= A_BOLD | A_UNDERLINE;
		if (c->cls == CLS_PHASE || c->cls == CLS_TITLE)
			a |= A_BOLD;
	}
	return a;
}

/* Copy the grid to the screen; curses sends only what changed. */
static void paint(struct tui *t)
{
	for (int y = 0; y < t->grid.h; y++) {
		for (int x = 0; x < t->grid.w; x++) {
			const struct cell *c = &t->grid.cells[y * t->grid.w + x];
			wchar_t wc[2] = {(wchar_t)c->ch, 0};
			cchar_t cc;

			if (t->ascii && c->ch > 0x7e)
				wc[0] = '?';
			setcchar(&cc, wc, cell_attr(t, c), t->pairs[c->cls], NULL);
			mvadd_wch(y, x, &cc);
		}
	}
	refresh();
}

/* Recompute everything that depends on the terminal size (reached from
 * KEY_RESIZE and at start); returns 0, or -1 when out of memory. */
static int resize(struct tui *t)
{
	if (t->grid.cells != NULL && t->grid.w == COLS && t->grid.h == LINES)
		return 0;
	grid_free(&t->grid);
	if (grid_init(&t->grid, COLS, LINES, t->ascii) < 0)
		return -1;
	clearok(stdscr, TRUE);
	return 0;
}

/* Map a key to an action. */
static enum action key_action(int ch)
{
	switch (ch) {
	case ' ': case 'n': case KEY_RIGHT:
		return ACT_NEXT;
	case 'b': case KEY_LEFT: case KEY_BACKSPACE:
		return ACT_BACK;
	case 'p': case 'P':
		return ACT_PLAY;
	case '+': case '=':
		return ACT_FASTER;
	case '-': case '_':
		return ACT_SLOWER;
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
	case 'r':
		return ACT_RESTART;
	case 'q': case 'Q': case 3:
		return ACT_QUIT;
	default:
		return ACT_NONE;
	}
}

/* Ask the engine for steps until one logs an event or the exchange ends
 * (a step may legitimately log nothing the learner can see). */
static unsigned do_step(struct tui *t)
{
	size_t before = t->log.n;
	enum engine_status st = ENGINE_MORE;

	for (int i = 0; i < 16 && t->log.n == before && st == ENGINE_MORE; i++)
		st = engine_step(t->engine);
	view_set_session(&t->view, engine_version(t->engine), engine_cipher(t->engine));
	return view_stepped(&t->view, &t->log,
			    st == ENGINE_DONE ? 1 : st == ENGINE_FAILED ? 2 : 0,
			    engine_error(t->engine));
}

/* Start a fresh exchange; returns 0, or -1 with the reason in err. */
static int restart(struct tui *t, char *err, size_t errlen)
{
	if (t->engine != NULL)
		engine_free(t->engine);
	t->engine = NULL;
	evlog_clear(&t->log);
	t->engine = engine_new(t->cfg, &t->log, err, errlen);
	view_reset(&t->view);
	return t->engine != NULL ? 0 : -1;
}

/* Read one input and apply it; returns VF_* flags. */
static unsigned handle_input(struct tui *t)
{
	int ch = getch();
	MEVENT me;

	if (ch == ERR) {
		if (t->view.playing && now_ms() >= t->next_tick_ms) {
			t->next_tick_ms = now_ms() + view_interval_ms(&t->view);
			return view_action(&t->view, &t->log, ACT_TICK);
		}
		return 0;
	}
	if (ch == KEY_RESIZE)
		return VF_REDRAW;
	if (ch == KEY_MOUSE) {
		if (getmouse(&me) == OK && (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
			return view_click(&t->view, &t->log, me.x, me.y);
		return 0;
	}
	return view_action(&t->view, &t->log, key_action(ch));
}

/* The main loop: paint when dirty, sleep in getch (forever while paused,
 * until the next tick while playing), apply what was read. */
static int loop(struct tui *t)
{
	int dirty = 1;
	char err[256];

	for (;;) {
		unsigned flags;

		if (got_signal)
			return 128 + got_signal;
		if (dirty) {
			if (resize(t) < 0)
				return EXIT_INTERNAL;
			view_draw(&t->grid, &t->view, &t->log);
			paint(t);
			dirty = 0;
		}
		if (t->view.playing) {
			long long wait = t->next_tick_ms - now_ms();

			timeout(wait < 0 ? 0 : (int)wait);
		} else {
			timeout(-1);
		}
		flags = handle_input(t);
		if (flags & VF_QUIT)
			return EXIT_OK;
		if (flags & VF_STEP)
			flags |= do_step(t);
		if (flags & VF_RESTART) {
			if (restart(t, err, sizeof err) < 0) {
				restore_terminal();
				fprintf(stderr, "httpsviz: %s\n", err);
				return EXIT_INTERNAL;
			}
		}
		if (flags & VF_TIMER)
			t->next_tick_ms = now_ms() + view_interval_ms(&t->view);
		if (flags & VF_REDRAW)
			dirty = 1;
	}
}

/* see tui.h */
int tui_run(const struct engine_config *cfg, const struct tui_options *opt)
{
	struct tui t;
	char err[256];
	SCREEN *scr = NULL;
	int rc = EXIT_INTERNAL;
	const char *cs;

	memset(&t, 0, sizeof t);
	t.cfg = cfg;
	t.projector = opt->projector;
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.ascii = opt->ascii || cs == NULL || strcmp(cs, "UTF-8") != 0;
	evlog_init(&t.log);
	view_init(&t.view, opt->projector);
	t.engine = engine_new(cfg, &t.log, err, sizeof err);
	if (t.engine == NULL) {
		fprintf(stderr, "httpsviz: %s\n", err);
		goto out;
	}
	install_signals();
	atexit(restore_terminal);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		fprintf(stderr, "httpsviz: cannot use this terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		goto out;
	}
	curses_active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	setup_colors(&t, opt->no_color);
	rc = loop(&t);
out:
	restore_terminal();
	if (scr != NULL)
		delscreen(scr);
	grid_free(&t.grid);
	view_free(&t.view);
	if (t.engine != NULL)
		engine_free(t.engine);
	evlog_clear(&t.log);
	return rc;
}
