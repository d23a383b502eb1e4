#include "config/cfg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cJSON.h"
#include "codec/dns.h"
#include "base/afile.h"
#include "base/buf.h"
#include "base/fmt.h"
#include "base/json.h"
#include "base/log.h"
#include "base/num.h"
#include "base/secret.h"
#include "base/str.h"
#include "codec/rr.h"
#include "codec/tsig.h"

/* Where in the document a value sits, for messages such as
 * `zones[2].primaries[0]: "10.0.0.300" is not an IP address`. */
struct where {
	const struct where *up;
	const char *key; /* object member, or NULL for an array element */
	int index;
};

static int
where_str(const struct where *w, char *buf, size_t len)
{
	int n = 0;

	if (!w)
		return 0;
	if (w->up)
		n = where_str(w->up, buf, len);
	if ((size_t)n >= len)
		return n;
	if (w->key)
		n += fmt_snprintf(buf + n, len - (size_t)n, "%s%s", n ? "." : "", w->key);
	else
		n += fmt_snprintf(buf + n, len - (size_t)n, "[%d]", w->index);
	return n;
}

static int __attribute__((format(printf, 3, 4)))
bad(struct err *e, const struct where *w, const char *fmt, ...)
{
	char place[256], msg[ERR_MSG_MAX];
	va_list ap;

	place[0] = '\0';
	where_str(w, place, sizeof place);
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(e, "%s: %s", place[0] ? place : "config", msg);
}

/* A JSON value quoted for an error message, cut to a sane length. */
static const char *
shown(const cJSON *v, char *buf, size_t len)
{
	struct fmt_stream f;
	const char *s;

	fmt_memstream(&f);
	json_write_value(&f, v);
	s = f.err ? NULL : f.b.data;
	str_copy(buf, len, s ? s : "?");
	if (s && f.b.len >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
	buf_free(&f.b);
	return buf;
}

/* What is known only once the whole file is read: the listen port applies
 * to listen addresses given without one, and zones name TSIG keys that may
 * be defined further down. */
struct parse {
	struct cfg *c;
	int listen_port;
	int listen_has_port[CFG_MAX_LISTEN];
	struct {
		char *key;      /* tsig_key name or NULL */
		char place[64]; /* "zones[2]", "domains_to_manage[0]" */
	} *zone_more;           /* per zone */
	size_t zones_cap, more_cap; /* allocated: c->zones, zone_more */
	struct cfg_zone *zone; /* the zone object being read */
};

/* One allowed key of an object and how it is read: most are a field of
 * the struct the object fills (struct cfg, struct cfg_zone), at offset off
 * from its start (base), read by kind; the others by a reader of their
 * own. One table per object instead of one function per key. */
enum key_kind {
	KEY_STR,    /* get_str into the char * at off */
	KEY_STS,    /* the same, then cfg_aws_value_check by the key's name */
	KEY_NAME,   /* get_name into the char * at off */
	KEY_INT,    /* get_int into the int at off, within int_range[arg] */
	KEY_BOOL,   /* get_bool into the int at off */
	KEY_OBJ,    /* an object of the keys objects[arg], same base */
	KEY_READ,   /* readers[arg] */
	KEY_LIST,   /* get_list of lists[arg] into the array pointer at off */
	KEY_NOTICE  /* accepted but unused: say so (notices[arg]) */
};

struct key {
	const char *name; /* NULL ends a table */
	unsigned short off;
	unsigned char kind, arg;
};

typedef char cfg_offsets_fit[sizeof(struct cfg) <= 65535 ? 1 : -1];

/* A KEY_READ reader: gets the member's value and its place. */
typedef int reader(struct parse *ps, const cJSON *v, const struct where *w, struct err *e);

static int walk_object(struct parse *ps, const cJSON *obj, const struct where *w,
    const struct key *keys, void *base, struct err *e);

/* ---- typed readers ------------------------------------------------------ */

static int
get_str(const cJSON *v, const struct where *w, struct err *e, char **out)
{
	if (!cJSON_IsString(v))
		return bad(e, w, "must be a string");
	if (strlen(v->valuestring) > CFG_MAX_STRING)
		return bad(e, w, "longer than %d characters", CFG_MAX_STRING);
	free(*out);
	if (!(*out = strdup(v->valuestring)))
		return bad(e, w, "out of memory");
	return 0;
}

static int
get_int(const cJSON *v, const struct where *w, struct err *e, long min, long max, int *out)
{
	double d;
	char buf[64];

	if (!cJSON_IsNumber(v))
		return bad(e, w, "%s is not a number", shown(v, buf, sizeof buf));
	d = v->valuedouble;
	/* The range first: converting a double out of long's range is
	 * undefined (C99 6.3.1.4). */
	if (!(d >= (double)min && d <= (double)max) || d != (double)(long)d)
		return bad(e, w, "%s is not a whole number from %ld to %ld", shown(v, buf, sizeof buf), min,
		    max);
	*out = (int)d;
	return 0;
}

static int
get_bool(const cJSON *v, const struct where *w, struct err *e, int *out)
{
	if (!cJSON_IsBool(v))
		return bad(e, w, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* A zone or key name in presentation form, normalised to lower case with a
 * trailing dot. */
static int
get_name(const cJSON *v, const struct where *w, struct err *e, char **out)
{
	uint8_t wire[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];
	struct err ne = { 0 };
	char buf[80];

	if (!cJSON_IsString(v))
		return bad(e, w, "must be a string");
	static const uint8_t root[1] = { 0 };

	/* Names in the file are absolute with or without the trailing dot, as
	 * the original tool wrote them ("gethelpbox.com"). */
	if (dns_name_from_text(wire, sizeof wire, v->valuestring, root, &ne) < 0)
		return bad(e, w, "%s is not a domain name (%s)", shown(v, buf, sizeof buf), ne.msg);
	dns_name_lower(wire);
	dns_name_to_text(wire, text, sizeof text);
	free(*out);
	if (!(*out = strdup(text)))
		return bad(e, w, "out of memory");
	return 0;
}

static int
get_addr(const cJSON *v, const struct where *w, struct err *e, int port, struct net_addr *a)
{
	char buf[80];

	if (!cJSON_IsString(v))
		return bad(e, w, "must be a string");
	if (net_addr_parse(a, v->valuestring, port) < 0)
		return bad(e, w, "%s is not an IP address", shown(v, buf, sizeof buf));
	return 0;
}

/* "192.0.2.0/24", "2001:db8::/32" or a single address. An IPv4-mapped
 * entry (::ffff:192.0.2.0/120) is the IPv4 range 192.0.2.0/24: sources
 * arrive as IPv4 (IPV6_V6ONLY sockets). */
static int
get_cidr(const cJSON *v, const struct where *w, struct err *e, void *out)
{
	struct cfg_cidr *r = out;
	char buf[80];

	if (!cJSON_IsString(v))
		return bad(e, w, "must be a string");
	switch (net_cidr_parse(&r->addr, &r->prefix, v->valuestring)) {
	case 0:
		return 0;
	case NET_CIDR_PREFIX:
		return bad(e, w, "%s has a bad prefix length", shown(v, buf, sizeof buf));
	case NET_CIDR_MAPPED:
		return bad(e, w, "%s is an IPv4-mapped range: its prefix length must be 96 or "
		    "more", shown(v, buf, sizeof buf));
	default:
		return bad(e, w, "%s is not an IP address or range", shown(v, buf, sizeof buf));
	}
}

/* Is v a list (type cJSON_Array; cJSON_Object for one of named entries)
 * of min to max entries? If not, says what it must be, or "more than MAX
 * what". */
static int
list_check(const cJSON *v, const struct where *w, struct err *e, int type, int min, int max,
    const char *must_be, const char *what)
{
	if ((v->type & 0xff) != type || cJSON_GetArraySize(v) < min)
		return bad(e, w, "%s", must_be);
	if (cJSON_GetArraySize(v) > max)
		return bad(e, w, "more than %d %s", max, what);
	return 0;
}

/* Room for the entries of list v, size bytes each (one more: calloc(0)
 * may return NULL), or NULL after saying so. */
static void *
list_room(const cJSON *v, const struct where *w, struct err *e, size_t size)
{
	void *p = calloc((size_t)cJSON_GetArraySize(v) + 1, size);

	if (!p)
		bad(e, w, "out of memory");
	return p;
}

/* Is m a member of object obj whose name an earlier member has? Says so. */
static int
dup_key(const cJSON *obj, const cJSON *m, const struct where *mw, struct err *e)
{
	for (const cJSON *p = obj->child; p != m; p = p->next)
		if (!strcmp(p->string, m->string))
			return bad(e, mw, "duplicate key");
	return 0;
}

/* A list of entries read one by one into an array (KEY_LIST): its JSON
 * type (cJSON_Array; cJSON_Object for named entries, no name twice), at
 * most max entries of size bytes, list_check's words, the reader of one
 * entry and where the struct read keeps the count (from the same base). */
struct list_kind {
	int type, max;
	unsigned short size, count_off;
	const char *must_be, *what;
	int (*entry)(const cJSON *v, const struct where *w, struct err *e, void *out);
};

/* The entries of list v into a new array at *out (a pointer to the
 * array's pointer), counted in *n as each begins: cfg_free frees what
 * they hold. Returns 0 or -1. */
static int
get_list(const cJSON *v, const struct where *w, struct err *e, const struct list_kind *k,
    void *out, int *n)
{
	char *arr;
	int i = 0;

	if (list_check(v, w, e, k->type, 0, k->max, k->must_be, k->what) < 0 ||
	    !(arr = list_room(v, w, e, k->size)))
		return -1;
	memcpy(out, &arr, sizeof arr);
	for (const cJSON *m = v->child; m; m = m->next, i++) {
		struct where mw = { w, k->type == cJSON_Object ? m->string : NULL, i };

		(*n)++;
		if ((k->type == cJSON_Object && dup_key(v, m, &mw, e) < 0) ||
		    k->entry(m, &mw, e, arr + (size_t)i * k->size) < 0)
			return -1;
	}
	return 0;
}

/* The members of object v, which may have only the keys names[0] and
 * names[1], into got[0] and got[1] (NULL when absent; the first of a
 * name, as cJSON_GetObjectItemCaseSensitive finds it). If v is no object,
 * says what it must be. */
static int
two_keys(const cJSON *v, const struct where *w, struct err *e, const char *const names[2],
    const char *must_be, const cJSON *got[2])
{
	if (!cJSON_IsObject(v))
		return bad(e, w, "%s", must_be);
	got[0] = got[1] = NULL;
	for (const cJSON *m = v->child; m; m = m->next) {
		int i = !strcmp(m->string, names[0]) ? 0 : !strcmp(m->string, names[1]) ? 1 : -1;

		if (i < 0)
			return bad(e, w, "unknown key \"%s\" (use \"%s\" and \"%s\")", m->string,
			    names[0], names[1]);
		if (!got[i])
			got[i] = m;
	}
	return 0;
}

/* ---- the original tool's keys ---------------------------------------------- */

static int
rd_listen_ip(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	if (get_addr(v, w, e, CFG_DEFAULT_NOTIFY_PORT, &ps->c->listen[0]) < 0)
		return -1;
	ps->c->nlisten = 1;
	ps->listen_has_port[0] = 0;
	return 0;
}

static int
rd_listen_port(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	return get_int(v, w, e, 1, 65535, &ps->listen_port);
}

static int
add_zone(struct parse *ps, const struct where *w, struct err *e, struct cfg_zone **out)
{
	struct cfg *c = ps->c;
	size_t n = (size_t)c->nzones;
	struct cfg_zone *z;

	if (c->nzones >= CFG_MAX_ZONES)
		return bad(e, w, "more than %d zones", CFG_MAX_ZONES);
	if (buf_grow(&c->zones, &ps->zones_cap, n, 1, sizeof *c->zones) < 0 ||
	    buf_grow(&ps->zone_more, &ps->more_cap, n, 1, sizeof *ps->zone_more) < 0)
		return bad(e, w, "out of memory");
	ps->zone_more[n].key = NULL;
	where_str(w, ps->zone_more[n].place, sizeof ps->zone_more[n].place);
	z = &c->zones[c->nzones++];
	memset(z, 0, sizeof *z);
	z->kind = CFG_ZONE_ANY;
	z->sync_soa = 1;
	*out = z;
	return 0;
}

static int
rd_domains(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	int i = 0;

	if (!cJSON_IsArray(v))
		return bad(e, w, "must be a list of zone names");
	for (const cJSON *d = v->child; d; d = d->next, i++) {
		struct where dw = { w, NULL, i };
		struct cfg_zone *z = NULL;

		if (add_zone(ps, &dw, e, &z) < 0 || get_name(d, &dw, e, &z->name) < 0)
			return -1;
	}
	return 0;
}

/* ---- extensions --------------------------------------------------------------- */

/* Does an address text carry a port ("192.0.2.1:53", "[::1]:53")? */
static int
has_port(const char *s)
{
	const char *colon = strchr(s, ':');

	if (s[0] == '[')
		return str_find(s, "]:") != NULL;
	return colon && !strchr(colon + 1, ':');
}

/* A non-empty list of at most max addresses into out (port: where one
 * gives none); returns how many, or -1. */
static int
get_addrs(const cJSON *v, const struct where *w, struct err *e, int max, const char *what,
    int port, struct net_addr *out)
{
	int i = 0;

	if (list_check(v, w, e, cJSON_Array, 1, max, "must be a non-empty list of addresses",
	    what) < 0)
		return -1;
	for (const cJSON *a = v->child; a; a = a->next, i++) {
		struct where aw = { w, NULL, i };

		if (get_addr(a, &aw, e, port, &out[i]) < 0)
			return -1;
	}
	return i;
}

static int
rd_listen(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	struct cfg *c = ps->c;
	int n = get_addrs(v, w, e, CFG_MAX_LISTEN, "addresses", CFG_DEFAULT_NOTIFY_PORT, c->listen);

	if (n < 0)
		return -1;
	c->nlisten = 0;
	for (const cJSON *a = v->child; a; a = a->next)
		ps->listen_has_port[c->nlisten++] = has_port(a->valuestring);
	return 0;
}

static int
rd_ignore_rule(const cJSON *r, const struct where *rw, struct err *e, void *out)
{
	struct cfg_ignore *ig = out;
	static const char *const names[2] = { "name", "type" };
	const cJSON *got[2], *name, *type;

	if (two_keys(r, rw, e, names, "must be an object with \"name\" and/or \"type\"", got) < 0)
		return -1;
	name = got[0];
	type = got[1];
	if (!name && !type)
		return bad(e, rw, "needs \"name\", \"type\" or both");
	if (name) {
		struct where nw = { rw, "name", 0 };
		size_t n;

		if (get_str(name, &nw, e, &ig->name) < 0)
			return -1;
		for (char *p = ig->name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		/* A trailing dot is optional; names are matched without it. */
		n = strlen(ig->name);
		if (n > 1 && ig->name[n - 1] == '.')
			ig->name[n - 1] = '\0';
	}
	if (type) {
		struct where tw = { rw, "type", 0 };
		int list = cJSON_IsArray(type), j = 0;

		if (list && cJSON_GetArraySize(type) > CFG_MAX_IGNORE_TYPES)
			return bad(e, &tw, "more than %d types", CFG_MAX_IGNORE_TYPES);
		/* No types would read as a rule of any type: every set of
		 * the name (of the zone, without "name") left alone. */
		if (list && !type->child)
			return bad(e, &tw, "an empty list: give one or more record types, or leave "
			    "\"type\" out for any type");
		for (const cJSON *one = list ? type->child : type; one; one = list ? one->next : NULL, j++) {
			struct where ow = { &tw, NULL, j };
			int t;

			if (!cJSON_IsString(one) || (t = rr_type_parse(one->valuestring, strlen(one->valuestring))) <= 0)
				return bad(e, list ? &ow : &tw, "must be a record type such as \"CNAME\"");
			ig->types[ig->ntypes++] = (uint16_t)t;
		}
	}
	return 0;
}

static int
rd_hosted_zone_id(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	struct cfg_zone *z = ps->zone;
	const char *id;
	char buf[80];

	if (get_str(v, w, e, &z->hosted_zone_id) < 0)
		return -1;
	/* Route 53 returns IDs as "/hostedzone/Z..."; keep the bare ID that
	 * goes into request paths (Route 53 API Reference, GetHostedZone). */
	id = str_after_last(z->hosted_zone_id, '/');
	memmove(z->hosted_zone_id, id, strlen(id) + 1);
	/* 1 to 32 letters and digits. */
	for (id = z->hosted_zone_id; isalnum((unsigned char)*id); id++)
		;
	if (*id || id == z->hosted_zone_id || id - z->hosted_zone_id > 32)
		return bad(e, w, "%s is not a hosted zone ID", shown(v, buf, sizeof buf));
	return 0;
}

static int
rd_primaries(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	struct cfg_zone *z = ps->zone;
	int n = get_addrs(v, w, e, CFG_MAX_PRIMARIES, "primaries", 53, z->primaries);

	if (n < 0)
		return -1;
	z->nprimaries = n;
	return 0;
}

static int
rd_private(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	int priv = 0;

	if (get_bool(v, w, e, &priv) < 0)
		return -1;
	ps->zone->kind = priv ? CFG_ZONE_PRIVATE : CFG_ZONE_PUBLIC;
	return 0;
}

/* A zone's key is found by name once tsig_keys is read (finish_zone). */
static int
rd_zone_tsig_key(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	return get_name(v, w, e, &ps->zone_more[ps->c->nzones - 1].key);
}

static const struct key zone_keys[];

static int
rd_zones(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	int i = 0;

	if (!cJSON_IsArray(v))
		return bad(e, w, "must be a list of zone objects");
	for (const cJSON *z = v->child; z; z = z->next, i++) {
		struct where zw = { w, NULL, i };

		if (!cJSON_IsObject(z))
			return bad(e, &zw, "must be an object such as {\"name\": \"example.com\"}");
		if (add_zone(ps, &zw, e, &ps->zone) < 0 ||
		    walk_object(ps, z, &zw, zone_keys, ps->zone, e) < 0)
			return -1;
		if (!ps->zone->name)
			return bad(e, &zw, "needs a \"name\"");
	}
	return 0;
}

static int
rd_peer(const cJSON *v, const struct where *w, struct err *e, void *out)
{
	struct cfg_peer *p = out;
	static const char *const names[2] = { "address", "tsig_key" };
	const cJSON *got[2];
	struct where aw = { w, "address", 0 }, kw = { w, "tsig_key", 0 };

	if (two_keys(v, w, e, names, "must be {\"address\": \"192.0.2.2:53\", \"tsig_key\": \"name\"}",
	    got) < 0)
		return -1;
	if (!got[0] || !got[1])
		return bad(e, w, "needs an \"address\" and a \"tsig_key\" (peers sign their NOTIFYs)");
	if (get_addr(got[0], &aw, e, CFG_DEFAULT_NOTIFY_PORT, &p->addr) < 0)
		return -1;
	return get_name(got[1], &kw, e, &p->key_name);
}

static int
rd_tsig_key(const cJSON *k, const struct where *kw, struct err *e, void *out)
{
	struct cfg_tsig_key *key = out;
	cJSON name = { .type = cJSON_String, .valuestring = k->string };
	struct where aw = { kw, "algorithm", 0 }, sw = { kw, "secret", 0 };
	static const char *const names[2] = { "algorithm", "secret" };
	const cJSON *got[2], *alg, *sec;
	struct tsig_key parsed;
	struct err te = { 0 };
	int rc;

	if (get_name(&name, kw, e, &key->name) < 0)
		return -1;
	if (two_keys(k, kw, e, names,
	    "must be {\"algorithm\": \"hmac-sha256\", \"secret\": \"base64...\"}", got) < 0)
		return -1;
	alg = got[0];
	sec = got[1];
	if (!alg) {
		if (!(key->algorithm = strdup("hmac-sha256")))
			return bad(e, kw, "out of memory");
	} else if (get_str(alg, &aw, e, &key->algorithm) < 0) {
		return -1;
	}
	if (!sec)
		return bad(e, kw, "needs a \"secret\"");
	if (get_str(sec, &sw, e, &key->secret) < 0)
		return -1;
	/* Check it now, so a typo is a config error and not a failed transfer
	 * at 3 a.m.; the message never shows the secret. */
	rc = tsig_key_init(&parsed, key->name, key->algorithm, key->secret, &te);
	secret_wipe(&parsed, sizeof parsed);
	if (rc < 0)
		return bad(e, kw, "%s", te.msg);
	return 0;
}

/* Characters STS allows in a name (RoleSessionName: [\w+=,.@-]; ExternalId
 * adds ':' and '/'). */
static int
sts_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_+=,.@-", *s) && !strchr(extra, *s))
			return 0;
	return 1;
}

int
cfg_aws_value_check(const char *key, const char *v, struct err *e)
{
	size_t n = strlen(v);
	uint64_t d;
	const char *must = NULL; /* what a bad value must be */

	if (!strcmp(key, "role_arn")) {
		/* arn:PARTITION:iam::ACCOUNT:role/NAME, 20-2048 characters. */
		if (n < 20 || n > 2048 || strncmp(v, "arn:", 4) || !str_find(v, ":role/") ||
		    !sts_chars(v, ":/"))
			return err_set(e, "role_arn %s is not a role ARN "
			    "(arn:aws:iam::ACCOUNT:role/NAME)", n <= 200 ? v : "(too long)");
	} else if (!strcmp(key, "credential_source")) {
		if (strcmp(v, "Environment") && strcmp(v, "Ec2InstanceMetadata") &&
		    strcmp(v, "EcsContainer"))
			must = "Environment, Ec2InstanceMetadata or EcsContainer";
	} else if (!strcmp(key, "external_id")) {
		if (n < 2 || n > 1224 || !sts_chars(v, ":/"))
			must = "2 to 1224 characters of letters, digits and _+=,.@:/-";
	} else if (!strcmp(key, "role_session_name")) {
		if (n < 2 || n > 64 || !sts_chars(v, ""))
			must = "2 to 64 characters of letters, digits and _+=,.@-";
	} else if (!strcmp(key, "duration_seconds")) {
		if (num_parse(v, 43200, &d) < 0 || d < 900)
			must = "a whole number from 900 to 43200";
	} else if (!strcmp(key, "sts_regional_endpoints")) {
		if (strcmp(v, "regional") && strcmp(v, "legacy"))
			must = "regional or legacy";
	} else if (!strcmp(key, "source_profile")) {
		if (!n || n > 127)
			must = "a profile name of 1 to 127 characters";
	}
	return must ? err_set(e, "%s must be %s", key, must) : 0;
}

static int
rd_aws_rate(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	char buf[64];

	if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || v->valuedouble > 1000)
		return bad(e, w, "%s is not a rate above 0 and up to 1000 requests per second",
		    shown(v, buf, sizeof buf));
	ps->c->aws.max_requests_per_second = v->valuedouble;
	return 0;
}

static int
rd_log_level(struct parse *ps, const cJSON *v, const struct where *w, struct err *e)
{
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, "debug") && strcmp(v->valuestring, "info")))
		return bad(e, w, "must be \"info\" or \"debug\"");
	ps->c->log_debug = !strcmp(v->valuestring, "debug");
	return 0;
}

/* ---- the tables --------------------------------------------------------------- */

enum { R_REFRESH, R_PERCENT, R_MIN_EXISTING, R_RECONCILE, R_PEER_WAIT, R_DURATION, R_TIMEOUT };

static const struct {
	int min, max;
} int_range[] = {
	[R_REFRESH] = { 1, 7 * 24 * 3600 },
	[R_PERCENT] = { 0, 100 },
	[R_MIN_EXISTING] = { 0, 100000000 },
	[R_RECONCILE] = { 60, 365 * 24 * 3600 },
	[R_PEER_WAIT] = { 0, CFG_MAX_PEER_WAIT },
	[R_DURATION] = { 900, 43200 },
	[R_TIMEOUT] = { 1, 3600 },
};

enum {
	RD_LISTEN_IP, RD_LISTEN_PORT, RD_DOMAINS, RD_LISTEN, RD_ZONES, RD_AWS_RATE, RD_LOG_LEVEL,
	RD_PRIMARIES, RD_HOSTED_ZONE_ID, RD_PRIVATE, RD_ZONE_TSIG_KEY
};

static reader *const readers[] = {
	[RD_LISTEN_IP] = rd_listen_ip,
	[RD_LISTEN_PORT] = rd_listen_port,
	[RD_DOMAINS] = rd_domains,
	[RD_LISTEN] = rd_listen,
	[RD_ZONES] = rd_zones,
	[RD_AWS_RATE] = rd_aws_rate,
	[RD_LOG_LEVEL] = rd_log_level,
	[RD_PRIMARIES] = rd_primaries,
	[RD_HOSTED_ZONE_ID] = rd_hosted_zone_id,
	[RD_PRIVATE] = rd_private,
	[RD_ZONE_TSIG_KEY] = rd_zone_tsig_key,
};

enum { L_NOTIFY_SERVERS, L_TSIG_KEYS, L_PEERS, L_IGNORE };

static const struct list_kind lists[] = {
	[L_NOTIFY_SERVERS] = { cJSON_Array, CFG_MAX_NOTIFY_FROM, sizeof(struct cfg_cidr),
	    offsetof(struct cfg, nnotify_from), "must be a list of addresses or ranges", "entries",
	    get_cidr },
	[L_TSIG_KEYS] = { cJSON_Object, CFG_MAX_TSIG_KEYS, sizeof(struct cfg_tsig_key),
	    offsetof(struct cfg, ntsig_keys),
	    "must be an object: {\"key-name\": {\"algorithm\": ..., \"secret\": ...}}", "keys",
	    rd_tsig_key },
	[L_PEERS] = { cJSON_Array, CFG_MAX_PEERS, sizeof(struct cfg_peer),
	    offsetof(struct cfg, npeers), "must be a list of {\"address\": ..., \"tsig_key\": ...}",
	    "peers", rd_peer },
	[L_IGNORE] = { cJSON_Array, CFG_MAX_IGNORE, sizeof(struct cfg_ignore),
	    offsetof(struct cfg_zone, nignore),
	    "must be a list of {\"name\": pattern, \"type\": type or list}", "rules", rd_ignore_rule },
};

static const char *const notices[] = {
	"notify53 has no botocore; use DEBUG=1 or -v for debug logs",
	"the original tool never used it; configure \"tsig_keys\" and a zone's \"tsig_key\"",
};

#define F(kind, name, field, arg) { name, offsetof(struct cfg, field), kind, arg }
#define Z(kind, name, field, arg) { name, offsetof(struct cfg_zone, field), kind, arg }
#define READ(name, rd) { name, 0, KEY_READ, rd }
#define FLIST(name, field, l) { name, offsetof(struct cfg, field), KEY_LIST, l }

static const struct key zone_keys[] = {
	Z(KEY_NAME, "name", name, 0),
	READ("primaries", RD_PRIMARIES),
	READ("hosted_zone_id", RD_HOSTED_ZONE_ID),
	READ("private", RD_PRIVATE),
	READ("tsig_key", RD_ZONE_TSIG_KEY),
	{ "ignore", offsetof(struct cfg_zone, ignore), KEY_LIST, L_IGNORE },
	Z(KEY_BOOL, "sync_soa", sync_soa, 0),
	{ NULL, 0, 0, 0 },
};

static const struct key aws_keys[] = {
	F(KEY_STR, "profile", aws.profile, 0),
	F(KEY_STR, "credentials_file", aws.credentials_file, 0),
	F(KEY_STR, "access_key_id", aws.access_key_id, 0),
	F(KEY_STR, "secret_access_key", aws.secret_access_key, 0),
	F(KEY_STR, "session_token", aws.session_token, 0),
	F(KEY_STR, "endpoint", aws.endpoint, 0),
	F(KEY_STR, "region", aws.region, 0),
	F(KEY_STR, "ca_file", aws.ca_file, 0),
	READ("max_requests_per_second", RD_AWS_RATE),
	F(KEY_BOOL, "allow_http", aws.allow_http, 0),
	F(KEY_STS, "role_arn", aws.role_arn, 0),
	F(KEY_STS, "source_profile", aws.source_profile, 0),
	F(KEY_STS, "credential_source", aws.credential_source, 0),
	F(KEY_STS, "external_id", aws.external_id, 0),
	F(KEY_STS, "role_session_name", aws.role_session_name, 0),
	F(KEY_INT, "duration_seconds", aws.duration_seconds, R_DURATION),
	F(KEY_STS, "sts_regional_endpoints", aws.sts_regional_endpoints, 0),
	F(KEY_STR, "sts_endpoint", aws.sts_endpoint, 0),
	F(KEY_STR, "sts_region", aws.sts_region, 0),
	F(KEY_STR, "web_identity_token_file", aws.web_identity_token_file, 0),
	F(KEY_STR, "credential_process", aws.credential_process, 0),
	F(KEY_INT, "credential_process_timeout", aws.credential_process_timeout, R_TIMEOUT),
	F(KEY_STR, "proxy", aws.proxy, 0),
	{ NULL, 0, 0, 0 },
};

static const struct key safety_keys[] = {
	F(KEY_INT, "max_delete_percent", safety.max_delete_percent, R_PERCENT),
	F(KEY_INT, "max_update_percent", safety.max_update_percent, R_PERCENT),
	F(KEY_INT, "min_existing", safety.min_existing, R_MIN_EXISTING),
	{ NULL, 0, 0, 0 },
};

static const struct key log_keys[] = {
	READ("level", RD_LOG_LEVEL),
	F(KEY_BOOL, "syslog", log_syslog, 0),
	{ NULL, 0, 0, 0 },
};

enum { OBJ_AWS, OBJ_SAFETY, OBJ_LOG };

static const struct key *const objects[] = {
	[OBJ_AWS] = aws_keys,
	[OBJ_SAFETY] = safety_keys,
	[OBJ_LOG] = log_keys,
};

static const struct key top_keys[] = {
	/* the original tool's keys */
	READ("listen_ip", RD_LISTEN_IP),
	READ("listen_port", RD_LISTEN_PORT),
	FLIST("notify_servers", notify_from, L_NOTIFY_SERVERS),
	READ("domains_to_manage", RD_DOMAINS),
	F(KEY_BOOL, "domains_to_manage_from_aws", zones_from_aws, 0),
	F(KEY_INT, "zone_refresh_wait_interval", refresh_min, R_REFRESH),
	{ "mute_botocore_debug", 0, KEY_NOTICE, 0 },
	{ "tsig_secret", 0, KEY_NOTICE, 1 },
	/* extensions */
	READ("listen", RD_LISTEN),
	READ("zones", RD_ZONES),
	FLIST("tsig_keys", tsig_keys, L_TSIG_KEYS),
	{ "aws", 0, KEY_OBJ, OBJ_AWS },
	{ "safety", 0, KEY_OBJ, OBJ_SAFETY },
	{ "logging", 0, KEY_OBJ, OBJ_LOG },
	F(KEY_STR, "user", user, 0),
	F(KEY_STR, "group", group, 0),
	F(KEY_STR, "pidfile", pidfile, 0),
	F(KEY_STR, "state_file", state_file, 0),
	F(KEY_INT, "reconcile_interval", reconcile_interval, R_RECONCILE),
	FLIST("peers", peers, L_PEERS),
	F(KEY_INT, "peer_wait", peer_wait, R_PEER_WAIT),
	F(KEY_STR, "cache_dir", cache_dir, 0),
	{ NULL, 0, 0, 0 },
};

/* Read the members of obj by keys into the struct at base. */
static int
walk_object(struct parse *ps, const cJSON *obj, const struct where *w, const struct key *keys,
    void *base, struct err *e)
{
	if (!cJSON_IsObject(obj))
		return bad(e, w, "must be an object");
	for (const cJSON *m = obj->child; m; m = m->next) {
		struct where mw = { w, m->string, 0 };
		const struct key *k = keys;
		void *field;
		char place[256];

		if (dup_key(obj, m, &mw, e) < 0)
			return -1;
		while (k->name && strcmp(k->name, m->string))
			k++;
		if (!k->name || k->kind == KEY_NOTICE) {
			where_str(&mw, place, sizeof place);
			if (!k->name)
				log_warn("config %s: unknown key %s (ignored)", ps->c->path, place);
			else
				log_info("config %s: %s is accepted for compatibility: %s", ps->c->path,
				    place, notices[k->arg]);
			continue;
		}
		field = (char *)base + k->off;
		switch (k->kind) {
		case KEY_STR:
		case KEY_STS: {
			struct err ve = { 0 };

			if (get_str(m, &mw, e, field) < 0)
				return -1;
			if (k->kind == KEY_STS && cfg_aws_value_check(k->name, *(char **)field, &ve) < 0)
				return bad(e, &mw, "%s", ve.msg);
			break;
		}
		case KEY_NAME:
			if (get_name(m, &mw, e, field) < 0)
				return -1;
			break;
		case KEY_INT:
			if (get_int(m, &mw, e, int_range[k->arg].min, int_range[k->arg].max, field) < 0)
				return -1;
			break;
		case KEY_BOOL:
			if (get_bool(m, &mw, e, field) < 0)
				return -1;
			break;
		case KEY_OBJ:
			if (walk_object(ps, m, &mw, objects[k->arg], base, e) < 0)
				return -1;
			break;
		case KEY_LIST: {
			const struct list_kind *l = &lists[k->arg];

			if (get_list(m, &mw, e, l, field, (int *)((char *)base + l->count_off)) < 0)
				return -1;
			break;
		}
		default:
			if (readers[k->arg](ps, m, &mw, e) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* Free the strings of the keys at base (a secret's wiped, as every one
 * is: one loop instead of a list of which are secrets). */
static void
free_strings(const struct key *keys, void *base)
{
	for (const struct key *k = keys; k->name; k++)
		if (k->kind == KEY_STR || k->kind == KEY_STS || k->kind == KEY_NAME)
			secret_free(*(char **)((char *)base + k->off));
		else if (k->kind == KEY_OBJ)
			free_strings(objects[k->arg], base);
}

/* ---- whole-file checks ----------------------------------------------------------- */

static void
finish_listen(struct parse *ps)
{
	struct cfg *c = ps->c;
	int port = ps->listen_port ? ps->listen_port : CFG_DEFAULT_NOTIFY_PORT;

	if (!c->nlisten) {
		/* The original listened on 0.0.0.0 (IPv4 only); without
		 * listen_ip we take IPv4 and IPv6. */
		net_addr_parse(&c->listen[c->nlisten++], "0.0.0.0", port);
		net_addr_parse(&c->listen[c->nlisten++], "[::]", port);
		return;
	}
	for (int i = 0; i < c->nlisten; i++) {
		char ip[NET_ADDR_STRLEN], spec[NET_ADDR_STRLEN + 2];

		if (ps->listen_has_port[i])
			continue;
		net_addr_ip_str(&c->listen[i], ip, sizeof ip);
		fmt_snprintf(spec, sizeof spec, c->listen[i].ss.ss_family == AF_INET6 ? "[%s]" : "%s", ip);
		net_addr_parse(&c->listen[i], spec, port);
	}
}

/* May a and b both be configured? One zone name may stand for several
 * hosted zones, as when a primary keeps a view per hosted zone (a public
 * one and a private one for VPCs, Amazon Route 53 Developer Guide,
 * "Working with private hosted zones"); each entry must then say which
 * hosted zone it is: its own hosted_zone_id, or "private" true for one
 * and false for the other (without it, an entry takes the public zone or
 * else the private one, which may be the other entry's). Returns 0, or -1
 * with the reason in e. */
static int
same_entry(const struct cfg_zone *a, const struct cfg_zone *b, const struct where *w,
    struct err *e)
{
	if (strcmp(a->name, b->name))
		return 0;
	if (a->hosted_zone_id && b->hosted_zone_id) {
		if (strcmp(a->hosted_zone_id, b->hosted_zone_id))
			return 0;
		return bad(e, w, "zone %s: hosted zone %s is configured twice", b->name,
		    b->hosted_zone_id);
	}
	if (a->hosted_zone_id || b->hosted_zone_id)
		return 0;
	if (a->kind != CFG_ZONE_ANY && b->kind != CFG_ZONE_ANY && a->kind != b->kind)
		return 0;
	return bad(e, w, "zone %s is configured twice (entries of one name must each give "
	    "\"private\" true or false, or their own \"hosted_zone_id\")", b->name);
}

/* The key of tsig_keys called name (finish refuses two of one name), or
 * NULL. Returns the last of that name, which finish relies on. */
static const struct cfg_tsig_key *
find_key(const struct cfg *c, const char *name)
{
	const struct cfg_tsig_key *found = NULL;

	for (int k = 0; k < c->ntsig_keys; k++)
		if (!strcmp(c->tsig_keys[k].name, name))
			found = &c->tsig_keys[k];
	return found;
}

static int
finish_zone(struct parse *ps, int i, struct err *e)
{
	struct cfg *c = ps->c;
	struct cfg_zone *z = &c->zones[i];
	struct where zw = { NULL, ps->zone_more[i].place, 0 };
	const char *key = ps->zone_more[i].key;
	int host_bits;

	for (int j = 0; j < i; j++)
		if (same_entry(&c->zones[j], z, &zw, e) < 0)
			return -1;
	if (key && !(z->tsig = find_key(c, key)))
		return bad(e, &zw, "tsig_key %s is not in tsig_keys", key);
	if (z->nprimaries)
		return 0;
	/* The original transferred every zone from notify_servers[0]; so do
	 * we when a zone names no primaries, which needs that entry to be a
	 * single address. */
	if (!c->nnotify_from)
		return bad(e, &zw, "zone %s has no \"primaries\" and there are no notify_servers", z->name);
	host_bits = c->notify_from[0].addr.ss.ss_family == AF_INET ? 32 : 128;
	if (c->notify_from[0].prefix != host_bits)
		return bad(e, &zw, "zone %s has no \"primaries\" and notify_servers[0] is a range", z->name);
	z->primaries[0] = c->notify_from[0].addr;
	z->nprimaries = 1;
	return 0;
}

/* A peer's key must be in tsig_keys and be no zone's: a NOTIFY signed with
 * it says "a peer wrote this serial", which a primary never may. */
static int
finish_peer(struct cfg *c, int i, struct err *e)
{
	struct cfg_peer *p = &c->peers[i];
	struct where w = { NULL, "peers", 0 }, pw = { &w, NULL, i };

	if (!(p->tsig = find_key(c, p->key_name)))
		return bad(e, &pw, "tsig_key %s is not in tsig_keys", p->key_name);
	for (int z = 0; z < c->nzones; z++)
		if (c->zones[z].tsig == p->tsig)
			return bad(e, &pw, "tsig_key %s is also zone %s's key: give the peers a key of "
					   "their own", p->key_name, c->zones[z].name);
	return 0;
}

/* The temporary-credential keys of "aws" that go together. */
static int
finish_aws(const struct cfg_aws *a, const char *path, struct err *e)
{
	int sources = (a->access_key_id != NULL) + (a->source_profile != NULL) +
	    (a->credential_source != NULL) + (a->credential_process != NULL) +
	    (a->web_identity_token_file != NULL);

	if (!a->role_arn) {
		const char *k = a->source_profile ? "source_profile" :
		    a->credential_source ? "credential_source" : a->external_id ? "external_id" :
		    a->role_session_name ? "role_session_name" :
		    a->duration_seconds ? "duration_seconds" :
		    a->web_identity_token_file ? "web_identity_token_file" : NULL;

		if (k)
			return err_set(e, "%s: aws.%s needs aws.role_arn", path, k);
		if (a->credential_process && a->access_key_id)
			return err_set(e, "%s: aws.credential_process and aws.access_key_id "
			    "exclude each other", path);
		return 0;
	}
	if (sources != 1)
		return err_set(e, "%s: aws.role_arn needs exactly one source of the keys that "
		    "assume it: aws.access_key_id, aws.source_profile, aws.credential_source, "
		    "aws.credential_process or aws.web_identity_token_file", path);
	if (a->web_identity_token_file && a->external_id)
		return err_set(e, "%s: aws.external_id does not apply to web identity", path);
	return 0;
}

static int
finish(struct parse *ps, struct err *e)
{
	struct cfg *c = ps->c;

	if (finish_aws(&c->aws, c->path, e) < 0)
		return -1;
	/* Keys are found by name (zones, peers, the NOTIFY listener): "k"
	 * and "K." are one name, and two keys of it would be told apart by
	 * nothing but their order. */
	for (int i = 0; i < c->ntsig_keys; i++)
		if (find_key(c, c->tsig_keys[i].name) != &c->tsig_keys[i]) {
			struct where w = { NULL, "tsig_keys", 0 };

			return bad(e, &w, "%s is named twice (names are compared in lower case, "
			    "with or without the trailing dot)", c->tsig_keys[i].name);
		}

	finish_listen(ps);
	for (int i = 0; i < c->nzones; i++)
		if (finish_zone(ps, i, e) < 0)
			return -1;
	for (int i = 0; i < c->npeers; i++)
		if (finish_peer(c, i, e) < 0)
			return -1;
	if (c->peer_wait && !c->npeers)
		return err_set(e, "%s: peer_wait is set but there are no peers", c->path);
	if (!c->nzones && !c->zones_from_aws)
		return err_set(e, "%s: no zones: set \"domains_to_manage\", \"zones\" or "
				  "\"domains_to_manage_from_aws\"",
		    c->path);
	if (c->zones_from_aws && !c->nnotify_from)
		return err_set(e, "%s: domains_to_manage_from_aws needs notify_servers (the primary)",
		    c->path);
	return 0;
}

int
cfg_parse(struct cfg *c, const char *json, const char *path, struct err *e)
{
	struct parse ps = { .c = c };
	const char *debug = getenv("DEBUG");
	cJSON *root;
	int rc;

	memset(c, 0, sizeof *c);
	c->refresh_min = CFG_DEFAULT_REFRESH_MIN;
	c->reconcile_interval = CFG_DEFAULT_RECONCILE;
	c->aws.max_requests_per_second = CFG_DEFAULT_AWS_RATE;
	c->safety.max_delete_percent = CFG_DEFAULT_MAX_DELETE_PERCENT;
	c->safety.max_update_percent = CFG_DEFAULT_MAX_UPDATE_PERCENT;
	c->safety.min_existing = CFG_DEFAULT_MIN_EXISTING;
	if (!(c->path = strdup(path)))
		return err_set(e, "%s: out of memory", path);
	if (!(root = cJSON_ParseWithOpts(json, NULL, 1))) {
		const char *at = cJSON_GetErrorPtr();
		int line = 1, col = 1;

		for (const char *p = json; at && p < at && *p; p++, col++)
			if (*p == '\n') {
				line++;
				col = 0;
			}
		err_set(e, "%s:%d:%d: not valid JSON", path, line, col);
		cfg_free(c);
		return -1;
	}
	rc = walk_object(&ps, root, NULL, top_keys, c, e);
	/* cJSON's copies of the strings hold the secrets too. */
	secret_wipe_json(root);
	cJSON_Delete(root);
	if (rc == 0)
		rc = finish(&ps, e);
	for (int i = 0; i < c->nzones; i++)
		free(ps.zone_more[i].key);
	free(ps.zone_more);
	if (rc < 0) {
		cfg_free(c);
		return -1;
	}
	/* DEBUG=1 turned on debug logs in the original (its systemd unit sets
	 * it); keep that working. */
	if (debug && *debug && strcmp(debug, "0"))
		c->log_debug = 1;
	return 0;
}

int
cfg_load(struct cfg *c, const char *path, struct err *e)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int rc;

	memset(c, 0, sizeof *c);
	/* read(2), not stdio: a FILE's buffer would keep a copy of the
	 * secrets that nothing wipes. */
	if ((rc = afile_read(path, CFG_MAX_FILE, &buf, &n, e)) != 0)
		return rc > 0 ? err_set(e, "%s: %s", path, strerror(ENOENT)) : -1;
	if (stat(path, &st) < 0)
		st.st_mode = 0;
	if (memchr(buf, '\0', n))
		rc = err_set(e, "%s: contains a NUL byte", path);
	else
		rc = cfg_parse(c, buf, path, e);
	secret_wipe(buf, n);
	free(buf);
	/* Secrets in a file others can read deserve a warning, not a refusal:
	 * the operator may have reasons (a read-only bind mount, say). */
	if (rc == 0 && (st.st_mode & 077) && (c->aws.secret_access_key || c->ntsig_keys))
		log_warn("%s holds secrets and is readable by group or others (chmod 600 it)", path);
	return rc;
}

void
cfg_free(struct cfg *c)
{
	for (int i = 0; i < c->nzones; i++) {
		struct cfg_zone *z = &c->zones[i];

		free_strings(zone_keys, z);
		free(z->hosted_zone_id);
		for (int j = 0; j < z->nignore; j++)
			free(z->ignore[j].name);
		free(z->ignore);
	}
	free(c->zones);
	for (int i = 0; i < c->ntsig_keys; i++) {
		free(c->tsig_keys[i].name);
		free(c->tsig_keys[i].algorithm);
		secret_free(c->tsig_keys[i].secret);
	}
	free(c->tsig_keys);
	free(c->notify_from);
	for (int i = 0; i < c->npeers; i++)
		free(c->peers[i].key_name);
	free(c->peers);
	free_strings(top_keys, c);
	free(c->path);
	memset(c, 0, sizeof *c);
}

const struct cfg_zone *
cfg_zone_find(const struct cfg *c, const char *name)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == '.')
		n--;
	for (int i = 0; i < c->nzones; i++) {
		const char *zn = c->zones[i].name;
		size_t zl = strlen(zn) - 1; /* without the trailing dot */

		if (zl == n && !strncasecmp(zn, name, n))
			return &c->zones[i];
	}
	return NULL;
}

int
cfg_notify_allowed(const struct cfg *c, const struct cfg_zone *z, const struct net_addr *addr)
{
	for (int i = 0; i < c->nnotify_from; i++)
		if (net_cidr_match(&c->notify_from[i].addr, c->notify_from[i].prefix, addr))
			return 1;
	if (z)
		for (int i = 0; i < z->nprimaries; i++)
			if (net_addr_same_ip(&z->primaries[i], addr))
				return 1;
	return 0;
}

const struct cfg_peer *
cfg_peer_find(const struct cfg *c, const struct net_addr *addr)
{
	for (int i = 0; i < c->npeers; i++)
		if (net_addr_same_ip(&c->peers[i].addr, addr))
			return &c->peers[i];
	return NULL;
}

/* Does the glob pat match all of s? "*" matches any run of characters
 * (dots included), "?" any one, a backslash makes the next character
 * plain; everything else itself. Our own instead of fnmatch(3): musl's pulls in 15 KB of wide
 * character tables for bracket classes DNS names do not need. Greedy with
 * one backtrack point, so linear in practice and never recursive. */
static int
glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;
	int lit;

	while (*s) {
		if (*pat == '*') {
			star = ++pat;
			resume = s;
			continue;
		}
		lit = *pat == '\\' && pat[1];
		pat += lit;
		if (*pat && (*pat == *s || (*pat == '?' && !lit))) {
			pat++;
			s++;
		} else if (star) {
			pat = star;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

int
cfg_ignored(const struct cfg_zone *z, const char *name, uint16_t type)
{
	char full[DNS_NAME_TEXT_MAX], below[DNS_NAME_TEXT_MAX];
	const char *rel = full;
	size_t n = strlen(name), zl = strlen(z->name) - 1;

	if (n >= sizeof full)
		return 0;
	/* Rules match the full name without its trailing dot, or the name
	 * relative to the zone ("@" at the apex), in lower case. */
	for (size_t i = 0; i <= n; i++)
		full[i] = (char)tolower((unsigned char)name[i]);
	if (n && full[n - 1] == '.')
		full[--n] = '\0';
	if (n == zl) {
		rel = "@";
	} else if (n > zl && full[n - zl - 1] == '.' && !strncmp(full + n - zl, z->name, zl)) {
		fmt_snprintf(below, sizeof below, "%.*s", (int)(n - zl - 1), full);
		rel = below;
	}

	for (int i = 0; i < z->nignore; i++) {
		const struct cfg_ignore *ig = &z->ignore[i];
		int type_ok = ig->ntypes == 0;

		for (int j = 0; j < ig->ntypes; j++)
			type_ok |= ig->types[j] == type;
		if (type_ok && (!ig->name || glob_match(ig->name, rel) || glob_match(ig->name, full)))
			return 1;
	}
	return 0;
}
