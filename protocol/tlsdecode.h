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
 * records: content_type, version, length, explicit_nonce, ciphertext, tag,
 * encrypted_record; alerts: level, description. */
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
};

/* Decode one handshake message exactly as OpenSSL's msg callback reports it
 * (type, u24 length, body) from ev->raw.  ctx may be NULL (TLS 1.2, RSA).
 * Returns 0, or -1 when malformed (with an "error" field). */
int tlsdecode_handshake(struct event *ev, const struct tlsdecode_ctx *ctx);
/* Decode a ChangeCipherSpec payload: one byte of value 1.  0 or -1. */
int tlsdecode_ccs(struct event *ev);
/* Decode an alert payload: level and description.  0 or -1. */
int tlsdecode_alert(struct event *ev);
/* Decode one whole TLS record as on the wire (5-byte header + fragment).
 * Encrypted fragments are shown as TLS 1.2 AES-GCM (explicit nonce,
 * ciphertext, tag) or, with tls13, as a TLS 1.3 encrypted record.  A raw of
 * exactly 5 bytes is taken as a record header alone (OpenSSL's
 * SSL3_RT_HEADER).  0 or -1. */
int tlsdecode_record(struct event *ev, int tls13);

/* The event name for a handshake type (EV_TLS_HANDSHAKE_UNKNOWN if none). */
enum evname tlsdecode_handshake_event(uint8_t hs_type);

/* One line describing the handshake message msg (header included) into buf
 * (always NUL-terminated when n > 0; sanitised, cut at n - 1 bytes), e.g.
 * "ClientHello TLS 1.3, 31 suites, SNI localhost".  Returns 0, or -1 when
 * the message is malformed (the line then says so). */
int tlsdecode_summary(const uint8_t *msg, size_t len, const struct tlsdecode_ctx *ctx,
		      char *buf, size_t n);
/* tlsdecode_handshake() and tlsdecode_summary() in one decode: the fields
 * into ev, the line into buf.  Returns what tlsdecode_summary() would. */
int tlsdecode_handshake_summary(struct event *ev, const struct tlsdecode_ctx *ctx, char *buf, size_t n);

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
