/*
 * tap.h: the tiny TAP-like harness of the C unit tests.
 *
 * Each check prints "ok - what" or "not ok - what" (with file:line and the
 * values on failure); test/run.sh counts the lines. A test program ends with
 * `return tap_done();`, which is non-zero when anything failed.
 */
#ifndef NOTIFY53_TAP_H
#define NOTIFY53_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_passed, tap_failed;

static int __attribute__((format(printf, 4, 5), unused))
tap_check(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fputs(cond ? "ok - " : "not ok - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (cond)
		tap_passed++;
	else {
		tap_failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

static void __attribute__((unused))
tap_hex(const char *label, const void *p, size_t n)
{
	const unsigned char *b = p;

	printf("#   %s (%zu):", label, n);
	for (size_t i = 0; i < n && i < 512; i++)
		printf("%s%02x", i % 32 ? "" : "\n#     ", b[i]);
	printf("\n");
}

#define ok(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) \
	do { \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		if (!ok(g_ == w_, __VA_ARGS__)) \
			printf("#   got %lld, want %lld\n", g_, w_); \
	} while (0)

#define is_str(got, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		if (!ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__)) \
			printf("#   got  \"%s\"\n#   want \"%s\"\n", g_ ? g_ : "(null)", \
			    w_ ? w_ : "(null)"); \
	} while (0)

#define is_mem(got, gotlen, want, wantlen, ...) \
	do { \
		const void *g_ = (got), *w_ = (want); \
		size_t gl_ = (gotlen), wl_ = (wantlen); \
		if (!ok(gl_ == wl_ && !memcmp(g_, w_, gl_), __VA_ARGS__)) { \
			tap_hex("got", g_, gl_); \
			tap_hex("want", w_, wl_); \
		} \
	} while (0)

#define diag(...) \
	do { \
		printf("# "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} while (0)

static int __attribute__((unused))
tap_done(void)
{
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
