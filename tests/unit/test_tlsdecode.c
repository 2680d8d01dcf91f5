/* The TLS decoder against a real in-memory OpenSSL exchange: every message
 * and record of TLS 1.2 RSA, TLS 1.2 ECDHE, TLS 1.3 (plus a downgrade and a
 * HelloRetryRequest) is captured through the msg callback and the wire,
 * decoded, and checked against what OpenSSL itself reports. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "protocol/event.h"
#include "protocol/hellopeek.h"
#include "protocol/iana.h"
#include "protocol/tlsdecode.h"

enum mode { M_RSA12, M_ECDHE12, M_TLS13, M_DOWNGRADE, M_HRR, M__COUNT };

struct msg {
	int server;       /* sent by the server */
	int content_type; /* 20, 21, 22 */
	uint8_t *b;
	size_t n;
};

struct exchange {
	enum mode mode;
	SSL_CTX *cctx, *sctx;
	SSL *c, *s;
	struct msg m[64];
	size_t nm;
	uint8_t *wire[2]; /* [0] client to server, [1] server to client */
	size_t wire_n[2];
	char *trace;      /* OpenSSL's own SSL_trace text */
	BIO *trace_bio;
};

static EVP_PKEY *g_key;
static X509 *g_cert;
static struct exchange g_ex[M__COUNT];

static const char get_req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

/* Self-signed RSA-2048 certificate for localhost, made fresh for this run. */
static int make_cert(void)
{
	X509_NAME *nm;
	X509_EXTENSION *ext;
	X509V3_CTX v3;

	g_key = EVP_RSA_gen(2048);
	g_cert = X509_new();
	if (g_key == NULL || g_cert == NULL)
		return -1;
	X509_set_version(g_cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(g_cert), 0x1234567);
	X509_gmtime_adj(X509_getm_notBefore(g_cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(g_cert), 86400);
	X509_set_pubkey(g_cert, g_key);
	nm = X509_get_subject_name(g_cert);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
				   -1, 0);
	X509_set_issuer_name(g_cert, nm);
	X509V3_set_ctx(&v3, g_cert, g_cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
	if (ext == NULL)
		return -1;
	X509_add_ext(g_cert, ext, -1);
	X509_EXTENSION_free(ext);
	return X509_sign(g_cert, g_key, EVP_sha256()) > 0 ? 0 : -1;
}

/* Keep each message once, from its sender, and let SSL_trace print it. */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
		   SSL *ssl, void *arg)
{
	struct exchange *ex = arg;
	struct msg *m;

	SSL_trace(write_p, version, content_type, buf, len, ssl, ex->trace_bio);
	if (!write_p || content_type > 22 || ex->nm == sizeof ex->m / sizeof ex->m[0])
		return;
	m = &ex->m[ex->nm++];
	m->server = SSL_is_server(ssl);
	m->content_type = content_type;
	m->b = malloc(len);
	memcpy(m->b, buf, len);
	m->n = len;
}

/* Move what one side wrote to the other side, keeping a copy of the wire. */
static void pump(struct exchange *ex, SSL *from, SSL *to, int dir)
{
	char buf[16384];
	int n;

	for (;;) {
		n = BIO_read(SSL_get_wbio(from), buf, sizeof buf);
		if (n <= 0)
			break;
		ex->wire[dir] = realloc(ex->wire[dir], ex->wire_n[dir] + (size_t)n);
		memcpy(ex->wire[dir] + ex->wire_n[dir], buf, (size_t)n);
		ex->wire_n[dir] += (size_t)n;
		BIO_write(SSL_get_rbio(to), buf, n);
	}
}

static int run_exchange(struct exchange *ex, enum mode mode)
{
	char buf[256];
	BUF_MEM *bm;
	int tls12 = mode == M_RSA12 || mode == M_ECDHE12;

	memset(ex, 0, sizeof *ex);
	ex->mode = mode;
	ex->trace_bio = BIO_new(BIO_s_mem());
	ex->cctx = SSL_CTX_new(TLS_client_method());
	ex->sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ex->sctx, g_cert);
	SSL_CTX_use_PrivateKey(ex->sctx, g_key);
	if (tls12 || mode == M_DOWNGRADE)
		SSL_CTX_set_max_proto_version(ex->cctx, TLS1_2_VERSION);
	if (tls12)
		SSL_CTX_set_max_proto_version(ex->sctx, TLS1_2_VERSION);
	if (mode == M_RSA12)
		SSL_CTX_set_cipher_list(ex->sctx, "AES128-GCM-SHA256");
	if (mode == M_ECDHE12)
		SSL_CTX_set_cipher_list(ex->sctx, "ECDHE-RSA-AES128-GCM-SHA256");
	if (mode == M_DOWNGRADE)
		SSL_CTX_set_cipher_list(ex->cctx, "ECDHE-RSA-AES128-GCM-SHA256");
	if (mode == M_HRR) {
		/* the client's first key share is P-256; the server takes only X25519 */
		SSL_CTX_set1_groups_list(ex->cctx, "P-256:X25519");
		SSL_CTX_set1_groups_list(ex->sctx, "X25519");
	}
	SSL_CTX_set_msg_callback(ex->cctx, msg_cb);
	SSL_CTX_set_msg_callback_arg(ex->cctx, ex);
	SSL_CTX_set_msg_callback(ex->sctx, msg_cb);
	SSL_CTX_set_msg_callback_arg(ex->sctx, ex);
	ex->c = SSL_new(ex->cctx);
	ex->s = SSL_new(ex->sctx);
	SSL_set_bio(ex->c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_bio(ex->s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_connect_state(ex->c);
	SSL_set_accept_state(ex->s);
	SSL_set_tlsext_host_name(ex->c, "localhost");
	for (int i = 0; i < 20 && !(SSL_is_init_finished(ex->c) && SSL_is_init_finished(ex->s));
	     i++) {
		SSL_do_handshake(ex->c);
		pump(ex, ex->c, ex->s, 0);
		SSL_do_handshake(ex->s);
		pump(ex, ex->s, ex->c, 1);
	}
	if (!SSL_is_init_finished(ex->c) || !SSL_is_init_finished(ex->s))
		return -1;
	if (SSL_write(ex->c, get_req, (int)strlen(get_req)) <= 0)
		return -1;
	pump(ex, ex->c, ex->s, 0);
	if (SSL_read(ex->s, buf, sizeof buf) != (int)strlen(get_req))
		return -1;
	if (SSL_write(ex->s, response, (int)strlen(response)) <= 0)
		return -1;
	pump(ex, ex->s, ex->c, 1);
	if (SSL_read(ex->c, buf, sizeof buf) != (int)strlen(response))
		return -1;
	/* the client's close_notify: an alert written after the keys */
	if (SSL_shutdown(ex->c) < 0)
		return -1;
	pump(ex, ex->c, ex->s, 0);
	BIO_get_mem_ptr(ex->trace_bio, &bm);
	ex->trace = strndup(bm->data, bm->length);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (make_cert() < 0)
		return -1;
	for (int m = 0; m < M__COUNT; m++)
		if (run_exchange(&g_ex[m], (enum mode)m) < 0)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int m = 0; m < M__COUNT; m++) {
		struct exchange *ex = &g_ex[m];

		for (size_t i = 0; i < ex->nm; i++)
			free(ex->m[i].b);
		free(ex->wire[0]);
		free(ex->wire[1]);
		free(ex->trace);
		BIO_free(ex->trace_bio);
		SSL_free(ex->c);
		SSL_free(ex->s);
		SSL_CTX_free(ex->cctx);
		SSL_CTX_free(ex->sctx);
	}
	X509_free(g_cert);
	EVP_PKEY_free(g_key);
	return 0;
}

static struct tlsdecode_ctx ctx_of(enum mode m)
{
	struct tlsdecode_ctx ctx = {.tls13 = m == M_TLS13 || m == M_HRR,
				    .kex_ecdhe = m != M_RSA12};
	return ctx;
}

/* The first handshake message of this type sent by this side (nth: 0, 1...). */
static const struct msg *find_msg(const struct exchange *ex, int server, uint8_t type, int nth)
{
	for (size_t i = 0; i < ex->nm; i++)
		if (ex->m[i].content_type == 22 && ex->m[i].server == server && ex->m[i].n > 0 &&
		    ex->m[i].b[0] == type && nth-- == 0)
			return &ex->m[i];
	return NULL;
}

/* Every field lies inside raw, the tree is well formed, and an error field
 * exists exactly when the decoder said malformed. */
static void check_fields(const struct event *ev, int rc)
{
	assert_true(rc == 0 || rc == -1);
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct field *f = &ev->fields[i];

		assert_true(f->offset <= ev->raw_len);
		assert_true(f->length <= ev->raw_len - f->offset);
		assert_non_null(f->value);
		if (i > 0)
			assert_true(f->depth <= ev->fields[i - 1].depth + 1);
		else
			assert_int_equal(f->depth, 0);
	}
	if (rc < 0)
		assert_non_null(event_find_field(ev, "error"));
	else
		assert_null(event_find_field(ev, "error"));
}

/* Decode a handshake message in a fresh log; the caller clears the log. */
static struct event *decode(struct evlog *log, const uint8_t *b, size_t n,
			    const struct tlsdecode_ctx *ctx, int *rc)
{
	struct event *ev;

	evlog_init(log);
	ev = evlog_add(log, tlsdecode_handshake_event(n ? b[0] : 0), ACTOR_CLIENT, DIR_C2S, b, n,
		       "t");
	assert_non_null(ev);
	*rc = tlsdecode_handshake(ev, ctx);
	check_fields(ev, *rc);
	return ev;
}

/* The value of the first field with this name, which must exist. */
static const char *val(const struct event *ev, const char *name)
{
	const struct field *f = event_find_field(ev, name);

	if (f == NULL)
		fail_msg("no field %s", name);
	return f->value;
}

static void assert_field_bytes(const struct event *ev, const char *name, const void *want,
			       size_t n)
{
	const struct field *f = event_find_field(ev, name);

	assert_non_null(f);
	assert_int_equal(f->length, n);
	tu_assert_bytes(ev->raw + f->offset, want, n, name);
}

static void summary_is(const struct msg *m, const struct tlsdecode_ctx *ctx, const char *want)
{
	char line[256];

	struct evlog a, b;
	struct event *ea, *eb;

	assert_int_equal(tlsdecode_summary(m->b, m->n, ctx, line, sizeof line), 0);
	assert_string_equal(line, want);
	/* decoded twice (the second time a certificate comes from the parse
	 * kept from the first): the same fields */
	evlog_init(&a);
	evlog_init(&b);
	ea = evlog_add(&a, EV_TLS_HANDSHAKE_UNKNOWN, ACTOR_CLIENT, DIR_C2S, m->b, m->n, "-");
	eb = evlog_add(&b, EV_TLS_HANDSHAKE_UNKNOWN, ACTOR_CLIENT, DIR_C2S, m->b, m->n, "-");
	assert_non_null(ea);
	assert_non_null(eb);
	assert_int_equal(tlsdecode_handshake(ea, ctx), 0);
	assert_int_equal(tlsdecode_handshake(eb, ctx), 0);
	assert_int_equal(ea->nfields, eb->nfields);
	for (size_t i = 0; i < ea->nfields; i++) {
		assert_string_equal(ea->fields[i].name, eb->fields[i].name);
		assert_string_equal(ea->fields[i].value, eb->fields[i].value);
		assert_int_equal(ea->fields[i].offset, eb->fields[i].offset);
		assert_int_equal(ea->fields[i].length, eb->fields[i].length);
	}
	evlog_clear(&a);
	evlog_clear(&b);
}

/* Checks shared by every exchange: hellos, certificate, Finished. */
static void check_common(const struct exchange *ex)
{
	struct tlsdecode_ctx ctx = ctx_of(ex->mode);
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ex->c);
	uint8_t rnd[32];
	uint8_t fin[64];
	size_t fin_n;
	char want[128];
	struct evlog log;
	struct event *ev;
	const struct msg *m;
	unsigned char *der = NULL;
	int der_n;
	int rc;

	/* ClientHello: random, SNI, suites named as OpenSSL's own trace names them */
	m = find_msg(ex, 0, 1, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	SSL_get_client_random(ex->c, rnd, sizeof rnd);
	assert_field_bytes(ev, "random", rnd, 32);
	assert_string_equal(val(ev, "host_name"), "localhost");
	assert_string_equal(val(ev, "server_name"), "localhost");
	assert_non_null(event_find_field(ev, "extended_master_secret"));
	for (size_t i = 0; i < ev->nfields; i++) {
		char name[96];

		if (strcmp(ev->fields[i].name, "cipher_suite") != 0)
			continue;
		sscanf(ev->fields[i].value, "%95s", name);
		assert_string_not_equal(name, "unknown");
		if (strstr(ex->trace, name) == NULL)
			fail_msg("suite %s not in SSL_trace output", name);
	}
	evlog_clear(&log);

	/* ServerHello: the suite OpenSSL chose and the server random */
	m = find_msg(ex, 1, 2, ex->mode == M_HRR ? 1 : 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	snprintf(want, sizeof want, "%s (0x%04x)", SSL_CIPHER_standard_name(cipher),
		 SSL_CIPHER_get_id(cipher) & 0xffff);
	assert_string_equal(val(ev, "cipher_suite"), want);
	SSL_get_server_random(ex->c, rnd, sizeof rnd);
	assert_field_bytes(ev, "random", rnd, 32);
	assert_null(event_find_field(ev, "hello_retry_request"));
	if (ex->mode == M_DOWNGRADE)
		assert_non_null(strstr(val(ev, "downgrade_sentinel"), "DOWNGRD"));
	else
		assert_null(event_find_field(ev, "downgrade_sentinel"));
	evlog_clear(&log);

	/* Certificate: OpenSSL's view of it, and our byte ranges agree with DER */
	m = find_msg(ex, 1, 11, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(val(ev, "subject"), "CN=localhost");
	assert_string_equal(val(ev, "issuer"), "CN=localhost");
	assert_string_equal(val(ev, "san"), "DNS:localhost, IP:127.0.0.1");
	assert_string_equal(val(ev, "public_key"), "RSA 2048 bits");
	assert_string_equal(val(ev, "signature_algorithm"), "sha256WithRSAEncryption");
	assert_string_equal(val(ev, "certificates"), "1 certificate");
	assert_non_null(strstr(val(ev, "not_after"), " UTC"));
	der_n = i2d_X509_NAME(X509_get_subject_name(g_cert), &der);
	assert_field_bytes(ev, "subject", der, (size_t)der_n);
	OPENSSL_free(der);
	der = NULL;
	der_n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(g_cert), &der);
	assert_field_bytes(ev, "public_key", der, (size_t)der_n);
	OPENSSL_free(der);
	assert_string_equal(val(ev, "serial_number"), "01234567");
	evlog_clear(&log);
	summary_is(m, &ctx, "Certificate: 1 cert, CN=localhost");

	/* Finished both ways: verify_data as OpenSSL computed it */
	m = find_msg(ex, 0, 20, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	fin_n = SSL_get_finished(ex->c, fin, sizeof fin);
	assert_true(fin_n >= 12);
	assert_field_bytes(ev, "verify_data", fin, fin_n);
	evlog_clear(&log);
	m = find_msg(ex, 1, 20, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	fin_n = SSL_get_peer_finished(ex->c, fin, sizeof fin);
	assert_field_bytes(ev, "verify_data", fin, fin_n);
	evlog_clear(&log);
}

/* Split a byte stream into records and decode each; returns how many
 * application_data records there were. */
static int check_records(const struct exchange *ex, int dir, size_t *first_app_ct)
{
	const uint8_t *w = ex->wire[dir];
	size_t n = ex->wire_n[dir];
	int tls13 = ctx_of(ex->mode).tls13;
	struct tlsdecode_rec rec = {tls13, SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(ex->c)), 0};
	int napp = 0;

	*first_app_ct = 0;
	for (size_t off = 0; off + 5 <= n;) {
		size_t rl = 5 + ((size_t)w[off + 3] << 8 | w[off + 4]);
		struct evlog log;
		struct event *ev;
		int rc;

		assert_true(off + rl <= n);
		evlog_init(&log);
		ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, w + off, rl, "r");
		rc = tlsdecode_record(ev, &rec);
		check_fields(ev, rc);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(val(ev, "content_type"), tlsdecode_content_type_name(w[off])));
		if (w[off] == 23) {
			const struct field *ct = event_find_field(ev, "ciphertext");

			assert_non_null(ct);
			assert_int_equal(event_find_field(ev, "tag")->length, 16);
			assert_non_null(strstr(val(ev, "protection"), "GCM"));
			if (tls13) {
				assert_non_null(event_find_field(ev, "encrypted_record"));
				assert_null(event_find_field(ev, "explicit_nonce"));
				assert_non_null(strstr(val(ev, "legacy_record_version"), "frozen"));
			} else {
				assert_int_equal(event_find_field(ev, "explicit_nonce")->length, 8);
			}
			if (napp++ == 0)
				*first_app_ct = ct->length;
		}
		evlog_clear(&log);
		off += rl;
	}
	return napp;
}

static void test_tls12_rsa(void **state)
{
	const struct exchange *ex = &g_ex[M_RSA12];
	struct tlsdecode_ctx ctx = ctx_of(M_RSA12);
	struct evlog log;
	struct event *ev;
	const struct msg *m;
	size_t ct;
	int rc;

	(void)state;
	check_common(ex);
	m = find_msg(ex, 0, 1, 0);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_non_null(event_find_field(ev, "gmt_unix_time"));
	assert_int_equal(event_find_field(ev, "random_bytes")->length, 28);
	evlog_clear(&log);
	summary_is(find_msg(ex, 1, 2, 0), &ctx, "ServerHello TLS_RSA_WITH_AES_128_GCM_SHA256");
	/* the encrypted pre-master is as long as the RSA modulus */
	m = find_msg(ex, 0, 16, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(event_find_field(ev, "encrypted_pre_master")->length,
			 EVP_PKEY_get_size(g_key));
	evlog_clear(&log);
	summary_is(m, &ctx, "ClientKeyExchange: RSA-encrypted pre-master secret (256 bytes)");
	summary_is(find_msg(ex, 1, 14, 0), &ctx, "ServerHelloDone");
	summary_is(find_msg(ex, 0, 20, 0), &ctx, "Finished: verify_data 12 bytes");
	/* TLS 1.2 ticket */
	m = find_msg(ex, 1, 4, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(event_find_field(ev, "ticket_lifetime_hint"));
	assert_true(event_find_field(ev, "ticket")->length > 0);
	evlog_clear(&log);
	/* records: the GET travels as explicit nonce + ciphertext of its length + tag */
	assert_true(check_records(ex, 0, &ct) >= 1);
	assert_int_equal(ct, strlen(get_req));
	assert_true(check_records(ex, 1, &ct) >= 1);
	assert_int_equal(ct, strlen(response));
}

static void test_tls12_ecdhe(void **state)
{
	const struct exchange *ex = &g_ex[M_ECDHE12];
	struct tlsdecode_ctx ctx = ctx_of(M_ECDHE12);
	struct evlog log;
	struct event *ev;
	const struct msg *m;
	char line[256];
	size_t ct;
	int rc;

	(void)state;
	check_common(ex);
	m = find_msg(ex, 1, 12, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(val(ev, "curve_type"), "named_curve (3)");
	assert_string_equal(val(ev, "named_group"), "x25519 (0x001d)");
	assert_int_equal(event_find_field(ev, "public_key")->length, 32);
	assert_int_equal(event_find_field(ev, "signature")->length, 256);
	assert_null(strstr(val(ev, "signature_algorithm"), "unknown"));
	evlog_clear(&log);
	assert_int_equal(tlsdecode_summary(m->b, m->n, &ctx, line, sizeof line), 0);
	assert_non_null(strstr(line, "ServerKeyExchange: ECDHE x25519, signed "));
	m = find_msg(ex, 0, 16, 0);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(event_find_field(ev, "public_key")->length, 32);
	evlog_clear(&log);
	summary_is(m, &ctx, "ClientKeyExchange: ECDHE public key (32 bytes)");
	summary_is(find_msg(ex, 1, 2, 0), &ctx, "ServerHello TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_true(check_records(ex, 0, &ct) >= 1);
	assert_int_equal(ct, strlen(get_req));
}

static void test_tls13(void **state)
{
	const struct exchange *ex = &g_ex[M_TLS13];
	struct tlsdecode_ctx ctx = ctx_of(M_TLS13);
	struct evlog log;
	struct event *ev;
	const struct msg *m;
	char line[256];
	size_t ct;
	int rc;

	(void)state;
	check_common(ex);
	m = find_msg(ex, 0, 1, 0);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_null(event_find_field(ev, "gmt_unix_time"));
	assert_non_null(strstr(val(ev, "supported_versions"), "TLS 1.3"));
	assert_string_equal(val(ev, "key_share_entry"), "x25519, 32-byte public key");
	assert_non_null(event_find_field(ev, "psk_key_exchange_mode"));
	evlog_clear(&log);
	assert_int_equal(tlsdecode_summary(m->b, m->n, &ctx, line, sizeof line), 0);
	assert_non_null(strstr(line, "ClientHello TLS 1.3, "));
	assert_non_null(strstr(line, ", SNI localhost"));
	m = find_msg(ex, 1, 2, 0);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_string_equal(val(ev, "selected_version"), "TLS 1.3 (0x0304)");
	evlog_clear(&log);
	assert_int_equal(tlsdecode_summary(m->b, m->n, &ctx, line, sizeof line), 0);
	assert_non_null(strstr(line, ", TLS 1.3"));
	for (uint8_t t = 8; t <= 15; t += 7) { /* EncryptedExtensions, CertificateVerify */
		m = find_msg(ex, 1, t, 0);
		assert_non_null(m);
		ev = decode(&log, m->b, m->n, &ctx, &rc);
		assert_int_equal(rc, 0);
		evlog_clear(&log);
	}
	m = find_msg(ex, 1, 4, 0);
	assert_non_null(m);
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(event_find_field(ev, "ticket_age_add"));
	assert_non_null(event_find_field(ev, "ticket_nonce"));
	evlog_clear(&log);
	/* 1.3 records hide the inner type: ciphertext = plaintext + 1 type byte */
	assert_true(check_records(ex, 0, &ct) >= 1);
	assert_true(check_records(ex, 1, &ct) >= 1);
}

static void test_downgrade_and_hrr(void **state)
{
	const struct exchange *ex = &g_ex[M_HRR];
	struct tlsdecode_ctx ctx = ctx_of(M_HRR);
	struct evlog log;
	struct event *ev;
	const struct msg *m;
	char line[256];
	int rc;

	(void)state;
	check_common(&g_ex[M_DOWNGRADE]);
	m = find_msg(&g_ex[M_DOWNGRADE], 1, 2, 0);
	assert_int_equal(tlsdecode_summary(m->b, m->n, NULL, line, sizeof line), 0);
	assert_non_null(strstr(line, "DOWNGRD"));
	/* a real TLS 1.3 server that negotiated 1.2 sends DOWNGRD\x01; the
	 * same ServerHello with \x00 says TLS 1.1 or below (RFC 8446 4.1.3) */
	{
		struct tlsdecode_ctx c12 = ctx_of(M_DOWNGRADE);
		uint8_t copy[512];

		ev = decode(&log, m->b, m->n, &c12, &rc);
		assert_non_null(strstr(val(ev, "downgrade_sentinel"),
				       "\"DOWNGRD\" + 01: the server supports TLS 1.3 but negotiated TLS 1.2"));
		/* MUST only for clients that offered 1.3 (RFC 8446 4.1.3) */
		assert_non_null(strstr(val(ev, "downgrade_sentinel"), "A client that offered TLS 1.3 MUST abort"));
		assert_non_null(strstr(val(ev, "downgrade_sentinel"), "A TLS 1.2 client is not asked to check"));
		evlog_clear(&log);
		assert_true(m->n <= sizeof copy);
		memcpy(copy, m->b, m->n);
		copy[4 + 2 + 31] = 0; /* header, version, last byte of the random */
		ev = decode(&log, copy, m->n, &c12, &rc);
		assert_non_null(strstr(val(ev, "downgrade_sentinel"),
				       "supports TLS 1.2 or higher but negotiated TLS 1.1 or below"));
		assert_non_null(strstr(val(ev, "downgrade_sentinel"), "a TLS 1.2 client SHOULD check"));
		evlog_clear(&log);
	}
	check_common(ex);
	m = find_msg(ex, 1, 2, 0); /* the first "ServerHello" is the HelloRetryRequest */
	ev = decode(&log, m->b, m->n, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(event_find_field(ev, "hello_retry_request"));
	assert_string_equal(val(ev, "selected_group"), "x25519 (0x001d)");
	evlog_clear(&log);
	assert_int_equal(tlsdecode_summary(m->b, m->n, &ctx, line, sizeof line), 0);
	assert_non_null(strstr(line, "HelloRetryRequest TLS_AES_256_GCM_SHA384"));
}

static void test_ccs_alert(void **state)
{
	const uint8_t fatal[] = {2, 40}, odd[] = {1, 238}, bad1[] = {2}, ccs2[] = {2}, ccs11[] = {1, 1};
	struct evlog log;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, fatal, 2, "a");
	assert_int_equal(tlsdecode_alert(ev), 0);
	assert_string_equal(val(ev, "level"), "fatal (2)");
	assert_string_equal(val(ev, "description"), "handshake_failure (40)");
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, odd, 2, "a");
	assert_int_equal(tlsdecode_alert(ev), 0);
	assert_string_equal(val(ev, "description"), "unassigned alert (238)");
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, bad1, 1, "a");
	assert_int_equal(tlsdecode_alert(ev), -1);
	check_fields(ev, -1);
	ev = evlog_add(&log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_SERVER, DIR_S2C, ccs2, 1, "c");
	assert_int_equal(tlsdecode_ccs(ev), -1);
	ev = evlog_add(&log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_SERVER, DIR_S2C, ccs11, 2, "c");
	assert_int_equal(tlsdecode_ccs(ev), -1);
	assert_non_null(strstr(val(ev, "error"), "unexpected bytes"));
	ev = evlog_add(&log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_SERVER, DIR_S2C, NULL, 0, "c");
	assert_int_equal(tlsdecode_ccs(ev), -1);
	/* the real CCS messages of every exchange decode */
	for (int mo = 0; mo < M__COUNT; mo++)
		for (size_t i = 0; i < g_ex[mo].nm; i++) {
			const struct msg *m = &g_ex[mo].m[i];

			if (m->content_type != 20)
				continue;
			ev = evlog_add(&log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_SERVER, DIR_S2C, m->b,
				       m->n, "c");
			assert_int_equal(tlsdecode_ccs(ev), 0);
		}
	evlog_clear(&log);
}

/* Typed facts, each checked against the bytes and OpenSSL: the alert's
 * two bytes, the ServerHello's version, the records' protection; one
 * decode gives a handshake message its fields and its summary. */
static void test_facts(void **state)
{
	const uint8_t fatal[] = {2, 40}, close[] = {1, 0}, bad1[] = {1};
	struct evlog log;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, fatal, 2, "close_notify? no");
	assert_int_equal(tlsdecode_alert(ev), 0);
	assert_int_equal(ev->alert.level, ALERT_FATAL);
	assert_int_equal(ev->alert.description, 40);
	assert_false(event_is_close_notify(ev));
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, close, 2, "a");
	assert_int_equal(tlsdecode_alert(ev), 0);
	assert_int_equal(ev->alert.level, ALERT_WARNING);
	assert_true(event_is_close_notify(ev));
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_SERVER, DIR_S2C, bad1, 1, "close_notify");
	assert_int_equal(tlsdecode_alert(ev), -1);
	assert_int_equal(ev->alert.level, 0);
	assert_false(event_is_close_notify(ev));
	evlog_clear(&log);
	for (int mo = 0; mo < M__COUNT; mo++) {
		const struct exchange *ex = &g_ex[mo];
		struct tlsdecode_ctx ctx = ctx_of((enum mode)mo);
		int sh = 0, alerts = 0;

		for (size_t i = 0; i < ex->nm; i++) {
			const struct msg *m = &ex->m[i];
			char line[TLSDECODE_SUMMARY_MAX];
			int rc;

			if (m->content_type == 21) {
				/* the client's close_notify, after the keys */
				evlog_init(&log);
				ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, m->b, m->n, "a");
				assert_int_equal(tlsdecode_alert(ev), 0);
				assert_true(event_is_close_notify(ev));
				evlog_clear(&log);
				alerts++;
				continue;
			}
			if (m->content_type != 22)
				continue;
			ev = decode(&log, m->b, m->n, &ctx, &rc);
			/* the summary is the one the decoder gives alone */
			assert_int_equal(tlsdecode_summary(m->b, m->n, &ctx, line, sizeof line), rc);
			assert_string_equal(ev->summary, line);
			if (m->b[0] == 2) {
				/* a HelloRetryRequest (the first of M_HRR) says 1.3 too */
				assert_int_equal(ev->tls_version, sh++ == 0 && mo == M_HRR
									  ? TLS_VERSION_13
									  : (uint16_t)SSL_version(ex->c));
			} else {
				assert_int_equal(ev->tls_version, 0);
			}
			evlog_clear(&log);
		}
		assert_true(sh >= 1);
		assert_int_equal(alerts, 1);
		/* every record's protection, from the record alone: TLS 1.3
		 * hides protected records as type 23; TLS 1.2 protects what
		 * follows the sender's ChangeCipherSpec */
		for (int dir = 0; dir < 2; dir++) {
			const uint8_t *w = ex->wire[dir];
			int tls13 = SSL_version(ex->c) == TLS1_3_VERSION;
			int after_ccs = 0, enc = 0;

			for (size_t off = 0; off + 5 <= ex->wire_n[dir];) {
				size_t rl = 5 + ((size_t)w[off + 3] << 8 | w[off + 4]);

				evlog_init(&log);
				ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, w + off, rl, "r");
				{
					struct tlsdecode_rec rc = {
						tls13, SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(ex->c)), 0};

					assert_int_equal(tlsdecode_record(ev, &rc), 0);
				}
				if (tls13)
					assert_int_equal(ev->wire, w[off] == 23 ? WIRE_ENCRYPTED : WIRE_CLEAR);
				else
					assert_int_equal(ev->wire, after_ccs ? WIRE_ENCRYPTED : WIRE_CLEAR);
				enc += ev->wire == WIRE_ENCRYPTED;
				after_ccs |= w[off] == 20;
				evlog_clear(&log);
				off += rl;
			}
			assert_true(enc >= 2); /* Finished and data, at least */
		}
	}
}

/* The key-exchange parts come from the same decode as the fields, and
 * agree with OpenSSL: the randoms, extended master secret, the key shares
 * (TLS 1.3), the ServerKeyExchange's point, params and signature and the
 * ClientKeyExchange's vector (TLS 1.2). */
static void test_keys(void **state)
{
	(void)state;
	for (int mo = 0; mo < M__COUNT; mo++) {
		const struct exchange *ex = &g_ex[mo];
		struct tlsdecode_ctx ctx = ctx_of((enum mode)mo);
		int tls13 = SSL_version(ex->c) == TLS1_3_VERSION;
		uint8_t rnd[32];
		struct tlsdecode_keys k, k2;
		const struct msg *m;
		struct evlog log;
		struct event *ev;
		size_t n;

		/* the ClientHello (the last one after a HelloRetryRequest) */
		m = find_msg(ex, 0, 1, mo == M_HRR ? 1 : 0);
		assert_non_null(m);
		assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
		assert_int_equal(k.type, 1);
		n = SSL_get_client_random(ex->c, rnd, sizeof rnd);
		assert_int_equal(k.random.len, n);
		tu_assert_bytes(m->b + k.random.off, rnd, n, "client random");
		assert_true(k.ems); /* OpenSSL always offers it */
		/* a client capped at TLS 1.2 offers no key shares */
		if (mo == M_TLS13 || mo == M_HRR)
			assert_true(k.nshares >= 1);
		else
			assert_int_equal(k.nshares, 0);
		/* one decode gives the event and the keys alike */
		evlog_init(&log);
		ev = evlog_add(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, m->b, m->n, "x");
		assert_int_equal(tlsdecode_handshake_keys(ev, &ctx, &k2), 0);
		assert_memory_equal(&k, &k2, sizeof k);
		evlog_clear(&log);
		/* the ServerHello */
		m = find_msg(ex, 1, 2, mo == M_HRR ? 1 : 0);
		assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
		assert_false(k.hrr);
		assert_int_equal(k.version, (uint16_t)SSL_version(ex->c));
		n = SSL_get_server_random(ex->c, rnd, sizeof rnd);
		tu_assert_bytes(m->b + k.random.off, rnd, n, "server random");
		assert_int_equal(k.ems, !tls13 && SSL_get_extms_support(ex->c) == 1);
		if (tls13) {
			/* the one share the server chose, in the group OpenSSL says */
			assert_int_equal(k.nshares, 1);
			assert_int_equal(SSL_get_negotiated_group(ex->c), NID_X25519);
			assert_int_equal(k.share[0].group, 0x001d);
			assert_int_equal(k.share[0].key.len, 32);
			assert_true(k.share[0].key.off + k.share[0].key.len <= m->n);
		}
		if (mo == M_HRR) {
			m = find_msg(ex, 1, 2, 0);
			assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
			assert_true(k.hrr);
			assert_int_equal(k.nshares, 0); /* a retry names a group, no key */
		}
		if (mo == M_ECDHE12) {
			EVP_PKEY *tmp = NULL;
			unsigned char *pub = NULL;
			size_t plen;

			m = find_msg(ex, 1, 12, 0);
			assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
			/* the point is the server's ephemeral public key */
			assert_true(SSL_get_peer_tmp_key(ex->c, &tmp) == 1);
			plen = EVP_PKEY_get1_encoded_public_key(tmp, &pub);
			assert_int_equal(k.point.len, plen);
			tu_assert_bytes(m->b + k.point.off, pub, plen, "server point");
			OPENSSL_free(pub);
			EVP_PKEY_free(tmp);
			/* params: curve type (3), group, point; then the signature */
			assert_int_equal(k.params.off, 4);
			assert_int_equal(m->b[4], 3);
			assert_int_equal(k.params.len, 1 + 2 + 1 + k.point.len);
			assert_int_equal(k.group, m->b[5] << 8 | m->b[6]);
			assert_int_equal(k.signature.off + k.signature.len, m->n);
			assert_true(k.sigalg != 0);
			m = find_msg(ex, 0, 16, 0);
			assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
			assert_int_equal(k.point.off, 5); /* header, 1-byte length */
			assert_int_equal(k.point.len, m->n - 5);
		}
		if (mo == M_RSA12) {
			m = find_msg(ex, 0, 16, 0);
			assert_int_equal(tlsdecode_keys(m->b, m->n, &ctx, &k), 0);
			assert_int_equal(k.point.off, 6); /* header, 2-byte length */
			assert_int_equal(k.point.len, (size_t)EVP_PKEY_get_size(g_key));
		}
	}
}

/* tlsdecode_wire: the protocol's rule when the record is not known, the
 * record itself when it is (a TLS 1.3 alert sent before the keys were in
 * use goes in the clear whatever the state says). */
static void test_wire(void **state)
{
	static const struct {
		int ct;                 /* 21 alert, 22 handshake */
		uint8_t first;          /* the handshake type, or the alert level */
		struct tlsdecode_wire w;
		enum wire_protection want;
	} cases[] = {
		{22, 1, {.tls13 = 1}, WIRE_CLEAR},                 /* ClientHello */
		{22, 2, {.tls13 = 1}, WIRE_CLEAR},                 /* ServerHello */
		{22, 8, {.tls13 = 1}, WIRE_ENCRYPTED},             /* EncryptedExtensions */
		{22, 11, {.tls13 = 1}, WIRE_ENCRYPTED},            /* Certificate */
		{22, 11, {.tls13 = 0}, WIRE_CLEAR},
		{22, 16, {.tls13 = 0}, WIRE_CLEAR},                /* ClientKeyExchange */
		{22, 20, {.tls13 = 0}, WIRE_ENCRYPTED},            /* Finished */
		{21, 2, {.tls13 = 0}, WIRE_CLEAR},
		{21, 2, {.tls13 = 0, .after_ccs = 1}, WIRE_ENCRYPTED},
		{21, 2, {.tls13 = 0, .after_server_hello = 1}, WIRE_CLEAR},
		{21, 2, {.tls13 = 1}, WIRE_CLEAR},
		{21, 2, {.tls13 = 1, .after_server_hello = 1}, WIRE_ENCRYPTED},
		/* the record decides when it is known */
		{21, 2, {.tls13 = 1, .after_server_hello = 1, .record_type = 21, .record_len = 2}, WIRE_CLEAR},
		{21, 2, {.tls13 = 1, .record_type = 23, .record_len = 19}, WIRE_ENCRYPTED},
		{21, 2, {.tls13 = 0, .after_ccs = 1, .record_type = 21, .record_len = 2}, WIRE_CLEAR},
		{21, 2, {.tls13 = 0, .record_type = 21, .record_len = 26}, WIRE_ENCRYPTED},
		{22, 8, {.tls13 = 1, .record_type = 23, .record_len = 40}, WIRE_ENCRYPTED},
		{22, 11, {.tls13 = 0, .record_type = 22, .record_len = 900}, WIRE_CLEAR},
		{22, 20, {.tls13 = 0, .record_type = 22, .record_len = 40}, WIRE_ENCRYPTED},
	};
	struct evlog log;

	(void)state;
	evlog_init(&log);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t raw[4] = {cases[i].first, 0, 0, 0};
		struct event *ev = evlog_add(&log, cases[i].ct == 21 ? EV_TLS_ALERT : EV_TLS_HANDSHAKE_UNKNOWN,
					     ACTOR_CLIENT, DIR_C2S, raw, cases[i].ct == 21 ? 2 : 4, "encrypted");

		tlsdecode_wire(ev, cases[i].ct, &cases[i].w);
		if (ev->wire != cases[i].want)
			fail_msg("case %zu: wire %d, want %d", i, ev->wire, cases[i].want);
		assert_non_null(event_find_field(ev, "on_the_wire"));
	}
	/* read from the record, the words give its size and whose keys */
	{
		uint8_t raw[2] = {2, 42};
		struct event *ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, raw, 2, "a");
		struct tlsdecode_wire w = {.tls13 = 1, .after_server_hello = 1, .record_type = 21, .record_len = 2,
					   .received = 1};

		tlsdecode_wire(ev, 21, &w);
		assert_int_equal(ev->wire, WIRE_CLEAR);
		assert_string_equal(val(ev, "on_the_wire"), "in the clear: a 7-byte alert record (type 21, length 2): "
							    "the peer had not switched its write keys yet");
		ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, raw, 2, "a");
		w = (struct tlsdecode_wire){.tls13 = 1, .record_type = 23, .record_len = 19};
		tlsdecode_wire(ev, 21, &w);
		assert_int_equal(ev->wire, WIRE_ENCRYPTED);
		assert_string_equal(val(ev, "on_the_wire"), "encrypted: a 24-byte record that says application_data "
							    "(23); the alert type is inside the encryption (TLS 1.3)");
	}
	evlog_clear(&log);
}

static void test_names(void **state)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	STACK_OF(SSL_CIPHER) *sk;

	(void)state;
	/* every suite a default OpenSSL client offers, and the TLS_RSA AES ones */
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "DEFAULT:AES128-GCM-SHA256:AES256-GCM-SHA384:"
						      "AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256"),
			 1);
	ssl = SSL_new(ctx);
	sk = SSL_get1_supported_ciphers(ssl);
	assert_true(sk_SSL_CIPHER_num(sk) > 20);
	for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		const char *ours = tlsdecode_cipher_name(SSL_CIPHER_get_id(c) & 0xffff);

		if (ours == NULL)
			fail_msg("no name for %s", SSL_CIPHER_standard_name(c));
		assert_string_equal(ours, SSL_CIPHER_standard_name(c));
	}
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	assert_null(tlsdecode_cipher_name(0x1234));
	assert_string_equal(tlsdecode_cipher_name(0x3a3a), "GREASE");
	assert_string_equal(tlsdecode_content_type_name(256), "record header");
	assert_string_equal(tlsdecode_content_type_name(257), "inner content type");
	assert_string_equal(tlsdecode_content_type_name(20), "change_cipher_spec");
	assert_null(tlsdecode_content_type_name(99));
	assert_string_equal(tlsdecode_version_name(0x0301), "TLS 1.0");
	assert_string_equal(tlsdecode_version_name(0x0304), "TLS 1.3");
	assert_string_equal(tlsdecode_version_name(0xfafa), "GREASE");
	assert_null(tlsdecode_version_name(0x0305));
	assert_string_equal(tlsdecode_ext_name(65281), "renegotiation_info");
	assert_null(tlsdecode_ext_name(0x7777));
	assert_string_equal(tlsdecode_group_name(29), "x25519");
	assert_string_equal(tlsdecode_sigalg_name(0x0804), "rsa_pss_rsae_sha256");
	assert_string_equal(tlsdecode_alert_name(48), "unknown_ca");
	assert_string_equal(tlsdecode_handshake_name(16), "ClientKeyExchange");
	assert_int_equal(tlsdecode_handshake_event(1), EV_TLS_CLIENT_HELLO);
	assert_int_equal(tlsdecode_handshake_event(14), EV_TLS_SERVER_HELLO_DONE);
	assert_int_equal(tlsdecode_handshake_event(20), EV_TLS_FINISHED);
	assert_int_equal(tlsdecode_handshake_event(99), EV_TLS_HANDSHAKE_UNKNOWN);
}

/* Append a u16 to a buffer. */
static size_t put16(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}

/* A browser-like ClientHello: GREASE suite, key shares GREASE (1 byte),
 * X25519MLKEM768 (1216 bytes) and x25519 (32), ALPN h2 and http/1.1, an
 * ECH outer extension and compress_certificate brotli.  Its length. */
static size_t browser_hello(uint8_t *b, size_t cap)
{
	size_t o = 4;
	size_t ext_len_at;
	size_t ks_at;

	assert_true(cap > 2000);
	memset(b, 0, cap);
	b[0] = 1;
	o = put16(b, o, 0x0303);
	o += 32;          /* random */
	b[o++] = 0;       /* session id */
	o = put16(b, o, 4);
	o = put16(b, o, 0x2a2a);
	o = put16(b, o, 0x1301);
	b[o++] = 1;
	b[o++] = 0;       /* null compression */
	ext_len_at = o;
	o += 2;
	/* key_share */
	o = put16(b, o, 51);
	ks_at = o;
	o += 4;
	o = put16(b, o, 0xdada);
	o = put16(b, o, 1);
	b[o++] = 0;
	o = put16(b, o, 0x11ec);
	o = put16(b, o, 1216);
	for (int i = 0; i < 1216; i++)
		b[o++] = (uint8_t)i;
	o = put16(b, o, 0x001d);
	o = put16(b, o, 32);
	o += 32;
	put16(b, ks_at, (unsigned)(o - ks_at - 2));
	put16(b, ks_at + 2, (unsigned)(o - ks_at - 4));
	/* ALPN */
	o = put16(b, o, 16);
	o = put16(b, o, 14);
	o = put16(b, o, 12);
	b[o++] = 2;
	memcpy(b + o, "h2", 2);
	o += 2;
	b[o++] = 8;
	memcpy(b + o, "http/1.1", 8);
	o += 8;
	/* encrypted_client_hello: outer, HKDF-SHA256, AES-128-GCM, config 7,
	 * a 32-byte enc and a 16-byte payload */
	o = put16(b, o, 0xfe0d);
	o = put16(b, o, 1 + 4 + 1 + 2 + 32 + 2 + 16);
	b[o++] = 0;
	o = put16(b, o, 1);
	o = put16(b, o, 1);
	b[o++] = 7;
	o = put16(b, o, 32);
	o += 32;
	o = put16(b, o, 16);
	o += 16;
	/* compress_certificate: brotli */
	o = put16(b, o, 27);
	o = put16(b, o, 3);
	b[o++] = 2;
	o = put16(b, o, 2);
	put16(b, ext_len_at, (unsigned)(o - ext_len_at - 2));
	b[1] = (uint8_t)((o - 4) >> 16);
	b[2] = (uint8_t)((o - 4) >> 8);
	b[3] = (uint8_t)(o - 4);
	return o;
}

/* A real browser's hello decodes in full: the hybrid share in its two
 * parts, GREASE named and explained once, ECH and compress_certificate;
 * the ServerHello says which share the server took and why. */
static void test_browser_hello(void **state)
{
	static uint8_t ch[2400];
	size_t n = browser_hello(ch, sizeof ch);
	uint8_t sh[128];
	size_t o = 4;
	struct tlsdecode_ctx ctx = {.tls13 = 1};
	struct evlog log;
	struct event *ev;
	const struct field *f;
	uint16_t groups[8];
	char alpn[64];
	int rc;
	int grease = 0;

	(void)state;
	assert_int_equal(hellopeek_share_groups(ch, n, groups, 8), 3);
	assert_int_equal(groups[1], 0x11ec);
	assert_int_equal(hellopeek_alpn(ch, n, alpn, sizeof alpn), 2);
	assert_string_equal(alpn, "h2, http/1.1");
	assert_int_equal(hellopeek_share_groups(ch, n - 1, groups, 8), 0);
	ev = decode(&log, ch, n, &ctx, &rc);
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < ev->nfields; i++) {
		assert_null(strstr(ev->fields[i].value, "unassigned"));
		assert_null(strstr(ev->fields[i].value, "unknown"));
		grease += strcmp(ev->fields[i].name, "grease") == 0;
	}
	assert_int_equal(grease, 1);
	f = event_find_field(ev, "mlkem768_encapsulation_key");
	assert_non_null(f);
	assert_int_equal(f->length, 1184);
	assert_int_equal(event_find_field(ev, "x25519_public_key")->length, 32);
	assert_int_equal(event_find_field(ev, "x25519_public_key")->offset, f->offset + 1184);
	assert_string_equal(val(ev, "kdf_id"), "HKDF-SHA256 (0x0001)");
	assert_string_equal(val(ev, "aead_id"), "AES-128-GCM (0x0001)");
	assert_string_equal(val(ev, "algorithm"), "brotli (0x0002)");
	assert_non_null(strstr(val(ev, "encrypted_client_hello"), "outer"));
	evlog_clear(&log);
	/* a TLS 1.3 ServerHello with an x25519 share */
	memset(sh, 0, sizeof sh);
	sh[0] = 2;
	o = put16(sh, o, 0x0303);
	o += 32;
	sh[o++] = 0;
	o = put16(sh, o, 0x1301);
	sh[o++] = 0;
	o = put16(sh, o, 6 + 4 + 36); /* supported_versions, key_share */
	o = put16(sh, o, 43);
	o = put16(sh, o, 2);
	o = put16(sh, o, 0x0304);
	o = put16(sh, o, 51);
	o = put16(sh, o, 36);
	o = put16(sh, o, 0x001d);
	o = put16(sh, o, 32);
	o += 32;
	sh[3] = (uint8_t)(o - 4);
	ctx.client_hello = ch;
	ctx.client_hello_len = n;
	ctx.server_local = 1;
	ev = decode(&log, sh, o, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(val(ev, "choice"), "the server chose x25519 (0x001d), the client's share number 2 "
					       "(of X25519MLKEM768, x25519), passing over X25519MLKEM768, the "
					       "client's first choice");
	if (tlsdecode_openssl_has_group("X25519MLKEM768"))
		assert_null(event_find_field(ev, "why"));
	else
		assert_non_null(strstr(val(ev, "why"), "which does not implement X25519MLKEM768"));
	evlog_clear(&log);
	/* without the ClientHello nothing is claimed */
	ctx.client_hello = NULL;
	ev = decode(&log, sh, o, &ctx, &rc);
	assert_null(event_find_field(ev, "choice"));
	evlog_clear(&log);
}

/* A hand-made ClientHello with an unknown suite, an unknown extension and a
 * hostile host name. */
static void test_unknown_values(void **state)
{
	const uint8_t ch[] = {
		1, 0, 0, 63, 3, 3, /* ClientHello, length, legacy_version */
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
		22, 23, 24, 25, 26, 27, 28, 29, 30, 31, /* random */
		0, 0, 4, 0x12, 0x34, 0x0a, 0x0a, 1, 0, /* no session id, 2 suites, null */
		0, 18, 0x77, 0x77, 0, 2, 0xab, 0xcd, /* unknown extension */
		0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', 0x1b, 'b', /* SNI "a\x1bb" */
	};
	struct tlsdecode_ctx ctx = {0};
	struct evlog log;
	struct event *ev;
	char line[128];
	int rc;

	(void)state;
	ev = decode(&log, ch, sizeof ch, &ctx, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(val(ev, "cipher_suite"), "unassigned (0x1234)");
	assert_string_equal(ev->fields[event_find_field(ev, "cipher_suite") - ev->fields + 1].value,
			    "GREASE (0x0a0a)");
	assert_string_equal(val(ev, "extension"), "unassigned (0x7777)");
	assert_string_equal(val(ev, "extension_data"), "abcd");
	assert_string_equal(val(ev, "host_name"), "a\\x1bb");
	assert_string_equal(val(ev, "cipher_suites"), "1 suite + GREASE (not suites, RFC 8701)");
	evlog_clear(&log);
	{
		/* a ServerHello choosing that suite: its rank in the offer
		 * counts real suites only */
		uint8_t sh[4 + 2 + 32 + 1 + 2 + 1] = {2, 0, 0, 38, 3, 3};

		sh[4 + 2 + 32 + 1] = 0x12;
		sh[4 + 2 + 32 + 2] = 0x34;
		evlog_init(&log);
		ev = evlog_add(&log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, sh, sizeof sh, "sh");
		assert_int_equal(tlsdecode_offer_rank(ev, ch, sizeof ch), 0);
		assert_string_equal(val(ev, "client_rank"), "number 1 of the client's 1 suite: the client's first choice");
		ev->raw[4 + 2 + 32 + 2] = 0x35; /* not offered */
		assert_int_equal(tlsdecode_offer_rank(ev, ch, sizeof ch), -1);
		assert_int_equal(tlsdecode_offer_rank(ev, ch, 20), -1);
		evlog_clear(&log);
	}
	assert_int_equal(tlsdecode_summary(ch, sizeof ch, &ctx, line, sizeof line), 0);
	/* GREASE is not a suite (RFC 8701) */
	assert_string_equal(line, "ClientHello TLS 1.2, 1 suite, SNI a\\x1bb");
	assert_null(strchr(line, 0x1b));
	/* a short buffer is cut, still terminated */
	assert_int_equal(tlsdecode_summary(ch, sizeof ch, &ctx, line, 12), 0);
	assert_string_equal(line, "ClientHello");
}

/* Every captured message and record, at every prefix length: -1 with an
 * error, never a read outside (ASan run), and 0 only when whole. */
static void test_truncated(void **state)
{
	(void)state;
	for (int mo = 0; mo < M__COUNT; mo++) {
		const struct exchange *ex = &g_ex[mo];
		struct tlsdecode_ctx ctx = ctx_of((enum mode)mo);

		for (size_t i = 0; i < ex->nm; i++) {
			const struct msg *m = &ex->m[i];

			if (m->content_type != 22)
				continue;
			for (size_t n = 0; n <= m->n; n++) {
				struct evlog log;
				char line[160];
				int rc;

				decode(&log, m->b, n, &ctx, &rc);
				evlog_clear(&log);
				if (rc != (n == m->n ? 0 : -1))
					fail_msg("message type %u cut at %zu of %zu: rc %d", m->b[0],
						 n, m->n, rc);
				assert_int_equal(tlsdecode_summary(m->b, n, &ctx, line, sizeof line),
						 rc);
				if (rc < 0)
					assert_non_null(strstr(line, "malformed"));
			}
		}
		for (int dir = 0; dir < 2; dir++) {
			const uint8_t *w = ex->wire[dir];

			for (size_t off = 0; off + 5 <= ex->wire_n[dir];) {
				size_t rl = 5 + ((size_t)w[off + 3] << 8 | w[off + 4]);

				for (size_t n = 0; n < rl; n++) {
					struct evlog log;
					struct event *ev;
					int rc;

					evlog_init(&log);
					ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT,
						       DIR_C2S, w + off, n, "r");
					struct tlsdecode_rec rec = {ctx.tls13, 0x1301, 0};

					if (!ctx.tls13)
						rec.suite = 0x009c;
					rc = tlsdecode_record(ev, &rec);
					check_fields(ev, rc);
					/* a lone 5-byte header is OpenSSL's record-header event */
					assert_int_equal(rc, n == 5 ? 0 : -1);
					evlog_clear(&log);
				}
				off += rl;
			}
		}
	}
}

static uint32_t rng = 0x2545f491u;

static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Random byte flips and every byte set to 0xff (lengths too long): the
 * decoders return 0 or -1, every field stays inside raw. */
static void test_corrupted(void **state)
{
	const struct msg *ch = find_msg(&g_ex[M_RSA12], 0, 1, 0);
	struct tlsdecode_ctx ctx12 = {0};
	struct evlog log;
	struct event *ev;
	uint8_t *copy;
	size_t at;
	int rc;

	(void)state;
	for (int mo = 0; mo < M__COUNT; mo++) {
		const struct exchange *ex = &g_ex[mo];
		struct tlsdecode_ctx ctx = ctx_of((enum mode)mo);

		for (size_t i = 0; i < ex->nm; i++) {
			const struct msg *m = &ex->m[i];

			copy = malloc(m->n);
			for (int k = 0; k < 300; k++) {
				memcpy(copy, m->b, m->n);
				for (uint32_t f = xorshift() % 4 + 1; f > 0; f--)
					copy[xorshift() % m->n] ^= (uint8_t)(1u << (xorshift() % 8));
				evlog_init(&log);
				ev = evlog_add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, DIR_C2S, copy, m->n,
					       "x");
				if (m->content_type == 22)
					rc = tlsdecode_handshake(ev, &ctx);
				else if (m->content_type == 21)
					rc = tlsdecode_alert(ev);
				else
					rc = tlsdecode_ccs(ev);
				check_fields(ev, rc);
				evlog_clear(&log);
			}
			for (size_t j = 0; j < m->n && m->content_type == 22; j++) {
				memcpy(copy, m->b, m->n);
				copy[j] = 0xff;
				ev = decode(&log, copy, m->n, &ctx, &rc);
				evlog_clear(&log);
			}
			free(copy);
		}
	}
	/* the cipher_suites length made too long is named in the error */
	copy = malloc(ch->n);
	memcpy(copy, ch->b, ch->n);
	at = 4 + 2 + 32 + 1 + copy[4 + 2 + 32];
	copy[at] = 0xff;
	copy[at + 1] = 0xff;
	ev = decode(&log, copy, ch->n, &ctx12, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(val(ev, "error"), "cipher_suites: length 65535 runs past the end"));
	evlog_clear(&log);
	free(copy);
}

/* An encrypted fragment is taken apart by the suite's own layout, and a
 * suite httpsviz does not decode is said so, never read as AES-GCM. */
static void test_record_layouts(void **state)
{
	uint8_t rec[5 + 64] = {23, 3, 3, 0, 64};
	struct {
		struct tlsdecode_rec rc;
		const char *has, *lacks;
		int rc_want;
	} cases[] = {
		{{0, 0x009c, 0}, "explicit_nonce", "iv", 0},
		{{0, 0xcca8, 0}, "tag", "explicit_nonce", 0},
		{{0, 0x002f, 0}, "iv", "tag", 0},          /* MtE: IV + 48 encrypted bytes */
		{{0, 0x002f, 1}, "error", "mac", -1},      /* EtM: 64 - IV - HMAC is not whole blocks */
		{{0, 0x003c, 1}, "mac", "tag", 0},         /* EtM: IV + 16 + 32-byte HMAC */
		{{1, 0x1303, 0}, "encrypted_record", "explicit_nonce", 0},
		{{0, 0xc0ad, 0}, "encrypted_fragment", "tag", 0}, /* AES-CCM: not decoded */
		{{0, 0, 0}, "encrypted_fragment", "explicit_nonce", 0},
		{{1, 0x009c, 0}, "encrypted_fragment", "tag", 0},  /* a 1.2 suite in a 1.3 record */
	};

	(void)state;
	for (size_t i = 0; i < 64; i++)
		rec[5 + i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct evlog log;
		struct event *ev;

		evlog_init(&log);
		ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, rec, sizeof rec, "r");
		if (tlsdecode_record(ev, &cases[i].rc) != cases[i].rc_want)
			fail_msg("case %zu: rc is not %d", i, cases[i].rc_want);
		check_fields(ev, cases[i].rc_want);
		if (event_find_field(ev, cases[i].has) == NULL || event_find_field(ev, cases[i].lacks) != NULL)
			fail_msg("case %zu: want %s, not %s", i, cases[i].has, cases[i].lacks);
		if (cases[i].rc.suite == 0xc0ad)
			assert_non_null(strstr(val(ev, "encrypted_fragment"), "does not decode"));
		if (cases[i].rc.suite == 0x002f && !cases[i].rc.etm) {
			assert_int_equal(event_find_field(ev, "iv")->length, 16);
			assert_int_equal(event_find_field(ev, "ciphertext")->length, 48);
			assert_non_null(strstr(val(ev, "protection"), "MAC-then-encrypt"));
		}
		if (cases[i].rc.suite == 0xcca8)
			assert_int_equal(event_find_field(ev, "ciphertext")->length, 48);
		if (cases[i].rc.suite == 0x003c)
			assert_int_equal(event_find_field(ev, "mac")->length, 32);
		evlog_clear(&log);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_layouts),
		cmocka_unit_test(test_tls12_rsa),
		cmocka_unit_test(test_tls12_ecdhe),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_downgrade_and_hrr),
		cmocka_unit_test(test_ccs_alert),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unknown_values),
		cmocka_unit_test(test_browser_hello),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
	};

	return cmocka_run_group_tests_name("tlsdecode", tests, setup, teardown);
}
