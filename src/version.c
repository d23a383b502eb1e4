#include "version.h"

#include <stdio.h>

#include "cJSON.h"
#include "cmd.h"

#ifndef NOTIFY53_VERSION
#error "NOTIFY53_VERSION must be set by the Makefile"
#endif
#ifndef NOTIFY53_BUILD_EPOCH
#error "NOTIFY53_BUILD_EPOCH must be set by the Makefile"
#endif
#ifndef BEARSSL_VERSION
#error "BEARSSL_VERSION must be set by the Makefile (BearSSL has no version macro)"
#endif

time_t
version_build_time(void)
{
	return (time_t)NOTIFY53_BUILD_EPOCH;
}

int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("notify53 %s\n", NOTIFY53_VERSION);
	printf("bearssl %s\n", BEARSSL_VERSION);
	printf("cjson %s\n", cJSON_Version());
	printf("build-time %lld\n", (long long)version_build_time());
	printf("options:\n");
	for (size_t i = 0; i < version_options_count; i++)
		printf("  %s=%s\n", version_options[i].name, version_options[i].value);
	return CMD_OK;
}
