#include "aws/r53.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/log.h"
#include "base/rnd.h"
#include "base/str.h"

#define R53_DEFAULT_ENDPOINT "https://route53.amazonaws.com"
#define R53_DEFAULT_REGION "us-east-1"

/* ---- token bucket, backoff ------------------------------------------------------ */

void
r53_bucket_init(struct r53_bucket *b, double rate, double burst, int64_t now_ms)
{
	b->rate = rate > 0 ? rate : 0;
	b->burst = burst >= 1 ? burst : 1;
	b->tokens = b->burst;
	b->last_ms = now_ms;
}

int64_t
r53_bucket_take(struct r53_bucket *b, int64_t now_ms)
{
	double need;

	if (b->rate <= 0)
		return 0;
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * b->rate / 1000.0;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ms = now_ms;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	need = (1.0 - b->tokens) * 1000.0 / b->rate;
	return (int64_t)need + ((double)(int64_t)need < need ? 1 : 0);
}

int64_t
r53_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint32_t rnd)
{
	int64_t ceiling = base_ms;

	for (int i = 1; i < attempt && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	return (int64_t)(((uint64_t)rnd * (uint64_t)ceiling) >> 32);
}

/* ---- the client ------------------------------------------------------------------- */

static void pump(struct r53 *r);

static void
on_wake(struct loop_timer *t)
{
	pump(LOOP_CONTAINER_OF(t, struct r53, wake));
}

static void
on_creds(struct creds *c)
{
	struct r53 *r = c->user;

	r->waiting_creds = 0;
	pump(r);
}

/* A non-empty environment variable, or NULL. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int
r53_init(struct r53 *r, const struct cfg_aws *aws, struct err *e)
{
	struct http_client_opts o;
	double rate;
	/* The config wins; else the AWS SDKs' variables: the service-specific
	 * endpoint, the global one, and the CA bundle of the AWS CLI/SDKs. */
	const char *endpoint = aws->endpoint ? aws->endpoint : env("AWS_ENDPOINT_URL_ROUTE_53");
	const char *ca_file = aws->ca_file ? aws->ca_file : env("AWS_CA_BUNDLE");

	if (!endpoint)
		endpoint = env("AWS_ENDPOINT_URL");
	memset(r, 0, sizeof *r);
	r->now = NULL;
	r->wake.cb = on_wake;
	str_copy(r->region, sizeof r->region, aws->region ? aws->region : R53_DEFAULT_REGION);
	if (ca_file ? tls_trust_load_file(&r->trust, ca_file, e) < 0 :
	    tls_trust_add_builtin(&r->trust, e) < 0)
		return -1;
	if (sigv4_init(&r->signer, r->region, "route53", e) < 0)
		return -1;
	if (proxy_conf_init(&r->proxy, aws->proxy, e) < 0)
		return -1;
	http_client_opts_default(&o);
	o.trust = &r->trust;
	o.proxy = &r->proxy;
	if (http_client_init(&r->http, endpoint ? endpoint : R53_DEFAULT_ENDPOINT, &o, e) < 0)
		return -1;
	if (r->http.proxy)
		log_info("route53: through the proxy %s (%s)", r->http.proxy->url.hostport,
		    r->http.url.tls ? r->proxy.https_from : r->proxy.http_from);
	/* Over plain HTTP the key ID, every signed request (replayable for
	 * minutes) and a session token travel in clear: only for a test
	 * endpoint, and said so. */
	if (!r->http.url.tls && !aws->allow_http) {
		err_set(e, "the Route 53 endpoint %s is plain HTTP: AWS credentials would be "
		    "sent in clear; use https://, or set \"allow_http\": true in \"aws\" (for a "
		    "test endpoint only)", endpoint);
		return -1;
	}
	if (!r->http.url.tls)
		log_warn("route53: the endpoint %s is plain HTTP (allow_http): AWS credentials and "
		    "changes are sent in clear", endpoint);
	if (creds_init(&r->creds, aws, &r->trust, e) < 0)
		return -1;
	r->creds.ready = on_creds;
	r->creds.user = r;
	r->creds.proxy = &r->proxy;
	rate = aws->max_requests_per_second;
	r53_bucket_init(&r->bucket, rate, rate >= 1 ? (double)(long)rate : 1, loop_now());
	return 0;
}

static time_t
wall(const struct r53 *r)
{
	return r->now ? r->now() : time(NULL);
}

void
r53_set_clock(struct r53 *r, time_t (*now)(void))
{
	r->now = now;
	r->http.opt.now = now;
}

static void
unlink_op(struct r53 *r, struct r53_op *op)
{
	struct r53_op **pp, *prev = NULL;

	for (pp = &r->queue; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			if (r->queue_tail == op)
				r->queue_tail = prev;
			break;
		}
	}
	op->next = NULL;
}

static void
enqueue(struct r53 *r, struct r53_op *op, int64_t ready_at)
{
	op->ready_at = ready_at;
	op->next = NULL;
	if (r->queue_tail)
		r->queue_tail->next = op;
	else
		r->queue = op;
	r->queue_tail = op;
}

void
r53_free(struct r53 *r)
{
	loop_timer_cancel(&r->wake);
	while (r->queue) {
		struct r53_op *op = r->queue;

		unlink_op(r, op);
		op->queued = 0;
		r53_op_release(op);
	}
	if (r->active) {
		r->active->queued = 0;
		r53_op_release(r->active);
		r->active = NULL;
	}
	http_client_free(&r->http);
	creds_free(&r->creds); /* its STS client uses the proxy settings */
	proxy_conf_free(&r->proxy);
	tls_trust_free(&r->trust);
}

void
r53_submit(struct r53 *r, struct r53_op *op)
{
	op->r = r;
	op->queued = 1;
	op->started = 0;
	op->requests = 0;
	op->insync = 0;
	if (!op->err.set)
		op->status = R53_OK;
	op->code[0] = '\0';
	enqueue(r, op, 0);
	if (op->kind == R53_WAIT_CHANGE) {
		op->wait_start = loop_now();
		op->wait_delay = R53_WAIT_FIRST_MS;
		op->ready_at = op->wait_start + op->wait_delay;
	}
	/* done() must never run inside r53_submit: the loop calls pump. */
	loop_timer_in(&r->wake, 0);
}

void
r53_cancel(struct r53 *r, struct r53_op *op)
{
	if (!op->queued)
		return;
	if (r->active == op) {
		http_client_cancel(&r->http, &r->call);
		r->active = NULL;
		loop_timer_in(&r->wake, 0);
	} else {
		unlink_op(r, op);
	}
	op->queued = 0;
	r53_op_release(op);
}

int
r53_op_pending(const struct r53_op *op)
{
	return op->queued;
}

/* End op: status, message, done(). */
static void __attribute__((format(printf, 3, 4)))
finish(struct r53_op *op, enum r53_status st, const char *fmt, ...)
{
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		err_vset(&op->err, fmt, ap);
		va_end(ap);
	}
	op->status = st;
	op->queued = 0;
	r53_op_release(op);
	op->done(op);
}

/* First dispatch: the paging state and the body (r53_op_prepare).
 * Returns 0, or -1 after finishing the op. */
static int
prepare(struct r53_op *op)
{
	struct err e = { 0 };
	enum r53_status st;

	if (op->err.set) {
		finish(op, op->status != R53_OK ? op->status : R53_ERR_INVALID_INPUT, NULL);
		return -1;
	}
	if ((st = r53_op_prepare(op, &e)) != R53_OK) {
		finish(op, st, "%s", e.msg);
		return -1;
	}
	op->started = 1;
	return 0;
}

/* Is another change batch for op's zone running (sent, or backing off)? */
static int
zone_busy(const struct r53 *r, const struct r53_op *op)
{
	const struct r53_op *o;

	if (r->active && r->active != op && r->active->kind == R53_CHANGE &&
	    !strcmp(r->active->zone_id, op->zone_id))
		return 1;
	for (o = r->queue; o; o = o->next)
		if (o != op && o->kind == R53_CHANGE && o->started &&
		    !strcmp(o->zone_id, op->zone_id))
			return 1;
	return 0;
}

/* Fail every queued op: the credential chain has nothing. */
static void
fail_all_creds(struct r53 *r)
{
	struct r53_op *list = r->queue;

	r->queue = r->queue_tail = NULL;
	while (list) {
		struct r53_op *op = list;
		char what[128];

		list = op->next;
		op->next = NULL;
		finish(op, R53_ERR_CREDENTIALS, "%s: %s", r53_op_what(op, what, sizeof what),
		    r->creds.err.msg);
	}
}

static void on_http_done(struct http_call *call);

/* Build, sign and send op's next request. Returns 0, or -1 after
 * finishing the op. */
static int
send_request(struct r53 *r, struct r53_op *op, const struct sigv4_creds *sc, time_t t)
{
	struct http_request *req = &r->call.req;
	struct sigv4_request sr;
	struct err e = { 0 };
	const char *method = "GET";
	size_t nsh = 0;
	int rc;

	rc = r53_op_request(op, &method, r->path, sizeof r->path, r->query, sizeof r->query);
	if (rc < 0 || fmt_snprintf(r->target, sizeof r->target, "%s%s%s", r->path,
	    r->query[0] ? "?" : "", r->query) >= (int)sizeof r->target) {
		err_set(&e, "request too long");
		goto fail;
	}
	r->sh[nsh].name = "Host";
	r->sh[nsh++].value = r->http.url.hostport;
	if (op->body) {
		r->sh[nsh].name = "Content-Type";
		r->sh[nsh++].value = "application/xml";
	}
	sr.method = method;
	sr.path = r->path;
	sr.query = r->query;
	sr.headers = r->sh;
	sr.nheaders = nsh;
	sr.body = op->body ? op->body : "";
	sr.body_len = op->body ? op->body_len : 0;
	if (sigv4_sign(&r->signer, sc, t + r->skew, &sr, &r->sig, &e) < 0)
		goto fail;
	memset(&r->call, 0, sizeof r->call);
	req->method = method;
	req->target = r->target;
	req->body = op->body;
	req->body_len = op->body ? op->body_len : 0;
	if (op->body)
		http_request_add(req, "Content-Type", "application/xml");
	for (size_t i = 0; i < r->sig.nheaders; i++)
		http_request_add(req, r->sig.headers[i].name, r->sig.headers[i].value);
	r->call.done = on_http_done;
	r->api = r53_kind_api(op->kind);
	r->calls[r->api]++;
	op->requests++;
	r->active = op;
	log_debug("route53: %s %s", method, r->target);
	http_client_send(&r->http, &r->call);
	return 0;
fail:
	finish(op, R53_ERR_INVALID_INPUT, "%s: %s", r53_api_name(r53_kind_api(op->kind)), e.msg);
	return -1;
}

static void
pump(struct r53 *r)
{
	int64_t now, earliest, wait;
	struct r53_op *op;
	const struct sigv4_creds *sc;
	time_t t;

again:
	if (r->active || r->waiting_creds)
		return;
	now = loop_now();
	earliest = INT64_MAX;
	for (op = r->queue; op; op = op->next) {
		if (op->ready_at > now) {
			if (op->ready_at < earliest)
				earliest = op->ready_at;
			continue;
		}
		if (op->kind == R53_CHANGE && zone_busy(r, op))
			continue;
		break;
	}
	if (!op) {
		if (earliest == INT64_MAX)
			return;
		wait = earliest - now; /* now is still loop_now() */
		goto arm;
	}
	if (!op->started) {
		unlink_op(r, op);
		if (prepare(op) < 0)
			goto again;
		/* Back in its place at the head: it is the one to send. */
		op->next = r->queue;
		r->queue = op;
		if (!r->queue_tail)
			r->queue_tail = op;
	}
	t = wall(r);
	if (!tls_clock_ok(t)) {
		if (!r->clock_logged)
			log_warn("route53: the clock is not set (before this binary was built): "
			    "waiting for it before any AWS request");
		r->clock_logged = 1;
		wait = R53_CLOCK_POLL_MS;
		goto arm;
	}
	if (r->clock_logged) {
		log_info("route53: the clock is set now");
		r->clock_logged = 0;
	}
	if (!(sc = creds_get(&r->creds, t))) {
		if (r->creds.fetching) {
			r->waiting_creds = 1;
			return;
		}
		fail_all_creds(r);
		goto again;
	}
	if ((wait = r53_bucket_take(&r->bucket, now)) > 0)
		goto arm;
	unlink_op(r, op);
	if (send_request(r, op, sc, t) < 0)
		goto again;
	return;
arm:
	/* The one place that waits: the first op ready, the clock, the
	 * bucket. */
	loop_timer_in(&r->wake, wait);
}

/* Requeue op for another request at loop time when. */
static void
again_at(struct r53 *r, struct r53_op *op, int64_t when)
{
	enqueue(r, op, when);
	loop_timer_in(&r->wake, 0);
}

/* ---- answers ---------------------------------------------------------------------- */

/* The request's retry state after a failure of class cls; returns the
 * delay before the next attempt, or -1 when it is the last. */
static int64_t
retry_delay(struct r53 *r, struct r53_op *op, enum r53_retry cls)
{
	int throttle = cls == R53_RETRY_THROTTLE;
	int *tries = throttle ? &op->throttle_tries : &op->transient_tries;

	if (throttle)
		r->throttled++;
	if (++*tries >= (throttle ? R53_THROTTLE_ATTEMPTS : R53_TRANSIENT_ATTEMPTS))
		return -1;
	return r53_backoff_ms(*tries, throttle ? R53_THROTTLE_BASE_MS : R53_TRANSIENT_BASE_MS,
	    R53_BACKOFF_CAP_MS, rnd_u32());
}

/* After "Signature expired / not yet current": the server's Date gives the
 * offset. Returns 1 when it changed enough to explain the refusal. */
static int
correct_skew(struct r53 *r, const struct http_response *resp)
{
	const char *date = http_response_header(resp, "Date");
	time_t server, mine = wall(r);
	long skew;

	if (!date || http_date_parse(date, &server) < 0)
		return 0;
	skew = (long)(server - mine);
	if (labs(skew - r->skew) < 60)
		return 0;
	log_warn("route53: this clock is %ld s %s Route 53's: signing with that correction",
	    labs(skew), skew > 0 ? "behind" : "ahead of");
	r->skew = skew;
	return 1;
}

static void
on_http_done(struct http_call *call)
{
	struct r53 *r = LOOP_CONTAINER_OF(call, struct r53, call);
	struct r53_op *op = r->active;
	struct http_response *resp = call->resp;
	struct err e = { 0 };
	enum r53_retry cls;
	enum r53_status st = R53_ERR_TRANSPORT;
	const char *msg;
	char what[128];
	int64_t delay;
	int rc, late = 0;

	r->active = NULL;
	r53_op_what(op, what, sizeof what);
	if (call->error == HTTP_OK && resp->status >= 200 && resp->status < 300) {
		rc = r53_op_answer(op, resp->body.data, resp->body.len, &e);
		if (rc > 0 && op->kind == R53_WAIT_CHANGE &&
		    loop_now() - op->wait_start >= R53_WAIT_TOTAL_MS) {
			err_set(&e, "change %s still PENDING after %d s", op->change_id,
			    R53_WAIT_TOTAL_MS / 1000);
			late = 1;
			rc = -1;
		}
		op->throttle_tries = op->transient_tries = 0;
		if (rc > 0) {
			/* Next page at once; next poll after the delay. */
			int64_t when = 0;

			if (op->kind == R53_WAIT_CHANGE) {
				op->wait_delay = op->wait_delay * 2 > R53_WAIT_MAX_DELAY_MS ?
				    R53_WAIT_MAX_DELAY_MS : op->wait_delay * 2;
				when = loop_now() + op->wait_delay;
			}
			again_at(r, op, when);
		} else if (rc == 0) {
			finish(op, R53_OK, NULL);
		} else {
			finish(op, late ? R53_ERR_TIMEOUT : R53_ERR_PROTOCOL, "%s: %s", what, e.msg);
		}
		pump(r);
		return;
	}
	msg = NULL;
	if (call->error == HTTP_OK) {
		st = r53_parse_error(op, resp->status, resp->body.data, resp->body.len);
		msg = op->nmessages ? op->messages[0] : NULL;
	} else {
		op->code[0] = '\0';
	}
	cls = r53_retry_class(call->error, call->sent, op->kind == R53_CHANGE,
	    call->error == HTTP_OK ? resp->status : 0, op->code, msg);
	delay = -1;
	switch (cls) {
	case R53_RETRY_CLOCK:
		delay = R53_CLOCK_POLL_MS;
		break;
	case R53_RETRY_SKEW:
		if (!op->skew_fixed && correct_skew(r, resp)) {
			op->skew_fixed = 1;
			delay = 0;
		}
		break;
	case R53_RETRY_CREDS:
		if (!op->creds_refreshed) {
			log_info("route53: %s: the session token expired, getting new credentials",
			    what);
			creds_expired(&r->creds);
			op->creds_refreshed = 1;
			delay = 0;
		}
		break;
	case R53_RETRY_THROTTLE:
	case R53_RETRY_TRANSIENT:
		delay = retry_delay(r, op, cls);
		if (delay >= 0)
			log_debug("route53: %s: %s, retrying in %lld ms", what,
			    call->error == HTTP_OK ? op->code : call->err.msg, (long long)delay);
		break;
	default:
		break;
	}
	if (delay >= 0) {
		r->retries++;
		r53_op_clear_messages(op);
		again_at(r, op, loop_now() + delay);
		pump(r);
		return;
	}
	if (cls == R53_RETRY_UNKNOWN) {
		finish(op, R53_ERR_UNKNOWN_OUTCOME, "%s: the answer was lost after the request was "
		    "sent (%s): the change may have been applied", what, call->err.msg);
	} else {
		/* A transport error (st R53_ERR_TRANSPORT, msg NULL): its
		 * message; else the code, the first message and how many
		 * more. */
		const char *code = op->code;
		int exhausted = cls == R53_RETRY_THROTTLE || cls == R53_RETRY_TRANSIENT;
		char more[48] = "";

		if (call->error != HTTP_OK) {
			code = call->err.msg;
			exhausted = op->requests > 1;
		} else {
			if (cls == R53_RETRY_THROTTLE)
				st = R53_ERR_THROTTLED;
			if (op->nmessages > 1)
				fmt_snprintf(more, sizeof more, " (and %zu more)", op->nmessages - 1);
		}
		finish(op, st, "%s: %s%s%s%s%s", what, code, msg ? ": " : "", msg ? msg : "", more,
		    exhausted ? " (retries exhausted)" : "");
	}
	pump(r);
}
