/*
 * http_client: the HTTP/1.1 connection driver for the AWS APIs, over plain
 * TCP or TLS, on the poll loop. It speaks through the message codec of
 * src/net/http (request heads out, the incremental parser in).
 *
 * struct http_client owns one keep-alive connection to one endpoint and
 * runs queued calls on it one at a time, reconnecting (with TLS session
 * resumption) when the server closed it. Host names are resolved without
 * blocking (src/net/resolve). A call is retried transparently on a new
 * connection only when none of it was sent, or when it is idempotent and a
 * reused connection was closed before any response byte arrived (RFC 9112
 * section 9.3.1). Connect, idle and total timeouts are loop timers.
 *
 * Through an HTTP proxy (src/net/proxy picks it): for https a CONNECT
 * tunnel (RFC 9110 section 9.3.6), then TLS end to end with the endpoint,
 * its certificate checked as without a proxy; for http the absolute-form
 * request (RFC 9112 section 3.2.2). The Host header, which SigV4 signs, is
 * always the endpoint's. A kept-alive tunnel carries the next calls.
 *
 * Completion is a callback from the loop, never from inside http_client_send.
 * Error messages never contain header values (they may hold secrets).
 *
 * A signed Route 53 call (src/aws/r53), in short:
 *
 *   http_client_init(&cl, "https://route53.amazonaws.com", &opts, &e);
 *   ...
 *   struct sigv4_header sh[] = { { "Host", cl.url.hostport } };
 *   struct sigv4_request sr = { "GET", "/2013-04-01/hostedzone", query, sh, 1, "", 0 };
 *   sigv4_sign(&signer, &creds, time(NULL) + skew, &sr, &job->sig, &e);
 *   job->call.req.method = "GET";
 *   job->call.req.target = "/2013-04-01/hostedzone?" query;   (same query bytes)
 *   for (i = 0; i < job->sig.nheaders; i++)
 *           http_request_add(&job->call.req, job->sig.headers[i].name,
 *               job->sig.headers[i].value);
 *   job->call.done = on_done;     (job, sig and query live until on_done)
 *   http_client_send(&cl, &job->call);
 *
 *   on_done: call->error == HTTP_OK ? parse call->resp->body (xml_parse, in
 *   place, or take it with http_response_take_body) : retry per call->error,
 *   call->sent; HTTP_ERR_CLOCK means wait for NTP; the Date header
 *   (http_date_parse) gives the server's time for a skew correction.
 */
#ifndef NOTIFY53_HTTP_CLIENT_H
#define NOTIFY53_HTTP_CLIENT_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/net.h"
#include "net/http.h"
#include "net/proxy.h"
#include "net/resolve.h"
#include "net/tls.h"

enum http_error {
	HTTP_OK = 0,
	HTTP_ERR_CLOCK,     /* clock not set (before the build time): wait for NTP */
	HTTP_ERR_RESOLVE,   /* the host name has no address */
	HTTP_ERR_CONNECT,   /* TCP connect failed */
	HTTP_ERR_TLS,       /* handshake or certificate rejected; nothing was sent */
	HTTP_ERR_TIMEOUT,   /* connect or total timeout */
	HTTP_ERR_IO,        /* connection reset or closed before the response ended */
	HTTP_ERR_PROTOCOL,  /* malformed response */
	HTTP_ERR_TOO_LARGE, /* response body over the limit */
	HTTP_ERR_REQUEST,   /* the request itself is invalid (see http_request_head) */
	HTTP_ERR_PROXY,     /* the proxy failed (5xx, closed, garbage); nothing reached
	                       the endpoint: worth a retry */
	HTTP_ERR_PROXY_DENIED /* the proxy refused with a 4xx (407: credentials):
	                         its configuration, not worth a retry */
};

struct http_call;

struct http_call {
	/* Filled by the owner before http_client_send. */
	struct http_request req;
	void (*done)(struct http_call *call);

	/* Results, valid inside done(). */
	enum http_error error;  /* HTTP_OK: resp is the server's answer (any status) */
	struct err err;         /* the message when error != HTTP_OK */
	struct http_response *resp; /* the client's parser: valid until done() returns
	                               (take the body to keep it) */
	int sent;               /* some of the request reached the socket: the server
	                           may have acted on it even though the call failed */
	int attempts;           /* connections used (2 after a transparent retry) */

	/* Owned by the client. */
	struct http_call *next;
	int queued;
};

struct http_client_opts {
	int connect_timeout_ms; /* resolve + TCP + TLS handshake */
	int total_timeout_ms;   /* one call, from its start to its response */
	int idle_timeout_ms;    /* close a connection unused this long */
	size_t body_max;        /* largest response body */
	const struct tls_trust *trust; /* https anchors (kept by the caller) */
	const char *resolv_conf;  /* NULL: /etc/resolv.conf (for tests) */
	const char *hosts;        /* NULL: /etc/hosts (for tests) */
	time_t (*now)(void);      /* wall clock; NULL: time() (for tests) */
	/* NULL: always direct (instance metadata and container endpoints must
	 * never be proxied). Else the proxy settings (proxy_conf_init, kept by
	 * the caller as long as the client) the endpoint's proxy is picked
	 * from, NO_PROXY applied: for the AWS APIs (Route 53, STS). */
	const struct proxy_conf *proxy;
};

/* Defaults from config.h: HTTP_CONNECT_TIMEOUT_MS, HTTP_TOTAL_TIMEOUT_MS,
 * HTTP_IDLE_TIMEOUT_MS, HTTP_MAX_BODY; no trust anchors. */
void http_client_opts_default(struct http_client_opts *o);

enum http_conn_state {
	HTTP_CLOSED,
	HTTP_RESOLVING,
	HTTP_CONNECTING,
	HTTP_TUNNEL,       /* CONNECT sent to the proxy, waiting for its 2xx */
	HTTP_HANDSHAKE,
	HTTP_SENDING,
	HTTP_RECEIVING,
	HTTP_IDLE          /* connected, no call */
};

struct http_client {
	struct http_url url;
	struct http_client_opts opt;
	enum http_conn_state state;
	int fd;
	struct loop_io io;
	struct loop_timer kick, conn_timer, call_timer, idle_timer;
	struct resolve_query rq;
	struct net_addr addrs[RESOLVE_MAX_ADDRS];
	size_t naddrs, addr_next;
	struct tls_conn *tls;   /* heap, https only */
	struct http_call *head, *tail, *active;
	int reused;             /* the connection served a call before this one */
	int retried;            /* the active call was already retried */
	int got_response_bytes;
	size_t out_len, out_off, body_off;
	struct http_parser parser;
	const struct proxy *proxy; /* NULL: direct; else in opt.proxy's settings */
	size_t tun_len, tun_off;
	char *tun;              /* heap, https through a proxy: the CONNECT request
	                           (PROXY_MAX_CONNECT bytes), wiped once sent */
	char out[HTTP_MAX_REQUEST_HEAD];
	/* Counters for tests and logs. */
	unsigned long connects, requests, resumed;
};

/* Set up c for the endpoint url (nothing is connected yet); c holds its
 * own parser and loop handles, so it must not move afterwards. o may be NULL
 * for the defaults; https needs o->trust. Returns 0, or -1 with e set (then
 * http_client_free is still safe). */
int http_client_init(struct http_client *c, const char *url,
	const struct http_client_opts *o, struct err *e);

/* Queue call (caller-owned, untouched until its done() runs or it is
 * cancelled); calls run in order, one at a time, on the one connection.
 * done() runs from the loop: it may send new calls and free the call, but
 * must not free the client. */
void http_client_send(struct http_client *c, struct http_call *call);

/* Withdraw a queued or running call without calling done(); a running call
 * loses its connection. */
void http_client_cancel(struct http_client *c, struct http_call *call);

/* Close the connection (not the queue: the next call reconnects). */
void http_client_disconnect(struct http_client *c);

/* Close everything; queued calls are dropped without done(). */
void http_client_free(struct http_client *c);

#endif
