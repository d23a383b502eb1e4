#include "base/sort.h"

static void
swap(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Move element i down the heap of the first n elements until neither
 * child is greater. */
static void
sift(unsigned char *v, size_t i, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && cmp(v + c * size, v + (c + 1) * size) < 0)
			c++;
		if (cmp(v + i * size, v + c * size) >= 0)
			return;
		swap(v + i * size, v + c * size, size);
		i = c;
	}
}

void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *v = base;

	for (size_t i = n / 2; i-- > 0;)
		sift(v, i, n, size, cmp);
	while (n > 1) {
		n--;
		swap(v, v + n * size, size);
		sift(v, 0, n, size, cmp);
	}
}
