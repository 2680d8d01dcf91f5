/* The printed run modes (--trace, --json, --export, and connect with any):
 * drive the engine to the end and print each event as it is appended, and
 * save the run with --save.  A replay prints through the same functions,
 * so it prints exactly what the original printed. */
#ifndef HTTPSVIZ_RUN_H
#define HTTPSVIZ_RUN_H

#include <stdio.h>

#include "app/cli.h"
#include "protocol/replayfile.h"

/* Called once per printed event (the lesson runner uses it); may be NULL. */
typedef void (*run_event_hook)(void *arg, const struct event *ev, FILE *out);

/* How events are printed: --trace (verbose or not) or --json. */
struct printer {
	int json;
	int verbose;
	int mitm;             /* the trace's heading explains the middle lifeline */
	int last_step;
	run_event_hook hook;
	void *hook_arg;
};

/* Run one exchange and print it (or, with --export, print the export at
 * the end).  Returns the exit status (enum
 * exit_status, app/exitcode.h). */
int run_printed(const struct options *opt, run_event_hook hook, void *hook_arg);
/* A one-line title for the run: what, against which server. */
void run_title(const struct options *opt, const struct engine *e, char *buf, size_t n);
/* The printer's parts: the heading (trace only), one event, and the end
 * (the trace's "done:" line, or the failure's reason on stderr). */
void run_print_begin(struct printer *p, const char *title);
void run_print_event(struct printer *p, const struct event *ev);
void run_print_end(struct printer *p, const struct saved_end *end, const struct evlog *log);
/* Write the export of run in opt->export_format to opt->output (or stdout).
 * Returns EXIT_OK, EXIT_USAGE when the output cannot be created, or
 * EXIT_INTERNAL. */
int run_export(const struct options *opt, const struct saved_run *run, int secrets);

#endif
