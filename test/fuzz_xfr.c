/*
 * Fuzz target for the transfer parser: the input is a TCP byte stream
 * answering an AXFR, IXFR (from serial 1) or SOA query for example.com.,
 * chosen by the first octet, fed in pieces whose size the second octet
 * chooses. The query ID is taken from the first message so inputs get past
 * the ID check. Any result or error is fine; crashes, leaks and sanitizer
 * reports are not.
 */
#include <stdint.h>
#include <string.h>

#include "dns/xfr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zone[] = "\7example\3com";
	struct xfr x;
	size_t piece;
	int r = 0;

	if (size < 6)
		return 0;
	memset(&x, 0, sizeof x);
	x.kind = data[0] % 3 == 0 ? XFR_AXFR : data[0] % 3 == 1 ? XFR_IXFR : XFR_SOA;
	x.serial = 1;
	memcpy(x.name, zone, sizeof zone);
	piece = 1 + data[1];
	data += 2;
	size -= 2;
	xfr_parse_begin(&x, (uint16_t)(data[2] << 8 | data[3]));
	for (size_t off = 0; off < size && r == 0; off += piece)
		r = xfr_feed(&x, data + off, size - off < piece ? size - off : piece, 1700000000);
	if (r == 0)
		xfr_feed_end(&x);
	xfr_free(&x);
	return 0;
}
