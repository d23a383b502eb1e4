/*
 * num: decimal numbers (and hex digits) from text (config values, arguments, API answers,
 * system files). Stricter than strtol, and smaller in a static binary (no
 * __intscan): digits only, no sign, no spaces, no base prefix.
 */
#ifndef NOTIFY53_NUM_H
#define NOTIFY53_NUM_H

#include <stdint.h>

#include <stddef.h>

/* s is one or more decimal digits and nothing else, with a value up to
 * max: 0 and the value in *out; otherwise -1 (*out untouched). */
int num_parse(const char *s, uint64_t max, uint64_t *out);

/* The same for the n characters at s (not NUL-terminated; reading stops at
 * the first one that is not a digit). */
int num_parse_n(const char *s, size_t n, uint64_t max, uint64_t *out);

/*
 * strtod for decimal numbers, correctly rounded (round to nearest, ties to
 * even) as C's strtod: an optional sign, digits with an optional point (at
 * least one digit), an optional exponent (e or E, an optional sign, digits).
 * *end (when end is not NULL) is set after the longest such prefix, or to s
 * when there is none (and 0 is returned). Overflow gives an infinity,
 * underflow 0 or a subnormal; errno is left alone. No leading spaces, no
 * "inf", "nan" or hexadecimal forms: cJSON's numbers (cJSON.c is compiled
 * with strtod as this) and printf's %g output hold none. Smaller in a
 * static binary than libc's strtod (musl's reads every form in long double
 * precision: 6 KB and more where long double is software 128-bit).
 */
double num_strtod(const char *s, char **end);

/*
 * The exact decimal digits of the finite double |v| ('0' to '9', no
 * leading or trailing zero, not NUL-terminated) into dig, which has room
 * for NUM_DIGITS_MAX: |v| = 0.DIGITS * 10^*point. Returns their count, 0
 * for zero (*point 1). For printf's %g, %e and %f (src/base/fmt.h), which
 * round them.
 */
#define NUM_DIGITS_MAX 800
int num_digits(double v, char *dig, int *point);

/* The value of the hex digit c (either case), or -1. */
int num_hex(int c);

#endif
