#include "dns/zone.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fmt.h"
#include "base/json.h"
#include "codec/rr.h"

/*
 * Arena layout, every multi-octet value big-endian and read byte by byte:
 *   owner:  its rank in canonical order (4, set while finishing), a length
 *           octet, then the owner name lower-cased with its labels in
 *           reverse order ("com" "example" "www" then the root octet), so
 *           canonical order is a left-to-right label comparison;
 *   record: owner offset (4), type (2), TTL (4), flags (1: ZONE_DEL/ADD in
 *           a delta), RDLENGTH (2), rdata.
 * Consecutive RRs of one owner (the usual transfer order) share the owner.
 */
#define REC_HDR 13
#define OWNER_HDR 5

struct zone_setent {
	uint32_t first; /* position in idx of its first record */
	uint32_t count;
	uint32_t ttl;
};

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Record fields at arena offset r. */
static const uint8_t *
rec_owner(const uint8_t *a, uint32_t r)
{
	return a + get32(a + r) + OWNER_HDR;
}

static unsigned
rec_type(const uint8_t *a, uint32_t r)
{
	return get16(a + r + 4);
}

static uint32_t
rec_ttl(const uint8_t *a, uint32_t r)
{
	return get32(a + r + 6);
}

static unsigned
rec_flags(const uint8_t *a, uint32_t r)
{
	return a[r + 10];
}

static size_t
rec_rdlen(const uint8_t *a, uint32_t r)
{
	return get16(a + r + 11);
}

static const uint8_t *
rec_rdata(const uint8_t *a, uint32_t r)
{
	return a + r + REC_HDR;
}

/* Reverse the label order of a wire name (an involution: it also turns the
 * stored form back into wire form). len is the name's length. */
static void
reverse_labels(uint8_t *out, const uint8_t *name, size_t len)
{
	size_t n = 0;

	while (name[n]) {
		size_t l = 1 + (size_t)name[n];

		memcpy(out + len - 1 - n - l, name + n, l);
		n += l;
	}
	out[len - 1] = 0;
}

/* The owner of record r of arena a in wire form into out; returns its
 * length. */
static size_t
rec_wire_owner(const uint8_t *a, uint32_t r, uint8_t *out)
{
	const uint8_t *o = rec_owner(a, r);

	reverse_labels(out, o, o[-1]);
	return o[-1];
}

/* Canonical order of two stored (reversed, lower-case) owners. */
static int
rname_cmp(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		unsigned la = a[0], lb = b[0], m = la < lb ? la : lb;

		for (unsigned i = 1; i <= m; i++)
			if (a[i] != b[i])
				return (int)a[i] - (int)b[i];
		if (la != lb)
			return (int)la - (int)lb;
		if (la == 0)
			return 0;
		a += 1 + la;
		b += 1 + lb;
	}
}

/* Order of records by (owner, type) and, with rdata, by canonical rdata
 * (RFC 4034 section 6.3: octet strings, a shorter prefix first). Records
 * may live in two arenas. */
static int
rec_cmp(const uint8_t *aa, uint32_t ra, const uint8_t *ab, uint32_t rb, int rdata)
{
	size_t la, lb;
	int c;

	if (aa != ab || get32(aa + ra) != get32(ab + rb))
		if ((c = rname_cmp(rec_owner(aa, ra), rec_owner(ab, rb))))
			return c;
	if (rec_type(aa, ra) != rec_type(ab, rb))
		return rec_type(aa, ra) < rec_type(ab, rb) ? -1 : 1;
	if (!rdata)
		return 0;
	la = rec_rdlen(aa, ra);
	lb = rec_rdlen(ab, rb);
	if ((c = memcmp(rec_rdata(aa, ra), rec_rdata(ab, rb), la < lb ? la : lb)))
		return c;
	return la < lb ? -1 : la > lb;
}

/* Arena offsets compared by the sorts below. */
typedef int (*off_cmp)(const uint8_t *a, uint32_t x, uint32_t y);

static int
owner_cmp(const uint8_t *a, uint32_t x, uint32_t y)
{
	return rname_cmp(a + x + OWNER_HDR, a + y + OWNER_HDR);
}

/* Records by owner rank (set by rank_owners), type, then rdata: integer
 * comparisons for all but records of one set. */
static int
ranked_cmp(const uint8_t *a, uint32_t x, uint32_t y)
{
	uint32_t ka = get32(a + get32(a + x)), kb = get32(a + get32(a + y));

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return rec_cmp(a, x, a, y, 1);
}

static int
rec_cmp_full(const uint8_t *a, uint32_t x, uint32_t y)
{
	return rec_cmp(a, x, a, y, 1);
}

/* Stable bottom-up merge sort of v[0..n) with tmp[0..n): O(n log n) at
 * worst, one pass when v is already in order (as most transfers are). */
static void
sort_offsets(uint32_t *v, uint32_t *tmp, size_t n, const uint8_t *a, off_cmp cmp)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo + w < n; lo += 2 * w) {
			size_t mid = lo + w, hi = mid + w < n ? mid + w : n, i = lo, j = mid, k = lo;

			if (cmp(a, v[mid - 1], v[mid]) <= 0)
				continue;
			while (i < mid && j < hi)
				tmp[k++] = cmp(a, v[j], v[i]) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
			memcpy(v + lo, tmp + lo, (hi - lo) * sizeof *v);
		}
	}
}

/* Sort z->idx into canonical order: first the distinct owners, whose rank
 * goes into their entries (equal names get equal ranks), then the records
 * by rank, type and rdata. */
static int
sort_zone(struct zone *z)
{
	uint32_t *own, *tmp, prev = 0, rank = 0;
	size_t n = 0;

	own = malloc((z->nrr ? z->nrr : 1) * sizeof *own);
	tmp = malloc((z->nrr ? z->nrr : 1) * sizeof *tmp);
	if (!own || !tmp) {
		free(own);
		free(tmp);
		return err_set(&z->err, "out of memory sorting the zone");
	}
	for (size_t i = 0; i < z->nrr; i++) {
		uint32_t o = get32(z->arena + z->idx[i]);

		if (i == 0 || o != prev)
			own[n++] = o;
		prev = o;
	}
	sort_offsets(own, tmp, n, z->arena, owner_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && owner_cmp(z->arena, own[i - 1], own[i]))
			rank++;
		set32(z->arena + own[i], rank);
	}
	free(own);
	sort_offsets(z->idx, tmp, z->nrr, z->arena, ranked_cmp);
	free(tmp);
	return 0;
}

void
zone_init(struct zone *z)
{
	memset(z, 0, sizeof *z);
}

void
zone_free(struct zone *z)
{
	free(z->arena);
	free(z->idx);
	free(z->sets);
	zone_init(z);
}

static int
zone_fail(struct zone *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record an error that ends the zone (it stays failed). */
static int
zone_fail(struct zone *z, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(&z->err, fmt, ap);
	va_end(ap);
	z->failed = 1;
	return -1;
}

/* Room for n more arena octets. */
static int
arena_reserve(struct zone *z, size_t n)
{
	if (n > DNS_MAX_ZONE_BYTES - z->arena_len)
		return err_set(&z->err, "zone larger than %d octets (DNS_MAX_ZONE_BYTES)",
		    DNS_MAX_ZONE_BYTES);
	if (buf_grow_max(&z->arena, &z->arena_cap, z->arena_len, n, 1, DNS_MAX_ZONE_BYTES) < 0)
		return err_set(&z->err, "out of memory for the zone (%zu octets)", z->arena_len + n);
	return 0;
}

static int
idx_reserve(struct zone *z, size_t n)
{
	if (buf_grow(&z->idx, &z->idx_cap, z->nrr, n, sizeof *z->idx) < 0)
		return err_set(&z->err, "out of memory for the zone index");
	return 0;
}

/* Append a record (not indexed); returns its offset or -1. The owner is a
 * wire name in any case. */
static long
append(struct zone *z, const uint8_t *owner, unsigned type, uint32_t ttl, unsigned flags,
    const uint8_t *rdata, size_t rdlen)
{
	uint8_t low[DNS_NAME_MAX], rev[DNS_NAME_MAX];
	size_t olen = dns_name_len(owner);
	uint32_t r;
	uint8_t *p;

	if (rdlen > DNS_RDATA_MAX)
		return err_set(&z->err, "rdata longer than %d octets", DNS_RDATA_MAX);
	/* The same owner as the last RR, spelled the same (the usual case in
	 * a transfer): nothing to convert or store. */
	if (!z->have_owner || z->last_len != olen || memcmp(z->last_wire, owner, olen)) {
		memcpy(low, owner, olen);
		dns_name_lower(low);
		reverse_labels(rev, low, olen);
		if (!z->have_owner || z->arena[z->last_owner + OWNER_HDR - 1] != olen ||
		    memcmp(z->arena + z->last_owner + OWNER_HDR, rev, olen)) {
			if (arena_reserve(z, OWNER_HDR + olen) < 0)
				return -1;
			z->last_owner = (uint32_t)z->arena_len;
			set32(z->arena + z->arena_len, 0);
			z->arena[z->arena_len + OWNER_HDR - 1] = (uint8_t)olen;
			memcpy(z->arena + z->arena_len + OWNER_HDR, rev, olen);
			z->arena_len += OWNER_HDR + olen;
		}
		memcpy(z->last_wire, owner, olen);
		z->last_len = (uint8_t)olen;
		z->have_owner = 1;
	}
	if (arena_reserve(z, REC_HDR + rdlen) < 0)
		return -1;
	r = (uint32_t)z->arena_len;
	p = z->arena + r;
	set32(p, z->last_owner);
	p[4] = (uint8_t)(type >> 8);
	p[5] = (uint8_t)type;
	/* RFC 2181 section 8: a TTL with the top bit set is zero. */
	set32(p + 6, ttl & UINT32_C(0x80000000) ? 0 : ttl);
	p[10] = (uint8_t)flags;
	p[11] = (uint8_t)(rdlen >> 8);
	p[12] = (uint8_t)rdlen;
	if (rdlen)
		memcpy(p + REC_HDR, rdata, rdlen);
	rr_canonicalize(type, p + REC_HDR, rdlen);
	z->arena_len += REC_HDR + rdlen;
	return (long)r;
}

static int
add(struct zone *z, const uint8_t *owner, unsigned type, unsigned class, uint32_t ttl,
    unsigned flags, const uint8_t *rdata, size_t rdlen)
{
	long r;

	if (z->failed)
		return -1;
	if (z->finished)
		return zone_fail(z, "RR added to a finished zone");
	if (class != DNS_CLASS_IN)
		return zone_fail(z, "RR of class %u: only class IN zones are supported", class);
	if (z->nrr >= DNS_MAX_ZONE_RRS)
		return zone_fail(z, "zone has more than %d RRs (DNS_MAX_ZONE_RRS)",
		    DNS_MAX_ZONE_RRS);
	if (idx_reserve(z, 1) < 0 || (r = append(z, owner, type, ttl, flags, rdata, rdlen)) < 0) {
		z->failed = 1;
		return -1;
	}
	z->idx[z->nrr++] = (uint32_t)r;
	return 0;
}

int
zone_add(struct zone *z, const uint8_t *owner, unsigned type, unsigned class, uint32_t ttl,
    const uint8_t *rdata, size_t rdlen)
{
	return add(z, owner, type, class, ttl, 0, rdata, rdlen);
}

/* Group the sorted records idx[0..*n) of arena a into sets, dropping
 * duplicate RRs (their lowest TTL counts, RFC 2181 section 5.2, and is
 * written into the record kept, so grouping again after an IXFR gives the
 * set the same TTL); *n becomes the records kept. Returns the sets
 * (malloc'ed), NULL with *nsets 0 for none, or NULL and an error. */
static struct zone_setent *
group(struct zone *z, uint8_t *a, uint32_t *idx, size_t *n, size_t *nsets)
{
	struct zone_setent *sets;
	size_t k = 0, ns = 0;

	*nsets = 0;
	for (size_t i = 0; i < *n; i++)
		if (i == 0 || rec_cmp(a, idx[i - 1], a, idx[i], 0))
			ns++;
	if (ns == 0)
		return NULL;
	if (!(sets = malloc(ns * sizeof *sets))) {
		err_set(&z->err, "out of memory for %zu record sets", ns);
		return NULL;
	}
	ns = 0;
	for (size_t i = 0; i < *n; i++) {
		uint32_t ttl = rec_ttl(a, idx[i]);

		if (k && !rec_cmp(a, idx[k - 1], a, idx[i], 1)) {
			/* Duplicate RR: keep one, with the lower TTL. */
			if (ttl < rec_ttl(a, idx[k - 1]))
				set32(a + idx[k - 1] + 6, ttl);
			if (ttl < sets[ns - 1].ttl)
				sets[ns - 1].ttl = ttl;
			continue;
		}
		if (k == 0 || rec_cmp(a, idx[k - 1], a, idx[i], 0)) {
			sets[ns].first = (uint32_t)k;
			sets[ns].count = 0;
			sets[ns].ttl = ttl;
			ns++;
		}
		if (ttl < sets[ns - 1].ttl)
			sets[ns - 1].ttl = ttl;
		if (++sets[ns - 1].count > DNS_MAX_SET_RRS) {
			char name[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];
			uint8_t wire[DNS_NAME_MAX];

			rec_wire_owner(a, idx[i], wire);
			dns_name_to_text(wire, name, sizeof name);
			err_set(&z->err, "record set %s %s has more than %d RRs", name,
			    rr_type_name(rec_type(a, idx[i]), tn), DNS_MAX_SET_RRS);
			free(sets);
			return NULL;
		}
		idx[k++] = idx[i];
	}
	*n = k;
	*nsets = ns;
	return sets;
}

int
zone_finish(struct zone *z)
{
	if (z->failed)
		return -1;
	if (z->finished)
		return 0;
	if (sort_zone(z) < 0) {
		z->failed = 1;
		return -1;
	}
	z->sets = group(z, z->arena, z->idx, &z->nrr, &z->nsets);
	if (!z->sets && z->nrr) {
		z->failed = 1;
		return -1;
	}
	z->finished = 1;
	return 0;
}

size_t
zone_rr_count(const struct zone *z)
{
	return z->nrr;
}

size_t
zone_set_count(const struct zone *z)
{
	return z->nsets;
}

/* The first record of set i. */
static uint32_t
set_rec(const struct zone *z, size_t i)
{
	return z->idx[z->sets[i].first];
}

void
zone_set_get(const struct zone *z, size_t i, struct zone_set *s)
{
	uint32_t r = set_rec(z, i);

	s->name_len = rec_wire_owner(z->arena, r, s->name);
	s->type = rec_type(z->arena, r);
	s->ttl = z->sets[i].ttl;
	s->count = z->sets[i].count;
}

const uint8_t *
zone_set_rdata(const struct zone *z, size_t i, size_t k, size_t *len)
{
	uint32_t r = z->idx[z->sets[i].first + k];

	*len = rec_rdlen(z->arena, r);
	return rec_rdata(z->arena, r);
}

/* Binary search of the sets of z for the key of record r of arena a:
 * the index, or -(insertion point) - 1. */
static long
find_set(const struct zone *z, const uint8_t *a, uint32_t r)
{
	size_t lo = 0, hi = z->nsets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = rec_cmp(z->arena, set_rec(z, mid), a, r, 0);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

long
zone_find(const struct zone *z, const uint8_t *name, unsigned type)
{
	/* A key record in a scratch arena: owner entry, then the header. */
	uint8_t key[OWNER_HDR + DNS_NAME_MAX + REC_HDR], low[DNS_NAME_MAX];
	size_t len = dns_name_len(name);
	uint32_t r = (uint32_t)(OWNER_HDR + len);
	long i;

	if (!z->finished || z->nsets == 0)
		return -1;
	memcpy(low, name, len);
	dns_name_lower(low);
	key[OWNER_HDR - 1] = (uint8_t)len;
	reverse_labels(key + OWNER_HDR, low, len);
	memset(key + r, 0, REC_HDR);
	key[r + 4] = (uint8_t)(type >> 8);
	key[r + 5] = (uint8_t)type;
	i = find_set(z, key, r);
	return i < 0 ? -1 : i;
}

/* Out of line: link-time optimisation would copy it into zone_diff and the
 * planner for more code than a call. */
__attribute__((noinline)) int
zone_set_cmp(const struct zone *a, size_t i, const struct zone *b, size_t j)
{
	return rec_cmp(a->arena, set_rec(a, i), b->arena, set_rec(b, j), 0);
}

int
zone_set_equal(const struct zone *a, size_t i, const struct zone *b, size_t j)
{
	const struct zone_setent *x = &a->sets[i], *y = &b->sets[j];

	if (x->ttl != y->ttl || x->count != y->count)
		return 0;
	for (uint32_t k = 0; k < x->count; k++) {
		uint32_t ra = a->idx[x->first + k], rb = b->idx[y->first + k];
		size_t la = rec_rdlen(a->arena, ra);

		if (la != rec_rdlen(b->arena, rb) ||
		    memcmp(rec_rdata(a->arena, ra), rec_rdata(b->arena, rb), la))
			return 0;
	}
	return 1;
}

/* ---- IXFR ---------------------------------------------------------------------- */

void
zone_delta_init(struct zone_delta *d)
{
	zone_init(&d->ops);
}

void
zone_delta_free(struct zone_delta *d)
{
	zone_free(&d->ops);
}

int
zone_delta_add(struct zone_delta *d, int op, const uint8_t *owner, unsigned type,
    unsigned class, uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	if (op != ZONE_DEL && op != ZONE_ADD)
		return zone_fail(&d->ops, "bad IXFR delta operation");
	return add(&d->ops, owner, type, class, ttl, (unsigned)op, rdata, rdlen);
}

int
zone_delta_part(const struct zone_delta *d, size_t first, size_t end, int op, struct zone *out)
{
	const uint8_t *a = d->ops.arena;

	for (size_t i = first; i < end && i < d->ops.nrr; i++) {
		uint32_t r = d->ops.idx[i];
		uint8_t wire[DNS_NAME_MAX];

		if (rec_flags(a, r) != (unsigned)op)
			continue;
		rec_wire_owner(a, r, wire);
		if (zone_add(out, wire, rec_type(a, r), DNS_CLASS_IN, rec_ttl(a, r), rec_rdata(a, r),
		    rec_rdlen(a, r)) < 0)
			return -1;
	}
	return zone_finish(out);
}

int
zone_copy(struct zone *dst, const struct zone *src)
{
	for (size_t i = 0; i < zone_set_count(src); i++) {
		struct zone_set s;

		zone_set_get(src, i, &s);
		for (size_t k = 0; k < s.count; k++) {
			size_t len;
			const uint8_t *rd = zone_set_rdata(src, i, k, &len);

			if (add(dst, s.name, s.type, DNS_CLASS_IN, s.ttl, 0, rd, len) < 0)
				return -1;
		}
	}
	return zone_finish(dst);
}

void
zone_changes_init(struct zone_changes *c)
{
	memset(c, 0, sizeof *c);
}

void
zone_changes_free(struct zone_changes *c)
{
	free(c->buf);
	free(c->off);
	zone_changes_init(c);
}

const uint8_t *
zone_changes_get(const struct zone_changes *c, size_t i, unsigned *type)
{
	const uint8_t *p = c->buf + c->off[i];

	*type = get16(p);
	return p + 2;
}

/* Append the key of record r of arena a to c. */
static int
changes_add(struct zone_changes *c, const uint8_t *a, uint32_t r)
{
	const uint8_t *o = rec_owner(a, r);
	size_t need = 2 + o[-1];

	if (buf_grow(&c->buf, &c->cap, c->len, need, 1) < 0 ||
	    buf_grow(&c->off, &c->off_cap, c->n, 1, sizeof *c->off) < 0)
		return -1;
	c->off[c->n++] = (uint32_t)c->len;
	c->buf[c->len] = (uint8_t)(rec_type(a, r) >> 8);
	c->buf[c->len + 1] = (uint8_t)rec_type(a, r);
	reverse_labels(c->buf + c->len + 2, o, o[-1]);
	c->len += need;
	return 0;
}

int
zone_diff(const struct zone *a, const struct zone *b, struct zone_changes *c)
{
	size_t i = 0, j = 0;

	c->n = c->len = 0;
	while (i < a->nsets || j < b->nsets) {
		int r = i == a->nsets ? 1 : j == b->nsets ? -1 : zone_set_cmp(a, i, b, j);
		int rc = 0;

		if (r < 0)
			rc = changes_add(c, a->arena, a->idx[a->sets[i].first]);
		else if (r > 0)
			rc = changes_add(c, b->arena, b->idx[b->sets[j].first]);
		else if (!zone_set_equal(a, i, b, j))
			rc = changes_add(c, a->arena, a->idx[a->sets[i].first]);
		if (rc < 0) {
			c->n = 0;
			return -1;
		}
		i += r <= 0;
		j += r >= 0;
	}
	return 0;
}

/* Position in z->idx of the record equal (with rdata) to record r of arena
 * a, or -1. */
static long
find_rec(const struct zone *z, const uint8_t *a, uint32_t r)
{
	size_t lo = 0, hi = z->nrr;

	/* The records are in canonical order, each once (group). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = rec_cmp(z->arena, z->idx[mid], a, r, 1);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void
missing_rr(struct zone *z, const uint8_t *a, uint32_t r)
{
	char name[DNS_NAME_TEXT_MAX], value[160], tn[RR_TYPE_NAME_MAX];
	uint8_t wire[DNS_NAME_MAX];

	rec_wire_owner(a, r, wire);
	dns_name_to_text(wire, name, sizeof name);
	rr_to_text(rec_type(a, r), rec_rdata(a, r), rec_rdlen(a, r), value, sizeof value);
	err_set(&z->err, "IXFR deletes %s %s %s, which is not in the zone", name,
	    rr_type_name(rec_type(a, r), tn), value);
}

/* Copy the live records of z into na (or only count the octets when na is
 * NULL), owners shared between neighbours; returns the length. */
static size_t
copy_live(struct zone *z, uint8_t *na)
{
	const uint8_t *prev = NULL;
	uint32_t owner = 0;
	size_t len = 0;

	for (size_t i = 0; i < z->nrr; i++) {
		uint32_t r = z->idx[i];
		const uint8_t *o = rec_owner(z->arena, r);
		size_t rl = REC_HDR + rec_rdlen(z->arena, r);

		if (!prev || prev[-1] != o[-1] || memcmp(prev, o, o[-1])) {
			owner = (uint32_t)len;
			if (na)
				memcpy(na + len, o - OWNER_HDR, OWNER_HDR + (size_t)o[-1]);
			len += OWNER_HDR + (size_t)o[-1];
			prev = o;
		}
		if (na) {
			memcpy(na + len, z->arena + r, rl);
			set32(na + len, owner);
			z->idx[i] = (uint32_t)len;
		}
		len += rl;
	}
	return len;
}

/* Copy the live records into a fresh arena once more than half of it is
 * garbage (left by IXFRs). */
static void
compact(struct zone *z)
{
	size_t len = copy_live(z, NULL);
	uint8_t *na;

	if (z->arena_len <= 2 * len + 4096)
		return;
	if (!(na = malloc(len ? len : 1)))
		return; /* keep the old arena: still correct, only larger */
	copy_live(z, na);
	free(z->arena);
	z->arena = na;
	z->arena_len = len;
	z->arena_cap = len ? len : 1;
	z->have_owner = 0;
}

int
zone_apply(struct zone *z, const struct zone_delta *d, struct zone_changes *changes)
{
	const uint8_t *da = d->ops.arena;
	size_t nops = d->ops.nrr, ndel = 0, nadd = 0, nkeys = 0, old_len = z->arena_len;
	size_t nidx = 0, nsets = 0, ncap;
	uint32_t *ops = NULL, *delpos = NULL, *addrec = NULL, *keys = NULL, *nix = NULL;
	struct zone_setent *nsetv = NULL;
	struct zone old;
	int rc = -1;

	if (!z->failed)
		err_clear(&z->err);
	if (z->failed || !z->finished)
		return err_set(&z->err, "IXFR applied to a zone that is not complete");
	if (d->ops.failed)
		return err_set(&z->err, "%s", d->ops.err.msg);
	if (changes) {
		changes->n = 0;
		changes->len = 0;
	}
	if (nops == 0)
		return 0;
	/* One allocation: the ops (the second nops for sorting), then the
	 * outcomes, at most one per op each. */
	if (!(ops = malloc(nops * 5 * sizeof *ops)))
		goto oom;
	delpos = ops + 2 * nops;
	addrec = delpos + nops;
	keys = addrec + nops;
	/* By key; the sort is stable, so each RR's ops stay in the order
	 * received. */
	memcpy(ops, d->ops.idx, nops * sizeof *ops);
	sort_offsets(ops, ops + nops, nops, da, rec_cmp_full);

	/* 1. Validate, and reduce each RR's history to its net effect. */
	for (size_t i = 0; i < nops;) {
		size_t j = i;
		long pos = find_rec(z, da, ops[i]);
		int present = pos >= 0, added = 0, fresh;
		uint32_t ttl = present ? rec_ttl(z->arena, z->idx[pos]) : 0, last = 0;

		for (; j < nops && !rec_cmp(da, ops[i], da, ops[j], 1); j++) {
			uint32_t r = ops[j];

			if (rec_flags(da, r) == ZONE_DEL) {
				if (!present) {
					missing_rr(z, da, r);
					goto out;
				}
				present = 0;
			} else {
				present = added = 1;
				last = r;
			}
		}
		/* A changed TTL is the old RR deleted and the new one added
		 * (fresh: the last added RR goes in, when still present). */
		fresh = added && (pos < 0 || rec_ttl(da, last) != ttl);
		if (pos >= 0 && (!present || fresh))
			delpos[ndel++] = (uint32_t)pos;
		if (present && fresh)
			addrec[nadd++] = last;
		if (pos >= 0 ? !present || fresh : present) {
			/* A candidate changed set, once per key. */
			if (!nkeys || rec_cmp(da, keys[nkeys - 1], da, ops[i], 0))
				keys[nkeys++] = ops[i];
		}
		i = j;
	}

	/* 2. Copy the added RRs into the arena (the old records stay). */
	if (z->nrr - ndel + nadd > DNS_MAX_ZONE_RRS) {
		err_set(&z->err, "zone has more than %d RRs (DNS_MAX_ZONE_RRS)", DNS_MAX_ZONE_RRS);
		goto out;
	}
	z->have_owner = 0;
	for (size_t i = 0; i < nadd; i++) {
		uint32_t r = addrec[i];
		uint8_t wire[DNS_NAME_MAX];
		long nr;

		rec_wire_owner(da, r, wire);
		nr = append(z, wire, rec_type(da, r), rec_ttl(da, r), 0, rec_rdata(da, r),
		    rec_rdlen(da, r));
		if (nr < 0)
			goto out;
		addrec[i] = (uint32_t)nr;
	}

	/* 3. Merge the kept records and the added ones, both in order. */
	ncap = z->nrr - ndel + nadd + 1;
	if (!(nix = malloc(ncap * sizeof *nix)))
		goto oom;
	{
		size_t i = 0, k = 0, a = 0;

		while (i < z->nrr || a < nadd) {
			if (k < ndel && delpos[k] == i) {
				i++;
				k++;
			} else if (a < nadd && (i == z->nrr || rec_cmp(z->arena, addrec[a],
			    z->arena, z->idx[i], 1) < 0))
				nix[nidx++] = addrec[a++];
			else
				nix[nidx++] = z->idx[i++];
		}
	}
	nsetv = group(z, z->arena, nix, &nidx, &nsets);
	if (!nsetv && nidx)
		goto out;

	/* 4. Report the sets whose contents differ, comparing old and new. */
	old = *z;
	z->idx = nix;
	z->sets = nsetv;
	z->nrr = nidx;
	z->nsets = nsets;
	for (size_t i = 0; changes && i < nkeys; i++) {
		long so = find_set(&old, da, keys[i]), sn = find_set(z, da, keys[i]);

		if ((so < 0) != (sn < 0) || (so >= 0 && !zone_set_equal(&old, (size_t)so, z,
		    (size_t)sn)))
			if (changes_add(changes, da, keys[i]) < 0) {
				z->idx = old.idx;
				z->sets = old.sets;
				z->nrr = old.nrr;
				z->nsets = old.nsets;
				changes->n = 0;
				goto oom;
			}
	}
	nix = old.idx;
	nsetv = old.sets;
	z->idx_cap = ncap;
	compact(z);
	rc = 0;
	goto out;
oom:
	err_set(&z->err, "out of memory applying an IXFR");
out:
	if (rc < 0)
		z->arena_len = old_len;
	z->have_owner = 0;
	free(ops);
	free(nix);
	free(nsetv);
	return rc;
}

/* ---- printing ------------------------------------------------------------------ */

/* A growing text buffer for the values of one set. */
struct textbuf {
	char *p;
	size_t cap;
};

static int
value_text(struct textbuf *t, unsigned type, const uint8_t *rdata, size_t len)
{
	long n = rr_to_text(type, rdata, len, t->p, t->cap);

	if (n >= 0 && (size_t)n < t->cap)
		return 0;
	free(t->p);
	t->cap = (size_t)n + 1;
	if (!(t->p = malloc(t->cap)))
		return -1;
	rr_to_text(type, rdata, len, t->p, t->cap);
	return 0;
}

static int
print_set(const struct zone *z, size_t i, struct fmt_stream *f, int json, struct textbuf *t)
{
	struct zone_set s;
	char name[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX], ttl[11];
	const char *type;
	size_t n;

	zone_set_get(z, i, &s);
	dns_name_to_text(s.name, name, sizeof name);
	type = rr_type_name(s.type, tn);
	/* The TTL by hand: printf per set is slow in musl. */
	ttl[sizeof ttl - 1] = '\0';
	n = sizeof ttl - 1;
	do {
		ttl[--n] = (char)('0' + s.ttl % 10);
		s.ttl /= 10;
	} while (s.ttl);
	if (json) {
		fmt_fputs("{\"name\":", f);
		json_write_str(f, name);
		fmt_fputs(",\"type\":\"", f);
		fmt_fputs(type, f);
		fmt_fputs("\",\"ttl\":", f);
		fmt_fputs(ttl + n, f);
		fmt_fputs(",\"values\":[", f);
	} else {
		fmt_fputs(name, f);
		fmt_fputc(' ', f);
		fmt_fputs(ttl + n, f);
		fmt_fputc(' ', f);
		fmt_fputs(type, f);
		fmt_fputc(' ', f);
	}
	for (size_t k = 0; k < s.count; k++) {
		size_t len;
		const uint8_t *r = zone_set_rdata(z, i, k, &len);

		if (value_text(t, s.type, r, len) < 0)
			return -1;
		if (k)
			fmt_fputs(json ? "," : " | ", f);
		if (json)
			json_write_str(f, t->p);
		else
			fmt_fputs(t->p, f);
	}
	fmt_fputs(json ? "]}\n" : "\n", f);
	return f->err ? -1 : 0;
}

int
zone_print_set(const struct zone *z, size_t i, struct fmt_stream *f, int json)
{
	struct textbuf t = { NULL, 0 };
	int rc = print_set(z, i, f, json, &t);

	free(t.p);
	return rc;
}

int
zone_print(const struct zone *z, struct fmt_stream *f, int json)
{
	struct textbuf t = { NULL, 0 };
	int rc = 0;

	for (size_t i = 0; i < z->nsets && rc == 0; i++)
		rc = print_set(z, i, f, json, &t);
	free(t.p);
	return rc;
}
