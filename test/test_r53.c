/*
 * r53 without AWS: the ChangeResourceRecordSets body against exact bytes
 * (schema order, namespace, escaping), the error parser on both error
 * shapes, the ListResourceRecordSets page parser and query encoding, the
 * retry decision table, backoff and token bucket arithmetic with injected
 * time, and every operation end to end against a scripted HTTP server on
 * 127.0.0.1 (test/fakehttp.h): paging, repeated cursors, candidates by
 * name, retries, lost change answers, one change per zone, skew
 * correction, expired tokens, the clock check and missing credentials.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fakehttp.h"
#include "kat_route53.h"
#include "aws/r53.h"
#include "tap.h"

#define NS "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""

/* ---- request bodies --------------------------------------------------------------- */

static void
set_change(struct r53_change *c, enum r53_action a, const char *name, unsigned type,
	uint32_t ttl, const char **values, int n)
{
	memset(c, 0, sizeof *c);
	c->action = a;
	c->set.name = name;
	c->set.type = (uint16_t)type;
	c->set.ttl = ttl;
	c->set.nvalues = n;
	c->set.values = values;
}

static void
change_bodies(void)
{
	const char *v1[] = { "192.0.2.1" };
	const char *v2[] = { "\"a<b>&c\" \"d\"", "\"x\"" };
	const char *v3[] = { "10 mail.example.com." };
	struct r53_change ch[3];
	struct err e = { 0 };
	size_t len;
	char *b;

	set_change(&ch[0], R53_UPSERT, "www.example.com.", DNS_TYPE_A, 300, v1, 1);
	b = r53_change_body(ch, 1, NULL, &len, &e);
	is_mem(b, b ? len : 0, kat_route53_body, strlen(kat_route53_body),
	    "one UPSERT: the 434-byte body of test/kat_route53.h");
	free(b);

	set_change(&ch[1], R53_DELETE, "\\052.example.com.", DNS_TYPE_TXT, 0, v2, 2);
	set_change(&ch[2], R53_CREATE, "example.com.", DNS_TYPE_MX, 2147483647, v3, 1);
	b = r53_change_body(ch, 3, "notify53 serial 7 <&>", &len, &e);
	is_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest " NS "><ChangeBatch>"
	    "<Comment>notify53 serial 7 &lt;&amp;&gt;</Comment><Changes>"
	    "<Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.example.com.</Name>"
	    "<Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1"
	    "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
	    "<Change><Action>DELETE</Action><ResourceRecordSet><Name>\\052.example.com.</Name>"
	    "<Type>TXT</Type><TTL>0</TTL><ResourceRecords><ResourceRecord><Value>"
	    "&quot;a&lt;b&gt;&amp;c&quot; &quot;d&quot;</Value></ResourceRecord><ResourceRecord>"
	    "<Value>&quot;x&quot;</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
	    "</Change><Change><Action>CREATE</Action><ResourceRecordSet><Name>example.com.</Name>"
	    "<Type>MX</Type><TTL>2147483647</TTL><ResourceRecords><ResourceRecord><Value>"
	    "10 mail.example.com.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
	    "</Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
	    "three changes with a comment: schema order, Comment first, escaping");
	free(b);

	err_clear(&e);
	ok(!r53_change_body(ch, 0, NULL, &len, &e) && strstr(e.msg, "empty"),
	    "an empty batch is refused: %s", e.msg);
	err_clear(&e);
	ch[0].set.flags = R53LIST_ALIAS;
	ok(!r53_change_body(ch, 1, NULL, &len, &e) && strstr(e.msg, "alias"),
	    "an alias set is refused: %s", e.msg);
	err_clear(&e);
	ch[0].set.flags = R53LIST_ROUTING;
	ch[0].set.set_identifier = "eu";
	ok(!r53_change_body(ch, 1, NULL, &len, &e) && strstr(e.msg, "routing"),
	    "a routing set is refused: %s", e.msg);
	ch[0].set.flags = 0;
	ch[0].set.set_identifier = NULL;
	err_clear(&e);
	ch[0].set.nvalues = 0;
	ok(!r53_change_body(ch, 1, NULL, &len, &e) && strstr(e.msg, "at least one value"),
	    "a set without values is refused: %s", e.msg);
	ch[0].set.nvalues = 1;
	err_clear(&e);
	{
		char comment[258];

		memset(comment, 'c', 257);
		comment[257] = '\0';
		ok(!r53_change_body(ch, 1, comment, &len, &e) && strstr(e.msg, "256"),
		    "a comment over 256 characters is refused: %s", e.msg);
	}
	err_clear(&e);
	v1[0] = "bell\007";
	ok(!r53_change_body(ch, 1, NULL, &len, &e) && e.set,
	    "a control character in a value is refused: %s", e.msg);
}

/* ---- error responses ------------------------------------------------------------ */

static enum r53_status
parse_err(struct r53_op *op, int status, const char *body)
{
	char *copy = strdup(body);
	enum r53_status st;

	memset(op, 0, sizeof *op);
	st = r53_parse_error(op, status, copy, strlen(copy));
	free(copy);
	return st;
}

static void
errors(void)
{
	struct r53_op op;
	enum r53_status st;

	st = parse_err(&op, 400, "<?xml version=\"1.0\"?>\n<ErrorResponse " NS "><Error><Type>"
	    "Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
	    "<RequestId>r1</RequestId></ErrorResponse>");
	ok(st == R53_ERR_THROTTLED && !strcmp(op.code, "Throttling") && op.nmessages == 1 &&
	    !strcmp(op.messages[0], "Rate exceeded"), "ErrorResponse: Throttling, Rate exceeded");
	r53_op_free(&op);

	st = parse_err(&op, 400, "<InvalidChangeBatch " NS "><Messages><Message>Tried to create "
	    "resource record set [name='a.example.com.', type='A'] but it already exists</Message>"
	    "<Message>Tried to delete resource record set [name='b.example.com.', type='TXT'] but "
	    "it was not found</Message><Message>RRSet with DNS name c.example.org. is not "
	    "permitted in zone example.com.</Message></Messages><RequestId>r2</RequestId>"
	    "</InvalidChangeBatch>");
	ok(st == R53_ERR_INVALID_CHANGE_BATCH && !strcmp(op.code, "InvalidChangeBatch") &&
	    op.nmessages == 3, "InvalidChangeBatch shape: three messages");
	ok(op.nmessages == 3 && strstr(op.messages[0], "a.example.com.") &&
	    strstr(op.messages[1], "b.example.com.") && strstr(op.messages[2], "c.example.org."),
	    "every message kept, in order");
	r53_op_free(&op);

	st = parse_err(&op, 400, "<ErrorResponse " NS "><Error><Type>Sender</Type><Code>"
	    "InvalidChangeBatch</Code><Message>[Tried to delete resource record set "
	    "[name='x.example.com.', type='A'] but the values provided do not match the current "
	    "values, RRSet of type A with DNS name y.example.com. is not permitted because a "
	    "conflicting RRSet of type CNAME with the same DNS name already exists]</Message>"
	    "</Error></ErrorResponse>");
	ok(st == R53_ERR_INVALID_CHANGE_BATCH && op.nmessages == 2 &&
	    !strncmp(op.messages[0], "Tried to delete", 15) &&
	    strstr(op.messages[0], "type='A'] but the values") &&
	    !strncmp(op.messages[1], "RRSet of type A", 15),
	    "ErrorResponse InvalidChangeBatch \"[m1, m2]\": split into two messages");
	r53_op_free(&op);

	st = parse_err(&op, 404, "<ErrorResponse " NS "><Error><Type>Sender</Type><Code>"
	    "NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error>"
	    "</ErrorResponse>");
	ok(st == R53_ERR_NO_SUCH_ZONE, "NoSuchHostedZone");
	r53_op_free(&op);
	st = parse_err(&op, 404, "<ErrorResponse><Error><Code>NoSuchChange</Code></Error>"
	    "</ErrorResponse>");
	ok(st == R53_ERR_NO_SUCH_CHANGE && op.nmessages == 0, "NoSuchChange without a message");
	r53_op_free(&op);
	st = parse_err(&op, 403, "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch"
	    "</Code></Error></Errors></ErrorResponse>");
	ok(st == R53_ERR_ACCESS && !strcmp(op.code, "SignatureDoesNotMatch"),
	    "moto's auth errors with an <Errors> wrapper (%s)", op.code);
	r53_op_free(&op);
	st = parse_err(&op, 403, "<InvalidSignatureException><Message>bad &amp; wrong</Message>"
	    "</InvalidSignatureException>");
	ok(st == R53_ERR_ACCESS && !strcmp(op.code, "InvalidSignatureException") &&
	    op.nmessages == 1 && !strcmp(op.messages[0], "bad & wrong"),
	    "another root names the code; entities decoded");
	r53_op_free(&op);
	st = parse_err(&op, 503, "<html>Service Unavailable</body>");
	ok(st == R53_ERR_TRANSPORT && !strcmp(op.code, "HTTP 503"), "a body that is not XML: %s",
	    op.code);
	r53_op_free(&op);
	st = parse_err(&op, 400, "");
	ok(st == R53_ERR_OTHER && !strcmp(op.code, "HTTP 400"), "an empty body: %s", op.code);
	r53_op_free(&op);
	st = parse_err(&op, 400, "<ErrorResponse><Error><Code>InvalidInput</Code><Message>"
	    "line1\nline2</Message></Error></ErrorResponse>");
	ok(st == R53_ERR_INVALID_INPUT && op.nmessages == 1 && !strchr(op.messages[0], '\n'),
	    "InvalidInput; a message stays one line");
	r53_op_free(&op);
}

/* ---- listing pages --------------------------------------------------------------- */

static const char page1[] =
	"<?xml version=\"1.0\"?>\n<ListResourceRecordSetsResponse " NS "><ResourceRecordSets>"
	"<ResourceRecordSet><Name>example.com.</Name><Type>NS</Type><TTL>172800</TTL>"
	"<ResourceRecords><ResourceRecord><Value>ns-1.awsdns-01.com.</Value></ResourceRecord>"
	"<ResourceRecord><Value>ns-2.awsdns-02.net.</Value></ResourceRecord></ResourceRecords>"
	"</ResourceRecordSet>"
	"<ResourceRecordSet><Name>\\052.example.com.</Name><Type>TXT</Type><TTL>60</TTL>"
	"<ResourceRecords><ResourceRecord><Value>\"a &amp; b\"</Value></ResourceRecord>"
	"</ResourceRecords></ResourceRecordSet>"
	"<ResourceRecordSet><Name>alias.example.com.</Name><Type>A</Type><AliasTarget>"
	"<HostedZoneId>Z2</HostedZoneId><DNSName>lb.example.net.</DNSName>"
	"<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>"
	"<ResourceRecordSet><Name>w.example.com.</Name><Type>A</Type><SetIdentifier>eu"
	"</SetIdentifier><Weight>10</Weight><TTL>30</TTL><ResourceRecords><ResourceRecord>"
	"<Value>192.0.2.9</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
	"</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>w.example.com."
	"</NextRecordName><NextRecordType>A</NextRecordType><NextRecordIdentifier>us"
	"</NextRecordIdentifier><MaxItems>4</MaxItems></ListResourceRecordSetsResponse>";

static int
page_parse(const char *body, struct r53list *l, int *more, char next[3][DNS_NAME_TEXT_MAX],
	struct err *e)
{
	char *copy = strdup(body);
	int rc = r53_parse_sets_page(copy, strlen(copy), l, more, next, e);

	free(copy);
	return rc;
}

static void
pages(void)
{
	struct r53list l;
	struct r53list_set s;
	const char *vals[R53LIST_MAX_VALUES];
	char next[3][DNS_NAME_TEXT_MAX], q[512];
	struct err e = { 0 };
	int more;

	r53list_init(&l);
	ok(page_parse(page1, &l, &more, next, &e) == 0, "a page with four kinds of sets parses");
	is_int(r53list_count(&l), 4, "four sets");
	ok(more && !strcmp(next[0], "w.example.com.") && !strcmp(next[1], "A") &&
	    !strcmp(next[2], "us"), "truncated, cursor NextRecordName/Type/Identifier");
	r53list_get(&l, 0, &s, vals);
	ok(!strcmp(s.name, "example.com.") && s.type == DNS_TYPE_NS && s.ttl == 172800 &&
	    s.nvalues == 2 && !strcmp(s.values[0], "ns-1.awsdns-01.com.") &&
	    !strcmp(s.values[1], "ns-2.awsdns-02.net.") && !s.flags, "NS set: TTL, values in order");
	r53list_get(&l, 1, &s, vals);
	ok(!strcmp(s.name, "\\052.example.com.") && s.nvalues == 1 &&
	    !strcmp(s.values[0], "\"a & b\""), "wildcard name verbatim, value decoded");
	r53list_get(&l, 2, &s, vals);
	ok(s.flags == R53LIST_ALIAS && s.alias_target && !strcmp(s.alias_target, "lb.example.net.") &&
	    s.nvalues == 0 && s.ttl == 0, "alias set: flagged, DNSName kept");
	r53list_get(&l, 3, &s, vals);
	ok(s.flags == R53LIST_ROUTING && s.set_identifier && !strcmp(s.set_identifier, "eu") &&
	    s.ttl == 30, "weighted set: flagged, SetIdentifier kept");
	r53list_free(&l);

	r53list_init(&l);
	ok(page_parse("<ListResourceRecordSetsResponse><ResourceRecordSets/><IsTruncated>false"
	    "</IsTruncated></ListResourceRecordSetsResponse>", &l, &more, next, &e) == 0 && !more &&
	    r53list_count(&l) == 0, "an empty last page");
	err_clear(&e);
	ok(page_parse("<ListResourceRecordSetsResponse><IsTruncated>true</IsTruncated>"
	    "</ListResourceRecordSetsResponse>", &l, &more, next, &e) < 0 &&
	    strstr(e.msg, "NextRecordName"), "truncated without a cursor: %s", e.msg);
	err_clear(&e);
	ok(page_parse("<ListHostedZonesResponse/>", &l, &more, next, &e) < 0 &&
	    strstr(e.msg, "unexpected"), "wrong root: %s", e.msg);
	err_clear(&e);
	ok(page_parse("<ListResourceRecordSetsResponse><ResourceRecordSets><ResourceRecordSet>"
	    "<Name>a.</Name><Type>A</Type><TTL>-1</TTL></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>", &l, &more, next, &e) < 0 && strstr(e.msg, "TTL"),
	    "a negative TTL: %s", e.msg);
	err_clear(&e);
	ok(page_parse("<ListResourceRecordSetsResponse><ResourceRecordSets><ResourceRecordSet>"
	    "<Name>a.</Name><Type>BOGUS</Type></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>", &l, &more, next, &e) < 0 &&
	    strstr(e.msg, "unknown type"), "an unknown type: %s", e.msg);
	err_clear(&e);
	ok(page_parse("<ListResourceRecordSetsResponse><ResourceRecordSets><ResourceRecordSet>"
	    "<Type>A</Type></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>", &l, &more, next, &e) < 0 && strstr(e.msg, "Name"),
	    "a set without a name: %s", e.msg);
	err_clear(&e);
	ok(page_parse("<ListResourceRecordSetsResponse><ResourceRecordSets>", &l, &more, next,
	    &e) < 0 && e.set, "a cut document: %s", e.msg);
	{
		/* 401 values: over the limit. */
		size_t cap = 64 + 401 * 64;
		char *big = malloc(cap);
		size_t n = (size_t)snprintf(big, cap, "<ListResourceRecordSetsResponse>"
		    "<ResourceRecordSets><ResourceRecordSet><Name>a.</Name><Type>A</Type><TTL>1</TTL>"
		    "<ResourceRecords>");

		for (int i = 0; i < 401; i++)
			n += (size_t)snprintf(big + n, cap - n, "<ResourceRecord><Value>10.0.%d.%d"
			    "</Value></ResourceRecord>", i / 256, i % 256);
		snprintf(big + n, cap - n, "</ResourceRecords></ResourceRecordSet>"
		    "</ResourceRecordSets></ListResourceRecordSetsResponse>");
		err_clear(&e);
		ok(page_parse(big, &l, &more, next, &e) < 0 && strstr(e.msg, "400"),
		    "more than 400 values: %s", e.msg);
		free(big);
	}
	r53list_free(&l);

	ok(r53_sets_query(q, sizeof q, NULL, NULL, NULL) == 0 && !strcmp(q, "maxitems=300"),
	    "first page query: %s", q);
	ok(r53_sets_query(q, sizeof q, "\\052.example.com.", "TXT", NULL) == 0 &&
	    !strcmp(q, "maxitems=300&name=%5C052.example.com.&type=TXT"),
	    "cursor with an escape URI-encoded once: %s", q);
	ok(r53_sets_query(q, sizeof q, "a.example.com.", "A", "eu west/1") == 0 &&
	    !strcmp(q, "maxitems=300&name=a.example.com.&type=A&identifier=eu%20west%2F1"),
	    "identifier encoded: %s", q);
	ok(r53_sets_query(q, 20, "a-long-name.example.com.", NULL, NULL) < 0,
	    "a query that does not fit is refused");
}

/* ---- retries, backoff, bucket ----------------------------------------------------- */

static void
retries(void)
{
	static const struct {
		enum http_error herr;
		int sent, change, status;
		const char *code, *msg;
		enum r53_retry want;
	} t[] = {
		{ HTTP_ERR_CLOCK, 0, 0, 0, "", NULL, R53_RETRY_CLOCK },
		{ HTTP_ERR_RESOLVE, 0, 1, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_CONNECT, 0, 1, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_TLS, 0, 0, 0, "", NULL, R53_RETRY_NO },
		{ HTTP_ERR_IO, 1, 0, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_IO, 1, 1, 0, "", NULL, R53_RETRY_UNKNOWN },
		{ HTTP_ERR_IO, 0, 1, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_TIMEOUT, 1, 1, 0, "", NULL, R53_RETRY_UNKNOWN },
		{ HTTP_ERR_TIMEOUT, 1, 0, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_PROTOCOL, 1, 1, 0, "", NULL, R53_RETRY_UNKNOWN },
		{ HTTP_ERR_PROTOCOL, 1, 0, 0, "", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_ERR_TOO_LARGE, 1, 0, 0, "", NULL, R53_RETRY_NO },
		{ HTTP_ERR_TOO_LARGE, 1, 1, 0, "", NULL, R53_RETRY_UNKNOWN },
		{ HTTP_ERR_REQUEST, 0, 0, 0, "", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 400, "Throttling", "Rate exceeded", R53_RETRY_THROTTLE },
		{ HTTP_OK, 1, 1, 400, "PriorRequestNotComplete", NULL, R53_RETRY_THROTTLE },
		{ HTTP_OK, 1, 0, 400, "ThrottlingException", NULL, R53_RETRY_THROTTLE },
		{ HTTP_OK, 1, 0, 429, "HTTP 429", NULL, R53_RETRY_THROTTLE },
		{ HTTP_OK, 1, 0, 500, "InternalFailure", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_OK, 1, 1, 503, "ServiceUnavailable", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_OK, 1, 0, 502, "HTTP 502", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_OK, 1, 0, 504, "HTTP 504", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_OK, 1, 0, 501, "HTTP 501", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 400, "RequestTimeout", NULL, R53_RETRY_TRANSIENT },
		{ HTTP_OK, 1, 0, 403, "SignatureDoesNotMatch", "Signature expired: 20260101T000000Z "
		    "is now earlier than 20260101T000500Z", R53_RETRY_SKEW },
		{ HTTP_OK, 1, 0, 403, "SignatureDoesNotMatch", "Signature not yet current: x",
		    R53_RETRY_SKEW },
		{ HTTP_OK, 1, 0, 403, "SignatureDoesNotMatch", "The request signature we calculated "
		    "does not match", R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 400, "RequestExpired", NULL, R53_RETRY_SKEW },
		{ HTTP_OK, 1, 0, 403, "ExpiredToken", "The security token included in the request "
		    "is expired", R53_RETRY_CREDS },
		{ HTTP_OK, 1, 0, 403, "ExpiredTokenException", NULL, R53_RETRY_CREDS },
		{ HTTP_OK, 1, 0, 403, "ExpiredTokenExceptio", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 400, "EC2ThrottledException", NULL, R53_RETRY_THROTTLE },
		{ HTTP_OK, 1, 0, 400, "RequestInTheFuture", NULL, R53_RETRY_SKEW },
		{ HTTP_OK, 1, 0, 400, "", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 403, "InvalidClientTokenId", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 1, 400, "InvalidChangeBatch", "Tried to create", R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 404, "NoSuchHostedZone", NULL, R53_RETRY_NO },
		{ HTTP_OK, 1, 0, 400, NULL, NULL, R53_RETRY_NO },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(r53_retry_class(t[i].herr, t[i].sent, t[i].change, t[i].status, t[i].code,
		    t[i].msg), t[i].want, "retry class: http error %d sent %d change %d status %d %s",
		    t[i].herr, t[i].sent, t[i].change, t[i].status, t[i].code ? t[i].code : "-");

	{
		static const enum r53_api want[] = { R53_API_LIST_HOSTED_ZONES,
			R53_API_LIST_HOSTED_ZONES_BY_NAME, R53_API_GET_HOSTED_ZONE,
			R53_API_LIST_RESOURCE_RECORD_SETS, R53_API_LIST_RESOURCE_RECORD_SETS,
			R53_API_CHANGE_RESOURCE_RECORD_SETS, R53_API_GET_CHANGE, R53_API_GET_CHANGE };

		for (int k = R53_LIST_ZONES; k <= R53_WAIT_CHANGE; k++)
			is_int(r53_kind_api((enum r53_kind)k), want[k], "kind %d: API %s", k,
			    r53_api_name(want[k]));
	}
	is_int(r53_backoff_ms(1, 100, 20000, 0), 0, "backoff: rnd 0 is no wait");
	is_int(r53_backoff_ms(1, 100, 20000, 0xffffffffu), 99, "retry 1: below 100 ms");
	is_int(r53_backoff_ms(2, 100, 20000, 0xffffffffu), 199, "retry 2: below 200 ms");
	is_int(r53_backoff_ms(3, 1000, 20000, 0x80000000u), 2000, "retry 3 at base 1 s: half of 4 s");
	is_int(r53_backoff_ms(6, 1000, 20000, 0xffffffffu), 19999, "retry 6: capped at 20 s");
	is_int(r53_backoff_ms(200, 1000, 20000, 0xffffffffu), 19999, "no overflow at retry 200");
}

static void
bucket(void)
{
	struct r53_bucket b;

	r53_bucket_init(&b, 5, 5, 1000);
	for (int i = 0; i < 5; i++)
		is_int(r53_bucket_take(&b, 1000), 0, "burst token %d at t=0", i + 1);
	is_int(r53_bucket_take(&b, 1000), 200, "sixth request: 200 ms to wait at 5/s");
	is_int(r53_bucket_take(&b, 1100), 100, "100 ms later: 100 ms left");
	is_int(r53_bucket_take(&b, 1200), 0, "200 ms later: a token");
	is_int(r53_bucket_take(&b, 1200), 200, "and then none");
	is_int(r53_bucket_take(&b, 60000), 0, "after a long pause: a token");
	for (int i = 0; i < 4; i++)
		r53_bucket_take(&b, 60000);
	is_int(r53_bucket_take(&b, 60000), 200, "the bucket never holds more than the burst");
	is_int(r53_bucket_take(&b, 59000), 200, "time going backwards adds nothing");

	r53_bucket_init(&b, 0.5, 1, 0);
	is_int(r53_bucket_take(&b, 0), 0, "0.5/s: one at once");
	is_int(r53_bucket_take(&b, 0), 2000, "0.5/s: the next in 2 s");
	r53_bucket_init(&b, 0, 1, 0);
	for (int i = 0; i < 100; i++)
		if (r53_bucket_take(&b, 0))
			break;
	is_int(r53_bucket_take(&b, 0), 0, "rate 0: unlimited");
}

/* ---- operations against a scripted server --------------------------------------- */

static struct fake_http srv;
static struct r53 client;
static int ndone;
static char order[16];
static size_t norder;

static void
op_done(struct r53_op *op)
{
	ndone++;
	if (norder < sizeof order - 1 && op->user)
		order[norder++] = *(const char *)op->user;
}

static void
run(int want, int ms)
{
	int64_t end = loop_refresh_now() + ms;

	while (ndone < want && loop_refresh_now() < end)
		loop_once(20);
}

static int
start_client(double rate)
{
	struct cfg_aws aws = { 0 };
	struct err e = { 0 };
	char url[64];

	snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
	aws.endpoint = url;
	aws.allow_http = 1;
	aws.access_key_id = "AKIDTEST";
	aws.secret_access_key = "SECRETTEST";
	aws.max_requests_per_second = rate;
	if (r53_init(&client, &aws, &e) < 0) {
		diag("r53_init: %s", e.msg);
		return -1;
	}
	return 0;
}

/* A new script of 200 answers with these bodies (NULL-terminated). */
static void
script(const char *body, ...)
{
	va_list ap;

	fake_reset(&srv);
	va_start(ap, body);
	for (; body; body = va_arg(ap, const char *))
		fake_reply(&srv, 200, "", body);
	va_end(ap);
}

/* Submit op, run it, return its request count at the server. */
static size_t
go(struct r53_op *op)
{
	size_t before = srv.nreqs;

	ndone = 0;
	r53_submit(&client, op);
	ok(ndone == 0, "done() not called from inside r53_submit");
	run(1, 20000);
	return srv.nreqs - before;
}

/* Request line of request i ("GET /2013-04-01/... HTTP/1.1"). */
static int
req_is(size_t i, const char *line)
{
	size_t n = strlen(line);

	return i < srv.nreqs && !strncmp(srv.reqs[i], line, n) && srv.reqs[i][n] == ' ';
}

static const char zones1[] =
	"<ListHostedZonesResponse " NS "><HostedZones><HostedZone><Id>/hostedzone/Z1</Id>"
	"<Name>example.com.</Name><CallerReference>a</CallerReference><Config><PrivateZone>false"
	"</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>"
	"<HostedZone><Id>/hostedzone/Z2</Id><Name>ex\\344mple.org.</Name><Config><PrivateZone>true"
	"</PrivateZone></Config><ResourceRecordSetCount>5</ResourceRecordSetCount></HostedZone>"
	"</HostedZones><Marker></Marker><IsTruncated>true</IsTruncated><NextMarker>Z3"
	"</NextMarker><MaxItems>2</MaxItems></ListHostedZonesResponse>";
static const char zones2[] =
	"<ListHostedZonesResponse " NS "><HostedZones><HostedZone><Id>/hostedzone/Z3</Id>"
	"<Name>example.net.</Name><Config><PrivateZone>false</PrivateZone></Config>"
	"<ResourceRecordSetCount>7</ResourceRecordSetCount></HostedZone></HostedZones>"
	"<Marker>Z3</Marker><IsTruncated>false</IsTruncated><MaxItems>2</MaxItems>"
	"</ListHostedZonesResponse>";

static void
op_zones(void)
{
	struct r53_op op = { 0 };
	struct err e = { 0 };
	size_t base;

	script(zones1, zones2, NULL);
	r53_op_list_zones(&op, op_done);
	is_int(go(&op), 2, "ListHostedZones: two pages, two requests");
	ok(op.status == R53_OK && op.nzones == 3, "three zones (%s)", op.err.msg);
	ok(req_is(0, "GET /2013-04-01/hostedzone?maxitems=100") &&
	    req_is(1, "GET /2013-04-01/hostedzone?marker=Z3&maxitems=100"),
	    "Marker <- NextMarker");
	ok(strstr(srv.reqs[0], "Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/") &&
	    strstr(srv.reqs[0], "X-Amz-Date: ") && !strstr(srv.reqs[0], "SECRETTEST"),
	    "signed, and the secret is not on the wire");
	ok(op.nzones == 3 && !strcmp(op.zones[0].id, "Z1") && !strcmp(op.zones[0].name,
	    "example.com.") && !op.zones[0].private_zone && op.zones[0].rrset_count == 2 &&
	    !strcmp(op.zones[1].name, "ex\\344mple.org.") && op.zones[1].private_zone &&
	    !strcmp(op.zones[2].id, "Z3") && op.zones[2].rrset_count == 7,
	    "IDs bare, names as returned, private flag, counts");
	is_int(client.calls[R53_API_LIST_HOSTED_ZONES], 2, "counter: 2 ListHostedZones");
	r53_op_free(&op);

	script(zones1, zones1, NULL);
	r53_op_list_zones(&op, op_done);
	is_int(go(&op), 2, "a NextMarker that comes back: two requests, not a loop");
	ok(op.status == R53_ERR_PROTOCOL && strstr(op.err.msg, "came back"), "%s", op.err.msg);
	r53_op_free(&op);

	/* Candidates by name, over two pages. */
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<ListHostedZonesByNameResponse " NS "><HostedZones>"
	    "<HostedZone><Id>/hostedzone/ZA</Id><Name>example.com.</Name><Config><PrivateZone>"
	    "false</PrivateZone></Config></HostedZone><HostedZone><Id>/hostedzone/ZB</Id><Name>"
	    "example.com.</Name><Config><PrivateZone>true</PrivateZone></Config></HostedZone>"
	    "</HostedZones><DNSName>example.com.</DNSName><IsTruncated>true</IsTruncated>"
	    "<NextDNSName>example.com.</NextDNSName><NextHostedZoneId>ZC</NextHostedZoneId>"
	    "<MaxItems>2</MaxItems></ListHostedZonesByNameResponse>");
	fake_reply(&srv, 200, "", "<ListHostedZonesByNameResponse " NS "><HostedZones>"
	    "<HostedZone><Id>/hostedzone/ZC</Id><Name>example.com.</Name><Config><PrivateZone>"
	    "true</PrivateZone></Config></HostedZone><HostedZone><Id>/hostedzone/ZD</Id><Name>"
	    "sub.example.com.</Name></HostedZone></HostedZones><IsTruncated>true</IsTruncated>"
	    "<NextDNSName>x.example.com.</NextDNSName><NextHostedZoneId>ZE</NextHostedZoneId>"
	    "<MaxItems>2</MaxItems></ListHostedZonesByNameResponse>");
	r53_op_find_zone(&op, "Example.COM", op_done);
	base = srv.nreqs;
	is_int(go(&op), 2, "ListHostedZonesByName: stops at the first other name");
	ok(req_is(base, "GET /2013-04-01/hostedzonesbyname?dnsname=example.com.&maxitems=10") &&
	    req_is(base + 1, "GET /2013-04-01/hostedzonesbyname?dnsname=example.com."
	    "&hostedzoneid=ZC&maxitems=10"), "dnsname as cursor, hostedzoneid on the next page");
	ok(op.status == R53_OK && op.nzones == 3, "three candidates called example.com.");
	is_int(r53_zone_pick(&op, CFG_ZONE_ANY, &e), 0, "any: the public one");
	err_clear(&e);
	ok(r53_zone_pick(&op, CFG_ZONE_PRIVATE, &e) < 0 && strstr(e.msg, "2 private") &&
	    strstr(e.msg, "hosted_zone_id"), "private: two of them: %s", e.msg);
	err_clear(&e);
	op.zones[2].private_zone = 0;
	ok(r53_zone_pick(&op, CFG_ZONE_ANY, &e) < 0 && strstr(e.msg, "2 public"),
	    "two public ones: %s", e.msg);
	op.zones[2].private_zone = 1;
	is_int(r53_zone_pick(&op, CFG_ZONE_PUBLIC, &e), 0, "public: the public one");
	op.nzones = 2;
	is_int(r53_zone_pick(&op, CFG_ZONE_PRIVATE, &e), 1, "private, one of them: that one");
	op.nzones = 1;
	op.zones[0].private_zone = 1;
	is_int(r53_zone_pick(&op, CFG_ZONE_ANY, &e), 0, "any, only a private one: that one");
	err_clear(&e);
	ok(r53_zone_pick(&op, CFG_ZONE_PUBLIC, &e) < 0 && strstr(e.msg, "no public hosted zone"),
	    "public, only a private one: %s", e.msg);
	op.nzones = 3;
	r53_op_free(&op);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<ListHostedZonesByNameResponse " NS "><HostedZones>"
	    "<HostedZone><Id>/hostedzone/ZX</Id><Name>example.org.</Name></HostedZone>"
	    "</HostedZones><IsTruncated>false</IsTruncated></ListHostedZonesByNameResponse>");
	r53_op_find_zone(&op, "example.com.", op_done);
	is_int(go(&op), 1, "no zone of that name: one request");
	ok(op.status == R53_OK && op.nzones == 0, "no candidates");
	err_clear(&e);
	ok(r53_zone_pick(&op, CFG_ZONE_ANY, &e) < 0 && strstr(e.msg, "no hosted zone"),
	    "%s", e.msg);
	r53_op_free(&op);

	r53_op_find_zone(&op, "bad..name", op_done);
	is_int(go(&op), 0, "a bad name: no request");
	ok(op.status == R53_ERR_INVALID_INPUT, "refused: %s", op.err.msg);
	r53_op_free(&op);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<GetHostedZoneResponse " NS "><HostedZone><Id>/hostedzone/Z9"
	    "</Id><Name>example.com.</Name><Config><PrivateZone>false</PrivateZone></Config>"
	    "<ResourceRecordSetCount>12</ResourceRecordSetCount></HostedZone><DelegationSet>"
	    "<NameServers><NameServer>ns-1.awsdns-01.com</NameServer></NameServers>"
	    "</DelegationSet></GetHostedZoneResponse>");
	fake_reply(&srv, 404, "", "<ErrorResponse " NS "><Error><Type>Sender</Type><Code>"
	    "NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z8</Message></Error>"
	    "</ErrorResponse>");
	r53_op_get_zone(&op, "/hostedzone/Z9", op_done);
	is_int(go(&op), 1, "GetHostedZone: one request");
	ok(req_is(0, "GET /2013-04-01/hostedzone/Z9") && op.status == R53_OK && op.nzones == 1 &&
	    !strcmp(op.zones[0].id, "Z9") && op.zones[0].rrset_count == 12,
	    "bare ID in the path; the zone");
	r53_op_free(&op);
	r53_op_get_zone(&op, "Z8", op_done);
	is_int(go(&op), 1, "NoSuchHostedZone is not retried");
	ok(op.status == R53_ERR_NO_SUCH_ZONE && strstr(op.err.msg, "GetHostedZone Z8") &&
	    strstr(op.err.msg, "No hosted zone found"), "%s", op.err.msg);
	r53_op_free(&op);
	r53_op_get_zone(&op, "Z8?x=1", op_done);
	is_int(go(&op), 0, "an ID that is not letters and digits: no request");
	ok(op.status == R53_ERR_INVALID_INPUT, "%s", op.err.msg);
	r53_op_free(&op);
}

static const char page2[] =
	"<ListResourceRecordSetsResponse " NS "><ResourceRecordSets><ResourceRecordSet>"
	"<Name>w.example.com.</Name><Type>A</Type><SetIdentifier>us</SetIdentifier><Weight>1"
	"</Weight><TTL>30</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.10</Value>"
	"</ResourceRecord></ResourceRecords></ResourceRecordSet></ResourceRecordSets>"
	"<IsTruncated>true</IsTruncated><NextRecordName>\\052.z.example.com.</NextRecordName>"
	"<NextRecordType>TXT</NextRecordType><MaxItems>1</MaxItems>"
	"</ListResourceRecordSetsResponse>";
static const char page3[] =
	"<ListResourceRecordSetsResponse " NS "><ResourceRecordSets><ResourceRecordSet>"
	"<Name>\\052.z.example.com.</Name><Type>TXT</Type><TTL>5</TTL><ResourceRecords>"
	"<ResourceRecord><Value>\"z\"</Value></ResourceRecord></ResourceRecords>"
	"</ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated>"
	"<MaxItems>1</MaxItems></ListResourceRecordSetsResponse>";

static void
op_sets(void)
{
	struct r53_op op = { 0 };
	struct r53list l;

	script(page1, page2, page3, NULL);
	r53list_init(&l);
	r53_op_list_sets(&op, "Z1", &l, op_done);
	is_int(go(&op), 3, "ListResourceRecordSets: three pages");
	ok(op.status == R53_OK && r53list_count(&l) == 6, "six sets (%s)", op.err.msg);
	ok(req_is(0, "GET /2013-04-01/hostedzone/Z1/rrset?maxitems=300") &&
	    req_is(1, "GET /2013-04-01/hostedzone/Z1/rrset?maxitems=300&name=w.example.com."
	    "&type=A&identifier=us") &&
	    req_is(2, "GET /2013-04-01/hostedzone/Z1/rrset?maxitems=300"
	    "&name=%5C052.z.example.com.&type=TXT"),
	    "Next* passed back verbatim, URI-encoded once");
	r53_op_free(&op);
	r53list_free(&l);

	script(page1, page2, page2, NULL);
	r53list_init(&l);
	r53_op_list_sets(&op, "Z1", &l, op_done);
	is_int(go(&op), 3, "a repeated cursor: three requests, then it stops");
	ok(op.status == R53_ERR_PROTOCOL && strstr(op.err.msg, "came back") &&
	    strstr(op.err.msg, "ListResourceRecordSets Z1"), "%s", op.err.msg);
	r53_op_free(&op);
	r53list_free(&l);
}

static const char change_ok[] =
	"<ChangeResourceRecordSetsResponse " NS "><ChangeInfo><Id>/change/C1234</Id><Status>"
	"PENDING</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo>"
	"</ChangeResourceRecordSetsResponse>";

static void
op_changes(void)
{
	static const char *v[] = { "192.0.2.1" };
	static char tag_a[] = "A", tag_b[] = "B", tag_c[] = "C";
	struct r53_change ch;
	struct r53_op a = { 0 }, b = { 0 }, c = { 0 };
	size_t len;
	char *body;
	struct err e = { 0 };

	set_change(&ch, R53_UPSERT, "www.example.com.", DNS_TYPE_A, 300, v, 1);

	script(change_ok, NULL);
	r53_op_change(&a, "Z1", &ch, 1, NULL, op_done);
	is_int(go(&a), 1, "ChangeResourceRecordSets: one request");
	ok(a.status == R53_OK && !strcmp(a.change_id, "C1234") && !a.insync,
	    "change ID bare, PENDING (%s)", a.err.msg);
	body = r53_change_body(&ch, 1, NULL, &len, &e);
	ok(req_is(0, "POST /2013-04-01/hostedzone/Z1/rrset/") &&
	    strstr(srv.reqs[0], "Content-Type: application/xml\r\n") &&
	    strstr(srv.reqs[0], "SignedHeaders=content-type;host;x-amz-date") && body &&
	    !strcmp(strstr(srv.reqs[0], "\r\n\r\n") + 4, body),
	    "POST to .../rrset/ with the body, Content-Type signed");
	free(body);
	r53_op_free(&a);

	fake_reset(&srv);
	fake_reply(&srv, 400, "", "<InvalidChangeBatch " NS "><Messages><Message>Tried to create "
	    "resource record set [name='www.example.com.', type='A'] but it already exists"
	    "</Message><Message>second problem</Message></Messages></InvalidChangeBatch>");
	r53_op_change(&a, "Z1", &ch, 1, "c", op_done);
	is_int(go(&a), 1, "InvalidChangeBatch: not retried");
	ok(a.status == R53_ERR_INVALID_CHANGE_BATCH && a.nmessages == 2 &&
	    strstr(a.err.msg, "already exists") && strstr(a.err.msg, "(and 1 more)"),
	    "every message kept; the error line says so: %s", a.err.msg);
	r53_op_free(&a);

	/* The answer to a change is lost: not retried. */
	fake_reset(&srv);
	fake_close_next(&srv);
	fake_reply(&srv, 200, "", change_ok);
	r53_op_change(&a, "Z1", &ch, 1, NULL, op_done);
	is_int(go(&a), 1, "a change whose answer is lost is sent once");
	ok(a.status == R53_ERR_UNKNOWN_OUTCOME && strstr(a.err.msg, "may have been applied"),
	    "unknown outcome: %s", a.err.msg);
	r53_op_free(&a);

	/* 503 is an answer: retried. Meanwhile another zone's change goes
	 * out, and a second change for the same zone waits for the first. */
	fake_reset(&srv);
	fake_reply(&srv, 503, "", "<ErrorResponse><Error><Code>ServiceUnavailable</Code>"
	    "</Error></ErrorResponse>");
	fake_reply(&srv, 200, "", change_ok);
	fake_reply(&srv, 200, "", change_ok);
	fake_reply(&srv, 200, "", change_ok);
	a.user = tag_a;
	b.user = tag_b;
	c.user = tag_c;
	r53_op_change(&a, "Z1", &ch, 1, "a", op_done);
	r53_op_change(&b, "Z1", &ch, 1, "b", op_done);
	r53_op_change(&c, "Z2", &ch, 1, "c", op_done);
	ndone = 0;
	norder = 0;
	r53_submit(&client, &a);
	r53_submit(&client, &b);
	r53_submit(&client, &c);
	run(3, 20000);
	order[norder] = '\0';
	ok(a.status == R53_OK && b.status == R53_OK && c.status == R53_OK && a.requests == 2,
	    "all three changes done, the first after a 503 retry");
	ok(srv.nreqs == 4 && strstr(srv.reqs[0], "<Comment>a<") &&
	    strstr(srv.reqs[1], "<Comment>c<") && strstr(srv.reqs[2], "<Comment>a<") &&
	    strstr(srv.reqs[3], "<Comment>b<"),
	    "request order a, c, a, b: zone Z1's second batch waited for its first");
	is_str(order, "CAB", "completion order");
	r53_op_free(&a);
	r53_op_free(&b);
	r53_op_free(&c);
	a.user = b.user = c.user = NULL;

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<GetChangeResponse " NS "><ChangeInfo><Id>C1234</Id><Status>"
	    "PENDING</Status></ChangeInfo></GetChangeResponse>");
	r53_op_get_change(&a, "/change/C1234", 0, op_done);
	is_int(go(&a), 1, "GetChange: one request");
	ok(req_is(0, "GET /2013-04-01/change/C1234") && a.status == R53_OK && !a.insync,
	    "PENDING");
	r53_op_free(&a);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<GetChangeResponse " NS "><ChangeInfo><Id>C1234</Id><Status>"
	    "PENDING</Status></ChangeInfo></GetChangeResponse>");
	fake_reply(&srv, 200, "", "<GetChangeResponse " NS "><ChangeInfo><Id>C1234</Id><Status>"
	    "INSYNC</Status></ChangeInfo></GetChangeResponse>");
	r53_op_get_change(&a, "C1234", 1, op_done);
	is_int(go(&a), 2, "wait: PENDING, then INSYNC");
	ok(a.status == R53_OK && a.insync, "INSYNC (%s)", a.err.msg);
	r53_op_free(&a);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "<GetChangeResponse " NS "><ChangeInfo><Status>DONE</Status>"
	    "</ChangeInfo></GetChangeResponse>");
	r53_op_get_change(&a, "C1", 0, op_done);
	go(&a);
	ok(a.status == R53_ERR_PROTOCOL, "an unknown Status: %s", a.err.msg);
	r53_op_free(&a);
}

static const char get_ok[] = "<GetChangeResponse " NS "><ChangeInfo><Id>C1</Id><Status>INSYNC"
	"</Status></ChangeInfo></GetChangeResponse>";

static time_t
clock_unset(void)
{
	return 1000;
}

static void
op_retries(void)
{
	struct r53_op op = { 0 };
	char hdr[128], date[64];
	time_t now = time(NULL) + 600;
	struct tm tm;
	const char *xd;

	fake_reset(&srv);
	for (int i = 0; i < 3; i++)
		fake_reply(&srv, 503, "", "Service Unavailable");
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 3, "503 three times: three attempts");
	ok(op.status == R53_ERR_TRANSPORT && strstr(op.err.msg, "HTTP 503") &&
	    strstr(op.err.msg, "retries exhausted"), "%s", op.err.msg);
	r53_op_free(&op);

	fake_reset(&srv);
	fake_reply(&srv, 400, "", "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
	    "exceeded</Message></Error></ErrorResponse>");
	fake_reply(&srv, 200, "", get_ok);
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 2, "Throttling once: two requests");
	ok(op.status == R53_OK && op.insync, "then INSYNC");
	r53_op_free(&op);

	fake_reset(&srv);
	fake_close_next(&srv);
	fake_reply(&srv, 200, "", get_ok);
	r53_op_get_change(&op, "C1", 0, op_done);
	ok(go(&op) == 2 && op.status == R53_OK, "a GET whose answer is lost is sent again");
	r53_op_free(&op);

	/* "Signature expired": the server's Date corrects the clock. */
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(hdr, sizeof hdr, "Date: %s\r\n", date);
	fake_reset(&srv);
	fake_reply(&srv, 403, hdr, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
	    "<Message>Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z "
	    "(20260101T001000Z - 5 min.)</Message></Error></ErrorResponse>");
	fake_reply(&srv, 200, "", get_ok);
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 2, "Signature expired: signed again once");
	ok(op.status == R53_OK && client.skew >= 598 && client.skew <= 602,
	    "skew %ld s taken from Date", client.skew);
	xd = srv.nreqs == 2 ? strstr(srv.reqs[1], "X-Amz-Date: ") : NULL;
	{
		char want[17];

		sigv4_amz_date(now, want);
		ok(xd && !strncmp(xd + 12, want, 13), "the retry is signed with the server's time");
	}
	r53_op_free(&op);

	fake_reset(&srv);
	for (int i = 0; i < 2; i++)
		fake_reply(&srv, 403, hdr, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
		    "<Message>Signature not yet current: x</Message></Error></ErrorResponse>");
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 1, "a skew error that the Date does not explain: no retry");
	ok(op.status == R53_ERR_ACCESS, "%s", op.err.msg);
	r53_op_free(&op);
	client.skew = 0;

	fake_reset(&srv);
	fake_reply(&srv, 403, "", "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The "
	    "security token included in the request is expired</Message></Error></ErrorResponse>");
	fake_reply(&srv, 200, "", get_ok);
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 2, "ExpiredToken: credentials read again, one retry");
	ok(op.status == R53_OK, "then OK (%s)", op.err.msg);
	r53_op_free(&op);
	fake_reset(&srv);
	for (int i = 0; i < 2; i++)
		fake_reply(&srv, 403, "", "<ErrorResponse><Error><Code>ExpiredToken</Code>"
		    "</Error></ErrorResponse>");
	r53_op_get_change(&op, "C1", 0, op_done);
	is_int(go(&op), 2, "ExpiredToken twice: two requests");
	ok(op.status == R53_ERR_ACCESS && strstr(op.err.msg, "ExpiredToken"), "%s", op.err.msg);
	r53_op_free(&op);

	/* The clock is before the build time: nothing is sent. */
	script(get_ok, NULL);
	r53_set_clock(&client, clock_unset);
	r53_op_get_change(&op, "C1", 0, op_done);
	ndone = 0;
	r53_submit(&client, &op);
	run(1, 500);
	ok(ndone == 0 && srv.nreqs == 0 && r53_op_pending(&op),
	    "clock not set: no request, the op waits");
	r53_cancel(&client, &op);
	ok(!r53_op_pending(&op), "cancelled without done()");
	r53_set_clock(&client, NULL);
	r53_op_free(&op);
}

static void
no_credentials(void)
{
	struct cfg_aws aws = { 0 };
	struct r53 r;
	struct r53_op op = { 0 };
	struct err e = { 0 };
	char url[64];
	int64_t end;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
	aws.endpoint = url;
	aws.allow_http = 1;
	aws.max_requests_per_second = 5;
	fake_reset(&srv);
	ok(r53_init(&r, &aws, &e) == 0, "a client without credentials starts (%s)", e.msg);
	r53_op_list_zones(&op, op_done);
	ndone = 0;
	r53_submit(&r, &op);
	end = loop_refresh_now() + 5000;
	while (!ndone && loop_refresh_now() < end)
		loop_once(20);
	ok(ndone == 1 && op.status == R53_ERR_CREDENTIALS && srv.nreqs == 0 &&
	    strstr(op.err.msg, "no AWS credentials"), "its ops fail without a request: %s",
	    op.err.msg);
	r53_op_free(&op);

	/* r53_free drops what is queued, without done(). */
	r53_op_list_zones(&op, op_done);
	ndone = 0;
	r53_submit(&r, &op);
	r53_free(&r);
	loop_once(0);
	ok(ndone == 0 && srv.nreqs == 0, "r53_free: queued op dropped, nothing sent");
	r53_op_free(&op);
}

/* A plain http:// endpoint, from the config or the environment, only with
 * allow_http; never a request. */
static void
plain_http(void)
{
	struct cfg_aws aws = { 0 };
	struct r53 r;
	struct err e = { 0 };
	char url[64];

	snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
	aws.endpoint = url;
	aws.access_key_id = "AKIDTEST";
	aws.secret_access_key = "SECRETTEST";
	aws.max_requests_per_second = 5;
	fake_reset(&srv);
	ok(r53_init(&r, &aws, &e) < 0 && strstr(e.msg, "is plain HTTP: AWS credentials would be "
	    "sent in clear") && strstr(e.msg, "\"allow_http\": true"), "http:// refused: %s", e.msg);
	r53_free(&r);
	aws.endpoint = NULL;
	setenv("AWS_ENDPOINT_URL_ROUTE_53", url, 1);
	err_clear(&e);
	ok(r53_init(&r, &aws, &e) < 0 && strstr(e.msg, url), "... from AWS_ENDPOINT_URL_ROUTE_53 "
	    "too: %s", e.msg);
	r53_free(&r);
	aws.allow_http = 1;
	err_clear(&e);
	ok(r53_init(&r, &aws, &e) == 0, "... taken with allow_http: %s", e.msg);
	r53_free(&r);
	unsetenv("AWS_ENDPOINT_URL_ROUTE_53");
	ok(srv.nreqs == 0, "no request sent");
}

int
main(void)
{
	fake_aws_env();

	change_bodies();
	errors();
	pages();
	retries();
	bucket();
	if (!ok(fake_start(&srv) == 0, "scripted server on 127.0.0.1") || start_client(1000) < 0)
		return tap_done();
	op_zones();
	op_sets();
	op_changes();
	op_retries();
	r53_free(&client);
	no_credentials();
	plain_http();
	fake_stop(&srv);
	return tap_done();
}
