#include "aws/acct.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/dns.h"

int
acct_zones(const struct cfg *c, const struct r53_op *op, struct cfg_zone **zones, size_t *n,
    struct err *e)
{
	struct cfg_zone *out;
	size_t k = 0;

	*zones = NULL;
	*n = 0;
	if (!c->nnotify_from)
		return err_set(e, "domains_to_manage_from_aws needs notify_servers to transfer from");
	if (!(out = calloc(op->nzones + 1, sizeof *out)))
		return err_set(e, "out of memory");
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
			return err_set(e, "out of memory");
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
