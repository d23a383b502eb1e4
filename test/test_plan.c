/* Unit tests of plan: the diff both ways on canonical rdata (spellings that
 * are no change), every filter (apex NS, SOA names, sync_soa, alias,
 * SetIdentifier, unsupported and DNSSEC types, DS, ignore rules, names
 * outside the zone), conflicts, unparsable Route 53 values, type changes,
 * batch limits at their boundaries, splitting, the safety thresholds, the
 * incremental plan and both output forms. */
#include <stdarg.h>
#include <stdlib.h>

#include "dnstest.h"
#include "base/fmt.h"
#include "cli/plan_print.h"
#include "sync/plan.h"
#include "codec/rr.h"
#include "tap.h"

/* ---- fixtures ------------------------------------------------------------------ */

struct fx {
	struct zone d;
	struct r53list l;
	struct cfg_zone zc;
	struct cfg_ignore ig[4];
	struct plan_opts o;
	struct plan p;
	int rc;
	char *out;
};

static char zone_name[] = "example.com.";

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	zone_init(&f->d);
	r53list_init(&f->l);
	f->zc.name = zone_name;
	f->zc.sync_soa = 1;
	f->zc.ignore = f->ig;
	plan_opts_init(&f->o, &f->zc);
	plan_init(&f->p);
}

static void
fx_free(struct fx *f)
{
	plan_free(&f->p);
	zone_free(&f->d);
	r53list_free(&f->l);
	free(f->out);
	f->out = NULL;
}

/* RR "owner TTL TYPE value" into z: the value in Route 53 syntax, or hex
 * for a type Route 53 cannot hold. */
static void
zadd(struct zone *z, const char *rr)
{
	char owner[DNS_NAME_TEXT_MAX], type[RR_TYPE_NAME_MAX];
	unsigned long ttl;
	int off, t;
	uint8_t rd[DNS_RDATA_MAX], wire[DNS_NAME_MAX];
	struct err e = { 0 };
	long n;

	if (sscanf(rr, "%1000s %lu %15s %n", owner, &ttl, type, &off) != 3 ||
	    (t = rr_type_parse(type, strlen(type))) < 0 ||
	    dns_name_from_text(wire, sizeof wire, owner, NULL, NULL) < 0) {
		diag("bad test RR %s", rr);
		abort();
	}
	if (rr_r53_supported((unsigned)t))
		n = rr_from_r53((unsigned)t, rr + off, strlen(rr + off), rd, sizeof rd, &e);
	else
		n = dnstest_unhex(rd, sizeof rd, rr + off);
	if (n < 0 || zone_add(z, wire, (unsigned)t, DNS_CLASS_IN, (uint32_t)ttl, rd,
	    (size_t)n) < 0) {
		diag("bad test RR %s: %s", rr, e.msg);
		abort();
	}
}

/* RRs of the primary's zone, NULL-terminated. */
static void
D(struct fx *f, ...)
{
	va_list ap;
	const char *rr;

	va_start(ap, f);
	while ((rr = va_arg(ap, const char *)))
		zadd(&f->d, rr);
	va_end(ap);
}

/* A listed set: name as Route 53 writes it, values NULL-terminated. */
static void
L(struct fx *f, const char *name, uint32_t ttl, const char *type, unsigned flags,
    const char *setid, ...)
{
	const char *vals[R53LIST_MAX_VALUES];
	struct r53list_set s = { 0 };
	va_list ap;
	const char *v;

	va_start(ap, setid);
	while ((v = va_arg(ap, const char *)))
		vals[s.nvalues++] = v;
	va_end(ap);
	s.name = name;
	s.type = (uint16_t)rr_type_parse(type, strlen(type));
	s.ttl = ttl;
	s.flags = flags;
	s.set_identifier = setid;
	s.alias_target = flags & R53LIST_ALIAS ? "x.elb.amazonaws.com." : NULL;
	s.values = vals;
	if (r53list_add(&f->l, &s) < 0) {
		diag("r53list_add: %s", f->l.err.msg);
		abort();
	}
}

/* SOA and apex NS on both sides, the SOA numbers already in sync. */
static void
fx_base(struct fx *f)
{
	D(f, "example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 5 3600 600 604800 300",
	    "example.com. 3600 NS ns1.example.com.",
	    "example.com. 3600 NS ns2.example.com.", NULL);
	L(f, "example.com.", 3600, "SOA", 0, NULL,
	    "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 5 3600 600 604800 300", NULL);
	L(f, "example.com.", 172800, "NS", 0, NULL, "ns-1.awsdns-1.com.", "ns-2.awsdns-2.net.",
	    NULL);
}

static char *
printed(const struct plan *p, const struct plan_opts *o, unsigned flags)
{
	struct fmt_stream m;
	char *buf;

	fmt_memstream(&m);
	if (plan_print(p, o, NULL, 0, &m, flags) < 0)
		diag("plan_print failed");
	buf = buf_take(&m.b);
	return buf ? buf : strdup("");
}

/* Plan f fully and print it (text). */
static const char *
run(struct fx *f)
{
	if (!f->d.finished && zone_finish(&f->d) < 0) {
		diag("zone_finish: %s", f->d.err.msg);
		abort();
	}
	f->rc = plan_full(&f->p, &f->d, &f->l, &f->o);
	if (f->rc < 0)
		diag("plan_full: %s", f->p.err.msg);
	free(f->out);
	f->out = printed(&f->p, &f->o, 0);
	return f->out;
}

#define APEX_NOTE "note: example.com. NS: apex NS left alone (Route 53's name servers)\n"

/* Change i of p and its meaning (a few of each can be used at once). */
static const struct r53_change *
chg(const struct plan *p, size_t i)
{
	static struct r53_change c[8];
	static unsigned k;

	k = (k + 1) % 8;
	plan_change(p, i, &c[k], NULL);
	return &c[k];
}

static const struct plan_info *
inf(const struct plan *p, size_t i)
{
	static struct plan_info in[8];
	static unsigned k;

	k = (k + 1) % 8;
	plan_change(p, i, NULL, &in[k]);
	return &in[k];
}

/* Batch b as "ACTION name TYPE n, ..." */
static const char *
batch_str(const struct plan *p, size_t b)
{
	static char buf[4096];
	size_t n = 0;
	char tn[RR_TYPE_NAME_MAX];

	buf[0] = '\0';
	for (size_t i = p->batches[b].first; i < p->batches[b].first + p->batches[b].count &&
	    n < sizeof buf - 200; i++) {
		const struct r53_change *c = chg(p, i);

		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s %s %s %d", n ? ", " : "",
		    r53_action_name(c->action), c->set.name, rr_type_name(c->set.type, tn),
		    c->set.nvalues);
	}
	return buf;
}

/* ---- diff ---------------------------------------------------------------------- */

static void
test_identical(void)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	D(&f, "www.example.com. 300 A 192.0.2.1",
	    "www.example.com. 300 A 192.0.2.2",
	    "example.com. 300 MX 10 mail.example.com.",
	    NULL);
	L(&f, "www.example.com.", 300, "A", 0, NULL, "192.0.2.2", "192.0.2.1", NULL);
	L(&f, "example.com.", 300, "MX", 0, NULL, "10 mail.example.com.", NULL);
	is_str(run(&f), APEX_NOTE "0 to create, 0 to update, 0 to delete\n", "identical: no change");
	is_int(f.rc, PLAN_OK, "identical: OK");
	is_int(f.p.nchanges, 0, "identical: no changes");
	is_int(f.p.nbatches, 0, "identical: no batch");
	is_int(f.p.existing, 2, "identical: 2 managed sets (not SOA, apex NS)");
	is_str(f.p.soa_value, "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 5 3600 600 604800 300",
	    "identical: SOA value kept");
	fx_free(&f);
}

static void
test_spellings(void)
{
	struct fx f;

	/* Route 53 spells these its own way, or a console user typed them:
	 * none is a change. */
	fx_init(&f);
	fx_base(&f);
	D(&f, "*.example.com. 300 A 192.0.2.1",
	    "mx.example.com. 300 MX 10 mail.example.com.",
	    "mx.example.com. 300 MX 20 Backup.Example.COM.",
	    "txt.example.com. 300 TXT \"a\" \"b\"",
	    "txt.example.com. 300 TXT \"semi;colon\\\\ \\\"q\\\"\"",
	    "v6.example.com. 300 AAAA 2001:db8::1",
	    "alias.example.com. 300 CNAME target.example.net.",
	    "Upper.Example.Com. 300 SRV 1 2 443 Host.Example.Com.",
	    "caa.example.com. 300 CAA 0 issue \"ca.example.net\"",
	    "ds.example.com. 300 DS 12345 13 2 ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
	    "a\\@b.example.com. 300 TXT \"at\"",
	    NULL);
	L(&f, "\\052.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	L(&f, "mx.example.com.", 300, "MX", 0, NULL, "20 backup.example.com", "10 MAIL.example.com",
	    NULL);
	L(&f, "txt.example.com.", 300, "TXT", 0, NULL, "\"semi;colon\\134 \\\"q\\\"\"", "\"a\"\"b\"",
	    NULL);
	L(&f, "v6.example.com.", 300, "AAAA", 0, NULL, "2001:0DB8:0000:0:0:0:0:0001", NULL);
	L(&f, "alias.example.com.", 300, "CNAME", 0, NULL, "TARGET.example.net", NULL);
	L(&f, "upper.example.com.", 300, "SRV", 0, NULL, "1 2 443 host.example.com.", NULL);
	L(&f, "caa.example.com.", 300, "CAA", 0, NULL, "0 issue \"ca.example.net\"", NULL);
	L(&f, "ds.example.com.", 300, "DS", 0, NULL,
	    "12345 13 2 abcdef0123456789abcdef0123456789 abcdef0123456789abcdef0123456789", NULL);
	L(&f, "a\\100b.example.com.", 300, "TXT", 0, NULL, "\"at\"", NULL);
	is_str(run(&f), APEX_NOTE "0 to create, 0 to update, 0 to delete\n",
	    "spellings: \\052, case, dots, \"a\"\"b\", AAAA, hex are no change");
	is_int(f.p.existing, 9, "spellings: all 9 compared");
	fx_free(&f);
}

static void
test_changes(void)
{
	struct fx f;
	const struct r53_change *c;

	fx_init(&f);
	fx_base(&f);
	D(&f, "new.example.com. 300 A 192.0.2.9",
	    "multi.example.com. 300 A 192.0.2.1",
	    "ttl.example.com. 600 TXT \"same\"",
	    NULL);
	L(&f, "multi.example.com.", 300, "A", 0, NULL, "192.0.2.1", "192.0.2.77", NULL);
	L(&f, "ttl.example.com.", 300, "TXT", 0, NULL, "\"same\"", NULL);
	L(&f, "old.example.com.", 120, "MX", 0, NULL, "10 MAIL.example.com", "20 b.example.com.", NULL);
	is_str(run(&f),
	    "~ multi.example.com. A\n"
	    "    old: 300 192.0.2.1 | 192.0.2.77\n"
	    "    new: 300 192.0.2.1\n"
	    "+ new.example.com. 300 A 192.0.2.9\n"
	    "- old.example.com. 120 MX 10 MAIL.example.com | 20 b.example.com.\n"
	    "~ ttl.example.com. TXT\n"
	    "    old: 300 \"same\"\n"
	    "    new: 600 \"same\"\n"
	    APEX_NOTE
	    "1 to create, 2 to update, 1 to delete\n", "changes: create, update, TTL, delete");
	is_int(f.p.nbatches, 1, "changes: one batch");
	is_int(f.p.batches[0].records, 2 + 2 * 1 + 1 + 2 * 1, "changes: records, UPSERT twice");
	c = chg(&f.p, 0);
	ok(c->action == R53_DELETE && c->set.nvalues == 2 && c->set.ttl == 120 &&
	    c->set.values[0] == r53list_value(&f.l, 4, 0) &&
	    c->set.values[1] == r53list_value(&f.l, 4, 1),
	    "changes: DELETE carries Route 53's own values");
	is_str(c->set.name, "old.example.com.", "changes: DELETE name as listed");
	c = chg(&f.p, 2);
	ok(c->action == R53_CREATE && !strcmp(c->set.name, "new.example.com.") && c->set.ttl == 300,
	    "changes: CREATE");
	is_int(f.p.batches[0].chars, 36 + 2 * 9 + 9 + 2 * 6, "changes: characters, UPSERT twice");
	fx_free(&f);
}

/* ---- filters ------------------------------------------------------------------- */

static void
test_apex_ns_soa(void)
{
	struct fx f;

	/* Apex NS different on both sides: left alone. SOA: only mname and
	 * rname differ: no change (fx_base). Serial and TTL differ: UPSERT
	 * with Route 53's names. */
	fx_init(&f);
	D(&f, "example.com. 300 SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 60",
	    "example.com. 3600 NS ns1.example.com.",
	    NULL);
	L(&f, "example.com.", 900, "SOA", 0, NULL,
	    "ns-1.AWSDNS-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400", NULL);
	L(&f, "example.com.", 172800, "NS", 0, NULL, "ns-1.awsdns-1.com.", NULL);
	is_str(run(&f),
	    "~ example.com. SOA\n"
	    "    old: 900 ns-1.AWSDNS-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n"
	    "    new: 300 ns-1.AWSDNS-1.com. awsdns-hostmaster.amazon.com. 2024010101 7200 900 1209600 60\n"
	    APEX_NOTE "0 to create, 1 to update, 0 to delete\n",
	    "SOA: Route 53's names, the primary's numbers and TTL");
	is_str(f.p.soa_value,
	    "ns-1.AWSDNS-1.com. awsdns-hostmaster.amazon.com. 2024010101 7200 900 1209600 60",
	    "SOA: soa_value is the new value");
	is_int(chg(&f.p, 0)->action, R53_UPSERT, "SOA: UPSERT");
	is_int(f.p.nskipped, 1, "SOA: the apex NS counted once as skipped");
	fx_free(&f);

	fx_init(&f);
	f.zc.sync_soa = 0;
	D(&f, "example.com. 300 SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 60",
	    NULL);
	L(&f, "example.com.", 900, "SOA", 0, NULL,
	    "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400", NULL);
	is_str(run(&f), "note: SOA not synced (sync_soa is false)\n"
	    "0 to create, 0 to update, 0 to delete\n", "sync_soa false: SOA untouched");
	is_str(f.p.soa_value, "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
	    "sync_soa false: soa_value is Route 53's");
	fx_free(&f);
}

static void
test_alias_routing(void)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	D(&f, "www.example.com. 300 A 192.0.2.1",
	    "api.example.com. 300 A 192.0.2.2",
	    "cn.example.com. 300 CNAME lb.example.net.",
	    "x.example.com. 300 TXT \"t\"",
	    NULL);
	L(&f, "www.example.com.", 0, "A", R53LIST_ALIAS, NULL, NULL);
	L(&f, "api.example.com.", 60, "A", R53LIST_ROUTING, "eu", "192.0.2.10", NULL);
	L(&f, "api.example.com.", 60, "A", R53LIST_ROUTING, "us", "192.0.2.11", NULL);
	L(&f, "cn.example.com.", 0, "AAAA", R53LIST_ALIAS, NULL, NULL);
	L(&f, "x.example.com.", 60, "CNAME", R53LIST_ROUTING, "a", "y.example.com.", NULL);
	L(&f, "only.example.com.", 0, "A", R53LIST_ALIAS, NULL, NULL);
	is_str(run(&f),
	    APEX_NOTE
	    "note: www.example.com. A: alias record set left alone\n"
	    "note: api.example.com. A: routing-policy record set (SetIdentifier \"eu\") left alone\n"
	    "note: api.example.com. A: routing-policy record set (SetIdentifier \"us\") left alone\n"
	    "note: cn.example.com. AAAA: alias record set left alone\n"
	    "note: x.example.com. CNAME: routing-policy record set (SetIdentifier \"a\") left alone\n"
	    "note: only.example.com. A: alias record set left alone\n"
	    "warning: api.example.com. A: conflict: Route 53 holds a routing-policy record set here, "
	    "left alone; the primary's set is not synced\n"
	    "warning: cn.example.com. CNAME: conflict: Route 53 holds an alias record set of type "
	    "AAAA here, which a CNAME cannot share; not synced\n"
	    "warning: www.example.com. A: conflict: Route 53 holds an alias record set here, left "
	    "alone; the primary's set is not synced\n"
	    "warning: x.example.com. TXT: conflict: Route 53 holds a routing-policy record set of "
	    "type CNAME here, which a CNAME cannot share; not synced\n"
	    "0 to create, 0 to update, 0 to delete\n", "alias, routing: left alone, conflicts");
	is_int(f.p.nconflicts, 4, "alias, routing: 4 conflicts");
	is_int(f.p.existing, 0, "alias, routing: not existing sets");
	is_int(f.p.nskipped, 7, "alias, routing: 6 listed sets and the apex NS skipped");
	fx_free(&f);
}

static void
test_types(void)
{
	struct fx f;

	/* Types Route 53 cannot hold: one warning per type with a count;
	 * DNSSEC records: one note per type; DS at a delegation synced. */
	fx_init(&f);
	fx_base(&f);
	D(&f, "a.example.com. 300 LOC 00 12345678 12345678 12345678 00000000",
	    "b.example.com. 300 LOC 00 12345678 12345678 12345678 00000000",
	    "b.example.com. 300 HINFO 0161 0162",
	    "example.com. 300 DNSKEY 0101 03 0d 0102030405",
	    "example.com. 300 RRSIG 0006 0d 02 00000e10 00000000 00000000 1234 076578616d706c6503636f6d00 01",
	    "example.com. 300 NSEC 0161076578616d706c6503636f6d00 0006400000000003",
	    "example.com. 300 NSEC3PARAM 01 00 0000 00",
	    "example.com. 300 CDS 1234 0d 02 0102",
	    "sub.example.com. 300 NS ns.sub.example.com.",
	    "sub.example.com. 300 DS 1234 13 2 0102030405060708",
	    NULL);
	is_str(run(&f),
	    "+ sub.example.com. 300 NS ns.sub.example.com.\n"
	    "+ sub.example.com. 300 DS 1234 13 2 0102030405060708\n"
	    APEX_NOTE
	    "note: RRSIG: 1 record set of the signed primary not synced (Route 53 signs zones itself)\n"
	    "note: NSEC: 1 record set of the signed primary not synced (Route 53 signs zones itself)\n"
	    "note: DNSKEY: 1 record set of the signed primary not synced (Route 53 signs zones itself)\n"
	    "note: NSEC3PARAM: 1 record set of the signed primary not synced (Route 53 signs zones itself)\n"
	    "note: CDS: 1 record set of the signed primary not synced (Route 53 signs zones itself)\n"
	    "warning: LOC: 2 record sets not synced: Route 53 cannot hold this type\n"
	    "warning: HINFO: 1 record set not synced: Route 53 cannot hold this type\n"
	    "2 to create, 0 to update, 0 to delete\n", "types: unsupported, DNSSEC, DS");
	is_int(f.p.nskipped, 9, "types: apex NS + 8 sets skipped");
	fx_free(&f);
}

static void
test_ignore(void)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	f.ig[0].name = "_acme-challenge*";
	f.ig[0].types[0] = DNS_TYPE_TXT;
	f.ig[0].ntypes = 1;
	f.ig[1].name = "*.keep.example.com";
	f.zc.nignore = 2;
	D(&f, "_acme-challenge.www.example.com. 300 TXT \"primary's token\"",
	    "_acme-challenge.www.example.com. 300 MX 10 not-ignored.example.com.",
	    "a.keep.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "_acme-challenge.example.com.", 300, "TXT", 0, NULL, "\"x\"", NULL);
	L(&f, "_acme-challenge.www.example.com.", 300, "TXT", 0, NULL, "\"route 53's token\"", NULL);
	L(&f, "b.keep.example.com.", 300, "CNAME", 0, NULL, "route53.only.", NULL);
	L(&f, "\\052.keep.example.com.", 300, "A", 0, NULL, "192.0.2.5", NULL);
	is_str(run(&f),
	    "+ _acme-challenge.www.example.com. 300 MX 10 not-ignored.example.com.\n"
	    APEX_NOTE
	    "note: _acme-challenge.example.com. TXT: matched by an ignore rule, left alone\n"
	    "note: _acme-challenge.www.example.com. TXT: matched by an ignore rule, left alone\n"
	    "note: b.keep.example.com. CNAME: matched by an ignore rule, left alone\n"
	    "note: *.keep.example.com. A: matched by an ignore rule, left alone\n"
	    "note: a.keep.example.com. A: matched by an ignore rule, left alone\n"
	    "1 to create, 0 to update, 0 to delete\n", "ignore: rules on both sides, noted once");
	is_int(f.p.nskipped, 6, "ignore: 5 sets and the apex NS");
	is_int(f.p.existing, 0, "ignore: ignored sets are not existing sets");
	fx_free(&f);

	/* A set of the primary at a name where Route 53 keeps an ignored
	 * CNAME: Route 53 would refuse it. */
	fx_init(&f);
	fx_base(&f);
	f.ig[0].name = "_acme-challenge.*";
	f.zc.nignore = 1;
	f.ig[1].name = "legacy";
	f.ig[1].types[0] = DNS_TYPE_CNAME;
	f.ig[1].ntypes = 1;
	f.zc.nignore = 2;
	D(&f, "legacy.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "legacy.example.com.", 300, "CNAME", 0, NULL, "old.example.net.", NULL);
	is_str(run(&f), APEX_NOTE
	    "note: legacy.example.com. CNAME: matched by an ignore rule, left alone\n"
	    "warning: legacy.example.com. A: conflict: Route 53 holds a set matched by an ignore "
	    "rule of type CNAME here, which a CNAME cannot share; not synced\n"
	    "0 to create, 0 to update, 0 to delete\n", "ignore: CNAME conflict");
	is_int(f.p.nconflicts, 1, "ignore: one conflict");
	fx_free(&f);
}

static void
test_outside_and_bad(void)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	D(&f, "other.org. 300 A 192.0.2.1",
	    "www.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "x.other.org.", 300, "A", 0, NULL, "192.0.2.3", NULL);
	L(&f, "www.example.com.", 300, "A", 0, NULL, "192.0.2.1", "not-an-address", NULL);
	L(&f, "gone.example.com.", 300, "MX", 0, NULL, "ten mail.example.com.", NULL);
	L(&f, "t.example.com.", 300, "TXT", 0, NULL, "unquoted", NULL);
	is_str(run(&f),
	    "- gone.example.com. 300 MX ten mail.example.com.\n"
	    "- t.example.com. 300 TXT unquoted\n"
	    "~ www.example.com. A\n"
	    "    old: 300 192.0.2.1 | not-an-address\n"
	    "    new: 300 192.0.2.1\n"
	    APEX_NOTE
	    "warning: x.other.org. A: Route 53 lists a name outside example.com., left alone\n"
	    "warning: www.example.com. A: Route 53's value does not parse (bad A value "
	    "\"not-an-address\": \"not-an-address\" is not an IPv4 address): the set is replaced\n"
	    "warning: gone.example.com. MX: Route 53's value does not parse (bad MX value "
	    "\"ten mail.example.com.\": preference \"ten\" is not a number from 0 to 65535): the set is replaced\n"
	    "warning: t.example.com. TXT: Route 53's value does not parse (bad TXT value "
	    "\"unquoted\": string must be in double quotes): the set is replaced\n"
	    "warning: other.org. A: the primary's zone has a name outside example.com., not synced\n"
	    "0 to create, 1 to update, 2 to delete\n", "outside names, unparsable values");
	is_int(f.p.existing, 3, "bad: 3 managed sets");
	fx_free(&f);

	/* A set larger than Route 53 holds is left out with an error; the
	 * rest of the zone is planned. */
	fx_init(&f);
	fx_base(&f);
	for (int i = 0; i <= PLAN_MAX_SET_VALUES; i++) {
		char rr[80];

		snprintf(rr, sizeof rr, "big.example.com. 300 A 10.0.%d.%d", i / 256, i % 256);
		zadd(&f.d, rr);
	}
	D(&f, "www.example.com. 300 A 192.0.2.1", NULL);
	run(&f);
	ok(f.rc == PLAN_OK && f.p.nchanges == 1 && f.p.ncreate == 1 && f.p.nerrors == 1 &&
	    strstr(f.out, "+ www.example.com. 300 A 192.0.2.1\n") &&
	    strstr(f.out, "big.example.com. A: not synced: 401 values, Route 53 holds at most "
	    "400 in one record set\n"), "401 values: the set left out with an error, www created");
	fx_free(&f);

	/* The same plain set listed twice is refused, not guessed at; a
	 * name that does not parse is left alone. */
	static const struct {
		const char *name1, *value1, *name2, *value2;
		int rc;
		const char *err;
	} odd[] = {
		{ "a.example.com.", "192.0.2.1", "A.example.com", "192.0.2.2", -1,
		    "Route 53 lists a.example.com. A twice" },
		{ "a.example.com.", "192.0.2.1", "a.example.com.", "bad", -1,
		    "Route 53 lists a.example.com. A twice" },
		{ "a..example.com.", "192.0.2.1", NULL, NULL, PLAN_OK, "" },
	};

	for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
		fx_init(&f);
		fx_base(&f);
		L(&f, odd[k].name1, 300, "A", 0, NULL, odd[k].value1, NULL);
		if (odd[k].name2)
			L(&f, odd[k].name2, 300, "A", 0, NULL, odd[k].value2, NULL);
		run(&f);
		is_int(f.rc, odd[k].rc, "odd listing %zu: result", k);
		is_str(f.p.err.msg, odd[k].err, "odd listing %zu: message", k);
		ok(f.p.nchanges == 0 && (odd[k].rc || f.p.nskipped == 2),
		    "odd listing %zu: nothing changed", k);
		fx_free(&f);
	}
}

static void
test_type_change(void)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	D(&f, "www.example.com. 300 CNAME web.example.net.",
	    "ftp.example.com. 300 A 192.0.2.7",
	    "b.example.com. 300 A 192.0.2.8",
	    NULL);
	L(&f, "b.example.com.", 300, "A", 0, NULL, "192.0.2.8", NULL);
	L(&f, "ftp.example.com.", 300, "CNAME", 0, NULL, "files.example.net.", NULL);
	L(&f, "www.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	L(&f, "www.example.com.", 300, "TXT", 0, NULL, "\"x\"", NULL);
	run(&f);
	is_int(f.p.nbatches, 1, "type change: one batch");
	is_str(batch_str(&f.p, 0),
	    "DELETE ftp.example.com. CNAME 1, DELETE www.example.com. A 1, "
	    "DELETE www.example.com. TXT 1, CREATE ftp.example.com. A 1, "
	    "CREATE www.example.com. CNAME 1", "type change: deletes first in the batch");
	is_int(inf(&f.p, 0)->group, inf(&f.p, 3)->group, "type change: ftp is one group");
	ok(inf(&f.p, 1)->group == inf(&f.p, 2)->group &&
	    inf(&f.p, 2)->group == inf(&f.p, 4)->group &&
	    inf(&f.p, 1)->group != inf(&f.p, 0)->group, "type change: www is one group");
	fx_free(&f);
}

/* ---- batches ------------------------------------------------------------------ */

/* n sets n0000.example.com. ... of type with value, created; or, with
 * old, listed with that value so that each is an UPSERT. */
static void
sets(struct fx *f, int n, const char *type, const char *value, const char *old)
{
	for (int i = 0; i < n; i++) {
		char rr[600], name[64];

		snprintf(name, sizeof name, "n%04d.example.com.", i);
		snprintf(rr, sizeof rr, "%s 300 %s %s", name, type, value);
		D(f, rr, NULL);
		if (old)
			L(f, name, 300, type, 0, NULL, old, NULL);
	}
}

static void
test_batch_limits(void)
{
	/* len 0: A records of 9 characters; else TXT values of exactly len
	 * characters as sent ("xxx..."). */
	static const struct {
		int n, len, upsert, max, batches;
		size_t first;
	} cases[] = {
		{ 999, 0, 0, 0, 1, 999 },
		{ 1000, 0, 0, 0, 1, 1000 },
		{ 1001, 0, 0, 0, 2, 1000 },
		{ 499, 0, 1, 0, 1, 499 },   /* UPSERT counted twice */
		{ 500, 0, 1, 0, 1, 500 },
		{ 501, 0, 1, 0, 2, 500 },
		{ 10, 0, 0, 10, 1, 10 },    /* a smaller limit */
		{ 11, 0, 0, 10, 2, 10 },
		{ 5, 0, 1, 10, 1, 5 },
		{ 6, 0, 1, 10, 2, 5 },
		{ 320, 100, 0, 0, 1, 320 }, /* 32,000 characters */
		{ 321, 100, 0, 0, 2, 320 }, /* 32,100 */
		{ 160, 100, 1, 0, 1, 160 }, /* 16,000 twice */
		{ 161, 100, 1, 0, 2, 160 },
		{ 125, 255, 0, 0, 1, 125 }, /* 31,875 */
		{ 126, 255, 0, 0, 2, 125 }, /* 32,130 */
	};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct fx f;
		char v[300] = "192.0.2.1";
		int len = cases[k].len ? cases[k].len : 9;

		if (cases[k].len) {
			memset(v, 'x', (size_t)len);
			v[0] = v[len - 1] = '"';
			v[len] = '\0';
		}
		fx_init(&f);
		fx_base(&f);
		if (cases[k].max)
			f.o.max_records = (size_t)cases[k].max;
		f.o.force = 1;
		sets(&f, cases[k].n, cases[k].len ? "TXT" : "A", v,
		    !cases[k].upsert ? NULL : cases[k].len ? "\"old\"" : "192.0.2.2");
		run(&f);
		is_int(f.p.nbatches, cases[k].batches, "%d %s of %d characters, max %d records: "
		    "batches", cases[k].n, cases[k].upsert ? "UPSERTs" : "CREATEs", len,
		    cases[k].max ? cases[k].max : 1000);
		is_int(f.p.batches[0].count, cases[k].first, "... first batch changes");
		is_int(f.p.batches[0].records, cases[k].first * (cases[k].upsert ? 2 : 1),
		    "... first batch records");
		is_int(f.p.batches[0].chars, cases[k].first * (size_t)len * (cases[k].upsert ? 2 : 1),
		    "... first batch characters");
		fx_free(&f);
	}
}

/* RRs fmt with 1 ... n for its %d. */
static void
numbered(struct fx *f, const char *fmt, int n)
{
	for (int i = 1; i <= n; i++) {
		char rr[128];

		snprintf(rr, sizeof rr, fmt, i);
		D(f, rr, NULL);
	}
}

static void
test_batch_groups(void)
{
	struct fx f;

	/* A name's changes stay together: 5 records, then a name of 6. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_records = 10;
	sets(&f, 5, "A", "192.0.2.1", NULL);
	D(&f, "z.example.com. 300 A 192.0.2.1",
	    "z.example.com. 300 A 192.0.2.2",
	    "z.example.com. 300 A 192.0.2.3",
	    "z.example.com. 300 TXT \"1\"",
	    "z.example.com. 300 TXT \"2\"",
	    "z.example.com. 300 TXT \"3\"",
	    NULL);
	run(&f);
	is_int(f.p.nbatches, 2, "groups: 2 batches");
	is_int(f.p.batches[0].records, 5, "groups: the first keeps 5 records");
	is_str(batch_str(&f.p, 1), "CREATE z.example.com. A 3, CREATE z.example.com. TXT 3",
	    "groups: the name together in the second");
	fx_free(&f);

	/* Deletes first in every batch, names in canonical order. */
	fx_init(&f);
	fx_base(&f);
	f.o.force = 1;
	D(&f, "a.example.com. 300 A 192.0.2.1",
	    "c.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "d.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	L(&f, "b.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	run(&f);
	is_str(batch_str(&f.p, 0), "DELETE b.example.com. A 1, DELETE d.example.com. A 1, "
	    "CREATE a.example.com. A 1, CREATE c.example.com. A 1", "order: deletes first");
	fx_free(&f);

	/* A set over the limit alone: an error, the rest still planned. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_records = 10;
	numbered(&f, "big.example.com. 300 A 192.0.2.%d", 11);
	D(&f, "small.example.com. 300 A 192.0.2.1", NULL);
	run(&f);
	is_int(f.p.nerrors, 1, "oversize: one error");
	is_int(f.p.nchanges, 1, "oversize: the other set planned");
	is_str(f.p.notes[1].text, "big.example.com. A: not synced: 11 values of 101 characters do "
	    "not fit in one change batch (10 records, 32000 characters, UPSERT counted twice)",
	    "oversize: the note");
	is_int(f.p.ncreate, 1, "oversize: counted as one create");
	fx_free(&f);

	/* An UPSERT too large for a batch: DELETE + CREATE, shown once. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_records = 10;
	numbered(&f, "u.example.com. 300 A 192.0.2.%d", 6);
	L(&f, "u.example.com.", 300, "A", 0, NULL, "192.0.2.99", NULL);
	is_str(run(&f),
	    "~ u.example.com. A\n"
	    "    old: 300 192.0.2.99\n"
	    "    new: 300 192.0.2.1 | 192.0.2.2 | 192.0.2.3 | 192.0.2.4 | 192.0.2.5 | 192.0.2.6\n"
	    APEX_NOTE "0 to create, 1 to update, 0 to delete\n", "UPSERT as DELETE + CREATE: printed once");
	is_str(batch_str(&f.p, 0), "DELETE u.example.com. A 1, CREATE u.example.com. A 6",
	    "UPSERT as DELETE + CREATE: one batch");
	is_int(f.p.batches[0].records, 7, "UPSERT as DELETE + CREATE: 7 records");
	is_int(f.p.nbatches, 1, "UPSERT as DELETE + CREATE: one batch only");
	fx_free(&f);

	/* One name too large for a batch, each set fitting: split in order. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_records = 10;
	numbered(&f, "s.example.com. 300 A 192.0.2.%d", 6);
	numbered(&f, "s.example.com. 300 TXT \"%d\"", 6);
	L(&f, "s.example.com.", 300, "CNAME", 0, NULL, "x.example.com.", NULL);
	run(&f);
	is_int(f.p.nbatches, 2, "split name: 2 batches");
	is_str(batch_str(&f.p, 0), "DELETE s.example.com. CNAME 1, CREATE s.example.com. A 6",
	    "split name: the delete first");
	is_str(batch_str(&f.p, 1), "CREATE s.example.com. TXT 6", "split name: then the rest");
	is_str(f.p.notes[1].text, "s.example.com.: its changes do not fit in one change batch: "
	    "split over 2 batches, deletions first", "split name: warned");
	fx_free(&f);
}

/* A change left out keeps Route 53's set: the changes at its name that
 * would clash with it (a CNAME beside other data) are held back too, and
 * reported, so Route 53 never gets a batch it must refuse. */
static void
test_left_out(void)
{
	struct fx f;

	/* The DELETE of a CNAME too long for a batch: the A the primary has
	 * there cannot be created beside it. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_chars = 30;
	D(&f, "big.example.com. 300 A 192.0.2.1",
	    "ok.example.com. 300 A 192.0.2.2", NULL);
	L(&f, "big.example.com.", 300, "CNAME", 0, NULL,
	    "a-target-name-longer-than-the-limit.example.net.", NULL);
	run(&f);
	is_int(f.p.nchanges, 1, "left-out CNAME: only the unrelated CREATE is sent");
	ok(f.p.nchanges == 1 && !strcmp(chg(&f.p, 0)->set.name, "ok.example.com."),
	    "left-out CNAME: ok.example.com. created");
	is_int(f.p.nerrors, 2, "left-out CNAME: two sets not synced");
	is_int(f.p.ncreate, 1, "left-out CNAME: one create counted");
	ok(f.p.nnotes == 3 && strstr(f.p.notes[2].text, "big.example.com. A: not synced: Route 53 "
	    "keeps its CNAME set here (left out above), and a CNAME cannot share its name"),
	    "left-out CNAME: the held-back A reported: %s", f.p.nnotes > 2 ? f.p.notes[2].text : "");
	fx_free(&f);

	/* The DELETE of an A set too large for a batch: no CNAME beside it;
	 * a TXT there is no clash and is created. */
	fx_init(&f);
	fx_base(&f);
	f.o.max_records = 3;
	D(&f, "x.example.com. 300 CNAME y.example.com.", NULL);
	D(&f, "t.example.com. 300 TXT \"kept\"", NULL);
	L(&f, "x.example.com.", 300, "A", 0, NULL, "192.0.2.1", "192.0.2.2", "192.0.2.3",
	    "192.0.2.4", NULL);
	L(&f, "t.example.com.", 300, "A", 0, NULL, "192.0.2.1", "192.0.2.2", "192.0.2.3",
	    "192.0.2.4", NULL);
	run(&f);
	is_str(batch_str(&f.p, 0), "CREATE t.example.com. TXT 1",
	    "left-out A: the CNAME is held back, the TXT beside another A is not");
	is_int(f.p.nerrors, 3, "left-out A: both A sets and the CNAME not synced");
	fx_free(&f);
}

static void
test_split(void)
{
	struct fx f;
	size_t m;

	fx_init(&f);
	fx_base(&f);
	f.o.force = 1;
	D(&f, "a.example.com. 300 A 192.0.2.1",
	    "b.example.com. 300 CNAME x.example.com.",
	    "c.example.com. 300 A 192.0.2.1",
	    "d.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "b.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	L(&f, "d.example.com.", 300, "TXT", 0, NULL, "\"t\"", NULL);
	run(&f);
	is_str(batch_str(&f.p, 0), "DELETE b.example.com. A 1, DELETE d.example.com. TXT 1, "
	    "CREATE a.example.com. A 1, CREATE b.example.com. CNAME 1, CREATE c.example.com. A 1, "
	    "CREATE d.example.com. A 1", "split: the batch");
	m = plan_split(&f.p, 0, 6);
	is_int(m, 3, "split: 3 changes in the first half");
	f.p.batches[0].count = m;
	is_str(batch_str(&f.p, 0), "DELETE b.example.com. A 1, CREATE a.example.com. A 1, "
	    "CREATE b.example.com. CNAME 1", "split: first half, deletes first");
	f.p.batches[0].first = 3;
	is_str(batch_str(&f.p, 0), "DELETE d.example.com. TXT 1, CREATE c.example.com. A 1, "
	    "CREATE d.example.com. A 1", "split: second half, deletes first");
	is_int(plan_split(&f.p, 0, 3), 1, "split again: a | b");
	is_int(plan_split(&f.p, 1, 2), 0, "split: one name cannot be split");
	is_int(plan_split(&f.p, 0, 1), 0, "split: one change cannot be split");
	fx_free(&f);
}

/* ---- safety ------------------------------------------------------------------- */

/* Route 53 holds 20 sets; the primary drops ndel of them and changes nupd. */
static void
safety_case(int ndel, int nupd, int force, int min_existing, const char *want, const char *what)
{
	struct fx f;

	fx_init(&f);
	fx_base(&f);
	f.o.force = force;
	if (min_existing >= 0)
		f.o.safety.min_existing = min_existing;
	for (int i = 0; i < 20; i++) {
		char rr[64], name[32];

		snprintf(name, sizeof name, "h%02d.example.com.", i);
		snprintf(rr, sizeof rr, "%s 300 A 192.0.2.%d", name, i < ndel + nupd ? 99 : 1);
		if (i >= ndel)
			D(&f, rr, NULL);
		L(&f, name, 300, "A", 0, NULL, "192.0.2.1", NULL);
	}
	run(&f);
	is_int(f.rc, want ? PLAN_UNSAFE : PLAN_OK, "%s: verdict", what);
	is_str(f.p.refusal, want ? want : "", "%s: message", what);
	fx_free(&f);
}

static void
test_safety(void)
{
	struct fx f;

	safety_case(6, 0, 0, -1, NULL, "delete 6 of 20 (30%)");
	safety_case(7, 0, 0, -1, "would delete 7 of 20 record sets (35%), more than "
	    "max_delete_percent 30; use --force", "delete 7 of 20 (35%)");
	safety_case(7, 0, 1, -1, NULL, "delete 7 of 20, forced");
	safety_case(7, 0, 0, 21, NULL, "delete 7 of 20, min_existing 21");
	safety_case(7, 0, 0, 20, "would delete 7 of 20 record sets (35%), more than "
	    "max_delete_percent 30; use --force", "delete 7 of 20, min_existing 20");
	safety_case(0, 6, 0, -1, NULL, "update 6 of 20");
	safety_case(0, 7, 0, -1, "would update 7 of 20 record sets (35%), more than "
	    "max_update_percent 30; use --force", "update 7 of 20");
	safety_case(20, 0, 0, -1, "transfer looks empty: the primary's zone has only its SOA and "
	    "NS, Route 53 holds 20 record sets; use --force", "empty transfer");
	safety_case(20, 0, 1, -1, NULL, "empty transfer, forced");

	/* The SOA update does not count as an update. */
	fx_init(&f);
	D(&f, "example.com. 300 SOA a. b. 2 1 1 1 1",
	    NULL);
	L(&f, "example.com.", 300, "SOA", 0, NULL, "a. b. 1 1 1 1 1", NULL);
	for (int i = 0; i < 10; i++) {
		char name[32], rr[64];

		snprintf(name, sizeof name, "h%02d.example.com.", i);
		L(&f, name, 300, "A", 0, NULL, "192.0.2.1", NULL);
		snprintf(rr, sizeof rr, "%s 300 A 192.0.2.1", name);
		D(&f, rr, NULL);
	}
	f.o.safety.max_update_percent = 0;
	run(&f);
	ok(f.rc == PLAN_OK && f.p.nupdate == 1, "the SOA update is not counted by the safety check");
	fx_free(&f);

	/* No SOA from the primary. */
	fx_init(&f);
	D(&f, "www.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "www.example.com.", 300, "A", 0, NULL, "192.0.2.1", NULL);
	run(&f);
	is_int(f.rc, PLAN_UNSAFE, "no SOA: refused");
	is_str(f.p.refusal, "the primary's zone has no SOA: not a complete transfer; use --force",
	    "no SOA: message");
	fx_free(&f);
}

/* ---- incremental ---------------------------------------------------------------- */

static void
test_incremental(void)
{
	struct zone prev, next;
	struct zone_delta d;
	struct zone_changes ch;
	struct cfg_zone zc = { 0 };
	struct plan_opts o;
	struct plan p;
	char *out;
	static const char *const base[] = {
		"example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 5 3600 600 604800 300",
		"example.com. 3600 NS ns1.example.com.",
		"www.example.com. 300 A 192.0.2.1",
		"ftp.example.com. 300 A 192.0.2.2",
		"mail.example.com. 300 MX 10 MX1.example.com.",
		"mail.example.com. 300 MX 20 mx2.example.com.",
		"h1.example.com. 300 A 192.0.2.1",
		"h2.example.com. 300 A 192.0.2.1",
		"h3.example.com. 300 A 192.0.2.1",
		"h4.example.com. 300 A 192.0.2.1",
		"h5.example.com. 300 A 192.0.2.1",
		"h6.example.com. 300 A 192.0.2.1",
		"h7.example.com. 300 A 192.0.2.1",
		"h8.example.com. 300 A 192.0.2.1",
	};
	static const struct {
		int op;
		const char *rr;
	} delta[] = {
		{ ZONE_DEL, "example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 5 3600 600 604800 300" },
		{ ZONE_DEL, "www.example.com. 300 A 192.0.2.1" },
		{ ZONE_DEL, "ftp.example.com. 300 A 192.0.2.2" },
		{ ZONE_DEL, "mail.example.com. 300 MX 10 MX1.example.com." },
		{ ZONE_DEL, "mail.example.com. 300 MX 20 mx2.example.com." },
		{ ZONE_DEL, "example.com. 3600 NS ns1.example.com." },
		{ ZONE_ADD, "example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 6 3600 600 604800 300" },
		{ ZONE_ADD, "www.example.com. 300 A 192.0.2.9" },
		{ ZONE_ADD, "ftp.example.com. 300 CNAME files.example.net." },
		{ ZONE_ADD, "new.example.com. 300 TXT \"hello\"" },
		{ ZONE_ADD, "new.example.com. 300 LOC 00 12345678 12345678 12345678 00000000" },
		{ ZONE_ADD, "example.com. 3600 NS ns2.example.com." },
	};

	zone_init(&prev);
	zone_init(&next);
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
		zadd(&prev, base[i]);
		zadd(&next, base[i]);
	}
	zone_finish(&prev);
	zone_finish(&next);
	zone_delta_init(&d);
	for (size_t i = 0; i < sizeof delta / sizeof delta[0]; i++) {
		struct zone z;
		struct zone_set s;
		size_t len;
		const uint8_t *rd;

		/* One RR through a scratch zone to get its wire form. */
		zone_init(&z);
		zadd(&z, delta[i].rr);
		zone_finish(&z);
		zone_set_get(&z, 0, &s);
		rd = zone_set_rdata(&z, 0, 0, &len);
		zone_delta_add(&d, delta[i].op, s.name, s.type, DNS_CLASS_IN, s.ttl, rd, len);
		zone_free(&z);
	}
	zone_changes_init(&ch);
	if (zone_apply(&next, &d, &ch) < 0)
		diag("zone_apply: %s", next.err.msg);

	zc.name = zone_name;
	zc.sync_soa = 1;
	plan_opts_init(&o, &zc);
	plan_init(&p);
	is_int(plan_incremental(&p, &prev, &next, &ch,
	    "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 5 3600 600 604800 300", &o), PLAN_OK,
	    "incremental: planned");
	out = printed(&p, &o, 0);
	is_str(out,
	    "~ example.com. SOA\n"
	    "    old: 3600 ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 5 3600 600 604800 300\n"
	    "    new: 3600 ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 6 3600 600 604800 300\n"
	    "- ftp.example.com. 300 A 192.0.2.2\n"
	    "+ ftp.example.com. 300 CNAME files.example.net.\n"
	    "- mail.example.com. 300 MX 10 mx1.example.com. | 20 mx2.example.com.\n"
	    "+ new.example.com. 300 TXT \"hello\"\n"
	    "~ www.example.com. A\n"
	    "    old: 300 192.0.2.1\n"
	    "    new: 300 192.0.2.9\n"
	    "note: example.com. NS: apex NS left alone (Route 53's name servers)\n"
	    "warning: LOC: 1 record set not synced: Route 53 cannot hold this type\n"
	    "2 to create, 2 to update, 2 to delete\n", "incremental: the changed sets only");
	free(out);
	is_str(batch_str(&p, 0), "DELETE ftp.example.com. A 1, DELETE mail.example.com. MX 2, "
	    "UPSERT example.com. SOA 1, UPSERT ftp.example.com. CNAME 1, "
	    "UPSERT new.example.com. TXT 1, UPSERT www.example.com. A 1",
	    "incremental: one batch, deletes first");
	is_str(p.soa_value, "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 6 3600 600 604800 300",
	    "incremental: new SOA value");
	is_int(p.existing, 11, "incremental: safety base from prev");
	plan_free(&p);

	/* Deleting 2 of 11 is 18%: refused at 10%. */
	o.safety.max_delete_percent = 10;
	plan_init(&p);
	is_int(plan_incremental(&p, &prev, &next, &ch, NULL, &o), PLAN_UNSAFE,
	    "incremental: safety applies");
	is_str(p.refusal, "would delete 2 of 11 record sets (18%), more than max_delete_percent 10; "
	    "use --force", "incremental: refusal");
	ok(p.soa_value == NULL, "incremental: no SOA known, none planned");
	plan_free(&p);

	zone_changes_free(&ch);
	zone_delta_free(&d);
	zone_free(&prev);
	zone_free(&next);
}

/* ---- output ------------------------------------------------------------------- */

static void
test_output(void)
{
	struct fx f;
	char *s;

	fx_init(&f);
	fx_base(&f);
	D(&f, "a.example.com. 300 TXT \"q\\\"\" \"t\\011\"",
	    "b.example.com. 300 A 192.0.2.1",
	    "*.example.com. 300 A 192.0.2.1",
	    NULL);
	L(&f, "b.example.com.", 60, "A", 0, NULL, "192.0.2.1", "192.0.2.3", NULL);
	L(&f, "c.example.com.", 60, "A", 0, NULL, "192.0.2.1", NULL);
	f.o.force = 1;
	run(&f);
	s = printed(&f.p, &f.o, PLAN_PRINT_JSON);
	is_str(s,
	    "{\"zone\":\"example.com.\",\"action\":\"create\",\"name\":\"*.example.com.\",\"type\":\"A\","
	    "\"ttl\":300,\"values\":[\"192.0.2.1\"]}\n"
	    "{\"zone\":\"example.com.\",\"action\":\"create\",\"name\":\"a.example.com.\",\"type\":\"TXT\","
	    "\"ttl\":300,\"values\":[\"\\\"q\\\\\\\"\\\" \\\"t\\\\011\\\"\"]}\n"
	    "{\"zone\":\"example.com.\",\"action\":\"update\",\"name\":\"b.example.com.\",\"type\":\"A\","
	    "\"ttl\":300,\"values\":[\"192.0.2.1\"],\"old_ttl\":60,\"old_values\":[\"192.0.2.1\","
	    "\"192.0.2.3\"]}\n"
	    "{\"zone\":\"example.com.\",\"action\":\"delete\",\"name\":\"c.example.com.\",\"type\":\"A\","
	    "\"ttl\":60,\"values\":[\"192.0.2.1\"]}\n"
	    "{\"zone\":\"example.com.\",\"note\":\"info\",\"message\":\"example.com. NS: apex NS left "
	    "alone (Route 53's name servers)\"}\n"
	    "{\"zone\":\"example.com.\",\"summary\":{\"create\":2,\"update\":1,\"delete\":1,\"skipped\":1,"
	    "\"conflicts\":0,\"errors\":0,\"batches\":1,\"refused\":null}}\n", "JSON lines");
	is_str(batch_str(&f.p, 0), "DELETE c.example.com. A 1, CREATE \\052.example.com. A 1, "
	    "CREATE a.example.com. TXT 1, UPSERT b.example.com. A 1",
	    "names sent in Route 53's form");
	free(s);
	s = printed(&f.p, &f.o, PLAN_PRINT_COLOR);
	is_str(s,
	    "\033[32m+ *.example.com. 300 A 192.0.2.1\033[0m\n"
	    "\033[32m+ a.example.com. 300 TXT \"q\\\"\" \"t\\011\"\033[0m\n"
	    "\033[33m~ b.example.com. A\n"
	    "    old: 60 192.0.2.1 | 192.0.2.3\n"
	    "    new: 300 192.0.2.1\033[0m\n"
	    "\033[31m- c.example.com. 60 A 192.0.2.1\033[0m\n"
	    APEX_NOTE "2 to create, 1 to update, 1 to delete\n", "colour");
	free(s);
	fx_free(&f);

	/* A refused plan says so in both forms. */
	fx_init(&f);
	L(&f, "b.example.com.", 60, "A", 0, NULL, "192.0.2.1", NULL);
	is_str(run(&f), "- b.example.com. 60 A 192.0.2.1\n"
	    "refused: the primary's zone has no SOA: not a complete transfer; use --force\n"
	    "0 to create, 0 to update, 1 to delete\n", "refused: text");
	s = printed(&f.p, &f.o, PLAN_PRINT_JSON);
	ok(strstr(s, "\"refused\":\"the primary's zone has no SOA: not a complete transfer; use "
	    "--force\"}}\n") != NULL, "refused: JSON");
	free(s);
	{
		/* With the hosted zone known, every line names it (one zone
		 * name may stand for a public and a private hosted zone). */
		struct fmt_stream m;

		fmt_memstream(&m);
		if (plan_print(&f.p, &f.o, "Z0PRIVATE", 1, &m, PLAN_PRINT_JSON) < 0)
			diag("plan_print failed");
		s = buf_take(&m.b);
		is_str(s, "{\"zone\":\"example.com.\",\"hosted_zone\":\"Z0PRIVATE\",\"private\":true,"
		    "\"action\":\"delete\",\"name\":\"b.example.com.\",\"type\":\"A\",\"ttl\":60,"
		    "\"values\":[\"192.0.2.1\"]}\n"
		    "{\"zone\":\"example.com.\",\"hosted_zone\":\"Z0PRIVATE\",\"private\":true,"
		    "\"summary\":{\"create\":0,\"update\":0,\"delete\":1,\"skipped\":0,\"conflicts\":0,"
		    "\"errors\":0,\"batches\":1,\"refused\":\"the primary's zone has no SOA: not a "
		    "complete transfer; use --force\"}}\n", "JSON lines name the hosted zone");
		free(s);
	}
	fx_free(&f);
}

int
main(void)
{
	test_identical();
	test_spellings();
	test_changes();
	test_apex_ns_soa();
	test_alias_routing();
	test_types();
	test_ignore();
	test_outside_and_bad();
	test_type_change();
	test_batch_limits();
	test_batch_groups();
	test_left_out();
	test_split();
	test_safety();
	test_incremental();
	test_output();
	return tap_done();
}
