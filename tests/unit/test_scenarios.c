/* Every certificate scenario run for real, to the end, through the engine:
 * the cert.* check events, the verdict against OpenSSL's own verify result,
 * the alert the client really sent, the exit status; --insecure; and the
 * interceptor reading the request in clear when its CA is trusted. */
#include "tests/unit/engineutil.h"

#include <stdlib.h>

#include <openssl/x509.h>

#include "protocol/certcheck.h"
#include "protocol/engine.h"
#include "protocol/pki.h"

/* What a scenario must show. */
struct expect {
	enum scenario scen;
	int trust_attacker;
	long x509;                 /* OpenSSL's verdict: X509_V_OK or the error */
	enum evname failing;       /* the check that fails (unused when x509 is OK) */
	const char *alert;         /* the alert the client sends, as tlsdecode names it */
	int alert_code;
	int depth;                 /* OpenSSL's error depth */
};

static const struct expect scenarios[] = {
	{SCEN_GOOD, 0, X509_V_OK, EV_CERT_VERDICT, NULL, 0, 0},
	{SCEN_EXPIRED, 0, X509_V_ERR_CERT_HAS_EXPIRED, EV_CERT_VALIDITY, "certificate_expired", 45, 0},
	{SCEN_NOT_YET_VALID, 0, X509_V_ERR_CERT_NOT_YET_VALID, EV_CERT_VALIDITY, "bad_certificate", 42, 0},
	{SCEN_WRONG_HOST, 0, X509_V_ERR_HOSTNAME_MISMATCH, EV_CERT_HOSTNAME, "bad_certificate", 42, 0},
	/* a real chain, leaf and issuing CA, to a root the client lacks */
	{SCEN_UNTRUSTED_CA, 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, EV_CERT_CHAIN, "unknown_ca", 48, 1},
	{SCEN_MITM, 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, EV_CERT_CHAIN, "unknown_ca", 48, 0},
	{SCEN_MITM, 1, X509_V_OK, EV_CERT_VERDICT, NULL, 0, 0},
	{SCEN_SELF_SIGNED, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, EV_CERT_CHAIN, "unknown_ca", 48, 0},
	/* the leaf alone: its issuer is nowhere */
	{SCEN_MISSING_INTERMEDIATE, 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, EV_CERT_CHAIN, "unknown_ca", 48, 0},
	{SCEN_REVOKED, 0, X509_V_ERR_CERT_REVOKED, EV_CERT_REVOCATION, "certificate_revoked", 44, 0},
	{SCEN_WEAK_KEY, 0, X509_V_ERR_EE_KEY_TOO_SMALL, EV_CERT_KEY, "bad_certificate", 42, 0},
};

static const char *value(const struct event *ev, const char *field)
{
	const struct field *f = event_find_field(ev, field);

	if (f == NULL)
		print_error("%s has no field %s\n", evname_str(ev->name), field);
	assert_non_null(f);
	return f->value;
}

/* Exactly one event of this name; its index. */
static long the_one(const struct evlog *log, enum evname name)
{
	long i = evlog_find(log, name, 0);

	if (i < 0)
		print_error("no %s event\n", evname_str(name));
	assert_true(i >= 0);
	assert_true(evlog_find(log, name, (size_t)i + 1) < 0);
	return i;
}

/* A check event says pass or fail in three agreeing ways; a failure
 * carries OpenSSL's code and text. */
static void assert_check(const struct event *ev, int pass, long x509)
{
	assert_int_equal(ev->actor, ACTOR_CLIENT);
	assert_string_equal(value(ev, "result"), pass ? "pass" : "fail");
	assert_int_equal(ev->result, pass ? RESULT_PASS : RESULT_FAIL);
	if (pass) {
		assert_int_equal(ev->x509_error, 0);
		assert_null(event_find_field(ev, "x509_error"));
		return;
	}
	assert_int_equal(ev->x509_error, x509);
	assert_int_equal(atol(value(ev, "x509_error")), x509);
	assert_string_equal(value(ev, "x509_error_text"), X509_verify_cert_error_string(x509));
	assert_non_null(ev->x509_error_text);
	assert_string_equal(ev->x509_error_text, X509_verify_cert_error_string(x509));
	assert_true(strlen(value(ev, "explanation")) > 20);
}

/* The kinds of check, in OpenSSL 3's order after the Certificate: those
 * before the failing one passed and OpenSSL made them; the failing one has
 * OpenSSL's code; those after it were made by httpsviz alone, pass or "not
 * checked", and carry no X509 code (OpenSSL reported none for them).  The
 * verdict's count of failed checks is the number of FAILED lines. */
static void assert_checks(const struct evlog *log, const struct expect *x)
{
	static const enum evname order[] = {EV_CERT_KEY, EV_CERT_CHAIN, EV_CERT_HOSTNAME, EV_CERT_REVOCATION,
					    EV_CERT_SIGNATURE, EV_CERT_VALIDITY, EV_CERT_VERDICT};
	long cert = evlog_find(log, EV_TLS_CERTIFICATE, 0);
	long prev = cert;
	int after = 0;
	int failed = 0;
	char want[32];

	assert_true(cert >= 0);
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		long i = evlog_find(log, order[k], (size_t)prev + 1);
		long last = i;

		if (i < 0)
			print_error("no %s after event %ld\n", evname_str(order[k]), prev);
		assert_true(i > prev);
		/* several signature events: one per certificate, root first */
		if (order[k] == EV_CERT_SIGNATURE)
			for (long j = i; j >= 0; j = evlog_find(log, EV_CERT_SIGNATURE, (size_t)j + 1))
				last = j;
		for (long j = i; j <= last; j++) {
			const struct event *ev = log->ev[j];

			if (ev->name != order[k])
				continue;
			if (order[k] == EV_CERT_VERDICT)
				break;
			if (x->x509 != X509_V_OK && order[k] == x->failing && j == i) {
				assert_check(ev, 0, x->x509);
				assert_int_equal(ev->app_only, 0);
				failed++;
				continue;
			}
			/* never a code OpenSSL did not report */
			assert_int_equal(ev->x509_error, 0);
			assert_null(event_find_field(ev, "x509_error"));
			assert_int_equal(ev->app_only, after);
			assert_non_null(strstr(value(ev, "checked_by"), after ? "httpsviz alone" : "OpenSSL and httpsviz"));
			if (after) {
				assert_non_null(strstr(ev->summary, "(httpsviz alone)"));
				assert_true(ev->result == RESULT_PASS || ev->result == RESULT_NONE);
			} else if (order[k] == EV_CERT_REVOCATION) {
				/* the demo client checks the issuing CA's CRL */
				assert_int_equal(ev->result, RESULT_PASS);
			} else {
				assert_check(ev, 1, 0);
			}
		}
		if (x->x509 != X509_V_OK && order[k] == x->failing)
			after = 1;
		prev = last;
	}
	snprintf(want, sizeof want, "%d failed", failed);
	assert_string_equal(value(log->ev[the_one(log, EV_CERT_VERDICT)], "app_checks"), want);
}

/* The verdict equals what OpenSSL decided on the client's SSL object. */
static void assert_verdict(const struct run *r, const struct expect *x)
{
	const struct event *v = r->log.ev[the_one(&r->log, EV_CERT_VERDICT)];

	assert_int_equal(engine_verify_result(r->e), x->x509);
	if (x->x509 != X509_V_OK)
		assert_int_equal(atoi(value(v, "error_depth")), x->depth);
	assert_int_equal(v->x509_error, engine_verify_result(r->e));
	assert_int_equal(v->result, engine_verify_result(r->e) == X509_V_OK ? RESULT_PASS : RESULT_FAIL);
	assert_string_equal(value(v, "app_agrees"), "yes");
}

/* A rejected certificate: the client sends the fatal alert OpenSSL maps the
 * error to, the run fails with exit 6 and says why, no request leaves. */
static void assert_rejected(const struct run *r, const struct expect *x)
{
	long a = the_one(&r->log, EV_TLS_ALERT);
	const struct event *alert = r->log.ev[a];
	long err = the_one(&r->log, EV_ERROR_TLS);
	const struct event *v = r->log.ev[the_one(&r->log, EV_CERT_VERDICT)];
	int code = 0;
	char want[64];

	assert_int_equal(r->st, ENGINE_FAILED);
	assert_int_equal(engine_failure(r->e), ENGINE_FAIL_CERT);
	assert_int_equal(alert->actor, ACTOR_CLIENT);
	assert_int_equal(alert->dir, DIR_C2S);
	assert_true(a > evlog_find(&r->log, EV_CERT_VERDICT, 0));
	/* before ChangeCipherSpec (TLS 1.2) the alert goes in the clear */
	assert_int_equal(alert->wire, WIRE_CLEAR);
	/* on the wire: level fatal (2), then the description */
	assert_int_equal(alert->raw_len, 2);
	assert_int_equal(alert->raw[0], 2);
	assert_int_equal(alert->raw[1], x->alert_code);
	assert_int_equal(alert->alert.level, ALERT_FATAL);
	assert_int_equal(alert->alert.description, x->alert_code);
	assert_false(event_is_close_notify(alert));
	snprintf(want, sizeof want, "%s (%d)", x->alert, x->alert_code);
	assert_string_equal(value(alert, "description"), want);
	/* what the verdict announced is what was sent */
	assert_string_equal(value(v, "action"), "abort");
	assert_string_equal(value(v, "alert"), want);
	assert_string_equal(certcheck_alert(x->x509, &code), x->alert);
	assert_int_equal(code, x->alert_code);
	snprintf(want, sizeof want, "(X509 error %ld)", x->x509);
	assert_non_null(strstr(engine_error(r->e), want));
	assert_non_null(strstr(r->log.ev[err]->summary, want));
	assert_true(evlog_find(&r->log, EV_HTTP_REQUEST, 0) < 0);
	assert_true(evlog_find(&r->log, EV_TLS_APPLICATION_DATA, 0) < 0);
}

static void assert_status_200(const struct evlog *log)
{
	long i = evlog_find(log, EV_HTTP_RESPONSE, 0);

	assert_true(i >= 0);
	assert_string_equal(value(log->ev[i], "status"), "200");
}

static void check_scenario(const struct expect *x)
{
	struct engine_config cfg = {.scenario = x->scen, .trust_attacker = x->trust_attacker, .no_pcap = 1};
	struct run r;

	run_all(&r, &cfg);
	assert_checks(&r.log, x);
	assert_verdict(&r, x);
	if (x->x509 == X509_V_OK) {
		if (r.st != ENGINE_DONE)
			print_error("failed: %s\n", engine_error(r.e));
		assert_int_equal(r.st, ENGINE_DONE);
		assert_int_equal(engine_failure(r.e), ENGINE_FAIL_NONE);
		assert_status_200(&r.log);
		assert_string_equal(value(r.log.ev[the_one(&r.log, EV_CERT_VERDICT)], "result"), "pass");
	} else {
		assert_rejected(&r, x);
	}
	run_free(&r);
}

static void test_good(void **state)
{
	(void)state;
	check_scenario(&scenarios[0]);
}

static void test_expired(void **state)
{
	(void)state;
	check_scenario(&scenarios[1]);
}

static void test_not_yet_valid(void **state)
{
	(void)state;
	check_scenario(&scenarios[2]);
}

static void test_wrong_host(void **state)
{
	(void)state;
	check_scenario(&scenarios[3]);
}

static void test_untrusted_ca(void **state)
{
	(void)state;
	check_scenario(&scenarios[4]);
}

static void test_self_signed(void **state)
{
	(void)state;
	check_scenario(&scenarios[7]);
}

/* The good chain has three levels: the server's certificate and the
 * issuing CA's, both sent by the server, and the root from the trust
 * store; each link's signature is checked, the root's own last. */
static void test_three_levels(void **state)
{
	struct engine_config cfg = {.no_pcap = 1};
	struct run r;
	const struct event *chain;
	long sig;
	int n = 0;

	(void)state;
	run_all(&r, &cfg);
	chain = r.log.ev[the_one(&r.log, EV_CERT_CHAIN)];
	assert_string_equal(value(chain, "certificates"), "3");
	assert_non_null(strstr(value(chain, "[0]"), "CN=localhost"));
	assert_non_null(strstr(value(chain, "[0]"), "the certificate presented to the client"));
	assert_non_null(strstr(value(chain, "[1]"), "CN=httpsviz demo issuing CA"));
	assert_non_null(strstr(value(chain, "[1]"), "sent by the peer"));
	assert_non_null(strstr(value(chain, "[2]"), "CN=httpsviz demo root CA"));
	assert_non_null(strstr(value(chain, "[2]"), "from the trust store, trusted root"));
	assert_string_equal(value(chain, "sent_by_server"), "2 certificates: its own and the issuing CA's");
	/* the Certificate message holds two certificates */
	assert_non_null(strstr(r.log.ev[evlog_find(&r.log, EV_TLS_CERTIFICATE, 0)]->summary, "2 cert"));
	for (sig = evlog_find(&r.log, EV_CERT_SIGNATURE, 0); sig >= 0;
	     sig = evlog_find(&r.log, EV_CERT_SIGNATURE, (size_t)sig + 1)) {
		static const char *const subjects[] = {"httpsviz demo root CA", "httpsviz demo issuing CA",
						       "localhost"};

		assert_true(n < 3);
		assert_string_equal(value(r.log.ev[sig], "subject"), subjects[n]);
		assert_int_equal(r.log.ev[sig]->result, RESULT_PASS);
		n++;
	}
	assert_int_equal(n, 3);
	run_free(&r);
}

static void test_missing_intermediate(void **state)
{
	struct engine_config cfg = {.scenario = SCEN_MISSING_INTERMEDIATE, .no_pcap = 1};
	struct run r;
	const struct event *chain;

	(void)state;
	check_scenario(&scenarios[8]);
	run_all(&r, &cfg);
	chain = r.log.ev[the_one(&r.log, EV_CERT_CHAIN)];
	assert_string_equal(value(chain, "missing_issuer"), "httpsviz demo issuing CA");
	assert_string_equal(value(chain, "sent_by_server"), "1 certificate: its own only");
	assert_non_null(strstr(value(chain, "missing_intermediate"), "Authority Information Access"));
	run_free(&r);
}

static void test_revoked(void **state)
{
	struct engine_config cfg = {.scenario = SCEN_REVOKED, .no_pcap = 1};
	struct run r;
	const struct event *rev;

	(void)state;
	check_scenario(&scenarios[9]);
	run_all(&r, &cfg);
	rev = r.log.ev[the_one(&r.log, EV_CERT_REVOCATION)];
	assert_string_equal(value(rev, "reason"), "keyCompromise");
	assert_non_null(strstr(value(rev, "crl"), "1 revoked certificate"));
	assert_non_null(strstr(value(rev, "about"), "OCSP"));
	run_free(&r);
}

static void test_weak_key(void **state)
{
	struct engine_config cfg = {.scenario = SCEN_WEAK_KEY, .no_pcap = 1};
	struct run r;
	const struct event *key;

	(void)state;
	check_scenario(&scenarios[10]);
	run_all(&r, &cfg);
	key = r.log.ev[the_one(&r.log, EV_CERT_KEY)];
	assert_non_null(strstr(value(key, "security_level"), "level 2: 112-bit security"));
	assert_non_null(strstr(value(key, "server_key"), "RSA 1024-bit, 80 bits of security"));
	assert_non_null(strstr(value(key, "why"), "before it even builds the chain"));
	run_free(&r);
}

/* legacy-only: the server speaks TLS 1.0 and 1.1 only, the client 1.2 and
 * up.  A TLS 1.2 client's hello has no supported_versions: the server
 * answers with its best, TLS 1.1, and the client refuses with
 * protocol_version.  A TLS 1.3 client lists its versions; the server finds
 * none it speaks and refuses first.  No certificate is ever verified. */
static void test_legacy_only(void **state)
{
	for (int tls = TLSV_12; tls <= TLSV_13; tls++) {
		struct engine_config cfg = {.scenario = SCEN_LEGACY_ONLY, .no_pcap = 1, .tls = (enum tls_version)tls};
		struct run r;
		const struct event *alert;
		long sh;

		(void)state;
		run_all(&r, &cfg);
		assert_int_equal(r.st, ENGINE_FAILED);
		assert_int_equal(engine_failure(r.e), ENGINE_FAIL_TLS);
		alert = r.log.ev[the_one(&r.log, EV_TLS_ALERT)];
		assert_int_equal(alert->raw[0], 2);
		assert_int_equal(alert->raw[1], 70);
		assert_string_equal(value(alert, "description"), "protocol_version (70)");
		sh = evlog_find(&r.log, EV_TLS_SERVER_HELLO, 0);
		if (tls == TLSV_12) {
			assert_true(sh >= 0);
			assert_string_equal(value(r.log.ev[sh], "legacy_version"), "TLS 1.1 (0x0302)");
			assert_int_equal(alert->actor, ACTOR_CLIENT);
			assert_non_null(strstr(engine_error(r.e), "client: no TLS version in common"));
			assert_non_null(strstr(engine_error(r.e), "(this side allows TLS 1.2)"));
		} else {
			assert_true(sh < 0);
			assert_int_equal(alert->actor, ACTOR_SERVER);
			assert_non_null(strstr(engine_error(r.e), "server: no TLS version in common"));
			assert_non_null(strstr(engine_error(r.e), "(this side allows TLS 1.0 to TLS 1.1)"));
		}
		/* no certificate was ever verified */
		assert_int_equal(engine_verify_result(r.e), -1);
		assert_true(evlog_find(&r.log, EV_CERT_VERDICT, 0) < 0);
		run_free(&r);
	}
}

static void test_mitm(void **state)
{
	struct run r;
	struct engine_config cfg = {.scenario = SCEN_MITM, .no_pcap = 1};
	long chain;

	(void)state;
	check_scenario(&scenarios[5]);
	/* the diagram shows why: the issuer is the attacker's CA, unknown here */
	run_all(&r, &cfg);
	chain = the_one(&r.log, EV_CERT_CHAIN);
	assert_string_equal(value(r.log.ev[chain], "missing_issuer"), "Totally Legit CA");
	/* the client talked to the interceptor, which never got a request */
	assert_int_equal(r.log.ev[evlog_find(&r.log, EV_TLS_CLIENT_HELLO, 0)]->peer, ACTOR_MITM);
	for (size_t i = 0; i < r.log.n; i++)
		assert_false(r.log.ev[i]->actor == ACTOR_MITM && r.log.ev[i]->name == EV_HTTP_REQUEST);
	run_free(&r);
}

/* mitm --trust-attacker: the handshake succeeds, and the interceptor holds
 * the request in clear. */
/* The trusted interceptor over TLS 1.2 or 1.3: the handshake succeeds, it
 * reads the request in clear between the client and the server, and it
 * holds two sessions with different secrets. */
static void mitm_trusted(enum tls_version tls)
{
	struct engine_config cfg = {.scenario = SCEN_MITM, .trust_attacker = 1, .no_pcap = 1, .tls = tls};
	/* the client's master secret (1.2) or its application traffic secret */
	const char *label = tls == TLSV_13 ? "CLIENT_TRAFFIC_SECRET_0" : "CLIENT_RANDOM";
	const struct event *mine = NULL;
	const struct event *half[2] = {NULL, NULL};
	struct run r;
	long req = -1;
	long chain;
	int k = 0;

	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	chain = the_one(&r.log, EV_CERT_CHAIN);
	assert_non_null(strstr(r.log.ev[chain]->summary, "Totally Legit CA (trusted root)"));
	for (size_t i = 0; i < r.log.n; i++)
		if (r.log.ev[i]->actor == ACTOR_MITM && r.log.ev[i]->name == EV_HTTP_REQUEST)
			req = (long)i;
	assert_true(req >= 0);
	assert_true(r.log.ev[req]->raw_len > 16);
	assert_memory_equal(r.log.ev[req]->raw, "GET / HTTP/1.1\r\nHost: localhost", 31);
	assert_non_null(strstr(value(r.log.ev[req], "seen_by"), "in clear"));
	/* the interceptor decrypted it after the client encrypted it, and
	 * before the real server got it */
	assert_true(req > evlog_find(&r.log, EV_TLS_APPLICATION_DATA, 0));
	assert_true(evlog_find(&r.log, EV_TLS_HANDSHAKE_DONE, 0) >= 0);
	/* two sessions, two secrets: the interceptor's with the client is the
	 * client's own, its one with the server is another */
	for (size_t i = 0; i < r.log.n; i++) {
		const struct event *ev = r.log.ev[i];

		if (ev->name != EV_KEX_SECRET || strcmp(value(ev, "label"), label) != 0)
			continue;
		if (ev->actor == ACTOR_CLIENT)
			mine = ev;
		else if (ev->actor == ACTOR_MITM && k < 2)
			half[k++] = ev;
	}
	assert_int_equal(k, 2);
	assert_non_null(mine);
	assert_non_null(strstr(half[0]->summary, "session with the client"));
	assert_non_null(strstr(half[1]->summary, "session with the server"));
	assert_int_equal(half[0]->raw_len, mine->raw_len);
	assert_memory_equal(half[0]->raw, mine->raw, mine->raw_len);
	assert_memory_not_equal(half[1]->raw, mine->raw, mine->raw_len);
	/* the key-exchange views follow the client's connection only: none of
	 * them fails on the interceptor's other keys */
	for (size_t i = 0; i < r.log.n; i++)
		if (evname_layer(r.log.ev[i]->name) == LAYER_KEX && r.log.ev[i]->verified == 0)
			fail_msg("%s does not verify: %s", evname_str(r.log.ev[i]->name), r.log.ev[i]->summary);
	run_free(&r);
}

static void test_mitm_trust_attacker(void **state)
{
	(void)state;
	check_scenario(&scenarios[6]);
	mitm_trusted(TLSV_12);
	/* TLS 1.3: the client reads the interceptor's ticket while the request
	 * still waits to be forwarded (this once stalled until the timeout) */
	mitm_trusted(TLSV_13);
}

/* --insecure: for every failing scenario the exchange completes although
 * the verdict fails, and the verdict says so and why it is dangerous. */
static void test_insecure(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof scenarios / sizeof scenarios[0]; k++) {
		const struct expect *x = &scenarios[k];
		struct engine_config cfg = {.scenario = x->scen, .insecure = 1, .no_pcap = 1};
		struct run r;
		const struct event *v;

		if (x->x509 == X509_V_OK)
			continue;
		run_all(&r, &cfg);
		if (r.st != ENGINE_DONE)
			print_error("%s --insecure: %s\n", scenario_str(x->scen), engine_error(r.e));
		assert_int_equal(r.st, ENGINE_DONE);
		assert_int_equal(engine_failure(r.e), ENGINE_FAIL_NONE);
		assert_verdict(&r, x);
		v = r.log.ev[the_one(&r.log, EV_CERT_VERDICT)];
		assert_int_equal(v->result, RESULT_FAIL);
		assert_non_null(strstr(value(v, "action"), "continue"));
		assert_non_null(strstr(value(v, "danger"), "no longer knows who is at the other end"));
		assert_non_null(strstr(v->summary, "continues anyway"));
		assert_status_200(&r.log);
		/* no alert from the client: it carried on */
		for (size_t i = 0; i < r.log.n; i++)
			if (r.log.ev[i]->name == EV_TLS_ALERT)
				assert_int_equal(r.log.ev[i]->raw[0], 1); /* only close_notify warnings */
		run_free(&r);
	}
}

/* OpenSSL's error-to-alert table for the codes these scenarios can meet,
 * including 19 (a self-signed root in the chain) that none produces. */
static void test_alert_table(void **state)
{
	int code = 0;

	(void)state;
	assert_string_equal(certcheck_alert(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, &code), "unknown_ca");
	assert_int_equal(code, 48);
	assert_string_equal(certcheck_alert(X509_V_ERR_CERT_HAS_EXPIRED, &code), "certificate_expired");
	assert_int_equal(code, 45);
	assert_string_equal(certcheck_alert(X509_V_ERR_HOSTNAME_MISMATCH, &code), "bad_certificate");
	assert_int_equal(code, 42);
}

/* Before the handshake there is no verdict to report. */
static void test_verify_result_before(void **state)
{
	struct engine_config cfg = {.no_pcap = 1};
	struct evlog log;
	char err[256];
	struct engine *e;

	(void)state;
	evlog_init(&log);
	e = engine_new(&cfg, &log, err, sizeof err);
	assert_non_null(e);
	assert_int_equal(engine_verify_result(e), -1);
	engine_step_wait(e); /* TCP only */
	assert_int_equal(engine_verify_result(e), -1);
	engine_free(e);
	evlog_clear(&log);
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
		cmocka_unit_test(test_three_levels),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_legacy_only),
		cmocka_unit_test(test_mitm),
		cmocka_unit_test(test_mitm_trust_attacker),
		cmocka_unit_test(test_insecure),
		cmocka_unit_test(test_alert_table),
		cmocka_unit_test(test_verify_result_before),
	};

	return cmocka_run_group_tests_name("scenarios", tests, pki_keys_setup, pki_keys_teardown);
}
