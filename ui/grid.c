/* The off-screen grid: pure layout primitives, no terminal. */
#include "ui/grid.h"

#include <stdlib.h>
#include <string.h>

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
		g->cells[i].ch = ' ';
		g->cells[i].cls = CLS_DEFAULT;
		g->cells[i].attr = 0;
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

/* Whether a code point takes exactly one column; combining marks, zero-width
 * and wide (East Asian, emoji) characters do not, and would shift the grid. */
static int one_column(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f000 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 0;
	return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/* see grid.h */
void grid_put(struct grid *g, int x, int y, uint32_t ch, int cls, unsigned attr)
{
	struct cell *c = grid_at(g, x, y);

	if (c == NULL)
		return;
	if (!one_column(ch) || (g->ascii && ch > 0x7e))
		ch = '?';
	c->ch = ch;
	c->cls = (uint8_t)cls;
	c->attr = (uint8_t)attr;
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

/* see grid.h */
int grid_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int w = 0;

	while (n > 0) {
		size_t used;

		decode(p, n, &used);
		p += used;
		n -= used;
		w++;
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

	if (maxw <= 0)
		return 0;
	while (n > 0 && col < maxw) {
		size_t used;
		uint32_t cp = decode(p, n, &used);

		if (col == maxw - 1 && n > used) {
			grid_put(g, x + col, y, grid_glyph(g, G_ELLIPSIS), cls, attr);
			return col + 1;
		}
		grid_put(g, x + col, y, cp, cls, attr);
		p += used;
		n -= used;
		col++;
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

		if (p[off] == '\n') {
			*skip = 1;
			return off;
		}
		decode(p + off, n - off, &used);
		if (p[off] == ' ')
			last_space = off;
		off += used;
		col++;
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
		char tmp[4];
		size_t n = grid_utf8_encode(g->cells[y * g->w + x].ch, tmp);

		if (off + n + 1 > len)
			break;
		memcpy(buf + off, tmp, n);
		off += n;
		if (g->cells[y * g->w + x].ch != ' ')
			keep = off;
	}
	buf[keep] = '\0';
	return keep;
}
