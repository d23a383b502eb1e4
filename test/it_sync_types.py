#!/usr/bin/python3
"""`notify53 sync` end to end: BIND 9 as the primary, the Route 53 emulator
over TLS, the notify53 binary.

- a zone with every type Route 53 holds (A AAAA CAA CNAME DS HTTPS MX NAPTR
  NS (delegation, with glue) PTR SOA SPF SRV SSHFP SVCB TLSA TXT),
  wildcards, escaped owner names, tricky TXT (quotes, backslashes, UTF-8,
  control bytes, more than 255 octets as several strings), mixed case in
  owners and targets, sets whose RRs have different TTLs, synced into an
  empty hosted zone: what boto3 lists (paged) equals dnspython's AXFR of
  the zone from named, compared as wire rdata (never notify53's text);
  apex NS left to Route 53, the SOA with Route 53's names and the
  primary's serial and timers;
- types Route 53 cannot hold (HINFO, LOC) skipped with one warning per type;
- idempotence: the second sync makes no change in ceil(N/300) + 1 calls;
- a DNSSEC-signed primary: DNSKEY, RRSIG, NSEC left out, the DS at its
  delegation synced.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone  # noqa: E402
from r53tool import Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402

HEX = "ab" * 32
LONG = ['"%s"' % (c * 255) for c in "abc"] + ['"tail"']

ZONE = r"""$ORIGIN example.com.
$TTL 300
@ 900 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 86400
@ IN NS ns1.example.com.
@ IN NS ns2.example.net.
@ IN A 192.0.2.1
@ IN MX 10 mail.example.com.
@ IN MX 20 MX2.Example.NET.
@ IN TXT "v=spf1 -all"
@ IN TXT "two" "strings"
@ IN CAA 0 issue "ca.example.net"
@ IN CAA 128 tbs "x"
ns1 IN A 192.0.2.53
www 60 IN AAAA 2001:db8::1
www 120 IN AAAA 2001:db8::2:1
MixedCase IN A 192.0.2.7
UPPER.Sub2 IN AAAA 2001:DB8::A
cname IN CNAME WWW.Example.COM.
_sip._tcp IN SRV 10 5 5060 sip.example.com.
sub 3600 IN NS ns.sub.example.com.
sub 3600 IN NS ns.example.net.
ns.sub 3600 IN A 192.0.2.54
sub 3600 IN DS 12345 13 2 {hex}
ssh IN SSHFP 4 2 {hex}
_443._tcp IN TLSA 3 1 1 {hex}
naptr IN NAPTR 100 50 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .
ptr IN PTR host.example.com.
spf IN SPF "v=spf1 ~all"
svc IN HTTPS 1 . alpn="h3,h2" ipv4hint=192.0.2.7
svc2 IN HTTPS 0 svc.example.com.
_dns IN SVCB 1 dns.example.com. port=853
* IN TXT "wildcard"
*.deep IN A 192.0.2.8
x\*y IN A 192.0.2.9
sp\ ace IN A 192.0.2.10
dot\.in IN A 192.0.2.11
caf\195\169 IN A 192.0.2.12
semi\;colon IN A 192.0.2.13
quote\"d IN A 192.0.2.14
back\\slash IN A 192.0.2.15
paren\(s\) IN A 192.0.2.16
at\@sign IN A 192.0.2.17
under_score IN A 192.0.2.18
-dash IN A 192.0.2.19
txt1 IN TXT "quote \" inside" "back \\ slash" "semi;colon" "tab\009and\010nl"
txt2 IN TXT "caf\195\169 \226\130\172 UTF-8"
txt3 IN TXT {long}
txt4 IN TXT "a" "b"
txt4 IN TXT "ab"
hinfo IN HINFO "PC" "Linux"
hinfo2 IN HINFO "Mac" "BSD"
loc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
""".replace("{hex}", HEX).replace("{long}", " ".join(LONG))

SIGNED_ZONE = """$ORIGIN signed.example.
$TTL 300
@ IN SOA ns1.signed.example. hostmaster.signed.example. 7 7200 900 1209600 300
@ IN NS ns1.signed.example.
ns1 IN A 192.0.2.80
www IN A 192.0.2.81
child IN NS ns.example.net.
child IN DS 54321 13 2 {hex}
""".replace("{hex}", HEX)


def sign(text, zone):
    """dnssec-signzone text with a fresh ECDSA P-256 key (NSEC)."""
    d = tempfile.mkdtemp(prefix="sync-sign-")
    try:
        path = os.path.join(d, "zone")
        key = subprocess.run(["dnssec-keygen", "-q", "-K", d, "-a", "ECDSAP256SHA256",
                              "-f", "KSK", zone], stdout=subprocess.PIPE, check=True,
                             universal_newlines=True, timeout=60).stdout.strip()
        with open(path, "w") as f:
            f.write(text + "$INCLUDE %s/%s.key\n" % (d, key))
        subprocess.run(["dnssec-signzone", "-q", "-K", d, "-o", zone, "-z", "-O", "full",
                        "-f", path + ".signed", path], check=True, timeout=60,
                       stdout=subprocess.DEVNULL, cwd=d)
        with open(path + ".signed") as f:
            return f.read()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_zone(e, client, zid, ns, zone, label):
    """The hosted zone against the primary's AXFR; returns the listing."""
    primary = st.axfr(ns.port, zone)
    want = st.expected(primary, zone)
    plain, soa, apex_ns, other, pages = st.listing(client, zid)
    ok(plain == want, "%s: the hosted zone holds exactly the primary's %d record sets"
       % (label, len(want)), st.diff(plain, want))
    psoa = list(primary[(st.r53_name(dns.name.from_text(zone)), "SOA")][1])[0]
    f = (soa or "").split()
    ok(len(f) == 7 and re.match(r"ns-\d+\.awsdns-\d+\.com\.$", f[0]) and
       f[1] == "awsdns-hostmaster.amazon.com.",
       "%s: SOA keeps Route 53's mname and rname: %s" % (label, soa))
    prd = dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.SOA, psoa, 0, len(psoa))
    eq([int(x) for x in f[2:]], [prd.serial, prd.refresh, prd.retry, prd.expire, prd.minimum],
       "%s: SOA serial and timers follow the primary" % label)
    ok(apex_ns is not None and all("awsdns" in v for v in apex_ns) and len(apex_ns) == 4,
       "%s: apex NS is still Route 53's own: %s" % (label, apex_ns))
    return primary, plain


def main():
    with Emu(rate=0) as e, Home() as home:
        client = e.boto3()
        zid = bare(e.create_zone("example.com."))
        sid = bare(e.create_zone("signed.example."))
        signed = sign(SIGNED_ZONE, "signed.example")
        with Named([Zone("example.com", ZONE), Zone("signed.example", signed)]) as ns:
            cfg = st.sync_config(home, e, [
                {"name": "example.com", "primaries": [ns.addr()]},
                {"name": "signed.example", "primaries": [ns.addr()]}])
            p, res = st.sync(home, cfg, ["example.com"])
            r = res.get("example.com.", {})
            ok(p.returncode == 0, "first sync: exit 0", p.stdout + p.stderr)
            primary, plain = check_zone(e, client, zid, ns, "example.com", "example.com")
            n = len(plain) + 2
            eq((r.get("created"), r.get("updated"), r.get("deleted")), (len(plain), 1, 0),
               "first sync: every set created, the SOA updated")
            eq(r.get("xfer"), "AXFR", "first sync: by AXFR")
            diag("first sync of %d sets: %s, %.2f s" % (n, r.get("calls"), r.get("secs", 0)))
            eq(e.count("ChangeResourceRecordSets"), 1, "one change batch")
            err = p.stderr
            ok(err.count("HINFO") == 1 and err.count("LOC") == 1,
               "HINFO (2 sets) and LOC warned about once each", err)
            ok(not any(t in ("HINFO", "LOC") for _, t in plain), "HINFO and LOC not sent")
            ok(("\\052.example.com.", "TXT") in plain and
               ("\\052.deep.example.com.", "A") in plain and
               ("caf\\303\\251.example.com.", "A") in plain and
               ("mixedcase.example.com.", "A") in plain,
               "wildcards, UTF-8 and mixed-case owners stored in Route 53's form")
            www = plain.get(("www.example.com.", "AAAA"), (0,))[0]
            eq(www, 60, "a set's TTL is the lowest of its RRs")

            # --full: the sync record would say "current" without
            # comparing; a full listing shows every type reads back the
            # same as it was written.
            e.reset()
            p, res = st.sync(home, cfg, ["example.com", "--full"])
            r = res.get("example.com.", {})
            ok(p.returncode == 0, "second sync: exit 0", p.stdout + p.stderr)
            eq((r.get("created"), r.get("updated"), r.get("deleted")), (0, 0, 0),
               "second sync: no change")
            log = api_log(e)
            eq(sum(1 for x in log if x["op"] == "ChangeResourceRecordSets"), 0,
               "second sync: no ChangeResourceRecordSets")
            ok(len(log) <= st.max_calls(n), "second sync: %d API calls for %d sets "
               "(at most ceil(N/300) + 1 = %d)" % (len(log), n, st.max_calls(n)))
            eq(sum(r.get("calls", {}).values()), len(log),
               "the API calls printed are the emulator's count")

            # The signed primary.
            e.reset()
            p, res = st.sync(home, cfg, ["signed.example"])
            ok(p.returncode == 0, "signed zone: exit 0", p.stdout + p.stderr)
            sprimary, splain = check_zone(e, client, sid, ns, "signed.example", "signed zone")
            ok(any(t in ("DNSKEY", "RRSIG", "NSEC") for _, t in sprimary),
               "the signed primary serves DNSKEY, RRSIG and NSEC")
            ok(not any(t in ("DNSKEY", "RRSIG", "NSEC") for _, t in splain),
               "none of them reaches Route 53")
            ok(("child.signed.example.", "DS") in splain, "the DS at the delegation is synced")
            ok("DNSKEY" not in p.stderr and "RRSIG" not in p.stderr,
               "DNSSEC records skipped without a warning", p.stderr)
    done()


if __name__ == "__main__":
    main()
