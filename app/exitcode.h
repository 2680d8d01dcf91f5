/* Exit statuses of httpsviz: the application's, documented in the README
 * and the man page.  The engine reports why a run failed (enum
 * engine_failure); exitcode_of() is the one table from that to a status. */
#ifndef HTTPSVIZ_EXITCODE_H
#define HTTPSVIZ_EXITCODE_H

#include "protocol/engine.h"

enum exit_status {
	EXIT_OK = 0,
	EXIT_USAGE = 2,       /* bad command line, or a lesson that cannot be used */
	EXIT_CONNECT = 3,     /* unreachable, refused, name not found */
	EXIT_TIMEOUT = 4,     /* the peer did not answer in time */
	EXIT_TLS = 5,         /* TLS failed: not TLS, bad record, closed mid-handshake */
	EXIT_CERT = 6,        /* the certificate was rejected */
	EXIT_HTTP = 7,        /* TLS fine, HTTP response missing or malformed */
	EXIT_INTERNAL = 8,
};

/* The exit status for a run that ended this way (EXIT_OK for
 * ENGINE_FAIL_NONE; EXIT_INTERNAL for a value outside the enum). */
int exitcode_of(enum engine_failure why);
/* The exit status of an engine's run so far. */
int exitcode_engine(const struct engine *e);

#endif
