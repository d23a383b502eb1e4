#!/usr/bin/python3
"""Endpoint name resolution (src/net/resolve) against fake nameservers written
with dnspython on loopback, through test/tool_https.

Shows: IP literals and localhost need no query; the hosts file wins; A and
AAAA (IPv4 first); CNAME chains inside the answer; NXDOMAIN and NODATA as
clear errors; SERVFAIL and silent servers make it move to the next
nameserver; forged answers (wrong ID, wrong question, another source) are
ignored; the TTL cache answers a repeated name without a query; and an HTTP
request to the emulator by a host name that only the fake server knows.
No real resolver is ever asked: the resolv.conf of the test names only
loopback servers.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu  # noqa: E402

BIN = os.environ.get("NOTIFY53_TESTBIN", os.path.join(ROOT, "build", "check",
                                                      "test"))
TOOL = os.path.join(BIN, "tool_https")

ZONE = {
    "r53.test.": [("A", 300, "192.0.2.1"), ("AAAA", 300, "2001:db8::1")],
    "v6only.test.": [("AAAA", 300, "2001:db8::6")],
    "alias.test.": [("CNAME", 300, "mid.test.")],
    "mid.test.": [("CNAME", 300, "target.test.")],
    "target.test.": [("A", 60, "192.0.2.7")],
    "nodata.test.": [("TXT", 300, '"x"')],
    "api.test.": [("A", 300, "127.0.0.1")],
    "tls.test.": [("A", 300, "127.0.0.1")],
    "loop.test.": [("CNAME", 300, "loop.test.")],
    # TTLs that forbid caching: the A set's, or the CNAME's in the chain
    "ttl0.test.": [("A", 0, "192.0.2.8"), ("AAAA", 300, "2001:db8::8")],
    "brief.test.": [("CNAME", 0, "target.test.")],
}


class FakeNS(object):
    """UDP nameserver on 127.0.0.1. mode: "answer", "servfail", "silent",
    "forge" (first a reply with a wrong ID and one for another question,
    then the real answer)."""

    def __init__(self, mode="answer"):
        self.mode = mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.queries = []
        self.stop = False
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()

    def answer(self, q):
        r = dns.message.make_response(q)
        name = q.question[0].name.to_text().lower()
        rdtype = dns.rdatatype.to_text(q.question[0].rdtype)
        if name not in ZONE:
            r.set_rcode(dns.rcode.NXDOMAIN)
            return r
        seen = set()
        while name in ZONE and name not in seen:
            seen.add(name)
            nxt = None
            for t, ttl, v in ZONE[name]:
                if t == rdtype or t == "CNAME":
                    r.answer.append(dns.rrset.from_text(name, ttl, "IN", t, v))
                if t == "CNAME":
                    nxt = v
            if not nxt:
                break
            name = nxt
        return r

    def serve(self):
        while not self.stop:
            try:
                data, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            q = dns.message.from_wire(data)
            self.queries.append((q.question[0].name.to_text(),
                                 dns.rdatatype.to_text(q.question[0].rdtype)))
            if self.mode == "silent":
                continue
            if self.mode == "servfail":
                r = dns.message.make_response(q)
                r.set_rcode(dns.rcode.SERVFAIL)
                self.sock.sendto(r.to_wire(), peer)
                continue
            if self.mode == "forge":
                bad = self.answer(q)
                bad.id = (q.id + 1) & 0xffff
                self.sock.sendto(bad.to_wire(), peer)
                other = dns.message.make_query("evil.test.", q.question[0].rdtype)
                other.id = q.id
                other.flags |= dns.flags.QR
                self.sock.sendto(other.to_wire(), peer)
                # and from another socket (source port) altogether
                s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s2.sendto(self.answer(q).to_wire(), peer)
                s2.close()
            self.sock.sendto(self.answer(q).to_wire(), peer)

    def close(self):
        self.stop = True
        self.t.join(2)
        self.sock.close()


class Files(object):
    def __init__(self, servers, hosts="", options="options timeout:1 attempts:2\n"):
        self.dir = tempfile.mkdtemp(prefix="it_resolve-")
        self.hosts = os.path.join(self.dir, "hosts")
        self.resolv = os.path.join(self.dir, "resolv.conf")
        with open(self.hosts, "w") as f:
            f.write(hosts)
        with open(self.resolv, "w") as f:
            f.write("# test nameservers, loopback only\nsearch example.org\n")
            for s in servers:
                f.write("nameserver 127.0.0.1:%d\n" % s.port)
            f.write(options)

    def close(self):
        for n in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, n))
        os.rmdir(self.dir)


def resolve(files, *names, timeout=30):
    p = subprocess.run([TOOL, "--hosts", files.hosts, "--resolv", files.resolv,
                        "--resolve"] + list(names), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=timeout)
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split(" ", 2)
        if parts[0] == "resolve":
            out[parts[1]] = parts[2] if len(parts) > 2 else ""
    return out


def main():
    if not os.access(TOOL, os.X_OK):
        ok(False, "test driver %s built" % TOOL)
        done()
    ns = FakeNS()
    f = Files([ns], hosts="127.0.0.1 localhost\n# comment\n192.0.2.99 "
              "hosted.test  Other.Name # trailing comment\n2001:db8::99 hosted.test\n"
              "x" * 3000 + " overlong.test\n")
    try:
        r = resolve(f, "192.0.2.5", "2001:db8::5", "[2001:db8::7]", "localhost",
                    "db.localhost", "hosted.test", "other.name.")
        eq(r.get("192.0.2.5"), "192.0.2.5", "IPv4 literal")
        eq(r.get("2001:db8::5"), "2001:db8::5", "IPv6 literal")
        eq(r.get("[2001:db8::7]"), "2001:db8::7", "bracketed IPv6 literal")
        eq(r.get("localhost"), "127.0.0.1 ::1", "localhost is loopback")
        eq(r.get("db.localhost"), "127.0.0.1 ::1", "names under localhost too")
        eq(r.get("hosted.test"), "192.0.2.99 2001:db8::99", "hosts file, both families")
        eq(r.get("other.name."), "192.0.2.99", "hosts file, any case, trailing dot")
        eq(ns.queries, [], "none of them made a query")

        r = resolve(f, "r53.test", "alias.test", "v6only.test")
        eq(r.get("r53.test"), "192.0.2.1 2001:db8::1", "A and AAAA, IPv4 first")
        eq(r.get("alias.test"), "192.0.2.7", "CNAME chain followed in the answer")
        eq(r.get("v6only.test"), "2001:db8::6", "AAAA only")
        ok(("r53.test.", "A") in ns.queries and ("r53.test.", "AAAA") in ns.queries,
           "asked A and AAAA for the name as given (no search list)")

        r = resolve(f, "missing.test", "nodata.test", "loop.test", "bad..name")
        ok("NXDOMAIN" in r.get("missing.test", ""), "NXDOMAIN: %s" % r.get("missing.test"))
        ok("no IPv4 or IPv6 address" in r.get("nodata.test", ""),
           "NODATA: %s" % r.get("nodata.test"))
        ok("error" in r.get("loop.test", ""), "CNAME loop ends: %s" % r.get("loop.test"))
        ok("not a valid host name" in r.get("bad..name", ""),
           "bad name refused without a query: %s" % r.get("bad..name"))

        del ns.queries[:]
        r = resolve(f, "target.test", "TARGET.test")
        eq(r.get("TARGET.test"), "192.0.2.7", "second lookup answered")
        eq(len(ns.queries), 2, "from the cache: one A+AAAA pair for both")

        # The cache holds addresses, not the port of the lookup that filled
        # it: a client of another port on the same name gets its own.
        del ns.queries[:]
        r = resolve(f, "r53.test", "port=8443", "R53.test", "localhost",
                    "192.0.2.5", "hosted.test")
        eq(r.get("R53.test"), "192.0.2.1 2001:db8::1",
           "from the cache for another port: that port")
        eq(len(ns.queries), 2, "the other port's answer came from the cache: one A+AAAA pair")
        ok(all(" (port" not in r.get(n, "") for n in ("localhost", "192.0.2.5",
                                                     "hosted.test")),
           "localhost, a literal and the hosts file: the port asked for")

        # A record may be cached for its TTL (RFC 1035 section 3.2.1): an
        # answer built from several (A, AAAA, the CNAMEs followed) is kept
        # for the smallest. TTL 0 is not cached at all.
        del ns.queries[:]
        r = resolve(f, "ttl0.test", "TTL0.test")
        eq(r.get("TTL0.test"), "192.0.2.8 2001:db8::8", "TTL 0 A: second lookup answered")
        eq(len(ns.queries), 4, "A with TTL 0 beside an AAAA with 300: asked again")
        del ns.queries[:]
        r = resolve(f, "brief.test", "BRIEF.test")
        eq(r.get("BRIEF.test"), "192.0.2.7", "CNAME with TTL 0: second lookup answered")
        eq(len(ns.queries), 4, "a CNAME with TTL 0 in the chain: asked again")
    finally:
        ns.close()
        f.close()

    # SERVFAIL, then silence, then an answer: the third server is used.
    bad, mute, good = FakeNS("servfail"), FakeNS("silent"), FakeNS()
    f = Files([bad, mute, good], options="options attempts:1 timeout:1\n")
    try:
        r = resolve(f, "r53.test")
        eq(r.get("r53.test"), "192.0.2.1 2001:db8::1",
           "SERVFAIL and a silent server skipped")
        ok(bad.queries and mute.queries and good.queries, "all three were asked")
    finally:
        for s in (bad, mute, good):
            s.close()
        f.close()

    mute = FakeNS("silent")
    f = Files([mute], options="options timeout:1 attempts:2\n")
    try:
        r = resolve(f, "r53.test")
        ok("no answer" in r.get("r53.test", ""), "silent servers: %s" % r.get("r53.test"))
        eq(len(mute.queries), 4, "two attempts of A and AAAA (options attempts:2)")
    finally:
        mute.close()
        f.close()

    forger = FakeNS("forge")
    f = Files([forger])
    try:
        r = resolve(f, "r53.test")
        eq(r.get("r53.test"), "192.0.2.1 2001:db8::1",
           "wrong ID, wrong question and another source port are ignored")
    finally:
        forger.close()
        f.close()

    # A request by a name only the fake server knows.
    ns = FakeNS()
    f = Files([ns])
    try:
        with Emu(http=True, rate=1000, burst=1000) as e:
            p = subprocess.run([TOOL, "--hosts", f.hosts, "--resolv", f.resolv,
                                "--akid", "AKID", "--secret", "SECRET",
                                "http://api.test:%d" % e.port,
                                "GET:/2013-04-01/hostedzone"],
                               stdout=subprocess.PIPE, universal_newlines=True,
                               timeout=60)
            ok("status=200 error=OK" in p.stdout, "HTTP request to http://api.test")
        with Emu(rate=1000, burst=1000, args=["--cert-names", "tls.test"]) as e:
            p = subprocess.run([TOOL, "--hosts", f.hosts, "--resolv", f.resolv,
                                "--ca", e.ca_file, "--akid", "AKID", "--secret",
                                "SECRET", "https://tls.test:%d" % e.port,
                                "GET:/2013-04-01/hostedzone"],
                               stdout=subprocess.PIPE, universal_newlines=True,
                               timeout=60)
            ok("status=200 error=OK" in p.stdout,
               "HTTPS request to https://tls.test (name checked in the certificate)")
            if "status=200" not in p.stdout:
                diag(p.stdout)
    finally:
        ns.close()
        f.close()
    done()


if __name__ == "__main__":
    main()
