#include "base/str.h"

#include <stddef.h>

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
