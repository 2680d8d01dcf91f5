/* libFuzzer target: the grid's text-to-cell path (grid_text, grid_wrap) on
 * a peer's text, measured with wcwidth in a UTF-8 locale as in the TUI.
 * Its promises: nothing is written outside the box it was given, a wide
 * character always has its right half next to it (never half of one), the
 * columns reported are the columns used, and wrapped lines fit. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* see libFuzzer */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_CTYPE, "C.UTF-8");
	return 0;
}

/* Abort when a cell outside [x0, x0 + w) x [y0, y0 + h) is not blank, or
 * the wide-character halves do not pair up. */
static void check(const struct grid *g, int x0, int y0, int w, int h)
{
	for (int y = 0; y < g->h; y++) {
		for (int x = 0; x < g->w; x++) {
			const struct cell *c = &g->cells[y * g->w + x];
			int inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;

			if (!inside && (c->ch != ' ' || c->width != 1))
				abort();
			if (c->width == 2 && (x + 1 >= g->w || g->cells[y * g->w + x + 1].width != 0))
				abort();
			if (c->width == 0 && (x == 0 || g->cells[y * g->w + x - 1].width != 2))
				abort();
			if (c->width > 2)
				abort();
		}
	}
}

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct grid g;
	char *text;
	int maxw, x, ascii, used, lines;

	if (size < 3)
		return 0;
	maxw = data[0] % 40;
	x = data[1] % 8;
	ascii = data[2] & 1;
	text = malloc(size - 2);
	if (text == NULL)
		return 0;
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';
	if (grid_init(&g, 48, 12, ascii) < 0) {
		free(text);
		return 0;
	}
	used = grid_text(&g, x, 1, maxw, text, CLS_DEFAULT, 0);
	if (used < 0 || used > maxw)
		abort();
	check(&g, x, 1, maxw, 1);
	if (grid_text_width(text) <= maxw && used != grid_text_width(text))
		abort();
	/* overwrite part of it: halves are blanked, never left alone */
	grid_text(&g, x + 1, 1, maxw / 2, text + strlen(text) / 2, CLS_DEFAULT, 0);
	check(&g, x, 1, maxw + 1, 1);
	grid_clear(&g);
	lines = grid_wrap(&g, x, 2, maxw, 8, text, CLS_DEFAULT, 0);
	if (lines < 0 || lines > 8)
		abort();
	check(&g, x, 2, maxw, lines);
	grid_free(&g);
	free(text);
	return 0;
}
