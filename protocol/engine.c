/* The protocol engine: a real HTTPS exchange through OpenSSL, one step at a
 * time, reported through OpenSSL's own hooks into the event log.
 *
 * Each endpoint's SSL object talks to its socket through a tap BIO: writes
 * collect in a buffer that the engine sends when the step ends (so a flight
 * leaves as one write, and not before the learner asks for it), reads come
 * straight from the socket.  The msg, info, keylog and certificate-verify
 * callbacks only translate what OpenSSL reports into events. */
#include "protocol/engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "protocol/capture.h"
#include "protocol/certcheck.h"
#include "protocol/http.h"
#include "protocol/kexview.h"
#include "protocol/pki.h"
#include "protocol/tcpcap.h"
#include "protocol/tlsdecode.h"

#define DEFAULT_TIMEOUT_MS 5000
#define SERVE_LINGER_MS 1000

enum phase { PH_TCP, PH_TLS, PH_DONE, PH_FAILED };

struct side {
	struct engine *e;
	enum actor who;      /* client, server, or mitm (either half) */
	enum actor peer;     /* who is at the other end of its connection */
	int server_role;     /* it runs the server half of TLS */
	struct side *relay;  /* mitm: the other half, plaintext is passed to */
	struct capture_blob relay_in; /* mitm: plaintext handed over by the other half */
	int fd;
	SSL *ssl;
	BIO *bio;
	struct capture_blob out;      /* written by SSL, not yet on the socket */
	size_t app_from;     /* out[app_from, app_to) came from our SSL_write */
	size_t app_to;
	size_t sent;         /* bytes written to the socket */
	struct capture_blob wire_out; /* every byte this side sent, in order */
	struct capture_blob app_in;   /* plaintext read by SSL_read (NUL-terminated) */
	size_t app_dropped;  /* client: body bytes read past HTTP_MAX_MESSAGE, not kept */
	uint8_t app_tail[5]; /* client: the last bytes read, for the chunked end */
	size_t app_total;    /* client: every plaintext byte read */
	struct evlog stage;  /* connect mode: events of a held flight */
	int started;
	int hs_done;
	int hs_reported;
	int sh_seen;         /* a ServerHello went by: TLS 1.3 protects what follows */
	int ccs_out;         /* it sent ChangeCipherSpec: TLS 1.2 protects what follows */
	int req_sent;        /* client: request written; server: request read */
	int resp_done;       /* client: response complete; server: response sent */
	int close_sent;
	int peer_closed;
	int closed;
	int eof;             /* the peer closed TCP (with or without close_notify) */
	int holding;         /* connect: this turn's flight waits for the next step */
	struct capture_blob wire_in;  /* every byte received (connect, serve) */
	size_t in_parsed;    /* wire_in up to here was reported */
	int verify_calls;
	int hello_in;        /* server: a whole ClientHello was read */
	int verify_done;     /* client: the certificate was verified */
	char verify_trace[256];
	char app_label[96];  /* first line of what our SSL_write carried */
	const char *name;    /* "client", "server", "interceptor" */
};

struct engine {
	struct engine_config cfg;
	struct evlog *log;
	struct pki pki;
	const struct pki *shared_pki; /* serve: minted once by the caller */
	SSL_CTX *cctx;
	SSL_CTX *sctx;
	SSL_CTX *mi_ctx;     /* mitm: the interceptor's server half */
	SSL_CTX *mo_ctx;     /* mitm: the interceptor's client half */
	int lfd;             /* the embedded server's listener */
	int mlfd;            /* mitm: the interceptor's listener */
	int port;
	int mport;
	int embedded;        /* the embedded server runs in this process */
	int all_local;       /* every endpoint is ours (embedded, mitm) */
	int serve;           /* serve mode: only the server is ours */
	struct side c;       /* the client (absent in serve mode) */
	struct side s;       /* the server (absent in connect mode) */
	struct side mi;      /* mitm: faces the client as a server */
	struct side mo;      /* mitm: faces the server as a client */
	struct side *sides[4];
	int nsides;
	int last_idx;
	struct side *viewer; /* whose view the capture and keylog follow */
	struct side *front;  /* the side the client talks to */
	enum phase phase;
	int steps;
	int exit_code;
	int intr_fd;                  /* engine_set_interrupt(): watched while waiting */
	int (*intr)(void *);
	void *intr_arg;
	int interrupted;
	char err[256];
	struct tcpcap *cap;
	uint16_t cport;
	int syn_seen, synack_seen, ack_seen, fins;
	struct tcpseg early_ack;  /* a client ACK delivered before the SYN-ACK */
	uint8_t early_pkt[256];
	uint32_t server_isn;
	int wscale[2];            /* window scale shift of client, server (-1: none) */
	char version[32];
	char cipher[80];
	char host[256];
	char portstr[16];
	char *request;
	FILE *keylog;
	struct capture capdata;
};

static BIO_METHOD *tap_method;

/* ---------------------------------------------------------------- buffers */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int timeout_ms(const struct engine *e)
{
	/* serve: a learner steps at reading pace once its ClientHello is in;
	 * before that (nothing, or garbage) the short timeout holds */
	if (e->serve && e->s.hello_in && e->cfg.learner_wait_ms > 0)
		return e->cfg.learner_wait_ms;
	return e->cfg.timeout_ms > 0 ? e->cfg.timeout_ms : DEFAULT_TIMEOUT_MS;
}

/* Where a side's events go now: in connect mode, once the client has a
 * flight waiting, its events wait with it and appear when it is sent. */
static struct evlog *log_for(struct side *sd)
{
	if (sd->holding && sd->out.len > 0)
		return &sd->stage;
	return sd->e->log;
}

static struct event *side_event(struct side *sd, int write_p, enum evname name, const void *raw, size_t len,
				const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int flush_side(struct side *sd);
static int on_viewed_connection(const struct side *sd);

/* Keep the first failure: later errors are consequences of it. */
static void fail(struct engine *e, int code, enum evname name, enum actor who, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail(struct engine *e, int code, enum evname name, enum actor who, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e->phase == PH_FAILED)
		return;
	/* connect: a fatal alert the client wrote in this turn leaves first,
	 * so the story reads alert, then failure */
	if (e->c.holding && e->c.out.len > 0 && e->c.fd >= 0) {
		e->c.holding = 0;
		flush_side(&e->c);
		if (e->phase == PH_FAILED)
			return;
	}
	e->phase = PH_FAILED;
	e->exit_code = code;
	snprintf(e->err, sizeof e->err, "%s", msg);
	evlog_add(e->log, name, who, DIR_LOCAL, NULL, 0, "%s", msg);
}

/* ---------------------------------------------------------------- tap BIO */

static int tap_write(BIO *b, const char *data, int len)
{
	struct side *sd = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (len <= 0)
		return 0;
	if (capture_blob_append(&sd->out, data, (size_t)len) < 0)
		return -1;
	return len;
}

/* connect and serve: the peer's records as they arrive, for what OpenSSL's
 * message callback does not report (a received ChangeCipherSpec, and the
 * encrypted application data).  Records are rebuilt from the byte stream:
 * OpenSSL reads a header and a body in separate calls. */
static void report_received(struct side *sd, const void *data, size_t n)
{
	capture_blob_append(&sd->wire_in, data, n);
	while (sd->wire_in.len - sd->in_parsed >= 5) {
		const uint8_t *r = sd->wire_in.p + sd->in_parsed;
		size_t rl = (size_t)r[3] << 8 | r[4];
		struct event *ev = NULL;
		int tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION;

		if (sd->wire_in.len - sd->in_parsed < 5 + rl)
			break;
		if (r[0] == SSL3_RT_CHANGE_CIPHER_SPEC) {
			ev = side_event(sd, 0, EV_TLS_CHANGE_CIPHER_SPEC, r + 5, rl, "%s",
					tls13 ? "ChangeCipherSpec (TLS 1.3 middlebox compatibility, ignored)"
					      : "ChangeCipherSpec: my next records are encrypted with the new keys");
			if (ev != NULL)
				tlsdecode_ccs(ev);
		} else if (r[0] == SSL3_RT_APPLICATION_DATA && sd->hs_done) {
			ev = side_event(sd, 0, EV_TLS_APPLICATION_DATA, r, 5 + rl,
					"[encrypted] %zu-byte record received (the content is only known after "
					"decryption)", 5 + rl);
			if (ev != NULL)
				tlsdecode_record(ev, tls13);
		}
		sd->in_parsed += 5 + rl;
	}
}

static int tap_read(BIO *b, char *data, int len)
{
	struct side *sd = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0)
		return 0;
	n = recv(sd->fd, data, (size_t)len, 0);
	if (n > 0 && !sd->e->all_local)
		report_received(sd, data, (size_t)n);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		BIO_set_retry_read(b);
	return -1;
}

static long tap_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct side *sd = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_WPENDING:
		return sd != NULL ? (long)sd->out.len : 0;
	default:
		return 0;
	}
}

static int tap_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* Make the tap's BIO method once (serve makes it before its threads). */
static int tap_init(void)
{
	if (tap_method == NULL) {
		tap_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "httpsviz tap");
		if (tap_method == NULL)
			return -1;
		BIO_meth_set_write(tap_method, tap_write);
		BIO_meth_set_read(tap_method, tap_read);
		BIO_meth_set_ctrl(tap_method, tap_ctrl);
		BIO_meth_set_create(tap_method, tap_create);
	}
	return 0;
}

static BIO *tap_new(struct side *sd)
{
	BIO *b;

	if (tap_init() < 0)
		return NULL;
	b = BIO_new(tap_method);
	if (b != NULL)
		BIO_set_data(b, sd);
	return b;
}

/* ---------------------------------------------------------- OpenSSL hooks */

static struct side *side_of(const SSL *ssl)
{
	return SSL_get_app_data(ssl);
}

/* Events come from the sender's callbacks in the embedded exchange (both
 * ends are ours); in connect mode the client also reports what it receives. */
static int reports(const struct side *sd, int write_p)
{
	return write_p || !sd->e->all_local;
}

/* Who sent, who receives and which way, for a message a side wrote
 * (write_p) or read. */
static struct event *side_event(struct side *sd, int write_p, enum evname name, const void *raw, size_t len,
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
	ev = evlog_add(write_p && sd->holding ? &sd->stage : write_p ? sd->e->log : log_for(sd), name, actor,
		       from_server_role ? DIR_S2C : DIR_C2S, raw, len, "%s", text);
	free(text);
	if (ev != NULL)
		ev->peer = write_p ? sd->peer : sd->who;
	return ev;
}

static void emit_handshake(struct side *sd, int write_p, const uint8_t *msg, size_t len)
{
	struct engine *e = sd->e;
	const SSL_CIPHER *ciph = SSL_get_pending_cipher(sd->ssl);
	struct tlsdecode_ctx ctx = {
		.tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION,
		.kex_ecdhe = e->cfg.kex == KEX_ECDHE,
	};

	/* the negotiated suite decides how a key exchange message reads (a
	 * remote server may choose ECDHE whatever we asked for) */
	if (ciph == NULL)
		ciph = SSL_get_current_cipher(sd->ssl);
	if (ciph != NULL && !ctx.tls13)
		ctx.kex_ecdhe = SSL_CIPHER_get_kx_nid(ciph) == NID_kx_ecdhe;
	char summary[160] = "";
	struct event *ev;

	if (len < 4)
		return;
	ev = side_event(sd, write_p, tlsdecode_handshake_event(msg[0]), msg, len, "%s", "");
	if (ev == NULL)
		return;
	/* one decode gives the fields and the summary */
	tlsdecode_handshake_summary(ev, &ctx, summary, sizeof summary);
	event_set_summary(ev, "%s", summary);
	if (ctx.tls13 && msg[0] != SSL3_MT_CLIENT_HELLO && msg[0] != SSL3_MT_SERVER_HELLO)
		event_field(ev, 0, "on_the_wire", 0, 0,
			    "encrypted: TLS 1.3 protects every handshake message after the ServerHello");
	else if (msg[0] == SSL3_MT_FINISHED)
		event_field(ev, 0, "on_the_wire", 0, 0,
			    "encrypted with the new keys (it follows ChangeCipherSpec)");
	else
		event_field(ev, 0, "on_the_wire", 0, 0, "in the clear (a handshake record, type 22)");
}

static void on_msg(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
		   void *arg)
{
	struct side *sd = side_of(ssl);
	struct event *ev;
	/* the handshake message type, or -1 */
	int hs_type = content_type == SSL3_RT_HANDSHAKE && len > 0 ? ((const uint8_t *)buf)[0] : -1;
	int tls13 = SSL_version(ssl) == TLS1_3_VERSION;

	(void)version;
	(void)arg;
	if (sd == NULL)
		return;
	if (sd == sd->e->viewer && content_type == SSL3_RT_HANDSHAKE)
		capture_handshake(&sd->e->capdata, write_p == !sd->server_role ? ACTOR_CLIENT : ACTOR_SERVER, buf,
				  len);
	/* the server decrypts the pre-master secret as it reads the
	 * ClientKeyExchange, before it answers */
	if (!write_p && sd->who == ACTOR_SERVER && on_viewed_connection(sd) && hs_type == SSL3_MT_CLIENT_KEY_EXCHANGE)
		kexview_server_read(sd->e->log, &sd->e->capdata, 0);
	/* whether this side's records are protected yet (an alert says) */
	if (hs_type == SSL3_MT_SERVER_HELLO)
		sd->sh_seen = 1;
	if (!write_p && hs_type == SSL3_MT_CLIENT_HELLO)
		sd->hello_in = 1;
	if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && write_p)
		sd->ccs_out = 1;
	if (!reports(sd, write_p))
		return;
	switch (content_type) {
	case SSL3_RT_HANDSHAKE:
		emit_handshake(sd, write_p, buf, len);
		break;
	case SSL3_RT_CHANGE_CIPHER_SPEC:
		ev = side_event(sd, write_p, EV_TLS_CHANGE_CIPHER_SPEC, buf, len, "%s", tls13
					     ? "ChangeCipherSpec (TLS 1.3 middlebox compatibility, ignored)"
					     : "ChangeCipherSpec: my next records are encrypted with the new keys");
		if (ev != NULL)
			tlsdecode_ccs(ev);
		break;
	case SSL3_RT_ALERT:
		ev = side_event(sd, write_p, EV_TLS_ALERT, buf, len, "Alert %s %s",
			       len >= 1 && ((const uint8_t *)buf)[0] == 2 ? "fatal" : "warning",
			       len >= 2 ? SSL_alert_desc_string_long(((const uint8_t *)buf)[1]) : "?");
		if (ev != NULL) {
			tlsdecode_alert(ev);
			/* TLS 1.2 encrypts after the sender's ChangeCipherSpec, TLS
			 * 1.3 everything after the ServerHello (RFC 8446 5) */
			if (write_p && (tls13 ? sd->sh_seen : sd->ccs_out))
				event_field(ev, 0, "on_the_wire", 0, 0, "%s",
					    tls13 ? "encrypted: TLS 1.3 protects every record after the ServerHello"
						  : "encrypted: it follows this side's ChangeCipherSpec");
			else if (write_p)
				event_field(ev, 0, "on_the_wire", 0, 0, "in the clear (an alert record, type 21)");
		}
		break;
	default:
		/* record headers (SSL3_RT_HEADER) and TLS 1.3 inner content
		 * types: the tap sees the records themselves */
		break;
	}
}

static void on_info(const SSL *ssl, int where, int ret)
{
	struct side *sd = side_of(ssl);

	(void)ret;
	if (sd == NULL || !(where & SSL_CB_HANDSHAKE_DONE) || sd->hs_reported)
		return;
	sd->hs_reported = 1;
	evlog_add(log_for(sd), EV_TLS_HANDSHAKE_DONE, sd->who, DIR_LOCAL, NULL, 0,
		  "%s handshake complete: %s, %s", sd->name,
		  SSL_get_version(ssl), SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl)));
}

/* The interceptor holds two TLS sessions, each with its own keys: its
 * master secret (1.2) or client traffic secret (1.3) of each half, on its
 * lifeline, so a learner can compare them with the client's. */
static void mitm_secret(struct side *sd, const struct capture_secret *sec)
{
	int with_client = sd->server_role;
	struct event *ev = evlog_add(log_for(sd), EV_KEX_SECRET, ACTOR_MITM, DIR_LOCAL, sec->secret,
				     sec->secret_len, "keylog: %s (%zu bytes) of the interceptor's session with the %s",
				     sec->label, sec->secret_len, with_client ? "client" : "server");

	if (ev == NULL)
		return;
	event_field(ev, 0, "label", 0, 0, "%s", sec->label);
	event_field_hex(ev, 0, "secret", 0, sec->secret_len, 0);
	event_field(ev, 0, "session", 0, 0,
		    "the interceptor's TLS session with the %s: %s. The interceptor ran two handshakes, so it "
		    "holds two sets of keys: it decrypts what one side sends and encrypts it again for the other",
		    with_client ? "client" : "server",
		    with_client ? "the same secret as the client's own, since this is the client's session"
				: "a different secret from the client's: the server never shares a key with the client");
	event_field(ev, 0, "source", 0, 0, "OpenSSL keylog callback on the interceptor's own SSL object");
}

static void on_keylog(const SSL *ssl, const char *line)
{
	struct side *sd = side_of(ssl);
	struct engine *e;
	struct capture_secret sec;

	if (sd == NULL)
		return;
	e = sd->e;
	if (capture_keylog_line(&e->capdata, sd->server_role ? ACTOR_SERVER : ACTOR_CLIENT, line, &sec) < 0)
		return;
	if (sd->who == ACTOR_MITM && (strcmp(sec.label, "CLIENT_RANDOM") == 0 ||
				      strcmp(sec.label, "CLIENT_TRAFFIC_SECRET_0") == 0)) {
		mitm_secret(sd, &sec);
		return;
	}
	if (sd != e->viewer)
		return;
	if (e->keylog != NULL) {
		fprintf(e->keylog, "%s\n", line);
		fflush(e->keylog);
	}
	{
		struct event *ev = evlog_add(log_for(sd), EV_KEX_SECRET, sd->who, DIR_LOCAL, sec.secret,
					     sec.secret_len, "keylog: %s (%zu bytes)", sec.label,
					     sec.secret_len);

		if (ev == NULL)
			return;
		event_field(ev, 0, "label", 0, 0, "%s", sec.label);
		event_field_hex(ev, 0, "secret", 0, sec.secret_len, 0);
		event_field(ev, 0, "source", 0, 0, "OpenSSL keylog callback (NSS key log format)");
	}
}

static int on_verify_depth(int preverify_ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct side *sd = ssl ? side_of(ssl) : NULL;
	size_t o;

	if (sd == NULL)
		return preverify_ok;
	o = strlen(sd->verify_trace);
	if (o + 48 < sizeof sd->verify_trace)
		snprintf(sd->verify_trace + o, sizeof sd->verify_trace - o, "%sdepth %d: %s", o ? "; " : "",
			 X509_STORE_CTX_get_error_depth(xs), preverify_ok ? "ok" : "failed");
	sd->verify_calls++;
	return preverify_ok;
}

/* Replaces OpenSSL's chain verification with: the same verification
 * (X509_verify_cert), then the checks shown one by one. */
static int on_cert_verify(X509_STORE_CTX *xs, void *arg)
{
	struct engine *e = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct side *sd = ssl ? side_of(ssl) : NULL;
	int ok = X509_verify_cert(xs);
	long err = ok > 0 ? X509_V_OK : X509_STORE_CTX_get_error(xs);
	struct certcheck_input in = {
		.leaf = X509_STORE_CTX_get0_cert(xs),
		.untrusted = X509_STORE_CTX_get0_untrusted(xs),
		.built_chain = X509_STORE_CTX_get0_chain(xs),
		.trust = X509_STORE_CTX_get0_store(xs),
		.trust_name = e->cfg.cafile ? e->cfg.cafile
			      : e->embedded ? (e->cfg.trust_attacker
						       ? "the demo CA plus a rogue CA, the attacker's, installed on this client"
						       : "the demo CA minted in memory at start-up")
					    : "the system trust store",
		.host = e->host,
		.openssl_result = err,
		.openssl_error_depth = X509_STORE_CTX_get_error_depth(xs),
		.insecure = e->cfg.insecure,
		.actor = ACTOR_CLIENT,
	};
	long v;

	if (sd == NULL)
		return ok;
	sd->verify_done = 1;
	certcheck_run(log_for(sd), &in);
	v = evlog_find(log_for(sd), EV_CERT_VERDICT, 0);
	while (v >= 0 && evlog_find(log_for(sd), EV_CERT_VERDICT, (size_t)v + 1) >= 0)
		v = evlog_find(log_for(sd), EV_CERT_VERDICT, (size_t)v + 1);
	if (v >= 0)
		event_field(log_for(sd)->ev[v], 0, "openssl_verify_callback", 0, 0, "%s",
			    sd->verify_trace[0] ? sd->verify_trace : "(not called)");
	if (ok <= 0 && e->cfg.insecure)
		return 1;
	return ok;
}

/* ------------------------------------------------------------ set-up */

static int set_versions(SSL_CTX *ctx, const struct engine_config *cfg, int server)
{
	int min = TLS1_2_VERSION;
	int max = cfg->tls == TLSV_13 ? TLS1_3_VERSION : TLS1_2_VERSION;

	/* The embedded server caps like the client so a 1.2 run does not carry
	 * the RFC 8446 downgrade sentinel; asked for 1.3, either side insists
	 * on 1.3 (a client never quietly falls back to 1.2).  serve offers
	 * both unless --tls restricts it. */
	if (cfg->tls == TLSV_13)
		min = TLS1_3_VERSION;
	if (server && cfg->tls_any)
		min = TLS1_2_VERSION, max = TLS1_3_VERSION;
	return SSL_CTX_set_min_proto_version(ctx, min) && SSL_CTX_set_max_proto_version(ctx, max);
}

static void hook_ctx(SSL_CTX *ctx)
{
	SSL_CTX_set_msg_callback(ctx, on_msg);
	SSL_CTX_set_info_callback(ctx, on_info);
	SSL_CTX_set_keylog_callback(ctx, on_keylog);
}

static int make_client_ctx(struct engine *e, char *err, size_t errlen)
{
	X509_STORE *store;

	e->cctx = SSL_CTX_new(TLS_client_method());
	if (e->cctx == NULL || !set_versions(e->cctx, &e->cfg, 0))
		goto ssl_fail;
	hook_ctx(e->cctx);
	/* connect --kex ecdhe: a learner who asked for ECDHE gets it or a clear
	 * "no cipher suite in common", even from a server that prefers RSA */
	if (!e->embedded && e->cfg.kex == KEX_ECDHE && !SSL_CTX_set_cipher_list(e->cctx, "ECDHE:!aNULL:!eNULL"))
		goto ssl_fail;
	if (e->cfg.classic)
		SSL_CTX_set_options(e->cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET | SSL_OP_NO_ENCRYPT_THEN_MAC);
	SSL_CTX_set_verify(e->cctx, SSL_VERIFY_PEER, on_verify_depth);
	SSL_CTX_set_cert_verify_callback(e->cctx, on_cert_verify, e);
	if (e->embedded) {
		store = SSL_CTX_get_cert_store(e->cctx);
		if (!X509_STORE_add_cert(store, e->pki.ca_cert))
			goto ssl_fail;
		if (e->cfg.trust_attacker && e->pki.attacker_ca_cert != NULL &&
		    !X509_STORE_add_cert(store, e->pki.attacker_ca_cert))
			goto ssl_fail;
	} else if (e->cfg.cafile != NULL) {
		if (!SSL_CTX_load_verify_locations(e->cctx, e->cfg.cafile, NULL)) {
			snprintf(err, errlen, "cannot load CA file %s", e->cfg.cafile);
			return -1;
		}
	} else if (!SSL_CTX_set_default_verify_paths(e->cctx)) {
		goto ssl_fail;
	}
	return 0;
ssl_fail:
	snprintf(err, errlen, "OpenSSL client set-up failed: %s", ERR_reason_error_string(ERR_get_error()));
	return -1;
}

/* A server context presenting cert/key, with the same hooks and ciphers
 * whichever server half uses it (the embedded server or the interceptor). */
static SSL_CTX *make_server_ctx(struct engine *e, X509 *cert, EVP_PKEY *key, char *err, size_t errlen)
{
	const char *ciphers = e->cfg.kex == KEX_ECDHE ? "ECDHE-RSA-AES128-GCM-SHA256" : "AES128-GCM-SHA256";
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	char list[512];

	if (ctx == NULL || !set_versions(ctx, &e->cfg, 1))
		goto ssl_fail;
	hook_ctx(ctx);
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (e->cfg.classic)
		SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET | SSL_OP_NO_ENCRYPT_THEN_MAC);
	SSL_CTX_set_num_tickets(ctx, 1);
	/* serve answers any client a classroom may bring: OpenSSL's default
	 * suites after ours, so curl, Python and browsers that refuse RSA key
	 * exchange work ("DEFAULT" is only understood first in a cipher string,
	 * so the default list is spelled out after our suite) */
	if (e->serve) {
		snprintf(list, sizeof list, "%s:%s", ciphers, OSSL_default_cipher_list());
		ciphers = list;
	}
	if (!SSL_CTX_set_cipher_list(ctx, ciphers) || !SSL_CTX_use_certificate(ctx, cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, key) || !SSL_CTX_check_private_key(ctx))
		goto ssl_fail;
	return ctx;
ssl_fail:
	snprintf(err, errlen, "OpenSSL server set-up failed: %s", ERR_reason_error_string(ERR_get_error()));
	SSL_CTX_free(ctx);
	return NULL;
}

/* The interceptor's client half: it does not care whom it talks to. */
static SSL_CTX *make_mitm_client_ctx(struct engine *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL || !set_versions(ctx, &e->cfg, 0)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	hook_ctx(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

static int listen_loopback(int *fd, int *port, char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;

	*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(*fd, 4) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &sl) < 0) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1: %s", strerror(errno));
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return 0;
}

static int side_init(struct engine *e, struct side *sd, enum actor who, enum actor peer, int server_role,
		     SSL_CTX *ctx, const char *name)
{
	sd->e = e;
	sd->who = who;
	sd->peer = peer;
	sd->server_role = server_role;
	sd->name = name;
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

static struct engine *engine_alloc(const struct engine_config *cfg, struct evlog *log, char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof *e);

	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	e->log = log;
	e->lfd = e->mlfd = -1;
	e->c.fd = e->s.fd = e->mi.fd = e->mo.fd = -1;
	e->exit_code = EXIT_OK;
	e->last_idx = -1;
	capture_init(&e->capdata);
	return e;
}

static int open_keylog(struct engine *e, char *err, size_t errlen)
{
	int fd;

	/* serve: every exchange appends to the one file serve opened */
	if (e->cfg.keylog_fd > 0) {
		fd = fcntl(e->cfg.keylog_fd, F_DUPFD_CLOEXEC, 0);
		e->keylog = fd >= 0 ? fdopen(fd, "a") : NULL;
		if (e->keylog != NULL)
			return 0;
		snprintf(err, errlen, "cannot write the key log: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (e->cfg.keylog_file == NULL)
		return 0;
	fd = open(e->cfg.keylog_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		fchmod(fd, 0600);
	e->keylog = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (e->keylog == NULL) {
		snprintf(err, errlen, "cannot write key log %s: %s", e->cfg.keylog_file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

/* Start the run's clock now, after the keys were minted. */
static void start_clock(struct evlog *log)
{
	log->t0_us += evlog_now_us(log);
}

/* see engine.h */
struct engine *engine_new(const struct engine_config *cfg, struct evlog *log, char *err, size_t errlen)
{
	struct engine *e = engine_alloc(cfg, log, err, errlen);
	ASN1_OCTET_STRING *ip;
	int mitm = cfg->host == NULL && cfg->scenario == SCEN_MITM;

	if (e == NULL)
		return NULL;
	e->embedded = cfg->host == NULL;
	e->all_local = e->embedded;
	snprintf(e->host, sizeof e->host, "%s", e->embedded ? "localhost" : cfg->host);
	snprintf(e->portstr, sizeof e->portstr, "%s", cfg->port ? cfg->port : "443");
	if (e->embedded && pki_mint(&e->pki, cfg->scenario, err, errlen) < 0)
		goto fail;
	if (make_client_ctx(e, err, errlen) < 0 ||
	    side_init(e, &e->c, ACTOR_CLIENT, mitm ? ACTOR_MITM : ACTOR_SERVER, 0, e->cctx, "client") < 0)
		goto fail;
	e->viewer = &e->c;
	if (e->embedded) {
		if (listen_loopback(&e->lfd, &e->port, err, errlen) < 0)
			goto fail;
		e->sctx = make_server_ctx(e, e->pki.server_cert, e->pki.server_key, err, errlen);
		if (e->sctx == NULL)
			goto fail;
		if (mitm) {
			e->mi_ctx = make_server_ctx(e, e->pki.mitm_cert, e->pki.mitm_key, err, errlen);
			e->mo_ctx = make_mitm_client_ctx(e);
			if (e->mi_ctx == NULL || e->mo_ctx == NULL ||
			    listen_loopback(&e->mlfd, &e->mport, err, errlen) < 0 ||
			    side_init(e, &e->mi, ACTOR_MITM, ACTOR_CLIENT, 1, e->mi_ctx, "interceptor") < 0 ||
			    side_init(e, &e->mo, ACTOR_MITM, ACTOR_SERVER, 0, e->mo_ctx, "interceptor") < 0)
				goto fail;
			e->mi.relay = &e->mo;
			e->mo.relay = &e->mi;
			SSL_set_tlsext_host_name(e->mo.ssl, "localhost");
		}
		if (side_init(e, &e->s, ACTOR_SERVER, mitm ? ACTOR_MITM : ACTOR_CLIENT, 1, e->sctx, "server") < 0)
			goto fail;
		e->front = mitm ? &e->mi : &e->s;
		e->capdata.server_key = mitm ? e->pki.mitm_key : e->pki.server_key;
		snprintf(e->portstr, sizeof e->portstr, "%d", mitm ? e->mport : e->port);
	}
	ip = a2i_IPADDRESS(e->host);
	if (ip != NULL) {
		/* RFC 6066 §3: no IP literals in SNI; check the IP SAN instead */
		ASN1_OCTET_STRING_free(ip);
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(e->c.ssl), e->host);
	} else if (!SSL_set_tlsext_host_name(e->c.ssl, e->host) || !SSL_set1_host(e->c.ssl, e->host)) {
		snprintf(err, errlen, "bad host name");
		goto fail;
	}
	e->request = http_build_request(e->host, e->portstr, cfg->path ? cfg->path : "/");
	if (e->request == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (open_keylog(e, err, errlen) < 0)
		goto fail;
	e->phase = PH_TCP;
	start_clock(log);
	return e;
fail:
	engine_free(e);
	return NULL;
}

/* The server context serve builds once, for every exchange it serves. */
struct engine_served {
	struct engine_config cfg;
	const struct pki *pki;
	SSL_CTX *ctx;
};

/* see engine.h */
struct engine_served *engine_served_new(const struct engine_config *cfg, const struct pki *pki, char *err,
					size_t errlen)
{
	struct engine_served *sv = calloc(1, sizeof *sv);
	struct engine *e = engine_alloc(cfg, NULL, err, errlen);

	if (sv == NULL || e == NULL || tap_init() < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	e->serve = 1;
	sv->cfg = *cfg;
	sv->pki = pki;
	sv->ctx = make_server_ctx(e, pki->server_cert, pki->server_key, err, errlen);
	if (sv->ctx == NULL)
		goto fail;
	engine_free(e);
	return sv;
fail:
	engine_free(e);
	free(sv);
	return NULL;
}

/* see engine.h */
void engine_served_free(struct engine_served *sv)
{
	if (sv == NULL)
		return;
	SSL_CTX_free(sv->ctx);
	free(sv);
}

/* see engine.h */
struct engine *engine_new_served(const struct engine_served *sv, int fd, struct evlog *log, char *err,
				 size_t errlen)
{
	struct engine *e = engine_alloc(&sv->cfg, log, err, errlen);
	int one = 1;
	int rc;

	if (e == NULL)
		return NULL;
	e->serve = 1;
	e->shared_pki = sv->pki;
	snprintf(e->host, sizeof e->host, "localhost");
	/* the context is shared: built and its certificate decoded once */
	SSL_CTX_up_ref(sv->ctx);
	e->sctx = sv->ctx;
	rc = side_init(e, &e->s, ACTOR_SERVER, ACTOR_CLIENT, 1, e->sctx, "server");
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	else
		rc = open_keylog(e, err, errlen);
	if (rc < 0) {
		engine_free(e);
		return NULL;
	}
	e->s.fd = fd;
	e->viewer = &e->s;
	e->front = &e->s;
	e->capdata.server_key = sv->pki->server_key;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	e->phase = PH_TCP;
	start_clock(log);
	return e;
}

/* ------------------------------------------------------------------ TCP */

static void segment_event(struct engine *e, const struct tcpseg *seg);

static void on_segment(void *arg, const struct tcpseg *seg)
{
	struct engine *e = arg;
	size_t before = e->log->n;

	segment_event(e, seg);
	/* the client's segments go to whoever it connected to */
	if (e->log->n > before && e->log->ev[before]->dir == DIR_C2S)
		e->log->ev[before]->peer = e->front != NULL ? e->front->who : ACTOR_SERVER;
}

/* The shift that applies to the windows this direction's sender
 * advertises: scaling is on only when both SYNs carried the option. */
static int wscale_of(const struct engine *e, enum direction dir)
{
	if (!e->syn_seen || !e->synack_seen || e->wscale[0] < 0 || e->wscale[1] < 0)
		return -1;
	return e->wscale[dir == DIR_C2S ? 0 : 1];
}

static void segment_event(struct engine *e, const struct tcpseg *seg)
{
	enum direction dir = seg->sport == e->cport ? DIR_C2S : DIR_S2C;
	int syn = seg->flags & TCPF_SYN;
	int ack = seg->flags & TCPF_ACK;

	if (syn && !ack && dir == DIR_C2S && !e->syn_seen) {
		e->syn_seen = 1;
		e->wscale[0] = seg->wscale;
		tcpcap_event(e->log, EV_TCP_SYN, dir, seg, -1);
	} else if (syn && ack && dir == DIR_S2C && !e->synack_seen) {
		e->synack_seen = 1;
		e->server_isn = seg->seq;
		e->wscale[1] = seg->wscale;
		tcpcap_event(e->log, EV_TCP_SYN_ACK, dir, seg, -1);
		/* the capture may hand over the client's ACK first when the two
		 * segments were queued on different CPUs */
		if (e->early_ack.pkt != NULL && e->early_ack.ack == seg->seq + 1) {
			e->ack_seen = 1;
			tcpcap_event(e->log, EV_TCP_ACK, DIR_C2S, &e->early_ack, wscale_of(e, DIR_C2S));
		}
	} else if (!syn && ack && dir == DIR_C2S && !e->ack_seen && seg->payload_len == 0 &&
		   !(seg->flags & (TCPF_FIN | TCPF_RST)) && e->syn_seen) {
		if (e->synack_seen && seg->ack == e->server_isn + 1) {
			e->ack_seen = 1;
			tcpcap_event(e->log, EV_TCP_ACK, dir, seg, wscale_of(e, dir));
		} else if (!e->synack_seen && seg->pkt_len <= sizeof e->early_pkt) {
			memcpy(e->early_pkt, seg->pkt, seg->pkt_len);
			e->early_ack = *seg;
			e->early_ack.pkt = e->early_pkt;
		}
	} else if (seg->flags & TCPF_FIN) {
		e->fins++;
		tcpcap_event(e->log, EV_TCP_FIN, dir, seg, wscale_of(e, dir));
	} else if (seg->flags & TCPF_RST) {
		tcpcap_event(e->log, EV_TCP_RST, dir, seg, wscale_of(e, dir));
	}
}

/* A TCP connection seen only through its socket's TCP_INFO state. */
static void tcp_info_event(struct engine *e, int fd, enum actor who)
{
	struct tcp_info ti;
	socklen_t tl = sizeof ti;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char addr[INET6_ADDRSTRLEN + 8] = "?";
	struct event *ev;

	memset(&ti, 0, sizeof ti);
	getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
	if (who == ACTOR_MITM)
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_MITM, DIR_LOCAL, NULL, 0,
			       "the interceptor opened its own TCP connection to the server (%s)", addr);
	else if (e->serve)
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_SERVER, DIR_LOCAL, NULL, 0,
			       "TCP connection accepted from %s (state from TCP_INFO)", addr);
	else
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_KERNEL, DIR_LOCAL, NULL, 0,
			       "TCP connected (state %s, from TCP_INFO; packets not captured)",
			       ti.tcpi_state == 1 ? "ESTABLISHED" : "other");
	if (ev == NULL)
		return;
	event_field(ev, 0, "peer_address", 0, 0, "%s", addr);
	event_field(ev, 0, "state", 0, 0, "%s (%u)", ti.tcpi_state == 1 ? "ESTABLISHED" : "not established",
		    ti.tcpi_state);
	event_field(ev, 0, "rtt", 0, 0, "%u us", ti.tcpi_rtt);
	event_field(ev, 0, "snd_mss", 0, 0, "%u", ti.tcpi_snd_mss);
	event_field(ev, 0, "rcv_mss", 0, 0, "%u", ti.tcpi_rcv_mss);
	event_field(ev, 0, "source_of_numbers", 0, 0,
		    "the socket's TCP_INFO: the kernel did the SYN, SYN-ACK, ACK on its own; %s",
		    who == ACTOR_MITM ? "the packet capture follows the client's connection only"
		    : e->serve	      ? "serve does not capture packets"
		    : e->cfg.no_pcap  ? "packet capture turned off (--no-pcap)"
				      : "capturing the real segments needs root or CAP_NET_RAW");
}

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};
	int rc;

	do
		rc = poll(&p, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc;
}

/* Wait on the network: like wait_fd(), for at most ms in all (a signal does
 * not restart the clock), and while waiting the learner may stop the run
 * (engine_set_interrupt).  > 0 ready, 0 timed out, -1 interrupted (the run
 * has failed quietly: fail() logs nothing more). */
static int wait_on(struct engine *e, int fd, short events, int ms)
{
	int64_t deadline = now_ms() + ms;
	int watch = e->intr != NULL && e->intr_fd >= 0;

	for (;;) {
		struct pollfd p[2] = {{fd, events, 0}, {e->intr_fd, POLLIN, 0}};
		int64_t left = deadline - now_ms();
		int rc = poll(p, watch ? 2 : 1, left > 0 ? (int)left : 0);

		if (rc > 0 && p[0].revents != 0)
			return rc;
		/* the deadline holds even while keys keep coming */
		if (rc == 0 || left <= 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return rc;
		/* a terminal that hung up has nothing more to say: a busy loop
		 * on it would spin until the deadline */
		if (rc > 0 && (p[1].revents & (POLLHUP | POLLERR | POLLNVAL)))
			watch = 0;
		/* a signal, or input on the watched terminal */
		if (e->intr != NULL && e->intr(e->intr_arg)) {
			e->interrupted = 1;
			e->phase = PH_FAILED;
			snprintf(e->err, sizeof e->err, "interrupted while waiting for the network");
			return -1;
		}
	}
}

/* Accept the connection waiting on *lfd as sd's socket, then close the
 * listener: one exchange per engine. */
static int accept_on(struct engine *e, int *lfd, struct side *sd)
{
	int one = 1;

	if (wait_fd(*lfd, POLLIN, timeout_ms(e)) <= 0) {
		fail(e, EXIT_TIMEOUT, EV_ERROR_TIMEOUT, sd->who, "the %s did not accept", sd->name);
		return -1;
	}
	sd->fd = accept4(*lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (sd->fd < 0) {
		fail(e, EXIT_INTERNAL, EV_ERROR_INTERNAL, sd->who, "accept: %s", strerror(errno));
		return -1;
	}
	setsockopt(sd->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	close(*lfd);
	*lfd = -1;
	return 0;
}

/* mitm: the interceptor opens its own connection to the real server, as a
 * transparent proxy does as soon as a client connects to it. */
static int mitm_connect(struct engine *e)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;

	sa.sin_port = htons((uint16_t)e->port);
	e->mo.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->mo.fd < 0 || (connect(e->mo.fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) ||
	    wait_fd(e->mo.fd, POLLOUT, timeout_ms(e)) <= 0) {
		fail(e, EXIT_INTERNAL, EV_ERROR_INTERNAL, ACTOR_MITM, "the interceptor cannot reach the server");
		return -1;
	}
	setsockopt(e->mo.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (accept_on(e, &e->lfd, &e->s) < 0)
		return -1;
	tcp_info_event(e, e->mo.fd, ACTOR_MITM);
	return 0;
}

/* One connection attempt of the client to `to`: a fresh socket, the
 * capture on its port, connect and wait.  Returns 0 when connected, else
 * the errno (ETIMEDOUT for no answer) with the socket closed; -1 when the
 * run already failed. */
static int try_connect(struct engine *e, const struct sockaddr *to, socklen_t tolen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char note[200] = "";
	int one = 1;
	int soerr = 0;
	socklen_t el = sizeof soerr;

	e->c.fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->c.fd < 0) {
		fail(e, EXIT_INTERNAL, EV_ERROR_INTERNAL, ACTOR_CLIENT, "socket: %s", strerror(errno));
		return -1;
	}
	/* bind first: the capture filter needs the client's port before the SYN */
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, to, tolen < sizeof ss ? tolen : sizeof ss);
	if (to->sa_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	else
		((struct sockaddr_in *)&ss)->sin_port = 0;
	if (!e->embedded) {
		memset(&ss, 0, sizeof ss);
		ss.ss_family = to->sa_family;
	}
	bind(e->c.fd, (struct sockaddr *)&ss, tolen);
	sl = sizeof ss;
	getsockname(e->c.fd, (struct sockaddr *)&ss, &sl);
	e->cport = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	tcpcap_close(e->cap);
	e->cap = NULL;
	e->syn_seen = e->synack_seen = e->ack_seen = 0;
	e->early_ack.pkt = NULL;
	if (!e->cfg.no_pcap)
		e->cap = tcpcap_open(e->embedded ? "lo" : "any", e->cport, e->cfg.pcap_file, note, sizeof note);
	if (e->cap == NULL && e->cfg.pcap_file != NULL) {
		fail(e, EXIT_INTERNAL, EV_ERROR_INTERNAL, ACTOR_APP, "--pcap %s: %s", e->cfg.pcap_file,
		     note[0] ? note : "capture turned off");
		return -1;
	}
	setsockopt(e->c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(e->c.fd, to, tolen) < 0 && errno != EINPROGRESS)
		soerr = errno;
	else if (wait_on(e, e->c.fd, POLLOUT, timeout_ms(e)) <= 0)
		soerr = ETIMEDOUT;
	else
		getsockopt(e->c.fd, SOL_SOCKET, SO_ERROR, &soerr, &el);
	if (soerr != 0) {
		if (e->cap != NULL)
			tcpcap_drain(e->cap, 2, 100, on_segment, e);
		close(e->c.fd);
		e->c.fd = -1;
	}
	return soerr;
}

static void step_tcp(struct engine *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char addr[INET6_ADDRSTRLEN] = "?";
	int soerr = 0;
	int rc;

	if (e->embedded) {
		dst.sin_port = htons((uint16_t)(e->front == &e->mi ? e->mport : e->port));
		soerr = try_connect(e, (struct sockaddr *)&dst, sizeof dst);
	} else {
		rc = getaddrinfo(e->host, e->portstr, &hints, &res);
		if (rc != 0) {
			fail(e, EXIT_CONNECT, EV_ERROR_CONNECT, ACTOR_CLIENT, "cannot resolve %s: %s", e->host,
			     rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
			return;
		}
		/* like any client: each address the name has, in the resolver's order */
		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
			getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL, 0, NI_NUMERICHOST);
			soerr = try_connect(e, ai->ai_addr, ai->ai_addrlen);
			if (soerr <= 0)
				break;
		}
	}
	if (soerr < 0)
		goto out;
	if (soerr == ETIMEDOUT) {
		fail(e, EXIT_TIMEOUT, EV_ERROR_TIMEOUT, ACTOR_CLIENT, "TCP connect to %s port %s timed out after %d ms",
		     e->host, e->portstr, timeout_ms(e));
		goto out;
	}
	if (soerr != 0) {
		fail(e, EXIT_CONNECT, EV_ERROR_CONNECT, ACTOR_CLIENT, "TCP connect to %s port %s (%s) failed: %s",
		     e->host, e->portstr, e->embedded ? "127.0.0.1" : addr, strerror(soerr));
		goto out;
	}
	if (e->embedded && accept_on(e, e->front == &e->mi ? &e->mlfd : &e->lfd, e->front) < 0)
		goto out;
	/* wait for the handshake's segments themselves, not for a count of
	 * packets: the connection is established, so the ACK has left */
	for (int64_t end = now_ms() + 300; e->cap != NULL && !e->ack_seen && now_ms() < end;)
		if (tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 20, on_segment, e) < 0)
			break;
	if (!e->ack_seen)
		tcp_info_event(e, e->c.fd, ACTOR_KERNEL);
	if (e->front == &e->mi && mitm_connect(e) < 0)
		goto out;
	e->phase = PH_TLS;
out:
	if (res != NULL)
		freeaddrinfo(res);
}

/* ------------------------------------------------------------ flights */

/* Record-layer sequence number of the record at `off` in this side's
 * output: TLS 1.2 restarts at 0 after each ChangeCipherSpec. */
static long record_seq12(const struct side *sd, const uint8_t *all, size_t off)
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
	(void)sd;
	return seq;
}

/* The key-exchange views follow one connection: the viewer's (the client's,
 * or serve's server) and its peer's.  In the mitm scenario the interceptor's
 * own connection to the server has other keys and stays out of them. */
static int on_viewed_connection(const struct side *sd)
{
	return sd == sd->e->viewer || sd == sd->e->front;
}

/* The role a side plays on its connection, as the captured data names it. */
static enum actor role_actor(const struct side *sd)
{
	return sd->server_role ? ACTOR_SERVER : ACTOR_CLIENT;
}

static void emit_app_records(struct side *sd)
{
	struct engine *e = sd->e;
	int tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION;
	struct capture_blob all = {0};
	size_t i = sd->app_from;

	if (sd->app_to <= sd->app_from)
		return;
	/* the sequence number needs the whole stream this side sent */
	capture_blob_append(&all, sd->wire_out.p, sd->wire_out.len);
	capture_blob_append(&all, sd->out.p, sd->out.len);
	while (i + 5 <= sd->app_to) {
		size_t rl = (size_t)sd->out.p[i + 3] << 8 | sd->out.p[i + 4];
		struct event *ev;

		if (i + 5 + rl > sd->out.len)
			break;
		ev = side_event(sd, 1, EV_TLS_APPLICATION_DATA, sd->out.p + i, 5 + rl,
				"[encrypted] %s (%zu-byte record)", sd->app_label, 5 + rl);
		if (ev != NULL) {
			tlsdecode_record(ev, tls13);
			if (!tls13)
				event_field(ev, 0, "record_seq", 0, 0, "%ld (implicit: not sent, counted by both sides)",
					    record_seq12(sd, all.p, sd->wire_out.len + i));
			if (on_viewed_connection(sd))
				capture_app_record(&e->capdata, role_actor(sd), sd->out.p + i, 5 + rl);
		}
		i += 5 + rl;
	}
	capture_blob_free(&all);
}

/* Send what this side's SSL wrote, as one write, then let its held events
 * into the log. */
static int flush_side(struct side *sd)
{
	struct engine *e = sd->e;
	size_t off = 0;
	int64_t deadline = now_ms() + timeout_ms(e);
	int sent_all;

	emit_app_records(sd);
	evlog_move(e->log, &sd->stage);
	while (off < sd->out.len) {
		ssize_t n = send(sd->fd, sd->out.p + off, sd->out.len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR) && now_ms() < deadline) {
			if (wait_on(e, sd->fd, POLLOUT, (int)(deadline - now_ms())) < 0)
				break; /* interrupted: the run is over */
			continue;
		}
		fail(e, EXIT_TLS, EV_ERROR_PEER_CLOSED, sd->who, "%s could not send: %s",
		     sd->who == ACTOR_CLIENT ? "client" : "server", n < 0 ? strerror(errno) : "timeout");
		break;
	}
	if (on_viewed_connection(sd))
		capture_wire(&e->capdata, role_actor(sd), sd->out.p, off);
	capture_blob_append(&sd->wire_out, sd->out.p, off);
	sd->sent += off;
	sent_all = off == sd->out.len;
	sd->holding = 0;
	sd->out.len = 0;
	sd->app_from = sd->app_to = 0;
	return sent_all ? 0 : -1;
}

/* Turn an SSL call's result into: 0 done, 1 blocked (wants more input),
 * 2 the peer sent close_notify, -1 failed (error event logged). */
/* The peer closed TCP without a close_notify.  OpenSSL 3 reports this as
 * an "unexpected eof" error; this consumes that error. */
static int is_unexpected_eof(struct side *sd, int rc)
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

static int ssl_outcome(struct side *sd, int rc, const char *what)
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
		fail(e, EXIT_TLS, EV_ERROR_PEER_CLOSED, sd->who, "%s: the peer closed the connection during %s",
		     who, what);
		return -1;
	}
	ERR_error_string_n(code, text, sizeof text);
	ERR_clear_error();
	if (sd->who == ACTOR_CLIENT && SSL_get_verify_result(sd->ssl) != X509_V_OK && !e->cfg.insecure) {
		long v = SSL_get_verify_result(sd->ssl);

		fail(e, EXIT_CERT, EV_ERROR_TLS, sd->who, "%s: certificate rejected: %s (X509 error %ld)", who,
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
		fail(e, EXIT_TLS, EV_ERROR_PROTOCOL, sd->who, "%s: the peer does not speak TLS here%s (%s)", who, seen,
		     text);
		return -1;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
		fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who,
		     "%s: no TLS version in common (this side allows %s) (%s)", who,
		     e->serve && e->cfg.tls_any ? "TLS 1.2 and 1.3"
		     : e->cfg.tls == TLSV_13    ? "TLS 1.3 only, as asked with --tls 1.3"
						: "TLS 1.2", text);
		return -1;
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who, "%s: no cipher suite or parameters in common (%s)", who, text);
		return -1;
	default:
		break;
	}
		fail(e, EXIT_TLS, EV_ERROR_TLS, sd->who, "%s: TLS failed during %s: %s", who, what, text);
	return -1;
}

static int has_input(const struct side *sd)
{
	if (sd->fd < 0 || sd->closed)
		return 0;
	if (SSL_has_pending(sd->ssl))
		return 1;
	return wait_fd(sd->fd, POLLIN, 0) > 0;
}

/* Close this side's socket for writing, after what its SSL still has to
 * say (a close_notify written in the same turn must leave before the FIN). */
static void close_side(struct side *sd)
{
	struct engine *e = sd->e;

	if (sd->closed)
		return;
	if (sd->out.len > 0)
		flush_side(sd);
	sd->closed = 1;
	shutdown(sd->fd, SHUT_WR);
	if (e->cap != NULL && (sd == &e->c || sd == e->front)) {
		tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 200, on_segment, e);
	} else {
		struct event *ev = evlog_add(e->log, EV_TCP_FIN, sd->who, sd->server_role ? DIR_S2C : DIR_C2S, NULL,
					     0, "%s closes its socket: the kernel sends FIN (segment not captured)",
					     sd->name);

		if (ev != NULL)
			ev->peer = sd->peer;
	}
}

static void emit_response(struct side *sd)
{
	struct event *ev;
	const struct field *st;
	size_t h = http_header_end((const char *)sd->app_in.p, sd->app_in.len);
	size_t eol = h ? strcspn((const char *)sd->app_in.p, "\r") : 0;

	ev = evlog_add(sd->e->log, EV_HTTP_RESPONSE, sd->who, DIR_LOCAL, sd->app_in.p, sd->app_in.len,
		       "%.*s (%zu bytes, decrypted by the client)", (int)(eol > 80 ? 80 : eol),
		       (const char *)sd->app_in.p, sd->app_total);
	if (ev == NULL)
		return;
	http_decode(ev);
	if (sd->app_dropped > 0)
		event_field(ev, 0, "kept", 0, 0, "the first %zu of %zu bytes (the rest was read and counted, not kept)",
			    sd->app_in.len, sd->app_total);
	st = event_find_field(ev, "status");
	if (st == NULL || atoi(st->value) < 100)
		fail(sd->e, EXIT_HTTP, EV_ERROR_PROTOCOL, sd->who, "the response is not valid HTTP");
	capture_plaintext(&sd->e->capdata, ACTOR_SERVER, sd->app_in.p, sd->app_in.len);
}

/* mitm: the interceptor holds the plaintext: show it, and hand it to its
 * other half to re-encrypt for the far side. */
static void relay_plaintext(struct side *sd, enum evname name, const char *what)
{
	size_t eol = strcspn((const char *)sd->app_in.p, "\r");
	struct event *ev = evlog_add(sd->e->log, name, ACTOR_MITM, DIR_LOCAL, sd->app_in.p, sd->app_in.len,
				     "the interceptor decrypted the %s: %.*s", what, (int)(eol > 60 ? 60 : eol),
				     (const char *)sd->app_in.p);

	if (ev != NULL) {
		http_decode(ev);
		event_field(ev, 0, "seen_by", 0, 0,
			    "the interceptor, in clear: it could read or change every byte before "
			    "passing it on re-encrypted");
	}
	sd->relay->relay_in.len = 0;
	capture_blob_append(&sd->relay->relay_in, sd->app_in.p, sd->app_in.len);
}

/* Keep n plaintext bytes: all of them while the message is small; past
 * HTTP_MAX_MESSAGE a client (a real server may send megabytes) only counts
 * the rest of the body and remembers its last bytes.  Returns -1 when a
 * request is too large or memory ran out. */
static int keep_app(struct side *sd, const uint8_t *p, size_t n)
{
	size_t room = HTTP_MAX_MESSAGE - sd->app_in.len;
	size_t keep = n < room ? n : room;

	sd->app_total += n;
	for (size_t i = n > 5 ? n - 5 : 0; i < n; i++) {
		memmove(sd->app_tail, sd->app_tail + 1, sizeof sd->app_tail - 1);
		sd->app_tail[sizeof sd->app_tail - 1] = p[i];
	}
	if (keep < n && (sd->server_role || http_header_end((const char *)sd->app_in.p, sd->app_in.len) == 0))
		return -1; /* a request, or a header block, this large is not HTTP we accept */
	if (capture_blob_append(&sd->app_in, p, keep) < 0 || capture_blob_append(&sd->app_in, "", 1) < 0)
		return -1;
	sd->app_in.len--; /* the NUL stays after the data: strcspn and friends stop there */
	sd->app_dropped += n - keep;
	return 0;
}

/* 1 when the client has the whole response, 0 when more is to come, -1
 * when it is malformed; counts the body bytes that were not kept. */
static int response_complete(const struct side *sd)
{
	const char *p = (const char *)sd->app_in.p;
	size_t h;
	const char *cl;

	if (sd->app_dropped == 0)
		return http_response_complete(p, sd->app_in.len);
	h = http_header_end(p, sd->app_in.len);
	cl = h ? strcasestr(p, "\r\ncontent-length:") : NULL;
	if (cl != NULL && (size_t)(cl - p) < h)
		return sd->app_total >= h + strtoull(cl + 17, NULL, 10);
	if (strcasestr(p, "\r\ntransfer-encoding: chunked") != NULL)
		return memcmp(sd->app_tail, "0\r\n\r\n", 5) == 0;
	return 0;
}

/* Read application data into app_in until SSL blocks.  Returns the
 * ssl_outcome of the last read. */
static int read_app(struct side *sd)
{
	uint8_t tmp[16384];

	for (;;) {
		int n = SSL_read(sd->ssl, tmp, sizeof tmp);

		if (n > 0) {
			if (keep_app(sd, tmp, (size_t)n) < 0) {
				fail(sd->e, EXIT_HTTP, EV_ERROR_PROTOCOL, sd->who, "HTTP message too large");
				return -1;
			}
			continue;
		}
		if (is_unexpected_eof(sd, n)) {
			sd->eof = 1;
			return 2;
		}
		return ssl_outcome(sd, n, "reading application data");
	}
}

/* Encrypt an HTTP message with this side's SSL_write; its records become
 * tls.application_data events when the flight leaves. */
static int write_app(struct side *sd, const void *msg, size_t len, const char *what)
{
	int rc;

	snprintf(sd->app_label, sizeof sd->app_label, "%.*s", (int)strcspn(msg, "\r"), (const char *)msg);
	sd->app_from = sd->out.len;
	rc = ssl_outcome(sd, SSL_write(sd->ssl, msg, (int)len), what);
	sd->app_to = sd->out.len;
	return rc == 0 ? 0 : -1;
}

static int handshake_turn(struct side *sd)
{
	int rc;

	sd->started = 1;
	rc = ssl_outcome(sd, SSL_do_handshake(sd->ssl), "the handshake");
	if (rc < 0 || rc == 2)
		return -1;
	if (SSL_is_init_finished(sd->ssl))
		sd->hs_done = 1;
	return sd->hs_done || sd->out.len > 0;
}

/* One turn of a client half: whatever its state calls for next.  Returns 1
 * when it made progress, 0 when it waits for input, -1 on failure. */
static int client_turn(struct side *sd)
{
	struct engine *e = sd->e;
	int rc;

	if (!sd->hs_done)
		return handshake_turn(sd);
	if (!sd->req_sent) {
		if (sd->relay != NULL) {
			if (sd->relay_in.len == 0)
				return 0;
			if (write_app(sd, sd->relay_in.p, sd->relay_in.len, "forwarding the request") < 0)
				return -1;
		} else {
			struct event *ev = evlog_add(log_for(sd), EV_HTTP_REQUEST, sd->who, DIR_LOCAL, e->request,
						     strlen(e->request), "%.*s (handed to TLS to encrypt)",
						     (int)strcspn(e->request, "\r"), e->request);

			if (ev != NULL)
				http_decode(ev);
			capture_plaintext(&e->capdata, ACTOR_CLIENT, e->request, strlen(e->request));
			if (write_app(sd, e->request, strlen(e->request), "sending the request") < 0)
				return -1;
		}
		sd->req_sent = 1;
		return 1;
	}
	if (!sd->resp_done) {
		rc = read_app(sd);
		if (rc < 0)
			return -1;
		if (response_complete(sd) == 1 || (rc == 2 && sd->app_in.len > 0)) {
			sd->resp_done = 1;
			sd->peer_closed = rc == 2;
			if (sd->relay != NULL)
				relay_plaintext(sd, EV_HTTP_RESPONSE, "response");
			else
				emit_response(sd);
			return 1;
		}
		if (rc == 2) {
			fail(e, EXIT_HTTP, EV_ERROR_PEER_CLOSED, sd->peer,
			     "the %s closed the connection without a response", actor_str(sd->peer));
			return -1;
		}
		return 0;
	}
	if (!sd->close_sent) {
		sd->close_sent = 1;
		if (sd->peer_closed && sd->eof) {
			close_side(sd); /* nobody left to tell */
			return 1;
		}
		rc = SSL_shutdown(sd->ssl);
		if (rc == 1 || sd->peer_closed)
			close_side(sd);
		return 1;
	}
	rc = SSL_shutdown(sd->ssl);
	if (rc == 1 || is_unexpected_eof(sd, rc)) {
		/* TCP closed without close_notify after a complete response
		 * is accepted for HTTP with Connection: close */
		close_side(sd);
		return 1;
	}
	rc = ssl_outcome(sd, rc, "closing");
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

/* One turn of a server half (the embedded server, serve, or the
 * interceptor facing the client). */
static int server_turn(struct side *sd)
{
	int rc;

	if (!sd->hs_done)
		return handshake_turn(sd);
	if (!sd->req_sent) {
		char *resp;
		size_t rlen = 0;

		rc = read_app(sd);
		if (rc < 0)
			return -1;
		if (http_header_end((const char *)sd->app_in.p, sd->app_in.len) == 0) {
			if (rc == 2) {
				sd->peer_closed = 1;
				sd->req_sent = sd->resp_done = 1;
				return 1;
			}
			/* a TLS 1.3 ticket round may have been all there was */
			return sd->out.len > 0;
		}
		sd->req_sent = 1;
		if (sd->who == ACTOR_SERVER && on_viewed_connection(sd))
			kexview_server_read(sd->e->log, &sd->e->capdata, 1);
		if (sd->relay != NULL) {
			relay_plaintext(sd, EV_HTTP_REQUEST, "request");
			return 1;
		}
		if (sd->e->serve) {
			size_t eol = strcspn((const char *)sd->app_in.p, "\r");
			struct event *ev = evlog_add(sd->e->log, EV_HTTP_REQUEST, ACTOR_SERVER, DIR_LOCAL, sd->app_in.p,
						     sd->app_in.len, "the server decrypted the request: %.*s",
						     (int)(eol > 80 ? 80 : eol), (const char *)sd->app_in.p);

			if (ev != NULL)
				http_decode(ev);
		}
		resp = http_build_response((const char *)sd->app_in.p, sd->app_in.len, &rlen);
		if (resp == NULL)
			return -1;
		rc = write_app(sd, resp, rlen, "sending the response");
		free(resp);
		sd->resp_done = 1;
		/* serve answers "Connection: close" like any server: its
		 * close_notify leaves with the response, and a client that waits
		 * for the server to close (s_client -ign_eof) is not kept waiting */
		if (rc == 0 && sd->e->serve) {
			SSL_shutdown(sd->ssl);
			sd->close_sent = 1;
		}
		return rc == 0 ? 1 : -1;
	}
	if (!sd->resp_done) {
		if (sd->relay_in.len == 0)
			return 0;
		sd->resp_done = 1;
		return write_app(sd, sd->relay_in.p, sd->relay_in.len, "forwarding the response") == 0 ? 1 : -1;
	}
	if (!sd->peer_closed) {
		uint8_t tmp[256];
		int n;

		/* after serve's close_notify the client's own is a courtesy:
		 * wait a little for it, then close anyway */
		if (sd->close_sent && !has_input(sd) && wait_fd(sd->fd, POLLIN, SERVE_LINGER_MS) <= 0) {
			sd->peer_closed = sd->eof = 1;
			return 1;
		}
		n = SSL_read(sd->ssl, tmp, sizeof tmp);

		if (is_unexpected_eof(sd, n)) {
			sd->eof = 1;
		} else {
			rc = ssl_outcome(sd, n, "waiting for the client to close");
			if (rc < 0)
				return -1;
			if (rc != 2)
				return 0;
		}
		sd->peer_closed = 1;
	}
	if (!sd->eof)
		SSL_shutdown(sd->ssl);
	sd->close_sent = 1;
	return 1;
}

static int turn(struct side *sd)
{
	return sd->server_role ? server_turn(sd) : client_turn(sd);
}

static int has_initiative(const struct side *sd);

/* Whether a side other than sd can act now (input waiting, or something to
 * do without its peer). */
static int other_can_act(const struct side *sd)
{
	const struct engine *e = sd->e;

	for (int i = 0; i < e->nsides; i++) {
		const struct side *o = e->sides[i];

		if (o != sd && !o->closed && (has_input(o) || has_initiative(o)))
			return 1;
	}
	return 0;
}

/* Run one side until it makes progress, waiting for its input as long as
 * the timeout allows.  When its input made no progress (a TLS 1.3 ticket
 * read while the interceptor still has the request to forward) and another
 * side can act, it returns at once: waiting here would hold up the very
 * side it waits for.  Returns 0, or -1 when the run failed. */
static int drive(struct side *sd)
{
	struct engine *e = sd->e;
	int64_t deadline = now_ms() + timeout_ms(e);

	for (;;) {
		int rc = turn(sd);

		if (rc < 0)
			return -1;
		if (rc > 0 || (!has_input(sd) && other_can_act(sd)))
			return 0;
		if (now_ms() >= deadline || wait_on(e, sd->fd, POLLIN, (int)(deadline - now_ms())) <= 0) {
			fail(e, EXIT_TIMEOUT, EV_ERROR_TIMEOUT, sd->peer, "the %s did not answer within %d ms",
			     actor_str(sd->peer), timeout_ms(e));
			return -1;
		}
	}
}

/* Something this side can do without waiting for its peer. */
static int has_initiative(const struct side *sd)
{
	int have_request = sd->relay == NULL || sd->relay_in.len > 0;

	if (sd->closed)
		return 0;
	if (sd->server_role)
		return sd->relay != NULL && sd->req_sent && !sd->resp_done && sd->relay_in.len > 0;
	if (!sd->started || (sd->hs_done && !sd->req_sent))
		return have_request;
	if (sd->resp_done && !sd->close_sent)
		return sd->relay == NULL || sd->relay->peer_closed;
	return 0;
}

/* Copy what the key-exchange views compare against out of OpenSSL. */
static void capture_state(struct side *sd)
{
	struct engine *e = sd->e;
	struct capture *cap = &e->capdata;
	const SSL_CIPHER *ciph = SSL_get_current_cipher(sd->ssl);
	SSL_SESSION *sess = SSL_get_session(sd->ssl);

	cap->embedded = e->all_local;
	/* the server's ephemeral key pair exists once its first flight is
	 * out, and goes once the handshake is over */
	if (sd == e->front && cap->server_tmp_key == NULL && !sd->hs_done)
		SSL_get_tmp_key(sd->ssl, &cap->server_tmp_key);
	if (sd != e->viewer || ciph == NULL)
		return;
	cap->version = SSL_version(sd->ssl);
	cap->cipher_id = (uint16_t)(SSL_CIPHER_get_id(ciph) & 0xffff);
	cap->ems = SSL_get_extms_support(sd->ssl) == 1;
	if (cap->server_cert_key == NULL) {
		X509 *cert = sd->server_role ? SSL_get_certificate(sd->ssl) : SSL_get0_peer_certificate(sd->ssl);

		if (cert != NULL)
			cap->server_cert_key = X509_get_pubkey(cert);
	}
	if (sess != NULL)
		cap->master_len = SSL_SESSION_get_master_key(sess, cap->master, sizeof cap->master);
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

static void after_turn(struct side *sd)
{
	struct engine *e = sd->e;
	const SSL_CIPHER *ciph = SSL_get_current_cipher(sd->ssl);

	if (sd == e->viewer && ciph != NULL) {
		snprintf(e->version, sizeof e->version, "%s", SSL_get_version(sd->ssl));
		snprintf(e->cipher, sizeof e->cipher, "%s", SSL_CIPHER_standard_name(ciph));
	}
	capture_state(sd);
	if (on_viewed_connection(sd))
		kexview_after_turn(e->log, &e->capdata, sd->who);
}

/* Whose turn it is when every end is ours: the next side, after the one
 * that acted last, with input waiting; else one that can act on its own. */
static struct side *pick_side(struct engine *e)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 1; k <= e->nsides; k++) {
			int i = (e->last_idx + k + e->nsides) % e->nsides;
			struct side *sd = e->sides[i];

			if (sd->closed)
				continue;
			if (pass == 0 ? has_input(sd) : has_initiative(sd)) {
				e->last_idx = i;
				return sd;
			}
		}
	}
	return NULL;
}

/* Wait until some side has input; 0 when one does, -1 on timeout. */
static int wait_any(struct engine *e)
{
	struct pollfd p[4];
	int n = 0;
	int rc;

	for (int i = 0; i < e->nsides; i++)
		if (!e->sides[i]->closed && e->sides[i]->fd >= 0)
			p[n++] = (struct pollfd){e->sides[i]->fd, POLLIN, 0};
	do
		rc = poll(p, (nfds_t)n, timeout_ms(e));
	while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

static int all_closed(const struct engine *e)
{
	for (int i = 0; i < e->nsides; i++)
		if (!e->sides[i]->closed)
			return 0;
	return 1;
}

static void step_local(struct engine *e)
{
	struct side *sd = pick_side(e);

	if (sd == NULL) {
		if (wait_any(e) < 0) {
			fail(e, EXIT_TIMEOUT, EV_ERROR_TIMEOUT, ACTOR_APP, "nobody spoke within %d ms",
			     timeout_ms(e));
			return;
		}
		sd = pick_side(e);
		if (sd == NULL)
			return;
	}
	drive(sd);
	if (sd->out.len > 0)
		flush_side(sd); /* a fatal alert leaves too */
	if (e->phase == PH_FAILED)
		return;
	if (sd->server_role && sd->close_sent && sd->peer_closed)
		close_side(sd);
	after_turn(sd);
	if (all_closed(e))
		e->phase = PH_DONE;
}

/* connect: the server's flights arrive when the network delivers them; the
 * client's answer is held until the next step. */
static void step_connect(struct engine *e)
{
	struct side *c = &e->c;
	int needed;

	if (c->out.len > 0) {
		/* the flight held at the end of the last step leaves now */
		flush_side(c);
		return;
	}
	needed = c->started && !has_initiative(c);
	c->holding = needed;
	if (drive(c) < 0) {
		if (c->out.len > 0)
			flush_side(c);
		return;
	}
	if (!needed && c->out.len > 0)
		flush_side(c);
	if (c->out.len == 0)
		c->holding = 0;
	after_turn(c);
	if (c->closed && e->phase != PH_FAILED)
		e->phase = PH_DONE;
}

/* serve: the server answers as soon as the client has spoken. */
static void step_serve(struct engine *e)
{
	struct side *sd = &e->s;

	drive(sd);
	if (sd->out.len > 0)
		flush_side(sd);
	if (e->phase == PH_FAILED)
		return;
	if (sd->close_sent && sd->peer_closed)
		close_side(sd);
	after_turn(sd);
	if (sd->closed)
		e->phase = PH_DONE;
}

/* see engine.h */
enum engine_status engine_step(struct engine *e)
{
	if (e->phase == PH_DONE)
		return ENGINE_DONE;
	if (e->phase == PH_FAILED)
		return ENGINE_FAILED;
	e->steps++;
	e->log->cur_step = e->steps;
	if (e->phase == PH_TCP && e->serve) {
		tcp_info_event(e, e->s.fd, ACTOR_SERVER);
		e->phase = PH_TLS;
	} else if (e->phase == PH_TCP) {
		step_tcp(e);
	} else if (e->serve) {
		step_serve(e);
	} else if (e->all_local) {
		step_local(e);
	} else {
		step_connect(e);
	}
	if (e->cap != NULL && e->phase != PH_DONE)
		tcpcap_drain(e->cap, 0, 0, on_segment, e);
	/* the last FIN may still be on its way */
	for (int i = 0; i < 10 && e->phase == PH_DONE && e->cap != NULL && e->fins < 2; i++)
		tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 10, on_segment, e);
	if (e->phase == PH_FAILED)
		return ENGINE_FAILED;
	return e->phase == PH_DONE ? ENGINE_DONE : ENGINE_MORE;
}

/* see engine.h */
void engine_set_interrupt(struct engine *e, int watch_fd, int (*stop)(void *), void *arg)
{
	e->intr_fd = watch_fd;
	e->intr = stop;
	e->intr_arg = arg;
}

/* see engine.h */
int engine_interrupted(const struct engine *e)
{
	return e->interrupted;
}

/* see engine.h */
int engine_may_wait(const struct engine *e)
{
	if (e->all_local || e->serve)
		return 0;
	if (e->phase == PH_TCP)
		return 1;
	return e->phase == PH_TLS && e->c.out.len == 0 && e->c.started && !has_initiative(&e->c) &&
	       !has_input(&e->c);
}

/* see engine.h */
int engine_steps(const struct engine *e)
{
	return e->steps;
}

/* see engine.h */
int engine_exit_code(const struct engine *e)
{
	return e->exit_code;
}

/* see engine.h */
const char *engine_error(const struct engine *e)
{
	return e->err;
}

/* see engine.h */
const char *engine_version(const struct engine *e)
{
	return e->version;
}

/* see engine.h */
const char *engine_cipher(const struct engine *e)
{
	return e->cipher;
}

/* see engine.h */
size_t engine_bytes_sent(const struct engine *e, enum actor side)
{
	return side == ACTOR_CLIENT ? e->c.sent : e->s.sent;
}

/* see engine.h */
size_t engine_bytes_pending(const struct engine *e, enum actor side)
{
	const struct side *sd = side == ACTOR_CLIENT ? &e->c : &e->s;
	int n = 0;

	if (sd->fd < 0 || ioctl(sd->fd, FIONREAD, &n) < 0)
		return 0;
	return (size_t)n;
}

/* see engine.h */
long engine_verify_result(const struct engine *e)
{
	if (e->c.ssl == NULL || !e->c.verify_done)
		return -1;
	return SSL_get_verify_result(e->c.ssl);
}

/* see engine.h */
int engine_server_port(const struct engine *e)
{
	return e->embedded ? e->port : 0;
}

static void side_free(struct side *sd)
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

/* see engine.h */
void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	side_free(&e->c);
	side_free(&e->s);
	side_free(&e->mi);
	side_free(&e->mo);
	if (e->lfd >= 0)
		close(e->lfd);
	if (e->mlfd >= 0)
		close(e->mlfd);
	SSL_CTX_free(e->cctx);
	SSL_CTX_free(e->sctx);
	SSL_CTX_free(e->mi_ctx);
	SSL_CTX_free(e->mo_ctx);
	tcpcap_close(e->cap);
	capture_free(&e->capdata);
	pki_free(&e->pki);
	if (e->keylog != NULL)
		fclose(e->keylog);
	free(e->request);
	free(e);
}
