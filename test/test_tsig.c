/* Unit tests of TSIG (RFC 8945): key parsing, and signing
 * and verifying against known answers made by dnspython (test/data/
 * tsig_vectors.py documents how): every algorithm, multi-message chaining
 * with unsigned messages in between, bad MACs, bad times, truncated MACs,
 * and the server side (signed NOTIFY, BADKEY/BADSIG/BADTIME answers). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "codec/tsig.h"

#include "data/tsig_vectors.h"

#define N(a) (sizeof a / sizeof a[0])

static void
keys(void)
{
	struct tsig_key k;
	struct err e = { 0 };
	char buf[300];

	ok(tsig_key_parse(&k, "xfr-key:hmac-sha256:" TV_SECRET, &e) == 0, "key NAME:ALG:SECRET");
	is_str(tsig_key_name(&k, buf, sizeof buf), "xfr-key.", "key name gets the trailing dot");
	is_int(k.alg, TSIG_HMAC_SHA256, "algorithm hmac-sha256");
	is_int(k.secret_len, 40, "secret decoded");
	err_clear(&e);
	ok(tsig_key_parse(&k, "Xfr-Key.:HMAC-SHA512.:" TV_SECRET, &e) == 0 && k.alg == TSIG_HMAC_SHA512,
	    "algorithm names are case-insensitive, with or without the dot");
	is_str(tsig_key_name(&k, buf, sizeof buf), "xfr-key.", "key name is kept in lower case");
	ok(tsig_key_init(&k, "k", "hmac-sha1", TV_SECRET, &e) == 0 && k.alg == TSIG_HMAC_SHA1,
	    "tsig_key_init with hmac-sha1");
	ok(tsig_key_init(&k, "k", "hmac-sha224", TV_SECRET, &e) == 0 && k.alg == TSIG_HMAC_SHA224,
	    "tsig_key_init with hmac-sha224");
	ok(tsig_key_init(&k, "k", "hmac-sha384", TV_SECRET, &e) == 0 && k.alg == TSIG_HMAC_SHA384,
	    "tsig_key_init with hmac-sha384");

	static const char *const bad[] = {
		"xfr-key:hmac-sha256",
		"xfr-key",
		"xfr-key:hmac-md5:" TV_SECRET,
		"xfr-key:hmac-md5.sig-alg.reg.int:" TV_SECRET,
		"xfr-key:hmac-sha256:",
		"xfr-key:hmac-sha256:c2VjcmV0LWtleS1mb3Itbm90aWZ5NTMt*GVzdHMt",
		"xfr..key:hmac-sha256:" TV_SECRET,
		":hmac-sha256:" TV_SECRET,
	};
	for (size_t i = 0; i < N(bad); i++) {
		err_clear(&e);
		ok(tsig_key_parse(&k, bad[i], &e) < 0 && e.set && e.msg[0], "refuse key \"%s\": %s",
		    bad[i], e.msg);
		ok(!strstr(e.msg, "c2VjcmV0"), "message does not show the secret");
	}

	/* The longest secret that fits, and one octet more. */
	{
		static char spec[32 + (TSIG_MAX_SECRET + 3) / 3 * 4 + 8];
		size_t n = (size_t)TSIG_MAX_SECRET / 3 * 3;
		char *p = spec + sprintf(spec, "k:hmac-sha256:");

		for (size_t i = 0; i < n / 3; i++)
			p += sprintf(p, "QUJD");
		err_clear(&e);
		ok(tsig_key_parse(&k, spec, &e) == 0 && k.secret_len == n, "secret of %zu octets", n);
		sprintf(p, "QUJD");
		ok(n + 3 <= TSIG_MAX_SECRET || tsig_key_parse(&k, spec, &e) < 0,
		    "secret over TSIG_MAX_SECRET refused");
	}
}

static const struct {
	const char *alg;
	const unsigned char *query, *resp;
	size_t query_len, resp_len;
} per_alg[] = {
#define V(a) { #a, tv_query_##a, tv_resp_##a, sizeof tv_query_##a, sizeof tv_resp_##a }
	V(hmac_sha1), V(hmac_sha224), V(hmac_sha256), V(hmac_sha384), V(hmac_sha512),
#undef V
};

static void
mkkey(struct tsig_key *k, const char *name, const char *alg, const char *secret)
{
	struct err e = { 0 };
	char a[32];

	snprintf(a, sizeof a, "%s", alg);
	for (char *p = a; *p; p++)
		if (*p == '_')
			*p = '-';
	if (tsig_key_init(k, name, a, secret, &e) < 0) {
		printf("# %s\n", e.msg);
		exit(1);
	}
}

/* Sign the vectors' query with k at TV_TIME into buf; compare when want. */
static long
sign_query(struct tsig_ctx *t, const struct tsig_key *k, uint8_t *buf, size_t cap)
{
	memcpy(buf, tv_query, sizeof tv_query);
	return tsig_sign_query(t, k, buf, sizeof tv_query, cap, TV_TIME);
}

static void
single(void)
{
	uint8_t buf[512], resp[512];
	struct tsig_key k, other;
	struct tsig_ctx t;
	struct err e = { 0 };
	size_t nosig;
	long n;

	for (size_t i = 0; i < N(per_alg); i++) {
		mkkey(&k, "xfr-key", per_alg[i].alg, TV_SECRET);
		n = sign_query(&t, &k, buf, sizeof buf);
		is_mem(buf, n < 0 ? 0 : (size_t)n, per_alg[i].query, per_alg[i].query_len,
		    "%s: signed query is dnspython's, byte for byte", per_alg[i].alg);
		err_clear(&e);
		is_int(tsig_verify_response(&t, per_alg[i].resp, per_alg[i].resp_len, TV_TIME + 10,
		    &nosig, &e), 1, "%s: dnspython's signed response verifies %s", per_alg[i].alg,
		    e.msg);
		ok(nosig < per_alg[i].resp_len && per_alg[i].resp[nosig] == 7,
		    "%s: length without the TSIG RR points at its owner", per_alg[i].alg);
		ok(tsig_verify_end(&t, &e) == 0, "%s: exchange complete", per_alg[i].alg);
	}

	/* A cap too small for the TSIG RR. */
	ok(sign_query(&t, &k, buf, sizeof tv_query + 20) < 0, "no room for the TSIG RR");

	mkkey(&k, "xfr-key", "hmac-sha256", TV_SECRET);

	/* Every octet of the signed response matters, but the ID: the MAC
	 * covers the original ID in the TSIG RR (RFC 8945 section 4.3.2), the
	 * transfer checks the ID itself. */
	for (size_t i = 2; i < sizeof tv_resp_hmac_sha256; i++) {
		int r;

		memcpy(resp, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256);
		resp[i] ^= 0x01;
		sign_query(&t, &k, buf, sizeof buf);
		err_clear(&e);
		r = tsig_verify_response(&t, resp, sizeof tv_resp_hmac_sha256, TV_TIME, NULL, &e);
		if (r >= 0) {
			ok(0, "flipped octet %zu of a signed response accepted", i);
			break;
		}
		if (i == sizeof tv_resp_hmac_sha256 - 1)
			ok(1, "every flipped octet of a signed response refused");
	}
	memcpy(resp, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256);
	for (size_t i = 0; i + 4 < sizeof tv_resp_hmac_sha256; i++)
		if (!memcmp(resp + i, "\xc0\x00\x02\x01", 4))
			resp[i + 3] ^= 2; /* 192.0.2.1 becomes 192.0.2.3: BADSIG, not a parse error */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, resp, sizeof tv_resp_hmac_sha256, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "BADSIG"), "tampered answer: %s", e.msg);

	/* Every truncation is an error, never a pass. */
	for (size_t l = 0; l < sizeof tv_resp_hmac_sha256; l++) {
		sign_query(&t, &k, buf, sizeof buf);
		err_clear(&e);
		if (tsig_verify_response(&t, tv_resp_hmac_sha256, l, TV_TIME, NULL, &e) >= 0) {
			ok(0, "response cut to %zu octets accepted", l);
			break;
		}
		if (l == sizeof tv_resp_hmac_sha256 - 1)
			ok(1, "every truncated signed response refused");
	}

	/* Time: within the fudge (300 s) of the response's time signed. */
	sign_query(&t, &k, buf, sizeof buf);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256,
	    TV_TIME + 5 + 300, NULL, &e) == 1, "300 s late is within the fudge");
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256,
	    TV_TIME + 5 + 301, NULL, &e) < 0 && strstr(e.msg, "BADTIME"), "301 s late: %s", e.msg);
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256,
	    TV_TIME + 5 - 301, NULL, &e) < 0 && strstr(e.msg, "BADTIME"), "301 s early: %s", e.msg);

	/* Another secret, another key name, another algorithm. */
	mkkey(&other, "xfr-key", "hmac-sha256", TV_OTHER_SECRET);
	sign_query(&t, &other, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256, TV_TIME, NULL,
	    &e) < 0 && strstr(e.msg, "BADSIG"), "other secret: %s", e.msg);
	mkkey(&other, "other-key", "hmac-sha256", TV_SECRET);
	sign_query(&t, &other, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256, TV_TIME, NULL,
	    &e) < 0 && strstr(e.msg, "another TSIG key"), "other key name: %s", e.msg);
	mkkey(&other, "xfr-key", "hmac-sha512", TV_SECRET);
	sign_query(&t, &other, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256, TV_TIME, NULL,
	    &e) < 0 && strstr(e.msg, "another TSIG key"), "other algorithm: %s", e.msg);

	/* An unsigned answer to a signed query. */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_multi2, sizeof tv_multi2, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "not signed"), "unsigned answer: %s", e.msg);

	/* A record after the TSIG RR. */
	memcpy(resp, tv_resp_hmac_sha256, sizeof tv_resp_hmac_sha256);
	memcpy(resp + sizeof tv_resp_hmac_sha256, "\0\0\1\0\1\0\0\0\0\0\0", 11);
	resp[11]++;
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, resp, sizeof tv_resp_hmac_sha256 + 11, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "not last"), "TSIG not the last record: %s", e.msg);
}

static void
truncated(void)
{
	static const struct {
		const char *alg;
		const unsigned char *resp;
		size_t len;
		int macl, good;
	} v[] = {
		{ "hmac-sha256", tv_trunc_hmac_sha256_16, sizeof tv_trunc_hmac_sha256_16, 16, 1 },
		{ "hmac-sha256", tv_trunc_hmac_sha256_15, sizeof tv_trunc_hmac_sha256_15, 15, 0 },
		{ "hmac-sha1", tv_trunc_hmac_sha1_10, sizeof tv_trunc_hmac_sha1_10, 10, 1 },
		{ "hmac-sha1", tv_trunc_hmac_sha1_9, sizeof tv_trunc_hmac_sha1_9, 9, 0 },
	};
	uint8_t buf[512], resp[512];
	struct tsig_key k;
	struct tsig_ctx t;
	struct err e = { 0 };

	for (size_t i = 0; i < N(v); i++) {
		mkkey(&k, "xfr-key", v[i].alg, TV_SECRET);
		sign_query(&t, &k, buf, sizeof buf);
		err_clear(&e);
		if (v[i].good)
			is_int(tsig_verify_response(&t, v[i].resp, v[i].len, TV_TIME, NULL, &e), 1,
			    "%s MAC truncated to %d octets accepted %s", v[i].alg, v[i].macl, e.msg);
		else
			ok(tsig_verify_response(&t, v[i].resp, v[i].len, TV_TIME, NULL, &e) < 0,
			    "%s MAC truncated to %d octets refused: %s", v[i].alg, v[i].macl, e.msg);
	}
	/* A truncated MAC is still checked. */
	mkkey(&k, "xfr-key", "hmac-sha256", TV_SECRET);
	memcpy(resp, tv_trunc_hmac_sha256_16, sizeof tv_trunc_hmac_sha256_16);
	resp[sizeof tv_trunc_hmac_sha256_16 - 7] ^= 1; /* last MAC octet */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, resp, sizeof tv_trunc_hmac_sha256_16, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "BADSIG"), "wrong truncated MAC: %s", e.msg);
}

static void
multi(void)
{
	uint8_t buf[512], m2[64];
	struct tsig_key k;
	struct tsig_ctx t;
	struct err e = { 0 };

	mkkey(&k, "xfr-key", "hmac-sha256", TV_SECRET);

	sign_query(&t, &k, buf, sizeof buf);
	is_int(tsig_verify_response(&t, tv_multi1, sizeof tv_multi1, TV_TIME, NULL, &e), 1,
	    "multi: first message signed with the request MAC %s", e.msg);
	ok(tsig_verify_end(&t, &e) == 0, "multi: could end after a signed message");
	is_int(tsig_verify_response(&t, tv_multi2, sizeof tv_multi2, TV_TIME, NULL, &e), 0,
	    "multi: unsigned message in between allowed %s", e.msg);
	err_clear(&e);
	ok(tsig_verify_end(&t, &e) < 0 && strstr(e.msg, "last message"),
	    "multi: cannot end on an unsigned message: %s", e.msg);
	is_int(tsig_verify_response(&t, tv_multi3, sizeof tv_multi3, TV_TIME, NULL, &e), 1,
	    "multi: third message signed over prior MAC + message 2 + message 3 %s", e.msg);
	ok(tsig_verify_end(&t, &e) == 0, "multi: complete");

	/* The unsigned message is covered by the next signature. */
	memcpy(m2, tv_multi2, sizeof tv_multi2);
	m2[sizeof tv_multi2 - 1] ^= 1;
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_multi1, sizeof tv_multi1, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_response(&t, m2, sizeof tv_multi2, TV_TIME, NULL, &e) == 0 &&
	    tsig_verify_response(&t, tv_multi3, sizeof tv_multi3, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "BADSIG"), "multi: tampered unsigned message caught: %s", e.msg);

	/* Dropping the unsigned message breaks the chain too. */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_multi1, sizeof tv_multi1, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_response(&t, tv_multi3, sizeof tv_multi3, TV_TIME, NULL, &e) < 0,
	    "multi: dropped message caught: %s", e.msg);

	/* Every message signed. */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_allsigned1, sizeof tv_allsigned1, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_response(&t, tv_allsigned2, sizeof tv_allsigned2, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_response(&t, tv_allsigned3, sizeof tv_allsigned3, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_end(&t, &e) == 0, "multi: every message signed %s", e.msg);

	/* Replaying message 1 as message 3 fails (it chains to the request). */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	ok(tsig_verify_response(&t, tv_allsigned1, sizeof tv_allsigned1, TV_TIME, NULL, &e) == 1 &&
	    tsig_verify_response(&t, tv_allsigned1, sizeof tv_allsigned1, TV_TIME, NULL, &e) < 0,
	    "multi: replayed first message refused: %s", e.msg);

	/* At most 99 unsigned messages in a row. */
	sign_query(&t, &k, buf, sizeof buf);
	err_clear(&e);
	tsig_verify_response(&t, tv_multi1, sizeof tv_multi1, TV_TIME, NULL, &e);
	{
		int r = 0, i;

		for (i = 0; i < 99 && r == 0; i++)
			r = tsig_verify_response(&t, tv_multi2, sizeof tv_multi2, TV_TIME, NULL, &e);
		is_int(r, 0, "multi: 99 unsigned messages in a row allowed");
		ok(tsig_verify_response(&t, tv_multi2, sizeof tv_multi2, TV_TIME, NULL, &e) < 0 &&
		    strstr(e.msg, "99"), "multi: the 100th refused: %s", e.msg);
	}
}

static void
server(void)
{
	uint8_t buf[512], req[512];
	struct tsig_key keys[3], unknown;
	struct tsig_ctx t, client;
	struct err e = { 0 };
	size_t nosig;
	long n;

	mkkey(&keys[0], "other-key", "hmac-sha256", TV_SECRET);
	mkkey(&keys[1], "xfr-key", "hmac-sha512", TV_SECRET);
	mkkey(&keys[2], "xfr-key", "hmac-sha256", TV_SECRET);

	is_int(tsig_verify_request(&t, keys, 3, tv_notify, sizeof tv_notify, TV_TIME + 1, &nosig, &e),
	    TSIG_OK, "server: signed NOTIFY verified %s", e.msg);
	ok(t.key == &keys[2], "server: the key with that name and algorithm chosen");
	ok(nosig < sizeof tv_notify && tv_notify[nosig] == 7, "server: length without TSIG");
	memcpy(buf, tv_notify_resp, sizeof tv_notify_resp);
	n = tsig_sign_response(&t, buf, sizeof tv_notify_resp, sizeof buf, TV_TIME + 1);
	is_mem(buf, n < 0 ? 0 : (size_t)n, tv_notify_resp_signed, sizeof tv_notify_resp_signed,
	    "server: signed answer is dnspython's, byte for byte");

	is_int(tsig_verify_request(&t, keys, 3, tv_notify_resp, sizeof tv_notify_resp, TV_TIME,
	    NULL, &e), TSIG_NONE, "server: unsigned request");

	/* BADTIME: signed, request time in Time Signed, ours in Other Data. */
	err_clear(&e);
	is_int(tsig_verify_request(&t, keys, 3, tv_notify, sizeof tv_notify, TV_TIME + 1000, NULL,
	    &e), TSIG_BADTIME, "server: request 1000 s old is BADTIME: %s", e.msg);
	memcpy(buf, tv_notify_resp_notauth, sizeof tv_notify_resp_notauth);
	n = tsig_sign_response(&t, buf, sizeof tv_notify_resp_notauth, sizeof buf, TV_TIME + 1000);
	is_mem(buf, n < 0 ? 0 : (size_t)n, tv_notify_resp_badtime, sizeof tv_notify_resp_badtime,
	    "server: BADTIME answer is dnspython's, byte for byte");

	/* BADSIG: a tampered request; the answer carries the error, no MAC. */
	memcpy(req, tv_notify, sizeof tv_notify);
	req[14] ^= 1; /* "example" becomes "eyample" */
	err_clear(&e);
	is_int(tsig_verify_request(&t, keys, 3, req, sizeof tv_notify, TV_TIME, NULL, &e),
	    TSIG_BADSIG, "server: tampered request is BADSIG: %s", e.msg);
	memcpy(buf, tv_notify_resp_notauth, sizeof tv_notify_resp_notauth);
	n = tsig_sign_response(&t, buf, sizeof tv_notify_resp_notauth, sizeof buf, TV_TIME);
	ok(n == (long)sizeof tv_notify_resp_notauth + 9 + 10 + 13 + 16 && buf[n - 3] == TSIG_BADSIG &&
	    buf[n - 7] == 0 && buf[n - 8] == 0, "server: BADSIG answer with empty MAC");

	/* BADKEY: unknown key, as a client with that key sees it. */
	err_clear(&e);
	is_int(tsig_verify_request(&t, keys, 2, tv_notify_unknown_key, sizeof tv_notify_unknown_key,
	    TV_TIME, NULL, &e), TSIG_BADKEY, "server: unknown key is BADKEY: %s", e.msg);
	memcpy(buf, tv_notify_resp_notauth, sizeof tv_notify_resp_notauth);
	n = tsig_sign_response(&t, buf, sizeof tv_notify_resp_notauth, sizeof buf, TV_TIME);
	mkkey(&unknown, "unknown-key", "hmac-sha256", TV_SECRET);
	memcpy(req, tv_notify, nosig);
	req[11]--;
	ok(tsig_sign_query(&client, &unknown, req, nosig, sizeof req, TV_TIME) ==
	    (long)sizeof tv_notify_unknown_key &&
	    !memcmp(req, tv_notify_unknown_key, sizeof tv_notify_unknown_key),
	    "client: NOTIFY signed with unknown-key is dnspython's");
	err_clear(&e);
	ok(n > 0 && tsig_verify_response(&client, buf, (size_t)n, TV_TIME, NULL, &e) < 0 &&
	    strstr(e.msg, "BADKEY") && strstr(e.msg, "unknown-key."),
	    "client: BADKEY answer reported: %s", e.msg);

	/* Key with that name but another algorithm only: BADKEY too. */
	err_clear(&e);
	is_int(tsig_verify_request(&t, keys, 2, tv_notify, sizeof tv_notify, TV_TIME, NULL, &e),
	    TSIG_BADKEY, "server: same name, other algorithm is BADKEY");

	/* Malformed: every truncation of the signed request. */
	for (size_t l = 0; l < sizeof tv_notify; l++) {
		int r;

		err_clear(&e);
		r = tsig_verify_request(&t, keys, 3, tv_notify, l, TV_TIME, NULL, &e);
		if (r == TSIG_OK || r == TSIG_NONE) {
			ok(0, "request cut to %zu octets accepted", l);
			break;
		}
		if (l == sizeof tv_notify - 1)
			ok(1, "every truncated signed request refused");
	}
}

int
main(void)
{
	keys();
	single();
	truncated();
	multi();
	server();
	return tap_done();
}
