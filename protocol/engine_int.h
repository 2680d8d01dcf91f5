/* Inside the engine: the state its modules share.  Not for ui/, app/ or
 * lessons/: they see protocol/engine.h only.
 *
 *   engine.c        the public API: set-up, engine_step(), the results
 *   mode_*.c        one file per mode behind struct mode: embedded (both
 *                   ends ours), mitm (plus an interceptor), connect (a
 *                   remote server), serve (a remote client)
 *   side.c          one endpoint: its state machine, its flights, its
 *                   application data
 *   hooks.c         OpenSSL's msg, info, keylog and verify callbacks,
 *                   translated into events (derivations at the moment
 *                   OpenSSL does the work: see kexview.h)
 *   tap.c           the BIO between an SSL object and its socket
 *   sslctx.c        SSL_CTX building for each role
 *   net.c           sockets, waits, the TCP handshake and its segments
 *   outcome.c       an SSL call's result, and TLS failures in words */
#ifndef HTTPSVIZ_ENGINE_INT_H
#define HTTPSVIZ_ENGINE_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>

#include <openssl/ssl.h>

#include "protocol/capture.h"
#include "protocol/engine.h"
#include "protocol/http.h"
#include "protocol/kexview.h"
#include "protocol/pki.h"
#include "protocol/tcpcap.h"

#define DEFAULT_TIMEOUT_MS 5000
#define SERVE_LINGER_MS 1000
/* A peer may send records without end: the first ones are events of their
 * own, the rest are counted in one tls.records_summary event (tap.c). */
#define RECORDS_IN_FULL 16

/* Records received but not shown one by one. */
struct record_tally {
	unsigned long records;
	uint64_t bytes;
	uint64_t first_us, last_us;
};

enum phase { PH_TCP, PH_TLS, PH_DONE, PH_FAILED };

/* Where one endpoint is in its exchange: the rows of side.c's transition
 * table.  A client goes HANDSHAKE, REQUEST, RESPONSE, CLOSE, CLOSING,
 * CLOSED; a server HANDSHAKE, REQUEST (reads it), RESPONSE (writes or
 * forwards it), CLOSE (waits for the client's close_notify), CLOSED. */
enum side_state {
	SS_HANDSHAKE,
	SS_REQUEST,
	SS_RESPONSE,
	SS_CLOSE,
	SS_CLOSING,
	SS_CLOSED,
};

struct side {
	struct engine *e;
	enum actor who;      /* client, server, or mitm (either half) */
	enum actor peer;     /* who is at the other end of its connection */
	int server_role;     /* it runs the server half of TLS */
	enum side_state state;
	struct side *relay;  /* mitm: the other half, plaintext is passed to */
	struct capture_blob relay_in; /* mitm: plaintext handed over by the other half */
	int fd;
	SSL *ssl;
	BIO *bio;
	struct capture_blob out;      /* written by SSL, not yet on the socket */
	size_t sent;         /* bytes written to the socket */
	struct capture_blob wire_out; /* every byte this side sent, in order */
	struct capture_blob app_in;   /* plaintext read by SSL_read (NUL-terminated) */
	size_t app_dropped;  /* client: body bytes read past HTTP_MAX_MESSAGE, not kept */
	size_t app_total;    /* client: every plaintext byte read */
	struct http_body body; /* client: where the response's body ends */
	int body_started;    /* client: the header block is in, its body is followed */
	struct evlog stage;  /* connect mode: events of a held flight */
	int started;
	int hs_reported;
	int sh_seen;         /* a ServerHello went by: TLS 1.3 protects what follows */
	int ccs_out;         /* it sent ChangeCipherSpec: TLS 1.2 protects what follows */
	int etm;             /* the ServerHello carried encrypt_then_mac (CBC records) */
	uint8_t hdr[2][5];   /* the last record header read [0] and written [1] */
	int hdr_seen[2];     /* how many record headers were read and written */
	int peer_closed;     /* the peer's close_notify (or EOF) was read */
	int notify_sent;     /* server: its close_notify left with the response (serve) */
	int eof;             /* the peer closed TCP (with or without close_notify) */
	int holding;         /* connect: this turn's flight waits for the next step */
	struct capture_blob wire_in;  /* received: the last whole record, then one not yet complete */
	size_t in_parsed;    /* wire_in up to here was reported */
	size_t in_last;      /* wire_in[in_last, in_parsed) is the last whole record */
	int app_read;        /* SSL_read has returned application data */
	uint8_t first_in[64];         /* the first bytes received, for error messages */
	size_t first_in_len;
	struct record_tally more;     /* records received past RECORDS_IN_FULL */
	unsigned records_in;          /* application-data records received */
	int verify_calls;
	int hello_in;        /* server: a whole ClientHello was read */
	int verify_done;     /* client: the certificate was verified */
	int hello_request;   /* client: the server asked to renegotiate */
	int cert_requested;  /* client: the server sent a CertificateRequest */
	int moments;         /* hooks.c: which derivation moments were reported (bits) */
	char verify_trace[256];
	char app_label[96];  /* first line of what our SSL_write carried */
	const char *name;    /* "client", "server", "interceptor" */
};

struct engine;
struct netconn;

/* A mode: how the engine sets up and steps one kind of exchange. */
struct mode {
	const char *name;
	/* after the common set-up (client context and side in every mode but
	 * serve): the mode's own endpoints */
	int (*setup)(struct engine *e, char *err, size_t errlen);
	/* the first step: the TCP connection */
	void (*connect)(struct engine *e);
	/* every later step */
	void (*step)(struct engine *e);
	/* 1 when the next step waits on the network */
	int (*may_wait)(const struct engine *e);
};

extern const struct mode mode_embedded, mode_mitm, mode_connect, mode_serve;

#define PENDING_MOMENTS 16

struct engine {
	struct engine_config cfg;
	const struct mode *mode;
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
	enum engine_failure failure;
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
	/* what the step under way waits on (engine_step returned ENGINE_WAIT) */
	struct pollfd waitfds[4];
	int nwait;
	int64_t wait_deadline;    /* monotonic ms; 0: no wait under way */
	struct side *driving;     /* the side whose turn is under way */
	/* hooks.c: derivations and checks OpenSSL made during the turn under
	 * way, logged in place once its flight has left (hooks_settle) */
	struct pending_moment {
		struct evlog *log;       /* where its events go: the log or a held stage */
		size_t at;               /* at this index of it */
		uint64_t t_us;           /* when OpenSSL did the work */
		int step;
		enum kex_moment m;
		enum actor who;
		struct capture_mark mark; /* the capture as it stood then */
	} pending[PENDING_MOMENTS];
	size_t npending;
	struct netconn *conn;     /* net.c: a client connect under way */
};

/* engine.c */
int64_t engine_now_ms(void);
/* The step under way waits for events on fd (engine_pollfds()). */
void engine_wait_for(struct engine *e, int fd, short events);
int engine_timeout_ms(const struct engine *e);
/* Keep the first failure: later errors are consequences of it. */
void engine_fail(struct engine *e, enum engine_failure why, enum evname name, enum actor who, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* side.c */
int side_init(struct engine *e, struct side *sd, enum actor who, enum actor peer, int server_role, SSL_CTX *ctx,
	      const char *name);
void side_free(struct side *sd);
/* Where a side's events go now (its held flight's stage, or the log). */
struct evlog *side_log(struct side *sd);
/* An event for a message this side wrote (write_p) or read, with who sent
 * it, who receives it and which way. */
struct event *side_event(struct side *sd, int write_p, enum evname name, const void *raw, size_t len,
			 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Is this side on the connection the key-exchange views follow? */
int side_viewed(const struct side *sd);
/* Decode a whole record of this side's connection by its negotiated suite
 * (tlsdecode_record with the suite and encrypt_then_mac). */
void side_decode_record(const struct side *sd, struct event *ev);
/* The role a side plays on its connection, as the captured data names it. */
enum actor side_role(const struct side *sd);
/* Send what this side's SSL wrote, as one write, then let its held events
 * into the log.  0, or -1 when not all of it could be sent. */
int side_flush(struct side *sd);
/* The first line of the peer's plaintext (at most max bytes), quoted with
 * sanitize_span for a summary; a new string. */
char *side_first_line(const struct side *sd, size_t max);
/* Input waiting for this side (on its socket or inside its SSL). */
int side_has_input(const struct side *sd);
/* Close this side's socket for writing, after what its SSL still has to
 * say; the FIN is reported (captured, or said to be sent). */
void side_close(struct side *sd);
/* Run one side until it makes progress.  0 progress, 1 it waits for input
 * (engine_wait_for() was told what on), -1 the run failed. */
int side_drive(struct side *sd);
/* Something this side can do without waiting for its peer. */
int side_has_initiative(const struct side *sd);
/* Copy what the key-exchange views compare against out of OpenSSL now. */
void side_snapshot(struct side *sd);
/* After a turn: the negotiated version and suite for engine_version(). */
void side_after_turn(struct side *sd);
/* The side is closed. */
int side_done(const struct side *sd);

/* tap.c */
BIO *tap_new(struct side *sd);
/* The records counted past RECORDS_IN_FULL, as one tls.records_summary
 * event (none when there were none); the count starts again. */
void tap_report_tally(struct side *sd);
/* Make the tap's BIO method (once; serve calls it before its threads run). */
int tap_init(void);

/* hooks.c */
void hooks_install(SSL_CTX *ctx);
/* Log the derivations and checks of the turn under way, each where and when
 * OpenSSL made it: the callbacks note them (a moment), and the teaching
 * recomputations run here, after the flight has left, off the peer's path.
 * Called after each flush and at the end of each step. */
void hooks_settle(struct engine *e);
/* The events of from (a held stage) moved to the end of to, at index base:
 * the moments noted in from now go there. */
void hooks_rebase(struct engine *e, const struct evlog *from, struct evlog *to, size_t base);
/* Forget the moments not yet logged (the engine is freed or restarted). */
void hooks_drop(struct engine *e);
int hooks_verify_depth(int preverify_ok, X509_STORE_CTX *xs);
int hooks_cert_verify(X509_STORE_CTX *xs, void *arg);

/* sslctx.c */
int sslctx_versions(SSL_CTX *ctx, const struct engine_config *cfg, int server);
int sslctx_client(struct engine *e, char *err, size_t errlen);
SSL_CTX *sslctx_server(struct engine *e, X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *key, char *err,
		       size_t errlen);
SSL_CTX *sslctx_mitm_client(struct engine *e);

/* net.c */
/* A listener on 127.0.0.1 and an ephemeral port. */
int net_listen_loopback(int *fd, int *port, char *err, size_t errlen);
/* poll() one descriptor for at most ms (signals do not cut it short). */
int net_wait_fd(int fd, short events, int ms);
/* Accept the connection waiting on *lfd as sd's socket, then close the
 * listener: one exchange per engine. */
int net_accept_on(struct engine *e, int *lfd, struct side *sd);
/* The client's TCP connection, one step: resolve, try each address, take
 * the segments.  Without blocking: while a connect is under way it asks to
 * wait (engine_wait_for) and goes on at the next call. */
void net_connect_client(struct engine *e);
/* A TCP connection seen only through its socket's TCP_INFO state. */
void net_tcp_info_event(struct engine *e, int fd, enum actor who);
/* A captured segment, as an event (tcpcap's callback). */
void net_on_segment(void *arg, const struct tcpseg *seg);

/* outcome.c: an SSL call's result: 0 done, 1 blocked (wants more input),
 * 2 the peer sent close_notify, -1 failed (error event logged). */
int outcome_of(struct side *sd, int rc, const char *what);
/* The peer closed TCP without a close_notify (consumes OpenSSL's error). */
int outcome_eof(struct side *sd, int rc);

/* mode_mitm.c */
int mitm_connect(struct engine *e);
void mitm_relay_plaintext(struct side *sd, enum evname name, const char *what);

/* mode_embedded.c: one step when every end is ours (embedded and mitm) */
void embedded_step(struct engine *e);
/* mode_embedded.c: the embedded server's listener, context and side */
int embedded_setup_server(struct engine *e, enum actor peer, char *err, size_t errlen);

/* net.c */
void net_conn_free(struct netconn *c);

#endif
