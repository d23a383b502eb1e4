/*
 * sort: qsort's contract (C99 7.20.5.2: ascending by cmp, equal elements in
 * no promised order) as a heapsort: O(n log n) in every case, no memory
 * allocated, and about 200 bytes of code where musl's smoothsort is 1.1 KB.
 */
#ifndef NOTIFY53_SORT_H
#define NOTIFY53_SORT_H

#include <stddef.h>

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
