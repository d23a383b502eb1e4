/*
 * cli_dns: the `soa` and `xfr` commands (their options: the table in
 * src/cli/main.c). They run the same xfr jobs on the same poll loop as the
 * daemon, print the result on stdout and a one-line reason on stderr when
 * anything fails (exit status 1).
 *
 *   soa  serial, refresh, retry, expire, minimum, ttl, mname and rname, one
 *        "key value" line each.
 *   xfr  the zone as Route 53 record sets, one per line ("name TTL TYPE
 *        value1 | value2", or JSON lines). With --ixfr: "current" when the
 *        server has nothing newer; else for each version step a line
 *        "; FROM -> TO" and its record sets as the step deletes them ("- "
 *        lines) and adds them ("+ " lines); with --json each set gets
 *        "op":"-" or "+", "from" and "to". A server answering with the full
 *        zone (AXFR-style) prints the zone as without --ixfr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "base/fmt.h"
#include "base/loop.h"
#include "base/num.h"
#include "dns/xfr.h"

static void
done(struct xfr *x)
{
	(void)x;
	loop_stop();
}

static int
parse_serial(const char *s, uint32_t *out)
{
	uint64_t v;

	if (num_parse(s, 0xffffffffu, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* The arguments into x and the job run to its end: an SOA query when
 * json is NULL (the soa command), else a transfer (--ixfr, --json allowed).
 * Returns CMD_OK when the job succeeded, else the exit status. */
static int
run(const struct cmd_args *a, struct xfr *x, int *json)
{
	static struct tsig_key key;
	const char *zone = a->operands[0], *server_arg = a->operands[1];
	struct net_addr server;
	struct err e = { 0 };

	if (a->opt[CMD_OPT_TSIG]) {
		if (tsig_key_parse(&key, a->opt[CMD_OPT_TSIG], &e) < 0) {
			cmd_error("--tsig: %s", e.msg);
			return CMD_USAGE;
		}
		x->key = &key;
	}
	if (a->opt[CMD_OPT_IXFR] && parse_serial(a->opt[CMD_OPT_IXFR], &x->serial) < 0) {
		cmd_error("--ixfr: \"%s\" is not a serial number",
		    a->opt[CMD_OPT_IXFR]);
		return CMD_USAGE;
	}
	if (json)
		*json = a->opt[CMD_OPT_JSON] != NULL;
	if (dns_name_parse(x->name, sizeof x->name, zone, strlen(zone), DNS_NAME_DOT_OPT, NULL,
	    &e) < 0) {
		cmd_error("zone \"%s\": %s", zone, e.msg);
		return CMD_USAGE;
	}
	if (net_addr_parse(&server, server_arg, 53) < 0) {
		cmd_error("server \"%s\" is not IP[:PORT]", server_arg);
		return CMD_USAGE;
	}
	x->kind = !json ? XFR_SOA : a->opt[CMD_OPT_IXFR] ? XFR_IXFR : XFR_AXFR;
	x->servers = &server;
	x->nservers = 1;
	x->done = done;
	xfr_start(x);
	loop_run();
	if (x->err.set) {
		cmd_error("%s", x->err.msg);
		xfr_free(x);
		return CMD_FAIL;
	}
	return CMD_OK;
}

int
cmd_soa(const struct cmd_args *a)
{
	static struct xfr x;
	char mname[DNS_NAME_TEXT_MAX], rname[DNS_NAME_TEXT_MAX];
	int rc = run(a, &x, NULL);

	if (rc != CMD_OK)
		return rc;
	dns_name_to_text(x.soa.mname, mname, sizeof mname);
	dns_name_to_text(x.soa.rname, rname, sizeof rname);
	fmt_printf("serial %u\nrefresh %u\nretry %u\nexpire %u\nminimum %u\nttl %u\nmname %s\n"
	    "rname %s\n", x.soa.serial, x.soa.refresh, x.soa.retry, x.soa.expire, x.soa.minimum,
	    x.soa_ttl, mname, rname);
	xfr_free(&x);
	return fmt_fflush(FMT_STDOUT) == 0 ? CMD_OK : CMD_FAIL;
}

/* One record set of a step, marked as deleted or added. */
static int
print_op(const struct zone *z, size_t i, char op, const struct xfr_step *s, int json)
{
	struct fmt_stream m;
	int rc;

	if (!json) {
		fmt_printf("%c ", op);
		return zone_print_set(z, i, FMT_STDOUT, 0);
	}
	/* The zone's JSON object with "op", "from" and "to" in front. */
	fmt_memstream(&m);
	rc = zone_print_set(z, i, &m, 1);
	if (rc == 0 && m.b.len >= 2 && m.b.data[0] == '{')
		fmt_printf("{\"op\":\"%c\",\"from\":%u,\"to\":%u,%s", op, s->from, s->to,
		    m.b.data + 1);
	else
		rc = -1;
	buf_free(&m.b);
	return rc;
}

int
cmd_xfr(const struct cmd_args *a)
{
	static struct xfr x;
	int json = 0, rc = run(a, &x, &json);

	if (rc != CMD_OK)
		return rc;
	switch (x.outcome) {
	case XFR_GOT_CURRENT:
		if (json)
			fmt_printf("{\"current\":true,\"serial\":%u}\n", x.soa.serial);
		else
			fmt_printf("current\n");
		break;
	case XFR_GOT_DELTA:
		for (size_t i = 0; i < x.nsteps && rc == 0; i++) {
			const struct xfr_step *s = &x.steps[i];
			/* What the step deletes ("-"), then what it adds ("+"). */
			struct zone part[2];
			static const int kind[2] = { ZONE_DEL, ZONE_ADD };

			if (!json)
				fmt_printf("; %u -> %u\n", s->from, s->to);
			/* One step's sets at a time: the delta holds the rest. */
			for (int k = 0; k < 2; k++) {
				zone_init(&part[k]);
				if (rc == 0 && zone_delta_part(&x.delta, s->first, s->end, kind[k],
				    &part[k]) < 0)
					rc = -1;
			}
			for (int k = 0; k < 2; k++) {
				for (size_t j = 0; j < zone_set_count(&part[k]) && rc == 0; j++)
					rc = print_op(&part[k], j, "-+"[k], s, json);
				zone_free(&part[k]);
			}
		}
		break;
	default:
		rc = zone_print(x.zone, FMT_STDOUT, json);
		break;
	}
	xfr_free(&x);
	if (rc < 0 || fmt_fflush(FMT_STDOUT) != 0) {
		cmd_error("cannot write the zone: %s", strerror(errno));
		return CMD_FAIL;
	}
	return CMD_OK;
}
