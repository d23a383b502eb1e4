/*
 * Fuzz target for IXFR answers (RFC 1995) of several messages, unsigned or
 * TSIG-signed as a primary signs them (RFC 8945 section 5.3.1), then applied
 * to the zone the secondary has.
 *
 * Input: a control octet, a piece-size octet, then the answer's messages as
 * a TCP stream would carry them (2-octet length, message; a last piece that
 * is short is kept as it is). The query asked IXFR for example.com. from
 * serial 1, with the ID of the first message.
 *   ctl bit 0  signed: the harness is the primary holding key xfr-key
 *              (hmac-sha256) and signs the messages before they are fed
 *              (the first with the TSIG variables, the later ones with the
 *              prior MAC and the timers), so the fuzzer's changes to the
 *              records still pass the signature and reach the parser
 *   ctl bit 1  ... signing only every other message (the unsigned ones go
 *              into the next signed message's digest, section 5.3.1)
 *   ctl bit 2  ... with the last message's MAC broken (octets after the
 *              answer's end are not looked at)
 * The stream is fed in pieces of 1 + the second octet.
 *
 * Properties: a complete answer's version steps chain from serial 1 to the
 * newest SOA's serial; a delta either applies to the serial-1 zone or is
 * refused with the zone unchanged (zone_apply: all or nothing); a signed
 * answer is never complete with a message whose MAC is broken; the
 * memory the transfer holds stays within BYTES_PER_OCTET times the octets
 * received (plus its buffers), as make fuzz-long's -rss_limit_mb and
 * -malloc_limit_mb bound the whole process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl_hash.h>
#include <bearssl_hmac.h>

#include "codec/dns.h"
#include "codec/tsig.h"
#include "dns/xfr.h"
#include "dns/zone.h"

#define FUZZ_NOW 1767225600u /* 2026-01-01T00:00:00Z */
#define MAX_MSGS 64
/* What a transfer may hold per octet received: an RR of 12 octets on the
 * wire (a compressed owner, no rdata) keeps its whole owner name (up to 255
 * octets) and an index entry, about 23 times its size, and buffers grow by
 * doubling. 64 leaves room for that and fails a bomb like the one of bare
 * IXFR steps (two zones per 68-octet step: 160 times). */
#define BYTES_PER_OCTET 64
#define BYTES_FIXED (2 * (2 + DNS_MAX_MSG) + 64 * 1024)

/* The allocator's count of live bytes, when the build has a sanitizer
 * (libFuzzer's and make check's builds). */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t zname[] = "\7example\3com";
static const uint8_t alg_wire[] = "\13hmac-sha256";
static struct tsig_key key;
static uint8_t stream[MAX_MSGS * (2 + DNS_MAX_MSG)];

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The primary's side of a signed answer. */
struct signer {
	br_hmac_key_context kc;
	br_hmac_context h;
	uint8_t mac[32];
	int chaining; /* h holds the prior MAC and unsigned messages */
};

/* Append the TSIG RR with mac to msg[0..len) (room checked by the caller). */
static size_t
append_tsig(uint8_t *msg, size_t len, const uint8_t *mac)
{
	uint8_t *p = msg + len;

	memcpy(p, key.name, key.name_len);
	p += key.name_len;
	put16(p, DNS_TYPE_TSIG), put16(p + 2, DNS_CLASS_ANY);
	memset(p + 4, 0, 4);
	put16(p + 8, (unsigned)(sizeof alg_wire + 16 + 32));
	p += 10;
	memcpy(p, alg_wire, sizeof alg_wire);
	p += sizeof alg_wire;
	put16(p, 0), put16(p + 2, FUZZ_NOW >> 16), put16(p + 4, FUZZ_NOW & 0xffff);
	put16(p + 6, TSIG_FUDGE), put16(p + 8, 32);
	memcpy(p + 10, mac, 32);
	p += 42;
	memcpy(p, msg, 2); /* original ID */
	put16(p + 2, 0), put16(p + 4, 0);
	p += 6;
	put16(msg + 10, (unsigned)(msg[10] << 8 | msg[11]) + 1);
	return (size_t)(p - msg);
}

/* Message i (i > 0) of the answer: signed (sign) or only digested. */
static size_t
sign_later(struct signer *s, uint8_t *msg, size_t len, int sign)
{
	uint8_t timers[8] = { 0, 0, FUZZ_NOW >> 24, FUZZ_NOW >> 16 & 255, FUZZ_NOW >> 8 & 255,
		FUZZ_NOW & 255, TSIG_FUDGE >> 8, TSIG_FUDGE & 255 };
	uint8_t l[2] = { 0, 32 };

	if (!s->chaining) {
		br_hmac_init(&s->h, &s->kc, 0);
		br_hmac_update(&s->h, l, 2);
		br_hmac_update(&s->h, s->mac, 32);
		s->chaining = 1;
	}
	br_hmac_update(&s->h, msg, len);
	if (!sign)
		return len;
	br_hmac_update(&s->h, timers, sizeof timers);
	br_hmac_out(&s->h, s->mac);
	s->chaining = 0;
	return append_tsig(msg, len, s->mac);
}

/* The serial-1 zone the secondary holds. */
static void
base_zone(struct zone *z)
{
	static const uint8_t soa[] = "\3ns1\7example\3com\0\12hostmaster\7example\3com\0"
		"\0\0\0\1\0\0\16\20\0\0\2\130\0\1\121\200\0\0\1\54";
	static const uint8_t ns[] = "\3ns1\7example\3com";
	static const uint8_t ns1[] = "\3ns1\7example\3com", www[] = "\3www\7example\3com";
	static const uint8_t a1[4] = { 192, 0, 2, 53 }, a2[4] = { 192, 0, 2, 1 };

	zone_init(z);
	zone_add(z, zname, DNS_TYPE_SOA, DNS_CLASS_IN, 300, soa, sizeof soa - 1);
	zone_add(z, zname, DNS_TYPE_NS, DNS_CLASS_IN, 300, ns, sizeof ns);
	zone_add(z, ns1, DNS_TYPE_A, DNS_CLASS_IN, 300, a1, 4);
	zone_add(z, www, DNS_TYPE_A, DNS_CLASS_IN, 300, a2, 4);
	if (zone_finish(z) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xfr x;
	static int ready;
	unsigned ctl;
	size_t piece, slen = 0, nmsg = 0;
	const uint8_t *p, *end = data + size;
	uint16_t id;
	size_t live;
	int r = 0, broken = -1;

	if (!ready) {
		struct err e = { 0 };

		if (tsig_key_init(&key, "xfr-key", "hmac-sha256",
		    "c2VjcmV0LWtleS1mb3Itbm90aWZ5NTMtdGVzdHM=", &e) < 0)
			abort();
		ready = 1;
	}
	if (size < 6)
		return 0;
	ctl = data[0];
	piece = 1 + data[1];
	id = (uint16_t)(data[4] << 8 | data[5]);
	memset(&x, 0, sizeof x);
	x.kind = XFR_IXFR;
	x.serial = 1;
	memcpy(x.name, zname, sizeof zname);
	if (!(ctl & 1)) {
		memcpy(stream, data + 2, size - 2);
		slen = size - 2;
	} else {
		/* The query, signed by us as the client; the primary verifies
		 * it and signs its answer with the request's MAC first. */
		static uint8_t q[512];
		struct dns_writer w;
		struct dns_header h = { .id = id };
		struct tsig_ctx srv;
		struct signer s;
		struct err e = { 0 };
		long n;

		dns_writer_init(&w, q, sizeof q, 0, NULL);
		dns_put_header(&w, &h);
		dns_put_question(&w, zname, DNS_TYPE_IXFR, DNS_CLASS_IN);
		n = tsig_sign_query(&x.tsig, &key, q, (size_t)dns_writer_done(&w), sizeof q, FUZZ_NOW);
		if (n < 0 || tsig_verify_request(&srv, &key, 1, q, (size_t)n, FUZZ_NOW, NULL, &e) != TSIG_OK)
			abort();
		x.key = &key;
		br_hmac_key_init(&s.kc, &br_sha256_vtable, key.secret, key.secret_len);
		s.chaining = 0;
		for (p = data + 2; p < end && nmsg < MAX_MSGS; nmsg++) {
			size_t len = end - p < 2 ? 0 : (size_t)(p[0] << 8 | p[1]);
			uint8_t *m = stream + slen + 2;
			int last, sign;

			if (end - p < 2 || len < DNS_HEADER_LEN || len > (size_t)(end - p - 2) ||
			    len > DNS_MAX_MSG - 200) {
				/* A broken tail: as it is. */
				memcpy(stream + slen, p, (size_t)(end - p));
				slen += (size_t)(end - p);
				break;
			}
			if (p[12] == 0xff && p[13] == 0xff)
				return 0; /* ARCOUNT full: no room for a TSIG RR */
			memcpy(m, p + 2, len);
			p += 2 + len;
			last = p >= end || nmsg + 1 == MAX_MSGS;
			sign = nmsg == 0 || last || !(ctl & 2) || nmsg % 2 == 0;
			if (nmsg == 0) {
				n = tsig_sign_response(&srv, m, len, len + 200, FUZZ_NOW);
				if (n < 0)
					abort();
				/* Its MAC, for the next: after owner, type, class,
				 * TTL, RDLENGTH, algorithm, time, fudge, MAC size. */
				memcpy(s.mac, m + len + key.name_len + 10 + sizeof alg_wire + 10, 32);
				len = (size_t)n;
			} else
				len = sign_later(&s, m, len, sign);
			if (last && (ctl & 4)) {
				m[len - 7] ^= 1;
				broken = (int)nmsg;
			}
			put16(stream + slen, (unsigned)len);
			slen += 2 + len;
		}
	}
	live = __sanitizer_get_current_allocated_bytes ? __sanitizer_get_current_allocated_bytes() : 0;
	xfr_parse_begin(&x, id);
	for (size_t off = 0; off < slen && r == 0; off += piece)
		r = xfr_feed(&x, stream + off, slen - off < piece ? slen - off : piece, FUZZ_NOW);
	if (r == 0)
		r = xfr_feed_end(&x) < 0 ? -1 : 1;
	/* The transfer's memory follows the octets it received (xfr.h). */
	if (live && __sanitizer_get_current_allocated_bytes() > live &&
	    __sanitizer_get_current_allocated_bytes() - live > BYTES_PER_OCTET * slen + BYTES_FIXED)
		abort();
#ifdef FUZZ_DEBUG
	fprintf(stderr, "ixfr: r %d outcome %d steps %zu serial %u: %s\n", r, (int)x.outcome,
	    x.nsteps, (unsigned)x.soa.serial, x.err.set ? x.err.msg : "");
#endif
	if (r == 1 && broken >= 0 && broken < x.nmsg)
		abort(); /* a message with a broken signature, and the answer complete */
	if (r == 1 && x.outcome == XFR_GOT_DELTA) {
		struct zone z, before;
		struct zone_changes ch;

		if (x.nsteps == 0 || x.steps[0].from != 1 || x.steps[x.nsteps - 1].to != x.soa.serial)
			abort();
		for (size_t i = 1; i < x.nsteps; i++)
			if (x.steps[i].from != x.steps[i - 1].to)
				abort(); /* the steps do not chain */
		base_zone(&z);
		zone_init(&before);
		zone_changes_init(&ch);
		if (zone_copy(&before, &z) < 0)
			abort();
		if (zone_apply(&z, &x.delta, &ch) < 0) {
			if (zone_set_count(&z) != zone_set_count(&before))
				abort();
			for (size_t i = 0; i < zone_set_count(&z); i++)
				if (!zone_set_equal(&z, i, &before, i))
					abort(); /* half-applied */
		}
		zone_changes_free(&ch);
		zone_free(&before);
		zone_free(&z);
	}
	xfr_free(&x);
	return 0;
}
