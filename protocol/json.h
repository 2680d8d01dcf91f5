/* A small, strict, bounded JSON reader for one line of a saved run.
 *
 * json_parse() turns one JSON text (RFC 8259) into a tree of values held in
 * one array: every read is bounds-checked, nesting is limited to
 * JSON_MAX_DEPTH and the number of values to JSON_MAX_VALUES, strings are
 * decoded to UTF-8 (a \u0000 or a lone surrogate is refused).  Nothing here
 * prints: the caller decides what a value means.  No OpenSSL, no ncurses. */
#ifndef HTTPSVIZ_JSON_H
#define HTTPSVIZ_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_VALUES 1000000

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	char *key;       /* the member name inside an object, else NULL */
	char *str;       /* JSON_STRING: the decoded text; JSON_NUMBER: its
			  * text as written */
	size_t len;      /* bytes in str */
	long child;      /* first element or member, -1 when none */
	long next;       /* next sibling, -1 at the end */
};

struct json_doc {
	struct json_value *v;   /* v[0] is the root */
	size_t n;
	size_t cap;
};

/* Parse text[0..len) (exactly one value, surrounded by optional white
 * space) into doc.  Returns 0, or -1 with a one-line reason (and the byte
 * column where it was found) in err; doc is then empty. */
int json_parse(struct json_doc *doc, const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json_doc *doc);
/* The root value, or NULL for an empty document. */
const struct json_value *json_root(const struct json_doc *doc);
/* The member named key of an object, or NULL (also when obj is not one). */
const struct json_value *json_get(const struct json_doc *doc, const struct json_value *obj, const char *key);
/* First element or member of an array or object, and the one after v. */
const struct json_value *json_first(const struct json_doc *doc, const struct json_value *v);
const struct json_value *json_next(const struct json_doc *doc, const struct json_value *v);
/* A number that is a whole number in [lo, hi]: 0 and *out set, or -1. */
int json_int(const struct json_value *v, long long lo, long long hi, long long *out);
/* An unsigned whole number: 0 and *out set, or -1. */
int json_u64(const struct json_value *v, uint64_t *out);

#endif
