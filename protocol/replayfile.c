#include "protocol/replayfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/json.h"
#include "protocol/sanitize.h"
#include "protocol/tlsdecode.h"

/* The reader's state while it walks the lines. */
struct rd {
	const char *name;     /* the path, sanitised, for messages */
	size_t line;
	struct saved_run *run;
	struct json_doc doc;
	char *err;
	size_t errlen;
};

static int bad(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keep the first error as "NAME:LINE: reason". */
static int bad(struct rd *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->err != NULL && r->errlen > 0 && r->err[0] == '\0')
		snprintf(r->err, r->errlen, "%s:%zu: %s", r->name, r->line, msg);
	return -1;
}

/* see replayfile.h */
const char *saved_status_str(enum saved_status s)
{
	static const char *const names[] = {"done", "failed", "partial"};

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "partial";
}

/* Whether s is already safe for a terminal: printable ASCII or safe UTF-8
 * only (what sanitize_bytes() produces). */
static int is_clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t u;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		u = sanitize_utf8_len((const unsigned char *)s + i, len - i);
		if (u == 0)
			return 0;
		i += u;
	}
	return 1;
}

/* A copy of a string value that is safe to show: kept as it is when it is
 * clean (so a replay prints the same bytes), sanitised otherwise. */
static char *clean_copy(const struct json_value *v)
{
	char *out;

	if (!is_clean(v->str, v->len))
		return sanitize_bytes(v->str, v->len);
	out = malloc(v->len + 1);
	if (out != NULL)
		memcpy(out, v->str, v->len + 1);
	return out;
}

/* Copy a string member into a fixed buffer (sanitised, cut to fit);
 * a missing member leaves it empty.  -1 when present but not a string. */
static int get_str(struct rd *r, const struct json_value *obj, const char *key, char *buf, size_t n)
{
	const struct json_value *v = json_get(&r->doc, obj, key);
	char *c;

	buf[0] = '\0';
	if (v == NULL || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_STRING)
		return bad(r, "\"%s\" is not a string", key);
	c = clean_copy(v);
	if (c == NULL)
		return bad(r, "out of memory");
	snprintf(buf, n, "%s", c);
	free(c);
	return 0;
}

/* A boolean member (missing: 0). */
static int get_bool(struct rd *r, const struct json_value *obj, const char *key, int *out)
{
	const struct json_value *v = json_get(&r->doc, obj, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (v->type != JSON_TRUE && v->type != JSON_FALSE)
		return bad(r, "\"%s\" is not true or false", key);
	*out = v->type == JSON_TRUE;
	return 0;
}

/* A whole-number member in [lo, hi]; missing: *out = dflt, or an error
 * when required. */
static int get_int(struct rd *r, const struct json_value *obj, const char *key, long long lo, long long hi,
		   int required, long long dflt, long long *out)
{
	const struct json_value *v = json_get(&r->doc, obj, key);

	*out = dflt;
	if (v == NULL) {
		if (required)
			return bad(r, "\"%s\" is missing", key);
		return 0;
	}
	if (json_int(v, lo, hi, out) < 0)
		return bad(r, "\"%s\" is not a whole number from %lld to %lld", key, lo, hi);
	return 0;
}

/* The header line. */
static int read_header(struct rd *r, const struct json_value *root)
{
	struct saved_run *run = r->run;
	const struct json_value *o;
	long long v;

	if (get_int(r, root, "format", 1, 1000000, 1, 0, &v) < 0)
		return -1;
	if (v > SAVE_FORMAT)
		return bad(r, "saved by a newer httpsviz (format %lld; this one reads format %d): upgrade httpsviz",
			   v, SAVE_FORMAT);
	run->format = (int)v;
	run->has_header = 1;
	if (get_str(r, root, "version", run->httpsviz_version, sizeof run->httpsviz_version) < 0 ||
	    get_str(r, root, "date", run->date, sizeof run->date) < 0 ||
	    get_str(r, root, "title", run->title, sizeof run->title) < 0 ||
	    get_bool(r, root, "secrets", &run->secrets) < 0)
		return -1;
	o = json_get(&r->doc, root, "options");
	if (o == NULL)
		return 0;
	if (o->type != JSON_OBJECT)
		return bad(r, "\"options\" is not an object");
	if (get_str(r, o, "mode", run->opt.mode, sizeof run->opt.mode) < 0 ||
	    get_str(r, o, "tls", run->opt.tls, sizeof run->opt.tls) < 0 ||
	    get_str(r, o, "kex", run->opt.kex, sizeof run->opt.kex) < 0 ||
	    get_str(r, o, "scenario", run->opt.scenario, sizeof run->opt.scenario) < 0 ||
	    get_str(r, o, "host", run->opt.host, sizeof run->opt.host) < 0 ||
	    get_str(r, o, "port", run->opt.port, sizeof run->opt.port) < 0 ||
	    get_str(r, o, "path", run->opt.path, sizeof run->opt.path) < 0 ||
	    get_str(r, o, "lesson", run->opt.lesson, sizeof run->opt.lesson) < 0 ||
	    get_bool(r, o, "classic", &run->opt.classic) < 0 ||
	    get_bool(r, o, "trust_attacker", &run->opt.trust_attacker) < 0 ||
	    get_bool(r, o, "insecure", &run->opt.insecure) < 0 ||
	    get_bool(r, o, "no_pcap", &run->opt.no_pcap) < 0 ||
	    get_bool(r, o, "verbose", &run->opt.verbose) < 0 ||
	    get_bool(r, o, "no_questions", &run->opt.no_questions) < 0 ||
	    get_bool(r, o, "openssl_states", &run->opt.openssl_states) < 0 ||
	    get_int(r, o, "timeout_ms", 0, 600000, 0, 0, &v) < 0)
		return -1;
	run->opt.timeout_ms = (int)v;
	return 0;
}

/* The closing line. */
static int read_end(struct rd *r, const struct json_value *root)
{
	struct saved_end *e = &r->run->end;
	char status[16];
	long long v;

	if (get_int(r, root, "events", 0, SAVE_MAX_EVENTS, 1, 0, &v) < 0)
		return -1;
	if ((size_t)v != r->run->log.n)
		return bad(r, "the end line counts %lld events but the file holds %zu (truncated?)", v,
			   r->run->log.n);
	if (get_str(r, root, "status", status, sizeof status) < 0)
		return -1;
	if (strcmp(status, "done") == 0)
		e->status = SAVED_DONE;
	else if (strcmp(status, "failed") == 0)
		e->status = SAVED_FAILED;
	else if (strcmp(status, "partial") == 0)
		e->status = SAVED_PARTIAL;
	else
		return bad(r, "\"status\" must be done, failed or partial");
	if (get_int(r, root, "exit", 0, 255, 1, 0, &v) < 0)
		return -1;
	e->exit_code = (int)v;
	if (get_int(r, root, "steps", 0, 10000000, 1, 0, &v) < 0)
		return -1;
	e->steps = (int)v;
	if (get_str(r, root, "tls_version", e->version, sizeof e->version) < 0 ||
	    get_str(r, root, "cipher", e->cipher, sizeof e->cipher) < 0 ||
	    get_str(r, root, "error", e->error, sizeof e->error) < 0)
		return -1;
	r->run->has_end = 1;
	return 0;
}

/* An enum member given by name in a table. */
static int get_enum(struct rd *r, const struct json_value *obj, const char *key,
		    const char *(*str)(int), int count, int *out)
{
	const struct json_value *v = json_get(&r->doc, obj, key);

	if (v == NULL || v->type != JSON_STRING)
		return bad(r, "\"%s\" is missing or not a string", key);
	for (int i = 0; i < count; i++) {
		if (strcmp(str(i), v->str) == 0) {
			*out = i;
			return 0;
		}
	}
	return bad(r, "unknown %s", key);
}

static const char *actor_name(int i) { return actor_str((enum actor)i); }
static const char *dir_name(int i) { return direction_str((enum direction)i); }
static const char *layer_name(int i) { return layer_str((enum layer)i); }

/* Decode the "hex" member into ev->raw. */
static int read_hex(struct rd *r, const struct json_value *v, uint8_t **raw, size_t *len)
{
	size_t n;

	*raw = NULL;
	*len = 0;
	if (v == NULL || v->type != JSON_STRING)
		return bad(r, "\"hex\" is missing or not a string");
	if (v->len % 2 != 0)
		return bad(r, "\"hex\" has an odd number of digits");
	n = v->len / 2;
	if (n == 0)
		return 0;
	*raw = malloc(n);
	if (*raw == NULL)
		return bad(r, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int hi = -1;
		int lo = -1;
		char c0 = v->str[2 * i];
		char c1 = v->str[2 * i + 1];

		hi = c0 >= '0' && c0 <= '9' ? c0 - '0' : c0 >= 'a' && c0 <= 'f' ? c0 - 'a' + 10 : -1;
		lo = c1 >= '0' && c1 <= '9' ? c1 - '0' : c1 >= 'a' && c1 <= 'f' ? c1 - 'a' + 10 : -1;
		if (hi < 0 || lo < 0) {
			free(*raw);
			*raw = NULL;
			return bad(r, "\"hex\" holds a character that is not a lower-case hex digit");
		}
		(*raw)[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n;
	return 0;
}

/* Append one field to ev (which owns name and value from now on). */
static int push_field(struct rd *r, struct event *ev, int depth, char *name, char *value, size_t off,
		      size_t len, enum field_role role)
{
	struct field *f;

	if (name == NULL || value == NULL) {
		free(name);
		free(value);
		return bad(r, "out of memory");
	}
	if (ev->nfields >= SAVE_MAX_FIELDS) {
		free(name);
		free(value);
		return bad(r, "more than %d fields in one event", SAVE_MAX_FIELDS);
	}
	if (ev->nfields == ev->fields_cap) {
		size_t cap = ev->fields_cap ? ev->fields_cap * 2 : 16;
		struct field *grown = realloc(ev->fields, cap * sizeof *grown);

		if (grown == NULL) {
			free(name);
			free(value);
			return bad(r, "out of memory");
		}
		ev->fields = grown;
		ev->fields_cap = cap;
	}
	f = &ev->fields[ev->nfields++];
	f->name = name;
	f->value = value;
	f->offset = off;
	f->length = len;
	f->depth = depth;
	f->role = role;
	return 0;
}

/* The fields of arr at depth d, in pre-order (an array inside the array
 * is a deeper level without a parent, as --json writes it). */
static int read_fields(struct rd *r, struct event *ev, const struct json_value *arr, int d)
{
	if (arr == NULL || arr->type != JSON_ARRAY)
		return bad(r, "\"fields\" is not an array");
	for (const struct json_value *f = json_first(&r->doc, arr); f != NULL; f = json_next(&r->doc, f)) {
		const struct json_value *name;
		const struct json_value *value;
		const struct json_value *role;
		long long off;
		long long len;
		int rl = ROLE_NONE;

		if (f->type == JSON_ARRAY) {
			if (read_fields(r, ev, f, d + 1) < 0)
				return -1;
			continue;
		}
		if (f->type != JSON_OBJECT)
			return bad(r, "a field is not an object");
		name = json_get(&r->doc, f, "name");
		value = json_get(&r->doc, f, "value");
		if (name == NULL || name->type != JSON_STRING || value == NULL || value->type != JSON_STRING)
			return bad(r, "a field needs a \"name\" and a \"value\" string");
		if (get_int(r, f, "offset", 0, (long long)SAVE_MAX_LINE, 1, 0, &off) < 0 ||
		    get_int(r, f, "length", 0, (long long)SAVE_MAX_LINE, 1, 0, &len) < 0)
			return -1;
		if ((size_t)(off + len) > ev->raw_len)
			return bad(r, "field \"%.40s\" points past the event's %zu bytes", name->str, ev->raw_len);
		role = json_get(&r->doc, f, "role");
		if (role != NULL) {
			if (role->type != JSON_STRING)
				return bad(r, "\"role\" is not a string");
			for (rl = ROLE_INPUT; rl <= ROLE_CHECK; rl++)
				if (strcmp(field_role_str((enum field_role)rl), role->str) == 0)
					break;
			if (rl > ROLE_CHECK)
				return bad(r, "unknown role \"%.20s\"", role->str);
		}
		if (push_field(r, ev, d, clean_copy(name), clean_copy(value), (size_t)off, (size_t)len,
			       (enum field_role)rl) < 0)
			return -1;
		if (json_get(&r->doc, f, "children") != NULL &&
		    read_fields(r, ev, json_get(&r->doc, f, "children"), d + 1) < 0)
			return -1;
	}
	return 0;
}

/* The wire's number of a TLS version as --json names it ("TLS 1.3",
 * "GREASE", "unknown"): the first number with that name.  The names are
 * gathered once (one pass over the 65536 numbers), so a file with many
 * versions costs a short scan each. */
static int version_number(const char *name, uint16_t *out)
{
	static struct {
		const char *name;   /* NULL: the "unknown" entry */
		uint16_t value;
	} names[64];
	static size_t n;
	static int ready;

	if (!ready) {
		for (unsigned v = 1; v <= 0xffff && n < sizeof names / sizeof names[0]; v++) {
			const char *nm = tlsdecode_version_name((uint16_t)v);
			size_t i;

			for (i = 0; i < n; i++)
				if (nm == NULL ? names[i].name == NULL
					       : names[i].name != NULL && strcmp(names[i].name, nm) == 0)
					break;
			if (i == n) {
				names[n].name = nm;
				names[n].value = (uint16_t)v;
				n++;
			}
		}
		ready = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, "unknown") == 0 ? names[i].name == NULL
						 : names[i].name != NULL && strcmp(names[i].name, name) == 0) {
			*out = names[i].value;
			return 0;
		}
	}
	return -1;
}

/* TCP flags as --json writes them: "SYN,ACK". */
static int tcp_flags(const char *s, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t bit;
	} names[] = {{"SYN", TCP_FLAG_SYN}, {"FIN", TCP_FLAG_FIN}, {"RST", TCP_FLAG_RST},
		     {"PSH", TCP_FLAG_PSH}, {"ACK", TCP_FLAG_ACK}};

	*out = 0;
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && strncmp(s, names[i].name, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return -1;
		*out |= names[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* The typed facts of an event (issue 11): whether its record was
 * encrypted, an alert's two bytes, a captured TCP header, the HTTP start
 * line, the TLS role and version.  Only what --json writes is read; what it
 * derives (names, close_notify) follows from these. */
static int read_facts(struct rd *r, struct event *ev, const struct json_value *root)
{
	const struct json_value *o;
	long long x;
	int b;

	if (json_get(&r->doc, root, "encrypted") != NULL) {
		if (get_bool(r, root, "encrypted", &b) < 0)
			return -1;
		ev->wire = b ? WIRE_ENCRYPTED : WIRE_CLEAR;
	}
	o = json_get(&r->doc, root, "alert");
	if (o != NULL) {
		if (o->type != JSON_OBJECT || get_int(r, o, "level", 1, 255, 1, 0, &x) < 0)
			return bad(r, "\"alert\" needs a level from 1 to 255");
		ev->alert.level = (uint8_t)x;
		if (get_int(r, o, "description", 0, 255, 1, 0, &x) < 0)
			return -1;
		ev->alert.description = (uint8_t)x;
	}
	o = json_get(&r->doc, root, "tcp");
	if (o != NULL) {
		const struct json_value *f = json_get(&r->doc, o, "flags");

		if (o->type != JSON_OBJECT || get_int(r, o, "seq", 0, UINT32_MAX, 1, 0, &x) < 0)
			return bad(r, "\"tcp\" needs a seq");
		ev->tcp.seq = (uint32_t)x;
		if (get_int(r, o, "ack", 0, UINT32_MAX, 0, 0, &x) < 0)
			return -1;
		ev->tcp.ack = (uint32_t)x;
		if (get_int(r, o, "window", 0, 65535, 1, 0, &x) < 0)
			return -1;
		ev->tcp.window = (uint16_t)x;
		if (get_int(r, o, "window_scale", 0, 14, 0, -1, &x) < 0)
			return -1;
		ev->tcp.scale = (int)x;
		if (f == NULL || f->type != JSON_STRING || tcp_flags(f->str, &ev->tcp.flags) < 0)
			return bad(r, "\"tcp\" flags must be SYN, FIN, RST, PSH, ACK joined by commas");
		ev->tcp.captured = 1;
	}
	o = json_get(&r->doc, root, "http");
	if (o != NULL) {
		const struct json_value *line = json_get(&r->doc, o, "start_line");
		const struct json_value *method = json_get(&r->doc, o, "method");
		const struct json_value *target = json_get(&r->doc, o, "target");
		const struct json_value *body = json_get(&r->doc, o, "body_line");

		if (o->type != JSON_OBJECT || line == NULL || line->type != JSON_STRING)
			return bad(r, "\"http\" needs a start_line");
		if (method != NULL) {
			if (method->type != JSON_STRING || target == NULL || target->type != JSON_STRING)
				return bad(r, "\"http\" has a method without a target");
			ev->http.method = clean_copy(method);
			ev->http.target = clean_copy(target);
			if (ev->http.method == NULL || ev->http.target == NULL)
				return bad(r, "out of memory");
		} else {
			if (get_int(r, o, "status", 100, 999, 1, 0, &x) < 0)
				return -1;
			ev->http.status = (int)x;
		}
		ev->http.line = clean_copy(line);
		if (ev->http.line == NULL)
			return bad(r, "out of memory");
		if (body != NULL) {
			if (body->type != JSON_STRING || method != NULL || body->len > 4 * HTTP_FACT_BODY_LINE)
				return bad(r, "\"http\" body_line must be a string of at most 640 bytes, in a response");
			ev->http.body_line = clean_copy(body);
			if (ev->http.body_line == NULL)
				return bad(r, "out of memory");
		}
	}
	o = json_get(&r->doc, root, "tls_role");
	if (o != NULL) {
		if (o->type != JSON_STRING || (strcmp(o->str, "server") != 0 && strcmp(o->str, "client") != 0))
			return bad(r, "\"tls_role\" must be client or server");
		ev->tls_role = strcmp(o->str, "server") == 0 ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT;
	}
	o = json_get(&r->doc, root, "tls_version");
	if (o != NULL && (o->type != JSON_STRING || version_number(o->str, &ev->tls_version) < 0))
		return bad(r, "unknown \"tls_version\"");
	return 0;
}

/* One event line. */
static int read_event(struct rd *r, const struct json_value *root)
{
	struct evlog *log = &r->run->log;
	const struct json_value *v;
	struct event *ev;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	long long seq;
	long long step;
	long long x;
	int actor = 0;
	int dir = 0;
	int peer = 0;
	int layer = 0;
	int name;
	int redacted;

	if (log->n >= SAVE_MAX_EVENTS)
		return bad(r, "more than %d events", SAVE_MAX_EVENTS);
	/* the engine's flight ("step" in files saved before it was named so) */
	if (get_int(r, root, "seq", 1, SAVE_MAX_EVENTS, 1, 0, &seq) < 0 ||
	    get_int(r, root, json_get(&r->doc, root, "flight") == NULL && json_get(&r->doc, root, "step") != NULL
				     ? "step" : "flight",
		    0, 10000000, 1, 0, &step) < 0)
		return -1;
	if ((size_t)seq != log->n + 1)
		return bad(r, "event %lld where event %zu was due (a line is missing or repeated)", seq, log->n + 1);
	if (json_u64(json_get(&r->doc, root, "t_us"), &(uint64_t){0}) < 0)
		return bad(r, "\"t_us\" is missing or not a whole number");
	v = json_get(&r->doc, root, "name");
	if (v == NULL || v->type != JSON_STRING)
		return bad(r, "\"name\" is missing or not a string");
	name = evname_from_str(v->str);
	if (name < 0)
		return bad(r, "unknown event \"%.40s\" (saved by a newer httpsviz?)", v->str);
	if (get_enum(r, root, "actor", actor_name, ACTOR_MITM + 1, &actor) < 0 ||
	    get_enum(r, root, "direction", dir_name, DIR_LOCAL + 1, &dir) < 0 ||
	    get_enum(r, root, "peer", actor_name, ACTOR_MITM + 1, &peer) < 0 ||
	    get_enum(r, root, "layer", layer_name, LAYER_ERROR + 1, &layer) < 0)
		return -1;
	if ((enum layer)layer != evname_layer((enum evname)name))
		return bad(r, "event %s is not in layer %s", evname_str((enum evname)name), layer_str((enum layer)layer));
	v = json_get(&r->doc, root, "summary");
	if (v == NULL || v->type != JSON_STRING)
		return bad(r, "\"summary\" is missing or not a string");
	if (get_bool(r, root, "redacted", &redacted) < 0)
		return -1;
	if (read_hex(r, json_get(&r->doc, root, "hex"), &raw, &raw_len) < 0)
		return -1;
	ev = evlog_add(log, (enum evname)name, (enum actor)actor, (enum direction)dir, raw, raw_len, "%s", "");
	free(raw);
	if (ev == NULL)
		return bad(r, "out of memory");
	free(ev->summary);
	ev->summary = clean_copy(v);
	if (ev->summary == NULL)
		return bad(r, "out of memory");
	json_u64(json_get(&r->doc, root, "t_us"), &ev->t_us);
	ev->step = (int)step;
	ev->peer = (enum actor)peer;
	if (redacted)
		r->run->redacted = 1;
	if (read_fields(r, ev, json_get(&r->doc, root, "fields"), 0) < 0)
		return -1;
	v = json_get(&r->doc, root, "result");
	if (v != NULL) {
		if (v->type != JSON_STRING || (strcmp(v->str, "pass") != 0 && strcmp(v->str, "fail") != 0))
			return bad(r, "\"result\" must be pass or fail");
		ev->result = strcmp(v->str, "pass") == 0 ? RESULT_PASS : RESULT_FAIL;
	}
	if (get_int(r, root, "x509_error", -1000000, 1000000, 0, 0, &x) < 0)
		return -1;
	ev->x509_error = (long)x;
	v = json_get(&r->doc, root, "x509_error_text");
	if (v != NULL) {
		if (v->type != JSON_STRING)
			return bad(r, "\"x509_error_text\" is not a string");
		ev->x509_error_text = clean_copy(v);
		if (ev->x509_error_text == NULL)
			return bad(r, "out of memory");
	}
	v = json_get(&r->doc, root, "checked_by");
	if (v != NULL) {
		if (v->type != JSON_STRING ||
		    (strcmp(v->str, "httpsviz alone") != 0 && strcmp(v->str, "openssl and httpsviz") != 0))
			return bad(r, "\"checked_by\" must be \"httpsviz alone\" or \"openssl and httpsviz\"");
		ev->app_only = strcmp(v->str, "httpsviz alone") == 0;
	}
	if (get_int(r, root, "openssl_state", 0, 1000000, 0, -1, &x) < 0)
		return -1;
	ev->openssl_state = (int)x;
	if (read_facts(r, ev, root) < 0)
		return -1;
	v = json_get(&r->doc, root, "verified");
	if (v != NULL) {
		if (v->type != JSON_TRUE && v->type != JSON_FALSE)
			return bad(r, "\"verified\" is not true or false");
		ev->verified = v->type == JSON_TRUE;
	}
	return 0;
}

/* One line: the header, an event or the end. */
static int read_line(struct rd *r, const char *s, size_t len)
{
	char jerr[120];
	const struct json_value *root;
	const struct json_value *kind;
	int rc;

	if (len == 0)
		return bad(r, "empty line");
	if (json_parse(&r->doc, s, len, jerr, sizeof jerr) < 0)
		return bad(r, "not valid JSON: %s", jerr);
	root = json_root(&r->doc);
	if (root->type != JSON_OBJECT) {
		rc = bad(r, "a line must be a JSON object");
		goto out;
	}
	if (r->run->has_end) {
		rc = bad(r, "a line after the end line");
		goto out;
	}
	kind = json_get(&r->doc, root, "httpsviz");
	if (kind == NULL) {
		rc = read_event(r, root);
	} else if (kind->type == JSON_STRING && strcmp(kind->str, "saved-run") == 0) {
		rc = r->line == 1 ? read_header(r, root) : bad(r, "a header line that is not the first line");
	} else if (kind->type == JSON_STRING && strcmp(kind->str, "end") == 0) {
		rc = read_end(r, root);
	} else {
		rc = bad(r, "unknown line kind in \"httpsviz\"");
	}
out:
	json_free(&r->doc);
	return rc;
}

/* see replayfile.h */
void replayfile_free(struct saved_run *run)
{
	evlog_clear(&run->log);
	memset(run, 0, sizeof *run);
}

/* see replayfile.h */
int replayfile_parse(const char *name, const char *buf, size_t len, struct saved_run *run, char *err,
		     size_t errlen)
{
	char *safe = sanitize_bytes(name, strlen(name));
	struct rd r = {safe ? safe : "saved run", 0, run, {0}, err, errlen};
	size_t pos = 0;
	int rc = -1;

	memset(run, 0, sizeof *run);
	evlog_init(&run->log);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > SAVE_MAX_FILE) {
		bad(&r, "larger than %u bytes", SAVE_MAX_FILE);
		goto out;
	}
	if (len == 0) {
		bad(&r, "empty file: no events");
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;

		r.line++;
		if (n > SAVE_MAX_LINE) {
			bad(&r, "line longer than %u bytes", SAVE_MAX_LINE);
			goto out;
		}
		if (nl == NULL) {
			bad(&r, "truncated: the last line does not end");
			goto out;
		}
		if (read_line(&r, buf + pos, n) < 0)
			goto out;
		pos += n + 1;
	}
	if (run->has_header && !run->has_end) {
		r.line++;
		bad(&r, "truncated: the end line is missing (the run was cut short)");
		goto out;
	}
	if (run->log.n == 0) {
		bad(&r, "no events");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		evlog_clear(&run->log);
		memset(run, 0, sizeof *run);
	}
	free(safe);
	return rc;
}

/* see replayfile.h */
int replayfile_load(const char *path, struct saved_run *run, char *err, size_t errlen)
{
	char *safe = sanitize_bytes(path, strlen(path));
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd;
	int rc = -1;

	memset(run, 0, sizeof *run);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s:0: %s", safe ? safe : "?", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s:0: not a regular file", safe ? safe : "?");
		goto out;
	}
	if ((unsigned long long)st.st_size > SAVE_MAX_FILE) {
		snprintf(err, errlen, "%s:0: larger than %u bytes", safe ? safe : "?", SAVE_MAX_FILE);
		goto out;
	}
	/* mapped, not copied: the file's pages are the page cache's */
	if (st.st_size > 0) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf == MAP_FAILED) {
			buf = NULL;
			snprintf(err, errlen, "%s:0: %s", safe ? safe : "?", strerror(errno));
			goto out;
		}
		got = (size_t)st.st_size;
	}
	rc = replayfile_parse(path, buf != NULL ? buf : "", got, run, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	if (buf != NULL)
		munmap(buf, got);
	free(safe);
	return rc;
}
