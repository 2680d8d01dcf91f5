#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "lessons/lessondir.h"
#include "ui/grid.h"
#include "tests/unit/gridutil.h"
#include "ui/picker.h"

static struct lessondir_entry entries[] = {
	{"01-one", "/x/01-one.lesson", "First lesson", "About one."},
	{"02-two", "/x/02-two.lesson", "Second \x1b[31mlesson", "About two."},
	{"03-bad", "/x/03-bad.lesson", "", ""},
};

static void test_menu(void **state)
{
	struct picker p;
	struct grid g;
	const struct pick_item *it;

	(void)state;
	assert_int_equal(picker_build(&p, entries, 3), 0);
	/* 4 headings, 3 lessons, exploration, 3 protocols, 6 scenarios and
	 * the trusted mitm */
	assert_int_equal(p.n, 4 + 3 + 1 + 3 + SCEN__COUNT + 1);
	it = picker_selected(&p);
	assert_non_null(it);
	assert_int_equal(it->kind, PICK_LESSON);
	assert_int_equal(it->lesson, 0);
	/* up at the top stays, headings are skipped */
	assert_int_equal(picker_action(&p, ACT_UP), PR_NONE);
	picker_action(&p, ACT_DOWN);
	picker_action(&p, ACT_DOWN);
	picker_action(&p, ACT_DOWN);
	it = picker_selected(&p);
	assert_int_equal(it->kind, PICK_EXPLORE);
	/* the protocols: TLS 1.2 RSA, TLS 1.2 ECDHE, TLS 1.3 */
	picker_action(&p, ACT_DOWN);
	it = picker_selected(&p);
	assert_int_equal(it->kind, PICK_PROTOCOL);
	assert_int_equal(it->tls13, 0);
	assert_int_equal(it->ecdhe, 0);
	picker_action(&p, ACT_DOWN);
	it = picker_selected(&p);
	assert_int_equal(it->kind, PICK_PROTOCOL);
	assert_int_equal(it->ecdhe, 1);
	picker_action(&p, ACT_DOWN);
	it = picker_selected(&p);
	assert_int_equal(it->kind, PICK_PROTOCOL);
	assert_int_equal(it->tls13, 1);
	picker_action(&p, ACT_DOWN);
	it = picker_selected(&p);
	assert_int_equal(it->kind, PICK_SCENARIO);
	assert_int_equal(it->scenario, SCEN_GOOD);
	/* the last entry: mitm with the attacker CA trusted */
	picker_action(&p, ACT_END);
	it = picker_selected(&p);
	assert_int_equal(it->scenario, SCEN_MITM);
	assert_int_equal(it->trust_attacker, 1);
	picker_action(&p, ACT_UP);
	it = picker_selected(&p);
	assert_int_equal(it->scenario, SCEN_MITM);
	assert_int_equal(it->trust_attacker, 0);
	assert_int_equal(picker_action(&p, ACT_ENTER), PR_CHOSEN);
	/* a digit starts that lesson; unknown numbers do nothing */
	assert_int_equal(picker_digit(&p, 2), PR_CHOSEN);
	assert_int_equal(picker_selected(&p)->lesson, 1);
	assert_int_equal(picker_digit(&p, 9), PR_NONE);
	/* Esc only goes back when opened from a running exchange */
	assert_int_equal(picker_action(&p, ACT_ESC), PR_NONE);
	p.can_cancel = 1;
	assert_int_equal(picker_action(&p, ACT_ESC), PR_CANCEL);
	assert_int_equal(picker_action(&p, ACT_QUIT), PR_QUIT);
	/* drawn: the lessons, exploration, scenarios; hostile titles inert */
	assert_int_equal(grid_init(&g, 100, 50, 0), 0);
	picker_draw(&g, &p);
	assert_true(screen_has(&g, "01-one"));
	assert_true(screen_has(&g, "First lesson"));
	assert_true(screen_has(&g, "Free exploration"));
	assert_true(screen_has(&g, "untrusted-ca"));
	assert_true(screen_has(&g, "missing-intermediate"));
	assert_true(screen_has(&g, "legacy-only"));
	assert_true(screen_has(&g, "mitm, attacker CA trusted"));
	assert_true(screen_has(&g, "this lesson has errors"));
	assert_true(screen_has(&g, "About two."));
	assert_true(screen_has(&g, "Esc back"));
	for (int y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++)
			assert_true(grid_at(&g, x, y)->ch != 0x1b);
	/* a short screen scrolls to keep the selection in view */
	grid_free(&g);
	assert_int_equal(grid_init(&g, 80, 14, 1), 0);
	picker_action(&p, ACT_END);
	picker_draw(&g, &p);
	assert_true(screen_has(&g, "mitm, attacker CA trusted"));
	assert_false(screen_has(&g, "01-one"));
	assert_true(screen_has(&g, " ^ more"));
	assert_false(screen_has(&g, " v more"));
	picker_action(&p, ACT_HOME);
	picker_draw(&g, &p);
	assert_true(screen_has(&g, " v more"));
	assert_false(screen_has(&g, " ^ more"));
	picker_action(&p, ACT_END);
	picker_draw(&g, &p);
	grid_free(&g);
	/* the current scenario is marked beside its title, not over it */
	assert_int_equal(grid_init(&g, 80, 30, 0), 0);
	p.cur_scenario = SCEN_GOOD;
	p.cur_trust = 0;
	p.scroll = 0;
	picker_draw(&g, &p);
	{
		int y = find_row(&g, "    good ");
		char row[512];

		assert_true(y > 0);
		grid_row_utf8(&g, y, row, sizeof row);
		assert_non_null(strstr(row, "good"));
		assert_non_null(strstr(row, "\u2026  (current)"));
	}
	grid_free(&g);
	picker_free(&p);
}

static void test_no_lessons(void **state)
{
	struct picker p;

	(void)state;
	assert_int_equal(picker_build(&p, NULL, 0), 0);
	assert_int_equal(picker_selected(&p)->kind, PICK_EXPLORE);
	assert_int_equal(picker_action(&p, ACT_UP), PR_NONE);
	assert_int_equal(picker_action(&p, ACT_NEXT), PR_CHOSEN);
	picker_free(&p);
}

/* A click selects the item under it, a second click chooses it; the
 * headings and outside the list take none; the note moves the list down. */
static void test_click(void **state)
{
	struct picker p;
	struct grid g;
	int y;

	(void)state;
	assert_int_equal(picker_build(&p, entries, 3), 0);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	picker_draw(&g, &p);
	y = find_row(&g, "02-two");
	assert_true(y > 0);
	assert_int_equal(picker_click(&p, 10, y), PR_REDRAW);
	assert_string_equal(picker_selected(&p)->label, "02-two");
	assert_int_equal(picker_click(&p, 10, y), PR_CHOSEN);
	assert_int_equal(picker_click(&p, 10, find_row(&g, "Free exploration")), PR_NONE);
	assert_int_equal(picker_click(&p, 10, 0), PR_NONE);
	assert_int_equal(picker_click(&p, 10, 29), PR_NONE);
	assert_string_equal(picker_selected(&p)->label, "02-two");
	/* with no lessons the note says where they were looked for, above
	 * the list, and clicks follow the list down */
	picker_free(&p);
	assert_int_equal(picker_build(&p, NULL, 0), 0);
	snprintf(p.note, sizeof p.note, "No lessons found (*.lesson) in: /a, /b");
	grid_clear(&g);
	picker_draw(&g, &p);
	assert_int_equal(find_row(&g, "No lessons found (*.lesson) in: /a, /b"), 2);
	assert_int_equal(find_row(&g, "Free exploration"), 4);
	assert_int_equal(picker_click(&p, 10, 5), PR_CHOSEN);  /* explore, selected already */
	grid_free(&g);
	picker_free(&p);
}

/* Against a remote server: the three protocols (RSA too: connect's own
 * default, and what httpsviz serve takes), each saying what the client
 * offers; no certificate scenarios; the current protocol is marked,
 * whichever it is. */
static void test_remote_menu(void **state)
{
	static const struct {
		int tls13, ecdhe;
		const char *row;     /* the current one's row */
	} cur[] = {
		{0, 0, "offers RSA; the server picks"},
		{0, 1, "fresh key pair"},
		{1, 1, "one round trip"},
	};
	struct picker p;
	struct grid g;
	int protocols = 0;
	int rsa = 0;

	(void)state;
	assert_int_equal(picker_build_for(&p, entries, 3, PICKER_REMOTE), 0);
	for (size_t i = 0; i < p.n; i++) {
		assert_int_not_equal(p.items[i].kind, PICK_SCENARIO);
		if (p.items[i].kind == PICK_PROTOCOL) {
			protocols++;
			if (!p.items[i].tls13 && !p.items[i].ecdhe) {
				rsa++;
				assert_non_null(strstr(p.items[i].desc, "a real server may not accept RSA"));
			}
		}
	}
	assert_int_equal(protocols, 3);
	assert_int_equal(rsa, 1);
	p.can_cancel = 1;
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	for (size_t c = 0; c < sizeof cur / sizeof cur[0]; c++) {
		const char *rows[] = {"offers RSA; the server picks", "fresh key pair", "one round trip"};

		p.cur_tls13 = cur[c].tls13;
		p.cur_ecdhe = cur[c].ecdhe;
		grid_clear(&g);
		picker_draw(&g, &p);
		assert_true(screen_has(&g, "TLS 1.2, RSA"));
		assert_true(screen_has(&g, "TLS 1.2, ECDHE"));
		assert_false(screen_has(&g, "untrusted-ca"));
		assert_true(screen_has(&g, "the server picks; scenarios need the embedded server"));
		assert_false(screen_has(&g, "RSA and the scenarios need"));
		for (size_t r = 0; r < 3; r++) {
			char row[2048];
			int y = find_row(&g, rows[r]);

			assert_true(y >= 0);
			grid_row_utf8(&g, y, row, sizeof row);
			if (strcmp(rows[r], cur[c].row) == 0)
				assert_non_null(strstr(row, "(current)"));
			else
				assert_null(strstr(row, "(current)"));
		}
	}
	grid_free(&g);
	picker_free(&p);
}

/* In a replay: the lessons and exploration only. */
static void test_replay_menu(void **state)
{
	struct picker p;

	(void)state;
	assert_int_equal(picker_build_for(&p, entries, 3, PICKER_REPLAY), 0);
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.items[i].kind == PICK_HEADING || p.items[i].kind == PICK_LESSON ||
			    p.items[i].kind == PICK_EXPLORE);
	assert_int_equal(p.n, 2 + 3 + 1);
	picker_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_menu),
		cmocka_unit_test(test_no_lessons),
		cmocka_unit_test(test_click),
		cmocka_unit_test(test_remote_menu),
		cmocka_unit_test(test_replay_menu),
	};

	return cmocka_run_group_tests_name("picker", tests, NULL, NULL);
}
