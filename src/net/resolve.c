#include "net/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec/dns.h"
#include "base/afile.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/num.h"
#include "base/rnd.h"
#include "base/str.h"

/* Our EDNS UDP size (RFC 6891; 1232 avoids fragmentation, DNS flag day
 * 2020), and the receive buffer that holds any such answer. */
#define EDNS_SIZE 1232
#define RECV_MAX 4096

enum { QA, QAAAA };

static const unsigned qtype[2] = { DNS_TYPE_A, DNS_TYPE_AAAA };

/* ---- cache ------------------------------------------------------------------ */

struct cache_ent {
	char host[RESOLVE_MAX_NAME];
	struct net_addr addrs[RESOLVE_MAX_ADDRS];
	size_t n;
	int64_t expires; /* loop_now() milliseconds */
};

static struct cache_ent cache[RESOLVE_CACHE];

void
resolve_flush_cache(void)
{
	memset(cache, 0, sizeof cache);
}

static void
cache_put(const struct resolve_query *q)
{
	struct cache_ent *slot = &cache[0];
	int64_t now = loop_now();
	uint32_t ttl = q->ttl > RESOLVE_MAX_TTL ? RESOLVE_MAX_TTL : q->ttl;

	if (ttl == 0)
		return;
	/* The same name, else a free or expired slot, else the oldest. */
	for (size_t i = 0; i < RESOLVE_CACHE; i++) {
		if (!str_casecmp(cache[i].host, q->host)) {
			slot = &cache[i];
			break;
		}
		if (cache[i].expires < slot->expires)
			slot = &cache[i];
	}
	str_copy(slot->host, sizeof slot->host, q->host);
	memcpy(slot->addrs, q->addrs, q->naddrs * sizeof q->addrs[0]);
	slot->n = q->naddrs;
	slot->expires = now + (int64_t)ttl * 1000;
}

static int
cache_get(struct resolve_query *q)
{
	int64_t now = loop_now();

	for (size_t i = 0; i < RESOLVE_CACHE; i++) {
		if (cache[i].n && cache[i].expires > now && !str_casecmp(cache[i].host, q->host)) {
			/* The addresses with this query's port, not the port of
			 * the query that filled the entry. */
			for (size_t k = 0; k < cache[i].n; k++) {
				const unsigned char *ip;
				size_t n = net_addr_ip(&cache[i].addrs[k], &ip);

				net_addr_from_ip(&q->addrs[k], ip, n, q->port);
			}
			q->naddrs = cache[i].n;
			return 1;
		}
	}
	return 0;
}

/* ---- answers without a query ------------------------------------------------ */

static void
add_addr(struct resolve_query *q, const unsigned char *ip, size_t len)
{
	struct net_addr a;

	if (q->naddrs == RESOLVE_MAX_ADDRS)
		return;
	net_addr_from_ip(&a, ip, len, q->port);
	for (size_t i = 0; i < q->naddrs; i++)
		if (net_addr_equal(&q->addrs[i], &a))
			return;
	q->addrs[q->naddrs++] = a;
}

/* An IP address in text, IPv6 possibly in brackets. */
static int
literal(struct resolve_query *q, const char *s)
{
	unsigned char ip[16];
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	if (inet_pton(AF_INET, s, ip) == 1) {
		add_addr(q, ip, 4);
		return 1;
	}
	if (s[0] == '[' && n > 2 && n < sizeof tmp && s[n - 1] == ']') {
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		s = tmp;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		add_addr(q, ip, 16);
		return 1;
	}
	return 0;
}

/* "localhost" and every name under it are loopback (RFC 6761 section 6.3). */
static int
localhost(struct resolve_query *q)
{
	static const unsigned char v4[4] = { 127, 0, 0, 1 };
	static const unsigned char v6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	char h[RESOLVE_MAX_NAME];
	size_t n = strlen(q->host);

	memcpy(h, q->host, n + 1);
	if (n && h[n - 1] == '.')
		h[--n] = '\0';
	if (str_casecmp(h, "localhost") && !(n > 10 && !str_casecmp(h + n - 10, ".localhost")))
		return 0;
	add_addr(q, v4, 4);
	add_addr(q, v6, 16);
	return 1;
}

/* Calls fn for each line of path with comments removed; the file is
 * bounded by RESOLVE_MAX_FILE and lines by RESOLVE_MAX_LINE (longer ones are
 * skipped). Returns -1 when the file cannot be read. */
struct each_line {
	struct resolve_query *q;
	void (*fn)(struct resolve_query *, char *);
};

static int
each_line_one(void *arg, char *line, int whole)
{
	struct each_line *el = arg;

	if (whole) {
		line[str_span(line, "#;", 0)] = '\0';
		el->fn(el->q, line);
	}
	return 0;
}

static int
each_line(const char *path, struct resolve_query *q, void (*fn)(struct resolve_query *, char *))
{
	char line[RESOLVE_MAX_LINE];
	struct each_line el = { q, fn };

	return afile_lines(path, line, sizeof line, RESOLVE_MAX_FILE, each_line_one, &el) ? -1 : 0;
}

/* The next word of *s (between blanks: space, tab, CR), NUL-terminated in
 * place, *s moved past it; NULL when none is left. strtok_r's split, without
 * its libc code. */
static char *
next_word(char **s)
{
	char *w = *s + str_span(*s, " \t\r", 1);
	size_t n = str_span(w, " \t\r", 0);

	if (!*w)
		return NULL;
	*s = w + n + (w[n] != '\0');
	w[n] = '\0';
	return w;
}

static void
hosts_line(struct resolve_query *q, char *line)
{
	char *ip = next_word(&line), *name;
	size_t hl = strlen(q->host);
	int match = 0;

	if (!ip)
		return;
	while ((name = next_word(&line))) {
		size_t nl = strlen(name);

		/* "name" and "name." are the same host. */
		if (nl && name[nl - 1] == '.')
			name[--nl] = '\0';
		if (hl && q->host[hl - 1] == '.' && nl == hl - 1 && !strncasecmp(name, q->host, nl))
			match = 1;
		else if (!str_casecmp(name, q->host))
			match = 1;
	}
	if (match)
		literal(q, ip);
}

static int
option_value(const char *opt, const char *name, int lo, int hi, int *out)
{
	size_t n = strlen(name);
	uint64_t v;

	if (strncmp(opt, name, n) || num_parse(opt + n, UINT32_MAX, &v) < 0)
		return 0;
	*out = v < (uint64_t)lo ? lo : v > (uint64_t)hi ? hi : (int)v;
	return 1;
}

static void
resolv_line(struct resolve_query *q, char *line)
{
	char *key = next_word(&line), *arg;

	if (!key)
		return;
	if (!strcmp(key, "nameserver")) {
		arg = next_word(&line);
		/* A port after the address ("127.0.0.1:5300", "[::1]:5300")
		 * is an extension for tests; libc resolvers ignore the line. */
		if (arg && q->nservers < RESOLVE_MAX_SERVERS &&
		    net_addr_parse(&q->servers[q->nservers], arg, 53) == 0)
			q->nservers++;
	} else if (!strcmp(key, "options")) {
		while ((arg = next_word(&line))) {
			int v;

			if (option_value(arg, "timeout:", 1, 30, &v))
				q->timeout_ms = v * 1000;
			else
				option_value(arg, "attempts:", 1, 5, &q->attempts);
		}
	}
}

/* ---- queries -------------------------------------------------------------------- */

static void
close_socket(struct resolve_query *q)
{
	if (q->fd >= 0) {
		loop_io_del(&q->io);
		close(q->fd);
		q->fd = -1;
	}
}

static void
deliver(struct resolve_query *q)
{
	close_socket(q);
	loop_timer_cancel(&q->timer);
	q->active = 0;
	q->delivering = 0;
	q->done(q);
}

/* Deliver from the loop, never from inside resolve_start. */
static void
deliver_later(struct resolve_query *q)
{
	q->delivering = 1;
	loop_timer_in(&q->timer, 0);
}

static void next_server(struct resolve_query *q);

static void
send_queries(struct resolve_query *q)
{
	const struct net_addr *srv = &q->servers[q->server];
	uint8_t buf[512];
	char a[NET_ADDR_STRLEN];

	if ((q->fd = net_udp_connect(srv)) < 0) {
		log_debug("resolve %s: nameserver %s: %s", q->host, net_addr_str(srv, a, sizeof a),
		    strerror(errno));
		q->delivering = 0;
		loop_timer_in(&q->timer, 0);
		return;
	}
	for (int t = QA; t <= QAAAA; t++) {
		struct dns_writer w;
		struct dns_header h = { 0 };
		long n;

		if (q->answered[t])
			continue;
		q->id[t] = (uint16_t)rnd_u32();
		h.id = q->id[t];
		h.flags = DNS_RD;
		dns_writer_init(&w, buf, sizeof buf, 0, NULL);
		dns_put_header(&w, &h);
		dns_put_question(&w, q->qname, qtype[t], DNS_CLASS_IN);
		dns_put_opt(&w, EDNS_SIZE, 0);
		if ((n = dns_writer_done(&w)) > 0 && send(q->fd, buf, (size_t)n, 0) < 0)
			log_debug("resolve %s: send to %s: %s", q->host,
			    net_addr_str(srv, a, sizeof a), strerror(errno));
	}
	q->io.fd = q->fd;
	q->io.events = POLLIN;
	if (loop_io_add(&q->io) < 0) {
		close(q->fd);
		q->fd = -1;
	}
	q->delivering = 0;
	loop_timer_in(&q->timer, q->fd < 0 ? 0 : q->timeout_ms);
}

static void
fail(struct resolve_query *q, const char *why)
{
	q->naddrs = 0;
	err_set(&q->err, "resolve %s: %s", q->host, why);
	deliver(q);
}

/* Move to the next nameserver; after every server had its attempts, give up. */
static void
next_server(struct resolve_query *q)
{
	close_socket(q);
	if (++q->server == q->nservers) {
		q->server = 0;
		if (++q->attempt == q->attempts) {
			/* A partial answer (A without AAAA) is still an answer. */
			if (q->naddrs)
				deliver(q);
			else
				fail(q, "no answer from the nameservers of resolv.conf");
			return;
		}
	}
	send_queries(q);
}

static void
on_timer(struct loop_timer *t)
{
	struct resolve_query *q = LOOP_CONTAINER_OF(t, struct resolve_query, timer);

	if (q->delivering)
		deliver(q);
	else
		next_server(q);
}

/* Addresses of type want for name in the answer section, following CNAMEs
 * (RFC 1034 section 3.6.2) up to RESOLVE_MAX_CNAMES. q->ttl becomes the
 * smallest TTL of the records used, over both answers: a record may be
 * cached for its own TTL only (RFC 1035 section 3.2.1). */
static int
collect(struct resolve_query *q, const uint8_t *msg, size_t len, unsigned want)
{
	uint8_t target[DNS_NAME_MAX];
	struct dns_rr *rr = malloc(sizeof *rr);
	int found = 0;

	if (!rr)
		return -1;
	memcpy(target, q->qname, dns_name_len(q->qname));
	for (int hop = 0; hop <= RESOLVE_MAX_CNAMES && !found; hop++) {
		struct dns_msg m;
		uint8_t next[DNS_NAME_MAX];
		int r, cname = 0;

		if (dns_msg_init(&m, msg, len, NULL) < 0)
			break;
		while ((r = dns_msg_next(&m, rr)) == 1) {
			if (rr->section != DNS_SEC_ANSWER || rr->class != DNS_CLASS_IN ||
			    !dns_name_equal(rr->owner, target))
				continue;
			if (rr->type == want && rr->rdlen == (want == DNS_TYPE_A ? 4u : 16u)) {
				add_addr(q, rr->rdata, rr->rdlen);
				if (rr->ttl < q->ttl)
					q->ttl = rr->ttl;
				found = 1;
			} else if (rr->type == DNS_TYPE_CNAME && !cname &&
			    rr->rdlen <= DNS_NAME_MAX && rr->rdlen > 0) {
				memcpy(next, rr->rdata, rr->rdlen);
				cname = 1;
				if (rr->ttl < q->ttl)
					q->ttl = rr->ttl;
			}
		}
		if (r < 0 || found || !cname)
			break;
		memcpy(target, next, DNS_NAME_MAX);
	}
	free(rr);
	return found;
}

/* One datagram: the answer to one of our questions, or ignored. Returns 1
 * when the query is finished (delivered), 0 otherwise. */
static int
answer(struct resolve_query *q, const uint8_t *msg, size_t len)
{
	struct dns_msg m;
	struct dns_question qu;
	int t;

	if (dns_msg_init(&m, msg, len, NULL) < 0 || !(m.hdr.flags & DNS_QR) ||
	    DNS_OPCODE(m.hdr.flags) != DNS_OPCODE_QUERY || m.hdr.qdcount != 1)
		return 0;
	for (t = QA; t <= QAAAA; t++)
		if (!q->answered[t] && m.hdr.id == q->id[t])
			break;
	if (t > QAAAA || dns_msg_question(&m, &qu) != 1 || qu.type != qtype[t] ||
	    qu.class != DNS_CLASS_IN || !dns_name_equal(qu.name, q->qname))
		return 0; /* not ours: a late or forged datagram */
	switch (DNS_RCODE(m.hdr.flags)) {
	case DNS_RCODE_NOERROR:
		break;
	case DNS_RCODE_NXDOMAIN:
		fail(q, "no such host (NXDOMAIN)");
		return 1;
	default:
		/* SERVFAIL, REFUSED...: this server cannot help. */
		log_debug("resolve %s: rcode %u, trying the next nameserver", q->host,
		    DNS_RCODE(m.hdr.flags));
		next_server(q);
		return 1;
	}
	if (collect(q, msg, len, qtype[t]) <= 0 && (m.hdr.flags & DNS_TC)) {
		/* Truncated without the address: no TCP fallback here. */
		next_server(q);
		return 1;
	}
	q->answered[t] = 1;
	if (!q->answered[QA] || !q->answered[QAAAA])
		return 0;
	if (!q->naddrs) {
		fail(q, "the name has no IPv4 or IPv6 address");
		return 1;
	}
	/* IPv4 first: on routers IPv6 is more often configured than working. */
	for (size_t i = 1; i < q->naddrs; i++) {
		struct net_addr a = q->addrs[i];
		size_t k = i;

		if (a.ss.ss_family != AF_INET)
			continue;
		while (k > 0 && q->addrs[k - 1].ss.ss_family != AF_INET) {
			q->addrs[k] = q->addrs[k - 1];
			k--;
		}
		q->addrs[k] = a;
	}
	cache_put(q);
	deliver(q);
	return 1;
}

static void
on_io(struct loop_io *io, short revents)
{
	struct resolve_query *q = LOOP_CONTAINER_OF(io, struct resolve_query, io);
	uint8_t buf[RECV_MAX];
	ssize_t n;

	(void)revents;
	while ((n = recv(q->fd, buf, sizeof buf, 0)) >= 0 || errno == EINTR) {
		if (n >= 0 && answer(q, buf, (size_t)n))
			return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		/* ICMP port unreachable and the like: no server there. */
		log_debug("resolve %s: %s", q->host, strerror(errno));
		next_server(q);
	}
}

void
resolve_cancel(struct resolve_query *q)
{
	if (!q->active)
		return;
	close_socket(q);
	loop_timer_cancel(&q->timer);
	q->active = 0;
}

void
resolve_start(struct resolve_query *q, const char *host, int port, const char *hosts,
	const char *resolv_conf)
{
	struct err e = { 0 };

	resolve_cancel(q);
	/* All from naddrs on, at once: the socket and timer handles are not
	 * in the loop now (an inactive query holds neither). */
	memset(&q->naddrs, 0, sizeof *q - offsetof(struct resolve_query, naddrs));
	q->active = 1;
	q->port = port;
	q->fd = -1;
	q->timeout_ms = RESOLVE_TIMEOUT_MS;
	q->attempts = RESOLVE_ATTEMPTS;
	q->ttl = UINT32_MAX; /* lowered by every record an answer uses */
	q->hosts_path = hosts ? hosts : "/etc/hosts";
	q->resolv_path = resolv_conf ? resolv_conf : "/etc/resolv.conf";
	q->timer.cb = on_timer;
	q->io.cb = on_io;
	/* Every answer without a query is delivered at the one end. */
	if (str_copy(q->host, sizeof q->host, host) >= sizeof q->host) {
		fmt_snprintf(q->host, sizeof q->host, "%.32s...", host);
		err_set(&q->err, "resolve %s: name too long", q->host);
	} else if (!literal(q, host) && !localhost(q)) {
		each_line(q->hosts_path, q, hosts_line);
		if (!q->naddrs && !cache_get(q)) {
			if (dns_name_parse(q->qname, sizeof q->qname, host, strlen(host),
			    DNS_NAME_DOT_OPT, NULL, &e) >= 0) {
				if (each_line(q->resolv_path, q, resolv_line) < 0)
					log_debug("resolve: cannot read %s: %s", q->resolv_path,
					    strerror(errno));
				if (q->nservers == 0)
					net_addr_parse(&q->servers[q->nservers++], "127.0.0.1", 53);
				send_queries(q);
				return;
			}
			err_set(&q->err, "resolve %s: not a valid host name", q->host);
		}
	}
	deliver_later(q);
}
