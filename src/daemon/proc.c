#include "daemon/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"

#include "base/afile.h"
#include "base/fmt.h"
#include "base/json.h"
#include "base/log.h"
#include "base/num.h"
#include "base/str.h"

void
proc_log_setup(const struct cfg *c, int syslog_opt)
{
	if (syslog_opt || (c && c->log_syslog))
		log_use_syslog(LOG_SYSLOG_PATH);
	if (c && c->log_debug)
		log_set_level(LOG_LEVEL_DEBUG);
}

/* ---- user and group ---------------------------------------------------------- */

/* A decimal ID ("1000"): 0 and *v, or -1. IDs stay below 2^31, so they
 * fit uid_t and gid_t everywhere and none reads as -1. */
static int
parse_id(const char *s, uint64_t *v)
{
	return num_parse(s, 0x7fffffff, v);
}

/*
 * The first entry of a passwd(5) or group(5) file (name:password:IDs...:)
 * named name, or, when name is NULL, whose first ID is id: its nids IDs
 * (passwd: uid and gid; group: gid) in ids. Only the first
 * PROC_MAX_ACCOUNT_LINE - 1 bytes of a line are read: names and IDs come
 * first, group member lists may be long. Lines without the fields are
 * skipped. Returns 1 found, 0 not found (or no such file), -1 with e set.
 */
struct account_find {
	const char *name;
	uint64_t id, *ids;
	int nids, found;
};

static int
account_line(void *arg, char *p, int whole)
{
	struct account_find *a = arg;
	char *q;
	int i;

	(void)whole; /* a cut line still has its name and IDs */
	if (!(q = strchr(p, ':')))
		return 0;
	*q = '\0';
	if ((a->name && strcmp(p, a->name)) || !(p = strchr(q + 1, ':')))
		return 0;
	for (i = 0, p++; i < a->nids && (q = strchr(p, ':')); i++, p = q + 1) {
		*q = '\0';
		if (parse_id(p, &a->ids[i]) < 0)
			break;
	}
	a->found = i == a->nids && (a->name || a->ids[0] == a->id);
	return a->found;
}

static int
account_find(const char *path, const char *name, uint64_t id, uint64_t *ids, int nids,
    struct err *e)
{
	char line[PROC_MAX_ACCOUNT_LINE];
	struct account_find a = { name, id, ids, nids, 0 };
	int rc = afile_lines(path, line, sizeof line, SIZE_MAX, account_line, &a);

	if (rc < 0)
		return err_set(e, "cannot read %s: %s", path, strerror(errno));
	return rc == 0 && a.found;
}

int
proc_user_lookup(struct proc_user *u, const char *user, const char *group, struct err *e)
{
	return proc_user_lookup_in(u, user, group, PROC_PASSWD_PATH, PROC_GROUP_PATH, e);
}

int
proc_user_lookup_in(struct proc_user *u, const char *user, const char *group,
    const char *passwd_path, const char *group_path, struct err *e)
{
	uint64_t id, ids[2];
	int found;

	memset(u, 0, sizeof *u);
	if (user) {
		int numeric = parse_id(user, &id) == 0;

		found = account_find(passwd_path, user, 0, ids, 2, e);
		if (found == 0 && numeric)
			found = account_find(passwd_path, NULL, id, ids, 2, e);
		if (found < 0)
			return -1;
		if (found) {
			u->uid = (uid_t)ids[0];
			u->gid = (gid_t)ids[1];
			u->has_gid = 1;
		} else if (numeric && group) {
			u->uid = (uid_t)id;
		} else if (numeric) {
			/* Without a passwd entry there is no primary group, and
			 * keeping root's group would defeat the switch. */
			return err_set(e, "user %s has no passwd entry: set \"group\" too", user);
		} else {
			return err_set(e, "user %s does not exist", user);
		}
		u->has_uid = 1;
	}
	if (group) {
		if ((found = account_find(group_path, group, 0, ids, 1, e)) < 0)
			return -1;
		if (found)
			u->gid = (gid_t)ids[0];
		else if (parse_id(group, &id) == 0)
			u->gid = (gid_t)id;
		else
			return err_set(e, "group %s does not exist", group);
		u->has_gid = 1;
	}
	return 0;
}

/*
 * setgroups, setgid and setuid as the bare system calls. POSIX says these
 * change the IDs of every thread of the process; Linux changes only the
 * calling thread's, so musl's (and glibc's) functions signal every other
 * thread to make the call too (musl's __synccall, which a static binary
 * then carries: 2 KB). notify53 never starts a thread (one poll loop,
 * HACKING.md), so the calling thread is the whole process and the system
 * call alone is what the libc function would do. Where the kernel also has
 * the old 16-bit ID calls (i386, 32-bit ARM), the 32-bit ones are named
 * *32, which the C libraries use there too.
 */
#ifdef SYS_setgroups32
#define ID_SETGROUPS SYS_setgroups32
#define ID_SETGID SYS_setgid32
#define ID_SETUID SYS_setuid32
#else
#define ID_SETGROUPS SYS_setgroups
#define ID_SETGID SYS_setgid
#define ID_SETUID SYS_setuid
#endif

static int
id_setgroups1(gid_t gid)
{
	return (int)syscall(ID_SETGROUPS, 1L, &gid);
}

static int
id_setgid(gid_t gid)
{
	return (int)syscall(ID_SETGID, (long)gid);
}

static int
id_setuid(uid_t uid)
{
	return (int)syscall(ID_SETUID, (long)uid);
}

int
proc_drop_privileges(const struct proc_user *u, struct err *e)
{
	const char *call = "setgroups";

	if (geteuid() != 0 || (!u->has_uid && !u->has_gid))
		return 0;
	if (u->has_gid) {
		/* Supplementary groups first: root's would survive setgid. */
		if (id_setgroups1(u->gid) < 0)
			goto fail_gid;
		call = "setgid";
		if (id_setgid(u->gid) < 0)
			goto fail_gid;
		if (getgid() != u->gid || getegid() != u->gid)
			return err_set(e, "setgid(%lu) did not change the group", (unsigned long)u->gid);
	}
	if (u->has_uid) {
		if (id_setuid(u->uid) < 0)
			return err_set(e, "setuid(%lu): %s", (unsigned long)u->uid, strerror(errno));
		if (getuid() != u->uid || geteuid() != u->uid)
			return err_set(e, "setuid(%lu) did not change the user", (unsigned long)u->uid);
		if (u->uid != 0 && id_setuid(0) == 0)
			return err_set(e, "root could be regained after setuid(%lu)",
			    (unsigned long)u->uid);
	}
	return 1;
fail_gid:
	return err_set(e, "%s(%lu): %s", call, (unsigned long)u->gid, strerror(errno));
}

/* ---- files -------------------------------------------------------------------- */

/* The PID in a pidfile, or 0 when there is none or it is not a number. */
static pid_t
read_pid(const char *path)
{
	char buf[32];
	uint64_t v;
	ssize_t k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	k = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (k <= 0)
		return 0;
	buf[k] = '\0';
	while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == ' '))
		buf[--k] = '\0';
	return parse_id(buf, &v) == 0 ? (pid_t)v : 0;
}

/* The first line of a small file, or "" when it cannot be read. */
static void
read_line(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k = fd < 0 ? -1 : read(fd, buf, cap - 1);

	if (fd >= 0)
		close(fd);
	buf[k > 0 ? k : 0] = '\0';
	buf[str_span(buf, "\n", 0)] = '\0';
}

/* Does pid run, and (where /proc says) the same program as we do? */
static int
pid_live(pid_t pid)
{
	char path[64], theirs[64], ours[64];

	if (pid == getpid())
		return 0;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	fmt_snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	read_line(path, theirs, sizeof theirs);
	read_line("/proc/self/comm", ours, sizeof ours);
	/* A PID reused by another program after a crash: stale. */
	return !*theirs || !*ours || !strcmp(theirs, ours);
}

int
proc_pidfile_write(const char *path, const struct proc_user *owner, struct err *e)
{
	pid_t old = read_pid(path);
	char buf[32];

	if (old > 0 && pid_live(old))
		return err_set(e, "pidfile %s: already running as process %ld", path, (long)old);
	fmt_snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (afile_write(path, buf, strlen(buf), 0, owner && owner->has_uid ? (long)owner->uid : -1,
	    owner && owner->has_gid ? (long)owner->gid : -1, e) < 0)
		return -1;
	if (old > 0 && old != getpid())
		log_info("pidfile %s: replaced the stale one of process %ld", path, (long)old);
	return 0;
}

void
proc_pidfile_remove(const char *path)
{
	int fd;

	if (read_pid(path) != getpid())
		return;
	if (unlink(path) == 0 || (errno != EACCES && errno != EPERM))
		return;
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)) >= 0)
		close(fd);
}

/* ---- state file ---------------------------------------------------------------- */

int
proc_state_begin(struct proc_state *s, int64_t now)
{
	fmt_memstream(&s->top);
	fmt_memstream(&s->zones);
	fmt_fprintf(&s->top, "{\"time\":%lld,\"pid\":%ld", (long long)now, (long)getpid());
	return 0;
}

/* "key":{"name":value,...} */
static void
put_counts(struct fmt_stream *f, const char *key, const struct proc_state_count *counts, size_t n)
{
	json_write_str(f, key);
	fmt_fputc(':', f);
	for (size_t i = 0; i < n; i++) {
		fmt_fputc(i ? ',' : '{', f);
		json_write_str(f, counts[i].name);
		fmt_fprintf(f, ":%llu", (unsigned long long)counts[i].value);
	}
	fmt_fputs(n ? "}" : "{}", f);
}

void
proc_state_counts(struct proc_state *s, const char *group, const struct proc_state_count *counts,
    size_t n)
{
	fmt_fputc(',', &s->top);
	put_counts(&s->top, group, counts, n);
}

void
proc_state_zone(struct proc_state *s, const struct proc_state_zone *z)
{
	struct fmt_stream *f = &s->zones;

	/* Zones start with a comma, the first one's is dropped at commit;
	 * each field ends with one, as api_calls always comes last. */
	fmt_fputc(',', f);
	json_write_str(f, z->name);
	fmt_fputs(":{", f);
	if (z->has_primary_serial)
		fmt_fprintf(f, "\"primary_serial\":%lu,", (unsigned long)z->primary_serial);
	if (z->has_synced_serial)
		fmt_fprintf(f, "\"synced_serial\":%lu,", (unsigned long)z->synced_serial);
	if (z->last_sync)
		fmt_fprintf(f, "\"last_sync\":%lld,", (long long)z->last_sync);
	if (z->result) {
		fmt_fputs("\"result\":", f);
		json_write_str(f, z->result);
		fmt_fputc(',', f);
	}
	if (z->error) {
		fmt_fputs("\"error\":", f);
		json_write_str(f, z->error);
		fmt_fputc(',', f);
	}
	put_counts(f, "api_calls", z->counts, z->ncounts);
	fmt_fputc('}', f);
}

int
proc_state_commit(struct proc_state *s, const char *path, struct err *e)
{
	int rc;

	/* One line more, so `cat` ends with a newline. */
	fmt_fprintf(&s->top, ",\"zones\":{%s}}\n", s->zones.b.len ? s->zones.b.data + 1 : "");
	if (s->zones.err || s->top.err) {
		proc_state_abort(s);
		return err_set(e, "state file %s: out of memory", path);
	}
	rc = afile_write(path, s->top.b.data, s->top.b.len, AFILE_SYNC, -1, -1, e);
	proc_state_abort(s);
	return rc;
}

void
proc_state_abort(struct proc_state *s)
{
	buf_free(&s->top.b);
	buf_free(&s->zones.b);
}
