#include "protocol/scenario.h"

#include <string.h>

static const struct {
	const char *name;
	const char *describe;
} scenarios[SCEN__COUNT] = {
	[SCEN_GOOD] = {"good", "a valid certificate for localhost from the trusted demo CA"},
	[SCEN_EXPIRED] = {"expired", "the server's certificate expired yesterday"},
	[SCEN_NOT_YET_VALID] = {"not-yet-valid", "the server's certificate only becomes valid tomorrow"},
	[SCEN_WRONG_HOST] = {"wrong-host", "a valid certificate, but for www.example.org, not localhost"},
	[SCEN_UNTRUSTED_CA] = {"untrusted-ca", "a self-signed certificate no trusted CA vouches for"},
	[SCEN_MITM] = {"mitm", "an interceptor between client and server presents its own certificate"},
};

/* see scenario.h */
const char *scenario_str(enum scenario s)
{
	return (unsigned)s < SCEN__COUNT ? scenarios[s].name : "?";
}

/* see scenario.h */
int scenario_from_str(const char *s)
{
	for (int i = 0; i < SCEN__COUNT; i++)
		if (strcmp(scenarios[i].name, s) == 0)
			return i;
	return -1;
}

/* see scenario.h */
const char *scenario_describe(enum scenario s)
{
	return (unsigned)s < SCEN__COUNT ? scenarios[s].describe : "";
}
