/*
 * proxy: which HTTP proxy, if any, carries a request to an AWS endpoint.
 * Pure: no sockets; src/net/http_client connects through the proxy it
 * picks (CONNECT for https, an absolute-form request for http, RFC 9112
 * section 3.2).
 *
 * The settings, as the AWS CLI reads them, the config winning:
 *   aws.proxy in the config       every endpoint; "" = no proxy at all
 *   https_proxy, HTTPS_PROXY      https endpoints (the lower case first)
 *   http_proxy, HTTP_PROXY        http endpoints (tests)
 *   no_proxy, NO_PROXY            endpoints reached directly (proxy_bypass)
 * Instance metadata and container endpoints are never proxied: their
 * clients get no settings at all.
 *
 * A proxy URL is http://[user[:password]@]host[:port][/] (the scheme may be
 * left out, the port is 80 by default); user and password are
 * percent-decoded and sent as Proxy-Authorization: Basic (RFC 9110 section
 * 11.7.1, RFC 7617). They are a secret: no message shows them, and
 * proxy_free wipes them.
 */
#ifndef NOTIFY53_PROXY_H
#define NOTIFY53_PROXY_H

#include "config.h"
#include "base/err.h"
#include "net/http.h"

/* "Basic " and the base64 of user:password; a CONNECT request head. */
#define PROXY_MAX_AUTH (6 + 4 * ((PROXY_MAX_USERINFO + 2) / 3) + 1)
#define PROXY_MAX_CONNECT (2 * HTTP_MAX_HOST + PROXY_MAX_AUTH + 96)

struct proxy {
	struct http_url url;        /* the proxy itself: host, port, hostport */
	char auth[PROXY_MAX_AUTH];  /* Proxy-Authorization value, "" for none */
};

struct proxy_conf {
	struct proxy https, http;   /* url.host[0] == '\0': none */
	const char *no_proxy;       /* the environment's string, or NULL */
	const char *https_from, *http_from; /* where each came from, for logs */
};

/* Parse a proxy URL into p. Messages name it by "what" (the variable or
 * the config key) and never show the user information. Returns 0, or -1
 * with e set. */
int proxy_parse(struct proxy *p, const char *url, const char *what, struct err *e);

/* Does the NO_PROXY list no_proxy exempt endpoint u? Entries are separated
 * by commas or white space, compared without case:
 *   *                          every endpoint
 *   example.com, .example.com  that name and every name under it
 *                              (a leading "*." counts as ".")
 *   192.0.2.1, 2001:db8::1     that IP address given literally as the host
 *   10.0.0.0/8, fd00::/8       an IP address in that range (no DNS lookup)
 *   NAME:PORT, IPv4:PORT, [IPv6]:PORT   only that port
 * Other entries match nothing. */
int proxy_bypass(const char *no_proxy, const struct http_url *u);

/* Read the settings: config_proxy (aws.proxy, NULL when not set) and the
 * environment. Returns 0, or -1 with e set for a proxy URL that does not
 * parse. */
int proxy_conf_init(struct proxy_conf *pc, const char *config_proxy, struct err *e);

/* The proxy for endpoint u, or NULL for a direct connection. */
const struct proxy *proxy_pick(const struct proxy_conf *pc, const struct http_url *u);

/* Wipe the credentials. */
void proxy_free(struct proxy *p);
void proxy_conf_free(struct proxy_conf *pc);

#endif
