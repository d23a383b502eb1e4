#include "aws/sigv4.h"

#include <stdio.h>
#include <string.h>

#include "bearssl.h"
#include "base/date.h"
#include "base/fmt.h"
#include "base/num.h"
#include "base/str.h"

static const char hexdig[] = "0123456789abcdef";
static const char HEXDIG[] = "0123456789ABCDEF";

/* Where canonical text goes: always into the hash, and into buf when one is
 * given (tests), so both paths share one formatter. */
struct emit {
	br_sha256_context sha;
	char *buf;
	size_t cap, len;
	int overflow;
};

/* o empty, its text going to buf (cap octets, NUL-terminated) or, buf
 * NULL, only into the hash. */
static void
emit_init(struct emit *o, char *buf, size_t cap)
{
	br_sha256_init(&o->sha);
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->overflow = 0;
	if (buf)
		buf[0] = '\0';
}

static void
emit(struct emit *o, const void *p, size_t n)
{
	br_sha256_update(&o->sha, p, n);
	if (!o->buf)
		return;
	if (o->len + n >= o->cap) {
		o->overflow = 1;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* One character: the separators of the canonical text. */
static void
emit_c(struct emit *o, char c)
{
	emit(o, &c, 1);
}

static void
emit_str(struct emit *o, const char *s)
{
	emit(o, s, strlen(s));
}

static void
hex(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[p[i] >> 4];
		out[2 * i + 1] = hexdig[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == '~';
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

long
sigv4_uri_encode(char *dst, size_t cap, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (unreserved(c)) {
			if (o + 1 >= cap)
				return -1;
			dst[o++] = (char)c;
		} else {
			if (o + 3 >= cap)
				return -1;
			dst[o++] = '%';
			dst[o++] = HEXDIG[c >> 4];
			dst[o++] = HEXDIG[c & 15];
		}
	}
	if (o >= cap)
		return -1;
	dst[o] = '\0';
	return (long)o;
}

int
sigv4_query_add(char *q, size_t cap, const char *name, const char *value)
{
	size_t start = strlen(q), o = start;
	long n;

	if (o && o + 1 < cap)
		q[o++] = '&';
	if ((n = sigv4_uri_encode(q + o, cap - o, name, strlen(name))) < 0)
		goto full;
	o += (size_t)n;
	if (o + 1 >= cap)
		goto full;
	q[o++] = '=';
	if (sigv4_uri_encode(q + o, cap - o, value, strlen(value)) < 0)
		goto full;
	return 0;
full:
	q[start] = '\0';
	return -1;
}

/*
 * A query component in canonical form: percent-decoded, then encoded with
 * the unreserved set, produced one byte at a time so components can be
 * compared and emitted without a scratch buffer. A '%' not followed by two
 * hex digits is a literal '%'. Decoding first makes "%2A" and "*" sign the
 * same, and a query built by sigv4_query_add is its own canonical form.
 */
struct qit {
	const char *p, *end;
	char pend[3];
	int npend, ipend;
};

static void
qit_init(struct qit *it, const char *p, const char *end)
{
	it->p = p;
	it->end = end;
	it->npend = it->ipend = 0;
}

/* Next canonical byte, or -1 at the end. */
static int
qit_next(struct qit *it)
{
	unsigned char c;

	if (it->ipend < it->npend)
		return (unsigned char)it->pend[it->ipend++];
	if (it->p >= it->end)
		return -1;
	c = (unsigned char)*it->p++;
	if (c == '%' && it->end - it->p >= 2 && num_hex((unsigned char)it->p[0]) >= 0 &&
	    num_hex((unsigned char)it->p[1]) >= 0) {
		c = (unsigned char)(num_hex((unsigned char)it->p[0]) * 16 +
		    num_hex((unsigned char)it->p[1]));
		it->p += 2;
	}
	if (unreserved(c))
		return c;
	it->pend[0] = HEXDIG[c >> 4];
	it->pend[1] = HEXDIG[c & 15];
	it->npend = 2;
	it->ipend = 0;
	return '%';
}

struct qparam {
	const char *name, *name_end, *value, *value_end;
};

static int
qcmp_part(const char *a, const char *ae, const char *b, const char *be)
{
	struct qit x, y;
	int ca, cb;

	qit_init(&x, a, ae);
	qit_init(&y, b, be);
	do {
		ca = qit_next(&x);
		cb = qit_next(&y);
	} while (ca == cb && ca >= 0);
	return ca - cb;
}

/* Sorted by encoded name, then encoded value (section 6.1 step 4). */
static int
qcmp(const struct qparam *a, const struct qparam *b)
{
	int c = qcmp_part(a->name, a->name_end, b->name, b->name_end);

	return c ? c : qcmp_part(a->value, a->value_end, b->value, b->value_end);
}

static void
emit_qpart(struct emit *o, const char *p, const char *end)
{
	struct qit it;
	int c;

	qit_init(&it, p, end);
	while ((c = qit_next(&it)) >= 0)
		emit_c(o, (char)c);
}

static int
emit_query(struct emit *o, const char *q, struct err *e)
{
	struct qparam ps[SIGV4_MAX_QUERY];
	size_t n = 0;

	while (q && *q) {
		const char *amp = strchr(q, '&'), *end = amp ? amp : q + strlen(q);
		const char *eq = memchr(q, '=', (size_t)(end - q));
		size_t i;

		/* "a&&b" has an empty parameter; botocore keeps it as "=". */
		if (n == SIGV4_MAX_QUERY)
			return err_set(e, "sigv4: more than %d query parameters", SIGV4_MAX_QUERY);
		ps[n].name = q;
		ps[n].name_end = eq ? eq : end;
		ps[n].value = eq ? eq + 1 : end;
		ps[n].value_end = end;
		/* Insertion sort: a handful of parameters, stable. */
		i = n++;
		while (i > 0 && qcmp(&ps[i - 1], &ps[i]) > 0) {
			struct qparam t = ps[i - 1];

			ps[i - 1] = ps[i];
			ps[i] = t;
			i--;
		}
		q = amp ? amp + 1 : end;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			emit_c(o, '&');
		emit_qpart(o, ps[i].name, ps[i].name_end);
		emit_c(o, '=');
		emit_qpart(o, ps[i].value, ps[i].value_end);
	}
	return 0;
}

/*
 * Canonical URI: dot segments removed and empty segments dropped as
 * botocore's remove_dot_segments does (RFC 3986 section 5.2.4, plus AWS's
 * "//" collapsing), trailing '/' kept when anything is left, then each
 * segment URI-encoded. The path is the wire form, so an escape on the wire
 * is encoded again ("%2A" -> "%252A"): the non-S3 "encode twice" rule.
 */
static int
emit_path(struct emit *o, const char *path, struct err *e)
{
	const char *seg[SIGV4_MAX_SEGMENTS];
	size_t seglen[SIGV4_MAX_SEGMENTS], n = 0, plen = strlen(path);
	const char *p = path;

	if (plen == 0) {
		emit_c(o, '/');
		return 0;
	}
	while (p < path + plen) {
		const char *slash = memchr(p, '/', (size_t)(path + plen - p));
		const char *end = slash ? slash : path + plen;
		size_t len = (size_t)(end - p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n)
				n--;
		} else if (len && !(len == 1 && p[0] == '.')) {
			if (n == SIGV4_MAX_SEGMENTS)
				return err_set(e, "sigv4: more than %d path segments", SIGV4_MAX_SEGMENTS);
			seg[n] = p;
			seglen[n++] = len;
		}
		p = end + (slash != NULL);
	}
	if (path[0] == '/')
		emit_c(o, '/');
	for (size_t i = 0; i < n; i++) {
		char enc[3 * 16 + 1];

		if (i)
			emit_c(o, '/');
		/* Encode in slices so no segment length limit is needed. */
		for (size_t k = 0; k < seglen[i]; k += 16) {
			size_t m = seglen[i] - k < 16 ? seglen[i] - k : 16;
			long w = sigv4_uri_encode(enc, sizeof enc, seg[i] + k, m);

			emit(o, enc, (size_t)w);
		}
	}
	if (n && path[plen - 1] == '/')
		emit_c(o, '/');
	return 0;
}

static int
name_cmp(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return lower((unsigned char)*a) - lower((unsigned char)*b);
}

/* Header value in canonical form: trimmed, every run of whitespace
 * (including obsolete line folding) one space (section 6.1 step 5). */
static void
emit_value(struct emit *o, const char *v)
{
	int space = 0, any = 0;

	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			space = 1;
			continue;
		}
		if (space && any)
			emit_c(o, ' ');
		space = 0;
		any = 1;
		emit_c(o, *v);
	}
}

static void
emit_lower(struct emit *o, const char *s)
{
	for (; *s; s++)
		emit_c(o, (char)lower((unsigned char)*s));
}

/* The headers of a request plus the ones the signer adds, as one list. */
struct hlist {
	struct sigv4_header h[SIGV4_MAX_HEADERS];
	size_t idx[SIGV4_MAX_HEADERS]; /* sorted by name, stable */
	size_t n;
};

static int
hlist_build(struct hlist *l, const struct sigv4_request *r, const char *amz_date,
	const char *token, struct err *e)
{
	size_t extra = 1 + (token && *token);

	if (r->nheaders + extra > SIGV4_MAX_HEADERS)
		return err_set(e, "sigv4: more than %d headers to sign", SIGV4_MAX_HEADERS);
	l->n = 0;
	for (size_t i = 0; i < r->nheaders; i++) {
		const char *nm = r->headers[i].name;

		if (!name_cmp(nm, "x-amz-date") || !name_cmp(nm, "x-amz-security-token") ||
		    !name_cmp(nm, "authorization"))
			return err_set(e, "sigv4: header %s is made by the signer", nm);
		l->h[l->n++] = r->headers[i];
	}
	l->h[l->n].name = "x-amz-date";
	l->h[l->n++].value = amz_date;
	if (token && *token) {
		l->h[l->n].name = "x-amz-security-token";
		l->h[l->n++].value = token;
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t k = i;

		l->idx[i] = i;
		while (k > 0 && name_cmp(l->h[l->idx[k - 1]].name, l->h[l->idx[k]].name) > 0) {
			size_t t = l->idx[k - 1];

			l->idx[k - 1] = l->idx[k];
			l->idx[k] = t;
			k--;
		}
	}
	return 0;
}

/* "name:v1,v2\n" per distinct name (canonical) or "name;name" (signed). */
static void
emit_headers(struct emit *o, const struct hlist *l, int signed_list)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sigv4_header *h = &l->h[l->idx[i]];
		int first = i == 0 || name_cmp(l->h[l->idx[i - 1]].name, h->name);
		int last = i + 1 == l->n || name_cmp(l->h[l->idx[i + 1]].name, h->name);

		if (signed_list) {
			if (!first)
				continue;
			if (i)
				emit_c(o, ';');
			emit_lower(o, h->name);
			continue;
		}
		if (first) {
			emit_lower(o, h->name);
			emit_c(o, ':');
		} else {
			emit_c(o, ',');
		}
		emit_value(o, h->value);
		if (last)
			emit_c(o, '\n');
	}
}

/* The canonical request into o (hash, and text when o has a buffer), its
 * headers l (hlist_build). */
static int
canonical(struct emit *o, const struct sigv4_request *r, const struct hlist *l, struct err *e)
{
	br_sha256_context bh;
	unsigned char h[32];
	char hx[65];

	emit_str(o, r->method);
	emit_c(o, '\n');
	if (emit_path(o, r->path, e) < 0)
		return -1;
	emit_c(o, '\n');
	if (emit_query(o, r->query, e) < 0)
		return -1;
	emit_c(o, '\n');
	emit_headers(o, l, 0);
	emit_c(o, '\n');
	emit_headers(o, l, 1);
	emit_c(o, '\n');
	br_sha256_init(&bh);
	br_sha256_update(&bh, r->body, r->body_len);
	br_sha256_out(&bh, h);
	hex(hx, h, sizeof h);
	emit(o, hx, 64);
	return 0;
}

long
sigv4_canonical_request(const struct sigv4_request *r, const char *amz_date,
	const char *token, char *buf, size_t cap, struct err *e)
{
	struct emit o;
	struct hlist l;

	if (cap == 0)
		return err_set(e, "sigv4: no room for the canonical request");
	emit_init(&o, buf, cap);
	if (hlist_build(&l, r, amz_date, token, e) < 0 || canonical(&o, r, &l, e) < 0)
		return -1;
	if (o.overflow)
		return err_set(e, "sigv4: canonical request longer than %zu bytes", cap - 1);
	return (long)o.len;
}

/* v as exactly n decimal digits (v is in range). */
static void
put_digits(char *o, int v, int n)
{
	while (n-- > 0) {
		o[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int
sigv4_amz_date(time_t t, char out[SIGV4_DATE_LEN + 1])
{
	struct date d;

	date_of((int64_t)t, &d);
	if (d.year < 0 || d.year > 9999)
		return -1;
	{
		/* YYYYMMDDTHHMMSSZ: where each field goes. */
		static const unsigned char at[6] = { 0, 4, 6, 9, 11, 13 };
		const int v[6] = { (int)d.year, d.month, d.day, d.hour, d.min, d.sec };

		for (int k = 0; k < 6; k++)
			put_digits(out + at[k], v[k], k ? 2 : 4);
	}
	out[8] = 'T';
	out[15] = 'Z';
	out[16] = '\0';
	return 0;
}

int
sigv4_init(struct sigv4_signer *s, const char *region, const char *service, struct err *e)
{
	const char *v[2] = { region, service }, *what[2] = { "region", "service" };
	char *dst[2] = { s->region, s->service };

	memset(s, 0, sizeof *s);
	/* Both SIGV4_MAX_SCOPE_NAME octets. */
	for (int k = 0; k < 2; k++) {
		if (!*v[k] || strlen(v[k]) >= SIGV4_MAX_SCOPE_NAME)
			return err_set(e, "sigv4: %s must be 1 to %d characters", what[k],
			    SIGV4_MAX_SCOPE_NAME - 1);
		str_copy(dst[k], SIGV4_MAX_SCOPE_NAME, v[k]);
	}
	return 0;
}

static void
hmac(unsigned char out[32], const void *key, size_t klen, const void *msg, size_t mlen)
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
}

/* kSigning for (secret, date, region, service), derived once a day. */
static void
signing_key(struct sigv4_signer *s, const char *secret, const char *date)
{
	br_sha256_context sc;
	unsigned char id[32], k[32];
	char k0[4 + SIGV4_MAX_SECRET];
	size_t slen = strlen(secret);

	br_sha256_init(&sc);
	br_sha256_update(&sc, secret, slen);
	br_sha256_out(&sc, id);
	if (s->key_valid && !strcmp(s->key_date, date) && !memcmp(s->key_secret, id, 32))
		return;
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, slen);
	hmac(k, k0, 4 + slen, date, 8);
	hmac(k, k, 32, s->region, strlen(s->region));
	hmac(k, k, 32, s->service, strlen(s->service));
	hmac(s->key, k, 32, "aws4_request", 12);
	memcpy(s->key_date, date, 9);
	memcpy(s->key_secret, id, 32);
	s->key_valid = 1;
	/* Do not leave secret material in dead stack memory. */
	memset(k0, 0, sizeof k0);
	memset(k, 0, sizeof k);
}

int
sigv4_sign(struct sigv4_signer *s, const struct sigv4_creds *c, time_t now,
	const struct sigv4_request *r, struct sigv4_signature *sig, struct err *e)
{
	struct emit o, so;
	struct hlist l;
	unsigned char h[32];
	char hx[65], date[9], scope[8 + 1 + SIGV4_MAX_SCOPE_NAME * 2 + 16];
	char list[SIGV4_AUTH_MAX];
	int n;

	/* Every error ends at fail: (one exit). */
	memset(sig, 0, sizeof *sig);
	if (!c->access_key || !*c->access_key || !c->secret || !*c->secret) {
		err_set(e, "sigv4: no credentials");
		goto fail;
	}
	if (strlen(c->secret) > SIGV4_MAX_SECRET) {
		err_set(e, "sigv4: secret key longer than %d characters", SIGV4_MAX_SECRET);
		goto fail;
	}
	if (sigv4_amz_date(now, sig->amz_date) < 0) {
		err_set(e, "sigv4: time %lld out of range", (long long)now);
		goto fail;
	}
	memcpy(date, sig->amz_date, 8);
	date[8] = '\0';
	fmt_snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", date, s->region, s->service);

	emit_init(&o, NULL, 0);
	if (hlist_build(&l, r, sig->amz_date, c->token, e) < 0 || canonical(&o, r, &l, e) < 0)
		return -1;
	br_sha256_out(&o.sha, h);
	hex(hx, h, sizeof h);
	n = fmt_snprintf(sig->string_to_sign, sizeof sig->string_to_sign,
	    "AWS4-HMAC-SHA256\n%s\n%s\n%s", sig->amz_date, scope, hx);
	if (n < 0 || (size_t)n >= sizeof sig->string_to_sign) {
		err_set(e, "sigv4: string to sign too long");
		goto fail;
	}

	signing_key(s, c->secret, date);
	hmac(h, s->key, 32, sig->string_to_sign, (size_t)n);
	hex(hx, h, sizeof h);

	/* The signed header list is the canonical one (the same l), into the
	 * Authorization value. */
	emit_init(&so, list, sizeof list);
	emit_headers(&so, &l, 1);
	n = fmt_snprintf(sig->authorization, sizeof sig->authorization,
	    "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
	    c->access_key, scope, list, hx);
	if (so.overflow || n < 0 || (size_t)n >= sizeof sig->authorization) {
		err_set(e, "sigv4: Authorization header longer than %d bytes", SIGV4_AUTH_MAX - 1);
		goto fail;
	}
	sig->headers[0].name = "X-Amz-Date";
	sig->headers[0].value = sig->amz_date;
	sig->nheaders = 1;
	if (c->token && *c->token) {
		size_t tn = strlen(c->token);

		if (tn >= sizeof sig->token) {
			err_set(e, "sigv4: session token longer than %d bytes", SIGV4_MAX_TOKEN - 1);
			goto fail;
		}
		memcpy(sig->token, c->token, tn + 1);
		sig->headers[1].name = "X-Amz-Security-Token";
		sig->headers[1].value = sig->token;
		sig->nheaders = 2;
	}
	sig->headers[sig->nheaders].name = "Authorization";
	sig->headers[sig->nheaders++].value = sig->authorization;
	return 0;
fail:
	return -1;
}
