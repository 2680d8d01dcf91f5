/* see screen.h */
#include "app/screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* see screen.h */
void screen_colors(struct screen_style *s, int no_color)
{
	static const short fg[CLS__COUNT] = {
		[CLS_DEFAULT] = -1, [CLS_DIM] = -1, [CLS_TCP] = COLOR_CYAN,
		[CLS_TLS] = COLOR_BLUE, [CLS_CERT] = COLOR_MAGENTA,
		[CLS_KEX] = COLOR_YELLOW, [CLS_DATA] = COLOR_GREEN,
		[CLS_ERROR] = COLOR_RED, [CLS_PHASE] = COLOR_YELLOW,
		[CLS_STATUS] = -1, [CLS_HILITE] = COLOR_YELLOW, [CLS_TITLE] = -1,
	};
	const char *env = getenv("NO_COLOR");

	memset(s->pairs, 0, sizeof s->pairs);
	s->color = !no_color && (env == NULL || env[0] == '\0') && has_colors();
	if (!s->color)
		return;
	start_color();
	use_default_colors();
	for (int c = 1; c < CLS__COUNT; c++) {
		/* a blue label on a dark classroom screen is unreadable */
		short f = (s->projector && fg[c] == COLOR_BLUE) ? COLOR_WHITE : fg[c];

		if (fg[c] != -1 && init_pair((short)c, f, -1) == OK)
			s->pairs[c] = (short)c;
	}
}

/* The curses attributes for a cell. */
static attr_t cell_attr(const struct screen_style *s, const struct cell *c)
{
	attr_t a = A_NORMAL;

	if (c->attr & GA_BOLD)
		a |= A_BOLD;
	if (c->attr & GA_REVERSE)
		a |= A_REVERSE;
	if (c->attr & GA_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->cls == CLS_DIM && !s->projector)
		a |= A_DIM;
	if (s->projector && c->cls != CLS_DIM && c->cls != CLS_DEFAULT)
		a |= A_BOLD;
	if (!s->color) {
		/* monochrome: errors and phases must still stand out */
		if (c->cls == CLS_ERROR)
			a |= A_BOLD | A_UNDERLINE;
		if (c->cls == CLS_PHASE || c->cls == CLS_TITLE)
			a |= A_BOLD;
	}
	return a;
}

/* see screen.h */
void screen_paint(const struct screen_style *s, const struct grid *g)
{
	for (int y = 0; y < g->h; y++) {
		for (int x = 0; x < g->w; x++) {
			const struct cell *c = &g->cells[y * g->w + x];
			wchar_t wc[3] = {(wchar_t)c->ch, (wchar_t)c->comb, 0};
			cchar_t cc;

			/* the right half of a wide character: curses drew it
			 * with the left half */
			if (c->width == 0)
				continue;
			if (s->ascii && c->ch > 0x7e)
				wc[0] = '?', wc[1] = 0;
			setcchar(&cc, wc, cell_attr(s, c), s->pairs[c->cls], NULL);
			mvadd_wch(y, x, &cc);
		}
	}
	refresh();
}

/* see screen.h */
int screen_fit(const struct screen_style *s, struct grid *g)
{
	if (g->cells != NULL && g->w == COLS && g->h == LINES)
		return 0;
	grid_free(g);
	if (grid_init(g, COLS, LINES, s->ascii) < 0)
		return -1;
	clearok(stdscr, TRUE);
	return 0;
}
