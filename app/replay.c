#include "app/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/exitcode.h"
#include "protocol/sanitize.h"
#include "ui/diagram.h"

/* see replay.h */
int replay_load(const char *path, struct saved_run *run)
{
	char err[512];

	if (replayfile_load(path, run, err, sizeof err) < 0) {
		fprintf(stderr, "httpsviz: %s\n", err);
		return -1;
	}
	return 0;
}

/* A title for a bare --json capture, which records none. */
static void default_title(struct saved_run *run, const char *path)
{
	char *safe;

	if (run->title[0] != '\0')
		return;
	safe = sanitize_bytes(path, strlen(path));
	snprintf(run->title, sizeof run->title, "httpsviz: replay of %s", safe ? safe : "a saved run");
	free(safe);
}

/* see replay.h */
int replay_printed(const struct options *opt, struct saved_run *run, run_event_hook hook, void *hook_arg)
{
	struct printer pr = {opt->json, opt->verbose, 0, 0, hook, hook_arg};

	default_title(run, opt->replay_file);
	/* the original's heading explained the interceptor's lifeline when its
	 * options said mitm (a bare capture: when the interceptor acts) */
	pr.mitm = run->has_header ? strcmp(run->opt.scenario, "mitm") == 0 && run->opt.host[0] == '\0'
				  : diagram_has_mitm(&run->log);
	run_print_begin(&pr, run->title);
	for (size_t i = 0; i < run->log.n; i++)
		run_print_event(&pr, run->log.ev[i]);
	if (run->has_end) {
		run_print_end(&pr, &run->end, &run->log);
	} else if (!pr.json) {
		printf("end of the capture: %zu events (a --json capture records no end line)\n", run->log.n);
	}
	fflush(stdout);
	return EXIT_OK;
}

/* see replay.h */
int replay_export(const struct options *opt)
{
	struct saved_run run;
	int rc;

	if (replay_load(opt->replay_file, &run) < 0)
		return EXIT_USAGE;
	default_title(&run, opt->replay_file);
	/* the file holds what its author chose to keep: show all of it (a bare
	 * --json capture holds the secrets, as --json prints them) */
	rc = run_export(opt, &run, run.secrets || !run.has_header);
	replayfile_free(&run);
	return rc;
}
