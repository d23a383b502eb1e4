/*
 * xfr: the secondary's client side: SOA query, AXFR and IXFR, with TSIG.
 *
 * One struct xfr is one job: the caller fills the request (zone, kind,
 * servers, key, callback), calls xfr_start(), and the poll loop drives it
 * (loop.h handles embedded in the struct; nothing blocks). The callback runs
 * exactly once, from the loop, with either the result or x->err set to a
 * one-line reason naming the server, e.g.
 *   "192.0.2.1:53 refused the transfer of example.com. (REFUSED)".
 *
 * Servers are tried in order: any failure of one (connection refused or
 * timed out, an error RCODE, a malformed or unverifiable answer, a transfer
 * cut short) is logged as a warning and the next one is tried; the error
 * reported is the last server's. A transfer is complete or it is an error:
 * a partial zone is never a result.
 *
 *   SOA   (RFC 1035, RFC 1996 section 4): UDP with EDNS0 (RFC 6891), retried
 *         XFR_UDP_TRIES times, then TCP when the answer is truncated (TC).
 *   AXFR  (RFC 5936) over TCP: multi-message answers, the zone between two
 *         copies of its SOA.
 *   IXFR  (RFC 1995) over TCP from x->serial: the version steps (deleted
 *         and added RRs each), or a full zone when the server answers
 *         AXFR-style, or "current" (one SOA, no newer version). A server
 *         answering IXFR with NOTIMP or FORMERR is asked again for AXFR.
 *
 * Checks on every message: ID, QR, opcode, question, RCODE, TSIG (every
 * message, RFC 8945 section 5.3.1), class IN, owners inside the zone, the
 * IXFR serial chain, and the limits of config.h (DNS_MAX_ZONE_RRS,
 * DNS_MAX_ZONE_BYTES, XFR_* timeouts).
 *
 * The message parser runs without sockets too: xfr_feed() takes TCP stream
 * bytes in any split (test/test_xfr.c feeds them one at a time).
 */
#ifndef NOTIFY53_XFR_H
#define NOTIFY53_XFR_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "codec/dns.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/net.h"
#include "codec/rr.h"
#include "codec/tsig.h"
#include "dns/zone.h"

enum xfr_kind {
	XFR_SOA,
	XFR_AXFR,
	XFR_IXFR
};

enum xfr_outcome {
	XFR_GOT_SOA,     /* SOA query answered: soa */
	XFR_GOT_FULL,    /* AXFR, or AXFR-style IXFR answer: zone, soa */
	XFR_GOT_DELTA,   /* IXFR: delta, steps[0..nsteps), soa (the newest) */
	XFR_GOT_CURRENT  /* IXFR: nothing newer than x->serial; soa */
};

/* One IXFR version step (RFC 1995 section 4), from version from to version
 * to: records [first, end) of the transfer's delta, the RRs it deletes
 * (among them the SOA of from), then those it adds (among them the SOA of
 * to). A step costs these 16 octets besides its records, so a transfer's
 * memory follows the octets it received, however many steps they hold. */
struct xfr_step {
	uint32_t from, to;
	uint32_t first, end;
};

/* Job phases (ordered; tests and logs read them). */
enum xfr_phase {
	XFR_IDLE,
	XFR_UDP,        /* SOA query sent over UDP, waiting */
	XFR_CONNECTING, /* TCP connect in progress */
	XFR_SENDING,    /* writing the length-prefixed query */
	XFR_READING,    /* reading the answer */
	XFR_DONE
};

struct xfr {
	/* ---- request: the caller sets these before xfr_start() ---- */
	enum xfr_kind kind;
	uint8_t name[DNS_NAME_MAX];      /* the zone, wire form */
	uint32_t serial;                 /* IXFR: the version we have */
	const struct net_addr *servers;  /* tried in order; caller keeps them */
	size_t nservers;
	const struct tsig_key *key;      /* NULL: unsigned */
	void (*done)(struct xfr *x);     /* once, from the loop */

	/* ---- result, valid in done() ---- */
	struct err err;                  /* set: failed, msg says why */
	enum xfr_outcome outcome;
	struct rr_soa soa;               /* the zone's SOA as the server has it */
	uint32_t soa_ttl;
	struct zone *zone;               /* XFR_GOT_FULL, finished; xfr_free frees it
	                                  * unless the caller took it (set NULL) */
	struct zone_delta delta;         /* XFR_GOT_DELTA: every step's records, in
	                                  * order, for zone_apply() */
	struct xfr_step *steps;          /* ... and where each step lies in it */
	size_t nsteps, steps_cap;
	const struct net_addr *server;   /* the server that answered */
	size_t rrs, bytes;               /* RRs and octets received */

	/* ---- private ---- */
	enum xfr_phase phase;
	size_t next_server;
	int ixfr_refused;                /* NOTIMP/FORMERR to our IXFR */
	int axfr_fallback;               /* so asking AXFR instead */
	struct loop_io io;
	struct loop_timer timer;         /* connect / read / UDP retry deadline */
	struct loop_timer total;         /* whole attempt at one server */
	int udp_try;
	uint16_t id;
	uint8_t query[2 + 1024];         /* TCP length prefix, then the query */
	size_t qlen, qsent;
	struct tsig_ctx tsig;
	struct err attempt;              /* error of the current server */
	/* Answer parsing (also driven directly by xfr_feed). */
	int state;
	int nmsg;
	size_t have;                     /* octets of the current TCP message */
	uint8_t *buf;                    /* 2 + DNS_MAX_MSG octets while busy */
};

/* Start the job: x's request fields set, the rest zeroed. Returns 0; the
 * callback reports everything, even an immediate failure. */
int xfr_start(struct xfr *x);

/* Stop a job started with xfr_start() without calling back (closes
 * sockets, frees any result). */
void xfr_cancel(struct xfr *x);

/* Free the result (zone or delta and steps) and buffers; x can be started
 * again. */
void xfr_free(struct xfr *x);

/* Without sockets (tests, fuzzing): prepare x to parse the answer to a
 * query with ID id, of x->kind for x->zone (and x->serial, x->key with the
 * query already signed into x->tsig by the caller). */
void xfr_parse_begin(struct xfr *x, uint16_t id);

/* Feed TCP stream octets (2-octet length prefix and message, RFC 1035
 * section 4.2.2) in any split. Returns 1 when the answer is complete (result
 * fields set), 0 when more is needed, -1 on error (x->err). now: seconds
 * since the epoch, for TSIG. */
int xfr_feed(struct xfr *x, const uint8_t *p, size_t n, uint64_t now);

/* The stream ended (connection closed): an error unless complete. */
int xfr_feed_end(struct xfr *x);

/* "REFUSED", "NOTAUTH"... for messages. */
const char *xfr_rcode_str(unsigned rcode);

#endif
