#include "protocol/kexview.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "protocol/iana.h"
#include "protocol/keysched.h"
#include "protocol/recordcrypt.h"
#include "protocol/tlsdecode.h"

/* KX_DHE: finite-field DHE; its shared secret is not observable here, so
 * the chain starts at OpenSSL's master secret. */
enum kx { KX_RSA, KX_ECDHE, KX_DHE, KX_TLS13 };

/* What the views need to know of a cipher suite. */
struct suite {
	uint16_t id;         /* its name is the registry's: iana_name(IANA_CIPHER_SUITE, id) */
	enum kx kx;
	const char *digest;  /* PRF hash (TLS 1.2) or suite hash (TLS 1.3) */
	const char *cipher;  /* for the function texts */
	size_t mac_len;      /* 0 for AEAD */
	size_t key_len;
	size_t iv_len;       /* TLS 1.2: fixed_iv_length of the key block */
};

/* CBC suites have no IV in the TLS 1.2 key block: each record carries an
 * explicit IV (RFC 5246 section 6.3). */
static const struct suite suites[] = {
	{0x009c, KX_RSA, "SHA256", "AES-128-GCM", 0, 16, 4},
	{0x009d, KX_RSA, "SHA384", "AES-256-GCM", 0, 32, 4},
	{0xc02f, KX_ECDHE, "SHA256", "AES-128-GCM", 0, 16, 4},
	{0xc030, KX_ECDHE, "SHA384", "AES-256-GCM", 0, 32, 4},
	{0xc02b, KX_ECDHE, "SHA256", "AES-128-GCM", 0, 16, 4},
	{0xc02c, KX_ECDHE, "SHA384", "AES-256-GCM", 0, 32, 4},
	{0x002f, KX_RSA, "SHA256", "AES-128-CBC", 20, 16, 0},
	{0x0035, KX_RSA, "SHA256", "AES-256-CBC", 20, 32, 0},
	{0x003c, KX_RSA, "SHA256", "AES-128-CBC", 32, 16, 0},
	{0x003d, KX_RSA, "SHA256", "AES-256-CBC", 32, 32, 0},
	{0xc013, KX_ECDHE, "SHA256", "AES-128-CBC", 20, 16, 0},
	{0xc014, KX_ECDHE, "SHA256", "AES-256-CBC", 20, 32, 0},
	{0xc009, KX_ECDHE, "SHA256", "AES-128-CBC", 20, 16, 0},
	{0xc00a, KX_ECDHE, "SHA256", "AES-256-CBC", 20, 32, 0},
	{0xc023, KX_ECDHE, "SHA256", "AES-128-CBC", 32, 16, 0},
	{0xc024, KX_ECDHE, "SHA384", "AES-256-CBC", 48, 32, 0},
	{0xc027, KX_ECDHE, "SHA256", "AES-128-CBC", 32, 16, 0},
	{0xc028, KX_ECDHE, "SHA384", "AES-256-CBC", 48, 32, 0},
	{0x009e, KX_DHE, "SHA256", "AES-128-GCM", 0, 16, 4},
	{0x009f, KX_DHE, "SHA384", "AES-256-GCM", 0, 32, 4},
	{0x0033, KX_DHE, "SHA256", "AES-128-CBC", 20, 16, 0},
	{0x0039, KX_DHE, "SHA256", "AES-256-CBC", 20, 32, 0},
	{0x0067, KX_DHE, "SHA256", "AES-128-CBC", 32, 16, 0},
	{0x006b, KX_DHE, "SHA256", "AES-256-CBC", 32, 32, 0},
	{0xccaa, KX_DHE, "SHA256", "ChaCha20-Poly1305", 0, 32, 12},
	{0xcca8, KX_ECDHE, "SHA256", "ChaCha20-Poly1305", 0, 32, 12},
	{0xcca9, KX_ECDHE, "SHA256", "ChaCha20-Poly1305", 0, 32, 12},
	{0x1301, KX_TLS13, "SHA256", "AES-128-GCM", 0, 16, 12},
	{0x1302, KX_TLS13, "SHA384", "AES-256-GCM", 0, 32, 12},
	{0x1303, KX_TLS13, "SHA256", "ChaCha20-Poly1305", 0, 32, 12},
};

/* A handshake message of the transcript, located. */
struct msgref {
	long idx;            /* index in cap->msgs, -1 when absent */
	const uint8_t *body; /* after the 4-byte header */
	size_t blen;
	const struct tlsdecode_keys *keys; /* its key-exchange parts (tlsdecode's
					    * one decode), or NULL */
};

/* Everything a view looks up, found once per call. */
struct kv {
	struct evlog *log;
	struct capture *cap;
	const struct suite *suite;
	const uint8_t *crand, *srand;
	struct msgref ch, sh, ske, cke, cfin, sfin;
	size_t hash_len;
	int ems;             /* extended_master_secret in both Hellos */
	enum actor actor;    /* the lifeline that does the work */
	int server_side;     /* it is the server (or the interceptor facing the client) */
	struct tlsdecode_ctx ctx; /* how the messages read (for their one decode) */
	int etm;             /* encrypt_then_mac in the ServerHello (CBC records) */
	const char *srv;     /* who plays the server: "server", or "interceptor" (mitm) */
};

/* Hex text of a value, shortened past 64 bytes. */
struct hexbuf {
	char s[200];
};


/* Format bytes as hex: whole up to 64 bytes, else the first 16 and the size. */
static const char *hx(struct hexbuf *h, const uint8_t *p, size_t n)
{
	size_t shown = n > 64 ? 16 : n;
	size_t o = 0;

	for (size_t i = 0; i < shown; i++, o += 2) {
		h->s[o] = "0123456789abcdef"[p[i] >> 4];
		h->s[o + 1] = "0123456789abcdef"[p[i] & 15];
	}
	h->s[o] = '\0';
	if (shown < n)
		snprintf(h->s + o, sizeof h->s - o, "... (%zu bytes)", n);
	return h->s;
}

static const struct suite *suite_by_id(uint16_t id)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

/* The group's registry name (protocol/iana.c). */
static const char *group_name(uint16_t id)
{
	const char *n = iana_name(IANA_GROUP, id);

	return n != NULL ? n : "unassigned group";
}

/* What (EC)DH computes for a group, for the function texts: X25519/X448
 * give the function's output, the NIST curves the x-coordinate of the
 * shared point (RFC 8422 section 5.10, RFC 8446 section 7.4.2). */
static const char *dh_function(uint16_t group)
{
	if (group == 0x001d)
		return "X25519";
	if (group == 0x001e)
		return "X448";
	return "ECDH";
}

static const char *dh_output(uint16_t group)
{
	if (group == 0x001d || group == 0x001e)
		return "the output of the X25519/X448 function itself (RFC 7748 section 6)";
	return "the x-coordinate of the shared point";
}

/* Locate the first message of this type sent by sender. */
static struct msgref find_msg(const struct capture *cap, enum actor sender, uint8_t type)
{
	struct msgref m = {-1, NULL, 0, NULL};

	for (size_t i = 0; i < cap->nmsgs; i++) {
		const struct capture_msg *cm = &cap->msgs[i];

		if (cm->sender != sender || cm->len < 4 || cap->transcript.p[cm->off] != type)
			continue;
		m.idx = (long)i;
		m.body = cap->transcript.p + cm->off + 4;
		m.blen = cm->len - 4;
		break;
	}
	return m;
}

/* Where message idx starts (before) or ends (after) in the transcript. */
static size_t msg_start(const struct capture *cap, long idx)
{
	return cap->msgs[idx].off;
}

static size_t msg_end(const struct capture *cap, long idx)
{
	return cap->msgs[idx].off + cap->msgs[idx].len;
}

/* Hash of the transcript's first len bytes; 0 on success. */
static int hash_prefix(const struct kv *k, size_t len, uint8_t *out, size_t *outlen)
{
	*outlen = KEYSCHED_MAX_HASH;
	return keysched_session_hash(k->suite->digest, k->cap->transcript.p, len, out, outlen);
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && alen > 0 && CRYPTO_memcmp(a, b, alen) == 0;
}

/* Add a comparison field: OpenSSL's value and where it comes from; on a
 * mismatch both values as children. */
static void cmp_field(struct event *ev, const char *name, const char *source, const uint8_t *mine,
		      size_t mlen, const uint8_t *ref, size_t rlen)
{
	struct hexbuf a;
	struct hexbuf b;
	int eq = same(mine, mlen, ref, rlen);

	event_field(ev, 0, name, 0, 0, "%s (%s): %s", hx(&b, ref, rlen), source,
		    eq ? "equal to the recomputed value" : "DIFFERENT from the recomputed value");
	if (eq)
		return;
	event_field(ev, 1, "recomputed", 0, 0, "%s", hx(&a, mine, mlen));
	event_field(ev, 1, "openssl", 0, 0, "%s", hx(&b, ref, rlen));
}

/* Set the event's verdict and its "verified" field. */
static void set_verified(struct event *ev, int ok)
{
	ev->verified = ok ? 1 : 0;
	event_field(ev, 0, "verified", 0, 0, "%s", ok ? "true" : "false");
}

static const char *matches(int ok)
{
	return ok ? "matches OpenSSL" : "DIFFERS from OpenSSL";
}

/* ------------------------------------------------------------ TLS 1.2 */

/* A part of a decoded message: its bytes, or NULL when the message or
 * the part is absent. */
static const uint8_t *part(const struct msgref *m, struct tlsdecode_span sp, size_t *len)
{
	*len = sp.len;
	if (m->keys == NULL || sp.len == 0)
		return NULL;
	return m->body - 4 + sp.off;
}

/* The client's ClientKeyExchange for RSA: its EncryptedPreMasterSecret. */
static int cke_rsa(const struct kv *k, const uint8_t **enc, size_t *enclen)
{
	*enc = part(&k->cke, k->cke.keys != NULL ? k->cke.keys->point : (struct tlsdecode_span){0, 0}, enclen);
	return *enc != NULL ? 0 : -1;
}

/* The ServerKeyExchange of ECDHE (RFC 8422 section 5.4), as tlsdecode
 * found it. */
struct ske {
	uint16_t group;
	const uint8_t *point;
	size_t plen;
	const uint8_t *params; /* curve type .. point: what the signature covers */
	size_t params_len;
	uint16_t sigalg;
	const uint8_t *sig;
	size_t siglen;
};

static int parse_ske(const struct kv *k, struct ske *s)
{
	const struct tlsdecode_keys *x = k->ske.keys;

	if (x == NULL)
		return -1;
	s->group = x->group;
	s->point = part(&k->ske, x->point, &s->plen);
	s->params = part(&k->ske, x->params, &s->params_len);
	s->sigalg = x->sigalg;
	s->sig = part(&k->ske, x->signature, &s->siglen);
	return s->point != NULL && s->params != NULL && s->sig != NULL ? 0 : -1;
}

/* The client's ephemeral public point from an ECDHE ClientKeyExchange. */
static int cke_point(const struct kv *k, const uint8_t **pt, size_t *plen)
{
	return cke_rsa(k, pt, plen); /* the same place: the message's one vector */
}

/* Does the server's ephemeral key (SSL_get_tmp_key) have this public value? */
static int tmp_key_is(const struct capture *cap, const uint8_t *pub, size_t plen)
{
	unsigned char *enc = NULL;
	size_t n;
	int eq;

	if (cap->server_tmp_key == NULL)
		return 0;
	n = EVP_PKEY_get1_encoded_public_key(cap->server_tmp_key, &enc);
	eq = n > 0 && same(enc, n, pub, plen);
	OPENSSL_free(enc);
	return eq;
}

/* keysched_ecdh with the server's ephemeral key and the peer's share, once
 * per exchange: the views that need the shared secret again (the TLS 1.3
 * key shares, then each stage of keys) get the capture's copy. */
static int shared_secret(const struct kv *k, const uint8_t *peer, size_t plen, int nid, uint8_t *out,
			 size_t *outlen)
{
	struct capture *cap = k->cap;
	int same_input = cap->ecdh.state != 0 && cap->ecdh.nid == nid && cap->ecdh.peer_len == plen &&
			 memcmp(cap->ecdh.peer, peer, plen) == 0;

	if (!same_input) {
		if (plen > sizeof cap->ecdh.peer)
			return keysched_ecdh(cap->server_tmp_key, peer, plen, nid, out, outlen);
		cap->ecdh.len = sizeof cap->ecdh.secret;
		cap->ecdh.state = keysched_ecdh(cap->server_tmp_key, peer, plen, nid, cap->ecdh.secret,
						&cap->ecdh.len) == 0 ? 1 : -1;
		cap->ecdh.nid = nid;
		memcpy(cap->ecdh.peer, peer, plen);
		cap->ecdh.peer_len = plen;
	}
	if (cap->ecdh.state < 0 || cap->ecdh.len > *outlen)
		return -1;
	memcpy(out, cap->ecdh.secret, cap->ecdh.len);
	*outlen = cap->ecdh.len;
	return 0;
}

/* The ECDHE shared secret from the server's ephemeral private key and the
 * client's point (the client gets the same from its own private key and the
 * server's point).  0 on success. */
static int ecdhe12_shared(const struct kv *k, uint8_t *out, size_t *outlen)
{
	struct ske s;
	const uint8_t *pt;
	size_t plen;
	int nid;

	if (k->ske.idx < 0 || k->cke.idx < 0 || k->cap->server_tmp_key == NULL || parse_ske(k, &s) < 0 ||
	    cke_point(k, &pt, &plen) < 0)
		return -1;
	nid = keysched_group_nid(s.group);
	if (nid == 0 || !tmp_key_is(k->cap, s.point, s.plen))
		return -1;
	return shared_secret(k, pt, plen, nid, out, outlen);
}

/* The pre-master secret as far as it is observable: the client's keylog
 * (RSA) or the recomputed ECDHE shared secret.  0 on success. */
static int get_pms(const struct kv *k, uint8_t *pms, size_t *len, const char **source)
{
	const struct capture_secret *s;

	if (k->suite->kx == KX_RSA) {
		s = capture_find_secret(k->cap, ACTOR_CLIENT, "RSA");
		if (s == NULL || s->secret_len == 0 || s->secret_len > *len)
			return -1;
		memcpy(pms, s->secret, s->secret_len);
		*len = s->secret_len;
		*source = "the client's, from OpenSSL's keylog (RSA line)";
		return 0;
	}
	if (k->suite->kx != KX_ECDHE)
		return -1;
	*source = "the ECDHE shared secret recomputed by httpsviz (kex.ecdhe)";
	return ecdhe12_shared(k, pms, len);
}

/* The master secret recomputed from the pre-master secret, with the seed
 * extended master secret or the classic randoms call for; the EMS session
 * hash goes to hash/hlen.  0 on success. */
static int derive_master(const struct kv *k, const uint8_t *pms, size_t pmslen, uint8_t ms[48],
			 uint8_t *hash, size_t *hlen)
{
	*hlen = 0;
	if (!k->ems)
		return keysched_master_secret(k->suite->digest, pms, pmslen, k->crand, k->srand, ms);
	if (hash_prefix(k, msg_end(k->cap, k->cke.idx), hash, hlen) < 0)
		return -1;
	return keysched_ems_master_secret(k->suite->digest, pms, pmslen, hash, *hlen, ms);
}

/* httpsviz's own master secret, or OpenSSL's where the pre-master secret is
 * not observable (*own says which).  0 on success. */
static int my_master(const struct kv *k, uint8_t ms[48], int *own)
{
	uint8_t pms[128];
	size_t pmslen = sizeof pms;
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen;
	const char *src;

	*own = 0;
	if (k->cke.idx >= 0 && get_pms(k, pms, &pmslen, &src) == 0 &&
	    derive_master(k, pms, pmslen, ms, hash, &hlen) == 0) {
		*own = 1;
		OPENSSL_cleanse(pms, sizeof pms);
		return 0;
	}
	if (k->cap->master_len != 48)
		return -1;
	memcpy(ms, k->cap->master, 48);
	return 0;
}

/* kex.pre_master: the 48 bytes the client made and their encrypted form. */
static void view_pre_master(struct kv *k)
{
	const struct capture_secret *s = capture_find_secret(k->cap, ACTOR_CLIENT, "RSA");
	const uint8_t *enc;
	size_t enclen;
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (s == NULL || k->cke.idx < 0 || cke_rsa(k, &enc, &enclen) < 0 || s->secret_len < 2)
		return;
	ok = s->secret_len == 48 && s->first_len == 8 && same(enc, enclen < 8 ? enclen : 8, s->first, 8);
	ev = evlog_add(k->log, EV_KEX_PRE_MASTER, k->actor, DIR_LOCAL, s->secret, s->secret_len,
		       "pre-master secret: %zu bytes (%02x %02x + %zu random), RSA-encrypted in the "
		       "ClientKeyExchange: %s",
		       s->secret_len, s->secret[0], s->secret[1], s->secret_len - 2,
		       ok ? "its first 8 bytes match OpenSSL's keylog" : "DIFFERS from OpenSSL's keylog");
	if (ev == NULL)
		return;
	event_field_hex(ev, 0, "pre_master_secret", 0, s->secret_len, 0);
	event_field(ev, 1, "client_version", 0, 2, "%02x%02x: the version the client offered in its ClientHello",
		    s->secret[0], s->secret[1]);
	event_field_hex(ev, 1, "random", 2, s->secret_len - 2, 0);
	event_field(ev, 0, "source", 0, 0, "OpenSSL keylog callback: RSA <first 8 bytes encrypted> <pre-master>");
	event_field(ev, 0, "function", 0, 0,
		    "RSAES-PKCS1-v1_5-Encrypt(public key of the server's certificate, pre_master_secret)");
	event_field(ev, 0, "encrypted_pre_master", 0, 0, "%s (in the ClientKeyExchange: as long as the RSA modulus)",
		    hx(&h, enc, enclen));
	event_field(ev, 0, "encrypted_prefix", 0, 0, "%s (first 8 bytes of the ClientKeyExchange's)",
		    hx(&h, enc, enclen < 8 ? enclen : 8));
	cmp_field(ev, "openssl_value", "first 8 bytes of the encrypted pre-master, from OpenSSL's keylog",
		  enc, enclen < 8 ? enclen : 8, s->first, s->first_len);
	event_field(ev, 0, "why", 0, 0,
		    "RSA encryption is randomised (PKCS#1 v1.5 padding), so the ciphertext cannot be recomputed to "
		    "compare; only the holder of the private key can get the 48 bytes back; the server's decryption "
		    "is shown on its side");
	if (k->cap->server_key == NULL)
		event_field(ev, 0, "server_side", 0, 0,
			    "not observable: the server's private key is not ours, so its decryption cannot be shown");
	set_verified(ev, ok);
}

/* kex.rsa_decrypt: the server recovers the pre-master secret. */
static void view_rsa_decrypt(struct kv *k)
{
	const struct capture_secret *s = capture_find_secret(k->cap, ACTOR_CLIENT, "RSA");
	const uint8_t *enc;
	size_t enclen;
	uint8_t out[64];
	size_t outlen = sizeof out;
	uint8_t ms[48] = {0};
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (k->cap->server_key == NULL || k->cke.idx < 0 || cke_rsa(k, &enc, &enclen) < 0)
		return;
	if (keysched_rsa_decrypt_pms(k->cap->server_key, enc, enclen, out, &outlen) < 0)
		outlen = 0;
	if (s != NULL) {
		ok = same(out, outlen, s->secret, s->secret_len);
	} else {
		/* serve: the client's keylog is on another machine; the master
		 * secret derived from what the server decrypted must equal the
		 * one OpenSSL's server uses */
		uint8_t hash[KEYSCHED_MAX_HASH];
		size_t hlen;

		ok = outlen > 0 && k->cap->master_len == 48 &&
		     derive_master(k, out, outlen, ms, hash, &hlen) == 0 && same(ms, 48, k->cap->master, 48);
	}
	ev = evlog_add(k->log, EV_KEX_RSA_DECRYPT, k->actor, DIR_LOCAL, out, outlen,
		       "RSA decrypt: the server recovers the %zu-byte pre-master secret with its private key: %s",
		       outlen,
		       s != NULL ? (ok ? "equal to the client's" : "DIFFERENT from the client's")
				 : (ok ? "the master secret derived from it equals OpenSSL's"
				       : "the master secret derived from it DIFFERS from OpenSSL's"));
	OPENSSL_cleanse(out, sizeof out);
	if (ev == NULL)
		return;
	event_field(ev, 0, "encrypted_pre_master", 0, 0, "%s (from the ClientKeyExchange)", hx(&h, enc, enclen));
	event_field(ev, 0, "function", 0, 0,
		    "RSAES-PKCS1-v1_5-Decrypt(server's private key (RSA-%d), encrypted_pre_master)",
		    EVP_PKEY_get_bits(k->cap->server_key));
	if (outlen > 0)
		event_field_hex(ev, 0, "pre_master_secret", 0, outlen, 0);
	else
		event_field(ev, 0, "pre_master_secret", 0, 0, "(decryption failed)");
	if (s != NULL)
		cmp_field(ev, "openssl_value", "the client's pre-master secret, from OpenSSL's keylog", ev->raw,
			  ev->raw_len, s->secret, s->secret_len);
	else if (k->cap->master_len == 48)
		cmp_field(ev, "openssl_value",
			  "the client's pre-master secret is not observable here (its keylog is on the client's "
			  "machine); compared instead: the master secret derived from the decrypted value with "
			  "OpenSSL's server master secret",
			  ms, 48, k->cap->master, 48);
	else
		event_field(ev, 0, "openssl_value", 0, 0, "(no keylog RSA line from the client)");
	OPENSSL_cleanse(ms, sizeof ms);
	event_field(ev, 0, "note", 0, 0,
		    "a server whose decryption fails carries on with a random pre-master secret, so the "
		    "handshake fails later without saying why (RFC 5246 section 7.4.7.1, against Bleichenbacher's "
		    "attack)");
	set_verified(ev, ok);
}

/* The name of a TLS SignatureScheme, for the texts (the registry's). */
static const char *sigalg_name(uint16_t id)
{
	const char *n = iana_name(IANA_SIGSCHEME, id);

	return n != NULL ? n : "unassigned scheme";
}

/* The common part of both signature checks (kex.signature): the scheme,
 * the signature, the key, why it matters, the result, OpenSSL's word. */
static void signature_tail(struct event *ev, EVP_PKEY *key, uint16_t sigalg, const uint8_t *sig, size_t siglen,
			   int ok, const char *why)
{
	struct hexbuf h;

	event_field(ev, 0, "signature_algorithm", 0, 0, "%s (0x%04x)", sigalg_name(sigalg), sigalg);
	event_field(ev, 0, "signature", 0, 0, "%s (%zu bytes)", hx(&h, sig, siglen), siglen);
	event_field(ev, 0, "public_key", 0, 0, "the server certificate's (%s, %d bits): only the holder of its "
		    "private key can make this signature", EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key));
	event_field(ev, 0, "function", 0, 0, "Verify(certificate public key, %s, signed_content, signature)",
		    sigalg_name(sigalg));
	event_field(ev, 0, "why", 0, 0, "%s", why);
	event_field(ev, 0, "result", 0, 0, "%s", ok ? "valid" : "INVALID");
	event_field(ev, 0, "openssl_value", 0, 0, "%s",
		    ok ? "OpenSSL accepted it too: it checks the same signature while processing the message, and "
			 "stops the handshake with decrypt_error when it fails"
		       : "httpsviz finds it INVALID although OpenSSL went on");
	set_verified(ev, ok);
}

/* kex.signature (TLS 1.2 ECDHE): the client checks the ServerKeyExchange's
 * signature with the certificate's public key, as it processes it. */
static void view_ske_signature(struct kv *k)
{
	struct capture *cap = k->cap;
	struct ske s;
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (k->ske.idx < 0 || parse_ske(k, &s) < 0 || cap->server_cert_key == NULL)
		return;
	ok = keysched_verify_ske_signature(cap->server_cert_key, s.sigalg, k->crand, k->srand, s.params,
					   s.params_len, s.sig, s.siglen) == 0;
	ev = evlog_add(k->log, EV_KEX_SIGNATURE, k->actor, DIR_LOCAL, s.sig, s.siglen,
		       "ServerKeyExchange signature (%s) checked with the certificate's public key: %s",
		       sigalg_name(s.sigalg), ok ? "valid" : "INVALID");
	if (ev == NULL)
		return;
	event_field(ev, 0, "message", 0, 0, "ServerKeyExchange (TLS 1.2, ECDHE)");
	event_field(ev, 0, "signed_content", 0, 0,
		    "client_random + server_random + ServerECDHParams: %zu bytes (RFC 8422 section 5.4)",
		    64 + s.params_len);
	event_field(ev, 1, "client_random", 0, 0, "%s", hx(&h, k->crand, 32));
	event_field(ev, 1, "server_random", 0, 0, "%s", hx(&h, k->srand, 32));
	event_field(ev, 1, "server_params", 0, 0, "%s (curve type 3 = named_curve, group %s, the server's "
		    "ephemeral public key)", hx(&h, s.params, s.params_len), group_name(s.group));
	signature_tail(ev, cap->server_cert_key, s.sigalg, s.sig, s.siglen, ok,
		       "the randoms tie the signature to this handshake (no replay of an old key); without it an "
		       "attacker could swap in its own ephemeral key (RSA key exchange has no such signature: the "
		       "certificate's key itself encrypts the pre-master secret)");
}

/* kex.ecdhe (TLS 1.2): the shared secret, on the side computing it: the
 * client as it builds its ClientKeyExchange (its private key stays inside
 * OpenSSL: httpsviz recomputes it from the server's side where the embedded
 * server's ephemeral key is known), the server as it processes it. */
static void view_ecdhe12(struct kv *k)
{
	struct capture *cap = k->cap;
	struct ske s;
	const uint8_t *cpt;
	size_t cplen;
	uint8_t shared[128];
	size_t shlen = sizeof shared;
	uint8_t ms[48];
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen;
	int have_shared;
	int ms_ok = 0;
	int can_check = k->server_side && cap->master_len == 48;
	int tmp_ok;
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (k->ske.idx < 0 || k->cke.idx < 0 || parse_ske(k, &s) < 0 || cke_point(k, &cpt, &cplen) < 0)
		return;
	tmp_ok = tmp_key_is(cap, s.point, s.plen);
	have_shared = ecdhe12_shared(k, shared, &shlen) == 0;
	if (!have_shared)
		shlen = 0;
	if (have_shared && can_check && derive_master(k, shared, shlen, ms, hash, &hlen) == 0)
		ms_ok = same(ms, 48, cap->master, 48);
	ok = (cap->server_tmp_key == NULL || tmp_ok) && (!have_shared || !can_check || ms_ok);
	ev = evlog_add(k->log, EV_KEX_ECDHE, k->actor, DIR_LOCAL, shared, shlen, "ECDHE (%s): %s%s",
		       group_name(s.group),
		       !have_shared ? "shared secret not observable"
		       : k->server_side ? "the server computes the shared secret = pre-master secret"
					: "the client computes the shared secret = pre-master secret",
		       !have_shared || !can_check ? ""
		       : ms_ok	   ? "; its master secret matches OpenSSL"
				   : "; its master secret DIFFERS from OpenSSL");
	OPENSSL_cleanse(shared, sizeof shared);
	if (ev == NULL)
		return;
	event_field(ev, 0, "group", 0, 0, "%s (0x%04x)", group_name(s.group), s.group);
	event_field(ev, 0, "server_public", 0, 0, "%s (ServerKeyExchange: fresh for this connection)",
		    hx(&h, s.point, s.plen));
	event_field(ev, 0, "client_public", 0, 0, "%s (ClientKeyExchange)", hx(&h, cpt, cplen));
	event_field(ev, 0, "when", 0, 0, "%s",
		    k->server_side ? "as the server processes the ClientKeyExchange, before its ChangeCipherSpec"
				   : "as the client builds its ClientKeyExchange: it made a fresh key pair, sends the "
				     "public half and combines its private half with the server's point");
	if (cap->server_tmp_key == NULL) {
		event_field(ev, 0, "shared_secret", 0, 0,
			    "not observable: neither side's ephemeral private key is available here (OpenSSL does "
			    "not export it); the chain below starts at OpenSSL's master secret");
		set_verified(ev, ok);
		return;
	}
	event_field(ev, 0, "server_ephemeral_key", 0, 0,
		    "%s: the embedded %s's key pair (SSL_get_tmp_key), its public half %s the ServerKeyExchange's",
		    tmp_ok ? "found" : "MISMATCH", k->srv, tmp_ok ? "is" : "is NOT");
	if (k->server_side)
		event_field(ev, 0, "function", 0, 0, "%s(server private key, client_public): the %s's side of the "
			    "exchange; the result is %s", dh_function(s.group), k->srv, dh_output(s.group));
	else
		event_field(ev, 0, "function", 0, 0, "%s(client private key, server_public) = %s(server private key, "
			    "client_public): the client computed it from its side, httpsviz from the %s's; the result "
			    "is %s", dh_function(s.group), dh_function(s.group), k->srv, dh_output(s.group));
	if (have_shared)
		event_field_hex(ev, 0, "shared_secret", 0, ev->raw_len, 0);
	event_field(ev, 0, "used_as", 0, 0, "the pre-master secret, as it is (RFC 8422 section 5.10)");
	if (have_shared && can_check)
		cmp_field(ev, "openssl_value", "OpenSSL's master secret on the server, vs the one derived from this "
			  "shared secret", ms, 48, cap->master, 48);
	else
		event_field(ev, 0, "openssl_value", 0, 0,
			    "checked in kex.master_secret: OpenSSL has not derived its master secret yet at this "
			    "moment; the one derived from this shared secret is compared with it there");
	OPENSSL_cleanse(ms, sizeof ms);
	set_verified(ev, ok);
}

/* kex.master_secret: PRF from the pre-master secret, compared with OpenSSL. */
static void view_master(struct kv *k)
{
	struct capture *cap = k->cap;
	const struct capture_secret *kl = NULL;
	uint8_t pms[128];
	size_t pmslen = sizeof pms;
	uint8_t ms[48];
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen = 0;
	const char *src = "";
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (k->cke.idx < 0 || cap->master_len != 48)
		return;
	for (size_t i = 0; i < cap->nsecrets && kl == NULL; i++)
		if (cap->secrets[i].who == ACTOR_CLIENT && strcmp(cap->secrets[i].label, "CLIENT_RANDOM") == 0 &&
		    same(cap->secrets[i].first, cap->secrets[i].first_len, k->crand, 32))
			kl = &cap->secrets[i];
	if (get_pms(k, pms, &pmslen, &src) < 0 || derive_master(k, pms, pmslen, ms, hash, &hlen) < 0) {
		ev = evlog_add(k->log, EV_KEX_MASTER_SECRET, k->actor, DIR_LOCAL, cap->master, 48,
			       "master secret: OpenSSL's (not recomputed: the pre-master secret is not observable)");
		if (ev == NULL)
			return;
		event_field_hex(ev, 0, "master_secret", 0, 48, 0);
		event_field(ev, 0, "source", 0, 0, "SSL_SESSION_get_master_key: the chain below starts here");
		event_field(ev, 0, "check", 0, 0, "nothing to compare: the derivations below are checked instead");
		return;
	}
	ok = same(ms, 48, cap->master, 48) && (kl == NULL || same(ms, 48, kl->secret, kl->secret_len));
	ev = evlog_add(k->log, EV_KEX_MASTER_SECRET, k->actor, DIR_LOCAL, ms, 48,
		       "master secret = PRF(pre-master, %s): %s",
		       k->ems ? "\"extended master secret\", session hash" : "\"master secret\", randoms", matches(ok));
	OPENSSL_cleanse(ms, sizeof ms);
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "pre_master_secret", 0, 0, "%s (%s)", hx(&h, pms, pmslen), src);
	if (k->ems) {
		event_field(ev, 0, "extended_master_secret", 0, 0,
			    "yes (RFC 7627, OpenSSL's default): the seed is the session hash, so this master "
			    "secret is bound to this very handshake");
		event_field(ev, 0, "session_hash", 0, 0, "%s (%s over the %ld handshake messages ClientHello.."
			    "ClientKeyExchange, computed by httpsviz)", hx(&h, hash, hlen), k->suite->digest,
			    k->cke.idx + 1);
		event_field(ev, 0, "function", 0, 0,
			    "PRF-%s(pre_master_secret, \"extended master secret\", session_hash)[0..48]",
			    k->suite->digest);
	} else {
		event_field(ev, 0, "extended_master_secret", 0, 0,
			    "no (--classic): the textbook formula of RFC 5246 section 8.1");
		event_field(ev, 0, "client_random", 0, 0, "%s", hx(&h, k->crand, 32));
		event_field(ev, 0, "server_random", 0, 0, "%s", hx(&h, k->srand, 32));
		event_field(ev, 0, "function", 0, 0,
			    "PRF-%s(pre_master_secret, \"master secret\", client_random + server_random)[0..48]",
			    k->suite->digest);
	}
	event_field_hex(ev, 0, "master_secret", 0, 48, 0);
	cmp_field(ev, "openssl_value", "SSL_SESSION_get_master_key", ev->raw, 48, cap->master, 48);
	if (kl != NULL)
		cmp_field(ev, "keylog_value", "OpenSSL's keylog, CLIENT_RANDOM line", ev->raw, 48, kl->secret,
			  kl->secret_len);
	set_verified(ev, ok);
out:
	OPENSSL_cleanse(pms, sizeof pms);
}

/* Append n bytes at block[at]; returns the new length. */
static size_t append(uint8_t *block, size_t at, const uint8_t *p, size_t n)
{
	memcpy(block + at, p, n);
	return at + n;
}

/* A child field for one key of the key block (none when it is empty);
 * returns the offset after it. */
static size_t key_field(struct event *ev, const char *name, size_t o, size_t n)
{
	if (n > 0)
		event_field_hex(ev, 1, name, o, n, 0);
	return o + n;
}

/* kex.key_block: the master secret expanded and cut into the session keys. */
static void view_key_block(struct kv *k)
{
	const struct suite *su = k->suite;
	struct keysched_keys keys;
	uint8_t ms[48];
	uint8_t block[2 * (48 + 32 + 16)];
	size_t n = 0;
	size_t o = 0;
	int own;
	struct hexbuf h;
	struct event *ev;

	if (k->cke.idx < 0 || my_master(k, ms, &own) < 0)
		return;
	if (keysched_key_block(su->digest, ms, k->crand, k->srand, su->mac_len, su->key_len, su->iv_len, &keys) < 0)
		goto out;
	n = append(block, n, keys.client_mac, keys.mac_len);
	n = append(block, n, keys.server_mac, keys.mac_len);
	n = append(block, n, keys.client_key, keys.key_len);
	n = append(block, n, keys.server_key, keys.key_len);
	n = append(block, n, keys.client_iv, keys.iv_len);
	n = append(block, n, keys.server_iv, keys.iv_len);
	ev = evlog_add(k->log, EV_KEX_KEY_BLOCK, k->actor, DIR_LOCAL, block, n,
		       "key block = PRF(master secret, \"key expansion\", randoms): %zu bytes = %s%s keys%s", n,
		       keys.mac_len ? "MAC keys, " : "", su->cipher, keys.iv_len ? " and IVs" : "");
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "master_secret", 0, 0, "%s (%s)", hx(&h, ms, 48),
		    own ? "recomputed by httpsviz (kex.master_secret)"
			: "OpenSSL's: the pre-master secret is not observable");
	event_field(ev, 0, "server_random", 0, 0, "%s", hx(&h, k->srand, 32));
	event_field(ev, 0, "client_random", 0, 0, "%s", hx(&h, k->crand, 32));
	event_field(ev, 0, "function", 0, 0,
		    "PRF-%s(master_secret, \"key expansion\", server_random + client_random)[0..%zu] (server random "
		    "first: the opposite order to the classic master-secret seed)", su->digest, n);
	event_field_hex(ev, 0, "key_block", 0, n, 0);
	o = key_field(ev, "client_write_mac_key", o, keys.mac_len);
	o = key_field(ev, "server_write_mac_key", o, keys.mac_len);
	o = key_field(ev, "client_write_key", o, keys.key_len);
	o = key_field(ev, "server_write_key", o, keys.key_len);
	o = key_field(ev, "client_write_iv", o, keys.iv_len);
	key_field(ev, "server_write_iv", o, keys.iv_len);
	if (su->iv_len == 4)
		event_field(ev, 0, "iv_note", 0, 0,
			    "AES-GCM: the 4-byte IV is the fixed (implicit) part of each record's nonce; the other 8 "
			    "bytes travel in the record (RFC 5288 section 3)");
	else if (su->iv_len == 12)
		event_field(ev, 0, "iv_note", 0, 0,
			    "ChaCha20-Poly1305: the 12-byte IV XOR the record's sequence number is its nonce; nothing "
			    "of the nonce travels in the record (RFC 7905 section 2)");
	else if (su->mac_len)
		event_field(ev, 0, "iv_note", 0, 0,
			    "CBC: no IVs in the key block, each record carries its own random IV (RFC 5246 section "
			    "6.2.3.2); the MAC keys authenticate the records with HMAC-%s",
			    su->mac_len == 20 ? "SHA1" : su->mac_len == 32 ? "SHA256" : "SHA384");
	event_field(ev, 0, "two_keys", 0, 0,
		    "one key per direction: the client encrypts with the client write key, the server with the "
		    "server write key; each side derives both");
	event_field(ev, 0, "check", 0, 0, "%s",
		    recordcrypt_suite(su->id) != NULL
			    ? "derived, checked by the record decryption below (OpenSSL does not export the keys)"
			    : "derived; not checked: httpsviz does not decrypt this suite's records");
out:
	OPENSSL_cleanse(ms, sizeof ms);
	OPENSSL_cleanse(&keys, sizeof keys);
	OPENSSL_cleanse(block, sizeof block);
}

/* Who does what with a Finished: the sender computes its own, the peer
 * recomputes it to check it. */
static const char *finished_role(const struct kv *k, int from_client, const char *rfc)
{
	static char text[160];

	if (from_client != k->server_side)
		return " (it computes its own verify_data, just before sending it)";
	snprintf(text, sizeof text, " (the %s recomputes it to check the %s, %s)",
		 k->server_side ? "server" : "client", from_client ? "client" : "server", rfc);
	return text;
}

/* Where OpenSSL's own value of a Finished comes from on the side at work. */
static const char *finished_source(const struct kv *k, int from_client)
{
	if (from_client != k->server_side)
		return k->server_side ? "SSL_get_finished on the server" : "SSL_get_finished on the client";
	return k->server_side ? "SSL_get_peer_finished on the server: what it expected from the client"
			      : "SSL_get_peer_finished on the client: what it expected from the server";
}

/* kex.finished (TLS 1.2): verify_data recomputed from the master secret. */
static void view_finished12(struct kv *k, int from_client)
{
	const struct msgref *fin = from_client ? &k->cfin : &k->sfin;
	const uint8_t *ossl = from_client ? k->cap->client_finished : k->cap->server_finished;
	size_t ossl_len = from_client ? k->cap->client_finished_len : k->cap->server_finished_len;
	const char *who = from_client ? "client" : "server";
	uint8_t ms[48];
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen;
	uint8_t vd[12];
	int own;
	int ok;
	struct hexbuf h;
	struct event *ev;

	if (fin->idx < 0 || ossl_len == 0 || my_master(k, ms, &own) < 0)
		return;
	if (hash_prefix(k, msg_start(k->cap, fin->idx), hash, &hlen) < 0 ||
	    keysched_finished(k->suite->digest, ms, from_client, hash, hlen, vd) < 0)
		memset(vd, 0, sizeof vd);
	ok = same(vd, 12, ossl, ossl_len) && same(vd, 12, fin->body, fin->blen);
	ev = evlog_add(k->log, EV_KEX_FINISHED, k->actor, DIR_LOCAL, vd, sizeof vd,
		       "%s Finished: verify_data = PRF(master secret, \"%s finished\", handshake hash): %s",
		       from_client ? "client's" : k->cap->interceptor ? "interceptor's" : "server's", who, matches(ok));
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "sender", 0, 0, "%s%s", who, finished_role(k, from_client, "RFC 5246 section 7.4.9"));
	event_field(ev, 0, "master_secret", 0, 0, "%s (%s)", hx(&h, ms, 48),
		    own ? "recomputed by httpsviz" : "OpenSSL's");
	event_field(ev, 0, "handshake_hash", 0, 0, "%s (%s over the %ld handshake messages before this Finished)",
		    hx(&h, hash, hlen), k->suite->digest, fin->idx);
	event_field(ev, 0, "function", 0, 0, "PRF-%s(master_secret, \"%s finished\", handshake_hash)[0..12]",
		    k->suite->digest, who);
	event_field_hex(ev, 0, "verify_data", 0, 12, 0);
	cmp_field(ev, "openssl_value", finished_source(k, from_client), vd, 12, ossl, ossl_len);
	cmp_field(ev, "sent_value", "in the Finished message", vd, 12, fin->body, fin->blen);
	set_verified(ev, ok);
out:
	OPENSSL_cleanse(ms, sizeof ms);
}

/* ------------------------------------------------------------- records */

/* One TLS record inside a side's wire bytes. */
struct rec {
	uint8_t type;
	const uint8_t *p; /* the whole record, header included */
	size_t len;
	size_t off;       /* in the wire stream */
};

/* The record at *pos of a wire stream; 0 and *pos moved past it, or -1. */
static int next_record(const struct capture_blob *w, size_t *pos, struct rec *r)
{
	size_t rl;

	if (*pos + 5 > w->len)
		return -1;
	rl = (size_t)w->p[*pos + 3] << 8 | w->p[*pos + 4];
	if (*pos + 5 + rl > w->len)
		return -1;
	r->type = w->p[*pos];
	r->p = w->p + *pos;
	r->len = 5 + rl;
	r->off = *pos;
	*pos += r->len;
	return 0;
}

/* How a record's plaintext compares with what the application handled:
 * equal, or the first part of it when the message spans records. */
static int plain_matches(const uint8_t *p, size_t n, const struct capture_blob *pt)
{
	return n > 0 && n <= pt->len && CRYPTO_memcmp(p, pt->p, n) == 0;
}

/* The common tail of both record views: output, comparison, verdict. */
static void record_tail(struct event *ev, const struct capture_blob *pt, const struct capture_blob *app,
			const struct rec *r, int from_client, int ok)
{
	size_t line = 0;

	while (line < ev->raw_len && ev->raw[line] != '\r' && ev->raw[line] != '\n')
		line++;
	if (ev->raw_len > 0) {
		event_field_hex(ev, 0, "plaintext", 0, ev->raw_len, 32);
		event_field_bytes(ev, 1, "text", 0, line, ev->raw, line);
	}
	event_field(ev, 0, "openssl_value", 0, 0, "%zu bytes: the %s as %s (%s)", pt->len,
		    from_client ? "request" : "response",
		    from_client ? "the client's application handed it to SSL_write" : "SSL_read gave it to the client",
		    plain_matches(ev->raw, ev->raw_len, pt)
			    ? (ev->raw_len == pt->len ? "equal to the decrypted record"
						      : "the decrypted record is its first part")
			    : "DIFFERENT from the decrypted record");
	if (!plain_matches(ev->raw, ev->raw_len, pt)) {
		struct hexbuf h;

		event_field(ev, 1, "recomputed", 0, 0, "%s", hx(&h, ev->raw, ev->raw_len));
		event_field(ev, 1, "openssl", 0, 0, "%s", hx(&h, pt->p, pt->len));
	}
	if (!same(r->p, r->len, app->p, app->len))
		event_field(ev, 0, "record_check", 0, 0, "the decrypted record is NOT the engine's first "
			    "application-data record");
	set_verified(ev, ok);
}

/* The parts of an encrypted record of this suite, in wire order. */
static const char *record_parts(const struct recordcrypt_suite *rs, int etm)
{
	if (rs == NULL)
		return "header, then a fragment httpsviz does not take apart";
	if (rs->tls13)
		return "header, ciphertext (content, inner type, padding), tag";
	switch (rs->kind) {
	case RECORDCRYPT_AES_GCM:
		return "header, explicit nonce, ciphertext, tag";
	case RECORDCRYPT_CHACHA20_POLY1305:
		return "header, ciphertext, tag (no explicit nonce)";
	case RECORDCRYPT_AES_CBC:
		return etm ? "header, IV, ciphertext (content, padding), HMAC" : "header, IV, ciphertext (content, HMAC, "
									   "padding)";
	}
	return "";
}

/* kex.record_decrypt (TLS 1.2): the first application-data record of one
 * direction, decrypted with httpsviz's own key block. */
static void view_record12(struct kv *k, int from_client)
{
	struct capture *cap = k->cap;
	const struct suite *su = k->suite;
	const struct capture_blob *w = &cap->wire[from_client ? 0 : 1];
	const struct capture_blob *pt = &cap->plaintext[from_client ? 0 : 1];
	const struct capture_blob *app = &cap->app_record[from_client ? 0 : 1];
	struct keysched_keys keys;
	struct rec r = {0};
	size_t pos = 0;
	long seq = -1;
	long found_seq = -1;
	uint8_t ms[48];
	uint8_t *out = NULL;
	size_t outlen = 0;
	const uint8_t *key;
	const uint8_t *iv;
	const uint8_t *mac;
	const struct recordcrypt_suite *rs = recordcrypt_suite(su->id);
	struct recordcrypt_result res = {0};
	int own;
	int ok;
	struct hexbuf h;
	struct event *ev;

	/* the sequence number counts records since ChangeCipherSpec */
	while (found_seq < 0 && next_record(w, &pos, &r) == 0) {
		if (r.type == 20)
			seq = 0;
		else if (r.type == 23 && seq >= 0)
			found_seq = seq;
		else if (seq >= 0)
			seq++;
	}
	if (found_seq < 0 || my_master(k, ms, &own) < 0)
		return;
	if (keysched_key_block(su->digest, ms, k->crand, k->srand, su->mac_len, su->key_len, su->iv_len, &keys) < 0)
		goto out;
	key = from_client ? keys.client_key : keys.server_key;
	iv = from_client ? keys.client_iv : keys.server_iv;
	mac = from_client ? keys.client_mac : keys.server_mac;
	out = malloc(r.len);
	if (out == NULL)
		goto out;
	outlen = r.len;
	if (recordcrypt_open(rs, 0, k->etm, key, iv, mac, (uint64_t)found_seq, r.p, r.len, out, &outlen, &res) < 0)
		outlen = 0;
	ok = outlen > 0 && plain_matches(out, outlen, pt) && same(r.p, r.len, app->p, app->len);
	ev = evlog_add(k->log, EV_KEX_RECORD_DECRYPT, k->actor, DIR_LOCAL, out,
		       outlen, "%s record decrypted by httpsviz with its own %s write key: %s",
		       from_client ? "the client's first" : k->cap->interceptor ? "the interceptor's first" : "the server's first",
		       from_client ? "client" : "server",
		       ok ? (from_client ? "equals the HTTP request" : "equals the HTTP response")
		       : rs == NULL ? "not decrypted: httpsviz does not decode this suite's records"
		       : outlen == 0 ? res.error : "DIFFERS from what OpenSSL delivered");
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "direction", 0, 0, "%s", from_client ? "client -> server (the request)"
								: "server -> client (the response)");
	event_field(ev, 0, "record", 0, 0, "%s... (%zu bytes as on the wire: %s)",
		    hx(&h, r.p, r.len < 24 ? r.len : 24), r.len, record_parts(rs, k->etm));
	event_field(ev, 0, "record_seq", 0, 0,
		    "%ld (not sent: both sides count the records since ChangeCipherSpec; the Finished was 0)",
		    found_seq);
	event_field(ev, 0, "key", 0, 0, "%s (%s write key from kex.key_block, %s)", hx(&h, key, keys.key_len),
		    from_client ? "client" : "server", own ? "from the recomputed master secret"
							   : "from OpenSSL's master secret");
	if (keys.mac_len > 0)
		event_field(ev, 0, "mac_key", 0, 0, "%s (%s write MAC key from kex.key_block)",
			    hx(&h, mac, keys.mac_len), from_client ? "client" : "server");
	if (keys.iv_len == 4)
		event_field(ev, 0, "implicit_iv", 0, 0, "%s (%s write IV)", hx(&h, iv, 4),
			    from_client ? "client" : "server");
	else if (keys.iv_len > 0)
		event_field(ev, 0, "write_iv", 0, 0, "%s (%s write IV)", hx(&h, iv, keys.iv_len),
			    from_client ? "client" : "server");
	recordcrypt_fields(ev, &res, r.p, r.len);
	record_tail(ev, pt, app, &r, from_client, ok);
out:
	free(out);
	OPENSSL_cleanse(ms, sizeof ms);
	OPENSSL_cleanse(&keys, sizeof keys);
}

/* ------------------------------------------------------------ TLS 1.3 */

/* The key_share entry of the ServerHello (group and key), or of the
 * ClientHello for that group.  0 when found. */
static int find_key_share(const struct msgref *m, int client_hello, uint16_t *group, const uint8_t **key,
			  size_t *klen)
{
	const struct tlsdecode_keys *x = m->keys;

	/* the ClientHello holds a list of shares, the ServerHello exactly one */
	for (size_t i = 0; x != NULL && i < x->nshares; i++) {
		if (client_hello && x->share[i].group != *group)
			continue;
		*key = part(m, x->share[i].key, klen);
		if (*key == NULL)
			return -1;
		*group = x->share[i].group;
		return 0;
	}
	return -1;
}

/* A keylog secret with this label: the working side's own first, else its
 * peer's (the embedded run has both; the other side may have derived it
 * earlier), or NULL. */
static const struct capture_secret *sec13(const struct kv *k, const char *label)
{
	enum actor own = k->server_side ? ACTOR_SERVER : ACTOR_CLIENT;
	const struct capture_secret *s = capture_find_secret(k->cap, own, label);

	if (s == NULL)
		s = capture_find_secret(k->cap, own == ACTOR_SERVER ? ACTOR_CLIENT : ACTOR_SERVER, label);
	return s != NULL && s->secret_len == k->hash_len ? s : NULL;
}

/* Is the ServerHello a HelloRetryRequest (RFC 8446 4.1.3)? */
static int is_hrr(const struct kv *k)
{
	return k->sh.keys != NULL && k->sh.keys->hrr;
}

/* The TLS 1.3 (EC)DHE shared secret and the schedule from it; 0 when the
 * server's ephemeral key is known and everything computed.  The
 * application secrets need the server's Finished: before it (the handshake
 * stage) they are left zero and *with_app is 0. */
static int schedule13(const struct kv *k, uint8_t *shared, size_t *shlen, uint16_t *group,
		      struct keysched_tls13 *ks, int *with_app)
{
	const uint8_t *spub;
	const uint8_t *cpub;
	size_t splen;
	size_t cplen;
	uint8_t hello_hash[KEYSCHED_MAX_HASH];
	uint8_t fin_hash[KEYSCHED_MAX_HASH];
	size_t hl;
	size_t fl;
	int nid;
	int rc;

	*with_app = 0;
	if (k->cap->server_tmp_key == NULL || is_hrr(k) || find_key_share(&k->sh, 0, group, &spub, &splen) < 0 ||
	    find_key_share(&k->ch, 1, group, &cpub, &cplen) < 0 || !tmp_key_is(k->cap, spub, splen))
		return -1;
	nid = keysched_group_nid(*group);
	if (nid == 0 || shared_secret(k, cpub, cplen, nid, shared, shlen) < 0)
		return -1;
	if (hash_prefix(k, msg_end(k->cap, k->sh.idx), hello_hash, &hl) < 0)
		return -1;
	*with_app = k->sfin.idx >= 0 && hash_prefix(k, msg_end(k->cap, k->sfin.idx), fin_hash, &fl) == 0;
	rc = keysched_tls13_schedule(k->suite->digest, NULL, 0, shared, *shlen, hello_hash,
				     *with_app ? fin_hash : hello_hash, hl, ks);
	if (rc == 0 && !*with_app) {
		OPENSSL_cleanse(ks->client_ap_traffic, sizeof ks->client_ap_traffic);
		OPENSSL_cleanse(ks->server_ap_traffic, sizeof ks->server_ap_traffic);
		OPENSSL_cleanse(ks->exporter_master, sizeof ks->exporter_master);
	}
	return rc;
}

/* kex.ecdhe (TLS 1.3): the key shares and the shared secret, on the side
 * that computes it as it gets both shares (the client processing the
 * ServerHello, the server building it). */
static void view_ecdhe13(struct kv *k)
{
	struct capture *cap = k->cap;
	const struct capture_secret *chs = sec13(k, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
	const struct capture_secret *shs = sec13(k, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	uint16_t group = 0;
	const uint8_t *spub;
	const uint8_t *cpub;
	size_t splen;
	size_t cplen;
	uint8_t shared[128];
	size_t shlen = sizeof shared;
	struct keysched_tls13 ks;
	int with_app;
	int have;
	int ok;
	struct hexbuf h;
	struct event *ev;

	if ((chs == NULL && shs == NULL) || find_key_share(&k->sh, 0, &group, &spub, &splen) < 0 ||
	    find_key_share(&k->ch, 1, &group, &cpub, &cplen) < 0)
		return;
	have = schedule13(k, shared, &shlen, &group, &ks, &with_app) == 0;
	if (!have)
		shlen = 0;
	ok = have && (chs == NULL || same(ks.client_hs_traffic, ks.hash_len, chs->secret, chs->secret_len)) &&
	     (shs == NULL || same(ks.server_hs_traffic, ks.hash_len, shs->secret, shs->secret_len));
	ev = evlog_add(k->log, EV_KEX_ECDHE, k->actor, DIR_LOCAL, shared, shlen, "ECDHE (%s) key shares: %s",
		       group_name(group),
		       !have ? "shared secret not observable"
		       : ok  ? "shared secret leads to OpenSSL's handshake traffic secrets"
			     : "shared secret's handshake secrets DIFFER from OpenSSL");
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "group", 0, 0, "%s (0x%04x)", group_name(group), group);
	event_field(ev, 0, "client_share", 0, 0, "%s (ClientHello key_share: the client guessed the group)",
		    hx(&h, cpub, cplen));
	event_field(ev, 0, "server_share", 0, 0, "%s (ServerHello key_share)", hx(&h, spub, splen));
	event_field(ev, 0, "when", 0, 0, "%s",
		    k->server_side ? "as the server builds its ServerHello: it has the client's share and makes "
				     "its own, so it can derive the handshake keys before EncryptedExtensions"
				   : "as the client processes the ServerHello: with the server's share it derives the "
				     "handshake keys it needs to decrypt everything that follows");
	if (!have) {
		event_field(ev, 0, "shared_secret", 0, 0, "%s",
			    cap->server_tmp_key == NULL
				    ? "not observable: neither side's ephemeral private key is available here; the "
				      "chain starts at the keylog's traffic secrets (kex.tls13_keys)"
				    : "not computed (HelloRetryRequest, or the server's ephemeral key is not the "
				      "ServerHello's)");
		if (cap->server_tmp_key != NULL)
			set_verified(ev, 0);
		goto out;
	}
	event_field(ev, 0, "server_ephemeral_key", 0, 0,
		    "the embedded %s's key pair (SSL_get_tmp_key); its public half is the ServerHello's share", k->srv);
	if (k->server_side)
		event_field(ev, 0, "function", 0, 0, "%s(server private key, client_share): the %s's side of the "
			    "exchange; the result is %s", dh_function(group), k->srv, dh_output(group));
	else
		event_field(ev, 0, "function", 0, 0, "%s(client private key, server_share) = %s(server private key, "
			    "client_share): the client computed it from its side, httpsviz from the %s's; the result "
			    "is %s", dh_function(group), dh_function(group), k->srv, dh_output(group));
	event_field_hex(ev, 0, "shared_secret", 0, shlen, 0);
	event_field(ev, 0, "used_as", 0, 0,
		    "the (EC)DHE input of HKDF-Extract for the handshake secret (RFC 8446 section 7.1); there "
		    "is no pre-master secret in TLS 1.3");
	if (shs != NULL)
		cmp_field(ev, "openssl_value", "OpenSSL's SERVER_HANDSHAKE_TRAFFIC_SECRET (keylog), vs the one "
			  "derived from this shared secret", ks.server_hs_traffic, ks.hash_len, shs->secret,
			  shs->secret_len);
	else
		cmp_field(ev, "openssl_value", "OpenSSL's CLIENT_HANDSHAKE_TRAFFIC_SECRET (keylog), vs the one "
			  "derived from this shared secret", ks.client_hs_traffic, ks.hash_len, chs->secret,
			  chs->secret_len);
	set_verified(ev, ok);
out:
	OPENSSL_cleanse(shared, sizeof shared);
	OPENSSL_cleanse(&ks, sizeof ks);
}

/* Traffic secrets of TLS 1.3: keylog label, schedule member, field name,
 * and the stage that derives it. */
static const struct {
	const char *label;
	size_t offset; /* in struct keysched_tls13 */
	const char *name;
	int app;       /* derived with the application keys (after the server's Finished) */
} secrets13[] = {
	{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", offsetof(struct keysched_tls13, client_hs_traffic),
	 "client_handshake_traffic_secret", 0},
	{"SERVER_HANDSHAKE_TRAFFIC_SECRET", offsetof(struct keysched_tls13, server_hs_traffic),
	 "server_handshake_traffic_secret", 0},
	{"CLIENT_TRAFFIC_SECRET_0", offsetof(struct keysched_tls13, client_ap_traffic),
	 "client_application_traffic_secret", 1},
	{"SERVER_TRAFFIC_SECRET_0", offsetof(struct keysched_tls13, server_ap_traffic),
	 "server_application_traffic_secret", 1},
	{"EXPORTER_SECRET", offsetof(struct keysched_tls13, exporter_master), "exporter_master_secret", 1},
};

/* kex.tls13_keys: one stage of TLS 1.3 keys (app 0: the handshake traffic
 * keys, as the side derives them from the shared secret; app 1: the
 * application traffic keys, once the server's Finished is in the
 * transcript), from the keylog's secrets, and the schedule recomputed from
 * the shared secret where it is observable. */
static void view_tls13_keys(struct kv *k, int app)
{
	const struct suite *su = k->suite;
	const struct capture_secret *s[5];
	uint8_t raw[2 * (32 + 12)];
	size_t n = 0;
	uint8_t shared[128];
	size_t shlen = sizeof shared;
	uint16_t group = 0;
	struct keysched_tls13 ks;
	int with_app;
	int have;
	int ok = 1;
	int shown = 0;
	struct hexbuf h;
	struct event *ev;

	for (size_t i = 0; i < 5; i++)
		s[i] = secrets13[i].app == app ? sec13(k, secrets13[i].label) : NULL;
	if (app ? (s[2] == NULL || s[3] == NULL || k->sfin.idx < 0) : (s[0] == NULL && s[1] == NULL))
		return;
	for (size_t i = 0; i < 4; i++) {
		if (secrets13[i].app != app)
			continue;
		if (s[i] == NULL || keysched_tls13_traffic_keys(su->digest, s[i]->secret, s[i]->secret_len, su->key_len,
								raw + n, raw + n + su->key_len) < 0)
			memset(raw + n, 0, su->key_len + 12);
		n += su->key_len + 12;
	}
	have = schedule13(k, shared, &shlen, &group, &ks, &with_app) == 0 && (!app || with_app);
	for (size_t i = 0; have && i < 5; i++)
		if (s[i] != NULL && !same((const uint8_t *)&ks + secrets13[i].offset, ks.hash_len, s[i]->secret,
					  s[i]->secret_len))
			ok = 0;
	ev = evlog_add(k->log, EV_KEX_TLS13_KEYS, k->actor, DIR_LOCAL, raw, n,
		       "TLS 1.3 %s keys: HKDF from the traffic secrets to %s keys and IVs%s%s",
		       app ? "application" : "handshake", su->cipher, have ? "; key schedule from the shared secret " : "",
		       have ? matches(ok) : "");
	OPENSSL_cleanse(raw, sizeof raw);
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "stage", 0, 0, "%s", app ? "application: the keys for the HTTP data, derived once the "
						      "server's Finished is in the transcript"
						    : "handshake: the keys that protect the rest of the handshake, "
						      "derived as soon as both key shares are known");
	event_field(ev, 0, "cipher_suite", 0, 0, "%s: hash %s, key %zu bytes, IV 12 bytes",
		    iana_name(IANA_CIPHER_SUITE, su->id), su->digest,
		    su->key_len);
	event_field(ev, 0, "function", 0, 0,
		    "key = HKDF-Expand-Label(secret, \"key\", \"\", %zu), iv = HKDF-Expand-Label(secret, \"iv\", \"\", "
		    "12) (RFC 8446 section 7.3)", su->key_len);
	for (size_t i = 0, o = 0; i < 4; i++) {
		char kname[64];
		char iname[64];
		size_t stem = strlen(secrets13[i].name) - strlen("_traffic_secret");

		if (secrets13[i].app != app)
			continue;
		if (s[i] == NULL) {
			/* OpenSSL derives a side's own write secret when it switches
			 * its write keys: a client's just before its Finished */
			event_field(ev, 0, secrets13[i].name, 0, 0,
				    "not in OpenSSL's keylog yet: OpenSSL derives it when this side switches its own "
				    "write keys, just before its Finished");
			o += su->key_len + 12;
			continue;
		}
		shown++;
		event_field(ev, 0, secrets13[i].name, 0, 0, "%s (keylog %s)", hx(&h, s[i]->secret, s[i]->secret_len),
			    secrets13[i].label);
		snprintf(kname, sizeof kname, "%.*s_key", (int)stem, secrets13[i].name);
		snprintf(iname, sizeof iname, "%.*s_iv", (int)stem, secrets13[i].name);
		event_field_hex(ev, 1, kname, o, su->key_len, 0);
		event_field_hex(ev, 1, iname, o + su->key_len, 12, 0);
		o += su->key_len + 12;
	}
	if (!have) {
		event_field(ev, 0, "schedule", 0, 0,
			    "not recomputed: the (EC)DHE shared secret is not observable here, so the traffic "
			    "secrets are taken from OpenSSL's keylog");
		event_field(ev, 0, "check", 0, 0, "the keys are checked by the record decryption below");
		goto out;
	}
	event_field(ev, 0, "schedule", 0, 0, "RFC 8446 section 7.1, no PSK, recomputed by httpsviz");
	event_field(ev, 1, "shared_secret", 0, 0, "%s ((EC)DHE, %s: kex.ecdhe)", hx(&h, shared, shlen),
		    group_name(group));
	event_field(ev, 1, "early_secret", 0, 0, "%s = HKDF-Extract(salt 0, 0)", hx(&h, ks.early_secret, ks.hash_len));
	event_field(ev, 1, "handshake_secret", 0, 0,
		    "%s = HKDF-Extract(Derive-Secret(early_secret, \"derived\", \"\"), shared_secret)",
		    hx(&h, ks.handshake_secret, ks.hash_len));
	if (app) {
		event_field(ev, 1, "master_secret", 0, 0,
			    "%s = HKDF-Extract(Derive-Secret(handshake_secret, \"derived\", \"\"), 0)",
			    hx(&h, ks.master_secret, ks.hash_len));
		event_field(ev, 1, "traffic_secrets", 0, 0,
			    "Derive-Secret(master_secret, \"c ap traffic\" / \"s ap traffic\" / \"exp master\", "
			    "ClientHello..server Finished)");
	} else {
		event_field(ev, 1, "traffic_secrets", 0, 0,
			    "Derive-Secret(handshake_secret, \"c hs traffic\" / \"s hs traffic\", "
			    "ClientHello..ServerHello)");
	}
	for (size_t i = 0, first = 1; i < 5; i++) {
		char name[80];

		if (s[i] == NULL)
			continue;
		snprintf(name, sizeof name, "openssl_%s", secrets13[i].name);
		cmp_field(ev, first ? "openssl_value" : name, secrets13[i].label,
			  (const uint8_t *)&ks + secrets13[i].offset, ks.hash_len, s[i]->secret, s[i]->secret_len);
		first = 0;
	}
	set_verified(ev, ok);
out:
	(void)shown;
	OPENSSL_cleanse(shared, sizeof shared);
	OPENSSL_cleanse(&ks, sizeof ks);
}

/* kex.signature (TLS 1.3): the client checks the server's CertificateVerify
 * with the certificate's public key, as it processes it. */
static void view_cv_signature(struct kv *k)
{
	struct capture *cap = k->cap;
	struct msgref cv = find_msg(cap, ACTOR_SERVER, 15);
	const uint8_t *sig;
	size_t siglen;
	uint16_t sigalg;
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen;
	uint8_t content[64 + 40 + KEYSCHED_MAX_HASH];
	size_t clen;
	struct hexbuf h;
	struct event *ev;
	int ok;

	if (cv.idx < 0 || cap->server_cert_key == NULL)
		return;
	cv.keys = capture_msg_keys(cap, &cap->msgs[cv.idx], &k->ctx);
	if (cv.keys == NULL)
		return;
	sigalg = cv.keys->sigalg;
	sig = part(&cv, cv.keys->signature, &siglen);
	if (sig == NULL || hash_prefix(k, msg_start(cap, cv.idx), hash, &hlen) < 0)
		return;
	clen = keysched_tls13_cv_content(1, hash, hlen, content, sizeof content);
	if (clen == 0)
		return;
	ok = keysched_verify_signature(cap->server_cert_key, sigalg, content, clen, sig, siglen) == 0;
	ev = evlog_add(k->log, EV_KEX_SIGNATURE, k->actor, DIR_LOCAL, content, clen,
		       "CertificateVerify signature (%s) checked with the certificate's public key: %s",
		       sigalg_name(sigalg), ok ? "valid" : "INVALID");
	if (ev == NULL)
		return;
	event_field(ev, 0, "message", 0, 0, "CertificateVerify (TLS 1.3)");
	event_field(ev, 0, "signed_content", 0, 0, "%zu bytes (RFC 8446 section 4.4.3), in four parts:", clen);
	event_field(ev, 1, "padding", 0, 64, "64 bytes of 0x20 (spaces): a prefix no TLS 1.2 signature can start "
		    "with, so a signature cannot be replayed across versions");
	event_field(ev, 1, "context_string", 64, 33, "\"TLS 1.3, server CertificateVerify\": a server's "
		    "signature cannot pass for a client's");
	event_field(ev, 1, "separator", 97, 1, "a zero byte");
	event_field(ev, 1, "transcript_hash", 98, hlen, "%s (%s over the %ld handshake messages ClientHello.."
		    "Certificate)", hx(&h, hash, hlen), k->suite->digest, cv.idx);
	signature_tail(ev, cap->server_cert_key, sigalg, sig, siglen, ok,
		       "the server proves it holds the certificate's private key, over everything said so far, "
		       "including both key shares: TLS 1.3 has no ServerKeyExchange to sign");
}

/* kex.finished (TLS 1.3): HMAC with the finished key of the sender's
 * handshake traffic secret. */
static void view_finished13(struct kv *k, int from_client)
{
	const struct msgref *fin = from_client ? &k->cfin : &k->sfin;
	const uint8_t *ossl = from_client ? k->cap->client_finished : k->cap->server_finished;
	size_t ossl_len = from_client ? k->cap->client_finished_len : k->cap->server_finished_len;
	const char *who = from_client ? "client" : "server";
	const struct capture_secret *base =
		sec13(k, from_client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	uint8_t hash[KEYSCHED_MAX_HASH];
	size_t hlen;
	uint8_t vd[KEYSCHED_MAX_HASH];
	size_t vlen = sizeof vd;
	int ok;
	struct hexbuf h;
	struct event *ev;

	if (fin->idx < 0 || ossl_len == 0 || base == NULL || is_hrr(k))
		return;
	if (hash_prefix(k, msg_start(k->cap, fin->idx), hash, &hlen) < 0 ||
	    keysched_tls13_finished(k->suite->digest, base->secret, base->secret_len, hash, hlen, vd, &vlen) < 0)
		vlen = 0;
	ok = same(vd, vlen, ossl, ossl_len) && same(vd, vlen, fin->body, fin->blen);
	ev = evlog_add(k->log, EV_KEX_FINISHED, k->actor, DIR_LOCAL, vd, vlen,
		       "%s Finished: verify_data = HMAC(finished key, transcript hash): %s",
		       from_client ? "client's" : k->cap->interceptor ? "interceptor's" : "server's", matches(ok));
	if (ev == NULL)
		return;
	event_field(ev, 0, "sender", 0, 0, "%s%s", who, finished_role(k, from_client, "RFC 8446 section 4.4.4"));
	event_field(ev, 0, "base_key", 0, 0, "%s (%s, from OpenSSL's keylog)", hx(&h, base->secret, base->secret_len),
		    base->label);
	event_field(ev, 0, "transcript_hash", 0, 0, "%s (%s over the %ld handshake messages before this Finished)",
		    hx(&h, hash, hlen), k->suite->digest, fin->idx);
	event_field(ev, 0, "function", 0, 0,
		    "HMAC-%s(finished_key, transcript_hash), finished_key = HKDF-Expand-Label(base_key, "
		    "\"finished\", \"\", %zu)", k->suite->digest, k->hash_len);
	if (vlen > 0)
		event_field_hex(ev, 0, "verify_data", 0, vlen, 0);
	cmp_field(ev, "openssl_value", finished_source(k, from_client), vd, vlen, ossl, ossl_len);
	cmp_field(ev, "sent_value", "in the Finished message", vd, vlen, fin->body, fin->blen);
	set_verified(ev, ok);
}

/* kex.record_decrypt (TLS 1.3): walk one side's records, handshake keys
 * first, then application keys, to its first application data. */
static void view_record13(struct kv *k, int from_client)
{
	struct capture *cap = k->cap;
	const struct suite *su = k->suite;
	const struct capture_blob *w = &cap->wire[from_client ? 0 : 1];
	const struct capture_blob *pt = &cap->plaintext[from_client ? 0 : 1];
	const struct capture_blob *app = &cap->app_record[from_client ? 0 : 1];
	const struct capture_secret *hs =
		sec13(k, from_client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	const struct capture_secret *ap = sec13(k, from_client ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0");
	uint8_t hkey[32], hiv[12], akey[32], aiv[12];
	char walk[8][96];
	size_t nwalk = 0;
	struct rec r = {0};
	struct rec found = {0};
	size_t pos = 0;
	uint64_t hseq = 0;
	uint64_t aseq = 0;
	uint64_t found_seq = 0;
	int app_phase = 0;
	uint8_t *out = NULL;
	size_t outlen = 0;
	const struct recordcrypt_suite *rs = recordcrypt_suite(su->id);
	struct recordcrypt_result res = {0};
	struct recordcrypt_result found_res = {0};
	int ok;
	struct hexbuf h;
	struct event *ev;

	if (hs == NULL || ap == NULL)
		return;
	if (keysched_tls13_traffic_keys(su->digest, hs->secret, hs->secret_len, su->key_len, hkey, hiv) < 0 ||
	    keysched_tls13_traffic_keys(su->digest, ap->secret, ap->secret_len, su->key_len, akey, aiv) < 0)
		goto out;
	out = malloc(w->len + 1);
	if (out == NULL)
		goto out;
	while (found.p == NULL && next_record(w, &pos, &r) == 0) {
		size_t n = w->len;
		int rc = -1;

		if (r.type != 23)
			continue;
		if (!app_phase)
			rc = recordcrypt_open(rs, 1, 0, hkey, hiv, NULL, hseq, r.p, r.len, out, &n, &res);
		if (rc == 0) {
			if (nwalk < 8)
				snprintf(walk[nwalk++], sizeof walk[0], "record at byte %zu: handshake keys, seq %llu, "
					 "inner type %u%s", r.off, (unsigned long long)hseq, res.inner_type,
					 res.inner_type == 22 ? " (handshake)" : "");
			hseq++;
			continue;
		}
		app_phase = 1;
		n = w->len;
		rc = recordcrypt_open(rs, 1, 0, akey, aiv, NULL, aseq, r.p, r.len, out, &n, &res);
		if (rc < 0)
			break;
		if (nwalk < 8)
			snprintf(walk[nwalk++], sizeof walk[0], "record at byte %zu: application keys, seq %llu, inner "
				 "type %u%s", r.off, (unsigned long long)aseq, res.inner_type,
				 res.inner_type == 23 ? " (application data)"
				 : res.inner_type == 22 ? " (handshake: NewSessionTicket)" : "");
		if (res.inner_type == 23) {
			found = r;
			found_res = res;
			found_seq = aseq;
			outlen = n;
		}
		aseq++;
	}
	ok = found.p != NULL && plain_matches(out, outlen, pt) && same(found.p, found.len, app->p, app->len);
	if (found.p == NULL)
		outlen = 0;
	ev = evlog_add(k->log, EV_KEX_RECORD_DECRYPT, k->actor, DIR_LOCAL, out,
		       outlen, "%s first application record decrypted by httpsviz with the %s application key: %s",
		       from_client ? "the client's" : k->cap->interceptor ? "the interceptor's" : "the server's",
		       from_client ? "client" : "server",
		       ok ? (from_client ? "equals the HTTP request" : "equals the HTTP response")
			  : rs == NULL ? "not decrypted: httpsviz does not decode this suite's records"
			  : found.p == NULL ? "no record decrypts (the tag does NOT verify)"
					    : "DIFFERS from what OpenSSL delivered");
	if (ev == NULL)
		goto out;
	event_field(ev, 0, "direction", 0, 0, "%s", from_client ? "client -> server (the request)"
								: "server -> client (the response)");
	event_field(ev, 0, "records_walked", 0, 0,
		    "every encrypted record of this direction, in order: the tag verifying shows which keys it uses");
	for (size_t i = 0; i < nwalk; i++)
		event_field(ev, 1, "walked", 0, 0, "%s", walk[i]);
	if (found.p != NULL) {
		event_field(ev, 0, "record", 0, 0, "%s... (%zu bytes as on the wire: %s)",
			    hx(&h, found.p, found.len < 24 ? found.len : 24), found.len, record_parts(rs, 0));
		event_field(ev, 0, "record_seq", 0, 0,
			    "%llu (not sent: counted since the application keys took over)",
			    (unsigned long long)found_seq);
		event_field(ev, 0, "key", 0, 0, "%s (from %s, kex.tls13_keys)", hx(&h, akey, su->key_len), ap->label);
		event_field(ev, 0, "write_iv", 0, 0, "%s (from %s)", hx(&h, aiv, 12), ap->label);
		recordcrypt_fields(ev, &found_res, found.p, found.len);
	}
	record_tail(ev, pt, app, &found, from_client, ok);
out:
	free(out);
	OPENSSL_cleanse(hkey, sizeof hkey);
	OPENSSL_cleanse(akey, sizeof akey);
}

/* ---------------------------------------------------------------- glue */

/* Find what every view needs; 0 when the handshake got far enough. */
static int kv_init(struct kv *k, struct evlog *log, struct capture *cap)
{
	const EVP_MD *md;
	struct msgref *decoded[4];
	size_t len;

	memset(k, 0, sizeof *k);
	k->log = log;
	k->cap = cap;
	if (cap->version == 0)
		return -1;
	k->suite = suite_by_id(cap->cipher_id);
	if (k->suite == NULL || (k->suite->kx == KX_TLS13) != (cap->version == 0x0304))
		return -1;
	md = EVP_get_digestbyname(k->suite->digest);
	k->hash_len = md != NULL ? (size_t)EVP_MD_get_size(md) : 0;
	k->ch = find_msg(cap, ACTOR_CLIENT, 1);
	k->sh = find_msg(cap, ACTOR_SERVER, 2);
	k->ske = find_msg(cap, ACTOR_SERVER, 12);
	k->cke = find_msg(cap, ACTOR_CLIENT, 16);
	k->cfin = find_msg(cap, ACTOR_CLIENT, 20);
	k->sfin = find_msg(cap, ACTOR_SERVER, 20);
	/* each message is decoded once, by tlsdecode, and kept in the capture */
	k->ctx.tls13 = k->suite->kx == KX_TLS13;
	k->ctx.kex_ecdhe = k->suite->kx == KX_ECDHE;
	decoded[0] = &k->ch;
	decoded[1] = &k->sh;
	decoded[2] = &k->ske;
	decoded[3] = &k->cke;
	for (size_t i = 0; i < 4; i++)
		if (decoded[i]->idx >= 0)
			decoded[i]->keys = capture_msg_keys(cap, &cap->msgs[decoded[i]->idx], &k->ctx);
	if (k->ch.keys == NULL || k->sh.keys == NULL)
		return -1;
	k->crand = part(&k->ch, k->ch.keys->random, &len);
	k->srand = part(&k->sh, k->sh.keys->random, &len);
	if (k->crand == NULL || k->srand == NULL)
		return -1;
	/* negotiated when both Hellos carry the extension (RFC 7627 section 5.1);
	 * SSL_get_extms_support only answers once the handshake is over */
	k->ems = k->ch.keys->ems && k->sh.keys->ems;
	/* the server answers encrypt_then_mac only to a client that offered it
	 * (the ServerHello's header precedes its body in the transcript) */
	k->etm = recordcrypt_hello_etm(k->sh.body - 4, k->sh.blen + 4);
	k->srv = cap->interceptor ? "interceptor" : "server";
	return 0;
}

/* The parts of each derivation, by field name (a name a view does not use
 * is skipped): the inspector draws them as a tree, --json gives "role". */
static void mark_roles(struct event *ev)
{
	switch (ev->name) {
	case EV_KEX_PRE_MASTER:
		event_field_roles(ev, ROLE_INPUT, "pre_master_secret", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "encrypted_pre_master", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", NULL);
		break;
	case EV_KEX_RSA_DECRYPT:
		event_field_roles(ev, ROLE_INPUT, "encrypted_pre_master", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "pre_master_secret", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", NULL);
		break;
	case EV_KEX_ECDHE:
		event_field_roles(ev, ROLE_INPUT, "server_public", "client_public", "client_share", "server_share",
				  "server_ephemeral_key", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "shared_secret", NULL);
		event_field_roles(ev, ROLE_CHECK, "signature_check", "openssl_value", NULL);
		break;
	case EV_KEX_SIGNATURE:
		event_field_roles(ev, ROLE_INPUT, "signed_content", "signature_algorithm", "signature", "public_key",
				  NULL);
		event_field_roles(ev, ROLE_OUTPUT, "result", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", NULL);
		break;
	case EV_KEX_MASTER_SECRET:
		event_field_roles(ev, ROLE_INPUT, "pre_master_secret", "session_hash", "client_random",
				  "server_random", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "master_secret", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", "keylog_value", "check", NULL);
		break;
	case EV_KEX_KEY_BLOCK:
		event_field_roles(ev, ROLE_INPUT, "master_secret", "server_random", "client_random", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "key_block", NULL);
		event_field_roles(ev, ROLE_CHECK, "check", NULL);
		break;
	case EV_KEX_FINISHED:
		event_field_roles(ev, ROLE_INPUT, "master_secret", "base_key", "handshake_hash", "transcript_hash",
				  NULL);
		event_field_roles(ev, ROLE_OUTPUT, "verify_data", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", "sent_value", NULL);
		break;
	case EV_KEX_TLS13_KEYS:
		event_field_roles(ev, ROLE_INPUT, "client_handshake_traffic_secret",
				  "server_handshake_traffic_secret", "client_application_traffic_secret",
				  "server_application_traffic_secret", NULL);
		event_field_roles(ev, ROLE_CHECK, "openssl_value", "openssl_server_handshake_traffic_secret",
				  "openssl_client_application_traffic_secret",
				  "openssl_server_application_traffic_secret", "openssl_exporter_master_secret",
				  "check", NULL);
		break;
	case EV_KEX_RECORD_DECRYPT:
		event_field_roles(ev, ROLE_INPUT, "record", "key", "mac_key", "implicit_iv", "write_iv",
				  "explicit_nonce", "iv", "nonce", "aad", NULL);
		event_field_roles(ev, ROLE_OUTPUT, "plaintext", NULL);
		event_field_roles(ev, ROLE_CHECK, "tag", "mac", "padding", "openssl_value", NULL);
		break;
	default:
		return;
	}
	event_field_roles(ev, ROLE_FUNCTION, "function", NULL);
}

/* Run the views of one moment; returns how many events they logged. */
static size_t run_moment(struct kv *k, enum kex_moment m)
{
	size_t from = k->log->n;
	int tls13 = k->suite->kx == KX_TLS13;
	int rsa = k->suite->kx == KX_RSA;

	switch (m) {
	case KM_CLIENT_SKE_CHECKED:
		if (!tls13 && !rsa)
			view_ske_signature(k);
		break;
	case KM_CLIENT_CKE_BUILT:
		if (rsa)
			view_pre_master(k);
		else if (!tls13)
			view_ecdhe12(k);
		break;
	case KM_CLIENT_MASTER:
		if (!tls13)
			view_master(k);
		break;
	case KM_CLIENT_KEYS:
		if (!tls13)
			view_key_block(k);
		break;
	case KM_CLIENT_FINISHED_BUILT:
	case KM_SERVER_FINISHED_CHECKED:
		(tls13 ? view_finished13 : view_finished12)(k, 1);
		break;
	case KM_CLIENT_FINISHED_CHECKED:
	case KM_SERVER_FINISHED_BUILT:
		(tls13 ? view_finished13 : view_finished12)(k, 0);
		break;
	case KM_CLIENT_HS_KEYS:
	case KM_SERVER_HS_KEYS:
		if (tls13) {
			view_ecdhe13(k);
			view_tls13_keys(k, 0);
		}
		break;
	case KM_CLIENT_CV_CHECKED:
		if (tls13)
			view_cv_signature(k);
		break;
	case KM_CLIENT_APP_KEYS:
		if (tls13)
			view_tls13_keys(k, 1);
		break;
	case KM_SERVER_CKE_READ:
		if (rsa)
			view_rsa_decrypt(k);
		else if (!tls13)
			view_ecdhe12(k);
		break;
	case KM_CLIENT_RESPONSE_READ:
	case KM_SERVER_REQUEST_READ:
		if (k->cap->app_record[m == KM_SERVER_REQUEST_READ ? 0 : 1].len > 0)
			(tls13 ? view_record13 : view_record12)(k, m == KM_SERVER_REQUEST_READ);
		break;
	default:
		break;
	}
	for (size_t i = from; i < k->log->n; i++) {
		if (k->cap->interceptor)
			event_field(k->log->ev[i], 0, "session", 0, 0,
				    "the client's session with the interceptor: the client derived these keys with "
				    "the interceptor, which plays the server to it (the \"server\" keys and messages "
				    "here are the interceptor's); the interceptor runs a second handshake, with other "
				    "keys, to the real server");
		mark_roles(k->log->ev[i]);
	}
	return k->log->n - from;
}

/* A record moment of a suite httpsviz does not know: said so, once per
 * direction, never guessed from a similar suite. */
static void not_decoded(struct evlog *log, struct capture *cap, enum kex_moment m, enum actor actor)
{
	int from_client = m == KM_SERVER_REQUEST_READ;
	const char *name = tlsdecode_cipher_name(cap->cipher_id);
	struct event *ev;

	if ((m != KM_SERVER_REQUEST_READ && m != KM_CLIENT_RESPONSE_READ) || cap->version == 0 ||
	    suite_by_id(cap->cipher_id) != NULL || cap->app_record[from_client ? 0 : 1].len == 0)
		return;
	cap->done[m] = 1;
	ev = evlog_add(log, EV_KEX_RECORD_DECRYPT, actor, DIR_LOCAL, NULL, 0,
		       "%s first record not decrypted: httpsviz does not decode %s (0x%04x)",
		       from_client ? "the client's" : "the server's", name != NULL ? name : "this suite",
		       cap->cipher_id);
	if (ev == NULL)
		return;
	event_field(ev, 0, "suite", 0, 0, "%s (0x%04x)", name != NULL ? name : "unknown", cap->cipher_id);
	event_field(ev, 0, "check", 0, 0, "not made: httpsviz derives keys and opens records for AES-GCM, "
		    "ChaCha20-Poly1305 and AES-CBC with HMAC-SHA1/SHA256/SHA384 only");
	ev->verified = -1;
}

/* see kexview.h */
int kexview_moment_is_server(enum kex_moment m)
{
	return m == KM_SERVER_CKE_READ || m == KM_SERVER_FINISHED_CHECKED || m == KM_SERVER_HS_KEYS ||
	       m == KM_SERVER_FINISHED_BUILT || m == KM_SERVER_REQUEST_READ;
}

/* see kexview.h */
void kexview_moment(struct evlog *log, struct capture *cap, enum kex_moment m, enum actor actor)
{
	struct kv k;

	if (m < 0 || m >= KM__COUNT || cap->done[m])
		return;
	if (kv_init(&k, log, cap) < 0) {
		not_decoded(log, cap, m, actor);
		return;
	}
	k.actor = actor;
	k.server_side = kexview_moment_is_server(m);
	if (run_moment(&k, m) > 0)
		cap->done[m] = 1;
}
