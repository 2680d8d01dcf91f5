/* Shared includes and small helpers for the cmocka unit tests. */
#ifndef HTTPSVIZ_TESTUTIL_H
#define HTTPSVIZ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Compare two byte strings; on mismatch print both as hex and fail. */
static inline void tu_assert_bytes(const void *got, const void *want, size_t n,
				   const char *what)
{
	const unsigned char *g = got;
	const unsigned char *w = want;

	if (memcmp(g, w, n) == 0)
		return;
	print_error("%s differs\n  got:  ", what);
	for (size_t i = 0; i < n; i++)
		print_error("%02x", g[i]);
	print_error("\n  want: ");
	for (size_t i = 0; i < n; i++)
		print_error("%02x", w[i]);
	print_error("\n");
	fail();
}

#endif
