/*
 * test_base64: RFC 4648 section 10's vectors both ways, the strict decoder
 * refusing every text that is not a canonical encoding, output bounds, and
 * encode-decode round trips of every length up to 64.
 */
#include <string.h>

#include "base/base64.h"
#include "tap.h"

static void
good(const char *text, const char *octets)
{
	uint8_t out[64];
	char enc[128];
	size_t n = strlen(octets);
	long k = base64_decode(out, sizeof out, text, strlen(text));

	is_mem(out, k < 0 ? 0 : (size_t)k, octets, n, "\"%s\" decodes", text);
	base64_encode(enc, (const uint8_t *)octets, n);
	is_mem(enc, (n + 2) / 3 * 4, text, strlen(text), "\"%s\" encodes", text);
}

static void
bad(const char *text)
{
	uint8_t out[64];

	ok(base64_decode(out, sizeof out, text, strlen(text)) < 0, "\"%s\" refused", text);
}

int
main(void)
{
	uint8_t in[64], out[64];
	char enc[90];
	int trips = 1;

	good("", "");
	good("Zg==", "f");
	good("Zm8=", "fo");
	good("Zm9v", "foo");
	good("Zm9vYg==", "foob");
	good("Zm9vYmE=", "fooba");
	good("Zm9vYmFy", "foobar");
	good("+/+/", "\xfb\xff\xbf");
	bad("Zg=");
	bad("Zg");
	bad("Z===");
	bad("Zh==");   /* non-zero bits dropped by the padding */
	bad("Zm9=");
	bad("Zm9v\t");
	bad("Zm 9v");
	bad("Zm9v====");
	bad("=Zm9");
	bad("Zg==Zg==");
	bad("Zm-v");
	bad("Zm9v_A==");
	ok(base64_decode(out, 3, "Zm9vYg==", 8) < 0, "output that does not fit refused");
	ok(base64_decode(out, 3, "Zm9v", 4) == 3, "output that just fits");
	for (size_t n = 0; n <= sizeof in; n++) {
		size_t e = (n + 2) / 3 * 4;

		for (size_t i = 0; i < n; i++)
			in[i] = (uint8_t)(i * 37 + n);
		base64_encode(enc, in, n);
		trips &= base64_decode(out, sizeof out, enc, e) == (long)n && !memcmp(in, out, n);
	}
	ok(trips, "round trips of 0 to 64 octets");
	return tap_done();
}
