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

#include "app/benchout.h"
#include "app/benchtui.h"
#include "app/exitcode.h"
#include "protocol/http.h"
#include "protocol/pki.h"

/* Each a step from the one before, so each ratio isolates one cost. */
#define TUI_RUNS 20     /* pty runs of each TUI latency (fewer when N is smaller) */
#define OUTPUT_RUNS 7   /* runs of each printed mode on the 16 MB response (idem) */

enum variant { V_BARE, V_HOOKS, V_TEACH, V_PCAP, V_LEARNER, V__COUNT };

static const char *const variant_name[V__COUNT] = {
	[V_BARE] = "bare OpenSSL (no callbacks)",
	[V_HOOKS] = "hooks + events (same certs, kept SSL_CTX)",
	[V_TEACH] = "+ teaching recomputations",
	[V_PCAP] = "+ packet capture (one kept capture)",
	[V_LEARNER] = "fresh certs, SSL_CTX (a scenario's 1st run)",
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

/* This process's CPU time, user and system (the bench is one thread). */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One ratio line: variant a against b by wall median, wall 25th percentile
 * and CPU median, and the goal when there is one, judged on each. */
static void ratio_line(const char *what, const char *against, const double *wall, const double *q1,
		       const double *cpu, int a, int b, double goal)
{
	printf("  %-32s %5.2fx %5.2fx %5.2fx  vs %s", what, wall[a] / wall[b], q1[a] / q1[b], cpu[a] / cpu[b], against);
	if (goal > 0)
		printf("  (goal <= %.1fx: %s/%s/%s)", goal, wall[a] <= goal * wall[b] ? "met" : "MISSED",
		       q1[a] <= goal * q1[b] ? "met" : "MISSED", cpu[a] <= goal * cpu[b] ? "met" : "MISSED");
	putchar('\n');
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

/* The program to drive on a pty and for the bulk output runs: this one,
 * or HTTPSVIZ_BENCH_BIN (to measure another build the same way). */
static const char *self_path(char *buf, size_t n)
{
	const char *env = getenv("HTTPSVIZ_BENCH_BIN");
	ssize_t len;

	if (env != NULL && env[0] != '\0')
		return env;
	len = readlink("/proc/self/exe", buf, n - 1);
	if (len <= 0)
		return NULL;
	buf[len] = '\0';
	return buf;
}

static void print_load(void)
{
	double la[3];

	if (getloadavg(la, 3) == 3)
		printf("load average: %.2f %.2f %.2f on %ld cores (absolute times are noisy; compare ratios)\n", la[0],
		       la[1], la[2], sysconf(_SC_NPROCESSORS_ONLN));
}

/* see bench.h */
int bench_exchanges(const struct options *opt)
{
	int n = opt->bench_n;
	double *t[V__COUNT] = {0};   /* wall time of each exchange */
	double *c[V__COUNT] = {0};   /* this process's CPU time (user + system) */
	struct engine_config cfg[V__COUNT];
	struct pki pki = {0};
	struct bare b = {.lfd = -1};
	struct engine_ctxs *ctxs = engine_ctxs_new();
	char err[256];
	double med[V__COUNT];
	double q1[V__COUNT];
	double cpu[V__COUNT];
	int rc = EXIT_INTERNAL;
	int have_pcap;

	for (int v = 0; v < V__COUNT; v++) {
		cfg[v] = opt->cfg;
		cfg[v].scenario = SCEN_GOOD;
		t[v] = calloc((size_t)n, sizeof(double));
		c[v] = calloc((size_t)n, sizeof(double));
		if (t[v] == NULL || c[v] == NULL)
			goto out;
	}
	pki_cache_keys(1);
	if (ctxs == NULL || pki_mint(&pki, SCEN_GOOD, err, sizeof err) < 0 || bare_init(&b, &pki, &opt->cfg) < 0) {
		fprintf(stderr, "httpsviz bench: set-up failed\n");
		goto out;
	}
	/* like for like with the bare side: its certificates, contexts kept */
	for (int v = V_HOOKS; v <= V_PCAP; v++) {
		cfg[v].pki = &pki;
		cfg[v].ctxs = ctxs;
	}
	cfg[V_HOOKS].no_teaching = 1;
	cfg[V_HOOKS].no_pcap = cfg[V_TEACH].no_pcap = 1;
	have_pcap = geteuid() == 0 && !opt->cfg.no_pcap;
	if (!have_pcap)
		cfg[V_PCAP].no_pcap = cfg[V_LEARNER].no_pcap = 1;
	/* warm up each variant once (contexts, capture, page faults) */
	for (int v = 0; v < V__COUNT; v++)
		if ((v == V_BARE ? bare_exchange(&b) : v == V_PCAP && !have_pcap ? 0 : instr_exchange(&cfg[v])) < 0)
			goto out;
	printf("\nExchanges: %d of each variant, interleaved; each = new TCP connection, TLS handshake,\n"
	       "GET /, response, close_notify, close. %s.\n",
	       n, opt->cfg.tls == TLSV_13 ? "TLS 1.3" : opt->cfg.kex == KEX_ECDHE ? "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256"
										 : "TLS 1.2 AES128-GCM-SHA256 (RSA key exchange)");
	print_load();
	for (int i = 0; i < n; i++) {
		/* each round starts with another variant: on a loaded machine the
		 * scheduler's time slices would otherwise fall on the same
		 * variants round after round */
		for (int k = 0; k < V__COUNT; k++) {
			int v = (i + k) % V__COUNT;
			double t0 = now_s();
			double c0 = cpu_s();
			int r;

			if (v == V_PCAP && !have_pcap)
				continue;
			r = v == V_BARE ? bare_exchange(&b) : instr_exchange(&cfg[v]);
			t[v][i] = now_s() - t0;
			c[v][i] = cpu_s() - c0;
			if (r < 0)
				goto out;
		}
	}
	for (int v = 0; v < V__COUNT; v++) {
		qsort(t[v], (size_t)n, sizeof(double), cmp_double);
		qsort(c[v], (size_t)n, sizeof(double), cmp_double);
		med[v] = t[v][n / 2];
		q1[v] = t[v][n / 4];
		cpu[v] = c[v][n / 2];
	}
	printf("%-42s %8s %8s %8s %7s %7s %7s\n", "variant", "wall ms", "wall p25", "CPU ms", "wall", "p25",
	       "CPU");
	for (int v = 0; v < V__COUNT; v++) {
		if (v == V_PCAP && !have_pcap) {
			printf("%-44s %s\n", variant_name[v],
			       opt->cfg.no_pcap ? "(skipped: --no-pcap)" : "(skipped: capture not permitted)");
			continue;
		}
		printf("%-42s %8.3f %8.3f %8.3f %6.2fx %6.2fx %6.2fx\n", variant_name[v], med[v] * 1000.0,
		       q1[v] * 1000.0, cpu[v] * 1000.0, med[v] / med[V_BARE], q1[v] / q1[V_BARE], cpu[v] / cpu[V_BARE]);
	}
	printf("ratios, each against the variant before it (same run): wall median, wall 25th\n"
	       "percentile, CPU median:\n");
	ratio_line("hook overhead, like for like", "bare", med, q1, cpu, V_HOOKS, V_BARE, 1.3);
	ratio_line("teaching recomputations", "hooks", med, q1, cpu, V_TEACH, V_HOOKS, 0);
	if (have_pcap)
		ratio_line("packet capture", "no capture", med, q1, cpu, V_PCAP, V_TEACH, 1.3);
	ratio_line("fresh certificates and contexts", "kept", med, q1, cpu, V_LEARNER, have_pcap ? V_PCAP : V_TEACH,
		   0);
	printf("(wall time is what an exchange takes; CPU time is this process's own work.  On a\n"
	       " loaded machine the scheduler's time slices fall on the longer exchanges more often,\n"
	       " so their wall medians grow with the load average; the 25th percentile and the CPU\n"
	       " ratios much less)\n");
	print_load();
	rc = EXIT_OK;
out:
	for (int v = 0; v < V__COUNT; v++) {
		free(t[v]);
		free(c[v]);
	}
	bare_free(&b);
	engine_ctxs_free(ctxs);
	pki_free(&pki);
	pki_cache_keys(0);
	return rc;
}

/* see bench.h */
int bench_run(const struct options *opt)
{
	char path[4096];
	const char *bin = self_path(path, sizeof path);
	struct rusage ru;
	int rc = EXIT_OK;

	printf("httpsviz bench (about a minute)\n");
	print_load();
	fflush(stdout);
	/* each part on its own: one that cannot run (no pty here, say) does
	 * not hide the others, and the exit status says it */
	if (bin == NULL || benchtui_run(bin, opt->bench_n < TUI_RUNS ? opt->bench_n : TUI_RUNS, opt->cfg.no_pcap) < 0) {
		printf("TUI latencies: not measured (see the message above)\n");
		rc = EXIT_INTERNAL;
	}
	print_load();
	fflush(stdout);
	if (bench_exchanges(opt) != EXIT_OK)
		rc = EXIT_INTERNAL;
	fflush(stdout);
	if (bin == NULL || benchout_run(bin, opt->bench_n < OUTPUT_RUNS ? opt->bench_n : OUTPUT_RUNS) < 0)
		rc = EXIT_INTERNAL;
	print_load();
	getrusage(RUSAGE_SELF, &ru);
	printf("peak resident memory of the bench itself: %ld KiB\n", ru.ru_maxrss);
	return rc;
}
