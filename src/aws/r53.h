/*
 * r53: the Route 53 client, the request pump: it runs operations (their
 * requests and answers are src/aws/r53_op) on the poll loop, with paging, a
 * client-side rate limit, retries and clock-skew correction.
 *
 * One struct r53 serves the whole process: it owns one keep-alive HTTPS
 * connection (src/net/http_client), the SigV4 signer, the credential chain
 * (src/aws/creds), a token bucket shared by every zone
 * (aws.max_requests_per_second, default 5/s: the historic account limit, Route
 * 53 Developer Guide, "Quotas") and a queue of operations. Requests go out one
 * at a time, in queue order; an operation that pages (listings) or backs off
 * goes back to the end of the queue between requests, so zones take turns.
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
 * Retries (AWS SDKs and Tools Reference Guide, "Retry behavior": the
 * "standard" mode with the daemon's longer waits): exponential backoff with
 * full jitter, every retry signed afresh. Throttling and
 * PriorRequestNotComplete: R53_THROTTLE_ATTEMPTS attempts from
 * R53_THROTTLE_BASE_MS; HTTP 5xx, timeouts, connection errors and broken
 * responses: R53_TRANSIENT_ATTEMPTS from R53_TRANSIENT_BASE_MS. A
 * ChangeResourceRecordSets whose request reached the server but whose answer
 * was lost is never retried: it ends with R53_ERR_UNKNOWN_OUTCOME and the
 * caller lists the zone again and re-plans (a retried CREATE could fail
 * "already exists", a DELETE "not found"). One change batch per hosted zone is
 * in flight: a second one for the same zone waits in the queue until the first
 * is answered (Route 53 refuses it with PriorRequestNotComplete).
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

#include "config.h"
#include "aws/creds.h"
#include "aws/r53_op.h"
#include "aws/sigv4.h"
#include "base/err.h"
#include "base/loop.h"
#include "config/cfg.h"
#include "net/http_client.h"
#include "net/tls.h"

/* The client. Large (an http client with its buffers): make it static or
 * allocate it, and do not move it after r53_init. */
struct r53 {
	struct http_client http;
	struct tls_trust trust;
	struct proxy_conf proxy;    /* for the AWS APIs, never instance metadata */
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

	/* Counters: requests per API call, retries, throttled answers. */
	unsigned long calls[R53_API_COUNT];
	unsigned long retries, throttled;
};

/* Set up r for aws (endpoint, region, ca_file, rate, credentials): loads
 * the trust anchors and finds the static credentials (src/aws/creds); nothing
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

/* Queue op on r; op->done() is called exactly once, later, from the loop.
 * The op must stay in place until then. */
void r53_submit(struct r53 *r, struct r53_op *op);

/* Withdraw a submitted op without calling done() (its request, if on the
 * wire, is abandoned with the connection). Safe when op is not queued. */
void r53_cancel(struct r53 *r, struct r53_op *op);

/* 1 when op (any kind) has not ended: queued, waiting or on the wire. */
int r53_op_pending(const struct r53_op *op);

/* ---- pacing, public for the tests ------------------------------------------- */

/* Full-jitter backoff before retry number attempt (1 = the first retry):
 * rnd scaled into [0, min(cap_ms, base_ms * 2^(attempt-1))). */
int64_t r53_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint32_t rnd);

/* Token bucket: rate per second (0 = unlimited), burst tokens, starting
 * full at now_ms. */
void r53_bucket_init(struct r53_bucket *b, double rate, double burst, int64_t now_ms);

/* Take one token at now_ms: returns 0 when taken, else the milliseconds to
 * wait before one is there (nothing taken). */
int64_t r53_bucket_take(struct r53_bucket *b, int64_t now_ms);

#endif
