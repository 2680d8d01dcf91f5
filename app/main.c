/* httpsviz: teaches HTTPS by doing it.  main() only dispatches the modes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/bench.h"
#include "app/cli.h"
#include "app/exitcode.h"
#include "app/lessoncmd.h"
#include "app/run.h"
#include "app/serve.h"
#include "app/tui.h"

#define HTTPSVIZ_VERSION "0.1.0"

struct lesson_hook {
	struct lesson_run *run;
	int no_questions;
};

static void lesson_event(void *arg, const struct event *ev, FILE *out)
{
	struct lesson_hook *h = arg;

	lessoncmd_trace_event(h->run, ev, out, stdin, h->no_questions);
}

/* --trace/--json (and connect), with a lesson narrating when one is given. */
static int printed(struct options *opt)
{
	struct lesson *l;
	struct lesson_hook h;
	int rc;

	if (opt->lesson == NULL)
		return run_printed(opt, NULL, NULL);
	if (opt->mode == MODE_JSON) {
		fprintf(stderr, "httpsviz: --lesson goes with --trace or the TUI, not --json\n");
		return EXIT_USAGE;
	}
	l = lessoncmd_load(opt->lesson, stderr);
	if (l == NULL)
		return EXIT_USAGE;
	if (!opt->connect) {
		struct runopts ro = engine_config_runopts(&opt->cfg);

		lesson_apply_options(l, &ro);
		engine_config_set_runopts(&opt->cfg, &ro);
	}
	h.run = lesson_run_new(l);
	h.no_questions = opt->no_questions;
	if (h.run == NULL) {
		lesson_free(l);
		return EXIT_INTERNAL;
	}
	lessoncmd_trace_begin(l, stdout);
	rc = run_printed(opt, lesson_event, &h);
	lessoncmd_trace_end(h.run, stdout);
	lesson_run_free(h.run);
	lesson_free(l);
	return rc;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct tui_options tui;

	/* --json of a long response is tens of megabytes: into a file or a
	 * pipe it goes out in large blocks (a terminal keeps line buffering) */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (cli_parse(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	switch (opt.mode) {
	case MODE_HELP:
		cli_usage(stdout);
		return EXIT_OK;
	case MODE_VERSION:
		printf("httpsviz %s\n", HTTPSVIZ_VERSION);
		return EXIT_OK;
	case MODE_BENCH:
		return bench_run(&opt);
	case MODE_LESSONS:
		return lessoncmd_list();
	case MODE_LESSON_CHECK:
		return lessoncmd_check(opt.argc_rest, opt.argv_rest);
	case MODE_TRACE:
	case MODE_JSON:
		return printed(&opt);
	case MODE_SERVE:
		return serve_run(&opt);
	case MODE_TUI:
		break;
	}
	tui = (struct tui_options){
		.ascii = opt.ascii,
		.projector = opt.projector,
		.no_color = opt.no_color, /* tui.c honours a non-empty NO_COLOR */
		.lesson = opt.lesson,
		.explore = opt.explore,
	};
	return tui_run(&opt.cfg, &tui);
}
