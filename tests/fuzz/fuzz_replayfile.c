/* libFuzzer target: the saved-run reader (protocol/replayfile.c, and the
 * JSON reader under it).  Whatever the bytes, it returns an error or a run
 * whose every event is consistent: fields inside the event's bytes, depths
 * bounded, text safe for a terminal; errors name the file and line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/replayfile.h"
#include "protocol/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Text that a replay prints must be safe: printable or safe UTF-8 only. */
static void check_text(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t u;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		u = sanitize_utf8_len((const unsigned char *)s + i, len - i);
		if (u == 0)
			abort();
		i += u;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saved_run run;
	char err[512];

	if (replayfile_parse("fuzz", (const char *)data, size, &run, err, sizeof err) < 0) {
		if (strncmp(err, "fuzz:", 5) != 0) /* every error names the file and line */
			abort();
		return 0;
	}
	check_text(run.title);
	check_text(run.end.error);
	for (size_t i = 0; i < run.log.n; i++) {
		const struct event *ev = run.log.ev[i];

		if (ev->seq != i + 1 || ev->name >= EV__COUNT)
			abort();
		check_text(ev->summary);
		for (size_t k = 0; k < ev->nfields; k++) {
			const struct field *f = &ev->fields[k];

			if (f->offset > ev->raw_len || f->length > ev->raw_len - f->offset)
				abort();
			if (f->depth < 0 || f->depth > 64)
				abort();
			check_text(f->name);
			check_text(f->value);
		}
	}
	replayfile_free(&run);
	return 0;
}
