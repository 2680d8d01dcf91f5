/* What an OpenSSL TLS error really means, in one line a learner can trust.
 *
 * OpenSSL reports a failed handshake as a reason code (ERR_GET_REASON) with
 * terse text ("wrong version number").  This module maps each reason to its
 * meaning, using what the peer really sent (its first bytes, the header of
 * the last record read) where the meaning depends on it, and where it is
 * not certain it says OpenSSL's reason plainly instead of guessing.  An
 * alert from the peer (reason 1000 + its description) is named from the
 * TLS alert registry, an unknown one by its number. */
#ifndef HTTPSVIZ_TLSERROR_H
#define HTTPSVIZ_TLSERROR_H

#include <stddef.h>
#include <stdint.h>

/* What kind of failure it is. */
enum tlserror_class {
	TLSERROR_UNKNOWN,   /* a reason this table does not explain: say OpenSSL's */
	TLSERROR_NOT_TLS,   /* the peer does not speak TLS (HTTP, garbage) */
	TLSERROR_VERSION,   /* no protocol version both accept */
	TLSERROR_PARAMS,    /* no suite, group or signature algorithm in common */
	TLSERROR_INTEGRITY, /* a record MAC/tag or a signature did not verify */
	TLSERROR_SEQUENCE,  /* a message or record where it is not allowed */
	TLSERROR_MALFORMED, /* lengths or fields that do not parse */
	TLSERROR_ALERT,     /* the peer ended it with an alert */
	TLSERROR_LOCAL,     /* this side's own configuration */
};

/* What the explanation may use; pointers may be NULL. */
struct tlserror_ctx {
	int reason;                 /* ERR_GET_REASON() of OpenSSL's error */
	const char *openssl_text;   /* OpenSSL's text (ERR_error_string_n), for the line */
	int server_side;            /* this side is the server */
	const char *allowed;        /* the versions this side allows, e.g. "TLS 1.2" */
	const uint8_t *first;       /* the peer's first bytes */
	size_t first_len;
	const uint8_t *last_header; /* the 5-byte header of the last record read */
	int last_is_first;          /* ...and it was the peer's first record */
	uint16_t agreed_version;    /* the negotiated version, 0 when none yet */
};

/* Explain ctx->reason in one line into buf (NUL-terminated, printable
 * ASCII only); returns its class.  For TLSERROR_UNKNOWN the line is
 * OpenSSL's text, or "OpenSSL reason N" without one. */
enum tlserror_class tlserror_explain(const struct tlserror_ctx *ctx, char *buf, size_t n);

/* The meaning of a TLS alert description in a few words ("it does not
 * trust the issuer of the certificate"), or NULL for an unknown one. */
const char *tlserror_alert_meaning(uint8_t desc);

#endif
