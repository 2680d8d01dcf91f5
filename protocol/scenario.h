/* The certificate scenarios a teacher can show (--scenario NAME). */
#ifndef HTTPSVIZ_SCENARIO_H
#define HTTPSVIZ_SCENARIO_H

enum scenario {
	SCEN_GOOD,
	SCEN_EXPIRED,
	SCEN_NOT_YET_VALID,
	SCEN_WRONG_HOST,
	SCEN_UNTRUSTED_CA,
	SCEN_MITM,
	SCEN__COUNT
};

/* "good", "expired", ... */
const char *scenario_str(enum scenario s);
/* The scenario for a name, or -1. */
int scenario_from_str(const char *s);
/* One line describing the scenario. */
const char *scenario_describe(enum scenario s);

#endif
