#include "aws/r53_op.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/buf.h"
#include "base/fmt.h"
#include "base/num.h"
#include "base/str.h"
#include "codec/rr.h"

#define R53_NS "https://route53.amazonaws.com/doc/2013-04-01/"
/* Page sizes, the largest each operation returns (Route 53 API Reference,
 * ListHostedZones and ListResourceRecordSets: MaxItems). */
#define R53_ZONES_MAXITEMS "100"
#define R53_SETS_MAXITEMS "300"
/* R53_FIND_MAXITEMS (config.h) as the text of the query: it must be
 * written as a plain decimal number from 1 to 100 (ListHostedZonesByName:
 * MaxItems), which this checks as far as the compiler can. */
#define R53_TEXT_(n) #n
#define R53_TEXT(n) R53_TEXT_(n)
typedef char r53_find_maxitems_plain[R53_FIND_MAXITEMS >= 1 && R53_FIND_MAXITEMS <= 100 &&
    sizeof R53_TEXT(R53_FIND_MAXITEMS) <= 4 ? 1 : -1];

/* Paging state of a running LIST_ZONES, FIND_ZONE or LIST_SETS. */
struct r53_page {
	uint8_t wire[DNS_NAME_MAX];   /* FIND_ZONE: the name looked for */
	char r53name[DNS_NAME_TEXT_MAX];
	char cur[3][DNS_NAME_TEXT_MAX]; /* the cursor of the next request */
	int have;                     /* not the first page */
	uint64_t *seen;               /* hashes of the cursors used */
	size_t nseen, seen_cap;
	size_t zones_cap;
};

static const char *const api_names[R53_API_COUNT] = {
	"ListHostedZones", "ListHostedZonesByName", "GetHostedZone", "ListResourceRecordSets",
	"ChangeResourceRecordSets", "GetChange"
};

const char *
r53_api_name(enum r53_api a)
{
	return (unsigned)a < R53_API_COUNT ? api_names[a] : "?";
}

/* Is name the root element of a's answer, "<a's name>Response"? */
static int
is_answer(const char *name, enum r53_api a)
{
	size_t n = strlen(api_names[a]);

	return !strncmp(name, api_names[a], n) && !strcmp(name + n, "Response");
}

const char *
r53_calls_text(const unsigned long *calls, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int a = 0; a < R53_API_COUNT && n < cap; a++)
		if (calls[a])
			n += (size_t)fmt_snprintf(buf + n, cap - n, "%s%s %lu", n ? ", " : "",
			    api_names[a], calls[a]);
	if (!buf[0])
		fmt_snprintf(buf, cap, "none");
	return buf;
}

const char *
r53_status_name(enum r53_status s)
{
	static const char *const names[] = { "ok", "invalid-change-batch", "invalid-input",
		"no-such-zone", "no-such-change", "access", "credentials", "throttled", "transport",
		"unknown-outcome", "timeout", "protocol", "other" };

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* ---- retry decisions ------------------------------------------------------------ */

/* Is code one of list, a list of strings each ended by its NUL and the
 * whole by an empty one? (One array of characters, not an array of
 * pointers to them.) */
static int
code_in(const char *code, const char *list)
{
	for (; *list; list += strlen(list) + 1)
		if (!strcmp(code, list))
			return 1;
	return 0;
}

/* The throttling codes of the SDKs' "standard" retry mode (AWS SDKs and
 * Tools Reference Guide, "Retry behavior"), 429, and
 * PriorRequestNotComplete (a change on the zone is still being applied). */
static const char throttle_codes[] =
	"Throttling\0"
	"ThrottlingException\0"
	"ThrottledException\0"
	"RequestThrottledException\0"
	"TooManyRequestsException\0"
	"ProvisionedThroughputExceededException\0"
	"TransactionInProgressException\0"
	"RequestLimitExceeded\0"
	"BandwidthLimitExceeded\0"
	"LimitExceededException\0"
	"RequestThrottled\0"
	"SlowDown\0"
	"PriorRequestNotComplete\0"
	"EC2ThrottledException\0";

static const char skew_codes[] =
	"RequestTimeTooSkewed\0"
	"RequestExpired\0"
	"RequestInTheFuture\0";

/* The expired-token codes end access_codes: they are a list of their
 * own too (expired_codes). */
#define EXPIRED_CODES "ExpiredToken\0ExpiredTokenException\0"
#define ACCESS_CODES \
	"AccessDenied\0" \
	"AccessDeniedException\0" \
	"InvalidClientTokenId\0" \
	"SignatureDoesNotMatch\0" \
	"UnrecognizedClientException\0" \
	"IncompleteSignature\0" \
	"MissingAuthenticationToken\0" \
	"InvalidSignatureException\0" \
	"AuthFailure\0"
static const char access_codes[] = ACCESS_CODES EXPIRED_CODES;
#define expired_codes (access_codes + sizeof ACCESS_CODES - 1)

static const char input_codes[] =
	"InvalidInput\0"
	"MalformedInput\0"
	"InvalidDomainName\0"
	"InvalidArgument\0"
	"InvalidPaginationToken\0";

enum r53_retry
r53_retry_class(enum http_error herr, int sent, int change, int status, const char *code,
	const char *message)
{
	switch (herr) {
	case HTTP_OK:
		break;
	case HTTP_ERR_CLOCK:
		return R53_RETRY_CLOCK;
	case HTTP_ERR_RESOLVE:
	case HTTP_ERR_CONNECT:
	case HTTP_ERR_PROXY: /* nothing reached Route 53 */
		return R53_RETRY_TRANSIENT;
	case HTTP_ERR_TIMEOUT:
	case HTTP_ERR_IO:
	case HTTP_ERR_PROTOCOL:
		/* The server may have applied a change it got: only a re-list
		 * can tell. */
		return change && sent ? R53_RETRY_UNKNOWN : R53_RETRY_TRANSIENT;
	case HTTP_ERR_TOO_LARGE:
		return change && sent ? R53_RETRY_UNKNOWN : R53_RETRY_NO;
	default:
		return R53_RETRY_NO;
	}
	if (status >= 200 && status < 300)
		return R53_RETRY_NO;
	if (!code)
		code = "";
	if (status == 429 || code_in(code, throttle_codes))
		return R53_RETRY_THROTTLE;
	if (code_in(code, expired_codes))
		return R53_RETRY_CREDS;
	if (code_in(code, skew_codes) || (message && (str_find(message, "Signature expired") ||
	    str_find(message, "Signature not yet current"))))
		return R53_RETRY_SKEW;
	if (status == 500 || status == 502 || status == 503 || status == 504 ||
	    code_in(code, "RequestTimeout\0RequestTimeoutException\0"))
		return R53_RETRY_TRANSIENT;
	return R53_RETRY_NO;
}

/* ---- op outputs ---------------------------------------------------------------- */

void
r53_op_clear_messages(struct r53_op *op)
{
	for (size_t i = 0; i < op->nmessages; i++)
		free(op->messages[i]);
	free(op->messages);
	op->messages = NULL;
	op->nmessages = op->messages_cap = 0;
}

static int
add_message(struct r53_op *op, const char *s, size_t n)
{
	char *copy;

	if (op->nmessages >= R53_MAX_MESSAGES)
		return 0;
	if (buf_grow(&op->messages, &op->messages_cap, op->nmessages, 1, sizeof *op->messages) < 0 ||
	    !(copy = malloc(n + 1)))
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	/* One line each: messages go into logs. */
	for (size_t i = 0; i < n; i++)
		if (copy[i] == '\n' || copy[i] == '\r' || copy[i] == '\t')
			copy[i] = ' ';
	op->messages[op->nmessages++] = copy;
	return 0;
}

static void
free_zones(struct r53_op *op)
{
	for (size_t i = 0; i < op->nzones; i++)
		free(op->zones[i].name);
	free(op->zones);
	op->zones = NULL;
	op->nzones = 0;
}

void
r53_op_release(struct r53_op *op)
{
	if (op->page) {
		free(op->page->seen);
		free(op->page);
		op->page = NULL;
	}
	free(op->body);
	op->body = NULL;
	op->body_len = 0;
}

void
r53_op_free(struct r53_op *op)
{
	r53_op_clear_messages(op);
	free_zones(op);
	r53_op_release(op);
}

/* ---- error responses -------------------------------------------------------------- */

/* AWS sometimes sends InvalidChangeBatch as an ErrorResponse whose Message
 * is "[msg1, msg2]" (external-dns#5939). Messages contain ", " themselves
 * ("[name='x.', type='A']"), so split only at ", " followed by a capital
 * letter outside brackets. */
static int
split_messages(struct r53_op *op, const char *m)
{
	size_t n = strlen(m);
	const char *p, *start;
	int depth = 0;

	if (n < 2 || m[0] != '[' || m[n - 1] != ']')
		return add_message(op, m, n);
	start = m + 1;
	for (p = start; p < m + n - 1; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (!depth && p[0] == ',' && p[1] == ' ' && p[2] >= 'A' && p[2] <= 'Z') {
			if (add_message(op, start, (size_t)(p - start)) < 0)
				return -1;
			start = p + 2;
		}
	}
	return add_message(op, start, (size_t)(m + n - 1 - start));
}

static enum r53_status
code_status(const char *code, int http_status)
{
	if (!strcmp(code, "InvalidChangeBatch"))
		return R53_ERR_INVALID_CHANGE_BATCH;
	if (!strcmp(code, "NoSuchHostedZone"))
		return R53_ERR_NO_SUCH_ZONE;
	if (!strcmp(code, "NoSuchChange"))
		return R53_ERR_NO_SUCH_CHANGE;
	if (code_in(code, input_codes))
		return R53_ERR_INVALID_INPUT;
	if (code_in(code, access_codes))
		return R53_ERR_ACCESS;
	if (http_status == 429 || code_in(code, throttle_codes))
		return R53_ERR_THROTTLED;
	if (http_status >= 500)
		return R53_ERR_TRANSPORT;
	return R53_ERR_OTHER;
}

enum r53_status
r53_parse_error(struct r53_op *op, int http_status, char *body, size_t len)
{
	struct xml_doc d = { 0 };
	const char *code = NULL, *msg;
	int rc = 0;

	r53_op_clear_messages(op);
	if (xml_parse(&d, body, len) < 0 || !d.root) {
		/* Not XML: the code is "HTTP <status>", as for an answer
		 * without one. */
	} else if (!strcmp(d.root->name, "ErrorResponse")) {
		/* moto's Route 53 wraps auth errors in <Errors>. */
		struct xml_node *er = xml_child(d.root, "Error") ? xml_child(d.root, "Error") :
		    xml_path(d.root, "Errors/Error");

		code = xml_text(er, "Code");
		msg = xml_text(er, "Message");
		if (!msg)
			msg = xml_text(er, "message");
		if (msg && code && !strcmp(code, "InvalidChangeBatch"))
			rc = split_messages(op, msg);
		else if (msg)
			rc = add_message(op, msg, strlen(msg));
	} else {
		/* <InvalidChangeBatch><Messages><Message>..: the root names
		 * the code (so does <InvalidSignatureException><Message>). */
		struct xml_node *m = xml_path(d.root, "Messages/Message");

		code = d.root->name;
		for (; m && rc == 0; m = xml_next(m))
			rc = add_message(op, m->text, m->text_len);
		if (rc == 0 && (msg = xml_text(d.root, "Message")))
			rc = add_message(op, msg, strlen(msg));
	}
	if (code && *code)
		str_copy(op->code, sizeof op->code, code);
	else
		fmt_snprintf(op->code, sizeof op->code, "HTTP %d", http_status);
	xml_free(&d);
	if (rc < 0)
		err_set(&op->err, "out of memory for an error message");
	return code_status(op->code, http_status);
}

/* ---- request bodies -------------------------------------------------------------- */

char *
r53_change_body(const struct r53_change *changes, size_t n, const char *comment, size_t *len,
	struct err *e)
{
	struct xml_writer w;
	char num[16], tn[RR_TYPE_NAME_MAX];
	char *body;

	if (!n)
		return err_set(e, "empty change batch"), NULL;
	if (comment && strlen(comment) > 256)
		return err_set(e, "change batch comment longer than 256 characters"), NULL;
	xml_writer_init(&w, R53_MAX_CHANGE_BODY);
	xml_open(&w, "ChangeResourceRecordSetsRequest", R53_NS);
	xml_open(&w, "ChangeBatch", NULL);
	if (comment)
		xml_leaf(&w, "Comment", comment);
	xml_open(&w, "Changes", NULL);
	for (size_t i = 0; i < n && !w.err.set; i++) {
		const struct r53list_set *s = &changes[i].set;
		const char *bad = s->flags & (R53LIST_ALIAS | R53LIST_ROUTING) ? "alias and routing "
		    "record sets are left alone (this client does not carry their fields)" :
		    s->nvalues < 1 ? "a record set needs at least one value" :
		    !rr_r53_supported(s->type) ? "type not supported by Route 53" : NULL;

		if (bad) {
			xml_writer_free(&w);
			return err_set(e, "%s %s: %s", s->name, rr_type_name(s->type, tn), bad), NULL;
		}
		xml_open(&w, "Change", NULL);
		xml_leaf(&w, "Action", r53_action_name(changes[i].action));
		/* Schema order (Route 53 API Reference, ResourceRecordSet;
		 * Route 53 validates the XML against it): Name, Type,
		 * SetIdentifier, Weight, Region, GeoLocation, Failover,
		 * MultiValueAnswer, TTL, ResourceRecords. */
		xml_open(&w, "ResourceRecordSet", NULL);
		xml_leaf(&w, "Name", s->name);
		xml_leaf(&w, "Type", rr_type_name(s->type, tn));
		fmt_snprintf(num, sizeof num, "%lu", (unsigned long)s->ttl);
		xml_leaf(&w, "TTL", num);
		xml_open(&w, "ResourceRecords", NULL);
		for (int k = 0; k < s->nvalues; k++) {
			xml_open(&w, "ResourceRecord", NULL);
			xml_leaf(&w, "Value", s->values[k]);
			xml_close(&w);
		}
		xml_close(&w);
		xml_close(&w);
		xml_close(&w);
	}
	xml_close(&w);
	xml_close(&w);
	xml_close(&w);
	if (!(body = xml_writer_take(&w, len))) {
		err_set(e, "%s", w.err.msg);
		xml_writer_free(&w);
	}
	return body;
}

/* The query of a ListResourceRecordSets request: maxitems, then the
 * optional name, type and identifier (the order both requests use). */
static int
sets_query(char *q, size_t cap, const char *maxitems, const char *name, const char *type,
    const char *identifier)
{
	if (!cap)
		return -1;
	q[0] = '\0';
	if (sigv4_query_add(q, cap, "maxitems", maxitems) < 0 ||
	    (name && sigv4_query_add(q, cap, "name", name) < 0) ||
	    (type && sigv4_query_add(q, cap, "type", type) < 0) ||
	    (identifier && sigv4_query_add(q, cap, "identifier", identifier) < 0))
		return -1;
	return 0;
}

int
r53_sets_query(char *q, size_t cap, const char *name, const char *type, const char *identifier)
{
	return sets_query(q, cap, R53_SETS_MAXITEMS, name, type, identifier);
}

/* ---- response bodies --------------------------------------------------------------- */

/* The bare ID of "/hostedzone/Z123" or "/change/C123": Route 53 returns
 * IDs with the prefix and wants them without it in request paths (Route 53
 * API Reference, GetHostedZone and GetChange: Id). */
static int
bare_id(char *out, size_t cap, const char *id)
{
	const char *s = str_after_last(id, '/');

	if (!*s || strlen(s) >= cap)
		return -1;
	/* IDs go into request paths: letters and digits only. */
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return -1;
	str_copy(out, cap, s);
	return 0;
}

static int
parse_count(const char *s, long *out)
{
	uint64_t v;

	if (num_parse(s, LONG_MAX, &v) < 0)
		return -1;
	*out = (long)v;
	return 0;
}

static int
is_true(const char *s)
{
	return s && !strcmp(s, "true");
}

/* One HostedZone element into z (name copied to the heap). */
static int
parse_zone(const struct xml_node *hz, struct r53_zone *z, struct err *e)
{
	const char *id = xml_text(hz, "Id"), *name = xml_text(hz, "Name");
	const char *count = xml_text(hz, "ResourceRecordSetCount");

	memset(z, 0, sizeof *z);
	if (!id || bare_id(z->id, sizeof z->id, id) < 0)
		return err_set(e, "hosted zone without a usable Id");
	if (!name || !*name || strlen(name) >= DNS_NAME_TEXT_MAX)
		return err_set(e, "hosted zone %s without a usable Name", z->id);
	z->private_zone = is_true(xml_text(hz, "Config/PrivateZone"));
	z->rrset_count = -1;
	if (count && parse_count(count, &z->rrset_count) < 0)
		return err_set(e, "hosted zone %s: bad ResourceRecordSetCount", z->id);
	if (!(z->name = strdup(name)))
		return err_set(e, "out of memory");
	return 0;
}

static int
push_zone(struct r53_op *op, const struct xml_node *hz, struct err *e)
{
	struct r53_zone z;

	if (op->nzones >= R53_MAX_ZONES) {
		err_set(e, "more than %d hosted zones", R53_MAX_ZONES);
		return -1;
	}
	if (parse_zone(hz, &z, e) < 0)
		return -1;
	if (buf_grow(&op->zones, &op->page->zones_cap, op->nzones, 1, sizeof z) < 0) {
		free(z.name);
		return err_set(e, "out of memory");
	}
	op->zones[op->nzones++] = z;
	return 0;
}

/* Parse body into d and check that its root is a's answer. Returns 0, or
 * -1 with e set (d is freed by the caller either way). */
static int
answer_doc(struct xml_doc *d, char *body, size_t len, enum r53_api a, struct err *e)
{
	if (xml_parse(d, body, len) < 0)
		return err_set(e, "%s", d->err.msg);
	if (!is_answer(d->root->name, a))
		return err_set(e, "unexpected answer <%s>", d->root->name);
	return 0;
}

int
r53_parse_sets_page(char *body, size_t len, struct r53list *list, int *truncated,
	char next[3][DNS_NAME_TEXT_MAX], struct err *e)
{
	static const char *const next_names[3] = { "NextRecordName", "NextRecordType",
		"NextRecordIdentifier" };
	const char *vals[R53LIST_MAX_VALUES];
	struct xml_doc d = { 0 };
	struct xml_node *set;
	struct err le = { 0 }; /* the error after "ListResourceRecordSets: " */
	int rc = -1;

	*truncated = 0;
	for (int i = 0; i < 3; i++)
		next[i][0] = '\0';
	if (answer_doc(&d, body, len, R53_API_LIST_RESOURCE_RECORD_SETS, &le) < 0)
		goto out;
	set = xml_path(d.root, "ResourceRecordSets/ResourceRecordSet");
	for (; set; set = xml_next(set)) {
		struct r53list_set s;
		const char *type = xml_text(set, "Type"), *ttl = xml_text(set, "TTL");
		struct xml_node *v = xml_path(set, "ResourceRecords/ResourceRecord");
		int t;
		uint64_t n;

		memset(&s, 0, sizeof s);
		s.name = xml_text(set, "Name");
		if (!s.name || !*s.name || !type) {
			err_set(&le, "record set without Name or Type");
			goto out;
		}
		if ((t = rr_type_parse(type, strlen(type))) < 0) {
			err_set(&le, "%s has an unknown type \"%.20s\"", s.name,
			    type);
			goto out;
		}
		s.type = (uint16_t)t;
		if (ttl) {
			if (num_parse(ttl, 2147483647, &n) < 0) {
				err_set(&le, "%s %s: bad TTL", s.name, type);
				goto out;
			}
			s.ttl = (uint32_t)n;
		}
		s.set_identifier = xml_text(set, "SetIdentifier");
		if (s.set_identifier || xml_child(set, "TrafficPolicyInstanceId"))
			s.flags |= R53LIST_ROUTING;
		if (xml_child(set, "AliasTarget")) {
			s.flags |= R53LIST_ALIAS;
			s.alias_target = xml_text(set, "AliasTarget/DNSName");
			if (!s.alias_target)
				s.alias_target = "";
		}
		for (; v; v = xml_next(v)) {
			const char *val = xml_text(v, "Value");

			if (!val)
				continue;
			if (s.nvalues == R53LIST_MAX_VALUES) {
				err_set(&le, "%s %s has more than %d values",
				    s.name, type, R53LIST_MAX_VALUES);
				goto out;
			}
			vals[s.nvalues++] = val;
		}
		s.values = vals;
		if (r53list_add(list, &s) < 0) {
			err_set(e, "%s", list->err.msg);
			goto out;
		}
	}
	*truncated = is_true(xml_text(d.root, "IsTruncated"));
	for (int i = 0; i < 3 && *truncated; i++) {
		const char *s = xml_text(d.root, next_names[i]);

		if (s && strlen(s) >= DNS_NAME_TEXT_MAX) {
			err_set(&le, "%s too long", next_names[i]);
			goto out;
		}
		str_copy(next[i], DNS_NAME_TEXT_MAX, s ? s : "");
	}
	if (*truncated && !next[0][0]) {
		err_set(&le, "IsTruncated without NextRecordName");
		goto out;
	}
	rc = 0;
out:
	if (le.set)
		err_set(e, "ListResourceRecordSets: %s", le.msg);
	xml_free(&d);
	return rc;
}

/* FNV-1a over the cursor fields, to notice a cursor coming back. */
static uint64_t
cursor_hash(char cur[3][DNS_NAME_TEXT_MAX])
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < 3; i++) {
		for (const char *p = cur[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* Record the cursor about to be used; -1 when it was used before (the
 * server is looping: moto's Route 53 does with weighted sets). */
static int
cursor_new(struct r53_page *pg)
{
	uint64_t h = cursor_hash(pg->cur);

	for (size_t i = 0; i < pg->nseen; i++)
		if (pg->seen[i] == h)
			return -1;
	if (buf_grow(&pg->seen, &pg->seen_cap, pg->nseen, 1, sizeof h) < 0)
		return -1;
	pg->seen[pg->nseen++] = h;
	return 0;
}

/* ---- op initialisers ------------------------------------------------------------ */

static void
op_init(struct r53_op *op, enum r53_kind kind, void (*done)(struct r53_op *))
{
	void *user = op->user;

	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->done = done;
	op->user = user;
}

/* An ID given by the caller; a bad one fails the op from the loop. */
static void
op_id(struct r53_op *op, char *dst, const char *id, const char *what)
{
	if (!id || bare_id(dst, R53_MAX_ID, id) < 0) {
		err_set(&op->err, "bad %s ID \"%.64s\"", what, id ? id : "");
		op->status = R53_ERR_INVALID_INPUT;
	}
}

void
r53_op_list_zones(struct r53_op *op, void (*done)(struct r53_op *))
{
	op_init(op, R53_LIST_ZONES, done);
}

void
r53_op_find_zone(struct r53_op *op, const char *name, void (*done)(struct r53_op *))
{
	op_init(op, R53_FIND_ZONE, done);
	op->name = name;
}

void
r53_op_get_zone(struct r53_op *op, const char *zone_id, void (*done)(struct r53_op *))
{
	op_init(op, R53_GET_ZONE, done);
	op_id(op, op->zone_id, zone_id, "hosted zone");
}

void
r53_op_list_sets(struct r53_op *op, const char *zone_id, struct r53list *list,
	void (*done)(struct r53_op *))
{
	op_init(op, R53_LIST_SETS, done);
	op_id(op, op->zone_id, zone_id, "hosted zone");
	op->list = list;
}

void
r53_op_get_soa(struct r53_op *op, const char *zone_id, const char *apex, struct r53list *list,
	void (*done)(struct r53_op *))
{
	r53_op_list_sets(op, zone_id, list, done);
	op->kind = R53_GET_SOA;
	op->name = apex;
}

void
r53_op_change(struct r53_op *op, const char *zone_id, const struct r53_change *changes,
	size_t n, const char *comment, void (*done)(struct r53_op *))
{
	op_init(op, R53_CHANGE, done);
	op_id(op, op->zone_id, zone_id, "hosted zone");
	op->changes = changes;
	op->nchanges = n;
	op->comment = comment;
}

void
r53_op_get_change(struct r53_op *op, const char *change_id, int wait,
	void (*done)(struct r53_op *))
{
	op_init(op, wait ? R53_WAIT_CHANGE : R53_GET_CHANGE, done);
	op_id(op, op->change_id, change_id, "change");
}

int
r53_zone_pick(const struct r53_op *op, enum cfg_zone_kind kind, struct err *e)
{
	const char *name = op->name ? op->name : "?";
	int pub = -1, priv = -1, npub = 0, npriv = 0;

	for (size_t i = 0; i < op->nzones; i++) {
		if (op->zones[i].private_zone) {
			priv = (int)i;
			npriv++;
		} else {
			pub = (int)i;
			npub++;
		}
	}
	if (kind != CFG_ZONE_PRIVATE && npub == 1)
		return pub;
	if (kind != CFG_ZONE_PUBLIC && npub == 0 && npriv == 1)
		return priv;
	if (kind == CFG_ZONE_PRIVATE && npriv == 1)
		return priv;
	if ((kind != CFG_ZONE_PRIVATE && npub > 1) || (kind != CFG_ZONE_PUBLIC && npriv > 1))
		return err_set(e, "%d %s hosted zones are called %s: set hosted_zone_id",
		    kind != CFG_ZONE_PRIVATE && npub > 1 ? npub : npriv,
		    kind != CFG_ZONE_PRIVATE && npub > 1 ? "public" : "private", name);
	return err_set(e, "no %shosted zone is called %s", kind == CFG_ZONE_PUBLIC ? "public " :
	    kind == CFG_ZONE_PRIVATE ? "private " : "", name);
}

enum r53_api
r53_kind_api(enum r53_kind k)
{
	/* The kinds are in the order of the calls, with two kinds for
	 * ListResourceRecordSets (LIST_SETS, GET_SOA) and two for GetChange. */
	if ((unsigned)k <= R53_LIST_SETS)
		return (enum r53_api)k;
	if ((unsigned)k <= R53_CHANGE)
		return (enum r53_api)(k - 1);
	return R53_API_GET_CHANGE;
}

/* What the op is about, for messages: "ListResourceRecordSets Z123". */
const char *
r53_op_what(const struct r53_op *op, char *buf, size_t cap)
{
	const char *arg = op->zone_id[0] ? op->zone_id : op->change_id[0] ? op->change_id :
	    op->page && op->page->r53name[0] ? op->page->r53name : "";

	fmt_snprintf(buf, cap, "%s%s%.100s", r53_api_name(r53_kind_api(op->kind)), *arg ? " " : "",
	    arg);
	return buf;
}

/* ---- requests ------------------------------------------------------------------- */

enum r53_status
r53_op_prepare(struct r53_op *op, struct err *e)
{
	struct err be = { 0 };

	if (op->kind == R53_LIST_ZONES || op->kind == R53_FIND_ZONE || op->kind == R53_GET_ZONE ||
	    op->kind == R53_LIST_SETS) {
		if (!(op->page = calloc(1, sizeof *op->page)))
			return err_set(e, "out of memory"), R53_ERR_OTHER;
	}
	if (op->kind == R53_FIND_ZONE) {
		struct r53_page *pg = op->page;

		if (!op->name || dns_name_parse(pg->wire, sizeof pg->wire, op->name,
		    strlen(op->name), DNS_NAME_DOT_OPT, NULL, &be) < 0 ||
		    dns_name_to_r53(pg->wire, pg->r53name, sizeof pg->r53name) < 0)
			return err_set(e, "zone name \"%.100s\": %s", op->name ? op->name : "",
			    be.set ? be.msg : "too long"), R53_ERR_INVALID_INPUT;
	}
	if ((op->kind == R53_LIST_SETS || op->kind == R53_GET_SOA) && !op->list)
		return err_set(e, "no list to fill"), R53_ERR_INVALID_INPUT;
	if (op->kind == R53_CHANGE &&
	    !(op->body = r53_change_body(op->changes, op->nchanges, op->comment, &op->body_len,
	    &be)))
		return err_set(e, "ChangeResourceRecordSets %s: %s", op->zone_id, be.msg),
		    R53_ERR_INVALID_INPUT;
	return R53_OK;
}

int
r53_op_request(const struct r53_op *op, const char **method, char *path, size_t pcap,
	char *query, size_t qcap)
{
	const struct r53_page *pg = op->page;
	/* The path: "/2013-04-01/" base id tail. */
	const char *base = "hostedzone/", *id = op->zone_id, *tail = "";
	int rc = 0;

	*method = "GET";
	query[0] = '\0';
	switch (op->kind) {
	case R53_LIST_ZONES:
		base = "hostedzone";
		id = "";
		if (pg->have)
			rc = sigv4_query_add(query, qcap, "marker", pg->cur[0]);
		if (rc == 0)
			rc = sigv4_query_add(query, qcap, "maxitems", R53_ZONES_MAXITEMS);
		break;
	case R53_FIND_ZONE:
		base = "hostedzonesbyname";
		id = "";
		rc = sigv4_query_add(query, qcap, "dnsname",
		    pg->have ? pg->cur[0] : pg->r53name);
		if (rc == 0 && pg->have && pg->cur[1][0])
			rc = sigv4_query_add(query, qcap, "hostedzoneid", pg->cur[1]);
		if (rc == 0)
			rc = sigv4_query_add(query, qcap, "maxitems", R53_TEXT(R53_FIND_MAXITEMS));
		break;
	case R53_GET_ZONE:
		break;
	case R53_LIST_SETS:
		tail = "/rrset";
		rc = r53_sets_query(query, qcap, pg->have ? pg->cur[0] : NULL,
		    pg->have && pg->cur[1][0] ? pg->cur[1] : NULL,
		    pg->have && pg->cur[2][0] ? pg->cur[2] : NULL);
		break;
	case R53_GET_SOA:
		tail = "/rrset";
		rc = sets_query(query, qcap, "1", op->name ? op->name : ".", "SOA", NULL);
		break;
	case R53_CHANGE:
		/* The model's requestUri has the trailing slash; it is signed
		 * exactly as sent (Route 53 API Reference,
		 * ChangeResourceRecordSets: the request's path). */
		tail = "/rrset/";
		*method = "POST";
		break;
	default:
		base = "change/";
		id = op->change_id;
		break;
	}
	fmt_snprintf(path, pcap, "/2013-04-01/%s%s%s", base, id, tail);
	return rc;
}

/* ---- answers ---------------------------------------------------------------------- */

int
r53_op_answer(struct r53_op *op, char *body, size_t len, struct err *e)
{
	struct xml_doc d = { 0 };
	struct r53_page *pg = op->page;
	struct xml_node *n;
	const char *s;
	int more = 0, rc = -1;

	if (op->kind == R53_LIST_SETS || op->kind == R53_GET_SOA) {
		char next[3][DNS_NAME_TEXT_MAX];

		if (r53_parse_sets_page(body, len, op->list, &more, next, e) < 0)
			return -1;
		/* GET_SOA asks for one set: its first page is all it wants. */
		if (op->kind == R53_GET_SOA)
			return 0;
		if (more) {
			memcpy(pg->cur, next, sizeof next);
			pg->have = 1;
			if (cursor_new(pg) < 0)
				return err_set(e, "the page cursor %s %s came back: stopping instead of "
				    "looping", next[0], next[1]);
		}
		return more;
	}
	if (answer_doc(&d, body, len, r53_kind_api(op->kind), e) < 0)
		goto out;
	switch (op->kind) {
	case R53_LIST_ZONES:
	case R53_FIND_ZONE:
		for (n = xml_path(d.root, "HostedZones/HostedZone"); n; n = xml_next(n)) {
			if (op->kind == R53_FIND_ZONE) {
				uint8_t w[DNS_NAME_MAX];

				/* Results start at dnsname (a cursor, not a
				 * filter): the first other name ends the search. */
				s = xml_text(n, "Name");
				if (!s || dns_name_from_r53(w, sizeof w, s, NULL) < 0 ||
				    !dns_name_equal(w, pg->wire))
					goto done_zones;
			}
			if (push_zone(op, n, e) < 0)
				goto out;
		}
		more = is_true(xml_text(d.root, "IsTruncated"));
		if (more) {
			const char *a = xml_text(d.root, op->kind == R53_LIST_ZONES ? "NextMarker" :
			    "NextDNSName");
			const char *b = op->kind == R53_FIND_ZONE ? xml_text(d.root,
			    "NextHostedZoneId") : "";

			if (!a || !*a || !b || strlen(a) >= DNS_NAME_TEXT_MAX ||
			    strlen(b) >= DNS_NAME_TEXT_MAX) {
				err_set(e, "IsTruncated without a usable next cursor");
				goto out;
			}
			str_copy(pg->cur[0], DNS_NAME_TEXT_MAX, a);
			str_copy(pg->cur[1], DNS_NAME_TEXT_MAX, b);
			pg->have = 1;
			if (cursor_new(pg) < 0) {
				err_set(e, "the page cursor %s came back: stopping instead of looping", a);
				goto out;
			}
		}
done_zones:
		rc = more;
		break;
	case R53_GET_ZONE:
		if (!(n = xml_child(d.root, "HostedZone"))) {
			err_set(e, "no HostedZone in the answer");
			goto out;
		}
		rc = push_zone(op, n, e) < 0 ? -1 : 0;
		break;
	default:
		s = xml_text(d.root, "ChangeInfo/Status");
		if (!s || (strcmp(s, "PENDING") && strcmp(s, "INSYNC"))) {
			err_set(e, "no ChangeInfo/Status PENDING or INSYNC in the answer");
			goto out;
		}
		op->insync = !strcmp(s, "INSYNC");
		if (op->kind == R53_CHANGE &&
		    (!(s = xml_text(d.root, "ChangeInfo/Id")) ||
		    bare_id(op->change_id, sizeof op->change_id, s) < 0)) {
			err_set(e, "no usable ChangeInfo/Id in the answer");
			goto out;
		}
		rc = op->kind == R53_WAIT_CHANGE && !op->insync;
		break;
	}
out:
	xml_free(&d);
	return rc;
}
