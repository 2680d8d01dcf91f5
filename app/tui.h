/* The full-screen terminal UI: the live sequence diagram over a real
 * exchange, stepped by the learner.  Layout lives in ui/ (pure, tested);
 * this module owns the terminal: it paints, reads keys, drives the engine. */
#ifndef HTTPSVIZ_TUI_H
#define HTTPSVIZ_TUI_H

#include "protocol/engine.h"
#include "protocol/replayfile.h"

struct tui_options {
	int ascii;            /* ASCII only, even on a UTF-8 locale */
	int projector;        /* high contrast, larger spacing, no hex unless asked */
	int no_color;         /* as if NO_COLOR were set */
	const char *lesson;   /* --lesson NAME|FILE: start it directly, or NULL */
	int explore;          /* --explore: skip the picker, free exploration */
	const char *save_file; /* --save FILE: w and quitting write the run there */
	int save_secrets;     /* --save-secrets */
	int no_questions;     /* --no-questions: lessons narrate and ask nothing */
	struct saved_run *replay; /* replay FILE: show this recorded run (its log
				   * is taken over), no engine; or NULL */
	const char *replay_name;  /* the file's name, for the status line */
};

/* Run the UI until the learner quits; the terminal is restored on every
 * path.  With neither lesson nor explore it opens the lesson picker first.
 * A lesson's options are applied to a copy of cfg (except in connect mode).
 * With a replay, the recorded events are stepped through with the same keys
 * (r rewinds, the menu offers the lessons, which judge their predictions
 * against the recorded run).  w saves the run so far (to --save FILE, else
 * httpsviz-DATE-TIME.jsonl in the current directory); with --save the run
 * is also saved when the learner quits.
 * Returns the process exit status (EXIT_OK; EXIT_USAGE when the lesson
 * cannot be found or parsed, with the problems on stderr; EXIT_INTERNAL when
 * the engine or the terminal cannot be set up, with the reason on stderr). */
int tui_run(const struct engine_config *cfg, const struct tui_options *opt);

#endif
