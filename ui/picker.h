/* The lesson picker and scenario menu as a pure model: the lessons found,
 * a "Free exploration" entry and the certificate scenarios, a selection
 * moved by keys, and drawing into a grid.  `httpsviz` with no arguments
 * opens it first; in the TUI the menu key opens it again. */
#ifndef HTTPSVIZ_PICKER_H
#define HTTPSVIZ_PICKER_H

#include <stddef.h>

#include "lessons/lessondir.h"
#include "protocol/scenario.h"
#include "ui/grid.h"
#include "ui/view.h"

enum pick_kind {
	PICK_HEADING,        /* a section title, never selected */
	PICK_LESSON,         /* start lesson number .lesson of the list */
	PICK_EXPLORE,        /* free exploration, no lesson */
	PICK_SCENARIO,       /* restart with .scenario (and .trust_attacker) */
	PICK_PROTOCOL,       /* restart with this version and key exchange */
};

struct pick_item {
	enum pick_kind kind;
	size_t lesson;       /* PICK_LESSON: index into the lessondir list */
	enum scenario scenario;
	int trust_attacker;  /* mitm with the attacker CA trusted */
	int tls13;           /* PICK_PROTOCOL: TLS 1.3 (else TLS 1.2 ...) */
	int ecdhe;           /* ... with ECDHE (else RSA) key exchange */
	char label[64];      /* the name column (sanitised by the grid) */
	const char *title;   /* borrowed: from the lesson list or a constant */
	const char *desc;
};

/* What a key did to the picker. */
enum pick_result { PR_NONE, PR_REDRAW, PR_CHOSEN, PR_CANCEL, PR_QUIT };

struct picker {
	struct pick_item *items;
	size_t n;
	int sel;             /* index of the selected item */
	int scroll;          /* first list row shown */
	int can_cancel;      /* opened from the TUI: Esc goes back to it */
	enum scenario cur_scenario;  /* marked as the current one */
	int cur_trust;
	int list_y, list_rows;       /* where the last draw put the list */
	char note[512];      /* shown above the list when not "" (e.g. where
			      * lessons were looked for when none was found) */
	int cur_tls13;               /* the current protocol, marked too */
	int cur_ecdhe;
	int remote;                  /* PICKER_REMOTE or PICKER_REPLAY: fewer entries */
};

/* Build the menu from the lessons found (list may be NULL when n is 0; its
 * strings are borrowed and must outlive the picker).  The first lesson is
 * selected, or free exploration when there is none.  0, or -1 when out of
 * memory. */
int picker_build(struct picker *p, const struct lessondir_entry *list, size_t n);
/* What the menu is for: the embedded server (everything), a remote server
 * (the three protocols, each saying what the client offers and that the
 * server picks; no certificate scenarios, which need the embedded server),
 * or a replay (lessons and exploration only: the recorded run cannot
 * change). */
enum { PICKER_LOCAL, PICKER_REMOTE, PICKER_REPLAY };
int picker_build_for(struct picker *p, const struct lessondir_entry *list, size_t n, int where);
void picker_free(struct picker *p);
/* Apply a view action (ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME,
 * ACT_END, ACT_ENTER, ACT_ESC, ACT_QUIT).  PR_CHOSEN: the selected item
 * (picker_selected) was chosen. */
enum pick_result picker_action(struct picker *p, enum action a);
/* A digit key: selects lesson number d (1-based in the list) and chooses
 * it (PR_CHOSEN); PR_NONE when there is no such lesson. */
enum pick_result picker_digit(struct picker *p, int d);
/* A mouse click at screen cell (x, y): selects the item under it
 * (PR_REDRAW), or chooses it when it was selected already (PR_CHOSEN, a
 * second click); PR_NONE elsewhere. */
enum pick_result picker_click(struct picker *p, int x, int y);
/* The selected item, or NULL. */
const struct pick_item *picker_selected(const struct picker *p);
/* Draw the whole screen into g. */
void picker_draw(struct grid *g, struct picker *p);

#endif
