/*
 * daemon: `notify53 daemon`, Route 53 as a secondary (RFC 1996: the zone
 * follows its primary on NOTIFY and on the SOA timers). One poll
 * loop runs the NOTIFY listener (src/dns/notify), every zone's schedule and the
 * sync jobs (src/sync/sync) that share one Route 53 client (src/aws/r53).
 *
 * Per zone the daemon keeps what the last sync left: the zone as Route 53
 * holds it (sync_job.synced), its serial and SOA value, the hosted zone ID,
 * the primary's SOA timers, counters and the last result. A NOTIFY or a
 * timer starts a job with that state, so an unchanged serial costs one SOA
 * query and a newer one an IXFR, an incremental plan and one
 * ChangeResourceRecordSets with no listing.
 *
 * Every job asks the SOA first. A zone whose last try did not leave Route
 * 53 in sync (it failed, the safety check refused it, a set was refused or
 * left out) keeps that try's serial: a NOTIFY of the same serial again costs
 * that SOA query and nothing more, and leaves the retry (or refresh) timer
 * where it was, so a storm of NOTIFYs, spoofed or not, neither repeats a
 * transfer and a listing nor moves the retry backoff. Only a newer serial,
 * or the timer, tries again.
 *
 * Every job asks the SOA first. A zone whose last try did not leave Route
 * 53 in sync (it failed, the safety check refused it, a set was refused or
 * left out) keeps that try's serial: a NOTIFY of the same serial again costs
 * that SOA query and nothing more, and leaves the retry (or refresh) timer
 * where it was, so a storm of NOTIFYs, spoofed or not, neither repeats a
 * transfer and a listing nor moves the retry backoff. Only a newer serial,
 * or the timer, tries again.
 *
 *   coalescing   at most one job running and one pending per zone: any
 *                number of NOTIFYs during a job make one more job after it
 *                (a pending reconcile stays a reconcile)
 *   refresh      SOA refresh, at least refresh_min (the original tool's
 *                zone_refresh_wait_interval), at most DAEMON_REFRESH_MAX_S
 *   retry        after a failed job: SOA retry within DAEMON_RETRY_MIN_S ..
 *                the refresh interval; DAEMON_RETRY_UNKNOWN_S before any
 *                SOA was seen (RFC 1035 section 3.3.13, RFC 1996 section 4)
 *   expire       when the zone has not been refreshed from a primary (SOA
 *                and transfer, or a current serial) for the SOA expire time
 *                an error is logged once (and again after it recovers and
 *                is lost again); Route 53 keeps serving its data: nothing is
 *                deleted for a primary that is away
 *   reconcile    every reconcile_interval a full job (list Route 53 and
 *                diff) repairs drift made by others; the first job of every
 *                zone after start-up is full (AXFR and listing)
 *   jitter       every delay is shortened by up to DAEMON_JITTER_PERCENT so
 *                zones loaded together spread out, never checked later than
 *                their SOA asks
 *   slots        DAEMON_MAX_JOBS jobs run at once (each holds a transfer
 *                socket and its zone's plan); other due zones wait in FIFO
 *                order. Route 53 requests go out one at a time anyway.
 *
 * The job says what Route 53 holds when it ends (sync_job.route53): the
 * synced zone is kept; when it is no longer known (a partial apply, a batch
 * whose fate is unknown, a listing that may show drift) the kept zone is
 * dropped and the next job transfers by AXFR and lists the hosted zone; a
 * job that changed and listed nothing (primary down, an API error before
 * any change) leaves it: Route 53 still holds it. Each job ends with one
 * log line, the same as `notify53 sync` prints (sync_result).
 *
 * Signals (through the loop's self-pipe): SIGHUP reloads the config (see
 * daemon_zone_same for what keeps a zone's state), SIGTERM and SIGINT stop
 * (listener closed, running jobs cancelled: a change batch already written
 * may still be applied by Route 53, none is cut in half or started), SIGUSR1
 * logs one line per zone.
 *
 * HA pair (README "Running an HA pair"): after a job that wrote the zone to
 * Route 53 (SYNC_OK, synced) the daemon tells cfg->peers the serial
 * (src/daemon/peer). A peer's word for a zone with kept state older than it
 * starts an adopt job (sync_job.adopt), which takes the serial as synced
 * with no API call. With peer_wait, a primary's NOTIFY of a newer serial
 * arms the zone's wait timer instead of starting a job; an adoption that
 * covers every NOTIFY waited for cancels it; when it runs out the daemon
 * writes itself. The decisions are daemon_sched's daemon_peer_*.
 *
 * The scheduling decisions behind coalescing, refresh, retry, expire,
 * reconcile and jitter are pure functions of src/daemon/daemon_sched; this
 * module is the process around them: config generations, the zone table,
 * job slots, NOTIFY, signals, the state file.
 */
#ifndef NOTIFY53_DAEMON_H
#define NOTIFY53_DAEMON_H

#include "config/cfg.h"

/* Do a and b describe the same zone to sync (name, primaries, TSIG key,
 * hosted zone ID and kind, ignore rules, sync_soa)? Such a zone keeps its
 * state across a reload; any difference starts it afresh. */
int daemon_zone_same(const struct cfg_zone *a, const struct cfg_zone *b);

/* ---- the daemon ------------------------------------------------------------------ */

/* Options of the command line. */
struct daemon_opts {
	const char *cfg_path;
	const char *pidfile;  /* --pidfile, else the config's pidfile (or none) */
	int verbose;          /* -v: debug logs */
	int syslog;           /* --syslog */
};

/* Run the daemon until SIGTERM or SIGINT: load the config, set up logging,
 * resolve user and group, write the pidfile, bind the NOTIFY sockets, drop
 * privileges, list the account when domains_to_manage_from_aws, log
 * "daemon: ready" and loop. Returns the exit status (0 after a signal, 1
 * when start-up failed, with one line saying why). */
int daemon_run(const struct daemon_opts *o);

#endif
