/*
 * creds: the AWS credential chain (AWS SDKs and Tools Reference Guide,
 * "Standardized credential providers"), first source with keys wins:
 *
 *  1. keys in notify53's config (aws.access_key_id, aws.secret_access_key,
 *     aws.session_token);
 *  2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *     AWS_SESSION_TOKEN (or the legacy AWS_SECURITY_TOKEN);
 *  3. the shared credentials file: aws.credentials_file, else
 *     AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials, section [PROFILE]
 *     where PROFILE is aws.profile, else AWS_PROFILE, else "default";
 *  4. the config file (AWS_CONFIG_FILE or ~/.aws/config), section
 *     [profile PROFILE] ([default] for the default profile), static keys;
 *  5. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *     (http://169.254.170.2 + the URI) or AWS_CONTAINER_CREDENTIALS_FULL_URI
 *     (https, or http to a loopback address, 169.254.170.2 or
 *     169.254.170.23 only), with the Authorization header from
 *     AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch) or
 *     AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *  6. EC2 instance metadata, IMDSv2 only: PUT /latest/api/token with a TTL
 *     header, the role name, then the role's credentials JSON; endpoint
 *     http://169.254.169.254 or AWS_EC2_METADATA_SERVICE_ENDPOINT; skipped when
 *     AWS_EC2_METADATA_DISABLED=true. Reached only when nothing else gave keys.
 *
 * Sources 1-4 are read by creds_init (small local files). Sources 5 and 6
 * are fetched over HTTP on the poll loop with a second small http client,
 * and again before the Expiration they give: from CREDS_ADVISORY_S before it
 * in the background, from CREDS_MANDATORY_S before it before any request.
 * After an ExpiredToken answer the caller calls creds_expired.
 *
 * Secrets (secret keys, session tokens, container authorization tokens)
 * never appear in logs or error messages, and are wiped from memory when
 * replaced or freed. A file holding secrets that group or others can read
 * is warned about once.
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

enum creds_source {
	CREDS_NONE,
	CREDS_CONFIG,       /* notify53's config */
	CREDS_ENV,
	CREDS_SHARED_FILE,  /* ~/.aws/credentials */
	CREDS_CONFIG_FILE,  /* ~/.aws/config */
	CREDS_ECS,
	CREDS_IMDS
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
	char credentials_file[CREDS_MAX_PATH];
	struct creds_value config_keys; /* source 1, when set */
	int have_config_keys;
	const struct tls_trust *trust; /* for an https ECS endpoint */

	/* Sources 5 and 6. */
	enum creds_source dynamic;    /* CREDS_ECS, CREDS_IMDS or CREDS_NONE */
	char endpoint[CREDS_MAX_PATH];
	char path[CREDS_MAX_PATH];
	int http_ready;               /* meta is initialised */
	struct http_client meta;
	struct http_call call;
	int step;                     /* of the IMDS dialogue */
	int fetching;
	int failed;                   /* the last fetch failed: reported once */
	time_t last_fetch;
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

/* Where keys expiring at expiration (0: never) stand at now. */
enum creds_refresh creds_refresh_state(time_t expiration, time_t now);

/* Split an ECS full URI into endpoint ("http://127.0.0.1:8080") and path,
 * checking that plain http goes only to loopback, 169.254.170.2 or
 * 169.254.170.23. Returns 0, or -1 with e set. */
int creds_ecs_uri(const char *uri, char *endpoint, size_t ecap, char *path, size_t pcap,
	struct err *e);

#endif
