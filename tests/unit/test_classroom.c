#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "app/classroom.h"

/* A learner's exchanges through waiting, serving and refusal: rows and
 * totals as the teacher's view reads them. */
static void test_seats(void **state)
{
	struct classroom c;
	struct class_row *rows = NULL;
	struct class_totals t;
	size_t a, b, n;

	(void)state;
	classroom_init(&c, 1, 1);
	a = classroom_row(&c, "192.0.2.10");
	b = classroom_row(&c, "192.0.2.11");
	assert_int_equal(classroom_row(&c, "192.0.2.10"), a);
	assert_int_not_equal(a, b);
	classroom_begin(&c, a, 1, 0);
	classroom_wait(&c, b, 2);
	n = classroom_snapshot(&c, &rows, &t, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(t.active, 1);
	assert_int_equal(t.waiting, 1);
	assert_int_equal(t.learners, 2);
	assert_int_equal(rows[a].seat, SEAT_ACTIVE);
	assert_int_equal(rows[b].seat, SEAT_WAITING);
	assert_non_null(strstr(rows[b].why, "1 learners served at once"));
	free(rows);
	classroom_end(&c, a, 1, 0, "server: the peer does not speak TLS here");
	classroom_begin(&c, b, 2, 1);
	classroom_end(&c, b, 2, 1, "TLSv1.3 TLS_AES_128_GCM_SHA256");
	classroom_wait(&c, b, 3);
	classroom_refuse(&c, b, 3, "refused: the class was full");
	n = classroom_snapshot(&c, &rows, &t, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(t.active, 0);
	assert_int_equal(t.waiting, 0);
	assert_int_equal(t.served, 2);
	assert_int_equal(t.ok, 1);
	assert_int_equal(t.failed, 1);
	assert_int_equal(t.refused, 1);
	assert_int_equal(rows[a].seat, SEAT_FAILED);
	assert_string_equal(rows[a].why, "server: the peer does not speak TLS here");
	assert_int_equal(rows[b].seat, SEAT_REFUSED);
	assert_int_equal(rows[b].exchanges, 1);
	assert_int_equal(rows[b].ok, 1);
	assert_int_equal(rows[b].refused, 1);
	free(rows);
	classroom_free(&c);
}

/* The view's copy of a learner's exchange grows with it, and starts over
 * when the learner starts another exchange. */
static void test_copies(void **state)
{
	struct classroom c;
	struct evlog log, view;
	struct class_row *rows = NULL;
	struct class_totals t;
	int cur = -1;
	size_t r;

	(void)state;
	classroom_init(&c, 4, 0);
	evlog_init(&log);
	evlog_init(&view);
	r = classroom_row(&c, "127.0.0.1");
	classroom_begin(&c, r, 1, 0);
	evlog_add(&log, EV_TCP_CONNECTED, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "accepted");
	evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, "\x01\x00\x00\x00", 4, "ClientHello");
	classroom_publish(&c, r, 1, &log, 0);
	assert_int_equal(classroom_copy_log(&c, r, &view, &cur), 1);
	assert_int_equal(cur, 1);
	assert_int_equal(view.n, 2);
	assert_string_equal(view.ev[1]->summary, "ClientHello");
	assert_int_equal(view.ev[1]->raw_len, 4);
	assert_ptr_not_equal(view.ev[1], log.ev[1]);
	classroom_snapshot(&c, &rows, &t, NULL);
	assert_string_equal(rows[r].step, "ClientHello");
	assert_int_equal(rows[r].nevents, 2);
	assert_int_equal(rows[r].log.n, 0); /* snapshots carry no log */
	free(rows);
	evlog_add(&log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "ServerHello");
	classroom_publish(&c, r, 1, &log, 2);
	assert_int_equal(classroom_copy_log(&c, r, &view, &cur), 0);
	assert_int_equal(view.n, 3);
	/* an older exchange of the same learner no longer shows */
	classroom_begin(&c, r, 2, 0);
	classroom_publish(&c, r, 1, &log, 0);
	assert_int_equal(classroom_copy_log(&c, r, &view, &cur), 1);
	assert_int_equal(cur, 2);
	assert_int_equal(view.n, 0);
	evlog_clear(&log);
	evlog_clear(&view);
	classroom_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seats),
		cmocka_unit_test(test_copies),
	};

	return cmocka_run_group_tests_name("classroom", tests, NULL, NULL);
}
