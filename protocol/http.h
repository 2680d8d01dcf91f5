/* Just enough HTTP/1.1 for one request and one response, bounds-checked:
 * the bytes come from a peer. */
#ifndef HTTPSVIZ_HTTP_H
#define HTTPSVIZ_HTTP_H

#include <stddef.h>

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
/* Parse an HTTP start line (buf up to the first CR or LF, at most len
 * bytes) into ev->http: a request's method and target, or a response's
 * status.  Returns the status, 0 for a request, -1 when it is neither (the
 * fact is then left unset). */
int http_start_line(struct event *ev, const char *buf, size_t len);
/* Fill ev's fields from ev->raw, an HTTP request or response: start line,
 * its parts, each header, and the body (length, start of text), and the
 * start line's fact (http_start_line).  Returns the
 * response status code, 0 for a request, -1 when malformed. */
int http_decode(struct event *ev);

#endif
