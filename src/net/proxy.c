#include "net/proxy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base64.h"
#include "base/fmt.h"
#include "base/net.h"
#include "base/num.h"
#include "base/secret.h"
#include "base/str.h"

/* Percent-decode s[0..n) (RFC 3986 section 2.1) onto out[*len..cap);
 * refuses a bad escape, a control character (RFC 7617 section 2) and a
 * colon in the user (colon != 0). */
static int
decode(char *out, size_t *len, size_t cap, const char *s, size_t n, int colon)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = num_hex(s[i + 1])) < 0 || (lo = num_hex(s[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || (colon && c == ':') || *len >= cap)
			return -1;
		out[(*len)++] = (char)c;
	}
	return 0;
}

int
proxy_parse(struct proxy *p, const char *url, const char *what, struct err *e)
{
	char buf[HTTP_MAX_HOST + 32], cred[PROXY_MAX_USERINFO + 1];
	const char *s = url, *end, *at = NULL, *colon;
	size_t len = 0;
	struct err ue = { 0 };
	int rc = 0;

	memset(p, 0, sizeof *p);
	if (!strncmp(s, "http://", 7))
		s += 7;
	else if (str_find(s, "://"))
		return err_set(e, "%s: a proxy URL must start with http:// (TLS to the proxy is "
		    "not supported; the tunnel to AWS is TLS)", what);
	end = s + str_span(s, "/?#", 0);
	for (const char *q = s; q < end; q++)
		if (*q == '@')
			at = q;
	if (at) {
		colon = memchr(s, ':', (size_t)(at - s));
		rc = decode(cred, &len, sizeof cred, s, (size_t)((colon ? colon : at) - s), 1);
		if (rc == 0 && len < sizeof cred)
			cred[len++] = ':';
		if (rc == 0 && colon)
			rc = decode(cred, &len, sizeof cred, colon + 1, (size_t)(at - colon - 1), 0);
		if (rc < 0 || len >= sizeof cred) {
			rc = err_set(e, "%s: the user information of the proxy URL is not valid "
			    "(percent-encode reserved characters; at most %d bytes)", what,
			    PROXY_MAX_USERINFO);
		} else {
			memcpy(p->auth, "Basic ", 6);
			base64_encode(p->auth + 6, (const uint8_t *)cred, len);
			p->auth[6 + 4 * ((len + 2) / 3)] = '\0';
		}
		secret_wipe(cred, sizeof cred);
		if (rc < 0)
			return rc;
		s = at + 1;
	}
	if (strlen(s) >= sizeof buf - 8)
		return err_set(e, "%s: proxy host name too long", what);
	fmt_snprintf(buf, sizeof buf, "http://%s", s);
	if (http_url_parse(&p->url, buf, &ue) < 0) {
		proxy_free(p);
		return err_set(e, "%s: proxy %s", what, ue.msg);
	}
	return 0;
}

/* One NO_PROXY entry ent (NUL-terminated, writable) against u. */
static int
entry_match(char *ent, const struct http_url *u)
{
	struct net_addr net, a;
	char *h = ent, *colon;
	size_t el, hl;
	uint64_t port = 0;
	int prefix;

	if (!strcmp(ent, "*"))
		return 1;
	if (ent[0] == '[') {
		if (!(colon = strchr(ent, ']')) || (colon[1] && colon[1] != ':'))
			return 0;
		*colon++ = '\0';
		h = ent + 1;
		if (*colon && num_parse(colon + 1, 65535, &port) < 0)
			return 0;
	} else if ((colon = strchr(ent, ':')) && !strchr(colon + 1, ':')) {
		*colon = '\0';
		if (num_parse(colon + 1, 65535, &port) < 0)
			return 0;
	}
	if (port && (int)port != u->port)
		return 0;
	if (net_cidr_parse(&net, &prefix, h) == 0)
		return u->host_is_ip && net_addr_parse(&a, u->host, u->port) == 0 &&
		    net_cidr_match(&net, prefix, &a);
	if (u->host_is_ip)
		return 0;
	if (h[0] == '*' && h[1] == '.')
		h++;
	if (h[0] == '.')
		h++;
	el = strlen(h);
	if (el && h[el - 1] == '.')
		el--;
	hl = strlen(u->host);
	if (hl && u->host[hl - 1] == '.')
		hl--;
	if (!el || el > hl || strncasecmp(u->host + hl - el, h, el))
		return 0;
	return el == hl || u->host[hl - el - 1] == '.';
}

int
proxy_bypass(const char *no_proxy, const struct http_url *u)
{
	static const char sep[] = ", \t\r\n";
	char ent[HTTP_MAX_HOST + 16];

	for (const char *s = no_proxy; s && *s;) {
		size_t n;

		s += str_span(s, sep, 1);
		n = str_span(s, sep, 0);
		if (n && n < sizeof ent) {
			memcpy(ent, s, n);
			ent[n] = '\0';
			if (entry_match(ent, u))
				return 1;
		}
		s += n;
	}
	return 0;
}

/* The first non-empty of two variables (the lower-case name first, as
 * curl and Python's urllib read them). */
static const char *
env2(const char *lower, const char *upper, const char **from)
{
	const char *v = getenv(lower);

	*from = lower;
	if (!v || !*v) {
		v = getenv(upper);
		*from = upper;
	}
	return v && *v ? v : NULL;
}

int
proxy_conf_init(struct proxy_conf *pc, const char *config_proxy, struct err *e)
{
	const char *v, *from;

	memset(pc, 0, sizeof *pc);
	if (config_proxy) {
		if (!*config_proxy)
			return 0;
		pc->https_from = pc->http_from = "aws.proxy";
		if (proxy_parse(&pc->https, config_proxy, "aws.proxy", e) < 0)
			return -1;
		pc->http = pc->https;
	} else {
		if ((v = env2("https_proxy", "HTTPS_PROXY", &pc->https_from)) &&
		    proxy_parse(&pc->https, v, pc->https_from, e) < 0)
			return -1;
		if ((v = env2("http_proxy", "HTTP_PROXY", &pc->http_from)) &&
		    proxy_parse(&pc->http, v, pc->http_from, e) < 0) {
			proxy_conf_free(pc);
			return -1;
		}
	}
	pc->no_proxy = env2("no_proxy", "NO_PROXY", &from);
	return 0;
}

const struct proxy *
proxy_pick(const struct proxy_conf *pc, const struct http_url *u)
{
	const struct proxy *p = u->tls ? &pc->https : &pc->http;

	if (!p->url.host[0] || proxy_bypass(pc->no_proxy, u))
		return NULL;
	return p;
}

void
proxy_free(struct proxy *p)
{
	secret_wipe(p->auth, sizeof p->auth);
}

void
proxy_conf_free(struct proxy_conf *pc)
{
	proxy_free(&pc->https);
	proxy_free(&pc->http);
}
