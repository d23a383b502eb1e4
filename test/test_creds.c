/*
 * creds without AWS: the INI reader (profiles, comments, both file
 * dialects, half keys), the credentials JSON, ISO 8601 times, the refresh
 * windows, container URIs, the order of the chain (config, environment,
 * shared file, config file, container, instance metadata), re-reading after
 * ExpiredToken, the file-mode warning, and the container and IMDSv2 fetches
 * against a scripted HTTP server on 127.0.0.1 (test/fakehttp.h). Secrets
 * never appear in messages.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/creds.h"
#include "fakehttp.h"
#include "base/log.h"
#include "tap.h"

static char dir[64];

static void
write_file(const char *name, const char *text, int mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static const char shared_ini[] =
	"# a comment\n"
	"[default]\n"
	"aws_access_key_id = AKIDDEFAULT\n"
	"aws_secret_access_key=SECRETDEFAULT\n"
	"\n"
	"; another comment\n"
	"[ prod ]\r\n"
	"AWS_ACCESS_KEY_ID\t=\tAKIDPROD  \r\n"
	"aws_secret_access_key = SECRETPROD\r\n"
	"aws_session_token = TOKENPROD\r\n"
	"s3 =\n"
	"  aws_access_key_id = NESTED\n"
	"[legacy]\n"
	"aws_access_key_id = AKIDLEGACY\n"
	"aws_secret_access_key = SECRETLEGACY\n"
	"aws_security_token = TOKENLEGACY\n"
	"[half]\n"
	"aws_access_key_id = AKIDHALF\n"
	"[role]\n"
	"role_arn = arn:aws:iam::1:role/x\n"
	"source_profile = default\n"
	"[profile prod]\n"
	"aws_access_key_id = WRONG\n"
	"aws_secret_access_key = WRONG\n";

static const char config_ini[] =
	"[default]\n"
	"region = us-east-1\n"
	"aws_access_key_id = AKIDCFGDEFAULT\n"
	"aws_secret_access_key = SECRETCFGDEFAULT\n"
	"[profile   dev]\n"
	"aws_access_key_id = AKIDDEV\n"
	"aws_secret_access_key = SECRETDEV\n"
	"[dev]\n"
	"aws_access_key_id = WRONG\n"
	"aws_secret_access_key = WRONG\n";

static void
ini(void)
{
	struct creds_value v;
	struct err e = { 0 };
	int found;
	size_t n = strlen(shared_ini);

	ok(creds_ini_find(shared_ini, n, "default", 0, &v, &found, &e) == 1 &&
	    !strcmp(v.access_key, "AKIDDEFAULT") && !strcmp(v.secret, "SECRETDEFAULT") &&
	    !v.token[0], "credentials file [default]");
	ok(creds_ini_find(shared_ini, n, "prod", 0, &v, &found, &e) == 1 &&
	    !strcmp(v.access_key, "AKIDPROD") && !strcmp(v.secret, "SECRETPROD") &&
	    !strcmp(v.token, "TOKENPROD"),
	    "[ prod ]: blanks, CRLF, upper-case key name, token; nested value ignored");
	ok(creds_ini_find(shared_ini, n, "legacy", 0, &v, &found, &e) == 1 &&
	    !strcmp(v.token, "TOKENLEGACY"), "aws_security_token (legacy)");
	ok(creds_ini_find(shared_ini, n, "nope", 0, &v, &found, &e) == 0 && !found,
	    "a missing profile: 0, section not found");
	ok(creds_ini_find(shared_ini, n, "role", 0, &v, &found, &e) == 0 && found,
	    "a profile without keys: 0, section found");
	ok(creds_ini_find(shared_ini, n, "half", 0, &v, &found, &e) < 0 &&
	    strstr(e.msg, "no aws_secret_access_key") && !strstr(e.msg, "AKIDHALF"),
	    "one key only: %s", e.msg);
	ok(creds_ini_find(shared_ini, n, "profile prod", 0, &v, &found, &e) == 1 &&
	    !strcmp(v.access_key, "WRONG"), "credentials file: [profile prod] is a profile so named");

	n = strlen(config_ini);
	ok(creds_ini_find(config_ini, n, "default", 1, &v, &found, &e) == 1 &&
	    !strcmp(v.access_key, "AKIDCFGDEFAULT"), "config file [default]");
	ok(creds_ini_find(config_ini, n, "dev", 1, &v, &found, &e) == 1 &&
	    !strcmp(v.access_key, "AKIDDEV"), "config file [profile   dev], not [dev]");
	ok(creds_ini_find("[profile default]\naws_access_key_id=A\naws_secret_access_key=B\n", sizeof "[profile default]\naws_access_key_id=A\naws_secret_access_key=B\n" - 1,
	    "default", 1, &v, &found, &e) == 1 && !strcmp(v.access_key, "A"),
	    "config file [profile default]");
	ok(creds_ini_find("[default]\naws_access_key_id=A\n", sizeof "[default]\naws_access_key_id=A\n" - 1, "default", 1, &v, &found, &e) < 0,
	    "config file: half keys refused");
	err_clear(&e);
	{
		char big[400];

		snprintf(big, sizeof big, "[default]\naws_access_key_id=A\naws_secret_access_key=%0200d\n",
		    7);
		ok(creds_ini_find(big, strlen(big), "default", 0, &v, &found, &e) < 0 &&
		    strstr(e.msg, "longer than") && !strstr(e.msg, "0000"),
		    "an over-long secret is refused without showing it: %s", e.msg);
	}
	err_clear(&e);
	ok(creds_ini_find("[default]\naws_access_key_id=A B\naws_secret_access_key=S\n", sizeof "[default]\naws_access_key_id=A B\naws_secret_access_key=S\n" - 1,
	    "default", 0, &v, &found, &e) < 0 && strstr(e.msg, "space"),
	    "a key with a space is refused: %s", e.msg);
	ok(creds_ini_find("[default\naws_access_key_id=A\naws_secret_access_key=S\n", sizeof "[default\naws_access_key_id=A\naws_secret_access_key=S\n" - 1,
	    "default", 0, &v, &found, &e) == 0 && !found, "a broken section header is no section");
	ok(creds_ini_find("aws_access_key_id=A\naws_secret_access_key=S\n", sizeof "aws_access_key_id=A\naws_secret_access_key=S\n" - 1, "default", 0, &v,
	    &found, &e) == 0, "keys before any section belong to none");
}

static void
json(void)
{
	static const char imds[] = "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : "
	    "\"2026-08-22T10:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIAX\",\n"
	    "  \"SecretAccessKey\" : \"S3CR3T\",\n  \"Token\" : \"T0K3N\",\n  \"Expiration\" : "
	    "\"2026-08-22T16:00:00Z\"\n}";
	static const char ecs[] = "{\"AccessKeyId\":\"ASIAY\",\"SecretAccessKey\":\"S\",\"Token\":"
	    "\"T\",\"Expiration\":\"2026-08-22T16:00:00.123+02:00\",\"RoleArn\":\"arn:x\"}";
	struct creds_value v;
	struct err e = { 0 };
	time_t t;
	long long want;

	ok(creds_parse_json(imds, strlen(imds), &v, &e) == 0 && !strcmp(v.access_key, "ASIAX") &&
	    !strcmp(v.secret, "S3CR3T") && !strcmp(v.token, "T0K3N") &&
	    v.expiration == 1787414400, "IMDS credentials document");
	ok(creds_parse_json(ecs, strlen(ecs), &v, &e) == 0 && !strcmp(v.access_key, "ASIAY") &&
	    v.expiration == 1787414400 - 7200, "container document, offset and fraction");
	ok(creds_parse_json("{\"Code\":\"Failure\",\"SecretAccessKey\":\"S3CR3T\"}", sizeof "{\"Code\":\"Failure\",\"SecretAccessKey\":\"S3CR3T\"}" - 1, &v, &e) < 0 &&
	    strstr(e.msg, "Failure") && !strstr(e.msg, "S3CR3T"), "Code not Success: %s", e.msg);
	err_clear(&e);
	ok(creds_parse_json("{\"AccessKeyId\":\"A\"}", sizeof "{\"AccessKeyId\":\"A\"}" - 1, &v, &e) < 0 &&
	    strstr(e.msg, "SecretAccessKey"), "no secret: %s", e.msg);
	err_clear(&e);
	ok(creds_parse_json("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S3CR3T\",\"Expiration\":"
	    "\"tomorrow\"}", sizeof "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S3CR3T\",\"Expiration\":"
	    "\"tomorrow\"}" - 1, &v, &e) < 0 && strstr(e.msg, "Expiration"), "bad Expiration: %s",
	    e.msg);
	err_clear(&e);
	ok(creds_parse_json("[1]", sizeof "[1]" - 1, &v, &e) < 0 && strstr(e.msg, "JSON"), "not an object: %s",
	    e.msg);
	err_clear(&e);
	ok(creds_parse_json("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S3 CR3T\"}", sizeof "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S3 CR3T\"}" - 1, &v,
	    &e) < 0 && !strstr(e.msg, "S3 CR3T"), "a secret with a space: %s", e.msg);
	ok(creds_parse_json(imds, 40, &v, &e) < 0, "a cut document");
	ok(creds_parse_json("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", sizeof "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}" - 1, &v, &e) == 0 &&
	    v.expiration == 0 && !v.token[0], "static keys: no token, no expiration");

	ok(creds_parse_time("1970-01-01T00:00:00Z", &t) == 0 && t == 0, "time: the epoch");
	ok(creds_parse_time("2026-08-22T16:00:00Z", &t) == 0 && t == 1787414400, "time: Z");
	ok(creds_parse_time("2026-08-22T16:00:00.5-01:30", &t) == 0 && t == 1787414400 + 5400,
	    "time: fraction and negative offset");
	ok(creds_parse_time("2026-08-22 16:00:00Z", &t) == 0, "time: a space for T");
	ok(creds_parse_time("2026-08-22T16:00:00", &t) < 0, "time: no zone refused");
	ok(creds_parse_time("2026-13-22T16:00:00Z", &t) < 0, "time: month 13 refused");
	ok(creds_parse_time("2026-8-22T16:00:00Z", &t) < 0, "time: one-digit month refused");
	ok(creds_parse_time("2026-08-22T16:00:00.Z", &t) < 0, "time: empty fraction refused");
	ok(creds_parse_time("2026-08-22T16:00:00Z ", &t) < 0, "time: trailing text refused");
	ok(creds_parse_time("", &t) < 0, "time: empty refused");
	ok(creds_parse_time("2000-02-29T12:00:00Z", &t) == 0 && t == 951825600, "time: leap day");
	want = sizeof(time_t) > 4 ? 4070908800LL : 0x7fffffffLL;
	ok(creds_parse_time("2099-01-01T00:00:00Z", &t) == 0 && (long long)t == want,
	    "time: 2099 exact, or the latest time a 32-bit time_t holds");

	is_int(creds_refresh_state(0, 0, 12345), CREDS_FRESH, "no expiration: fresh");
	is_int(creds_refresh_state(10000, 0, 10000 - 301), CREDS_FRESH, "5 min 1 s left: fresh");
	is_int(creds_refresh_state(10000, 0, 10000 - 300), CREDS_ADVISORY, "5 min left: advisory");
	is_int(creds_refresh_state(10000, 0, 10000 - 61), CREDS_ADVISORY, "1 min 1 s: advisory");
	is_int(creds_refresh_state(10000, 0, 10000 - 60), CREDS_MANDATORY, "1 min left: mandatory");
	is_int(creds_refresh_state(10000, 0, 20000), CREDS_MANDATORY, "expired: mandatory");
	is_int(creds_refresh_state(10000, 10000 - 3600, 10000 - 301), CREDS_FRESH,
	    "an hour's keys: fresh until 5 min before");
	is_int(creds_refresh_state(10000, 10000 - 20, 10000 - 11), CREDS_FRESH,
	    "20 s keys: fresh in their first half");
	is_int(creds_refresh_state(10000, 10000 - 20, 10000 - 10), CREDS_ADVISORY,
	    "20 s keys: advisory in their second half");
	is_int(creds_refresh_state(10000, 10000 - 20, 10000 - 5), CREDS_MANDATORY,
	    "20 s keys: mandatory in their last quarter");
}

static void
uris(void)
{
	char ep[128], path[128];
	struct err e = { 0 };

	ok(creds_ecs_uri("http://127.0.0.1:8080/creds?x=1", ep, sizeof ep, path, sizeof path,
	    &e) == 0 && !strcmp(ep, "http://127.0.0.1:8080") && !strcmp(path, "/creds?x=1"),
	    "loopback full URI: %s + %s", ep, path);
	ok(creds_ecs_uri("http://169.254.170.23/v1/credentials", ep, sizeof ep, path, sizeof path,
	    &e) == 0, "EKS Pod Identity address");
	ok(creds_ecs_uri("http://169.254.170.2/v2/credentials/x", ep, sizeof ep, path, sizeof path,
	    &e) == 0, "ECS address");
	ok(creds_ecs_uri("http://[::1]:9/x", ep, sizeof ep, path, sizeof path, &e) == 0 &&
	    !strcmp(ep, "http://[::1]:9"), "IPv6 loopback");
	ok(creds_ecs_uri("http://localhost:9", ep, sizeof ep, path, sizeof path, &e) == 0 &&
	    !strcmp(path, "/"), "localhost, no path");
	ok(creds_ecs_uri("https://creds.example.com/x", ep, sizeof ep, path, sizeof path, &e) == 0,
	    "https: any host");
	ok(creds_ecs_uri("http://192.0.2.1/x", ep, sizeof ep, path, sizeof path, &e) < 0 &&
	    strstr(e.msg, "plain http only"), "plain http elsewhere refused: %s", e.msg);
	err_clear(&e);
	ok(creds_ecs_uri("http://evil.example/x", ep, sizeof ep, path, sizeof path, &e) < 0,
	    "plain http to a name refused");
	err_clear(&e);
	ok(creds_ecs_uri("/just/a/path", ep, sizeof ep, path, sizeof path, &e) < 0,
	    "not a URL: %s", e.msg);
}

/* ---- the chain ------------------------------------------------------------------ */

static void
clear_env(void)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	/* Never the real metadata service, never the real ~/.aws. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("HOME", dir, 1);
}

/* creds_init, then the key ID in use ("" for none, "ERR: msg" on error). */
static const char *
chain(const struct cfg_aws *aws)
{
	static char out[ERR_MSG_MAX + 16];
	struct creds c;
	struct err e = { 0 };
	const struct sigv4_creds *sc;

	if (creds_init(&c, aws, NULL, &e) < 0) {
		snprintf(out, sizeof out, "ERR: %s", e.msg);
		creds_free(&c);
		return out;
	}
	sc = creds_get(&c, time(NULL));
	snprintf(out, sizeof out, "%s%s%s", sc ? sc->access_key : "", sc && sc->token ? "+" : "",
	    sc && sc->token ? sc->token : "");
	if (!sc && c.err.set)
		snprintf(out, sizeof out, "NONE: %s", c.err.msg);
	creds_free(&c);
	return out;
}

/* Capture stderr (log lines) around f. */
static int log_fd = -1, saved_fd = -1;
static char log_path[128];

static void
log_capture(void)
{
	fflush(stderr);
	snprintf(log_path, sizeof log_path, "%s/log", dir);
	log_fd = open(log_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	saved_fd = dup(2);
	dup2(log_fd, 2);
}

static char *
log_release(void)
{
	static char buf[4096];
	ssize_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	lseek(log_fd, 0, SEEK_SET);
	n = read(log_fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(log_fd);
	unlink(log_path);
	return buf;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static void
order(void)
{
	struct cfg_aws aws = { 0 };
	char shared[128], cfgfile[128];
	const char *log;

	clear_env();
	snprintf(shared, sizeof shared, "%s/.aws/credentials", dir);
	snprintf(cfgfile, sizeof cfgfile, "%s/.aws/config", dir);
	ok(!strncmp(chain(&aws), "NONE: no AWS credentials", 24), "nothing anywhere: %s",
	    chain(&aws));

	write_file(".aws/config", config_ini, 0600);
	is_str(chain(&aws), "AKIDCFGDEFAULT", "~/.aws/config [default]");
	log_capture();
	write_file(".aws/credentials", shared_ini, 0644);
	is_str(chain(&aws), "AKIDDEFAULT", "~/.aws/credentials before ~/.aws/config");
	chain(&aws);
	log = log_release();
	ok(strstr(log, shared) && count(log, "readable by group or others") == 1,
	    "a group-readable credentials file is warned about once: %s", log);
	chmod(shared, 0600);

	setenv("AWS_PROFILE", "prod", 1);
	is_str(chain(&aws), "AKIDPROD+TOKENPROD", "AWS_PROFILE=prod (with its token)");
	setenv("AWS_PROFILE", "dev", 1);
	is_str(chain(&aws), "AKIDDEV", "AWS_PROFILE=dev: only in the config file");
	setenv("AWS_PROFILE", "ghost", 1);
	ok(strstr(chain(&aws), "ERR: AWS profile ghost not found"), "a missing named profile: %s",
	    chain(&aws));
	setenv("AWS_PROFILE", "role", 1);
	ok(strstr(chain(&aws), "NONE: profile \"role\": AssumeRole: https://sts.us-east-1."
	    "amazonaws.com"), "an assume-role profile: AssumeRole at regional STS: %s",
	    chain(&aws));
	setenv("AWS_PROFILE", "half", 1);
	ok(strstr(chain(&aws), "ERR: ") && strstr(chain(&aws), "no aws_secret_access_key") &&
	    strstr(chain(&aws), shared), "half a key pair names the file: %s", chain(&aws));
	unsetenv("AWS_PROFILE");

	aws.profile = "legacy";
	is_str(chain(&aws), "AKIDLEGACY+TOKENLEGACY", "aws.profile from notify53's config");
	setenv("AWS_PROFILE", "prod", 1);
	is_str(chain(&aws), "AKIDLEGACY+TOKENLEGACY", "aws.profile wins over AWS_PROFILE");
	unsetenv("AWS_PROFILE");
	aws.profile = NULL;

	write_file("other", "[default]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=S\n",
	    0600);
	{
		char other[128];

		snprintf(other, sizeof other, "%s/other", dir);
		setenv("AWS_SHARED_CREDENTIALS_FILE", other, 1);
		is_str(chain(&aws), "AKIDOTHER", "AWS_SHARED_CREDENTIALS_FILE");
		unsetenv("AWS_SHARED_CREDENTIALS_FILE");
		aws.credentials_file = other;
		is_str(chain(&aws), "AKIDOTHER", "aws.credentials_file");
		aws.credentials_file = NULL;
		setenv("AWS_CONFIG_FILE", other, 1);
		setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/x", 1);
		is_str(chain(&aws), "AKIDOTHER", "AWS_CONFIG_FILE; a missing shared file is skipped");
		unsetenv("AWS_CONFIG_FILE");
		unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	}

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
	is_str(chain(&aws), "AKIDENV", "environment before the files");
	setenv("AWS_SESSION_TOKEN", "TOKENENV", 1);
	setenv("AWS_PROFILE", "prod", 1);
	is_str(chain(&aws), "AKIDENV+TOKENENV", "environment with a token, even with AWS_PROFILE");
	unsetenv("AWS_PROFILE");
	aws.access_key_id = "AKIDCONFIG";
	aws.secret_access_key = "SECRETCONFIG";
	is_str(chain(&aws), "AKIDCONFIG", "notify53's config before the environment");
	aws.session_token = "TOKENCONFIG";
	is_str(chain(&aws), "AKIDCONFIG+TOKENCONFIG", "config with a session token");
	aws.secret_access_key = NULL;
	ok(strstr(chain(&aws), "ERR: ") && strstr(chain(&aws), "go together"),
	    "config: half a key pair: %s", chain(&aws));
	aws.access_key_id = aws.session_token = NULL;
	unsetenv("AWS_SECRET_ACCESS_KEY");
	ok(strstr(chain(&aws), "ERR: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
	    "environment: half a key pair: %s", chain(&aws));
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SESSION_TOKEN");
	setenv("AWS_SECRET_ACCESS_KEY", "SECRET s p a c e", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	ok(strstr(chain(&aws), "ERR: ") && !strstr(chain(&aws), "s p a c e"),
	    "a bad secret is refused without showing it: %s", chain(&aws));
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");

	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds", 1);
	ok(strstr(chain(&aws), "AKIDDEFAULT") != NULL, "files before the container provider");
	unlink(shared);
	unlink(cfgfile);
	ok(strstr(chain(&aws), "ERR: ") && strstr(chain(&aws), "plain http only"),
	    "container URI checked when it is used: %s", chain(&aws));
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

/* ExpiredToken: the static chain is read again. */
static void
reload(void)
{
	struct cfg_aws aws = { 0 };
	struct creds c;
	struct err e = { 0 };
	const struct sigv4_creds *sc;

	clear_env();
	write_file(".aws/credentials", "[default]\naws_access_key_id=AKIDOLD\n"
	    "aws_secret_access_key=S\n", 0600);
	ok(creds_init(&c, &aws, NULL, &e) == 0 && (sc = creds_get(&c, time(NULL))) &&
	    !strcmp(sc->access_key, "AKIDOLD"), "keys from the file");
	write_file(".aws/credentials", "[default]\naws_access_key_id=AKIDNEW\n"
	    "aws_secret_access_key=S\n", 0600);
	sc = creds_get(&c, time(NULL));
	ok(sc && !strcmp(sc->access_key, "AKIDOLD"), "kept while they work");
	creds_expired(&c);
	sc = creds_get(&c, time(NULL));
	ok(sc && !strcmp(sc->access_key, "AKIDNEW"), "read again after ExpiredToken");
	ok(c.source == CREDS_SHARED_FILE && strstr(c.where, "profile default in "),
	    "source %s, %s", creds_source_name(c.source), c.where);
	{
		char path[128];

		snprintf(path, sizeof path, "%s/.aws/credentials", dir);
		unlink(path);
	}
	creds_expired(&c);
	ok(!creds_get(&c, time(NULL)) && !c.fetching && c.err.set, "gone: none (%s)", c.err.msg);
	creds_free(&c);
}

/* ---- fetches ---------------------------------------------------------------------- */

static struct fake_http srv;
static int nready;

static void
ready(struct creds *c)
{
	(void)c;
	nready++;
}

static void
wait_ready(int want)
{
	int64_t end = loop_refresh_now() + 5000;

	while (nready < want && loop_refresh_now() < end)
		loop_once(20);
}

static int
fetch_init(struct creds *c)
{
	struct cfg_aws aws = { 0 };
	struct err e = { 0 };

	if (creds_init(c, &aws, NULL, &e) < 0) {
		diag("creds_init: %s", e.msg);
		return -1;
	}
	c->ready = ready;
	nready = 0;
	return 0;
}

static void
fetches(void)
{
	char url[128], body[512], exp[32], tokfile[128];
	struct creds c;
	const struct sigv4_creds *sc;
	time_t now = time(NULL), soon = now + 11 * 60;
	struct tm tm;

	clear_env();
	if (!ok(fake_start(&srv) == 0, "scripted server on 127.0.0.1"))
		return;

	/* IMDSv2: token, role, credentials. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	gmtime_r(&soon, &tm);
	strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(body, sizeof body, "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":"
	    "\"ASIAIMDS\",\"SecretAccessKey\":\"IMDSSECRET\",\"Token\":\"IMDSTOKEN\","
	    "\"Expiration\":\"%s\"}", exp);
	fake_reply(&srv, 200, "", "AQAEAtoken==\n");
	fake_reply(&srv, 200, "", "notify53-role\n");
	fake_reply(&srv, 200, "", body);
	if (fetch_init(&c) < 0)
		return;
	ok(c.dynamic == CREDS_IMDS, "nothing else: instance metadata");
	ok(!creds_get(&c, now) && c.fetching, "first get: none yet, a fetch runs");
	ok(!creds_get(&c, now) && c.fetching, "asked again meanwhile: still fetching, no second");
	wait_ready(1);
	ok(nready == 1 && (sc = creds_get(&c, now)) && !strcmp(sc->access_key, "ASIAIMDS") &&
	    sc->token && !strcmp(sc->token, "IMDSTOKEN"), "IMDS keys with their token");
	ok(srv.nreqs == 3 && !strncmp(srv.reqs[0], "PUT /latest/api/token ", 22) &&
	    strstr(srv.reqs[0], "X-aws-ec2-metadata-token-ttl-seconds: 21600\r\n") &&
	    !strncmp(srv.reqs[1], "GET /latest/meta-data/iam/security-credentials/ ", 48) &&
	    strstr(srv.reqs[1], "X-aws-ec2-metadata-token: AQAEAtoken==\r\n") &&
	    !strncmp(srv.reqs[2], "GET /latest/meta-data/iam/security-credentials/notify53-role ",
	    61) && strstr(srv.reqs[2], "X-aws-ec2-metadata-token: AQAEAtoken==\r\n"),
	    "token PUT with TTL, role, then the role's credentials, token on both GETs");
	ok(c.cur.expiration == soon, "Expiration kept");

	/* 4 of 11 minutes left: inside the advisory window, used while refreshing. */
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "tok2");
	fake_reply(&srv, 200, "", "notify53-role");
	snprintf(body, sizeof body, "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIANEW\","
	    "\"SecretAccessKey\":\"S2\",\"Token\":\"T2\",\"Expiration\":\"2099-01-01T00:00:00Z\"}");
	fake_reply(&srv, 200, "", body);
	sc = creds_get(&c, now + 7 * 60);
	ok(sc && !strcmp(sc->access_key, "ASIAIMDS") && c.fetching,
	    "advisory window: the old keys, a refresh in the background");
	wait_ready(2);
	sc = creds_get(&c, now + 7 * 60);
	ok(sc && !strcmp(sc->access_key, "ASIANEW"), "then the new keys");

	/* ExpiredToken: fetched again before the next use. */
	fake_reset(&srv);
	fake_reply(&srv, 401, "", "");
	creds_expired(&c);
	ok(!creds_get(&c, now) && c.fetching, "after ExpiredToken: fetching");
	wait_ready(3);
	ok(!creds_get(&c, now) && !c.fetching && strstr(c.err.msg, "HTTP 401"), "a refused token PUT is reported once: %s", c.err.msg);
	ok(!creds_get(&c, now) && c.fetching, "and the next get tries again");
	wait_ready(4);
	creds_free(&c);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "tok");
	fake_reply(&srv, 404, "", "");
	if (fetch_init(&c) < 0)
		return;
	creds_get(&c, now);
	wait_ready(1);
	ok(!creds_get(&c, now) && strstr(c.err.msg, "no IAM role"), "no role: %s", c.err.msg);
	creds_free(&c);

	fake_reset(&srv);
	fake_reply(&srv, 200, "", "tok");
	fake_reply(&srv, 200, "", "role");
	fake_reply(&srv, 200, "", "{\"Code\":\"Success\",\"AccessKeyId\":\"A\"}");
	if (fetch_init(&c) < 0)
		return;
	creds_get(&c, now);
	wait_ready(1);
	ok(!creds_get(&c, now) && strstr(c.err.msg, "SecretAccessKey"), "bad document: %s",
	    c.err.msg);
	creds_free(&c);

	/* Keys that have already expired when they arrive (a clock ahead of
	 * the issuer's, a stale cache behind the endpoint): a failed fetch,
	 * reported, not a new fetch at once, again and again. */
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "tok");
	fake_reply(&srv, 200, "", "role");
	fake_reply(&srv, 200, "", "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAOLD\","
	    "\"SecretAccessKey\":\"S\",\"Token\":\"T\",\"Expiration\":\"2001-01-01T00:00:00Z\"}");
	if (fetch_init(&c) < 0)
		return;
	creds_get(&c, now);
	wait_ready(1);
	ok(!creds_get(&c, now) && !c.fetching && strstr(c.err.msg, "expired") && srv.nreqs == 3,
	    "keys expired on arrival: an error, no refetch loop: %s", c.err.msg);
	creds_free(&c);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);

	/* Container credentials with a token file. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v2/credentials/abc", srv.port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	write_file("ecs-token", "Bearer ecs-secret\n", 0600);
	snprintf(tokfile, sizeof tokfile, "%s/ecs-token", dir);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored", 1);
	fake_reset(&srv);
	fake_reply(&srv, 200, "", "{\"AccessKeyId\":\"ASIAECS\",\"SecretAccessKey\":\"E\","
	    "\"Token\":\"ET\",\"Expiration\":\"2099-01-01T00:00:00Z\",\"RoleArn\":\"arn:x\"}");
	if (fetch_init(&c) < 0)
		return;
	ok(c.dynamic == CREDS_ECS, "container credentials chosen");
	creds_get(&c, now);
	wait_ready(1);
	ok((sc = creds_get(&c, now)) && !strcmp(sc->access_key, "ASIAECS") &&
	    !strcmp(sc->token, "ET"), "container keys");
	ok(srv.nreqs == 1 && !strncmp(srv.reqs[0], "GET /v2/credentials/abc ", 24) &&
	    strstr(srv.reqs[0], "Authorization: Bearer ecs-secret\r\n"),
	    "GET of the URI path, Authorization from the token file");
	creds_free(&c);

	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok\r\nX-Evil: 1", 1);
	fake_reset(&srv);
	if (fetch_init(&c) < 0)
		return;
	ok(!creds_get(&c, now) && !c.fetching && strstr(c.err.msg, "line break") &&
	    srv.nreqs == 0, "a token with CR/LF is refused: %s", c.err.msg);
	creds_free(&c);
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");

	fake_stop(&srv);
}

/* A profile's temporary-credential settings: every key, checked values. */
static void
profiles(void)
{
	static const char text[] =
		"[profile dns-admin]\n"
		"Role_Arn = arn:aws:iam::123456789012:role/dns-admin\n"
		"source_profile = base\n"
		"credential_source = EcsContainer\n"
		"external_id = ext-42\n"
		"role_session_name = n53\n"
		"duration_seconds = 1800\n"
		"sts_regional_endpoints = legacy\n"
		"region = eu-west-1\n"
		"web_identity_token_file = /var/run/token\n"
		"credential_process = /usr/bin/helper --profile \"a b\"\n"
		"[profile bad]\n"
		"credential_source = Ec2\n"
		"[profile short]\n"
		"duration_seconds = 60\n";
	struct creds_profile p;
	struct err e = { 0 };

	memset(&p, 0, sizeof p);
	ok((err_clear(&e), creds_profile_read)(text, strlen(text), "dns-admin", 1, &p, &e) == 0 && p.found,
	    "profile read: %s", e.msg);
	is_str(p.role_arn, "arn:aws:iam::123456789012:role/dns-admin", "role_arn (any case)");
	is_str(p.source_profile, "base", "source_profile");
	is_str(p.credential_source, "EcsContainer", "credential_source");
	is_str(p.external_id, "ext-42", "external_id");
	is_str(p.role_session_name, "n53", "role_session_name");
	is_str(p.duration_seconds, "1800", "duration_seconds");
	is_str(p.sts_regional_endpoints, "legacy", "sts_regional_endpoints");
	is_str(p.region, "eu-west-1", "region");
	is_str(p.web_identity_token_file, "/var/run/token", "web_identity_token_file");
	is_str(p.credential_process, "/usr/bin/helper --profile \"a b\"", "credential_process");
	memset(&p, 0, sizeof p);
	ok((err_clear(&e), creds_profile_read)(text, strlen(text), "dns-admin", 0, &p, &e) == 0 && !p.found,
	    "the credentials file has no [profile x] sections");
	memset(&p, 0, sizeof p);
	ok((err_clear(&e), creds_profile_read)(text, strlen(text), "bad", 1, &p, &e) < 0 &&
	    !strcmp(e.msg, "profile \"bad\": credential_source must be Environment, "
	    "Ec2InstanceMetadata or EcsContainer"), "a bad credential_source: %s", e.msg);
	memset(&p, 0, sizeof p);
	ok((err_clear(&e), creds_profile_read)(text, strlen(text), "short", 1, &p, &e) < 0 &&
	    strstr(e.msg, "duration_seconds must be a whole number from 900 to 43200"),
	    "duration_seconds under 900: %s", e.msg);
}

/* Command lines split as shlex.split (POSIX mode) does. */
static void
split(void)
{
	static const struct {
		const char *in, *out; /* words joined by '|' */
	} v[] = {
		{ "helper", "helper" },
		{ "  /bin/helper  --a   b  ", "/bin/helper|--a|b" },
		{ "a 'b c' \"d e\"", "a|b c|d e" },
		{ "a\\ b c", "a b|c" },
		{ "\"a\\\"b\" 'a\\b' \"a\\b\"", "a\"b|a\\b|a\\b" },
		{ "x'y'\"z\" '' end", "xyz||end" },
		{ "a#b $HOME ~ *", "a#b|$HOME|~|*" },
		{ "\"a\\\\b\"", "a\\b" },
	};
	char words[256], got[256], *argv[9];
	struct err e = { 0 };
	int n;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = (err_clear(&e), creds_split_command)(v[i].in, words, sizeof words, argv, 8, &e);
		got[0] = '\0';
		for (int k = 0; k < n; k++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? "|" : "",
			    argv[k]);
		ok(n > 0 && !strcmp(got, v[i].out) && argv[n] == NULL, "split [%s] -> [%s]: %s",
		    v[i].in, v[i].out, n > 0 ? got : e.msg);
	}
	ok((err_clear(&e), creds_split_command)("a 'b", words, sizeof words, argv, 8, &e) < 0 &&
	    strstr(e.msg, "no closing quotation"), "unclosed quote: %s", e.msg);
	ok((err_clear(&e), creds_split_command)("a b\\", words, sizeof words, argv, 8, &e) < 0 &&
	    strstr(e.msg, "no escaped character"), "trailing backslash: %s", e.msg);
	ok((err_clear(&e), creds_split_command)("   ", words, sizeof words, argv, 8, &e) < 0 &&
	    strstr(e.msg, "empty"), "blank: %s", e.msg);
	ok((err_clear(&e), creds_split_command)("1 2 3 4 5 6 7 8 9", words, sizeof words, argv, 8, &e) < 0 &&
	    strstr(e.msg, "more than 8 words"), "too many words: %s", e.msg);
	ok((err_clear(&e), creds_split_command)("abcdefgh", words, 8, argv, 8, &e) < 0 && strstr(e.msg, "longer"),
	    "too long: %s", e.msg);
}

/* credential_process JSON and STS XML answers. */
static void
answers(void)
{
	static const char good[] = "{\"Version\": 1, \"AccessKeyId\": \"ASIAP\", "
		"\"SecretAccessKey\": \"PSECRET\", \"SessionToken\": \"PTOKEN\", "
		"\"Expiration\": \"2030-01-01T00:00:00Z\"}";
	static const char v2[] = "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
		"\"S\"}";
	static const char nosecret[] = "{\"Version\": 1, \"AccessKeyId\": \"A\"}";
	static const char noexp[] = "{\"Version\": 1, \"AccessKeyId\": \"AKIAP\", "
		"\"SecretAccessKey\": \"PSECRET\"}";
	struct creds_value v;
	struct err e = { 0 };
	char xml[1024];

	ok((err_clear(&e), creds_parse_process)(good, strlen(good), &v, &e) == 0 && !strcmp(v.access_key, "ASIAP") &&
	    !strcmp(v.secret, "PSECRET") && !strcmp(v.token, "PTOKEN") && v.expiration == 1893456000,
	    "process JSON: keys, token, Expiration");
	ok((err_clear(&e), creds_parse_process)(noexp, strlen(noexp), &v, &e) == 0 && !v.expiration && !v.token[0],
	    "process JSON without Expiration: keys that do not expire");
	ok((err_clear(&e), creds_parse_process)(v2, strlen(v2), &v, &e) < 0 &&
	    strstr(e.msg, "\"Version\": 1"), "Version 2: %s", e.msg);
	ok((err_clear(&e), creds_parse_process)(nosecret, strlen(nosecret), &v, &e) < 0 &&
	    strstr(e.msg, "no AccessKeyId or SecretAccessKey"), "no secret: %s", e.msg);
	ok((err_clear(&e), creds_parse_process)("hello", 5, &v, &e) < 0 && strstr(e.msg, "not a JSON object") &&
	    !strstr(e.msg, "hello"), "garbage, not quoted back: %s", e.msg);

	snprintf(xml, sizeof xml, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\"><AssumeRoleResult><AssumedRoleUser><Arn>a</Arn></AssumedRoleUser>"
	    "<Credentials><AccessKeyId>ASIAS</AccessKeyId><SecretAccessKey>SSECRET"
	    "</SecretAccessKey><SessionToken>STOK+/=</SessionToken><Expiration>"
	    "2030-01-01T00:00:00.123Z</Expiration></Credentials></AssumeRoleResult>"
	    "</AssumeRoleResponse>");
	ok((err_clear(&e), creds_parse_sts)(xml, strlen(xml), 200, "AssumeRole", &v, &e) == 0 &&
	    !strcmp(v.access_key, "ASIAS") && !strcmp(v.secret, "SSECRET") &&
	    !strcmp(v.token, "STOK+/=") && v.expiration == 1893456000, "STS answer parsed: %s",
	    e.msg);
	ok(!strstr(xml, "SSECRET"), "the answer's text is wiped after parsing");
	snprintf(xml, sizeof xml, "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
	    "<AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>");
	ok((err_clear(&e), creds_parse_sts)(xml, strlen(xml), 200, "AssumeRole", &v, &e) < 0 &&
	    strstr(e.msg, "no AssumeRoleResult/Credentials"), "incomplete: %s", e.msg);
	snprintf(xml, sizeof xml, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: x "
	    "is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>");
	ok((err_clear(&e), creds_parse_sts)(xml, strlen(xml), 403, "AssumeRole", &v, &e) < 0 &&
	    !strcmp(e.msg, "AccessDenied: User: x is not authorized"), "error shape: %s", e.msg);
	snprintf(xml, sizeof xml, "<html>bad gateway");
	ok((err_clear(&e), creds_parse_sts)(xml, strlen(xml), 502, "AssumeRole", &v, &e) < 0 &&
	    strstr(e.msg, "HTTP 502"), "not XML: %s", e.msg);
}

/* creds_init on profiles: the plan of roles, source_profile loops. */
static const char *
plan(const char *profile, struct creds *c)
{
	static char out[ERR_MSG_MAX + 64];
	struct cfg_aws aws = { 0 };
	struct err e = { 0 };

	struct creds t;

	setenv("AWS_PROFILE", profile, 1);
	if (creds_init(&t, &aws, NULL, &e) < 0) {
		snprintf(out, sizeof out, "ERR: %s", e.msg);
		creds_free(&t);
		memset(c, 0, sizeof *c);
		return out;
	}
	/* Nothing is allocated before the first fetch: a plain copy. */
	*c = t;
	out[0] = '\0';
	for (int i = 0; i < c->nroles; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
		    i ? " " : "", strrchr(c->roles[i].arn, '/') + 1);
	snprintf(out + strlen(out), sizeof out - strlen(out), " <- %s", creds_source_name(c->base));
	creds_free(&t);
	return out;
}

static void
chains(void)
{
	struct creds c;

	clear_env();
	write_file(".aws/credentials", "[keys]\naws_access_key_id = AKIDK\n"
	    "aws_secret_access_key = SK\n[selfkeys]\naws_access_key_id = AKIDS\n"
	    "aws_secret_access_key = SS\n", 0600);
	write_file(".aws/config",
	    "[profile a]\nrole_arn = arn:aws:iam::1:role/ra\nsource_profile = b\n"
	    "[profile b]\nrole_arn = arn:aws:iam::1:role/rb\nsource_profile = keys\n"
	    "[profile l1]\nrole_arn = arn:aws:iam::1:role/l1\nsource_profile = l2\n"
	    "[profile l2]\nrole_arn = arn:aws:iam::1:role/l2\nsource_profile = l3\n"
	    "[profile l3]\nrole_arn = arn:aws:iam::1:role/l3\nsource_profile = l1\n"
	    "[profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n"
	    "[profile selfkeys]\nrole_arn = arn:aws:iam::1:role/sk\nsource_profile = selfkeys\n"
	    "[profile env]\nrole_arn = arn:aws:iam::1:role/env\ncredential_source = Environment\n"
	    "[profile imds]\nrole_arn = arn:aws:iam::1:role/im\n"
	    "credential_source = Ec2InstanceMetadata\n"
	    "[profile both]\nrole_arn = arn:aws:iam::1:role/bo\nsource_profile = keys\n"
	    "credential_source = Environment\n"
	    "[profile nosrc]\nrole_arn = arn:aws:iam::1:role/ns\n"
	    "[profile ghostsrc]\nrole_arn = arn:aws:iam::1:role/gs\nsource_profile = ghost\n"
	    "[profile web]\nrole_arn = arn:aws:iam::1:role/web\n"
	    "web_identity_token_file = /var/run/t\n"
	    "[profile webnoarn]\nweb_identity_token_file = /var/run/t\n"
	    "[profile onweb]\nrole_arn = arn:aws:iam::1:role/ow\nsource_profile = web\n"
	    "[profile onproc]\nrole_arn = arn:aws:iam::1:role/op\nsource_profile = proc\n"
	    "[profile proc]\ncredential_process = /bin/echo '{}'\n"
	    "[profile badproc]\ncredential_process = /bin/echo 'x\n", 0600);
	is_str(plan("a", &c), "rb ra <- shared credentials file",
	    "two profiles: rb assumed with keys' keys, then ra");
	is_str(plan("l1", &c), "ERR: profile \"l3\": source_profile loop: l1 -> l2 -> l3 -> l1",
	    "a loop of three profiles, named in order");
	is_str(plan("self", &c), "ERR: profile \"self\": source_profile loop: self -> self",
	    "a profile its own source without keys: a loop");
	is_str(plan("selfkeys", &c), "sk <- shared credentials file",
	    "its own source with keys: its keys assume its role (as botocore)");
	ok(!strcmp(plan("env", &c), "ERR: profile \"env\": credential_source Environment, but "
	    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
	    "credential_source Environment without keys: %s", plan("env", &c));
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "SENV", 1);
	{
		struct cfg_aws aws = { 0 };
		struct err e = { 0 };

		aws.profile = "env";
		ok(creds_init(&c, &aws, NULL, &e) == 0 && c.base == CREDS_ENV && c.nroles == 1 &&
		    !strcmp(c.base_keys.access_key, "AKIDENV"),
		    "aws.profile env: the environment's keys assume its role %s", e.msg);
		creds_free(&c);
	}
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	is_str(plan("imds", &c), "im <- EC2 instance metadata", "credential_source "
	    "Ec2InstanceMetadata");
	is_str(plan("both", &c), "ERR: profile \"both\": source_profile and credential_source "
	    "exclude each other", "both sources refused");
	is_str(plan("nosrc", &c), "ERR: profile \"nosrc\": role_arn needs source_profile or "
	    "credential_source", "role_arn alone refused");
	is_str(plan("ghostsrc", &c), "ERR: profile \"ghostsrc\": its source_profile \"ghost\" "
	    "does not exist", "a missing source profile");
	is_str(plan("web", &c), " <- web identity", "web_identity_token_file with role_arn");
	ok(!strcmp(c.web.arn, "arn:aws:iam::1:role/web") && !strcmp(c.token_file, "/var/run/t") &&
	    !strcmp(c.web.endpoint, "https://sts.us-east-1.amazonaws.com"),
	    "web identity: role, token file, regional STS");
	is_str(plan("webnoarn", &c), "ERR: profile \"webnoarn\": a web identity token file but "
	    "no role ARN (role_arn or AWS_ROLE_ARN)", "web_identity_token_file without a role");
	is_str(plan("onweb", &c), "ow <- web identity", "a role on a web identity profile");
	is_str(plan("onproc", &c), "op <- credential_process", "a role on a process profile");
	is_str(plan("proc", &c), " <- credential_process", "credential_process");
	ok(!memcmp(c.proc_words, "/bin/echo\0{}\0", 13), "credential_process split into words");
	is_str(plan("badproc", &c), "ERR: profile \"badproc\": credential_process: no closing "
	    "quotation", "an unclosed quote refused at start");
	setenv("AWS_REGION", "eu-central-1", 1);
	plan("a", &c);
	is_str(c.roles[0].endpoint, "https://sts.eu-central-1.amazonaws.com",
	    "AWS_REGION: that region's STS");
	is_str(c.roles[0].region, "eu-central-1", "... and signing scope");
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
	plan("a", &c);
	ok(!strcmp(c.roles[0].endpoint, "https://sts.amazonaws.com") &&
	    !strcmp(c.roles[0].region, "us-east-1"), "legacy: the global endpoint, us-east-1");
	setenv("AWS_ENDPOINT_URL", "https://127.0.0.1:8443", 1);
	plan("a", &c);
	is_str(c.roles[1].endpoint, "https://127.0.0.1:8443", "AWS_ENDPOINT_URL");
	setenv("AWS_ENDPOINT_URL_STS", "https://127.0.0.1:9443", 1);
	plan("a", &c);
	is_str(c.roles[1].endpoint, "https://127.0.0.1:9443", "AWS_ENDPOINT_URL_STS");
	{
		struct cfg_aws aws = { 0 };
		struct err e = { 0 };

		unsetenv("AWS_ENDPOINT_URL_STS");
		unsetenv("AWS_ENDPOINT_URL");
		unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
		aws.role_arn = "arn:aws:iam::1:role/cfg";
		aws.access_key_id = "AKIDCFG";
		aws.secret_access_key = "SCFG";
		aws.region = "us-east-1";
		aws.sts_region = "eu-west-3";
		ok(creds_init(&c, &aws, NULL, &e) == 0 && c.nroles == 1 && c.base == CREDS_CONFIG &&
		    !strcmp(c.roles[0].region, "eu-west-3") &&
		    !strcmp(c.roles[0].endpoint, "https://sts.eu-west-3.amazonaws.com") &&
		    !strcmp(c.roles[0].who, "notify53 config"),
		    "aws.role_arn with aws keys: aws.sts_region's STS, not aws.region %s", e.msg);
		creds_free(&c);
	}
	/* A source profile whose keys are in the config file only, beside a
	 * credentials file without that profile: its keys stay. */
	write_file(".aws/config", "[profile cfgkeys]\naws_access_key_id = AKIDINCONFIG\n"
	    "aws_secret_access_key = SINCONFIG\n"
	    "[profile viacfg]\nrole_arn = arn:aws:iam::1:role/vc\nsource_profile = cfgkeys\n", 0600);
	setenv("AWS_PROFILE", "viacfg", 1);
	{
		struct cfg_aws aws = { 0 };
		struct err e = { 0 };

		ok(creds_init(&c, &aws, NULL, &e) == 0 && c.nroles == 1 &&
		    c.base == CREDS_SHARED_FILE && !strcmp(c.base_keys.access_key, "AKIDINCONFIG") &&
		    !strcmp(c.base_keys.secret, "SINCONFIG"),
		    "source_profile keys in the config file, a credentials file beside it: "
		    "those keys assume the role (%s)", e.msg);
		creds_free(&c);
	}
	unsetenv("AWS_REGION");
	unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_PROFILE");
	unlink(".aws/config");
}

int
main(void)
{
	char aws[128];

	snprintf(dir, sizeof dir, "/tmp/test_creds.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(aws, sizeof aws, "%s/.aws", dir);
	mkdir(aws, 0700);
	clear_env();
	ini();
	json();
	uris();
	order();
	reload();
	fetches();
	profiles();
	split();
	answers();
	chains();
	{
		char cmd[256];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return tap_done();
}
