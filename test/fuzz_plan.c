/*
 * Fuzz target for the planner: a primary's zone and a Route 53 listing from
 * the input, planned with small batch limits, the plan applied to a strict
 * model of Route 53, then planned again, which must find nothing to do.
 *
 * Input: lines. Up to a line "--", the primary's RRs "name TTL TYPE value"
 * (Route 53 syntax; hex rdata for other types) below example.com. (an SOA
 * and NS are always there). Then the listing, "K name TTL TYPE v1|v2..."
 * with K = p (plain), a (alias) or r (routing policy). Lines that do not
 * parse, and RRs that would make an invalid zone or hosted zone (a CNAME
 * beside other data, a set listed twice), are skipped.
 *
 * The model refuses what Route 53 refuses (Route 53 API Reference,
 * ChangeResourceRecordSets): a DELETE
 * not matching the set's TTL and values exactly, a CREATE of a set that
 * exists, a CNAME beside other data, a change to an alias or routing set.
 * Batches must keep to the limits, DELETEs first, each name in one batch
 * (unless the plan warned it had to split it), and plan_split must keep
 * those rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "cli/plan_print.h"
#include "sync/plan.h"
#include "codec/rr.h"

#define MAX_SETS 64
#define MAX_LINE 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A record set in the model of Route 53. */
struct rset {
	uint8_t wire[DNS_NAME_MAX]; /* lower case */
	uint16_t type;
	uint32_t ttl;
	unsigned flags;
	char *name;
	char *setid;
	int nv;
	char **v;
};

struct model {
	struct rset s[2 * MAX_SETS + 8];
	int n;
};

static char *
sdup(const char *s)
{
	char *d = s ? malloc(strlen(s) + 1) : NULL;

	if (!s)
		return NULL;
	if (!d)
		abort();
	return strcpy(d, s);
}

static void
rset_free(struct rset *r)
{
	for (int k = 0; k < r->nv; k++)
		free(r->v[k]);
	free(r->v);
	free(r->name);
	free(r->setid);
}

static int
find(const struct model *m, const uint8_t *wire, unsigned type, int plain_only)
{
	for (int i = 0; i < m->n; i++)
		if (m->s[i].type == type && dns_name_equal(m->s[i].wire, wire) &&
		    (!plain_only || !m->s[i].flags))
			return i;
	return -1;
}

/* Would a set of type at wire break the CNAME rule? */
static int
cname_clash(const struct model *m, const uint8_t *wire, unsigned type)
{
	for (int i = 0; i < m->n; i++)
		if (dns_name_equal(m->s[i].wire, wire) && m->s[i].type != type &&
		    (type == DNS_TYPE_CNAME || m->s[i].type == DNS_TYPE_CNAME))
			return 1;
	return 0;
}

static int
add(struct model *m, const char *name, unsigned type, uint32_t ttl, unsigned flags,
    const char *setid, int nv, const char *const *v)
{
	struct rset *r;
	int i;

	if (m->n == (int)(sizeof m->s / sizeof m->s[0]))
		return -1;
	r = &m->s[m->n];
	memset(r, 0, sizeof *r);
	if (dns_name_from_r53(r->wire, sizeof r->wire, name, NULL) < 0)
		return -1;
	dns_name_lower(r->wire);
	/* One set per name and type, but for routing sets; no CNAME beside
	 * other data. */
	i = find(m, r->wire, type, 0);
	if ((i >= 0 && !(flags & m->s[i].flags & R53LIST_ROUTING)) || cname_clash(m, r->wire, type))
		return -1;
	r->type = (uint16_t)type;
	r->ttl = ttl;
	r->flags = flags;
	r->name = sdup(name);
	r->setid = sdup(setid);
	r->nv = nv;
	if (!(r->v = calloc((size_t)nv + 1, sizeof *r->v)))
		abort();
	for (int k = 0; k < nv; k++)
		r->v[k] = sdup(v[k]);
	m->n++;
	return 0;
}

static void
del(struct model *m, int i)
{
	rset_free(&m->s[i]);
	m->s[i] = m->s[--m->n];
}

/* One change, as Route 53 would take it; abort when it would refuse. */
static void
apply(struct model *m, const struct r53_change *c)
{
	uint8_t wire[DNS_NAME_MAX];
	int i;

	if (dns_name_from_r53(wire, sizeof wire, c->set.name, NULL) < 0 || c->set.nvalues < 1 ||
	    c->set.flags || c->set.set_identifier)
		abort();
	dns_name_lower(wire);
	i = find(m, wire, c->set.type, 0);
	if (i >= 0 && m->s[i].flags)
		abort(); /* never touch an alias or routing set */
	switch (c->action) {
	case R53_DELETE:
		if (i < 0 || m->s[i].ttl != c->set.ttl || m->s[i].nv != c->set.nvalues)
			abort();
		for (int k = 0; k < c->set.nvalues; k++)
			if (strcmp(m->s[i].v[k], c->set.values[k]))
				abort();
		del(m, i);
		return;
	case R53_CREATE:
		if (i >= 0)
			abort();
		break;
	case R53_UPSERT:
		if (i >= 0)
			del(m, i);
		break;
	}
	if (add(m, c->set.name, c->set.type, c->set.ttl, 0, NULL, c->set.nvalues,
	    c->set.values) < 0)
		abort();
}

static void
to_list(const struct model *m, struct r53list *l)
{
	for (int i = 0; i < m->n; i++) {
		struct r53list_set s = { 0 };

		s.name = m->s[i].name;
		s.type = m->s[i].type;
		s.ttl = m->s[i].ttl;
		s.flags = m->s[i].flags;
		s.set_identifier = m->s[i].setid;
		s.alias_target = m->s[i].flags & R53LIST_ALIAS ? "x.example.net." : NULL;
		s.nvalues = m->s[i].nv;
		s.values = (const char *const *)m->s[i].v;
		if (r53list_add(l, &s) < 0)
			abort();
	}
}

/* The group of change i of p. */
static uint32_t
group_of(const struct plan *p, size_t i)
{
	struct plan_info in;

	plan_change(p, i, NULL, &in);
	return in.group;
}

/* The rules every batch keeps. */
static void
check_batches(const struct plan *p, const struct plan_opts *o)
{
	int split = 0;

	for (size_t i = 0; i < p->nnotes; i++)
		split |= strstr(p->notes[i].text, "do not fit in one change batch: split") != NULL;
	for (size_t b = 0; b < p->nbatches; b++) {
		const struct plan_batch *pb = &p->batches[b];
		size_t rec = 0, chr = 0;
		int others = 0;

		if (pb->count == 0)
			abort();
		for (size_t i = pb->first; i < pb->first + pb->count; i++) {
			struct r53_change ch, *c = &ch;
			int twice;

			plan_change(p, i, c, NULL);
			twice = c->action == R53_UPSERT ? 2 : 1;

			rec += (size_t)(c->set.nvalues * twice);
			for (int k = 0; k < c->set.nvalues; k++)
				chr += strlen(c->set.values[k]) * (size_t)twice;
			if (c->action != R53_DELETE)
				others = 1;
			else if (others)
				abort(); /* DELETEs first */
			/* A name in one batch only. */
			for (size_t j = 0; !split && j < p->nchanges; j++)
				if ((j < pb->first || j >= pb->first + pb->count) &&
				    group_of(p, j) == group_of(p, i))
					abort();
		}
		if (rec != pb->records || chr != pb->chars || rec > o->max_records ||
		    chr > o->max_chars)
			abort();
	}
}

/* Split every batch in two and check both halves keep the rules. */
static void
check_split(struct plan *p)
{
	for (size_t b = 0; b < p->nbatches; b++) {
		size_t first = p->batches[b].first, count = p->batches[b].count;
		size_t m = plan_split(p, first, count);

		if (m >= count)
			abort();
		for (size_t h = 0; m && h < 2; h++) {
			size_t s = h ? first + m : first, e = h ? first + count : first + m;
			int others = 0;

			for (size_t i = s; i < e; i++) {
				struct r53_change c;

				plan_change(p, i, &c, NULL);
				if (c.action != R53_DELETE)
					others = 1;
				else if (others)
					abort();
				for (size_t j = first; j < first + count; j++)
					if ((j < s || j >= e) && group_of(p, j) == group_of(p, i))
						abort();
			}
		}
	}
}

/* Next line of data into buf; 0 at the end. */
static int
line(const uint8_t **d, const uint8_t *end, char *buf)
{
	size_t n = 0;

	if (*d >= end)
		return 0;
	while (*d < end && **d != '\n') {
		if (n < MAX_LINE - 1)
			buf[n++] = (char)(**d == '\0' ? ' ' : **d);
		(*d)++;
	}
	if (*d < end)
		(*d)++;
	buf[n] = '\0';
	return 1;
}

/* "name TTL TYPE rest": the rest's offset, or -1. */
static int
fields(const char *s, char *name, unsigned long *ttl, int *type)
{
	char tn[RR_TYPE_NAME_MAX];
	int off;

	if (sscanf(s, "%255s %lu %15s %n", name, ttl, tn, &off) != 3 ||
	    (*type = rr_type_parse(tn, strlen(tn))) < 0)
		return -1;
	return off;
}

static void
desired(struct zone *z, struct model *shape, const char *s)
{
	static uint8_t rd[DNS_RDATA_MAX];
	char name[256];
	unsigned long ttl;
	int type, off = fields(s, name, &ttl, &type);
	uint8_t wire[DNS_NAME_MAX];
	long n;
	int i;

	if (off < 0 || dns_name_from_text(wire, sizeof wire, name, NULL, NULL) < 0)
		return;
	if (rr_r53_supported((unsigned)type))
		n = rr_from_r53((unsigned)type, s + off, strlen(s + off), rd, sizeof rd, NULL);
	else {
		n = 0;
		for (const char *h = s + off; h[0] && h[1] && n < 64; h += 2)
			rd[n++] = (uint8_t)strtoul((char[3]){ h[0], h[1], 0 }, NULL, 16);
	}
	if (n < 0)
		return;
	/* A valid zone: no CNAME beside other data (tracked by type). */
	dns_name_lower(wire);
	for (i = 0; i < shape->n; i++)
		if (dns_name_equal(shape->s[i].wire, wire) && shape->s[i].type != type &&
		    (type == DNS_TYPE_CNAME || shape->s[i].type == DNS_TYPE_CNAME))
			return;
	if (shape->n < MAX_SETS && find(shape, wire, (unsigned)type, 0) < 0) {
		memcpy(shape->s[shape->n].wire, wire, dns_name_len(wire));
		shape->s[shape->n++].type = (uint16_t)type;
	} else if (find(shape, wire, (unsigned)type, 0) < 0)
		return;
	zone_add(z, wire, (unsigned)type, DNS_CLASS_IN, (uint32_t)ttl, rd, (size_t)n);
}

static void
listed(struct model *m, const char *s)
{
	char name[256], *vals[16], *sv, *v;
	const char *cv[16];
	unsigned long ttl;
	int type, nv = 0, off;
	unsigned flags = s[0] == 'a' ? R53LIST_ALIAS : s[0] == 'r' ? R53LIST_ROUTING : 0;
	static int id;
	char setid[16];

	if (!s[0] || !s[1] || (off = fields(s + 2, name, &ttl, &type)) < 0 ||
	    !(sv = sdup(s + 2 + off)))
		return;
	for (v = strtok(sv, "|"); v && nv < 16; v = strtok(NULL, "|"))
		vals[nv++] = v;
	for (int k = 0; k < nv; k++)
		cv[k] = vals[k];
	snprintf(setid, sizeof setid, "id%d", id++);
	if (flags & R53LIST_ALIAS)
		nv = 0;
	if (flags || nv)
		add(m, name, (unsigned)type, flags & R53LIST_ALIAS ? 0 : (uint32_t)ttl, flags,
		    flags & R53LIST_ROUTING ? setid : NULL, nv, cv);
	free(sv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model shape, m;
	static char buf[MAX_LINE];
	const uint8_t *d = data, *end = data + size;
	struct zone z;
	struct r53list l1, l2;
	struct cfg_zone zc = { 0 };
	struct cfg_ignore ig = { 0 };
	struct plan_opts o;
	struct plan p1, p2;
	char zname[] = "example.com.", pattern[] = "ign*";
	struct fmt_stream out;
	int sets = 0, rc;

	shape.n = 0;
	m.n = 0;
	zone_init(&z);
	desired(&z, &shape, "example.com. 300 SOA ns1.example.com. h.example.com. 1 2 3 4 5");
	desired(&z, &shape, "example.com. 300 NS ns1.example.com.");
	while (line(&d, end, buf) && strcmp(buf, "--") && sets++ < MAX_SETS)
		desired(&z, &shape, buf);
	while (line(&d, end, buf) && m.n < MAX_SETS)
		listed(&m, buf);
	zone_finish(&z);

	ig.name = pattern;
	ig.types[0] = DNS_TYPE_CNAME;
	ig.ntypes = 1;
	zc.name = zname;
	zc.sync_soa = size & 1;
	zc.ignore = &ig;
	zc.nignore = 1;
	plan_opts_init(&o, &zc);
	o.force = 1;
	o.max_records = 8;
	o.max_chars = 300;

	r53list_init(&l1);
	to_list(&m, &l1);
	plan_init(&p1);
	rc = plan_full(&p1, &z, &l1, &o);
	if (rc == PLAN_OK) {
		check_batches(&p1, &o);
		fmt_memstream(&out);
		plan_print(&p1, &o, NULL, 0, &out, 0);
		plan_print(&p1, &o, "Z0123456789", 1, &out, PLAN_PRINT_JSON | PLAN_PRINT_COLOR);
		buf_free(&out.b);
		for (size_t i = 0; i < p1.nchanges; i++) {
			struct r53_change c;

			plan_change(&p1, i, &c, NULL);
			apply(&m, &c);
		}
		r53list_init(&l2);
		to_list(&m, &l2);
		plan_init(&p2);
		if (plan_full(&p2, &z, &l2, &o) != PLAN_OK || p2.nchanges != 0)
			abort(); /* converged */
		plan_free(&p2);
		r53list_free(&l2);
		check_split(&p1);
	} else if (rc != -1 || !p1.err.set)
		abort();
	plan_free(&p1);
	r53list_free(&l1);
	zone_free(&z);
	while (m.n)
		del(&m, 0);
	return 0;
}
