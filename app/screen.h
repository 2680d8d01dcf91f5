/* Painting a grid (ui/grid.h) on the terminal with curses: the colour pairs
 * per class, the attributes that keep the classes apart without colour or
 * on a projector, wide characters and combining marks.  Shared by the
 * diagram's TUI (app/tui.c) and serve's class view (app/classtui.c). */
#ifndef HTTPSVIZ_SCREEN_H
#define HTTPSVIZ_SCREEN_H

#include "ui/grid.h"

struct screen_style {
	int ascii;                /* draw only ASCII */
	int projector;            /* the classroom's high-contrast look */
	int color;                /* set by screen_colors() */
	short pairs[CLS__COUNT];  /* set by screen_colors() */
};

/* Set up the colour pairs (none with no_color, NO_COLOR in the
 * environment, or a terminal without colours). */
void screen_colors(struct screen_style *s, int no_color);
/* Copy the grid to the screen; curses sends only what changed. */
void screen_paint(const struct screen_style *s, const struct grid *g);
/* Size the grid to the terminal (start, KEY_RESIZE); 0, or -1 out of memory. */
int screen_fit(const struct screen_style *s, struct grid *g);

#endif
