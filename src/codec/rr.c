#include "codec/rr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base64.h"
#include "base/fmt.h"
#include "base/net.h"
#include "base/num.h"
#include "base/sort.h"

/* ---- type names ---------------------------------------------------------------- */

/* The known types, in one list for the codes and the mnemonics: the names
 * are one string of NUL-terminated words (no table of pointers). */
#define TYPES(X) \
	X(A) X(NS) X(MD) X(MF) X(CNAME) X(SOA) X(MB) X(MG) X(MR) X(PTR) X(HINFO) X(MINFO) X(MX) \
	X(TXT) X(RP) X(AFSDB) X(RT) X(SIG) X(PX) X(AAAA) X(LOC) X(NXT) X(SRV) X(NAPTR) X(KX) X(A6) \
	X(DNAME) X(OPT) X(DS) X(SSHFP) X(RRSIG) X(NSEC) X(DNSKEY) X(NSEC3) X(NSEC3PARAM) X(TLSA) \
	X(CDS) X(CDNSKEY) X(ZONEMD) X(SVCB) X(HTTPS) X(SPF) X(TSIG) X(IXFR) X(AXFR) X(ANY) X(CAA)
#define TYPE_CODE(t) DNS_TYPE_##t,
#define TYPE_NAME(t) #t "\0"

static const uint16_t type_codes[] = { TYPES(TYPE_CODE) };
static const char type_names[] = TYPES(TYPE_NAME);
#define NTYPES (sizeof type_codes / sizeof type_codes[0])

const char *
rr_type_name(unsigned type, char *buf)
{
	const char *s = type_names;

	for (size_t i = 0; i < NTYPES; i++, s += strlen(s) + 1)
		if (type_codes[i] == type)
			return s;
	fmt_snprintf(buf, RR_TYPE_NAME_MAX, "TYPE%u", type);
	return buf;
}

/* Decimal s[0..n) up to max (num_parse_n), or -1. */
static long long
decimal(const char *s, size_t n, uint32_t max)
{
	uint64_t v;

	return num_parse_n(s, n, max, &v) < 0 ? -1 : (long long)v;
}

int
rr_type_parse(const char *s, size_t n)
{
	const char *t = type_names;

	for (size_t i = 0; i < NTYPES; i++, t += strlen(t) + 1)
		if (strlen(t) == n && !strncasecmp(s, t, n))
			return type_codes[i];
	if (n > 4 && !strncasecmp(s, "TYPE", 4))
		return (int)decimal(s + 4, n - 4, 65535);
	return -1;
}

/* ---- text output (snprintf-like: counts what does not fit) ------------------- */

struct out {
	char *buf;
	size_t cap, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	size_t room = o->cap > o->len + 1 ? o->cap - o->len - 1 : 0;

	if (room)
		memcpy(o->buf + o->len, s, n < room ? n : room);
	o->len += n;
}

static void
putstr(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* v in decimal (base 10) or lower-case hex (base 16), without printf:
 * printing a whole zone calls this for every number. */
static void
put_uint(struct out *o, uint32_t v, unsigned base)
{
	char t[10];
	size_t n = sizeof t;

	do {
		t[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	put(o, t + n, sizeof t - n);
}

static long
out_end(struct out *o)
{
	if (o->cap)
		o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
	return (long)o->len;
}

static void
put_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char h[2] = { digits[p[i] >> 4], digits[p[i] & 15] };

		put(o, h, 2);
	}
}

/* Octets of a character string, escaped for a double-quoted string: \" \\ and
 * octal \ooo outside 0x20..0x7e (Route 53 Developer Guide, "Supported DNS
 * record types", TXT record type). With list, commas and backslashes also get
 * the RFC 9460 Appendix A.1 value-list escape (a backslash, itself escaped).
 */
static void
put_escaped(struct out *o, const uint8_t *p, size_t n, int list)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b = p[i];
		char t[5];

		if (list && (b == ',' || b == '\\'))
			put(o, "\\\\", 2);
		if (b == '"' || b == '\\') {
			t[0] = '\\';
			t[1] = (char)b;
			put(o, t, 2);
		} else if (b < 0x20 || b > 0x7e) {
			t[0] = '\\';
			t[1] = (char)('0' + (b >> 6));
			t[2] = (char)('0' + ((b >> 3) & 7));
			t[3] = (char)('0' + (b & 7));
			put(o, t, 4);
		} else {
			t[0] = (char)b;
			put(o, t, 1);
		}
	}
}

static void
put_quoted(struct out *o, const uint8_t *p, size_t n)
{
	put(o, "\"", 1);
	put_escaped(o, p, n, 0);
	put(o, "\"", 1);
}

/* An IPv4 (width 4) or IPv6 (width 16) address. */
static void
put_ip(struct out *o, const uint8_t *p, size_t width)
{
	char t[NET_IP_TEXT];

	put(o, t, net_ip_text(p, width, t));
}

static void
put_base64(struct out *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		char t[4];

		base64_encode(t, p + i, n - i < 3 ? n - i : 3);
		put(o, t, 4);
	}
}

/* ---- wire -> text ------------------------------------------------------------------ */

static void
put_name(struct out *o, struct dns_cursor *c)
{
	uint8_t name[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];

	if (dns_get_name(c, name) < 0)
		return;
	dns_name_format(name, text, sizeof text, DNS_NAME_OCTAL);
	putstr(o, text);
}

/* An unsigned field of width octets (1, 2 or 4), in decimal. */
static void
put_number(struct out *o, struct dns_cursor *c, size_t width)
{
	const uint8_t *p = dns_get_span(c, width);
	uint32_t v = 0;

	if (!p)
		return;
	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	put_uint(o, v, 10);
}

/* The rest of the rdata in hex, at least one octet. */
static void
put_hex_rest(struct out *o, struct dns_cursor *c)
{
	size_t n = c->len - (c->pos < c->len ? c->pos : c->len);

	if (n == 0) {
		dns_cursor_fail(c, "no data after the fixed fields");
		return;
	}
	put_hex(o, dns_get_span(c, n), n);
}

/* A character string (length octet and octets), quoted. */
static void
put_string(struct out *o, struct dns_cursor *c)
{
	unsigned n = dns_get8(c);
	const uint8_t *p = dns_get_span(c, n);

	if (p)
		put_quoted(o, p, n);
}

static void
txt_to_text(struct out *o, struct dns_cursor *c)
{
	if (c->len == 0)
		dns_cursor_fail(c, "no character string");
	while (!c->fail && c->pos < c->len) {
		if (c->pos)
			put(o, " ", 1);
		put_string(o, c);
	}
}

static int
is_alnum(unsigned b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
}

/* RFC 8659 section 4.1: flags, a tag of letters and digits, the value. */
static void
caa_to_text(struct out *o, struct dns_cursor *c)
{
	unsigned len = dns_get8(c);
	const uint8_t *tag;

	tag = dns_get_span(c, len);
	if (!tag)
		return;
	if (len == 0)
		dns_cursor_fail(c, "empty CAA tag");
	for (unsigned i = 0; i < len; i++)
		if (!is_alnum(tag[i]))
			dns_cursor_fail(c, "CAA tag with a character other than a-z A-Z 0-9");
	if (c->fail)
		return;
	put(o, (const char *)tag, len);
	put(o, " ", 1);
	put_quoted(o, c->msg + c->pos, c->len - c->pos);
	c->pos = c->len;
}

/* ---- SVCB / HTTPS (RFC 9460) -------------------------------------------------- */

enum {
	SVC_MANDATORY = 0,
	SVC_ALPN = 1,
	SVC_NO_DEFAULT_ALPN = 2,
	SVC_PORT = 3,
	SVC_IPV4HINT = 4,
	SVC_ECH = 5,
	SVC_IPV6HINT = 6,
	SVC_INVALID = 65535 /* section 14.3.2: reserved, "Invalid key" */
};

static const char *const svc_keys[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"
};
#define NSVC_KEYS (sizeof svc_keys / sizeof svc_keys[0])

static void
put_svc_key(struct out *o, unsigned key)
{
	if (key < NSVC_KEYS) {
		putstr(o, svc_keys[key]);
		return;
	}
	putstr(o, "key");
	put_uint(o, key, 10);
}

/* Is key among the SvcParams starting at offset start of the rdata? */
static int
svc_has_key(const uint8_t *p, size_t len, size_t start, unsigned key)
{
	while (start + 4 <= len) {
		unsigned k = (unsigned)p[start] << 8 | p[start + 1];

		if (k == key)
			return 1;
		start += 4 + ((size_t)p[start + 2] << 8 | p[start + 3]);
	}
	return 0;
}

static void
svc_value_to_text(struct out *o, struct dns_cursor *c, unsigned key, const uint8_t *v,
    size_t n, size_t params)
{
	switch (key) {
	case SVC_MANDATORY:
		if (n == 0 || n % 2)
			break;
		for (size_t i = 0; i < n; i += 2) {
			unsigned k = (unsigned)v[i] << 8 | v[i + 1];

			/* Section 8: ascending, no duplicates, never "mandatory"
			 * itself, and every listed key present. */
			if (k == SVC_MANDATORY || (i && k <= ((unsigned)v[i - 2] << 8 | v[i - 1])) ||
			    !svc_has_key(c->msg, c->len, params, k)) {
				dns_cursor_fail(c, "bad mandatory SvcParam list (RFC 9460 section 8)");
				return;
			}
			put(o, i ? "," : "=", 1);
			put_svc_key(o, k);
		}
		return;
	case SVC_ALPN:
		put(o, "=\"", 2);
		for (size_t i = 0; i < n; i += 1 + (size_t)v[i]) {
			if (v[i] == 0 || v[i] > n - i - 1) {
				dns_cursor_fail(c, "bad alpn SvcParam (RFC 9460 section 7.1)");
				return;
			}
			if (i)
				put(o, ",", 1);
			put_escaped(o, v + i + 1, v[i], 1);
		}
		if (n)
			put(o, "\"", 1);
		else
			break;
		return;
	case SVC_NO_DEFAULT_ALPN:
		if (n)
			break;
		return;
	case SVC_PORT:
		if (n != 2)
			break;
		put(o, "=", 1);
		put_uint(o, (unsigned)v[0] << 8 | v[1], 10);
		return;
	case SVC_IPV4HINT:
	case SVC_IPV6HINT: {
		size_t w = key == SVC_IPV4HINT ? 4 : 16;

		if (n == 0 || n % w)
			break;
		for (size_t i = 0; i < n; i += w) {
			put(o, i ? "," : "=", 1);
			put_ip(o, v + i, w);
		}
		return;
	}
	case SVC_ECH:
		if (n == 0)
			break;
		put(o, "=", 1);
		put_base64(o, v, n);
		return;
	default:
		/* Section 2.1: unknown keys as keyNNNNN="opaque value". */
		if (n) {
			put(o, "=", 1);
			put_quoted(o, v, n);
		}
		return;
	}
	dns_cursor_fail(c, "bad value of SvcParam key %u (RFC 9460 section 7)", key);
}

/* The SvcParams after SvcPriority and TargetName, each after a blank. */
static void
svc_params_to_text(struct out *o, struct dns_cursor *c)
{
	long last = -1;
	size_t params = c->pos;

	while (!c->fail && c->pos < c->len) {
		unsigned key = dns_get16(c), n = dns_get16(c);
		const uint8_t *v = dns_get_span(c, n);

		if (!v)
			return;
		/* Section 2.2: strictly increasing keys; 65535 is invalid. */
		if ((long)key <= last || key == SVC_INVALID) {
			dns_cursor_fail(c, "SvcParam keys not in increasing order or invalid "
			    "(RFC 9460 section 2.2)");
			return;
		}
		last = key;
		put(o, " ", 1);
		put_svc_key(o, key);
		svc_value_to_text(o, c, key, v, n, params);
	}
}

/* ---- per-type layouts ------------------------------------------------------------ */

/* The types Route 53 accepts (RRType in the Amazon Route 53 API Reference,
 * ResourceRecordSet; the values in the Developer Guide, "Supported DNS
 * record types"), each with its fields in rdata order: the text has the
 * same fields in the same order, separated by blanks. A type has a layout
 * here exactly when rr_r53_supported says Route 53 can hold it. */
enum {
	L_END,
	L_U8,   /* unsigned numbers of 1, 2 and 4 octets (U_WIDTH) */
	L_U16,
	L_U32,
	L_NAME,
	L_STR,  /* character string: length octet and octets */
	L_HEX,  /* the rest, at least one octet, as hex */
	L_TXT,  /* the rest: one or more character strings */
	L_CAA,  /* the rest: CAA tag and value (RFC 8659 section 4.1) */
	L_SVC,  /* the rest: SvcParams (RFC 9460 section 2.2) */
	L_IPV4,
	L_IPV6
};

#define U_WIDTH(f) ((size_t)1 << ((f) - L_U8))

/* A layout's fields are one string (no arrays of pointers): per field, its
 * kind as one character (the L_ value, written K_) and its name for error
 * messages, NUL-terminated; the string's own NUL ends the list. */
#define K_U8 "\1"
#define K_U16 "\2"
#define K_U32 "\3"
#define K_NAME "\4"
#define K_STR "\5"
#define K_HEX "\6"
#define K_TXT "\7"
#define K_CAA "\10"
#define K_SVC "\11"
#define K_IPV4 "\12"
#define K_IPV6 "\13"
#define F(kind, name) kind name "\0"

static const struct layout {
	uint16_t type; /* first: dns_type_entry */
	const char *fields;
} layouts[] = {
	{ DNS_TYPE_A, F(K_IPV4, "address") },
	{ DNS_TYPE_AAAA, F(K_IPV6, "address") },
	{ DNS_TYPE_CAA, F(K_U8, "flags") F(K_CAA, "tag") },
	{ DNS_TYPE_CNAME, F(K_NAME, "name") },
	{ DNS_TYPE_DS, F(K_U16, "key tag") F(K_U8, "algorithm") F(K_U8, "digest type")
	    F(K_HEX, "digest") },
	{ DNS_TYPE_HTTPS, F(K_U16, "SvcPriority") F(K_NAME, "TargetName") F(K_SVC, "SvcParams") },
	{ DNS_TYPE_MX, F(K_U16, "preference") F(K_NAME, "exchange") },
	{ DNS_TYPE_NAPTR, F(K_U16, "order") F(K_U16, "preference") F(K_STR, "flags")
	    F(K_STR, "service") F(K_STR, "regexp") F(K_NAME, "replacement") },
	{ DNS_TYPE_NS, F(K_NAME, "name") },
	{ DNS_TYPE_PTR, F(K_NAME, "name") },
	{ DNS_TYPE_SOA, F(K_NAME, "mname") F(K_NAME, "rname") F(K_U32, "serial")
	    F(K_U32, "refresh") F(K_U32, "retry") F(K_U32, "expire") F(K_U32, "minimum") },
	{ DNS_TYPE_SPF, F(K_TXT, "string") },
	{ DNS_TYPE_SRV, F(K_U16, "priority") F(K_U16, "weight") F(K_U16, "port")
	    F(K_NAME, "target") },
	{ DNS_TYPE_SSHFP, F(K_U8, "algorithm") F(K_U8, "fingerprint type")
	    F(K_HEX, "fingerprint") },
	{ DNS_TYPE_SVCB, F(K_U16, "SvcPriority") F(K_NAME, "TargetName") F(K_SVC, "SvcParams") },
	{ DNS_TYPE_TLSA, F(K_U8, "usage") F(K_U8, "selector") F(K_U8, "matching type")
	    F(K_HEX, "data") },
	{ DNS_TYPE_TXT, F(K_TXT, "string") },
};

static const struct layout *
layout_of(unsigned type)
{
	return dns_type_entry(layouts, sizeof layouts / sizeof layouts[0], sizeof layouts[0], type);
}

int
rr_r53_supported(unsigned type)
{
	return layout_of(type) != NULL;
}

long
rr_to_r53(unsigned type, const uint8_t *rdata, size_t len, char *buf, size_t cap, struct err *e)
{
	const struct layout *l = layout_of(type);
	struct out o = { buf, cap, 0 };
	struct dns_cursor c;
	struct err why = { 0 };
	char tn[RR_TYPE_NAME_MAX];
	const uint8_t *p;

	if (!l) {
		if (e)
			err_set(e, "type %s is not supported by Route 53", rr_type_name(type, tn));
		return -1;
	}
	dns_cursor_init(&c, rdata, len, &why);
	c.nocomp = 1;
	for (const char *d = l->fields; *d && !c.fail; d += strlen(d) + 1) {
		int f = *d;

		if (d != l->fields && f != L_SVC)
			put(&o, " ", 1);
		switch (f) {
		case L_U8:
		case L_U16:
		case L_U32:
			put_number(&o, &c, U_WIDTH(f));
			break;
		case L_NAME:
			put_name(&o, &c);
			break;
		case L_STR:
			put_string(&o, &c);
			break;
		case L_HEX:
			put_hex_rest(&o, &c);
			break;
		case L_TXT:
			txt_to_text(&o, &c);
			break;
		case L_CAA:
			caa_to_text(&o, &c);
			break;
		case L_SVC:
			svc_params_to_text(&o, &c);
			break;
		default: {
			size_t w = f == L_IPV4 ? 4 : 16;

			if ((p = dns_get_span(&c, w)))
				put_ip(&o, p, w);
			break;
		}
		}
	}
	if (!c.fail && c.pos != len)
		dns_cursor_fail(&c, "%zu octets of %zu do not belong to it", len - c.pos, len);
	if (c.fail) {
		if (e)
			err_set(e, "malformed %s rdata: %s", rr_type_name(type, tn), why.msg);
		if (cap)
			buf[0] = '\0';
		return -1;
	}
	return out_end(&o);
}

long
rr_to_generic(const uint8_t *rdata, size_t len, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };

	putstr(&o, "\\# ");
	put_uint(&o, (uint32_t)len, 10);
	if (len) {
		put(&o, " ", 1);
		put_hex(&o, rdata, len);
	}
	return out_end(&o);
}

long
rr_to_text(unsigned type, const uint8_t *rdata, size_t len, char *buf, size_t cap)
{
	long n = -1;

	if (rr_r53_supported(type))
		n = rr_to_r53(type, rdata, len, buf, cap, NULL);
	return n >= 0 ? n : rr_to_generic(rdata, len, buf, cap);
}

/* ---- text -> wire ---------------------------------------------------------------- */

/* The text being read; the first failure is kept in err (err.set: failed,
 * the later steps do nothing). */
struct in {
	const char *s;
	size_t n, pos;
	struct err err;
};

static int
is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* Skip blanks; 1 when more text follows. */
static int
more(struct in *in)
{
	while (in->pos < in->n && is_blank(in->s[in->pos]))
		in->pos++;
	return !in->err.set && in->pos < in->n;
}

/* The next blank-delimited word (a backslash protects the next character). */
static int
word(struct in *in, const char *what, const char **p, size_t *len)
{
	size_t start;

	if (!more(in))
		return err_set(&in->err, "%s missing", what);
	start = in->pos;
	while (in->pos < in->n && !is_blank(in->s[in->pos]))
		in->pos += in->s[in->pos] == '\\' && in->pos + 1 < in->n ? 2 : 1;
	*p = in->s + start;
	*len = in->pos - start;
	return 0;
}

static long long
number(struct in *in, const char *what, uint32_t max)
{
	const char *p;
	size_t n;
	long long v;

	if (word(in, what, &p, &n) < 0)
		return -1;
	if ((v = decimal(p, n, max)) < 0)
		return err_set(&in->err, "%s \"%.*s\" is not a number from 0 to %lu", what,
		    (int)(n > 20 ? 20 : n), p, (unsigned long)max);
	return v;
}

/* Decode a character string's escapes: \ooo octal (three digits, at most
 * 377), \X for any other X. Returns the length, or -1. */
static long
unescape(struct in *in, const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned b = (unsigned char)s[i];

		if (b == '\\') {
			if (++i == n)
				return err_set(&in->err, "text ends with a backslash");
			b = (unsigned char)s[i];
			if (b >= '0' && b <= '9') {
				int v = n - i < 3 ? -1 : dns_number_escape(s + i, 8);

				if (v < 0)
					return err_set(&in->err, "bad escape \"\\%.*s\": a backslash and a "
					    "digit must be an octal \\ooo from \\000 to \\377",
					    (int)(n - i < 3 ? n - i : 3), s + i);
				b = (unsigned)v;
				i += 2;
			}
		}
		if (k == cap)
			return err_set(&in->err, "character string longer than %zu octets", cap);
		out[k++] = (uint8_t)b;
	}
	return (long)k;
}

/* One character string: "quoted" (blanks allowed inside), or a bare word
 * unless quotes are required. Decoded into out[0..cap). */
static long
string(struct in *in, const char *what, int quotes, uint8_t *out, size_t cap)
{
	const char *p;
	size_t start;

	if (!more(in))
		return err_set(&in->err, "%s missing", what);
	if (in->s[in->pos] != '"') {
		size_t n;

		if (quotes)
			return err_set(&in->err, "%s must be in double quotes", what);
		word(in, what, &p, &n);
		return unescape(in, p, n, out, cap);
	}
	start = ++in->pos;
	while (in->pos < in->n && in->s[in->pos] != '"')
		in->pos += in->s[in->pos] == '\\' && in->pos + 1 < in->n ? 2 : 1;
	if (in->pos >= in->n)
		return err_set(&in->err, "%s: no closing double quote", what);
	in->pos++;
	if (in->pos < in->n && !is_blank(in->s[in->pos]) && in->s[in->pos] != '"')
		return err_set(&in->err, "%s: text right after the closing quote", what);
	return unescape(in, in->s + start, in->pos - 1 - start, out, cap);
}

static void
get_string(struct in *in, struct dns_writer *w, const char *what, int quotes)
{
	uint8_t s[255];
	long n = string(in, what, quotes, s, sizeof s);

	if (n < 0)
		return;
	dns_put8(w, (unsigned)n);
	dns_put_bytes(w, s, (size_t)n);
}

static void
get_name(struct in *in, struct dns_writer *w, const char *what)
{
	uint8_t name[DNS_NAME_MAX];
	const char *p;
	size_t n;

	if (word(in, what, &p, &n) < 0)
		return;
	if (dns_name_parse(name, sizeof name, p, n, DNS_NAME_OCTAL | DNS_NAME_DOT_OPT, NULL,
	    &in->err) < 0) {
		err_set(&in->err, "bad %s", what);
		return;
	}
	dns_put_name(w, name);
}

/* A number for an unsigned field of width octets (1, 2 or 4). */
static void
get_number(struct in *in, struct dns_writer *w, const char *what, size_t width)
{
	long long v = number(in, what, (uint32_t)(UINT64_C(0xffffffff) >> (32 - 8 * width)));
	uint8_t b[4];

	if (v < 0)
		return;
	for (size_t i = width; i--; v >>= 8)
		b[i] = (uint8_t)v;
	dns_put_bytes(w, b, width);
}

/* Hex digits to the end of the text, blanks between them allowed. */
static void
get_hex_rest(struct in *in, struct dns_writer *w, const char *what)
{
	int hi = -1, any = 0;

	for (; in->pos < in->n; in->pos++) {
		int ch = in->s[in->pos], v;

		if (is_blank(ch))
			continue;
		if ((v = num_hex(ch)) < 0) {
			err_set(&in->err, "%s: \"%c\" is not a hex digit", what, ch);
			return;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		dns_put8(w, (unsigned)(hi << 4 | v));
		hi = -1;
		any = 1;
	}
	if (hi >= 0)
		err_set(&in->err, "%s: odd number of hex digits", what);
	else if (!any)
		err_set(&in->err, "%s missing", what);
}

/* An IPv4 (width 4) or IPv6 (width 16) address; -1 when s[0..n) is not one.
 * inet_pton takes an IPv4 address as four dotted parts 0-255 without
 * leading zeros (as musl and glibc do), nothing else. */
static int
parse_ip(const char *s, size_t n, uint8_t *out, size_t width)
{
	char tmp[64];

	if (n >= sizeof tmp || memchr(s, '\0', n))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(width == 4 ? AF_INET : AF_INET6, tmp, out) == 1 ? 0 : -1;
}

static void
caa_from_text(struct in *in, struct dns_writer *w)
{
	const char *tag;
	size_t n;
	uint8_t *v;
	long vl;

	if (word(in, "tag", &tag, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)tag[i]) || n > 255) {
			err_set(&in->err, "CAA tag \"%.*s\" is not 1-255 letters and digits",
			    (int)(n > 20 ? 20 : n), tag);
			return;
		}
	dns_put8(w, (unsigned)n);
	dns_put_bytes(w, tag, n);
	/* The value has no length octet: it fills the rest of the rdata. */
	if (!(v = malloc(DNS_RDATA_MAX))) {
		err_set(&in->err, "out of memory");
		return;
	}
	vl = string(in, "value", 0, v, DNS_RDATA_MAX);
	if (vl >= 0)
		dns_put_bytes(w, v, (size_t)vl);
	free(v);
}

/* SvcParams collected before sorting (section 2.2: strictly increasing on
 * the wire, any order in presentation). */
struct svc_param {
	unsigned key;
	size_t off, len; /* in the value buffer */
};

static int
svc_param_cmp(const void *a, const void *b)
{
	const struct svc_param *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* A key name or keyNNNNN; -1 when neither. */
static long
svc_key_parse(const char *s, size_t n)
{
	for (size_t k = 0; k < NSVC_KEYS; k++)
		if (strlen(svc_keys[k]) == n && !memcmp(s, svc_keys[k], n))
			return (long)k;
	if (n > 3 && !memcmp(s, "key", 3) && (n == 4 || s[3] != '0'))
		return decimal(s + 3, n - 3, 65534);
	return -1;
}

/* Split v[0..n) at commas; with esc, "\," and "\\" are a literal comma and
 * backslash (RFC 9460 Appendix A.1). Calls item() for each (with key, the
 * SvcParam's); -1 on error. */
static int
svc_split(struct in *in, const uint8_t *v, size_t n, int esc,
    unsigned key, int (*item)(struct in *, unsigned, const uint8_t *, size_t, uint8_t *, size_t *),
    uint8_t *out, size_t *outlen, size_t room)
{
	uint8_t one[256];
	size_t k = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || v[i] == ',') {
			/* An item makes at most 256 octets (alpn). */
			if (room - *outlen < 256)
				return err_set(&in->err, "SvcParams longer than an rdata");
			if (item(in, key, one, k, out, outlen) < 0)
				return -1;
			k = 0;
			continue;
		}
		if (esc && v[i] == '\\' && i + 1 < n)
			i++;
		if (k == sizeof one)
			return err_set(&in->err, "SvcParam list item longer than 255 octets");
		one[k++] = v[i];
	}
	return 0;
}

static int
alpn_item(struct in *in, unsigned key, const uint8_t *p, size_t n, uint8_t *out, size_t *len)
{
	(void)key;
	if (n == 0 || n > 255)
		return err_set(&in->err, "alpn: empty protocol id");
	out[(*len)++] = (uint8_t)n;
	memcpy(out + *len, p, n);
	*len += n;
	return 0;
}

static int
mandatory_item(struct in *in, unsigned key, const uint8_t *p, size_t n, uint8_t *out,
    size_t *len)
{
	long k = svc_key_parse((const char *)p, n);

	(void)key;
	if (k < 0)
		return err_set(&in->err, "mandatory: unknown key \"%.*s\"",
		    (int)(n > 20 ? 20 : n), p);
	if (k == SVC_MANDATORY)
		return err_set(&in->err, "mandatory lists itself (RFC 9460 section 8)");
	out[(*len)++] = (uint8_t)(k >> 8);
	out[(*len)++] = (uint8_t)k;
	return 0;
}

/* An address of ipv4hint or ipv6hint (key). */
static int
hint_item(struct in *in, unsigned key, const uint8_t *p, size_t n, uint8_t *out, size_t *len)
{
	size_t w = key == SVC_IPV4HINT ? 4 : 16, max = w == 4 ? 40 : 46;

	if (parse_ip((const char *)p, n, out + *len, w) < 0)
		return err_set(&in->err, "%s: bad address \"%.*s\"", svc_keys[key],
		    (int)(n > max ? max : n), p);
	*len += w;
	return 0;
}

/* Two 2-octet keys in wire (big-endian) order, which is numeric order. */
static int
key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

/* Sort the mandatory list (2-octet keys) and refuse duplicates. */
static int
mandatory_sort(struct in *in, uint8_t *v, size_t n)
{
	sort(v, n / 2, 2, key_cmp);
	for (size_t i = 2; i < n; i += 2)
		if (!memcmp(v + i - 2, v + i, 2))
			return err_set(&in->err, "mandatory lists a key twice");
	return 0;
}

/* Value text of one SvcParam (already unescaped as a character string) to
 * its wire form in out[0..room). A keyNNNNN (generic) value is opaque. */
static long
svc_value(struct in *in, unsigned key, int generic, const uint8_t *v, size_t n, int has,
    uint8_t *out, size_t room)
{
	size_t len = 0;
	long long port;

	if (!generic) {
		if (!has && key != SVC_NO_DEFAULT_ALPN && key < NSVC_KEYS)
			return err_set(&in->err, "SvcParam %s needs a value", svc_keys[key]);
		if (room < 2)
			return err_set(&in->err, "SvcParams longer than an rdata");
	}
	/* A keyNNNNN value is opaque (default), whatever the key. */
	switch (generic ? SVC_INVALID : key) {
	case SVC_MANDATORY:
		if (svc_split(in, v, n, 0, key, mandatory_item, out, &len, room) < 0 ||
		    mandatory_sort(in, out, len) < 0)
			return -1;
		break;
	case SVC_ALPN:
		if (svc_split(in, v, n, 1, key, alpn_item, out, &len, room) < 0)
			return -1;
		break;
	case SVC_NO_DEFAULT_ALPN:
		if (n)
			return err_set(&in->err, "no-default-alpn takes no value");
		break;
	case SVC_PORT:
		if ((port = decimal((const char *)v, n, 65535)) < 0)
			return err_set(&in->err, "port: not a number from 0 to 65535");
		out[0] = (uint8_t)(port >> 8);
		out[1] = (uint8_t)port;
		len = 2;
		break;
	case SVC_IPV4HINT:
	case SVC_IPV6HINT:
		if (svc_split(in, v, n, 0, key, hint_item, out, &len, room) < 0)
			return -1;
		break;
	case SVC_ECH: {
		long k = n ? base64_decode(out, room, (const char *)v, n) : -1;

		if (k <= 0)
			return err_set(&in->err, "ech: not base64");
		len = (size_t)k;
		break;
	}
	default:
		if (n > room)
			return err_set(&in->err, "SvcParams longer than an rdata");
		memcpy(out, v, n);
		len = n;
		break;
	}
	return (long)len;
}

/* One key[=value] word: into params[*np], its wire value appended to vals. */
static int
svc_param(struct in *in, struct svc_param *params, size_t *np, uint8_t *vals, size_t *vlen,
    uint8_t *tmp)
{
	const char *s = in->s + in->pos;
	size_t klen = 0, n = 0;
	long key, len;
	int has = 0, generic;

	while (in->pos + klen < in->n && !is_blank(s[klen]) && s[klen] != '=')
		klen++;
	key = svc_key_parse(s, klen);
	if (key < 0)
		return err_set(&in->err, "unknown SvcParam key \"%.*s\"",
		    (int)(klen > 20 ? 20 : klen), s);
	/* Section 2.1: keyNNNNN gives the wire value itself. */
	generic = klen > 3 && !memcmp(s, "key", 3);
	in->pos += klen;
	if (in->pos < in->n && in->s[in->pos] == '=') {
		long k;

		has = 1;
		in->pos++;
		if (in->pos == in->n || is_blank(in->s[in->pos]))
			k = 0;
		else
			k = string(in, svc_keys[key < (long)NSVC_KEYS ? key : 0], 0, tmp,
			    DNS_RDATA_MAX);
		if (k < 0)
			return -1;
		n = (size_t)k;
	}
	for (size_t i = 0; i < *np; i++)
		if (params[i].key == (unsigned)key)
			return err_set(&in->err, "SvcParam key \"%.*s\" given twice", (int)klen, s);
	if ((len = svc_value(in, (unsigned)key, generic, tmp, n, has, vals + *vlen,
	    DNS_RDATA_MAX - *vlen)) < 0)
		return -1;
	if (*vlen + (size_t)len + 4 * (*np + 1) > DNS_RDATA_MAX)
		return err_set(&in->err, "SvcParams longer than an rdata");
	params[*np].key = (unsigned)key;
	params[*np].off = *vlen;
	params[*np].len = (size_t)len;
	(*np)++;
	*vlen += (size_t)len;
	return 0;
}

/* SvcParams after SvcPriority and TargetName, sorted by key. */
static void
svc_params_from_text(struct in *in, struct dns_writer *w)
{
	/* Each param is a word of the text: at most n / 2 + 1 of them. */
	struct svc_param *params = malloc((in->n / 2 + 1) * sizeof *params);
	uint8_t *vals = malloc(2 * (size_t)DNS_RDATA_MAX);
	uint8_t *tmp = vals + DNS_RDATA_MAX;
	size_t np = 0, vlen = 0;

	if (!params || !vals) {
		err_set(&in->err, "out of memory");
		goto done;
	}
	while (more(in))
		if (svc_param(in, params, &np, vals, &vlen, tmp) < 0)
			goto done;
	sort(params, np, sizeof *params, svc_param_cmp);
	for (size_t i = 0; i < np; i++) {
		if (params[i].key == SVC_MANDATORY)
			for (size_t j = 0; j < params[i].len; j += 2) {
				unsigned k = (unsigned)vals[params[i].off + j] << 8 |
				    vals[params[i].off + j + 1];
				size_t m = 0;

				while (m < np && params[m].key != k)
					m++;
				if (m == np) {
					err_set(&in->err, "mandatory key %u is missing (RFC 9460 "
					    "section 8)", k);
					goto done;
				}
			}
		dns_put16(w, params[i].key);
		dns_put16(w, (unsigned)params[i].len);
		dns_put_bytes(w, vals + params[i].off, params[i].len);
	}
done:
	free(params);
	free(vals);
}

long
rr_from_r53(unsigned type, const char *text, size_t n, uint8_t *out, size_t cap, struct err *e)
{
	const struct layout *l = layout_of(type);
	struct in in = { text, n, 0, { 0 } };
	struct dns_writer w;
	char tn[RR_TYPE_NAME_MAX];
	uint8_t ip[16];
	const char *p;
	size_t len, width;
	int svc = 0;

	dns_writer_init(&w, out, cap < DNS_RDATA_MAX ? cap : DNS_RDATA_MAX, 0, NULL);
	if (!l)
		err_set(&in.err, "type %s is not supported by Route 53", rr_type_name(type, tn));
	for (const char *d = l ? l->fields : ""; *d && !in.err.set; d += strlen(d) + 1) {
		const char *what = d + 1;
		int f = *d;

		switch (f) {
		case L_U8:
		case L_U16:
		case L_U32:
			get_number(&in, &w, what, U_WIDTH(f));
			break;
		case L_NAME:
			get_name(&in, &w, what);
			break;
		case L_STR:
			get_string(&in, &w, what, 0);
			break;
		case L_HEX:
			get_hex_rest(&in, &w, what);
			break;
		case L_TXT:
			/* Route 53 requires every string quoted (Developer
			 * Guide, "Supported DNS record types", TXT). */
			do
				get_string(&in, &w, what, 1);
			while (!in.err.set && more(&in));
			break;
		case L_CAA:
			caa_from_text(&in, &w);
			break;
		case L_SVC:
			svc_params_from_text(&in, &w);
			svc = 1;
			break;
		default:
			if (word(&in, what, &p, &len) < 0)
				break;
			width = f == L_IPV4 ? 4 : 16;
			if (parse_ip(p, len, ip, width) < 0) {
				err_set(&in.err, "\"%.*s\" is not an IPv%c address",
				    (int)(len > 46 ? 46 : len), p, width == 4 ? '4' : '6');
				break;
			}
			dns_put_bytes(&w, ip, width);
			break;
		}
	}
	if (!in.err.set && more(&in))
		err_set(&in.err, "unexpected \"%.*s\" after the value", (int)(n - in.pos > 20 ? 20 :
		    n - in.pos), text + in.pos);
	if (!in.err.set && w.fail)
		err_set(&in.err, "rdata longer than %zu octets", w.cap);
	/* keyNNNNN gives any octets for a known key too (RFC 9460 section
	 * 2.1): they must still form that key's value. */
	if (!in.err.set && svc)
		rr_to_r53(type, out, w.len, NULL, 0, &in.err);
	if (in.err.set) {
		if (e)
			err_set(e, "bad %s value \"%.*s%s\": %s", rr_type_name(type, tn),
			    (int)(n > 60 ? 60 : n), text, n > 60 ? "..." : "", in.err.msg);
		return -1;
	}
	return (long)w.len;
}

/* ---- canonical form, SOA --------------------------------------------------------- */

int
rr_canonicalize(unsigned type, uint8_t *rdata, size_t len)
{
	struct dns_cursor c;
	size_t names[2];
	unsigned nn = 0;
	uint8_t tmp[DNS_NAME_MAX];
	/* The types with names in their rdata (RFC 4034 section 6.2). */
	const struct dns_rdata_layout *l = dns_rdata_layout(type);

	if (!l)
		return 0;
	dns_cursor_init(&c, rdata, len, NULL);
	c.nocomp = 1;
	for (int i = 0; i < 6 && l->f[i] && !c.fail; i++) {
		switch (l->f[i]) {
		case DNS_RD_NAME:
			names[nn++] = c.pos;
			dns_get_name(&c, tmp);
			break;
		case DNS_RD_STR:
			dns_get_span(&c, dns_get8(&c));
			break;
		case DNS_RD_REST:
			c.pos = len;
			break;
		default:
			dns_get_span(&c, (size_t)l->f[i]);
			break;
		}
	}
	if (c.fail || c.pos != len)
		return -1;
	for (unsigned i = 0; i < nn; i++)
		dns_name_lower(rdata + names[i]);
	return 0;
}

int
rr_soa_parse(struct rr_soa *soa, const uint8_t *rdata, size_t len, struct err *e)
{
	struct dns_cursor c;
	struct err why = { 0 };

	dns_cursor_init(&c, rdata, len, &why);
	c.nocomp = 1;
	dns_get_name(&c, soa->mname);
	dns_get_name(&c, soa->rname);
	soa->serial = dns_get32(&c);
	soa->refresh = dns_get32(&c);
	soa->retry = dns_get32(&c);
	soa->expire = dns_get32(&c);
	soa->minimum = dns_get32(&c);
	if (!c.fail && c.pos != len)
		dns_cursor_fail(&c, "%zu octets too many", len - c.pos);
	if (c.fail) {
		if (e)
			err_set(e, "malformed SOA rdata: %s", why.msg);
		return -1;
	}
	return 0;
}
