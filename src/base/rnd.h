/*
 * rnd: the process's random numbers, from one generator: BearSSL's
 * HMAC_DRBG (SHA-256, NIST SP 800-90A), seeded on first use from the
 * system's source (br_prng_seeder_system, the seeder the TLS engine uses
 * too); without one, from the clocks and the process ID, which still beats
 * predictable values. Good for what needs to be guessed by no one: DNS
 * query IDs (RFC 5452 section 9.2), and for what only needs spread: retry
 * backoff and timer jitter. Not for keys: notify53 makes none.
 */
#ifndef NOTIFY53_RND_H
#define NOTIFY53_RND_H

#include <stdint.h>

/* 32 random bits. */
uint32_t rnd_u32(void);

#endif
