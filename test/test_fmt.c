/*
 * test_fmt: fmt_snprintf against the C library's snprintf (glibc in the
 * sanitizer build, musl in the release checks) for every conversion, flag,
 * width, precision and length fmt.h supports: integer limits, doubles at the
 * edges (zero, negative zero, infinities, NaN, subnormals, the largest,
 * 0.1, halfway cases that round to even) and random doubles with %.17g
 * (which must read back to the same double), %.15g and %g; output cut at
 * every n including 0; the unsupported conversion copied as written;
 * the streams: fmt_fprintf to a file descriptor fully, line- and
 * unbuffered, output larger than the buffer, a failed write (/dev/full),
 * a memory stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "config.h"
#include "tap.h"

static int mismatches;

/* Both snprintf into big buffers: same text and same return value. On a
 * mismatch a diagnostic (the first few) and 0. */
#define SAME(...) same_(__LINE__, fmt_snprintf(got, sizeof got, __VA_ARGS__), \
	snprintf(want, sizeof want, __VA_ARGS__), #__VA_ARGS__)

static char got[2048], want[2048];

static int
same_(int line, int g, int w, const char *what)
{
	if (g == w && !strcmp(got, want))
		return 1;
	if (mismatches++ < 20)
		diag("line %d: %s: fmt \"%s\" (%d), libc \"%s\" (%d)", line, what, got, g, want, w);
	return 0;
}

static void
integers(void)
{
	static const char *const flagged[] = { "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d",
		"%8.3d", "%-8.3d|", "%.0d", "%i", "%+05d", "%- 6d|" };
	static const int iv[] = { 0, 1, -1, 7, -42, 12345, -99999, INT_MAX, INT_MIN };
	const char *narrow = "%hhu %hu %hhd %hd";
	int bad = 0;

	for (size_t f = 0; f < sizeof flagged / sizeof *flagged; f++)
		for (size_t i = 0; i < sizeof iv / sizeof *iv; i++) {
			/* The formats are the table's: -Wformat cannot see them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			bad += !SAME(flagged[f], iv[i]);
#pragma GCC diagnostic pop
		}
	ok(!bad, "%%d and %%i with every flag, width and precision, 0 to INT_MIN");

	bad = 0;
	for (unsigned u = 0; u < 70000; u += 997) {
		bad += !SAME("%u %x %X %02x %04x %.0u|%5u|%-5x|", u, u, u, u & 0xff, u & 0xffff, u,
		    u, u);
		/* int arguments cut to char and short: clang's -Wformat wants
		 * the narrow types, which would leave nothing to cut. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		bad += !SAME(narrow, u, u, (int)u, (int)u);
#pragma GCC diagnostic pop
	}
	bad += !SAME("%u %x %X", UINT_MAX, UINT_MAX, UINT_MAX);
	ok(!bad, "%%u %%x %%X %%02x %%04x, hh and h");

	bad = 0;
	bad += !SAME("%ld %ld %lu %lu", LONG_MIN, LONG_MAX, ULONG_MAX, 0UL);
	bad += !SAME("%lld %lld %llu %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX, 0ULL);
	bad += !SAME("%zu %zu %zx", SIZE_MAX, (size_t)0, SIZE_MAX);
	bad += !SAME("%jd %ju %td", INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)-5);
	bad += !SAME("%20lld|%-25lld|%025llu", LLONG_MIN, LLONG_MIN, ULLONG_MAX);
	bad += !SAME("%*d|%-*d|%*d|%.*d", 6, 42, 6, 42, -6, 42, 4, 42);
	ok(!bad, "l, ll, z, j, t at their limits; * widths and precisions");
}

static void
strings(void)
{
	int bad = 0;
	const char *s = "route53";

	bad += !SAME("%s|%10s|%-10s|%.3s|%.*s|%.0s|%.100s", s, s, s, s, 4, s, s, s);
	bad += !SAME("%-12s %s|%-22s|", "sync", "help text", "--config FILE");
	bad += !SAME("%c%c%c|%3c|%-3c|", 'a', '%', 0x7f, 'x', 'y');
	bad += !SAME("100%% %s%%", "done");
	bad += !SAME("%s", "");
	bad += !SAME("no conversion at all");
	bad += !SAME("%.*s", 3, "ab");
	ok(!bad, "%%s with width and precision, %%c, %%%%");

	/* A precision stops reading: no NUL needed after it. */
	{
		char four[4] = { 'a', 'b', 'c', 'd' };

		fmt_snprintf(got, sizeof got, "%.4s|%.*s", four, 2, four);
		is_str(got, "abcd|ab", "%%.4s reads no further than 4 bytes");
	}
}

/* A double from random bits: any finite value, subnormals included. */
static double
random_double(void)
{
	uint64_t x = 0;
	double v;

	do {
		for (int i = 0; i < 4; i++)
			x = x << 16 ^ (uint64_t)(rand() & 0xffff);
		memcpy(&v, &x, sizeof v);
	} while (!isfinite(v));
	return v;
}

static void
doubles(void)
{
	static const double dv[] = { 0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375,
		1e-5, 1e-4, 9.9999e-5, 123456.5, 1234567.0, 999999.5, 9999995.0, 1e15, 1e16, 1e17,
		1e21, 1e22, 1e23, 1e100, 1e308, DBL_MAX, DBL_MIN, 5e-324, 2.2250738585072009e-308,
		3.14159265358979, 2.718281828459045, 0.30000000000000004, 1.0 / 3, 2.0 / 3, 100, 0.05,
		0.005, 0.015, 0.025, 1.005, 2.675, 1e-10, 4.35, 0.0001, 123.456, 1e6, 0.000123 };
	static const char *const ff[] = { "%g", "%.15g", "%.17g", "%.2f", "%f", "%.0f", "%.1g",
		"%.0g", "%12g|", "%-12g|", "%012g", "%+g", "% g", "%12.2f|", "%-12.2f|", "%012.2f",
		"%+.2f", "%1.15g", "%1.17g", "%.20g", "%.30f", "%.3f" };
	int bad = 0;

	for (size_t f = 0; f < sizeof ff / sizeof *ff; f++)
		for (size_t i = 0; i < sizeof dv / sizeof *dv; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			bad += !SAME(ff[f], dv[i]);
			bad += !SAME(ff[f], -dv[i]);
#pragma GCC diagnostic pop
		}
	ok(!bad, "%%g %%.15g %%.17g %%f %%.2f and flags: edge values, both signs");

	bad = 0;
	bad += !SAME("%g %g %g %.2f %g %g", HUGE_VAL, -HUGE_VAL, NAN, HUGE_VAL, -0.0, 0.0);
	bad += !SAME("%8g|%-8g|%08g|%+g", HUGE_VAL, NAN, -HUGE_VAL, HUGE_VAL);
	bad += !SAME("%.2f %.2f %f", -0.0, -0.001, -0.0);
	bad += !SAME("%f", DBL_MAX);
	bad += !SAME("%.*g|%.*f", 3, 0.00012345, 1, 0.25);
	ok(!bad, "infinities, NaN, negative zero; the largest double with %%f");

	bad = 0;
	srand(53);
	for (int i = 0; i < 20000; i++) {
		double v = random_double(), back;

		bad += !SAME("%.17g", v);
		bad += !SAME("%.15g %g %.2f", v, v, v);
		fmt_snprintf(got, sizeof got, "%.17g", v);
		back = strtod(got, NULL);
		if (memcmp(&back, &v, sizeof v) && mismatches++ < 20)
			diag("%s does not read back", got);
		bad += !!memcmp(&back, &v, sizeof v);
	}
	for (int i = 0; i < 20000; i++) {
		/* Numbers of the size configs and timings hold. */
		double v = (double)rand() / (1 + rand() % 100000);

		bad += !SAME("%.17g|%.15g|%g|%.2f", v, v, v, v);
	}
	ok(!bad, "40,000 random doubles: %%.17g (reads back), %%.15g, %%g, %%.2f as libc");
}

static void
truncation(void)
{
	const char *f = "%s=%d %.17g %x|%-6s|";
	char full[256], buf[256];
	int n = fmt_snprintf(full, sizeof full, f, "key", -123, 0.1, 0xbeefu, "ab"), bad = 0;

	is_int(n, (int)strlen(full), "the return value is the length");
	for (int cap = 0; cap <= n + 1; cap++) {
		memset(buf, 'Z', sizeof buf);
		if (fmt_snprintf(buf, (size_t)cap, f, "key", -123, 0.1, 0xbeefu, "ab") != n)
			bad++;
		if (cap == 0) {
			bad += buf[0] != 'Z';
			continue;
		}
		/* The first cap - 1 characters, a NUL, nothing written after. */
		bad += memcmp(buf, full, (size_t)cap - 1) != 0 || buf[cap - 1] != '\0' ||
		    buf[cap] != 'Z';
	}
	ok(!bad, "cut at every n from 0 (nothing written) to the length + 1");
	is_int(fmt_snprintf(NULL, 0, "%d%s", 12345, "abc"), 8, "n == 0 with NULL: the length only");

	bad = fmt_sprintf(buf, "%i.%i.%i", 1, 7, 15);
	is_str(buf, "1.7.15", "fmt_sprintf (cJSON's version string)");
	is_int(bad, 6, "fmt_sprintf returns the length");
}

static void
unsupported(void)
{
	/* Built at run time: a literal would not pass -Wformat, which is the
	 * point of fmt.h's attribute. */
	char f[16];

	snprintf(f, sizeof f, "a%ce %cd", '%', '%');
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fmt_snprintf(got, sizeof got, f, 1.5, 7);
#pragma GCC diagnostic pop
	is_str(got, "a%e %d", "an unsupported conversion is copied as written, and the rest");
}

/* What the file behind fd holds now. */
static const char *
file_text(int fd)
{
	static char text[80000];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);

	text[n > 0 ? n : 0] = '\0';
	return text;
}

static void FMT_PRINTF(2, 3)
line(struct fmt_stream *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vline(s, "lead: ", fmt, ap);
	va_end(ap);
}

/* w, with more appended, is what the file behind fd holds now. */
static void
is_file(int fd, char *w, const char *more, const char *what)
{
	strcat(w, more);
	is_str(file_text(fd), w, "%s", what);
}

static void
files(void)
{
	char name[] = "/tmp/test_fmt.XXXXXX", big[3000];
	static char huge[FMT_OUT_BUF + 10];
	int fd = mkstemp(name), r;
	struct fmt_stream s = { { 0 }, fd, FMT_FULL, 0 };
	struct fmt_stream m;
	static char w[FMT_OUT_BUF + 4096];

	if (!ok(fd >= 0, "temporary file"))
		return;
	unlink(name);
	buf_init(&s.b, FMT_OUT_BUF);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	r = fmt_fprintf(&s, "%s:%05d:%.2f:%s|", "a", 42, 2.675, big);
	snprintf(w, sizeof w, "%s:%05d:%.2f:", "a", 42, 2.675);
	is_int(r, (int)(strlen(w) + strlen(big) + 1), "fmt_fprintf returns the count");
	is_str(file_text(fd), "", "fully buffered: nothing written before the flush");
	ok(fmt_fflush(&s) == 0, "flushed");
	strcat(w, big);
	is_file(fd, w, "|", "fmt_fprintf wrote it all at the flush");

	/* Line-buffered: up to the last newline at the end of each call. */
	s.mode = FMT_LINE;
	fmt_fputs("b\nc", &s);
	is_file(fd, w, "b\n", "line-buffered: written up to the newline");
	fmt_fputc('d', &s);
	is_file(fd, w, "", "line-buffered: no newline, nothing written");
	fmt_fputc('\n', &s);
	is_file(fd, w, "cd\n", "line-buffered: the rest at the next newline");

	/* Unbuffered: all at the end of each call. */
	s.mode = FMT_UNBUF;
	fmt_fprintf(&s, "e%d", 5);
	is_file(fd, w, "e5", "unbuffered: written at the end of the call");
	line(&s, "%s=%d", "x", 7);
	is_file(fd, w, "lead: x=7\n", "fmt_vline: the lead, the message, a newline");

	/* A terminal is not a regular file: FMT_AUTO becomes FMT_FULL at
	 * the first write. */
	s.mode = FMT_AUTO;
	fmt_fputs("f\n", &s);
	is_file(fd, w, "f\n", "auto: the first line written at its newline");
	is_int(s.mode, FMT_FULL, "auto: fully buffered on a file");

	/* More than the buffer holds: what waits first, then the rest
	 * directly, in order. */
	memset(huge, 'h', sizeof huge - 1);
	fmt_fputc('g', &s);
	fmt_fputs(huge, &s);
	strcat(w, "g");
	is_file(fd, w, huge, "larger than the buffer: written in order at once");
	ok(s.b.len == 0 && fmt_fflush(&s) == 0, "nothing left waiting");
	close(fd);

	/* A failed write is reported, and stays. */
	if ((fd = open("/dev/full", O_WRONLY)) >= 0) {
		s.fd = fd;
		fmt_fputs("lost\n", &s);
		errno = 0;
		ok(fmt_fflush(&s) < 0 && errno == ENOSPC, "a full disk: fmt_fflush says ENOSPC");
		is_int(fmt_fprintf(&s, "x"), -1, "fmt_fprintf after a failure: -1");
		ok(fmt_fflush(&s) < 0 && errno == ENOSPC && s.b.len == 0, "the failure stays");
		close(fd);
		/* Later output is tried again (a log line after a lost one). */
		strcpy(name, "/tmp/test_fmt.XXXXXX");
		if ((fd = mkstemp(name)) >= 0) {
			unlink(name);
			s.fd = fd;
			s.mode = FMT_UNBUF;
			fmt_fputs("again\n", &s);
			is_str(file_text(fd), "again\n", "written after a failed write");
			ok(fmt_fflush(&s) < 0 && errno == ENOSPC, "the failure is still reported");
			close(fd);
		}
	}
	buf_free(&s.b);

	/* In memory. */
	fmt_memstream(&m);
	ok(m.b.data == NULL, "memory stream: NULL before anything is written");
	fmt_fprintf(&m, "%d-", 12);
	fmt_fputs("ab", &m);
	fmt_fputc('\n', &m);
	is_mem(m.b.data, m.b.len, "12-ab\n", 6, "memory stream: all of it in b");
	ok(fmt_fflush(&m) == 0 && m.b.len == 6, "flushing a memory stream keeps its text");
	buf_free(&m.b);
}

int
main(void)
{
	integers();
	strings();
	doubles();
	truncation();
	unsupported();
	files();
	return tap_done();
}
