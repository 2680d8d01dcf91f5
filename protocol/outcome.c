/* What an SSL call's result means: done, blocked, the peer's close_notify,
 * or a failure put into words (and the run's exit status). */
#include "protocol/engine_int.h"

#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>

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

/* What the peer sent instead of TLS, in a few words for the error line
 * (printable ASCII only: it ends up on the terminal), or "". */
static void describe_peer_bytes(const struct side *sd, char *out, size_t n)
{
	uint8_t p[64];
	size_t len = sd->wire_in.len < sizeof p ? sd->wire_in.len : sizeof p;
	char line[48];
	size_t k = 0;
	ssize_t more;

	out[0] = '\0';
	if (len == 0)
		return;
	/* OpenSSL read only a record header; the rest may still be unread */
	memcpy(p, sd->wire_in.p, len);
	more = recv(sd->fd, p + len, sizeof p - len, MSG_PEEK | MSG_DONTWAIT);
	if (more > 0)
		len += (size_t)more;
	for (; k < len && k + 1 < sizeof line && p[k] >= 0x20 && p[k] < 0x7f; k++)
		line[k] = (char)p[k];
	line[k] = '\0';
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		snprintf(out, n, ": it answered in plain HTTP, \"%s\"", line);
	else if (k >= 4 && strchr(line, ' ') != NULL && strstr((const char *)line, " HTTP/") != NULL)
		snprintf(out, n, ": it sent a plain HTTP request, \"%s\"", line);
	else if (len >= 5 && p[0] >= 20 && p[0] <= 23 && p[1] == 3 && ((size_t)p[3] << 8 | p[4]) > 16384 + 2048)
		snprintf(out, n, ": a record header announced %zu bytes, more than TLS allows (2^14 + 2048)",
			 (size_t)p[3] << 8 | p[4]);
	else if (len >= 3)
		snprintf(out, n, ": its first bytes were %02x %02x %02x, not a TLS record header (16 03 0x)", p[0], p[1],
			 p[2]);
}

/* see engine_int.h */
int outcome_of(struct side *sd, int rc, const char *what)
{
	struct engine *e = sd->e;
	int se = SSL_get_error(sd->ssl, rc);
	unsigned long code;
	char text[200];
	char seen[96];
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
		engine_fail(e, EXIT_TLS, EV_ERROR_PEER_CLOSED, sd->who, "%s: the peer closed the connection during %s",
		     who, what);
		return -1;
	}
	ERR_error_string_n(code, text, sizeof text);
	ERR_clear_error();
	if (sd->who == ACTOR_CLIENT && SSL_get_verify_result(sd->ssl) != X509_V_OK && !e->cfg.insecure) {
		long v = SSL_get_verify_result(sd->ssl);

		engine_fail(e, EXIT_CERT, EV_ERROR_TLS, sd->who, "%s: certificate rejected: %s (X509 error %ld)", who,
		     X509_verify_cert_error_string(v), v);
		return -1;
	}
	switch (ERR_GET_REASON(code)) {
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_RECORD_LENGTH_MISMATCH:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_ENCRYPTED_LENGTH_TOO_LONG:
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
		describe_peer_bytes(sd, seen, sizeof seen);
		engine_fail(e, EXIT_TLS, EV_ERROR_PROTOCOL, sd->who, "%s: the peer does not speak TLS here%s (%s)", who, seen,
		     text);
		return -1;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
		engine_fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who,
		     "%s: no TLS version in common (this side allows %s) (%s)", who,
		     e->serve && e->cfg.tls_any ? "TLS 1.2 and 1.3"
		     : e->cfg.tls == TLSV_13    ? "TLS 1.3 only, as asked with --tls 1.3"
						: "TLS 1.2", text);
		return -1;
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		engine_fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who, "%s: no cipher suite or parameters in common (%s)", who, text);
		return -1;
	default:
		break;
	}
		engine_fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who, "%s: TLS failed during %s: %s", who, what, text);
	return -1;
}
