/*
 * test_proc: pidfile (fresh, stale, garbage, live, PID reused by another
 * program, removal, emptied after dropping privileges), user and group
 * lookup, privilege drop in a child process (when run as root), the JSON
 * state file read back with cJSON, and its atomic replacement.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "config/cfg.h"
#include "config.h"
#include "base/log.h"
#include "daemon/proc.h"
#include "tap.h"

static char dir[64];
static pid_t children[4];
static int nchildren;

static void
cleanup(void)
{
	static const char *const names[] = { "pid", "pid.tmp", "state.json", "state.json.tmp",
		"sub/pid", "sub", "passwd", "group", "victim" };
	char p[128];

	for (int i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(dir);
}

static const char *
path(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void
put(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *
slurp(const char *name)
{
	static char buf[8192];
	FILE *f = fopen(path(name), "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return f ? buf : NULL;
}

static int
exists(const char *name)
{
	struct stat st;

	return stat(path(name), &st) == 0;
}

/* A child that waits to be killed (and dies by itself after 60 s). With
 * prog, it runs that program instead (another command name). */
static pid_t
spawn(const char *prog)
{
	pid_t p = fork();

	if (p == 0) {
		alarm(60);
		if (prog)
			execl(prog, prog, "60", (char *)NULL);
		pause();
		_exit(0);
	}
	if (p > 0)
		children[nchildren++] = p;
	return p;
}

static void
pidfile(void)
{
	struct err e = { 0 };
	char mine[32], want[32];
	pid_t dead, live, other;

	snprintf(mine, sizeof mine, "%ld\n", (long)getpid());
	ok(proc_pidfile_write(path("pid"), NULL, &e) == 0, "pidfile written: %s", e.msg);
	is_str(slurp("pid"), mine, "it holds our PID and a newline");
	ok(!exists("pid.tmp"), "no temporary file left");
	ok(proc_pidfile_write(path("pid"), NULL, &e) == 0, "our own PID in it is no obstacle");

	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(want, sizeof want, "%ld\n", (long)dead);
	put("pid", want);
	err_clear(&e);
	ok(proc_pidfile_write(path("pid"), NULL, &e) == 0 && !strcmp(slurp("pid"), mine),
	    "stale PID (process %ld gone) replaced: %s", (long)dead, e.msg);

	put("pid", "hello\n");
	ok(proc_pidfile_write(path("pid"), NULL, &e) == 0 && !strcmp(slurp("pid"), mine),
	    "garbage replaced");

	live = spawn(NULL);
	snprintf(want, sizeof want, "%ld\n", (long)live);
	put("pid", want);
	err_clear(&e);
	ok(live > 0 && proc_pidfile_write(path("pid"), NULL, &e) < 0 &&
		strstr(e.msg, "already running"),
	    "live process of our program: refused: %s", e.msg);
	is_str(slurp("pid"), want, "the pidfile is left alone");
	proc_pidfile_remove(path("pid"));
	ok(exists("pid"), "remove leaves another process's pidfile");

	other = spawn("/bin/sleep");
	usleep(200000); /* let exec change the command name */
	snprintf(want, sizeof want, "%ld\n", (long)other);
	put("pid", want);
	err_clear(&e);
	ok(other > 0 && proc_pidfile_write(path("pid"), NULL, &e) == 0 &&
		!strcmp(slurp("pid"), mine),
	    "PID reused by another program (sleep): stale, replaced: %s", e.msg);

	proc_pidfile_remove(path("pid"));
	ok(!exists("pid"), "removed at exit");

	/* A symlink planted as the temporary file (in a directory others can
	 * write, say): never followed, so root neither truncates nor chowns
	 * what it points at. */
	{
		struct proc_user u = { 1, 1, 65534, 65533 };
		struct stat before, after;

		put("victim", "precious\n");
		stat(path("victim"), &before);
		if (symlink(path("victim"), path("pid.tmp")) < 0)
			diag("symlink: %s", strerror(errno));
		err_clear(&e);
		ok(proc_pidfile_write(path("pid"), &u, &e) == 0 && !strcmp(slurp("pid"), mine),
		    "pidfile written past a planted pid.tmp symlink: %s", e.msg);
		stat(path("victim"), &after);
		is_str(slurp("victim"), "precious\n", "the symlink's target is not truncated");
		ok(after.st_uid == before.st_uid && after.st_gid == before.st_gid,
		    "nor given to another owner (%ld:%ld)", (long)after.st_uid, (long)after.st_gid);
		ok(!exists("pid.tmp"), "the planted symlink is gone");
		proc_pidfile_remove(path("pid"));
	}
	err_clear(&e);
	ok(proc_pidfile_write(path("nodir/pid"), NULL, &e) < 0 && strstr(e.msg, "nodir/pid.tmp"),
	    "missing directory: %s", e.msg);
}

static void
users(void)
{
	struct proc_user u;
	struct err e = { 0 };

	ok(proc_user_lookup(&u, "root", NULL, &e) == 0 && u.has_uid && u.uid == 0 && u.has_gid &&
		u.gid == 0,
	    "root: uid 0, its primary group 0: %s", e.msg);
	ok(proc_user_lookup(&u, "0", "0", &e) == 0 && u.uid == 0 && u.gid == 0, "numeric IDs");
	ok(proc_user_lookup(&u, NULL, NULL, &e) == 0 && !u.has_uid && !u.has_gid, "none configured");
	err_clear(&e);
	ok(proc_user_lookup(&u, "no-such-user-n53", NULL, &e) < 0 && strstr(e.msg, "does not exist"),
	    "unknown user: %s", e.msg);
	err_clear(&e);
	ok(proc_user_lookup(&u, "root", "no-such-group-n53", &e) < 0 &&
		strstr(e.msg, "group no-such-group-n53"),
	    "unknown group: %s", e.msg);
	err_clear(&e);
	ok(proc_user_lookup(&u, "3999999", NULL, &e) < 0 && strstr(e.msg, "set \"group\""),
	    "numeric user without passwd entry needs a group: %s", e.msg);
	ok(proc_user_lookup(&u, "3999999", "3999998", &e) == 0 && u.uid == 3999999 &&
		u.gid == 3999998,
	    "... and takes one");
	ok(proc_drop_privileges(&(struct proc_user){ 0 }, &e) == 0, "nothing configured: no switch");
}

/* proc_user_lookup_in: our own passwd(5)/group(5) reader. */
static void
account_files(void)
{
	char pw[2048], gr[2048], *t;
	struct proc_user u;
	struct err e = { 0 };
	const char *P = path("passwd"), *G = path("group");

	/* A line of PROC_MAX_ACCOUNT_LINE - 1 bytes whose continuation looks
	 * like an entry: the continuation must not be read as a line. */
	t = pw + snprintf(pw, sizeof pw, "# comment\n\nshort:x:5\nbad:x:abc:1::/:/bin/sh\n"
	    "big:x:99999999999:1::/:/bin/sh\npad:x:9:9:");
	memset(t, 'A', PROC_MAX_ACCOUNT_LINE - 1 - 10);
	t += PROC_MAX_ACCOUNT_LINE - 1 - 10;
	snprintf(t, sizeof pw - (size_t)(t - pw), "evil:x:0:0::/:/bin/sh\n"
	    "n53:x:1234:2345:Test:/var/empty:/bin/false\n42:x:1000:1001::/:/bin/sh\n"
	    "n53:x:1:1::/:/bin/sh\nlast:x:7:8::/:/bin/sh");
	put("passwd", pw);
	t = gr + snprintf(gr, sizeof gr, "wheel:x:10:root\nodd:x:-1:\nmany:x:77:");
	for (int i = 0; i < 300; i++)
		t += snprintf(t, sizeof gr - (size_t)(t - gr), "m%d,", i);
	snprintf(t, sizeof gr - (size_t)(t - gr), "\nlate:x:88:\n");
	put("group", gr);

	ok(proc_user_lookup_in(&u, "n53", NULL, P, G, &e) == 0 && u.uid == 1234 && u.gid == 2345 &&
		u.has_uid && u.has_gid,
	    "files: name found, uid and primary gid, the first of two entries: %s", e.msg);
	ok(proc_user_lookup_in(&u, "1234", NULL, P, G, &e) == 0 && u.uid == 1234 && u.gid == 2345,
	    "files: a numeric user finds its entry by uid");
	ok(proc_user_lookup_in(&u, "42", NULL, P, G, &e) == 0 && u.uid == 1000 && u.gid == 1001,
	    "files: a user named 42 is a name first (as getpwnam)");
	ok(proc_user_lookup_in(&u, "last", NULL, P, G, &e) == 0 && u.uid == 7 && u.gid == 8,
	    "files: last line without a newline");
	err_clear(&e);
	ok(proc_user_lookup_in(&u, "evil", NULL, P, G, &e) < 0 && strstr(e.msg, "does not exist"),
	    "files: the rest of an over-long line is no entry: %s", e.msg);
	err_clear(&e);
	ok(proc_user_lookup_in(&u, "pad", NULL, P, G, &e) == 0 && u.uid == 9 && u.gid == 9,
	    "files: an over-long line: its first PROC_MAX_ACCOUNT_LINE bytes are read");
	ok(proc_user_lookup_in(&u, "short", NULL, P, G, &e) < 0 &&
		proc_user_lookup_in(&u, "bad", NULL, P, G, &e) < 0 &&
		proc_user_lookup_in(&u, "big", NULL, P, G, &e) < 0,
	    "files: lines without the fields, a bad or too large uid: no entry");
	err_clear(&e);
	ok(proc_user_lookup_in(&u, "5", NULL, P, G, &e) < 0 && strstr(e.msg, "set \"group\""),
	    "files: uid 5 of a broken line is not found by ID either: %s", e.msg);
	ok(proc_user_lookup_in(&u, "n53", "wheel", P, G, &e) == 0 && u.uid == 1234 && u.gid == 10,
	    "files: the group replaces the primary group");
	ok(proc_user_lookup_in(&u, NULL, "many", P, G, &e) == 0 && u.gid == 77 && !u.has_uid,
	    "files: a group with a member list longer than a line buffer");
	ok(proc_user_lookup_in(&u, NULL, "late", P, G, &e) == 0 && u.gid == 88,
	    "files: the line after the long one");
	ok(proc_user_lookup_in(&u, NULL, "4321", P, G, &e) == 0 && u.gid == 4321,
	    "files: a numeric group without an entry is taken as it is");
	err_clear(&e);
	ok(proc_user_lookup_in(&u, NULL, "odd", P, G, &e) < 0 && strstr(e.msg, "group odd"),
	    "files: a negative gid is no entry: %s", e.msg);
	err_clear(&e);
	ok(proc_user_lookup_in(&u, "0", "0", path("none"), path("none"), &e) == 0 && u.uid == 0 &&
		u.gid == 0,
	    "no account files: numeric IDs still work: %s", e.msg);
	ok(proc_user_lookup_in(&u, "n53", NULL, path("none"), G, &e) < 0 &&
		strstr(e.msg, "does not exist"),
	    "no account files: a name does not exist: %s", e.msg);
	err_clear(&e);
	ok(proc_user_lookup_in(&u, "n53", NULL, dir, G, &e) < 0 && strstr(e.msg, "cannot read"),
	    "an unreadable passwd file is an error, not a missing user: %s", e.msg);
}

/* In a child: write the pidfile as root for uid/gid, drop to them, check
 * the IDs, that root cannot come back, and that the pidfile (in a root-owned
 * directory) is emptied at exit. Exit status 0 when all held. */
static int
drop_child(uid_t uid, gid_t gid)
{
	struct proc_user u = { 1, 1, uid, gid };
	struct err e = { 0 };
	gid_t groups[8];
	struct stat st;
	int n;

	if (proc_pidfile_write(path("sub/pid"), &u, &e) < 0)
		return 10;
	if (proc_drop_privileges(&u, &e) != 1) {
		fprintf(stderr, "%s\n", e.msg);
		return 11;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid)
		return 12;
	n = getgroups(8, groups);
	if (n != 1 || groups[0] != gid)
		return 13;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return 14;
	if (proc_drop_privileges(&u, &e) != 0)
		return 15;
	proc_pidfile_remove(path("sub/pid"));
	if (stat(path("sub/pid"), &st) < 0 || st.st_size != 0)
		return 16;
	return 0;
}

static void
privileges(void)
{
	pid_t p;
	int status = -1;

	if (geteuid() != 0) {
		diag("not root: privilege drop checked in the non-root case only");
		return;
	}
	/* The child, once nobody, must reach sub/ (mkdtemp makes 0700). */
	chmod(dir, 0755);
	mkdir(path("sub"), 0755);
	p = fork();
	if (p == 0)
		_exit(drop_child(65534, 65533));
	if (p > 0)
		waitpid(p, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child dropped to 65534:65533, one group, no way back, pidfile emptied (status %d)",
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
state(void)
{
	static const struct proc_state_count notify[] = { { "accepted", 12 }, { "refused", 3 } };
	static const struct proc_state_count calls[] = { { "ChangeResourceRecordSets", 4 },
		{ "ListResourceRecordSets", 9000000000ull } };
	struct proc_state_zone a = { "example.com.", 1, 4294967295u, 1, 7, 1767225600, "failed",
		"ListResourceRecordSets: \"Throttling\"\nretry", calls, 2 };
	struct proc_state_zone b = { "b.example.", 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 };
	struct proc_state s;
	struct err e = { 0 };
	cJSON *doc, *za, *zb, *ac;
	char *text, want[256];

	ok(proc_state_begin(&s, 1767225601) == 0, "state document started");
	proc_state_counts(&s, "notify", notify, 2);
	proc_state_zone(&s, &a);
	proc_state_zone(&s, &b);
	ok(proc_state_commit(&s, path("state.json"), &e) == 0, "state file written: %s", e.msg);
	ok(!exists("state.json.tmp"), "no temporary file left");
	text = slurp("state.json");
	doc = text ? cJSON_Parse(text) : NULL;
	ok(doc != NULL, "state file is JSON");
	ok(text && text[strlen(text) - 1] == '\n', "ends with a newline");
	za = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "zones"),
	    "example.com.");
	zb = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "zones"),
	    "b.example.");
	ac = cJSON_GetObjectItemCaseSensitive(za, "api_calls");
	ok(num(doc, "time") == 1767225601 && num(doc, "pid") == getpid(), "time and pid");
	ok(num(cJSON_GetObjectItemCaseSensitive(doc, "notify"), "accepted") == 12 &&
		num(cJSON_GetObjectItemCaseSensitive(doc, "notify"), "refused") == 3,
	    "notify counters");
	ok(num(za, "primary_serial") == 4294967295.0 && num(za, "synced_serial") == 7 &&
		num(za, "last_sync") == 1767225600,
	    "serials (up to 2^32-1) and last sync time");
	is_str(str(za, "result"), "failed", "result");
	is_str(str(za, "error"), "ListResourceRecordSets: \"Throttling\"\nretry",
	    "error with quotes and a newline survives");
	ok(num(ac, "ChangeResourceRecordSets") == 4 && num(ac, "ListResourceRecordSets") == 9e9,
	    "API call counts");
	ok(zb && cJSON_GetArraySize(zb) == 1 && cJSON_GetObjectItemCaseSensitive(zb, "api_calls"),
	    "a zone with nothing known has only its (empty) api_calls");
	cJSON_Delete(doc);

	/* The temporary file cannot be made: error, old file untouched. */
	text = slurp("state.json");
	mkdir(path("state.json.tmp"), 0755);
	ok(proc_state_begin(&s, 1) == 0, "second document");
	err_clear(&e);
	ok(proc_state_commit(&s, path("state.json"), &e) < 0 && strstr(e.msg, "state.json.tmp"),
	    "commit fails when state.json.tmp cannot be created: %s", e.msg);
	ok(text && !strcmp(slurp("state.json"), text), "the old state file is untouched");
	rmdir(path("state.json.tmp"));

	/* Counts after zones, a count of 2^64-1 (exact: no double on the
	 * way), no zones at all. */
	ok(proc_state_begin(&s, 2) == 0, "fourth document");
	proc_state_zone(&s, &b);
	proc_state_counts(&s, "big", &(struct proc_state_count){ "max", UINT64_MAX }, 1);
	proc_state_counts(&s, "none", NULL, 0);
	ok(proc_state_commit(&s, path("state.json"), &e) == 0, "written: %s", e.msg);
	snprintf(want, sizeof want, "{\"time\":2,\"pid\":%ld,\"big\":{\"max\":18446744073709551615},"
	    "\"none\":{},\"zones\":{\"b.example.\":{\"api_calls\":{}}}}\n", (long)getpid());
	is_str(slurp("state.json"), want, "counts after a zone, 2^64-1 exact, empty groups");
	ok(proc_state_begin(&s, 3) == 0, "fifth document");
	ok(proc_state_commit(&s, path("state.json"), &e) == 0 &&
		(doc = cJSON_Parse(slurp("state.json"))) != NULL &&
		cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "zones")) &&
		cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "zones")) == 0,
	    "no zones: \"zones\":{}");
	cJSON_Delete(doc);

	ok(proc_state_begin(&s, 1) == 0, "third document");
	proc_state_zone(&s, &a);
	proc_state_abort(&s);
	ok(s.top.b.data == NULL && s.zones.b.data == NULL, "aborted without writing");
}

static void
logging(void)
{
	struct cfg c;

	memset(&c, 0, sizeof c);
	c.log_debug = 1;
	proc_log_setup(&c, 0);
	ok(log_get_level() == LOG_LEVEL_DEBUG, "config debug: debug lines on");
	log_set_level(LOG_LEVEL_INFO);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_proc.XXXXXX");
	if (!mkdtemp(dir)) {
		ok(0, "temporary directory: %s", strerror(errno));
		return tap_done();
	}
	atexit(cleanup);
	pidfile();
	users();
	account_files();
	privileges();
	state();
	logging();
	return tap_done();
}
