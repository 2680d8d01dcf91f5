#include "app/export.h"

#include <stdlib.h>
#include <string.h>

#include "app/savefile.h"
#include "ui/diagram.h"
#include "ui/grid.h"

/* What a hidden secret reads as in an export. */
#define HIDDEN "(a session secret: left out of this export)"

/* The formats, by name. */
static const char *const format_names[] = {
	[EXPORT_TEXT] = "text", [EXPORT_MARKDOWN] = "markdown", [EXPORT_MERMAID] = "mermaid",
	[EXPORT_SVG] = "svg", [EXPORT_HTML] = "html",
};
#define NFORMATS (sizeof format_names / sizeof format_names[0])

/* Colours by diagram class (ui/diagram.h's diagram_class), dark enough
 * to read on white paper, with the legend's words. */
static const struct {
	int cls;
	const char *rgb;
	const char *light;     /* phase band / note fill */
	const char *legend;
} colours[] = {
	{CLS_TCP, "#00838f", "#e0f7fa", "TCP (the kernel)"},
	{CLS_TLS, "#1a4fb4", "#e8eefb", "TLS handshake"},
	{CLS_CERT, "#8e24aa", "#f6e8fa", "certificate checks"},
	{CLS_KEX, "#9a6700", "#fff4d6", "key exchange (derivations)"},
	{CLS_DATA, "#2e7d32", "#e8f5e9", "application data, HTTP"},
	{CLS_ERROR, "#c62828", "#fdecea", "error, alert, failed check"},
};
#define NCOLOURS (sizeof colours / sizeof colours[0])

/* see export.h */
int export_format_valid(const char *s)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(s, format_names[i]) == 0)
			return 1;
	return 0;
}

/* see export.h */
enum export_format export_format_from_str(const char *s)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(s, format_names[i]) == 0)
			return (enum export_format)i;
	return EXPORT_TEXT;
}

static const char *rgb_of(int cls)
{
	for (size_t i = 0; i < NCOLOURS; i++)
		if (colours[i].cls == cls)
			return colours[i].rgb;
	return "#333333";
}

static const char *light_of(int cls)
{
	for (size_t i = 0; i < NCOLOURS; i++)
		if (colours[i].cls == cls)
			return colours[i].light;
	return "#f4f4f4";
}

/* A field's value as this export may show it (k: the run's secrets when
 * they are to be hidden, else NULL). */
static const char *field_value(const struct event *ev, const struct field *f, int secrets,
			       const struct savefile_secrets *k)
{
	return !secrets && savefile_hides(k, ev, f) ? HIDDEN : f->value;
}

/* Whether the event's bytes may be shown. */
static int raw_shown(const struct event *ev, int secrets)
{
	return secrets || !savefile_secret_raw(ev);
}

/* The lifeline names: C, M (interceptor), S. */
static const char *lane_id(enum actor a)
{
	return a == ACTOR_CLIENT ? "C" : a == ACTOR_SERVER ? "S" : a == ACTOR_MITM ? "M" : "N";
}

/* Split text into lines of at most width characters (UTF-8 code points),
 * at spaces where possible; calls emit for each line. */
static void wrap(const char *text, size_t width, void (*emit)(void *, const char *, size_t), void *arg)
{
	size_t len = strlen(text);
	size_t start = 0;

	while (start < len) {
		size_t chars = 0;
		size_t i = start;
		size_t cut = 0;

		while (i < len && chars < width) {
			if (text[i] == ' ')
				cut = i;
			i++;
			while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80)
				i++;
			chars++;
		}
		if (i >= len) {
			emit(arg, text + start, len - start);
			return;
		}
		if (cut <= start) /* one long word (hex): split it */
			cut = i;
		emit(arg, text + start, cut - start);
		start = cut;
		while (start < len && text[start] == ' ')
			start++;
	}
}

/* The short name of an event: an arrow's label as the TUI draws it, or a
 * note's kind with its outcome (the summary follows in full anyway). */
static void short_label(const struct event *ev, int mitm, char *buf, size_t n)
{
	enum actor from;
	enum actor to;

	diagram_ends(ev, mitm, &from, &to);
	if (from != to) {
		diagram_label(ev, buf, n, 0);
		return;
	}
	snprintf(buf, n, "%s%s",
		 event_failed(ev) ? "\u2717 " : ev->result == RESULT_PASS || ev->verified == 1 ? "\u2713 " : "",
		 evname_label(ev->name));
}

/* ---- XML / HTML escaping ---- */

static void xml_n(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(s[i], out);
		}
	}
}

static void xml(FILE *out, const char *s)
{
	xml_n(out, s, strlen(s));
}

/* A JSON string safe inside an HTML script element. */
static void js_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '&')
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* ---- the shared facts ---- */

struct ctx {
	FILE *out;
	const struct saved_run *run;
	const struct evlog *log;
	int secrets;
	struct savefile_secrets *known;  /* the secrets to hide, or NULL */
	int mitm;
	struct diagram d;
};

/* An event's summary as this export may show it. */
static const char *summary_of(const struct ctx *c, const struct event *ev)
{
	return !c->secrets && savefile_secrets_in(c->known, ev->summary)
		       ? "(this summary shows a session secret: left out of this export)"
		       : ev->summary;
}

static const char *title_of(const struct ctx *c)
{
	return c->run->title[0] ? c->run->title : "httpsviz: a saved run";
}

/* "saved 2026-... by httpsviz 0.1.0; TLSv1.2 TLS_...; done" */
static void meta_line(const struct ctx *c, char *buf, size_t n)
{
	const struct saved_run *r = c->run;

	snprintf(buf, n, "%s%s%s%s%s; %zu events%s%s%s%s%s", r->date[0] ? "recorded " : "", r->date,
		 r->httpsviz_version[0] ? " by httpsviz " : "", r->httpsviz_version, r->date[0] ? "" : "a --json capture",
		 c->log->n, r->end.version[0] ? "; " : "", r->end.version, r->end.cipher[0] ? " " : "", r->end.cipher,
		 !r->has_end ? "" : r->end.status == SAVED_DONE ? "; complete" : r->end.status == SAVED_FAILED ? "; failed" : "; cut short");
	if (r->end.error[0] != '\0' && strlen(buf) + 3 < n)
		snprintf(buf + strlen(buf), n - strlen(buf), ": %.300s", r->end.error);
}

/* ---- text ---- */

struct wrapto {
	FILE *out;
	const char *indent;
	int first;
};

static void emit_text(void *arg, const char *s, size_t n)
{
	struct wrapto *w = arg;

	fprintf(w->out, "%s%.*s\n", w->first ? "" : w->indent, (int)n, s);
	w->first = 0;
}

/* The arrow or note of an event between the lifelines, width w. */
static void text_middle(const struct ctx *c, const struct event *ev, char *buf, size_t w)
{
	enum actor from;
	enum actor to;
	size_t lo;
	size_t hi;
	size_t pos[5] = {0, w / 2, w - 1, w / 2, w / 2};

	diagram_ends(ev, c->mitm, &from, &to);
	memset(buf, ' ', w);
	buf[w] = '\0';
	buf[0] = '|';
	buf[w - 1] = '|';
	if (c->mitm)
		buf[w / 2] = '|';
	/* pos by actor: client 0, server w-1, mitm and network in the middle */
	lo = from == ACTOR_CLIENT ? pos[0] : from == ACTOR_SERVER ? pos[2] : pos[1];
	hi = to == ACTOR_CLIENT ? pos[0] : to == ACTOR_SERVER ? pos[2] : pos[1];
	if (from != to) {
		size_t a = lo < hi ? lo : hi;
		size_t b = lo < hi ? hi : lo;

		memset(buf + a + 1, '-', b - a - 1);
		if (hi > lo)
			buf[b - 1] = '>';
		else
			buf[a + 1] = '<';
		/* the label goes after the picture, so it is never cut */
		return;
	}
	buf[lo == 0 ? 1 : lo == w - 1 ? w - 2 : lo] = '*';
}

static void export_text(struct ctx *c)
{
	char meta[512];
	const size_t w = 24;
	char mid[32];
	/* continuation lines start under the message column */
	struct wrapto wt = {c->out, "                                      ", 1};

	meta_line(c, meta, sizeof meta);
	fprintf(c->out, "%s\n%s\n\n", title_of(c), meta);
	fprintf(c->out, "Lifelines: Client (left)%s, Server (right); * marks a note on a lifeline.\n",
		c->mitm ? ", Interceptor (middle)" : "");
	fputs("Layers: tcp = TCP (the kernel), tls = TLS handshake, cert = certificate checks,\n"
	      "kex = key exchange, http = application data; FAILED marks an error or a failed check.\n", c->out);
	fprintf(c->out, "\n  #  layer  %-*s  message and what happened\n", (int)w, c->mitm ? "Client  Interc.  Server" : "Client          Server");
	for (size_t r = 0; r < c->d.n; r++) {
		const struct drow *row = &c->d.rows[r];
		const struct event *ev;
		char label[160];
		char lead[512];

		if (row->kind == ROW_PHASE) {
			fprintf(c->out, "\n== %s ==\n", phase_str(row->phase));
			continue;
		}
		if (row->kind != ROW_EVENT)
			continue;
		ev = c->log->ev[row->ev];
		text_middle(c, ev, mid, w);
		short_label(ev, c->mitm, label, sizeof label);
		snprintf(lead, sizeof lead, "%3u  %-5s  %s  ", ev->seq, layer_str(evname_layer(ev->name)), mid);
		fputs(lead, c->out);
		wt.first = 1;
		{
			char *line = NULL;
			size_t n = 0;
			FILE *m = open_memstream(&line, &n);

			if (m == NULL)
				continue;
			fprintf(m, "%s%s: %s", diagram_class(ev) == CLS_ERROR ? "FAILED " : "", label, summary_of(c, ev));
			fclose(m);
			wrap(line, 70, emit_text, &wt);
			free(line);
		}
	}
	fputc('\n', c->out);
}

/* ---- mermaid ---- */

/* Mermaid message text: its special characters as entity codes. */
static void mermaid_text(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '#': fputs("#35;", out); break;
		case ';': fputs("#59;", out); break;
		case '<': fputs("#lt;", out); break;
		case '>': fputs("#gt;", out); break;
		case '%': fputs("#37;", out); break;
		default: fputc(*p, out);
		}
	}
}

/* A Mermaid rect colour for a diagram class: its layer's light tint. */
static const char *band_rgb(int cls)
{
	static char buf[NCOLOURS][32];
	static int ready;

	if (!ready) {
		for (size_t i = 0; i < NCOLOURS; i++) {
			unsigned r;
			unsigned g;
			unsigned b;

			sscanf(colours[i].light + 1, "%2x%2x%2x", &r, &g, &b);
			snprintf(buf[i], sizeof buf[i], "rgb(%u, %u, %u)", r, g, b);
		}
		ready = 1;
	}
	for (size_t i = 0; i < NCOLOURS; i++)
		if (colours[i].cls == cls)
			return buf[i];
	return "rgb(250, 250, 250)";
}

static void export_mermaid(struct ctx *c)
{
	int open = 0;

	fputs("sequenceDiagram\n", c->out);
	fputs("    title ", c->out);
	mermaid_text(c->out, title_of(c));
	fputs("\n    participant C as Client\n", c->out);
	if (c->mitm)
		fputs("    participant M as Interceptor\n", c->out);
	fputs("    participant S as Server\n", c->out);
	/* the legend: each message sits on a band of its layer's colour */
	fputs("    Note over C,S: colours by layer: teal TCP, blue TLS handshake, purple certificate checks, "
	      "ochre key exchange, green application data and HTTP, red an error or a failed check "
	      "(its arrow ends in x). Grey bands are the phases.\n",
	      c->out);
	for (size_t r = 0; r < c->d.n; r++) {
		const struct drow *row = &c->d.rows[r];
		const struct event *ev;
		enum actor from;
		enum actor to;
		char label[160];

		if (row->kind == ROW_PHASE) {
			if (open)
				fputs("    end\n", c->out);
			fprintf(c->out, "    rect rgb(246, 246, 246)\n    Note over C,S: phase: %s\n",
				phase_str(row->phase));
			open = 1;
			continue;
		}
		if (row->kind != ROW_EVENT)
			continue;
		ev = c->log->ev[row->ev];
		diagram_ends(ev, c->mitm, &from, &to);
		short_label(ev, c->mitm, label, sizeof label);
		fprintf(c->out, "    rect %s\n", band_rgb(diagram_class(ev)));
		if (from == to) {
			if (from == ACTOR_KERNEL)
				fputs("    Note over C,S: ", c->out);
			else
				fprintf(c->out, "    Note over %s: ", lane_id(from));
		} else {
			const char *f = from == ACTOR_KERNEL ? (to == ACTOR_SERVER ? "C" : "S") : lane_id(from);

			fprintf(c->out, "    %s%s%s: ", f, diagram_class(ev) == CLS_ERROR ? "-x" : "->>", lane_id(to));
		}
		fprintf(c->out, "%u [%s] ", ev->seq, layer_str(evname_layer(ev->name)));
		mermaid_text(c->out, label);
		fputs(" - ", c->out);
		mermaid_text(c->out, summary_of(c, ev));
		fputs("\n    end\n", c->out);
	}
	if (open)
		fputs("    end\n", c->out);
}

/* ---- markdown ---- */

/* Text inside a Markdown table cell. */
static void md_cell(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '|' || *p == '\\' || *p == '*' || *p == '_' || *p == '`' || *p == '[' || *p == ']')
			fprintf(out, "\\%c", *p);
		else if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else
			fputc(*p, out);
	}
}

static void export_markdown(struct ctx *c)
{
	char meta[512];
	const char *names[] = {"Client", "Server", "Kernel", "App", "Interceptor"};

	meta_line(c, meta, sizeof meta);
	fputs("# ", c->out);
	md_cell(c->out, title_of(c));
	fputs("\n\n*", c->out);
	md_cell(c->out, meta);
	fputs("*\n\n## The sequence diagram\n\n```mermaid\n", c->out);
	export_mermaid(c);
	fputs("```\n\n## Legend\n\n| colour | layer |\n|---|---|\n", c->out);
	for (size_t i = 0; i < NCOLOURS; i++)
		fprintf(c->out, "| <span style=\"color:%s\">&#9632;</span> %s | %s |\n", colours[i].rgb, colours[i].rgb,
			colours[i].legend);
	fputs("\n## Every event\n", c->out);
	for (size_t r = 0; r < c->d.n; r++) {
		const struct drow *row = &c->d.rows[r];
		const struct event *ev;
		enum actor from;
		enum actor to;
		char label[160];

		if (row->kind == ROW_PHASE) {
			fprintf(c->out, "\n### %s\n\n| # | from | to | message | layer | what happened |\n"
					"|---:|---|---|---|---|---|\n", phase_str(row->phase));
			continue;
		}
		if (row->kind != ROW_EVENT)
			continue;
		ev = c->log->ev[row->ev];
		diagram_ends(ev, c->mitm, &from, &to);
		short_label(ev, c->mitm, label, sizeof label);
		fprintf(c->out, "| %u | %s | %s | **", ev->seq, from == ACTOR_KERNEL ? "network" : names[from],
			from == to ? "(note)" : to == ACTOR_KERNEL ? "network" : names[to]);
		md_cell(c->out, label);
		fprintf(c->out, "** | %s | ", layer_str(evname_layer(ev->name)));
		if (diagram_class(ev) == CLS_ERROR)
			fputs("**FAILED** ", c->out);
		md_cell(c->out, summary_of(c, ev));
		fputs(" |\n", c->out);
	}
	fputc('\n', c->out);
}

/* ---- SVG ---- */

#define SVG_MARGIN 36
#define SVG_LINE 13          /* text line height */
#define SVG_TEXT_X 430       /* the column of the full text */
#define SVG_TEXT_CHARS 56    /* characters per line there (10.5 px type: 7.9 pt on paper) */
#define SVG_HEAD 44          /* lifeline heads on each page */

struct svgtext {
	FILE *out;
	int x;
	int y;
	const char *cls;
};

static void emit_svg_line(void *arg, const char *s, size_t n)
{
	struct svgtext *t = arg;

	fprintf(t->out, "<text class=\"%s\" x=\"%d\" y=\"%d\">", t->cls, t->x, t->y);
	xml_n(t->out, s, n);
	fputs("</text>\n", t->out);
	t->y += SVG_LINE;
}

/* A title line (bigger type, so a larger step). */
static void emit_svg_title(void *arg, const char *s, size_t n)
{
	struct svgtext *t = arg;

	fprintf(t->out, "<text class=\"%s\" x=\"%d\" y=\"%d\">", t->cls, t->x, t->y);
	xml_n(t->out, s, n);
	fputs("</text>\n", t->out);
	t->y += 16;
}

static void count_line(void *arg, const char *s, size_t n)
{
	(void)s;
	(void)n;
	(*(int *)arg)++;
}

/* x of a lifeline. */
static int lane_x(const struct ctx *c, enum actor a)
{
	if (a == ACTOR_CLIENT)
		return 110;
	if (a == ACTOR_SERVER)
		return 380;
	(void)c;
	return 245;
}

/* Height of an event's row. */
static int row_height(const char *summary)
{
	int lines = 0;

	wrap(summary, SVG_TEXT_CHARS, count_line, &lines);
	lines = lines * SVG_LINE + 10;
	return lines < 30 ? 30 : lines;
}

/* The lifeline heads and lines of one page (or the whole page in html). */
static void svg_heads(struct ctx *c, int y, int bottom)
{
	enum actor lanes[3] = {ACTOR_CLIENT, ACTOR_MITM, ACTOR_SERVER};
	const char *names[3] = {"Client", "Interceptor", "Server"};

	for (int i = 0; i < 3; i++) {
		int x;

		if (i == 1 && !c->mitm)
			continue;
		x = lane_x(c, lanes[i]);
		fprintf(c->out, "<line class=\"lifeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", x, y + 24, x, bottom);
		fprintf(c->out, "<rect class=\"head\" x=\"%d\" y=\"%d\" width=\"90\" height=\"24\" rx=\"4\"/>"
				"<text class=\"headtext\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x - 45, y, x, y + 16, names[i]);
	}
	fprintf(c->out, "<text class=\"colhead\" x=\"%d\" y=\"%d\">what happened (in full)</text>\n", SVG_TEXT_X,
		y + 16);
}

/* One event's row at y; interactive adds the html hooks. */
static void svg_event(struct ctx *c, const struct event *ev, size_t idx, int y, int h, int interactive)
{
	char label[160];
	enum actor from;
	enum actor to;
	int cls = diagram_class(ev);
	const char *rgb = rgb_of(cls);
	struct svgtext t = {c->out, SVG_TEXT_X, y + 14, "full"};
	int mid = y + 18;

	short_label(ev, c->mitm, label, sizeof label);
	diagram_ends(ev, c->mitm, &from, &to);
	fprintf(c->out, "<g class=\"ev\" id=\"ev%u\" data-i=\"%zu\" data-layer=\"%s\"%s>\n", ev->seq, idx,
		layer_str(evname_layer(ev->name)), interactive ? " tabindex=\"0\"" : "");
	fprintf(c->out, "<rect class=\"hit\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", SVG_MARGIN - 8, y,
		EXPORT_A4_W - 2 * SVG_MARGIN + 16, h);
	fprintf(c->out, "<text class=\"seq\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>\n", SVG_MARGIN + 8,
		mid + 4, ev->seq);
	if (from != to) {
		int x1 = lane_x(c, from == ACTOR_KERNEL ? (to == ACTOR_SERVER ? ACTOR_CLIENT : ACTOR_SERVER) : from);
		int x2 = lane_x(c, to);
		int dir = x2 > x1 ? 1 : -1;

		fprintf(c->out, "<line class=\"arrow\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n", x1, mid,
			x2 - dir * 7, mid, rgb);
		fprintf(c->out, "<path class=\"arrowhead\" d=\"M%d %d L%d %d L%d %d Z\" fill=\"%s\"/>\n", x2, mid,
			x2 - dir * 8, mid - 4, x2 - dir * 8, mid + 4, rgb);
		int span = (x2 > x1 ? x2 - x1 : x1 - x2) - 12;
		int est = (int)strlen(label) * 7;

		/* a label longer than its arrow keeps every word: squeezed to fit */
		fprintf(c->out, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\"", (x1 + x2) / 2,
			mid - 4, rgb);
		if (est > span)
			fprintf(c->out, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", span);
		fputc('>', c->out);
	} else {
		int x = from == ACTOR_KERNEL ? lane_x(c, ACTOR_MITM) : lane_x(c, from);
		int natural = (int)strlen(label) * 7 + 12;
		int w = natural > 250 ? 250 : natural;

		if (from == ACTOR_CLIENT && x - w / 2 < SVG_MARGIN + 12)
			x = SVG_MARGIN + 12 + w / 2;
		if (from == ACTOR_SERVER && x + w / 2 > SVG_TEXT_X - 6)
			x = SVG_TEXT_X - 6 - w / 2;
		fprintf(c->out, "<rect class=\"note\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" stroke=\"%s\" fill=\"%s\"/>\n",
			x - w / 2, mid - 12, w, rgb, light_of(cls));
		fprintf(c->out, "<text class=\"label notelabel\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\"", x,
			mid + 1, rgb);
		/* a note too long for its box keeps every word: squeezed to fit */
		if (natural > w)
			fprintf(c->out, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", w - 10);
		fputc('>', c->out);
	}
	xml(c->out, label);
	fputs("</text>\n", c->out);
	if (cls == CLS_ERROR)
		t.cls = "full fail";
	wrap(summary_of(c, ev), SVG_TEXT_CHARS, emit_svg_line, &t);
	fputs("</g>\n", c->out);
}

/* The sheet's style; paged, it asks for A4 paper without margins when
 * printed (Chromium and Firefox honour @page in an SVG document). */
static void svg_style(FILE *out, int paged)
{
	fputs("<style>\n", out);
	if (paged)
		fputs("@page{size:A4;margin:0}\n", out);
	fputs(
	      "text{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:10.5px;fill:#222}\n"
	      ".label{font-weight:bold}\n"
	      ".full{font-size:10.5px}\n.fail{fill:#c62828}\n"
	      ".seq{font-size:9.5px;fill:#666}\n"
	      ".lifeline{stroke:#999;stroke-dasharray:4 3}\n"
	      ".head{fill:#f0f0f0;stroke:#555}\n.headtext{font-weight:bold;font-size:12px}\n"
	      ".colhead{font-style:italic;fill:#555}\n"
	      ".arrow{stroke-width:1.6}\n.hit{fill:transparent}\n"
	      ".phase{fill:#f3f3f3}\n.phasetext{font-weight:bold;font-size:10px;fill:#555}\n"
	      ".title{font-size:13px;font-weight:bold}\n.meta{fill:#555}\n"
	      "</style>\n",
	      out);
}

/* The legend at (x, y): a swatch and the words per colour. */
static void svg_legend(struct ctx *c, int x, int y)
{
	for (size_t i = 0; i < NCOLOURS; i++) {
		int cx = x + (int)(i % 3) * 240;
		int cy = y + (int)(i / 3) * 14;

		fprintf(c->out, "<rect class=\"swatch\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
				"<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>\n",
			cx, cy - 9, colours[i].rgb, cx + 14, cy, colours[i].legend);
	}
}

/* Height of a row of the diagram (0: a row the handout does not draw). */
static int svg_row_height(const struct ctx *c, const struct drow *row)
{
	if (row->kind == ROW_PHASE)
		return 22;
	if (row->kind == ROW_EVENT)
		return row_height(summary_of(c, c->log->ev[row->ev]));
	return 0;
}

/* The height a row needs on its page: a phase's band keeps its first row
 * with it (no band alone at the foot of a page). */
static int svg_row_need(const struct ctx *c, size_t r)
{
	int h = svg_row_height(c, &c->d.rows[r]);

	if (c->d.rows[r].kind != ROW_PHASE)
		return h;
	for (size_t n = r + 1; n < c->d.n; n++)
		if (svg_row_height(c, &c->d.rows[n]) > 0)
			return h + svg_row_height(c, &c->d.rows[n]);
	return h;
}

/* Where a row needing h goes when paged: at *y, or at the top of the next
 * page (*page counts from 0) when it would cross the bottom margin, so that
 * no row is cut by a page break.  Returns whether a new page began. */
static int svg_place(int *page, int *y, int h)
{
	if (*y + h <= (*page + 1) * EXPORT_A4_H - SVG_MARGIN)
		return 0;
	(*page)++;
	*y = *page * EXPORT_A4_H + SVG_MARGIN + SVG_HEAD;
	return 1;
}

/* The page number at the foot of page (from 0), and the end of its group. */
static void svg_page_end(struct ctx *c, int page)
{
	fprintf(c->out, "<text class=\"meta\" x=\"%d\" y=\"%d\" text-anchor=\"end\">page %d</text>\n</g>\n",
		EXPORT_A4_W - SVG_MARGIN, (page + 1) * EXPORT_A4_H - 14, page + 1);
}

/* Open the sheet of the diagram: the standalone svg is one sheet of pages
 * A4 pages (its @page rule asks for A4 paper without margins: the sheet
 * has its own); split (the html page), a sheet is one A4 page, the one
 * starting at page (from 0), so that a browser prints it on its own paper. */
static void svg_sheet_open(struct ctx *c, int split, int page, int pages)
{
	if (split)
		fprintf(c->out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sheet\" id=\"sheet%d\" width=\"%d\" "
				"height=\"%d\" viewBox=\"0 %d %d %d\">\n",
			page + 1, EXPORT_A4_W, EXPORT_A4_H, page * EXPORT_A4_H, EXPORT_A4_W, EXPORT_A4_H);
	else
		fprintf(c->out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"%dmm\" viewBox=\"0 0 %d %d\">\n",
			pages * 297, EXPORT_A4_W, pages * EXPORT_A4_H);
	if (page == 0)
		svg_style(c->out, !split);
	fprintf(c->out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		split ? page * EXPORT_A4_H : 0, EXPORT_A4_W, (split ? 1 : pages) * EXPORT_A4_H);
	if (page == 0) {
		fputs("<title>", c->out);
		xml(c->out, title_of(c));
		fputs("</title>\n", c->out);
	}
}

/* The diagram as SVG on A4 pages: each page one A4-sized group (id pageN),
 * its rows placed by svg_place so that no row is cut by a page break.
 * split (the html page) makes each page a sheet of its own (see
 * svg_sheet_open); interactive adds the html page's hooks.  Both exports
 * page the same way.  Returns the number of pages. */
static int svg_body(struct ctx *c, int split, int interactive)
{
	char meta[512];
	int y;
	int page = 0;
	int pages = 0;
	size_t r;

	meta_line(c, meta, sizeof meta);
	/* lay out once to know the number of pages */
	y = 120 + SVG_HEAD;
	for (r = 0; r < c->d.n; r++) {
		int h = svg_row_height(c, &c->d.rows[r]);

		if (h > 0) {
			svg_place(&pages, &y, svg_row_need(c, r));
			y += h;
		}
	}
	pages++;
	svg_sheet_open(c, split, 0, pages);
	fputs("<g class=\"page\" id=\"page1\">\n", c->out);
	{
		struct svgtext t = {c->out, SVG_MARGIN, SVG_MARGIN - 6, "title"};

		wrap(title_of(c), 80, emit_svg_title, &t);
	}
	fprintf(c->out, "<text class=\"meta\" x=\"%d\" y=\"%d\">", SVG_MARGIN, SVG_MARGIN + 24);
	xml(c->out, meta);
	fputs("</text>\n", c->out);
	svg_legend(c, SVG_MARGIN, SVG_MARGIN + 44);
	y = 120;
	svg_heads(c, y, EXPORT_A4_H - SVG_MARGIN);
	y += SVG_HEAD;
	/* rows, starting a new page when one does not fit */
	for (r = 0; r < c->d.n; r++) {
		const struct drow *row = &c->d.rows[r];
		int h = svg_row_height(c, row);

		if (h == 0)
			continue;
		if (svg_place(&page, &y, svg_row_need(c, r))) {
			int top = page * EXPORT_A4_H;

			svg_page_end(c, page - 1);
			if (split) {
				fputs("</svg>\n", c->out);
				svg_sheet_open(c, split, page, pages);
			}
			fprintf(c->out, "<g class=\"page\" id=\"page%d\">\n", page + 1);
			svg_heads(c, top + SVG_MARGIN, top + EXPORT_A4_H - SVG_MARGIN);
		}
		if (row->kind == ROW_PHASE) {
			fprintf(c->out, "<g class=\"phaseband\"><rect class=\"phase\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\"/>"
					"<text class=\"phasetext\" x=\"%d\" y=\"%d\">%s</text></g>\n",
				SVG_MARGIN - 8, y + 2, EXPORT_A4_W - 2 * SVG_MARGIN + 16, SVG_MARGIN, y + 15,
				phase_str(row->phase));
		} else {
			svg_event(c, c->log->ev[row->ev], row->ev, y, h, interactive);
		}
		y += h;
	}
	svg_page_end(c, page);
	fputs("</svg>\n", c->out);
	return pages;
}

/* ---- HTML ---- */

/* The events as JSON for the page's inspector. */
static void html_data(struct ctx *c)
{
	fputs("<script type=\"application/json\" id=\"events\">[", c->out);
	for (size_t i = 0; i < c->log->n; i++) {
		const struct event *ev = c->log->ev[i];
		char label[160];
		int shown = raw_shown(ev, c->secrets);

		short_label(ev, c->mitm, label, sizeof label);
		fprintf(c->out, "%s{\"seq\":%u,\"name\":", i ? ",\n" : "", ev->seq);
		js_str(c->out, evname_str(ev->name));
		fputs(",\"label\":", c->out);
		js_str(c->out, label);
		fputs(",\"summary\":", c->out);
		js_str(c->out, summary_of(c, ev));
		fprintf(c->out, ",\"actor\":\"%s\",\"layer\":\"%s\",\"colour\":\"%s\",\"explain\":", actor_str(ev->actor),
			layer_str(evname_layer(ev->name)), rgb_of(diagram_class(ev)));
		js_str(c->out, evname_explain(ev->name));
		fputs(",\"hex\":\"", c->out);
		for (size_t k = 0; shown && k < ev->raw_len; k++)
			fprintf(c->out, "%02x", ev->raw[k]);
		fputs("\",\"fields\":[", c->out);
		for (size_t k = 0; k < ev->nfields; k++) {
			const struct field *f = &ev->fields[k];

			fputs(k ? ",{\"name\":" : "{\"name\":", c->out);
			js_str(c->out, f->name);
			fputs(",\"value\":", c->out);
			js_str(c->out, field_value(ev, f, c->secrets, c->known));
			fprintf(c->out, ",\"offset\":%zu,\"length\":%zu,\"depth\":%d,\"role\":\"%s\"}", shown ? f->offset : 0,
				shown ? f->length : 0, f->depth, field_role_str(f->role));
		}
		fputs("]}", c->out);
	}
	fputs("]</script>\n", c->out);
}

/* The page's behaviour: a click (or Enter, or #ev=N[&field=M] in the
 * address) selects a message; its fields are listed and the selected
 * field's bytes are highlighted in the hex dump. */
static const char *const html_script =
	"<script>\n"
	"(function(){\n"
	"var E=JSON.parse(document.getElementById('events').textContent);\n"
	"var cur=-1;\n"
	"function el(t,c,x){var e=document.createElement(t);if(c)e.className=c;if(x!=null)e.textContent=x;return e;}\n"
	"function hexdump(ev,f){var h=document.getElementById('hex');h.textContent='';\n"
	" var n=ev.hex.length/2;if(!n){h.appendChild(el('span','none','(no bytes'+(ev.fields.some(function(x){return /secret: left out/.test(x.value);})?': secrets left out':'')+')'));return;}\n"
	" var lo=f?f.offset:0,hi=f?f.offset+f.length:0;\n"
	" for(var o=0;o<n;o+=16){var line=el('div','hexline');line.appendChild(el('span','off',('000'+o.toString(16)).slice(-4)+'  '));\n"
	"  var asc='';for(var i=o;i<o+16&&i<n;i++){var b=ev.hex.substr(2*i,2);var s=el('span',(i>=lo&&i<hi)?'byte hl':'byte',b+' ');line.appendChild(s);\n"
	"   var v=parseInt(b,16);asc+=(v>=32&&v<127)?String.fromCharCode(v):'.';}\n"
	"  line.appendChild(el('span','asc',' '+asc));h.appendChild(line);}\n"
	" var first=h.querySelector('.hl');if(first)h.scrollTop=first.offsetTop-h.offsetTop-24;}\n"
	"function pick(i,fi){var ev=E[i];if(!ev)return;cur=i;\n"
	" document.querySelectorAll('g.ev.sel').forEach(function(g){g.classList.remove('sel');});\n"
	" var g=document.getElementById('ev'+ev.seq);if(g)g.classList.add('sel');\n"
	" document.getElementById('insp-title').textContent='#'+ev.seq+' '+ev.label;\n"
	" document.getElementById('insp-title').style.color=ev.colour;\n"
	" document.getElementById('insp-summary').textContent=ev.summary;\n"
	" document.getElementById('insp-explain').textContent=ev.explain;\n"
	" var fl=document.getElementById('fields');fl.textContent='';\n"
	" if(fi==null){fi=-1;for(var k=0;k<ev.fields.length;k++)if(ev.fields[k].length>0){fi=k;break;}}\n"
	" ev.fields.forEach(function(f,k){var r=el('div','field'+(k===fi?' fsel':''));r.style.paddingLeft=(f.depth*1.2)+'em';\n"
	"  if(f.role)r.appendChild(el('span','role','('+f.role+') '));\n"
	"  r.appendChild(el('span','fname',f.name+': '));r.appendChild(el('span','fval',f.value));\n"
	"  if(f.length>0)r.appendChild(el('span','range',' [bytes '+f.offset+'..'+(f.offset+f.length-1)+']'));\n"
	"  r.onclick=function(){pick(i,k);};fl.appendChild(r);});\n"
	" hexdump(ev,fi>=0?ev.fields[fi]:null);\n"
	" var fs=fl.querySelector('.fsel');if(fs)fl.scrollTop=fs.offsetTop-fl.offsetTop-24;\n"
	" if(history.replaceState)history.replaceState(null,'','#ev='+ev.seq+(fi>=0?'&field='+fi:''));}\n"
	"document.querySelectorAll('g.ev').forEach(function(g){var i=+g.getAttribute('data-i');\n"
	" g.addEventListener('click',function(){pick(i);});\n"
	" g.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){pick(i);e.preventDefault();}});});\n"
	"document.addEventListener('keydown',function(e){if(e.target.tagName==='INPUT')return;\n"
	" if(e.key==='j'||e.key==='ArrowDown'){pick(Math.min(E.length-1,cur+1));e.preventDefault();}\n"
	" if(e.key==='k'||e.key==='ArrowUp'){pick(Math.max(0,cur-1));e.preventDefault();}});\n"
	"var m=/ev=(\\d+)(?:&field=(\\d+))?/.exec(location.hash);\n"
	"if(m){for(var k=0;k<E.length;k++)if(E[k].seq==+m[1])pick(k,m[2]!=null?+m[2]:null);}else if(E.length)pick(0);\n"
	"})();\n"
	"</script>\n";

static void export_html(struct ctx *c)
{
	char meta[512];

	meta_line(c, meta, sizeof meta);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", c->out);
	xml(c->out, title_of(c));
	fputs("</title>\n<style>\n"
	      "body{margin:0;font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;background:#fff}\n"
	      "header{padding:8px 16px;border-bottom:1px solid #ddd}\nh1{font-size:18px;margin:4px 0}\n"
	      ".meta{color:#555;font-size:12px}\n"
	      "#wrap{display:flex;align-items:flex-start}\n#left{flex:0 0 auto;overflow:auto}\n"
	      "#insp{flex:1 1 auto;position:sticky;top:0;height:100vh;box-sizing:border-box;display:flex;"
	      "flex-direction:column;padding:8px 16px;border-left:1px solid #ddd;min-width:360px;font-size:13px}\n"
	      "#insp h3{margin:8px 0 4px 0;font-size:13px}\n#fields{flex:1 1 auto;overflow:auto;min-height:80px}\n"
	      "#insp h2{font-size:15px;margin:6px 0}\n#insp-explain{color:#555;font-style:italic}\n"
	      ".field{font-family:'DejaVu Sans Mono',monospace;font-size:12px;cursor:pointer;padding:1px 2px;word-break:break-all}\n"
	      ".field:hover{background:#f2f2f2}\n.fsel{background:#fff2a8}\n.fname{font-weight:bold}\n"
	      ".role{color:#9a6700}\n.range{color:#777}\n"
	      "#hex{font-family:'DejaVu Sans Mono',monospace;font-size:12px;white-space:pre;flex:0 0 auto;max-height:35vh;overflow:auto;"
	      "background:#fafafa;border:1px solid #eee;padding:4px}\n"
	      ".hl{background:#ffd54f;font-weight:bold}\n.off{color:#888}\n.asc{color:#555}\n"
	      "g.ev{cursor:pointer}\ng.ev:hover .hit{fill:#f5f5f5}\ng.ev.sel .hit{fill:#fff2a8}\n"
	      "g.ev:focus{outline:none}\ng.ev:focus .hit{stroke:#1a4fb4}\n"
	      "svg.sheet{display:block}\n"
	      /* printed: the diagram's A4 sheets alone, one per sheet of paper
	       * (each sheet has its own margins); the inspector, the header
	       * (the first sheet has the title) and the selection stay off */
	      "@page{size:A4;margin:0}\n"
	      "@media print{header,#insp{display:none}body{margin:0}#wrap{display:block}#left{overflow:visible}"
	      "svg.sheet{width:210mm;height:297mm;break-after:page;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	      "svg.sheet:last-of-type{break-after:auto}"
	      "g.ev.sel .hit,g.ev:hover .hit{fill:transparent}g.ev:focus .hit{stroke:none}}\n"
	      "</style></head><body>\n<header><h1>", c->out);
	xml(c->out, title_of(c));
	fputs("</h1><div class=\"meta\">", c->out);
	xml(c->out, meta);
	fputs(" &mdash; click a message (or use j/k) to see its fields and bytes</div></header>\n"
	      "<div id=\"wrap\"><div id=\"left\">\n", c->out);
	svg_body(c, 1, 1);
	fputs("</div>\n<aside id=\"insp\"><h2 id=\"insp-title\">Click a message</h2>\n<div id=\"insp-summary\"></div>\n"
	      "<h3>Fields</h3><div id=\"fields\"></div>\n<h3>Bytes</h3><div id=\"hex\"></div>\n"
	      "<p id=\"insp-explain\"></p></aside></div>\n", c->out);
	html_data(c);
	fputs(html_script, c->out);
	fputs("</body></html>\n", c->out);
}

/* see export.h */
int export_write(FILE *out, enum export_format fmt, const struct saved_run *run, int secrets)
{
	struct ctx c;

	memset(&c, 0, sizeof c);
	c.out = out;
	c.run = run;
	c.log = &run->log;
	c.secrets = secrets;
	c.mitm = diagram_has_mitm(c.log);
	if (!secrets) {
		c.known = savefile_secrets_new();
		if (c.known == NULL)
			return -1;
		for (size_t i = 0; i < c.log->n; i++)
			savefile_secrets_learn(c.known, c.log->ev[i]);
	}
	if (diagram_build(&c.d, c.log, c.log->n, 0) < 0) {
		savefile_secrets_free(c.known);
		free(c.known);
		return -1;
	}
	switch (fmt) {
	case EXPORT_TEXT: export_text(&c); break;
	case EXPORT_MARKDOWN: export_markdown(&c); break;
	case EXPORT_MERMAID: export_mermaid(&c); break;
	case EXPORT_SVG:
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
		svg_body(&c, 0, 0);
		break;
	case EXPORT_HTML: export_html(&c); break;
	}
	diagram_free(&c.d);
	savefile_secrets_free(c.known);
	free(c.known);
	return ferror(out) ? -1 : 0;
}
