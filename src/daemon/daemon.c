#include "daemon/daemon.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/acct.h"
#include "base/fmt.h"
#include "base/rnd.h"
#include "base/log.h"
#include "base/loop.h"
#include "base/sort.h"
#include "base/str.h"
#include "dns/notify.h"
#include "daemon/daemon_sched.h"
#include "daemon/peer.h"
#include "daemon/proc.h"
#include "daemon/sdnotify.h"
#include "aws/r53.h"
#include "sync/cache.h"
#include "sync/sync.h"
#include "dns/zone.h"

/* Both NULL, or equal strings. */
static int
str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A log line about the zone called name ("zone NAME: ..."), or, with name
 * NULL, about the daemon ("daemon: ..."). */
static void __attribute__((format(printf, 3, 4)))
say(enum log_level level, const char *name, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	if (level > log_get_level())
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (name)
		log_msg(level, "zone %s: %s", name, text);
	else
		log_msg(level, "daemon: %s", text);
}

/* Decimal text of v in one of two static buffers (slot 0 or 1). */
static const char *
u32(uint32_t v, int slot)
{
	static char buf[2][12];

	fmt_snprintf(buf[slot], sizeof buf[slot], "%lu", (unsigned long)v);
	return buf[slot];
}

int
daemon_zone_same(const struct cfg_zone *a, const struct cfg_zone *b)
{
	if (!str_same(a->name, b->name) || a->nprimaries != b->nprimaries ||
	    !str_same(a->hosted_zone_id, b->hosted_zone_id) || a->kind != b->kind ||
	    a->sync_soa != b->sync_soa || a->nignore != b->nignore || !a->tsig != !b->tsig)
		return 0;
	for (int i = 0; i < a->nprimaries; i++)
		if (!net_addr_equal(&a->primaries[i], &b->primaries[i]))
			return 0;
	if (a->tsig && (!str_same(a->tsig->name, b->tsig->name) ||
	    !str_same(a->tsig->algorithm, b->tsig->algorithm) ||
	    !str_same(a->tsig->secret, b->tsig->secret)))
		return 0;
	for (int i = 0; i < a->nignore; i++) {
		const struct cfg_ignore *x = &a->ignore[i], *y = &b->ignore[i];

		if (!str_same(x->name, y->name) || x->ntypes != y->ntypes ||
		    memcmp(x->types, y->types, (size_t)x->ntypes * sizeof x->types[0]))
			return 0;
	}
	return 1;
}

/* ---- the daemon's state ------------------------------------------------------------- */

/* One loaded configuration with the zones learnt from the account. It lives
 * while it is the current one or a job started under it still runs (the
 * job's cfg_zone points into it). */
struct gen {
	struct cfg cfg;
	struct cfg_zone *aws;
	size_t naws;
	const struct cfg_zone **index; /* file and account zones, by name */
	unsigned char *from_aws;       /* per index entry: an account zone */
	size_t nindex;
	unsigned refs;
	const char *cache;             /* sync records' directory, or NULL */
	struct r53_zone *listed;       /* the account's hosted zones, when listed */
	size_t nlisted;
};

/* One zone: its schedule, the state kept from the last sync, counters. */
struct dzone {
	struct daemon_sched s;
	const struct cfg_zone *cz;   /* in d->gen */
	int from_aws;                /* its hosted zone ID comes from the account's listing */
	int aws_id_gone;             /* ... and that hosted zone was deleted: found by name */
	struct sync_job *job;        /* running, or NULL */
	struct gen *job_gen;         /* the generation job->zone belongs to */
	struct dzone *qnext;         /* waiting for a job slot */
	int queued, next_full;       /* in the queue; the job it waits for is full */
	struct loop_timer timer;
	int timer_full;
	int timer_kick;              /* the timer triggered the job to come */
	/* The primary's serial when the last job tried and did not leave
	 * Route 53 in sync (failed, refused, partial, or a plan with errors):
	 * a NOTIFY of it again costs one SOA query (sync_job.tried). */
	int tried;
	uint32_t tried_serial;
	/* What Route 53 holds, as far as we know (sync_job.synced). */
	struct zone *synced;
	uint32_t synced_serial;
	char *synced_soa;
	int synced_partial;          /* sync_job.synced_partial */
	int unverified;              /* synced is a sync record whose SOA Route 53
	                              * has not been asked for yet (sync_job.verify) */
	int64_t last_full;           /* when Route 53 was listed for synced, seconds
	                              * since the epoch (sync_job.last_full) */
	char zone_id[R53_MAX_ID];
	char listed_id[R53_MAX_ID];  /* found in the account's listing, or "" */
	int listed_private;          /* ... a private hosted zone */
	int zone_private;            /* with zone_id: sync_job.zone_private */
	/* Its name in the log and the state file: the zone's name, or with
	 * the hosted zone its entry asks for when the name has several
	 * entries (sync_zone_text), so each entry has its own. */
	char label[SYNC_ZONE_TEXT_MAX];
	/* For the state file and SIGUSR1. */
	int has_primary_serial;
	uint32_t primary_serial;
	int64_t last_sync;           /* seconds since the epoch, 0: never */
	const char *result;          /* sync_status_name of the last job, or NULL */
	char error[ERR_MSG_MAX];     /* of the last job, "" when it did not fail */
	unsigned long calls[R53_API_COUNT];
	unsigned long notifies, jobs;
	/* HA pair: the wait for a peer's word, and p.seq when the running
	 * adopt job started. */
	struct daemon_peer peer;
	struct loop_timer wait_timer;
	unsigned long adopt_seq;
};

/* The daemon's state, on the heap (daemon_run): with the r53 client's TLS
 * buffers it is over 200 KB, which static storage would add to every
 * command's memory and to the image (AArch64 releases are linked with
 * -mcmodel=tiny: code and data within 1 MB). */
static struct daemon_state {
	const struct daemon_opts *o;
	char *pidfile;                 /* heap: outlives the configurations */
	struct gen *gen;               /* current */
	struct dzone **zones;          /* by name, as d->gen->index */
	size_t nzones;
	struct r53 r53;
	struct notify notify;
	int notify_inited;
	struct peer peers;             /* NOTIFYs to the HA peers */
	struct dzone *qhead, *qtail;   /* zones waiting for a job slot */
	size_t running;                /* jobs running */
	struct r53_op list_op;         /* the account's listing */
	struct gen *loading;           /* the generation it is for */
	int reload_again;              /* SIGHUP during a listing */
	struct loop_timer state_timer;
	int64_t state_last;
	int state_failed;              /* a write failed: said once until it works */
	int stopping;
	int applying;                  /* zones_apply: queue jobs, start none */
	int failed;                    /* start-up failed inside the loop */
} *d;

static void
gen_free(struct gen *g)
{
	if (!g)
		return;
	cfg_free(&g->cfg);
	acct_zones_free(g->aws, g->naws);
	for (size_t i = 0; i < g->nlisted; i++)
		free(g->listed[i].name);
	free(g->listed);
	free(g->index);
	free(g->from_aws);
	free(g);
}

static void
gen_put(struct gen *g)
{
	if (g && !--g->refs)
		gen_free(g);
}

/* Entries by name, then (one name for several hosted zones: a public and a
 * private one in the account, or one entry per view of the primary) by
 * hosted zone ID and kind, which tell entries of one name apart (cfg.c
 * refuses two entries equal in both), so a reload pairs them up the same
 * way. */
static int
entry_same(const struct cfg_zone *x, const struct cfg_zone *y)
{
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (!x->hosted_zone_id != !y->hosted_zone_id)
		return x->hosted_zone_id ? 1 : -1;
	if (x->hosted_zone_id && (c = strcmp(x->hosted_zone_id, y->hosted_zone_id)))
		return c;
	return (int)x->kind - (int)y->kind;
}

static int
entry_cmp(const void *a, const void *b)
{
	return entry_same(*(const struct cfg_zone *const *)a, *(const struct cfg_zone *const *)b);
}

/* g->index: the file's zones and the account's, by name. Returns 0, or -1
 * (out of memory). */
static int
gen_index(struct gen *g)
{
	size_t n = (size_t)g->cfg.nzones + g->naws, k = 0;
	/* An account zone is one of g->aws[]: its address tells. */
	uintptr_t aws = (uintptr_t)g->aws, aws_end = aws + g->naws * sizeof *g->aws;

	g->index = calloc(n + 1, sizeof *g->index);
	g->from_aws = calloc(n + 1, 1);
	if (!g->index || !g->from_aws)
		return -1;
	for (int i = 0; i < g->cfg.nzones; i++)
		g->index[k++] = &g->cfg.zones[i];
	for (size_t i = 0; i < g->naws; i++)
		g->index[k++] = &g->aws[i];
	sort(g->index, n, sizeof *g->index, entry_cmp);
	for (k = 0; k < n; k++)
		g->from_aws[k] = (uintptr_t)g->index[k] - aws < aws_end - aws;
	g->nindex = n;
	return 0;
}

/* The zones called name (lower-case presentation form with the dot):
 * d->zones[first..*end), first returned; none when first == *end. */
static size_t
zone_lookup(const char *name, size_t *end)
{
	size_t lo = 0, hi = d->nzones;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(d->zones[mid]->cz->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < d->nzones && !strcmp(d->zones[hi]->cz->name, name); hi++)
		;
	*end = hi;
	return lo;
}

static void
drop_kept(struct dzone *z)
{
	if (z->synced) {
		zone_free(z->synced);
		free(z->synced);
		z->synced = NULL;
	}
	free(z->synced_soa);
	z->synced_soa = NULL;
	z->synced_partial = 0;
}

/* The hosted zone ID a job may trust without checking: the account's
 * listing gave it. A configured hosted_zone_id is checked by the first job
 * (GetHostedZone), and found again after a failure (the zone may have been
 * deleted and made anew). */
static void
zone_id_reset(struct dzone *z)
{
	z->zone_id[0] = 0;
	if (z->from_aws && !z->aws_id_gone) {
		str_copy(z->zone_id, sizeof z->zone_id, z->cz->hosted_zone_id);
		z->zone_private = z->cz->kind == CFG_ZONE_PRIVATE;
	} else if (z->listed_id[0]) {
		memcpy(z->zone_id, z->listed_id, sizeof z->zone_id);
		z->zone_private = z->listed_private;
	}
}

/* z waits for a job slot (after the zones already waiting). */
static void
enqueue(struct dzone *z, int full)
{
	z->next_full = full;
	z->queued = 1;
	z->qnext = NULL;
	if (d->qtail)
		d->qtail->qnext = z;
	else
		d->qhead = z;
	d->qtail = z;
}

static void
unqueue(struct dzone *z)
{
	struct dzone **p = &d->qhead, *prev = NULL;

	if (!z->queued)
		return;
	while (*p && *p != z) {
		prev = *p;
		p = &(*p)->qnext;
	}
	if (*p)
		*p = z->qnext;
	if (d->qtail == z)
		d->qtail = prev;
	z->qnext = NULL;
	z->queued = 0;
}

/* Stop everything of z (a running job is cancelled) and free it. */
static void
zone_destroy(struct dzone *z)
{
	if (z->job) {
		sync_cancel(z->job);
		free(z->job);
		z->job = NULL;
		gen_put(z->job_gen);
		d->running--;
	}
	unqueue(z);
	loop_timer_cancel(&z->timer);
	loop_timer_cancel(&z->wait_timer);
	drop_kept(z);
	free(z);
}

/* ---- state file ---------------------------------------------------------------------- */

/* counts[] from calls[]: the calls made, by name. Returns how many. */
static size_t
call_counts(struct proc_state_count *counts, const unsigned long *calls)
{
	size_t n = 0;

	for (int a = 0; a < R53_API_COUNT; a++)
		if (calls[a]) {
			counts[n].name = r53_api_name((enum r53_api)a);
			counts[n++].value = calls[a];
		}
	return n;
}

static void
state_write(void)
{
	struct proc_state st;
	struct proc_state_count api[R53_API_COUNT];
	const struct notify_stats *ns = notify_stats(&d->notify);
	struct proc_state_count nc[] = {
		{ "accepted", ns->accepted }, { "refused", ns->refused },
		{ "formerr", ns->formerr }, { "tsig_failed", ns->tsig_failed },
		{ "dropped_acl", ns->dropped_acl }, { "dropped_rate", ns->dropped_rate },
		{ "dropped_bad", ns->dropped_bad },
	};
	struct err e = { 0 };

	if (proc_state_begin(&st, (int64_t)time(NULL)) < 0) {
		log_err("state file %s: out of memory", d->gen->cfg.state_file);
		return;
	}
	proc_state_counts(&st, "api_calls", api, call_counts(api, d->r53.calls));
	proc_state_counts(&st, "notify", nc, sizeof nc / sizeof nc[0]);
	for (size_t i = 0; i < d->nzones; i++) {
		struct dzone *z = d->zones[i];
		struct proc_state_count zc[R53_API_COUNT];
		struct proc_state_zone sz = { 0 };

		sz.name = z->label;
		sz.has_primary_serial = z->has_primary_serial;
		sz.primary_serial = z->primary_serial;
		sz.has_synced_serial = z->synced != NULL;
		sz.synced_serial = z->synced_serial;
		sz.last_sync = z->last_sync;
		sz.result = z->result;
		sz.error = z->error[0] ? z->error : NULL;
		sz.counts = zc;
		sz.ncounts = call_counts(zc, z->calls);
		proc_state_zone(&st, &sz);
	}
	if (proc_state_commit(&st, d->gen->cfg.state_file, &e) < 0) {
		if (!d->state_failed)
			log_err("state file: %s", e.msg);
		d->state_failed = 1;
	} else {
		d->state_failed = 0;
	}
}

/* Tell the service manager state, with the zones' counts as STATUS=. */
static void
sd_state(enum sdnotify_state state)
{
	char text[128];
	size_t synced = 0, failing = 0;

	for (size_t i = 0; i < d->nzones; i++) {
		if (d->zones[i]->error[0])
			failing++;
		else if (d->zones[i]->last_sync)
			synced++;
	}
	fmt_snprintf(text, sizeof text, "%zu zones: %zu in sync, %zu failing, %zu not synced yet",
	    d->nzones, synced, failing, d->nzones - synced - failing);
	sdnotify(state, text);
}

static void
state_due(struct loop_timer *t)
{
	(void)t;
	d->state_last = loop_now();
	if (d->gen->cfg.state_file)
		state_write();
	sd_state(SDNOTIFY_STATUS);
}

/* The state changed: write it (and tell the service manager) soon, at most
 * every DAEMON_STATE_WRITE_MS (with thousands of zones, a write per job
 * would cost O(zones) each). */
static void
state_mark(void)
{
	int64_t at = d->state_last + DAEMON_STATE_WRITE_MS;

	if (d->state_timer.armed)
		return;
	loop_timer_at(&d->state_timer, at > loop_now() ? at : loop_now());
}

/* ---- jobs ------------------------------------------------------------------------------- */

static void kick(struct dzone *z, int full);

static void
schedule(struct dzone *z)
{
	int64_t at = daemon_sched_next(&z->s, loop_now(), d->gen->cfg.refresh_min,
	    d->gen->cfg.reconcile_interval, rnd_u32(), &z->timer_full);

	loop_timer_at(&z->timer, at);
}

static void
timer_due(struct loop_timer *t)
{
	struct dzone *z = LOOP_CONTAINER_OF(t, struct dzone, timer);

	z->timer_kick = 1;
	kick(z, z->timer_full);
}

static void
log_job(const struct dzone *z, const struct sync_job *j, int64_t next_ms)
{
	char line[SYNC_RESULT_MAX], label[SYNC_ZONE_TEXT_MAX], when[48] = "";
	/* With several entries of its name, the hosted zone the job found. */
	const char *name = strcmp(z->label, z->cz->name) ? sync_job_zone(j, label, sizeof label) :
	    z->label;
	const char *reason = "", *sep = "", *next = NULL;
	enum log_level level;

	for (size_t i = 0; i < j->plan.nnotes; i++) {
		const struct plan_note *n = &j->plan.notes[i];

		say(n->level == PLAN_INFO ? LOG_LEVEL_DEBUG : n->level == PLAN_WARN ?
		    LOG_LEVEL_WARN : LOG_LEVEL_ERR, name, "%s", n->text);
	}
	for (size_t i = 0; i < j->nrefused; i++)
		say(LOG_LEVEL_ERR, name, "Route 53 refused %s", j->refused[i]);
	sync_result(j, line, sizeof line);
	/* "; next check in N s" after a check, "; next try in N s" after a
	 * failure (its reason first), nothing after a write or a passed job. */
	if (j->status == SYNC_CURRENT || j->status == SYNC_UNCHANGED) {
		level = LOG_LEVEL_DEBUG;
		next = j->status == SYNC_UNCHANGED && z->s.failures ? "try" : "check";
	} else if (j->status == SYNC_PASSED) {
		level = LOG_LEVEL_DEBUG;
	} else if (j->status == SYNC_OK || j->status == SYNC_PARTIAL || j->status == SYNC_ADOPTED) {
		level = LOG_LEVEL_INFO;
	} else {
		level = LOG_LEVEL_ERR;
		reason = j->err.msg;
		sep = "; ";
		next = "try";
	}
	if (next)
		fmt_snprintf(when, sizeof when, "; next %s in %lld s", next,
		    (long long)(next_ms / 1000));
	say(level, name, "%s%s%s%s", reason, sep, line, when);
}

static void
job_done(struct sync_job *j)
{
	struct dzone *z = j->user;
	/* A peer's serial not adopted: nothing was tried either. */
	int unchanged = j->status == SYNC_UNCHANGED || j->status == SYNC_PASSED;
	/* daemon_sched_done: 1 in sync, 0 failed, -1 nothing tried. */
	int ok = j->status == SYNC_OK || j->status == SYNC_CURRENT || j->status == SYNC_ADOPTED ?
	    1 : unchanged ? -1 : 0;
	int full, again, expired_before = z->s.expired;
	int64_t now = loop_now();
	uint32_t adopt;

	d->running--;
	z->jobs++;
	for (int a = 0; a < R53_API_COUNT; a++)
		z->calls[a] += j->calls[a];
	if (!unchanged) {
		/* An unchanged serial leaves the last result standing. */
		z->result = sync_status_name(j->status);
		z->last_sync = (int64_t)time(NULL);
		z->error[0] = 0;
	}
	if (j->status == SYNC_FAILED || j->status == SYNC_UNSAFE)
		str_copy(z->error, sizeof z->error, j->err.msg);
	else if (j->nrefused)
		fmt_snprintf(z->error, sizeof z->error, "Route 53 refused %s", j->refused[0]);
	/* An adopt job tried no write: its failure must not make the write
	 * that follows (the wait running out) end after its SOA query. */
	if (j->status == SYNC_ADOPTED) {
		z->tried = 0;
	} else if (j->has_soa && !unchanged && j->status != SYNC_CURRENT && !j->adopt) {
		z->tried = !(j->status == SYNC_OK && j->synced);
		z->tried_serial = j->serial;
	}
	if (j->has_soa) {
		z->has_primary_serial = 1;
		z->primary_serial = j->soa.serial;
	}
	if (j->status == SYNC_FAILED) {
		/* A hosted zone deleted (and maybe made anew): the ID the
		 * account's listing gave is stale, find it by name (until a
		 * reload lists the account again). */
		if (j->zone_gone) {
			z->listed_id[0] = '\0';
			z->aws_id_gone = 1;
		}
		zone_id_reset(z);
	} else if (j->zone_id[0]) {
		memcpy(z->zone_id, j->zone_id, sizeof z->zone_id);
		z->zone_private = j->zone_private;
	}
	if (j->route53 == SYNC_R53_SYNCED) {
		drop_kept(z);
		z->synced = j->synced;
		z->synced_serial = j->synced_serial;
		z->synced_soa = j->synced_soa;
		z->synced_partial = j->synced_partial;
		z->unverified = j->status == SYNC_CURRENT && j->verify;
		z->last_full = j->last_full;
		j->synced = NULL;
		j->synced_soa = NULL;
	} else if (j->route53 == SYNC_R53_UNKNOWN) {
		/* The next job starts from AXFR and a listing. */
		drop_kept(z);
	}
	if (j->adopt && daemon_peer_adopted(&z->peer, j->status == SYNC_ADOPTED, j->adopt_serial,
	    z->adopt_seq))
		loop_timer_cancel(&z->wait_timer);
	if (z->synced)
		daemon_peer_synced(&z->peer, z->synced_serial);
	/* Written to Route 53 by this daemon: its peers need not (src/daemon/peer). */
	if (j->status == SYNC_OK && j->route53 == SYNC_R53_SYNCED)
		peer_notify(&d->peers, &d->gen->cfg, z->cz->name, j->synced_serial);
	again = daemon_sched_done(&z->s, now, ok, j->has_soa ? &j->soa : NULL, j->refreshed,
	    j->reconciled, &full);
	if (j->reconciled)
		z->s.spread = rnd_u32();
	/* Kept from a sync record: the next reconcile counts from the
	 * record's last listing, not from this start. */
	if (!j->reconciled && z->synced && z->last_full > 0 && z->s.last_full < 0) {
		int64_t age = (int64_t)time(NULL) - z->last_full;

		z->s.last_full = now - (age > 0 ? age : 0) * 1000;
		if (z->s.last_full == -1)
			z->s.last_full = -2;
	}
	/* Nothing tried: the retry or refresh timer kept running (kick). A
	 * timer's trigger dropped with the pending job is forgotten. */
	if (!again)
		z->timer_kick = 0;
	if (!again && !(unchanged && z->timer.armed))
		schedule(z);
	log_job(z, j, again ? 0 : z->timer.when - now);
	if (expired_before && !z->s.expired)
		say(LOG_LEVEL_INFO, z->label, "the primary answers again");
	if (daemon_sched_expired(&z->s, now))
		say(LOG_LEVEL_ERR, z->label, "expired: no primary has answered with the zone for "
		    "%lu s (SOA expire); Route 53 keeps serving the last synced data",
		    (unsigned long)z->s.expire);
	sync_free(j);
	free(j);
	z->job = NULL;
	gen_put(z->job_gen);
	z->job_gen = NULL;
	if (again) {
		enqueue(z, full);
	} else if (z->synced && daemon_peer_adopt(&z->peer, 1, z->synced_serial, &adopt)) {
		/* A peer's word came during the job. */
		kick(z, 0);
	}
	state_mark();
	kick(NULL, 0);
}

/* May the job to come for z end after its SOA query (sync_job.tried)?
 * Only one a NOTIFY started: a timer's is the retry, the refresh or the
 * reconcile, and does what it is due for. */
static int
may_skip(const struct dzone *z, int full)
{
	return z->tried && !full && !z->timer_kick;
}

static void
start_job(struct dzone *z)
{
	struct sync_job *j = calloc(1, sizeof *j);

	if (!j) {
		/* Counted as a failed job: retried later, like any other. */
		int full;

		say(LOG_LEVEL_ERR, z->label, "out of memory");
		daemon_sched_done(&z->s, loop_now(), 0, NULL, 0, 0, &full);
		z->s.running = 0;
		z->s.pending = 0;
		schedule(z);
		return;
	}
	j->zone = z->cz;
	j->r53 = &d->r53;
	j->safety = d->gen->cfg.safety;
	j->done = job_done;
	j->user = z;
	memcpy(j->zone_id, z->zone_id, sizeof j->zone_id);
	j->cache_dir = d->gen->cache;
	j->reconcile = d->gen->cfg.reconcile_interval;
	j->lazy = 1;
	j->zone_private = z->zone_private;
	j->by_name = z->aws_id_gone;
	if (z->synced) {
		j->prev = z->synced;
		j->prev_serial = z->synced_serial;
		j->prev_soa = z->synced_soa;
		j->prev_partial = z->synced_partial;
		j->verify = z->unverified;
		j->last_full = z->last_full;
		j->full = z->next_full;
	}
	if (z->synced && !z->next_full &&
	    daemon_peer_adopt(&z->peer, 1, z->synced_serial, &j->adopt_serial)) {
		j->adopt = 1;
		z->adopt_seq = z->peer.seq;
	} else if (may_skip(z, z->next_full)) {
		j->tried = 1;
		j->tried_serial = z->tried_serial;
	}
	z->timer_kick = 0;
	z->job = j;
	z->job_gen = d->gen;
	d->gen->refs++;
	d->running++;
	say(LOG_LEVEL_DEBUG, z->label, "job started (%s)", !z->synced ? "AXFR and listing" :
	    z->next_full ? "reconcile" : j->adopt ? "a peer's serial" : "SOA check");
	sync_start(j);
}

/* A trigger for z (NULL: none, only fill free job slots). */
static void
kick(struct dzone *z, int full)
{
	if (d->stopping)
		return;
	if (z && z->queued) {
		z->next_full |= full;
	} else if (z && daemon_sched_trigger(&z->s, full)) {
		/* A job that may end after its SOA query leaves the retry or
		 * refresh timer as it is: NOTIFYs do not move it. */
		if (!may_skip(z, full))
			loop_timer_cancel(&z->timer);
		enqueue(z, full);
	} else if (z) {
		say(LOG_LEVEL_DEBUG, z->label, "a job is running; one more follows it");
	}
	while (!d->applying && d->running < DAEMON_MAX_JOBS && d->qhead) {
		struct dzone *q = d->qhead;

		d->qhead = q->qnext;
		if (!d->qhead)
			d->qtail = NULL;
		q->qnext = NULL;
		q->queued = 0;
		start_job(q);
	}
}

/* No peer's word within peer_wait: this daemon writes the change itself. */
static void
wait_due(struct loop_timer *t)
{
	struct dzone *z = LOOP_CONTAINER_OF(t, struct dzone, wait_timer);

	daemon_peer_expired(&z->peer);
	say(LOG_LEVEL_INFO, z->label, "no peer wrote the change within peer_wait (%d s): writing it",
	    d->gen->cfg.peer_wait);
	kick(z, 0);
}

static struct dzone *
zone_new(const struct cfg_zone *cz, int from_aws)
{
	struct dzone *z = calloc(1, sizeof *z);

	if (!z)
		return NULL;
	z->cz = cz;
	z->from_aws = from_aws;
	str_copy(z->label, sizeof z->label, cz->name);
	daemon_sched_init(&z->s, loop_now());
	z->s.spread = rnd_u32();
	z->timer.cb = timer_due;
	z->wait_timer.cb = wait_due;
	zone_id_reset(z);
	return z;
}

/* ---- NOTIFY ------------------------------------------------------------------------------ */

static void
on_notify(void *arg, const struct cfg_zone *cz, int has_serial, uint32_t serial,
    const struct net_addr *from)
{
	char addr[NET_ADDR_STRLEN];
	size_t end;

	(void)arg;
	/* The listener picked the entries of the name this NOTIFY is for (by
	 * its TSIG key, notify_kicks) and calls once for each. */
	for (size_t i = zone_lookup(cz->name, &end); i < end; i++) {
		struct dzone *z = d->zones[i];

		if (z->cz != cz)
			continue;
		say(LOG_LEVEL_DEBUG, z->label, "NOTIFY from %s%s%s", net_addr_str(from, addr, sizeof addr),
		    has_serial ? ", serial " : "", has_serial ? u32(serial, 0) : "");
		z->notifies++;
		/* A standby of an HA pair gives the active daemon peer_wait to
		 * write the change and say so (daemon_sched.h). */
		if (daemon_peer_notify(&z->peer, loop_now(), (int64_t)d->gen->cfg.peer_wait * 1000,
		    z->synced != NULL, z->synced_serial, has_serial, serial) == DAEMON_PEER_WAIT) {
			if (!z->wait_timer.armed) {
				say(LOG_LEVEL_DEBUG, z->label, "waiting up to %d s for a peer to write it",
				    d->gen->cfg.peer_wait);
				loop_timer_at(&z->wait_timer, z->peer.until);
			}
			continue;
		}
		kick(z, 0);
	}
}

/* A peer wrote serial of zone cz to Route 53: adopt it (daemon_sched.h).
 * A name with several entries (split horizon, or a public and a private
 * hosted zone) is left alone: the word does not say which hosted zone the
 * peer wrote, so each daemon writes its own. */
static void
on_peer(void *arg, const struct cfg_zone *cz, uint32_t serial, const struct cfg_peer *peer)
{
	char addr[NET_ADDR_STRLEN];
	size_t end, first = zone_lookup(cz->name, &end);

	(void)arg;
	say(LOG_LEVEL_DEBUG, cz->name, "peer %s wrote serial %lu%s",
	    net_addr_ip_str(&peer->addr, addr, sizeof addr), (unsigned long)serial,
	    end - first > 1 ? " (not adopted: the name has several hosted zones)" : "");
	if (end - first == 1 && daemon_peer_heard(&d->zones[first]->peer,
	    d->zones[first]->synced != NULL, d->zones[first]->synced_serial, serial))
		kick(d->zones[first], 0);
}

static const struct cfg_zone *const *
find_zone(void *arg, const char *name, size_t *n)
{
	size_t k, i = zone_lookup(name, &k);

	(void)arg;
	*n = k - i;
	/* d->gen->index is in d->zones' order (zones_apply). */
	return k > i ? &d->gen->index[i] : NULL;
}

/* ---- configuration ---------------------------------------------------------------------- */

/* A zone for each of g's zones into *out, made before anything changes so
 * a reload is all or nothing. Returns 0, or -1 when out of memory: then
 * *out is NULL or holds the zones made so far, NULLs after them (the
 * caller frees them). */
static int
zones_prepare(const struct gen *g, struct dzone ***out)
{
	struct dzone **fresh = *out = calloc(g->nindex + 1, sizeof *fresh);

	if (!fresh)
		return -1;
	for (size_t k = 0; k < g->nindex; k++) {
		if (!(fresh[k] = zone_new(g->index[k], g->from_aws[k])))
			return -1;
		if (!g->from_aws[k] && !g->index[k]->hosted_zone_id && g->listed &&
		    acct_zone_id(g->listed, g->nlisted, g->index[k], fresh[k]->listed_id,
		    &fresh[k]->listed_private) == 0)
			zone_id_reset(fresh[k]);
	}
	return 0;
}

/* Make g current with the zones zones_prepare made (taken): zones new or
 * changed start afresh (a first, full job), unchanged ones keep their
 * state, the others stop. */
static void
zones_apply(struct gen *g, struct dzone **fresh)
{
	struct dzone **nz = fresh;
	size_t i = 0, nfresh = 0, kept = 0, removed = 0;
	int reload = d->gen != NULL;

	/* Zones are queued on the way, started once g is current (a job
	 * takes its cfg_zone from the current generation). */
	d->applying = 1;
	/* One turn more, with no entry: the old zones left are removed. */
	for (size_t k = 0; k <= g->nindex; k++) {
		const struct cfg_zone *cz = k < g->nindex ? g->index[k] : NULL;
		int c = 1;

		for (; i < d->nzones && (!cz || (c = entry_same(d->zones[i]->cz, cz)) < 0); i++) {
			say(LOG_LEVEL_INFO, d->zones[i]->label, "removed");
			zone_destroy(d->zones[i]);
			removed++;
		}
		if (!cz)
			break;
		/* An entry's label names its hosted zone when its name has
		 * several entries. */
		if ((k && !strcmp(g->index[k - 1]->name, cz->name)) ||
		    (k + 1 < g->nindex && !strcmp(g->index[k + 1]->name, cz->name)))
			sync_zone_text(cz->name, cz->hosted_zone_id, cz->kind, nz[k]->label,
			    sizeof nz[k]->label);
		if (i < d->nzones && !c && daemon_zone_same(d->zones[i]->cz, cz)) {
			memcpy(d->zones[i]->label, nz[k]->label, sizeof nz[k]->label);
			free(nz[k]);
			nz[k] = d->zones[i++];
			nz[k]->cz = cz;
			nz[k]->from_aws = g->from_aws[k];
			kept++;
			continue;
		}
		if (i < d->nzones && !c) {
			say(LOG_LEVEL_INFO, nz[k]->label, "changed, starting afresh");
			zone_destroy(d->zones[i++]);
		} else if (reload) {
			say(LOG_LEVEL_INFO, nz[k]->label, "added");
		}
		kick(nz[k], 1);
		nfresh++;
	}
	free(d->zones);
	d->zones = nz;
	d->nzones = g->nindex;
	gen_put(d->gen);
	d->gen = g;
	g->refs++;
	d->applying = 0;
	if (reload)
		say(LOG_LEVEL_INFO, NULL, "configuration reloaded: %zu zones (%zu kept, %zu new or changed, "
			 "%zu removed)",
		    d->nzones, kept, nfresh, removed);
	kick(NULL, 0);
	state_mark();
}

static void
aws_changed(const struct cfg_aws *a, const struct cfg_aws *b)
{
	/* The settings compared, as offsets of their strings in struct cfg_aws. */
	static const unsigned char keys[] = {
		offsetof(struct cfg_aws, endpoint), offsetof(struct cfg_aws, region),
		offsetof(struct cfg_aws, profile), offsetof(struct cfg_aws, access_key_id),
		offsetof(struct cfg_aws, secret_access_key), offsetof(struct cfg_aws, session_token),
		offsetof(struct cfg_aws, credentials_file), offsetof(struct cfg_aws, ca_file),
		offsetof(struct cfg_aws, proxy),
	};
	int changed = a->max_requests_per_second != b->max_requests_per_second;

	for (size_t i = 0; i < sizeof keys && !changed; i++)
		changed = !str_same(*(char *const *)((const char *)a + keys[i]),
		    *(char *const *)((const char *)b + keys[i]));
	if (changed)
		say(LOG_LEVEL_WARN, NULL, "reload: the aws settings changed; they take effect at the next "
			 "restart");
}

static void start_done(struct gen *g);

/* g refused: freed; at start-up the daemon stops (and fails). */
static void
gen_refused(struct gen *g)
{
	gen_free(g);
	if (!d->gen) {
		d->failed = 1;
		loop_stop();
	}
}

/* g loaded (and its account zones listed): make it current (at start-up,
 * start_done follows). */
static void
gen_ready(struct gen *g)
{
	struct err e = { 0 };
	struct dzone **fresh = NULL;
	int reload = d->gen != NULL;

	if (gen_index(g) < 0 || zones_prepare(g, &fresh) < 0 ||
	    (reload && notify_reload(&d->notify, &g->cfg, &e) < 0)) {
		say(LOG_LEVEL_ERR, NULL, "%s%s%s", reload ? "reload: " : "", e.set ? e.msg : "out of memory",
		    reload ? "; keeping the old configuration" : "");
		for (size_t k = 0; fresh && k < g->nindex; k++)
			free(fresh[k]);
		free(fresh);
		gen_refused(g);
		return;
	}
	if (reload) {
		aws_changed(&d->gen->cfg.aws, &g->cfg.aws);
		/* Where the log goes was settled at the start (proc_log_setup). */
		if (!d->o->syslog && !g->cfg.log_syslog != !d->gen->cfg.log_syslog)
			say(LOG_LEVEL_WARN, NULL, "reload: logging.syslog changed; it takes effect at "
			    "the next restart");
		log_set_level(d->o->verbose || g->cfg.log_debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	}
	zones_apply(g, fresh);
	if (!reload)
		start_done(g);
}

static void reload(void);

static void
listed(struct r53_op *op)
{
	struct gen *g = d->loading;
	struct err e = { 0 };
	int reloading = d->gen != NULL;

	d->loading = NULL;
	if (!g->cfg.zones_from_aws) {
		/* Only to find hosted zone IDs: without it each job finds its own. */
		if (op->status != R53_OK)
			say(LOG_LEVEL_WARN, NULL, "listing the hosted zones: %s; each zone is looked up by name",
			    op->err.msg);
	} else if (op->status != R53_OK || acct_zones(&g->cfg, op, &g->aws, &g->naws, &e) < 0) {
		say(LOG_LEVEL_ERR, NULL, "domains_to_manage_from_aws: %s%s",
		    op->status != R53_OK ? op->err.msg : e.msg,
		    reloading ? "; keeping the old configuration" : "");
		r53_op_free(op);
		gen_refused(g);
		if (!reloading)
			return;
		goto out;
	} else {
		say(LOG_LEVEL_INFO, NULL, "%zu hosted zones in the account, %zu not in %s", op->nzones,
		    g->naws, g->cfg.path);
	}
	if (op->status == R53_OK) {
		g->listed = op->zones;
		g->nlisted = op->nzones;
		op->zones = NULL;
		op->nzones = 0;
	}
	r53_op_free(op);
	gen_ready(g);
out:
	if (reloading)
		sd_state(SDNOTIFY_READY);
	if (d->reload_again) {
		d->reload_again = 0;
		reload();
	}
}

/* g loaded: list the account first when it asks for it. */
static void
gen_load(struct gen *g)
{
	/* After the privileges were dropped: the directory must be ours. */
	size_t lack = 0;

	g->cache = cache_dir(&g->cfg);
	for (int i = 0; i < g->cfg.nzones; i++)
		lack += !g->cfg.zones[i].hosted_zone_id &&
		    !(g->cache && cache_exists(g->cache, &g->cfg.zones[i]));
	/* The account's listing gives every hosted zone ID at 100 a call:
	 * cheaper than a ListHostedZonesByName per zone once a few lack one. */
	if (!g->cfg.zones_from_aws && lack < SYNC_LIST_ZONES_MIN) {
		gen_ready(g);
		return;
	}
	d->loading = g;
	memset(&d->list_op, 0, sizeof d->list_op);
	r53_op_list_zones(&d->list_op, listed);
	r53_submit(&d->r53, &d->list_op);
}

/* Load the config file again: made current, or refused with the old one
 * kept (now, or once the account's listing it waits for is in). */
static void
reload_load(void)
{
	struct gen *g = calloc(1, sizeof *g);
	struct err e = { 0 };

	if (!g || cfg_load(&g->cfg, d->o->cfg_path, &e) < 0) {
		say(LOG_LEVEL_ERR, NULL, "reload: %s; keeping the old configuration",
		    g ? e.msg : "out of memory");
		free(g);
		return;
	}
	gen_load(g);
}

static void
reload(void)
{
	if (d->loading) {
		d->reload_again = 1;
		return;
	}
	say(LOG_LEVEL_INFO, NULL, "SIGHUP: reloading %s", d->o->cfg_path);
	sdnotify(SDNOTIFY_RELOADING, "reloading the configuration");
	reload_load();
	if (!d->loading)
		sd_state(SDNOTIFY_READY);
}

/* ---- signals ------------------------------------------------------------------------------ */

static void
log_states(void)
{
	int64_t now = loop_now(), wall = (int64_t)time(NULL);
	const struct notify_stats *ns = notify_stats(&d->notify);
	char calls[256];
	size_t waiting = 0;

	for (const struct dzone *q = d->qhead; q; q = q->qnext)
		waiting++;
	r53_calls_text(d->r53.calls, calls, sizeof calls);
	say(LOG_LEVEL_INFO, NULL, "%zu zones, %zu jobs running, %zu waiting; NOTIFY %lu accepted, %lu "
		 "refused, %lu dropped; API calls: %s",
	    d->nzones, d->running, waiting, ns->accepted, ns->refused,
	    ns->dropped_acl + ns->dropped_rate + ns->dropped_bad, calls);
	/* d->gen is NULL until the first configuration is current (its
	 * account listing may still run). */
	if (d->gen && d->gen->cfg.npeers)
		say(LOG_LEVEL_INFO, NULL, "NOTIFYs to peers: %lu sent, %lu answered, %lu given up", d->peers.sent,
		    d->peers.answered, d->peers.given_up);
	for (size_t i = 0; i < d->nzones; i++) {
		const struct dzone *z = d->zones[i];
		char next[64], ago[64];
		const char *when = next, *last = ago;

		r53_calls_text(z->calls, calls, sizeof calls);
		if (z->job)
			when = "job running";
		else if (z->queued)
			when = "waiting for a job slot";
		else
			fmt_snprintf(next, sizeof next, "next %s in %lld s",
			    z->timer_full ? "reconcile" : "check",
			    (long long)((z->timer.when - now) / 1000));
		if (z->last_sync)
			fmt_snprintf(ago, sizeof ago, "%s %lld s ago", z->result,
			    (long long)(wall - z->last_sync));
		else
			last = "none yet";
		say(LOG_LEVEL_INFO, z->label, "primary serial %s, synced serial %s, hosted zone %s, "
		    "last job %s%s%s, %lu jobs, %lu NOTIFYs, %d failures%s, %s; API calls: %s",
		    z->has_primary_serial ? u32(z->primary_serial, 0) : "-",
		    z->synced ? u32(z->synced_serial, 1) : "-", z->zone_id[0] ? z->zone_id : "-",
		    last, z->error[0] ? ": " : "", z->error, z->jobs, z->notifies, z->s.failures,
		    z->s.expired ? ", expired" : "", when, calls);
	}
}

static void
stop(void)
{
	d->stopping = 1;
	notify_free(&d->notify);
	d->notify_inited = 0;
	if (d->loading) {
		r53_cancel(&d->r53, &d->list_op);
		r53_op_free(&d->list_op);
		gen_free(d->loading);
		d->loading = NULL;
	}
	for (size_t i = 0; i < d->nzones; i++) {
		if (d->zones[i]->job)
			say(LOG_LEVEL_INFO, d->zones[i]->label, "job cancelled");
		zone_destroy(d->zones[i]);
	}
	free(d->zones);
	d->zones = NULL;
	d->nzones = 0;
	loop_timer_cancel(&d->state_timer);
	peer_free(&d->peers);
	r53_free(&d->r53);
	loop_stop();
}

static void
on_signal(int signo)
{
	if (d->stopping)
		return;
	switch (signo) {
	case SIGHUP:
		reload();
		break;
	case SIGUSR1:
		log_states();
		break;
	default:
		say(LOG_LEVEL_INFO, NULL, "%s: stopping", signo == SIGINT ? "SIGINT" : "SIGTERM");
		sdnotify(SDNOTIFY_STOPPING, "stopping");
		if (d->gen && d->gen->cfg.state_file && d->nzones)
			state_write();
		stop();
		break;
	}
}

/* ---- start-up ------------------------------------------------------------------------------- */

/* g made current at start-up: listen, say ready. */
static void
start_done(struct gen *g)
{
	struct err e = { 0 };
	char addr[NET_ADDR_STRLEN];

	if (notify_start(&d->notify, &e) < 0) {
		say(LOG_LEVEL_ERR, NULL, "%s", e.msg);
		d->failed = 1;
		stop();
		return;
	}
	say(LOG_LEVEL_INFO, NULL, "ready: %zu zone%s, NOTIFY on %s%s", d->nzones,
	    d->nzones == 1 ? "" : "s",
	    net_addr_str(&g->cfg.listen[0], addr, sizeof addr), g->cfg.nlisten > 1 ? " and more" : "");
	if (g->cfg.npeers)
		say(LOG_LEVEL_INFO, NULL, "HA pair: %d peer%s; %s %d s", g->cfg.npeers,
		    g->cfg.npeers == 1 ? "" : "s", g->cfg.peer_wait ? "a standby: peer_wait" :
		    "the active daemon: peer_wait", g->cfg.peer_wait);
	sd_state(SDNOTIFY_READY);
}

static int
daemon_main(const struct daemon_opts *o)
{
	struct gen *g;
	struct proc_user u;
	struct notify_handler h = { .on_notify = on_notify, .find_zone = find_zone,
		.on_peer = on_peer };
	static const unsigned char sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
	struct err e = { 0 };
	int rc = 1;

	d->o = o;
	peer_init(&d->peers);
	d->state_timer.cb = state_due;
	if (!(g = calloc(1, sizeof *g))) {
		say(LOG_LEVEL_ERR, NULL, "out of memory");
		return rc;
	}
	if (cfg_load(&g->cfg, o->cfg_path, &e) < 0) {
		log_err("%s", e.msg);
		free(g);
		return rc;
	}
	proc_log_setup(&g->cfg, o->syslog);
	sdnotify_init();
	if (o->verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	/* Everything that blocks or needs root, before the loop: names of
	 * the account, the pidfile, port 53, the credentials; then root is
	 * given up for good (proc.h). */
	/* On a failure, out removes the pidfile only if it is this process's
	 * (proc_pidfile_remove), and r53_free takes the zeroed client too. */
	if (((o->pidfile || g->cfg.pidfile) &&
	    !(d->pidfile = strdup(o->pidfile ? o->pidfile : g->cfg.pidfile)) &&
	    err_set(&e, "out of memory")) ||
	    proc_user_lookup(&u, g->cfg.user, g->cfg.group, &e) < 0 ||
	    (d->pidfile && proc_pidfile_write(d->pidfile, &u, &e) < 0) ||
	    notify_init(&d->notify, &g->cfg, &h, &e) < 0 || (d->notify_inited = 1,
	    notify_bind(&d->notify, &e) < 0) || r53_init(&d->r53, &g->cfg.aws, &e) < 0 ||
	    proc_drop_privileges(&u, &e) < 0) {
		say(LOG_LEVEL_ERR, NULL, "%s", e.msg);
		goto out;
	}
	for (size_t i = 0; i < sizeof sigs; i++)
		if (loop_signal(sigs[i], on_signal) < 0) {
			say(LOG_LEVEL_ERR, NULL, "cannot set up signal handling");
			goto out;
		}
	gen_load(g);
	g = NULL;
	loop_run();
	if (!d->stopping)
		stop();
	rc = d->failed ? 1 : 0;
out:
	if (d->notify_inited)
		notify_free(&d->notify);
	if (!d->stopping)
		r53_free(&d->r53);
	gen_free(g);
	gen_put(d->gen);
	d->gen = NULL;
	if (d->pidfile)
		proc_pidfile_remove(d->pidfile);
	free(d->pidfile);
	return rc;
}

int
daemon_run(const struct daemon_opts *o)
{
	int rc;

	if (!(d = calloc(1, sizeof *d))) {
		say(LOG_LEVEL_ERR, NULL, "out of memory (%zu bytes of state)", sizeof *d);
		return 1;
	}
	rc = daemon_main(o);
	free(d);
	d = NULL;
	return rc;
}
