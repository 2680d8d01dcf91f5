/* libFuzzer target: the lesson parser, and for lessons that parse, the run
 * follower, placeholder rendering and wrapping over a few events. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed every step's event to the run and render what fires. */
static void exercise(const struct lesson *l)
{
	struct lesson_run *run = lesson_run_new(l);
	struct evlog log;

	if (run == NULL)
		return;
	evlog_init(&log);
	for (size_t i = 0; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		struct event *ev = evlog_add(&log, s->at.name, ACTOR_SERVER, DIR_S2C, NULL, 0, "x");
		const struct lesson_step *got;
		struct lesson_verdict v;
		char *text;
		char *w;
		int pick = 0;

		if (ev == NULL)
			break;
		event_field(ev, 0, s->highlight ? s->highlight : "f", 0, 0, "v{%zu}", i);
		got = lesson_match(run, ev);
		lesson_prediction(run, &v);
		if (got == NULL)
			continue;
		text = lesson_render(run, got->text);
		w = lesson_wrap(text, 40, 4);
		free(w);
		free(text);
		lesson_highlight_value(run, got);
		if (got->question != NULL && got->question->kind == LQ_PREDICT)
			lesson_predict(run, got->question, 0);
		else if (got->question != NULL)
			lesson_answer(run, got->question, &pick, 1, &v);
	}
	lesson_step_at(run, 3);
	evlog_clear(&log);
	lesson_run_free(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lesson_errors errs = {0};
	struct lesson *l = lesson_parse_buffer("fuzz", (const char *)data, size, &errs);

	if (l != NULL)
		exercise(l);
	lesson_free(l);
	lesson_errors_clear(&errs);
	return 0;
}
