/* httpsviz: teaches HTTPS by doing it.  main() only dispatches the modes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/bench.h"
#include "app/catalogue.h"
#include "app/cli.h"
#include "app/exitcode.h"
#include "app/lessoncmd.h"
#include "app/preflight.h"
#include "app/replay.h"
#include "app/run.h"
#include "app/serve.h"
#include "app/tui.h"
#include "lessons/lessondir.h"

struct lesson_hook {
	struct lesson_run *run;
	int no_questions;
};

static void lesson_event(void *arg, const struct event *ev, FILE *out)
{
	struct lesson_hook *h = arg;

	lessoncmd_trace_event(h->run, ev, out, stdin, h->no_questions);
}

/* A live run or a replay, printed. */
static int print_it(struct options *opt, struct saved_run *run, run_event_hook hook, void *arg)
{
	return run != NULL ? replay_printed(opt, run, hook, arg) : run_printed(opt, hook, arg);
}

/* --trace/--json (and connect, --export, a printed replay), with a lesson
 * narrating when one is given (a replay follows the recorded run's lesson
 * unless told otherwise). */
static int printed(struct options *opt, struct saved_run *run)
{
	struct lesson *l;
	struct lesson_hook h;
	const char *name = opt->lesson;
	int rc;

	if (name == NULL && run != NULL && run->opt.lesson[0] != '\0' && opt->mode != MODE_JSON && !opt->json)
		name = run->opt.lesson;
	if (name != NULL && opt->mode == MODE_EXPORT && run == NULL && !opt->connect) {
		/* a handout of a lesson's run: the lesson's options, no narration */
		l = lessoncmd_load(name, stderr);
		if (l == NULL)
			return EXIT_USAGE;
		{
			struct runopts ro = engine_config_runopts(&opt->cfg);

			lesson_apply_options(l, &ro);
			engine_config_set_runopts(&opt->cfg, &ro);
		}
		lesson_free(l);
	}
	if (name == NULL || opt->mode == MODE_EXPORT)
		return print_it(opt, run, NULL, NULL);
	if (opt->mode == MODE_JSON || opt->json) {
		fprintf(stderr, "httpsviz: --lesson goes with --trace or the TUI, not --json\n");
		return EXIT_USAGE;
	}
	l = lessoncmd_load(name, stderr);
	if (l == NULL)
		return EXIT_USAGE;
	if (!opt->connect) {
		struct runopts ro = engine_config_runopts(&opt->cfg);

		lesson_apply_options(l, &ro);
		engine_config_set_runopts(&opt->cfg, &ro);
	}
	h.run = lesson_run_new(l);
	/* a replay of the recorded lesson skips the questions the original
	 * skipped: it prints what the original printed */
	h.no_questions = opt->no_questions || (run != NULL && opt->lesson == NULL && run->opt.no_questions);
	if (h.run == NULL) {
		lesson_free(l);
		return EXIT_INTERNAL;
	}
	lessoncmd_trace_begin(l, stdout);
	rc = print_it(opt, run, lesson_event, &h);
	lessoncmd_trace_end(h.run, stdout);
	lesson_run_free(h.run);
	lesson_free(l);
	return rc;
}

/* replay FILE: printed with --trace/--json, else in the TUI. */
static int replayed(struct options *opt)
{
	struct saved_run run;
	struct tui_options tui;
	int rc;

	if (replay_load(opt->replay_file, &run) < 0)
		return EXIT_USAGE;
	if (opt->lesson == NULL && run.opt.lesson[0] != '\0') {
		/* the recorded lesson may live on another machine: without it the
		 * run is still worth seeing (--lesson chooses one here) */
		char *path = lessondir_find(run.opt.lesson);

		if (path == NULL) {
			fprintf(stderr, "httpsviz: the run followed lesson '%s', which is not here; "
					"replaying without it (--lesson NAME picks one)\n",
				run.opt.lesson);
			run.opt.lesson[0] = '\0';
		}
		free(path);
	}
	if (opt->trace || opt->json) {
		rc = printed(opt, &run);
		replayfile_free(&run);
		return rc;
	}
	tui = (struct tui_options){
		.ascii = opt->ascii,
		.projector = opt->projector,
		.no_color = opt->no_color,
		.lesson = opt->lesson != NULL ? opt->lesson : run.opt.lesson[0] != '\0' ? run.opt.lesson : NULL,
		.explore = 1,
		/* the recorded lesson asks what the original asked */
		.no_questions = opt->no_questions || (opt->lesson == NULL && run.opt.no_questions),
		.replay = &run,
		.replay_name = opt->replay_file,
	};
	rc = tui_run(&opt->cfg, &tui);
	replayfile_free(&run);
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
	if ((opt.mode == MODE_TRACE || opt.mode == MODE_JSON || opt.mode == MODE_SERVE || opt.mode == MODE_TUI ||
	     opt.mode == MODE_EXPORT) &&
	    preflight_files(&opt) != 0)
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
	case MODE_CATALOGUE:
		return catalogue_run(opt.catalogue_c);
	case MODE_TRACE:
	case MODE_JSON:
		return printed(&opt, NULL);
	case MODE_EXPORT:
		if (opt.replay_file != NULL)
			return replay_export(&opt);
		return printed(&opt, NULL);
	case MODE_REPLAY:
		return replayed(&opt);
	case MODE_SERVE:
		return serve_run(&opt);
	case MODE_TUI:
		break;
	}
	/* the live view draws on a terminal and reads keys from one: redirected,
	 * it would wait for keys on a blank screen or write escape codes into a
	 * file, so say what to use instead and stop at once */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		const char *which = !isatty(STDIN_FILENO)
					    ? (!isatty(STDOUT_FILENO) ? "standard input and output are" : "standard input is")
					    : "standard output is";

		fprintf(stderr, "httpsviz: the live view needs a terminal, and %s not one\n"
				"  for text output use --trace (or --json), e.g. httpsviz --trace > out.txt\n",
			which);
		return EXIT_USAGE;
	}
	tui = (struct tui_options){
		.ascii = opt.ascii,
		.projector = opt.projector,
		.no_color = opt.no_color, /* tui.c honours a non-empty NO_COLOR */
		.lesson = opt.lesson,
		.explore = opt.explore,
		.save_file = opt.save_file,
		.save_secrets = opt.save_secrets,
		.no_questions = opt.no_questions,
	};
	return tui_run(&opt.cfg, &tui);
}
