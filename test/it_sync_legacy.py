#!/usr/bin/python3
"""The original tool's config.json accepted unchanged by `notify53 sync`:
listen_ip, listen_port, notify_servers (the first is the primary),
domains_to_manage, domains_to_manage_from_aws,
zone_refresh_wait_interval, mute_botocore_debug, tsig_secret, no "aws"
object: the endpoint and CA come from AWS_ENDPOINT_URL_ROUTE_53 and
AWS_CA_BUNDLE, the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as
boto3 took them.

notify_servers holds bare addresses (a port suffix is refused), so the
primary is reached on port 53: named listens on 127.83.53.1 port 53 besides
its test port (the test runs as root; without port 53 the syncs are a
skip, and on CI a failure). Both forms are synced against the emulator over TLS:
domains_to_manage, and domains_to_manage_from_aws (every hosted zone of the
account, paged by ListHostedZones). The from_aws sync also runs once under
valgrind with the binary built without sanitizers ($NOTIFY53_PLAIN): no
error, no leak.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done, skip  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone  # noqa: E402
from r53tool import Home, api_log, run_notify53  # noqa: E402
import synctest as st  # noqa: E402

PRIMARY = "127.0.0.1"
PLAIN = os.environ.get("NOTIFY53_PLAIN", os.path.join(ROOT, "build", "plain", "notify53"))


def zone_text(name, n):
    return ("$TTL 300\n@ IN SOA ns1 hostmaster 7 7200 900 1209600 300\n@ IN NS ns1\n"
            "ns1 IN A 192.0.2.53\n@ IN MX 10 mail\n" +
            "".join("h%d IN A 192.0.2.%d\n" % (i, i + 1) for i in range(n)) +
            'txt IN TXT "zone %s"\n' % name)


LEGACY = {
    "listen_ip": "0.0.0.0",
    "listen_port": 53,
    "notify_servers": [PRIMARY, "192.0.2.0/24"],
    "domains_to_manage": ["legacy.example", "Other.Example."],
    "domains_to_manage_from_aws": False,
    "zone_refresh_wait_interval": 300,
    "mute_botocore_debug": True,
    "tsig_secret": "your_secret",
}


def port53_answers():
    """Does something answer DNS on PRIMARY port 53 (named's extra
    listen-on)?"""
    import dns.message
    import dns.query
    try:
        q = dns.message.make_query("legacy.example.", "SOA")
        return bool(dns.query.udp(q, PRIMARY, port=53, timeout=2).answer)
    except (OSError, dns.exception.DNSException):
        return False


def free53(wait=20):
    """Is port 53 on PRIMARY free for TCP and UDP? Waits up to `wait`
    seconds for another test's listener to go away."""
    deadline = time.monotonic() + wait
    while True:
        socks = [socket.socket(socket.AF_INET, t) for t in (socket.SOCK_DGRAM,
                                                              socket.SOCK_STREAM)]
        try:
            for s in socks:
                s.bind((PRIMARY, 53))
            return True
        except OSError:
            if time.monotonic() > deadline:
                return False
        finally:
            for s in socks:
                s.close()
        time.sleep(0.5)


def check_synced(e, client, ns, zids, label):
    for z, zid in zids.items():
        plain, _, _, _, _ = st.listing(client, zid)
        want = st.expected(st.axfr(ns.port, z), z)
        ok(plain == want, "%s: %s equals the primary's %d sets" % (label, z, len(want)),
           st.diff(plain, want))


def main():
    with Emu(rate=0) as e, Home() as home:
        client = e.boto3()
        akid, secret = e.credentials[0].split(":")[:2]
        env = home.env(AWS_ENDPOINT_URL_ROUTE_53=e.url, AWS_CA_BUNDLE=e.ca_file,
                       AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret)
        cfg = home.write("config.json", json.dumps(LEGACY, indent=4))

        p = run_notify53(["check-config", "-c", cfg], env)
        ok(p.returncode == 0, "check-config accepts the original config.json", p.stdout + p.stderr)
        ok("mute_botocore_debug" in p.stderr and "tsig_secret" in p.stderr,
           "its unused keys are noticed", p.stderr)
        ok("legacy.example." in p.stdout and "other.example." in p.stdout and
           ("%s:53" % PRIMARY) in p.stdout, "both zones, primary %s port 53" % PRIMARY, p.stdout)
        bad = dict(LEGACY, notify_servers=["127.0.0.1:5353"])
        p = run_notify53(["check-config", "-c", home.write("bad.json", json.dumps(bad))], env)
        ok(p.returncode == 1 and "notify_servers[0]" in p.stderr,
           "a port in notify_servers is refused with the place named", p.stderr)

        if not free53():
            skip("legacy syncs from a primary on port 53",
                 "port 53 on %s is taken or not allowed" % PRIMARY)
            done()
        zids = {"legacy.example": bare(e.create_zone("legacy.example.")),
                "other.example": bare(e.create_zone("other.example."))}
        # The primary also serves third.example, which domains_to_manage
        # does not name.
        with Named([Zone("legacy.example", zone_text("legacy", 5)),
                    Zone("other.example", zone_text("other", 8)),
                    Zone("third.example", zone_text("third", 3))],
                   options="listen-on port 53 { %s; };" % PRIMARY) as ns:
            if not port53_answers():
                diag(ns.log_tail(5))
                skip("legacy syncs from a primary on port 53",
                     "named does not answer on %s port 53 (taken meanwhile?)" % PRIMARY)
                done()
            p, res = st.sync(home, cfg, env=env)
            ok(p.returncode == 0, "domains_to_manage: exit 0", p.stdout + p.stderr)
            eq(sorted(res), ["legacy.example.", "other.example."], "domains_to_manage: both zones")
            eq([res[z].get("created") for z in sorted(res)], [8, 11],
               "domains_to_manage: every set created")
            log = api_log(e)
            ok(log and all(x["status"] == 200 and x["access_key"] == akid for x in log),
               "requests signed with the keys from the environment, over TLS to "
               "AWS_ENDPOINT_URL_ROUTE_53")
            check_synced(e, client, ns, zids, "domains_to_manage")

            # domains_to_manage_from_aws: every hosted zone of the account.
            zids["third.example"] = bare(e.create_zone("third.example."))
            aws = dict(LEGACY, domains_to_manage=[], domains_to_manage_from_aws=True)
            acfg = home.write("aws.json", json.dumps(aws, indent=4))
            e.reset()
            p, res = st.sync(home, acfg, env=env)
            ok(p.returncode == 0, "domains_to_manage_from_aws: exit 0", p.stdout + p.stderr)
            eq(sorted(res), ["legacy.example.", "other.example.", "third.example."],
               "domains_to_manage_from_aws: the account's three zones")
            eq([res[z].get("created") for z in sorted(res)], [0, 0, 6],
               "domains_to_manage_from_aws: only the new zone had changes")
            eq(sum(1 for x in api_log(e) if x["op"] == "ListHostedZones"), 1,
               "one ListHostedZones")
            ok(not any(x["op"] == "ListHostedZonesByName" for x in api_log(e)),
               "zone IDs from the account's listing: no ListHostedZonesByName")
            check_synced(e, client, ns, zids, "domains_to_manage_from_aws")

            # DEBUG=1 turns on debug logging, as it did for the original:
            # lines with the debug prefix, which a plain run has none of.
            quiet = run_notify53(["plan", "-c", cfg], env)
            p = run_notify53(["plan", "-c", cfg], dict(env, DEBUG="1"))
            debug = [l for l in p.stderr.splitlines() if l.startswith("notify53: debug: ")]
            ok(quiet.returncode == 0 and
               not [l for l in quiet.stderr.splitlines() if l.startswith("notify53: debug: ")],
               "without DEBUG: no debug log line", quiet.stderr[-2000:])
            ok(p.returncode == 0 and debug, "DEBUG=1: debug log lines (%d)" % len(debug),
               p.stderr[-2000:])

            # One sync under valgrind (a change pending in one zone).
            ns.rewrite("other.example", zone_text("other", 9).replace(" 7 ", " 8 "))
            if shutil.which("valgrind") and os.access(PLAIN, os.X_OK):
                v = subprocess.run(
                    ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                     "--show-leak-kinds=definite,indirect,possible", "--errors-for-leak-kinds="
                     "definite,indirect,possible", PLAIN, "sync", "-c", acfg],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300,
                    universal_newlines=True)
                ok(v.returncode == 0 and "==" not in v.stderr,
                   "valgrind: a sync of three zones with no error and no leak",
                   v.stdout + v.stderr[-4000:])
                res = st.sync_lines(v.stdout)
                eq(res.get("other.example.", {}).get("created"), 1,
                   "valgrind: the change synced")
            else:
                skip("valgrind: a sync of three zones with no error and no leak",
                     "valgrind or %s missing (tools/deps.sh installs valgrind)" % PLAIN)
    done()


if __name__ == "__main__":
    main()
