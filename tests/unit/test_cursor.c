#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/cursor.h"

static void test_integers(void **state)
{
	const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
	struct cursor c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	(void)state;
	cursor_init(&c, buf, sizeof buf);
	assert_int_equal(cursor_left(&c), 10);
	assert_int_equal(cursor_u8(&c, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(cursor_u16(&c, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(cursor_u24(&c, &u32), 0);
	assert_int_equal(u32, 0x040506);
	assert_int_equal(cursor_u32(&c, &u32), 0);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(cursor_left(&c), 0);
	/* underflow fails and leaves the value and position alone */
	u8 = 0x55;
	assert_int_equal(cursor_u8(&c, &u8), -1);
	assert_int_equal(u8, 0x55);
	assert_int_equal(c.off, 10);
}

static void test_underflow_each_width(void **state)
{
	const uint8_t buf[] = {0xff, 0xfe, 0xfd};
	struct cursor c;
	uint16_t u16;
	uint32_t u32;
	const uint8_t *p;

	(void)state;
	cursor_init(&c, buf, 1);
	assert_int_equal(cursor_u16(&c, &u16), -1);
	assert_int_equal(cursor_u24(&c, &u32), -1);
	assert_int_equal(cursor_u32(&c, &u32), -1);
	assert_int_equal(cursor_bytes(&c, 2, &p), -1);
	assert_int_equal(cursor_skip(&c, 2), -1);
	assert_int_equal(c.off, 0);
	assert_int_equal(cursor_bytes(&c, 1, &p), 0);
	assert_ptr_equal(p, buf);
	assert_int_equal(cursor_skip(&c, 0), 0);
	/* a NULL buffer is an empty one */
	cursor_init(&c, NULL, 5);
	assert_int_equal(cursor_left(&c), 0);
}

static void test_vectors(void **state)
{
	/* vec8 "ab", vec16 "cde", vec24 "f" */
	const uint8_t buf[] = {2, 'a', 'b', 0, 3, 'c', 'd', 'e', 0, 0, 1, 'f'};
	struct cursor c;
	struct cursor sub;
	uint8_t u8;

	(void)state;
	cursor_init(&c, buf, sizeof buf);
	assert_int_equal(cursor_vec8(&c, &sub), 0);
	assert_int_equal(cursor_left(&sub), 2);
	assert_int_equal(sub.off, 1); /* offsets stay relative to the whole buffer */
	assert_int_equal(cursor_vec16(&c, &sub), 0);
	assert_int_equal(sub.off, 5);
	assert_int_equal(cursor_left(&sub), 3);
	assert_int_equal(cursor_u8(&sub, &u8), 0);
	assert_int_equal(u8, 'c');
	assert_int_equal(cursor_skip(&sub, 3), -1); /* a sub-window ends at its vector */
	assert_int_equal(cursor_vec24(&c, &sub), 0);
	assert_int_equal(sub.off, 11);
	assert_int_equal(cursor_left(&sub), 1);
	assert_int_equal(cursor_left(&c), 0);
}

static void test_vector_too_long(void **state)
{
	const uint8_t buf[] = {0x00, 0x05, 'a', 'b'};
	struct cursor c;
	struct cursor sub;

	(void)state;
	cursor_init(&c, buf, sizeof buf);
	assert_int_equal(cursor_vec16(&c, &sub), -1);
	assert_int_equal(c.off, 0); /* restored to the length prefix */
	assert_int_equal(cursor_vec8(&c, &sub), 0); /* 0-length vec8 */
	assert_int_equal(cursor_left(&sub), 0);
	cursor_init(&c, buf, 2);
	assert_int_equal(cursor_vec24(&c, &sub), -1);
	assert_int_equal(cursor_sub(&c, 3, &sub), -1);
	assert_int_equal(cursor_sub(&c, 2, &sub), 0);
	assert_int_equal(sub.len, 2);
}

/* Every read on every prefix of a buffer stays inside it (run under ASan). */
static void test_every_prefix(void **state)
{
	const uint8_t src[] = {3, 0, 0, 2, 0xaa, 0xbb, 0x00, 0x01, 0xcc};

	(void)state;
	for (size_t n = 0; n <= sizeof src; n++) {
		uint8_t *buf = malloc(n ? n : 1);
		struct cursor c;
		struct cursor sub;
		int steps = 0;

		memcpy(buf, src, n);
		cursor_init(&c, buf, n);
		while (cursor_vec8(&c, &sub) == 0 || cursor_skip(&c, 1) == 0)
			steps++;
		assert_true(steps <= (int)n);
		assert_true(c.off <= n);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_underflow_each_width),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vector_too_long),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
