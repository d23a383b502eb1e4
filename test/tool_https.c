/*
 * Test driver for the AWS transport: runs requests through src/net/http (with
 * src/net/tls and src/aws/sigv4) on the poll loop, or resolves names with
 * src/net/resolve, and prints one line per result for the integration tests
 * (test/it_https.py, test/it_resolve.py).
 *
 *   tool_https [options] URL REQUEST...
 *     REQUEST  METHOD:TARGET[:BODY]   e.g. GET:/2013-04-01/hostedzone?maxitems=1
 *              sleep:MS               wait before the next request
 *              disconnect             drop the idle connection
 *     --ca FILE          trust anchors from a PEM bundle (default: compiled in)
 *     --akid ID --secret KEY [--token T]   sign with SigV4 (us-east-1/route53)
 *     --region R --service S
 *     --clock EPOCH      the wall clock says this (for "clock not set")
 *     --timeout MS --connect-timeout MS --idle-timeout MS --body-max N
 *     --hosts FILE --resolv FILE   name resolution files
 *     --queue            submit every request at once (they share the queue)
 *
 *   tool_https [--hosts FILE] [--resolv FILE] --resolve NAME...   (in turn)
 *     NAME may be "port=N": the port of the names after it (443 before)
 *
 * Output: "result N status=S error=E attempts=A sent=0|1 len=L" then
 * "message M" when failed and "body B" (first 300 bytes, one line), and at
 * the end "connects=C requests=R resumed=S". Secrets are never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/http_client.h"
#include "base/loop.h"
#include "net/resolve.h"
#include "aws/sigv4.h"
#include "net/tls.h"

static const char *const error_names[] = { "OK", "CLOCK", "RESOLVE", "CONNECT", "TLS",
	"TIMEOUT", "IO", "PROTOCOL", "TOO_LARGE", "REQUEST" };

struct job {
	struct http_call call;
	int index;
	char method[16];
	char target[2048];
	const char *body;
	int sleep_ms;         /* sleep:MS */
	int disconnect;
	struct sigv4_signature sig;
	struct sigv4_header sh[4];
};

static struct http_client client;
static struct sigv4_signer signer;
static struct sigv4_creds creds;
static int sign, queue_all, failures, resolve_port = 443;
static time_t fixed_clock;
static struct job *jobs;
static int njobs, next_job;
static struct loop_timer sleeper;

static time_t
tool_clock(void)
{
	return fixed_clock;
}

static void run_next(void);

static void
print_line(const char *label, const char *s, size_t n)
{
	printf("%s ", label);
	for (size_t i = 0; i < n && i < 300; i++)
		putchar(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
	putchar('\n');
}

static void
call_done(struct http_call *call)
{
	struct job *j = LOOP_CONTAINER_OF(call, struct job, call);

	printf("result %d status=%d error=%s attempts=%d sent=%d len=%zu\n", j->index,
	    call->resp ? call->resp->status : 0, error_names[call->error], call->attempts,
	    call->sent, call->resp ? call->resp->body.len : 0);
	if (call->error != HTTP_OK) {
		failures++;
		print_line("message", call->err.msg, strlen(call->err.msg));
	} else {
		print_line("body", call->resp->body.data, call->resp->body.len);
	}
	fflush(stdout);
	if (!queue_all)
		run_next();
}

/* Build, sign and queue job j. */
static void
submit(struct job *j)
{
	struct http_request *r = &j->call.req;
	struct err e = { 0 };
	char *q = strchr(j->target, '?');

	memset(&j->call, 0, sizeof j->call);
	r->method = j->method;
	r->target = j->target;
	r->body = j->body;
	r->body_len = j->body ? strlen(j->body) : 0;
	j->call.done = call_done;
	if (j->body)
		http_request_add(r, "Content-Type", "application/xml");
	if (sign) {
		struct sigv4_request sr;
		char path[2048];
		size_t n = 0;

		path[0] = '\0';
		snprintf(path, sizeof path, "%.*s", q ? (int)(q - j->target) : (int)strlen(j->target),
		    j->target);
		j->sh[n].name = "Host";
		j->sh[n++].value = client.url.hostport;
		if (j->body) {
			j->sh[n].name = "Content-Type";
			j->sh[n++].value = "application/xml";
		}
		sr.method = j->method;
		sr.path = path;
		sr.query = q ? q + 1 : NULL;
		sr.headers = j->sh;
		sr.nheaders = n;
		sr.body = r->body ? r->body : "";
		sr.body_len = r->body_len;
		if (sigv4_sign(&signer, &creds, fixed_clock ? fixed_clock : time(NULL), &sr, &j->sig,
		    &e) < 0) {
			fprintf(stderr, "tool_https: %s\n", e.msg);
			exit(2);
		}
		for (size_t i = 0; i < j->sig.nheaders; i++)
			http_request_add(r, j->sig.headers[i].name, j->sig.headers[i].value);
	}
	http_client_send(&client, &j->call);
}

static void
on_sleep(struct loop_timer *t)
{
	(void)t;
	run_next();
}

static void
run_next(void)
{
	while (next_job < njobs) {
		struct job *j = &jobs[next_job++];

		if (j->sleep_ms) {
			loop_timer_in(&sleeper, j->sleep_ms);
			return;
		}
		if (j->disconnect) {
			http_client_disconnect(&client);
			continue;
		}
		submit(j);
		if (!queue_all)
			return;
	}
}

static int
parse_job(struct job *j, const char *spec, int index)
{
	const char *c1 = strchr(spec, ':'), *c2;

	memset(j, 0, sizeof *j);
	j->index = index;
	if (!strncmp(spec, "sleep:", 6)) {
		j->sleep_ms = atoi(spec + 6);
		return j->sleep_ms > 0 ? 0 : -1;
	}
	if (!strcmp(spec, "disconnect")) {
		j->disconnect = 1;
		return 0;
	}
	if (!c1 || (size_t)(c1 - spec) >= sizeof j->method)
		return -1;
	memcpy(j->method, spec, (size_t)(c1 - spec));
	c2 = strchr(c1 + 1, ':');
	snprintf(j->target, sizeof j->target, "%.*s", c2 ? (int)(c2 - c1 - 1) : (int)strlen(c1 + 1),
	    c1 + 1);
	j->body = c2 ? c2 + 1 : NULL;
	return 0;
}

static void
resolved(struct resolve_query *q)
{
	char buf[NET_ADDR_STRLEN];

	printf("resolve %s", q->host);
	if (!q->naddrs) {
		printf(" error: %s\n", q->err.msg);
		failures++;
	}
	for (size_t i = 0; i < q->naddrs; i++)
		printf(" %s", net_addr_ip_str(&q->addrs[i], buf, sizeof buf));
	/* Every address must carry the port it was resolved for. */
	for (size_t i = 0; i < q->naddrs; i++)
		if (net_addr_port(&q->addrs[i]) != resolve_port) {
			printf(" (port %d, asked for %d)", net_addr_port(&q->addrs[i]), resolve_port);
			break;
		}
	if (q->naddrs)
		printf("\n");
	fflush(stdout);
}

static int
usage(void)
{
	fprintf(stderr, "usage: tool_https [options] URL REQUEST... | --resolve NAME...\n");
	return 64;
}

int
main(int argc, char **argv)
{
	struct http_client_opts o;
	struct tls_trust trust = { 0 };
	struct err e = { 0 };
	const char *ca = NULL, *region = "us-east-1", *service = "route53";
	int i, resolve_mode = 0;

	http_client_opts_default(&o);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--queue")) {
			queue_all = 1;
			continue;
		}
		if (!strcmp(a, "--resolve")) {
			resolve_mode = 1;
			i++;
			break;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--ca"))
			ca = v;
		else if (!strcmp(a, "--akid"))
			creds.access_key = v, sign = 1;
		else if (!strcmp(a, "--secret"))
			creds.secret = v;
		else if (!strcmp(a, "--token"))
			creds.token = v;
		else if (!strcmp(a, "--region"))
			region = v;
		else if (!strcmp(a, "--service"))
			service = v;
		else if (!strcmp(a, "--clock"))
			fixed_clock = (time_t)atoll(v), o.now = tool_clock;
		else if (!strcmp(a, "--timeout"))
			o.total_timeout_ms = atoi(v);
		else if (!strcmp(a, "--connect-timeout"))
			o.connect_timeout_ms = atoi(v);
		else if (!strcmp(a, "--idle-timeout"))
			o.idle_timeout_ms = atoi(v);
		else if (!strcmp(a, "--body-max"))
			o.body_max = (size_t)atol(v);
		else if (!strcmp(a, "--hosts"))
			o.hosts = v;
		else if (!strcmp(a, "--resolv"))
			o.resolv_conf = v;
		else
			return usage();
	}
	if (resolve_mode) {
		/* One after another, so a later name can come from the cache. */
		for (; i < argc; i++) {
			struct resolve_query q = { 0 };

			if (!strncmp(argv[i], "port=", 5)) {
				resolve_port = atoi(argv[i] + 5);
				continue;
			}
			q.done = resolved;
			resolve_start(&q, argv[i], resolve_port, o.hosts, o.resolv_conf);
			while (q.active && loop_once(-1) > 0)
				;
		}
		return failures ? 1 : 0;
	}
	if (argc - i < 2)
		return usage();
	if (ca ? tls_trust_load_file(&trust, ca, &e) < 0 : tls_trust_add_builtin(&trust, &e) < 0) {
		fprintf(stderr, "tool_https: %s\n", e.msg);
		return 2;
	}
	o.trust = &trust;
	if (http_client_init(&client, argv[i], &o, &e) < 0 ||
	    (sign && sigv4_init(&signer, region, service, &e) < 0)) {
		fprintf(stderr, "tool_https: %s\n", e.msg);
		return 2;
	}
	i++;
	njobs = argc - i;
	jobs = calloc((size_t)njobs, sizeof *jobs);
	for (int k = 0; k < njobs; k++)
		if (parse_job(&jobs[k], argv[i + k], k) < 0)
			return usage();
	sleeper.cb = on_sleep;
	run_next();
	/* Ends when no call, timer or connection is left. */
	while (loop_once(-1) > 0 && (client.active || client.head || next_job < njobs ||
	    sleeper.armed))
		;
	printf("connects=%lu requests=%lu resumed=%lu\n", client.connects, client.requests,
	    client.resumed);
	http_client_free(&client);
	tls_trust_free(&trust);
	free(jobs);
	return failures ? 1 : 0;
}
