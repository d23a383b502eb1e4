#include "base/secret.h"

#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

void
secret_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void
secret_free(char *s)
{
	if (s)
		secret_wipe(s, strlen(s));
	free(s);
}

void
secret_wipe_json(struct cJSON *v)
{
	/* cJSON's nesting limit (CJSON_NESTING_LIMIT, 1000) bounds the
	 * recursion. */
	for (; v; v = v->next) {
		if (v->valuestring)
			secret_wipe(v->valuestring, strlen(v->valuestring));
		if (v->string)
			secret_wipe(v->string, strlen(v->string));
		secret_wipe_json(v->child);
	}
}
