/* The inspector: fields, hex dump and explanation of one event. */
#include "ui/inspector.h"

#include <stdio.h>
#include <string.h>

/* see inspector.h */
int inspector_bytes_per_line(int w)
{
	int n = (w - 7) / 4;

	n -= n % 4;
	return n < 4 ? 4 : n;
}

/* see inspector.h */
int inspector_byte_selected(const struct event *ev, int f, size_t i)
{
	const struct field *fl;

	if (ev == NULL || f < 0 || (size_t)f >= ev->nfields || i >= ev->raw_len)
		return 0;
	fl = &ev->fields[f];
	return fl->length > 0 && i >= fl->offset && i - fl->offset < fl->length;
}

/* see inspector.h */
int inspector_subtree_end(const struct event *ev, int f)
{
	int end = f;

	if (f < 0 || (size_t)f >= ev->nfields)
		return f;
	while ((size_t)end + 1 < ev->nfields &&
	       ev->fields[end + 1].depth > ev->fields[f].depth)
		end++;
	return end;
}

/* see inspector.h */
long inspector_byte_at(const struct inspector_hex *h, int x, int y)
{
	int dx = x - h->r.x;
	int line = y - h->r.y;
	long col = -1;
	size_t b;

	if (h->r.w <= 0 || line < 0 || line >= h->r.h || h->bpl <= 0)
		return -1;
	/* "0000  " then "xx " per byte, a space, then one character per byte */
	if (dx >= 6 && dx < 6 + 3 * h->bpl && (dx - 6) % 3 != 2)
		col = (dx - 6) / 3;
	else if (dx >= 7 + 3 * h->bpl && dx < 7 + 4 * h->bpl)
		col = dx - 7 - 3 * h->bpl;
	if (col < 0)
		return -1;
	b = (h->first + (size_t)line) * (size_t)h->bpl + (size_t)col;
	return b < h->len ? (long)b : -1;
}

/* see inspector.h */
int inspector_field_at(const struct event *ev, size_t i)
{
	int best = -1;

	for (size_t f = 0; ev != NULL && f < ev->nfields; f++) {
		const struct field *fl = &ev->fields[f];

		if (fl->length == 0 || i < fl->offset || i - fl->offset >= fl->length)
			continue;
		/* deeper is more precise; at equal depth the narrower range */
		if (best < 0 || fl->depth > ev->fields[best].depth ||
		    (fl->depth == ev->fields[best].depth && fl->length < ev->fields[best].length))
			best = (int)f;
	}
	return best;
}

/* see inspector.h */
int inspector_hexdump(struct grid *g, const struct rect *r, const uint8_t *raw,
		      size_t len, size_t first, size_t hl_off, size_t hl_len)
{
	return inspector_hexdump_cursor(g, r, raw, len, first, hl_off, hl_len, -1);
}

/* see inspector.h */
int inspector_hexdump_cursor(struct grid *g, const struct rect *r, const uint8_t *raw, size_t len,
			     size_t first, size_t hl_off, size_t hl_len, long cursor)
{
	int bpl = inspector_bytes_per_line(r->w);
	int lines = 0;

	for (size_t off = first * (size_t)bpl; off < len && lines < r->h;
	     off += (size_t)bpl, lines++) {
		int y = r->y + lines;
		char addr[16];

		snprintf(addr, sizeof addr, "%04zx", off & 0xffff);
		grid_text(g, r->x, y, 4, addr, CLS_DIM, 0);
		for (int i = 0; i < bpl && off + (size_t)i < len; i++) {
			size_t b = off + (size_t)i;
			int hl = hl_len > 0 && b >= hl_off && b - hl_off < hl_len;
			int cls = hl ? CLS_HILITE : CLS_DEFAULT;
			unsigned attr = hl ? GA_REVERSE : 0;

			if (cursor >= 0 && (size_t)cursor == b) {
				cls = CLS_TITLE;
				attr = GA_REVERSE | GA_BOLD | GA_UNDERLINE;
			}
			char hex[4];
			uint8_t c = raw[b];

			snprintf(hex, sizeof hex, "%02x", c);
			grid_text(g, r->x + 6 + 3 * i, y, 2, hex, cls, attr);
			/* raw bytes reach the terminal only as hex or printable ASCII */
			grid_put(g, r->x + 7 + 3 * bpl + i, y,
				 (c >= 0x20 && c < 0x7f) ? c : '.', hl ? CLS_HILITE : CLS_DIM,
				 attr);
		}
	}
	return lines;
}

/* see inspector.h */
size_t inspector_hex_first(size_t hl_off, size_t hl_len, int bpl, int lines)
{
	size_t line;

	if (hl_len == 0 || lines <= 0 || bpl <= 0)
		return 0;
	line = hl_off / (size_t)bpl;
	/* show one line of context above when the field is further down */
	if (line >= (size_t)lines)
		return line - 1;
	return 0;
}

/* see inspector.h */
int inspector_field_scroll(const struct event *ev, int f, int rows)
{
	int end, top;

	if (ev == NULL || f < 0 || rows <= 0)
		return 0;
	end = inspector_subtree_end(ev, f);
	top = end - rows + 1;
	if (top > f)
		top = f;
	if (top < f - rows + 1)
		top = f - rows + 1;
	return top < 0 ? 0 : top;
}

/* Columns a field is indented by in the list (its depth, capped). */
static int field_indent(const struct field *fl)
{
	return fl->depth > 6 ? 12 : fl->depth * 2;
}

/* Whether "name: value" would be cut at w columns for field i or any item
 * of the same list (its siblings of the same name). */
static int values_alone(const struct event *ev, size_t i, int w)
{
	const struct field *fl = &ev->fields[i];
	size_t a = i, b = i;

	while (a > 0 && ev->fields[a - 1].depth >= fl->depth)
		a--;
	while (b + 1 < ev->nfields && ev->fields[b + 1].depth >= fl->depth)
		b++;
	for (size_t k = a; k <= b; k++) {
		const struct field *s = &ev->fields[k];

		/* the items of one list share their name */
		if (s->value == NULL || s->depth != fl->depth)
			continue;
		if (strcmp(s->name, fl->name) != 0)
			continue;
		if (grid_text_width(s->name) + 2 + grid_text_width(s->value) > w)
			return 1;
	}
	return 0;
}

/* Draw the field tree into rows [y, y+h). */
static void draw_fields(struct grid *g, int x, int y, int w, int h,
			const struct event *ev, const struct inspector_opts *o)
{
	int top = inspector_field_scroll(ev, o->field, h);
	int row0 = 0;

	/* scrolled into a list: the first row names what the rows belong to
	 * ("cipher_suites (continued)"), so a suite is never seen without
	 * its list */
	if (top > 0 && h > 2) {
		top = inspector_field_scroll(ev, o->field, h - 1);
		if (top > 0 && ev->fields[top].depth > 0) {
			int a = top - 1;
			char crumb[160];

			while (a > 0 && ev->fields[a].depth >= ev->fields[top].depth)
				a--;
			snprintf(crumb, sizeof crumb, "%s (continued)", ev->fields[a].name);
			grid_text(g, x + field_indent(&ev->fields[a]), y, w - 1 - field_indent(&ev->fields[a]), crumb,
				  CLS_DIM, GA_BOLD);
			row0 = 1;
		} else {
			top = inspector_field_scroll(ev, o->field, h);
		}
	}
	/* the last column is the scroll marker's */
	w--;
	for (int i = row0; i < h && (size_t)(top + i - row0) < ev->nfields; i++) {
		const struct field *fl = &ev->fields[top + i - row0];
		int sel = (top + i - row0) == o->field;
		unsigned attr = sel ? (o->focused ? GA_REVERSE : GA_UNDERLINE) : 0;
		int indent = field_indent(fl);
		int col = x + indent;
		int nw;

		/* the items of a list whose values would be cut show their values
		 * alone, all of them alike: under "cipher_suites" the suite's
		 * name says more than "cipher_suite", and a list never mixes the
		 * two forms */
		if (fl->depth > 0 && fl->value != NULL && fl->value[0] != '\0' &&
		    values_alone(ev, (size_t)(top + i - row0), w - indent)) {
			grid_text(g, col, y + i, w - indent, fl->value, CLS_DEFAULT, attr);
			continue;
		}
		nw = grid_text(g, col, y + i, w - indent, fl->name,
			       fl->length > 0 ? CLS_TITLE : CLS_DEFAULT, attr | GA_BOLD);
		if (fl->value != NULL && fl->value[0] != '\0' && indent + nw + 2 < w) {
			grid_text(g, col + nw, y + i, 2, ": ", CLS_DEFAULT, attr);
			grid_text(g, col + nw + 2, y + i, w - indent - nw - 2, fl->value,
				  CLS_DEFAULT, attr);
		}
	}
	if (top > 0)
		grid_put(g, x + w, y, '^', CLS_DIM, 0);
	if ((size_t)(top + h - row0) < ev->nfields)
		grid_put(g, x + w, y + h - 1, 'v', CLS_DIM, 0);
}

/* Whether a check field carries a mismatch: cmp_field() in kexview puts
 * both values under it as "recomputed" and "openssl". */
static int check_differs(const struct event *ev, size_t i)
{
	return i + 1 < ev->nfields && ev->fields[i + 1].depth > ev->fields[i].depth &&
	       strcmp(ev->fields[i + 1].name, "recomputed") == 0;
}

/* see inspector.h */
int inspector_derivation_lines(const struct event *ev)
{
	int n = 0;

	for (size_t i = 0; i < ev->nfields; i++)
		if (ev->fields[i].role != ROLE_NONE && ev->fields[i].depth == 0)
			n += 1 + (ev->fields[i].role == ROLE_CHECK && check_differs(ev, i) ? 2 : 0);
	return n > 0 ? n + 1 : 0;
}

/* A comparison's outcome at (x, y): a tick or a cross, or in ASCII the
 * words ok / FAIL (a '+' says nothing); returns the columns used. */
static int outcome_mark(struct grid *g, int x, int y, int ok)
{
	if (g->ascii)
		return grid_text(g, x, y, 4, ok ? "ok" : "FAIL", ok ? CLS_DATA : CLS_ERROR, GA_BOLD);
	grid_put(g, x, y, grid_glyph(g, ok ? G_CHECK : G_CROSS), ok ? CLS_DATA : CLS_ERROR, GA_BOLD);
	return 1;
}

/* One line of the derivation tree: the branch, the part, the field. */
static void derivation_line(struct grid *g, int x, int y, int w, int last, const char *part,
			    const struct field *f, int mark, int cls)
{
	char line[512];
	int col = x;

	grid_put(g, col, y, grid_glyph(g, last ? G_ELBOW : G_TEE), CLS_DIM, 0);
	col += 2;
	grid_text(g, col, y, 9, part, CLS_DIM, 0);
	col += 9;
	if (mark >= 0)
		col += outcome_mark(g, col, y, mark) + 1;
	if (f->role == ROLE_FUNCTION)
		snprintf(line, sizeof line, "%s", f->value);
	else
		snprintf(line, sizeof line, "%s: %s", f->name, f->value);
	grid_text(g, col, y, x + w - col, line, cls, 0);
}

/* see inspector.h */
int inspector_draw_derivation(struct grid *g, int x, int y, int w, int max, const struct event *ev)
{
	static const enum field_role order[] = {ROLE_INPUT, ROLE_FUNCTION, ROLE_OUTPUT, ROLE_CHECK};
	int total = inspector_derivation_lines(ev);
	int n = 0;
	int left;

	if (total == 0 || max < 2 || w < 24)
		return 0;
	n = grid_text(g, x, y, w, "Derivation", CLS_PHASE, GA_BOLD) + 1;
	if (ev->verified >= 0) {
		n += outcome_mark(g, x + n, y, ev->verified) + 1;
		grid_text(g, x + n, y, w - n,
			  ev->verified ? "httpsviz's own value equals OpenSSL's"
				       : "httpsviz's own value DIFFERS from OpenSSL's",
			  ev->verified ? CLS_DATA : CLS_ERROR, 0);
	}
	n = 1;
	left = total - 1;
	/* cut: the last line says so, and how many lines are not shown */
	if (total > max && max >= 3)
		max--;
	for (size_t r = 0; r < sizeof order / sizeof order[0]; r++)
		for (size_t i = 0; i < ev->nfields && n < max; i++) {
			const struct field *f = &ev->fields[i];
			int differs;

			if (f->role != order[r] || f->depth != 0)
				continue;
			differs = f->role == ROLE_CHECK && check_differs(ev, i);
			/* the last line drawn closes the tree */
			derivation_line(g, x, y + n, w, left == 1 + 2 * differs || n == max - 1,
					field_role_str(f->role), f,
					f->role == ROLE_CHECK && ev->verified >= 0 ? !differs : -1,
					differs ? CLS_ERROR : f->role == ROLE_OUTPUT ? CLS_KEX : CLS_DEFAULT);
			n++;
			left--;
			for (size_t c = 1; differs && c <= 2 && n < max; c++, n++, left--) {
				char line[512];

				snprintf(line, sizeof line, "%s: %s", ev->fields[i + c].name, ev->fields[i + c].value);
				grid_text(g, x + 13, y + n, w - 13, line, CLS_ERROR, 0);
			}
		}
	if (total > n && n == max && total > max) {
		char more[96];

		snprintf(more, sizeof more, "%s %d more line%s of the tree (i or a taller terminal shows them)",
			 g->ascii ? "..." : "\u2026", total - n, total - n == 1 ? "" : "s");
		grid_text(g, x + 2, y + n, w - 2, more, CLS_DIM, 0);
		n++;
	}
	return n;
}

/* Lines to show field f's whole value at width w, when its row in the
 * list cuts it (at most WHOLE_MAX); 0 when it fits or nothing is selected. */
#define WHOLE_MAX 6
static int whole_value_lines(const struct event *ev, int f, int w)
{
	const struct field *fl;
	int indent;

	if (f < 0 || (size_t)f >= ev->nfields)
		return 0;
	fl = &ev->fields[f];
	indent = field_indent(fl);
	if (fl->value == NULL || fl->value[0] == '\0' ||
	    indent + grid_text_width(fl->name) + 2 + grid_text_width(fl->value) <= w)
		return 0;
	return grid_wrap(NULL, 0, 0, w, WHOLE_MAX, fl->value, 0, 0);
}

/* The name of a lifeline in the inspector's header. */
static const char *party(enum actor a)
{
	return a == ACTOR_MITM ? "interceptor" : a == ACTOR_SERVER ? "server" : "client";
}

/* Wrap text at *y in at most max lines of r; advances *y, returns the lines. */
static int lines_into(struct grid *g, const struct rect *r, int *y, int max, const char *s,
		      int cls, unsigned attr)
{
	int n = grid_wrap(g, r->x, *y, r->w, max, s, cls, attr);

	*y += n;
	return n;
}

/* see inspector.h */
void inspector_draw(struct grid *g, const struct rect *r, const struct event *ev,
		    const struct inspector_opts *o)
{
	char line[256];
	int y = r->y, bottom = r->y + r->h;
	int hex_lines = 0, bpl = inspector_bytes_per_line(r->w);
	int expl_max, fields_h, room, deriv, list_h;
	struct rect hr;
	size_t hl_off = 0, hl_len = 0;

	if (o->hex_out != NULL)
		memset(o->hex_out, 0, sizeof *o->hex_out);
	if (r->w < 10 || r->h < 3)
		return;
	if (ev == NULL) {
		grid_wrap(g, r->x, y, r->w, r->h,
			  o->rewound ? "Inspector: rewound to the start. Press Space or n to show the "
				       "messages again (the exchange itself is not repeated)."
				     : "Inspector: press Space or n to perform the first flight, then "
				       "select a message with Up/Down and press Enter to look inside it.",
			  CLS_DIM, 0);
		return;
	}
	if (ev->dir == DIR_LOCAL)
		snprintf(line, sizeof line, "#%u %s  (%s, local)", ev->seq,
			 evname_label(ev->name), actor_str(ev->actor));
	else if (ev->actor == ACTOR_MITM || ev->peer == ACTOR_MITM) {
		enum actor f, t;

		diagram_ends(ev, 1, &f, &t);
		snprintf(line, sizeof line, "#%u %s  %s -> %s", ev->seq, evname_label(ev->name),
			 party(f), party(t));
	} else
		snprintf(line, sizeof line, "#%u %s  %s", ev->seq, evname_label(ev->name),
			 ev->dir == DIR_C2S ? "client -> server" : "server -> client");
	grid_text(g, r->x, y++, r->w, line, diagram_class(ev), GA_BOLD);
	grid_text(g, r->x, y++, r->w, evname_str(ev->name), CLS_DIM, 0);
	if (o->show_hex && ev->raw_len > 0) {
		size_t need = (ev->raw_len + (size_t)bpl - 1) / (size_t)bpl;

		/* the fields come first: the dump takes a third of the pane,
		 * a quarter while the learner walks the fields or when the pane
		 * is short (beside a lesson) */
		hex_lines = o->focused || r->h < 16 ? r->h / 4 : r->h / 3;
		if ((size_t)hex_lines > need)
			hex_lines = (int)need;
	}
	/* the texts take what is left above the fields and the hex dump, so a
	 * short inspector (beside a lesson) never draws over itself */
	room = bottom - y - (hex_lines > 0 ? hex_lines + 1 : 0) - (ev->nfields > 0 ? 2 : 0);
	/* the explanation was read before Enter: walking the fields, it
	 * keeps three lines and the fields get the room */
	expl_max = r->h / 4 > 2 ? r->h / 4 : 2;
	if (o->focused && expl_max > 3)
		expl_max = 3;
	if (ev->summary != NULL && ev->summary[0] != '\0' && room > 0)
		room -= lines_into(g, r, &y, room < 2 ? room : 2, ev->summary, CLS_DEFAULT, GA_BOLD);
	if (ev->x509_error != 0 && ev->x509_error_text != NULL && room > 0) {
		snprintf(line, sizeof line, "OpenSSL: %ld %s", ev->x509_error,
			 ev->x509_error_text);
		room -= lines_into(g, r, &y, room < 2 ? room : 2, line, CLS_ERROR, 0);
	}
	if (room > 0)
		lines_into(g, r, &y, expl_max < room ? expl_max : room, evname_explain(ev->name),
			   CLS_DEFAULT, 0);
	/* a derivation (kex.*) as a small tree before the fields, taking at
	 * most half of what is left */
	deriv = inspector_derivation_lines(ev);
	if (deriv > 0) {
		int avail = (bottom - y - (hex_lines > 0 ? hex_lines + 1 : 0)) / 2;

		y += inspector_draw_derivation(g, r->x, y, r->w, deriv < avail ? deriv : avail, ev);
	}
	fields_h = bottom - y - 1 - (hex_lines > 0 ? hex_lines + 1 : 0);
	if (ev->nfields > 0 && fields_h > 0) {
		int whole = whole_value_lines(ev, o->field, r->w);

		/* the selected field's value, when its row cuts it, in full below
		 * the list, if the list keeps a few rows */
		if (whole > 0 && fields_h - whole - 1 < 3)
			whole = 0;
		snprintf(line, sizeof line, "Fields (%zu)", ev->nfields);
		grid_text(g, r->x, y++, r->w, line, CLS_PHASE, GA_BOLD);
		list_h = fields_h - (whole > 0 ? whole + 1 : 0);
		draw_fields(g, r->x, y, r->w, list_h, ev, o);
		if (whole > 0) {
			const struct field *f = &ev->fields[o->field];
			/* right under the list when it is short */
			int wy = y + ((size_t)list_h > ev->nfields ? (int)ev->nfields : list_h);

			snprintf(line, sizeof line, "%s (whole value)", f->name);
			grid_text(g, r->x, wy, r->w, line, CLS_PHASE, GA_BOLD);
			grid_wrap(g, r->x, wy + 1, r->w, whole, f->value, CLS_DEFAULT, 0);
		}
		y += fields_h;
	}
	if (hex_lines <= 0)
		return;
	if (o->field >= 0 && (size_t)o->field < ev->nfields) {
		hl_off = ev->fields[o->field].offset;
		hl_len = ev->fields[o->field].length;
	}
	snprintf(line, sizeof line, "Bytes (%zu)", ev->raw_len);
	if (o->cursor >= 0 && (size_t)o->cursor < ev->raw_len) {
		int f = inspector_field_at(ev, (size_t)o->cursor);

		/* bytes -> field: the byte under the cursor names its field */
		snprintf(line + strlen(line), sizeof line - strlen(line), ", byte %ld = 0x%02x in %s%s%s",
			 o->cursor, ev->raw[o->cursor], f >= 0 ? ev->fields[f].name : "(no field)",
			 f >= 0 && ev->fields[f].value != NULL ? " = " : "",
			 f >= 0 && ev->fields[f].value != NULL ? ev->fields[f].value : "");
	} else if (hl_len > 0) {
		snprintf(line + strlen(line), sizeof line - strlen(line),
			 ", selected %zu at offset %zu", hl_len, hl_off);
	}
	y = bottom - hex_lines - 1;
	grid_text(g, r->x, y++, r->w, line, CLS_PHASE, GA_BOLD);
	hr.x = r->x;
	hr.y = y;
	hr.w = r->w;
	hr.h = hex_lines;
	{
		/* the cursor's line stays in view */
		int cur = o->cursor >= 0 && (size_t)o->cursor < ev->raw_len;
		size_t first = cur ? inspector_hex_first((size_t)o->cursor, 1, bpl, hex_lines)
				   : inspector_hex_first(hl_off, hl_len, bpl, hex_lines);

		inspector_hexdump_cursor(g, &hr, ev->raw, ev->raw_len, first, hl_off, hl_len,
					 cur ? o->cursor : -1);
		if (o->hex_out != NULL)
			*o->hex_out = (struct inspector_hex){hr, first, bpl, ev->raw_len};
	}
}
