/* Bounds-checked decoder of TLS records and messages into event fields.
 *
 * Every decoder reads ev->raw through a cursor (protocol/cursor.h) and adds
 * fields (protocol/event.h) whose offsets are relative to ev->raw, nested by
 * depth.  On malformed input a decoder keeps the fields decoded so far, adds
 * one field named "error" saying what is wrong and at which offset, and
 * returns -1.  No input makes a decoder read outside ev->raw.
 *
 * Field names are short lower_snake: handshake_type, length, legacy_version,
 * random (children gmt_unix_time, random_bytes; hello_retry_request,
 * downgrade_sentinel), session_id, cipher_suites / cipher_suite,
 * compression_methods / compression_method, extensions (one child per
 * extension, named after it: server_name > host_name, supported_groups >
 * group, signature_algorithms > signature_algorithm, key_share >
 * key_share_entry > group + key_exchange, supported_versions > version or
 * selected_version, ...), certificates > certificate > serial_number,
 * issuer, validity > not_before + not_after, subject, san, public_key,
 * signature_algorithm; curve_type, named_group, public_key, signature,
 * encrypted_pre_master, verify_data, ticket_lifetime, ticket, request_update;
 * records: content_type, version (legacy_record_version in TLS 1.3), length,
 * protection, explicit_nonce / iv, ciphertext, tag / mac, encrypted_record,
 * encrypted_fragment; alerts: level, description. */
#ifndef HTTPSVIZ_TLSDECODE_H
#define HTTPSVIZ_TLSDECODE_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/event.h"

/* What the bytes alone do not say.  ClientKeyExchange and ServerKeyExchange
 * bodies do not name their key exchange; Certificate, NewSessionTicket and
 * CertificateRequest have different layouts in TLS 1.3. */
struct tlsdecode_ctx {
	int tls13;     /* the connection negotiated TLS 1.3 */
	int kex_ecdhe; /* TLS 1.2 key exchange is ECDHE (else RSA; a
			  ServerKeyExchange without it is read as DHE) */
	/* The ClientHello a ServerHello or EncryptedExtensions answers
	 * (handshake header included), or NULL: with it the decoder says
	 * which of the client's key shares and ALPN protocols the server
	 * took. */
	const uint8_t *client_hello;
	size_t client_hello_len;
	int server_local; /* the server runs in this process, on this OpenSSL */
};

/* Where a part lies in a handshake message (offsets from its first byte,
 * the 4-byte header included); len 0: not in this message. */
struct tlsdecode_span {
	size_t off;
	size_t len;
};

#define TLSDECODE_MAX_SHARES 8

/* What the key-exchange views need of a handshake message, found by the
 * same decode that gives the event its fields (so no other module parses
 * TLS messages).  Zero / empty spans for what the message does not carry. */
struct tlsdecode_keys {
	uint8_t type;                   /* the handshake type */
	uint16_t version;               /* ClientHello: highest offered; ServerHello: chosen */
	struct tlsdecode_span random;   /* ClientHello, ServerHello */
	int hrr;                        /* the ServerHello is a HelloRetryRequest */
	int ems;                        /* extended_master_secret extension present */
	size_t nshares;                 /* key_share entries (ClientHello: each offered;
					 * ServerHello: the chosen one) */
	struct {
		uint16_t group;
		struct tlsdecode_span key;
	} share[TLSDECODE_MAX_SHARES];
	uint16_t group;                 /* ServerKeyExchange (ECDHE): named_group */
	struct tlsdecode_span point;    /* ServerKeyExchange: the server's public point;
					 * ClientKeyExchange: the client's point (ECDHE) or
					 * its EncryptedPreMasterSecret (RSA) */
	struct tlsdecode_span params;   /* ServerKeyExchange: curve type .. point, what
					 * the signature covers with the randoms */
	uint16_t sigalg;                /* ServerKeyExchange, CertificateVerify */
	struct tlsdecode_span signature;
};

/* Longest summary tlsdecode_handshake() gives an event, with its NUL. */
#define TLSDECODE_SUMMARY_MAX 160

/* Decode one handshake message exactly as OpenSSL's msg callback reports it
 * (type, u24 length, body) from ev->raw: its fields, its one-line summary
 * (replacing ev->summary; see tlsdecode_summary) and, for a ServerHello, the
 * version it selects (ev->tls_version) -- one decode serves them all.  ctx
 * may be NULL (TLS 1.2, RSA).  Returns 0, or -1 when malformed (with an
 * "error" field). */
int tlsdecode_handshake(struct event *ev, const struct tlsdecode_ctx *ctx);
/* The same decode, also giving the message's key-exchange parts in keys
 * (may be NULL). */
int tlsdecode_handshake_keys(struct event *ev, const struct tlsdecode_ctx *ctx,
			     struct tlsdecode_keys *keys);
/* The key-exchange parts alone, for a message that has no event (the
 * client's captured transcript).  0, or -1 when malformed (keys then holds
 * what was read before the error). */
int tlsdecode_keys(const uint8_t *msg, size_t len, const struct tlsdecode_ctx *ctx,
		   struct tlsdecode_keys *keys);
/* Decode a ChangeCipherSpec payload: one byte of value 1.  0 or -1.  Sets
 * ev->wire to WIRE_CLEAR: the record is never protected. */
int tlsdecode_ccs(struct event *ev);
/* Decode an alert payload: level and description, also as ev->alert.
 * 0 or -1. */
int tlsdecode_alert(struct event *ev);
/* What a connection's record layer uses, for reading encrypted fragments. */
struct tlsdecode_rec {
	int tls13;      /* TLS 1.3 record rules */
	uint16_t suite; /* the negotiated cipher suite (IANA), 0 when not known */
	int etm;        /* encrypt_then_mac was negotiated (RFC 7366; CBC suites) */
};

/* Decode one whole TLS record as on the wire (5-byte header + fragment).
 * An encrypted fragment is taken apart by the suite's real layout
 * (protocol/recordcrypt.h: GCM explicit nonce + ciphertext + tag, ChaCha20
 * ciphertext + tag, CBC IV + ciphertext [+ HMAC with encrypt_then_mac], TLS
 * 1.3 ciphertext + tag); with no suite, or one httpsviz does not decode, it
 * is one "encrypted_fragment" field that says so.  rc may be NULL (TLS 1.2,
 * no suite).  A raw of exactly 5 bytes is taken as a record header alone
 * (OpenSSL's SSL3_RT_HEADER).  Sets ev->wire from the record (and ev->alert
 * for a plaintext alert).  0 or -1. */
int tlsdecode_record(struct event *ev, const struct tlsdecode_rec *rc);

/* On a ServerHello event (ev->raw, header included), add the field
 * "client_rank": where the chosen suite stood in this ClientHello's offer
 * (header included), counting real suites only (no SCSV, no GREASE), e.g.
 * "24 of the client's 27 suites".  0, or -1 when either message does not
 * parse or the suite was not offered. */
int tlsdecode_offer_rank(struct event *ev, const uint8_t *client_hello, size_t len);

/* Whether this process's OpenSSL can use the named TLS group (e.g.
 * "X25519MLKEM768") in a handshake. */
int tlsdecode_openssl_has_group(const char *name);

/* What decides whether the record that carried a message was encrypted. */
struct tlsdecode_wire {
	int tls13;              /* the connection is TLS 1.3 */
	int after_server_hello; /* the ServerHello has been sent or received */
	int after_ccs;          /* the sender has sent its ChangeCipherSpec */
	int record_type;        /* the carrying record's outer content type when
				 * known (0: not known; then the state above decides) */
	size_t record_len;      /* and its fragment length */
	int received;           /* this side read it (the words say "peer"),
				 * rather than wrote it ("sender") */
};
/* The one place that decides whether the record carrying a handshake
 * message (content_type 22, ev->raw the message) or an alert (21) was
 * encrypted: sets ev->wire and adds the field on_the_wire saying why.  The
 * record itself decides when w->record_type is known (TLS 1.3: outer type
 * 23; TLS 1.2: an alert longer than 2 bytes, a Finished); otherwise the
 * protocol's rule (TLS 1.2: after the sender's ChangeCipherSpec; TLS 1.3:
 * everything after the ServerHello). */
void tlsdecode_wire(struct event *ev, int content_type, const struct tlsdecode_wire *w);

/* The event name for a handshake type (EV_TLS_HANDSHAKE_UNKNOWN if none). */
enum evname tlsdecode_handshake_event(uint8_t hs_type);

/* One line describing the handshake message msg (header included) into buf
 * (always NUL-terminated when n > 0; sanitised, cut at n - 1 bytes), e.g.
 * "ClientHello TLS 1.3, 30 suites + SCSV, SNI localhost".  Returns 0, or -1 when
 * the message is malformed (the line then says so). */
int tlsdecode_summary(const uint8_t *msg, size_t len, const struct tlsdecode_ctx *ctx,
		      char *buf, size_t n);

/* Name tables: the registered name of a value, or NULL when unknown.
 * GREASE values (RFC 8701) are named "GREASE". */
const char *tlsdecode_cipher_name(uint16_t suite);      /* IANA name */
const char *tlsdecode_ext_name(uint16_t ext);
const char *tlsdecode_group_name(uint16_t group);
const char *tlsdecode_sigalg_name(uint16_t sigalg);
const char *tlsdecode_alert_name(uint8_t desc);
const char *tlsdecode_handshake_name(uint8_t hs_type);  /* "ClientHello" */
/* 20..24, and OpenSSL's pseudo types 256 (SSL3_RT_HEADER, "record header")
 * and 257 (SSL3_RT_INNER_CONTENT_TYPE, "inner content type"). */
const char *tlsdecode_content_type_name(int type);
const char *tlsdecode_version_name(uint16_t version);  /* "TLS 1.2" */

#endif
