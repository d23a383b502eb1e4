/*
 * test_daemon: the daemon's pure decisions (src/daemon/daemon_sched.h, and
 * daemon_zone_same of src/daemon/daemon.h): jitter bounds, coalescing of
 * bursts into one running and one pending job, refresh and retry from the
 * SOA with their bounds, the reconcile deadline, the expire alarm said once
 * (counted from the last refresh, not the last SOA answer), which config
 * changes keep a zone's state, and an HA pair's waits and adoptions.
 */
#include <stdio.h>
#include <string.h>

#include "config/cfg.h"
#include "daemon/daemon.h"
#include "daemon/daemon_sched.h"
#include "base/log.h"
#include "tap.h"

#define S 1000 /* ms per second */

static struct rr_soa
soa(uint32_t serial, uint32_t refresh, uint32_t retry, uint32_t expire)
{
	struct rr_soa s;

	memset(&s, 0, sizeof s);
	s.serial = serial;
	s.refresh = refresh;
	s.retry = retry;
	s.expire = expire;
	s.minimum = 300;
	return s;
}

static void
test_jitter(void)
{
	int64_t lo = 10 * S, hi = 0;

	is_int(daemon_jitter(0, 12345), 0, "jitter: no delay stays none");
	is_int(daemon_jitter(-5, 12345), 0, "jitter: a negative delay becomes none");
	is_int(daemon_jitter(10 * S, 0), 10 * S, "jitter: rnd 0 keeps the delay");
	is_int(daemon_jitter(10 * S, 1000), 9 * S, "jitter: at most 10%% shorter");
	is_int(daemon_jitter(10 * S, 1001), 10 * S, "jitter: rnd wraps within the span");
	for (uint32_t r = 0; r < 100000; r += 7) {
		int64_t v = daemon_jitter(10 * S, r * 2654435761u);

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	ok(lo >= 9 * S && hi <= 10 * S && hi - lo > 900, "jitter: spread over [9 s, 10 s] (%lld..%lld)",
	    (long long)lo, (long long)hi);
	is_int(daemon_jitter(1, 0xffffffffu), 1, "jitter: 1 ms has no room for jitter");
	is_int(daemon_jitter((int64_t)DAEMON_REFRESH_MAX_S * S, 0), (int64_t)DAEMON_REFRESH_MAX_S * S,
	    "jitter: the longest refresh does not overflow");
}

static void
test_coalesce(void)
{
	struct daemon_sched s;
	struct rr_soa z = soa(1, 3600, 600, 86400);
	int full = -1, started = 0;

	daemon_sched_init(&s, 0);
	is_int(daemon_sched_trigger(&s, 0), 1, "coalesce: first trigger starts a job");
	for (int i = 0; i < 100; i++)
		started += daemon_sched_trigger(&s, 0);
	is_int(started, 0, "coalesce: 100 NOTIFYs during the job start nothing");
	ok(s.running && s.pending && !s.pending_full, "coalesce: one pending job");
	is_int(daemon_sched_done(&s, 1 * S, 1, &z, 1, 1, &full), 1,
	    "coalesce: the pending job follows");
	is_int(full, 0, "coalesce: not a reconcile");
	ok(s.running && !s.pending, "coalesce: running again, nothing pending");
	is_int(daemon_sched_done(&s, 2 * S, 1, &z, 1, 0, &full), 0, "coalesce: then idle");
	ok(!s.running, "coalesce: not running");

	/* A reconcile coalesced with NOTIFYs stays a reconcile. */
	daemon_sched_trigger(&s, 0);
	daemon_sched_trigger(&s, 0);
	daemon_sched_trigger(&s, 1);
	daemon_sched_trigger(&s, 0);
	is_int(daemon_sched_done(&s, 3 * S, 1, &z, 1, 0, &full), 1, "coalesce: pending after a mix");
	is_int(full, 1, "coalesce: a pending reconcile stays full");
	is_int(daemon_sched_done(&s, 4 * S, 1, &z, 1, 1, &full), 0, "coalesce: idle after it");
	is_int(full, 0, "coalesce: full cleared");
	is_int(s.last_full, 4 * S, "coalesce: the full job's time is kept");

	/* NOTIFYs during a job that fails: the retry timer decides, the
	 * pending job is dropped. */
	daemon_sched_trigger(&s, 0);
	daemon_sched_trigger(&s, 0);
	is_int(daemon_sched_done(&s, 5 * S, 0, &z, 0, 0, &full), 0,
	    "coalesce: no pending job after a failure");
	ok(!s.running && !s.pending && s.failures == 1, "coalesce: idle, one failure");
	/* A job that tried nothing (the failed serial again): the failures
	 * stay, for the retry backoff. */
	daemon_sched_trigger(&s, 0);
	daemon_sched_trigger(&s, 0);
	is_int(daemon_sched_done(&s, 6 * S, -1, &z, 0, 0, &full), 1,
	    "coalesce: nothing tried, the pending job follows");
	is_int(s.failures, 1, "coalesce: nothing tried: the failure count stays");
	is_int(daemon_sched_done(&s, 7 * S, -1, &z, 0, 0, &full), 0, "coalesce: idle");
	is_int(s.failures, 1, "coalesce: still one failure");
	is_int(s.last_full, 4 * S, "coalesce: nothing tried is not a full job");
}

static void
test_timers(void)
{
	struct daemon_sched s;
	struct rr_soa z = soa(1, 3600, 600, 86400);
	int full = -1;
	int64_t t;

	daemon_sched_init(&s, 0);
	is_int(s.last_full, -1, "timers: no full job yet");
	is_int(daemon_sched_next(&s, 5 * S, 60, 86400, 0, &full), 5 * S,
	    "timers: first job due at once");
	is_int(full, 1, "timers: the first job is full");

	/* Primary down since the start: no SOA to follow. */
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 10 * S, 0, NULL, 0, 0, &full);
	is_int(s.failures, 1, "timers: failure counted");
	t = daemon_sched_next(&s, 10 * S, 60, 86400, 0, &full);
	is_int(t, 10 * S + DAEMON_RETRY_UNKNOWN_S * S, "timers: retry before any SOA");
	t = daemon_sched_next(&s, 10 * S, 60, 86400, 0xffffffffu, &full);
	ok(t >= 10 * S + DAEMON_RETRY_UNKNOWN_S * S * 9 / 10 && t <= 10 * S +
	    DAEMON_RETRY_UNKNOWN_S * S, "timers: jitter within 10%%");

	/* Synced: refresh from the SOA, reconcile after a day. */
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 20 * S, 1, &z, 1, 1, &full);
	ok(s.known && s.refresh == 3600 && s.retry == 600 && s.expire == 86400,
	    "timers: SOA timers taken");
	is_int(s.failures, 0, "timers: failures reset");
	is_int(daemon_sched_next(&s, 20 * S, 60, 86400, 0, &full), 3620 * S, "timers: refresh");
	is_int(full, 0, "timers: a refresh is an SOA check");
	is_int(daemon_sched_next(&s, 20 * S, 7200, 86400, 0, &full), 7220 * S,
	    "timers: refresh_min is a lower bound");

	z = soa(2, 10, 5, 100);
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 30 * S, 1, &z, 1, 0, &full);
	is_int(daemon_sched_next(&s, 30 * S, 60, 86400, 0, &full), 90 * S,
	    "timers: SOA refresh below refresh_min raised to it");
	z = soa(3, 0xffffffffu, 0xffffffffu, 0xffffffffu);
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 40 * S, 1, &z, 1, 0, &full);
	is_int(daemon_sched_next(&s, 40 * S, 60, 365 * 86400, 0, &full),
	    40 * S + (int64_t)DAEMON_REFRESH_MAX_S * S, "timers: hostile refresh capped");

	/* Retry after failures: the SOA's retry, bounded. */
	z = soa(4, 3600, 600, 86400);
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 50 * S, 1, &z, 1, 0, &full);
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 60 * S, 0, NULL, 0, 0, &full);
	is_int(daemon_sched_next(&s, 60 * S, 60, 86400, 0, &full), 660 * S, "timers: SOA retry");
	s.retry = 1;
	is_int(daemon_sched_next(&s, 60 * S, 60, 86400, 0, &full), 60 * S + DAEMON_RETRY_MIN_S * S,
	    "timers: retry raised to DAEMON_RETRY_MIN_S");
	s.retry = 7200;
	is_int(daemon_sched_next(&s, 60 * S, 60, 86400, 0, &full), 3660 * S,
	    "timers: retry never later than a refresh");

	/* The reconcile comes first when it is due before the refresh. */
	daemon_sched_init(&s, 0);
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 0, 1, &z, 1, 1, &full);
	is_int(daemon_sched_next(&s, 85000 * S, 60, 86400, 0, &full), 86400 * S,
	    "timers: reconcile at last full + reconcile_interval");
	is_int(full, 1, "timers: it is full");
	is_int(daemon_sched_next(&s, 90000 * S, 60, 86400, 0, &full), 90000 * S,
	    "timers: an overdue reconcile is due now");
	is_int(daemon_sched_next(&s, 1000 * S, 60, 86400, 0, &full), 4600 * S,
	    "timers: refresh first when sooner");
	is_int(full, 0, "timers: that one is an SOA check");
	/* A failed reconcile does not count: still due, and tried again
	 * after the SOA's retry as any failed job (README: "after a failure,
	 * tries again after the SOA's retry interval"), not at once: a job
	 * that fails at once (a refused API call) would start again and
	 * again. */
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 86400 * S, 0, &z, 1, 0, &full);
	is_int(s.last_full, 0, "timers: a failed reconcile leaves last_full");
	t = daemon_sched_next(&s, 86400 * S, 60, 86400, 0, &full);
	ok(t == 87000 * S && full == 1, "timers: the reconcile is retried after the SOA retry "
	    "(%lld, full %d)", (long long)t, full);
	/* Once it worked, the next one is a reconcile_interval later. */
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 87000 * S, 1, &z, 1, 1, &full);
	t = daemon_sched_next(&s, 87000 * S, 60, 86400, 0, &full);
	ok(t == 90600 * S && full == 0, "timers: then the refresh (%lld, full %d)", (long long)t,
	    full);

	/* Spread: up to DAEMON_RECONCILE_SPREAD_PERCENT of the interval early,
	 * by the zone's own draw, the same whatever rnd a refresh brings. */
	daemon_sched_init(&s, 0);
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 0, 1, &z, 1, 1, &full);
	s.refresh = 86400;
	s.spread = 3600 * 1000;
	is_int(daemon_sched_next(&s, 80000 * S, 60, 86400, 0, &full), (86400 - 3600) * S,
	    "spread: the reconcile an hour early, as drawn");
	is_int(daemon_sched_next(&s, 80000 * S, 60, 86400, 0xffffffffu, &full), (86400 - 3600) * S,
	    "spread: another rnd does not move it");
	s.spread = 0xffffffffu;
	t = daemon_sched_next(&s, 40000 * S, 60, 86400, 0, &full);
	ok(full && t >= (int64_t)86400 * S * (100 - DAEMON_RECONCILE_SPREAD_PERCENT) / 100 &&
	    t <= 86400 * S,
	    "spread: never earlier than %d%% of the interval (%lld)",
	    100 - DAEMON_RECONCILE_SPREAD_PERCENT, (long long)t);
}

static void
test_expire(void)
{
	struct daemon_sched s;
	struct rr_soa z = soa(1, 60, 10, 100);
	int full;

	daemon_sched_init(&s, 0);
	is_int(daemon_sched_expired(&s, 1000 * S), 0, "expire: nothing known, no alarm");
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 0, 1, &z, 1, 1, &full);
	is_int(daemon_sched_expired(&s, 500 * S), 0, "expire: no alarm while jobs succeed");
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 99 * S, 0, NULL, 0, 0, &full);
	is_int(daemon_sched_expired(&s, 99 * S), 0, "expire: not before expire");
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 100 * S, 0, NULL, 0, 0, &full);
	is_int(daemon_sched_expired(&s, 100 * S), 1, "expire: alarm at expire");
	is_int(daemon_sched_expired(&s, 200 * S), 0, "expire: said once");
	/* A failure after the primary answered (Route 53 down) is no expiry. */
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 300 * S, 0, &z, 1, 0, &full);
	is_int(s.expired, 0, "expire: rearmed by a refresh");
	is_int(daemon_sched_expired(&s, 300 * S), 0, "expire: no alarm after a refresh");
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 450 * S, 0, NULL, 0, 0, &full);
	is_int(daemon_sched_expired(&s, 450 * S), 1, "expire: alarm again after a new outage");

	/* The primary answers the SOA query but refuses the transfer: its
	 * timers are taken, the zone is not refreshed. */
	daemon_sched_init(&s, 0);
	daemon_sched_trigger(&s, 1);
	daemon_sched_done(&s, 0, 1, &z, 1, 1, &full);
	z = soa(2, 60, 20, 200);
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 150 * S, 0, &z, 0, 0, &full);
	ok(s.retry == 20 && s.expire == 200 && s.last_ok == 0,
	    "expire: SOA timers taken, refresh time kept");
	is_int(daemon_sched_expired(&s, 150 * S), 0, "expire: not before the new expire");
	daemon_sched_trigger(&s, 0);
	daemon_sched_done(&s, 200 * S, 0, &z, 0, 0, &full);
	is_int(daemon_sched_expired(&s, 200 * S), 1, "expire: SOA answers without a transfer expire");
}

static const char base[] =
    "{\"tsig_keys\": {\"k\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"%s\"}},"
    " \"notify_servers\": [\"192.0.2.53\"],"
    " \"zones\": [{\"name\": \"Example.COM\", \"primaries\": [%s], \"tsig_key\": \"k\","
    " \"hosted_zone_id\": \"%s\", \"ignore\": [{\"name\": \"%s\", \"type\": \"TXT\"}]%s}]}";

static int
same(const char *secret, const char *prim, const char *id, const char *ign, const char *more)
{
	struct cfg a, b;
	struct err e = { 0 };
	char ja[1024], jb[1024];
	int rc = -1;

	snprintf(ja, sizeof ja, base, "c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "\"192.0.2.1\"", "Z1", "x",
	    "");
	snprintf(jb, sizeof jb, base, secret, prim, id, ign, more);
	if (cfg_parse(&a, ja, "a.json", &e) < 0) {
		diag("a: %s", e.msg);
		return -1;
	}
	if (cfg_parse(&b, jb, "b.json", &e) < 0) {
		diag("b: %s", e.msg);
		cfg_free(&a);
		return -1;
	}
	if (a.nzones == 1 && b.nzones == 1)
		rc = daemon_zone_same(&a.zones[0], &b.zones[0]);
	cfg_free(&a);
	cfg_free(&b);
	return rc;
}

static void
test_same(void)
{
	const char *sec = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=", *p1 = "\"192.0.2.1\"";

	is_int(same(sec, p1, "Z1", "x", ""), 1, "same: identical zone (name case aside)");
	is_int(same(sec, "\"192.0.2.1:53\"", "Z1", "x", ""), 1, "same: explicit default port");
	is_int(same(sec, "\"192.0.2.2\"", "Z1", "x", ""), 0, "same: other primary");
	is_int(same(sec, "\"192.0.2.1\", \"192.0.2.2\"", "Z1", "x", ""), 0, "same: primary added");
	is_int(same(sec, "\"192.0.2.1:5353\"", "Z1", "x", ""), 0, "same: other port");
	is_int(same("b3RoZXItc2VjcmV0LW90aGVyLXNl", p1, "Z1", "x", ""), 0, "same: key secret");
	is_int(same(sec, p1, "Z2", "x", ""), 0, "same: hosted zone ID");
	is_int(same(sec, p1, "Z1", "y", ""), 0, "same: ignore rule");
	is_int(same(sec, p1, "Z1", "x", ", \"private\": true"), 0, "same: private");
	is_int(same(sec, p1, "Z1", "x", ", \"sync_soa\": false"), 0, "same: sync_soa");
}

/* A standby waits for 11, hears of 11, its adopt job starts, then a
 * primary NOTIFY (has_serial, serial) comes, then the job adopts 11: does
 * the wait end? want_waiting: the wait must still be on when it does not. */
static int
adopt_after_notify(int has_serial, uint32_t serial, int want_waiting)
{
	struct daemon_peer p;
	unsigned long seq;
	int over;

	memset(&p, 0, sizeof p);
	daemon_peer_notify(&p, 0, 5 * S, 1, 10, 1, 11);
	daemon_peer_heard(&p, 1, 10, 11);
	seq = p.seq;
	daemon_peer_notify(&p, 1 * S, 5 * S, 1, 10, has_serial, serial);
	over = daemon_peer_adopted(&p, 1, 11, seq);
	if (p.waiting != want_waiting)
		return -1;
	return over;
}

/* HA pair: when a standby waits for its peer, what a peer's word starts,
 * and when an adopted serial ends the wait. */
static void
test_peer(void)
{
	struct daemon_peer p;
	uint32_t serial = 0;

	memset(&p, 0, sizeof p);
	is_int(daemon_peer_notify(&p, 0, 0, 1, 10, 1, 11), DAEMON_PEER_NOW,
	    "peer: the active daemon (peer_wait 0) writes at once");
	is_int(daemon_peer_notify(&p, 0, 5 * S, 0, 0, 1, 11), DAEMON_PEER_NOW,
	    "peer: without kept state a standby syncs at once (a word cannot help)");
	is_int(daemon_peer_notify(&p, 0, 5 * S, 1, 10, 1, 10), DAEMON_PEER_NOW,
	    "peer: a serial already synced costs an SOA check at once");
	is_int(daemon_peer_notify(&p, 0, 5 * S, 1, 10, 1, 9), DAEMON_PEER_NOW,
	    "peer: an older serial too");
	is_int(p.waiting, 0, "peer: none of these waits");

	is_int(daemon_peer_notify(&p, 1 * S, 5 * S, 1, 10, 1, 11), DAEMON_PEER_WAIT,
	    "peer: a standby waits for a newer serial");
	is_int(p.until, 6 * S, "peer: until now + peer_wait");
	is_int(daemon_peer_notify(&p, 3 * S, 5 * S, 1, 10, 1, 12), DAEMON_PEER_WAIT,
	    "peer: a second NOTIFY waits too");
	is_int(p.until, 6 * S, "peer: ... and keeps the deadline (a storm cannot hold it off)");
	is_int(p.wait_serial, 12, "peer: the newest hinted serial is kept");

	is_int(daemon_peer_heard(&p, 0, 0, 12), 0, "peer: a word is no use without kept state");
	is_int(daemon_peer_heard(&p, 1, 12, 12), 0, "peer: a word of the synced serial: nothing");
	is_int(daemon_peer_heard(&p, 1, 10, 11), 1, "peer: a word of a newer serial starts a job");
	is_int(daemon_peer_heard(&p, 1, 10, 12), 1, "peer: and a newer one again");
	is_int(daemon_peer_heard(&p, 1, 10, 11), 1, "peer: an older word after it ...");
	is_int(daemon_peer_adopt(&p, 1, 10, &serial), 1, "peer: the job adopts");
	is_int(serial, 12, "peer: ... the newest serial the peer wrote");
	is_int(daemon_peer_adopt(&p, 1, 12, &serial), 0, "peer: not once synced at it");
	is_int(daemon_peer_adopt(&p, 0, 0, &serial), 0, "peer: not without kept state");
	is_int(daemon_peer_notify(&p, 4 * S, 5 * S, 1, 10, 1, 12), DAEMON_PEER_NOW,
	    "peer: a NOTIFY of a serial a peer wrote goes to its adopt job at once");

	/* The adopt job of 12 started after the two NOTIFYs: it covers them. */
	is_int(daemon_peer_adopted(&p, 1, 12, p.seq), 1, "peer: adopted: the wait is over");
	is_int(p.waiting, 0, "peer: not waiting");
	is_int(p.heard, 0, "peer: the word is used");

	/* A NOTIFY after the adopt job of 11 started: with no hint the
	 * primary may be past 11, so the wait goes on; hinting 11, it is over. */
	is_int(adopt_after_notify(0, 0, 1), 0,
	    "peer: a NOTIFY during the adopt job, no hint: still waiting");
	is_int(adopt_after_notify(1, 11, 0), 1,
	    "peer: a NOTIFY during the job hinting the adopted serial: the wait is over");
	memset(&p, 0, sizeof p);
	daemon_peer_notify(&p, 0, 5 * S, 1, 10, 1, 12);
	daemon_peer_heard(&p, 1, 10, 11);
	is_int(daemon_peer_adopted(&p, 1, 11, p.seq - 1), 0,
	    "peer: the hint is newer than the adopted serial: still waiting");
	is_int(daemon_peer_adopted(&p, 0, 11, p.seq), 0, "peer: not adopted: still waiting");
	is_int(p.heard, 0, "peer: not adopted: the word is dropped (no loop of adopt jobs)");
	daemon_peer_expired(&p);
	is_int(p.waiting, 0, "peer: the deadline passed: this daemon writes");
	is_int(daemon_peer_notify(&p, 9 * S, 5 * S, 1, 10, 1, 13), DAEMON_PEER_WAIT,
	    "peer: the next change waits again");
	is_int(p.until, 14 * S, "peer: with a new deadline");

	/* The standby wrote 20 itself while the word of 20 came: done with. */
	memset(&p, 0, sizeof p);
	daemon_peer_heard(&p, 1, 19, 20);
	daemon_peer_synced(&p, 19);
	is_int(p.heard, 1, "peer: a word newer than the synced serial stays");
	daemon_peer_synced(&p, 20);
	is_int(p.heard, 0, "peer: synced at the word's serial by the daemon's own job: done with");

	/* RFC 1982 across the wrap. */
	memset(&p, 0, sizeof p);
	is_int(daemon_peer_heard(&p, 1, 0xfffffff0u, 5), 1, "peer: a word across the serial wrap");
	is_int(daemon_peer_adopt(&p, 1, 0xfffffff0u, &serial) && serial == 5, 1,
	    "peer: adopts across the wrap");
}

int
main(void)
{
	log_set_level(LOG_LEVEL_ERR);
	test_jitter();
	test_coalesce();
	test_timers();
	test_expire();
	test_same();
	test_peer();
	return tap_done();
}
