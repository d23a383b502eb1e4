/*
 * acct: the zones of domains_to_manage_from_aws, built from the account's
 * ListHostedZones answer. Shared by `notify53 sync`/`plan` (src/cli/cli_sync)
 * and the daemon (src/daemon/daemon), which list the account on their own loops.
 */
#ifndef NOTIFY53_ACCT_H
#define NOTIFY53_ACCT_H

#include <stddef.h>

#include "config/cfg.h"
#include "base/err.h"
#include "aws/r53.h"

/* Every hosted zone of op (a finished r53_op_list_zones) that c does not
 * configure itself (a zone in the file keeps its own settings), as zones
 * transferred from notify_servers[0], with the hosted zone ID of the
 * listing and its public/private kind. Names Route 53 returns that do not
 * parse are skipped. Returns 0 with *zones (heap, free with
 * acct_zones_free) and *n, or -1 with e set (out of memory, or no
 * notify_servers to transfer from). */
int acct_zones(const struct cfg *c, const struct r53_op *op, struct cfg_zone **zones, size_t *n,
    struct err *e);

/* The ID of the hosted zone among zones[0..n) (an account's
 * ListHostedZones answer) that z, a zone without hosted_zone_id, names,
 * chosen as r53_zone_pick chooses, into id (R53_MAX_ID), and whether it is
 * private into *private_zone. Returns 0, or -1
 * when there is none or no single one: the sync job then looks the zone
 * up by name itself and says why. */
int acct_zone_id(const struct r53_zone *zones, size_t n, const struct cfg_zone *z, char *id,
    int *private_zone);

/* Free what acct_zones returned (NULL is fine). */
void acct_zones_free(struct cfg_zone *zones, size_t n);

#endif
