#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "lessons/lesson.h"
#include "protocol/event.h"
#include "ui/grid.h"
#include "tests/unit/gridutil.h"
#include "ui/narration.h"
#include "ui/view.h"

static const char lesson_text[] =
	"title Test lesson\n"
	"description For the narration tests.\n"
	"at tcp.connected\n"
	"> Connected on {tcp.connected:peer_address}.\n"
	"end\n"
	"at tls.client_hello\n"
	"highlight cipher_suites\n"
	"> The hello.\n"
	"ask Which layer sends it?\n"
	"choice TCP\n"
	"correct TLS\n"
	"right Yes, TLS-RIGHT.\n"
	"wrong No, TLS-WRONG.\n"
	"end\n"
	"at tls.server_hello\n"
	"> Server hello.\n"
	"predict What comes next?\n"
	"correct tls.certificate\n"
	"choice tls.finished\n"
	"right PRED-RIGHT.\n"
	"wrong PRED-WRONG.\n"
	"end\n"
	"at tls.certificate\n"
	"pause\n"
	"> Cert.\n"
	"ask Pick all that apply\n"
	"correct Alpha\n"
	"correct Beta\n"
	"choice Gamma\n"
	"right ALL-RIGHT.\n"
	"wrong NOT-ALL.\n"
	"end\n"
	"at tls.finished\n"
	"> Finished.\n"
	"end\n";

static struct lesson *load(void)
{
	struct lesson *l = lesson_parse_buffer("test.lesson", lesson_text, sizeof lesson_text - 1,
					       NULL);

	assert_non_null(l);
	return l;
}

/* The synthetic run the test lesson follows. */
static void build_log(struct evlog *log)
{
	static const uint8_t raw[] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct event *ev;

	evlog_init(log);
	ev = evlog_add(log, EV_TCP_CONNECTED, ACTOR_KERNEL, DIR_LOCAL, NULL, 0, "up");
	event_field(ev, 0, "peer_address", 0, 0, "4433");
	ev = evlog_add(log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, raw, sizeof raw, "hello");
	event_field(ev, 0, "version", 0, 2, "TLS 1.2");
	event_field(ev, 0, "cipher_suites", 2, 4, "2 suites");
	evlog_add(log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "sh");
	evlog_add(log, EV_KEX_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "keylog");
	evlog_add(log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C, NULL, 0, "cert");
	evlog_add(log, EV_TLS_FINISHED, ACTOR_CLIENT, DIR_C2S, NULL, 0, "fin");
}

/* Draw the pane alone into a fresh grid. */
static void draw(struct grid *g, struct narration *n, unsigned seq, int finished)
{
	struct rect r = {0, 0, g->w, g->h};

	grid_clear(g);
	narration_draw(g, &r, n, seq, finished);
}

static void test_question_flow(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct grid g;
	unsigned f;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 60, 40, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	draw(&g, &n, 0, 0);
	assert_true(screen_has(&g, "Lesson: Test lesson"));
	assert_true(screen_has(&g, "lesson step 0 of 5"));
	assert_true(screen_has(&g, "The lesson begins with the first message"));
	/* messages shown before the first step: no stale "reveal it" */
	draw(&g, &n, 1, 0);
	assert_false(screen_has(&g, "The lesson begins"));
	assert_true(screen_has(&g, "first step comes with"));
	assert_true(screen_has(&g, "TCP connected."));
	/* step 1: narration with its placeholder filled, no hold */
	f = narration_reveal(&n, log.ev[0]);
	assert_true(f & NF_STEP);
	assert_false(f & NF_HOLD);
	assert_false(narration_holding(&n));
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "Connected on 4433."));
	assert_true(screen_has(&g, "lesson step 1 of 5"));
	/* digits mean nothing without a question */
	assert_int_equal(narration_key(&n, '1'), 0);
	/* step 2: a question holds the cursor; the highlight names a field */
	f = narration_reveal(&n, log.ev[1]);
	assert_true(f & NF_HOLD);
	assert_true(narration_holding(&n));
	assert_int_equal(narration_highlight_field(&n, log.ev[1]), 1);
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "? Which layer sends it?"));
	assert_true(screen_has(&g, "1) TCP"));
	assert_true(screen_has(&g, "Look at cipher_suites: 2 suites (in #2,"));
	assert_true(screen_has(&g, "answer: press 1-2, s skips"));
	/* out of range: nothing judged */
	narration_key(&n, '7');
	assert_true(narration_holding(&n));
	assert_false(screen_has(&g, "TLS-WRONG"));
	/* wrong: feedback, still holding, may try again */
	assert_int_equal(narration_key(&n, '1'), NF_REDRAW);
	assert_true(narration_holding(&n));
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "No, TLS-WRONG. Try again"));
	assert_false(screen_has(&g, "Wrong. No"));
	assert_false(screen_has(&g, "TLS-RIGHT"));
	/* right: feedback, released */
	assert_int_equal(narration_key(&n, '2'), NF_REDRAW);
	assert_false(narration_holding(&n));
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "Yes, TLS-RIGHT."));
	assert_false(screen_has(&g, "Right! Yes"));
	assert_false(screen_has(&g, "TLS-WRONG"));
	assert_false(screen_has(&g, "End of the lesson"));
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

static void test_prediction(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct grid g;
	unsigned f;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 60, 40, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	narration_reveal(&n, log.ev[0]);
	narration_reveal(&n, log.ev[1]);
	narration_key(&n, NARR_SKIP_KEY);
	assert_false(narration_holding(&n));
	draw(&g, &n, 2, 0);
	/* the answer and the explanation, without the "Yes" that praises */
	assert_true(screen_has(&g, "(skipped) The right answer: 2) TLS. TLS-RIGHT."));
	assert_false(screen_has(&g, "Yes, TLS-RIGHT"));
	/* the prediction is asked before the next event and holds */
	f = narration_reveal(&n, log.ev[2]);
	assert_true(f & NF_HOLD);
	draw(&g, &n, 3, 0);
	assert_true(screen_has(&g, "Predict: What comes next?"));
	assert_true(screen_has(&g, "1) Certificate (tls.certificate)"));
	assert_int_equal(narration_key(&n, '2'), NF_REDRAW);
	assert_false(narration_holding(&n));
	draw(&g, &n, 3, 0);
	assert_true(screen_has(&g, "Your prediction: 2."));
	/* a key-exchange event in between does not judge a tls.* prediction */
	f = narration_reveal(&n, log.ev[3]);
	assert_false(f & NF_SETTLED);
	/* the certificate does: the learner said Finished, wrong */
	f = narration_reveal(&n, log.ev[4]);
	assert_true(f & NF_SETTLED);
	assert_true(f & NF_STEP);
	assert_true(f & NF_PAUSE);
	assert_true(n.has_verdict);
	assert_false(n.verdict.right);
	draw(&g, &n, 5, 0);
	assert_true(screen_has(&g, "What came next: Certificate (tls.certificate). Your"));
	assert_true(screen_has(&g, "PRED-WRONG."));
	/* several right answers: toggles, then Enter */
	assert_true(screen_has(&g, "[ ] 1) Alpha"));
	narration_key(&n, '1');
	draw(&g, &n, 5, 0);
	assert_true(screen_has(&g, "[x] 1) Alpha"));
	narration_key(&n, '\n');
	assert_true(narration_holding(&n));
	draw(&g, &n, 5, 0);
	assert_true(screen_has(&g, "NOT-ALL."));
	/* the ticks stay after a wrong answer: add the missing one */
	assert_true(screen_has(&g, "[x] 1) Alpha"));
	narration_key(&n, '2');
	narration_key(&n, '\n');
	assert_false(narration_holding(&n));
	draw(&g, &n, 5, 0);
	assert_true(screen_has(&g, "Right! ALL-RIGHT."));
	assert_true(screen_has(&g, "[x] 2) Beta"));
	assert_true(screen_has(&g, "[ ] 3) Gamma"));
	assert_true(screen_has(&g, "The lesson pauses here"));
	/* a new step clears the old verdict; the last step ends the lesson */
	assert_false(narration_ended(&n, 0));
	assert_int_equal(narration_key(&n, NARR_EXPLORE_KEY), 0);
	narration_reveal(&n, log.ev[5]);
	assert_false(n.has_verdict);
	assert_true(narration_ended(&n, 0));
	draw(&g, &n, 6, 0);
	assert_true(screen_has(&g, "End of the lesson."));
	assert_true(screen_has(&g, "0 of 2 questions right at the first try."));
	assert_true(screen_has(&g, "lesson step 5 of 5"));
	assert_int_equal(narration_key(&n, NARR_EXPLORE_KEY), NF_EXPLORE);
	/* rewound: the step shown at an earlier event, without its question */
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "(rewound"));
	assert_true(screen_has(&g, "The hello."));
	assert_false(screen_has(&g, "End of the lesson."));
	/* a restart follows a fresh run */
	assert_int_equal(narration_restart(&n), 0);
	assert_null(n.step);
	draw(&g, &n, 0, 0);
	assert_true(screen_has(&g, "lesson step 0 of 5"));
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

/* --no-questions in the TUI: every step is narrated, no question is shown
 * or holds the diagram, and a restart keeps it so. */
static void test_no_questions(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct grid g;
	unsigned f;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 60, 40, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	n.no_questions = 1;
	for (size_t i = 0; i < log.n; i++) {
		f = narration_reveal(&n, log.ev[i]);
		assert_false(f & NF_HOLD);
		assert_false(narration_holding(&n));
		draw(&g, &n, (unsigned)i + 1, 0);
		assert_false(screen_has(&g, "Predict:"));
		assert_false(screen_has(&g, "questions right"));
	}
	assert_true(screen_has(&g, "End of the lesson."));
	assert_true(screen_has(&g, "lesson step 5 of 5"));
	assert_int_equal(narration_restart(&n), 0);
	assert_true(n.no_questions);
	f = narration_reveal(&n, log.ev[0]);
	f |= narration_reveal(&n, log.ev[1]);
	assert_false(f & NF_HOLD);
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

static void test_small_pane_keeps_question(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct grid g;
	int full;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 30, 6, 1), 0);
	assert_int_equal(narration_init(&n, l), 0);
	narration_reveal(&n, log.ev[0]);
	narration_reveal(&n, log.ev[1]);
	full = narration_rows(&n, 30, 0, 0);
	assert_true(full > 6);
	assert_true(narration_rows(&n, 30, 0, 1) <= full);
	draw(&g, &n, 2, 0);
	/* the question's choices survive, and so does the text it asks
	 * about, cut to its first line; at this size the key hint (which the
	 * status line repeats) is what gives way; ASCII mode draws ASCII only */
	assert_true(screen_has(&g, "The hello."));
	assert_true(screen_has(&g, "? Which layer sends it?"));
	assert_true(screen_has(&g, "2) TLS"));
	for (int y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++)
			assert_true(grid_at(&g, x, y)->ch < 0x7f);
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

/* A narration longer than its pane is cut, the question stays whole, and
 * [ ] page through the text (a page less one line of context), clamped at
 * both ends; a new step starts at the top. */
static void test_long_text_scrolls(void **state)
{
	static const char text[] =
		"title Long\ndescription Scrolling.\n"
		"at tcp.connected\n"
		"> First-01 one two three four five six seven eight nine ten.\n"
		"> Mid-02 one two three four five six seven eight nine ten.\n"
		"> Mid-03 one two three four five six seven eight nine ten.\n"
		"> Mid-04 one two three four five six seven eight nine ten.\n"
		"> Mid-05 one two three four five six seven eight nine ten.\n"
		"> Mid-06 one two three four five six seven eight nine ten.\n"
		"> Last-07 one two three four five six seven eight nine ten.\n"
		"ask Which layer?\nchoice TCP\ncorrect TLS\nend\n"
		"at tls.client_hello\n> Short.\nend\n";
	struct lesson *l = lesson_parse_buffer("long.lesson", text, sizeof text - 1, NULL);
	struct narration n;
	struct evlog log;
	struct grid g;

	(void)state;
	assert_non_null(l);
	build_log(&log);
	assert_int_equal(grid_init(&g, 60, 14, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	narration_reveal(&n, log.ev[0]);
	assert_true(narration_rows(&n, 60, 0, 0) > 14);
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "First-01"));
	assert_false(screen_has(&g, "Last-07"));
	assert_true(screen_has(&g, "(lines 1-"));
	assert_true(screen_has(&g, "[ ] page, v all)"));
	assert_true(screen_has(&g, "2) TLS")); /* the question is whole */
	/* scroll past the end: clamped to the last lines */
	for (int i = 0; i < 50; i++)
		assert_int_equal(narration_key(&n, NARR_TEXT_DOWN), NF_REDRAW);
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "Last-07"));
	assert_false(screen_has(&g, "First-01"));
	assert_true(screen_has(&g, "2) TLS"));
	assert_true(n.text_top > 0 && n.text_top < 50);
	/* a page back up shows earlier lines, the page's first one kept */
	{
		int top = n.text_top;

		assert_true(n.text_page >= 1);
		assert_int_equal(narration_key(&n, NARR_TEXT_UP), NF_REDRAW);
		assert_int_equal(n.text_top, top - (n.text_page > 2 ? n.text_page - 1 : 1) < 0
						     ? 0 : top - (n.text_page > 2 ? n.text_page - 1 : 1));
	}
	draw(&g, &n, 1, 0);
	assert_false(screen_has(&g, "Last-07"));
	for (int i = 0; i < 50; i++)
		narration_key(&n, NARR_TEXT_UP);
	assert_int_equal(n.text_top, 0);
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "First-01"));
	/* the question still takes its answer; the next step starts at the top */
	narration_key(&n, NARR_TEXT_DOWN);
	assert_true(narration_key(&n, '2') & NF_REDRAW);
	assert_false(narration_holding(&n));
	narration_reveal(&n, log.ev[1]);
	assert_int_equal(n.text_top, 0);
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "Short."));
	assert_false(screen_has(&g, "(lines "));
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

static void test_view_holds(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct view v;
	struct grid g;
	unsigned f;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	view_init(&v, 0);
	view_set_narration(&v, &n);
	/* everything is logged already: next only reveals */
	view_action(&v, &log, ACT_NEXT);
	/* playing into a question stops, with the timer re-armed */
	view_action(&v, &log, ACT_PLAY);
	assert_true(v.playing);
	f = view_action(&v, &log, ACT_TICK);
	assert_true(f & VF_TIMER);
	assert_false(v.playing);
	assert_int_equal(v.revealed, 2);
	/* the step selected its event and the highlighted field */
	assert_int_equal(v.selected, 1);
	assert_int_equal(v.field, 1);
	/* held: next does not reveal */
	view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.revealed, 2);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "answer the question first (s skips)"));
	assert_true(screen_has(&g, "Which layer sends it?"));
	view_action(&v, &log, ACT_NONE);
	view_draw(&g, &v, &log);
	/* one hint: the pane's, not a second one on the status line */
	assert_true(screen_has(&g, "answer: press 1-2, s skips"));
	assert_false(screen_has(&g, "1-9 answer"));
	assert_true(screen_has(&g, "v read all"));
	/* with the side pane hidden the status line says where it went */
	view_action(&v, &log, ACT_SIDE);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "i shows the question"));
	view_action(&v, &log, ACT_SIDE);
	/* back and forward replay without being held; rewound, the hidden
	 * question takes no answer and the hints are the usual ones */
	view_action(&v, &log, ACT_BACK);
	assert_int_equal(view_key(&v, &log, '2'), 0);
	assert_true(narration_holding(&n));
	view_draw(&g, &v, &log);
	assert_false(screen_has(&g, "1-9 answer"));
	assert_true(screen_has(&g, "Space next"));
	assert_int_equal(view_action(&v, &log, ACT_NEXT), VF_REDRAW);
	assert_int_equal(v.revealed, 2);
	/* keys that are not the lesson's fall through */
	assert_int_equal(view_key(&v, &log, 'q'), 0);
	assert_int_equal(view_key(&v, &log, '2'), VF_REDRAW);
	view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.revealed, 3);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "What comes next?"));
	/* the menu key asks for the picker */
	assert_true(view_action(&v, &log, ACT_MENU) & VF_MENU);
	view_free(&v);
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

/* Feedback per choice (`why`), partial credit on a question with several
 * right choices, picks marked and wrong ticks cleared after an answer. */
static void test_per_choice_feedback(void **state)
{
	static const char text[] =
		"title Why\ndescription Per choice.\n"
		"at tcp.connected\n> Text.\n"
		"ask Which are TLS's?\n"
		"correct Confidentiality\nwhy WHY-CONF.\n"
		"correct Integrity\nwhy WHY-INT.\n"
		"choice Delivery\nwhy TCP-DOES-THAT.\n"
		"choice Routing\nwhy IP-DOES-THAT.\n"
		"right ALL-RIGHT.\n"
		"end\n";
	struct lesson *l = lesson_parse_buffer("why.lesson", text, sizeof text - 1, NULL);
	struct narration n;
	struct evlog log;
	struct grid g;

	(void)state;
	assert_non_null(l);
	assert_string_equal(l->steps[0].question->why[2], "TCP-DOES-THAT.");
	build_log(&log);
	assert_int_equal(grid_init(&g, 120, 30, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	narration_reveal(&n, log.ev[0]);
	/* one right, one wrong: partial credit, why the wrong one is wrong,
	 * the wrong tick cleared and marked, the right one kept */
	narration_key(&n, '1');
	narration_key(&n, '3');
	narration_key(&n, '\n');
	assert_true(narration_holding(&n));
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "Partly right: 1 of 2 right choices picked, 1 wrong one."));
	assert_true(screen_has(&g, "3) TCP-DOES-THAT."));
	assert_false(screen_has(&g, "IP-DOES-THAT"));
	assert_true(screen_has(&g, "One right choice is still missing."));
	assert_true(screen_has(&g, "[x] 1) Confidentiality  (right)"));
	assert_true(screen_has(&g, "[ ] 3) Delivery  (wrong)"));
	assert_int_equal(n.marks[2], 0);
	/* add the missing one: right, with why each pick is right */
	narration_key(&n, '2');
	narration_key(&n, '\n');
	assert_false(narration_holding(&n));
	draw(&g, &n, 1, 0);
	assert_true(screen_has(&g, "ALL-RIGHT."));
	assert_true(screen_has(&g, "1) WHY-CONF."));
	assert_true(screen_has(&g, "2) WHY-INT."));
	assert_false(screen_has(&g, "Partly"));
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

/* A step whose event did not occur is passed over, and the pane says so
 * (the count would seem to jump from 0 to 2). */
static void test_passed_over(void **state)
{
	struct lesson *l = load();
	struct narration n;
	struct evlog log;
	struct grid g;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	assert_int_equal(narration_init(&n, l), 0);
	/* no tcp.connected in this run: the ClientHello fires step 2 */
	assert_true(narration_reveal(&n, log.ev[1]) & NF_STEP);
	draw(&g, &n, 2, 0);
	assert_true(screen_has(&g, "lesson step 2 of 5"));
	assert_true(screen_has(&g, "(step 1 did not apply: its event did not occur in this run)"));
	narration_key(&n, NARR_SKIP_KEY);
	narration_reveal(&n, log.ev[2]);
	draw(&g, &n, 3, 0);
	assert_false(screen_has(&g, "did not apply"));
	narration_free(&n);
	lesson_free(l);
	grid_free(&g);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_question_flow),
		cmocka_unit_test(test_prediction),
		cmocka_unit_test(test_no_questions),
		cmocka_unit_test(test_small_pane_keeps_question),
		cmocka_unit_test(test_long_text_scrolls),
		cmocka_unit_test(test_view_holds),
		cmocka_unit_test(test_per_choice_feedback),
		cmocka_unit_test(test_passed_over),
	};

	return cmocka_run_group_tests_name("narration", tests, NULL, NULL);
}
