/*
 * cmd: the command table shared by main and the files implementing commands.
 *
 * Every command's entry point lives in src/cli/: cmd_NAME in cli_AREA.c,
 * which parses nothing the lower layers could and calls them. A command
 * gets argv with argv[0] = its own name and returns the process exit
 * status.
 */
#ifndef NOTIFY53_CMD_H
#define NOTIFY53_CMD_H

enum {
	CMD_OK = 0,
	CMD_FAIL = 1,
	CMD_USAGE = 64 /* sysexits EX_USAGE: bad command line */
};

struct cmd {
	const char *name;
	const char *help;
	int (*run)(int argc, char **argv);
};

/* src/cli/cli_version.c */
int cmd_version(int argc, char **argv);

/* src/cli/cli_dns.c */
int cmd_soa(int argc, char **argv);
int cmd_xfr(int argc, char **argv);

/* src/cli/cli_r53.c */
int cmd_r53(int argc, char **argv);

/* src/cli/cli_sync.c */
int cmd_plan(int argc, char **argv);
int cmd_sync(int argc, char **argv);

/* src/cli/cli_daemon.c */
int cmd_daemon(int argc, char **argv);

/* src/cli/cli_config.c */
int cmd_check_config(int argc, char **argv);

#endif
