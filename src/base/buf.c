#include "base/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"

int
buf_grow_max(void *array, size_t *cap, size_t used, size_t want, size_t size, size_t max)
{
	size_t ncap = *cap ? *cap : 8;
	void *p, *q;

	if (max > SIZE_MAX / size)
		max = SIZE_MAX / size;
	if (used > max || want > max - used)
		return -1;
	if (ncap > max)
		ncap = max;
	while (ncap < used + want)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap <= *cap)
		return 0;
	/* The pointer is read and written as bytes: *array is a T *, not a
	 * void *, and must not be accessed through one. */
	memcpy(&p, array, sizeof p);
	if (!(q = realloc(p, ncap * size)))
		return -1;
	memcpy(array, &q, sizeof q);
	*cap = ncap;
	return 0;
}

int
buf_grow(void *array, size_t *cap, size_t used, size_t want, size_t size)
{
	return buf_grow_max(array, cap, used, want, size, SIZE_MAX);
}

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

int
buf_reserve(struct buf *b, size_t n)
{
	if (b->failed)
		return -1;
	if (n > b->max - b->len) {
		b->failed = BUF_TOO_LARGE;
		return -1;
	}
	if (buf_grow_max(&b->data, &b->cap, b->len, n + 1, 1, b->max + 1) < 0) {
		b->failed = BUF_NO_MEMORY;
		return -1;
	}
	b->data[b->len + n] = '\0';
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

char *
buf_take(struct buf *b)
{
	char *d = b->data;

	buf_init(b, b->max);
	return d;
}

void
buf_free(struct buf *b)
{
	if (b->data) {
		secret_wipe(b->data, b->cap);
		free(b->data);
	}
	buf_init(b, b->max);
}
