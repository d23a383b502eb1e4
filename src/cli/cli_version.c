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
	fmt_printf("notify53 %s\nbearssl %s\ncjson %s\nbuild-time %lld\noptions:\n",
	    NOTIFY53_VERSION, BEARSSL_VERSION, cJSON_Version(), (long long)version_build_time());
	for (const char *p = version_options; *p; p += strlen(p) + 1) {
		const char *value = p + strlen(p) + 1;

		fmt_printf("  %s=%s\n", p, value);
		p = value;
	}
	return CMD_OK;
}
