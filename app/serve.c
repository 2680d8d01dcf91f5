/* httpsviz serve: one listener, one thread per learner's exchange, a place
 * limit with a waiting line, and the teacher's view (the class view in a
 * terminal, else the log). */
#include "app/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "app/classroom.h"
#include "app/classtui.h"
#include "app/exitcode.h"
#include "app/output.h"
#include "protocol/pki.h"
#include "protocol/safefile.h"
#include "protocol/sanitize.h"

#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_CA_OUT "httpsviz-ca.pem"
#define DEFAULT_LEARNER_WAIT_MS (10 * 60 * 1000)
#define MAX_ACTIVE 256      /* exchanges at once when the teacher sets no limit */
#define MAX_QUEUED 64       /* learners waiting for a place */
#define MAX_REFUSING 16     /* refusals being answered at once */
#define QUEUE_WAIT_MS 3000  /* a waiting learner is refused after this */
#define STOP_GRACE_MS 2000  /* running exchanges may end by themselves */
#define MAX_ADDRS 64        /* interface addresses put in the certificate */
#define MAX_WORKERS (MAX_ACTIVE + MAX_REFUSING)

/* Set by a signal or the class view's q; read by the accept loop's thread
 * too (a lock-free atomic, safe in a signal handler). */
static atomic_int stop;

/* The first signal stops serve gently; a second Ctrl-C ends it at once.
 * (A repeated SIGTERM does not: timeout(1) and service managers send it to
 * the process and to its group, so it arrives twice at once.) */
static void on_signal(int sig)
{
	if (atomic_load(&stop) && sig == SIGINT) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	atomic_store(&stop, 1);
}

/* One accepted connection: served, waiting for a place, or refused. */
struct job {
	struct server *srv;
	int fd;             /* -1 once its exchange closed it */
	int id;             /* exchange number, 1, 2, ... */
	size_t row;         /* the learner's row in the classroom */
	char from[64];
	int64_t since;      /* when it started waiting (ms) */
	int waited;
	int stopped;        /* serve is stopping: its end is not the client's doing */
	void *(*fn)(void *); /* what a worker does with it */
	struct job *next;   /* on the running list */
	struct job *next_ready;
};

struct server {
	const struct options *opt;
	struct engine_config cfg;
	struct engine_served *sv;
	struct classroom room;
	int max_active;
	int lfd;
	int view;                   /* the class view runs (no log printed) */
	pthread_mutex_t mu;         /* jobs, threads, printing */
	pthread_cond_t idle;        /* a job ended */
	pthread_cond_t work;        /* a job is ready for a worker */
	struct job *ready;          /* jobs no worker has taken yet */
	int workers, idle_workers;  /* threads are kept for the next learners */
	pthread_t tids[MAX_WORKERS];
	int ntids;
	int nready;
	int quitting;
	struct job *running;        /* exchanges and refusals in progress */
	struct job *queue;          /* waiting for a place, oldest first */
	int nqueued, nrunning, nrefusing, threads;
	char learner_addr[INET6_ADDRSTRLEN + 2]; /* what to tell learners */
	int next_id;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ set-up */

/* Bind and listen on ADDR:PORT ([V6]:PORT, or :PORT for every address). */
static int listen_on(const char *spec, char *shown, size_t n, int *port)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char addr[INET6_ADDRSTRLEN] = "?";
	int one = 1;
	int fd = -1;
	int rc;
	size_t hl;

	if (colon == NULL || colon[1] == '\0') {
		fprintf(stderr, "httpsviz serve: --listen takes ADDR:PORT\n");
		return -1;
	}
	hl = (size_t)(colon - spec);
	if (hl >= sizeof host)
		hl = sizeof host - 1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "httpsviz serve: cannot listen on %s: %s\n", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		fprintf(stderr, "httpsviz serve: cannot listen on %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(shown, n, "[%s]:%d", addr, *port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(shown, n, "%s:%d", addr, *port);
	}
	return fd;
}

/* Append "IP:addr" to the SAN list unless it is there already. */
static void add_ip(char *out, size_t n, size_t *o, const char *addr)
{
	char item[INET6_ADDRSTRLEN + 8];
	size_t il = (size_t)snprintf(item, sizeof item, "IP:%s", addr);

	if (strcmp(addr, "127.0.0.1") == 0)
		return; /* in every certificate pki mints */

	for (const char *p = strstr(out, item); p != NULL; p = strstr(p + 1, item))
		if ((p == out || p[-1] == ',') && (p[il] == ',' || p[il] == '\0'))
			return;
	if (*o < n)
		*o += (size_t)snprintf(out + *o, n - *o, "%s%s", *o ? "," : "", item);
}

/* The certificate's extra names: --name entries, this machine's host name,
 * ::1, every address of every interface, and the listen address. */
static void extra_names(const struct options *opt, const char *shown, char *out, size_t n)
{
	char hn[256] = "";
	char addr[INET6_ADDRSTRLEN];
	size_t o = 0;
	const char *colon = strrchr(shown, ':');
	struct ifaddrs *ifa = NULL;
	int naddr = 0;
	ASN1_OCTET_STRING *ip;

	out[0] = '\0';
	if (opt->names != NULL) {
		char *copy = strdup(opt->names);
		char *save = NULL;

		for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			ip = a2i_IPADDRESS(tok);
			if (o < n)
				o += (size_t)snprintf(out + o, n - o, "%s%s:%s", o ? "," : "", ip ? "IP" : "DNS", tok);
			ASN1_OCTET_STRING_free(ip);
		}
		free(copy);
	}
	if (o < n && gethostname(hn, sizeof hn - 1) == 0 && hn[0] != '\0' && strcmp(hn, "localhost") != 0 &&
	    strspn(hn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == strlen(hn))
		o += (size_t)snprintf(out + o, n - o, "%sDNS:%s", o ? "," : "", hn);
	add_ip(out, n, &o, "127.0.0.1");
	add_ip(out, n, &o, "::1");
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i != NULL && naddr < MAX_ADDRS; i = i->ifa_next) {
			const void *a = NULL;

			if (i->ifa_addr == NULL)
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			else if (i->ifa_addr->sa_family == AF_INET6)
				a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (a == NULL || inet_ntop(i->ifa_addr->sa_family, a, addr, sizeof addr) == NULL)
				continue;
			add_ip(out, n, &o, addr);
			naddr++;
		}
		freeifaddrs(ifa);
	}
	/* the listen address itself (a specific one, v4 or [v6]) */
	if (colon != NULL && (size_t)(colon - shown) < sizeof addr + 2) {
		const char *a = shown[0] == '[' ? shown + 1 : shown;
		size_t al = (size_t)(colon - a) - (shown[0] == '[');

		if (al < sizeof addr) {
			memcpy(addr, a, al);
			addr[al] = '\0';
			if (strcmp(addr, "0.0.0.0") != 0 && strcmp(addr, "::") != 0)
				add_ip(out, n, &o, addr);
		}
	}
}

/* The address to tell learners: the listen address when it is a specific
 * one, else the machine's first address other machines can reach (IPv4
 * before IPv6, never loopback or link-local), else localhost. */
static void learner_address(const char *shown, char *out, size_t n)
{
	struct ifaddrs *ifa = NULL;
	const char *colon = strrchr(shown, ':');
	char best6[INET6_ADDRSTRLEN + 2] = "";

	snprintf(out, n, "localhost");
	if (colon == NULL)
		return;
	if (strncmp(shown, "127.", 4) == 0 || strncmp(shown, "[::1]", 5) == 0)
		return;
	if (strncmp(shown, "0.0.0.0:", 8) != 0 && strncmp(shown, "[::]:", 5) != 0) {
		snprintf(out, n, "%.*s", (int)(colon - shown), shown);
		return;
	}
	if (getifaddrs(&ifa) != 0)
		return;
	for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
		char a[INET6_ADDRSTRLEN];

		if (i->ifa_addr == NULL || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET &&
		    inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof a) != NULL &&
		    strncmp(a, "169.254.", 8) != 0) {
			snprintf(out, n, "%s", a);
			freeifaddrs(ifa);
			return;
		}
		if (i->ifa_addr->sa_family == AF_INET6 && best6[0] == '\0' && shown[0] == '[' &&
		    !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr) &&
		    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof a) != NULL)
			snprintf(best6, sizeof best6, "[%s]", a);
	}
	freeifaddrs(ifa);
	if (best6[0] != '\0')
		snprintf(out, n, "%s", best6);
}

/* Write the demo CA certificate (never its key) for learners' --cafile. */
static int write_ca(const struct pki *pki, const char *path, char *why, size_t whylen)
{
	char *pem = pki_cert_pem(pki->ca_cert);
	int fd;
	size_t len;
	ssize_t w;

	if (pem == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	/* public, so 0644, but never through a planted link */
	fd = safefile_create(path, 0644, why, whylen);
	len = strlen(pem);
	w = fd >= 0 ? write(fd, pem, len) : -1;
	if (fd >= 0 && w != (ssize_t)len)
		snprintf(why, whylen, "cannot write it: %s", w < 0 ? strerror(errno) : "short write");
	if (fd >= 0)
		close(fd);
	free(pem);
	return w == (ssize_t)len ? 0 : -1;
}

/* Open the key log once for every exchange (safefile: a file of ours,
 * 0600, never through a symlink or into a file someone else owns; emptied
 * at start), each exchange appending to it. */
static int open_keylog(const char *path)
{
	char why[160];
	int fd = safefile_create(path, 0600, why, sizeof why);

	if (fd < 0) {
		fprintf(stderr, "httpsviz serve: cannot write the key log %s: %s\n", path, why);
		return -1;
	}
	fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}

/* Read --cert and --key (PEM) into pki instead of minting; 0 or -1 after
 * saying why. */
static int load_cert(struct pki *pki, const char *certfile, const char *keyfile)
{
	const char *bad = NULL;
	FILE *f;
	struct stat st;

	memset(pki, 0, sizeof *pki);
	f = fopen(certfile, "re");
	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		X509 *ca;

		pki->server_cert = PEM_read_X509(f, NULL, NULL, NULL);
		/* the certificates after the first are its chain, sent after it */
		pki->server_chain = sk_X509_new_null();
		while (pki->server_chain != NULL && sk_X509_num(pki->server_chain) < 8 &&
		       (ca = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			if (!sk_X509_push(pki->server_chain, ca))
				X509_free(ca);
	}
	if (f != NULL)
		fclose(f);
	if (pki->server_cert == NULL)
		bad = certfile;
	f = bad == NULL ? fopen(keyfile, "re") : NULL;
	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		pki->server_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	if (f != NULL)
		fclose(f);
	if (bad == NULL && pki->server_key == NULL)
		bad = keyfile;
	if (bad == NULL && X509_check_private_key(pki->server_cert, pki->server_key) != 1) {
		fprintf(stderr, "httpsviz serve: the key in %s does not belong to the certificate in %s\n", keyfile,
			certfile);
		pki_free(pki);
		return -1;
	}
	if (bad != NULL) {
		fprintf(stderr, "httpsviz serve: cannot read a PEM %s from %s\n", bad == certfile ? "certificate" : "private key",
			bad);
		pki_free(pki);
		return -1;
	}
	ERR_clear_error();
	return 0;
}

/* ------------------------------------------------------------ printing */

static void say(struct server *srv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line of the teacher's log (not shown while the class view runs). */
static void say(struct server *srv, const char *fmt, ...)
{
	va_list ap;

	if (srv->view)
		return;
	pthread_mutex_lock(&srv->mu);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&srv->mu);
}

/* Print the events of one exchange that are new since *shown. */
static void print_events(struct server *srv, const struct evlog *log, size_t *shown, int id)
{
	if (srv->view || *shown >= log->n)
		return;
	pthread_mutex_lock(&srv->mu);
	for (; *shown < log->n; (*shown)++) {
		/* learners are served at once: each line says whose it is */
		if (srv->opt->json) {
			output_json_event_tagged(stdout, log->ev[*shown], id);
		} else {
			printf("#%d", id);
			output_trace_event(stdout, log->ev[*shown], srv->opt->verbose);
		}
	}
	fflush(stdout);
	pthread_mutex_unlock(&srv->mu);
}

/* ------------------------------------------------------------ threads */

/* Take job off the running list and free it (lock held). */
static void job_done(struct server *srv, struct job *job)
{
	for (struct job **p = &srv->running; *p != NULL; p = &(*p)->next) {
		if (*p == job) {
			*p = job->next;
			break;
		}
	}
	srv->threads--;
	pthread_cond_broadcast(&srv->idle);
	free(job);
}

/* One exchange with one learner, through the engine. */
static void *exchange_thread(void *arg)
{
	struct job *job = arg;
	struct server *srv = job->srv;
	struct evlog log;
	char err[256] = "";
	char why[256];
	struct engine *e;
	enum engine_status st = ENGINE_MORE;
	size_t shown = 0;
	size_t published = 0;

	evlog_init(&log);
	classroom_begin(&srv->room, job->row, job->id, job->waited);
	if (srv->opt->json)
		say(srv, "httpsviz serve: exchange %d, client %s\n", job->id, job->from);
	else
		say(srv, "=== exchange %d, client %s ===\n", job->id, job->from);
	e = engine_new_served(srv->sv, job->fd, &log, err, sizeof err);
	if (e == NULL) {
		pthread_mutex_lock(&srv->mu);
		close(job->fd);
		job->fd = -1;
		pthread_mutex_unlock(&srv->mu);
		st = ENGINE_FAILED;
	}
	while (st == ENGINE_MORE) {
		st = engine_step_wait(e);
		print_events(srv, &log, &shown, job->id);
		if (srv->view) {
			classroom_publish(&srv->room, job->row, job->id, &log, published);
			published = log.n;
		}
	}
	if (e == NULL)
		snprintf(why, sizeof why, "%s", err);
	else if (job->stopped && st != ENGINE_DONE)
		snprintf(why, sizeof why, "serve was stopped before the exchange ended");
	else if (st == ENGINE_DONE)
		snprintf(why, sizeof why, "%s %s", engine_version(e), engine_cipher(e));
	else
		snprintf(why, sizeof why, "%s", engine_error(e));
	if (!srv->opt->json)
		say(srv, "=== exchange %d: %s%s ===\n", job->id, st == ENGINE_DONE ? "complete " : "failed: ",
		    st == ENGINE_DONE ? engine_cipher(e) : why);
	else if (st != ENGINE_DONE)
		say(srv, "httpsviz serve: exchange %d failed: %s\n", job->id, why);
	else
		say(srv, "httpsviz serve: exchange %d complete: %s\n", job->id, why);
	classroom_end(&srv->room, job->row, job->id, st == ENGINE_DONE, why);
	pthread_mutex_lock(&srv->mu);
	job->fd = -1; /* engine_free closes it: no shutdown() on it from now on */
	srv->nrunning--;
	pthread_mutex_unlock(&srv->mu);
	engine_free(e);
	evlog_clear(&log);
	pthread_mutex_lock(&srv->mu);
	job_done(srv, job);
	pthread_mutex_unlock(&srv->mu);
	return NULL;
}

/* Read what the refused client sends until its request's headers end (or
 * it stops), within the learner's pace. */
static void read_request(SSL *ssl)
{
	char buf[4096];
	size_t got = 0;

	while (got < sizeof buf - 1) {
		int n = SSL_read(ssl, buf + got, (int)(sizeof buf - 1 - got));

		if (n <= 0)
			return;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL || strstr(buf, "\n\n") != NULL)
			return;
	}
}

/* A learner beyond the limit: TLS, then "503 Service Unavailable" saying
 * why, so curl, a browser or httpsviz connect each show the reason. */
static void *refusal_thread(void *arg)
{
	struct job *job = arg;
	struct server *srv = job->srv;
	struct timeval tv = {.tv_sec = srv->cfg.learner_wait_ms / 1000,
			     .tv_usec = (srv->cfg.learner_wait_ms % 1000) * 1000};
	char body[300];
	char resp[600];
	/* the served context itself: the learner sees the handshake every
	 * exchange has (RSA key exchange first for TLS 1.2, ...) */
	SSL *ssl = engine_served_ssl(srv->sv);
	int flags = fcntl(job->fd, F_GETFL);
	struct pollfd p = {job->fd, POLLIN, 0};

	/* a silent client is dropped as fast as a served one would be */
	if (poll(&p, 1, srv->cfg.timeout_ms > 0 ? srv->cfg.timeout_ms : 5000) <= 0) {
		SSL_free(ssl);
		ssl = NULL;
	}
	fcntl(job->fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(job->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(job->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	snprintf(body, sizeof body,
		 "The class server is full: it serves %d learner%s at once (httpsviz serve --max-clients %d).\n"
		 "Try again in a minute.\n",
		 srv->max_active, srv->max_active == 1 ? "" : "s", srv->max_active);
	snprintf(resp, sizeof resp,
		 "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
		 "Content-Length: %zu\r\nRetry-After: 60\r\nConnection: close\r\n\r\n%s",
		 strlen(body), body);
	if (ssl != NULL && SSL_set_fd(ssl, job->fd) && SSL_accept(ssl) == 1) {
		read_request(ssl);
		if (SSL_write(ssl, resp, (int)strlen(resp)) > 0)
			SSL_shutdown(ssl);
	}
	SSL_free(ssl);
	ERR_clear_error();
	pthread_mutex_lock(&srv->mu);
	close(job->fd);
	job->fd = -1;
	srv->nrefusing--;
	job_done(srv, job);
	pthread_mutex_unlock(&srv->mu);
	return NULL;
}

/* A worker: takes ready jobs until serve stops.  Threads are kept, not
 * made per learner: a new thread costs OpenSSL fresh per-thread random
 * generators and malloc a fresh arena, a tenth of a handshake. */
static void *worker(void *arg)
{
	struct server *srv = arg;

	pthread_mutex_lock(&srv->mu);
	for (;;) {
		struct job *job;

		while (srv->ready == NULL && !srv->quitting) {
			srv->idle_workers++;
			pthread_cond_wait(&srv->work, &srv->mu);
			srv->idle_workers--;
		}
		if (srv->ready == NULL)
			break;
		job = srv->ready;
		srv->ready = job->next_ready;
		srv->nready--;
		pthread_mutex_unlock(&srv->mu);
		job->fn(job);
		pthread_mutex_lock(&srv->mu);
	}
	srv->workers--;
	pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->mu);
	OPENSSL_thread_stop();
	return NULL;
}

/* Hand job to a worker, fn(job) (lock held); -1 when no worker could be
 * made (then job is the caller's). */
static int spawn(struct server *srv, struct job *job, void *(*fn)(void *))
{
	struct job **p = &srv->ready;

	/* every ready job needs a worker of its own: one may run for minutes */
	if (srv->idle_workers <= srv->nready) {
		if (srv->ntids == MAX_WORKERS || pthread_create(&srv->tids[srv->ntids], NULL, worker, srv) != 0)
			return -1;
		srv->ntids++;
		srv->workers++;
	}
	job->fn = fn;
	job->next_ready = NULL;
	while (*p != NULL)
		p = &(*p)->next_ready;
	*p = job;
	srv->nready++;
	job->next = srv->running;
	srv->running = job;
	srv->threads++;
	pthread_cond_signal(&srv->work);
	return 0;
}

/* Serve job now (lock held). */
static void start_exchange(struct server *srv, struct job *job)
{
	srv->nrunning++;
	if (spawn(srv, job, exchange_thread) < 0) {
		srv->nrunning--;
		close(job->fd);
		free(job);
	}
}

/* Refuse job (lock held): answered with 503 while few refusals run, else
 * closed at once. */
static void refuse(struct server *srv, struct job *job)
{
	char why[160];

	snprintf(why, sizeof why, "refused: the class was full (%d learners at once, --max-clients)",
		 srv->max_active);
	classroom_refuse(&srv->room, job->row, job->id, why);
	if (!srv->view) {
		if (srv->opt->json)
			printf("httpsviz serve: exchange %d, client %s %s\n", job->id, job->from, why);
		else
			printf("=== exchange %d, client %s %s; answered 503 Service Unavailable ===\n", job->id,
			       job->from, why);
		fflush(stdout);
	}
	if (srv->nrefusing < MAX_REFUSING) {
		srv->nrefusing++;
		if (spawn(srv, job, refusal_thread) == 0)
			return;
		srv->nrefusing--;
	}
	close(job->fd);
	free(job);
}

/* Give free places to waiting learners, and refuse those that waited too
 * long (lock held). */
static void run_queue(struct server *srv)
{
	int64_t now = now_ms();

	while (srv->queue != NULL && (srv->nrunning < srv->max_active || now - srv->queue->since >= QUEUE_WAIT_MS)) {
		struct job *job = srv->queue;

		srv->queue = job->next;
		srv->nqueued--;
		if (srv->nrunning < srv->max_active)
			start_exchange(srv, job);
		else
			refuse(srv, job);
	}
}

/* A connection was accepted (lock held): served at once, or it waits. */
static void admit(struct server *srv, int fd, const char *from)
{
	struct job *job = calloc(1, sizeof *job);
	struct job **p;

	if (job == NULL) {
		close(fd);
		return;
	}
	job->srv = srv;
	job->fd = fd;
	job->id = ++srv->next_id;
	snprintf(job->from, sizeof job->from, "%s", from);
	job->row = classroom_row(&srv->room, from);
	if (srv->nrunning < srv->max_active && srv->queue == NULL) {
		start_exchange(srv, job);
		return;
	}
	job->waited = 1;
	job->since = now_ms();
	classroom_wait(&srv->room, job->row, job->id);
	if (!srv->view) {
		if (srv->opt->json)
			printf("httpsviz serve: exchange %d, client %s waits for a place (%d learners at once)\n",
			       job->id, from, srv->max_active);
		else
			printf("=== exchange %d, client %s waits for a place: %d learners served at once%s ===\n",
			       job->id, from, srv->max_active, srv->opt->max_clients > 0 ? " (--max-clients)" : "");
		fflush(stdout);
	}
	if (srv->nqueued >= MAX_QUEUED) {
		refuse(srv, job);
		return;
	}
	/* at the end of the line */
	p = &srv->queue;
	while (*p != NULL)
		p = &(*p)->next;
	*p = job;
	srv->nqueued++;
}

/* The accept loop, until stop. */
static void *acceptor(void *arg)
{
	struct server *srv = arg;

	while (!stop) {
		struct pollfd p = {srv->lfd, POLLIN, 0};
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		char from[INET6_ADDRSTRLEN + 8] = "?";
		int fd;

		pthread_mutex_lock(&srv->mu);
		run_queue(srv);
		pthread_mutex_unlock(&srv->mu);
		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept4(srv->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (ss.ss_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, from, sizeof from);
		} else if (ss.ss_family == AF_INET6) {
			const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;

			/* listening on [::], an IPv4 learner shows as 192.0.2.7,
			 * not ::ffff:192.0.2.7 */
			if (IN6_IS_ADDR_V4MAPPED(a6))
				inet_ntop(AF_INET, &a6->s6_addr[12], from, sizeof from);
			else
				inet_ntop(AF_INET6, a6, from, sizeof from);
		}
		pthread_mutex_lock(&srv->mu);
		admit(srv, fd, from);
		pthread_mutex_unlock(&srv->mu);
	}
	return NULL;
}

/* Stop: no new learners; waiting ones are closed; running exchanges get a
 * moment to end by themselves, then their sockets are shut. */
static void wind_down(struct server *srv)
{
	int64_t until = now_ms() + STOP_GRACE_MS;
	struct timespec ts;

	pthread_mutex_lock(&srv->mu);
	while (srv->queue != NULL) {
		struct job *job = srv->queue;

		srv->queue = job->next;
		close(job->fd);
		free(job);
	}
	srv->nqueued = 0;
	while (srv->threads > 0 && now_ms() < until) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&srv->idle, &srv->mu, &ts);
	}
	for (struct job *j = srv->running; j != NULL; j = j->next) {
		j->stopped = 1;
		if (j->fd >= 0)
			shutdown(j->fd, SHUT_RDWR);
	}
	while (srv->threads > 0)
		pthread_cond_wait(&srv->idle, &srv->mu);
	srv->quitting = 1;
	pthread_cond_broadcast(&srv->work);
	pthread_mutex_unlock(&srv->mu);
	for (int i = 0; i < srv->ntids; i++)
		pthread_join(srv->tids[i], NULL);
}

/* ------------------------------------------------------------ serve_run */

/* The addresses the certificate names, one line for the teacher. */
static void print_banner(struct server *srv, const char *shown, const char *names, const char *ca_out, int port)
{
	const struct engine_config *c = &srv->cfg;

	if (srv->opt->cert_file != NULL) {
		printf("httpsviz serve: HTTPS on %s, certificate from %s\n", shown, srv->opt->cert_file);
	} else {
		printf("httpsviz serve: HTTPS on %s, certificate for DNS:localhost,IP:127.0.0.1%s%s\n", shown,
		       names[0] ? "," : "", names);
		printf("httpsviz serve: learners connect with: httpsviz connect %s:%d --cafile %s "
		       "(or curl --cacert %s https://%s:%d/), or any other name above\n",
		       srv->learner_addr, port, ca_out, ca_out, srv->learner_addr, port);
		printf("httpsviz serve: demo root CA certificate written to %s (give it to learners)\n", ca_out);
	}
	printf("httpsviz serve: offers %s%s; %d learners served at once%s; a learner may pause %d s between "
	       "steps (--learner-timeout), a silent client is dropped after %d ms (--timeout)\n",
	       c->tls_any ? "TLS 1.2 and 1.3" : c->tls == TLSV_13 ? "TLS 1.3 only" : "TLS 1.2 only",
	       c->tls_any || c->tls == TLSV_12
		       ? (c->kex == KEX_ECDHE ? " (TLS 1.2: ECDHE key exchange first)"
					      : " (TLS 1.2: RSA key exchange first, for clients that offer it)")
		       : "",
	       srv->max_active, srv->opt->max_clients > 0 ? " (--max-clients)" : "", c->learner_wait_ms / 1000,
	       c->timeout_ms > 0 ? c->timeout_ms : 5000);
	if (strncmp(shown, "127.", 4) == 0 || strncmp(shown, "[::1]", 5) == 0)
		printf("httpsviz serve: listening on loopback only: for learners on other machines, "
		       "--listen 0.0.0.0:%d\n",
		       port);
	fflush(stdout);
}

/* see serve.h */
int serve_run(const struct options *opt)
{
	struct server srv;
	struct pki pki;
	char shown[128];
	char names[7000];
	char err[256];
	const char *ca_out = opt->ca_out ? opt->ca_out : DEFAULT_CA_OUT;
	struct sigaction sa;
	sigset_t block, old;
	pthread_t acc;
	int keylog_fd = -1;
	int port = 0;
	int rc = EXIT_OK;

	memset(&srv, 0, sizeof srv);
	memset(&pki, 0, sizeof pki);
	srv.opt = opt;
	srv.cfg = opt->cfg;
	srv.cfg.tls_any = !opt->tls_given;
	if (srv.cfg.learner_wait_ms == 0)
		srv.cfg.learner_wait_ms = DEFAULT_LEARNER_WAIT_MS;
	srv.max_active = opt->max_clients > 0 ? opt->max_clients : MAX_ACTIVE;
	srv.view = !opt->trace && !opt->json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	srv.lfd = -1;
	pthread_mutex_init(&srv.mu, NULL);
	pthread_cond_init(&srv.idle, NULL);
	pthread_cond_init(&srv.work, NULL);
	classroom_init(&srv.room, srv.max_active, opt->max_clients > 0);
	srv.lfd = listen_on(opt->listen ? opt->listen : DEFAULT_LISTEN, shown, sizeof shown, &port);
	if (srv.lfd < 0) {
		rc = EXIT_CONNECT;
		goto out;
	}
	if (opt->cfg.keylog_file != NULL) {
		keylog_fd = open_keylog(opt->cfg.keylog_file);
		if (keylog_fd < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		srv.cfg.keylog_fd = keylog_fd;
		srv.cfg.keylog_file = NULL;
	}
	learner_address(shown, srv.learner_addr, sizeof srv.learner_addr);
	if (opt->cert_file != NULL) {
		names[0] = '\0';
		if (load_cert(&pki, opt->cert_file, opt->key_file) < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
	} else {
		extra_names(opt, shown, names, sizeof names);
		if (pki_mint_for(&pki, SCEN_GOOD, names, err, sizeof err) < 0) {
			fprintf(stderr, "httpsviz serve: %s\n", err);
			rc = EXIT_INTERNAL;
			goto out;
		}
	}
	srv.sv = engine_served_new(&srv.cfg, &pki, err, sizeof err);
	if (srv.sv == NULL) {
		fprintf(stderr, "httpsviz serve: %s\n", err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (pki.ca_cert != NULL && write_ca(&pki, ca_out, err, sizeof err) < 0) {
		fprintf(stderr, "httpsviz serve: --ca-out %s: %s\n", ca_out, err);
		rc = EXIT_USAGE;
		goto out;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!srv.view)
		print_banner(&srv, shown, names, ca_out, port);
	/* the threads leave signals to this one */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (srv.view) {
		struct classtui_info info = {
			.room = &srv.room,
			.stop = &stop,
			.listen = shown,
			.names = names,
			.ca_out = ca_out,
			.port = port,
			.learner_addr = srv.learner_addr,
			.loopback_only = strncmp(shown, "127.", 4) == 0 || strncmp(shown, "[::1]", 5) == 0,
			.tls = srv.cfg.tls_any ? "TLS 1.2 and 1.3" : srv.cfg.tls == TLSV_13 ? "TLS 1.3" : "TLS 1.2",
			.ascii = opt->ascii,
			.projector = opt->projector,
			.no_color = opt->no_color,
		};

		if (pthread_create(&acc, NULL, acceptor, &srv) != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			fprintf(stderr, "httpsviz serve: cannot start a thread\n");
			rc = EXIT_INTERNAL;
			goto out;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		rc = classtui_run(&info);
		stop = 1;
		pthread_join(acc, NULL);
	} else {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		acceptor(&srv);
	}
	wind_down(&srv);
	{
		struct class_row *rows = NULL;
		struct class_totals t;

		classroom_snapshot(&srv.room, &rows, &t, NULL);
		free(rows);
		if (!opt->json || !srv.view)
			printf("httpsviz serve: stopped: %d exchanges with %d learner(s) (%d complete, %d failed), "
			       "%d refused while the class was full\n",
			       t.served, t.learners, t.ok, t.failed, t.refused);
	}
out:
	if (srv.lfd >= 0)
		close(srv.lfd);
	engine_served_free(srv.sv);
	pki_free(&pki);
	if (keylog_fd >= 0)
		close(keylog_fd);
	classroom_free(&srv.room);
	pthread_cond_destroy(&srv.idle);
	pthread_cond_destroy(&srv.work);
	pthread_mutex_destroy(&srv.mu);
	return rc;
}
