/*
 * main: the command line. Each command is a function in the module that owns
 * it; this file only dispatches and prints usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"

static const struct cmd commands[] = {
	{ "version", "print version, compiled-in options and library versions", cmd_version },
	{ "soa", "ZONE SERVER[:PORT] [--tsig K]: query a primary's SOA", cmd_soa },
	{ "xfr", "ZONE SERVER[:PORT] [--tsig K] [--ixfr SERIAL] [--json]: transfer a zone",
	    cmd_xfr },
	{ "r53", "zones | dump ZONE|ZONE_ID [--json] [-c FILE]: what Route 53 holds", cmd_r53 },
	{ "plan", "[-c FILE] [ZONE...] [--json]: the changes a sync would make (exit 2: pending)",
	    cmd_plan },
	{ "sync", "[-c FILE] [ZONE...] [--dry-run] [--force] [--wait]: bring Route 53 in line",
	    cmd_sync },
	{ "daemon", "[-c FILE] [-v] [--syslog] [--pidfile FILE]: NOTIFY listener and zone timers",
	    cmd_daemon },
	{ "check-config", "[-c FILE]: validate the configuration, print the zones", cmd_check_config },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: notify53 COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CMD_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "notify53: unknown command '%s' (try 'notify53 help')\n", argv[1]);
	return CMD_USAGE;
}
