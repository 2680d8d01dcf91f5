/* Exit statuses: one table from the engine's failure classes. */
#include "app/exitcode.h"

static const int status_of[ENGINE_FAIL__COUNT] = {
	[ENGINE_FAIL_NONE] = EXIT_OK,
	[ENGINE_FAIL_CONNECT] = EXIT_CONNECT,
	[ENGINE_FAIL_TIMEOUT] = EXIT_TIMEOUT,
	[ENGINE_FAIL_TLS] = EXIT_TLS,
	[ENGINE_FAIL_CERT] = EXIT_CERT,
	[ENGINE_FAIL_HTTP] = EXIT_HTTP,
	[ENGINE_FAIL_INTERNAL] = EXIT_INTERNAL,
	[ENGINE_FAIL_USAGE] = EXIT_USAGE,
};

/* see exitcode.h */
int exitcode_of(enum engine_failure why)
{
	if ((unsigned)why >= ENGINE_FAIL__COUNT)
		return EXIT_INTERNAL;
	return status_of[why];
}

/* see exitcode.h */
int exitcode_engine(const struct engine *e)
{
	return exitcode_of(engine_failure(e));
}
