#include "sync/sync.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/str.h"
#include "codec/dns.h"
#include "codec/rr.h"

const char *
sync_status_name(enum sync_status s)
{
	switch (s) {
	case SYNC_OK:
		return "ok";
	case SYNC_CURRENT:
		return "current";
	case SYNC_UNCHANGED:
		return "unchanged";
	case SYNC_PARTIAL:
		return "partial";
	case SYNC_UNSAFE:
		return "unsafe";
	case SYNC_ADOPTED:
		return "adopted";
	case SYNC_PASSED:
		return "passed";
	default:
		return "failed";
	}
}

/* ---- the result line ---------------------------------------------------------- */

/* The result line being written: buf[0..cap), n used. */
struct line {
	char *buf;
	size_t cap, n;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append to the line; once cut, it stays cut. */
static void
add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (l->n >= l->cap)
		return;
	va_start(ap, fmt);
	k = fmt_vsnprintf(l->buf + l->n, l->cap - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k;
}

/* "batch" or "batches" after a count. */
static const char *
es(size_t n)
{
	return n == 1 ? "" : "es";
}

const char *
sync_zone_text(const char *name, const char *zone_id, enum cfg_zone_kind kind, char *buf,
    size_t cap)
{
	const char *k = kind == CFG_ZONE_PRIVATE ? "private " : kind == CFG_ZONE_PUBLIC ?
	    "public " : "";

	if ((!zone_id || !*zone_id) && kind == CFG_ZONE_ANY)
		str_copy(buf, cap, name);
	else
		fmt_snprintf(buf, cap, "%s (%shosted zone%s%s)", name, k, zone_id && *zone_id ? " " : "",
		    zone_id ? zone_id : "");
	return buf;
}

const char *
sync_name_text(const char *name, char *buf, size_t cap)
{
	uint8_t wire[DNS_NAME_MAX];

	if (dns_name_from_r53(wire, sizeof wire, name, NULL) < 0 ||
	    dns_name_to_text(wire, buf, cap) < 0)
		str_copy(buf, cap, name);
	return buf;
}

const char *
sync_job_zone(const struct sync_job *j, char *buf, size_t cap)
{
	return sync_zone_text(j->zone->name, j->zone_id, j->zone_id[0] ? (j->zone_private ?
	    CFG_ZONE_PRIVATE : CFG_ZONE_PUBLIC) : j->zone->kind, buf, cap);
}

const char *
sync_result(const struct sync_job *j, char *buf, size_t cap)
{
	const size_t *a = j->applied;
	const struct plan *p = &j->plan;
	char calls[256];
	struct line l = { buf, cap, 0 };

	buf[0] = '\0';
	if (j->status == SYNC_CURRENT || j->status == SYNC_UNCHANGED) {
		add(&l, "serial %lu %s", (unsigned long)j->serial,
		    j->status == SYNC_CURRENT ? "current" : "unchanged since the last try");
	} else {
		if (j->has_soa)
			add(&l, "serial %lu%s, ", (unsigned long)j->serial,
			    j->xfer == SYNC_XFER_IXFR ? " by IXFR" : j->xfer == SYNC_XFER_AXFR ?
			    " by AXFR" : "");
		if (j->status == SYNC_ADOPTED)
			add(&l, "adopted from a peer (Route 53 holds it)");
		else if (j->status == SYNC_PASSED)
			add(&l, "passed: not the peer's serial %lu", (unsigned long)j->adopt_serial);
		else if (j->status == SYNC_UNSAFE)
			add(&l, "refused by the safety check (%zu to create, %zu to update, "
			    "%zu to delete)", p->ncreate, p->nupdate, p->ndelete);
		else if (j->dry_run && j->status != SYNC_FAILED)
			add(&l, "dry run: would create %zu, update %zu, delete %zu in %zu "
			    "batch%s", p->ncreate, p->nupdate, p->ndelete, p->nbatches,
			    es(p->nbatches));
		else {
			/* What was applied: after a failure, or in batches. */
			int failed = j->status == SYNC_FAILED;

			add(&l, "%s%zu created, %zu updated, %zu deleted", failed ? "failed after " : "",
			    a[PLAN_CREATE], a[PLAN_UPDATE], a[PLAN_DELETE]);
			if (!failed)
				add(&l, " in %zu batch%s%s%s%s", j->batches, es(j->batches),
				    j->nrefused ? ", some refused" : "",
				    p->nerrors ? ", some not synced" : "", j->insync ? ", INSYNC" : "");
		}
		if (j->lost)
			add(&l, "; %zu more batch%s whose answer was lost (not counted)",
			    j->lost, es(j->lost));
	}
	add(&l, "; API calls: %s; %.2f s", r53_calls_text(j->calls, calls, sizeof calls),
	    (double)(j->ended_ms - j->started_ms) / 1000);
	return buf;
}

/* ---- ending ----------------------------------------------------------------- */

/* Free a zone of the job's (desired, synced) and forget it. */
static void
zone_drop(struct zone **z)
{
	if (*z) {
		zone_free(*z);
		free(*z);
		*z = NULL;
	}
}

/* The sync record after the job: what Route 53 now holds, or none when
 * that is unknown (src/sync/cache). */
static void
save_record(struct sync_job *j)
{
	struct cache_rec r = { 0 };
	struct err e = { 0 };

	if (!j->cache_dir || j->dry_run || !j->zone->sync_soa)
		return;
	/* A record of a zone with conflicts would be planned from, and its
	 * plan cannot see Route 53's sets in the way (prev_partial). */
	if (j->route53 == SYNC_R53_UNKNOWN || (j->route53 == SYNC_R53_SYNCED && j->synced_partial)) {
		cache_remove(j->cache_dir, j->zone);
		return;
	}
	/* Nothing new to write: nothing changed, or an unchecked record. */
	if (j->route53 != SYNC_R53_SYNCED || j->status == SYNC_CURRENT || !j->zone_id[0])
		return;
	str_copy(r.zone_id, sizeof r.zone_id, j->zone_id);
	r.private_zone = j->zone_private;
	r.serial = j->synced_serial;
	r.last_full = j->last_full;
	r.soa = j->synced_soa;
	r.zone = j->synced;
	if (cache_save(j->cache_dir, j->zone, &r, &e) < 0)
		log_warn("zone %s: sync record not written: %s", j->zone->name, e.msg);
}

static void
finish(struct sync_job *j, enum sync_status st)
{
	j->status = st;
	j->step = SYNC_DONE;
	j->ended_ms = loop_refresh_now();
	/* Hand out what Route 53 now holds, only when that is exactly the
	 * primary's zone as planned: after a failure, a refused set or a set
	 * the plan could not express, the next job starts from a listing. */
	if ((st == SYNC_OK || st == SYNC_ADOPTED) && !j->dry_run && j->desired && !j->plan.nerrors) {
		j->synced = j->desired;
		j->desired = NULL;
		j->synced_serial = j->serial;
		/* Only a full plan sees conflicts: the next change lists. */
		j->synced_partial = j->plan.nconflicts > 0;
		if (j->plan.soa_value && !(j->synced_soa = strdup(j->plan.soa_value))) {
			zone_drop(&j->synced);
		}
	} else if (st == SYNC_CURRENT && j->rec.zone && !j->touched) {
		/* The record read is what Route 53 holds (checked, or lazy:
		 * verify says which): the caller keeps it as it would a sync. */
		j->synced = j->rec.zone;
		j->synced_soa = j->rec.soa;
		j->synced_serial = j->rec.serial;
		j->rec.zone = NULL;
		j->rec.soa = NULL;
	}
	j->reconciled = st == SYNC_OK && !j->dry_run && j->have_list;
	if (j->reconciled)
		j->last_full = (int64_t)time(NULL);
	j->route53 = j->synced ? SYNC_R53_SYNCED : j->touched ? SYNC_R53_UNKNOWN : SYNC_R53_PREV;
	/* Sent: the changes make room for the sync record's encoding (a
	 * dry run prints them). */
	if (!j->dry_run)
		plan_release(&j->plan);
	save_record(j);
	j->done(j);
}

static void fail(struct sync_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct sync_job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(&j->err, fmt, ap);
	va_end(ap);
	finish(j, SYNC_FAILED);
}

/* ---- Route 53 operations ------------------------------------------------------ */

/* The job of an ended operation, its requests counted. */
static struct sync_job *
op_job(struct r53_op *op)
{
	struct sync_job *j = LOOP_CONTAINER_OF(op, struct sync_job, op);

	j->calls[r53_kind_api(op->kind)] += op->requests;
	return j;
}

/* first, then "; " and each of the job's operation's messages after the
 * first, into msg[ERR_MSG_MAX]. */
static void
join_messages(const struct sync_job *j, const char *first, char *msg)
{
	size_t n = str_copy(msg, ERR_MSG_MAX, first);

	for (size_t i = 1; i < j->op.nmessages && n < ERR_MSG_MAX; i++)
		n += (size_t)fmt_snprintf(msg + n, ERR_MSG_MAX - n, "; %s", j->op.messages[i]);
}

/* An operation's failure as one line, with Route 53's further messages. */
static void
fail_op(struct sync_job *j, const char *what)
{
	char msg[ERR_MSG_MAX];

	join_messages(j, j->op.err.msg, msg);
	j->zone_gone |= j->op.status == R53_ERR_NO_SUCH_ZONE;
	r53_op_free(&j->op);
	fail(j, "%s: %s", what, msg);
}

static void list_zone(struct sync_job *j);
static void send_next(struct sync_job *j);

/* ---- plan and apply ------------------------------------------------------------- */

static void
plan_zone(struct sync_job *j)
{
	struct plan_opts o;
	int rc;

	plan_free(&j->plan);
	plan_opts_init(&o, j->zone);
	o.safety = j->safety;
	o.force = j->force;
	j->basis = !j->incremental ? SYNC_BASIS_LIST : j->rec.zone ? SYNC_BASIS_RECORD :
	    SYNC_BASIS_PREV;
	if (j->incremental)
		rc = plan_incremental(&j->plan, j->prev, j->desired, &j->changes, j->prev_soa, &o);
	else
		rc = plan_full(&j->plan, j->desired, &j->list, &o);
	/* A 100,000-set plan takes a while: later deadlines count from now. */
	loop_refresh_now();
	if (rc < 0) {
		fail(j, "plan: %s", j->plan.err.msg);
		return;
	}
	log_debug("sync %s: plan: %zu to create, %zu to update, %zu to delete in %zu batches%s",
	    j->zone->name, j->plan.ncreate, j->plan.nupdate, j->plan.ndelete, j->plan.nbatches,
	    j->incremental ? " (incremental)" : "");
	if (rc == PLAN_UNSAFE) {
		err_set(&j->err, "%s", j->plan.refusal);
		finish(j, j->adopt ? SYNC_PASSED : SYNC_UNSAFE);
		return;
	}
	if (j->adopt) {
		/* The peer sent this plan: Route 53 holds what it leads to. */
		finish(j, j->plan.nerrors ? SYNC_PASSED : SYNC_ADOPTED);
		return;
	}
	if (j->dry_run) {
		finish(j, SYNC_OK);
		return;
	}
	j->batch = 0;
	j->nstack = 0;
	j->step = SYNC_APPLY;
	send_next(j);
}

/* Start again from a fresh listing (Route 53 changed under us, or a
 * change's outcome is unknown), with a full plan. */
static void
replan(struct sync_job *j, const char *why)
{
	if (j->replans >= SYNC_MAX_REPLANS) {
		fail(j, "%s, and Route 53 still differs after %u new listings", why, j->replans);
		return;
	}
	j->replans++;
	log_warn("sync %s: %s: listing the hosted zone again and planning anew", j->zone->name, why);
	j->incremental = 0;
	list_zone(j);
}

/* Record every set of changes [first, first + n) as refused, with the
 * messages of the operation that refused them. */
static int
refuse_range(struct sync_job *j, size_t first, size_t n)
{
	char msg[ERR_MSG_MAX], name[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];

	join_messages(j, j->op.nmessages ? j->op.messages[0] : j->op.err.msg, msg);
	if (buf_grow(&j->refused, &j->refused_cap, j->nrefused, n, sizeof *j->refused) < 0)
		return -1;
	for (size_t i = first; i < first + n; i++) {
		struct r53_change ch, *c = &ch;
		struct plan_info in;
		char line[DNS_NAME_TEXT_MAX + RR_TYPE_NAME_MAX + 16 + ERR_MSG_MAX];

		if (plan_change(&j->plan, i, &ch, &in) < 0)
			return -1;
		if (in.hidden)
			continue;
		/* Room for all of it: the action is at most "DELETE". */
		fmt_snprintf(line, sizeof line, "%s %s (%s): %s",
		    sync_name_text(c->set.name, name, sizeof name), rr_type_name(c->set.type, tn),
		    r53_action_name(c->action), msg);
		/* Not logged here: the caller reports refused[] (one line per
		 * set, not two). */
		if (!(j->refused[j->nrefused] = strdup(line)))
			return -1;
		j->nrefused++;
	}
	return 0;
}

static int
push_range(struct sync_job *j, size_t first, size_t count)
{
	if (buf_grow(&j->stack, &j->stack_cap, j->nstack, 1, sizeof *j->stack) < 0)
		return -1;
	j->stack[j->nstack].first = first;
	j->stack[j->nstack++].count = count;
	return 0;
}

/* The set a Route 53 message says it could not delete because it is not
 * there: "Tried to delete resource record set [name='x.example.com.',
 * type='A'] but it was not found" (Amazon Route 53 API Reference,
 * ChangeResourceRecordSets errors: InvalidChangeBatch). Returns 1 with its
 * owner (wire) and type name, else 0. */
static int
gone_set(const char *msg, uint8_t *name, size_t cap, char type[RR_TYPE_NAME_MAX])
{
	static const char head[] = "Tried to delete resource record set [name='";
	static const char tail[] = "] but it was not found";
	char text[DNS_NAME_TEXT_MAX];
	const char *p = msg, *q;
	size_t n = strlen(msg), k;

	if (strncmp(p, head, sizeof head - 1) || n < sizeof tail - 1 ||
	    strcmp(msg + n - (sizeof tail - 1), tail))
		return 0;
	p += sizeof head - 1;
	if (!(q = str_find(p, "', type='")) || (k = (size_t)(q - p)) >= sizeof text)
		return 0;
	memcpy(text, p, k);
	text[k] = '\0';
	p = q + 9;
	if (!(q = strchr(p, '\'')) || (k = (size_t)(q - p)) >= RR_TYPE_NAME_MAX || q[1] != ']')
		return 0;
	memcpy(type, p, k);
	type[k] = '\0';
	return dns_name_from_r53(name, cap, text, NULL) >= 0;
}

/* An incremental batch [first, first + n) refused only because sets it
 * deletes are gone already (another writer, such as the second daemon of
 * an HA pair, applied the same serial first, or an earlier job whose
 * answer was lost did): those DELETEs are moved to the end of the range,
 * where they are not sent. Returns how many, or 0 when any message says
 * something else (the caller lists the zone and plans anew). */
static size_t
drop_gone(struct sync_job *j, size_t first, size_t n)
{
	const struct r53_change *ch = plan_changes(&j->plan, first, n);
	uint32_t *from = NULL;
	unsigned char *gone;
	size_t ngone = 0, k = 0;

	if (!ch || !j->op.nmessages || !(gone = calloc(n, 1)))
		return 0;
	for (size_t m = 0; m < j->op.nmessages; m++) {
		uint8_t name[DNS_NAME_MAX], w[DNS_NAME_MAX];
		char type[RR_TYPE_NAME_MAX], tn[RR_TYPE_NAME_MAX];
		size_t i;

		if (!gone_set(j->op.messages[m], name, sizeof name, type)) {
			ngone = 0;
			goto out;
		}
		for (i = 0; i < n; i++)
			if (!gone[i] && ch[i].action == R53_DELETE &&
			    !strcmp(rr_type_name(ch[i].set.type, tn), type) &&
			    dns_name_from_r53(w, sizeof w, ch[i].set.name, NULL) >= 0 &&
			    dns_name_equal(w, name))
				break;
		if (i == n) {
			ngone = 0;
			goto out;
		}
		gone[i] = 1;
		ngone++;
	}
	/* Stable: the changes still to send keep their order (DELETEs
	 * first), the gone ones follow. */
	if (!(from = malloc(n * sizeof *from))) {
		ngone = 0;
		goto out;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (gone[i] == pass)
				from[k++] = (uint32_t)i;
	if (plan_permute(&j->plan, first, n, from) < 0)
		ngone = 0;
out:
	free(from);
	free(gone);
	return ngone;
}

static void
changed(struct r53_op *op)
{
	struct sync_job *j = op_job(op);
	size_t first = j->bisect_first, n = j->bisect_count, half;
	char why[ERR_MSG_MAX];
	int bad = 0;

	/* Each case ends with the op freed, then: the next batch (or out of
	 * memory when bad), a new plan (again), or the job failed. */
	switch (op->status) {
	case R53_OK:
		j->touched = 1;
		str_copy(j->change_id, sizeof j->change_id, op->change_id);
		for (size_t i = first; i < first + n; i++) {
			struct plan_info in;

			plan_change(&j->plan, i, NULL, &in);
			if (!in.hidden)
				j->applied[in.kind]++;
		}
		j->batches++;
		break;
	case R53_ERR_INVALID_CHANGE_BATCH:
		if (j->incremental && (half = drop_gone(j, first, n)) > 0) {
			/* The rest goes again as it is: no listing. */
			log_debug("sync %s: %zu set%s to delete %s gone already; sending the rest of "
				  "the batch", j->zone->name, half, half == 1 ? "" : "s",
			    half == 1 ? "is" : "are");
			bad = half < n && push_range(j, first, n - half) < 0;
			break;
		}
		if (!j->retried_icb) {
			/* Route 53 changed under us: plan against what it
			 * holds now, once. */
			fmt_snprintf(why, sizeof why, "a change batch was refused (%.200s)", op->err.msg);
			j->retried_icb = 1;
			goto again;
		}
		/* Refused again: bisect along owner names until the sets
		 * Route 53 refuses are alone; the halves go out in order. */
		half = plan_split(&j->plan, first, n);
		bad = half > 0 ? push_range(j, first + half, n - half) < 0 ||
		    push_range(j, first, half) < 0 : refuse_range(j, first, n) < 0;
		break;
	case R53_ERR_UNKNOWN_OUTCOME:
		j->lost++;
		j->touched = 1;
		str_copy(why, sizeof why, op->err.msg);
		goto again;
	default:
		/* An error after retries (a 5xx, a cut connection) does not
		 * say the batch was not applied. */
		j->touched = 1;
		fail_op(j, "ChangeResourceRecordSets");
		return;
	}
	r53_op_free(op);
	if (bad)
		fail(j, "out of memory");
	else
		send_next(j);
	return;
again:
	r53_op_free(op);
	replan(j, why);
}

static void
waited(struct r53_op *op)
{
	struct sync_job *j = op_job(op);

	if (op->status != R53_OK) {
		fail_op(j, "applied, but GetChange");
		return;
	}
	j->insync = op->insync;
	r53_op_free(op);
	finish(j, j->nrefused ? SYNC_PARTIAL : SYNC_OK);
}

/* The change batch comment, cut to fit: Route 53 takes 256 characters and
 * a zone name can be 253. */
#define SYNC_COMMENT_MAX 128

/* The r53 client builds the request when the batch's turn comes, after
 * r53_op_change returned, and reads the comment then (r53.h: op inputs are
 * kept by the caller until done): it lives in the job, in op.user (op_init
 * keeps it), freed by sync_free. NULL when out of memory (the batch goes
 * without a comment). */
static const char *
batch_comment(struct sync_job *j)
{
	if (!j->op.user && (j->op.user = malloc(SYNC_COMMENT_MAX)))
		fmt_snprintf(j->op.user, SYNC_COMMENT_MAX, "notify53: %s serial %lu", j->zone->name,
		    (unsigned long)j->serial);
	return j->op.user;
}

static void
send_next(struct sync_job *j)
{
	const struct r53_change *ch;
	size_t first, count;

	if (j->nstack) {
		j->nstack--;
		first = j->stack[j->nstack].first;
		count = j->stack[j->nstack].count;
	} else if (j->batch < j->plan.nbatches) {
		first = j->plan.batches[j->batch].first;
		count = j->plan.batches[j->batch].count;
		j->batch++;
	} else if (j->wait && j->change_id[0]) {
		j->step = SYNC_WAIT;
		r53_op_get_change(&j->op, j->change_id, 1, waited);
		r53_submit(j->r53, &j->op);
		return;
	} else {
		finish(j, j->nrefused ? SYNC_PARTIAL : SYNC_OK);
		return;
	}
	j->bisect_first = first;
	j->bisect_count = count;
	if (!(ch = plan_changes(&j->plan, first, count))) {
		fail(j, "%s", j->plan.err.msg);
		return;
	}
	r53_op_change(&j->op, j->zone_id, ch, count, batch_comment(j), changed);
	r53_submit(j->r53, &j->op);
}

/* ---- listing and the hosted zone ---------------------------------------------- */

static void
listed(struct r53_op *op)
{
	struct sync_job *j = op_job(op);

	if (op->status != R53_OK) {
		fail_op(j, "ListResourceRecordSets");
		return;
	}
	r53_op_free(op);
	/* What Route 53 holds is now the listing, which may differ from
	 * prev (drift): prev no longer holds unless the job ends synced. */
	j->have_list = 1;
	j->touched = 1;
	plan_zone(j);
}

static void
list_zone(struct sync_job *j)
{
	/* The plan points into the old listing: drop it first. */
	plan_free(&j->plan);
	r53list_free(&j->list);
	j->have_list = 0;
	j->step = SYNC_LIST;
	r53_op_list_sets(&j->op, j->zone_id, &j->list, listed);
	r53_submit(j->r53, &j->op);
}

static void
have_zone(struct sync_job *j)
{
	if (j->incremental)
		plan_zone(j);
	else
		list_zone(j);
}

/* The hosted zone is zone i of op's answer: on to the plan or listing. */
static void
use_zone(struct sync_job *j, struct r53_op *op, size_t i)
{
	str_copy(j->zone_id, sizeof j->zone_id, op->zones[i].id);
	j->zone_private = op->zones[i].private_zone;
	r53_op_free(op);
	have_zone(j);
}

/* Is the Route 53 name r53 the zone's name (j->xfr.name, since begin)? */
static int
same_zone(const struct sync_job *j, const char *r53)
{
	uint8_t a[DNS_NAME_MAX];

	return dns_name_from_r53(a, sizeof a, r53, NULL) >= 0 && dns_name_equal(a, j->xfr.name);
}

static void
got_zone(struct r53_op *op)
{
	struct sync_job *j = op_job(op);

	if (op->status != R53_OK) {
		fail_op(j, "GetHostedZone");
		return;
	}
	if (op->nzones != 1 || !same_zone(j, op->zones[0].name)) {
		char name[DNS_NAME_TEXT_MAX];

		str_copy(name, sizeof name, op->nzones ? op->zones[0].name : "?");
		r53_op_free(op);
		fail(j, "hosted_zone_id %s is the hosted zone %s, not %s", j->zone->hosted_zone_id,
		    name, j->zone->name);
		return;
	}
	/* An entry that says which kind it wants gets that kind: the other
	 * view's content must never land in it. */
	if (j->zone->kind != CFG_ZONE_ANY &&
	    !op->zones[0].private_zone != (j->zone->kind == CFG_ZONE_PUBLIC)) {
		int priv = op->zones[0].private_zone;

		r53_op_free(op);
		fail(j, "hosted_zone_id %s is a %s hosted zone, and the zone says \"private\": %s",
		    j->zone->hosted_zone_id, priv ? "private" : "public", priv ? "false" : "true");
		return;
	}
	use_zone(j, op, 0);
}

static void
found_zone(struct r53_op *op)
{
	struct sync_job *j = op_job(op);
	struct err e = { 0 };
	int i;

	if (op->status != R53_OK) {
		fail_op(j, "ListHostedZonesByName");
		return;
	}
	if ((i = r53_zone_pick(op, j->zone->kind, &e)) < 0) {
		r53_op_free(op);
		fail(j, "%s", e.msg);
		return;
	}
	use_zone(j, op, (size_t)i);
}

static void
find_zone(struct sync_job *j)
{
	j->step = SYNC_ZONE;
	if (j->zone_id[0]) {
		have_zone(j);
	} else if (j->zone->hosted_zone_id && !j->by_name) {
		r53_op_get_zone(&j->op, j->zone->hosted_zone_id, got_zone);
		r53_submit(j->r53, &j->op);
	} else {
		r53_op_find_zone(&j->op, j->zone->name, found_zone);
		r53_submit(j->r53, &j->op);
	}
}

/* ---- transfer ------------------------------------------------------------------- */

static void transferred(struct xfr *x);

static void
transfer(struct sync_job *j, enum xfr_kind kind)
{
	struct xfr *x = &j->xfr;
	uint8_t name[DNS_NAME_MAX];

	memcpy(name, x->name, sizeof name);
	xfr_free(x);
	memset(x, 0, sizeof *x);
	memcpy(x->name, name, sizeof name);
	x->kind = kind;
	x->serial = j->prev_serial;
	x->servers = j->zone->primaries;
	x->nservers = (size_t)j->zone->nprimaries;
	x->key = j->zone->tsig ? &j->key : NULL;
	x->done = transferred;
	j->step = kind == XFR_SOA ? SYNC_SOA : SYNC_TRANSFER;
	xfr_start(x);
}

/* desired = a copy of the last synced zone. Returns 0, or -1 (failed). */
static int
copy_prev(struct sync_job *j)
{
	if (!(j->desired = malloc(sizeof *j->desired))) {
		fail(j, "out of memory");
		return -1;
	}
	zone_init(j->desired);
	if (zone_copy(j->desired, j->prev) < 0) {
		fail(j, "copying the last synced zone: %s", j->desired->err.msg);
		return -1;
	}
	return 0;
}

/* Apply the IXFR delta to a copy of the last synced zone. Returns 0; -1 when
 * it does not apply (the caller falls back to AXFR); -2 when the copy could
 * not be made (the job has failed: copy_prev ended it). */
static int
apply_delta(struct sync_job *j)
{
	if (copy_prev(j) < 0)
		return -2;
	if (zone_apply(j->desired, &j->xfr.delta, &j->changes) < 0) {
		log_warn("sync %s: the IXFR from serial %lu does not apply to the last synced zone "
			 "(%s); trying AXFR",
		    j->zone->name, (unsigned long)j->prev_serial, j->desired->err.msg);
		zone_drop(&j->desired);
		return -1;
	}
	return 0;
}

/* The primary's serial is known and prev holds: current, a reconcile at
 * the same serial, or an IXFR. */
static void
soa_known(struct sync_job *j)
{
	struct xfr *x = &j->xfr;
	int newer = dns_serial_cmp(j->serial, j->prev_serial) == 1;

	if (!newer && j->serial != j->prev_serial)
		log_warn("sync %s: the primary's serial %lu is not newer than the synced "
			 "serial %lu (RFC 1982 section 3.2): nothing is synced until it is",
		    j->zone->name, (unsigned long)j->serial, (unsigned long)j->prev_serial);
	if (!newer) {
		/* RFC 1035 section 3.3.13: the zone we have is the primary's,
		 * a refresh like a transfer. */
		j->refreshed = 1;
		if (!j->full) {
			finish(j, SYNC_CURRENT);
			return;
		}
		/* A reconcile at the same serial: the zone we have. */
		xfr_free(x);
		if (copy_prev(j) == 0)
			find_zone(j);
		return;
	}
	transfer(j, XFR_IXFR);
}

/* Route 53's apex SOA against the record's: the same value (or, with no
 * value recorded, the same serial) says Route 53 still holds what the
 * record says, as far as one call can tell; else the record is only the
 * IXFR base and the job lists the zone. */
static void
soa_checked(struct r53_op *op)
{
	struct sync_job *j = op_job(op);
	struct r53list_set s;
	const char *vals[R53LIST_MAX_VALUES];
	uint8_t name[DNS_NAME_MAX], rd[DNS_RDATA_MAX];
	struct rr_soa soa;
	long n = -1;
	int same = 0;

	if (op->status == R53_ERR_NO_SUCH_ZONE) {
		log_warn("zone %s: sync record not used: hosted zone %s: %s; finding it again",
		    j->zone->name, j->zone_id, op->err.msg);
		r53_op_free(op);
		j->zone_id[0] = '\0';
		j->full = 1;
		goto known;
	}
	if (op->status != R53_OK) {
		fail_op(j, "ListResourceRecordSets (SOA)");
		return;
	}
	r53_op_free(op);
	soa.serial = 0;
	if (r53list_count(&j->list) >= 1) {
		r53list_get(&j->list, 0, &s, vals);
		if (s.type == DNS_TYPE_SOA && s.nvalues == 1 && !(s.flags & (R53LIST_ALIAS |
		    R53LIST_ROUTING)) && dns_name_from_r53(name, sizeof name, s.name, NULL) >= 0 &&
		    dns_name_equal(name, j->xfr.name) &&
		    (n = rr_from_r53(DNS_TYPE_SOA, s.values[0], strlen(s.values[0]), rd, sizeof rd,
		    NULL)) >= 0 && rr_soa_parse(&soa, rd, (size_t)n, NULL) == 0)
			same = j->prev_soa ? !strcmp(j->prev_soa, s.values[0]) :
			    soa.serial == j->prev_serial;
	}
	r53list_free(&j->list);
	if (same) {
		j->verify = 0;
	} else {
		if (n >= 0)
			log_info("zone %s: Route 53's SOA (serial %lu) is not the one of the sync record "
				 "(serial %lu): listing the hosted zone", j->zone->name,
			    (unsigned long)soa.serial, (unsigned long)j->prev_serial);
		else
			log_info("zone %s: Route 53 has no usable apex SOA: listing the hosted zone",
			    j->zone->name);
		j->full = 1;
	}
known:
	soa_known(j);
}

static void
check_soa(struct sync_job *j)
{
	if (!j->zone_id[0]) {
		/* The hosted zone is to be found again (an earlier job
		 * failed): the record cannot be checked, list. */
		j->full = 1;
		soa_known(j);
		return;
	}
	j->step = SYNC_ZONE;
	r53_op_get_soa(&j->op, j->zone_id, j->apex, &j->list, soa_checked);
	r53_submit(j->r53, &j->op);
}

/* The zone's sync record as prev, when there is a usable one and it may
 * serve (not older than reconcile, no full listing asked for, sync_soa). */
static void
read_record(struct sync_job *j)
{
	struct err e = { 0 };
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (!j->cache_dir || j->prev || !j->zone->sync_soa)
		return;
	if ((rc = cache_load(j->cache_dir, j->zone, &j->rec, &e)) != 0) {
		if (rc < 0)
			log_warn("zone %s: sync record not used: %s; listing the hosted zone",
			    j->zone->name, e.msg);
		return;
	}
	j->record_serial = j->rec.serial;
	if (j->full || (j->reconcile > 0 && (now - j->rec.last_full >= j->reconcile ||
	    j->rec.last_full > now + 60))) {
		log_debug("zone %s: %s: listing the hosted zone", j->zone->name, j->full ?
		    "a full sync is asked for" : "the sync record is older than reconcile_interval");
		cache_rec_free(&j->rec);
		return;
	}
	j->prev = j->rec.zone;
	j->prev_serial = j->rec.serial;
	j->prev_soa = j->rec.soa;
	j->last_full = j->rec.last_full;
	j->verify = 1;
	if (!j->zone_id[0]) {
		str_copy(j->zone_id, sizeof j->zone_id, j->rec.zone_id);
		j->zone_private = j->rec.private_zone;
	}
}

static void
transferred(struct xfr *x)
{
	struct sync_job *j = LOOP_CONTAINER_OF(x, struct sync_job, xfr);
	int newer;

	if (x->err.set) {
		if (j->step == SYNC_TRANSFER && x->kind == XFR_IXFR) {
			log_warn("sync %s: %s; trying AXFR", j->zone->name, x->err.msg);
			transfer(j, XFR_AXFR);
			return;
		}
		fail(j, "%s", x->err.msg);
		return;
	}
	newer = dns_serial_cmp(x->soa.serial, j->prev_serial) == 1;
	if (j->step != SYNC_SOA && j->prev && !newer && x->soa.serial != j->prev_serial) {
		/* The SOA query found a newer serial, but the transfer came
		 * from a server behind the synced one (the next primary, or
		 * one behind a load balancer): its zone would take Route 53
		 * back, deleting what was added since, and its "current"
		 * answer would record the older serial as synced. Refused as
		 * soa_known refuses an older serial, the job keeping the
		 * serial the SOA query found; a later refresh tries again. */
		if (j->adopt)
			finish(j, SYNC_PASSED);
		else
			fail(j, "the transfer gave serial %lu, older than the synced serial %lu "
			    "(RFC 1982 section 3.2): not synced", (unsigned long)x->soa.serial,
			    (unsigned long)j->prev_serial);
		return;
	}
	j->serial = x->soa.serial;
	j->soa = x->soa;
	j->has_soa = 1;
	if (j->step == SYNC_SOA) {
		if (j->tried && dns_serial_cmp(x->soa.serial, j->tried_serial) != 1) {
			finish(j, SYNC_UNCHANGED);
			return;
		}
		if (!j->prev) {
			if (j->adopt) {
				finish(j, SYNC_PASSED);
				return;
			}
			transfer(j, XFR_AXFR);
			return;
		}
		/* A peer's serial that is not the primary's: nothing to adopt
		 * (before any check of Route 53). */
		if (j->adopt && newer && x->soa.serial != j->adopt_serial) {
			finish(j, SYNC_PASSED);
			return;
		}
		if (j->verify && !(j->lazy && !newer) && !j->full) {
			check_soa(j);
			return;
		}
		soa_known(j);
		return;
	}
	j->xfer_rrs += x->rrs;
	j->xfer_bytes += x->bytes;
	switch (x->outcome) {
	case XFR_GOT_FULL:
		j->desired = x->zone;
		x->zone = NULL;
		j->xfer = SYNC_XFER_AXFR;
		/* A primary that answers IXFR with the whole zone (or serves
		 * AXFR only): compared with prev, as an IXFR's changes. */
		j->incremental = j->prev && !j->full && !j->prev_partial;
		if (j->incremental && zone_diff(j->prev, j->desired, &j->changes) < 0) {
			fail(j, "out of memory");
			return;
		}
		break;
	case XFR_GOT_DELTA: {
		int rc = apply_delta(j);

		if (rc == -1) {
			transfer(j, XFR_AXFR);
			return;
		}
		if (rc < 0)
			return;
		j->xfer = SYNC_XFER_IXFR;
		j->incremental = !j->full && !j->prev_partial;
		break;
	}
	default:
		/* IXFR: nothing newer after all (the SOA raced a change
		 * back, or another primary is behind). */
		j->refreshed = 1;
		if (!j->full) {
			finish(j, SYNC_CURRENT);
			return;
		}
		if (copy_prev(j) < 0)
			return;
		break;
	}
	xfr_free(x);
	j->refreshed = 1;
	log_debug("sync %s: serial %lu by %s, %zu RRs, %zu record sets", j->zone->name,
	    (unsigned long)j->serial, j->xfer == SYNC_XFER_IXFR ? "IXFR" : "AXFR", j->xfer_rrs,
	    zone_set_count(j->desired));
	if (j->adopt) {
		/* Only the incremental plan at the peer's serial is what the
		 * peer sent; anything else is left to the usual path. */
		if (!j->incremental || j->serial != j->adopt_serial)
			finish(j, SYNC_PASSED);
		else
			plan_zone(j);
		return;
	}
	find_zone(j);
}

/* ---- the job ---------------------------------------------------------------------- */

static void
begin(struct loop_timer *t)
{
	struct sync_job *j = LOOP_CONTAINER_OF(t, struct sync_job, kick);
	const struct cfg_zone *z = j->zone;
	struct err e = { 0 };
	/* The failure: fmt with what and why. */
	const char *fmt = "zone %s: %s", *what = z->name, *why = e.msg;

	if (dns_name_from_text(j->xfr.name, sizeof j->xfr.name, z->name, NULL, &e) < 0)
		goto bad;
	if (z->tsig && tsig_key_init(&j->key, z->tsig->name, z->tsig->algorithm, z->tsig->secret,
	    &e) < 0) {
		fmt = "TSIG key %s: %s";
		what = z->tsig->name;
		goto bad;
	}
	if (!z->nprimaries) {
		fmt = "zone %s has no primary%s";
		why = "";
		goto bad;
	}
	if (dns_name_to_r53(j->xfr.name, j->apex, sizeof j->apex) < 0) {
		why = "name too long";
		goto bad;
	}
	read_record(j);
	/* The SOA first in every case: a serial seen before costs no transfer
	 * and no listing. */
	transfer(j, XFR_SOA);
	return;
bad:
	fail(j, fmt, what, why);
}

void
sync_start(struct sync_job *j)
{
	plan_init(&j->plan);
	r53list_init(&j->list);
	zone_changes_init(&j->changes);
	err_clear(&j->err);
	j->started_ms = loop_refresh_now();
	j->step = SYNC_IDLE;
	j->kick.cb = begin;
	/* From the loop, so done() never runs inside sync_start(). */
	loop_timer_in(&j->kick, 0);
}

void
sync_free(struct sync_job *j)
{
	loop_timer_cancel(&j->kick);
	xfr_free(&j->xfr);
	r53_op_free(&j->op);
	free(j->op.user);
	j->op.user = NULL;
	plan_free(&j->plan);
	r53list_free(&j->list);
	zone_changes_free(&j->changes);
	zone_drop(&j->desired);
	zone_drop(&j->synced);
	free(j->synced_soa);
	j->synced_soa = NULL;
	cache_rec_free(&j->rec);
	for (size_t i = 0; i < j->nrefused; i++)
		free(j->refused[i]);
	free(j->refused);
	j->refused = NULL;
	j->nrefused = j->refused_cap = 0;
	free(j->stack);
	j->stack = NULL;
	j->nstack = j->stack_cap = 0;
	memset(&j->key, 0, sizeof j->key);
}

void
sync_cancel(struct sync_job *j)
{
	if (j->step == SYNC_SOA || j->step == SYNC_TRANSFER)
		xfr_cancel(&j->xfr);
	if (j->r53)
		r53_cancel(j->r53, &j->op);
	sync_free(j);
}
