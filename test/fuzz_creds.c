/*
 * Fuzz target for the credential parsers of src/aws/creds.c. The first
 * octet chooses the parser, the rest is its input:
 *   0  the shared credentials file (INI, section "[NAME]"), profile default
 *   1  the config file (INI, "[profile NAME]"), profile "prod"
 *   2  a container or IMDS credentials JSON document
 *   3  an ISO 8601 expiration time
 *   4  an ECS full URI (AWS_CONTAINER_CREDENTIALS_FULL_URI)
 * Properties: a parser that succeeds fills its output with NUL-terminated
 * fields within their sizes, both keys present; one that refuses (or finds
 * no profile) says why and leaves no octet of a secret in its output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value's fields are strings within their arrays. */
static void
check_value(const struct creds_value *v)
{
	if (!memchr(v->access_key, 0, sizeof v->access_key) || !memchr(v->secret, 0, sizeof v->secret) ||
	    !memchr(v->token, 0, sizeof v->token))
		abort();
}

/* Refused or not found: nothing of a secret is left in the value. */
static void
check_wiped(const struct creds_value *v)
{
	static const struct creds_value zero;

	if (memcmp(v, &zero, sizeof zero))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct creds_value v;
	static char ep[CREDS_MAX_PATH], path[CREDS_MAX_PATH];
	struct err e = { 0 };
	char *text;
	int found = 0;
	time_t t;

	if (size < 1 || size > CREDS_MAX_FILE || !(text = malloc(size)))
		return 0;
	/* The input after the selector, NUL-terminated (the string parsers
	 * take C strings; the others get the length). */
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&v, 0, sizeof v);
	switch (data[0] % 5) {
	case 0:
	case 1:
		if (creds_ini_find(text, size - 1, data[0] % 5 ? "prod" : "default", data[0] % 5,
		    &v, &found, &e) == 1) {
			if (!found || !v.access_key[0] || !v.secret[0])
				abort(); /* found, with a key missing */
			check_value(&v);
		} else
			check_wiped(&v);
		break;
	case 2:
		if (creds_parse_json(text, size - 1, &v, &e) == 0) {
			if (!v.access_key[0] || !v.secret[0])
				abort();
			check_value(&v);
		} else if (!e.set)
			abort();
		else
			check_wiped(&v);
		break;
	case 3:
		if (creds_parse_time(text, &t) == 0)
			creds_refresh_state(t, 1767225600);
		break;
	default:
		if (creds_ecs_uri(text, ep, sizeof ep, path, sizeof path, &e) == 0 &&
		    (!memchr(ep, 0, sizeof ep) || !memchr(path, 0, sizeof path)))
			abort();
		break;
	}
	free(text);
	return 0;
}
