/* The embedded exchange: both ends are ours (the client and a server on
 * 127.0.0.1 with the demo PKI), each step one flight of one side.  The mitm
 * mode builds on it (mode_mitm.c). */
#include "protocol/engine_int.h"

#include <string.h>

/* see engine_int.h */
int embedded_setup_server(struct engine *e, enum actor peer, char *err, size_t errlen)
{
	if (net_listen_loopback(&e->lfd, &e->port, err, errlen) < 0)
		return -1;
	e->sctx = sslctx_server(e, e->pki.server_cert, e->pki.server_chain, e->pki.server_key, err, errlen);
	if (e->sctx == NULL || side_init(e, &e->s, ACTOR_SERVER, peer, 1, e->sctx, "server") < 0)
		return -1;
	return 0;
}

static int setup(struct engine *e, char *err, size_t errlen)
{
	if (embedded_setup_server(e, ACTOR_CLIENT, err, errlen) < 0)
		return -1;
	e->front = &e->s;
	e->capdata.server_key = e->pki.server_key;
	snprintf(e->portstr, sizeof e->portstr, "%d", e->port);
	return 0;
}

/* Whose turn it is: the next side, after the one that acted last, with
 * input waiting; else one that can act on its own. */
static struct side *pick_side(struct engine *e)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 1; k <= e->nsides; k++) {
			int i = (e->last_idx + k + e->nsides) % e->nsides;
			struct side *sd = e->sides[i];

			if (side_done(sd))
				continue;
			if (pass == 0 ? side_has_input(sd) : side_has_initiative(sd)) {
				e->last_idx = i;
				return sd;
			}
		}
	}
	return NULL;
}

static int all_closed(const struct engine *e)
{
	for (int i = 0; i < e->nsides; i++)
		if (!side_done(e->sides[i]))
			return 0;
	return 1;
}

/* see engine_int.h */
void embedded_step(struct engine *e)
{
	struct side *sd = e->driving != NULL ? e->driving : pick_side(e);

	if (sd == NULL) {
		/* nobody can act: wait for any side's input (the kernel is
		 * still delivering a flight on the loopback) */
		if (e->wait_deadline == 0)
			e->wait_deadline = engine_now_ms() + engine_timeout_ms(e);
		if (engine_now_ms() >= e->wait_deadline) {
			e->wait_deadline = 0;
			engine_fail(e, ENGINE_FAIL_TIMEOUT, EV_ERROR_TIMEOUT, ACTOR_APP, "nobody spoke within %d ms",
				    engine_timeout_ms(e));
			return;
		}
		for (int i = 0; i < e->nsides; i++)
			if (!side_done(e->sides[i]) && e->sides[i]->fd >= 0)
				engine_wait_for(e, e->sides[i]->fd, POLLIN);
		return;
	}
	e->wait_deadline = e->driving != NULL ? e->wait_deadline : 0;
	e->driving = NULL;
	switch (side_drive(sd)) {
	case 1:
		e->driving = sd;
		return;
	case 0:
		break;
	default:
		if (sd->out.len > 0)
			side_flush(sd); /* a fatal alert leaves too */
		return;
	}
	if (sd->out.len > 0)
		side_flush(sd);
	if (e->phase == PH_FAILED)
		return;
	side_after_turn(sd);
	if (all_closed(e))
		e->phase = PH_DONE;
}

static int may_wait(const struct engine *e)
{
	(void)e;
	return 0;
}

const struct mode mode_embedded = {
	.name = "embedded",
	.setup = setup,
	.connect = net_connect_client,
	.step = embedded_step,
	.may_wait = may_wait,
};
