/*
 * cmd: the command table (src/cli/main.c) and what a command gets from it.
 *
 * Every command's entry point lives in src/cli/: cmd_NAME in cli_AREA.c,
 * which turns the parsed arguments into calls of the lower layers. main.c
 * holds one table: each command's name, operands, options, one-line help
 * and entry point. The command line is parsed from it (the global options
 * -c FILE and -v go before the command as well as after it), and so are
 * `notify53 help`, `notify53 COMMAND --help`, the usage errors and the
 * man page's SYNOPSIS (`notify53 help --man`). A command gets the parsed
 * arguments and returns the process exit status.
 */
#ifndef NOTIFY53_CMD_H
#define NOTIFY53_CMD_H

enum {
	CMD_OK = 0,
	CMD_FAIL = 1,
	CMD_USAGE = 64 /* sysexits EX_USAGE: bad command line */
};

/* The options; a command accepts a set of them (struct cmd.opts). */
enum cmd_opt {
	CMD_OPT_CONFIG,  /* -c FILE (global) */
	CMD_OPT_VERBOSE, /* -v (global): debug logs */
	CMD_OPT_TSIG,    /* --tsig NAME:ALG:SECRET */
	CMD_OPT_IXFR,    /* --ixfr SERIAL */
	CMD_OPT_JSON,    /* --json */
	CMD_OPT_DRY_RUN, /* --dry-run */
	CMD_OPT_FORCE,   /* --force */
	CMD_OPT_WAIT,    /* --wait */
	CMD_OPT_SYSLOG,  /* --syslog */
	CMD_OPT_PIDFILE, /* --pidfile FILE */
	CMD_OPT_MAN,     /* --man (help) */
	CMD_OPT_FULL,    /* --full (sync, plan): list, not the sync record */
	CMD_NOPTS
};

#define CMD_O(o) (1u << (o))

struct cmd_args;

struct cmd {
	const char *name;     /* "sync", or "r53 dump": a command word and a subcommand */
	const char *operands; /* as the synopsis shows them: "ZONE SERVER[:PORT]", "[ZONE...]" */
	signed char min, max; /* how many operands; max -1: any number */
	unsigned short opts;  /* CMD_O(CMD_OPT_...) for each option it accepts */
	const char *help;     /* one line */
	int (*run)(const struct cmd_args *a);
};

/* A command line parsed against the table. */
struct cmd_args {
	const struct cmd *cmd;
	const char *opt[CMD_NOPTS]; /* the value; "" for a flag given; NULL when absent */
	char **operands;            /* in order (pointing into argv) */
	int noperands;
};

/* src/cli/main.c. Not a command: "notify53: MESSAGE" and a newline on
 * stderr, one write. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* src/cli/cli_version.c */
int cmd_version(const struct cmd_args *a);

/* src/cli/cli_dns.c */
int cmd_soa(const struct cmd_args *a);
int cmd_xfr(const struct cmd_args *a);

/* src/cli/cli_r53.c */
int cmd_r53(const struct cmd_args *a); /* r53 zones, r53 dump */

/* src/cli/cli_sync.c */
int cmd_plan(const struct cmd_args *a);
int cmd_sync(const struct cmd_args *a);

/* src/cli/cli_daemon.c */
int cmd_daemon(const struct cmd_args *a);

/* src/cli/cli_config.c */
int cmd_check_config(const struct cmd_args *a);

#endif
