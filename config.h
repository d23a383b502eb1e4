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

/* Octets of output a stream (src/base/fmt: stdout, stderr) holds before
 * writing them: a 100,000-record zone printed in a few hundred writes, not
 * thousands. On the heap, only once something is printed. */
#ifndef FMT_OUT_BUF
#define FMT_OUT_BUF (64 * 1024)
#endif

/* Longest error message kept by a sticky error (struct err). */
#ifndef ERR_MSG_MAX
#define ERR_MSG_MAX 256
#endif

/* ---- process set-up (src/daemon/proc) ----------------------------------- */

/* Bytes of an /etc/passwd or /etc/group line read (src/daemon/proc): the name and
 * IDs come first, the rest (a group's member list) is skipped. */
#ifndef PROC_MAX_ACCOUNT_LINE
#define PROC_MAX_ACCOUNT_LINE 512
#endif

/* Longest message to the service manager (src/sdnotify): a state line,
 * MONOTONIC_USEC= and STATUS= with the zones' counts. A longer STATUS text
 * is cut; systemd's manager reads up to 4096 bytes of one message. */
#ifndef SDNOTIFY_MSG_MAX
#define SDNOTIFY_MSG_MAX 256
#endif

/* ---- poll loop --------------------------------------------------------- */

/* Most file descriptors polled at once: NOTIFY sockets, transfers, the HTTPS
 * connection, resolver queries and TCP NOTIFY clients. */
#ifndef LOOP_MAX_FDS
#define LOOP_MAX_FDS 64
#endif

/* ---- configuration file (src/config/cfg) ---------------------------------- */

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

/* Peers of an HA pair: a pair, or a few daemons, is what it is for; each
 * costs a NOTIFY per synced serial. */
#ifndef CFG_MAX_PEERS
#define CFG_MAX_PEERS 4
#endif

/* Longest peer_wait, seconds: a standby that waits longer than the SOA
 * retry of most zones would lag behind a dead active one for too long. */
#ifndef CFG_MAX_PEER_WAIT
#define CFG_MAX_PEER_WAIT 3600
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

/* ---- TSIG (src/codec/tsig) ------------------------------------------------ */

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

/* ---- NOTIFY listener (src/dns/notify) -------------------------------------- */

/* Largest NOTIFY read (UDP datagram or TCP message). A NOTIFY is a question,
 * an optional SOA and an optional TSIG: under 1.5 KB even with 255-octet
 * names; anything larger is not a NOTIFY worth reading. */
#ifndef NOTIFY_MAX_MSG
#define NOTIFY_MAX_MSG 4096
#endif

/* UDP datagrams handled per wake-up of one socket, so a flood on one socket
 * cannot starve the other sockets and timers of the loop. */
#ifndef NOTIFY_UDP_BATCH
#define NOTIFY_UDP_BATCH 64
#endif

/* TCP NOTIFY connections open at once (each holds about 5 KB of buffers);
 * when all are taken, the least recently active one is closed. */
#ifndef NOTIFY_TCP_CLIENTS
#define NOTIFY_TCP_CLIENTS 8
#endif

/* A TCP connection must deliver its next complete message within this
 * time (RFC 7766 section 6.2.3: idle timeouts of seconds), so a peer that
 * trickles bytes cannot hold a slot. */
#ifndef NOTIFY_TCP_TIMEOUT_MS
#define NOTIFY_TCP_TIMEOUT_MS 10000
#endif

/* Per-source rate limit (token bucket per source address): a burst of
 * NOTIFY_RATE_BURST messages, then NOTIFY_RATE_PER_SEC a second; excess
 * messages are dropped silently. BIND sends at most 20 NOTIFYs a second
 * by default (notify-rate, startup-notify-rate). Sources are tracked in a
 * table of NOTIFY_RATE_SLOTS entries; the least recently seen source is
 * forgotten when it is full (which only ever lifts a limit). */
#ifndef NOTIFY_RATE_PER_SEC
#define NOTIFY_RATE_PER_SEC 50
#endif
#ifndef NOTIFY_RATE_BURST
#define NOTIFY_RATE_BURST 200
#endif
#ifndef NOTIFY_RATE_SLOTS
#define NOTIFY_RATE_SLOTS 64
#endif

/* Log lines per second for each kind of NOTIFY event (accepted, refused,
 * malformed, TSIG failure, dropped); the rest are counted and summed up in
 * one line, so a flood cannot fill the log. */
#ifndef NOTIFY_LOG_PER_SEC
#define NOTIFY_LOG_PER_SEC 5
#endif

/* ---- DNS wire format and zones (src/codec/dns, src/codec/rr, src/dns/zone) --- */

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

/* RRs in one zone (a transfer, or a Route 53 listing compared with it).
 * Each costs a 4-octet index entry, and 8 more while the zone is sorted,
 * besides its storage: 200,000 is 20 times Route 53's default quota of
 * 10,000 records per hosted zone and twice the 100,000-set benchmarks, and
 * its index stays under 2.4 MB. Raise it with DNS_MAX_ZONE_BYTES for a
 * larger zone (README, "Huge zones"). */
#ifndef DNS_MAX_ZONE_RRS
#define DNS_MAX_ZONE_RRS 200000
#endif

/* Bytes of zone storage (owner names, rdata and 13-octet per-RR headers),
 * and of records one transfer may send: a hostile primary cannot make a
 * zone, or an IXFR's delta, grow past this. A 100,000-set zone takes about
 * 4.4 MB. A sync may hold the kept zone, the new one and the listing's at
 * once, but only the new one is the primary's to inflate: 8 MB (plus its
 * index) on top of a legitimate zone's own is what a 64 MB router, with 25-30
 * MB free, can spare. */
#ifndef DNS_MAX_ZONE_BYTES
#define DNS_MAX_ZONE_BYTES (8 * 1024 * 1024)
#endif

/* RRs in one record set of a transferred zone: a bound on work per set, not
 * Route 53's limit. A set larger than Route 53 takes (PLAN_MAX_SET_VALUES)
 * is still transferred, so the rest of the zone syncs; the planner leaves
 * that set out with an error. */
#ifndef DNS_MAX_SET_RRS
#define DNS_MAX_SET_RRS 65535
#endif

/* ---- SOA queries and zone transfers (src/dns/xfr) -------------------------- */

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

/* ---- AWS request signing (src/aws/sigv4) -------------------------------- */

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

/* Session token carried by a signature (a copy, so a request keeps the
 * token it was signed with while the credentials are refreshed): as
 * CREDS_MAX_TOKEN. */
#ifndef SIGV4_MAX_TOKEN
#define SIGV4_MAX_TOKEN 4096
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

/* ---- XML (src/aws/xml) ----------------------------------------------------- */

/* Element nesting; Route 53 responses are six deep. */
#ifndef XML_MAX_DEPTH
#define XML_MAX_DEPTH 32
#endif

/* Elements per document: a 300-record-set page has a few thousand; the
 * bound keeps a hostile body from costing more than a few MB of nodes. */
#ifndef XML_MAX_NODES
#define XML_MAX_NODES 100000
#endif

/* ---- TLS (src/net/tls) -------------------------------------------------------- */

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

/* ---- HTTP client (src/net/http) ------------------------------------------------- */

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

/* ---- HTTP proxy (src/net/proxy) ------------------------------------------------- */

/* Longest user:password of a proxy URL after percent-decoding: ample for
 * an account name and a generated password, and it bounds the
 * Proxy-Authorization header (its base64). */
#ifndef PROXY_MAX_USERINFO
#define PROXY_MAX_USERINFO 255
#endif

/* ---- endpoint name resolution (src/net/resolve) ---------------------------- */

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

/* ---- Route 53 listings (src/aws/r53list) ------------------------------------ */

/* Record sets kept from one hosted zone (Route 53's default quota is
 * 10,000, raisable): 24 octets each besides their text, so 200,000 (as
 * DNS_MAX_ZONE_RRS, which the listing's comparison zone must also fit)
 * stay under 5 MB. */
#ifndef R53LIST_MAX_SETS
#define R53LIST_MAX_SETS 200000
#endif

/* Text of one listing: names and values (offsets are 32-bit). A
 * 100,000-set zone's listing holds about 4 MB; 8 MB, as DNS_MAX_ZONE_BYTES,
 * keeps a sync within what a 64 MB router can spare. */
#ifndef R53LIST_MAX_BYTES
#define R53LIST_MAX_BYTES (8 * 1024 * 1024)
#endif

/* Values of one record set (Route 53 allows 400). */
#ifndef R53LIST_MAX_VALUES
#define R53LIST_MAX_VALUES 400
#endif

/* ---- Route 53 client (src/aws/r53) -------------------------------------------- */

/* Request path and query: a ListResourceRecordSets cursor is a name of up
 * to 1,024 escaped characters (3 bytes each once URI-encoded) and a
 * SetIdentifier of up to 128. */
#ifndef R53_MAX_TARGET
#define R53_MAX_TARGET 4096
#endif

/* Retries (AWS SDKs and Tools Reference Guide, "Retry behavior"): Throttling
 * and PriorRequestNotComplete wait seconds (Route 53 needs seconds to finish
 * a change), 5xx, timeouts and connection errors milliseconds; attempts
 * include the first. Full jitter, doubling up to the cap. */
#ifndef R53_THROTTLE_ATTEMPTS
#define R53_THROTTLE_ATTEMPTS 5
#endif
#ifndef R53_THROTTLE_BASE_MS
#define R53_THROTTLE_BASE_MS 1000
#endif
#ifndef R53_TRANSIENT_ATTEMPTS
#define R53_TRANSIENT_ATTEMPTS 3
#endif
#ifndef R53_TRANSIENT_BASE_MS
#define R53_TRANSIENT_BASE_MS 100
#endif
#ifndef R53_BACKOFF_CAP_MS
#define R53_BACKOFF_CAP_MS 20000
#endif

/* While the clock is before the build time, look again this often. */
#ifndef R53_CLOCK_POLL_MS
#define R53_CLOCK_POLL_MS 5000
#endif

/* Waiting for a change to be INSYNC (sync --wait): first GetChange after
 * this, delays doubling up to the second value, giving up after the third
 * (Route 53 propagates "generally within 60 seconds"; botocore's waiter
 * gives up after 30 minutes). */
#ifndef R53_WAIT_FIRST_MS
#define R53_WAIT_FIRST_MS 2000
#endif
#ifndef R53_WAIT_MAX_DELAY_MS
#define R53_WAIT_MAX_DELAY_MS 30000
#endif
#ifndef R53_WAIT_TOTAL_MS
#define R53_WAIT_TOTAL_MS (15 * 60 * 1000)
#endif

/* Largest ChangeResourceRecordSets body: 1,000 records and 32,000 value
 * characters per batch (Route 53 Developer Guide, "Quotas": maximums on API
 * requests), with names and XML escaping. */
#ifndef R53_MAX_CHANGE_BODY
#define R53_MAX_CHANGE_BODY (2 * 1024 * 1024)
#endif

/* Hosted zones kept from ListHostedZones (the default quota is 500 per
 * account), and zones asked for per ListHostedZonesByName page when
 * looking for one name (only a public and a private zone can share it in
 * practice). */
#ifndef R53_MAX_ZONES
#define R53_MAX_ZONES 100000
#endif
/* R53_FIND_MAXITEMS is sent as written: a plain decimal number, 1 to 100. */
#ifndef R53_FIND_MAXITEMS
#define R53_FIND_MAXITEMS 10
#endif

/* InvalidChangeBatch messages kept (one per problem in the batch). */
#ifndef R53_MAX_MESSAGES
#define R53_MAX_MESSAGES 1000
#endif

/* ---- AWS credentials (src/aws/creds) ------------------------------------------ */

/* Access key ID (AWS: 16-128 characters), session token (STS tokens are
 * up to about 2 KB), paths of the credential files and metadata URLs. */
#ifndef CREDS_MAX_KEY_ID
#define CREDS_MAX_KEY_ID 129
#endif
#ifndef CREDS_MAX_TOKEN
#define CREDS_MAX_TOKEN 4096
#endif
#ifndef CREDS_MAX_PATH
#define CREDS_MAX_PATH 1024
#endif

/* Largest ~/.aws/credentials or ~/.aws/config read. */
#ifndef CREDS_MAX_FILE
#define CREDS_MAX_FILE (1024 * 1024)
#endif

/* Temporary keys are refreshed in the background from this many seconds
 * before their Expiration (the AWS SDKs refresh about 5 minutes before),
 * and before any request from the second figure. Keys issued for a short
 * life use at most half and a quarter of it instead. No fetch is repeated
 * within CREDS_REFETCH_MIN_S (or a quarter of the keys' life) of the last
 * one that worked, so keys issued with a short life do not cause a fetch
 * per request. */
#ifndef CREDS_ADVISORY_S
#define CREDS_ADVISORY_S (5 * 60)
#endif
#ifndef CREDS_MANDATORY_S
#define CREDS_MANDATORY_S 60
#endif
#ifndef CREDS_REFETCH_MIN_S
#define CREDS_REFETCH_MIN_S 30
#endif

/* Roles assumed one after the other through source_profile (AWS CLI:
 * unbounded but loop-checked; a longer chain is a misconfiguration), and
 * the sizes STS allows: RoleArn up to 2048 characters, ExternalId 1224, a
 * web identity token 20000 (STS API Reference, AssumeRole and
 * AssumeRoleWithWebIdentity), so a request body fits in CREDS_STS_BODY_MAX
 * once URL-encoded. */
#ifndef CREDS_MAX_ROLES
#define CREDS_MAX_ROLES 8
#endif
#ifndef CREDS_MAX_ARN
#define CREDS_MAX_ARN 2049
#endif
#ifndef CREDS_MAX_EXTERNAL_ID
#define CREDS_MAX_EXTERNAL_ID 1225
#endif
#ifndef CREDS_MAX_WEB_TOKEN
#define CREDS_MAX_WEB_TOKEN 20000
#endif
#ifndef CREDS_STS_BODY_MAX
#define CREDS_STS_BODY_MAX (3 * CREDS_MAX_WEB_TOKEN + 4 * CREDS_MAX_ARN + 4096)
#endif

/* credential_process: the command line (AWS CLI config values are one
 * line), its words, the time it may run before it is killed (the AWS CLI
 * has none; a hung helper must not hold the credentials forever; the
 * config key aws.credential_process_timeout changes it), and the largest
 * output read (64 KB: a credentials JSON is under 4 KB). */
#ifndef CREDS_MAX_COMMAND
#define CREDS_MAX_COMMAND 4096
#endif
#ifndef CREDS_MAX_ARGS
#define CREDS_MAX_ARGS 64
#endif
#ifndef CREDS_PROCESS_TIMEOUT_S
#define CREDS_PROCESS_TIMEOUT_S 30
#endif
#ifndef CREDS_PROCESS_MAX_OUTPUT
#define CREDS_PROCESS_MAX_OUTPUT (64 * 1024)
#endif

/* Metadata endpoints: the whole fetch of one answer (botocore: 1 s for
 * IMDS, 2 s for containers), and the largest answer. */
#ifndef CREDS_IMDS_TIMEOUT_MS
#define CREDS_IMDS_TIMEOUT_MS 1000
#endif
#ifndef CREDS_ECS_TIMEOUT_MS
#define CREDS_ECS_TIMEOUT_MS 2000
#endif
#ifndef CREDS_MAX_BODY
#define CREDS_MAX_BODY 16384
#endif

/* ---- child processes (src/base/child) ------------------------------------------ */

/* The start of a failed program's stderr kept for the log, and the
 * descriptors closed in the child before exec when the limit is larger or
 * unknown. */
#ifndef CHILD_STDERR_MAX
#define CHILD_STDERR_MAX 2048
#endif
#ifndef CHILD_MAX_FD
#define CHILD_MAX_FD 65536
#endif

/* 1: the child is started with _Fork (POSIX.1-2024; musl 1.2.2, glibc
 * 2.34), fork without the atfork handlers and the locking done for other
 * threads: notify53 has one thread and no handlers, and musl's fork()
 * brings 1.4 KB of locks and timed waits into a static binary for them.
 * 0: fork(), for an older C library. */
#ifndef CHILD_RAW_FORK
#define CHILD_RAW_FORK 1
#endif

/* ---- plan (src/sync/plan) -------------------------------------------------- */

/* Route 53's limits per ChangeResourceRecordSets request (Route 53
 * Developer Guide, "Quotas": maximums on API requests): ResourceRecord
 * elements and characters of Value text, an UPSERT counting twice for both.
 * Exact, not rounded down: the planner counts octets as sent, never fewer
 * than Route 53's characters. */
#ifndef PLAN_BATCH_RECORDS
#define PLAN_BATCH_RECORDS 1000
#endif
#ifndef PLAN_BATCH_CHARS
#define PLAN_BATCH_CHARS 32000
#endif

/* Characters of one Value (at most 4,000: Route 53 API Reference,
 * ResourceRecord): a longer one (a TXT set of 16 strings of 255 octets is
 * legal DNS) makes Route 53 refuse the whole request as InvalidInput, so
 * the planner leaves that set out with an error note instead. */
#ifndef PLAN_MAX_VALUE_CHARS
#define PLAN_MAX_VALUE_CHARS 4000
#endif

/* Values of one record set: Route 53 holds at most 400 (Route 53
 * Developer Guide, "Quotas": quotas on records) and refuses the whole batch
 * otherwise, so a larger set of the primary is left out with an error note. */
#ifndef PLAN_MAX_SET_VALUES
#define PLAN_MAX_SET_VALUES 400
#endif

/* Notes kept per plan (sets left alone, conflicts, errors); the rest are
 * only counted, so a zone with thousands of ignored sets costs no more. */
#ifndef PLAN_MAX_NOTES
#define PLAN_MAX_NOTES 1000
#endif

/* ---- sync (src/sync/sync, src/cli/cli_sync) --------------------------------- */

/* New listings one sync job may make after Route 53 refused a batch it had
 * planned or a change's answer was lost, before it gives up: each costs
 * ceil(N/300) requests, and a zone changing under us that often needs a
 * person, not a loop. */
#ifndef SYNC_MAX_REPLANS
#define SYNC_MAX_REPLANS 3
#endif

/* Zones `notify53 sync` and `notify53 plan` work on at once: each holds its
 * zone, listing and plan in memory (a router has 64 MB), and Route 53
 * requests go out one at a time anyway. */
#ifndef SYNC_CLI_JOBS
#define SYNC_CLI_JOBS 4
#endif

/* ---- sync records (src/sync/cache) ------------------------------------------ */

/* Where the per-zone sync records live when neither the cache_dir key nor
 * systemd's $CACHE_DIRECTORY names a place (Filesystem Hierarchy Standard
 * 3.0, /var/cache: data an application can make again). */
#ifndef CACHE_DEFAULT_DIR
#define CACHE_DEFAULT_DIR "/var/cache/notify53"
#endif

/* Largest record file read: a zone's RRs in wire form (DNS_MAX_ZONE_BYTES)
 * plus 12 octets of framing per RR; a bigger file is not ours. */
#ifndef CACHE_MAX_FILE
#define CACHE_MAX_FILE (DNS_MAX_ZONE_BYTES + 12 * DNS_MAX_ZONE_RRS)
#endif

/* Zones without a hosted zone ID (none configured, no sync record) from
 * which `sync`, `plan` and the daemon find them all with one paged
 * ListHostedZones (100 zones a call) instead of one ListHostedZonesByName
 * each: an account rarely holds more than 100 hosted zones per 4 managed. */
#ifndef SYNC_LIST_ZONES_MIN
#define SYNC_LIST_ZONES_MIN 4
#endif

/* ---- daemon (src/daemon/daemon) ----------------------------------------------- */

/* NOTIFYs to HA peers waiting for their answer (src/daemon/peer), each with
 * a UDP socket (LOOP_MAX_FDS); a pair with a few zones changing at once
 * needs a handful. */
#ifndef PEER_MAX_INFLIGHT
#define PEER_MAX_INFLIGHT 8
#endif

/* Peer NOTIFY retransmission (RFC 1996 section 3.6): first after
 * PEER_RETRY_MS, doubling, PEER_TRIES sends in all (1+2+4+8 s: longer than
 * a typical peer_wait, after which the news is of no use to the peer). */
#ifndef PEER_RETRY_MS
#define PEER_RETRY_MS 1000
#endif
#ifndef PEER_TRIES
#define PEER_TRIES 5
#endif

/* A peer NOTIFY: header, question and SOA of a 255-octet name, a TSIG RR
 * with 255-octet key and algorithm names and a 64-octet MAC. */
#ifndef PEER_MSG_MAX
#define PEER_MSG_MAX 1024
#endif

/* Sync jobs running at once; other due zones wait their turn in order. Each
 * job holds a transfer socket (LOOP_MAX_FDS) and its zone's plan; Route 53
 * requests go out one at a time anyway, so more would only hold memory. */
#ifndef DAEMON_MAX_JOBS
#define DAEMON_MAX_JOBS 8
#endif

/* Every timer is shortened by a random part of up to this share, so zones
 * loaded together (a start, an account of hundreds of zones) spread their
 * SOA queries and reconciles, and none is checked later than its SOA asks. */
#ifndef DAEMON_JITTER_PERCENT
#define DAEMON_JITTER_PERCENT 10
#endif

/* A zone's reconcile (full listing) comes up to this share of
 * reconcile_interval early, at random: 1,000 zones listed together at a
 * first start then list again spread over half the interval, never all at
 * once (each listing costs ceil(N/300) calls of the account's rate). */
#ifndef DAEMON_RECONCILE_SPREAD_PERCENT
#define DAEMON_RECONCILE_SPREAD_PERCENT 50
#endif

/* Bounds on the zone's SOA timers, seconds: a retry of 0 or 1 must not make
 * a loop of SOA queries to a primary that is down, and a hostile refresh of
 * 2^32-1 must not silence a zone for 136 years (RFC 1912 section 2.2 suggests
 * refresh of 20 min to 12 h). */
#ifndef DAEMON_RETRY_MIN_S
#define DAEMON_RETRY_MIN_S 5
#endif
#ifndef DAEMON_REFRESH_MAX_S
#define DAEMON_REFRESH_MAX_S (7 * 24 * 3600)
#endif

/* Retry after a failed job while no SOA has ever been seen (the primary
 * down since start-up): there are no timers to follow yet. Seconds. */
#ifndef DAEMON_RETRY_UNKNOWN_S
#define DAEMON_RETRY_UNKNOWN_S 60
#endif

/* The state file is rewritten at most this often (ms): it holds every zone,
 * so thousands of zones syncing at start-up must not mean a write (and an
 * fsync) of all of them per job. */
#ifndef DAEMON_STATE_WRITE_MS
#define DAEMON_STATE_WRITE_MS 1000
#endif

#endif
