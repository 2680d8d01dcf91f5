/* The catalogue of the fields each event carries, as the decoders emit
 * them, for checking lessons: a `highlight FIELD` or an `{event:field}`
 * that no run can fill is an error, with a "did you mean" suggestion.
 * The table (lessons/fieldcat.inc) is generated from real exchanges by
 * `make catalogue` (httpsviz lesson catalogue --c) and checked current by
 * the tests, as is the catalogue in lessons/FORMAT.md. */
#ifndef HTTPSVIZ_FIELDCAT_H
#define HTTPSVIZ_FIELDCAT_H

#include <stddef.h>

/* The event's fields as one space-separated list ("" when the catalogue
 * knows none: an event no generated run logs). */
const char *fieldcat_fields(int evname);
/* Whether event evname may carry a field called name. */
int fieldcat_has(int evname, const char *name);
/* The field of evname closest to name (a typo, another case, a close
 * word), written into buf; 0, or -1 when none is close enough. */
int fieldcat_suggest(int evname, const char *name, char *buf, size_t len);

#endif
