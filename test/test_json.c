/*
 * test_json: strings escaped per RFC 8259 section 7, cJSON values written
 * back compactly (nesting, numbers that must read back exactly, literals).
 */
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "base/fmt.h"
#include "base/json.h"
#include "tap.h"

static char *text;

/* What f received, NUL-terminated (owned until the next call). */
static const char *
written(const char *in, int as_value)
{
	struct fmt_stream f;
	cJSON *v = NULL;

	free(text);
	fmt_memstream(&f);
	if (as_value) {
		v = cJSON_Parse(in);
		json_write_value(&f, v);
		cJSON_Delete(v);
	} else {
		json_write_str(&f, in);
	}
	text = buf_take(&f.b);
	return text;
}

int
main(void)
{
	is_str(written("plain", 0), "\"plain\"", "plain string");
	is_str(written("a\"b\\c", 0), "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	is_str(written("\n\t\x01\x1f\x7f", 0), "\"\\u000a\\u0009\\u0001\\u001f\\u007f\"",
	    "control bytes and DEL as \\u00XX");
	is_str(written("caf\xc3\xa9", 0), "\"caf\xc3\xa9\"", "UTF-8 as it is");
	is_str(written("", 0), "\"\"", "empty string");

	is_str(written("{\"a\": [1, 2.5, \"x\", true, false, null], \"b\": {}}", 1),
	    "{\"a\":[1,2.5,\"x\",true,false,null],\"b\":{}}", "nested value, compact");
	is_str(written("70000", 1), "70000", "whole number");
	is_str(written("0.1", 1), "0.1", "0.1 in 15 digits");
	is_str(written("0.30000000000000004", 1), "0.30000000000000004",
	    "a double that needs 17 digits");
	is_str(written("-1e300", 1), "-1e+300", "large exponent");
	is_str(written("[]", 1), "[]", "empty array");
	is_str(written("{\"k\\n\": \"v\"}", 1), "{\"k\\u000a\":\"v\"}", "member name escaped");
	free(text);
	return tap_done();
}
