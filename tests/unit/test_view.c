#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "protocol/event.h"
#include "protocol/http.h"
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
	assert_true(screen_has(&g, "PAUSED | event 2 of 3"));
	assert_false(screen_has(&g, "rewound"));
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_REDRAW);
	assert_int_equal(v.revealed, 3);
	assert_int_equal(v.selected, 2);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "PAUSED | event 3 of 3"));
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
	assert_true(screen_has(&g, "event 3 of 3 (complete)"));
	/* back all the way, and no further */
	for (int i = 0; i < 5; i++)
		view_action(&v, &log, ACT_BACK);
	assert_int_equal(v.revealed, 0);
	assert_int_equal(v.selected, -1);
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

/* An exchange that ended with a response that is not 2xx says so on the
 * status line (from the response's typed facts), once it is all shown. */
static void test_answer_on_status(void **state)
{
	static const char resp[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
				   "Content-Length: 25\r\n\r\nThe class server is full\n";
	struct evlog log;
	struct view v;
	struct grid g;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	view_init(&v, 0);
	assert_int_equal(grid_init(&g, 200, 30, 0), 0);
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_STEP);
	fake_step(&log, 0);
	ev = evlog_add(&log, EV_HTTP_RESPONSE, ACTOR_CLIENT, DIR_LOCAL, resp, sizeof resp - 1, "x");
	assert_non_null(ev);
	http_decode(ev);
	view_stepped(&v, &log, 0, NULL);
	view_action(&v, &log, ACT_NEXT);
	view_draw(&g, &v, &log);
	/* not over yet: not said */
	assert_false(screen_has(&g, "the server answered"));
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_STEP);
	view_stepped(&v, &log, 1, "");
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "(complete) | the server answered HTTP 503 Service Unavailable: The class server is full"));
	/* rewound: the story so far, without the ending */
	view_action(&v, &log, ACT_BACK);
	view_draw(&g, &v, &log);
	assert_false(screen_has(&g, "the server answered"));
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
	assert_true(screen_has(&g, "menu: lessons, exploration, scenarios"));
	assert_true(screen_has(&g, "this help (any key closes it)"));
	assert_true(screen_has(&g, "q  Ctrl-C        quit"));
	/* the keys terminal users expect are listed */
	assert_true(screen_has(&g, "Up Down  k j"));
	assert_true(screen_has(&g, "g G  Home End"));
	assert_true(screen_has(&g, "?  h  F1"));
	assert_true(screen_has(&g, "/  n N  Esc"));
	assert_true(screen_has(&g, "save the run (httpsviz replay/export FILE)"));
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
	assert_true(screen_has(&g, "PAUSED | event 1 of 1 (failed) | certificate rejected"));
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
	assert_true(screen_has(&g, "PLAYING 0.5 s/event"));
	assert_true(screen_has(&g, "? help"));
	view_action(&v, &log, ACT_PLAY);
	view_action(&v, &log, ACT_SLOWER);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "play speed: an event every 0.8 s"));
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
	assert_false(screen_has(&g, "perform the first flight"));
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

/* The layout rules of view_layout(), one case at a time. */
static void test_layout_rules(void **state)
{
	struct view_layout_in in;
	struct view_layout l;

	(void)state;
	memset(&in, 0, sizeof in);
	/* exploring at 80x24: 55% but never under 46 columns; the legend
	 * under the panes */
	in.w = 80, in.h = 24, in.need = 100;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 46);
	assert_int_equal(l.side.x, 48);
	assert_int_equal(l.side.w, 80 - 46 - 3);
	assert_int_equal(l.vsep, 47);
	assert_int_equal(l.legend_y, 22);
	assert_int_equal(l.detail_h, 0);
	assert_int_equal(l.diag.h, 21);
	/* at 160x45 the diagram grows to the width its labels need... */
	in.w = 160, in.h = 45, in.need = 100;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 100);
	assert_int_equal(l.side.w, 160 - 100 - 3);
	/* ... leaving the side 34 columns at least */
	in.need = 300;
	view_layout(&in, &l);
	assert_int_equal(l.side.w, 34);
	/* never narrower than 55% */
	in.need = 30;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 88);
	/* while the inspector is in use it keeps its share */
	in.need = 300, in.inspecting = 1;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 88);
	/* beside a lesson the text has the room: 46% */
	in.inspecting = 0, in.lesson = 1, in.w = 120, in.h = 36;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 55);
	/* i: the whole width, no side pane */
	in.side_hidden = 1;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 120);
	assert_int_equal(l.side.w, 0);
	assert_int_equal(l.vsep, -1);
	/* the selected row's whole text: its lines (3 at most) replace the
	 * legend, and the panes give up the rows */
	in.side_hidden = 0, in.lesson = 0, in.detail = 2;
	view_layout(&in, &l);
	assert_int_equal(l.legend_y, -1);
	assert_int_equal(l.detail_y, 36 - 3);
	assert_int_equal(l.detail_h, 2);
	assert_int_equal(l.diag.h, 36 - 4);
	assert_int_equal(l.side.h, 36 - 4);
	in.detail = 9;
	view_layout(&in, &l);
	assert_int_equal(l.detail_h, 3);
	/* a projector with no lesson: the diagram alone, the inspector
	 * beside it only while in use (60%) */
	in.detail = 0, in.projector = 1, in.w = 160, in.h = 45, in.need = 0;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 160);
	assert_int_equal(l.side.w, 0);
	in.inspecting = 1;
	view_layout(&in, &l);
	assert_int_equal(l.diag.w, 96);
	assert_true(l.side.w > 0);
	/* a projector with a lesson: its text in a band under the diagram,
	 * the full width, at most half the body */
	in.inspecting = 0, in.lesson = 1, in.narr_rows = 10;
	view_layout(&in, &l);
	assert_int_equal(l.band.w, 160);
	assert_int_equal(l.band.h, 10);
	assert_int_equal(l.band.y + l.band.h, 43);
	assert_int_equal(l.hsep, l.band.y - 1);
	assert_int_equal(l.diag.w, 160);
	assert_int_equal(l.diag.y + l.diag.h, l.hsep);
	in.narr_rows = 100;
	view_layout(&in, &l);
	assert_true(l.band.h <= 42 / 2);
	assert_true(l.diag.h >= 42 / 2 - 1);
}

/* A note too long for its row: the diagram cuts it, the line under the
 * panes shows it whole; i gives the diagram the whole width. */
static void test_selected_whole(void **state)
{
	static const char note[] =
		"hostname: localhost not in [DNS:www.example.org, DNS:mail.example.org, DNS:www.example.net]";
	struct evlog log;
	struct view v;
	struct grid g;

	(void)state;
	evlog_init(&log);
	view_init(&v, 0);
	assert_int_equal(grid_init(&g, 80, 24, 0), 0);
	evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "hello");
	event_set_result(evlog_add(&log, EV_CERT_HOSTNAME, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, note),
			 RESULT_FAIL, 62, "hostname mismatch");
	view_action(&v, &log, ACT_NEXT);
	view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.selected, 1);
	view_draw(&g, &v, &log);
	assert_false(diagram_label_fits(&v.diag, log.ev[1], 0, 0));
	assert_true(screen_has(&g, "#2 \u2717 hostname: localhost not in [DNS:www.example.org,"));
	assert_true(screen_has(&g, "DNS:www.example.net]"));
	/* not the legend: the text took its row */
	assert_false(screen_has(&g, "legend:"));
	/* the ClientHello fits its row: the legend is back */
	view_action(&v, &log, ACT_UP);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "legend:"));
	/* i: the diagram takes the screen */
	view_action(&v, &log, ACT_DOWN);
	assert_true(view_action(&v, &log, ACT_SIDE) & VF_REDRAW);
	view_draw(&g, &v, &log);
	assert_int_equal(v.diag.w, 80);
	assert_int_equal(v.insp.w, 0);
	assert_true(screen_has(&g, "i shows it"));
	/* Enter brings the inspector back */
	view_action(&v, &log, ACT_ENTER);
	view_draw(&g, &v, &log);
	assert_true(v.insp.w > 0);
	assert_int_equal(v.side_hidden, 0);
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stepping),
		cmocka_unit_test(test_answer_on_status),
		cmocka_unit_test(test_selection_and_focus),
		cmocka_unit_test(test_screen_states),
		cmocka_unit_test(test_layout_rules),
		cmocka_unit_test(test_selected_whole),
	};

	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
