/* A bounds-checked walk of a ClientHello to one of its extensions. */
#include "protocol/hellopeek.h"

#include <stdio.h>
#include <string.h>

#include "protocol/cursor.h"

/* see hellopeek.h */
int hellopeek_ext(const uint8_t *ch, size_t len, uint16_t type, const uint8_t **body, size_t *blen)
{
	struct cursor c;
	struct cursor msg;
	struct cursor v;
	struct cursor exts;
	uint8_t hs;
	uint32_t mlen;
	uint16_t t;

	if (ch == NULL)
		return -1;
	cursor_init(&c, ch, len);
	if (cursor_u8(&c, &hs) < 0 || hs != 1 || cursor_u24(&c, &mlen) < 0 ||
	    cursor_sub(&c, mlen, &msg) < 0)
		return -1;
	/* legacy_version, random, session id, suites, compression */
	if (cursor_skip(&msg, 2 + 32) < 0 || cursor_vec8(&msg, &v) < 0 || cursor_vec16(&msg, &v) < 0 ||
	    cursor_vec8(&msg, &v) < 0 || cursor_vec16(&msg, &exts) < 0)
		return -1;
	while (cursor_u16(&exts, &t) == 0 && cursor_vec16(&exts, &v) == 0) {
		if (t != type)
			continue;
		*body = v.p + v.off;
		*blen = cursor_left(&v);
		return 0;
	}
	return -1;
}

/* see hellopeek.h */
size_t hellopeek_share_groups(const uint8_t *ch, size_t len, uint16_t *groups, size_t max)
{
	const uint8_t *b;
	size_t blen;
	struct cursor c;
	struct cursor shares;
	struct cursor key;
	uint16_t g;
	size_t n = 0;

	if (hellopeek_ext(ch, len, 51, &b, &blen) < 0)
		return 0;
	cursor_init(&c, b, blen);
	if (cursor_vec16(&c, &shares) < 0)
		return 0;
	while (n < max && cursor_u16(&shares, &g) == 0 && cursor_vec16(&shares, &key) == 0)
		groups[n++] = g;
	return n;
}

/* see hellopeek.h */
int hellopeek_alpn(const uint8_t *ch, size_t len, char *buf, size_t n)
{
	const uint8_t *b;
	size_t blen;
	struct cursor c;
	struct cursor list;
	struct cursor name;
	size_t used = 0;
	int count = 0;

	if (n > 0)
		buf[0] = '\0';
	if (hellopeek_ext(ch, len, 16, &b, &blen) < 0)
		return 0;
	cursor_init(&c, b, blen);
	if (cursor_vec16(&c, &list) < 0)
		return 0;
	while (cursor_vec8(&list, &name) == 0) {
		if (used + 3 < n && count > 0) {
			memcpy(buf + used, ", ", 2);
			used += 2;
		}
		for (size_t i = 0; i < cursor_left(&name) && used + 1 < n; i++) {
			uint8_t ch8 = name.p[name.off + i];

			buf[used++] = ch8 >= 0x20 && ch8 < 0x7f ? (char)ch8 : '?';
		}
		if (n > 0)
			buf[used < n ? used : n - 1] = '\0';
		count++;
	}
	return count;
}
