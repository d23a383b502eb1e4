/*
 * daemon_sched: one zone's schedule in the daemon (src/daemon/daemon says
 * the policy): when a NOTIFY or a timer starts a job or is coalesced into
 * the pending one, when the next refresh, retry or reconcile is due, when
 * the expire alarm is said. Pure: no I/O; the time and a random number are
 * arguments, for test/test_daemon.c.
 */
#ifndef NOTIFY53_DAEMON_SCHED_H
#define NOTIFY53_DAEMON_SCHED_H

#include <stdint.h>

#include "config.h"
#include "codec/rr.h"

/* One zone's schedule. Times are loop milliseconds (loop_now()). */
struct daemon_sched {
	int known;                 /* an SOA has been seen: the timers below hold */
	uint32_t refresh, retry, expire; /* seconds, from the primary's SOA */
	int failures;              /* consecutive failed jobs */
	int64_t last_ok;           /* last successful refresh (start: zone creation) */
	int64_t last_full;         /* the last full job succeeded; -1: never */
	uint32_t spread;           /* how early the next reconcile comes (up to
	                            * DAEMON_RECONCILE_SPREAD_PERCENT): drawn by
	                            * the caller once per reconcile, so the
	                            * deadline stays put between refreshes */
	int expired;               /* the expire error has been logged */
	int running;               /* a job runs or waits for a slot */
	int pending, pending_full; /* one more job after it (full: a reconcile) */
};

/* A new schedule at loop time now: nothing known, a first (full) job due. */
void daemon_sched_init(struct daemon_sched *s, int64_t now);

/* delay_ms shortened by up to DAEMON_JITTER_PERCENT, rnd choosing how much
 * (never negative, never longer). */
int64_t daemon_jitter(int64_t delay_ms, uint32_t rnd);

/* A trigger (NOTIFY, timer; full: a reconcile). Returns 1 when a job is to
 * start now (s->running is then set), 0 when one is running and this one is
 * coalesced into the pending job. */
int daemon_sched_trigger(struct daemon_sched *s, int full);

/* A job ended at now: ok (the zone is in sync or current); soa: the
 * primary's SOA when one answered (its timers are taken), else NULL;
 * refreshed: the primary's zone was had (transferred, or the serial was
 * current), which restarts the expire clock (RFC 1035 section 3.3.13:
 * expire counts from the last successful refresh, so an SOA answer
 * followed by a refused transfer does not); was_full: it listed Route 53.
 * ok is 1 when the zone is in sync or current, 0 when the job failed, -1
 * when it tried nothing (the serial of the last failed try again): the
 * failures count stays. Returns 1 when the pending job is to start now
 * (*full set, s->running stays set), 0 when the zone is idle again; after a
 * failure a pending job is dropped (the retry timer decides). */
int daemon_sched_done(struct daemon_sched *s, int64_t now, int ok, const struct rr_soa *soa,
    int refreshed, int was_full, int *full);

/* Loop time of the next timer-started job of an idle zone, and whether it
 * is a reconcile (*full): the refresh check (retry after failures) or the
 * reconcile, whichever comes first; after failures never before the retry,
 * a due reconcile included. refresh_min and reconcile in seconds (cfg). */
int64_t daemon_sched_next(const struct daemon_sched *s, int64_t now, int refresh_min,
    int reconcile, uint32_t rnd, int *full);

/* 1 once when the zone has not been refreshed for the SOA expire time at
 * now (the caller logs it), else 0. Rearmed by the next refresh. */
int daemon_sched_expired(struct daemon_sched *s, int64_t now);

/* ---- HA pair (README "Running an HA pair") ---------------------------------------- */

/* One zone's coordination with the peers. The active daemon (peer_wait 0)
 * writes on a primary's NOTIFY at once and tells its peers the serial it
 * wrote (src/daemon/peer); a standby waits peer_wait for that word and
 * then takes the peer's serial as synced (an adopt job: SOA, IXFR, plan,
 * no API call); only if no word comes in time does it write itself. */
struct daemon_peer {
	int waiting;               /* a primary's NOTIFY waits for a peer's word */
	int64_t until;             /* ... until then: then this daemon writes */
	unsigned long seq;         /* primary NOTIFYs that made or extended the wait */
	int wait_has_serial;       /* every one of them had a serial hint ... */
	uint32_t wait_serial;      /* ... and this is the newest */
	int heard;                 /* a peer wrote peer_serial, not adopted yet */
	uint32_t peer_serial;
};

enum {
	DAEMON_PEER_NOW,  /* start a job now, as without peers */
	DAEMON_PEER_WAIT  /* wait for a peer's word until p->until (armed or kept) */
};

/* A primary's NOTIFY (has_serial: its SOA hint) at now, for a zone whose
 * kept state is at synced_serial (has_synced: there is one). wait_ms: the
 * config's peer_wait, 0 for the active daemon. NOW without a wait, without
 * kept state (only an AXFR and a listing could sync it: a peer's word does
 * not help), for a serial not newer than the synced one (a cheap SOA
 * check) or one a peer already wrote (its adopt job follows); else WAIT:
 * the first NOTIFY sets the deadline, later ones keep it. */
int daemon_peer_notify(struct daemon_peer *p, int64_t now, int64_t wait_ms, int has_synced,
    uint32_t synced_serial, int has_serial, uint32_t serial);

/* A peer's word: Route 53 holds the primary's zone at serial. Returns 1
 * when an adopt job is to be started (the zone has kept state older than
 * serial), else 0 (nothing to learn: no state, or already there). */
int daemon_peer_heard(struct daemon_peer *p, int has_synced, uint32_t synced_serial,
    uint32_t serial);

/* Is the job to start now an adopt job, and of which serial? 1 and *serial
 * when a peer's word is newer than the kept state. */
int daemon_peer_adopt(const struct daemon_peer *p, int has_synced, uint32_t synced_serial,
    uint32_t *serial);

/* An adopt job of a serial ended: adopted (1: the zone is now at serial) or
 * not (0: the primary had moved on, or its zone at that serial could not
 * be had incrementally: the word is dropped, the wait goes on). seq_start:
 * p->seq when the job started. Returns 1 when the wait is over (cancel the
 * timer): the adopted serial covers every NOTIFY waited for, because they
 * all came before the job asked the primary's SOA, or their hints are not
 * newer. */
int daemon_peer_adopted(struct daemon_peer *p, int adopted, uint32_t serial,
    unsigned long seq_start);

/* The zone is now at serial (a job of any kind ended): a peer's word not
 * newer than it is done with. */
void daemon_peer_synced(struct daemon_peer *p, uint32_t serial);

/* The wait ran out at its deadline: this daemon writes itself (the caller
 * starts a job). */
void daemon_peer_expired(struct daemon_peer *p);

#endif
