#include "protocol/recordcrypt.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "protocol/cursor.h"

#define HEADER 5
#define AEAD_TAG 16
#define GCM_EXPLICIT 8
#define CBC_BLOCK 16

/* Every suite whose records httpsviz opens (the IANA registry's numbers). */
static const struct recordcrypt_suite suites[] = {
	/* AES-GCM, TLS 1.2 (RFC 5288, RFC 5289) */
	{0x009c, RECORDCRYPT_AES_GCM, 0, "AES-128-GCM", 16, 4, NULL, 0},
	{0x009d, RECORDCRYPT_AES_GCM, 0, "AES-256-GCM", 32, 4, NULL, 0},
	{0x009e, RECORDCRYPT_AES_GCM, 0, "AES-128-GCM", 16, 4, NULL, 0},
	{0x009f, RECORDCRYPT_AES_GCM, 0, "AES-256-GCM", 32, 4, NULL, 0},
	{0xc02b, RECORDCRYPT_AES_GCM, 0, "AES-128-GCM", 16, 4, NULL, 0},
	{0xc02c, RECORDCRYPT_AES_GCM, 0, "AES-256-GCM", 32, 4, NULL, 0},
	{0xc02f, RECORDCRYPT_AES_GCM, 0, "AES-128-GCM", 16, 4, NULL, 0},
	{0xc030, RECORDCRYPT_AES_GCM, 0, "AES-256-GCM", 32, 4, NULL, 0},
	/* ChaCha20-Poly1305, TLS 1.2 (RFC 7905) */
	{0xcca8, RECORDCRYPT_CHACHA20_POLY1305, 0, "ChaCha20-Poly1305", 32, 12, NULL, 0},
	{0xcca9, RECORDCRYPT_CHACHA20_POLY1305, 0, "ChaCha20-Poly1305", 32, 12, NULL, 0},
	{0xccaa, RECORDCRYPT_CHACHA20_POLY1305, 0, "ChaCha20-Poly1305", 32, 12, NULL, 0},
	/* AES-CBC with HMAC-SHA1 (RFC 5246, RFC 4492) */
	{0x002f, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA1", 20},
	{0x0033, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA1", 20},
	{0x0035, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA1", 20},
	{0x0039, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA1", 20},
	{0xc009, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA1", 20},
	{0xc00a, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA1", 20},
	{0xc013, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA1", 20},
	{0xc014, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA1", 20},
	/* AES-CBC with HMAC-SHA256 / SHA384 (RFC 5246, RFC 5289) */
	{0x003c, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA256", 32},
	{0x003d, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA256", 32},
	{0x0067, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA256", 32},
	{0x006b, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA256", 32},
	{0xc023, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA256", 32},
	{0xc024, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA384", 48},
	{0xc027, RECORDCRYPT_AES_CBC, 0, "AES-128-CBC", 16, 0, "SHA256", 32},
	{0xc028, RECORDCRYPT_AES_CBC, 0, "AES-256-CBC", 32, 0, "SHA384", 48},
	/* TLS 1.3 (RFC 8446 appendix B.4) */
	{0x1301, RECORDCRYPT_AES_GCM, 1, "AES-128-GCM", 16, 12, NULL, 0},
	{0x1302, RECORDCRYPT_AES_GCM, 1, "AES-256-GCM", 32, 12, NULL, 0},
	{0x1303, RECORDCRYPT_CHACHA20_POLY1305, 1, "ChaCha20-Poly1305", 32, 12, NULL, 0},
};

/* see recordcrypt.h */
const struct recordcrypt_suite *recordcrypt_suite(uint16_t id)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

/* see recordcrypt.h */
int recordcrypt_layout(const struct recordcrypt_suite *s, int etm, struct recordcrypt_layout *out)
{
	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	out->block = 1;
	switch (s->kind) {
	case RECORDCRYPT_AES_GCM:
		if (!s->tls13) {
			out->head_name = "explicit_nonce";
			out->head_len = GCM_EXPLICIT;
		}
		/* fall through */
	case RECORDCRYPT_CHACHA20_POLY1305:
		out->tail_name = "tag";
		out->tail_len = AEAD_TAG;
		/* TLS 1.3: at least the inner content type */
		out->min_len = out->head_len + AEAD_TAG + (s->tls13 ? 1 : 0);
		break;
	case RECORDCRYPT_AES_CBC:
		out->head_name = "iv";
		out->head_len = CBC_BLOCK;
		out->block = CBC_BLOCK;
		if (etm) {
			out->tail_name = "mac";
			out->tail_len = s->mac_len;
			out->min_len = CBC_BLOCK + CBC_BLOCK + s->mac_len;
		} else {
			/* MAC and at least the padding length byte, in whole blocks */
			out->min_len = CBC_BLOCK + (s->mac_len + 1 + CBC_BLOCK - 1) / CBC_BLOCK * CBC_BLOCK;
		}
		break;
	}
	return 0;
}

/* see recordcrypt.h */
int recordcrypt_hello_etm(const uint8_t *msg, size_t len)
{
	struct cursor c;
	struct cursor exts;
	uint8_t type;
	uint32_t blen;
	uint8_t sid_len;
	uint16_t elen;

	if (msg == NULL)
		return 0;
	cursor_init(&c, msg, len);
	/* type, length, legacy_version, random, session_id, suite, compression */
	if (cursor_u8(&c, &type) < 0 || type != 2 || cursor_u24(&c, &blen) < 0 || blen != cursor_left(&c) ||
	    cursor_skip(&c, 2 + 32) < 0 || cursor_u8(&c, &sid_len) < 0 || cursor_skip(&c, sid_len + 2u + 1u) < 0)
		return 0;
	if (cursor_left(&c) == 0 || cursor_u16(&c, &elen) < 0 || cursor_sub(&c, elen, &exts) < 0)
		return 0;
	while (cursor_left(&exts) >= 4) {
		uint16_t et;
		uint16_t el;

		if (cursor_u16(&exts, &et) < 0 || cursor_u16(&exts, &el) < 0 || cursor_skip(&exts, el) < 0)
			return 0;
		if (et == 22)
			return 1;
	}
	return 0;
}

/* Write v big-endian into n bytes at p. */
static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* The TLS 1.2 MAC and AEAD input: seq || type || version || length. */
static void pseudo_header(uint8_t out[13], uint64_t seq, const uint8_t *record, size_t len)
{
	put_be(out, seq, 8);
	out[8] = record[0];
	out[9] = record[1];
	out[10] = record[2];
	put_be(out + 11, len, 2);
}

/* An AEAD open with a 12-byte nonce and a 16-byte tag; 0 when the tag
 * verifies. */
static int aead_open(const char *name, const uint8_t *key, const uint8_t nonce[12], const uint8_t *aad,
		     size_t aadlen, const uint8_t *ct, size_t ctlen, const uint8_t *tag, uint8_t *out)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t tagbuf[AEAD_TAG];
	uint8_t last[16];
	int n = 0;
	int rc = -1;

	if (cipher == NULL || ctx == NULL || ctlen > INT_MAX || aadlen > INT_MAX)
		goto out;
	if (EVP_DecryptInit_ex2(ctx, cipher, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_DecryptInit_ex2(ctx, NULL, key, nonce, NULL) != 1)
		goto out;
	if (EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (ctlen > 0 && EVP_DecryptUpdate(ctx, out, &n, ct, (int)ctlen) != 1)
		goto out;
	memcpy(tagbuf, tag, AEAD_TAG); /* the ctrl takes a non-const pointer */
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG, tagbuf) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, last, &n) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

/* Raw AES-CBC decryption of whole blocks (TLS does its own padding). */
static int cbc_decrypt(const char *name, const uint8_t *key, const uint8_t iv[16], const uint8_t *ct,
		       size_t ctlen, uint8_t *out)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t last[CBC_BLOCK];
	int n = 0;
	int rc = -1;

	if (cipher == NULL || ctx == NULL || ctlen > INT_MAX || ctlen % CBC_BLOCK != 0)
		goto out;
	if (EVP_DecryptInit_ex2(ctx, cipher, key, iv, NULL) != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		goto out;
	if (EVP_DecryptUpdate(ctx, out, &n, ct, (int)ctlen) != 1 || EVP_DecryptFinal_ex(ctx, last, &n) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

/* HMAC over head (13 bytes) || a || b; 0 and the MAC in mac. */
static int hmac3(const char *digest, const uint8_t *key, size_t keylen, const uint8_t head[13],
		 const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *mac, size_t maclen)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int rc = -1;

	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_MAC_init(ctx, key, keylen, params) != 1 || EVP_MAC_update(ctx, head, 13) != 1 ||
	    (alen > 0 && EVP_MAC_update(ctx, a, alen) != 1) || (blen > 0 && EVP_MAC_update(ctx, b, blen) != 1) ||
	    EVP_MAC_final(ctx, mac, &outl, maclen) != 1 || outl != maclen)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

/* AEAD records (GCM, ChaCha20-Poly1305; TLS 1.2 or 1.3). */
static int open_aead(struct recordcrypt_result *r, const uint8_t *key, const uint8_t *iv, const uint8_t *rec,
		     size_t rlen, uint8_t *out)
{
	const uint8_t *frag = rec + HEADER;
	size_t flen = rlen - HEADER;
	uint8_t seqpad[12] = {0};

	r->ct_len = flen - r->lay.head_len - AEAD_TAG;
	if (r->suite->kind == RECORDCRYPT_AES_GCM && !r->tls13) {
		/* RFC 5288 section 3: salt (4, key block) || nonce_explicit (8, the record) */
		memcpy(r->nonce, iv, 4);
		memcpy(r->nonce + 4, frag, GCM_EXPLICIT);
	} else {
		/* RFC 7905 section 2 and RFC 8446 section 5.3: iv XOR padded seq */
		put_be(seqpad + 4, r->seq, 8);
		for (size_t i = 0; i < 12; i++)
			r->nonce[i] = iv[i] ^ seqpad[i];
	}
	if (r->tls13) {
		memcpy(r->aad, rec, HEADER);
		r->aad_len = HEADER;
	} else {
		pseudo_header(r->aad, r->seq, rec, r->ct_len);
		r->aad_len = 13;
	}
	if (aead_open(r->suite->cipher, key, r->nonce, r->aad, r->aad_len, frag + r->lay.head_len, r->ct_len,
		      rec + rlen - AEAD_TAG, out) != 0) {
		r->error = "the tag does NOT verify: wrong key, wrong sequence number or changed bytes";
		return -1;
	}
	r->auth_ok = 1;
	r->plain_len = r->ct_len;
	r->inner_type = rec[0];
	if (r->tls13) {
		/* TLSInnerPlaintext: content || type || zeros (RFC 8446 section 5.2) */
		while (r->plain_len > 0 && out[r->plain_len - 1] == 0)
			r->plain_len--;
		if (r->plain_len == 0) {
			r->error = "no inner content type: the plaintext is all zeros";
			return -1;
		}
		r->inner_type = out[--r->plain_len];
		r->pad_len = r->ct_len - r->plain_len - 1;
	}
	return 0;
}

/* CBC records, MAC-then-encrypt or encrypt-then-MAC (TLS 1.2). */
static int open_cbc(struct recordcrypt_result *r, const uint8_t *key, const uint8_t *mac_key, const uint8_t *rec,
		    size_t rlen, uint8_t *out)
{
	const struct recordcrypt_suite *s = r->suite;
	const uint8_t *frag = rec + HEADER;
	size_t flen = rlen - HEADER;
	uint8_t mac[48];
	size_t pl;
	size_t padlen;

	r->ct_len = flen - CBC_BLOCK - r->lay.tail_len;
	r->inner_type = rec[0];
	if (r->ct_len % CBC_BLOCK != 0) {
		r->error = "the ciphertext is not a whole number of 16-byte blocks";
		return -1;
	}
	if (r->etm) {
		/* RFC 7366 section 3: MAC(seq || type || version || length of IV + ciphertext || IV + ciphertext) */
		pseudo_header(r->aad, r->seq, rec, flen - s->mac_len);
		r->aad_len = 13;
		if (hmac3(s->mac, mac_key, s->mac_len, r->aad, frag, flen - s->mac_len, NULL, 0, mac, s->mac_len) != 0)
			return -1;
		if (CRYPTO_memcmp(mac, rec + rlen - s->mac_len, s->mac_len) != 0) {
			r->error = "the HMAC does NOT verify: wrong MAC key, wrong sequence number or changed bytes";
			return -1;
		}
		r->auth_ok = 1;
	}
	if (cbc_decrypt(s->cipher, key, frag, frag + CBC_BLOCK, r->ct_len, out) != 0) {
		r->error = "AES-CBC decryption failed";
		return -1;
	}
	/* GenericBlockCipher: content || [MAC if MtE] || padding || padding_length */
	padlen = (size_t)out[r->ct_len - 1] + 1;
	if (padlen + (r->etm ? 0 : s->mac_len) > r->ct_len) {
		r->error = "the padding length is longer than the record: wrong key";
		return -1;
	}
	for (size_t i = r->ct_len - padlen; i < r->ct_len; i++)
		if (out[i] != padlen - 1) {
			r->error = "the padding bytes are not all equal to its length: wrong key or changed bytes";
			return -1;
		}
	r->pad_ok = 1;
	r->pad_len = padlen;
	pl = r->ct_len - padlen - (r->etm ? 0 : s->mac_len);
	r->plain_len = pl;
	if (!r->etm) {
		/* RFC 5246 section 6.2.3.1: MAC(seq || type || version || length || content) */
		pseudo_header(r->aad, r->seq, rec, pl);
		r->aad_len = 13;
		if (hmac3(s->mac, mac_key, s->mac_len, r->aad, out, pl, NULL, 0, mac, s->mac_len) != 0)
			return -1;
		if (CRYPTO_memcmp(mac, out + pl, s->mac_len) != 0) {
			r->error = "the HMAC does NOT verify: wrong MAC key, wrong sequence number or changed bytes";
			return -1;
		}
		r->auth_ok = 1;
	}
	return 0;
}

/* see recordcrypt.h */
int recordcrypt_open(const struct recordcrypt_suite *s, int tls13, int etm, const uint8_t *key,
		     const uint8_t *iv, const uint8_t *mac_key, uint64_t seq, const uint8_t *record,
		     size_t record_len, uint8_t *out, size_t *out_len, struct recordcrypt_result *res)
{
	int rc = -1;

	memset(res, 0, sizeof *res);
	res->suite = s;
	res->tls13 = tls13;
	res->etm = s != NULL && s->kind == RECORDCRYPT_AES_CBC && etm;
	res->seq = seq;
	res->error = "not opened";
	if (s == NULL) {
		res->error = "httpsviz does not decode this suite's records";
		return -1;
	}
	recordcrypt_layout(s, res->etm, &res->lay);
	if (s->tls13 != (tls13 != 0)) {
		res->error = "the suite does not belong to this TLS version";
		return -1;
	}
	if (key == NULL || out == NULL || out_len == NULL || record == NULL || record_len < HEADER ||
	    (s->fixed_iv_len > 0 && iv == NULL) || (s->mac_len > 0 && mac_key == NULL)) {
		res->error = "missing input";
		return -1;
	}
	if (((size_t)record[3] << 8 | record[4]) != record_len - HEADER) {
		res->error = "the record header's length does not match the record";
		return -1;
	}
	if (record_len - HEADER < res->lay.min_len) {
		res->error = "the record is too short for this suite";
		return -1;
	}
	res->error = NULL;
	if (s->kind == RECORDCRYPT_AES_CBC)
		rc = open_cbc(res, key, mac_key, record, record_len, out);
	else
		rc = open_aead(res, key, iv, record, record_len, out);
	if (rc != 0) {
		if (res->error == NULL)
			res->error = "OpenSSL could not run the cipher";
		res->plain_len = 0;
		OPENSSL_cleanse(out, record_len);
		return -1;
	}
	*out_len = res->plain_len;
	return 0;
}

/* Hex of p[0..n) into buf, cut with "..." past max bytes. */
static const char *hex(char *buf, size_t bn, const uint8_t *p, size_t n, size_t max)
{
	size_t o = 0;
	size_t shown = n > max ? max : n;

	buf[0] = '\0';
	for (size_t i = 0; i < shown && o + 3 < bn; i++)
		o += (size_t)snprintf(buf + o, bn - o, "%02x", p[i]);
	if (shown < n && o + 4 < bn)
		snprintf(buf + o, bn - o, "...");
	return buf;
}

/* The explanation of an AEAD open. */
static void fields_aead(struct event *ev, const struct recordcrypt_result *r, const uint8_t *rec, size_t rlen)
{
	const char *c = r->suite->cipher;
	char h[64];

	if (r->lay.head_len > 0)
		event_field(ev, 0, "explicit_nonce", 0, 0,
			    "%s (the record's first 8 bytes after the header, chosen by the sender)",
			    hex(h, sizeof h, rec + HEADER, GCM_EXPLICIT, 8));
	if (r->suite->kind == RECORDCRYPT_AES_GCM && !r->tls13)
		event_field(ev, 0, "nonce", 0, 0, "%s = implicit IV (4 bytes, key block) + explicit nonce (8 bytes, "
			    "record) (RFC 5288 section 3)", hex(h, sizeof h, r->nonce, 12, 12));
	else
		event_field(ev, 0, "nonce", 0, 0, "%s = the 12-byte write IV XOR the sequence number %llu, left-padded "
			    "to 12 bytes; nothing of it travels in the record (%s)", hex(h, sizeof h, r->nonce, 12, 12),
			    (unsigned long long)r->seq, r->tls13 ? "RFC 8446 section 5.3" : "RFC 7905 section 2");
	if (r->tls13)
		event_field(ev, 0, "aad", 0, 0, "the 5-byte record header %s (type 23, legacy_record_version 0303, "
			    "length)", hex(h, sizeof h, rec, HEADER, HEADER));
	else
		event_field(ev, 0, "aad", 0, 0, "%s = seq %llu + type %u + version 0303 + plaintext length %zu "
			    "(RFC 5246 section 6.2.3.3)", hex(h, sizeof h, r->aad, r->aad_len, 13),
			    (unsigned long long)r->seq, rec[0], r->ct_len);
	event_field(ev, 0, "function", 0, 0, "%s-Decrypt(key, nonce, aad, ciphertext (%zu bytes), tag)%s", c,
		    r->ct_len, r->tls13 ? ", then strip the zero padding and read the inner content type "
					  "(RFC 8446 section 5.2)" : "");
	event_field(ev, 0, "tag", 0, 0, "%s (%s, the record's last 16 bytes)%s", hex(h, sizeof h, rec + rlen - 16, 16, 16),
		    r->suite->kind == RECORDCRYPT_AES_GCM ? "GCM" : "Poly1305",
		    r->auth_ok ? ": verified, so the key is right and nothing was changed"
			       : ": does NOT verify: wrong key or changed bytes");
	if (r->tls13 && r->auth_ok)
		event_field(ev, 0, "inner_type", 0, 0, "%u%s, after %zu zero bytes of padding", r->inner_type,
			    r->inner_type == 23 ? " (application_data)" : r->inner_type == 22 ? " (handshake)"
					    : r->inner_type == 21 ? " (alert)" : "", r->pad_len);
}

/* The explanation of a CBC open. */
static void fields_cbc(struct event *ev, const struct recordcrypt_result *r, const uint8_t *rec, size_t rlen)
{
	const struct recordcrypt_suite *s = r->suite;
	char h[64];

	event_field(ev, 0, "iv", 0, 0, "%s (the record's first 16 bytes: a fresh random IV per record, RFC 5246 "
		    "section 6.2.3.2)", hex(h, sizeof h, rec + HEADER, CBC_BLOCK, CBC_BLOCK));
	if (r->etm) {
		event_field(ev, 0, "mac_then_encrypt", 0, 0, "no: encrypt_then_mac was negotiated (RFC 7366): the "
			    "HMAC covers the IV and ciphertext and follows them in the clear, so it is checked before "
			    "anything is decrypted");
		event_field(ev, 0, "aad", 0, 0, "MAC input = seq %llu + type %u + version 0303 + length %zu (IV + "
			    "ciphertext) + IV + ciphertext", (unsigned long long)r->seq, rec[0], CBC_BLOCK + r->ct_len);
		event_field(ev, 0, "mac", 0, 0, "%s (HMAC-%s, the record's last %zu bytes)%s",
			    hex(h, sizeof h, rec + rlen - s->mac_len, s->mac_len, 16), s->mac, s->mac_len,
			    r->auth_ok ? ": verified" : ": does NOT verify");
		event_field(ev, 0, "function", 0, 0, "check HMAC-%s(mac_key, MAC input), then %s-Decrypt(key, iv, "
			    "ciphertext (%zu bytes)) and remove the padding", s->mac, s->cipher, r->ct_len);
	} else {
		event_field(ev, 0, "mac_then_encrypt", 0, 0, "yes: the TLS 1.2 default (RFC 5246 section 6.2.3.2): "
			    "the HMAC and the padding are inside the encryption");
		event_field(ev, 0, "function", 0, 0, "%s-Decrypt(key, iv, ciphertext (%zu bytes)) = content + "
			    "HMAC-%s (%zu bytes) + padding; then check the padding and the HMAC", s->cipher, r->ct_len,
			    s->mac, s->mac_len);
		if (r->pad_ok)
			event_field(ev, 0, "aad", 0, 0, "MAC input = seq %llu + type %u + version 0303 + content length "
				    "%zu + content (RFC 5246 section 6.2.3.1)", (unsigned long long)r->seq, rec[0],
				    r->plain_len);
		event_field(ev, 0, "mac", 0, 0, "HMAC-%s (%zu bytes, inside the encryption)%s", s->mac, s->mac_len,
			    r->auth_ok ? ": verified" : r->pad_ok ? ": does NOT verify" : ": not reached");
	}
	if (r->pad_ok)
		event_field(ev, 0, "padding", 0, 0, "%zu bytes, each of value %zu (the last one is the padding "
			    "length): well formed", r->pad_len, r->pad_len - 1);
	else if (r->auth_ok || !r->etm)
		event_field(ev, 0, "padding", 0, 0, "malformed: wrong key or changed bytes");
}

/* see recordcrypt.h */
void recordcrypt_fields(struct event *ev, const struct recordcrypt_result *r, const uint8_t *record,
			size_t record_len)
{
	if (r->suite == NULL || record == NULL || record_len < HEADER + r->lay.min_len)
		return;
	if (r->suite->kind == RECORDCRYPT_AES_CBC)
		fields_cbc(ev, r, record, record_len);
	else
		fields_aead(ev, r, record, record_len);
}
