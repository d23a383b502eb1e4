/*
 * Test driver for the NOTIFY listener (src/dns/notify): loads a config, binds
 * its listen addresses, and prints one line per delivered NOTIFY, for the
 * integration test test/it_notify_named.py.
 *
 *   tool_notify CONFIG
 *
 * Output (stdout, one line each, flushed):
 *   ready                          sockets bound, loop running
 *   notify ZONE SERIAL|- SOURCE    a delivered NOTIFY (SOURCE: IP address)
 *   reloaded | reload failed: MSG  after SIGHUP (the config file re-read)
 *   stats accepted=N refused=N formerr=N tsig_failed=N dropped_acl=N
 *         dropped_rate=N dropped_bad=N truncated=N tcp_accepted=N
 *                                  on SIGUSR1, and on SIGTERM/SIGINT before
 *                                  exiting with status 0
 * Log lines (rate-limited by the listener) go to stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "base/log.h"
#include "base/loop.h"
#include "base/net.h"
#include "dns/notify.h"

static struct notify n;
static struct cfg cfgs[2];
static int cur;
static const char *path;

static void
on_notify(void *arg, const struct cfg_zone *zone, int has_serial, uint32_t serial,
    const struct net_addr *from)
{
	char ip[NET_ADDR_STRLEN];

	(void)arg;
	if (has_serial)
		printf("notify %s %lu %s\n", zone->name, (unsigned long)serial,
		    net_addr_ip_str(from, ip, sizeof ip));
	else
		printf("notify %s - %s\n", zone->name, net_addr_ip_str(from, ip, sizeof ip));
	fflush(stdout);
}

static void
print_stats(void)
{
	const struct notify_stats *s = notify_stats(&n);

	printf("stats accepted=%lu refused=%lu formerr=%lu tsig_failed=%lu dropped_acl=%lu "
	       "dropped_rate=%lu dropped_bad=%lu truncated=%lu tcp_accepted=%lu\n",
	    s->accepted, s->refused, s->formerr, s->tsig_failed, s->dropped_acl, s->dropped_rate,
	    s->dropped_bad, s->truncated, s->tcp_accepted);
	fflush(stdout);
}

static void
on_signal(int signo)
{
	struct err e = { 0 };

	if (signo == SIGUSR1) {
		print_stats();
	} else if (signo == SIGHUP) {
		/* The new config goes into the other slot; the old one is freed
		 * only once the listener runs on the new one. */
		if (cfg_load(&cfgs[!cur], path, &e) < 0 || notify_reload(&n, &cfgs[!cur], &e) < 0) {
			cfg_free(&cfgs[!cur]);
			printf("reload failed: %s\n", e.msg);
		} else {
			cfg_free(&cfgs[cur]);
			cur = !cur;
			printf("reloaded\n");
		}
		fflush(stdout);
	} else {
		print_stats();
		loop_stop();
	}
}

int
main(int argc, char **argv)
{
	struct notify_handler h = { .on_notify = on_notify };
	struct err e = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: tool_notify CONFIG\n");
		return 2;
	}
	path = argv[1];
	if (cfg_load(&cfgs[cur], path, &e) < 0 || notify_init(&n, &cfgs[cur], &h, &e) < 0 ||
	    notify_bind(&n, &e) < 0 || notify_start(&n, &e) < 0) {
		fprintf(stderr, "tool_notify: %s\n", e.msg);
		return 1;
	}
	if (cfgs[cur].log_debug)
		log_set_level(LOG_LEVEL_DEBUG);
	loop_signal(SIGTERM, on_signal);
	loop_signal(SIGINT, on_signal);
	loop_signal(SIGHUP, on_signal);
	loop_signal(SIGUSR1, on_signal);
	printf("ready\n");
	fflush(stdout);
	loop_run();
	notify_free(&n);
	cfg_free(&cfgs[cur]);
	return 0;
}
