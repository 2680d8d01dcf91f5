/* The printed run modes (--trace, --json, and connect with either): drive
 * the engine to the end and print each event as it is appended. */
#ifndef HTTPSVIZ_RUN_H
#define HTTPSVIZ_RUN_H

#include <stdio.h>

#include "app/cli.h"

/* Called once per printed event (the lesson runner uses it); may be NULL. */
typedef void (*run_event_hook)(void *arg, const struct event *ev, FILE *out);

/* Run one exchange and print it.  Returns the exit status (enum
 * exit_status, app/exitcode.h). */
int run_printed(const struct options *opt, run_event_hook hook, void *hook_arg);
/* A one-line title for the run: what, against which server. */
void run_title(const struct options *opt, const struct engine *e, char *buf, size_t n);

#endif
