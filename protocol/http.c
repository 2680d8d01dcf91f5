#include "protocol/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "protocol/sanitize.h"

static const char demo_page[] =
	"<!doctype html>\n"
	"<html><head><title>httpsviz demo</title></head>\n"
	"<body><h1>Hello over HTTPS!</h1>\n"
	"<p>This page travelled inside TLS records, encrypted with keys that only "
	"your client and this server derived.</p></body></html>\n";

/* see http.h */
char *http_build_request(const char *host, const char *port, const char *path)
{
	char *out = NULL;
	int n;

	if (port != NULL && strcmp(port, "443") != 0)
		n = asprintf(&out,
			     "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: httpsviz/1.0\r\n"
			     "Accept: */*\r\nConnection: close\r\n\r\n",
			     path, host, port);
	else
		n = asprintf(&out,
			     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: httpsviz/1.0\r\n"
			     "Accept: */*\r\nConnection: close\r\n\r\n",
			     path, host);
	return n < 0 ? NULL : out;
}

/* see http.h */
size_t http_header_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	return 0;
}

/* see http.h */
char *http_build_response(const char *req, size_t len, size_t *out_len)
{
	const char *status = "400 Bad Request";
	const char *body = "bad request\n";
	char *out = NULL;
	int n;

	if (http_header_end(req, len) > 0 && len >= 6 && memcmp(req, "GET ", 4) == 0) {
		if (memcmp(req, "GET / ", 6) == 0) {
			status = "200 OK";
			body = demo_page;
		} else {
			status = "404 Not Found";
			body = "not found\n";
		}
	}
	n = asprintf(&out,
		     "HTTP/1.1 %s\r\nServer: httpsviz-demo\r\n"
		     "Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s",
		     status, strlen(body), body);
	if (n < 0)
		return NULL;
	*out_len = (size_t)n;
	return out;
}

/* Find header `name` (case-insensitive) in the header block; returns a
 * pointer to its value and its length in vlen, or NULL. */
static const char *find_header(const char *buf, size_t hlen, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);
	size_t i = 0;

	while (i < hlen) {
		const char *eol = memchr(buf + i, '\n', hlen - i);
		size_t line_end = eol ? (size_t)(eol - buf) : hlen;

		if (line_end - i > nlen && strncasecmp(buf + i, name, nlen) == 0 &&
		    buf[i + nlen] == ':') {
			size_t v = i + nlen + 1;

			while (v < line_end && (buf[v] == ' ' || buf[v] == '\t'))
				v++;
			*vlen = line_end - v;
			if (*vlen > 0 && buf[line_end - 1] == '\r')
				(*vlen)--;
			return buf + v;
		}
		i = line_end + 1;
	}
	return NULL;
}

/* Parse a decimal Content-Length element (no sign, at most 18 digits);
 * -1 when malformed. */
static int64_t parse_length(const char *v, size_t n)
{
	int64_t x = 0;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* Every Content-Length value in the header block (a header may repeat, and
 * hold a comma list): -1 when there is none, -2 when one is malformed, -3
 * when they disagree (RFC 9110 8.6), else the length. */
static int64_t content_length(const char *hdr, size_t hlen, int64_t *other)
{
	int64_t found = -1;
	size_t i = 0;

	while (i < hlen) {
		const char *eol = memchr(hdr + i, '\n', hlen - i);
		size_t end = eol ? (size_t)(eol - hdr) : hlen;

		if (end - i > 15 && strncasecmp(hdr + i, "Content-Length:", 15) == 0) {
			size_t v = i + 15;
			size_t vend = end > v && hdr[end - 1] == '\r' ? end - 1 : end;

			while (v <= vend) {
				const char *comma = memchr(hdr + v, ',', vend - v);
				size_t e = comma ? (size_t)(comma - hdr) : vend;
				int64_t x = parse_length(hdr + v, e - v);

				if (x < 0)
					return -2;
				if (found >= 0 && x != found) {
					*other = x;
					return -3;
				}
				found = x;
				v = e + 1;
			}
		}
		i = end + 1;
	}
	return found;
}

/* see http.h */
int http_body_begin(struct http_body *b, const char *hdr, size_t hlen)
{
	size_t vlen = 0;
	const char *te;
	int64_t other = 0;
	int64_t cl;

	memset(b, 0, sizeof *b);
	if (hlen < 12 || memcmp(hdr, "HTTP/1.", 7) != 0 || hdr[8] != ' ' || !isdigit((unsigned char)hdr[9]) ||
	    !isdigit((unsigned char)hdr[10]) || !isdigit((unsigned char)hdr[11])) {
		snprintf(b->error, sizeof b->error, "the status line is not HTTP/1.x followed by a three-digit code");
		return -1;
	}
	b->status = (hdr[9] - '0') * 100 + (hdr[10] - '0') * 10 + (hdr[11] - '0');
	cl = content_length(hdr, hlen, &other);
	if (cl == -2) {
		snprintf(b->error, sizeof b->error, "its Content-Length is not a non-negative decimal number");
		return -1;
	}
	if (cl == -3) {
		snprintf(b->error, sizeof b->error, "it has conflicting Content-Length values");
		return -1;
	}
	te = find_header(hdr, hlen, "Transfer-Encoding", &vlen);
	if (te != NULL && cl >= 0) {
		/* RFC 9112 6.3: a sign of request smuggling or response splitting */
		snprintf(b->error, sizeof b->error, "it has both Transfer-Encoding and Content-Length");
		return -1;
	}
	if (b->status < 200 || b->status == 204 || b->status == 304) {
		b->framing = HTTP_BODY_NONE;
		b->done = 1;
	} else if (te != NULL) {
		/* chunked must be the last coding; otherwise the body ends with
		 * the connection (RFC 9112 6.3, responses) */
		size_t e = vlen;

		while (e > 0 && (te[e - 1] == ' ' || te[e - 1] == '\t'))
			e--;
		b->framing = e >= 7 && strncasecmp(te + e - 7, "chunked", 7) == 0 &&
					     (e == 7 || te[e - 8] == ' ' || te[e - 8] == ',')
				     ? HTTP_BODY_CHUNKED
				     : HTTP_BODY_CLOSE;
	} else if (cl >= 0) {
		b->framing = HTTP_BODY_LENGTH;
		b->length = (uint64_t)cl;
		b->done = cl == 0;
	} else {
		b->framing = HTTP_BODY_CLOSE;
	}
	return 0;
}

/* Chunked body syntax (RFC 9112 7.1), one state per place in it. */
enum chunk_state {
	CH_SIZE,      /* hex digits of the chunk size */
	CH_EXT,       /* chunk extensions up to CR */
	CH_SIZE_LF,   /* the LF after the size line */
	CH_DATA,      /* chunk data */
	CH_DATA_CR,   /* CR after the data */
	CH_DATA_LF,   /* LF after the data */
	CH_TRAILER,   /* start of a trailer line (CR here ends the body) */
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_END_LF,    /* the last LF */
};

#define CHUNK_LINE_MAX 4096

static int chunk_error(struct http_body *b, const char *what)
{
	snprintf(b->error, sizeof b->error, "its chunked body is malformed: %s (chunk %u)", what, b->chunks);
	return -1;
}

static int feed_chunked(struct http_body *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (b->done) {
			b->extra += n - i;
			return 1;
		}
		switch (b->state) {
		case CH_SIZE:
			if (isxdigit(c)) {
				if (b->line == 0)
					b->chunks++;
				if (++b->line > 15)
					return chunk_error(b, "a chunk size of more than 15 hex digits");
				b->chunk_size = b->chunk_size * 16 + (uint64_t)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
			} else if (b->line == 0) {
				return chunk_error(b, "a chunk size that is not hexadecimal");
			} else if (c == '\r') {
				b->state = CH_SIZE_LF;
			} else if (c == ';' || c == ' ' || c == '\t') {
				b->state = CH_EXT;
			} else {
				return chunk_error(b, "a chunk size that is not hexadecimal");
			}
			break;
		case CH_EXT:
			if (++b->line > CHUNK_LINE_MAX)
				return chunk_error(b, "a chunk size line longer than 4096 bytes");
			if (c == '\r')
				b->state = CH_SIZE_LF;
			break;
		case CH_SIZE_LF:
			if (c != '\n')
				return chunk_error(b, "a chunk size line that does not end with CRLF");
			b->line = 0;
			b->chunk_left = b->chunk_size;
			b->state = b->chunk_size == 0 ? CH_TRAILER : CH_DATA;
			break;
		case CH_DATA: {
			size_t take = n - i < b->chunk_left ? n - i : (size_t)b->chunk_left;

			b->chunk_left -= take;
			b->seen += take;
			i += take - 1;
			if (b->chunk_left == 0)
				b->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (c != '\r')
				return chunk_error(b, "chunk data longer than its size");
			b->state = CH_DATA_LF;
			break;
		case CH_DATA_LF:
			if (c != '\n')
				return chunk_error(b, "chunk data not followed by CRLF");
			b->chunk_size = 0;
			b->state = CH_SIZE;
			break;
		case CH_TRAILER:
			if (c == '\r') {
				b->state = CH_END_LF;
				break;
			}
			b->state = CH_TRAILER_LINE;
			/* fall through */
		case CH_TRAILER_LINE:
			if (++b->line > CHUNK_LINE_MAX)
				return chunk_error(b, "a trailer line longer than 4096 bytes");
			if (c == '\r')
				b->state = CH_TRAILER_LF;
			break;
		case CH_TRAILER_LF:
			if (c != '\n')
				return chunk_error(b, "a trailer line that does not end with CRLF");
			b->line = 0;
			b->state = CH_TRAILER;
			break;
		case CH_END_LF:
			if (c != '\n')
				return chunk_error(b, "no LF after the last chunk's CR");
			b->done = 1;
			break;
		default:
			return chunk_error(b, "internal state");
		}
	}
	return b->done;
}

/* see http.h */
int http_body_feed(struct http_body *b, const void *p, size_t n)
{
	if (b->error[0] != '\0')
		return -1;
	switch (b->framing) {
	case HTTP_BODY_CHUNKED:
		return feed_chunked(b, p, n);
	case HTTP_BODY_LENGTH:
		if (b->length - b->seen >= n) {
			b->seen += n;
		} else {
			b->extra += n - (b->length - b->seen);
			b->seen = b->length;
		}
		b->done = b->seen == b->length;
		return b->done;
	case HTTP_BODY_CLOSE:
		b->seen += n;
		return 0;
	default:
		b->extra += n;
		return 1;
	}
}

/* see http.h */
int http_body_end(const struct http_body *b, int clean, char *why, size_t n)
{
	const char *how = clean ? "with close_notify" : "without TLS close_notify";

	if (b->done || (b->framing == HTTP_BODY_CLOSE && clean)) {
		if (n > 0)
			why[0] = '\0';
		return 1;
	}
	if (b->framing == HTTP_BODY_LENGTH)
		snprintf(why, n,
			 "the response was cut short: its body has %llu of the %llu bytes its Content-Length "
			 "announced (the server closed the connection %s)",
			 (unsigned long long)b->seen, (unsigned long long)b->length, how);
	else if (b->framing == HTTP_BODY_CHUNKED && b->state == CH_DATA)
		snprintf(why, n,
			 "the response was cut short: its chunked body ended inside chunk %u (%llu of its %llu "
			 "bytes), before the last, empty chunk (the server closed the connection %s)",
			 b->chunks, (unsigned long long)(b->chunk_size - b->chunk_left),
			 (unsigned long long)b->chunk_size, how);
	else if (b->framing == HTTP_BODY_CHUNKED)
		snprintf(why, n,
			 "the response was cut short: its chunked body ended before the last, empty chunk "
			 "(after %u chunks; the server closed the connection %s)",
			 b->chunks, how);
	else
		snprintf(why, n,
			 "the response may be cut short: its body has no length and ends with the connection, "
			 "which closed without TLS close_notify, so its end cannot be told from a truncation");
	return 0;
}

/* see http.h */
int http_response_complete(const char *buf, size_t len)
{
	size_t h = http_header_end(buf, len);
	struct http_body b;

	if (h == 0)
		return len > HTTP_MAX_MESSAGE ? -1 : 0;
	if (http_body_begin(&b, buf, h) < 0)
		return -1;
	return b.done ? 1 : http_body_feed(&b, buf + h, len - h);
}

/* see http.h */
int http_start_line(struct event *ev, const char *buf, size_t len)
{
	size_t n = 0;
	const char *sp1;
	const char *sp2;

	if (buf == NULL)
		return -1;
	while (n < len && buf[n] != '\r' && buf[n] != '\n')
		n++;
	if (n >= 12 && memcmp(buf, "HTTP/1.", 7) == 0 && buf[8] == ' ') {
		if (!isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) ||
		    !isdigit((unsigned char)buf[11]) || buf[9] == '0')
			return -1;
		if (event_set_http(ev, buf, n, NULL, 0, NULL, 0,
				   (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0')) < 0)
			return -1;
		return ev->http.status;
	}
	sp1 = memchr(buf, ' ', n);
	sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - buf)) : NULL;
	if (sp1 == NULL || sp2 == NULL || sp1 == buf || sp2 == sp1 + 1 ||
	    n - (size_t)(sp2 + 1 - buf) < 8 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return -1;
	if (event_set_http(ev, buf, n, buf, (size_t)(sp1 - buf), sp1 + 1, (size_t)(sp2 - sp1 - 1), 0) < 0)
		return -1;
	return 0;
}

/* A response's plain-text body, its first non-blank line, as the fact's
 * body_line: what a server says about an error ("The class server is
 * full: ...").  An HTML or other typed body is left out: its first line is
 * markup, not a sentence.  A chunked body is read inside its first chunk. */
static void body_line(struct event *ev, const char *buf, size_t h, size_t len)
{
	size_t vlen = 0;
	const char *ct = find_header(buf, h, "Content-Type", &vlen);
	struct http_body b;
	size_t i = h;
	size_t end = len;
	size_t eol;

	if (ct != NULL && (vlen < 10 || strncasecmp(ct, "text/plain", 10) != 0 ||
			   (vlen > 10 && ct[10] != ';' && ct[10] != ' ' && ct[10] != '\t')))
		return;
	if (http_body_begin(&b, buf, h) < 0 || b.framing == HTTP_BODY_NONE)
		return;
	if (b.framing == HTTP_BODY_CHUNKED) {
		const char *lf = memchr(buf + h, '\n', len - h);
		uint64_t size = 0;
		size_t k;

		/* the first chunk's size, in hex (not NUL-terminated: read here) */
		for (k = h; k < len && k - h < 15 && isxdigit((unsigned char)buf[k]); k++)
			size = size * 16 + (uint64_t)(isdigit((unsigned char)buf[k]) ? buf[k] - '0'
										 : (tolower((unsigned char)buf[k]) - 'a' + 10));
		if (lf == NULL || k == h)
			return;
		i = (size_t)(lf - buf) + 1;
		if (size < end - i)
			end = i + (size_t)size;
	} else if (b.framing == HTTP_BODY_LENGTH && b.length < end - h) {
		end = h + (size_t)b.length;
	}
	while (i < end && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (eol = i; eol < end && buf[eol] != '\r' && buf[eol] != '\n'; eol++)
		;
	if (eol == i)
		return;
	if (eol - i > HTTP_FACT_BODY_LINE) {
		eol = i + HTTP_FACT_BODY_LINE;
		/* not inside a UTF-8 character */
		while (eol > i && ((unsigned char)buf[eol] & 0xc0) == 0x80)
			eol--;
	}
	event_set_http_body_line(ev, buf + i, eol - i);
}

/* see http.h */
int http_decode(struct event *ev)
{
	const char *buf = (const char *)ev->raw;
	size_t len = ev->raw_len;
	size_t h = http_header_end(buf, len);
	const char *eol;
	size_t line_len;
	int status = 0;
	int hdr;
	size_t i;

	if (buf == NULL || h == 0) {
		event_field(ev, 0, "error", 0, len, "no complete HTTP header block");
		return -1;
	}
	eol = memchr(buf, '\r', h);
	line_len = (size_t)(eol - buf);
	event_field_bytes(ev, 0, "start_line", 0, line_len, buf, line_len);
	http_start_line(ev, buf, line_len);
	if (line_len >= 12 && memcmp(buf, "HTTP/1.", 7) == 0) {
		event_field(ev, 1, "version", 0, 8, "%.8s", buf);
		if (isdigit((unsigned char)buf[9]) && isdigit((unsigned char)buf[10]) &&
		    isdigit((unsigned char)buf[11])) {
			status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
			event_field(ev, 1, "status", 9, 3, "%d", status);
			event_field_bytes(ev, 1, "reason", 13 > line_len ? line_len : 13,
					  line_len > 13 ? line_len - 13 : 0, buf + 13, line_len > 13 ? line_len - 13 : 0);
		} else {
			event_field(ev, 1, "error", 9, 3, "status code is not three digits");
			status = -1;
		}
	} else {
		const char *sp1 = memchr(buf, ' ', line_len);
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', line_len - (size_t)(sp1 + 1 - buf)) : NULL;

		if (sp1 == NULL || sp2 == NULL) {
			event_field(ev, 1, "error", 0, line_len, "not METHOD PATH VERSION");
			return -1;
		}
		event_field_bytes(ev, 1, "method", 0, (size_t)(sp1 - buf), buf, (size_t)(sp1 - buf));
		event_field_bytes(ev, 1, "path", (size_t)(sp1 + 1 - buf), (size_t)(sp2 - sp1 - 1), sp1 + 1,
				  (size_t)(sp2 - sp1 - 1));
		event_field_bytes(ev, 1, "version", (size_t)(sp2 + 1 - buf), line_len - (size_t)(sp2 + 1 - buf),
				  sp2 + 1, line_len - (size_t)(sp2 + 1 - buf));
	}
	hdr = event_field(ev, 0, "headers", line_len + 2, h - line_len - 4, "%s", "");
	i = line_len + 2;
	while (i + 2 <= h - 2) {
		const char *e = memchr(buf + i, '\r', h - i);
		size_t l = e ? (size_t)(e - buf) - i : 0;
		const char *colon = memchr(buf + i, ':', l);

		if (l == 0)
			break;
		if (colon != NULL) {
			size_t nl = (size_t)(colon - (buf + i));
			size_t vo = nl + 1;

			while (vo < l && buf[i + vo] == ' ')
				vo++;
			char *hn = sanitize_span(buf + i, nl);
			char *hv = sanitize_span(buf + i + vo, l - vo);

			event_field(ev, 1, "header", i, l, "%s: %s", hn ? hn : "?", hv ? hv : "?");
			free(hn);
			free(hv);
		} else {
			char *hl = sanitize_span(buf + i, l);

			event_field(ev, 1, "header", i, l, "(malformed) %s", hl ? hl : "?");
			free(hl);
		}
		i += l + 2;
	}
	/* the header count is known only now */
	if (hdr >= 0) {
		int count = 0;

		for (size_t k = (size_t)hdr + 1; k < ev->nfields && ev->fields[k].depth > 0; k++)
			count++;
		free(ev->fields[hdr].value);
		if (asprintf(&ev->fields[hdr].value, "%d", count) < 0)
			ev->fields[hdr].value = NULL;
	}
	if (len > h) {
		size_t show = len - h > 60 ? 60 : len - h;
		char *txt = sanitize_span(buf + h, show);

		event_field(ev, 0, "body", h, len - h, "%zu bytes: %s%s", len - h, txt ? txt : "",
			    show < len - h ? "..." : "");
		free(txt);
	} else {
		event_field(ev, 0, "body", h, 0, "(empty)");
	}
	if (status > 0)
		body_line(ev, buf, h, len);
	return status;
}

/* see http.h */
int http_answer_str(const struct http_fact *f, char *buf, size_t n)
{
	char code[80];

	if (n > 0)
		buf[0] = '\0';
	if (f == NULL || f->status < 100 || (f->status >= 200 && f->status < 300))
		return 0;
	/* the line was checked to be "HTTP/1.x NNN..." (http_start_line) */
	if (f->line != NULL && strlen(f->line) >= 12 && strncmp(f->line, "HTTP/1.", 7) == 0)
		snprintf(code, sizeof code, "%.72s", f->line + 9);
	else
		snprintf(code, sizeof code, "%d", f->status);
	snprintf(buf, n, "the server answered HTTP %s%s%s%s", code,
		 f->status >= 300 && f->status < 400 ? " (a redirect, not followed)" : "",
		 f->body_line != NULL ? ": " : "", f->body_line != NULL ? f->body_line : "");
	return 1;
}
