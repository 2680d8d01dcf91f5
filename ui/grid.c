/* The off-screen grid: pure layout primitives, no terminal. */
#include "ui/grid.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "protocol/sanitize.h"

/* UTF-8 and ASCII forms of each glyph, indexed by enum glyph. */
static const uint32_t glyph_utf8[] = {
	[G_HLINE] = 0x2500, [G_VLINE] = 0x2502, [G_ARROW_RIGHT] = 0x25B6,
	[G_ARROW_LEFT] = 0x25C0, [G_DOTTED_V] = 0x250A, [G_DOTTED_H] = 0x2504,
	[G_TL] = 0x250C, [G_TR] = 0x2510, [G_BL] = 0x2514, [G_BR] = 0x2518,
	[G_ELLIPSIS] = 0x2026, [G_BULLET] = 0x25A0, [G_SEP] = 0x2502,
	[G_CHECK] = 0x2713, [G_CROSS] = 0x2717, [G_TEE] = 0x251C, [G_ELBOW] = 0x2514,
	[G_TEE_LEFT] = 0x2524,
};
static const uint32_t glyph_ascii[] = {
	[G_HLINE] = '-', [G_VLINE] = '|', [G_ARROW_RIGHT] = '>',
	[G_ARROW_LEFT] = '<', [G_DOTTED_V] = ':', [G_DOTTED_H] = '.',
	[G_TL] = '+', [G_TR] = '+', [G_BL] = '+', [G_BR] = '+',
	[G_ELLIPSIS] = '~', [G_BULLET] = '#', [G_SEP] = '|',
	[G_CHECK] = '+', [G_CROSS] = 'X', [G_TEE] = '|', [G_ELBOW] = '`',
	[G_TEE_LEFT] = '|',
};

/* see grid.h */
int grid_init(struct grid *g, int w, int h, int ascii)
{
	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	g->ascii = ascii;
	g->cells = calloc((size_t)g->w * (size_t)g->h + 1, sizeof *g->cells);
	if (g->cells == NULL) {
		g->w = g->h = 0;
		return -1;
	}
	grid_clear(g);
	return 0;
}

/* see grid.h */
void grid_free(struct grid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

/* see grid.h */
void grid_clear(struct grid *g)
{
	for (int i = 0; i < g->w * g->h; i++) {
		g->cells[i] = (struct cell){.ch = ' ', .width = 1, .cls = CLS_DEFAULT};
	}
}

/* see grid.h */
struct cell *grid_at(struct grid *g, int x, int y)
{
	if (g == NULL || x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->cells[y * g->w + x];
}

/* see grid.h */
uint32_t grid_glyph(const struct grid *g, enum glyph gl)
{
	return g->ascii ? glyph_ascii[gl] : glyph_utf8[gl];
}

/* see grid.h */
int grid_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	if (cp < 0x7f)
		return 1;
	return wcwidth((wchar_t)cp);
}

/* Before (x, y) is written: a wide character that has a half there loses
 * both halves (a half of one cannot be shown). */
static void break_wide(struct grid *g, int x, int y)
{
	struct cell *c = grid_at(g, x, y);
	struct cell *o;

	if (c == NULL)
		return;
	if (c->width == 0 && (o = grid_at(g, x - 1, y)) != NULL && o->width == 2) {
		o->ch = ' ';
		o->comb = 0;
		o->width = 1;
	}
	if (c->width == 2 && (o = grid_at(g, x + 1, y)) != NULL && o->width == 0) {
		o->ch = ' ';
		o->width = 1;
	}
}

static void set_cell(struct grid *g, int x, int y, uint32_t ch, int width, int cls, unsigned attr)
{
	struct cell *c = grid_at(g, x, y);

	if (c == NULL)
		return;
	break_wide(g, x, y);
	c->ch = ch;
	c->comb = 0;
	c->width = (uint8_t)width;
	c->cls = (uint8_t)cls;
	c->attr = (uint8_t)attr;
}

/* see grid.h */
void grid_put(struct grid *g, int x, int y, uint32_t ch, int cls, unsigned attr)
{
	if (grid_cp_width(ch) != 1 || (g->ascii && ch > 0x7e))
		ch = '?';
	set_cell(g, x, y, ch, 1, cls, attr);
}

/* A wide character at (x, y): both cells, or '?' when only one is left. */
static void put_wide(struct grid *g, int x, int y, uint32_t ch, int cls, unsigned attr)
{
	if (grid_at(g, x + 1, y) == NULL) {
		set_cell(g, x, y, '?', 1, cls, attr);
		return;
	}
	break_wide(g, x + 1, y);
	set_cell(g, x, y, ch, 2, cls, attr);
	g->cells[y * g->w + x + 1] = (struct cell){.ch = 0, .width = 0, .cls = (uint8_t)cls, .attr = (uint8_t)attr};
}

/* see grid.h */
void grid_fill(struct grid *g, int x, int y, int w, int h, uint32_t ch, int cls,
	       unsigned attr)
{
	for (int j = 0; j < h; j++)
		for (int i = 0; i < w; i++)
			grid_put(g, x + i, y + j, ch, cls, attr);
}

/* see grid.h */
void grid_paint(struct grid *g, int x, int y, int w, int cls, unsigned attr)
{
	for (int i = 0; i < w; i++) {
		struct cell *c = grid_at(g, x + i, y);

		if (c != NULL) {
			c->cls = (uint8_t)cls;
			c->attr = (uint8_t)attr;
		}
	}
}

/* Decode one code point at s (n bytes left); sets *used.  Bytes that are
 * not a safe UTF-8 sequence decode as '?' one byte at a time. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *used)
{
	size_t len;
	uint32_t cp;

	if (n > 0 && s[0] < 0x80) {
		*used = 1;
		return s[0] >= 0x20 && s[0] < 0x7f ? s[0] : '?';
	}
	len = sanitize_utf8_len(s, n);
	if (len == 0) {
		*used = 1;
		return '?';
	}
	*used = len;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Columns of a decoded code point in text: '?' (unprintable) is one. */
static int text_cp_width(uint32_t cp)
{
	int w = grid_cp_width(cp);

	return w < 0 ? 1 : w;
}

/* see grid.h */
int grid_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int w = 0;

	while (n > 0) {
		size_t used;

		w += text_cp_width(decode(p, n, &used));
		p += used;
		n -= used;
	}
	return w;
}

/* see grid.h */
int grid_text(struct grid *g, int x, int y, int maxw, const char *s, int cls,
	      unsigned attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int col = 0;
	/* columns still to come: trailing zero-width marks are not "more" */
	int left = grid_text_width(s);

	if (maxw <= 0)
		return 0;
	/* a zero-width mark after the last column still joins its character */
	while (n > 0) {
		size_t used;
		uint32_t cp = decode(p, n, &used);
		int w = grid_cp_width(cp);

		if (w < 0)
			cp = '?', w = 1;
		if (w == 0) {
			/* a combining mark joins the character before it (one is
			 * kept); in ASCII, or with nothing before it, it is left out */
			struct cell *c = col > 0 ? grid_at(g, x + col - 1, y) : NULL;

			if (c != NULL && c->width == 0)
				c = grid_at(g, x + col - 2, y);
			if (c != NULL && !g->ascii && c->comb == 0 && c->ch > ' ')
				c->comb = cp;
			p += used;
			n -= used;
			continue;
		}
		if (col >= maxw)
			break;
		/* the last column shows that the text goes on (or that a wide
		 * character did not fit) */
		left -= w;
		if ((col + w > maxw - 1 && left > 0) || col + w > maxw) {
			grid_put(g, x + col, y, grid_glyph(g, G_ELLIPSIS), cls, attr);
			return col + 1;
		}
		if (g->ascii && cp > 0x7e) {
			for (int k = 0; k < w; k++)
				grid_put(g, x + col + k, y, '?', cls, attr);
		} else if (w == 2) {
			put_wide(g, x + col, y, cp, cls, attr);
		} else {
			grid_put(g, x + col, y, cp, cls, attr);
		}
		p += used;
		n -= used;
		col += w;
	}
	return col;
}

/* see grid.h */
size_t grid_wrap_prefix(const char *s, int w, size_t *skip)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), off = 0, last_space = 0;
	int col = 0;

	*skip = 0;
	while (off < n && col < w) {
		size_t used;
		int cw;

		if (p[off] == '\n') {
			*skip = 1;
			return off;
		}
		cw = text_cp_width(decode(p + off, n - off, &used));
		if (col + cw > w)
			break; /* a wide character goes to the next line whole */
		if (p[off] == ' ')
			last_space = off;
		off += used;
		col += cw;
	}
	if (off >= n)
		return off;
	if (p[off] == ' ' || p[off] == '\n') {
		*skip = 1;
		return off;
	}
	if (last_space > 0) {
		*skip = 1;
		return last_space;
	}
	return off;
}

/* see grid.h */
int grid_wrap(struct grid *g, int x, int y, int w, int maxlines, const char *s,
	      int cls, unsigned attr)
{
	int lines = 0;
	char buf[1024];

	if (w <= 0)
		return 0;
	while (*s != '\0' && lines < maxlines) {
		size_t skip;
		size_t len = grid_wrap_prefix(s, w, &skip);

		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (g != NULL) {
			int written = grid_text(g, x, y + lines, w, buf, cls, attr);

			/* the last allowed line shows that text was cut */
			if (lines == maxlines - 1 && s[len + skip] != '\0' && written > 0)
				grid_put(g, x + (written < w ? written : w - 1), y + lines,
					 grid_glyph(g, G_ELLIPSIS), cls, attr);
		}
		s += len + skip;
		lines++;
	}
	return lines;
}

/* see grid.h */
void grid_box(struct grid *g, int x, int y, int w, int h, int cls)
{
	if (w < 2 || h < 2)
		return;
	grid_fill(g, x + 1, y, w - 2, 1, grid_glyph(g, G_HLINE), cls, 0);
	grid_fill(g, x + 1, y + h - 1, w - 2, 1, grid_glyph(g, G_HLINE), cls, 0);
	grid_fill(g, x, y + 1, 1, h - 2, grid_glyph(g, G_VLINE), cls, 0);
	grid_fill(g, x + w - 1, y + 1, 1, h - 2, grid_glyph(g, G_VLINE), cls, 0);
	grid_put(g, x, y, grid_glyph(g, G_TL), cls, 0);
	grid_put(g, x + w - 1, y, grid_glyph(g, G_TR), cls, 0);
	grid_put(g, x, y + h - 1, grid_glyph(g, G_BL), cls, 0);
	grid_put(g, x + w - 1, y + h - 1, grid_glyph(g, G_BR), cls, 0);
}

/* see grid.h */
size_t grid_utf8_encode(uint32_t cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* see grid.h */
size_t grid_row_utf8(const struct grid *g, int y, char *buf, size_t len)
{
	size_t off = 0, keep = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (y < 0 || y >= g->h)
		return 0;
	for (int x = 0; x < g->w; x++) {
		const struct cell *c = &g->cells[y * g->w + x];
		char tmp[8];
		size_t n;

		if (c->width == 0)
			continue; /* the right half of a wide character */
		n = grid_utf8_encode(c->ch, tmp);
		if (c->comb != 0)
			n += grid_utf8_encode(c->comb, tmp + n);
		if (off + n + 1 > len)
			break;
		memcpy(buf + off, tmp, n);
		off += n;
		if (c->ch != ' ')
			keep = off;
	}
	buf[keep] = '\0';
	return keep;
}
