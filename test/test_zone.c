/* Unit tests of zone: grouping into record sets, canonical order (RFC 4034
 * section 6.1 example), lowest TTL (RFC 2181 section 5.2), duplicates,
 * lookups, set comparison and copies, IXFR deltas (several steps, mismatches, nothing
 * half-applied, changed-set report, compaction), the printer. */
#include <stdlib.h>

#include "base/fmt.h"
#include "codec/rr.h"
#include "tap.h"
#include "dns/zone.h"

static const uint8_t *
wname(const char *text)
{
	static uint8_t names[8][DNS_NAME_MAX];
	static int k;
	uint8_t *n = names[k++ % 8];

	if (dns_name_from_text(n, DNS_NAME_MAX, text, NULL, NULL) < 0) {
		diag("bad test name %s", text);
		abort();
	}
	return n;
}

/* Add "owner TTL TYPE value" (value in Route 53 syntax). */
static int
add(struct zone *z, const char *owner, uint32_t ttl, unsigned type, const char *value)
{
	uint8_t rd[DNS_RDATA_MAX];
	struct err e = { 0 };
	long n = rr_from_r53(type, value, strlen(value), rd, sizeof rd, &e);

	if (n < 0) {
		diag("bad test value %s: %s", value, e.msg);
		abort();
	}
	return zone_add(z, wname(owner), type, DNS_CLASS_IN, ttl, rd, (size_t)n);
}

static int
delta(struct zone_delta *d, int op, const char *owner, uint32_t ttl, unsigned type,
    const char *value)
{
	uint8_t rd[DNS_RDATA_MAX];
	long n = rr_from_r53(type, value, strlen(value), rd, sizeof rd, NULL);

	return zone_delta_add(d, op, wname(owner), type, DNS_CLASS_IN, ttl, rd, (size_t)n);
}

/* The zone printed, in a malloc'ed string. */
static char *
printed(const struct zone *z, int json)
{
	struct fmt_stream f;
	char *p;

	fmt_memstream(&f);
	if (zone_print(z, &f, json) < 0)
		diag("print failed");
	p = buf_take(&f.b);
	return p ? p : strdup("");
}

static void
is_printed(const struct zone *z, int json, const char *want, const char *what)
{
	char *got = printed(z, json);

	is_str(got, want, "%s", what);
	free(got);
}

static void
test_build(void)
{
	/* RFC 4034 section 6.1, given out of order, plus types per name. */
	static const char *const names[] = {
		"*.z.example.", "example.", "Z.a.example.", "\\200.z.example.",
		"yljkjljk.a.example.", "zABC.a.EXAMPLE.", "a.example.", "z.example.",
		"\\001.z.example."
	};
	static const char *const order[] = {
		"example.", "a.example.", "yljkjljk.a.example.", "z.a.example.",
		"zabc.a.example.", "z.example.", "\\001.z.example.", "*.z.example.",
		"\\200.z.example."
	};
	struct zone z;
	struct zone_set s;
	char text[DNS_NAME_TEXT_MAX];
	size_t len;
	const uint8_t *r;
	int bad = 0;

	zone_init(&z);
	for (size_t i = 0; i < 9; i++)
		add(&z, names[i], 300, DNS_TYPE_TXT, "\"x\"");
	add(&z, "example.", 60, DNS_TYPE_A, "192.0.2.2");
	add(&z, "EXAMPLE.", 3600, DNS_TYPE_A, "192.0.2.1");
	add(&z, "example.", 30, DNS_TYPE_A, "192.0.2.2"); /* duplicate, lower TTL */
	add(&z, "example.", 300, DNS_TYPE_MX, "10 Mail.Example.");
	add(&z, "example.", 300, DNS_TYPE_MX, "10 mail.example.");
	ok(zone_finish(&z) == 0, "zone finishes");
	is_int(zone_set_count(&z), 11, "11 record sets");
	is_int(zone_rr_count(&z), 12, "12 RRs after removing 2 duplicates");
	for (size_t i = 0, k = 0; i < zone_set_count(&z); i++) {
		zone_set_get(&z, i, &s);
		dns_name_to_text(s.name, text, sizeof text);
		if (s.type != DNS_TYPE_TXT)
			continue;
		if (strcmp(text, order[k++])) {
			diag("set %zu is %s, want %s", i, text, order[k - 1]);
			bad++;
		}
	}
	ok(!bad, "sets in RFC 4034 canonical order, owners lower-cased");
	zone_set_get(&z, 0, &s);
	ok(s.type == DNS_TYPE_A && s.count == 2 && s.ttl == 30,
	    "example. A: 2 RRs, TTL the lowest of 3600, 60, 30");
	r = zone_set_rdata(&z, 0, 0, &len);
	ok(len == 4 && !memcmp(r, "\300\0\2\1", 4), "rdatas sorted: 192.0.2.1 first");
	zone_set_get(&z, 1, &s);
	ok(s.type == DNS_TYPE_MX && s.count == 1, "MX to Mail.Example. and mail.example. is one RR");
	zone_set_get(&z, 2, &s);
	is_int(s.type, DNS_TYPE_TXT, "then example. TXT (type order)");

	is_int(zone_find(&z, wname("EXAMPLE."), DNS_TYPE_MX), 1, "find ignores case");
	is_int(zone_find(&z, wname("\\200.z.example."), DNS_TYPE_TXT), 10, "find the last set");
	is_int(zone_find(&z, wname("example."), DNS_TYPE_AAAA), -1, "no AAAA");
	is_int(zone_find(&z, wname("b.example."), DNS_TYPE_TXT), -1, "no b.example.");
	is_printed(&z, 0,
	    "example. 30 A 192.0.2.1 | 192.0.2.2\n"
	    "example. 300 MX 10 mail.example.\n"
	    "example. 300 TXT \"x\"\n"
	    "a.example. 300 TXT \"x\"\n"
	    "yljkjljk.a.example. 300 TXT \"x\"\n"
	    "z.a.example. 300 TXT \"x\"\n"
	    "zabc.a.example. 300 TXT \"x\"\n"
	    "z.example. 300 TXT \"x\"\n"
	    "\\001.z.example. 300 TXT \"x\"\n"
	    "*.z.example. 300 TXT \"x\"\n"
	    "\\200.z.example. 300 TXT \"x\"\n", "printed zone");
	ok(add(&z, "late.example.", 1, DNS_TYPE_A, "192.0.2.9") < 0 && strstr(z.err.msg, "finished"),
	    "no RR after finishing: %s", z.err.msg);
	zone_free(&z);
}

static void
test_compare(void)
{
	struct zone a, b;
	int same = 1;

	zone_init(&a);
	zone_init(&b);
	add(&a, "www.example.", 300, DNS_TYPE_A, "192.0.2.1");
	add(&a, "www.example.", 300, DNS_TYPE_A, "192.0.2.2");
	add(&a, "mail.example.", 300, DNS_TYPE_MX, "10 MX.example.");
	add(&b, "MAIL.example.", 300, DNS_TYPE_MX, "10 mx.EXAMPLE.");
	add(&b, "www.EXAMPLE.", 300, DNS_TYPE_A, "192.0.2.2");
	add(&b, "www.example.", 300, DNS_TYPE_A, "192.0.2.1");
	zone_finish(&a);
	zone_finish(&b);
	is_int(zone_set_count(&a), zone_set_count(&b), "same number of sets");
	for (size_t i = 0; i < zone_set_count(&a); i++)
		same &= zone_set_cmp(&a, i, &b, i) == 0 && zone_set_equal(&a, i, &b, i);
	ok(same, "zones built in other orders and cases compare equal set by set");
	ok(zone_set_cmp(&a, 0, &b, 1) < 0 && zone_set_cmp(&a, 1, &b, 0) > 0, "set order across zones");
	ok(!zone_set_equal(&a, 0, &b, 1), "different sets are not equal");
	zone_free(&b);
	/* A copy: the same sets, TTLs and rdatas, finished. */
	zone_init(&b);
	ok(zone_copy(&b, &a) == 0 && zone_set_count(&b) == zone_set_count(&a),
	    "zone_copy: as many sets");
	same = 1;
	for (size_t i = 0; i < zone_set_count(&a); i++)
		same &= zone_set_cmp(&a, i, &b, i) == 0 && zone_set_equal(&a, i, &b, i);
	ok(same && zone_rr_count(&b) == zone_rr_count(&a), "zone_copy: equal set by set");
	zone_free(&a);
	zone_free(&b);
}

static void
test_limits(void)
{
	struct zone z;
	uint8_t rd[4] = { 10, 0, 0, 0 };
	int rc = 0;

	zone_init(&z);
	ok(zone_add(&z, wname("a."), DNS_TYPE_A, DNS_CLASS_CH, 1, rd, 4) < 0 &&
	    strstr(z.err.msg, "class"), "class CH refused: %s", z.err.msg);
	ok(zone_finish(&z) < 0, "a failed zone stays failed");
	zone_free(&z);

	zone_init(&z);
	for (int i = 0; i <= DNS_MAX_SET_RRS; i++) {
		rd[2] = (uint8_t)(i >> 8);
		rd[3] = (uint8_t)i;
		rc |= zone_add(&z, wname("big.example."), DNS_TYPE_A, DNS_CLASS_IN, 1, rd, 4);
	}
	ok(rc == 0 && zone_finish(&z) < 0 && strstr(z.err.msg, "more than"),
	    "a set of %d RRs is refused: %s", DNS_MAX_SET_RRS + 1, z.err.msg);
	zone_free(&z);

	zone_init(&z);
	zone_add(&z, wname("t.example."), DNS_TYPE_A, DNS_CLASS_IN, 0x80000001u, rd, 4);
	zone_add(&z, wname("u.example."), DNS_TYPE_A, DNS_CLASS_IN, 0x7fffffffu, rd, 4);
	zone_finish(&z);
	{
		struct zone_set s;

		zone_set_get(&z, 0, &s);
		is_int(s.ttl, 0, "a TTL with the top bit set counts as 0 (RFC 2181 section 8)");
		zone_set_get(&z, 1, &s);
		is_int(s.ttl, 0x7fffffff, "2^31-1 is kept");
	}
	zone_free(&z);

	zone_init(&z);
	ok(zone_finish(&z) == 0 && zone_set_count(&z) == 0 &&
	    zone_find(&z, wname("a."), DNS_TYPE_A) == -1, "an empty zone");
	zone_free(&z);
}

static struct zone base;

static void
make_base(void)
{
	zone_init(&base);
	add(&base, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 1 7200 900 1209600 300");
	add(&base, "example.", 3600, DNS_TYPE_NS, "ns.example.");
	add(&base, "a.example.", 300, DNS_TYPE_A, "192.0.2.1");
	add(&base, "a.example.", 300, DNS_TYPE_A, "192.0.2.2");
	add(&base, "b.example.", 300, DNS_TYPE_TXT, "\"b\"");
	add(&base, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	zone_finish(&base);
}

static char *
changes_text(const struct zone_changes *c)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n; i++) {
		unsigned type;
		const uint8_t *name = zone_changes_get(c, i, &type);
		char text[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];

		dns_name_to_text(name, text, sizeof text);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s %s", i ? ", " : "", text,
		    rr_type_name(type, tn));
	}
	return buf;
}

/* zone_diff: the sets in one zone only, and those whose TTL or rdatas
 * differ, in canonical order; equal zones give none. */
static void
test_diff(void)
{
	struct zone a, b;
	struct zone_changes ch;

	zone_init(&a);
	zone_init(&b);
	zone_changes_init(&ch);
	add(&a, "example.", 300, DNS_TYPE_SOA, "ns.example. h.example. 1 3600 600 86400 300");
	add(&a, "a.example.", 300, DNS_TYPE_A, "192.0.2.1");
	add(&a, "b.example.", 300, DNS_TYPE_A, "192.0.2.2");
	add(&a, "b.example.", 300, DNS_TYPE_A, "192.0.2.3");
	add(&a, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	add(&a, "d.example.", 300, DNS_TYPE_A, "192.0.2.4");
	add(&b, "example.", 300, DNS_TYPE_SOA, "ns.example. h.example. 2 3600 600 86400 300");
	add(&b, "a.example.", 300, DNS_TYPE_A, "192.0.2.1");
	add(&b, "b.example.", 300, DNS_TYPE_A, "192.0.2.2");
	add(&b, "c.example.", 60, DNS_TYPE_TXT, "\"c\"");
	add(&b, "d.example.", 300, DNS_TYPE_A, "192.0.2.4");
	add(&b, "d.example.", 300, DNS_TYPE_AAAA, "2001:db8::4");
	add(&b, "e.example.", 300, DNS_TYPE_A, "192.0.2.5");
	zone_finish(&a);
	zone_finish(&b);
	ok(zone_diff(&a, &b, &ch) == 0, "diff: done");
	is_str(changes_text(&ch), "example. SOA, b.example. A, c.example. TXT, d.example. AAAA, "
	    "e.example. A", "diff: SOA, a value gone, a TTL, a new type, a new name");
	ok(zone_diff(&b, &a, &ch) == 0 && ch.n == 5, "diff: the same sets the other way");
	ok(zone_diff(&a, &a, &ch) == 0 && ch.n == 0, "diff: a zone with itself: none");
	zone_changes_free(&ch);
	zone_free(&a);
	zone_free(&b);
}

static void
test_ixfr(void)
{
	struct zone_delta d;
	struct zone_changes ch;
	char *before, *after;

	zone_changes_init(&ch);
	make_base();

	/* Two version steps (RFC 1995 section 4): 1 -> 2 changes a.example.
	 * A; 2 -> 3 deletes what step 1 added, adds an AAAA, changes a TTL,
	 * deletes b and re-adds c unchanged. */
	zone_delta_init(&d);
	delta(&d, ZONE_DEL, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 1 7200 900 1209600 300");
	delta(&d, ZONE_DEL, "A.example.", 300, DNS_TYPE_A, "192.0.2.1");
	delta(&d, ZONE_ADD, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 2 7200 900 1209600 300");
	delta(&d, ZONE_ADD, "a.example.", 300, DNS_TYPE_A, "192.0.2.3");
	delta(&d, ZONE_DEL, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 2 7200 900 1209600 300");
	delta(&d, ZONE_DEL, "a.example.", 300, DNS_TYPE_A, "192.0.2.3");
	delta(&d, ZONE_DEL, "b.example.", 300, DNS_TYPE_TXT, "\"b\"");
	delta(&d, ZONE_DEL, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	delta(&d, ZONE_DEL, "example.", 3600, DNS_TYPE_NS, "ns.example.");
	delta(&d, ZONE_ADD, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 3 7200 900 1209600 300");
	delta(&d, ZONE_ADD, "a.example.", 300, DNS_TYPE_AAAA, "2001:db8::1");
	delta(&d, ZONE_ADD, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	delta(&d, ZONE_ADD, "example.", 60, DNS_TYPE_NS, "NS.example.");
	ok(zone_apply(&base, &d, &ch) == 0, "two-step IXFR applies: %s", base.err.msg);
	is_printed(&base, 0,
	    "example. 60 NS ns.example.\n"
	    "example. 3600 SOA ns.example. h.example. 3 7200 900 1209600 300\n"
	    "a.example. 300 A 192.0.2.2\n"
	    "a.example. 300 AAAA 2001:db8::1\n"
	    "c.example. 300 TXT \"c\"\n", "zone after the IXFR");
	is_str(changes_text(&ch), "example. NS, example. SOA, a.example. A, a.example. AAAA, "
	    "b.example. TXT", "changed sets: not c.example. (deleted and re-added)");
	is_int(zone_rr_count(&base), 5, "5 RRs");
	zone_delta_free(&d);

	/* A deletion of an RR that is not there: error, zone unchanged. */
	before = printed(&base, 0);
	zone_delta_init(&d);
	delta(&d, ZONE_DEL, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 3 7200 900 1209600 300");
	delta(&d, ZONE_ADD, "example.", 3600, DNS_TYPE_SOA, "ns.example. h.example. 4 7200 900 1209600 300");
	delta(&d, ZONE_ADD, "new.example.", 300, DNS_TYPE_A, "192.0.2.7");
	delta(&d, ZONE_DEL, "a.example.", 300, DNS_TYPE_A, "192.0.2.9");
	ok(zone_apply(&base, &d, &ch) < 0 && strstr(base.err.msg, "a.example. A 192.0.2.9"),
	    "deleting an absent RR fails: %s", base.err.msg);
	after = printed(&base, 0);
	is_str(after, before, "... and nothing was applied");
	is_int(ch.n, 0, "... and no change is reported");
	free(after);
	zone_delta_free(&d);

	/* Deleting the same RR twice in one step is a mismatch too. */
	zone_delta_init(&d);
	delta(&d, ZONE_DEL, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	delta(&d, ZONE_DEL, "c.example.", 300, DNS_TYPE_TXT, "\"c\"");
	ok(zone_apply(&base, &d, &ch) < 0 && strstr(base.err.msg, "c.example. TXT"),
	    "deleting an RR twice fails: %s", base.err.msg);
	after = printed(&base, 0);
	is_str(after, before, "... and nothing was applied");
	free(after);
	zone_delta_free(&d);

	/* The zone is still usable: a good delta after a failed one. */
	zone_delta_init(&d);
	delta(&d, ZONE_ADD, "a.example.", 100, DNS_TYPE_A, "192.0.2.2"); /* TTL change only */
	ok(zone_apply(&base, &d, &ch) == 0, "a TTL-only change applies: %s", base.err.msg);
	is_str(changes_text(&ch), "a.example. A", "it changes the set");
	ok(zone_find(&base, wname("a.example."), DNS_TYPE_A) >= 0, "a.example. A still there");
	zone_delta_free(&d);
	zone_delta_init(&d);
	ok(zone_apply(&base, &d, &ch) == 0 && ch.n == 0, "an empty delta changes nothing");
	zone_delta_free(&d);
	free(before);
	zone_free(&base);
	zone_changes_free(&ch);
}

/* Many small deltas: the arena is compacted and the zone stays right. */
static void
test_churn(void)
{
	struct zone_delta d;
	struct zone z;
	char v[32];
	int good = 1;

	zone_init(&z);
	for (int i = 0; i < 50; i++) {
		snprintf(v, sizeof v, "10.0.%d.%d", i >> 8, i & 255);
		add(&z, "host.example.", 60, DNS_TYPE_A, v);
	}
	zone_finish(&z);
	/* Round r replaces value r by value r + 50. */
	for (int r = 0; r < 200; r++) {
		zone_delta_init(&d);
		snprintf(v, sizeof v, "10.0.%d.%d", r >> 8, r & 255);
		delta(&d, ZONE_DEL, "host.example.", 60, DNS_TYPE_A, v);
		snprintf(v, sizeof v, "10.0.%d.%d", (r + 50) >> 8, (r + 50) & 255);
		delta(&d, ZONE_ADD, "Host.example.", 60, DNS_TYPE_A, v);
		good &= zone_apply(&z, &d, NULL) == 0;
		zone_delta_free(&d);
	}
	ok(good, "200 deltas apply");
	ok(zone_set_count(&z) == 1 && zone_rr_count(&z) == 50, "one set of 50 RRs");
	ok(zone_find(&z, wname("host.example."), DNS_TYPE_A) == 0 &&
	    !memcmp(zone_set_rdata(&z, 0, 0, &(size_t){ 0 }), "\12\0\0\310", 4),
	    "it starts at 10.0.0.200");
	ok(z.arena_len < 6000, "the arena was compacted (%zu octets)", z.arena_len);
	zone_free(&z);
}

static void
test_print(void)
{
	struct zone z;

	zone_init(&z);
	add(&z, "*.Example.", 300, DNS_TYPE_TXT, "\"say \\\"hi\\\"\" \"\\303\\244\"");
	add(&z, "x.example.", 300, DNS_TYPE_CNAME, "y.example.");
	{
		uint8_t loc[16] = { 0 };

		zone_add(&z, wname("x.example."), DNS_TYPE_LOC, DNS_CLASS_IN, 5, loc, 2);
	}
	zone_finish(&z);
	is_printed(&z, 0,
	    "*.example. 300 TXT \"say \\\"hi\\\"\" \"\\303\\244\"\n"
	    "x.example. 300 CNAME y.example.\n"
	    "x.example. 5 LOC \\# 2 0000\n", "text output (LOC as RFC 3597 generic)");
	is_printed(&z, 1,
	    "{\"name\":\"*.example.\",\"type\":\"TXT\",\"ttl\":300,"
	    "\"values\":[\"\\\"say \\\\\\\"hi\\\\\\\"\\\" \\\"\\\\303\\\\244\\\"\"]}\n"
	    "{\"name\":\"x.example.\",\"type\":\"CNAME\",\"ttl\":300,\"values\":[\"y.example.\"]}\n"
	    "{\"name\":\"x.example.\",\"type\":\"LOC\",\"ttl\":5,\"values\":[\"\\\\# 2 0000\"]}\n",
	    "JSON lines with escaped strings");
	zone_free(&z);
}

int
main(void)
{
	test_build();
	test_compare();
	test_limits();
	test_ixfr();
	test_diff();
	test_churn();
	test_print();
	return tap_done();
}
