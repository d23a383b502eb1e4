/*
 * proc: what a daemon under procd, busybox init or systemd needs around its
 * loop: logging set-up, a pidfile, dropping root, and an atomically written
 * JSON state file.
 *
 * Start-up order (all of it before loop_run, since these calls block):
 *
 *   proc_log_setup(cfg, syslog_opt);
 *   proc_user_lookup(&u, cfg->user, cfg->group, e);  names resolved now
 *   proc_pidfile_write(path, &u, e);
 *   notify_bind(...);                                 port 53 as root
 *   proc_drop_privileges(&u, e);
 *   ... loop_run() ...
 *   proc_pidfile_remove(path);
 *
 * Running without root: either give the binary CAP_NET_BIND_SERVICE (setcap
 * cap_net_bind_service=+ep, or AmbientCapabilities= in a systemd unit), or
 * listen on a port above 1023 and point the primary's also-notify there
 * ("also-notify { 192.0.2.53 port 5353; };" in BIND).
 */
#ifndef NOTIFY53_PROC_H
#define NOTIFY53_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/cfg.h"
#include "base/err.h"
#include "base/fmt.h"

/* Send log lines to syslog when syslog_opt (the --syslog switch, for
 * busybox init whose start-stop-daemon -b discards stderr) or the config's
 * "syslog" is set, and log debug lines when the config's "debug" is set. */
void proc_log_setup(const struct cfg *c, int syslog_opt);

/* The account to run as, resolved before the loop starts (reading the
 * account files blocks). */
struct proc_user {
	int has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

/* The account files read: musl's getpwnam/getgrnam read the same ones
 * (and ask nscd, which routers and containers do not run). */
#define PROC_PASSWD_PATH "/etc/passwd"
#define PROC_GROUP_PATH "/etc/group"

/* Resolve user and group (names, or decimal IDs; either may be NULL) in
 * PROC_PASSWD_PATH and PROC_GROUP_PATH: a user name, else a decimal user
 * ID, finds its passwd entry; a user without a group runs with the entry's
 * primary group. A decimal ID without an entry is taken as it is (a user
 * then needs a group). Returns 0, or -1 with "user NAME does not exist" or
 * the like in e. */
int proc_user_lookup(struct proc_user *u, const char *user, const char *group, struct err *e);

/* proc_user_lookup with other account files (tests). */
int proc_user_lookup_in(struct proc_user *u, const char *user, const char *group,
    const char *passwd_path, const char *group_path, struct err *e);

/* Switch to u when running as root: setgroups (the one group), setgid,
 * setuid, in that order, then check that real and effective IDs changed
 * and that root cannot be regained. Returns 1 when switched, 0 when there
 * was nothing to do (not root, or no user or group configured), -1 with the
 * reason in e (the caller must then exit: never go on as root half-way). */
int proc_drop_privileges(const struct proc_user *u, struct err *e);

/* Write our PID to path atomically (a temporary file renamed over it).
 * Refused when path names a live process other than us: a process exists
 * with that PID and, where /proc tells, runs a program of our name (so a
 * PID reused by something else after a crash is taken as stale). owner
 * (may be NULL): when running as root, the file is given to that account,
 * so proc_pidfile_remove can still empty it after privileges are dropped.
 * Returns 0, or -1 with the reason in e. */
int proc_pidfile_write(const char *path, const struct proc_user *owner, struct err *e);

/* At exit: remove path when it still holds our PID; when the directory is
 * not writable any more (root-owned /var/run after dropping privileges),
 * empty the file instead (start-stop-daemon and procd treat that as no
 * process). */
void proc_pidfile_remove(const char *path);

/* ---- state file ---------------------------------------------------------- */

/* A named counter (API calls by operation, NOTIFY counters...). */
struct proc_state_count {
	const char *name;
	uint64_t value;
};

/* One zone's line in the state file; strings may be NULL (left out). */
struct proc_state_zone {
	const char *name;
	int has_primary_serial;
	uint32_t primary_serial;  /* the primary's SOA serial, last seen */
	int has_synced_serial;
	uint32_t synced_serial;   /* the serial Route 53 holds */
	int64_t last_sync;        /* seconds since the epoch, 0: never */
	const char *result;       /* of the last sync: "ok", "unchanged", ... */
	const char *error;        /* the last error message, NULL when none */
	const struct proc_state_count *counts; /* API call counts */
	size_t ncounts;
};

/* A document being built; private fields. The top-level members and the
 * zones are written to two memory streams, joined at commit, so counts and
 * zones may come in any order. */
struct proc_state {
	struct fmt_stream top, zones;
};

/* Start a document: {"time": now, "pid": N, "zones": {}}. Returns 0 (-1
 * is not returned: memory runs out only later, and commit says so). */
int proc_state_begin(struct proc_state *s, int64_t now);

/* Add {"group": {"name": value, ...}} at the top level. */
void proc_state_counts(struct proc_state *s, const char *group,
    const struct proc_state_count *counts, size_t n);

/* Add "zones": {"NAME": {"primary_serial", "synced_serial", "last_sync",
 * "result", "error", "api_calls": {...}}}; fields without a value are left
 * out. */
void proc_state_zone(struct proc_state *s, const struct proc_state_zone *z);

/* Write the document to path atomically (path.tmp, fsync, rename, so a
 * reader sees the old or the new file, never a part) and free it. Returns 0,
 * or -1 with the reason in e and path untouched. */
int proc_state_commit(struct proc_state *s, const char *path, struct err *e);

/* Free a document without writing it. */
void proc_state_abort(struct proc_state *s);

#endif
