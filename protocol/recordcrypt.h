/* Record protection by the negotiated cipher suite: how an encrypted record
 * is laid out on the wire, and opening one with keys httpsviz derived itself.
 *
 * Three families, each as its RFC says:
 *  - AES-GCM (RFC 5288; TLS 1.3: RFC 8446 section 5.2): TLS 1.2 records carry
 *    an 8-byte explicit nonce, then ciphertext, then a 16-byte tag; the nonce
 *    is the 4-byte implicit IV of the key block followed by the explicit part.
 *  - ChaCha20-Poly1305 (RFC 7905): no explicit nonce; nonce = the 12-byte IV
 *    of the key block XOR the sequence number (left-padded); 16-byte tag.
 *  - AES-CBC with HMAC-SHA1/SHA256/SHA384 (RFC 5246 section 6.2.3.2): each
 *    record starts with a 16-byte IV.  MAC-then-encrypt by default: the HMAC
 *    and the padding are inside the encryption.  With encrypt_then_mac
 *    (RFC 7366) the HMAC covers the IV and the ciphertext and follows them in
 *    the clear.
 * In TLS 1.2 the AEAD additional data is seq (8) || type || version (2) ||
 * plaintext length (2); in TLS 1.3 it is the 5-byte record header, and the
 * plaintext ends with the real content type and optional zero padding.
 * A suite not in the table is not decoded: callers say so, never guess. */
#ifndef HTTPSVIZ_RECORDCRYPT_H
#define HTTPSVIZ_RECORDCRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/event.h"

enum recordcrypt_kind {
	RECORDCRYPT_AES_GCM,
	RECORDCRYPT_CHACHA20_POLY1305,
	RECORDCRYPT_AES_CBC,
};

/* What record protection a suite uses. */
struct recordcrypt_suite {
	uint16_t id;             /* IANA number */
	enum recordcrypt_kind kind;
	int tls13;               /* a TLS 1.3 suite */
	const char *cipher;      /* OpenSSL's cipher name: "AES-128-GCM", "ChaCha20-Poly1305", "AES-256-CBC" */
	size_t key_len;          /* encryption key: 16 or 32 */
	size_t fixed_iv_len;     /* IV from the key schedule: 4 (GCM 1.2), 12 (ChaCha20, TLS 1.3), 0 (CBC) */
	const char *mac;         /* CBC: the HMAC hash "SHA1", "SHA256", "SHA384"; NULL for AEAD */
	size_t mac_len;          /* CBC: 20, 32, 48; 0 for AEAD */
};

/* Where the parts of an encrypted record's fragment are. */
struct recordcrypt_layout {
	const char *head_name;   /* "explicit_nonce" (GCM 1.2), "iv" (CBC), or NULL */
	size_t head_len;         /* 8, 16 or 0 */
	const char *tail_name;   /* "tag" (AEAD), "mac" (CBC with encrypt_then_mac), or NULL (MtE) */
	size_t tail_len;         /* 16, the MAC size, or 0 */
	size_t block;            /* CBC: the ciphertext is a multiple of 16; else 1 */
	size_t min_len;          /* the smallest possible fragment */
};

/* Everything one recordcrypt_open did, for the texts and the tests. */
struct recordcrypt_result {
	const struct recordcrypt_suite *suite;
	int tls13;
	int etm;
	uint64_t seq;
	struct recordcrypt_layout lay;
	uint8_t nonce[12];       /* AEAD: the nonce used */
	uint8_t aad[13];         /* TLS 1.2: seq, type, version, length; TLS 1.3: the header */
	size_t aad_len;
	size_t ct_len;           /* encrypted bytes (CBC: including MAC and padding when MtE) */
	size_t pad_len;          /* CBC: padding bytes including the length byte; TLS 1.3: zero padding */
	size_t plain_len;        /* the content, without MAC, padding or inner type */
	uint8_t inner_type;      /* TLS 1.3: the real content type; TLS 1.2: the header's */
	int auth_ok;             /* the tag (AEAD) or the HMAC (CBC) verified */
	int pad_ok;              /* CBC: the padding was well formed */
	const char *error;       /* NULL, or what went wrong, in words */
};

/* The record protection of a suite, or NULL when httpsviz does not decode
 * it (never guessed from a similar suite). */
const struct recordcrypt_suite *recordcrypt_suite(uint16_t id);

/* The layout of an encrypted fragment for suite s; etm only matters for
 * CBC.  0, or -1 when s is NULL. */
int recordcrypt_layout(const struct recordcrypt_suite *s, int etm, struct recordcrypt_layout *out);

/* 1 when this ServerHello (the 4-byte handshake header included) carries
 * the encrypt_then_mac extension (22, RFC 7366), else 0 (also when
 * malformed). */
int recordcrypt_hello_etm(const uint8_t *msg, size_t len);

/* Open one whole record as on the wire (5-byte header + fragment) with the
 * keys of its direction: key (s->key_len bytes), iv (s->fixed_iv_len bytes;
 * unused for CBC), mac_key (s->mac_len bytes; CBC only).  seq is the
 * record's sequence number in its direction.  out needs record_len bytes.
 * Returns 0 with the content in out[0..*out_len), or -1 (then res->error
 * says why; out is zeroed).  res is always filled. */
int recordcrypt_open(const struct recordcrypt_suite *s, int tls13, int etm, const uint8_t *key,
		     const uint8_t *iv, const uint8_t *mac_key, uint64_t seq, const uint8_t *record,
		     size_t record_len, uint8_t *out, size_t *out_len, struct recordcrypt_result *res);

/* Add the fields that explain an open to a kex.record_decrypt event: the
 * explicit nonce or IV, the nonce, the additional data or MAC input, the
 * function, and the tag or MAC and padding verdicts.  record is the record
 * that was opened (for the bytes shown). */
void recordcrypt_fields(struct event *ev, const struct recordcrypt_result *r, const uint8_t *record,
			size_t record_len);

#endif
