/*
 * notify: the NOTIFY listener (RFC 1996) on UDP and TCP, IPv4 and IPv6.
 *
 * Life cycle, so the daemon can bind port 53 as root and run as a user:
 *
 *   notify_init(&n, cfg, &handler, e)   keys and zone index from the config
 *   notify_bind(&n, e)                  sockets for cfg->listen (as root)
 *   ... drop privileges ...
 *   notify_start(&n)                    registered with the loop
 *   notify_reload(&n, newcfg, e)        SIGHUP: swap the config in
 *   notify_free(&n)                     sockets closed, memory freed
 *
 * Every message goes through notify_packet(), a pure decision function (no
 * I/O, the clocks passed in) that the socket code and the unit tests share.
 * In order:
 *
 *   1. Shorter than a header, or a response (QR set): dropped. Answering a
 *      response could start a loop between two servers.
 *   2. Source check: a peer's address (cfg->peers), or
 *      cfg_notify_allowed() with the zone of the question when it can be
 *      read (notify_servers, and the primaries of any entry of that zone,
 *      RFC 1996 section 3.10), else notify_servers alone. Other sources are
 *      dropped with no reply, whatever the message: no reflection, and
 *      nothing learnt by probing.
 *   3. Per-source token bucket (NOTIFY_RATE_*): excess dropped silently.
 *   4. FORMERR, unsigned: QDCOUNT != 1, a question that cannot be read, a
 *      type other than SOA or class other than IN (RFC 1996 section 3.7),
 *      records that cannot be read, octets after the last record, a TSIG
 *      that cannot be interpreted (RFC 8945 section 5.2). The question is
 *      echoed when it was read.
 *   5. TSIG (RFC 8945 section 5.2): a message from a peer's address
 *      (cfg->peers) signed with that peer's key is the peer's NOTIFY;
 *      otherwise a signed message is verified against the zone's key when
 *      the zone has one (every entry of its name names that key), else
 *      against every configured key (a primary may sign although the zone
 *      names no key: accepted when the key verifies). BADKEY, BADSIG,
 *      BADTIME: NOTAUTH carrying
 *      the TSIG error (section 5.3.2). Every answer to a verified request
 *      is signed with its key.
 *   6. Opcode other than NOTIFY (QUERY, UPDATE...): REFUSED, as nsnotifyd
 *      does: the listener serves no data, and REFUSED (a policy answer)
 *      tells a misdirected client more plainly than NOTIMP would.
 *   7. Zone not configured: REFUSED. RFC 1996 does not say; BIND answers
 *      NOTAUTH or REFUSED, Technitium REFUSED.
 *   8. From a peer's address only and not signed with its key, or a
 *      peer's NOTIFY without the SOA serial: REFUSED. No entry of the zone
 *      takes a primary's NOTIFY (notify_kicks): unsigned and every entry
 *      names a key, or signed with a key that no entry names while every
 *      entry names one: REFUSED.
 *   9. Otherwise NOERROR with AA set, and the NOTIFY is delivered: a
 *      peer's to on_peer once per entry of the name, a primary's to each
 *      entry notify_kicks picks (one zone name may be configured several
 *      times, one entry per view of a primary, cfg.h). An SOA
 *      for the zone in the answer section (optional, RFC 1996 section 3.7)
 *      is passed on as a serial hint: the daemon must still ask a primary
 *      (section 3.11: the hint is not to be trusted).
 *
 * Replies echo the ID, the opcode, RD and the question; QR is set, AA on
 * NOERROR only; an OPT RR is added when the request had one (RFC 6891
 * section 7). A UDP reply longer than the requestor can take (512, or its
 * EDNS size) is cut to header and question with TC set (RFC 2181 section 9).
 *
 * Work per message is bounded (NOTIFY_MAX_MSG octets, no allocation); UDP
 * sockets read at most NOTIFY_UDP_BATCH datagrams per wake-up. TCP (RFC
 * 7766): at most NOTIFY_TCP_CLIENTS connections, 2-octet length framing,
 * several messages per connection answered in order, NOTIFY_TCP_TIMEOUT_MS
 * to complete each message, closed after a message that gets no reply or
 * on any error. Nothing blocks: when a reply cannot be written at once,
 * reading stops until it has been.
 *
 * Log lines are limited to NOTIFY_LOG_PER_SEC a second per kind of event
 * (NOTIFY_LOG_*); the lines left out are counted (log_suppressed) and
 * reported in one line before the next line of their kind. Dropped
 * messages are logged at debug level only. The counters count everything.
 *
 * on_notify must not call notify_reload or notify_free (queue the work:
 * the listener is inside its socket loop).
 */
#ifndef NOTIFY53_NOTIFY_H
#define NOTIFY53_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "config.h"
#include "codec/dns.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/net.h"
#include "codec/tsig.h"

/* Longest reply: header, a question with a 255-octet name, an OPT RR and a
 * TSIG RR whose key and algorithm names are 255 octets and MAC 64 (BADKEY
 * answers echo the request's names). */
#define NOTIFY_REPLY_MAX (DNS_HEADER_LEN + DNS_NAME_MAX + 4 + 11 + \
	DNS_NAME_MAX + 10 + DNS_NAME_MAX + 16 + TSIG_MAC_MAX + 6 + 6)

/* What the daemon gets. on_notify is called from the loop after the reply
 * has been sent (so answering never waits for the daemon), once for each
 * entry the NOTIFY kicks, with that entry (valid until the next
 * notify_reload), the serial hint of the answer section when there was one,
 * and the source address and port. find_zone, when not NULL, replaces the
 * lookup in cfg->zones (zones learnt from Route 53): name is lower-case
 * presentation form with the trailing dot; it returns the entries of that
 * name and their number in *n (NULL or 0: none); they must live until the
 * next notify_reload. */
struct notify_handler {
	void (*on_notify)(void *arg, const struct cfg_zone *zone, int has_serial, uint32_t serial,
	    const struct net_addr *from);
	const struct cfg_zone *const *(*find_zone)(void *arg, const char *name, size_t *n);
	void *arg;
	/* A NOTIFY from a configured peer (cfg->peers: its address, signed
	 * with its key; README "Running an HA pair"), always with the SOA
	 * serial: the peer says Route 53 holds the primary's zone at serial.
	 * NULL: such NOTIFYs are answered and dropped. */
	void (*on_peer)(void *arg, const struct cfg_zone *zone, uint32_t serial,
	    const struct cfg_peer *peer);
};

/* Counters since notify_init, for the state file and the SIGUSR1 log. */
struct notify_stats {
	unsigned long accepted;     /* NOERROR answered and delivered */
	unsigned long refused;      /* REFUSED: unknown zone, opcode, unsigned */
	unsigned long formerr;      /* FORMERR answered */
	unsigned long tsig_failed;  /* NOTAUTH with BADKEY, BADSIG or BADTIME */
	unsigned long dropped_acl;  /* source not allowed: no reply */
	unsigned long dropped_rate; /* over the source's rate: no reply */
	unsigned long dropped_bad;  /* too short, oversized, a response */
	unsigned long truncated;    /* UDP replies sent with TC */
	unsigned long tcp_accepted; /* TCP connections taken */
	unsigned long log_suppressed; /* log lines left out by the limiter */
};

/* Outcome of one message (notify_packet). */
enum notify_verdict {
	NOTIFY_DROP,    /* no reply */
	NOTIFY_REPLY,   /* reply[0..reply_len) to send, nothing to deliver */
	NOTIFY_DELIVER  /* reply to send, then deliver zone and serial */
};

struct notify_result {
	enum notify_verdict verdict;
	size_t reply_len;
	int rcode;               /* of the reply (DNS_RCODE_*), -1 when dropped */
	int tsig;                /* tsig_verify_request's result, or TSIG_NONE */
	const struct cfg_zone *zone; /* DELIVER: the first entry it kicks */
	const struct cfg_zone *const *zones; /* DELIVER: every entry of the name */
	size_t nzones;
	const char *key;         /* DELIVER: the verified key's name, or NULL */
	int has_serial;          /* DELIVER: the answer section had the SOA */
	uint32_t serial;
	const struct cfg_peer *peer; /* DELIVER: from this peer, signed with its key */
};

struct notify;

/* A bound socket (UDP or TCP listener). */
struct notify_sock {
	struct loop_io io;
	struct notify *owner;
	struct net_addr addr;
	int tcp;
};

/* An accepted TCP connection: a message being read and a reply being
 * written. fd < 0 when the slot is free. */
struct notify_conn {
	struct loop_io io;
	struct loop_timer timer;
	struct notify *owner;
	struct net_addr peer;
	int64_t active;          /* loop_now() of the last complete message */
	size_t in_len;           /* octets in in[] */
	size_t out_len, out_off; /* reply (with its length prefix) to write */
	uint8_t in[2 + NOTIFY_MAX_MSG];
	uint8_t out[2 + NOTIFY_REPLY_MAX];
};

/* Token bucket of one source. */
struct notify_rate {
	uint8_t ip[16];
	uint8_t iplen;         /* 0: slot free */
	int64_t seen;          /* loop_now() of the last message */
	int32_t tokens;        /* thousandths of a message, at most
	                        * NOTIFY_RATE_BURST * 1000 (notify.c checks
	                        * the bound fits) */
};

/* Kinds of events for the log limiter. */
enum {
	NOTIFY_LOG_ACCEPTED,
	NOTIFY_LOG_REFUSED,
	NOTIFY_LOG_FORMERR,
	NOTIFY_LOG_TSIG,
	NOTIFY_LOG_DROPPED,
	NOTIFY_LOG_KINDS
};

/* Log limiter of one kind of event. */
struct notify_loglim {
	int64_t window;       /* start of the current second */
	unsigned n;           /* lines logged in it */
	unsigned long skipped;
};

/* The listener; the caller allocates it (about 60 KB: the TCP buffers) and
 * never moves it once bound. Fields are private. */
struct notify {
	const struct cfg *cfg;
	struct notify_handler h;
	struct tsig_key *keys;      /* cfg->tsig_keys parsed, same order */
	size_t nkeys;
	const struct cfg_zone **index; /* cfg->zones sorted by name */
	size_t nindex;
	struct notify_sock socks[2 * CFG_MAX_LISTEN];
	int nsocks;
	int started;
	struct loop_timer pause;    /* accept() paused after EMFILE and the like */
	struct notify_conn conns[NOTIFY_TCP_CLIENTS];
	struct notify_rate rate[NOTIFY_RATE_SLOTS];
	struct notify_loglim loglim[NOTIFY_LOG_KINDS];
	struct notify_stats stats;
	uint8_t buf[NOTIFY_MAX_MSG];
	uint8_t reply[NOTIFY_REPLY_MAX];
};

/* Prepare n for cfg (which the caller keeps alive until the next
 * notify_reload or notify_free): parse the TSIG keys, index the zones.
 * handler is copied. Returns 0, or -1 with the reason in e. */
int notify_init(struct notify *n, const struct cfg *cfg, const struct notify_handler *handler,
    struct err *e);

/* Bind a UDP and a TCP socket for every cfg->listen address, non-blocking;
 * IPv6 sockets are IPV6_V6ONLY so 0.0.0.0 and :: can share a port, TCP
 * sockets SO_REUSEADDR so a restart does not wait for TIME_WAIT. Ports
 * below 1024 need root or CAP_NET_BIND_SERVICE: bind before dropping
 * privileges. All or nothing: returns 0, or -1 with "cannot bind
 * ADDR/udp: reason" in e and no socket left open. */
int notify_bind(struct notify *n, struct err *e);

/* Register the bound sockets with the loop. Returns 0, or -1 when the
 * loop has no room (LOOP_MAX_FDS) with nothing registered. */
int notify_start(struct notify *n, struct err *e);

/* Swap in a new configuration (SIGHUP), all or nothing. Same listen
 * addresses: the sockets are kept. Changed: sockets for new addresses are
 * bound first, then the ones no longer listed are closed; after dropping
 * privileges a port below 1024 cannot be bound again, so changing such
 * listen addresses needs a restart (or CAP_NET_BIND_SERVICE), and an
 * address overlapping a still-bound one (0.0.0.0:53 and 192.0.2.1:53) is
 * refused by the kernel. On failure returns -1 with the reason in e and
 * the old configuration stays in force; on success the caller may free the
 * old cfg (zones handed out before are no longer valid). TCP connections
 * in progress are kept. */
int notify_reload(struct notify *n, const struct cfg *cfg, struct err *e);

/* Close every socket and connection, unregister them, free the key and
 * zone tables. n can be initialised again. */
void notify_free(struct notify *n);

/* Decide about one message msg[0..len) from `from` (tcp: 1 when it came
 * over TCP) and write the reply into reply[0..cap) (NOTIFY_REPLY_MAX
 * suffices). now_ms: monotonic milliseconds (rate limit); now_s: seconds
 * since the epoch (TSIG time check). Updates counters and the rate table,
 * logs; no I/O, no allocation. The steps are in the comment at the top. */
void notify_packet(struct notify *n, const uint8_t *msg, size_t len, const struct net_addr *from,
    int tcp, int64_t now_ms, uint64_t now_s, uint8_t *reply, size_t cap,
    struct notify_result *r);

/* Does a NOTIFY verified with the key named key (NULL: unsigned) kick
 * zones[i] of the n entries of its zone name? An entry with a key takes
 * only NOTIFYs signed with it, so a view's NOTIFY reaches only that view's
 * entry; an entry without a key takes unsigned ones, and signed ones whose
 * key no entry of the name names. */
int notify_kicks(const struct cfg_zone *const *zones, size_t n, size_t i, const char *key);

/* The counters. */
const struct notify_stats *notify_stats(const struct notify *n);

#endif
