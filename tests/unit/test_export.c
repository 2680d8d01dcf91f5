/* Handouts (app/export.c): every format holds every event's text in full,
 * and text from a peer (a certificate's name, an HTTP header) can never
 * become markup, script or a Mermaid statement. */
#include "tests/unit/testutil.h"

#include <ctype.h>
#include <stdlib.h>

#include "app/export.h"

/* A hostile peer's words, as a summary and a field value would carry them. */
#define EVIL "CN=</script><script>alert(1)</script> & <b>x</b> | *y* #35; a;b %%{init}%% -->> C"

static void make_run(struct saved_run *run)
{
	struct event *ev;
	static const uint8_t hello[] = {0x01, 0x00, 0x00, 0x02, 0x03, 0x03};
	static const uint8_t secret[] = {0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};

	memset(run, 0, sizeof *run);
	evlog_init(&run->log);
	snprintf(run->title, sizeof run->title, "title " EVIL);
	snprintf(run->date, sizeof run->date, "2026-11-30T08:00:00Z");
	run->has_end = 1;
	run->end.status = SAVED_FAILED;
	snprintf(run->end.error, sizeof run->end.error, "bad " EVIL);
	ev = evlog_add(&run->log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, hello, sizeof hello,
		       "ClientHello from " EVIL);
	assert_non_null(ev);
	event_field(ev, 0, "handshake_type", 0, 1, "ClientHello (1)");
	event_field(ev, 0, "legacy_version", 4, 2, "%s", EVIL);
	ev = evlog_add(&run->log, EV_CERT_HOSTNAME, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "hostname: %s FAIL", EVIL);
	event_set_result(ev, RESULT_FAIL, 62, "Hostname mismatch");
	ev = evlog_add(&run->log, EV_KEX_SECRET, ACTOR_CLIENT, DIR_LOCAL, secret, sizeof secret, "keylog: X");
	event_field_hex(ev, 0, "secret", 0, sizeof secret, 0);
	ev = evlog_add(&run->log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "Alert fatal bad certificate");
	/* a field no rule knows, showing the secret: the safety net hides it */
	event_field(ev, 0, "debug", 0, 0, "copy of 5ec2e75ec2e7112233445566");
}

/* Every ';' of a Mermaid line ends an entity code (#59; #lt; ...): a bare
 * one would end the statement. */
static int semicolons_are_entities(const char *s)
{
	for (const char *p = strchr(s, ';'); p != NULL; p = strchr(p + 1, ';')) {
		const char *h = p;

		while (h > s && h[-1] != '#' && (isalnum((unsigned char)h[-1])))
			h--;
		if (h == s || h[-1] != '#' || h == p)
			return 0;
	}
	return 1;
}

static char *render(const struct saved_run *run, enum export_format fmt, int secrets)
{
	char *text = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);

	assert_non_null(m);
	assert_int_equal(export_write(m, fmt, run, secrets), 0);
	fclose(m);
	return text;
}

static void test_html_is_inert(void **state)
{
	struct saved_run run;
	char *html;
	const char *data;

	(void)state;
	make_run(&run);
	html = render(&run, EXPORT_HTML, 0);
	/* the only scripts are the page's own two */
	assert_null(strstr(html, "<script>alert"));
	assert_null(strstr(html, "<b>x</b>"));
	data = strstr(html, "<script type=\"application/json\" id=\"events\">");
	assert_non_null(data);
	assert_null(strstr(data + 10, "</script><script>alert"));
	assert_non_null(strstr(html, "&lt;/script&gt;"));          /* in the svg text */
	assert_non_null(strstr(html, "\\u003c/script\\u003e"));    /* in the data */
	/* no outside resource */
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "<link"));
	/* the secret's bytes are left out without secrets */
	assert_null(strstr(html, "5ec2e75ec2e7"));
	assert_null(strstr(html, "copy of"));
	assert_non_null(strstr(html, "left out of this export"));
	assert_non_null(strstr(html, "010000020303")); /* the ClientHello's bytes are no secret */
	free(html);
	html = render(&run, EXPORT_HTML, 1);
	assert_non_null(strstr(html, "5ec2e75ec2e7"));
	free(html);
	evlog_clear(&run.log);
}

static void test_svg_and_mermaid_inert(void **state)
{
	struct saved_run run;
	char *svg;
	char *mmd;
	char *md;

	(void)state;
	make_run(&run);
	svg = render(&run, EXPORT_SVG, 0);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<b>"));
	assert_non_null(strstr(svg, "width=\"210mm\""));
	assert_non_null(strstr(svg, "class=\"arrow\""));
	free(svg);
	mmd = render(&run, EXPORT_MERMAID, 0);
	assert_true(strncmp(mmd, "sequenceDiagram\n", 16) == 0);
	/* a peer's ; or # or %% cannot end a statement or open a directive */
	for (char *line = strchr(mmd, '\n'); line != NULL; line = strchr(line + 1, '\n')) {
		char *end = strchr(line + 1, '\n');
		size_t n = end ? (size_t)(end - line - 1) : strlen(line + 1);
		char buf[2048];

		snprintf(buf, sizeof buf, "%.*s", (int)n, line + 1);
		assert_true(semicolons_are_entities(buf));
		assert_null(strstr(buf, "%%"));
		assert_null(strchr(buf, '<'));
	}
	assert_non_null(strstr(mmd, "-x"));  /* the failed check and the fatal alert */
	free(mmd);
	md = render(&run, EXPORT_MARKDOWN, 0);
	assert_null(strstr(md, "<b>x</b>"));
	assert_non_null(strstr(md, "\\| \\*y\\*"));
	free(md);
	evlog_clear(&run.log);
}

static void test_text_holds_everything(void **state)
{
	struct saved_run run;
	char *txt;

	(void)state;
	make_run(&run);
	txt = render(&run, EXPORT_TEXT, 0);
	assert_non_null(strstr(txt, "== hello =="));
	assert_non_null(strstr(txt, "FAILED"));
	assert_non_null(strstr(txt, "Alert fatal bad certificate"));
	assert_null(strstr(txt, "\xe2\x80\xa6"));  /* nothing cut with an ellipsis */
	free(txt);
	assert_true(export_format_valid("svg"));
	assert_false(export_format_valid("pdf"));
	assert_int_equal(export_format_from_str("mermaid"), EXPORT_MERMAID);
	evlog_clear(&run.log);
}

/* The svg prints page for page: as many A4 page groups as the sheet is A4
 * pages tall, an @page rule asking for A4 without margins, every row
 * inside its page's margins; the html page has the same pages, each an
 * inline svg of its own, and a print stylesheet (A4, no inspector). */
static void test_svg_pages(void **state)
{
	struct saved_run run;
	char *svg;
	char *html;
	int mm = 0;
	int pages = 0;
	int rows = 0;

	(void)state;
	make_run(&run);
	for (int i = 0; i < 60; i++)
		evlog_add(&run.log, EV_KEX_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0,
			  "a note long enough to wrap onto a second line of the column of text, number %d", i);
	svg = render(&run, EXPORT_SVG, 0);
	assert_non_null(strstr(svg, "@page{size:A4;margin:0}"));
	assert_int_equal(sscanf(strstr(svg, "height=\""), "height=\"%dmm\"", &mm), 1);
	assert_true(mm >= 3 * 297);
	assert_int_equal(mm % 297, 0);
	for (const char *p = strstr(svg, "<g class=\"page\" id=\"page"); p != NULL;
	     p = strstr(p + 1, "<g class=\"page\" id=\"page")) {
		int id = 0;

		assert_int_equal(sscanf(p, "<g class=\"page\" id=\"page%d\"", &id), 1);
		assert_int_equal(id, ++pages);
	}
	assert_int_equal(pages, mm / 297);
	for (const char *p = strstr(svg, "<rect class=\"hit\""); p != NULL; p = strstr(p + 1, "<rect class=\"hit\"")) {
		int x = 0;
		int y = 0;
		int w = 0;
		int h = 0;
		int top;

		assert_int_equal(sscanf(p, "<rect class=\"hit\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", &x, &y, &w, &h), 4);
		top = y / EXPORT_A4_H * EXPORT_A4_H;
		assert_true(y >= top + 36);
		assert_true(y + h <= top + EXPORT_A4_H - 36);
		rows++;
	}
	assert_int_equal(rows, 64);
	free(svg);
	html = render(&run, EXPORT_HTML, 0);
	assert_non_null(strstr(html, "@page{size:A4;margin:0}"));
	assert_non_null(strstr(html, "@media print{header,#insp{display:none}"));
	assert_non_null(strstr(html, "break-after:page"));
	/* the same pages, each an A4 sheet of its own holding its page group */
	for (int k = 0; k < pages; k++) {
		char want[160];
		const char *sheet;
		const char *group;

		snprintf(want, sizeof want, "class=\"sheet\" id=\"sheet%d\" width=\"%d\" height=\"%d\" viewBox=\"0 %d %d %d\"",
			 k + 1, EXPORT_A4_W, EXPORT_A4_H, k * EXPORT_A4_H, EXPORT_A4_W, EXPORT_A4_H);
		sheet = strstr(html, want);
		assert_non_null(sheet);
		snprintf(want, sizeof want, "<g class=\"page\" id=\"page%d\">", k + 1);
		group = strstr(html, want);
		assert_non_null(group);
		assert_true(group > sheet);
		assert_true(strstr(sheet, "</svg>") > group);
	}
	{
		char want[64];

		snprintf(want, sizeof want, "id=\"sheet%d\"", pages + 1);
		assert_null(strstr(html, want));
	}
	free(html);
	evlog_clear(&run.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_is_inert),
		cmocka_unit_test(test_svg_and_mermaid_inert),
		cmocka_unit_test(test_svg_pages),
		cmocka_unit_test(test_text_holds_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
