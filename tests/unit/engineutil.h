/* Running a whole exchange, and keeping the demo PKI's RSA keys across a
 * suite, for the unit tests that drive the engine. */
#ifndef HTTPSVIZ_ENGINEUTIL_H
#define HTTPSVIZ_ENGINEUTIL_H

#include "tests/unit/testutil.h"

#include "protocol/engine.h"
#include "protocol/pki.h"

struct run {
	struct evlog log;
	struct engine *e;
	enum engine_status st;
};

/* Step a fresh engine until it is done or has failed (bounded); says why
 * on stderr when it failed, which is expected in the failure scenarios. */
static inline void run_all(struct run *r, const struct engine_config *cfg)
{
	char err[256] = "";

	evlog_init(&r->log);
	r->e = engine_new(cfg, &r->log, err, sizeof err);
	if (r->e == NULL)
		print_error("engine_new: %s\n", err);
	assert_non_null(r->e);
	r->st = ENGINE_MORE;
	for (int i = 0; i < 64 && r->st == ENGINE_MORE; i++)
		r->st = engine_step_wait(r->e);
	if (r->st != ENGINE_DONE)
		print_error("failed: %s\n", engine_error(r->e));
}

static inline void run_free(struct run *r)
{
	engine_free(r->e);
	evlog_clear(&r->log);
}

/* Group set-up: mint one RSA key per slot for the whole suite (the keys are
 * the slow part; certificates stay fresh per test). */
static inline int pki_keys_setup(void **state)
{
	(void)state;
	pki_cache_keys(1);
	return 0;
}

/* Group tear-down: free the kept keys (leak checkers would flag them). */
static inline int pki_keys_teardown(void **state)
{
	(void)state;
	pki_cache_keys(0);
	return 0;
}

#endif
