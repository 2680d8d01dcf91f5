/* The lesson narration pane: follows a lesson run, judges answers, lays out. */
#include "ui/narration.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* see narration.h */
int narration_init(struct narration *n, const struct lesson *l)
{
	memset(n, 0, sizeof *n);
	n->l = l;
	n->pick = -1;
	n->run = lesson_run_new(l);
	return n->run != NULL ? 0 : -1;
}

/* see narration.h */
int narration_restart(struct narration *n)
{
	const struct lesson *l = n->l;
	int no_questions = n->no_questions;
	int rc;

	narration_free(n);
	rc = narration_init(n, l);
	n->no_questions = no_questions;
	return rc;
}

/* see narration.h */
void narration_free(struct narration *n)
{
	free(n->feedback);
	n->feedback = NULL;
	lesson_run_free(n->run);
	n->run = NULL;
	n->step = NULL;
}

/* see narration.h */
unsigned narration_reveal(struct narration *n, const struct event *ev)
{
	const struct lesson_step *s;
	unsigned flags = 0;
	int settled;

	if (n->run == NULL)
		return 0;
	s = lesson_match(n->run, ev);
	settled = lesson_prediction(n->run, &n->verdict);
	if (settled) {
		n->has_verdict = 1;
		flags |= NF_SETTLED | NF_REDRAW;
	} else if (s != NULL) {
		/* an old verdict belongs to the step before */
		n->has_verdict = 0;
	}
	if (s == NULL)
		return flags;
	/* an optional step whose event did not come is passed over: say so,
	 * or the count seems to jump */
	n->skipped = lesson_passed_over(n->run, s, &n->skipped_first);
	n->step = s;
	n->step_seq = ev->seq;
	n->text_top = 0;
	n->qstate = s->question != NULL && !n->no_questions ? NQ_OPEN : NQ_NONE;
	n->wrong = 0;
	n->tries = 0;
	n->pick = -1;
	n->pause = s->pause;
	memset(n->marks, 0, sizeof n->marks);
	memset(n->judged, 0, sizeof n->judged);
	free(n->feedback);
	n->feedback = NULL;
	flags |= NF_STEP | NF_REDRAW;
	if (n->qstate == NQ_OPEN)
		flags |= NF_HOLD;
	if (s->pause)
		flags |= NF_PAUSE;
	return flags;
}

/* see narration.h */
int narration_holding(const struct narration *n)
{
	return n->run != NULL && n->step != NULL && n->qstate == NQ_OPEN;
}

/* Judge the picks of a multiple-choice question. */
static unsigned judge(struct narration *n, const int *picks, size_t np)
{
	const struct lesson_question *q = n->step->question;
	struct lesson_verdict v;

	if (lesson_answer(n->run, q, picks, np, &v)) {
		n->qstate = NQ_RIGHT;
		n->wrong = 0;
	} else {
		/* a wrong answer may try again */
		n->wrong = 1;
		n->tries++;
	}
	free(n->feedback);
	n->feedback = lesson_feedback(q, &v, picks, np);
	/* each pick is marked right or wrong; a wrong pick's tick is cleared,
	 * so the next try starts from what was right */
	memset(n->judged, 0, sizeof n->judged);
	for (size_t k = 0; k < np; k++) {
		int i = picks[k];

		if (i < 0 || (size_t)i >= q->nchoices)
			continue;
		n->judged[i] = q->correct[i] ? 1 : 2;
		if (!q->correct[i])
			n->marks[i] = 0;
	}
	return NF_REDRAW;
}

/* Answer the open question with choice i (0-based). */
static unsigned choose(struct narration *n, int i)
{
	const struct lesson_question *q = n->step->question;

	if (q->kind == LQ_PREDICT) {
		if (lesson_predict(n->run, q, i) < 0)
			return 0;
		n->pick = i;
		n->qstate = NQ_PREDICTED;
		return NF_REDRAW;
	}
	if (q->ncorrect > 1) {
		n->marks[i] = !n->marks[i];
		n->judged[i] = 0;
		n->wrong = 0;
		return NF_REDRAW;
	}
	return judge(n, &i, 1);
}

/* see narration.h */
unsigned narration_key(struct narration *n, int key)
{
	const struct lesson_question *q;

	if (n->run == NULL)
		return 0;
	if ((key == NARR_TEXT_UP || key == NARR_TEXT_DOWN) && n->step != NULL) {
		/* a page at a time, one line kept for context; the upper bound
		 * is the layout's: narration_draw() clamps */
		int page = n->text_page > 2 ? n->text_page - 1 : 1;

		if (key == NARR_TEXT_DOWN)
			n->text_top += page;
		else
			n->text_top = n->text_top > page ? n->text_top - page : 0;
		return NF_REDRAW;
	}
	if (key == NARR_EXPLORE_KEY && narration_ended(n, 0))
		return NF_EXPLORE;
	if (!narration_holding(n))
		return 0;
	q = n->step->question;
	if (key >= '1' && key <= '9') {
		int i = key - '1';

		if ((size_t)i >= q->nchoices)
			return NF_REDRAW;
		return choose(n, i);
	}
	if (key == '\n' && q->kind == LQ_CHOICE && q->ncorrect > 1) {
		int picks[LESSON_MAX_CHOICES];
		size_t np = 0;

		for (size_t i = 0; i < q->nchoices && i < LESSON_MAX_CHOICES; i++)
			if (n->marks[i])
				picks[np++] = (int)i;
		if (np == 0)
			return NF_REDRAW;
		return judge(n, picks, np);
	}
	if (key == NARR_SKIP_KEY) {
		if (q->kind == LQ_PREDICT)
			lesson_predict(n->run, q, -1);
		n->qstate = NQ_SKIPPED;
		n->wrong = 0;
		return NF_REDRAW;
	}
	return 0;
}

/* see narration.h */
int narration_highlight_field(const struct narration *n, const struct event *ev)
{
	const struct field *f;

	if (n->step == NULL || n->step->highlight == NULL || ev == NULL)
		return -1;
	f = event_find_field(ev, n->step->highlight);
	return f != NULL ? (int)(f - ev->fields) : -1;
}

/* see narration.h */
int narration_ended(const struct narration *n, int finished)
{
	if (n->run == NULL || narration_holding(n))
		return 0;
	return lesson_done(n->run) || finished;
}

/* ---- layout ---- */

/* One paragraph of the pane. */
struct block {
	char *text;          /* owned */
	int cls;
	unsigned attr;
	int gap;             /* a blank line before it */
	int shrink;          /* may be cut to fit (the narration itself) */
	int maxlines;        /* 0: no limit of its own */
	int indent;          /* columns of a hanging indent after the first line */
	size_t start;        /* bytes of text already scrolled past */
};

#define MAX_BLOCKS (LESSON_MAX_CHOICES + 12)

struct blocks {
	struct block b[MAX_BLOCKS];
	int n;
};

/* Append a formatted block (dropped when out of memory or full). */
static void add(struct blocks *bs, int cls, unsigned attr, int gap, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add(struct blocks *bs, int cls, unsigned attr, int gap, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int rc;

	if (bs->n >= MAX_BLOCKS)
		return;
	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return;
	bs->b[bs->n] = (struct block){s, cls, attr, gap, 0, 0, 0, 0};
	bs->n++;
}

/* Free every block's text. */
static void blocks_free(struct blocks *bs)
{
	for (int i = 0; i < bs->n; i++)
		free(bs->b[i].text);
	bs->n = 0;
}

/* The blocks about the current step's question. */
static void question_blocks(struct blocks *bs, const struct narration *n)
{
	const struct lesson_question *q = n->step->question;
	int multi = q->kind == LQ_CHOICE && q->ncorrect > 1;

	add(bs, CLS_TITLE, GA_BOLD, 1, "%s %s", q->kind == LQ_PREDICT ? "Predict:" : "?", q->prompt);
	for (size_t i = 0; i < q->nchoices; i++) {
		const char *mark = multi ? (n->marks[i] ? "[x] " : "[ ] ") : "";
		int chosen = n->qstate == NQ_PREDICTED && n->pick == (int)i;

		if (q->kind == LQ_PREDICT)
			add(bs, chosen ? CLS_HILITE : CLS_DEFAULT, chosen ? GA_BOLD : 0, 0,
			    " %zu) %s (%s)", i + 1, evname_label((enum evname)q->choice_ev[i]),
			    q->choices[i]);
		else
			add(bs, n->judged[i] == 1 ? CLS_DATA : n->judged[i] == 2 ? CLS_ERROR : CLS_DEFAULT,
			    n->judged[i] ? GA_BOLD : 0, 0, " %s%zu) %s%s", mark, i + 1, q->choices[i],
			    n->judged[i] == 1 ? "  (right)" : n->judged[i] == 2 ? "  (wrong)" : "");
		bs->b[bs->n - 1].indent = multi ? 8 : 4;
	}
	switch (n->qstate) {
	case NQ_OPEN:
		if (n->wrong)
			add(bs, CLS_ERROR, GA_BOLD, 1, "%s Try again, or %c to skip.",
			    n->feedback != NULL ? n->feedback : q->wrong, NARR_SKIP_KEY);
		if (multi)
			add(bs, CLS_STATUS, GA_REVERSE, 0,
			    " several are right: 1-%zu toggle, Enter answers, %c skips ",
			    q->nchoices, NARR_SKIP_KEY);
		else
			add(bs, CLS_STATUS, GA_REVERSE, 0, " %s: press 1-%zu, %c skips ",
			    q->kind == LQ_PREDICT ? "predict" : "answer", q->nchoices, NARR_SKIP_KEY);
		break;
	case NQ_RIGHT:
		add(bs, CLS_DATA, GA_BOLD, 1, "%s", n->feedback != NULL ? n->feedback : q->right);
		break;
	case NQ_SKIPPED:
		if (q->kind == LQ_PREDICT) {
			add(bs, CLS_DIM, 0, 1, "(skipped: the next message will show the answer)");
		} else {
			char *t = lesson_skip_text(q);

			add(bs, CLS_DIM, 0, 1, "(skipped) %s", t != NULL ? t : "");
			free(t);
		}
		break;
	case NQ_PREDICTED:
		if (!n->has_verdict)
			add(bs, CLS_DIM, 0, 1, "Your prediction: %d. Step on: the next message will tell.",
			    n->pick + 1);
		break;
	case NQ_NONE:
		break;
	}
}

/* Collect the blocks of the pane. */
static void collect(struct blocks *bs, const struct narration *n, unsigned shown_seq,
		    int finished)
{
	const struct lesson_step *s = n->step;
	int rewound = s != NULL && shown_seq < n->step_seq;
	size_t total;
	size_t k;

	bs->n = 0;
	if (n->run == NULL)
		return;
	k = lesson_progress(n->run, &total);
	add(bs, CLS_TITLE, GA_BOLD | GA_REVERSE, 0, " Lesson: %s ", n->l->title);
	if (rewound) {
		s = lesson_step_at(n->run, shown_seq);
		add(bs, CLS_PHASE, GA_BOLD, 0, "lesson step %zu of %zu (rewound: shown as it was)",
		    s != NULL ? s->index + 1 : 0, total);
	} else {
		add(bs, CLS_PHASE, GA_BOLD, 0, "lesson step %zu of %zu", k, total);
		if (n->skipped == 1)
			add(bs, CLS_DIM, 0, 0, "(step %zu did not apply: its event did not occur in this run)",
			    n->skipped_first);
		else if (n->skipped > 1)
			add(bs, CLS_DIM, 0, 0, "(steps %zu-%zu did not apply: their events did not occur in this run)",
			    n->skipped_first, n->skipped_first + n->skipped - 1);
	}
	if (n->has_verdict && !rewound) {
		const struct lesson_verdict *v = &n->verdict;

		add(bs, v->right ? CLS_DATA : CLS_ERROR, GA_BOLD, 1, "What came next: %s (%s).%s",
		    evname_label((enum evname)v->actual), evname_str((enum evname)v->actual),
		    v->pick < 0 ? "" : v->right ? " Your prediction was right!"
						: " Your prediction was wrong.");
		if (v->pick >= 0)
			add(bs, CLS_DEFAULT, 0, 0, "%s", v->feedback);
		if (!v->expected_ok)
			add(bs, CLS_DIM, 0, 0, "(this lesson expected a different message here; "
					       "the live run is the truth)");
	}
	if (s == NULL) {
		if (shown_seq == 0 || n->l->nsteps == 0)
			add(bs, CLS_DIM, 0, 1, "The lesson begins with the first message: press Space to "
					       "reveal it.");
		else
			add(bs, CLS_DIM, 0, 1, "Press Space to go on: the lesson's first step comes with "
					       "the %s.", evname_label(n->l->steps[0].at.name));
		return;
	}
	if (s->text != NULL) {
		char *text = lesson_render(n->run, s->text);

		if (text != NULL && bs->n < MAX_BLOCKS) {
			bs->b[bs->n] = (struct block){text, CLS_DEFAULT, 0, 1, 1, 0, 0, 0};
			bs->n++;
		} else {
			free(text);
		}
	}
	if (s->highlight != NULL) {
		const char *val = lesson_highlight_value(n->run, s);

		/* which message it is in: the inspector may since have moved on */
		add(bs, CLS_HILITE, GA_BOLD, 1, "Look at %s: %s (in #%u, selected in the inspector)",
		    s->highlight, val != NULL ? val : "(not in this message)", n->step_seq);
		bs->b[bs->n - 1].maxlines = 2;
	}
	if (rewound) {
		if (n->step->question != NULL && !n->no_questions)
			add(bs, CLS_DIM, 0, 1, "(the question waits at the newest step)");
		return;
	}
	if (s->question != NULL && !n->no_questions)
		question_blocks(bs, n);
	if (n->pause && n->qstate != NQ_OPEN && !narration_ended(n, finished))
		add(bs, CLS_DIM, 0, 1, "The lesson pauses here: press Space to go on.");
	if (narration_ended(n, finished)) {
		int asked;
		int right;

		lesson_score(n->run, &asked, &right);
		add(bs, CLS_PHASE, GA_BOLD | GA_REVERSE, 1, " End of the lesson. ");
		if (asked > 0)
			add(bs, CLS_DEFAULT, 0, 0, "%d of %d questions right at the first try.",
			    right, asked);
		add(bs, CLS_DEFAULT, 0, 0, "Press %c to go on exploring freely, m for the menu "
					   "(other lessons, scenarios), q to quit.",
		    NARR_EXPLORE_KEY);
	}
}

/* Draw (g not NULL) or count a block's lines at (x, y), width w, at most
 * max lines: the first line full width, the rest after the hanging indent. */
static int block_wrap(struct grid *g, const struct block *b, int x, int y, int w, int max)
{
	char first[1024];
	size_t skip = 0;
	size_t len;
	const char *text = b->text + b->start;
	const char *rest;

	if (max <= 0 || text[0] == '\0')
		return 0;
	if (b->indent <= 0 || b->indent >= w / 2)
		return grid_wrap(g, x, y, w, max, text, b->cls, b->attr);
	len = grid_wrap_prefix(text, w, &skip);
	if (len >= sizeof first)
		len = sizeof first - 1;
	memcpy(first, text, len);
	first[len] = '\0';
	if (g != NULL)
		grid_text(g, x, y, w, first, b->cls, b->attr);
	rest = text + len + skip;
	if (*rest == '\0' || max == 1)
		return 1;
	return 1 + grid_wrap(g, x + b->indent, y + 1, w - b->indent, max - 1, rest, b->cls,
			     b->attr);
}

/* Lines a block takes at width w (with its gap). */
static int block_lines(const struct block *b, int w)
{
	int max = b->maxlines > 0 ? b->maxlines : 1000;

	if (b->maxlines < 0)
		return 0;
	return b->gap + block_wrap(NULL, b, 0, 0, w, max);
}

/* Lines all blocks take at width w. */
static int total_lines(const struct blocks *bs, int w)
{
	int total = 0;

	for (int i = 0; i < bs->n; i++)
		total += block_lines(&bs->b[i], w);
	return total;
}

/* see narration.h */
int narration_rows(const struct narration *n, int w, int finished, int text_max)
{
	struct blocks bs;
	int rows = 0;

	collect(&bs, n, n->step_seq, finished);
	for (int i = 0; i < bs.n; i++) {
		if (bs.b[i].shrink && text_max > 0)
			bs.b[i].maxlines = text_max;
		rows += block_lines(&bs.b[i], w);
	}
	blocks_free(&bs);
	return rows < 4 ? 4 : rows;
}

/* The step's text was cut to b->maxlines of its lines lines: start at
 * n->text_top (clamped), and say on the progress line which lines show and
 * how to scroll. */
static void scroll_text(struct blocks *bs, struct block *b, int lines, int w,
			struct narration *n)
{
	char hint[3][96];
	char *line;
	int top;

	if (n->text_top > lines - b->maxlines)
		n->text_top = lines - b->maxlines;
	top = n->text_top;
	n->text_page = b->maxlines;
	for (int i = 0; i < top; i++) {
		size_t skip;
		size_t len = grid_wrap_prefix(b->text + b->start, w, &skip);

		b->start += len + skip;
	}
	/* the hint must not wrap the progress line (the layout is counted):
	 * the long form, else the short one, else none */
	snprintf(hint[0], sizeof hint[0], "  (lines %d-%d of %d: %c %c page, %c all)", top + 1,
		 top + b->maxlines, lines, NARR_TEXT_UP, NARR_TEXT_DOWN, NARR_READ_KEY);
	snprintf(hint[1], sizeof hint[1], "  (%c all, %c %c more)", NARR_READ_KEY, NARR_TEXT_UP, NARR_TEXT_DOWN);
	snprintf(hint[2], sizeof hint[2], " (%c all)", NARR_READ_KEY);
	for (int i = 0; i < 3 && bs->n > 1; i++) {
		if (asprintf(&line, "%s%s", bs->b[1].text, hint[i]) < 0)
			return;
		if (grid_wrap(NULL, 0, 0, w, 2, line, 0, 0) == 1) {
			free(bs->b[1].text);
			bs->b[1].text = line;
			return;
		}
		free(line);
	}
}

/* see narration.h */
void narration_draw(struct grid *g, const struct rect *r, struct narration *n,
		    unsigned shown_seq, int finished)
{
	struct blocks bs;
	int y = r->y;
	int over;
	int cut = -1;
	int cut_lines = 0;

	if (r->w < 10 || r->h < 2)
		return;
	collect(&bs, n, shown_seq, finished);
	/* when it does not fit, give way in turn so the question stays whole:
	 * the narration shrinks (down to one line, scrolled with [ ]), then
	 * the blank lines go, then the highlight; the narration itself is
	 * never dropped, or a question could come with no text to answer from */
	over = total_lines(&bs, r->w) - r->h;
	for (int i = 0; i < bs.n && over > 0; i++) {
		int lines = block_lines(&bs.b[i], r->w) - bs.b[i].gap;

		if (!bs.b[i].shrink)
			continue;
		bs.b[i].maxlines = lines - over > 1 ? lines - over : 1;
		over -= lines - bs.b[i].maxlines;
		cut = i;
		cut_lines = lines;
	}
	for (int i = 0; i < bs.n && over > 0; i++) {
		over -= bs.b[i].gap;
		bs.b[i].gap = 0;
	}
	for (int i = 0; i < bs.n && over > 0; i++) {
		if (bs.b[i].cls != CLS_HILITE)
			continue;
		over -= block_lines(&bs.b[i], r->w);
		bs.b[i].maxlines = -1;
	}
	if (cut >= 0 && bs.b[cut].maxlines > 0 && bs.b[cut].maxlines < cut_lines)
		scroll_text(&bs, &bs.b[cut], cut_lines, r->w, n);
	for (int i = 0; i < bs.n && y < r->y + r->h; i++) {
		const struct block *b = &bs.b[i];
		int max = r->y + r->h - y - b->gap;

		if (b->maxlines > 0 && b->maxlines < max)
			max = b->maxlines;
		if (b->maxlines < 0)
			continue;
		y += b->gap;
		if (max <= 0)
			break;
		y += block_wrap(g, b, r->x, y, r->w, max);
	}
	blocks_free(&bs);
}
