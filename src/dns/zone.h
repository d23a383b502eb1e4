/*
 * zone: a record-set store built from a transfer (or a Route 53 listing).
 *
 * RRs are added as they arrive (zone_add), then zone_finish groups them into
 * record sets by (owner, type) in RFC 4034 section 6.1 canonical order:
 * - owner names are lower-cased (Route 53 stores names lower-case), and the
 *   names inside rdata lower-cased too (rr_canonicalize), so sets compare
 *   byte for byte;
 * - duplicate RRs (same canonical rdata) are kept once;
 * - a set's TTL is the lowest TTL of its RRs (RFC 2181 section 5.2); a TTL
 *   with the top bit set counts as 0 (RFC 2181 section 8);
 * - the rdatas of a set are sorted (RFC 4034 section 6.3), so two sets are
 *   equal exactly when their TTLs and rdata lists are byte-identical.
 * Class IN only. Storage is one growing arena of packed records and an array
 * of 32-bit offsets sorted once: no allocation per record. Limits:
 * DNS_MAX_ZONE_RRS, DNS_MAX_ZONE_BYTES, DNS_MAX_SET_RRS (config.h).
 *
 * An IXFR (RFC 1995) is applied as a zone_delta: the deleted and added RRs
 * of one or more version steps, in the order received.
 *
 * Errors are sticky in z->err; a zone that failed stays failed (zone_free
 * it). zone_apply is all or nothing and leaves the zone usable on failure.
 */
#ifndef NOTIFY53_ZONE_H
#define NOTIFY53_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "codec/dns.h"
#include "base/err.h"

struct fmt_stream;

struct zone_setent; /* private */

struct zone {
	uint8_t *arena;        /* packed owners and records */
	size_t arena_len, arena_cap;
	uint32_t *idx;         /* record offsets; sorted after zone_finish */
	size_t nrr, idx_cap;
	struct zone_setent *sets;
	size_t nsets;
	uint32_t last_owner;   /* the previous owner, stored once for a run */
	uint8_t last_wire[DNS_NAME_MAX]; /* ... as it was given */
	uint8_t last_len;
	int have_owner;
	int finished;
	int failed;
	struct err err;
};

/* An empty zone (no allocation yet). */
void zone_init(struct zone *z);

/* Release the memory; the zone can be zone_init'ed again. */
void zone_free(struct zone *z);

/* Add one RR: owner (wire, any case), type, class (IN only), TTL, self-
 * contained rdata (copied; malformed rdata of a known type is kept as it
 * is). Only before zone_finish. Returns 0, or -1 with the reason in z->err
 * (a limit, class not IN, out of memory). */
int zone_add(struct zone *z, const uint8_t *owner, unsigned type, unsigned class, uint32_t ttl,
    const uint8_t *rdata, size_t rdlen);

/* Sort, remove duplicates and group into record sets. Returns 0, or -1
 * with the reason in z->err (out of memory, a set over DNS_MAX_SET_RRS). */
int zone_finish(struct zone *z);

/* Copy the finished zone src into dst (zone_init'ed) and finish it: the
 * same record sets, each RR with its set's TTL. Returns 0, or -1 with the
 * reason in dst->err. */
int zone_copy(struct zone *dst, const struct zone *src);

/* RRs and record sets of a finished zone. */
size_t zone_rr_count(const struct zone *z);
size_t zone_set_count(const struct zone *z);

/* Record set i (0 <= i < zone_set_count), in canonical order. */
struct zone_set {
	uint8_t name[DNS_NAME_MAX]; /* lower-case wire form */
	size_t name_len;
	unsigned type;
	uint32_t ttl;
	size_t count;               /* RRs (rdatas) */
};
void zone_set_get(const struct zone *z, size_t i, struct zone_set *s);

/* The k-th rdata (0 <= k < count) of set i: a pointer into the zone, valid
 * until the zone changes; its length in *len. */
const uint8_t *zone_set_rdata(const struct zone *z, size_t i, size_t k, size_t *len);

/* Index of the set (name, type) (name in any case), or -1. */
long zone_find(const struct zone *z, const uint8_t *name, unsigned type);

/* Canonical order of set i of a and set j of b by (name, type): <0, 0, >0;
 * for merging two zones (desired and current) in one pass. */
int zone_set_cmp(const struct zone *a, size_t i, const struct zone *b, size_t j);

/* 1 when set i of a and set j of b have the same TTL and the same rdatas. */
int zone_set_equal(const struct zone *a, size_t i, const struct zone *b, size_t j);

/* ---- IXFR ---------------------------------------------------------------------- */

enum { ZONE_DEL = 1, ZONE_ADD = 2 };

/* The RRs of an incremental transfer, in the order received. */
struct zone_delta {
	struct zone ops; /* records tagged ZONE_DEL or ZONE_ADD, never finished */
};

void zone_delta_init(struct zone_delta *d);
void zone_delta_free(struct zone_delta *d);

/* Append a deleted (ZONE_DEL) or added (ZONE_ADD) RR; RFC 1995 section 4:
 * a version step is its deletions then its additions, steps in order.
 * Returns 0, or -1 with the reason in d->ops.err. */
int zone_delta_add(struct zone_delta *d, int op, const uint8_t *owner, unsigned type,
    unsigned class, uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* The records [first, end) of d tagged op, as the record sets of out
 * (zone_init'ed, then finished here): one version step's deletions or
 * additions, for printing. Returns 0, or -1 with the reason in out->err. */
int zone_delta_part(const struct zone_delta *d, size_t first, size_t end, int op,
    struct zone *out);

/* The (name, type) keys of the record sets a delta changed, canonical order. */
struct zone_changes {
	uint8_t *buf;     /* packed: type (2 octets) then the wire name */
	size_t len, cap;
	uint32_t *off;    /* start of each entry in buf */
	size_t n, off_cap;
};

void zone_changes_init(struct zone_changes *c);
void zone_changes_free(struct zone_changes *c);

/* Name (lower-case wire) of the i-th changed set, its type in *type. */
const uint8_t *zone_changes_get(const struct zone_changes *c, size_t i, unsigned *type);

/* The record sets that differ between the finished zones a and b (in one,
 * not the other, or with another TTL or rdatas) into c (emptied first), in
 * canonical order: an AXFR compared with the zone last synced, planned as
 * an IXFR's changes would be. Returns 0, or -1 (out of memory; c empty). */
int zone_diff(const struct zone *a, const struct zone *b, struct zone_changes *c);

/* Apply d to the finished zone z: every deleted RR must be present when its
 * step deletes it (matched by owner, type and canonical rdata, TTL ignored),
 * else it is an error and the caller falls back to AXFR; an added RR that
 * is present takes the new TTL. All or nothing: on error z is unchanged and
 * usable. changes (may be NULL) is emptied then receives the sets whose
 * contents or TTL differ afterwards, including sets that disappeared.
 * Returns 0, or -1 with the reason in z->err (cleared first when z itself
 * had not failed). */
int zone_apply(struct zone *z, const struct zone_delta *d, struct zone_changes *changes);

/* ---- printing ------------------------------------------------------------------ */

/* Print set i as one line: "name TTL TYPE value1 | value2 ..." (name in
 * presentation form, values in Route 53 syntax, or RFC 3597 generic text for
 * other types), or with json as
 * {"name":"...","type":"...","ttl":N,"values":["...",...]}. Returns 0, or
 * -1 on a write error or no memory. */
int zone_print_set(const struct zone *z, size_t i, struct fmt_stream *f, int json);

/* Every set, in canonical order. Returns 0 or -1. */
int zone_print(const struct zone *z, struct fmt_stream *f, int json);

#endif
