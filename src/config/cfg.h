/*
 * cfg: the JSON configuration file, read with cJSON into a validated
 * struct cfg that owns all its memory.
 *
 * The config.json of the Python original (dnsnotify2route53) is accepted
 * unchanged: listen_ip, listen_port, notify_servers (NOTIFY sources; the first
 * is the default primary), domains_to_manage, domains_to_manage_from_aws,
 * zone_refresh_wait_interval, and its unused mute_botocore_debug and
 * tsig_secret. Everything else is an optional extension with a default.
 * Errors name the place and the problem, e.g.
 *   zones[2].primaries[0]: "10.0.0.300" is not an IP address
 * and unknown keys are warned about, not fatal.
 */
#ifndef NOTIFY53_CFG_H
#define NOTIFY53_CFG_H

#include <stdint.h>

#include "config.h"
#include "base/err.h"
#include "base/net.h"

#define CFG_DEFAULT_PATH "/etc/notify53/config.json"

/* An address range allowed to send NOTIFY: addr/prefix (prefix = all bits
 * for a single address). */
struct cfg_cidr {
	struct net_addr addr;
	int prefix;
};

/* Record sets the sync must never touch: owner name glob ("*" any run of
 * characters, dots included, "?" one, a backslash quotes; matched against the
 * name relative to the zone and against the full name, case-insensitively)
 * and optional types (none = every type). */
struct cfg_ignore {
	char *name;
	uint16_t types[CFG_MAX_IGNORE_TYPES];
	int ntypes;
};

struct cfg_tsig_key {
	char *name;      /* key name as configured on the primary */
	char *algorithm; /* hmac-sha256, hmac-sha1, hmac-sha512, ... */
	char *secret;    /* base64, as in named.conf; never logged */
};

enum cfg_zone_kind {
	CFG_ZONE_ANY = -1, /* prefer a public hosted zone, else a private one */
	CFG_ZONE_PUBLIC = 0,
	CFG_ZONE_PRIVATE = 1
};

struct cfg_zone {
	char *name; /* presentation form, lower-case, with the trailing dot */
	struct net_addr primaries[CFG_MAX_PRIMARIES];
	int nprimaries;
	char *hosted_zone_id; /* bare ID ("Z123..."), or NULL: find by name */
	enum cfg_zone_kind kind;
	const struct cfg_tsig_key *tsig; /* into cfg.tsig_keys, or NULL */
	struct cfg_ignore *ignore;
	int nignore;
	int sync_soa; /* SOA timers and serial follow the primary */
};

/* The other daemon of an HA pair (README "Running an HA pair"): where it
 * listens for NOTIFY, and the TSIG key the two sign their NOTIFYs with
 * (required; a key of its own, no zone's). */
struct cfg_peer {
	struct net_addr addr;
	char *key_name;                  /* as in the file */
	const struct cfg_tsig_key *tsig; /* into cfg.tsig_keys */
};

struct cfg_aws {
	char *profile;
	char *credentials_file;
	char *access_key_id;
	char *secret_access_key; /* never logged */
	char *session_token;     /* never logged */
	char *endpoint;          /* URL; NULL = https://route53.amazonaws.com */
	char *region;            /* SigV4 signing region; NULL = us-east-1 */
	char *ca_file;           /* PEM bundle replacing the built-in anchors */
	double max_requests_per_second;
	int allow_http;          /* an http:// endpoint may be used (tests) */
	/* Temporary credentials (src/aws/creds), the AWS config file's keys of
	 * the same names; NULL or 0 when not given. Values are checked with
	 * cfg_aws_value_check. */
	char *role_arn;
	char *source_profile;
	char *credential_source;  /* Environment, Ec2InstanceMetadata, EcsContainer */
	char *external_id;
	char *role_session_name;
	int duration_seconds;     /* 900-43200 */
	char *sts_regional_endpoints; /* regional or legacy */
	char *sts_endpoint;       /* URL of STS (tests); else AWS_ENDPOINT_URL_STS */
	char *sts_region;         /* STS region of aws.role_arn (aws.region is
	                             Route 53's signing region) */
	char *web_identity_token_file;
	char *credential_process;
	int credential_process_timeout; /* seconds; 0 = CREDS_PROCESS_TIMEOUT_S */
	char *proxy;             /* proxy URL (may hold a password: never logged),
	                            "" = none; NULL = the environment's */
};

struct cfg_safety {
	int max_delete_percent;
	int max_update_percent;
	int min_existing; /* thresholds apply from this many record sets on */
};

struct cfg {
	char *path;

	/* NOTIFY listener */
	struct net_addr listen[CFG_MAX_LISTEN];
	int nlisten;
	struct cfg_cidr *notify_from;
	int nnotify_from;

	/* zones */
	struct cfg_zone *zones;
	int nzones;
	int zones_from_aws; /* every hosted zone of the account */
	struct cfg_tsig_key *tsig_keys;
	int ntsig_keys;

	/* HA pair: the peers this daemon tells of what it wrote, and how
	 * long it waits for a peer's word before writing a change itself
	 * (seconds; 0: it writes at once, the active daemon) */
	struct cfg_peer *peers;
	int npeers;
	int peer_wait;

	/* timers, seconds */
	int refresh_min;        /* zone_refresh_wait_interval: refresh lower bound */
	int reconcile_interval; /* full list + diff against drift */

	struct cfg_aws aws;
	struct cfg_safety safety;

	/* process */
	char *user;
	char *group;
	char *pidfile;
	char *state_file;
	char *cache_dir;         /* per-zone sync records (src/sync/cache); NULL:
	                          * $CACHE_DIRECTORY, else CACHE_DEFAULT_DIR; "": none */
	int log_debug;
	int log_syslog;
};

/* Read and validate the file at path. On success fills *c (free with
 * cfg_free) and returns 0; on failure returns -1 with the first problem in e
 * and *c left empty. Warnings (unknown keys, accepted legacy keys) are
 * logged. */
int cfg_load(struct cfg *c, const char *path, struct err *e);

/* The same from a string (tests). */
int cfg_parse(struct cfg *c, const char *json, const char *path, struct err *e);

void cfg_free(struct cfg *c);

/* Check the value of a temporary-credential setting, key being its name in
 * the AWS config file (role_arn, credential_source, external_id,
 * role_session_name, duration_seconds, sts_regional_endpoints): the forms
 * AWS STS accepts (STS API Reference, AssumeRole). Other keys pass. Used for
 * notify53's "aws" keys and for the profiles of the AWS config file alike.
 * Returns 0, or -1 with e set to a message naming key (never a secret). */
int cfg_aws_value_check(const char *key, const char *value, struct err *e);

/* The configured zone with this name (any case, with or without the trailing
 * dot), or NULL. */
const struct cfg_zone *cfg_zone_find(const struct cfg *c, const char *name);

/* May a NOTIFY for zone z (NULL = unknown zone) come from addr? Allowed are
 * notify_servers and, for a known zone, its primaries (RFC 1996 section 3.10:
 * a secondary accepts NOTIFY from its masters). */
int cfg_notify_allowed(const struct cfg *c, const struct cfg_zone *z, const struct net_addr *addr);

/* The first peer at addr's IP (any port: a NOTIFY leaves from any port),
 * or NULL. */
const struct cfg_peer *cfg_peer_find(const struct cfg *c, const struct net_addr *addr);

/* Does an ignore rule of z cover (name, type)? name is the owner in
 * presentation form. */
int cfg_ignored(const struct cfg_zone *z, const char *name, uint16_t type);

#endif
