#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "tests/unit/gridutil.h"
#include "ui/classview.h"

static const struct classview_info info = {
	.listen = "0.0.0.0:8443",
	.names = "DNS:teacher,IP:::1,IP:192.0.2.2",
	.ca_out = "httpsviz-ca.pem",
	.tls = "TLS 1.2 and 1.3",
	.port = 8443,
	.learner_addr = "192.0.2.2",
};

static void row(struct class_row *r, const char *addr, enum seat seat, const char *step, const char *why)
{
	memset(r, 0, sizeof *r);
	snprintf(r->addr, sizeof r->addr, "%s", addr);
	r->seat = seat;
	r->exchanges = seat == SEAT_WAITING || seat == SEAT_REFUSED ? 0 : 1;
	r->nevents = step != NULL ? 7 : 0;
	snprintf(r->step, sizeof r->step, "%s", step != NULL ? step : "");
	snprintf(r->why, sizeof r->why, "%s", why);
}

/* Every learner's row says where it is, the header says the places. */
static void test_rows(void **state)
{
	struct class_row rows[5];
	struct class_totals t = {.max_clients = 2, .limited = 1, .active = 2, .waiting = 1, .served = 4,
				 .ok = 1, .failed = 1, .refused = 1, .learners = 5};
	struct classview cv;
	struct grid g;

	(void)state;
	row(&rows[0], "192.0.2.10", SEAT_OK, "FIN", "TLSv1.3 TLS_AES_128_GCM_SHA256");
	row(&rows[1], "192.0.2.11", SEAT_FAILED, "protocol error", "server: the peer does not speak TLS here");
	row(&rows[2], "192.0.2.12", SEAT_ACTIVE, "ClientKeyExchange", "");
	row(&rows[3], "192.0.2.13", SEAT_WAITING, NULL, "waiting for a place: 2 learners served at once");
	row(&rows[4], "192.0.2.14", SEAT_REFUSED, NULL, "refused: the class was full");
	classview_init(&cv);
	assert_int_equal(grid_init(&g, 100, 30, 0), 0);
	classview_draw(&g, &cv, rows, 5, &t, &info);
	assert_true(screen_has(&g, "HTTPS on 0.0.0.0:8443"));
	assert_true(screen_has(&g, "TLS 1.2 and 1.3"));
	assert_true(screen_has(&g, "httpsviz connect 192.0.2.2:8443 --cafile httpsviz-ca.pem"));
	assert_true(screen_has(&g, "Certificate names: DNS:localhost, IP:127.0.0.1, DNS:teacher, IP:::1, IP:192.0.2.2"));
	assert_true(screen_has(&g, "Places: 2 of 2 taken (--max-clients 2), the class is full; 1 waiting for a place"));
	assert_true(screen_has(&g, "Exchanges: 4 served, 1 complete, 1 failed, 1 refused (class full); 5 learners"));
	assert_true(screen_has(&g, "192.0.2.10              1     FIN                   ok TLSv1.3 TLS_AES_128_GCM_SHA256"));
	assert_true(screen_has(&g, "FAILED: server: the peer does not speak TLS"));
	assert_true(screen_has(&g, "192.0.2.12              1     ClientKeyExchange     in progress (7 events)"));
	assert_true(screen_has(&g, "192.0.2.13              1     -                     waiting for a place"));
	assert_true(screen_has(&g, "refused: the class was full"));
	assert_false(screen_has(&g, "No learner yet"));
	/* nothing selected until a key moves the cursor */
	assert_false(screen_has(&g, "> 192"));
	assert_int_equal(classview_action(&cv, 5, ACT_DOWN), VF_REDRAW);
	assert_int_equal(classview_action(&cv, 5, ACT_DOWN), VF_REDRAW);
	classview_draw(&g, &cv, rows, 5, &t, &info);
	assert_true(screen_has(&g, "> 192.0.2.11"));
	/* the selected learner's reason in full */
	assert_true(screen_has(&g, "192.0.2.11, exchange #0 (0 ok, 0 failed, 0 refused): FAILED: server: the peer does not speak TLS"));
	{
		char buf[256];

		grid_row_utf8(&g, find_row(&g, "exchange #0") + 1, buf, sizeof buf);
		assert_string_equal(buf, " here");
	}
	assert_int_equal(classview_action(&cv, 5, ACT_END), VF_REDRAW);
	assert_int_equal(cv.sel, 4);
	assert_int_equal(classview_action(&cv, 5, ACT_DOWN), 0);
	assert_int_equal(classview_action(&cv, 5, ACT_HOME), VF_REDRAW);
	assert_int_equal(cv.sel, 0);
	assert_int_equal(classview_action(&cv, 5, ACT_UP), 0);
	/* with no limit from the teacher, no "--max-clients" */
	t.limited = 0;
	t.max_clients = 256;
	classview_draw(&g, &cv, rows, 5, &t, &info);
	assert_true(screen_has(&g, "Learners served now: 2 (at most 256 at once)"));
	assert_false(screen_has(&g, "--max-clients"));
	grid_free(&g);
}

/* An empty class says so; many learners scroll with the selection. */
static void test_empty_and_scroll(void **state)
{
	struct class_row *rows = calloc(60, sizeof *rows);
	struct class_totals t = {.max_clients = 256};
	struct classview cv;
	struct grid g;
	char addr[32];

	(void)state;
	assert_non_null(rows);
	classview_init(&cv);
	assert_int_equal(grid_init(&g, 80, 24, 1), 0);
	classview_draw(&g, &cv, NULL, 0, &t, &info);
	assert_true(screen_has(&g, "No learner yet"));
	assert_int_equal(classview_action(&cv, 0, ACT_DOWN), 0);
	for (int i = 0; i < 60; i++) {
		snprintf(addr, sizeof addr, "10.0.0.%d", i + 1);
		row(&rows[i], addr, SEAT_OK, "FIN", "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256");
	}
	classview_draw(&g, &cv, rows, 60, &t, &info);
	assert_true(screen_has(&g, "v more"));
	assert_false(screen_has(&g, "10.0.0.60 "));
	classview_action(&cv, 60, ACT_END);
	classview_draw(&g, &cv, rows, 60, &t, &info);
	assert_true(screen_has(&g, "> 10.0.0.60"));
	assert_true(screen_has(&g, "^ more"));
	assert_false(screen_has(&g, "v more"));
	/* too small: a plain message */
	grid_free(&g);
	assert_int_equal(grid_init(&g, 60, 15, 0), 0);
	classview_draw(&g, &cv, rows, 60, &t, &info);
	assert_true(screen_has(&g, "enlarge the terminal"));
	grid_free(&g);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_empty_and_scroll),
	};

	return cmocka_run_group_tests_name("classview", tests, NULL, NULL);
}
