#include "protocol/keysched.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#define GCM_TAG 16
#define TLS12_EXPLICIT_NONCE 8
#define RECORD_HEADER 5

/* Digests and KDFs fetched once per process: a fetch looks the name up in
 * the provider store each time, and a TLS 1.3 schedule runs some thirty
 * HMACs (serve makes one per learner's exchange).  Kept until exit. */
#define FETCHED_MAX 16

static struct {
	char name[32];
	int kdf;    /* a KDF (else a digest) */
	void *alg;  /* EVP_MD * or EVP_KDF * */
} fetched[FETCHED_MAX];
static size_t nfetched;
static pthread_mutex_t fetch_mu = PTHREAD_MUTEX_INITIALIZER;

/* The digest (kdf 0) or KDF (kdf 1) named name, fetched the first time;
 * NULL when OpenSSL does not know it.  Borrowed: never freed. */
static void *fetch_once(const char *name, int kdf)
{
	void *alg = NULL;

	if (name == NULL || strlen(name) >= sizeof fetched[0].name)
		return NULL;
	pthread_mutex_lock(&fetch_mu);
	for (size_t i = 0; i < nfetched && alg == NULL; i++)
		if (fetched[i].kdf == kdf && strcmp(fetched[i].name, name) == 0)
			alg = fetched[i].alg;
	if (alg == NULL) {
		alg = kdf ? (void *)EVP_KDF_fetch(NULL, name, NULL) : (void *)EVP_MD_fetch(NULL, name, NULL);
		if (alg != NULL && nfetched < FETCHED_MAX) {
			strcpy(fetched[nfetched].name, name);
			fetched[nfetched].kdf = kdf;
			fetched[nfetched].alg = alg;
			nfetched++;
		} else if (alg != NULL) {
			/* the table holds every name httpsviz asks for (a few
			 * digests and the TLS 1.2 PRF): one beyond it is refused,
			 * never kept unowned */
			if (kdf)
				EVP_KDF_free(alg);
			else
				EVP_MD_free(alg);
			alg = NULL;
		}
	}
	pthread_mutex_unlock(&fetch_mu);
	return alg;
}

static const EVP_MD *digest_md(const char *digest)
{
	return fetch_once(digest, 0);
}

/* The size of a named digest, or 0 if OpenSSL does not know it. */
static size_t md_size(const char *digest)
{
	const EVP_MD *md = digest_md(digest);
	int n = md != NULL ? EVP_MD_get_size(md) : 0;

	return n > 0 && n <= KEYSCHED_MAX_HASH ? (size_t)n : 0;
}

/* Run one EVP_KDF by name with the given parameters into out. */
static int run_kdf(const char *name, const OSSL_PARAM *params, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = fetch_once(name, 1);
	EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	int rc = ctx != NULL && EVP_KDF_derive(ctx, out, outlen, params) == 1 ? 0 : -1;

	EVP_KDF_CTX_free(ctx);
	return rc;
}

/* HMAC (RFC 2104) of the parts' concatenation under key, with md, into out
 * (EVP_MD_get_size(md) bytes): H((K ^ opad) || H((K ^ ipad) || text)), K the
 * key padded with zeros to the block (hashed first when longer).  0 on
 * success. */
static int hmac(const EVP_MD *md, const uint8_t *key, size_t klen, const uint8_t *const *part,
		const size_t *plen, size_t nparts, uint8_t *out)
{
	uint8_t k[256];
	uint8_t pad[256];
	uint8_t inner[EVP_MAX_MD_SIZE];
	int block = EVP_MD_get_block_size(md);
	int hl = EVP_MD_get_size(md);
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (ctx == NULL || block <= 0 || (size_t)block > sizeof k || hl <= 0)
		goto out;
	memset(k, 0, (size_t)block);
	if (klen > (size_t)block) {
		if (EVP_Digest(key, klen, k, &n, md, NULL) != 1)
			goto out;
	} else if (klen != 0) {
		memcpy(k, key, klen);
	}
	for (int i = 0; i < block; i++)
		pad[i] = k[i] ^ 0x36;
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, pad, (size_t)block) != 1)
		goto out;
	for (size_t i = 0; i < nparts; i++)
		if (plen[i] != 0 && EVP_DigestUpdate(ctx, part[i], plen[i]) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, inner, &n) != 1)
		goto out;
	for (int i = 0; i < block; i++)
		pad[i] = k[i] ^ 0x5c;
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, pad, (size_t)block) != 1 ||
	    EVP_DigestUpdate(ctx, inner, n) != 1 || EVP_DigestFinal_ex(ctx, out, &n) != 1)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof k);
	OPENSSL_cleanse(pad, sizeof pad);
	OPENSSL_cleanse(inner, sizeof inner);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* see keysched.h */
int keysched_prf(const char *digest, const uint8_t *secret, size_t slen,
		 const char *label, const uint8_t *seed, size_t seedlen,
		 uint8_t *out, size_t outlen)
{
	OSSL_PARAM params[4];
	uint8_t *buf = NULL;
	size_t llen;
	int rc = -1;

	if (digest == NULL || secret == NULL || label == NULL || out == NULL || outlen == 0 ||
	    (seed == NULL && seedlen != 0))
		return -1;
	llen = strlen(label);
	/* label || seed as one seed: the PRF makes no distinction between them */
	buf = malloc(llen + seedlen + 1);
	if (buf == NULL)
		return -1;
	memcpy(buf, label, llen);
	if (seedlen != 0)
		memcpy(buf + llen, seed, seedlen);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, buf, llen + seedlen);
	params[3] = OSSL_PARAM_construct_end();
	rc = run_kdf("TLS1-PRF", params, out, outlen);
	if (rc != 0)
		OPENSSL_cleanse(out, outlen);
	free(buf);
	return rc;
}

/* see keysched.h */
int keysched_master_secret(const char *digest, const uint8_t *pms, size_t pmslen,
			   const uint8_t client_random[32],
			   const uint8_t server_random[32], uint8_t out[48])
{
	uint8_t seed[64];

	if (client_random == NULL || server_random == NULL)
		return -1;
	memcpy(seed, client_random, 32);
	memcpy(seed + 32, server_random, 32);
	return keysched_prf(digest, pms, pmslen, "master secret", seed, sizeof seed, out, 48);
}

/* see keysched.h */
int keysched_ems_master_secret(const char *digest, const uint8_t *pms, size_t pmslen,
			       const uint8_t *session_hash, size_t hlen,
			       uint8_t out[48])
{
	if (session_hash == NULL || hlen == 0)
		return -1;
	return keysched_prf(digest, pms, pmslen, "extended master secret", session_hash,
			    hlen, out, 48);
}

/* see keysched.h */
int keysched_session_hash(const char *digest, const uint8_t *transcript, size_t len,
			  uint8_t *out, size_t *outlen)
{
	static const uint8_t empty[1];
	const EVP_MD *md;
	unsigned int n = 0;

	if (digest == NULL || out == NULL || outlen == NULL || (transcript == NULL && len != 0))
		return -1;
	md = digest_md(digest);
	if (md == NULL || (size_t)EVP_MD_get_size(md) > *outlen ||
	    EVP_Digest(len != 0 ? transcript : empty, len, out, &n, md, NULL) != 1)
		return -1;
	*outlen = n;
	return 0;
}

/* see keysched.h */
int keysched_key_block(const char *digest, const uint8_t ms[48],
		       const uint8_t client_random[32], const uint8_t server_random[32],
		       size_t mac_len, size_t key_len, size_t iv_len,
		       struct keysched_keys *out)
{
	uint8_t seed[64];
	uint8_t block[2 * (48 + 32 + 16)];
	size_t total = 2 * (mac_len + key_len + iv_len);
	const uint8_t *p = block;
	int rc = -1;

	if (ms == NULL || client_random == NULL || server_random == NULL || out == NULL ||
	    mac_len > sizeof out->client_mac || key_len > sizeof out->client_key ||
	    iv_len > sizeof out->client_iv || total == 0)
		return -1;
	memset(out, 0, sizeof *out);
	/* server_random first here, unlike the master secret's seed */
	memcpy(seed, server_random, 32);
	memcpy(seed + 32, client_random, 32);
	if (keysched_prf(digest, ms, 48, "key expansion", seed, sizeof seed, block, total) != 0)
		goto out;
	out->mac_len = mac_len;
	out->key_len = key_len;
	out->iv_len = iv_len;
	memcpy(out->client_mac, p, mac_len);
	p += mac_len;
	memcpy(out->server_mac, p, mac_len);
	p += mac_len;
	memcpy(out->client_key, p, key_len);
	p += key_len;
	memcpy(out->server_key, p, key_len);
	p += key_len;
	memcpy(out->client_iv, p, iv_len);
	p += iv_len;
	memcpy(out->server_iv, p, iv_len);
	rc = 0;
out:
	OPENSSL_cleanse(block, sizeof block);
	return rc;
}

/* see keysched.h */
int keysched_finished(const char *digest, const uint8_t ms[48], int from_client,
		      const uint8_t *handshake_hash, size_t hlen, uint8_t out[12])
{
	if (handshake_hash == NULL || hlen == 0)
		return -1;
	return keysched_prf(digest, ms, 48, from_client ? "client finished" : "server finished",
			    handshake_hash, hlen, out, 12);
}

/* see keysched.h */
int keysched_gcm_open(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
		      const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t ctlen,
		      const uint8_t tag[16], uint8_t *out)
{
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t tagbuf[GCM_TAG];
	uint8_t last[16];
	int n = 0;
	int rc = -1;

	if (key == NULL || nonce == NULL || tag == NULL || (aad == NULL && aadlen != 0) ||
	    (ctlen != 0 && (ct == NULL || out == NULL)) || ctlen > INT32_MAX || aadlen > INT32_MAX)
		return -1;
	if (key_len == 16)
		cipher = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	else if (key_len == 32)
		cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (cipher == NULL)
		goto out;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		goto out;
	if (EVP_DecryptInit_ex2(ctx, cipher, NULL, NULL, NULL) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1)
		goto out;
	if (EVP_DecryptInit_ex2(ctx, NULL, key, nonce, NULL) != 1)
		goto out;
	if (aadlen != 0 && EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (ctlen != 0 && EVP_DecryptUpdate(ctx, out, &n, ct, (int)ctlen) != 1)
		goto out;
	memcpy(tagbuf, tag, GCM_TAG); /* the ctrl takes a non-const pointer */
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, GCM_TAG, tagbuf) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, last, &n) != 1)
		goto out;
	rc = 0;
out:
	if (rc != 0 && out != NULL && ctlen != 0)
		OPENSSL_cleanse(out, ctlen);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

/* Write v big-endian into n bytes at p. */
static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* The length field of a record header, checked against the bytes we hold. */
static int record_body_len(const uint8_t *record, size_t record_len, size_t *body)
{
	size_t len;

	if (record == NULL || record_len < RECORD_HEADER)
		return -1;
	len = (size_t)record[3] << 8 | record[4];
	if (len != record_len - RECORD_HEADER)
		return -1;
	*body = len;
	return 0;
}

/* see keysched.h */
int keysched_tls12_gcm_decrypt(const uint8_t *key, size_t key_len, const uint8_t iv4[4],
			       uint64_t seq, const uint8_t *record, size_t record_len,
			       uint8_t *out, size_t *out_len)
{
	uint8_t nonce[12];
	uint8_t aad[13];
	size_t body;
	size_t plen;

	if (iv4 == NULL || out_len == NULL || record_body_len(record, record_len, &body) != 0 ||
	    body < TLS12_EXPLICIT_NONCE + GCM_TAG)
		return -1;
	plen = body - TLS12_EXPLICIT_NONCE - GCM_TAG;
	if (plen > *out_len)
		return -1;
	/* the explicit nonce is whatever the sender put on the wire, not seq */
	memcpy(nonce, iv4, 4);
	memcpy(nonce + 4, record + RECORD_HEADER, TLS12_EXPLICIT_NONCE);
	put_be(aad, seq, 8);
	aad[8] = record[0];
	aad[9] = record[1];
	aad[10] = record[2];
	put_be(aad + 11, plen, 2);
	if (keysched_gcm_open(key, key_len, nonce, aad, sizeof aad,
			      record + RECORD_HEADER + TLS12_EXPLICIT_NONCE, plen,
			      record + record_len - GCM_TAG, out) != 0)
		return -1;
	*out_len = plen;
	return 0;
}

/* HKDF-Expand (RFC 5869 section 2.3) of prk with info into out:
 * T(i) = HMAC(prk, T(i-1) || info || i), out = T(1) || T(2) ... cut to
 * outlen. */
static int hkdf_expand(const char *digest, const uint8_t *prk, size_t prklen, const uint8_t *info,
		       size_t infolen, uint8_t *out, size_t outlen)
{
	const EVP_MD *md = digest_md(digest);
	size_t hl = md != NULL ? (size_t)EVP_MD_get_size(md) : 0;
	uint8_t t[KEYSCHED_MAX_HASH];
	uint8_t key[256];
	size_t tlen = 0;
	int rc = 0;

	if (hl == 0 || hl > sizeof t || outlen > 255 * hl || prklen > sizeof key)
		return -1;
	/* out may be where prk is (a secret derived in place) */
	memcpy(key, prk, prklen);
	prk = key;
	for (uint8_t i = 1; rc == 0 && outlen > 0; i++) {
		const uint8_t *part[3] = {t, info, &i};
		size_t plen[3] = {tlen, infolen, 1};
		size_t take = outlen < hl ? outlen : hl;

		rc = hmac(md, prk, prklen, part, plen, 3, t);
		tlen = hl;
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	OPENSSL_cleanse(t, sizeof t);
	OPENSSL_cleanse(key, sizeof key);
	return rc;
}

/* see keysched.h */
int keysched_hkdf_extract(const char *digest, const uint8_t *salt, size_t saltlen,
			  const uint8_t *ikm, size_t ikmlen, uint8_t *out, size_t *outlen)
{
	static const uint8_t zeros[KEYSCHED_MAX_HASH];
	size_t hl = md_size(digest);

	if (hl == 0 || ikm == NULL || ikmlen == 0 || out == NULL || outlen == NULL ||
	    *outlen < hl || (salt == NULL && saltlen != 0))
		return -1;
	/* HMAC pads a short key with zeros, so an empty salt and Hash.length
	 * zero bytes are the same key; pass the zeros explicitly */
	if (saltlen == 0) {
		salt = zeros;
		saltlen = hl;
	}
	/* HKDF-Extract (RFC 5869 section 2.2): PRK = HMAC(salt, IKM) */
	if (hmac(digest_md(digest), salt, saltlen, &ikm, &ikmlen, 1, out) != 0)
		return -1;
	*outlen = hl;
	return 0;
}

/* see keysched.h */
int keysched_hkdf_expand_label(const char *digest, const uint8_t *secret, size_t slen,
			       const char *label, const uint8_t *context, size_t clen,
			       uint8_t *out, size_t outlen)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t llen;
	size_t n = 0;

	if (digest == NULL || secret == NULL || slen == 0 || label == NULL || out == NULL ||
	    outlen == 0 || outlen > 0xffff || (context == NULL && clen != 0) || clen > 255)
		return -1;
	llen = strlen(label);
	if (sizeof prefix - 1 + llen > 255)
		return -1;
	/* struct HkdfLabel { uint16 length; opaque label<7..255>; opaque context<0..255>; } */
	put_be(info, outlen, 2);
	n = 2;
	info[n++] = (uint8_t)(sizeof prefix - 1 + llen);
	memcpy(info + n, prefix, sizeof prefix - 1);
	n += sizeof prefix - 1;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = (uint8_t)clen;
	if (clen != 0)
		memcpy(info + n, context, clen);
	n += clen;
	return hkdf_expand(digest, secret, slen, info, n, out, outlen);
}

/* see keysched.h */
int keysched_tls13_derive_secret(const char *digest, const uint8_t *secret, size_t slen,
				 const char *label, const uint8_t *transcript_hash,
				 size_t hlen, uint8_t *out)
{
	size_t hl = md_size(digest);

	if (hl == 0 || hlen != hl || transcript_hash == NULL)
		return -1;
	return keysched_hkdf_expand_label(digest, secret, slen, label, transcript_hash, hlen,
					  out, hl);
}

/* see keysched.h */
int keysched_tls13_schedule(const char *digest, const uint8_t *psk, size_t psklen,
			    const uint8_t *shared, size_t shlen, const uint8_t *hello_hash,
			    const uint8_t *finished_hash, size_t hlen,
			    struct keysched_tls13 *out)
{
	static const uint8_t zeros[KEYSCHED_MAX_HASH];
	uint8_t empty_hash[KEYSCHED_MAX_HASH];
	size_t hl = md_size(digest);
	size_t n;
	int rc = -1;

	if (hl == 0 || hlen != hl || shared == NULL || shlen == 0 || hello_hash == NULL ||
	    finished_hash == NULL || out == NULL || (psk == NULL && psklen != 0))
		return -1;
	memset(out, 0, sizeof *out);
	out->hash_len = hl;
	if (psk == NULL || psklen == 0) {
		psk = zeros; /* "0": a string of Hash.length zero bytes */
		psklen = hl;
	}
	n = sizeof empty_hash;
	if (keysched_session_hash(digest, NULL, 0, empty_hash, &n) != 0)
		goto out;
	n = hl;
	if (keysched_hkdf_extract(digest, NULL, 0, psk, psklen, out->early_secret, &n) != 0)
		goto out;
	if (keysched_tls13_derive_secret(digest, out->early_secret, hl, "derived", empty_hash,
					 hl, out->derived_early) != 0)
		goto out;
	if (keysched_hkdf_extract(digest, out->derived_early, hl, shared, shlen,
				  out->handshake_secret, &n) != 0)
		goto out;
	if (keysched_tls13_derive_secret(digest, out->handshake_secret, hl, "c hs traffic",
					 hello_hash, hl, out->client_hs_traffic) != 0 ||
	    keysched_tls13_derive_secret(digest, out->handshake_secret, hl, "s hs traffic",
					 hello_hash, hl, out->server_hs_traffic) != 0 ||
	    keysched_tls13_derive_secret(digest, out->handshake_secret, hl, "derived",
					 empty_hash, hl, out->derived_handshake) != 0)
		goto out;
	if (keysched_hkdf_extract(digest, out->derived_handshake, hl, zeros, hl,
				  out->master_secret, &n) != 0)
		goto out;
	if (keysched_tls13_derive_secret(digest, out->master_secret, hl, "c ap traffic",
					 finished_hash, hl, out->client_ap_traffic) != 0 ||
	    keysched_tls13_derive_secret(digest, out->master_secret, hl, "s ap traffic",
					 finished_hash, hl, out->server_ap_traffic) != 0 ||
	    keysched_tls13_derive_secret(digest, out->master_secret, hl, "exp master",
					 finished_hash, hl, out->exporter_master) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		OPENSSL_cleanse(out, sizeof *out);
	return rc;
}

/* see keysched.h */
int keysched_tls13_traffic_keys(const char *digest, const uint8_t *traffic_secret,
				size_t slen, size_t key_len, uint8_t *key, uint8_t iv[12])
{
	if (key == NULL || iv == NULL || (key_len != 16 && key_len != 32))
		return -1;
	if (keysched_hkdf_expand_label(digest, traffic_secret, slen, "key", NULL, 0, key,
				       key_len) != 0)
		return -1;
	return keysched_hkdf_expand_label(digest, traffic_secret, slen, "iv", NULL, 0, iv, 12);
}

/* see keysched.h */
int keysched_tls13_finished(const char *digest, const uint8_t *base_key, size_t slen,
			    const uint8_t *transcript_hash, size_t hlen, uint8_t *out,
			    size_t *outlen)
{
	uint8_t finished_key[KEYSCHED_MAX_HASH];
	size_t hl = md_size(digest);
	int rc = -1;

	if (hl == 0 || transcript_hash == NULL || hlen != hl || out == NULL ||
	    outlen == NULL || *outlen < hl)
		return -1;
	if (keysched_hkdf_expand_label(digest, base_key, slen, "finished", NULL, 0,
				       finished_key, hl) != 0)
		goto out;
	/* verify_data = HMAC(finished_key, Transcript-Hash) (RFC 8446 section 4.4.4) */
	if (hmac(digest_md(digest), finished_key, hl, &transcript_hash, &hlen, 1, out) != 0)
		goto out;
	*outlen = hl;
	rc = 0;
out:
	OPENSSL_cleanse(finished_key, sizeof finished_key);
	return rc;
}

/* see keysched.h */
int keysched_tls13_decrypt(const uint8_t *key, size_t key_len, const uint8_t iv[12],
			   uint64_t seq, const uint8_t *record, size_t record_len,
			   uint8_t *out, size_t *out_len, uint8_t *inner_type)
{
	uint8_t nonce[12];
	uint8_t seqbytes[12] = {0};
	size_t body;
	size_t clen;

	if (iv == NULL || out == NULL || out_len == NULL || inner_type == NULL ||
	    record_body_len(record, record_len, &body) != 0 || body <= GCM_TAG)
		return -1;
	clen = body - GCM_TAG;
	if (clen > *out_len)
		return -1;
	put_be(seqbytes + 4, seq, 8);
	for (size_t i = 0; i < sizeof nonce; i++)
		nonce[i] = iv[i] ^ seqbytes[i];
	if (keysched_gcm_open(key, key_len, nonce, record, RECORD_HEADER,
			      record + RECORD_HEADER, clen, record + record_len - GCM_TAG,
			      out) != 0)
		return -1;
	/* TLSInnerPlaintext = content || type || zeros: the last non-zero byte
	 * is the type; an all-zero plaintext is an error (RFC 8446 5.4) */
	while (clen > 0 && out[clen - 1] == 0)
		clen--;
	if (clen == 0)
		return -1;
	*inner_type = out[clen - 1];
	*out_len = clen - 1;
	return 0;
}

/* see keysched.h */
int keysched_rsa_decrypt_pms(EVP_PKEY *server_key, const uint8_t *enc, size_t enclen,
			     uint8_t *out, size_t *outlen)
{
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	size_t n;
	int rc = -1;

	if (server_key == NULL || enc == NULL || enclen == 0 || out == NULL || outlen == NULL)
		return -1;
	if (EVP_PKEY_get_size(server_key) <= 0)
		return -1;
	/* OpenSSL wants room for the largest possible plaintext: the modulus */
	cap = (size_t)EVP_PKEY_get_size(server_key);
	buf = malloc(cap);
	if (buf == NULL)
		goto out;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, server_key, NULL);
	if (ctx == NULL)
		goto out;
	if (EVP_PKEY_decrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1)
		goto out;
	n = cap;
	if (EVP_PKEY_decrypt(ctx, buf, &n, enc, enclen) != 1)
		goto out;
	if (n > *outlen)
		goto out;
	memcpy(out, buf, n);
	*outlen = n;
	rc = 0;
out:
	if (buf != NULL)
		OPENSSL_clear_free(buf, cap);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* see keysched.h */
int keysched_group_nid(uint16_t tls_group)
{
	switch (tls_group) {
	case 0x0017:
		return NID_X9_62_prime256v1;
	case 0x0018:
		return NID_secp384r1;
	case 0x0019:
		return NID_secp521r1;
	case 0x001d:
		return NID_X25519;
	case 0x001e:
		return NID_X448;
	default:
		return 0;
	}
}

/* A public key of the group from its handshake encoding. */
static EVP_PKEY *peer_key(const uint8_t *point, size_t plen, int group_nid)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];
	const char *group;

	if (group_nid == NID_X25519 || group_nid == NID_X448)
		return EVP_PKEY_new_raw_public_key(group_nid, NULL, point, plen);
	group = OSSL_EC_curve_nid2name(group_nid);
	if (group == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, plen);
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL)
		goto out;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* see keysched.h */
int keysched_ecdh(EVP_PKEY *priv, const uint8_t *peer_point, size_t plen, int group_nid,
		  uint8_t *out, size_t *outlen)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *peer = NULL;
	size_t n = 0;
	int rc = -1;

	if (priv == NULL || peer_point == NULL || plen == 0 || out == NULL || outlen == NULL)
		return -1;
	peer = peer_key(peer_point, plen, group_nid);
	if (peer == NULL)
		goto out;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
	if (ctx == NULL)
		goto out;
	/* set_peer also checks the peer's key belongs to our group and curve */
	if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, peer) != 1)
		goto out;
	if (EVP_PKEY_derive(ctx, NULL, &n) != 1 || n > *outlen)
		goto out;
	if (EVP_PKEY_derive(ctx, out, &n) != 1)
		goto out;
	*outlen = n;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return rc;
}

/* How a TLS SignatureScheme signs: key type, digest, padding. */
struct sigscheme {
	int code;
	const char *keytype; /* EVP_PKEY_is_a name */
	const char *md;      /* NULL for EdDSA */
	int padding;         /* RSA padding, 0 for non-RSA */
};

static const struct sigscheme sigschemes[] = {
	{0x0401, "RSA", "SHA256", RSA_PKCS1_PADDING},
	{0x0501, "RSA", "SHA384", RSA_PKCS1_PADDING},
	{0x0601, "RSA", "SHA512", RSA_PKCS1_PADDING},
	{0x0201, "RSA", "SHA1", RSA_PKCS1_PADDING},
	{0x0804, "RSA", "SHA256", RSA_PKCS1_PSS_PADDING},
	{0x0805, "RSA", "SHA384", RSA_PKCS1_PSS_PADDING},
	{0x0806, "RSA", "SHA512", RSA_PKCS1_PSS_PADDING},
	{0x0809, "RSA-PSS", "SHA256", RSA_PKCS1_PSS_PADDING},
	{0x080a, "RSA-PSS", "SHA384", RSA_PKCS1_PSS_PADDING},
	{0x080b, "RSA-PSS", "SHA512", RSA_PKCS1_PSS_PADDING},
	{0x0403, "EC", "SHA256", 0},
	{0x0503, "EC", "SHA384", 0},
	{0x0603, "EC", "SHA512", 0},
	{0x0203, "EC", "SHA1", 0},
	{0x0807, "ED25519", NULL, 0},
	{0x0808, "ED448", NULL, 0},
};

/* see keysched.h */
int keysched_verify_signature(EVP_PKEY *pub, int sigalg, const uint8_t *tbs, size_t tbslen, const uint8_t *sig,
			      size_t siglen)
{
	const struct sigscheme *s = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -1;

	if (pub == NULL || tbs == NULL || tbslen == 0 || sig == NULL || siglen == 0)
		return -1;
	for (size_t i = 0; i < sizeof sigschemes / sizeof sigschemes[0]; i++)
		if (sigschemes[i].code == sigalg)
			s = &sigschemes[i];
	if (s == NULL || !EVP_PKEY_is_a(pub, s->keytype))
		return -1;
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL)
		goto out;
	if (EVP_DigestVerifyInit_ex(mctx, &pctx, s->md, NULL, NULL, pub, NULL) != 1)
		goto out;
	if (s->padding != 0 && EVP_PKEY_CTX_set_rsa_padding(pctx, s->padding) != 1)
		goto out;
	/* TLS fixes the PSS salt to the digest length (RFC 8446 4.2.3) */
	if (s->padding == RSA_PKCS1_PSS_PADDING && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)
		goto out;
	if (EVP_DigestVerify(mctx, sig, siglen, tbs, tbslen) != 1)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

/* see keysched.h */
int keysched_verify_ske_signature(EVP_PKEY *server_pub, int sigalg, const uint8_t client_random[32],
				  const uint8_t server_random[32], const uint8_t *params, size_t plen, const uint8_t *sig,
				  size_t siglen)
{
	uint8_t *tbs;
	int rc;

	if (client_random == NULL || server_random == NULL || params == NULL || plen == 0)
		return -1;
	tbs = malloc(64 + plen);
	if (tbs == NULL)
		return -1;
	memcpy(tbs, client_random, 32);
	memcpy(tbs + 32, server_random, 32);
	memcpy(tbs + 64, params, plen);
	rc = keysched_verify_signature(server_pub, sigalg, tbs, 64 + plen, sig, siglen);
	free(tbs);
	return rc;
}

/* see keysched.h */
size_t keysched_tls13_cv_content(int server, const uint8_t *transcript_hash, size_t hlen, uint8_t *out, size_t outlen)
{
	const char *ctx = server ? "TLS 1.3, server CertificateVerify" : "TLS 1.3, client CertificateVerify";
	size_t clen = strlen(ctx);
	size_t n = 64 + clen + 1 + hlen;

	if (n > outlen)
		return 0;
	memset(out, 0x20, 64);
	memcpy(out + 64, ctx, clen);
	out[64 + clen] = 0;
	memcpy(out + 64 + clen + 1, transcript_hash, hlen);
	return n;
}
