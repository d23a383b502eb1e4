/*
 * sigv4: AWS Signature Version 4 for one HTTP request (non-S3 rules).
 *
 * The signer never reads the clock and never sends anything: the caller
 * passes the time (so tests are deterministic and a clock-skew correction can
 * pass an adjusted time) and the request exactly as it will go on the wire,
 * and gets back the headers to add (X-Amz-Date, X-Amz-Security-Token when the
 * credentials carry one, Authorization). Steps and names follow the AWS
 * "Signature Version 4 signing process" as botocore implements it
 * (IAM User Guide, "Create a signed AWS API request"):
 *
 *   canonical request = METHOD \n CanonicalURI \n CanonicalQuery \n
 *                       CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
 *   string to sign    = AWS4-HMAC-SHA256 \n amzdate \n scope \n HexSHA256(creq)
 *   signing key       = HMAC chain over "AWS4"+secret, date, region, service,
 *                       "aws4_request" (cached per secret, date, region, service)
 *
 * Secrets: nothing here logs. The secret key, session token and signing key
 * never appear in an error message; callers must not log the canonical
 * request or string to sign either.
 */
#ifndef NOTIFY53_SIGV4_H
#define NOTIFY53_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "base/err.h"

/* "20150830T123600Z" */
#define SIGV4_DATE_LEN 16

struct sigv4_creds {
	const char *access_key; /* AKID, may appear in logs */
	const char *secret;     /* never logged */
	const char *token;      /* session token, NULL or "" when none */
};

/* One header as sent. Names compare case-insensitively; a name given several
 * times is signed as one header with the values joined by ',' in order. */
struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_request {
	const char *method;  /* "GET", "POST" */
	const char *path;    /* as on the wire, without '?' and query */
	const char *query;   /* as on the wire without '?'; NULL or "" for none */
	/* Every header to sign, Host included (exactly as sent, with ":port"
	 * when non-default). Not X-Amz-Date, X-Amz-Security-Token or
	 * Authorization: the signer makes those. */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
};

/* The result of one signing: headers[0..nheaders) point into this struct
 * and must be sent with the request, unchanged. */
struct sigv4_signature {
	char amz_date[SIGV4_DATE_LEN + 1];
	char authorization[SIGV4_AUTH_MAX];
	/* A copy of the session token: the request keeps the token it was
	 * signed with even when the credentials change before it is sent. */
	char token[SIGV4_MAX_TOKEN];
	/* For tests only: the string to sign (no secret in it, but do not log). */
	char string_to_sign[SIGV4_STS_MAX];
	struct sigv4_header headers[3];
	size_t nheaders;
};

/* Signing context: credential scope and the cached signing key. */
struct sigv4_signer {
	char region[SIGV4_MAX_SCOPE_NAME];
	char service[SIGV4_MAX_SCOPE_NAME];
	/* Cache of the derived key: valid for key_date and the secret whose
	 * SHA-256 is key_secret (the secret itself is not kept). */
	int key_valid;
	char key_date[9];
	unsigned char key_secret[32];
	unsigned char key[32];
};

/* Set the credential scope, e.g. ("us-east-1", "route53"): Route 53 always
 * signs with its partition's fixed region (AWS General Reference, "Amazon
 * Route 53 endpoints and quotas").
 * Returns 0, or -1 with e set when a name is empty or too long. */
int sigv4_init(struct sigv4_signer *s, const char *region, const char *service,
	struct err *e);

/* Sign request r with credentials c at time now (UTC seconds; pass a
 * skew-corrected time when the server said the clock is off). Fills sig.
 * Returns 0, or -1 with e set (too many headers or query parameters, a
 * header the signer owns given by the caller, output too long). */
int sigv4_sign(struct sigv4_signer *s, const struct sigv4_creds *c, time_t now,
	const struct sigv4_request *r, struct sigv4_signature *sig, struct err *e);

/* The canonical request that sigv4_sign hashes, written to buf (NUL
 * terminated) for tests and debugging. token is the session token or NULL.
 * Returns its length, or -1 with e set (also when it does not fit in cap). */
long sigv4_canonical_request(const struct sigv4_request *r, const char *amz_date,
	const char *token, char *buf, size_t cap, struct err *e);

/* Format t as X-Amz-Date ("YYYYMMDDTHHMMSSZ") into out (17 bytes). Returns 0,
 * or -1 for a time outside years 0000-9999. */
int sigv4_amz_date(time_t t, char out[SIGV4_DATE_LEN + 1]);

/* URI-encode len bytes of src for a query name or value: unreserved bytes
 * (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes %XX with upper-case
 * hex (space is %20, never '+'). Writes a NUL-terminated string to dst.
 * Returns its length, or -1 when it does not fit in cap. */
long sigv4_uri_encode(char *dst, size_t cap, const char *src, size_t len);

/* Append "name=value" (both URI-encoded, with '&' before it unless q is
 * empty) to the NUL-terminated query q of capacity cap: the query is then
 * encoded once, identically on the wire and in the signature. Returns 0, or
 * -1 when it does not fit (q is left unchanged). */
int sigv4_query_add(char *q, size_t cap, const char *name, const char *value);

#endif
