/*
 * test_num: num_parse - digits only, limits at both ends of uint64_t and
 * of small maxima, everything strtol would have let through refused; and
 * num_parse_n on the first n characters of a longer text; num_strtod:
 * the forms cJSON hands it, rounding at halfway points, overflow and
 * subnormals, and generated numbers against the C library's strtod.
 */
#include <stdint.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "tap.h"

/* num_strtod(s) has the bits of want and stops after len characters. */
static int
strtod_is(const char *s, double want, size_t len)
{
	char *end;
	double v = num_strtod(s, &end);

	return !memcmp(&v, &want, sizeof v) && (size_t)(end - s) == len;
}

/* num_strtod and the C library's strtod (correctly rounded in glibc and
 * musl alike) agree on the value and the end of s; 0 and a diagnostic
 * when not. */
static int
strtod_as_libc(const char *s)
{
	char *e1, *e2;
	double a = strtod(s, &e1), b = num_strtod(s, &e2);

	if (!memcmp(&a, &b, sizeof a) && e1 == e2)
		return 1;
	diag("\"%.80s\": libc %.17g (%d characters), num_strtod %.17g (%d)", s, a, (int)(e1 - s), b,
	    (int)(e2 - s));
	return 0;
}

static uint64_t
xorshift(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

/* Numbers as the config and printf's %g write them, as cJSON hands them
 * over (digits, point, sign, exponent), and digit strings longer than any
 * double needs: every one as libc reads it. */
static void
strtod_generated(void)
{
	static char buf[1300];
	uint64_t st = 88172645463325252u;
	int bad = 0, n = 0;

	for (int i = 0; i < 6000 && bad < 5; i++, n++) {
		uint64_t bits = xorshift(&st) & 0x7fefffffffffffffu;
		double d;
		char *p = buf;

		memcpy(&d, &bits, sizeof d);
		switch (i % 4) {
		case 0: /* a double with 1 to 17 digits */
			snprintf(buf, sizeof buf, "%.*g", (int)(xorshift(&st) % 17) + 1, d);
			break;
		case 1: /* subnormals and the largest doubles */
			bits = i % 8 == 1 ? bits % ((uint64_t)1 << 53) : bits | (uint64_t)0x7fe << 52;
			memcpy(&d, &bits, sizeof d);
			snprintf(buf, sizeof buf, "%.*e", (int)(xorshift(&st) % 25), d);
			break;
		default: { /* digits (up to 1,100: past the 800 kept), a point, an exponent */
			int nd = (int)(xorshift(&st) % (i % 16 == 2 ? 1100 : 25)) + 1;
			int pt = (int)(xorshift(&st) % (unsigned)(nd + 1));

			if (xorshift(&st) % 2)
				*p++ = '-';
			for (int k = 0; k < nd; k++) {
				if (k == pt)
					*p++ = '.';
				*p++ = (char)('0' + (xorshift(&st) % 4 ? xorshift(&st) % 10 : 0));
			}
			if (xorshift(&st) % 2)
				snprintf(p, 12, "e%d", (int)(xorshift(&st) % 800) - 400);
			else
				*p = 0;
		}
		}
		bad += !strtod_as_libc(buf);
	}
	ok(bad == 0, "num_strtod: %d generated numbers read as libc's strtod reads them", n);
}

int
main(void)
{
	static const char *const bad[] = { "", "+1", "-1", " 1", "1 ", "0x10", "1e3", "12a", "١" };
	uint64_t v = 7;

	ok(num_parse("0", 10, &v) == 0 && v == 0, "0");
	ok(num_parse("00012", 12, &v) == 0 && v == 12, "leading zeros, at the maximum");
	ok(num_parse("13", 12, &v) < 0 && v == 12, "above the maximum refused, *out untouched");
	ok(num_parse("65535", 65535, &v) == 0 && v == 65535, "65535 for a port");
	ok(num_parse("65536", 65535, &v) < 0, "65536 for a port refused");
	ok(num_parse("0", 0, &v) == 0 && v == 0 && num_parse("1", 0, &v) < 0, "maximum 0");
	ok(num_parse("9", 5, &v) < 0, "one digit above a one-digit maximum");
	ok(num_parse("18446744073709551615", UINT64_MAX, &v) == 0 && v == UINT64_MAX, "2^64-1");
	ok(num_parse("18446744073709551616", UINT64_MAX, &v) < 0, "2^64 refused (no wrap)");
	ok(num_parse("99999999999999999999999", UINT64_MAX, &v) < 0, "23 digits refused");
	ok(num_parse("4294967295", 0xffffffffu, &v) == 0 && v == 0xffffffffu, "2^32-1");
	ok(num_parse("4294967296", 0xffffffffu, &v) < 0, "2^32 refused for a serial");
	ok(num_parse(NULL, 1, &v) < 0, "NULL refused");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(num_parse(bad[i], UINT64_MAX, &v) < 0, "\"%s\" refused", bad[i]);
	ok(num_parse_n("8080/path", 4, 65535, &v) == 0 && v == 8080, "n: the port of a URL");
	ok(num_parse_n("8080/path", 5, 65535, &v) < 0, "n: one character too many refused");
	ok(num_parse_n("12", 0, 99, &v) < 0, "n: nothing refused");
	ok(num_parse_n("1\0" "2", 3, 999, &v) < 0, "n: a NUL inside refused");

	ok(strtod_is("0", 0.0, 1) && strtod_is("-0", -0.0, 2), "strtod: 0 and -0");
	ok(strtod_is("2.5", 2.5, 3) && strtod_is("0.1", 0.1, 3) && strtod_is("987.625", 987.625, 7),
	    "strtod: the rates of the release check");
	ok(strtod_is("-.5", -0.5, 3) && strtod_is("1.", 1.0, 2) && strtod_is("1e5", 1e5, 3) &&
		strtod_is("1E+5", 1e5, 4) && strtod_is("25e-1", 2.5, 5),
	    "strtod: point without digits on one side, exponent forms");
	ok(strtod_is("1e", 1.0, 1) && strtod_is("1e+", 1.0, 1) && strtod_is("1e5e3", 1e5, 3) &&
		strtod_is("1.5.3", 1.5, 3) && strtod_is("7-", 7.0, 1),
	    "strtod: stops where the number ends");
	ok(strtod_is("", 0.0, 0) && strtod_is("-", 0.0, 0) && strtod_is(".", 0.0, 0) &&
		strtod_is("-e5", 0.0, 0) && strtod_is("+-1", 0.0, 0) && strtod_is(" 1", 0.0, 0),
	    "strtod: no number, nothing read");
	ok(strtod_is("9007199254740993", 9007199254740992.0, 16) &&
		strtod_is("9007199254740995", 9007199254740996.0, 16) &&
		strtod_is("9007199254740993.000000000000000000000000000000001", 9007199254740994.0, 50),
	    "strtod: halfway between two doubles to the even one, just above it up");
	ok(strtod_is("1.7976931348623157e308", 0x1.fffffffffffffp+1023, 22) &&
		strtod_is("1.7976931348623158e308", 0x1.fffffffffffffp+1023, 22) &&
		strtod_is("1.7976931348623158079373e308", HUGE_VAL, 28) &&
		strtod_is("1e309", HUGE_VAL, 5) && strtod_is("-1e99999999999", -HUGE_VAL, 14),
	    "strtod: the largest double, overflow to infinity");
	ok(strtod_is("4.9406564584124654e-324", 0x1p-1074, 23) &&
		strtod_is("2.4703282292062328e-324", 0x1p-1074, 23) &&
		strtod_is("2.4703282292062327e-324", 0.0, 23) &&
		strtod_is("2.2250738585072011e-308", 0x0.fffffffffffffp-1022, 23) &&
		strtod_is("1e-400", 0.0, 6),
	    "strtod: subnormals, underflow to 0");
	ok(strtod_is("0.000000000000000000000000000000000000000001e42", 1.0, 47) &&
		strtod_is("1" "000000000000000000000000000000000000000000e-42", 1.0, 47) &&
		strtod_is("1e1000000000000000000000000e-1000000", HUGE_VAL, 27),
	    "strtod: leading zeros, trailing zeros, an exponent past 10^9");
	strtod_generated();
	ok(num_hex('0') == 0 && num_hex('9') == 9 && num_hex('a') == 10 && num_hex('F') == 15,
	    "hex digits, either case");
	ok(num_hex('g') < 0 && num_hex('/') < 0 && num_hex(':') < 0 && num_hex('@') < 0 &&
	    num_hex('G') < 0 && num_hex(0) < 0, "not hex digits");
	return tap_done();
}
