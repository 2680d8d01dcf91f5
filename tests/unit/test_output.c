/* The printed output's building blocks: hex and JSON strings, checked
 * against a byte-by-byte reference (the table-driven writers replaced one
 * fprintf per byte, and must say exactly the same). */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "app/output.h"

/* Run fn(out) into memory and return what it wrote (caller frees). */
static char *capture_hex(const uint8_t *p, size_t n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	output_hex(f, p, n);
	fclose(f);
	return buf;
}

static char *capture_json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	output_json_string(f, s);
	fclose(f);
	return buf;
}

static void test_hex_every_byte(void **state)
{
	uint8_t all[256];
	char want[513];
	size_t len = 0;
	char *got;

	(void)state;
	for (int i = 0; i < 256; i++) {
		all[i] = (uint8_t)i;
		snprintf(want + 2 * i, 3, "%02x", i);
	}
	got = capture_hex(all, sizeof all, &len);
	assert_int_equal(len, 512);
	assert_string_equal(got, want);
	free(got);
	got = capture_hex(all, 0, &len);
	assert_int_equal(len, 0);
	free(got);
}

/* More than the internal block, so the block boundary is crossed. */
static void test_hex_long(void **state)
{
	size_t n = 100003;
	uint8_t *p = malloc(n);
	char *want = malloc(2 * n + 1);
	size_t len = 0;
	char *got;

	(void)state;
	assert_non_null(p);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(i * 7919u >> 3);
		snprintf(want + 2 * i, 3, "%02x", p[i]);
	}
	got = capture_hex(p, n, &len);
	assert_int_equal(len, 2 * n);
	assert_memory_equal(got, want, 2 * n);
	free(got);
	free(want);
	free(p);
}

static void test_json_string(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{"", "\"\""},
		{"plain text", "\"plain text\""},
		{"a\"b\\c", "\"a\\\"b\\\\c\""},
		{"\x01start", "\"\\u0001start\""},
		{"end\n", "\"end\\u000a\""},
		{"tab\there\x7f", "\"tab\\u0009here\\u007f\""},
		{"\"", "\"\\\"\""},
		{"caf\xc3\xa9", "\"caf\xc3\xa9\""}, /* UTF-8 passes through */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = capture_json(cases[i].in);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_every_byte),
		cmocka_unit_test(test_hex_long),
		cmocka_unit_test(test_json_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
