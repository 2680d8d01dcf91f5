/* serve's class view as a pure model: one row per learner, the totals, a
 * selection; composed into a grid (app/classtui.c paints it and opens the
 * selected learner's exchange in the diagram view). */
#ifndef HTTPSVIZ_CLASSVIEW_H
#define HTTPSVIZ_CLASSVIEW_H

#include <stddef.h>

#include "protocol/event.h"
#include "ui/grid.h"
#include "ui/view.h"

/* Where a learner's latest exchange is. */
enum seat { SEAT_WAITING, SEAT_ACTIVE, SEAT_OK, SEAT_FAILED, SEAT_REFUSED };

struct class_row {
	char addr[48];     /* the learner's address */
	int exchanges;     /* exchanges started */
	int ok, failed, refused;
	int active;        /* exchanges running now */
	int cur;           /* number of the latest exchange (0: none yet) */
	enum seat seat;    /* of the latest exchange */
	enum evname last;  /* its last event, when nevents > 0 */
	char step[48];     /* that event's diagram label ("ClientKeyExchange") */
	char why[160];     /* failed: why; ok: version and cipher; waiting/refused: why */
	size_t nevents;
	struct evlog log;  /* the latest exchange's events (copies) */
};

struct class_totals {
	int max_clients;   /* learners served at once */
	int limited;       /* the teacher set it (--max-clients) */
	int active, waiting, served, ok, failed, refused;
	int learners;
};

/* What the header says about the server. */
struct classview_info {
	const char *listen;   /* "0.0.0.0:8443" */
	const char *names;    /* the certificate's names, "DNS:x,IP:y,..." */
	const char *ca_out;
	const char *tls;      /* "TLS 1.2 and 1.3" */
	int port;
	int loopback_only;    /* only this machine can reach the server */
	const char *learner_addr; /* the address to tell learners ("192.0.2.2") */
};

struct classview {
	int sel;           /* selected row, -1 none */
	int scroll;        /* first row shown */
	int help;          /* the help line is expanded */
	int body_h;        /* rows the last draw had room for */
};

void classview_init(struct classview *cv);
/* Apply a list action (up, down, page, home, end); VF_REDRAW when it moved. */
unsigned classview_action(struct classview *cv, size_t nrows, enum action a);
/* The learner's status as words ("ok", "FAILED: ...", "waiting for a place"). */
const char *classview_seat_str(enum seat s);
/* Compose the class view into g. */
void classview_draw(struct grid *g, struct classview *cv, const struct class_row *rows, size_t n,
		    const struct class_totals *t, const struct classview_info *info);

#endif
