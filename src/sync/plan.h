/*
 * plan: what to change in a Route 53 hosted zone so that it answers what
 * the primary serves - the diff, its filters, the safety check and the
 * change batches. Pure: no I/O, no sockets, no clock (src/cli/plan_print
 * shows a plan to people).
 *
 * Comparison: record sets keyed by (owner, type), owners unescaped (Route 53's
 * octal \ooo) and lower-cased, values compared as canonical wire rdata
 * (rr_from_r53 + rr_canonicalize), never as text, so "10 MAIL.example.com"
 * equals "10 mail.example.com." and "a""b" equals "a" "b". Both directions: a
 * set only the primary has is a CREATE, a set both have whose TTL or any value
 * differs an UPSERT of the primary's whole set (a value only Route 53 has goes
 * away), a set only Route 53 has a DELETE carrying the set exactly as Route 53
 * listed it (a DELETE must match name, TTL and every value: Route 53 API
 * Reference, ChangeResourceRecordSets).
 *
 * Left alone, never changed or deleted, and reported in the notes: the apex
 * NS (Route 53's name servers); the SOA's mname and rname (the SOA is
 * UPSERTed with Route 53's mname/rname and the primary's serial, timers and
 * TTL, unless the zone's sync_soa is false); alias sets; routing-policy sets
 * (SetIdentifier); types Route 53 cannot hold (one warning per type, with a
 * count); DNSSEC records of a signed primary (DNSKEY, RRSIG, NSEC, NSEC3,
 * NSEC3PARAM, CDS, CDNSKEY; Route 53 signs on its own; DS at delegations is
 * synced); sets matched by the zone's ignore rules (on both sides); names
 * outside the zone. A set the primary has where Route 53 holds an alias or
 * routing set of the same name and type, or a CNAME next to such a set, is
 * a conflict: reported, not forced.
 *
 * Batches (Route 53 Developer Guide, "Quotas": maximums on API requests): at
 * most max_records ResourceRecord elements and max_chars characters of Value
 * text per request, an UPSERT counting twice for both. Characters are counted
 * as the Value text is sent, before XML escaping (Route 53 counts the value's
 * characters, and our octets are never fewer than its characters). All changes
 * of one owner name go in the same batch; a name whose changes cannot fit in
 * one batch together is split over consecutive batches in order, with a
 * warning. Within a batch every DELETE comes first (a type change A -> CNAME
 * deletes the A before creating the CNAME), then the CREATEs and UPSERTs;
 * names in canonical order (RFC 4034 section 6.1), so the same input always
 * gives the same batches. An UPSERT too large for a batch on its own is sent
 * as DELETE + CREATE (which counts once each); a set too large even so is an
 * error note and left out, the rest is still planned.
 * A DELETE or UPDATE left out keeps Route 53's set, so the CREATEs at its
 * name that would put a CNAME beside other data are held back too, as
 * errors: Route 53 would refuse their whole batch.
 *
 * Safety (as octoDNS): a plan deleting, or updating, more than the
 * configured share of the record sets Route 53 holds (not counting the
 * left-alone sets, the SOA and the apex NS), once at least min_existing
 * exist, is refused unless forced; so is a plan from a primary's zone
 * without an SOA, or with nothing but its SOA and NS while Route 53 holds
 * record sets ("transfer looks empty").
 */
#ifndef NOTIFY53_PLAN_H
#define NOTIFY53_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/cfg.h"
#include "base/err.h"
#include "aws/r53list.h"
#include "dns/zone.h"

/* What a change means (an UPDATE is sent as one UPSERT, or as a DELETE and
 * a CREATE when an UPSERT of the set does not fit in a batch). */
enum plan_kind {
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_DELETE
};

/* What change i means (plan_change). */
struct plan_info {
	enum plan_kind kind;
	uint32_t group;  /* owner name: changes of one name share it */
	int hidden;      /* the DELETE half of an UPDATE sent as DELETE + CREATE
	                  * (printed once, as the update, at its CREATE) */
	/* UPDATE: the set Route 53 holds before (TTL and values as it listed
	 * them, or as we pushed them for an incremental plan). */
	uint32_t old_ttl;
	int old_nvalues;
	const char *const *old_values;
};

/* Changes [first, first + count) of plan.changes form one request. */
struct plan_batch {
	size_t first, count;
	size_t records; /* ResourceRecord elements, UPSERT twice */
	size_t chars;   /* Value characters, UPSERT twice */
};

enum plan_level {
	PLAN_INFO,  /* a set left alone by design */
	PLAN_WARN,  /* left alone, but someone should look (a conflict, a
	             * type Route 53 cannot hold, a value that does not parse) */
	PLAN_ERROR  /* a set that cannot be synced (too large for a batch) */
};

struct plan_note {
	enum plan_level level;
	const char *text; /* one line, names in presentation form */
};

struct plan_block; /* private: string storage */
struct plan_text;  /* private: text rendered when asked for */

struct plan {
	/* What to send, batch after batch: batches[b] covers changes
	 * [first, first + count) of the nchanges, read with plan_change and
	 * plan_changes (the plan keeps them compact, not as r53_change
	 * arrays). Strings point into the plan's own storage or into the
	 * r53list given to plan_full, which must outlive the plan; the
	 * names and values of the primary's sets are rendered from its zone
	 * (desired, or next for plan_incremental) when asked for, so that
	 * zone must outlive the plan too. */
	size_t nchanges;
	struct plan_batch *batches;
	size_t nbatches;

	/* Notes, at most PLAN_MAX_NOTES; notes_dropped counts the rest. */
	struct plan_note *notes;
	size_t nnotes, notes_dropped;

	/* Record sets: created, updated, deleted; left alone (a set on both
	 * sides counted once); conflicts; sets that cannot be synced. */
	size_t ncreate, nupdate, ndelete, nskipped, nconflicts, nerrors;
	/* Record sets Route 53 holds that the plan manages (the safety
	 * thresholds' base: no SOA, apex NS or left-alone set). */
	size_t existing;

	/* The SOA value text Route 53 holds once the plan is applied (its
	 * own mname and rname), or NULL when unknown; the sync keeps it for
	 * the next plan_incremental. */
	const char *soa_value;

	/* PLAN_UNSAFE: why ("would delete 45 of 120 record sets (37%), more
	 * than max_delete_percent 30; use --force"). */
	char refusal[ERR_MSG_MAX];

	struct err err; /* plan_full/plan_incremental returned -1: why */

	/* private */
	struct plan_block *blocks;
	struct plan_block *wblocks; /* the items' wire names, until plan_release */
	const char **vpool;
	size_t nvpool, vpool_cap;
	void *items; /* the changes, in batch order once planned */
	size_t nitems, items_cap;
	void *olds; /* the sets UPDATEs replace */
	size_t nolds, olds_cap;
	struct r53_change *view; /* plan_changes */
	size_t view_cap;
	const struct zone *src;   /* the zone the changes are rendered from */
	struct plan_text *text;   /* their text: plan_changes, plan_change */
	size_t batches_cap, notes_cap;
	void *tally; /* per (reason, type) counts */
	size_t ntally, ntally_cap;
};

struct plan_opts {
	const struct cfg_zone *zone; /* name, ignore rules, sync_soa */
	struct cfg_safety safety;
	int force;                   /* --force: no safety refusal */
	size_t max_records;          /* per batch, UPSERT twice */
	size_t max_chars;            /* per batch, UPSERT twice */
};

/* Return values of plan_full and plan_incremental. */
#define PLAN_OK 0
#define PLAN_UNSAFE 1

/* Defaults: the zone z, safety from config.h (CFG_DEFAULT_*), not forced,
 * Route 53's batch limits (PLAN_BATCH_RECORDS, PLAN_BATCH_CHARS). */
void plan_opts_init(struct plan_opts *o, const struct cfg_zone *z);

/* An empty plan. */
void plan_init(struct plan *p);

/* Release everything and leave p as plan_init does: ready to be planned
 * again. */
void plan_free(struct plan *p);

/* Release the changes once sent (they are no longer needed, and a large
 * plan's are most of it): nchanges becomes 0; the counts, nbatches, notes
 * and soa_value stay until plan_free. */
void plan_release(struct plan *p);

/* Full plan: the primary's zone desired (finished) against the hosted
 * zone's listing current, filtered by o. p must be fresh (plan_init).
 * The plan points into current, which must live as long as the plan.
 * Returns PLAN_OK, PLAN_UNSAFE (the plan is complete and can be printed,
 * but must not be applied unless forced: p->refusal says why), or -1 with
 * the reason in p->err (out of memory, a limit, a listing with the same
 * record set twice). */
int plan_full(struct plan *p, const struct zone *desired, const struct r53list *current,
    const struct plan_opts *o);

/* Incremental plan for an IXFR, without a listing: prev is what Route 53
 * holds as far as we know (the zone last synced), next the zone after
 * zone_apply, changed the sets zone_apply reported. Only those sets are
 * planned, with the same filters; DELETEs and the old values of UPDATEs are
 * rendered from prev (we pushed them, so that is Route 53's text). A set new
 * to the primary is UPSERTed (CREATE only when it fits a batch once but not
 * twice): another writer (the second daemon of an HA pair, a batch of ours
 * whose answer was lost) may hold it already, and an UPSERT applies either
 * way where a CREATE would fail the whole batch. r53_soa
 * is the SOA value Route 53 holds (plan.soa_value of the last plan), for
 * its mname and rname; NULL leaves the SOA alone. Alias, routing and
 * Route 53-only sets are unknown here: a conflict shows as Route 53
 * refusing the batch, and the sync falls back to a full plan. Returns as
 * plan_full; the safety base is prev's managed sets. */
int plan_incremental(struct plan *p, const struct zone *prev, const struct zone *next,
    const struct zone_changes *changed, const char *r53_soa, const struct plan_opts *o);

/* Change i (< nchanges) as sent (ch) and what it means (in); either may be
 * NULL. The pointers in in stay valid until plan_free, those in ch until
 * the next plan_change or plan_free. Returns 0, or -1 when memory ran out
 * for ch's text. */
int plan_change(const struct plan *p, size_t i, struct r53_change *ch, struct plan_info *in);

/* Changes [first, first + count) as one array for a request, with their
 * text, valid until the next plan_changes, plan_permute, plan_split or
 * plan_free; NULL when memory ran out (p->err). */
const struct r53_change *plan_changes(struct plan *p, size_t first, size_t count);

/* Reorder changes [first, first + n): change first + k becomes the one at
 * first + from[k] (from is a permutation of 0..n-1). Returns 0, or -1 when
 * memory ran out (nothing moved). */
int plan_permute(struct plan *p, size_t first, size_t n, const uint32_t *from);

/* Split changes [first, first + count) (a batch Route 53 refused, or part
 * of one) into two halves along owner names, for bisecting a refused
 * batch: reorders that range in place (changes and info together) so that
 * each half keeps its DELETEs first, and returns the number of changes in
 * the first half; 0 when the range holds one name only and cannot be
 * split (or memory ran out). */
size_t plan_split(struct plan *p, size_t first, size_t count);

#endif
