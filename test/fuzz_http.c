/*
 * Fuzz target for the HTTP response parser: the input is parsed whole and
 * in pieces whose size comes from its first byte; both must agree (status,
 * body, keep-alive, bytes consumed, error or not), and every header and body
 * byte is touched so ASan sees any lie about lengths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"

struct outcome {
	long r;
	int status, keep_alive;
	size_t used, body_len;
	char *body;
};

static void
parse(const uint8_t *data, size_t size, size_t step, struct outcome *o)
{
	struct http_parser *p = calloc(1, sizeof *p);
	size_t off = 0, sum = 0;

	http_parser_init(p, 4096, 0);
	o->r = HTTP_PARSE_MORE;
	while (off < size) {
		size_t n = size - off > step ? step : size - off;

		o->r = http_parser_feed(p, data + off, n);
		if (o->r == HTTP_PARSE_MORE) {
			off += n;
			continue;
		}
		if (o->r >= 0)
			off += (size_t)o->r;
		break;
	}
	if (o->r == HTTP_PARSE_MORE)
		o->r = http_parser_eof(p) == 0 ? 0 : HTTP_PARSE_ERROR;
	o->used = off;
	o->status = p->resp.status;
	o->keep_alive = p->resp.keep_alive;
	o->body = NULL;
	o->body_len = 0;
	if (o->r >= 0) {
		for (size_t i = 0; i < p->resp.nheaders; i++)
			sum += strlen(p->resp.headers[i].name) + strlen(p->resp.headers[i].value);
		o->body = http_response_take_body(&p->resp, &o->body_len);
		sum += (unsigned char)o->body[o->body_len];
	}
	http_parser_free(p);
	free(p);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome a, b;
	size_t step;

	if (size == 0)
		return 0;
	step = data[0] % 17 + 1;
	data++;
	size--;
	parse(data, size, size ? size : 1, &a);
	parse(data, size, step, &b);
	if ((a.r < 0) != (b.r < 0) ||
	    (a.r >= 0 && (a.status != b.status || a.keep_alive != b.keep_alive || a.used != b.used ||
	    a.body_len != b.body_len || memcmp(a.body, b.body, a.body_len))))
		abort(); /* the result depends on how the bytes arrived */
	free(a.body);
	free(b.body);
	return 0;
}
