/* The lesson commands and the trace-mode lesson driver. */
#include "app/lessoncmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lessons/lessondir.h"
#include "protocol/sanitize.h"

#define WIDTH 78
#define INDENT 4
#define MAX_TRIES 3

/* Print every stored problem and how many more there were. */
static void print_errors(const struct lesson_errors *errs, const char *path, FILE *err)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(err, "%s\n", errs->e[i].text);
	if (errs->total > errs->n)
		fprintf(err, "%s: %zu more problems not shown\n", path, errs->total - errs->n);
}

/* see lessoncmd.h */
int lessoncmd_check(int argc, char **argv)
{
	int rc = 0;

	if (argc <= 0) {
		fprintf(stderr, "usage: httpsviz lesson check FILE...\n");
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		struct lesson_errors errs = {0};
		char *path = lessondir_find(argv[i]);
		struct lesson *l = lesson_load(path != NULL ? path : argv[i], &errs);

		if (l == NULL) {
			if (errs.n == 0)
				fprintf(stderr, "%s:0: cannot parse (out of memory)\n", argv[i]);
			print_errors(&errs, argv[i], stderr);
			rc = 2;
		} else {
			char *shown = sanitize_bytes(l->name, strlen(l->name));

			printf("%s: ok (%zu steps)\n", shown ? shown : "?", l->nsteps);
			free(shown);
		}
		lesson_free(l);
		lesson_errors_clear(&errs);
		free(path);
	}
	return rc;
}

/* see lessoncmd.h */
int lessoncmd_list(void)
{
	struct lessondir_entry *list;
	long n = lessondir_list(&list);

	if (n < 0) {
		fprintf(stderr, "httpsviz: out of memory\n");
		return 2;
	}
	if (n == 0) {
		char where[1024];

		lessondir_where(where, sizeof where);
		fprintf(stderr, "httpsviz: no lessons found (*.lesson); looked in: %s\n", where);
		return 2;
	}
	for (long i = 0; i < n; i++)
		printf("%-22s %s\n%*s%s\n", list[i].name, list[i].title, INDENT, "",
		       list[i].description);
	lessondir_free(list, (size_t)n);
	return 0;
}

/* see lessoncmd.h */
struct lesson *lessoncmd_load(const char *name, FILE *err)
{
	struct lesson_errors errs = {0};
	char *path = lessondir_find(name);
	struct lesson *l;

	if (path == NULL) {
		char *shown = sanitize_bytes(name, strlen(name));

		fprintf(err, "httpsviz: no lesson '%s' (try 'httpsviz lessons')\n",
			shown ? shown : "?");
		free(shown);
		return NULL;
	}
	l = lesson_load(path, &errs);
	if (l == NULL)
		print_errors(&errs, path, err);
	lesson_errors_clear(&errs);
	free(path);
	return l;
}

/* Print text wrapped and indented. */
static void put_wrapped(FILE *out, const char *text, int indent)
{
	char *w = lesson_wrap(text, WIDTH, indent);

	if (w != NULL)
		fputs(w, out);
	free(w);
}

/* see lessoncmd.h */
void lessoncmd_trace_begin(const struct lesson *l, FILE *out)
{
	fprintf(out, "== lesson: %s ==\n", l->title);
	put_wrapped(out, l->description, INDENT);
	fprintf(out, "   (%zu steps)\n", l->nsteps);
	fflush(out);
}

/* Read one line from in; 0 and the line (without newline), or -1 at EOF. */
static int read_line(FILE *in, char *buf, size_t len)
{
	size_t n;

	if (in == NULL || fgets(buf, (int)len, in) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n') {
		buf[--n] = '\0';
	} else {
		int c;

		/* drop the rest of an over-long line */
		do
			c = fgetc(in);
		while (c != EOF && c != '\n');
	}
	if (n > 0 && buf[n - 1] == '\r')
		buf[n - 1] = '\0';
	return 0;
}

/* Parse "2" or "1 3" / "1,3" into 0-based picks.  Returns the count, 0 for
 * an empty line, -1 for anything else. */
static int parse_picks(const char *s, size_t nchoices, int *picks, size_t max)
{
	size_t n = 0;

	for (const char *p = s; *p != '\0';) {
		if (*p == ' ' || *p == ',' || *p == '\t') {
			p++;
			continue;
		}
		if (*p < '1' || *p > '9' || (size_t)(*p - '0') > nchoices || n >= max)
			return -1;
		picks[n++] = *p - '1';
		p++;
		if (*p >= '0' && *p <= '9')
			return -1;
	}
	return (int)n;
}

/* A choice as shown: predictions show the event's label and name. */
static void put_choice(FILE *out, const struct lesson_question *q, size_t i)
{
	char line[256];

	if (q->kind == LQ_PREDICT)
		snprintf(line, sizeof line, "%zu) %s (%s)", i + 1,
			 evname_label((enum evname)q->choice_ev[i]), q->choices[i]);
	else
		snprintf(line, sizeof line, "%zu) %s", i + 1, q->choices[i]);
	put_wrapped(out, line, INDENT + 2);
}

/* Show a question and its choices. */
static void put_question(FILE *out, const struct lesson_question *q)
{
	char line[256];

	snprintf(line, sizeof line, "? %s", q->prompt);
	fputs("\n", out);
	put_wrapped(out, line, INDENT);
	for (size_t i = 0; i < q->nchoices; i++)
		put_choice(out, q, i);
	if (q->kind == LQ_CHOICE && q->ncorrect > 1)
		put_wrapped(out, "(more than one is right: type all their numbers, e.g. 1 3)", INDENT);
}

/* Ask a multiple-choice question on in until right, skipped or out of tries. */
static void ask_choice(struct lesson_run *run, const struct lesson_question *q, FILE *out,
		       FILE *in)
{
	char buf[128];
	int picks[LESSON_MAX_CHOICES];
	struct lesson_verdict v;
	int tries = 0;
	char *fb;

	put_question(out, q);
	for (;;) {
		int n;

		fprintf(out, "%*sanswer (Enter to skip)> ", INDENT, "");
		fflush(out);
		if (read_line(in, buf, sizeof buf) != 0) {
			fputs("\n", out);
			put_wrapped(out, "(skipped)", INDENT);
			return;
		}
		n = parse_picks(buf, q->nchoices, picks, LESSON_MAX_CHOICES);
		if (n == 0) {
			put_wrapped(out, "(skipped)", INDENT);
			return;
		}
		if (n < 0) {
			fprintf(out, "%*stype a number from 1 to %zu\n", INDENT, "", q->nchoices);
			continue;
		}
		lesson_answer(run, q, picks, (size_t)n, &v);
		/* per choice: why a wrong pick is wrong, partial credit */
		fb = lesson_feedback(q, &v, picks, (size_t)n);
		put_wrapped(out, fb != NULL ? fb : v.feedback, INDENT);
		free(fb);
		if (v.right)
			return;
		if (++tries >= MAX_TRIES) {
			fb = lesson_skip_text(q);
			put_wrapped(out, fb != NULL ? fb : "", INDENT);
			free(fb);
			return;
		}
		put_wrapped(out, "Try again.", INDENT);
	}
}

/* Ask a "what comes next?" question; it is judged when the next event comes. */
static void ask_predict(struct lesson_run *run, const struct lesson_question *q, FILE *out,
			FILE *in)
{
	char buf[128];
	int picks[1];

	put_question(out, q);
	for (;;) {
		int n;

		fprintf(out, "%*syour prediction (Enter to skip)> ", INDENT, "");
		fflush(out);
		if (read_line(in, buf, sizeof buf) != 0) {
			fputs("\n", out);
			break;
		}
		n = parse_picks(buf, q->nchoices, picks, 1);
		if (n == 0)
			break;
		if (n < 0) {
			fprintf(out, "%*stype one number from 1 to %zu\n", INDENT, "", q->nchoices);
			continue;
		}
		lesson_predict(run, q, picks[0]);
		put_wrapped(out, "(the next event will tell)", INDENT);
		return;
	}
	lesson_predict(run, q, -1);
	put_wrapped(out, "(skipped: the next event will show the answer)", INDENT);
}

/* Report how a pending prediction came out. */
static void put_prediction(FILE *out, const struct lesson_verdict *v)
{
	char buf[256];

	snprintf(buf, sizeof buf, "What came next: %s (%s).", evname_label((enum evname)v->actual),
		 evname_str((enum evname)v->actual));
	put_wrapped(out, buf, INDENT);
	if (v->pick >= 0) {
		put_wrapped(out, v->right ? "Your prediction was right!" : "Your prediction was wrong.",
			    INDENT);
		put_wrapped(out, v->feedback, INDENT);
	}
	if (!v->expected_ok)
		put_wrapped(out, "lesson note: this lesson expected a different event here; "
				 "the live run above is the truth.", INDENT);
}

/* see lessoncmd.h */
void lessoncmd_trace_event(struct lesson_run *run, const struct event *ev, FILE *out,
			   FILE *in, int no_questions)
{
	const struct lesson_step *s = lesson_match(run, ev);
	struct lesson_verdict v;
	size_t k;
	size_t n;

	if (lesson_prediction(run, &v))
		put_prediction(out, &v);
	if (s == NULL) {
		fflush(out);
		return;
	}
	k = lesson_progress(run, &n);
	fprintf(out, "\n  --- lesson step %zu of %zu: %s ---\n", k, n, evname_str(ev->name));
	{
		size_t first;
		size_t skipped = lesson_passed_over(run, s, &first);

		/* the count would seem to jump past an optional step */
		if (skipped == 1)
			fprintf(out, "%*s(step %zu did not apply: its event did not occur in this run)\n", INDENT, "",
				first);
		else if (skipped > 1)
			fprintf(out, "%*s(steps %zu-%zu did not apply: their events did not occur in this run)\n",
				INDENT, "", first, first + skipped - 1);
	}
	if (s->text != NULL) {
		char *text = lesson_render(run, s->text);

		if (text != NULL)
			put_wrapped(out, text, INDENT);
		free(text);
	}
	if (s->highlight != NULL) {
		const char *val = lesson_highlight_value(run, s);
		char *line = NULL;

		if (asprintf(&line, "[look at %s: %s]", s->highlight,
			     val != NULL ? val : "(not in this event)") >= 0) {
			put_wrapped(out, line, INDENT);
			free(line);
		}
	}
	if (s->question != NULL) {
		const struct lesson_question *q = s->question;

		if (q->kind == LQ_PREDICT && !no_questions) {
			ask_predict(run, q, out, in);
		} else if (q->kind == LQ_PREDICT) {
			put_question(out, q);
			lesson_predict(run, q, -1);
		} else if (!no_questions) {
			ask_choice(run, q, out, in);
		} else {
			char *t = lesson_skip_text(q);
			char *line = NULL;

			put_question(out, q);
			if (t != NULL && asprintf(&line, "(questions skipped) %s", t) < 0)
				line = NULL;
			put_wrapped(out, line != NULL ? line : "(questions skipped)", INDENT);
			free(line);
			free(t);
		}
	}
	if (s->pause && !no_questions && in != NULL && isatty(fileno(in))) {
		char buf[64];

		fprintf(out, "%*s(press Enter to continue)", INDENT, "");
		fflush(out);
		read_line(in, buf, sizeof buf);
	}
	fputs("\n", out);
	fflush(out);
}

/* see lessoncmd.h */
void lessoncmd_trace_end(const struct lesson_run *run, FILE *out)
{
	size_t n;
	size_t k = lesson_progress(run, &n);
	int asked;
	int right;

	lesson_score(run, &asked, &right);
	fprintf(out, "== end of lesson: reached step %zu of %zu", k, n);
	if (asked > 0)
		fprintf(out, "; %d of %d questions right at the first try", right, asked);
	fputs(" ==\n", out);
	fflush(out);
}
