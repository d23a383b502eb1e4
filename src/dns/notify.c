/* in6_pktinfo (RFC 3542) is a GNU extension in glibc's headers. */
#define _GNU_SOURCE

#include "dns/notify.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/log.h"
#include "base/sort.h"

/* Accept errors such as EMFILE leave the listener readable: wait this long
 * before accepting again instead of spinning. */
#define ACCEPT_PAUSE_MS 1000

/* ---- logging ------------------------------------------------------------------- */

static const char *const kind_name[NOTIFY_LOG_KINDS] = {
	[NOTIFY_LOG_ACCEPTED] = "NOTIFY",
	[NOTIFY_LOG_REFUSED] = "refusal",
	[NOTIFY_LOG_FORMERR] = "malformed-message",
	[NOTIFY_LOG_TSIG] = "TSIG-failure",
	[NOTIFY_LOG_DROPPED] = "dropped-message",
};

static const enum log_level kind_level[NOTIFY_LOG_KINDS] = {
	[NOTIFY_LOG_ACCEPTED] = LOG_LEVEL_INFO,
	[NOTIFY_LOG_REFUSED] = LOG_LEVEL_INFO,
	[NOTIFY_LOG_FORMERR] = LOG_LEVEL_INFO,
	[NOTIFY_LOG_TSIG] = LOG_LEVEL_WARN,
	[NOTIFY_LOG_DROPPED] = LOG_LEVEL_DEBUG,
};

/* One line ("notify: " and the text) for an event of this kind, unless NOTIFY_LOG_PER_SEC lines of
 * the kind were logged in the current second; what is left out is counted
 * and reported in one line when the next second begins. */
static void __attribute__((format(printf, 4, 5)))
note(struct notify *n, int kind, int64_t now, const char *fmt, ...)
{
	struct notify_loglim *l = &n->loglim[kind];
	char line[LOG_LINE_MAX];
	va_list ap;

	if (kind_level[kind] > log_get_level())
		return;
	if (now - l->window >= 1000 || now < l->window) {
		if (l->skipped)
			log_msg(kind_level[kind], "notify: %lu more %s lines left out", l->skipped,
			    kind_name[kind]);
		l->window = now;
		l->n = 0;
		l->skipped = 0;
	}
	if (l->n >= NOTIFY_LOG_PER_SEC) {
		l->skipped++;
		n->stats.log_suppressed++;
		return;
	}
	l->n++;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_msg(kind_level[kind], "notify: %s", line);
}

/* ---- rate limit ---------------------------------------------------------------- */

/* The address bytes of a source. IPv6 sockets are IPV6_V6ONLY, so an IPv4
 * source never arrives in mapped form. */
static size_t
addr_key(const struct net_addr *a, uint8_t ip[16])
{
	if (a->ss.ss_family == AF_INET) {
		memcpy(ip, &((const struct sockaddr_in *)&a->ss)->sin_addr, 4);
		return 4;
	}
	memcpy(ip, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, 16);
	return 16;
}

/* Tokens and the refill are 32-bit (64-bit arithmetic is a longer sequence
 * on 32-bit targets): a full bucket plus the refill of a full bucket's time,
 * BURST * 1000 * (PER_SEC + 1), must fit. */
#if (NOTIFY_RATE_BURST) * 1000LL * ((NOTIFY_RATE_PER_SEC) + 1) > 2147483647
#error "NOTIFY_RATE_BURST * 1000 * (NOTIFY_RATE_PER_SEC + 1) must fit 32 bits"
#endif

/* Take one token from the source's bucket: 1 when it had one, 0 when the
 * message is over the rate. Tokens are thousandths of a message. */
static int
rate_take(struct notify *n, const struct net_addr *from, int64_t now)
{
	struct notify_rate *r = NULL, *victim = NULL;
	uint8_t ip[16];
	size_t len = addr_key(from, ip);
	int32_t elapsed;

	for (int i = 0; i < NOTIFY_RATE_SLOTS; i++) {
		struct notify_rate *s = &n->rate[i];

		if (s->iplen == len && !memcmp(s->ip, ip, len)) {
			r = s;
			break;
		}
		if (!victim || (victim->iplen && (!s->iplen || s->seen < victim->seen)))
			victim = s;
	}
	if (!r) {
		/* A new source, in a free slot or the least recently seen one's:
		 * forgetting a source only ever gives it a full bucket again. */
		r = victim;
		memcpy(r->ip, ip, len);
		r->iplen = (uint8_t)len;
		r->seen = now;
		r->tokens = NOTIFY_RATE_BURST * 1000;
	}
	/* At most a full bucket's time: no overflow below. */
	elapsed = now <= r->seen ? 0 : now - r->seen > NOTIFY_RATE_BURST * 1000 ?
	    NOTIFY_RATE_BURST * 1000 : (int32_t)(now - r->seen);
	r->seen = now;
	r->tokens += elapsed * NOTIFY_RATE_PER_SEC;
	if (r->tokens > NOTIFY_RATE_BURST * 1000)
		r->tokens = NOTIFY_RATE_BURST * 1000;
	if (r->tokens < 1000)
		return 0;
	r->tokens -= 1000;
	return 1;
}

/* ---- configuration ---------------------------------------------------------------- */

static int
zone_cmp(const void *a, const void *b)
{
	const struct cfg_zone *x = *(const struct cfg_zone *const *)a;
	const struct cfg_zone *y = *(const struct cfg_zone *const *)b;
	int c = strcmp(x->name, y->name);

	/* Entries of one name in the file's order (a stable sort). */
	return c ? c : x < y ? -1 : x > y;
}

/* Keys and zone index for cfg, into *keys and *index (the caller frees
 * them). */
static int
prepare(const struct cfg *cfg, struct tsig_key **keys, const struct cfg_zone ***index,
    struct err *e)
{
	*keys = NULL;
	*index = NULL;
	if (cfg->ntsig_keys && !(*keys = calloc((size_t)cfg->ntsig_keys, sizeof **keys)))
		return err_set(e, "notify: out of memory for %d TSIG keys", cfg->ntsig_keys);
	for (int i = 0; i < cfg->ntsig_keys; i++) {
		const struct cfg_tsig_key *k = &cfg->tsig_keys[i];

		if (tsig_key_init(&(*keys)[i], k->name, k->algorithm, k->secret, e) < 0)
			goto fail;
	}
	if (cfg->nzones && !(*index = calloc((size_t)cfg->nzones, sizeof **index))) {
		err_set(e, "notify: out of memory for %d zones", cfg->nzones);
		goto fail;
	}
	for (int i = 0; i < cfg->nzones; i++)
		(*index)[i] = &cfg->zones[i];
	if (cfg->nzones)
		sort(*index, (size_t)cfg->nzones, sizeof **index, zone_cmp);
	return 0;
fail:
	free(*keys);
	*keys = NULL;
	return -1;
}

/* The entries of the zone named qname (wire form): their number in *cnt
 * (0: none), and its name as text in text[]. */
static const struct cfg_zone *const *
zone_find(struct notify *n, const uint8_t *qname, char *text, size_t cap, size_t *cnt)
{
	uint8_t lower[DNS_NAME_MAX];
	size_t lo = 0, hi = n->nindex, end;

	*cnt = 0;
	/* The same normalisation as the config's zone names: lower-case, then
	 * presentation form. */
	memcpy(lower, qname, dns_name_len(qname));
	dns_name_lower(lower);
	if (dns_name_to_text(lower, text, cap) < 0)
		return NULL;
	if (n->h.find_zone) {
		const struct cfg_zone *const *z = n->h.find_zone(n->h.arg, text, cnt);

		if (!z)
			*cnt = 0;
		return z;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(n->index[mid]->name, text) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n->nindex && !strcmp(n->index[end]->name, text); end++)
		;
	*cnt = end - lo;
	return end > lo ? &n->index[lo] : NULL;
}

int
notify_kicks(const struct cfg_zone *const *zones, size_t n, size_t i, const char *key)
{
	int keyed = 0;

	if (zones[i]->tsig)
		return key && !strcmp(zones[i]->tsig->name, key);
	/* An entry without a key takes an unsigned NOTIFY, and a signed one
	 * no entry of the name has the key of (a primary may sign although
	 * the zone names no key). */
	for (size_t k = 0; key && k < n && !keyed; k++)
		keyed = zones[k]->tsig && !strcmp(zones[k]->tsig->name, key);
	return !keyed;
}

/* The one key all entries name, or NULL when an entry has none or they
 * name different ones. */
static const struct cfg_tsig_key *
common_key(const struct cfg_zone *const *zones, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!zones[k]->tsig || strcmp(zones[k]->tsig->name, zones[0]->tsig->name))
			return NULL;
	return n ? zones[0]->tsig : NULL;
}

/* The parsed key of a configured one, or NULL. */
static const struct tsig_key *
zone_key(const struct notify *n, const struct cfg_tsig_key *k)
{
	/* By name, which the file's keys have each their own of (cfg.c): a
	 * zone from find_zone may point at an equal key elsewhere. */
	for (size_t i = 0; i < n->nkeys; i++)
		if (!strcmp(k->name, n->cfg->tsig_keys[i].name))
			return &n->keys[i];
	return NULL;
}

/* Verify msg against the key of each peer at from's IP (two daemons on
 * one host may have keys of their own) until one knows its name: *peer
 * is the peer whose key verified it. Returns tsig_verify_request's result,
 * TSIG_BADKEY when no peer's key has the name. */
static int
peer_verify(const struct notify *n, struct tsig_ctx *t, const uint8_t *msg, size_t len,
    const struct net_addr *from, uint64_t now_s, const struct cfg_peer **peer, struct err *e)
{
	int rc = TSIG_BADKEY;

	*peer = NULL;
	for (int i = 0; i < n->cfg->npeers && rc == TSIG_BADKEY; i++) {
		const struct cfg_peer *p = &n->cfg->peers[i];

		if (!net_addr_same_ip(&p->addr, from))
			continue;
		/* A peer's key is one of the file's (required, cfg.c), parsed
		 * at the same index in n->keys. */
		err_clear(e);
		rc = tsig_verify_request(t, &n->keys[p->tsig - n->cfg->tsig_keys], 1, msg, len, now_s,
		    NULL, e);
		if (rc == TSIG_OK)
			*peer = p;
	}
	return rc;
}

/* The name of a parsed key (one of n->keys), as configured. */
static const char *
key_name(const struct notify *n, const struct tsig_key *k)
{
	return k >= n->keys && k < n->keys + n->nkeys ? n->cfg->tsig_keys[k - n->keys].name : NULL;
}

/* ---- decision ----------------------------------------------------------------------- */

/* Header and question (when q is not NULL) of a reply to m; with the OPT
 * RR when the request had one. Returns the length, or -1 when cap is too
 * small. */
static long
put_reply(const struct dns_msg *m, const struct dns_question *q, int rcode, unsigned extra,
    uint8_t *buf, size_t cap)
{
	struct dns_writer w;
	struct dns_header h = { 0 };

	h.id = m->hdr.id;
	/* RFC 1035 section 4.1.1: opcode and RD are copied from the query. */
	h.flags = (uint16_t)(DNS_QR | (m->hdr.flags & (DNS_FLAGS_OPCODE(0xf) | DNS_RD)) | extra |
	    (unsigned)rcode);
	dns_writer_init(&w, buf, cap, 0, NULL);
	dns_put_header(&w, &h);
	if (q)
		dns_put_question(&w, q->name, q->type, q->class);
	if (m->edns && !(extra & DNS_TC))
		dns_put_opt(&w, NOTIFY_MAX_MSG, 0);
	return dns_writer_done(&w);
}

/* The serial of an SOA's rdata (uncompressed: dns_msg_next expands it). */
static int
soa_serial(const struct dns_rr *rr, uint32_t *serial)
{
	struct dns_cursor c;
	uint8_t name[DNS_NAME_MAX];

	dns_cursor_init(&c, rr->rdata, rr->rdlen, NULL);
	c.nocomp = 1;
	dns_get_name(&c, name);
	dns_get_name(&c, name);
	*serial = dns_get32(&c);
	return c.fail ? -1 : 0;
}

/* Read every record after the question: the message must parse to its
 * last octet. Fills the serial hint from an SOA of the zone in the answer
 * section. Returns 0 or -1 with the reason in e. */
static int
read_records(struct dns_msg *m, const struct dns_question *q, struct notify_result *r,
    struct err *e)
{
	struct dns_rr rr;
	int k;

	while ((k = dns_msg_next(m, &rr)) == 1) {
		if (rr.section != DNS_SEC_ANSWER || rr.type != DNS_TYPE_SOA ||
		    rr.class != DNS_CLASS_IN || r->has_serial || !dns_name_equal(rr.owner, q->name))
			continue;
		if (soa_serial(&rr, &r->serial) < 0)
			return err_set(e, "SOA in the answer section is cut short");
		r->has_serial = 1;
	}
	return k;
}

void
notify_packet(struct notify *n, const uint8_t *msg, size_t len, const struct net_addr *from,
    int tcp, int64_t now_ms, uint64_t now_s, uint8_t *reply, size_t cap,
    struct notify_result *r)
{
	struct dns_msg m;
	struct dns_question q;
	struct tsig_ctx t;
	struct err e = { 0 };
	const struct cfg_zone *z = NULL, *const *zs = NULL;
	const struct cfg_tsig_key *ck = NULL;
	const struct tsig_key *zkey = NULL;
	const char *kname = NULL;
	size_t nz = 0;
	int allowed = 0;
	const struct dns_question *echo = NULL;
	char src[NET_ADDR_STRLEN], zname[DNS_NAME_TEXT_MAX] = "?";
	int rcode, opcode, kind;
	size_t limit;
	long rl;
	unsigned long *count;
	const char *what, *how = "";

	memset(r, 0, sizeof *r);
	r->verdict = NOTIFY_DROP;
	r->rcode = -1;
	r->tsig = TSIG_NONE;
	net_addr_ip_str(from, src, sizeof src);

	/* 1. Nothing to answer. */
	if (dns_msg_init(&m, msg, len, &e) < 0 || (m.hdr.flags & DNS_QR)) {
		n->stats.dropped_bad++;
		note(n, NOTIFY_LOG_DROPPED, now_ms, "%zu-octet %s from %s dropped", len,
		    len < DNS_HEADER_LEN ? "message" : "response", src);
		return;
	}
	opcode = DNS_OPCODE(m.hdr.flags);
	if (m.hdr.qdcount == 1 && dns_msg_question(&m, &q) == 1) {
		echo = &q;
		zs = zone_find(n, q.name, zname, sizeof zname, &nz);
		z = nz ? zs[0] : NULL;
	}

	/* 2, 3. Source and rate. A peer's address is let through to the
	 * TSIG check: only its key makes its NOTIFY count. */
	for (size_t k = 0; k <= nz && !allowed; k++) /* each entry's primaries, then none */
		allowed = cfg_notify_allowed(n->cfg, k < nz ? zs[k] : NULL, from);
	if (!allowed && !cfg_peer_find(n->cfg, from)) {
		n->stats.dropped_acl++;
		note(n, NOTIFY_LOG_DROPPED, now_ms, "message for %s from %s dropped: "
		    "source not allowed", zname, src);
		return;
	}
	if (!rate_take(n, from, now_ms)) {
		n->stats.dropped_rate++;
		note(n, NOTIFY_LOG_DROPPED, now_ms, "message from %s dropped: over %d a second",
		    src, NOTIFY_RATE_PER_SEC);
		return;
	}

	/* 4. Malformed. */
	if (!echo)
		err_set(&e, "%u questions", m.hdr.qdcount);
	else if (opcode == DNS_OPCODE_NOTIFY && (q.type != DNS_TYPE_SOA || q.class != DNS_CLASS_IN))
		err_set(&e, "question type %u class %u, not SOA IN", q.type, q.class);
	else
		read_records(&m, &q, r, &e);
	rcode = DNS_RCODE_FORMERR;
	kind = NOTIFY_LOG_FORMERR;
	count = &n->stats.formerr;
	what = "malformed message";
	if (e.set)
		goto reject;

	/* 5. TSIG: from a peer's address, its key first (a NOTIFY signed with
	 * it is the peer's word: README "Running an HA pair"); else the key
	 * every entry of the zone names, or any configured key. */
	r->tsig = peer_verify(n, &t, msg, len, from, now_s, &r->peer, &e);
	if (r->tsig == TSIG_BADKEY) {
		err_clear(&e);
		if ((ck = common_key(zs, nz)))
			zkey = zone_key(n, ck);
		r->tsig = tsig_verify_request(&t, ck ? zkey : n->keys, ck ? (zkey ? 1 : 0) :
		    n->nkeys, msg, len, now_s, NULL, &e);
	}
	what = "message";
	if (r->tsig == -1)
		goto reject;
	if (r->tsig != TSIG_NONE && r->tsig != TSIG_OK) {
		rcode = DNS_RCODE_NOTAUTH;
		kind = NOTIFY_LOG_TSIG;
		count = &n->stats.tsig_failed;
		what = "NOTIFY";
		goto reject;
	}

	/* 6, 7, 8. Refusals. The entries of the zone the NOTIFY is for: by
	 * its key (notify_kicks). */
	rcode = DNS_RCODE_REFUSED;
	if (r->tsig == TSIG_OK)
		kname = key_name(n, t.key);
	z = r->peer && nz ? zs[0] : NULL;
	for (size_t k = 0; k < nz && !z; k++)
		if (notify_kicks(zs, nz, k, kname))
			z = zs[k];
	if (opcode != DNS_OPCODE_NOTIFY)
		err_set(&e, "opcode %d is not NOTIFY", opcode);
	else if (!nz)
		err_set(&e, "zone not configured");
	else if (!allowed && !r->peer)
		err_set(&e, "from a peer's address but not signed with its key");
	else if (r->peer && !r->has_serial)
		err_set(&e, "a peer's NOTIFY without the SOA serial");
	else if (!z && !kname)
		err_set(&e, "unsigned, the zone needs TSIG key %s", zs[0]->tsig->name);
	else if (!z)
		err_set(&e, "signed with key %s, which no entry of the zone names", kname);
	kind = NOTIFY_LOG_REFUSED;
	count = &n->stats.refused;
	how = " refused";
	if (e.set)
		goto reject;

	/* 9. Accepted. */
	rcode = DNS_RCODE_NOERROR;
	n->stats.accepted++;
	r->zone = z;
	r->zones = zs;
	r->nzones = nz;
	r->key = kname;
	if (r->peer)
		note(n, NOTIFY_LOG_ACCEPTED, now_ms, "NOTIFY for %s serial %lu from peer %s "
		    "(TSIG %s)", z->name, (unsigned long)r->serial, src, r->peer->tsig->name);
	else if (r->has_serial)
		note(n, NOTIFY_LOG_ACCEPTED, now_ms, "NOTIFY for %s serial %lu from %s%s",
		    z->name, (unsigned long)r->serial, src, r->tsig == TSIG_OK ? " (TSIG)" : "");
	else
		note(n, NOTIFY_LOG_ACCEPTED, now_ms, "NOTIFY for %s from %s%s", z->name, src,
		    r->tsig == TSIG_OK ? " (TSIG)" : "");
	goto answer;

reject:
	/* Malformed, failing TSIG or refused: one line, one count. */
	(*count)++;
	note(n, kind, now_ms, "%s for %s from %s%s: %s", what, zname, src, how, e.msg);
answer:
	r->rcode = rcode;
	rl = put_reply(&m, echo, rcode, rcode == DNS_RCODE_NOERROR ? DNS_AA : 0, reply, cap);
	if (rl >= 0 && rcode != DNS_RCODE_FORMERR && r->tsig != TSIG_NONE)
		rl = tsig_sign_response(&t, reply, (size_t)rl, cap, now_s);
	/* What the requestor can take over UDP (RFC 6891 section 6.2.5). */
	limit = tcp ? 65535 : m.edns && m.edns_size > 512 ? m.edns_size : 512;
	if (rl > (long)limit) {
		rl = put_reply(&m, echo, rcode, DNS_TC, reply, cap);
		n->stats.truncated++;
	}
	if (rl < 0) {
		/* The caller's buffer is smaller than NOTIFY_REPLY_MAX. */
		r->verdict = NOTIFY_DROP;
		r->zone = NULL;
		r->nzones = 0;
		return;
	}
	r->reply_len = (size_t)rl;
	r->verdict = rcode == DNS_RCODE_NOERROR ? NOTIFY_DELIVER : NOTIFY_REPLY;
	if (r->verdict != NOTIFY_DELIVER) {
		r->has_serial = 0;
		r->peer = NULL;
	}
}

/* ---- sockets -------------------------------------------------------------------------- */

/* Hand an accepted NOTIFY to the daemon: a peer's to on_peer (when set)
 * with the first entry of its name, a primary's to on_notify for every
 * entry it kicks. */
static void
deliver(struct notify *n, const struct notify_result *r, const struct net_addr *from)
{
	if (r->peer) {
		if (n->h.on_peer)
			n->h.on_peer(n->h.arg, r->zone, r->serial, r->peer);
		return;
	}
	for (size_t k = 0; k < r->nzones; k++)
		if (notify_kicks(r->zones, r->nzones, k, r->key))
			n->h.on_notify(n->h.arg, r->zones[k], r->has_serial, r->serial, from);
}

static void udp_read(struct loop_io *io, short revents);
static void tcp_accept(struct loop_io *io, short revents);
static void conn_io(struct loop_io *io, short revents);
static void conn_timeout(struct loop_timer *t);

static int
is_wildcard(const struct net_addr *a)
{
	static const uint8_t zero[16];
	uint8_t ip[16];

	return !memcmp(ip, zero, addr_key(a, ip));
}

/* A bound, non-blocking socket for a, or -1 with the reason in e. */
static int
bind_one(const struct net_addr *a, int tcp, struct err *e)
{
	int fd, on = 1, saved;
	char s[NET_ADDR_STRLEN];

	fd = socket(a->ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		goto fail;
	/* 0.0.0.0 and :: on one port: each socket takes its own family. */
	if (a->ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0)
		goto fail;
	if (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
		goto fail;
	/* A wildcard UDP socket learns each datagram's destination, so the
	 * reply leaves from the address the primary sent to (a multi-homed
	 * host would otherwise pick any of its addresses). */
	if (!tcp && is_wildcard(a) &&
	    (a->ss.ss_family == AF_INET ?
		    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) :
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on)) < 0)
		goto fail;
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0)
		goto fail;
	if (tcp && listen(fd, NOTIFY_TCP_CLIENTS) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	return err_set(e, "cannot bind %s/%s: %s%s", net_addr_str(a, s, sizeof s),
	    tcp ? "tcp" : "udp", strerror(saved),
	    saved == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "");
}

static void
sock_set(struct notify *n, struct notify_sock *s, const struct net_addr *a, int tcp, int fd)
{
	memset(s, 0, sizeof *s);
	s->owner = n;
	s->addr = *a;
	s->tcp = tcp;
	s->io.fd = fd;
	s->io.events = POLLIN;
	s->io.cb = tcp ? tcp_accept : udp_read;
}

/* The index of a socket of old[0..nold) for (a, tcp), or -1. */
static int
sock_find(const struct notify_sock *old, int nold, const struct net_addr *a, int tcp)
{
	for (int i = 0; i < nold; i++)
		if (old[i].tcp == tcp && old[i].addr.ss.ss_family == a->ss.ss_family &&
		    net_addr_equal(&old[i].addr, a))
			return i;
	return -1;
}

/* Sockets for cfg->listen into socks[], reusing those of old[0..nold)
 * with the same address (their fd moves; old[i].io.fd becomes -1). All or
 * nothing: on failure nothing of old is taken and the new fds are closed. */
static int
socks_open(struct notify *n, const struct cfg *cfg, struct notify_sock *old, int nold,
    struct notify_sock *socks, int *nsocks, struct err *e)
{
	int k = 0, reuse[2 * CFG_MAX_LISTEN];

	for (int i = 0; i < cfg->nlisten; i++) {
		for (int tcp = 0; tcp < 2; tcp++, k++) {
			int j = sock_find(old, nold, &cfg->listen[i], tcp), fd;

			reuse[k] = j;
			fd = j >= 0 ? old[j].io.fd : bind_one(&cfg->listen[i], tcp, e);
			if (fd < 0) {
				for (int x = 0; x < k; x++)
					if (reuse[x] < 0)
						close(socks[x].io.fd);
				return -1;
			}
			sock_set(n, &socks[k], &cfg->listen[i], tcp, fd);
		}
	}
	for (int x = 0; x < k; x++)
		if (reuse[x] >= 0)
			old[reuse[x]].io.fd = -1;
	*nsocks = k;
	return 0;
}

static void
socks_close(struct notify_sock *socks, int nsocks)
{
	for (int i = 0; i < nsocks; i++) {
		loop_io_del(&socks[i].io);
		if (socks[i].io.fd >= 0)
			close(socks[i].io.fd);
		socks[i].io.fd = -1;
	}
}

/* Register every socket; all or nothing. */
static int
socks_register(struct notify *n, struct err *e)
{
	for (int i = 0; i < n->nsocks; i++) {
		if (loop_io_add(&n->socks[i].io) < 0) {
			while (i-- > 0)
				loop_io_del(&n->socks[i].io);
			return err_set(e, "notify: no room in the poll loop for the listener "
					  "(LOOP_MAX_FDS %d)", LOOP_MAX_FDS);
		}
	}
	return 0;
}

/* ---- UDP ------------------------------------------------------------------------------ */

/* The destination a datagram was sent to, from its IP_PKTINFO or
 * IPV6_PKTINFO control message, turned into the one to reply from. */
union notify_ctl {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

static void
reply_source(struct msghdr *mh)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);

	/* The only control message asked for comes first. */
	if (c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
		struct in_pktinfo pi;

		/* From the address the datagram was sent to, on whatever
		 * interface the route takes. */
		memcpy(&pi, CMSG_DATA(c), sizeof pi);
		pi.ipi_spec_dst = pi.ipi_addr;
		pi.ipi_ifindex = 0;
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
		mh->msg_controllen = CMSG_SPACE(sizeof pi);
	} else if (c && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
		/* ipi6_addr is the destination, ipi6_ifindex its interface. */
		mh->msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
	} else {
		mh->msg_control = NULL;
		mh->msg_controllen = 0;
	}
}

static void
udp_read(struct loop_io *io, short revents)
{
	struct notify_sock *s = LOOP_CONTAINER_OF(io, struct notify_sock, io);
	struct notify *n = s->owner;

	(void)revents;
	for (int i = 0; i < NOTIFY_UDP_BATCH; i++) {
		struct net_addr from;
		struct notify_result r;
		union notify_ctl ctl;
		struct iovec iov = { n->buf, sizeof n->buf };
		struct msghdr mh;
		char a[NET_ADDR_STRLEN];
		ssize_t len;

		memset(&mh, 0, sizeof mh);
		memset(&from, 0, sizeof from);
		mh.msg_name = &from.ss;
		mh.msg_namelen = sizeof from.ss;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		len = recvmsg(io->fd, &mh, 0);
		if (len < 0)
			return; /* EAGAIN: drained; errors of ICMP origin: nothing to do */
		from.len = mh.msg_namelen;
		if (mh.msg_flags & MSG_TRUNC) {
			n->stats.dropped_bad++;
			continue;
		}
		notify_packet(n, n->buf, (size_t)len, &from, 0, loop_now(), (uint64_t)time(NULL),
		    n->reply, sizeof n->reply, &r);
		if (r.verdict == NOTIFY_DROP)
			continue;
		iov.iov_base = n->reply;
		iov.iov_len = r.reply_len;
		mh.msg_flags = 0;
		reply_source(&mh);
		/* A full socket buffer loses the reply; the primary retries. */
		if (sendmsg(io->fd, &mh, 0) < 0)
			log_debug("notify: reply to %s not sent: %s",
			    net_addr_ip_str(&from, a, sizeof a), strerror(errno));
		if (r.verdict == NOTIFY_DELIVER)
			deliver(n, &r, &from);
	}
}

/* ---- TCP ------------------------------------------------------------------------------ */

static void
conn_close(struct notify_conn *c)
{
	loop_io_close(&c->io, &c->timer);
	c->in_len = c->out_len = c->out_off = 0;
}

/* Accept connections (POLLIN) or pause accepting (0) on every listener. */
static void
accept_events(struct notify *n, short events)
{
	for (int i = 0; i < n->nsocks; i++)
		if (n->socks[i].tcp)
			n->socks[i].io.events = events;
}

static void
accept_resume(struct loop_timer *t)
{
	accept_events(LOOP_CONTAINER_OF(t, struct notify, pause), POLLIN);
}

static void
tcp_accept(struct loop_io *io, short revents)
{
	struct notify_sock *s = LOOP_CONTAINER_OF(io, struct notify_sock, io);
	struct notify *n = s->owner;

	(void)revents;
	for (int i = 0; i < NOTIFY_TCP_CLIENTS; i++) {
		struct notify_conn *c = NULL;
		struct net_addr peer;
		int fd;

		memset(&peer, 0, sizeof peer);
		peer.len = sizeof peer.ss;
		fd = accept4(io->fd, (struct sockaddr *)&peer.ss, &peer.len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			/* EMFILE, ENOBUFS...: the connection stays queued and the
			 * socket readable; pause (and log once a pause) instead
			 * of spinning. */
			char a[NET_ADDR_STRLEN];

			log_warn("notify: accept on %s: %s", net_addr_str(&s->addr, a, sizeof a),
			    strerror(errno));
			accept_events(n, 0);
			loop_timer_in(&n->pause, ACCEPT_PAUSE_MS);
			return;
		}
		/* A free slot, else the least recently active connection goes. */
		for (int k = 0; k < NOTIFY_TCP_CLIENTS; k++) {
			struct notify_conn *x = &n->conns[k];

			if (x->io.fd < 0) {
				c = x;
				break;
			}
			if (!c || x->active < c->active)
				c = x;
		}
		conn_close(c);
		c->owner = n;
		c->peer = peer;
		c->active = loop_now();
		c->io.fd = fd;
		c->io.events = POLLIN;
		c->io.cb = conn_io;
		c->timer.cb = conn_timeout;
		if (loop_io_add(&c->io) < 0) {
			close(fd);
			c->io.fd = -1;
			continue;
		}
		loop_timer_in(&c->timer, NOTIFY_TCP_TIMEOUT_MS);
		n->stats.tcp_accepted++;
	}
}

static void
conn_timeout(struct loop_timer *t)
{
	conn_close(LOOP_CONTAINER_OF(t, struct notify_conn, timer));
}

/* Write what is left of the reply: 0 when all is written, 1 when the
 * socket is full, -1 on error. */
static int
conn_flush(struct notify_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t k = send(c->io.fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (k < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 1 : -1;
		c->out_off += (size_t)k;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Answer the complete messages in in[], one at a time: the next one waits
 * until the reply to this one is written. Returns -1 when the connection
 * must be closed. */
static int
conn_process(struct notify_conn *c)
{
	struct notify *n = c->owner;

	while (c->out_len == 0 && c->in_len >= 2) {
		struct notify_result r;
		size_t mlen = (size_t)c->in[0] << 8 | c->in[1];
		int w;

		if (mlen > NOTIFY_MAX_MSG) {
			n->stats.dropped_bad++;
			return -1;
		}
		if (c->in_len < 2 + mlen)
			break;
		notify_packet(n, c->in + 2, mlen, &c->peer, 1, loop_now(), (uint64_t)time(NULL),
		    c->out + 2, sizeof c->out - 2, &r);
		c->in_len -= 2 + mlen;
		memmove(c->in, c->in + 2 + mlen, c->in_len);
		c->active = loop_now();
		loop_timer_in(&c->timer, NOTIFY_TCP_TIMEOUT_MS);
		if (r.verdict == NOTIFY_DROP)
			return -1;
		c->out[0] = (uint8_t)(r.reply_len >> 8);
		c->out[1] = (uint8_t)r.reply_len;
		c->out_len = 2 + r.reply_len;
		c->out_off = 0;
		if ((w = conn_flush(c)) < 0)
			return -1;
		if (r.verdict == NOTIFY_DELIVER)
			deliver(n, &r, &c->peer);
	}
	c->io.events = c->out_len ? POLLOUT : POLLIN;
	return 0;
}

static void
conn_io(struct loop_io *io, short revents)
{
	struct notify_conn *c = LOOP_CONTAINER_OF(io, struct notify_conn, io);
	int eof = 0;

	if (revents & (POLLERR | POLLNVAL)) {
		conn_close(c);
		return;
	}
	if (c->out_len) {
		int w = conn_flush(c);

		if (w < 0) {
			conn_close(c);
			return;
		}
		if (w > 0)
			return;
	} else if (revents & (POLLIN | POLLHUP)) {
		ssize_t k = recv(io->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);

		if (k == 0)
			eof = 1;
		else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			eof = 1;
		else if (k > 0)
			c->in_len += (size_t)k;
	}
	if (conn_process(c) < 0 || eof)
		conn_close(c);
}

/* ---- life cycle ---------------------------------------------------------------------- */

int
notify_init(struct notify *n, const struct cfg *cfg, const struct notify_handler *handler,
    struct err *e)
{
	memset(n, 0, sizeof *n);
	if (prepare(cfg, &n->keys, &n->index, e) < 0)
		return -1;
	n->cfg = cfg;
	n->h = *handler;
	n->nkeys = (size_t)cfg->ntsig_keys;
	n->nindex = (size_t)cfg->nzones;
	n->pause.cb = accept_resume;
	for (int i = 0; i < NOTIFY_TCP_CLIENTS; i++) {
		n->conns[i].io.fd = -1;
		n->conns[i].owner = n;
	}
	return 0;
}

int
notify_bind(struct notify *n, struct err *e)
{
	return socks_open(n, n->cfg, NULL, 0, n->socks, &n->nsocks, e);
}

int
notify_start(struct notify *n, struct err *e)
{
	if (socks_register(n, e) < 0)
		return -1;
	n->started = 1;
	return 0;
}

int
notify_reload(struct notify *n, const struct cfg *cfg, struct err *e)
{
	struct notify_sock old[2 * CFG_MAX_LISTEN], socks[2 * CFG_MAX_LISTEN];
	struct tsig_key *keys;
	const struct cfg_zone **index;
	int nold = n->nsocks, nsocks;

	if (prepare(cfg, &keys, &index, e) < 0)
		return -1;
	/* A copy of the sockets, as unregistered handles (only their fds and
	 * addresses are used, and they are registered again on a rollback). */
	memcpy(old, n->socks, sizeof old);
	for (int i = 0; i < nold; i++) {
		old[i].io.registered = 0;
		old[i].io.next = NULL;
	}
	if (socks_open(n, cfg, old, nold, socks, &nsocks, e) < 0)
		goto fail;
	/* The loop points at n->socks: unregister, then rewrite in place. */
	for (int i = 0; i < nold; i++)
		loop_io_del(&n->socks[i].io);
	memcpy(n->socks, socks, sizeof socks);
	n->nsocks = nsocks;
	if (n->started && socks_register(n, e) < 0) {
		/* Back to the old sockets, which were registered before. */
		for (int i = 0; i < nsocks; i++) {
			int j = sock_find(old, nold, &socks[i].addr, socks[i].tcp);

			if (j >= 0 && old[j].io.fd < 0)
				old[j].io.fd = socks[i].io.fd;
			else
				close(socks[i].io.fd);
		}
		memcpy(n->socks, old, sizeof old);
		n->nsocks = nold;
		socks_register(n, e);
		goto fail;
	}
	socks_close(old, nold);
	free(n->keys);
	free(n->index);
	n->keys = keys;
	n->nkeys = (size_t)cfg->ntsig_keys;
	n->index = index;
	n->nindex = (size_t)cfg->nzones;
	n->cfg = cfg;
	return 0;
fail:
	free(keys);
	free(index);
	return -1;
}

void
notify_free(struct notify *n)
{
	for (int i = 0; i < NOTIFY_TCP_CLIENTS; i++)
		conn_close(&n->conns[i]);
	socks_close(n->socks, n->nsocks);
	loop_timer_cancel(&n->pause);
	free(n->keys);
	free(n->index);
	n->keys = NULL;
	n->index = NULL;
	n->nsocks = 0;
	n->started = 0;
}

const struct notify_stats *
notify_stats(const struct notify *n)
{
	return &n->stats;
}
