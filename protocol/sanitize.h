/* Make untrusted bytes inert before they reach a terminal or a log.
 *
 * One sanitiser, one escaping: every byte a peer (or a file) provides is
 * escaped exactly once, where it enters the event log (evlog_add,
 * event_field) or, for text that never enters it, where it is printed.
 * Code that must put a peer's bytes into a larger text before that point
 * (a summary line naming the SNI, a header value that may hold a NUL)
 * quotes them with sanitize_span(): the span is escaped at once, with its
 * length (a NUL shows as \x00 and hides nothing), and marked so that the
 * final sanitising keeps it as it is instead of escaping it a second time
 * (no "\\x1b"). */
#ifndef HTTPSVIZ_SANITIZE_H
#define HTTPSVIZ_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

/* Copy src (len bytes, may contain NUL) into a new NUL-terminated string in
 * which every byte that could act on a terminal or hide text is shown as
 * \xNN: C0 and C1 controls, DEL, NUL, invalid or overlong UTF-8, and the
 * code points of sanitize_dangerous_cp().  Printable ASCII and other valid
 * UTF-8 text pass unchanged; a backslash becomes "\\" (so \xNN in the output
 * always stands for a byte).  Spans made by sanitize_span() are kept as they
 * are, without their marks.  Returns NULL only when out of memory. */
char *sanitize_bytes(const void *src, size_t len);

/* Same as sanitize_bytes, keeping only ASCII: any byte >= 0x7f is escaped. */
char *sanitize_ascii(const void *src, size_t len);

/* src escaped as by sanitize_bytes and marked as already escaped, to be
 * embedded ("%s") in text that is sanitised later.  Returns NULL only when
 * out of memory. */
char *sanitize_span(const void *src, size_t len);

/* Mark text already sanitised (by sanitize_bytes) as a span, so that the
 * final sanitising does not escape its backslashes again.  Anything unsafe
 * in it is still escaped then: a mark only spares backslashes. */
char *sanitize_mark(const char *sanitised);

/* Length of a valid UTF-8 sequence of a safe (printable) code point at s,
 * or 0 when s does not start one.  n is the bytes available. */
size_t sanitize_utf8_len(const unsigned char *s, size_t n);

/* 1 for code points that reorder, hide or fake text on a terminal: C1
 * controls, the bidirectional controls (U+061C, U+200E/F, U+202A-202E,
 * U+2066-2069), the other format characters (soft hyphen, zero-width
 * space and joiners, word joiner, BOM, interlinear annotation, tags),
 * invisible fillers, line and paragraph separators, noncharacters,
 * surrogates, the two code points sanitize_span uses as marks, and
 * anything past U+10FFFF. */
int sanitize_dangerous_cp(uint32_t cp);

#endif
