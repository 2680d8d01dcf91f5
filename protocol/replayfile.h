/* Reading a saved run back: `httpsviz replay FILE` and `httpsviz export FILE`.
 *
 * A saved run is JSON lines (the public contract is in the README, "Saved
 * runs"): an optional header line {"httpsviz":"saved-run","format":1,...},
 * one line per event exactly as --json prints it (plus "redacted":true on an
 * event whose secrets were left out), and a closing line
 * {"httpsviz":"end",...}.  A file of --json lines alone (no header, no end)
 * is a saved run too.  Every line is parsed by protocol/json.c; everything
 * is bounds-checked and limited; text that could act on a terminal is
 * sanitised.  No OpenSSL, no ncurses. */
#ifndef HTTPSVIZ_REPLAYFILE_H
#define HTTPSVIZ_REPLAYFILE_H

#include <stddef.h>

#include "protocol/event.h"

#define SAVE_FORMAT 1                        /* the format this httpsviz writes and reads */
#define SAVE_MAX_FILE (256u * 1024 * 1024)   /* bytes per saved run */
#define SAVE_MAX_LINE (16u * 1024 * 1024)    /* bytes per line */
#define SAVE_MAX_EVENTS 100000
#define SAVE_MAX_FIELDS 100000               /* per event */

/* How the run ended (the closing line). */
enum saved_status { SAVED_DONE, SAVED_FAILED, SAVED_PARTIAL };

/* The run's options as the header records them (strings empty when not
 * recorded). */
struct saved_options {
	char mode[16];        /* "tui", "trace", "json", "export" */
	char tls[8];          /* "1.2", "1.3" */
	char kex[8];          /* "rsa", "ecdhe" */
	char scenario[32];
	char host[256];       /* connect: the server; "" for the embedded one */
	char port[16];
	char path[256];
	char lesson[256];     /* the lesson followed, or "" */
	int classic;
	int trust_attacker;
	int insecure;
	int no_pcap;
	int verbose;
	int no_questions;     /* --no-questions: the lesson's questions were skipped */
	int openssl_states;   /* tls.state events were logged */
	int timeout_ms;
};

/* The closing line's facts. */
struct saved_end {
	enum saved_status status;
	int exit_code;        /* what the original run exited with */
	int steps;            /* engine steps performed */
	char version[32];     /* negotiated protocol, e.g. "TLSv1.2", or "" */
	char cipher[96];
	char error[1024];     /* the failure's one-line reason, or "" */
};

struct saved_run {
	int has_header;       /* 0: a bare --json capture */
	int format;
	char httpsviz_version[32];
	char date[40];        /* ISO 8601 UTC */
	char title[256];      /* the title line the run printed */
	int secrets;          /* 1: the session secrets are in the file */
	int redacted;         /* some event had its secrets left out */
	struct saved_options opt;
	int has_end;          /* 0: a bare --json capture */
	struct saved_end end;
	struct evlog log;
};

/* Read a saved run from path.  Returns 0, or -1 with "PATH:LINE: reason"
 * in err (LINE 0: the file itself; a truncated, corrupted or newer-format
 * file is always an error, never a partial result).  run is then empty. */
int replayfile_load(const char *path, struct saved_run *run, char *err, size_t errlen);
/* The same from memory; name stands for the path in messages. */
int replayfile_parse(const char *name, const char *buf, size_t len, struct saved_run *run,
		     char *err, size_t errlen);
void replayfile_free(struct saved_run *run);
/* "done", "failed", "partial". */
const char *saved_status_str(enum saved_status s);

#endif
