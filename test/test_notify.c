/*
 * test_notify: the NOTIFY listener's decisions (notify_packet, no sockets)
 * for every kind of message, TSIG with the server and client halves of
 * src/codec/tsig, the rate limiter with a fake clock, robustness against cut and
 * corrupted messages; then the socket side on 127.0.0.1 (UDP and TCP
 * through the loop, reload with and without rebinding, rollback).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/cfg.h"
#include "codec/dns.h"
#include "base/log.h"
#include "base/loop.h"
#include "base/net.h"
#include "dns/notify.h"
#include "tap.h"
#include "codec/tsig.h"

#define T0 1767225600u /* 2026-01-01T00:00:00Z */
#define S1 "a2V5LW9uZS1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTAwMDA="
#define S2 "a2V5LXR3by1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTExMTE="
#define SP "cGVlci1rZXktZm9yLXRoZS1ub3RpZnktdW5pdC10ZXN0cy0yMg=="
#define SQ "c2Vjb25kLXBlZXIta2V5LWZvci10aGUtbm90aWZ5LXRlc3RzLTM="

static const char config_fmt[] =
	"{\"listen\": [\"127.0.0.1:%d\"],"
	" \"notify_servers\": [\"192.0.2.1\", \"2001:db8::/32\"],"
	" \"tsig_keys\": {\"k1\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" S1 "\"},"
	"                 \"k2\": {\"algorithm\": \"hmac-sha512\", \"secret\": \"" S2 "\"},"
	"                 \"kp\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" SP "\"},"
	"                 \"kq\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" SQ "\"}},"
	" \"peers\": [{\"address\": \"203.0.113.70:5301\", \"tsig_key\": \"kp\"},"
	"             {\"address\": \"192.0.2.1:5302\", \"tsig_key\": \"kp\"},"
	"             {\"address\": \"203.0.113.70:5303\", \"tsig_key\": \"kq\"}],"
	" \"zones\": [{\"name\": \"example.com\", \"primaries\": [\"192.0.2.1\"]},"
	"           {\"name\": \"signed.example\", \"primaries\": [\"192.0.2.1\"], \"tsig_key\": \"k1\"},"
	"           {\"name\": \"prim.example\", \"primaries\": [\"198.51.100.9\"]},"
	"           {\"name\": \"a.example\"}, {\"name\": \"z.example\"}, {\"name\": \"m.example\"}]}";

static struct cfg cfg;
static struct notify nt;
static struct notify_result res;
static uint8_t reply[NOTIFY_REPLY_MAX];
static int64_t clock_ms = 1000000;

static struct {
	int calls;
	const struct cfg_zone *zone;
	int has_serial;
	uint32_t serial;
	struct net_addr from;
} got;

static void
on_notify(void *arg, const struct cfg_zone *zone, int has_serial, uint32_t serial,
    const struct net_addr *from)
{
	(void)arg;
	got.calls++;
	got.zone = zone;
	got.has_serial = has_serial;
	got.serial = serial;
	got.from = *from;
}

static struct net_addr
addr(const char *s)
{
	struct net_addr a;

	if (net_addr_parse(&a, s, 53) < 0)
		abort();
	return a;
}

static void
wire(uint8_t *out, const char *text)
{
	static const uint8_t root[1] = { 0 };

	if (dns_name_from_text(out, DNS_NAME_MAX, text, root, NULL) < 0)
		abort();
}

/* A request: header (flags as given), one question, optionally an SOA for
 * soa_owner with serial in the answer section, optionally an OPT RR. */
static size_t
mkmsg(uint8_t *buf, size_t cap, unsigned id, unsigned flags, const char *qname, unsigned qtype,
    unsigned qclass, const char *soa_owner, uint32_t serial, int edns)
{
	struct dns_writer w;
	struct dns_header h = { 0 };
	uint8_t name[DNS_NAME_MAX], rdata[600], *p = rdata;
	size_t n;

	h.id = (uint16_t)id;
	h.flags = (uint16_t)flags;
	dns_writer_init(&w, buf, cap, 1, NULL);
	dns_put_header(&w, &h);
	wire(name, qname);
	dns_put_question(&w, name, qtype, qclass);
	if (soa_owner) {
		wire(p, "ns1.example.com.");
		p += dns_name_len(p);
		wire(p, "hostmaster.example.com.");
		p += dns_name_len(p);
		for (int i = 0; i < 5; i++) {
			uint32_t v = i == 0 ? serial : 3600;

			*p++ = (uint8_t)(v >> 24);
			*p++ = (uint8_t)(v >> 16);
			*p++ = (uint8_t)(v >> 8);
			*p++ = (uint8_t)v;
		}
		wire(name, soa_owner);
		dns_put_rr(&w, DNS_SEC_ANSWER, name, DNS_TYPE_SOA, DNS_CLASS_IN, 3600, rdata,
		    (size_t)(p - rdata));
	}
	if (edns)
		dns_put_opt(&w, 1232, 0);
	n = (size_t)dns_writer_done(&w);
	return n;
}

#define NOTIFY_FLAGS DNS_FLAGS_OPCODE(DNS_OPCODE_NOTIFY) | DNS_AA

static size_t
notify_msg(uint8_t *buf, const char *zone, int with_soa, uint32_t serial)
{
	return mkmsg(buf, 512, 0x1234, NOTIFY_FLAGS, zone, DNS_TYPE_SOA, DNS_CLASS_IN,
	    with_soa ? zone : NULL, serial, 0);
}

static void
run_tcp(const uint8_t *msg, size_t len, const char *from, int tcp)
{
	struct net_addr a = addr(from);

	memset(reply, 0, sizeof reply);
	notify_packet(&nt, msg, len, &a, tcp, clock_ms, T0, reply, sizeof reply, &res);
}

static void
run(const uint8_t *msg, size_t len, const char *from)
{
	run_tcp(msg, len, from, 0);
}

/* The reply's header fields. */
static struct dns_header
reply_header(void)
{
	struct dns_msg m;

	memset(&m, 0, sizeof m);
	if (res.reply_len)
		dns_msg_init(&m, reply, res.reply_len, NULL);
	return m.hdr;
}

/* The reply is exactly header + the echoed question of req, with flags. */
static int
reply_is(const uint8_t *req, unsigned flags, int with_question)
{
	struct dns_msg m;
	struct dns_question q;
	uint8_t want[600];
	struct dns_writer w;
	struct dns_header h = { 0 };

	dns_msg_init(&m, req, DNS_HEADER_LEN + DNS_NAME_MAX + 4, NULL);
	h.id = m.hdr.id;
	h.flags = (uint16_t)flags;
	dns_writer_init(&w, want, sizeof want, 0, NULL);
	dns_put_header(&w, &h);
	if (with_question) {
		dns_msg_question(&m, &q);
		dns_put_question(&w, q.name, q.type, q.class);
	}
	if ((long)res.reply_len != dns_writer_done(&w) || memcmp(reply, want, res.reply_len)) {
		tap_hex("reply", reply, res.reply_len);
		tap_hex("want", want, (size_t)dns_writer_done(&w));
		return 0;
	}
	return 1;
}

#define NOERROR_FLAGS (DNS_QR | DNS_FLAGS_OPCODE(DNS_OPCODE_NOTIFY) | DNS_AA)
#define ERR_FLAGS(rc) (DNS_QR | DNS_FLAGS_OPCODE(DNS_OPCODE_NOTIFY) | (rc))

static void
accepted(void)
{
	uint8_t m[512];
	size_t n;

	n = notify_msg(m, "example.com.", 1, 4000000000u);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.zone && !strcmp(res.zone->name, "example.com."),
	    "NOTIFY with SOA: delivered for example.com.");
	ok(res.has_serial && res.serial == 4000000000u, "serial hint 4000000000 from the answer");
	ok(reply_is(m, NOERROR_FLAGS, 1), "reply: ID, QR, AA, opcode NOTIFY, NOERROR, question");

	n = notify_msg(m, "example.com.", 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && !res.has_serial, "NOTIFY without SOA: no serial hint");
	ok(reply_is(m, NOERROR_FLAGS, 1), "reply to NOTIFY without SOA");

	n = mkmsg(m, sizeof m, 7, NOTIFY_FLAGS | DNS_RD, "ExAmPlE.CoM.", DNS_TYPE_SOA,
	    DNS_CLASS_IN, "example.COM.", 42, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.zone == cfg_zone_find(&cfg, "example.com") &&
		res.has_serial && res.serial == 42,
	    "zone name and SOA owner matched in any case");
	ok(reply_is(m, NOERROR_FLAGS | DNS_RD, 1), "question echoed in its case, RD copied");

	n = mkmsg(m, sizeof m, 7, NOTIFY_FLAGS, "example.com.", DNS_TYPE_SOA, DNS_CLASS_IN,
	    "other.example.", 42, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && !res.has_serial, "SOA of another name is no hint");

	n = mkmsg(m, sizeof m, 7, NOTIFY_FLAGS, "m.example.", DNS_TYPE_SOA, DNS_CLASS_IN,
	    NULL, 0, 1);
	run(m, n, "2001:db8:1::53");
	ok(res.verdict == NOTIFY_DELIVER && !strcmp(res.zone->name, "m.example."),
	    "IPv6 source in a notify_servers range, zone found in the sorted index");
	ok(reply_header().arcount == 1 && res.reply_len == 12 + 15 + 11,
	    "request with EDNS: reply carries an OPT RR");

	n = notify_msg(m, "prim.example.", 0, 0);
	run(m, n, "198.51.100.9");
	ok(res.verdict == NOTIFY_DELIVER, "a zone's own primary may NOTIFY it");
	n = notify_msg(m, "example.com.", 0, 0);
	run(m, n, "198.51.100.9");
	ok(res.verdict == NOTIFY_DROP && res.reply_len == 0,
	    "... but not another zone: dropped, no reply");
}

static void
refused_and_dropped(void)
{
	uint8_t m[512];
	size_t n;
	struct notify_stats before = *notify_stats(&nt);

	n = notify_msg(m, "example.com.", 1, 1);
	run(m, n, "203.0.113.7");
	ok(res.verdict == NOTIFY_DROP && res.reply_len == 0, "disallowed source: dropped, no reply");
	n = notify_msg(m, "nowhere.example.", 0, 0);
	run(m, n, "203.0.113.7");
	ok(res.verdict == NOTIFY_DROP, "disallowed source, unknown zone: dropped");
	n = mkmsg(m, sizeof m, 9, NOTIFY_FLAGS, "example.com.", DNS_TYPE_A, DNS_CLASS_IN, NULL, 0,
	    0);
	run(m, n, "203.0.113.7");
	ok(res.verdict == NOTIFY_DROP, "disallowed source, malformed: dropped, no FORMERR");
	is_int(notify_stats(&nt)->dropped_acl - before.dropped_acl, 3, "dropped_acl counted");

	n = notify_msg(m, "nowhere.example.", 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_REFUSED &&
		reply_is(m, ERR_FLAGS(DNS_RCODE_REFUSED), 1),
	    "allowed source, unknown zone: REFUSED, question echoed, no AA");

	n = mkmsg(m, sizeof m, 10, DNS_FLAGS_OPCODE(DNS_OPCODE_QUERY) | DNS_RD, "example.com.",
	    DNS_TYPE_A, DNS_CLASS_IN, NULL, 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY && reply_is(m, DNS_QR | DNS_RD | DNS_RCODE_REFUSED, 1),
	    "QUERY: REFUSED with opcode QUERY");
	n = mkmsg(m, sizeof m, 11, DNS_FLAGS_OPCODE(DNS_OPCODE_UPDATE), "example.com.",
	    DNS_TYPE_SOA, DNS_CLASS_IN, NULL, 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY &&
		reply_is(m, DNS_QR | DNS_FLAGS_OPCODE(DNS_OPCODE_UPDATE) | DNS_RCODE_REFUSED, 1),
	    "UPDATE: REFUSED");

	n = notify_msg(m, "signed.example.", 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_REFUSED && res.tsig == TSIG_NONE &&
		reply_is(m, ERR_FLAGS(DNS_RCODE_REFUSED), 1),
	    "unsigned NOTIFY for a zone with a key: REFUSED");
	is_int(notify_stats(&nt)->refused - before.refused, 4, "refused counted");
}

static void
malformed(void)
{
	uint8_t m[600], x[600];
	size_t n, full;
	struct notify_stats before = *notify_stats(&nt);
	int bad;

	n = notify_msg(m, "example.com.", 0, 0);
	m[2] |= 0x80;
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DROP && res.reply_len == 0, "response (QR set): dropped");
	run(m, 11, "192.0.2.1");
	ok(res.verdict == NOTIFY_DROP, "11 octets: dropped");
	run(m, 0, "192.0.2.1");
	ok(res.verdict == NOTIFY_DROP, "empty: dropped");

	n = notify_msg(m, "example.com.", 0, 0);
	m[5] = 0; /* QDCOUNT 0 */
	run(m, 12, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_FORMERR &&
		reply_is(m, ERR_FLAGS(DNS_RCODE_FORMERR), 0),
	    "no question: FORMERR with the ID, no question");
	n = notify_msg(m, "example.com.", 0, 0);
	m[5] = 2;
	memcpy(m + n, m + 12, n - 12);
	run(m, n + n - 12, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR && reply_is(m, ERR_FLAGS(DNS_RCODE_FORMERR), 0),
	    "two questions: FORMERR");

	n = mkmsg(m, sizeof m, 3, NOTIFY_FLAGS, "example.com.", DNS_TYPE_A, DNS_CLASS_IN, NULL, 0,
	    0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR && reply_is(m, ERR_FLAGS(DNS_RCODE_FORMERR), 1),
	    "type A: FORMERR, question echoed");
	n = mkmsg(m, sizeof m, 3, NOTIFY_FLAGS, "example.com.", DNS_TYPE_SOA, DNS_CLASS_CH, NULL,
	    0, 0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR, "class CH: FORMERR");

	full = notify_msg(m, "example.com.", 1, 5);
	m[full] = 0;
	run(m, full + 1, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR && res.verdict == NOTIFY_REPLY,
	    "one octet of trailing garbage: FORMERR, not delivered");
	run(m, full - 1, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR && reply_is(m, ERR_FLAGS(DNS_RCODE_FORMERR), 1),
	    "SOA cut short: FORMERR");
	is_int(notify_stats(&nt)->formerr - before.formerr, 6, "formerr counted");
	is_int(notify_stats(&nt)->dropped_bad - before.dropped_bad, 3, "dropped_bad counted");

	/* Every cut and every corrupted octet of a NOTIFY with an SOA: never
	 * delivered unless the message is still a valid NOTIFY for a zone. */
	bad = 0;
	for (size_t l = 0; l < full; l++) {
		run(m, l, "192.0.2.1");
		if (res.verdict == NOTIFY_DELIVER || (l >= 12 && res.rcode != DNS_RCODE_FORMERR))
			bad++;
	}
	ok(!bad, "every cut of the message: FORMERR or dropped (%d wrong)", bad);
	bad = 0;
	for (size_t i = 0; i < full; i++) {
		for (int v = 0; v < 256; v += 51) {
			memcpy(x, m, full);
			x[i] = (uint8_t)v;
			clock_ms += 1000; /* keep the bucket full */
			run(x, full, "192.0.2.1");
			if ((res.verdict == NOTIFY_DELIVER && !res.zone) ||
			    (res.verdict != NOTIFY_DROP && res.reply_len < DNS_HEADER_LEN) ||
			    res.reply_len > sizeof reply)
				bad++;
		}
	}
	ok(!bad, "corrupted octets: every answer sane, nothing delivered without a zone (%d wrong)",
	    bad);
}

/* Sign msg[0..len) with key at time t; returns the new length. */
static size_t
sign(struct tsig_ctx *c, const struct tsig_key *key, uint8_t *msg, size_t len, uint64_t t)
{
	long n = tsig_sign_query(c, key, msg, len, 1024, t);

	if (n < 0)
		abort();
	return (size_t)n;
}

/* The reply's TSIG as the client sees it: 1 verified, else -1 with e. */
static int
client_check(struct tsig_ctx *c, uint64_t now, struct err *e)
{
	err_clear(e);
	return tsig_verify_response(c, reply, res.reply_len, now, NULL, e);
}

static void
tsig(void)
{
	struct tsig_key k1, k2, k3, longkey;
	struct tsig_ctx c;
	struct err e = { 0 };
	uint8_t m[1024];
	size_t n, base;
	char longname[300];
	struct notify_stats before = *notify_stats(&nt);

	tsig_key_init(&k1, "k1", "hmac-sha256", S1, NULL);
	tsig_key_init(&k2, "k2", "hmac-sha512", S2, NULL);
	tsig_key_init(&k3, "k3", "hmac-sha256", S1, NULL);

	n = sign(&c, &k1, m, notify_msg(m, "signed.example.", 1, 77), T0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.tsig == TSIG_OK && res.has_serial &&
		res.serial == 77,
	    "signed with the zone's key: delivered");
	ok(reply_header().flags == NOERROR_FLAGS && reply_header().arcount == 1,
	    "reply NOERROR with a TSIG RR");
	is_int(client_check(&c, T0, &e), 1, "the reply's TSIG verifies with k1: %s", e.msg);

	n = sign(&c, &k1, m, notify_msg(m, "signed.example.", 0, 0), T0);
	m[n - 10] ^= 0x40; /* inside the MAC */
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_NOTAUTH && res.tsig == TSIG_BADSIG,
	    "bad MAC: NOTAUTH, BADSIG");
	ok(client_check(&c, T0, &e) < 0 && strstr(e.msg, "BADSIG"), "client sees BADSIG: %s", e.msg);

	n = sign(&c, &k1, m, notify_msg(m, "signed.example.", 0, 0), T0 - 1000);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_NOTAUTH && res.tsig == TSIG_BADTIME,
	    "signed 1000 s ago: NOTAUTH, BADTIME");
	ok(client_check(&c, T0 - 1000, &e) < 0 && strstr(e.msg, "BADTIME"),
	    "client sees BADTIME: %s", e.msg);

	n = sign(&c, &k2, m, notify_msg(m, "signed.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_NOTAUTH && res.tsig == TSIG_BADKEY,
	    "signed with another configured key than the zone's: BADKEY");
	ok(client_check(&c, T0, &e) < 0 && strstr(e.msg, "BADKEY"), "client sees BADKEY: %s", e.msg);

	n = sign(&c, &k2, m, notify_msg(m, "example.com.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.tsig == TSIG_OK,
	    "zone without a key, signed with a configured key: delivered");
	is_int(client_check(&c, T0, &e), 1, "... and the reply signed with k2: %s", e.msg);

	n = sign(&c, &k3, m, notify_msg(m, "example.com.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_NOTAUTH && res.tsig == TSIG_BADKEY,
	    "zone without a key, signed with an unknown key: BADKEY");

	n = sign(&c, &k1, m, notify_msg(m, "nowhere.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_REFUSED && res.tsig == TSIG_OK, "unknown zone, signed: REFUSED");
	is_int(client_check(&c, T0, &e), 1, "... and the REFUSED is signed: %s", e.msg);

	/* A TSIG of class IN cannot be interpreted: FORMERR, unsigned. */
	base = notify_msg(m, "signed.example.", 0, 0);
	n = sign(&c, &k1, m, base, T0);
	m[base + 4 + 2 + 1] = 1; /* class ANY (255) -> IN (1), after "\2k1\0" and the type */
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_FORMERR && reply_header().arcount == 0,
	    "TSIG of class IN: unsigned FORMERR");
	is_int(notify_stats(&nt)->tsig_failed - before.tsig_failed, 4, "tsig_failed counted");

	/* A reply too long for UDP without EDNS: TC, header and question. */
	memset(longname, 0, sizeof longname);
	for (int i = 0; i < 4; i++)
		memcpy(longname + 63 * i, "a123456789b123456789c123456789d123456789e123456789f123456789gh.",
		    63);
	tsig_key_init(&longkey, longname, "hmac-sha256", S1, NULL);
	n = sign(&c, &longkey, m, notify_msg(m, longname, 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_NOTAUTH && (reply_header().flags & DNS_TC) &&
		reply_header().arcount == 0 && res.reply_len == 12 + 253 + 4,
	    "BADKEY answer over 512 octets on UDP: TC, header and question");
	run_tcp(m, n, "192.0.2.1", 1);
	ok(res.rcode == DNS_RCODE_NOTAUTH && !(reply_header().flags & DNS_TC) &&
		reply_header().arcount == 1 && res.reply_len > 512,
	    "the same over TCP: whole answer (%zu octets)", res.reply_len);
}

/* A peer's NOTIFY (cfg->peers): its address and its key, nothing less. */
static void
peers(void)
{
	struct tsig_key kp, kq, k2;
	struct tsig_ctx c;
	struct err e = { 0 };
	uint8_t m[1024];
	size_t n;

	tsig_key_init(&kp, "kp", "hmac-sha256", SP, NULL);
	tsig_key_init(&kq, "kq", "hmac-sha256", SQ, NULL);
	tsig_key_init(&k2, "k2", "hmac-sha512", S2, NULL);

	n = sign(&c, &kp, m, notify_msg(m, "example.com.", 1, 42), T0);
	run(m, n, "203.0.113.70");
	ok(res.verdict == NOTIFY_DELIVER && res.peer && res.peer == &cfg.peers[0] &&
	    res.has_serial && res.serial == 42, "peer: signed with its key, from its address: a "
	    "peer's NOTIFY of serial 42");
	is_int(client_check(&c, T0, &e), 1, "peer: the answer is signed with its key: %s", e.msg);

	n = notify_msg(m, "example.com.", 1, 43);
	run(m, n, "203.0.113.70");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_REFUSED && !res.peer,
	    "peer: unsigned from its address: REFUSED, nothing delivered");

	n = sign(&c, &k2, m, notify_msg(m, "example.com.", 1, 44), T0);
	run(m, n, "203.0.113.70");
	ok(res.verdict == NOTIFY_REPLY && res.rcode == DNS_RCODE_REFUSED && !res.peer,
	    "peer: signed with another configured key from its address: REFUSED");

	n = sign(&c, &kp, m, notify_msg(m, "example.com.", 1, 45), T0);
	m[n - 10] ^= 0x40;
	run(m, n, "203.0.113.70");
	ok(res.rcode == DNS_RCODE_NOTAUTH && res.tsig == TSIG_BADSIG && !res.peer,
	    "peer: its key, a bad MAC: NOTAUTH");

	n = sign(&c, &kp, m, notify_msg(m, "example.com.", 0, 0), T0);
	run(m, n, "203.0.113.70");
	ok(res.rcode == DNS_RCODE_REFUSED && !res.peer, "peer: no SOA serial: REFUSED");

	n = sign(&c, &kp, m, notify_msg(m, "example.com.", 1, 46), T0);
	run(m, n, "198.51.100.77");
	ok(res.verdict == NOTIFY_DROP, "peer: its key from another address: dropped (source)");

	n = sign(&c, &kp, m, notify_msg(m, "signed.example.", 1, 47), T0);
	run(m, n, "203.0.113.70");
	ok(res.verdict == NOTIFY_DELIVER && res.peer && res.serial == 47,
	    "peer: for a zone with its own key, the peer's key is what counts");

	n = sign(&c, &kq, m, notify_msg(m, "example.com.", 1, 51), T0);
	run(m, n, "203.0.113.70");
	ok(res.verdict == NOTIFY_DELIVER && res.peer == &cfg.peers[2] && res.serial == 51,
	    "peer: two peers on one host with keys of their own: the second's key is its word");
	is_int(client_check(&c, T0, &e), 1, "peer: ... answered signed with that key: %s", e.msg);

	/* The primary's host is a peer too: the key tells them apart. */
	n = sign(&c, &kp, m, notify_msg(m, "example.com.", 1, 48), T0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.peer == &cfg.peers[1] && res.serial == 48,
	    "peer on the primary's host, signed with the peer key: the peer's NOTIFY");
	n = notify_msg(m, "example.com.", 1, 49);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && !res.peer && res.serial == 49,
	    "... unsigned from that host: the primary's NOTIFY, not a peer's");
	n = sign(&c, &k2, m, notify_msg(m, "example.com.", 1, 50), T0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && !res.peer && res.tsig == TSIG_OK,
	    "... signed with another key: the primary's NOTIFY");
}

/* The entries of res's zone the NOTIFY kicks, as "0", "01", "" (indexes
 * into res.zones, which are in the file's order): what the listener
 * delivers. */
static const char *
kicked(void)
{
	static char out[16];
	size_t k = 0;

	out[0] = 0;
	if (res.verdict != NOTIFY_DELIVER)
		return "none";
	for (size_t i = 0; i < res.nzones && k + 1 < sizeof out; i++)
		if (notify_kicks(res.zones, res.nzones, i, res.key))
			out[k++] = (char)('0' + i);
	out[k] = 0;
	return out;
}

/* One zone name, an entry per view of the primary: a NOTIFY goes to the
 * entries its TSIG key picks. */
static void
split_horizon(void)
{
	static const char text[] =
		"{\"notify_servers\": [\"192.0.2.1\"],"
		" \"tsig_keys\": {\"k1\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" S1 "\"},"
		"                 \"k2\": {\"algorithm\": \"hmac-sha512\", \"secret\": \"" S2 "\"},"
		"                 \"k3\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" S2 "\"}},"
		" \"zones\": [{\"name\": \"split.example\", \"private\": true, \"tsig_key\": \"k1\"},"
		"           {\"name\": \"split.example\", \"private\": false, \"tsig_key\": \"k2\"},"
		"           {\"name\": \"mixed.example\", \"private\": true, \"tsig_key\": \"k1\"},"
		"           {\"name\": \"mixed.example\", \"private\": false},"
		"           {\"name\": \"pair.example\", \"hosted_zone_id\": \"Z1\"},"
		"           {\"name\": \"pair.example\", \"hosted_zone_id\": \"Z2\"}]}";
	struct notify_handler h = { .on_notify = on_notify };
	struct cfg c;
	struct tsig_key k1, k2, k3;
	struct tsig_ctx t;
	struct err e = { 0 };
	uint8_t m[1024];
	size_t n;

	notify_free(&nt);
	if (!ok(cfg_parse(&c, text, "split", &e) == 0 && notify_init(&nt, &c, &h, &e) == 0,
	    "split horizon config: %s", e.msg))
		return;
	tsig_key_init(&k1, "k1", "hmac-sha256", S1, NULL);
	tsig_key_init(&k2, "k2", "hmac-sha512", S2, NULL);
	tsig_key_init(&k3, "k3", "hmac-sha256", S2, NULL);

	clock_ms += 10000;
	n = sign(&t, &k1, m, notify_msg(m, "split.example.", 1, 5), T0);
	run(m, n, "192.0.2.1");
	is_str(kicked(), "0", "split: signed with the internal view's key: only the private entry");
	ok(res.zone == &c.zones[0] && res.nzones == 2 && res.has_serial && res.serial == 5,
	    "... res.zone is that entry, both entries and the serial are there");
	is_int(client_check(&t, T0, &e), 1, "... and the reply is signed with k1: %s", e.msg);
	clock_ms += 10000;
	n = sign(&t, &k2, m, notify_msg(m, "split.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	is_str(kicked(), "1", "split: signed with the external view's key: only the public entry");
	is_int(client_check(&t, T0, &e), 1, "... and the reply is signed with k2: %s", e.msg);
	clock_ms += 10000;
	run(m, notify_msg(m, "split.example.", 0, 0), "192.0.2.1");
	ok(res.rcode == DNS_RCODE_REFUSED && !strcmp(kicked(), "none"),
	    "split: unsigned, every entry has a key: REFUSED");
	clock_ms += 10000;
	n = sign(&t, &k3, m, notify_msg(m, "split.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_REFUSED && res.tsig == TSIG_OK && !strcmp(kicked(), "none"),
	    "split: signed with a configured key no entry names: REFUSED (signed)");
	is_int(client_check(&t, T0, &e), 1, "... and the REFUSED is signed with k3: %s", e.msg);

	clock_ms += 10000;
	run(m, notify_msg(m, "MIXED.example.", 0, 0), "192.0.2.1");
	is_str(kicked(), "1", "mixed: unsigned: only the entry without a key");
	clock_ms += 10000;
	n = sign(&t, &k1, m, notify_msg(m, "mixed.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	is_str(kicked(), "0", "mixed: signed with the private entry's key: only that entry");
	clock_ms += 10000;
	n = sign(&t, &k3, m, notify_msg(m, "mixed.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	is_str(kicked(), "1", "mixed: signed with a key no entry names: the entry without a key");

	clock_ms += 10000;
	run(m, notify_msg(m, "pair.example.", 0, 0), "192.0.2.1");
	is_str(kicked(), "01", "two entries without a key: unsigned kicks both");
	clock_ms += 10000;
	n = sign(&t, &k2, m, notify_msg(m, "pair.example.", 0, 0), T0);
	run(m, n, "192.0.2.1");
	is_str(kicked(), "01", "... and so does a signed one");

	notify_free(&nt);
	cfg_free(&c);
}

static void
rate(void)
{
	uint8_t m[512];
	size_t n = notify_msg(m, "example.com.", 0, 0);
	int answered = 0;
	char a[64];

	clock_ms += 100000;
	for (int i = 0; i < NOTIFY_RATE_BURST + 10; i++) {
		run(m, n, "192.0.2.1");
		answered += res.verdict != NOTIFY_DROP;
	}
	is_int(answered, NOTIFY_RATE_BURST, "a burst of %d answered, the rest dropped",
	    NOTIFY_RATE_BURST);
	run(m, n, "2001:db8::1");
	ok(res.verdict == NOTIFY_DELIVER, "another source has its own bucket");
	clock_ms += 1000 / NOTIFY_RATE_PER_SEC;
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER, "one more after 1/%d s", NOTIFY_RATE_PER_SEC);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DROP && res.reply_len == 0, "... and not two");
	clock_ms += 1000;
	answered = 0;
	for (int i = 0; i < NOTIFY_RATE_PER_SEC + 5; i++) {
		run(m, n, "192.0.2.1");
		answered += res.verdict != NOTIFY_DROP;
	}
	is_int(answered, NOTIFY_RATE_PER_SEC, "%d a second", NOTIFY_RATE_PER_SEC);

	/* More sources than slots: the drained source is forgotten, never
	 * wrongly limited. */
	for (int i = 0; i < NOTIFY_RATE_SLOTS; i++) {
		snprintf(a, sizeof a, "2001:db8::%x", i + 0x100);
		clock_ms++;
		run(m, n, a);
		if (res.verdict != NOTIFY_DELIVER)
			break;
	}
	ok(res.verdict == NOTIFY_DELIVER, "%d new sources each answered", NOTIFY_RATE_SLOTS);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER, "the drained source, evicted, starts with a full bucket");
	ok(notify_stats(&nt)->dropped_rate >= 16, "dropped_rate counted (%lu)",
	    notify_stats(&nt)->dropped_rate);
}

static struct cfg_zone aws_zone;

static const struct cfg_zone *const aws_zones[] = { &aws_zone };

static const struct cfg_zone *const *
find_aws(void *arg, const char *name, size_t *n)
{
	(void)arg;
	*n = 1;
	return !strcmp(name, "aws.example.") ? aws_zones : NULL;
}

static void
find_zone_hook(void)
{
	struct notify_handler h = { .on_notify = on_notify, .find_zone = find_aws };
	struct net_addr from = addr("192.0.2.1");
	struct err e = { 0 };
	uint8_t m[512];
	size_t n;

	notify_free(&nt);
	ok(notify_init(&nt, &cfg, &h, &e) == 0, "init with a zone finder");
	aws_zone.name = "aws.example.";
	n = notify_msg(m, "AWS.example.", 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.verdict == NOTIFY_DELIVER && res.zone == &aws_zone,
	    "find_zone gets the lower-case name and its zone is delivered");
	n = notify_msg(m, "example.com.", 0, 0);
	run(m, n, "192.0.2.1");
	ok(res.rcode == DNS_RCODE_REFUSED, "find_zone replaces the config's zones");
	memset(reply, 0, sizeof reply);
	notify_packet(&nt, m, n, &from, 0, clock_ms, T0, reply, 20, &res);
	ok(res.verdict == NOTIFY_DROP, "reply buffer too small: dropped");
	notify_free(&nt);
}

/* ---- sockets on 127.0.0.1 -------------------------------------------------- */

/* A port free on 127.0.0.1 for both UDP and TCP just now (the listener
 * binds both; another process may hold the TCP twin of a free UDP port). */
static int
free_port(void)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		struct sockaddr_in in;
		socklen_t len = sizeof in;
		int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
		int port = -1;

		memset(&in, 0, sizeof in);
		in.sin_family = AF_INET;
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (u >= 0 && t >= 0 && bind(u, (struct sockaddr *)&in, sizeof in) == 0 &&
		    getsockname(u, (struct sockaddr *)&in, &len) == 0 &&
		    bind(t, (struct sockaddr *)&in, sizeof in) == 0)
			port = ntohs(in.sin_port);
		if (u >= 0)
			close(u);
		if (t >= 0)
			close(t);
		if (port > 0)
			return port;
	}
	return 0;
}

static int
load(struct cfg *c, int port)
{
	char text[sizeof config_fmt + 16];
	struct err e = { 0 };

	snprintf(text, sizeof text, config_fmt, port);
	if (cfg_parse(c, text, "test", &e) < 0) {
		diag("config: %s", e.msg);
		return -1;
	}
	return 0;
}

/* Send msg to 127.0.0.1:port over UDP from 127.0.0.1 and run the loop
 * until an answer comes (or 2 s pass). Returns the answer's length. */
static long
udp_exchange(int port, const uint8_t *msg, size_t len, uint8_t *ans, size_t cap)
{
	struct net_addr to = addr("127.0.0.1");
	int fd;
	long k = -1;

	((struct sockaddr_in *)&to.ss)->sin_port = htons((uint16_t)port);
	if ((fd = net_udp_connect(&to)) < 0)
		return -1;
	if (send(fd, msg, len, 0) == (ssize_t)len) {
		for (int i = 0; i < 200 && k < 0; i++) {
			loop_once(10);
			k = recv(fd, ans, cap, MSG_DONTWAIT);
			if (k < 0 && errno == ECONNREFUSED)
				break;
		}
	}
	close(fd);
	return k;
}

/* The same over TCP with two messages in one write. */
static long
tcp_exchange2(int port, const uint8_t *msg, size_t len, uint8_t *ans, size_t cap)
{
	struct net_addr to = addr("127.0.0.1");
	uint8_t two[1200];
	size_t have = 0;
	int fd;

	((struct sockaddr_in *)&to.ss)->sin_port = htons((uint16_t)port);
	if ((fd = net_tcp_connect(&to)) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		two[i * (len + 2)] = (uint8_t)(len >> 8);
		two[i * (len + 2) + 1] = (uint8_t)len;
		memcpy(two + i * (len + 2) + 2, msg, len);
	}
	for (int i = 0; i < 200 && net_connect_finish(fd) < 0; i++)
		loop_once(10);
	if (send(fd, two, 2 * (len + 2), MSG_NOSIGNAL) != (ssize_t)(2 * (len + 2))) {
		close(fd);
		return -1;
	}
	for (int i = 0; i < 200 && have < cap; i++) {
		ssize_t k;

		loop_once(10);
		k = recv(fd, ans + have, cap - have, MSG_DONTWAIT);
		if (k > 0)
			have += (size_t)k;
		else if (k == 0)
			break;
		if (have >= 4 && have >= (size_t)(2 + (ans[0] << 8 | ans[1])) * 2)
			break;
	}
	close(fd);
	return (long)have;
}

static void
sockets(void)
{
	struct notify_handler h = { .on_notify = on_notify };
	struct cfg c2, c3, c4;
	struct err e = { 0 };
	uint8_t m[512], ans[1200];
	size_t n = notify_msg(m, "example.com.", 1, 99);
	int port = free_port(), port2 = free_port(), fd0;

	while (port2 == port)
		port2 = free_port();
	long k;

	if (load(&cfg, port) < 0 || load(&c2, port) < 0 || load(&c3, port2) < 0) {
		ok(0, "configs for the socket tests");
		return;
	}
	/* Allow 127.0.0.1 by making it example.com's primary. */
	cfg.zones[0].primaries[0] = addr("127.0.0.1");
	c2.zones[0].primaries[0] = addr("127.0.0.1");
	c3.zones[0].primaries[0] = addr("127.0.0.1");

	ok(notify_init(&nt, &cfg, &h, &e) == 0 && notify_bind(&nt, &e) == 0 &&
		notify_start(&nt, &e) == 0,
	    "bound on 127.0.0.1:%d: %s", port, e.msg);
	memset(&got, 0, sizeof got);
	k = udp_exchange(port, m, n, ans, sizeof ans);
	ok(k == 12 + 13 + 4 && ans[0] == 0x12 && ans[1] == 0x34 && (ans[2] & 0x80) && !(ans[3] & 15),
	    "UDP: NOERROR answer (%ld octets)", k);
	ok(got.calls == 1 && got.zone == &cfg.zones[0] && got.has_serial && got.serial == 99,
	    "UDP: on_notify called with zone and serial");

	memset(&got, 0, sizeof got);
	k = tcp_exchange2(port, m, n, ans, sizeof ans);
	ok(k == 2 * (2 + 12 + 13 + 4) && ans[2] == 0x12 && ans[2 + 12 + 13 + 4 + 2] == 0x12,
	    "TCP: two pipelined messages, two answers (%ld octets)", k);
	ok(got.calls == 2 && got.serial == 99, "TCP: on_notify twice");

	fd0 = nt.socks[0].io.fd;
	ok(notify_reload(&nt, &c2, &e) == 0 && nt.socks[0].io.fd == fd0 && nt.cfg == &c2,
	    "reload, same listen address: sockets kept: %s", e.msg);
	cfg_free(&cfg);
	memset(&got, 0, sizeof got);
	k = udp_exchange(port, m, n, ans, sizeof ans);
	ok(k > 0 && got.calls == 1 && got.zone == &c2.zones[0], "answers with the new config");

	ok(notify_reload(&nt, &c3, &e) == 0 && nt.cfg == &c3, "reload, new port %d: rebound: %s",
	    port2, e.msg);
	cfg_free(&c2);
	k = udp_exchange(port2, m, n, ans, sizeof ans);
	ok(k > 0, "answers on the new port");
	k = udp_exchange(port, m, n, ans, sizeof ans);
	ok(k < 0, "the old port is closed");

	/* An address that cannot be bound: nothing changes. */
	if (load(&c4, port) == 0) {
		c4.listen[c4.nlisten++] = addr("192.0.2.1:5300");
		fd0 = nt.socks[0].io.fd;
		ok(notify_reload(&nt, &c4, &e) < 0 && strstr(e.msg, "cannot bind 192.0.2.1:5300/udp"),
		    "reload with an unbindable address refused: %s", e.msg);
		ok(nt.cfg == &c3 && nt.socks[0].io.fd == fd0 && nt.nsocks == 2,
		    "old config and sockets kept");
		cfg_free(&c4);
		k = udp_exchange(port2, m, n, ans, sizeof ans);
		ok(k > 0, "still answering on port %d", port2);
		k = udp_exchange(port, m, n, ans, sizeof ans);
		ok(k < 0, "and not on port %d", port);
	}
	notify_free(&nt);
	cfg_free(&c3);
	ok(loop_once(0) == 0, "after notify_free nothing is left in the loop");
}

int
main(void)
{
	struct notify_handler h = { .on_notify = on_notify };
	struct err e = { 0 };

	log_set_level(LOG_LEVEL_ERR);
	if (load(&cfg, 5300) < 0) {
		ok(0, "config");
		return tap_done();
	}
	ok(notify_init(&nt, &cfg, &h, &e) == 0, "init: %s", e.msg);
	accepted();
	refused_and_dropped();
	malformed();
	tsig();
	peers();
	rate();
	find_zone_hook();
	split_horizon();
	cfg_free(&cfg);
	sockets();
	return tap_done();
}
