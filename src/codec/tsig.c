#include "codec/tsig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bearssl_hash.h>

#include "base/base64.h"
#include "codec/dns.h"

/* Algorithm names in wire form (RFC 8945 section 6): one label and the
 * root. The text name is the label itself (ALG_NAME), NUL-terminated by
 * the string literal. */
static const struct {
	const uint8_t *wire;
	const br_hash_class *hash;
	size_t out;
} algs[] = {
	[TSIG_HMAC_SHA1] = { (const uint8_t *)"\x09hmac-sha1", &br_sha1_vtable, 20 },
	[TSIG_HMAC_SHA224] = { (const uint8_t *)"\x0bhmac-sha224", &br_sha224_vtable, 28 },
	[TSIG_HMAC_SHA256] = { (const uint8_t *)"\x0bhmac-sha256", &br_sha256_vtable, 32 },
	[TSIG_HMAC_SHA384] = { (const uint8_t *)"\x0bhmac-sha384", &br_sha384_vtable, 48 },
	[TSIG_HMAC_SHA512] = { (const uint8_t *)"\x0bhmac-sha512", &br_sha512_vtable, 64 },
};
#define NALGS (sizeof algs / sizeof algs[0])
#define ALG_NAME(a) ((const char *)algs[a].wire + 1)
#define ALG_WIRE_LEN(a) ((size_t)algs[a].wire[0] + 2)

/* Most unsigned messages between two signed ones (RFC 8945 section 5.3.1:
 * every 100th message at least must be signed). */
#define MAX_UNSIGNED 99

/* A TSIG RR: found at the end of a message, or one to write. */
struct tsig_rr {
	size_t start; /* offset of the RR: the message length without it */
	const uint8_t *key; /* owner (key name), lower case */
	size_t key_len;
	const uint8_t *alg; /* algorithm name, lower case */
	size_t alg_len;
	uint64_t time;
	unsigned fudge;
	const uint8_t *mac;
	size_t mac_len;
	unsigned orig_id;
	unsigned error;
	const uint8_t *other;
	size_t other_len;
	uint8_t names[2][DNS_NAME_MAX]; /* found: where key and alg point */
};

const char *
tsig_alg_name(enum tsig_alg alg)
{
	return ALG_NAME(alg);
}

int
tsig_key_init(struct tsig_key *k, const char *name, const char *alg, const char *secret_b64,
    struct err *e)
{
	size_t alen = strlen(alg);
	struct err ne = { 0 };
	long n;
	int a;

	memset(k, 0, sizeof *k);
	if (!*name)
		return err_set(e, "TSIG key needs a name");
	if (alen && alg[alen - 1] == '.')
		alen--;
	for (a = 0; a < (int)NALGS; a++)
		if (strlen(ALG_NAME(a)) == alen && !strncasecmp(alg, ALG_NAME(a), alen))
			break;
	if (a == (int)NALGS)
		return err_set(e, "TSIG key %s: unsupported algorithm \"%s\" (use hmac-sha256, "
		    "hmac-sha1, hmac-sha224, hmac-sha384 or hmac-sha512)", name, alg);
	k->alg = (enum tsig_alg)a;
	if (dns_name_parse(k->name, sizeof k->name, name, strlen(name), DNS_NAME_DOT_OPT, NULL,
	    &ne) < 0)
		return err_set(e, "TSIG key name \"%s\": %s", name, ne.msg);
	dns_name_lower(k->name);
	k->name_len = dns_name_len(k->name);
	n = base64_decode(k->secret, sizeof k->secret, secret_b64, strlen(secret_b64));
	if (n < 0)
		return err_set(e, "TSIG key %s: the secret is not base64 (or longer than %d bytes)",
		    name, TSIG_MAX_SECRET);
	if (n == 0)
		return err_set(e, "TSIG key %s: empty secret", name);
	k->secret_len = (size_t)n;
	return 0;
}

int
tsig_key_parse(struct tsig_key *k, const char *spec, struct err *e)
{
	char name[1024], alg[64];
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c2)
		return err_set(e, "TSIG key must be NAME:ALGORITHM:BASE64SECRET");
	if ((size_t)(c1 - spec) >= sizeof name || (size_t)(c2 - c1 - 1) >= sizeof alg)
		return err_set(e, "TSIG key: name or algorithm too long");
	memcpy(name, spec, (size_t)(c1 - spec));
	name[c1 - spec] = '\0';
	memcpy(alg, c1 + 1, (size_t)(c2 - c1 - 1));
	alg[c2 - c1 - 1] = '\0';
	return tsig_key_init(k, name, alg, c2 + 1, e);
}

const char *
tsig_key_name(const struct tsig_key *k, char *buf, size_t len)
{
	dns_name_to_text(k->name, buf, len);
	return buf;
}

/* ---- wire helpers --------------------------------------------------------- */

/* Header fields of a message we sign or digest (at least DNS_HEADER_LEN). */
static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Constant-time comparison of MACs (the length is public). */
static int
mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	unsigned d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned)(a[i] ^ b[i]);
	return d == 0;
}

static int
name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/* ---- finding the TSIG RR (RFC 8945 section 5.1) ------------------------------ */

/* Find the TSIG RR, which must be the last RR of the additional section
 * and the only one. Returns 1 (rr filled), 0 (no TSIG) or -1. */
static int
find_tsig(const uint8_t *msg, size_t len, struct tsig_rr *rr, struct err *e)
{
	struct dns_msg m;
	struct dns_rr r;
	struct dns_cursor c;
	int n;

	if (dns_msg_init(&m, msg, len, e) < 0)
		return -1;
	while ((n = dns_msg_next(&m, &r)) > 0) {
		if (r.type != DNS_TYPE_TSIG)
			continue;
		if (r.section != DNS_SEC_ADDITIONAL || m.left != 0)
			return err_set(e, "TSIG record not last in the message (RFC 8945 section 5.1)");
		if (r.class != DNS_CLASS_ANY || r.ttl != 0)
			return err_set(e, "TSIG record not of class ANY with TTL 0 (RFC 8945 section 4.2)");
		rr->start = r.offset;
		memcpy(rr->names[0], r.owner, r.owner_len);
		dns_name_lower(rr->names[0]);
		rr->key = rr->names[0];
		rr->key_len = r.owner_len;
		/* The rdata alone: no compression inside (RFC 3597 section 4). */
		dns_cursor_init(&c, r.rdata, r.rdlen, e);
		c.nocomp = 1;
		if ((n = dns_get_name(&c, rr->names[1])) < 0)
			return -1;
		dns_name_lower(rr->names[1]);
		rr->alg = rr->names[1];
		rr->alg_len = (size_t)n;
		rr->time = (uint64_t)dns_get16(&c) << 32;
		rr->time |= dns_get32(&c);
		rr->fudge = dns_get16(&c);
		rr->mac_len = dns_get16(&c);
		rr->mac = dns_get_span(&c, rr->mac_len);
		rr->orig_id = dns_get16(&c);
		rr->error = dns_get16(&c);
		rr->other_len = dns_get16(&c);
		rr->other = dns_get_span(&c, rr->other_len);
		if (c.fail || c.pos != c.len)
			return err_set(e, "malformed TSIG record");
		/* dns_msg_next checked nothing follows the last record. */
		return dns_msg_next(&m, &r) == 0 ? 1 : -1;
	}
	return n;
}

/* ---- digests (RFC 8945 section 4.3) ------------------------------------------ */

static void
hmac_start(br_hmac_context *h, const struct tsig_key *k)
{
	br_hmac_key_context kc;

	br_hmac_key_init(&kc, algs[k->alg].hash, k->secret, k->secret_len);
	br_hmac_init(h, &kc, 0);
}

/* Request MAC or prior MAC, with its length (section 4.3.1). */
static void
digest_mac(br_hmac_context *h, const uint8_t *mac, size_t len)
{
	uint8_t l[2];

	put16(l, (unsigned)len);
	br_hmac_update(h, l, 2);
	br_hmac_update(h, mac, len);
}

/* The message as it was before the TSIG RR was added (section 4.3.2): the
 * original ID and the additional count without the TSIG RR. */
static void
digest_msg(br_hmac_context *h, const uint8_t *msg, size_t len, unsigned id, unsigned arcount)
{
	uint8_t hdr[DNS_HEADER_LEN];

	memcpy(hdr, msg, sizeof hdr);
	put16(hdr, id);
	put16(hdr + 10, arcount);
	br_hmac_update(h, hdr, sizeof hdr);
	br_hmac_update(h, msg + sizeof hdr, len - sizeof hdr);
}

/* The fields of v for a digest (section 4.3.3: TSIG_VARS; the timers
 * only, section 4.3.1: TSIG_TIMERS), Other Data left out, or as the TSIG
 * RR (TSIG_RR, section 4.2). */
enum { TSIG_TIMERS, TSIG_VARS, TSIG_RR };

static void
put_fields(struct dns_writer *w, const struct tsig_rr *v, int form)
{
	if (form != TSIG_TIMERS) {
		dns_put_bytes(w, v->key, v->key_len);
		if (form == TSIG_RR)
			dns_put16(w, DNS_TYPE_TSIG);
		dns_put16(w, DNS_CLASS_ANY);
		dns_put32(w, 0); /* TTL */
		if (form == TSIG_RR)
			dns_put16(w, (unsigned)(v->alg_len + 16 + v->mac_len + v->other_len));
		dns_put_bytes(w, v->alg, v->alg_len);
	}
	dns_put16(w, (unsigned)(v->time >> 32));
	dns_put32(w, (uint32_t)v->time);
	dns_put16(w, v->fudge);
	if (form == TSIG_RR) {
		dns_put16(w, (unsigned)v->mac_len);
		dns_put_bytes(w, v->mac, v->mac_len);
		dns_put16(w, v->orig_id);
	}
	if (form != TSIG_TIMERS) {
		dns_put16(w, v->error);
		dns_put16(w, (unsigned)v->other_len);
	}
}

/* TSIG variables of v (section 4.3.3), or the timers only (section 4.3.1,
 * later messages of a multi-message response). */
static void
digest_vars(br_hmac_context *h, const struct tsig_rr *v, int full)
{
	uint8_t b[2 * DNS_NAME_MAX + 20];
	struct dns_writer w;

	dns_writer_init(&w, b, sizeof b, 0, NULL);
	put_fields(&w, v, full ? TSIG_VARS : TSIG_TIMERS);
	br_hmac_update(h, b, w.len);
	if (full)
		br_hmac_update(h, v->other, v->other_len);
}

/* Append the TSIG RR v to msg[0..len) (buffer of cap bytes) and count it
 * in ARCOUNT. Returns the new length or -1. */
static long
append_rr(uint8_t *msg, size_t len, size_t cap, const struct tsig_rr *v)
{
	struct dns_writer w;
	long n;

	if (len < DNS_HEADER_LEN || cap < len || get16(msg + 10) == 0xffff)
		return -1;
	dns_writer_init(&w, msg + len, cap - len, 0, NULL);
	put_fields(&w, v, TSIG_RR);
	dns_put_bytes(&w, v->other, v->other_len);
	if ((n = dns_writer_done(&w)) < 0)
		return -1;
	put16(msg + 10, get16(msg + 10) + 1);
	return (long)len + n;
}

/* The TSIG RR of key k (or of the request's key and algorithm, with k
 * NULL) that v will be: the fields every one we write has. */
static void
set_rr(struct tsig_rr *v, const struct tsig_key *k, const struct tsig_ctx *t, unsigned id,
    uint64_t time, unsigned error, const uint8_t *other, size_t other_len)
{
	v->key = k ? k->name : t->req_key;
	v->key_len = k ? k->name_len : t->req_key_len;
	v->alg = k ? algs[k->alg].wire : t->req_alg;
	v->alg_len = k ? ALG_WIRE_LEN(k->alg) : t->req_alg_len;
	v->time = time;
	v->fudge = TSIG_FUDGE;
	v->mac = NULL;
	v->mac_len = 0;
	v->orig_id = id;
	v->error = error;
	v->other = other;
	v->other_len = other_len;
}

static long
sign(const struct tsig_key *k, const uint8_t *req_mac, size_t req_mac_len, uint8_t *msg,
    size_t len, size_t cap, unsigned id, uint64_t time, unsigned error, const uint8_t *other,
    size_t other_len, uint8_t *mac)
{
	br_hmac_context h;
	struct tsig_rr v;

	if (len < DNS_HEADER_LEN)
		return -1;
	set_rr(&v, k, NULL, id, time, error, other, other_len);
	hmac_start(&h, k);
	if (req_mac)
		digest_mac(&h, req_mac, req_mac_len);
	digest_msg(&h, msg, len, id, get16(msg + 10));
	digest_vars(&h, &v, 1);
	v.mac_len = br_hmac_out(&h, mac);
	v.mac = mac;
	return append_rr(msg, len, cap, &v);
}

long
tsig_sign_query(struct tsig_ctx *t, const struct tsig_key *key, uint8_t *msg, size_t len,
    size_t cap, uint64_t now)
{
	long n;

	memset(t, 0, sizeof *t);
	t->key = key;
	if (len < DNS_HEADER_LEN)
		return -1;
	n = sign(key, NULL, 0, msg, len, cap, get16(msg), now, 0, NULL, 0, t->mac);
	t->mac_len = algs[key->alg].out;
	return n;
}

/* Was rr signed with key k (names compared in lower case)? */
static int
signed_with(const struct tsig_rr *rr, const struct tsig_key *k)
{
	return name_equal(rr->key, rr->key_len, k->name, k->name_len) &&
	    name_equal(rr->alg, rr->alg_len, algs[k->alg].wire, ALG_WIRE_LEN(k->alg));
}

/* The MAC length of rr against algorithm a: from the shortest accepted
 * (RFC 8945 section 5.2.2.1: half the hash output, and never under 10
 * octets) to the whole output. -1 with the error naming it ("TSIG MAC of
 * N octets" where what and kname say, e.g. "in response" or "from key "
 * and its name). */
static int
mac_len_check(const struct tsig_rr *rr, enum tsig_alg a, const char *what, const char *kname,
    struct err *e)
{
	size_t half = (algs[a].out + 1) / 2, min = half > 10 ? half : 10;

	if (rr->mac_len > algs[a].out || rr->mac_len < min)
		return err_set(e, "TSIG MAC of %zu octets %s%s (%s needs %zu to %zu)", rr->mac_len,
		    what, kname, ALG_NAME(a), min, algs[a].out);
	return 0;
}

/* Digest the message before rr (RFC 8945 section 4.3.2) and rr's
 * variables (all of them with full, else the timers: section 4.3.1) into
 * h, which holds what comes before; 1 when the result is rr's MAC. */
static int
mac_matches(br_hmac_context *h, const uint8_t *msg, const struct tsig_rr *rr, int full)
{
	uint8_t mac[TSIG_MAC_MAX];

	digest_msg(h, msg, rr->start, rr->orig_id, get16(msg + 10) - 1);
	digest_vars(h, rr, full);
	br_hmac_out(h, mac);
	return mac_equal(mac, rr->mac, rr->mac_len);
}

static const char *
tsig_error_str(unsigned error)
{
	switch (error) {
	case TSIG_BADSIG:
		return "BADSIG";
	case TSIG_BADKEY:
		return "BADKEY";
	case TSIG_BADTIME:
		return "BADTIME";
	case TSIG_BADTRUNC:
		return "BADTRUNC";
	default:
		return "unknown TSIG error";
	}
}

static uint64_t
time_diff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

int
tsig_verify_response(struct tsig_ctx *t, const uint8_t *msg, size_t len, uint64_t now,
    size_t *len_nosig, struct err *e)
{
	const struct tsig_key *k = t->key;
	char kname[DNS_NAME_TEXT_MAX];
	struct tsig_rr rr;
	int found = find_tsig(msg, len, &rr, e), ok;

	if (found < 0)
		return -1;
	if (len_nosig)
		*len_nosig = found ? rr.start : len;
	tsig_key_name(k, kname, sizeof kname);
	if (!found) {
		/* Section 5.3.1: the first message must be signed; later ones may
		 * not be, up to 99 in a row, and go into the next digest whole. */
		if (t->nsigned == 0)
			return err_set(e, "response is not signed (the query was signed with TSIG key %s)",
			    kname);
		if (++t->nunsigned > MAX_UNSIGNED)
			return err_set(e, "more than %d unsigned messages in a row in a TSIG-signed "
			    "response", MAX_UNSIGNED);
		if (!t->chaining) {
			hmac_start(&t->hmac, k);
			digest_mac(&t->hmac, t->mac, t->mac_len);
			t->chaining = 1;
		}
		br_hmac_update(&t->hmac, msg, len);
		t->last_signed = 0;
		return 0;
	}
	if (rr.error == TSIG_BADKEY || rr.error == TSIG_BADSIG)
		return err_set(e, "server rejected TSIG key %s (%s): check the key name, algorithm "
		    "and secret", kname, tsig_error_str(rr.error));
	if (!signed_with(&rr, k))
		return err_set(e, "response signed with another TSIG key or algorithm than %s "
		    "(%s)", kname, ALG_NAME(k->alg));
	if (mac_len_check(&rr, k->alg, "in response", "", e) < 0)
		return -1;
	if (!t->chaining) {
		hmac_start(&t->hmac, k);
		digest_mac(&t->hmac, t->mac, t->mac_len);
	}
	/* The key and algorithm names in rr are k's (signed_with). */
	ok = mac_matches(&t->hmac, msg, &rr, t->nsigned == 0);
	t->chaining = 0;
	if (!ok)
		return err_set(e, "bad TSIG signature in response (BADSIG): the server does not "
		    "have the same secret for key %s", kname);
	if (rr.error == TSIG_BADTIME)
		return err_set(e, "server rejected the query's time (BADTIME): the clocks differ by "
		    "more than %d s", TSIG_FUDGE);
	if (rr.error)
		return err_set(e, "server reported TSIG error %u (%s)", rr.error,
		    tsig_error_str(rr.error));
	if (time_diff(rr.time, now) > rr.fudge)
		return err_set(e, "TSIG time of response is %llu s off our clock, more than the "
		    "fudge of %u s (BADTIME)", (unsigned long long)time_diff(rr.time, now), rr.fudge);
	memcpy(t->mac, rr.mac, rr.mac_len);
	t->mac_len = rr.mac_len;
	t->nsigned++;
	t->nunsigned = 0;
	t->last_signed = 1;
	return 1;
}

int
tsig_verify_end(const struct tsig_ctx *t, struct err *e)
{
	if (!t->last_signed)
		return err_set(e, "the last message of the response is not TSIG-signed");
	return 0;
}

int
tsig_verify_request(struct tsig_ctx *t, const struct tsig_key *keys, size_t nkeys,
    const uint8_t *msg, size_t len, uint64_t now, size_t *len_nosig, struct err *e)
{
	br_hmac_context h;
	char kname[DNS_NAME_TEXT_MAX];
	struct tsig_rr rr;
	int found;

	memset(t, 0, sizeof *t);
	found = find_tsig(msg, len, &rr, e);
	if (found < 0)
		return -1;
	if (len_nosig)
		*len_nosig = found ? rr.start : len;
	if (!found)
		return TSIG_NONE;
	t->orig_id = rr.orig_id;
	t->req_time = rr.time;
	memcpy(t->req_key, rr.key, rr.key_len);
	t->req_key_len = rr.key_len;
	memcpy(t->req_alg, rr.alg, rr.alg_len);
	t->req_alg_len = rr.alg_len;
	dns_name_to_text(rr.key, kname, sizeof kname);
	for (size_t i = 0; i < nkeys && !t->key; i++)
		if (signed_with(&rr, &keys[i]))
			t->key = &keys[i];
	if (!t->key) {
		t->error = TSIG_BADKEY;
		err_set(e, "request signed with unknown TSIG key %s (BADKEY)", kname);
		return TSIG_BADKEY;
	}
	if (mac_len_check(&rr, t->key->alg, "from key ", kname, e) < 0)
		return -1;
	hmac_start(&h, t->key);
	if (!mac_matches(&h, msg, &rr, 1)) {
		t->error = TSIG_BADSIG;
		err_set(e, "bad TSIG signature from key %s (BADSIG)", kname);
		return TSIG_BADSIG;
	}
	memcpy(t->mac, rr.mac, rr.mac_len);
	t->mac_len = rr.mac_len;
	if (time_diff(rr.time, now) > rr.fudge) {
		t->error = TSIG_BADTIME;
		err_set(e, "TSIG time of request from key %s is %llu s off our clock (BADTIME)", kname,
		    (unsigned long long)time_diff(rr.time, now));
		return TSIG_BADTIME;
	}
	return TSIG_OK;
}

long
tsig_sign_response(struct tsig_ctx *t, uint8_t *msg, size_t len, size_t cap, uint64_t now)
{
	uint8_t mac[TSIG_MAC_MAX], other[6];
	struct tsig_rr v;

	if (!t->key && t->error != TSIG_BADKEY)
		return -1; /* no signed request verified: nothing to answer with */
	if (t->error == TSIG_BADKEY || t->error == TSIG_BADSIG) {
		/* Section 5.3.2: an unsigned answer, MAC size 0, naming the key
		 * and algorithm the request used. */
		set_rr(&v, NULL, t, t->orig_id, now, t->error, NULL, 0);
		return append_rr(msg, len, cap, &v);
	}
	if (t->error == TSIG_BADTIME) {
		/* Section 5.2.3: signed, Time Signed from the request, our time in
		 * Other Data so the client can see the skew. */
		put16(other, (unsigned)(now >> 32));
		put16(other + 2, (unsigned)(now >> 16));
		put16(other + 4, (unsigned)now);
		return sign(t->key, t->mac, t->mac_len, msg, len, cap, t->orig_id, t->req_time,
		    TSIG_BADTIME, other, sizeof other, mac);
	}
	return sign(t->key, t->mac, t->mac_len, msg, len, cap, t->orig_id, now, 0, NULL, 0, mac);
}
