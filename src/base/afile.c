#include "base/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"

int
afile_write(const char *path, const void *data, size_t len, unsigned flags, long uid, long gid,
    struct err *e)
{
	char tmp[CFG_MAX_STRING + 5]; /* a path of at most CFG_MAX_STRING, ".tmp" */
	const char *what = "write";
	const char *p = data;
	size_t off = 0;
	int fd, saved;

	if ((size_t)fmt_snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return err_set(e, "%.64s...: path too long", path);
	if (unlink(tmp) < 0 && errno != ENOENT)
		return err_set(e, "cannot remove the stale %s: %s", tmp, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    flags & AFILE_PRIVATE ? 0600 : 0644);
	if (fd < 0)
		return err_set(e, "cannot create %s: %s", tmp, strerror(errno));
	while (off < len) {
		ssize_t k = write(fd, p + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto fail;
		off += (size_t)k;
	}
	what = "fsync";
	if ((flags & AFILE_SYNC) && fsync(fd) < 0)
		goto fail;
	what = "chown";
	if (geteuid() == 0 && (uid != -1 || gid != -1) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
		goto fail;
	what = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	what = "rename";
	if (rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err_set(e, "%s %s: %s", what, !strcmp(what, "rename") ? path : tmp,
	    strerror(saved));
}

int
afile_read(const char *path, size_t max, char **data, size_t *len, struct err *e)
{
	struct stat st;
	char *b;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return err_set(e, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return err_set(e, "%s: not a regular file of at most %zu bytes", path, max);
	}
	if (!(b = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return err_set(e, "%s: out of memory", path);
	}
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, b + n, (size_t)st.st_size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	b[n] = '\0';
	*data = b;
	*len = n;
	return 0;
}

int
afile_lines(const char *path, char *buf, size_t cap, size_t max,
    int (*fn)(void *arg, char *line, int whole), void *arg)
{
	size_t len = 0, total = 0;
	int skip = 0, stop = 0, eof = 0, cut = 0, saved = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	while (!stop && (len || !eof)) {
		char *nl = memchr(buf, '\n', len);
		size_t used, room = cap - 1 - len;

		if (!nl && !eof && room) {
			ssize_t k = read(fd, buf + len, room < max - total ? room : max - total);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				saved = errno;
				break;
			}
			total += (size_t)k;
			len += (size_t)k;
			eof = k == 0 || total == max;
			cut = k && total == max;
			continue;
		}
		/* A whole line, the last one (no newline at the end of the file),
		 * or the first cap - 1 octets of a longer one, or of one the bound
		 * max cuts. */
		used = nl ? (size_t)(nl - buf) : len;
		buf[used] = '\0';
		if (!skip)
			stop = fn(arg, buf, nl || (eof && !cut));
		skip = !nl && !eof;
		used += nl != NULL;
		memmove(buf, buf + used, len - used);
		len -= used;
	}
	close(fd);
	if (saved) {
		errno = saved;
		return -1;
	}
	return 0;
}
