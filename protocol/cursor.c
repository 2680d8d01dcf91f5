#include "protocol/cursor.h"

/* see cursor.h */
void cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p == NULL ? 0 : len;
	c->off = 0;
}

/* see cursor.h */
size_t cursor_left(const struct cursor *c)
{
	return c->off < c->len ? c->len - c->off : 0;
}

/* Read an n-byte big-endian integer (n <= 4). */
static int read_be(struct cursor *c, size_t n, uint32_t *v)
{
	uint32_t x = 0;

	if (cursor_left(c) < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | c->p[c->off + i];
	c->off += n;
	*v = x;
	return 0;
}

/* see cursor.h */
int cursor_u8(struct cursor *c, uint8_t *v)
{
	uint32_t x;

	if (read_be(c, 1, &x) < 0)
		return -1;
	*v = (uint8_t)x;
	return 0;
}

/* see cursor.h */
int cursor_u16(struct cursor *c, uint16_t *v)
{
	uint32_t x;

	if (read_be(c, 2, &x) < 0)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

/* see cursor.h */
int cursor_u24(struct cursor *c, uint32_t *v)
{
	return read_be(c, 3, v);
}

/* see cursor.h */
int cursor_u32(struct cursor *c, uint32_t *v)
{
	return read_be(c, 4, v);
}

/* see cursor.h */
int cursor_bytes(struct cursor *c, size_t n, const uint8_t **out)
{
	if (cursor_left(c) < n)
		return -1;
	*out = c->p + c->off;
	c->off += n;
	return 0;
}

/* see cursor.h */
int cursor_skip(struct cursor *c, size_t n)
{
	if (cursor_left(c) < n)
		return -1;
	c->off += n;
	return 0;
}

/* see cursor.h */
int cursor_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (cursor_left(c) < n)
		return -1;
	sub->p = c->p;
	sub->off = c->off;
	sub->len = c->off + n;
	c->off += n;
	return 0;
}

/* Read a length prefix of n bytes and the body it announces; on any
 * shortfall restore c so the caller can report where the vector began. */
static int read_vec(struct cursor *c, size_t n, struct cursor *sub)
{
	size_t start = c->off;
	uint32_t len;

	if (read_be(c, n, &len) < 0)
		return -1;
	if (cursor_sub(c, len, sub) < 0) {
		c->off = start;
		return -1;
	}
	return 0;
}

/* see cursor.h */
int cursor_vec8(struct cursor *c, struct cursor *sub)
{
	return read_vec(c, 1, sub);
}

/* see cursor.h */
int cursor_vec16(struct cursor *c, struct cursor *sub)
{
	return read_vec(c, 2, sub);
}

/* see cursor.h */
int cursor_vec24(struct cursor *c, struct cursor *sub)
{
	return read_vec(c, 3, sub);
}
