/*
 * cli_daemon: the `daemon` command: its options into struct daemon_opts
 * for daemon_run (src/daemon/daemon).
 */
#include <stddef.h>

#include "cli/cmd.h"
#include "config/cfg.h"
#include "daemon/daemon.h"

int
cmd_daemon(const struct cmd_args *a)
{
	struct daemon_opts o = { CFG_DEFAULT_PATH, NULL, 0, 0 };

	if (a->opt[CMD_OPT_CONFIG])
		o.cfg_path = a->opt[CMD_OPT_CONFIG];
	o.pidfile = a->opt[CMD_OPT_PIDFILE];
	o.verbose = a->opt[CMD_OPT_VERBOSE] != NULL;
	o.syslog = a->opt[CMD_OPT_SYSLOG] != NULL;
	return daemon_run(&o);
}
