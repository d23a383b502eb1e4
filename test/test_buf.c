/*
 * test_buf: the bounded buffer (NUL kept after the data, the bound exact,
 * failures sticky, take and free) and the array growth under it (doubling,
 * the element bound, size overflow refused with the array untouched).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "tap.h"

int
main(void)
{
	struct buf b;
	char *t;
	uint32_t *a = NULL;
	size_t cap = 0;
	int grew = 1;

	buf_init(&b, 10);
	ok(buf_reserve(&b, 0) == 0 && b.data && b.data[0] == '\0' && b.len == 0,
	    "an empty buffer is an empty string");
	ok(buf_put(&b, "hello", 5) == 0 && buf_put(&b, "world", 5) == 0 && b.len == 10 &&
	    !strcmp(b.data, "helloworld"), "ten octets fit a bound of ten, NUL after them");
	ok(b.cap <= 11, "the block never grows past the bound and its NUL (%zu)", b.cap);
	ok(buf_put(&b, "!", 1) < 0 && b.failed == BUF_TOO_LARGE && b.len == 10 &&
	    !strcmp(b.data, "helloworld"), "one more octet refused, the data kept");
	ok(buf_put(&b, "", 0) < 0, "the failure is sticky: nothing is put after it");
	buf_free(&b);
	ok(!b.data && !b.len && !b.failed && b.max == 10, "free empties it, the bound stays");

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_put(&b, "0123456789", 10);
	ok(!b.failed && b.len == 10000 && b.data[10000] == '\0' && !memcmp(b.data + 9990,
	    "0123456789", 10), "10,000 octets in 1,000 puts");
	t = buf_take(&b);
	ok(t && strlen(t) == 10000 && !b.data && !b.len && b.max == 1 << 20,
	    "take hands the block over and empties the buffer");
	free(t);
	ok(!buf_take(&b), "take of an empty buffer is NULL");

	for (size_t n = 0; n < 5000 && grew; n++) {
		grew = buf_grow(&a, &cap, n, 1, sizeof *a) == 0 && cap > n;
		if (grew)
			a[n] = (uint32_t)n;
	}
	ok(grew && a[4999] == 4999 && cap < 2 * 5000, "an array grown one by one to 5,000 (%zu)",
	    cap);
	ok(buf_grow(&a, &cap, 5000, SIZE_MAX / 2, sizeof *a) < 0 && a[4999] == 4999,
	    "a size that overflows is refused, the array untouched");
	free(a);
	a = NULL;
	cap = 0;
	ok(buf_grow_max(&a, &cap, 0, 100, sizeof *a, 100) == 0 && cap == 100,
	    "the element bound caps the capacity");
	ok(buf_grow_max(&a, &cap, 100, 1, sizeof *a, 100) < 0 && cap == 100,
	    "one past the element bound refused");
	free(a);
	return tap_done();
}
