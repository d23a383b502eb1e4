/*
 * creds: the AWS credential chain, in the AWS CLI's order (AWS SDKs and
 * Tools Reference Guide, "Standardized credential providers"; botocore's
 * resolver), first source with keys wins:
 *
 *  1. notify53's config: aws.access_key_id, aws.secret_access_key,
 *     aws.session_token; or a role to assume (aws.role_arn with one of
 *     those keys, aws.source_profile, aws.credential_source,
 *     aws.credential_process or aws.web_identity_token_file), or
 *     aws.credential_process alone;
 *  2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *     AWS_SESSION_TOKEN (or the legacy AWS_SECURITY_TOKEN); skipped when
 *     aws.profile names a profile (as the AWS CLI's --profile does);
 *  3. the profile's role_arn (AssumeRole): the keys of its source_profile
 *     (static keys, or that profile's own role, web identity or
 *     credential_process, checked for loops) or of its credential_source
 *     (Environment, Ec2InstanceMetadata, EcsContainer);
 *  4. web identity (AssumeRoleWithWebIdentity, unsigned):
 *     AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, else
 *     the profile's web_identity_token_file, role_arn, role_session_name;
 *     the token file is read again at every refresh;
 *  5. the shared credentials file: aws.credentials_file, else
 *     AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials, section [PROFILE]
 *     where PROFILE is aws.profile, else AWS_PROFILE, else "default";
 *  6. the profile's credential_process, run without a shell (child.h), its
 *     JSON answer (Version 1) used until its Expiration;
 *  7. the config file (AWS_CONFIG_FILE or ~/.aws/config), section
 *     [profile PROFILE] ([default] for the default profile), static keys;
 *  8. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *     (http://169.254.170.2 + the URI) or AWS_CONTAINER_CREDENTIALS_FULL_URI
 *     (https, or http to a loopback address, 169.254.170.2 or
 *     169.254.170.23 only), with the Authorization header from
 *     AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch) or
 *     AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *  9. EC2 instance metadata, IMDSv2 only: PUT /latest/api/token with a TTL
 *     header, the role name, then the role's credentials JSON; endpoint
 *     http://169.254.169.254 or AWS_EC2_METADATA_SERVICE_ENDPOINT; skipped when
 *     AWS_EC2_METADATA_DISABLED=true. Reached only when nothing else gave keys.
 *
 * The profile's settings come from the config file and the credentials file
 * (the latter wins for a key in both). creds_init reads the files and
 * chooses; sources that fetch (STS, a process, ECS, IMDS) run on the poll
 * loop, with a second small http client, and again before the Expiration
 * they give: from CREDS_ADVISORY_S before it in the background, from
 * CREDS_MANDATORY_S before it before any request. STS is
 * https://sts.REGION.amazonaws.com (signing scope REGION, service sts), or
 * https://sts.amazonaws.com (us-east-1) with sts_regional_endpoints =
 * legacy; aws.sts_endpoint, else AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL,
 * replaces it. REGION
 * is aws.sts_region (for a role of notify53's config), AWS_REGION,
 * AWS_DEFAULT_REGION, the profile's region, else us-east-1. After an
 * ExpiredToken answer the caller calls creds_expired.
 *
 * Errors name the source and profile: 'profile "dns-admin": AssumeRole:
 * AccessDenied: ...'. Secrets (secret keys, session tokens, web identity
 * and container authorization tokens, a process's output) never appear in
 * logs or error messages, and are wiped from memory when replaced or freed.
 * A file holding secrets that group or others can read is warned about
 * once.
 */
#ifndef NOTIFY53_CREDS_H
#define NOTIFY53_CREDS_H

#include <stddef.h>
#include <time.h>

#include "config/cfg.h"
#include "config.h"
#include "base/err.h"
#include "net/http_client.h"
#include "base/loop.h"
#include "aws/sigv4.h"
#include "net/tls.h"
#include "base/child.h"

enum creds_source {
	CREDS_NONE,
	CREDS_CONFIG,       /* notify53's config */
	CREDS_ENV,
	CREDS_SHARED_FILE,  /* ~/.aws/credentials */
	CREDS_CONFIG_FILE,  /* ~/.aws/config */
	CREDS_ECS,
	CREDS_IMDS,
	CREDS_ASSUME_ROLE,  /* a role, assumed with another source's keys */
	CREDS_WEB_IDENTITY,
	CREDS_PROCESS       /* credential_process */
};

/* "config", "environment", "shared credentials file", ... */
const char *creds_source_name(enum creds_source s);

/* One set of keys. */
struct creds_value {
	char access_key[CREDS_MAX_KEY_ID];
	char secret[SIGV4_MAX_SECRET];
	char token[CREDS_MAX_TOKEN];  /* "" when none */
	time_t expiration;            /* 0: does not expire */
};

/* A profile's settings in the AWS config and credentials files; "" or 0
 * when absent. */
struct creds_profile {
	int found;                    /* a section of that name exists */
	int has_keys;                 /* static keys (in keys) */
	struct creds_value keys;
	char role_arn[CREDS_MAX_ARN];
	char source_profile[128];
	char credential_source[32];
	char external_id[CREDS_MAX_EXTERNAL_ID];
	char role_session_name[65];
	char duration_seconds[8];
	char sts_regional_endpoints[16];
	char region[64];
	char web_identity_token_file[CREDS_MAX_PATH];
	char credential_process[CREDS_MAX_COMMAND];
};

/* One AssumeRole or AssumeRoleWithWebIdentity request. */
struct creds_role {
	char who[160];                /* 'profile "dns-admin"', "notify53 config" */
	char arn[CREDS_MAX_ARN];
	char external_id[CREDS_MAX_EXTERNAL_ID];
	char session_name[65];
	int duration;                 /* 0: STS's default */
	char endpoint[CREDS_MAX_PATH]; /* STS URL */
	char region[64];              /* signing scope */
};

struct creds;

struct creds {
	/* Called from the loop when a fetch (ECS, IMDS) ends, well or not. */
	void (*ready)(struct creds *c);
	void *user;

	/* The keys in use and their origin. */
	struct creds_value cur;
	struct sigv4_creds sig;       /* points into cur */
	int have;
	enum creds_source source;
	char where[CREDS_MAX_PATH + 160]; /* "profile prod in /root/.aws/credentials" */
	struct err err;               /* why there are none (no secret in it) */

	/* Inputs kept from the configuration. */
	char profile[128];
	int profile_explicit;         /* aws.profile or AWS_PROFILE was given */
	int profile_from_cfg;         /* aws.profile: skips the environment's keys */
	char credentials_file[CREDS_MAX_PATH];
	struct creds_value config_keys; /* source 1, when set */
	int have_config_keys;
	const struct tls_trust *trust; /* for an https ECS or STS endpoint */
	/* The proxy settings for STS (an AWS API: proxied as Route 53 is;
	 * instance metadata and containers never are), set by the caller
	 * after creds_init and kept while c is; NULL: direct. */
	const struct proxy_conf *proxy;
	int allow_http;               /* aws.allow_http: an http:// STS endpoint */
	int process_timeout_s;
	char sts_override[CREDS_MAX_PATH]; /* aws.sts_endpoint */
	char top_region[64];          /* the profile's region */

	/* Sources that fetch: the base (ECS, IMDS, web identity, a process,
	 * or static keys in base_keys), then roles[0..nroles) in turn. */
	enum creds_source dynamic;    /* what cur comes from; CREDS_NONE: static */
	enum creds_source base;
	struct creds_value base_keys;
	struct creds_role roles[CREDS_MAX_ROLES];
	int nroles;
	int stage;                    /* -1: the base; else the role being assumed */
	struct creds_value prev;      /* keys of the stage before */
	struct creds_role web;        /* web identity */
	char token_file[CREDS_MAX_PATH];
	char proc_who[160];
	char proc_words[CREDS_MAX_COMMAND];
	char *proc_argv[CREDS_MAX_ARGS + 1];
	struct child child;
	int sts_ready;
	char sts_url[CREDS_MAX_PATH];
	struct http_client sts;
	struct http_call sts_call;
	struct sigv4_signer sts_signer;
	struct sigv4_signature sts_sig;
	char *sts_body;               /* heap, CREDS_STS_BODY_MAX */
	char endpoint[CREDS_MAX_PATH];
	char path[CREDS_MAX_PATH];
	int http_ready;               /* meta is initialised */
	struct http_client meta;
	struct http_call call;
	int step;                     /* of the IMDS dialogue */
	int fetching;
	int failed;                   /* the last fetch failed: reported once */
	time_t last_fetch;
	time_t obtained;              /* when the fetch of cur started */
	char imds_token[CREDS_MAX_TOKEN];
	char role[256];
	char target[CREDS_MAX_PATH + 256];
	char auth[CREDS_MAX_TOKEN];   /* ECS Authorization header value */
};

/* Run sources 1-4 of the chain for aws (trust: anchors for an https ECS
 * endpoint, kept by the caller). When none has keys, sources 5/6 are chosen
 * for a later fetch, or c->err says that nothing can give credentials.
 * Returns 0, or -1 with e set for a configuration error: a profile asked
 * for by name that no file has, keys given half, a bad container URI. */
int creds_init(struct creds *c, const struct cfg_aws *aws, const struct tls_trust *trust,
	struct err *e);

/* Keys usable at time now, or NULL. With NULL, either a fetch is running
 * (c->fetching; ready() follows) or there are none: c->err says why (a
 * failed fetch is reported by exactly one creds_get, the next starts another
 * fetch). Temporary keys inside the advisory window are returned while a
 * refresh runs in the background. The pointer is valid until the next call. */
const struct sigv4_creds *creds_get(struct creds *c, time_t now);

/* Route 53 said ExpiredToken: fetch again (sources 5/6) or read the chain
 * again (1-4) at the next creds_get. */
void creds_expired(struct creds *c);

/* Stop any fetch, wipe the keys. */
void creds_free(struct creds *c);

/* Warn once (per path) when path can be read by group or others. */
void creds_check_mode(const char *path);

/* ---- pieces, public for the tests ------------------------------------------- */

/* Look up profile in an INI text (shared credentials file when config_file
 * is 0, section "[profile]"; config file when 1, section "[profile NAME]",
 * or "[default]" for default). Keys aws_access_key_id,
 * aws_secret_access_key, aws_session_token (or aws_security_token); "#" and
 * ";" comments, blanks around '=', case-insensitive key names. Returns 1
 * with v filled, 0 when the section is absent (*section_found 0) or has no
 * keys, -1 with e set when it has only one of the two keys. */
int creds_ini_find(const char *text, size_t len, const char *profile, int config_file,
	struct creds_value *v, int *section_found, struct err *e);

/* Parse a container or IMDS credentials JSON document (AccessKeyId,
 * SecretAccessKey, Token, Expiration; Code must be "Success" when given).
 * Returns 0, or -1 with e set (no secret in the message). */
int creds_parse_json(const char *json, size_t len, struct creds_value *v, struct err *e);

/* ISO 8601 UTC time as AWS writes it: "2026-08-22T12:00:00Z", with
 * optional fractional seconds, "+00:00" for Z. Returns 0 or -1. */
int creds_parse_time(const char *s, time_t *t);

enum creds_refresh {
	CREDS_FRESH,     /* use them */
	CREDS_ADVISORY,  /* use them, refresh in the background */
	CREDS_MANDATORY  /* refresh before using them */
};

/* Where keys expiring at expiration (0: never), obtained at obtained (0:
 * unknown), stand at now. */
enum creds_refresh creds_refresh_state(time_t expiration, time_t obtained, time_t now);

/* Read the settings of profile name from an INI text (config_file as for
 * creds_ini_find) into p, over what p holds (read the config file first,
 * then the credentials file). Values are checked (cfg_aws_value_check).
 * Returns 0, or -1 with e set. */
int creds_profile_read(const char *text, size_t len, const char *name, int config_file,
	struct creds_profile *p, struct err *e);

/* Split a credential_process command line into words as the AWS CLI does
 * (Python's shlex.split, POSIX mode): blanks separate words; '...' keeps
 * everything literally; "..." keeps everything but \\ and \" (backslash
 * escapes only those two); outside quotes a backslash keeps the next
 * character literally; quotes join with adjacent text ("a"'b'c is abc);
 * '' is an empty word; no variables, globs, ~ or comments. Words go to
 * words[cap] one after the other, argv[0..n) points at them, argv[n] is
 * NULL. Returns n >= 1, or -1 with e set (unclosed quote, trailing
 * backslash, empty, too long, more than maxargs words). */
int creds_split_command(const char *cmd, char *words, size_t cap, char **argv, int maxargs,
	struct err *e);

/* Parse a credential_process answer: Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration (absent: the keys
 * do not expire). Returns 0, or -1 with e set (no secret in it). */
int creds_parse_process(const char *json, size_t len, struct creds_value *v, struct err *e);

/* Parse an STS answer (action "AssumeRole" or "AssumeRoleWithWebIdentity")
 * of HTTP status into v: the Credentials of a 200, or the ErrorResponse's
 * "Code: Message". body is parsed in place (and changed). Returns 0, or -1
 * with e set to "Code: Message" (or what is wrong with the answer). */
int creds_parse_sts(char *body, size_t len, int status, const char *action,
	struct creds_value *v, struct err *e);

/* Split an ECS full URI into endpoint ("http://127.0.0.1:8080") and path,
 * checking that plain http goes only to loopback, 169.254.170.2 or
 * 169.254.170.23. Returns 0, or -1 with e set. */
int creds_ecs_uri(const char *uri, char *endpoint, size_t ecap, char *path, size_t pcap,
	struct err *e);

#endif
