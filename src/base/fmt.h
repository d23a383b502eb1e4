/*
 * fmt: printf for notify53's own formats, instead of the C library's (musl's
 * printf core is about 10 KB in a static binary, more where long double is
 * software 128-bit). C99 semantics (C99 7.19.6.1, 7.19.6.5) for the subset
 * src/ uses:
 *
 *   conversions  d i u x X c s g f %
 *   flags        - 0 + space
 *   width        digits or *
 *   precision    .digits or .*
 *   length       hh h l ll z j t (integers only)
 *
 * Doubles are exact: the digits of the double's exact value rounded half to
 * even (num_digits in src/base/num.h), as glibc prints them, so %.17g reads
 * back to the same double. %s of NULL prints "(null)" as glibc does.
 * Anything else (%e, %o, %p, %n, the # flag, L) is not supported: the
 * declarations carry gcc's format attribute, so -Wformat checks arguments,
 * and test/it_fmt_used.sh fails when src/ uses a conversion outside this
 * list. At run time an unsupported specification is copied to the output
 * as written, and its argument is not read (the ones after it are then not
 * reliable: no further conversion is done).
 */
#ifndef NOTIFY53_FMT_H
#define NOTIFY53_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define FMT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* snprintf: at most n - 1 characters and a NUL (when n > 0) into buf;
 * returns the length the whole output has, or -1 past INT_MAX. */
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) FMT_PRINTF(3, 4);
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) FMT_PRINTF(3, 0);

/* sprintf, for cJSON.c only (the Makefile compiles it with sprintf as
 * this): its buffers are sized for what it prints. */
int fmt_sprintf(char *buf, const char *fmt, ...) FMT_PRINTF(2, 3);

/* fprintf, printf, vfprintf through fwrite: the count of characters
 * written, or -1 when a write failed. */
int fmt_fprintf(FILE *f, const char *fmt, ...) FMT_PRINTF(2, 3);
int fmt_printf(const char *fmt, ...) FMT_PRINTF(1, 2);
int fmt_vfprintf(FILE *f, const char *fmt, va_list ap) FMT_PRINTF(2, 0);

#endif
