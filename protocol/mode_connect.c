/* connect: our client against a remote server.  The server's flights arrive
 * when the network delivers them; the client's answer to a flight is held
 * (its events staged with it) until the next step, so stepping stays real
 * on our side of the wire. */
#include "protocol/engine_int.h"

static int setup(struct engine *e, char *err, size_t errlen)
{
	(void)e;
	(void)err;
	(void)errlen;
	return 0;
}

static void step(struct engine *e)
{
	struct side *c = &e->c;
	int needed;
	int rc;

	if (c->out.len > 0 && e->wait_deadline == 0) {
		/* the flight held at the end of the last step leaves now */
		side_flush(c);
		return;
	}
	/* a flight that answers the server waits for the next step */
	needed = c->started && !side_has_initiative(c);
	c->holding = needed;
	rc = side_drive(c);
	if (rc == 1)
		return;
	if (rc < 0) {
		if (c->out.len > 0)
			side_flush(c);
		return;
	}
	if (!needed && c->out.len > 0)
		side_flush(c);
	if (c->out.len == 0)
		c->holding = 0;
	side_after_turn(c);
	if (side_done(c) && e->phase != PH_FAILED)
		e->phase = PH_DONE;
}

static int may_wait(const struct engine *e)
{
	if (e->phase == PH_TCP)
		return 1;
	return e->phase == PH_TLS && e->c.out.len == 0 && e->c.started && !side_has_initiative(&e->c) &&
	       !side_has_input(&e->c);
}

const struct mode mode_connect = {
	.name = "connect",
	.setup = setup,
	.connect = net_connect_client,
	.step = step,
	.may_wait = may_wait,
};
