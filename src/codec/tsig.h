/*
 * tsig: transaction signatures (RFC 8945) with HMAC from BearSSL.
 *
 * Algorithms: hmac-sha256 (RFC 8945 section 6: MUST, RECOMMENDED), hmac-sha1
 * (MUST implement), hmac-sha224, hmac-sha384 and hmac-sha512 (MAY); no
 * hmac-md5 (MUST NOT use) and no GSS-TSIG.
 *
 * One struct tsig_ctx follows one exchange: a query and its response
 * messages (client), or a request and its response (server). Nothing here
 * reads the clock or does I/O: callers pass the time in seconds since the
 * epoch, so tests are deterministic.
 *
 * Client:  tsig_sign_query() appends the TSIG RR to the query; then every
 *          response message goes through tsig_verify_response() in order,
 *          and tsig_verify_end() once the last one has arrived.
 * Server:  tsig_verify_request() checks a signed request (e.g. NOTIFY)
 *          against the configured keys; tsig_sign_response() signs the
 *          answer (or builds the TSIG error answer of RFC 8945 section 5.2).
 *
 * Truncated MACs (RFC 8945 section 5.2.2.1): a received MAC shorter than the
 * hash output is accepted when it is at least half the output length and at
 * least 10 octets (the first octets are compared), otherwise the message is
 * rejected (a request gets FORMERR from the caller). We never send one.
 * MACs are compared in constant time. Secrets never appear in messages.
 */
#ifndef NOTIFY53_TSIG_H
#define NOTIFY53_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl_hmac.h>

#include "config.h"
#include "codec/dns.h"
#include "base/err.h"

/* TSIG error codes (RFC 8945 section 3, the "Error" field). */
#define TSIG_BADSIG 16
#define TSIG_BADKEY 17
#define TSIG_BADTIME 18
#define TSIG_BADTRUNC 22

/* Longest MAC: SHA-512. */
#define TSIG_MAC_MAX 64

enum tsig_alg {
	TSIG_HMAC_SHA1,
	TSIG_HMAC_SHA224,
	TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512
};

struct tsig_key {
	uint8_t name[DNS_NAME_MAX]; /* wire form, lower case (canonical) */
	size_t name_len;
	enum tsig_alg alg;
	uint8_t secret[TSIG_MAX_SECRET];
	size_t secret_len;
};

/* Result of tsig_verify_request(). */
enum tsig_status {
	TSIG_NONE = -2, /* the request carries no TSIG */
	TSIG_OK = 0
	/* else the TSIG error: TSIG_BADSIG, TSIG_BADKEY, TSIG_BADTIME */
};

struct tsig_ctx {
	const struct tsig_key *key;
	/* The MAC the next signature chains to: the request's MAC, then the
	 * last signed response message's (RFC 8945 section 4.3.1). */
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	/* Client: digest of the response messages since the last signed one. */
	br_hmac_context hmac;
	int chaining;      /* hmac holds prior MAC + unsigned messages */
	int nsigned;       /* signed response messages verified */
	int nunsigned;     /* unsigned messages since the last signed one */
	int last_signed;   /* the latest message was signed */
	/* Server: what the response must carry. */
	int error;            /* TSIG error to send, 0 when none */
	uint16_t orig_id;     /* the request's original ID */
	uint64_t req_time;    /* the request's time signed (BADTIME answers) */
	uint8_t req_key[DNS_NAME_MAX]; /* the request's key and algorithm */
	size_t req_key_len;             /* names, for BADKEY answers */
	uint8_t req_alg[DNS_NAME_MAX];
	size_t req_alg_len;
};

/* Fill k from a key name ("xfr-key" or "xfr-key."), an algorithm name
 * ("hmac-sha256", case-insensitive, trailing dot allowed) and the base64
 * secret as named.conf and tsig-keygen write it. Returns 0, or -1 with a
 * message in e that never contains the secret. */
int tsig_key_init(struct tsig_key *k, const char *name, const char *alg,
    const char *secret_b64, struct err *e);

/* Fill k from "NAME:ALG:BASE64SECRET" (the --tsig option). */
int tsig_key_parse(struct tsig_key *k, const char *spec, struct err *e);

/* "hmac-sha256" etc. */
const char *tsig_alg_name(enum tsig_alg alg);

/* The key name as text with a trailing dot, for messages ("xfr-key."). */
const char *tsig_key_name(const struct tsig_key *k, char *buf, size_t len);

/* Client: sign the query msg[0..len) in place with key: append the TSIG RR
 * (time signed = now, fudge TSIG_FUDGE) and add one to ARCOUNT, in a buffer
 * of cap bytes. Resets t for this exchange and keeps the query MAC to check
 * the responses. Returns the new length, or -1 when cap is too small. */
long tsig_sign_query(struct tsig_ctx *t, const struct tsig_key *key, uint8_t *msg,
    size_t len, size_t cap, uint64_t now);

/* Client: check one response message (all messages of a transfer, in
 * order; RFC 8945 section 5.3.1). A signed message is verified against the
 * request MAC (first message) or the prior MAC and the unsigned messages
 * since (later ones); its time must be within the fudge of now. Unsigned
 * messages are allowed after the first one, at most 99 in a row. Errors
 * the server reports in its TSIG (BADKEY, BADSIG, BADTIME) are errors here.
 * Returns 1 when msg was signed and verified, 0 when unsigned and allowed,
 * -1 with a one-line reason in e. *len_nosig, when not NULL, gets the
 * message length without the TSIG RR (its ARCOUNT still counts it). */
int tsig_verify_response(struct tsig_ctx *t, const uint8_t *msg, size_t len,
    uint64_t now, size_t *len_nosig, struct err *e);

/* Client: the exchange is complete; the last message must have been signed
 * (RFC 8945 section 5.3.1). Returns 0 or -1 with a reason in e. */
int tsig_verify_end(const struct tsig_ctx *t, struct err *e);

/* Server: find the TSIG of the request msg[0..len), choose among keys[] by
 * name and algorithm, verify MAC and time (RFC 8945 section 5.2). Returns
 * TSIG_NONE (unsigned request), TSIG_OK, a TSIG error (TSIG_BADKEY,
 * TSIG_BADSIG, TSIG_BADTIME: answer NOTAUTH and sign with
 * tsig_sign_response, which then sends the error), or -1 for a malformed
 * TSIG (answer FORMERR), with a reason in e for the log in every case
 * but TSIG_NONE and TSIG_OK. *len_nosig as for tsig_verify_response. */
int tsig_verify_request(struct tsig_ctx *t, const struct tsig_key *keys, size_t nkeys,
    const uint8_t *msg, size_t len, uint64_t now, size_t *len_nosig, struct err *e);

/* Server: append the TSIG RR to the response msg[0..len) (buffer of cap
 * bytes) after tsig_verify_request() returned TSIG_OK or a TSIG error:
 * signed with the request MAC, or carrying BADKEY/BADSIG with an empty MAC,
 * or BADTIME with the server time in Other Data (RFC 8945 section 5.2.3).
 * Returns the new length, or -1 when cap is too small. */
long tsig_sign_response(struct tsig_ctx *t, uint8_t *msg, size_t len, size_t cap,
    uint64_t now);

#endif
