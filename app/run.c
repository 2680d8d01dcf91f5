#include "app/run.h"

#include <stdlib.h>
#include <string.h>

#include "app/exitcode.h"
#include "app/export.h"
#include "app/output.h"
#include "app/savefile.h"
#include "protocol/http.h"
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
void run_print_begin(struct printer *p, const char *title)
{
	if (!p->json)
		output_trace_header(stdout, title, p->mitm);
}

/* see run.h */
void run_print_event(struct printer *p, const struct event *ev)
{
	if (p->json) {
		output_json_event(stdout, ev);
	} else {
		if (ev->step != p->last_step)
			printf("--- flight %d ---\n", ev->step);
		output_trace_event(stdout, ev, p->verbose);
	}
	p->last_step = ev->step;
	if (p->hook != NULL)
		p->hook(p->hook_arg, ev, stdout);
}

/* see run.h */
void run_print_end(struct printer *p, const struct saved_end *end, const struct evlog *log)
{
	if (end->status == SAVED_FAILED) {
		fprintf(stderr, "httpsviz: %s\n", end->error);
	} else if (end->status == SAVED_PARTIAL) {
		/* only a replay gets here: the TUI saved the run midway */
		if (!p->json)
			printf("saved midway: %d flights, %zu events, %s %s (the exchange went on after the save)\n",
			       end->steps, log->n, end->version[0] ? end->version : "-", end->cipher[0] ? end->cipher : "-");
	} else if (!p->json) {
		long r = evlog_find(log, EV_HTTP_RESPONSE, 0);
		int status = r >= 0 ? log->ev[r]->http.status : 0;

		if (status > 0)
			printf("done: %d flights, %zu events, %s %s, HTTP %d\n", end->steps, log->n, end->version,
			       end->cipher, status);
		else
			printf("done: %d flights, %zu events, %s %s, HTTP -\n", end->steps, log->n, end->version,
			       end->cipher);
		/* not a success: what the server said, plainly, as the last line */
		if (r >= 0) {
			char answer[HTTP_FACT_BODY_LINE * 4 + 200];

			if (http_answer_str(&log->ev[r]->http, answer, sizeof answer))
				printf("%s\n", answer);
		}
	}
	fflush(stdout);
}

/* see run.h */
int run_export(const struct options *opt, const struct saved_run *run, int secrets)
{
	char err[256];
	FILE *out = stdout;
	int rc;

	if (opt->output != NULL) {
		/* a handout is for sharing, unless it shows the secrets */
		out = savefile_fopen(opt->output, secrets ? 0600 : 0644, err, sizeof err);
		if (out == NULL) {
			fprintf(stderr, "httpsviz: %s\n", err);
			return EXIT_USAGE;
		}
	}
	rc = export_write(out, export_format_from_str(opt->export_format), run, secrets);
	if (fflush(out) != 0)
		rc = -1;
	if (out != stdout && fclose(out) != 0)
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "httpsviz: writing the export failed\n");
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* The end of a run as a saved run's end line records it. */
static void fill_end(struct saved_end *end, struct engine *e, enum engine_status st)
{
	memset(end, 0, sizeof *end);
	end->status = st == ENGINE_DONE ? SAVED_DONE : st == ENGINE_FAILED ? SAVED_FAILED : SAVED_PARTIAL;
	end->exit_code = exitcode_engine(e);
	end->steps = engine_steps(e);
	snprintf(end->version, sizeof end->version, "%s", engine_version(e));
	snprintf(end->cipher, sizeof end->cipher, "%s", engine_cipher(e));
	snprintf(end->error, sizeof end->error, "%s", st == ENGINE_FAILED ? engine_error(e) : "");
}

/* see run.h */
int run_printed(const struct options *opt, run_event_hook hook, void *hook_arg)
{
	struct evlog log;
	char err[256];
	char title[256];
	struct engine *e;
	struct savefile *sf = NULL;
	struct saved_end end;
	enum engine_status st = ENGINE_MORE;
	size_t shown = 0;
	struct printer pr = {opt->mode == MODE_JSON, opt->verbose, opt->cfg.host == NULL && opt->cfg.scenario == SCEN_MITM,
			     0, hook, hook_arg};
	int exporting = opt->mode == MODE_EXPORT;
	int code;

	if (opt->save_file != NULL) {
		sf = savefile_create(opt->save_file, opt->save_secrets, err, sizeof err);
		if (sf == NULL) {
			fprintf(stderr, "httpsviz: %s\n", err);
			return EXIT_USAGE;
		}
	}
	evlog_init(&log);
	e = engine_new(&opt->cfg, &log, err, sizeof err);
	if (e == NULL) {
		char *safe = sanitize_bytes(err, strlen(err));

		fprintf(stderr, "httpsviz: %s\n", safe ? safe : "set-up failed");
		free(safe);
		evlog_clear(&log);
		savefile_abort(sf);
		return EXIT_INTERNAL;
	}
	run_title(opt, e, title, sizeof title);
	if (sf != NULL) {
		struct save_info info = {exporting ? "export" : pr.json ? "json" : "trace", &opt->cfg, opt->lesson,
					 opt->verbose, title, opt->no_questions};

		savefile_header(sf, &info);
	}
	if (!exporting)
		run_print_begin(&pr, title);
	while (st == ENGINE_MORE) {
		st = engine_step_wait(e);
		for (; shown < log.n; shown++) {
			if (!exporting)
				run_print_event(&pr, log.ev[shown]);
			if (sf != NULL)
				savefile_event(sf, log.ev[shown]);
		}
		fflush(stdout);
	}
	code = exitcode_engine(e);
	fill_end(&end, e, st);
	if (!exporting) {
		run_print_end(&pr, &end, &log);
	} else {
		struct saved_run run;
		int rc;

		memset(&run, 0, sizeof run);
		snprintf(run.title, sizeof run.title, "%s", title);
		snprintf(run.httpsviz_version, sizeof run.httpsviz_version, "%s", HTTPSVIZ_VERSION);
		run.has_end = 1;
		run.end = end;
		run.log = log; /* borrowed: freed below, once */
		if (end.status == SAVED_FAILED)
			fprintf(stderr, "httpsviz: %s\n", end.error);
		rc = run_export(opt, &run, opt->save_secrets);
		if (rc != EXIT_OK && code == EXIT_OK)
			code = rc;
	}
	if (sf != NULL && savefile_finish(sf, &end, err, sizeof err) < 0) {
		fprintf(stderr, "httpsviz: %s\n", err);
		if (code == EXIT_OK)
			code = EXIT_INTERNAL;
	}
	engine_free(e);
	evlog_clear(&log);
	return code;
}
