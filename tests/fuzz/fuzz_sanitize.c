/* libFuzzer target: the one sanitiser.  Its promises, checked on every
 * input: the output is printable ASCII or UTF-8 of safe code points only
 * (no control byte, no bidi or invisible format character, no NUL before
 * the end); nothing is escaped twice (a span quoted and then sanitised
 * reads as the input sanitised once); and a second pass over a marked
 * result changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless s is made of printable ASCII and safe UTF-8 only. */
static void check_inert(const char *s, int ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t u;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		u = ascii ? 0 : sanitize_utf8_len(p + i, n - i);
		if (u == 0)
			abort();
		i += u;
	}
}

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once = sanitize_bytes(data, size);
	char *ascii = sanitize_ascii(data, size);
	char *span = sanitize_span(data, size);
	char *via_span = span != NULL ? sanitize_bytes(span, strlen(span)) : NULL;
	char *marked = once != NULL ? sanitize_mark(once) : NULL;
	char *again = marked != NULL ? sanitize_bytes(marked, strlen(marked)) : NULL;

	if (once == NULL || ascii == NULL || span == NULL || via_span == NULL || marked == NULL || again == NULL)
		abort();
	check_inert(once, 0);
	check_inert(ascii, 1);
	check_inert(via_span, 0);
	/* a peer's bytes quoted as a span: escaped exactly once */
	if (memchr(data, 0xee, size) == NULL && strcmp(via_span, once) != 0)
		abort();
	if (strcmp(again, once) != 0)
		abort();
	free(once);
	free(ascii);
	free(span);
	free(via_span);
	free(marked);
	free(again);
	return 0;
}
