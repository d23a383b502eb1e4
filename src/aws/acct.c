#include "aws/acct.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/dns.h"

#include "base/fmt.h"
#include "base/str.h"

int
acct_zones(const struct cfg *c, const struct r53_op *op, struct cfg_zone **zones, size_t *n,
    struct err *e)
{
	struct cfg_zone *out;
	size_t k = 0;

	*zones = NULL;
	*n = 0;
	if (!c->nnotify_from) {
		err_set(e, "domains_to_manage_from_aws needs notify_servers to transfer from");
		return -1;
	}
	if (!(out = calloc(op->nzones + 1, sizeof *out))) {
		err_set(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < op->nzones; i++) {
		struct cfg_zone *z = &out[k];
		uint8_t w[DNS_NAME_MAX];
		char name[DNS_NAME_TEXT_MAX];

		if (dns_name_from_r53(w, sizeof w, op->zones[i].name, NULL) < 0)
			continue;
		dns_name_lower(w);
		if (dns_name_to_text(w, name, sizeof name) < 0 || cfg_zone_find(c, name))
			continue;
		if (!(z->name = strdup(name)) || !(z->hosted_zone_id = strdup(op->zones[i].id))) {
			free(z->name);
			acct_zones_free(out, k);
			err_set(e, "out of memory");
			return -1;
		}
		k++;
		z->primaries[0] = c->notify_from[0].addr;
		z->nprimaries = 1;
		z->kind = op->zones[i].private_zone ? CFG_ZONE_PRIVATE : CFG_ZONE_PUBLIC;
		z->sync_soa = 1;
	}
	*zones = out;
	*n = k;
	return 0;
}

void
acct_zones_free(struct cfg_zone *zones, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(zones[i].name);
		free(zones[i].hosted_zone_id);
	}
	free(zones);
}

int
acct_zone_id(const struct r53_zone *zones, size_t n, const struct cfg_zone *z, char *id,
    int *private_zone)
{
	struct r53_op op;
	struct r53_zone cand[4];
	uint8_t want[DNS_NAME_MAX], w[DNS_NAME_MAX];
	struct err e = { 0 };
	int i;

	if (dns_name_from_text(want, sizeof want, z->name, NULL, NULL) < 0)
		return -1;
	memset(&op, 0, sizeof op);
	op.zones = cand;
	op.name = z->name;
	/* Rarely more than a public and a private zone of one name; with
	 * more, the job's own lookup says what is wrong. */
	for (size_t k = 0; k < n; k++) {
		if (dns_name_from_r53(w, sizeof w, zones[k].name, NULL) < 0 ||
		    !dns_name_equal(w, want))
			continue;
		if (op.nzones == sizeof cand / sizeof cand[0])
			return -1;
		cand[op.nzones++] = zones[k];
	}
	if ((i = r53_zone_pick(&op, z->kind, &e)) < 0)
		return -1;
	str_copy(id, R53_MAX_ID, cand[i].id);
	*private_zone = cand[i].private_zone;
	return 0;
}
