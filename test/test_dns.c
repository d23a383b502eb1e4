/* Unit tests of the DNS wire codec: cursor, names (wire, text, Route 53
 * text, canonical order), compression read and write, message parse and
 * build, hostile messages, RFC 1982 serials. Vectors marked "dnspython"
 * were made by dnspython 2.3 (make_query/make_response/to_wire). */
#include <stdlib.h>

#include "codec/dns.h"
#include "dnstest.h"
#include "tap.h"

/* dnspython: query id 0x1234 RD for example.com. MX, no EDNS. */
static const char query_hex[] = "123401000001000000000000076578616d706c6503636f6d00000f0001";

/* dnspython: the AA response with MX, NS, A and SOA, names compressed. */
static const char resp_hex[] =
    "123485000001000100010002076578616d706c6503636f6d00000f0001c00c000f000100000e10"
    "0009000a046d61696cc00cc00c0002000100000e100006036e7331c00cc02b0001000100000e10"
    "0004c0000201c00c000600010000012c0023c03e0a686f73746d6173746572c00c78a3f1750000"
    "1c20000003840012750000015180";

/* Wire name from text, for the tests (must parse). */
static const uint8_t *
wname(const char *text)
{
	static uint8_t names[8][DNS_NAME_MAX];
	static int k;
	uint8_t *n = names[k++ % 8];
	struct err e = { 0 };

	if (dns_name_from_text(n, DNS_NAME_MAX, text, NULL, &e) < 0) {
		diag("bad test name %s: %s", text, e.msg);
		abort();
	}
	return n;
}

static void
test_cursor(void)
{
	static const uint8_t b[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	struct dns_cursor c;
	struct err e = { 0 };
	uint8_t out[4];

	dns_cursor_init(&c, b, sizeof b, &e);
	is_int(dns_get8(&c), 0x12, "get8");
	is_int(dns_get16(&c), 0x3456, "get16 is big-endian");
	is_int(dns_get16(&c), 0x789a, "get16");
	is_int(dns_get32(&c), 0, "get32 past the end gives 0");
	ok(c.fail && e.set, "reading past the end fails the cursor: %s", e.msg);
	is_int(c.pos, 5, "a failed read does not move the cursor");
	is_int(dns_get8(&c), 0, "a failed cursor stays failed (sticky)");
	is_int(c.pos, 5, "... and does not move");

	dns_cursor_init(&c, b, sizeof b, NULL);
	dns_get8(&c);
	is_int(dns_get32(&c), 0x3456789a, "get32 at an odd offset");
	ok(dns_get_bytes(&c, out, 2) == 0 && out[0] == 0xbc && out[1] == 0xde, "get_bytes");
	ok(dns_get_span(&c, 1) == NULL && c.fail, "span past the end fails (no err given)");
}

/* Parse a name at offset off of the hex message; returns its length or -1
 * and the error in e. */
static int
name_at(const char *hex, size_t off, uint8_t *out, struct err *e, size_t *end)
{
	static uint8_t msg[4096];
	long n = dnstest_unhex(msg, sizeof msg, hex);
	struct dns_cursor c;
	int r;

	err_clear(e);
	dns_cursor_init(&c, msg, (size_t)n, e);
	c.pos = off;
	r = dns_get_name(&c, out);
	if (end)
		*end = c.pos;
	return r;
}

static void
test_name_read(void)
{
	uint8_t out[DNS_NAME_MAX];
	struct err e;
	size_t end;
	char hex[4096], *p;

	/* 0: "a." 3: "b" + pointer to 0 */
	is_int(name_at("016100 0162c000", 3, out, &e, &end), 5, "compressed name length");
	is_mem(out, 5, "\001b\001a\000", 5, "compressed name decompressed");
	is_int(end, 7, "cursor ends after the pointer");

	ok(name_at("0162c002", 0, out, &e, NULL) < 0 && strstr(e.msg, "backwards"),
	    "forward pointer refused: %s", e.msg);
	ok(name_at("0162c002 0161 00", 0, out, &e, NULL) < 0, "forward pointer to a valid name refused");
	ok(name_at("c000", 0, out, &e, NULL) < 0 && strstr(e.msg, "loop"),
	    "pointer to itself refused: %s", e.msg);
	/* 0: "a" then pointer back to 0: would loop through itself. */
	ok(name_at("0161c000", 0, out, &e, NULL) < 0 && strstr(e.msg, "loop"),
	    "pointer into the same name refused: %s", e.msg);
	/* 2: label "b" and a pointer to 0, which is a pointer to 2: a loop
	 * through two names. */
	ok(name_at("c002 0162c000", 2, out, &e, NULL) < 0, "two-pointer loop refused: %s",
	    e.msg);
	ok(name_at("0161", 0, out, &e, NULL) < 0 && strstr(e.msg, "past the end"),
	    "name without a root label: %s", e.msg);
	ok(name_at("0561", 0, out, &e, NULL) < 0, "label cut by the end: %s", e.msg);
	ok(name_at("0161c0", 0, out, &e, NULL) < 0 && strstr(e.msg, "cut"),
	    "pointer cut by the end: %s", e.msg);
	ok(name_at("4061", 0, out, &e, NULL) < 0 && strstr(e.msg, "label type"),
	    "label of 64 (type 01) refused: %s", e.msg);
	ok(name_at("8061", 0, out, &e, NULL) < 0, "label type 10 refused: %s", e.msg);

	/* A name of 4 labels of 63 = 256 octets with the root: too long. */
	p = hex;
	for (int l = 0; l < 4; l++) {
		p += sprintf(p, "3f");
		for (int i = 0; i < 63; i++)
			p += sprintf(p, "61");
	}
	sprintf(p, "00");
	ok(name_at(hex, 0, out, &e, NULL) < 0 && strstr(e.msg, "longer than 255"),
	    "256-octet name refused: %s", e.msg);
	/* 3 x 63 + 61 + root = 255 octets: the longest name. */
	sprintf(hex + 64 * 3 * 2, "3d");
	for (int i = 0; i < 61; i++)
		strcat(hex, "61");
	strcat(hex, "00");
	is_int(name_at(hex, 0, out, &e, NULL), 255, "255-octet name accepted");

	/* A long pointer chain: 0: root; then each pointer points at the
	 * previous one. DNS_MAX_POINTER_HOPS hops are fine, one more is not. */
	p = hex + sprintf(hex, "00");
	for (int i = 0; i <= DNS_MAX_POINTER_HOPS; i++)
		p += sprintf(p, "c0%02x", i ? 2 * i - 1 : 0);
	is_int(name_at(hex, 1 + 2 * (DNS_MAX_POINTER_HOPS - 1), out, &e, NULL), 1,
	    "a chain of %d pointers is followed", DNS_MAX_POINTER_HOPS);
	ok(name_at(hex, 1 + 2 * DNS_MAX_POINTER_HOPS, out, &e, NULL) < 0 &&
	    strstr(e.msg, "more than"), "a chain of %d pointers is refused: %s",
	    DNS_MAX_POINTER_HOPS + 1, e.msg);

	{
		struct dns_cursor c;
		static const uint8_t m[] = { 1, 'a', 0xc0, 0x00 };

		dns_cursor_init(&c, m, sizeof m, &e);
		err_clear(&e);
		c.nocomp = 1;
		ok(dns_get_name(&c, out) < 0 && strstr(e.msg, "compress"),
		    "pointer where compression is not allowed: %s", e.msg);
	}
}

static void
parses_name(const char *text, unsigned flags, const uint8_t *origin, const char *want_hex)
{
	uint8_t out[DNS_NAME_MAX], want[DNS_NAME_MAX];
	long wl = dnstest_unhex(want, sizeof want, want_hex);
	struct err e = { 0 };
	int n = dns_name_parse(out, sizeof out, text, strlen(text), flags, origin, &e);

	if (!ok(n >= 0, "name \"%s\" parses", text))
		diag("%s", e.msg);
	else
		is_mem(out, (size_t)n, want, (size_t)wl, "name \"%s\" wire form", text);
}

static void
refuses_name(const char *text, unsigned flags, const char *why)
{
	uint8_t out[DNS_NAME_MAX];
	struct err e = { 0 };

	ok(dns_name_parse(out, sizeof out, text, strlen(text), flags, NULL, &e) < 0 &&
	    strstr(e.msg, why), "name \"%.40s\" refused (%s): %s", text, why, e.msg);
}

static void
test_name_text(void)
{
	uint8_t out[DNS_NAME_MAX], origin[DNS_NAME_MAX];
	char buf[DNS_NAME_TEXT_MAX], big[1200];
	struct err e = { 0 };

	parses_name(".", 0, NULL, "00");
	parses_name("Example.COM.", 0, NULL, "074578616d706c6503434f4d00");
	parses_name("a\\.b.c.", 0, NULL, "03612e620163 00");
	parses_name("\\042.x.", 0, NULL, "012a017800");
	parses_name("\\052.x.", 0, NULL, "013401 7800");
	parses_name("\\052.x.", DNS_NAME_OCTAL, NULL, "012a017800");
	parses_name("\\052.example.com", DNS_NAME_OCTAL | DNS_NAME_DOT_OPT, NULL,
	    "012a076578616d706c6503636f6d00");
	parses_name("\\000\\255.x.", 0, NULL, "0200ff017800");
	parses_name("\\377.x", DNS_NAME_OCTAL | DNS_NAME_DOT_OPT, NULL, "01ff017800");
	parses_name("\\a\\\\.", 0, NULL, "02615c00");
	dns_name_from_text(origin, sizeof origin, "example.com.", NULL, &e);
	parses_name("www", 0, origin, "03777777076578616d706c6503636f6d00");
	parses_name("@", 0, origin, "076578616d706c6503636f6d00");
	parses_name("w.", 0, origin, "017700");

	refuses_name("www", 0, "relative");
	refuses_name("@", 0, "origin");
	refuses_name("", 0, "empty");
	refuses_name("a..b.", 0, "empty label");
	refuses_name(".a.", 0, "empty label");
	refuses_name("a\\", 0, "backslash");
	refuses_name("\\25.", 0, "\\DDD");
	refuses_name("\\256.", 0, "\\DDD");
	refuses_name("\\400.", DNS_NAME_OCTAL, "\\ooo");
	refuses_name("\\018.", DNS_NAME_OCTAL, "\\ooo");
	memset(big, 'a', 64);
	strcpy(big + 64, ".");
	refuses_name(big, 0, "label longer than 63");
	big[63] = '.';
	strcpy(big + 64, "b.");
	ok(dns_name_parse(out, sizeof out, big, strlen(big), 0, NULL, &e) == 67 && out[0] == 63,
	    "a 63-octet label is fine");
	for (int i = 0; i < 128; i++)
		memcpy(big + 2 * i, "a.", 2);
	big[256] = '\0';
	refuses_name(big, 0, "longer than 255");
	big[254] = '\0'; /* 127 labels: 254 octets + root = 255 */
	is_int(dns_name_parse(out, sizeof out, big, 254, 0, NULL, &e), 255,
	    "127 one-octet labels make a 255-octet name");
	is_int(dns_name_parse(out, 10, "abcdefgh.ij.", 12, 0, NULL, &e), -1,
	    "a name longer than the caller's buffer is refused");

	dns_name_from_text(out, sizeof out, "*.Ex\\032ample.c\\(o\\).", NULL, &e);
	is_int(dns_name_to_text(out, buf, sizeof buf), 21, "to_text length");
	is_str(buf, "*.Ex\\032ample.c\\(o\\).", "to_text escapes space and ( )");
	dns_name_to_r53(out, buf, sizeof buf);
	is_str(buf, "\\052.ex\\040ample.c\\050o\\051.", "to_r53: lower case, octal escapes");
	dns_name_format(out, buf, sizeof buf, DNS_NAME_OCTAL);
	is_str(buf, "\\052.Ex\\040ample.c\\050o\\051.", "Route 53 form keeping case");
	dns_name_from_r53(out, sizeof out, "\\052.Example.com", &e);
	dns_name_to_r53(out, buf, sizeof buf);
	is_str(buf, "\\052.example.com.", "*.Example.com -> \\052.example.com.");
	dns_name_to_text(out, buf, sizeof buf);
	is_str(buf, "*.Example.com.", "the same name in presentation form");
	dns_name_from_text(out, sizeof out, "a_b-c.\\.\\;\\@\\$\\\".\\000\\127\\255.", NULL, &e);
	dns_name_to_text(out, buf, sizeof buf);
	is_str(buf, "a_b-c.\\.\\;\\@\\$\\\".\\000\\127\\255.", "special characters round trip");
	dns_name_to_r53(out, buf, sizeof buf);
	is_str(buf, "a_b-c.\\056\\073\\100\\044\\042.\\000\\177\\377.", "octal escapes of them");
	dns_name_to_text((const uint8_t *)"", buf, sizeof buf);
	is_str(buf, ".", "root prints as .");
	is_int(dns_name_to_text(wname("abc."), buf, 4), -1, "too small a buffer: -1");
	is_str(buf, "", "... and an empty string");
	is_int(dns_name_to_text(wname("abc."), buf, 5), 4, "exactly enough room");

	/* The longest text: 255 octets all escaped fit DNS_NAME_TEXT_MAX. */
	memset(out, 0, sizeof out);
	for (int l = 0; l < 4; l++)
		out[l * 64] = l < 3 ? 63 : 61;
	for (int i = 0; i < 254; i++)
		if (i % 64)
			out[i] = 0xff;
	ok(dns_name_len(out) == 255 && dns_name_to_text(out, buf, sizeof buf) == 250 * 4 + 4,
	    "255 escaped octets fit DNS_NAME_TEXT_MAX");
	ok(dns_name_to_r53(out, buf, sizeof buf) == 250 * 4 + 4, "... in octal too");
}

static void
test_name_ops(void)
{
	/* RFC 4034 section 6.1, the example in canonical order. */
	static const char *const order[] = {
		"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
		"zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.",
		"\\200.z.example."
	};
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	struct err e = { 0 };
	int bad = 0;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		for (size_t j = 0; j < sizeof order / sizeof order[0]; j++) {
			int c;

			dns_name_from_text(a, sizeof a, order[i], NULL, &e);
			dns_name_from_text(b, sizeof b, order[j], NULL, &e);
			c = dns_name_cmp(a, b);
			if ((i < j && c >= 0) || (i == j && c) || (i > j && c <= 0)) {
				diag("%s vs %s: %d", order[i], order[j], c);
				bad++;
			}
		}
	ok(!bad, "RFC 4034 section 6.1 example order (all pairs)");
	ok(dns_name_cmp(wname("."), wname("com.")) < 0, "root sorts first");
	ok(dns_name_cmp(wname("WWW.Example.COM."), wname("www.example.com.")) == 0,
	    "cmp ignores case");
	ok(dns_name_cmp(wname("a.b."), wname("ab.")) > 0, "a.b. > ab. (b > ab)");
	ok(dns_name_cmp(wname("b.a."), wname("ab.")) < 0, "b.a. < ab. (a < ab)");
	ok(dns_name_cmp(wname("www-x.example."), wname("www.example.")) > 0,
	    "www-x. > www. (longer label, same prefix)");

	ok(dns_name_equal(wname("WwW.example."), wname("www.EXAMPLE.")), "equal ignores case");
	ok(!dns_name_equal(wname("www.example."), wname("ww.example.")), "not equal");
	ok(!dns_name_equal(wname("a.b."), wname("a.b.c.")), "not equal: more labels");
	ok(dns_name_is_sub(wname("a.B.example."), wname("example.")), "is_sub below");
	ok(dns_name_is_sub(wname("Example."), wname("example.")), "is_sub: the zone itself");
	ok(dns_name_is_sub(wname("x."), wname(".")), "everything is below the root");
	ok(!dns_name_is_sub(wname("aexample."), wname("example.")), "aexample. not below example.");
	ok(!dns_name_is_sub(wname("example."), wname("a.example.")), "parent not below child");
	is_int(dns_name_labels(wname(".")), 0, "root has 0 labels");
	is_int(dns_name_labels(wname("a.b.c.")), 3, "a.b.c. has 3 labels");
	is_int(dns_name_len(wname("a.b.c.")), 7, "a.b.c. is 7 octets");
	memcpy(a, wname("MiXeD.\\128Z."), 10);
	dns_name_lower(a);
	is_mem(a, 10, "\005mixed\002\200z\000", 10, "lower folds A-Z only");
}

static void
test_serial(void)
{
	is_int(dns_serial_cmp(1, 2), -1, "1 < 2");
	is_int(dns_serial_cmp(2, 1), 1, "2 > 1");
	is_int(dns_serial_cmp(5, 5), 0, "5 == 5");
	is_int(dns_serial_cmp(0xffffffffu, 0), -1, "0xffffffff < 0 (wraps)");
	is_int(dns_serial_cmp(0, 0x7fffffffu), -1, "0 < 2^31-1");
	is_int(dns_serial_cmp(0, 0x80000000u), 2, "0 vs 2^31 undefined");
	is_int(dns_serial_cmp(0x80000000u, 0), 2, "2^31 vs 0 undefined");
	is_int(dns_serial_cmp(0, 0x80000001u), 1, "0 > 2^31+1");
	ok(dns_serial_lt(4294967295u, 1) && !dns_serial_lt(1, 4294967295u), "serial_lt wraps");
	ok(!dns_serial_lt(0, 0x80000000u) && !dns_serial_lt(0x80000000u, 0),
	    "undefined is never less");
}

/* Parse every RR of a message; returns the count or -1. */
static int
parse_all(const uint8_t *m, size_t len, struct err *e)
{
	struct dns_msg msg;
	struct dns_rr rr;
	int n = 0, r;

	if (dns_msg_init(&msg, m, len, e) < 0)
		return -1;
	while ((r = dns_msg_next(&msg, &rr)) > 0)
		n++;
	return r < 0 ? -1 : n;
}

static long
build_response(uint8_t *buf, size_t cap, int compress)
{
	static const uint8_t mx[] = "\000\012\004mail\007example\003com";
	static const uint8_t ns[] = "\003ns1\007example\003com";
	static const uint8_t a[] = { 192, 0, 2, 1 };
	static const uint8_t soa_names[] = "\003ns1\007example\003com\000"
	    "\012hostmaster\007example\003com";
	uint8_t soa[sizeof soa_names + 20];
	static const uint8_t times[20] = { 0x78, 0xa3, 0xf1, 0x75, 0, 0, 0x1c, 0x20, 0, 0, 3,
		0x84, 0, 0x12, 0x75, 0, 0, 1, 0x51, 0x80 };
	struct dns_writer w;
	struct dns_header h = { 0x1234, DNS_QR | DNS_AA | DNS_RD, 0, 0, 0, 0 };

	memcpy(soa, soa_names, sizeof soa_names);
	memcpy(soa + sizeof soa_names, times, 20);
	dns_writer_init(&w, buf, cap, compress, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, wname("example.com."), DNS_TYPE_MX, DNS_CLASS_IN);
	dns_put_rr(&w, DNS_SEC_ANSWER, wname("example.com."), DNS_TYPE_MX, DNS_CLASS_IN, 3600, mx,
	    sizeof mx);
	dns_put_rr(&w, DNS_SEC_AUTHORITY, wname("example.com."), DNS_TYPE_NS, DNS_CLASS_IN, 3600,
	    ns, sizeof ns);
	dns_put_rr(&w, DNS_SEC_ADDITIONAL, wname("mail.example.com."), DNS_TYPE_A, DNS_CLASS_IN,
	    3600, a, 4);
	dns_put_rr(&w, DNS_SEC_ADDITIONAL, wname("example.com."), DNS_TYPE_SOA, DNS_CLASS_IN, 300,
	    soa, sizeof soa);
	return dns_writer_done(&w);
}

static void
test_build(void)
{
	uint8_t want[512], buf[512];
	long wl, n;
	struct dns_writer w;
	struct dns_header h = { 0x1234, DNS_RD, 0, 0, 0, 0 };
	struct err e = { 0 };

	wl = dnstest_unhex(want, sizeof want, query_hex);
	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, wname("example.com."), DNS_TYPE_MX, DNS_CLASS_IN);
	n = dns_writer_done(&w);
	is_mem(buf, (size_t)n, want, (size_t)wl, "query matches dnspython's bytes");

	wl = dnstest_unhex(want, sizeof want, resp_hex);
	n = build_response(buf, sizeof buf, 1);
	is_mem(buf, (size_t)n, want, (size_t)wl,
	    "compressed response (owner, MX, NS, SOA names) matches dnspython's bytes");
	n = build_response(buf, sizeof buf, 0);
	ok(n > wl && parse_all(buf, (size_t)n, &e) == 4, "uncompressed response parses");
	{
		int all = 1;

		for (size_t cap = 0; cap < (size_t)wl; cap++)
			all &= build_response(buf, cap, 1) == -1;
		ok(all, "every buffer shorter than the message fails the writer");
	}
	is_int(build_response(buf, (size_t)wl, 1), wl, "an exact-size buffer suffices");

	dns_writer_init(&w, buf, 11, 0, &e);
	dns_put_header(&w, &h);
	ok(dns_writer_done(&w) < 0 && strstr(e.msg, "does not fit"), "overflow message: %s",
	    e.msg);
	dns_put16(&w, 1);
	is_int(w.len, 10, "a failed writer writes nothing more");

	err_clear(&e);
	dns_writer_init(&w, buf, sizeof buf, 1, &e);
	dns_put_rr(&w, DNS_SEC_ANSWER, wname("a."), DNS_TYPE_A, DNS_CLASS_IN, 1,
	    (const uint8_t *)"\1\2\3\4", 4);
	ok(dns_writer_done(&w) < 0 && strstr(e.msg, "header"), "RR without a header: %s", e.msg);

	err_clear(&e);
	dns_writer_init(&w, buf, sizeof buf, 1, &e);
	dns_put_header(&w, &h);
	dns_put_rr(&w, DNS_SEC_ANSWER, wname("a."), DNS_TYPE_MX, DNS_CLASS_IN, 1,
	    (const uint8_t *)"\0\1\3ab", 5);
	ok(dns_writer_done(&w) < 0 && strstr(e.msg, "malformed"), "bad MX rdata: %s", e.msg);

	err_clear(&e);
	dns_writer_init(&w, buf, sizeof buf, 1, &e);
	dns_put_header(&w, &h);
	dns_put_rr(&w, DNS_SEC_AUTHORITY, wname("a."), DNS_TYPE_A, DNS_CLASS_IN, 1,
	    (const uint8_t *)"\1\2\3\4", 4);
	dns_put_rr(&w, DNS_SEC_ANSWER, wname("a."), DNS_TYPE_A, DNS_CLASS_IN, 1,
	    (const uint8_t *)"\1\2\3\4", 4);
	ok(dns_writer_done(&w) < 0 && strstr(e.msg, "after section"),
	    "an answer after an authority RR: %s", e.msg);

	/* Case is kept: WWW.example.com is not compressed against www. */
	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, wname("www.example.com."), DNS_TYPE_A, DNS_CLASS_IN);
	dns_put_question(&w, wname("WWW.example.com."), DNS_TYPE_A, DNS_CLASS_IN);
	n = dns_writer_done(&w);
	is_mem(buf + 33, (size_t)n - 33, "\003WWW\300\020\000\001\000\001", 10,
	    "compression keeps case (only example.com is shared)");

	/* OPT for a query: root, type 41, class = size, TTL = flags. */
	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_opt(&w, 1232, 0x8000);
	n = dns_writer_done(&w);
	is_mem(buf, (size_t)n, "\x12\x34\x01\x00\0\0\0\0\0\0\0\1\0\0\x29\x04\xd0\0\0\x80\0\0\0", 23,
	    "OPT RR with DO and size 1232");
}

static void
test_parse(void)
{
	uint8_t m[512];
	long len = dnstest_unhex(m, sizeof m, resp_hex);
	struct dns_msg msg;
	struct dns_question q;
	struct dns_rr rr;
	struct err e = { 0 };
	int bad = 0;

	ok(dns_msg_init(&msg, m, (size_t)len, &e) == 0, "response header parses");
	is_int(msg.hdr.id, 0x1234, "id");
	ok((msg.hdr.flags & DNS_QR) && (msg.hdr.flags & DNS_AA) && (msg.hdr.flags & DNS_RD) &&
	    !(msg.hdr.flags & DNS_TC), "flags QR AA RD, not TC");
	is_int(DNS_OPCODE(msg.hdr.flags), 0, "opcode QUERY");
	is_int(DNS_RCODE(msg.hdr.flags), 0, "rcode NOERROR");
	ok(msg.hdr.qdcount == 1 && msg.hdr.ancount == 1 && msg.hdr.nscount == 1 &&
	    msg.hdr.arcount == 2, "counts 1 1 1 2");
	is_int(dns_msg_question(&msg, &q), 1, "a question");
	is_mem(q.name, q.name_len, wname("example.com."), 13, "question name");
	ok(q.type == DNS_TYPE_MX && q.class == DNS_CLASS_IN, "question type MX class IN");
	is_int(dns_msg_question(&msg, &q), 0, "no second question");

	is_int(dns_msg_next(&msg, &rr), 1, "answer RR");
	ok(rr.section == DNS_SEC_ANSWER && rr.type == DNS_TYPE_MX && rr.ttl == 3600 &&
	    rr.offset == 29, "answer MX ttl 3600 at offset 29");
	is_mem(rr.rdata, rr.rdlen, "\000\012\004mail\007example\003com", 20,
	    "MX rdata decompressed");
	is_int(dns_msg_next(&msg, &rr), 1, "authority RR");
	ok(rr.section == DNS_SEC_AUTHORITY && rr.type == DNS_TYPE_NS, "authority NS");
	is_mem(rr.rdata, rr.rdlen, "\003ns1\007example\003com", 17, "NS rdata decompressed");
	is_int(dns_msg_next(&msg, &rr), 1, "additional A");
	is_mem(rr.owner, rr.owner_len, "\004mail\007example\003com", 18, "owner via pointer");
	ok(rr.rdata >= m && rr.rdata + 4 <= m + len && !memcmp(rr.rdata, "\300\0\2\1", 4),
	    "A rdata points into the message");
	is_int(dns_msg_next(&msg, &rr), 1, "additional SOA");
	is_mem(rr.rdata, rr.rdlen, "\003ns1\007example\003com\000\012hostmaster\007example\003com"
	    "\000\x78\xa3\xf1\x75\0\0\x1c\x20\0\0\x03\x84\0\x12\x75\0\0\1\x51\x80", 61,
	    "SOA rdata with both names decompressed");
	is_int(dns_msg_next(&msg, &rr), 0, "end of the message");
	is_int(dns_msg_next(&msg, &rr), 0, "and it stays at the end");
	ok(!e.set, "no error");

	/* Truncation at every byte: always an error, never a crash. */
	for (long cut = 0; cut < len; cut++) {
		uint8_t *t = malloc((size_t)cut + 1);

		memcpy(t, m, (size_t)cut);
		err_clear(&e);
		if (parse_all(t, (size_t)cut, &e) >= 0 || !e.set) {
			diag("cut at %ld parsed", cut);
			bad++;
		}
		free(t);
	}
	ok(!bad, "every truncation of the response is an error (%ld cuts)", len);
	is_int(parse_all(m, (size_t)len, &e), 4, "the whole response has 4 RRs");

	m[len] = 0;
	err_clear(&e);
	ok(parse_all(m, (size_t)len + 1, &e) < 0 && strstr(e.msg, "after the last"),
	    "trailing octet refused: %s", e.msg);

	/* MX rdata whose RDLENGTH says one octet more than the name. */
	m[29 + 2 + 8 + 1] = 10;
	err_clear(&e);
	ok(parse_all(m, (size_t)len, &e) < 0 && strstr(e.msg, "RDLENGTH"),
	    "RDLENGTH longer than the MX: %s", e.msg);
	m[29 + 2 + 8 + 1] = 8;
	err_clear(&e);
	ok(parse_all(m, (size_t)len, &e) < 0, "RDLENGTH shorter than the MX: %s", e.msg);
	m[29 + 2 + 8 + 1] = 9;

	err_clear(&e);
	ok(dns_msg_init(&msg, m, 11, &e) < 0 && strstr(e.msg, "header"), "short header: %s",
	    e.msg);
	err_clear(&e);
	ok(dns_msg_init(&msg, m, DNS_MAX_MSG + 1, &e) < 0, "oversized message: %s", e.msg);
}

static void
test_edns(void)
{
	uint8_t buf[512];
	struct dns_writer w;
	struct dns_header h = { 7, DNS_QR, 0, 0, 0, 0 };
	struct dns_msg msg;
	struct dns_rr rr;
	struct err e = { 0 };
	long n;

	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, wname("example."), DNS_TYPE_SOA, DNS_CLASS_IN);
	dns_put_opt(&w, 4096, 0x8000);
	n = dns_writer_done(&w);
	/* Extended RCODE 1 (BADVERS = 16) in the OPT TTL's top octet. */
	buf[n - 11 + 5] = 1;
	dns_msg_init(&msg, buf, (size_t)n, &e);
	is_int(dns_msg_next(&msg, &rr), 1, "OPT returned as an RR");
	ok(msg.edns && msg.edns_size == 4096 && msg.edns_flags == 0x8000 && msg.ext_rcode == 1 &&
	    msg.edns_version == 0, "EDNS fields read");
	is_int(dns_msg_next(&msg, &rr), 0, "then the end");

	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_opt(&w, 4096, 0);
	dns_put_opt(&w, 4096, 0);
	n = dns_writer_done(&w);
	dns_msg_init(&msg, buf, (size_t)n, &e);
	dns_msg_next(&msg, &rr);
	ok(dns_msg_next(&msg, &rr) < 0 && strstr(e.msg, "OPT"), "two OPT RRs refused: %s", e.msg);

	err_clear(&e);
	dns_writer_init(&w, buf, sizeof buf, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_rr(&w, DNS_SEC_ANSWER, wname("."), DNS_TYPE_OPT, 512, 0, NULL, 0);
	n = dns_writer_done(&w);
	dns_msg_init(&msg, buf, (size_t)n, &e);
	ok(dns_msg_next(&msg, &rr) < 0 && strstr(e.msg, "OPT"), "OPT in the answer refused: %s",
	    e.msg);
}

/* Compressed names inside rdata of SRV/NAPTR (RFC 3597 section 4:
 * receivers decompress them) and a class NONE RR with empty rdata. */
static void
test_rdata_compression(void)
{
	/* Header, question "a.", SRV "a." 1 2 3 target "x" + ptr to 12,
	 * NAPTR with strings and a compressed replacement, MX class NONE
	 * (RFC 2136 delete) with RDLENGTH 0. */
	static const char hex[] =
	    "000084000001000300000000 016100 0001 0001"
	    "c00c 0021 0001 00000001 000a 0001 0002 0003 0178c00c"
	    "c00c 0023 0001 00000001 000a 000a 0014 0155 00 00 c00c"
	    "c00c 000f 00fe 00000000 0000";
	uint8_t m[256];
	long len = dnstest_unhex(m, sizeof m, hex);
	struct dns_msg msg;
	struct dns_rr rr;
	struct err e = { 0 };

	dns_msg_init(&msg, m, (size_t)len, &e);
	is_int(dns_msg_next(&msg, &rr), 1, "SRV RR");
	is_mem(rr.rdata, rr.rdlen, "\0\1\0\2\0\3\001x\001a\000", 11, "SRV target decompressed");
	is_int(dns_msg_next(&msg, &rr), 1, "NAPTR RR: %s", e.msg);
	is_mem(rr.rdata, rr.rdlen, "\0\012\0\024\001U\000\000\001a\000", 11,
	    "NAPTR replacement decompressed");
	is_int(dns_msg_next(&msg, &rr), 1, "MX class NONE with no rdata");
	ok(rr.rdlen == 0 && rr.class == DNS_CLASS_NONE, "empty rdata kept");
	is_int(dns_msg_next(&msg, &rr), 0, "end");
}

int
main(void)
{
	test_cursor();
	test_name_read();
	test_name_text();
	test_name_ops();
	test_serial();
	test_build();
	test_parse();
	test_edns();
	test_rdata_compression();
	return tap_done();
}
