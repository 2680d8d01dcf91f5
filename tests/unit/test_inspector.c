#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/event.h"
#include "ui/grid.h"
#include "tests/unit/gridutil.h"
#include "ui/inspector.h"

/* A ClientHello-like event with a cipher suite list and its children. */
static struct event *client_hello(struct evlog *log)
{
	uint8_t raw[64];
	struct event *ev;

	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (uint8_t)i;
	evlog_init(log);
	ev = evlog_add(log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, raw, sizeof raw,
		       "ClientHello offering 2 suites");
	event_field(ev, 0, "record", 0, 5, "handshake");
	event_field(ev, 1, "version", 1, 2, "0x0301");
	event_field(ev, 0, "random", 11, 32, "...");
	event_field(ev, 0, "cipher_suites", 44, 6, "2 suites");
	event_field(ev, 1, "cipher_suite", 46, 2, "TLS_RSA_WITH_AES_128_GCM_SHA256");
	event_field(ev, 1, "cipher_suite", 48, 2, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	event_field(ev, 0, "note", 0, 0, "not tied to bytes");
	return ev;
}

/* Concatenate the highlighted hex cells of a grid, e.g. "2e2f30". */
static void highlighted_hex(struct grid *g, int x0, int bpl, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (int y = 0; y < g->h; y++)
		for (int i = 0; i < bpl; i++) {
			struct cell *a = grid_at(g, x0 + 6 + 3 * i, y);
			struct cell *b = grid_at(g, x0 + 7 + 3 * i, y);

			if (a != NULL && a->cls == CLS_HILITE && o + 3 < len) {
				out[o++] = (char)a->ch;
				out[o++] = (char)b->ch;
				out[o] = '\0';
			}
		}
}

/* Number of highlighted cells in the character column of the dump. */
static int highlighted_chars(struct grid *g, int x0, int bpl)
{
	int n = 0;

	for (int y = 0; y < g->h; y++)
		for (int i = 0; i < bpl; i++) {
			struct cell *c = grid_at(g, x0 + 7 + 3 * bpl + i, y);

			if (c != NULL && c->cls == CLS_HILITE)
				n++;
		}
	return n;
}

static void test_bytes_per_line(void **state)
{
	(void)state;
	assert_int_equal(inspector_bytes_per_line(44), 8);
	assert_int_equal(inspector_bytes_per_line(80), 16);
	assert_int_equal(inspector_bytes_per_line(10), 4);
	/* the widest line fits: 6 + 3*bpl + 1 + bpl <= w */
	for (int w = 23; w < 200; w++)
		assert_true(7 + 4 * inspector_bytes_per_line(w) <= w);
}

static void test_byte_selected(void **state)
{
	struct evlog log;
	struct event *ev = client_hello(&log);

	(void)state;
	/* cipher_suites: bytes [44, 50) */
	assert_false(inspector_byte_selected(ev, 3, 43));
	assert_true(inspector_byte_selected(ev, 3, 44));
	assert_true(inspector_byte_selected(ev, 3, 49));
	assert_false(inspector_byte_selected(ev, 3, 50));
	/* one suite: exactly its two bytes */
	assert_true(inspector_byte_selected(ev, 5, 48));
	assert_true(inspector_byte_selected(ev, 5, 49));
	assert_false(inspector_byte_selected(ev, 5, 47));
	/* a field of no bytes, no field, a field out of range: nothing */
	for (size_t i = 0; i < ev->raw_len; i++) {
		assert_false(inspector_byte_selected(ev, 6, i));
		assert_false(inspector_byte_selected(ev, -1, i));
		assert_false(inspector_byte_selected(ev, 99, i));
	}
	assert_false(inspector_byte_selected(NULL, 3, 44));
	assert_int_equal(inspector_subtree_end(ev, 3), 5);
	assert_int_equal(inspector_subtree_end(ev, 0), 1);
	assert_int_equal(inspector_subtree_end(ev, 2), 2);
	evlog_clear(&log);
}

static void test_hexdump_highlight(void **state)
{
	uint8_t raw[64];
	struct grid g;
	struct rect r = {2, 0, 44, 8};
	char hex[256];
	char row[256];
	int bpl = inspector_bytes_per_line(r.w);

	(void)state;
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (uint8_t)(0x40 + i);
	raw[1] = 0x1b;  /* an escape byte shows as '.', never raw */
	assert_int_equal(grid_init(&g, 50, 8, 0), 0);
	assert_int_equal(inspector_hexdump(&g, &r, raw, sizeof raw, 0, 10, 3), 8);
	highlighted_hex(&g, r.x, bpl, hex, sizeof hex);
	assert_string_equal(hex, "4a4b4c");
	assert_int_equal(highlighted_chars(&g, r.x, bpl), 3);
	grid_row_utf8(&g, 0, row, sizeof row);
	assert_string_equal(row, "  0000  40 1b 42 43 44 45 46 47  @.BCDEFG");
	/* a range across a line break, from a later first line */
	grid_clear(&g);
	r.h = 3;
	assert_int_equal(inspector_hexdump(&g, &r, raw, sizeof raw, 4, 38, 4), 3);
	highlighted_hex(&g, r.x, bpl, hex, sizeof hex);
	assert_string_equal(hex, "66676869");
	grid_row_utf8(&g, 0, row, sizeof row);
	assert_int_equal(strncmp(row, "  0020  ", 8), 0);
	/* nothing selected: nothing highlighted */
	grid_clear(&g);
	inspector_hexdump(&g, &r, raw, sizeof raw, 0, 10, 0);
	highlighted_hex(&g, r.x, bpl, hex, sizeof hex);
	assert_string_equal(hex, "");
	/* the view scrolls to a field further down */
	assert_int_equal(inspector_hex_first(10, 3, 8, 3), 0);
	assert_int_equal(inspector_hex_first(44, 6, 8, 3), 4);
	assert_int_equal(inspector_hex_first(44, 0, 8, 3), 0);
	grid_free(&g);
}

static void test_draw_fields_and_bytes(void **state)
{
	struct evlog log;
	struct event *ev = client_hello(&log);
	struct grid g;
	struct rect r = {0, 0, 44, 30};
	struct inspector_opts o = {3, 1, 1, 0, -1, NULL};
	char hex[256], row[256];
	int found = -1, bpl = inspector_bytes_per_line(r.w);

	(void)state;
	assert_int_equal(grid_init(&g, 44, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	for (int y = 0; y < g.h; y++) {
		grid_row_utf8(&g, y, row, sizeof row);
		if (strstr(row, "cipher_suites: 2 suites") != NULL)
			found = y;
	}
	assert_true(found > 0);
	/* the selected field is reversed, its children follow indented */
	assert_true(grid_at(&g, 0, found)->attr & GA_REVERSE);
	grid_row_utf8(&g, found + 1, row, sizeof row);
	assert_string_equal(row, "  TLS_RSA_WITH_AES_128_GCM_SHA256");
	/* wide enough: name and value */
	grid_free(&g);
	r.w = 60;
	assert_int_equal(grid_init(&g, 60, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	found = -1;
	for (int y = 0; y < g.h && found < 0; y++) {
		grid_row_utf8(&g, y, row, sizeof row);
		if (strstr(row, "cipher_suites: 2 suites") != NULL)
			found = y;
	}
	grid_row_utf8(&g, found + 1, row, sizeof row);
	assert_string_equal(row, "  cipher_suite: TLS_RSA_WITH_AES_128_GCM_SHA256");
	grid_free(&g);
	/* at 48 the first suite would fit with its name and the second not:
	 * the list does not mix the forms, both show their values alone */
	r.w = 48;
	assert_int_equal(grid_init(&g, 48, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	found = find_row(&g, "cipher_suites: 2 suites");
	assert_true(found > 0);
	grid_row_utf8(&g, found + 1, row, sizeof row);
	assert_string_equal(row, "  TLS_RSA_WITH_AES_128_GCM_SHA256");
	grid_row_utf8(&g, found + 2, row, sizeof row);
	assert_string_equal(row, "  TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	grid_free(&g);
	r.w = 44;
	assert_int_equal(grid_init(&g, 44, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	/* the hex dump highlights exactly the field's six bytes */
	highlighted_hex(&g, 0, bpl, hex, sizeof hex);
	assert_string_equal(hex, "2c2d2e2f3031");
	grid_row_utf8(&g, 0, row, sizeof row);
	assert_string_equal(row, "#1 ClientHello  client -> server");
	/* select one suite: two bytes */
	grid_clear(&g);
	o.field = 5;
	inspector_draw(&g, &r, ev, &o);
	highlighted_hex(&g, 0, bpl, hex, sizeof hex);
	assert_string_equal(hex, "3031");
	/* a field with no bytes highlights none; hex off draws no dump */
	grid_clear(&g);
	o.field = 6;
	inspector_draw(&g, &r, ev, &o);
	highlighted_hex(&g, 0, bpl, hex, sizeof hex);
	assert_string_equal(hex, "");
	grid_clear(&g);
	o.field = 3;
	o.show_hex = 0;
	inspector_draw(&g, &r, ev, &o);
	highlighted_hex(&g, 0, bpl, hex, sizeof hex);
	assert_string_equal(hex, "");
	/* the field list scrolls to show the selection and its subtree */
	assert_int_equal(inspector_field_scroll(ev, 3, 2), 3);
	assert_int_equal(inspector_field_scroll(ev, 3, 3), 3);
	assert_int_equal(inspector_field_scroll(ev, 5, 2), 4);
	assert_int_equal(inspector_field_scroll(ev, 0, 2), 0);
	grid_free(&g);
	evlog_clear(&log);
}

/* A kex.master_secret-like derivation; differs: the check failed, with
 * both values under it as kexview's cmp_field() puts them. */
static struct event *derivation(struct evlog *log, int differs)
{
	uint8_t raw[48];
	struct event *ev;

	memset(raw, 0xab, sizeof raw);
	evlog_init(log);
	ev = evlog_add(log, EV_KEX_MASTER_SECRET, ACTOR_CLIENT, DIR_LOCAL, raw, sizeof raw, "master secret");
	event_field(ev, 0, "pre_master_secret", 0, 0, "0303aaaa");
	event_field(ev, 0, "session_hash", 0, 0, "5e55");
	event_field(ev, 0, "function", 0, 0, "PRF-SHA256(pre_master_secret, \"extended master secret\", "
		    "session_hash)[0..48]");
	event_field_hex(ev, 0, "master_secret", 0, 48, 0);
	event_field(ev, 0, "openssl_value", 0, 0, "%s", differs ? "cdcd (DIFFERENT)" : "abab (equal)");
	if (differs) {
		event_field(ev, 1, "recomputed", 0, 0, "abab");
		event_field(ev, 1, "openssl", 0, 0, "cdcd");
	}
	event_field(ev, 0, "verified", 0, 0, "%s", differs ? "false" : "true");
	ev->verified = !differs;
	event_field_roles(ev, ROLE_INPUT, "pre_master_secret", "session_hash", NULL);
	event_field_roles(ev, ROLE_FUNCTION, "function", NULL);
	event_field_roles(ev, ROLE_OUTPUT, "master_secret", NULL);
	event_field_roles(ev, ROLE_CHECK, "openssl_value", "not_there", NULL);
	return ev;
}

/* The derivation tree: inputs, function, output, the check with a tick;
 * a mismatch with a cross and both values; ASCII only in ASCII mode; and
 * an event without roles has none. */
static void test_derivation_tree(void **state)
{
	struct evlog log;
	struct event *ev = derivation(&log, 0);
	struct grid g;
	struct rect r = {0, 0, 70, 30};
	struct inspector_opts o = {-1, 0, 1, 0, -1, NULL};
	char row[512];
	int y;

	(void)state;
	assert_int_equal(ev->fields[4].role, ROLE_CHECK);
	assert_int_equal(ev->nfields, 6);
	assert_int_equal(ev->fields[5].role, ROLE_NONE); /* verified */
	assert_string_equal(field_role_str(ROLE_OUTPUT), "output");
	assert_int_equal(inspector_derivation_lines(ev), 6);
	assert_int_equal(grid_init(&g, 70, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	y = find_row(&g, "Derivation \u2713 httpsviz's own value equals OpenSSL's");
	assert_true(y > 0);
	grid_row_utf8(&g, y + 1, row, sizeof row);
	assert_string_equal(row, "\u251c input    pre_master_secret: 0303aaaa");
	grid_row_utf8(&g, y + 2, row, sizeof row);
	assert_string_equal(row, "\u251c input    session_hash: 5e55");
	grid_row_utf8(&g, y + 3, row, sizeof row);
	assert_non_null(strstr(row, "\u251c function PRF-SHA256(pre_master_secret"));
	grid_row_utf8(&g, y + 4, row, sizeof row);
	assert_non_null(strstr(row, "\u251c output   master_secret: abababab"));
	grid_row_utf8(&g, y + 5, row, sizeof row);
	assert_string_equal(row, "\u2514 check    \u2713 openssl_value: abab (equal)");
	assert_int_equal(grid_at(&g, 11, y + 5)->cls, CLS_DATA);
	/* then the fields, as before */
	grid_row_utf8(&g, y + 6, row, sizeof row);
	assert_string_equal(row, "Fields (6)");
	grid_free(&g);
	evlog_clear(&log);

	ev = derivation(&log, 1);
	assert_int_equal(inspector_derivation_lines(ev), 8);
	assert_int_equal(grid_init(&g, 70, 30, 1), 0);
	inspector_draw(&g, &r, ev, &o);
	/* in ASCII the outcome is a word: a '+' or 'X' says little */
	y = find_row(&g, "Derivation FAIL httpsviz's own value DIFFERS from OpenSSL's");
	assert_true(y > 0);
	grid_row_utf8(&g, y + 5, row, sizeof row);
	assert_string_equal(row, "` check    FAIL openssl_value: cdcd (DIFFERENT)");
	assert_int_equal(grid_at(&g, 11, y + 5)->cls, CLS_ERROR);
	grid_row_utf8(&g, y + 6, row, sizeof row);
	assert_string_equal(row, "             recomputed: abab");
	grid_row_utf8(&g, y + 7, row, sizeof row);
	assert_string_equal(row, "             openssl: cdcd");
	for (y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++)
			assert_true(grid_at(&g, x, y)->ch < 0x80);
	/* squeezed: the tree is cut to what fits, still closed, and the last
	 * line says how much is not shown */
	grid_free(&g);
	assert_int_equal(grid_init(&g, 90, 8, 0), 0);
	assert_int_equal(inspector_draw_derivation(&g, 0, 0, 90, 3, ev), 3);
	grid_row_utf8(&g, 1, row, sizeof row);
	assert_non_null(strstr(row, "\u2514 input"));
	grid_row_utf8(&g, 2, row, sizeof row);
	{
		char want[96];

		snprintf(want, sizeof want, "\u2026 %d more lines of the tree", inspector_derivation_lines(ev) - 2);
		assert_non_null(strstr(row, want));
	}
	grid_free(&g);
	evlog_clear(&log);

	ev = client_hello(&log);
	assert_int_equal(inspector_derivation_lines(ev), 0);
	evlog_clear(&log);
}

/* A selected field whose value its row cuts is shown whole under the
 * list; one that fits is not repeated. */
static void test_whole_value(void **state)
{
	struct evlog log;
	struct event *ev = derivation(&log, 0);
	struct grid g;
	struct rect r = {0, 0, 40, 40};
	struct inspector_opts o = {3, 1, 0, 0, -1, NULL};
	char row[256];
	int y;

	(void)state;
	assert_int_equal(grid_init(&g, 40, 40, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	y = find_row(&g, "master_secret (whole value)");
	assert_true(y > 0);
	/* 96 hex digits at 40 columns: 40, 40, 16 */
	grid_row_utf8(&g, y + 1, row, sizeof row);
	assert_int_equal(strlen(row), 40);
	assert_int_equal(strspn(row, "ab"), 40);
	grid_row_utf8(&g, y + 3, row, sizeof row);
	assert_string_equal(row, "abababababababab");
	grid_clear(&g);
	o.field = 1; /* "session_hash: 5e55" fits */
	inspector_draw(&g, &r, ev, &o);
	assert_int_equal(find_row(&g, "(whole value)"), -1);
	grid_free(&g);
	evlog_clear(&log);
}

static void test_hostile_text(void **state)
{
	struct evlog log;
	struct event *ev;
	struct grid g;
	struct rect r = {0, 0, 60, 20};
	struct inspector_opts o = {0, 1, 1, 0, -1, NULL};

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C,
		       "\x1b]0;pwn\x07", 7, "subject \x1b[2J\xe2\x80\xae evil");
	event_field(ev, 0, "subject", 0, 7, "CN=\x1b[31mred\x9b");
	assert_int_equal(grid_init(&g, 60, 20, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	for (int y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++) {
			uint32_t c = grid_at(&g, x, y)->ch;

			assert_true(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
			assert_true(c != 0x202e);
		}
	/* grid_text on its own turns control bytes into '?' too */
	grid_clear(&g);
	grid_text(&g, 0, 0, 20, "a\x1b" "b\x07", CLS_DEFAULT, 0);
	assert_int_equal(grid_at(&g, 1, 0)->ch, '?');
	assert_int_equal(grid_at(&g, 3, 0)->ch, '?');
	grid_free(&g);
	evlog_clear(&log);
}

/* Scrolled into a long list, the first row says whose items these are,
 * and the scroll markers have a column of their own. */
static void test_list_breadcrumb(void **state)
{
	struct evlog log;
	struct event *ev;
	struct grid g;
	struct rect r = {0, 0, 40, 14};
	struct inspector_opts o = {17, 1, 0, 0, -1, NULL};
	char row[256];
	int y;

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, NULL, 0, "ClientHello");
	event_field(ev, 0, "version", 0, 0, "TLS 1.2 (0x0303)");
	event_field(ev, 0, "cipher_suites", 0, 0, "20 suites");
	for (int i = 0; i < 20; i++)
		event_field(ev, 1, "cipher_suite", 0, 0, "SUITE_%02d (0x%04x) WITH_A_NAME_LONGER_THAN_THE_ROW", i, i);
	assert_int_equal(grid_init(&g, 40, 14, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	assert_true(screen_has(&g, "cipher_suites (continued)"));
	/* the selected item (field 17 = SUITE_15) is on screen, whole */
	y = find_row(&g, "SUITE_15 (0x000f)");
	assert_true(y > find_row(&g, "cipher_suites (continued)"));
	/* the markers sit in the last column, after the text, not on it */
	y = find_row(&g, "cipher_suites (continued)");
	assert_int_equal(grid_at(&g, 39, y)->ch, '^');
	for (y = 0; y < 14 && grid_at(&g, 39, y)->ch != 'v'; y++)
		;
	assert_true(y < 14);
	grid_row_utf8(&g, y, row, sizeof row);
	assert_non_null(strstr(row, "SUITE_"));
	assert_int_equal(grid_at(&g, 38, y)->ch, 0x2026); /* the long value cut before it */
	/* at the top of the list there is no breadcrumb */
	o.field = 1;
	grid_free(&g);
	assert_int_equal(grid_init(&g, 40, 14, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	assert_false(screen_has(&g, "(continued)"));
	assert_true(screen_has(&g, "cipher_suites: 20 suites"));
	grid_free(&g);
	evlog_clear(&log);
}

/* Bytes -> field: the deepest field covering a byte; the cursor's byte
 * names it above the dump. */
static void test_byte_cursor(void **state)
{
	struct evlog log;
	struct event *ev = client_hello(&log);
	struct grid g;
	struct rect r = {0, 0, 60, 30};
	struct inspector_opts o = {5, 1, 1, 0, 47, NULL};

	(void)state;
	assert_int_equal(inspector_field_at(ev, 0), 0);      /* record */
	assert_int_equal(inspector_field_at(ev, 2), 1);      /* version, inside record */
	assert_int_equal(inspector_field_at(ev, 44), 3);     /* the list's length */
	assert_int_equal(inspector_field_at(ev, 47), 4);     /* the first suite */
	assert_int_equal(inspector_field_at(ev, 49), 5);
	assert_int_equal(inspector_field_at(ev, 7), -1);     /* no field holds it */
	assert_int_equal(inspector_field_at(ev, 9999), -1);
	assert_int_equal(grid_init(&g, 60, 30, 0), 0);
	inspector_draw(&g, &r, ev, &o);
	assert_true(screen_has(&g, "Bytes (64), byte 47 = 0x2f in cipher_suite = TLS_RSA"));
	o.cursor = 7;
	grid_clear(&g);
	inspector_draw(&g, &r, ev, &o);
	assert_true(screen_has(&g, "byte 7 = 0x07 in (no field)"));
	/* a click on a byte of the dump: its hex digits or its character */
	{
		struct inspector_hex h;
		int y, bpl = inspector_bytes_per_line(r.w);

		o.cursor = -1;
		o.hex_out = &h;
		grid_clear(&g);
		inspector_draw(&g, &r, ev, &o);
		assert_true(h.r.w > 0);
		assert_int_equal(h.bpl, bpl);
		y = h.r.y + (int)(46 / (size_t)bpl - h.first);
		assert_int_equal(inspector_byte_at(&h, h.r.x + 6 + 3 * (46 % bpl), y), 46);
		assert_int_equal(inspector_byte_at(&h, h.r.x + 6 + 3 * (46 % bpl) + 1, y), 46);
		assert_int_equal(inspector_byte_at(&h, h.r.x + 6 + 3 * (46 % bpl) + 2, y), -1); /* the gap */
		assert_int_equal(inspector_byte_at(&h, h.r.x + 7 + 3 * bpl + 46 % bpl, y), 46);
		assert_int_equal(inspector_byte_at(&h, h.r.x + 1, y), -1);       /* the address */
		assert_int_equal(inspector_byte_at(&h, h.r.x + 6, h.r.y - 1), -1);
		assert_int_equal(inspector_field_at(ev, 46), 4);
	}
	grid_free(&g);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_per_line),
		cmocka_unit_test(test_byte_selected),
		cmocka_unit_test(test_hexdump_highlight),
		cmocka_unit_test(test_draw_fields_and_bytes),
		cmocka_unit_test(test_derivation_tree),
		cmocka_unit_test(test_whole_value),
		cmocka_unit_test(test_list_breadcrumb),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_byte_cursor),
	};

	return cmocka_run_group_tests_name("inspector", tests, NULL, NULL);
}
