/* The scenarios a teacher can show (--scenario NAME): a good exchange and
 * the misconfigurations people meet on the real web. */
#ifndef HTTPSVIZ_SCENARIO_H
#define HTTPSVIZ_SCENARIO_H

enum scenario {
	SCEN_GOOD,
	SCEN_EXPIRED,
	SCEN_NOT_YET_VALID,
	SCEN_WRONG_HOST,
	SCEN_UNTRUSTED_CA,
	SCEN_SELF_SIGNED,
	SCEN_MISSING_INTERMEDIATE,
	SCEN_REVOKED,
	SCEN_WEAK_KEY,
	SCEN_LEGACY_ONLY,
	SCEN_MITM,          /* keep last: the picker adds its trusted variant after it */
	SCEN__COUNT
};

/* "good", "expired", ... */
const char *scenario_str(enum scenario s);
/* The scenario for a name, or -1. */
int scenario_from_str(const char *s);
/* One line describing the scenario. */
const char *scenario_describe(enum scenario s);
/* What the scenario teaches: what happens and what it means for the user
 * (a few sentences, for the picker). */
const char *scenario_teach(enum scenario s);
/* "good, expired, ..., mitm": every name, for messages. */
const char *scenario_names(void);

#endif
