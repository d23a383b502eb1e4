#!/usr/bin/python3
"""Integration: `notify53 soa` and `notify53 xfr` against a real BIND 9.

A zone with every one of the 17 Route 53 types (wildcards, names needing
escapes, TXT with quotes, backslashes, UTF-8 and a 600-octet DKIM record,
mixed-case owners) is transferred and compared, record set by record set
and value by value, with an independent rendering of the same transfer made
with dnspython (dns.query.xfr) and converted to Route 53 syntax here. Then:
the DNSSEC-signed zone (opaque DNSKEY/RRSIG/NSEC), TSIG (good, wrong secret,
unknown key, none where one is required), IXFR after nsupdate (one step,
several, current, AXFR-style), refusals, and fake primaries on loopback that
cut the stream, send a wrong ID or a mismatched SOA. One transfer also runs
under valgrind (NOTIFY53_PLAIN: a build without sanitizers).
"""
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import tap  # noqa: E402
from named import Key, Named, Zone  # noqa: E402

import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.query  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.zone  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
PLAIN = os.environ.get("NOTIFY53_PLAIN")
TIMEOUT = 60

KEY = Key("xfr-key", "hmac-sha256", "a2V5LWZvci10aGUtbm90aWZ5NTMtaW50ZWdyYXRpb24tdGVzdHM=")
WRONG = Key("xfr-key", "hmac-sha256", "c29tZS1vdGhlci1zZWNyZXQtZm9yLXRoZS1zYW1lLWtleS0hIQ==")
UNKNOWN = Key("nobody-key", "hmac-sha256", KEY.secret)
UPDATE = Key("update-key", "hmac-sha512", "dXBkYXRlLWtleS1mb3ItbnN1cGRhdGUtaW4tdGhlLW5vdGlmeTUzLXRlc3Rz")

DKIM = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" * 14
DKIM_STRINGS = " ".join('"%s"' % DKIM[i:i + 255] for i in range(0, len(DKIM), 255))

ZONE = """$ORIGIN example.com.
$TTL 3600
@               SOA   ns1.example.com. hostmaster.example.com. 2026112501 7200 900 1209600 300
@               NS    ns1
@               NS    ns2.Example.NET.
ns1             A     192.0.2.1
@               A     192.0.2.80
@               AAAA  2001:db8:0:0:0:0:0:1
www             CNAME example.com.
MiXeD.CaSe      A     192.0.2.5
MiXeD.CaSe      A     192.0.2.6
mail            MX    10 MX1.Example.com.
mail            MX    20 mx2.example.net.
@          300  TXT   "v=spf1 ip4:192.0.2.0/24 -all"
@               SPF   "v=spf1 ip4:192.0.2.0/24 -all"
txt             TXT   "say \\"hi\\"" "back\\\\slash" "caf\\195\\169 \\226\\130\\172"
txt             TXT   "second record"
dkim._domainkey TXT   %(dkim)s
_sip._tcp       SRV   10 60 5060 sip.example.com.
_sip._tcp       SRV   20 0 5061 sip2.example.com.
@               CAA   0 issue "letsencrypt.org"
@               CAA   128 tbs "v;al\\"ue"
@               CAA   0 iodef "mailto:security@example.com"
child           NS    ns.child.example.com.
ns.child        A     192.0.2.53
child           DS    12345 13 2 2BB183AF5F22588179A53B0A98631FAD1A292118DBA5B4A20E1D9CC2A1A7F9A5
_443._tcp.www   TLSA  3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6
host            SSHFP 4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789
naptr           NAPTR 100 50 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .
naptr           NAPTR 102 10 "s" "SIP+D2U" "" _sip._udp.example.com.
ptr             PTR   host.example.com.
@               HTTPS 1 . alpn="h3,h2" ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1
svc             SVCB  1 svc1.example.net. port=8443 alpn=h2 mandatory=alpn,port
svc2            HTTPS 0 svc.example.com.
*.wild          A     192.0.2.9
*.wild          TXT   "wildcard"
*               MX    10 mail.example.com.
esc\\.aped       A     192.0.2.7
sp\\032ace       A     192.0.2.8
odd             CNAME we\\(ird.example.com.
""" % {"dkim": DKIM_STRINGS}

PLAIN_ZONE = """$ORIGIN %(z)s
$TTL 300
@   SOA ns1.%(z)s hostmaster.%(z)s 7 3600 600 86400 300
@   NS  ns1
ns1 A   192.0.2.1
www A   192.0.2.2
"""

R53_TYPES = {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA",
             "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}
# Types whose embedded names the zone store lower-cases (RFC 4034 section
# 6.2; RFC 9460 section 2.2 for the SVCB/HTTPS target).
LOWER = {"NS", "CNAME", "SOA", "PTR", "MX", "SRV", "NAPTR", "SVCB", "HTTPS", "RRSIG"}


# ---- an independent Route 53 rendering (Route 53 Developer Guide, "Supported
# DNS record types") ----

def r53_string(b):
    out = []
    for c in b:
        if c in (0x22, 0x5c):
            out.append("\\" + chr(c))
        elif c < 0x20 or c >= 0x7f:
            out.append("\\%03o" % c)
        else:
            out.append(chr(c))
    return '"' + "".join(out) + '"'


def r53_name(n):
    if n == dns.name.root:
        return "."
    labels = []
    for label in n.labels[:-1]:
        labels.append("".join(chr(c) if (chr(c).isascii() and (chr(c).isalnum() or c in b"-_"))
                              else "\\%03o" % c for c in label))
    return ".".join(labels) + "."


def svc_params(rd):
    out = []
    for key in sorted(rd.params):
        v = rd.params[key]
        k = dns.rdtypes.svcbbase.key_to_text(key)
        if key == dns.rdtypes.svcbbase.ParamKey.ALPN:
            out.append('alpn="%s"' % ",".join(
                x.decode().replace("\\", "\\\\\\\\").replace(",", "\\\\,") for x in v.ids))
        elif key == dns.rdtypes.svcbbase.ParamKey.NO_DEFAULT_ALPN:
            out.append(k)
        else:
            out.append("%s=%s" % (k, v.to_text().strip('"')))
    return out


def r53_value(rd):
    t = dns.rdatatype.to_text(rd.rdtype)
    if t == "A":
        return rd.address
    if t == "AAAA":
        return ipaddress.IPv6Address(rd.address).compressed
    if t == "CAA":
        return "%d %s %s" % (rd.flags, rd.tag.decode(), r53_string(rd.value))
    if t in ("CNAME", "NS", "PTR"):
        return r53_name(rd.target)
    if t == "DS":
        return "%d %d %d %s" % (rd.key_tag, rd.algorithm, rd.digest_type, rd.digest.hex())
    if t == "MX":
        return "%d %s" % (rd.preference, r53_name(rd.exchange))
    if t == "NAPTR":
        return "%d %d %s %s %s %s" % (rd.order, rd.preference, r53_string(rd.flags),
                                      r53_string(rd.service), r53_string(rd.regexp),
                                      r53_name(rd.replacement))
    if t == "SOA":
        return "%s %s %d %d %d %d %d" % (r53_name(rd.mname), r53_name(rd.rname), rd.serial,
                                         rd.refresh, rd.retry, rd.expire, rd.minimum)
    if t in ("TXT", "SPF"):
        return " ".join(r53_string(s) for s in rd.strings)
    if t == "SRV":
        return "%d %d %d %s" % (rd.priority, rd.weight, rd.port, r53_name(rd.target))
    if t == "SSHFP":
        return "%d %d %s" % (rd.algorithm, rd.fp_type, rd.fingerprint.hex())
    if t == "TLSA":
        return "%d %d %d %s" % (rd.usage, rd.selector, rd.mtype, rd.cert.hex())
    if t in ("SVCB", "HTTPS"):
        return " ".join(["%d" % rd.priority, r53_name(rd.target)] + svc_params(rd))
    w = rd.to_wire()
    return "\\# %d %s" % (len(w), w.hex())


def lowered(rd):
    t = dns.rdatatype.to_text(rd.rdtype)
    if t not in LOWER:
        return rd
    return dns.rdata.from_wire(rd.rdclass, rd.rdtype, rd.to_digestable(), 0,
                               len(rd.to_digestable()))


def expected_sets(zone_name, port, key=None):
    """The zone as dnspython transfers it, in notify53's JSON terms:
    {(name, type): (ttl, [values sorted by canonical rdata])}."""
    kw = {}
    if key:
        ring, kn = key.keyring()
        kw = {"keyring": ring, "keyname": kn}
    z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", zone_name, port=port, timeout=TIMEOUT, relativize=False,
                                        lifetime=TIMEOUT, **kw), relativize=False)
    sets = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            # One set per (name, type): RRSIGs of every covered type together.
            k = (name.to_text().lower(), dns.rdatatype.to_text(rds.rdtype))
            ttl, rdl = sets.get(k, (rds.ttl, []))
            sets[k] = (min(ttl, rds.ttl), rdl + [lowered(rd) for rd in rds])
    return {k: (ttl, [r53_value(r) for r in sorted(rdl, key=lambda r: r.to_digestable())])
            for k, (ttl, rdl) in sets.items()}


# ---- running notify53 ----------------------------------------------------------

def run(*args, binary=None, wrapper=()):
    cmd = list(wrapper) + [binary or BIN] + list(args)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def got_sets(out):
    sets = {}
    for line in out.splitlines():
        o = json.loads(line)
        sets[(o["name"], o["type"])] = (o["ttl"], o["values"])
    return sets


def compare(got, want, what):
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    diff = [(k, got[k], want[k]) for k in sorted(set(got) & set(want)) if got[k] != want[k]]
    tap.ok(not missing and not extra and not diff, what,
           "missing: %r\nextra: %r\ndiffer (got, want): %r" % (missing[:5], extra[:5], diff[:5]))


def one_line_error(rc, err, want, what):
    tap.ok(rc != 0 and err.count("\n") == 1 and want in err, "%s: %s" % (what, err.strip()),
           "rc=%d stderr=%r" % (rc, err))


# ---- fake primaries ----------------------------------------------------------------

class FakePrimary(threading.Thread):
    """Accepts one TCP connection on 127.0.0.1, reads the query and answers
    with what make(query) returns (bytes, sent as is), then closes."""

    def __init__(self, make):
        super().__init__(daemon=True)
        self.make = make
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.start()

    def run(self):
        try:
            c, _ = self.sock.accept()
            with c:
                c.settimeout(TIMEOUT)
                n = struct.unpack("!H", c.recv(2))[0]
                q = b""
                while len(q) < n:
                    q += c.recv(n - len(q))
                c.sendall(self.make(dns.message.from_wire(q)))
        except OSError:
            pass
        finally:
            self.sock.close()


def framed(*msgs):
    out = b""
    for m in msgs:
        w = m.to_wire()
        out += struct.pack("!H", len(w)) + w
    return out


def axfr_messages(q, serial_end=7, n=3):
    name = q.question[0].name
    soa = dns.rrset.from_text(name, 300, "IN", "SOA", "ns1.%s h.%s 7 3600 600 86400 300" % (name, name))
    soa_end = dns.rrset.from_text(name, 300, "IN", "SOA",
                                  "ns1.%s h.%s %d 3600 600 86400 300" % (name, name, serial_end))
    msgs = []
    for i in range(n):
        r = dns.message.make_response(q)
        if i == 0:
            r.answer.append(soa)
        r.answer.append(dns.rrset.from_text("h%d.%s" % (i, name), 300, "IN", "A", "192.0.2.%d" % (i + 1)))
        if i == n - 1:
            r.answer.append(soa_end)
        msgs.append(r)
    return msgs


# ---- the tests --------------------------------------------------------------------

def test_full(ns):
    rc, json_out, err = run("xfr", "example.com", ns.addr(), "--json")
    tap.ok(rc == 0 and not err, "AXFR of the 17-type zone succeeds", err)
    want = expected_sets("example.com.", ns.port)
    got = got_sets(json_out) if rc == 0 else {}
    compare(got, want, "every record set and value equals dnspython's transfer")
    types = {t for (_, t) in got}
    tap.eq(sorted(types & R53_TYPES), sorted(R53_TYPES), "all 17 Route 53 types present")
    dkim = got.get(("dkim._domainkey.example.com.", "TXT"), (0, [""]))[1][0]
    tap.ok(dkim.count('" "') == 2 and len(DKIM) > 600, "600-octet DKIM record is one value of 3 strings")
    txt = got.get(("txt.example.com.", "TXT"), (0, []))[1]
    tap.ok('"say \\"hi\\"" "back\\\\slash" "caf\\303\\251 \\342\\202\\254"' in txt,
           "TXT quotes, backslashes and UTF-8 octets in Route 53 escapes", txt)
    tap.ok(("mixed.case.example.com.", "A") in got, "mixed-case owner lower-cased")
    tap.ok(("*.wild.example.com.", "A") in got and ("*.example.com.", "MX") in got, "wildcards")

    rc, text, err = run("xfr", "example.com.", ns.addr())
    lines = text.splitlines()
    tap.ok(rc == 0 and len(lines) == len(got), "text output: one line per record set (%d)" % len(lines))
    tap.ok(all(len(l.split(" ", 3)) == 4 and l.split(" ")[1].isdigit() for l in lines),
           "text lines are 'name TTL TYPE values'")
    tap.ok("www.example.com. 3600 CNAME example.com." in lines, "a CNAME line", "\n".join(lines[:8]))
    tap.ok("mail.example.com. 3600 MX 10 mx1.example.com. | 20 mx2.example.net." in lines,
           "values joined with ' | ', embedded names lower-cased")

    rc, out, err = run("soa", "example.com", ns.addr())
    tap.eq(out.splitlines(), ["serial 2026112501", "refresh 7200", "retry 900", "expire 1209600",
                              "minimum 300", "ttl 3600", "mname ns1.example.com.",
                              "rname hostmaster.example.com."], "soa prints serial and timers")
    if PLAIN and os.path.exists(PLAIN):
        log = tempfile.NamedTemporaryFile(prefix="notify53-vg-", suffix=".log", delete=False)
        log.close()
        rc, vout, err = run("xfr", "example.com", ns.addr(), "--json", "--tsig", KEY.spec(),
                            binary=PLAIN,
                            wrapper=("valgrind", "--error-exitcode=99", "--leak-check=full",
                                     "--errors-for-leak-kinds=definite,indirect,possible",
                                     "--log-file=" + log.name))
        with open(log.name) as f:
            vlog = f.read()
        os.unlink(log.name)
        tap.ok(rc == 0 and vout == json_out, "TSIG transfer under valgrind: same output, no error or leak",
               "rc=%d %s\n%s" % (rc, err, vlog[-2000:]))
    else:
        tap.ok(False, "valgrind check needs NOTIFY53_PLAIN (a non-ASan build; make check sets it)")


def test_tsig(ns):
    rc, out, err = run("xfr", "locked.test", ns.addr(), "--json", "--tsig", KEY.spec())
    tap.ok(rc == 0 and len(out.splitlines()) == 4, "TSIG-signed AXFR of a zone that requires the key", err)
    rc, out, err = run("soa", "locked.test", ns.addr(), "--tsig", KEY.spec())
    tap.ok(rc == 0 and "serial 7" in out, "TSIG-signed SOA query", err)
    rc, out, err = run("xfr", "locked.test", ns.addr())
    one_line_error(rc, err, "%s refused the transfer of locked.test. (REFUSED)" % ns.addr(),
                   "no key where one is required")
    rc, out, err = run("xfr", "locked.test", ns.addr(), "--tsig", WRONG.spec())
    one_line_error(rc, err, "BADSIG", "wrong secret")
    tap.ok(not out, "nothing printed on failure")
    rc, out, err = run("xfr", "locked.test", ns.addr(), "--tsig", UNKNOWN.spec())
    one_line_error(rc, err, "BADKEY", "unknown key")
    rc, out, err = run("soa", "locked.test", ns.addr(), "--tsig", WRONG.spec())
    one_line_error(rc, err, "BADSIG", "SOA query with a wrong secret")
    rc, out, err = run("xfr", "locked.test", ns.addr(), "--tsig", "xfr-key:hmac-sha256:not*base64")
    one_line_error(rc, err, "base64", "malformed --tsig")
    tap.ok("not*base64" not in err, "the secret is not echoed")


def test_refused(ns):
    rc, out, err = run("xfr", "refused.test", ns.addr())
    one_line_error(rc, err, "%s refused the transfer of refused.test. (REFUSED)" % ns.addr(),
                   "allow-transfer none")
    rc, out, err = run("xfr", "notthere.test", ns.addr())
    one_line_error(rc, err, "%s refused the transfer of notthere.test." % ns.addr(),
                   "zone the server does not have")
    rc, out, err = run("soa", "notthere.test", ns.addr())
    one_line_error(rc, err, "refused the SOA query for notthere.test.", "SOA of a zone it does not have")


def test_ixfr(ns):
    base = 2026112501
    rc, v1, err = run("xfr", "example.com", ns.addr(), "--json")
    rc, out, err = run("xfr", "example.com", ns.addr(), "--ixfr", str(base))
    tap.eq((rc, out), (0, "current\n"), "IXFR from the current serial: current")

    ns.nsupdate("example.com", ["update delete www.example.com. CNAME",
                                "update add www.example.com. 600 A 192.0.2.44",
                                "update delete MiXeD.CaSe.example.com. A 192.0.2.5"], UPDATE)
    rc, out, err = run("xfr", "example.com", ns.addr(), "--ixfr", str(base))
    lines = out.splitlines()
    tap.ok(rc == 0 and lines and lines[0] == "; %d -> %d" % (base, base + 1), "one IXFR step", out + err)
    tap.ok("- www.example.com. 3600 CNAME example.com." in lines
           and "+ www.example.com. 600 A 192.0.2.44" in lines
           and "- mixed.case.example.com. 3600 A 192.0.2.5" in lines, "deleted and added sets", out)

    ns.nsupdate("example.com", ["update add new.example.com. 300 TXT \"step two\""], UPDATE)
    ns.nsupdate("example.com", ["update delete new.example.com. TXT",
                                "update add new.example.com. 300 AAAA 2001:db8::99"], UPDATE)
    rc, out, err = run("xfr", "example.com", ns.addr(), "--ixfr", str(base), "--json")
    steps = [json.loads(l) for l in out.splitlines()] if rc == 0 else []
    tap.eq(sorted({(s["from"], s["to"]) for s in steps}),
           [(base, base + 1), (base + 1, base + 2), (base + 2, base + 3)], "three IXFR steps", )

    # Version 1 plus the steps, applied value by value, is the new AXFR.
    cur = {(s["name"], s["type"]): set(s["values"]) for s in map(json.loads, v1.splitlines())}
    for s in steps:
        k = (s["name"], s["type"])
        if s["op"] == "-":
            cur[k] = cur.get(k, set()) - set(s["values"])
        else:
            cur[k] = cur.get(k, set()) | set(s["values"])
    cur = {k: v for k, v in cur.items() if v}
    rc, now, err = run("xfr", "example.com", ns.addr(), "--json")
    want = {(s["name"], s["type"]): set(s["values"]) for s in map(json.loads, now.splitlines())}
    tap.eq(cur, want, "AXFR(old) + IXFR steps == AXFR(new)")

    rc, out, err = run("xfr", "example.com", ns.addr(), "--ixfr", str(base - 10), "--json")
    tap.ok(rc == 0 and got_sets(out) == got_sets(now), "IXFR from an unknown serial: AXFR-style full zone",
           out[:300] + err)
    rc, out, err = run("xfr", "example.com", ns.addr(), "--ixfr", str(base + 3))
    tap.eq(out, "current\n", "current again at the newest serial")


def test_signed(ns):
    rc, out, err = run("xfr", "signed.test", ns.addr(), "--json")
    tap.ok(rc == 0, "AXFR of a DNSSEC-signed zone succeeds", err)
    got = got_sets(out) if rc == 0 else {}
    types = {t for (_, t) in got}
    tap.ok({"DNSKEY", "RRSIG", "NSEC"} <= types, "DNSKEY, RRSIG and NSEC kept", sorted(types))
    compare(got, expected_sets("signed.test.", ns.port), "signed zone equals dnspython's, opaque types as RFC 3597")


def test_fakes():
    def cut(q):
        data = framed(*axfr_messages(q))
        return data[:len(data) // 2]

    def wrong_id(q):
        msgs = axfr_messages(q)
        msgs[1].id ^= 0x5555
        return framed(*msgs)

    def mismatch(q):
        return framed(*axfr_messages(q, serial_end=8))

    def good(q):
        return framed(*axfr_messages(q))

    f = FakePrimary(good)
    rc, out, err = run("xfr", "fake.test", "127.0.0.1:%d" % f.port, "--json")
    tap.ok(rc == 0 and len(out.splitlines()) == 4, "fake primary: good 3-message AXFR", err)
    for make, want, what in ((cut, "closed the connection before the end of the AXFR", "cut mid-stream"),
                             (wrong_id, "sent a message with ID", "wrong ID in message 2"),
                             (mismatch, "ended the AXFR with SOA serial 8, not 7", "SOA mismatch")):
        f = FakePrimary(make)
        rc, out, err = run("xfr", "fake.test", "127.0.0.1:%d" % f.port)
        one_line_error(rc, err, "127.0.0.1:%d %s" % (f.port, want), what)
        tap.ok(out == "", "%s: no zone printed" % what)
        f.join(TIMEOUT)
    # Nobody listening.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rc, out, err = run("xfr", "fake.test", "127.0.0.1:%d" % port)
    one_line_error(rc, err, "127.0.0.1:%d refused the connection" % port, "closed port")
    rc, out, err = run("soa", "fake.test", "127.0.0.1:%d" % port)
    one_line_error(rc, err, "127.0.0.1:%d could not be reached" % port, "SOA query to a closed UDP port")
    rc, out, err = run("xfr", "fake.test")
    tap.ok(rc == 64 and "usage" in err, "usage error", err)


def signed_zone(tmp):
    text = PLAIN_ZONE % {"z": "signed.test."}
    path = os.path.join(tmp, "signed.test.db")
    with open(path, "w") as f:
        f.write(text)
    for extra in ([], ["-f", "KSK"]):
        subprocess.run(["dnssec-keygen", "-q", "-K", tmp, "-a", "ECDSAP256SHA256"] + extra + ["signed.test"],
                       check=True, stdout=subprocess.DEVNULL, timeout=TIMEOUT)
    subprocess.run(["dnssec-signzone", "-q", "-S", "-K", tmp, "-o", "signed.test", "-f", path + ".signed",
                    path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=TIMEOUT, cwd=tmp)
    with open(path + ".signed") as f:
        return f.read()


def main():
    with tempfile.TemporaryDirectory(prefix="notify53-dnssec-") as tmp:
        signed = signed_zone(tmp)
    zones = [Zone("example.com", ZONE, dynamic=True, update_key=UPDATE),
             Zone("locked.test", PLAIN_ZONE % {"z": "locked.test."}, transfer_keys=[KEY]),
             Zone("refused.test", PLAIN_ZONE % {"z": "refused.test."}, transfer="none;"),
             Zone("signed.test", signed)]
    with Named(zones, keys=[KEY, UPDATE]) as ns:
        for t in (test_full, test_tsig, test_refused, test_signed, test_ixfr):
            try:
                t(ns)
            except Exception as e:  # a crash is a failure, and the rest still runs
                tap.ok(False, "%s raised %r" % (t.__name__, e),
                       traceback.format_exc() + ns.log_tail(10))
    test_fakes()
    tap.done()


if __name__ == "__main__":
    main()
