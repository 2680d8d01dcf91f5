/* libFuzzer target: the HTTP response parser, as the client meets a peer's
 * response: the body framing fed in the input's own chunk sizes, the end of
 * the connection, the completeness check and the field decoder.  Beyond
 * ASan/UBSan it checks the parser's promises: the same verdict however the
 * bytes are split, no body byte counted twice, every field inside raw. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/event.h"
#include "protocol/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed the body in pieces: sizes from the first input byte, else whole. */
static int feed(struct http_body *b, const uint8_t *p, size_t n, unsigned step)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0;) {
		size_t k = step == 0 ? n - i : step < n - i ? step : n - i;

		rc = http_body_feed(b, p + i, k);
		i += k;
	}
	return rc;
}

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t h = http_header_end(buf, size);
	struct http_body whole, pieces;
	char why[256];
	struct evlog log;
	struct event *ev;
	int a, b;

	if (h > 0 && http_body_begin(&whole, buf, h) == 0) {
		unsigned step = size > 0 ? data[0] % 17 : 0;

		http_body_begin(&pieces, buf, h);
		a = whole.done ? 1 : feed(&whole, data + h, size - h, 0);
		b = pieces.done ? 1 : feed(&pieces, data + h, size - h, step);
		/* however the bytes arrive, the same verdict and the same count */
		if (a != b || whole.seen != pieces.seen || whole.done != pieces.done)
			abort();
		if (whole.framing == HTTP_BODY_LENGTH && whole.seen > whole.length)
			abort();
		if (whole.seen + whole.extra > size - h && whole.framing != HTTP_BODY_CHUNKED)
			abort();
		for (int clean = 0; clean < 2; clean++) {
			int end = http_body_end(&whole, clean, why, sizeof why);

			if (end != 0 && end != 1)
				abort();
			if (end == 0 && why[0] == '\0')
				abort();
		}
		if (a == 1 && http_response_complete(buf, size) != 1)
			abort();
	}
	(void)http_response_complete(buf, size);
	evlog_init(&log);
	ev = evlog_add(&log, EV_HTTP_RESPONSE, ACTOR_CLIENT, DIR_LOCAL, data, size, "r");
	if (ev != NULL) {
		http_decode(ev);
		for (size_t i = 0; i < ev->nfields; i++)
			if (ev->fields[i].offset > ev->raw_len ||
			    ev->fields[i].length > ev->raw_len - ev->fields[i].offset)
				abort();
	}
	evlog_clear(&log);
	{
		size_t rl = 0;
		char *resp = http_build_response(buf, size, &rl);

		if (resp != NULL && http_response_complete(resp, rl) != 1)
			abort();
		free(resp);
	}
	return 0;
}
