/* Finding events in the diagram: `/` looks for text in an event's name,
 * its diagram label, its summary and its fields' names and values; n and N
 * move from match to match.  Only the events shown (revealed) and not
 * hidden by the layer filter are searched. */
#ifndef HTTPSVIZ_SEARCH_H
#define HTTPSVIZ_SEARCH_H

#include <stddef.h>

#include "protocol/event.h"

/* Whether ev matches q (case-insensitive substring; "" matches nothing). */
int search_matches(const struct event *ev, const char *q);
/* The next match after event from (dir 1) or before it (dir -1) among
 * log->ev[0 .. revealed) not hidden by the diagram filter hide, wrapping
 * around; from may be -1 (then the first, or the last, match).  Returns
 * its index, or -1 when nothing matches. */
long search_find(const struct evlog *log, size_t revealed, unsigned hide, long from, int dir,
		 const char *q);
/* How many of those events match; *rank (when not NULL) gets the 1-based
 * position of event at among them, 0 when it is not a match. */
size_t search_count(const struct evlog *log, size_t revealed, unsigned hide, long at, const char *q,
		    size_t *rank);

#endif
