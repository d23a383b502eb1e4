#include "aws/r53list.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "base/buf.h"

/* Offsets into the arena; UINT32_MAX marks an absent string. */
struct r53list_entry {
	uint32_t name, set_identifier, alias_target;
	uint32_t first_value; /* index into value_off */
	uint32_t ttl;
	uint16_t type;
	uint16_t nvalues;
	uint8_t flags;
};

#define NONE UINT32_MAX

void
r53list_init(struct r53list *l)
{
	memset(l, 0, sizeof *l);
}

void
r53list_free(struct r53list *l)
{
	free(l->sets);
	free(l->value_off);
	free(l->arena);
	memset(l, 0, sizeof *l);
}

static uint32_t
put_str(struct r53list *l, const char *s)
{
	size_t n;
	uint32_t off;

	if (!s)
		return NONE;
	n = strlen(s) + 1;
	if (l->used + n > R53LIST_MAX_BYTES) {
		err_set(&l->err, "Route 53 listing larger than %d bytes of text", R53LIST_MAX_BYTES);
		return NONE;
	}
	if (buf_grow(&l->arena, &l->size, l->used, n, 1) < 0) {
		err_set(&l->err, "out of memory for the Route 53 listing");
		return NONE;
	}
	off = (uint32_t)l->used;
	memcpy(l->arena + l->used, s, n);
	l->used += n;
	return off;
}

int
r53list_add(struct r53list *l, const struct r53list_set *s)
{
	struct r53list_entry e;
	size_t mark_used = l->used, mark_values = l->nvalues;

	if (l->err.set)
		return -1;
	if (l->nsets >= R53LIST_MAX_SETS)
		return err_set(&l->err, "more than %d record sets in the hosted zone", R53LIST_MAX_SETS);
	if (s->nvalues < 0 || s->nvalues > R53LIST_MAX_VALUES)
		return err_set(&l->err, "record set %s has more than %d values", s->name,
		    R53LIST_MAX_VALUES);
	if (buf_grow(&l->sets, &l->cap, l->nsets, 1, sizeof *l->sets) < 0 ||
	    buf_grow(&l->value_off, &l->vcap, l->nvalues, (size_t)s->nvalues,
		sizeof *l->value_off) < 0)
		return err_set(&l->err, "out of memory for the Route 53 listing");
	e.name = put_str(l, s->name);
	e.set_identifier = put_str(l, s->set_identifier);
	e.alias_target = put_str(l, s->alias_target);
	e.first_value = (uint32_t)l->nvalues;
	e.ttl = s->ttl;
	e.type = s->type;
	e.nvalues = (uint16_t)s->nvalues;
	e.flags = (uint8_t)s->flags;
	for (int k = 0; k < s->nvalues; k++)
		l->value_off[l->nvalues++] = put_str(l, s->values[k]);
	if (l->err.set || e.name == NONE) {
		/* Nothing half-added: roll the arena and values back. */
		l->used = mark_used;
		l->nvalues = mark_values;
		return err_set(&l->err, "record set without a name");
	}
	l->sets[l->nsets++] = e;
	return 0;
}

size_t
r53list_count(const struct r53list *l)
{
	return l->nsets;
}

static const char *
str_at(const struct r53list *l, uint32_t off)
{
	return off == NONE ? NULL : l->arena + off;
}

void
r53list_get(const struct r53list *l, size_t i, struct r53list_set *out, const char **vals)
{
	const struct r53list_entry *e = &l->sets[i];

	out->name = str_at(l, e->name);
	out->type = e->type;
	out->ttl = e->ttl;
	out->flags = e->flags;
	out->set_identifier = str_at(l, e->set_identifier);
	out->alias_target = str_at(l, e->alias_target);
	out->nvalues = e->nvalues;
	for (int k = 0; k < e->nvalues; k++)
		vals[k] = str_at(l, l->value_off[e->first_value + (uint32_t)k]);
	out->values = vals;
}

const char *
r53list_value(const struct r53list *l, size_t i, int k)
{
	return str_at(l, l->value_off[l->sets[i].first_value + (uint32_t)k]);
}

const char *
r53_action_name(enum r53_action a)
{
	return a == R53_CREATE ? "CREATE" : a == R53_DELETE ? "DELETE" : "UPSERT";
}
