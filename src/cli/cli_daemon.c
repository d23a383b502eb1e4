/*
 * cli_daemon: the `daemon` command: its options into struct daemon_opts
 * for daemon_run (src/daemon/daemon).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "config/cfg.h"
#include "daemon/daemon.h"

int
cmd_daemon(int argc, char **argv)
{
	struct daemon_opts o = { CFG_DEFAULT_PATH, NULL, 0, 0 };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-c") && i + 1 < argc) {
			o.cfg_path = argv[++i];
		} else if (!strcmp(a, "--pidfile") && i + 1 < argc) {
			o.pidfile = argv[++i];
		} else if (!strcmp(a, "-v")) {
			o.verbose = 1;
		} else if (!strcmp(a, "--syslog")) {
			o.syslog = 1;
		} else {
			fprintf(stderr, "usage: notify53 daemon [-c FILE] [-v] [--syslog] "
					"[--pidfile FILE]\n");
			return CMD_USAGE;
		}
	}
	return daemon_run(&o);
}
