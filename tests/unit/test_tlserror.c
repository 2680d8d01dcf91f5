/* tlserror: every OpenSSL reason in the table explained, the meanings that
 * depend on what the peer sent (wrong version number: not TLS at all, or a
 * later record with another version), alerts by name and unknown alerts by
 * number, reasons it does not know said plainly. */
#include "tests/unit/testutil.h"

#include <openssl/ssl.h>

#include "protocol/tlserror.h"

static const uint8_t hello_start[] = {0x16, 0x03, 0x01, 0x00, 0x50, 0x01};

/* The line for a reason with no peer bytes. */
static enum tlserror_class explain(int reason, int server, char *buf, size_t n)
{
	struct tlserror_ctx c = {.reason = reason, .openssl_text = "error:0A000000:SSL routines::x",
				 .server_side = server, .allowed = "TLS 1.2"};

	return tlserror_explain(&c, buf, n);
}

/* Every line is printable ASCII and says something. */
static void printable_line(const char *s)
{
	assert_true(strlen(s) > 10);
	for (; *s != '\0'; s++)
		assert_true(*s >= 0x20 && *s < 0x7f);
}

static void test_table(void **st)
{
	static const struct {
		int reason;
		enum tlserror_class cls;
		const char *has;
	} cases[] = {
		{SSL_R_UNSUPPORTED_PROTOCOL, TLSERROR_VERSION, "no TLS version in common"},
		{SSL_R_VERSION_TOO_LOW, TLSERROR_VERSION, "older than this side accepts"},
		{SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, TLSERROR_VERSION, "protocol_version alert"},
		{SSL_R_NO_SHARED_CIPHER, TLSERROR_PARAMS, "no cipher suite in common"},
		{SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, TLSERROR_PARAMS, "does not say which"},
		{SSL_R_NO_SHARED_GROUPS, TLSERROR_PARAMS, "group"},
		{SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC, TLSERROR_INTEGRITY, "tag or MAC did not verify"},
		{SSL_R_UNEXPECTED_MESSAGE, TLSERROR_SEQUENCE, "not allowed at this point"},
		{SSL_R_UNEXPECTED_RECORD, TLSERROR_SEQUENCE, "record of a type"},
		{SSL_R_LENGTH_MISMATCH, TLSERROR_MALFORMED, "malformed"},
		{SSL_R_INAPPROPRIATE_FALLBACK, TLSERROR_VERSION, "RFC 7507"},
		{SSL_R_NO_PROTOCOLS_AVAILABLE, TLSERROR_LOCAL, "this side"},
	};
	char buf[400];

	(void)st;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(explain(cases[i].reason, 1, buf, sizeof buf), cases[i].cls);
		printable_line(buf);
		if (strstr(buf, cases[i].has) == NULL)
			fail_msg("reason %d: '%s' has no '%s'", cases[i].reason, buf, cases[i].has);
		/* OpenSSL's own words stay in the line */
		assert_non_null(strstr(buf, "(error:0A000000:SSL routines::x)"));
	}
	/* the server's and the client's view of a version refusal */
	explain(SSL_R_VERSION_TOO_LOW, 1, buf, sizeof buf);
	assert_non_null(strstr(buf, "the client offered only versions older than this side accepts (this side "
				    "allows TLS 1.2)"));
	explain(SSL_R_VERSION_TOO_LOW, 0, buf, sizeof buf);
	assert_non_null(strstr(buf, "the server chose a version older"));
	/* a reason it does not explain: OpenSSL's text, not a guess */
	assert_int_equal(explain(SSL_R_BAD_RECORD_TYPE + 100000, 1, buf, sizeof buf), TLSERROR_UNKNOWN);
	assert_string_equal(buf, "error:0A000000:SSL routines::x");
	{
		struct tlserror_ctx c = {.reason = 4321};

		assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_UNKNOWN);
		assert_string_equal(buf, "OpenSSL reason 4321");
	}
}

/* "wrong version number" means what the bytes say. */
static void test_wrong_version(void **st)
{
	static const uint8_t http[] = "HTTP/1.0 200 OK\r\nServer: x\r\n";
	static const uint8_t junk[] = {0x00, 0xff, 0x41, 0x42, 0x43};
	static const uint8_t alert10[] = {0x15, 0x03, 0x01, 0x00, 0x02};
	char buf[400];
	struct tlserror_ctx c = {.reason = SSL_R_WRONG_VERSION_NUMBER, .openssl_text = "wrong version number",
				 .server_side = 1, .allowed = "TLS 1.2"};

	(void)st;
	/* a TLS stream whose later record says TLS 1.0 after 1.2 was agreed:
	 * the old text called 16 03 01 "not a TLS record header" */
	c.first = hello_start;
	c.first_len = sizeof hello_start;
	c.last_header = alert10;
	c.last_is_first = 0;
	c.agreed_version = 0x0303;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_VERSION);
	assert_null(strstr(buf, "does not speak TLS"));
	assert_null(strstr(buf, "not a TLS record header"));
	assert_non_null(strstr(buf, "0x0301 (TLS 1.0) although TLS 1.2 (0x0303) had been agreed"));
	/* the same header as the first record: not certain, OpenSSL's reason plainly */
	c.last_is_first = 1;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_VERSION);
	assert_non_null(strstr(buf, "OpenSSL rejected a record's version field (wrong version number)"));
	assert_non_null(strstr(buf, "15 03 01 00 02"));
	/* plain HTTP, and bytes that are no TLS at all */
	c.first = http;
	c.first_len = sizeof http - 1;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_NOT_TLS);
	assert_non_null(strstr(buf, "it answered in plain HTTP, \"HTTP/1.0 200 OK\""));
	c.first = junk;
	c.first_len = sizeof junk;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_NOT_TLS);
	assert_non_null(strstr(buf, "its first bytes were 00 ff 41, not a TLS record header"));
	printable_line(buf);
	/* a short buffer is cut and terminated */
	assert_int_equal(tlserror_explain(&c, buf, 8), TLSERROR_NOT_TLS);
	assert_int_equal(strlen(buf), 7);
	assert_int_equal(tlserror_explain(&c, buf, 0), TLSERROR_UNKNOWN);
}

/* A plain HTTP request and an oversized record. */
static void test_not_tls(void **st)
{
	static const uint8_t get[] = "GET / HTTP/1.0\r\n\x1b[2J";
	static const uint8_t big[] = {0x16, 0x03, 0x03, 0xff, 0xff};
	char buf[400];
	struct tlserror_ctx c = {.reason = SSL_R_HTTP_REQUEST, .first = get, .first_len = sizeof get - 1};

	(void)st;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_NOT_TLS);
	assert_string_equal(buf, "the peer does not speak TLS here: it sent a plain HTTP request, \"GET / HTTP/1.0\"");
	c.reason = SSL_R_PACKET_LENGTH_TOO_LONG;
	c.first = big;
	c.first_len = sizeof big;
	c.last_header = big;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_NOT_TLS);
	assert_non_null(strstr(buf, "announced 65535 bytes, more than TLS allows"));
}

/* Alerts from the peer: by name with their meaning; an unknown one by its
 * number, never OpenSSL's "reason(1155)". */
static void test_alerts(void **st)
{
	char buf[400];
	struct tlserror_ctx c = {.reason = SSL_AD_REASON_OFFSET + 155, .openssl_text = "error:0A000483:SSL routines::reason(1155)"};

	(void)st;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_ALERT);
	assert_string_equal(buf, "the peer ended the handshake with alert 155, an unknown alert (not in the TLS alert "
				 "registry)");
	assert_null(strstr(buf, "reason("));
	c.reason = SSL_AD_REASON_OFFSET + 48;
	assert_int_equal(tlserror_explain(&c, buf, sizeof buf), TLSERROR_ALERT);
	assert_non_null(strstr(buf, "alert unknown_ca (48): it does not trust the issuer"));
	c.reason = SSL_AD_REASON_OFFSET + 112;
	tlserror_explain(&c, buf, sizeof buf);
	assert_non_null(strstr(buf, "unrecognized_name (112)"));
	assert_null(tlserror_alert_meaning(155));
	assert_non_null(tlserror_alert_meaning(20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_alerts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
