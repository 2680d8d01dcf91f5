#include "app/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "app/exitcode.h"
#include "app/output.h"
#include "protocol/pki.h"
#include "protocol/safefile.h"
#include "protocol/sanitize.h"

#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_CA_OUT "httpsviz-ca.pem"
#define MAX_CHILDREN 64 /* exchanges served at once */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Bind and listen on ADDR:PORT ([V6]:PORT, or :PORT for every address). */
static int listen_on(const char *spec, char *shown, size_t n)
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
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
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
		snprintf(shown, n, "[%s]:%u", addr, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
		snprintf(shown, n, "%s:%u", addr, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
	return fd;
}

/* The certificate's extra names: --name entries, this machine's host name,
 * and the listen address when it is a specific one. */
static void extra_names(const struct options *opt, const char *shown, char *out, size_t n)
{
	char hn[256] = "";
	char addr[64];
	size_t o = 0;
	const char *colon = strrchr(shown, ':');
	ASN1_OCTET_STRING *ip;

	out[0] = '\0';
	if (opt->names != NULL) {
		char *copy = strdup(opt->names);

		for (char *tok = copy ? strtok(copy, ",") : NULL; tok != NULL; tok = strtok(NULL, ",")) {
			ip = a2i_IPADDRESS(tok);
			o += (size_t)snprintf(out + o, n - o, "%s%s:%s", o ? "," : "", ip ? "IP" : "DNS", tok);
			ASN1_OCTET_STRING_free(ip);
			if (o >= n)
				break;
		}
		free(copy);
	}
	if (o < n && gethostname(hn, sizeof hn - 1) == 0 && hn[0] != '\0' && strcmp(hn, "localhost") != 0 &&
	    strspn(hn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == strlen(hn))
		o += (size_t)snprintf(out + o, n - o, "%sDNS:%s", o ? "," : "", hn);
	if (o < n && colon != NULL && shown[0] != '[' && (size_t)(colon - shown) < sizeof addr) {
		memcpy(addr, shown, (size_t)(colon - shown));
		addr[colon - shown] = '\0';
		if (strcmp(addr, "0.0.0.0") != 0 && strcmp(addr, "127.0.0.1") != 0)
			snprintf(out + o, n - o, "%sIP:%s", o ? "," : "", addr);
	}
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

/* One exchange with one client, printed as it happens. */
static int serve_one(const struct options *opt, const struct pki *pki, int fd, int nth, const char *from)
{
	struct evlog log;
	char err[256];
	struct engine *e;
	enum engine_status st = ENGINE_MORE;
	size_t shown = 0;
	int code;

	evlog_init(&log);
	e = engine_new_served(&opt->cfg, fd, pki, &log, err, sizeof err);
	if (e == NULL) {
		close(fd);
		fprintf(stderr, "httpsviz serve: %s\n", err);
		evlog_clear(&log);
		return EXIT_INTERNAL;
	}
	if (!opt->json)
		printf("=== exchange %d, client %s ===\n", nth, from);
	while (st == ENGINE_MORE && !stop) {
		st = engine_step_wait(e);
		for (; shown < log.n; shown++) {
			/* clients are served at once: each line says whose it is */
			if (opt->json) {
				output_json_event_tagged(stdout, log.ev[shown], nth);
			} else {
				printf("#%d", nth);
				output_trace_event(stdout, log.ev[shown], opt->verbose);
			}
		}
		fflush(stdout);
	}
	code = exitcode_engine(e);
	if (!opt->json)
		printf("=== exchange %d: %s%s ===\n", nth, st == ENGINE_DONE ? "complete " : "failed: ",
		       st == ENGINE_DONE ? engine_cipher(e) : engine_error(e));
	fflush(stdout);
	engine_free(e);
	evlog_clear(&log);
	return code;
}

/* see serve.h */
int serve_run(const struct options *opt)
{
	struct pki pki;
	char shown[128];
	char names[1024];
	char err[256];
	const char *ca_out = opt->ca_out ? opt->ca_out : DEFAULT_CA_OUT;
	struct sigaction sa;
	int lfd;
	int served = 0;
	int children = 0;
	int rc = EXIT_OK;

	lfd = listen_on(opt->listen ? opt->listen : DEFAULT_LISTEN, shown, sizeof shown);
	if (lfd < 0)
		return EXIT_CONNECT;
	extra_names(opt, shown, names, sizeof names);
	if (pki_mint_for(&pki, SCEN_GOOD, names, err, sizeof err) < 0) {
		fprintf(stderr, "httpsviz serve: %s\n", err);
		close(lfd);
		return EXIT_INTERNAL;
	}
	if (write_ca(&pki, ca_out, err, sizeof err) < 0) {
		fprintf(stderr, "httpsviz serve: --ca-out %s: %s\n", ca_out, err);
		rc = EXIT_USAGE;
		goto out;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("httpsviz serve: HTTPS on %s, certificate for DNS:localhost,IP:127.0.0.1%s%s\n", shown,
	       names[0] ? "," : "", names);
	printf("httpsviz serve: demo root CA certificate written to %s (give it to learners: "
	       "httpsviz connect HOST:PORT --cafile %s, or curl --cacert %s)\n",
	       ca_out, ca_out, ca_out);
	fflush(stdout);
	while (!stop && (opt->max_clients == 0 || served < opt->max_clients)) {
		struct pollfd p = {lfd, POLLIN, 0};
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		char from[INET6_ADDRSTRLEN + 8] = "?";
		int fd;
		pid_t pid;

		while (children > 0 && waitpid(-1, NULL, WNOHANG) > 0)
			children--;
		if (poll(&p, 1, 200) <= 0)
			continue;
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, from, sizeof from);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, from, sizeof from);
		served++;
		/* each client gets its own process: one that misbehaves or stays
		 * silent ends its own exchange, never the server or the others */
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(lfd);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			_exit(serve_one(opt, &pki, fd, served, from));
		}
		close(fd);
		if (pid < 0)
			fprintf(stderr, "httpsviz serve: fork: %s\n", strerror(errno));
		else
			children++;
		while (children >= MAX_CHILDREN && waitpid(-1, NULL, 0) > 0)
			children--;
	}
	while (children > 0 && waitpid(-1, NULL, 0) > 0)
		children--;
out:
	close(lfd);
	pki_free(&pki);
	return rc;
}
