#include "dns/xfr.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/rnd.h"

/* Parser states: where the next answer RR of the transfer falls. */
enum {
	ST_FIRST,   /* the zone's SOA opens every answer */
	ST_SECOND,  /* IXFR: an SOA next means incremental, else AXFR-style */
	ST_FULL,    /* zone records until the closing SOA */
	ST_DEL,     /* IXFR step: deleted records until the new version's SOA */
	ST_ADD,     /* IXFR step: added records until the next SOA */
	ST_END      /* complete: nothing may follow */
};

/* Octets read from a TCP connection per loop turn. */
#define READ_CHUNK 16384

const char *
xfr_rcode_str(unsigned rcode)
{
	/* RCODEs 0 to 10 as NUL-separated strings, not a table of pointers. */
	static const char names[] = "NOERROR\0FORMERR\0SERVFAIL\0NXDOMAIN\0NOTIMP\0REFUSED\0"
				    "YXDOMAIN\0YXRRSET\0NXRRSET\0NOTAUTH\0NOTZONE";
	const char *p = names;

	if (rcode > 10)
		return "unknown RCODE";
	while (rcode--)
		p += strlen(p) + 1;
	return p;
}

static const char *
kind_str(const struct xfr *x)
{
	if (x->kind == XFR_SOA)
		return "SOA query";
	if (x->kind == XFR_AXFR || x->axfr_fallback)
		return "AXFR";
	return "IXFR";
}

static unsigned
qtype(const struct xfr *x)
{
	if (x->kind == XFR_SOA)
		return DNS_TYPE_SOA;
	if (x->kind == XFR_AXFR || x->axfr_fallback)
		return DNS_TYPE_AXFR;
	return DNS_TYPE_IXFR;
}

/* The first error of this attempt at one server. */
static int __attribute__((format(printf, 2, 3)))
fail(struct xfr *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(&x->attempt, fmt, ap);
	va_end(ap);
	return -1;
}

/* A system call failed: "what: reason". With again set, EAGAIN and EINTR
 * are no failure (0: wait for the next event). */
static int
fail_errno(struct xfr *x, const char *what, int again)
{
	if (again && (errno == EAGAIN || errno == EINTR))
		return 0;
	return fail(x, "%s: %s", what, strerror(errno));
}

/* ---- where the records go --------------------------------------------------------- */

static void
discard_result(struct xfr *x)
{
	if (x->zone) {
		zone_free(x->zone);
		free(x->zone);
		x->zone = NULL;
	}
	zone_delta_free(&x->delta);
	free(x->steps);
	x->steps = NULL;
	x->nsteps = 0;
	x->steps_cap = 0;
}

static int
add_to(struct xfr *x, struct zone *z, const struct dns_rr *rr)
{
	if (zone_add(z, rr->owner, rr->type, rr->class, rr->ttl, rr->rdata, rr->rdlen) < 0)
		return fail(x, "sent records that cannot be kept: %s", z->err.msg);
	return 0;
}

/* A record of the full zone (AXFR, or AXFR-style IXFR). */
static int
keep_full(struct xfr *x, const struct dns_rr *rr)
{
	if (!x->zone) {
		if (!(x->zone = malloc(sizeof *x->zone)))
			return fail(x, "sent a zone that does not fit: out of memory");
		zone_init(x->zone);
	}
	return add_to(x, x->zone, rr);
}

static struct xfr_step *
last_step(struct xfr *x)
{
	return &x->steps[x->nsteps - 1];
}

/* A record of the IXFR delta: deleted (ZONE_DEL) or added (ZONE_ADD). All
 * steps go into the one delta, so memory follows the octets received. */
static int
add_op(struct xfr *x, int op, const struct dns_rr *rr)
{
	if (zone_delta_add(&x->delta, op, rr->owner, rr->type, rr->class, rr->ttl, rr->rdata,
	    rr->rdlen) < 0)
		return fail(x, "sent IXFR records that cannot be kept: %s", x->delta.ops.err.msg);
	return 0;
}

/* An IXFR version step begins with the SOA of the version it leaves. */
static int
step_begin(struct xfr *x, const struct dns_rr *rr, const struct rr_soa *soa)
{
	struct xfr_step *s;

	if (buf_grow(&x->steps, &x->steps_cap, x->nsteps, 1, sizeof *s) < 0)
		return fail(x, "sent an IXFR that does not fit: out of memory");
	s = &x->steps[x->nsteps++];
	s->from = soa->serial;
	s->to = soa->serial;
	s->first = s->end = (uint32_t)zone_rr_count(&x->delta.ops);
	return add_op(x, ZONE_DEL, rr);
}

/* Its additions begin with the SOA of the version it leads to. */
static int
step_to(struct xfr *x, const struct dns_rr *rr, const struct rr_soa *soa)
{
	last_step(x)->to = soa->serial;
	return add_op(x, ZONE_ADD, rr);
}

static void
step_end(struct xfr *x)
{
	last_step(x)->end = (uint32_t)zone_rr_count(&x->delta.ops);
}

/* ---- answer parsing ---------------------------------------------------------- */

/* An SOA the answer carries after its first must be that same record: its
 * names (any case) and its five numbers. RFC 5936 section 2.2 ends an AXFR
 * with "the same SOA resource record", RFC 1995 section 4 makes the zone's
 * SOA the first and the last RR of an IXFR answer (and the newest
 * version's, which the last step adds): a record that only shares the
 * serial would leave the zone with one SOA and the refresh timers with
 * another. Returns 0, or -1 naming it. */
static int
same_soa(struct xfr *x, const struct rr_soa *soa)
{
	if (dns_name_equal(soa->mname, x->soa.mname) && dns_name_equal(soa->rname, x->soa.rname) &&
	    soa->serial == x->soa.serial && soa->refresh == x->soa.refresh &&
	    soa->retry == x->soa.retry && soa->expire == x->soa.expire &&
	    soa->minimum == x->soa.minimum)
		return 0;
	return fail(x, "sent an SOA record of serial %u other than the one the %s began with",
	    soa->serial, kind_str(x));
}

/* One answer RR through the transfer state machine (RFC 5936 section 2.2,
 * RFC 1995 section 4). */
static int
answer_rr(struct xfr *x, const struct dns_rr *rr)
{
	char name[DNS_NAME_TEXT_MAX];
	struct rr_soa soa;
	struct err e = { 0 };
	int is_soa = rr->type == DNS_TYPE_SOA;

	if (x->state == ST_END)
		return fail(x, "sent records after the closing SOA of %s", kind_str(x));
	if (rr->class != DNS_CLASS_IN) {
		dns_name_to_text(rr->owner, name, sizeof name);
		return fail(x, "sent a record of class %u (not IN) for %s", rr->class, name);
	}
	if (!dns_name_is_sub(rr->owner, x->name)) {
		dns_name_to_text(rr->owner, name, sizeof name);
		return fail(x, "sent a record for %s, outside the zone", name);
	}
	if (is_soa) {
		if (!dns_name_equal(rr->owner, x->name)) {
			dns_name_to_text(rr->owner, name, sizeof name);
			return fail(x, "sent an SOA record for %s, not the zone apex", name);
		}
		if (rr_soa_parse(&soa, rr->rdata, rr->rdlen, &e) < 0)
			return fail(x, "sent a malformed SOA record: %s", e.msg);
	}
	/* DNS_MAX_ZONE_RRS counts a zone's RRs: the answer also carries the
	 * opening copy of the SOA, which is not kept. */
	if (++x->rrs > DNS_MAX_ZONE_RRS + 1)
		return fail(x, "sent more than %d records (DNS_MAX_ZONE_RRS)", DNS_MAX_ZONE_RRS);

	switch (x->state) {
	case ST_FIRST:
		if (!is_soa)
			return fail(x, "did not start the %s answer with the zone's SOA", kind_str(x));
		x->soa = soa;
		x->soa_ttl = rr->ttl;
		if (x->kind == XFR_SOA) {
			x->state = ST_END;
			return 0;
		}
		x->state = qtype(x) == DNS_TYPE_IXFR ? ST_SECOND : ST_FULL;
		return 0;
	case ST_SECOND:
		if (!is_soa) {
			/* AXFR-style answer (RFC 1995 section 4). */
			x->state = ST_FULL;
			return keep_full(x, rr);
		}
		if (soa.serial == x->soa.serial) {
			/* AXFR-style answer of a zone holding only its SOA. */
			if (same_soa(x, &soa) < 0)
				return -1;
			x->state = ST_END;
			return keep_full(x, rr);
		}
		/* Incremental: the first step deletes from our version. */
		if (soa.serial != x->serial)
			return fail(x, "sent IXFR differences from serial %u, not from ours (%u)",
			    soa.serial, x->serial);
		if (dns_serial_cmp(x->soa.serial, x->serial) != 1)
			return fail(x, "sent IXFR differences to serial %u, not newer than ours (%u)",
			    x->soa.serial, x->serial);
		x->state = ST_DEL;
		return step_begin(x, rr, &soa);
	case ST_FULL:
		if (!is_soa)
			return keep_full(x, rr);
		if (soa.serial != x->soa.serial)
			return fail(x, "ended the %s with SOA serial %u, not %u as it began",
			    kind_str(x), soa.serial, x->soa.serial);
		if (same_soa(x, &soa) < 0)
			return -1;
		/* The closing copy is the zone's SOA record. */
		x->state = ST_END;
		return keep_full(x, rr);
	case ST_DEL:
		if (!is_soa)
			return add_op(x, ZONE_DEL, rr);
		/* The version this step leads to (RFC 1995 section 4). */
		if (dns_serial_cmp(soa.serial, last_step(x)->from) != 1)
			return fail(x, "sent an IXFR step from serial %u to %u, not newer",
			    last_step(x)->from, soa.serial);
		if (dns_serial_cmp(soa.serial, x->soa.serial) == 1)
			return fail(x, "sent an IXFR step to serial %u, past the newest (%u)",
			    soa.serial, x->soa.serial);
		/* The step to the newest version adds the zone's SOA. */
		if (soa.serial == x->soa.serial && same_soa(x, &soa) < 0)
			return -1;
		x->state = ST_ADD;
		return step_to(x, rr, &soa);
	case ST_ADD:
		if (!is_soa)
			return add_op(x, ZONE_ADD, rr);
		step_end(x);
		/* RFC 1995 section 4: the answer ends with the newest SOA once
		 * the steps have reached it; the same SOA before that is not an
		 * end (taking it as one would record serial 3's data as 5). */
		if (soa.serial == x->soa.serial && last_step(x)->to == x->soa.serial) {
			if (same_soa(x, &soa) < 0)
				return -1;
			x->state = ST_END;
			return 0;
		}
		if (soa.serial == x->soa.serial)
			return fail(x, "ended the IXFR at serial %u, not %u as it began",
			    last_step(x)->to, x->soa.serial);
		/* The next step starts where this one ended. */
		if (soa.serial != last_step(x)->to)
			return fail(x, "sent an IXFR step from serial %u after one to %u",
			    soa.serial, last_step(x)->to);
		x->state = ST_DEL;
		return step_begin(x, rr, &soa);
	}
	return fail(x, "internal error: state %d", x->state);
}

/* The answer is complete: finish the stores, set the outcome. */
static int
complete(struct xfr *x)
{
	if (x->kind == XFR_SOA) {
		x->outcome = XFR_GOT_SOA;
	} else if (x->outcome == XFR_GOT_CURRENT) {
		return 0;
	} else if (x->nsteps) {
		x->outcome = XFR_GOT_DELTA;
	} else {
		x->outcome = XFR_GOT_FULL;
		if (zone_finish(x->zone) < 0)
			return fail(x, "sent a zone that cannot be kept: %s", x->zone->err.msg);
	}
	return 0;
}

static int
same_question(const struct xfr *x, const struct dns_question *q)
{
	return dns_name_equal(q->name, x->name) && q->type == qtype(x) && q->class == DNS_CLASS_IN;
}

/* Outcomes of one message besides 0 (more to come), 1 (complete), -1. */
#define MSG_IGNORED 2   /* UDP: not the answer to our query */
#define MSG_TRUNCATED 3 /* UDP: TC set, ask again over TCP */

/* One complete DNS message of the answer. */
static int
answer_msg(struct xfr *x, const uint8_t *msg, size_t len, uint64_t now, int udp)
{
	char zname[DNS_NAME_TEXT_MAX];
	struct err e = { 0 };
	struct dns_msg m;
	struct dns_question q;
	struct dns_rr rr;
	unsigned rcode;
	int n, first = x->nmsg == 0;

	dns_name_to_text(x->name, zname, sizeof zname);
	if (dns_msg_init(&m, msg, len, &e) < 0)
		return udp ? MSG_IGNORED : fail(x, "sent a malformed message: %s", e.msg);
	if (m.hdr.id != x->id) {
		/* A late or forged UDP datagram is ignored (RFC 5452 section 9.1);
		 * on our own TCP connection a wrong ID is a broken answer. */
		if (udp)
			return MSG_IGNORED;
		return fail(x, "sent a message with ID %u instead of %u", m.hdr.id, x->id);
	}
	x->nmsg++;
	if (!(m.hdr.flags & DNS_QR) || DNS_OPCODE(m.hdr.flags) != DNS_OPCODE_QUERY)
		return fail(x, "sent a message that is not a response to a query");
	rcode = DNS_RCODE(m.hdr.flags);
	if (rcode != DNS_RCODE_NOERROR) {
		/* A TSIG error (BADKEY, BADSIG...) says more than its NOTAUTH. */
		size_t nosig = len;

		if (x->key && rcode == DNS_RCODE_NOTAUTH &&
		    tsig_verify_response(&x->tsig, msg, len, now, &nosig, &e) < 0 && nosig < len)
			return fail(x, "rejected the %s for %s: %s", kind_str(x), zname, e.msg);
		if (qtype(x) == DNS_TYPE_IXFR &&
		    (rcode == DNS_RCODE_NOTIMP || rcode == DNS_RCODE_FORMERR) && first) {
			x->ixfr_refused = 1;
			return fail(x, "does not do IXFR (%s)", xfr_rcode_str(rcode));
		}
		return fail(x, "refused the %s %s (%s)", x->kind == XFR_SOA ? "SOA query for" :
		    "transfer of", zname, xfr_rcode_str(rcode));
	}
	if (x->key && tsig_verify_response(&x->tsig, msg, len, now, NULL, &e) < 0)
		return fail(x, "sent a %s answer failing TSIG: %s", kind_str(x), e.msg);
	if (m.hdr.flags & DNS_TC) {
		if (udp)
			return MSG_TRUNCATED;
		return fail(x, "sent a truncated message over TCP");
	}
	if (x->kind == XFR_SOA && !(m.hdr.flags & DNS_AA))
		return fail(x, "is not authoritative for %s (no AA bit in the SOA answer)", zname);
	/* RFC 5936 section 2.2.1: the first message repeats the question, the
	 * others may leave it out. */
	if (m.hdr.qdcount > 1 || (first && m.hdr.qdcount != 1))
		return fail(x, "sent %u questions in a %s answer", m.hdr.qdcount, kind_str(x));
	if (m.hdr.qdcount && (dns_msg_question(&m, &q) < 0 || !same_question(x, &q)))
		return fail(x, "answered another question than the %s for %s", kind_str(x), zname);
	while ((n = dns_msg_next(&m, &rr)) > 0) {
		if (rr.section != DNS_SEC_ANSWER)
			continue; /* OPT, TSIG, glue: not part of the zone */
		x->bytes += rr.rdlen + rr.owner_len + 10;
		if (x->bytes > DNS_MAX_ZONE_BYTES)
			return fail(x, "sent more than %d octets of records (DNS_MAX_ZONE_BYTES)",
			    DNS_MAX_ZONE_BYTES);
		if (answer_rr(x, &rr) < 0)
			return -1;
	}
	if (n < 0)
		return fail(x, "sent a malformed message: %s", e.msg);
	if (x->kind == XFR_SOA && x->state != ST_END)
		return fail(x, "sent no SOA record for %s in its answer", zname);
	/* RFC 1995 section 2: a single SOA not newer than ours is "current". */
	if (x->state == ST_SECOND && first && m.hdr.ancount == 1 &&
	    dns_serial_cmp(x->soa.serial, x->serial) != 1) {
		x->state = ST_END;
		x->outcome = XFR_GOT_CURRENT;
	}
	if (x->state != ST_END)
		return 0;
	if (x->key && tsig_verify_end(&x->tsig, &e) < 0)
		return fail(x, "sent a %s answer failing TSIG: %s", kind_str(x), e.msg);
	return complete(x) < 0 ? -1 : 1;
}

/* Out of line: inlined into both its callers it cost more code than a call. */
__attribute__((noinline)) void
xfr_parse_begin(struct xfr *x, uint16_t id)
{
	discard_result(x);
	err_clear(&x->attempt);
	x->id = id;
	x->state = ST_FIRST;
	x->nmsg = 0;
	x->have = 0;
	x->rrs = 0;
	x->bytes = 0;
	x->outcome = XFR_GOT_SOA;
	x->ixfr_refused = 0;
}

static int
feed(struct xfr *x, const uint8_t *p, size_t n, uint64_t now)
{
	while (n > 0) {
		size_t want, take;
		int r;

		if (x->attempt.set)
			break;
		if (!x->buf && !(x->buf = malloc(2 + DNS_MAX_MSG)))
			return fail(x, "could not be read: out of memory");
		/* RFC 1035 section 4.2.2: a 2-octet length, then the message. */
		want = x->have < 2 ? 2 : 2 + ((size_t)x->buf[0] << 8 | x->buf[1]);
		take = want - x->have < n ? want - x->have : n;
		memcpy(x->buf + x->have, p, take);
		x->have += take;
		p += take;
		n -= take;
		if (x->have < want)
			continue;
		if (want == 2) {
			if (x->buf[0] == 0 && x->buf[1] == 0)
				return fail(x, "sent an empty TCP message");
			continue;
		}
		x->have = 0;
		if (x->state == ST_END)
			return fail(x, "sent more messages after the end of the %s", kind_str(x));
		r = answer_msg(x, x->buf + 2, want - 2, now, 0);
		if (r < 0)
			return -1;
		if (r == 1)
			return 1; /* octets after the end are not part of the answer */
	}
	if (x->attempt.set)
		return -1;
	return 0;
}

static int
feed_end(struct xfr *x)
{
	char zname[DNS_NAME_TEXT_MAX];

	if (x->state == ST_END && !x->attempt.set)
		return 1;
	dns_name_to_text(x->name, zname, sizeof zname);
	return fail(x, "closed the connection before the end of the %s for %s (%zu records "
	    "received)", kind_str(x), zname, x->rrs);
}

/* Without sockets the error has no server to name. */
static int
public_result(struct xfr *x, int r)
{
	if (r < 0) {
		discard_result(x); /* never a partial zone */
		err_clear(&x->err);
		err_set(&x->err, "%s", x->attempt.msg);
	}
	return r;
}

int
xfr_feed(struct xfr *x, const uint8_t *p, size_t n, uint64_t now)
{
	return public_result(x, feed(x, p, n, now));
}

int
xfr_feed_end(struct xfr *x)
{
	return public_result(x, feed_end(x));
}

/* ---- the job on the poll loop ------------------------------------------------- */

static int
build_query(struct xfr *x)
{
	uint8_t *q = x->query + 2, soa[22];
	struct dns_header h = { .id = x->id };
	struct dns_writer w;
	long n;

	dns_writer_init(&w, q, sizeof x->query - 2, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, x->name, qtype(x), DNS_CLASS_IN);
	if (qtype(x) == DNS_TYPE_IXFR) {
		/* RFC 1995 section 3: our version's SOA in the authority
		 * section; servers only read its serial. */
		memset(soa, 0, sizeof soa);
		soa[2] = (uint8_t)(x->serial >> 24);
		soa[3] = (uint8_t)(x->serial >> 16);
		soa[4] = (uint8_t)(x->serial >> 8);
		soa[5] = (uint8_t)x->serial;
		dns_put_rr(&w, DNS_SEC_AUTHORITY, x->name, DNS_TYPE_SOA, DNS_CLASS_IN, 0, soa,
		    sizeof soa);
	}
	if (x->kind == XFR_SOA)
		dns_put_opt(&w, XFR_EDNS_SIZE, 0); /* RFC 6891 */
	if ((n = dns_writer_done(&w)) < 0)
		return fail(x, "could not be asked: query too large");
	if (x->key && (n = tsig_sign_query(&x->tsig, x->key, q, (size_t)n, sizeof x->query - 2,
	    (uint64_t)time(NULL))) < 0)
		return fail(x, "could not be asked: signed query too large");
	x->qlen = (size_t)n;
	x->query[0] = (uint8_t)(n >> 8);
	x->query[1] = (uint8_t)n;
	x->qsent = 0;
	return 0;
}

/* Release everything and report; x may be freed by done(). */
static void
finish(struct xfr *x)
{
	loop_io_close(&x->io, &x->timer);
	loop_timer_cancel(&x->total);
	free(x->buf);
	x->buf = NULL;
	x->phase = XFR_DONE;
	x->done(x);
}

static void attempt(struct xfr *x);

/* This server failed (x->attempt says how): try the next one. */
static void
attempt_failed(struct xfr *x)
{
	char addr[NET_ADDR_STRLEN];

	loop_io_close(&x->io, &x->timer);
	discard_result(x);
	net_addr_str(x->server, addr, sizeof addr);
	err_clear(&x->err);
	err_set(&x->err, "%s %s", addr, x->attempt.msg);
	if (x->ixfr_refused && !x->axfr_fallback) {
		/* RFC 1995 section 2: ask the same server for AXFR. */
		log_info("%s; asking for AXFR", x->err.msg);
		x->axfr_fallback = 1;
		x->next_server--;
	} else {
		x->axfr_fallback = 0;
		if (x->next_server < x->nservers)
			log_warn("%s; trying the next primary", x->err.msg);
	}
	attempt(x);
}

static int
watch(struct xfr *x, int fd, short events)
{
	x->io.fd = fd;
	x->io.events = events;
	if (loop_io_add(&x->io) < 0)
		return fail(x, "could not be asked: too many open connections (LOOP_MAX_FDS)");
	return 0;
}

static int
udp_send(struct xfr *x)
{
	if (x->io.fd < 0) {
		int fd = net_udp_connect(x->server);

		if (fd < 0)
			return fail_errno(x, "could not be reached", 0);
		if (watch(x, fd, POLLIN) < 0 || build_query(x) < 0)
			return -1;
	}
	if (send(x->io.fd, x->query + 2, x->qlen, 0) < 0 && errno != EAGAIN)
		return fail_errno(x, "could not be reached", 0);
	x->phase = XFR_UDP;
	loop_timer_in(&x->timer, XFR_UDP_TIMEOUT_MS);
	return 0;
}

static int
tcp_connect(struct xfr *x)
{
	int fd = net_tcp_connect(x->server);

	if (fd < 0)
		return fail_errno(x, "could not be reached", 0);
	if (watch(x, fd, POLLOUT) < 0 || build_query(x) < 0)
		return -1;
	x->phase = XFR_CONNECTING;
	loop_timer_in(&x->timer, XFR_CONNECT_TIMEOUT_MS);
	return 0;
}

/* Start on the next server, or report the last error. */
static void
attempt(struct xfr *x)
{
	if (x->next_server >= x->nservers) {
		if (!x->err.set)
			err_set(&x->err, "no primary server to ask");
		finish(x);
		return;
	}
	x->server = &x->servers[x->next_server++];
	/* RFC 5452 section 9.2: unpredictable IDs. */
	xfr_parse_begin(x, (uint16_t)rnd_u32());
	x->udp_try = 0;
	loop_timer_in(&x->total, XFR_TOTAL_TIMEOUT_MS);
	if ((x->kind == XFR_SOA ? udp_send(x) : tcp_connect(x)) < 0)
		attempt_failed(x);
}

static void
succeeded(struct xfr *x)
{
	err_clear(&x->err);
	finish(x);
}

static int
on_udp(struct xfr *x)
{
	ssize_t n;
	int r;

	if (!x->buf && !(x->buf = malloc(2 + DNS_MAX_MSG)))
		return fail(x, "could not be read: out of memory");
	n = recv(x->io.fd, x->buf, DNS_MAX_MSG, 0);
	if (n < 0)
		return fail_errno(x, "could not be reached", 1);
	r = answer_msg(x, x->buf, (size_t)n, (uint64_t)time(NULL), 1);
	if (r == MSG_IGNORED)
		return 0;
	if (r == MSG_TRUNCATED) {
		/* RFC 7766 section 5: the same question over TCP. */
		loop_io_close(&x->io, &x->timer);
		xfr_parse_begin(x, (uint16_t)rnd_u32());
		return tcp_connect(x);
	}
	if (r == 1) {
		succeeded(x);
		return 1;
	}
	return r;
}

static int
on_tcp(struct xfr *x)
{
	uint8_t chunk[READ_CHUNK];
	ssize_t n;
	int r;

	if (x->phase == XFR_CONNECTING) {
		if (net_connect_finish(x->io.fd) < 0)
			return errno == ECONNREFUSED ? fail(x, "refused the connection") :
			    fail_errno(x, "could not be reached", 0);
		x->phase = XFR_SENDING;
		loop_timer_in(&x->timer, XFR_READ_TIMEOUT_MS);
	}
	if (x->phase == XFR_SENDING) {
		n = send(x->io.fd, x->query + x->qsent, 2 + x->qlen - x->qsent, MSG_NOSIGNAL);
		if (n < 0)
			return fail_errno(x, "closed the connection", 1);
		x->qsent += (size_t)n;
		if (x->qsent < 2 + x->qlen)
			return 0;
		x->phase = XFR_READING;
		x->io.events = POLLIN;
		return 0;
	}
	n = read(x->io.fd, chunk, sizeof chunk);
	if (n < 0)
		return fail_errno(x, "closed the connection", 1);
	if (n == 0)
		return feed_end(x);
	loop_timer_in(&x->timer, XFR_READ_TIMEOUT_MS);
	if ((r = feed(x, chunk, (size_t)n, (uint64_t)time(NULL))) == 1)
		succeeded(x);
	return r;
}

static void
io_cb(struct loop_io *io, short revents)
{
	struct xfr *x = LOOP_CONTAINER_OF(io, struct xfr, io);

	(void)revents;
	if ((x->phase == XFR_UDP ? on_udp(x) : on_tcp(x)) < 0)
		attempt_failed(x);
}

/* A deadline passed: the current step's (x->timer: the next UDP try, or
 * a failure) or the whole attempt's at this server (x->total). */
static void
timed_out(struct xfr *x, int whole)
{
	char zname[DNS_NAME_TEXT_MAX];

	dns_name_to_text(x->name, zname, sizeof zname);
	if (whole) {
		fail(x, "did not complete the %s for %s within %d ms", kind_str(x), zname,
		    XFR_TOTAL_TIMEOUT_MS);
	} else if (x->phase == XFR_IDLE) {
		attempt(x);
		return;
	} else if (x->phase == XFR_UDP) {
		if (++x->udp_try < XFR_UDP_TRIES) {
			if (udp_send(x) < 0)
				attempt_failed(x);
			return;
		}
		fail(x, "did not answer the SOA query for %s (%d tries, %d ms apart)", zname,
		    XFR_UDP_TRIES, XFR_UDP_TIMEOUT_MS);
	} else if (x->phase == XFR_CONNECTING) {
		fail(x, "did not accept the connection within %d ms", XFR_CONNECT_TIMEOUT_MS);
	} else {
		fail(x, "sent nothing for %d ms during the %s for %s", XFR_READ_TIMEOUT_MS,
		    kind_str(x), zname);
	}
	attempt_failed(x);
}

static void
timer_cb(struct loop_timer *t)
{
	timed_out(LOOP_CONTAINER_OF(t, struct xfr, timer), 0);
}

static void
total_cb(struct loop_timer *t)
{
	timed_out(LOOP_CONTAINER_OF(t, struct xfr, total), 1);
}

/* Out of line: link-time optimisation would copy it into each caller
 * (the CLI's xfr and sync jobs) for more code than a call. */
__attribute__((noinline)) int
xfr_start(struct xfr *x)
{
	err_clear(&x->err);
	x->io.fd = -1;
	x->io.cb = io_cb;
	x->timer.cb = timer_cb;
	x->total.cb = total_cb;
	x->next_server = 0;
	x->axfr_fallback = 0;
	x->server = NULL;
	x->phase = XFR_IDLE;
	/* From the loop, so done() never runs inside xfr_start(). */
	loop_timer_in(&x->timer, 0);
	return 0;
}

void
xfr_cancel(struct xfr *x)
{
	loop_io_close(&x->io, &x->timer);
	loop_timer_cancel(&x->total);
	x->phase = XFR_DONE;
	xfr_free(x);
}

void
xfr_free(struct xfr *x)
{
	discard_result(x);
	free(x->buf);
	x->buf = NULL;
}
