/*
 * resolve: non-blocking host name resolution for the AWS endpoint, on the
 * poll loop, with the project's own DNS codec (never getaddrinfo, which
 * blocks).
 *
 * Order, as a libc stub resolver: an IP literal is its own answer;
 * "localhost" and names under it are loopback (RFC 6761 section 6.3); then
 * /etc/hosts; then a small cache of earlier answers (kept for their TTL);
 * then A and AAAA queries over UDP to the nameservers of /etc/resolv.conf in
 * turn (options timeout: and attempts: honoured; 127.0.0.1 when none is
 * listed, as glibc does), following CNAME chains inside the answer. The
 * search list is not used: the endpoint is a fully qualified name.
 * Answers must come from the server asked (connected sockets), carry the
 * query's random ID and echo its question.
 */
#ifndef NOTIFY53_RESOLVE_H
#define NOTIFY53_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/net.h"

struct resolve_query {
	/* Called once from the loop with the result (also for literals). */
	void (*done)(struct resolve_query *q);

	/* Results, valid in done(): naddrs > 0, or err says why not. IPv4
	 * addresses come first. Each has the port given to resolve_start. */
	struct net_addr addrs[RESOLVE_MAX_ADDRS];
	size_t naddrs;
	struct err err;

	/* internal */
	int active;
	int delivering;       /* the timer delivers the result (not a timeout) */
	char host[RESOLVE_MAX_NAME];
	uint8_t qname[256];
	int port;
	const char *hosts_path, *resolv_path;
	struct net_addr servers[RESOLVE_MAX_SERVERS];
	size_t nservers, server;
	int timeout_ms, attempts, attempt;
	int fd;
	struct loop_io io;
	struct loop_timer timer;
	uint16_t id[2];       /* A, AAAA */
	int answered[2];
	uint32_t ttl;
};

/* Resolve host for port; done() runs later from the loop. hosts and
 * resolv_conf name the files to read (NULL: /etc/hosts, /etc/resolv.conf;
 * tests point them elsewhere). q must stay alive until done() or
 * resolve_cancel. */
void resolve_start(struct resolve_query *q, const char *host, int port, const char *hosts,
	const char *resolv_conf);

/* Stop a running query; done() will not be called. Safe when idle. */
void resolve_cancel(struct resolve_query *q);

/* Forget every cached answer. */
void resolve_flush_cache(void);

#endif
