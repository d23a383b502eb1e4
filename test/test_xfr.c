/* Unit tests of the transfer client: canned TCP byte streams fed to the
 * parser whole, one byte at a time and in odd splits (AXFR, multi-message,
 * IXFR steps, "current", AXFR-style IXFR, every broken variant), then the
 * job on the poll loop against a forked loopback server (UDP SOA with TC and
 * TCP fallback, a byte-at-a-time AXFR, failover, a refusal, a cut). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/loop.h"
#include "codec/rr.h"
#include "memhook.h"
#include "tap.h"
#include "codec/tsig.h"
#include "dns/xfr.h"
#include "dns/zone.h"

#define ZONE "example.com."
#define NOW 1700000000ULL
#define ID 0x4d2

static uint8_t stream[1 << 18];
static size_t slen;
static uint8_t msgbuf[DNS_MAX_MSG];
static struct dns_writer w;

static const uint8_t *
wname(const char *text)
{
	static uint8_t buf[4][DNS_NAME_MAX];
	static int n;
	uint8_t *b = buf[n++ % 4];

	if (dns_name_from_text(b, DNS_NAME_MAX, text, NULL, NULL) < 0)
		abort();
	return b;
}

/* ---- building answers ---------------------------------------------------------- */

static void
m_begin_q(unsigned id, unsigned flags, const char *qname, unsigned qtype)
{
	struct dns_header h = { .id = (uint16_t)id, .flags = (uint16_t)(DNS_QR | DNS_AA | flags) };

	dns_writer_init(&w, msgbuf, sizeof msgbuf, 1, NULL);
	dns_put_header(&w, &h);
	if (qname)
		dns_put_question(&w, wname(qname), qtype, DNS_CLASS_IN);
}

static void
m_begin(unsigned qtype)
{
	m_begin_q(ID, 0, ZONE, qtype);
}

static void
m_rr_class(const char *owner, const char *type, unsigned class, uint32_t ttl, const char *value)
{
	uint8_t rd[2048];
	int t = rr_type_parse(type, strlen(type));
	long n = rr_from_r53((unsigned)t, value, strlen(value), rd, sizeof rd, NULL);

	if (t < 0 || n < 0) {
		printf("# bad test record %s %s %s\n", owner, type, value);
		abort();
	}
	dns_put_rr(&w, DNS_SEC_ANSWER, wname(owner), (unsigned)t, class, ttl, rd, (size_t)n);
}

static void
m_rr(const char *owner, const char *type, const char *value)
{
	m_rr_class(owner, type, DNS_CLASS_IN, 300, value);
}

static void
m_soa(unsigned serial)
{
	char v[128];

	snprintf(v, sizeof v, "ns1.example.com. hostmaster.example.com. %u 3600 600 86400 300",
	    serial);
	m_rr(ZONE, "SOA", v);
}

static void
m_end(void)
{
	long n = dns_writer_done(&w);

	if (n < 0 || slen + 2 + (size_t)n > sizeof stream)
		abort();
	stream[slen++] = (uint8_t)(n >> 8);
	stream[slen++] = (uint8_t)n;
	memcpy(stream + slen, msgbuf, (size_t)n);
	slen += (size_t)n;
}

/* The records of version 1 and 3 of the zone; version 2 in between. */
static void
v1_body(void)
{
	m_rr(ZONE, "NS", "ns1.example.com.");
	m_rr("ns1." ZONE, "A", "192.0.2.1");
	m_rr("www." ZONE, "A", "192.0.2.10");
	m_rr("www." ZONE, "A", "192.0.2.11");
	m_rr("Mail." ZONE, "MX", "10 mx.example.net.");
	m_rr("*." ZONE, "TXT", "\"wild \\\"card\\\"\" \"second\"");
}

static void
v3_body(void)
{
	m_rr(ZONE, "NS", "ns1.example.com.");
	m_rr("ns1." ZONE, "A", "192.0.2.1");
	m_rr("www." ZONE, "A", "192.0.2.11");
	m_rr("www." ZONE, "A", "192.0.2.12");
	m_rr("new." ZONE, "AAAA", "2001:db8::1");
	m_rr("*." ZONE, "TXT", "\"wild \\\"card\\\"\" \"second\"");
}

/* AXFR (or AXFR-style answer to qtype) of version v (1 or 3) in nmsg
 * messages (1 or 3). */
static void
axfr_q(unsigned v, int nmsg, unsigned qtype)
{
	slen = 0;
	m_begin(qtype);
	m_soa(v);
	if (nmsg == 1) {
		if (v == 1)
			v1_body();
		else
			v3_body();
		m_soa(v);
		m_end();
		return;
	}
	m_end();
	m_begin_q(ID, 0, NULL, 0); /* later messages may leave the question out */
	if (v == 1)
		v1_body();
	else
		v3_body();
	m_end();
	m_begin(qtype);
	m_soa(v);
	m_end();
}

static void
axfr(unsigned v, int nmsg)
{
	axfr_q(v, nmsg, DNS_TYPE_AXFR);
}

/* IXFR from 1 to 3 in two steps, over two messages. */
static void
ixfr_1_3(void)
{
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(1);
	m_rr("www." ZONE, "A", "192.0.2.10");
	m_rr("mail." ZONE, "MX", "10 mx.example.net.");
	m_soa(2);
	m_rr("www." ZONE, "A", "192.0.2.12");
	m_end();
	m_begin_q(ID, 0, NULL, 0);
	m_soa(2);
	m_soa(3);
	m_rr("new." ZONE, "AAAA", "2001:db8::1");
	m_soa(3);
	m_end();
}

/* ---- feeding -------------------------------------------------------------------- */

static void
setup(struct xfr *x, enum xfr_kind kind, uint32_t serial)
{
	xfr_free(x);
	memset(x, 0, sizeof *x);
	x->kind = kind;
	memcpy(x->name, wname(ZONE), dns_name_len(wname(ZONE)));
	x->serial = serial;
	xfr_parse_begin(x, ID);
}

/* Feed the stream in pieces of chunk octets (0: pseudo-random sizes);
 * then the end of the stream when it did not complete. */
static int
feed(struct xfr *x, enum xfr_kind kind, uint32_t serial, size_t chunk)
{
	unsigned seed = 7;
	int r = 0;

	setup(x, kind, serial);
	for (size_t off = 0; off < slen && r == 0;) {
		size_t n = chunk;

		if (!n) {
			seed = seed * 1103515245 + 12345;
			n = 1 + (seed >> 16) % 300;
		}
		if (n > slen - off)
			n = slen - off;
		r = xfr_feed(x, stream + off, n, NOW);
		off += n;
	}
	if (r == 0)
		r = xfr_feed_end(x);
	return r;
}

/* The zone as printed, for comparing results. */
static char *
print(const struct zone *z)
{
	struct fmt_stream f;
	char *buf;

	fmt_memstream(&f);
	if (zone_print(z, &f, 0) < 0 || !(buf = buf_take(&f.b)))
		abort();
	return buf;
}

static void
refused(enum xfr_kind kind, uint32_t serial, const char *want, const char *what)
{
	static struct xfr x;
	static const size_t chunks[] = { 65536, 1 };

	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		int r = feed(&x, kind, serial, chunks[i]);

		ok(r < 0 && x.err.set && strstr(x.err.msg, want), "%s (%s): %s", what,
		    chunks[i] == 1 ? "byte by byte" : "whole", x.err.msg);
		ok(!x.zone && !x.nsteps, "%s: no partial result", what);
	}
	xfr_free(&x);
}

static void
test_axfr(void)
{
	static struct xfr x;
	char *whole, *p;
	static const size_t chunks[] = { 1, 2, 3, 7, 0 };

	axfr(1, 1);
	is_int(feed(&x, XFR_AXFR, 0, 65536), 1, "AXFR in one message %s", x.err.msg);
	is_int(x.outcome, XFR_GOT_FULL, "AXFR gives a full zone");
	is_int(x.soa.serial, 1, "AXFR serial");
	is_int(x.rrs, 8, "8 RRs received (SOA twice)");
	ok(x.zone && zone_set_count(x.zone) == 6, "6 record sets (SOA, NS, A, A x2, MX, TXT)");
	whole = print(x.zone);
	ok(strstr(whole, "www.example.com. 300 A 192.0.2.10 | 192.0.2.11\n") != NULL,
	    "www set printed with both values");
	ok(strstr(whole, "mail.example.com. 300 MX 10 mx.example.net.\n") != NULL,
	    "mixed-case owner stored lower-case");
	ok(zone_find(x.zone, wname("*.example.com."), DNS_TYPE_TXT) >= 0, "wildcard TXT kept");

	axfr(1, 3);
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		is_int(feed(&x, XFR_AXFR, 0, chunks[i]), 1, "AXFR in 3 messages, %zu-octet pieces %s",
		    chunks[i], x.err.msg);
		p = x.zone ? print(x.zone) : NULL;
		is_str(p, whole, "same zone whatever the split (%zu)", chunks[i]);
		free(p);
	}
	free(whole);
	xfr_free(&x);

	/* SOA mismatch: the closing SOA has another serial. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	v1_body();
	m_soa(6);
	m_end();
	refused(XFR_AXFR, 0, "ended the AXFR with SOA serial 6, not 5", "SOA mismatch");

	/* The closing SOA has the serial but other fields than the opening
	 * one (RFC 5936 section 2.2: the same SOA RR): the zone would hold
	 * the closing one while the refresh timers follow the opening one. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	v1_body();
	m_rr(ZONE, "SOA", "ns2.example.com. hostmaster.example.com. 5 60 60 86400 300");
	m_end();
	refused(XFR_AXFR, 0, "SOA record of serial 5 other than the one the AXFR began with",
	    "closing SOA differs");
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_rr(ZONE, "SOA", "ns1.example.com. hostmaster.example.com. 5 3600 600 86400 60");
	m_end();
	refused(XFR_AXFR, 0, "SOA record of serial 5 other than the one the AXFR began with",
	    "closing SOA differs, no body");
	/* ... the same SOA spelled in another case is the same SOA. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	v1_body();
	m_rr(ZONE, "SOA", "NS1.example.COM. hostmaster.EXAMPLE.com. 5 3600 600 86400 300");
	m_end();
	{
		int r = feed(&x, XFR_AXFR, 0, 65536);

		ok(r == 1 && x.zone, "closing SOA in another case accepted %s", x.err.msg);
		xfr_free(&x);
	}

	/* Wrong ID in the second message. */
	axfr(1, 3);
	stream[2 + (size_t)(stream[0] << 8 | stream[1]) + 2] ^= 0x10;
	refused(XFR_AXFR, 0, "with ID", "wrong ID");

	/* Owner outside the zone. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_rr("www.example.net.", "A", "192.0.2.1");
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "www.example.net., outside the zone", "owner outside the zone");

	/* A name that only ends like the zone. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_rr("wwwexample.com.", "A", "192.0.2.1");
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "outside the zone", "owner sharing a suffix string only");

	/* Cut mid-stream, inside a message and at a message boundary. */
	axfr(1, 3);
	slen -= 10;
	refused(XFR_AXFR, 0, "closed the connection before the end of the AXFR", "cut mid-message");
	{
		size_t off = 0, last = 0;

		axfr(1, 3);
		while (off < slen) {
			last = off;
			off += 2 + ((size_t)stream[off] << 8 | stream[off + 1]);
		}
		slen = last; /* the closing message never comes */
	}
	refused(XFR_AXFR, 0, "closed the connection before the end", "cut between messages");

	/* Refusals, with the zone named. */
	slen = 0;
	m_begin_q(ID, DNS_RCODE_REFUSED, ZONE, DNS_TYPE_AXFR);
	m_end();
	refused(XFR_AXFR, 0, "refused the transfer of example.com. (REFUSED)", "REFUSED");
	slen = 0;
	m_begin_q(ID, DNS_RCODE_NOTAUTH, ZONE, DNS_TYPE_AXFR);
	m_end();
	refused(XFR_AXFR, 0, "refused the transfer of example.com. (NOTAUTH)", "NOTAUTH");
	slen = 0;
	m_begin_q(ID, DNS_RCODE_SERVFAIL, ZONE, DNS_TYPE_AXFR);
	m_end();
	refused(XFR_AXFR, 0, "(SERVFAIL)", "SERVFAIL");

	/* The answer does not start with the SOA. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_rr("www." ZONE, "A", "192.0.2.1");
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "did not start the AXFR answer with the zone's SOA", "no SOA first");

	/* Records after the closing SOA, in the same message or another. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_soa(5);
	m_rr("www." ZONE, "A", "192.0.2.1");
	m_end();
	refused(XFR_AXFR, 0, "after the closing SOA", "records after the end");

	/* Another question. */
	slen = 0;
	m_begin_q(ID, 0, "example.org.", DNS_TYPE_AXFR);
	m_soa(5);
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "answered another question", "question for another zone");
	slen = 0;
	m_begin_q(ID, 0, ZONE, DNS_TYPE_IXFR);
	m_soa(5);
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "answered another question", "question of another type");
	slen = 0;
	m_begin_q(ID, 0, NULL, 0);
	m_soa(5);
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "0 questions", "first message without the question");

	/* Class other than IN; SOA below the apex; an empty message. */
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_rr_class("www." ZONE, "A", 3, 300, "192.0.2.1");
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "class 3", "class CH record");
	slen = 0;
	m_begin(DNS_TYPE_AXFR);
	m_soa(5);
	m_rr("sub." ZONE, "SOA", "a. b. 1 2 3 4 5");
	m_soa(5);
	m_end();
	refused(XFR_AXFR, 0, "not the zone apex", "SOA below the apex");
	memcpy(stream, "\0\0", 2);
	slen = 2;
	refused(XFR_AXFR, 0, "empty TCP message", "zero-length message");

	/* A query instead of a response; a malformed record. */
	axfr(1, 1);
	stream[4] &= 0x7f;
	refused(XFR_AXFR, 0, "not a response", "QR bit clear");
	axfr(1, 1);
	{
		size_t n = ((size_t)stream[0] << 8 | stream[1]) - 3;

		stream[0] = (uint8_t)(n >> 8);
		stream[1] = (uint8_t)n;
		slen -= 3;
	}
	refused(XFR_AXFR, 0, "malformed message", "record cut inside its message");

	/* TC over TCP. */
	axfr(1, 1);
	stream[4] |= 0x02;
	refused(XFR_AXFR, 0, "truncated message over TCP", "TC over TCP");
}

static void
test_ixfr(void)
{
	static struct xfr x, full1, full3;
	struct zone_changes ch;
	char *p1, *p3;
	static const size_t chunks[] = { 65536, 1, 5, 0 };

	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		ixfr_1_3();
		is_int(feed(&x, XFR_IXFR, 1, chunks[i]), 1, "IXFR 1 -> 3 (%zu-octet pieces) %s",
		    chunks[i], x.err.msg);
	}
	is_int(x.outcome, XFR_GOT_DELTA, "incremental answer");
	is_int(x.nsteps, 2, "two version steps");
	ok(x.nsteps == 2 && x.steps[0].from == 1 && x.steps[0].to == 2 && x.steps[1].from == 2 &&
	    x.steps[1].to == 3, "steps 1 -> 2 -> 3");
	ok(x.nsteps == 2 && x.steps[0].first == 0 && x.steps[0].end == 5 &&
	    x.steps[1].first == 5 && x.steps[1].end == 8 && zone_rr_count(&x.delta.ops) == 8,
	    "deletions and additions of each step, SOAs included, in one delta");
	{
		struct zone del, add;

		zone_init(&del);
		zone_init(&add);
		ok(x.nsteps == 2 && zone_delta_part(&x.delta, x.steps[0].first, x.steps[0].end,
		    ZONE_DEL, &del) == 0 && zone_delta_part(&x.delta, x.steps[0].first,
		    x.steps[0].end, ZONE_ADD, &add) == 0 && zone_rr_count(&del) == 3 &&
		    zone_rr_count(&add) == 2 && zone_set_count(&del) == 3,
		    "the first step's deletions (3 sets) and additions apart");
		zone_free(&del);
		zone_free(&add);
	}
	is_int(x.soa.serial, 3, "newest serial");

	/* Applied to version 1 it gives version 3. */
	axfr(1, 1);
	feed(&full1, XFR_AXFR, 0, 65536);
	axfr(3, 1);
	feed(&full3, XFR_AXFR, 0, 65536);
	zone_changes_init(&ch);
	ok(full1.zone && zone_apply(full1.zone, &x.delta, &ch) == 0, "delta applies to version 1 %s",
	    full1.zone ? full1.zone->err.msg : "");
	p1 = full1.zone ? print(full1.zone) : NULL;
	p3 = full3.zone ? print(full3.zone) : NULL;
	is_str(p1, p3, "version 1 + IXFR == AXFR of version 3");
	ok(ch.n == 4, "4 sets changed (SOA, www A, mail MX, new AAAA): %zu", ch.n);
	free(p1);
	free(p3);
	zone_changes_free(&ch);
	xfr_free(&full1);
	xfr_free(&full3);

	/* "Current": one SOA not newer than ours. */
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_end();
	is_int(feed(&x, XFR_IXFR, 3, 1), 1, "single SOA, same serial %s", x.err.msg);
	is_int(x.outcome, XFR_GOT_CURRENT, "current");
	is_int(feed(&x, XFR_IXFR, 4, 65536), 1, "single SOA older than ours %s", x.err.msg);
	is_int(x.outcome, XFR_GOT_CURRENT, "current when we are newer");
	/* A newer single SOA is only the start: the rest must follow. */
	refused(XFR_IXFR, 2, "closed the connection before the end of the IXFR",
	    "single newer SOA then nothing");

	/* AXFR-style answer to an IXFR. */
	axfr_q(3, 3, DNS_TYPE_IXFR);
	is_int(feed(&x, XFR_IXFR, 1, 1), 1, "AXFR-style IXFR answer %s", x.err.msg);
	is_int(x.outcome, XFR_GOT_FULL, "gives the full zone");
	ok(x.zone && zone_set_count(x.zone) == 6, "all of it");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(3);
	m_end();
	is_int(feed(&x, XFR_IXFR, 1, 65536), 1, "AXFR-style answer of a zone with only its SOA");
	ok(x.outcome == XFR_GOT_FULL && x.zone && zone_set_count(x.zone) == 1, "just the SOA");
	xfr_free(&x);

	/* Broken IXFR answers. */
	ixfr_1_3();
	refused(XFR_IXFR, 2, "from serial 1, not from ours (2)", "differences from another serial");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(1);
	m_soa(2);
	m_soa(1); /* the next step should start at 2 */
	m_soa(3);
	m_soa(3);
	m_end();
	refused(XFR_IXFR, 1, "from serial 1 after one to 2", "broken step chain");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(1);
	m_soa(1);
	m_end();
	refused(XFR_IXFR, 1, "not newer", "step to the same serial");
	/* The announced serial is 5, the only step goes from 1 to 3: taking
	 * it as serial 5 would leave serial 3's data marked as 5. */
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(5);
	m_soa(1);
	m_rr("h1." ZONE, "A", "192.0.2.1");
	m_soa(3);
	m_rr("h3." ZONE, "A", "192.0.2.3");
	m_soa(5);
	m_end();
	refused(XFR_IXFR, 1, "ended the IXFR at serial 3, not 5 as it began",
	    "steps that stop short of the announced serial");
	/* A step past the announced serial, and back to it. */
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(5);
	m_soa(1);
	m_soa(7);
	m_soa(7);
	m_soa(5);
	m_soa(5);
	m_end();
	refused(XFR_IXFR, 1, "to serial 7, past the newest (5)", "a step past the announced serial");
	/* The zone's SOA is the first and the last RR (RFC 1995 section 4),
	 * and the last step adds it: another record with its serial, in any
	 * of these places, is refused. */
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(1);
	m_rr(ZONE, "SOA", "ns1.example.com. hostmaster.example.com. 3 60 60 86400 300");
	m_soa(3);
	m_end();
	refused(XFR_IXFR, 1, "SOA record of serial 3 other than the one the IXFR began with",
	    "last step adds another SOA");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_soa(1);
	m_soa(3);
	m_rr(ZONE, "SOA", "ns1.example.com. hostmaster.example.com. 3 60 60 86400 300");
	m_end();
	refused(XFR_IXFR, 1, "SOA record of serial 3 other than the one the IXFR began with",
	    "IXFR closing SOA differs");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	m_rr(ZONE, "SOA", "ns1.example.com. hostmaster.example.com. 3 60 60 86400 300");
	m_end();
	refused(XFR_IXFR, 1, "SOA record of serial 3 other than the one the IXFR began with",
	    "SOA-only zone, SOAs differ");
	slen = 0;
	m_begin(DNS_TYPE_IXFR);
	m_soa(3);
	v3_body();
	m_rr(ZONE, "SOA", "ns1.example.com. hostmaster.example.com. 3 60 60 86400 300");
	m_end();
	refused(XFR_IXFR, 1, "SOA record of serial 3 other than the one the IXFR began with",
	    "AXFR-style, SOAs differ");
	ixfr_1_3();
	slen -= 20;
	refused(XFR_IXFR, 1, "closed the connection before the end of the IXFR", "IXFR cut");
	slen = 0;
	m_begin_q(ID, DNS_RCODE_NOTIMP, ZONE, DNS_TYPE_IXFR);
	m_end();
	refused(XFR_IXFR, 1, "does not do IXFR (NOTIMP)", "NOTIMP to IXFR");
}

static void
test_soa(void)
{
	static struct xfr x;
	char mname[DNS_NAME_TEXT_MAX];

	slen = 0;
	m_begin(DNS_TYPE_SOA);
	m_soa(2026112501);
	m_end();
	is_int(feed(&x, XFR_SOA, 0, 1), 1, "SOA answer %s", x.err.msg);
	is_int(x.outcome, XFR_GOT_SOA, "SOA outcome");
	ok(x.soa.serial == 2026112501 && x.soa.refresh == 3600 && x.soa.retry == 600 &&
	    x.soa.expire == 86400 && x.soa.minimum == 300 && x.soa_ttl == 300, "SOA fields");
	dns_name_to_text(x.soa.mname, mname, sizeof mname);
	is_str(mname, "ns1.example.com.", "mname");
	slen = 0;
	m_begin_q(ID, 0, ZONE, DNS_TYPE_SOA);
	msgbuf[2] &= (uint8_t)~(DNS_AA >> 8);
	m_soa(1);
	m_end();
	refused(XFR_SOA, 0, "not authoritative", "SOA answer without AA");
	slen = 0;
	m_begin(DNS_TYPE_SOA);
	m_rr("www." ZONE, "A", "192.0.2.1");
	m_end();
	refused(XFR_SOA, 0, "did not start the SOA query answer with the zone's SOA",
	    "SOA answer without the SOA");
	xfr_free(&x);
}

/* TSIG through the transfer: the server side of tsig signs our answers. */
static void
test_tsig(void)
{
	static struct xfr x;
	static struct tsig_key key;
	struct tsig_ctx srv;
	struct err e = { 0 };
	uint8_t q[512];
	struct dns_writer qw;
	struct dns_header h = { .id = ID };
	long qlen, n;
	int r;

	tsig_key_parse(&key, "xfr-key:hmac-sha256:c2VjcmV0LWtleS1mb3Itbm90aWZ5NTMtdGVzdHM=", &e);
	for (int signed_answer = 0; signed_answer <= 2; signed_answer++) {
		/* The query as the job would send it, signed. */
		dns_writer_init(&qw, q, sizeof q, 0, NULL);
		dns_put_header(&qw, &h);
		dns_put_question(&qw, wname(ZONE), DNS_TYPE_AXFR, DNS_CLASS_IN);
		qlen = tsig_sign_query(&x.tsig, &key, q, (size_t)dns_writer_done(&qw), sizeof q, NOW);
		ok(tsig_verify_request(&srv, &key, 1, q, (size_t)qlen, NOW, NULL, &e) == TSIG_OK,
		    "server verifies the signed AXFR query");
		slen = 0;
		if (signed_answer == 2) {
			m_begin_q(ID, DNS_RCODE_NOTAUTH, ZONE, DNS_TYPE_AXFR);
		} else {
			m_begin(DNS_TYPE_AXFR);
			m_soa(9);
			v1_body();
			m_soa(9);
		}
		n = dns_writer_done(&w);
		if (signed_answer == 1)
			n = tsig_sign_response(&srv, msgbuf, (size_t)n, sizeof msgbuf, NOW);
		stream[0] = (uint8_t)(n >> 8);
		stream[1] = (uint8_t)n;
		memcpy(stream + 2, msgbuf, (size_t)n);
		slen = 2 + (size_t)n;

		x.kind = XFR_AXFR;
		memcpy(x.name, wname(ZONE), dns_name_len(wname(ZONE)));
		x.key = &key;
		xfr_parse_begin(&x, ID);
		r = 0;
		for (size_t off = 0; off < slen && r == 0; off++)
			r = xfr_feed(&x, stream + off, 1, NOW);
		if (signed_answer == 1)
			ok(r == 1 && x.outcome == XFR_GOT_FULL, "signed AXFR verified and kept %s",
			    x.err.msg);
		else if (signed_answer == 0)
			ok(r < 0 && strstr(x.err.msg, "failing TSIG: response is not signed"),
			    "unsigned answer to a signed query: %s", x.err.msg);
		else
			ok(r < 0 && strstr(x.err.msg, "refused the transfer of example.com. (NOTAUTH)"),
			    "unsigned NOTAUTH is a refusal, not a TSIG error: %s", x.err.msg);
		xfr_free(&x);
	}
}

/* ---- memory: a hostile stream of tiny steps ------------------------------------- */

/* An IXFR answer from serial 1 in nsteps bare version steps 1 -> 2 -> ...,
 * each only its two SOAs (the fewest octets a step can take), up to 1,000
 * RRs a message. Returns it (malloc'ed), its length in *len. */
static uint8_t *
tiny_steps(uint32_t nsteps, size_t *len)
{
	size_t nrr = 2 + 2 * (size_t)nsteps, cap = nrr * 64 + 65536, n = 0;
	uint8_t *buf = malloc(cap), rd[128];
	struct dns_writer mw;

	if (!buf)
		abort();
	for (size_t r = 0; r < nrr;) {
		struct dns_header h = { .id = ID, .flags = DNS_QR | DNS_AA };
		long k;

		dns_writer_init(&mw, buf + n + 2, cap - n - 2 < 65535 ? cap - n - 2 : 65535, 1, NULL);
		dns_put_header(&mw, &h);
		if (r == 0)
			dns_put_question(&mw, wname(ZONE), DNS_TYPE_IXFR, DNS_CLASS_IN);
		for (size_t m = 0; m < 1000 && r < nrr; m++, r++) {
			/* Opening and closing SOA: the newest; step i: i, then i + 1. */
			uint32_t serial = r == 0 || r == nrr - 1 ? 1 + nsteps : (uint32_t)(1 + (r - 1) / 2 +
			    (r - 1) % 2);
			char v[128];
			long rl;

			snprintf(v, sizeof v, "ns1.example.com. hostmaster.example.com. %u 3600 600 86400 "
			    "300", serial);
			rl = rr_from_r53(DNS_TYPE_SOA, v, strlen(v), rd, sizeof rd, NULL);
			dns_put_rr(&mw, DNS_SEC_ANSWER, wname(ZONE), DNS_TYPE_SOA, DNS_CLASS_IN, 300, rd,
			    (size_t)rl);
		}
		if ((k = dns_writer_done(&mw)) < 0)
			abort();
		buf[n] = (uint8_t)(k >> 8);
		buf[n + 1] = (uint8_t)k;
		n += 2 + (size_t)k;
	}
	*len = n;
	return buf;
}

/* A primary, or anyone on the path of an unsigned transfer, sends 40,000
 * version steps of two bare SOAs: the memory the transfer holds stays
 * within a small multiple of the octets received. */
static void
test_tiny_steps(void)
{
	static struct xfr x;
	const uint32_t nsteps = 40000;
	size_t len, peak, bound;
	uint8_t *s = tiny_steps(nsteps, &len);
	int r = 0;

	setup(&x, XFR_IXFR, 1);
	memhook_start(NULL);
	for (size_t off = 0; off < len && r == 0; off += 16384)
		r = xfr_feed(&x, s + off, len - off < 16384 ? len - off : 16384, NOW);
	peak = memhook_peak();
	memhook_stop();
	is_int(r, 1, "%u tiny IXFR steps (%zu octets) taken %s", nsteps, len, x.err.msg);
	is_int(x.nsteps, nsteps, "... as %u steps", nsteps);
	/* The records as kept take about twice their octets on the wire (an
	 * SOA's names are stored whole, the message compresses them), 8 more
	 * per record and 16 per step; storage grows by doubling, and under
	 * ASan a realloc copies (old and new both live for a moment). Before
	 * the delta held every step, each step cost two zones: 478 MB here. */
	bound = 6 * len + 256 * 1024;
	ok(peak <= bound, "... peak heap %zu KB for %zu KB received (bound %zu KB)", peak / 1024,
	    len / 1024, bound / 1024);
	xfr_free(&x);
	free(s);
}

/* A primary that sends records without end: the transfer is refused at a
 * limit (DNS_MAX_ZONE_BYTES, DNS_MAX_ZONE_RRS) a 64 MB router survives. */
static void
test_endless_axfr(void)
{
	static struct xfr x;
	static uint8_t first[65536], more[65536];
	char v[128];
	uint8_t rd[256];
	long rl, n1 = 0, n2 = 0;
	size_t peak, fed = 0;
	int r;

	memset(v, 'x', 120);
	v[0] = v[119] = '"';
	v[120] = '\0';
	rl = rr_from_r53(DNS_TYPE_TXT, v, strlen(v), rd, sizeof rd, NULL);
	for (int m = 0; m < 2; m++) {
		struct dns_header h = { .id = ID, .flags = DNS_QR | DNS_AA };

		dns_writer_init(&w, m ? more : first, 65535, 1, NULL);
		dns_put_header(&w, &h);
		if (!m) {
			dns_put_question(&w, wname(ZONE), DNS_TYPE_AXFR, DNS_CLASS_IN);
			m_soa(1);
		}
		for (int i = 0; i < 400; i++)
			dns_put_rr(&w, DNS_SEC_ANSWER, wname("t." ZONE), DNS_TYPE_TXT, DNS_CLASS_IN, 300,
			    rd, (size_t)rl);
		if (m)
			n2 = dns_writer_done(&w);
		else
			n1 = dns_writer_done(&w);
	}
	setup(&x, XFR_AXFR, 0);
	memhook_start(NULL);
	stream[0] = (uint8_t)(n1 >> 8);
	stream[1] = (uint8_t)n1;
	r = xfr_feed(&x, stream, 2, NOW);
	if (r == 0)
		r = xfr_feed(&x, first, (size_t)n1, NOW);
	stream[0] = (uint8_t)(n2 >> 8);
	stream[1] = (uint8_t)n2;
	for (int i = 0; r == 0 && i < 100000; i++) {
		r = xfr_feed(&x, stream, 2, NOW);
		if (r == 0)
			r = xfr_feed(&x, more, (size_t)n2, NOW);
		fed += (size_t)n2;
	}
	peak = memhook_peak();
	memhook_stop();
	ok(r < 0 && strstr(x.err.msg, "DNS_MAX_ZONE_BYTES"), "endless AXFR refused after %zu KB: %s",
	    fed / 1024, x.err.msg);
	ok(peak <= MEMHOOK_ROUTER_SPARE, "... peak heap %zu KB, within a 64 MB router's %d KB",
	    peak / 1024, MEMHOOK_ROUTER_SPARE / 1024);
	xfr_free(&x);
}

/* An AXFR of a zone of nrr RRs (its SOA and nrr - 1 A records on four
 * owners, so no set passes DNS_MAX_SET_RRS), fed message by message. */
static int
axfr_of_size(struct xfr *x, size_t nrr)
{
	static uint8_t msg[65536];
	static const char *const owners[] = { "a." ZONE, "b." ZONE, "c." ZONE, "d." ZONE };
	size_t i = 0, per = (nrr + 3) / 4;
	int r = 0, first = 1;

	setup(x, XFR_AXFR, 0);
	while (r == 0) {
		struct dns_header h = { .id = ID, .flags = DNS_QR | DNS_AA };
		uint8_t len[2];
		long n;
		int last;

		dns_writer_init(&w, msg, 65535, 1, NULL);
		dns_put_header(&w, &h);
		if (first) {
			dns_put_question(&w, wname(ZONE), DNS_TYPE_AXFR, DNS_CLASS_IN);
			m_soa(1);
		}
		for (int k = 0; k < 3000 && i + 1 < nrr; k++, i++) {
			uint8_t a[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

			dns_put_rr(&w, DNS_SEC_ANSWER, wname(owners[i / per]), DNS_TYPE_A, DNS_CLASS_IN,
			    300, a, sizeof a);
		}
		if ((last = i + 1 >= nrr))
			m_soa(1);
		if ((n = dns_writer_done(&w)) < 0)
			abort();
		len[0] = (uint8_t)(n >> 8);
		len[1] = (uint8_t)n;
		r = xfr_feed(x, len, 2, NOW);
		if (r == 0)
			r = xfr_feed(x, msg, (size_t)n, NOW);
		first = 0;
		if (last && r == 0)
			r = xfr_feed_end(x);
	}
	return r;
}

/* DNS_MAX_ZONE_RRS is the RRs of a zone (config.h); its AXFR carries one
 * more, the opening copy of the SOA, which is not kept. */
static void
test_max_rrs(void)
{
	static struct xfr x;
	int r = axfr_of_size(&x, DNS_MAX_ZONE_RRS);

	ok(r == 1 && x.zone && zone_rr_count(x.zone) == DNS_MAX_ZONE_RRS,
	    "a zone of DNS_MAX_ZONE_RRS (%d) RRs is transferred %s", DNS_MAX_ZONE_RRS, x.err.msg);
	r = axfr_of_size(&x, DNS_MAX_ZONE_RRS + 1);
	ok(r < 0 && !x.zone && strstr(x.err.msg, "DNS_MAX_ZONE_RRS"),
	    "... one RR more is refused: %s", x.err.msg);
	xfr_free(&x);
}

/* ---- the job on the loop, against a forked server ------------------------------ */

struct script {
	size_t split;          /* first connection gets stream[0..split), the
	                        * second the rest (0: each gets all of it) */
	int udp_tc;            /* UDP: answer with TC set */
	size_t cut;            /* TCP: send only this many octets, then close */
	int bytewise;          /* TCP: one octet per write */
};

/* Serve one query per connection: patch the query's ID into every message
 * of the canned stream and send it as scripted. */
static void
serve(int tfd, int ufd, const struct script *s, int conns)
{
	uint8_t q[2048];

	if (s->udp_tc) {
		ssize_t n;
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;

		n = recvfrom(ufd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
		if (n >= 12) {
			q[2] |= 0x86; /* QR, AA, TC */
			sendto(ufd, q, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	}
	for (int c = 0; c < conns; c++) {
		int fd = accept(tfd, NULL, NULL);
		size_t off = 0, len = slen;

		if (s->split) {
			off = c == 0 ? 0 : s->split;
			len = c == 0 ? s->split : slen;
		}
		if (fd < 0)
			_exit(1);
		if (read(fd, q, sizeof q) < 4)
			_exit(1);
		for (size_t m = off; m < len; m += 2 + ((size_t)stream[m] << 8 | stream[m + 1])) {
			stream[m + 2] = q[2];
			stream[m + 3] = q[3];
		}
		if (s->cut)
			len = s->cut;
		while (off < len) {
			size_t n = s->bytewise ? 1 : len - off;
			ssize_t k = write(fd, stream + off, n);

			if (k <= 0)
				break;
			off += (size_t)k;
		}
		close(fd);
	}
	_exit(0);
}

static pid_t
server(struct net_addr *a, const struct script *s, int conns)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	int tfd = socket(AF_INET, SOCK_STREAM, 0), ufd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned char lo[4] = { 127, 0, 0, 1 };
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tfd < 0 || ufd < 0 || bind(tfd, (struct sockaddr *)&sin, sizeof sin) || listen(tfd, 4) ||
	    getsockname(tfd, (struct sockaddr *)&sin, &sl) ||
	    bind(ufd, (struct sockaddr *)&sin, sizeof sin))
		abort();
	net_addr_from_ip(a, lo, 4, ntohs(sin.sin_port));
	if ((pid = fork()) == 0) {
		alarm(20);
		serve(tfd, ufd, s, conns);
	}
	close(tfd);
	close(ufd);
	return pid;
}

/* A loopback port nothing listens on. */
static void
closed_port(struct net_addr *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned char lo[4] = { 127, 0, 0, 1 };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl))
		abort();
	net_addr_from_ip(a, lo, 4, ntohs(sin.sin_port));
	close(fd);
}

static int calls;

static void
job_done(struct xfr *x)
{
	(void)x;
	calls++;
	loop_stop();
}

static void
run_job(struct xfr *x, enum xfr_kind kind, const struct net_addr *servers, size_t n)
{
	memset(x, 0, sizeof *x);
	x->kind = kind;
	memcpy(x->name, wname(ZONE), dns_name_len(wname(ZONE)));
	x->servers = servers;
	x->nservers = n;
	x->done = job_done;
	calls = 0;
	xfr_start(x);
	loop_run();
}

static void
reap(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
}

static void
test_job(void)
{
	static struct xfr x;
	struct net_addr a[2];
	struct script s;
	char addr[NET_ADDR_STRLEN], want[128];
	pid_t pid;

	/* SOA over UDP, truncated, asked again over TCP. */
	slen = 0;
	m_begin(DNS_TYPE_SOA);
	m_soa(42);
	m_end();
	memset(&s, 0, sizeof s);
	s.udp_tc = 1;
	pid = server(&a[0], &s, 1);
	run_job(&x, XFR_SOA, a, 1);
	reap(pid);
	ok(!x.err.set && x.outcome == XFR_GOT_SOA && x.soa.serial == 42,
	    "SOA over UDP with TC, then TCP: serial %u %s", x.soa.serial, x.err.msg);
	is_int(calls, 1, "callback once");
	xfr_free(&x);

	/* AXFR delivered one octet per write, after a primary that is down. */
	axfr(1, 3);
	memset(&s, 0, sizeof s);
	s.bytewise = 1;
	closed_port(&a[0]);
	pid = server(&a[1], &s, 1);
	run_job(&x, XFR_AXFR, a, 2);
	reap(pid);
	ok(!x.err.set && x.outcome == XFR_GOT_FULL && x.zone && zone_set_count(x.zone) == 6,
	    "AXFR byte by byte from the second primary %s", x.err.msg);
	ok(x.server == &a[1], "answered by the second primary");
	xfr_free(&x);

	/* Cut mid-stream: an error naming the server, never a smaller zone. */
	axfr(1, 3);
	memset(&s, 0, sizeof s);
	s.cut = slen / 2;
	pid = server(&a[0], &s, 1);
	run_job(&x, XFR_AXFR, a, 1);
	reap(pid);
	net_addr_str(&a[0], addr, sizeof addr);
	snprintf(want, sizeof want, "%s closed the connection before the end of the AXFR", addr);
	ok(x.err.set && strstr(x.err.msg, want) && !x.zone, "cut transfer: %s", x.err.msg);
	xfr_free(&x);

	/* Refused, with the server's address. */
	slen = 0;
	m_begin_q(ID, DNS_RCODE_REFUSED, ZONE, DNS_TYPE_AXFR);
	m_end();
	memset(&s, 0, sizeof s);
	pid = server(&a[0], &s, 1);
	run_job(&x, XFR_AXFR, a, 1);
	reap(pid);
	net_addr_str(&a[0], addr, sizeof addr);
	snprintf(want, sizeof want, "%s refused the transfer of example.com. (REFUSED)", addr);
	is_str(x.err.msg, want, "refusal reported with the address");
	xfr_free(&x);

	/* IXFR answered NOTIMP: the same server is asked for AXFR. */
	axfr(3, 1);
	{
		size_t n = slen;

		memmove(stream + 512, stream, n);
		slen = 0;
		m_begin_q(ID, DNS_RCODE_NOTIMP, ZONE, DNS_TYPE_IXFR);
		m_end();
		memset(&s, 0, sizeof s);
		s.split = slen;
		memmove(stream + slen, stream + 512, n);
		slen += n;
	}
	pid = server(&a[0], &s, 2);
	run_job(&x, XFR_IXFR, a, 1);
	reap(pid);
	ok(!x.err.set && x.outcome == XFR_GOT_FULL && x.zone && zone_set_count(x.zone) == 6,
	    "IXFR refused with NOTIMP, then AXFR from the same server %s", x.err.msg);
	xfr_free(&x);

	/* Nothing to ask. */
	run_job(&x, XFR_AXFR, a, 0);
	ok(x.err.set && calls == 1, "no server: %s", x.err.msg);
	xfr_free(&x);
}

/* The RCODE names: both ends of the list and past it. */
static void
test_rcode_str(void)
{
	ok(!strcmp(xfr_rcode_str(0), "NOERROR"), "rcode 0 is NOERROR");
	ok(!strcmp(xfr_rcode_str(5), "REFUSED"), "rcode 5 is REFUSED");
	ok(!strcmp(xfr_rcode_str(10), "NOTZONE"), "rcode 10 is NOTZONE");
	ok(!strcmp(xfr_rcode_str(11), "unknown RCODE"), "rcode 11 is unknown");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_rcode_str();
	test_axfr();
	test_ixfr();
	test_tiny_steps();
	test_endless_axfr();
	test_max_rrs();
	test_soa();
	test_tsig();
	test_job();
	return tap_done();
}
