/* Unit tests of src/net/proxy: proxy URLs (user information decoded into
 * Proxy-Authorization, never shown in a message), the NO_PROXY rules, and
 * which setting wins (aws.proxy, the lower- and upper-case variables). */
#include <stdlib.h>
#include <string.h>

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
	return tap_done();
}
