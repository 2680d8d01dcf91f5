/* A plain off-screen grid of cells: the UI lays out into it with pure
 * functions (tested by cmocka without a terminal) and the ncurses layer only
 * paints it.  Text written through grid_text() is decoded and measured with
 * the C library's wcwidth(), the width ncurses and the terminal use: a wide
 * character (CJK, most emoji) takes two cells, the second marked as its
 * continuation; a zero-width one (a combining accent) joins the cell before
 * it; anything unprintable becomes '?'.  So a peer's text never spills into
 * the next column or row, and nothing written here can act on a terminal.
 * The widths follow LC_CTYPE: outside a UTF-8 locale every non-ASCII code
 * point is unprintable (the TUI then draws in ASCII anyway). */
#ifndef HTTPSVIZ_GRID_H
#define HTTPSVIZ_GRID_H

#include <stddef.h>
#include <stdint.h>

/* Colour classes: the painter maps each to a colour pair (or to plain
 * attributes on a monochrome terminal or with NO_COLOR). */
enum cls {
	CLS_DEFAULT,
	CLS_DIM,      /* lifelines, the network column, frames */
	CLS_TCP,
	CLS_TLS,      /* TLS handshake messages */
	CLS_CERT,
	CLS_KEX,
	CLS_DATA,     /* encrypted application data, HTTP */
	CLS_ERROR,    /* errors, alerts, failed checks */
	CLS_PHASE,    /* phase markers */
	CLS_STATUS,   /* the status line */
	CLS_HILITE,   /* bytes of the selected field in the hex dump */
	CLS_TITLE,
	CLS__COUNT
};

/* Attribute bits of a cell. */
#define GA_BOLD 1u
#define GA_REVERSE 2u
#define GA_UNDERLINE 4u

struct cell {
	uint32_t ch;   /* a code point; 0 in the right half of a wide one */
	uint32_t comb; /* a zero-width code point drawn with ch, or 0 */
	uint8_t width; /* 1, 2 (ch is wide: the next cell is its right half), or
			* 0 (this cell is the right half of the one before) */
	uint8_t cls;   /* enum cls */
	uint8_t attr;  /* GA_* bits */
};

struct grid {
	int w, h;
	int ascii;     /* draw ASCII only: box drawing and arrows fall back */
	struct cell *cells;
};

/* Named glyphs, drawn as box-drawing characters or their ASCII fallback. */
enum glyph {
	G_HLINE, G_VLINE, G_ARROW_RIGHT, G_ARROW_LEFT, G_DOTTED_V, G_DOTTED_H,
	G_TL, G_TR, G_BL, G_BR, G_ELLIPSIS, G_BULLET, G_SEP,
	G_CHECK, G_CROSS, G_TEE, G_ELBOW, G_TEE_LEFT
};

/* Allocate a w x h grid of blanks; returns 0, or -1 when out of memory. */
int grid_init(struct grid *g, int w, int h, int ascii);
/* Release the cells. */
void grid_free(struct grid *g);
/* Reset every cell to a blank of the default class. */
void grid_clear(struct grid *g);
/* The cell at (x, y), or NULL outside the grid. */
struct cell *grid_at(struct grid *g, int x, int y);
/* The code point for a glyph in this grid's mode. */
uint32_t grid_glyph(const struct grid *g, enum glyph gl);
/* Columns a code point takes on the terminal (wcwidth): 0, 1 or 2, or -1
 * when it is not printable. */
int grid_cp_width(uint32_t cp);
/* Put one code point of width one (clipped to the grid; unprintable, wide
 * or zero-width ones become '?').  A wide character it overwrites half of
 * is replaced by blanks. */
void grid_put(struct grid *g, int x, int y, uint32_t ch, int cls, unsigned attr);
/* Fill a rectangle with one code point. */
void grid_fill(struct grid *g, int x, int y, int w, int h, uint32_t ch, int cls,
	       unsigned attr);
/* Set class and attributes of a run of cells, keeping their characters. */
void grid_paint(struct grid *g, int x, int y, int w, int cls, unsigned attr);
/* Write UTF-8 text from (x, y), at most maxw columns; when it does not fit
 * the last column shows an ellipsis.  Returns the columns written. */
int grid_text(struct grid *g, int x, int y, int maxw, const char *s, int cls,
	      unsigned attr);
/* Columns the text would take (grid_cp_width of each code point; '?' for
 * an unprintable one counts one). */
int grid_text_width(const char *s);
/* Word-wrap text into w columns from line y, at most maxlines lines; returns
 * the lines used.  With g NULL only counts. */
int grid_wrap(struct grid *g, int x, int y, int w, int maxlines, const char *s,
	      int cls, unsigned attr);
/* Byte length of the first line of s when wrapped at w columns (it ends at
 * a space or a line break when the text must be broken; *skip: the bytes
 * of that space or break to skip before the next line). */
size_t grid_wrap_prefix(const char *s, int w, size_t *skip);
/* Draw a frame (its inside is left alone). */
void grid_box(struct grid *g, int x, int y, int w, int h, int cls);
/* Row y as UTF-8 text with trailing blanks removed (for tests and dumps).
 * Returns the length written (always NUL-terminated when len > 0). */
size_t grid_row_utf8(const struct grid *g, int y, char *buf, size_t len);
/* Append the UTF-8 encoding of cp to buf (at most 4 bytes); returns bytes. */
size_t grid_utf8_encode(uint32_t cp, char *buf);

#endif
