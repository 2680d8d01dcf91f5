/* What an SSL call's result means: done, blocked, the peer's close_notify,
 * or a failure put into words (and the run's exit status). */
#include "protocol/engine_int.h"

#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>

#include "protocol/iana.h"
#include "protocol/tlserror.h"

/* see engine_int.h */
int outcome_eof(struct side *sd, int rc)
{
	int se = SSL_get_error(sd->ssl, rc);
	unsigned long code = ERR_peek_error();

	if (se == SSL_ERROR_SYSCALL && code == 0)
		return 1;
	if (se == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		return 1;
	}
	return 0;
}

/* The peer's first bytes for the error line: what this side read, and
 * what is still unread (OpenSSL may have read a record header only).
 * Returns how many bytes are in p. */
static size_t peer_first_bytes(const struct side *sd, uint8_t *p, size_t n)
{
	size_t len = sd->first_in_len < n ? sd->first_in_len : n;
	ssize_t more;

	if (len == 0)
		return 0;
	memcpy(p, sd->first_in, len);
	more = recv(sd->fd, p + len, n - len, MSG_PEEK | MSG_DONTWAIT);
	if (more > 0)
		len += (size_t)more;
	return len;
}

/* see engine_int.h */
int outcome_of(struct side *sd, int rc, const char *what)
{
	struct engine *e = sd->e;
	int se = SSL_get_error(sd->ssl, rc);
	unsigned long code;
	char text[200];
	const char *who = sd->name;

	switch (se) {
	case SSL_ERROR_NONE:
		return 0;
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		return 2;
	default:
		break;
	}
	code = ERR_peek_last_error();
	if (code == 0 || ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		engine_fail(e, ENGINE_FAIL_TLS, EV_ERROR_PEER_CLOSED, sd->who, "%s: the peer closed the connection during %s",
		     who, what);
		return -1;
	}
	ERR_error_string_n(code, text, sizeof text);
	ERR_clear_error();
	if (sd->who == ACTOR_CLIENT && SSL_get_verify_result(sd->ssl) != X509_V_OK && !e->cfg.insecure) {
		long v = SSL_get_verify_result(sd->ssl);

		engine_fail(e, ENGINE_FAIL_CERT, EV_ERROR_TLS, sd->who, "%s: certificate rejected: %s (X509 error %ld)", who,
		     X509_verify_cert_error_string(v), v);
		return -1;
	}
	/* a server that asked for what httpsviz does not give (a second
	 * handshake, a client certificate) says so with a generic alert */
	if (sd->hello_request && !sd->server_role) {
		engine_fail(e, ENGINE_FAIL_TLS, EV_ERROR_TLS, sd->who,
			    "%s: the server asked to renegotiate (HelloRequest); httpsviz declined (no_renegotiation "
			    "alert) and the server ended the connection (%s)", who, text);
		return -1;
	}
	if (sd->cert_requested && !sd->server_role &&
	    (ERR_GET_REASON(code) == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ||
	     ERR_GET_REASON(code) == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED)) {
		engine_fail(e, ENGINE_FAIL_TLS, EV_ERROR_TLS, sd->who,
			    "%s: the server requires a client certificate (it sent CertificateRequest), and "
			    "httpsviz has none to present (%s)", who, text);
		return -1;
	}
	/* what OpenSSL's reason really means (protocol/tlserror.c) */
	{
		uint8_t first[64];
		char line[320];
		char allowed[48];
		/* what this side's SSL really allows (0: no limit) */
		long lo = SSL_get_min_proto_version(sd->ssl);
		long hi = SSL_get_max_proto_version(sd->ssl);
		const char *los = iana_name(IANA_VERSION, (unsigned)(lo != 0 ? lo : TLS1_VERSION));
		const char *his = iana_name(IANA_VERSION, (unsigned)(hi != 0 ? hi : TLS1_3_VERSION));
		SSL_SESSION *sess = SSL_get_session(sd->ssl);
		struct tlserror_ctx tc = {
			.reason = ERR_GET_REASON(code),
			.openssl_text = text,
			.server_side = sd->server_role,
			.allowed = allowed,
			.first = first,
			.first_len = peer_first_bytes(sd, first, sizeof first),
			.last_header = sd->hdr_seen[0] ? sd->hdr[0] : NULL,
			.last_is_first = sd->hdr_seen[0] == 1,
			/* the session's: OpenSSL overwrites the SSL's version with
			 * the peer's to send its alert */
			.agreed_version = (uint16_t)(sess != NULL ? SSL_SESSION_get_protocol_version(sess) : 0),
		};
		enum tlserror_class cls;

		snprintf(allowed, sizeof allowed, "%s%s%s", los != NULL ? los : "?", lo == hi ? "" : " to ",
			 lo == hi ? "" : his != NULL ? his : "?");
		cls = tlserror_explain(&tc, line, sizeof line);

		if (cls != TLSERROR_UNKNOWN) {
			engine_fail(e, ENGINE_FAIL_TLS, cls == TLSERROR_NOT_TLS ? EV_ERROR_PROTOCOL : EV_ERROR_TLS, sd->who,
				    "%s: %s", who, line);
			return -1;
		}
	}
		engine_fail(e, ENGINE_FAIL_TLS, EV_ERROR_TLS, sd->who, "%s: TLS failed during %s: %s", who, what, text);
	return -1;
}
