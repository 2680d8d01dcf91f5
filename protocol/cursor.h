/* A bounds-checked read cursor over untrusted bytes (in the style of s2n-tls
 * stuffers).  Every read checks what is left and fails with -1, without
 * moving, rather than read past the end.
 *
 * A cursor is a window [off, len) over the buffer p.  Sub-cursors made by
 * cursor_sub() and the cursor_vec*() reads share the same p, so an offset
 * read from any cursor is an offset from the start of the whole buffer: the
 * decoder hands those offsets straight to event fields. */
#ifndef HTTPSVIZ_CURSOR_H
#define HTTPSVIZ_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p; /* the whole buffer */
	size_t len;       /* end of this window (offset into p) */
	size_t off;       /* next byte to read (offset into p) */
};

/* Start a cursor over len bytes at p. */
void cursor_init(struct cursor *c, const uint8_t *p, size_t len);
/* Bytes left to read in this window. */
size_t cursor_left(const struct cursor *c);
/* Read a big-endian integer of 1, 2, 3 or 4 bytes; -1 on underflow. */
int cursor_u8(struct cursor *c, uint8_t *v);
int cursor_u16(struct cursor *c, uint16_t *v);
int cursor_u24(struct cursor *c, uint32_t *v);
int cursor_u32(struct cursor *c, uint32_t *v);
/* Point *out at the next n bytes and move past them; -1 on underflow. */
int cursor_bytes(struct cursor *c, size_t n, const uint8_t **out);
/* Move past n bytes; -1 on underflow. */
int cursor_skip(struct cursor *c, size_t n);
/* Make sub a window over the next n bytes of c and move c past them. */
int cursor_sub(struct cursor *c, size_t n, struct cursor *sub);
/* Read a vector with a 1-, 2- or 3-byte length prefix: sub becomes a window
 * over its body.  -1 (and c unchanged) when the prefix or the body does not
 * fit in what is left. */
int cursor_vec8(struct cursor *c, struct cursor *sub);
int cursor_vec16(struct cursor *c, struct cursor *sub);
int cursor_vec24(struct cursor *c, struct cursor *sub);

#endif
