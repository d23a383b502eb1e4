#include "aws/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reader ------------------------------------------------------------- */

/* One open element while parsing: where its text is being written and
 * whether a child element has ended that text. */
struct open_el {
	struct xml_node *node, *last_child;
	char *text;
	size_t w;
	int frozen;
};

struct px {
	char *b;
	size_t len, r;
	struct xml_doc *d;
	struct xml_node *nodes;
	size_t used, count;
	struct open_el st[XML_MAX_DEPTH];
	int depth;
};

static int
fail(struct px *p, const char *what)
{
	return err_set(&p->d->err, "xml: %s at byte %zu", what, p->r);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
	    c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int
at(struct px *p, const char *s)
{
	size_t n = strlen(s);

	return p->len - p->r >= n && !memcmp(p->b + p->r, s, n);
}

static void
skip_ws(struct px *p)
{
	while (p->r < p->len && is_ws(p->b[p->r]))
		p->r++;
}

/* Skip to just after the terminator; -1 when it never comes. */
static int
skip_past(struct px *p, const char *term, const char *what)
{
	size_t n = strlen(term);

	for (; p->len - p->r >= n; p->r++) {
		if (!memcmp(p->b + p->r, term, n)) {
			p->r += n;
			return 0;
		}
	}
	p->r = p->len;
	return fail(p, what);
}

/* Comments, processing instructions (the XML declaration among them) and,
 * refused, a DOCTYPE. Returns 1 when one was skipped, 0 when p is not at
 * one, -1 on error. */
static int
skip_misc(struct px *p)
{
	if (at(p, "<!--"))
		return skip_past(p, "-->", "unterminated comment") < 0 ? -1 : 1;
	if (at(p, "<?"))
		return skip_past(p, "?>", "unterminated processing instruction") < 0 ? -1 : 1;
	if (at(p, "<!DOCTYPE"))
		return fail(p, "DOCTYPE refused (no DTD support)");
	if (at(p, "<!") && !at(p, "<![CDATA["))
		return fail(p, "markup declaration refused");
	return 0;
}

static size_t
utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the reference at p->r ('&') into out (at most 4 bytes, never more
 * than the reference itself). Returns the byte count or -1. */
static int
entity(struct px *p, char *out)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' },
		{ "apos;", '\'' } };
	const char *s = p->b + p->r + 1;
	size_t left = p->len - p->r - 1, i = 0;
	unsigned long cp = 0;
	int base = 10, digits = 0;

	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		size_t n = strlen(named[k].name);

		if (left >= n && !memcmp(s, named[k].name, n)) {
			p->r += 1 + n;
			out[0] = named[k].c;
			return 1;
		}
	}
	if (left < 1 || s[0] != '#')
		return fail(p, "unknown entity (only the five XML ones are defined)");
	i = 1;
	if (i < left && s[i] == 'x') {
		base = 16;
		i++;
	}
	for (; i < left && s[i] != ';'; i++, digits++) {
		int v;
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return fail(p, "bad character reference");
		cp = cp * (unsigned long)base + (unsigned long)v;
		if (cp > 0x10ffff)
			return fail(p, "character reference beyond U+10FFFF");
	}
	if (i >= left || !digits)
		return fail(p, "bad character reference");
	/* XML 1.0 section 2.2 Char: no NUL, other C0 controls, surrogates or
	 * U+FFFE/U+FFFF, even when written as a reference. */
	if ((cp < 0x20 && cp != 0x9 && cp != 0xa && cp != 0xd) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return fail(p, "character reference to a character XML forbids");
	p->r += 1 + i + 1;
	return (int)utf8_put(out, cp);
}

static void
text_put(struct open_el *e, const char *s, size_t n)
{
	if (e->frozen)
		return;
	memmove(e->text + e->w, s, n);
	e->w += n;
}

/* End the text of e: NUL-terminate it in place (the write position never
 * passes the read position, so this only overwrites consumed bytes). */
static void
text_end(struct open_el *e)
{
	if (e->frozen)
		return;
	e->text[e->w] = '\0';
	e->node->text = e->text;
	e->node->text_len = e->w;
	e->frozen = 1;
}

/* Attributes up to '>' or "/>"; values are checked, not kept. Returns 1
 * for an empty element, 0 for one with content, -1 on error. */
static int
attributes(struct px *p)
{
	for (;;) {
		char q;

		skip_ws(p);
		if (p->r >= p->len)
			return fail(p, "unterminated start tag");
		if (p->b[p->r] == '>') {
			p->r++;
			return 0;
		}
		if (at(p, "/>")) {
			p->r += 2;
			return 1;
		}
		if (!name_start((unsigned char)p->b[p->r]))
			return fail(p, "bad attribute name");
		while (p->r < p->len && name_char((unsigned char)p->b[p->r]))
			p->r++;
		skip_ws(p);
		if (p->r >= p->len || p->b[p->r] != '=')
			return fail(p, "attribute without a value");
		p->r++;
		skip_ws(p);
		if (p->r >= p->len || (p->b[p->r] != '"' && p->b[p->r] != '\''))
			return fail(p, "unquoted attribute value");
		q = p->b[p->r++];
		while (p->r < p->len && p->b[p->r] != q) {
			if (p->b[p->r] == '<')
				return fail(p, "'<' in an attribute value");
			p->r++;
		}
		if (p->r >= p->len)
			return fail(p, "unterminated attribute value");
		p->r++;
	}
}

/* A start tag at p->r ('<'): make its node, link it under the current
 * element and open it unless it is empty. */
static int
start_tag(struct px *p)
{
	struct xml_node *n;
	char *name;
	size_t end;
	int empty;

	p->r++;
	if (p->r >= p->len || !name_start((unsigned char)p->b[p->r])) {
		fail(p, "bad element name");
		return -1;
	}
	name = p->b + p->r;
	while (p->r < p->len && name_char((unsigned char)p->b[p->r]))
		p->r++;
	end = p->r;
	if (p->used == p->count) {
		fail(p, "too many elements");
		return -1;
	}
	n = &p->nodes[p->used++];
	n->name = name;
	n->text = "";
	if ((empty = attributes(p)) < 0)
		return -1;
	/* The byte after the name is whitespace, '>' or '/', consumed now. */
	p->b[end] = '\0';
	if (p->depth == 0) {
		p->d->root = n;
	} else {
		struct open_el *up = &p->st[p->depth - 1];

		text_end(up);
		if (up->last_child)
			up->last_child->next = n;
		else
			up->node->child = n;
		up->last_child = n;
	}
	if (empty)
		return 0;
	if (p->depth == XML_MAX_DEPTH) {
		fail(p, "elements nested too deep");
		return -1;
	}
	p->st[p->depth].node = n;
	p->st[p->depth].last_child = NULL;
	p->st[p->depth].text = p->b + p->r;
	p->st[p->depth].w = 0;
	p->st[p->depth].frozen = 0;
	p->depth++;
	return 0;
}

static int
end_tag(struct px *p)
{
	struct open_el *e = &p->st[p->depth - 1];
	size_t n = strlen(e->node->name);

	p->r += 2;
	if (p->len - p->r < n || memcmp(p->b + p->r, e->node->name, n) ||
	    (p->r + n < p->len && name_char((unsigned char)p->b[p->r + n])))
		return fail(p, "end tag does not match the open element");
	p->r += n;
	skip_ws(p);
	if (p->r >= p->len || p->b[p->r] != '>')
		return fail(p, "bad end tag");
	p->r++;
	text_end(e);
	p->depth--;
	return 0;
}

/* Content of the open elements until the root closes. */
static int
content(struct px *p)
{
	while (p->depth > 0) {
		struct open_el *e = &p->st[p->depth - 1];
		char c, buf[4];
		int n;

		if (p->r >= p->len)
			return fail(p, "document ends inside an element");
		c = p->b[p->r];
		if (c == '&') {
			if ((n = entity(p, buf)) < 0)
				return -1;
			text_put(e, buf, (size_t)n);
		} else if (c == '\r') {
			/* CRLF and lone CR are LF (XML 1.0 section 2.11). */
			p->r++;
			if (p->r < p->len && p->b[p->r] == '\n')
				p->r++;
			text_put(e, "\n", 1);
		} else if (c != '<') {
			text_put(e, &c, 1);
			p->r++;
		} else if (at(p, "</")) {
			if (end_tag(p) < 0)
				return -1;
		} else if (at(p, "<![CDATA[")) {
			size_t s = p->r + 9;

			p->r = s;
			if (skip_past(p, "]]>", "unterminated CDATA section") < 0)
				return -1;
			text_put(e, p->b + s, p->r - 3 - s);
		} else if ((n = skip_misc(p)) != 0) {
			if (n < 0)
				return -1;
		} else if (start_tag(p) < 0) {
			return -1;
		}
	}
	return 0;
}

/* An upper bound of the element count: '<' followed by a name start. */
static size_t
count_elements(const char *b, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < len; i++)
		if (b[i] == '<' && name_start((unsigned char)b[i + 1]))
			n++;
	return n;
}

int
xml_parse(struct xml_doc *d, char *buf, size_t len)
{
	struct px p;
	int n;

	memset(d, 0, sizeof *d);
	memset(&p, 0, sizeof p);
	p.b = buf;
	p.len = len;
	p.d = d;
	/* Every error ends at bad: (one exit). */
	if (memchr(buf, '\0', len)) {
		err_set(&d->err, "xml: NUL byte at byte %zu",
		    (size_t)((char *)memchr(buf, '\0', len) - buf));
		goto bad;
	}
	p.count = count_elements(buf, len);
	if (p.count == 0) {
		err_set(&d->err, "xml: no element");
		goto bad;
	}
	if (p.count > XML_MAX_NODES) {
		err_set(&d->err, "xml: more than %d elements", XML_MAX_NODES);
		goto bad;
	}
	if (!(d->nodes = calloc(p.count, sizeof *d->nodes))) {
		err_set(&d->err, "xml: out of memory for %zu elements", p.count);
		goto bad;
	}
	p.nodes = d->nodes;

	if (at(&p, "\xef\xbb\xbf"))
		p.r = 3;
	for (;;) {
		skip_ws(&p);
		if ((n = skip_misc(&p)) < 0)
			goto bad;
		if (n == 0)
			break;
	}
	if (p.r >= len || buf[p.r] != '<' || at(&p, "<![CDATA[")) {
		fail(&p, "no root element");
		goto bad;
	}
	if (start_tag(&p) < 0 || content(&p) < 0)
		goto bad;
	for (;;) {
		skip_ws(&p);
		if (p.r == len)
			break;
		if ((n = skip_misc(&p)) <= 0) {
			if (n == 0)
				fail(&p, "content after the root element");
			goto bad;
		}
	}
	d->nnodes = p.used;
	return 0;
bad:
	d->root = NULL;
	return -1;
}

void
xml_free(struct xml_doc *d)
{
	free(d->nodes);
	d->nodes = NULL;
	d->root = NULL;
	d->nnodes = 0;
}

static struct xml_node *
child_n(const struct xml_node *n, const char *name, size_t len)
{
	for (struct xml_node *c = n->child; c; c = c->next)
		if (!strncmp(c->name, name, len) && c->name[len] == '\0')
			return c;
	return NULL;
}

struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	return n ? child_n(n, name, strlen(name)) : NULL;
}

struct xml_node *
xml_next(const struct xml_node *n)
{
	for (struct xml_node *c = n->next; c; c = c->next)
		if (!strcmp(c->name, n->name))
			return c;
	return NULL;
}

struct xml_node *
xml_path(const struct xml_node *n, const char *path)
{
	while (n && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);

		n = child_n(n, path, len);
		path += len + (slash != NULL);
	}
	return (struct xml_node *)n;
}

const char *
xml_text(const struct xml_node *n, const char *path)
{
	n = xml_path(n, path);
	return n ? n->text : NULL;
}

/* ---- writer ------------------------------------------------------------- */

static void
put(struct xml_writer *w, const char *s, size_t n)
{
	if (w->err.set || buf_put(&w->out, s, n) == 0)
		return;
	if (w->out.failed == BUF_TOO_LARGE)
		err_set(&w->err, "xml: body longer than %zu bytes", w->out.max);
	else
		err_set(&w->err, "xml: out of memory for the body");
}

static void
puts_(struct xml_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
put_escaped(struct xml_writer *w, const char *s)
{
	/* The characters written as references, and their references. A
	 * reader turns a CR into LF (XML 1.0 section 2.11); a character
	 * reference keeps it. */
	static const char special[] = "&<>\"'\r";
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;",
		"&#13;" };

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *sp = strchr(special, c); /* c is not NUL */

		if (sp) {
			puts_(w, refs[sp - special]);
		} else if (c < 0x20 && c != '\t' && c != '\n') {
			err_set(&w->err, "xml: control character 0x%02x in text", c);
			return;
		} else {
			put(w, s, 1);
		}
	}
}

/* "<name>" (open "<") or "</name>" (open "</"). */
static void
tag(struct xml_writer *w, const char *open, const char *name)
{
	puts_(w, open);
	puts_(w, name);
	puts_(w, ">");
}

void
xml_writer_init(struct xml_writer *w, size_t max)
{
	memset(w, 0, sizeof *w);
	buf_init(&w->out, max);
	puts_(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

void
xml_open(struct xml_writer *w, const char *name, const char *xmlns)
{
	if (w->depth == XML_MAX_DEPTH) {
		err_set(&w->err, "xml: elements nested too deep");
		return;
	}
	w->open[w->depth++] = name;
	puts_(w, "<");
	puts_(w, name);
	if (xmlns) {
		puts_(w, " xmlns=\"");
		put_escaped(w, xmlns);
		puts_(w, "\"");
	}
	puts_(w, ">");
}

void
xml_close(struct xml_writer *w)
{
	if (w->depth == 0) {
		err_set(&w->err, "xml: close without an open element");
		return;
	}
	tag(w, "</", w->open[--w->depth]);
}

void
xml_leaf(struct xml_writer *w, const char *name, const char *text)
{
	tag(w, "<", name);
	put_escaped(w, text);
	tag(w, "</", name);
}

char *
xml_writer_take(struct xml_writer *w, size_t *len)
{
	char *b;

	if (w->depth)
		err_set(&w->err, "xml: <%s> not closed", w->open[w->depth - 1]);
	if (w->err.set) {
		xml_writer_free(w);
		return NULL;
	}
	*len = w->out.len;
	b = buf_take(&w->out);
	return b;
}

void
xml_writer_free(struct xml_writer *w)
{
	buf_free(&w->out);
}
