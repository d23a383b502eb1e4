/*
 * test_num: num_parse - digits only, limits at both ends of uint64_t and
 * of small maxima, everything strtol would have let through refused; and
 * num_parse_n on the first n characters of a longer text.
 */
#include <stdint.h>

#include "base/num.h"
#include "tap.h"

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
	ok(num_hex('0') == 0 && num_hex('9') == 9 && num_hex('a') == 10 && num_hex('F') == 15,
	    "hex digits, either case");
	ok(num_hex('g') < 0 && num_hex('/') < 0 && num_hex(':') < 0 && num_hex('@') < 0 &&
	    num_hex('G') < 0 && num_hex(0) < 0, "not hex digits");
	return tap_done();
}
