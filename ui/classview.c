#include "ui/classview.h"

#include <stdio.h>
#include <string.h>

/* Columns of the learners' table. */
#define COL_ADDR 2
#define W_ADDR 24
#define W_EXCH 6
#define W_STEP 22

/* see classview.h */
void classview_init(struct classview *cv)
{
	memset(cv, 0, sizeof *cv);
	cv->sel = -1;
}

/* see classview.h */
const char *classview_seat_str(enum seat s)
{
	switch (s) {
	case SEAT_WAITING:
		return "waiting for a place";
	case SEAT_ACTIVE:
		return "in progress";
	case SEAT_OK:
		return "ok";
	case SEAT_FAILED:
		return "FAILED";
	case SEAT_REFUSED:
		return "refused";
	}
	return "?";
}

/* see classview.h */
unsigned classview_action(struct classview *cv, size_t nrows, enum action a)
{
	int page = cv->body_h > 1 ? cv->body_h - 1 : 1;
	int last = (int)nrows - 1;
	int sel = cv->sel < 0 ? 0 : cv->sel;

	if (nrows == 0)
		return 0;
	switch (a) {
	case ACT_UP:
		sel--;
		break;
	case ACT_DOWN:
		sel = cv->sel < 0 ? 0 : sel + 1;
		break;
	case ACT_PGUP:
		sel -= page;
		break;
	case ACT_PGDN:
		sel += page;
		break;
	case ACT_HOME:
		sel = 0;
		break;
	case ACT_END:
		sel = last;
		break;
	case ACT_HELP:
		cv->help = !cv->help;
		return VF_REDRAW;
	default:
		return 0;
	}
	sel = sel < 0 ? 0 : sel > last ? last : sel;
	if (sel == cv->sel)
		return 0;
	cv->sel = sel;
	return VF_REDRAW;
}

/* The places line: how many are taken, waiting, done. */
static void places_line(char *buf, size_t n, const struct class_totals *t)
{
	char waiting[64] = "";

	if (t->waiting > 0)
		snprintf(waiting, sizeof waiting, "; %d waiting for a place", t->waiting);
	if (t->limited)
		snprintf(buf, n, "Places: %d of %d taken (--max-clients %d)%s%s", t->active, t->max_clients,
			 t->max_clients, t->active >= t->max_clients ? ", the class is full" : "", waiting);
	else
		snprintf(buf, n, "Learners served now: %d (at most %d at once)%s", t->active, t->max_clients,
			 waiting);
}

/* The class of a row's status text. */
static int seat_cls(enum seat s)
{
	switch (s) {
	case SEAT_OK:
		return CLS_DATA;
	case SEAT_FAILED:
		return CLS_ERROR;
	case SEAT_WAITING:
	case SEAT_REFUSED:
		return CLS_PHASE;
	case SEAT_ACTIVE:
		return CLS_TLS;
	}
	return CLS_DEFAULT;
}

/* The status words of a row, in full. */
static void status_text(const struct class_row *r, char *status, size_t n)
{
	if (r->seat == SEAT_ACTIVE)
		snprintf(status, n, "in progress (%zu events)%s", r->nevents, r->active > 1 ? " and more at once" : "");
	else if (r->seat == SEAT_OK)
		snprintf(status, n, "ok %s", r->why);
	else if (r->seat == SEAT_FAILED)
		snprintf(status, n, "FAILED: %s", r->why);
	else
		snprintf(status, n, "%s", r->why[0] ? r->why : classview_seat_str(r->seat));
}

/* One learner's row at line y. */
static void draw_row(struct grid *g, int y, const struct class_row *r, int selected)
{
	char exch[32];
	char status[256];
	int x = COL_ADDR;
	unsigned attr = selected ? GA_REVERSE : 0;

	if (selected)
		grid_fill(g, 0, y, g->w, 1, ' ', CLS_DEFAULT, GA_REVERSE);
	grid_text(g, 0, y, 2, selected ? ">" : " ", CLS_DEFAULT, attr | GA_BOLD);
	grid_text(g, x, y, W_ADDR - 1, r->addr, CLS_DEFAULT, attr | GA_BOLD);
	x += W_ADDR;
	snprintf(exch, sizeof exch, "%d", r->exchanges + (r->seat == SEAT_WAITING || r->seat == SEAT_REFUSED));
	grid_text(g, x, y, W_EXCH - 1, exch, CLS_DEFAULT, attr);
	x += W_EXCH;
	grid_text(g, x, y, W_STEP - 1, r->nevents > 0 ? r->step : "-", r->nevents > 0 ? CLS_TLS : CLS_DIM, attr);
	x += W_STEP;
	status_text(r, status, sizeof status);
	grid_text(g, x, y, g->w - x - 1, status, seat_cls(r->seat), attr | (r->seat == SEAT_FAILED ? GA_BOLD : 0));
}

/* see classview.h */
void classview_draw(struct grid *g, struct classview *cv, const struct class_row *rows, size_t n,
		    const struct class_totals *t, const struct classview_info *info)
{
	char line[1024];
	int y = 0;
	int foot;
	int body;

	grid_clear(g);
	if (VIEW_TOO_SMALL(g->w, g->h)) {
		grid_wrap(g, 0, 0, g->w, g->h, "The class view needs at least 80x24: enlarge the terminal (q quits "
			  "and stops the server).", CLS_ERROR, GA_BOLD);
		return;
	}
	snprintf(line, sizeof line, "httpsviz serve: class view  |  HTTPS on %s  |  %s", info->listen, info->tls);
	grid_fill(g, 0, y, g->w, 1, ' ', CLS_TITLE, GA_REVERSE);
	grid_text(g, 1, y++, g->w - 2, line, CLS_TITLE, GA_REVERSE | GA_BOLD);
	if (info->loopback_only)
		snprintf(line, sizeof line, "Listening on loopback only: for learners on other machines, restart "
			 "with --listen 0.0.0.0:%d", info->port);
	else
		snprintf(line, sizeof line, "Learners: httpsviz connect %s:%d --cafile %s  (or curl --cacert %s)",
			 info->learner_addr, info->port, info->ca_out, info->ca_out);
	grid_text(g, 1, y++, g->w - 2, line, info->loopback_only ? CLS_PHASE : CLS_DEFAULT, 0);
	/* ", " between the names, so the list wraps between them */
	{
		size_t o = (size_t)snprintf(line, sizeof line, "Certificate names: DNS:localhost, IP:127.0.0.1");

		for (const char *p = info->names; *p != '\0' && o + 3 < sizeof line; p++) {
			if (p == info->names || *p == ',') {
				line[o++] = ',';
				line[o++] = ' ';
				if (*p == ',')
					continue;
			}
			line[o++] = *p;
		}
		line[o] = '\0';
	}
	y += grid_wrap(g, 1, y, g->w - 2, 2, line, CLS_DIM, 0);
	places_line(line, sizeof line, t);
	grid_text(g, 1, y++, g->w - 2, line, t->limited && t->active >= t->max_clients ? CLS_PHASE : CLS_DEFAULT,
		  GA_BOLD);
	snprintf(line, sizeof line, "Exchanges: %d served, %d complete, %d failed, %d refused (class full); %d learners",
		 t->served, t->ok, t->failed, t->refused, t->learners);
	grid_text(g, 1, y++, g->w - 2, line, CLS_DEFAULT, 0);
	y++;
	grid_text(g, COL_ADDR, y, W_ADDR - 1, "Learner", CLS_TITLE, GA_UNDERLINE | GA_BOLD);
	grid_text(g, COL_ADDR + W_ADDR, y, W_EXCH - 1, "Exch", CLS_TITLE, GA_UNDERLINE | GA_BOLD);
	grid_text(g, COL_ADDR + W_ADDR + W_EXCH, y, W_STEP - 1, "Step reached", CLS_TITLE, GA_UNDERLINE | GA_BOLD);
	grid_text(g, COL_ADDR + W_ADDR + W_EXCH + W_STEP, y, g->w - 1, "Status", CLS_TITLE, GA_UNDERLINE | GA_BOLD);
	y++;
	foot = g->h - 1;
	/* the selected learner's status in full, above the key line */
	if (cv->sel >= 0 && cv->sel < (int)n) {
		const struct class_row *r = &rows[cv->sel];
		char status[256];

		status_text(r, status, sizeof status);
		snprintf(line, sizeof line, "%s, exchange #%d (%d ok, %d failed, %d refused): %s", r->addr, r->cur,
			 r->ok, r->failed, r->refused, status);
		foot -= 2;
		grid_fill(g, 0, foot, g->w, 2, ' ', CLS_DEFAULT, 0);
		grid_wrap(g, 1, foot, g->w - 2, 2, line, seat_cls(r->seat), 0);
		foot += 2;
		body = foot - 2 - y;
	} else {
		body = foot - y;
	}
	cv->body_h = body;
	if (n == 0) {
		grid_wrap(g, 2, y + 1, g->w - 4, 3,
			  "No learner yet. Each learner who connects gets a row: the step their exchange has reached, "
			  "whether it worked, and why not.",
			  CLS_DIM, 0);
	}
	if (cv->sel >= (int)n)
		cv->sel = (int)n - 1;
	if (cv->sel >= 0 && cv->sel < cv->scroll)
		cv->scroll = cv->sel;
	if (cv->sel >= cv->scroll + body)
		cv->scroll = cv->sel - body + 1;
	if (cv->scroll > 0 && cv->scroll > (int)n - body)
		cv->scroll = (int)n - body > 0 ? (int)n - body : 0;
	for (int i = 0; i < body && cv->scroll + i < (int)n; i++)
		draw_row(g, y + i, &rows[cv->scroll + i], cv->scroll + i == cv->sel);
	if (cv->scroll > 0)
		grid_text(g, g->w - 8, y - 1, 7, "^ more", CLS_DIM, 0);
	if (cv->scroll + body < (int)n)
		grid_text(g, g->w - 8, foot - 1, 7, "v more", CLS_DIM, 0);
	grid_fill(g, 0, foot, g->w, 1, ' ', CLS_STATUS, GA_REVERSE);
	grid_text(g, 1, foot, g->w - 2,
		  cv->help ? "Up/Down choose a learner  Enter: their exchange's diagram (q back)  "
			     "q quits and stops the server  ? less"
			   : "Up/Down learner  Enter diagram  q quit (stops the server)  ? help",
		  CLS_STATUS, GA_REVERSE);
}
