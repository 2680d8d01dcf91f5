/* The key-exchange views on real exchanges: every recomputed value equals
 * OpenSSL's, the events come after the messages they need and before the
 * answers that depend on them, and a corrupted input makes the comparison
 * fail. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/engine_int.h"
#include "protocol/kexview.h"
#include "protocol/tlsdecode.h"

struct run {
	struct evlog log;
	struct engine *e;
	struct capture *cap; /* the engine's own capture (engine_int.h) */
};

/* Every moment's views, in a fresh pass over a capture (each on the
 * lifeline of its side). */
static void all_moments(struct evlog *log, struct capture *cap)
{
	for (int m = 0; m < KM__COUNT; m++)
		kexview_moment(log, cap, (enum kex_moment)m,
			       kexview_moment_is_server((enum kex_moment)m) ? ACTOR_SERVER : ACTOR_CLIENT);
}

/* Run a whole exchange with this configuration. */
static void run_all(struct run *r, const struct engine_config *cfg)
{
	char err[256] = "";
	enum engine_status st = ENGINE_MORE;

	memset(r, 0, sizeof *r);
	evlog_init(&r->log);
	r->e = engine_new(cfg, &r->log, err, sizeof err);
	if (r->e == NULL)
		print_error("engine_new: %s\n", err);
	assert_non_null(r->e);
	for (int i = 0; i < 64 && st == ENGINE_MORE; i++)
		st = engine_step_wait(r->e);
	if (st != ENGINE_DONE)
		print_error("failed: %s\n", engine_error(r->e));
	assert_int_equal(st, ENGINE_DONE);
	r->cap = &r->e->capdata;
}

static void run_free(struct run *r)
{
	engine_free(r->e);
	evlog_clear(&r->log);
}

/* Index of the nth (0-based) event with this name, or -1. */
static long nth(const struct evlog *log, enum evname name, int n)
{
	long i = -1;

	for (int k = 0; k <= n; k++) {
		i = evlog_find(log, name, (size_t)(i + 1));
		if (i < 0)
			return -1;
	}
	return i;
}

/* The nth event with this name sent by actor (tls.* messages), or -1. */
static long msg_from(const struct evlog *log, enum evname name, enum actor a)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i]->name == name && log->ev[i]->actor == a)
			return (long)i;
	return -1;
}

/* The nth (0-based) event with this name on actor's lifeline, or -1. */
static long nth_by(const struct evlog *log, enum evname name, enum actor a, int n)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i]->name == name && log->ev[i]->actor == a && n-- == 0)
			return (long)i;
	return -1;
}

/* a stands before b, both present. */
static void before(long a, long b, const char *what)
{
	if (a < 0 || b < 0 || a >= b)
		print_error("order: %s (%ld, %ld)\n", what, a, b);
	assert_true(a >= 0 && b >= 0 && a < b);
}

/* The event exists, is verified and has the contract fields. */
static const struct event *verified(const struct evlog *log, long i, const char *what)
{
	const struct event *ev;
	const struct field *f;

	if (i < 0)
		print_error("no %s event\n", what);
	assert_true(i >= 0);
	ev = log->ev[i];
	if (ev->verified != 1)
		print_error("%s not verified: %s\n", what, ev->summary);
	assert_int_equal(ev->verified, 1);
	f = event_find_field(ev, "verified");
	assert_non_null(f);
	assert_string_equal(f->value, "true");
	assert_non_null(event_find_field(ev, "openssl_value"));
	return ev;
}

/* The derivation's parts, for the inspector's tree: inputs, one function,
 * an output (the TLS 1.3 key schedule's are its inputs' keys and IVs), and
 * the comparisons. */
static void has_roles(const struct event *ev)
{
	int n[ROLE_CHECK + 1] = {0};

	for (size_t i = 0; i < ev->nfields; i++)
		n[ev->fields[i].role]++;
	if (n[ROLE_INPUT] == 0 || n[ROLE_FUNCTION] != 1 || n[ROLE_CHECK] == 0 ||
	    (n[ROLE_OUTPUT] == 0 && ev->name != EV_KEX_TLS13_KEYS))
		print_error("%s: roles in %d fn %d out %d check %d\n", evname_str(ev->name), n[ROLE_INPUT],
			    n[ROLE_FUNCTION], n[ROLE_OUTPUT], n[ROLE_CHECK]);
	assert_true(n[ROLE_INPUT] > 0);
	assert_int_equal(n[ROLE_FUNCTION], 1);
	assert_true(n[ROLE_CHECK] > 0);
	assert_true(n[ROLE_OUTPUT] > 0 || ev->name == EV_KEX_TLS13_KEYS);
}

/* Every kex.* event of the log that compares is verified, and shows its
 * derivation's parts. */
static void all_verified(const struct evlog *log)
{
	int comparisons = 0;

	for (size_t i = 0; i < log->n; i++) {
		const struct event *ev = log->ev[i];

		if (evname_layer(ev->name) != LAYER_KEX || ev->name == EV_KEX_SECRET)
			continue;
		if (ev->verified == 0)
			print_error("not verified: %s\n", ev->summary);
		assert_int_not_equal(ev->verified, 0);
		comparisons += ev->verified == 1;
		has_roles(ev);
	}
	assert_true(comparisons >= 5);
}

/* Both record decryptions of log give the HTTP request and response of
 * the run's log http. */
static void records_equal_http(const struct evlog *log, const struct evlog *http)
{
	long req = msg_from(log, EV_KEX_RECORD_DECRYPT, ACTOR_SERVER);
	long resp = msg_from(log, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT);
	long hreq = evlog_find(http, EV_HTTP_REQUEST, 0);
	long hresp = evlog_find(http, EV_HTTP_RESPONSE, 0);
	const struct event *a;
	const struct event *b;

	verified(log, req, "request record_decrypt");
	verified(log, resp, "response record_decrypt");
	assert_true(hreq >= 0 && hresp >= 0);
	a = log->ev[req];
	b = http->ev[hreq];
	assert_int_equal(a->raw_len, b->raw_len);
	tu_assert_bytes(a->raw, b->raw, b->raw_len, "decrypted request");
	a = log->ev[resp];
	b = http->ev[hresp];
	assert_int_equal(a->raw_len, b->raw_len);
	tu_assert_bytes(a->raw, b->raw, b->raw_len, "decrypted response");
	if (log != http)
		return;
	/* each after the encrypted record it decrypts */
	assert_true(req > msg_from(log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT));
	/* the server reads the request before it answers */
	assert_true(req < msg_from(log, EV_TLS_APPLICATION_DATA, ACTOR_SERVER));
	assert_true(resp > msg_from(log, EV_TLS_APPLICATION_DATA, ACTOR_SERVER));
	/* the client decrypts the record to read the response */
	before(resp, evlog_find(log, EV_HTTP_RESPONSE, 0), "the record decrypted, then the response read");
}

/* The client's close_notify says it was encrypted, and the wire agrees:
 * its last record is an alert of 2 + 8 + 16 bytes (TLS 1.2 AES-GCM:
 * explicit nonce, tag) or an application_data record (TLS 1.3 hides the
 * type). */
static void close_notify_encrypted(const struct run *r, int tls13)
{
	const struct capture_blob *w = &r->cap->wire[0];
	size_t pos = 0, last = 0;
	long a = msg_from(&r->log, EV_TLS_ALERT, ACTOR_CLIENT);
	struct evlog rec;
	struct event *ev;

	assert_true(a >= 0);
	assert_true(event_is_close_notify(r->log.ev[a]));
	assert_int_equal(r->log.ev[a]->wire, WIRE_ENCRYPTED);
	while (pos + 5 <= w->len) {
		last = pos;
		pos += 5 + (size_t)(w->p[pos + 3] << 8 | w->p[pos + 4]);
	}
	assert_int_equal(pos, w->len);
	if (tls13) {
		assert_int_equal(w->p[last], 23);
	} else {
		assert_int_equal(w->p[last], 21);
		assert_int_equal(w->p[last + 3] << 8 | w->p[last + 4], 2 + 8 + 16);
	}
	/* the record itself, decoded, tells the same */
	evlog_init(&rec);
	ev = evlog_add(&rec, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, w->p + last, w->len - last, "record");
	assert_non_null(ev);
	{
		struct tlsdecode_rec rc = {tls13, r->cap->cipher_id, 0};

		assert_int_equal(tlsdecode_record(ev, &rc), 0);
	}
	assert_int_equal(ev->wire, WIRE_ENCRYPTED);
	assert_int_equal(ev->alert.level, 0);
	evlog_clear(&rec);
}

/* Re-run every view on the capture, from scratch, into a new log. */
static void rerun(struct capture *cap, struct evlog *log)
{
	evlog_init(log);
	memset(cap->done, 0, sizeof cap->done);
	all_moments(log, cap);
}

/* The verdict of the first event with this name in a re-run log. */
static int verdict(const struct evlog *log, enum evname name)
{
	long i = evlog_find(log, name, 0);

	assert_true(i >= 0);
	return log->ev[i]->verified;
}

/* A re-run on the untouched capture verifies everything again. */
static void rerun_clean(struct run *r)
{
	struct evlog log;

	rerun(r->cap, &log);
	all_verified(&log);
	records_equal_http(&log, &r->log);
	evlog_clear(&log);
}

static void flip(uint8_t *p)
{
	p[0] ^= 0x01;
}

/* Common checks of TLS 1.2, RSA or ECDHE: every value verified, each on
 * the lifeline of the side that computes it, at the moment it does (before
 * the first message that needs it). */
static void check12(struct run *r, int rsa, int ems)
{
	const struct evlog *log = &r->log;
	long cke = msg_from(log, EV_TLS_CLIENT_KEY_EXCHANGE, ACTOR_CLIENT);
	long c_ccs = msg_from(log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_CLIENT);
	long c_fin = msg_from(log, EV_TLS_FINISHED, ACTOR_CLIENT);
	long s_ccs = msg_from(log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_SERVER);
	long s_fin = msg_from(log, EV_TLS_FINISHED, ACTOR_SERVER);
	long c_done = msg_from(log, EV_TLS_HANDSHAKE_DONE, ACTOR_CLIENT);
	long ms = evlog_find(log, EV_KEX_MASTER_SECRET, 0);
	long kb = evlog_find(log, EV_KEX_KEY_BLOCK, 0);
	long fc = nth_by(log, EV_KEX_FINISHED, ACTOR_CLIENT, 0);
	long fs = nth_by(log, EV_KEX_FINISHED, ACTOR_CLIENT, 1);
	long fsc = nth_by(log, EV_KEX_FINISHED, ACTOR_SERVER, 0);
	const struct event *ev;
	const struct field *f;

	all_verified(log);
	assert_true(cke >= 0);
	if (rsa) {
		long pm = evlog_find(log, EV_KEX_PRE_MASTER, 0);
		long dec = evlog_find(log, EV_KEX_RSA_DECRYPT, 0);

		ev = verified(log, pm, "pre_master");
		assert_int_equal(ev->actor, ACTOR_CLIENT);
		assert_int_equal(ev->raw_len, 48);
		assert_int_equal(ev->raw[0], 3);
		assert_int_equal(ev->raw[1], 3);
		before(pm, cke, "the pre-master secret, then the ClientKeyExchange that carries it");
		ev = verified(log, dec, "rsa_decrypt");
		assert_int_equal(ev->actor, ACTOR_SERVER);
		tu_assert_bytes(ev->raw, log->ev[pm]->raw, 48, "decrypted pre-master");
		before(c_fin, dec, "the server reads the client's flight, then decrypts");
		before(dec, s_ccs, "the server decrypts before its ChangeCipherSpec");
		assert_true(evlog_find(log, EV_KEX_ECDHE, 0) < 0);
	} else {
		long ske = msg_from(log, EV_TLS_SERVER_KEY_EXCHANGE, ACTOR_SERVER);
		long sig = evlog_find(log, EV_KEX_SIGNATURE, 0);
		long ec = nth_by(log, EV_KEX_ECDHE, ACTOR_CLIENT, 0);
		long ecs = nth_by(log, EV_KEX_ECDHE, ACTOR_SERVER, 0);

		ev = verified(log, sig, "ServerKeyExchange signature");
		assert_int_equal(ev->actor, ACTOR_CLIENT);
		assert_true(strncmp(event_find_field(ev, "result")->value, "valid", 5) == 0);
		before(ske, sig, "the ServerKeyExchange, then its check");
		before(sig, cke, "the signature checked before the client answers");
		ev = verified(log, ec, "client ecdhe");
		assert_int_equal(ev->raw_len, 32); /* x25519 */
		assert_string_equal(event_find_field(ev, "group")->value, "x25519 (0x001d)");
		before(ec, cke, "the client's shared secret, then the ClientKeyExchange");
		ev = verified(log, ecs, "server ecdhe");
		tu_assert_bytes(ev->raw, log->ev[ec]->raw, 32, "both sides' shared secret");
		before(c_fin, ecs, "the server reads the client's flight, then computes");
		before(ecs, s_ccs, "the server's shared secret before its ChangeCipherSpec");
		assert_true(evlog_find(log, EV_KEX_PRE_MASTER, 0) < 0);
	}
	ev = verified(log, ms, "master_secret");
	assert_int_equal(ev->actor, ACTOR_CLIENT);
	before(cke, ms, "the master secret needs the ClientKeyExchange (the session hash)");
	before(ms, c_ccs, "the master secret before the client's ChangeCipherSpec");
	f = event_find_field(ev, "function");
	assert_non_null(strstr(f->value, ems ? "\"extended master secret\", session_hash" : "\"master secret\""));
	assert_int_equal(event_find_field(ev, "session_hash") != NULL, ems);
	/* the key block: no OpenSSL value, 16 + 16 + 4 + 4 bytes */
	before(c_ccs, kb, "the write keys switch on as ChangeCipherSpec goes");
	before(kb, c_fin, "the key block before the Finished it encrypts");
	assert_int_equal(log->ev[kb]->verified, -1);
	assert_int_equal(log->ev[kb]->raw_len, 40);
	f = event_find_field(log->ev[kb], "server_write_iv");
	assert_non_null(f);
	assert_int_equal(f->offset, 36);
	assert_int_equal(f->length, 4);
	ev = verified(log, fc, "client finished");
	before(fc, c_fin, "the client computes its Finished, then sends it");
	assert_int_equal(ev->raw_len, 12);
	ev = verified(log, fsc, "the server's check of the client's Finished");
	before(c_fin, fsc, "the server checks the client's Finished once read");
	before(fsc, s_ccs, "the server checks the client's Finished before its ChangeCipherSpec");
	tu_assert_bytes(ev->raw, log->ev[fc]->raw, 12, "the Finished both sides compute");
	ev = verified(log, nth_by(log, EV_KEX_FINISHED, ACTOR_SERVER, 1), "the server's own Finished");
	before(s_ccs, nth_by(log, EV_KEX_FINISHED, ACTOR_SERVER, 1), "the server computes its Finished after its CCS");
	before(nth_by(log, EV_KEX_FINISHED, ACTOR_SERVER, 1), s_fin, "the server computes its Finished, then sends it");
	ev = verified(log, fs, "server finished");
	before(s_fin, fs, "the client checks the server's Finished once read");
	tu_assert_bytes(ev->raw, log->ev[nth_by(log, EV_KEX_FINISHED, ACTOR_SERVER, 1)]->raw, 12,
			"the server's Finished as both sides compute it");
	before(fs, c_done, "the client's handshake ends after its Finished check");
	before(fs, evlog_find(log, EV_HTTP_REQUEST, 0), "no request before the server is checked");
	before(fsc, msg_from(log, EV_TLS_HANDSHAKE_DONE, ACTOR_SERVER), "the server's handshake ends after its check");
	assert_non_null(strstr(event_find_field(ev, "function")->value, "\"server finished\""));
	records_equal_http(log, log);
}

/* Corrupted inputs of TLS 1.2 make the comparisons fail. */
static void corrupt12(struct run *r, int rsa)
{
	struct capture *cap = r->cap;
	struct evlog log;
	const struct capture_msg *ch = capture_find_msg(cap, ACTOR_CLIENT, 1);
	uint8_t *rec = memmem(cap->wire[0].p, cap->wire[0].len, cap->app_record[0].p, cap->app_record[0].len);

	assert_non_null(rec);
	rerun_clean(r);
	/* OpenSSL's master secret: the master secret differs, the rest is
	 * computed from ours and still holds */
	flip(cap->master);
	rerun(cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_MASTER_SECRET), 0);
	assert_non_null(event_find_field(log.ev[evlog_find(&log, EV_KEX_MASTER_SECRET, 0)], "recomputed"));
	assert_int_equal(verdict(&log, EV_KEX_FINISHED), 1);
	evlog_clear(&log);
	flip(cap->master);
	/* a transcript byte (the client random): master, Finished, records fail */
	flip(cap->transcript.p + ch->off + 6);
	rerun(cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_MASTER_SECRET), 0);
	assert_int_equal(verdict(&log, EV_KEX_FINISHED), 0);
	assert_int_equal(verdict(&log, EV_KEX_RECORD_DECRYPT), 0);
	if (!rsa)
		assert_int_equal(verdict(&log, EV_KEX_SIGNATURE), 0); /* the signature covers the randoms */
	evlog_clear(&log);
	flip(cap->transcript.p + ch->off + 6);
	/* OpenSSL's Finished */
	flip(cap->client_finished);
	rerun(cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_FINISHED), 0);
	evlog_clear(&log);
	flip(cap->client_finished);
	/* a bit of the captured request record (the last byte: its tag) */
	flip(rec + cap->app_record[0].len - 1);
	rerun(cap, &log);
	assert_int_equal(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_SERVER)]->verified, 0);
	assert_non_null(strstr(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_SERVER)]->summary,
			       "tag does NOT verify"));
	assert_int_equal(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT)]->verified, 1);
	evlog_clear(&log);
	flip(rec + cap->app_record[0].len - 1);
	/* the plaintext OpenSSL delivered */
	flip(cap->plaintext[1].p);
	rerun(cap, &log);
	assert_int_equal(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT)]->verified, 0);
	evlog_clear(&log);
	flip(cap->plaintext[1].p);
	if (rsa) {
		/* the keylog's pre-master secret: what the server decrypts differs */
		struct capture_secret *s = (struct capture_secret *)capture_find_secret(cap, ACTOR_CLIENT, "RSA");

		flip(s->secret + 47);
		rerun(cap, &log);
		assert_int_equal(verdict(&log, EV_KEX_RSA_DECRYPT), 0);
		assert_int_equal(verdict(&log, EV_KEX_MASTER_SECRET), 0);
		evlog_clear(&log);
		flip(s->secret + 47);
		flip(s->first);
		rerun(cap, &log);
		assert_int_equal(verdict(&log, EV_KEX_PRE_MASTER), 0);
		evlog_clear(&log);
		flip(s->first);
	}
	rerun_clean(r);
}

static void test_rsa_ems(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .no_pcap = 1};
	struct run r;

	(void)state;
	run_all(&r, &cfg);
	check12(&r, 1, 1);
	close_notify_encrypted(&r, 0);
	corrupt12(&r, 1);
	run_free(&r);
}

static void test_rsa_classic(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .classic = 1, .no_pcap = 1};
	struct run r;

	(void)state;
	run_all(&r, &cfg);
	check12(&r, 1, 0);
	corrupt12(&r, 1);
	run_free(&r);
}

static void test_ecdhe(void **state)
{
	struct engine_config cfg = {.kex = KEX_ECDHE, .tls = TLSV_12, .no_pcap = 1};
	struct run r;
	struct evlog log;
	EVP_PKEY *tmp;

	(void)state;
	run_all(&r, &cfg);
	check12(&r, 0, 1);
	corrupt12(&r, 0);
	/* without the server's ephemeral key the shared secret is not
	 * observable: said so, the chain starts at OpenSSL's master secret */
	tmp = r.cap->server_tmp_key;
	r.cap->server_tmp_key = NULL;
	rerun(r.cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_ECDHE), 1); /* the signature still checks */
	assert_non_null(strstr(event_find_field(log.ev[evlog_find(&log, EV_KEX_ECDHE, 0)], "shared_secret")->value,
			       "not observable"));
	assert_int_equal(verdict(&log, EV_KEX_MASTER_SECRET), -1);
	assert_int_equal(verdict(&log, EV_KEX_FINISHED), 1);
	evlog_clear(&log);
	r.cap->server_tmp_key = tmp;
	run_free(&r);
}

/* Each captured message is decoded once: the views read what tlsdecode
 * found the first time, kept in the capture, and never parse it again
 * (bytes changed afterwards are not seen until the message is decoded
 * anew). */
static void test_decoded_once(void **state)
{
	struct engine_config cfg = {.kex = KEX_ECDHE, .tls = TLSV_12, .no_pcap = 1};
	struct tlsdecode_ctx ctx = {.kex_ecdhe = 1};
	struct run r;
	struct evlog log;
	struct capture_msg *ske = NULL;
	const struct tlsdecode_keys *k;
	struct tlsdecode_keys before;
	uint8_t *p;

	(void)state;
	run_all(&r, &cfg);
	for (size_t i = 0; i < r.cap->nmsgs; i++)
		if (r.cap->transcript.p[r.cap->msgs[i].off] == 12)
			ske = &r.cap->msgs[i];
	assert_non_null(ske);
	assert_int_equal(ske->keys_state, 1); /* the views asked for it */
	before = ske->keys;
	/* cut the message's point vector short: a fresh decode would fail */
	p = r.cap->transcript.p + ske->off;
	p[4 + 3] = 0xff;
	k = capture_msg_keys(r.cap, ske, &ctx);
	assert_ptr_equal(k, &ske->keys);
	assert_memory_equal(k, &before, sizeof before);
	/* decoded anew, the damage shows: no parts, no ECDHE view */
	ske->keys_state = 0;
	assert_null(capture_msg_keys(r.cap, ske, &ctx));
	assert_int_equal(ske->keys_state, -1);
	rerun(r.cap, &log);
	assert_true(evlog_find(&log, EV_KEX_ECDHE, 0) < 0);
	evlog_clear(&log);
	run_free(&r);
}

static void test_tls13(void **state)
{
	struct engine_config cfg = {.tls = TLSV_13, .no_pcap = 1};
	struct run r;
	struct evlog log;
	const struct evlog *l = &r.log;
	long sh;
	long ec, keys, fs, fc;
	const struct event *ev;
	EVP_PKEY *tmp;
	struct capture_secret *s;

	(void)state;
	run_all(&r, &cfg);
	close_notify_encrypted(&r, 1);
	sh = msg_from(l, EV_TLS_SERVER_HELLO, ACTOR_SERVER);
	ec = nth_by(l, EV_KEX_ECDHE, ACTOR_CLIENT, 0);
	keys = nth_by(l, EV_KEX_TLS13_KEYS, ACTOR_CLIENT, 0);
	fs = nth_by(l, EV_KEX_FINISHED, ACTOR_CLIENT, 0);
	fc = nth_by(l, EV_KEX_FINISHED, ACTOR_CLIENT, 1);
	all_verified(l);
	/* the client: handshake keys as it processes the ServerHello, before
	 * it can read the certificate */
	verified(l, ec, "ecdhe");
	before(sh, ec, "the ServerHello, then the client's shared secret");
	before(ec, evlog_find(l, EV_CERT_CHAIN, 0), "the handshake keys before the certificate is read");
	ev = verified(l, keys, "tls13_keys (handshake)");
	before(ec, keys, "the shared secret, then the handshake keys");
	before(keys, evlog_find(l, EV_CERT_CHAIN, 0), "the handshake keys decrypt the certificate");
	assert_int_equal(ev->raw_len, 2 * (32 + 12)); /* AES-256-GCM, two directions */
	assert_non_null(event_find_field(ev, "server_handshake_iv"));
	/* the CertificateVerify's signature after the chain's verdict */
	ev = verified(l, evlog_find(l, EV_KEX_SIGNATURE, 0), "CertificateVerify signature");
	before(evlog_find(l, EV_CERT_VERDICT, 0), evlog_find(l, EV_KEX_SIGNATURE, 0), "verdict, then CertificateVerify");
	assert_int_equal(ev->raw[63], 0x20);
	assert_int_equal(memcmp(ev->raw + 64, "TLS 1.3, server CertificateVerify", 33), 0);
	assert_int_equal(ev->raw[97], 0);
	before(evlog_find(l, EV_KEX_SIGNATURE, 0), fs, "CertificateVerify, then the server's Finished");
	/* RFC 8446 4.4.4: the server's Finished checked before the client's own */
	ev = verified(l, fs, "server finished");
	assert_int_equal(ev->raw_len, 48); /* Hash.length */
	before(fs, fc, "the server's Finished checked, then the client's computed");
	ev = verified(l, fc, "client finished");
	before(fc, msg_from(l, EV_TLS_FINISHED, ACTOR_CLIENT), "the client's Finished computed, then sent");
	/* the application keys: a later event */
	ev = verified(l, nth_by(l, EV_KEX_TLS13_KEYS, ACTOR_CLIENT, 1), "tls13_keys (application)");
	assert_non_null(event_find_field(ev, "openssl_exporter_master_secret"));
	assert_non_null(event_find_field(ev, "server_application_iv"));
	before(nth_by(l, EV_KEX_TLS13_KEYS, ACTOR_CLIENT, 1), msg_from(l, EV_TLS_HANDSHAKE_DONE, ACTOR_CLIENT),
	       "the application keys before the handshake ends");
	before(fs, msg_from(l, EV_TLS_HANDSHAKE_DONE, ACTOR_CLIENT), "the client's check, then its handshake's end");
	/* the server: its shared secret and handshake keys before
	 * EncryptedExtensions, its check of the client's Finished before its
	 * handshake's end */
	before(nth_by(l, EV_KEX_ECDHE, ACTOR_SERVER, 0), msg_from(l, EV_TLS_ENCRYPTED_EXTENSIONS, ACTOR_SERVER),
	       "the server's shared secret before EncryptedExtensions");
	verified(l, nth_by(l, EV_KEX_TLS13_KEYS, ACTOR_SERVER, 0), "the server's handshake keys");
	before(nth_by(l, EV_KEX_TLS13_KEYS, ACTOR_SERVER, 0), msg_from(l, EV_TLS_ENCRYPTED_EXTENSIONS, ACTOR_SERVER),
	       "the server's handshake keys before EncryptedExtensions");
	verified(l, nth_by(l, EV_KEX_FINISHED, ACTOR_SERVER, 0), "the server's own Finished");
	before(nth_by(l, EV_KEX_FINISHED, ACTOR_SERVER, 0), msg_from(l, EV_TLS_FINISHED, ACTOR_SERVER),
	       "the server computes its Finished, then sends it");
	verified(l, nth_by(l, EV_KEX_FINISHED, ACTOR_SERVER, 1), "the server's check of the client's Finished");
	before(msg_from(l, EV_TLS_FINISHED, ACTOR_CLIENT), nth_by(l, EV_KEX_FINISHED, ACTOR_SERVER, 1),
	       "the client's Finished, then the server's check");
	before(nth_by(l, EV_KEX_FINISHED, ACTOR_SERVER, 1), msg_from(l, EV_TLS_HANDSHAKE_DONE, ACTOR_SERVER),
	       "the server's check, then its handshake's end");
	records_equal_http(l, l);
	/* the response record was found behind the NewSessionTicket */
	ev = l->ev[msg_from(l, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT)];
	assert_non_null(strstr(event_find_field(ev, "record_seq")->value, "1 "));

	rerun_clean(&r);
	/* a keylog traffic secret: the schedule, that direction's record fail */
	s = (struct capture_secret *)capture_find_secret(r.cap, ACTOR_CLIENT, "SERVER_TRAFFIC_SECRET_0");
	flip(s->secret);
	rerun(r.cap, &log);
	assert_int_equal(log.ev[nth_by(&log, EV_KEX_TLS13_KEYS, ACTOR_CLIENT, 1)]->verified, 0);
	assert_int_equal(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT)]->verified, 0);
	assert_int_equal(log.ev[msg_from(&log, EV_KEX_RECORD_DECRYPT, ACTOR_SERVER)]->verified, 1);
	evlog_clear(&log);
	flip(s->secret);
	/* a transcript byte (the ServerHello's random): schedule, Finished */
	flip(r.cap->transcript.p + capture_find_msg(r.cap, ACTOR_SERVER, 2)->off + 6);
	rerun(r.cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_ECDHE), 0);
	assert_int_equal(verdict(&log, EV_KEX_TLS13_KEYS), 0);
	assert_int_equal(verdict(&log, EV_KEX_FINISHED), 0);
	evlog_clear(&log);
	flip(r.cap->transcript.p + capture_find_msg(r.cap, ACTOR_SERVER, 2)->off + 6);
	/* OpenSSL's server Finished */
	flip(r.cap->server_finished);
	rerun(r.cap, &log);
	assert_int_equal(log.ev[nth_by(&log, EV_KEX_FINISHED, ACTOR_CLIENT, 1)]->verified, 0);
	evlog_clear(&log);
	flip(r.cap->server_finished);
	/* no ephemeral key: keys from the keylog only, not a comparison */
	tmp = r.cap->server_tmp_key;
	r.cap->server_tmp_key = NULL;
	rerun(r.cap, &log);
	assert_int_equal(verdict(&log, EV_KEX_TLS13_KEYS), -1);
	assert_non_null(strstr(event_find_field(log.ev[evlog_find(&log, EV_KEX_TLS13_KEYS, 0)], "schedule")->value,
			       "not recomputed"));
	assert_int_equal(verdict(&log, EV_KEX_RECORD_DECRYPT), 1);
	evlog_clear(&log);
	r.cap->server_tmp_key = tmp;
	rerun_clean(&r);
	run_free(&r);
}

/* Each view is emitted once, however many turns follow. */
static void test_once(void **state)
{
	struct engine_config cfg = {.kex = KEX_RSA, .tls = TLSV_12, .no_pcap = 1};
	struct run r;
	size_t n;

	(void)state;
	run_all(&r, &cfg);
	n = r.log.n;
	all_moments(&r.log, r.cap);
	assert_int_equal(r.log.n, n);
	assert_int_equal(nth(&r.log, EV_KEX_MASTER_SECRET, 1), -1);
	assert_int_equal(nth(&r.log, EV_KEX_FINISHED, 4), -1);
	assert_int_equal(nth(&r.log, EV_KEX_RECORD_DECRYPT, 2), -1);
	run_free(&r);
}

/* Nothing is emitted before the handshake has what a view needs. */
static void test_empty_capture(void **state)
{
	struct capture cap;
	struct evlog log;

	(void)state;
	capture_init(&cap);
	evlog_init(&log);
	all_moments(&log, &cap);
	cap.version = 0x0303;
	cap.cipher_id = 0x009c;
	all_moments(&log, &cap);
	assert_int_equal(log.n, 0);
	evlog_clear(&log);
	capture_free(&cap);
}

/* A rejected certificate's alert: the client had not switched its write
 * keys, so in TLS 1.3 as in 1.2 it is a 7-byte type-21 record in the clear
 * (RFC 8446 section 6), and the event says so from that record. */
static void test_alert_in_clear(void **state)
{
	for (int v = 0; v < 2; v++) {
		struct engine_config cfg = {.tls = v ? TLSV_13 : TLSV_12, .scenario = SCEN_EXPIRED, .no_pcap = 1};
		struct run r;
		char err[256] = "";
		enum engine_status st = ENGINE_MORE;
		const struct capture_blob *w;
		const struct field *f;
		size_t pos = 0, last = 0;
		long a;

		(void)state;
		memset(&r, 0, sizeof r);
		evlog_init(&r.log);
		r.e = engine_new(&cfg, &r.log, err, sizeof err);
		assert_non_null(r.e);
		for (int i = 0; i < 64 && st == ENGINE_MORE; i++)
			st = engine_step_wait(r.e);
		assert_int_equal(st, ENGINE_FAILED);
		r.cap = &r.e->capdata;
		a = msg_from(&r.log, EV_TLS_ALERT, ACTOR_CLIENT);
		assert_true(a >= 0);
		f = event_find_field(r.log.ev[a], "on_the_wire");
		assert_non_null(f);
		assert_non_null(strstr(f->value, "in the clear: a 7-byte alert record"));
		w = &r.cap->wire[0];
		while (pos + 5 <= w->len) {
			last = pos;
			pos += 5 + (size_t)(w->p[pos + 3] << 8 | w->p[pos + 4]);
		}
		assert_int_equal(pos, w->len);
		assert_int_equal(w->p[last], 21);
		assert_int_equal(w->p[last + 3] << 8 | w->p[last + 4], 2);
		assert_int_equal(w->p[last + 5], 2);  /* fatal */
		assert_int_equal(w->p[last + 6], 45); /* certificate_expired */
		run_free(&r);
	}
}

/* A suite httpsviz does not decode: no key view guesses, and each
 * record moment says the record was not decrypted and why. */
static void test_suite_not_decoded(void **state)
{
	struct engine_config cfg = {.tls = TLSV_12, .no_pcap = 1};
	struct run r;
	struct evlog log;
	uint16_t real;
	int notes = 0;

	(void)state;
	run_all(&r, &cfg);
	real = r.cap->cipher_id;
	r.cap->cipher_id = 0xc0ad; /* TLS_ECDHE_ECDSA_WITH_AES_256_CCM */
	rerun(r.cap, &log);
	for (size_t i = 0; i < log.n; i++) {
		const struct event *ev = log.ev[i];

		assert_int_equal(ev->name, EV_KEX_RECORD_DECRYPT);
		assert_non_null(strstr(ev->summary, "not decrypted: httpsviz does not decode"));
		assert_int_equal(ev->verified, -1);
		notes++;
	}
	assert_int_equal(notes, 2);
	evlog_clear(&log);
	r.cap->cipher_id = real;
	run_free(&r);
}

/* A view done after its moment sees the capture as it stood then: messages
 * and secrets captured since, and OpenSSL's values learnt since, are hidden
 * while the mark is swapped in, and back after. */
static void test_capture_mark(void **state)
{
	struct capture c;
	struct capture_mark m;
	static const uint8_t hello[] = {1, 0, 0, 1, 7};
	static const uint8_t fin[] = {20, 0, 0, 1, 9};

	(void)state;
	capture_init(&c);
	capture_handshake(&c, ACTOR_CLIENT, hello, sizeof hello);
	c.version = 0x0304;
	capture_mark(&c, &m);
	capture_handshake(&c, ACTOR_SERVER, fin, sizeof fin);
	assert_int_equal(capture_keylog_line(&c, ACTOR_SERVER,
					     "SERVER_HANDSHAKE_TRAFFIC_SECRET "
					     "0101010101010101010101010101010101010101010101010101010101010101 "
					     "0202020202020202020202020202020202020202020202020202020202020202",
					     NULL),
			 0);
	c.server_finished_len = 32;
	memset(c.server_finished, 5, 32);
	capture_swap_mark(&c, &m);
	assert_int_equal(c.nmsgs, 1);
	assert_int_equal(c.nsecrets, 0);
	assert_int_equal(c.server_finished_len, 0);
	assert_null(capture_find_msg(&c, ACTOR_SERVER, 20));
	capture_swap_mark(&c, &m);
	assert_int_equal(c.nmsgs, 2);
	assert_int_equal(c.nsecrets, 1);
	assert_int_equal(c.server_finished_len, 32);
	assert_int_equal(c.server_finished[31], 5);
	assert_non_null(capture_find_msg(&c, ACTOR_SERVER, 20));
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_ems),     cmocka_unit_test(test_rsa_classic),
		cmocka_unit_test(test_ecdhe),       cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_alert_in_clear), cmocka_unit_test(test_suite_not_decoded),
		cmocka_unit_test(test_capture_mark),
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_empty_capture), cmocka_unit_test(test_decoded_once),
	};

	return cmocka_run_group_tests_name("kexview", tests, NULL, NULL);
}
