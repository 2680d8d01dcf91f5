#include "protocol/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser's cursor over the text. */
struct jp {
	const char *s;
	size_t len;
	size_t pos;
	struct json_doc *doc;
	char *err;
	size_t errlen;
};

/* Record the first error with its column (1-based). */
static int fail(struct jp *p, const char *what)
{
	if (p->err != NULL && p->err[0] == '\0')
		snprintf(p->err, p->errlen, "%s at column %zu", what, p->pos + 1);
	return -1;
}

static void skip_ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

/* Append a value; returns its index or -1. */
static long new_value(struct jp *p, enum json_type t)
{
	struct json_doc *d = p->doc;
	struct json_value *v;

	if (d->n >= JSON_MAX_VALUES)
		return fail(p, "too many values");
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct json_value *grown = realloc(d->v, cap * sizeof *grown);

		if (grown == NULL)
			return fail(p, "out of memory");
		d->v = grown;
		d->cap = cap;
	}
	v = &d->v[d->n];
	memset(v, 0, sizeof *v);
	v->type = t;
	v->child = -1;
	v->next = -1;
	return (long)d->n++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits after \u. */
static int read_u4(struct jp *p, unsigned *out)
{
	unsigned v = 0;

	if (p->len - p->pos < 4)
		return fail(p, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[p->pos + (size_t)i]);

		if (h < 0)
			return fail(p, "bad \\u escape");
		v = v << 4 | (unsigned)h;
	}
	p->pos += 4;
	*out = v;
	return 0;
}

/* Append code point cp as UTF-8. */
static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string starting at the opening quote; the decoded text goes to a new
 * buffer in *out (NUL-terminated, *outlen bytes). */
static int read_string(struct jp *p, char **out, size_t *outlen)
{
	size_t start = ++p->pos;
	size_t end = start;
	char *buf;
	size_t o = 0;

	/* find the end first so the buffer can be sized: decoding never grows */
	while (end < p->len && p->s[end] != '"') {
		if (p->s[end] == '\\')
			end++;
		end++;
	}
	if (end >= p->len)
		return fail(p, "unterminated string");
	buf = malloc(end - start + 1);
	if (buf == NULL)
		return fail(p, "out of memory");
	while (p->pos < end) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c < 0x20) {
			free(buf);
			return fail(p, "control character in a string");
		}
		if (c != '\\') {
			buf[o++] = (char)c;
			p->pos++;
			continue;
		}
		p->pos++;
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/':
			buf[o++] = (char)c;
			break;
		case 'b': buf[o++] = '\b'; break;
		case 'f': buf[o++] = '\f'; break;
		case 'n': buf[o++] = '\n'; break;
		case 'r': buf[o++] = '\r'; break;
		case 't': buf[o++] = '\t'; break;
		case 'u': {
			unsigned cp;
			unsigned lo;

			if (read_u4(p, &cp) < 0)
				goto bad;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(p, "lone low surrogate");
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->pos + 2 > end || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
					fail(p, "lone high surrogate");
					goto bad;
				}
				p->pos += 2;
				if (read_u4(p, &lo) < 0)
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					fail(p, "bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0) {
				fail(p, "\\u0000 in a string");
				goto bad;
			}
			/* a \u escape is 6 bytes and at most 4 come out of it */
			o += put_utf8(buf + o, cp);
			break;
		}
		default:
			p->pos--;
			fail(p, "bad escape");
			goto bad;
		}
		if (p->pos > end) {
			fail(p, "bad escape at the end of a string");
			goto bad;
		}
	}
	buf[o] = '\0';
	p->pos = end + 1;
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -1;
}

/* A number as RFC 8259 writes it; its text is kept. */
static int read_number(struct jp *p, long idx)
{
	size_t start = p->pos;
	size_t digits;
	char *txt;

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	digits = p->pos;
	if (p->pos < p->len && p->s[p->pos] == '0') {
		p->pos++;
	} else {
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos == digits)
		return fail(p, "bad number");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		size_t f = ++p->pos;

		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == f)
			return fail(p, "bad number");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		size_t f;

		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		f = p->pos;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == f)
			return fail(p, "bad number");
	}
	if (p->pos - start > 64)
		return fail(p, "number too long");
	txt = malloc(p->pos - start + 1);
	if (txt == NULL)
		return fail(p, "out of memory");
	memcpy(txt, p->s + start, p->pos - start);
	txt[p->pos - start] = '\0';
	p->doc->v[idx].str = txt;
	p->doc->v[idx].len = p->pos - start;
	return 0;
}

static long read_value(struct jp *p, int depth);

/* An array or object after its opening bracket; members get keys. */
static int read_container(struct jp *p, long idx, int depth, int object)
{
	char close = object ? '}' : ']';
	long prev = -1;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;
		long child;

		skip_ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "expected a member name");
			if (read_string(p, &key, &klen) < 0)
				return -1;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return fail(p, "expected ':'");
			}
			p->pos++;
		}
		child = read_value(p, depth + 1);
		if (child < 0) {
			free(key);
			return -1;
		}
		p->doc->v[child].key = key;
		if (prev < 0)
			p->doc->v[idx].child = child;
		else
			p->doc->v[prev].next = child;
		prev = child;
		skip_ws(p);
		if (p->pos >= p->len)
			return fail(p, object ? "unterminated object" : "unterminated array");
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			return 0;
		}
		return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* One value at the cursor; returns its index or -1. */
static long read_value(struct jp *p, int depth)
{
	long idx;
	char c;

	if (depth > JSON_MAX_DEPTH)
		return fail(p, "nested too deeply");
	skip_ws(p);
	if (p->pos >= p->len)
		return fail(p, "unexpected end");
	c = p->s[p->pos];
	if (c == '{' || c == '[') {
		idx = new_value(p, c == '{' ? JSON_OBJECT : JSON_ARRAY);
		if (idx < 0 || read_container(p, idx, depth, c == '{') < 0)
			return -1;
		return idx;
	}
	if (c == '"') {
		char *s;
		size_t n;

		idx = new_value(p, JSON_STRING);
		if (idx < 0 || read_string(p, &s, &n) < 0)
			return -1;
		p->doc->v[idx].str = s;
		p->doc->v[idx].len = n;
		return idx;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		idx = new_value(p, JSON_NUMBER);
		if (idx < 0 || read_number(p, idx) < 0)
			return -1;
		return idx;
	}
	static const struct {
		const char *word;
		enum json_type t;
	} words[] = {{"null", JSON_NULL}, {"false", JSON_FALSE}, {"true", JSON_TRUE}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t wl = strlen(words[i].word);

		if (p->len - p->pos >= wl && memcmp(p->s + p->pos, words[i].word, wl) == 0) {
			p->pos += wl;
			return new_value(p, words[i].t);
		}
	}
	return fail(p, "unexpected character");
}

/* see json.h */
void json_free(struct json_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->v[i].key);
		free(doc->v[i].str);
	}
	free(doc->v);
	memset(doc, 0, sizeof *doc);
}

/* see json.h */
int json_parse(struct json_doc *doc, const char *text, size_t len, char *err, size_t errlen)
{
	struct jp p = {text, len, 0, doc, err, errlen};

	memset(doc, 0, sizeof *doc);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (read_value(&p, 0) < 0)
		goto bad;
	skip_ws(&p);
	if (p.pos != len) {
		fail(&p, "text after the value");
		goto bad;
	}
	return 0;
bad:
	json_free(doc);
	return -1;
}

/* see json.h */
const struct json_value *json_root(const struct json_doc *doc)
{
	return doc->n > 0 ? &doc->v[0] : NULL;
}

/* see json.h */
const struct json_value *json_first(const struct json_doc *doc, const struct json_value *v)
{
	if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT) || v->child < 0)
		return NULL;
	return &doc->v[v->child];
}

/* see json.h */
const struct json_value *json_next(const struct json_doc *doc, const struct json_value *v)
{
	return v == NULL || v->next < 0 ? NULL : &doc->v[v->next];
}

/* see json.h */
const struct json_value *json_get(const struct json_doc *doc, const struct json_value *obj, const char *key)
{
	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json_value *m = json_first(doc, obj); m != NULL; m = json_next(doc, m))
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

/* see json.h */
int json_int(const struct json_value *v, long long lo, long long hi, long long *out)
{
	char *end;
	long long x;

	if (v == NULL || v->type != JSON_NUMBER || strpbrk(v->str, ".eE") != NULL)
		return -1;
	errno = 0;
	x = strtoll(v->str, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* see json.h */
int json_u64(const struct json_value *v, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (v == NULL || v->type != JSON_NUMBER || v->str[0] == '-' || strpbrk(v->str, ".eE") != NULL)
		return -1;
	errno = 0;
	x = strtoull(v->str, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = (uint64_t)x;
	return 0;
}
