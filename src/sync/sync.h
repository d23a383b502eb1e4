/*
 * sync: one zone's sync job, the state machine of HACKING.md "The data path"
 * tying the transfer (xfr), Route 53 (r53) and the planner (plan) together.
 * `notify53 sync` and `notify53 plan` run one job per zone on the poll loop;
 * the daemon runs the same jobs with the state it kept from the last one.
 *
 *   SOA query         always first (RFC 1996 section 4.7). With previous
 *                     state, a serial not newer than the last synced one
 *                     (RFC 1982 section 3.2) ends the job, unless a full
 *                     reconcile is asked for; with tried, a serial not newer
 *                     than tried_serial ends it too (SYNC_UNCHANGED)
 *   transfer          IXFR from the last synced serial with previous state
 *                     (RFC 1995), else AXFR (RFC 5936); an IXFR that fails
 *                     or whose delta does not apply to the last synced zone
 *                     falls back to AXFR and a full plan
 *   hosted zone       the ID the caller knows; else the zone's
 *                     hosted_zone_id, checked with GetHostedZone (its name
 *                     must be the zone's), unless by_name; else
 *                     ListHostedZonesByName,
 *                     public preferred unless private (r53_zone_pick). Hosted
 *                     zones are never created or deleted.
 *   listing           ListResourceRecordSets, skipped on the incremental
 *                     path (IXFR applied to the last synced zone, no full
 *                     reconcile asked for)
 *   plan + safety     plan_full / plan_incremental; a refused plan (safety)
 *                     ends the job with SYNC_UNSAFE unless forced
 *   change batches    in order, one at a time (the r53 client also keeps
 *                     one batch per hosted zone in flight)
 *   GetChange wait    optional, on the last batch (Route 53 applies a zone's
 *                     changes in order)
 *
 * Failures (Route 53 API Reference, ChangeResourceRecordSets: Errors):
 * - InvalidChangeBatch of an incremental batch whose every message says a
 *   set it deletes is not there: another writer (the second daemon of an
 *   HA pair) deleted it first. The batch goes again without those DELETEs,
 *   with no listing (new sets are UPSERTed, so they never fail that way).
 * - InvalidChangeBatch otherwise: Route 53 changed under us or refuses a
 *   value. The job lists the zone again and re-plans once; refused again, it bisects
 *   the batch along owner names (plan_split), applies every half Route 53
 *   takes, and reports each record set it refuses with Route 53's message.
 * - a change whose answer was lost (R53_ERR_UNKNOWN_OUTCOME): list again and
 *   re-plan (never resend blindly: a CREATE may have been applied).
 * - anything else (transfer failed or did not validate, a listing, an API
 *   error after retries): the job ends with SYNC_FAILED and its reason;
 *   nothing more is sent. A failed transfer or API call never leads to a
 *   deletion, and nothing is sent from a transfer that is not complete.
 * Every job is independent: one failing zone does not stop the others.
 */
#ifndef NOTIFY53_SYNC_H
#define NOTIFY53_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "base/err.h"
#include "base/loop.h"
#include "sync/cache.h"
#include "sync/plan.h"
#include "aws/r53.h"
#include "aws/r53list.h"
#include "codec/tsig.h"
#include "dns/xfr.h"
#include "dns/zone.h"

enum sync_status {
	SYNC_OK,       /* Route 53 matches the primary (or would, dry run) */
	SYNC_CURRENT,  /* serial not newer than the last synced one: nothing done */
	SYNC_UNCHANGED, /* serial not newer than tried_serial: nothing done */
	SYNC_PARTIAL,  /* applied, except record sets Route 53 refused (refused[]) */
	SYNC_UNSAFE,   /* the safety check refused the plan (err says why) */
	SYNC_FAILED,   /* err says why; nothing more was sent after the failure */
	SYNC_ADOPTED,  /* adopt: Route 53 holds the primary's zone at adopt_serial
	                * (a peer wrote it): taken as synced, nothing sent */
	SYNC_PASSED    /* adopt: the primary's zone at adopt_serial could not be
	                * had incrementally (the primary moved on, an AXFR, a plan
	                * with errors or refused): nothing done, nothing kept */
};

/* "ok", "current", "unchanged", "partial", "unsafe", "failed", "adopted",
 * "passed". */
const char *sync_status_name(enum sync_status s);

/* What Route 53 holds when the job ends, as far as the job knows. */
enum sync_route53 {
	SYNC_R53_PREV,    /* what it held before: nothing was applied and the
	                   * job did not list it (prev, when the caller gave
	                   * one, still holds) */
	SYNC_R53_SYNCED,  /* exactly synced, the primary's zone at synced_serial */
	SYNC_R53_UNKNOWN  /* neither: a batch applied or whose fate is unknown
	                   * (its answer lost, an error after retries), a set
	                   * refused or left out by the plan, a listing that
	                   * may differ from prev; the next job lists it */
};

/* How the primary's zone was obtained. */
enum sync_xfer {
	SYNC_XFER_NONE, /* not transferred (current, or reused for a reconcile) */
	SYNC_XFER_AXFR,
	SYNC_XFER_IXFR
};

/* Job steps (ordered; logs and tests read them). */
enum sync_step {
	SYNC_IDLE,
	SYNC_SOA,
	SYNC_TRANSFER,
	SYNC_ZONE,     /* finding or checking the hosted zone */
	SYNC_LIST,
	SYNC_APPLY,
	SYNC_WAIT,
	SYNC_DONE
};

struct sync_job {
	/* ---- inputs: set before sync_start, kept by the caller until done ---- */
	const struct cfg_zone *zone;   /* name, primaries, key, hosted zone, rules */
	struct r53 *r53;               /* the process's client, shared by jobs */
	struct cfg_safety safety;
	int dry_run;                   /* plan only: nothing is changed */
	int force;                     /* apply a plan the safety check refused */
	int wait;                      /* GetChange until INSYNC at the end */
	void (*done)(struct sync_job *j); /* once, from the loop */
	void *user;                    /* free for the caller */

	/* Previous state (the daemon), optional: the zone as last synced (what
	 * Route 53 holds as far as we know; caller-owned, not changed) with its
	 * serial and the SOA value Route 53 holds (plan.soa_value of that
	 * sync, or NULL). With prev the job asks the SOA first and transfers
	 * by IXFR. full: list and plan in full even when an IXFR applies (the
	 * reconcile timer; drift made behind our back). */
	const struct zone *prev;
	uint32_t prev_serial;
	const char *prev_soa;
	int full;
	/* prev_partial: Route 53 holds prev but for the sets its plan left
	 * out as conflicts (an alias or routing set of Route 53's in their
	 * place, synced_partial): a newer serial is planned from a listing,
	 * never from prev, whose plan cannot see those sets (an UPSERT of
	 * the primary's set would replace Route 53's alias). */
	int prev_partial;

	/* Sync records (src/sync/cache): their directory, or NULL for none.
	 * The job writes its outcome there: the record of what Route 53 now
	 * holds after SYNC_OK, none when what it holds is unknown. Without
	 * prev (and without full, with sync_soa) it reads the zone's record
	 * as prev, unless it is older than reconcile seconds (then it lists).
	 * last_full: when Route 53 was last listed for prev (seconds since the
	 * epoch; the record's, or the caller's), updated when the job lists.
	 * verify: prev (a record) is not known to be what Route 53 holds: it
	 * is only used once Route 53's apex SOA (one ListResourceRecordSets,
	 * name=apex, type=SOA, maxitems=1) is the one recorded; any other
	 * answer and the job lists the zone. lazy (the daemon): a primary
	 * serial equal to prev's ends the job current without that check
	 * (nothing is written from an unchecked record). */
	const char *cache_dir;
	int reconcile;
	int64_t last_full;
	int verify, lazy;

	/* The primary's serial when an earlier job tried and did not leave
	 * Route 53 in sync (the daemon, for a job a NOTIFY started): the same
	 * serial again costs the SOA query and nothing more. */
	int tried;
	uint32_t tried_serial;

	/* A peer of an HA pair says Route 53 holds the primary's zone at
	 * adopt_serial (README "Running an HA pair"; needs prev): the job
	 * asks the SOA and transfers by IXFR as usual and, when that gives the
	 * zone at exactly adopt_serial, plans incrementally as usual and ends
	 * SYNC_ADOPTED with the planned zone (and SOA value) handed out as
	 * synced, without a single Route 53 request; otherwise SYNC_PASSED.
	 * Never a deletion: if the peer was wrong, the next incremental batch
	 * is refused and re-planned from a listing, and the reconcile repairs
	 * what remains. */
	int adopt;
	uint32_t adopt_serial;

	/* Hosted zone ID: set by the caller when known and trusted (a previous
	 * job, the account's listing), else found by the job; holds the ID
	 * used when done. */
	char zone_id[R53_MAX_ID];
	int zone_private;              /* with zone_id: 1 a private hosted zone,
	                                * 0 a public one (Config/PrivateZone) */
	int by_name;                   /* without zone_id: look the zone up by
	                                * name even if it has a hosted_zone_id (an
	                                * account zone's, from a listing that is
	                                * stale: that hosted zone was deleted) */

	/* ---- outputs, valid in done() until sync_free ---- */
	enum sync_status status;
	struct err err;                /* SYNC_FAILED / SYNC_UNSAFE: one line */
	int refreshed;                 /* the primary's zone was had: transferred, or
	                                * its serial not newer than prev_serial (an
	                                * SOA answer and a refused transfer is not:
	                                * the SOA expire clock keeps running) */
	int reconciled;                /* Route 53 was listed and now matches the
	                                * primary's zone (SYNC_OK, full plan, applied) */
	enum sync_route53 route53;
	uint32_t serial;               /* the primary's serial (0 before SOA/transfer) */
	int has_soa;                   /* a primary answered: soa is its SOA */
	struct rr_soa soa;             /* serial and timers (refresh, retry, expire:
	                                * RFC 1035 section 3.3.13) for the daemon */
	enum sync_xfer xfer;
	size_t xfer_rrs, xfer_bytes;   /* RRs and octets transferred */
	int incremental;               /* planned from the IXFR, or from an AXFR
	                                * compared with prev, without a listing */
	enum sync_basis {
		SYNC_BASIS_NONE,       /* no plan */
		SYNC_BASIS_LIST,       /* a full listing */
		SYNC_BASIS_PREV,       /* the zone kept from the last job */
		SYNC_BASIS_RECORD      /* the sync record (record_serial) */
	} basis;                       /* what the last plan compared with */
	uint32_t record_serial;        /* the record's serial, when one was read */
	struct plan plan;              /* the last plan (also printed by `plan`) */
	size_t applied[3];             /* record sets created, updated, deleted
	                                * (enum plan_kind), as Route 53 took them */
	size_t batches;                /* change batches Route 53 took */
	unsigned replans;              /* listings made again after a refusal or a
	                                * lost answer */
	size_t lost;                   /* change batches whose answer was lost: they
	                                * may have been applied, and are then in
	                                * Route 53 but not in applied[] */
	char **refused;                /* "name TYPE: Route 53's message", per set */
	size_t nrefused, refused_cap;
	char change_id[R53_MAX_ID];    /* the last batch's ChangeInfo Id, or "" */
	int insync;                    /* the wait saw INSYNC */
	int zone_gone;                 /* failed because Route 53 has no hosted zone
	                                * of zone_id (NoSuchHostedZone): an ID from
	                                * elsewhere (the account's listing) is stale */
	unsigned long calls[R53_API_COUNT]; /* API requests of this job, retries in */
	int64_t started_ms, ended_ms;  /* loop time */

	/* What to keep for the next job (the daemon) when status is SYNC_OK and
	 * nothing was a dry run: Route 53 now holds exactly synced (the
	 * primary's zone at synced_serial, heap; take it and set NULL, else
	 * sync_free frees it) with synced_soa as its SOA value (heap, same
	 * rule; NULL when unknown). NULL after a failure or a partial apply:
	 * the next job must start from scratch (no prev). */
	struct zone *synced;
	uint32_t synced_serial;
	char *synced_soa;
	int synced_partial;            /* synced has sets the plan left out as
	                                * conflicts: the next job's prev_partial;
	                                * no sync record is kept for it */
	/* A job that read a record and ended current hands the record over
	 * the same way; verify then says whether Route 53's SOA was checked
	 * (0) or not (1: lazy). */

	/* ---- private ---- */
	enum sync_step step;
	struct loop_timer kick;
	struct tsig_key key;
	struct cache_rec rec;          /* the record read, prev points into it */
	char apex[DNS_NAME_TEXT_MAX];  /* the zone's name in Route 53 text */
	struct xfr xfr;
	struct r53_op op;
	struct r53list list;
	struct zone *desired;          /* the primary's zone (heap) */
	struct zone_changes changes;   /* sets an IXFR changed */
	int have_list, retried_icb;
	int touched;                   /* Route 53 may no longer hold prev */
	size_t batch;                  /* next batch of plan to send */
	struct sync_range {
		size_t first, count;
	} *stack;                      /* bisection: ranges still to send */
	size_t nstack, stack_cap;
	size_t bisect_first, bisect_count; /* the range on the wire */
	int bisecting;
};

/* Start j: its inputs set, everything else zeroed (a fresh or sync_free'd
 * job). done() is called exactly once, later, from the loop. */
void sync_start(struct sync_job *j);

/* Stop a running job without calling done() (its transfer and Route 53
 * operation are withdrawn), then free it as sync_free. */
void sync_cancel(struct sync_job *j);

/* Release the outputs (plan, refused messages, synced zone if not taken)
 * and everything else the job holds; the job can be zeroed and started
 * again. */
void sync_free(struct sync_job *j);

/* The result line of a finished job, the same for `notify53 sync` (after
 * "ZONE: ") and the daemon's log (after "zone ZONE: "):
 *   serial N by AXFR, 12 created, 3 updated, 1 deleted in 2 batches;
 *       API calls: ListResourceRecordSets 1, ChangeResourceRecordSets 2; 0.42 s
 * with ", some refused" (Route 53 refused record sets: refused[]), ", some
 * not synced" (the plan left sets out: error notes), ", INSYNC" (--wait),
 * "; N more batches whose answer was lost (not counted)"; instead of the
 * counts "adopted from a peer", "passed: not the peer's serial N",
 * "serial N current", "dry run: would create N, update N, delete N in
 * N batches", "refused by the safety check (N to create, ...)" or "failed
 * after N created, N updated, N deleted" (the reason is err). Cut to fit
 * cap (at least 1); returns buf. SYNC_RESULT_MAX holds any of them: the
 * counts and every API call's name and count. */
#define SYNC_RESULT_MAX 512

/* A zone named with its hosted zone, the way every per-zone line of `plan`,
 * `sync` and the daemon names it:
 *   example.com. (private hosted zone Z0123456789ABC)
 *   example.com. (public hosted zone Z1D633PJN98FT9)
 *   example.com. (private hosted zone)     the ID not known (yet)
 *   example.com. (hosted zone Z1D633PJN98FT9)  kind CFG_ZONE_ANY
 *   example.com.                           neither known
 * (one zone name may stand for a public and a private hosted zone, Amazon
 * Route 53 Developer Guide, "Working with private hosted zones"). zone_id
 * may be NULL or "". Cut to fit cap (at least 1); returns buf. */
#define SYNC_ZONE_TEXT_MAX (DNS_NAME_TEXT_MAX + R53_MAX_ID + 32)
const char *sync_zone_text(const char *name, const char *zone_id, enum cfg_zone_kind kind,
    char *buf, size_t cap);

/* A Route 53 name in presentation form into buf[0..cap) (a copy of name
 * when it does not parse); returns buf. For the refused sets here, the
 * plan and `notify53 r53` in the CLI. */
const char *sync_name_text(const char *name, char *buf, size_t cap);

/* sync_zone_text of j's zone and the hosted zone it found or was given
 * (before that, the kind its config asks for). */
const char *sync_job_zone(const struct sync_job *j, char *buf, size_t cap);
const char *sync_result(const struct sync_job *j, char *buf, size_t cap);

#endif
