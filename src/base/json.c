#include "base/json.h"

#include <math.h>

#include <cJSON.h>

#include "base/fmt.h"
#include "base/num.h"

void
json_write_str(struct fmt_stream *f, const char *s)
{
	fmt_fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fmt_fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fmt_fprintf(f, "\\u%04x", ch);
		else
			fmt_fputc(ch, f);
	}
	fmt_fputc('"', f);
}

static void
write_number(struct fmt_stream *f, double d)
{
	char buf[32];

	if (isnan(d) || isinf(d)) {
		fmt_fputs("null", f);
		return;
	}
	/* 15 significant digits always read back exactly for the numbers a
	 * config holds; 17 are enough for any double (IEEE 754). */
	fmt_snprintf(buf, sizeof buf, "%.15g", d);
	if (num_strtod(buf, NULL) != d)
		fmt_snprintf(buf, sizeof buf, "%.17g", d);
	fmt_fputs(buf, f);
}

void
json_write_value(struct fmt_stream *f, const cJSON *v)
{
	/* The type's bit (cJSON.h: the low byte holds one), tested here
	 * instead of by a call to a cJSON_Is... function per test. */
	int type = v->type & 0xFF, obj = type == cJSON_Object;

	if (type == cJSON_String) {
		json_write_str(f, v->valuestring);
	} else if (type == cJSON_Number) {
		write_number(f, v->valuedouble);
	} else if (type & (cJSON_True | cJSON_False)) {
		fmt_fputs(type == cJSON_True ? "true" : "false", f);
	} else if (type & (cJSON_Array | cJSON_Object)) {
		fmt_fputc(obj ? '{' : '[', f);
		for (const cJSON *c = v->child; c; c = c->next) {
			if (c != v->child)
				fmt_fputc(',', f);
			if (obj) {
				json_write_str(f, c->string ? c->string : "");
				fmt_fputc(':', f);
			}
			json_write_value(f, c);
		}
		fmt_fputc(obj ? '}' : ']', f);
	} else {
		fmt_fputs("null", f);
	}
}
