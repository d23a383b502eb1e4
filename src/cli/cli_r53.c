/*
 * cli_r53: the `r53 zones` and `r53 dump` commands (their options: the
 * table in src/cli/main.c), which show what Route 53 holds. They run the
 * r53 operations on the same poll loop as the daemon, print the result on
 * stdout and a one-line reason on stderr when anything fails (exit 1).
 *
 *   r53 zones
 *       one line per hosted zone: "ID NAME public|private RECORD-SETS",
 *       the name in presentation form.
 *   r53 dump ZONE|ZONE_ID
 *       the hosted zone's record sets in the syntax of `notify53 xfr`:
 *       "name TTL TYPE value1 | value2" (or the same JSON lines), names
 *       unescaped to presentation form, values re-rendered canonically
 *       (Route 53 text -> wire -> Route 53 text) and sorted as a transfer's
 *       are, so both commands print identical lines for identical data.
 *       The record sets notify53 leaves alone follow, in Route 53's order:
 *         name ALIAS TYPE -> target.          an alias (AliasTarget/DNSName)
 *         name TTL TYPE v1 | v2 ; set-identifier=ID
 *                                             a routing-policy set
 *         name TTL TYPE v1 | v2 ; not understood: REASON
 *                                             values this build cannot parse
 *       (an alias with a SetIdentifier gets both markers); in JSON as
 *       "alias", "set_identifier" and "not_understood" members. ZONE_ID is
 *       recognised as "/hostedzone/ID", or a word of capital letters and
 *       digits without a dot; anything else is a zone name (looked up with
 *       ListHostedZonesByName; a public zone is preferred, as the daemon does,
 *       unless the config's zone entry says private or names the ID).
 *
 * Without -c, /etc/notify53/config.json is read when it exists; else the
 * defaults apply (https://route53.amazonaws.com, credentials from the
 * environment, ~/.aws or instance metadata).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/cfg.h"
#include "cli/cmd.h"
#include "sync/sync.h"
#include "codec/dns.h"
#include "base/fmt.h"
#include "base/json.h"
#include "base/loop.h"
#include "base/str.h"
#include "aws/r53.h"
#include "aws/r53list.h"
#include "codec/rr.h"
#include "dns/zone.h"

/* On the heap (cmd_r53): the client with its TLS buffers (about 180 KB)
 * and one rdata buffer, which static storage would add to every command's
 * memory. rd is used by set_rdata and canonical_value, neither calls the
 * other. */
static struct r53_cli {
	struct r53 client;
	uint8_t rd[DNS_RDATA_MAX];
} *r;

static void
op_done(struct r53_op *op)
{
	(void)op;
	loop_stop();
}

/* Run op to its end; 0 when it succeeded, else the reason is printed. */
static int
run_op(struct r53_op *op)
{
	r53_submit(&r->client, op);
	loop_run();
	if (op->status == R53_OK)
		return 0;
	cmd_error("%s", op->err.msg);
	for (size_t i = 1; i < op->nmessages; i++)
		cmd_error("  %s", op->messages[i]);
	return -1;
}

static int
zones(void)
{
	struct r53_op op = { 0 };
	char name[DNS_NAME_TEXT_MAX];
	int rc = CMD_FAIL;

	r53_op_list_zones(&op, op_done);
	if (run_op(&op) == 0) {
		for (size_t i = 0; i < op.nzones; i++)
			fmt_printf("%s %s %s %ld\n", op.zones[i].id, sync_name_text(op.zones[i].name,
			    name, sizeof name), op.zones[i].private_zone ? "private" : "public",
			    op.zones[i].rrset_count);
		if (fmt_fflush(FMT_STDOUT) == 0)
			rc = CMD_OK;
	}
	r53_op_free(&op);
	return rc;
}

/* "/hostedzone/Z..", or capitals and digits only. */
static int
looks_like_id(const char *s)
{
	if (!strncmp(s, "/hostedzone/", 12))
		return 1;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The hosted zone ID for arg into id[R53_MAX_ID]. Returns 0 or -1. */
static int
zone_id(const struct cfg *c, const char *arg, char *id)
{
	const struct cfg_zone *z = NULL;
	struct r53_op op = { 0 };
	struct err e = { 0 };
	const char *found = arg;
	int i = 0;

	if (!looks_like_id(arg) && !((z = c ? cfg_zone_find(c, arg) : NULL) &&
	    (found = z->hosted_zone_id))) {
		r53_op_find_zone(&op, arg, op_done);
		if (run_op(&op) < 0)
			i = -1;
		else if ((i = r53_zone_pick(&op, z ? z->kind : CFG_ZONE_ANY, &e)) < 0)
			cmd_error("%s", e.msg);
		else
			found = op.zones[i].id;
	}
	if (i >= 0)
		str_copy(id, R53_MAX_ID, found);
	r53_op_free(&op);
	return i < 0 ? -1 : 0;
}

/* Convert the values of set s to wire rdata; with z non-NULL add them as
 * RRs of owner. Returns 0, or -1 with the reason in e. */
static int
set_rdata(const struct r53list_set *s, const uint8_t *owner, struct zone *z, struct err *e)
{
	uint8_t *rd = r->rd;

	for (int k = 0; k < s->nvalues; k++) {
		long n = rr_from_r53(s->type, s->values[k], strlen(s->values[k]), rd, DNS_RDATA_MAX, e);

		if (n < 0)
			return -1;
		if (z && zone_add(z, owner, s->type, DNS_CLASS_IN, s->ttl, rd, (size_t)n) < 0)
			return err_set(e, "%s", z->err.msg);
	}
	return 0;
}

/* Value k of s, re-rendered canonically when it parses. Returns a heap
 * string or NULL. */
static char *
canonical_value(const struct r53list_set *s, int k)
{
	uint8_t *rd = r->rd;
	char small[1024], *out;
	long n = rr_from_r53(s->type, s->values[k], strlen(s->values[k]), rd, DNS_RDATA_MAX, NULL);
	long len;

	if (n < 0 || (len = rr_to_r53(s->type, rd, (size_t)n, small, sizeof small, NULL)) < 0)
		return strdup(s->values[k]);
	if ((size_t)len < sizeof small)
		return strdup(small);
	if ((out = malloc((size_t)len + 1)))
		rr_to_r53(s->type, rd, (size_t)n, out, (size_t)len + 1, NULL);
	return out;
}

/* One record set notify53 leaves alone (or cannot parse), with markers. */
static int
print_special(const struct r53list_set *s, const char *reason, int json)
{
	char name[DNS_NAME_TEXT_MAX], target[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];
	const char *type = rr_type_name(s->type, tn);
	int alias = s->flags & R53LIST_ALIAS;

	sync_name_text(s->name, name, sizeof name);
	if (alias)
		sync_name_text(s->alias_target, target, sizeof target);
	if (json) {
		/* Built in memory first: one whole line or none. */
		struct fmt_stream m, *f = &m;
		int bad = 0;

		fmt_memstream(f);
		fmt_fputs("{\"name\":", f);
		json_write_str(f, name);
		fmt_fputs(",\"type\":", f);
		json_write_str(f, type);
		if (alias) {
			fmt_fputs(",\"alias\":", f);
			json_write_str(f, target);
		} else {
			fmt_fprintf(f, ",\"ttl\":%lu,\"values\":[", (unsigned long)s->ttl);
			for (int k = 0; !bad && k < s->nvalues; k++) {
				char *v = canonical_value(s, k);

				if (!(bad = !v)) {
					fmt_fputs(k ? "," : "", f);
					json_write_str(f, v);
				}
				free(v);
			}
			fmt_fputc(']', f);
		}
		if (s->set_identifier) {
			fmt_fputs(",\"set_identifier\":", f);
			json_write_str(f, s->set_identifier);
		}
		if (reason) {
			fmt_fputs(",\"not_understood\":", f);
			json_write_str(f, reason);
		}
		fmt_fputc('}', f);
		bad |= f->err != 0;
		if (!bad)
			fmt_printf("%s\n", f->b.data);
		buf_free(&f->b);
		return bad ? -1 : 0;
	}
	if (alias) {
		fmt_printf("%s ALIAS %s -> %s", name, type, target);
	} else {
		fmt_printf("%s %lu %s", name, (unsigned long)s->ttl, type);
		for (int k = 0; k < s->nvalues; k++) {
			char *v = canonical_value(s, k);

			if (!v)
				return -1;
			fmt_printf("%s%s", k ? " | " : " ", v);
			free(v);
		}
	}
	if (s->set_identifier)
		fmt_printf(" ; set-identifier=%s", s->set_identifier);
	else if (s->flags & R53LIST_ROUTING)
		fmt_printf(" ; traffic-policy");
	if (reason)
		fmt_printf(" ; not understood: %s", reason);
	fmt_printf("\n");
	return 0;
}

/* Print the listing: simple sets through a zone (canonical order and
 * values, the xfr printer), then the others. */
static int
print_list(const struct r53list *l, int json)
{
	const char **vals = malloc(R53LIST_MAX_VALUES * sizeof *vals);
	unsigned char *special = calloc(r53list_count(l) + 1, 1);
	struct zone z;
	struct r53list_set s;
	struct err e = { 0 };
	uint8_t owner[DNS_NAME_MAX];
	int rc = -1;

	zone_init(&z);
	if (!vals || !special)
		goto out;
	for (size_t i = 0; i < r53list_count(l); i++) {
		r53list_get(l, i, &s, vals);
		err_clear(&e);
		if ((s.flags & (R53LIST_ALIAS | R53LIST_ROUTING)) ||
		    dns_name_from_r53(owner, sizeof owner, s.name, &e) < 0 ||
		    set_rdata(&s, owner, NULL, &e) < 0) {
			special[i] = 1;
			continue;
		}
		if (set_rdata(&s, owner, &z, &e) < 0) {
			cmd_error("%s", e.msg);
			goto out;
		}
	}
	if (zone_finish(&z) < 0) {
		cmd_error("%s", z.err.msg);
		goto out;
	}
	if (zone_print(&z, FMT_STDOUT, json) < 0)
		goto out;
	for (size_t i = 0; i < r53list_count(l); i++) {
		if (!special[i])
			continue;
		r53list_get(l, i, &s, vals);
		err_clear(&e);
		if (!(s.flags & (R53LIST_ALIAS | R53LIST_ROUTING)) &&
		    dns_name_from_r53(owner, sizeof owner, s.name, &e) >= 0)
			set_rdata(&s, owner, NULL, &e);
		if (print_special(&s, e.set ? e.msg : NULL, json) < 0)
			goto out;
	}
	rc = 0;
out:
	zone_free(&z);
	free(special);
	free(vals);
	return rc;
}

static int
dump(const struct cfg *c, const char *arg, int json)
{
	struct r53_op op = { 0 };
	struct r53list l;
	char id[R53_MAX_ID];
	int rc = CMD_FAIL;

	if (zone_id(c, arg, id) < 0)
		return CMD_FAIL;
	r53list_init(&l);
	r53_op_list_sets(&op, id, &l, op_done);
	if (run_op(&op) == 0) {
		if (print_list(&l, json) < 0 || fmt_fflush(FMT_STDOUT) != 0)
			cmd_error("cannot print the record sets");
		else
			rc = CMD_OK;
	}
	r53_op_free(&op);
	r53list_free(&l);
	return rc;
}

/* Both commands: load the config (-c, else the default file when it
 * exists, else the defaults) and set up the client; then zones(), or dump()
 * of the one operand `r53 dump` has. */
int
cmd_r53(const struct cmd_args *a)
{
	static struct cfg c; /* empty without a file: cfg_free is harmless */
	struct cfg_aws defaults = { 0 };
	const char *path = a->opt[CMD_OPT_CONFIG];
	struct err e = { 0 };
	int rc = CMD_FAIL;

	if (!path && access(CFG_DEFAULT_PATH, F_OK) == 0)
		path = CFG_DEFAULT_PATH;
	if (path && cfg_load(&c, path, &e) < 0) {
		cmd_error("%s", e.msg);
		return CMD_FAIL;
	}
	defaults.max_requests_per_second = CFG_DEFAULT_AWS_RATE;
	if (!(r = calloc(1, sizeof *r)))
		cmd_error("out of memory (%zu bytes)", sizeof *r);
	else if (r53_init(&r->client, path ? &c.aws : &defaults, &e) < 0)
		cmd_error("%s", e.msg);
	else
		rc = !a->noperands ? zones() : dump(path ? &c : NULL, a->operands[0],
		    a->opt[CMD_OPT_JSON] != NULL);
	if (r)
		r53_free(&r->client);
	free(r);
	r = NULL;
	cfg_free(&c);
	return rc;
}
