#include "base/str.h"

#include <stddef.h>
#include <string.h>

const char *
str_find(const char *s, const char *w)
{
	for (;; s++) {
		size_t i = 0;

		while (w[i] && s[i] == w[i])
			i++;
		if (!w[i])
			return s;
		if (!*s)
			return NULL;
	}
}

const char *
str_after_last(const char *s, int c)
{
	const char *r = s;

	for (; *s; s++)
		if (*s == c)
			r = s + 1;
	return r;
}

size_t
str_span(const char *s, const char *set, int in)
{
	size_t n = 0;

	while (s[n] && (strchr(set, s[n]) != NULL) == in)
		n++;
	return n;
}

size_t
str_copy(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (cap) {
		size_t k = n < cap ? n : cap - 1;

		memcpy(dst, s, k);
		dst[k] = '\0';
	}
	return n;
}
