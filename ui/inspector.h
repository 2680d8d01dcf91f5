/* The inspector: one event's decoded fields as a tree, its raw bytes as a
 * hex dump with the selected field's bytes highlighted, and a plain-language
 * explanation.  Pure layout into a grid. */
#ifndef HTTPSVIZ_INSPECTOR_H
#define HTTPSVIZ_INSPECTOR_H

#include <stddef.h>

#include "protocol/event.h"
#include "ui/diagram.h"
#include "ui/grid.h"

struct inspector_opts {
	int field;           /* selected field index, or -1 */
	int focused;         /* the inspector has the keyboard focus */
	int show_hex;        /* draw the hex dump */
	int rewound;         /* no event shown, but flights were performed */
	long cursor;         /* the hex dump's byte cursor, -1 none */
	struct inspector_hex *hex_out;  /* where the dump was drawn (may be NULL) */
};

/* Where the last draw put the hex dump, for mapping a click to a byte. */
struct inspector_hex {
	struct rect r;       /* w == 0: no dump drawn */
	size_t first;        /* first line shown */
	int bpl;             /* bytes per line */
	size_t len;          /* bytes in the dump */
};

/* The byte under screen cell (x, y) of a dump drawn at h (its hex digits
 * or its character), or -1. */
long inspector_byte_at(const struct inspector_hex *h, int x, int y);

/* The field that holds byte i of ev's raw bytes: the deepest (most
 * precise) one whose range covers it, -1 when none does. */
int inspector_field_at(const struct event *ev, size_t i);

/* Bytes per hex dump line that fit in w columns (a multiple of 4, >= 4):
 * "0000  " then "xx " per byte, a space, then one character per byte. */
int inspector_bytes_per_line(int w);
/* Whether byte i of the event's raw bytes belongs to field f (f < 0 or a
 * field of length 0: none). */
int inspector_byte_selected(const struct event *ev, int f, size_t i);
/* Index of the last field in f's subtree (f itself when it has no children). */
int inspector_subtree_end(const struct event *ev, int f);
/* Draw a hex dump of raw from line first (of bpl bytes each) into r, with
 * bytes [hl_off, hl_off+hl_len) highlighted.  Returns the lines drawn. */
int inspector_hexdump(struct grid *g, const struct rect *r, const uint8_t *raw,
		      size_t len, size_t first, size_t hl_off, size_t hl_len);
/* The same with a byte cursor at byte cursor (-1: none), drawn underlined
 * and bold over whatever highlight it has. */
int inspector_hexdump_cursor(struct grid *g, const struct rect *r, const uint8_t *raw, size_t len,
			     size_t first, size_t hl_off, size_t hl_len, long cursor);
/* The first hex dump line to show so that the highlighted range starts in
 * view (lines: how many fit). */
size_t inspector_hex_first(size_t hl_off, size_t hl_len, int bpl, int lines);
/* The first field row to show so that field f (and as much of its subtree
 * as fits) is visible in rows rows. */
int inspector_field_scroll(const struct event *ev, int f, int rows);
/* Lines the derivation tree of ev takes (its fields with roles, the kex.*
 * events: a header, then inputs, function, output and the comparisons with
 * OpenSSL, a mismatch with both values), 0 when it has none. */
int inspector_derivation_lines(const struct event *ev);
/* Draw that tree at (x, y) in at most max lines of width w; returns the
 * lines drawn. */
int inspector_draw_derivation(struct grid *g, int x, int y, int w, int max, const struct event *ev);
/* Draw the inspector for ev (NULL: a hint to step) into r. */
void inspector_draw(struct grid *g, const struct rect *r, const struct event *ev,
		    const struct inspector_opts *o);

#endif
