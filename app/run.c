#include "app/run.h"

#include <stdlib.h>
#include <string.h>

#include "app/output.h"
#include "protocol/sanitize.h"

/* see run.h */
void run_title(const struct options *opt, const struct engine *e, char *buf, size_t n)
{
	const struct engine_config *c = &opt->cfg;
	const char *kex = c->tls == TLSV_13 ? "TLS 1.3" : c->kex == KEX_ECDHE ? "TLS 1.2, ECDHE key exchange"
									       : "TLS 1.2, RSA key exchange";

	if (c->host != NULL) {
		char *h = sanitize_ascii(c->host, strlen(c->host));

		snprintf(buf, n, "httpsviz: %s against %s port %s", kex, h ? h : "?", c->port);
		free(h);
		return;
	}
	snprintf(buf, n, "httpsviz: %s%s against the embedded server on 127.0.0.1:%d (scenario %s)", kex,
		 c->classic ? " (classic: no extended master secret)" : "", engine_server_port(e), scenario_str(c->scenario));
}

/* see run.h */
int run_printed(const struct options *opt, run_event_hook hook, void *hook_arg)
{
	struct evlog log;
	char err[256];
	char title[256];
	struct engine *e;
	enum engine_status st = ENGINE_MORE;
	size_t shown = 0;
	int json = opt->mode == MODE_JSON;
	int last_step = 0;
	int code;

	evlog_init(&log);
	e = engine_new(&opt->cfg, &log, err, sizeof err);
	if (e == NULL) {
		char *safe = sanitize_bytes(err, strlen(err));

		fprintf(stderr, "httpsviz: %s\n", safe ? safe : "set-up failed");
		free(safe);
		evlog_clear(&log);
		return EXIT_INTERNAL;
	}
	run_title(opt, e, title, sizeof title);
	if (!json)
		output_trace_header(stdout, title);
	while (st == ENGINE_MORE) {
		st = engine_step_wait(e);
		for (; shown < log.n; shown++) {
			const struct event *ev = log.ev[shown];

			if (json) {
				output_json_event(stdout, ev);
			} else {
				if (ev->step != last_step)
					printf("--- step %d ---\n", ev->step);
				output_trace_event(stdout, ev, opt->verbose);
			}
			last_step = ev->step;
			if (hook != NULL)
				hook(hook_arg, ev, stdout);
		}
		fflush(stdout);
	}
	code = engine_exit_code(e);
	if (st == ENGINE_FAILED) {
		fprintf(stderr, "httpsviz: %s\n", engine_error(e));
	} else if (!json) {
		long r = evlog_find(&log, EV_HTTP_RESPONSE, 0);
		const struct field *status = r >= 0 ? event_find_field(log.ev[r], "status") : NULL;

		printf("done: %d steps, %zu events, %s %s, HTTP %s\n", engine_steps(e), log.n, engine_version(e),
		       engine_cipher(e), status ? status->value : "-");
	}
	engine_free(e);
	evlog_clear(&log);
	return code;
}
