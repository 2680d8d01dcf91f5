/* Just enough HTTP/1.1 for one request and one response, bounds-checked:
 * the bytes come from a peer. */
#ifndef HTTPSVIZ_HTTP_H
#define HTTPSVIZ_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/event.h"

#define HTTP_MAX_MESSAGE (256 * 1024)

/* Write "GET path HTTP/1.1" with Host, User-Agent, Accept and
 * Connection: close into a new string. */
char *http_build_request(const char *host, const char *port, const char *path);
/* The demo server's answer to a request (200 with a small HTML page for
 * GET /, 404 otherwise, 400 when malformed), in a new string. */
char *http_build_response(const char *req, size_t len, size_t *out_len);
/* Length of the header block including the blank line, or 0 when the
 * blank line has not arrived yet. */
size_t http_header_end(const char *buf, size_t len);
/* 1 when buf holds a whole response (headers and Content-Length body, or
 * a chunked body's last chunk), 0 when more is needed, -1 when malformed. */
int http_response_complete(const char *buf, size_t len);

/* Where a response's body ends (RFC 9112 6.3), followed as its bytes arrive
 * so that a body far larger than what is kept is still framed exactly. */
enum http_framing {
	HTTP_BODY_NONE,     /* 1xx, 204, 304: no body */
	HTTP_BODY_LENGTH,   /* Content-Length */
	HTTP_BODY_CHUNKED,  /* Transfer-Encoding: chunked */
	HTTP_BODY_CLOSE,    /* neither: the body ends with the connection */
};

struct http_body {
	enum http_framing framing;
	int status;             /* the response's status code */
	int done;               /* the whole body has arrived */
	int state;              /* chunked: where in the chunk syntax */
	uint64_t length;        /* Content-Length */
	uint64_t seen;          /* body bytes (chunk data only, when chunked) */
	uint64_t chunk_left;    /* chunked: data bytes left in this chunk */
	uint64_t chunk_size;    /* chunked: size of this chunk */
	unsigned chunks;        /* chunked: chunks begun */
	unsigned line;          /* chunked: bytes of the current size/trailer line */
	uint64_t extra;         /* bytes after the end of the body */
	char error[128];        /* why the response is malformed, or "" */
};

/* Start following the body of the response whose header block (ending with
 * its blank line) is hdr[0..hlen).  0, or -1 when the framing is malformed
 * (b->error says why: no status code, conflicting or negative
 * Content-Length, both Content-Length and chunked). */
int http_body_begin(struct http_body *b, const char *hdr, size_t hlen);
/* Feed the next n body bytes.  1 when the body is complete (bytes after its
 * end are counted in b->extra), 0 when more is needed, -1 when malformed. */
int http_body_feed(struct http_body *b, const void *p, size_t n);
/* The connection ended (clean: with TLS close_notify).  1 when the body is
 * complete, else 0 with what is missing, in one sentence, in why. */
int http_body_end(const struct http_body *b, int clean, char *why, size_t n);
/* Parse an HTTP start line (buf up to the first CR or LF, at most len
 * bytes) into ev->http: a request's method and target, or a response's
 * status.  Returns the status, 0 for a request, -1 when it is neither (the
 * fact is then left unset). */
int http_start_line(struct event *ev, const char *buf, size_t len);
/* Fill ev's fields from ev->raw, an HTTP request or response: start line,
 * its parts, each header, and the body (length, start of text), and the
 * start line's fact (http_start_line), and for a plain-text response its
 * body's first line (ev->http.body_line).  Returns the
 * response status code, 0 for a request, -1 when malformed. */
int http_decode(struct event *ev);

/* When a response's status is not a success (not 2xx), the server's answer
 * in words, into buf: "the server answered HTTP 503 Service Unavailable:
 * The class server is full: ..." (the status line's code and reason, and
 * the plain-text body's first line when there is one), both already
 * sanitised and bounded.  Returns 1 when it wrote it, 0 for a 2xx status
 * or no response (buf then ""). */
int http_answer_str(const struct http_fact *f, char *buf, size_t n);

#endif
