/*
 * Test driver for src/aws/r53 (with src/aws/creds): runs Route 53 operations on the
 * poll loop against the endpoint of a config file and prints one line per
 * result for the integration tests (test/it_r53_*.py).
 *
 *   tool_r53 -c CONFIG [--clock EPOCH] [--parallel] OP...
 *     zones                       ListHostedZones, every page
 *     find:NAME[:public|private]  the hosted zones called NAME, and the pick
 *     get:ZONE_ID                 GetHostedZone
 *     list:ZONE_ID                ListResourceRecordSets, every page
 *     change:ZONE_ID:FILE[:COMMENT]  ChangeResourceRecordSets with the changes of
 *                                 FILE, a JSON array of {"action", "name", "type",
 *                                 "ttl", "values"}
 *     getchange:CHANGE_ID         GetChange once
 *     wait:CHANGE_ID              GetChange until INSYNC
 *     sleep:MS                    wait (prints "slept"), e.g. while a test
 *                                 changes the emulator
 *     --clock EPOCH   the wall clock says this (a clock that is not set)
 *     --parallel      submit every operation at once (else one after another)
 *     --stdin         then read more operations from stdin, one a line, each
 *                     run when the line arrives (a test drives it step by step)
 *
 * Output: "result N KIND status=S requests=R code=C change=ID insync=0|1
 * zones=Z sets=S", then "error MSG", "message M" (each InvalidChangeBatch
 * message), "zone ID NAME public|private COUNT", "pick I|error", and at the
 * end "calls NAME=N ... retries=R throttled=T". Secrets are never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "cJSON.h"
#include "config/cfg.h"
#include "base/loop.h"
#include "aws/r53.h"
#include "codec/rr.h"

struct job {
	struct r53_op op;
	int index;
	char spec[1024];
	char *arg, *arg2, *arg3;
	struct r53list list;
	struct r53_change *changes;
	size_t nchanges;
	cJSON *json;          /* owns the change strings */
	const char **values;  /* all values, set after set */
	int sleep_ms;
	struct loop_timer timer;
};

static struct r53 client;
static struct job *jobs;
static int njobs, next_job, parallel, failures, finished;
static time_t fixed_clock;

#define STDIN_MAX_JOBS 4096
static int from_stdin, stdin_open;
static struct loop_io in_io;
static char in_buf[2048];
static size_t in_len;

static time_t
tool_clock(void)
{
	return fixed_clock;
}

/* Indexed by enum r53_kind (src/aws/r53_op.h), in its order. */
static const char *const kinds[] = { "zones", "find", "get", "list", "soa", "change",
	"getchange", "wait" };

static void run_next(void);

static void
job_done(struct r53_op *op)
{
	struct job *j = LOOP_CONTAINER_OF(op, struct job, op);
	struct err e = { 0 };

	printf("result %d %s status=%s requests=%u code=%s change=%s insync=%d zones=%zu sets=%zu\n",
	    j->index, kinds[op->kind], r53_status_name(op->status), op->requests,
	    op->code[0] ? op->code : "-", op->change_id[0] ? op->change_id : "-", op->insync,
	    op->nzones, r53list_count(&j->list));
	if (op->status != R53_OK) {
		failures++;
		printf("error %s\n", op->err.msg);
	}
	for (size_t i = 0; i < op->nmessages; i++)
		printf("message %s\n", op->messages[i]);
	for (size_t i = 0; i < op->nzones; i++)
		printf("zone %s %s %s %ld\n", op->zones[i].id, op->zones[i].name,
		    op->zones[i].private_zone ? "private" : "public", op->zones[i].rrset_count);
	if (op->kind == R53_FIND_ZONE && op->status == R53_OK) {
		enum cfg_zone_kind k = !j->arg2 ? CFG_ZONE_ANY : !strcmp(j->arg2, "private") ?
		    CFG_ZONE_PRIVATE : CFG_ZONE_PUBLIC;
		int i = r53_zone_pick(op, k, &e);

		if (i < 0)
			printf("pick error %s\n", e.msg);
		else
			printf("pick %d %s\n", i, op->zones[i].id);
	}
	fflush(stdout);
	finished++;
	if (!parallel)
		run_next();
}

/* Changes from a JSON file. Returns 0 or -1. */
static int
load_changes(struct job *j, const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4 * 1024 * 1024];
	size_t n, nv = 0, k = 0;
	const cJSON *c;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(j->json = cJSON_Parse(buf)) || !cJSON_IsArray(j->json))
		return -1;
	j->nchanges = (size_t)cJSON_GetArraySize(j->json);
	cJSON_ArrayForEach(c, j->json)
		nv += (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(c, "values"));
	j->changes = calloc(j->nchanges + 1, sizeof *j->changes);
	j->values = calloc(nv + 1, sizeof *j->values);
	if (!j->changes || !j->values)
		return -1;
	nv = 0;
	cJSON_ArrayForEach(c, j->json) {
		struct r53_change *ch = &j->changes[k++];
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(c, "action"));
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(c, "type"));
		const cJSON *v;

		if (!a || !t)
			return -1;
		ch->action = !strcmp(a, "CREATE") ? R53_CREATE : !strcmp(a, "DELETE") ? R53_DELETE :
		    R53_UPSERT;
		ch->set.name = cJSON_GetStringValue(cJSON_GetObjectItem(c, "name"));
		ch->set.type = (uint16_t)rr_type_parse(t, strlen(t));
		ch->set.ttl = (uint32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(c, "ttl"));
		ch->set.values = j->values + nv;
		cJSON_ArrayForEach(v, cJSON_GetObjectItem(c, "values")) {
			j->values[nv++] = cJSON_GetStringValue(v);
			ch->set.nvalues++;
		}
	}
	return 0;
}

/* Parse "kind:arg[:arg2[:arg3]]" into j and initialise its op. */
static int
parse_job(struct job *j, const char *spec, int index)
{
	char *p;

	memset(j, 0, sizeof *j);
	j->index = index;
	r53list_init(&j->list);
	snprintf(j->spec, sizeof j->spec, "%s", spec);
	if ((p = strchr(j->spec, ':'))) {
		*p = '\0';
		j->arg = p + 1;
		if ((p = strchr(j->arg, ':'))) {
			*p = '\0';
			j->arg2 = p + 1;
			if ((p = strchr(j->arg2, ':'))) {
				*p = '\0';
				j->arg3 = p + 1;
			}
		}
	}
	if (!strcmp(j->spec, "sleep") && j->arg && (j->sleep_ms = atoi(j->arg)) > 0)
		return 0;
	if (!strcmp(j->spec, "zones"))
		r53_op_list_zones(&j->op, job_done);
	else if (!strcmp(j->spec, "find") && j->arg)
		r53_op_find_zone(&j->op, j->arg, job_done);
	else if (!strcmp(j->spec, "get") && j->arg)
		r53_op_get_zone(&j->op, j->arg, job_done);
	else if (!strcmp(j->spec, "list") && j->arg)
		r53_op_list_sets(&j->op, j->arg, &j->list, job_done);
	else if (!strcmp(j->spec, "change") && j->arg && j->arg2 && load_changes(j, j->arg2) == 0)
		r53_op_change(&j->op, j->arg, j->changes, j->nchanges, j->arg3, job_done);
	else if (!strcmp(j->spec, "getchange") && j->arg)
		r53_op_get_change(&j->op, j->arg, 0, job_done);
	else if (!strcmp(j->spec, "wait") && j->arg)
		r53_op_get_change(&j->op, j->arg, 1, job_done);
	else
		return -1;
	return 0;
}

static void
slept(struct loop_timer *t)
{
	printf("slept\n");
	fflush(stdout);
	finished++;
	(void)t;
	if (!parallel)
		run_next();
}

static void
run_next(void)
{
	while (next_job < njobs) {
		struct job *j = &jobs[next_job++];

		if (j->sleep_ms) {
			j->timer.cb = slept;
			loop_timer_in(&j->timer, j->sleep_ms);
		} else {
			r53_submit(&client, &j->op);
		}
		if (!parallel)
			return;
	}
}

static int parse_job(struct job *j, const char *spec, int index);

/* --stdin: each complete line is one more operation. */
static void
on_stdin(struct loop_io *io, short revents)
{
	ssize_t n = read(io->fd, in_buf + in_len, sizeof in_buf - 1 - in_len);
	char *nl;

	(void)revents;
	if (n <= 0) {
		loop_io_del(io);
		stdin_open = 0;
		return;
	}
	in_len += (size_t)n;
	while ((nl = memchr(in_buf, '\n', in_len))) {
		*nl = '\0';
		if (in_buf[0] && njobs < STDIN_MAX_JOBS) {
			if (parse_job(&jobs[njobs], in_buf, njobs) < 0) {
				printf("bad op %s\n", in_buf);
				fflush(stdout);
			} else {
				njobs++;
				if (next_job == njobs - 1 && finished == next_job)
					run_next();
			}
		}
		in_len -= (size_t)(nl + 1 - in_buf);
		memmove(in_buf, nl + 1, in_len);
	}
	if (in_len == sizeof in_buf - 1)
		in_len = 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: tool_r53 -c CONFIG [--clock EPOCH] [--parallel] OP...\n");
	return 64;
}

int
main(int argc, char **argv)
{
	static struct cfg c;
	struct err e = { 0 };
	const char *path = NULL;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--clock") && i + 1 < argc)
			fixed_clock = (time_t)atoll(argv[++i]);
		else if (!strcmp(argv[i], "--parallel"))
			parallel = 1;
		else if (!strcmp(argv[i], "--stdin"))
			from_stdin = 1;
		else
			return usage();
	}
	if (!path || (i == argc && !from_stdin))
		return usage();
	if (cfg_load(&c, path, &e) < 0 || r53_init(&client, &c.aws, &e) < 0) {
		fprintf(stderr, "tool_r53: %s\n", e.msg);
		return 2;
	}
	if (fixed_clock)
		r53_set_clock(&client, tool_clock);
	njobs = argc - i;
	jobs = calloc(from_stdin ? STDIN_MAX_JOBS : (size_t)njobs, sizeof *jobs);
	for (int k = 0; k < njobs; k++)
		if (parse_job(&jobs[k], argv[i + k], k) < 0)
			return usage();
	run_next();
	if (from_stdin) {
		in_io.fd = 0;
		in_io.events = POLLIN;
		in_io.cb = on_stdin;
		stdin_open = loop_io_add(&in_io) == 0;
	}
	while ((finished < njobs || stdin_open) && loop_once(-1) > 0)
		;
	printf("calls");
	for (int a = 0; a < R53_API_COUNT; a++)
		printf(" %s=%lu", r53_api_name((enum r53_api)a), client.calls[a]);
	printf(" retries=%lu throttled=%lu\n", client.retries, client.throttled);
	for (int k = 0; k < njobs; k++) {
		r53_op_free(&jobs[k].op);
		r53list_free(&jobs[k].list);
		cJSON_Delete(jobs[k].json);
		free(jobs[k].changes);
		free(jobs[k].values);
	}
	free(jobs);
	r53_free(&client);
	cfg_free(&c);
	return failures ? 1 : 0;
}
