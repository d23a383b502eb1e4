/*
 * cli_config: the `check-config` command: load and validate the
 * configuration file (src/config/cfg), then print what it means: the
 * listen addresses, who may send NOTIFY, each zone with its primaries,
 * hosted zone, TSIG key and ignore rules, the timers, the safety limits,
 * the AWS endpoint and the proxy (from the config or the environment).
 */
#include <stdio.h>

#include "base/fmt.h"
#include "base/net.h"
#include "cli/cmd.h"
#include "codec/rr.h"
#include "config/cfg.h"
#include "net/proxy.h"

/* " ADDR" for each of a[0..n). */
static void
print_addrs(const struct net_addr *a, int n)
{
	char text[NET_ADDR_STRLEN];

	for (int i = 0; i < n; i++)
		fmt_printf(" %s", net_addr_str(&a[i], text, sizeof text));
}

static void
print_zone(const struct cfg_zone *z)
{
	fmt_printf("zone %s\n  primaries:", z->name);
	print_addrs(z->primaries, z->nprimaries);
	fmt_printf("\n  hosted zone: %s\n",
	    z->hosted_zone_id                 ? z->hosted_zone_id :
		z->kind == CFG_ZONE_PRIVATE ? "by name, private" :
		z->kind == CFG_ZONE_PUBLIC  ? "by name, public" :
						    "by name, public preferred");
	if (z->tsig)
		fmt_printf("  tsig key: %s (%s)\n", z->tsig->name, z->tsig->algorithm);
	fmt_printf("  sync soa: %s\n", z->sync_soa ? "yes" : "no");
	for (int i = 0; i < z->nignore; i++) {
		fmt_printf("  ignore: name %s, type", z->ignore[i].name ? z->ignore[i].name : "*");
		if (!z->ignore[i].ntypes)
			fmt_printf(" any");
		for (int j = 0; j < z->ignore[i].ntypes; j++) {
			char tbuf[RR_TYPE_NAME_MAX];

			fmt_printf(" %s", rr_type_name(z->ignore[i].types[j], tbuf));
		}
		fmt_printf("\n");
	}
}

/* lead, then " SCHEME via HOST:PORT (FROM)" or " SCHEME direct". */
static void
print_proxy(const char *lead, const char *scheme, const struct proxy *p, const char *from)
{
	if (p->url.host[0])
		fmt_printf("%s %s via %s (%s)", lead, scheme, p->url.hostport, from);
	else
		fmt_printf("%s %s direct", lead, scheme);
}

int
cmd_check_config(const struct cmd_args *args)
{
	const char *path = args->opt[CMD_OPT_CONFIG] ? args->opt[CMD_OPT_CONFIG] : CFG_DEFAULT_PATH;
	struct cfg c;
	struct proxy_conf pc;
	struct err e = { 0 };
	char a[NET_ADDR_STRLEN];
	int rc = CMD_OK;

	if (cfg_load(&c, path, &e) < 0) {
		cmd_error("%s", e.msg);
		return CMD_FAIL;
	}
	fmt_printf("%s: ok\nlisten:", path);
	print_addrs(c.listen, c.nlisten);
	fmt_printf("\nnotify from:");
	for (int i = 0; i < c.nnotify_from; i++)
		fmt_printf(" %s/%d", net_addr_ip_str(&c.notify_from[i].addr, a, sizeof a),
		    c.notify_from[i].prefix);
	fmt_printf("%s\n", c.nnotify_from ? "" : " each zone's primaries");
	if (c.zones_from_aws)
		fmt_printf("zones: every hosted zone of the account, from %s\n",
		    net_addr_str(&c.notify_from[0].addr, a, sizeof a));
	for (int i = 0; i < c.nzones; i++)
		print_zone(&c.zones[i]);
	/* refresh_min is a floor (README: the shortest refresh interval,
	 * whatever the SOA says). */
	fmt_printf("refresh: as the SOA says, never more often than every %ds; full reconcile "
	    "every %ds\n", c.refresh_min, c.reconcile_interval);
	for (int i = 0; i < c.npeers; i++)
		fmt_printf("peer %s, tsig key %s\n", net_addr_str(&c.peers[i].addr, a, sizeof a),
		    c.peers[i].tsig->name);
	if (c.npeers)
		fmt_printf("peer_wait: %ds (%s)\n", c.peer_wait, c.peer_wait ? "standby: a peer writes "
		    "first" : "active: writes at once");
	fmt_printf("safety: at most %d%% deleted, %d%% updated (from %d record sets)\n",
	    c.safety.max_delete_percent, c.safety.max_update_percent, c.safety.min_existing);
	fmt_printf("aws: %s, region %s, at most %g requests/s\n",
	    c.aws.endpoint ? c.aws.endpoint : "https://route53.amazonaws.com",
	    c.aws.region ? c.aws.region : "us-east-1", c.aws.max_requests_per_second);
	if (proxy_conf_init(&pc, c.aws.proxy, &e) < 0) {
		cmd_error("%s", e.msg);
		rc = CMD_FAIL;
	} else {
		print_proxy("proxy:", "https", &pc.https, pc.https_from);
		print_proxy(",", "http", &pc.http, pc.http_from);
		fmt_printf("%s%.200s\n", pc.no_proxy ? "; NO_PROXY " : "",
		    pc.no_proxy ? pc.no_proxy : "");
		proxy_conf_free(&pc);
	}
	cfg_free(&c);
	return rc;
}
