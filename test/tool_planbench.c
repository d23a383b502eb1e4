/*
 * tool_planbench: CPU time and peak RSS of a full plan (make bench, driven
 * by test/bench/plan_bench.sh).
 *
 *   tool_planbench SETS DIFFS [empty]
 *
 * Builds, untimed, AXFR messages of a zone of SETS record sets (A on every
 * host, AAAA, TXT, MX and CNAME on some, a wildcard, SOA and apex NS), then
 * times what the sync does with them: parsing the messages into a zone
 * (dns_msg_next + zone_add + zone_finish), and plan_full against a Route 53
 * listing of the same zone as Route 53 would write it (octal-escaped names,
 * values in its order and spelling, its own SOA names and apex NS) with
 * DIFFS differences (updates, creates and deletes in turn). With "empty"
 * the listing holds only the SOA and apex NS: a first sync. Prints the
 * figures and the plan's counts; exits non-zero when the plan is not the
 * one expected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "codec/dns.h"
#include "sync/plan.h"
#include "codec/rr.h"
#include "dns/zone.h"

#define RRS_PER_MSG 400

static double
cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "tool_planbench: %s: %s\n", what, why);
	exit(1);
}

struct msgs {
	uint8_t **m;
	size_t *len;
	size_t n, cap;
	struct dns_writer w;
	unsigned in_msg;
};

static const uint8_t *
name(const char *text)
{
	static uint8_t wire[DNS_NAME_MAX];
	struct err e = { 0 };

	if (dns_name_from_text(wire, sizeof wire, text, NULL, &e) < 0)
		die(text, e.msg);
	return wire;
}

static void
msg_end(struct msgs *ms)
{
	long n = dns_writer_done(&ms->w);

	if (n < 0)
		die("writer", "message overflow");
	ms->len[ms->n++] = (size_t)n;
	ms->in_msg = 0;
}

/* One RR "value" (Route 53 syntax) of type at owner into the messages. */
static void
put(struct msgs *ms, const char *owner, unsigned type, uint32_t ttl, const char *value)
{
	uint8_t rd[1024];
	struct err e = { 0 };
	long n = rr_from_r53(type, value, strlen(value), rd, sizeof rd, &e);
	struct dns_header h = { 1, DNS_QR | DNS_AA, 0, 0, 0, 0 };

	if (n < 0)
		die(value, e.msg);
	if (ms->in_msg == RRS_PER_MSG)
		msg_end(ms);
	if (!ms->in_msg) {
		if (ms->n == ms->cap) {
			ms->cap = ms->cap ? 2 * ms->cap : 64;
			ms->m = realloc(ms->m, ms->cap * sizeof *ms->m);
			ms->len = realloc(ms->len, ms->cap * sizeof *ms->len);
			if (!ms->m || !ms->len)
				die("messages", "out of memory");
		}
		if (!(ms->m[ms->n] = malloc(DNS_MAX_MSG)))
			die("messages", "out of memory");
		dns_writer_init(&ms->w, ms->m[ms->n], DNS_MAX_MSG, 1, NULL);
		dns_put_header(&ms->w, &h);
		dns_put_question(&ms->w, name("bench.example."), DNS_TYPE_AXFR, DNS_CLASS_IN);
	}
	dns_put_rr(&ms->w, DNS_SEC_ANSWER, name(owner), type, DNS_CLASS_IN, ttl, rd, (size_t)n);
	ms->in_msg++;
}

#define SOA "ns1.bench.example. hostmaster.bench.example. 2024010101 3600 600 604800 300"

/* The zone's AXFR: SOA, the sets, SOA. */
static void
generate(struct msgs *ms, size_t sets)
{
	char owner[64], v[128];
	size_t n = 3;

	put(ms, "bench.example.", DNS_TYPE_SOA, 3600, SOA);
	put(ms, "bench.example.", DNS_TYPE_NS, 3600, "ns1.bench.example.");
	put(ms, "bench.example.", DNS_TYPE_NS, 3600, "ns2.bench.example.");
	put(ms, "*.bench.example.", DNS_TYPE_A, 3600, "192.0.2.80");
	for (size_t i = 0; n < sets; i++) {
		snprintf(owner, sizeof owner, "host%zu.bench.example.", i);
		if (i % 50 == 7) {
			snprintf(v, sizeof v, "host%zu.bench.example.", i - 1);
			put(ms, owner, DNS_TYPE_CNAME, 3600, v);
			n++;
			continue;
		}
		snprintf(v, sizeof v, "10.%zu.%zu.%zu", i >> 16 & 255, i >> 8 & 255, i & 255);
		put(ms, owner, DNS_TYPE_A, 3600, v);
		if (i % 3 == 0)
			put(ms, owner, DNS_TYPE_A, 3600, "192.0.2.1");
		if (++n < sets && i % 2 == 0) {
			snprintf(v, sizeof v, "2001:db8::%zx:%zx", i >> 16, i & 0xffff);
			put(ms, owner, DNS_TYPE_AAAA, 300, v);
			n++;
		}
		if (n < sets && i % 5 == 0) {
			snprintf(v, sizeof v, "\"v=spf1 ip4:10.%zu.0.0/16 -all\" \"id %zu\"",
			    i >> 16 & 255, i);
			put(ms, owner, DNS_TYPE_TXT, 3600, v);
			n++;
		}
		if (n < sets && i % 10 == 0) {
			put(ms, owner, DNS_TYPE_MX, 3600, "10 mx1.example.net.");
			put(ms, owner, DNS_TYPE_MX, 3600, "20 mx2.example.net.");
			n++;
		}
	}
	put(ms, "bench.example.", DNS_TYPE_SOA, 3600, SOA);
	msg_end(ms);
}

/* What xfr does with the messages. */
static void
parse(const struct msgs *ms, struct zone *z)
{
	struct dns_rr rr;
	struct err e = { 0 };

	for (size_t i = 0; i < ms->n; i++) {
		struct dns_msg m;
		int r;

		if (dns_msg_init(&m, ms->m[i], ms->len[i], &e) < 0)
			die("message", e.msg);
		while ((r = dns_msg_next(&m, &rr)) > 0)
			if (zone_add(z, rr.owner, rr.type, rr.class, rr.ttl, rr.rdata, rr.rdlen) < 0)
				die("zone", z->err.msg);
		if (r < 0)
			die("message", e.msg);
	}
	if (zone_finish(z) < 0)
		die("zone", z->err.msg);
}

/* Route 53's listing of zone z with diffs differences; counts what the
 * plan must find. */
static void
listing(const struct zone *z, struct r53list *l, size_t diffs, int empty, size_t want[3])
{
	static char text[R53LIST_MAX_VALUES][512];
	const char *vals[R53LIST_MAX_VALUES];
	size_t n = zone_set_count(z), step = diffs ? n / (diffs + 1) : n + 1;
	char nm[DNS_NAME_TEXT_MAX];

	for (size_t i = 0; i < n; i++) {
		struct zone_set s;
		struct r53list_set ls = { 0 };
		size_t d = i / step;
		int gone = 0;

		zone_set_get(z, i, &s);
		dns_name_to_r53(s.name, nm, sizeof nm);
		ls.name = nm;
		ls.type = (uint16_t)s.type;
		ls.ttl = s.ttl;
		ls.values = vals;
		if (s.type == DNS_TYPE_SOA) {
			vals[0] = "ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 2024010101 3600 "
			    "600 604800 300";
			ls.nvalues = 1;
			r53list_add(l, &ls);
			continue;
		}
		if (s.type == DNS_TYPE_NS && dns_name_labels(s.name) == 2) {
			vals[0] = "ns-1.awsdns-01.com.";
			vals[1] = "ns-2.awsdns-02.net.";
			ls.nvalues = 2;
			ls.ttl = 172800;
			r53list_add(l, &ls);
			continue;
		}
		if (empty) {
			want[0]++;
			continue;
		}
		if (i % step == 0 && d >= 1 && d <= diffs && s.type != DNS_TYPE_CNAME) {
			/* updates, creates, deletes in turn */
			if (d % 3 == 1) {
				want[1]++;
				ls.ttl = s.ttl + 1;
			} else if (d % 3 == 2) {
				want[0]++;
				continue;
			} else {
				want[2]++;
				gone = 1;
			}
		}
		/* Values as Route 53 returns them: its order (here reversed),
		 * target names without the final dot in upper case. */
		for (size_t k = 0; k < s.count; k++) {
			size_t len;
			const uint8_t *rd = zone_set_rdata(z, i, k, &len);
			char *t = text[s.count - 1 - k];

			rr_to_r53(s.type, rd, len, t, sizeof text[0], NULL);
			if (s.type == DNS_TYPE_MX || s.type == DNS_TYPE_CNAME) {
				t[strlen(t) - 1] = '\0';
				for (char *c = t; *c; c++)
					if (*c >= 'a' && *c <= 'z')
						*c = (char)(*c - 'a' + 'A');
			}
			vals[s.count - 1 - k] = t;
		}
		ls.nvalues = (int)s.count;
		if (r53list_add(l, &ls) < 0)
			die("listing", l->err.msg);
		if (gone) {
			/* A set only Route 53 has, next to this one. */
			snprintf(nm, sizeof nm, "gone%zu.bench.example.", i);
			if (r53list_add(l, &ls) < 0)
				die("listing", l->err.msg);
		}
	}
}

int
main(int argc, char **argv)
{
	struct msgs ms = { 0 };
	struct zone z;
	struct r53list l;
	struct cfg_zone zc = { 0 };
	struct plan_opts o;
	struct plan p;
	struct rusage ru;
	long rss;
	size_t sets, diffs, want[3] = { 0, 0, 0 }, wire = 0;
	int empty, rc;
	double t0, t1, t2;
	char zname[] = "bench.example.";

	if (argc < 3) {
		fprintf(stderr, "usage: tool_planbench SETS DIFFS [empty]\n");
		return 2;
	}
	sets = strtoul(argv[1], NULL, 10);
	diffs = strtoul(argv[2], NULL, 10);
	empty = argc > 3 && !strcmp(argv[3], "empty");
	generate(&ms, sets);
	for (size_t i = 0; i < ms.n; i++)
		wire += ms.len[i];

	zone_init(&z);
	t0 = cpu_now();
	parse(&ms, &z);
	t1 = cpu_now();
	for (size_t i = 0; i < ms.n; i++)
		free(ms.m[i]);
	free(ms.m);
	free(ms.len);

	r53list_init(&l);
	listing(&z, &l, diffs, empty, want);
	zc.name = zname;
	zc.sync_soa = 1;
	plan_opts_init(&o, &zc);
	o.force = empty;
	plan_init(&p);
	getrusage(RUSAGE_SELF, &ru);
	rss = ru.ru_maxrss;
	t2 = cpu_now();
	rc = plan_full(&p, &z, &l, &o);
	t2 = cpu_now() - t2;
	getrusage(RUSAGE_SELF, &ru);

	printf("%zu record sets (%zu RRs, %zu octets of AXFR messages), listing of %zu sets%s\n",
	    zone_set_count(&z), zone_rr_count(&z), wire, r53list_count(&l),
	    empty ? " (empty hosted zone)" : "");
	printf("  parse AXFR into zone:     %.3f s CPU\n", t1 - t0);
	printf("  plan (listing + diff):    %.3f s CPU\n", t2);
	printf("  parse + plan:             %.3f s CPU (budget 0.3 s at 100,000 sets)\n",
	    t1 - t0 + t2);
	printf("  plan: %zu to create, %zu to update, %zu to delete in %zu batches\n", p.ncreate,
	    p.nupdate, p.ndelete, p.nbatches);
	printf("  peak RSS: %ld KB before the plan (messages, zone, listing), %ld KB after\n",
	    rss, ru.ru_maxrss);
	if (rc != PLAN_OK || p.ncreate != want[0] || p.nupdate != want[1] || p.ndelete != want[2]) {
		fprintf(stderr, "tool_planbench: unexpected plan (rc %d: %s%s), wanted %zu/%zu/%zu\n",
		    rc, p.err.msg, p.refusal, want[0], want[1], want[2]);
		return 1;
	}
	plan_free(&p);
	r53list_free(&l);
	zone_free(&z);
	return 0;
}
