/* The sequence diagram: pure layout into a grid. */
#include "ui/diagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

static const char *const phase_names[PHASE__COUNT] = {
	[PHASE_TCP] = "TCP handshake", [PHASE_HELLO] = "hello",
	[PHASE_CERT] = "certificate", [PHASE_KEX] = "key exchange",
	[PHASE_FINISHED] = "finished", [PHASE_DATA] = "data",
	[PHASE_CLOSE] = "close",
};

/* see diagram.h */
const char *phase_str(enum phase p)
{
	if (p < 0 || p >= PHASE__COUNT)
		return "";
	return phase_names[p];
}

/* see diagram.h */
enum phase diagram_phase(enum evname name)
{
	switch (name) {
	case EV_TCP_SYN: case EV_TCP_SYN_ACK: case EV_TCP_ACK: case EV_TCP_CONNECTED:
		return PHASE_TCP;
	case EV_TLS_CLIENT_HELLO: case EV_TLS_SERVER_HELLO:
	case EV_TLS_ENCRYPTED_EXTENSIONS:
		return PHASE_HELLO;
	case EV_TLS_CERTIFICATE: case EV_TLS_CERTIFICATE_REQUEST:
	case EV_TLS_CERTIFICATE_VERIFY: case EV_CERT_KEY: case EV_CERT_CHAIN: case EV_CERT_SIGNATURE:
	case EV_CERT_VALIDITY: case EV_CERT_HOSTNAME: case EV_CERT_REVOCATION: case EV_CERT_VERDICT:
		return PHASE_CERT;
	case EV_TLS_SERVER_KEY_EXCHANGE: case EV_TLS_CLIENT_KEY_EXCHANGE:
		return PHASE_KEX;
	case EV_TLS_CHANGE_CIPHER_SPEC: case EV_TLS_FINISHED:
	case EV_TLS_NEW_SESSION_TICKET: case EV_TLS_HANDSHAKE_DONE:
		return PHASE_FINISHED;
	case EV_TLS_APPLICATION_DATA: case EV_TLS_RECORDS_SUMMARY:
	case EV_HTTP_REQUEST: case EV_HTTP_RESPONSE:
		return PHASE_DATA;
	case EV_TLS_ALERT: case EV_TCP_FIN:
		return PHASE_CLOSE;
	default:
		/* ServerHelloDone, the keys and their checks (kex.*: in TLS 1.3
		 * the key exchange rides in the hellos, and the checks are made
		 * when the secrets are known), key updates, errors: part of the
		 * phase they happen in */
		return PHASE_NONE;
	}
}

/* see diagram.h */
enum shape diagram_shape(const struct event *ev)
{
	if (ev->dir == DIR_C2S)
		return SHAPE_ARROW_C2S;
	if (ev->dir == DIR_S2C)
		return SHAPE_ARROW_S2C;
	switch (ev->actor) {
	case ACTOR_CLIENT:
		return SHAPE_NOTE_CLIENT;
	case ACTOR_SERVER:
		return SHAPE_NOTE_SERVER;
	default:
		return SHAPE_NOTE_NETWORK;
	}
}

/* Whether an actor has a lifeline of its own. */
static int is_party(enum actor a, int mitm)
{
	return a == ACTOR_CLIENT || a == ACTOR_SERVER || (mitm && a == ACTOR_MITM);
}

/* see diagram.h */
int diagram_has_mitm(const struct evlog *log)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i]->actor == ACTOR_MITM || log->ev[i]->peer == ACTOR_MITM)
			return 1;
	return 0;
}

/* see diagram.h */
void diagram_ends(const struct event *ev, int mitm, enum actor *from, enum actor *to)
{
	enum actor f = ev->actor;
	enum actor t = ev->peer;

	if (ev->dir == DIR_LOCAL) {
		f = is_party(f, mitm) ? f : ACTOR_KERNEL;
		*from = *to = f;
		return;
	}
	if (!mitm) {
		/* two lifelines: the direction says it all */
		*from = ev->dir == DIR_C2S ? ACTOR_CLIENT : ACTOR_SERVER;
		*to = ev->dir == DIR_C2S ? ACTOR_SERVER : ACTOR_CLIENT;
		return;
	}
	if (!is_party(f, mitm))
		f = ev->dir == DIR_C2S ? ACTOR_CLIENT : t == ACTOR_CLIENT ? ACTOR_MITM : ACTOR_SERVER;
	if (!is_party(t, mitm) || t == f)
		t = ev->dir == DIR_C2S ? ACTOR_SERVER : ACTOR_CLIENT;
	if (t == f)
		t = f == ACTOR_CLIENT ? ACTOR_MITM : ACTOR_CLIENT;
	*from = f;
	*to = t;
}

/* see diagram.h */
int diagram_class(const struct event *ev)
{
	enum layer l = evname_layer(ev->name);

	if (event_failed(ev))
		return CLS_ERROR;
	if (ev->name == EV_TLS_ALERT)
		return event_is_close_notify(ev) ? CLS_TLS : CLS_ERROR;
	if (ev->name == EV_TLS_APPLICATION_DATA || ev->name == EV_TLS_RECORDS_SUMMARY || l == LAYER_HTTP ||
	    ev->name == EV_KEX_RECORD_DECRYPT)
		return CLS_DATA;
	switch (l) {
	case LAYER_TCP:
		return CLS_TCP;
	case LAYER_CERT:
		return CLS_CERT;
	case LAYER_KEX:
		return CLS_KEX;
	default:
		return CLS_TLS;
	}
}

/* see diagram.h */
void diagram_label(const struct event *ev, char *buf, size_t len, int ascii)
{
	const char *label = evname_label(ev->name);
	const char *sum = ev->summary != NULL ? ev->summary : "";
	/* the record that carried it was encrypted */
	int enc = ev->wire == WIRE_ENCRYPTED;
	const char *mark = "";
	enum shape sh = diagram_shape(ev);
	enum layer l = evname_layer(ev->name);

	if (len == 0)
		return;
	if (ev->name == EV_TLS_RECORDS_SUMMARY) {
		const struct field *n = event_find_field(ev, "records");

		snprintf(buf, len, "[encrypted] %s more records", n != NULL && n->value != NULL ? n->value : "?");
		return;
	}
	if (ev->name == EV_TLS_APPLICATION_DATA) {
		/* the arrow shows the request or response line it carries
		 * when this side wrote it, else the record's own words */
		if (ev->http.line != NULL)
			snprintf(buf, len, "[encrypted] %s", ev->http.line);
		else if (ev->raw_len > 0)
			snprintf(buf, len, "[encrypted] %s, %zu-byte record", label, ev->raw_len);
		else
			snprintf(buf, len, "[encrypted] %s", label);
		return;
	}
	/* a captured segment: its numbers, not its flags again ("SYN-ACK
	 * seq=... ack=..."); the window and options are in the inspector */
	if (l == LAYER_TCP && ev->tcp.captured) {
		if (ev->tcp.flags & TCP_FLAG_ACK)
			snprintf(buf, len, "%s seq=%" PRIu32 " ack=%" PRIu32, label, ev->tcp.seq, ev->tcp.ack);
		else
			snprintf(buf, len, "%s seq=%" PRIu32, label, ev->tcp.seq);
		return;
	}
	/* a check or comparison leads with its outcome: a tick or a cross
	 * (ok / FAIL in ASCII), which the colour repeats; an alert sent in
	 * an encrypted record says so first */
	if (ev->app_only && ev->result == RESULT_PASS)
		mark = ascii ? "(ok) " : "(\u2713) "; /* httpsviz's alone: OpenSSL stopped before */
	else if (ev->app_only && ev->result == RESULT_FAIL)
		mark = ascii ? "(FAIL) " : "(\u2717) ";
	else if (ev->result == RESULT_PASS || ev->verified == 1)
		mark = ascii ? "ok " : "\u2713 ";
	else if (ev->result == RESULT_FAIL || ev->verified == 0)
		mark = ascii ? "FAIL " : "\u2717 ";
	else if (enc && ev->name == EV_TLS_ALERT)
		mark = "[encrypted] ";
	/* handshake arrows say what they are, and whether the record that
	 * carried them was encrypted; the inspector has the detail */
	if (sum[0] == '\0' || (l == LAYER_TLS && ev->name != EV_TLS_ALERT &&
			       sh != SHAPE_NOTE_CLIENT && sh != SHAPE_NOTE_SERVER)) {
		snprintf(buf, len, "%s%s%s", mark, enc ? "[encrypted] " : "", label);
		return;
	}
	/* a note, and an alert, say what happened in their summary's own
	 * words, which name the event ("chain: ...", "Alert fatal ...");
	 * any other arrow (a TCP step the socket told of) leads with its
	 * name.  The label is chosen by the event's kind, never by reading
	 * its text. */
	if ((sh == SHAPE_ARROW_C2S || sh == SHAPE_ARROW_S2C) && ev->name != EV_TLS_ALERT)
		snprintf(buf, len, "%s%s: %s", mark, label, sum);
	else
		snprintf(buf, len, "%s%s", mark, sum);
}

/* Append one row, growing the array. */
static int push_row(struct diagram *d, enum row_kind kind, size_t ev, enum phase p)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct drow *rows = realloc(d->rows, cap * sizeof *rows);

		if (rows == NULL)
			return -1;
		d->rows = rows;
		d->cap = cap;
	}
	d->rows[d->n].kind = kind;
	d->rows[d->n].ev = ev;
	d->rows[d->n].phase = p;
	d->n++;
	return 0;
}

/* see diagram.h */
int diagram_build(struct diagram *d, const struct evlog *log, size_t revealed,
		  int projector)
{
	enum phase cur = PHASE_NONE;
	int tls13 = 0;

	d->n = 0;
	d->mitm = diagram_has_mitm(log);
	if (revealed > log->n)
		revealed = log->n;
	for (size_t i = 0; i < revealed; i++) {
		const struct event *ev = log->ev[i];
		enum phase p = diagram_phase(ev->name);

		if (ev->name == EV_TLS_SERVER_HELLO)
			tls13 = ev->tls_version == TLS_VERSION_13;
		/* TLS 1.3's ChangeCipherSpec is only for middleboxes (RFC 8446
		 * D.4): it comes right after the ServerHello and starts nothing */
		if (tls13 && ev->name == EV_TLS_CHANGE_CIPHER_SPEC)
			p = PHASE_NONE;

		/* phases only go forward: a message of an earlier phase that
		 * comes late (a TLS 1.3 EncryptedExtensions after the keys, an
		 * alert's close then more data) stays where it happened */
		if (p != PHASE_NONE && p > cur) {
			if (push_row(d, ROW_PHASE, i, p) < 0)
				return -1;
			cur = p;
		}
		if (push_row(d, ROW_EVENT, i, cur) < 0)
			return -1;
		if (projector && push_row(d, ROW_SPACE, i, cur) < 0)
			return -1;
	}
	return 0;
}

/* see diagram.h */
void diagram_free(struct diagram *d)
{
	free(d->rows);
	d->rows = NULL;
	d->n = d->cap = 0;
}

/* see diagram.h */
int diagram_row_of(const struct diagram *d, size_t ev)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->rows[i].kind == ROW_EVENT && d->rows[i].ev == ev)
			return (int)i;
	return -1;
}

/* see diagram.h */
long diagram_event_at(const struct diagram *d, int row)
{
	if (row < 0 || (size_t)row >= d->n || d->rows[row].kind == ROW_PHASE)
		return -1;
	return (long)d->rows[row].ev;
}

/* see diagram.h */
int diagram_scroll_to(const struct diagram *d, int scroll, int row, int height)
{
	int n = (int)d->n;

	if (height <= 0 || n <= height)
		return 0;
	if (row >= 0 && row < n) {
		int top = row;

		if (row > 0 && d->rows[row - 1].kind == ROW_PHASE)
			top = row - 1;
		if (top < scroll)
			scroll = top;
		if (row >= scroll + height)
			scroll = row - height + 1;
	}
	if (scroll > n - height)
		scroll = n - height;
	if (scroll < 0)
		scroll = 0;
	return scroll;
}

/* see diagram.h */
int diagram_body_height(const struct rect *r)
{
	return r->h > 1 ? r->h - 1 : 0;
}

/* Horizontal geometry shared by the header and the rows. */
struct geom {
	int gutter, cx, sx, mid;
};

/* Compute the lifeline columns for a region. */
static struct geom geometry(const struct rect *r)
{
	struct geom gm;

	/* the numbers stay on a projector too: lessons and the inspector
	 * say "#16" */
	gm.gutter = 4;
	gm.cx = r->x + gm.gutter + 3;
	gm.sx = r->x + r->w - 4;
	gm.mid = (gm.cx + gm.sx) / 2;
	return gm;
}

/* Draw text centred on column c, clipped to [lo, hi). */
static void centred(struct grid *g, int c, int y, int lo, int hi, const char *s,
		    int cls, unsigned attr)
{
	int w = grid_text_width(s);
	int x = c - w / 2;

	if (x + w > hi)
		x = hi - w;
	if (x < lo)
		x = lo;
	grid_text(g, x, y, hi - x, s, cls, attr);
}

/* The column of an actor's lifeline (the network column for the kernel). */
static int column(const struct geom *gm, enum actor a)
{
	if (a == ACTOR_CLIENT)
		return gm->cx;
	if (a == ACTOR_SERVER)
		return gm->sx;
	return gm->mid;
}

/* When text (a buffer of size bytes) would be cut at maxw columns inside
 * a word that holds a number, cut it instead at the word boundary before,
 * marked with an ellipsis; other cuts are left to grid_text. */
static void fit_words(char *text, size_t size, int maxw, int ascii)
{
	const char *ell = ascii ? "~" : "\u2026";
	size_t cut = 0;
	size_t i = 0;
	int col = 0;

	if (maxw < 8 || grid_text_width(text) <= maxw)
		return;
	for (; text[i] != '\0' && col < maxw - 1; i++) {
		if (text[i] == ' ')
			cut = i;
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			col++;
	}
	/* prose may be cut anywhere; a word with a number in it ("seq=...")
	 * is kept whole or left out */
	{
		size_t w0 = i, w1 = i;
		int digits = 0;

		while (w0 > 0 && text[w0 - 1] != ' ')
			w0--;
		while (text[w1] != '\0' && text[w1] != ' ')
			w1++;
		for (size_t k = w0; k < w1; k++)
			digits |= isdigit((unsigned char)text[k]) != 0;
		if (!digits)
			return;
	}
	if (cut > 0 && cut + strlen(ell) < size) {
		text[cut] = '\0';
		strcat(text, ell);
	}
}

/* Draw an arrow from column a to column b on row y, labelled near its tail. */
static void draw_arrow(struct grid *g, int y, int a, int b, const char *label, int cls,
		       unsigned lattr)
{
	char text[210];
	int span = (a < b ? b - a : a - b) - 1;
	int lw;

	/* a label with room around it; in a narrow lane the bare label may
	 * run up to the arrowhead, and only then is it cut */
	snprintf(text, sizeof text, " %s ", label);
	lw = grid_text_width(text);
	if (lw > span - 4) {
		snprintf(text, sizeof text, "%s", label);
		fit_words(text, sizeof text, span - 2, g->ascii);
		lw = grid_text_width(text);
		if (lw > span - 2)
			lw = span - 2;
	}
	if (a < b) {
		grid_fill(g, a + 1, y, span - 1, 1, grid_glyph(g, G_HLINE), cls, 0);
		grid_put(g, b - 1, y, grid_glyph(g, G_ARROW_RIGHT), cls, GA_BOLD);
		if (lw > 0)
			grid_text(g, a + 2, y, lw, text, cls, lattr);
	} else {
		grid_put(g, b + 1, y, grid_glyph(g, G_ARROW_LEFT), cls, GA_BOLD);
		grid_fill(g, b + 2, y, span - 1, 1, grid_glyph(g, G_HLINE), cls, 0);
		if (lw > 0)
			grid_text(g, a - 1 - lw, y, lw, text, cls, lattr);
	}
}

/* Draw one event row. */
static void draw_event(struct grid *g, const struct geom *gm, int y,
		       const struct event *ev, int selected, const struct diagram_opts *o,
		       const struct rect *r, int mitm)
{
	char label[200];
	char text[210];
	int cls = diagram_class(ev);
	unsigned attr = o->projector ? GA_BOLD : 0;
	unsigned lattr = attr | (selected ? GA_REVERSE : 0);
	int span = gm->sx - gm->cx - 1;
	enum actor from, to;
	int lw;
	int room;

	diagram_label(ev, label, sizeof label, g->ascii);
	if (gm->gutter > 0) {
		char num[16];

		snprintf(num, sizeof num, "%3u", ev->seq % 1000);
		grid_text(g, r->x, y, 3, num, CLS_DIM, 0);
		if (selected)
			grid_put(g, r->x + 3, y, grid_glyph(g, G_ARROW_RIGHT),
				 o->focused ? CLS_TITLE : CLS_DIM, GA_BOLD);
	}
	diagram_ends(ev, mitm, &from, &to);
	if (from != to) {
		draw_arrow(g, y, column(gm, from), column(gm, to), label, cls, lattr);
		return;
	}
	/* a note hangs off the lifeline that acted (a tee and a stub) and
	 * stops short of the other one, so whose step it was shows at a
	 * glance even when its text fills the lane */
	room = span - 2 - 3;
	switch (from) {
	case ACTOR_CLIENT:
		snprintf(text, sizeof text, "[%s]", label);
		fit_words(text, sizeof text, room, g->ascii);
		grid_put(g, gm->cx, y, grid_glyph(g, G_TEE), cls, 0);
		grid_put(g, gm->cx + 1, y, grid_glyph(g, G_HLINE), cls, 0);
		grid_text(g, gm->cx + 2, y, room, text, cls, lattr);
		break;
	case ACTOR_SERVER:
		snprintf(text, sizeof text, "[%s]", label);
		fit_words(text, sizeof text, room, g->ascii);
		lw = grid_text_width(text);
		if (lw > room)
			lw = room;
		grid_put(g, gm->sx, y, grid_glyph(g, G_TEE_LEFT), cls, 0);
		grid_put(g, gm->sx - 1, y, grid_glyph(g, G_HLINE), cls, 0);
		grid_text(g, gm->sx - 1 - lw, y, lw, text, cls, lattr);
		break;
	case ACTOR_MITM:
		/* on the interceptor's lifeline: hung off it into the lane
		 * toward the server when it fits there, else centred on it and
		 * touching neither outer lifeline */
		snprintf(text, sizeof text, "{%s}", label);
		lw = grid_text_width(text);
		if (lw <= gm->sx - gm->mid - 5) {
			grid_put(g, gm->mid, y, grid_glyph(g, G_TEE), cls, 0);
			grid_put(g, gm->mid + 1, y, grid_glyph(g, G_HLINE), cls, 0);
			grid_text(g, gm->mid + 2, y, lw, text, cls, lattr);
		} else {
			centred(g, gm->mid, y, gm->cx + 3, gm->sx - 2, text, cls, lattr);
		}
		break;
	default:
		snprintf(text, sizeof text, "(%s)", label);
		centred(g, gm->mid, y, gm->cx + 1, gm->sx, text, cls, lattr);
		break;
	}
}

/* see diagram.h */
void diagram_draw(struct grid *g, const struct rect *r, const struct evlog *log,
		  const struct diagram *d, const struct diagram_opts *o)
{
	struct geom gm = geometry(r);
	int body = diagram_body_height(r);

	if (r->w < 24 || r->h < 2)
		return;
	centred(g, gm.cx, r->y, r->x, r->x + r->w, "Client", CLS_TITLE, GA_BOLD);
	centred(g, gm.sx, r->y, r->x, r->x + r->w, "Server", CLS_TITLE, GA_BOLD);
	if (d->mitm)
		centred(g, gm.mid, r->y, gm.cx + 4, gm.sx - 3, "Interceptor", CLS_ERROR, GA_BOLD);
	else if (!o->projector)
		centred(g, gm.mid, r->y, gm.cx + 4, gm.sx - 3, "network", CLS_DIM, 0);
	for (int i = 0; i < body; i++) {
		int y = r->y + 1 + i;
		int row = o->scroll + i;

		grid_put(g, gm.cx, y, grid_glyph(g, G_VLINE), CLS_DIM, 0);
		grid_put(g, gm.sx, y, grid_glyph(g, G_VLINE), CLS_DIM, 0);
		if (d->mitm)
			grid_put(g, gm.mid, y, grid_glyph(g, G_VLINE), CLS_DIM, 0);
		else if (!o->projector)
			grid_put(g, gm.mid, y, grid_glyph(g, G_DOTTED_V), CLS_DIM, 0);
		if (row < 0 || (size_t)row >= d->n)
			continue;
		if (d->rows[row].kind == ROW_PHASE) {
			char text[64];

			grid_fill(g, gm.cx + 1, y, gm.sx - gm.cx - 1, 1,
				  grid_glyph(g, G_DOTTED_H), CLS_PHASE, 0);
			snprintf(text, sizeof text, " %s ", phase_str(d->rows[row].phase));
			centred(g, gm.mid, y, gm.cx + 1, gm.sx, text, CLS_PHASE, GA_BOLD);
		} else if (d->rows[row].kind == ROW_EVENT && d->rows[row].ev < log->n) {
			size_t ev = d->rows[row].ev;

			draw_event(g, &gm, y, log->ev[ev], o->selected == (int)ev, o, r, d->mitm);
		}
	}
}
