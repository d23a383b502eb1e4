/*
 * main: the command line. The table below is the one description of the
 * commands (src/cli/cmd.h): the parser, `notify53 help`, `notify53 COMMAND
 * --help`, the usage errors and the man page's SYNOPSIS (`notify53 help
 * --man`) all read it.
 */
#include <stdarg.h>
#include <string.h>

#include "base/fmt.h"
#include "base/log.h"
#include "base/str.h"
#include "cli/cmd.h"
#include "config/cfg.h"

static int cmd_help(const struct cmd_args *a);

/* The options, in the order synopses list them: the option and its
 * argument as usage shows them, and what it does. */
static const struct {
	const char *spec, *help;
} opts[CMD_NOPTS] = {
	[CMD_OPT_CONFIG] = { "-c FILE", "the configuration (default " CFG_DEFAULT_PATH ")" },
	[CMD_OPT_VERBOSE] = { "-v", "debug logs" },
	[CMD_OPT_TSIG] = { "--tsig NAME:ALG:SECRET", "sign with this TSIG key (secret in base64)" },
	[CMD_OPT_IXFR] = { "--ixfr SERIAL", "IXFR from this serial: the changes since" },
	[CMD_OPT_JSON] = { "--json", "JSON Lines output" },
	[CMD_OPT_DRY_RUN] = { "--dry-run", "print the plan instead of applying it" },
	[CMD_OPT_FORCE] = { "--force", "apply a plan the safety check refused" },
	[CMD_OPT_WAIT] = { "--wait", "wait until Route 53 says INSYNC" },
	[CMD_OPT_SYSLOG] = { "--syslog", "log to syslog instead of stderr" },
	[CMD_OPT_PIDFILE] = { "--pidfile FILE", "write the process ID there" },
	[CMD_OPT_MAN] = { "--man", "the man page's SYNOPSIS, as mdoc(7) source" },
	[CMD_OPT_FULL] = { "--full", "list the hosted zone instead of trusting the sync record" },
};

/* struct cmd.opts holds one bit per option. */
typedef char cmd_opts_fit[CMD_NOPTS <= 16 ? 1 : -1];

#define C CMD_O(CMD_OPT_CONFIG)
#define V CMD_O(CMD_OPT_VERBOSE)

static const struct cmd commands[] = {
	{ "daemon", "", 0, 0, C | V | CMD_O(CMD_OPT_SYSLOG) | CMD_O(CMD_OPT_PIDFILE),
	    "NOTIFY listener and zone timers", cmd_daemon },
	{ "sync", "[ZONE...]", 0, -1,
	    C | V | CMD_O(CMD_OPT_DRY_RUN) | CMD_O(CMD_OPT_FORCE) | CMD_O(CMD_OPT_WAIT) |
	    CMD_O(CMD_OPT_FULL),
	    "bring Route 53 in line with the primaries", cmd_sync },
	{ "plan", "[ZONE...]", 0, -1, C | V | CMD_O(CMD_OPT_JSON) | CMD_O(CMD_OPT_FULL),
	    "the changes a sync would make (exit 2: pending)", cmd_plan },
	{ "check-config", "", 0, 0, C | V, "validate the configuration, print the zones",
	    cmd_check_config },
	{ "soa", "ZONE SERVER[:PORT]", 2, 2, V | CMD_O(CMD_OPT_TSIG), "query a primary's SOA",
	    cmd_soa },
	{ "xfr", "ZONE SERVER[:PORT]", 2, 2,
	    V | CMD_O(CMD_OPT_TSIG) | CMD_O(CMD_OPT_IXFR) | CMD_O(CMD_OPT_JSON),
	    "transfer a zone from a primary", cmd_xfr },
	{ "r53 zones", "", 0, 0, C | V, "list the account's hosted zones", cmd_r53 },
	{ "r53 dump", "ZONE|ZONE_ID", 1, 1, C | V | CMD_O(CMD_OPT_JSON),
	    "what a hosted zone holds, as xfr prints a zone", cmd_r53 },
	{ "version", "", 0, 0, 0, "print version, compiled-in options and library versions",
	    cmd_version },
	{ "help", "[COMMAND]", 0, 1, CMD_O(CMD_OPT_MAN), "this list, or a command's options",
	    cmd_help },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Is w the first word of c's name? */
static int
first_is(const struct cmd *c, const char *w)
{
	size_t n = str_span(c->name, " ", 0);

	return strlen(w) == n && !strncmp(c->name, w, n);
}

static const struct cmd *
find(const char *w)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (first_is(&commands[i], w))
			return &commands[i];
	return NULL;
}

/* The argument an option takes ("FILE"), or NULL. */
static const char *
opt_arg(int o)
{
	const char *sp = strchr(opts[o].spec, ' ');

	return sp ? sp + 1 : NULL;
}

static int
opt_find(const char *s)
{
	for (int o = 0; o < CMD_NOPTS; o++) {
		size_t n = str_span(opts[o].spec, " ", 0);

		if (strlen(s) == n && !strncmp(opts[o].spec, s, n))
			return o;
	}
	return -1;
}

/* The usage lines of every command called w, or of notify53 (w NULL). */
static void
usage(struct fmt_stream *f, const char *w)
{
	const char *lead = "usage: ";

	if (!w)
		fmt_fputs("usage: notify53 [-c FILE] [-v] COMMAND [ARGS...]\n", f);
	for (size_t i = 0; w && i < NCOMMANDS; i++) {
		const struct cmd *c = &commands[i];

		if (!first_is(c, w))
			continue;
		fmt_fprintf(f, "%snotify53 %s", lead, c->name);
		for (int o = 0; o < CMD_NOPTS; o++)
			if (c->opts & CMD_O(o))
				fmt_fprintf(f, " [%s]", opts[o].spec);
		fmt_fprintf(f, "%s%s\n", *c->operands ? " " : "", c->operands);
		lead = "       ";
	}
}

/* A usage error of the command called w (NULL: of notify53 itself): the
 * reason (the three strings) and the usage lines; exit status CMD_USAGE. */
static int
usage_error(const char *w, const char *why, const char *s1, const char *s2)
{
	fmt_fprintf(FMT_STDERR, "notify53%s%s: %s%s%s\n", w ? " " : "", w ? w : "", why, s1, s2);
	usage(FMT_STDERR, w);
	return CMD_USAGE;
}

/* The help line of every command called w (NULL: of all); returns the
 * options they take. */
static unsigned
help_lines(const char *w)
{
	unsigned all = 0;

	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!w || first_is(&commands[i], w)) {
			fmt_printf("  %-12s %s\n", commands[i].name, commands[i].help);
			all |= commands[i].opts;
		}
	return all;
}

/* `notify53 help`: the commands. */
static void
help_all(void)
{
	usage(FMT_STDOUT, NULL);
	fmt_fputs("\ncommands:\n", FMT_STDOUT);
	help_lines(NULL);
	fmt_fputs("\n'notify53 COMMAND --help' shows a command's options.\n", FMT_STDOUT);
}

/* `notify53 COMMAND --help`: usage, what it does, its options. */
static void
help_cmd(const char *w)
{
	unsigned all;

	usage(FMT_STDOUT, w);
	fmt_fputc('\n', FMT_STDOUT);
	all = help_lines(w);
	for (int o = 0; o < CMD_NOPTS; o++) {
		if (!(all & CMD_O(o)))
			continue;
		/* The heading before the first option. */
		fmt_printf("%s  %-22s %s\n", all & (CMD_O(o) - 1) ? "" : "\noptions:\n", opts[o].spec,
		    opts[o].help);
	}
}

/* s[0..n), an option's argument or an operand of the table, as mdoc(7)
 * arguments: lower case; "X[:Y]" is "x Ns Op : Ns Ar y", "X|Y" "x | y",
 * "X..." "x ...". */
static void
man_args(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '[')
			fmt_fputs(" Ns Op ", FMT_STDOUT);
		else if (ch == ':' && i && s[i - 1] == '[')
			fmt_fputs(": Ns Ar ", FMT_STDOUT);
		else if (ch == '|')
			fmt_fputs(" | ", FMT_STDOUT);
		else if (ch == '.' && i && s[i - 1] != '.')
			fmt_fputs(" .", FMT_STDOUT);
		else if (ch != ']')
			fmt_fputc(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch, FMT_STDOUT);
	}
}

/* `notify53 help --man`: the SYNOPSIS section of doc/notify53.8, as
 * mdoc(7) source (test/it_cli.sh checks the page holds exactly this). An
 * operand in brackets ("[ZONE...]") is optional: ".Op Ar zone ...". */
static void
man(void)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct cmd *c = &commands[i];

		fmt_printf(".Nm\n.Cm %s\n", c->name);
		for (int o = 0; o < CMD_NOPTS; o++) {
			const char *arg = opt_arg(o);

			if (!(c->opts & CMD_O(o)))
				continue;
			/* Fl writes one dash itself. */
			fmt_printf(".Op Fl %.*s%s", (int)str_span(opts[o].spec + 1, " ", 0), opts[o].spec + 1,
			    arg ? " Ar " : "");
			man_args(arg ? arg : "", arg ? strlen(arg) : 0);
			fmt_fputc('\n', FMT_STDOUT);
		}
		for (const char *w = c->operands; *w; w += str_span(w, " ", 1)) {
			size_t n = str_span(w, " ", 0);
			int opt = *w == '[';

			fmt_fputs(opt ? ".Op Ar " : ".Ar ", FMT_STDOUT);
			man_args(w + opt, n - opt);
			fmt_fputc('\n', FMT_STDOUT);
			w += n;
		}
	}
}

static int
cmd_help(const struct cmd_args *a)
{
	if (a->opt[CMD_OPT_MAN] && a->noperands)
		return usage_error("help", "--man lists every command", "", "");
	if (a->opt[CMD_OPT_MAN])
		man();
	else if (!a->noperands)
		help_all();
	else if (find(a->operands[0]))
		help_cmd(a->operands[0]);
	else
		return usage_error("help", "unknown command '", a->operands[0], "'");
	return fmt_fflush(FMT_STDOUT) == 0 ? CMD_OK : CMD_FAIL;
}

static int
is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

/* Parse one option at argv[*i] for the command called w (NULL before the
 * command: only the global ones), into a. Returns 0, or CMD_USAGE after
 * saying why. */
static int
option(struct cmd_args *a, const char *w, unsigned allowed, int argc, char **argv, int *i)
{
	const char *s = argv[*i];
	int o = opt_find(s);

	if (o < 0 || !(allowed & CMD_O(o)))
		return usage_error(w, "unknown option ", s, "");
	if (opt_arg(o) && ++*i == argc)
		return usage_error(w, s, " needs ", opt_arg(o));
	a->opt[o] = opt_arg(o) ? argv[*i] : "";
	return 0;
}

/* The words of c's name at av[0..n): 1 or 2 (a subcommand), or 0 when
 * they are not there. */
static int
words(const struct cmd *c, char **av, int n)
{
	const char *sp = strchr(c->name, ' ');

	if (!first_is(c, av[0]))
		return 0;
	if (!sp)
		return 1;
	return n > 1 && !strcmp(sp + 1, av[1]) ? 2 : 0;
}

/* The command line to its command. */
static int
dispatch(int argc, char **argv)
{
	struct cmd_args a;
	const struct cmd *c = commands;
	const char *w;
	int i = 1, n = 0;

	memset(&a, 0, sizeof a);
	/* Global options before the command. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i])) {
			help_all();
			return CMD_OK;
		}
		if (option(&a, NULL, C | V, argc, argv, &i))
			return CMD_USAGE;
	}
	if (i == argc)
		return usage_error(NULL, "no command", " (try 'notify53 help')", "");
	w = argv[i];
	while (c < commands + NCOMMANDS && !(n = words(c, argv + i, argc - i)))
		c++;
	if (!n && !find(w))
		return usage_error(NULL, "unknown command '", w, "' (try 'notify53 help')");
	if (!n && i + 1 < argc && is_help(argv[i + 1])) {
		help_cmd(w);
		return CMD_OK;
	}
	if (!n)
		return usage_error(w, "which one?", "", "");
	/* The global options again, now against this command's. */
	for (int k = 1; k < i; k++)
		if (option(&a, w, c->opts, argc, argv, &k))
			return CMD_USAGE;
	a.cmd = c;
	a.operands = argv + (i += n);
	for (; i < argc; i++) {
		if (argv[i][0] != '-') {
			/* In place: operands never overtake the scan. */
			a.operands[a.noperands++] = argv[i];
		} else if (is_help(argv[i])) {
			help_cmd(w);
			return CMD_OK;
		} else if (option(&a, w, c->opts, argc, argv, &i)) {
			return CMD_USAGE;
		}
	}
	if (a.noperands < c->min || (c->max >= 0 && a.noperands > c->max))
		return usage_error(w, c->name, *c->operands ? " takes " : " takes no operands",
		    c->operands);
	if (a.opt[CMD_OPT_VERBOSE])
		log_set_level(LOG_LEVEL_DEBUG);
	return c->run(&a);
}

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vline(FMT_STDERR, "notify53: ", fmt, ap);
	va_end(ap);
}

/* What stdio's exit does for its stdout: what waits is written, and a
 * failure then changes no exit status (the commands flush and check before
 * they report success). */
int
main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);

	fmt_fflush(FMT_STDOUT);
	return rc;
}
