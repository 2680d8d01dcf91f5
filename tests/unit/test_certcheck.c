#include "tests/unit/engineutil.h"

#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "protocol/certcheck.h"
#include "protocol/pki.h"

/* What X509_verify_cert decided, as the engine will capture it. */
struct verdict {
	long err;
	int depth;
	unsigned long flags;
	STACK_OF(X509) *chain;
};

/* Run X509_verify_cert as the engine's client does: purpose ssl_server,
 * security level 2, the host name or IP checked (CRL checking comes with
 * the demo store). */
static struct verdict openssl_verify(X509 *leaf, STACK_OF(X509) *sent, X509_STORE *store,
				     const char *host)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	ASN1_OCTET_STRING *ip;
	struct verdict v;

	assert_non_null(ctx);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, sent), 1);
	assert_int_equal(X509_STORE_CTX_set_default(ctx, "ssl_server"), 1);
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	if (host != NULL) {
		ip = a2i_IPADDRESS(host);
		if (ip != NULL)
			assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(param, host), 1);
		else
			assert_int_equal(X509_VERIFY_PARAM_set1_host(param, host, 0), 1);
		ASN1_OCTET_STRING_free(ip);
	}
	v.flags = X509_VERIFY_PARAM_get_flags(param);
	X509_verify_cert(ctx);
	v.err = X509_STORE_CTX_get_error(ctx);
	v.depth = X509_STORE_CTX_get_error_depth(ctx);
	v.chain = X509_STORE_CTX_get1_chain(ctx);
	X509_STORE_CTX_free(ctx);
	return v;
}

/* Verify with OpenSSL, then run certcheck on the same input; returns
 * OpenSSL's result.  The log receives the cert.* events. */
static long check(struct evlog *log, X509 *leaf, STACK_OF(X509) *sent, X509_STORE *store,
		  const char *host, int insecure)
{
	struct verdict v = openssl_verify(leaf, sent, store, host);
	struct certcheck_input in = {
		.leaf = leaf,
		.untrusted = sent,
		.built_chain = v.chain,
		.trust = store,
		.trust_name = "demo CA (in memory)",
		.host = host,
		.openssl_result = v.err,
		.openssl_error_depth = v.depth,
		.insecure = insecure,
		.auth_level = 2,
		.verify_flags = v.flags,
		.actor = ACTOR_CLIENT,
	};

	assert_int_equal(certcheck_run(log, &in), 0);
	sk_X509_pop_free(v.chain, X509_free);
	return v.err;
}

/* The value of a field, failing the test when it is missing. */
static const char *fval(const struct event *ev, const char *name)
{
	const struct field *f = event_find_field(ev, name);

	if (f == NULL)
		fail_msg("%s has no field %s (summary: %s)", evname_str(ev->name), name,
			 ev->summary);
	return f->value;
}

/* Assert the log is exactly key, chain, hostname, revocation, signature x
 * nsig, validity, verdict (OpenSSL 3's order), every event by the client on
 * its own lifeline. */
static void assert_order(const struct evlog *log, size_t nsig)
{
	size_t i = 0;

	assert_int_equal(log->n, nsig + 6);
	assert_int_equal(log->ev[i++]->name, EV_CERT_KEY);
	assert_int_equal(log->ev[i++]->name, EV_CERT_CHAIN);
	assert_int_equal(log->ev[i++]->name, EV_CERT_HOSTNAME);
	assert_int_equal(log->ev[i++]->name, EV_CERT_REVOCATION);
	for (size_t k = 0; k < nsig; k++)
		assert_int_equal(log->ev[i++]->name, EV_CERT_SIGNATURE);
	assert_int_equal(log->ev[i++]->name, EV_CERT_VALIDITY);
	assert_int_equal(log->ev[i++]->name, EV_CERT_VERDICT);
	for (i = 0; i < log->n; i++) {
		assert_int_equal(log->ev[i]->actor, ACTOR_CLIENT);
		assert_int_equal(log->ev[i]->dir, DIR_LOCAL);
		assert_null(strchr(log->ev[i]->summary, '\n'));
	}
}

/* The first event of this name (the k-th signature with ev_sig). */
static const struct event *ev_of(const struct evlog *log, enum evname name)
{
	long i = evlog_find(log, name, 0);

	if (i < 0)
		fail_msg("no %s", evname_str(name));
	return log->ev[i];
}

/* The k-th cert.signature event (0: the root's, made first). */
static const struct event *ev_sig(const struct evlog *log, int k)
{
	long i = evlog_find(log, EV_CERT_SIGNATURE, 0);

	while (i >= 0 && k-- > 0)
		i = evlog_find(log, EV_CERT_SIGNATURE, (size_t)i + 1);
	if (i < 0)
		fail_msg("no such signature event");
	return log->ev[i];
}

/* A check OpenSSL never reached: made by httpsviz alone, with this result
 * (RESULT_FAIL without any X509 code: OpenSSL reported none for it). */
static void assert_app_only(const struct event *ev, enum result res)
{
	if (ev->result != res || !ev->app_only)
		fail_msg("%s: want result %d by httpsviz alone: %s", evname_str(ev->name), res, ev->summary);
	assert_int_equal(ev->x509_error, 0);
	assert_null(ev->x509_error_text);
	assert_null(event_find_field(ev, "x509_error"));
	assert_non_null(strstr(fval(ev, "checked_by"), "httpsviz alone: OpenSSL stopped"));
	assert_non_null(strstr(ev->summary, "(httpsviz alone)"));
	if (res == RESULT_FAIL)
		assert_true(strlen(fval(ev, "explanation")) > 40);
}

/* No event shows an X509 code other than OpenSSL's. */
static void assert_only_openssl_code(const struct evlog *log, long openssl)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i]->x509_error != 0 && log->ev[i]->x509_error != openssl)
			fail_msg("%s shows X509 error %ld, OpenSSL reported %ld", evname_str(log->ev[i]->name),
				 log->ev[i]->x509_error, openssl);
}

/* Assert one check's result: pass (code 0) or fail with this X509 code. */
static void assert_check(const struct event *ev, long code)
{
	char num[32];

	if (code == X509_V_OK) {
		if (ev->result != RESULT_PASS)
			fail_msg("%s should pass: %s", evname_str(ev->name), ev->summary);
		assert_string_equal(fval(ev, "result"), "pass");
		assert_string_equal(ev->fields[0].name, "result");
		assert_int_equal(ev->x509_error, 0);
		assert_null(event_find_field(ev, "x509_error"));
		assert_non_null(strstr(ev->summary, " ok"));
		assert_int_equal(ev->app_only, 0);
		return;
	}
	if (ev->result != RESULT_FAIL || ev->x509_error != code)
		fail_msg("%s should fail with %ld, got result %d code %ld: %s",
			 evname_str(ev->name), code, ev->result, ev->x509_error, ev->summary);
	assert_string_equal(fval(ev, "result"), "fail");
	assert_string_equal(ev->fields[0].name, "result");
	snprintf(num, sizeof num, "%ld", code);
	assert_string_equal(fval(ev, "x509_error"), num);
	assert_string_equal(fval(ev, "x509_error_text"), X509_verify_cert_error_string(code));
	assert_string_equal(ev->x509_error_text, X509_verify_cert_error_string(code));
	assert_true(strlen(fval(ev, "explanation")) > 40);
	/* the verdict is the result, never words in the summary: every
	 * reader marks a failure from it (the trace's FAILED:, the diagram's
	 * cross), so the summary does not say it again */
	assert_true(event_failed(ev));
	assert_null(strstr(ev->summary, "FAILED"));
	assert_int_equal(ev->app_only, 0);
}

/* The verdict must be OpenSSL's decision, whatever the app's checks found. */
static void assert_verdict(const struct evlog *log, long openssl, const char *alert)
{
	const struct event *ev = log->ev[log->n - 1];

	assert_int_equal(ev->name, EV_CERT_VERDICT);
	assert_check(ev, openssl);
	assert_only_openssl_code(log, openssl);
	if (openssl == X509_V_OK) {
		assert_string_equal(fval(ev, "action"), "continue");
	} else {
		assert_non_null(strstr(fval(ev, "alert"), alert));
		assert_non_null(strstr(ev->summary, alert));
	}
}

/* The i-th event of the log. */
static const struct event *at(const struct evlog *log, size_t i)
{
	assert_true(i < log->n);
	return log->ev[i];
}

/* Shared per-test state: one minted scenario. */
struct fixture {
	struct pki pki;
	struct evlog log;
	X509_STORE *demo;
};

/* Mint a scenario into a fixture. */
static void fx_init(struct fixture *fx, enum scenario scen)
{
	char err[256] = "";

	if (pki_mint(&fx->pki, scen, err, sizeof err) != 0)
		fail_msg("pki_mint: %s", err);
	fx->demo = pki_trust_store(&fx->pki, 0);
	assert_non_null(fx->demo);
	evlog_init(&fx->log);
}

/* Free a fixture. */
static void fx_free(struct fixture *fx)
{
	X509_STORE_free(fx->demo);
	pki_free(&fx->pki);
	evlog_clear(&fx->log);
}

/* What the server of the fixture sends: its certificate, then its chain. */
static long check_served(struct fixture *fx, const char *host, int insecure)
{
	return check(&fx->log, fx->pki.server_cert, fx->pki.server_chain, fx->demo, host, insecure);
}

static void test_good(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_OK);
	assert_order(&fx.log, 3);
	for (size_t i = 0; i + 1 < fx.log.n; i++)
		assert_check(at(&fx.log, i), X509_V_OK);
	/* the server's key against security level 2 */
	ev = ev_of(&fx.log, EV_CERT_KEY);
	assert_string_equal(ev->summary, "key size: localhost RSA 2048-bit (112-bit security), security level 2 ok");
	assert_non_null(strstr(fval(ev, "security_level"), "level 2: 112-bit security"));
	/* three levels: leaf and issuing CA sent, root from the store */
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_string_equal(ev->summary, "chain: localhost <- httpsviz demo issuing CA <- httpsviz demo root CA "
				   "(trusted root) ok");
	assert_string_equal(fval(ev, "trust_store"), "demo CA (in memory)");
	assert_string_equal(fval(ev, "certificates"), "3");
	assert_non_null(strstr(fval(ev, "[1]"), "sent by the peer"));
	assert_non_null(strstr(fval(ev, "[2]"), "from the trust store, trusted root"));
	assert_string_equal(fval(ev, "trusted_root"), "httpsviz demo root CA");
	assert_non_null(strstr(fval(ev, "extensions"), "every issuer is a CA"));
	assert_string_equal(fval(ev, "openssl_chain"),
			    "localhost <- httpsviz demo issuing CA <- httpsviz demo root CA");
	/* hostname */
	ev = ev_of(&fx.log, EV_CERT_HOSTNAME);
	assert_string_equal(ev->summary, "hostname: localhost matches DNS:localhost ok");
	assert_string_equal(fval(ev, "san"), "DNS:localhost (matches)");
	assert_true(event_find_field(ev, "subject_alt_name")->length > 0);
	assert_non_null(strstr(fval(ev, "common_name"), "not used"));
	/* revocation: the issuing CA's CRL, with no entry */
	ev = ev_of(&fx.log, EV_CERT_REVOCATION);
	assert_string_equal(ev->summary, "revocation: localhost not on the CRL of httpsviz demo issuing CA ok");
	assert_non_null(strstr(fval(ev, "crl"), "0 revoked certificates"));
	/* signatures from the root down: its own, the issuing CA's, the leaf's */
	ev = ev_sig(&fx.log, 0);
	assert_non_null(strstr(ev->summary, "httpsviz demo root CA signed by itself"));
	ev = ev_sig(&fx.log, 1);
	assert_string_equal(fval(ev, "subject"), "httpsviz demo issuing CA");
	assert_string_equal(fval(ev, "issuer"), "httpsviz demo root CA");
	ev = ev_sig(&fx.log, 2);
	assert_string_equal(fval(ev, "subject"), "localhost");
	assert_string_equal(fval(ev, "issuer"), "httpsviz demo issuing CA");
	assert_string_equal(fval(ev, "algorithm"), "ecdsa-with-SHA256");
	assert_string_equal(fval(ev, "issuer_key"), "EC P-256");
	assert_non_null(ev->raw);
	assert_true(event_find_field(ev, "signature")->length > 0);
	assert_true(event_find_field(ev, "signed_bytes")->length > 100);
	/* validity with the dates pointing into the DER */
	ev = ev_of(&fx.log, EV_CERT_VALIDITY);
	assert_true(event_find_field(ev, "not_before")->length >= 15);
	assert_true(event_find_field(ev, "not_after")->length >= 15);
	assert_verdict(&fx.log, X509_V_OK, NULL);
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "app_agrees"), "yes");
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "app_checks"), "0 failed");
	fx_free(&fx);
}

static void test_good_ip(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	assert_int_equal(check_served(&fx, "127.0.0.1", 0), X509_V_OK);
	assert_order(&fx.log, 3);
	ev = ev_of(&fx.log, EV_CERT_HOSTNAME);
	assert_check(ev, X509_V_OK);
	assert_string_equal(ev->summary, "hostname: 127.0.0.1 matches IP:127.0.0.1 ok");
	assert_non_null(strstr(fval(ev, "requested"), "IP address"));
	assert_non_null(strstr(fval(ev, "common_name"), "never used"));
	assert_verdict(&fx.log, X509_V_OK, NULL);
	evlog_clear(&fx.log);
	/* another address fails with 64; what OpenSSL never reached is httpsviz's */
	assert_int_equal(check_served(&fx, "127.0.0.2", 0), X509_V_ERR_IP_ADDRESS_MISMATCH);
	assert_order(&fx.log, 3);
	assert_check(ev_of(&fx.log, EV_CERT_HOSTNAME), X509_V_ERR_IP_ADDRESS_MISMATCH);
	assert_app_only(ev_of(&fx.log, EV_CERT_REVOCATION), RESULT_PASS);
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_IP_ADDRESS_MISMATCH, "bad_certificate");
	fx_free(&fx);
}

static void test_expired(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_EXPIRED);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_CERT_HAS_EXPIRED);
	assert_order(&fx.log, 3);
	/* the dates come last: every other check was OpenSSL's too */
	for (size_t i = 0; i < 7; i++)
		assert_check(at(&fx.log, i), X509_V_OK);
	ev = ev_of(&fx.log, EV_CERT_VALIDITY);
	assert_check(ev, X509_V_ERR_CERT_HAS_EXPIRED);
	assert_non_null(strstr(ev->summary, "localhost expired on"));
	assert_non_null(strstr(fval(ev, "explanation"), "expired on"));
	assert_non_null(strstr(fval(ev, "explanation"), "1 day ago"));
	assert_verdict(&fx.log, X509_V_ERR_CERT_HAS_EXPIRED, "certificate_expired");
	ev = at(&fx.log, fx.log.n - 1);
	assert_string_equal(fval(ev, "alert"), "certificate_expired (45)");
	assert_string_equal(fval(ev, "action"), "abort");
	assert_string_equal(fval(ev, "error_depth"), "0 (the server's own certificate)");
	assert_string_equal(fval(ev, "app_checks"), "1 failed");
	fx_free(&fx);
}

static void test_not_yet_valid(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, SCEN_NOT_YET_VALID);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_CERT_NOT_YET_VALID);
	assert_order(&fx.log, 3);
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_OK);
	assert_check(ev_sig(&fx.log, 2), X509_V_OK);
	assert_check(ev_of(&fx.log, EV_CERT_VALIDITY), X509_V_ERR_CERT_NOT_YET_VALID);
	assert_non_null(strstr(ev_of(&fx.log, EV_CERT_VALIDITY)->summary, "not valid before"));
	assert_check(ev_of(&fx.log, EV_CERT_HOSTNAME), X509_V_OK);
	/* OpenSSL maps 9 to bad_certificate, not certificate_expired */
	assert_verdict(&fx.log, X509_V_ERR_CERT_NOT_YET_VALID, "bad_certificate");
	fx_free(&fx);
}

static void test_wrong_host(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_WRONG_HOST);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_HOSTNAME_MISMATCH);
	assert_order(&fx.log, 3);
	assert_check(ev_of(&fx.log, EV_CERT_KEY), X509_V_OK);
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_OK);
	ev = ev_of(&fx.log, EV_CERT_HOSTNAME);
	assert_check(ev, X509_V_ERR_HOSTNAME_MISMATCH);
	assert_string_equal(ev->summary, "hostname: localhost not in [DNS:www.example.org]");
	assert_string_equal(fval(ev, "san"), "DNS:www.example.org");
	assert_non_null(strstr(fval(ev, "explanation"), "www.example.org"));
	/* OpenSSL stopped at the name: signatures and dates are httpsviz's */
	assert_app_only(ev_of(&fx.log, EV_CERT_REVOCATION), RESULT_PASS);
	for (int k = 0; k < 3; k++)
		assert_app_only(ev_sig(&fx.log, k), RESULT_PASS);
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_HOSTNAME_MISMATCH, "bad_certificate");
	ev = at(&fx.log, fx.log.n - 1);
	assert_string_equal(fval(ev, "alert"), "bad_certificate (42)");
	assert_non_null(strstr(fval(ev, "order"), "made by httpsviz alone"));
	evlog_clear(&fx.log);
	/* by IP: 64, and the CN is never consulted for an address */
	assert_int_equal(check_served(&fx, "127.0.0.1", 0), X509_V_ERR_IP_ADDRESS_MISMATCH);
	assert_check(ev_of(&fx.log, EV_CERT_HOSTNAME), X509_V_ERR_IP_ADDRESS_MISMATCH);
	assert_verdict(&fx.log, X509_V_ERR_IP_ADDRESS_MISMATCH, "bad_certificate");
	fx_free(&fx);
}

/* A real chain, leaf and issuing CA, to a private root the client lacks. */
static void test_untrusted_ca(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_UNTRUSTED_CA);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_order(&fx.log, 2);
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_check(ev, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_string_equal(ev->summary, "chain: localhost <- Example Corp intranet issuing CA <- ? (issuer "
				   "Example Corp private root CA not found)");
	assert_string_equal(fval(ev, "missing_issuer"), "Example Corp private root CA");
	assert_null(event_find_field(ev, "missing_intermediate"));
	assert_app_only(ev_of(&fx.log, EV_CERT_HOSTNAME), RESULT_PASS);
	assert_app_only(ev_of(&fx.log, EV_CERT_REVOCATION), RESULT_NONE);
	/* the issuing CA's signature cannot be checked; the leaf's can */
	assert_app_only(ev_sig(&fx.log, 0), RESULT_NONE);
	assert_app_only(ev_sig(&fx.log, 1), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unknown_ca");
	ev = at(&fx.log, fx.log.n - 1);
	assert_string_equal(fval(ev, "error_depth"), "1 (a certificate higher up the chain)");
	assert_string_equal(fval(ev, "app_checks"), "1 failed");
	fx_free(&fx);
}

static void test_self_signed(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_SELF_SIGNED);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_order(&fx.log, 1);
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_check(ev, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_string_equal(ev->summary, "chain: localhost (self-signed, not in the trust store)");
	/* the self-signature itself is fine: it just proves nothing */
	ev = ev_sig(&fx.log, 0);
	assert_app_only(ev, RESULT_PASS);
	assert_non_null(strstr(ev->summary, "signed by itself"));
	assert_string_equal(fval(ev, "issuer_key"), "RSA 2048-bit");
	assert_string_equal(fval(ev, "algorithm"), "sha256WithRSAEncryption");
	assert_verdict(&fx.log, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "unknown_ca");
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "alert"), "unknown_ca (48)");
	fx_free(&fx);
}

/* The server sends its certificate alone: error 20 at depth 0, named. */
static void test_missing_intermediate(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_MISSING_INTERMEDIATE);
	assert_int_equal(sk_X509_num(fx.pki.server_chain), 0);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_check(ev, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_string_equal(fval(ev, "missing_issuer"), "httpsviz demo issuing CA");
	assert_non_null(strstr(fval(ev, "explanation"), "sent only its own certificate"));
	assert_non_null(strstr(fval(ev, "missing_intermediate"), "Authority Information Access"));
	assert_verdict(&fx.log, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unknown_ca");
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "error_depth"), "0 (the server's own certificate)");
	evlog_clear(&fx.log);
	/* with the intermediate sent, the same certificate passes */
	assert_int_equal(check(&fx.log, fx.pki.server_cert, NULL, fx.demo, "localhost", 0),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	evlog_clear(&fx.log);
	{
		STACK_OF(X509) *sent = sk_X509_new_null();

		assert_int_equal(sk_X509_push(sent, fx.pki.issuing_cert), 1);
		assert_int_equal(check(&fx.log, fx.pki.server_cert, sent, fx.demo, "localhost", 0), X509_V_OK);
		sk_X509_free(sent);
	}
	fx_free(&fx);
}

/* On the issuing CA's CRL: error 23, with the entry shown. */
static void test_revoked(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_REVOKED);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_CERT_REVOKED);
	assert_order(&fx.log, 3);
	ev = ev_of(&fx.log, EV_CERT_REVOCATION);
	assert_check(ev, X509_V_ERR_CERT_REVOKED);
	assert_string_equal(ev->summary, "revocation: localhost is on the CRL of httpsviz demo issuing CA");
	assert_string_equal(fval(ev, "reason"), "keyCompromise");
	assert_non_null(strstr(fval(ev, "crl"), "1 revoked certificate,"));
	assert_true(strlen(fval(ev, "serial_number")) >= 30);
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_CERT_REVOKED, "certificate_revoked");
	/* a store without CRL checking accepts it: revocation is not checked */
	evlog_clear(&fx.log);
	{
		X509_STORE *plain = X509_STORE_new();

		assert_int_equal(X509_STORE_add_cert(plain, fx.pki.ca_cert), 1);
		assert_int_equal(check(&fx.log, fx.pki.server_cert, fx.pki.server_chain, plain, "localhost", 0),
				 X509_V_OK);
		ev = ev_of(&fx.log, EV_CERT_REVOCATION);
		assert_int_equal(ev->result, RESULT_NONE);
		assert_non_null(strstr(ev->summary, "this client does not check revocation"));
		assert_non_null(strstr(fval(ev, "about"), "CRLite"));
		X509_STORE_free(plain);
	}
	fx_free(&fx);
}

/* An RSA-1024 server key: error 66 before the chain is even built. */
static void test_weak_key(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_WEAK_KEY);
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_ERR_EE_KEY_TOO_SMALL);
	assert_order(&fx.log, 3);
	ev = ev_of(&fx.log, EV_CERT_KEY);
	assert_check(ev, X509_V_ERR_EE_KEY_TOO_SMALL);
	assert_string_equal(ev->summary, "key size: localhost holds RSA 1024-bit (80-bit security), security "
				   "level 2 asks for 112");
	assert_non_null(strstr(fval(ev, "why"), "before it even builds the chain"));
	/* everything else is httpsviz's alone, and passes */
	for (size_t i = 1; i + 1 < fx.log.n; i++)
		assert_app_only(at(&fx.log, i), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_EE_KEY_TOO_SMALL, "bad_certificate");
	fx_free(&fx);
}

static void test_mitm(void **state)
{
	struct fixture fx;
	STACK_OF(X509) *sent = sk_X509_new_null();
	X509_STORE *rogue;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_MITM);
	/* the interceptor sends only its certificate */
	assert_int_equal(check(&fx.log, fx.pki.mitm_cert, NULL, fx.demo, "localhost", 0),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_order(&fx.log, 1);
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_check(ev, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_string_equal(ev->summary,
			    "chain: localhost <- ? (issuer Totally Legit CA not found)");
	assert_string_equal(fval(ev, "missing_issuer"), "Totally Legit CA");
	/* its signature cannot be checked: not a failure, and never error 21 */
	assert_app_only(ev_sig(&fx.log, 0), RESULT_NONE);
	assert_app_only(ev_of(&fx.log, EV_CERT_HOSTNAME), RESULT_PASS);
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unknown_ca");
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "app_checks"), "1 failed");
	assert_null(event_find_field(at(&fx.log, fx.log.n - 1), "first_failure"));
	evlog_clear(&fx.log);
	/* it also sends its CA: a self-signed root in the chain, still untrusted */
	assert_non_null(sent);
	assert_int_equal(sk_X509_push(sent, fx.pki.attacker_ca_cert), 1);
	assert_int_equal(check(&fx.log, fx.pki.mitm_cert, sent, fx.demo, "localhost", 0),
			 X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
	assert_order(&fx.log, 2);
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
	assert_string_equal(fval(ev_of(&fx.log, EV_CERT_CHAIN), "untrusted_root"), "Totally Legit CA");
	assert_app_only(ev_sig(&fx.log, 1), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "unknown_ca");
	evlog_clear(&fx.log);
	/* --insecure: the same failure, but the client goes on */
	assert_int_equal(check(&fx.log, fx.pki.mitm_cert, NULL, fx.demo, "localhost", 1),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	ev = at(&fx.log, fx.log.n - 1);
	assert_check(ev, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_string_equal(fval(ev, "action"), "continue (--insecure)");
	assert_string_equal(fval(ev, "alert_not_sent"), "unknown_ca (48)");
	assert_null(event_find_field(ev, "alert"));
	assert_true(strlen(fval(ev, "danger")) > 80);
	assert_non_null(strstr(ev->summary, "continues anyway"));
	evlog_clear(&fx.log);
	/* --trust-attacker: a rogue CA in the store makes everything pass */
	rogue = pki_trust_store(&fx.pki, 1);
	assert_non_null(rogue);
	assert_int_equal(check(&fx.log, fx.pki.mitm_cert, NULL, rogue, "localhost", 0), X509_V_OK);
	assert_order(&fx.log, 2);
	for (size_t i = 0; i < fx.log.n; i++)
		assert_check(at(&fx.log, i), X509_V_OK);
	assert_string_equal(ev_of(&fx.log, EV_CERT_CHAIN)->summary,
			    "chain: localhost <- Totally Legit CA (trusted root) ok");
	X509_STORE_free(rogue);
	evlog_clear(&fx.log);
	/* the real server behind the interceptor is fine */
	assert_int_equal(check_served(&fx, "localhost", 0), X509_V_OK);
	assert_verdict(&fx.log, X509_V_OK, NULL);
	sk_X509_free(sent);
	fx_free(&fx);
}

/* A copy of x with the last byte of its DER (inside the signature) flipped. */
static X509 *corrupt_signature(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_X509(x, &der);
	X509 *bad;

	assert_true(n > 0);
	der[n - 1] ^= 0x01;
	p = der;
	bad = d2i_X509(NULL, &p, n);
	OPENSSL_free(der);
	assert_non_null(bad);
	return bad;
}

static void test_corrupted_signature(void **state)
{
	struct fixture fx;
	X509 *bad;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	bad = corrupt_signature(fx.pki.server_cert);
	assert_int_equal(check(&fx.log, bad, fx.pki.server_chain, fx.demo, "localhost", 0),
			 X509_V_ERR_CERT_SIGNATURE_FAILURE);
	assert_order(&fx.log, 3);
	/* the chain is still built by name: the issuer is found */
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_OK);
	assert_check(ev_of(&fx.log, EV_CERT_HOSTNAME), X509_V_OK);
	/* the root's and the issuing CA's were checked first, then the leaf's */
	assert_check(ev_sig(&fx.log, 0), X509_V_OK);
	assert_check(ev_sig(&fx.log, 1), X509_V_OK);
	ev = ev_sig(&fx.log, 2);
	assert_check(ev, X509_V_ERR_CERT_SIGNATURE_FAILURE);
	assert_non_null(strstr(fval(ev, "explanation"), "does not verify"));
	/* OpenSSL never got to the leaf's dates */
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_CERT_SIGNATURE_FAILURE, "decrypt_error");
	X509_free(bad);
	fx_free(&fx);
}

/* Two failures at once: OpenSSL reports the first it meets; the other is
 * httpsviz's alone and carries no code; both count. */
static void test_first_failure_order(void **state)
{
	struct fixture fx;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_SELF_SIGNED);
	assert_int_equal(check_served(&fx, "www.example.org", 0), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_app_only(ev_of(&fx.log, EV_CERT_HOSTNAME), RESULT_FAIL);
	ev = at(&fx.log, fx.log.n - 1);
	assert_verdict(&fx.log, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "unknown_ca");
	assert_string_equal(fval(ev, "app_checks"), "2 failed");
	assert_non_null(strstr(fval(ev, "first_failure"), "building the chain"));
	fx_free(&fx);
	/* the name comes before the dates */
	fx_init(&fx, SCEN_EXPIRED);
	assert_int_equal(check_served(&fx, "www.example.org", 0), X509_V_ERR_HOSTNAME_MISMATCH);
	assert_check(ev_of(&fx.log, EV_CERT_HOSTNAME), X509_V_ERR_HOSTNAME_MISMATCH);
	assert_app_only(ev_of(&fx.log, EV_CERT_VALIDITY), RESULT_FAIL);
	assert_verdict(&fx.log, X509_V_ERR_HOSTNAME_MISMATCH, "bad_certificate");
	assert_string_equal(fval(at(&fx.log, fx.log.n - 1), "app_checks"), "2 failed");
	fx_free(&fx);
}

/* A certificate from the demo issuing CA for localhost but made for TLS
 * clients only (extendedKeyUsage clientAuth). */
static X509 *client_only_cert(const struct pki *pki, EVP_PKEY **key)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	X509V3_CTX v3;
	static const char *const exts[][2] = {
		{"basicConstraints", "CA:FALSE"},
		{"extendedKeyUsage", "clientAuth"},
		{"subjectAltName", "DNS:localhost"},
	};

	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(*key);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 9), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	assert_int_equal(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)"localhost",
						    -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, nm), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(pki->issuing_cert)), 1);
	assert_int_equal(X509_set_pubkey(x, *key), 1);
	X509V3_set_ctx(&v3, pki->issuing_cert, x, NULL, NULL, 0);
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		X509_EXTENSION *ext = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);

		assert_non_null(ext);
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, pki->issuing_key, EVP_sha256()) > 0);
	X509_NAME_free(nm);
	return x;
}

/* The chain builds, but the certificate is not for a TLS server: OpenSSL's
 * extensions check fails (26, unsupported_certificate) right after the
 * chain; what follows is httpsviz's alone. */
static void test_wrong_purpose(void **state)
{
	struct fixture fx;
	EVP_PKEY *key = NULL;
	X509 *x;
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	x = client_only_cert(&fx.pki, &key);
	assert_int_equal(check(&fx.log, x, fx.pki.server_chain, fx.demo, "localhost", 0),
			 X509_V_ERR_INVALID_PURPOSE);
	ev = ev_of(&fx.log, EV_CERT_CHAIN);
	assert_check(ev, X509_V_ERR_INVALID_PURPOSE);
	assert_non_null(strstr(ev->summary, "but the certificate is not for a TLS server"));
	assert_non_null(strstr(fval(ev, "extensions"), "lacks serverAuth"));
	assert_app_only(ev_of(&fx.log, EV_CERT_HOSTNAME), RESULT_PASS);
	assert_verdict(&fx.log, X509_V_ERR_INVALID_PURPOSE, "unsupported_certificate");
	X509_free(x);
	EVP_PKEY_free(key);
	fx_free(&fx);
}

/* A self-signed certificate with a hostile CN and SAN (escape sequences). */
static X509 *hostile_cert(EVP_PKEY **key)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(*key);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	assert_int_equal(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
						    (const unsigned char *)"\x1b[2Jevil\x07", -1,
						    -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, nm), 1);
	assert_int_equal(X509_set_issuer_name(x, nm), 1);
	assert_int_equal(X509_set_pubkey(x, *key), 1);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:\x1b]0;pwn\x07");
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, *key, EVP_sha256()) > 0);
	X509_NAME_free(nm);
	return x;
}

static void test_hostile_names_are_inert(void **state)
{
	struct fixture fx;
	EVP_PKEY *key = NULL;
	X509 *x;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	x = hostile_cert(&key);
	assert_int_not_equal(check(&fx.log, x, NULL, fx.demo, "localhost", 0), X509_V_OK);
	assert_order(&fx.log, 1);
	for (size_t i = 0; i < fx.log.n; i++) {
		const struct event *ev = fx.log.ev[i];

		assert_null(strchr(ev->summary, 0x1b));
		assert_null(strchr(ev->summary, 0x07));
		for (size_t k = 0; k < ev->nfields; k++) {
			assert_null(strchr(ev->fields[k].value, 0x1b));
			assert_null(strchr(ev->fields[k].value, 0x07));
		}
	}
	assert_non_null(strstr(ev_of(&fx.log, EV_CERT_CHAIN)->summary, "\\x1b[2Jevil"));
	X509_free(x);
	EVP_PKEY_free(key);
	fx_free(&fx);
}

static void test_no_host_and_null_leaf(void **state)
{
	struct fixture fx;
	struct certcheck_input in = {0};
	const struct event *ev;

	(void)state;
	fx_init(&fx, SCEN_GOOD);
	assert_int_equal(check_served(&fx, NULL, 0), X509_V_OK);
	assert_order(&fx.log, 3);
	ev = ev_of(&fx.log, EV_CERT_HOSTNAME);
	assert_int_equal(ev->result, RESULT_NONE);
	assert_string_equal(fval(ev, "result"), "not checked");
	evlog_clear(&fx.log);
	in.trust = fx.demo;
	assert_int_equal(certcheck_run(&fx.log, &in), -1);
	assert_int_equal(fx.log.n, 0);
	/* no trust store at all: nothing is trusted */
	in.leaf = fx.pki.server_cert;
	in.trust = NULL;
	in.host = "localhost";
	in.openssl_result = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	assert_int_equal(certcheck_run(&fx.log, &in), 0);
	assert_check(ev_of(&fx.log, EV_CERT_CHAIN), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	fx_free(&fx);
}

static void test_error_queue_kept(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, SCEN_MITM);
	ERR_clear_error();
	ERR_raise_data(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE, "engine's own");
	check(&fx.log, fx.pki.mitm_cert, NULL, fx.demo, "www.example.org", 0);
	/* the error queued before the checks is still there, and nothing else */
	assert_int_equal(ERR_GET_REASON(ERR_get_error()), X509_R_CERT_ALREADY_IN_HASH_TABLE);
	assert_int_equal(ERR_get_error(), 0);
	fx_free(&fx);
}

static void test_tables(void **state)
{
	static const long codes[] = {2, 7, 9, 10, 18, 19, 20, 21, 24, 26, 62, 64};
	const char *dflt = certcheck_explain(99999);
	int ad = -1;

	(void)state;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		assert_true(strlen(certcheck_explain(codes[i])) > 60);
		assert_ptr_not_equal(certcheck_explain(codes[i]), dflt);
		assert_non_null(strstr(certcheck_err_name(codes[i]), "X509_V_ERR_"));
		assert_string_not_equal(certcheck_err_name(codes[i]), "X509_V_ERR_(other)");
	}
	assert_string_equal(certcheck_err_name(X509_V_ERR_CERT_HAS_EXPIRED),
			    "X509_V_ERR_CERT_HAS_EXPIRED");
	assert_string_equal(certcheck_err_name(12345), "X509_V_ERR_(other)");
	assert_true(strlen(dflt) > 60);
	/* OpenSSL's ssl_x509err2alert mapping */
	assert_string_equal(certcheck_alert(X509_V_ERR_CERT_HAS_EXPIRED, &ad), "certificate_expired");
	assert_int_equal(ad, 45);
	assert_string_equal(certcheck_alert(X509_V_ERR_HOSTNAME_MISMATCH, &ad), "bad_certificate");
	assert_int_equal(ad, 42);
	assert_string_equal(certcheck_alert(X509_V_ERR_CERT_NOT_YET_VALID, NULL), "bad_certificate");
	assert_string_equal(certcheck_alert(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, &ad),
			    "unknown_ca");
	assert_int_equal(ad, 48);
	assert_string_equal(certcheck_alert(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, NULL),
			    "unknown_ca");
	assert_string_equal(certcheck_alert(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, NULL),
			    "unknown_ca");
	assert_string_equal(certcheck_alert(X509_V_ERR_CERT_SIGNATURE_FAILURE, &ad),
			    "decrypt_error");
	assert_int_equal(ad, 51);
	assert_string_equal(certcheck_alert(X509_V_ERR_INVALID_PURPOSE, NULL),
			    "unsupported_certificate");
	assert_string_equal(certcheck_alert(12345, &ad), "certificate_unknown");
	assert_int_equal(ad, 46);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_good_ip),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_wrong_host),
		cmocka_unit_test(test_untrusted_ca),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_mitm),
		cmocka_unit_test(test_corrupted_signature),
		cmocka_unit_test(test_wrong_purpose),
		cmocka_unit_test(test_first_failure_order),
		cmocka_unit_test(test_hostile_names_are_inert),
		cmocka_unit_test(test_no_host_and_null_leaf),
		cmocka_unit_test(test_error_queue_kept),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests_name("certcheck", tests, pki_keys_setup, pki_keys_teardown);
}
