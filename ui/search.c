/* Finding events by text. */
#include "ui/search.h"

#include <string.h>

#include "ui/diagram.h"

/* Whether s contains q, ignoring case. */
static int has(const char *s, const char *q)
{
	return s != NULL && strcasestr(s, q) != NULL;
}

/* see search.h */
int search_matches(const struct event *ev, const char *q)
{
	char label[200];

	if (q == NULL || q[0] == '\0')
		return 0;
	diagram_label(ev, label, sizeof label, 0);
	if (has(evname_str(ev->name), q) || has(evname_label(ev->name), q) || has(label, q) ||
	    has(ev->summary, q))
		return 1;
	for (size_t i = 0; i < ev->nfields; i++)
		if (has(ev->fields[i].name, q) || has(ev->fields[i].value, q))
			return 1;
	return 0;
}

/* Whether event i is a candidate: shown and not filtered out. */
static int candidate(const struct evlog *log, size_t i, unsigned hide, const char *q)
{
	return !diagram_hidden(log->ev[i], hide) && search_matches(log->ev[i], q);
}

/* see search.h */
long search_find(const struct evlog *log, size_t revealed, unsigned hide, long from, int dir,
		 const char *q)
{
	long n;

	if (revealed > log->n)
		revealed = log->n;
	n = (long)revealed;
	if (n == 0)
		return -1;
	if (from < 0 || from >= n)
		from = dir > 0 ? n - 1 : 0;
	for (long k = 1; k <= n; k++) {
		long i = ((from + dir * k) % n + n) % n;

		if (candidate(log, (size_t)i, hide, q))
			return i;
	}
	return -1;
}

/* see search.h */
size_t search_count(const struct evlog *log, size_t revealed, unsigned hide, long at, const char *q,
		    size_t *rank)
{
	size_t count = 0;

	if (rank != NULL)
		*rank = 0;
	for (size_t i = 0; i < revealed && i < log->n; i++) {
		if (!candidate(log, i, hide, q))
			continue;
		count++;
		if (rank != NULL && (long)i == at)
			*rank = count;
	}
	return count;
}
