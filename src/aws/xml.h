/*
 * xml: the small subset of XML 1.0 that Route 53 speaks.
 *
 * Reader: a whole response body (already bounded by the HTTP layer) is parsed
 * in place into a tree of element nodes. Names and text point into the
 * caller's buffer, which is rewritten (NUL terminators, decoded entities) and
 * must outlive the document; the only allocation is one array of nodes, sized
 * from the document and bounded by XML_MAX_NODES. Supported: elements,
 * attributes (checked and skipped: Route 53 puts only xmlns on the root),
 * character data with the five named entities and decimal/hex character
 * references (to UTF-8), CDATA sections, comments and processing instructions
 * (skipped), CRLF normalised to LF (XML 1.0 section 2.11). Refused: a DOCTYPE
 * (no DTD, so no entity expansion attacks), unknown entities, NUL bytes,
 * mismatched tags, nesting deeper than XML_MAX_DEPTH, anything but one root.
 *
 * Walk it with xml_child/xml_next/xml_path, e.g.
 *
 *   struct xml_node *set = xml_path(doc.root, "ResourceRecordSets/ResourceRecordSet");
 *   for (; set; set = xml_next(set))
 *           name = xml_text(set, "Name");
 *
 * Writer: builds a request body (ChangeResourceRecordSets) in a heap buffer
 * bounded by the caller, escaping & < > " ' in text and attribute values.
 */
#ifndef NOTIFY53_XML_H
#define NOTIFY53_XML_H

#include <stddef.h>

#include "config.h"
#include "base/buf.h"
#include "base/err.h"

struct xml_node {
	const char *name;  /* element name as written, e.g. "HostedZone" */
	const char *text;  /* decoded character data before the first child
	                      element (all of it for a leaf); "" when none */
	size_t text_len;   /* bytes of text, without the NUL */
	struct xml_node *child; /* first child element, or NULL */
	struct xml_node *next;  /* next sibling element, or NULL */
};

struct xml_doc {
	struct xml_node *root;
	struct xml_node *nodes; /* the one allocation */
	size_t nnodes;
	struct err err;
};

/* Parse len bytes of buf in place (buf is modified and must stay alive
 * while the document is used). Returns 0, or -1 with d->err set to a message
 * naming the problem and its byte offset; d needs xml_free either way. */
int xml_parse(struct xml_doc *d, char *buf, size_t len);

/* Release the node array (not buf). Safe on a zeroed or failed document. */
void xml_free(struct xml_doc *d);

/* The first child element of n called name, or NULL (n may be NULL). */
struct xml_node *xml_child(const struct xml_node *n, const char *name);

/* The next sibling of n with the same name, or NULL: iterates over a list
 * such as ResourceRecordSets/ResourceRecordSet. */
struct xml_node *xml_next(const struct xml_node *n);

/* Follow a '/'-separated path of child names from n ("" is n itself), taking
 * the first match at each step. NULL when a step is missing. */
struct xml_node *xml_path(const struct xml_node *n, const char *path);

/* Text of the element at path below n, or NULL when it is missing. */
const char *xml_text(const struct xml_node *n, const char *path);

struct xml_writer {
	struct buf out; /* the body; owned until xml_writer_take */
	const char *open[XML_MAX_DEPTH]; /* names of the open elements */
	int depth;
	struct err err;
};

/* Start a document with the XML declaration; the body may grow to max
 * bytes. Errors are sticky: check w->err (or xml_writer_take) at the end. */
void xml_writer_init(struct xml_writer *w, size_t max);

/* <name> or, with xmlns non-NULL, <name xmlns="...">. name must stay valid
 * until the element is closed (string literals in practice). */
void xml_open(struct xml_writer *w, const char *name, const char *xmlns);

/* Close the innermost open element. */
void xml_close(struct xml_writer *w);

/* <name>text</name> with text escaped; refuses control characters other
 * than tab, LF and CR (not representable in XML 1.0). */
void xml_leaf(struct xml_writer *w, const char *name, const char *text);

/* The finished body (all elements closed): returns the heap buffer, which
 * the caller frees, and its length in *len; NULL with w->err set on any
 * error. The writer is empty afterwards. */
char *xml_writer_take(struct xml_writer *w, size_t *len);

/* Drop the buffer (after an error, or an abandoned body). */
void xml_writer_free(struct xml_writer *w);

#endif
