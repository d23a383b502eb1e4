/*
 * Fuzz target for the parsers of credential sources (src/aws/creds): the
 * first byte picks one, the rest is its input: 's' an STS answer (XML,
 * status 200, or 403 when the second byte is odd), 'p' a credential_process
 * output (JSON), 'i' an AWS config or credentials file (a profile's
 * settings and keys), 'c' a credential_process command line. Any other
 * first byte runs them all on the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds_value v;
	struct creds_profile p;
	struct err e;
	char *buf, words[512], *argv[17];
	int which = size ? data[0] : 0, found;

	if (!size)
		return 0;
	data++;
	size--;
	if (!(buf = malloc(size + 1)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (which == 's' || !strchr("pic", which)) {
		memset(&e, 0, sizeof e);
		if (creds_parse_sts(buf, size, size && (data[0] & 1) ? 403 : 200, "AssumeRole", &v,
		    &e) == 0 && (!v.access_key[0] || !v.secret[0] || !v.token[0]))
			abort(); /* keys said parsed but missing */
		memcpy(buf, data, size);
	}
	if (which == 'p' || !strchr("sic", which)) {
		memset(&e, 0, sizeof e);
		if (creds_parse_process(buf, size, &v, &e) == 0 && (!v.access_key[0] || !v.secret[0]))
			abort();
	}
	if (which == 'i' || !strchr("spc", which)) {
		for (int cf = 0; cf < 2; cf++) {
			memset(&p, 0, sizeof p);
			memset(&e, 0, sizeof e);
			creds_profile_read(buf, size, "default", cf, &p, &e);
			memset(&e, 0, sizeof e);
			creds_ini_find(buf, size, "default", cf, &v, &found, &e);
		}
	}
	if (which == 'c' || !strchr("spi", which)) {
		int n;

		memset(&e, 0, sizeof e);
		n = creds_split_command(buf, words, sizeof words, argv, 16, &e);
		for (int i = 0; i < n; i++)
			if (argv[i] < words || argv[i] >= words + sizeof words)
				abort(); /* a word outside the buffer */
		if (n > 0 && argv[n])
			abort();
	}
	free(buf);
	return 0;
}
