/*
 * dns: DNS wire format - a bounds-checked read cursor, a writer with name
 * compression, message headers, questions and resource records, and domain
 * names (wire form, presentation text, Route 53 text, canonical order).
 *
 * Everything read comes from the network and is hostile: the cursor checks
 * every byte against the end of the message, multi-byte values are read and
 * written byte by byte (big-endian MIPS, unaligned ARM), and the first
 * failure is sticky (later reads return 0 and do nothing) with one clear
 * message in the caller's struct err.
 *
 * Names are kept in uncompressed wire form (RFC 1035 section 3.1): length-
 * prefixed labels ending with the root label, at most DNS_NAME_MAX octets,
 * labels at most DNS_LABEL_MAX. Every function taking such a name assumes it
 * is well formed (it came from dns_get_name or dns_name_parse).
 */
#ifndef NOTIFY53_DNS_H
#define NOTIFY53_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "base/err.h"

#define DNS_HEADER_LEN 12
/* RFC 1035 section 2.3.4: names and labels. */
#define DNS_NAME_MAX 255
#define DNS_LABEL_MAX 63
/* Longest name text, any escaping (4 characters per octet) and a NUL. */
#define DNS_NAME_TEXT_MAX 1024
/* RDLENGTH is 16 bits. */
#define DNS_RDATA_MAX 65535
/* Largest rdata after decompressing the names inside it (NAPTR: 4 fixed
 * octets, three strings and a name). */
#define DNS_RR_EXPAND_MAX (4 + 3 * 256 + DNS_NAME_MAX)

/* Record types (IANA "Resource Record (RR) TYPEs"). */
enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_MD = 3,
	DNS_TYPE_MF = 4,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_MB = 7,
	DNS_TYPE_MG = 8,
	DNS_TYPE_MR = 9,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_HINFO = 13,
	DNS_TYPE_MINFO = 14,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_RP = 17,
	DNS_TYPE_AFSDB = 18,
	DNS_TYPE_RT = 21,
	DNS_TYPE_SIG = 24,
	DNS_TYPE_PX = 26,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_LOC = 29,
	DNS_TYPE_NXT = 30,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_NAPTR = 35,
	DNS_TYPE_KX = 36,
	DNS_TYPE_A6 = 38,
	DNS_TYPE_DNAME = 39,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43,
	DNS_TYPE_SSHFP = 44,
	DNS_TYPE_RRSIG = 46,
	DNS_TYPE_NSEC = 47,
	DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_NSEC3 = 50,
	DNS_TYPE_NSEC3PARAM = 51,
	DNS_TYPE_TLSA = 52,
	DNS_TYPE_CDS = 59,
	DNS_TYPE_CDNSKEY = 60,
	DNS_TYPE_ZONEMD = 63,
	DNS_TYPE_SVCB = 64,
	DNS_TYPE_HTTPS = 65,
	DNS_TYPE_SPF = 99,
	DNS_TYPE_TSIG = 250,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_ANY = 255,
	DNS_TYPE_CAA = 257
};

enum {
	DNS_CLASS_IN = 1,
	DNS_CLASS_CH = 3,
	DNS_CLASS_NONE = 254,
	DNS_CLASS_ANY = 255
};

/* Header flags (RFC 1035 section 4.1.1, RFC 4035 section 3.2). */
#define DNS_QR 0x8000
#define DNS_AA 0x0400
#define DNS_TC 0x0200
#define DNS_RD 0x0100
#define DNS_RA 0x0080
#define DNS_AD 0x0020
#define DNS_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags) ((flags) & 0xf)
#define DNS_FLAGS_OPCODE(op) (((unsigned)(op) & 0xf) << 11)

enum {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_NOTIFY = 4, /* RFC 1996 */
	DNS_OPCODE_UPDATE = 5
};

enum {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9,
	DNS_RCODE_NOTZONE = 10
};

/* Message sections, in message order. */
enum {
	DNS_SEC_QUESTION = 0,
	DNS_SEC_ANSWER = 1,
	DNS_SEC_AUTHORITY = 2,
	DNS_SEC_ADDITIONAL = 3
};

/* ---- read cursor ----------------------------------------------------------- */

struct dns_cursor {
	const uint8_t *msg; /* the whole message: compression pointers index it */
	size_t len;
	size_t pos;
	int fail;           /* sticky: set by the first error */
	int nocomp;         /* 1: a compression pointer is an error (rdata alone) */
	struct err *err;    /* receives the first error's message; may be NULL */
};

/* Read msg[0..len) from offset 0. The cursor keeps pointers into msg, which
 * the caller owns and keeps alive; e may be NULL. */
void dns_cursor_init(struct dns_cursor *c, const uint8_t *msg, size_t len, struct err *e);

/* Record a failure (first one wins). Returns -1. */
int dns_cursor_fail(struct dns_cursor *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Big-endian integers read byte by byte; 0 once the cursor has failed or
 * when the message ends too early (which fails it). */
unsigned dns_get8(struct dns_cursor *c);
unsigned dns_get16(struct dns_cursor *c);
uint32_t dns_get32(struct dns_cursor *c);

/* Copy n octets out, or return NULL/-1 and fail when fewer remain. */
int dns_get_bytes(struct dns_cursor *c, void *out, size_t n);
/* n octets in place (a pointer into the message) and advance. */
const uint8_t *dns_get_span(struct dns_cursor *c, size_t n);

/* Read a possibly compressed name (RFC 1035 section 4.1.4) into out
 * (DNS_NAME_MAX octets, uncompressed wire form, case kept) and return its
 * length, or -1 and fail. Pointers must point strictly backwards (so there
 * can be no loop), at most DNS_MAX_POINTER_HOPS of them; labels of types
 * 01/10 (RFC 6891 section 5), labels over 63 and names over 255 octets are
 * errors. The cursor ends after the first pointer or the root label. */
int dns_get_name(struct dns_cursor *c, uint8_t *out);

/* ---- writer ------------------------------------------------------------------ */

struct dns_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int fail;          /* sticky: the buffer was too small or input bad */
	int compress;      /* 1: compress names (RFC 1035 section 4.1.4) */
	struct err *err;   /* may be NULL */
	int section;       /* of the last record: sections come in order */
	unsigned ncomp;
	uint16_t comp[DNS_COMPRESS_MAX]; /* offsets of names already written */
};

/* Write into buf[0..cap), the caller's. compress: use compression pointers
 * for owner names, questions and the names inside the RFC 1035 types (RFC
 * 3597 section 4 forbids it for any other type). e may be NULL. */
void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap, int compress,
    struct err *e);

/* Record a failure (first one wins). Returns -1. */
int dns_writer_fail(struct dns_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void dns_put8(struct dns_writer *w, unsigned v);
void dns_put16(struct dns_writer *w, unsigned v);
void dns_put32(struct dns_writer *w, uint32_t v);
void dns_put_bytes(struct dns_writer *w, const void *p, size_t n);

/* A name in wire form; compressed when the writer compresses. */
void dns_put_name(struct dns_writer *w, const uint8_t *name);

/* The message length so far, or -1 when the writer failed. */
long dns_writer_done(const struct dns_writer *w);

/* ---- messages ---------------------------------------------------------------- */

struct dns_header {
	uint16_t id;
	uint16_t flags; /* QR, opcode, AA, TC, RD, RA, AD, CD, rcode: DNS_* above */
	uint16_t qdcount, ancount, nscount, arcount;
};

struct dns_question {
	uint8_t name[DNS_NAME_MAX];
	size_t name_len;
	uint16_t type;
	uint16_t class;
};

struct dns_rr {
	int section;      /* DNS_SEC_ANSWER ... */
	size_t offset;    /* where the RR starts in the message (TSIG digests) */
	uint8_t owner[DNS_NAME_MAX]; /* uncompressed, case kept */
	size_t owner_len;
	uint16_t type;
	uint16_t class;
	uint32_t ttl;
	/* Self-contained rdata: for the types whose names may be compressed
	 * (RFC 3597 section 4: the RFC 1035 types, and RP, AFSDB, RT, PX,
	 * NAPTR, SRV) the names are decompressed into expand[]; otherwise it
	 * points into the message. */
	const uint8_t *rdata;
	size_t rdlen;
	uint8_t expand[DNS_RR_EXPAND_MAX];
};

/* Parse state of one received message. */
struct dns_msg {
	struct dns_cursor cur;
	struct dns_header hdr;
	int section;      /* section of the next record */
	unsigned left;    /* records left in it */
	/* EDNS (RFC 6891 section 6.1.3), set when the OPT RR has been read. */
	int edns;
	unsigned edns_size;    /* requestor's UDP payload size */
	unsigned edns_version;
	unsigned edns_flags;   /* DO bit = 0x8000 */
	unsigned ext_rcode;    /* upper 8 bits of the 12-bit RCODE */
};

/* Start parsing msg[0..len) (the caller keeps it alive): reads the header.
 * Returns 0, or -1 with the reason in e (may be NULL). */
int dns_msg_init(struct dns_msg *m, const uint8_t *msg, size_t len, struct err *e);

/* Next question: 1 and q filled, 0 when none are left, -1 on error. */
int dns_msg_question(struct dns_msg *m, struct dns_question *q);

/* Next resource record of the answer, authority or additional section
 * (questions not yet read are read and skipped): 1 and rr filled, 0 after
 * the last one (octets after it are an error), -1 on error. An OPT RR is
 * returned like any other and also fills the edns fields; a second OPT, or
 * one not owned by the root, is an error (RFC 6891 section 6.1.1). */
int dns_msg_next(struct dns_msg *m, struct dns_rr *rr);

/* Header (with the counts given, normally 0: the put functions below count
 * what they add). */
void dns_put_header(struct dns_writer *w, const struct dns_header *h);

/* Question; adds one to QDCOUNT of the header at the start of the buffer.
 * Questions and records must come in section order (else the writer fails). */
void dns_put_question(struct dns_writer *w, const uint8_t *name, unsigned type, unsigned class);

/* Resource record with self-contained rdata into section sec (ANSWER,
 * AUTHORITY or ADDITIONAL), counted in the header. With compression on, the
 * owner and the names inside the RFC 1035 types (NS, CNAME, SOA, PTR, MX,
 * MINFO, MB, MG, MR, MD, MF) are compressed. */
void dns_put_rr(struct dns_writer *w, int sec, const uint8_t *owner, unsigned type,
    unsigned class, uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* An EDNS0 OPT RR (RFC 6891 section 6.1.2) advertising udp_size, with flags
 * (0x8000 = DO), no options; in the additional section. */
void dns_put_opt(struct dns_writer *w, unsigned udp_size, unsigned flags);

/* The entry for type in a per-type table of n entries of size octets
 * each, whose first member is the type (uint16_t): the layouts here and
 * in rr.c, the type names. NULL when the table has none. */
const void *dns_type_entry(const void *table, size_t n, size_t size, unsigned type);

/* The rdata of a type with names in it: per field, fixed octets (> 0), a
 * name (DNS_RD_NAME), a character string (DNS_RD_STR) or the rest of the
 * rdata (DNS_RD_REST), ending with 0; with flags for what the wire format
 * allows (RFC 3597 section 4). One table for the writer's compression,
 * the reader's expansion and rr_canonicalize's lower-casing (RFC 4034
 * section 6.2). */
#define DNS_RD_NAME (-1)
#define DNS_RD_STR (-2)
#define DNS_RD_REST (-3)
#define DNS_RD_COMPRESS 1 /* an RFC 1035 type: its names may be compressed */
#define DNS_RD_EXPAND 2   /* its names may arrive compressed: expanded on reading */

struct dns_rdata_layout {
	uint16_t type; /* first: dns_type_entry */
	uint8_t flags;
	signed char f[6];
};

/* The layout of type's rdata, or NULL when it has no names. */
const struct dns_rdata_layout *dns_rdata_layout(unsigned type);

/* ---- names ------------------------------------------------------------------- */

/* Octets of a wire name including the root label. */
size_t dns_name_len(const uint8_t *name);

/* Labels, not counting the root ("." has 0, "www.example.com." has 3). */
unsigned dns_name_labels(const uint8_t *name);

/* The value of a \DDD (base 10) or \ooo (base 8) escape at s (after the
 * backslash), with at least 3 characters left: its 3 digits, at most 255;
 * -1 when it is not one. */
int dns_number_escape(const char *s, unsigned base);

/* ASCII lower-casing in place (RFC 4343: only A-Z are folded). */
void dns_name_lower(uint8_t *name);

/* Same name, ignoring ASCII case: 1 or 0. */
int dns_name_equal(const uint8_t *a, const uint8_t *b);

/* Canonical order (RFC 4034 section 6.1): labels compared from the root
 * down, each as lower-cased octet strings, a missing octet before any
 * octet. Returns <0, 0 or >0. */
int dns_name_cmp(const uint8_t *a, const uint8_t *b);

/* 1 when name is zone itself or below it (case-insensitive). */
int dns_name_is_sub(const uint8_t *name, const uint8_t *zone);

/* Flags of dns_name_parse and dns_name_format. */
#define DNS_NAME_OCTAL 1   /* \ooo is octal (Route 53) instead of \DDD decimal */
#define DNS_NAME_DOT_OPT 2 /* parse: no trailing dot still means absolute */
#define DNS_NAME_LOWER 4   /* format: lower-case */

/* Text s[0..n) to a wire name in out[0..cap) (cap >= DNS_NAME_MAX to take any
 * name). Escapes: \X is X, \DDD a decimal octet (RFC 1035 section 5.1) or with
 * DNS_NAME_OCTAL \ooo an octal one (Route 53 Developer Guide, "DNS domain name
 * format"). "." is the root; "@" is origin. A name without a trailing dot is
 * relative: origin is appended, an error when origin is NULL (unless
 * DNS_NAME_DOT_OPT). Case is kept. Returns the wire length or -1 with the
 * reason in e (may be NULL). */
int dns_name_parse(uint8_t *out, size_t cap, const char *s, size_t n, unsigned flags,
    const uint8_t *origin, struct err *e);

/* dns_name_parse of a NUL-terminated presentation name (decimal escapes). */
int dns_name_from_text(uint8_t *out, size_t cap, const char *text, const uint8_t *origin,
    struct err *e);

/* dns_name_parse of a Route 53 API name: octal escapes, trailing dot
 * optional, always absolute. */
int dns_name_from_r53(uint8_t *out, size_t cap, const char *text, struct err *e);

/* Name to text with a trailing dot, NUL-terminated, into buf[0..cap)
 * (DNS_NAME_TEXT_MAX always suffices). Default: presentation form (RFC 1035
 * section 5.1, as BIND prints): . ; \ ( ) " @ $ as \X, other bytes outside
 * 0x21..0x7e as \DDD. DNS_NAME_OCTAL: Route 53 form, every byte other than
 * a-z A-Z 0-9 - _ as octal \ooo. Returns the length, or -1 (buf "") when
 * cap is too small. */
int dns_name_format(const uint8_t *name, char *buf, size_t cap, unsigned flags);

/* Presentation form, case kept: "*.Example.com." */
int dns_name_to_text(const uint8_t *name, char *buf, size_t cap);

/* Exactly as Route 53 returns names (Route 53 Developer Guide, "DNS domain
 * name format"): lower-case, octal escapes, trailing dot: "*.Example.com" ->
 * "\052.example.com." */
int dns_name_to_r53(const uint8_t *name, char *buf, size_t cap);

/* ---- serial numbers (RFC 1982) ------------------------------------------------ */

/* Serial number arithmetic, section 3.2: -1 when a < b, 0 when equal, 1 when
 * a > b, and 2 when the comparison is undefined (exactly 2^31 apart). */
int dns_serial_cmp(uint32_t a, uint32_t b);

/* 1 when a < b in serial arithmetic (never for the undefined case). */
int dns_serial_lt(uint32_t a, uint32_t b);

#endif
