/* `httpsviz replay FILE` (the TUI, or --trace / --json printing exactly
 * what the original run printed) and `httpsviz export FILE --format F`. */
#ifndef HTTPSVIZ_REPLAY_H
#define HTTPSVIZ_REPLAY_H

#include "app/cli.h"
#include "app/run.h"

/* Print a loaded saved run as opt asks (--trace, -v, --json), through the
 * same printer as a live run; the lesson hook, when given, narrates it.
 * Returns EXIT_OK. */
int replay_printed(const struct options *opt, struct saved_run *run, run_event_hook hook, void *hook_arg);
/* export FILE --format F [-o OUT]: same exit statuses. */
int replay_export(const struct options *opt);
/* Load a saved run; on failure prints "httpsviz: FILE:LINE: reason" (the
 * file is unreadable, truncated, corrupted or from a newer httpsviz) and
 * returns -1 (exit with EXIT_USAGE). */
int replay_load(const char *path, struct saved_run *run);

#endif
