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

/* Parse a decimal Content-Length; -1 when malformed. */
static long parse_length(const char *v, size_t n)
{
	long x = 0;

	if (n == 0 || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* see http.h */
int http_response_complete(const char *buf, size_t len)
{
	size_t h = http_header_end(buf, len);
	size_t vlen;
	const char *v;

	if (h == 0)
		return len > HTTP_MAX_MESSAGE ? -1 : 0;
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	v = find_header(buf, h, "Content-Length", &vlen);
	if (v != NULL) {
		long cl = parse_length(v, vlen);

		if (cl < 0)
			return -1;
		return len - h >= (size_t)cl ? 1 : 0;
	}
	v = find_header(buf, h, "Transfer-Encoding", &vlen);
	if (v != NULL && vlen >= 7 && strncasecmp(v, "chunked", 7) == 0)
		return len - h >= 5 && memcmp(buf + len - 5, "0\r\n\r\n", 5) == 0;
	/* no length: the body ends when the connection does */
	return 0;
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
	event_field(ev, 0, "start_line", 0, line_len, "%.*s", (int)line_len, buf);
	http_start_line(ev, buf, line_len);
	if (line_len >= 12 && memcmp(buf, "HTTP/1.", 7) == 0) {
		event_field(ev, 1, "version", 0, 8, "%.8s", buf);
		if (isdigit((unsigned char)buf[9]) && isdigit((unsigned char)buf[10]) &&
		    isdigit((unsigned char)buf[11])) {
			status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
			event_field(ev, 1, "status", 9, 3, "%d", status);
			event_field(ev, 1, "reason", 13 > line_len ? line_len : 13,
				    line_len > 13 ? line_len - 13 : 0, "%.*s",
				    (int)(line_len > 13 ? line_len - 13 : 0), buf + 13);
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
		event_field(ev, 1, "method", 0, (size_t)(sp1 - buf), "%.*s", (int)(sp1 - buf), buf);
		event_field(ev, 1, "path", (size_t)(sp1 + 1 - buf), (size_t)(sp2 - sp1 - 1), "%.*s",
			    (int)(sp2 - sp1 - 1), sp1 + 1);
		event_field(ev, 1, "version", (size_t)(sp2 + 1 - buf), line_len - (size_t)(sp2 + 1 - buf),
			    "%.*s", (int)(line_len - (size_t)(sp2 + 1 - buf)), sp2 + 1);
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
			event_field(ev, 1, "header", i, l, "%.*s: %.*s", (int)nl, buf + i,
				    (int)(l - vo), buf + i + vo);
		} else {
			event_field(ev, 1, "header", i, l, "(malformed) %.*s", (int)l, buf + i);
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
		char *txt = sanitize_bytes(buf + h, show);

		event_field(ev, 0, "body", h, len - h, "%zu bytes: %s%s", len - h, txt ? txt : "",
			    show < len - h ? "..." : "");
		free(txt);
	} else {
		event_field(ev, 0, "body", h, 0, "(empty)");
	}
	return status;
}
