/*
 * rr: per-type rdata. Record type names, and wire rdata <-> the exact text
 * Route 53 uses in a ResourceRecord's Value (Route 53 Developer Guide,
 * "Supported DNS record types") for the 17 types Route 53 accepts: A, AAAA,
 * CAA, CNAME, DS, HTTPS, MX, NAPTR, NS, PTR, SOA, SPF, SRV, SSHFP, SVCB, TLSA,
 * TXT.
 *
 * Text written (one canonical spelling, so text -> wire -> text is stable):
 * - names absolute with a trailing dot, case kept, every octet other than
 *   a-z A-Z 0-9 - _ as octal \ooo (Route 53's escaping);
 * - character strings (TXT, SPF, CAA value, NAPTR, SVCB values) in double
 *   quotes with \" and \\, octal \ooo for octets 0x00-0x1f and 0x7f-0xff
 *   (UTF-8 byte by byte), the rest as is; a multi-string TXT is one value
 *   "a" "b";
 * - hex (DS, TLSA, SSHFP) in lower case; AAAA in RFC 5952 form;
 * - HTTPS/SVCB as RFC 9460 presentation: priority target key=value..., the
 *   keys in wire (numeric) order, alpn and keyNNNNN values quoted, other
 *   values bare.
 * Text read: the same, tolerating upper-case hex, hex split by spaces, any
 * amount of blank space between fields, "a""b" without a space, \X for any
 * other character X, names without the trailing dot (Route 53 treats them
 * as absolute), unquoted single-word strings (except TXT/SPF, which Route
 * 53 requires quoted), and SvcParams in any order. A \ followed by a digit
 * must be three octal digits (at most \377).
 *
 * Wire rdata here is self-contained (no compression pointers), as dns_msg_next
 * returns it.
 */
#ifndef NOTIFY53_RR_H
#define NOTIFY53_RR_H

#include <stddef.h>
#include <stdint.h>

#include "codec/dns.h"
#include "base/err.h"

/* Longest type name and NUL: "NSEC3PARAM", "TYPE65535". */
#define RR_TYPE_NAME_MAX 16

/* Mnemonic of type (RFC 3597 section 5 "TYPE123" when unknown), written to
 * buf (RR_TYPE_NAME_MAX octets) unless it is a constant; returns the text. */
const char *rr_type_name(unsigned type, char *buf);

/* Type from its mnemonic s[0..n) (case-insensitive) or "TYPEnnn"; -1 when
 * unknown. */
int rr_type_parse(const char *s, size_t n);

/* 1 for the 17 types Route 53 accepts in a ResourceRecordSet. */
int rr_r53_supported(unsigned type);

/* Route 53 Value text of rdata[0..len) of type (a supported type) into
 * buf[0..cap), NUL-terminated. Returns the full text length as snprintf
 * does (when >= cap the text was cut: call again with a larger buffer), or
 * -1 with the reason in e (may be NULL) when the rdata is malformed for its
 * type or the type is not supported. */
long rr_to_r53(unsigned type, const uint8_t *rdata, size_t len, char *buf, size_t cap,
    struct err *e);

/* Wire rdata of type from the Route 53 Value text[0..n) into out[0..cap)
 * (DNS_RDATA_MAX always suffices). Returns the rdata length, or -1 with the
 * reason in e (may be NULL): bad syntax, a string over 255 octets, a bad
 * escape, trailing text, a value out of range, an unsupported type. */
long rr_from_r53(unsigned type, const char *text, size_t n, uint8_t *out, size_t cap,
    struct err *e);

/* RFC 3597 section 5 generic text "\# len hex" (lower-case hex), as
 * rr_to_r53 returns it (snprintf-like). */
long rr_to_generic(const uint8_t *rdata, size_t len, char *buf, size_t cap);

/* Text for printing any record: the Route 53 value of a supported type
 * whose rdata is well formed, else the generic form. snprintf-like. */
long rr_to_text(unsigned type, const uint8_t *rdata, size_t len, char *buf, size_t cap);

/* Canonical rdata for comparison, in place: lower-case the names embedded
 * in the types RFC 4034 section 6.2 lists (NS, MD, MF, CNAME, SOA, MB, MG,
 * MR, PTR, MINFO, MX, RP, AFSDB, RT, PX, NAPTR, KX, SRV, DNAME, RRSIG; not
 * NSEC, RFC 6840 section 5.1) and the SVCB/HTTPS target (RFC 9460 section
 * 2.2). Lengths never change. Returns 0, or -1 (rdata untouched) when it is
 * malformed for its type. */
int rr_canonicalize(unsigned type, uint8_t *rdata, size_t len);

/* SOA rdata fields (RFC 1035 section 3.3.13). */
struct rr_soa {
	uint8_t mname[DNS_NAME_MAX];
	uint8_t rname[DNS_NAME_MAX];
	uint32_t serial, refresh, retry, expire, minimum;
};

/* Parse SOA rdata; 0, or -1 with the reason in e (may be NULL). */
int rr_soa_parse(struct rr_soa *soa, const uint8_t *rdata, size_t len, struct err *e);

#endif
