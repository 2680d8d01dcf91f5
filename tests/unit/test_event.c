#include "tests/unit/testutil.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "protocol/event.h"
#include "protocol/sanitize.h"

static void test_add_and_fields(void **state)
{
	struct evlog log;
	const uint8_t raw[] = {0x16, 0x03, 0x03, 0x00, 0x02, 0xaa, 0xbb};
	struct event *ev;

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, raw, sizeof raw,
		       "hello %d", 42);
	assert_non_null(ev);
	assert_int_equal(ev->seq, 1);
	assert_string_equal(ev->summary, "hello 42");
	assert_memory_equal(ev->raw, raw, sizeof raw);
	assert_int_equal(event_field(ev, 0, "type", 0, 1, "%u", raw[0]), 0);
	assert_int_equal(event_field_hex(ev, 1, "body", 5, 2, 0), 1);
	assert_string_equal(ev->fields[1].value, "aabb");
	/* a range past the raw bytes is clamped, never trusted */
	assert_int_equal(event_field(ev, 0, "bad", 6, 10, "x"), 2);
	assert_int_equal(ev->fields[2].length, 0);
	assert_string_equal(event_find_field(ev, "body")->value, "aabb");
	assert_null(event_find_field(ev, "nope"));
	ev = evlog_add(&log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "x");
	assert_int_equal(ev->seq, 2);
	assert_true(ev->t_us >= log.ev[0]->t_us);
	assert_int_equal(evlog_find(&log, EV_TLS_SERVER_HELLO, 0), 1);
	assert_int_equal(evlog_find(&log, EV_TLS_FINISHED, 0), -1);
	evlog_clear(&log);
	assert_int_equal(log.n, 0);
}

static void test_catalogue(void **state)
{
	(void)state;
	for (int i = 0; i < EV__COUNT; i++) {
		const char *s = evname_str((enum evname)i);

		assert_int_equal(evname_from_str(s), i);
		assert_non_null(strchr(s, '.'));
		assert_true(strlen(evname_explain((enum evname)i)) > 10);
	}
	assert_int_equal(evname_from_str("tls.nonsense"), -1);
	assert_string_equal(evname_str(EV_TCP_SYN_ACK), "tcp.syn_ack");
	assert_int_equal(evname_layer(EV_CERT_HOSTNAME), LAYER_CERT);
}

static void test_sanitize(void **state)
{
	char *s;

	(void)state;
	s = sanitize_bytes("a\x1b[31mb\x07\\", 9);
	assert_string_equal(s, "a\\x1b[31mb\\x07\\\\");
	free(s);
	s = sanitize_bytes("caf\xc3\xa9", 5); /* valid UTF-8 passes */
	assert_string_equal(s, "caf\xc3\xa9");
	free(s);
	s = sanitize_bytes("\xc2\x9b" "x", 3); /* C1 CSI is escaped */
	assert_string_equal(s, "\\xc2\\x9bx");
	free(s);
	s = sanitize_bytes("\xe2\x80\xae", 3); /* right-to-left override */
	assert_string_equal(s, "\\xe2\\x80\\xae");
	free(s);
	s = sanitize_bytes("\xc0\xaf", 2); /* overlong */
	assert_string_equal(s, "\\xc0\\xaf");
	free(s);
	s = sanitize_bytes("a\0b", 3);
	assert_string_equal(s, "a\\x00b");
	free(s);
	s = sanitize_ascii("caf\xc3\xa9", 5);
	assert_string_equal(s, "caf\\xc3\\xa9");
	free(s);
}

static void test_summary_sanitised(void **state)
{
	struct evlog log;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_HTTP_RESPONSE, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "%s", "x\x1b]0;pwned\x07");
	assert_string_equal(ev->summary, "x\\x1b]0;pwned\\x07");
	assert_int_equal(event_field(ev, 0, "evil\x1b", 0, 0, "%s", "\r\n"), 0);
	assert_string_equal(ev->fields[0].name, "evil\\x1b");
	assert_string_equal(ev->fields[0].value, "\\x0d\\x0a");
	event_set_result(ev, RESULT_FAIL, 10, "certificate has expired");
	assert_int_equal(ev->result, RESULT_FAIL);
	assert_string_equal(ev->x509_error_text, "certificate has expired");
	evlog_clear(&log);
}

/* A field formatted from fmt and its arguments holds what snprintf makes of
 * them, sanitised: event.c formats the common conversions itself and must
 * give the same bytes, and hand everything else to vsnprintf. */
#define EXPECT_AS_PRINTF(ev, ...)                                                  \
	do {                                                                       \
		char want_[2048];                                                  \
		int n_ = snprintf(want_, sizeof want_, __VA_ARGS__);               \
		char *clean_ = sanitize_bytes(want_, (size_t)n_);                  \
		int i_ = event_field(ev, 0, "f", 0, 0, __VA_ARGS__);               \
		assert_true(i_ >= 0);                                              \
		assert_string_equal(ev->fields[i_].value, clean_);                 \
		free(clean_);                                                      \
	} while (0)

static void test_field_formats(void **state)
{
	struct evlog log;
	struct event *ev;
	char longer[401];

	(void)state;
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "x");
	assert_non_null(ev);
	EXPECT_AS_PRINTF(ev, "plain text, no conversion");
	EXPECT_AS_PRINTF(ev, "%s", "");
	EXPECT_AS_PRINTF(ev, "%s (0x%0*x)", "TLS_AES_128_GCM_SHA256", 4, 0x1301);
	EXPECT_AS_PRINTF(ev, "0x%0*x|%0*x", 0, 0u, 6, 0xabcu);
	EXPECT_AS_PRINTF(ev, "%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	EXPECT_AS_PRINTF(ev, "[%05d] [%5d] [%05d] [%2d]", -42, -42, 42, 12345);
	EXPECT_AS_PRINTF(ev, "%u %x %08x %02x%02x", UINT_MAX, 0xdeadbeefu, 0u, 1u, 0xffu);
	EXPECT_AS_PRINTF(ev, "%ld %ld %lu %lx", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX);
	EXPECT_AS_PRINTF(ev, "%lld %llu %llx", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefull);
	EXPECT_AS_PRINTF(ev, "%zu bytes, %zx", SIZE_MAX, (size_t)4096);
	EXPECT_AS_PRINTF(ev, "100%% of %s%%", "it");
	EXPECT_AS_PRINTF(ev, "[%5s] [%2s] [%*s]", "ab", "abcdef", 4, "x");
	/* what the quick path leaves to vsnprintf */
	EXPECT_AS_PRINTF(ev, "[%-5d] [%+d] [% d] [%#x] [%.3d] [%.2s]", 7, 7, 7, 255u, 7, "abc");
	EXPECT_AS_PRINTF(ev, "[%*d] [%c] [%hu] [%zd] [%X]", -4, 7, 'q', (unsigned short)65535,
			 (ssize_t)-3, 0xabu);
	/* longer than the stack buffer, by conversions and by width */
	EXPECT_AS_PRINTF(ev, "%s %s", longer, longer);
	EXPECT_AS_PRINTF(ev, "%s: %d", longer, 1);
	EXPECT_AS_PRINTF(ev, "[%600d]", 3);
	EXPECT_AS_PRINTF(ev, "%0*u", 511, 9u);
	/* still sanitised, whichever way it was formatted */
	EXPECT_AS_PRINTF(ev, "%s=%u", "\x1b[31m\\", 3u);
	EXPECT_AS_PRINTF(ev, "%s", "caf\xc3\xa9 \xe2\x80\xae");
	EXPECT_AS_PRINTF(ev, "%c%s", 0, "after a NUL");
	evlog_clear(&log);
}

/* Every byte value at every place of a name or a value (event.c checks
 * eight bytes at a time before it copies text unescaped) comes out as
 * sanitize_bytes makes it. */
static void test_field_each_byte(void **state)
{
	/* lengths below, at and past a word, and with a tail */
	static const size_t lens[] = {1, 7, 8, 9, 16, 19};
	struct evlog log;
	char text[20];

	(void)state;
	evlog_init(&log);
	for (int b = 1; b < 256; b++) {
		struct event *ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "x");

		assert_non_null(ev);
		for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
			for (size_t at = 0; at < lens[k]; at++) {
				char *want;
				int i;

				memset(text, 'a', lens[k]);
				text[lens[k]] = '\0';
				text[at] = (char)b;
				want = sanitize_bytes(text, lens[k]);
				i = event_field(ev, 0, text, 0, 0, "%s", text);
				assert_true(i >= 0);
				assert_string_equal(ev->fields[i].name, want);
				assert_string_equal(ev->fields[i].value, want);
				i = event_field(ev, 0, "f", 0, 0, "<%s>", text);
				assert_true(i >= 0);
				assert_memory_equal(ev->fields[i].value + 1, want, strlen(want));
				free(want);
			}
		}
	}
	evlog_clear(&log);
}

/* The README documents every event name (they are a public contract). */
/* The typed facts: what readers decide on is a member, not a word of the
 * summary; a fresh event has none of them. */
static void test_facts(void **state)
{
	static const uint8_t close[] = {1, 0}, fatal[] = {2, 0};
	struct evlog log;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	/* zero means "does not apply": a fresh alert is not a close_notify,
	 * however its summary reads */
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "close_notify");
	assert_int_equal(ev->wire, WIRE_UNKNOWN);
	assert_int_equal(ev->alert.level, 0);
	assert_false(ev->tcp.captured);
	assert_null(ev->http.line);
	assert_int_equal(ev->tls_version, 0);
	assert_false(event_is_close_notify(ev));
	event_set_alert(ev, close, 1); /* too short: left unset */
	assert_false(event_is_close_notify(ev));
	event_set_alert(ev, close, 2);
	assert_true(event_is_close_notify(ev));
	assert_string_equal(alert_level_str(ev->alert.level), "warning");
	event_set_alert(ev, fatal, 2);
	/* description 0 at level fatal is still close_notify's code */
	assert_true(event_is_close_notify(ev));
	assert_string_equal(alert_level_str(ev->alert.level), "fatal");
	assert_string_equal(alert_level_str(7), "");
	/* only an alert event is ever a close_notify */
	ev = evlog_add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, DIR_C2S, NULL, 0, "f");
	event_set_alert(ev, close, 2);
	assert_false(event_is_close_notify(ev));
	/* failure: a failed check, a mismatch, an error event; nothing else */
	assert_false(event_failed(ev));
	ev->verified = 1;
	assert_false(event_failed(ev));
	ev->verified = 0;
	assert_true(event_failed(ev));
	ev = evlog_add(&log, EV_CERT_CHAIN, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "FAILED? no");
	assert_false(event_failed(ev));
	event_set_result(ev, RESULT_FAIL, 10, "certificate has expired");
	assert_true(event_failed(ev));
	ev = evlog_add(&log, EV_ERROR_TIMEOUT, ACTOR_APP, DIR_LOCAL, NULL, 0, "no answer");
	assert_true(event_failed(ev));
	/* the HTTP fact is copied, sanitised, replaced and freed with the log */
	ev = evlog_add(&log, EV_HTTP_REQUEST, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "r");
	{
		static const char line[] = "GET /\x1b[2J HTTP/1.1", target[] = "/\x1b[2J";

		assert_int_equal(event_set_http(ev, line, strlen(line), "GET", 3, target, strlen(target), 0), 0);
	}
	assert_string_equal(ev->http.method, "GET");
	assert_null(strchr(ev->http.target, 0x1b));
	assert_null(strchr(ev->http.line, 0x1b));
	assert_int_equal(event_set_http(ev, "HTTP/1.1 404 Not Found", 22, NULL, 0, NULL, 0, 404), 0);
	assert_null(ev->http.method);
	assert_null(ev->http.target);
	assert_int_equal(ev->http.status, 404);
	assert_string_equal(ev->http.line, "HTTP/1.1 404 Not Found");
	/* a summary replaced after decoding is sanitised too */
	assert_int_equal(event_set_summary(ev, "now %s", "\x1b[31mred"), 0);
	assert_null(strchr(ev->summary, 0x1b));
	assert_int_equal(strncmp(ev->summary, "now ", 4), 0);
	evlog_clear(&log);
}

static void test_readme_lists_every_event(void **state)
{
	FILE *f = fopen("README.md", "r");
	static char text[65536];
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	for (int i = 0; i < EV__COUNT; i++) {
		char want[64];

		snprintf(want, sizeof want, "| `%s` |", evname_str((enum evname)i));
		if (strstr(text, want) == NULL)
			print_error("README.md does not document %s\n", evname_str((enum evname)i));
		assert_non_null(strstr(text, want));
	}
}

/* evlog_insert: events made later take their place in the log, with the
 * time and step given, and every event after them is numbered on. */
static void test_insert(void **state)
{
	struct evlog log;
	struct evlog made;
	const char *want[] = {"a", "x", "y", "b", "c", "z"};

	(void)state;
	evlog_init(&log);
	evlog_init(&made);
	assert_non_null(evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "a"));
	assert_non_null(evlog_add(&log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "b"));
	assert_non_null(evlog_add(&log, EV_TLS_FINISHED, ACTOR_SERVER, DIR_S2C, NULL, 0, "c"));
	assert_non_null(evlog_add(&made, EV_KEX_ECDHE, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "x"));
	assert_non_null(evlog_add(&made, EV_KEX_TLS13_KEYS, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "y"));
	assert_int_equal(evlog_insert(&log, 1, &made, 42, 7), 2);
	assert_int_equal(made.n, 0);
	/* past the end: appended */
	assert_non_null(evlog_add(&made, EV_KEX_FINISHED, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "z"));
	assert_int_equal(evlog_insert(&log, 99, &made, 43, 8), 1);
	assert_int_equal(log.n, 6);
	for (size_t i = 0; i < log.n; i++) {
		assert_string_equal(log.ev[i]->summary, want[i]);
		assert_int_equal(log.ev[i]->seq, i + 1);
	}
	assert_int_equal(log.ev[1]->t_us, 42);
	assert_int_equal(log.ev[2]->step, 7);
	assert_int_equal(log.ev[5]->t_us, 43);
	evlog_clear(&made);
	evlog_clear(&log);
}

/* A reader's copy of a log: deep, numbered and timed as the original. */
static void test_copies(void **state)
{
	struct evlog src, dst;
	struct event *ev;

	(void)state;
	evlog_init(&src);
	evlog_init(&dst);
	ev = evlog_add(&src, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, "\x02\x28", 2, "Alert fatal");
	assert_non_null(ev);
	assert_true(event_field(ev, 0, "level", 0, 1, "fatal (2)") >= 0);
	event_set_result(ev, RESULT_FAIL, 10, "certificate has expired");
	ev->step = 3;
	ev->http.line = strdup("GET / HTTP/1.1");
	ev->http.method = strdup("GET");
	ev->http.status = 0;
	assert_non_null(evlog_add(&src, EV_TCP_FIN, ACTOR_CLIENT, DIR_C2S, NULL, 0, "FIN"));
	assert_int_equal(evlog_append_copies(&dst, &src, 0), 0);
	assert_int_equal(dst.n, 2);
	assert_ptr_not_equal(dst.ev[0], src.ev[0]);
	assert_int_equal(dst.ev[0]->seq, src.ev[0]->seq);
	assert_int_equal(dst.ev[0]->t_us, src.ev[0]->t_us);
	assert_int_equal(dst.ev[0]->step, 3);
	assert_string_equal(dst.ev[0]->summary, "Alert fatal");
	assert_ptr_not_equal(dst.ev[0]->summary, src.ev[0]->summary);
	tu_assert_bytes(dst.ev[0]->raw, "\x02\x28", 2, "raw");
	assert_string_equal(dst.ev[0]->fields[0].value, "fatal (2)");
	assert_string_equal(dst.ev[0]->x509_error_text, "certificate has expired");
	assert_null(dst.ev[1]->raw);
	assert_string_equal(dst.ev[0]->http.line, "GET / HTTP/1.1");
	assert_ptr_not_equal(dst.ev[0]->http.line, src.ev[0]->http.line);
	assert_string_equal(dst.ev[0]->http.method, "GET");
	assert_null(dst.ev[0]->http.target);
	/* from an index: only what the copy lacks */
	assert_non_null(evlog_add(&src, EV_TCP_RST, ACTOR_CLIENT, DIR_C2S, NULL, 0, "RST"));
	assert_int_equal(evlog_append_copies(&dst, &src, dst.n), 0);
	assert_int_equal(dst.n, 3);
	assert_string_equal(dst.ev[2]->summary, "RST");
	/* a new summary is sanitised like the first */
	assert_int_equal(event_set_summary(dst.ev[2], "RST \x1b[31m%d", 1), 0);
	assert_null(strchr(dst.ev[2]->summary, 0x1b));
	assert_string_equal(src.ev[2]->summary, "RST");
	evlog_clear(&src);
	evlog_clear(&dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_fields),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_summary_sanitised),
		cmocka_unit_test(test_field_formats),
		cmocka_unit_test(test_field_each_byte),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_readme_lists_every_event),
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_insert),
	};

	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
