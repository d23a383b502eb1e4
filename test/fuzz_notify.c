/*
 * Fuzz target for the NOTIFY listener's decisions (notify_packet) with TSIG
 * keys configured: k1 (hmac-sha256, the key of zone signed.example) and k2
 * (hmac-sha512, of no zone). The time is fixed (FUZZ_NOW), so signed
 * requests in the corpus stay valid.
 *
 * Input: one control octet, then the message.
 *   bit 0     over TCP
 *   bits 1-2  source: 192.0.2.1 (notify_servers), 2001:db8::5 (notify_servers),
 *             198.51.100.9 (primary of prim.example only), 203.0.113.1 (none)
 *   bit 3     the harness signs the message with a key before handing it
 *             over (RFC 8945 section 4.2), so the fuzzer's changes to a
 *             NOTIFY still reach what follows a verified signature
 *   bit 4     ... with k2 rather than k1
 *   bit 5     ... signed 1000 s from now (past the fudge: BADTIME)
 *   bit 6     ... with the MAC's last octet flipped (BADSIG)
 * Otherwise the octets go in as they are (a corpus entry can carry its own
 * valid TSIG, signed at FUZZ_NOW).
 *
 * Properties: the reply fits its buffer and is a response with the request's
 * ID; a delivered NOTIFY was answered NOERROR, and for signed.example only
 * with a verified TSIG; the answer to a request the harness signed and the
 * listener verified verifies with the same key (every answer to a verified
 * request is signed, RFC 8945 section 5.3).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "codec/tsig.h"
#include "config/cfg.h"
#include "dns/notify.h"

#define FUZZ_NOW 1767225600u /* 2026-01-01T00:00:00Z */
#define FUZZ_S1 "a2V5LW9uZS1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTAwMDA="
#define FUZZ_S2 "a2V5LXR3by1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTExMTE="

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char config[] =
	"{\"listen\": [\"127.0.0.1:5300\"],"
	" \"notify_servers\": [\"192.0.2.1\", \"2001:db8::/32\"],"
	" \"tsig_keys\": {\"k1\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"" FUZZ_S1 "\"},"
	"                 \"k2\": {\"algorithm\": \"hmac-sha512\", \"secret\": \"" FUZZ_S2 "\"}},"
	" \"zones\": [{\"name\": \"example.com\", \"primaries\": [\"192.0.2.1\"]},"
	"           {\"name\": \"signed.example\", \"primaries\": [\"192.0.2.1\"], \"tsig_key\": \"k1\"},"
	"           {\"name\": \"prim.example\", \"primaries\": [\"198.51.100.9\"]}]}";

static struct cfg cfg;
static struct notify nt;
static struct tsig_key keys[2];
static struct net_addr from[4];
static int64_t clock_ms = 1000000;

static void
on_notify(void *arg, const struct cfg_zone *zone, int has_serial, uint32_t serial,
    const struct net_addr *addr)
{
	(void)arg, (void)zone, (void)has_serial, (void)serial, (void)addr;
}

static void
setup(void)
{
	static const char *const src[4] = { "192.0.2.1", "2001:db8::5", "198.51.100.9",
		"203.0.113.1" };
	static const struct notify_handler h = { .on_notify = on_notify };
	struct err e = { 0 };

	log_set_level(LOG_LEVEL_ERR); /* the listener's info lines: not the point */
	if (cfg_parse(&cfg, config, "fuzz", &e) < 0 || notify_init(&nt, &cfg, &h, &e) < 0 ||
	    tsig_key_init(&keys[0], "k1", "hmac-sha256", FUZZ_S1, &e) < 0 ||
	    tsig_key_init(&keys[1], "k2", "hmac-sha512", FUZZ_S2, &e) < 0)
		abort();
	for (int i = 0; i < 4; i++)
		if (net_addr_parse(&from[i], src[i], 53) < 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[NOTIFY_MAX_MSG + 512], reply[NOTIFY_REPLY_MAX];
	static int ready;
	struct notify_result r;
	struct tsig_ctx cli;
	unsigned ctl;
	size_t len;
	int signed_here = 0;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1 || size - 1 > NOTIFY_MAX_MSG)
		return 0;
	ctl = data[0];
	len = size - 1;
	memcpy(msg, data + 1, len);
	if (ctl & 8) {
		long n = tsig_sign_query(&cli, &keys[ctl >> 4 & 1], msg, len, sizeof msg,
		    ctl & 32 ? FUZZ_NOW + 1000 : FUZZ_NOW);

		if (n < 0)
			return 0;
		len = (size_t)n;
		if (ctl & 64)
			msg[len - 7] ^= 1; /* the MAC's last octet: Original ID, Error, Other Len follow */
		signed_here = 1;
	}
	/* A minute between messages: the rate limit never drops one. */
	clock_ms += 60000;
	notify_packet(&nt, msg, len, &from[ctl >> 1 & 3], ctl & 1, clock_ms, FUZZ_NOW, reply,
	    sizeof reply, &r);
#ifdef FUZZ_DEBUG
	fprintf(stderr, "notify: verdict %d rcode %d tsig %d\n", (int)r.verdict, r.rcode, r.tsig);
#endif
	if (r.verdict == NOTIFY_DROP)
		return 0;
	if (r.reply_len < DNS_HEADER_LEN || r.reply_len > sizeof reply ||
	    !(reply[2] & 0x80) || memcmp(reply, msg, 2))
		abort();
	if (r.verdict == NOTIFY_DELIVER) {
		if (r.rcode != DNS_RCODE_NOERROR || !r.zone)
			abort();
		if (r.zone->tsig && r.tsig != TSIG_OK)
			abort(); /* a zone with a key took an unverified NOTIFY */
	}
	if (signed_here && r.tsig == TSIG_OK && !(reply[2] & 0x02)) {
		struct err e = { 0 };

		if (tsig_verify_response(&cli, reply, r.reply_len, FUZZ_NOW, NULL, &e) != 1)
			abort(); /* the answer to a verified request is not signed with its key */
	}
	return 0;
}
