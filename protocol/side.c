/* One endpoint of an exchange: its SSL object, its socket, its flights and
 * its application data, moved along by an explicit state machine.
 *
 * Each role has one transition table, indexed by enum side_state: the
 * handler that does the state's work, the state it leads to, and whether
 * the side can act there without input from its peer.  A handler returns
 * T_WAIT (it needs input), T_STAY (it made progress and stays), T_NEXT or
 * T_ALT (it made progress and moves to the table's next or alternative
 * state), or T_FAIL (the run failed; an error event was logged). */
#include "protocol/engine_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/http.h"
#include "protocol/kexview.h"
#include "protocol/sanitize.h"
#include "protocol/tlsdecode.h"

enum turn { T_FAIL = -1, T_WAIT = 0, T_STAY, T_NEXT, T_ALT };

struct transition {
	int (*run)(struct side *sd);
	enum side_state next;
	enum side_state alt;
	/* can it act without its peer in this state (NULL: never) */
	int (*initiative)(const struct side *sd);
	const char *doing;   /* what the side does there, for error texts */
};

/* see engine_int.h */
struct evlog *side_log(struct side *sd)
{
	if (sd->holding && sd->out.len > 0)
		return &sd->stage;
	return sd->e->log;
}

/* see engine_int.h */
struct event *side_event(struct side *sd, int write_p, enum evname name, const void *raw, size_t len,
			 const char *fmt, ...)
{
	int from_server_role = write_p ? sd->server_role : !sd->server_role;
	enum actor actor = write_p ? sd->who : sd->peer;
	struct event *ev;
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	/* what this side writes during a held turn waits with its flight */
	ev = evlog_add(write_p && sd->holding ? &sd->stage : side_log(sd), name, actor,
		       from_server_role ? DIR_S2C : DIR_C2S, raw, len, "%s", text);
	free(text);
	if (ev != NULL)
		ev->peer = write_p ? sd->peer : sd->who;
	return ev;
}

/* see engine_int.h */
int side_init(struct engine *e, struct side *sd, enum actor who, enum actor peer, int server_role, SSL_CTX *ctx,
	      const char *name)
{
	sd->e = e;
	sd->who = who;
	sd->peer = peer;
	sd->server_role = server_role;
	sd->name = name;
	sd->state = SS_HANDSHAKE;
	evlog_init(&sd->stage);
	sd->ssl = SSL_new(ctx);
	sd->bio = tap_new(sd);
	if (sd->ssl == NULL || sd->bio == NULL)
		return -1;
	SSL_set_app_data(sd->ssl, sd);
	SSL_set_bio(sd->ssl, sd->bio, sd->bio);
	if (server_role)
		SSL_set_accept_state(sd->ssl);
	else
		SSL_set_connect_state(sd->ssl);
	e->sides[e->nsides++] = sd;
	return 0;
}

/* see engine_int.h */
int side_viewed(const struct side *sd)
{
	/* the key-exchange views follow one connection: the viewer's (the
	 * client's, or serve's server) and its peer's; in the mitm scenario the
	 * interceptor's own connection to the server has other keys */
	return sd == sd->e->viewer || sd == sd->e->front;
}

/* see engine_int.h */
void side_decode_record(const struct side *sd, struct event *ev)
{
	const SSL_CIPHER *ciph = SSL_get_current_cipher(sd->ssl);
	struct tlsdecode_rec rc = {
		.tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION,
		.suite = ciph != NULL ? SSL_CIPHER_get_protocol_id(ciph) : 0,
		.etm = sd->etm,
	};

	tlsdecode_record(ev, &rc);
}

/* see engine_int.h */
enum actor side_role(const struct side *sd)
{
	return sd->server_role ? ACTOR_SERVER : ACTOR_CLIENT;
}

/* see engine_int.h */
int side_done(const struct side *sd)
{
	return sd->state == SS_CLOSED;
}

/* ------------------------------------------------------------ records */

/* Record-layer sequence number of the record at `off` in the stream this
 * side sent: TLS 1.2 restarts at 0 after each ChangeCipherSpec. */
static long record_seq12(const uint8_t *all, size_t off)
{
	long seq = -1;

	for (size_t i = 0; i + 5 <= off;) {
		size_t rl = (size_t)all[i + 3] << 8 | all[i + 4];

		if (all[i] == SSL3_RT_CHANGE_CIPHER_SPEC)
			seq = 0;
		else if (seq >= 0)
			seq++;
		i += 5 + rl;
	}
	return seq;
}

/* The application-data records our own SSL_write just produced (out[from,
 * to)), as events at once: a close_notify written after them comes after
 * them in the log, as on the wire. */
static void app_records_written(struct side *sd, size_t from, size_t to)
{
	struct engine *e = sd->e;
	int tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION;
	struct capture_blob all = {0};
	size_t i = from;

	/* the sequence number needs the whole stream this side sent */
	if (!tls13) {
		capture_blob_append(&all, sd->wire_out.p, sd->wire_out.len);
		capture_blob_append(&all, sd->out.p, sd->out.len);
	}
	while (i + 5 <= to) {
		size_t rl = (size_t)sd->out.p[i + 3] << 8 | sd->out.p[i + 4];
		struct event *ev;

		if (i + 5 + rl > sd->out.len)
			break;
		ev = side_event(sd, 1, EV_TLS_APPLICATION_DATA, sd->out.p + i, 5 + rl,
				"[encrypted] %s (%zu-byte record)", sd->app_label, 5 + rl);
		if (ev != NULL) {
			side_decode_record(sd, ev);
			http_start_line(ev, sd->app_label, strlen(sd->app_label));
			if (!tls13)
				event_field(ev, 0, "record_seq", 0, 0, "%ld (implicit: not sent, counted by both sides)",
					    record_seq12(all.p, sd->wire_out.len + i));
			if (side_viewed(sd))
				capture_app_record(&e->capdata, side_role(sd), sd->out.p + i, 5 + rl);
		}
		i += 5 + rl;
	}
	capture_blob_free(&all);
}

/* see engine_int.h */
int side_flush(struct side *sd)
{
	struct engine *e = sd->e;
	size_t off = 0;
	int64_t deadline = engine_now_ms() + engine_timeout_ms(e);
	int sent_all;
	size_t base = e->log->n;

	evlog_move(e->log, &sd->stage);
	hooks_rebase(e, &sd->stage, e->log, base);
	while (off < sd->out.len) {
		ssize_t n = send(sd->fd, sd->out.p + off, sd->out.len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		/* a full send buffer: the kernel drains it on its own; the
		 * wait is bounded by the timeout */
		if (n < 0 && (errno == EAGAIN || errno == EINTR) && engine_now_ms() < deadline) {
			net_wait_fd(sd->fd, POLLOUT, (int)(deadline - engine_now_ms()));
			continue;
		}
		engine_fail(e, ENGINE_FAIL_TLS, EV_ERROR_PEER_CLOSED, sd->who, "%s could not send: %s", sd->name,
			    n < 0 ? strerror(errno) : "timeout");
		break;
	}
	/* the flight has left: what OpenSSL derived and checked while making
	 * it is explained and checked now, while the peer reads it */
	hooks_settle(e);
	if (side_viewed(sd))
		capture_wire(&e->capdata, side_role(sd), sd->out.p, off);
	/* connect, serve: the peer is not ours and decrypts this side's first
	 * application record out of sight; httpsviz checks it as it leaves */
	if (!e->all_local && side_viewed(sd) && e->capdata.app_record[sd->server_role ? 1 : 0].len > 0)
		kexview_moment(e->log, &e->capdata, sd->server_role ? KM_CLIENT_RESPONSE_READ : KM_SERVER_REQUEST_READ,
			       sd->who);
	capture_blob_append(&sd->wire_out, sd->out.p, off);
	sd->sent += off;
	sent_all = off == sd->out.len;
	sd->holding = 0;
	sd->out.len = 0;
	return sent_all ? 0 : -1;
}

/* see engine_int.h */
int side_has_input(const struct side *sd)
{
	if (sd->fd < 0 || side_done(sd))
		return 0;
	if (SSL_has_pending(sd->ssl))
		return 1;
	return net_wait_fd(sd->fd, POLLIN, 0) > 0;
}

/* see engine_int.h */
void side_close(struct side *sd)
{
	struct engine *e = sd->e;

	if (side_done(sd))
		return;
	/* a close_notify written in the same turn leaves before the FIN */
	if (sd->out.len > 0)
		side_flush(sd);
	sd->state = SS_CLOSED;
	shutdown(sd->fd, SHUT_WR);
	if (e->cap != NULL && (sd == &e->c || sd == e->front)) {
		tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 200, net_on_segment, e);
	} else {
		struct event *ev = evlog_add(e->log, EV_TCP_FIN, sd->who, sd->server_role ? DIR_S2C : DIR_C2S, NULL,
					     0, "%s closes its socket: the kernel sends FIN (segment not captured)",
					     sd->name);

		if (ev != NULL)
			ev->peer = sd->peer;
	}
}

/* ------------------------------------------------------ application data */

/* Keep n plaintext bytes: all of them while the message is small; past
 * HTTP_MAX_MESSAGE a client (a real server may send megabytes) only counts
 * the rest of the body, while its framing (http_body) follows every byte.
 * Returns -1 when a request or a header block is too large, or memory ran
 * out. */
static int keep_app(struct side *sd, const uint8_t *p, size_t n)
{
	size_t room = HTTP_MAX_MESSAGE - sd->app_in.len;
	size_t keep = n < room ? n : room;
	size_t h;

	sd->app_total += n;
	if (keep < n && (sd->server_role || !sd->body_started))
		return -1; /* a request, or a header block, this large is not HTTP we accept */
	if (capture_blob_append(&sd->app_in, p, keep) < 0 || capture_blob_append(&sd->app_in, "", 1) < 0)
		return -1;
	sd->app_in.len--; /* the NUL stays after the data: strcspn and friends stop there */
	sd->app_dropped += n - keep;
	if (sd->server_role)
		return 0;
	if (sd->body_started) {
		http_body_feed(&sd->body, p, n);
		return 0;
	}
	h = http_header_end((const char *)sd->app_in.p, sd->app_in.len);
	if (h == 0)
		return 0;
	sd->body_started = 1;
	if (http_body_begin(&sd->body, (const char *)sd->app_in.p, h) == 0)
		http_body_feed(&sd->body, sd->app_in.p + h, sd->app_in.len - h);
	return 0;
}

/* At most this much plaintext is read in one turn: a peer that never stops
 * sending hands the loop back to the caller (and the deadline, side_drive)
 * between batches. */
#define READ_BATCH (256 * 1024)

/* Read application data into app_in until SSL blocks, the body is whole,
 * or a batch was read (then as if blocked: 1).  Returns the outcome_of()
 * of the last read. */
static int read_app(struct side *sd)
{
	uint8_t tmp[16384];
	size_t batch = 0;

	for (;;) {
		int n = SSL_read(sd->ssl, tmp, sizeof tmp);

		if (n > 0) {
			/* connect, serve: OpenSSL reads one record at a time, so
			 * the first plaintext came from the last record received */
			if (!sd->app_read && !sd->e->all_local && side_viewed(sd) && sd->in_parsed > sd->in_last)
				capture_app_record(&sd->e->capdata, sd->server_role ? ACTOR_CLIENT : ACTOR_SERVER,
						   sd->wire_in.p + sd->in_last, sd->in_parsed - sd->in_last);
			sd->app_read = 1;
			if (keep_app(sd, tmp, (size_t)n) < 0) {
				engine_fail(sd->e, ENGINE_FAIL_HTTP, EV_ERROR_PROTOCOL, sd->who, "HTTP message too large");
				return -1;
			}
			if (sd->body.done || sd->body.error[0] != '\0')
				return 0;
			batch += (size_t)n;
			if (batch >= READ_BATCH)
				return 1;
			continue;
		}
		if (outcome_eof(sd, n)) {
			sd->eof = 1;
			return 2;
		}
		return outcome_of(sd, n, "reading application data");
	}
}

/* Encrypt an HTTP message with this side's SSL_write; its records are
 * reported as they are written. */
static int write_app(struct side *sd, const void *msg, size_t len, const char *what)
{
	size_t from = sd->out.len;
	int rc;

	snprintf(sd->app_label, sizeof sd->app_label, "%.*s", (int)strcspn(msg, "\r"), (const char *)msg);
	rc = outcome_of(sd, SSL_write(sd->ssl, msg, (int)len), what);
	app_records_written(sd, from, sd->out.len);
	return rc == 0 ? T_NEXT : T_FAIL;
}

/* The first line of the peer's plaintext (at most max bytes), quoted for a
 * summary: a NUL in it hides nothing, an escape is escaped once. */
char *side_first_line(const struct side *sd, size_t max)
{
	const uint8_t *cr = memchr(sd->app_in.p, '\r', sd->app_in.len);
	size_t eol = cr != NULL ? (size_t)(cr - sd->app_in.p) : sd->app_in.len;
	char *q = sanitize_span(sd->app_in.p, eol > max ? max : eol);

	return q != NULL ? q : strdup("?");
}

/* The client's response, decrypted: the record's decryption first (what
 * the client does to read it), then the HTTP message. */
static void emit_response(struct side *sd)
{
	struct engine *e = sd->e;
	struct event *ev;
	const struct field *st;
	size_t h = http_header_end((const char *)sd->app_in.p, sd->app_in.len);
	char *line = side_first_line(sd, h ? 80 : 0);

	capture_plaintext(&e->capdata, ACTOR_SERVER, sd->app_in.p, sd->app_in.len);
	if (side_viewed(sd) && !e->cfg.no_teaching) {
		hooks_settle(e);
		kexview_moment(e->log, &e->capdata, KM_CLIENT_RESPONSE_READ, sd->who);
	}
	ev = evlog_add(e->log, EV_HTTP_RESPONSE, sd->who, DIR_LOCAL, sd->app_in.p, sd->app_in.len,
		       "%s (%zu bytes, decrypted by the client)", line ? line : "?", sd->app_total);
	free(line);
	if (ev == NULL)
		return;
	http_decode(ev);
	if (sd->app_dropped > 0)
		event_field(ev, 0, "kept", 0, 0, "the first %zu of %zu bytes (the rest was read and counted, not kept)",
			    sd->app_in.len, sd->app_total);
	st = event_find_field(ev, "status");
	if (st == NULL || atoi(st->value) < 100)
		engine_fail(e, ENGINE_FAIL_HTTP, EV_ERROR_PROTOCOL, sd->who, "the response is not valid HTTP");
}

/* ------------------------------------------------------------ handlers */

/* Both roles: the TLS handshake, one flight per call. */
static int do_handshake(struct side *sd)
{
	int rc;

	sd->started = 1;
	rc = outcome_of(sd, SSL_do_handshake(sd->ssl), "the handshake");
	if (rc < 0 || rc == 2)
		return T_FAIL;
	if (SSL_is_init_finished(sd->ssl))
		return T_NEXT;
	return sd->out.len > 0 ? T_STAY : T_WAIT;
}

/* A client before its first flight, or a relay with what to forward. */
static int client_may_start(const struct side *sd)
{
	return sd->relay == NULL || sd->relay_in.len > 0;
}

static int client_first_flight(const struct side *sd)
{
	return !sd->started && client_may_start(sd);
}

/* Client: the request, handed to TLS (or, as the interceptor, the one it
 * decrypted from the real client). */
static int client_send_request(struct side *sd)
{
	struct engine *e = sd->e;
	struct event *ev;

	if (sd->relay != NULL) {
		if (sd->relay_in.len == 0)
			return T_WAIT;
		return write_app(sd, sd->relay_in.p, sd->relay_in.len, "forwarding the request");
	}
	ev = evlog_add(side_log(sd), EV_HTTP_REQUEST, sd->who, DIR_LOCAL, e->request, strlen(e->request),
		       "%.*s (handed to TLS to encrypt)", (int)strcspn(e->request, "\r"), e->request);
	if (ev != NULL)
		http_decode(ev);
	capture_plaintext(&e->capdata, ACTOR_CLIENT, e->request, strlen(e->request));
	return write_app(sd, e->request, strlen(e->request), "sending the request");
}

/* Client: read until the response is whole; one cut short or malformed is
 * shown, then fails the run saying what was missing (exit 7). */
static int client_read_response(struct side *sd)
{
	char why[256] = "";
	int rc = read_app(sd);

	if (rc < 0)
		return T_FAIL;
	if (sd->body_started && sd->body.error[0] != '\0')
		snprintf(why, sizeof why, "the response is malformed: %s", sd->body.error);
	else if (rc == 2 && sd->app_in.len > 0 && !sd->body_started)
		snprintf(why, sizeof why,
			 "the response was cut short: the connection closed inside its header block "
			 "(%zu bytes, no blank line)", sd->app_in.len);
	else if (rc == 2 && sd->app_in.len > 0)
		http_body_end(&sd->body, !sd->eof, why, sizeof why);
	if (why[0] != '\0' || sd->body.done || (rc == 2 && sd->app_in.len > 0)) {
		sd->peer_closed = rc == 2;
		tap_report_tally(sd);
		if (sd->relay != NULL)
			mitm_relay_plaintext(sd, EV_HTTP_RESPONSE, "response");
		else
			emit_response(sd);
		if (why[0] != '\0') {
			engine_fail(sd->e, ENGINE_FAIL_HTTP, EV_ERROR_PROTOCOL, sd->peer, "%s", why);
			return T_FAIL;
		}
		return T_NEXT;
	}
	if (rc == 2) {
		engine_fail(sd->e, ENGINE_FAIL_HTTP, EV_ERROR_PEER_CLOSED, sd->peer,
			    "the %s closed the connection without a response%s", actor_str(sd->peer),
			    sd->hello_request ? ", after httpsviz declined its renegotiation (HelloRequest)" : "");
		return T_FAIL;
	}
	/* what reading made it write (the no_renegotiation alert, a KeyUpdate
	 * answer) leaves as a step of its own */
	return sd->out.len > 0 ? T_STAY : T_WAIT;
}

/* Client: its close_notify, and the socket closed when the peer has
 * already said goodbye (T_ALT). */
static int client_send_close(struct side *sd)
{
	int rc;

	if (sd->peer_closed && sd->eof) {
		side_close(sd); /* nobody left to tell */
		return T_ALT;
	}
	rc = SSL_shutdown(sd->ssl);
	if (rc == 1 || sd->peer_closed) {
		side_close(sd);
		return T_ALT;
	}
	return T_NEXT;
}

/* The interceptor's client half closes once the real client has. */
static int client_may_close(const struct side *sd)
{
	return sd->relay == NULL || sd->relay->peer_closed;
}

/* Client: wait for the server's close_notify (or its FIN: TCP closed
 * without close_notify after a complete response is accepted for HTTP with
 * Connection: close). */
static int client_await_close(struct side *sd)
{
	int rc = SSL_shutdown(sd->ssl);

	if (rc == 1 || outcome_eof(sd, rc)) {
		side_close(sd);
		return T_NEXT;
	}
	rc = outcome_of(sd, rc, "closing");
	return rc < 0 ? T_FAIL : rc == 1 ? T_WAIT : T_STAY;
}

/* Server: read the request; answer it (T_ALT), or hand it to the other
 * half (mitm: T_NEXT, the response is forwarded later). */
static int server_read_request(struct side *sd)
{
	struct engine *e = sd->e;
	char *resp;
	size_t rlen = 0;
	int rc = read_app(sd);

	if (rc < 0)
		return T_FAIL;
	if (http_header_end((const char *)sd->app_in.p, sd->app_in.len) == 0) {
		if (rc == 2) {
			sd->peer_closed = 1;
			return T_ALT;
		}
		/* a TLS 1.3 ticket round may have been all there was */
		return sd->out.len > 0 ? T_STAY : T_WAIT;
	}
	/* the server decrypts the request's record as it reads it */
	if (side_viewed(sd)) {
		capture_plaintext(&e->capdata, ACTOR_CLIENT, sd->app_in.p, sd->app_in.len);
		if (!e->cfg.no_teaching) {
			hooks_settle(e);
			kexview_moment(e->log, &e->capdata, KM_SERVER_REQUEST_READ, sd->who);
		}
	}
	if (sd->relay != NULL) {
		mitm_relay_plaintext(sd, EV_HTTP_REQUEST, "request");
		return T_NEXT;
	}
	if (e->serve) {
		char *line = side_first_line(sd, 80);
		struct event *ev = evlog_add(e->log, EV_HTTP_REQUEST, ACTOR_SERVER, DIR_LOCAL, sd->app_in.p,
					     sd->app_in.len, "the server decrypted the request: %s", line ? line : "?");

		free(line);
		if (ev != NULL)
			http_decode(ev);
	}
	resp = http_build_response((const char *)sd->app_in.p, sd->app_in.len, &rlen);
	if (resp == NULL)
		return T_FAIL;
	/* serve: no client of ours records what it received */
	if (!e->all_local && side_viewed(sd))
		capture_plaintext(&e->capdata, ACTOR_SERVER, resp, rlen);
	rc = write_app(sd, resp, rlen, "sending the response");
	free(resp);
	/* serve answers "Connection: close" like any server: its close_notify
	 * leaves with the response, and a client that waits for the server to
	 * close (s_client -ign_eof) is not kept waiting */
	if (rc == T_NEXT && e->serve) {
		SSL_shutdown(sd->ssl);
		sd->notify_sent = 1;
	}
	return rc == T_NEXT ? T_ALT : T_FAIL;
}

/* The interceptor's server half: forward the response its other half read. */
static int server_forward_response(struct side *sd)
{
	if (sd->relay_in.len == 0)
		return T_WAIT;
	return write_app(sd, sd->relay_in.p, sd->relay_in.len, "forwarding the response");
}

static int server_may_forward(const struct side *sd)
{
	return sd->relay_in.len > 0;
}

/* Server: wait for the client's close_notify, answer it, close. */
static int server_await_close(struct side *sd)
{
	if (!sd->peer_closed) {
		uint8_t tmp[256];
		int n;

		/* after serve's close_notify the client's own is a courtesy:
		 * wait for it, then close anyway; a learner stepping through
		 * the close may still be reading the response, so serve waits
		 * at the learner's pace (a client that closes ends it at once) */
		int linger = sd->e->cfg.learner_wait_ms > 0 ? sd->e->cfg.learner_wait_ms : SERVE_LINGER_MS;

		if (sd->notify_sent && !side_has_input(sd) && net_wait_fd(sd->fd, POLLIN, linger) <= 0) {
			sd->peer_closed = sd->eof = 1;
		} else {
			n = SSL_read(sd->ssl, tmp, sizeof tmp);
			if (outcome_eof(sd, n)) {
				sd->eof = 1;
			} else {
				int rc = outcome_of(sd, n, "waiting for the client to close");

				if (rc < 0)
					return T_FAIL;
				if (rc != 2)
					return T_WAIT;
			}
			sd->peer_closed = 1;
		}
	}
	if (!sd->eof && !sd->notify_sent)
		SSL_shutdown(sd->ssl);
	side_close(sd);
	return T_NEXT;
}

/* The client's table: handshake, request, response, close_notify, the
 * server's close_notify, closed. */
static const struct transition client_table[] = {
	[SS_HANDSHAKE] = {do_handshake, SS_REQUEST, SS_REQUEST, client_first_flight, "the handshake"},
	[SS_REQUEST] = {client_send_request, SS_RESPONSE, SS_RESPONSE, client_may_start, "sending the request"},
	[SS_RESPONSE] = {client_read_response, SS_CLOSE, SS_CLOSE, NULL, "reading the response"},
	[SS_CLOSE] = {client_send_close, SS_CLOSING, SS_CLOSED, client_may_close, "closing"},
	[SS_CLOSING] = {client_await_close, SS_CLOSED, SS_CLOSED, NULL, "closing"},
	[SS_CLOSED] = {NULL, SS_CLOSED, SS_CLOSED, NULL, "closed"},
};

/* The server's table: handshake, request (answered at once: on to CLOSE;
 * relayed: on to RESPONSE), the relayed response, the client's
 * close_notify, closed. */
static const struct transition server_table[] = {
	[SS_HANDSHAKE] = {do_handshake, SS_REQUEST, SS_REQUEST, NULL, "the handshake"},
	[SS_REQUEST] = {server_read_request, SS_RESPONSE, SS_CLOSE, NULL, "reading the request"},
	[SS_RESPONSE] = {server_forward_response, SS_CLOSE, SS_CLOSE, server_may_forward, "forwarding the response"},
	[SS_CLOSE] = {server_await_close, SS_CLOSED, SS_CLOSED, NULL, "closing"},
	[SS_CLOSING] = {server_await_close, SS_CLOSED, SS_CLOSED, NULL, "closing"},
	[SS_CLOSED] = {NULL, SS_CLOSED, SS_CLOSED, NULL, "closed"},
};

static const struct transition *row(const struct side *sd)
{
	return &(sd->server_role ? server_table : client_table)[sd->state];
}

/* One turn: the current state's work.  1 progress, 0 waits, -1 failed. */
static int turn(struct side *sd)
{
	const struct transition *t = row(sd);
	int rc;

	if (t->run == NULL)
		return 0;
	rc = t->run(sd);
	switch (rc) {
	case T_FAIL:
		return -1;
	case T_WAIT:
		return 0;
	case T_NEXT:
		if (!side_done(sd))
			sd->state = t->next;
		return 1;
	case T_ALT:
		if (!side_done(sd))
			sd->state = t->alt;
		return 1;
	default:
		return 1;
	}
}

/* see engine_int.h */
int side_has_initiative(const struct side *sd)
{
	const struct transition *t = row(sd);

	return t->initiative != NULL && t->initiative(sd);
}

/* Whether a side other than sd can act now (input waiting, or something to
 * do without its peer). */
static int other_can_act(const struct side *sd)
{
	const struct engine *e = sd->e;

	for (int i = 0; i < e->nsides; i++) {
		const struct side *o = e->sides[i];

		if (o != sd && !side_done(o) && (side_has_input(o) || side_has_initiative(o)))
			return 1;
	}
	return 0;
}

/* see engine_int.h */
int side_drive(struct side *sd)
{
	struct engine *e = sd->e;

	if (e->wait_deadline == 0)
		e->wait_deadline = engine_now_ms() + engine_timeout_ms(e);
	/* bounded: input that makes no progress goes back to the caller */
	for (int i = 0; i < 64; i++) {
		int rc = turn(sd);

		if (rc < 0) {
			e->wait_deadline = 0;
			return -1;
		}
		/* when its input made no progress (a TLS 1.3 ticket read while
		 * the interceptor still has the request to forward) and another
		 * side can act, waiting here would hold up the very side it
		 * waits for */
		if (rc > 0 || (!side_has_input(sd) && other_can_act(sd))) {
			e->wait_deadline = 0;
			return 0;
		}
		if (side_has_input(sd))
			continue;
		break;
	}
	if (engine_now_ms() >= e->wait_deadline) {
		/* while a message is coming in (a server may send without
		 * end) say how much came */
		int reading = sd->server_role ? sd->state == SS_REQUEST : sd->state == SS_RESPONSE;

		e->wait_deadline = 0;
		if (sd->app_total > 0 && reading)
			engine_fail(e, ENGINE_FAIL_TIMEOUT, EV_ERROR_TIMEOUT, sd->peer,
				    "the %s's %s was not complete after %d ms: %zu bytes so far", actor_str(sd->peer),
				    sd->server_role ? "request" : "response", engine_timeout_ms(e), sd->app_total);
		else
			engine_fail(e, ENGINE_FAIL_TIMEOUT, EV_ERROR_TIMEOUT, sd->peer, "the %s did not answer within %d ms",
				    actor_str(sd->peer), engine_timeout_ms(e));
		return -1;
	}
	engine_wait_for(e, sd->fd, POLLIN);
	return 1;
}

/* see engine_int.h */
void side_snapshot(struct side *sd)
{
	struct engine *e = sd->e;
	struct capture *cap = &e->capdata;
	const SSL_CIPHER *ciph = SSL_get_current_cipher(sd->ssl);
	SSL_SESSION *sess = SSL_get_session(sd->ssl);

	if (ciph == NULL)
		ciph = SSL_get_pending_cipher(sd->ssl);
	cap->embedded = e->all_local;
	cap->interceptor = e->front == &e->mi;
	/* the server's ephemeral key pair exists once its first flight is
	 * built, and goes once the handshake is over */
	if (sd == e->front && cap->server_tmp_key == NULL && sd->state == SS_HANDSHAKE)
		SSL_get_tmp_key(sd->ssl, &cap->server_tmp_key);
	if (!side_viewed(sd) || ciph == NULL)
		return;
	cap->version = SSL_version(sd->ssl);
	cap->cipher_id = (uint16_t)(SSL_CIPHER_get_id(ciph) & 0xffff);
	if (cap->server_cert_key == NULL) {
		X509 *cert = sd->server_role ? SSL_get_certificate(sd->ssl) : SSL_get0_peer_certificate(sd->ssl);

		if (cert != NULL)
			cap->server_cert_key = X509_get_pubkey(cert);
	}
	if (sess != NULL) {
		size_t n = SSL_SESSION_get_master_key(sess, cap->master, sizeof cap->master);

		cap->master_len = n;
	}
	if (sd->server_role) {
		cap->client_finished_len =
			SSL_get_peer_finished(sd->ssl, cap->client_finished, sizeof cap->client_finished);
		cap->server_finished_len = SSL_get_finished(sd->ssl, cap->server_finished, sizeof cap->server_finished);
	} else {
		cap->client_finished_len = SSL_get_finished(sd->ssl, cap->client_finished, sizeof cap->client_finished);
		cap->server_finished_len =
			SSL_get_peer_finished(sd->ssl, cap->server_finished, sizeof cap->server_finished);
	}
}

/* see engine_int.h */
void side_after_turn(struct side *sd)
{
	struct engine *e = sd->e;
	const SSL_CIPHER *ciph = SSL_get_current_cipher(sd->ssl);

	if (sd == e->viewer && ciph != NULL) {
		snprintf(e->version, sizeof e->version, "%s", SSL_get_version(sd->ssl));
		snprintf(e->cipher, sizeof e->cipher, "%s", SSL_CIPHER_standard_name(ciph));
	}
}

/* see engine_int.h */
void side_free(struct side *sd)
{
	if (sd->ssl != NULL)
		SSL_free(sd->ssl); /* frees the BIO too */
	if (sd->fd >= 0)
		close(sd->fd);
	capture_blob_free(&sd->out);
	capture_blob_free(&sd->wire_out);
	capture_blob_free(&sd->app_in);
	capture_blob_free(&sd->relay_in);
	capture_blob_free(&sd->wire_in);
	evlog_clear(&sd->stage);
}
