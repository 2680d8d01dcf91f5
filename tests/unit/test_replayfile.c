/* Saved runs: writing (app/savefile) and reading back (protocol/replayfile):
 * every mode round-trips to the same --json bytes, secrets stay out unless
 * asked, and every kind of damage is a FILE:LINE error. */
#include "tests/unit/engineutil.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/exitcode.h"
#include "app/output.h"
#include "app/savefile.h"
#include "lessons/fieldcat.h"
#include "protocol/replayfile.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>

static char dir[] = "/tmp/httpsviz-test-XXXXXX";

static int make_dir(void **state)
{
	(void)state;
	pki_cache_keys(1);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	pki_cache_keys(0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The size of a file (the victim of a planted link keeps its 4 bytes). */
static long link_is_untouched(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void path_in_dir(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

/* The --json text of a whole log. */
static char *json_of(const struct evlog *log)
{
	char *text = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);

	assert_non_null(m);
	for (size_t i = 0; i < log->n; i++)
		output_json_event(m, log->ev[i]);
	fclose(m);
	return text;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void save(const char *path, const struct run *r, const struct engine_config *cfg, int secrets)
{
	struct save_info info = {"trace", cfg, NULL, 0, "test title", 0};
	struct saved_end end = {r->st == ENGINE_DONE ? SAVED_DONE : SAVED_FAILED, exitcode_engine(r->e),
				engine_steps(r->e), "", "", ""};
	char err[256];

	snprintf(end.version, sizeof end.version, "%s", engine_version(r->e));
	snprintf(end.error, sizeof end.error, "%s", r->st == ENGINE_FAILED ? engine_error(r->e) : "");
	if (savefile_write_log(path, secrets, &info, &r->log, &end, err, sizeof err) < 0)
		fail_msg("save: %s", err);
}

/* An event with its pointers, capacities and the members --json does not
 * carry by design (the pointed-to text and bytes are compared through the
 * --json text) cleared: what is left must come back from a saved run bit
 * for bit.  A typed member added to struct event that the save format does
 * not carry makes this differ. */
static struct event scalars(const struct event *ev)
{
	struct event e;

	memcpy(&e, ev, sizeof e);
	e.summary = NULL;
	e.raw = NULL;
	e.fields = NULL;
	e.fields_cap = 0;
	e.x509_error_text = NULL;
	e.http.line = NULL;
	e.http.method = NULL;
	e.http.target = NULL;
	return e;
}

/* The header's options come back: a shipped lesson chosen by its path or
 * number is recorded by its name, a teacher's own by its path;
 * --no-questions is recorded, and a header from before it reads as false. */
static void test_header_options(void **state)
{
	static const struct {
		const char *lesson;
		int no_questions;
		const char *recorded;
	} cases[] = {
		{"lessons/05-rsa-key-exchange.lesson", 1, "05-rsa-key-exchange"},
		{"8", 0, "08-tls13"},
		{"/nowhere/mine.lesson", 1, "/nowhere/mine.lesson"},
		{NULL, 0, ""},
	};
	struct engine_config cfg = {0};
	struct saved_end end = {SAVED_DONE, 0, 1, "", "", ""};
	struct evlog log;
	struct saved_run back;
	char path[256];
	char err[256];
	char *text;
	char *key;
	size_t len;

	(void)state;
	path_in_dir(path, sizeof path, "header.jsonl");
	evlog_init(&log);
	evlog_add(&log, EV_TCP_CONNECTED, ACTOR_KERNEL, DIR_LOCAL, NULL, 0, "TCP connected");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct save_info info = {"trace", &cfg, cases[i].lesson, 0, "t", cases[i].no_questions};

		assert_int_equal(savefile_write_log(path, 1, &info, &log, &end, err, sizeof err), 0);
		if (replayfile_load(path, &back, err, sizeof err) < 0)
			fail_msg("case %zu: load: %s", i, err);
		assert_string_equal(back.opt.lesson, cases[i].recorded);
		assert_int_equal(back.opt.no_questions, cases[i].no_questions);
		replayfile_free(&back);
	}
	/* a file saved before the key existed */
	text = slurp(path, &len);
	key = strstr(text, ",\"no_questions\":false");
	assert_non_null(key);
	memmove(key, key + strlen(",\"no_questions\":false"), strlen(key + strlen(",\"no_questions\":false")) + 1);
	if (replayfile_parse("old.jsonl", text, strlen(text), &back, err, sizeof err) < 0)
		fail_msg("old header: %s", err);
	assert_int_equal(back.opt.no_questions, 0);
	assert_int_equal(back.log.n, 1);
	replayfile_free(&back);
	free(text);
	evlog_clear(&log);
}

/* Every mode: save with the secrets, load, and the --json is byte for byte
 * the original's; the header and end line come back. */
/* Save cfg's run with the secrets, load it, and compare: the --json byte
 * for byte, every event's members bit for bit, the header and end line. */
static void round_trip(const struct engine_config *cfg, const char *what)
{
	char path[256];
	struct run r;
	struct saved_run back;
	char err[256];
	char *want;
	char *got;
	struct stat st;

	path_in_dir(path, sizeof path, "round.jsonl");
	run_all(&r, cfg);
	save(path, &r, cfg, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	if (replayfile_load(path, &back, err, sizeof err) < 0)
		fail_msg("%s: load: %s", what, err);
	want = json_of(&r.log);
	got = json_of(&back.log);
	if (strcmp(want, got) != 0)
		fail_msg("%s: the replayed --json differs", what);
	assert_int_equal(back.log.n, r.log.n);
	for (size_t k = 0; k < r.log.n; k++) {
		struct event a = scalars(r.log.ev[k]);
		struct event b = scalars(back.log.ev[k]);

		/* t_us and seq are in --json; the fields' own members too */
		if (memcmp(&a, &b, sizeof a) != 0)
			fail_msg("%s: event %zu (%s) has a member the saved run does not bring back", what, k + 1,
				 evname_str(r.log.ev[k]->name));
		for (size_t f = 0; f < r.log.ev[k]->nfields; f++) {
			const struct field *fa = &r.log.ev[k]->fields[f];
			const struct field *fb = &back.log.ev[k]->fields[f];

			assert_int_equal(fa->depth, fb->depth);
			assert_int_equal(fa->role, fb->role);
			assert_int_equal(fa->offset, fb->offset);
			assert_int_equal(fa->length, fb->length);
		}
	}
	assert_int_equal(back.has_header, 1);
	assert_int_equal(back.has_end, 1);
	assert_int_equal(back.secrets, 1);
	assert_int_equal(back.redacted, 0);
	assert_string_equal(back.title, "test title");
	assert_string_equal(back.opt.tls, cfg->tls == TLSV_13 ? "1.3" : "1.2");
	assert_int_equal(back.end.exit_code, exitcode_engine(r.e));
	assert_int_equal(back.end.steps, engine_steps(r.e));
	assert_int_equal(back.end.status, r.st == ENGINE_DONE ? SAVED_DONE : SAVED_FAILED);
	free(want);
	free(got);
	replayfile_free(&back);
	run_free(&r);
}

static void test_round_trip_every_mode(void **state)
{
	static const struct engine_config cfgs[] = {
		{.kex = KEX_RSA, .no_pcap = 1},
		{.kex = KEX_RSA, .classic = 1, .no_pcap = 1},
		{.kex = KEX_ECDHE, .no_pcap = 1},
		{.tls = TLSV_13, .no_pcap = 1},
		{.scenario = SCEN_MITM, .trust_attacker = 1, .no_pcap = 1},
		{.tls = TLSV_13, .openssl_states = 1, .no_pcap = 1},
		{.kex = KEX_ECDHE, .openssl_states = 1, .no_pcap = 1},
		{.kex = KEX_RSA}, /* captured TCP segments when allowed: their typed facts */
	};
	char what[32];

	(void)state;
	for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
		snprintf(what, sizeof what, "config %zu", i);
		round_trip(&cfgs[i], what);
	}
}

/* Every certificate scenario there is (new ones included), in TLS 1.2 and
 * TLS 1.3. */
static void test_round_trip_every_scenario(void **state)
{
	(void)state;
	for (int s = 0; s < SCEN__COUNT; s++) {
		for (int v = 0; v < 2; v++) {
			struct engine_config cfg = {.scenario = (enum scenario)s, .tls = v ? TLSV_13 : TLSV_12,
						    .no_pcap = 1};
			char what[64];

			snprintf(what, sizeof what, "scenario %s, TLS 1.%d", scenario_str((enum scenario)s), v ? 3 : 2);
			round_trip(&cfg, what);
		}
	}
}

/* Hex of the first 12 bytes of b (enough to be unique to a secret). */
static void hex12(const uint8_t *b, size_t n, char *out)
{
	n = n < 12 ? n : 12;
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* The leading hex digits of a field's value ("0a1b... (source)"): how
 * many, at most max, copied into out. */
static size_t hex_prefix(const char *value, char *out, size_t max)
{
	size_t n = 0;

	while (n < max && isxdigit((unsigned char)value[n])) {
		out[n] = value[n];
		n++;
	}
	out[n] = '\0';
	return n;
}

/* The field's JSON start as a saved line holds it, when kept: "name":"..","value":" */
static int field_kept(const char *text, const char *name, const char *value_start)
{
	char want[256];

	snprintf(want, sizeof want, "\"name\":\"%s\",\"value\":\"%s", name, value_start);
	return strstr(text, want) != NULL;
}

/* Which fields are secret is decided by an exact (event, field) table, never
 * by a part of a name: extended_master_secret (a Hello extension, or the
 * master secret's formula) is open, the master secret is not; a kex.* field
 * in no list is secret, and a child in none is what its parent is. */
static void test_field_classes(void **state)
{
	struct evlog log;
	struct event *ev;

	(void)state;
	assert_int_equal(savefile_field_class(EV_KEX_MASTER_SECRET, "extended_master_secret"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_TLS_CLIENT_HELLO, "extended_master_secret"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_TLS_SERVER_HELLO, "extended_master_secret"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_KEX_MASTER_SECRET, "master_secret"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_MASTER_SECRET, "session_hash"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_KEX_TLS13_KEYS, "client_handshake_traffic_secret"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_TLS13_KEYS, "client_handshake_key"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_TLS13_KEYS, "server_application_iv"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_TLS13_KEYS, "traffic_secrets"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_KEX_FINISHED, "base_key"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_FINISHED, "verify_data"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_KEX_RECORD_DECRYPT, "nonce"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_RECORD_DECRYPT, "explicit_nonce"), FIELD_OPEN);
	/* the same name, two meanings: the encrypted pre-master's first bytes,
	 * and OpenSSL's pre-master itself */
	assert_int_equal(savefile_field_class(EV_KEX_PRE_MASTER, "openssl_value"), FIELD_OPEN);
	assert_int_equal(savefile_field_class(EV_KEX_RSA_DECRYPT, "openssl_value"), FIELD_SECRET);
	assert_int_equal(savefile_field_class(EV_KEX_MASTER_SECRET, "new_secretish_thing"), FIELD_UNLISTED);
	assert_int_equal(savefile_field_class(EV_HTTP_RESPONSE, "secret"), FIELD_OPEN);

	evlog_init(&log);
	ev = evlog_add(&log, EV_KEX_MASTER_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "m");
	event_field(ev, 0, "extended_master_secret", 0, 0, "yes");
	event_field(ev, 0, "openssl_value", 0, 0, "aa (x): DIFFERENT");
	event_field(ev, 1, "recomputed", 0, 0, "bb");
	event_field(ev, 1, "openssl", 0, 0, "aa");
	event_field(ev, 0, "a_field_no_one_listed", 0, 0, "cc");
	ev = evlog_add(&log, EV_KEX_FINISHED, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "f");
	event_field(ev, 0, "openssl_value", 0, 0, "dd (x): DIFFERENT");
	event_field(ev, 1, "recomputed", 0, 0, "ee");
	event_field(ev, 1, "openssl", 0, 0, "dd");
	ev = log.ev[0];
	assert_false(savefile_secret_field(ev, &ev->fields[0]));
	assert_true(savefile_secret_field(ev, &ev->fields[1]));
	assert_true(savefile_secret_field(ev, &ev->fields[2])); /* a secret's comparison */
	assert_true(savefile_secret_field(ev, &ev->fields[3]));
	assert_true(savefile_secret_field(ev, &ev->fields[4])); /* unlisted: kept out */
	ev = log.ev[1];
	assert_false(savefile_secret_field(ev, &ev->fields[0]));
	assert_false(savefile_secret_field(ev, &ev->fields[1])); /* verify_data's comparison */
	assert_false(savefile_secret_field(ev, &ev->fields[2]));
	evlog_clear(&log);
}

/* Every field the catalogue knows a kex.* event to carry is in the table,
 * one way or the other: a field added to the views must be classified. */
static void test_every_kex_field_classified(void **state)
{
	(void)state;
	for (int e = 0; e < EV__COUNT; e++) {
		const char *p = fieldcat_fields(e);

		if (evname_layer((enum evname)e) != LAYER_KEX)
			continue;
		assert_true(p[0] != '\0');
		while (*p != '\0') {
			char name[64];
			size_t n = strcspn(p, " ");

			assert_true(n < sizeof name);
			memcpy(name, p, n);
			name[n] = '\0';
			if (savefile_field_class((enum evname)e, name) == FIELD_UNLISTED)
				fail_msg("%s's field %s is neither secret nor open in app/savefile.c", evname_str(e), name);
			p += n;
			p += strspn(p, " ");
		}
	}
}

/* Without --save-secrets no secret OpenSSL reported (keylog) nor any key
 * httpsviz derived is in the file, in any form the events hold them; with
 * it, they are.  What is not secret stays: extended_master_secret's value,
 * the randoms, the hashes. */
static void test_secrets_left_out(void **state)
{
	static const struct engine_config cfgs[] = {
		{.kex = KEX_RSA, .no_pcap = 1},
		{.kex = KEX_ECDHE, .no_pcap = 1},
		{.kex = KEX_RSA, .classic = 1, .no_pcap = 1},
		{.tls = TLSV_13, .no_pcap = 1},
		{.scenario = SCEN_MITM, .trust_attacker = 1, .no_pcap = 1},
		{.tls = TLSV_13, .scenario = SCEN_MITM, .trust_attacker = 1, .no_pcap = 1},
	};
	char path[256];

	(void)state;
	path_in_dir(path, sizeof path, "secrets.jsonl");
	for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
		struct run r;
		size_t len;
		char *text;
		size_t checked = 0;
		struct saved_run back;
		char err[256];

		run_all(&r, &cfgs[i]);
		save(path, &r, &cfgs[i], 0);
		text = slurp(path, &len);
		for (size_t k = 0; k < r.log.n; k++) {
			const struct event *ev = r.log.ev[k];
			char h[32];

			if (!savefile_secret_raw(ev) || ev->raw_len < 12)
				continue;
			/* every 12-byte window of the secret bytes */
			for (size_t off = 0; off + 12 <= ev->raw_len; off += 4) {
				hex12(ev->raw + off, 12, h);
				if (strstr(text, h) != NULL)
					fail_msg("config %zu: %s bytes %zu.. leaked: %s", i, evname_str(ev->name), off, h);
				checked++;
			}
		}
		/* every field a secret is shown in (its leading hex, 8 bytes or
		 * more), and every field that is not, by its class */
		for (size_t k = 0; k < r.log.n; k++) {
			const struct event *ev = r.log.ev[k];

			for (size_t f = 0; f < ev->nfields; f++) {
				const struct field *fd = &ev->fields[f];
				char h[80];
				size_t n = hex_prefix(fd->value, h, 64);

				if (evname_layer(ev->name) == LAYER_KEX && fd->depth == 0 &&
				    savefile_field_class(ev->name, fd->name) == FIELD_UNLISTED)
					fail_msg("config %zu: %s's field %s is neither secret nor open", i,
						 evname_str(ev->name), fd->name);
				if (!savefile_secret_field(ev, fd)) {
					if (!field_kept(text, fd->name, n >= 16 ? h : ""))
						fail_msg("config %zu: %s's open field %s was left out", i,
							 evname_str(ev->name), fd->name);
					continue;
				}
				if (n < 16)
					continue;
				if (strstr(text, h) != NULL)
					fail_msg("config %zu: %s's secret field %s leaked: %s", i, evname_str(ev->name),
						 fd->name, h);
				checked++;
			}
		}
		if (cfgs[i].tls != TLSV_13) {
			assert_true(field_kept(text, "extended_master_secret",
					       cfgs[i].classic ? "no (--classic)" : "yes (RFC 7627"));
		}
		assert_true(checked > 10);
		assert_non_null(strstr(text, "\"redacted\":true"));
		assert_non_null(strstr(text, "\"secrets\":false"));
		/* the redacted file still loads, and says so */
		if (replayfile_load(path, &back, err, sizeof err) < 0)
			fail_msg("load: %s", err);
		assert_int_equal(back.redacted, 1);
		assert_int_equal(back.log.n, r.log.n);
		replayfile_free(&back);
		free(text);
		/* and with the secrets, the keylog's are there */
		save(path, &r, &cfgs[i], 1);
		text = slurp(path, &len);
		for (size_t k = 0; k < r.log.n; k++) {
			char h[32];

			if (r.log.ev[k]->name != EV_KEX_SECRET)
				continue;
			hex12(r.log.ev[k]->raw, r.log.ev[k]->raw_len, h);
			assert_non_null(strstr(text, h));
		}
		free(text);
		run_free(&r);
	}
}

/* The safety net: a field or summary of any event that shows a secret's
 * bytes in hex is left out, whatever its name, in a streamed save, a whole
 * log saved at once, and an export. */
static void test_secret_shown_anywhere(void **state)
{
	static const uint8_t secret[20] = {0x5e, 0xc2, 0xe7, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
					   0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11};
	struct evlog log;
	struct event *ev;
	struct engine_config cfg = {0};
	struct save_info info = {"trace", &cfg, NULL, 0, "t", 0};
	struct saved_end end = {SAVED_DONE, 0, 1, "", "", ""};
	char path[256];
	char err[256];
	char *text;
	size_t len;
	struct savefile *sf;

	(void)state;
	path_in_dir(path, sizeof path, "net.jsonl");
	evlog_init(&log);
	ev = evlog_add(&log, EV_KEX_SECRET, ACTOR_CLIENT, DIR_LOCAL, secret, sizeof secret, "keylog: X");
	event_field_hex(ev, 0, "label_that_no_rule_knows", 0, sizeof secret, 0);
	ev = evlog_add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, DIR_C2S, NULL, 0,
		       "a summary that shows 030405060708090a0b0c0d0e0f by mistake");
	event_field(ev, 0, "innocent", 0, 0, "prefix 02030405060708090a0b0c0d suffix");
	event_field(ev, 0, "fine", 0, 0, "5ec2e7 (three bytes are not enough to tell)");
	for (int stream = 0; stream < 2; stream++) {
		if (stream) {
			sf = savefile_create(path, 0, err, sizeof err);
			assert_non_null(sf);
			savefile_header(sf, &info);
			for (size_t i = 0; i < log.n; i++)
				savefile_event(sf, log.ev[i]);
			assert_int_equal(savefile_finish(sf, &end, err, sizeof err), 0);
		} else {
			assert_int_equal(savefile_write_log(path, 0, &info, &log, &end, err, sizeof err), 0);
		}
		text = slurp(path, &len);
		assert_null(strstr(text, "0708090a0b0c"));
		assert_null(strstr(text, "by mistake"));
		assert_non_null(strstr(text, "(three bytes are not enough to tell)"));
		free(text);
	}
	evlog_clear(&log);
}

/* Hex (lower case) of an RSA key's private parameter, or NULL. */
static char *rsa_param_hex(EVP_PKEY *key, const char *name)
{
	BIGNUM *bn = NULL;
	char *hex;

	if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
		return NULL;
	hex = BN_bn2hex(bn);
	BN_free(bn);
	for (char *c = hex; c != NULL && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return hex;
}

/* Even with --save-secrets no private key is in a saved run: the server's
 * RSA key (the one the engine used: the suite keeps its keys) in none of
 * its private forms, the RSA and the mitm key exchange alike. */
static void test_no_private_key(void **state)
{
	static const struct engine_config cfgs[] = {
		{.kex = KEX_RSA, .no_pcap = 1},
		{.scenario = SCEN_MITM, .trust_attacker = 1, .no_pcap = 1},
	};
	char path[256];

	(void)state;
	path_in_dir(path, sizeof path, "nokey.jsonl");
	for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
		static const char *const params[] = {"d", "rsa-factor1", "rsa-factor2", "rsa-exponent1",
						     "rsa-exponent2", "rsa-coefficient1"};
		struct pki pki;
		struct run r;
		char err[256];
		char *text;
		size_t len;
		int found = 0;

		run_all(&r, &cfgs[i]);
		save(path, &r, &cfgs[i], 1);
		text = slurp(path, &len);
		assert_int_equal(pki_mint(&pki, cfgs[i].scenario, err, sizeof err), 0);
		for (int k = 0; k < 2; k++) {
			EVP_PKEY *key = k == 0 ? pki.server_key : pki.mitm_key;

			if (key == NULL)
				continue;
			{
				/* the same key the engine used: its public modulus is in
				 * the saved certificate, so the search below can hit */
				char *n = rsa_param_hex(key, "n");
				char window[33];

				assert_non_null(n);
				snprintf(window, sizeof window, "%s", n + 8);
				assert_non_null(strstr(text, window));
				OPENSSL_free(n);
			}
			for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
				char *hex = rsa_param_hex(key, params[p]);
				char window[33];

				assert_non_null(hex);
				snprintf(window, sizeof window, "%s", hex + 8);
				if (strstr(text, window) != NULL)
					fail_msg("config %zu: the private key's %s is in the saved run", i, params[p]);
				found++;
				OPENSSL_free(hex);
			}
		}
		assert_true(found >= 6);
		assert_null(strstr(text, "PRIVATE KEY"));
		pki_free(&pki);
		free(text);
		run_free(&r);
	}
}

/* A --json capture alone (no header, no end line) is a saved run. */
static void test_bare_json_capture(void **state)
{
	struct engine_config cfg = {.no_pcap = 1};
	struct run r;
	struct saved_run back;
	char err[256];
	char *text;
	char *again;

	(void)state;
	run_all(&r, &cfg);
	text = json_of(&r.log);
	assert_int_equal(replayfile_parse("capture.json", text, strlen(text), &back, err, sizeof err), 0);
	assert_int_equal(back.has_header, 0);
	assert_int_equal(back.has_end, 0);
	again = json_of(&back.log);
	assert_string_equal(text, again);
	free(again);
	free(text);
	replayfile_free(&back);
	run_free(&r);
}

/* Damage, each reported with the file and the line. */
static void test_damaged_files(void **state)
{
	static const char *const H = "{\"httpsviz\":\"saved-run\",\"format\":1}\n";
	static const char *const E1 =
		"{\"seq\":1,\"t_us\":5,\"step\":1,\"actor\":\"client\",\"direction\":\"c2s\",\"peer\":\"server\","
		"\"layer\":\"tls\",\"name\":\"tls.client_hello\",\"summary\":\"hi\",\"hex\":\"0100\",\"fields\":"
		"[{\"name\":\"t\",\"value\":\"1\",\"offset\":0,\"length\":1,\"children\":[]}]}\n";
	static const char *const END = "{\"httpsviz\":\"end\",\"events\":1,\"steps\":1,\"status\":\"done\",\"exit\":0}\n";
	struct {
		const char *text;
		const char *where;
		const char *why;
	} cases[] = {
		{"", "f:0:", "empty"},
		{"{\"httpsviz\":\"saved-run\",\"format\":2}\n", "f:1:", "newer httpsviz"},
		{"{\"httpsviz\":\"saved-run\",\"format\":1}\n{\"seq\":1,", "f:2:", "truncated"},
		{"{\"httpsviz\":\"saved-run\",\"format\":1}\n{\"seq\":1}\n", "f:2:", "flight"},
		{NULL, "f:3:", "end line is missing"},                 /* H + E1 */
		{NULL, "f:2:", "not valid JSON"},                      /* H + garbage */
		{NULL, "f:2:", "unknown event"},
		{NULL, "f:2:", "points past"},
		{NULL, "f:2:", "hex"},
		{NULL, "f:3:", "event 3 where event 2"},
		{NULL, "f:4:", "after the end line"},
		{NULL, "f:3:", "counts 2 events"},
		{NULL, "f:2:", "not in layer"},
		{NULL, "f:2:", "nested too deeply"},
		{NULL, "f:2:", "tcp\" flags"},
		{NULL, "f:2:", "tls_version"},
	};
	char buf[8192];
	char deep[400];

	(void)state;
	memset(deep, '[', 150);
	memset(deep + 150, ']', 150);
	deep[300] = '\0';
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct saved_run back;
		char err[512];
		const char *text = cases[i].text;

		switch (i) {
		case 4: snprintf(buf, sizeof buf, "%s%s", H, E1); text = buf; break;
		case 5: snprintf(buf, sizeof buf, "%s{\"seq\":1,\"t_us\":\x01}\n%s", H, END); text = buf; break;
		case 6: snprintf(buf, sizeof buf, "%s%s", H, E1); text = buf;
			memcpy(strstr(buf, "tls.client_hello"), "tls.client_hellx", 16); break;
		case 7: snprintf(buf, sizeof buf, "%s%s%s", H, E1, END); text = buf;
			memcpy(strstr(buf, "\"length\":1"), "\"length\":3", 10); break;
		case 8: snprintf(buf, sizeof buf, "%s%s%s", H, E1, END); text = buf;
			memcpy(strstr(buf, "0100"), "01G0", 4); break;
		case 9: {
			char e2[1024];

			snprintf(e2, sizeof e2, "%s", E1);
			memcpy(strstr(e2, "\"seq\":1"), "\"seq\":3", 7);
			snprintf(buf, sizeof buf, "%s%s%s%s", H, E1, e2, END);
			text = buf;
			break;
		}
		case 10: snprintf(buf, sizeof buf, "%s%s%s%s", H, E1, END, E1); text = buf; break;
		case 11: snprintf(buf, sizeof buf, "%s%s%s", H, E1, END); text = buf;
			memcpy(strstr(buf, "\"events\":1"), "\"events\":2", 10); break;
		case 12: snprintf(buf, sizeof buf, "%s%s%s", H, E1, END); text = buf;
			memcpy(strstr(buf, "\"layer\":\"tls\""), "\"layer\":\"tcp\"", 13); break;
		case 13: snprintf(buf, sizeof buf, "%s{\"seq\":1,\"x\":%s}\n%s", H, deep, END); text = buf; break;
		case 14: snprintf(buf, sizeof buf, "%s%s%s", H, E1, END); text = buf;
			{
				char tmp2[8192];
				char *at = strstr(buf, ",\"fields\"");

				snprintf(tmp2, sizeof tmp2, "%.*s,\"tcp\":{\"seq\":1,\"flags\":\"SYN,URG\",\"window\":5}%s",
					 (int)(at - buf), buf, at);
				snprintf(buf, sizeof buf, "%s", tmp2);
			}
			break;
		case 15: {
			char tmp2[8192];
			char *at;

			snprintf(buf, sizeof buf, "%s%s%s", H, E1, END);
			at = strstr(buf, ",\"fields\"");
			snprintf(tmp2, sizeof tmp2, "%.*s,\"tls_version\":\"TLS 9.9\"%s", (int)(at - buf), buf, at);
			snprintf(buf, sizeof buf, "%s", tmp2);
			text = buf;
			break;
		}
		default: break;
		}
		err[0] = '\0';
		if (replayfile_parse("f", text, strlen(text), &back, err, sizeof err) == 0)
			fail_msg("case %zu was accepted", i);
		if (strncmp(err, cases[i].where, strlen(cases[i].where)) != 0 || strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: '%s', expected '%s ... %s'", i, err, cases[i].where, cases[i].why);
		assert_int_equal(back.log.n, 0);
	}
	/* the well-formed file itself is fine */
	{
		struct saved_run back;
		char err[512];

		snprintf(buf, sizeof buf, "%s%s%s", H, E1, END);
		assert_int_equal(replayfile_parse("f", buf, strlen(buf), &back, err, sizeof err), 0);
		assert_int_equal(back.log.n, 1);
		assert_int_equal(back.log.ev[0]->nfields, 1);
		replayfile_free(&back);
	}
}

/* Text that could act on a terminal is made inert on the way in. */
static void test_unsafe_text_sanitised(void **state)
{
	const char *text =
		"{\"seq\":1,\"t_us\":5,\"step\":1,\"actor\":\"client\",\"direction\":\"c2s\",\"peer\":\"server\","
		"\"layer\":\"tls\",\"name\":\"tls.client_hello\",\"summary\":\"a\\u001b[2Jb\\u202e\",\"hex\":\"\","
		"\"fields\":[{\"name\":\"x\\u0007\",\"value\":\"\\u009b31m\",\"offset\":0,\"length\":0}]}\n";
	struct saved_run back;
	char err[256];

	(void)state;
	assert_int_equal(replayfile_parse("f", text, strlen(text), &back, err, sizeof err), 0);
	assert_null(strchr(back.log.ev[0]->summary, 0x1b));
	assert_null(strstr(back.log.ev[0]->summary, "\xe2\x80\xae"));
	assert_null(strchr(back.log.ev[0]->fields[0].name, 0x07));
	assert_null(strstr(back.log.ev[0]->fields[0].value, "\xc2\x9b"));
	replayfile_free(&back);
}

/* The file is created without following a planted link, 0600 even when it
 * existed with other permissions, and a hard link is refused. */
static void test_created_safely(void **state)
{
	char target[256];
	char planted[256];
	char hard[256];
	char err[256];
	struct stat st;
	FILE *f;
	int fd;

	(void)state;
	path_in_dir(target, sizeof target, "victim");
	path_in_dir(planted, sizeof planted, "planted");
	path_in_dir(hard, sizeof hard, "hardlink");
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(symlink(target, planted), 0);
	assert_null(savefile_fopen(planted, 0600, err, sizeof err));
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(link_is_untouched(target), 4);
	assert_int_equal(link(target, hard), 0);
	assert_null(savefile_fopen(hard, 0600, err, sizeof err));
	assert_non_null(strstr(err, "hard links"));
	assert_int_equal(link_is_untouched(target), 4);
	unlink(hard);
	/* an existing file of ours: truncated and made 0600 */
	f = savefile_fopen(target, 0600, err, sizeof err);
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_options),
		cmocka_unit_test(test_round_trip_every_mode),
		cmocka_unit_test(test_round_trip_every_scenario),
		cmocka_unit_test(test_field_classes),
		cmocka_unit_test(test_every_kex_field_classified),
		cmocka_unit_test(test_secrets_left_out),
		cmocka_unit_test(test_no_private_key),
		cmocka_unit_test(test_secret_shown_anywhere),
		cmocka_unit_test(test_bare_json_capture),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_unsafe_text_sanitised),
		cmocka_unit_test(test_created_safely),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
