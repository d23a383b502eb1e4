/*
 * base64: RFC 4648 section 4, the standard alphabet with padding. The
 * decoder is strict (TSIG secrets, SVCB/HTTPS "ech" values): a text that is
 * not the canonical encoding of some octets is refused, not guessed at.
 */
#ifndef NOTIFY53_BASE64_H
#define NOTIFY53_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Encode in[0..n) into out: 4 * ceil(n / 3) characters, no NUL. */
void base64_encode(char *out, const uint8_t *in, size_t n);

/* Decode in[0..inlen): padding required, no whitespace or other
 * characters, the bits the padding drops zero. Returns the decoded length,
 * or -1 when in is not canonical base64 or out (max octets) is too small. */
long base64_decode(uint8_t *out, size_t max, const char *in, size_t inlen);

#endif
