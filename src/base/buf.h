/*
 * buf: growable storage with a bound, in the spirit of dropbear's buffer.c.
 * The heap block doubles as it fills and never grows past the bound its
 * owner sets (input from the network or a file is hostile: memory follows
 * the input only up to a limit from config.h). A failure is sticky, as with
 * struct err: a writer appends, then looks once at the end.
 *
 *   struct buf b;
 *   buf_init(&b, CREDS_MAX_FILE);
 *   while (...) buf_put(&b, chunk, n);
 *   if (b.failed) ... BUF_TOO_LARGE or BUF_NO_MEMORY ...
 *   ... b.data[0..b.len), NUL-terminated ...
 *   buf_free(&b);
 *
 * buf_grow is the same doubling for arrays of any element type whose owner
 * keeps the count (record sets, changes, steps...).
 */
#ifndef NOTIFY53_BUF_H
#define NOTIFY53_BUF_H

#include <stddef.h>

enum buf_failure {
	BUF_OK,
	BUF_TOO_LARGE, /* more than max octets were put */
	BUF_NO_MEMORY
};

struct buf {
	char *data;         /* heap, or NULL before the first put; data[len] is
	                     * '\0' once anything was reserved */
	size_t len, cap;
	size_t max;         /* the bound: len never exceeds it */
	enum buf_failure failed; /* sticky: nothing is put after a failure */
};

/* An empty buffer that will hold at most max octets. */
void buf_init(struct buf *b, size_t max);

/* Room for n more octets and the terminating NUL. Returns 0, or -1 with
 * b->failed set (nothing changed). */
int buf_reserve(struct buf *b, size_t n);

/* Append p[0..n) (and keep the NUL after it). Returns 0 or -1 as
 * buf_reserve. */
int buf_put(struct buf *b, const void *p, size_t n);

/* Take the block (the caller frees it; NULL when nothing was put) and
 * empty b, keeping its bound. */
char *buf_take(struct buf *b);

/* Free the block, its octets overwritten first (secrets), and empty b. */
void buf_free(struct buf *b);

/* Room for want more elements of size octets after the used ones in the
 * array *(T **)array, which has *cap elements allocated: the capacity
 * doubles (from 8) until they fit, but never past max elements. Returns 0,
 * or -1 when they do not fit in max, memory runs out or the size would
 * overflow (the array and *cap unchanged). */
int buf_grow_max(void *array, size_t *cap, size_t used, size_t want, size_t size, size_t max);

/* buf_grow_max for an array whose count its owner bounds. */
int buf_grow(void *array, size_t *cap, size_t used, size_t want, size_t size);

#endif
