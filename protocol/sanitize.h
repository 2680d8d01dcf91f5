/* Make untrusted bytes inert before they reach a terminal or a log. */
#ifndef HTTPSVIZ_SANITIZE_H
#define HTTPSVIZ_SANITIZE_H

#include <stddef.h>

/* Copy src (len bytes, may contain NUL) into a new NUL-terminated string in
 * which every byte that could act on a terminal is shown as \xNN: C0 and C1
 * controls, DEL, invalid or overlong UTF-8, and bidirectional overrides.
 * Printable ASCII and valid UTF-8 text pass unchanged; a backslash becomes
 * "\\".  Returns NULL only when out of memory. */
char *sanitize_bytes(const void *src, size_t len);

/* Same as sanitize_bytes, keeping only ASCII: any byte >= 0x7f is escaped. */
char *sanitize_ascii(const void *src, size_t len);

/* Length of a valid UTF-8 sequence of a safe (printable) code point at s,
 * or 0 when s does not start one.  n is the bytes available. */
size_t sanitize_utf8_len(const unsigned char *s, size_t n);

#endif
