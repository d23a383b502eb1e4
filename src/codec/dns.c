#include "codec/dns.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- read cursor ----------------------------------------------------------- */

/* Out of line: link-time optimisation copied it into its seven callers for
 * more code than a call. */
__attribute__((noinline)) void
dns_cursor_init(struct dns_cursor *c, const uint8_t *msg, size_t len, struct err *e)
{
	c->msg = msg;
	c->len = len;
	c->pos = 0;
	c->fail = 0;
	c->nocomp = 0;
	c->err = e;
}

static int
vfail(int *fail, struct err *e, const char *fmt, va_list ap)
{
	if (*fail)
		return -1;
	*fail = 1;
	if (e)
		err_vset(e, fmt, ap);
	return -1;
}

int
dns_cursor_fail(struct dns_cursor *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(&c->fail, c->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* n more octets available, else fail. */
static int
need(struct dns_cursor *c, size_t n)
{
	if (c->fail)
		return 0;
	if (c->len - c->pos < n) {
		dns_cursor_fail(c, "message truncated at offset %zu (%zu octets needed, %zu left)",
		    c->pos, n, c->len - c->pos);
		return 0;
	}
	return 1;
}

unsigned
dns_get8(struct dns_cursor *c)
{
	if (!need(c, 1))
		return 0;
	return c->msg[c->pos++];
}

unsigned
dns_get16(struct dns_cursor *c)
{
	unsigned v;

	if (!need(c, 2))
		return 0;
	v = (unsigned)c->msg[c->pos] << 8 | c->msg[c->pos + 1];
	c->pos += 2;
	return v;
}

uint32_t
dns_get32(struct dns_cursor *c)
{
	const uint8_t *p;

	if (!need(c, 4))
		return 0;
	p = c->msg + c->pos;
	c->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const uint8_t *
dns_get_span(struct dns_cursor *c, size_t n)
{
	const uint8_t *p;

	if (!need(c, n))
		return NULL;
	p = c->msg + c->pos;
	c->pos += n;
	return p;
}

int
dns_get_bytes(struct dns_cursor *c, void *out, size_t n)
{
	const uint8_t *p = dns_get_span(c, n);

	if (!p)
		return -1;
	memcpy(out, p, n);
	return 0;
}

int
dns_get_name(struct dns_cursor *c, uint8_t *out)
{
	size_t start = c->pos, pos = c->pos, run = c->pos, n = 0;
	unsigned hops = 0;
	int jumped = 0;

	if (c->fail)
		return -1;
	for (;;) {
		unsigned b;

		if (pos >= c->len)
			return dns_cursor_fail(c, "name at offset %zu runs past the end of the message",
			    start);
		b = c->msg[pos];
		if ((b & 0xc0) == 0xc0) {
			size_t target;

			if (c->nocomp)
				return dns_cursor_fail(c, "compression pointer at offset %zu where "
				    "names must not be compressed", pos);
			if (pos + 1 >= c->len)
				return dns_cursor_fail(c, "compression pointer at offset %zu cut by the "
				    "end of the message", pos);
			target = (size_t)(b & 0x3f) << 8 | c->msg[pos + 1];
			/* Only backwards, and before the labels read since the
			 * last jump: every jump then lands strictly earlier, so
			 * no loop can exist (RFC 1035 section 4.1.4 "prior
			 * occurrence"). */
			if (target >= run)
				return dns_cursor_fail(c, "compression pointer at offset %zu to %zu "
				    "does not point backwards (loop)", pos, target);
			if (++hops > DNS_MAX_POINTER_HOPS)
				return dns_cursor_fail(c, "name at offset %zu follows more than %d "
				    "compression pointers", start, DNS_MAX_POINTER_HOPS);
			if (!jumped)
				c->pos = pos + 2;
			jumped = 1;
			pos = run = target;
			continue;
		}
		if (b & 0xc0)
			return dns_cursor_fail(c, "label type 0x%02x at offset %zu not supported "
			    "(RFC 6891 section 5)", b & 0xc0, pos);
		if (n + 1 + b > DNS_NAME_MAX)
			return dns_cursor_fail(c, "name at offset %zu longer than %d octets", start,
			    DNS_NAME_MAX);
		if (b == 0) {
			out[n++] = 0;
			if (!jumped)
				c->pos = pos + 1;
			return (int)n;
		}
		if (c->len - pos - 1 < b)
			return dns_cursor_fail(c, "label at offset %zu runs past the end of the "
			    "message", pos);
		memcpy(out + n, c->msg + pos, 1 + (size_t)b);
		n += 1 + (size_t)b;
		pos += 1 + (size_t)b;
	}
}

/* ---- writer ------------------------------------------------------------------ */

/* Out of line: link-time optimisation copied it into its seven callers for
 * more code than a call. */
__attribute__((noinline)) void
dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap, int compress, struct err *e)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->fail = 0;
	w->compress = compress;
	w->err = e;
	w->section = DNS_SEC_QUESTION;
	w->ncomp = 0;
}

int
dns_writer_fail(struct dns_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(&w->fail, w->err, fmt, ap);
	va_end(ap);
	return -1;
}

static uint8_t *
reserve(struct dns_writer *w, size_t n)
{
	uint8_t *p;

	if (w->fail)
		return NULL;
	if (w->cap - w->len < n) {
		dns_writer_fail(w, "DNS message does not fit in %zu octets", w->cap);
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void
dns_put8(struct dns_writer *w, unsigned v)
{
	uint8_t *p = reserve(w, 1);

	if (p)
		p[0] = (uint8_t)v;
}

static void
set16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
dns_put16(struct dns_writer *w, unsigned v)
{
	uint8_t *p = reserve(w, 2);

	if (p)
		set16(p, v);
}

void
dns_put32(struct dns_writer *w, uint32_t v)
{
	uint8_t *p = reserve(w, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

void
dns_put_bytes(struct dns_writer *w, const void *src, size_t n)
{
	uint8_t *p = reserve(w, n);

	if (p && n)
		memcpy(p, src, n);
}

/* Does the name written at buffer offset off (possibly compressed, by us)
 * equal the wire name suffix exactly, case included? Case is compared so
 * compression never changes how a name is spelled. */
static int
written_equals(const struct dns_writer *w, size_t off, const uint8_t *suffix)
{
	unsigned hops = 0;

	for (;;) {
		unsigned b = w->buf[off];

		if ((b & 0xc0) == 0xc0) {
			if (++hops > DNS_MAX_POINTER_HOPS)
				return 0;
			off = (size_t)(b & 0x3f) << 8 | w->buf[off + 1];
			continue;
		}
		if (b != *suffix)
			return 0;
		if (b == 0)
			return 1;
		if (memcmp(w->buf + off + 1, suffix + 1, b))
			return 0;
		off += 1 + b;
		suffix += 1 + b;
	}
}

void
dns_put_name(struct dns_writer *w, const uint8_t *name)
{
	size_t len = dns_name_len(name), i = 0, start = w->len;
	long match = -1;

	if (w->compress) {
		for (i = 0; name[i]; i += 1 + (size_t)name[i]) {
			for (unsigned k = 0; k < w->ncomp && match < 0; k++)
				if (written_equals(w, w->comp[k], name + i))
					match = w->comp[k];
			if (match >= 0)
				break;
		}
	}
	if (match < 0)
		i = len;
	dns_put_bytes(w, name, i);
	if (match >= 0)
		dns_put16(w, 0xc000 | (unsigned)match);
	if (w->fail || !w->compress)
		return;
	/* Remember the new labels' offsets (pointers reach 14 bits). */
	for (size_t j = 0; j < i && name[j]; j += 1 + (size_t)name[j])
		if (w->ncomp < DNS_COMPRESS_MAX && start + j < 0x4000)
			w->comp[w->ncomp++] = (uint16_t)(start + j);
}

long
dns_writer_done(const struct dns_writer *w)
{
	return w->fail ? -1 : (long)w->len;
}

/* ---- names inside rdata ------------------------------------------------------- */

#define NAME DNS_RD_NAME
#define STR DNS_RD_STR
#define C (DNS_RD_COMPRESS | DNS_RD_EXPAND) /* RFC 1035 types */
#define E DNS_RD_EXPAND                     /* RFC 3597 section 4's list */

/* The types with names in their rdata (dns_rdata_layout). */
static const struct dns_rdata_layout layouts[] = {
	{ DNS_TYPE_NS, C, { NAME } },
	{ DNS_TYPE_MD, C, { NAME } },
	{ DNS_TYPE_MF, C, { NAME } },
	{ DNS_TYPE_CNAME, C, { NAME } },
	{ DNS_TYPE_SOA, C, { NAME, NAME, 20 } },
	{ DNS_TYPE_MB, C, { NAME } },
	{ DNS_TYPE_MG, C, { NAME } },
	{ DNS_TYPE_MR, C, { NAME } },
	{ DNS_TYPE_PTR, C, { NAME } },
	{ DNS_TYPE_MINFO, C, { NAME, NAME } },
	{ DNS_TYPE_MX, C, { 2, NAME } },
	{ DNS_TYPE_RP, E, { NAME, NAME } },
	{ DNS_TYPE_AFSDB, E, { 2, NAME } },
	{ DNS_TYPE_RT, E, { 2, NAME } },
	{ DNS_TYPE_PX, E, { 2, NAME, NAME } },
	{ DNS_TYPE_SRV, E, { 6, NAME } },
	{ DNS_TYPE_NAPTR, E, { 4, STR, STR, STR, NAME } },
	/* Never compressed, but lower-cased in canonical form. */
	{ DNS_TYPE_KX, 0, { 2, NAME } },
	{ DNS_TYPE_DNAME, 0, { NAME } },
	{ DNS_TYPE_RRSIG, 0, { 18, NAME, DNS_RD_REST } },
	{ DNS_TYPE_SVCB, 0, { 2, NAME, DNS_RD_REST } },
	{ DNS_TYPE_HTTPS, 0, { 2, NAME, DNS_RD_REST } },
};
#undef C
#undef E

const void *
dns_type_entry(const void *table, size_t n, size_t size, unsigned type)
{
	const unsigned char *e = table;

	for (size_t i = 0; i < n; i++, e += size) {
		uint16_t t;

		memcpy(&t, e, sizeof t);
		if (t == type)
			return e;
	}
	return NULL;
}

const struct dns_rdata_layout *
dns_rdata_layout(unsigned type)
{
	return dns_type_entry(layouts, sizeof layouts / sizeof layouts[0], sizeof layouts[0], type);
}

/* Copy rdata at the cursor (rdlen octets) into rr->expand, decompressing
 * its names. */
static int
expand_rdata(struct dns_cursor *c, const struct dns_rdata_layout *l, size_t rdlen, struct dns_rr *rr)
{
	size_t end = c->pos + rdlen, n = 0;

	for (int i = 0; i < 6 && l->f[i]; i++) {
		size_t k;

		if (l->f[i] == NAME) {
			int len = dns_get_name(c, rr->expand + n);

			if (len < 0)
				return -1;
			if (c->pos > end)
				goto bad;
			n += (size_t)len;
			continue;
		}
		if (c->pos >= end)
			goto bad;
		k = l->f[i] == STR ? 1 + (size_t)c->msg[c->pos] : (size_t)l->f[i];
		if (end - c->pos < k)
			goto bad;
		memcpy(rr->expand + n, c->msg + c->pos, k);
		c->pos += k;
		n += k;
	}
	if (c->pos != end)
		goto bad;
	rr->rdata = rr->expand;
	rr->rdlen = n;
	return 0;
bad:
	return dns_cursor_fail(c, "rdata of the type %u record at offset %zu does not match "
	    "its RDLENGTH %zu", rr->type, rr->offset, rdlen);
}

/* ---- messages ---------------------------------------------------------------- */

int
dns_msg_init(struct dns_msg *m, const uint8_t *msg, size_t len, struct err *e)
{
	memset(m, 0, sizeof *m);
	dns_cursor_init(&m->cur, msg, len, e);
	if (len > DNS_MAX_MSG)
		return dns_cursor_fail(&m->cur, "DNS message of %zu octets (the limit is %d)", len,
		    DNS_MAX_MSG);
	if (len < DNS_HEADER_LEN)
		return dns_cursor_fail(&m->cur, "DNS message of %zu octets is shorter than a header",
		    len);
	m->hdr.id = (uint16_t)dns_get16(&m->cur);
	m->hdr.flags = (uint16_t)dns_get16(&m->cur);
	m->hdr.qdcount = (uint16_t)dns_get16(&m->cur);
	m->hdr.ancount = (uint16_t)dns_get16(&m->cur);
	m->hdr.nscount = (uint16_t)dns_get16(&m->cur);
	m->hdr.arcount = (uint16_t)dns_get16(&m->cur);
	m->section = DNS_SEC_QUESTION;
	m->left = m->hdr.qdcount;
	return 0;
}

int
dns_msg_question(struct dns_msg *m, struct dns_question *q)
{
	int n;

	if (m->cur.fail)
		return -1;
	if (m->section != DNS_SEC_QUESTION || m->left == 0)
		return 0;
	if ((n = dns_get_name(&m->cur, q->name)) < 0)
		return -1;
	q->name_len = (size_t)n;
	q->type = (uint16_t)dns_get16(&m->cur);
	q->class = (uint16_t)dns_get16(&m->cur);
	if (m->cur.fail)
		return -1;
	m->left--;
	return 1;
}

static int
read_opt(struct dns_msg *m, const struct dns_rr *rr)
{
	if (rr->section != DNS_SEC_ADDITIONAL || rr->owner_len != 1 || m->edns)
		return dns_cursor_fail(&m->cur, "misplaced OPT record at offset %zu "
		    "(RFC 6891 section 6.1.1)", rr->offset);
	m->edns = 1;
	m->edns_size = rr->class;
	m->ext_rcode = rr->ttl >> 24;
	m->edns_version = (rr->ttl >> 16) & 0xff;
	m->edns_flags = rr->ttl & 0xffff;
	return 0;
}

int
dns_msg_next(struct dns_msg *m, struct dns_rr *rr)
{
	struct dns_cursor *c = &m->cur;
	const struct dns_rdata_layout *l;
	size_t rdlen;
	int n;

	if (c->fail)
		return -1;
	while (m->section == DNS_SEC_QUESTION && m->left > 0) {
		struct dns_question q;

		if (dns_msg_question(m, &q) < 0)
			return -1;
	}
	while (m->left == 0) {
		if (m->section >= DNS_SEC_ADDITIONAL) {
			m->section = DNS_SEC_ADDITIONAL + 1;
			if (c->pos != c->len)
				return dns_cursor_fail(c, "%zu octets after the last record",
				    c->len - c->pos);
			return 0;
		}
		m->section++;
		m->left = m->section == DNS_SEC_ANSWER ? m->hdr.ancount :
		    m->section == DNS_SEC_AUTHORITY ? m->hdr.nscount : m->hdr.arcount;
	}
	rr->section = m->section;
	rr->offset = c->pos;
	if ((n = dns_get_name(c, rr->owner)) < 0)
		return -1;
	rr->owner_len = (size_t)n;
	rr->type = (uint16_t)dns_get16(c);
	rr->class = (uint16_t)dns_get16(c);
	rr->ttl = dns_get32(c);
	rdlen = dns_get16(c);
	if (!need(c, rdlen))
		return -1;
	l = dns_rdata_layout(rr->type);
	if (l && (l->flags & DNS_RD_EXPAND) && rr->class != DNS_CLASS_NONE &&
	    rr->class != DNS_CLASS_ANY) {
		if (expand_rdata(c, l, rdlen, rr) < 0)
			return -1;
	} else {
		/* Class NONE/ANY carry empty or opaque rdata (RFC 2136
		 * section 2.4); everything else is kept as it came. */
		rr->rdata = dns_get_span(c, rdlen);
		rr->rdlen = rdlen;
	}
	if (rr->type == DNS_TYPE_OPT && read_opt(m, rr) < 0)
		return -1;
	m->left--;
	return 1;
}

void
dns_put_header(struct dns_writer *w, const struct dns_header *h)
{
	dns_put16(w, h->id);
	dns_put16(w, h->flags);
	dns_put16(w, h->qdcount);
	dns_put16(w, h->ancount);
	dns_put16(w, h->nscount);
	dns_put16(w, h->arcount);
}

/* One more record in section sec of the header at the buffer's start. */
static void
count(struct dns_writer *w, int sec)
{
	uint8_t *p = w->buf + 4 + 2 * sec;
	unsigned v;

	if (w->fail)
		return;
	if (w->len < DNS_HEADER_LEN || sec < DNS_SEC_QUESTION || sec > DNS_SEC_ADDITIONAL) {
		dns_writer_fail(w, "DNS record written without a header or section");
		return;
	}
	if (sec < w->section) {
		dns_writer_fail(w, "DNS record of section %d written after section %d", sec,
		    w->section);
		return;
	}
	w->section = sec;
	v = (unsigned)p[0] << 8 | p[1];
	if (v == 0xffff) {
		dns_writer_fail(w, "more than 65535 records in a DNS message section");
		return;
	}
	set16(p, v + 1);
}

void
dns_put_question(struct dns_writer *w, const uint8_t *name, unsigned type, unsigned class)
{
	count(w, DNS_SEC_QUESTION);
	dns_put_name(w, name);
	dns_put16(w, type);
	dns_put16(w, class);
}

/* Write rdata whose names may be compressed (RFC 1035 types). */
static void
put_rdata_compressed(struct dns_writer *w, const struct dns_rdata_layout *l, const uint8_t *rdata,
    size_t rdlen)
{
	struct dns_cursor c;
	uint8_t name[DNS_NAME_MAX];

	dns_cursor_init(&c, rdata, rdlen, NULL);
	c.nocomp = 1;
	for (int i = 0; i < 6 && l->f[i]; i++) {
		if (l->f[i] == NAME) {
			if (dns_get_name(&c, name) < 0)
				break;
			dns_put_name(w, name);
		} else
			dns_put_bytes(w, dns_get_span(&c, (size_t)l->f[i]), (size_t)l->f[i]);
	}
	if (c.fail || c.pos != rdlen)
		dns_writer_fail(w, "malformed rdata of type %u", l->type);
}

void
dns_put_rr(struct dns_writer *w, int sec, const uint8_t *owner, unsigned type, unsigned class,
    uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	const struct dns_rdata_layout *l = dns_rdata_layout(type);
	size_t at;

	if (sec == DNS_SEC_QUESTION)
		sec = -1;
	count(w, sec);
	dns_put_name(w, owner);
	dns_put16(w, type);
	dns_put16(w, class);
	dns_put32(w, ttl);
	dns_put16(w, 0);
	at = w->len;
	if (w->compress && l && (l->flags & DNS_RD_COMPRESS) && rdlen)
		put_rdata_compressed(w, l, rdata, rdlen);
	else
		dns_put_bytes(w, rdata, rdlen);
	if (w->fail)
		return;
	if (w->len - at > DNS_RDATA_MAX) {
		dns_writer_fail(w, "rdata longer than %d octets", DNS_RDATA_MAX);
		return;
	}
	set16(w->buf + at - 2, (unsigned)(w->len - at));
}

void
dns_put_opt(struct dns_writer *w, unsigned udp_size, unsigned flags)
{
	static const uint8_t root[1] = { 0 };

	dns_put_rr(w, DNS_SEC_ADDITIONAL, root, DNS_TYPE_OPT, udp_size, flags & 0xffff, NULL, 0);
}

/* ---- names ------------------------------------------------------------------- */

size_t
dns_name_len(const uint8_t *name)
{
	size_t n = 0;

	while (name[n])
		n += 1 + (size_t)name[n];
	return n + 1;
}

unsigned
dns_name_labels(const uint8_t *name)
{
	unsigned k = 0;

	for (size_t n = 0; name[n]; n += 1 + (size_t)name[n])
		k++;
	return k;
}

static unsigned
lower(unsigned b)
{
	return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
}

void
dns_name_lower(uint8_t *name)
{
	for (size_t n = 0; name[n]; n += 1 + (size_t)name[n])
		for (size_t i = 1; i <= name[n]; i++)
			name[n + i] = (uint8_t)lower(name[n + i]);
}

/* Offsets of the labels of name; returns how many. */
static unsigned
label_offsets(const uint8_t *name, uint8_t off[DNS_NAME_MAX / 2])
{
	unsigned k = 0;

	for (size_t n = 0; name[n]; n += 1 + (size_t)name[n])
		off[k++] = (uint8_t)n;
	return k;
}

int
dns_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[DNS_NAME_MAX / 2], ob[DNS_NAME_MAX / 2];
	unsigned na = label_offsets(a, oa), nb = label_offsets(b, ob);

	while (na && nb) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		unsigned m = la[0] < lb[0] ? la[0] : lb[0];

		for (unsigned i = 1; i <= m; i++)
			if (lower(la[i]) != lower(lb[i]))
				return (int)lower(la[i]) - (int)lower(lb[i]);
		if (la[0] != lb[0])
			return (int)la[0] - (int)lb[0];
	}
	return (int)na - (int)nb;
}

/* Names equal in canonical order are equal ignoring case: one comparison
 * for both. */
int
dns_name_equal(const uint8_t *a, const uint8_t *b)
{
	return dns_name_cmp(a, b) == 0;
}

int
dns_name_is_sub(const uint8_t *name, const uint8_t *zone)
{
	unsigned nl = dns_name_labels(name), zl = dns_name_labels(zone);

	if (nl < zl)
		return 0;
	while (nl-- > zl)
		name += 1 + *name;
	return dns_name_equal(name, zone);
}

static int
name_err(struct err *e, const char *s, size_t n, const char *why)
{
	if (e)
		err_set(e, "bad domain name (%s): \"%.*s%s\"", why, (int)(n > 80 ? 80 : n), s,
		    n > 80 ? "..." : "");
	return -1;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
dns_number_escape(const char *s, unsigned base)
{
	unsigned v = 0;

	for (int i = 0; i < 3; i++) {
		if (!is_digit(s[i]) || (unsigned)(s[i] - '0') >= base)
			return -1;
		v = v * base + (unsigned)(s[i] - '0');
	}
	return v > 255 ? -1 : (int)v;
}

int
dns_name_parse(uint8_t *out, size_t cap, const char *s, size_t n, unsigned flags,
    const uint8_t *origin, struct err *e)
{
	size_t len = 0, lab = 0, i = 0, max = cap < DNS_NAME_MAX ? cap : DNS_NAME_MAX;
	int open = 0, absolute = 0;

	if (n == 0)
		return name_err(e, s, n, "empty");
	if (n == 1 && s[0] == '.') {
		if (max < 1)
			return name_err(e, s, n, "no room");
		out[0] = 0;
		return 1;
	}
	if (n == 1 && s[0] == '@') {
		if (!origin)
			return name_err(e, s, n, "@ without an origin");
		if (dns_name_len(origin) > max)
			return name_err(e, s, n, "longer than 255 octets");
		memcpy(out, origin, dns_name_len(origin));
		return (int)dns_name_len(origin);
	}
	while (i < n) {
		unsigned b = (unsigned char)s[i++];

		if (b == '.') {
			if (!open)
				return name_err(e, s, n, "empty label");
			open = 0;
			absolute = i == n;
			continue;
		}
		if (b == '\\') {
			if (i == n)
				return name_err(e, s, n, "ends with a backslash");
			if (is_digit(s[i])) {
				int v = n - i >= 3 ? dns_number_escape(s + i,
				    flags & DNS_NAME_OCTAL ? 8 : 10) : -1;

				if (v < 0)
					return name_err(e, s, n, flags & DNS_NAME_OCTAL ?
					    "bad \\ooo escape (3 octal digits, at most 377)" :
					    "bad \\DDD escape (3 decimal digits, at most 255)");
				b = (unsigned)v;
				i += 3;
			} else
				b = (unsigned char)s[i++];
		}
		/* Room for this octet (and a new label's length octet) and
		 * the root label. */
		if (len + 2 + !open > max)
			return name_err(e, s, n, "longer than 255 octets");
		if (!open) {
			lab = len;
			out[len++] = 0;
			open = 1;
		}
		if (out[lab] == DNS_LABEL_MAX)
			return name_err(e, s, n, "label longer than 63 octets");
		out[len++] = (uint8_t)b;
		out[lab]++;
	}
	if (!absolute && !(flags & DNS_NAME_DOT_OPT)) {
		size_t ol;

		if (!origin)
			return name_err(e, s, n, "relative name (no trailing dot) and no origin");
		ol = dns_name_len(origin);
		if (len + ol > max)
			return name_err(e, s, n, "longer than 255 octets with the origin");
		memcpy(out + len, origin, ol);
		return (int)(len + ol);
	}
	out[len++] = 0;
	return (int)len;
}

int
dns_name_from_text(uint8_t *out, size_t cap, const char *text, const uint8_t *origin,
    struct err *e)
{
	return dns_name_parse(out, cap, text, strlen(text), 0, origin, e);
}

int
dns_name_from_r53(uint8_t *out, size_t cap, const char *text, struct err *e)
{
	return dns_name_parse(out, cap, text, strlen(text), DNS_NAME_OCTAL | DNS_NAME_DOT_OPT,
	    NULL, e);
}

/* Characters escaped as \X in presentation form (RFC 1035 section 5.1). */
static int
is_special(unsigned b)
{
	switch (b) {
	case '.': case ';': case '\\': case '(': case ')': case '"': case '@': case '$':
		return 1;
	default:
		return 0;
	}
}

/* The text of octet b of a name label into buf (4 characters at most);
 * returns how many. */
static size_t
format_octet(char *buf, unsigned b, unsigned flags)
{
	size_t n = 0;
	int plain;

	if (flags & DNS_NAME_LOWER)
		b = lower(b);
	if (flags & DNS_NAME_OCTAL)
		plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || is_digit((int)b) ||
		    b == '-' || b == '_';
	else
		plain = b > 0x20 && b < 0x7f;
	if (plain && (flags & DNS_NAME_OCTAL || !is_special(b))) {
		buf[n++] = (char)b;
		return n;
	}
	buf[n++] = '\\';
	if (plain) {
		buf[n++] = (char)b;
		return n;
	}
	if (flags & DNS_NAME_OCTAL) {
		buf[n++] = (char)('0' + (b >> 6));
		buf[n++] = (char)('0' + ((b >> 3) & 7));
		buf[n++] = (char)('0' + (b & 7));
	} else {
		buf[n++] = (char)('0' + b / 100);
		buf[n++] = (char)('0' + b / 10 % 10);
		buf[n++] = (char)('0' + b % 10);
	}
	return n;
}

int
dns_name_format(const uint8_t *name, char *buf, size_t cap, unsigned flags)
{
	size_t n = 0;

	if (cap == 0)
		return -1;
	if (name[0] == 0) {
		if (cap < 2)
			goto small;
		memcpy(buf, ".", 2);
		return 1;
	}
	for (; *name; name += 1 + *name) {
		for (unsigned i = 1; i <= *name; i++) {
			char t[4];
			size_t k;

			/* Room for the longest escape, the dot and the NUL:
			 * write in place (the common case). */
			if (cap - n >= 6) {
				n += format_octet(buf + n, name[i], flags);
				continue;
			}
			k = format_octet(t, name[i], flags);
			if (cap - n < k + 2)
				goto small;
			memcpy(buf + n, t, k);
			n += k;
		}
		buf[n++] = '.';
	}
	buf[n] = '\0';
	return (int)n;
small:
	buf[0] = '\0';
	return -1;
}

int
dns_name_to_text(const uint8_t *name, char *buf, size_t cap)
{
	return dns_name_format(name, buf, cap, 0);
}

int
dns_name_to_r53(const uint8_t *name, char *buf, size_t cap)
{
	return dns_name_format(name, buf, cap, DNS_NAME_OCTAL | DNS_NAME_LOWER);
}

/* ---- serial numbers ------------------------------------------------------------ */

int
dns_serial_cmp(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;

	if (d == 0)
		return 0;
	if (d == UINT32_C(0x80000000))
		return 2;
	return d < UINT32_C(0x80000000) ? -1 : 1;
}

int
dns_serial_lt(uint32_t a, uint32_t b)
{
	return dns_serial_cmp(a, b) == -1;
}
