/*
 * The sync job (src/sync/sync) on the poll loop, end to end without
 * sockets to the outside: a primary served from the same loop (SOA over
 * UDP, AXFR and IXFR over TCP, built here from record lists) and a
 * scripted Route 53 (test/fakehttp.h). Each case checks the requests made,
 * in order, and what the job exports for the daemon and the CLI: status,
 * refreshed, reconciled, what Route 53 holds (route53, synced), the counts
 * and the result line.
 *
 *   full         AXFR, ListHostedZonesByName, listing, one batch
 *   incremental  SOA, IXFR, one ChangeResourceRecordSets, no listing
 *   current      SOA only; Route 53 left as it was
 *   reconcile    same serial, full: the last synced zone copied, listed
 *   safety       a plan deleting too much is refused; --force applies it
 *   gone         an incremental batch refused only because a set it deletes
 *                is gone already (another writer): sent again without it,
 *                no listing
 *   replan       InvalidChangeBatch: listed again and planned anew, once
 *   bisect       refused again: halves along owner names down to the one
 *                set Route 53 refuses, the rest applied
 *   lost         a change whose answer is lost is listed again, never sent
 *                twice; a failed re-listing leaves Route 53 unknown
 *   transfer     the SOA answers, the transfer is refused: not refreshed
 *   conflict     a set in conflict with Route 53's alias: the next serial is
 *                planned from a listing, the alias left alone
 *   lines        sync_result for each outcome ("1 batch", "2 batches")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fakehttp.h"
#include "codec/dns.h"
#include "codec/rr.h"
#include "sync/sync.h"
#include "tap.h"

#define ZONE "example.com."
#define NS "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""

/* ---- the primary, on the loop ------------------------------------------------------ */

/* Records are lines "OWNER TYPE VALUE": OWNER relative to the zone ("@" is
 * the apex), VALUE in Route 53's text form, TTL 300. */
struct primary {
	int ufd, tfd, cfd;
	struct loop_io uio, tio, cio;
	struct net_addr addr;
	uint32_t serial;        /* the zone's serial now */
	const char *zone;       /* its records (AXFR) */
	uint32_t from;          /* IXFR from this serial: the delta below */
	const char *del, *add;  /* the RRs it deletes and adds */
	int refuse;             /* AXFR and IXFR answered REFUSED */
	uint32_t behind;        /* non-zero: whole-zone transfers give this serial (the
	                         * zone's records as they are), as a server behind the
	                         * one that answered the SOA query would */
	int behind_current;     /* and an IXFR is answered with that SOA alone ("you are
	                         * up to date", RFC 1995 section 2) */
	unsigned nsoa, naxfr, nixfr;
	uint8_t in[2 + DNS_MAX_MSG];
	size_t inlen;
	uint8_t out[2 + DNS_MAX_MSG];
	size_t outlen, outoff;
};

static struct primary pri;
static struct dns_writer w;

static const uint8_t *
wire_name(const char *owner)
{
	static uint8_t name[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];

	snprintf(text, sizeof text, "%s%s%s", strcmp(owner, "@") ? owner : "",
	    strcmp(owner, "@") ? "." : "", ZONE);
	if (dns_name_from_text(name, sizeof name, text, NULL, NULL) < 0)
		abort();
	return name;
}

static void
put_rr(const char *owner, const char *type, const char *value, size_t vlen)
{
	uint8_t rd[1024];
	int t = rr_type_parse(type, strlen(type));
	long n = t < 0 ? -1 : rr_from_r53((unsigned)t, value, vlen, rd, sizeof rd, NULL);

	if (n < 0) {
		printf("# bad test record %s %s %.*s\n", owner, type, (int)vlen, value);
		abort();
	}
	dns_put_rr(&w, DNS_SEC_ANSWER, wire_name(owner), (unsigned)t, DNS_CLASS_IN, 300, rd,
	    (size_t)n);
}

static void
put_soa(uint32_t serial)
{
	char v[128];

	snprintf(v, sizeof v, "ns1.example.com. hostmaster.example.com. %lu 3600 600 86400 300",
	    (unsigned long)serial);
	put_rr("@", "SOA", v, strlen(v));
}

static void
put_lines(const char *lines)
{
	while (lines && *lines) {
		const char *end = strchr(lines, '\n'), *sp1, *sp2;
		char owner[64], type[16];

		if (!end)
			end = lines + strlen(lines);
		sp1 = memchr(lines, ' ', (size_t)(end - lines));
		sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) : NULL;
		if (!sp2)
			abort();
		snprintf(owner, sizeof owner, "%.*s", (int)(sp1 - lines), lines);
		snprintf(type, sizeof type, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
		put_rr(owner, type, sp2 + 1, (size_t)(end - sp2 - 1));
		lines = *end ? end + 1 : end;
	}
}

/* The answer to query q[0..n) into out (length-prefixed when tcp). */
static size_t
answer(const uint8_t *q, size_t n, uint8_t *out, size_t cap, int tcp)
{
	struct dns_msg m;
	struct dns_question qq;
	struct dns_rr rr;
	struct dns_header h = { 0 };
	uint32_t have = 0;
	size_t off = tcp ? 2 : 0;
	long len;

	if (dns_msg_init(&m, q, n, NULL) < 0 || dns_msg_question(&m, &qq) != 1)
		abort();
	while (dns_msg_next(&m, &rr) == 1)
		if (rr.type == DNS_TYPE_SOA && rr.rdlen >= 20)
			have = (uint32_t)rr.rdata[rr.rdlen - 20] << 24 |
			    (uint32_t)rr.rdata[rr.rdlen - 19] << 16 |
			    (uint32_t)rr.rdata[rr.rdlen - 18] << 8 | rr.rdata[rr.rdlen - 17];
	h.id = m.hdr.id;
	h.flags = DNS_QR | DNS_AA;
	if (qq.type != DNS_TYPE_SOA && pri.refuse)
		h.flags |= DNS_RCODE_REFUSED;
	dns_writer_init(&w, out + off, cap - off, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, qq.name, qq.type, DNS_CLASS_IN);
	if (qq.type == DNS_TYPE_SOA) {
		pri.nsoa++;
		put_soa(pri.serial);
	} else if (qq.type == DNS_TYPE_IXFR && pri.behind_current) {
		pri.nixfr++;
		put_soa(pri.behind);
	} else if (qq.type == DNS_TYPE_IXFR && !pri.refuse && have == pri.serial) {
		pri.nixfr++;
		put_soa(pri.serial); /* current (RFC 1995 section 4) */
	} else if (qq.type == DNS_TYPE_IXFR && !pri.refuse && pri.from == have) {
		pri.nixfr++;
		put_soa(pri.serial);
		put_soa(pri.from);
		put_lines(pri.del);
		put_soa(pri.serial);
		put_lines(pri.add);
		put_soa(pri.serial);
	} else {
		/* AXFR, or an IXFR from a version we have no delta for:
		 * the whole zone (AXFR-style, RFC 1995 section 4). */
		if (qq.type == DNS_TYPE_IXFR)
			pri.nixfr++;
		else
			pri.naxfr++;
		if (!pri.refuse) {
			put_soa(pri.behind ? pri.behind : pri.serial);
			put_lines(pri.zone);
			put_soa(pri.behind ? pri.behind : pri.serial);
		}
	}
	if ((len = dns_writer_done(&w)) < 0)
		abort();
	if (tcp) {
		out[0] = (uint8_t)(len >> 8);
		out[1] = (uint8_t)len;
	}
	return off + (size_t)len;
}

static void
udp_io(struct loop_io *io, short rev)
{
	uint8_t q[1024], a[DNS_MAX_MSG];
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(io->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);

	(void)rev;
	if (n > 0)
		sendto(io->fd, a, answer(q, (size_t)n, a, sizeof a, 0), 0, (struct sockaddr *)&from,
		    fl);
}

static void
tcp_drop(void)
{
	if (pri.cfd >= 0) {
		loop_io_del(&pri.cio);
		close(pri.cfd);
		pri.cfd = -1;
	}
	pri.inlen = pri.outlen = pri.outoff = 0;
}

static void
tcp_io(struct loop_io *io, short rev)
{
	ssize_t n;

	(void)rev;
	if (pri.outlen) {
		if ((n = write(io->fd, pri.out + pri.outoff, pri.outlen - pri.outoff)) < 0 &&
		    errno != EAGAIN) {
			tcp_drop();
			return;
		}
		if (n > 0 && (pri.outoff += (size_t)n) == pri.outlen) {
			pri.outlen = pri.outoff = 0;
			io->events = POLLIN;
		}
		return;
	}
	n = read(io->fd, pri.in + pri.inlen, sizeof pri.in - pri.inlen);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			tcp_drop();
		return;
	}
	pri.inlen += (size_t)n;
	if (pri.inlen >= 2 && pri.inlen >= 2 + ((size_t)pri.in[0] << 8 | pri.in[1])) {
		pri.outlen = answer(pri.in + 2, pri.inlen - 2, pri.out, sizeof pri.out, 1);
		pri.inlen = 0;
		io->events = POLLOUT;
	}
}

static void
tcp_accept(struct loop_io *io, short rev)
{
	int fd = accept(io->fd, NULL, NULL);

	(void)rev;
	if (fd < 0)
		return;
	tcp_drop();
	fake_nonblock(fd);
	pri.cfd = pri.cio.fd = fd;
	pri.cio.events = POLLIN;
	pri.cio.cb = tcp_io;
	loop_io_add(&pri.cio);
}

/* UDP and TCP on one free port of 127.0.0.1. */
static int
primary_start(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	unsigned char lo[4] = { 127, 0, 0, 1 };

	pri.cfd = -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((pri.tfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    (pri.ufd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(pri.tfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(pri.tfd, 4) < 0 ||
	    getsockname(pri.tfd, (struct sockaddr *)&sin, &sl) < 0 ||
	    bind(pri.ufd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return -1;
	fake_nonblock(pri.tfd);
	fake_nonblock(pri.ufd);
	net_addr_from_ip(&pri.addr, lo, 4, ntohs(sin.sin_port));
	pri.tio.fd = pri.tfd;
	pri.tio.events = POLLIN;
	pri.tio.cb = tcp_accept;
	pri.uio.fd = pri.ufd;
	pri.uio.events = POLLIN;
	pri.uio.cb = udp_io;
	return loop_io_add(&pri.tio) < 0 || loop_io_add(&pri.uio) < 0 ? -1 : 0;
}

/* The primary's zone now. */
static void
serve(uint32_t serial, const char *zone)
{
	pri.serial = serial;
	pri.zone = zone;
	pri.from = 0;
	pri.del = pri.add = NULL;
	pri.refuse = 0;
	pri.behind = 0;
	pri.behind_current = 0;
	pri.nsoa = pri.naxfr = pri.nixfr = 0;
}

/* ---- Route 53, scripted ------------------------------------------------------------ */

static struct fake_http srv;
static struct r53 client;

static const char zones_ok[] =
	"<ListHostedZonesByNameResponse " NS "><HostedZones><HostedZone><Id>/hostedzone/Z1</Id>"
	"<Name>example.com.</Name><Config><PrivateZone>false</PrivateZone></Config></HostedZone>"
	"</HostedZones><DNSName>example.com.</DNSName><IsTruncated>false</IsTruncated>"
	"<MaxItems>10</MaxItems></ListHostedZonesByNameResponse>";
static const char change_ok[] =
	"<ChangeResourceRecordSetsResponse " NS "><ChangeInfo><Id>/change/C1</Id><Status>PENDING"
	"</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo>"
	"</ChangeResourceRecordSetsResponse>";

/* A listing page: Route 53's SOA and apex NS, then sets "NAME TYPE VALUE"
 * (full names, TTL 300), one value each. */
static void
reply_listing(const char *sets)
{
	char body[16384];
	size_t n;

	n = (size_t)snprintf(body, sizeof body, "<ListResourceRecordSetsResponse " NS
	    "><ResourceRecordSets><ResourceRecordSet><Name>example.com.</Name><Type>NS</Type>"
	    "<TTL>172800</TTL><ResourceRecords><ResourceRecord><Value>ns-1.awsdns-01.com."
	    "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet><ResourceRecordSet>"
	    "<Name>example.com.</Name><Type>SOA</Type><TTL>900</TTL><ResourceRecords>"
	    "<ResourceRecord><Value>ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 "
	    "900 1209600 86400</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>");
	while (sets && *sets) {
		const char *end = strchr(sets, '\n'), *sp1, *sp2;

		if (!end)
			end = sets + strlen(sets);
		sp1 = memchr(sets, ' ', (size_t)(end - sets));
		sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
		n += (size_t)snprintf(body + n, sizeof body - n, "<ResourceRecordSet><Name>%.*s"
		    "</Name><Type>%.*s</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>"
		    "%.*s</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>",
		    (int)(sp1 - sets), sets, (int)(sp2 - sp1 - 1), sp1 + 1, (int)(end - sp2 - 1),
		    sp2 + 1);
		sets = *end ? end + 1 : end;
	}
	snprintf(body + n, sizeof body - n, "</ResourceRecordSets><IsTruncated>false"
	    "</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>");
	fake_reply(&srv, 200, "", body);
}

static void
reply_refused(const char *message)
{
	char body[1024];

	snprintf(body, sizeof body, "<InvalidChangeBatch " NS "><Messages><Message>%s</Message>"
	    "</Messages></InvalidChangeBatch>", message);
	fake_reply(&srv, 400, "", body);
}

/* The requests Route 53 got, one letter each: Z ListHostedZonesByName, L
 * ListResourceRecordSets, C ChangeResourceRecordSets, ? anything else. */
static const char *
requests(void)
{
	static char s[FAKE_MAX + 1];
	size_t i;

	for (i = 0; i < srv.nreqs; i++)
		s[i] = !strncmp(srv.reqs[i], "GET /2013-04-01/hostedzonesbyname?", 34) ? 'Z' :
		    !strncmp(srv.reqs[i], "GET /2013-04-01/hostedzone/Z1/rrset?", 36) ? 'L' :
		    !strncmp(srv.reqs[i], "POST /2013-04-01/hostedzone/Z1/rrset/ ", 38) ? 'C' : '?';
	s[i] = '\0';
	return s;
}

/* The body of the k-th ChangeResourceRecordSets request (0 first), or "". */
static const char *
change_body(int k)
{
	for (size_t i = 0; i < srv.nreqs; i++)
		if (!strncmp(srv.reqs[i], "POST ", 5) && k-- == 0)
			return strstr(srv.reqs[i], "\r\n\r\n") + 4;
	return "";
}

/* "CREATE a.example.com. A" for each change of a request body, in order. */
static const char *
changes_of(const char *body)
{
	static char s[2048];
	size_t n = 0;
	const char *p = body;

	s[0] = '\0';
	while ((p = strstr(p, "<Action>")) && n < sizeof s) {
		const char *name = strstr(p, "<Name>") + 6, *type = strstr(p, "<Type>") + 6;

		n += (size_t)snprintf(s + n, sizeof s - n, "%s%.*s %.*s %.*s", n ? ", " : "",
		    (int)(strchr(p + 8, '<') - (p + 8)), p + 8, (int)(strchr(name, '<') - name), name,
		    (int)(strchr(type, '<') - type), type);
		p = type;
	}
	return s;
}

/* ---- running a job -------------------------------------------------------------- */

static struct cfg_zone zone;
static struct cfg_safety lax = { 100, 100, 1000000 };
static int ndone, hung;
static struct loop_timer guard;

static void
job_done(struct sync_job *j)
{
	(void)j;
	ndone++;
	loop_stop();
}

static void
too_long(struct loop_timer *t)
{
	(void)t;
	hung = 1;
	loop_stop();
}

/* Run j (its inputs beyond the zone set by the caller) to its end. The
 * guard only bounds a broken test; nothing is timed. */
static void
run(struct sync_job *j)
{
	j->zone = &zone;
	j->r53 = &client;
	j->done = job_done;
	ndone = hung = 0;
	guard.cb = too_long;
	loop_timer_in(&guard, 60000);
	sync_start(j);
	loop_run();
	loop_timer_cancel(&guard);
	ok(ndone == 1 && !hung, "done() called once (%s)", hung ? "hung" : "ended");
}

/* The job's result line starts with want (the seconds vary). */
static void
line_is(const struct sync_job *j, const char *want, const char *what)
{
	char line[SYNC_RESULT_MAX];
	size_t n = strlen(sync_result(j, line, sizeof line));

	if (!ok(!strncmp(line, want, strlen(want)) && n > 2 && !strcmp(line + n - 2, " s"),
	    "%s: result line", what))
		printf("#   got  \"%s\"\n#   want \"%s...\"\n", line, want);
}

/* Keep what a job leaves for the next one, as the daemon does. */
static struct zone *prev;
static uint32_t prev_serial;

static void
keep(struct sync_job *j)
{
	if (prev) {
		zone_free(prev);
		free(prev);
	}
	prev = j->synced;
	prev_serial = j->synced_serial;
	j->synced = NULL;
}

/* A new job: any safety share allowed, the hosted zone ID known (Z1), and
 * with_prev: the zone the last job left (keep) as the daemon passes it. */
static void
job_new(struct sync_job *j, int with_prev)
{
	memset(j, 0, sizeof *j);
	j->safety = lax;
	snprintf(j->zone_id, sizeof j->zone_id, "Z1");
	if (with_prev) {
		j->prev = prev;
		j->prev_serial = prev_serial;
	}
}

/* Same record sets, names, types, TTLs and rdatas? */
static int
zone_same(const struct zone *a, const struct zone *b)
{
	if (zone_set_count(a) != zone_set_count(b))
		return 0;
	for (size_t i = 0; i < zone_set_count(a); i++)
		if (zone_set_cmp(a, i, b, i) || !zone_set_equal(a, i, b, i))
			return 0;
	return 1;
}

/* ---- the cases ------------------------------------------------------------------ */

#define V1 "@ NS ns1.example.com.\nns1 A 192.0.2.1\nwww A 192.0.2.10\nmail MX 10 mx.example.net."
#define V2 "@ NS ns1.example.com.\nns1 A 192.0.2.1\nwww A 192.0.2.11\nmail MX 10 mx.example.net.\n" \
	"new AAAA 2001:db8::1"
#define V2_R53 "ns1.example.com. A 192.0.2.1\nwww.example.com. A 192.0.2.11\n" \
	"mail.example.com. MX 10 mx.example.net.\nnew.example.com. AAAA 2001:db8::1"

static void
test_full(void)
{
	static struct sync_job j;

	serve(1, V1);
	fake_reset(&srv);
	fake_reply(&srv, 200, "", zones_ok);
	reply_listing("old.example.com. A 192.0.2.99");
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 0);
	j.zone_id[0] = '\0';
	run(&j);
	ok(j.status == SYNC_OK, "full: ok (%s)", j.err.msg);
	is_str(requests(), "ZLC", "full: hosted zone found, listed, one batch");
	is_str(changes_of(change_body(0)), "DELETE old.example.com. A, CREATE mail.example.com. MX, "
	    "CREATE ns1.example.com. A, CREATE www.example.com. A",
	    "full: the stale set deleted first, the primary's created");
	/* Every job asks the SOA first (a NOTIFY storm then costs one query). */
	ok(pri.naxfr == 1 && pri.nsoa == 1 && j.xfer == SYNC_XFER_AXFR, "full: the SOA, then AXFR");
	is_str(j.zone_id, "Z1", "full: the hosted zone ID kept for the next job");
	ok(j.refreshed && j.reconciled && j.route53 == SYNC_R53_SYNCED && j.synced &&
	    j.synced_serial == 1, "full: refreshed, reconciled, Route 53 holds serial 1");
	ok(j.applied[PLAN_CREATE] == 3 && j.applied[PLAN_UPDATE] == 0 &&
	    j.applied[PLAN_DELETE] == 1 && j.batches == 1 && !j.replans && !j.lost,
	    "full: 3 created, 1 deleted in 1 batch");
	line_is(&j, "serial 1 by AXFR, 3 created, 0 updated, 1 deleted in 1 batch; API calls: "
	    "ListHostedZonesByName 1, ListResourceRecordSets 1, ChangeResourceRecordSets 1; ", "full");
	keep(&j);
	sync_free(&j);
}

static void
test_incremental(void)
{
	static struct sync_job j;

	serve(2, V2);
	pri.from = 1;
	pri.del = "www A 192.0.2.10";
	pri.add = "www A 192.0.2.11\nnew AAAA 2001:db8::1";
	fake_reset(&srv);
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_OK, "incremental: ok (%s)", j.err.msg);
	ok(pri.nsoa == 1 && pri.nixfr == 1 && pri.naxfr == 0, "incremental: SOA query, then IXFR");
	is_str(requests(), "C", "incremental: one ChangeResourceRecordSets, no listing");
	is_str(changes_of(change_body(0)), "UPSERT new.example.com. AAAA, UPSERT www.example.com. A",
	    "incremental: the IXFR's sets only, a new one UPSERTed (another writer may have it)");
	ok(j.xfer == SYNC_XFER_IXFR && j.incremental && !j.reconciled && j.refreshed &&
	    j.route53 == SYNC_R53_SYNCED && j.synced_serial == 2,
	    "incremental: refreshed, not a reconcile, Route 53 holds serial 2");
	line_is(&j, "serial 2 by IXFR, 1 created, 1 updated, 0 deleted in 1 batch; API calls: "
	    "ChangeResourceRecordSets 1; ", "incremental");
	keep(&j);
	sync_free(&j);
}

#define V2X "@ NS ns1.example.com.\nns1 A 192.0.2.1\nwww A 192.0.2.11\nnew AAAA 2001:db8::1\n" \
	"x A 192.0.2.77"

/* An adopt job of adopt_serial, prev at serial 2, the primary at 3 with the
 * delta from from (2: the one test_gone uses; else the whole zone). */
static void
adopt_run(struct sync_job *j, uint32_t from, uint32_t adopt_serial)
{
	serve(3, V2X);
	pri.from = from;
	pri.del = "mail MX 10 mx.example.net.";
	pri.add = "x A 192.0.2.77";
	fake_reset(&srv);
	job_new(j, 1);
	j->adopt = 1;
	j->adopt_serial = adopt_serial;
	run(j);
}

/* A peer of an HA pair says Route 53 holds serial 3: taken from the IXFR
 * (or the whole zone compared with prev) and the incremental plan with no
 * request; not taken when the primary is at another serial. Route 53 and prev are left as
 * they were (no keep). */
static void
test_adopt(void)
{
	static struct sync_job j;

	adopt_run(&j, 2, 3);
	ok(j.status == SYNC_ADOPTED, "adopt: adopted (%s)", j.err.msg);
	is_str(requests(), "", "adopt: not a single Route 53 request");
	ok(pri.nsoa == 1 && pri.nixfr == 1 && pri.naxfr == 0, "adopt: SOA query, then IXFR");
	ok(j.route53 == SYNC_R53_SYNCED && j.synced && j.synced_serial == 3 &&
	    zone_set_count(j.synced) == 6 && j.refreshed && !j.reconciled,
	    "adopt: the primary's zone at serial 3 handed out as synced");
	line_is(&j, "serial 3 by IXFR, adopted from a peer (Route 53 holds it); API calls: none; ",
	    "adopt");
	sync_free(&j);

	adopt_run(&j, 2, 4);
	ok(j.status == SYNC_PASSED, "adopt: the primary is at 3, the peer wrote 4: passed");
	ok(pri.nsoa == 1 && pri.nixfr == 0 && pri.naxfr == 0 && !requests()[0],
	    "adopt: passed after the SOA query: no transfer, no request");
	ok(j.route53 == SYNC_R53_PREV && !j.synced, "adopt: passed: nothing handed out");
	line_is(&j, "serial 3, passed: not the peer's serial 4; API calls: none; ", "adopt passed");
	sync_free(&j);

	/* The whole zone is compared with prev, as an IXFR's changes. */
	adopt_run(&j, 1, 3);
	ok(j.status == SYNC_ADOPTED && pri.nixfr == 1 && !requests()[0] && j.synced &&
	    j.synced_serial == 3 && zone_set_count(j.synced) == 6,
	    "adopt: the IXFR answered with the whole zone: compared with prev, adopted, no request");
	sync_free(&j);
}

static void
test_gone(void)
{
	static struct sync_job j;

	serve(3, V2X);
	pri.from = 2;
	pri.del = "mail MX 10 mx.example.net.";
	pri.add = "x A 192.0.2.77";
	fake_reset(&srv);
	reply_refused("Tried to delete resource record set [name='mail.example.com.', type='MX'] "
	    "but it was not found");
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_OK && !j.replans, "gone: ok without a new listing (%s)", j.err.msg);
	is_str(requests(), "CC", "gone: refused, then sent again; no listing");
	is_str(changes_of(change_body(0)), "DELETE mail.example.com. MX, UPSERT x.example.com. A",
	    "gone: the IXFR's changes");
	is_str(changes_of(change_body(1)), "UPSERT x.example.com. A",
	    "gone: sent again without the DELETE of the set already gone");
	ok(j.applied[PLAN_CREATE] == 1 && j.applied[PLAN_DELETE] == 0 && j.batches == 1 &&
	    j.route53 == SYNC_R53_SYNCED && j.synced_serial == 3,
	    "gone: 1 created in 1 batch; Route 53 holds serial 3");
	sync_free(&j);

	/* Any other message: the zone is listed again (test_replan). */
	fake_reset(&srv);
	reply_refused("Tried to delete resource record set [name='mail.example.com.', type='MX'] "
	    "but the values provided do not match the current values");
	reply_listing(V2_R53);
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_OK && j.replans == 1, "values differ: ok after a new listing (%s)",
	    j.err.msg);
	is_str(requests(), "CLC", "values differ: refused, listed again, planned anew");
	sync_free(&j);
}

static void
test_current(void)
{
	static struct sync_job j;

	serve(2, V2);
	fake_reset(&srv);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_CURRENT && pri.nsoa == 1 && !pri.nixfr && !pri.naxfr,
	    "current: one SOA query, nothing transferred");
	is_str(requests(), "", "current: no request to Route 53");
	ok(j.refreshed && j.route53 == SYNC_R53_PREV && !j.synced,
	    "current: refreshed; Route 53 still holds the last synced zone");
	line_is(&j, "serial 2 current; API calls: none; ", "current");
	sync_free(&j);
}

/* The SOA query says 3, newer than the synced 2, but the transfer comes
 * from a server still at 1 (a primary behind a load balancer, or the next
 * primary after the first failed): its zone would take Route 53 back to
 * serial 1, deleting what 2 added. The job fails instead, as a refresh that
 * found the primary's serial older than the synced one does (RFC 1982
 * section 3.2), and a later one tries again. */
static void
test_behind(void)
{
	static struct sync_job j;

	serve(3, V1);
	pri.behind = 1;
	fake_reset(&srv);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_FAILED && pri.nsoa == 1 && pri.nixfr == 1,
	    "behind: the SOA says 3, the IXFR gives the whole zone at 1: failed");
	ok(strstr(j.err.msg, "serial 1") && strstr(j.err.msg, "older than the synced serial 2"),
	    "behind: the error says why (%s)", j.err.msg);
	is_str(requests(), "", "behind: no request to Route 53");
	ok(!j.synced && j.route53 == SYNC_R53_PREV,
	    "behind: Route 53 still holds the last synced zone");
	ok(j.serial == 3 && j.soa.serial == 3,
	    "behind: the primary's serial is the SOA query's 3, not the transfer's 1");
	sync_free(&j);

	/* The same server answering the IXFR with its SOA alone: not
	 * "current" at serial 1. */
	serve(3, V1);
	pri.behind = 1;
	pri.behind_current = 1;
	fake_reset(&srv);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_FAILED && pri.nixfr == 1 && !pri.naxfr &&
	    strstr(j.err.msg, "older than the synced serial 2"),
	    "behind, IXFR answered with the SOA alone: failed, not current (%s)", j.err.msg);
	is_str(requests(), "", "behind, SOA alone: no request to Route 53");
	sync_free(&j);
}

static void
test_reconcile(void)
{
	static struct sync_job j;

	serve(2, V2);
	fake_reset(&srv);
	reply_listing(V2_R53);
	job_new(&j, 1);
	j.full = 1;
	run(&j);
	ok(j.status == SYNC_OK && pri.nsoa == 1 && !pri.nixfr && !pri.naxfr,
	    "reconcile: same serial, not transferred (%s)", j.err.msg);
	is_str(requests(), "L", "reconcile: listed, nothing to change");
	ok(j.reconciled && j.refreshed && j.route53 == SYNC_R53_SYNCED && j.synced,
	    "reconcile: reconciled; Route 53 holds the copy of the last synced zone");
	ok(j.synced && zone_same(j.synced, prev),
	    "reconcile: the copy is the last synced zone, set by set");
	line_is(&j, "serial 2, 0 created, 0 updated, 0 deleted in 0 batches; API calls: "
	    "ListResourceRecordSets 1; ", "reconcile");
	sync_free(&j);
}

#define V3 "@ NS ns1.example.com.\nns1 A 192.0.2.1"
#define V3_R53 "ns1.example.com. A 192.0.2.1\na.example.com. A 192.0.2.2\n" \
	"b.example.com. A 192.0.2.3\nc.example.com. A 192.0.2.4\nd.example.com. A 192.0.2.5"

static void
test_safety(void)
{
	static struct sync_job j;
	struct cfg_safety strict = { 30, 30, 1 };

	serve(3, V3);
	fake_reset(&srv);
	reply_listing(V3_R53);
	job_new(&j, 0);
	j.safety = strict;
	run(&j);
	ok(j.status == SYNC_UNSAFE && strstr(j.err.msg, "would delete 4 of 5"),
	    "safety: refused: %s", j.err.msg);
	is_str(requests(), "L", "safety: nothing sent");
	ok(j.refreshed && !j.reconciled && j.route53 == SYNC_R53_UNKNOWN && !j.synced,
	    "safety: Route 53 listed but not synced: unknown for the next job");
	line_is(&j, "serial 3 by AXFR, refused by the safety check (0 to create, 0 to update, 4 to "
	    "delete); API calls: ListResourceRecordSets 1; ", "safety");
	sync_free(&j);

	fake_reset(&srv);
	reply_listing(V3_R53);
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 0);
	j.safety = strict;
	j.force = 1;
	run(&j);
	ok(j.status == SYNC_OK && j.applied[PLAN_DELETE] == 4 && j.route53 == SYNC_R53_SYNCED,
	    "safety: forced, the four sets deleted (%s)", j.err.msg);
	is_str(requests(), "LC", "safety: forced: one batch");
	sync_free(&j);
}

static void
test_replan(void)
{
	static struct sync_job j;

	serve(1, V1);
	fake_reset(&srv);
	reply_listing(NULL);
	reply_refused("Tried to create resource record set [name='www.example.com.', type='A'] "
	    "but it already exists");
	reply_listing("www.example.com. A 192.0.2.10");
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 0);
	run(&j);
	ok(j.status == SYNC_OK && j.replans == 1, "replan: ok after one new listing (%s)",
	    j.err.msg);
	is_str(requests(), "LCLC", "replan: refused, listed again, planned anew");
	is_str(changes_of(change_body(1)), "CREATE mail.example.com. MX, CREATE ns1.example.com. A",
	    "replan: the set Route 53 now holds is not sent again");
	ok(j.applied[PLAN_CREATE] == 2 && j.batches == 1 && j.route53 == SYNC_R53_SYNCED,
	    "replan: 2 created in 1 batch; Route 53 holds the zone");
	sync_free(&j);
}

#define V4 "@ NS ns1.example.com.\na A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\nd A 192.0.2.4"

static void
test_bisect(void)
{
	static struct sync_job j;

	serve(4, V4);
	fake_reset(&srv);
	reply_listing(NULL);
	reply_refused("first refusal");
	reply_listing(NULL);
	reply_refused("second refusal");
	fake_reply(&srv, 200, "", change_ok);
	reply_refused("third refusal");
	fake_reply(&srv, 200, "", change_ok);
	reply_refused("Invalid Resource Record: d is not welcome");
	job_new(&j, 0);
	run(&j);
	is_str(requests(), "LCLCCCCC", "bisect: refused twice, then halves");
	is_str(changes_of(change_body(2)), "CREATE a.example.com. A, CREATE b.example.com. A",
	    "bisect: first half");
	is_str(changes_of(change_body(3)), "CREATE c.example.com. A, CREATE d.example.com. A",
	    "bisect: second half, refused");
	is_str(changes_of(change_body(4)), "CREATE c.example.com. A", "bisect: its first quarter");
	is_str(changes_of(change_body(5)), "CREATE d.example.com. A",
	    "bisect: down to the set Route 53 refuses");
	ok(j.status == SYNC_PARTIAL && j.nrefused == 1 &&
	    !strcmp(j.refused[0], "d.example.com. A (CREATE): Invalid Resource Record: d is not "
	    "welcome"), "bisect: partial, one set refused with Route 53's message: %s",
	    j.nrefused ? j.refused[0] : "none");
	ok(j.applied[PLAN_CREATE] == 3 && j.batches == 2 && j.replans == 1 &&
	    j.route53 == SYNC_R53_UNKNOWN && !j.synced,
	    "bisect: 3 created in 2 batches; Route 53 does not hold the zone");
	line_is(&j, "serial 4 by AXFR, 3 created, 0 updated, 0 deleted in 2 batches, some refused; "
	    "API calls: ListResourceRecordSets 2, ChangeResourceRecordSets 6; ", "bisect");
	sync_free(&j);
}

#define V1_R53 "ns1.example.com. A 192.0.2.1\nwww.example.com. A 192.0.2.10\n" \
	"mail.example.com. MX 10 mx.example.net."

static void
test_lost(void)
{
	static struct sync_job j;

	serve(1, V1);
	fake_reset(&srv);
	reply_listing(NULL);
	fake_close_next(&srv);
	reply_listing(V1_R53);
	job_new(&j, 0);
	run(&j);
	is_str(requests(), "LCL", "lost: the change sent once, then the zone listed again");
	ok(j.status == SYNC_OK && j.lost == 1 && j.replans == 1 && j.batches == 0,
	    "lost: ok, the lost batch was applied after all (%s)", j.err.msg);
	ok(j.route53 == SYNC_R53_SYNCED && j.synced,
	    "lost: Route 53's content known again from the new listing");
	line_is(&j, "serial 1 by AXFR, 0 created, 0 updated, 0 deleted in 0 batches; 1 more batch "
	    "whose answer was lost (not counted); API calls: ListResourceRecordSets 2, "
	    "ChangeResourceRecordSets 1; ", "lost");
	sync_free(&j);

	/* The new listing fails: what Route 53 holds is unknown. */
	fake_reset(&srv);
	reply_listing(NULL);
	fake_close_next(&srv);
	fake_reply(&srv, 403, "", "<ErrorResponse " NS "><Error><Type>Sender</Type><Code>"
	    "AccessDenied</Code><Message>not today</Message></Error></ErrorResponse>");
	job_new(&j, 0);
	run(&j);
	is_str(requests(), "LCL", "lost, listing refused: never sent again");
	ok(j.status == SYNC_FAILED && strstr(j.err.msg, "ListResourceRecordSets") &&
	    j.route53 == SYNC_R53_UNKNOWN && j.lost == 1,
	    "lost, listing refused: failed, Route 53 unknown: %s", j.err.msg);
	sync_free(&j);
}

static void
test_transfer(void)
{
	static struct sync_job j;

	serve(5, V2);
	pri.refuse = 1;
	fake_reset(&srv);
	job_new(&j, 1);
	run(&j);
	ok(j.status == SYNC_FAILED && strstr(j.err.msg, "refused the transfer"),
	    "transfer refused: failed: %s", j.err.msg);
	ok(pri.nsoa == 1 && pri.nixfr == 1 && pri.naxfr == 1, "transfer refused: IXFR, then AXFR");
	ok(j.has_soa && j.serial == 5 && !j.refreshed && j.route53 == SYNC_R53_PREV,
	    "transfer refused: the SOA answered, but not refreshed; Route 53 untouched");
	is_str(requests(), "", "transfer refused: nothing asked of Route 53");
	line_is(&j, "serial 5, failed after 0 created, 0 updated, 0 deleted; API calls: none; ",
	    "transfer refused");
	sync_free(&j);
}

/* Route 53's listing for test_conflict: V1's plain sets, but www A is an
 * alias set (a CloudFront distribution made in the console). */
static void
reply_listing_alias(void)
{
	fake_reply(&srv, 200, "", "<ListResourceRecordSetsResponse " NS "><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>example.com.</Name><Type>NS</Type><TTL>172800</TTL>"
	    "<ResourceRecords><ResourceRecord><Value>ns-1.awsdns-01.com.</Value></ResourceRecord>"
	    "</ResourceRecords></ResourceRecordSet><ResourceRecordSet><Name>example.com.</Name>"
	    "<Type>SOA</Type><TTL>900</TTL><ResourceRecords><ResourceRecord><Value>"
	    "ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet><ResourceRecordSet><Name>"
	    "mail.example.com.</Name><Type>MX</Type><TTL>300</TTL><ResourceRecords>"
	    "<ResourceRecord><Value>10 mx.example.net.</Value></ResourceRecord></ResourceRecords>"
	    "</ResourceRecordSet><ResourceRecordSet><Name>ns1.example.com.</Name><Type>A</Type>"
	    "<TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet><ResourceRecordSet><Name>"
	    "www.example.com.</Name><Type>A</Type><AliasTarget><HostedZoneId>Z2FDTNDATAQYW2"
	    "</HostedZoneId><DNSName>d111.cloudfront.net.</DNSName><EvaluateTargetHealth>false"
	    "</EvaluateTargetHealth></AliasTarget></ResourceRecordSet></ResourceRecordSets>"
	    "<IsTruncated>false</IsTruncated><MaxItems>300</MaxItems>"
	    "</ListResourceRecordSetsResponse>");
}

/* The primary has www A where Route 53 holds an alias: the full plan
 * leaves it alone (a conflict) and hands the zone out as partial; the
 * next serial, which changes www, is planned from a listing again (an
 * UPSERT planned from prev would replace the alias) and still leaves the
 * alias alone. */
static void
test_conflict(void)
{
	static struct sync_job j;

	serve(1, V1);
	fake_reset(&srv);
	reply_listing_alias();
	job_new(&j, 0);
	run(&j);
	ok(j.status == SYNC_OK && j.plan.nconflicts == 1, "conflict: ok, one conflict (%s)",
	    j.err.msg);
	is_str(requests(), "L", "conflict: listed, nothing to change");
	ok(j.route53 == SYNC_R53_SYNCED && j.synced && j.synced_partial,
	    "conflict: the zone handed out, partial");
	keep(&j);
	sync_free(&j);

	serve(2, V2);
	pri.from = 1;
	pri.del = "www A 192.0.2.10";
	pri.add = "www A 192.0.2.11\nnew AAAA 2001:db8::1";
	fake_reset(&srv);
	reply_listing_alias();
	fake_reply(&srv, 200, "", change_ok);
	job_new(&j, 1);
	j.prev_partial = 1;
	run(&j);
	ok(j.status == SYNC_OK && pri.nixfr == 1 && !j.incremental,
	    "conflict: the next serial by IXFR, not planned from prev (%s)", j.err.msg);
	is_str(requests(), "LC", "conflict: listed, then one batch");
	is_str(changes_of(change_body(0)), "CREATE new.example.com. AAAA",
	    "conflict: the new set created, the alias at www left alone");
	ok(j.plan.nconflicts == 1 && j.synced && j.synced_partial,
	    "conflict: still a conflict, still partial");
	keep(&j);
	sync_free(&j);
}

/* The zone's name on every per-zone line: with the hosted zone, public or
 * private. */
static void
test_zone_text(void)
{
	static struct sync_job j;
	struct cfg_zone z = { 0 };
	char buf[SYNC_ZONE_TEXT_MAX], tiny[8];

	z.name = "example.com.";
	z.kind = CFG_ZONE_ANY;
	memset(&j, 0, sizeof j);
	j.zone = &z;
	is_str(sync_job_zone(&j, buf, sizeof buf), "example.com.", "zone text: nothing known yet");
	z.kind = CFG_ZONE_PRIVATE;
	is_str(sync_job_zone(&j, buf, sizeof buf), "example.com. (private hosted zone)",
	    "zone text: the kind the entry asks for");
	snprintf(j.zone_id, sizeof j.zone_id, "Z0123456789PRIV");
	j.zone_private = 1;
	is_str(sync_job_zone(&j, buf, sizeof buf), "example.com. (private hosted zone Z0123456789PRIV)",
	    "zone text: the private hosted zone found");
	z.kind = CFG_ZONE_ANY;
	j.zone_private = 0;
	is_str(sync_job_zone(&j, buf, sizeof buf), "example.com. (public hosted zone Z0123456789PRIV)",
	    "zone text: a public one found for an entry of any kind");
	is_str(sync_zone_text("example.com.", "Z1", CFG_ZONE_ANY, buf, sizeof buf),
	    "example.com. (hosted zone Z1)", "zone text: an ID of unknown kind");
	is_str(sync_zone_text("example.com.", NULL, CFG_ZONE_PUBLIC, tiny, sizeof tiny), "example",
	    "zone text: cut to fit");
}

/* sync_result alone, on outputs set by hand. */
static void
test_lines(void)
{
	static struct sync_job j;
	char line[SYNC_RESULT_MAX], tiny[16];

	memset(&j, 0, sizeof j);
	j.status = SYNC_OK;
	j.has_soa = 1;
	j.serial = 7;
	j.xfer = SYNC_XFER_AXFR;
	j.applied[PLAN_CREATE] = 2;
	j.batches = 2;
	j.plan.nerrors = 1;
	j.insync = 1;
	j.calls[R53_API_GET_CHANGE] = 1;
	j.ended_ms = 1500;
	is_str(sync_result(&j, line, sizeof line), "serial 7 by AXFR, 2 created, 0 updated, 0 "
	    "deleted in 2 batches, some not synced, INSYNC; API calls: GetChange 1; 1.50 s",
	    "line: batches, sets left out, INSYNC");
	j.dry_run = 1;
	j.plan.ncreate = 3;
	j.plan.nbatches = 1;
	is_str(sync_result(&j, line, sizeof line), "serial 7 by AXFR, dry run: would create 3, "
	    "update 0, delete 0 in 1 batch; API calls: GetChange 1; 1.50 s", "line: dry run");
	j.dry_run = 0;
	j.status = SYNC_FAILED;
	j.has_soa = 0;
	j.lost = 2;
	is_str(sync_result(&j, line, sizeof line), "failed after 2 created, 0 updated, 0 deleted; "
	    "2 more batches whose answer was lost (not counted); API calls: GetChange 1; 1.50 s",
	    "line: failed, no SOA, two lost batches");
	is_str(sync_result(&j, tiny, sizeof tiny), "failed after 2 ", "line: cut to fit");
	test_zone_text();
}

int
main(void)
{
	struct cfg_aws aws = { 0 };
	struct err e = { 0 };
	char url[64];

	fake_aws_env();

	test_lines();
	if (!ok(fake_start(&srv) == 0 && primary_start() == 0,
	    "scripted Route 53 and a primary on 127.0.0.1"))
		return tap_done();
	snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
	aws.endpoint = url;
	aws.access_key_id = "AKIDTEST";
	aws.secret_access_key = "SECRETTEST";
	aws.max_requests_per_second = 1000;
	aws.allow_http = 1; /* the scripted server speaks plain HTTP */
	if (!ok(r53_init(&client, &aws, &e) == 0, "r53_init %s", e.msg))
		return tap_done();
	zone.name = ZONE;
	zone.primaries[0] = pri.addr;
	zone.nprimaries = 1;
	zone.kind = CFG_ZONE_ANY;

	test_full();
	test_incremental();
	test_adopt();
	test_gone();
	test_current();
	test_behind();
	test_reconcile();
	test_safety();
	test_replan();
	test_bisect();
	test_lost();
	test_transfer();
	test_conflict();

	if (prev) {
		zone_free(prev);
		free(prev);
	}
	r53_free(&client);
	tcp_drop();
	fake_stop(&srv);
	return tap_done();
}
