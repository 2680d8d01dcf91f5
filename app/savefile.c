#include "app/savefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/output.h"
#include "lessons/lessondir.h"
#include "protocol/safefile.h"
#include "protocol/sanitize.h"

/* The secret bytes of a run seen so far, as hex windows: 8 bytes (16
 * digits) at every 4th offset, so any run of 12 or more secret bytes
 * written out in hex contains one. */
#define WINDOW 8
#define STRIDE 4
struct savefile_secrets {
	char **win;
	size_t n;
	size_t cap;
};

struct savefile {
	FILE *f;
	int secrets;
	size_t events;
	struct savefile_secrets known;
};

/* What a secret field says instead of its value. */
#define REDACTED "(a session secret: not saved; --save-secrets keeps it)"

/* Events whose raw bytes are secret: the keylog's secrets, the pre-master
 * and shared secrets, the master secret and the session keys. */
static const enum evname secret_raw_events[] = {
	EV_KEX_SECRET, EV_KEX_PRE_MASTER, EV_KEX_RSA_DECRYPT, EV_KEX_ECDHE,
	EV_KEX_MASTER_SECRET, EV_KEX_KEY_BLOCK, EV_KEX_TLS13_KEYS,
};

/* Field names of the kex.* events that hold keys or secrets (besides any
 * name ending in "secret", "_key" or "_iv"). */
static const char *const secret_names[] = {
	"key", "iv", "implicit_iv", "key_block", "base_key", "keylog_value",
	"nonce", /* a record's nonce: the write IV itself for the first TLS 1.3 record */
};

/* see savefile.h */
int savefile_secret_raw(const struct event *ev)
{
	for (size_t i = 0; i < sizeof secret_raw_events / sizeof secret_raw_events[0]; i++)
		if (ev->name == secret_raw_events[i])
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s);
	size_t t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* see savefile.h */
int savefile_secret_field(const struct event *ev, const struct field *f)
{
	if (evname_layer(ev->name) != LAYER_KEX)
		return 0;
	if (ends_with(f->name, "secret") || ends_with(f->name, "_key") || ends_with(f->name, "_iv"))
		return 1;
	for (size_t i = 0; i < sizeof secret_names / sizeof secret_names[0]; i++)
		if (strcmp(f->name, secret_names[i]) == 0)
			return 1;
	if (!savefile_secret_raw(ev))
		return 0;
	/* OpenSSL's copy of a secret, or any part of the secret bytes */
	return strncmp(f->name, "openssl_", 8) == 0 || f->length > 0;
}

/* see savefile.h */
void savefile_secrets_learn(struct savefile_secrets *k, const struct event *ev)
{
	if (!savefile_secret_raw(ev))
		return;
	for (size_t off = 0; off + WINDOW <= ev->raw_len; off += STRIDE) {
		char *w;

		if (k->n == k->cap) {
			size_t cap = k->cap ? k->cap * 2 : 64;
			char **grown = realloc(k->win, cap * sizeof *grown);

			if (grown == NULL)
				return;
			k->win = grown;
			k->cap = cap;
		}
		w = malloc(2 * WINDOW + 1);
		if (w == NULL)
			return;
		for (size_t i = 0; i < WINDOW; i++)
			snprintf(w + 2 * i, 3, "%02x", ev->raw[off + i]);
		k->win[k->n++] = w;
	}
}

/* see savefile.h */
void savefile_secrets_free(struct savefile_secrets *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->win[i]);
	free(k->win);
	memset(k, 0, sizeof *k);
}

/* see savefile.h */
struct savefile_secrets *savefile_secrets_new(void)
{
	return calloc(1, sizeof(struct savefile_secrets));
}

/* see savefile.h */
int savefile_secrets_in(const struct savefile_secrets *k, const char *text)
{
	for (size_t i = 0; k != NULL && i < k->n; i++)
		if (strstr(text, k->win[i]) != NULL)
			return 1;
	return 0;
}

/* see savefile.h */
int savefile_hides(const struct savefile_secrets *k, const struct event *ev, const struct field *f)
{
	return savefile_secret_field(ev, f) || savefile_secrets_in(k, f->value);
}

/* What a summary that shows a secret reads instead. */
#define REDACTED_SUMMARY "(this summary shows a session secret: not saved; --save-secrets keeps it)"

/* see savefile.h */
void savefile_print_event(FILE *out, const struct event *ev, int secrets, const struct savefile_secrets *k)
{
	struct event copy;
	struct field *fields;
	int any = savefile_secret_raw(ev) && ev->raw_len > 0;

	for (size_t i = 0; !any && i < ev->nfields; i++)
		any = savefile_hides(k, ev, &ev->fields[i]);
	if (!any)
		any = savefile_secrets_in(k, ev->summary);
	if (secrets || !any) {
		output_json_event(out, ev);
		return;
	}
	fields = calloc(ev->nfields ? ev->nfields : 1, sizeof *fields);
	if (fields == NULL) { /* keep the secret out even now: no fields */
		copy = *ev;
		copy.raw = NULL;
		copy.raw_len = 0;
		copy.nfields = 0;
		if (savefile_secrets_in(k, ev->summary))
			copy.summary = REDACTED_SUMMARY;
		output_json_event_ext(out, &copy, 0, ",\"redacted\":true");
		return;
	}
	copy = *ev;
	copy.fields = fields;
	if (savefile_secrets_in(k, ev->summary))
		copy.summary = REDACTED_SUMMARY;
	if (savefile_secret_raw(ev)) {
		copy.raw = NULL;
		copy.raw_len = 0;
	}
	for (size_t i = 0; i < ev->nfields; i++) {
		fields[i] = ev->fields[i];
		if (savefile_hides(k, ev, &ev->fields[i]))
			fields[i].value = REDACTED;
		if (copy.raw_len == 0) { /* the bytes are gone, and so are places in them */
			fields[i].offset = 0;
			fields[i].length = 0;
		}
	}
	output_json_event_ext(out, &copy, 0, ",\"redacted\":true");
	free(fields);
}

/* see savefile.h */
FILE *savefile_fopen(const char *path, int mode, char *err, size_t errlen)
{
	char *safe = sanitize_bytes(path, strlen(path));
	char why[200];
	FILE *f = NULL;
	int fd = safefile_create(path, (mode_t)mode, why, sizeof why);

	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", safe ? safe : "?", why);
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", safe ? safe : "?", strerror(errno));
		close(fd);
	}
out:
	free(safe);
	return f;
}

/* see savefile.h */
struct savefile *savefile_create(const char *path, int secrets, char *err, size_t errlen)
{
	struct savefile *sf = calloc(1, sizeof *sf);

	if (sf == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sf->f = savefile_fopen(path, 0600, err, errlen);
	if (sf->f == NULL) {
		free(sf);
		return NULL;
	}
	sf->secrets = secrets;
	return sf;
}

/* "key":"value" with a leading comma unless first. */
static void put_str(FILE *f, const char *key, const char *value, int first)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
	if (value == NULL)
		fputs("null", f);
	else
		output_json_string(f, value);
}

static void put_bool(FILE *f, const char *key, int value)
{
	fprintf(f, ",\"%s\":%s", key, value ? "true" : "false");
}

/* see savefile.h */
void savefile_header(struct savefile *sf, const struct save_info *info)
{
	const struct engine_config *c = info->cfg;
	char *lesson;
	char date[40];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(sf->f, "{\"httpsviz\":\"saved-run\",\"format\":%d", SAVE_FORMAT);
	put_str(sf->f, "version", HTTPSVIZ_VERSION, 0);
	put_str(sf->f, "date", date, 0);
	put_str(sf->f, "title", info->title, 0);
	put_bool(sf->f, "secrets", sf->secrets);
	fputs(",\"options\":{", sf->f);
	put_str(sf->f, "mode", info->mode, 1);
	put_str(sf->f, "tls", c->tls == TLSV_13 ? "1.3" : "1.2", 0);
	put_str(sf->f, "kex", c->tls == TLSV_13 ? NULL : c->kex == KEX_ECDHE ? "ecdhe" : "rsa", 0);
	put_bool(sf->f, "classic", c->classic);
	put_str(sf->f, "scenario", c->host != NULL ? NULL : scenario_str(c->scenario), 0);
	put_bool(sf->f, "trust_attacker", c->trust_attacker);
	put_bool(sf->f, "insecure", c->insecure);
	put_str(sf->f, "host", c->host, 0);
	put_str(sf->f, "port", c->host != NULL ? c->port : NULL, 0);
	put_str(sf->f, "path", c->path != NULL ? c->path : "/", 0);
	fprintf(sf->f, ",\"timeout_ms\":%d", c->timeout_ms > 0 ? c->timeout_ms : 5000);
	put_bool(sf->f, "no_pcap", c->no_pcap);
	/* a shipped lesson by its name, wherever this install keeps it, so
	 * that another install replays it with its own copy */
	lesson = info->lesson != NULL ? lessondir_saved_name(info->lesson) : NULL;
	put_str(sf->f, "lesson", lesson != NULL ? lesson : info->lesson, 0);
	free(lesson);
	put_bool(sf->f, "verbose", info->verbose);
	put_bool(sf->f, "no_questions", info->no_questions);
	put_bool(sf->f, "openssl_states", c->openssl_states);
	fputs("}}\n", sf->f);
}

/* see savefile.h */
void savefile_event(struct savefile *sf, const struct event *ev)
{
	/* a secret is known from its own event on (the engine logs each
	 * derivation before the events that use it) */
	if (!sf->secrets)
		savefile_secrets_learn(&sf->known, ev);
	savefile_print_event(sf->f, ev, sf->secrets, &sf->known);
	sf->events++;
	fflush(sf->f);
}

/* see savefile.h */
int savefile_finish(struct savefile *sf, const struct saved_end *end, char *err, size_t errlen)
{
	int rc = 0;

	fprintf(sf->f, "{\"httpsviz\":\"end\",\"events\":%zu,\"steps\":%d", sf->events, end->steps);
	put_str(sf->f, "status", saved_status_str(end->status), 0);
	fprintf(sf->f, ",\"exit\":%d", end->exit_code);
	put_str(sf->f, "tls_version", end->version, 0);
	put_str(sf->f, "cipher", end->cipher, 0);
	put_str(sf->f, "error", end->error, 0);
	fputs("}\n", sf->f);
	if (ferror(sf->f) || fflush(sf->f) != 0 || fsync(fileno(sf->f)) != 0) {
		snprintf(err, errlen, "writing the saved run failed: %s", strerror(errno));
		rc = -1;
	}
	if (fclose(sf->f) != 0 && rc == 0) {
		snprintf(err, errlen, "writing the saved run failed: %s", strerror(errno));
		rc = -1;
	}
	savefile_secrets_free(&sf->known);
	free(sf);
	return rc;
}

/* see savefile.h */
void savefile_abort(struct savefile *sf)
{
	if (sf == NULL)
		return;
	fclose(sf->f);
	savefile_secrets_free(&sf->known);
	free(sf);
}

/* see savefile.h */
int savefile_write_log(const char *path, int secrets, const struct save_info *info, const struct evlog *log,
		       const struct saved_end *end, char *err, size_t errlen)
{
	struct savefile *sf = savefile_create(path, secrets, err, errlen);

	if (sf == NULL)
		return -1;
	savefile_header(sf, info);
	/* the whole log is known: every secret is known before any line */
	for (size_t i = 0; !secrets && i < log->n; i++)
		savefile_secrets_learn(&sf->known, log->ev[i]);
	for (size_t i = 0; i < log->n; i++) {
		savefile_print_event(sf->f, log->ev[i], secrets, &sf->known);
		sf->events++;
	}
	return savefile_finish(sf, end, err, errlen);
}
