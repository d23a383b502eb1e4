#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "cJSON.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/log.h"
#include "base/net.h"
#include "base/secret.h"
#include "base/num.h"

/* ---- small helpers ------------------------------------------------------------ */

static void
value_wipe(struct creds_value *v)
{
	secret_wipe(v, sizeof *v);
}

/* Copy s[0..n) into dst[cap] (NUL-terminated); the message names the field,
 * never its value. */
static int
put_field(char *dst, size_t cap, const char *s, size_t n, const char *field, struct err *e)
{
	if (n >= cap)
		return err_set(e, "%s longer than %zu characters", field, cap - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return err_set(e, "%s has a space or control character", field);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

const char *
creds_source_name(enum creds_source s)
{
	switch (s) {
	case CREDS_CONFIG:
		return "notify53 config";
	case CREDS_ENV:
		return "environment";
	case CREDS_SHARED_FILE:
		return "shared credentials file";
	case CREDS_CONFIG_FILE:
		return "AWS config file";
	case CREDS_ECS:
		return "container credentials";
	case CREDS_IMDS:
		return "EC2 instance metadata";
	default:
		return "none";
	}
}

/* ---- file modes ----------------------------------------------------------------- */

/* Paths already warned about (a handful at most: two files per chain). */
static char warned[4][CREDS_MAX_PATH];

void
creds_check_mode(const char *path)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) < 0 || !(st.st_mode & (S_IRGRP | S_IROTH)))
		return;
	for (i = 0; i < sizeof warned / sizeof warned[0] && warned[i][0]; i++)
		if (!strcmp(warned[i], path))
			return;
	if (i < sizeof warned / sizeof warned[0])
		snprintf(warned[i], sizeof warned[i], "%s", path);
	log_warn("%s holds AWS secrets and is readable by group or others (chmod 600 it)", path);
}

/* ---- INI files --------------------------------------------------------------------- */

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *
trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end;
}

/* Does the section header text h[0..n) name profile? */
static int
section_is(const char *h, size_t n, const char *profile, int config_file)
{
	size_t pl = strlen(profile);

	if (config_file && n > 8 && !strncmp(h, "profile", 7) && (h[7] == ' ' || h[7] == '\t')) {
		const char *p = skip_blank(h + 7, h + n);

		return (size_t)(h + n - p) == pl && !memcmp(p, profile, pl);
	}
	/* The config file names the default profile [default] (botocore also
	 * accepts [profile default], handled above). */
	if (config_file && strcmp(profile, "default"))
		return 0;
	return n == pl && !memcmp(h, profile, pl);
}

int
creds_ini_find(const char *text, size_t len, const char *profile, int config_file,
	struct creds_value *v, int *section_found, struct err *e)
{
	const char *p = text, *end = text + len;
	int in = 0, have_id = 0, have_secret = 0;

	memset(v, 0, sizeof *v);
	*section_found = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s, *t, *eq;
		const char *next = nl ? nl + 1 : end;

		/* Indented lines continue a nested value (botocore's parser):
		 * none of ours. */
		if (p < le && (*p == ' ' || *p == '\t')) {
			p = next;
			continue;
		}
		s = p;
		t = trim_end(s, le);
		p = next;
		if (s == t || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *h, *he;

			if (t[-1] != ']')
				continue;
			h = skip_blank(s + 1, t - 1);
			he = trim_end(h, t - 1);
			in = section_is(h, (size_t)(he - h), profile, config_file);
			if (in)
				*section_found = 1;
			continue;
		}
		if (!in || !(eq = memchr(s, '=', (size_t)(t - s))))
			continue;
		{
			const char *k = s, *ke = trim_end(s, eq), *val = skip_blank(eq + 1, t);
			size_t kn = (size_t)(ke - k), vn = (size_t)(t - val);
			int rc = 0;

			if (kn == 17 && !strncasecmp(k, "aws_access_key_id", kn)) {
				rc = put_field(v->access_key, sizeof v->access_key, val, vn,
				    "aws_access_key_id", e);
				have_id = vn > 0;
			} else if (kn == 21 && !strncasecmp(k, "aws_secret_access_key", kn)) {
				rc = put_field(v->secret, sizeof v->secret, val, vn,
				    "aws_secret_access_key", e);
				have_secret = vn > 0;
			} else if ((kn == 17 && !strncasecmp(k, "aws_session_token", kn)) ||
			    (kn == 18 && !strncasecmp(k, "aws_security_token", kn))) {
				rc = put_field(v->token, sizeof v->token, val, vn,
				    "aws_session_token", e);
			}
			if (rc < 0) {
				value_wipe(v);
				return -1;
			}
		}
	}
	if (have_id && have_secret)
		return 1;
	if (have_id || have_secret) {
		value_wipe(v);
		return err_set(e, "profile %s has %s but no %s", profile,
		    have_id ? "aws_access_key_id" : "aws_secret_access_key",
		    have_id ? "aws_secret_access_key" : "aws_access_key_id");
	}
	value_wipe(v);
	return 0;
}

/* Read a whole small file (at most CREDS_MAX_FILE bytes) into a heap
 * buffer, NUL-terminated. Returns 0, 1 when it does not exist (skipped by
 * the chain), or -1 with e set. */
static int
read_small_file(const char *path, char **out, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "r");
	char chunk[1024];
	struct buf b;
	size_t got;
	int bad;

	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? 1 :
		    err_set(e, "%s: %s", path, strerror(errno));
	buf_init(&b, CREDS_MAX_FILE);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && buf_put(&b, chunk, got) == 0)
		;
	secret_wipe(chunk, sizeof chunk);
	bad = ferror(f);
	fclose(f);
	if (!b.failed && !bad && buf_reserve(&b, 0) == 0) {
		*len = b.len;
		*out = buf_take(&b);
		return 0;
	}
	if (b.failed == BUF_TOO_LARGE)
		err_set(e, "%s: larger than %d bytes", path, CREDS_MAX_FILE);
	else
		err_set(e, "%s: %s", path, bad ? "read error" : "out of memory");
	buf_free(&b);
	return -1;
}

/* Look profile up in the file at path. Returns 1 (keys in v), 0, or -1. */
static int
file_lookup(struct creds *c, const char *path, int config_file, struct creds_value *v,
	int *found, struct err *e)
{
	char *text;
	size_t len;
	int rc = read_small_file(path, &text, &len, e);

	*found = 0;
	if (rc)
		return rc > 0 ? 0 : -1;
	rc = creds_ini_find(text, len, c->profile, config_file, v, found, e);
	secret_wipe(text, len);
	free(text);
	if (rc < 0) {
		struct err e2 = { 0 };

		err_set(&e2, "%s: %s", path, e->msg);
		*e = e2;
	}
	if (rc > 0)
		creds_check_mode(path);
	return rc;
}

/* ---- JSON and times ----------------------------------------------------------- */

/* The n digits at s, already checked to be digits. */
static int
digits(const char *s, size_t n)
{
	uint64_t v = 0;

	num_parse_n(s, n, 9999, &v);
	return (int)v;
}

int
creds_parse_time(const char *s, time_t *t)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
	struct date tm;
	int off = 0;
	long long secs;

	for (size_t i = 0; i < sizeof pattern - 1; i++)
		if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    (s[i] != pattern[i] && !(pattern[i] == 'T' && (s[i] == 't' || s[i] == ' '))))
			return -1;
	tm.year = digits(s, 4);
	tm.month = digits(s + 5, 2);
	tm.day = digits(s + 8, 2);
	tm.hour = digits(s + 11, 2);
	tm.min = digits(s + 14, 2);
	tm.sec = digits(s + 17, 2);
	s += sizeof pattern - 1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int hh, mm;

		if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) || s[3] != ':' ||
		    !isdigit((unsigned char)s[4]) || !isdigit((unsigned char)s[5]))
			return -1;
		hh = digits(s + 1, 2);
		mm = digits(s + 4, 2);
		if (hh > 23 || mm > 59)
			return -1;
		off = (hh * 60 + mm) * 60 * (*s == '+' ? 1 : -1);
		s += 6;
	} else {
		return -1;
	}
	if (*s || tm.month < 1 || tm.month > 12 || tm.day < 1 || tm.day > 31 || tm.hour > 23 ||
	    tm.min > 59 || tm.sec > 60 || tm.year < 1970)
		return -1;
	secs = date_secs(&tm) - off;
	/* A 32-bit time_t (glibc on MIPS/ARM) cannot hold 2038 and later: such an
	 * expiration is beyond anything this process will see, so it is the
	 * latest representable time rather than an error. */
	if ((long long)(time_t)secs != secs)
		secs = sizeof(time_t) >= sizeof(long long) ? secs :
		    (long long)(((unsigned long long)1 << (sizeof(time_t) * 8 - 1)) - 1);
	*t = (time_t)secs;
	return 0;
}

static const char *
json_str(const cJSON *root, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
creds_parse_json(const char *json, size_t len, struct creds_value *v, struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const char *code, *id, *secret, *token, *exp;
	int rc = -1;

	memset(v, 0, sizeof *v);
	if (!root || !cJSON_IsObject(root)) {
		err_set(e, "credentials answer is not a JSON object");
		goto out;
	}
	code = json_str(root, "Code");
	id = json_str(root, "AccessKeyId");
	secret = json_str(root, "SecretAccessKey");
	token = json_str(root, "Token");
	exp = json_str(root, "Expiration");
	if (code && strcmp(code, "Success")) {
		/* The code is Amazon's text, not a secret; keep it short. */
		err_set(e, "credentials answer says Code \"%.40s\"", code);
		goto out;
	}
	if (!id || !*id || !secret || !*secret) {
		err_set(e, "credentials answer has no AccessKeyId or SecretAccessKey");
		goto out;
	}
	if (put_field(v->access_key, sizeof v->access_key, id, strlen(id), "AccessKeyId", e) < 0 ||
	    put_field(v->secret, sizeof v->secret, secret, strlen(secret), "SecretAccessKey",
	    e) < 0 ||
	    (token && put_field(v->token, sizeof v->token, token, strlen(token), "Token", e) < 0))
		goto out;
	if (exp && creds_parse_time(exp, &v->expiration) < 0) {
		err_set(e, "credentials answer has a bad Expiration \"%.40s\"", exp);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		value_wipe(v);
	if (root) {
		/* cJSON keeps copies of the strings: wipe them before freeing. */
		secret_wipe_json(root);
		cJSON_Delete(root);
	}
	return rc;
}

enum creds_refresh
creds_refresh_state(time_t expiration, time_t now)
{
	if (!expiration)
		return CREDS_FRESH;
	if (now >= expiration - CREDS_MANDATORY_S)
		return CREDS_MANDATORY;
	if (now >= expiration - CREDS_ADVISORY_S)
		return CREDS_ADVISORY;
	return CREDS_FRESH;
}

/* ---- container URIs ----------------------------------------------------------- */

/* Plain http is allowed to these only (botocore's container provider):
 * loopback, the ECS and EKS Pod Identity agent addresses. */
static int
ecs_host_allowed(const struct http_url *u)
{
	static const char *const ok_ips[] = { "169.254.170.2", "169.254.170.23", "fd00:ec2::23" };
	struct net_addr a;

	if (!strcasecmp(u->host, "localhost"))
		return 1;
	if (!u->host_is_ip || net_addr_parse(&a, u->host, 80) < 0)
		return 0;
	if (a.ss.ss_family == AF_INET) {
		const unsigned char *ip = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)&a.ss)->sin_addr;

		if (ip[0] == 127)
			return 1;
	} else if (!strcmp(u->host, "::1")) {
		return 1;
	}
	for (size_t i = 0; i < sizeof ok_ips / sizeof ok_ips[0]; i++) {
		struct net_addr b;

		if (net_addr_parse(&b, ok_ips[i], 80) == 0 && net_addr_same_ip(&a, &b))
			return 1;
	}
	return 0;
}

int
creds_ecs_uri(const char *uri, char *endpoint, size_t ecap, char *path, size_t pcap,
	struct err *e)
{
	const char *hs = strstr(uri, "://"), *slash;
	struct http_url u;
	struct err ue = { 0 };
	size_t n;

	if (!hs)
		return err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
	slash = strchr(hs + 3, '/');
	n = slash ? (size_t)(slash - uri) : strlen(uri);
	if (n >= ecap || strlen(slash ? slash : "/") >= pcap)
		return err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI is too long");
	memcpy(endpoint, uri, n);
	endpoint[n] = '\0';
	snprintf(path, pcap, "%s", slash ? slash : "/");
	if (http_url_parse(&u, endpoint, &ue) < 0)
		return err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI: %s", ue.msg);
	if (!u.tls && !ecs_host_allowed(&u))
		return err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http only to a "
		    "loopback address, 169.254.170.2 or 169.254.170.23, not %s", u.host);
	return 0;
}

/* ---- the chain -------------------------------------------------------------------- */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Path of ~/.aws/NAME, or "" without HOME. */
static void
home_file(char *buf, size_t cap, const char *name)
{
	const char *home = env("HOME");

	if (!home || snprintf(buf, cap, "%s/.aws/%s", home, name) >= (int)cap)
		buf[0] = '\0';
}

/* Keys from a pair of strings (config or environment). */
static int
set_pair(struct creds_value *v, const char *id, const char *secret, const char *token,
	const char *what, struct err *e)
{
	char field[64];

	memset(v, 0, sizeof *v);
	snprintf(field, sizeof field, "%s access key ID", what);
	if (put_field(v->access_key, sizeof v->access_key, id, strlen(id), field, e) < 0)
		return -1;
	snprintf(field, sizeof field, "%s secret access key", what);
	if (put_field(v->secret, sizeof v->secret, secret, strlen(secret), field, e) < 0)
		return -1;
	snprintf(field, sizeof field, "%s session token", what);
	if (token && put_field(v->token, sizeof v->token, token, strlen(token), field, e) < 0)
		return -1;
	return 0;
}

static void
use(struct creds *c, const struct creds_value *v, enum creds_source src)
{
	value_wipe(&c->cur);
	c->cur = *v;
	c->have = 1;
	c->source = src;
	c->sig.access_key = c->cur.access_key;
	c->sig.secret = c->cur.secret;
	c->sig.token = c->cur.token[0] ? c->cur.token : NULL;
	err_clear(&c->err);
}

/* Source 3 or 4 from the file at path ("" = none). Returns 1 with c->cur
 * set, 0, or -1. */
static int
file_source(struct creds *c, const char *path, enum creds_source src, int *found,
	struct err *e)
{
	struct creds_value v;
	int rc;

	*found = 0;
	if (!path[0] || (rc = file_lookup(c, path, src == CREDS_CONFIG_FILE, &v, found, e)) == 0)
		return 0;
	if (rc < 0)
		return -1;
	use(c, &v, src);
	value_wipe(&v);
	snprintf(c->where, sizeof c->where, "profile %s in %s", c->profile, path);
	return 1;
}

/* Sources 1-4. Returns 1 with c->cur set, 0 when none has keys, -1. */
static int
load_static(struct creds *c, struct err *e)
{
	struct creds_value v;
	const char *id = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
	char shared[CREDS_MAX_PATH], config[CREDS_MAX_PATH];
	int found_shared = 0, found_config = 0, rc;

	if (c->have_config_keys) {
		use(c, &c->config_keys, CREDS_CONFIG);
		snprintf(c->where, sizeof c->where, "notify53 config");
		return 1;
	}
	if (id && secret) {
		const char *token = env("AWS_SESSION_TOKEN");

		if (!token)
			token = env("AWS_SECURITY_TOKEN");
		if (set_pair(&v, id, secret, token, "AWS_*", e) < 0)
			return -1;
		use(c, &v, CREDS_ENV);
		value_wipe(&v);
		snprintf(c->where, sizeof c->where, "environment");
		return 1;
	}
	if (id || secret)
		return err_set(e, "%s is set but %s is not", id ? "AWS_ACCESS_KEY_ID" :
		    "AWS_SECRET_ACCESS_KEY", id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (c->credentials_file[0])
		snprintf(shared, sizeof shared, "%s", c->credentials_file);
	else if (env("AWS_SHARED_CREDENTIALS_FILE"))
		snprintf(shared, sizeof shared, "%s", env("AWS_SHARED_CREDENTIALS_FILE"));
	else
		home_file(shared, sizeof shared, "credentials");
	if ((rc = file_source(c, shared, CREDS_SHARED_FILE, &found_shared, e)) != 0)
		return rc;
	if (env("AWS_CONFIG_FILE"))
		snprintf(config, sizeof config, "%s", env("AWS_CONFIG_FILE"));
	else
		home_file(config, sizeof config, "config");
	if ((rc = file_source(c, config, CREDS_CONFIG_FILE, &found_config, e)) != 0)
		return rc;
	if (c->profile_explicit)
		return err_set(e, found_shared || found_config ?
		    "AWS profile %s has no aws_access_key_id and aws_secret_access_key (assume-role, "
		    "SSO and credential_process profiles are not supported)" :
		    "AWS profile %s not found in the shared credentials or config file", c->profile);
	return 0;
}

/* Choose source 5 or 6 for later. Returns 0 or -1. */
static int
choose_dynamic(struct creds *c, struct err *e)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *imds = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *off = env("AWS_EC2_METADATA_DISABLED");

	c->dynamic = CREDS_NONE;
	if (rel) {
		if (rel[0] != '/' || strlen(rel) >= sizeof c->path)
			return err_set(e, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path");
		snprintf(c->endpoint, sizeof c->endpoint, "http://169.254.170.2");
		snprintf(c->path, sizeof c->path, "%s", rel);
		c->dynamic = CREDS_ECS;
		return 0;
	}
	if (full) {
		if (creds_ecs_uri(full, c->endpoint, sizeof c->endpoint, c->path, sizeof c->path,
		    e) < 0)
			return -1;
		c->dynamic = CREDS_ECS;
		return 0;
	}
	if (off && !strcasecmp(off, "true")) {
		err_set(&c->err, "no AWS credentials: set aws.access_key_id and "
		    "aws.secret_access_key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
		    "profile %s in ~/.aws/credentials (instance metadata is disabled)", c->profile);
		return 0;
	}
	snprintf(c->endpoint, sizeof c->endpoint, "%s", imds ? imds : "http://169.254.169.254");
	/* A trailing slash is common in that variable; the paths add their own. */
	if (strlen(c->endpoint) > 8 && c->endpoint[strlen(c->endpoint) - 1] == '/')
		c->endpoint[strlen(c->endpoint) - 1] = '\0';
	c->dynamic = CREDS_IMDS;
	return 0;
}

int
creds_init(struct creds *c, const struct cfg_aws *aws, const struct tls_trust *trust,
	struct err *e)
{
	const char *profile;
	int rc;

	memset(c, 0, sizeof *c);
	c->trust = trust;
	profile = aws->profile ? aws->profile : env("AWS_PROFILE");
	c->profile_explicit = profile != NULL;
	if (snprintf(c->profile, sizeof c->profile, "%s", profile ? profile : "default") >=
	    (int)sizeof c->profile)
		return err_set(e, "AWS profile name too long");
	if (aws->credentials_file && snprintf(c->credentials_file, sizeof c->credentials_file,
	    "%s", aws->credentials_file) >= (int)sizeof c->credentials_file)
		return err_set(e, "aws.credentials_file: path too long");
	if (aws->access_key_id || aws->secret_access_key) {
		if (!aws->access_key_id || !aws->secret_access_key)
			return err_set(e, "aws.access_key_id and aws.secret_access_key go together");
		if (set_pair(&c->config_keys, aws->access_key_id, aws->secret_access_key,
		    aws->session_token, "aws", e) < 0)
			return -1;
		c->have_config_keys = 1;
	}
	if ((rc = load_static(c, e)) < 0)
		return -1;
	if (rc > 0) {
		log_debug("AWS credentials: key %s from %s", c->cur.access_key, c->where);
		return 0;
	}
	return choose_dynamic(c, e);
}

/* ---- fetching (ECS, IMDS) ------------------------------------------------------ */

enum {
	STEP_ECS,
	STEP_IMDS_TOKEN,
	STEP_IMDS_ROLE,
	STEP_IMDS_CREDS
};

static void fetch_done(struct http_call *call);

/* Queue the request of the current step. Returns 0 or -1 with c->err. */
static int
send_step(struct creds *c)
{
	struct http_request *r = &c->call.req;

	memset(&c->call, 0, sizeof c->call);
	c->call.done = fetch_done;
	r->method = "GET";
	switch (c->step) {
	case STEP_ECS:
		snprintf(c->target, sizeof c->target, "%s", c->path);
		if (c->auth[0])
			http_request_add(r, "Authorization", c->auth);
		break;
	case STEP_IMDS_TOKEN:
		r->method = "PUT";
		snprintf(c->target, sizeof c->target, "/latest/api/token");
		http_request_add(r, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
		break;
	case STEP_IMDS_ROLE:
		snprintf(c->target, sizeof c->target, "/latest/meta-data/iam/security-credentials/");
		http_request_add(r, "X-aws-ec2-metadata-token", c->imds_token);
		break;
	default:
		if (snprintf(c->target, sizeof c->target,
		    "/latest/meta-data/iam/security-credentials/%s", c->role) >= (int)sizeof c->target)
			return err_set(&c->err, "instance metadata: role name too long");
		http_request_add(r, "X-aws-ec2-metadata-token", c->imds_token);
		break;
	}
	r->target = c->target;
	http_client_send(&c->meta, &c->call);
	return 0;
}

/* The Authorization value for the container endpoint, read afresh each
 * fetch (the agent rotates the file). Returns 0 or -1 with c->err. */
static int
ecs_auth(struct creds *c)
{
	const char *file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char *text = NULL;
	size_t len = 0;
	struct err e = { 0 };
	int rc = 0;

	secret_wipe(c->auth, sizeof c->auth);
	if (file) {
		if ((rc = read_small_file(file, &text, &len, &e)) != 0)
			return err_set(&c->err, "container authorization token: %s",
			    rc > 0 ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE does not exist" : e.msg);
		creds_check_mode(file);
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			len--;
		tok = text;
	} else if (tok) {
		len = strlen(tok);
	}
	if (tok) {
		/* No CR/LF (header injection), and it must fit. */
		if (len >= sizeof c->auth || memchr(tok, '\n', len) || memchr(tok, '\r', len))
			rc = err_set(&c->err, "container authorization token is too long or "
			    "has a line break");
		else
			memcpy(c->auth, tok, len);
	}
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	return rc;
}

static void
fetch_end(struct creds *c, int ok)
{
	c->fetching = 0;
	if (!ok) {
		c->failed = 1;
		log_warn("AWS credentials from %s (%s): %s", creds_source_name(c->dynamic),
		    c->endpoint, c->err.msg);
	}
	secret_wipe(c->imds_token, sizeof c->imds_token);
	secret_wipe(c->auth, sizeof c->auth);
	if (c->ready)
		c->ready(c);
}

static void
fetch_done(struct http_call *call)
{
	struct creds *c = LOOP_CONTAINER_OF(call, struct creds, call);
	const struct http_response *resp = call->resp;
	const char *what = c->step == STEP_ECS ? "container credentials" :
	    c->step == STEP_IMDS_TOKEN ? "instance metadata token" :
	    c->step == STEP_IMDS_ROLE ? "instance metadata role" : "instance metadata credentials";
	struct creds_value v;
	struct err e = { 0 };
	size_t n;

	if (call->error != HTTP_OK) {
		err_set(&c->err, "%s: %s", what, call->err.msg);
		fetch_end(c, 0);
		return;
	}
	if (resp->status != 200) {
		err_set(&c->err, "%s: HTTP %d%s", what, resp->status,
		    c->step == STEP_IMDS_ROLE && resp->status == 404 ? " (no IAM role attached)" : "");
		fetch_end(c, 0);
		return;
	}
	switch (c->step) {
	case STEP_IMDS_TOKEN:
		n = resp->body.len;
		while (n && isspace((unsigned char)resp->body.data[n - 1]))
			n--;
		if (put_field(c->imds_token, sizeof c->imds_token, resp->body.data, n,
		    "instance metadata token", &e) < 0 || !n) {
			err_set(&c->err, "%s", n ? e.msg : "empty instance metadata token");
			fetch_end(c, 0);
			return;
		}
		c->step = STEP_IMDS_ROLE;
		break;
	case STEP_IMDS_ROLE:
		/* The first line is the role. */
		for (n = 0; n < resp->body.len && resp->body.data[n] != '\n' &&
		    resp->body.data[n] != '\r'; n++)
			;
		if (!n || put_field(c->role, sizeof c->role, resp->body.data, n, "role name", &e) < 0 ||
		    strchr(c->role, '/') || strchr(c->role, '?') || strchr(c->role, '%')) {
			err_set(&c->err, "instance metadata: no usable role name");
			fetch_end(c, 0);
			return;
		}
		c->step = STEP_IMDS_CREDS;
		break;
	default:
		if (creds_parse_json(resp->body.data, resp->body.len, &v, &e) < 0) {
			err_set(&c->err, "%s: %s", what, e.msg);
			fetch_end(c, 0);
			return;
		}
		use(c, &v, c->dynamic);
		value_wipe(&v);
		snprintf(c->where, sizeof c->where, "%s %s", creds_source_name(c->dynamic),
		    c->endpoint);
		log_debug("AWS credentials: key %s from %s", c->cur.access_key, c->where);
		fetch_end(c, 1);
		return;
	}
	if (send_step(c) < 0)
		fetch_end(c, 0);
}

/* Start a fetch from source 5 or 6. Returns 0 (running) or -1 with c->err. */
static int
fetch_start(struct creds *c, time_t now)
{
	struct http_client_opts o;
	struct err e = { 0 };

	if (!c->http_ready) {
		http_client_opts_default(&o);
		o.connect_timeout_ms = o.total_timeout_ms = c->dynamic == CREDS_IMDS ?
		    CREDS_IMDS_TIMEOUT_MS : CREDS_ECS_TIMEOUT_MS;
		o.body_max = CREDS_MAX_BODY;
		o.trust = c->trust;
		if (http_client_init(&c->meta, c->endpoint, &o, &e) < 0) {
			http_client_free(&c->meta);
			return err_set(&c->err, "%s: %s", creds_source_name(c->dynamic), e.msg);
		}
		c->http_ready = 1;
	}
	if (c->dynamic == CREDS_ECS && ecs_auth(c) < 0)
		return -1;
	c->step = c->dynamic == CREDS_ECS ? STEP_ECS : STEP_IMDS_TOKEN;
	c->fetching = 1;
	c->failed = 0;
	c->last_fetch = now;
	return send_step(c);
}

const struct sigv4_creds *
creds_get(struct creds *c, time_t now)
{
	enum creds_refresh st;
	struct err e = { 0 };

	if (c->have && c->cur.expiration && now >= c->cur.expiration) {
		value_wipe(&c->cur);
		c->have = 0;
	}
	if (c->fetching)
		return c->have && creds_refresh_state(c->cur.expiration, now) != CREDS_MANDATORY ?
		    &c->sig : NULL;
	if (c->failed) {
		c->failed = 0;
		return c->have ? &c->sig : NULL;
	}
	if (!c->have) {
		if (c->dynamic == CREDS_NONE) {
			int rc = load_static(c, &e);

			if (rc < 0)
				err_set(&c->err, "%s", e.msg);
			else if (rc == 0)
				err_set(&c->err, "no AWS credentials any more in the chain");
			return rc > 0 ? &c->sig : NULL;
		}
		if (fetch_start(c, now) < 0) {
			c->fetching = 0;
			return NULL;
		}
		return NULL;
	}
	st = creds_refresh_state(c->cur.expiration, now);
	if (st != CREDS_FRESH && c->dynamic != CREDS_NONE && now - c->last_fetch >= CREDS_REFETCH_MIN_S) {
		if (fetch_start(c, now) < 0)
			c->fetching = 0;
		else if (st == CREDS_MANDATORY)
			return NULL;
	}
	return &c->sig;
}

void
creds_expired(struct creds *c)
{
	value_wipe(&c->cur);
	c->have = 0;
	c->last_fetch = 0;
}

void
creds_free(struct creds *c)
{
	if (c->http_ready)
		http_client_free(&c->meta);
	secret_wipe(c, sizeof *c);
}
