#include "app/bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "app/exitcode.h"
#include "protocol/http.h"
#include "protocol/pki.h"

enum variant { V_BARE, V_INSTR_NOPCAP, V_INSTR, V__COUNT };

static const char *const variant_name[V__COUNT] = {
	"bare OpenSSL (no callbacks)",
	"httpsviz, all hooks, no packet capture",
	"httpsviz, all hooks + libpcap capture",
};

struct bare {
	SSL_CTX *cctx;
	SSL_CTX *sctx;
	int lfd;
	int port;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The same contexts the engine builds, without any callback. */
static int bare_init(struct bare *b, const struct pki *pki, const struct engine_config *cfg)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	int max = cfg->tls == TLSV_13 ? TLS1_3_VERSION : TLS1_2_VERSION;
	X509_STORE *store;

	b->cctx = SSL_CTX_new(TLS_client_method());
	b->sctx = SSL_CTX_new(TLS_server_method());
	if (b->cctx == NULL || b->sctx == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(b->cctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(b->cctx, max);
	SSL_CTX_set_min_proto_version(b->sctx, cfg->tls == TLSV_13 ? TLS1_3_VERSION : TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(b->sctx, max);
	SSL_CTX_set_options(b->sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_num_tickets(b->sctx, 1);
	if (!SSL_CTX_set_cipher_list(b->sctx, cfg->kex == KEX_ECDHE ? "ECDHE-RSA-AES128-GCM-SHA256"
								   : "AES128-GCM-SHA256") ||
	    !SSL_CTX_use_certificate(b->sctx, pki->server_cert) || !SSL_CTX_use_PrivateKey(b->sctx, pki->server_key) ||
	    !SSL_CTX_set1_chain(b->sctx, pki->server_chain))
		return -1;
	/* the same work as the instrumented client: the demo root, the
	 * issuing CA's CRL checked, security level 2 */
	store = SSL_CTX_get_cert_store(b->cctx);
	if (pki_client_store(pki, store, 0) != 0)
		return -1;
	if (SSL_CTX_get_security_level(b->cctx) < 2)
		SSL_CTX_set_security_level(b->cctx, 2);
	SSL_CTX_set_verify(b->cctx, SSL_VERIFY_PEER, NULL);
	b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(b->lfd, 64) < 0 ||
	    getsockname(b->lfd, (struct sockaddr *)&sa, &sl) < 0)
		return -1;
	b->port = ntohs(sa.sin_port);
	return 0;
}

static void bare_free(struct bare *b)
{
	SSL_CTX_free(b->cctx);
	SSL_CTX_free(b->sctx);
	if (b->lfd >= 0)
		close(b->lfd);
}

/* Drive both ends of one plain exchange until the response is read and
 * both have closed.  Returns 0 on success. */
static int bare_exchange(struct bare *b)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int sfd = -1;
	SSL *c = NULL;
	SSL *s = NULL;
	char *req = NULL;
	char buf[4096];
	size_t got = 0;
	int one = 1;
	int rc = -1;
	int req_sent = 0;
	int resp_sent = 0;
	struct pollfd pfd;

	sa.sin_port = htons((uint16_t)b->port);
	if (cfd < 0 || (connect(cfd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS))
		goto out;
	pfd = (struct pollfd){b->lfd, POLLIN, 0};
	poll(&pfd, 1, 1000);
	sfd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (sfd < 0)
		goto out;
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = SSL_new(b->cctx);
	s = SSL_new(b->sctx);
	if (c == NULL || s == NULL)
		goto out;
	SSL_set_fd(c, cfd);
	SSL_set_fd(s, sfd);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	SSL_set_tlsext_host_name(c, "localhost");
	SSL_set1_host(c, "localhost");
	req = http_build_request("localhost", "443", "/");
	for (int spins = 0; spins < 100000; spins++) {
		int n;

		if (!SSL_is_init_finished(c))
			SSL_do_handshake(c);
		if (!SSL_is_init_finished(s))
			SSL_do_handshake(s);
		if (!SSL_is_init_finished(c) || !SSL_is_init_finished(s)) {
			struct pollfd p[2] = {{cfd, POLLIN, 0}, {sfd, POLLIN, 0}};

			poll(p, 2, 1000);
			continue;
		}
		if (!req_sent) {
			req_sent = SSL_write(c, req, (int)strlen(req)) > 0;
			continue;
		}
		if (!resp_sent) {
			size_t rlen = 0;
			char *resp;

			n = SSL_read(s, buf, sizeof buf);
			if (n <= 0) {
				struct pollfd p = {sfd, POLLIN, 0};

				poll(&p, 1, 1000);
				continue;
			}
			resp = http_build_response(buf, (size_t)n, &rlen);
			resp_sent = resp != NULL && SSL_write(s, resp, (int)rlen) > 0;
			free(resp);
			continue;
		}
		n = SSL_read(c, buf + got, (int)(sizeof buf - got));
		if (n > 0) {
			got += (size_t)n;
			if (http_response_complete(buf, got) == 1)
				break;
		} else {
			struct pollfd p = {cfd, POLLIN, 0};

			poll(&p, 1, 1000);
		}
	}
	if (http_response_complete(buf, got) != 1)
		goto out;
	SSL_shutdown(c);
	SSL_read(s, buf, sizeof buf); /* the close_notify */
	SSL_shutdown(s);
	rc = 0;
out:
	SSL_free(c);
	SSL_free(s);
	if (cfd >= 0)
		close(cfd);
	if (sfd >= 0)
		close(sfd);
	free(req);
	ERR_clear_error();
	return rc;
}

/* One instrumented exchange, as `httpsviz --trace` makes it, events and all. */
static int instr_exchange(const struct engine_config *cfg)
{
	struct evlog log;
	char err[256];
	struct engine *e;
	enum engine_status st = ENGINE_MORE;

	evlog_init(&log);
	e = engine_new(cfg, &log, err, sizeof err);
	if (e == NULL) {
		fprintf(stderr, "httpsviz bench: %s\n", err);
		return -1;
	}
	while (st == ENGINE_MORE)
		st = engine_step_wait(e);
	if (st != ENGINE_DONE)
		fprintf(stderr, "httpsviz bench: %s\n", engine_error(e));
	engine_free(e);
	evlog_clear(&log);
	return st == ENGINE_DONE ? 0 : -1;
}

/* see bench.h */
int bench_run(const struct options *opt)
{
	int n = opt->bench_n;
	double *t[V__COUNT];
	struct engine_config cfg = opt->cfg;
	struct engine_config nopcap = opt->cfg;
	struct pki pki = {0};
	struct bare b = {.lfd = -1};
	char err[256];
	double med[V__COUNT];
	int rc = EXIT_INTERNAL;
	int have_pcap;
	struct rusage ru;

	pki_cache_keys(1);
	nopcap.no_pcap = 1;
	for (int v = 0; v < V__COUNT; v++)
		t[v] = calloc((size_t)n, sizeof(double));
	if (t[0] == NULL || t[1] == NULL || t[2] == NULL || pki_mint(&pki, SCEN_GOOD, err, sizeof err) < 0 ||
	    bare_init(&b, &pki, &cfg) < 0) {
		fprintf(stderr, "httpsviz bench: set-up failed\n");
		goto out;
	}
	/* warm up each variant once (key cache, page faults) */
	have_pcap = geteuid() == 0 && !cfg.no_pcap;
	if (bare_exchange(&b) < 0 || instr_exchange(&nopcap) < 0 || (have_pcap && instr_exchange(&cfg) < 0))
		goto out;
	printf("httpsviz bench: %d exchanges of each variant, interleaved; each = new TCP connection,\n"
	       "TLS handshake, GET /, response, close_notify, close. %s.\n",
	       n, cfg.tls == TLSV_13 ? "TLS 1.3" : cfg.kex == KEX_ECDHE ? "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256"
									   : "TLS 1.2 AES128-GCM-SHA256 (RSA key exchange)");
	for (int i = 0; i < n; i++) {
		for (int v = 0; v < V__COUNT; v++) {
			double t0 = now_s();
			int r;

			if (v == V_INSTR && !have_pcap) {
				t[v][i] = 0;
				continue;
			}
			r = v == V_BARE ? bare_exchange(&b) : instr_exchange(v == V_INSTR ? &cfg : &nopcap);
			t[v][i] = now_s() - t0;
			if (r < 0)
				goto out;
		}
	}
	for (int v = 0; v < V__COUNT; v++) {
		qsort(t[v], (size_t)n, sizeof(double), cmp_double);
		med[v] = t[v][n / 2];
	}
	printf("%-42s %12s %14s %8s\n", "variant", "median ms", "exchanges/s", "ratio");
	for (int v = 0; v < V__COUNT; v++) {
		if (v == V_INSTR && !have_pcap) {
			printf("%-42s %12s %14s %8s\n", variant_name[v], "-", "-",
			       cfg.no_pcap ? "(skipped: --no-pcap)" : "(capture not permitted)");
			continue;
		}
		printf("%-42s %12.3f %14.0f %7.2fx\n", variant_name[v], med[v] * 1000.0, 1.0 / med[v], med[v] / med[V_BARE]);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak resident memory: %ld KiB\n", ru.ru_maxrss);
	printf("(instrumented = engine_new with cached RSA keys, fresh demo certificates and SSL_CTX,\n"
	       " every event decoded and logged; ratio = median time / bare median)\n");
	rc = EXIT_OK;
out:
	for (int v = 0; v < V__COUNT; v++)
		free(t[v]);
	bare_free(&b);
	pki_free(&pki);
	pki_cache_keys(0);
	return rc;
}
