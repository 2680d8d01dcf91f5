/* Integration tests: whole exchanges in-process, client and server on real
 * loopback sockets, checked event by event. */
#include "tests/unit/engineutil.h"

#include <stdlib.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "protocol/engine.h"
#include "protocol/tcpcap.h"

/* The names of the events, leaving out the layers whose count depends on
 * the machine (TCP capture) or on other modules' detail (cert, kex). */
static char *tls_names(const struct evlog *log)
{
	size_t n = 0;
	char *s = calloc(1, 4096);

	for (size_t i = 0; i < log->n; i++) {
		enum layer l = evname_layer(log->ev[i]->name);

		if (l == LAYER_TCP || l == LAYER_KEX || l == LAYER_CERT)
			continue;
		n += (size_t)snprintf(s + n, 4096 - n, "%s%s", n ? " " : "", evname_str(log->ev[i]->name));
	}
	return s;
}

static const char *field_value(const struct evlog *log, enum evname name, const char *field)
{
	long i = evlog_find(log, name, 0);
	const struct field *f;

	assert_true(i >= 0);
	f = event_find_field(log->ev[i], field);
	if (f == NULL)
		print_error("%s has no field %s\n", evname_str(name), field);
	assert_non_null(f);
	return f->value;
}

static void assert_tcp(const struct evlog *log)
{
	long syn = evlog_find(log, EV_TCP_SYN, 0);

	if (syn < 0) { /* no capture permitted: the TCP_INFO fallback */
		assert_true(evlog_find(log, EV_TCP_CONNECTED, 0) == 0);
		return;
	}
	assert_int_equal(syn, 0);
	assert_int_equal(evlog_find(log, EV_TCP_SYN_ACK, 0), 1);
	assert_int_equal(evlog_find(log, EV_TCP_ACK, 0), 2);
	assert_non_null(event_find_field(log->ev[0], "seq"));
	assert_non_null(event_find_field(log->ev[1], "window"));
	/* both sides closed with a FIN */
	assert_true(evlog_find(log, EV_TCP_FIN, 3) > 0);
}

static void assert_cert_checks(const struct evlog *log)
{
	long cert = evlog_find(log, EV_TLS_CERTIFICATE, 0);
	long chain = evlog_find(log, EV_CERT_CHAIN, 0);
	long verdict = evlog_find(log, EV_CERT_VERDICT, 0);

	assert_true(cert >= 0 && chain > cert && verdict > chain);
	assert_int_equal(log->ev[verdict]->result, RESULT_PASS);
	assert_true(evlog_find(log, EV_CERT_HOSTNAME, 0) > chain);
	assert_true(evlog_find(log, EV_CERT_VALIDITY, 0) > chain);
	assert_true(evlog_find(log, EV_CERT_SIGNATURE, 0) > chain);
	assert_string_equal(field_value(log, EV_TLS_CERTIFICATE, "subject"), "CN=localhost,O=httpsviz");
	assert_int_equal(log->ev[evlog_find(log, EV_HTTP_RESPONSE, 0)]->http.status, 200);
	assert_string_equal(field_value(log, EV_HTTP_RESPONSE, "status"), "200");
}

/* A big-endian u32 from raw bytes. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The typed facts of a live run agree with the bytes each event carries
 * (read here independently of the decoders) and with what the protocol
 * says about each record's protection. */
static void assert_facts(const struct evlog *log, int tls13)
{
	long syn = evlog_find(log, EV_TCP_SYN, 0);
	int seen_req = 0, seen_resp = 0, alerts = 0;

	for (size_t i = 0; i < log->n; i++) {
		const struct event *ev = log->ev[i];
		int hs = ev->raw_len > 0 ? ev->raw[0] : -1;

		switch (ev->name) {
		case EV_TLS_SERVER_HELLO:
			assert_int_equal(ev->tls_version, tls13 ? TLS_VERSION_13 : TLS_VERSION_12);
			assert_int_equal(ev->wire, WIRE_CLEAR);
			break;
		case EV_TLS_CLIENT_HELLO:
		case EV_TLS_CHANGE_CIPHER_SPEC:
			assert_int_equal(ev->wire, WIRE_CLEAR);
			assert_int_equal(ev->tls_version, 0);
			break;
		case EV_TLS_ALERT:
			/* the sender's view: raw is the alert's two bytes */
			assert_int_equal(ev->raw_len, 2);
			assert_int_equal(ev->alert.level, ev->raw[0]);
			assert_int_equal(ev->alert.description, ev->raw[1]);
			assert_true(event_is_close_notify(ev));
			assert_int_equal(ev->wire, WIRE_ENCRYPTED);
			alerts++;
			break;
		case EV_TLS_APPLICATION_DATA:
			assert_int_equal(ev->raw[0], 23);
			assert_int_equal(ev->wire, WIRE_ENCRYPTED);
			/* the sender knows what the record carries */
			assert_non_null(ev->http.line);
			if (ev->dir == DIR_C2S) {
				assert_string_equal(ev->http.line, "GET / HTTP/1.1");
				assert_string_equal(ev->http.method, "GET");
			} else {
				assert_int_equal(ev->http.status, 200);
				assert_null(ev->http.method);
			}
			break;
		case EV_HTTP_REQUEST:
			assert_string_equal(ev->http.method, "GET");
			assert_string_equal(ev->http.target, "/");
			assert_int_equal(ev->http.status, 0);
			seen_req = 1;
			break;
		case EV_HTTP_RESPONSE:
			assert_int_equal(ev->http.status, 200);
			assert_string_equal(ev->http.line, "HTTP/1.1 200 OK");
			seen_resp = 1;
			break;
		default:
			if (evname_layer(ev->name) == LAYER_TLS && ev->name != EV_TLS_HANDSHAKE_DONE) {
				/* TLS 1.3 protects all after the ServerHello; TLS 1.2
				 * only the Finished, after ChangeCipherSpec */
				assert_int_equal(ev->wire, tls13 || hs == 20 ? WIRE_ENCRYPTED : WIRE_CLEAR);
			} else {
				assert_int_equal(ev->wire, WIRE_UNKNOWN);
			}
			assert_int_equal(ev->alert.level, 0);
			break;
		}
		if (evname_layer(ev->name) == LAYER_TCP && ev->tcp.captured) {
			size_t ihl = (size_t)(ev->raw[0] & 15) * 4;

			assert_true(ev->raw_len >= ihl + 20);
			assert_int_equal(ev->tcp.seq, be32(ev->raw + ihl + 4));
			assert_int_equal(ev->tcp.ack, be32(ev->raw + ihl + 8));
			assert_int_equal(ev->tcp.flags, ev->raw[ihl + 13] & 0x1f);
			assert_int_equal(ev->tcp.window, ev->raw[ihl + 14] << 8 | ev->raw[ihl + 15]);
		} else {
			assert_false(ev->tcp.captured);
		}
	}
	assert_true(seen_req && seen_resp);
	assert_int_equal(alerts, 2);
	if (syn >= 0) {
		const struct event *sa = log->ev[evlog_find(log, EV_TCP_SYN_ACK, 0)];

		assert_int_equal(log->ev[syn]->tcp.flags, TCP_FLAG_SYN);
		assert_int_equal(sa->tcp.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
		assert_int_equal(sa->tcp.ack, log->ev[syn]->tcp.seq + 1);
	}
}

/* tls.state says which TLS role reported it as a typed member: the
 * interceptor's two connections give one of each. */
static void test_state_roles(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .scenario = SCEN_MITM, .trust_attacker = 1,
				    .openssl_states = 1, .no_pcap = 1};
	struct run r;
	int seen[3][3] = {{0}};

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	for (size_t i = 0; i < r.log.n; i++) {
		const struct event *ev = r.log.ev[i];

		if (ev->name != EV_TLS_STATE) {
			assert_int_equal(ev->tls_role, TLS_ROLE_NONE);
			continue;
		}
		assert_true(ev->tls_role == TLS_ROLE_CLIENT || ev->tls_role == TLS_ROLE_SERVER);
		seen[ev->actor == ACTOR_CLIENT ? 0 : ev->actor == ACTOR_SERVER ? 1 : 2][ev->tls_role]++;
	}
	assert_true(seen[0][TLS_ROLE_CLIENT] > 0 && seen[0][TLS_ROLE_SERVER] == 0);
	assert_true(seen[1][TLS_ROLE_SERVER] > 0 && seen[1][TLS_ROLE_CLIENT] == 0);
	assert_true(seen[2][TLS_ROLE_CLIENT] > 0 && seen[2][TLS_ROLE_SERVER] > 0);
	run_free(&r);
}

static void test_typed_facts(void **state)
{
	struct engine_config c12 = {.kex = KEX_RSA, .tls = TLSV_12};
	struct engine_config c13 = {.tls = TLSV_13};
	struct run r;

	(void)state;
	run_all(&r, &c12);
	assert_int_equal(r.st, ENGINE_DONE);
	assert_facts(&r.log, 0);
	run_free(&r);
	run_all(&r, &c13);
	assert_int_equal(r.st, ENGINE_DONE);
	assert_facts(&r.log, 1);
	run_free(&r);
}

static void test_rsa_tls12(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12};
	struct run r;
	char *names;

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	assert_int_equal(engine_failure(r.e), ENGINE_FAIL_NONE);
	names = tls_names(&r.log);
	assert_string_equal(names,
			    "tls.client_hello tls.server_hello tls.certificate tls.server_hello_done "
			    "tls.client_key_exchange tls.change_cipher_spec tls.finished "
			    "tls.new_session_ticket tls.change_cipher_spec tls.finished tls.handshake_done "
			    "tls.handshake_done http.request tls.application_data tls.application_data "
			    "http.response tls.alert tls.alert");
	free(names);
	assert_tcp(&r.log);
	assert_cert_checks(&r.log);
	assert_string_equal(engine_cipher(r.e), "TLS_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(engine_version(r.e), "TLSv1.2");
	assert_non_null(strstr(field_value(&r.log, EV_TLS_SERVER_HELLO, "cipher_suite"),
			       "TLS_RSA_WITH_AES_128_GCM_SHA256"));
	assert_non_null(event_find_field(r.log.ev[evlog_find(&r.log, EV_TLS_CLIENT_KEY_EXCHANGE, 0)],
					 "encrypted_pre_master"));
	/* the client's first encrypted record after CCS is the Finished (0),
	 * so the request travels as record number 1 */
	assert_non_null(strstr(field_value(&r.log, EV_TLS_APPLICATION_DATA, "record_seq"), "1 "));
	/* both sides' application data records are real ciphertext, not the request */
	{
		long i = evlog_find(&r.log, EV_TLS_APPLICATION_DATA, 0);
		const struct event *ev = r.log.ev[i];

		assert_int_equal(ev->dir, DIR_C2S);
		assert_int_equal(ev->raw[0], 23);
		assert_null(memmem(ev->raw, ev->raw_len, "GET /", 5));
		ev = r.log.ev[evlog_find(&r.log, EV_TLS_APPLICATION_DATA, (size_t)i + 1)];
		assert_int_equal(ev->dir, DIR_S2C);
	}
	/* the keylog callback reported the RSA pre-master secret */
	{
		long k = evlog_find(&r.log, EV_KEX_SECRET, 0);

		assert_true(k >= 0);
		assert_string_equal(event_find_field(r.log.ev[k], "label")->value, "RSA");
		assert_int_equal(r.log.ev[k]->raw_len, 48);
		assert_int_equal(r.log.ev[k]->raw[0], 3); /* client_version 3,3 */
		assert_int_equal(r.log.ev[k]->raw[1], 3);
	}
	run_free(&r);
}

static void test_ecdhe_tls12(void **state)
{
	struct engine_config cfg = {.kex = KEX_ECDHE, .tls = TLSV_12};
	struct run r;
	char *names;

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	names = tls_names(&r.log);
	assert_string_equal(names,
			    "tls.client_hello tls.server_hello tls.certificate tls.server_key_exchange "
			    "tls.server_hello_done tls.client_key_exchange tls.change_cipher_spec tls.finished "
			    "tls.new_session_ticket tls.change_cipher_spec tls.finished tls.handshake_done "
			    "tls.handshake_done http.request tls.application_data tls.application_data "
			    "http.response tls.alert tls.alert");
	free(names);
	assert_tcp(&r.log);
	assert_cert_checks(&r.log);
	assert_string_equal(engine_cipher(r.e), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	run_free(&r);
}

static void test_tls13(void **state)
{
	struct engine_config cfg = {.tls = TLSV_13};
	struct run r;
	char *names;

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	names = tls_names(&r.log);
	assert_string_equal(names,
			    "tls.client_hello tls.server_hello tls.change_cipher_spec tls.encrypted_extensions "
			    "tls.certificate tls.certificate_verify tls.finished tls.change_cipher_spec "
			    "tls.finished tls.handshake_done tls.handshake_done tls.new_session_ticket "
			    "http.request tls.application_data tls.application_data http.response tls.alert "
			    "tls.alert");
	free(names);
	assert_tcp(&r.log);
	assert_cert_checks(&r.log);
	assert_string_equal(engine_version(r.e), "TLSv1.3");
	run_free(&r);
}

/* A step is one flight: the server's answer is not on the wire until the
 * step after the one that delivered the ClientHello. */
static void test_stepping_is_real(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12};
	struct evlog log;
	char err[256];
	struct engine *e;
	size_t hello;

	(void)state;
	evlog_init(&log);
	e = engine_new(&cfg, &log, err, sizeof err);
	assert_non_null(e);
	assert_int_equal(engine_step_wait(e), ENGINE_MORE); /* TCP */
	assert_int_equal(engine_bytes_sent(e, ACTOR_CLIENT), 0);
	assert_int_equal(engine_bytes_sent(e, ACTOR_SERVER), 0);
	assert_int_equal(evlog_find(&log, EV_TLS_CLIENT_HELLO, 0), -1);

	assert_int_equal(engine_step_wait(e), ENGINE_MORE); /* ClientHello */
	hello = engine_bytes_sent(e, ACTOR_CLIENT);
	assert_true(hello > 5);
	assert_true(evlog_find(&log, EV_TLS_CLIENT_HELLO, 0) >= 0);
	assert_int_equal(evlog_find(&log, EV_TLS_SERVER_HELLO, 0), -1);
	/* the server has the ClientHello bytes and nothing else; it sent none */
	assert_int_equal(engine_bytes_pending(e, ACTOR_SERVER), hello);
	assert_int_equal(engine_bytes_sent(e, ACTOR_SERVER), 0);
	assert_int_equal(engine_bytes_pending(e, ACTOR_CLIENT), 0);

	assert_int_equal(engine_step_wait(e), ENGINE_MORE); /* ServerHello .. ServerHelloDone */
	assert_true(evlog_find(&log, EV_TLS_SERVER_HELLO_DONE, 0) >= 0);
	assert_true(engine_bytes_sent(e, ACTOR_SERVER) > 0);
	assert_int_equal(engine_bytes_pending(e, ACTOR_CLIENT), engine_bytes_sent(e, ACTOR_SERVER));
	assert_int_equal(engine_bytes_pending(e, ACTOR_SERVER), 0);
	assert_int_equal(engine_bytes_sent(e, ACTOR_CLIENT), hello);
	/* the client has not answered yet */
	assert_int_equal(evlog_find(&log, EV_TLS_CLIENT_KEY_EXCHANGE, 0), -1);
	assert_int_equal(engine_steps(e), 3);
	engine_free(e);
	evlog_clear(&log);
}

static void test_classic_and_failure(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .classic = 1};
	struct run r;
	long ch;

	(void)state;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_DONE);
	/* --classic: the ClientHello offers no extended_master_secret */
	ch = evlog_find(&r.log, EV_TLS_CLIENT_HELLO, 0);
	for (size_t i = 0; i < r.log.ev[ch]->nfields; i++)
		assert_null(strstr(r.log.ev[ch]->fields[i].value, "extended_master_secret"));
	run_free(&r);

	/* an expired certificate ends the run with exit 6 and an alert */
	cfg.classic = 0;
	cfg.scenario = SCEN_EXPIRED;
	run_all(&r, &cfg);
	assert_int_equal(r.st, ENGINE_FAILED);
	assert_int_equal(engine_failure(r.e), ENGINE_FAIL_CERT);
	assert_true(evlog_find(&r.log, EV_TLS_ALERT, 0) > evlog_find(&r.log, EV_CERT_VERDICT, 0));
	assert_int_equal(r.log.ev[evlog_find(&r.log, EV_CERT_VERDICT, 0)]->result, RESULT_FAIL);
	assert_int_equal(r.log.ev[evlog_find(&r.log, EV_CERT_VERDICT, 0)]->x509_error, 10);
	assert_int_equal(evlog_find(&r.log, EV_TLS_CLIENT_KEY_EXCHANGE, 0), -1);
	run_free(&r);
}

/* The caller owns the loop: against a peer that accepts and never
 * answers, engine_step() returns ENGINE_WAIT at once instead of blocking,
 * names the client's socket to poll and the time left, logs nothing while
 * it waits, and fails the step with error.timeout once the deadline has
 * passed. */
static void test_step_never_blocks(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	struct engine_config cfg = {.host = "127.0.0.1", .timeout_ms = 400, .no_pcap = 1};
	char port[16];
	char err[256];
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct evlog log;
	struct engine *e;
	struct pollfd p[4];
	enum engine_status st = ENGINE_MORE;
	size_t n;
	int ms = -1;
	int waits = 0;

	(void)state;
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, sizeof port, "%u", ntohs(sa.sin_port));
	cfg.port = port;
	evlog_init(&log);
	e = engine_new(&cfg, &log, err, sizeof err);
	assert_non_null(e);
	assert_int_equal(engine_pollfds(e, p, 4, &ms), 0);
	/* the TCP connect, then the ClientHello flight */
	for (int i = 0; i < 6 && st != ENGINE_FAILED && evlog_find(&log, EV_TLS_CLIENT_HELLO, 0) < 0; i++)
		st = engine_step_wait(e);
	assert_int_equal(st, ENGINE_MORE);
	/* the server's flight never comes */
	assert_int_equal(engine_step(e), ENGINE_WAIT);
	assert_true(engine_may_wait(e));
	assert_int_equal(engine_pollfds(e, p, 4, &ms), 1);
	assert_int_equal(p[0].events, POLLIN);
	assert_true(ms > 0 && ms <= 400);
	n = log.n;
	while ((st = engine_step(e)) == ENGINE_WAIT) {
		assert_int_equal(log.n, n);
		assert_int_equal(engine_pollfds(e, p, 4, &ms), 1);
		poll(p, 1, ms);
		waits++;
		assert_true(waits < 1000);
	}
	assert_int_equal(st, ENGINE_FAILED);
	assert_true(evlog_find(&log, EV_ERROR_TIMEOUT, 0) >= 0);
	assert_int_equal(engine_failure(e), ENGINE_FAIL_TIMEOUT);
	assert_int_equal(engine_pollfds(e, p, 4, &ms), 0);
	engine_free(e);
	evlog_clear(&log);
	close(lfd);
}

/* What a learner's restarts do: exchange after exchange (another scenario
 * in between) in one process.  The RSA keys come from the background
 * thread once and are reused; the packet capture is opened once and only
 * re-filtered, and each exchange sees its own segments, not a stale one. */
static void test_restarts_reuse_keys_and_capture(void **state)
{
	static const struct engine_config cfgs[] = {
		{.kex = KEX_RSA, .tls = TLSV_12},
		{.scenario = SCEN_MITM, .trust_attacker = 1},
		{.kex = KEX_ECDHE, .tls = TLSV_12},
		{.tls = TLSV_13},
		{.kex = KEX_RSA, .tls = TLSV_12},
	};
	int made;

	(void)state;
	pki_cache_keys(0);
	made = pki_keys_made();
	assert_int_equal(pki_keys_start(), 0);
	for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
		struct run r;
		long syn;

		run_all(&r, &cfgs[i]);
		assert_int_equal(r.st, ENGINE_DONE);
		syn = evlog_find(&r.log, EV_TCP_SYN, 0);
		if (syn >= 0) {
			/* exactly one connection's segments: the SYN first, and no
			 * second SYN left over from the exchange before */
			assert_int_equal(syn, 0);
			assert_int_equal(evlog_find(&r.log, EV_TCP_SYN, 1), -1);
			assert_tcp(&r.log);
			assert_int_equal(tcpcap_handles_opened(), 1);
		}
		run_free(&r);
	}
	/* the server's and the interceptor's keys, made once for all five */
	assert_int_equal(pki_keys_made(), made + 2);
	/* at most one kernel capture on "lo" for this whole test program */
	assert_true(tcpcap_handles_opened() <= 1);
	pki_cache_keys(0);
}

/* The bench's like-for-like variant: the caller's certificates and kept
 * contexts give the same exchange (same certificate on the wire each time);
 * no_teaching leaves out exactly the recomputations (kex.*, cert.* checks)
 * and nothing of the protocol. */
static void test_kept_contexts_and_no_teaching(void **state)
{
	struct pki pki;
	struct engine_ctxs *ctxs = engine_ctxs_new();
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .no_pcap = 1};
	char err[256] = "";
	char *first = NULL;
	uint8_t *cert[2] = {NULL, NULL};
	size_t cert_len[2] = {0, 0};

	(void)state;
	assert_non_null(ctxs);
	pki_cache_keys(1);
	assert_int_equal(pki_mint(&pki, SCEN_GOOD, err, sizeof err), 0);
	cfg.pki = &pki;
	cfg.ctxs = ctxs;
	for (int i = 0; i < 3; i++) {
		struct run r;
		char *names;
		long c;

		cfg.no_teaching = i == 2;
		run_all(&r, &cfg);
		assert_int_equal(r.st, ENGINE_DONE);
		names = tls_names(&r.log);
		if (first == NULL)
			first = names;
		else
			assert_string_equal(names, first);
		if (names != first)
			free(names);
		c = evlog_find(&r.log, EV_TLS_CERTIFICATE, 0);
		assert_true(c >= 0);
		if (i < 2) {
			cert[i] = malloc(r.log.ev[c]->raw_len);
			memcpy(cert[i], r.log.ev[c]->raw, r.log.ev[c]->raw_len);
			cert_len[i] = r.log.ev[c]->raw_len;
			assert_cert_checks(&r.log);
			assert_true(evlog_find(&r.log, EV_KEX_RSA_DECRYPT, 0) >= 0);
		} else {
			for (size_t k = 0; k < r.log.n; k++) {
				enum layer l = evname_layer(r.log.ev[k]->name);

				/* kex.secret is OpenSSL's keylog, reported, not recomputed */
				assert_true(l != LAYER_CERT);
				assert_true(l != LAYER_KEX || r.log.ev[k]->name == EV_KEX_SECRET);
			}
		}
		run_free(&r);
	}
	/* the caller's certificate, not a fresh one */
	assert_int_equal(cert_len[0], cert_len[1]);
	assert_memory_equal(cert[0], cert[1], cert_len[0]);
	free(cert[0]);
	free(cert[1]);
	free(first);
	engine_ctxs_free(ctxs);
	pki_free(&pki);
	pki_cache_keys(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_tls12),
		cmocka_unit_test(test_typed_facts),
		cmocka_unit_test(test_state_roles),
		cmocka_unit_test(test_ecdhe_tls12),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_stepping_is_real),
		cmocka_unit_test(test_classic_and_failure),
		cmocka_unit_test(test_step_never_blocks),
		cmocka_unit_test(test_restarts_reuse_keys_and_capture),
		cmocka_unit_test(test_kept_contexts_and_no_teaching),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
