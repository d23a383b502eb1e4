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

/* The value of the hex digit c (either case), or -1. */
int num_hex(int c);

#endif
