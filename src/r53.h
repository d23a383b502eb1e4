/*
 * r53: the Route 53 operations (REST-XML API 2013-04-01) on the poll loop,
 * with paging, a client-side rate limit, retries and clock-skew correction.
 *
 * One struct r53 serves the whole process: it owns one keep-alive HTTPS
 * connection (src/http), the SigV4 signer, the credential chain (src/creds),
 * a token bucket shared by every zone (aws.max_requests_per_second, default
 * 5/s: the historic account limit, route53-api.md section 3) and a queue of
 * operations. Requests go out one at a time, in queue order; an operation
 * that pages (listings) or backs off goes back to the end of the queue
 * between requests, so zones take turns.
 *
 * An operation is a caller-embedded struct r53_op: fill it with one of the
 * r53_op_* initialisers, r53_submit it, and its done() is called exactly
 * once from the loop (never from inside r53_submit), with op->status and,
 * on failure, a one-line op->err. Outputs stay in the op until r53_op_free.
 *
 *   static void listed(struct r53_op *op) {
 *           if (op->status != R53_OK) log_err("%s", op->err.msg);
 *           ... op->list holds every record set ...
 *           r53_op_free(op);
 *   }
 *   r53list_init(&job->list);
 *   r53_op_list_sets(&job->op, "Z123", &job->list, listed);
 *   r53_submit(&r53, &job->op);
 *
 * Retries (route53-api.md 4.3, "standard" mode with the daemon's longer
 * waits): exponential backoff with full jitter, every retry signed afresh.
 * Throttling and PriorRequestNotComplete: R53_THROTTLE_ATTEMPTS attempts from
 * R53_THROTTLE_BASE_MS; HTTP 5xx, timeouts, connection errors and broken
 * responses: R53_TRANSIENT_ATTEMPTS from R53_TRANSIENT_BASE_MS. A
 * ChangeResourceRecordSets whose request reached the server but whose
 * answer was lost is never retried: it ends with R53_ERR_UNKNOWN_OUTCOME and
 * the caller lists the zone again and re-plans (a retried CREATE could fail
 * "already exists", a DELETE "not found"). One change batch per hosted zone
 * is in flight: a second one for the same zone waits in the queue until the
 * first is answered (Route 53 refuses it with PriorRequestNotComplete).
 *
 * Clock: while the wall clock is before the build time (no RTC, NTP not yet
 * synced) no request is made; the client logs once and looks again every
 * R53_CLOCK_POLL_MS. After "Signature expired" / "Signature not yet current"
 * the offset to the server's Date header is kept, logged, and the request is
 * signed again once with it.
 *
 * Secrets never appear in logs or error messages (key IDs may).
 */
#ifndef NOTIFY53_R53_H
#define NOTIFY53_R53_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "config.h"
#include "creds.h"
#include "dns.h"
#include "err.h"
#include "http.h"
#include "loop.h"
#include "r53list.h"
#include "sigv4.h"
#include "tls.h"

/* Longest hosted zone ID ("Z..." is at most 32: route53-api.md 2.1) and
 * change ID we keep, with the NUL. */
#define R53_MAX_ID 64

/* How an operation ended. */
enum r53_status {
	R53_OK = 0,
	R53_ERR_INVALID_CHANGE_BATCH, /* every Message in op->messages */
	R53_ERR_INVALID_INPUT,   /* InvalidInput, MalformedInput, InvalidDomainName, or a
	                            change this client cannot express (alias, routing) */
	R53_ERR_NO_SUCH_ZONE,    /* NoSuchHostedZone, or no zone of that name */
	R53_ERR_NO_SUCH_CHANGE,  /* NoSuchChange */
	R53_ERR_ACCESS,          /* AccessDenied, InvalidClientTokenId, SignatureDoesNotMatch,
	                            ExpiredToken after a credentials refresh */
	R53_ERR_CREDENTIALS,     /* the credential chain found no usable keys */
	R53_ERR_THROTTLED,       /* Throttling / PriorRequestNotComplete, retries exhausted */
	R53_ERR_TRANSPORT,       /* connection, TLS, timeout or 5xx, retries exhausted
	                            (TLS certificate errors are not retried) */
	R53_ERR_UNKNOWN_OUTCOME, /* a change was sent and its answer lost: re-list, re-plan */
	R53_ERR_TIMEOUT,         /* r53_op_wait_change: not INSYNC in time */
	R53_ERR_PROTOCOL,        /* a response we cannot understand, a repeated page cursor */
	R53_ERR_OTHER            /* any other error code from Route 53 */
};

/* Short name of a status ("invalid-change-batch"), for logs and tests. */
const char *r53_status_name(enum r53_status s);

/* The API calls, for the per-call counters. */
enum r53_api {
	R53_API_LIST_HOSTED_ZONES,
	R53_API_LIST_HOSTED_ZONES_BY_NAME,
	R53_API_GET_HOSTED_ZONE,
	R53_API_LIST_RESOURCE_RECORD_SETS,
	R53_API_CHANGE_RESOURCE_RECORD_SETS,
	R53_API_GET_CHANGE,
	R53_API_COUNT
};

/* "ListResourceRecordSets"... */
const char *r53_api_name(enum r53_api a);

/* One hosted zone, as ListHostedZones, ListHostedZonesByName and
 * GetHostedZone describe it. */
struct r53_zone {
	char id[R53_MAX_ID];        /* bare: "Z1D633PJN98FT9" */
	char *name;                 /* as returned: lower case, octal escapes,
	                               trailing dot (heap, freed by r53_op_free) */
	int private_zone;           /* Config/PrivateZone */
	long rrset_count;           /* ResourceRecordSetCount (SOA and NS included), -1 if absent */
};

enum r53_kind {
	R53_LIST_ZONES,   /* ListHostedZones, every page */
	R53_FIND_ZONE,    /* ListHostedZonesByName: every zone with exactly that name */
	R53_GET_ZONE,     /* GetHostedZone */
	R53_LIST_SETS,    /* ListResourceRecordSets, every page, into a r53list */
	R53_CHANGE,       /* ChangeResourceRecordSets */
	R53_GET_CHANGE,   /* GetChange, once */
	R53_WAIT_CHANGE   /* GetChange until INSYNC */
};

/* The API call an operation of kind k makes (its counter in calls[]). */
enum r53_api r53_kind_api(enum r53_kind k);

struct r53;
struct r53_op;
struct r53_page; /* private */

struct r53_op {
	/* ---- inputs (set by the r53_op_* initialisers; kept by the caller until done) */
	enum r53_kind kind;
	void (*done)(struct r53_op *op);
	char zone_id[R53_MAX_ID];   /* bare; GET_ZONE, LIST_SETS, CHANGE */
	const char *name;           /* FIND_ZONE: the zone name (presentation text) */
	struct r53list *list;       /* LIST_SETS: receives the sets (caller-owned, initialised) */
	const struct r53_change *changes; /* CHANGE: caller-owned array */
	size_t nchanges;
	const char *comment;        /* CHANGE: ChangeBatch/Comment, or NULL */
	char change_id[R53_MAX_ID]; /* GET_CHANGE, WAIT_CHANGE input; CHANGE output (bare) */
	void *user;                 /* free for the caller */

	/* ---- outputs, valid in done() and until r53_op_free ---- */
	enum r53_status status;
	struct err err;             /* one line when status != R53_OK */
	char code[64];              /* Route 53's error code ("Throttling"), or "" */
	char **messages;            /* INVALID_CHANGE_BATCH: every Message, in order */
	size_t nmessages;
	struct r53_zone *zones;     /* LIST_ZONES: all; FIND_ZONE: the candidates;
	                               GET_ZONE: one */
	size_t nzones;
	int insync;                 /* CHANGE, GET_CHANGE, WAIT_CHANGE: Status is INSYNC */
	unsigned requests;          /* API requests this operation made (retries included) */

	/* ---- internal ---- */
	struct r53 *r;
	struct r53_op *next;        /* in r->queue */
	int queued, started;
	int64_t ready_at;           /* loop time before which it must not be sent */
	int throttle_tries, transient_tries, skew_fixed, creds_refreshed;
	int64_t wait_start, wait_delay; /* WAIT_CHANGE */
	char *body;                 /* CHANGE: the XML request */
	size_t body_len;
	struct r53_page *page;      /* paged kinds: cursors (heap, while running) */
};

/* The client. Large (an http client with its buffers): make it static or
 * allocate it, and do not move it after r53_init. */
struct r53 {
	struct http_client http;
	struct tls_trust trust;
	struct sigv4_signer signer;
	struct creds creds;
	char region[SIGV4_MAX_SCOPE_NAME];

	/* Token bucket shared by every operation. */
	struct r53_bucket {
		double rate;     /* tokens per second; 0 = unlimited */
		double burst;    /* bucket size */
		double tokens;
		int64_t last_ms; /* loop time of the last refill */
	} bucket;

	struct r53_op *queue, *queue_tail;
	struct r53_op *active;      /* the op whose request is on the wire */
	struct loop_timer wake;
	int waiting_creds;          /* a credentials fetch is running */

	/* The request on the wire. */
	struct http_call call;
	struct sigv4_signature sig;
	struct sigv4_header sh[3];
	char target[R53_MAX_TARGET];
	char path[R53_MAX_TARGET];
	char query[R53_MAX_TARGET];
	enum r53_api api;

	/* Clock. */
	time_t (*now)(void);        /* wall clock (time() unless a test sets it) */
	long skew;                  /* seconds to add to now() when signing */
	int clock_logged;           /* "clock not set" said once */
	uint32_t rnd;               /* jitter state */

	/* Counters: requests per API call, retries, throttled answers. */
	unsigned long calls[R53_API_COUNT];
	unsigned long retries, throttled;
};

/* Set up r for aws (endpoint, region, ca_file, rate, credentials): loads
 * the trust anchors and finds the static credentials (src/creds); nothing
 * is connected yet. Without aws.endpoint the AWS SDKs' variables
 * AWS_ENDPOINT_URL_ROUTE_53, then AWS_ENDPOINT_URL, name the endpoint;
 * without aws.ca_file, AWS_CA_BUNDLE names the CA bundle (so the original
 * tool's config.json, which has no "aws" object, can be pointed elsewhere).
 * A plain http:// endpoint is refused unless aws->allow_http (a test
 * endpoint), and then warned about. Returns 0, or -1 with e set (r53_free is
 * still safe). */
int r53_init(struct r53 *r, const struct cfg_aws *aws, struct err *e);

/* Use now() as the wall clock instead of time() (tests: a clock that is
 * not set, or off). */
void r53_set_clock(struct r53 *r, time_t (*now)(void));

/* Drop every queued operation without calling done(), close the
 * connection, wipe the credentials. */
void r53_free(struct r53 *r);

/* ---- operations -------------------------------------------------------------- */

/* Every hosted zone of the account (ListHostedZones paged by
 * Marker/NextMarker): op->zones, op->nzones. */
void r53_op_list_zones(struct r53_op *op, void (*done)(struct r53_op *));

/* Every hosted zone called name (presentation text, "example.com." or
 * without the dot): ListHostedZonesByName with dnsname=name as a cursor,
 * keeping the zones whose returned Name equals it (a public and a private
 * zone may share a name). op->zones holds the candidates, none when no zone
 * has the name (status R53_OK; see r53_zone_pick). A name that does not
 * parse fails with R53_ERR_INVALID_INPUT from done(). */
void r53_op_find_zone(struct r53_op *op, const char *name, void (*done)(struct r53_op *));

/* GetHostedZone: op->zones[0] (nzones 1). zone_id bare or "/hostedzone/Z..". */
void r53_op_get_zone(struct r53_op *op, const char *zone_id, void (*done)(struct r53_op *));

/* Every record set of the zone into list (caller-initialised; sets are
 * appended in Route 53's order, names and values verbatim, alias and
 * routing sets flagged): ListResourceRecordSets paged at 300 by
 * NextRecordName/Type/Identifier. A cursor seen before is an error
 * (R53_ERR_PROTOCOL), never a loop. */
void r53_op_list_sets(struct r53_op *op, const char *zone_id, struct r53list *list,
	void (*done)(struct r53_op *));

/* ChangeResourceRecordSets with changes[0..n) (kept by the caller until
 * done) and an optional comment: op->change_id (bare) and op->insync. The
 * batch is sent as one request; splitting it is the planner's job. Alias
 * and routing sets are refused (R53_ERR_INVALID_INPUT): notify53 leaves
 * them alone and this client does not carry their routing fields. */
void r53_op_change(struct r53_op *op, const char *zone_id, const struct r53_change *changes,
	size_t n, const char *comment, void (*done)(struct r53_op *));

/* GetChange once (wait = 0), or until Status is INSYNC (wait = 1), polling
 * after R53_WAIT_FIRST_MS, doubling to R53_WAIT_MAX_DELAY_MS, for at most
 * R53_WAIT_TOTAL_MS (then R53_ERR_TIMEOUT). change_id bare or "/change/C..". */
void r53_op_get_change(struct r53_op *op, const char *change_id, int wait,
	void (*done)(struct r53_op *));

/* Queue op on r; op->done() is called exactly once, later, from the loop.
 * The op must stay in place until then. */
void r53_submit(struct r53 *r, struct r53_op *op);

/* Withdraw a submitted op without calling done() (its request, if on the
 * wire, is abandoned with the connection). Safe when op is not queued. */
void r53_cancel(struct r53 *r, struct r53_op *op);

/* Release the outputs of op (messages, zones, internal buffers); the op
 * can be initialised again. Not the caller's list. */
void r53_op_free(struct r53_op *op);

/* Choose among the candidates of r53_op_find_zone for a zone configured
 * as kind: with CFG_ZONE_ANY a public zone is preferred, else the only
 * private one. Returns the index in op->zones, or -1 with e set: no such
 * zone, or two candidates of the wanted kind ("set hosted_zone_id"). */
int r53_zone_pick(const struct r53_op *op, enum cfg_zone_kind kind, struct err *e);

/* 1 when op (any kind) has not ended: queued, waiting or on the wire. */
int r53_op_pending(const struct r53_op *op);

/* ---- pieces, public for the tests ------------------------------------------- */

/* The ChangeResourceRecordSets body: XML declaration and one line, with the
 * namespace, elements in schema order (route53-api.md 2.6), text escaped.
 * Returns a heap buffer (free it) and its length, or NULL with e set. */
char *r53_change_body(const struct r53_change *changes, size_t n, const char *comment,
	size_t *len, struct err *e);

/* The error of a response with status >= 300 (route53-api.md 4.1): both the
 * <ErrorResponse><Error><Code/><Message/> and the
 * <InvalidChangeBatch><Messages><Message/>.. shapes, another root element as
 * the code, or "HTTP status" for a body that is not XML. Fills op->code,
 * op->messages (every message) and returns the status category (also for a
 * retryable code; the retry decision is r53_retry_class). body is modified. */
enum r53_status r53_parse_error(struct r53_op *op, int http_status, char *body, size_t len);

/* What to do after a failed request. */
enum r53_retry {
	R53_RETRY_NO,        /* final: report */
	R53_RETRY_TRANSIENT, /* 5xx, timeout, connection error: short backoff */
	R53_RETRY_THROTTLE,  /* Throttling, PriorRequestNotComplete: long backoff */
	R53_RETRY_SKEW,      /* signature outside the time window: correct, re-sign once */
	R53_RETRY_CREDS,     /* ExpiredToken: refresh the credentials, retry once */
	R53_RETRY_CLOCK,     /* our clock is not set: wait, do not count an attempt */
	R53_RETRY_UNKNOWN    /* a change may have been applied: do not retry */
};

/* The decision table: herr is the HTTP layer's error (HTTP_OK when the
 * server answered with status and Route 53 error code/message), sent says
 * whether the request reached the socket, change whether it was a
 * ChangeResourceRecordSets. */
enum r53_retry r53_retry_class(enum http_error herr, int sent, int change, int status,
	const char *code, const char *message);

/* Full-jitter backoff before retry number attempt (1 = the first retry):
 * rnd scaled into [0, min(cap_ms, base_ms * 2^(attempt-1))). */
int64_t r53_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint32_t rnd);

/* Token bucket: rate per second (0 = unlimited), burst tokens, starting
 * full at now_ms. */
void r53_bucket_init(struct r53_bucket *b, double rate, double burst, int64_t now_ms);

/* Take one token at now_ms: returns 0 when taken, else the milliseconds to
 * wait before one is there (nothing taken). */
int64_t r53_bucket_take(struct r53_bucket *b, int64_t now_ms);

/* URL query of a ListResourceRecordSets page: name, type and identifier
 * cursors (NULL when absent) URI-encoded once ("\052" -> "%5C052") with
 * maxitems. Returns 0, or -1 when it does not fit in cap. */
int r53_sets_query(char *q, size_t cap, const char *name, const char *type,
	const char *identifier);

/* Parse one ListResourceRecordSets page (body modified) into list; sets
 * *truncated and the next cursor (next[0..2] = name, type, identifier, ""
 * when absent, each DNS_NAME_TEXT_MAX). Returns 0, or -1 with e set. */
int r53_parse_sets_page(char *body, size_t len, struct r53list *list, int *truncated,
	char next[3][DNS_NAME_TEXT_MAX], struct err *e);

#endif
