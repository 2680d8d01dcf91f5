/* The protocol engine: a real HTTPS exchange through OpenSSL, one step at a
 * time, reported through OpenSSL's own hooks into the event log.
 *
 * This file is the public API (engine.h): set-up, the step, the results.
 * The work is done by the mode behind struct mode (mode_embedded.c,
 * mode_mitm.c, mode_connect.c, mode_serve.c), the endpoints' state machines
 * (side.c), OpenSSL's callbacks (hooks.c) and the sockets (net.c); see
 * engine_int.h and ARCHITECTURE.md.
 *
 * engine_step() never waits for a peer: when the step under way needs input
 * that has not arrived, it returns ENGINE_WAIT and engine_pollfds() says
 * what to poll, so the caller owns the loop (the TUI polls the terminal and
 * the engine together). */
#include "protocol/engine_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "protocol/http.h"
#include "protocol/safefile.h"

/* see engine_int.h */
int64_t engine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* see engine_int.h */
int engine_timeout_ms(const struct engine *e)
{
	/* serve: a learner steps at reading pace once its ClientHello is in;
	 * before that (nothing, or garbage) the short timeout holds */
	if (e->serve && e->s.hello_in && e->cfg.learner_wait_ms > 0)
		return e->cfg.learner_wait_ms;
	return e->cfg.timeout_ms > 0 ? e->cfg.timeout_ms : DEFAULT_TIMEOUT_MS;
}

/* see engine_int.h */
void engine_wait_for(struct engine *e, int fd, short events)
{
	if (e->nwait < (int)(sizeof e->waitfds / sizeof e->waitfds[0]))
		e->waitfds[e->nwait++] = (struct pollfd){fd, events, 0};
}

/* see engine_int.h */
void engine_fail(struct engine *e, enum engine_failure why, enum evname name, enum actor who, const char *fmt, ...)
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
		side_flush(&e->c);
		if (e->phase == PH_FAILED)
			return;
	}
	/* the records counted so far come before the failure they led to */
	for (int i = 0; i < e->nsides; i++)
		tap_report_tally(e->sides[i]);
	e->phase = PH_FAILED;
	e->failure = why;
	snprintf(e->err, sizeof e->err, "%s", msg);
	evlog_add(e->log, name, who, DIR_LOCAL, NULL, 0, "%s", msg);
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
	e->failure = ENGINE_FAIL_NONE;
	e->last_idx = -1;
	capture_init(&e->capdata);
	return e;
}

static int open_keylog(struct engine *e, char *err, size_t errlen)
{
	char why[160];
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
	/* 0600, never through a planted link, never into another's file */
	fd = safefile_create(e->cfg.keylog_file, 0600, why, sizeof why);
	e->keylog = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (e->keylog == NULL) {
		if (fd >= 0) {
			snprintf(why, sizeof why, "%s", strerror(errno));
			close(fd);
		}
		snprintf(err, errlen, "--keylog %s: %s", e->cfg.keylog_file, why);
		return -1;
	}
	return 0;
}

/* Start the run's clock now, after the keys were minted. */
static void start_clock(struct evlog *log)
{
	log->t0_us += evlog_now_us(log);
}

/* The client's name for the server: SNI and the hostname check, or for an
 * IP literal the IP SAN check (RFC 6066 section 3: no IP literals in SNI). */
static int client_names_server(struct engine *e, char *err, size_t errlen)
{
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(e->host);

	if (ip != NULL) {
		ASN1_OCTET_STRING_free(ip);
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(e->c.ssl), e->host);
		return 0;
	}
	if (!SSL_set_tlsext_host_name(e->c.ssl, e->host) || !SSL_set1_host(e->c.ssl, e->host)) {
		snprintf(err, errlen, "bad host name");
		return -1;
	}
	return 0;
}

/* see engine.h */
struct engine *engine_new(const struct engine_config *cfg, struct evlog *log, char *err, size_t errlen)
{
	struct engine *e = engine_alloc(cfg, log, err, errlen);

	if (e == NULL)
		return NULL;
	e->embedded = cfg->host == NULL;
	e->all_local = e->embedded;
	e->mode = !e->embedded ? &mode_connect : cfg->scenario == SCEN_MITM ? &mode_mitm : &mode_embedded;
	snprintf(e->host, sizeof e->host, "%s", e->embedded ? "localhost" : cfg->host);
	snprintf(e->portstr, sizeof e->portstr, "%s", cfg->port ? cfg->port : "443");
	if (e->embedded && (cfg->pki != NULL ? pki_ref(&e->pki, cfg->pki, err, errlen)
					     : pki_mint(&e->pki, cfg->scenario, err, errlen)) < 0)
		goto fail;
	if (sslctx_client(e, err, errlen) < 0 ||
	    side_init(e, &e->c, ACTOR_CLIENT, e->mode == &mode_mitm ? ACTOR_MITM : ACTOR_SERVER, 0, e->cctx,
		      "client") < 0)
		goto fail;
	e->viewer = &e->c;
	if (e->mode->setup(e, err, errlen) < 0 || client_names_server(e, err, errlen) < 0)
		goto fail;
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
	sv->ctx = sslctx_server(e, pki->server_cert, pki->server_chain, pki->server_key, err, errlen);
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
SSL *engine_served_ssl(const struct engine_served *sv)
{
	return SSL_new(sv->ctx);
}

/* see engine.h */
struct engine *engine_new_served(const struct engine_served *sv, int fd, struct evlog *log, char *err,
				 size_t errlen)
{
	struct engine *e = engine_alloc(&sv->cfg, log, err, errlen);

	if (e == NULL)
		return NULL;
	e->serve = 1;
	e->mode = &mode_serve;
	e->shared_pki = sv->pki;
	e->s.fd = fd;
	snprintf(e->host, sizeof e->host, "localhost");
	/* the context is shared: built and its certificate decoded once */
	SSL_CTX_up_ref(sv->ctx);
	e->sctx = sv->ctx;
	if (e->mode->setup(e, err, errlen) < 0 || open_keylog(e, err, errlen) < 0) {
		e->s.fd = -1; /* on failure the caller keeps it */
		engine_free(e);
		return NULL;
	}
	e->phase = PH_TCP;
	start_clock(log);
	return e;
}

/* see engine.h */
enum engine_status engine_step(struct engine *e)
{
	int resumed = e->nwait > 0;

	if (e->phase == PH_DONE)
		return ENGINE_DONE;
	if (e->phase == PH_FAILED)
		return ENGINE_FAILED;
	/* a step that waited goes on; a new one counts */
	e->nwait = 0;
	if (!resumed) {
		e->steps++;
		e->log->cur_step = e->steps;
	}
	if (e->phase == PH_TCP)
		e->mode->connect(e);
	else
		e->mode->step(e);
	/* every moment of the step is in the log before the caller reads it */
	hooks_settle(e);
	if (e->phase == PH_FAILED) {
		e->nwait = 0;
		return ENGINE_FAILED;
	}
	if (e->nwait > 0)
		return ENGINE_WAIT;
	if (e->cap != NULL && e->phase != PH_DONE)
		tcpcap_drain(e->cap, 0, 0, net_on_segment, e);
	/* the last FIN may still be on its way */
	for (int i = 0; i < 10 && e->phase == PH_DONE && e->cap != NULL && e->fins < 2; i++)
		tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 10, net_on_segment, e);
	return e->phase == PH_DONE ? ENGINE_DONE : ENGINE_MORE;
}

/* see engine.h */
int engine_pollfds(const struct engine *e, struct pollfd *fds, int max, int *timeout_ms)
{
	int n = e->nwait < max ? e->nwait : max;
	int64_t left = e->wait_deadline - engine_now_ms();

	for (int i = 0; i < n; i++)
		fds[i] = e->waitfds[i];
	/* past the deadline the next engine_step() says the peer timed out */
	*timeout_ms = n == 0 ? 0 : e->wait_deadline == 0 ? engine_timeout_ms(e) : left > 0 ? (int)left : 0;
	return n;
}

/* see engine.h */
enum engine_status engine_step_wait(struct engine *e)
{
	enum engine_status st;

	while ((st = engine_step(e)) == ENGINE_WAIT) {
		struct pollfd p[4];
		int ms;
		int n = engine_pollfds(e, p, 4, &ms);

		while (poll(p, (nfds_t)n, ms) < 0 && errno == EINTR)
			;
	}
	return st;
}

/* see engine.h */
int engine_may_wait(const struct engine *e)
{
	return e->nwait > 0 || e->mode->may_wait(e);
}

/* see engine.h */
int engine_steps(const struct engine *e)
{
	return e->steps;
}

/* see engine.h */
enum engine_failure engine_failure(const struct engine *e)
{
	return e->failure;
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

/* see engine.h */
void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	hooks_drop(e);
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
	net_conn_free(e->conn);
	capture_free(&e->capdata);
	pki_free(&e->pki);
	if (e->keylog != NULL)
		fclose(e->keylog);
	free(e->request);
	free(e);
}
