/* The mitm scenario: the embedded exchange with an interceptor between the
 * client and the server.  It accepts the client's connection with a
 * certificate of its own (the attacker's CA), opens its own connection to
 * the real server, and relays the plaintext between its two TLS sessions. */
#include "protocol/engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "protocol/http.h"

static int setup(struct engine *e, char *err, size_t errlen)
{
	if (embedded_setup_server(e, ACTOR_MITM, err, errlen) < 0)
		return -1;
	e->mi_ctx = sslctx_server(e, e->pki.mitm_cert, NULL, e->pki.mitm_key, err, errlen);
	e->mo_ctx = sslctx_mitm_client(e);
	if (e->mi_ctx == NULL || e->mo_ctx == NULL || net_listen_loopback(&e->mlfd, &e->mport, err, errlen) < 0 ||
	    side_init(e, &e->mi, ACTOR_MITM, ACTOR_CLIENT, 1, e->mi_ctx, "interceptor") < 0 ||
	    side_init(e, &e->mo, ACTOR_MITM, ACTOR_SERVER, 0, e->mo_ctx, "interceptor") < 0)
		return -1;
	e->mi.relay = &e->mo;
	e->mo.relay = &e->mi;
	SSL_set_tlsext_host_name(e->mo.ssl, "localhost");
	e->front = &e->mi;
	e->capdata.server_key = e->pki.mitm_key;
	snprintf(e->portstr, sizeof e->portstr, "%d", e->mport);
	return 0;
}

/* see engine_int.h: the interceptor opens its own connection to the real
 * server, as a transparent proxy does as soon as a client connects to it */
int mitm_connect(struct engine *e)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;

	sa.sin_port = htons((uint16_t)e->port);
	e->mo.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->mo.fd < 0 || (connect(e->mo.fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) ||
	    net_wait_fd(e->mo.fd, POLLOUT, engine_timeout_ms(e)) <= 0) {
		engine_fail(e, ENGINE_FAIL_INTERNAL, EV_ERROR_INTERNAL, ACTOR_MITM, "the interceptor cannot reach the server");
		return -1;
	}
	setsockopt(e->mo.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (net_accept_on(e, &e->lfd, &e->s) < 0)
		return -1;
	net_tcp_info_event(e, e->mo.fd, ACTOR_MITM);
	return 0;
}

/* see engine_int.h: the interceptor holds the plaintext: show it, and hand
 * it to its other half to re-encrypt for the far side */
void mitm_relay_plaintext(struct side *sd, enum evname name, const char *what)
{
	char *line = side_first_line(sd, 60);
	struct event *ev = evlog_add(sd->e->log, name, ACTOR_MITM, DIR_LOCAL, sd->app_in.p, sd->app_in.len,
				     "the interceptor decrypted the %s: %s", what, line ? line : "?");

	free(line);
	if (ev != NULL) {
		http_decode(ev);
		event_field(ev, 0, "seen_by", 0, 0,
			    "the interceptor, in clear: it could read or change every byte before "
			    "passing it on re-encrypted");
	}
	sd->relay->relay_in.len = 0;
	capture_blob_append(&sd->relay->relay_in, sd->app_in.p, sd->app_in.len);
}

static int may_wait(const struct engine *e)
{
	(void)e;
	return 0;
}

const struct mode mode_mitm = {
	.name = "mitm",
	.setup = setup,
	.connect = net_connect_client,
	.step = embedded_step,
	.may_wait = may_wait,
};
