/*
 * cli_sync: the `plan` and `sync` commands (their options: the table in
 * src/cli/main.c). Both run one sync job per zone (src/sync/sync) on the
 * same poll loop as the daemon, SYNC_CLI_JOBS zones at a time, and print
 * the zones in the order they were given or configured.
 *
 *   plan
 *       the changes a sync would make (plan_print: "+" create, "~" update
 *       with old and new values, "-" delete, notes, refusal, counts;
 *       coloured on a terminal; JSON Lines with --json), each zone after a
 *       "# ZONE (public hosted zone ID) serial N" line (text only; the
 *       hosted zone named by sync_job_zone). Exit 0: no
 *       changes; 2: changes pending; 1: any zone failed.
 *   sync
 *       applies. One line per zone on stdout, the daemon's (sync_job_zone,
 *       sync_result):
 *         ZONE (private hosted zone ID): serial N by AXFR, 12 created, 3
 *         updated, 1 deleted in 2 batches; API calls: ...; 0.42 s
 *       then a total line; failures, refusals and Route 53's messages on
 *       stderr. --dry-run prints the plan instead of applying it, --force
 *       applies a plan the safety check refused, --wait polls GetChange
 *       until Route 53 says INSYNC. Exit 1 when any zone failed, was
 *       refused or had record sets refused by Route 53 or left out by the
 *       plan (error notes).
 *
 * Zones: ZONE arguments pick among the configured ones (domains_to_manage,
 * zones); with domains_to_manage_from_aws every hosted zone of the account
 * (ListHostedZones, paged) is added, transferred from notify_servers[0].
 * -c FILE, default /etc/notify53/config.json; -v or DEBUG=1: debug logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/acct.h"
#include "config/cfg.h"
#include "cli/cmd.h"
#include "codec/dns.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/loop.h"
#include "base/str.h"
#include "cli/plan_print.h"
#include "sync/plan.h"
#include "aws/r53.h"
#include "sync/cache.h"
#include "sync/sync.h"

struct run {
	struct cfg cfg;
	struct r53 client;
	int plan;                /* the plan command */
	int json, dry_run, force, wait, full;
	const char *cache_dir;   /* sync records, or NULL */
	struct pick {            /* per zone to work on */
		const struct cfg_zone *zone;
		const char *id;  /* known hosted zone ID (account listing) or NULL */
		struct sync_job *job;
	} *picks;
	struct found {           /* per zone: the ID find_ids took from the listing */
		char id[R53_MAX_ID];
		int private_zone;
	} *found;
	struct r53_op listing;   /* the account's hosted zones, when listed */
	size_t nzones;
	struct cfg_zone *aws;    /* zones found in the account */
	size_t naws;
	size_t started, ended, printed;
	int failed, pending;
	int64_t t0;
};

/* On the heap (main_run): the r53 client's TLS buffers make it about
 * 180 KB, which static storage would add to every command's memory. */
static struct run *run;

/* ---- printing ------------------------------------------------------------------- */

static void
print_notes(const struct sync_job *j, const char *zone)
{
	for (size_t i = 0; i < j->plan.nnotes; i++) {
		const struct plan_note *n = &j->plan.notes[i];

		if (n->level == PLAN_INFO)
			log_debug("%s: note: %s", zone, n->text);
		else
			cmd_error("%s: %s: %s", zone,
			    n->level == PLAN_WARN ? "warning" : "error", n->text);
	}
}

/* j's plan on stdout: JSON Lines, or text coloured on a terminal. */
static void
show_plan(const struct sync_job *j, int json)
{
	struct plan_opts o;

	plan_opts_init(&o, j->zone);
	plan_print(&j->plan, &o, j->zone_id, j->zone_private, FMT_STDOUT,
	    json ? PLAN_PRINT_JSON : isatty(STDOUT_FILENO) ? PLAN_PRINT_COLOR : 0);
}

static void
print_plan(struct sync_job *j)
{
	char zone[SYNC_ZONE_TEXT_MAX];

	if (j->status == SYNC_FAILED) {
		cmd_error("%s: %s", sync_job_zone(j, zone, sizeof zone), j->err.msg);
		run->failed = 1;
		return;
	}
	if (!run->json)
		fmt_printf("# %s serial %lu, %s", sync_job_zone(j, zone, sizeof zone),
		    (unsigned long)j->serial, j->basis == SYNC_BASIS_RECORD ?
		    "compared with the sync record at serial " : j->status == SYNC_CURRENT ?
		    "current as the sync record says\n" : "compared with a full listing\n");
	if (!run->json && j->basis == SYNC_BASIS_RECORD)
		fmt_printf("%lu\n", (unsigned long)j->record_serial);
	show_plan(j, run->json);
	if (j->plan.nchanges)
		run->pending = 1;
}

static void
print_sync(struct sync_job *j)
{
	char line[SYNC_RESULT_MAX], zone[SYNC_ZONE_TEXT_MAX];

	sync_job_zone(j, zone, sizeof zone);
	if (j->dry_run && j->status != SYNC_FAILED)
		show_plan(j, 0);
	else
		print_notes(j, zone);
	for (size_t i = 0; i < j->nrefused; i++)
		cmd_error("%s: Route 53 refused %s", zone, j->refused[i]);
	if (j->status == SYNC_FAILED || j->status == SYNC_UNSAFE)
		cmd_error("%s: %s%s", zone,
		    j->status == SYNC_UNSAFE ? "refused: " : "", j->err.msg);
	fmt_printf("%s: %s\n", zone, sync_result(j, line, sizeof line));
	/* A set the plan had to leave out (an error note: a value Route 53
	 * cannot take) is missing from Route 53 as a refused one would be. */
	if ((j->status != SYNC_OK && j->status != SYNC_CURRENT) || (j->plan.nerrors && !j->dry_run))
		run->failed = 1;
}

/* ---- jobs --------------------------------------------------------------------------- */

static void start_jobs(void);

/* Print and free the finished jobs at the head of the list, in order. */
static void
flush_jobs(void)
{
	while (run->printed < run->started && run->picks[run->printed].job->step == SYNC_DONE) {
		struct sync_job *j = run->picks[run->printed].job;

		if (run->plan)
			print_plan(j);
		else
			print_sync(j);
		fmt_fflush(FMT_STDOUT);
		sync_free(j);
		free(j);
		run->picks[run->printed++].job = NULL;
	}
}

static void
job_done(struct sync_job *j)
{
	(void)j;
	run->ended++;
	flush_jobs();
	start_jobs();
	if (run->ended == run->nzones)
		loop_stop();
}

static void
start_jobs(void)
{
	while (run->started < run->nzones && run->started - run->printed < SYNC_CLI_JOBS) {
		struct sync_job *j = calloc(1, sizeof *j);
		const struct pick *pk = &run->picks[run->started];

		if (!j) {
			cmd_error("out of memory");
			run->failed = 1;
			loop_stop();
			return;
		}
		run->picks[run->started++].job = j;
		j->zone = pk->zone;
		j->r53 = &run->client;
		j->safety = run->cfg.safety;
		j->dry_run = run->plan || run->dry_run;
		j->force = run->force;
		j->wait = run->wait;
		j->cache_dir = run->cache_dir;
		j->reconcile = run->cfg.reconcile_interval;
		j->full = run->full;
		j->done = job_done;
		if (pk->id) {
			const struct found *f = run->found ? &run->found[pk - run->picks] : NULL;

			str_copy(j->zone_id, sizeof j->zone_id, pk->id);
			j->zone_private = f && pk->id == f->id ? f->private_zone :
			    j->zone->kind == CFG_ZONE_PRIVATE;
		}
		sync_start(j);
	}
}

/* ---- zones ---------------------------------------------------------------------------- */

static void
listed_zones(struct r53_op *op)
{
	(void)op;
	loop_stop();
}

/* Every hosted zone of the account (ListHostedZones, paged) into
 * run->listing. Returns 0, or -1 with the reason printed. */
static int
list_account(const char *why)
{
	r53_op_list_zones(&run->listing, listed_zones);
	r53_submit(&run->client, &run->listing);
	loop_run();
	if (run->listing.status != R53_OK) {
		cmd_error("%s: %s", why, run->listing.err.msg);
		return -1;
	}
	return 0;
}

/* Every hosted zone of the account, transferred from notify_servers[0].
 * Returns 0, or -1 with the reason printed. */
static int
account_zones(void)
{
	struct err e = { 0 };

	if (list_account("domains_to_manage_from_aws") < 0)
		return -1;
	if (acct_zones(&run->cfg, &run->listing, &run->aws, &run->naws, &e) < 0) {
		cmd_error("%s", e.msg);
		return -1;
	}
	return 0;
}

/* Hosted zone IDs from the account's listing for the zones that have none
 * (no hosted_zone_id, no sync record), when more than a few lack one: one
 * ListHostedZones page per 100 zones of the account instead of one
 * ListHostedZonesByName per zone. A zone it cannot tell is looked up by
 * its job as before. Returns 0, or -1 with the reason printed. */
static int
find_ids(void)
{
	size_t lack = 0;

	for (size_t i = 0; i < run->nzones; i++)
		lack += !run->picks[i].id && !run->picks[i].zone->hosted_zone_id &&
		    !(run->cache_dir && cache_exists(run->cache_dir, run->picks[i].zone));
	if (lack < SYNC_LIST_ZONES_MIN)
		return 0;
	if (!run->cfg.zones_from_aws && list_account("finding the hosted zones") < 0)
		return -1;
	if (!(run->found = calloc(run->nzones + 1, sizeof *run->found))) {
		cmd_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->nzones; i++)
		if (!run->picks[i].id && !run->picks[i].zone->hosted_zone_id &&
		    acct_zone_id(run->listing.zones, run->listing.nzones, run->picks[i].zone,
		    run->found[i].id, &run->found[i].private_zone) == 0)
			run->picks[i].id = run->found[i].id;
	return 0;
}

/* Is z the zone called name (any case, trailing dot optional)? */
static int
zone_is(const struct cfg_zone *z, const char *name)
{
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];

	return dns_name_parse(a, sizeof a, name, strlen(name), DNS_NAME_DOT_OPT, NULL, NULL) >= 0 &&
	    dns_name_from_text(b, sizeof b, z->name, NULL, NULL) >= 0 && dns_name_equal(a, b);
}

/* The zones to work on: the arguments among the configured and the
 * account's zones, or all of them. Returns 0, or -1 with the reason
 * printed. */
static int
pick_zones(char **names, int nnames)
{
	size_t all = (size_t)run->cfg.nzones + run->naws, n = 0;

	if (!(run->picks = calloc(all + 1, sizeof *run->picks))) {
		cmd_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < all; i++) {
		const struct cfg_zone *z = i < (size_t)run->cfg.nzones ? &run->cfg.zones[i] :
		    &run->aws[i - (size_t)run->cfg.nzones];
		int want = nnames == 0;

		for (int k = 0; k < nnames && !want; k++)
			want = zone_is(z, names[k]);
		if (!want)
			continue;
		run->picks[n].zone = z;
		/* IDs from the account's listing need no GetHostedZone check. */
		run->picks[n++].id = i < (size_t)run->cfg.nzones ? NULL : z->hosted_zone_id;
	}
	for (int k = 0; k < nnames; k++) {
		int found = 0;

		for (size_t i = 0; i < n && !found; i++)
			found = zone_is(run->picks[i].zone, names[k]);
		if (!found) {
			cmd_error("zone %s is not in %s%s", names[k], run->cfg.path,
			    run->cfg.zones_from_aws ? " nor in the account" : "");
			return -1;
		}
	}
	run->nzones = n;
	return 0;
}

static void
cleanup(void)
{
	for (size_t i = 0; i < run->started; i++)
		if (run->picks && run->picks[i].job) {
			sync_cancel(run->picks[i].job);
			free(run->picks[i].job);
		}
	r53_free(&run->client);
	acct_zones_free(run->aws, run->naws);
	r53_op_free(&run->listing);
	free(run->found);
	free(run->picks);
	cfg_free(&run->cfg);
}

static int
run_main(const struct cmd_args *a, int plan)
{
	const char *path = a->opt[CMD_OPT_CONFIG] ? a->opt[CMD_OPT_CONFIG] : CFG_DEFAULT_PATH;
	int rc;
	struct err e = { 0 };

	run->plan = plan;
	run->json = a->opt[CMD_OPT_JSON] != NULL;
	run->dry_run = a->opt[CMD_OPT_DRY_RUN] != NULL;
	run->force = a->opt[CMD_OPT_FORCE] != NULL;
	run->wait = a->opt[CMD_OPT_WAIT] != NULL;
	run->full = a->opt[CMD_OPT_FULL] != NULL;
	if (cfg_load(&run->cfg, path, &e) < 0) {
		cmd_error("%s", e.msg);
		return CMD_FAIL;
	}
	/* -v was applied by main. */
	if (run->cfg.log_debug)
		log_set_level(LOG_LEVEL_DEBUG);
	run->cache_dir = cache_dir(&run->cfg);
	run->t0 = loop_refresh_now();
	rc = CMD_FAIL;
	if (r53_init(&run->client, &run->cfg.aws, &e) < 0)
		cmd_error("%s", e.msg);
	else if ((!run->cfg.zones_from_aws || account_zones() == 0) &&
	    pick_zones(a->operands, a->noperands) == 0 && find_ids() == 0) {
		start_jobs();
		if (run->nzones)
			loop_run();
		if (!plan) {
			char calls[256];

			fmt_printf("%zu zone%s, %s; API calls: %s; %.2f s\n", run->nzones,
			    run->nzones == 1 ? "" : "s",
			    run->failed ? "some failed" : run->dry_run ? "dry run" : "all in sync",
			    r53_calls_text(run->client.calls, calls, sizeof calls),
			    (double)(loop_refresh_now() - run->t0) / 1000);
		}
		rc = run->failed || run->ended < run->nzones ? CMD_FAIL : plan && run->pending ? 2 : CMD_OK;
	}
	if (fmt_fflush(FMT_STDOUT) != 0)
		rc = CMD_FAIL;
	cleanup();
	return rc;
}

static int
main_run(const struct cmd_args *a, int plan)
{
	int rc;

	if (!(run = calloc(1, sizeof *run))) {
		cmd_error("out of memory (%zu bytes)", sizeof *run);
		return CMD_FAIL;
	}
	rc = run_main(a, plan);
	free(run);
	run = NULL;
	return rc;
}

int
cmd_plan(const struct cmd_args *a)
{
	return main_run(a, 1);
}

int
cmd_sync(const struct cmd_args *a)
{
	return main_run(a, 0);
}
