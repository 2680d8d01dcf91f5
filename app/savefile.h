/* Writing a saved run (--save FILE, the TUI's w key): JSON lines, a header,
 * one line per event exactly as --json prints it, and an end line.  The
 * format is a public contract (README, "Saved runs"); protocol/replayfile.h
 * reads it back.  Without --save-secrets the session secrets are left out
 * (the event says "redacted":true); a private key is never in an event. */
#ifndef HTTPSVIZ_SAVEFILE_H
#define HTTPSVIZ_SAVEFILE_H

#include <stdio.h>

#include "protocol/engine.h"
#include "protocol/event.h"
#include "protocol/replayfile.h"

struct savefile;

/* What the header records about the run. */
struct save_info {
	const char *mode;                 /* "tui", "trace", "json", "export" */
	const struct engine_config *cfg;  /* the run's configuration */
	const char *lesson;               /* the lesson followed (as chosen: a name or
					   * a path; lessondir_saved_name names it), or NULL */
	int verbose;
	const char *title;                /* the title line the run printed */
	int no_questions;                 /* --no-questions: the lesson's questions were skipped */
};

/* Create path safely for writing (protocol/safefile.c: never through a
 * symbolic link, only a regular file of ours with one link, truncated only
 * after those checks; mode applied even to an existing file).  Returns the
 * stream, or NULL with "cannot write PATH: why" in err. */
FILE *savefile_fopen(const char *path, int mode, char *err, size_t errlen);
/* Start a saved run at path (mode 0600).  secrets: keep the session
 * secrets.  NULL with a one-line reason in err. */
struct savefile *savefile_create(const char *path, int secrets, char *err, size_t errlen);
/* The header line (once, first). */
void savefile_header(struct savefile *sf, const struct save_info *info);
/* One event line. */
void savefile_event(struct savefile *sf, const struct event *ev);
/* The end line, then close.  Returns 0, or -1 with the reason in err when
 * anything failed to reach the disk.  sf is freed either way. */
int savefile_finish(struct savefile *sf, const struct saved_end *end, char *err, size_t errlen);
/* Close without an end line (the file then reads as truncated). */
void savefile_abort(struct savefile *sf);
/* A whole log at once (the TUI): header, events, end.  0 or -1 with err. */
int savefile_write_log(const char *path, int secrets, const struct save_info *info, const struct evlog *log,
		       const struct saved_end *end, char *err, size_t errlen);
/* What a field of an event is, by the exact (event, field name) table in
 * savefile.c: secret (session secret material), open, or in neither list
 * (a kex.* field only; every other layer's fields are open). */
enum field_secrecy { FIELD_OPEN, FIELD_SECRET, FIELD_UNLISTED };
enum field_secrecy savefile_field_class(enum evname ev, const char *name);
/* Whether field f of ev holds session secret material (left out of a save
 * without --save-secrets): its class, or, unlisted, its parent's; a
 * top-level unlisted field is secret.  f should be one of ev's fields (a
 * copy has no parent).  And whether ev's raw bytes are secret. */
int savefile_secret_field(const struct event *ev, const struct field *f);
int savefile_secret_raw(const struct event *ev);
/* The secret bytes of a run, learnt event by event (a safety net beside
 * the rules above: any field value or summary that shows 12 or more secret
 * bytes in hex is left out too, whatever its name). */
struct savefile_secrets;
struct savefile_secrets *savefile_secrets_new(void);
/* Learn ev's raw bytes when they are secret. */
void savefile_secrets_learn(struct savefile_secrets *k, const struct event *ev);
/* Whether text shows any learnt secret in hex (k may be NULL: no). */
int savefile_secrets_in(const struct savefile_secrets *k, const char *text);
/* Whether field f of ev is left out: by the rules or by what k knows. */
int savefile_hides(const struct savefile_secrets *k, const struct event *ev, const struct field *f);
/* Free what k learnt, and k's contents (not k itself for an embedded one:
 * free(k) after it for one from savefile_secrets_new). */
void savefile_secrets_free(struct savefile_secrets *k);
/* Print ev as a saved line to out: with secrets, exactly the --json line;
 * without, a copy with the secrets left out (by the rules and by what k
 * knows; k may be NULL) and "redacted":true. */
void savefile_print_event(FILE *out, const struct event *ev, int secrets, const struct savefile_secrets *k);

#endif
