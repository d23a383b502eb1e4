#include "net/http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/date.h"
#include "base/fmt.h"
#include "base/num.h"
#include "base/str.h"

#ifndef NOTIFY53_VERSION
#define NOTIFY53_VERSION "0"
#endif

/* RFC 9110 section 5.6.2 tchar. */
static int
tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int
is_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* ---- URLs ------------------------------------------------------------------- */

static int
parse_port(const char *s, const char *end, int *port)
{
	uint64_t v;

	if (num_parse_n(s, (size_t)(end - s), 65535, &v) < 0 || v < 1)
		return -1;
	*port = (int)v;
	return 0;
}

/* A DNS host name: letters, digits, '-', '_' and dots between labels. */
static int
host_name_ok(const char *h)
{
	size_t label = 0;

	for (; *h; h++) {
		unsigned char c = (unsigned char)*h;

		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* http_url_parse without the error: NULL, or what is wrong with url. */
static const char *
url_parse(struct http_url *u, const char *url)
{
	const char *p, *end, *hs, *he, *ps = NULL;
	unsigned char ip[16];
	int bracket = 0, v6;
	size_t hl;

	memset(u, 0, sizeof *u);
	if (!strncmp(url, "https://", 8)) {
		u->tls = 1;
		u->port = 443;
		p = url + 8;
	} else if (!strncmp(url, "http://", 7)) {
		u->port = 80;
		p = url + 7;
	} else {
		return "must start with https:// or http://";
	}
	end = p + str_span(p, "/?#", 0);
	if (*end && (*end != '/' || end[1]))
		return "no path, query or fragment allowed";
	if (memchr(p, '@', (size_t)(end - p)))
		return "no user information allowed";
	if (*p == '[') {
		bracket = 1;
		hs = p + 1;
		if (!(he = memchr(p, ']', (size_t)(end - p))))
			return "unterminated [IPv6 address]";
		if (he + 1 < end) {
			if (he[1] != ':')
				return "junk after ]";
			ps = he + 2;
		}
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		hs = p;
		he = colon ? colon : end;
		ps = colon ? colon + 1 : NULL;
	}
	hl = (size_t)(he - hs);
	if (hl == 0 || hl >= sizeof u->host)
		return "host name empty or too long";
	memcpy(u->host, hs, hl);
	u->host[hl] = '\0';
	if (ps && parse_port(ps, end, &u->port) < 0)
		return "bad port";
	v6 = inet_pton(AF_INET6, u->host, ip) == 1;
	if (bracket != v6)
		return "an IPv6 address needs brackets, and only it";
	u->host_is_ip = v6 || inet_pton(AF_INET, u->host, ip) == 1;
	if (!u->host_is_ip && !host_name_ok(u->host))
		return "bad host name";
	/* The port, then cut off when it is the scheme's default. */
	fmt_snprintf(u->hostport, sizeof u->hostport, "%s%s%s:%d", v6 ? "[" : "", u->host,
	    v6 ? "]" : "", u->port);
	if (u->port == (u->tls ? 443 : 80))
		u->hostport[hl + 2 * v6] = '\0';
	return NULL;
}

int
http_url_parse(struct http_url *u, const char *url, struct err *e)
{
	const char *why = url_parse(u, url);

	return why ? err_set(e, "endpoint %.200s: %s", url, why) : 0;
}

/* ---- requests ------------------------------------------------------------------ */

int
http_request_add(struct http_request *r, const char *name, const char *value)
{
	if (r->nheaders == HTTP_MAX_REQ_HEADERS)
		return -1;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders++].value = value;
	return 0;
}

int
http_method_idempotent(const char *m)
{
	/* One list, each name ended by its NUL, instead of a strcmp call
	 * written out for each. */
	static const char idempotent[] = "GET\0HEAD\0PUT\0DELETE\0OPTIONS\0TRACE\0";

	for (const char *k = idempotent; *k; k += strlen(k) + 1)
		if (!strcmp(m, k))
			return 1;
	return 0;
}

struct out {
	char *buf;
	size_t cap, len;
	int full;
};

static void
out_str(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->full || o->len + n >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
out_header(struct out *o, const char *name, const char *value)
{
	out_str(o, name);
	out_str(o, ": ");
	out_str(o, value);
	out_str(o, "\r\n");
}

long
http_request_head(const struct http_request *r, const char *hostport, char *buf, size_t cap,
	struct err *e)
{
	static const char *const owned[] = { "Host", "Content-Length", "Transfer-Encoding",
		"Connection", "User-Agent" };
	struct out o = { buf, cap, 0, 0 };
	char num[24];

	if (!r->method || !is_token(r->method))
		return err_set(e, "http: bad request method");
	/* Origin form, or the absolute form for a proxy (RFC 9112 section 3.2). */
	if (!r->target || (r->target[0] != '/' && strncmp(r->target, "http://", 7)))
		return err_set(e, "http: request target must start with /");
	for (const char *t = r->target; *t; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return err_set(e, "http: request target has a byte 0x%02x that must be "
			    "percent-encoded", (unsigned char)*t);
	for (size_t i = 0; i < r->nheaders; i++) {
		const struct http_header *h = &r->headers[i];

		if (!is_token(h->name))
			return err_set(e, "http: bad header name");
		for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
			if (!str_casecmp(h->name, owned[k]))
				return err_set(e, "http: header %s is written by the client", owned[k]);
		/* RFC 9110 section 5.5: no CR, LF or NUL (header injection);
		 * other controls but HT are refused too. The value is not
		 * quoted: it may be a secret. */
		for (const char *v = h->value; *v; v++)
			if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
				return err_set(e, "http: control character in header %s", h->name);
	}
	/* The lines every request has, in one call. */
	o.len = (size_t)fmt_snprintf(buf, cap, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n",
	    r->method, r->target, hostport, "notify53/" NOTIFY53_VERSION);
	o.full = o.len >= cap;
	for (size_t i = 0; i < r->nheaders; i++)
		out_header(&o, r->headers[i].name, r->headers[i].value);
	if (r->body_len || !strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) {
		fmt_snprintf(num, sizeof num, "%zu", r->body_len);
		out_header(&o, "Content-Length", num);
	}
	out_str(&o, "\r\n");
	if (o.full)
		return err_set(e, "http: request head longer than %zu bytes", cap ? cap - 1 : 0);
	return (long)o.len;
}

/* ---- responses ---------------------------------------------------------------- */

enum {
	P_STATUS,
	P_HEADERS,
	P_BODY_LEN,
	P_UNTIL_CLOSE,
	P_CHUNK_SIZE,
	P_CHUNK_DATA,
	P_CHUNK_CRLF,
	P_TRAILERS,
	P_DONE,
	P_ERROR
};

/* The parser's error: "http: " and fmt (written once here, not in every
 * message). */
static long __attribute__((format(printf, 2, 3)))
pfail(struct http_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->err.set) {
		memcpy(p->err.msg, "http: ", 6);
		va_start(ap, fmt);
		fmt_vsnprintf(p->err.msg + 6, sizeof p->err.msg - 6, fmt, ap);
		va_end(ap);
		p->err.set = 1;
	}
	p->state = P_ERROR;
	return HTTP_PARSE_ERROR;
}

/* Out of line: link-time optimisation copied it into its three callers for
 * more code than a call (i386 32 bytes). */
static __attribute__((noinline)) long
too_large(struct http_parser *p)
{
	err_set(&p->err, "http: response body larger than %zu bytes", p->resp.body.max);
	p->too_large = 1;
	p->state = P_ERROR;
	return HTTP_PARSE_ERROR;
}

void
http_parser_free(struct http_parser *p)
{
	buf_free(&p->resp.body);
}

void
http_parser_init(struct http_parser *p, size_t body_max, int head_request)
{
	http_parser_free(p);
	/* All but the head and line buffers, which need no clearing. */
	memset(p, 0, offsetof(struct http_parser, head));
	p->state = P_STATUS;
	p->no_body = head_request;
	buf_init(&p->resp.body, body_max);
	p->resp.reason = "";
}

int
http_parser_done(const struct http_parser *p)
{
	return p->state == P_DONE;
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!str_casecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

char *
http_response_take_body(struct http_response *r, size_t *len)
{
	char *b;

	*len = r->body.len;
	if (!(b = buf_take(&r->body)))
		b = calloc(1, 1);
	return b;
}

/* Room for n more body bytes (and the final NUL). */
static long
body_reserve(struct http_parser *p, size_t n)
{
	if (buf_reserve(&p->resp.body, n) == 0)
		return 0;
	return p->resp.body.failed == BUF_TOO_LARGE ? too_large(p) :
	    pfail(p, "out of memory for the response body");
}

static long
body_put(struct http_parser *p, const unsigned char *d, size_t n)
{
	if (body_reserve(p, n) < 0)
		return HTTP_PARSE_ERROR;
	memcpy(p->resp.body.data + p->resp.body.len, d, n);
	p->resp.body.len += n;
	return 0;
}

static long
finish(struct http_parser *p)
{
	if (body_reserve(p, 0) < 0)
		return HTTP_PARSE_ERROR;
	p->state = P_DONE;
	return 0;
}

/* Does the comma-separated list in v hold token tok (case-insensitive)? */
static int
list_has(const char *v, const char *tok)
{
	size_t n = strlen(tok);

	while (*v) {
		const char *s, *end;

		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		s = v;
		while (*v && *v != ',')
			v++;
		end = v;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - s) == n && !strncasecmp(s, tok, n))
			return 1;
	}
	return 0;
}

/* The last transfer coding of a Transfer-Encoding value is chunked. */
static int
last_is_chunked(const char *v)
{
	return list_has(str_after_last(v, ','), "chunked");
}

/* Content-Length: every value of every such header must be the same
 * decimal number (RFC 9110 section 8.6). And *te: the last
 * Transfer-Encoding, or NULL. */
static int
content_length(struct http_parser *p, uint64_t *len, const char **te)
{
	int found = 0;

	*te = NULL;
	for (size_t i = 0; i < p->resp.nheaders; i++) {
		const char *v = p->resp.headers[i].value;

		if (!str_casecmp(p->resp.headers[i].name, "Transfer-Encoding"))
			*te = v;
		if (str_casecmp(p->resp.headers[i].name, "Content-Length"))
			continue;
		for (;;) {
			uint64_t n;
			size_t digits;

			while (*v == ' ' || *v == '\t')
				v++;
			for (digits = 0; v[digits] >= '0' && v[digits] <= '9'; digits++)
				;
			if (num_parse_n(v, digits, UINT64_MAX, &n) < 0)
				return -1;
			v += digits;
			while (*v == ' ' || *v == '\t')
				v++;
			if ((*v && *v != ',') || (found && n != *len))
				return -1;
			*len = n;
			found = 1;
			if (!*v)
				break;
			v++;
		}
	}
	return found;
}

/* The empty line after the headers: decide how the body is delimited
 * (RFC 9112 section 6.3). */
static long
head_done(struct http_parser *p)
{
	struct http_response *r = &p->resp;
	const char *conn = http_response_header(r, "Connection");
	const char *te;
	uint64_t cl = 0;
	int has_cl;

	if (r->status >= 100 && r->status < 200) {
		if (r->status == 101)
			return pfail(p, "unexpected 101 Switching Protocols");
		/* Interim response: skip it, the final one follows. */
		r->nheaders = 0;
		p->head_len = p->line_start = 0;
		p->state = P_STATUS;
		return 0;
	}
	r->keep_alive = r->minor >= 1;
	if (conn && list_has(conn, "close"))
		r->keep_alive = 0;
	else if (conn && list_has(conn, "keep-alive"))
		r->keep_alive = 1;
	if ((has_cl = content_length(p, &cl, &te)) < 0)
		return pfail(p, "bad or conflicting Content-Length");
	if (p->no_body || r->status == 204 || r->status == 304)
		return finish(p);
	if (te) {
		/* Both framings at once is a smuggling attempt, not a
		 * message to guess at. */
		if (has_cl)
			return pfail(p, "both Transfer-Encoding and Content-Length");
		if (!last_is_chunked(te))
			return pfail(p, "unsupported Transfer-Encoding");
		p->chunked = 1;
		p->state = P_CHUNK_SIZE;
		p->line_len = 0;
		return 0;
	}
	if (has_cl) {
		if (cl > p->resp.body.max)
			return too_large(p);
		if (body_reserve(p, (size_t)cl) < 0)
			return HTTP_PARSE_ERROR;
		if (cl == 0)
			return finish(p);
		p->left = cl;
		p->state = P_BODY_LEN;
		return 0;
	}
	r->keep_alive = 0;
	p->state = P_UNTIL_CLOSE;
	return 0;
}

static long
status_line(struct http_parser *p, char *l, size_t n)
{
	/* "HTTP/1.1 200 OK" or "HTTP/1.1 200" (RFC 9112 section 4): the
	 * form, '#' a digit, then a status of 100 to 599. */
	static const char form[] = "HTTP/1.# ### ";
	struct http_response *r = &p->resp;
	size_t i = 0;

	while (i < 13 && (i < n ? (form[i] == '#' ? l[i] >= '0' && l[i] <= '9' : l[i] == form[i]) :
	    i >= 12))
		i++;
	if (i < 13 || l[9] < '1' || l[9] > '5')
		return pfail(p, "bad status line");
	r->minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	l[n] = '\0';
	r->reason = n > 12 ? l + 13 : l + n;
	p->head_len++;
	p->line_start = p->head_len;
	p->state = P_HEADERS;
	return 0;
}

static long
header_line(struct http_parser *p, char *l, size_t n)
{
	struct http_response *r = &p->resp;
	char *colon = memchr(l, ':', n), *v, *end = l + n;

	if (!colon || colon == l)
		return pfail(p, "header line without a name");
	*colon = '\0';
	/* RFC 9112 section 5.1: no whitespace before the colon. */
	if (!is_token(l))
		return pfail(p, "bad header name");
	if (r->nheaders == HTTP_MAX_HEADERS)
		return pfail(p, "more than %d headers", HTTP_MAX_HEADERS);
	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	r->headers[r->nheaders].name = l;
	r->headers[r->nheaders++].value = v;
	/* Keep the NUL last, so a folded line can continue the value. */
	p->head_len = (size_t)(end - p->head) + 1;
	p->line_start = p->head_len;
	return 0;
}

/* A complete line of the head is in head[line_start..head_len). */
static long
end_line(struct http_parser *p)
{
	char *l = p->head + p->line_start;
	size_t n = p->head_len - p->line_start;

	if (p->fold) {
		/* obs-fold (RFC 9112 section 5.2): the value continues after
		 * one space; trim and terminate it again. */
		char *end = p->head + p->head_len;

		while (end > p->head && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		p->head_len = (size_t)(end - p->head) + 1;
		p->line_start = p->head_len;
		p->fold = 0;
		return 0;
	}
	if (p->state == P_STATUS) {
		if (n == 0)
			return 0; /* empty lines before the status line */
		return status_line(p, l, n);
	}
	if (n == 0)
		return head_done(p);
	return header_line(p, l, n);
}

/* A byte of the head after the line checks of line_byte. */
static long
head_byte(struct http_parser *p, unsigned char c)
{
	if (p->state == P_HEADERS && p->head_len == p->line_start && !p->fold &&
	    (c == ' ' || c == '\t')) {
		const char *v;

		if (p->resp.nheaders == 0)
			return pfail(p, "continuation line before any header");
		v = p->resp.headers[p->resp.nheaders - 1].value;
		/* The previous value's NUL becomes the joining space (none
		 * after an empty value); leading whitespace is skipped. */
		p->fold = 1;
		if (v == p->head + p->head_len - 1)
			p->head_len--;
		else
			p->head[p->head_len - 1] = ' ';
		return 0;
	}
	if (p->fold == 1 && (c == ' ' || c == '\t'))
		return 0;
	if (p->head_len + 2 > sizeof p->head)
		return pfail(p, "response head longer than %d bytes", HTTP_MAX_HEAD);
	p->head[p->head_len++] = (char)c;
	if (p->fold)
		p->fold = 2;
	return 0;
}

/* A byte of a line: of the head, or of a chunked body (the CRLF after a
 * chunk's data, size lines, trailer lines: bounded, never stored past
 * HTTP_MAX_CHUNK_LINE). Returns 1 when a line ended, 0 or -1. */
static long
line_byte(struct http_parser *p, unsigned char c)
{
	int head = p->state <= P_HEADERS;

	if (p->cr) {
		p->cr = 0;
		if (c != '\n')
			return pfail(p, "CR without LF in %s", head ? "the response head" :
			    "a chunked body");
		return 1;
	}
	if (c == '\r') {
		p->cr = 1;
		return 0;
	}
	if (c == '\n')
		return 1;
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return pfail(p, "control character in %s", head ? "the response head" :
		    "a chunked body line");
	if (head)
		return head_byte(p, c);
	if (p->state == P_CHUNK_CRLF)
		return pfail(p, "chunk data longer than its size");
	if (p->state == P_TRAILERS) {
		if (++p->trailer_len > HTTP_MAX_HEAD)
			return pfail(p, "trailers longer than %d bytes", HTTP_MAX_HEAD);
		p->line_len++;
		return 0;
	}
	if (p->line_len + 1 >= sizeof p->line)
		return pfail(p, "chunk size line too long");
	p->line[p->line_len++] = (char)c;
	return 0;
}

/* chunk-size [ chunk-ext ] (RFC 9112 section 7.1). */
static long
chunk_size(struct http_parser *p)
{
	uint64_t n = 0;
	size_t i = 0;

	for (; i < p->line_len; i++) {
		int v = num_hex((unsigned char)p->line[i]);

		if (v < 0)
			break;
		if (i == 15)
			return pfail(p, "chunk size too large");
		n = n * 16 + (uint64_t)v;
	}
	if (i == 0)
		return pfail(p, "bad chunk size");
	while (i < p->line_len && (p->line[i] == ' ' || p->line[i] == '\t'))
		i++;
	if (i < p->line_len && p->line[i] != ';')
		return pfail(p, "bad chunk size");
	p->line_len = 0;
	if (n == 0) {
		p->state = P_TRAILERS;
		return 0;
	}
	if (n > p->resp.body.max - p->resp.body.len)
		return too_large(p);
	p->left = n;
	p->state = P_CHUNK_DATA;
	return 0;
}

/* A line ended, in any state that reads lines. */
static long
line_end(struct http_parser *p)
{
	switch (p->state) {
	case P_CHUNK_CRLF:
		p->state = P_CHUNK_SIZE;
		return 0;
	case P_CHUNK_SIZE:
		return chunk_size(p);
	case P_TRAILERS:
		if (p->line_len == 0)
			return finish(p);
		p->line_len = 0;
		return 0;
	default:
		return end_line(p);
	}
}

long
http_parser_feed(struct http_parser *p, const void *data, size_t len)
{
	const unsigned char *d = data;
	size_t i = 0;
	long r;

	if (p->state == P_ERROR)
		return HTTP_PARSE_ERROR;
	while (i < len && p->state != P_DONE) {
		size_t n;

		switch (p->state) {
		case P_BODY_LEN:
		case P_CHUNK_DATA:
			n = len - i < p->left ? len - i : (size_t)p->left;
			if (body_put(p, d + i, n) < 0)
				return HTTP_PARSE_ERROR;
			i += n;
			p->left -= n;
			if (p->left == 0) {
				if (p->state == P_BODY_LEN) {
					if (finish(p) < 0)
						return HTTP_PARSE_ERROR;
				} else {
					p->state = P_CHUNK_CRLF;
				}
			}
			break;
		case P_UNTIL_CLOSE:
			if (body_put(p, d + i, len - i) < 0)
				return HTTP_PARSE_ERROR;
			i = len;
			break;
		default: /* the lines: status, headers, chunk sizes, CRLFs, trailers */
			if ((r = line_byte(p, d[i++])) < 0)
				return HTTP_PARSE_ERROR;
			if (r == 1 && line_end(p) < 0)
				return HTTP_PARSE_ERROR;
			break;
		}
	}
	return p->state == P_DONE ? (long)i : HTTP_PARSE_MORE;
}

int
http_parser_eof(struct http_parser *p)
{
	switch (p->state) {
	case P_DONE:
		return 0;
	case P_UNTIL_CLOSE:
		return finish(p) < 0 ? -1 : 0;
	case P_ERROR:
		return -1;
	case P_STATUS:
		if (p->head_len == 0 && !p->cr)
			return (int)pfail(p, "connection closed before any response");
		return (int)pfail(p, "connection closed inside the status line");
	case P_HEADERS:
		return (int)pfail(p, "connection closed inside the response headers");
	case P_BODY_LEN:
		return (int)pfail(p, "connection closed %llu bytes before the end of the body",
		    (unsigned long long)p->left);
	default:
		return (int)pfail(p, "connection closed inside a chunked body");
	}
}

/* ---- dates ----------------------------------------------------------------------- */

/* The date at s in the form p, into f (year, month, day, hour, minute,
 * second): in p, "b" is a month name (Jan...Dec), "d" a two-digit day, "_"
 * a day of one digit after a space or of two, "Y" a four-digit year, "y" a
 * two-digit one (1970-2069), "h", "i", "s" two-digit hour, minute and
 * second; any other character stands for itself. 0 when all of s matches. */
static int
date_scan(const char *s, const char *p, int f[6])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char fields[] = "Yy_dhis", slot[] = { 0, 0, 2, 2, 3, 4, 5 };

	for (; *p; p++) {
		const char *c = strchr(fields, *p);
		size_t n = *p == 'Y' ? 4 : 2;
		uint64_t v;
		int m;

		if (*p == 'b') {
			for (m = 0; m < 12 && strncmp(s, months + 3 * m, 3); m++)
				;
			if (m == 12)
				return -1;
			f[1] = m + 1;
			s += 3;
			continue;
		}
		if (!c) {
			if (*s++ != *p)
				return -1;
			continue;
		}
		if (*p == '_' && *s == ' ') {
			s++;
			n = 1;
		}
		if (num_parse_n(s, n, 9999, &v) < 0)
			return -1;
		s += n;
		f[(int)slot[c - fields]] = (int)v + (*p == 'y' ? (v < 70 ? 2000 : 1900) : 0);
	}
	return *s ? -1 : 0;
}

int
http_date_parse(const char *s, time_t *t)
{
	/* RFC 9110 section 5.6.7: IMF-fixdate, RFC 850 and asctime, after
	 * the day name. */
	static const char *const forms[] = {
		", d b Y h:i:s GMT", ", d-b-y h:i:s GMT", " b _ h:i:s Y"
	};
	int f[6];
	size_t i = 0;
	int64_t secs;

	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	while (i < 3 && date_scan(s, forms[i], f) < 0)
		i++;
	if (i == 3 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return -1;
	secs = date_secs(&(struct date){ f[0], f[1], f[2], f[3], f[4], f[5] });
	if ((int64_t)(time_t)secs != secs)
		return -1; /* beyond a 32-bit time_t */
	*t = (time_t)secs;
	return 0;
}
