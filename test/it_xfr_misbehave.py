#!/usr/bin/python3
"""Integration: `notify53 daemon` against a misbehaving primary (scripted,
test/lib/fakeprimary.py) and the Route 53 emulator. For each misbehaviour a
NOTIFY starts a job; the right line is logged and nothing is deleted in
Route 53 (it keeps what the last good sync put there), and the next good
answer is synced exactly:

  cut           IXFR and AXFR cut off after their first message
  reset         IXFR and AXFR answered by a TCP RST after their first message
  garbage       a length-prefixed message of random octets after the end of
                the answer: the answer is whole and taken, the rest ignored
  refused       the SOA answered, IXFR and AXFR refused
  IXFR refused  AXFR taken instead
  backwards     an SOA serial older than the synced one (RFC 1982), also
                across the wrap (4294967200 -> 5 is newer and synced;
                5 -> 4294967000 is older): a warning, nothing transferred
  BADTIME       a TSIG-signed transfer answered NOTAUTH/BADTIME
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from fakeprimary import FakePrimary  # noqa: E402
from named import Key  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402
import synctest as st  # noqa: E402

ZONE = "example.com."
NAME = re.escape(ZONE)
KEY = Key("xfr-key", "hmac-sha256", "eGZyLWtleS1mb3ItdGhlLW1pc2JlaGF2aW5nLXByaW1hcnk=")


def records(k):
    return [("keep", "A", "192.0.2.1"), ("v", "TXT", '"serial %d"' % k),
            ("h%d" % (k % 1000), "A", "203.0.113.%d" % (k % 250 + 1))]


def content(emu, zid):
    return sorted((r["name"], r["type"], tuple(sorted(r["values"])))
                  for r in emu.rrsets(zid) if r["type"] not in ("SOA", "NS"))


def want(k):
    return sorted([(n + "." + ZONE, t, (v,)) for n, t, v in records(k)] +
                  [("ns1." + ZONE, "A", ("192.0.2.53",))])


class Case(object):
    def __init__(self, emu, p, zid, d, port):
        self.emu, self.p, self.zid, self.d, self.port = emu, p, zid, d, port

    def notify(self, serial, pattern):
        """NOTIFY for serial; the first line matching pattern or a job's
        result line."""
        mark = self.d.mark()
        udp(notify(ZONE, serial).to_wire(), self.port)
        got = self.d.wait(pattern, 30, mark)
        return mark, got

    def bad(self, what, serial, line, synced):
        """A failed job: line logged, Route 53 still at serial synced."""
        before = content(self.emu, self.zid)
        mark, got = self.notify(serial, r"zone %s: .*next try in" % NAME)
        ok(got and re.search(line, got[1]), "%s: the job fails: %s" % (what, line),
           got[1] if got else self.d.tail())
        eq(content(self.emu, self.zid), before, "%s: Route 53 unchanged (serial %d's sets)"
           % (what, synced))
        return mark

    def good(self, what, serial, how):
        mark, got = self.notify(serial, r"zone %s: (serial %d by|.*next try in)" % (NAME, serial))
        ok(got and "serial %d by %s" % (serial, how) in got[1],
           "%s: serial %d synced by %s" % (what, serial, how), got[1] if got else self.d.tail())
        eq(content(self.emu, self.zid), want(serial), "%s: Route 53 holds serial %d" %
           (what, serial))
        return mark


def main():
    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home, \
            FakePrimary(ZONE, serial=4294967200, records=records(4294967200),
                        journal=True) as p:
        zid = bare(emu.create_zone(ZONE))
        cfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()]}],
                             listen=["127.0.0.1:%d" % port])
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            got = d.wait(r"zone %s: serial 4294967200 by AXFR" % NAME, 30)
            ok(got, "start: serial 4294967200 synced by AXFR", d.tail())
            c = Case(emu, p, zid, d, port)

            # Across the wrap (RFC 1982 section 3.1): 5 is newer.
            p.set(5, records(5))
            c.good("wrap", 5, "IXFR")

            p.set(6, records(6))
            p.misbehave("cut", count=2)
            mark = c.bad("cut", 6, r"closed the connection before the end of the AXFR", 5)
            ok(d.grep(r"closed the connection before the end of the IXFR.*trying AXFR", mark),
               "cut: the cut IXFR is said, then AXFR tried")

            # Every try at a new serial: the same serial again after a
            # failure costs an SOA query and nothing more (NOTIFY storms).
            p.set(7, records(7))
            p.misbehave("reset", count=2)
            c.bad("reset", 7, r"closed the connection|reset", 5)

            p.set(8, records(8))
            p.refuse_axfr = p.refuse_ixfr = True
            c.bad("refused", 8, r"refused the transfer of example\.com\. \(REFUSED\)", 5)
            p.refuse_axfr = False

            p.set(9, records(9))
            mark = c.good("IXFR refused", 9, "AXFR")
            ok(d.grep(r"refused the transfer of example\.com\. \(REFUSED\); trying AXFR", mark),
               "IXFR refused: said, then AXFR")
            p.refuse_ixfr = False

            p.set(10, records(10))
            p.misbehave("garbage", count=1)
            c.good("garbage", 10, "IXFR")

            # Backwards: older than the synced serial 10, plainly and
            # across the wrap.
            for older in (3, 4294967000):
                p.set(older, records(older))
                mark, got = c.notify(older, r"zone %s: serial %d current" % (NAME, older))
                ok(got and d.grep(r"the primary's serial %d is not newer than the synced serial "
                                  r"10" % older, mark),
                   "backwards to %d: warned, nothing transferred" % older, d.tail())
                eq(content(emu, zid), want(10), "backwards to %d: Route 53 still holds serial 10"
                   % older)
        finally:
            d.stop()

    # TSIG BADTIME: Route 53 seeded; the transfer refused for its time.
    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home, \
            FakePrimary(ZONE, serial=9, records=records(9), tsig=KEY.keyring()) as p:
        zid = bare(emu.create_zone(ZONE))
        emu.seed(zid, [{"name": n + "." + ZONE, "type": t, "ttl": 300, "values": [v]}
                       for n, t, v in records(8)])
        before = content(emu, zid)
        cfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()],
                                          "tsig_key": KEY.name}],
                             listen=["127.0.0.1:%d" % port],
                             tsig_keys={KEY.name: {"algorithm": KEY.alg, "secret": KEY.secret}})
        p.misbehave("badtime", count=10)
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            got = d.wait(r"zone %s: .*next try in" % NAME, 30)
            ok(got and "BADTIME" in got[1], "BADTIME: the job fails and says so",
               got[1] if got else d.tail())
            eq(content(emu, zid), before, "BADTIME: Route 53 unchanged")
            eq([x for x in emu.log() if x.get("op") == "ChangeResourceRecordSets"], [],
               "BADTIME: no change batch sent")
        finally:
            d.stop()
    done()


if __name__ == "__main__":
    main()
