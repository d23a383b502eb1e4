/* Unit tests of the configuration reader: the original tool's file, the
 * extensions, error messages naming the place, NOTIFY source ranges and
 * ignore rules. */
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include "config/cfg.h"
#include "codec/rr.h"
#include "memhook.h"
#include "tap.h"

static int
parse(struct cfg *c, const char *json, struct err *e)
{
	err_clear(e);
	return cfg_parse(c, json, "test.json", e);
}

static void
refused(const char *json, const char *want)
{
	struct cfg c;
	struct err e;

	if (!ok(parse(&c, json, &e) < 0, "refused: %s", want ? want : json)) {
		cfg_free(&c);
		return;
	}
	if (want)
		is_str(e.msg, want, "message names the place and the problem");
	else
		ok(e.msg[0] != '\0', "refused with a message: %s", e.msg);
}

static int
addr_is(const struct net_addr *a, const char *want)
{
	char buf[NET_ADDR_STRLEN];

	return !strcmp(net_addr_str(a, buf, sizeof buf), want);
}

static int
from(const struct cfg *c, const struct cfg_zone *z, const char *ip)
{
	struct net_addr a;

	net_addr_parse(&a, ip, 53);
	return cfg_notify_allowed(c, z, &a);
}

#define ZONES "\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"192.0.2.1\"]}], "
#define ARN "arn:aws:iam::123456789012:role/dns-admin"

/* The "aws" keys of temporary credentials: each read, each checked. */
static void
temporary_keys(void)
{
	struct cfg c;
	struct err e;

	ok(parse(&c, "{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": "
	       "\"base\", \"external_id\": \"ext-42\", \"role_session_name\": \"n53@host\", "
	       "\"duration_seconds\": 900, \"sts_regional_endpoints\": \"legacy\", "
	       "\"sts_endpoint\": \"https://127.0.0.1:4443\", \"sts_region\": \"eu-west-1\", "
	       "\"credential_process_timeout\": 5}}", &e) == 0 &&
	    !strcmp(c.aws.role_arn, ARN) && !strcmp(c.aws.source_profile, "base") &&
	    !strcmp(c.aws.external_id, "ext-42") && !strcmp(c.aws.role_session_name, "n53@host") &&
	    c.aws.duration_seconds == 900 && !strcmp(c.aws.sts_regional_endpoints, "legacy") &&
	    !strcmp(c.aws.sts_endpoint, "https://127.0.0.1:4443") &&
	    !strcmp(c.aws.sts_region, "eu-west-1") &&
	    c.aws.credential_process_timeout == 5, "role_arn, source_profile, external_id, "
	    "role_session_name, duration_seconds, sts_regional_endpoints, sts_endpoint, sts_region, "
	    "credential_process_timeout %s", e.msg);
	cfg_free(&c);
	ok(parse(&c, "{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"credential_source\": "
	       "\"Ec2InstanceMetadata\"}}", &e) == 0 &&
	    !strcmp(c.aws.credential_source, "Ec2InstanceMetadata"), "credential_source %s", e.msg);
	cfg_free(&c);
	ok(parse(&c, "{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", "
	       "\"web_identity_token_file\": \"/var/run/token\"}}", &e) == 0 &&
	    !strcmp(c.aws.web_identity_token_file, "/var/run/token"), "web_identity_token_file %s",
	    e.msg);
	cfg_free(&c);
	ok(parse(&c, "{" ZONES "\"aws\": {\"credential_process\": \"/usr/bin/helper --x\"}}",
	       &e) == 0 && !strcmp(c.aws.credential_process, "/usr/bin/helper --x"),
	    "credential_process alone %s", e.msg);
	cfg_free(&c);
	refused("{" ZONES "\"aws\": {\"role_arn\": \"role/x\", \"source_profile\": \"b\"}}",
	    "aws.role_arn: role_arn role/x is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"credential_source\": "
	    "\"Ec2\"}}", "aws.credential_source: credential_source must be Environment, "
	    "Ec2InstanceMetadata or EcsContainer");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": \"b\", "
	    "\"external_id\": \"x\"}}", "aws.external_id: external_id must be 2 to 1224 "
	    "characters of letters, digits and _+=,.@:/-");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": \"b\", "
	    "\"role_session_name\": \"a b\"}}", "aws.role_session_name: role_session_name must "
	    "be 2 to 64 characters of letters, digits and _+=,.@-");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": \"b\", "
	    "\"duration_seconds\": 899}}", "aws.duration_seconds: 899 is not a whole number from "
	    "900 to 43200");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": \"b\", "
	    "\"sts_regional_endpoints\": \"global\"}}", "aws.sts_regional_endpoints: "
	    "sts_regional_endpoints must be regional or legacy");
	refused("{" ZONES "\"aws\": {\"credential_process_timeout\": 0}}",
	    "aws.credential_process_timeout: 0 is not a whole number from 1 to 3600");
	refused("{" ZONES "\"aws\": {\"source_profile\": \"b\"}}",
	    "test.json: aws.source_profile needs aws.role_arn");
	refused("{" ZONES "\"aws\": {\"web_identity_token_file\": \"/t\"}}",
	    "test.json: aws.web_identity_token_file needs aws.role_arn");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\"}}",
	    "test.json: aws.role_arn needs exactly one source of the keys that assume it: "
	    "aws.access_key_id, aws.source_profile, aws.credential_source, "
	    "aws.credential_process or aws.web_identity_token_file");
	refused("{" ZONES "\"aws\": {\"role_arn\": \"" ARN "\", \"source_profile\": \"b\", "
	    "\"credential_source\": \"Environment\"}}", NULL);
	refused("{" ZONES "\"aws\": {\"credential_process\": \"x\", \"access_key_id\": \"A\", "
	    "\"secret_access_key\": \"S\"}}", "test.json: aws.credential_process and "
	    "aws.access_key_id exclude each other");
}

/* The secrets of a config file, loaded then freed, are nowhere in the
 * blocks that went back to the allocator (the file's text, cJSON's copies,
 * stdio's buffer, ours). */
static void
wiped(void)
{
	static const char key[] = "wJalrXUtnFEMIK7MDENGbPxRfiCYWIPEDTESTKEY";
	static const char tsig[] = "d2lwZWQtdHNpZy1zZWNyZXQtZm9yLW5vdGlmeTUzLXRlc3Q=";
	static const char proxy_pw[] = "ProxyPasswordWipedTooX9";
	char path[] = "/tmp/test_cfg.XXXXXX";
	struct cfg c;
	struct err e = { 0 };
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	long k, t, pw;

	if (!f) {
		ok(0, "temporary config file");
		return;
	}
	fprintf(f, "{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"192.0.2.1\"],"
	    " \"tsig_key\": \"k\"}], \"tsig_keys\": {\"k\": {\"secret\": \"%s\"}},"
	    " \"aws\": {\"access_key_id\": \"AKIDWIPE\", \"secret_access_key\": \"%s\","
	    " \"proxy\": \"http://u:%s@127.0.0.1:3128\"}}", tsig, key, proxy_pw);
	fclose(f);
	memhook_start(key);
	ok(cfg_load(&c, path, &e) == 0 && c.aws.secret_access_key &&
	    !strcmp(c.aws.secret_access_key, key), "config with secrets loaded: %s", e.msg);
	cfg_free(&c);
	k = memhook_found();
	memhook_stop();
	memhook_start(tsig);
	cfg_load(&c, path, &e);
	cfg_free(&c);
	t = memhook_found();
	memhook_stop();
	memhook_start(proxy_pw);
	cfg_load(&c, path, &e);
	ok(c.aws.proxy && strstr(c.aws.proxy, proxy_pw) && !strncmp(c.aws.proxy, "http://u:", 9),
	    "aws.proxy read");
	cfg_free(&c);
	pw = memhook_found();
	memhook_stop();
	unlink(path);
	if (k < 0) {
		diag("freed blocks cannot be looked at in this build (no ASan): not checked");
		return;
	}
	is_int(k, 0, "freed blocks holding the secret access key");
	is_int(t, 0, "freed blocks holding the TSIG secret");
	is_int(pw, 0, "freed blocks holding the password of aws.proxy");
}

/* One zone name, several entries: one per view of the primary, each for
 * its own hosted zone (a public one and a private one). */
#define SPLIT_KEYS "\"tsig_keys\": {\"internal-key\": {\"secret\": \"aW50ZXJuYWw=\"}," \
	" \"external-key\": {\"secret\": \"ZXh0ZXJuYWw=\"}}, "
#define SPLIT_ZONE(extra) "{\"name\": \"example.com\", \"primaries\": [\"127.0.0.1\"]" extra "}"

static void
split_horizon(void)
{
	struct cfg c;
	struct err e;

	ok(parse(&c, "{" SPLIT_KEYS "\"zones\": ["
		   SPLIT_ZONE(", \"private\": true, \"tsig_key\": \"internal-key\"") ", "
		   SPLIT_ZONE(", \"private\": false, \"tsig_key\": \"external-key\"") "]}", &e) == 0,
	    "split horizon: one name, a private and a public entry, each with its key: %s", e.msg);
	if (c.nzones == 2) {
		ok(c.zones[0].kind == CFG_ZONE_PRIVATE && c.zones[1].kind == CFG_ZONE_PUBLIC,
		    "each entry keeps its kind");
		ok(c.zones[0].tsig && !strcmp(c.zones[0].tsig->name, "internal-key.") && c.zones[1].tsig &&
			!strcmp(c.zones[1].tsig->name, "external-key."),
		    "each entry keeps its key");
		ok(cfg_zone_find(&c, "EXAMPLE.com") == &c.zones[0], "cfg_zone_find: the first entry");
	} else {
		ok(0, "two entries (got %d)", c.nzones);
	}
	cfg_free(&c);

	ok(parse(&c, "{\"zones\": [" SPLIT_ZONE(", \"hosted_zone_id\": \"Z1\"") ", "
		   SPLIT_ZONE(", \"hosted_zone_id\": \"/hostedzone/Z2\"") ", "
		   SPLIT_ZONE(", \"private\": true") "]}", &e) == 0 && c.nzones == 3,
	    "one name, two hosted zone IDs and a private entry: %s", e.msg);
	cfg_free(&c);
	ok(parse(&c, "{\"zones\": [" SPLIT_ZONE("") ", " SPLIT_ZONE(", \"hosted_zone_id\": \"Z2\"")
		   "]}", &e) == 0,
	    "an entry with its own hosted_zone_id beside one without: %s", e.msg);
	cfg_free(&c);
	ok(parse(&c, "{\"zones\": [" SPLIT_ZONE("") ", {\"name\": \"example.net\", \"primaries\": "
		   "[\"127.0.0.1\"]}]}", &e) == 0, "different names: %s", e.msg);
	cfg_free(&c);

	refused("{\"zones\": [" SPLIT_ZONE(", \"private\": true") ", " SPLIT_ZONE(", \"private\": true")
		"]}", "zones[1]: zone example.com. is configured twice (entries of one name must each give "
		"\"private\" true or false, or their own \"hosted_zone_id\")");
	refused("{\"zones\": [" SPLIT_ZONE(", \"private\": false") ", " SPLIT_ZONE("") "]}",
	    "zones[1]: zone example.com. is configured twice (entries of one name must each give "
	    "\"private\" true or false, or their own \"hosted_zone_id\")");
	refused("{\"zones\": [" SPLIT_ZONE("") ", " SPLIT_ZONE(", \"private\": true") "]}",
	    "zones[1]: zone example.com. is configured twice (entries of one name must each give "
	    "\"private\" true or false, or their own \"hosted_zone_id\")");
	refused("{\"zones\": [" SPLIT_ZONE(", \"hosted_zone_id\": \"Z1\", \"private\": true") ", "
		SPLIT_ZONE(", \"hosted_zone_id\": \"/hostedzone/Z1\", \"private\": false") "]}",
	    "zones[1]: zone example.com.: hosted zone Z1 is configured twice");
	refused("{\"notify_servers\": [\"127.0.0.1\"], \"domains_to_manage\": [\"example.com\"], "
		"\"zones\": [" SPLIT_ZONE(", \"private\": true") "]}",
	    "zones[0]: zone example.com. is configured twice (entries of one name must each give "
	    "\"private\" true or false, or their own \"hosted_zone_id\")");
}

int
main(void)
{
	struct cfg c;
	struct err e;
	const struct cfg_zone *z;

	unsetenv("DEBUG");

	/* The sample config.json of dnsnotify2route53, unchanged. */
	ok(parse(&c,
	       "{\n"
	       "  \"listen_ip\": \"0.0.0.0\",\n"
	       "  \"listen_port\": 53,\n"
	       "  \"notify_servers\": [\"10.255.250.254\"],\n"
	       "  \"domains_to_manage\": [\"gethelpbox.com\"],\n"
	       "  \"domains_to_manage_from_aws\": false,\n"
	       "  \"zone_refresh_wait_interval\": 300,\n"
	       "  \"mute_botocore_debug\": true,\n"
	       "  \"tsig_secret\": \"your_secret\"\n"
	       "}\n",
	       &e) == 0,
	    "the original tool's config.json is accepted: %s", e.msg);
	if (e.set)
		return tap_done();
	is_int(c.nzones, 1, "one zone");
	is_str(c.zones[0].name, "gethelpbox.com.", "zone name normalised with a trailing dot");
	is_int(c.zones[0].nprimaries, 1, "one primary");
	ok(addr_is(&c.zones[0].primaries[0], "10.255.250.254:53"), "primary is notify_servers[0]");
	is_int(c.nlisten, 1, "one listen address");
	ok(addr_is(&c.listen[0], "0.0.0.0:53"), "listen_ip and listen_port");
	is_int(c.refresh_min, 300, "zone_refresh_wait_interval is the refresh lower bound");
	ok(!c.zones_from_aws, "domains_to_manage_from_aws false");
	ok(c.zones[0].sync_soa && c.zones[0].kind == CFG_ZONE_ANY && !c.zones[0].tsig,
	    "zone defaults");
	is_int(c.safety.max_delete_percent, 30, "safety default");
	ok(from(&c, NULL, "10.255.250.254"), "NOTIFY from notify_servers allowed");
	ok(!from(&c, NULL, "10.255.250.253"), "NOTIFY from elsewhere refused");
	ok(from(&c, NULL, "::ffff:10.255.250.254"), "IPv4-mapped source matches");
	cfg_free(&c);

	/* listen_port before or after listen_ip, and the listen list. */
	ok(parse(&c,
	       "{\"listen_port\": 5353, \"listen_ip\": \"127.0.0.1\","
	       " \"notify_servers\": [\"127.0.0.1\"], \"domains_to_manage\": [\"Example.COM.\"]}",
	       &e) == 0,
	    "listen_port given first: %s", e.msg);
	ok(addr_is(&c.listen[0], "127.0.0.1:5353"), "listen_port applies to listen_ip");
	is_str(c.zones[0].name, "example.com.", "zone name lower-cased");
	ok(cfg_zone_find(&c, "EXAMPLE.com") == &c.zones[0], "zone found in any case, no dot");
	ok(cfg_zone_find(&c, "example.org.") == NULL, "unknown zone not found");
	cfg_free(&c);

	ok(parse(&c,
	       "{\"listen\": [\"127.0.0.1\", \"[::1]:5300\"], \"listen_port\": 5301,"
	       " \"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.2:5302\", \"::1\"]}]}",
	       &e) == 0,
	    "listen list and zones: %s", e.msg);
	ok(c.nlisten == 2 && addr_is(&c.listen[0], "127.0.0.1:5301") &&
		addr_is(&c.listen[1], "[::1]:5300"),
	    "listen entries take listen_port unless they name a port");
	ok(addr_is(&c.zones[0].primaries[0], "127.0.0.2:5302") &&
		addr_is(&c.zones[0].primaries[1], "[::1]:53"),
	    "primaries with and without ports");
	z = &c.zones[0];
	ok(from(&c, z, "127.0.0.2") && from(&c, z, "::1"), "a zone's primaries may NOTIFY it");
	ok(!from(&c, NULL, "127.0.0.2"), "no notify_servers: only a zone's primaries");
	cfg_free(&c);

	/* Ranges, ignore rules, TSIG keys, AWS and safety settings. */
	ok(parse(&c,
	       "{\"notify_servers\": [\"192.0.2.0/24\", \"2001:db8::/32\", \"198.51.100.7\"],"
	       " \"tsig_keys\": {\"xfr-key\": {\"algorithm\": \"hmac-sha256\","
	       "   \"secret\": \"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\"}},"
	       " \"zones\": [{\"name\": \"example.com\", \"primaries\": [\"192.0.2.53\"],"
	       "   \"hosted_zone_id\": \"/hostedzone/Z1D633PJN98FT9\", \"private\": true,"
	       "   \"tsig_key\": \"xfr-key\", \"sync_soa\": false,"
	       "   \"ignore\": [{\"name\": \"_*\", \"type\": \"CNAME\"},"
	       "              {\"name\": \"*.dev.example.com.\"},"
	       "              {\"type\": [\"TXT\", \"SPF\"]}]}],"
	       " \"aws\": {\"region\": \"cn-northwest-1\", \"max_requests_per_second\": 2.5},"
	       " \"safety\": {\"max_delete_percent\": 50, \"min_existing\": 100},"
	       " \"logging\": {\"level\": \"debug\"}, \"reconcile_interval\": 3600,"
	       " \"future_key\": 1}",
	       &e) == 0,
	    "extensions accepted, unknown key only warned about: %s", e.msg);
	z = &c.zones[0];
	is_str(z->hosted_zone_id, "Z1D633PJN98FT9", "hosted zone ID prefix stripped");
	ok(z->kind == CFG_ZONE_PRIVATE && !z->sync_soa, "private, sync_soa false");
	ok(z->tsig && !strcmp(z->tsig->name, "xfr-key.") && !strcmp(z->tsig->algorithm, "hmac-sha256"),
	    "zone's TSIG key resolved");
	ok(from(&c, z, "192.0.2.200") && from(&c, z, "2001:db8:ffff::1") && from(&c, z, "198.51.100.7"),
	    "NOTIFY allowed from ranges and addresses");
	ok(!from(&c, z, "192.0.3.1") && !from(&c, z, "2001:db9::1") && !from(&c, z, "198.51.100.8"),
	    "NOTIFY refused outside them");
	ok(cfg_ignored(z, "_acme-challenge.example.com.", DNS_TYPE_CNAME),
	    "ignore rule matches the relative name");
	ok(!cfg_ignored(z, "_acme-challenge.example.com.", DNS_TYPE_A), "ignore rule limited to its type");
	ok(cfg_ignored(z, "www.DEV.example.com", DNS_TYPE_A), "ignore rule matches the full name, any case");
	ok(!cfg_ignored(z, "dev.example.com.", DNS_TYPE_A), "wildcard rule needs a label before it");
	ok(cfg_ignored(z, "example.com.", DNS_TYPE_SPF), "type-only rule");
	ok(!cfg_ignored(z, "www.example.com.", DNS_TYPE_A), "other sets not ignored");
	ok(c.aws.region && !strcmp(c.aws.region, "cn-northwest-1") &&
		c.aws.max_requests_per_second == 2.5,
	    "aws settings");
	ok(c.safety.max_delete_percent == 50 && c.safety.max_update_percent == 30 &&
		c.safety.min_existing == 100,
	    "safety settings and defaults");
	ok(c.log_debug && c.reconcile_interval == 3600, "logging and reconcile_interval");
	ok(!c.aws.allow_http, "allow_http: false unless said");
	cfg_free(&c);

	/* IPv4-mapped IPv6 entries are IPv4 ranges, prefix minus 96: sources
	 * arrive as IPv4 (IPV6_V6ONLY sockets). */
	ok(parse(&c,
	       "{\"notify_servers\": [\"::ffff:192.0.2.7\", \"::FFFF:198.51.100.0/120\","
	       " \"::ffff:203.0.113.0/104\", \"2001:db8::/32\"], \"domains_to_manage\": [\"a.test\"]}",
	       &e) == 0, "IPv4-mapped notify_servers: %s", e.msg);
	ok(c.nnotify_from == 4 && c.notify_from[0].addr.ss.ss_family == AF_INET &&
	    c.notify_from[0].prefix == 32 && c.notify_from[1].addr.ss.ss_family == AF_INET &&
	    c.notify_from[1].prefix == 24 && c.notify_from[2].prefix == 8 &&
	    c.notify_from[3].prefix == 32, "kept as IPv4 with the prefix minus 96");
	ok(addr_is(&c.zones[0].primaries[0], "192.0.2.7:53"), "the mapped notify_servers[0] is an "
	    "IPv4 primary");
	ok(from(&c, NULL, "192.0.2.7") && from(&c, NULL, "::ffff:192.0.2.7") &&
	    !from(&c, NULL, "192.0.2.8") && !from(&c, NULL, "192.0.3.7"),
	    "::ffff:192.0.2.7 allows 192.0.2.7 only");
	ok(from(&c, NULL, "198.51.100.0") && from(&c, NULL, "198.51.100.200") &&
	    from(&c, NULL, "198.51.100.255") && !from(&c, NULL, "198.51.101.1"),
	    "::ffff:198.51.100.0/120 allows 198.51.100.0/24");
	ok(from(&c, NULL, "203.1.2.3") && !from(&c, NULL, "204.0.0.1"),
	    "::ffff:203.0.113.0/104 allows 203.0.0.0/8");
	ok(from(&c, NULL, "2001:db8::5") && !from(&c, NULL, "2001:db9::1"),
	    "plain IPv6 ranges unchanged");
	cfg_free(&c);
	ok(parse(&c, "{\"notify_servers\": [\"::ffff:192.0.2.0/120\"], \"zones\": [{\"name\":"
	       " \"a.test\", \"primaries\": [\"192.0.2.53\"]}]}", &e) == 0 &&
	    from(&c, NULL, "192.0.2.0") && from(&c, NULL, "192.0.2.77") && from(&c, NULL, "192.0.2.255") &&
	    !from(&c, NULL, "192.0.1.255"), "::ffff:192.0.2.0/120 allows 192.0.2.0/24 %s", e.msg);
	cfg_free(&c);
	/* HA peers: address, a key of their own, peer_wait. */
#define PEER_CFG(peers, wait) \
	"{\"tsig_keys\": {\"zk\": {\"secret\": \"c2VjcmV0LXNlY3JldC1zZWNyZXQ=\"}," \
	" \"pk\": {\"secret\": \"cGVlci1zZWNyZXQtcGVlci1zZWNyZXQ=\"}}," \
	" \"zones\": [{\"name\": \"a.test\", \"primaries\": [\"192.0.2.1\"], \"tsig_key\": \"zk\"}]" \
	peers wait "}"
	ok(parse(&c, PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9:5301\", \"tsig_key\": \"PK\"},"
	       " {\"address\": \"2001:db8::9\", \"tsig_key\": \"pk.\"}]", ", \"peer_wait\": 5"), &e) == 0,
	    "peers and peer_wait: %s", e.msg);
	ok(c.npeers == 2 && addr_is(&c.peers[0].addr, "192.0.2.9:5301") &&
	    addr_is(&c.peers[1].addr, "[2001:db8::9]:53") && c.peers[0].tsig == &c.tsig_keys[1] &&
	    c.peers[1].tsig == &c.tsig_keys[1] && c.peer_wait == 5, "peers read, keys resolved");
	{
		struct net_addr a;

		net_addr_parse(&a, "192.0.2.9", 4444);
		ok(cfg_peer_find(&c, &a) == &c.peers[0], "cfg_peer_find: from any port");
		net_addr_parse(&a, "192.0.2.1", 53);
		ok(!cfg_peer_find(&c, &a), "cfg_peer_find: the primary is no peer");
	}
	cfg_free(&c);
	ok(parse(&c, PEER_CFG("", ""), &e) == 0 && c.npeers == 0 && c.peer_wait == 0,
	    "no peers: peer_wait 0 %s", e.msg);
	cfg_free(&c);
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9\"}]", ""),
	    "peers[0]: needs an \"address\" and a \"tsig_key\" (peers sign their NOTIFYs)");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9\", \"tsig_key\": \"nokey\"}]", ""),
	    "peers[0]: tsig_key nokey. is not in tsig_keys");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9\", \"tsig_key\": \"zk\"}]", ""),
	    "peers[0]: tsig_key zk. is also zone a.test.'s key: give the peers a key of their own");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.300\", \"tsig_key\": \"pk\"}]", ""),
	    "peers[0].address: \"192.0.2.300\" is not an IP address");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9\", \"tsig_key\": \"pk\", \"x\": 1}]", ""),
	    "peers[0]: unknown key \"x\" (use \"address\" and \"tsig_key\")");
	refused(PEER_CFG("", ", \"peer_wait\": 5"), "test.json: peer_wait is set but there are no peers");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.9\", \"tsig_key\": \"pk\"}]",
	    ", \"peer_wait\": 3601"), "peer_wait: 3601 is not a whole number from 0 to 3600");
	refused(PEER_CFG(", \"peers\": [{\"address\": \"192.0.2.1\", \"tsig_key\": \"pk\"},"
	    "{\"address\": \"192.0.2.2\", \"tsig_key\": \"pk\"},{\"address\": \"192.0.2.3\", \"tsig_key\": \"pk\"},"
	    "{\"address\": \"192.0.2.4\", \"tsig_key\": \"pk\"},{\"address\": \"192.0.2.5\", \"tsig_key\": \"pk\"}]",
	    ""), "peers: more than 4 peers");
	ok(parse(&c, "{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"192.0.2.1\"]}],"
	       " \"aws\": {\"endpoint\": \"http://127.0.0.1:4566\", \"allow_http\": true}}", &e) == 0 &&
	    c.aws.allow_http, "aws.allow_http: true %s", e.msg);
	cfg_free(&c);
	refused("{\"domains_to_manage_from_aws\": true, \"notify_servers\": [\"192.0.2.1\"],"
	    " \"aws\": {\"allow_http\": \"yes\"}}", NULL);
	temporary_keys();
	refused("{\"notify_servers\": [\"::ffff:0:0/95\"], \"domains_to_manage\": [\"a.test\"]}",
	    "notify_servers[0]: \"::ffff:0:0/95\" is an IPv4-mapped range: its prefix length must be "
	    "96 or more");

	/* Glob rules: "*" spans labels, "?" is one character, a backslash
	 * makes the next one plain; the whole name must match. */
	ok(parse(&c,
	       "{\"zones\": [{\"name\": \"example.org\", \"primaries\": [\"127.0.0.1\"],"
	       "   \"ignore\": [{\"name\": \"h?st\"}, {\"name\": \"x\\\\*y\"},"
	       "              {\"name\": \"*acm*validation*\"}, {\"name\": \"lit\\\\?\"},"
	       "              {\"name\": \"**.deep\"}]}]}", &e) == 0,
	    "glob rules: %s", e.msg);
	z = &c.zones[0];
	ok(cfg_ignored(z, "host.example.org.", DNS_TYPE_A) && !cfg_ignored(z, "hoost.example.org.",
	    DNS_TYPE_A) && !cfg_ignored(z, "hst.example.org.", DNS_TYPE_A), "glob: ? is one character");
	ok(cfg_ignored(z, "x*y.example.org.", DNS_TYPE_A) && !cfg_ignored(z, "xay.example.org.",
	    DNS_TYPE_A), "glob: an escaped * is plain");
	ok(cfg_ignored(z, "lit?.example.org.", DNS_TYPE_A) && !cfg_ignored(z, "lita.example.org.",
	    DNS_TYPE_A), "glob: an escaped ? is plain");
	ok(cfg_ignored(z, "_x.acm-validations.aws.validation.example.org.", DNS_TYPE_CNAME) &&
	    cfg_ignored(z, "acmvalidation.example.org.", DNS_TYPE_CNAME) &&
	    !cfg_ignored(z, "acm.example.org.", DNS_TYPE_CNAME), "glob: several stars backtrack");
	ok(cfg_ignored(z, "a.b.deep.example.org.", DNS_TYPE_A) && !cfg_ignored(z, "deep.example.org.",
	    DNS_TYPE_A) && !cfg_ignored(z, "a.deeper.example.org.", DNS_TYPE_A),
	    "glob: the whole name must match");
	cfg_free(&c);

	setenv("DEBUG", "1", 1);
	ok(parse(&c, "{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"]}]}", &e) == 0 &&
		c.log_debug,
	    "DEBUG=1 turns on debug logging");
	cfg_free(&c);
	unsetenv("DEBUG");

	refused("{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"]},"
		" {\"name\": \"b.test\", \"primaries\": [\"127.0.0.1\"]},"
		" {\"name\": \"c.test\", \"primaries\": [\"10.0.0.300\"]}]}",
	    "zones[2].primaries[0]: \"10.0.0.300\" is not an IP address");
	refused("{\"listen_port\": \"53\", \"domains_to_manage\": [\"a.test\"]}",
	    "listen_port: \"53\" is not a number");
	refused("{\"listen_port\": 70000, \"domains_to_manage\": [\"a.test\"]}",
	    "listen_port: 70000 is not a whole number from 1 to 65535");
	/* Far beyond any int (and long): refused, not converted first (C99
	 * 6.3.1.4: a double out of the integer type's range is undefined). */
	refused("{\"listen_port\": 1e300, \"domains_to_manage\": [\"a.test\"]}",
	    "listen_port: 1e+300 is not a whole number from 1 to 65535");
	refused("{\"listen_port\": -1e300, \"domains_to_manage\": [\"a.test\"]}",
	    "listen_port: -1e+300 is not a whole number from 1 to 65535");
	refused("{\"notify_servers\": [\"192.0.2.0/33\"], \"domains_to_manage\": [\"a.test\"]}",
	    "notify_servers[0]: \"192.0.2.0/33\" has a bad prefix length");
	refused("{\"domains_to_manage\": [\"a.test\"]}",
	    "domains_to_manage[0]: zone a.test. has no \"primaries\" and there are no notify_servers");
	refused("{\"notify_servers\": [\"192.0.2.0/24\"], \"domains_to_manage\": [\"a.test\"]}",
	    "domains_to_manage[0]: zone a.test. has no \"primaries\" and notify_servers[0] is a range");
	refused("{\"notify_servers\": [\"192.0.2.1\"], \"domains_to_manage\": [\"a.test\", \"A.test.\"]}",
	    "domains_to_manage[1]: zone a.test. is configured twice (entries of one name must each "
	    "give \"private\" true or false, or their own \"hosted_zone_id\")");
	refused("{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"], \"tsig_key\": \"k\"}]}",
	    "zones[0]: tsig_key k. is not in tsig_keys");
	refused("{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"],"
		" \"ignore\": [{\"type\": \"BOGUS\"}]}]}",
	    "zones[0].ignore[0].type: must be a record type such as \"CNAME\"");
	/* An empty list of types is not "any type": it would ignore every
	 * set of the zone. */
	refused("{\"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"],"
		" \"ignore\": [{\"type\": []}]}]}",
	    "zones[0].ignore[0].type: an empty list: give one or more record types, or leave "
	    "\"type\" out for any type");
	refused("{\"zones\": [{\"primaries\": [\"127.0.0.1\"]}]}", "zones[0]: needs a \"name\"");
	refused("{\"zones\": [{\"name\": \"a..test\", \"primaries\": [\"127.0.0.1\"]}]}", NULL);
	refused("{\"notify_servers\": [\"192.0.2.1\"]}",
	    "test.json: no zones: set \"domains_to_manage\", \"zones\" or \"domains_to_manage_from_aws\"");
	refused("{\"notify_servers\": [\"192.0.2.1\"], \"domains_to_manage\": [\"a.test\"],\n \"x\": }",
	    "test.json:2:7: not valid JSON");
	refused("{\"aws\": {\"max_requests_per_second\": 0}, \"domains_to_manage_from_aws\": true,"
		" \"notify_servers\": [\"192.0.2.1\"]}",
	    "aws.max_requests_per_second: 0 is not a rate above 0 and up to 1000 requests per second");
	refused("{\"tsig_keys\": {\"k\": {\"algorithm\": \"hmac-sha256\", \"secret\": \"not base64!\"}},"
		" \"domains_to_manage_from_aws\": true, \"notify_servers\": [\"192.0.2.1\"]}",
	    NULL);
	/* Two keys of one name once normalised: a zone's transfers would
	 * take the last, NOTIFYs be checked against the first. */
	refused("{\"tsig_keys\": {\"k\": {\"secret\": \"c2VjcmV0MQ==\"}, \"K.\": {\"secret\": "
		"\"c2VjcmV0Mg==\"}}, \"zones\": [{\"name\": \"a.test\", \"primaries\": [\"127.0.0.1\"], "
		"\"tsig_key\": \"k\"}]}",
	    "tsig_keys: k. is named twice (names are compared in lower case, with or without the "
	    "trailing dot)");
	refused("{\"notify_servers\": [\"192.0.2.1\"], \"notify_servers\": [\"192.0.2.2\"],"
		" \"domains_to_manage\": [\"a.test\"]}",
	    "notify_servers: duplicate key");
	split_horizon();
	wiped();
	return tap_done();
}
