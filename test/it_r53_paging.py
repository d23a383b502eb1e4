#!/usr/bin/python3
"""Route 53 listings against the emulator over TLS, signed with a session
token (every request checked by the emulator's botocore signer):

- a hosted zone of 1,000+ record sets (wildcards, escaped and UTF-8 names,
  every Route 53 type, several values) listed by `notify53 r53 dump`: the
  lines equal `notify53 xfr` of the same zone served by BIND 9 (text and
  JSON), the sets equal the emulator's admin dump, in ceil(N/300)
  ListResourceRecordSets calls and one ListHostedZonesByName;
- alias and weighted sets printed with their markers;
- more than 100 hosted zones listed by `notify53 r53 zones` in
  ceil(N/100) ListHostedZones calls; a public and a private zone of one
  name found as two candidates and picked by kind; GetHostedZone.
"""
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone  # noqa: E402
from r53tool import Home, run_tool, run_notify53, api_log  # noqa: E402
from synctest import r53_name  # noqa: E402

import dns.name  # noqa: E402

KEY = "ASIAPAGING:PAGINGSECRET:FwoGZXIvYXdzEBYaDH+token/with=chars"
ZONE = "example.com."

# Owner labels (raw bytes) that need escaping one way or another.
SPECIAL = [b"*", b"x*y", b"sp ace", b"at@sign", b"dot.in", b"caf\xc3\xa9",
           b"semi;colon", b"quote\"d", b"back\\slash", b"paren(s)", b"dollar$",
           b"under_score", b"-dash", b"UPPER"]


def text_name(labels):
    """Presentation form (dnspython escapes like BIND and notify53)."""
    return dns.name.Name([lab.lower() for lab in labels] + [b""]).to_text()


def build_sets():
    """[(labels, type, ttl, [values])], values in Route 53 canonical text."""
    base = [b"example", b"com"]
    sets = [
        (base, "SOA", 900, ["ns1.example.com. hostmaster.example.com. 2024010101 "
                            "7200 900 1209600 86400"]),
        (base, "NS", 172800, ["ns1.example.com.", "ns2.example.net."]),
        (base, "MX", 300, ["10 mail.example.com.", "20 mx2.example.net."]),
        (base, "TXT", 300, ['"v=spf1 -all"', '"two" "strings"',
                            '"quote \\" and backslash \\\\"']),
        (base, "CAA", 300, ['0 issue "ca.example.net"', '128 tbs "x"']),
        ([b"ns1"] + base, "A", 300, ["192.0.2.53"]),
        ([b"www"] + base, "AAAA", 60, ["2001:db8::1", "2001:db8::2:1"]),
        ([b"alias"] + base, "CNAME", 60, ["www.example.com."]),
        ([b"_sip", b"_tcp"] + base, "SRV", 60, ["10 5 5060 sip.example.com."]),
        ([b"sub"] + base, "NS", 3600, ["ns.sub.example.com."]),
        ([b"ns", b"sub"] + base, "A", 3600, ["192.0.2.54"]),
        ([b"sub"] + base, "DS", 3600, ["12345 13 2 " + "ab" * 32]),
        ([b"ssh"] + base, "SSHFP", 60, ["4 2 " + "cd" * 32]),
        ([b"_443", b"_tcp"] + base, "TLSA", 60, ["3 1 1 " + "ef" * 32]),
        ([b"naptr"] + base, "NAPTR", 60, ['100 50 "u" "E2U+sip" '
                                          '"!^.*$!sip:info@example.com!" .']),
        ([b"ptr"] + base, "PTR", 60, ["host.example.com."]),
        ([b"spf"] + base, "SPF", 60, ['"v=spf1 ~all"']),
        ([b"svc"] + base, "HTTPS", 60, ['1 . alpn="h3,h2" ipv4hint=192.0.2.7']),
        ([b"_dns"] + base, "SVCB", 60, ["1 dns.example.com. port=853"]),
    ]
    for lab in SPECIAL:
        sets.append(([lab] + base, "A", 120, ["198.51.100.%d" % (len(sets) % 250)]))
    sets.append(([b"*", b"deep"] + base, "TXT", 120, ['"wild"']))
    i = 0
    while len(sets) < 1030:
        lab = ("h%04d" % i).encode()
        kind = i % 3
        if kind == 0:
            sets.append(([lab] + base, "A", 300, ["10.%d.%d.1" % (i // 250, i % 250),
                                                  "10.%d.%d.2" % (i // 250, i % 250)]))
        elif kind == 1:
            sets.append(([lab] + base, "AAAA", 300, ["2001:db8::%x" % (i + 1)]))
        else:
            sets.append(([lab] + base, "TXT", 300, ['"record %d"' % i]))
        i += 1
    return sets


def zone_file(sets):
    lines = ["$TTL 300"]
    for labels, t, ttl, values in sets:
        for v in values:
            lines.append("%s %d IN %s %s" % (text_name(labels), ttl, t, v))
    return "\n".join(lines) + "\n"


def big_zone(e, home, cfg):
    sets = build_sets()
    zid = e.create_zone(ZONE)
    e.seed(zid, [{"name": r53_name(dns.name.Name(list(lab) + [b""])), "type": t,
                  "ttl": ttl, "values": v} for lab, t, ttl, v in sets], replace=True)
    n = len(e.rrsets(zid))
    eq(n, len(sets), "emulator holds %d record sets" % len(sets))
    e.reset()
    env = home.env()
    with Named([Zone("example.com", zone_file(sets))]) as ns:
        for fmt in ([], ["--json"]):
            xfr = run_notify53(["xfr", ZONE, "127.0.0.1:%d" % ns.port] + fmt, env)
            dump = run_notify53(["r53", "dump", ZONE, "-c", cfg] + fmt, env)
            ok(xfr.returncode == 0 and dump.returncode == 0,
               "xfr and r53 dump %s succeed" % " ".join(fmt),
               xfr.stderr + dump.stderr)
            xl, dl = xfr.stdout.splitlines(), dump.stdout.splitlines()
            eq(len(dl), len(sets), "dump %s: one line per record set" % " ".join(fmt))
            if not ok(xl == dl, "r53 dump %s prints exactly the lines of xfr"
                      % " ".join(fmt)):
                for a, b in zip(xl, dl):
                    if a != b:
                        diag("xfr:  %s\ndump: %s" % (a, b))
                        break
    log = api_log(e)
    eq(sum(1 for x in log if x["op"] == "ListResourceRecordSets"),
       2 * math.ceil(len(sets) / 300.0),
       "ceil(%d/300) ListResourceRecordSets per dump" % len(sets))
    eq(sum(1 for x in log if x["op"] == "ListHostedZonesByName"), 2,
       "one ListHostedZonesByName per dump")
    ok(all(x["status"] == 200 and x.get("access_key") == KEY.split(":")[0]
           for x in log), "every request signed with the session token and accepted")
    pages = [x["query"] for x in log if x["op"] == "ListResourceRecordSets"][:4]
    ok("name" not in pages[0] and all(q.get("name") and q.get("type") for q in pages[1:])
       and len(set(json.dumps(q, sort_keys=True) for q in pages)) == 4,
       "pages 2-4 start at the cursor given, each page asked for once")

    # The JSON lines against the emulator's own dump.
    dump = run_notify53(["r53", "dump", bare(zid), "-c", cfg, "--json"], env)
    got = sorted((d["name"], d["type"], d["ttl"], tuple(sorted(d["values"])))
                 for d in map(json.loads, dump.stdout.splitlines()))
    want = sorted((text_name(lab), t, ttl, tuple(sorted(v))) for lab, t, ttl, v in sets)
    eq(got, want, "dump by zone ID: the sets the emulator holds, names unescaped")
    return zid


def markers(e, home, cfg, zid):
    e.seed(zid, [
        {"name": "lb.example.com.", "type": "A", "alias": {
            "hosted_zone_id": "Z2FDTNDATAQYW2", "dns_name": "d111.cloudfront.net.",
            "evaluate_target_health": False}},
        {"name": "w.example.com.", "type": "A", "ttl": 60, "values": ["192.0.2.9"],
         "set_identifier": "eu west", "weight": 10},
        {"name": "w.example.com.", "type": "A", "ttl": 60, "values": ["192.0.2.10"],
         "set_identifier": "us", "weight": 20},
        # A plain set whose value notify53 cannot read (seeded past the
        # emulator's validation): listed after the others, with the reason.
        {"name": "bad.example.com.", "type": "MX", "ttl": 300, "values": ["ten mx.example."]}])
    d = run_notify53(["r53", "dump", ZONE, "-c", cfg], home.env())
    lines = d.stdout.splitlines()
    bad = [x for x in lines if x.startswith("bad.example.com. 300 MX ten mx.example. ; "
                                            "not understood: ")]
    ok(len(bad) == 1 and len(bad[0]) > len("bad.example.com. 300 MX ten mx.example. ; "
                                           "not understood: "),
       "a value it cannot read: its line says why", "\n".join(
           x for x in lines if x.startswith("bad.")))
    ok("lb.example.com. ALIAS A -> d111.cloudfront.net." in lines, "alias line")
    ok("w.example.com. 60 A 192.0.2.9 ; set-identifier=eu west" in lines and
       "w.example.com. 60 A 192.0.2.10 ; set-identifier=us" in lines,
       "weighted sets with their set identifiers")
    ok(lines.index("lb.example.com. ALIAS A -> d111.cloudfront.net.") > 1000,
       "after the sets notify53 manages")
    d = run_notify53(["r53", "dump", ZONE, "-c", cfg, "--json"], home.env())
    objs = [json.loads(x) for x in d.stdout.splitlines()]
    ok({"name": "lb.example.com.", "type": "A", "alias": "d111.cloudfront.net."} in objs,
       "alias in JSON")
    ok({"name": "w.example.com.", "type": "A", "ttl": 60, "values": ["192.0.2.9"],
        "set_identifier": "eu west"} in objs, "weighted set in JSON")
    bad = [o for o in objs if o.get("name") == "bad.example.com."]
    ok(len(bad) == 1 and bad[0].get("values") == ["ten mx.example."] and
       bad[0].get("not_understood"), "... and in JSON, its not_understood", repr(bad))
    e.unseed(zid, [{"name": "bad.example.com.", "type": "MX"}])


def many_zones(e, home, cfg):
    ids = [e.create_zone("z%03d.example.org." % i) for i in range(230)]
    pub = e.create_zone("dup.example.")
    priv = e.create_zone("dup.example.", private=True, vpc=("us-east-1", "vpc-1"))
    e.create_zone("dup.example.a.")
    e.reset()
    z = run_notify53(["r53", "zones", "-c", cfg], home.env())
    lines = z.stdout.splitlines()
    total = len(e.dump(rrsets=False))
    eq(len(lines), total, "r53 zones: all %d hosted zones" % total)
    eq(sum(1 for x in api_log(e) if x["op"] == "ListHostedZones"),
       math.ceil(total / 100.0), "ceil(%d/100) ListHostedZones calls" % total)
    ok("%s z007.example.org. public 2" % bare(ids[7]) in lines and
       "%s dup.example. private 2" % bare(priv) in lines,
       "ID, name, public/private, record-set count")

    e.reset()
    res, calls, p = run_tool(home.path("config.json"), [
        "find:dup.example", "find:dup.example.:private", "find:nothere.example.",
        "get:" + bare(priv)], home.env())
    ok(len(res) == 4 and res[0]["status"] == "ok" and len(res[0]["found"]) == 2,
       "find: the public and the private zone called dup.example.", p.stdout + p.stderr)
    ok(res and res[0]["pick"] == "%d %s" % (
        [z["id"] for z in res[0]["found"]].index(bare(pub)), bare(pub)),
       "picked: the public one")
    ok(len(res) > 1 and res[1]["pick"].endswith(bare(priv)), "private: the private one")
    ok(len(res) > 2 and res[2]["status"] == "ok" and not res[2]["found"] and
       res[2]["pick"].startswith("error no hosted zone"), "no such name: no candidates")
    ok(len(res) > 3 and res[3]["found"] and res[3]["found"][0]["name"] == "dup.example."
       and res[3]["found"][0]["private"], "GetHostedZone of the private zone")
    eq(calls.get("ListHostedZonesByName"), 3, "one ListHostedZonesByName per name")

    d = run_notify53(["r53", "dump", "dup.example.", "-c", cfg], home.env())
    ok(d.returncode == 0 and "dup.example. 900 SOA" in d.stdout,
       "dump by name takes the public zone")
    d = run_notify53(["r53", "dump", "ZNOSUCHZONE", "-c", cfg], home.env())
    ok(d.returncode == 1 and "NoSuchHostedZone" in d.stderr and
       d.stderr.count("\n") == 1, "an unknown zone ID: one line on stderr: %s"
       % d.stderr.strip())


def main():
    with Emu(credentials=(KEY,), rate=0) as e, Home() as home:
        cfg = home.config(e)
        zid = big_zone(e, home, cfg)
        markers(e, home, cfg, zid)
        many_zones(e, home, cfg)
    done()


if __name__ == "__main__":
    main()
