/*
 * dnstest.h: helpers shared by the DNS codec tests and tools (test_dns,
 * test_rr, test_zone, tool_dnsmsg): hex vectors to bytes and back.
 */
#ifndef NOTIFY53_DNSTEST_H
#define NOTIFY53_DNSTEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/num.h"

/* Hex digits (spaces and newlines ignored) to bytes; -1 on a bad digit, an
 * odd count or overflow. */
static long __attribute__((unused))
dnstest_unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex == ' ' || *hex == '\n' || *hex == '\t' || *hex == '\r')
			continue;
		if ((v = num_hex(*hex)) < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

/* Bytes to lower-case hex, NUL-terminated; out has 2 * n + 1 bytes. */
static __attribute__((unused)) char *
dnstest_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

#endif
