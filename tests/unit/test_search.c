#include "tests/unit/testutil.h"

#include <string.h>

#include "protocol/event.h"
#include "tests/unit/gridutil.h"
#include "ui/diagram.h"
#include "ui/search.h"
#include "ui/view.h"

/* SYN, ClientHello (a suite field), a hostname check, a master secret, a
 * ServerHello. */
static void build(struct evlog *log)
{
	struct event *ev;

	evlog_init(log);
	evlog_add(log, EV_TCP_SYN, ACTOR_KERNEL, DIR_C2S, NULL, 0, "SYN");
	ev = evlog_add(log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "hello");
	event_field(ev, 0, "cipher_suite", 0, 0, "TLS_RSA_WITH_AES_128_GCM_SHA256");
	event_set_result(evlog_add(log, EV_CERT_HOSTNAME, ACTOR_CLIENT, DIR_LOCAL, NULL, 0,
				   "hostname: localhost matches DNS:localhost"),
			 RESULT_PASS, 0, NULL);
	evlog_add(log, EV_KEX_MASTER_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "master secret = PRF(...)");
	evlog_add(log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "sh");
}

/* Matching looks at the name, the label, the summary and the fields,
 * ignoring case; finding wraps and skips what the filter hides. */
static void test_find(void **state)
{
	struct evlog log;

	(void)state;
	build(&log);
	assert_true(search_matches(log.ev[1], "aes_128"));       /* a field value */
	assert_true(search_matches(log.ev[1], "CIPHER_SUITE"));  /* a field name, any case */
	assert_true(search_matches(log.ev[1], "tls.client"));    /* the event's name */
	assert_true(search_matches(log.ev[2], "DNS:localhost")); /* the summary */
	assert_false(search_matches(log.ev[1], "zzz"));
	assert_false(search_matches(log.ev[1], ""));
	/* "hello": ClientHello (1) and ServerHello (4) */
	assert_int_equal(search_find(&log, 5, 0, -1, 1, "hello"), 1);
	assert_int_equal(search_find(&log, 5, 0, 1, 1, "hello"), 4);
	assert_int_equal(search_find(&log, 5, 0, 4, 1, "hello"), 1);   /* wraps */
	assert_int_equal(search_find(&log, 5, 0, 1, -1, "hello"), 4);  /* back, wraps */
	/* only what is shown: ServerHello is not revealed yet */
	assert_int_equal(search_find(&log, 4, 0, 1, 1, "hello"), 1);
	assert_int_equal(search_find(&log, 5, 0, -1, 1, "nothing here"), -1);
	{
		size_t rank;

		assert_int_equal(search_count(&log, 5, 0, 4, "hello", &rank), 2);
		assert_int_equal(rank, 2);
		assert_int_equal(search_count(&log, 5, 0, 0, "hello", &rank), 2);
		assert_int_equal(rank, 0);
	}
	/* "localhost" is in the check; hidden with the checks, not found */
	assert_int_equal(search_find(&log, 5, 0, -1, 1, "localhost"), 2);
	assert_int_equal(search_find(&log, 5, DIAGRAM_HIDE_CHECKS, -1, 1, "localhost"), -1);
	evlog_clear(&log);
}

/* The filter's layers, and the diagram without them (the kept event
 * stays). */
static void test_filter(void **state)
{
	struct evlog log;
	struct diagram d = {0};

	(void)state;
	build(&log);
	assert_true(diagram_hidden(log.ev[0], DIAGRAM_HIDE_TCP));
	assert_false(diagram_hidden(log.ev[0], DIAGRAM_HIDE_CHECKS | DIAGRAM_HIDE_KEYS));
	assert_true(diagram_hidden(log.ev[2], DIAGRAM_HIDE_CHECKS));
	assert_true(diagram_hidden(log.ev[3], DIAGRAM_HIDE_KEYS));
	assert_false(diagram_hidden(log.ev[1], DIAGRAM_HIDE_TCP | DIAGRAM_HIDE_CHECKS | DIAGRAM_HIDE_KEYS));
	assert_int_equal(diagram_build_filtered(&d, &log, 5, 0, DIAGRAM_HIDE_TCP | DIAGRAM_HIDE_KEYS, -1), 0);
	assert_int_equal(diagram_row_of(&d, 0), -1);
	assert_int_equal(diagram_row_of(&d, 3), -1);
	assert_true(diagram_row_of(&d, 1) >= 0);
	assert_true(diagram_row_of(&d, 2) >= 0);
	/* the selected one always shows */
	assert_int_equal(diagram_build_filtered(&d, &log, 5, 0, DIAGRAM_HIDE_TCP, 0), 0);
	assert_true(diagram_row_of(&d, 0) >= 0);
	diagram_free(&d);
	evlog_clear(&log);
}

/* Through the view's keys: / typed on the status line, n N, Esc; f and
 * its toggles; stepping goes past hidden events. */
static void test_view_keys(void **state)
{
	struct evlog log;
	struct view v;
	struct grid g;

	(void)state;
	build(&log);
	view_init(&v, 0);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	for (int i = 0; i < 5; i++)
		view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.selected, 4);
	assert_true(view_key(&v, &log, '/') & VF_REDRAW);
	assert_true(v.search_edit);
	view_key(&v, &log, 'h');
	view_key(&v, &log, 'e');
	view_key(&v, &log, 'l');
	view_key(&v, &log, 'x');
	view_key(&v, &log, VIEW_KEY_BACKSPACE);
	view_key(&v, &log, 'l');
	assert_string_equal(v.query, "hell");
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "/hell_"));
	assert_true(screen_has(&g, "2 matches"));
	view_key(&v, &log, '\n');
	assert_true(v.search_on);
	/* n and N move between the matches, the status line says where */
	view_key(&v, &log, 'n');
	assert_int_equal(v.selected, 1);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "/hell: match 1 of 2"));
	view_key(&v, &log, 'n');
	assert_int_equal(v.selected, 4);
	view_key(&v, &log, 'N');
	assert_int_equal(v.selected, 1);
	/* Esc ends it: n steps again */
	view_action(&v, &log, ACT_ESC);
	assert_false(v.search_on);
	assert_int_equal(view_key(&v, &log, 'n'), 0);
	/* f: hide TCP and the keys */
	assert_true(view_key(&v, &log, 'f') & VF_REDRAW);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "Filter: layers shown"));
	assert_true(screen_has(&g, "t  [x] TCP segments (1)"));
	view_key(&v, &log, 't');
	view_key(&v, &log, 'k');
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "t  [ ] TCP segments (1)"));
	view_key(&v, &log, 'f');
	assert_false(v.filter_open);
	view_draw(&g, &v, &log);
	assert_true(screen_has(&g, "2 hidden (f)"));
	assert_false(screen_has(&g, "master secret"));
	/* Home goes to the first shown event, Down skips the hidden key */
	view_action(&v, &log, ACT_HOME);
	assert_int_equal(v.selected, 1);
	view_action(&v, &log, ACT_DOWN);
	view_action(&v, &log, ACT_DOWN);
	assert_int_equal(v.selected, 4);
	/* stepping from the start: Space goes past the hidden SYN */
	view_reset(&v);
	view_action(&v, &log, ACT_NEXT);
	assert_int_equal(v.revealed, 2);
	assert_int_equal(v.selected, 1);
	grid_free(&g);
	view_free(&v);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_view_keys),
	};

	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
