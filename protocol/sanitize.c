#include "protocol/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks of a span already escaped (sanitize_span): two private-use code
 * points, escaped wherever else they appear, so no peer can forge one. */
#define SPAN_OPEN 0xe000
#define SPAN_CLOSE 0xe001

/* Ranges of code points escaped although valid UTF-8 (sorted). */
static const struct {
	uint32_t lo, hi;
} dangerous[] = {
	{0x0000, 0x001f},   /* C0 controls */
	{0x007f, 0x009f},   /* DEL, C1 controls */
	{0x00ad, 0x00ad},   /* soft hyphen */
	{0x034f, 0x034f},   /* combining grapheme joiner */
	{0x0600, 0x0605},   /* Arabic number signs (format) */
	{0x061c, 0x061c},   /* ARABIC LETTER MARK (bidi) */
	{0x06dd, 0x06dd},
	{0x070f, 0x070f},
	{0x0890, 0x0891},
	{0x08e2, 0x08e2},
	{0x115f, 0x1160},   /* Hangul fillers (invisible) */
	{0x17b4, 0x17b5},   /* Khmer invisible vowels */
	{0x180b, 0x180f},   /* Mongolian variation selectors, vowel separator */
	{0x200b, 0x200f},   /* zero-width space, ZWNJ, ZWJ, LRM, RLM */
	{0x2028, 0x202e},   /* line/paragraph separators, LRE RLE PDF LRO RLO */
	{0x2060, 0x206f},   /* word joiner, invisible operators, LRI RLI FSI PDI, deprecated */
	{0x3164, 0x3164},   /* Hangul filler */
	{0xd800, 0xdfff},   /* surrogates */
	{0xe000, 0xe001},   /* sanitize_span's marks */
	{0xfdd0, 0xfdef},   /* noncharacters */
	{0xfeff, 0xfeff},   /* BOM, zero-width no-break space */
	{0xffa0, 0xffa0},   /* halfwidth Hangul filler */
	{0xfff9, 0xfffb},   /* interlinear annotation */
	{0x110bd, 0x110bd},
	{0x110cd, 0x110cd},
	{0x13430, 0x1343f}, /* Egyptian hieroglyph format controls */
	{0x1bca0, 0x1bca3}, /* shorthand format controls */
	{0x1d173, 0x1d17a}, /* musical symbol format controls */
	{0xe0000, 0xe007f}, /* tags */
};

/* see sanitize.h */
int sanitize_dangerous_cp(uint32_t cp)
{
	if (cp > 0x10ffff || (cp & 0xfffe) == 0xfffe)
		return 1; /* out of range, or a U+xxFFFE/U+xxFFFF noncharacter */
	for (size_t i = 0; i < sizeof dangerous / sizeof dangerous[0]; i++) {
		if (cp < dangerous[i].lo)
			return 0;
		if (cp <= dangerous[i].hi)
			return 1;
	}
	return 0;
}

/* The mark (SPAN_OPEN or SPAN_CLOSE) encoded at s, or 0. */
static uint32_t span_mark(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[0] == 0xee && s[1] == 0x80 && (s[2] == 0x80 || s[2] == 0x81))
		return s[2] == 0x80 ? SPAN_OPEN : SPAN_CLOSE;
	return 0;
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
	if (cp < min || sanitize_dangerous_cp(cp))
		return 0;
	return need;
}

/* 1 when none of the eight bytes at s is a control byte, a byte above 0x7e
 * or a backslash ("Bit Twiddling Hacks": hasless, hasmore, haszero). */
static int plain_word(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x, bs;

	memcpy(&x, s, 8);
	bs = x ^ ones * '\\';
	return ((((x - ones * 0x20) & ~x) | ((x + ones) | x) | ((bs - ones) & ~bs)) & highs) == 0;
}

/* How many bytes at the start of s are printable ASCII other than a
 * backslash: bytes that every mode of sanitize() copies as they are. */
static size_t plain_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i + 8 <= len && plain_word(s + i))
		i += 8;
	/* a tail shorter than a word: as the last eight bytes, some of them
	 * checked twice */
	if (i < len && i + 8 > len && len >= 8 && plain_word(s + len - 8))
		return len;
	while (i < len && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
		i++;
	return i;
}

/* marks: honour sanitize_span's marks (the final pass over composed text);
 * without, a peer's bytes that look like one are escaped like any other. */
static char *sanitize(const void *src, size_t len, int allow_utf8, int marks)
{
	const unsigned char *s = src;
	/* nearly all text is plain ASCII (an exchange's field names and
	 * values): copied as it is, at its length */
	size_t o = plain_prefix(s, len);
	/* worst case every byte after that becomes \xNN */
	char *out = malloc(o == len ? len + 1 : o + (len - o) * 4 + 1);
	int in_span = 0;

	if (out == NULL)
		return NULL;
	memcpy(out, s, o);
	for (size_t i = o; i < len;) {
		uint32_t mark = marks ? span_mark(s + i, len - i) : 0;
		size_t u;

		if (mark != 0) {
			in_span = mark == SPAN_OPEN;
			i += 3;
			continue;
		}
		u = allow_utf8 ? sanitize_utf8_len(s + i, len - i) : 0;
		if (u > 0) {
			memcpy(out + o, s + i, u);
			o += u;
			i += u;
			continue;
		}
		if (s[i] == '\\') {
			/* in a span the backslash already is an escape, or escaped */
			out[o++] = '\\';
			if (!in_span)
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
	return sanitize(src, len, 1, 1);
}

/* see sanitize.h */
char *sanitize_ascii(const void *src, size_t len)
{
	return sanitize(src, len, 0, 1);
}

/* see sanitize.h */
char *sanitize_mark(const char *sanitised)
{
	size_t n = strlen(sanitised);
	char *out = malloc(n + 7);

	if (out != NULL) {
		memcpy(out, "\xee\x80\x80", 3);
		memcpy(out + 3, sanitised, n);
		memcpy(out + 3 + n, "\xee\x80\x81", 4);
	}
	return out;
}

/* see sanitize.h */
char *sanitize_span(const void *src, size_t len)
{
	char *inner = sanitize(src, len, 1, 0);
	char *out = inner != NULL ? sanitize_mark(inner) : NULL;

	free(inner);
	return out;
}
