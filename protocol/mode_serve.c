/* serve: our server, for a client that connected from elsewhere (accepted
 * by app/serve.c).  The server answers as soon as the client has spoken;
 * each step is one flight of the server, sent at once. */
#include "protocol/engine_int.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int setup(struct engine *e, char *err, size_t errlen)
{
	int one = 1;

	/* the context is serve's, built once (engine_served_new) */
	if (side_init(e, &e->s, ACTOR_SERVER, ACTOR_CLIENT, 1, e->sctx, "server") < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->viewer = &e->s;
	e->front = &e->s;
	e->capdata.server_key = e->shared_pki->server_key;
	setsockopt(e->s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

/* The first step: the connection is already there. */
static void accepted(struct engine *e)
{
	net_tcp_info_event(e, e->s.fd, ACTOR_SERVER);
	e->phase = PH_TLS;
}

static void step(struct engine *e)
{
	struct side *sd = &e->s;
	int rc = side_drive(sd);

	if (rc == 1)
		return;
	if (sd->out.len > 0)
		side_flush(sd);
	if (rc < 0 || e->phase == PH_FAILED)
		return;
	side_after_turn(sd);
	if (side_done(sd))
		e->phase = PH_DONE;
}

static int may_wait(const struct engine *e)
{
	(void)e;
	return 0;
}

const struct mode mode_serve = {
	.name = "serve",
	.setup = setup,
	.connect = accepted,
	.step = step,
	.may_wait = may_wait,
};
