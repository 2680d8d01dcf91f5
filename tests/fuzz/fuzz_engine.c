/* libFuzzer target: the engine's record handling fed by a hostile peer
 * through the tap.  The engine runs connect mode against a listener of this
 * process on 127.0.0.1; the input is everything the "server" sends, then it
 * closes.  So the tap's record reassembly, the msg callback, the decoders,
 * the certificate checks (TLS 1.2 sends its certificates in the clear) and
 * the failure paths see arbitrary bytes.  Beyond ASan/UBSan: the run ends
 * within its steps, with a documented status, and the log is bounded. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/engine.h"
#include "protocol/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int lfd = -1;
static char port[16];
/* a trust store of one demo CA: loading the system's for every run would
 * cost more than the run */
static char cafile[64] = "/tmp/httpsviz-fuzz-ca-XXXXXX";

static void remove_cafile(void)
{
	unlink(cafile);
}

/* see libFuzzer: one listener on loopback for every run */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;

	(void)argc;
	(void)argv;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 16) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		abort();
	snprintf(port, sizeof port, "%u", ntohs(sa.sin_port));
	{
		struct pki pki;
		char err[256];
		char *pem;
		int fd = mkstemp(cafile);

		if (fd < 0 || pki_mint(&pki, SCEN_GOOD, err, sizeof err) < 0)
			abort();
		pem = pki_cert_pem(pki.ca_cert);
		if (pem == NULL || write(fd, pem, strlen(pem)) != (ssize_t)strlen(pem))
			abort();
		close(fd);
		atexit(remove_cafile);
		free(pem);
		pki_free(&pki);
	}
	return 0;
}

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_config cfg = {
		.host = "127.0.0.1",
		.port = port,
		.cafile = cafile,
		.timeout_ms = 50,
		.no_pcap = 1,
		.insecure = size > 0 && (data[0] & 1),
		.tls = size > 0 && (data[0] & 2) ? TLSV_13 : TLSV_12,
	};
	struct evlog log;
	char err[256];
	struct engine *e;
	enum engine_status st = ENGINE_MORE;
	int fd = -1;
	int steps = 0;

	if (size > 65536)
		return 0;
	evlog_init(&log);
	e = engine_new(&cfg, &log, err, sizeof err);
	if (e == NULL)
		abort();
	st = engine_step_wait(e); /* TCP: the listener's backlog completes it */
	if (st == ENGINE_MORE) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			abort();
		/* the peer says everything it has, then closes its side */
		for (size_t off = size > 0 ? 1 : 0; off < size;) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
	}
	while (st == ENGINE_MORE && steps++ < 64)
		st = engine_step_wait(e);
	if (st == ENGINE_MORE)
		abort(); /* a hostile peer must not keep the run going */
	if (st == ENGINE_FAILED && (engine_failure(e) == ENGINE_FAIL_NONE || engine_failure(e) >= ENGINE_FAIL__COUNT))
		abort(); /* a failure of a documented kind */
	if (log.n > 400)
		abort(); /* the log stays bounded whatever the peer sends */
	engine_free(e);
	if (fd >= 0)
		close(fd);
	evlog_clear(&log);
	return 0;
}
