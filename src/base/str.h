/*
 * str: string helpers libc has in a larger form.
 */
#ifndef NOTIFY53_STR_H
#define NOTIFY53_STR_H

#include <stddef.h>
#include <strings.h>

/* strstr: the first w in s, or NULL; w "" gives s. A plain scan, O(len(s)
 * * len(w)): the callers look for short constant words in bounded texts,
 * where musl's two-way strstr (1.3 KB) buys nothing. */
const char *str_find(const char *s, const char *w);

/* The length of the run at s of characters in set (in 1: strspn) or not
 * in it (in 0: strcspn; the NUL ends the run either way). A scan of the
 * short sets the callers use, smaller than libc's two bitmap versions. */
size_t str_span(const char *s, const char *set, int in);

/* Past the last c (not NUL) in s, or s when it has none: the last field of
 * a list ("gzip, chunked" -> " chunked", "/hostedzone/Z1" -> "Z1"). One
 * scan, instead of strrchr and its libc code. */
const char *str_after_last(const char *s, int c);

/* s into dst[0..cap) as fmt_snprintf(dst, cap, "%s", s) puts it: at most
 * cap - 1 characters and a NUL (when cap > 0). Returns strlen(s), so a
 * result >= cap says s was cut. */
size_t str_copy(char *dst, size_t cap, const char *s);

/* strcasecmp (ASCII case folding) as strncasecmp with no length bound: the
 * callers need strncasecmp anyway, so musl's strcasecmp is not linked too. */
static inline int
str_casecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, (size_t)-1);
}

#endif
