/*
 * cli_version: the `version` command: this binary's version, the libraries'
 * versions, the build time and the compiled-in options of config.h.
 */
#include <stdio.h>
#include <string.h>

#include "cJSON.h"
#include "base/fmt.h"
#include "base/version.h"
#include "cli/cmd.h"

#ifndef NOTIFY53_VERSION
#error "NOTIFY53_VERSION must be set by the Makefile"
#endif
#ifndef BEARSSL_VERSION
#error "BEARSSL_VERSION must be set by the Makefile (BearSSL has no version macro)"
#endif

int
cmd_version(const struct cmd_args *a)
{
	(void)a;
	fmt_printf("notify53 %s\n", NOTIFY53_VERSION);
	fmt_printf("bearssl %s\n", BEARSSL_VERSION);
	fmt_printf("cjson %s\n", cJSON_Version());
	fmt_printf("build-time %lld\n", (long long)version_build_time());
	fmt_printf("options:\n");
	for (const char *p = version_options; *p; p += strlen(p) + 1) {
		const char *value = p + strlen(p) + 1;

		fmt_printf("  %s=%s\n", p, value);
		p = value;
	}
	return CMD_OK;
}
