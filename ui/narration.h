/* The lesson narration pane as a pure model: it follows a lesson run over
 * the events as the learner reveals them, holds the cursor at questions,
 * judges answers and predictions, and lays the pane out into a grid.  All
 * text it draws comes from a parsed lesson (sanitised by the parser) or
 * from event fields (sanitised by event_field()), and goes through the
 * grid, which lets nothing unprintable reach the terminal. */
#ifndef HTTPSVIZ_NARRATION_H
#define HTTPSVIZ_NARRATION_H

#include <stddef.h>

#include "lessons/lesson.h"
#include "protocol/event.h"
#include "ui/diagram.h"
#include "ui/grid.h"

/* Flag bits returned by narration_reveal() and narration_key(). */
#define NF_REDRAW 1u    /* the pane changed */
#define NF_STEP 2u      /* a lesson step fired at this event */
#define NF_HOLD 4u      /* a question now holds the cursor: stop playing */
#define NF_PAUSE 8u     /* the step asks to pause: stop playing */
#define NF_SETTLED 16u  /* a prediction was judged by this event */
#define NF_EXPLORE 32u  /* the learner leaves the ended lesson to explore */

/* Where the current step's question stands. */
enum narr_qstate {
	NQ_NONE,        /* no question at this step */
	NQ_OPEN,        /* asked, not yet answered right: holds the cursor */
	NQ_RIGHT,       /* answered right */
	NQ_SKIPPED,     /* skipped with the skip key */
	NQ_PREDICTED,   /* a prediction is recorded; the next event judges it */
};

/* The key that skips a question (documented in the pane and the help). */
#define NARR_SKIP_KEY 's'
/* The key that leaves an ended lesson for free exploration. */
#define NARR_EXPLORE_KEY 'e'
/* The keys that scroll a narration too long for its pane. */
#define NARR_TEXT_UP '['
#define NARR_TEXT_DOWN ']'
/* The key of the reading view: the step's text over the whole screen. */
#define NARR_READ_KEY 'v'

struct narration {
	const struct lesson *l;
	struct lesson_run *run;
	const struct lesson_step *step;   /* the last step fired, or NULL */
	unsigned step_seq;                /* seq of the event that fired it */
	enum narr_qstate qstate;
	int wrong;                        /* the last answer was wrong */
	int tries;                        /* wrong answers to this question */
	int pick;                         /* the prediction made, -1 none */
	unsigned char marks[LESSON_MAX_CHOICES]; /* picks toggled so far */
	unsigned char judged[LESSON_MAX_CHOICES]; /* after an answer: 1 a right
						    * pick, 2 a wrong one (its
						    * tick is cleared) */
	char *feedback;                   /* the last answer's feedback (owned) */
	int has_verdict;                  /* a prediction verdict to show */
	struct lesson_verdict verdict;
	int pause;                        /* the current step asked to pause */
	int text_top;                     /* first line of the step's text shown
					   * when the pane is too short for it */
	int text_page;                    /* lines of it the last draw showed */
	size_t skipped_first, skipped;    /* steps passed over to reach this one
					   * (1-based first, count): their event
					   * did not occur in this run */
	int no_questions;                 /* --no-questions: steps are narrated,
					   * their questions not asked (kept by
					   * narration_restart) */
};

/* Start following lesson l (which must outlive n).  Returns 0, -1 when out
 * of memory. */
int narration_init(struct narration *n, const struct lesson *l);
/* Follow a fresh run of the same lesson (after a restart).  0 or -1. */
int narration_restart(struct narration *n);
void narration_free(struct narration *n);

/* Feed an event the first time it is revealed (in log order).  Returns NF_*
 * bits: a step fired, a question holds, a pause, a prediction settled. */
unsigned narration_reveal(struct narration *n, const struct event *ev);
/* 1 while an unanswered question holds the cursor. */
int narration_holding(const struct narration *n);
/* A key from the learner: '1'..'9' answer (or toggle a pick when several
 * choices are right), Enter ('\n') submits the toggled picks, NARR_SKIP_KEY
 * skips, NARR_EXPLORE_KEY leaves an ended lesson, NARR_TEXT_UP and
 * NARR_TEXT_DOWN page through the step's text (by the lines shown less one,
 * so a line of context stays).  Returns NF_* bits, 0
 * when the key is not for the narration. */
unsigned narration_key(struct narration *n, int key);
/* The index of the step's highlighted field in ev (the event that fired
 * it), or -1. */
int narration_highlight_field(const struct narration *n, const struct event *ev);
/* 1 when the lesson is over: its last step fired and nothing is pending,
 * or the exchange is finished (finished != 0) and nothing is pending. */
int narration_ended(const struct narration *n, int finished);

/* Draw the pane into r.  shown_seq is the seq of the last event on screen
 * (older than the current step when the view is rewound); finished says the
 * whole exchange has been revealed.  When the step's text is cut to fit,
 * the lines from n->text_top are shown (it is clamped to what the layout
 * allows, which is why n is not const) and the progress line says how to
 * scroll. */
void narration_draw(struct grid *g, const struct rect *r, struct narration *n,
		    unsigned shown_seq, int finished);
/* Rows the pane would like at width w (at least 4), with the narration
 * text cut to text_max lines when text_max > 0. */
int narration_rows(const struct narration *n, int w, int finished, int text_max);

#endif
