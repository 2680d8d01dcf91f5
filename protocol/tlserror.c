#include "protocol/tlserror.h"

#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "protocol/tlsdecode.h"

/* How a reason is explained. */
enum how {
	PLAIN,      /* the meaning as written */
	VERSIONS,   /* the meaning, then what this side allows */
	WRONG_VER,  /* depends on the record that carried it */
	TOO_LONG,   /* a record header announced too much */
	HTTP_REQ,   /* quote the peer's request line */
};

/* One OpenSSL reason and what it means (OpenSSL 3 ssl/record and
 * ssl/statem, RFC 5246, RFC 8446). */
struct reason {
	int reason;
	enum tlserror_class cls;
	enum how how;
	const char *meaning;     /* as the server sees it (or either side) */
	const char *as_client;   /* as the client sees it, when different */
};

static const struct reason reasons[] = {
	{SSL_R_WRONG_VERSION_NUMBER, TLSERROR_VERSION, WRONG_VER, NULL, NULL},
	{SSL_R_HTTP_REQUEST, TLSERROR_NOT_TLS, HTTP_REQ, NULL, NULL},
	{SSL_R_HTTPS_PROXY_REQUEST, TLSERROR_NOT_TLS, PLAIN,
	 "the peer does not speak TLS here: it sent an HTTP proxy request (CONNECT) to this TLS port", NULL},
	{SSL_R_PACKET_LENGTH_TOO_LONG, TLSERROR_MALFORMED, TOO_LONG, NULL, NULL},
	{SSL_R_ENCRYPTED_LENGTH_TOO_LONG, TLSERROR_MALFORMED, TOO_LONG, NULL, NULL},
	{SSL_R_DATA_LENGTH_TOO_LONG, TLSERROR_MALFORMED, TOO_LONG, NULL, NULL},
	{SSL_R_RECORD_LENGTH_MISMATCH, TLSERROR_MALFORMED, PLAIN,
	 "a record's length does not fit what its protection needs", NULL},
	{SSL_R_UNSUPPORTED_PROTOCOL, TLSERROR_VERSION, VERSIONS, "no TLS version in common: the client offered "
	 "only versions this side refuses", "no TLS version in common: the server chose a version this side "
	 "refuses"},
	{SSL_R_VERSION_TOO_LOW, TLSERROR_VERSION, VERSIONS, "no TLS version in common: the client offered only "
	 "versions older than this side accepts", "no TLS version in common: the server chose a version older "
	 "than this side accepts"},
	{SSL_R_VERSION_TOO_HIGH, TLSERROR_VERSION, VERSIONS, "no TLS version in common: the client's version "
	 "is newer than this side accepts", "no TLS version in common: the server chose a version newer than "
	 "this side accepts"},
	{SSL_R_BAD_PROTOCOL_VERSION_NUMBER, TLSERROR_VERSION, PLAIN, "the peer's hello carried a version "
	 "number that is not valid", NULL},
	{SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, TLSERROR_VERSION, VERSIONS, "no TLS version in common: the peer "
	 "answered with a protocol_version alert: it accepts none of the versions this side uses", NULL},
	{SSL_R_INAPPROPRIATE_FALLBACK, TLSERROR_VERSION, PLAIN, "the peer's TLS_FALLBACK_SCSV says this is a "
	 "retry at a lower version although a higher one was possible: a downgrade (RFC 7507)", NULL},
	{SSL_R_NO_PROTOCOLS_AVAILABLE, TLSERROR_LOCAL, PLAIN, "this side has no TLS version enabled", NULL},
	{SSL_R_NO_SHARED_CIPHER, TLSERROR_PARAMS, PLAIN, "no cipher suite in common: the client offered "
	 "none that the server has enabled", NULL},
	{SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, TLSERROR_PARAMS, PLAIN, "the peer answered with a "
	 "handshake_failure alert: it found no acceptable set of parameters (cipher suite, group, signature "
	 "algorithm...); the alert does not say which", NULL},
	{SSL_R_NO_SHARED_GROUPS, TLSERROR_PARAMS, PLAIN, "no key-exchange group in common", NULL},
	{SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS, TLSERROR_PARAMS, PLAIN, "no signature algorithm in common", NULL},
	{SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM, TLSERROR_PARAMS, PLAIN, "no signature algorithm in common "
	 "that fits the certificate's key", NULL},
	{SSL_R_MISSING_RSA_CERTIFICATE, TLSERROR_LOCAL, PLAIN, "the chosen suite needs an RSA certificate "
	 "and this side has none", NULL},
	{SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED, TLSERROR_PARAMS, PLAIN, "the peer does not support "
	 "secure renegotiation (RFC 5746) and this side requires it", NULL},
	{SSL_R_BAD_KEY_SHARE, TLSERROR_MALFORMED, PLAIN, "the peer's key share is not a valid key for its "
	 "group", NULL},
	{SSL_R_WRONG_CURVE, TLSERROR_PARAMS, PLAIN, "the peer used a group (curve) that was not offered", NULL},
	{SSL_R_UNSUPPORTED_ELLIPTIC_CURVE, TLSERROR_PARAMS, PLAIN, "the peer chose an elliptic curve this "
	 "side does not support", NULL},
	{SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC, TLSERROR_INTEGRITY, PLAIN, "a record failed its integrity "
	 "check: its tag or MAC did not verify with the agreed keys (bytes changed on the way, or the two "
	 "sides hold different keys)", NULL},
	{SSL_R_DECRYPTION_FAILED, TLSERROR_INTEGRITY, PLAIN, "a record could not be decrypted with the agreed "
	 "keys", NULL},
	{SSL_R_BAD_SIGNATURE, TLSERROR_INTEGRITY, PLAIN, "a signature in the handshake did not verify", NULL},
	{SSL_R_UNEXPECTED_MESSAGE, TLSERROR_SEQUENCE, PLAIN, "the peer sent a handshake message that is not "
	 "allowed at this point of the handshake", NULL},
	{SSL_R_UNEXPECTED_RECORD, TLSERROR_SEQUENCE, PLAIN, "the peer sent a record of a type that is not "
	 "allowed at this point", NULL},
	{SSL_R_BAD_RECORD_TYPE, TLSERROR_MALFORMED, PLAIN, "the peer sent a record of an unknown type", NULL},
	{SSL_R_LENGTH_MISMATCH, TLSERROR_MALFORMED, PLAIN, "the peer sent a malformed message: its lengths "
	 "do not add up", NULL},
	{SSL_R_LENGTH_TOO_SHORT, TLSERROR_MALFORMED, PLAIN, "the peer sent a malformed message: it is "
	 "shorter than its fields need", NULL},
	{SSL_R_BAD_LENGTH, TLSERROR_MALFORMED, PLAIN, "the peer sent a malformed message: a length field "
	 "is wrong", NULL},
	{SSL_R_BAD_PACKET, TLSERROR_MALFORMED, PLAIN, "the peer sent a malformed message", NULL},
	{SSL_R_RECORD_TOO_SMALL, TLSERROR_MALFORMED, PLAIN, "a record is too short for its protection", NULL},
	{SSL_R_EXCESSIVE_MESSAGE_SIZE, TLSERROR_MALFORMED, PLAIN, "the peer announced a handshake message "
	 "larger than this side accepts", NULL},
};

/* What a fatal alert from the peer says, by description (RFC 8446 section
 * 6.2, RFC 5246 section 7.2.2, RFC 7507). */
static const struct {
	uint8_t desc;
	const char *meaning;
} alerts[] = {
	{10, "it received a message it did not expect at that point"},
	{20, "a record from this side failed its integrity check"},
	{22, "a record from this side was too long"},
	{40, "it found no acceptable set of parameters; the alert does not say which"},
	{42, "it rejected a certificate"},
	{43, "it does not support that kind of certificate"},
	{44, "a certificate was revoked"},
	{45, "a certificate has expired or is not yet valid"},
	{46, "it could not accept a certificate, for a reason it does not name"},
	{47, "a field from this side had a value it does not accept"},
	{48, "it does not trust the issuer of the certificate"},
	{49, "access denied"},
	{50, "it could not parse a message from this side"},
	{51, "a signature or a Finished from this side did not verify"},
	{70, "it accepts none of the versions offered"},
	{71, "the parameters offered are too weak for it"},
	{80, "an error inside the peer, not caused by this side"},
	{86, "it saw a downgrade retry (TLS_FALLBACK_SCSV) it should not have received"},
	{90, "its user cancelled the handshake"},
	{109, "a required extension is missing"},
	{110, "this side answered with an extension that was not offered"},
	{112, "it does not know the server name asked for (SNI)"},
	{116, "it requires a client certificate"},
	{120, "no application protocol in common (ALPN)"},
};

/* see tlserror.h */
const char *tlserror_alert_meaning(uint8_t desc)
{
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
		if (alerts[i].desc == desc)
			return alerts[i].meaning;
	return NULL;
}

/* The table's entry for an OpenSSL reason, or NULL. */
static const struct reason *find(int reason)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].reason == reason)
			return &reasons[i];
	return NULL;
}

/* Printable ASCII from the start of p, at most n - 1 characters. */
static void printable(const uint8_t *p, size_t len, char *out, size_t n)
{
	size_t k = 0;

	for (; k < len && k + 1 < n && p[k] >= 0x20 && p[k] < 0x7f; k++)
		out[k] = (char)p[k];
	out[k] = '\0';
	/* the first line only */
	out[strcspn(out, "\r\n")] = '\0';
}

/* The name of a record version, or "unknown". */
static const char *ver_name(uint16_t v)
{
	const char *s = tlsdecode_version_name(v);

	return s != NULL ? s : "unknown";
}

/* " (OpenSSL: text)", or nothing when OpenSSL had no text for it. */
static void openssl_suffix(const struct tlserror_ctx *c, char *buf, size_t n)
{
	size_t len = strlen(buf);

	if (c->openssl_text == NULL || c->openssl_text[0] == '\0' || strstr(c->openssl_text, "reason(") != NULL)
		return;
	snprintf(buf + len, n - len, " (%s)", c->openssl_text);
}

/* Is this the start of a TLS record (a content type, major version 3)? */
static int tls_header(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] >= 20 && p[0] <= 24 && p[1] == 3;
}

/* "wrong version number": in OpenSSL 3 either the stream does not begin
 * like a TLS record, or a record after the first carried another version
 * than the one agreed. */
static enum tlserror_class wrong_version(const struct tlserror_ctx *c, char *buf, size_t n)
{
	const uint8_t *h = c->last_header;
	char line[48];

	if (c->first != NULL && c->first_len >= 3 && !tls_header(c->first, c->first_len)) {
		printable(c->first, c->first_len, line, sizeof line);
		if (c->first_len >= 5 && memcmp(c->first, "HTTP/", 5) == 0)
			snprintf(buf, n, "the peer does not speak TLS here: it answered in plain HTTP, \"%s\"", line);
		else
			snprintf(buf, n, "the peer does not speak TLS here: its first bytes were %02x %02x %02x, not a "
				 "TLS record header (a content type from 14 to 18 hex, then major version 03)", c->first[0],
				 c->first[1], c->first[2]);
		return TLSERROR_NOT_TLS;
	}
	if (h != NULL && h[1] == 3 && !c->last_is_first && c->agreed_version != 0 &&
	    (uint16_t)(h[1] << 8 | h[2]) != c->agreed_version) {
		snprintf(buf, n, "a record after the peer's first said version 0x%02x%02x (%s) although %s (0x%04x) "
			 "had been agreed: OpenSSL requires every later record to carry the agreed version (only "
			 "the record of the first ClientHello may differ, RFC 5246 appendix E.1)", h[1], h[2],
			 ver_name((uint16_t)(h[1] << 8 | h[2])), ver_name(c->agreed_version), c->agreed_version);
		return TLSERROR_VERSION;
	}
	/* not certain what was wrong: say OpenSSL's reason plainly */
	snprintf(buf, n, "OpenSSL rejected a record's version field (wrong version number)");
	if (h != NULL)
		snprintf(buf + strlen(buf), n - strlen(buf), "; the last record header read was %02x %02x %02x %02x %02x",
			 h[0], h[1], h[2], h[3], h[4]);
	return TLSERROR_VERSION;
}

/* A record header announced more than TLS allows. */
static enum tlserror_class too_long(const struct tlserror_ctx *c, char *buf, size_t n)
{
	const uint8_t *h = c->last_header;
	char line[48];

	if (c->first != NULL && c->first_len >= 5 && memcmp(c->first, "HTTP/", 5) == 0) {
		printable(c->first, c->first_len, line, sizeof line);
		snprintf(buf, n, "the peer does not speak TLS here: it answered in plain HTTP, \"%s\"", line);
		return TLSERROR_NOT_TLS;
	}
	if (h != NULL && ((size_t)h[3] << 8 | h[4]) > 16384 + 2048) {
		snprintf(buf, n, "the peer does not speak TLS here: a record header announced %zu bytes, more than "
			 "TLS allows (2^14 + 2048)", (size_t)h[3] << 8 | h[4]);
		return TLSERROR_NOT_TLS;
	}
	snprintf(buf, n, "a record from the peer is longer than this side accepts");
	openssl_suffix(c, buf, n);
	return TLSERROR_MALFORMED;
}

/* see tlserror.h */
enum tlserror_class tlserror_explain(const struct tlserror_ctx *c, char *buf, size_t n)
{
	const struct reason *r;
	char line[48];

	if (n == 0)
		return TLSERROR_UNKNOWN;
	buf[0] = '\0';
	/* an alert from the peer: OpenSSL's reason is 1000 + its description */
	if (c->reason >= SSL_AD_REASON_OFFSET && c->reason < SSL_AD_REASON_OFFSET + 256 &&
	    find(c->reason) == NULL) {
		uint8_t desc = (uint8_t)(c->reason - SSL_AD_REASON_OFFSET);
		const char *name = tlsdecode_alert_name(desc);
		const char *meaning = tlserror_alert_meaning(desc);

		if (name == NULL)
			snprintf(buf, n, "the peer ended the handshake with alert %u, an unknown alert (not in the TLS "
				 "alert registry)", desc);
		else
			snprintf(buf, n, "the peer ended the handshake with the alert %s (%u)%s%s", name, desc,
				 meaning != NULL ? ": " : "", meaning != NULL ? meaning : "");
		return TLSERROR_ALERT;
	}
	r = find(c->reason);
	if (r == NULL) {
		if (c->openssl_text != NULL && c->openssl_text[0] != '\0')
			snprintf(buf, n, "%s", c->openssl_text);
		else
			snprintf(buf, n, "OpenSSL reason %d", c->reason);
		return TLSERROR_UNKNOWN;
	}
	switch (r->how) {
	case WRONG_VER:
		return wrong_version(c, buf, n);
	case TOO_LONG:
		return too_long(c, buf, n);
	case HTTP_REQ:
		if (c->first != NULL)
			printable(c->first, c->first_len, line, sizeof line);
		else
			line[0] = '\0';
		snprintf(buf, n, "the peer does not speak TLS here: it sent a plain HTTP request, \"%s\"", line);
		return r->cls;
	case VERSIONS:
		snprintf(buf, n, "%s", !c->server_side && r->as_client != NULL ? r->as_client : r->meaning);
		if (c->allowed != NULL)
			snprintf(buf + strlen(buf), n - strlen(buf), " (this side allows %s)", c->allowed);
		openssl_suffix(c, buf, n);
		return r->cls;
	case PLAIN:
		break;
	}
	snprintf(buf, n, "%s", r->meaning);
	openssl_suffix(c, buf, n);
	return r->cls;
}
