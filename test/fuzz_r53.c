/*
 * Fuzz target for the Route 53 response parsers: any input as a
 * ListResourceRecordSets page into a r53list (every set read back), and as
 * an error response (both shapes, every message). The sets a page yields
 * are then sent through the ChangeResourceRecordSets writer, whose body must
 * parse back with the same names and values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "codec/rr.h"
#include "aws/xml.h"

#define NCH 8

/* The body of changes ch[0..n) must read back with their names and values. */
static void
check_body(const struct r53_change *ch, size_t n, char *body, size_t len)
{
	struct xml_doc d;
	struct xml_node *c;
	size_t i = 0;

	if (xml_parse(&d, body, len) < 0)
		abort(); /* the writer made a document the reader refuses */
	for (c = xml_path(d.root, "ChangeBatch/Changes/Change"); c; c = xml_next(c), i++) {
		struct xml_node *v = xml_path(c, "ResourceRecordSet/ResourceRecords/ResourceRecord");
		int k = 0;

		if (i >= n || strcmp(xml_text(c, "ResourceRecordSet/Name"), ch[i].set.name))
			abort();
		for (; v; v = xml_next(v), k++)
			if (k >= ch[i].set.nvalues || strcmp(xml_text(v, "Value"), ch[i].set.values[k]))
				abort();
		if (k != ch[i].set.nvalues)
			abort();
	}
	if (i != n)
		abort();
	xml_free(&d);
}

static void
page(const uint8_t *data, size_t size)
{
	static const char *vals[NCH + 1][R53LIST_MAX_VALUES];
	char next[3][DNS_NAME_TEXT_MAX];
	struct r53_change ch[NCH];
	struct r53list l;
	struct err e = { 0 };
	char *buf = malloc(size ? size : 1), *body;
	size_t n = 0, len, sum = 0;
	int more;

	memcpy(buf, data, size);
	r53list_init(&l);
	if (r53_parse_sets_page(buf, size, &l, &more, next, &e) == 0) {
		for (size_t i = 0; i < r53list_count(&l); i++) {
			struct r53list_set scratch, *s = n < NCH ? &ch[n].set : &scratch;

			/* Every string of every set, so ASan sees any bad pointer. */
			r53list_get(&l, i, s, n < NCH ? vals[n] : vals[NCH]);
			sum += strlen(s->name) + (s->set_identifier ? strlen(s->set_identifier) : 0) +
			    (s->alias_target ? strlen(s->alias_target) : 0);
			for (int k = 0; k < s->nvalues; k++)
				sum += strlen(s->values[k]);
			/* Simple sets of a supported type go into a change batch. */
			if (n < NCH && !s->flags && s->nvalues && rr_r53_supported(s->type))
				ch[n++].action = R53_UPSERT;
		}
		if (n && (body = r53_change_body(ch, n, "fuzz", &len, &e))) {
			check_body(ch, n, body, len);
			free(body);
		}
	}
	(void)sum;
	r53list_free(&l);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct r53_op op;
	char *buf;
	size_t sum = 0;

	page(data, size);
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	memset(&op, 0, sizeof op);
	r53_parse_error(&op, size ? 400 + data[0] % 200 : 400, buf, size);
	for (size_t i = 0; i < op.nmessages; i++)
		sum += strlen(op.messages[i]);
	sum += strlen(op.code);
	(void)sum;
	r53_op_free(&op);
	free(buf);
	return 0;
}
