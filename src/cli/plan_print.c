#include "cli/plan_print.h"

#include <stdlib.h>

#include "base/fmt.h"
#include "base/json.h"
#include "base/sort.h"
#include "codec/dns.h"
#include "codec/rr.h"
#include "sync/sync.h"

/* The values: in text after lead with " | " between, in JSON as the
 * member ,"lead":[...]. */
static void
values(struct fmt_stream *f, int json, const char *lead, int n, const char *const *v)
{
	if (json)
		fmt_fprintf(f, ",\"%s\":[", lead);
	for (int k = 0; k < n; k++) {
		if (!json) {
			fmt_fprintf(f, "%s%s", k ? " | " : lead, v[k]);
			continue;
		}
		if (k)
			fmt_fputc(',', f);
		json_write_str(f, v[k]);
	}
	if (json)
		fmt_fputc(']', f);
}

static const char *const level_name[] = { "info", "warning", "error" };

/* Changes in name order (batch order puts all DELETEs of a batch first):
 * a stable sort by group. */
struct shown {
	uint32_t group;
	size_t i;
};

static int
by_group(const void *a, const void *b)
{
	const struct shown *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The start of a JSON line: {"zone":Z[,"hosted_zone":ID,"private":B] */
static void
json_zone(struct fmt_stream *f, const char *zone, const char *hosted_zone, int private_zone)
{
	fmt_fputs("{\"zone\":", f);
	json_write_str(f, zone);
	if (hosted_zone && *hosted_zone) {
		fmt_fputs(",\"hosted_zone\":", f);
		json_write_str(f, hosted_zone);
		fmt_fprintf(f, ",\"private\":%s", private_zone ? "true" : "false");
	}
}

int
plan_print(const struct plan *p, const struct plan_opts *o, const char *hosted_zone,
    int private_zone, struct fmt_stream *f, unsigned flags)
{
	int json = flags & PLAN_PRINT_JSON, color = (flags & PLAN_PRINT_COLOR) && !json;
	const char *zone = o && o->zone && o->zone->name ? o->zone->name : ".";
	struct shown *order = malloc((p->nchanges + 1) * sizeof *order);

	if (!order)
		return -1;
	for (size_t i = 0; i < p->nchanges; i++) {
		struct plan_info in;

		plan_change(p, i, NULL, &in);
		order[i].group = in.group;
		order[i].i = i;
	}
	sort(order, p->nchanges, sizeof *order, by_group);
	for (size_t i = 0; i < p->nchanges; i++) {
		struct plan_info info, *in = &info;
		struct r53_change change, *ch = &change;
		char name[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];
		const char *type;
		static const char *const act[] = { "create", "update", "delete" };
		static const char *const sign = "+~-";
		static const char *const col[] = { "\033[32m", "\033[33m", "\033[31m" };

		if (plan_change(p, order[i].i, ch, in) < 0) {
			free(order);
			return -1;
		}
		if (in->hidden)
			continue;
		type = rr_type_name(ch->set.type, tn);
		sync_name_text(ch->set.name, name, sizeof name);
		if (json) {
			json_zone(f, zone, hosted_zone, private_zone);
			fmt_fprintf(f, ",\"action\":\"%s\",\"name\":", act[in->kind]);
			json_write_str(f, name);
			fmt_fprintf(f, ",\"type\":\"%s\",\"ttl\":%lu", type, (unsigned long)ch->set.ttl);
			values(f, 1, "values", ch->set.nvalues, ch->set.values);
			if (in->kind == PLAN_UPDATE) {
				fmt_fprintf(f, ",\"old_ttl\":%lu", (unsigned long)in->old_ttl);
				values(f, 1, "old_values", in->old_nvalues, in->old_values);
			}
			fmt_fputs("}\n", f);
			continue;
		}
		fmt_fprintf(f, "%s%c %s ", color ? col[in->kind] : "", sign[in->kind], name);
		if (in->kind == PLAN_UPDATE) {
			fmt_fprintf(f, "%s\n    old: %lu", type, (unsigned long)in->old_ttl);
			values(f, 0, " ", in->old_nvalues, in->old_values);
			fmt_fprintf(f, "\n    new: %lu", (unsigned long)ch->set.ttl);
		} else {
			fmt_fprintf(f, "%lu %s ", (unsigned long)ch->set.ttl, type);
		}
		values(f, 0, in->kind == PLAN_UPDATE ? " " : "", ch->set.nvalues, ch->set.values);
		fmt_fprintf(f, "%s\n", color ? "\033[0m" : "");
	}
	for (size_t i = 0; i < p->nnotes; i++) {
		if (json) {
			json_zone(f, zone, hosted_zone, private_zone);
			fmt_fprintf(f, ",\"note\":\"%s\",\"message\":", level_name[p->notes[i].level]);
			json_write_str(f, p->notes[i].text);
			fmt_fputs("}\n", f);
		} else
			fmt_fprintf(f, "%s: %s\n", p->notes[i].level == PLAN_INFO ? "note" :
			    level_name[p->notes[i].level], p->notes[i].text);
	}
	if (p->notes_dropped && !json)
		fmt_fprintf(f, "note: %zu more notes not shown\n", p->notes_dropped);
	if (json) {
		json_zone(f, zone, hosted_zone, private_zone);
		fmt_fprintf(f, ",\"summary\":{\"create\":%zu,\"update\":%zu,\"delete\":%zu,\"skipped\":%zu,"
		    "\"conflicts\":%zu,\"errors\":%zu,\"batches\":%zu,\"refused\":", p->ncreate,
		    p->nupdate, p->ndelete, p->nskipped, p->nconflicts, p->nerrors, p->nbatches);
		if (p->refusal[0])
			json_write_str(f, p->refusal);
		else
			fmt_fputs("null", f);
		fmt_fputs("}}\n", f);
	} else {
		if (p->refusal[0])
			fmt_fprintf(f, "%srefused: %s%s\n", color ? "\033[31m" : "", p->refusal,
			    color ? "\033[0m" : "");
		fmt_fprintf(f, "%zu to create, %zu to update, %zu to delete\n", p->ncreate, p->nupdate,
		    p->ndelete);
	}
	free(order);
	return f->err ? -1 : 0;
}
