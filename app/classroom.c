#include "app/classroom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/sanitize.h"

/* see classroom.h */
void classroom_init(struct classroom *c, int max_clients, int limited)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	c->t.max_clients = max_clients;
	c->t.limited = limited;
}

/* see classroom.h */
void classroom_free(struct classroom *c)
{
	for (size_t i = 0; i < c->n; i++)
		evlog_clear(&c->rows[i].log);
	free(c->rows);
	pthread_mutex_destroy(&c->mu);
	memset(c, 0, sizeof *c);
}

/* see classroom.h */
size_t classroom_row(struct classroom *c, const char *addr)
{
	size_t i;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].addr, addr) == 0)
			goto out;
	if (c->rows == NULL)
		c->rows = calloc(CLASSROOM_MAX_ROWS, sizeof *c->rows);
	if (c->rows == NULL || c->n == CLASSROOM_MAX_ROWS) {
		/* no memory for rows: row_at() finds none and nothing is shown */
		i = c->n > 0 ? c->n - 1 : 0;
		goto out;
	}
	i = c->n++;
	snprintf(c->rows[i].addr, sizeof c->rows[i].addr, "%s", addr);
	evlog_init(&c->rows[i].log);
	c->t.learners = (int)c->n;
	c->gen++;
out:
	pthread_mutex_unlock(&c->mu);
	return i;
}

/* The row, or NULL when no row could be made. */
static struct class_row *row_at(struct classroom *c, size_t row)
{
	return row < c->n ? &c->rows[row] : NULL;
}

/* see classroom.h */
void classroom_wait(struct classroom *c, size_t row, int id)
{
	struct class_row *r;

	pthread_mutex_lock(&c->mu);
	c->t.waiting++;
	r = row_at(c, row);
	if (r != NULL && (r->active == 0 || id > r->cur)) {
		r->cur = id;
		r->seat = SEAT_WAITING;
		snprintf(r->why, sizeof r->why, "waiting for a place: %d learners served at once (--max-clients)",
			 c->t.max_clients);
		r->step[0] = '\0';
		r->nevents = 0;
		evlog_clear(&r->log);
	}
	c->gen++;
	pthread_mutex_unlock(&c->mu);
}

/* see classroom.h */
void classroom_begin(struct classroom *c, size_t row, int id, int waited)
{
	struct class_row *r;

	pthread_mutex_lock(&c->mu);
	if (waited)
		c->t.waiting--;
	c->t.active++;
	c->t.served++;
	r = row_at(c, row);
	if (r != NULL) {
		r->exchanges++;
		r->active++;
		if (id >= r->cur) {
			r->cur = id;
			r->seat = SEAT_ACTIVE;
			r->why[0] = '\0';
			r->step[0] = '\0';
			r->nevents = 0;
			evlog_clear(&r->log);
		}
	}
	c->gen++;
	pthread_mutex_unlock(&c->mu);
}

/* see classroom.h */
void classroom_publish(struct classroom *c, size_t row, int id, const struct evlog *log, size_t from)
{
	struct class_row *r;

	if (from >= log->n)
		return;
	pthread_mutex_lock(&c->mu);
	r = row_at(c, row);
	if (r != NULL && r->cur == id) {
		evlog_append_copies(&r->log, log, from);
		r->nevents = r->log.n;
		r->last = log->ev[log->n - 1]->name;
		snprintf(r->step, sizeof r->step, "%s", evname_label(r->last));
		c->gen++;
	}
	pthread_mutex_unlock(&c->mu);
}

/* see classroom.h */
void classroom_end(struct classroom *c, size_t row, int id, int ok, const char *why)
{
	struct class_row *r;

	pthread_mutex_lock(&c->mu);
	c->t.active--;
	if (ok)
		c->t.ok++;
	else
		c->t.failed++;
	r = row_at(c, row);
	if (r != NULL) {
		r->active--;
		if (ok)
			r->ok++;
		else
			r->failed++;
		if (r->cur == id) {
			r->seat = ok ? SEAT_OK : SEAT_FAILED;
			snprintf(r->why, sizeof r->why, "%s", why);
		}
	}
	c->gen++;
	pthread_mutex_unlock(&c->mu);
}

/* see classroom.h */
void classroom_refuse(struct classroom *c, size_t row, int id, const char *why)
{
	struct class_row *r;

	pthread_mutex_lock(&c->mu);
	c->t.waiting--;
	c->t.refused++;
	r = row_at(c, row);
	if (r != NULL) {
		r->refused++;
		if (r->cur == id) {
			r->seat = SEAT_REFUSED;
			snprintf(r->why, sizeof r->why, "%s", why);
		}
	}
	c->gen++;
	pthread_mutex_unlock(&c->mu);
}

/* see classroom.h */
size_t classroom_snapshot(struct classroom *c, struct class_row **rows, struct class_totals *t, unsigned *gen)
{
	size_t n;

	pthread_mutex_lock(&c->mu);
	n = c->n;
	*rows = n > 0 ? malloc(n * sizeof **rows) : NULL;
	if (*rows == NULL)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		(*rows)[i] = c->rows[i];
		memset(&(*rows)[i].log, 0, sizeof (*rows)[i].log);
	}
	*t = c->t;
	if (gen != NULL)
		*gen = c->gen;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* see classroom.h */
int classroom_copy_log(struct classroom *c, size_t row, struct evlog *dst, int *cur)
{
	struct class_row *r;
	int changed = 0;

	pthread_mutex_lock(&c->mu);
	r = row_at(c, row);
	if (r != NULL) {
		if (*cur != r->cur) {
			evlog_clear(dst);
			*cur = r->cur;
			changed = 1;
		}
		if (dst->n < r->log.n)
			evlog_append_copies(dst, &r->log, dst->n);
	}
	pthread_mutex_unlock(&c->mu);
	return changed;
}
