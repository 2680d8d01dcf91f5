#include "protocol/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Code points that reorder or hide text on a terminal: bidi controls,
 * line/paragraph separators, zero-width characters and the BOM. */
static int is_dangerous_cp(uint32_t cp)
{
	if (cp < 0xa0)
		return 1; /* C1 controls */
	if (cp >= 0x200b && cp <= 0x200f)
		return 1;
	if (cp >= 0x2028 && cp <= 0x202e)
		return 1;
	if (cp >= 0x2060 && cp <= 0x2069)
		return 1;
	if (cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb))
		return 1;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 1;
	return cp > 0x10ffff;
}

/* see sanitize.h */
size_t sanitize_utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	uint32_t cp;
	uint32_t min;

	if (n == 0 || s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	if (s[0] < 0xe0) {
		need = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] < 0xf0) {
		need = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else {
		need = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || is_dangerous_cp(cp))
		return 0;
	return need;
}

static char *sanitize(const void *src, size_t len, int allow_utf8)
{
	const unsigned char *s = src;
	/* worst case every byte becomes \xNN */
	char *out = malloc(len * 4 + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t u = allow_utf8 ? sanitize_utf8_len(s + i, len - i) : 0;

		if (u > 0) {
			for (size_t k = 0; k < u; k++)
				out[o++] = (char)s[i + k];
			i += u;
			continue;
		}
		if (s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			out[o++] = (char)s[i];
		} else {
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
		}
		i++;
	}
	out[o] = '\0';
	return out;
}

/* see sanitize.h */
char *sanitize_bytes(const void *src, size_t len)
{
	return sanitize(src, len, 1);
}

/* see sanitize.h */
char *sanitize_ascii(const void *src, size_t len)
{
	return sanitize(src, len, 0);
}
