/* Unit tests of src/net/proxy: proxy URLs (user information decoded into
 * Proxy-Authorization, never shown in a message), the NO_PROXY rules, and
 * which setting wins (aws.proxy, the lower- and upper-case variables);
 * and of src/net/http_client through a proxy, test/fakehttp.h playing the
 * proxy: the absolute form and CONNECT on the wire, the proxy's refusals
 * as HTTP_ERR_PROXY (5xx, retried) or HTTP_ERR_PROXY_DENIED (4xx), a
 * client without proxy settings going direct. */
#include <stdlib.h>
#include <string.h>

#include "aws/r53_op.h"
#include "fakehttp.h"
#include "net/http_client.h"
#include "net/proxy.h"
#include "tap.h"

static void
parses(const char *url, const char *hostport, int port, const char *auth)
{
	struct proxy p;
	struct err e = { 0 };

	if (!ok(proxy_parse(&p, url, "HTTPS_PROXY", &e) == 0, "parse %s: %s", url, e.msg))
		return;
	is_str(p.url.hostport, hostport, "%s: the proxy host and port", url);
	is_int(p.url.port, port, "%s: the port", url);
	is_str(p.auth, auth, "%s: its Proxy-Authorization value", url);
	proxy_free(&p);
	ok(p.auth[0] == '\0', "%s: proxy_free wipes the credentials", url);
}

static void
refuses(const char *url, const char *want)
{
	struct proxy p;
	struct err e = { 0 };

	ok(proxy_parse(&p, url, "HTTPS_PROXY", &e) < 0 && strstr(e.msg, want) &&
	   strstr(e.msg, "HTTPS_PROXY") && !strstr(e.msg, "s3cret"),
	   "refuse %s: %s", url, e.msg);
}

static int
bypass(const char *no_proxy, const char *endpoint)
{
	struct http_url u;
	struct err e = { 0 };

	if (http_url_parse(&u, endpoint, &e) < 0) {
		diag("bad endpoint %s: %s", endpoint, e.msg);
		return -1;
	}
	return proxy_bypass(no_proxy, &u);
}

static const char *
picked(const struct proxy_conf *pc, const char *endpoint)
{
	struct http_url u;
	struct err e = { 0 };
	const struct proxy *p;

	if (http_url_parse(&u, endpoint, &e) < 0)
		return "bad endpoint";
	p = proxy_pick(pc, &u);
	return p ? p->url.hostport : "direct";
}

static void
clear_env(void)
{
	static const char *const names[] = { "https_proxy", "HTTPS_PROXY", "http_proxy",
		"HTTP_PROXY", "no_proxy", "NO_PROXY" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unsetenv(names[i]);
}

static struct fake_http srv;
static int ndone;

static int
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void
call_done(struct http_call *call)
{
	(void)call;
	ndone++;
}

/* One GET / to endpoint through conf (NULL: no proxy settings); the
 * scripted server's reply has been set. Returns the call's error. */
static enum http_error
one_call(const char *endpoint, const struct proxy_conf *conf, struct http_call *call,
	char *msg, size_t cap)
{
	static struct tls_trust trust;
	struct http_client cl;
	struct http_client_opts o;
	struct err e = { 0 };
	int64_t end;

	if (!trust.n && tls_trust_add_builtin(&trust, &e) < 0)
		return HTTP_ERR_REQUEST;
	http_client_opts_default(&o);
	o.trust = &trust;
	o.proxy = conf;
	o.connect_timeout_ms = o.total_timeout_ms = 5000;
	if (http_client_init(&cl, endpoint, &o, &e) < 0) {
		diag("http_client_init: %s", e.msg);
		return HTTP_ERR_REQUEST;
	}
	memset(call, 0, sizeof *call);
	call->req.method = "GET";
	call->req.target = "/2013-04-01/hostedzone";
	call->done = call_done;
	ndone = 0;
	http_client_send(&cl, call);
	end = loop_refresh_now() + 10000;
	while (!ndone && loop_refresh_now() < end)
		loop_once(20);
	snprintf(msg, cap, "%s", ndone ? call->err.msg : "no completion");
	http_client_free(&cl);
	return ndone ? call->error : HTTP_ERR_TIMEOUT;
}

static void
driver(void)
{
	struct proxy_conf pc;
	struct http_call call;
	struct err e = { 0 };
	char url[64], msg[ERR_MSG_MAX], want[160];
	enum http_error r;

	if (!ok(fake_start(&srv) == 0, "scripted proxy on 127.0.0.1"))
		return;
	snprintf(url, sizeof url, "http://Aladdin:open%%20sesame@127.0.0.1:%d", srv.port);
	if (!ok(proxy_conf_init(&pc, url, &e) == 0, "aws.proxy %s", e.msg))
		return;

	/* http endpoint: the absolute form, Host the endpoint's, credentials. */
	fake_reply(&srv, 200, "", "ok");
	r = one_call("http://192.0.2.1:8080", &pc, &call, msg, sizeof msg);
	is_int(r, HTTP_OK, "http through the proxy: OK (%s)", msg);
	ok(srv.nreqs == 1 && starts(srv.reqs[0], "GET http://192.0.2.1:8080/2013-04-01/hostedzone "
	    "HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n") &&
	    strstr(srv.reqs[0], "\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"),
	    "http: absolute form, the endpoint's Host, Proxy-Authorization");
	fake_reset(&srv);
	fake_reply(&srv, 407, "Proxy-Authenticate: Basic realm=\"x\"\r\n", "");
	r = one_call("http://192.0.2.1:8080", &pc, &call, msg, sizeof msg);
	snprintf(want, sizeof want, "proxy 127.0.0.1:%d refused the request to 192.0.2.1:8080: "
	    "HTTP 407 (authentication: the user and password of the proxy URL were refused)",
	    srv.port);
	ok(r == HTTP_ERR_PROXY_DENIED && !strcmp(msg, want), "http: 407 is the proxy's: %s", msg);
	ok(r53_retry_class(r, call.sent, 1, 0, NULL, NULL) == R53_RETRY_NO,
	    "... not retried");

	/* https endpoint: CONNECT; refusals before any byte reaches it. */
	fake_reset(&srv);
	fake_reply(&srv, 503, "", "busy");
	r = one_call("https://192.0.2.1", &pc, &call, msg, sizeof msg);
	ok(srv.nreqs == 1 && !strcmp(srv.reqs[0], "CONNECT 192.0.2.1:443 HTTP/1.1\r\n"
	    "Host: 192.0.2.1:443\r\nProxy-Authorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"), "https: CONNECT host:443, Host, credentials");
	snprintf(want, sizeof want, "proxy 127.0.0.1:%d could not pass CONNECT to 192.0.2.1: "
	    "HTTP 503",
	    srv.port);
	ok(r == HTTP_ERR_PROXY && !strcmp(msg, want) && !call.sent,
	    "https: 503 from the proxy, nothing sent to the endpoint: %s", msg);
	ok(r53_retry_class(r, call.sent, 1, 0, NULL, NULL) == R53_RETRY_TRANSIENT,
	    "... retried as transient, even for a change");
	fake_reset(&srv);
	fake_reply(&srv, 403, "", "");
	r = one_call("https://192.0.2.1:8443", &pc, &call, msg, sizeof msg);
	ok(r == HTTP_ERR_PROXY_DENIED && strstr(msg, "refused CONNECT to 192.0.2.1:8443: HTTP 403"),
	    "https: 403 from the proxy is a refusal: %s", msg);
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "junk");
	r = one_call("https://[2001:db8::1]", &pc, &call, msg, sizeof msg);
	ok(srv.nreqs == 1 && starts(srv.reqs[0], "CONNECT [2001:db8::1]:443 HTTP/1.1\r\n"
	    "Host: [2001:db8::1]:443\r\n"), "https: an IPv6 endpoint in brackets");
	ok(r == HTTP_ERR_PROXY && strstr(msg, "data before the TLS handshake"),
	    "https: bytes after the proxy's 200: %s", msg);
	fake_reset(&srv);
	fake_close_next(&srv);
	r = one_call("https://192.0.2.1", &pc, &call, msg, sizeof msg);
	ok(r == HTTP_ERR_PROXY && strstr(msg, "closed before the answer to CONNECT"),
	    "https: the proxy closes: %s", msg);
	ok(!strstr(msg, "open sesame") && !strstr(msg, "QWxh"), "no credentials in messages");

	/* No proxy settings (instance metadata): direct, whatever is set. */
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "ok");
	snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
	setenv("HTTP_PROXY", "http://192.0.2.7:3128", 1);
	r = one_call(url, NULL, &call, msg, sizeof msg);
	ok(r == HTTP_OK && srv.nreqs == 1 && starts(srv.reqs[0], "GET /2013-04-01/"),
	    "no proxy settings: direct, origin form, HTTP_PROXY ignored (%s)", msg);
	unsetenv("HTTP_PROXY");
	fake_reset(&srv);
	proxy_conf_free(&pc);
}

int
main(void)
{
	struct proxy_conf pc;
	struct err e = { 0 };
	char longuser[400];

	/* ---- URLs ---- */
	parses("http://proxy.example:3128", "proxy.example:3128", 3128, "");
	parses("http://proxy.example:3128/", "proxy.example:3128", 3128, "");
	parses("proxy.example:3128", "proxy.example:3128", 3128, "");
	parses("http://proxy.example", "proxy.example", 80, "");
	parses("http://10.0.0.1:8080", "10.0.0.1:8080", 8080, "");
	parses("http://[fd00::1]:8080", "[fd00::1]:8080", 8080, "");
	/* RFC 7617 section 2: base64 of user-id ":" password. */
	parses("http://Aladdin:open%20sesame@proxy:3128", "proxy:3128", 3128,
	    "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	parses("http://u%40corp:p%3Aw%2F@proxy:3128", "proxy:3128", 3128,
	    "Basic dUBjb3JwOnA6dy8=");       /* u@corp:p:w/ */
	parses("http://user@proxy:3128", "proxy:3128", 3128, "Basic dXNlcjo="); /* user: */
	parses("http://a:b@c@proxy:3128", "proxy:3128", 3128, "Basic YTpiQGM="); /* a:b@c */
	refuses("https://proxy:3128", "http://");
	refuses("socks5://proxy:1080", "http://");
	refuses("http://u:s3cret@proxy:3128/path", "path");
	refuses("http://u:s3cret@proxy:99999", "bad port");
	refuses("http://u:s3cret@", "host");
	refuses("http://u:s3cret%zz@proxy:3128", "user information");
	refuses("http://u:s3cret%4@proxy:3128", "user information");
	refuses("http://u:s3cret%0a@proxy:3128", "user information");
	refuses("http://u%3Ax:s3cret@proxy:3128", "user information");
	memset(longuser, 'a', sizeof longuser);
	memcpy(longuser, "http://", 7);
	memcpy(longuser + sizeof longuser - 20, ":s3cret@proxy:3128", 19);
	refuses(longuser, "at most 255 bytes");

	/* ---- NO_PROXY ---- */
	is_int(bypass(NULL, "https://route53.amazonaws.com"), 0, "no NO_PROXY: proxied");
	is_int(bypass("", "https://route53.amazonaws.com"), 0, "empty NO_PROXY: proxied");
	is_int(bypass("*", "https://route53.amazonaws.com"), 1, "*: every host");
	is_int(bypass("amazonaws.com", "https://route53.amazonaws.com"), 1, "suffix");
	is_int(bypass(".amazonaws.com", "https://route53.amazonaws.com"), 1, "leading dot");
	is_int(bypass("*.amazonaws.com", "https://route53.amazonaws.com"), 1, "leading *.");
	is_int(bypass("AmazonAWS.com.", "https://route53.amazonaws.com"), 1,
	    "case and a trailing dot ignored");
	is_int(bypass("route53.amazonaws.com", "https://route53.amazonaws.com"), 1, "the name");
	is_int(bypass(".route53.amazonaws.com", "https://route53.amazonaws.com"), 1,
	    "leading dot: the name itself too");
	is_int(bypass("zonaws.com", "https://route53.amazonaws.com"), 0,
	    "a suffix inside a label does not match");
	is_int(bypass("sts.amazonaws.com", "https://route53.amazonaws.com"), 0, "another name");
	is_int(bypass("example.com, amazonaws.com", "https://route53.amazonaws.com"), 1,
	    "a list with spaces");
	is_int(bypass("example.com,,amazonaws.com", "https://route53.amazonaws.com"), 1,
	    "an empty entry is skipped");
	is_int(bypass("a.example\tamazonaws.com", "https://route53.amazonaws.com"), 1,
	    "white space separates too");
	is_int(bypass("amazonaws.com:443", "https://route53.amazonaws.com"), 1, "name:port");
	is_int(bypass("amazonaws.com:8443", "https://route53.amazonaws.com"), 0,
	    "name:another port");
	is_int(bypass("*.com:x", "https://route53.amazonaws.com"), 0, "a bad port: no match");
	is_int(bypass("127.0.0.1", "http://127.0.0.1:8080"), 1, "an IPv4 address");
	is_int(bypass("127.0.0.2", "http://127.0.0.1:8080"), 0, "another IPv4 address");
	is_int(bypass("127.0.0.1:8080", "http://127.0.0.1:8080"), 1, "IPv4:port");
	is_int(bypass("127.0.0.1:8081", "http://127.0.0.1:8080"), 0, "IPv4:another port");
	is_int(bypass("127.0.0.0/8", "http://127.0.0.1:8080"), 1, "an IPv4 range");
	is_int(bypass("10.0.0.0/8", "http://127.0.0.1:8080"), 0, "another IPv4 range");
	is_int(bypass("::1", "http://[::1]:8080"), 1, "an IPv6 address");
	is_int(bypass("[::1]", "http://[::1]:8080"), 1, "an IPv6 address in brackets");
	is_int(bypass("[::1]:8080", "http://[::1]:8080"), 1, "[IPv6]:port");
	is_int(bypass("[::1]:80", "http://[::1]:8080"), 0, "[IPv6]:another port");
	is_int(bypass("fd00::/8", "http://[fd12::5]:8080"), 1, "an IPv6 range");
	is_int(bypass("fd00::/8", "http://[fe80::1]:8080"), 0, "outside an IPv6 range");
	is_int(bypass("::ffff:127.0.0.0/104", "http://127.0.0.1:8080"), 1,
	    "an IPv4-mapped range covers IPv4");
	is_int(bypass("127.0.0.1", "https://localhost"), 0,
	    "an address does not match a name (no DNS lookup)");
	is_int(bypass("localhost", "http://127.0.0.1"), 0, "a name does not match an address");
	is_int(bypass("0.0.1", "http://127.0.0.1"), 0, "no suffix match of addresses");

	/* ---- which setting wins ---- */
	clear_env();
	ok(proxy_conf_init(&pc, NULL, &e) == 0, "no setting: %s", e.msg);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "direct", "no setting: direct");
	setenv("HTTPS_PROXY", "http://upper:3128", 1);
	setenv("http_proxy", "http://plain:8080", 1);
	proxy_conf_init(&pc, NULL, &e);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "upper:3128", "HTTPS_PROXY");
	is_str(picked(&pc, "http://127.0.0.1:9999"), "plain:8080", "http_proxy for http");
	is_str(pc.https_from, "HTTPS_PROXY", "HTTPS_PROXY named as the source");
	setenv("https_proxy", "http://lower:3128", 1);
	proxy_conf_init(&pc, NULL, &e);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "lower:3128",
	    "https_proxy wins over HTTPS_PROXY (curl, Python's urllib)");
	setenv("https_proxy", "", 1);
	proxy_conf_init(&pc, NULL, &e);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "upper:3128",
	    "an empty https_proxy counts as unset");
	setenv("NO_PROXY", ".amazonaws.com", 1);
	proxy_conf_init(&pc, NULL, &e);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "direct", "NO_PROXY applies");
	is_str(picked(&pc, "https://sts.example"), "upper:3128", "NO_PROXY: others proxied");
	setenv("no_proxy", "example.org", 1);
	proxy_conf_init(&pc, NULL, &e);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "upper:3128",
	    "no_proxy wins over NO_PROXY");
	ok(proxy_conf_init(&pc, "http://u:p@cfg:3128", &e) == 0, "aws.proxy: %s", e.msg);
	is_str(picked(&pc, "https://route53.amazonaws.com"), "cfg:3128",
	    "aws.proxy wins over the environment, https");
	is_str(picked(&pc, "http://127.0.0.1:9999"), "cfg:3128", "aws.proxy: http too");
	is_str(picked(&pc, "https://example.org"), "direct", "aws.proxy: NO_PROXY applies");
	is_str(pc.http.auth, "Basic dTpw", "aws.proxy: its credentials for http too");
	proxy_conf_free(&pc);
	ok(!pc.https.auth[0] && !pc.http.auth[0], "proxy_conf_free wipes both copies");
	ok(proxy_conf_init(&pc, "", &e) == 0, "aws.proxy \"\"");
	is_str(picked(&pc, "https://route53.amazonaws.com"), "direct",
	    "aws.proxy \"\": direct whatever the environment says");
	setenv("HTTPS_PROXY", "http://u:s3cret@bad:port", 1);
	err_clear(&e);
	ok(proxy_conf_init(&pc, NULL, &e) < 0 && strstr(e.msg, "HTTPS_PROXY") &&
	   !strstr(e.msg, "s3cret"), "a bad HTTPS_PROXY: refused, named, no password: %s",
	   e.msg);
	clear_env();
	driver();
	return tap_done();
}
