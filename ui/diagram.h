/* The sequence diagram as pure layout: which event goes on which row, the
 * shape and label of each, phase markers, scrolling, and drawing into a
 * grid.  Rows are computed from the revealed prefix of the event log. */
#ifndef HTTPSVIZ_DIAGRAM_H
#define HTTPSVIZ_DIAGRAM_H

#include <stddef.h>

#include "protocol/event.h"
#include "ui/grid.h"

/* How an event is drawn. */
enum shape {
	SHAPE_ARROW_C2S,     /* arrow from the client to the server */
	SHAPE_ARROW_S2C,     /* arrow from the server to the client */
	SHAPE_NOTE_CLIENT,   /* a note on the client's lifeline */
	SHAPE_NOTE_SERVER,   /* a note on the server's lifeline */
	SHAPE_NOTE_NETWORK,  /* a note in the middle (kernel, network) */
};

/* Phases of the exchange, in the order a TLS 1.2 exchange passes them. */
enum phase {
	PHASE_NONE = -1,     /* the event stays in the current phase */
	PHASE_TCP,
	PHASE_HELLO,
	PHASE_CERT,
	PHASE_KEX,
	PHASE_FINISHED,
	PHASE_DATA,
	PHASE_CLOSE,
	PHASE__COUNT
};

/* One row of the diagram: a phase marker, an event, or spacing. */
enum row_kind { ROW_PHASE, ROW_EVENT, ROW_SPACE, ROW_MORE };
struct drow {
	enum row_kind kind;
	size_t ev;           /* index into the log (ROW_EVENT, ROW_SPACE, ROW_MORE) */
	enum phase phase;    /* ROW_PHASE: the phase that starts */
	int part;            /* ROW_MORE: which line of a wrapped note (1..) */
};

struct rect {
	int x, y, w, h;
};

struct diagram {
	struct drow *rows;
	size_t n, cap;
	int mitm;            /* an interceptor takes part: three lifelines */
	struct rect wrap;    /* w > 0: notes too long for their row in a
			      * diagram drawn into this rect wrap onto more
			      * rows (ROW_MORE) instead of being cut */
	int ascii;           /* labels for an ASCII screen (with wrap) */
};

/* Layers the filter (f) can hide. */
#define DIAGRAM_HIDE_TCP 1u      /* TCP segments and the kernel's notes */
#define DIAGRAM_HIDE_CHECKS 2u   /* the certificate checks (cert.*) */
#define DIAGRAM_HIDE_KEYS 4u     /* the key derivations and checks (kex.*) */

/* Drawing options. */
struct diagram_opts {
	int projector;       /* bold labels, a blank row between events */
	int selected;        /* selected event index, or -1 */
	int scroll;          /* first row shown */
	int focused;         /* the diagram has the keyboard focus */
	const char *query;   /* rows matching this search are marked, or NULL */
};

enum shape diagram_shape(const struct event *ev);
/* Whether any event of the log is sent or received by the interceptor. */
int diagram_has_mitm(const struct evlog *log);
/* The lifelines an event joins: *from sends, *to receives (equal for a
 * note).  Each is ACTOR_CLIENT, ACTOR_SERVER, ACTOR_MITM (only when mitm is
 * set), or ACTOR_KERNEL for a note in the network column.  Kernel events
 * name no sender: a segment towards the server comes from the client, one
 * towards the client from the interceptor when there is one. */
void diagram_ends(const struct event *ev, int mitm, enum actor *from, enum actor *to);
/* The phase an event belongs to (PHASE_NONE: it stays in the current one). */
enum phase diagram_phase(enum evname name);
/* "TCP handshake", "hello", ... */
const char *phase_str(enum phase p);
/* Colour class of an event: by layer, red for errors, alerts other than
 * close_notify, failed certificate checks and failed recomputations. */
int diagram_class(const struct event *ev);
/* The text on an arrow or note, e.g. "ClientHello", "[encrypted] GET /",
 * "[encrypted] Certificate" (TLS 1.3) or "\u2713 hostname: localhost
 * matches" (a check leads with its outcome: ok / FAIL when ascii). */
void diagram_label(const struct event *ev, char *buf, size_t len, int ascii);

/* Lay out rows for the first revealed events of log (three lifelines when
 * any event of the whole log involves the interceptor, so the picture does
 * not jump when it first acts).  Returns 0, -1 when
 * out of memory. */
int diagram_build(struct diagram *d, const struct evlog *log, size_t revealed,
		  int projector);
/* Whether the filter hide (DIAGRAM_HIDE_* bits) hides ev. */
int diagram_hidden(const struct event *ev, unsigned hide);
/* diagram_build() without the events the filter hides, except event keep
 * (the selected one always shows; -1 for none). */
int diagram_build_filtered(struct diagram *d, const struct evlog *log, size_t revealed,
			   int projector, unsigned hide, long keep);
void diagram_free(struct diagram *d);
/* The row of an event, or -1 when not laid out. */
int diagram_row_of(const struct diagram *d, size_t ev);
/* The event at a row, or -1 (phase markers and out of range). */
long diagram_event_at(const struct diagram *d, int row);
/* The scroll (first row shown) that keeps row visible in height rows,
 * starting from the current scroll; clamped to the rows there are.  A phase
 * marker right above the row is kept visible with it when it fits. */
int diagram_scroll_to(const struct diagram *d, int scroll, int row, int height);
/* Rows available for the diagram body in a region of height h. */
int diagram_body_height(const struct rect *r);

/* Whether ev's whole label fits on its row in a diagram drawn into r (with
 * the interceptor's lifeline when mitm): when not, the row shows it cut. */
int diagram_label_fits(const struct rect *r, const struct event *ev, int mitm, int ascii);
/* The narrowest width (at least 24, at most max) at which every event row
 * of d shows its whole label. */
int diagram_width_needed(const struct evlog *log, const struct diagram *d, int ascii, int max);

/* Draw the header (Client / network / Server) and the visible rows. */
void diagram_draw(struct grid *g, const struct rect *r, const struct evlog *log,
		  const struct diagram *d, const struct diagram_opts *o);

#endif
