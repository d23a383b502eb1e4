/*
 * r53_op: one Route 53 operation (REST-XML API 2013-04-01) as messages: the
 * requests it sends and what the answers say. Pure: no connection, loop,
 * clock or signing; the client of src/aws/r53 queues operations, signs and
 * sends each request, and feeds the answers back here.
 *
 * An operation is a caller-embedded struct r53_op: fill it with one of the
 * r53_op_* initialisers and hand it to r53_submit (src/aws/r53). For every
 * request the client calls r53_op_prepare once, then r53_op_request for
 * the method, path and query, and r53_op_answer with each 2xx body (paged
 * listings and GetChange polls ask for another request) or r53_parse_error
 * with any other; r53_retry_class says what a failure means.
 *
 * Route 53's names and values are kept verbatim (octal escapes, trailing
 * dot); codec/dns and codec/rr convert them.
 */
#ifndef NOTIFY53_R53_OP_H
#define NOTIFY53_R53_OP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "aws/r53list.h"
#include "base/err.h"
#include "codec/dns.h"
#include "config/cfg.h"
#include "net/http_client.h"

/* Longest hosted zone ID ("Z..." is at most 32: Route 53 API Reference,
 * GetHostedZone: Id) and
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

/* The calls made, by name: "ListResourceRecordSets 2, ChangeResourceRecordSets
 * 1", or "none"; cut to fit cap (at least 1). Returns buf. */
const char *r53_calls_text(const unsigned long *calls, char *buf, size_t cap);

/* One hosted zone, as ListHostedZones, ListHostedZonesByName and
 * GetHostedZone describe it. */
struct r53_zone {
	char id[R53_MAX_ID];        /* bare: "Z1D633PJN98FT9" */
	char *name;                 /* as returned: lower case, octal escapes,
	                               trailing dot (heap, freed by r53_op_free) */
	int private_zone;           /* Config/PrivateZone */
	long rrset_count;           /* ResourceRecordSetCount (SOA and NS included), -1 if absent */
};

/* In the order of enum r53_api, which r53_kind_api counts on. */
enum r53_kind {
	R53_LIST_ZONES,   /* ListHostedZones, every page */
	R53_FIND_ZONE,    /* ListHostedZonesByName: every zone with exactly that name */
	R53_GET_ZONE,     /* GetHostedZone */
	R53_LIST_SETS,    /* ListResourceRecordSets, every page, into a r53list */
	R53_GET_SOA,      /* ListResourceRecordSets, one set from the apex SOA on */
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
	const char *name;           /* FIND_ZONE: the zone name (presentation text);
	                               GET_SOA: the apex (Route 53 text) */
	struct r53list *list;       /* LIST_SETS, GET_SOA: receives the sets (caller-owned, initialised) */
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
	size_t nmessages, messages_cap;
	struct r53_zone *zones;     /* LIST_ZONES: all; FIND_ZONE: the candidates;
	                               GET_ZONE: one */
	size_t nzones;
	int insync;                 /* CHANGE, GET_CHANGE, WAIT_CHANGE: Status is INSYNC */
	unsigned requests;          /* API requests this operation made (retries included) */

	/* ---- owned by the client (src/aws/r53) and r53_op_prepare ---- */
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

/* The apex SOA of a hosted zone, one call: ListResourceRecordSets with
 * name=apex (Route 53 text, as r53list names), type=SOA, maxitems=1, into
 * list (caller-initialised). Route 53 lists from that set on (a cursor,
 * not a filter), so the caller checks the set it got is the SOA. */
void r53_op_get_soa(struct r53_op *op, const char *zone_id, const char *apex,
	struct r53list *list, void (*done)(struct r53_op *));

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

/* Release the outputs of op (messages, zones, internal buffers); the op
 * can be initialised again. Not the caller's list. */
void r53_op_free(struct r53_op *op);

/* Choose among the candidates of r53_op_find_zone for a zone configured
 * as kind: with CFG_ZONE_ANY a public zone is preferred, else the only
 * private one. Returns the index in op->zones, or -1 with e set: no such
 * zone, or two candidates of the wanted kind ("set hosted_zone_id"). */
int r53_zone_pick(const struct r53_op *op, enum cfg_zone_kind kind, struct err *e);

/* What op is about, for messages: "ListResourceRecordSets Z123". */
const char *r53_op_what(const struct r53_op *op, char *buf, size_t cap);

/* ---- requests -------------------------------------------------------------------- */

/* Before the first request: the paging state, the ChangeResourceRecordSets
 * body, the zone name of FIND_ZONE checked. Returns R53_OK, or the status
 * to end the op with and e set. */
enum r53_status r53_op_prepare(struct r53_op *op, struct err *e);

/* The next request of a prepared op: *method ("GET" or "POST"), the path
 * and the URL query (URI-encoded, as signed and sent; "" when none; the
 * body is op->body). Returns 0, or -1 when the query does not fit qcap. */
int r53_op_request(const struct r53_op *op, const char **method, char *path, size_t pcap,
	char *query, size_t qcap);

/* The ChangeResourceRecordSets body: XML declaration and one line, with the
 * namespace, elements in schema order (Route 53 API Reference,
 * ChangeResourceRecordSets and ResourceRecordSet), text escaped.
 * Returns a heap buffer (free it) and its length, or NULL with e set. */
char *r53_change_body(const struct r53_change *changes, size_t n, const char *comment,
	size_t *len, struct err *e);

/* URL query of a ListResourceRecordSets page: name, type and identifier
 * cursors (NULL when absent) URI-encoded once ("\052" -> "%5C052") with
 * maxitems. Returns 0, or -1 when it does not fit in cap. */
int r53_sets_query(char *q, size_t cap, const char *name, const char *type,
	const char *identifier);

/* ---- answers --------------------------------------------------------------------- */

/* A 2xx answer to op's request (body modified): the outputs, the next page
 * cursor. Returns 1 when the op wants another request (the next page; a
 * WAIT_CHANGE still PENDING: the client decides when to poll and when to
 * give up), 0 when it is finished, -1 with e set (an answer that cannot be
 * understood, or a page cursor seen before). */
int r53_op_answer(struct r53_op *op, char *body, size_t len, struct err *e);

/* Parse one ListResourceRecordSets page (body modified) into list; sets
 * *truncated and the next cursor (next[0..2] = name, type, identifier, ""
 * when absent, each DNS_NAME_TEXT_MAX). Returns 0, or -1 with e set. */
int r53_parse_sets_page(char *body, size_t len, struct r53list *list, int *truncated,
	char next[3][DNS_NAME_TEXT_MAX], struct err *e);

/* The error of a response with status >= 300 (Route 53 API Reference,
 * "Common Errors", and ChangeResourceRecordSets for InvalidChangeBatch):
 * both the <ErrorResponse><Error><Code/><Message/> and the
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

/* Drop op->messages (before a retry: they belonged to the failed attempt). */
void r53_op_clear_messages(struct r53_op *op);

/* Free what a running op holds (paging state, request body); the outputs
 * stay. */
void r53_op_release(struct r53_op *op);

#endif
