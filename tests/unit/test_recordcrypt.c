/* recordcrypt: records of live in-memory OpenSSL handshakes, one per cipher
 * family (AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC-SHA1/256/384, each
 * CBC one with and without encrypt_then_mac; TLS 1.2 and 1.3), opened with
 * keys derived from the keylog and compared with what OpenSSL delivered;
 * then changed bytes, wrong sequence numbers and malformed input. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "protocol/event.h"
#include "protocol/keysched.h"
#include "protocol/pki.h"
#include "protocol/recordcrypt.h"

static struct pki pki;

/* What one run captured. */
static struct {
	uint8_t c2s[32768], s2c[32768];
	size_t c2slen, s2clen;
	char keylog[8][300];
	int nkeylog;
	uint8_t server_hello[512];
	size_t server_hello_len;
	uint8_t fin[2][64]; /* [0] the client's Finished message, [1] the server's */
	size_t fin_len[2];
} cap;

struct pair {
	SSL_CTX *cctx, *sctx;
	SSL *c, *s;
	BIO *c_in, *c_out, *s_in, *s_out;
};

/* One cipher suite to run. */
struct run {
	const char *ossl;  /* OpenSSL's name for it */
	uint16_t id;
	int tls13;
	int etm;           /* offer encrypt_then_mac (CBC) */
	const char *prf;   /* PRF or HKDF hash */
};

static void keylog_cb(const SSL *ssl, const char *line)
{
	(void)ssl;
	if (cap.nkeylog < 8 && strlen(line) < sizeof cap.keylog[0])
		strcpy(cap.keylog[cap.nkeylog++], line);
}

/* The client's view of the handshake messages: the ServerHello and both
 * Finished. */
static void msg_cb(int write_p, int version, int type, const void *buf, size_t len, SSL *ssl, void *arg)
{
	const uint8_t *m = buf;

	(void)version;
	(void)ssl;
	(void)arg;
	if (type != SSL3_RT_HANDSHAKE || len < 4)
		return;
	if (m[0] == 2 && len <= sizeof cap.server_hello) {
		memcpy(cap.server_hello, m, len);
		cap.server_hello_len = len;
	}
	if (m[0] == 20 && len <= sizeof cap.fin[0]) {
		memcpy(cap.fin[write_p ? 0 : 1], m, len);
		cap.fin_len[write_p ? 0 : 1] = len;
	}
}

/* The secret after "LABEL <client random> " in the keylog; its length. */
static size_t keylog_secret(const char *label, uint8_t *out, size_t n)
{
	size_t ll = strlen(label);

	for (int i = 0; i < cap.nkeylog; i++) {
		const char *p = cap.keylog[i];
		size_t k = 0;

		if (strncmp(p, label, ll) != 0 || p[ll] != ' ')
			continue;
		p = strchr(p + ll + 1, ' ');
		assert_non_null(p);
		for (p++; p[0] != '\0' && p[1] != '\0' && k < n; p += 2) {
			unsigned v;

			assert_int_equal(sscanf(p, "%2x", &v), 1);
			out[k++] = (uint8_t)v;
		}
		return k;
	}
	fail_msg("no %s in the keylog", label);
	return 0;
}

static BIO *mem_bio(void)
{
	BIO *b = BIO_new(BIO_s_mem());

	assert_non_null(b);
	BIO_set_mem_eof_return(b, -1);
	return b;
}

/* Move what one end wrote to the other, appending it to a log. */
static void move(BIO *from, BIO *to, uint8_t *log, size_t *loglen, size_t logcap)
{
	uint8_t buf[16384];
	int n;

	while ((n = BIO_read(from, buf, sizeof buf)) > 0) {
		assert_true((size_t)n <= logcap - *loglen);
		memcpy(log + *loglen, buf, (size_t)n);
		*loglen += (size_t)n;
		assert_int_equal(BIO_write(to, buf, n), n);
	}
}

static void pump(struct pair *p)
{
	move(p->c_out, p->s_in, cap.c2s, &cap.c2slen, sizeof cap.c2s);
	move(p->s_out, p->c_in, cap.s2c, &cap.s2clen, sizeof cap.s2c);
}

/* Handshake, then one request and one response. */
static void run_pair(struct pair *p, const struct run *r, const char *q, const char *a)
{
	int v = r->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
	int cdone = 0, sdone = 0;
	char buf[256];

	memset(p, 0, sizeof *p);
	memset(&cap, 0, sizeof cap);
	p->cctx = SSL_CTX_new(TLS_client_method());
	p->sctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(p->cctx);
	assert_non_null(p->sctx);
	SSL_CTX_set_min_proto_version(p->cctx, v);
	SSL_CTX_set_max_proto_version(p->cctx, v);
	SSL_CTX_set_max_proto_version(p->sctx, v);
	if (r->tls13) {
		assert_int_equal(SSL_CTX_set_ciphersuites(p->cctx, r->ossl), 1);
		assert_int_equal(SSL_CTX_set_ciphersuites(p->sctx, r->ossl), 1);
	} else {
		assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, r->ossl), 1);
		assert_int_equal(SSL_CTX_set_cipher_list(p->sctx, r->ossl), 1);
	}
	/* no tickets: the server's first application record follows its Finished */
	SSL_CTX_set_num_tickets(p->sctx, 0);
	SSL_CTX_set_options(p->sctx, SSL_OP_NO_TICKET);
	if (!r->etm)
		SSL_CTX_set_options(p->cctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
	assert_int_equal(SSL_CTX_use_certificate(p->sctx, pki.server_cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(p->sctx, pki.server_key), 1);
	SSL_CTX_set_verify(p->cctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_msg_callback(p->cctx, msg_cb);
	SSL_CTX_set_keylog_callback(p->cctx, keylog_cb);
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	assert_non_null(p->c);
	assert_non_null(p->s);
	p->c_in = mem_bio();
	p->c_out = mem_bio();
	p->s_in = mem_bio();
	p->s_out = mem_bio();
	SSL_set_bio(p->c, p->c_in, p->c_out);
	SSL_set_bio(p->s, p->s_in, p->s_out);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);
	for (int i = 0; i < 20 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = SSL_do_handshake(p->c) == 1;
		pump(p);
		if (!sdone)
			sdone = SSL_do_handshake(p->s) == 1;
		pump(p);
	}
	if (!(cdone && sdone))
		ERR_print_errors_fp(stderr);
	assert_true(cdone && sdone);
	assert_int_equal(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(p->c)), r->id);
	assert_int_equal(SSL_write(p->c, q, (int)strlen(q)), (int)strlen(q));
	pump(p);
	assert_int_equal(SSL_read(p->s, buf, sizeof buf), (int)strlen(q));
	assert_int_equal(SSL_write(p->s, a, (int)strlen(a)), (int)strlen(a));
	pump(p);
	assert_int_equal(SSL_read(p->c, buf, sizeof buf), (int)strlen(a));
}

static void pair_free(struct pair *p)
{
	SSL_free(p->c);
	SSL_free(p->s);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
}

/* The record right after the first ChangeCipherSpec (TLS 1.2: the Finished,
 * seq 0), or with after_ccs 0 the stream's last record. */
static const uint8_t *pick_record(const uint8_t *w, size_t wlen, int after_ccs, size_t *len)
{
	const uint8_t *last = NULL;
	size_t pos = 0;
	int ccs = 0;

	while (pos + 5 <= wlen) {
		size_t rl = 5 + ((size_t)w[pos + 3] << 8 | w[pos + 4]);

		assert_true(pos + rl <= wlen);
		if (after_ccs && ccs) {
			*len = rl;
			return w + pos;
		}
		ccs |= w[pos] == 20;
		last = w + pos;
		*len = rl;
		pos += rl;
	}
	assert_false(after_ccs);
	assert_non_null(last);
	return last;
}

/* Flip one bit of a copy of the record, open it, expect a failure. */
static void expect_tamper_fails(const struct recordcrypt_suite *s, int tls13, int etm, const uint8_t *key,
				const uint8_t *iv, const uint8_t *mac, uint64_t seq, const uint8_t *rec, size_t n,
				size_t at)
{
	uint8_t bad[1024], out[1024];
	size_t olen = sizeof out;
	struct recordcrypt_result res;

	assert_true(n <= sizeof bad);
	memcpy(bad, rec, n);
	bad[at] ^= 0x01;
	assert_int_equal(recordcrypt_open(s, tls13, etm, key, iv, mac, seq, bad, n, out, &olen, &res), -1);
	assert_non_null(res.error);
	assert_int_equal(res.plain_len, 0);
}

static const char req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

/* A TLS 1.2 run: both Finished records and both application records open
 * with the key block, and equal what OpenSSL handled. */
static void check12(const struct run *r)
{
	const struct recordcrypt_suite *s = recordcrypt_suite(r->id);
	struct pair p;
	struct keysched_keys k;
	struct recordcrypt_result res;
	uint8_t cr[32], sr[32], ms[48], out[1024];
	size_t n, olen;
	const uint8_t *rec;
	int etm;

	assert_non_null(s);
	assert_false(s->tls13);
	run_pair(&p, r, req, resp);
	etm = recordcrypt_hello_etm(cap.server_hello, cap.server_hello_len);
	assert_int_equal(etm, r->etm && s->kind == RECORDCRYPT_AES_CBC);
	assert_int_equal(SSL_get_client_random(p.c, cr, 32), 32);
	assert_int_equal(SSL_get_server_random(p.c, sr, 32), 32);
	assert_int_equal(keylog_secret("CLIENT_RANDOM", ms, sizeof ms), 48);
	assert_int_equal(keysched_key_block(r->prf, ms, cr, sr, s->mac_len, s->key_len, s->fixed_iv_len, &k), 0);

	/* the Finished records: seq 0 after each ChangeCipherSpec */
	for (int dir = 0; dir < 2; dir++) {
		const uint8_t *w = dir == 0 ? cap.c2s : cap.s2c;
		size_t wl = dir == 0 ? cap.c2slen : cap.s2clen;

		rec = pick_record(w, wl, 1, &n);
		olen = sizeof out;
		assert_int_equal(recordcrypt_open(s, 0, etm, dir == 0 ? k.client_key : k.server_key,
						  dir == 0 ? k.client_iv : k.server_iv,
						  dir == 0 ? k.client_mac : k.server_mac, 0, rec, n, out, &olen, &res), 0);
		assert_int_equal(olen, cap.fin_len[dir]);
		tu_assert_bytes(out, cap.fin[dir], olen, dir == 0 ? "client Finished" : "server Finished");
		assert_true(res.auth_ok);
	}
	/* the request, seq 1 */
	rec = pick_record(cap.c2s, cap.c2slen, 0, &n);
	olen = sizeof out;
	assert_int_equal(recordcrypt_open(s, 0, etm, k.client_key, k.client_iv, k.client_mac, 1, rec, n, out, &olen,
					  &res), 0);
	assert_int_equal(olen, strlen(req));
	tu_assert_bytes(out, req, olen, "request");
	assert_int_equal(res.inner_type, 23);
	assert_int_equal(res.lay.head_len, s->kind == RECORDCRYPT_AES_GCM ? 8 : s->kind == RECORDCRYPT_AES_CBC ? 16 : 0);
	if (s->kind == RECORDCRYPT_AES_CBC) {
		assert_true(res.pad_ok);
		/* the record: IV + content + MAC + padding, and the MAC outside with EtM */
		assert_int_equal(n - 5, 16 + strlen(req) + s->mac_len + res.pad_len);
		assert_int_equal(res.lay.tail_len, etm ? s->mac_len : 0);
	} else {
		/* AEAD: exact sizes (GCM: record = 8 + plaintext + 16) */
		assert_int_equal(n - 5, res.lay.head_len + strlen(req) + 16);
	}
	/* the response, seq 1 */
	rec = pick_record(cap.s2c, cap.s2clen, 0, &n);
	olen = sizeof out;
	assert_int_equal(recordcrypt_open(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, out, &olen,
					  &res), 0);
	assert_int_equal(olen, strlen(resp));
	tu_assert_bytes(out, resp, olen, "response");

	/* what must fail: the wrong seq, the other side's keys, every part changed,
	 * the wrong MAC mode */
	olen = sizeof out;
	assert_int_equal(recordcrypt_open(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 2, rec, n, out, &olen,
					  &res), -1);
	assert_non_null(res.error);
	assert_int_equal(recordcrypt_open(s, 0, etm, k.client_key, k.client_iv, k.client_mac, 1, rec, n, out, &olen,
					  &res), -1);
	expect_tamper_fails(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, 5);      /* nonce / IV */
	expect_tamper_fails(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, n / 2);  /* body */
	expect_tamper_fails(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, n - 1);  /* tag/MAC/pad */
	expect_tamper_fails(s, 0, etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, 0);      /* type */
	if (s->kind == RECORDCRYPT_AES_CBC)
		assert_int_equal(recordcrypt_open(s, 0, !etm, k.server_key, k.server_iv, k.server_mac, 1, rec, n, out,
						  &olen, &res), -1);
	pair_free(&p);
	OPENSSL_cleanse(&k, sizeof k);
}

/* A TLS 1.3 run: the first application record each way opens with the
 * traffic keys of CLIENT/SERVER_TRAFFIC_SECRET_0. */
static void check13(const struct run *r)
{
	const struct recordcrypt_suite *s = recordcrypt_suite(r->id);
	struct pair p;
	struct recordcrypt_result res;
	uint8_t secret[64], key[32], iv[12], out[1024];
	size_t sl, n, olen;
	const uint8_t *rec;

	assert_non_null(s);
	assert_true(s->tls13);
	run_pair(&p, r, req, resp);
	for (int dir = 0; dir < 2; dir++) {
		const uint8_t *w = dir == 0 ? cap.c2s : cap.s2c;
		size_t wl = dir == 0 ? cap.c2slen : cap.s2clen;
		const char *want = dir == 0 ? req : resp;

		sl = keylog_secret(dir == 0 ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0", secret,
				   sizeof secret);
		assert_int_equal(keysched_tls13_traffic_keys(r->prf, secret, sl, s->key_len, key, iv), 0);
		rec = pick_record(w, wl, 0, &n);
		olen = sizeof out;
		assert_int_equal(recordcrypt_open(s, 1, 0, key, iv, NULL, 0, rec, n, out, &olen, &res), 0);
		assert_int_equal(olen, strlen(want));
		tu_assert_bytes(out, want, olen, dir == 0 ? "request" : "response");
		assert_int_equal(res.inner_type, 23);
		assert_int_equal(res.aad_len, 5);
		assert_int_equal(n - 5, strlen(want) + 1 + res.pad_len + 16);
		olen = sizeof out;
		assert_int_equal(recordcrypt_open(s, 1, 0, key, iv, NULL, 1, rec, n, out, &olen, &res), -1);
		/* the header is the additional data: a changed length byte fails */
		expect_tamper_fails(s, 1, 0, key, iv, NULL, 0, rec, n, 2);
		expect_tamper_fails(s, 1, 0, key, iv, NULL, 0, rec, n, n - 1);
		/* a TLS 1.3 suite is not opened as TLS 1.2 */
		assert_int_equal(recordcrypt_open(s, 0, 0, key, iv, NULL, 0, rec, n, out, &olen, &res), -1);
	}
	pair_free(&p);
}

static void test_gcm12(void **st)
{
	static const struct run r1 = {"AES128-GCM-SHA256", 0x009c, 0, 1, "SHA256"};
	static const struct run r2 = {"ECDHE-RSA-AES256-GCM-SHA384", 0xc030, 0, 1, "SHA384"};

	(void)st;
	check12(&r1);
	check12(&r2);
}

static void test_chacha12(void **st)
{
	static const struct run r = {"ECDHE-RSA-CHACHA20-POLY1305", 0xcca8, 0, 1, "SHA256"};

	(void)st;
	check12(&r);
}

static void test_cbc_sha1(void **st)
{
	static const struct run mte = {"AES128-SHA", 0x002f, 0, 0, "SHA256"};
	static const struct run etm = {"ECDHE-RSA-AES256-SHA", 0xc014, 0, 1, "SHA256"};

	(void)st;
	check12(&mte);
	check12(&etm);
}

static void test_cbc_sha256(void **st)
{
	static const struct run mte = {"AES256-SHA256", 0x003d, 0, 0, "SHA256"};
	static const struct run etm = {"ECDHE-RSA-AES128-SHA256", 0xc027, 0, 1, "SHA256"};

	(void)st;
	check12(&mte);
	check12(&etm);
}

static void test_cbc_sha384(void **st)
{
	static const struct run mte = {"ECDHE-RSA-AES256-SHA384", 0xc028, 0, 0, "SHA384"};
	static const struct run etm = {"ECDHE-RSA-AES256-SHA384", 0xc028, 0, 1, "SHA384"};

	(void)st;
	check12(&mte);
	check12(&etm);
}

static void test_tls13(void **st)
{
	static const struct run a = {"TLS_AES_128_GCM_SHA256", 0x1301, 1, 0, "SHA256"};
	static const struct run b = {"TLS_AES_256_GCM_SHA384", 0x1302, 1, 0, "SHA384"};
	static const struct run c = {"TLS_CHACHA20_POLY1305_SHA256", 0x1303, 1, 0, "SHA256"};

	(void)st;
	check13(&a);
	check13(&b);
	check13(&c);
}

/* The explanation fields name the parts each family really has. */
static void test_fields(void **st)
{
	static const struct run r = {"AES128-SHA", 0x002f, 0, 1, "SHA256"};
	const struct recordcrypt_suite *s = recordcrypt_suite(r.id);
	struct pair p;
	struct keysched_keys k;
	struct recordcrypt_result res;
	uint8_t cr[32], sr[32], ms[48], out[1024];
	size_t n, olen = sizeof out;
	const uint8_t *rec;
	struct evlog logs;
	struct evlog *log = &logs;
	struct event *ev;

	(void)st;
	evlog_init(log);
	run_pair(&p, &r, req, resp);
	SSL_get_client_random(p.c, cr, 32);
	SSL_get_server_random(p.c, sr, 32);
	keylog_secret("CLIENT_RANDOM", ms, sizeof ms);
	assert_int_equal(keysched_key_block("SHA256", ms, cr, sr, 20, 16, 0, &k), 0);
	rec = pick_record(cap.c2s, cap.c2slen, 0, &n);
	assert_int_equal(recordcrypt_open(s, 0, 1, k.client_key, NULL, k.client_mac, 1, rec, n, out, &olen, &res), 0);
	ev = evlog_add(log, EV_KEX_RECORD_DECRYPT, ACTOR_SERVER, DIR_LOCAL, out, olen, "t");
	assert_non_null(ev);
	recordcrypt_fields(ev, &res, rec, n);
	assert_non_null(event_find_field(ev, "iv"));
	assert_null(event_find_field(ev, "explicit_nonce"));
	assert_null(event_find_field(ev, "tag"));
	assert_non_null(strstr(event_find_field(ev, "mac")->value, "HMAC-SHA1"));
	assert_non_null(strstr(event_find_field(ev, "mac")->value, "verified"));
	assert_non_null(strstr(event_find_field(ev, "mac_then_encrypt")->value, "RFC 7366"));
	assert_non_null(strstr(event_find_field(ev, "padding")->value, "well formed"));
	evlog_clear(log);
	pair_free(&p);
}

/* Layouts, the ServerHello's encrypt_then_mac, and input that must be refused. */
static void test_layout_and_bad_input(void **st)
{
	struct recordcrypt_layout l;
	struct recordcrypt_result res;
	uint8_t key[32] = {0}, iv[12] = {0}, mac[48] = {0}, out[64];
	uint8_t rec[64] = {23, 3, 3, 0, 40};
	size_t olen = sizeof out;
	/* a ServerHello with extensions renegotiation_info and encrypt_then_mac */
	uint8_t sh[4 + 2 + 32 + 1 + 2 + 1 + 2 + 5 + 4] = {2, 0, 0, 49, 3, 3};
	size_t o = 4 + 2 + 32;

	(void)st;
	assert_null(recordcrypt_suite(0x0000));
	assert_null(recordcrypt_suite(0x1304)); /* TLS_AES_128_CCM_SHA256: not decoded */
	assert_null(recordcrypt_suite(0x000a)); /* 3DES: not decoded, never guessed */
	assert_int_equal(recordcrypt_layout(NULL, 0, &l), -1);
	assert_int_equal(recordcrypt_layout(recordcrypt_suite(0xc02f), 0, &l), 0);
	assert_string_equal(l.head_name, "explicit_nonce");
	assert_int_equal(l.head_len + l.tail_len, 24);
	assert_int_equal(recordcrypt_layout(recordcrypt_suite(0xcca8), 0, &l), 0);
	assert_null(l.head_name);
	assert_int_equal(l.tail_len, 16);
	assert_int_equal(recordcrypt_layout(recordcrypt_suite(0xc028), 1, &l), 0);
	assert_string_equal(l.tail_name, "mac");
	assert_int_equal(l.tail_len, 48);
	assert_int_equal(recordcrypt_layout(recordcrypt_suite(0xc028), 0, &l), 0);
	assert_null(l.tail_name);
	assert_int_equal(l.min_len, 16 + 64);

	/* unknown suite, version mismatch, short and inconsistent records */
	assert_int_equal(recordcrypt_open(NULL, 0, 0, key, iv, mac, 0, rec, 45, out, &olen, &res), -1);
	assert_non_null(strstr(res.error, "does not decode"));
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x1301), 0, 0, key, iv, mac, 0, rec, 45, out, &olen,
					  &res), -1);
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x009c), 0, 0, key, iv, mac, 0, rec, 44, out, &olen,
					  &res), -1);
	assert_non_null(strstr(res.error, "length"));
	rec[4] = 20;
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x009c), 0, 0, key, iv, mac, 0, rec, 25, out, &olen,
					  &res), -1);
	assert_non_null(strstr(res.error, "too short"));
	rec[4] = 40; /* CBC: 40 - 16 is not a whole number of blocks */
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x002f), 0, 1, key, iv, mac, 0, rec, 45, out, &olen,
					  &res), -1);
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x002f), 0, 0, key, iv, mac, 0, rec, 45, out, &olen,
					  &res), -1);
	assert_int_equal(recordcrypt_open(recordcrypt_suite(0x002f), 0, 0, NULL, iv, mac, 0, rec, 45, out, &olen,
					  &res), -1);

	sh[o++] = 0;          /* session id */
	sh[o++] = 0x00;       /* suite */
	sh[o++] = 0x2f;
	sh[o++] = 0;          /* compression */
	sh[o++] = 0;          /* extensions: 9 bytes */
	sh[o++] = 9;
	sh[o++] = 0xff;       /* renegotiation_info, 1 byte: 0 */
	sh[o++] = 0x01;
	sh[o++] = 0;
	sh[o++] = 1;
	sh[o++] = 0;
	sh[o++] = 0;          /* encrypt_then_mac, empty */
	sh[o++] = 22;
	sh[o++] = 0;
	sh[o++] = 0;
	assert_int_equal(o, sizeof sh);
	assert_int_equal(recordcrypt_hello_etm(sh, sizeof sh), 1);
	assert_int_equal(recordcrypt_hello_etm(sh, sizeof sh - 1), 0); /* cut: the length disagrees */
	sh[sizeof sh - 3] = 23;                                       /* extended_master_secret instead */
	assert_int_equal(recordcrypt_hello_etm(sh, sizeof sh), 0);
	sh[0] = 1;
	assert_int_equal(recordcrypt_hello_etm(sh, sizeof sh), 0);
	assert_int_equal(recordcrypt_hello_etm(NULL, 0), 0);
}

static int setup(void **st)
{
	char err[200];

	(void)st;
	return pki_mint(&pki, SCEN_GOOD, err, sizeof err);
}

static int teardown(void **st)
{
	(void)st;
	pki_free(&pki);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm12),
		cmocka_unit_test(test_chacha12),
		cmocka_unit_test(test_cbc_sha1),
		cmocka_unit_test(test_cbc_sha256),
		cmocka_unit_test(test_cbc_sha384),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_layout_and_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
