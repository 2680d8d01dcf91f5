#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/event.h"
#include "ui/grid.h"
#include "tests/unit/gridutil.h"
#include "ui/view.h"

/* Play the engine's part: one step logs the given events. */
static void fake_step(struct evlog *log, int which)
{
	if (which == 0) {
		evlog_add(log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "hello");
	} else {
		evlog_add(log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "sh");
		evlog_add(log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C, NULL, 0, "cert");
	}
}

static void test_stepping(void **state)
{
	struct evlog log;
	struct view v;
	struct grid g;

	(void)state;
	evlog_init(&log);
	view_init(&v, 0);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	/* paused before the first step; nothing is sent until asked */
	assert_int_equal(v.playing, 0);
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_STEP);
	fake_step(&log, 0);
	assert_true(view_stepped(&v, &log, 0, NULL) & VF_REDRAW);
	assert_int_equal(v.revealed, 1);
	assert_int_equal(v.selected, 0);
	/* the next step logs two events: revealed one at a time */
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_STEP);
	fake_step(&log, 1);
	view_stepped(&v, &log, 0, NULL);
	assert_int_equal(v.revealed, 2);
	/* logged but not yet shown is not "rewound" */
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "PAUSED | step 2 of 3"));
	assert_false(screen_has(&g, "rewound"));
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_REDRAW);
	assert_int_equal(v.revealed, 3);
	assert_int_equal(v.selected, 2);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "PAUSED | step 3 of 3"));
	assert_true(screen_has(&g, "Certificate"));
	/* back rewinds the view only, and says so */
	assert_int_equal(view_action(&v, &log, ACT_BACK), VF_REDRAW);
	assert_int_equal(v.revealed, 2);
	assert_int_equal(log.n, 3);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "rewound: viewing 2 of 3"));
	assert_false(screen_has(&g, "Certificate"));
	/* forward again replays the log without a step */
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_REDRAW);
	/* the engine says done: next no longer asks for steps */
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_STEP);
	view_stepped(&v, &log, 1, "");
	assert_int_equal(v.done, 1);
	assert_int_equal(view_action(&v, &log, ACT_NEXT) & VF_STEP, 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "step 3 of 3 (complete)"));
	/* back all the way, and no further */
	for (int i = 0; i < 5; i++)
		view_action(&v, &log, ACT_BACK);
	assert_int_equal(v.revealed, 0);
	assert_int_equal(v.selected, -1);
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

static void test_selection_and_focus(void **state)
{
	struct evlog log;
	struct view v;

	(void)state;
	evlog_init(&log);
	view_init(&v, 0);
	fake_step(&log, 0);
	fake_step(&log, 1);
	event_field(log.ev[0], 0, "a", 0, 0, "1");
	event_field(log.ev[0], 0, "b", 0, 0, "2");
	for (int i = 0; i < 3; i++)
		view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.selected, 2);
	view_action(&v, &log, ACT_UP);
	view_action(&v, &log, ACT_UP);
	view_action(&v, &log, ACT_UP);
	assert_int_equal(v.selected, 0);
	assert_int_equal(v.follow, 0);
	assert_int_equal(v.field, 0);
	/* in the inspector Up/Down move over fields, clamped */
	view_action(&v, &log, ACT_ENTER);
	assert_int_equal(v.focus, FOCUS_INSPECTOR);
	view_action(&v, &log, ACT_DOWN);
	view_action(&v, &log, ACT_DOWN);
	assert_int_equal(v.field, 1);
	assert_int_equal(v.selected, 0);
	view_action(&v, &log, ACT_TAB);
	assert_int_equal(v.focus, FOCUS_DIAGRAM);
	view_action(&v, &log, ACT_END);
	assert_int_equal(v.selected, 2);
	assert_int_equal(v.follow, 1);
	/* quit, restart and play are flags for the loop */
	assert_true(view_action(&v, &log, ACT_QUIT) & VF_QUIT);
	assert_true(view_action(&v, &log, ACT_RESTART) & VF_RESTART);
	assert_true(view_action(&v, &log, ACT_PLAY) & VF_TIMER);
	assert_int_equal(v.playing, 1);
	int slow = view_interval_ms(&v);
	view_action(&v, &log, ACT_FASTER);
	assert_true(view_interval_ms(&v) < slow);
	for (int i = 0; i < 20; i++)
		view_action(&v, &log, ACT_FASTER);
	assert_true(view_interval_ms(&v) > 0);
	view_free(&v);
	evlog_clear(&log);
}

static void test_screen_states(void **state)
{
	struct evlog log;
	struct view v;
	struct grid g;

	(void)state;
	evlog_init(&log);
	view_init(&v, 0);
	fake_step(&log, 0);
	view_action(&v, &log, ACT_NEXT);
	/* too small: a plain message, no picture */
	assert_int_equal(grid_init(&g, 60, 20, 0), 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "please enlarge the terminal"));
	assert_true(screen_has(&g, "(need 80x24, have 60x20)"));
	assert_false(screen_has(&g, "ClientHello"));
	grid_free(&g);
	/* exactly the minimum: the full layout */
	assert_int_equal(grid_init(&g, 80, 24, 0), 0);
	view_draw(&g, &v, &log);
	assert_false(screen_has(&g, "please enlarge"));
	assert_true(screen_has(&g, "ClientHello"));
	assert_true(screen_has(&g, "legend:"));
	assert_true(screen_has(&g, "hello"));
	/* an interceptor's lifeline shows from the start of its scenario */
	assert_false(screen_has(&g, "Interceptor"));
	v.mitm = 1;
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "Interceptor"));
	v.mitm = 0;
	/* without colours the legend explains the marks instead */
	v.mono = 1;
	view_draw(&g, &v, &log);
	assert_false(screen_has(&g, "legend:"));
	assert_true(screen_has(&g, "marks:"));
	assert_true(screen_has(&g, "{ } interceptor"));
	v.mono = 0;
	/* help overlay; any key closes it without acting */
	view_action(&v, &log, ACT_HELP);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, " Keys "));
	assert_true(screen_has(&g, "restart with a fresh exchange"));
	/* every line whole, the box inside the screen (this grid is 80x24) */
	assert_true(screen_has(&g, "scenarios (good, expired, revoked, mitm...)"));
	assert_true(screen_has(&g, "this help (any key, q too, closes it)"));
	assert_true(screen_has(&g, "q  Ctrl-C         quit"));
	assert_false(screen_has(&g, "\u2026 \u2502"));
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_REDRAW);
	assert_int_equal(v.revealed, 1);
	view_draw(&g, &v, &log);
	assert_false(screen_has(&g, " Keys "));
	/* session facts and failure reach the status line */
	view_set_session(&v, "TLSv1.2", "AES128-GCM-SHA256");
	view_stepped(&v, &log, 2, "certificate rejected");
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "certificate rejected"));
	grid_free(&g);
	/* short of room the cipher goes before the hints, which shorten */
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "TLSv1.2"));
	assert_false(screen_has(&g, "AES128-GCM-SHA256"));
	assert_true(screen_has(&g, "certificate rejected"));
	assert_true(screen_has(&g, "Space next  b back  ? help"));
	grid_free(&g);
	assert_int_equal(grid_init(&g, 160, 30, 0), 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "TLSv1.2 AES128-GCM-SHA256"));
	assert_true(screen_has(&g, "Enter inspect  m menu  ? help  q quit"));
	/* at 80 columns the state, the position and the notice stay */
	grid_free(&g);
	assert_int_equal(grid_init(&g, 80, 24, 0), 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "PAUSED | step 1 of 1 (failed) | certificate rejected"));
	assert_true(screen_has(&g, "? help"));
	/* a failure too long for the line is cut, and "? help" stays */
	view_stepped(&v, &log, 2, "client: certificate rejected: hostname mismatch (X509 error 62) and more words");
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "? help"));
	assert_true(screen_has(&g, "client: certificate rejected"));
	view_stepped(&v, &log, 2, "certificate rejected");
	/* playing: the speed, and how to pause; +/- says what it did */
	view_action(&v, &log, ACT_PLAY);
	view_action(&v, &log, ACT_FASTER);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "PLAYING 0.5 s/step"));
	assert_true(screen_has(&g, "? help"));
	view_action(&v, &log, ACT_PLAY);
	view_action(&v, &log, ACT_SLOWER);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "play speed: a step every 0.8 s"));
	grid_free(&g);
	assert_int_equal(grid_init(&g, 120, 30, 0), 0);
	view_action(&v, &log, ACT_PLAY);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "p pause  +"));
	view_action(&v, &log, ACT_PLAY);
	grid_free(&g);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	/* a click on an arrow selects it */
	fake_step(&log, 1);
	view_action(&v, &log, ACT_NEXT);
	view_action(&v, &log, ACT_NEXT);
	view_draw(&g, &v, &log);
	assert_int_equal(v.selected, 2);
	for (int y = v.diag.y + 1; y < v.diag.y + v.diag.h; y++) {
		char buf[512];

		grid_row_utf8(&g, y, buf, sizeof buf);
		if (strstr(buf, "ClientHello") != NULL) {
			assert_true(view_click(&v, &log, 20, y) & VF_REDRAW);
			break;
		}
	}
	assert_int_equal(v.selected, 0);
	assert_int_equal(view_click(&v, &log, 20, 0), 0);
	/* rewound to the very start: the inspector says so, not "perform the
	 * first step" */
	for (int i = 0; i < 10 && v.revealed > 0; i++)
		view_action(&v, &log, ACT_BACK);
	assert_int_equal(v.revealed, 0);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "rewound to the start"));
	assert_false(screen_has(&g, "perform the first step"));
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stepping),
		cmocka_unit_test(test_selection_and_focus),
		cmocka_unit_test(test_screen_states),
	};

	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
