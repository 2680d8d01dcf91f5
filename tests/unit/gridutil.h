/* Reading a drawn grid back as text, for the unit tests of the ui/ layer. */
#ifndef HTTPSVIZ_GRIDUTIL_H
#define HTTPSVIZ_GRIDUTIL_H

#include <locale.h>
#include <string.h>

#include "ui/grid.h"

/* The grid measures text with wcwidth(), as the TUI does in a UTF-8
 * locale: the tests run in one. */
__attribute__((constructor)) static void gridutil_utf8_locale(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

/* The first grid row that contains text, or -1. */
static inline int find_row(const struct grid *g, const char *text)
{
	char buf[2048];

	for (int y = 0; y < g->h; y++) {
		grid_row_utf8(g, y, buf, sizeof buf);
		if (strstr(buf, text) != NULL)
			return y;
	}
	return -1;
}

/* Whether any row of the grid contains text. */
static inline int screen_has(const struct grid *g, const char *text)
{
	return find_row(g, text) >= 0;
}

#endif
