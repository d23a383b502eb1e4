/*
 * afile: whole files, written atomically and read with a bound.
 *
 * afile_write is the one way notify53 replaces a file (the pidfile, the
 * state file, the per-zone sync records): the data goes to PATH.tmp, made
 * anew (O_EXCL after removing a stale one) and never opened through a
 * symlink (one planted there would have root truncate and chown whatever
 * it points at), is fsync'd when asked, and is renamed over PATH, so a
 * reader sees the old file or the new one, never a part (rename(2) within
 * one directory is atomic, POSIX.1-2017 rename()).
 */
#ifndef NOTIFY53_AFILE_H
#define NOTIFY53_AFILE_H

#include <stddef.h>

#include "base/err.h"

/* Write data[0..len) to path as above, mode 0644 (0600 with AFILE_PRIVATE);
 * with AFILE_SYNC fsync'd before the rename. uid, gid: when running as root
 * and not -1, the file is given to them before the rename. Returns 0, or -1
 * with e naming the step and the file, path untouched. */
#define AFILE_SYNC 0x1
#define AFILE_PRIVATE 0x2
int afile_write(const char *path, const void *data, size_t len, unsigned flags, long uid,
    long gid, struct err *e);

/* Read all of path into a heap block (*data, freed by the caller; a NUL
 * after the last octet) of *len octets, at most max. Returns 0; 1 when the
 * file does not exist (nothing set); -1 with e set (larger than max, a read
 * error, out of memory). */
int afile_read(const char *path, size_t max, char **data, size_t *len, struct err *e);

/* Call fn(arg, line, whole) for each line of path, its newline replaced by
 * a NUL, read with read(2) through buf[0..cap): a line of cap octets or more
 * is passed once, cut to cap - 1 octets, with whole 0, and the rest of it is
 * skipped (cap is at least 2). Stops after max octets of the file (a line
 * they cut is passed with whole 0), or when fn returns non-zero.
 * Streams: the file may be larger than any buffer (passwd, hosts). Returns
 * 0; 1 when the file does not exist; -1 with errno set when it cannot be
 * opened or read. */
int afile_lines(const char *path, char *buf, size_t cap, size_t max,
    int (*fn)(void *arg, char *line, int whole), void *arg);

#endif
