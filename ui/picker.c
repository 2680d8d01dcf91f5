/* The lesson picker and scenario menu. */
#include "ui/picker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of the list visible on a screen of height h. */
static int list_rows(int h)
{
	return h - 9 > 1 ? h - 9 : 1;
}

/* Append an item (the array was sized by the caller). */
static struct pick_item *push(struct picker *p, enum pick_kind kind, const char *label,
			      const char *title, const char *desc)
{
	struct pick_item *it = &p->items[p->n++];

	memset(it, 0, sizeof *it);
	it->kind = kind;
	snprintf(it->label, sizeof it->label, "%s", label);
	it->title = title != NULL ? title : "";
	it->desc = desc != NULL ? desc : "";
	return it;
}

/* The protocols the menu offers: version and key exchange.  Against a
 * remote server the client offers what it asks for and the server picks:
 * those entries say so (remote_title, remote_desc; NULL: as for the
 * embedded server). */
static const struct {
	int tls13;
	int ecdhe;
	const char *label;
	const char *title;
	const char *desc;
	const char *remote_title;
	const char *remote_desc;
} protocols[] = {
	{0, 0, "TLS 1.2, RSA", "the client encrypts the pre-master secret to the server's key",
	 "RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256): whoever later gets the server's private "
	 "key can decrypt a recording of this exchange; no forward secrecy. Gone from TLS 1.3.",
	 "offers RSA; the server picks (httpsviz serve takes it)",
	 "TLS 1.2 offering RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256) among OpenSSL's default "
	 "suites: httpsviz serve takes RSA; a real server may not accept RSA (no forward secrecy) and "
	 "pick ECDHE. The status line shows the suite."},
	{0, 1, "TLS 1.2, ECDHE", "both sides make a fresh key pair; the server signs its share",
	 "ECDHE key exchange: the shared secret is never sent and the ephemeral keys are thrown away, so "
	 "a stolen server key cannot decrypt old recordings (forward secrecy).",
	 NULL,
	 "Only ECDHE suites offered: the shared secret is never sent, so a stolen server key cannot "
	 "decrypt old recordings (forward secrecy). A server without ECDHE refuses; the exchange's "
	 "error says so."},
	{1, 1, "TLS 1.3", "one round trip; everything after the ServerHello is encrypted",
	 "TLS 1.3: (EC)DHE always, the certificate travels encrypted, keys come from an HKDF key "
	 "schedule (RFC 8446).",
	 NULL,
	 "TLS 1.3 only: (EC)DHE always, the certificate travels encrypted, keys from an HKDF key "
	 "schedule (RFC 8446). A server without TLS 1.3 refuses; the exchange's error says so."},
};
#define NPROTOCOLS (sizeof protocols / sizeof protocols[0])

/* see picker.h */
int picker_build(struct picker *p, const struct lessondir_entry *list, size_t n)
{
	return picker_build_for(p, list, n, 0);
}

/* see picker.h */
int picker_build_for(struct picker *p, const struct lessondir_entry *list, size_t n, int where)
{
	size_t cap = n + 3 + 1 + NPROTOCOLS + 1 + SCEN__COUNT + 1;
	int remote = where == PICKER_REMOTE;

	memset(p, 0, sizeof *p);
	p->remote = where;
	p->items = calloc(cap, sizeof *p->items);
	if (p->items == NULL)
		return -1;
	p->sel = -1;
	if (n > 0)
		push(p, PICK_HEADING, "Lessons", "", "");
	for (size_t i = 0; i < n; i++) {
		struct pick_item *it = push(p, PICK_LESSON, list[i].name,
					    list[i].title[0] != '\0' ? list[i].title
								     : "(this lesson has errors: "
								       "httpsviz lesson check)",
					    list[i].description);

		it->lesson = i;
		if (p->sel < 0)
			p->sel = (int)(p->n - 1);
	}
	push(p, PICK_HEADING, "Free exploration", "", "");
	push(p, PICK_EXPLORE, "explore", "Step through the live exchange on your own",
	     "No lesson: reveal each message, go back, inspect every field and byte.");
	if (p->sel < 0)
		p->sel = (int)(p->n - 1);
	if (where == PICKER_REPLAY)
		return 0;
	push(p, PICK_HEADING, remote ? "Protocol (the server picks; scenarios need the embedded server)"
				     : "Protocol and key exchange (restart with one)",
	     "", "");
	for (size_t i = 0; i < NPROTOCOLS; i++) {
		struct pick_item *it;

		it = push(p, PICK_PROTOCOL, protocols[i].label,
			  remote && protocols[i].remote_title != NULL ? protocols[i].remote_title : protocols[i].title,
			  remote ? protocols[i].remote_desc : protocols[i].desc);
		it->tls13 = protocols[i].tls13;
		it->ecdhe = protocols[i].ecdhe;
	}
	if (remote)
		return 0;
	push(p, PICK_HEADING, "Scenarios: what goes wrong on the real web", "", "");
	for (int s = 0; s < SCEN__COUNT; s++) {
		struct pick_item *it = push(p, PICK_SCENARIO, scenario_str((enum scenario)s),
					    scenario_describe((enum scenario)s),
					    scenario_teach((enum scenario)s));

		it->scenario = (enum scenario)s;
	}
	{
		struct pick_item *it = push(p, PICK_SCENARIO, "mitm, attacker CA trusted",
					    "a rogue CA is in the client's trust store",
					    "The interceptor's certificate is accepted: the client derives "
					    "its keys with the interceptor, not the server, so the "
					    "interceptor reads the request in clear and re-encrypts it in a "
					    "second handshake of its own with the server. This is why "
					    "installing an unknown CA is dangerous.");

		it->scenario = SCEN_MITM;
		it->trust_attacker = 1;
	}
	return 0;
}

/* see picker.h */
void picker_free(struct picker *p)
{
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

/* see picker.h */
const struct pick_item *picker_selected(const struct picker *p)
{
	if (p->sel < 0 || (size_t)p->sel >= p->n || p->items[p->sel].kind == PICK_HEADING)
		return NULL;
	return &p->items[p->sel];
}

/* Move the selection by delta items, skipping headings, clamped. */
static void move(struct picker *p, int delta)
{
	int step = delta < 0 ? -1 : 1;
	int left = delta < 0 ? -delta : delta;
	int i = p->sel;

	while (left > 0) {
		int j = i + step;

		while (j >= 0 && (size_t)j < p->n && p->items[j].kind == PICK_HEADING)
			j += step;
		if (j < 0 || (size_t)j >= p->n)
			break;
		i = j;
		left--;
	}
	p->sel = i;
}

/* see picker.h */
enum pick_result picker_action(struct picker *p, enum action a)
{
	int old = p->sel;

	switch (a) {
	case ACT_UP:
		move(p, -1);
		break;
	case ACT_DOWN:
		move(p, 1);
		break;
	case ACT_PGUP:
		move(p, -10);
		break;
	case ACT_PGDN:
		move(p, 10);
		break;
	case ACT_HOME:
		move(p, -(int)p->n);
		break;
	case ACT_END:
		move(p, (int)p->n);
		break;
	case ACT_ENTER:
	case ACT_NEXT:
	case ACT_RIGHT:
		return picker_selected(p) != NULL ? PR_CHOSEN : PR_NONE;
	case ACT_ESC:
		return p->can_cancel ? PR_CANCEL : PR_NONE;
	case ACT_QUIT:
		return PR_QUIT;
	default:
		return PR_NONE;
	}
	return p->sel != old ? PR_REDRAW : PR_NONE;
}

/* see picker.h */
enum pick_result picker_digit(struct picker *p, int d)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].kind == PICK_LESSON && (int)p->items[i].lesson + 1 == d) {
			/* a numbered menu: the number starts the lesson */
			p->sel = (int)i;
			return PR_CHOSEN;
		}
	}
	return PR_NONE;
}

/* see picker.h */
enum pick_result picker_click(struct picker *p, int x, int y)
{
	int i = p->scroll + (y - p->list_y);

	(void)x;
	if (y < p->list_y || y >= p->list_y + p->list_rows || i < 0 || (size_t)i >= p->n ||
	    p->items[i].kind == PICK_HEADING)
		return PR_NONE;
	if (i == p->sel)
		return PR_CHOSEN;
	p->sel = i;
	return PR_REDRAW;
}

/* see picker.h */
void picker_draw(struct grid *g, struct picker *p)
{
	const struct pick_item *sel = picker_selected(p);
	int rows = list_rows(g->h);
	int y0 = 3;
	int nl = 0;
	int namew = 28;

	grid_clear(g);
	if (g->w < 40 || g->h < 12) {
		grid_wrap(g, 1, 0, g->w - 2, g->h, "please enlarge the terminal", CLS_DEFAULT,
			  GA_BOLD);
		return;
	}
	if (namew > g->w / 3)
		namew = g->w / 3;
	grid_fill(g, 0, 0, g->w, 1, ' ', CLS_TITLE, GA_REVERSE);
	grid_text(g, 1, 0, g->w - 2, "httpsviz: HTTPS, one real message at a time", CLS_TITLE,
		  GA_BOLD | GA_REVERSE);
	grid_text(g, 1, 1, g->w - 2,
		  p->remote == PICKER_REPLAY ? "Choose a lesson to follow over the recorded run, or free exploration."
		  : p->remote ? "Choose a lesson, free exploration or the protocol."
			    : "Choose a lesson, free exploration, the protocol or a scenario.",
		  CLS_DEFAULT, 0);
	if (p->note[0] != '\0') {
		nl = grid_wrap(g, 1, 2, g->w - 2, 3, p->note, CLS_ERROR, GA_BOLD);
		y0 += nl;
		rows -= nl;
		if (rows < 1)
			rows = 1;
	}
	p->list_y = y0;
	p->list_rows = rows;
	/* keep the selection in view, with its heading when it fits */
	if (p->sel - 1 < p->scroll)
		p->scroll = p->sel - 1;
	if (p->sel >= p->scroll + rows)
		p->scroll = p->sel - rows + 1;
	if (p->scroll < 0)
		p->scroll = 0;
	for (int r = 0; r < rows && (size_t)(p->scroll + r) < p->n; r++) {
		int i = p->scroll + r;
		const struct pick_item *it = &p->items[i];
		int y = y0 + r;
		int cur = (it->kind == PICK_SCENARIO && !p->remote && it->scenario == p->cur_scenario &&
			   it->trust_attacker == p->cur_trust) ||
			  (it->kind == PICK_PROTOCOL && it->tls13 == p->cur_tls13 &&
			   (it->tls13 || it->ecdhe == p->cur_ecdhe));

		if (it->kind == PICK_HEADING) {
			grid_text(g, 1, y, g->w - 2, it->label, CLS_PHASE, GA_BOLD);
			continue;
		}
		if (i == p->sel) {
			grid_fill(g, 2, y, g->w - 4, 1, ' ', CLS_TITLE, GA_REVERSE);
			grid_put(g, 2, y, grid_glyph(g, G_ARROW_RIGHT), CLS_TITLE, GA_REVERSE | GA_BOLD);
		}
		grid_text(g, 4, y, namew - 1, it->label, i == p->sel ? CLS_TITLE : CLS_DEFAULT,
			  GA_BOLD | (i == p->sel ? GA_REVERSE : 0));
		/* the mark has its own columns: it never covers the title */
		grid_text(g, 4 + namew, y, g->w - namew - 6 - (cur && p->can_cancel ? 11 : 0), it->title,
			  i == p->sel ? CLS_TITLE : CLS_DEFAULT, i == p->sel ? GA_REVERSE : 0);
		if (cur && p->can_cancel)
			grid_text(g, g->w - 12, y, 10, " (current)", CLS_DIM, 0);
	}
	/* entries out of view are announced, above and below the list */
	for (int end = 0; end < 2; end++) {
		int y = end ? y0 + rows - 1 : y0;

		if (end ? (size_t)(p->scroll + rows) >= p->n : p->scroll == 0)
			continue;
		grid_fill(g, g->w - 11, y, 10, 1, ' ', CLS_DEFAULT, 0);
		grid_text(g, g->w - 9, y, 8, end ? "v more" : "^ more", CLS_DIM, GA_BOLD);
	}
	if (sel != NULL)
		grid_wrap(g, 2, g->h - 5, g->w - 4, 3, sel->desc, CLS_DEFAULT, 0);
	grid_fill(g, 0, g->h - 1, g->w, 1, ' ', CLS_STATUS, GA_REVERSE);
	grid_text(g, 1, g->h - 1, g->w - 2,
		  p->can_cancel ? "Up/Down, wheel choose  Enter start (or a second click)  Esc back  q quit"
		  : p->note[0] != '\0' ? "Up/Down, wheel choose  Enter start (or a second click)  q quit"
					: "Up/Down, wheel choose  Enter start (or a second click)  1-9 start that lesson  q quit",
		  CLS_STATUS, GA_REVERSE);
}
