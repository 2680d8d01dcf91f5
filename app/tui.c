/* The ncurses layer: paints the grid that ui/view composes, maps keys to
 * actions, performs engine steps when the view asks, and keeps the
 * terminal sane on every exit path. */
#include "app/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/exitcode.h"
#include "app/lessoncmd.h"
#include "app/screen.h"
#include "app/run.h"
#include "app/savefile.h"
#include "lessons/lesson.h"
#include "lessons/lessondir.h"
#include "protocol/pki.h"
#include "protocol/sanitize.h"
#include "protocol/tcpcap.h"
#include "ui/grid.h"
#include "ui/narration.h"
#include "ui/picker.h"
#include "ui/view.h"

_Static_assert(KEY_BACKSPACE == VIEW_KEY_BACKSPACE, "ui/view.h's Backspace code is curses'");

/* Set by the signal handler; the loop notices it after getch returns. */
static volatile sig_atomic_t got_signal;
/* Whether curses owns the terminal (for the atexit safety net). */
static int curses_active;

struct tui {
	struct evlog log;
	struct engine *engine;
	struct engine_config base;   /* as given on the command line */
	struct engine_config cfg;    /* base + the lesson's options + a chosen scenario */
	int scen_override;           /* scenario chosen from the menu, or -1 */
	int proto_override;          /* a protocol was chosen from the menu: */
	enum tls_version tls_override;
	enum kex_mode kex_override;
	int trust_override;
	int no_questions;            /* --no-questions: lessons narrate, ask nothing */
	struct lesson *lesson;       /* the lesson being followed, or NULL */
	struct narration narr;       /* valid while lesson != NULL */
	struct lessondir_entry *lessons;  /* for the picker, loaded when first shown */
	long nlessons;               /* -1: not loaded yet */
	struct picker picker;
	int picking;                 /* the picker is on screen */
	char picker_notice[160];
	struct view view;
	struct grid grid;
	struct screen_style style;   /* ASCII, projector, colour pairs */
	long long next_tick_ms;
	int replay;                  /* showing a saved run: no engine */
	struct saved_end replay_end;
	char replay_name[64];
	char replay_about[160];      /* when and what was recorded, said at the start */
	const char *save_file;       /* --save FILE, or NULL */
	int save_secrets;
	int save_failed;             /* the last save could not be written */
	int waiting;                 /* a step is under way, waiting on the network */
	size_t step_before;          /* events in the log when the step began */
	int step_tries;              /* engine steps in this learner's step */
	int keys_pending;            /* no engine yet: the background RSA keys are coming */
	int step_queued;             /* the learner stepped before they came */
	int cap_prepared;            /* the packet capture was opened (or tried) */
	int keys_started;            /* the background key thread was started */
	/* kept across restarts of the same scenario and options, so a restart
	 * makes no certificate and no TLS context (the first exchange of a
	 * scenario mints them; real servers present the same certificate every
	 * time too) */
	struct pki pki;
	int pki_scenario;            /* the scenario pki was minted for, or -1 */
	struct engine_ctxs *ctxs;
	struct engine_config ctxs_cfg; /* the options the kept contexts were built for */
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

/* Copy the grid to the screen. */
static void paint(struct tui *t)
{
	screen_paint(&t->style, &t->grid);
}

/* Recompute everything that depends on the terminal size (reached from
 * KEY_RESIZE and at start); returns 0, or -1 when out of memory. */
static int resize(struct tui *t)
{
	return screen_fit(&t->style, &t->grid);
}

/* Map a key to an action. */
static enum action key_action(int ch)
{
	switch (ch) {
	case ' ': case 'n':
		return ACT_NEXT;
	case KEY_RIGHT:
		return ACT_RIGHT;
	case 'b': case KEY_BACKSPACE:
		return ACT_BACK;
	case KEY_LEFT:
		return ACT_LEFT;
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
	case 'm': case 'M':
		return ACT_MENU;
	case 'i':
		return ACT_SIDE;
	case 'v':
		return ACT_READ;
	case 'r':
		return ACT_RESTART;
	case 'q': case 'Q': case 3:
		return ACT_QUIT;
	default:
		return ACT_NONE;
	}
}

/* Go on with the learner's step: engine steps until one logs an event or
 * the exchange ends (a step may legitimately log nothing the learner can
 * see).  A step that waits on the network returns at once: the main loop
 * polls the terminal and the engine together and calls again. */
static unsigned step_on(struct tui *t)
{
	enum engine_status st;

	for (;;) {
		st = engine_step(t->engine);
		if (st == ENGINE_WAIT) {
			if (!t->waiting)
				/* a remote server answers when it answers: say so */
				snprintf(t->view.notice, sizeof t->view.notice,
					 "waiting for the server (up to %d ms)... q quits",
					 t->cfg.timeout_ms > 0 ? t->cfg.timeout_ms : 5000);
			t->waiting = 1;
			return VF_REDRAW;
		}
		t->step_tries++;
		if (t->step_tries >= 16 || t->log.n != t->step_before || st != ENGINE_MORE)
			break;
	}
	t->waiting = 0;
	t->view.notice[0] = '\0';
	view_set_session(&t->view, engine_version(t->engine), engine_cipher(t->engine));
	return view_stepped(&t->view, &t->log, st == ENGINE_DONE ? 1 : st == ENGINE_FAILED ? 2 : 0,
			    engine_error(t->engine));
}

/* In a replay the end is told when the learner reaches it, as in the live
 * run (a failure's reason is not given away before its events): once every
 * recorded event has been revealed, the view is done, failed or not.
 * Returns VF_REDRAW when that changed. */
static unsigned replay_sync(struct tui *t)
{
	if (!t->replay || t->view.done || t->view.high < t->log.n)
		return 0;
	t->view.done = 1;
	t->view.failed = t->replay_end.status == SAVED_FAILED;
	if (t->view.failed)
		snprintf(t->view.error, sizeof t->view.error, "%.150s", t->replay_end.error);
	return VF_REDRAW;
}

/* The learner asks for the next step (none while one is under way).  A
 * step that outruns the background keys waits for them, and says so. */
static unsigned do_step(struct tui *t)
{
	if (t->replay) /* every recorded event is shown: nothing more happened */
		return replay_sync(t);
	if (t->waiting || t->step_queued)
		return 0;
	if (t->engine == NULL) {
		t->step_queued = 1;
		snprintf(t->view.notice, sizeof t->view.notice,
			 "preparing keys: the demo server's RSA-2048 key, made once per run... q quits");
		return VF_REDRAW;
	}
	t->step_before = t->log.n;
	t->step_tries = 0;
	return step_on(t);
}

/* While flags ask for a step (VF_STEP), take it: a step may log only
 * events the filter hides, and the view asks again until one shows
 * (bounded; a step that waits on the network goes on from the loop). */
static unsigned steps(struct tui *t, unsigned flags)
{
	for (int k = 0; k < 64 && (flags & VF_STEP) && !t->waiting; k++) {
		flags &= ~VF_STEP;
		flags |= do_step(t);
		if (t->view.done)
			flags &= ~VF_STEP;
	}
	return flags & ~VF_STEP;
}

/* While a step waits: sleep until the terminal or the engine has
 * something (or the engine's deadline, or the next tick of play).
 * Returns 1 when the terminal has input, 0 when the engine should go on,
 * -1 when a signal came. */
static int wait_step(struct tui *t)
{
	struct pollfd p[5] = {{STDIN_FILENO, POLLIN, 0}};
	int ms;
	int n = engine_pollfds(t->engine, p + 1, 4, &ms);

	if (t->view.playing) {
		long long tick = t->next_tick_ms - now_ms();

		if (tick < ms)
			ms = tick < 0 ? 0 : (int)tick;
	}
	if (poll(p, (nfds_t)n + 1, ms) < 0)
		return errno == EINTR ? -1 : 0;
	return (p[0].revents & POLLIN) != 0;
}

/* While the exchange waits for its keys: sleep until the terminal has
 * input or the key thread has news (or the next tick of play), without a
 * timer.  Returns 1 when the terminal has input or a tick is due, 0
 * otherwise. */
static int wait_keys(struct tui *t)
{
	struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {pki_keys_fd(), POLLIN, 0}};
	int ms = -1;

	if (t->view.playing && !t->picking) {
		long long tick = t->next_tick_ms - now_ms();

		ms = tick < 0 ? 0 : (int)tick;
	}
	if (pki_keys_ready(t->cfg.scenario))
		return 0;
	if (poll(p, p[1].fd >= 0 ? 2 : 1, p[1].fd >= 0 ? ms : 20) < 0)
		return 0;
	if (p[0].revents & POLLIN)
		return 1;
	/* a tick of play is due: the input handler takes it */
	return t->view.playing && !t->picking && now_ms() >= t->next_tick_ms;
}

/* Create the exchange's engine (its keys are there); 0, or -1 with the
 * reason in err. */
static int start_engine(struct tui *t, char *err, size_t errlen)
{
	struct engine_config cfg = t->cfg;
	const struct engine_config *k = &t->ctxs_cfg;

	t->keys_pending = 0;
	if (cfg.host == NULL) {
		/* the certificates of this scenario, minted at its first exchange */
		if (t->pki_scenario != (int)cfg.scenario) {
			pki_free(&t->pki);
			t->pki_scenario = -1;
			engine_ctxs_free(t->ctxs);
			t->ctxs = NULL;
			if (pki_mint(&t->pki, cfg.scenario, err, errlen) < 0)
				return -1;
			t->pki_scenario = (int)cfg.scenario;
		}
		/* contexts hold the certificates and the options they were built with */
		if (t->ctxs != NULL && (k->kex != cfg.kex || k->tls != cfg.tls || k->classic != cfg.classic ||
					k->scenario != cfg.scenario || k->trust_attacker != cfg.trust_attacker)) {
			engine_ctxs_free(t->ctxs);
			t->ctxs = NULL;
		}
		if (t->ctxs == NULL) {
			t->ctxs = engine_ctxs_new();
			t->ctxs_cfg = cfg;
		}
		cfg.pki = &t->pki;
		cfg.ctxs = t->ctxs; /* NULL when out of memory: contexts per exchange */
	}
	t->engine = engine_new(&cfg, &t->log, err, errlen);
	return t->engine == NULL ? -1 : 0;
}

/* The configuration of the next exchange: the command line's, then the
 * lesson's options (not against a remote server, which decides for itself),
 * then a scenario chosen from the menu; the status line names the scenario. */
static void effective_cfg(struct tui *t)
{
	t->cfg = t->base;
	if (t->lesson != NULL && t->base.host == NULL) {
		struct runopts ro = engine_config_runopts(&t->cfg);

		lesson_apply_options(t->lesson, &ro);
		engine_config_set_runopts(&t->cfg, &ro);
	}
	if (t->scen_override >= 0) {
		t->cfg.scenario = (enum scenario)t->scen_override;
		t->cfg.trust_attacker = t->trust_override;
	}
	if (t->proto_override) {
		t->cfg.tls = t->tls_override;
		t->cfg.kex = t->kex_override;
	}
	t->view.scenario[0] = '\0';
	t->view.mitm = t->cfg.host == NULL && t->cfg.scenario == SCEN_MITM;
	if (t->cfg.host == NULL && (t->cfg.scenario != SCEN_GOOD || t->cfg.trust_attacker))
		snprintf(t->view.scenario, sizeof t->view.scenario, "scenario %s%s",
			 scenario_str(t->cfg.scenario),
			 t->cfg.trust_attacker ? " (attacker CA trusted)" : "");
}

/* A replay starts over: the recorded events are all there, none shown yet,
 * and the lesson (if any) follows them afresh.  0, or -1 with err. */
static int rewind_replay(struct tui *t, char *err, size_t errlen)
{
	view_reset(&t->view);
	view_set_narration(&t->view, NULL);
	if (t->lesson != NULL) {
		if (narration_restart(&t->narr) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		view_set_narration(&t->view, &t->narr);
	}
	view_set_session(&t->view, t->replay_end.version, t->replay_end.cipher);
	snprintf(t->view.scenario, sizeof t->view.scenario, "replay: %.48s", t->replay_name);
	snprintf(t->view.notice, sizeof t->view.notice, "%s", t->replay_about);
	t->view.mitm = diagram_has_mitm(&t->log);
	return 0;
}

/* w: write the run so far to --save FILE, or to a new file named after the
 * time in the current directory; the status line says where.  Returns
 * VF_REDRAW. */
static unsigned save_now(struct tui *t)
{
	char path[80];
	char err[256];
	char title[256];
	const char *dest = t->save_file;
	struct options o;
	struct saved_end end;
	struct save_info info;

	if (t->replay) {
		snprintf(t->view.notice, sizeof t->view.notice,
			 "this is a saved run already (export it: httpsviz export FILE --format html)");
		return VF_REDRAW;
	}
	if (t->log.n == 0 || t->engine == NULL) {
		snprintf(t->view.notice, sizeof t->view.notice, "nothing to save yet: take a step first");
		return VF_REDRAW;
	}
	if (dest == NULL) {
		time_t now = time(NULL);
		struct tm tm;

		char stamp[40];
		struct stat st;

		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "httpsviz-%Y%m%d-%H%M%S", &tm);
		snprintf(path, sizeof path, "%s.jsonl", stamp);
		/* two saves in one second: a new name, never over the first */
		for (int i = 2; i < 100 && lstat(path, &st) == 0; i++)
			snprintf(path, sizeof path, "%s-%d.jsonl", stamp, i);
		dest = path;
	}
	memset(&o, 0, sizeof o);
	o.cfg = t->cfg;
	run_title(&o, t->engine, title, sizeof title);
	memset(&end, 0, sizeof end);
	end.status = !t->view.done ? SAVED_PARTIAL : t->view.failed ? SAVED_FAILED : SAVED_DONE;
	end.exit_code = exitcode_engine(t->engine);
	end.steps = engine_steps(t->engine);
	snprintf(end.version, sizeof end.version, "%s", engine_version(t->engine));
	snprintf(end.cipher, sizeof end.cipher, "%s", engine_cipher(t->engine));
	snprintf(end.error, sizeof end.error, "%s", t->view.failed ? engine_error(t->engine) : "");
	info = (struct save_info){"tui", &t->cfg, t->lesson != NULL ? t->lesson->name : NULL, 0, title,
				  t->no_questions};
	t->save_failed = 0;
	if (savefile_write_log(dest, t->save_secrets, &info, &t->log, &end, err, sizeof err) < 0) {
		snprintf(t->view.notice, sizeof t->view.notice, "%.150s", err);
		t->save_failed = 1;
		return VF_REDRAW;
	}
	snprintf(t->view.notice, sizeof t->view.notice, "saved %zu events to %s%s", t->log.n, dest,
		 t->save_secrets ? " (with the secrets)" : "");
	return VF_REDRAW;
}

/* Start a fresh exchange (and a fresh run of the lesson); returns 0, or -1
 * with the reason in err. */
static int restart(struct tui *t, char *err, size_t errlen)
{
	if (t->replay)
		return rewind_replay(t, err, errlen);
	if (t->engine != NULL)
		engine_free(t->engine);
	t->engine = NULL;
	t->keys_pending = 0;
	evlog_clear(&t->log);
	view_reset(&t->view);
	view_set_narration(&t->view, NULL);
	effective_cfg(t);
	if (t->lesson != NULL) {
		if (narration_restart(&t->narr) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		view_set_narration(&t->view, &t->narr);
	}
	t->waiting = 0;
	t->step_queued = 0;
	/* the embedded server's keys come from the background thread: until
	 * they are ready the diagram shows, and the exchange starts when they
	 * are (a step asked for meanwhile waits for them) */
	if (t->cfg.host == NULL && (!t->keys_started || !pki_keys_ready(t->cfg.scenario))) {
		t->keys_pending = 1;
		return 0;
	}
	return start_engine(t, err, errlen);
}

/* Stop following the lesson (the exchange goes on). */
static void drop_lesson(struct tui *t)
{
	view_set_narration(&t->view, NULL);
	if (t->lesson == NULL)
		return;
	narration_free(&t->narr);
	lesson_free(t->lesson);
	t->lesson = NULL;
}

/* Follow lesson l from now on (takes ownership); 0, or -1 when out of memory. */
static int use_lesson(struct tui *t, struct lesson *l)
{
	drop_lesson(t);
	if (narration_init(&t->narr, l) < 0) {
		narration_free(&t->narr);
		lesson_free(l);
		return -1;
	}
	t->narr.no_questions = t->no_questions;
	t->lesson = l;
	return 0;
}

/* Show the picker; from the running exchange Esc goes back to it. */
static int open_picker(struct tui *t, int can_cancel)
{
	if (t->nlessons < 0) {
		t->nlessons = lessondir_list(&t->lessons);
		if (t->nlessons < 0) {
			t->lessons = NULL;
			t->nlessons = 0;
		}
	}
	picker_free(&t->picker);
	if (picker_build_for(&t->picker, t->lessons, (size_t)t->nlessons,
			     t->replay ? PICKER_REPLAY : t->base.host != NULL ? PICKER_REMOTE : PICKER_LOCAL) < 0)
		return -1;
	t->picker.can_cancel = can_cancel;
	if (t->nlessons == 0) {
		/* say where they were looked for: a packager or teacher can act */
		char where[400];

		lessondir_where(where, sizeof where);
		snprintf(t->picker.note, sizeof t->picker.note, "No lessons found (*.lesson) in: %s", where);
	}
	t->picker.cur_scenario = t->cfg.scenario;
	t->picker.cur_trust = t->cfg.trust_attacker;
	t->picker.cur_tls13 = t->cfg.tls == TLSV_13;
	t->picker.cur_ecdhe = t->cfg.kex == KEX_ECDHE;
	/* from the TUI the cursor starts on what runs now: the lesson, else
	 * the scenario */
	for (size_t i = 0; can_cancel && i < t->picker.n; i++) {
		const struct pick_item *it = &t->picker.items[i];

		if (t->lesson != NULL ? it->kind == PICK_LESSON && it->title != NULL &&
						strcmp(it->title, t->lesson->title) == 0
				      : it->kind == PICK_SCENARIO && it->scenario == t->cfg.scenario &&
						it->trust_attacker == t->cfg.trust_attacker) {
			t->picker.sel = (int)i;
			break;
		}
	}
	t->picker_notice[0] = '\0';
	t->picking = 1;
	return 0;
}

/* Act on the item chosen in the picker.  Returns 0; -1 when the exchange
 * cannot be started (reason in err); 1 when the picker stays up with a
 * notice. */
static int picker_choose(struct tui *t, const struct pick_item *it, char *err, size_t errlen)
{
	struct lesson *l;

	switch (it->kind) {
	case PICK_LESSON:
		l = lesson_load(t->lessons[it->lesson].path, NULL);
		if (l == NULL) {
			snprintf(t->picker_notice, sizeof t->picker_notice,
				 "this lesson has errors: httpsviz lesson check %s",
				 t->lessons[it->lesson].name);
			return 1;
		}
		if (use_lesson(t, l) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->scen_override = -1;   /* the lesson picks its scenario */
		t->proto_override = 0;   /* and its protocol */
		break;
	case PICK_EXPLORE:
		drop_lesson(t);
		break;
	case PICK_SCENARIO:
		if (t->replay) {
			snprintf(t->picker_notice, sizeof t->picker_notice,
				 "a replay shows the recorded run: scenarios need a live run");
			return 1;
		}
		if (t->base.host != NULL) {
			snprintf(t->picker_notice, sizeof t->picker_notice,
				 "scenarios need the embedded server, not a remote one");
			return 1;
		}
		t->scen_override = (int)it->scenario;
		t->trust_override = it->trust_attacker;
		break;
	case PICK_PROTOCOL:
		if (t->replay) {
			snprintf(t->picker_notice, sizeof t->picker_notice,
				 "a replay shows the recorded run: another protocol needs a live run");
			return 1;
		}
		t->proto_override = 1;
		t->tls_override = it->tls13 ? TLSV_13 : TLSV_12;
		t->kex_override = it->ecdhe ? KEX_ECDHE : KEX_RSA;
		break;
	case PICK_HEADING:
		return 1;
	}
	t->picking = 0;
	return restart(t, err, errlen) < 0 ? -1 : 0;
}

/* A key while the picker is up; returns VF_* flags (VF_QUIT, VF_REDRAW),
 * or VF_QUIT with *fatal set when the exchange cannot start. */
static unsigned picker_input(struct tui *t, int ch, char *err, size_t errlen, int *fatal)
{
	enum pick_result r;
	int rc;

	if (ch >= '1' && ch <= '9')
		r = picker_digit(&t->picker, ch - '0');
	else
		r = picker_action(&t->picker, key_action(ch));
	switch (r) {
	case PR_QUIT:
		return VF_QUIT;
	case PR_CANCEL:
		t->picking = 0;
		return VF_REDRAW;
	case PR_CHOSEN:
		rc = picker_choose(t, picker_selected(&t->picker), err, errlen);
		if (rc < 0) {
			*fatal = 1;
			return VF_QUIT;
		}
		return VF_REDRAW | VF_TIMER;
	case PR_REDRAW:
		t->picker_notice[0] = '\0';
		return VF_REDRAW;
	case PR_NONE:
		break;
	}
	return 0;
}

/* Read one input and apply it; returns VF_* flags. */
static unsigned handle_input(struct tui *t, char *err, size_t errlen, int *fatal)
{
	int ch = getch();
	MEVENT me;
	unsigned flags;

	/* too small to see anything: only quitting (and resizing) acts, and
	 * play waits, so nothing moves unseen */
	if (VIEW_TOO_SMALL(COLS, LINES)) {
		if (ch == KEY_RESIZE)
			return VF_REDRAW;
		return ch != ERR && key_action(ch) == ACT_QUIT ? view_action(&t->view, &t->log, ACT_QUIT) : 0;
	}
	if (ch == ERR) {
		if (t->view.playing && now_ms() >= t->next_tick_ms) {
			t->next_tick_ms = now_ms() + view_interval_ms(&t->view);
			return view_action(&t->view, &t->log, ACT_TICK);
		}
		return 0;
	}
	if (ch == KEY_RESIZE)
		return VF_REDRAW;
	if (t->picking) {
		if (ch != KEY_MOUSE)
			return picker_input(t, ch, err, errlen, fatal);
		if (getmouse(&me) != OK)
			return 0;
		/* the wheel moves the selection; a click selects, a second
		 * click on the selected item starts it */
		if (me.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
			return picker_input(t, (me.bstate & BUTTON4_PRESSED) ? KEY_UP : KEY_DOWN, err, errlen,
					    fatal);
		if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
			switch (picker_click(&t->picker, me.x, me.y)) {
			case PR_REDRAW:
				return VF_REDRAW;
			case PR_CHOSEN:
				return picker_input(t, '\n', err, errlen, fatal);
			default:
				return 0;
			}
		}
		return 0;
	}
	/* the lesson's keys first: digits, skip, Enter for several picks */
	flags = view_key(&t->view, &t->log, ch == '\r' || ch == KEY_ENTER ? '\n' : ch);
	if (flags != 0)
		return flags;
	if (ch == 'w' || ch == 'W') {
		if (t->view.help) {
			t->view.help = 0;
			return VF_REDRAW;
		}
		return save_now(t);
	}
	if (ch == KEY_MOUSE) {
		if (getmouse(&me) != OK)
			return 0;
		/* the wheel scrolls: the previous / next event (field in the
		 * inspector) */
		if (me.bstate & BUTTON4_PRESSED)
			return view_action(&t->view, &t->log, ACT_UP);
		if (me.bstate & BUTTON5_PRESSED)
			return view_action(&t->view, &t->log, ACT_DOWN);
		if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
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
		int fatal = 0;

		if (got_signal)
			return 128 + got_signal;
		if (dirty) {
			if (resize(t) < 0)
				return EXIT_INTERNAL;
			if (t->picking) {
				picker_draw(&t->grid, &t->picker);
				if (t->picker_notice[0] != '\0')
					grid_text(&t->grid, 1, t->grid.h - 2, t->grid.w - 2,
						  t->picker_notice, CLS_ERROR, GA_BOLD);
			} else {
				view_draw(&t->grid, &t->view, &t->log);
			}
			paint(t);
			dirty = 0;
		}
		/* with the first frame up (not before: on a busy machine they would
		 * compete with it for the CPU), start making the demo server's RSA
		 * keys, which every restart and scenario of this run reuses... */
		if (!t->keys_started && t->base.host == NULL && !t->replay) {
			t->keys_started = 1;
			pki_keys_start();
		}
		/* ...and open the process's packet capture so the first step
		 * does not wait for it (errors show at that step) */
		if (!t->cap_prepared && !t->cfg.no_pcap && t->cfg.host == NULL && !t->replay) {
			t->cap_prepared = 1;
			tcpcap_prepare("lo", err, sizeof err); /* without permission it fails at once */
		}
		if (t->keys_pending && pki_keys_ready(t->cfg.scenario)) {
			if (start_engine(t, err, sizeof err) < 0) {
				restore_terminal();
				fprintf(stderr, "httpsviz: %s\n", err);
				return EXIT_INTERNAL;
			}
			if (t->step_queued) {
				t->step_queued = 0;
				t->view.notice[0] = '\0';
				if (do_step(t) & VF_REDRAW)
					dirty = 1;
			}
			continue;
		}
		if (t->keys_pending) {
			if (wait_keys(t) == 0)
				continue;
			timeout(0);
		} else if (t->waiting) {
			/* the caller owns the loop: the terminal and the engine's
			 * sockets in one poll, so q acts at once */
			int rc = wait_step(t);

			if (rc < 0)
				continue;
			if (rc == 0) {
				flags = steps(t, step_on(t));
				if (flags & VF_REDRAW)
					dirty = 1;
				continue;
			}
			timeout(0);
		} else if (t->view.playing && !t->picking) {
			long long wait = t->next_tick_ms - now_ms();

			timeout(wait < 0 ? 0 : (int)wait);
		} else {
			timeout(-1);
		}
		flags = handle_input(t, err, sizeof err, &fatal);
		if (fatal) {
			restore_terminal();
			fprintf(stderr, "httpsviz: %s\n", err);
			return EXIT_INTERNAL;
		}
		if (flags & VF_QUIT)
			return EXIT_OK;
		if (flags & VF_MENU) {
			if (open_picker(t, 1) < 0)
				return EXIT_INTERNAL;
		}
		if (flags & VF_EXPLORE)
			drop_lesson(t);
		flags = steps(t, flags);
		flags |= replay_sync(t);
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
	struct lesson *l = NULL;
	int saved_msg = 0;

	memset(&t, 0, sizeof t);
	t.pki_scenario = -1;
	t.base = *cfg;
	t.cfg = *cfg;
	t.scen_override = -1;
	t.nlessons = -1;
	t.style.projector = opt->projector;
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.style.ascii = opt->ascii || cs == NULL || strcmp(cs, "UTF-8") != 0;
	evlog_init(&t.log);
	view_init(&t.view, opt->projector);
	t.save_file = opt->save_file;
	if (t.save_file != NULL) {
		/* a file that cannot be written is said now, not after the class */
		FILE *f = savefile_fopen(t.save_file, 0600, err, sizeof err);

		if (f == NULL) {
			fprintf(stderr, "httpsviz: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		fclose(f);
	}
	t.save_secrets = opt->save_secrets;
	t.no_questions = opt->no_questions;
	if (opt->replay != NULL) {
		const char *base = strrchr(opt->replay_name, '/');
		char *safe;

		base = base != NULL ? base + 1 : opt->replay_name;
		safe = sanitize_bytes(base, strlen(base));
		snprintf(t.replay_name, sizeof t.replay_name, "%s", safe ? safe : "saved run");
		free(safe);
		t.replay = 1;
		t.log = opt->replay->log; /* taken over: freed with the TUI's log */
		memset(&opt->replay->log, 0, sizeof opt->replay->log);
		t.replay_end = opt->replay->end;
		{
			const char *title = opt->replay->title;

			if (strncmp(title, "httpsviz: ", 10) == 0)
				title += 10;
			snprintf(t.replay_about, sizeof t.replay_about, "%s%.10s%s%.100s",
				 opt->replay->date[0] ? "recorded " : "", opt->replay->date,
				 opt->replay->date[0] && title[0] ? ": " : "", title);
		}
		if (!opt->replay->has_end) {
			t.replay_end.status = SAVED_DONE;
			snprintf(t.replay_end.version, sizeof t.replay_end.version, "(a --json capture)");
		}
	}
	if (opt->lesson != NULL) {
		/* problems with the lesson go to a plain terminal, before curses */
		l = lessoncmd_load(opt->lesson, stderr);
		if (l == NULL) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (use_lesson(&t, l) < 0) {
			fprintf(stderr, "httpsviz: out of memory\n");
			goto out;
		}
	}
	if (opt->lesson != NULL || opt->explore) {
		if (restart(&t, err, sizeof err) < 0) {
			fprintf(stderr, "httpsviz: %s\n", err);
			goto out;
		}
	} else if (open_picker(&t, 0) < 0) {
		fprintf(stderr, "httpsviz: out of memory\n");
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
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	screen_colors(&t.style, opt->no_color);
	t.view.mono = !t.style.color;
	rc = loop(&t);
	if (t.save_file != NULL && !t.replay && t.log.n > 0) {
		save_now(&t);
		saved_msg = 1;
		if (t.save_failed && rc == EXIT_OK)
			rc = EXIT_USAGE; /* the run the learner asked to keep is not kept */
	}
out:
	restore_terminal();
	if (saved_msg)
		fprintf(stderr, "httpsviz: %s\n", t.view.notice);
	if (scr != NULL)
		delscreen(scr);
	grid_free(&t.grid);
	view_free(&t.view);
	if (t.engine != NULL)
		engine_free(t.engine);
	drop_lesson(&t);
	picker_free(&t.picker);
	if (t.lessons != NULL)
		lessondir_free(t.lessons, (size_t)t.nlessons);
	evlog_clear(&t.log);
	engine_ctxs_free(t.ctxs);
	pki_free(&t.pki);
	pki_cache_keys(0);
	return rc;
}
