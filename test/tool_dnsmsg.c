/*
 * tool_dnsmsg: the DNS codec driven from a script, for the dnspython
 * cross-check (test/it_dns_dnspython.py).
 *
 *   tool_dnsmsg build < spec    prints the message as hex
 *   tool_dnsmsg parse < hex     prints what the message holds
 *
 * build spec, one tab-separated line each, in message order:
 *   compress <0|1>                         (default 1)
 *   header   <id> <flags>
 *   question <name> <TYPE>
 *   rr       <section 1-3> <owner> <ttl> <TYPE> <Route 53 value>
 *   opt      <udp size> <flags>
 * Names are presentation text; records are class IN.
 *
 * parse output, tab-separated:
 *   header   <id> <flags> <qd> <an> <ns> <ar>
 *   question <name> <name, Route 53 form> <TYPE> <class>
 *   rr <section> <owner> <owner, Route 53 form> <ttl> <class> <TYPE>
 *      <rdata hex> <value: Route 53 text, or RFC 3597 generic>
 *   edns <udp size> <flags>
 * On an error: "error<TAB>message" and exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/dns.h"
#include "dnstest.h"
#include "codec/rr.h"

static char line[300000];
static char text[300000];

static int
fail(const char *what, const char *msg)
{
	printf("error\t%s%s%s\n", what, *what ? ": " : "", msg);
	return 1;
}

/* The tab-separated fields of line (modified in place); returns how many. */
static int
fields(char *s, char **f, int max)
{
	int n = 0;

	s[strcspn(s, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = s;
		if (!(s = strchr(s, '\t')))
			break;
		*s++ = '\0';
	}
	return n;
}

static int
type_of(const char *s)
{
	return rr_type_parse(s, strlen(s));
}

static int
build(void)
{
	static uint8_t msg[DNS_MAX_MSG], rd[DNS_RDATA_MAX];
	uint8_t name[DNS_NAME_MAX];
	struct dns_writer w;
	struct err e = { 0 };
	int compress = 1, started = 0;
	long n;

	while (fgets(line, sizeof line, stdin)) {
		char *f[8];
		int nf = fields(line, f, 8);

		if (nf == 2 && !strcmp(f[0], "compress")) {
			compress = atoi(f[1]);
			continue;
		}
		if (!started) {
			dns_writer_init(&w, msg, sizeof msg, compress, &e);
			started = 1;
		}
		if (nf == 3 && !strcmp(f[0], "header")) {
			struct dns_header h = { (uint16_t)atoi(f[1]), (uint16_t)atoi(f[2]), 0, 0, 0, 0 };

			dns_put_header(&w, &h);
		} else if (nf == 3 && !strcmp(f[0], "question")) {
			if (dns_name_from_text(name, sizeof name, f[1], NULL, &e) < 0)
				return fail("question", e.msg);
			dns_put_question(&w, name, (unsigned)type_of(f[2]), DNS_CLASS_IN);
		} else if (nf == 6 && !strcmp(f[0], "rr")) {
			int type = type_of(f[4]);

			if (dns_name_from_text(name, sizeof name, f[2], NULL, &e) < 0)
				return fail("owner", e.msg);
			if (type < 0)
				return fail(f[4], "unknown type");
			if ((n = rr_from_r53((unsigned)type, f[5], strlen(f[5]), rd, sizeof rd,
			    &e)) < 0)
				return fail("value", e.msg);
			dns_put_rr(&w, atoi(f[1]), name, (unsigned)type, DNS_CLASS_IN,
			    (uint32_t)strtoul(f[3], NULL, 10), rd, (size_t)n);
		} else if (nf == 3 && !strcmp(f[0], "opt"))
			dns_put_opt(&w, (unsigned)atoi(f[1]), (unsigned)atoi(f[2]));
		else
			return fail("spec", "bad line");
	}
	if ((n = dns_writer_done(&w)) < 0)
		return fail("build", e.msg);
	puts(dnstest_hex(text, msg, (size_t)n));
	return 0;
}

static int
parse(void)
{
	static uint8_t msg[DNS_MAX_MSG + 1];
	static struct dns_rr rr;
	struct dns_msg m;
	struct dns_question q;
	struct err e = { 0 };
	char n1[DNS_NAME_TEXT_MAX], n2[DNS_NAME_TEXT_MAX], tn[RR_TYPE_NAME_MAX];
	long len;
	int r;

	if (!fgets(line, sizeof line, stdin))
		return fail("parse", "no input");
	line[strcspn(line, "\r\n")] = '\0';
	if ((len = dnstest_unhex(msg, sizeof msg, line)) < 0)
		return fail("parse", "input is not hex");
	if (dns_msg_init(&m, msg, (size_t)len, &e) < 0)
		return fail("", e.msg);
	printf("header\t%u\t%u\t%u\t%u\t%u\t%u\n", m.hdr.id, m.hdr.flags, m.hdr.qdcount,
	    m.hdr.ancount, m.hdr.nscount, m.hdr.arcount);
	while ((r = dns_msg_question(&m, &q)) > 0) {
		dns_name_to_text(q.name, n1, sizeof n1);
		dns_name_to_r53(q.name, n2, sizeof n2);
		printf("question\t%s\t%s\t%s\t%u\n", n1, n2, rr_type_name(q.type, tn), q.class);
	}
	while (r >= 0 && (r = dns_msg_next(&m, &rr)) > 0) {
		dns_name_to_text(rr.owner, n1, sizeof n1);
		dns_name_to_r53(rr.owner, n2, sizeof n2);
		rr_to_text(rr.type, rr.rdata, rr.rdlen, text, sizeof text);
		printf("rr\t%d\t%s\t%s\t%lu\t%u\t%s\t%s\t%s\n", rr.section, n1, n2,
		    (unsigned long)rr.ttl, rr.class, rr_type_name(rr.type, tn),
		    dnstest_hex(line, rr.rdata, rr.rdlen), text);
	}
	if (r < 0)
		return fail("", e.msg);
	if (m.edns)
		printf("edns\t%u\t%u\n", m.edns_size, m.edns_flags);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "build"))
		return build();
	if (argc == 2 && !strcmp(argv[1], "parse"))
		return parse();
	fprintf(stderr, "usage: tool_dnsmsg build|parse\n");
	return 2;
}
