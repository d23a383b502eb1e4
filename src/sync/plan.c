#include "sync/plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fmt.h"
#include "base/sort.h"
#include "codec/dns.h"
#include "codec/rr.h"

/* Strings (names, rendered values, notes) live in blocks that never move,
 * so pointers to them stay valid while the plan grows. A block is large
 * enough for malloc to map it on its own: only the pages written count,
 * where a smaller one is rounded up to the allocator's next size class. */
#define BLOCK_SIZE 131072

struct plan_block {
	struct plan_block *next;
	size_t used, size;
	char data[];
};

/* A change: planned in any order, then sorted in place into batch order
 * (the plan's changes, rendered as r53_change only when asked: plan_change,
 * plan_changes). Values are index ranges into p->vpool, which still grows. */
struct item {
	const uint8_t *wname;  /* lower-case wire name, for the order */
	const char *name;      /* as sent */
	uint32_t ttl;
	uint32_t group;        /* owner name, once batched (plan_info.group) */
	uint32_t v;            /* values: first in vpool */
	uint32_t chars;        /* their characters (a listing is < 4 GB) */
	uint16_t nv;           /* how many (at most R53LIST_MAX_VALUES) */
	uint16_t type;
	unsigned old:24;       /* an UPDATE's old set: 1 + its index in p->olds,
	                        * or 0 (none); a side table keeps the items
	                        * small (a full sync into an empty zone has
	                        * 100,000s of CREATEs and no old set) */
	unsigned action:2;     /* enum r53_action */
	unsigned kind:2;       /* enum plan_kind */
	unsigned hidden:1;     /* DELETE half of an UPDATE */
	unsigned soa:1;        /* the SOA update: not counted by the safety check */
	unsigned dropped:1;    /* left out: too large for any batch, malformed, or
	                        * held back by another left out (hold_back) */
	unsigned lazy:1;       /* a set of p->src (v its index there): name and
	                        * values rendered when asked (plan_text) */
};

/* The set an UPDATE replaces: TTL, values (first in vpool, how many,
 * their characters). */
struct old {
	uint32_t ttl, v, chars;
	uint16_t n;
};

#define MAX_OLDS ((1u << 24) - 2)

/* The text of changes rendered from the primary's zone when asked for: one
 * for plan_changes, one for plan_change. */
struct plan_text {
	char *buf;
	size_t used, cap;
	const char **vals;
	size_t nvals, vcap;
};

/* Why a record set is left alone. */
enum filt {
	F_KEEP,
	F_SOA,         /* apex SOA: handled on its own */
	F_APEX_NS,
	F_DNSSEC,
	F_UNSUPPORTED,
	F_IGNORED,
	F_OUTSIDE,
	F_SUB_SOA      /* an SOA below the apex */
};

/* Route 53 sets outside the comparison, by what they are. */
enum {
	SP_ALIAS,
	SP_ROUTING,
	SP_IGNORED,
	SP_APEX_NS,
	SP_UNSUPPORTED,
	SP_BAD         /* plain, but a value does not parse: replaced or deleted */
};

struct special {
	const uint8_t *name; /* lower-case wire, in plan storage */
	uint32_t idx;        /* in the listing */
	uint16_t type;
	uint8_t what;
	uint8_t used;        /* SP_BAD: replaced by an UPDATE */
};

/* Sets counted per (reason, type) instead of one note each. */
struct tally {
	uint16_t type;
	uint8_t filt; /* F_DNSSEC or F_UNSUPPORTED */
	size_t count;
};

struct ctx {
	struct plan *p;
	const struct plan_opts *o;
	uint8_t apex[DNS_NAME_MAX];
	const struct r53list *l;   /* plan_full */
	struct special *sp;
	size_t nsp, sp_cap;
	int apex_ns_noted;
	int has_soa;               /* the primary's zone has its apex SOA */
	int upsert_new;            /* plan_incremental: a new set is UPSERTed */
	size_t managed;            /* the primary's sets the plan manages */
	uint8_t *scratch;          /* rdata of one listed set */
	size_t scratch_cap;
	const char *vals[R53LIST_MAX_VALUES];
};

void
plan_opts_init(struct plan_opts *o, const struct cfg_zone *z)
{
	memset(o, 0, sizeof *o);
	o->zone = z;
	o->safety.max_delete_percent = CFG_DEFAULT_MAX_DELETE_PERCENT;
	o->safety.max_update_percent = CFG_DEFAULT_MAX_UPDATE_PERCENT;
	o->safety.min_existing = CFG_DEFAULT_MIN_EXISTING;
	o->max_records = PLAN_BATCH_RECORDS;
	o->max_chars = PLAN_BATCH_CHARS;
}

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof *p);
}

static void
free_blocks(struct plan_block **head)
{
	while (*head) {
		struct plan_block *b = *head;

		*head = b->next;
		free(b);
	}
}

void
plan_free(struct plan *p)
{
	free_blocks(&p->blocks);
	plan_release(p);
	free(p->batches);
	free(p->notes);
	free(p->tally);
	plan_init(p);
}

void
plan_release(struct plan *p)
{
	free(p->view);
	for (int k = 0; p->text && k < 2; k++) {
		free(p->text[k].buf);
		free(p->text[k].vals);
	}
	free(p->text);
	free(p->vpool);
	free(p->items);
	free(p->olds);
	free_blocks(&p->wblocks);
	p->olds = NULL;
	p->nolds = p->olds_cap = 0;
	p->view = NULL;
	p->text = NULL;
	p->vpool = NULL;
	p->items = NULL;
	p->view_cap = p->nvpool = p->vpool_cap = p->nitems = p->items_cap = p->nchanges = 0;
}

/* ---- storage ------------------------------------------------------------------- */

static int
oom(struct plan *p)
{
	return err_set(&p->err, "out of memory for the plan");
}

/* n octets that stay in place until plan_free (in p->blocks) or
 * plan_release (p->wblocks), or NULL. */
static char *
store_in(struct plan *p, struct plan_block **head, size_t n)
{
	struct plan_block *b = *head;

	if (!b || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;

		if (!(b = malloc(sizeof *b + size))) {
			oom(p);
			return NULL;
		}
		b->size = size;
		b->used = 0;
		/* A large string gets a block of its own behind the current
		 * one, which keeps its free room. */
		if (size > BLOCK_SIZE && *head) {
			b->next = (*head)->next;
			(*head)->next = b;
		} else {
			b->next = *head;
			*head = b;
		}
	}
	b->used += n;
	return b->data + b->used - n;
}

static char *
store(struct plan *p, size_t n)
{
	return store_in(p, &p->blocks, n);
}

static void *
keep_in(struct plan *p, struct plan_block **head, const void *s, size_t n)
{
	char *d = store_in(p, head, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static void *
keep(struct plan *p, const void *s, size_t n)
{
	return keep_in(p, &p->blocks, s, n);
}

/* The Route 53 value text of rdata, in plan storage; its length in *n.
 * NULL when the rdata is malformed (why says how) or memory ran out
 * (p->err). */
static const char *
render(struct plan *p, unsigned type, const uint8_t *rd, size_t len, size_t *n, struct err *why)
{
	struct plan_block *b = p->blocks;
	size_t room = b ? b->size - b->used : 0;
	char *s = b ? b->data + b->used : NULL;
	long r = rr_to_r53(type, rd, len, s, room, why);

	if (r < 0)
		return NULL;
	*n = (size_t)r;
	if ((size_t)r < room) {
		b->used += (size_t)r + 1;
		return s;
	}
	if (!(s = store(p, (size_t)r + 1)))
		return NULL;
	rr_to_r53(type, rd, len, s, (size_t)r + 1, NULL);
	return s;
}

static int
vpush(struct plan *p, const char *s)
{
	if (buf_grow(&p->vpool, &p->vpool_cap, p->nvpool, 1, sizeof *p->vpool) < 0)
		return oom(p);
	p->vpool[p->nvpool++] = s;
	return 0;
}

/* ---- notes --------------------------------------------------------------------- */

/* "www.example.com. A" for notes. */
struct setname {
	char name[DNS_NAME_TEXT_MAX];
	char type[RR_TYPE_NAME_MAX];
	const char *t;
};

static struct setname *
setname(struct setname *s, const uint8_t *wire, unsigned type)
{
	dns_name_to_text(wire, s->name, sizeof s->name);
	s->t = rr_type_name(type, s->type);
	return s;
}

/* A note, after "NAME TYPE: " when wire is given ("NAME: " for type 0):
 * one function for the notes about a set, which are most, and the others
 * (note). */
static void note_set(struct plan *p, enum plan_level lv, const uint8_t *wire, unsigned type,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
note_set(struct plan *p, enum plan_level lv, const uint8_t *wire, unsigned type,
    const char *fmt, ...)
{
	char buf[ERR_MSG_MAX + DNS_NAME_TEXT_MAX];
	va_list ap;
	int k = 0, n;

	if (p->nnotes >= PLAN_MAX_NOTES) {
		p->notes_dropped++;
		return;
	}
	if (wire) {
		struct setname sn;

		setname(&sn, wire, type);
		k = fmt_snprintf(buf, sizeof buf, type ? "%s %s: " : "%s: ", sn.name, sn.t);
	}
	va_start(ap, fmt);
	n = fmt_vsnprintf(buf + k, sizeof buf - (size_t)k, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += k;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	if (buf_grow(&p->notes, &p->notes_cap, p->nnotes, 1, sizeof *p->notes) < 0) {
		oom(p);
		return;
	}
	if (!(p->notes[p->nnotes].text = keep(p, buf, (size_t)n + 1)))
		return;
	p->notes[p->nnotes++].level = lv;
}

/* A note about no set in particular: one variadic function (note_set),
 * not two. */
#define note(p, lv, ...) note_set(p, lv, NULL, 0, __VA_ARGS__)

static void
count_type(struct plan *p, enum filt f, unsigned type)
{
	struct tally *t = p->tally;

	p->nskipped++;
	for (size_t i = 0; i < p->ntally; i++)
		if (t[i].type == type && t[i].filt == f) {
			t[i].count++;
			return;
		}
	if (buf_grow(&p->tally, &p->ntally_cap, p->ntally, 1, sizeof *t) < 0) {
		oom(p);
		return;
	}
	t = p->tally;
	t[p->ntally].type = (uint16_t)type;
	t[p->ntally].filt = (uint8_t)f;
	t[p->ntally++].count = 1;
}

/* One note per tallied (reason, type), in the order first seen. */
static void
tally_notes(struct plan *p)
{
	const struct tally *t = p->tally;

	for (size_t i = 0; i < p->ntally; i++) {
		char tn[RR_TYPE_NAME_MAX];
		const char *type = rr_type_name(t[i].type, tn);

		int dnssec = t[i].filt == F_DNSSEC;

		note(p, dnssec ? PLAN_INFO : PLAN_WARN, dnssec ? "%s: %zu record set%s of the signed "
		    "primary not synced (Route 53 signs zones itself)" : "%s: %zu record set%s not "
		    "synced: Route 53 cannot hold this type", type, t[i].count,
		    t[i].count == 1 ? "" : "s");
	}
}

/* ---- filters ------------------------------------------------------------------- */

static int
is_dnssec(unsigned type)
{
	switch (type) {
	case DNS_TYPE_DNSKEY:
	case DNS_TYPE_RRSIG:
	case DNS_TYPE_NSEC:
	case DNS_TYPE_NSEC3:
	case DNS_TYPE_NSEC3PARAM:
	case DNS_TYPE_CDS:
	case DNS_TYPE_CDNSKEY:
		return 1;
	default:
		return 0;
	}
}

static enum filt
filter(const struct ctx *c, const uint8_t *name, unsigned type)
{
	int apex = dns_name_equal(name, c->apex);

	if (!apex && !dns_name_is_sub(name, c->apex))
		return F_OUTSIDE;
	if (type == DNS_TYPE_SOA)
		return apex ? F_SOA : F_SUB_SOA;
	if (type == DNS_TYPE_NS && apex)
		return F_APEX_NS;
	if (is_dnssec(type))
		return F_DNSSEC;
	if (!rr_r53_supported(type))
		return F_UNSUPPORTED;
	if (c->o->zone->nignore) {
		char text[DNS_NAME_TEXT_MAX];

		dns_name_to_text(name, text, sizeof text);
		if (cfg_ignored(c->o->zone, text, (uint16_t)type))
			return F_IGNORED;
	}
	return F_KEEP;
}

static void
apex_ns_note(struct ctx *c)
{
	if (c->apex_ns_noted++)
		return;
	c->p->nskipped++;
	note_set(c->p, PLAN_INFO, c->apex, DNS_TYPE_NS,
	    "apex NS left alone (Route 53's name servers)");
}

/* Note a set of the primary's zone that is left alone; on_r53 says Route
 * 53's side already noted the same set. */
static void
skip_desired(struct ctx *c, enum filt f, const uint8_t *name, unsigned type, int on_r53)
{
	enum plan_level lv = PLAN_WARN;
	const char *fmt; /* the note, its one argument the zone's name */

	switch (f) {
	case F_APEX_NS:
		apex_ns_note(c);
		return;
	case F_DNSSEC:
	case F_UNSUPPORTED:
		count_type(c->p, f, type);
		return;
	case F_IGNORED:
		if (on_r53)
			return;
		lv = PLAN_INFO;
		fmt = "matched by an ignore rule, left alone";
		break;
	case F_OUTSIDE:
		fmt = "the primary's zone has a name outside %s, not synced";
		break;
	case F_SUB_SOA:
		fmt = "an SOA below the apex is not synced";
		break;
	default:
		return;
	}
	c->p->nskipped++;
	note_set(c->p, lv, name, type, fmt, c->o->zone->name);
}

/* ---- Route 53 side sets left alone --------------------------------------------- */

static int
special_cmp(const void *a, const void *b)
{
	const struct special *x = a, *y = b;
	int c = dns_name_cmp(x->name, y->name);

	if (c)
		return c;
	return x->type < y->type ? -1 : x->type > y->type;
}

static int
special_add(struct ctx *c, const uint8_t *wire, unsigned type, uint32_t idx, int what)
{
	struct special *s;
	const uint8_t *name;

	if (buf_grow(&c->sp, &c->sp_cap, c->nsp, 1, sizeof *c->sp) < 0)
		return oom(c->p);
	if (!(name = keep(c->p, wire, dns_name_len(wire))))
		return -1;
	s = &c->sp[c->nsp++];
	s->name = name;
	s->idx = idx;
	s->type = (uint16_t)type;
	s->what = (uint8_t)what;
	s->used = 0;
	return 0;
}

/* First special at name (type 0) or at (name, type), or nsp. */
static size_t
special_lower(const struct ctx *c, const uint8_t *name, unsigned type)
{
	size_t lo = 0, hi = c->nsp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = dns_name_cmp(c->sp[mid].name, name);

		if (r < 0 || (r == 0 && c->sp[mid].type < type))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct special *
special_find(const struct ctx *c, const uint8_t *name, unsigned type)
{
	size_t i = special_lower(c, name, type);

	if (i < c->nsp && c->sp[i].type == type && !dns_name_cmp(c->sp[i].name, name))
		return &c->sp[i];
	return NULL;
}

/* A CNAME cannot share its name (RFC 1034 section 3.6.2), and Route 53
 * refuses a batch that would make it: a CNAME of the primary next to a set
 * Route 53 keeps and we leave alone, or another type next to such a CNAME,
 * is a conflict. Returns the set in the way, or NULL. */
static const struct special *
cname_conflict(const struct ctx *c, const uint8_t *name, unsigned type)
{
	for (size_t i = special_lower(c, name, 0); i < c->nsp; i++) {
		const struct special *s = &c->sp[i];

		if (dns_name_cmp(s->name, name))
			break;
		if (s->what == SP_BAD || s->what == SP_APEX_NS)
			continue;
		if ((type == DNS_TYPE_CNAME) != (s->type == DNS_TYPE_CNAME))
			return s;
	}
	return NULL;
}

static const char *
special_what(const struct special *s)
{
	switch (s->what) {
	case SP_ALIAS:
		return "an alias record set";
	case SP_ROUTING:
		return "a routing-policy record set";
	case SP_IGNORED:
		return "a set matched by an ignore rule";
	default:
		return "a set of a type notify53 does not manage";
	}
}

/* ---- items ------------------------------------------------------------------- */

static struct item *
item_new(struct ctx *c, const uint8_t *wire, const char *name, unsigned type, enum r53_action a,
    enum plan_kind k, uint32_t ttl)
{
	struct plan *p = c->p;
	struct item *it;
	const uint8_t *w;

	if (buf_grow(&p->items, &p->items_cap, p->nitems, 1, sizeof *it) < 0) {
		oom(p);
		return NULL;
	}
	if (!(w = keep_in(p, &p->wblocks, wire, dns_name_len(wire))))
		return NULL;
	if (!name) {
		char text[DNS_NAME_TEXT_MAX];
		int n = dns_name_to_r53(wire, text, sizeof text);

		if (n < 0 || !(name = keep(p, text, (size_t)n + 1)))
			return NULL;
	}
	it = (struct item *)p->items + p->nitems++;
	memset(it, 0, sizeof *it);
	it->wname = w;
	it->name = name;
	it->type = (uint16_t)type;
	it->action = (uint8_t)a;
	it->kind = (uint8_t)k;
	it->ttl = ttl;
	it->v = (uint32_t)p->nvpool;
	return it;
}

/* Keep o, the set the UPDATE it replaces. Returns 0, or -1 on no memory
 * (p->err). */
static int
set_old(struct plan *p, struct item *it, const struct old *o)
{
	if (p->nolds >= MAX_OLDS)
		return err_set(&p->err, "more than %u updates in one plan", MAX_OLDS);
	if (buf_grow(&p->olds, &p->olds_cap, p->nolds, 1, sizeof *o) < 0)
		return oom(p);
	((struct old *)p->olds)[p->nolds++] = *o;
	it->old = (unsigned)p->nolds;
	return 0;
}

/* The set an item replaces, all 0 when none. */
static struct old
old_of(const struct plan *p, const struct item *it)
{
	struct old none = { 0, 0, 0, 0 };

	return it->old ? ((const struct old *)p->olds)[it->old - 1] : none;
}

/* Push the values of set i of z, rendered, to vpool (or, p NULL, only
 * count them): the first's place, their count and characters in *o. -1
 * when one is malformed (why) or on no memory (p->err). */
static int
zone_values(struct plan *p, const struct zone *z, size_t i, size_t count, unsigned type,
    struct old *o, struct err *why)
{
	o->v = p ? (uint32_t)p->nvpool : 0;
	o->n = 0;
	o->chars = 0;
	if (count > PLAN_MAX_SET_VALUES) {
		err_set(why, "%zu values, Route 53 holds at most %d in one record set", count,
		    PLAN_MAX_SET_VALUES);
		return -1;
	}
	for (size_t k = 0; k < count; k++) {
		size_t len, n;
		const uint8_t *rd = zone_set_rdata(z, i, k, &len);
		long r;

		if (p) {
			const char *s = render(p, type, rd, len, &n, why);

			if (!s || vpush(p, s) < 0)
				return -1;
		} else if ((r = rr_to_r53(type, rd, len, NULL, 0, why)) < 0)
			return -1;
		else
			n = (size_t)r;
		if (n > PLAN_MAX_VALUE_CHARS) {
			err_set(why, "a value of %zu characters, Route 53 takes at most %d", n,
			    PLAN_MAX_VALUE_CHARS);
			return -1;
		}
		o->chars += (uint32_t)n;
		o->n++;
	}
	return 0;
}

/* Push the values of listed set idx verbatim: the set in *o. */
static int
list_values(struct ctx *c, size_t idx, struct old *o)
{
	struct r53list_set s;

	r53list_get(c->l, idx, &s, c->vals);
	o->ttl = s.ttl;
	o->v = (uint32_t)c->p->nvpool;
	o->n = 0;
	o->chars = 0;
	for (int k = 0; k < s.nvalues; k++) {
		if (vpush(c->p, s.values[k]) < 0)
			return -1;
		o->chars += (uint32_t)strlen(s.values[k]);
		o->n++;
	}
	return 0;
}

/* CREATE set i of the primary's zone z, or UPDATE it (old: the set it
 * replaces, its values already on vpool). Returns 0, or -1 on no memory;
 * a malformed set is an error note. */
static int
put_desired(struct ctx *c, const struct zone *z, size_t i, const struct zone_set *s,
    const struct old *old)
{
	struct plan *p = c->p;
	struct err why = { 0 };
	struct item *it;
	struct old new;

	/* One zone for all: the primary's (plan_full) or the next one
	 * (plan_incremental). */
	p->src = z;
	if (!(it = item_new(c, s->name, "", s->type, !old && !c->upsert_new ? R53_CREATE :
	    R53_UPSERT, old ? PLAN_UPDATE : PLAN_CREATE, s->ttl)))
		return -1;
	it->name = NULL;
	it->lazy = 1;
	it->v = (uint32_t)i;
	if (old && set_old(p, it, old) < 0)
		return -1;
	if (zone_values(NULL, z, i, s->count, s->type, &new, &why) < 0) {
		/* Left out, but kept in the items: Route 53 keeps the old
		 * set of an UPDATE (hold_back). */
		it->nv = 0;
		it->chars = 0;
		it->dropped = 1;
		p->nerrors++;
		note_set(p, PLAN_ERROR, s->name, s->type, "not synced: %s", why.msg);
		return 0;
	}
	it->nv = new.n;
	it->chars = new.chars;
	return 0;
}

/* DELETE set o (its TTL and values on vpool). */
static int
put_delete(struct ctx *c, const uint8_t *wire, const char *name, unsigned type,
    const struct old *o)
{
	struct item *it = item_new(c, wire, name, type, R53_DELETE, PLAN_DELETE, o->ttl);

	if (!it)
		return -1;
	it->v = o->v;
	it->nv = o->n;
	it->chars = o->chars;
	return 0;
}

/* ---- SOA ----------------------------------------------------------------------- */

/* Plan the apex SOA: Route 53's mname and rname (from its value r53 with
 * TTL r53_ttl) with the serial, timers and TTL of the primary's SOA (set i
 * of z). old_name is Route 53's owner text or NULL. */
static int
plan_soa(struct ctx *c, const struct zone *z, long i, const char *r53, uint32_t r53_ttl,
    const char *old_name)
{
	struct plan *p = c->p;
	struct zone_set s;
	struct rr_soa soa;
	struct err why = { 0 };
	uint8_t rd[2 * DNS_NAME_MAX + 20];
	const uint8_t *nums;
	size_t n;
	const char *text;
	long ol;
	struct item *it;
	struct old o;

	enum plan_level lv = PLAN_WARN;
	const char *fmt; /* the note when the SOA is left alone */

	if (r53 && !(p->soa_value = keep(p, r53, strlen(r53) + 1)))
		return -1;
	if (!c->o->zone->sync_soa) {
		lv = PLAN_INFO;
		fmt = "SOA not synced (sync_soa is false)";
		goto skip;
	}
	if (i < 0)
		return 0; /* no SOA in the primary's zone: the safety check refuses */
	if (!r53) {
		fmt = "SOA left alone: Route 53's SOA is not known";
		goto skip;
	}
	zone_set_get(z, (size_t)i, &s);
	if ((ol = rr_from_r53(DNS_TYPE_SOA, r53, strlen(r53), rd, sizeof rd, &why)) < 0 ||
	    rr_soa_parse(&soa, rd, (size_t)ol, &why) < 0) {
		fmt = "SOA left alone: Route 53's value does not parse: %s";
		goto skip;
	}
	{
		size_t dl;
		const uint8_t *d = zone_set_rdata(z, (size_t)i, 0, &dl);

		if (s.count != 1 || rr_soa_parse(&soa, d, dl, &why) < 0) {
			p->nerrors++;
			note(p, PLAN_ERROR, "SOA not synced: the primary's SOA is malformed");
			return 0;
		}
		nums = d + dl - 20;
	}
	/* Both parsed whole: each rdata is its two names, uncompressed, then
	 * the five numbers in 20 octets (RFC 1035 section 3.3.13). Route 53's
	 * names, as it spells them, and the primary's numbers. */
	if (!memcmp(rd + ol - 20, nums, 20) && r53_ttl == s.ttl)
		return 0;
	memcpy(rd + ol - 20, nums, 20);
	if (!(text = render(p, DNS_TYPE_SOA, rd, (size_t)ol, &n, &why)))
		return -1; /* well formed by construction: only memory fails */
	if (!(it = item_new(c, c->apex, old_name, DNS_TYPE_SOA, R53_UPSERT, PLAN_UPDATE, s.ttl)))
		return -1;
	it->soa = 1;
	o.ttl = r53_ttl;
	o.v = (uint32_t)p->nvpool;
	o.n = 1;
	o.chars = (uint32_t)strlen(r53);
	if (set_old(p, it, &o) < 0 || vpush(p, r53) < 0)
		return -1;
	it->v = (uint32_t)p->nvpool;
	if (vpush(p, text) < 0)
		return -1;
	it->nv = 1;
	it->chars = (uint32_t)n;
	p->soa_value = text;
	return 0;
skip:
	p->nskipped++;
	note(p, lv, fmt, why.msg);
	return 0;
}

/* ---- batches ------------------------------------------------------------------ */

static size_t
item_records(const struct item *it)
{
	return (size_t)it->nv * (it->action == R53_UPSERT ? 2 : 1);
}

static size_t
item_chars(const struct item *it)
{
	return (size_t)it->chars * (it->action == R53_UPSERT ? 2 : 1);
}

static int
fits(const struct plan_opts *o, size_t records, size_t chars)
{
	return records <= o->max_records && chars <= o->max_chars;
}

/* Items too large for one batch: an UPSERT becomes DELETE + CREATE when
 * each fits alone, anything else is an error. */
static int
oversize(struct ctx *c)
{
	struct plan *p = c->p;
	size_t n = p->nitems;

	for (size_t i = 0; i < n; i++) {
		struct item *it = (struct item *)p->items + i, *del;
		struct old o;
		int once; /* an UPSERT that fits once but not twice */

		if (fits(c->o, item_records(it), item_chars(it)))
			continue;
		once = it->action == R53_UPSERT && fits(c->o, it->nv, it->chars);
		if (once && it->kind == PLAN_CREATE) {
			/* A new set UPSERTed (plan_incremental). */
			it->action = R53_CREATE;
			continue;
		}
		o = old_of(p, it);
		if (once && fits(c->o, o.n, o.chars)) {
			if (!(del = item_new(c, it->wname, it->name, it->type, R53_DELETE,
			    PLAN_UPDATE, o.ttl)))
				return -1;
			it = (struct item *)p->items + i; /* items may have moved */
			del->v = o.v;
			del->nv = o.n;
			del->chars = o.chars;
			del->hidden = 1;
			it->action = R53_CREATE;
			continue;
		}
		it->dropped = 1;
		p->nerrors++;
		note_set(p, PLAN_ERROR, it->wname, it->type, "not synced: %zu values of %zu "
		    "characters do not fit in one change batch (%zu records, %zu characters, "
		    "UPSERT counted twice)", (size_t)it->nv, (size_t)it->chars, c->o->max_records,
		    c->o->max_chars);
	}
	return 0;
}

/* Canonical order of names, then DELETEs before the other changes of a
 * name, then type. */
static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = *(const struct item *const *)a, *y = *(const struct item *const *)b;
	int c = dns_name_cmp(x->wname, y->wname);

	if (c)
		return c;
	if ((x->action == R53_DELETE) != (y->action == R53_DELETE))
		return x->action == R53_DELETE ? -1 : 1;
	return x->type < y->type ? -1 : x->type > y->type;
}

static int
same_name(const struct item *a, const struct item *b)
{
	size_t n = dns_name_len(a->wname);

	return n == dns_name_len(b->wname) && !memcmp(a->wname, b->wname, n);
}

/* A DELETE or UPDATE left out keeps Route 53's set of its type at its name.
 * A CNAME shares its name with nothing (RFC 1034 section 3.6.2), and Route
 * 53 refuses a whole batch that would make it do so: a CREATE of another
 * type beside a kept CNAME, or of a CNAME beside a kept set, is held back
 * as not synced too. (A held-back CREATE keeps nothing: no chain.) Returns
 * 0, or -1 on no memory. */
static int
hold_back(struct ctx *c)
{
	struct plan *p = c->p;
	struct item **kept = NULL;
	size_t nkept = 0;

	/* The left-out sets that keep one: counted, then (kept allocated)
	 * listed. */
	for (int pass = 0; pass < 2; pass++) {
		nkept = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			struct item *it = (struct item *)p->items + i;

			if (it->dropped && it->kind != PLAN_CREATE) {
				if (kept)
					kept[nkept] = it;
				nkept++;
			}
		}
		if (!nkept)
			return 0;
		if (!kept && !(kept = malloc(nkept * sizeof *kept)))
			return oom(p);
	}
	sort(kept, nkept, sizeof *kept, item_cmp);
	for (size_t i = 0; i < p->nitems; i++) {
		struct item *it = (struct item *)p->items + i;
		size_t lo = 0, hi = nkept;

		if (it->dropped || it->kind != PLAN_CREATE)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (dns_name_cmp(kept[mid]->wname, it->wname) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nkept && same_name(kept[lo], it); lo++) {
			char kt[RR_TYPE_NAME_MAX];

			if ((kept[lo]->type == DNS_TYPE_CNAME) == (it->type == DNS_TYPE_CNAME))
				continue;
			it->dropped = 1;
			p->nerrors++;
			note_set(p, PLAN_ERROR, it->wname, it->type, "not synced: Route 53 keeps its %s "
			    "set here (left out above), and a CNAME cannot share its name",
			    rr_type_name(kept[lo]->type, kt));
			break;
		}
	}
	free(kept);
	return 0;
}

/* The batch being packed: items [bs, the next one) of records and chars,
 * and room for the reordering (tmp). */
struct packer {
	struct item *tmp;
	size_t tmp_cap, bs, rec, chr, parts;
};

/* Record batch [k->bs, be) of the items (sorted), DELETEs first, and open
 * the next one at be. */
static int
emit_batch(struct plan *p, struct packer *k, size_t be)
{
	struct item *it = (struct item *)p->items;
	struct plan_batch *b;
	size_t bs = k->bs, n = 0;

	if (bs == be)
		return 0;
	if (buf_grow(&p->batches, &p->batches_cap, p->nbatches, 1, sizeof *b) < 0 ||
	    buf_grow(&k->tmp, &k->tmp_cap, 0, be - bs, sizeof *k->tmp) < 0)
		return oom(p);
	b = &p->batches[p->nbatches++];
	b->first = bs;
	b->count = be - bs;
	b->records = k->rec;
	b->chars = k->chr;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = bs; i < be; i++)
			if ((it[i].action == R53_DELETE) == (pass == 0))
				k->tmp[n++] = it[i];
	memcpy(it + bs, k->tmp, (be - bs) * sizeof *k->tmp);
	k->bs = be;
	k->rec = k->chr = 0;
	return 0;
}

/* Close the batch before item i when r more records and ch more chars do
 * not fit in it. */
static int
make_room(struct plan *p, const struct plan_opts *o, struct packer *k, size_t i, size_t r,
    size_t ch)
{
	if (k->bs < i && !fits(o, k->rec + r, k->chr + ch)) {
		k->parts++;
		return emit_batch(p, k, i);
	}
	return 0;
}

static int
item_sort_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return item_cmp(&x, &y);
}

/* Order the items (the left out go), group them by name and pack the
 * groups into batches. */
static int
batch(struct ctx *c)
{
	struct plan *p = c->p;
	const struct plan_opts *o = c->o;
	struct item *it = (struct item *)p->items;
	struct packer k = { 0 };
	size_t n = 0, ngroups = 0;
	int sorted = 1, rc = -1;

	for (size_t i = 0; i < p->nitems; i++) {
		if (it[i].dropped)
			continue;
		if (n && item_sort_cmp(&it[n - 1], &it[i]) > 0)
			sorted = 0;
		it[n++] = it[i];
	}
	p->nitems = n;
	/* Planned in canonical order already, but for type changes, the SOA
	 * and Route 53's unparsable sets. */
	if (!sorted)
		sort(it, n, sizeof *it, item_sort_cmp);

	for (size_t gs = 0; gs < n;) {
		size_t ge = gs, grec = 0, gchr = 0;

		for (; ge < n && same_name(&it[gs], &it[ge]); ge++) {
			grec += item_records(&it[ge]);
			gchr += item_chars(&it[ge]);
			it[ge].group = (uint32_t)ngroups;
		}
		ngroups++;
		if (make_room(p, o, &k, gs, grec, gchr) < 0)
			goto out;
		if (fits(o, grec, gchr)) {
			k.rec += grec;
			k.chr += gchr;
		} else {
			/* Too much for one batch: in order over several, each
			 * change fitting alone (oversize() saw to that). */
			k.parts = 1;
			for (size_t i = gs; i < ge; i++) {
				size_t r = item_records(&it[i]), ch = item_chars(&it[i]);

				if (make_room(p, o, &k, i, r, ch) < 0)
					goto out;
				k.rec += r;
				k.chr += ch;
			}
			note_set(p, PLAN_WARN, it[gs].wname, 0, "its changes do not fit in one change "
			    "batch: split over %zu batches, deletions first", k.parts);
		}
		gs = ge;
	}
	if (emit_batch(p, &k, n) < 0)
		goto out;
	p->nchanges = n;
	rc = 0;
out:
	free(k.tmp);
	return rc;
}

/* ---- safety ------------------------------------------------------------------- */

/* Counts, then the safety verdict: PLAN_OK or PLAN_UNSAFE. */
static int
verdict(struct ctx *c)
{
	struct plan *p = c->p;
	const struct cfg_safety *s = &c->o->safety;
	size_t ex = p->existing, upd = 0;

	for (size_t i = 0; i < p->nitems; i++) {
		const struct item *it = (const struct item *)p->items + i;

		if (it->dropped || it->hidden)
			continue;
		if (it->kind == PLAN_CREATE)
			p->ncreate++;
		else if (it->kind == PLAN_DELETE)
			p->ndelete++;
		else {
			p->nupdate++;
			upd += !it->soa;
		}
	}
	if (c->o->force)
		return PLAN_OK;
	if (!c->has_soa) {
		fmt_snprintf(p->refusal, sizeof p->refusal, "the primary's zone has no SOA: not a "
		    "complete transfer; use --force");
	} else if (c->managed == 0 && ex > 0 && ex >= (size_t)s->min_existing) {
		fmt_snprintf(p->refusal, sizeof p->refusal, "transfer looks empty: the primary's zone "
		    "has only its SOA and NS, Route 53 holds %zu record sets; use --force", ex);
	} else if (ex > 0 && ex >= (size_t)s->min_existing) {
		/* Deletions first, then updates: one message for either. */
		int del = p->ndelete * 100 > (size_t)s->max_delete_percent * ex;
		size_t n = del ? p->ndelete : upd;
		const char *what = del ? "delete" : "update";

		if (del || upd * 100 > (size_t)s->max_update_percent * ex)
			fmt_snprintf(p->refusal, sizeof p->refusal, "would %s %zu of %zu record sets "
			    "(%zu%%), more than max_%s_percent %d; use --force", what, n, ex,
			    n * 100 / ex, what, del ? s->max_delete_percent : s->max_update_percent);
	}
	return p->refusal[0] ? PLAN_UNSAFE : PLAN_OK;
}

/* Common end of both plans. */
static int
finish(struct ctx *c)
{
	struct plan *p = c->p;
	int rc;

	tally_notes(p);
	if (!p->err.set)
		oversize(c);
	if (!p->err.set)
		hold_back(c);
	rc = verdict(c);
	if (!p->err.set)
		batch(c);
	if (!p->err.set && !(p->text = calloc(2, sizeof *p->text)))
		oom(p);
	return p->err.set ? -1 : rc;
}

static int
ctx_init(struct ctx *c, struct plan *p, const struct plan_opts *o)
{
	memset(c, 0, sizeof *c);
	c->p = p;
	c->o = o;
	if (!o->zone || !o->zone->name)
		return err_set(&p->err, "no zone to plan");
	if (dns_name_from_text(c->apex, sizeof c->apex, o->zone->name, NULL, &p->err) < 0)
		return -1;
	dns_name_lower(c->apex);
	return 0;
}

static void
ctx_free(struct ctx *c)
{
	free(c->sp);
	free(c->scratch);
}

/* ---- full plan ----------------------------------------------------------------- */

/* Classes of listed sets. */
enum {
	L_SKIP,  /* left alone (noted) */
	L_PLAIN, /* in the comparison zone */
	L_SPECIAL,
	L_SOA
};

/* Parse the values of listed set idx (s) into the comparison zone cur.
 * The TTL of its RRs there is idx: the set's index in the listing, found
 * again without a search once cur is sorted (the set's real TTL is in the
 * listing). Returns 1 when added, 0 when a value does not parse (why), -1
 * on error (p->err). */
static int
add_listed(struct ctx *c, struct zone *cur, const uint8_t *wire, const struct r53list_set *s,
    uint32_t idx, struct err *why)
{
	size_t used = 0, off[R53LIST_MAX_VALUES + 1];

	if (s->nvalues < 1)
		return err_set(why, "no values"), 0;
	for (int k = 0; k < s->nvalues; k++) {
		long n;

		if (buf_grow(&c->scratch, &c->scratch_cap, used, DNS_RDATA_MAX, 1) < 0)
			return oom(c->p);
		n = rr_from_r53(s->type, s->values[k], strlen(s->values[k]), c->scratch + used,
		    DNS_RDATA_MAX, why);
		if (n < 0)
			return 0;
		off[k] = used;
		used += (size_t)n;
	}
	off[s->nvalues] = used;
	for (int k = 0; k < s->nvalues; k++)
		if (zone_add(cur, wire, s->type, DNS_CLASS_IN, idx, c->scratch + off[k],
		    off[k + 1] - off[k]) < 0)
			return err_set(&c->p->err, "Route 53's record sets: %s", cur->err.msg);
	return 1;
}

/* Sort the listing into the comparison zone, the sets left alone and the
 * SOA; cls[i] says where listed set i went. */
static int
classify(struct ctx *c, struct zone *cur, uint8_t *cls, long *soa)
{
	struct plan *p = c->p;
	const struct r53list *l = c->l;
	size_t n = r53list_count(l);

	for (size_t i = 0; i < n && !p->err.set; i++) {
		struct r53list_set s;
		struct err why = { 0 };
		uint8_t wire[DNS_NAME_MAX];
		int what = SP_UNSUPPORTED, r;
		enum plan_level lv = PLAN_WARN;
		/* The note, with at most one argument (arg). */
		const char *fmt = "a type notify53 does not manage, left alone", *arg = NULL;

		cls[i] = L_SKIP;
		r53list_get(l, i, &s, c->vals);
		if (dns_name_from_r53(wire, sizeof wire, s.name, &why) < 0) {
			p->nskipped++;
			note(p, PLAN_WARN, "Route 53 lists a name that does not parse, left alone: %s",
			    why.msg);
			continue;
		}
		dns_name_lower(wire);
		if (s.flags & R53LIST_ROUTING) {
			what = SP_ROUTING;
			lv = PLAN_INFO;
			fmt = "routing-policy record set (SetIdentifier \"%s\") left alone";
			arg = s.set_identifier ? s.set_identifier : "";
		} else if (s.flags & R53LIST_ALIAS) {
			what = SP_ALIAS;
			lv = PLAN_INFO;
			fmt = "alias record set left alone";
		} else {
			switch (filter(c, wire, s.type)) {
			case F_KEEP:
				p->existing++;
				r = add_listed(c, cur, wire, &s, (uint32_t)i, &why);
				if (r > 0) {
					cls[i] = L_PLAIN;
					continue;
				}
				if (r < 0)
					return -1;
				what = SP_BAD;
				fmt = "Route 53's value does not parse (%s): the set is replaced";
				arg = why.msg;
				break;
			case F_SOA:
				if (*soa >= 0) {
					note(p, PLAN_WARN, "Route 53 lists the SOA twice: the second "
					    "left alone");
					p->nskipped++;
					continue;
				}
				*soa = (long)i;
				cls[i] = L_SOA;
				continue;
			case F_APEX_NS:
				what = SP_APEX_NS;
				fmt = NULL;
				apex_ns_note(c);
				break;
			case F_IGNORED:
				what = SP_IGNORED;
				lv = PLAN_INFO;
				fmt = "matched by an ignore rule, left alone";
				break;
			case F_OUTSIDE:
				what = -1;
				fmt = "Route 53 lists a name outside %s, left alone";
				arg = c->o->zone->name;
				break;
			default: /* DNSSEC, unsupported, an SOA below the apex */
				break;
			}
		}
		if (fmt)
			note_set(p, lv, wire, s.type, fmt, arg);
		if (what != SP_BAD && what != SP_APEX_NS)
			p->nskipped++;
		if (what < 0)
			continue;
		if (special_add(c, wire, s.type, (uint32_t)i, what) < 0)
			return -1;
		cls[i] = L_SPECIAL;
	}
	return p->err.set ? -1 : 0;
}

/* Listed index of set j of cur (add_listed). */
static uint32_t
listed_index(const struct zone *cur, size_t j)
{
	struct zone_set s;

	zone_set_get(cur, j, &s);
	return s.ttl;
}

/* Route 53 never lists one plain (name, type) twice; a listing that does
 * (two sets merged into one of cur, or an unparsable set next to a plain
 * one) is refused rather than guessed at. */
static int
check_listed(struct ctx *c, const struct zone *cur, uint8_t *cls, size_t nplain)
{
	uint8_t wire[DNS_NAME_MAX];
	const uint8_t *name = NULL;
	unsigned type = 0;
	struct setname sn;

	if (zone_set_count(cur) != nplain) {
		struct r53list_set s;

		name = c->apex; /* never left: a merged set is still L_PLAIN */
		for (size_t j = 0; j < zone_set_count(cur); j++)
			cls[listed_index(cur, j)] = L_SKIP;
		for (size_t i = 0; i < r53list_count(c->l); i++)
			if (cls[i] == L_PLAIN) {
				r53list_get(c->l, i, &s, c->vals);
				dns_name_from_r53(wire, sizeof wire, s.name, NULL);
				dns_name_lower(wire);
				name = wire;
				type = s.type;
				break;
			}
	}
	for (size_t k = 0; !name && k < c->nsp; k++) {
		const struct special *a = &c->sp[k];

		if (a->what != SP_BAD)
			continue;
		if (zone_find(cur, a->name, a->type) >= 0 || (k + 1 < c->nsp &&
		    c->sp[k + 1].what == SP_BAD && !special_cmp(a, &c->sp[k + 1]))) {
			name = a->name;
			type = a->type;
		}
	}
	if (!name)
		return 0;
	setname(&sn, name, type);
	return err_set(&c->p->err, "Route 53 lists %s %s twice", sn.name, sn.t);
}

/* Set i of the primary's zone d (TTL ttl) against set j of cur: listed as
 * ls. Equal when the TTL and the rdatas are, and Route 53 holds no more
 * values than that (spelled differently, duplicates gone in cur). */
static int
same_set(const struct zone *d, size_t i, const struct zone_set *s, const struct zone *cur,
    size_t j, const struct r53list_set *ls)
{
	struct zone_set cs;

	zone_set_get(cur, j, &cs);
	if (s->ttl != ls->ttl || s->count != cs.count || (size_t)ls->nvalues != cs.count)
		return 0;
	for (size_t k = 0; k < s->count; k++) {
		size_t la, lb;
		const uint8_t *a = zone_set_rdata(d, i, k, &la), *b = zone_set_rdata(cur, j, k, &lb);

		if (la != lb || memcmp(a, b, la))
			return 0;
	}
	return 1;
}

/* A set of the primary's zone: filters, conflicts, then CREATE or UPDATE
 * against set j of cur (or none: j < 0). */
static int
desired(struct ctx *c, const struct zone *d, size_t i, const struct zone *cur, long j,
    long *soa_i)
{
	struct plan *p = c->p;
	struct zone_set s;
	const struct special *sp;
	enum filt f;
	struct old o;
	uint32_t idx;

	zone_set_get(d, i, &s);
	f = filter(c, s.name, s.type);
	if (f == F_SOA) {
		c->has_soa = 1;
		*soa_i = (long)i;
		return 0;
	}
	if (f != F_KEEP) {
		sp = c->nsp ? special_find(c, s.name, s.type) : NULL;
		skip_desired(c, f, s.name, s.type, sp && sp->what == SP_IGNORED);
		return 0;
	}
	c->managed++;
	sp = c->nsp && j < 0 ? special_find(c, s.name, s.type) : NULL;
	if (c->nsp) {
		/* A set Route 53 keeps in the way: at (name, type), or one a
		 * CNAME cannot share the name with (only that note names its
		 * type: "%.0s" takes it in the other). */
		const struct special *x = sp && sp->what != SP_BAD ? sp :
		    cname_conflict(c, s.name, s.type);
		char xt[RR_TYPE_NAME_MAX];

		if (x) {
			p->nconflicts++;
			note_set(p, PLAN_WARN, s.name, s.type, x == sp ? "conflict: Route 53 holds %s "
			    "here, left alone; the primary's set is not synced%.0s" :
			    "conflict: Route 53 holds %s of type %s here, which a CNAME cannot share; "
			    "not synced", special_what(x), rr_type_name(x->type, xt));
			return 0;
		}
	}
	if (j >= 0) {
		struct r53list_set ls;

		idx = listed_index(cur, (size_t)j);
		r53list_get(c->l, idx, &ls, c->vals);
		if (same_set(d, i, &s, cur, (size_t)j, &ls))
			return 0;
	} else if (sp) {
		((struct special *)sp)->used = 1;
		idx = sp->idx;
	} else
		return put_desired(c, d, i, &s, NULL);
	if (list_values(c, idx, &o) < 0)
		return -1;
	return put_desired(c, d, i, &s, &o);
}

/* DELETE listed set idx exactly as Route 53 listed it. */
static int
delete_listed(struct ctx *c, const uint8_t *wire, uint32_t idx)
{
	struct r53list_set s;
	struct old o;

	if (list_values(c, idx, &o) < 0)
		return -1;
	r53list_get(c->l, idx, &s, c->vals);
	return put_delete(c, wire, s.name, s.type, &o);
}

int
plan_full(struct plan *p, const struct zone *d, const struct r53list *l,
    const struct plan_opts *o)
{
	struct ctx c;
	struct zone cur;
	uint8_t *cls = NULL;
	long soa = -1, soa_i = -1;
	size_t nd, nc, i = 0, j = 0, nplain = 0;
	int rc = -1;

	zone_init(&cur);
	if (ctx_init(&c, p, o) < 0)
		return -1;
	c.l = l;
	if (!d->finished || d->failed) {
		err_set(&p->err, "the primary's zone is not complete");
		goto out;
	}
	if (l->err.set) {
		err_set(&p->err, "Route 53's listing is not complete: %s", l->err.msg);
		goto out;
	}
	if (!(cls = malloc(r53list_count(l) + 1))) {
		oom(p);
		goto out;
	}
	if (classify(&c, &cur, cls, &soa) < 0)
		goto out;
	if (zone_finish(&cur) < 0) {
		err_set(&p->err, "Route 53's record sets: %s", cur.err.msg);
		goto out;
	}
	if (c.nsp)
		sort(c.sp, c.nsp, sizeof *c.sp, special_cmp);
	for (size_t k = 0; k < r53list_count(l); k++)
		nplain += cls[k] == L_PLAIN;
	if (check_listed(&c, &cur, cls, nplain) < 0)
		goto out;

	/* One pass over both zones in canonical order. */
	nd = zone_set_count(d);
	nc = zone_set_count(&cur);
	while ((i < nd || j < nc) && !p->err.set) {
		int r = i == nd ? 1 : j == nc ? -1 : zone_set_cmp(d, i, &cur, j);

		if (r > 0) {
			struct zone_set s;

			zone_set_get(&cur, j, &s);
			if (delete_listed(&c, s.name, s.ttl) < 0)
				goto out;
			j++;
			continue;
		}
		if (desired(&c, d, i, &cur, r == 0 ? (long)j : -1, &soa_i) < 0)
			goto out;
		i++;
		j += r == 0;
	}
	/* Unparsable Route 53 sets the primary does not have. */
	for (size_t k = 0; k < c.nsp && !p->err.set; k++)
		if (c.sp[k].what == SP_BAD && !c.sp[k].used &&
		    delete_listed(&c, c.sp[k].name, c.sp[k].idx) < 0)
			goto out;
	if (soa >= 0) {
		struct r53list_set s;

		r53list_get(l, (size_t)soa, &s, c.vals);
		if (s.nvalues != 1) {
			p->nskipped++;
			note(p, PLAN_WARN, "SOA left alone: Route 53 lists it with %d values", s.nvalues);
		} else if (plan_soa(&c, d, soa_i, s.values[0], s.ttl, s.name) < 0)
			goto out;
	} else if (plan_soa(&c, d, soa_i, NULL, 0, NULL) < 0)
		goto out;
	rc = finish(&c);
out:
	if (rc < 0 && !p->err.set)
		oom(p);
	zone_free(&cur);
	free(cls);
	ctx_free(&c);
	return rc;
}

/* ---- incremental plan -------------------------------------------------------- */

/* Sets of z the plan manages (the safety base). */
static size_t
managed_sets(struct ctx *c, const struct zone *z)
{
	size_t n = 0;

	for (size_t i = 0; i < zone_set_count(z); i++) {
		struct zone_set s;

		zone_set_get(z, i, &s);
		n += filter(c, s.name, s.type) == F_KEEP;
	}
	return n;
}

/* One changed (name, type) of an IXFR: CREATE, UPDATE or DELETE from
 * set pi of prev to set ni of next (-1: absent). Returns 0, or -1 on no
 * memory. */
static int
incremental(struct ctx *c, const struct zone *prev, long pi, const struct zone *next, long ni,
    const uint8_t *name, unsigned type)
{
	struct plan *p = c->p;
	struct zone_set ps, ns;
	struct err why = { 0 };
	struct old o;

	if (ni >= 0)
		zone_set_get(next, (size_t)ni, &ns);
	if (pi < 0)
		return ni < 0 ? 0 : put_desired(c, next, (size_t)ni, &ns, NULL);
	if (ni >= 0 && zone_set_equal(prev, (size_t)pi, next, (size_t)ni))
		return 0;
	zone_set_get(prev, (size_t)pi, &ps);
	o.ttl = ps.ttl;
	if (zone_values(p, prev, (size_t)pi, ps.count, type, &o, &why) < 0) {
		if (p->err.set)
			return -1;
		/* Malformed: never pushed, so Route 53 does not hold it. */
		p->nvpool = o.v;
		if (ni >= 0)
			return put_desired(c, next, (size_t)ni, &ns, NULL);
		note_set(p, PLAN_INFO, name, type, "was not synced (%s), nothing to delete", why.msg);
		return 0;
	}
	if (ni >= 0)
		return put_desired(c, next, (size_t)ni, &ns, &o);
	return put_delete(c, name, NULL, type, &o);
}

int
plan_incremental(struct plan *p, const struct zone *prev, const struct zone *next,
    const struct zone_changes *changed, const char *r53_soa, const struct plan_opts *o)
{
	struct ctx c;
	int rc = -1;

	if (ctx_init(&c, p, o) < 0)
		return -1;
	/* Another writer (a second daemon of an HA pair, an earlier job
	 * whose answer was lost) may have created the set already: UPSERT
	 * takes it either way, where a CREATE would be refused. */
	c.upsert_new = 1;
	if (!prev->finished || prev->failed || !next->finished || next->failed) {
		err_set(&p->err, "the primary's zone is not complete");
		goto out;
	}
	for (size_t k = 0; k < changed->n; k++) {
		unsigned type;
		const uint8_t *name = zone_changes_get(changed, k, &type);
		long pi = zone_find(prev, name, type), ni = zone_find(next, name, type);
		enum filt f = filter(&c, name, type);

		if (f == F_SOA && ni >= 0) {
			struct zone_set s;

			/* Route 53's SOA TTL is the one we last pushed. */
			zone_set_get(pi >= 0 ? prev : next, (size_t)(pi >= 0 ? pi : ni), &s);
			if (plan_soa(&c, next, ni, r53_soa, s.ttl, NULL) < 0)
				goto out;
		} else if (f != F_KEEP && f != F_SOA)
			skip_desired(&c, f, name, type, 0);
		else if (f == F_KEEP && incremental(&c, prev, pi, next, ni, name, type) < 0)
			goto out;
	}
	if (!p->soa_value && r53_soa && !(p->soa_value = keep(p, r53_soa, strlen(r53_soa) + 1)))
		goto out;
	/* The safety base, only needed when something is deleted or updated:
	 * a one-record change in a large zone stays cheap. */
	c.has_soa = zone_find(next, c.apex, DNS_TYPE_SOA) >= 0;
	c.managed = 1;
	for (size_t i = 0; i < p->nitems; i++) {
		const struct item *it = (const struct item *)p->items + i;

		if (it->kind != PLAN_CREATE && !it->soa) {
			p->existing = managed_sets(&c, prev);
			c.managed = managed_sets(&c, next);
			break;
		}
	}
	rc = finish(&c);
out:
	ctx_free(&c);
	return rc;
}

/* ---- bisection ------------------------------------------------------------- */

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
plan_split(struct plan *p, size_t first, size_t count)
{
	const struct item *it = (const struct item *)p->items + first;
	uint32_t *g, *from = NULL, gm = 0;
	size_t best = 0, bestd = (size_t)-1, k = 0;

	if (count < 2 || first > p->nchanges || count > p->nchanges - first)
		return 0;
	if (!(g = malloc(count * sizeof *g)) || !(from = malloc(count * sizeof *from)))
		goto out;
	/* The name boundary closest to half of the changes: in the sorted
	 * groups, before the first of a group come the changes of the names
	 * before it. */
	for (size_t i = 0; i < count; i++)
		g[i] = it[i].group;
	sort(g, count, sizeof *g, u32_cmp);
	for (size_t i = 1; i < count; i++) {
		size_t d = i > count / 2 ? i - count / 2 : count / 2 - i;

		if (g[i] != g[i - 1] && d < bestd) {
			bestd = d;
			best = i;
			gm = g[i];
		}
	}
	if (!best)
		goto out;
	/* Stable: the first half's DELETEs, its others, the second half's
	 * DELETEs, its others. */
	for (int pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < count; i++) {
			int second = it[i].group >= gm, del = it[i].action == R53_DELETE;

			if (second != (pass >= 2) || del != (pass % 2 == 0))
				continue;
			from[k++] = (uint32_t)i;
		}
	if (plan_permute(p, first, count, from) < 0)
		best = 0;
out:
	free(from);
	free(g);
	return best;
}

/* ---- the changes ------------------------------------------------------------ */

/* Items [first, first + count) as sent into chs, the text of the lazy
 * ones into t (room made by text_render); with chs NULL, only t->used and
 * t->nvals, the room needed. */
static void
text_fill(const struct plan *p, struct plan_text *t, size_t first, size_t count,
    struct r53_change *chs)
{
	const struct item *it = (const struct item *)p->items + first;

	t->used = t->nvals = 0;
	for (size_t i = 0; i < count; i++, it++) {
		struct r53_change *ch = chs ? &chs[i] : NULL;
		char name[DNS_NAME_TEXT_MAX];
		size_t n;

		if (ch) {
			memset(ch, 0, sizeof *ch);
			ch->action = (enum r53_action)it->action;
			ch->set.name = it->name;
			ch->set.type = it->type;
			ch->set.ttl = it->ttl;
			ch->set.nvalues = (int)it->nv;
			ch->set.values = p->vpool + it->v;
		}
		if (!it->lazy)
			continue;
		n = (size_t)dns_name_to_r53(it->wname, name, sizeof name) + 1;
		if (ch) {
			ch->set.name = memcpy(t->buf + t->used, name, n);
			ch->set.values = t->vals + t->nvals;
		}
		t->used += n;
		for (size_t k = 0; k < it->nv; k++) {
			size_t len;
			const uint8_t *rd = zone_set_rdata(p->src, it->v, k, &len);

			if (ch)
				t->vals[t->nvals] = t->buf + t->used;
			t->nvals++;
			t->used += (size_t)rr_to_r53(it->type, rd, len, ch ? t->buf + t->used : NULL,
			    ch ? t->cap - t->used : 0, NULL) + 1;
		}
	}
}

/* Items [first, first + count) as sent into chs, their text in t. -1 when
 * memory ran out. */
static int
text_render(const struct plan *p, struct plan_text *t, size_t first, size_t count,
    struct r53_change *chs)
{
	text_fill(p, t, first, count, NULL);
	if (buf_grow(&t->buf, &t->cap, 0, t->used + 1, 1) < 0 ||
	    buf_grow(&t->vals, &t->vcap, 0, t->nvals + 1, sizeof *t->vals) < 0)
		return -1;
	text_fill(p, t, first, count, chs);
	return 0;
}

int
plan_change(const struct plan *p, size_t i, struct r53_change *ch, struct plan_info *in)
{
	const struct item *it = (const struct item *)p->items + i;

	if (ch && text_render(p, &p->text[1], i, 1, ch) < 0)
		return -1;
	if (in) {
		struct old o = old_of(p, it);

		memset(in, 0, sizeof *in);
		in->kind = (enum plan_kind)it->kind;
		in->group = it->group;
		in->hidden = it->hidden;
		in->old_ttl = o.ttl;
		in->old_nvalues = (int)o.n;
		in->old_values = o.n ? p->vpool + o.v : NULL;
	}
	return 0;
}

const struct r53_change *
plan_changes(struct plan *p, size_t first, size_t count)
{
	if (first > p->nchanges || count > p->nchanges - first)
		return NULL;
	if (buf_grow(&p->view, &p->view_cap, 0, count ? count : 1, sizeof *p->view) < 0 ||
	    text_render(p, &p->text[0], first, count, p->view) < 0) {
		oom(p);
		return NULL;
	}
	return p->view;
}

int
plan_permute(struct plan *p, size_t first, size_t n, const uint32_t *from)
{
	struct item *it = (struct item *)p->items + first, *tmp;

	if (first > p->nchanges || n > p->nchanges - first)
		return -1;
	if (!n)
		return 0;
	if (!(tmp = malloc(n * sizeof *tmp)))
		return -1;
	for (size_t k = 0; k < n; k++)
		tmp[k] = it[from[k]];
	memcpy(it, tmp, n * sizeof *tmp);
	free(tmp);
	return 0;
}
