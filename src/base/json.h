/*
 * json: writing JSON text (RFC 8259) to a stream (src/base/fmt). Reading is cJSON's; its
 * printer is not used, as it links sscanf for numbers.
 */
#ifndef NOTIFY53_JSON_H
#define NOTIFY53_JSON_H

struct cJSON;
struct fmt_stream;

/* Write s as a JSON string, quotes included: '"' and '\' escaped, control
 * characters and DEL as \u00XX (RFC 8259 section 7); other bytes as they
 * are (callers pass UTF-8). */
void json_write_str(struct fmt_stream *f, const char *s);

/* Write a cJSON value (a parsed config value, say) as compact JSON: numbers
 * with the fewest digits (up to 17) that read back as the same double,
 * NaN and infinities as null (RFC 8259 section 6 has none). */
void json_write_value(struct fmt_stream *f, const struct cJSON *v);

#endif
