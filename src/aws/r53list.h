/*
 * r53list: record sets as Route 53 holds them, in Route 53's own text.
 *
 * The r53 module fills one while paging through ListResourceRecordSets; the
 * planner reads it to compare with the primary's zone and to build DELETEs
 * that carry the set exactly as Route 53 returned it (a DELETE must match
 * name, type, TTL and every value: Route 53 API Reference,
 * ChangeResourceRecordSets). Changes to send are described with the same
 * struct. Storage is one growing arena of strings and one array of entries, so
 * a 10,000-set zone costs a few hundred KB.
 */
#ifndef NOTIFY53_R53LIST_H
#define NOTIFY53_R53LIST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The set has an AliasTarget (no TTL, no values). */
#define R53LIST_ALIAS 0x1
/* The set has a routing policy: SetIdentifier (weighted, latency, geo,
 * failover, multivalue, IP-based...) or a traffic policy instance. */
#define R53LIST_ROUTING 0x2

/* One record set. Strings are NUL-terminated and owned by the list (or, for
 * a set being added, by the caller until r53list_add copies them). */
struct r53list_set {
	const char *name; /* as Route 53 writes it: lower case, octal escapes */
	uint16_t type;
	uint32_t ttl; /* 0 for an alias */
	unsigned flags;
	const char *set_identifier; /* or NULL */
	const char *alias_target;   /* AliasTarget/DNSName, or NULL */
	int nvalues;
	const char *const *values; /* Value texts in Route 53's order */
};

struct r53list_entry; /* private */

struct r53list {
	struct r53list_entry *sets;
	size_t nsets, cap;
	uint32_t *value_off; /* string offsets of every value, set after set */
	size_t nvalues, vcap;
	char *arena; /* all strings */
	size_t used, size;
	struct err err;
};

void r53list_init(struct r53list *l);
/* Release everything and leave l as r53list_init does: ready for use. */
void r53list_free(struct r53list *l);

/* Copy s into the list. Returns 0, or -1 with the reason in l->err (out of
 * memory, or more than R53LIST_MAX_SETS sets / R53LIST_MAX_BYTES of text). */
int r53list_add(struct r53list *l, const struct r53list_set *s);

size_t r53list_count(const struct r53list *l);

/* Set i (0 <= i < count), with pointers into the list valid until the next
 * r53list_add or r53list_free. values is written to vals (room for
 * R53LIST_MAX_VALUES pointers), which out->values then points to. */
void r53list_get(const struct r53list *l, size_t i, struct r53list_set *out, const char **vals);

/* Value k of set i, without materialising the whole set. */
const char *r53list_value(const struct r53list *l, size_t i, int k);

/* What a change batch does with a record set (Route 53 API Reference,
 * Change: Action). */
enum r53_action {
	R53_CREATE,
	R53_DELETE,
	R53_UPSERT
};

struct r53_change {
	enum r53_action action;
	struct r53list_set set;
};

const char *r53_action_name(enum r53_action a);

#endif
