/* The HTTP start line as a typed fact: a request's method and target, a
 * response's status, read from the bytes and never past them. */
#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <string.h>

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

/* Feed a whole response to the framer in pieces of `step` bytes; returns
 * the last http_body_feed result (or -2 when the header block is bad). */
static int frame(struct http_body *b, const char *resp, size_t step)
{
	size_t len = strlen(resp);
	size_t h = http_header_end(resp, len);
	int rc = 0;

	assert_true(h > 0);
	if (http_body_begin(b, resp, h) < 0)
		return -2;
	if (b->done)
		return 1;
	for (size_t i = h; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;

		rc = http_body_feed(b, resp + i, n);
		if (rc != 0)
			break;
	}
	return rc;
}

static void test_content_length(void **state)
{
	const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct http_body b;
	char why[256];

	(void)state;
	for (size_t step = 1; step <= 5; step++) {
		assert_int_equal(frame(&b, r, step), 1);
		assert_int_equal(b.framing, HTTP_BODY_LENGTH);
		assert_int_equal(b.seen, 5);
	}
	assert_int_equal(http_body_end(&b, 0, why, sizeof why), 1);
	/* short: cut after 3 of 5 bytes, whether close_notify came or not */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\ncontent-length:5\r\n\r\nhel", 2), 0);
	assert_int_equal(http_body_end(&b, 1, why, sizeof why), 0);
	assert_non_null(strstr(why, "its body has 3 of the 5 bytes its Content-Length announced"));
	assert_non_null(strstr(why, "with close_notify"));
	assert_int_equal(http_body_end(&b, 0, why, sizeof why), 0);
	assert_non_null(strstr(why, "without TLS close_notify"));
	/* a repeated, equal value and an equal list are one length */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nhi", 1), 1);
	/* bytes past the end are counted, not body */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi!!", 4), 1);
	assert_int_equal(b.extra, 2);
}

static void test_content_length_malformed(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/2 200\r\n\r\n",
	};
	struct http_body b;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(frame(&b, bad[i], 3), -2);
		assert_true(b.error[0] != '\0');
		assert_int_equal(http_response_complete(bad[i], strlen(bad[i])), -1);
	}
	assert_non_null(strstr((frame(&b, bad[2], 1), b.error), "conflicting Content-Length"));
	assert_non_null(strstr((frame(&b, bad[0], 1), b.error), "not a non-negative decimal"));
}

static void test_chunked(void **state)
{
	const char *r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
			"5;ext=1\r\nHello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n";
	/* a chunk whose data holds the end marker does not end the body */
	const char *tricky = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "7\r\n0\r\n\r\n!!\r\n0\r\n\r\n";
	struct http_body b;
	char why[256];

	(void)state;
	for (size_t step = 1; step < 8; step++) {
		assert_int_equal(frame(&b, r, step), 1);
		assert_int_equal(b.framing, HTTP_BODY_CHUNKED);
		assert_int_equal(b.seen, 5 + 26);
		assert_int_equal(b.chunks, 3);
	}
	assert_int_equal(frame(&b, tricky, 1), 1);
	assert_int_equal(b.seen, 7);
	assert_int_equal(http_response_complete(tricky, strlen(tricky) - 5), 0);
	/* cut inside the second chunk */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n400\r\nyyyy", 3), 0);
	assert_int_equal(http_body_end(&b, 1, why, sizeof why), 0);
	assert_non_null(strstr(why, "ended inside chunk 2 (4 of its 1024 bytes)"));
	/* cut between chunks */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n", 3), 0);
	assert_int_equal(http_body_end(&b, 1, why, sizeof why), 0);
	assert_non_null(strstr(why, "before the last, empty chunk"));
	/* malformed chunk syntax */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1), -1);
	assert_non_null(strstr(b.error, "not hexadecimal"));
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 1), -1);
	assert_non_null(strstr(b.error, "longer than its size"));
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", 1), -1);
}

static void test_close_delimited_and_no_body(void **state)
{
	struct http_body b;
	char why[256];

	(void)state;
	/* no length: complete only when the connection ends with close_notify */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\n\r\nsome body", 4), 0);
	assert_int_equal(b.framing, HTTP_BODY_CLOSE);
	assert_int_equal(http_body_end(&b, 1, why, sizeof why), 1);
	assert_int_equal(http_body_end(&b, 0, why, sizeof why), 0);
	assert_non_null(strstr(why, "cannot be told from a truncation"));
	/* a Transfer-Encoding whose last coding is not chunked: also to the close */
	assert_int_equal(frame(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz", 4), 0);
	assert_int_equal(b.framing, HTTP_BODY_CLOSE);
	/* 204 and 304 have no body, whatever their headers say */
	assert_int_equal(frame(&b, "HTTP/1.1 204 No Content\r\n\r\n", 1), 1);
	assert_int_equal(frame(&b, "HTTP/1.1 304 Not Modified\r\nContent-Length: 40\r\n\r\n", 1), 1);
	assert_int_equal(b.framing, HTTP_BODY_NONE);
}

/* The body line of the response raw (decoded), or NULL. */
static const char *body_of(struct evlog *log, const char *raw)
{
	struct event *ev = fresh(log, EV_HTTP_RESPONSE, raw, strlen(raw));

	http_decode(ev);
	return ev->http.body_line;
}

/* A plain-text body's first non-blank line is a typed fact, bounded and
 * sanitised; markup and framing are not mistaken for it. */
static void test_body_line(void **state)
{
	struct evlog log;
	char big[600];
	const char *b;

	(void)state;
	evlog_init(&log);
	assert_string_equal(body_of(&log, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
					  "Content-Length: 26\r\n\r\nThe class is full.\nAgain.\n"),
			    "The class is full.");
	/* no Content-Type: taken as text; blank lines skipped */
	assert_string_equal(body_of(&log, "HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\n\r\n  not here\n"),
			    "not here");
	/* chunked: inside the first chunk, never the chunk size */
	assert_string_equal(body_of(&log, "HTTP/1.1 500 Oops\r\nContent-Type: TEXT/PLAIN\r\nTransfer-Encoding: chunked\r\n\r\n"
					  "5\r\nbroke\r\n0\r\n\r\n"),
			    "broke");
	/* Content-Length bounds it: bytes after the body are not the body */
	assert_null(body_of(&log, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nextra\n"));
	/* HTML, other types, no body, a 204: none */
	assert_null(body_of(&log, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 7\r\n\r\n<html>\n"));
	assert_null(body_of(&log, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plainish\r\nContent-Length: 2\r\n\r\nx\n"));
	assert_null(body_of(&log, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
	assert_null(body_of(&log, "HTTP/1.1 204 No Content\r\n\r\n"));
	/* a request has none */
	assert_null(body_of(&log, "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"));
	/* control bytes are made inert; a long line is cut, not inside a
	 * UTF-8 character */
	b = body_of(&log, "HTTP/1.1 403 Forbidden\r\n\r\nno \x1b[2J entry\n");
	assert_non_null(b);
	assert_null(strchr(b, 0x1b));
	/* "a", then two-byte characters: byte 160 is inside one */
	snprintf(big, sizeof big, "HTTP/1.1 500 X\r\n\r\na");
	for (size_t k = strlen(big); k + 3 < sizeof big; k += 2)
		memcpy(big + k, "\xc3\xa9", 2); /* é, two bytes each */
	big[sizeof big - 1] = '\0';
	b = body_of(&log, big);
	assert_non_null(b);
	assert_true(strlen(b) <= HTTP_FACT_BODY_LINE);
	assert_int_equal(strlen(b), HTTP_FACT_BODY_LINE - 1);
	assert_null(strstr(b, "\\x"));
	/* a copy keeps it */
	{
		struct evlog copy;

		evlog_init(&copy);
		assert_int_equal(evlog_append_copies(&copy, &log, log.n - 1), 0);
		assert_string_equal(copy.ev[0]->http.body_line, b);
		evlog_clear(&copy);
	}
	evlog_clear(&log);
}

/* What connect says of a response that is not a success. */
static void test_answer_str(void **state)
{
	struct http_fact f = {0};
	char buf[400];

	(void)state;
	assert_int_equal(http_answer_str(&f, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	f.status = 200;
	f.line = "HTTP/1.1 200 OK";
	assert_int_equal(http_answer_str(&f, buf, sizeof buf), 0);
	f.status = 404;
	f.line = "HTTP/1.1 404 Not Found";
	assert_int_equal(http_answer_str(&f, buf, sizeof buf), 1);
	assert_string_equal(buf, "the server answered HTTP 404 Not Found");
	f.status = 503;
	f.line = "HTTP/1.1 503 Service Unavailable";
	f.body_line = "The class server is full: it serves 2 learners at once (httpsviz serve --max-clients 2).";
	assert_int_equal(http_answer_str(&f, buf, sizeof buf), 1);
	assert_string_equal(buf, "the server answered HTTP 503 Service Unavailable: The class server is full: it "
				 "serves 2 learners at once (httpsviz serve --max-clients 2).");
	f.status = 301;
	f.line = "HTTP/1.1 301 Moved Permanently";
	f.body_line = NULL;
	assert_int_equal(http_answer_str(&f, buf, sizeof buf), 1);
	assert_string_equal(buf, "the server answered HTTP 301 Moved Permanently (a redirect, not followed)");
	/* a short buffer is cut, never overrun */
	assert_int_equal(http_answer_str(&f, buf, 10), 1);
	assert_int_equal(strlen(buf), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_decode_sets_fact),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_content_length_malformed),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_close_delimited_and_no_body),
		cmocka_unit_test(test_body_line),
		cmocka_unit_test(test_answer_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
