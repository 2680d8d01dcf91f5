/* The bounded JSON reader behind saved runs. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/json.h"

static int parse(struct json_doc *d, const char *s, char *err, size_t n)
{
	return json_parse(d, s, strlen(s), err, n);
}

static void test_objects_and_arrays(void **state)
{
	struct json_doc d;
	char err[128];
	const struct json_value *root;
	const struct json_value *v;
	long long x;
	uint64_t u;

	(void)state;
	assert_int_equal(parse(&d, " {\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{\"d\":-12},\"t\":18446744073709551615} ",
			       err, sizeof err), 0);
	root = json_root(&d);
	assert_int_equal(root->type, JSON_OBJECT);
	assert_int_equal(json_int(json_get(&d, root, "a"), 0, 10, &x), 0);
	assert_int_equal(x, 1);
	v = json_first(&d, json_get(&d, root, "b"));
	assert_int_equal(v->type, JSON_TRUE);
	v = json_next(&d, v);
	assert_int_equal(v->type, JSON_FALSE);
	v = json_next(&d, json_next(&d, v));
	assert_string_equal(v->str, "x");
	assert_null(json_next(&d, v));
	assert_int_equal(json_int(json_get(&d, json_get(&d, root, "c"), "d"), -100, 100, &x), 0);
	assert_int_equal(x, -12);
	assert_int_equal(json_int(json_get(&d, json_get(&d, root, "c"), "d"), 0, 100, &x), -1);
	assert_int_equal(json_u64(json_get(&d, root, "t"), &u), 0);
	assert_true(u == UINT64_MAX);
	assert_null(json_get(&d, root, "missing"));
	json_free(&d);
}

static void test_string_escapes(void **state)
{
	struct json_doc d;
	char err[128];

	(void)state;
	assert_int_equal(parse(&d, "\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"", err, sizeof err), 0);
	assert_string_equal(json_root(&d)->str, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(json_root(&d)->len, 13);
	json_free(&d);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "\"abc", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"",
		"\"\\u0000\"", "\"a\nb\"", "01", "1.", "-", "1e", "tru", "{} {}", "[1 2]", "\"\\q\"", "\"\\",
	};
	struct json_doc d;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (parse(&d, bad[i], err, sizeof err) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(strstr(err, "column") != NULL);
		assert_int_equal(d.n, 0);
	}
}

static void test_depth_limit(void **state)
{
	char deep[2 * (JSON_MAX_DEPTH + 10) + 1];
	struct json_doc d;
	char err[128];
	size_t n = JSON_MAX_DEPTH + 10;

	(void)state;
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	assert_int_equal(parse(&d, deep, err, sizeof err), -1);
	assert_non_null(strstr(err, "nested too deeply"));
	/* exactly at the limit is fine */
	n = JSON_MAX_DEPTH;
	memset(deep, '[', n + 1);
	memset(deep + n + 1, ']', n + 1);
	deep[2 * n + 2] = '\0';
	assert_int_equal(parse(&d, deep, err, sizeof err), 0);
	json_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects_and_arrays),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
