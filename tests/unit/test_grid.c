#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <wchar.h>

#include "tests/unit/gridutil.h"

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(grid_cp_width('a'), 1);
	assert_int_equal(grid_cp_width(0xe9), 1);     /* é */
	assert_int_equal(grid_cp_width(0x231a), 2);   /* WATCH: emoji presentation */
	assert_int_equal(grid_cp_width(0x4e2d), 2);   /* 中 */
	assert_int_equal(grid_cp_width(0x1f600), 2);  /* 😀 */
	assert_int_equal(grid_cp_width(0x0301), 0);   /* combining acute */
	assert_int_equal(grid_cp_width(0x1b), -1);
	assert_int_equal(grid_cp_width(0x9b), -1);
	/* the same as the C library, code point by code point, in the BMP and
	 * beyond (the hand-made table this replaced was wrong for thousands) */
	for (uint32_t cp = 0xa0; cp < 0x30000; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (grid_cp_width(cp) != wcwidth((wchar_t)cp))
			fail_msg("U+%04X: %d, wcwidth says %d", cp, grid_cp_width(cp), wcwidth((wchar_t)cp));
	}
	assert_int_equal(grid_text_width("\xe2\x8c\x9a\xe2\x8c\x9a"), 4);
	assert_int_equal(grid_text_width("e\xcc\x81t\xc3\xa9"), 3);
}

static void test_wide_text_stays_in_its_columns(void **state)
{
	struct grid g;
	char row[256];
	char line[200] = "";

	(void)state;
	assert_int_equal(grid_init(&g, 20, 3, 0), 0);
	/* a status line of U+231A: 40 watches in 10 columns, the rest of the
	 * row and the next rows untouched */
	for (int i = 0; i < 40; i++)
		strcat(line, "\xe2\x8c\x9a");
	grid_fill(&g, 0, 0, 20, 3, '.', CLS_DEFAULT, 0);
	assert_true(grid_text(&g, 2, 0, 10, line, CLS_DEFAULT, 0) <= 10);
	grid_row_utf8(&g, 0, row, sizeof row);
	/* 4 watches (8 columns), then the ellipsis in the 9th: never a half */
	assert_string_equal(row, "..\xe2\x8c\x9a\xe2\x8c\x9a\xe2\x8c\x9a\xe2\x8c\x9a\xe2\x80\xa6.........");
	assert_int_equal(grid_at(&g, 2, 0)->width, 2);
	assert_int_equal(grid_at(&g, 3, 0)->width, 0);
	assert_int_equal(grid_at(&g, 12, 0)->ch, '.');
	grid_row_utf8(&g, 1, row, sizeof row);
	assert_string_equal(row, "....................");
	/* a wide character that does not fit whole is not cut in two */
	grid_clear(&g);
	assert_int_equal(grid_text(&g, 0, 1, 3, "ab\xe4\xb8\xad", CLS_DEFAULT, 0), 3);
	assert_int_equal(grid_at(&g, 2, 1)->ch, 0x2026);
	/* text that fits exactly is not cut, even with a combining mark after
	 * its last (wide) character (found by fuzz_grid) */
	grid_clear(&g);
	assert_int_equal(grid_text(&g, 0, 1, 4, "a\xe4\xb8\xad" "b\xcc\x81", CLS_DEFAULT, 0), 4);
	assert_int_equal(grid_text(&g, 0, 1, 3, "a\xe4\xb8\xad\xcc\x96", CLS_DEFAULT, 0), 3);
	assert_int_equal(grid_at(&g, 1, 1)->ch, 0x4e2d);
	assert_int_equal(grid_at(&g, 1, 1)->comb, 0x316);
		/* overwriting half of a wide character blanks the other half */
	grid_clear(&g);
	grid_text(&g, 0, 2, 10, "\xe4\xb8\xad\xe6\x96\x87", CLS_DEFAULT, 0);
	grid_put(&g, 1, 2, 'x', CLS_DEFAULT, 0);
	grid_row_utf8(&g, 2, row, sizeof row);
	assert_string_equal(row, " x\xe6\x96\x87");
	grid_put(&g, 2, 2, 'y', CLS_DEFAULT, 0);
	grid_row_utf8(&g, 2, row, sizeof row);
	assert_string_equal(row, " xy");
	grid_free(&g);
}

static void test_zero_width_joins(void **state)
{
	struct grid g;
	char row[64];

	(void)state;
	assert_int_equal(grid_init(&g, 10, 1, 0), 0);
	/* e + U+0301: one cell; a leading combining mark is left out */
	assert_int_equal(grid_text(&g, 0, 0, 10, "\xcc\x81" "e\xcc\x81z", CLS_DEFAULT, 0), 2);
	grid_row_utf8(&g, 0, row, sizeof row);
	assert_string_equal(row, "e\xcc\x81z");
	assert_int_equal(grid_at(&g, 0, 0)->comb, 0x301);
	grid_free(&g);
	/* in ASCII a wide character is as many '?' as its columns */
	assert_int_equal(grid_init(&g, 10, 1, 1), 0);
	assert_int_equal(grid_text(&g, 0, 0, 10, "\xe4\xb8\xad" "e\xcc\x81", CLS_DEFAULT, 0), 3);
	grid_row_utf8(&g, 0, row, sizeof row);
	assert_string_equal(row, "??e");
	grid_free(&g);
}

static void test_wrap_measures_columns(void **state)
{
	size_t skip;

	(void)state;
	/* 6 columns hold three CJK characters, not six */
	assert_int_equal(grid_wrap_prefix("\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87", 6, &skip), 9);
	assert_int_equal(grid_wrap_prefix("\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad", 5, &skip), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_wide_text_stays_in_its_columns),
		cmocka_unit_test(test_zero_width_joins),
		cmocka_unit_test(test_wrap_measures_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
