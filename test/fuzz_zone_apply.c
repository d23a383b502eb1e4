/*
 * Fuzz target for applying IXFR deltas (zone_apply), round after round, to
 * one zone, checked against a plain model: a list of RRs keyed by owner,
 * type and rdata (RFC 1995 section 4: a deletion must find its RR, an
 * addition of a present RR changes its TTL).
 *
 * Input: 3-octet records "c t v", a section ending at an octet 0xff. The
 * first section is the zone (every record added), each later one a delta,
 * applied in turn.
 *   c bit 0     deleted (0) or added (1)
 *   c bits 1-3  owner: example.com., www, mail, a.b, c, *.w, long.label.x,
 *               and Www (the same owner as www, in another case)
 *   c bits 4-5  type: A, AAAA, TXT, MX
 *   t           TTL
 *   v           the value: 192.0.2.v, 2001:db8::v, "v" (one octet), MX v mail
 * A small space of owners and values, so deltas hit present RRs often.
 *
 * Properties, every round: zone_apply fails exactly when the model finds a
 * deletion of an absent RR; on failure the zone is unchanged (every set,
 * TTLs included); on success every set holds the model's RRs, and the
 * changes reported are exactly the sets whose contents or TTL differ from
 * before (zone.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/dns.h"
#include "dns/zone.h"

#define MAX_RRS 96
#define MAX_ROUNDS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const owners[8] = { "example.com.", "www.example.com.", "mail.example.com.",
	"a.b.example.com.", "c.example.com.", "*.w.example.com.",
	"long-label-for-the-fuzzer.x.example.com.", "Www.example.com." };
static const unsigned types[4] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_TXT, DNS_TYPE_MX };

struct mrr {
	int owner; /* 0..6: Www is www */
	unsigned type;
	uint8_t rd[32];
	size_t rdlen;
};

struct model {
	struct mrr r[MAX_RRS];
	size_t n;
};

static uint8_t wires[8][DNS_NAME_MAX];

static void
setup(void)
{
	static const uint8_t root[1] = { 0 };

	for (int i = 0; i < 8; i++)
		if (dns_name_from_text(wires[i], DNS_NAME_MAX, owners[i], root, NULL) < 0)
			abort();
}

/* The record at p: owner, type, rdata. */
static void
decode(const uint8_t *p, struct mrr *m, int *op, uint32_t *ttl)
{
	unsigned v = p[2];

	*op = p[0] & 1 ? ZONE_ADD : ZONE_DEL;
	m->owner = p[0] >> 1 & 7;
	if (m->owner == 7)
		m->owner = 1;
	m->type = types[p[0] >> 4 & 3];
	*ttl = p[1];
	memset(m->rd, 0, sizeof m->rd);
	switch (m->type) {
	case DNS_TYPE_A:
		m->rd[0] = 192, m->rd[2] = 2, m->rd[3] = (uint8_t)v;
		m->rdlen = 4;
		break;
	case DNS_TYPE_AAAA:
		m->rd[0] = 0x20, m->rd[1] = 0x01, m->rd[2] = 0x0d, m->rd[3] = 0xb8;
		m->rd[15] = (uint8_t)v;
		m->rdlen = 16;
		break;
	case DNS_TYPE_TXT:
		m->rd[0] = 1, m->rd[1] = (uint8_t)v;
		m->rdlen = 2;
		break;
	default:
		m->rd[1] = (uint8_t)v;
		memcpy(m->rd + 2, wires[2], dns_name_len(wires[2]));
		m->rdlen = 2 + dns_name_len(wires[2]);
		break;
	}
}

static long
model_find(const struct model *md, const struct mrr *m)
{
	for (size_t i = 0; i < md->n; i++)
		if (md->r[i].owner == m->owner && md->r[i].type == m->type &&
		    md->r[i].rdlen == m->rdlen && !memcmp(md->r[i].rd, m->rd, m->rdlen))
			return (long)i;
	return -1;
}

/* Apply one op to the model: 0, or -1 for a deletion of an absent RR. */
static int
model_op(struct model *md, const struct mrr *m, int op)
{
	long i = model_find(md, m);

	if (op == ZONE_DEL) {
		if (i < 0)
			return -1;
		md->r[i] = md->r[--md->n];
	} else if (i < 0) {
		if (md->n == MAX_RRS)
			abort();
		md->r[md->n++] = *m;
	}
	return 0;
}

/* Does the zone hold exactly the model's RRs? */
static int
same_content(const struct zone *z, const struct model *md)
{
	size_t total = 0;

	for (size_t i = 0; i < zone_set_count(z); i++) {
		struct zone_set s;
		int owner = -1;

		zone_set_get(z, i, &s);
		for (int k = 0; k < 7; k++)
			if (dns_name_equal(s.name, wires[k]))
				owner = k;
		if (owner < 0)
			return 0;
		for (size_t k = 0; k < s.count; k++) {
			struct mrr m = { .owner = owner, .type = s.type };
			const uint8_t *rd = zone_set_rdata(z, i, k, &m.rdlen);

			if (m.rdlen > sizeof m.rd)
				return 0;
			memcpy(m.rd, rd, m.rdlen);
			if (model_find(md, &m) < 0)
				return 0;
		}
		total += s.count;
	}
	return total == md->n;
}

/* Is set i of a (name, type) among the changes? */
static int
reported(const struct zone_changes *c, const struct zone *a, size_t i)
{
	struct zone_set s;

	zone_set_get(a, i, &s);
	for (size_t k = 0; k < c->n; k++) {
		unsigned t;
		const uint8_t *n = zone_changes_get(c, k, &t);

		if (t == s.type && dns_name_equal(n, s.name))
			return 1;
	}
	return 0;
}

/* The changes are exactly the sets that differ between before and after. */
static void
check_changes(const struct zone *before, const struct zone *after, const struct zone_changes *c)
{
	size_t i = 0, j = 0, differ = 0;

	while (i < zone_set_count(before) || j < zone_set_count(after)) {
		int cmp = i == zone_set_count(before) ? 1 : j == zone_set_count(after) ? -1 :
		    zone_set_cmp(before, i, after, j);

		if (cmp < 0) {
			if (!reported(c, before, i))
				abort(); /* a set that disappeared, not reported */
			differ++, i++;
		} else if (cmp > 0) {
			if (!reported(c, after, j))
				abort(); /* a new set, not reported */
			differ++, j++;
		} else {
			int eq = zone_set_equal(before, i, after, j);

			if (eq == reported(c, after, j))
				abort(); /* a changed set left out, or an unchanged one reported */
			differ += !eq;
			i++, j++;
		}
	}
	if (differ != c->n)
		abort(); /* a set reported twice */
}

/* Zones a and b hold the same sets, TTLs included. */
static int
same_zone(const struct zone *a, const struct zone *b)
{
	if (zone_set_count(a) != zone_set_count(b))
		return 0;
	for (size_t i = 0; i < zone_set_count(a); i++)
		if (zone_set_cmp(a, i, b, i) || !zone_set_equal(a, i, b, i))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model md, saved;
	static int ready;
	const uint8_t *p = data, *end = data + size;
	struct zone z;
	struct zone_changes ch;

	if (!ready) {
		setup();
		ready = 1;
	}
	md.n = 0;
	zone_init(&z);
	zone_changes_init(&ch);
	/* The zone. */
	for (; end - p >= 3 && p[0] != 0xff && md.n < MAX_RRS / 2; p += 3) {
		struct mrr m;
		int op;
		uint32_t ttl;

		decode(p, &m, &op, &ttl);
		if (zone_add(&z, wires[p[0] >> 1 & 7], m.type, DNS_CLASS_IN, ttl, m.rd, m.rdlen) < 0)
			abort();
		model_op(&md, &m, ZONE_ADD);
	}
	if (zone_finish(&z) < 0 || !same_content(&z, &md))
		abort();
	/* The deltas. */
	for (int round = 0; round < MAX_ROUNDS && p < end; round++) {
		struct zone_delta d;
		struct zone before;
		int bad = 0, rc;

		if (p[0] == 0xff)
			p++;
		saved = md;
		zone_delta_init(&d);
		for (; end - p >= 3 && p[0] != 0xff && md.n < MAX_RRS - 1; p += 3) {
			struct mrr m;
			int op;
			uint32_t ttl;

			decode(p, &m, &op, &ttl);
			if (zone_delta_add(&d, op, wires[p[0] >> 1 & 7], m.type, DNS_CLASS_IN, ttl,
			    m.rd, m.rdlen) < 0)
				abort();
			bad |= !bad && model_op(&md, &m, op) < 0;
		}
		if (end - p < 3)
			p = end;
		zone_init(&before);
		if (zone_copy(&before, &z) < 0)
			abort();
		rc = zone_apply(&z, &d, &ch);
		if ((rc < 0) != bad)
			abort(); /* refused a valid delta, or took an invalid one */
		if (rc < 0) {
			md = saved;
			if (!same_zone(&z, &before) || !z.err.set)
				abort(); /* half-applied */
		} else {
			if (!same_content(&z, &md))
				abort();
			check_changes(&before, &z, &ch);
		}
		zone_free(&before);
		zone_delta_free(&d);
	}
	zone_changes_free(&ch);
	zone_free(&z);
	return 0;
}
