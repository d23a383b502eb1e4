/* Unit tests of rr: type names, Route 53 Value text <-> wire rdata for the
 * 17 Route 53 types (known-answer vectors whose wire form dnspython 2.3 made
 * from the equivalent zone-file text), round-trip properties, escapes,
 * malformed values and rdata, canonical form, SOA fields. */
#include <stdlib.h>

#include "dnstest.h"
#include "codec/rr.h"
#include "tap.h"

/* Route 53 text in, the text we print for it, the wire rdata in hex. */
static const struct {
	unsigned type;
	const char *in, *out, *hex;
} vectors[] = {
	{ DNS_TYPE_A, "192.0.2.1",
	    "192.0.2.1",
	    "c0000201" },
	{ DNS_TYPE_A, "0.0.0.0",
	    "0.0.0.0",
	    "00000000" },
	{ DNS_TYPE_A, "255.255.255.255",
	    "255.255.255.255",
	    "ffffffff" },
	{ DNS_TYPE_AAAA, "2001:db8::1",
	    "2001:db8::1",
	    "20010db8000000000000000000000001" },
	{ DNS_TYPE_AAAA, "2001:0db8:85a3:0:0:8a2e:0370:7334",
	    "2001:db8:85a3::8a2e:370:7334",
	    "20010db885a3000000008a2e03707334" },
	{ DNS_TYPE_AAAA, "::",
	    "::",
	    "00000000000000000000000000000000" },
	{ DNS_TYPE_AAAA, "::1",
	    "::1",
	    "00000000000000000000000000000001" },
	{ DNS_TYPE_AAAA, "1::",
	    "1::",
	    "00010000000000000000000000000000" },
	{ DNS_TYPE_AAAA, "2001:db8:0:0:1:0:0:1",
	    "2001:db8::1:0:0:1",
	    "20010db8000000000001000000000001" },
	{ DNS_TYPE_AAAA, "2001:db8:0:1:1:1:1:1",
	    "2001:db8:0:1:1:1:1:1",
	    "20010db8000000010001000100010001" },
	{ DNS_TYPE_AAAA, "::ffff:192.0.2.1",
	    "::ffff:192.0.2.1",
	    "00000000000000000000ffffc0000201" },
	{ DNS_TYPE_AAAA, "FE80::A:0:0:0:1",
	    "fe80:0:0:a::1",
	    "fe8000000000000a0000000000000001" },
	{ DNS_TYPE_CAA, "0 issue \"ca.example.net\"",
	    "0 issue \"ca.example.net\"",
	    "0005697373756563612e6578616d706c652e6e6574" },
	{ DNS_TYPE_CAA, "0 issuewild \";\"",
	    "0 issuewild \";\"",
	    "0009697373756577696c643b" },
	{ DNS_TYPE_CAA, "0 iodef \"mailto:a@b\"",
	    "0 iodef \"mailto:a@b\"",
	    "0005696f6465666d61696c746f3a614062" },
	{ DNS_TYPE_CAA, "128 tag \"v\"",
	    "128 tag \"v\"",
	    "800374616776" },
	{ DNS_TYPE_CAA, "0 issue ca.example.net",
	    "0 issue \"ca.example.net\"",
	    "0005697373756563612e6578616d706c652e6e6574" },
	{ DNS_TYPE_CAA, "0 issue \"a\\\"b\\\\c\"",
	    "0 issue \"a\\\"b\\\\c\"",
	    "000569737375656122625c63" },
	{ DNS_TYPE_CAA, "0 issue \"\"",
	    "0 issue \"\"",
	    "00056973737565" },
	{ DNS_TYPE_CNAME, "hostname.example.com",
	    "hostname.example.com.",
	    "08686f73746e616d65076578616d706c6503636f6d00" },
	{ DNS_TYPE_CNAME, "\\052.Example.com.",
	    "\\052.Example.com.",
	    "012a074578616d706c6503636f6d00" },
	{ DNS_TYPE_CNAME, ".",
	    ".",
	    "00" },
	{ DNS_TYPE_DS, "123 4 5 1234567890ABCDEF1234567890abcdef",
	    "123 4 5 1234567890abcdef1234567890abcdef",
	    "007b04051234567890abcdef1234567890abcdef" },
	{ DNS_TYPE_DS, "60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118",
	    "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
	    "ec4505012bb183af5f22588179a53b0a98631fad1a292118" },
	{ DNS_TYPE_HTTPS, "1 . alpn=\"h3,h2\" ipv4hint=192.0.2.1",
	    "1 . alpn=\"h3,h2\" ipv4hint=192.0.2.1",
	    "0001000001000602683302683200040004c0000201" },
	{ DNS_TYPE_HTTPS, "0 svc.example.com.",
	    "0 svc.example.com.",
	    "000003737663076578616d706c6503636f6d00" },
	{ DNS_TYPE_HTTPS, "1 svc.example. port=8443 alpn=h2 mandatory=port,alpn",
	    "1 svc.example. mandatory=alpn,port alpn=\"h2\" port=8443",
	    "000103737663076578616d706c65000000000400010003000100030268320003000220fb" },
	{ DNS_TYPE_HTTPS, "1 . ech=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw== ipv6hint=2001:db8::1,::ffff:192.0.2.1 no-default-alpn alpn=h2",
	    "1 . alpn=\"h2\" no-default-alpn ech=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw== ipv6hint=2001:db8::1,::ffff:192.0.2.1",
	    "000100000100030268320002000000050028000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526270006002020010db800000000000000000000000100000000000000000000ffffc0000201" },
	{ DNS_TYPE_HTTPS, "2 Target.Example. key65000=\"x y\" key7",
	    "2 Target.Example. key7 key65000=\"x y\"",
	    "000206546172676574074578616d706c650000070000fde80003782079" },
	{ DNS_TYPE_SVCB, "1 svc.example. alpn=\"a\\\\\\\\\\\\,b,c\\\\,d\"",
	    "1 svc.example. alpn=\"a\\\\\\\\\\\\,b,c\\\\,d\"",
	    "000103737663076578616d706c65000001000904615c2c6203632c64" },
	{ DNS_TYPE_SVCB, "16 foo.example.org. alpn=h2,h3-19 ipv4hint=192.0.2.1,192.0.2.2",
	    "16 foo.example.org. alpn=\"h2,h3-19\" ipv4hint=192.0.2.1,192.0.2.2",
	    "001003666f6f076578616d706c65036f726700000100090268320568332d313900040008c0000201c0000202" },
	{ DNS_TYPE_SVCB, "1 . key1=\"\\002h2\\002h3\"",
	    "1 . alpn=\"h2,h3\"",
	    "00010000010006026832026833" },
	{ DNS_TYPE_MX, "10 mail.example.com",
	    "10 mail.example.com.",
	    "000a046d61696c076578616d706c6503636f6d00" },
	{ DNS_TYPE_MX, "0 .",
	    "0 .",
	    "000000" },
	{ DNS_TYPE_NAPTR, "100 50 \"u\" \"E2U+sip\" \"!^(+441632960083)$!sip:1@example.com!\" .",
	    "100 50 \"u\" \"E2U+sip\" \"!^(+441632960083)$!sip:1@example.com!\" .",
	    "006400320175074532552b73697025215e282b3434313633323936303038332924217369703a31406578616d706c652e636f6d2100" },
	{ DNS_TYPE_NAPTR, "10 20 S SIP+D2U \"\" _sip._udp.example.com",
	    "10 20 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.",
	    "000a00140153075349502b44325500045f736970045f756470076578616d706c6503636f6d00" },
	{ DNS_TYPE_NS, "ns-1.example.com",
	    "ns-1.example.com.",
	    "046e732d31076578616d706c6503636f6d00" },
	{ DNS_TYPE_PTR, "hostname.example.com.",
	    "hostname.example.com.",
	    "08686f73746e616d65076578616d706c6503636f6d00" },
	{ DNS_TYPE_SOA, "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400",
	    "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400",
	    "076e732d3230343809617773646e732d3634036e6574000a686f73746d6173746572076578616d706c6503636f6d000000000100001c20000003840012750000015180" },
	{ DNS_TYPE_SOA, "a. b. 4294967295 0 0 0 0",
	    "a. b. 4294967295 0 0 0 0",
	    "016100016200ffffffff00000000000000000000000000000000" },
	{ DNS_TYPE_SPF, "\"v=spf1 ip4:192.168.0.1/16 -all\"",
	    "\"v=spf1 ip4:192.168.0.1/16 -all\"",
	    "1e763d73706631206970343a3139322e3136382e302e312f3136202d616c6c" },
	{ DNS_TYPE_SRV, "10 5 80 hostname.example.com",
	    "10 5 80 hostname.example.com.",
	    "000a0005005008686f73746e616d65076578616d706c6503636f6d00" },
	{ DNS_TYPE_SSHFP, "4 2 ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB",
	    "4 2 abababababababababababababababababababababababababababababababab",
	    "0402abababababababababababababababababababababababababababababababab" },
	{ DNS_TYPE_TLSA, "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "0301010123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	{ DNS_TYPE_TXT, "\"String 1\" \"String 2\"",
	    "\"String 1\" \"String 2\"",
	    "08537472696e67203108537472696e672032" },
	{ DNS_TYPE_TXT, "\"a\"\"b\"",
	    "\"a\" \"b\"",
	    "01610162" },
	{ DNS_TYPE_TXT, "\"\"",
	    "\"\"",
	    "00" },
	{ DNS_TYPE_TXT, "\"say \\\"hi\\\" \\\\o/\"",
	    "\"say \\\"hi\\\" \\\\o/\"",
	    "0c7361792022686922205c6f2f" },
	{ DNS_TYPE_TXT, "\"ex\\303\\244mple\"",
	    "\"ex\\303\\244mple\"",
	    "086578c3a46d706c65" },
	{ DNS_TYPE_TXT, "\"\\000\\011\\177\\377 ~\"",
	    "\"\\000\\011\\177\\377 ~\"",
	    "0600097fff207e" },
	{ DNS_TYPE_TXT, "\"\\a\\b\"",
	    "\"ab\"",
	    "026162" },
	{ DNS_TYPE_TXT, "\"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9\" \"w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjAN\" \"BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANB\"",
	    "\"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9\" \"w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjAN\" \"BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAMIIBIjANB\"",
	    "ff763d444b494d313b206b3d7273613b20703d4d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b694739ff7730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e5942676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145414d494942496a414e42" },
};

static char text[300000];
static uint8_t wire[DNS_RDATA_MAX], wire2[DNS_RDATA_MAX];

static void
test_vectors(void)
{
	int stable = 0, identical = 0;

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		unsigned t = vectors[i].type;
		char tn[RR_TYPE_NAME_MAX];
		const char *name = rr_type_name(t, tn);
		uint8_t want[DNS_RDATA_MAX];
		long wl = dnstest_unhex(want, sizeof want, vectors[i].hex);
		struct err e = { 0 };
		long n, m;

		n = rr_from_r53(t, vectors[i].in, strlen(vectors[i].in), wire, sizeof wire, &e);
		if (!ok(n >= 0, "%s \"%.50s\" parses", name, vectors[i].in)) {
			diag("%s", e.msg);
			continue;
		}
		is_mem(wire, (size_t)n, want, (size_t)wl, "%s \"%.50s\" wire form", name,
		    vectors[i].in);
		m = rr_to_r53(t, want, (size_t)wl, text, sizeof text, &e);
		if (!ok(m == (long)strlen(vectors[i].out), "%s text length", name))
			diag("%s", e.msg);
		is_str(text, vectors[i].out, "%s wire prints as Route 53 text", name);
		/* text -> wire -> text stable; wire -> text -> wire identical. */
		m = rr_from_r53(t, text, strlen(text), wire2, sizeof wire2, &e);
		identical += m == wl && !memcmp(wire2, want, (size_t)wl);
		rr_to_r53(t, wire2, m < 0 ? 0 : (size_t)m, text + 150000, 150000, NULL);
		stable += !strcmp(text, text + 150000);
	}
	is_int(identical, sizeof vectors / sizeof vectors[0], "wire -> text -> wire identical");
	is_int(stable, sizeof vectors / sizeof vectors[0], "text -> wire -> text stable");
}

static void
refused(unsigned type, const char *in, const char *why)
{
	struct err e = { 0 };
	char tn[RR_TYPE_NAME_MAX];

	ok(rr_from_r53(type, in, strlen(in), wire, sizeof wire, &e) < 0 && strstr(e.msg, why),
	    "%s \"%.40s\" refused (%s): %s", rr_type_name(type, tn), in, why, e.msg);
}

static void
test_malformed_text(void)
{
	char big[700];

	refused(DNS_TYPE_A, "192.0.2", "not an IPv4");
	refused(DNS_TYPE_A, "192.0.2.256", "not an IPv4");
	refused(DNS_TYPE_A, "192.0.2.01", "not an IPv4");
	refused(DNS_TYPE_A, "192.0.2.1.", "not an IPv4");
	refused(DNS_TYPE_A, "", "missing");
	refused(DNS_TYPE_A, "192.0.2.1 x", "after the value");
	refused(DNS_TYPE_AAAA, "2001:db8::1::2", "not an IPv6");
	refused(DNS_TYPE_AAAA, "192.0.2.1", "not an IPv6");
	refused(DNS_TYPE_TXT, "unquoted", "double quotes");
	refused(DNS_TYPE_TXT, "\"open", "closing");
	refused(DNS_TYPE_TXT, "\"a\"b", "after the closing quote");
	refused(DNS_TYPE_TXT, "\"a\" b", "double quotes");
	refused(DNS_TYPE_TXT, "\"\\38\"", "octal");
	refused(DNS_TYPE_TXT, "\"\\400\"", "octal");
	refused(DNS_TYPE_TXT, "\"\\1\"", "octal");
	refused(DNS_TYPE_TXT, "\"a\\", "closing");
	refused(DNS_TYPE_TXT, "", "missing");
	big[0] = '"';
	memset(big + 1, 'x', 256);
	strcpy(big + 257, "\"");
	refused(DNS_TYPE_TXT, big, "longer than 255");
	big[256] = '"';
	big[257] = '\0';
	{
		struct err e = { 0 };

		is_int(rr_from_r53(DNS_TYPE_TXT, big, strlen(big), wire, sizeof wire, &e), 256,
		    "a 255-octet string is fine");
	}
	refused(DNS_TYPE_SPF, "v=spf1", "double quotes");
	refused(DNS_TYPE_MX, "10", "exchange missing");
	refused(DNS_TYPE_MX, "65536 a.", "0 to 65535");
	refused(DNS_TYPE_MX, "-1 a.", "0 to 65535");
	refused(DNS_TYPE_MX, "10 a..b.", "empty label");
	refused(DNS_TYPE_MX, "10 a. b.", "after the value");
	refused(DNS_TYPE_CNAME, "a\\", "backslash");
	refused(DNS_TYPE_SOA, "a. b. 1 2 3 4", "minimum missing");
	refused(DNS_TYPE_SOA, "a. b. 4294967296 2 3 4 5", "0 to 4294967295");
	refused(DNS_TYPE_SRV, "1 2 3", "target missing");
	refused(DNS_TYPE_CAA, "0 is-sue \"x\"", "letters and digits");
	refused(DNS_TYPE_CAA, "256 issue \"x\"", "0 to 255");
	refused(DNS_TYPE_CAA, "0 issue", "value missing");
	refused(DNS_TYPE_DS, "1 2 3 abc", "odd number");
	refused(DNS_TYPE_DS, "1 2 3 xy", "not a hex digit");
	refused(DNS_TYPE_DS, "1 2 3", "digest missing");
	refused(DNS_TYPE_SSHFP, "1 2", "missing");
	refused(DNS_TYPE_TLSA, "3 1 1", "missing");
	refused(DNS_TYPE_NAPTR, "1 2 \"u\" \"s\" \"r\"", "replacement missing");
	refused(DNS_TYPE_HTTPS, "1 . alpn=h2 alpn=h3", "twice");
	refused(DNS_TYPE_HTTPS, "1 . alpn=h2 key1=\"\\002h3\"", "twice");
	refused(DNS_TYPE_HTTPS, "1 . foo=bar", "unknown SvcParam");
	refused(DNS_TYPE_HTTPS, "1 . key65535=x", "unknown SvcParam");
	refused(DNS_TYPE_HTTPS, "1 . key01=x", "unknown SvcParam");
	refused(DNS_TYPE_HTTPS, "1 . mandatory=port", "missing");
	refused(DNS_TYPE_HTTPS, "1 . mandatory=mandatory", "itself");
	refused(DNS_TYPE_HTTPS, "1 . mandatory=port,port port=1", "twice");
	refused(DNS_TYPE_HTTPS, "1 . port=65536", "port");
	refused(DNS_TYPE_HTTPS, "1 . port", "needs a value");
	refused(DNS_TYPE_HTTPS, "1 . no-default-alpn=x", "no value");
	refused(DNS_TYPE_HTTPS, "1 . alpn=h2,,h3", "empty protocol");
	refused(DNS_TYPE_HTTPS, "1 . ipv4hint=1.2.3", "ipv4hint");
	refused(DNS_TYPE_HTTPS, "1 . ipv6hint=1.2.3.4", "ipv6hint");
	refused(DNS_TYPE_HTTPS, "1 . ech=!!!!", "base64");
	refused(DNS_TYPE_HTTPS, "1", "TargetName missing");
	refused(DNS_TYPE_HTTPS, "1 . key1=\"\\002h\"", "alpn");
	refused(DNS_TYPE_HTTPS, "1 . key3=\"\\001\"", "key 3");
	refused(DNS_TYPE_LOC, "1 2 3", "not supported");
}

static void
bad_wire(unsigned type, const char *hex, const char *why)
{
	uint8_t r[512];
	long n = dnstest_unhex(r, sizeof r, hex);
	struct err e = { 0 };
	char tn[RR_TYPE_NAME_MAX];

	ok(rr_to_r53(type, r, (size_t)n, text, sizeof text, &e) < 0 && strstr(e.msg, why),
	    "%s rdata %s refused (%s): %s", rr_type_name(type, tn), hex, why, e.msg);
}

static void
test_malformed_wire(void)
{
	bad_wire(DNS_TYPE_A, "c00002", "truncated");
	bad_wire(DNS_TYPE_A, "c0000201ff", "do not belong");
	bad_wire(DNS_TYPE_AAAA, "00", "truncated");
	bad_wire(DNS_TYPE_TXT, "", "no character string");
	bad_wire(DNS_TYPE_TXT, "0361", "truncated");
	bad_wire(DNS_TYPE_CNAME, "01610000", "do not belong");
	bad_wire(DNS_TYPE_CNAME, "0161c000", "compress");
	bad_wire(DNS_TYPE_MX, "000a", "past the end");
	bad_wire(DNS_TYPE_CAA, "0000", "empty CAA tag");
	bad_wire(DNS_TYPE_CAA, "000361", "truncated");
	bad_wire(DNS_TYPE_CAA, "0003612d62", "a-z A-Z 0-9");
	bad_wire(DNS_TYPE_DS, "00010203", "no data");
	bad_wire(DNS_TYPE_SOA, "00000000000000", "truncated");
	bad_wire(DNS_TYPE_HTTPS, "000100 0001000000", "SvcParam");
	bad_wire(DNS_TYPE_HTTPS, "000100 0003000100", "SvcParam key 3");
	bad_wire(DNS_TYPE_HTTPS, "000100 000300020050 000100020168", "increasing");
	bad_wire(DNS_TYPE_HTTPS, "000100 000100020168 000100020168", "increasing");
	bad_wire(DNS_TYPE_HTTPS, "000100 ffff0000", "invalid");
	bad_wire(DNS_TYPE_HTTPS, "000100 000000020003", "mandatory");
	bad_wire(DNS_TYPE_HTTPS, "000100 000000020000 0003000201bb", "mandatory");
	bad_wire(DNS_TYPE_HTTPS, "000100 000000040003 0001 0003000201bb", "mandatory");
	bad_wire(DNS_TYPE_HTTPS, "000100 000400030102 03", "SvcParam key 4");
	bad_wire(DNS_TYPE_HTTPS, "000100 00050000", "SvcParam key 5");
	bad_wire(DNS_TYPE_HTTPS, "000100 0002000100", "SvcParam key 2");
	bad_wire(DNS_TYPE_HTTPS, "000100 000100020268", "alpn");
	bad_wire(DNS_TYPE_HTTPS, "000100 0001000100", "alpn");
	bad_wire(DNS_TYPE_HTTPS, "000100 00010005", "truncated");
	bad_wire(DNS_TYPE_LOC, "00", "not supported");
}

static void
test_types(void)
{
	static const unsigned r53[] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CAA, DNS_TYPE_CNAME,
		DNS_TYPE_DS, DNS_TYPE_HTTPS, DNS_TYPE_MX, DNS_TYPE_NAPTR, DNS_TYPE_NS, DNS_TYPE_PTR,
		DNS_TYPE_SOA, DNS_TYPE_SPF, DNS_TYPE_SRV, DNS_TYPE_SSHFP, DNS_TYPE_SVCB,
		DNS_TYPE_TLSA, DNS_TYPE_TXT };
	char tn[RR_TYPE_NAME_MAX];
	int n = 0;

	for (unsigned t = 0; t < 65536; t++)
		n += rr_r53_supported(t);
	is_int(n, 17, "17 types are Route 53 types");
	for (size_t i = 0; i < 17; i++) {
		const char *name = rr_type_name(r53[i], tn);

		ok(rr_r53_supported(r53[i]) && rr_type_parse(name, strlen(name)) == (int)r53[i],
		    "%s is supported and its name parses back", name);
	}
	is_str(rr_type_name(DNS_TYPE_NSEC3PARAM, tn), "NSEC3PARAM", "NSEC3PARAM");
	is_str(rr_type_name(DNS_TYPE_RRSIG, tn), "RRSIG", "RRSIG");
	is_str(rr_type_name(65535, tn), "TYPE65535", "unknown types as TYPE65535 (RFC 3597)");
	is_str(rr_type_name(123, tn), "TYPE123", "TYPE123");
	is_int(rr_type_parse("https", 5), DNS_TYPE_HTTPS, "names are case-insensitive");
	is_int(rr_type_parse("TYPE123", 7), 123, "TYPE123 parses");
	is_int(rr_type_parse("type1", 5), 1, "type1 is A");
	is_int(rr_type_parse("TYPE65536", 9), -1, "TYPE65536 is not a type");
	is_int(rr_type_parse("TYPE", 4), -1, "TYPE alone is not a type");
	is_int(rr_type_parse("AAAAA", 5), -1, "AAAAA is not a type");
	ok(!rr_r53_supported(DNS_TYPE_DNSKEY) && !rr_r53_supported(DNS_TYPE_RRSIG) &&
	    !rr_r53_supported(DNS_TYPE_LOC), "DNSKEY, RRSIG, LOC are not Route 53 types");
}

static void
test_generic_and_text(void)
{
	static const uint8_t r[] = { 0x00, 0xff, 0x10 };
	char small[5];

	is_int(rr_to_generic(r, 3, text, sizeof text), 11, "generic length");
	is_str(text, "\\# 3 00ff10", "RFC 3597 generic form");
	rr_to_generic(r, 0, text, sizeof text);
	is_str(text, "\\# 0", "empty rdata");
	is_int(rr_to_text(DNS_TYPE_LOC, r, 3, text, sizeof text), 11, "LOC printed generic");
	is_int(rr_to_text(DNS_TYPE_A, r, 3, text, sizeof text), 11, "a bad A printed generic");
	rr_to_text(DNS_TYPE_A, (const uint8_t *)"\1\2\3\4", 4, text, sizeof text);
	is_str(text, "1.2.3.4", "a good A printed as Route 53 text");
	is_int(rr_to_r53(DNS_TYPE_TXT, (const uint8_t *)"\005hello", 6, small, sizeof small,
	    NULL), 7, "snprintf-like: the full length");
	is_str(small, "\"hel", "... and the text cut to the buffer");
	is_int(rr_to_r53(DNS_TYPE_TXT, (const uint8_t *)"\005hello", 6, small, 0, NULL), 7,
	    "a zero-size buffer gives the length");
}

/* rr_from_r53 of a NUL-terminated value that must parse. */
static long
from_text(unsigned type, const char *s, uint8_t *out, size_t cap)
{
	struct err e = { 0 };
	long n = rr_from_r53(type, s, strlen(s), out, cap, &e);

	if (n < 0)
		diag("%s", e.msg);
	return n;
}

static void
test_canonical(void)
{
	uint8_t r[64];
	long n;

	n = from_text(DNS_TYPE_MX, "10 Mail.EXAMPLE.com.", r, sizeof r);
	is_int(rr_canonicalize(DNS_TYPE_MX, r, (size_t)n), 0, "MX canonical");
	is_mem(r, (size_t)n, "\0\012\004mail\007example\003com", 20, "MX exchange lower-cased");
	n = from_text(DNS_TYPE_SOA, "NS.A. Host.A. 1 2 3 4 5", r, sizeof r);
	rr_canonicalize(DNS_TYPE_SOA, r, (size_t)n);
	is_mem(r, 12, "\002ns\001a\000\004host\001a", 12, "SOA names lower-cased");
	n = from_text(DNS_TYPE_HTTPS, "1 SVC.Example. alpn=H2", r, sizeof r);
	rr_canonicalize(DNS_TYPE_HTTPS, r, (size_t)n);
	is_mem(r, (size_t)n, "\0\1\003svc\007example\0\0\1\0\003\002H2", 22,
	    "HTTPS target lower-cased, alpn kept");
	n = from_text(DNS_TYPE_TXT, "\"ABC\"", r, sizeof r);
	rr_canonicalize(DNS_TYPE_TXT, r, (size_t)n);
	is_mem(r, (size_t)n, "\003ABC", 4, "TXT case kept");
	n = from_text(DNS_TYPE_NAPTR, "1 2 \"U\" \"S\" \"R\" X.", r, sizeof r);
	rr_canonicalize(DNS_TYPE_NAPTR, r, (size_t)n);
	is_mem(r, (size_t)n, "\0\1\0\2\001U\001S\001R\001x\000", 13,
	    "NAPTR replacement lower-cased, strings kept");
	memcpy(r, "\0\012\004MAIL", 7);
	is_int(rr_canonicalize(DNS_TYPE_MX, r, 7), -1, "malformed MX: -1");
	is_mem(r, 7, "\0\012\004MAIL", 7, "... and untouched");
	memcpy(r, "\002AB\000\001", 5);
	is_int(rr_canonicalize(DNS_TYPE_NS, r, 5), -1, "NS with trailing octets: -1");
	is_int(rr_canonicalize(DNS_TYPE_NSEC, r, 5), 0, "NSEC is left alone (RFC 6840 5.1)");
	is_mem(r, 3, "\002AB", 3, "... untouched");
}

static void
test_soa(void)
{
	struct rr_soa soa;
	uint8_t r[128];
	struct err e = { 0 };
	long n = from_text(DNS_TYPE_SOA,
	    "ns-2048.awsdns-64.net. hostmaster.example.com. 2024010101 7200 900 1209600 86400", r, sizeof r);

	ok(n > 0 && rr_soa_parse(&soa, r, (size_t)n, &e) == 0, "SOA parses");
	ok(soa.serial == 2024010101u && soa.refresh == 7200 && soa.retry == 900 &&
	    soa.expire == 1209600 && soa.minimum == 86400, "SOA numbers");
	is_mem(soa.rname, 24, "\012hostmaster\007example\003com", 24, "SOA rname");
	ok(rr_soa_parse(&soa, r, (size_t)n - 1, &e) < 0 && strstr(e.msg, "SOA"),
	    "short SOA refused: %s", e.msg);
	err_clear(&e);
	r[n] = 0;
	ok(rr_soa_parse(&soa, r, (size_t)n + 1, &e) < 0 && strstr(e.msg, "too many"),
	    "long SOA refused: %s", e.msg);
}

/* Every escape the TXT writer can produce reads back: all 256 octets. */
static void
test_all_octets(void)
{
	uint8_t r[300];
	long n, m;
	struct err e = { 0 };

	for (int b = 0; b < 256; b++) {
		r[1 + b % 255] = (uint8_t)b;
		if (b % 255 == 254 || b == 255) {
			r[0] = (uint8_t)(b % 255 + 1);
			n = rr_to_r53(DNS_TYPE_TXT, r, (size_t)r[0] + 1, text, sizeof text, &e);
			m = rr_from_r53(DNS_TYPE_TXT, text, (size_t)n, wire, sizeof wire, &e);
			is_mem(wire, (size_t)(m < 0 ? 0 : m), r, (size_t)r[0] + 1,
			    "octets up to %d survive TXT text", b);
		}
	}
	memcpy(r, "\0\5issue", 7);
	for (int b = 0; b < 256; b++)
		r[7 + b] = (uint8_t)b;
	n = rr_to_r53(DNS_TYPE_CAA, r, 263, text, sizeof text, &e);
	m = rr_from_r53(DNS_TYPE_CAA, text, (size_t)n, wire, sizeof wire, &e);
	is_mem(wire, (size_t)(m < 0 ? 0 : m), r, 263, "all 256 octets survive a CAA value");
	for (int b = 0; b < 256; b++)
		r[2 + b] = (uint8_t)b;
	/* HTTPS with a key65000 holding every octet. */
	memcpy(r, "\0\1\0\xfd\xe8\1\0", 7);
	for (int b = 0; b < 256; b++)
		r[7 + b] = (uint8_t)b;
	n = rr_to_r53(DNS_TYPE_HTTPS, r, 263, text, sizeof text, &e);
	m = rr_from_r53(DNS_TYPE_HTTPS, text, (size_t)n, wire, sizeof wire, &e);
	is_mem(wire, (size_t)(m < 0 ? 0 : m), r, 263, "all 256 octets survive a key65000 value");
}

int
main(void)
{
	test_types();
	test_vectors();
	test_malformed_text();
	test_malformed_wire();
	test_generic_and_text();
	test_canonical();
	test_soa();
	test_all_octets();
	return tap_done();
}
