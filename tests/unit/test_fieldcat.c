#include "tests/unit/testutil.h"

#include <string.h>

#include "lessons/fieldcat.h"
#include "protocol/event.h"

/* The generated table answers for the fields the decoders emit. */
static void test_has(void **state)
{
	(void)state;
	assert_true(fieldcat_has(EV_TLS_CLIENT_HELLO, "cipher_suites"));
	assert_true(fieldcat_has(EV_TLS_CLIENT_HELLO, "random"));
	assert_true(fieldcat_has(EV_CERT_HOSTNAME, "requested"));
	assert_true(fieldcat_has(EV_TLS_CERTIFICATE, "san"));
	assert_false(fieldcat_has(EV_TLS_CLIENT_HELLO, "nosuchfield"));
	assert_false(fieldcat_has(EV_TLS_CLIENT_HELLO, "cipher"));  /* whole names only */
	assert_false(fieldcat_has(EV_TLS_CLIENT_HELLO, ""));
	assert_false(fieldcat_has(-1, "random"));
	assert_false(fieldcat_has(EV__COUNT, "random"));
	assert_string_equal(fieldcat_fields(-1), "");
}

/* "Did you mean": a typo, camelCase, another tool's name; nothing for a
 * word far from every field. */
static void test_suggest(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fieldcat_suggest(EV_TLS_CLIENT_HELLO, "cipher_suits", buf, sizeof buf), 0);
	assert_true(strcmp(buf, "cipher_suite") == 0 || strcmp(buf, "cipher_suites") == 0);
	assert_int_equal(fieldcat_suggest(EV_TLS_CLIENT_HELLO, "Random", buf, sizeof buf), 0);
	assert_string_equal(buf, "random");
	assert_int_equal(fieldcat_suggest(EV_TLS_CERTIFICATE, "notAfter", buf, sizeof buf), 0);
	assert_string_equal(buf, "not_after");
	assert_int_equal(fieldcat_suggest(EV_TLS_CERTIFICATE, "subjectAltName", buf, sizeof buf), 0);
	assert_string_equal(buf, "san");
	assert_int_equal(fieldcat_suggest(EV_TLS_CLIENT_HELLO, "SNI", buf, sizeof buf), 0);
	assert_string_equal(buf, "server_name");
	assert_int_equal(fieldcat_suggest(EV_TLS_CLIENT_HELLO, "nosuchfield", buf, sizeof buf), -1);
	assert_int_equal(fieldcat_suggest(EV_TLS_CLIENT_HELLO, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
					  buf, sizeof buf), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests_name("fieldcat", tests, NULL, NULL);
}
