/*
 * SigV4 signer: every applicable case of the AWS test suite in
 * test/data/sigv4-testsuite (the .req files are parsed here at test time and
 * the canonical request, string to sign and Authorization compared with the
 * .creq, .sts and .authz files), Route 53 requests signed by botocore and
 * by an independent implementation, the signing-key cache, URI encoding
 * and the errors.
 *
 *   test_sigv4 [SUITE_DIR]     (default test/data/sigv4-testsuite)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bearssl.h"
#include "aws/sigv4.h"
#include "kat_route53.h"
#include "tap.h"

/* 2015-08-30T12:36:00Z, the time of every suite case. */
#define SUITE_TIME ((time_t)1440938160)

static const struct sigv4_creds suite_creds = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL
};

/* Non-S3 cases (test/data/sigv4-testsuite/README.md): all but
 * post-sts-header-after, which adds the token after signing. */
static const char *const cases[] = {
	"get-header-key-duplicate",
	"get-header-value-multiline",
	"get-header-value-order",
	"get-header-value-trim",
	"get-unreserved",
	"get-utf8",
	"get-vanilla",
	"get-vanilla-empty-query-key",
	"get-vanilla-query",
	"get-vanilla-query-order-encoded",
	"get-vanilla-query-order-key",
	"get-vanilla-query-order-key-case",
	"get-vanilla-query-order-value",
	"get-vanilla-query-unreserved",
	"get-vanilla-utf8-query",
	"get-vanilla-with-session-token",
	"normalize-path/get-relative",
	"normalize-path/get-relative-relative",
	"normalize-path/get-slash",
	"normalize-path/get-slash-dot-slash",
	"normalize-path/get-slash-pointless-dot",
	"normalize-path/get-slashes",
	"normalize-path/get-space",
	"normalize-path/get-special-character",
	"post-header-key-case",
	"post-header-key-sort",
	"post-header-value-case",
	"post-sts-token/post-sts-header-before",
	"post-vanilla",
	"post-vanilla-empty-query-value",
	"post-vanilla-query",
	"post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
};

static char *
slurp(const char *dir, const char *c, const char *ext, size_t *len)
{
	char path[512];
	const char *base = strrchr(c, '/') ? strrchr(c, '/') + 1 : c;
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s/%s.%s", dir, c, base, ext);
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* A parsed .req: pointers into its (modified) text. */
struct req {
	char *method, *path, *query;
	struct sigv4_header h[SIGV4_MAX_HEADERS];
	size_t nh;
	const char *amz_date, *token;
	char *body;
	size_t body_len;
};

/* "METHOD target HTTP/1.1\nName:value\n[ continuation\n]...\n\nbody". The
 * target may hold a raw space (get-space), so it ends at the last " HTTP/". */
static int
parse_req(char *t, size_t len, struct req *r)
{
	char *eol = strchr(t, '\n'), *sp, *ver, *p, *q;

	memset(r, 0, sizeof *r);
	if (!eol)
		eol = t + len;
	*eol = '\0';
	if (!(sp = strchr(t, ' ')))
		return -1;
	*sp = '\0';
	r->method = t;
	for (ver = NULL, q = sp + 1; (q = strstr(q, " HTTP/")); q++)
		ver = q;
	if (!ver)
		return -1;
	*ver = '\0';
	r->path = sp + 1;
	if ((q = strchr(r->path, '?'))) {
		*q = '\0';
		r->query = q + 1;
	}
	p = eol < t + len ? eol + 1 : eol;
	while (p < t + len && *p != '\n') {
		char *line = p, *colon;

		eol = strchr(p, '\n');
		if (!eol)
			eol = t + len;
		p = eol < t + len ? eol + 1 : eol;
		*eol = '\0';
		if ((*line == ' ' || *line == '\t') && r->nh) {
			/* Obsolete line folding: rejoin, the signer collapses
			 * the whitespace. */
			line[-1] = '\n';
			continue;
		}
		if (!(colon = strchr(line, ':')) || r->nh == SIGV4_MAX_HEADERS)
			return -1;
		*colon = '\0';
		if (!strcasecmp(line, "X-Amz-Date"))
			r->amz_date = colon + 1;
		else if (!strcasecmp(line, "X-Amz-Security-Token"))
			r->token = colon + 1;
		else {
			r->h[r->nh].name = line;
			r->h[r->nh++].value = colon + 1;
		}
	}
	if (p < t + len)
		p++;
	r->body = p;
	r->body_len = (size_t)(t + len - p);
	return 0;
}

/* The token of get-vanilla-with-session-token is only in its .sreq. */
static char *
sreq_token(const char *dir, const char *c)
{
	char *s = slurp(dir, c, "sreq", NULL), *p, *e, *tok = NULL;
	static const char key[] = "\nX-Amz-Security-Token:";

	if (s && (p = strstr(s, key))) {
		p += sizeof key - 1;
		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		tok = strdup(p);
	}
	free(s);
	return tok;
}

static void
suite_case(const char *dir, const char *c)
{
	char *req = NULL, *creq = NULL, *sts = NULL, *authz = NULL, *tok = NULL;
	char got[4096];
	size_t len;
	struct req r;
	struct sigv4_request sr;
	struct sigv4_creds cr = suite_creds;
	struct sigv4_signer s;
	struct sigv4_signature sig;
	struct err e = { 0 };

	req = slurp(dir, c, "req", &len);
	creq = slurp(dir, c, "creq", NULL);
	sts = slurp(dir, c, "sts", NULL);
	authz = slurp(dir, c, "authz", NULL);
	if (!ok(req && creq && sts && authz, "%s: case files present", c))
		goto out;
	if (!ok(parse_req(req, len, &r) == 0, "%s: .req parses", c))
		goto out;
	is_str(r.amz_date, "20150830T123600Z", "%s: X-Amz-Date is the suite time", c);
	cr.token = r.token;
	if (!cr.token && strstr(creq, "x-amz-security-token:"))
		cr.token = tok = sreq_token(dir, c);

	sr.method = r.method;
	sr.path = r.path;
	sr.query = r.query;
	sr.headers = r.h;
	sr.nheaders = r.nh;
	sr.body = r.body;
	sr.body_len = r.body_len;

	sigv4_init(&s, "us-east-1", "service", &e);
	ok(sigv4_canonical_request(&sr, "20150830T123600Z", cr.token, got, sizeof got, &e) > 0,
	    "%s: canonical request built", c);
	is_str(got, creq, "%s: canonical request", c);
	if (!ok(sigv4_sign(&s, &cr, SUITE_TIME, &sr, &sig, &e) == 0, "%s: signs", c)) {
		diag("%s", e.msg);
		goto out;
	}
	is_str(sig.string_to_sign, sts, "%s: string to sign", c);
	is_str(sig.authorization, authz, "%s: Authorization", c);
out:
	free(req);
	free(creq);
	free(sts);
	free(authz);
	free(tok);
}

static void
hexof(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void
signing_keys(void)
{
	static const struct {
		const char *service, *key;
	} kv[] = {
		{ "iam", "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9" },
		{ "service", "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75" },
		{ "route53", "21210f8f2475c398f12e1c52c3eb8e79780bcdf98b678165f9ad1118cc8770e4" },
	};
	struct sigv4_header h = { "Host", "example.amazonaws.com" };
	struct sigv4_request r = { "GET", "/", NULL, &h, 1, "", 0 };

	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		struct sigv4_signer s;
		struct sigv4_signature sig;
		struct err e = { 0 };
		char got[65];

		sigv4_init(&s, "us-east-1", kv[i].service, &e);
		sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e);
		hexof(got, s.key, 32);
		is_str(got, kv[i].key, "kSigning for 20150830/us-east-1/%s", kv[i].service);
	}
}

/* Route 53 requests (the same credentials and date as the test suite,
 * region us-east-1, service route53): botocore's SigV4Auth and an
 * independent implementation agree on these. */
static void
route53_kats(void)
{
	struct sigv4_signer s;
	struct sigv4_signature sig;
	struct err e = { 0 };
	struct sigv4_header gh[] = { { "Host", "route53.amazonaws.com" } };
	struct sigv4_header ph[] = {
		{ "Content-Type", "application/xml" },
		{ "Host", "route53.amazonaws.com" },
	};
	char q[256] = "", creq[1024];
	struct sigv4_request get = { "GET", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", q,
		gh, 1, "", 0 };
	struct sigv4_request post = { "POST", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/",
		NULL, ph, 2, kat_route53_body, sizeof kat_route53_body - 1 };
	br_sha256_context sc;
	unsigned char h[32];
	char hx[65];

	sigv4_init(&s, "us-east-1", "route53", &e);

	ok(sigv4_query_add(q, sizeof q, "name", "\\052.example.com.") == 0 &&
	    sigv4_query_add(q, sizeof q, "type", "TXT") == 0 &&
	    sigv4_query_add(q, sizeof q, "maxitems", "300") == 0, "build the rrset query");
	is_str(q, "name=%5C052.example.com.&type=TXT&maxitems=300", "wire query encoded once");
	sigv4_canonical_request(&get, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(strstr(creq, "\nmaxitems=300&name=%5C052.example.com.&type=TXT\n") != NULL,
	    "canonical query sorted by name");
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &get, &sig, &e) == 0, "sign rrset GET");
	is_str(sig.authorization,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/route53/aws4_request, "
	    "SignedHeaders=host;x-amz-date, "
	    "Signature=3c61243f0fb257ad381f8585ec8e6eab92d2aadb07fd6aa815a1e22818f04054",
	    "Route 53 KAT: GET rrset with \\052 name");

	is_int(sizeof kat_route53_body - 1, 434, "KAT body is 434 bytes");
	br_sha256_init(&sc);
	br_sha256_update(&sc, kat_route53_body, sizeof kat_route53_body - 1);
	br_sha256_out(&sc, h);
	hexof(hx, h, 32);
	is_str(hx, "581c2af786925c4dbb0afa77506072a6ac6070aa59bca4805c9821c696d056be",
	    "KAT body SHA-256");
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &post, &sig, &e) == 0, "sign rrset POST");
	is_str(sig.authorization,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/route53/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=3780e59652d79b85cfc54a88b23371cc11eda7373d64c62f334179760ac970d0",
	    "Route 53 KAT: POST ChangeResourceRecordSets");
	is_int(sig.nheaders, 2, "no token: X-Amz-Date and Authorization to send");
	{
		/* The credentials are refreshed after signing, before the
		 * request is written: it must still carry its own token. */
		char tok[16] = "TOKEN-ONE";
		struct sigv4_creds tc = { "ASIAX", "SECRET", tok };
		struct sigv4_signature ts;

		ok(sigv4_sign(&s, &tc, SUITE_TIME, &post, &ts, &e) == 0 && ts.nheaders == 3,
		    "with a token: three headers");
		memcpy(tok, "TOKEN-TWO", 10);
		is_str(ts.headers[1].value, "TOKEN-ONE",
		    "the signature keeps the token it was signed with");
	}
	is_str(sig.headers[0].name, "X-Amz-Date", "first header to send");
	is_str(sig.headers[0].value, "20150830T123600Z", "X-Amz-Date value");
	is_str(sig.headers[1].name, "Authorization", "last header to send");
}

static void
cache_and_tokens(void)
{
	struct sigv4_signer s;
	struct sigv4_signature a, b;
	struct err e = { 0 };
	struct sigv4_header h = { "Host", "route53.amazonaws.com" };
	struct sigv4_request r = { "GET", "/2013-04-01/hostedzone", "maxitems=1", &h, 1, "", 0 };
	struct sigv4_creds other = { "AKIDEXAMPLE", "another-secret", NULL };
	struct sigv4_creds tok = { "ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		"session-token-value" };
	unsigned char k1[32];

	sigv4_init(&s, "us-east-1", "route53", &e);
	sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &a, &e);
	memcpy(k1, s.key, 32);
	sigv4_sign(&s, &suite_creds, SUITE_TIME + 3600, &r, &b, &e);
	ok(!memcmp(k1, s.key, 32), "same day: cached signing key kept");
	ok(strcmp(a.authorization, b.authorization), "an hour later: another signature");
	sigv4_sign(&s, &suite_creds, SUITE_TIME + 86400, &r, &b, &e);
	ok(memcmp(k1, s.key, 32), "next day: new signing key");
	is_str(b.amz_date, "20150831T123600Z", "next day's X-Amz-Date");
	sigv4_sign(&s, &other, SUITE_TIME + 86400, &r, &a, &e);
	ok(strcmp(a.authorization, b.authorization), "new secret: key derived again");
	sigv4_sign(&s, &suite_creds, SUITE_TIME + 86400, &r, &a, &e);
	is_str(a.authorization, b.authorization, "back to the first secret: same signature");

	ok(sigv4_sign(&s, &tok, SUITE_TIME, &r, &a, &e) == 0, "sign with a session token");
	is_int(a.nheaders, 3, "token: three headers to send");
	is_str(a.headers[1].name, "X-Amz-Security-Token", "token header sent");
	is_str(a.headers[1].value, "session-token-value", "token value sent as given");
	ok(strstr(a.authorization, "SignedHeaders=host;x-amz-date;x-amz-security-token,") != NULL,
	    "token is signed");
	ok(!strstr(a.authorization, "session-token-value") && !strstr(a.string_to_sign,
	    "session-token-value"), "token value not in Authorization or string to sign");
}

static int
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void
encoding(void)
{
	char buf[64], creq[512];
	struct err e = { 0 };
	struct sigv4_header h = { "Host", "h" };
	struct sigv4_request r = { "GET", "/a%2Ab/", NULL, &h, 1, "", 0 };
	long n;

	n = sigv4_uri_encode(buf, sizeof buf, "a b/*~\\\xc3\xa9", 9);
	is_str(buf, "a%20b%2F%2A~%5C%C3%A9", "URI encoding of query components");
	is_int(n, 21, "encoded length");
	is_int(sigv4_uri_encode(buf, 3, "abc", 3), -1, "encode refuses to overflow");
	strcpy(buf, "x=1");
	is_int(sigv4_query_add(buf, 8, "long", "value"), -1, "query_add refuses to overflow");
	is_str(buf, "x=1", "query unchanged after a refused add");

	sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(starts(creq, "GET\n/a%252Ab/\n"), "path escapes are encoded again (non-S3)");
	r.path = "";
	sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(starts(creq, "GET\n/\n"), "empty path is /");
	r.path = "/a/./b/../../c/.";
	sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(starts(creq, "GET\n/c\n"), "dot segments removed");
	r.path = "/";
	r.query = "b=%2a&a=*&a=%2A&c&d=";
	sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(starts(creq, "GET\n/\na=%2A&a=%2A&b=%2A&c=&d=\n"),
	    "query decoded, re-encoded, sorted; bare name gets '='");
	r.query = "p=100%&q=%zz";
	sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, sizeof creq, &e);
	ok(starts(creq, "GET\n/\np=100%25&q=%25zz\n"), "a stray %% is a literal %%");

	is_int(sigv4_canonical_request(&r, "20150830T123600Z", NULL, creq, 20, &e), -1,
	    "canonical request too long for the buffer");
	ok(e.set && strstr(e.msg, "longer than"), "overflow message: %s", e.msg);

	ok(sigv4_amz_date(0, buf) == 0 && !strcmp(buf, "19700101T000000Z"), "epoch as X-Amz-Date");
}

/* Our own calendar arithmetic against known dates (no gmtime_r). */
static void
amz_dates(void)
{
	static const struct {
		long long t;
		const char *want;
	} kat[] = {
		{ -1, "19691231T235959Z" },
		{ 951782400, "20000229T000000Z" },   /* leap day of a 400th year */
		{ 951868799, "20000229T235959Z" },
		{ 4102444799LL, "20991231T235959Z" },
		{ 4102444800LL, "21000101T000000Z" },
		{ 4107542399LL, "21000228T235959Z" },  /* 2100: no Feb 29 */
		{ 4107542400LL, "21000301T000000Z" },
		{ 253402300799LL, "99991231T235959Z" },
		{ -62167219200LL, "00000101T000000Z" },
		{ 1440938160, "20150830T123600Z" },
	};
	char buf[SIGV4_DATE_LEN + 1];

	for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
		if (sizeof(time_t) < 8 && (kat[i].t > 0x7fffffffLL || kat[i].t < -0x80000000LL))
			continue;
		ok(sigv4_amz_date((time_t)kat[i].t, buf) == 0 && !strcmp(buf, kat[i].want),
		    "%lld is %s (got %s)", kat[i].t, kat[i].want, buf);
	}
	if (sizeof(time_t) >= 8) {
		ok(sigv4_amz_date((time_t)253402300800LL, buf) < 0, "year 10000 refused");
		ok(sigv4_amz_date((time_t)-62167219201LL, buf) < 0, "year -1 refused");
	}
}

static void
errors(void)
{
	struct sigv4_signer s;
	struct sigv4_signature sig;
	struct err e = { 0 };
	struct sigv4_header h[SIGV4_MAX_HEADERS + 1];
	struct sigv4_request r = { "GET", "/", NULL, h, 1, "", 0 };
	struct sigv4_creds none = { "", "", NULL };
	char q[SIGV4_MAX_QUERY * 4 + 8] = "";
	char want[64];

	for (size_t i = 0; i <= SIGV4_MAX_HEADERS; i++) {
		h[i].name = "X-Test";
		h[i].value = "v";
	}
	ok(sigv4_init(&s, "", "route53", &e) < 0, "empty region refused");
	err_clear(&e);
	ok(sigv4_init(&s, "a-region-name-that-is-far-too-long", "route53", &e) < 0,
	    "overlong region refused");
	snprintf(want, sizeof want, "sigv4: region must be 1 to %d characters",
	    SIGV4_MAX_SCOPE_NAME - 1);
	is_str(e.msg, want, "overlong region message");
	err_clear(&e);
	ok(sigv4_init(&s, "us-east-1", "", &e) < 0, "empty service refused");
	snprintf(want, sizeof want, "sigv4: service must be 1 to %d characters",
	    SIGV4_MAX_SCOPE_NAME - 1);
	is_str(e.msg, want, "empty service message");
	err_clear(&e);
	ok(sigv4_init(&s, "us-east-1", "a-service-name-that-is-far-too-long", &e) < 0,
	    "overlong service refused");
	err_clear(&e);
	sigv4_init(&s, "us-east-1", "route53", &e);

	ok(sigv4_sign(&s, &none, SUITE_TIME, &r, &sig, &e) < 0, "no credentials refused");
	is_str(e.msg, "sigv4: no credentials", "no credentials message");
	err_clear(&e);

	h[0].name = "x-amz-date";
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e) < 0,
	    "caller-made X-Amz-Date refused");
	err_clear(&e);
	h[0].name = "Authorization";
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e) < 0,
	    "caller-made Authorization refused");
	ok(!strstr(e.msg, suite_creds.secret), "message has no secret");
	err_clear(&e);
	h[0].name = "X-Test";

	r.nheaders = SIGV4_MAX_HEADERS;
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e) < 0, "too many headers refused");
	err_clear(&e);
	r.nheaders = 1;

	for (int i = 0; i <= SIGV4_MAX_QUERY; i++)
		sigv4_query_add(q, sizeof q, "a", "b");
	r.query = q;
	ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e) < 0,
	    "too many query parameters refused");
	err_clear(&e);
	r.query = NULL;

	{
		char deep[SIGV4_MAX_SEGMENTS * 2 + 4];

		for (int i = 0; i <= SIGV4_MAX_SEGMENTS; i++)
			memcpy(deep + 2 * i, "/a", 2);
		deep[2 * SIGV4_MAX_SEGMENTS + 2] = '\0';
		r.path = deep;
		ok(sigv4_sign(&s, &suite_creds, SUITE_TIME, &r, &sig, &e) < 0,
		    "too many path segments refused");
		err_clear(&e);
	}
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "test/data/sigv4-testsuite";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		suite_case(dir, cases[i]);
	signing_keys();
	route53_kats();
	cache_and_tokens();
	encoding();
	amz_dates();
	errors();
	return tap_done();
}
