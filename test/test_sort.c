/*
 * test_sort: sort against qsort's contract: ascending by the comparison,
 * the same elements (a permutation), for 0, 1 and 2 elements, all equal,
 * sorted, reversed and random arrays, and element sizes of 1, 8 and 24
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "tap.h"

struct item {
	int key;
	unsigned id;
	char pad[16];
};

static int
by_key(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/* Both fields: a total order, to compare the two results as sets. */
static int
by_key_id(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return by_key(a, b) ? by_key(a, b) : (x->id > y->id) - (x->id < y->id);
}

static int
by_byte(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static int
by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* sort v (n items made by kind) by key: ascending, and the same multiset
 * as the input. */
static int
items_ok(size_t n, int kind)
{
	struct item *v = calloc(n + 1, sizeof *v), *w = calloc(n + 1, sizeof *w);
	int good = 1;

	for (size_t i = 0; i < n; i++) {
		v[i].key = kind == 0 ? 7 : kind == 1 ? (int)i : kind == 2 ? (int)(n - i) :
		    rand() % (int)(n / 2 + 1) - (int)(n / 4);
		v[i].id = (unsigned)i;
	}
	memcpy(w, v, n * sizeof *v);
	sort(v, n, sizeof *v, by_key);
	for (size_t i = 1; i < n; i++)
		good &= v[i - 1].key <= v[i].key;
	sort(v, n, sizeof *v, by_key_id);
	qsort(w, n, sizeof *w, by_key_id);
	good &= !memcmp(v, w, n * sizeof *v);
	free(v);
	free(w);
	return good;
}

int
main(void)
{
	static const char *const kinds[] = { "all equal", "sorted", "reversed", "random" };
	unsigned char b[300], c[300];
	uint64_t u[1000], t[1000];

	for (int k = 0; k < 4; k++) {
		int good = 1;

		for (size_t n = 0; n <= 70; n++)
			good &= items_ok(n, k);
		good &= items_ok(5000, k);
		ok(good, "%s: 0 to 70 and 5,000 items of %zu bytes, ascending, same items",
		    kinds[k], sizeof(struct item));
	}

	srand(1);
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = c[i] = (unsigned char)rand();
	sort(b, sizeof b, 1, by_byte);
	qsort(c, sizeof c, 1, by_byte);
	ok(!memcmp(b, c, sizeof b), "1-byte elements as qsort");

	for (size_t i = 0; i < 1000; i++)
		u[i] = t[i] = (uint64_t)rand() << 31 ^ (uint64_t)rand();
	sort(u, 1000, sizeof *u, by_u64);
	qsort(t, 1000, sizeof *t, by_u64);
	ok(!memcmp(u, t, sizeof u), "8-byte elements as qsort");
	return tap_done();
}
