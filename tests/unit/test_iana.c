/* The registries: each table is ordered and free of duplicates, names the
 * values a real browser sends, marks GREASE and unassigned values, and
 * agrees with OpenSSL where OpenSSL names the same numbers. */
#include "tests/unit/testutil.h"

#include <strings.h>

#include <openssl/ssl.h>

#include "protocol/iana.h"

/* Every table is sorted by value, without duplicates, names non-empty and
 * none of them "unknown". */
static void test_tables_well_formed(void **state)
{
	(void)state;
	for (int r = 0; r < IANA__COUNT; r++) {
		unsigned prev = 0;
		unsigned v;
		const char *name;

		assert_true(iana_count((enum iana_registry)r) > 0);
		assert_true(strlen(iana_registry_title((enum iana_registry)r)) > 5);
		for (size_t i = 0; (name = iana_entry((enum iana_registry)r, i, &v)) != NULL; i++) {
			if (i > 0 && v <= prev)
				print_error("%s: 0x%x after 0x%x\n", iana_registry_title((enum iana_registry)r), v, prev);
			assert_true(i == 0 || v > prev);
			assert_true(strlen(name) > 0);
			assert_string_not_equal(name, "unknown");
			/* a registered value is never mistaken for GREASE */
			assert_false(iana_is_grease((enum iana_registry)r, v));
			prev = v;
		}
		assert_null(iana_entry((enum iana_registry)r, iana_count((enum iana_registry)r), &v));
	}
	assert_null(iana_entry(IANA__COUNT, 0, NULL));
}

static void assert_fmt(enum iana_registry r, unsigned v, const char *want)
{
	char buf[96];

	assert_string_equal(iana_format(r, v, buf, sizeof buf), want);
}

static void test_cipher_suites(void **state)
{
	(void)state;
	assert_fmt(IANA_CIPHER_SUITE, 0x1301, "TLS_AES_128_GCM_SHA256 (0x1301)");
	assert_fmt(IANA_CIPHER_SUITE, 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f)");
	assert_fmt(IANA_CIPHER_SUITE, 0x0a0a, "GREASE (0x0a0a)");
	assert_fmt(IANA_CIPHER_SUITE, 0xd004, "unassigned (0xd004)");
	assert_fmt(IANA_CIPHER_SUITE, 0x0060, "unassigned (0x0060)");
	/* the two signals are named and explained as signals */
	assert_non_null(strstr(iana_lookup(IANA_CIPHER_SUITE, 0x00ff).note, "signal"));
	assert_non_null(strstr(iana_lookup(IANA_CIPHER_SUITE, 0x5600).note, "signal"));
	assert_true(iana_count(IANA_CIPHER_SUITE) > 340);
}

/* Every suite this OpenSSL knows has the same standard name here. */
static void test_cipher_suites_match_openssl(void **state)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	SSL *ssl;
	STACK_OF(SSL_CIPHER) *sk;
	int checked = 0;

	(void)state;
	assert_non_null(ctx);
	SSL_CTX_set_security_level(ctx, 0);
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"), 1);
	ssl = SSL_new(ctx);
	assert_non_null(ssl);
	sk = SSL_get_ciphers(ssl);
	for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		unsigned id = SSL_CIPHER_get_protocol_id(c);
		const char *std = SSL_CIPHER_standard_name(c);
		const char *mine = iana_name(IANA_CIPHER_SUITE, id);

		if (mine == NULL || std == NULL || strcmp(mine, std) != 0)
			print_error("0x%04x: OpenSSL %s, table %s\n", id, std ? std : "-", mine ? mine : "-");
		assert_non_null(mine);
		assert_string_equal(mine, std);
		checked++;
	}
	assert_true(checked > 50);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static void test_extensions(void **state)
{
	struct iana_info i;

	(void)state;
	assert_fmt(IANA_EXTENSION, 0, "server_name (0x0000)");
	assert_fmt(IANA_EXTENSION, 0xff01, "renegotiation_info (0xff01)");
	assert_fmt(IANA_EXTENSION, 0xfe0d, "encrypted_client_hello (0xfe0d)");
	assert_fmt(IANA_EXTENSION, 27, "compress_certificate (0x001b)");
	assert_fmt(IANA_EXTENSION, 0xeaea, "GREASE (0xeaea)");
	assert_fmt(IANA_EXTENSION, 0x00fe, "unassigned (0x00fe)");
	/* browsers' code points outside the registry: named, and said so */
	i = iana_lookup(IANA_EXTENSION, 0x44cd);
	assert_int_equal(i.status, IANA_EXPERIMENTAL);
	assert_string_equal(i.name, "application_settings");
	assert_non_null(strstr(i.note, "not in the IANA registry"));
	i = iana_lookup(IANA_EXTENSION, 0xca34);
	assert_int_equal(i.status, IANA_EXPERIMENTAL);
	assert_string_equal(i.name, "trust_anchors");
	assert_non_null(strstr(i.note, "not in the IANA registry"));
	assert_non_null(strstr(iana_lookup(IANA_EXTENSION, 0xfe0d).note, "GREASE ECH"));
}

static void test_groups(void **state)
{
	struct iana_info i;

	(void)state;
	assert_fmt(IANA_GROUP, 0x001d, "x25519 (0x001d)");
	assert_fmt(IANA_GROUP, 0x11ec, "X25519MLKEM768 (0x11ec)");
	assert_fmt(IANA_GROUP, 0x11eb, "SecP256r1MLKEM768 (0x11eb)");
	assert_fmt(IANA_GROUP, 0x0100, "ffdhe2048 (0x0100)");
	assert_fmt(IANA_GROUP, 0x7a7a, "GREASE (0x7a7a)");
	assert_fmt(IANA_GROUP, 0x0105, "unassigned (0x0105)");
	i = iana_lookup(IANA_GROUP, 0x11ec);
	assert_int_equal(i.status, IANA_ASSIGNED);
	/* the note says why the share is 1216 bytes: 1184 + 32 */
	assert_non_null(strstr(i.note, "1184"));
	assert_non_null(strstr(i.note, "1216"));
	assert_int_equal(iana_lookup(IANA_GROUP, 0x6399).status, IANA_EXPERIMENTAL);
}

/* The groups OpenSSL names carry the same names here. */
static void test_groups_match_openssl(void **state)
{
	static const unsigned ids[] = {23, 24, 25, 29, 30, 256, 257, 258, 259, 260};
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;

	(void)state;
	assert_non_null(ssl);
	for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
		/* a TLS group id is passed with OpenSSL's TLSEXT_nid_unknown bit */
		const char *o = SSL_group_to_name(ssl, (int)(ids[k] | TLSEXT_nid_unknown));

		assert_non_null(o);
		assert_int_equal(strcasecmp(o, iana_name(IANA_GROUP, ids[k])), 0);
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static void test_sigschemes(void **state)
{
	(void)state;
	assert_fmt(IANA_SIGSCHEME, 0x0804, "rsa_pss_rsae_sha256 (0x0804)");
	assert_fmt(IANA_SIGSCHEME, 0x0403, "ecdsa_secp256r1_sha256 (0x0403)");
	assert_fmt(IANA_SIGSCHEME, 0x0905, "mldsa65 (0x0905)");
	assert_fmt(IANA_SIGSCHEME, 0x1a1a, "GREASE (0x1a1a)");
	assert_fmt(IANA_SIGSCHEME, 0x0101, "unassigned (0x0101)");
}

static void test_alerts(void **state)
{
	(void)state;
	assert_fmt(IANA_ALERT, 0, "close_notify (0)");
	assert_fmt(IANA_ALERT, 48, "unknown_ca (48)");
	assert_fmt(IANA_ALERT, 44, "certificate_revoked (44)");
	assert_fmt(IANA_ALERT, 70, "protocol_version (70)");
	assert_fmt(IANA_ALERT, 121, "ech_required (121)");
	assert_fmt(IANA_ALERT, 200, "unassigned (200)");
	/* alerts have no GREASE */
	assert_false(iana_is_grease(IANA_ALERT, 0x0a));
}

/* Every alert OpenSSL names has the same name here. */
static void test_alerts_match_openssl(void **state)
{
	int bad = 0;

	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		const char *o = SSL_alert_desc_string_long((int)v);
		const char *mine = iana_name(IANA_ALERT, v);

		if (strcmp(o, "unknown") == 0)
			continue;
		/* OpenSSL's long strings are words ("unknown CA"); ours are the
		 * registry's identifiers: the same words joined by '_' */
		assert_non_null(mine);
		for (size_t i = 0; o[i] != '\0' && mine[i] != '\0'; i++) {
			char a = (char)(o[i] == ' ' ? '_' : o[i] >= 'A' && o[i] <= 'Z' ? o[i] - 'A' + 'a' : o[i]);

			if (a != mine[i]) {
				print_error("alert %u: OpenSSL \"%s\", table \"%s\"\n", v, o, mine);
				bad++;
				break;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void test_handshake_types(void **state)
{
	(void)state;
	assert_fmt(IANA_HANDSHAKE, 1, "client_hello (1)");
	assert_fmt(IANA_HANDSHAKE, 25, "compressed_certificate (25)");
	assert_fmt(IANA_HANDSHAKE, 7, "unassigned (7)");
	assert_string_equal(iana_handshake_struct(1), "ClientHello");
	assert_string_equal(iana_handshake_struct(254), "MessageHash");
	assert_null(iana_handshake_struct(7));
	/* every type has both names */
	for (unsigned v = 0; v < 256; v++)
		assert_int_equal(iana_name(IANA_HANDSHAKE, v) != NULL, iana_handshake_struct(v) != NULL);
}

static void test_cert_compression(void **state)
{
	(void)state;
	assert_fmt(IANA_CERT_COMPRESSION, 2, "brotli (0x0002)");
	assert_fmt(IANA_CERT_COMPRESSION, 1, "zlib (0x0001)");
	assert_fmt(IANA_CERT_COMPRESSION, 3, "zstd (0x0003)");
	assert_fmt(IANA_CERT_COMPRESSION, 4, "unassigned (0x0004)");
}

static void test_psk_modes(void **state)
{
	(void)state;
	assert_fmt(IANA_PSK_MODE, 1, "psk_dhe_ke (0x01)");
	assert_fmt(IANA_PSK_MODE, 0, "psk_ke (0x00)");
	/* RFC 8701 §2: 0x0b, 0x2a, 0x49, 0x68, 0x87, 0xa6, 0xc5, 0xe4 */
	assert_fmt(IANA_PSK_MODE, 0x0b, "GREASE (0x0b)");
	assert_fmt(IANA_PSK_MODE, 0xe4, "GREASE (0xe4)");
	assert_fmt(IANA_PSK_MODE, 0x0c, "unassigned (0x0c)");
	assert_false(iana_is_grease(IANA_PSK_MODE, 0x0a0a));
}

static void test_others(void **state)
{
	(void)state;
	assert_fmt(IANA_EC_POINT_FORMAT, 0, "uncompressed (0x00)");
	assert_fmt(IANA_CONTENT_TYPE, 23, "application_data (23)");
	assert_fmt(IANA_VERSION, 0x0304, "TLS 1.3 (0x0304)");
	assert_fmt(IANA_VERSION, 0x7a7a, "GREASE (0x7a7a)");
	assert_fmt(IANA_CERT_TYPE, 64, "ecdsa_sign (0x40)");
	/* GREASE said once, with what it is for */
	assert_non_null(strstr(iana_grease_note(), "RFC 8701"));
	/* out of range registries and tiny buffers are harmless */
	assert_string_equal(iana_lookup(IANA__COUNT, 1).name, "unassigned");
	{
		char b[4];

		iana_format(IANA_GROUP, 29, b, sizeof b);
		assert_int_equal(strlen(b), 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_cipher_suites),
		cmocka_unit_test(test_cipher_suites_match_openssl),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_groups_match_openssl),
		cmocka_unit_test(test_sigschemes),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_alerts_match_openssl),
		cmocka_unit_test(test_handshake_types),
		cmocka_unit_test(test_cert_compression),
		cmocka_unit_test(test_psk_modes),
		cmocka_unit_test(test_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
