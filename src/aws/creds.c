#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cJSON.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/net.h"
#include "base/secret.h"
#include "base/num.h"
#include "base/str.h"
#include "aws/xml.h"

/* ---- small helpers ------------------------------------------------------------ */

/* Environment variables that messages name as well. */
static const char ENV_KEY_ID[] = "AWS_ACCESS_KEY_ID";
static const char ENV_SECRET[] = "AWS_SECRET_ACCESS_KEY";
static const char ENV_REL_URI[] = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
static const char ENV_FULL_URI[] = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/* Wipe p[0..n) (file text, keys, profiles) and free it. */
static void
wipe_free(void *p, size_t n)
{
	secret_wipe(p, n);
	free(p);
}

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

/* str_copy with a verdict: returns -1 when s did not
 * fit (dst then holds its start), else 0. */
static int
copy(char *dst, size_t cap, const char *s)
{
	return str_copy(dst, cap, s) >= cap ? -1 : 0;
}

/* Put what e is about before its message: "profile \"WHAT\": " (quoted) or
 * "WHAT: ". Returns -1. */
static int
err_about(struct err *e, int quoted, const char *what)
{
	struct err e2 = { 0 };

	err_set(&e2, quoted ? "profile \"%s\": %s" : "%s: %s", what, e->msg);
	*e = e2;
	return -1;
}

/* The three fields of a creds_value by number: 0 the access key ID, 1 the
 * secret, 2 the session token. */
static const unsigned short key_off[3] = { offsetof(struct creds_value, access_key),
	offsetof(struct creds_value, secret), offsetof(struct creds_value, token) };
static const unsigned short key_cap[3] = { CREDS_MAX_KEY_ID, SIGV4_MAX_SECRET,
	CREDS_MAX_TOKEN };

/* The names of those fields in a credentials answer (STS, credential_process)
 * and in the words of the notify53 config and the environment. */
static const char *const names_api[3] = { "AccessKeyId", "SecretAccessKey", "SessionToken" };
static const char *const names_pair[3] = { "access key ID", "secret access key",
	"session token" };

static int
put_key(struct creds_value *v, int i, const char *s, size_t n, const char *field,
	struct err *e)
{
	return put_field((char *)v + key_off[i], key_cap[i], s, n, field, e);
}

/* Keys s[0..2] (s[2] NULL: no token) into v; prefix and names[i] name them
 * in a message. exp: their Expiration, or NULL; what names the document
 * it is from. */
static int
put_keys(struct creds_value *v, const char *const s[3], const char *prefix,
	const char *const names[3], const char *exp, const char *what, struct err *e)
{
	char field[64];

	for (int i = 0; i < 3; i++) {
		if (!s[i])
			continue;
		fmt_snprintf(field, sizeof field, "%s%s", prefix, names[i]);
		if (put_key(v, i, s[i], strlen(s[i]), field, e) < 0)
			return -1;
	}
	if (exp && creds_parse_time(exp, &v->expiration) < 0)
		return err_set(e, "%s has a bad Expiration \"%.40s\"", what, exp);
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
	case CREDS_ASSUME_ROLE:
		return "assumed role";
	case CREDS_WEB_IDENTITY:
		return "web identity";
	case CREDS_PROCESS:
		return "credential_process";
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
		copy(warned[i], sizeof warned[i], path);
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

/* Walks the key = value lines of one section of an INI text. */
struct ini_it {
	const char *p, *end;
	const char *profile;
	int config_file;
	int in;
	int found;
};

/* The next key = value of the section: returns 1 with the key and value
 * (blanks trimmed), 0 at the end of the text. */
static int
ini_next(struct ini_it *it, const char **k, size_t *kn, const char **val, size_t *vn)
{
	while (it->p < it->end) {
		const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
		const char *le = nl ? nl : it->end, *s, *t, *eq;
		const char *next = nl ? nl + 1 : it->end;

		/* Indented lines continue a nested value (botocore's parser):
		 * none of ours. */
		if (it->p < le && (*it->p == ' ' || *it->p == '\t')) {
			it->p = next;
			continue;
		}
		s = it->p;
		t = trim_end(s, le);
		it->p = next;
		if (s == t || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *h, *he;

			if (t[-1] != ']')
				continue;
			h = skip_blank(s + 1, t - 1);
			he = trim_end(h, t - 1);
			it->in = section_is(h, (size_t)(he - h), it->profile, it->config_file);
			if (it->in)
				it->found = 1;
			continue;
		}
		if (!it->in || !(eq = memchr(s, '=', (size_t)(t - s))))
			continue;
		*k = s;
		*kn = (size_t)(trim_end(s, eq) - s);
		*val = skip_blank(eq + 1, t);
		*vn = (size_t)(t - *val);
		return 1;
	}
	return 0;
}

int
creds_ini_find(const char *text, size_t len, const char *profile, int config_file,
	struct creds_value *v, int *section_found, struct err *e)
{
	/* Fields 0-2 of a creds_value, then the old name of the token. */
	static const char *const keys[4] = { "aws_access_key_id", "aws_secret_access_key",
		"aws_session_token", "aws_security_token" };
	struct ini_it it = { text, text + len, profile, config_file, 0, 0 };
	const char *k, *val;
	size_t kn, vn;
	int have[3] = { 0, 0, 0 };

	memset(v, 0, sizeof *v);
	*section_found = 0;
	while (ini_next(&it, &k, &kn, &val, &vn)) {
		for (int i = 0; i < 4; i++) {
			int f = i < 3 ? i : 2;

			if (strlen(keys[i]) != kn || strncasecmp(k, keys[i], kn))
				continue;
			if (put_key(v, f, val, vn, keys[f], e) < 0) {
				value_wipe(v);
				return -1;
			}
			have[f] = vn > 0;
		}
	}
	*section_found = it.found;
	if (have[0] && have[1])
		return 1;
	value_wipe(v);
	if (have[0] || have[1])
		return err_set(e, "profile %s has %s but no %s", profile, keys[!have[0]],
		    keys[have[0]]);
	return 0;
}

/* A profile's settings: the AWS config file's key, which is also the name
 * of the field of struct creds_profile, and the offset of the notify53 "aws"
 * key of the same meaning in struct cfg_aws (0: none; aws.sts_region for
 * region). */
#define PF(f, cfg) { #f, offsetof(struct creds_profile, f), \
	sizeof ((struct creds_profile *)0)->f, cfg }
static const struct {
	const char *key;
	unsigned short off, cap;
	unsigned char cfg;
} pfields[] = {
	PF(role_arn, offsetof(struct cfg_aws, role_arn)),
	PF(source_profile, offsetof(struct cfg_aws, source_profile)),
	PF(credential_source, offsetof(struct cfg_aws, credential_source)),
	PF(external_id, offsetof(struct cfg_aws, external_id)),
	PF(role_session_name, offsetof(struct cfg_aws, role_session_name)),
	PF(duration_seconds, 0),
	PF(sts_regional_endpoints, offsetof(struct cfg_aws, sts_regional_endpoints)),
	PF(region, offsetof(struct cfg_aws, sts_region)),
	PF(web_identity_token_file, offsetof(struct cfg_aws, web_identity_token_file)),
	PF(credential_process, offsetof(struct cfg_aws, credential_process)),
};
#undef PF
/* The offsets and sizes fit the table's types. */
typedef char pfields_fit[sizeof(struct creds_profile) <= 0xffff &&
    offsetof(struct cfg_aws, credential_process) <= 0xff ? 1 : -1];

int
creds_profile_read(const char *text, size_t len, const char *name, int config_file,
	struct creds_profile *p, struct err *e)
{
	struct ini_it it = { text, text + len, name, config_file, 0, 0 };
	const char *k, *val;
	size_t kn, vn;

	while (ini_next(&it, &k, &kn, &val, &vn)) {
		for (size_t i = 0; i < sizeof pfields / sizeof pfields[0]; i++) {
			char *dst = (char *)p + pfields[i].off;

			if (strlen(pfields[i].key) != kn || strncasecmp(k, pfields[i].key, kn))
				continue;
			if (vn >= pfields[i].cap) {
				err_set(e, "%s is longer than %zu characters", pfields[i].key,
				    (size_t)pfields[i].cap - 1);
				goto bad;
			}
			memcpy(dst, val, vn);
			dst[vn] = '\0';
			if (vn && cfg_aws_value_check(pfields[i].key, dst, e) < 0)
				goto bad;
		}
	}
	if (it.found)
		p->found = 1;
	return 0;
bad:
	return err_about(e, 1, name);
}

/* Read a whole small file (at most CREDS_MAX_FILE bytes) into a heap
 * buffer, NUL-terminated. Returns 0, 1 when it does not exist (skipped by
 * the chain), or -1 with e set. With read(2), not stdio: nothing else in
 * notify53 needs fread. */
static int
read_small_file(const char *path, char **out, size_t *len, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), bad = 0;
	char chunk[1024];
	struct buf b;
	ssize_t got;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 1 :
		    err_set(e, "%s: %s", path, strerror(errno));
	buf_init(&b, CREDS_MAX_FILE);
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			bad = 1;
		if (got < 0 || buf_put(&b, chunk, (size_t)got) < 0)
			break;
	}
	secret_wipe(chunk, sizeof chunk);
	close(fd);
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
	wipe_free(text, len);
	if (rc < 0)
		err_about(e, 0, path);
	if (rc > 0)
		creds_check_mode(path);
	return rc;
}

/* ---- JSON and times ----------------------------------------------------------- */

/* Match s with pattern (d: a digit; T: also t or a space), the numbers
 * into f, one per separator and one at the end. Returns the end of the
 * match, or NULL. */
static const char *
time_fields(const char *s, const char *pattern, int *f)
{
	int v = 0;

	for (;; s++, pattern++) {
		if (*pattern == 'd') {
			if (!isdigit((unsigned char)*s))
				return NULL;
			v = v * 10 + (*s - '0');
			continue;
		}
		*f++ = v;
		v = 0;
		if (!*pattern)
			return s;
		if (*s != *pattern && !(*pattern == 'T' && (*s == 't' || *s == ' ')))
			return NULL;
	}
}

int
creds_parse_time(const char *s, time_t *t)
{
	struct date tm;
	int f[8], off = 0;
	long long secs;

	if (!(s = time_fields(s, "dddd-dd-ddTdd:dd:dd", f)))
		return -1;
	tm.year = f[0];
	tm.month = f[1];
	tm.day = f[2];
	tm.hour = f[3];
	tm.min = f[4];
	tm.sec = f[5];
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
		int sign = *s == '+' ? 1 : -1;

		if (!(s = time_fields(s + 1, "dd:dd", f + 6)) || f[6] > 23 || f[7] > 59)
			return -1;
		off = (f[6] * 60 + f[7]) * 60 * sign;
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

/* The container/IMDS document (process 0) or a credential_process answer
 * (process 1). */
static int
parse_keys_json(const char *json, size_t len, int process, struct creds_value *v,
	struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	/* The container/IMDS document names the token "Token". */
	static const char *const names_json[3] = { "AccessKeyId", "SecretAccessKey", "Token" };
	const char *const *names = process ? names_api : names_json;
	const char *code, *s[3], *exp, *what = process ?
	    "credential_process output" : "credentials answer";
	const cJSON *ver;
	int rc = -1;

	memset(v, 0, sizeof *v);
	if (!root || !cJSON_IsObject(root)) {
		err_set(e, "%s is not a JSON object", what);
		goto out;
	}
	code = json_str(root, "Code");
	for (int i = 0; i < 3; i++)
		s[i] = json_str(root, names[i]);
	exp = json_str(root, "Expiration");
	ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
	if (process && (!cJSON_IsNumber(ver) || ver->valuedouble != 1)) {
		err_set(e, "%s has no \"Version\": 1", what);
		goto out;
	}
	if (!process && code && strcmp(code, "Success")) {
		/* The code is Amazon's text, not a secret; keep it short. */
		err_set(e, "%s says Code \"%.40s\"", what, code);
		goto out;
	}
	if (!s[0] || !*s[0] || !s[1] || !*s[1]) {
		err_set(e, "%s has no AccessKeyId or SecretAccessKey", what);
		goto out;
	}
	if (put_keys(v, s, "", names, exp, what, e) < 0)
		goto out;
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

int
creds_parse_json(const char *json, size_t len, struct creds_value *v, struct err *e)
{
	return parse_keys_json(json, len, 0, v, e);
}

int
creds_parse_process(const char *json, size_t len, struct creds_value *v, struct err *e)
{
	return parse_keys_json(json, len, 1, v, e);
}

int
creds_parse_sts(char *body, size_t len, int status, const char *action,
	struct creds_value *v, struct err *e)
{
	struct xml_doc d = { 0 };
	char path[80];
	const struct xml_node *cr;
	const char *s[3], *exp, *code, *msg;
	int rc = -1;

	memset(v, 0, sizeof *v);
	if (xml_parse(&d, body, len) < 0) {
		err_set(e, "HTTP %d, and the answer is not XML (%s)", status, d.err.msg);
		goto out;
	}
	if (status != 200) {
		/* STS's query-protocol error: ErrorResponse/Error/{Type,Code,Message}. */
		code = xml_text(d.root, "Error/Code");
		msg = xml_text(d.root, "Error/Message");
		if (!code)
			err_set(e, "HTTP %d", status);
		else
			err_set(e, "%.64s: %.160s", code, msg ? msg : "(no message)");
		goto out;
	}
	fmt_snprintf(path, sizeof path, "%sResult/Credentials", action);
	cr = xml_path(d.root, path);
	for (int i = 0; i < 3; i++)
		if (!(s[i] = xml_text(cr, names_api[i])) || !*s[i])
			s[0] = NULL;
	exp = xml_text(cr, "Expiration");
	if (!s[0] || !exp) {
		err_set(e, "the answer has no %sResult/Credentials with AccessKeyId, "
		    "SecretAccessKey, SessionToken and Expiration", action);
		goto out;
	}
	if (put_keys(v, s, "", names_api, exp, "the answer", e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		value_wipe(v);
	xml_free(&d);
	secret_wipe(body, len);
	return rc;
}

int
creds_split_command(const char *cmd, char *words, size_t cap, char **argv, int maxargs,
	struct err *e)
{
	size_t o = 0;
	int n = 0, in_word = 0;
	char q = 0;

	for (const char *p = cmd;; p++) {
		char c = *p;

		if (!c && q)
			return err_set(e, "credential_process: no closing quotation");
		if (!q && (!c || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			if (in_word) {
				if (o >= cap)
					goto long_;
				words[o++] = '\0';
				in_word = 0;
			}
			if (!c)
				break;
			continue;
		}
		if (!in_word) {
			if (n >= maxargs)
				return err_set(e, "credential_process: more than %d words", maxargs);
			argv[n++] = words + o;
			in_word = 1;
		}
		if (!q && (c == '\'' || c == '"')) {
			q = c;
			continue;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'') {
			/* In "...", only \\ and \" are escapes; outside quotes,
			 * any character. */
			if (!p[1])
				return err_set(e, "credential_process: no escaped character after "
				    "the final backslash");
			if (!q || p[1] == '\\' || p[1] == '"')
				c = *++p;
		}
		if (o + 1 >= cap)
			goto long_;
		words[o++] = c;
	}
	if (!n)
		return err_set(e, "credential_process is empty");
	argv[n] = NULL;
	return n;
long_:
	return err_set(e, "credential_process is longer than %zu characters", cap - 1);
}

/* cap, or the keys' life (obtained to expiration, when both are known)
 * shifted right by shift when that is shorter: keys issued for a short life.
 * The life is positive, so an unsigned shift (no signed 64-bit division). */
static time_t
life_part(time_t expiration, time_t obtained, int shift, time_t cap)
{
	uint64_t part = obtained && expiration > obtained ?
	    (uint64_t)(expiration - obtained) >> shift : UINT64_MAX;

	return part < (uint64_t)cap ? (time_t)part : cap;
}

enum creds_refresh
creds_refresh_state(time_t expiration, time_t obtained, time_t now)
{
	/* A short life: refresh within its last half, at the latest in its
	 * last quarter. */
	time_t advisory = life_part(expiration, obtained, 1, CREDS_ADVISORY_S);
	time_t mandatory = life_part(expiration, obtained, 2, CREDS_MANDATORY_S);

	if (!expiration)
		return CREDS_FRESH;
	if (now >= expiration - mandatory)
		return CREDS_MANDATORY;
	if (now >= expiration - advisory)
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

	if (!str_casecmp(u->host, "localhost"))
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
	const char *hs = str_find(uri, "://"), *slash;
	struct http_url u;
	struct err ue = { 0 };
	size_t n;

	if (!hs)
		return err_set(e, "%s is not a URL", ENV_FULL_URI);
	slash = strchr(hs + 3, '/');
	n = slash ? (size_t)(slash - uri) : strlen(uri);
	if (n >= ecap || strlen(slash ? slash : "/") >= pcap)
		return err_set(e, "%s is too long", ENV_FULL_URI);
	memcpy(endpoint, uri, n);
	endpoint[n] = '\0';
	copy(path, pcap, slash ? slash : "/");
	if (http_url_parse(&u, endpoint, &ue) < 0)
		return err_set(e, "%s: %s", ENV_FULL_URI, ue.msg);
	if (!u.tls && !ecs_host_allowed(&u))
		return err_set(e, "%s: plain http only to a loopback address, 169.254.170.2 or "
		    "169.254.170.23, not %s", ENV_FULL_URI, u.host);
	return 0;
}

/* ---- the chain -------------------------------------------------------------------- */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* path into buf[CREDS_MAX_PATH] when it is set, else ~/.aws/NAME, or ""
 * without HOME. */
static void
home_file(char *buf, const char *path, const char *name)
{
	const char *home;

	if (path)
		copy(buf, CREDS_MAX_PATH, path);
	else if (!(home = env("HOME")) || fmt_snprintf(buf, CREDS_MAX_PATH, "%s/.aws/%s", home, name) >=
	    CREDS_MAX_PATH)
		buf[0] = '\0';
}

/* Keys from a pair of strings (config or environment); what: "AWS_* ",
 * "aws ". */
static int
set_pair(struct creds_value *v, const char *id, const char *secret, const char *token,
	const char *what, struct err *e)
{
	const char *const s[3] = { id, secret, token };

	memset(v, 0, sizeof *v);
	return put_keys(v, s, what, names_pair, NULL, NULL, e);
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

/* Source 5 or 7 from the file at path ("" = none). Returns 1 with c->cur
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
	fmt_snprintf(c->where, sizeof c->where, "profile %s in %s", c->profile, path);
	return 1;
}

/* The shared credentials file's and the config file's paths ("" = none). */
static void
file_paths(const struct creds *c, char shared[CREDS_MAX_PATH], char config[CREDS_MAX_PATH])
{
	home_file(shared, c->credentials_file[0] ? c->credentials_file :
	    env("AWS_SHARED_CREDENTIALS_FILE"), "credentials");
	home_file(config, env("AWS_CONFIG_FILE"), "config");
}

/* Profile name's settings (the config file, then the credentials file over
 * it) and static keys (the credentials file's, else the config file's).
 * Returns 0 or -1. */
static int
profile_load(const struct creds *c, const char *name, struct creds_profile *p, struct err *e)
{
	char paths[2][CREDS_MAX_PATH];
	struct creds_value keys;
	int rc = 0;

	memset(p, 0, sizeof *p);
	file_paths(c, paths[1], paths[0]);
	for (int i = 0; i < 2 && rc == 0; i++) {
		char *text;
		size_t len;
		int found = 0, r;

		if (!paths[i][0] || (r = read_small_file(paths[i], &text, &len, e)) > 0)
			continue;
		if (r < 0)
			return -1;
		rc = creds_profile_read(text, len, name, i == 0, p, e);
		/* Keys found in the credentials file win over the config
		 * file's; a credentials file without them keeps those (the
		 * lookup clears what it is given, hence the copy). */
		if (rc == 0 && (r = creds_ini_find(text, len, name, i == 0, &keys, &found, e)) != 0) {
			if (r > 0) {
				p->keys = keys;
				p->has_keys = 1;
			}
			rc = r < 0 ? -1 : 0;
		}
		secret_wipe(&keys, sizeof keys);
		if (rc < 0)
			err_about(e, 0, paths[i]);
		if (found)
			p->found = 1;
		wipe_free(text, len);
	}
	return rc;
}

/* notify53's "aws" settings as a profile. */
static int
profile_from_cfg(const struct cfg_aws *a, struct creds_profile *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->found = 1;
	for (size_t i = 0; i < sizeof pfields / sizeof pfields[0]; i++) {
		size_t cap = pfields[i].cap;
		const char *v = pfields[i].cfg ?
		    *(char *const *)(const void *)((const char *)a + pfields[i].cfg) : NULL;

		if (v && copy((char *)p + pfields[i].off, cap, v) < 0)
			return err_set(e, "aws.%s is longer than %zu characters",
			    pfields[i].cfg == offsetof(struct cfg_aws, sts_region) ? "sts_region" :
			    pfields[i].key, cap - 1);
	}
	if (a->duration_seconds)
		fmt_snprintf(p->duration_seconds, sizeof p->duration_seconds, "%d", a->duration_seconds);
	return 0;
}

/* 'profile "NAME"', or "notify53 config" for name NULL. */
static void
who_is(char *buf, size_t cap, const char *name)
{
	if (name)
		fmt_snprintf(buf, cap, "profile \"%.128s\"", name);
	else
		fmt_snprintf(buf, cap, "notify53 config");
}

/* The STS request for p's role_arn (name: p's profile, NULL for notify53's
 * config). Returns 0 or -1. */
static int
role_fill(struct creds *c, struct creds_role *r, const char *name,
	const struct creds_profile *p, const char *arn, const char *session, struct err *e)
{
	const char *mode = p->sts_regional_endpoints[0] ? p->sts_regional_endpoints :
	    env("AWS_STS_REGIONAL_ENDPOINTS");
	const char *region, *url = c->sts_override[0] ? c->sts_override :
	    env("AWS_ENDPOINT_URL_STS") ? env("AWS_ENDPOINT_URL_STS") : env("AWS_ENDPOINT_URL");
	uint64_t d = 0;

	memset(r, 0, sizeof *r);
	who_is(r->who, sizeof r->who, name);
	if (!arn || !*arn)
		return err_set(e, "%s: no role_arn", r->who);
	if (cfg_aws_value_check("role_arn", arn, e) < 0 ||
	    (session && *session && cfg_aws_value_check("role_session_name", session, e) < 0))
		return err_about(e, 0, r->who);
	copy(r->arn, sizeof r->arn, arn);
	copy(r->external_id, sizeof r->external_id, p->external_id);
	copy(r->session_name, sizeof r->session_name, session ? session : "");
	if (p->duration_seconds[0] && num_parse(p->duration_seconds, 43200, &d) == 0)
		r->duration = (int)d;
	/* Region: aws.sts_region first for notify53's own role; for a
	 * profile, the environment before the file (botocore). */
	region = !name && p->region[0] ? p->region : env("AWS_REGION");
	if (!region)
		region = env("AWS_DEFAULT_REGION");
	if (!region && p->region[0])
		region = p->region;
	if (!region)
		region = c->top_region[0] ? c->top_region : "us-east-1";
	if (mode && !strcmp(mode, "legacy")) {
		/* The global endpoint, always scoped to us-east-1. */
		fmt_snprintf(r->region, sizeof r->region, "us-east-1");
		fmt_snprintf(r->endpoint, sizeof r->endpoint, "https://sts.amazonaws.com");
	} else {
		fmt_snprintf(r->region, sizeof r->region, "%.63s", region);
		fmt_snprintf(r->endpoint, sizeof r->endpoint, "https://sts.%s.amazonaws.com%s",
		    r->region, strncmp(r->region, "cn-", 3) ? "" : ".cn");
	}
	if (url && copy(r->endpoint, sizeof r->endpoint, url) < 0)
		return err_set(e, "%s: the STS endpoint URL is too long", r->who);
	return 0;
}

/* Web identity as the base: role arn from p or the environment. */
static int
plan_web(struct creds *c, const char *name, const struct creds_profile *p, const char *file,
	const char *arn, const char *session, struct err *e)
{
	const char *why = "a web identity token file but no role ARN (role_arn or AWS_ROLE_ARN)";

	/* c->web.who as role_fill makes it, for the message before it. */
	who_is(c->web.who, sizeof c->web.who, name);
	if (arn && *arn) {
		if (role_fill(c, &c->web, name, p, arn, session, e) < 0)
			return -1;
		why = "web identity token file: path too long";
		if (copy(c->token_file, sizeof c->token_file, file) == 0) {
			c->base = CREDS_WEB_IDENTITY;
			return 0;
		}
	}
	err_set(e, "%s: %s", c->web.who, why);
	return -1;
}

/* credential_process as the base; top: also the source of the keys in
 * use (then c->dynamic and c->where are set even when cmd is refused).
 * Returns 0, or 2 when top, or -1. */
static int
plan_process(struct creds *c, const char *name, const char *cmd, int top, struct err *e)
{
	struct err se = { 0 };

	who_is(c->proc_who, sizeof c->proc_who, name);
	if (top) {
		c->dynamic = CREDS_PROCESS;
		fmt_snprintf(c->where, sizeof c->where, "credential_process of %s", c->proc_who);
	}
	if (creds_split_command(cmd, c->proc_words, sizeof c->proc_words, c->proc_argv,
	    CREDS_MAX_ARGS, &se) < 0)
		return err_set(e, "%s: %s", c->proc_who, se.msg);
	c->base = CREDS_PROCESS;
	return top ? 2 : 0;
}

static int choose_ecs(struct creds *c, struct err *e);
static void choose_imds(struct creds *c);

/* Roles from p (profile name, NULL for notify53's config) down its
 * source_profile chain to a source of keys, checking for loops; the
 * innermost role is assumed first. Returns 0 or -1. */
static int
plan_roles(struct creds *c, const char *name, const struct creds_profile *top, struct err *e)
{
	char seen[CREDS_MAX_ROLES + 1][128], trail[CREDS_MAX_ROLES * 130 + 130];
	/* sp: the source profile read; cur (sp + 1): the one being walked. */
	struct creds_profile *sp = malloc(2 * sizeof *sp), *cur;
	const struct creds_profile *p = top;
	const char *nm = name;
	int nseen = 0, rc = -1;

	if (!sp)
		return err_set(e, "out of memory");
	cur = sp + 1;
	c->nroles = 0;
	copy(seen[nseen++], sizeof seen[0], name ? name : "");
	for (;;) {
		struct creds_role *r;
		char who[160];

		who_is(who, sizeof who, nm);
		if (c->nroles == CREDS_MAX_ROLES) {
			err_set(e, "%s: more than %d roles chained by source_profile", who,
			    CREDS_MAX_ROLES);
			goto out;
		}
		r = &c->roles[c->nroles++];
		if (role_fill(c, r, nm, p, p->role_arn, p->role_session_name, e) < 0)
			goto out;
		if (p->credential_source[0]) {
			if (p->source_profile[0]) {
				err_set(e, "%s: source_profile and credential_source exclude each "
				    "other", who);
				goto out;
			}
			if (!strcmp(p->credential_source, "Environment")) {
				const char *id = env(ENV_KEY_ID);
				const char *sec = env(ENV_SECRET);
				const char *tok = env("AWS_SESSION_TOKEN");

				if (!id || !sec) {
					err_set(e, "%s: credential_source Environment, but "
					    "%s and %s are not set", who, ENV_KEY_ID, ENV_SECRET);
					goto out;
				}
				if (set_pair(&c->base_keys, id, sec, tok, "AWS_* ", e) < 0)
					goto out;
				c->base = CREDS_ENV;
			} else if (!strcmp(p->credential_source, "EcsContainer")) {
				int r2 = choose_ecs(c, e);

				if (r2 < 0)
					goto out;
				if (!r2) {
					err_set(e, "%s: credential_source EcsContainer, but neither "
					    "%s nor %s is set", who, ENV_REL_URI, ENV_FULL_URI);
					goto out;
				}
			} else {
				choose_imds(c);
			}
			break;
		}
		if (!nm && c->have_config_keys) {
			c->base_keys = c->config_keys;
			c->base = CREDS_CONFIG;
			break;
		}
		if (!nm && p->credential_process[0]) {
			if (plan_process(c, NULL, p->credential_process, 0, e) < 0)
				goto out;
			break;
		}
		if (!p->source_profile[0]) {
			err_set(e, "%s: role_arn needs source_profile or credential_source", who);
			goto out;
		}
		if (profile_load(c, p->source_profile, sp, e) < 0)
			goto out;
		if (!sp->found) {
			err_set(e, "%s: its source_profile \"%s\" does not exist", who,
			    p->source_profile);
			goto out;
		}
		if (sp->has_keys) {
			c->base_keys = sp->keys;
			c->base = CREDS_SHARED_FILE;
			break;
		}
		for (int i = 0; i < nseen; i++) {
			if (strcmp(seen[i], p->source_profile))
				continue;
			for (int j = 0, n = 0; j <= nseen; j++, n = (int)strlen(trail))
				fmt_snprintf(trail + n, sizeof trail - (size_t)n, j < nseen ? "%s -> " : "%s",
				    j == nseen ? p->source_profile : seen[j][0] ? seen[j] :
				    "notify53 config");
			err_set(e, "%s: source_profile loop: %s", who, trail);
			goto out;
		}
		if (sp->role_arn[0] && !sp->web_identity_token_file[0]) {
			copy(seen[nseen++], sizeof seen[0], p->source_profile);
			*cur = *sp;
			p = cur;
			nm = seen[nseen - 1];
			continue;
		}
		if (sp->web_identity_token_file[0]) {
			if (plan_web(c, p->source_profile, sp, sp->web_identity_token_file,
			    sp->role_arn, sp->role_session_name, e) < 0)
				goto out;
			break;
		}
		if (sp->credential_process[0]) {
			if (plan_process(c, p->source_profile, sp->credential_process, 0, e) < 0)
				goto out;
			break;
		}
		err_set(e, "%s: its source_profile \"%s\" has no credentials (keys, role_arn, "
		    "web_identity_token_file or credential_process)", who, p->source_profile);
		goto out;
	}
	/* roles[0] is the outermost: assume from the innermost out. */
	for (int i = 0, j = c->nroles - 1; i < j; i++, j--) {
		struct creds_role t = c->roles[i];

		c->roles[i] = c->roles[j];
		c->roles[j] = t;
	}
	c->dynamic = CREDS_ASSUME_ROLE;
	fmt_snprintf(c->where, sizeof c->where, "role %.200s (%s)", c->roles[c->nroles - 1].arn,
	    c->roles[c->nroles - 1].who);
	rc = 0;
out:
	wipe_free(sp, 2 * sizeof *sp);
	return rc;
}

/* A fetching source chosen by p (name NULL: notify53's config), or 0. */
static int
plan_dynamic(struct creds *c, const char *name, const struct creds_profile *p, struct err *e)
{
	const char *tf = name ? env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;

	c->nroles = 0;
	c->base = CREDS_NONE;
	if (p->role_arn[0] && !p->web_identity_token_file[0])
		return plan_roles(c, name, p, e) < 0 ? -1 : 2;
	if (tf || p->web_identity_token_file[0]) {
		/* botocore: each setting from the environment first, then the
		 * profile. */
		const char *arn = name ? env("AWS_ROLE_ARN") : NULL;
		const char *sn = name ? env("AWS_ROLE_SESSION_NAME") : NULL;

		if (plan_web(c, tf ? NULL : name, p, tf ? tf : p->web_identity_token_file,
		    arn ? arn : p->role_arn, sn ? sn : p->role_session_name, e) < 0)
			return -1;
		if (tf)
			fmt_snprintf(c->web.who, sizeof c->web.who, "environment");
		c->dynamic = CREDS_WEB_IDENTITY;
		fmt_snprintf(c->where, sizeof c->where, "web identity, role %.200s (%s)", c->web.arn,
		    c->web.who);
		return 2;
	}
	return 0;
}

/* Sources 1-7. Returns 1 with c->cur set (static keys), 2 with a fetching
 * source chosen, 0 when none applies, -1. */
static int
resolve(struct creds *c, struct err *e)
{
	struct creds_value v;
	const char *id = env(ENV_KEY_ID), *secret = env(ENV_SECRET);
	char shared[CREDS_MAX_PATH], config[CREDS_MAX_PATH];
	struct creds_profile *p;
	int found_shared = 0, found_config = 0, rc;

	c->dynamic = CREDS_NONE;
	if (c->have_config_keys) {
		use(c, &c->config_keys, CREDS_CONFIG);
		fmt_snprintf(c->where, sizeof c->where, "notify53 config");
		return 1;
	}
	/* A profile named in notify53's config is as the AWS CLI's --profile:
	 * the environment's keys do not replace it (they may still be its
	 * credential_source). */
	if (id && secret && !c->profile_from_cfg) {
		const char *token = env("AWS_SESSION_TOKEN");

		if (!token)
			token = env("AWS_SECURITY_TOKEN");
		if (set_pair(&v, id, secret, token, "AWS_* ", e) < 0)
			return -1;
		use(c, &v, CREDS_ENV);
		value_wipe(&v);
		fmt_snprintf(c->where, sizeof c->where, "environment");
		return 1;
	}
	if ((id || secret) && !(id && secret))
		return err_set(e, "%s is set but %s is not", id ? ENV_KEY_ID : ENV_SECRET,
		    id ? ENV_SECRET : ENV_KEY_ID);
	if (!(p = malloc(sizeof *p)))
		return err_set(e, "out of memory");
	rc = profile_load(c, c->profile, p, e);
	if (rc == 0 && p->region[0])
		copy(c->top_region, sizeof c->top_region, p->region);
	if (rc == 0)
		rc = plan_dynamic(c, c->profile, p, e);
	if (rc == 0)
		file_paths(c, shared, config);
	if (rc == 0)
		rc = file_source(c, shared, CREDS_SHARED_FILE, &found_shared, e);
	if (rc == 0 && p->credential_process[0])
		rc = plan_process(c, c->profile, p->credential_process, 1, e);
	if (rc == 0)
		rc = file_source(c, config, CREDS_CONFIG_FILE, &found_config, e);
	if (rc == 0 && c->profile_explicit)
		rc = err_set(e, found_shared || found_config || p->found ?
		    "AWS profile %s has no credentials (SSO profiles are not supported)" :
		    "AWS profile %s not found in the shared credentials or config file", c->profile);
	wipe_free(p, sizeof *p);
	return rc;
}

/* Source 8 (container) when its variables are set. Returns 1, 0 or -1. */
static int
choose_ecs(struct creds *c, struct err *e)
{
	const char *rel = env(ENV_REL_URI);
	const char *full = env(ENV_FULL_URI);

	if (rel) {
		if (rel[0] != '/' || strlen(rel) >= sizeof c->path)
			return err_set(e, "%s must be a path", ENV_REL_URI);
		fmt_snprintf(c->endpoint, sizeof c->endpoint, "http://169.254.170.2");
		copy(c->path, sizeof c->path, rel);
	} else if (full) {
		if (creds_ecs_uri(full, c->endpoint, sizeof c->endpoint, c->path, sizeof c->path,
		    e) < 0)
			return -1;
	} else {
		return 0;
	}
	c->base = CREDS_ECS;
	return 1;
}

/* Source 9. */
static void
choose_imds(struct creds *c)
{
	const char *imds = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");

	copy(c->endpoint, sizeof c->endpoint, imds ? imds : "http://169.254.169.254");
	/* A trailing slash is common in that variable; the paths add their own. */
	if (strlen(c->endpoint) > 8 && c->endpoint[strlen(c->endpoint) - 1] == '/')
		c->endpoint[strlen(c->endpoint) - 1] = '\0';
	c->base = CREDS_IMDS;
}

/* Choose source 8 or 9 for later. Returns 0 or -1. */
static int
choose_dynamic(struct creds *c, struct err *e)
{
	const char *off = env("AWS_EC2_METADATA_DISABLED");
	int rc;

	c->dynamic = CREDS_NONE;
	c->nroles = 0;
	if ((rc = choose_ecs(c, e)) != 0) {
		c->dynamic = CREDS_ECS;
		return rc < 0 ? -1 : 0;
	}
	if (off && !str_casecmp(off, "true")) {
		err_set(&c->err, "no AWS credentials: set aws.access_key_id and "
		    "aws.secret_access_key, %s and %s, or profile %s in ~/.aws/credentials "
		    "(instance metadata is disabled)", ENV_KEY_ID, ENV_SECRET, c->profile);
		return 0;
	}
	choose_imds(c);
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
	c->allow_http = aws->allow_http;
	c->process_timeout_s = aws->credential_process_timeout ? aws->credential_process_timeout :
	    CREDS_PROCESS_TIMEOUT_S;
	if (aws->sts_endpoint && copy(c->sts_override, sizeof c->sts_override, aws->sts_endpoint) < 0)
		return err_set(e, "aws.sts_endpoint: URL too long");
	profile = aws->profile ? aws->profile : env("AWS_PROFILE");
	c->profile_explicit = profile != NULL;
	c->profile_from_cfg = aws->profile != NULL;
	if (copy(c->profile, sizeof c->profile, profile ? profile : "default") < 0)
		return err_set(e, "AWS profile name too long");
	if (aws->credentials_file && copy(c->credentials_file, sizeof c->credentials_file,
	    aws->credentials_file) < 0)
		return err_set(e, "aws.credentials_file: path too long");
	if (aws->access_key_id || aws->secret_access_key) {
		if (!aws->access_key_id || !aws->secret_access_key)
			return err_set(e, "aws.access_key_id and aws.secret_access_key go together");
		if (set_pair(&c->config_keys, aws->access_key_id, aws->secret_access_key,
		    aws->session_token, "aws ", e) < 0)
			return -1;
		c->have_config_keys = 1;
	}
	if (aws->role_arn || aws->credential_process) {
		/* Source 1 with a role or a process: the "aws" block is the
		 * profile. */
		struct creds_profile *p = malloc(sizeof *p);

		if (!p)
			return err_set(e, "out of memory");
		rc = profile_from_cfg(aws, p, e);
		if (rc == 0 && aws->role_arn) {
			rc = plan_dynamic(c, NULL, p, e);
		} else if (rc == 0) {
			rc = plan_process(c, NULL, p->credential_process, 1, e);
		}
		wipe_free(p, sizeof *p);
		if (rc < 0)
			return -1;
		rc = 2;
	} else if ((rc = resolve(c, e)) < 0) {
		return -1;
	}
	if (rc == 0)
		return choose_dynamic(c, e);
	if (rc == 1)
		log_debug("AWS credentials: key %s from %s", c->cur.access_key, c->where);
	else
		log_debug("AWS credentials: %s", c->where);
	return 0;
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
	static const char creds_path[] = "/latest/meta-data/iam/security-credentials/";
	struct http_request *r = &c->call.req;
	/* The IMDSv2 session token goes with the role and credentials steps;
	 * the container's Authorization value when it has one. */
	const char *path = creds_path, *hname = "X-aws-ec2-metadata-token",
	    *hval = c->imds_token;

	memset(&c->call, 0, sizeof c->call);
	c->call.done = fetch_done;
	r->method = "GET";
	switch (c->step) {
	case STEP_ECS:
		path = c->path;
		hname = "Authorization";
		hval = c->auth;
		break;
	case STEP_IMDS_TOKEN:
		r->method = "PUT";
		path = "/latest/api/token";
		hname = "X-aws-ec2-metadata-token-ttl-seconds";
		hval = "21600";
		break;
	}
	/* Only the role name can make it too long. */
	if (fmt_snprintf(c->target, sizeof c->target, "%s%s", path,
	    c->step == STEP_IMDS_CREDS ? c->role : "") >= (int)sizeof c->target)
		return err_set(&c->err, "instance metadata: role name too long");
	if (*hval)
		http_request_add(r, hname, hval);
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
	if (text)
		wipe_free(text, len);
	return rc;
}

static void
fetch_end(struct creds *c, int ok)
{
	c->fetching = 0;
	if (!ok) {
		c->failed = 1;
		if (c->base == CREDS_ECS || c->base == CREDS_IMDS)
			log_warn("AWS credentials from %s (%s): %s", creds_source_name(c->base),
			    c->endpoint, c->err.msg);
		else
			log_warn("AWS credentials: %s", c->err.msg);
	}
	secret_wipe(c->imds_token, sizeof c->imds_token);
	secret_wipe(c->auth, sizeof c->auth);
	if (c->ready)
		c->ready(c);
}

static int sts_send(struct creds *c, const struct creds_role *r, const struct creds_value *k);

/* The client h of url for STS (proxy: c's settings) or for the container
 * or IMDS endpoint (timeout_ms: its time limits; proxy NULL). Returns 0, or
 * -1 with e set and h freed. Out of line: LTO inlines it into both callers
 * otherwise, 64 bytes more on x86_64. */
static __attribute__((noinline)) int
client_init(struct creds *c, struct http_client *h, const char *url, int timeout_ms,
	const struct proxy_conf *proxy, struct err *e)
{
	struct http_client_opts o;

	http_client_opts_default(&o);
	if (timeout_ms)
		o.connect_timeout_ms = o.total_timeout_ms = timeout_ms;
	o.body_max = CREDS_MAX_BODY;
	o.trust = c->trust;
	o.proxy = proxy;
	if (http_client_init(h, url, &o, e) == 0)
		return 0;
	http_client_free(h);
	return -1;
}

/* The stage before gave keys v: assume the next role, or use them. */
static void
stage_done(struct creds *c, struct creds_value *v)
{
	if (c->stage + 1 < c->nroles) {
		value_wipe(&c->prev);
		c->prev = *v;
		value_wipe(v);
		c->stage++;
		if (sts_send(c, &c->roles[c->stage], &c->prev) < 0)
			fetch_end(c, 0);
		return;
	}
	if (v->expiration && v->expiration <= c->last_fetch) {
		/* Used, they would be wiped at the next creds_get and fetched
		 * again at once, forever: a failed fetch instead. */
		char when[SIGV4_DATE_LEN + 1];
		int named = c->dynamic != CREDS_ECS && c->dynamic != CREDS_IMDS;

		if (sigv4_amz_date(v->expiration, when) < 0)
			when[0] = '\0';
		value_wipe(v);
		value_wipe(&c->prev);
		/* fetch_end names a container or metadata endpoint itself. */
		err_set(&c->err, "%s%sthe keys it gave expired at %s, before they were asked "
		    "for (is the clock right?)", named ? c->where : "", named ? ": " : "", when);
		fetch_end(c, 0);
		return;
	}
	use(c, v, c->dynamic);
	value_wipe(v);
	value_wipe(&c->prev);
	c->obtained = c->last_fetch;
	if (c->dynamic == CREDS_ECS || c->dynamic == CREDS_IMDS)
		fmt_snprintf(c->where, sizeof c->where, "%s %s", creds_source_name(c->dynamic),
		    c->endpoint);
	log_debug("AWS credentials: key %s from %s", c->cur.access_key, c->where);
	fetch_end(c, 1);
}

/* ---- STS ------------------------------------------------------------------------- */

static void
sts_done(struct http_call *call)
{
	struct creds *c = LOOP_CONTAINER_OF(call, struct creds, sts_call);
	const struct creds_role *r = c->stage < 0 ? &c->web : &c->roles[c->stage];
	const char *action = c->stage < 0 ? "AssumeRoleWithWebIdentity" : "AssumeRole";
	struct creds_value v;
	struct err e = { 0 };
	const char *why;

	secret_wipe(c->sts_body, CREDS_STS_BODY_MAX);
	why = call->error != HTTP_OK ? call->err.msg :
	    creds_parse_sts(call->resp->body.data, call->resp->body.len, call->resp->status,
	    action, &v, &e) < 0 ? e.msg : NULL;
	if (why) {
		err_set(&c->err, "%s: %s: %s", r->who, action, why);
		fetch_end(c, 0);
		return;
	}
	stage_done(c, &v);
}

/* The web identity token, read afresh at each fetch (Kubernetes rotates
 * it), added to the query q. Returns 0 or -1 with c->err. */
static int
add_web_token(struct creds *c, char *q, size_t cap)
{
	char *text = NULL;
	size_t len = 0;
	struct err e = { 0 };
	int rc = read_small_file(c->token_file, &text, &len, &e);

	if (rc)
		return err_set(&c->err, "%s: web identity token file %s: %s", c->web.who,
		    c->token_file, rc > 0 ? "does not exist" : e.msg);
	while (len && isspace((unsigned char)text[len - 1]))
		text[--len] = '\0';
	if (!len || len > CREDS_MAX_WEB_TOKEN)
		rc = err_set(&c->err, "%s: web identity token file %s is empty or longer than "
		    "%d bytes", c->web.who, c->token_file, CREDS_MAX_WEB_TOKEN);
	else if (sigv4_query_add(q, cap, "WebIdentityToken", text) < 0)
		rc = err_set(&c->err, "%s: web identity token too long", c->web.who);
	wipe_free(text, len);
	return rc;
}

/* Send AssumeRole for r signed with k, or AssumeRoleWithWebIdentity (k
 * NULL, unsigned): STS API Reference, a POST of the query parameters as a
 * form. Returns 0 (sts_done follows) or -1 with c->err. */
static int
sts_send(struct creds *c, const struct creds_role *r, const struct creds_value *k)
{
	const char *action = k ? "AssumeRole" : "AssumeRoleWithWebIdentity";
	static const char form[] = "application/x-www-form-urlencoded; charset=utf-8";
	/* The parameters (STS API Reference, AssumeRole); a NULL value is left
	 * out. */
	static const char *const names[6] = { "Action", "Version", "RoleArn",
		"RoleSessionName", "DurationSeconds", "ExternalId" };
	const char *vals[6];
	struct http_request *req = &c->sts_call.req;
	struct err e = { 0 };
	char session[72], dur[16];
	char *q;

	if (c->sts_ready && strcmp(c->sts_url, r->endpoint)) {
		http_client_free(&c->sts);
		c->sts_ready = 0;
	}
	if (!c->sts_ready) {
		if (client_init(c, &c->sts, r->endpoint, 0, c->proxy, &e) < 0) {
			err_about(&e, 0, r->endpoint);
			goto fail;
		}
		if (!c->sts.url.tls && !c->allow_http) {
			http_client_free(&c->sts);
			err_set(&e, "the STS endpoint %s is plain HTTP: credentials would travel "
			    "in clear (\"allow_http\" is for tests)", r->endpoint);
			goto fail;
		}
		copy(c->sts_url, sizeof c->sts_url, r->endpoint);
		c->sts_ready = 1;
	}
	if (!c->sts_body && !(c->sts_body = malloc(CREDS_STS_BODY_MAX))) {
		err_set(&e, "out of memory");
		goto fail;
	}
	q = c->sts_body;
	q[0] = '\0';
	if (r->session_name[0])
		copy(session, sizeof session, r->session_name);
	else
		fmt_snprintf(session, sizeof session, "notify53-%lld", (long long)c->last_fetch);
	fmt_snprintf(dur, sizeof dur, "%d", r->duration);
	vals[0] = action;
	vals[1] = "2011-06-15";
	vals[2] = r->arn;
	vals[3] = session;
	vals[4] = r->duration ? dur : NULL;
	vals[5] = k && r->external_id[0] ? r->external_id : NULL;
	for (int i = 0; i < 6; i++)
		if (vals[i] && sigv4_query_add(q, CREDS_STS_BODY_MAX, names[i], vals[i]) < 0) {
			err_set(&e, "request too long");
			goto fail;
		}
	if (!k && add_web_token(c, q, CREDS_STS_BODY_MAX) < 0)
		return -1;
	memset(&c->sts_call, 0, sizeof c->sts_call);
	c->sts_call.done = sts_done;
	req->method = "POST";
	req->target = "/";
	req->body = q;
	req->body_len = strlen(q);
	http_request_add(req, "Content-Type", form);
	if (k) {
		const struct sigv4_header sh[] = { { "Host", c->sts.url.hostport },
			{ "Content-Type", form } };
		const struct sigv4_creds sc = { k->access_key, k->secret,
			k->token[0] ? k->token : NULL };
		struct sigv4_request sr = { "POST", "/", NULL, sh, 2, q, req->body_len };

		if (sigv4_init(&c->sts_signer, r->region, "sts", &e) < 0 ||
		    sigv4_sign(&c->sts_signer, &sc, c->last_fetch, &sr, &c->sts_sig, &e) < 0)
			goto fail;
		for (size_t i = 0; i < c->sts_sig.nheaders; i++)
			http_request_add(req, c->sts_sig.headers[i].name, c->sts_sig.headers[i].value);
	}
	http_client_send(&c->sts, &c->sts_call);
	return 0;
fail:
	return err_set(&c->err, "%s: %s: %s", r->who, action, e.msg);
}

/* ---- credential_process ------------------------------------------------------- */

/* Its stderr to the log, line by line, control characters replaced. */
static void
log_stderr(struct creds *c)
{
	char *p = c->child.errtext, *end = p + c->child.errlen;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;

		for (char *q = p; q < le; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = ' ';
		*le = '\0';
		if (le > p)
			log_warn("%s: credential_process stderr: %s", c->proc_who, p);
		p = le + 1;
	}
}

static void
proc_done(struct child *ch)
{
	struct creds *c = LOOP_CONTAINER_OF(ch, struct creds, child);
	struct creds_value v;
	struct err e = { 0 };
	const char *why = e.msg;

	switch (ch->end) {
	case CHILD_TIMEOUT:
		err_set(&e, "killed at its time limit (%d s)", c->process_timeout_s);
		break;
	case CHILD_TOO_LARGE:
		err_set(&e, "killed: more than %d bytes of output", CREDS_PROCESS_MAX_OUTPUT);
		break;
	case CHILD_FAILED:
		why = ch->err.msg;
		break;
	default:
		if (!WIFEXITED(ch->status) || WEXITSTATUS(ch->status))
			child_status_str(ch->status, e.msg, sizeof e.msg);
		else if (creds_parse_process(ch->out.data ? ch->out.data : "", ch->out.len, &v,
		    &e) == 0)
			why = NULL;
	}
	buf_free(&ch->out);
	if (why) {
		err_set(&c->err, "%s: credential_process %s: %s", c->proc_who, c->proc_argv[0],
		    why);
		log_stderr(c);
		fetch_end(c, 0);
		return;
	}
	stage_done(c, &v);
}

static int
proc_start(struct creds *c)
{
	struct err e = { 0 };

	memset(&c->child, 0, sizeof c->child);
	c->child.argv = c->proc_argv;
	c->child.timeout_ms = c->process_timeout_s * 1000;
	c->child.out_max = CREDS_PROCESS_MAX_OUTPUT;
	c->child.done = proc_done;
	if (child_start(&c->child, &e) < 0)
		return err_set(&c->err, "%s: credential_process: %s", c->proc_who, e.msg);
	return 0;
}

/* ---- ECS and IMDS answers ----------------------------------------------------------- */

static void
fetch_done(struct http_call *call)
{
	struct creds *c = LOOP_CONTAINER_OF(call, struct creds, call);
	static const char *const whats[] = { "container credentials", "instance metadata token",
		"instance metadata role", "instance metadata credentials" };
	const struct http_response *resp = call->resp;
	const char *what = whats[c->step];
	struct creds_value v;
	struct err e = { 0 };
	size_t n;

	if (call->error != HTTP_OK) {
		err_set(&c->err, "%s: %s", what, call->err.msg);
		goto fail;
	}
	if (resp->status != 200) {
		err_set(&c->err, "%s: HTTP %d%s", what, resp->status,
		    c->step == STEP_IMDS_ROLE && resp->status == 404 ? " (no IAM role attached)" : "");
		goto fail;
	}
	switch (c->step) {
	case STEP_IMDS_TOKEN:
		n = resp->body.len;
		while (n && isspace((unsigned char)resp->body.data[n - 1]))
			n--;
		if (put_field(c->imds_token, sizeof c->imds_token, resp->body.data, n,
		    what, &e) < 0 || !n) {
			err_set(&c->err, "%s", n ? e.msg : "empty instance metadata token");
			goto fail;
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
			goto fail;
		}
		c->step = STEP_IMDS_CREDS;
		break;
	default:
		if (creds_parse_json(resp->body.data, resp->body.len, &v, &e) < 0) {
			err_set(&c->err, "%s: %s", what, e.msg);
			goto fail;
		}
		stage_done(c, &v);
		return;
	}
	if (send_step(c) == 0)
		return;
fail:
	fetch_end(c, 0);
}

/* Start a fetch of the chosen source. Returns 0 (running) or -1 with
 * c->err. */
static int
fetch_start(struct creds *c, time_t now)
{
	struct err e = { 0 };

	c->fetching = 1;
	c->failed = 0;
	c->last_fetch = now;
	c->stage = -1;
	err_clear(&c->err);
	switch (c->base) {
	case CREDS_ECS:
	case CREDS_IMDS:
		break;
	case CREDS_WEB_IDENTITY:
		return sts_send(c, &c->web, NULL);
	case CREDS_PROCESS:
		return proc_start(c);
	default:
		/* Static keys under a role. */
		c->stage = 0;
		c->prev = c->base_keys;
		return sts_send(c, &c->roles[0], &c->prev);
	}
	if (!c->http_ready) {
		if (client_init(c, &c->meta, c->endpoint, c->base == CREDS_IMDS ?
		    CREDS_IMDS_TIMEOUT_MS : CREDS_ECS_TIMEOUT_MS, NULL, &e) < 0)
			return err_set(&c->err, "%s: %s", creds_source_name(c->base), e.msg);
		c->http_ready = 1;
	}
	if (c->base == CREDS_ECS && ecs_auth(c) < 0)
		return -1;
	c->step = c->base == CREDS_ECS ? STEP_ECS : STEP_IMDS_TOKEN;
	return send_step(c);
}

const struct sigv4_creds *
creds_get(struct creds *c, time_t now)
{
	enum creds_refresh st;
	struct err e = { 0 };
	time_t min_gap;

	if (c->have && c->cur.expiration && now >= c->cur.expiration) {
		value_wipe(&c->cur);
		c->have = 0;
	}
	if (c->fetching)
		return c->have && creds_refresh_state(c->cur.expiration, c->obtained, now) !=
		    CREDS_MANDATORY ? &c->sig : NULL;
	if (c->failed) {
		c->failed = 0;
		return c->have ? &c->sig : NULL;
	}
	/* No keys: a fetch, and nothing until it ends. */
	st = CREDS_MANDATORY;
	if (!c->have) {
		if (c->dynamic == CREDS_NONE) {
			int rc = resolve(c, &e);

			if (rc < 0)
				err_set(&c->err, "%s", e.msg);
			else if (rc == 0)
				err_set(&c->err, "no AWS credentials any more in the chain");
			if (rc != 2)
				return rc > 0 ? &c->sig : NULL;
		}
	} else {
		st = creds_refresh_state(c->cur.expiration, c->obtained, now);
		/* Keys with a short life: no more than a fetch per quarter of
		 * it. */
		min_gap = life_part(c->cur.expiration, c->obtained, 2, CREDS_REFETCH_MIN_S);
		if (st == CREDS_FRESH || c->dynamic == CREDS_NONE || now - c->last_fetch < min_gap)
			return &c->sig;
	}
	/* fetch_start never ends the fetch itself (its callbacks run from
	 * the loop): c->have is as above. */
	if (fetch_start(c, now) < 0)
		c->fetching = 0;
	else if (st == CREDS_MANDATORY)
		return NULL;
	return c->have ? &c->sig : NULL;
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
	if (c->sts_ready)
		http_client_free(&c->sts);
	child_free(&c->child);
	if (c->sts_body)
		wipe_free(c->sts_body, CREDS_STS_BODY_MAX);
	secret_wipe(c, sizeof *c);
}
