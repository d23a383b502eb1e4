#include "base/num.h"

#include <math.h>
#include <string.h>

int
num_parse_n(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		/* v * 10 + d <= max, checked without overflowing and without
		 * a 64-bit division (a libgcc call on 32-bit targets). */
		if (s[i] < '0' || s[i] > '9' || d > max || v > UINT64_MAX / 10 || v * 10 > max - d)
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

/* ---- num_strtod ---------------------------------------------------------- */

/*
 * The significant digits kept: the digits of a value exactly halfway between
 * two doubles end within the first 767, so the first 800 and whether any
 * non-zero digit follows (a 1 appended) round as all of them do.
 */
#define NUM_DIGITS 800

/*
 * Unsigned integers of up to NUM_BIG_WORDS 32-bit words, least significant
 * first. The largest num_strtod makes, D * 5^e or (2M + 1) * 5^-e shifted to
 * the other's power of 2 (D < 10^801, a result from 10^-326 to 10^309), has
 * fewer than 2,800 bits.
 */
#define NUM_BIG_WORDS 96

struct big {
	int n;
	uint32_t w[NUM_BIG_WORDS];
};

/* b = b * m + add. */
static void
big_mul32(struct big *b, uint32_t m, uint32_t add)
{
	uint64_t c = add;

	for (int i = 0; i < b->n; i++) {
		c += (uint64_t)b->w[i] * m;
		b->w[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c && b->n < NUM_BIG_WORDS)
		b->w[b->n++] = (uint32_t)c;
}

/* b = b * 5^k. */
static void
big_pow5(struct big *b, int64_t k)
{
	for (; k >= 13; k -= 13)
		big_mul32(b, 1220703125u, 0); /* 5^13 */
	for (; k > 0; k--)
		big_mul32(b, 5, 0);
}

/* b = b * 2^k. */
static void
big_shl(struct big *b, int64_t k)
{
	int words = (int)(k / 32), bits = (int)(k % 32), n = b->n + words + 1;

	if (n > NUM_BIG_WORDS)
		n = NUM_BIG_WORDS;
	for (int i = n - 1; i >= 0; i--) {
		int j = i - words;
		uint32_t hi = j >= 0 && j < b->n ? b->w[j] : 0;
		uint32_t lo = j >= 1 && j <= b->n ? b->w[j - 1] : 0;

		b->w[i] = bits ? hi << bits | lo >> (32 - bits) : hi;
	}
	b->n = n;
	while (b->n && !b->w[b->n - 1])
		b->n--;
}

/* The finite double of bits x (sign ignored) as M * 2^*e; returns M. */
static uint64_t
split(uint64_t x, int64_t *e)
{
	uint64_t m = x & (((uint64_t)1 << 52) - 1);
	int64_t f = (int64_t)(x >> 52 & 0x7ff);

	if (f)
		m |= (uint64_t)1 << 52;
	*e = f ? f - 1075 : -1074;
	return m;
}

/*
 * The comparison of d * 10^e with the value halfway between the finite
 * double of bits x and the double above it, (2M + 1) * 2^(E - 1) for x =
 * M * 2^E: -1, 0 or 1. Both sides times 5^-e, or 2^-e, when e < 0.
 */
static int
half_cmp(const struct big *d, int64_t e, uint64_t x)
{
	struct big l = *d, r = { 0 };
	int64_t f;
	uint64_t m = 2 * split(x, &f) + 1;

	f--;
	r.w[0] = (uint32_t)m;
	r.w[1] = (uint32_t)(m >> 32);
	r.n = r.w[1] ? 2 : 1;
	if (e >= 0)
		big_pow5(&l, e);
	else
		big_pow5(&r, -e);
	if (e >= f)
		big_shl(&l, e - f);
	else
		big_shl(&r, f - e);
	if (l.n != r.n)
		return l.n < r.n ? -1 : 1;
	for (int i = l.n - 1; i >= 0; i--)
		if (l.w[i] != r.w[i])
			return l.w[i] < r.w[i] ? -1 : 1;
	return 0;
}

double
num_strtod(const char *s, char **end)
{
	const uint64_t inf = (uint64_t)0x7ff << 52;
	unsigned char dig[NUM_DIGITS + 1];
	const char *p = s;
	int neg = 0, dot = 0, any = 0, nd = 0, sticky = 0;
	int64_t e = 0;
	uint64_t m = 0, x;
	double v;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (;; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (*p == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (d > 9)
			break;
		any = 1;
		e -= dot;
		if (!nd && !d)
			continue;
		if (nd < NUM_DIGITS) {
			dig[nd++] = (unsigned char)d;
			if (nd <= 18)
				m = m * 10 + d;
		} else {
			/* Dropped: the digits kept count in tens. */
			e++;
			sticky |= d != 0;
		}
	}
	if (!any) {
		if (end)
			*end = (char *)(uintptr_t)s;
		return 0;
	}
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		int eneg = 0;
		int64_t x10 = 0;

		if (*q == '-' || *q == '+')
			eneg = *q++ == '-';
		if (*q >= '0' && *q <= '9') {
			/* Past 10^9 the result is 0 or infinite for any input
			 * that fits in memory. */
			for (; *q >= '0' && *q <= '9'; q++)
				if (x10 < 1000000000)
					x10 = x10 * 10 + (*q - '0');
			e += eneg ? -x10 : x10;
			p = q;
		}
	}
	if (end)
		*end = (char *)(uintptr_t)p;

	if (!nd) {
		v = 0;
	} else if (e + nd - 1 > 308) {
		v = HUGE_VAL;
	} else if (e + nd - 1 < -325) {
		v = 0;
	} else {
		/* An estimate from the first 18 digits, a few units in the
		 * last place off; exact comparisons with the halfway points
		 * then move it to the correctly rounded double (ties to
		 * even). 18 digits are below 2^63: a signed conversion, the
		 * one the rest of the program links. */
		struct big d = { 0 };
		int64_t k = e + nd - (nd < 18 ? nd : 18);

		v = (double)(int64_t)m;
		/* By 10^22 while more than 22 are left, then by 10. */
		for (; k > 0; k -= k > 22 ? 22 : 1)
			v *= k > 22 ? 1e22 : 10;
		for (; k < 0; k += k < -22 ? 22 : 1)
			v /= k < -22 ? 1e22 : 10;
		memcpy(&x, &v, sizeof x);
		if (sticky) {
			dig[nd++] = 1;
			e--;
		}
		for (int i = 0; i < nd; i++)
			big_mul32(&d, 10, dig[i]);
		for (;;) {
			int c;

			if (x < inf && ((c = half_cmp(&d, e, x)) > 0 || (c == 0 && (x & 1))))
				x++;
			else if (x > 0 && ((c = half_cmp(&d, e, x - 1)) < 0 || (c == 0 && (x & 1))))
				x--;
			else
				break;
		}
		memcpy(&v, &x, sizeof v);
	}
	return neg ? -v : v;
}

/* b = b / d; returns the remainder. */
static uint32_t
big_div32(struct big *b, uint32_t d)
{
	uint64_t r = 0;

	for (int i = b->n - 1; i >= 0; i--) {
		r = r << 32 | b->w[i];
		b->w[i] = (uint32_t)(r / d);
		r %= d;
	}
	while (b->n && !b->w[b->n - 1])
		b->n--;
	return (uint32_t)r;
}

int
num_digits(double v, char *dig, int *point)
{
	/* |v| = M * 2^E is the integer M * 2^E, or M * 5^-E / 10^-E; in
	 * 9-digit groups, least significant first. 2^1024 and 2^53 * 5^1074
	 * both fit in NUM_BIG_WORDS; the latter has 767 digits. */
	uint32_t grp[NUM_DIGITS / 9 + 1];
	struct big b = { 0 };
	uint64_t x, m;
	int64_t f;
	int ng = 0, nd = 0;

	memcpy(&x, &v, sizeof x);
	m = split(x, &f);
	*point = 1;
	if (!m)
		return 0;
	b.w[0] = (uint32_t)m;
	b.w[1] = (uint32_t)(m >> 32);
	b.n = b.w[1] ? 2 : 1;
	if (f >= 0)
		big_shl(&b, f);
	else
		big_pow5(&b, -f);
	while (b.n)
		grp[ng++] = big_div32(&b, 1000000000u);
	for (int i = ng - 1; i >= 0; i--)
		for (uint32_t p = 100000000u; p; p /= 10) {
			char c = (char)('0' + grp[i] / p % 10);

			if (nd || c != '0')
				dig[nd++] = c;
		}
	*point = nd - (f < 0 ? (int)-f : 0);
	while (dig[nd - 1] == '0')
		nd--;
	return nd;
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
