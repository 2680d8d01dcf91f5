/* Lessons: teacher-written scripts that narrate the live exchange.
 *
 * A lesson file (format in lessons/FORMAT.md) is parsed into a struct lesson;
 * a struct lesson_run then follows one live run: feed it every event as it is
 * revealed (lesson_match) and it says which step to narrate.  Nothing here
 * knows about a screen: the TUI narration pane and the trace printer are both
 * readers.  All text in a parsed lesson is valid, printable UTF-8 and has been
 * passed through sanitize_bytes(); rendered text (placeholders filled from
 * event fields, which event_field() sanitised) is safe to display as well. */
#ifndef HTTPSVIZ_LESSON_H
#define HTTPSVIZ_LESSON_H

#include <stddef.h>

#include "protocol/event.h"
#include "protocol/runopts.h"

#define LESSON_MAX_LINE 200     /* bytes per line, without the newline */
#define LESSON_MAX_FILE 65536   /* bytes per file */
#define LESSON_MAX_STEPS 200
#define LESSON_MAX_CHOICES 9    /* one digit key per choice */
#define LESSON_MAX_ERRORS 50    /* reported per file; further ones are counted */

/* Problems found while parsing, each formatted "FILE:LINE: message". */
struct lesson_error {
	int line;
	char *text;             /* "FILE:LINE: message" */
};

struct lesson_errors {
	struct lesson_error *e;
	size_t n;               /* stored (at most LESSON_MAX_ERRORS) */
	size_t total;           /* found, including those not stored */
};

/* Which event a step is keyed to: `at NAME [or NAME2] [from ACTOR] [#N]`. */
struct lesson_sel {
	enum evname name;
	int alt;                /* NAME2 (evname) that also matches, or -1 */
	int actor;              /* enum actor, or -1 for any */
	int nth;                /* the Nth matching occurrence (1..), 0 = the next one */
};

enum lesson_qkind {
	LQ_CHOICE,              /* `ask`: multiple choice, fixed right answers */
	LQ_PREDICT,             /* `predict`: "what comes next?", judged by the live run */
};

struct lesson_question {
	enum lesson_qkind kind;
	int line;
	char *prompt;
	char **choices;         /* LQ_PREDICT: the event names as written */
	int *choice_ev;         /* LQ_PREDICT: evname of each choice; else NULL */
	unsigned char *correct; /* 1 for each right choice (LQ_PREDICT: the
				 * teacher's expectation; the live run decides) */
	size_t nchoices;
	size_t ncorrect;        /* > 1: the learner must pick all of them */
	char *right;            /* feedback, never NULL (a default is filled in) */
	char *wrong;
};

struct lesson_step {
	int line;               /* of its `at` */
	size_t index;           /* 0-based position in the lesson */
	struct lesson_sel at;
	int optional;           /* its event may not occur (e.g. tcp.syn needs capture) */
	int pause;              /* hold here until the learner goes on */
	char *highlight;        /* field name to select in the inspector, or NULL */
	char *text;             /* narration: paragraphs joined by "\n\n", list
				 * items by "\n"; may hold {event:field} placeholders */
	struct lesson_question *question; /* or NULL */
};

/* A placeholder {event:field} used somewhere in the lesson's narration. */
struct lesson_ref {
	enum evname ev;
	char *field;
};

/* Run options a lesson asks for; a member is used only when its bit is set. */
enum { LOPT_KEX = 1, LOPT_TLS = 2, LOPT_SCENARIO = 4, LOPT_CLASSIC = 8 };

struct lesson_options {
	unsigned set;           /* LOPT_* bits */
	struct runopts ro;
};

struct lesson {
	char *name;             /* the name given to the parser (a path or file name) */
	char *title;
	char *description;
	struct lesson_options opts;
	struct lesson_step *steps;
	size_t nsteps;
	struct lesson_ref *refs;   /* every distinct {event:field} in the text */
	size_t nrefs;
};

/* Parse a lesson from memory.  name is used in error messages.  Returns the
 * lesson, or NULL when there was any problem; every problem is appended to
 * errs (which may be NULL).  Never reads outside buf[0..len). */
struct lesson *lesson_parse_buffer(const char *name, const char *buf, size_t len,
				   struct lesson_errors *errs);
/* Read and parse a file; I/O problems are reported as "FILE:0: ..." errors. */
struct lesson *lesson_load(const char *path, struct lesson_errors *errs);
void lesson_free(struct lesson *l);
/* Empty an error list (keeps it usable). */
void lesson_errors_clear(struct lesson_errors *errs);
/* Copy the options the lesson sets into ro (unset ones are left as they
 * are). */
void lesson_apply_options(const struct lesson *l, struct runopts *ro);

/* ---- Following a live run ---- */

struct lesson_run;

/* Start following a run of lesson l (which must outlive the run). */
struct lesson_run *lesson_run_new(const struct lesson *l);
void lesson_run_free(struct lesson_run *run);

/* Feed each event once, in log order, as it is revealed (events with a seq
 * not greater than the last one fed are ignored and return NULL).  Returns
 * the step to narrate now, or NULL.  Steps fire in lesson order: an event
 * fires the first not yet fired step matching it, skipping earlier steps
 * whose event never came.  Also settles a pending prediction (see
 * lesson_predict). */
const struct lesson_step *lesson_match(struct lesson_run *run, const struct event *ev);
/* The step shown at the event with this seq (the last step fired at or
 * before it), for a view rewound to an earlier event; NULL if none yet. */
const struct lesson_step *lesson_step_at(const struct lesson_run *run, unsigned seq);
/* Progress: the 1-based number of the last step fired (0 before the first)
 * and the number of steps: "step k of n". */
size_t lesson_progress(const struct lesson_run *run, size_t *n);
/* 1 when the last step has fired. */
int lesson_done(const struct lesson_run *run);

/* The step's narration with every {event:field} placeholder filled from the
 * most recent event of that name fed so far ("{?}" when not seen, "{{" is a
 * literal brace).  Returns a new string (free it), NULL when out of memory. */
char *lesson_render(const struct lesson_run *run, const char *text);
/* The value of the step's highlighted field in the event that fired it, or
 * NULL (no highlight, or the event has no such field). */
const char *lesson_highlight_value(const struct lesson_run *run, const struct lesson_step *s);

struct lesson_verdict {
	int right;              /* 1 right, 0 wrong */
	const char *feedback;   /* the question's right or wrong text */
	int actual;             /* LQ_PREDICT: evname that really came next, else -1 */
	int pick;               /* LQ_PREDICT: the learner's choice, -1 for none */
	int expected_ok;        /* LQ_PREDICT: 1 when the teacher's expected answer
				 * matched the live run, 0 when not (a lesson bug) */
};

/* Judge a multiple-choice answer: picks are 0-based choice indexes (order
 * and repeats do not matter).  Right when the set equals the right choices.
 * Counts towards the run's score when run is not NULL. */
int lesson_answer(struct lesson_run *run, const struct lesson_question *q,
		  const int *picks, size_t npicks, struct lesson_verdict *v);
/* Record the learner's prediction (0-based choice index, or -1 for none)
 * for an LQ_PREDICT question of the step just fired.  It is settled by the
 * next event fed whose layer is one of the layers of the choices (so kex.*
 * or cert.* events in between do not count against a tls.* prediction).
 * Returns 0, or -1 when q is not a prediction or pick is out of range. */
int lesson_predict(struct lesson_run *run, const struct lesson_question *q, int pick);
/* After lesson_match(): 1 and the verdict when that event settled a
 * prediction (even an unanswered one: then v->right is 0), else 0. */
int lesson_prediction(const struct lesson_run *run, struct lesson_verdict *v);
/* Questions answered and answered right at the first try. */
void lesson_score(const struct lesson_run *run, int *asked, int *right_first);
/* The right choices, 1-based, as "2" or "1, 3 and 4", into buf (always
 * terminated; cut short, never overrun, when len is too small). */
void lesson_right_choices(const struct lesson_question *q, char *buf, size_t len);
/* Whether feedback text already opens with its verdict ("Right: ...",
 * "Yes.", "No, ...", "Not quite."), so a UI need not say "Right!" before
 * it. */
int lesson_feedback_judges(const char *text);

/* Wrap text to width columns (counting UTF-8 code points), each line
 * prefixed by indent spaces; "\n" in text is a hard line break.  Returns a
 * new string ending in "\n", or NULL when out of memory. */
char *lesson_wrap(const char *text, int width, int indent);

#endif
