/*
 * http: the HTTP/1.1 message codec (RFC 9110, RFC 9112) for the AWS APIs.
 * Pure: no sockets, no loop, no clock; src/net/http_client drives it over
 * a connection. Three parts, each usable alone:
 *
 *  - http_url_parse: an endpoint URL ("https://route53.amazonaws.com",
 *    "http://127.0.0.1:8080", "http://[fd00:ec2::254]") to scheme, host, port
 *    and the Host header value (port only when not the scheme's default).
 *
 *  - http_request_head: serialises a request head (request line, Host,
 *    User-Agent, the caller's headers, Content-Length).
 *
 *  - struct http_parser: an incremental response parser in the style of
 *    picohttpparser: feed it whatever arrived, it returns the bytes consumed
 *    once the response is complete, HTTP_PARSE_MORE when it needs more, or
 *    HTTP_PARSE_ERROR. Status line, headers into a fixed array (bounded count
 *    and size), Content-Length, chunked bodies with trailers, bodies ending
 *    at connection close, Connection: close / keep-alive, 1xx skipped.
 *
 * And http_date_parse for the Date header (clock-skew correction).
 * Error messages never contain header values (they may hold secrets).
 */
#ifndef NOTIFY53_HTTP_H
#define NOTIFY53_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "base/buf.h"
#include "base/err.h"

/* ---- URLs ------------------------------------------------------------------- */

struct http_url {
	int tls;                       /* https */
	char host[HTTP_MAX_HOST];      /* name or IP literal, no brackets */
	int port;
	int host_is_ip;                /* host is an IP literal */
	char hostport[HTTP_MAX_HOST + 8]; /* the Host header: what SigV4 signs */
};

/* Parse "http[s]://host[:port][/]" (no user info, path, query or fragment:
 * an endpoint, not a resource). IPv6 literals in brackets (over https the
 * certificate must then list the address as a SAN iPAddress). Returns 0, or
 * -1 with e set. */
int http_url_parse(struct http_url *u, const char *url, struct err *e);

/* ---- requests ------------------------------------------------------------------ */

struct http_header {
	const char *name;
	const char *value;
};

struct http_request {
	const char *method;   /* "GET", "POST", "PUT" */
	const char *target;   /* path and query as on the wire: "/2013-04-01/hostedzone?maxitems=1"
	                         (http_client makes the absolute form for a proxy) */
	/* Extra headers (pointers kept by the caller until completion). Host,
	 * User-Agent and Content-Length are written by http_request_head; the
	 * caller must not give them, nor Transfer-Encoding or Connection. */
	struct http_header headers[HTTP_MAX_REQ_HEADERS];
	size_t nheaders;
	const void *body;     /* kept by the caller until completion */
	size_t body_len;
};

/* Append a header to r; -1 (and nothing added) when HTTP_MAX_REQ_HEADERS
 * are already there. The strings are not copied. */
int http_request_add(struct http_request *r, const char *name, const char *value);

/* Write the request head for r with Host: hostport into buf: request line,
 * Host, User-Agent, the headers in order, Content-Length (when there is a
 * body or the method is POST or PUT), empty line. Refuses a method that is
 * not a token, a target not starting with '/' (or "http://", the absolute
 * form a proxy gets, RFC 9112 section 3.2.2) or holding bytes outside
 * 0x21-0x7e, header names that are not tokens, values with control
 * characters (no header injection), and the headers the writer owns.
 * Returns the length, or -1 with e set (also when it does not fit). */
long http_request_head(const struct http_request *r, const char *hostport, char *buf,
	size_t cap, struct err *e);

/* 1 for the methods RFC 9110 section 9.2.2 calls idempotent. */
int http_method_idempotent(const char *method);

/* ---- responses ---------------------------------------------------------------- */

#define HTTP_PARSE_ERROR (-1)
#define HTTP_PARSE_MORE (-2)

struct http_response {
	int status;             /* 200 */
	int minor;              /* HTTP/1.<minor> */
	const char *reason;     /* "OK", may be "" */
	struct http_header headers[HTTP_MAX_HEADERS]; /* into the parser's head[] */
	size_t nheaders;
	/* The body, data[0..len) (NUL-terminated for text parsers), at most
	 * the parser's body_max; owned by the parser unless taken with
	 * http_response_take_body. */
	struct buf body;
	int keep_alive;         /* the connection may carry another request */
};

/* Parser state; caller-owned (about HTTP_MAX_HEAD bytes plus the body). The
 * headers point into it: do not copy or move a parser in use. */
struct http_parser {
	struct http_response resp;
	struct err err;
	int too_large;          /* the error is the body limit (HTTP_ERR_TOO_LARGE) */
	/* internal */
	int state, no_body, chunked, cr, fold;
	size_t head_len, line_start, trailer_len, line_len;
	uint64_t left;          /* Content-Length or chunk bytes still to come */
	/* Last: http_parser_init clears all the fields before head. */
	char head[HTTP_MAX_HEAD];
	char line[HTTP_MAX_CHUNK_LINE];
};

/* Start parsing a new response. body_max bounds the body (bytes after
 * chunked decoding); head_request: the request was HEAD, so no body. The
 * previous body, if not taken, is freed. */
void http_parser_init(struct http_parser *p, size_t body_max, int head_request);

/* Feed len bytes. Returns the number of bytes consumed (<= len) when the
 * response is complete (bytes after it belong to no response),
 * HTTP_PARSE_MORE when all were consumed and more are needed, or
 * HTTP_PARSE_ERROR with p->err set. */
long http_parser_feed(struct http_parser *p, const void *data, size_t len);

/* The connection closed: completes a body delimited by the close (returns
 * 0), or fails a truncated response (returns -1 with p->err set). */
int http_parser_eof(struct http_parser *p);

/* 1 once the response is complete. */
int http_parser_done(const struct http_parser *p);

/* Release the body. */
void http_parser_free(struct http_parser *p);

/* Value of the first header called name (case-insensitive), or NULL. */
const char *http_response_header(const struct http_response *r, const char *name);

/* Take ownership of the body (free() it); the response keeps none. Never
 * NULL for a complete response: an empty body is "". */
char *http_response_take_body(struct http_response *r, size_t *len);

/* Parse an HTTP-date (RFC 9110 section 5.6.7), e.g. a response's Date
 * header for clock-skew correction: IMF-fixdate "Sun, 06 Nov 1994 08:49:37
 * GMT" and the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
 * asctime ("Sun Nov  6 08:49:37 1994") forms. Returns 0 with *t set, or -1. */
int http_date_parse(const char *s, time_t *t);

#endif
