/* httpsviz serve: the instrumented HTTPS server alone, for a classroom.
 * Learners connect from their machines (httpsviz connect, curl, a browser);
 * the teacher's terminal shows the server-side view of every exchange. */
#ifndef HTTPSVIZ_SERVE_H
#define HTTPSVIZ_SERVE_H

#include "app/cli.h"

/* Serve until interrupted (or --max-clients exchanges).  Returns an exit
 * status. */
int serve_run(const struct options *opt);

#endif
