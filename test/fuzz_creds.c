/*
 * Fuzz target for the parsers of credential sources (src/aws/creds): the
 * first byte picks one, the rest is its input:
 *   's'  an STS answer (XML, status 200, or 403 when the second byte is odd)
 *   'p'  a credential_process output (JSON)
 *   'i'  an AWS config or credentials file (a profile's settings and keys;
 *        profiles "default" and "prod", both file kinds)
 *   'c'  a credential_process command line
 *   'j'  a container or IMDS credentials document (JSON)
 *   't'  an ISO 8601 expiration time
 *   'u'  an ECS full URI (AWS_CONTAINER_CREDENTIALS_FULL_URI)
 * Any other first byte runs them all on the rest.
 *
 * Properties: keys said parsed are there (both, and the token from STS);
 * a file or document refused, or a profile without keys, leaves no octet
 * of a secret in the value; command words stay inside their buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Refused or not found: nothing of a secret is left in the value. */
static void
check_wiped(const struct creds_value *v)
{
	static const struct creds_value zero;

	if (memcmp(v, &zero, sizeof zero))
		abort();
}

/* Parsed: both keys, each a string within its array. */
static void
check_keys(const struct creds_value *v)
{
	if (!v->access_key[0] || !v->secret[0] ||
	    !memchr(v->access_key, 0, sizeof v->access_key) ||
	    !memchr(v->secret, 0, sizeof v->secret) || !memchr(v->token, 0, sizeof v->token))
		abort();
}

static int
picked(int which, int mine)
{
	return which == mine || !strchr("spicjtu", which);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct creds_value v;
	static char ep[CREDS_MAX_PATH], path[CREDS_MAX_PATH];
	struct creds_profile p;
	struct err e;
	char *buf, words[512], *argv[17];
	int which = size ? data[0] : 0, found;
	time_t t;

	if (!size || !which)
		return 0;
	data++;
	size--;
	if (!(buf = malloc(size + 1)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (picked(which, 's')) {
		memset(&e, 0, sizeof e);
		if (creds_parse_sts(buf, size, size && (data[0] & 1) ? 403 : 200, "AssumeRole", &v,
		    &e) == 0 && (!v.access_key[0] || !v.secret[0] || !v.token[0]))
			abort(); /* keys said parsed but missing */
		memcpy(buf, data, size);
	}
	if (picked(which, 'p')) {
		memset(&e, 0, sizeof e);
		if (creds_parse_process(buf, size, &v, &e) == 0 && (!v.access_key[0] || !v.secret[0]))
			abort();
	}
	if (picked(which, 'i')) {
		for (int cf = 0; cf < 4; cf++) {
			const char *name = cf & 2 ? "prod" : "default";

			memset(&p, 0, sizeof p);
			memset(&e, 0, sizeof e);
			creds_profile_read(buf, size, name, cf & 1, &p, &e);
			memset(&e, 0, sizeof e);
			if (creds_ini_find(buf, size, name, cf & 1, &v, &found, &e) == 1) {
				if (!found)
					abort(); /* keys from no section */
				check_keys(&v);
			} else
				check_wiped(&v);
		}
	}
	if (picked(which, 'c')) {
		int n;

		memset(&e, 0, sizeof e);
		n = creds_split_command(buf, words, sizeof words, argv, 16, &e);
		for (int i = 0; i < n; i++)
			if (argv[i] < words || argv[i] >= words + sizeof words)
				abort(); /* a word outside the buffer */
		if (n > 0 && argv[n])
			abort();
	}
	if (picked(which, 'j')) {
		memset(&e, 0, sizeof e);
		memset(&v, 0, sizeof v);
		if (creds_parse_json(buf, size, &v, &e) == 0)
			check_keys(&v);
		else if (!e.set)
			abort(); /* refused without a reason */
		else
			check_wiped(&v);
	}
	if (picked(which, 't') && creds_parse_time(buf, &t) == 0)
		creds_refresh_state(t, 1767225600 - 3600, 1767225600);
	if (picked(which, 'u')) {
		memset(&e, 0, sizeof e);
		if (creds_ecs_uri(buf, ep, sizeof ep, path, sizeof path, &e) == 0 &&
		    (!memchr(ep, 0, sizeof ep) || !memchr(path, 0, sizeof path)))
			abort();
	}
	free(buf);
	return 0;
}
