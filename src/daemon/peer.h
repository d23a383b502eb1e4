/*
 * peer: the NOTIFYs a daemon of an HA pair sends its peers (cfg->peers)
 * after it has written a serial of a zone to Route 53 (README "Running an
 * HA pair"): its peers are servers an administrator adds to the zone's
 * Notify Set (RFC 1996 section 2). The NOTIFY tells the peer "Route 53
 * now holds the primary's zone at serial S", so the peer takes that zone as
 * synced without an API call instead of writing the same change again
 * (src/sync/sync: adopt).
 *
 * Each message is a NOTIFY for zone SOA IN with the SOA and its serial in
 * the answer section (RFC 1996 section 3.7), signed with the peer's TSIG
 * key (RFC 8945), sent over UDP from a socket connected to the peer (only
 * its answers are read). It is sent again after PEER_RETRY_MS, doubling,
 * PEER_TRIES times in all, until an answer with its ID comes (RFC 1996
 * section 3.6: retransmit until answered, a bounded number of times). At
 * most PEER_MAX_INFLIGHT messages wait for an answer; a newer serial of the
 * same zone and peer replaces the older one, and when all are taken the
 * oldest is given up (the peer then writes the change itself after its
 * peer_wait: it costs API calls, never correctness). Nothing blocks.
 */
#ifndef NOTIFY53_PEER_H
#define NOTIFY53_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "config.h"
#include "base/loop.h"
#include "base/net.h"
#include "codec/dns.h"

/* One NOTIFY waiting for its answer. fd < 0: the slot is free. */
struct peer;

struct peer_msg {
	struct peer *owner;
	struct loop_io io;
	struct loop_timer timer;
	struct net_addr to;
	uint8_t zone[DNS_NAME_MAX];
	uint32_t serial;
	uint16_t id;
	int tries;
	int64_t delay;          /* before the next try, ms */
	unsigned long born;     /* order of creation: the oldest goes first */
	size_t len;
	uint8_t msg[PEER_MSG_MAX];
};

/* The sender; zero it before use. Fields are private. */
struct peer {
	struct peer_msg msgs[PEER_MAX_INFLIGHT];
	unsigned long born;
	unsigned long sent, answered, given_up; /* counters, for tests and logs */
};

/* Make p ready (every slot free). */
void peer_init(struct peer *p);

/* Tell every peer of cfg that Route 53 holds zone (presentation form) at
 * serial. Failures (no socket, a key that does not parse) are logged; the
 * peer then writes itself after its peer_wait. */
void peer_notify(struct peer *p, const struct cfg *cfg, const char *zone, uint32_t serial);

/* Give up every message, close the sockets. */
void peer_free(struct peer *p);

#endif
