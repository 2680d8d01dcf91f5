/* The command line: modes, options and their checks. */
#ifndef HTTPSVIZ_CLI_H
#define HTTPSVIZ_CLI_H

#include <stdio.h>

#include "protocol/engine.h"

#define HTTPSVIZ_VERSION "0.1.0"

enum mode {
	MODE_TUI,          /* default: lesson picker, then the live diagram */
	MODE_TRACE,        /* --trace */
	MODE_JSON,         /* --json */
	MODE_SERVE,        /* serve */
	MODE_BENCH,        /* bench */
	MODE_LESSONS,      /* lessons */
	MODE_LESSON_CHECK, /* lesson check FILE... */
	MODE_REPLAY,       /* replay FILE */
	MODE_EXPORT,       /* export FILE, or --export FORMAT from a run */
	MODE_HELP,
	MODE_VERSION,
};

struct options {
	enum mode mode;
	struct engine_config cfg;
	int connect;           /* connect HOST[:PORT] was given */
	int explore;           /* skip the lesson picker */
	const char *lesson;    /* --lesson NAME|FILE */
	int no_questions;
	int verbose;           /* --trace: fields and explanations too */
	int ascii;
	int projector;
	int no_color;
	const char *listen;    /* serve --listen ADDR:PORT */
	const char *names;     /* serve --name: extra names for the certificate */
	int json;              /* --json was given (serve prints JSON too) */
	int trace;             /* --trace was given (replay prints the trace; serve
				* prints the log, not the class view) */
	const char *ca_out;    /* serve: where to write the demo CA certificate */
	int bench_n;           /* bench: exchanges per variant */
	int max_clients;       /* serve: learners served at once (0 = no limit of the teacher's) */
	int tls_given;         /* --tls was given (serve: else it offers 1.2 and 1.3) */
	const char *cert_file; /* serve --cert: present this certificate instead of minting one */
	const char *key_file;  /* serve --key: its private key */
	const char *save_file; /* --save FILE */
	int save_secrets;      /* --save-secrets */
	const char *export_format; /* --export FORMAT / export --format FORMAT */
	const char *output;    /* -o FILE: where an export goes (default stdout) */
	const char *replay_file; /* replay FILE / export FILE */
	int argc_rest;         /* lesson check: the files */
	char **argv_rest;
	char hostbuf[256];
	char portbuf[16];
};

/* Parse argv into opt.  Returns 0, or -1 after printing a one-line reason
 * and the usage hint to stderr (exit status 2). */
int cli_parse(int argc, char **argv, struct options *opt);
/* The --help text. */
void cli_usage(FILE *out);

#endif
