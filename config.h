/*
 * notify53 compile-time limits and options.
 *
 * Every value can be overridden at build time, e.g.
 *   make CPPFLAGS='-DDNS_MAX_ZONE_RRS=200000'
 * Test options only with #if. `notify53 version` prints the compiled values.
 * Limits exist so hostile input (a primary, Route 53, a config file) can never
 * make the daemon grow without bound on a 64 MB router.
 */
#ifndef NOTIFY53_CONFIG_H
#define NOTIFY53_CONFIG_H

/* ---- logging ---------------------------------------------------------- */

/* Longest log line; longer messages are cut, never split over two lines. */
#ifndef LOG_LINE_MAX
#define LOG_LINE_MAX 1024
#endif

/* Longest error message kept by a sticky error (struct err). */
#ifndef ERR_MSG_MAX
#define ERR_MSG_MAX 256
#endif

/* ---- poll loop --------------------------------------------------------- */

/* Most file descriptors polled at once: NOTIFY sockets, transfers, the HTTPS
 * connection, resolver queries and TCP NOTIFY clients. */
#ifndef LOOP_MAX_FDS
#define LOOP_MAX_FDS 64
#endif

/* ---- configuration file (src/cfg) ----------------------------------------- */

/* Largest config file read; a real one is a few KB. */
#ifndef CFG_MAX_FILE
#define CFG_MAX_FILE (1024 * 1024)
#endif

/* Longest string value (paths, URLs, keys). */
#ifndef CFG_MAX_STRING
#define CFG_MAX_STRING 4096
#endif

/* Zones configured in the file (domains_to_manage + zones). */
#ifndef CFG_MAX_ZONES
#define CFG_MAX_ZONES 10000
#endif

/* Primaries per zone, tried in order. */
#ifndef CFG_MAX_PRIMARIES
#define CFG_MAX_PRIMARIES 8
#endif

/* Addresses the NOTIFY listener binds. */
#ifndef CFG_MAX_LISTEN
#define CFG_MAX_LISTEN 8
#endif

/* notify_servers entries (addresses or ranges). */
#ifndef CFG_MAX_NOTIFY_FROM
#define CFG_MAX_NOTIFY_FROM 64
#endif

/* ignore rules per zone, and types per rule. */
#ifndef CFG_MAX_IGNORE
#define CFG_MAX_IGNORE 64
#endif
#ifndef CFG_MAX_IGNORE_TYPES
#define CFG_MAX_IGNORE_TYPES 8
#endif

/* TSIG keys in the file. */
#ifndef CFG_MAX_TSIG_KEYS
#define CFG_MAX_TSIG_KEYS 64
#endif

/* NOTIFY port when the config names none (RFC 1996 uses port 53). */
#ifndef CFG_DEFAULT_NOTIFY_PORT
#define CFG_DEFAULT_NOTIFY_PORT 53
#endif

/* Lower bound of the SOA refresh interval, seconds; the original tool's
 * zone_refresh_wait_interval sets it. */
#ifndef CFG_DEFAULT_REFRESH_MIN
#define CFG_DEFAULT_REFRESH_MIN 60
#endif

/* Full reconcile (list Route 53 and diff) to repair drift, seconds. */
#ifndef CFG_DEFAULT_RECONCILE
#define CFG_DEFAULT_RECONCILE (24 * 3600)
#endif

/* Client-side Route 53 request rate; the historic account limit is 5/s. */
#ifndef CFG_DEFAULT_AWS_RATE
#define CFG_DEFAULT_AWS_RATE 5
#endif

/* Safety thresholds (as octoDNS): refuse a plan deleting or updating more
 * than this share of the existing record sets, once at least
 * CFG_DEFAULT_MIN_EXISTING exist, unless forced. */
#ifndef CFG_DEFAULT_MAX_DELETE_PERCENT
#define CFG_DEFAULT_MAX_DELETE_PERCENT 30
#endif
#ifndef CFG_DEFAULT_MAX_UPDATE_PERCENT
#define CFG_DEFAULT_MAX_UPDATE_PERCENT 30
#endif
#ifndef CFG_DEFAULT_MIN_EXISTING
#define CFG_DEFAULT_MIN_EXISTING 10
#endif

/* ---- TSIG (src/tsig) ------------------------------------------------------ */

/* Longest TSIG secret, decoded. tsig-keygen makes 32 (sha256) or 64
 * (sha512) octets; HMAC hashes longer keys down anyway (RFC 2104). */
#ifndef TSIG_MAX_SECRET
#define TSIG_MAX_SECRET 256
#endif

/* Fudge we sign with: seconds of clock difference allowed between us and the
 * primary (RFC 8945 section 10 recommends 300). */
#ifndef TSIG_FUDGE
#define TSIG_FUDGE 300
#endif

/* ---- DNS wire format and zones (src/dns, src/rr, src/zone) -------------- */

/* Largest DNS message read or built: a TCP message has a 16-bit length
 * (RFC 1035 section 4.2.2). */
#ifndef DNS_MAX_MSG
#define DNS_MAX_MSG 65535
#endif

/* Compression pointers followed while reading one name. Pointers must point
 * backwards, so they cannot loop; the bound caps the work per name. 128 lets
 * every label of the longest name be reached through its own pointer. */
#ifndef DNS_MAX_POINTER_HOPS
#define DNS_MAX_POINTER_HOPS 128
#endif

/* Name suffixes remembered for compression while writing one message; more
 * only costs compression, never correctness. */
#ifndef DNS_COMPRESS_MAX
#define DNS_COMPRESS_MAX 64
#endif

/* RRs in one zone (a transfer, or a Route 53 listing). Route 53's default
 * quota is 10,000 records per hosted zone; a router has 64-128 MB. */
#ifndef DNS_MAX_ZONE_RRS
#define DNS_MAX_ZONE_RRS 1000000
#endif

/* Bytes of zone storage (owner names, rdata and per-RR headers): a hostile
 * primary cannot make a zone grow past this. */
#ifndef DNS_MAX_ZONE_BYTES
#define DNS_MAX_ZONE_BYTES (64 * 1024 * 1024)
#endif

/* RRs in one record set: Route 53 accepts at most 400 values per set
 * (route53-api.md section 3), so a larger set can never be synced. */
#ifndef DNS_MAX_SET_RRS
#define DNS_MAX_SET_RRS 400
#endif

/* ---- SOA queries and zone transfers (src/xfr) ------------------------------ */

/* SOA query over UDP: wait this long for an answer, and ask this many times
 * before trying the next primary. */
#ifndef XFR_UDP_TIMEOUT_MS
#define XFR_UDP_TIMEOUT_MS 2000
#endif
#ifndef XFR_UDP_TRIES
#define XFR_UDP_TRIES 3
#endif

/* EDNS0 UDP payload size we advertise (RFC 6891; 1232 avoids IP
 * fragmentation, DNS Flag Day 2020). */
#ifndef XFR_EDNS_SIZE
#define XFR_EDNS_SIZE 1232
#endif

/* TCP to a primary: connection set-up, silence while the answer streams,
 * and the whole transfer (a 100,000-record zone over a slow uplink). */
#ifndef XFR_CONNECT_TIMEOUT_MS
#define XFR_CONNECT_TIMEOUT_MS 10000
#endif
#ifndef XFR_READ_TIMEOUT_MS
#define XFR_READ_TIMEOUT_MS 30000
#endif
#ifndef XFR_TOTAL_TIMEOUT_MS
#define XFR_TOTAL_TIMEOUT_MS (10 * 60 * 1000)
#endif

/* ---- AWS request signing (src/sigv4) ------------------------------------ */

/* Headers signed per request: Host, X-Amz-Date, X-Amz-Security-Token,
 * Content-Type and a few more at most. */
#ifndef SIGV4_MAX_HEADERS
#define SIGV4_MAX_HEADERS 16
#endif

/* Query parameters per request (ListResourceRecordSets sends four). */
#ifndef SIGV4_MAX_QUERY
#define SIGV4_MAX_QUERY 16
#endif

/* Path segments (/2013-04-01/hostedzone/ID/rrset/ has four). */
#ifndef SIGV4_MAX_SEGMENTS
#define SIGV4_MAX_SEGMENTS 32
#endif

/* Longest region or service name plus NUL ("us-gov-west-1", "route53"). */
#ifndef SIGV4_MAX_SCOPE_NAME
#define SIGV4_MAX_SCOPE_NAME 32
#endif

/* Longest secret access key (AWS issues 40 characters). */
#ifndef SIGV4_MAX_SECRET
#define SIGV4_MAX_SECRET 128
#endif

/* Authorization header value: credential scope, key ID (at most 128),
 * signed header names and the 64-digit signature. */
#ifndef SIGV4_AUTH_MAX
#define SIGV4_AUTH_MAX 1024
#endif

/* String to sign: algorithm, date, scope and a 64-digit hash. */
#ifndef SIGV4_STS_MAX
#define SIGV4_STS_MAX 256
#endif

/* ---- XML (src/xml) --------------------------------------------------------- */

/* Element nesting; Route 53 responses are six deep. */
#ifndef XML_MAX_DEPTH
#define XML_MAX_DEPTH 32
#endif

/* Elements per document: a 300-record-set page has a few thousand; the
 * bound keeps a hostile body from costing more than a few MB of nodes. */
#ifndef XML_MAX_NODES
#define XML_MAX_NODES 100000
#endif

/* ---- TLS (src/tls) ------------------------------------------------------------ */

/* Longest server name (SNI and the certificate name check). */
#ifndef TLS_MAX_HOST
#define TLS_MAX_HOST 256
#endif

/* Largest certificate in a ca_file, and largest subject DN of an anchor. */
#ifndef TLS_MAX_CERT
#define TLS_MAX_CERT 16384
#endif
#ifndef TLS_MAX_DN
#define TLS_MAX_DN 4096
#endif

/* Largest ca_file read (Debian's ca-certificates.crt is about 220 KB). */
#ifndef TLS_MAX_CA_FILE
#define TLS_MAX_CA_FILE (1024 * 1024)
#endif

/* 1: elliptic curves from BearSSL's generic code (about 10 KB smaller,
 * slower handshakes); 0: its faster specialised P-256 and X25519. */
#ifndef TLS_SMALL_EC
#define TLS_SMALL_EC 1
#endif

/* ---- HTTP client (src/http) ----------------------------------------------------- */

/* Longest endpoint host name. */
#ifndef HTTP_MAX_HOST
#define HTTP_MAX_HOST 256
#endif

/* Response status line and headers together, and the header count. AWS
 * answers carry about ten short headers. */
#ifndef HTTP_MAX_HEAD
#define HTTP_MAX_HEAD 8192
#endif
#ifndef HTTP_MAX_HEADERS
#define HTTP_MAX_HEADERS 64
#endif

/* A chunk-size line with its extensions. */
#ifndef HTTP_MAX_CHUNK_LINE
#define HTTP_MAX_CHUNK_LINE 256
#endif

/* Request: extra headers per request, and the serialised head (a session
 * token alone can be over 1 KB). */
#ifndef HTTP_MAX_REQ_HEADERS
#define HTTP_MAX_REQ_HEADERS 16
#endif
#ifndef HTTP_MAX_REQUEST_HEAD
#define HTTP_MAX_REQUEST_HEAD 8192
#endif

/* Largest response body: a 300-record-set page is about 100 KB; the bound
 * only stops a hostile or broken server. */
#ifndef HTTP_MAX_BODY
#define HTTP_MAX_BODY (4 * 1024 * 1024)
#endif

/* Timeouts, milliseconds: resolve + TCP + TLS handshake; one call from its
 * start to the end of its response; an unused keep-alive connection is
 * closed before servers usually close it (60 s), so a request rarely races
 * the server's close. */
#ifndef HTTP_CONNECT_TIMEOUT_MS
#define HTTP_CONNECT_TIMEOUT_MS 10000
#endif
#ifndef HTTP_TOTAL_TIMEOUT_MS
#define HTTP_TOTAL_TIMEOUT_MS 60000
#endif
#ifndef HTTP_IDLE_TIMEOUT_MS
#define HTTP_IDLE_TIMEOUT_MS 30000
#endif

/* ---- endpoint name resolution (src/resolve) -------------------------------- */

/* Addresses kept per name, nameservers used (glibc's MAXNS), longest name. */
#ifndef RESOLVE_MAX_ADDRS
#define RESOLVE_MAX_ADDRS 8
#endif
#ifndef RESOLVE_MAX_SERVERS
#define RESOLVE_MAX_SERVERS 3
#endif
#ifndef RESOLVE_MAX_NAME
#define RESOLVE_MAX_NAME 256
#endif

/* Per-query wait and rounds over the nameservers when resolv.conf has no
 * "options timeout:/attempts:" (glibc's defaults: 5 s, 2). */
#ifndef RESOLVE_TIMEOUT_MS
#define RESOLVE_TIMEOUT_MS 5000
#endif
#ifndef RESOLVE_ATTEMPTS
#define RESOLVE_ATTEMPTS 2
#endif

/* Cached answers (one endpoint per client, a few clients), and the longest
 * time one is kept whatever its TTL, seconds. */
#ifndef RESOLVE_CACHE
#define RESOLVE_CACHE 8
#endif
#ifndef RESOLVE_MAX_TTL
#define RESOLVE_MAX_TTL 3600
#endif

/* CNAMEs followed inside one answer. */
#ifndef RESOLVE_MAX_CNAMES
#define RESOLVE_MAX_CNAMES 8
#endif

/* Largest /etc/hosts or /etc/resolv.conf read, and longest line in them. */
#ifndef RESOLVE_MAX_FILE
#define RESOLVE_MAX_FILE (1024 * 1024)
#endif
#ifndef RESOLVE_MAX_LINE
#define RESOLVE_MAX_LINE 1024
#endif

/* ---- Route 53 listings (src/r53list) ---------------------------------------- */

/* Record sets kept from one hosted zone (Route 53's default quota is
 * 10,000, raisable). */
#ifndef R53LIST_MAX_SETS
#define R53LIST_MAX_SETS 1000000
#endif

/* Text of one listing: names and values (offsets are 32-bit). */
#ifndef R53LIST_MAX_BYTES
#define R53LIST_MAX_BYTES (256 * 1024 * 1024)
#endif

/* Values of one record set (Route 53 allows 400). */
#ifndef R53LIST_MAX_VALUES
#define R53LIST_MAX_VALUES 400
#endif

#endif
