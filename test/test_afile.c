/*
 * test_afile: afile_lines, the streaming line reader of the account files
 * and the resolver's files: lines with and without a last newline, a line
 * longer than the buffer (passed cut once, its rest skipped, the next line
 * whole), the file bound cutting a line, fn stopping the walk, a file read
 * through a buffer much smaller than it, a missing file and one that cannot
 * be read; and afile_write/afile_read round trip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/afile.h"
#include "tap.h"

static char dir[64], file[96], got[4096];
static int stop_after;

/* Appends "line|whole;" to got; stops when stop_after lines were seen. */
static int
collect(void *arg, char *line, int whole)
{
	int *n = arg;
	size_t k = strlen(got);

	snprintf(got + k, sizeof got - k, "%s|%d;", line, whole);
	return ++*n == stop_after;
}

static int
lines(const char *text, size_t cap, size_t max)
{
	FILE *f = fopen(file, "w");
	char buf[64];
	int n = 0, rc;

	fputs(text, f);
	fclose(f);
	got[0] = '\0';
	rc = afile_lines(file, buf, cap, max, collect, &n);
	return rc;
}

int
main(void)
{
	struct err e = { 0 };
	char big[3000], *data;
	size_t len;

	snprintf(dir, sizeof dir, "/tmp/test_afile.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(file, sizeof file, "%s/f", dir);

	ok(lines("a\nbb\n\nccc", 64, 1000) == 0 && !strcmp(got, "a|1;bb|1;|1;ccc|1;"),
	    "lines, an empty one, the last without a newline: %s", got);
	ok(lines("0123456789abcdef\nnext\n", 8, 1000) == 0 && !strcmp(got, "0123456|0;next|1;"),
	    "a line longer than the buffer: cut once, its rest skipped: %s", got);
	ok(lines("1234567\nx\n", 8, 1000) == 0 && !strcmp(got, "1234567|0;x|1;"),
	    "a line of exactly the buffer's size is cut too: %s", got);
	ok(lines("ab\ncdef\ngh\n", 64, 6) == 0 && !strcmp(got, "ab|1;cde|0;"),
	    "the bound cuts a line: passed as not whole, nothing after: %s", got);
	ok(lines("ab\ncd\n", 64, 6) == 0 && !strcmp(got, "ab|1;cd|1;"),
	    "a bound at a line's end keeps it whole: %s", got);
	stop_after = 2;
	ok(lines("a\nb\nc\n", 64, 1000) == 0 && !strcmp(got, "a|1;b|1;"),
	    "fn's non-zero return stops the walk: %s", got);
	stop_after = 0;
	for (int i = 0; i < 300; i++)
		snprintf(big + 9 * i, sizeof big - 9 * (size_t)i, "line %03d\n", i);
	ok(lines(big, 16, 1000000) == 0 && strlen(got) == 300 * 11 &&
		!strncmp(got + 299 * 11, "line 299|1;", 11),
	    "300 lines through a 16-byte buffer: all whole, in order");
	ok(afile_lines("/nonexistent/n53", big, 16, 100, collect, NULL) == 1,
	    "a missing file: 1");
	errno = 0;
	ok(afile_lines(dir, big, 16, 100, collect, NULL) < 0 && errno == EISDIR,
	    "a directory cannot be read: -1, errno EISDIR");

	ok(afile_write(file, "xyz", 3, AFILE_PRIVATE, -1, -1, &e) == 0 &&
		afile_read(file, 100, &data, &len, &e) == 0 && len == 3 && !strcmp(data, "xyz"),
	    "afile_write then afile_read: %s", e.msg);
	free(data);
	ok(afile_read(file, 2, &data, &len, &e) < 0 && strstr(e.msg, "at most 2 bytes"),
	    "afile_read: larger than its bound: %s", e.msg);
	unlink(file);
	rmdir(dir);
	return tap_done();
}
