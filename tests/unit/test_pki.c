#include "tests/unit/engineutil.h"

#include <stdlib.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "protocol/pki.h"

/* Mint a scenario or fail the test with pki's reason. */
static void mint(struct pki *pki, enum scenario scen)
{
	char err[256] = "";

	if (pki_mint(pki, scen, err, sizeof err) != 0)
		fail_msg("pki_mint(%s): %s", scenario_str(scen), err);
	assert_non_null(pki->ca_cert);
	assert_non_null(pki->server_cert);
}

/* Run X509_verify_cert as the TLS client will (purpose ssl_server, name
 * checks, security level 2) and return OpenSSL's verify result. */
static long verify(X509 *leaf, STACK_OF(X509) *untrusted, X509_STORE *store,
		   const char *host, const char *ip)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	long r;

	assert_non_null(ctx);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, untrusted), 1);
	assert_int_equal(X509_STORE_CTX_set_default(ctx, "ssl_server"), 1);
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	if (host != NULL)
		assert_int_equal(X509_VERIFY_PARAM_set1_host(param, host, 0), 1);
	if (ip != NULL)
		assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(param, ip), 1);
	if (X509_verify_cert(ctx) == 1)
		assert_int_equal(X509_STORE_CTX_get_error(ctx), X509_V_OK);
	r = X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	return r;
}

/* Verify against the demo client's store (the root, the CRL), the server
 * certificate with the chain its server sends. */
static long verify_demo(const struct pki *pki, X509 *leaf, const char *host, const char *ip)
{
	X509_STORE *st = pki_trust_store(pki, 0);
	long r;

	assert_non_null(st);
	r = verify(leaf, leaf == pki->server_cert ? pki->server_chain : NULL, st, host, ip);
	X509_STORE_free(st);
	return r;
}

/* Seconds from now to t (negative: t is in the past). */
static long secs_from_now(const ASN1_TIME *t)
{
	int days = 0;
	int secs = 0;

	assert_int_equal(ASN1_TIME_diff(&days, &secs, NULL, t), 1);
	return (long)days * 86400 + secs;
}

/* Assert notBefore and notAfter lie within a minute of now + nb / now + na. */
static void assert_window(X509 *x, long nb, long na)
{
	long b = secs_from_now(X509_get0_notBefore(x));
	long a = secs_from_now(X509_get0_notAfter(x));

	assert_in_range(b, nb - 60, nb + 60);
	assert_in_range(a, na - 60, na + 60);
}

/* Assert the SANs are exactly the DNS and IP entries given (dns may be NULL
 * for none, ip4 NULL for none). */
static void assert_sans(X509 *x, const char *dns, const unsigned char *ip4)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int want = (dns != NULL) + (ip4 != NULL);
	int seen_dns = 0;
	int seen_ip = 0;

	assert_non_null(gens);
	assert_int_equal(sk_GENERAL_NAME_num(gens), want);
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS) {
			assert_non_null(dns);
			assert_int_equal(ASN1_STRING_length(g->d.dNSName), strlen(dns));
			assert_memory_equal(ASN1_STRING_get0_data(g->d.dNSName), dns, strlen(dns));
			seen_dns++;
		} else if (g->type == GEN_IPADD) {
			assert_non_null(ip4);
			assert_int_equal(ASN1_STRING_length(g->d.iPAddress), 4);
			tu_assert_bytes(ASN1_STRING_get0_data(g->d.iPAddress), ip4, 4, "SAN IP");
			seen_ip++;
		} else {
			fail_msg("unexpected SAN type %d", g->type);
		}
	}
	assert_int_equal(seen_dns, dns != NULL);
	assert_int_equal(seen_ip, ip4 != NULL);
	GENERAL_NAMES_free(gens);
}

/* The CN of x's subject, into buf. */
static const char *cn_of(X509 *x, char *buf, int len)
{
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
					      buf, len) > 0);
	return buf;
}

static const unsigned char loopback[4] = {127, 0, 0, 1};

static void test_good(void **state)
{
	struct pki pki;
	char cn[128];
	char group[64];
	size_t glen = 0;
	uint32_t ku;

	(void)state;
	mint(&pki, SCEN_GOOD);
	/* keys: RSA-2048 server (RSA key exchange needs it), EC P-256 CA */
	assert_int_equal(EVP_PKEY_get_base_id(pki.server_key), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(pki.server_key), 2048);
	assert_int_equal(EVP_PKEY_get_base_id(pki.ca_key), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_group_name(pki.ca_key, group, sizeof group, &glen), 1);
	assert_string_equal(group, "prime256v1");
	assert_int_equal(X509_check_private_key(pki.server_cert, pki.server_key), 1);
	assert_null(pki.mitm_cert);
	assert_null(pki.attacker_ca_cert);
	/* the CA */
	assert_string_equal(cn_of(pki.ca_cert, cn, sizeof cn), "httpsviz demo root CA");
	assert_int_equal(X509_check_ca(pki.ca_cert), 1);
	assert_int_equal(X509_self_signed(pki.ca_cert, 1), 1);
	/* the issuing CA: under the root, may issue end-entity certificates only */
	assert_string_equal(cn_of(pki.issuing_cert, cn, sizeof cn), "httpsviz demo issuing CA");
	assert_int_equal(X509_check_ca(pki.issuing_cert), 1);
	assert_int_equal(X509_get_pathlen(pki.issuing_cert), 0);
	assert_int_equal(X509_check_issued(pki.ca_cert, pki.issuing_cert), X509_V_OK);
	assert_int_equal(X509_verify(pki.issuing_cert, pki.ca_key), 1);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.issuing_cert),
					       X509_get0_subject_key_id(pki.ca_cert)), 0);
	assert_int_equal(X509_get_key_usage(pki.issuing_cert) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN),
			 KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	/* what the server sends after its certificate: the issuing CA */
	assert_int_equal(sk_X509_num(pki.server_chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(pki.server_chain, 0), pki.issuing_cert), 0);
	/* the issuing CA's CRL: signed by it, current, empty */
	assert_non_null(pki.crl);
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(pki.crl), X509_get_subject_name(pki.issuing_cert)), 0);
	assert_int_equal(X509_CRL_verify(pki.crl, pki.issuing_key), 1);
	assert_true(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(pki.crl)) <= 0);
	assert_true(X509_cmp_current_time(X509_CRL_get0_nextUpdate(pki.crl)) > 0);
	ku = X509_get_key_usage(pki.ca_cert);
	assert_true(ku & KU_KEY_CERT_SIGN);
	assert_true(ku & KU_CRL_SIGN);
	assert_non_null(X509_get0_subject_key_id(pki.ca_cert));
	assert_window(pki.ca_cert, -3600, 10 * 365L * 86400);
	/* the server certificate */
	assert_string_equal(cn_of(pki.server_cert, cn, sizeof cn), "localhost");
	assert_sans(pki.server_cert, "localhost", loopback);
	assert_int_equal(X509_check_ca(pki.server_cert), 0);
	ku = X509_get_key_usage(pki.server_cert);
	assert_true(ku & KU_DIGITAL_SIGNATURE);
	assert_true(ku & KU_KEY_ENCIPHERMENT);
	assert_false(ku & KU_KEY_CERT_SIGN);
	assert_true(X509_get_extended_key_usage(pki.server_cert) & XKU_SSL_SERVER);
	assert_non_null(X509_get0_authority_key_id(pki.server_cert));
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.server_cert),
					       X509_get0_subject_key_id(pki.issuing_cert)), 0);
	assert_int_equal(X509_get_signature_nid(pki.server_cert), NID_ecdsa_with_SHA256);
	assert_true(ASN1_STRING_length(X509_get0_serialNumber(pki.server_cert)) <= 16);
	assert_true(ASN1_STRING_length(X509_get0_serialNumber(pki.server_cert)) >= 8);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(pki.server_cert),
					      X509_get0_serialNumber(pki.ca_cert)), 0);
	assert_window(pki.server_cert, -3600, 365L * 86400);
	/* the chain verifies, by name and by address */
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", "127.0.0.1"), X509_V_OK);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL), X509_V_OK);
	/* without the intermediate the chain breaks */
	{
		X509_STORE *st = pki_trust_store(&pki, 0);

		assert_int_equal(verify(pki.server_cert, NULL, st, "localhost", NULL),
				 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
		X509_STORE_free(st);
	}
	assert_int_equal(verify_demo(&pki, pki.server_cert, NULL, "127.0.0.1"), X509_V_OK);
	/* and not for other names: the checks can fail */
	assert_int_equal(verify_demo(&pki, pki.server_cert, "www.example.org", NULL),
			 X509_V_ERR_HOSTNAME_MISMATCH);
	assert_int_equal(verify_demo(&pki, pki.server_cert, NULL, "127.0.0.2"),
			 X509_V_ERR_IP_ADDRESS_MISMATCH);
	pki_free(&pki);
	assert_null(pki.ca_cert);
	assert_null(pki.server_key);
}

static void test_expired(void **state)
{
	struct pki pki;

	(void)state;
	mint(&pki, SCEN_EXPIRED);
	assert_window(pki.server_cert, -30L * 86400, -86400);
	assert_sans(pki.server_cert, "localhost", loopback);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_CERT_HAS_EXPIRED);
	pki_free(&pki);
}

static void test_not_yet_valid(void **state)
{
	struct pki pki;

	(void)state;
	mint(&pki, SCEN_NOT_YET_VALID);
	assert_window(pki.server_cert, 86400, 365L * 86400);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_CERT_NOT_YET_VALID);
	pki_free(&pki);
}

static void test_wrong_host(void **state)
{
	struct pki pki;
	char cn[128];

	(void)state;
	mint(&pki, SCEN_WRONG_HOST);
	assert_string_equal(cn_of(pki.server_cert, cn, sizeof cn), "www.example.org");
	assert_sans(pki.server_cert, "www.example.org", NULL);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_HOSTNAME_MISMATCH);
	assert_int_equal(verify_demo(&pki, pki.server_cert, NULL, "127.0.0.1"),
			 X509_V_ERR_IP_ADDRESS_MISMATCH);
	/* the certificate itself is fine, for its own name */
	assert_int_equal(verify_demo(&pki, pki.server_cert, "www.example.org", NULL), X509_V_OK);
	pki_free(&pki);
}

/* A real chain to a private root the client lacks: error 20; trusted once
 * that root is in the store. */
static void test_untrusted_ca(void **state)
{
	struct pki pki;
	X509_STORE *st;
	char cn[128];

	(void)state;
	mint(&pki, SCEN_UNTRUSTED_CA);
	assert_string_equal(cn_of(pki.private_root_cert, cn, sizeof cn), "Example Corp private root CA");
	assert_string_equal(cn_of(pki.private_issuing_cert, cn, sizeof cn), "Example Corp intranet issuing CA");
	assert_int_equal(X509_check_issued(pki.private_issuing_cert, pki.server_cert), X509_V_OK);
	assert_int_equal(sk_X509_num(pki.server_chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(pki.server_chain, 0), pki.private_issuing_cert), 0);
	assert_sans(pki.server_cert, "localhost", loopback);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	st = X509_STORE_new();
	assert_int_equal(X509_STORE_add_cert(st, pki.private_root_cert), 1);
	assert_int_equal(verify(pki.server_cert, pki.server_chain, st, "localhost", NULL), X509_V_OK);
	X509_STORE_free(st);
	pki_free(&pki);
}

static void test_self_signed(void **state)
{
	struct pki pki;

	(void)state;
	mint(&pki, SCEN_SELF_SIGNED);
	assert_int_equal(X509_self_signed(pki.server_cert, 1), 1);
	assert_int_equal(sk_X509_num(pki.server_chain), 0);
	assert_sans(pki.server_cert, "localhost", loopback);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	pki_free(&pki);
}

static void test_missing_intermediate(void **state)
{
	struct pki pki;
	X509_STORE *st;

	(void)state;
	mint(&pki, SCEN_MISSING_INTERMEDIATE);
	/* a good certificate from the demo issuing CA, sent alone */
	assert_int_equal(X509_check_issued(pki.issuing_cert, pki.server_cert), X509_V_OK);
	assert_int_equal(sk_X509_num(pki.server_chain), 0);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	st = pki_trust_store(&pki, 0);
	assert_int_equal(X509_STORE_add_cert(st, pki.issuing_cert), 1);
	/* a client that has the intermediate (cached, or fetched) accepts it */
	assert_int_equal(verify(pki.server_cert, NULL, st, "localhost", NULL), X509_V_OK);
	X509_STORE_free(st);
	pki_free(&pki);
}

static void test_revoked(void **state)
{
	struct pki pki;
	X509_REVOKED *rev = NULL;

	(void)state;
	mint(&pki, SCEN_REVOKED);
	assert_int_equal(X509_CRL_get0_by_cert(pki.crl, &rev, pki.server_cert), 1);
	assert_int_equal(ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(rev),
					  X509_get0_serialNumber(pki.server_cert)), 0);
	assert_true(X509_cmp_current_time(X509_REVOKED_get0_revocationDate(rev)) < 0);
	/* revoked after it was issued */
	assert_true(ASN1_TIME_compare(X509_REVOKED_get0_revocationDate(rev),
				      X509_get0_notBefore(pki.server_cert)) > 0);
	assert_int_equal(X509_CRL_verify(pki.crl, pki.issuing_key), 1);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL), X509_V_ERR_CERT_REVOKED);
	pki_free(&pki);
}

static void test_weak_key(void **state)
{
	struct pki pki;

	(void)state;
	mint(&pki, SCEN_WEAK_KEY);
	assert_int_equal(EVP_PKEY_get_base_id(pki.server_key), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(pki.server_key), 1024);
	assert_int_equal(EVP_PKEY_get_security_bits(pki.server_key), 80);
	assert_int_equal(X509_check_private_key(pki.server_cert, pki.server_key), 1);
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", NULL), X509_V_ERR_EE_KEY_TOO_SMALL);
	pki_free(&pki);
}

static void test_mitm(void **state)
{
	struct pki pki;
	X509_STORE *st;
	STACK_OF(X509) *sent;
	char cn[128];

	(void)state;
	mint(&pki, SCEN_MITM);
	/* the real server is fine */
	assert_int_equal(verify_demo(&pki, pki.server_cert, "localhost", "127.0.0.1"), X509_V_OK);
	assert_non_null(pki.attacker_ca_cert);
	assert_non_null(pki.mitm_cert);
	assert_string_equal(cn_of(pki.attacker_ca_cert, cn, sizeof cn), "Totally Legit CA");
	assert_int_equal(EVP_PKEY_get_base_id(pki.attacker_ca_key), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_base_id(pki.mitm_key), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(pki.mitm_key), 2048);
	assert_int_equal(EVP_PKEY_eq(pki.mitm_key, pki.server_key), 0);
	assert_int_equal(X509_check_private_key(pki.mitm_cert, pki.mitm_key), 1);
	assert_string_equal(cn_of(pki.mitm_cert, cn, sizeof cn), "localhost");
	assert_sans(pki.mitm_cert, "localhost", loopback);
	/* the interceptor's certificate fails against the demo CA ... */
	assert_int_equal(verify_demo(&pki, pki.mitm_cert, "localhost", NULL),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	sent = sk_X509_new_null();
	assert_non_null(sent);
	assert_int_equal(sk_X509_push(sent, pki.attacker_ca_cert), 1);
	st = pki_trust_store(&pki, 0);
	assert_int_equal(verify(pki.mitm_cert, sent, st, "localhost", NULL),
			 X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
	X509_STORE_free(st);
	/* ... and passes once the attacker CA is trusted */
	st = pki_trust_store(&pki, 1);
	assert_int_equal(verify(pki.mitm_cert, NULL, st, "localhost", "127.0.0.1"), X509_V_OK);
	assert_int_equal(verify(pki.mitm_cert, sent, st, "localhost", NULL), X509_V_OK);
	X509_STORE_free(st);
	sk_X509_free(sent);
	pki_free(&pki);
}

static void test_pem_roundtrip(void **state)
{
	struct pki pki;
	char *pem;
	BIO *bio;
	X509 *back;

	(void)state;
	mint(&pki, SCEN_GOOD);
	pem = pki_cert_pem(pki.ca_cert);
	assert_non_null(pem);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	assert_null(strstr(pem, "PRIVATE"));
	bio = BIO_new_mem_buf(pem, -1);
	back = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(back);
	assert_int_equal(X509_cmp(back, pki.ca_cert), 0);
	assert_int_not_equal(X509_cmp(back, pki.server_cert), 0);
	X509_free(back);
	BIO_free(bio);
	free(pem);
	assert_null(pki_cert_pem(NULL));
	pki_free(&pki);
}

static void test_cache_and_trust_store(void **state)
{
	struct pki a;
	struct pki b;
	X509_STORE *st;
	STACK_OF(X509_OBJECT) *objs;

	(void)state;
	mint(&a, SCEN_GOOD);
	mint(&b, SCEN_EXPIRED);
	/* the group setup turned caching on: same RSA key, fresh certificates */
	assert_int_equal(EVP_PKEY_eq(a.server_key, b.server_key), 1);
	assert_int_not_equal(X509_cmp(a.server_cert, b.server_cert), 0);
	assert_int_equal(EVP_PKEY_eq(a.ca_key, b.ca_key), 0);
	/* no attacker CA to trust outside mitm */
	st = pki_trust_store(&a, 1);
	assert_non_null(st);
	objs = X509_STORE_get0_objects(st);
	/* the root, and the issuing CA's CRL */
	assert_int_equal(sk_X509_OBJECT_num(objs), 2);
	X509_STORE_free(st);
	pki_free(&a);
	pki_free(&b);
	/* an unknown scenario is refused with a reason */
	{
		char err[128] = "";

		assert_int_equal(pki_mint(&a, SCEN__COUNT, err, sizeof err), -1);
		assert_non_null(strstr(err, "scenario"));
		assert_null(a.server_key);
	}
}

/* Sharing a PKI: the same objects, and freeing one side keeps the other
 * whole (every member: under ASan a missed reference is a use after free). */
static void test_ref(void **state)
{
	(void)state;
	for (int scen = 0; scen < SCEN__COUNT; scen++) {
		struct pki a;
		struct pki b;
		char err[128] = "";
		int nchain;

		mint(&a, (enum scenario)scen);
		nchain = a.server_chain != NULL ? sk_X509_num(a.server_chain) : -1;
		assert_int_equal(pki_ref(&b, &a, err, sizeof err), 0);
		assert_ptr_equal(b.server_cert, a.server_cert);
		assert_ptr_equal(b.mitm_key, a.mitm_key);
		assert_ptr_equal(b.crl, a.crl);
		pki_free(&a);
		assert_null(a.server_cert);
		assert_int_equal(X509_check_private_key(b.server_cert, b.server_key), 1);
		if (b.mitm_cert != NULL)
			assert_int_equal(X509_check_private_key(b.mitm_cert, b.mitm_key), 1);
		assert_int_equal(b.server_chain != NULL ? sk_X509_num(b.server_chain) : -1, nchain);
		for (int i = 0; i < nchain; i++)
			assert_non_null(X509_get_subject_name(sk_X509_value(b.server_chain, i)));
		if (b.crl != NULL)
			assert_non_null(X509_CRL_get_issuer(b.crl));
		pki_free(&b);
	}
}

/* Keys made at launch in the background: a mint waits for them once, and
 * every later mint (any scenario) reuses them without making new ones. */
static void test_background_keys(void **state)
{
	struct pki a;
	struct pki b;
	struct pki c;
	int made;

	(void)state;
	pki_cache_keys(0); /* drop the group's keys: start from nothing */
	made = pki_keys_made();
	assert_int_equal(pki_keys_start(), 0);
	mint(&a, SCEN_MITM); /* waits for the thread's two keys */
	assert_int_equal(pki_keys_ready(SCEN_GOOD), 1);
	assert_int_equal(pki_keys_ready(SCEN_MITM), 1);
	assert_int_equal(pki_keys_made(), made + 2);
	mint(&b, SCEN_GOOD);
	mint(&c, SCEN_MITM);
	assert_int_equal(pki_keys_made(), made + 2);
	assert_int_equal(EVP_PKEY_eq(a.server_key, b.server_key), 1);
	assert_int_equal(EVP_PKEY_eq(a.mitm_key, c.mitm_key), 1);
	assert_int_equal(EVP_PKEY_eq(a.server_key, a.mitm_key), 0);
	assert_int_equal(EVP_PKEY_get_bits(a.server_key), 2048);
	/* starting again while the keys are there makes nothing new */
	assert_int_equal(pki_keys_start(), 0);
	pki_free(&b);
	mint(&b, SCEN_EXPIRED);
	assert_int_equal(pki_keys_made(), made + 2);
	assert_int_equal(EVP_PKEY_eq(a.server_key, b.server_key), 1);
	pki_free(&a);
	pki_free(&b);
	pki_free(&c);
	/* turned off while the thread works: it stops, nothing is kept */
	pki_cache_keys(0);
	assert_int_equal(pki_keys_start(), 0);
	pki_cache_keys(0);
	assert_true(pki_keys_made() <= made + 4);
	pki_cache_keys(1); /* as the group set it up */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_wrong_host),
		cmocka_unit_test(test_untrusted_ca),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_mitm),
		cmocka_unit_test(test_pem_roundtrip),
		cmocka_unit_test(test_cache_and_trust_store),
		cmocka_unit_test(test_background_keys),
		cmocka_unit_test(test_ref),
	};

	return cmocka_run_group_tests_name("pki", tests, pki_keys_setup, pki_keys_teardown);
}
