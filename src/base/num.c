#include "base/num.h"

#include <string.h>

int
num_parse_n(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		/* v * 10 + d <= max, checked without overflowing. */
		if (s[i] < '0' || s[i] > '9' || d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
num_parse(const char *s, uint64_t max, uint64_t *out)
{
	return num_parse_n(s, s ? strlen(s) : 0, max, out);
}

int
num_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
