/*
 * Fuzz target for the Route 53 value parser. The first octet picks one of
 * the 17 Route 53 types ('A' + index), the rest is the value text. When the
 * text parses, it must print, and the printed text must read back to the
 * same wire form and print identically (text -> wire -> text is stable).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rr.h"

static const unsigned types[] = {
	DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CAA, DNS_TYPE_CNAME, DNS_TYPE_DS, DNS_TYPE_HTTPS,
	DNS_TYPE_MX, DNS_TYPE_NAPTR, DNS_TYPE_NS, DNS_TYPE_PTR, DNS_TYPE_SOA, DNS_TYPE_SPF,
	DNS_TYPE_SRV, DNS_TYPE_SSHFP, DNS_TYPE_SVCB, DNS_TYPE_TLSA, DNS_TYPE_TXT
};

static uint8_t w1[DNS_RDATA_MAX], w2[DNS_RDATA_MAX];
static char t1[300000], t2[300000];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { 0 };
	unsigned type;
	long n1, n2, l1, l2;

	if (size < 1)
		return 0;
	type = types[(unsigned)(data[0] - 'A') % (sizeof types / sizeof types[0])];
	n1 = rr_from_r53(type, (const char *)data + 1, size - 1, w1, sizeof w1, &e);
	if (n1 < 0) {
		if (!e.set)
			abort(); /* a refusal always says why */
		return 0;
	}
	l1 = rr_to_r53(type, w1, (size_t)n1, t1, sizeof t1, NULL);
	if (l1 < 0 || (size_t)l1 >= sizeof t1)
		abort();
	n2 = rr_from_r53(type, t1, (size_t)l1, w2, sizeof w2, NULL);
	if (n2 != n1 || memcmp(w1, w2, (size_t)n1))
		abort();
	l2 = rr_to_r53(type, w2, (size_t)n2, t2, sizeof t2, NULL);
	if (l2 != l1 || strcmp(t1, t2))
		abort();
	return 0;
}
