#!/usr/bin/python3
"""The daemon on temporary credentials across three expiries: BIND 9 as the
primary (also-notify to the daemon), the Route 53 emulator over TLS with its
STS issuing role keys that live 10 seconds, notify53's config assuming the
role with its own keys (aws.role_arn, aws.sts_endpoint). Change after
change is made with nsupdate and waited for in the hosted zone, until the
daemon has signed Route 53 calls with four different role keys (three
expiries passed). Every sync must succeed: no ExpiredToken or other
refused call in the emulator's log, no error line in the daemon's log, and
the keys were refreshed before their Expiration (each key's last use is
before it). Nothing is timed: each step waits for an event (the record in
the hosted zone) with a generous bound.
"""
import base64
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from notifyprobe import pick_port  # noqa: E402

NOTIFY53 = os.environ.get("NOTIFY53", os.path.join(ROOT, "build", "check", "notify53"))
ZONE = "sts.example"
ROLE = "arn:aws:iam::123456789012:role/dns-sync"
LIFE = 10
WAIT = 120


def zone_text():
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\n"
            "ns1 A 192.0.2.53\n" % ZONE)


def has(emu, zid, name):
    return any(s["name"] == name for s in emu.rrsets(zid))


def main():
    key = Key("sts-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    dport = pick_port()
    with Emu(credentials=("AKIDBASE:BASESECRET",), rate=0) as emu, \
            tempfile.TemporaryDirectory(prefix="notify53-sts-") as d, \
            Named([Zone(ZONE, zone_text(), dynamic=True, update_key=key,
                        also_notify=[("127.0.0.1", dport)], extra="notify-delay 0;")],
                  keys=[key]) as ns:
        emu.admin("POST", "sts/roles", {"arn": ROLE, "trust": ["AKIDBASE"]})
        emu.admin("POST", "sts", {"lifetime": LIFE})
        zid = bare(emu.create_zone(ZONE + "."))
        cfg = os.path.join(d, "config.json")
        with os.fdopen(os.open(cfg, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"listen": ["127.0.0.1:%d" % dport], "notify_servers": ["127.0.0.1"],
                       "zones": [{"name": ZONE, "primaries": [ns.addr()]}],
                       "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                               "sts_endpoint": emu.url, "role_arn": ROLE,
                               "access_key_id": "AKIDBASE", "secret_access_key": "BASESECRET",
                               "max_requests_per_second": 1000}}, f)
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("AWS_"))
        env.update(HOME=d, AWS_EC2_METADATA_DISABLED="true")
        dmn = DaemonProc(NOTIFY53, cfg, env=env)
        try:
            run(emu, ns, dmn, key, zid)
        finally:
            code, took = dmn.stop()
        ok(code == 0, "SIGTERM: exit status 0 (%d)" % code, dmn.tail())
    done()


def run(emu, ns, dmn, key, zid):
    if not ok(dmn.wait(r"daemon: ready", WAIT) is not None, "daemon ready", dmn.tail()):
        return
    if not ok(dmn.wait(r"zone %s\.: serial" % ZONE, WAIT) is not None, "first sync",
              dmn.tail()):
        return

    def keys_used():
        return [x["access_key"] for x in emu.log() if x.get("service") != "sts"
                and x.get("op") not in ("IMDS", "ECS", None) and x.get("access_key")]

    i = 0
    end = time.monotonic() + 4 * WAIT
    missing = None
    while len(set(keys_used())) < 4 and time.monotonic() < end:
        i += 1
        name = "h%d.%s." % (i, ZONE)
        ns.nsupdate(ZONE, ["update add %s 300 A 192.0.2.%d" % (name, i % 250 + 1)], key)
        t = time.monotonic() + WAIT
        while not has(emu, zid, name) and time.monotonic() < t:
            time.sleep(0.1)
        if not has(emu, zid, name):
            missing = name
            break
    used = keys_used()
    diag("%d changes, %d role keys" % (i, len(set(used))))
    ok(missing is None, "every change reached the hosted zone (%s)" % missing, dmn.tail())
    ok(len(set(used)) >= 4, "Route 53 signed with %d role keys: three expiries passed"
       % len(set(used)))
    assumes = [x for x in emu.log() if x.get("service") == "sts"]
    ok(assumes and all(x["op"] == "AssumeRole" and x["status"] == 200 and
                       x["access_key"] == "AKIDBASE" for x in assumes),
       "every AssumeRole signed with the config's key and accepted")
    refused = [(x["op"], x.get("code")) for x in emu.log() if x.get("code")]
    ok(not refused, "no request refused (no ExpiredToken): %s" % refused[:5])
    ok(not dmn.grep(r"notify53: (error|warning)"), "no error or warning in the daemon's log",
       dmn.tail())
    creds = dict((c["access_key_id"], c) for c in emu.admin("GET", "credentials")["credentials"])
    late = [(x["access_key"], x["time"], creds[x["access_key"]]["expires"])
            for x in emu.log() if x.get("access_key") in creds and x.get("service") != "sts"
            and creds[x["access_key"]].get("expires") and
            x["time"] >= creds[x["access_key"]]["expires"]]
    ok(not late, "no key used at or after its Expiration: %s" % late[:3])


if __name__ == "__main__":
    main()
