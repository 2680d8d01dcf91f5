#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/event.h"
#include "protocol/http.h"
#include "protocol/sanitize.h"

static void expect(const char *in, size_t n, const char *want)
{
	char *s = sanitize_bytes(in, n);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_bidi_and_invisible(void **state)
{
	(void)state;
	/* U+061C ARABIC LETTER MARK, and the other bidi controls */
	expect("a\xd8\x9c" "b", 4, "a\\xd8\\x9cb");
	expect("\xe2\x80\x8e\xe2\x80\x8f", 6, "\\xe2\\x80\\x8e\\xe2\\x80\\x8f");             /* LRM RLM */
	expect("\xe2\x80\xae", 3, "\\xe2\\x80\\xae");                                         /* RLO */
	expect("\xe2\x81\xa6\xe2\x81\xa9", 6, "\\xe2\\x81\\xa6\\xe2\\x81\\xa9");             /* LRI PDI */
	expect("\xc2\xad", 2, "\\xc2\\xad");                                                  /* soft hyphen */
	expect("\xe2\x80\x8b", 3, "\\xe2\\x80\\x8b");                                         /* ZWSP */
	expect("\xef\xbb\xbf", 3, "\\xef\\xbb\\xbf");                                         /* BOM */
	expect("\xf3\xa0\x80\x81", 4, "\\xf3\\xa0\\x80\\x81");                                /* tag */
	expect("\xe3\x85\xa4", 3, "\\xe3\\x85\\xa4");                                         /* Hangul filler */
	expect("\xef\xbf\xbe", 3, "\\xef\\xbf\\xbe");                                         /* noncharacter */
	/* text that is merely wide or combining stays (the grid measures it) */
	expect("\xe2\x8c\x9a \xe4\xb8\xad e\xcc\x81", 11, "\xe2\x8c\x9a \xe4\xb8\xad e\xcc\x81");
	assert_int_equal(sanitize_dangerous_cp(0x061c), 1);
	assert_int_equal(sanitize_dangerous_cp(0x0041), 0);
	assert_int_equal(sanitize_dangerous_cp(0x4e2d), 0);
}

/* One byte of every value at every place of plain text, of lengths below,
 * at and past eight (sanitize() checks eight bytes at a time for text it
 * can copy as it is): only that byte changes, to what one byte becomes. */
static void test_each_byte_in_plain_text(void **state)
{
	static const size_t lens[] = {1, 7, 8, 9, 16, 19, 33};
	char text[40];
	char want[48];

	(void)state;
	for (int b = 0; b < 256; b++) {
		for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
			for (size_t at = 0; at < lens[k]; at++) {
				char one[5];

				memset(text, 'a', lens[k]);
				text[at] = (char)b;
				if (b == '\\')
					strcpy(one, "\\\\");
				else if (b >= 0x20 && b < 0x7f)
					snprintf(one, sizeof one, "%c", b);
				else
					snprintf(one, sizeof one, "\\x%02x", b); /* controls; alone, no UTF-8 */
				snprintf(want, sizeof want, "%.*s%s%.*s", (int)at, text, one,
					 (int)(lens[k] - at - 1), text + at + 1);
				expect(text, lens[k], want);
			}
		}
	}
}

static void test_nul_hides_nothing(void **state)
{
	(void)state;
	expect("good\0.evil", 10, "good\\x00.evil");
}

static void test_one_escaping(void **state)
{
	char *span;
	char *s;
	char text[128];

	(void)state;
	/* a peer's bytes quoted into a larger text, sanitised again at the end:
	 * escaped once */
	span = sanitize_span("a\x1b" "b\\c\0d", 7);
	assert_non_null(span);
	snprintf(text, sizeof text, "SNI %s, done", span);
	s = sanitize_bytes(text, strlen(text));
	assert_string_equal(s, "SNI a\\x1bb\\\\c\\x00d, done");
	free(s);
	free(span);
	/* forged marks in a peer's bytes are escaped inside a span */
	span = sanitize_span("\xee\x80\x80x\xee\x80\x81", 7);
	s = sanitize_bytes(span, strlen(span));
	assert_string_equal(s, "\\xee\\x80\\x80x\\xee\\x80\\x81");
	free(s);
	free(span);
	/* text already sanitised, marked, keeps its backslashes */
	span = sanitize_mark("a\\x1bb");
	s = sanitize_bytes(span, strlen(span));
	assert_string_equal(s, "a\\x1bb");
	free(s);
	free(span);
}

/* An HTTP response from a hostile peer: every field escaped exactly once,
 * a NUL hides nothing, in the summary as in the fields. */
static void test_http_fields(void **state)
{
	static const char resp[] = "HTTP/1.1 200 O\x1bK\r\nX-A: v\0hidden\x1b[2J\r\n\r\nbody\x1b[31m\\";
	struct evlog log;
	struct event *ev;
	const struct field *f;
	char *line;

	(void)state;
	evlog_init(&log);
	line = sanitize_span(resp, 16);
	ev = evlog_add(&log, EV_HTTP_RESPONSE, ACTOR_CLIENT, DIR_LOCAL, resp, sizeof resp - 1, "%s (n bytes)", line);
	free(line);
	assert_non_null(ev);
	assert_string_equal(ev->summary, "HTTP/1.1 200 O\\x1bK (n bytes)");
	assert_int_equal(http_decode(ev), 200);
	f = event_find_field(ev, "reason");
	assert_non_null(f);
	assert_string_equal(f->value, "O\\x1bK");
	f = event_find_field(ev, "header");
	assert_non_null(f);
	assert_string_equal(f->value, "X-A: v\\x00hidden\\x1b[2J");
	f = event_find_field(ev, "body");
	assert_non_null(f);
	assert_string_equal(f->value, "10 bytes: body\\x1b[31m\\\\");
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bidi_and_invisible),
		cmocka_unit_test(test_nul_hides_nothing),
		cmocka_unit_test(test_each_byte_in_plain_text),
		cmocka_unit_test(test_one_escaping),
		cmocka_unit_test(test_http_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
