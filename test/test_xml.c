/*
 * XML reader and writer: Route 53 response shapes walked by path, entities
 * and character references, CDATA, comments, refused constructs, every
 * truncation of a valid document, limits, and the writer reproducing the
 * ChangeResourceRecordSets body of test/kat_route53.h.
 */
#include <stdlib.h>
#include <string.h>

#include "kat_route53.h"
#include "tap.h"
#include "aws/xml.h"

/* Parse a copy of s (the parser rewrites its buffer). */
static int
parse(struct xml_doc *d, char **copy, const char *s)
{
	size_t n = strlen(s);

	*copy = malloc(n + 1);
	memcpy(*copy, s, n + 1);
	return xml_parse(d, *copy, n);
}

static const char rrsets[] =
	"<?xml version=\"1.0\"?>\r\n"
	"<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	"<ResourceRecordSets>\n"
	"  <ResourceRecordSet><Name>\\052.example.com.</Name><Type>TXT</Type><TTL>300</TTL>"
	"<ResourceRecords><ResourceRecord><Value>&quot;a &amp; b&quot;</Value></ResourceRecord>"
	"<ResourceRecord><Value>\"c&lt;d&gt;\"</Value></ResourceRecord></ResourceRecords>"
	"</ResourceRecordSet>\n"
	"  <!-- a comment between sets -->\n"
	"  <ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type>"
	"<AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId>"
	"<DNSName>d1.cloudfront.net.</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth>"
	"</AliasTarget></ResourceRecordSet>\n"
	"</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>x.example.com."
	"</NextRecordName><NextRecordType>MX</NextRecordType><MaxItems>300</MaxItems>"
	"</ListResourceRecordSetsResponse>\n";

static void
route53_shapes(void)
{
	struct xml_doc d;
	struct xml_node *set, *rr;
	char *b;

	if (!ok(parse(&d, &b, rrsets) == 0, "ListResourceRecordSets response parses"))
		diag("%s", d.err.msg);
	is_str(d.root->name, "ListResourceRecordSetsResponse", "root element");
	is_str(xml_text(d.root, "IsTruncated"), "true", "IsTruncated");
	is_str(xml_text(d.root, "NextRecordName"), "x.example.com.", "NextRecordName");
	is_str(xml_text(d.root, "NextRecordType"), "MX", "NextRecordType");
	ok(xml_text(d.root, "NextRecordIdentifier") == NULL, "missing element is NULL");
	set = xml_path(d.root, "ResourceRecordSets/ResourceRecordSet");
	is_str(xml_text(set, "Name"), "\\052.example.com.", "first set name");
	is_str(xml_text(set, "TTL"), "300", "first set TTL");
	rr = xml_path(set, "ResourceRecords/ResourceRecord");
	is_str(xml_text(rr, "Value"), "\"a & b\"", "first value, entities decoded");
	is_int(xml_path(rr, "Value")->text_len, 7, "text length");
	rr = xml_next(rr);
	is_str(xml_text(rr, "Value"), "\"c<d>\"", "second value");
	ok(xml_next(rr) == NULL, "two values");
	set = xml_next(set);
	is_str(xml_text(set, "Name"), "www.example.com.", "second set (comment skipped)");
	is_str(xml_text(set, "AliasTarget/DNSName"), "d1.cloudfront.net.", "alias target path");
	ok(xml_text(set, "TTL") == NULL, "alias set has no TTL");
	ok(xml_next(set) == NULL, "two sets");
	ok(xml_path(d.root, "") == d.root, "empty path is the node itself");
	xml_free(&d);
	free(b);

	ok(parse(&d, &b,
	    "<InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<Messages><Message>Tried to create resource record set [name='a.', type='A'] "
	    "but it already exists</Message><Message>second</Message></Messages>"
	    "<RequestId>b25f48e8</RequestId></InvalidChangeBatch>") == 0,
	    "InvalidChangeBatch parses");
	rr = xml_path(d.root, "Messages/Message");
	ok(rr && strstr(rr->text, "already exists"), "first message");
	is_str(xml_next(rr)->text, "second", "second message");
	xml_free(&d);
	free(b);

	ok(parse(&d, &b,
	    "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>"
	    "<Message>m</Message><Type>Sender</Type></Error></Errors></ErrorResponse>") == 0,
	    "moto's ErrorResponse/Errors/Error parses");
	is_str(xml_text(d.root, "Errors/Error/Code"), "SignatureDoesNotMatch", "error code");
	xml_free(&d);
	free(b);
}

static void
text_is(const char *doc, const char *want, size_t wantlen, const char *what)
{
	struct xml_doc d;
	char *b;

	if (!ok(parse(&d, &b, doc) == 0, "parses: %s", what)) {
		diag("%s", d.err.msg);
	} else {
		is_mem(d.root->text, d.root->text_len, want, wantlen, "%s", what);
		ok(d.root->text[d.root->text_len] == '\0', "NUL-terminated: %s", what);
	}
	xml_free(&d);
	free(b);
}

static void
refused(const char *doc, const char *what, const char *msg)
{
	struct xml_doc d;
	char *b;

	ok(parse(&d, &b, doc) < 0 && d.root == NULL, "refused: %s", what);
	ok(strstr(d.err.msg, msg) != NULL, "message for %s: %s", what, d.err.msg);
	xml_free(&d);
	free(b);
}

static void
text_rules(void)
{
	text_is("<a>&lt;&gt;&amp;&quot;&apos;</a>", "<>&\"'", 5, "five named entities");
	text_is("<a>&#65;&#x41;&#x00041;&#xe9;&#xE9;</a>", "AAA\xc3\xa9\xc3\xa9", 7,
	    "decimal and hex references");
	text_is("<a>&#x20AC;&#x1F600;&#1114111;</a>", "\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf",
	    11, "3- and 4-byte UTF-8 from references");
	text_is("<a>x<![CDATA[<&amp;>]]>y</a>", "x<&amp;>y", 9, "CDATA kept verbatim");
	text_is("<a>x<!-- c -->y<?pi z?>z</a>", "xyz", 3, "comment and PI inside text");
	text_is("<a>1\r\n2\r3\n</a>", "1\n2\n3\n", 6, "CRLF and CR become LF");
	text_is("\xef\xbb\xbf<a>b</a>", "b", 1, "byte order mark");
	text_is("<!-- c --><?xml-stylesheet x?>\n<a x='1' y = \"2>\">b</a><!-- e -->\n", "b", 1,
	    "prolog, attributes with '>' in quotes, epilog");
	text_is("<a/>", "", 0, "empty element");
	text_is("<a></a >", "", 0, "no content, space in end tag");
	text_is("<a>before<b>in</b>after</a>", "before", 6, "text ends at the first child");
	text_is("<a>\xc3\xa9 raw UTF-8</a>", "\xc3\xa9 raw UTF-8", 12, "raw UTF-8 kept");

	{
		struct xml_doc d;
		char *b;

		parse(&d, &b, "<r><a/><b>x</b><a>y</a><a></a></r>");
		ok(xml_child(d.root, "a") && xml_child(d.root, "a")->text[0] == '\0', "first <a/>");
		is_str(xml_next(xml_child(d.root, "a"))->text, "y", "xml_next skips <b>");
		ok(xml_next(xml_next(xml_child(d.root, "a"))) != NULL, "third <a>");
		ok(xml_child(d.root, "ab") == NULL && xml_child(d.root, "") == NULL,
		    "no prefix matches");
		ok(xml_path(d.root, "b/c") == NULL && xml_path(NULL, "a") == NULL,
		    "missing steps give NULL");
		is_int(d.nnodes, 5, "five elements");
		xml_free(&d);
		free(b);
	}
}

static void
refusals(void)
{
	refused("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "DOCTYPE", "DOCTYPE");
	refused("<a>&x;</a>", "unknown entity", "unknown entity");
	refused("<a>&amp</a>", "entity without ';'", "entity");
	refused("<a>&#;</a>", "empty reference", "character reference");
	refused("<a>&#x;</a>", "empty hex reference", "character reference");
	refused("<a>&#0;</a>", "reference to NUL", "forbids");
	refused("<a>&#x1;</a>", "reference to a control character", "forbids");
	refused("<a>&#xD800;</a>", "reference to a surrogate", "forbids");
	refused("<a>&#xFFFE;</a>", "reference to U+FFFE", "forbids");
	refused("<a>&#x110000;</a>", "reference beyond Unicode", "U+10FFFF");
	refused("<a>&#99999999999999999999;</a>", "huge reference", "U+10FFFF");
	refused("<a>&#12a;</a>", "bad digit", "character reference");
	refused("<a></b>", "mismatched end tag", "does not match");
	refused("<a></ab>", "end tag with a longer name", "does not match");
	refused("<ab></a>", "end tag with a shorter name", "does not match");
	refused("<a>", "unclosed root", "ends inside");
	refused("<a/><b/>", "two roots", "after the root");
	refused("<a/>x", "text after the root", "after the root");
	refused("x<a/>", "text before the root", "no root");
	refused("", "empty document", "no element");
	refused("   ", "only whitespace", "no element");
	refused("<!-- <a/> -->", "only a comment", "no root");
	refused("<a x=1/>", "unquoted attribute", "unquoted");
	refused("<a x/>", "attribute without value", "without a value");
	refused("<a x=\"<\"/>", "'<' in attribute", "'<'");
	refused("<a x=\"1/>", "unterminated attribute", "unterminated");
	refused("<a><1b/></a>", "bad element name", "element name");
	refused("<a><!-- x</a>", "unterminated comment", "comment");
	refused("<a><![CDATA[x</a>", "unterminated CDATA", "CDATA");
	refused("<a><!ELEMENT x></a>", "markup declaration", "declaration");
	refused("<a><?pi</a>", "unterminated PI", "processing instruction");

	{
		struct xml_doc d;
		char b[] = "<a>x\0y</a>";

		ok(xml_parse(&d, b, sizeof b - 1) < 0 && strstr(d.err.msg, "NUL"), "NUL byte refused");
		xml_free(&d);
	}
}

static void
limits(void)
{
	size_t n = XML_MAX_DEPTH + 1, i;
	char *s = malloc(n * 7 + 1), *p = s;
	struct xml_doc d;
	char *b;

	for (i = 0; i < n; i++)
		p += sprintf(p, "<a>");
	for (i = 0; i < n; i++)
		p += sprintf(p, "</a>");
	refused(s, "nesting deeper than XML_MAX_DEPTH", "too deep");
	s[(n - 1) * 3] = '\0';
	strcpy(s + (n - 1) * 3, "");
	p = s + (n - 1) * 3;
	for (i = 0; i < n - 1; i++)
		p += sprintf(p, "</a>");
	ok(parse(&d, &b, s) == 0, "nesting of exactly XML_MAX_DEPTH parses");
	xml_free(&d);
	free(b);
	free(s);

	n = XML_MAX_NODES;
	s = malloc(n * 4 + 16);
	p = s + sprintf(s, "<r>");
	for (i = 0; i < n; i++)
		p += sprintf(p, "<a/>");
	sprintf(p, "</r>");
	refused(s, "more than XML_MAX_NODES elements", "elements");
	free(s);
}

/* Every proper prefix of a valid document is an error, never a crash. */
static void
truncations(void)
{
	size_t n = strlen(rrsets), bad = 0;

	for (size_t k = 0; k < n; k++) {
		struct xml_doc d;
		char *b = malloc(k ? k : 1);

		memcpy(b, rrsets, k);
		if (xml_parse(&d, b, k) == 0 && k < n - 1)
			bad++;
		xml_free(&d);
		free(b);
	}
	is_int(bad, 0, "no truncation of the response parses (%zu tried)", n);
}

static void
writer(void)
{
	struct xml_writer w;
	struct xml_doc d;
	char *body;
	size_t len;

	xml_writer_init(&w, 4096);
	xml_open(&w, "ChangeResourceRecordSetsRequest", "https://route53.amazonaws.com/doc/2013-04-01/");
	xml_open(&w, "ChangeBatch", NULL);
	xml_open(&w, "Changes", NULL);
	xml_open(&w, "Change", NULL);
	xml_leaf(&w, "Action", "UPSERT");
	xml_open(&w, "ResourceRecordSet", NULL);
	xml_leaf(&w, "Name", "www.example.com.");
	xml_leaf(&w, "Type", "A");
	xml_leaf(&w, "TTL", "300");
	xml_open(&w, "ResourceRecords", NULL);
	xml_open(&w, "ResourceRecord", NULL);
	xml_leaf(&w, "Value", "192.0.2.1");
	for (int i = 0; i < 6; i++)
		xml_close(&w);
	xml_close(&w);
	body = xml_writer_take(&w, &len);
	is_mem(body, len, kat_route53_body, sizeof kat_route53_body - 1,
	    "writer builds the section 2.6 body");
	free(body);

	xml_writer_init(&w, 4096);
	xml_open(&w, "a", "x\"y");
	xml_leaf(&w, "v", "\"a&b\" <c> 'd' \\052\t\n");
	xml_close(&w);
	body = xml_writer_take(&w, &len);
	ok(body && strstr(body, "<a xmlns=\"x&quot;y\"><v>&quot;a&amp;b&quot; &lt;c&gt; &apos;d&apos; "
	    "\\052\t\n</v></a>"), "escapes & < > \" '");
	ok(body && xml_parse(&d, body, len) == 0 &&
	    !strcmp(xml_text(d.root, "v"), "\"a&b\" <c> 'd' \\052\t\n"), "reader round-trips it");
	xml_free(&d);
	free(body);

	xml_writer_init(&w, 4096);
	xml_open(&w, "a", NULL);
	xml_leaf(&w, "v", "bell\a");
	xml_close(&w);
	ok(xml_writer_take(&w, &len) == NULL && strstr(w.err.msg, "control character"),
	    "control character refused: %s", w.err.msg);

	xml_writer_init(&w, 4096);
	xml_open(&w, "a", NULL);
	ok(xml_writer_take(&w, &len) == NULL && strstr(w.err.msg, "<a> not closed"),
	    "unclosed element refused: %s", w.err.msg);

	xml_writer_init(&w, 4096);
	xml_close(&w);
	ok(xml_writer_take(&w, &len) == NULL && strstr(w.err.msg, "without an open"),
	    "close without open refused");

	xml_writer_init(&w, 100);
	xml_open(&w, "a", NULL);
	for (int i = 0; i < 10; i++)
		xml_leaf(&w, "v", "0123456789");
	xml_close(&w);
	ok(xml_writer_take(&w, &len) == NULL && strstr(w.err.msg, "longer than 100"),
	    "size limit enforced: %s", w.err.msg);

	xml_writer_init(&w, 10);
	ok(w.err.set, "declaration alone over a tiny limit is an error");
	xml_writer_free(&w);

	xml_writer_init(&w, 1 << 20);
	for (int i = 0; i <= XML_MAX_DEPTH; i++)
		xml_open(&w, "a", NULL);
	ok(w.err.set && strstr(w.err.msg, "too deep"), "writer depth limit");
	xml_writer_free(&w);
}

int
main(void)
{
	route53_shapes();
	text_rules();
	refusals();
	limits();
	truncations();
	writer();
	return tap_done();
}
