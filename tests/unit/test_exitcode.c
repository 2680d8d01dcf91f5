/* Exit statuses live with the application: one table from the engine's
 * failure classes, the same numbers the README and the man page promise, and
 * a real failed run ends with the status of its class. */
#include "tests/unit/engineutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/exitcode.h"

/* Each failure class and the status documented for it. */
static const struct {
	enum engine_failure why;
	int status;
} documented[] = {
	{ENGINE_FAIL_NONE, 0},    {ENGINE_FAIL_CONNECT, 3}, {ENGINE_FAIL_TIMEOUT, 4},
	{ENGINE_FAIL_TLS, 5},     {ENGINE_FAIL_CERT, 6},    {ENGINE_FAIL_HTTP, 7},
	{ENGINE_FAIL_INTERNAL, 8},
	{ENGINE_FAIL_USAGE, 2},
};

static void test_table(void **state)
{
	(void)state;
	assert_int_equal(sizeof documented / sizeof documented[0], ENGINE_FAIL__COUNT);
	for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++)
		assert_int_equal(exitcode_of(documented[i].why), documented[i].status);
	assert_int_equal(EXIT_USAGE, 2);
	/* a value outside the enum is an internal error, not success */
	assert_int_equal(exitcode_of((enum engine_failure)ENGINE_FAIL__COUNT), EXIT_INTERNAL);
	assert_int_equal(exitcode_of((enum engine_failure)-1), EXIT_INTERNAL);
}

/* The whole file in a new string (the tests run from the source tree). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 17);
	size_t n;

	assert_non_null(f);
	assert_non_null(s);
	n = fread(s, 1, (1 << 17) - 1, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The README's table and the man page name each status the table gives. */
static void test_documented(void **state)
{
	char *readme = slurp("README.md");
	char *man = slurp("man/httpsviz.1");
	const char *sect = strstr(man, ".SH EXIT STATUS");
	char row[16];

	(void)state;
	assert_non_null(sect);
	for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++) {
		int st = exitcode_of(documented[i].why);

		snprintf(row, sizeof row, "\n| %d | ", st);
		if (strstr(readme, row) == NULL)
			fail_msg("README.md has no exit status row for %d", st);
		snprintf(row, sizeof row, "%d ", st);
		if (strstr(sect, row) == NULL)
			fail_msg("the man page's EXIT STATUS does not list %d", st);
	}
	free(readme);
	free(man);
}

/* A real rejected certificate and a real timeout end with their statuses. */
static void test_live(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .scenario = SCEN_EXPIRED};
	struct run r;

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_FAILED);
	assert_int_equal(engine_failure(r.e), ENGINE_FAIL_CERT);
	assert_int_equal(exitcode_engine(r.e), 6);
	run_free(&r);
	cfg.scenario = SCEN_GOOD;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	assert_int_equal(exitcode_engine(r.e), 0);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_documented),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, pki_keys_setup, pki_keys_teardown);
}
