#include "base/base64.h"

#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i += 3, out += 4) {
		unsigned long g = (unsigned long)in[i] << 16;

		if (i + 1 < n)
			g |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			g |= in[i + 2];
		out[0] = alphabet[g >> 18];
		out[1] = alphabet[(g >> 12) & 63];
		out[2] = i + 1 < n ? alphabet[(g >> 6) & 63] : '=';
		out[3] = i + 2 < n ? alphabet[g & 63] : '=';
	}
}

static int
value(char c)
{
	const char *p;

	if (c == '\0' || !(p = strchr(alphabet, c)))
		return -1;
	return (int)(p - alphabet);
}

long
base64_decode(uint8_t *out, size_t max, const char *in, size_t inlen)
{
	size_t n = 0;

	if (inlen % 4)
		return -1;
	for (size_t i = 0; i < inlen; i += 4) {
		int v[4], pad = 0;
		unsigned long g;

		for (int j = 0; j < 4; j++) {
			if (in[i + j] == '=' && i + 4 == inlen && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad || (v[j] = value(in[i + j])) < 0)
				return -1; /* '=' only at the very end; no other characters */
		}
		g = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 | (unsigned long)v[2] << 6 |
		    (unsigned long)v[3];
		/* Canonical form: the bits a padded group drops must be zero. */
		if ((pad == 2 && (g & 0xffff)) || (pad == 1 && (g & 0xff)))
			return -1;
		if (n + 3 - (size_t)pad > max)
			return -1;
		out[n++] = (uint8_t)(g >> 16);
		if (pad < 2)
			out[n++] = (uint8_t)(g >> 8);
		if (pad < 1)
			out[n++] = (uint8_t)g;
	}
	return (long)n;
}
