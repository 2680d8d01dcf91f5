/* The protocol engine: a real HTTPS exchange, advanced one step at a time.
 *
 * engine_new() sets up (mints the demo PKI, starts the in-process server);
 * each engine_step() performs one step of the exchange — in the embedded
 * default one flight: the next flight's bytes are not written to the socket
 * until the next step — and appends what happened to the event log.  Single
 * threaded and non-blocking: the caller owns the loop.  A step that needs
 * the network returns ENGINE_WAIT; the caller polls engine_pollfds() (with
 * its own descriptors, e.g. the terminal) and calls engine_step() again to
 * go on with the same step. */
#ifndef HTTPSVIZ_ENGINE_H
#define HTTPSVIZ_ENGINE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/event.h"
#include "protocol/runopts.h"
#include "protocol/scenario.h"

struct pki;

/* The first four members are the run options of protocol/runopts.h
 * (engine_config_runopts / engine_config_set_runopts copy them). */
struct engine_config {
	enum kex_mode kex;        /* TLS 1.2 only */
	enum tls_version tls;
	int classic;              /* no extended master secret, no encrypt-then-MAC */
	enum scenario scenario;
	int insecure;             /* continue despite a certificate failure */
	int trust_attacker;       /* mitm: the attacker CA is in the trust store */
	const char *host;         /* connect mode: remote host, NULL = embedded */
	const char *port;         /* connect mode: port, default "443" */
	const char *path;         /* request path, default "/" */
	const char *cafile;       /* connect mode: trust store file */
	int timeout_ms;           /* per wait for a peer; 0 = default 5000 */
	int learner_wait_ms;      /* serve: per wait once the client's ClientHello
				   * is in (a learner steps at reading pace);
				   * 0 = timeout_ms */
	int tls_any;              /* serve: offer TLS 1.2 and 1.3 (tls ignored) */
	int no_pcap;              /* never try packet capture */
	const char *keylog_file;  /* write NSS key log here (mode 0600) */
	int keylog_fd;            /* serve: > 0: append the key log to this file,
				   * opened (safely) once for every exchange */
	const char *pcap_file;    /* write captured packets here */
	int openssl_states;       /* also log OpenSSL's handshake states (tls.state) */
	/* Kept across exchanges (the TUI's restarts, httpsviz bench): */
	const struct pki *pki;    /* embedded: present these certificates (the
				     caller's, kept alive by it) instead of minting */
	struct engine_ctxs *ctxs; /* embedded, not mitm: TLS contexts built by the first
				     exchange and reused by the next ones with the same
				     configuration and pki (engine_ctxs_new) */
	int no_teaching;          /* bench only: leave out the teaching recomputations (the key
				     schedule views, the explicit certificate checks;
				     OpenSSL's own keylog reports stay) */
};

struct engine_ctxs;

/* An empty set of kept TLS contexts; NULL when out of memory. */
struct engine_ctxs *engine_ctxs_new(void);
void engine_ctxs_free(struct engine_ctxs *x);

/* The run options in cfg, and cfg with ro's run options. */
static inline struct runopts engine_config_runopts(const struct engine_config *cfg)
{
	struct runopts ro = {cfg->kex, cfg->tls, cfg->scenario, cfg->classic};

	return ro;
}

static inline void engine_config_set_runopts(struct engine_config *cfg, const struct runopts *ro)
{
	cfg->kex = ro->kex;
	cfg->tls = ro->tls;
	cfg->scenario = ro->scenario;
	cfg->classic = ro->classic;
}

enum engine_status { ENGINE_MORE, ENGINE_DONE, ENGINE_FAILED, ENGINE_WAIT };

/* What kind of failure ended a run.  The application maps each to its exit
 * status (app/exitcode.h); the engine knows nothing of exit statuses. */
enum engine_failure {
	ENGINE_FAIL_NONE,     /* not failed */
	ENGINE_FAIL_CONNECT,  /* unreachable, refused, name not found */
	ENGINE_FAIL_TIMEOUT,  /* the peer did not answer in time */
	ENGINE_FAIL_TLS,      /* TLS failed: not TLS, bad record, closed mid-handshake */
	ENGINE_FAIL_CERT,     /* the certificate was rejected */
	ENGINE_FAIL_HTTP,     /* TLS fine, HTTP response missing or malformed */
	ENGINE_FAIL_INTERNAL, /* httpsviz itself failed (a socket, memory, a file) */
	ENGINE_FAIL_USAGE,    /* what the command line asked for cannot be done here
			       * (--pcap where packet capture is not permitted) */
	ENGINE_FAIL__COUNT
};

struct engine;

/* Set up an exchange that appends to log.  Returns NULL with a one-line
 * reason in err on failure. */
struct engine *engine_new(const struct engine_config *cfg, struct evlog *log,
			  char *err, size_t errlen);
struct pki;
struct engine_served;

/* serve mode: the server's TLS context, built once (certificate and key
 * loaded, checked and hooked) for every exchange served; cfg->tls_any
 * offers TLS 1.2 and 1.3 at once.  pki is the caller's, kept alive while
 * this is.  Make it before any thread runs an engine.  NULL with a one-line
 * reason in err on failure. */
struct engine_served *engine_served_new(const struct engine_config *cfg, const struct pki *pki,
					char *err, size_t errlen);
void engine_served_free(struct engine_served *sv);
struct ssl_st;
/* serve mode: a bare SSL object of the served context, for answering a
 * client outside an exchange (serve's refusal of a learner beyond
 * --max-clients): the same protocol versions, cipher preferences and
 * certificate chain as every exchange, so the client sees the same
 * handshake; it has no side, so its hooks do nothing and it makes no
 * events.  The caller frees it (SSL_free).  NULL when out of memory. */
struct ssl_st *engine_served_ssl(const struct engine_served *sv);
/* serve mode: run the server half of one exchange on fd, a connection
 * already accepted from a client elsewhere.  The engine owns fd from now
 * on (on failure the caller still does).  Each step is one flight of the
 * server, sent at once.  Engines of one engine_served may run in different
 * threads, each with its own log. */
struct engine *engine_new_served(const struct engine_served *sv, int fd, struct evlog *log,
				 char *err, size_t errlen);
/* Perform the next step, or go on with the one under way; appends its
 * events.  Never waits for a peer.  ENGINE_MORE: the step is done, more
 * are to come; ENGINE_WAIT: the step waits on the network (poll
 * engine_pollfds(), then call again); ENGINE_DONE: the exchange is
 * complete; ENGINE_FAILED: it ended with an error event (see
 * engine_failure); a peer silent past the timeout fails the step. */
enum engine_status engine_step(struct engine *e);
/* What the step under way waits on: up to max descriptors into fds (their
 * count is returned) and how long at most, in ms, before engine_step()
 * must be called again (it then reports the timeout).  0 when no step
 * waits. */
int engine_pollfds(const struct engine *e, struct pollfd *fds, int max, int *timeout_ms);
/* For callers without a loop of their own (trace, serve, tests):
 * engine_step(), polling the engine's descriptors while it says WAIT. */
enum engine_status engine_step_wait(struct engine *e);
/* 1 when the next step will wait on the network (connect: the server's
 * flight has not arrived yet), or a step is waiting now. */
int engine_may_wait(const struct engine *e);
/* Number of steps performed so far. */
int engine_steps(const struct engine *e);
/* Why the run failed (ENGINE_FAIL_NONE while it has not). */
enum engine_failure engine_failure(const struct engine *e);
/* A one-line reason for a failure, or "". */
const char *engine_error(const struct engine *e);
/* Negotiated protocol version and cipher suite, or "" before they are known. */
const char *engine_version(const struct engine *e);
const char *engine_cipher(const struct engine *e);
/* Bytes that side wrote to its socket so far, and bytes waiting unread in its
 * socket's receive queue (for tests of real stepping). */
size_t engine_bytes_sent(const struct engine *e, enum actor side);
size_t engine_bytes_pending(const struct engine *e, enum actor side);
/* OpenSSL's verify result for the server certificate, as the client's
 * SSL_get_verify_result reports it (X509_V_OK or an X509_V_ERR_* code; it
 * keeps the last error OpenSSL saw), or -1 before any certificate was
 * verified (and in serve mode). */
long engine_verify_result(const struct engine *e);
/* The embedded server's port (0 in connect mode). */
int engine_server_port(const struct engine *e);
/* Free everything, closing sockets. */
void engine_free(struct engine *e);

#endif
