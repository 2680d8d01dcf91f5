/* The key schedule, recomputed independently of the TLS stack.
 *
 * Pure functions over bytes built on OpenSSL's EVP primitives (EVP_KDF
 * "TLS1-PRF" and "HKDF", EVP_MD, EVP_CIPHER AES-GCM, EVP_PKEY): never on
 * libssl.  The engine feeds them what it captured (keylog secrets, handshake
 * messages, wire records) and shows that its own numbers equal OpenSSL's.
 *
 * Conventions: every function returns 0 on success and -1 on any failure
 * (bad argument, OpenSSL error, a tag or signature that does not verify).
 * `digest` is an OpenSSL digest name: "SHA256" or "SHA384" for the TLS 1.2
 * PRF and the TLS 1.3 hash of the cipher suite.  Where a size_t *outlen
 * follows an output buffer it is in/out: on entry the buffer's capacity, on
 * success the number of bytes written.  On failure outputs hold no secret
 * (they are zeroed where it matters: a failed decryption never leaves
 * unauthenticated plaintext behind). */
#ifndef HTTPSVIZ_KEYSCHED_H
#define HTTPSVIZ_KEYSCHED_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define KEYSCHED_MAX_HASH 64 /* largest digest we accept (SHA-512) */

/* ---- TLS 1.2 (RFC 5246, RFC 7627) ---- */

/* PRF(secret, label, seed) = P_<digest>(secret, label || seed), outlen bytes
 * (RFC 5246 section 5). */
int keysched_prf(const char *digest, const uint8_t *secret, size_t slen,
		 const char *label, const uint8_t *seed, size_t seedlen,
		 uint8_t *out, size_t outlen);

/* The textbook master secret: PRF(pms, "master secret", client_random ||
 * server_random)[0..48] (RFC 5246 section 8.1).  Only what OpenSSL computes
 * when extended master secret was NOT negotiated. */
int keysched_master_secret(const char *digest, const uint8_t *pms, size_t pmslen,
			   const uint8_t client_random[32],
			   const uint8_t server_random[32], uint8_t out[48]);

/* The extended master secret: PRF(pms, "extended master secret",
 * session_hash)[0..48] (RFC 7627 section 4). */
int keysched_ems_master_secret(const char *digest, const uint8_t *pms, size_t pmslen,
			       const uint8_t *session_hash, size_t hlen,
			       uint8_t out[48]);

/* Hash of the concatenated handshake messages, each with its 4-byte header:
 * ClientHello..ClientKeyExchange gives the EMS session hash, all messages
 * before a Finished give that Finished's handshake hash (TLS 1.3: the
 * Transcript-Hash).  len may be 0 (Hash of the empty string). */
int keysched_session_hash(const char *digest, const uint8_t *transcript, size_t len,
			  uint8_t *out, size_t *outlen);

/* The key block split in RFC 5246 section 6.3 order. */
struct keysched_keys {
	uint8_t client_mac[48], server_mac[48];
	size_t mac_len; /* 0 for AEAD suites */
	uint8_t client_key[32], server_key[32];
	size_t key_len; /* 16 or 32 for AES-128/256 */
	uint8_t client_iv[16], server_iv[16];
	size_t iv_len; /* 4 for AES-GCM: the implicit part (salt) of the nonce */
};

/* key_block = PRF(ms, "key expansion", server_random || client_random), cut
 * into client MAC, server MAC, client key, server key, client IV, server IV.
 * Note the randoms are in the opposite order to the master secret's seed. */
int keysched_key_block(const char *digest, const uint8_t ms[48],
		       const uint8_t client_random[32], const uint8_t server_random[32],
		       size_t mac_len, size_t key_len, size_t iv_len,
		       struct keysched_keys *out);

/* verify_data = PRF(ms, "client finished" or "server finished",
 * handshake_hash)[0..12] (RFC 5246 section 7.4.9). */
int keysched_finished(const char *digest, const uint8_t ms[48], int from_client,
		      const uint8_t *handshake_hash, size_t hlen, uint8_t out[12]);

/* ---- AES-GCM records ---- */

/* AES-GCM open: key_len 16 or 32, a 12-byte nonce, 16-byte tag.  out needs
 * ctlen bytes.  -1 when the tag does not verify (out is then zeroed). */
int keysched_gcm_open(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
		      const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t ctlen,
		      const uint8_t tag[16], uint8_t *out);

/* Decrypt one whole TLS 1.2 AES-GCM record as it was on the wire: 5-byte
 * header, 8-byte explicit nonce, ciphertext, 16-byte tag.  Nonce = iv4 ||
 * explicit nonce; AAD = seq (8, big-endian) || type || version (2) ||
 * plaintext length (2) (RFC 5288 section 3, RFC 5246 section 6.2.3.3).
 * The header's length must match record_len. */
int keysched_tls12_gcm_decrypt(const uint8_t *key, size_t key_len, const uint8_t iv4[4],
			       uint64_t seq, const uint8_t *record, size_t record_len,
			       uint8_t *out, size_t *out_len);

/* ---- TLS 1.3 (RFC 8446 sections 7.1, 7.3, 5.2, 5.3, 4.4.4) ---- */

/* HKDF-Extract(salt, ikm) (RFC 5869); an empty salt means Hash.length zero
 * bytes.  *outlen receives Hash.length. */
int keysched_hkdf_extract(const char *digest, const uint8_t *salt, size_t saltlen,
			  const uint8_t *ikm, size_t ikmlen, uint8_t *out, size_t *outlen);

/* HKDF-Expand-Label(secret, label, context, outlen) with the "tls13 " prefix
 * added here: pass "c hs traffic", "key", "iv", "finished", "derived"... */
int keysched_hkdf_expand_label(const char *digest, const uint8_t *secret, size_t slen,
			       const char *label, const uint8_t *context, size_t clen,
			       uint8_t *out, size_t outlen);

/* Derive-Secret(secret, label, messages) = HKDF-Expand-Label(secret, label,
 * transcript_hash, Hash.length); the caller hashes the messages
 * (keysched_session_hash).  out receives Hash.length bytes. */
int keysched_tls13_derive_secret(const char *digest, const uint8_t *secret, size_t slen,
				 const char *label, const uint8_t *transcript_hash,
				 size_t hlen, uint8_t *out);

/* Every secret of the main key schedule, each hash_len bytes. */
struct keysched_tls13 {
	size_t hash_len;
	uint8_t early_secret[KEYSCHED_MAX_HASH];
	uint8_t derived_early[KEYSCHED_MAX_HASH];     /* salt of the handshake secret */
	uint8_t handshake_secret[KEYSCHED_MAX_HASH];
	uint8_t client_hs_traffic[KEYSCHED_MAX_HASH]; /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	uint8_t server_hs_traffic[KEYSCHED_MAX_HASH]; /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	uint8_t derived_handshake[KEYSCHED_MAX_HASH]; /* salt of the master secret */
	uint8_t master_secret[KEYSCHED_MAX_HASH];
	uint8_t client_ap_traffic[KEYSCHED_MAX_HASH]; /* CLIENT_TRAFFIC_SECRET_0 */
	uint8_t server_ap_traffic[KEYSCHED_MAX_HASH]; /* SERVER_TRAFFIC_SECRET_0 */
	uint8_t exporter_master[KEYSCHED_MAX_HASH];   /* EXPORTER_SECRET */
};

/* The RFC 8446 section 7.1 schedule from the (EC)DHE shared secret.  psk may
 * be NULL (no PSK: Hash.length zeros).  hello_hash = Hash(ClientHello ..
 * ServerHello), finished_hash = Hash(ClientHello .. server Finished), both
 * hlen = Hash.length bytes. */
int keysched_tls13_schedule(const char *digest, const uint8_t *psk, size_t psklen,
			    const uint8_t *shared, size_t shlen, const uint8_t *hello_hash,
			    const uint8_t *finished_hash, size_t hlen,
			    struct keysched_tls13 *out);

/* Traffic key = HKDF-Expand-Label(secret, "key", "", key_len) and iv =
 * HKDF-Expand-Label(secret, "iv", "", 12) (RFC 8446 section 7.3). */
int keysched_tls13_traffic_keys(const char *digest, const uint8_t *traffic_secret,
				size_t slen, size_t key_len, uint8_t *key, uint8_t iv[12]);

/* Finished verify_data = HMAC(finished_key, transcript_hash) with
 * finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length);
 * base_key is the sender's handshake traffic secret (RFC 8446 section 4.4.4). */
int keysched_tls13_finished(const char *digest, const uint8_t *base_key, size_t slen,
			    const uint8_t *transcript_hash, size_t hlen, uint8_t *out,
			    size_t *outlen);

/* Decrypt one whole TLS 1.3 record (AES-GCM): nonce = iv XOR seq (left-padded
 * to 12 bytes), AAD = the 5-byte record header.  Strips the zero padding and
 * returns the real content type in *inner_type; *out_len is the content
 * length.  -1 on a bad tag or a record that is all padding. */
int keysched_tls13_decrypt(const uint8_t *key, size_t key_len, const uint8_t iv[12],
			   uint64_t seq, const uint8_t *record, size_t record_len,
			   uint8_t *out, size_t *out_len, uint8_t *inner_type);

/* ---- Public-key steps ---- */

/* RSA PKCS#1 v1.5 decryption of the EncryptedPreMasterSecret (the
 * ClientKeyExchange body after its 2-byte length).  A scratch buffer of the
 * modulus size is used inside, so out need only hold the result (48). */
int keysched_rsa_decrypt_pms(EVP_PKEY *server_key, const uint8_t *enc, size_t enclen,
			     uint8_t *out, size_t *outlen);

/* The OpenSSL NID of a TLS NamedGroup (0x0017 secp256r1, 0x0018 secp384r1,
 * 0x0019 secp521r1, 0x001d x25519, 0x001e x448), or 0 if unknown. */
int keysched_group_nid(uint16_t tls_group);

/* (EC)DH with our private key and the peer's public value as it appears in
 * the handshake (uncompressed point for NIST curves, 32/56 raw bytes for
 * X25519/X448).  The result is the pre-master secret (TLS 1.2, the
 * x-coordinate for NIST curves) or the (EC)DHE input of TLS 1.3. */
int keysched_ecdh(EVP_PKEY *priv, const uint8_t *peer_point, size_t plen, int group_nid,
		  uint8_t *out, size_t *outlen);

/* Verify a TLS 1.2 ServerKeyExchange signature: it covers client_random ||
 * server_random || params, params being the ServerECDHParams bytes (curve
 * type, named curve, point) (RFC 8422 section 5.4).  sigalg is the TLS
 * SignatureScheme: 0x0401/0501/0601 rsa_pkcs1_sha256/384/512, 0x0804/05/06
 * rsa_pss_rsae_*, 0x0809/0a/0b rsa_pss_pss_*, 0x0403/0503/0603
 * ecdsa_*_sha256/384/512, 0x0807 ed25519, 0x0808 ed448.  0 only when valid. */
int keysched_verify_ske_signature(EVP_PKEY *server_pub, int sigalg,
				  const uint8_t client_random[32],
				  const uint8_t server_random[32], const uint8_t *params,
				  size_t plen, const uint8_t *sig, size_t siglen);
/* Verify a signature made with a TLS SignatureScheme (the codes above) over
 * tbs with the public key pub.  0 only when valid. */
int keysched_verify_signature(EVP_PKEY *pub, int sigalg, const uint8_t *tbs, size_t tbslen, const uint8_t *sig,
			      size_t siglen);
/* The content a TLS 1.3 CertificateVerify signs (RFC 8446 section 4.4.3):
 * 64 spaces (0x20), the context string ("TLS 1.3, server CertificateVerify"
 * or the client's), a zero byte, the transcript hash.  Written to out;
 * returns its length, 0 when outlen is too small. */
size_t keysched_tls13_cv_content(int server, const uint8_t *transcript_hash, size_t hlen, uint8_t *out,
				 size_t outlen);

#endif
