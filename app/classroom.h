/* The class as serve's teacher sees it: one row per learner (a client
 * address) with its latest exchange, and the totals.  The exchange threads
 * update it, the class view reads it; every function takes the lock, and
 * readers get copies, never pointers into it. */
#ifndef HTTPSVIZ_CLASSROOM_H
#define HTTPSVIZ_CLASSROOM_H

#include <pthread.h>
#include <stddef.h>

#include "protocol/event.h"
#include "ui/classview.h"

/* Rows kept at most (learners beyond share the last row). */
#define CLASSROOM_MAX_ROWS 512

struct classroom {
	pthread_mutex_t mu;
	struct class_row *rows;
	size_t n;
	struct class_totals t;
	unsigned gen;      /* bumped on every change */
};

/* limited: the teacher set max_clients (--max-clients). */
void classroom_init(struct classroom *c, int max_clients, int limited);
void classroom_free(struct classroom *c);
/* The row of the learner at addr (made on first sight). */
size_t classroom_row(struct classroom *c, const char *addr);
/* Learner row waits for a place (exchange number id). */
void classroom_wait(struct classroom *c, size_t row, int id);
/* Exchange id of learner row starts (after waiting or at once). */
void classroom_begin(struct classroom *c, size_t row, int id, int waited);
/* After a step: copy log's events [from, n) to the row (when id is still
 * its latest exchange). */
void classroom_publish(struct classroom *c, size_t row, int id, const struct evlog *log, size_t from);
/* Exchange id ended; why says how (the reason, or version and cipher). */
void classroom_end(struct classroom *c, size_t row, int id, int ok, const char *why);
/* The waiting exchange id was refused (the class stayed full). */
void classroom_refuse(struct classroom *c, size_t row, int id, const char *why);
/* Copies of the rows' summaries (logs left out: log.n is 0) and the totals;
 * *rows is malloc'd (free it), returns the number of rows. */
size_t classroom_snapshot(struct classroom *c, struct class_row **rows, struct class_totals *t, unsigned *gen);
/* Bring dst up to date with row's latest exchange: when that is no longer
 * exchange *cur, dst is emptied and *cur set (returns 1); then the events
 * dst lacks are copied.  Returns 0 when dst only grew. */
int classroom_copy_log(struct classroom *c, size_t row, struct evlog *dst, int *cur);

#endif
