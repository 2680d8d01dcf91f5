/* The HTTP start line as a typed fact: a request's method and target, a
 * response's status, read from the bytes and never past them. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/event.h"
#include "protocol/http.h"

/* A fresh event in log, for a fact to be set on. */
static struct event *fresh(struct evlog *log, enum evname name, const void *raw, size_t n)
{
	struct event *ev = evlog_add(log, name, ACTOR_CLIENT, DIR_LOCAL, raw, n, "x");

	assert_non_null(ev);
	return ev;
}

static void test_start_line(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *method, *target;
	} cases[] = {
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET", "/"},
		{"HEAD /a/b?c=d HTTP/1.0", 0, "HEAD", "/a/b?c=d"},
		{"HTTP/1.1 200 OK\r\n", 200, NULL, NULL},
		{"HTTP/1.0 404 Not Found\n", 404, NULL, NULL},
		{"HTTP/1.1 301 ", 301, NULL, NULL},
		{"HTTP/1.1 2x0 OK", -1, NULL, NULL},
		{"HTTP/1.1 099 Too low", -1, NULL, NULL},
		{"GET /", -1, NULL, NULL},
		{"GET  HTTP/1.1", -1, NULL, NULL},
		{" / HTTP/1.1", -1, NULL, NULL},
		{"GET / FTP/1.1", -1, NULL, NULL},
		{"", -1, NULL, NULL},
	};
	struct evlog log;

	(void)state;
	evlog_init(&log);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct event *ev = fresh(&log, EV_HTTP_REQUEST, NULL, 0);
		int rc = http_start_line(ev, cases[i].in, strlen(cases[i].in));

		if (rc != cases[i].rc)
			fail_msg("case %zu \"%s\": %d, want %d", i, cases[i].in, rc, cases[i].rc);
		if (rc < 0) {
			assert_null(ev->http.line);
			assert_int_equal(ev->http.status, 0);
			continue;
		}
		assert_int_equal(ev->http.status, rc);
		assert_int_equal(strlen(ev->http.line), strcspn(cases[i].in, "\r\n"));
		if (cases[i].method != NULL) {
			assert_string_equal(ev->http.method, cases[i].method);
			assert_string_equal(ev->http.target, cases[i].target);
		} else {
			assert_null(ev->http.method);
			assert_null(ev->http.target);
		}
	}
	assert_int_equal(http_start_line(fresh(&log, EV_HTTP_REQUEST, NULL, 0), NULL, 5), -1);
	evlog_clear(&log);
}

/* Only len bytes are read: a line cut by the length is judged as cut. */
static void test_bounded(void **state)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\n";
	struct evlog log;
	struct event *ev;
	char *exact;

	(void)state;
	evlog_init(&log);
	/* cut inside the version: not a request line */
	ev = fresh(&log, EV_HTTP_REQUEST, NULL, 0);
	assert_int_equal(http_start_line(ev, req, 20), -1);
	/* exactly the line, in a buffer with no terminator after it */
	exact = malloc(24);
	assert_non_null(exact);
	memcpy(exact, req, 24);
	assert_int_equal(http_start_line(ev, exact, 24), 0);
	assert_string_equal(ev->http.target, "/index.html");
	free(exact);
	evlog_clear(&log);
}

/* http_decode gives the fact along with the fields, for the demo server's
 * real request and answers. */
static void test_decode_sets_fact(void **state)
{
	struct evlog log;
	struct event *ev;
	char *req = http_build_request("localhost", "443", "/nope");
	char *resp;
	size_t n;

	(void)state;
	assert_non_null(req);
	evlog_init(&log);
	ev = fresh(&log, EV_HTTP_REQUEST, req, strlen(req));
	assert_int_equal(http_decode(ev), 0);
	assert_string_equal(ev->http.method, "GET");
	assert_string_equal(ev->http.target, "/nope");
	assert_string_equal(ev->http.line, "GET /nope HTTP/1.1");
	resp = http_build_response(req, strlen(req), &n);
	assert_non_null(resp);
	ev = fresh(&log, EV_HTTP_RESPONSE, resp, n);
	assert_int_equal(http_decode(ev), 404);
	assert_int_equal(ev->http.status, 404);
	assert_null(ev->http.method);
	free(resp);
	resp = http_build_response("GET / HTTP/1.1\r\n\r\n", 18, &n);
	assert_non_null(resp);
	ev = fresh(&log, EV_HTTP_RESPONSE, resp, n);
	assert_int_equal(http_decode(ev), 200);
	assert_int_equal(ev->http.status, 200);
	free(resp);
	/* no header block: no fact */
	ev = fresh(&log, EV_HTTP_RESPONSE, "HTTP/1.1 200 OK\r\n", 17);
	assert_int_equal(http_decode(ev), -1);
	assert_null(ev->http.line);
	free(req);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_decode_sets_fact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
