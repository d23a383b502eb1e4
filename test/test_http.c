/*
 * HTTP without a network: endpoint URLs, request serialisation and its
 * refusals, and the response parser on known vectors fed whole, one byte at
 * a time and split at every position (each input in an exact-size heap
 * copy, so ASan catches any read past it), with chunked bodies, trailers,
 * interim responses, bodies ending at close, limits and malformed input.
 */
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "tap.h"

/* ---- URLs -------------------------------------------------------------------- */

static void
url_ok(const char *url, int tls, const char *host, int port, const char *hostport)
{
	struct http_url u;
	struct err e = { 0 };

	if (!ok(http_url_parse(&u, url, &e) == 0, "URL %s parses", url)) {
		diag("%s", e.msg);
		return;
	}
	ok(u.tls == tls && !strcmp(u.host, host) && u.port == port,
	    "URL %s: %s, host %s, port %d", url, tls ? "https" : "http", host, port);
	is_str(u.hostport, hostport, "URL %s: Host header", url);
}

static void
url_bad(const char *url, const char *why)
{
	struct http_url u;
	struct err e = { 0 };

	ok(http_url_parse(&u, url, &e) < 0 && strstr(e.msg, why), "URL %s refused: %s", url,
	    e.msg);
}

static void
urls(void)
{
	url_ok("https://route53.amazonaws.com", 1, "route53.amazonaws.com", 443,
	    "route53.amazonaws.com");
	url_ok("https://route53.amazonaws.com.cn/", 1, "route53.amazonaws.com.cn", 443,
	    "route53.amazonaws.com.cn");
	url_ok("https://route53.amazonaws.com:443", 1, "route53.amazonaws.com", 443,
	    "route53.amazonaws.com");
	url_ok("https://localhost:8443", 1, "localhost", 8443, "localhost:8443");
	url_ok("http://127.0.0.1:8080", 0, "127.0.0.1", 8080, "127.0.0.1:8080");
	url_ok("http://169.254.169.254", 0, "169.254.169.254", 80, "169.254.169.254");
	url_ok("http://h:80/", 0, "h", 80, "h");
	url_ok("http://[::1]:8080", 0, "::1", 8080, "[::1]:8080");
	url_ok("http://[fd00:ec2::254]", 0, "fd00:ec2::254", 80, "[fd00:ec2::254]");
	url_ok("https://127.0.0.1:8443", 1, "127.0.0.1", 8443, "127.0.0.1:8443");
	url_ok("https://[::1]", 1, "::1", 443, "[::1]");
	url_ok("http://localstack_1:4566", 0, "localstack_1", 4566, "localstack_1:4566");

	url_bad("ftp://x", "must start with");
	url_bad("route53.amazonaws.com", "must start with");
	url_bad("http://x/2013-04-01", "no path");
	url_bad("http://x?a=b", "no path");
	url_bad("http://x#f", "no path");
	url_bad("http://user@x", "user information");
	url_bad("http://[::1", "unterminated");
	url_bad("http://[::1]x", "junk");
	url_bad("http://::1", "empty");
	url_bad("http://[1.2.3.4]", "brackets");
	url_bad("http://x:0", "bad port");
	url_bad("http://x:65536", "bad port");
	url_bad("http://x:", "bad port");
	url_bad("http://x:8a", "bad port");
	url_bad("http://", "empty");
	url_bad("http://:80", "empty");
	url_bad("http://bad!host", "bad host name");
	url_bad("http://a..b", "bad host name");
}

/* ---- requests ------------------------------------------------------------------ */

static void
requests(void)
{
	struct http_request r;
	struct err e = { 0 };
	char buf[1024];
	long n;

	memset(&r, 0, sizeof r);
	r.method = "GET";
	r.target = "/2013-04-01/hostedzone?maxitems=1";
	http_request_add(&r, "X-Amz-Date", "20150830T123600Z");
	http_request_add(&r, "Authorization", "AWS4-HMAC-SHA256 Credential=A/x, Signature=0");
	n = http_request_head(&r, "route53.amazonaws.com", buf, sizeof buf, &e);
	is_str(buf,
	    "GET /2013-04-01/hostedzone?maxitems=1 HTTP/1.1\r\n"
	    "Host: route53.amazonaws.com\r\n"
	    "User-Agent: notify53/" NOTIFY53_VERSION "\r\n"
	    "X-Amz-Date: 20150830T123600Z\r\n"
	    "Authorization: AWS4-HMAC-SHA256 Credential=A/x, Signature=0\r\n\r\n",
	    "GET head");
	is_int(n, (long)strlen(buf), "length returned");

	memset(&r, 0, sizeof r);
	r.method = "POST";
	r.target = "/2013-04-01/hostedzone/Z1/rrset/";
	r.body = "<a/>";
	r.body_len = 4;
	http_request_add(&r, "Content-Type", "application/xml");
	http_request_head(&r, "localhost:8443", buf, sizeof buf, &e);
	ok(strstr(buf, "Host: localhost:8443\r\n") && strstr(buf, "Content-Length: 4\r\n\r\n"),
	    "POST: Host with port, Content-Length last");
	r.body_len = 0;
	http_request_head(&r, "h", buf, sizeof buf, &e);
	ok(strstr(buf, "Content-Length: 0\r\n") != NULL, "empty POST says Content-Length: 0");
	r.method = "PUT";
	r.nheaders = 0;
	http_request_add(&r, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
	http_request_head(&r, "169.254.169.254", buf, sizeof buf, &e);
	ok(!strncmp(buf, "PUT /", 5) && strstr(buf, "Content-Length: 0\r\n"), "IMDSv2 token PUT");
	r.method = "GET";
	r.target = "http://127.0.0.1:8080/2013-04-01/hostedzone";
	r.nheaders = 0;
	{
		static const char want[] = "GET http://127.0.0.1:8080/2013-04-01/hostedzone "
		    "HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n";

		ok(http_request_head(&r, "127.0.0.1:8080", buf, sizeof buf, &e) > 0 &&
		    !strncmp(buf, want, sizeof want - 1),
		    "the absolute form for a proxy (RFC 9112 3.2.2)");
	}

	ok(http_method_idempotent("GET") && http_method_idempotent("PUT") &&
	    !http_method_idempotent("POST"), "idempotent methods (RFC 9110 9.2.2)");

	/* Refusals. */
	{
		static const struct {
			const char *method, *target, *name, *value, *why;
		} bad[] = {
			{ "GET", "/", "X-A", "v\r\nX-Injected: 1", "control character" },
			{ "GET", "/", "X-A", "v\n", "control character" },
			{ "GET", "/", "X-A", "v\x01", "control character" },
			{ "GET", "/", "X A", "v", "bad header name" },
			{ "GET", "/", "", "v", "bad header name" },
			{ "GET", "/", "Host", "evil", "written by the client" },
			{ "GET", "/", "content-length", "1", "written by the client" },
			{ "GET", "/", "Transfer-Encoding", "chunked", "written by the client" },
			{ "GET", "/a b", "X-A", "v", "percent-encoded" },
			{ "GET", "/a\r\n", "X-A", "v", "percent-encoded" },
			{ "GET", "/\xc3\xa9", "X-A", "v", "percent-encoded" },
			{ "GET", "x", "X-A", "v", "must start with /" },
			{ "GET", "https://h/", "X-A", "v", "must start with /" },
			{ "GET", "http:/h/", "X-A", "v", "must start with /" },
			{ "G T", "/", "X-A", "v", "bad request method" },
		};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			memset(&r, 0, sizeof r);
			r.method = bad[i].method;
			r.target = bad[i].target;
			http_request_add(&r, bad[i].name, bad[i].value);
			err_clear(&e);
			ok(http_request_head(&r, "h", buf, sizeof buf, &e) < 0 &&
			    strstr(e.msg, bad[i].why), "refused: %s (%s)", bad[i].why, e.msg);
			ok(!strstr(e.msg, "Injected"), "message does not quote the value");
		}
	}
	memset(&r, 0, sizeof r);
	r.method = "GET";
	r.target = "/";
	err_clear(&e);
	ok(http_request_head(&r, "h", buf, 20, &e) < 0 && strstr(e.msg, "longer than"),
	    "head that does not fit refused");
	for (int i = 0; i < HTTP_MAX_REQ_HEADERS; i++)
		http_request_add(&r, "X-A", "v");
	is_int(http_request_add(&r, "X-A", "v"), -1, "HTTP_MAX_REQ_HEADERS enforced");
}

/* ---- response parser ------------------------------------------------------------ */

struct vec {
	const char *name;
	const char *in;
	int status;
	const char *body;       /* NULL: an error is expected */
	int keep_alive;
	int eof;                /* the body ends at connection close */
	const char *error;      /* substring of the error */
	size_t body_max;        /* 0: default */
	int head;               /* response to HEAD */
	const char *hname, *hvalue; /* a header to check */
};

static const struct vec vecs[] = {
	{ "Content-Length", "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello",
	  200, "hello", 1, 0, NULL, 0, 0, "content-type", "text/xml" },
	{ "empty body", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", 1, 0, NULL, 0, 0,
	  NULL, NULL },
	{ "chunked with extension and trailers",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5;name=value\r\nhello\r\n1\r\n \r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\nY: u\r\n\r\n",
	  200, "hello 0123456789", 1, 0, NULL, 0, 0, "Transfer-Encoding", "chunked" },
	{ "Transfer-Encoding in any case, upper-case hex size",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nF\r\n0123456789abcde\r\n0\r\n\r\n",
	  200, "0123456789abcde", 1, 0, NULL, 0, 0, NULL, NULL },
	{ "body until close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it",
	  200, "all of it", 0, 1, NULL, 0, 0, NULL, NULL },
	{ "no length: until close", "HTTP/1.1 200 OK\r\n\r\nrest", 200, "rest", 0, 1, NULL, 0, 0,
	  NULL, NULL },
	{ "Connection: close with length", "HTTP/1.1 503 Slow Down\r\nConnection: keep-alive, close\r\n"
	  "Content-Length: 2\r\n\r\nno", 503, "no", 0, 0, NULL, 0, 0, NULL, NULL },
	{ "HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", 0, 0, NULL, 0,
	  0, NULL, NULL },
	{ "HTTP/1.0 keep-alive",
	  "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
	  200, "ok", 1, 0, NULL, 0, 0, NULL, NULL },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, "", 1, 0,
	  NULL, 0, 0, NULL, NULL },
	{ "304 has no body", "HTTP/1.1 304 Not Modified\r\n\r\n", 304, "", 1, 0, NULL, 0, 0, NULL,
	  NULL },
	{ "HEAD response", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 200, "", 1, 0, NULL, 0,
	  1, NULL, NULL },
	{ "100 Continue skipped", "HTTP/1.1 100 Continue\r\nX-I: 1\r\n\r\nHTTP/1.1 201 Created\r\n"
	  "Content-Length: 1\r\n\r\nx", 201, "x", 1, 0, NULL, 0, 0, "X-I", NULL },
	{ "bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", 200, "abc", 1, 0, NULL, 0,
	  0, NULL, NULL },
	{ "empty lines before the status", "\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz",
	  200, "z", 1, 0, NULL, 0, 0, NULL, NULL },
	{ "obs-fold joined with one space", "HTTP/1.1 200 OK\r\nX-Long: a  \r\n   b\r\n\tc \r\n"
	  "Content-Length: 0\r\n\r\n", 200, "", 1, 0, NULL, 0, 0, "x-long", "a b c" },
	{ "obs-fold after an empty value", "HTTP/1.1 200 OK\r\nX-E:\r\n b\r\nContent-Length: 0\r\n\r\n",
	  200, "", 1, 0, NULL, 0, 0, "X-E", "b" },
	{ "value whitespace trimmed", "HTTP/1.1 200 OK\r\nDate:  \t Sun, 30 Aug 2015 12:36:00 GMT \t\r\n"
	  "Content-Length: 0\r\n\r\n", 200, "", 1, 0, NULL, 0, 0, "date",
	  "Sun, 30 Aug 2015 12:36:00 GMT" },
	{ "empty header value", "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n", 200, "", 1,
	  0, NULL, 0, 0, "x-empty", "" },
	{ "same Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n"
	  "\r\nok", 200, "ok", 1, 0, NULL, 0, 0, NULL, NULL },
	{ "status without reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, "", 1, 0, NULL,
	  0, 0, NULL, NULL },
	{ "body exactly at the limit", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour", 200, "four",
	  1, 0, NULL, 4, 0, NULL, NULL },

	{ "HTTP/2 status", "HTTP/2.0 200 OK\r\n\r\n", 0, NULL, 0, 0, "bad status line", 0, 0, NULL,
	  NULL },
	{ "two-digit status", "HTTP/1.1 20 OK\r\n\r\n", 0, NULL, 0, 0, "bad status line", 0, 0, NULL,
	  NULL },
	{ "status 600", "HTTP/1.1 600 X\r\n\r\n", 0, NULL, 0, 0, "bad status line", 0, 0, NULL, NULL },
	{ "not HTTP", "ICY 200 OK\r\n\r\n", 0, NULL, 0, 0, "bad status line", 0, 0, NULL, NULL },
	{ "header without colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, NULL, 0, 0, "without a name",
	  0, 0, NULL, NULL },
	{ "space before colon", "HTTP/1.1 200 OK\r\nName : v\r\n\r\n", 0, NULL, 0, 0, "bad header name",
	  0, 0, NULL, NULL },
	{ "control character", "HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n", 0, NULL, 0, 0, "control", 0, 0,
	  NULL, NULL },
	{ "NUL in head", "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 0, NULL, 0, 0, "control", 0, 0, NULL,
	  NULL },
	{ "bare CR", "HTTP/1.1 200 OK\rX: a\r\n\r\n", 0, NULL, 0, 0, "CR without LF", 0, 0, NULL, NULL },
	{ "fold before any header", "HTTP/1.1 200 OK\r\n x\r\n\r\n", 0, NULL, 0, 0, "continuation", 0, 0,
	  NULL, NULL },
	{ "conflicting Content-Length",
	  "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
	  0, NULL, 0, 0, "Content-Length", 0, 0, NULL, NULL },
	{ "negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, NULL, 0, 0,
	  "Content-Length", 0, 0, NULL, NULL },
	{ "huge Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 0,
	  NULL, 0, 0, "Content-Length", 0, 0, NULL, NULL },
	{ "Content-Length with junk", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0, NULL, 0, 0,
	  "Content-Length", 0, 0, NULL, NULL },
	{ "Transfer-Encoding and Content-Length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	  "Content-Length: 3\r\n\r\n0\r\n\r\n", 0, NULL, 0, 0, "both", 0, 0, NULL, NULL },
	{ "gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, NULL, 0, 0,
	  "unsupported Transfer-Encoding", 0, 0, NULL, NULL },
	{ "chunked not last", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 0, NULL, 0,
	  0, "unsupported Transfer-Encoding", 0, 0, NULL, NULL },
	{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, NULL, 0, 0,
	  "bad chunk size", 0, 0, NULL, NULL },
	{ "empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, NULL, 0, 0,
	  "bad chunk size", 0, 0, NULL, NULL },
	{ "chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "10000000000000000\r\n", 0, NULL, 0, 0, "too large", 0, 0, NULL, NULL },
	{ "chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "1\r\nab\r\n0\r\n\r\n", 0, NULL, 0, 0, "longer than its size", 0, 0, NULL, NULL },
	{ "101 Switching Protocols", "HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, NULL, 0, 0, "101",
	  0, 0, NULL, NULL },
	{ "Content-Length over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, NULL,
	  0, 0, "larger than 4 bytes", 4, 0, NULL, NULL },
	{ "chunked over the limit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
	  "2\r\nde\r\n0\r\n\r\n", 0, NULL, 0, 0, "larger than 4 bytes", 4, 0, NULL, NULL },
	{ "until close over the limit", "HTTP/1.1 200 OK\r\n\r\nhello", 0, NULL, 0, 0,
	  "larger than 4 bytes", 4, 0, NULL, NULL },
	{ "truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", 0, NULL, 0, 1,
	  "6 bytes before the end", 0, 0, NULL, NULL },
	{ "truncated headers", "HTTP/1.1 200 OK\r\nContent-Le", 0, NULL, 0, 1,
	  "inside the response headers", 0, 0, NULL, NULL },
	{ "truncated chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0,
	  NULL, 0, 1, "inside a chunked body", 0, 0, NULL, NULL },
	{ "nothing at all", "", 0, NULL, 0, 1, "before any response", 0, 0, NULL, NULL },
};

/* Feed in pieces of at most step bytes (0: all at once). Returns the parse
 * result: consumed bytes, or HTTP_PARSE_ERROR / HTTP_PARSE_MORE. */
static long
feed(struct http_parser *p, const char *in, size_t len, size_t step, size_t *used)
{
	char *copy = malloc(len ? len : 1);
	size_t off = 0;
	long r = HTTP_PARSE_MORE;

	memcpy(copy, in, len);
	*used = 0;
	while (off < len) {
		size_t n = step && len - off > step ? step : len - off;

		r = http_parser_feed(p, copy + off, n);
		if (r == HTTP_PARSE_MORE) {
			off += n;
			continue;
		}
		if (r >= 0)
			off += (size_t)r;
		break;
	}
	*used = off;
	free(copy);
	return r;
}

/* Run one vector with one feeding pattern; 1 when it behaved. */
static int
run(const struct vec *v, size_t len, size_t step, size_t split, int verbose)
{
	struct http_parser *p = calloc(1, sizeof *p);
	long r;
	size_t used = 0, used2 = 0;
	int good;

	http_parser_init(p, v->body_max ? v->body_max : 1 << 20, v->head);
	if (split) {
		r = feed(p, v->in, split, 0, &used);
		if (r == HTTP_PARSE_MORE)
			r = feed(p, v->in + split, len - split, 0, &used2);
		used += used2;
	} else {
		r = feed(p, v->in, len, step, &used);
	}
	if (r == HTTP_PARSE_MORE && v->eof)
		r = http_parser_eof(p) == 0 ? 0 : HTTP_PARSE_ERROR;
	if (v->body) {
		good = r >= 0 && http_parser_done(p) && p->resp.status == v->status &&
		    p->resp.body.len == strlen(v->body) && !memcmp(p->resp.body.data, v->body,
		    p->resp.body.len) && p->resp.body.data[p->resp.body.len] == '\0' &&
		    p->resp.keep_alive == v->keep_alive && used == len;
		if (v->hname)
			good = good && (v->hvalue ? http_response_header(&p->resp, v->hname) &&
			    !strcmp(http_response_header(&p->resp, v->hname), v->hvalue) :
			    !http_response_header(&p->resp, v->hname));
	} else {
		good = r == HTTP_PARSE_ERROR && strstr(p->err.msg, v->error) != NULL &&
		    p->too_large == (strstr(v->error, "larger than") != NULL);
	}
	if (!good && verbose)
		diag("r=%ld status=%d used=%zu/%zu keep=%d err=%s", r, p->resp.status, used, len,
		    p->resp.keep_alive, p->err.msg);
	http_parser_free(p);
	free(p);
	return good;
}

static void
parser_vectors(void)
{
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		const struct vec *v = &vecs[i];
		size_t len = strlen(v->in), bad = 0;

		if (!strcmp(v->name, "NUL in head"))
			len = 27;
		ok(run(v, len, 0, 0, 1), "%s: whole", v->name);
		ok(run(v, len, 1, 0, 1), "%s: one byte at a time", v->name);
		for (size_t s = 1; s < len; s++)
			bad += !run(v, len, 0, s, 0);
		is_int(bad, 0, "%s: split at each of %zu positions", v->name, len ? len - 1 : 0);
	}
}

static void
parser_details(void)
{
	struct http_parser *p = calloc(1, sizeof *p);
	static const char two[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500";
	char big[HTTP_MAX_HEAD + 64];
	size_t len, off;
	char *body;

	http_parser_init(p, 100, 0);
	is_int(http_parser_feed(p, two, sizeof two - 1), sizeof two - 1 - 12,
	    "consumed stops at the end of the response");
	is_str(p->resp.reason, "OK", "reason phrase");
	is_int(p->resp.minor, 1, "HTTP/1.1");
	is_int(http_parser_feed(p, "x", 1), 0, "a complete parser consumes nothing");
	body = http_response_take_body(&p->resp, &len);
	ok(body && len == 2 && !strcmp(body, "ok") && p->resp.body.data == NULL, "body taken");
	free(body);

	/* Reuse for a second response frees nothing twice. */
	http_parser_init(p, 100, 0);
	is_int(http_parser_feed(p, "HTTP/1.1 204 No\r\n\r\n", 19), 19, "second response");
	body = http_response_take_body(&p->resp, &len);
	ok(body && len == 0 && body[0] == '\0', "empty body taken as \"\"");
	free(body);

	/* Too many headers. */
	http_parser_init(p, 100, 0);
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i <= HTTP_MAX_HEADERS; i++)
		off += (size_t)sprintf(big + off, "X%d: v\r\n", i);
	off += (size_t)sprintf(big + off, "\r\n");
	ok(http_parser_feed(p, big, off) == HTTP_PARSE_ERROR && strstr(p->err.msg, "more than"),
	    "more than HTTP_MAX_HEADERS refused: %s", p->err.msg);
	is_int(http_parser_feed(p, "x", 1), HTTP_PARSE_ERROR, "errors are sticky");

	/* Head longer than HTTP_MAX_HEAD. */
	http_parser_init(p, 100, 0);
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + off, 'a', sizeof big - off);
	ok(http_parser_feed(p, big, sizeof big) == HTTP_PARSE_ERROR &&
	    strstr(p->err.msg, "head longer"), "head over HTTP_MAX_HEAD refused");

	/* Trailers longer than HTTP_MAX_HEAD. */
	http_parser_init(p, 100, 0);
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ");
	memset(big + off, 'a', sizeof big - off);
	ok(http_parser_feed(p, big, sizeof big) == HTTP_PARSE_ERROR &&
	    strstr(p->err.msg, "trailers longer"), "trailers over HTTP_MAX_HEAD refused");

	/* Chunk-size line over HTTP_MAX_CHUNK_LINE. */
	http_parser_init(p, 100, 0);
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
	memset(big + off, 'e', HTTP_MAX_CHUNK_LINE);
	ok(http_parser_feed(p, big, off + HTTP_MAX_CHUNK_LINE) == HTTP_PARSE_ERROR &&
	    strstr(p->err.msg, "chunk size line"), "chunk extension over the limit refused");

	/* Many small headers up to the limit are fine. */
	http_parser_init(p, 100, 0);
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < HTTP_MAX_HEADERS - 1; i++)
		off += (size_t)sprintf(big + off, "X%d: v\r\n", i);
	off += (size_t)sprintf(big + off, "Content-Length: 0\r\n\r\n");
	is_int(http_parser_feed(p, big, off), off, "exactly HTTP_MAX_HEADERS headers");
	is_int(p->resp.nheaders, HTTP_MAX_HEADERS, "all kept");
	is_str(http_response_header(&p->resp, "x62"), "v", "case-insensitive lookup");
	http_parser_free(p);
	free(p);
}

static void
dates(void)
{
	static const struct {
		const char *in;
		long long t; /* -1: refused */
	} v[] = {
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 784111777 },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Sun, 30 Aug 2015 12:36:00 GMT", 1440938160 },
		{ "Tue, 29 Feb 2028 23:59:59 GMT", 1835481599 },
		{ "Monday, 01-Jan-35 00:00:00 GMT", 2051222400 },
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1 },
		{ "Sun, 6 Nov 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Foo 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 24:00:00 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT junk", -1 },
		{ "Sun, 32 Nov 1994 08:49:37 GMT", -1 },
		{ "", -1 },
		{ "1994-11-06T08:49:37Z", -1 },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		time_t t = 0;
		int r = http_date_parse(v[i].in, &t);

		if (v[i].t < 0)
			ok(r < 0, "date \"%s\" refused", v[i].in);
		else
			ok(r == 0 && (long long)t == v[i].t, "date \"%s\" is %lld", v[i].in, v[i].t);
	}
}

int
main(void)
{
	urls();
	dates();
	requests();
	parser_vectors();
	parser_details();
	return tap_done();
}
