/* --json against --trace on a 16 MB response (see benchout.h). */
#include "app/benchout.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "protocol/pki.h"

#define BODY_BYTES (16u * 1024 * 1024)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The child's server: one TLS connection after another on lfd, each
 * answered with a 16 MB body; it runs until killed. */
static void serve_big(int lfd, const struct pki *pki)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	static unsigned char chunk[16384];
	char hdr[160];

	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (unsigned char)(i * 2654435761u >> 13);
	if (ctx == NULL || !SSL_CTX_use_certificate(ctx, pki->server_cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, pki->server_key) ||
	    (pki->server_chain != NULL && !SSL_CTX_set1_chain(ctx, pki->server_chain)))
		_exit(1);
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
				  "Content-Length: %u\r\nConnection: close\r\n\r\n", BODY_BYTES);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		SSL *s;
		char req[4096];
		size_t got = 0;

		if (fd < 0)
			continue;
		s = SSL_new(ctx);
		SSL_set_fd(s, fd);
		if (SSL_accept(s) == 1) {
			while (got < sizeof req - 1 && memmem(req, got, "\r\n\r\n", 4) == NULL) {
				int n = SSL_read(s, req + got, (int)(sizeof req - 1 - got));

				if (n <= 0)
					break;
				got += (size_t)n;
			}
			if (SSL_write(s, hdr, (int)strlen(hdr)) > 0)
				for (unsigned sent = 0; sent < BODY_BYTES; sent += sizeof chunk)
					if (SSL_write(s, chunk, sizeof chunk) <= 0)
						break;
			SSL_shutdown(s);
		}
		SSL_free(s);
		close(fd);
		ERR_clear_error();
	}
}

/* Run bin with args, stdout to /dev/null; the wall time (ms) and the peak
 * memory (KiB) of the run.  0 when it exited 0. */
static int run_quiet(const char *bin, char *const args[], double *ms, long *kib)
{
	double t0 = now_ms();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execv(bin, args);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*ms = now_ms() - t0;
	*kib = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* see benchout.h */
int benchout_run(const char *bin, int runs)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	struct pki pki = {0};
	char dir[] = "/tmp/httpsviz-bench-XXXXXX";
	char cafile[64] = "";
	char target[32];
	char err[256];
	double *t[2] = {NULL, NULL};
	long peak[2] = {0, 0};
	pid_t server = -1;
	int lfd = -1;
	int rc = -1;
	FILE *f;
	char *pem = NULL;

	t[0] = calloc((size_t)runs, sizeof(double));
	t[1] = calloc((size_t)runs, sizeof(double));
	if (t[0] == NULL || t[1] == NULL || pki_mint(&pki, SCEN_GOOD, err, sizeof err) < 0 || mkdtemp(dir) == NULL)
		goto out;
	/* only the CA's certificate goes to disk (public; no key ever does) */
	snprintf(cafile, sizeof cafile, "%s/ca.pem", dir);
	pem = pki_cert_pem(pki.ca_cert);
	f = pem != NULL ? fopen(cafile, "wx") : NULL;
	if (f == NULL || fputs(pem, f) < 0 || fclose(f) != 0)
		goto out;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 8) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		goto out;
	snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)ntohs(sa.sin_port));
	fflush(stdout);
	server = fork();
	if (server < 0)
		goto out;
	if (server == 0)
		serve_big(lfd, &pki);
	for (int i = 0; i < runs; i++) {
		for (int m = 0; m < 2; m++) {
			char *args[] = {(char *)bin, "connect", target, "--cafile", cafile, "--no-pcap",
					m == 0 ? "--trace" : "--json", NULL};
			long kib = 0;

			if (run_quiet(bin, args, &t[m][i], &kib) < 0) {
				fprintf(stderr, "httpsviz bench: %s %s against the 16 MB server failed\n", bin,
					args[6]);
				goto out;
			}
			if (kib > peak[m])
				peak[m] = kib;
		}
	}
	printf("\nBulk output: a 16 MB response (connect to a local TLS server, output to /dev/null),\n"
	       "%d interleaved runs of each mode, whole program run:\n", runs);
	for (int m = 0; m < 2; m++)
		qsort(t[m], (size_t)runs, sizeof(double), cmp_double);
	printf("  --trace median %7.1f ms   peak memory %6ld KiB\n", t[0][runs / 2], peak[0]);
	printf("  --json  median %7.1f ms   peak memory %6ld KiB\n", t[1][runs / 2], peak[1]);
	printf("  --json / --trace: %.2fx (goal <= 2x: %s)\n", t[1][runs / 2] / t[0][runs / 2],
	       t[1][runs / 2] <= 2 * t[0][runs / 2] ? "met" : "MISSED");
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "httpsviz bench: the bulk output measurement could not run\n");
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	if (lfd >= 0)
		close(lfd);
	if (cafile[0] != '\0')
		unlink(cafile);
	rmdir(dir);
	free(pem);
	free(t[0]);
	free(t[1]);
	pki_free(&pki);
	return rc;
}
