/*
 * Fuzz target for message parsing: header, questions, every RR of every
 * section, each rdata to text, canonicalized, and gathered into a zone.
 * Property: rdata of a Route 53 type that prints as Route 53 text reads back
 * from that text to the identical wire form (wire -> text -> wire).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/dns.h"
#include "codec/rr.h"
#include "dns/zone.h"

static char text[300000];
static uint8_t back[DNS_RDATA_MAX], copy[DNS_RDATA_MAX];

static void
check_rr(const struct dns_rr *rr)
{
	long n = rr_to_text(rr->type, rr->rdata, rr->rdlen, text, sizeof text);

	if (n < 0 || (size_t)n >= sizeof text)
		abort();
	if (rr_r53_supported(rr->type) &&
	    rr_to_r53(rr->type, rr->rdata, rr->rdlen, text, sizeof text, NULL) >= 0) {
		long m = rr_from_r53(rr->type, text, strlen(text), back, sizeof back, NULL);

		if (m != (long)rr->rdlen || memcmp(back, rr->rdata, rr->rdlen))
			abort();
	}
	memcpy(copy, rr->rdata, rr->rdlen);
	rr_canonicalize(rr->type, copy, rr->rdlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_rr rr;
	uint8_t last[DNS_NAME_MAX] = { 0 };
	unsigned last_type = 0;
	struct dns_msg m;
	struct dns_question q;
	struct zone z;
	struct err e = { 0 };
	char name[DNS_NAME_TEXT_MAX];
	int r;

	if (dns_msg_init(&m, data, size, &e) < 0)
		return 0;
	zone_init(&z);
	while ((r = dns_msg_question(&m, &q)) > 0) {
		dns_name_to_text(q.name, name, sizeof name);
		dns_name_to_r53(q.name, name, sizeof name);
	}
	while (r >= 0 && (r = dns_msg_next(&m, &rr)) > 0) {
		dns_name_to_text(rr.owner, name, sizeof name);
		check_rr(&rr);
		zone_add(&z, rr.owner, rr.type, rr.class, rr.ttl, rr.rdata, rr.rdlen);
		memcpy(last, rr.owner, rr.owner_len);
		last_type = rr.type;
	}
	if (zone_finish(&z) == 0 && zone_set_count(&z) && zone_find(&z, last, last_type) < 0)
		abort(); /* the last RR added must be found */
	zone_free(&z);
	return 0;
}
