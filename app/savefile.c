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

/* What each field of the kex.* events is, by its exact name: "secret"
 * holds session secret material (a secret, a key or IV, OpenSSL's copy of
 * one, or a comparison of one), "open" does not (the randoms, hashes,
 * public values, what was on the wire, the prose).  A field listed in
 * neither takes its parent's class (a comparison's "recomputed" and
 * "openssl" children); a top-level one in neither is secret, so a field
 * added to the views stays out of a save until it is listed here
 * (test_replayfile checks that every field of the catalogue is).  No other
 * layer's event holds a session secret. */
static const struct {
	enum evname ev;
	const char *secret;  /* names, space-separated */
	const char *open;
} kex_fields[] = {
	{EV_KEX_SECRET, "secret", "label session source"},
	{EV_KEX_PRE_MASTER, "pre_master_secret random",
	 /* openssl_value: the first 8 bytes of the encrypted pre-master */
	 "client_version encrypted_pre_master encrypted_prefix function openssl_value server_side session source "
	 "verified why"},
	{EV_KEX_RSA_DECRYPT, "pre_master_secret openssl_value", "encrypted_pre_master function note session verified"},
	{EV_KEX_ECDHE, "shared_secret openssl_value",
	 "client_public client_share function group server_ephemeral_key server_public server_share session used_as "
	 "verified when"},
	{EV_KEX_SIGNATURE, "",
	 "client_random context_string function message openssl_value padding public_key result separator "
	 "server_params server_random session signature signature_algorithm signed_content transcript_hash verified "
	 "why"},
	{EV_KEX_MASTER_SECRET, "master_secret pre_master_secret openssl_value keylog_value",
	 "check client_random extended_master_secret function server_random session session_hash source verified"},
	{EV_KEX_KEY_BLOCK,
	 "key_block master_secret client_write_mac_key server_write_mac_key client_write_key server_write_key "
	 "client_write_iv server_write_iv",
	 "check client_random function iv_note server_random session two_keys"},
	{EV_KEX_FINISHED, "base_key master_secret",
	 "function handshake_hash openssl_value sender sent_value session transcript_hash verified verify_data"},
	{EV_KEX_TLS13_KEYS,
	 "client_handshake_traffic_secret server_handshake_traffic_secret client_application_traffic_secret "
	 "server_application_traffic_secret exporter_master_secret client_handshake_key client_handshake_iv "
	 "server_handshake_key server_handshake_iv client_application_key client_application_iv "
	 "server_application_key server_application_iv shared_secret early_secret handshake_secret master_secret "
	 "openssl_value openssl_client_handshake_traffic_secret openssl_server_handshake_traffic_secret "
	 "openssl_client_application_traffic_secret openssl_server_application_traffic_secret "
	 "openssl_exporter_master_secret",
	 "check cipher_suite function schedule session stage traffic_secrets verified"},
	/* iv, mac: a CBC record's explicit IV and MAC, as on the wire */
	{EV_KEX_RECORD_DECRYPT, "key mac_key implicit_iv write_iv nonce",
	 "aad direction explicit_nonce function inner_type iv mac mac_then_encrypt openssl_value padding plaintext "
	 "record record_check record_seq records_walked session tag text verified walked"},
};

/* Whether name is one of the space-separated names of list. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p != '\0';) {
		size_t w = strcspn(p, " ");

		if (w == n && strncmp(p, name, n) == 0)
			return 1;
		p += w;
		p += strspn(p, " ");
	}
	return 0;
}

/* see savefile.h */
enum field_secrecy savefile_field_class(enum evname ev, const char *name)
{
	if (evname_layer(ev) != LAYER_KEX)
		return FIELD_OPEN;
	for (size_t i = 0; i < sizeof kex_fields / sizeof kex_fields[0]; i++) {
		if (kex_fields[i].ev != ev)
			continue;
		if (listed(kex_fields[i].secret, name))
			return FIELD_SECRET;
		if (listed(kex_fields[i].open, name))
			return FIELD_OPEN;
		break;
	}
	return FIELD_UNLISTED;
}

/* see savefile.h */
int savefile_secret_raw(const struct event *ev)
{
	for (size_t i = 0; i < sizeof secret_raw_events / sizeof secret_raw_events[0]; i++)
		if (ev->name == secret_raw_events[i])
			return 1;
	return 0;
}

/* The index of f's parent in ev (the nearest field before it, in
 * pre-order, that is less deep), or -1: f is at the top, or a copy that is
 * not one of ev's fields. */
static long parent_of(const struct event *ev, const struct field *f)
{
	size_t i = 0;

	while (i < ev->nfields && &ev->fields[i] != f)
		i++;
	if (i == ev->nfields)
		return -1;
	while (i-- > 0)
		if (ev->fields[i].depth < f->depth)
			return (long)i;
	return -1;
}

/* see savefile.h */
int savefile_secret_field(const struct event *ev, const struct field *f)
{
	while (f != NULL) {
		enum field_secrecy c = savefile_field_class(ev->name, f->name);
		long up;

		if (c != FIELD_UNLISTED)
			return c == FIELD_SECRET;
		up = parent_of(ev, f);
		f = up >= 0 ? &ev->fields[up] : NULL;
	}
	return 1; /* listed nowhere up to the top: kept out until it is */
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
