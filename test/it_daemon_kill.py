#!/usr/bin/python3
"""Integration: `notify53 daemon` killed (SIGKILL) at every stage of a sync,
then started again; each time Route 53 must end with exactly the primary's
zone. The primary is scripted (test/lib/fakeprimary.py, IXFR from its
journal) so it can stop in the middle of a transfer; the emulator's hold
faults park a request or its answer until the test has killed the daemon.

Every stage makes a new serial that adds a set, deletes one and changes
one, announced by a NOTIFY, and kills the daemon:
  transfer      after the first message of the IXFR, the rest held back
  sent, lost    the change batch reached Route 53, held, then dropped:
                never applied
  sent, late    the change batch held until the daemon is dead, then
                applied (Route 53 finishes what it received)
  answer lost   applied, the daemon dead before its answer
  state file    the answer taken and the job logged, the state file not
                written (its temporary name is a directory: the write fails
                and says so, then the kill)
  listing       the restarted daemon killed during its first listing, and
                started once more
  between batches  a serial that takes two change batches: the first
                applied, the second held and dropped
After each restart the first job (with the sync record: IXFR from the
recorded serial once Route 53's apex SOA is the recorded one, else a
listing and a full plan, or nothing when the recorded serial is the
primary's; without: AXFR, listing, full plan) must leave the
hosted zone equal to the primary's zone, set by set; no change batch may be
refused (nothing applied twice in a way that fails), and no batch may
DELETE a set the primary still has (unless it is re-created in the same
batch). At the end an update goes by IXFR again, incrementally.
"""
import json
import os
import re
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from fakeprimary import FakePrimary  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402
import synctest as st  # noqa: E402

ZONE = "example.com."
# From this serial on the zone has 600 more sets: their IXFR takes two
# change batches (1,000 records a batch, an UPSERT counted twice).
BULK = 8
NAME = re.escape(ZONE)


def records(k):
    """The primary's zone at serial k: three sets that stay, one whose
    value follows k, and the hosts of the last two serials."""
    out = [("keep%d" % i, "A", "192.0.2.%d" % i) for i in range(1, 4)]
    out.append(("chg", "A", "198.51.100.%d" % (k % 250 + 1)))
    out.append(("txt", "TXT", '"serial %d"' % k))
    out += [("n%d" % i, "A", "203.0.113.%d" % (i % 250 + 1)) for i in (k - 1, k) if i > 0]
    if k >= BULK:
        out += [("bulk%d" % i, "A", "10.0.%d.%d" % (i // 250, i % 250)) for i in range(600)]
    return out


def expected(k):
    """{(name, type): (ttl, {rdata})} the hosted zone must hold at serial k
    (the SOA and apex NS apart); FakePrimary adds ns1's A."""
    out = {}
    for name, typ, value in records(k) + [("ns1", "A", "192.0.2.53")]:
        key = (name + "." + ZONE, typ)
        out.setdefault(key, (300, set()))[1].add(st.wire(typ, value))
    return out


def content(emu, zid):
    out = {}
    for r in emu.rrsets(zid):
        if r["type"] == "SOA" or (r["type"] == "NS" and r["name"] == ZONE):
            continue
        out[(r["name"], r["type"])] = (r["ttl"], set(st.wire(r["type"], v) for v in r["values"]))
    return out


def synced_state(path, serial, timeout=20):
    """The state file's entry for ZONE once it says serial was synced (the
    daemon writes it at most once a second), else the last one read."""
    end, z = time.monotonic() + timeout, {}
    while time.monotonic() < end:
        try:
            with open(path) as f:
                z = json.load(f).get("zones", {}).get(ZONE, {})
        except (OSError, ValueError):
            z = {}
        if z.get("synced_serial") == serial:
            break
        time.sleep(0.05)
    return z


def last_seq(emu):
    log = emu.log()
    return log[-1]["seq"] if log else 0


class Run(object):
    def __init__(self, emu, primary, zid, cfg, state, port):
        self.emu, self.p, self.zid, self.cfg, self.state, self.port = \
            emu, primary, zid, cfg, state, port
        self.d = None
        self.serial = 1

    def start(self, what):
        """Start the daemon; its first job (from the sync record, or AXFR
        and listing) must reach the primary's serial."""
        self.d = DaemonProc(NOTIFY53, self.cfg, ["-v"])
        got = self.d.wait(r"zone %s: (serial %d (by [AI]XFR|current)|.*next try in)"
                          % (NAME, self.serial), 60)
        ok(got and re.search("serial %d (by [AI]XFR|current)" % self.serial, got[1]),
           "%s: restarted, first job synced serial %d" % (what, self.serial),
           got[1] if got else self.d.tail())

    def kill(self):
        self.d.proc.kill()
        self.d.proc.wait(10)

    def bump(self):
        self.serial += 1
        self.p.set(self.serial, records(self.serial))
        udp(notify(ZONE, self.serial).to_wire(), self.port)

    def check(self, what, since):
        got = content(self.emu, self.zid)
        want = expected(self.serial)
        ok(got == want, "%s: Route 53 holds exactly serial %d" % (what, self.serial),
           st.diff(got, want))
        changes = [x for x in self.emu.log(since) if x.get("op") == "ChangeResourceRecordSets"]
        refused = [x.get("message") for x in changes if x.get("code")]
        eq(refused, [], "%s: no change batch refused or failed" % what)
        bad = []
        for x in changes:
            acts = x.get("actions") or []
            made = set((n.rstrip(".").lower(), t) for a, n, t in acts if a != "DELETE")
            for a, n, t in acts:
                key = (n.rstrip(".").lower() + ".", t)
                if a == "DELETE" and key in want and (n.rstrip(".").lower(), t) not in made:
                    bad.append("%s %s" % (n, t))
        eq(bad, [], "%s: no DELETE of a set the primary still has" % what)


def main():
    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home, \
            FakePrimary(ZONE, serial=1, records=records(1), journal=True) as p:
        zid = bare(emu.create_zone(ZONE))
        state = home.path("state.json")
        cfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()]}],
                             listen=["127.0.0.1:%d" % port], state_file=state)
        r = Run(emu, p, zid, cfg, state, port)
        try:
            r.start("start")
            r.check("start", 0)

            # During the transfer.
            since = last_seq(emu)
            p.misbehave("hold")
            r.bump()
            ok(p.held.wait(30), "transfer: the IXFR's first message sent, the rest held")
            r.kill()
            p.release()
            r.start("transfer")
            r.check("transfer", since)

            # The change batch sent, not answered; dropped, or applied late.
            for action, what in (("drop", "sent, lost"), ("proceed", "sent, late")):
                since = last_seq(emu)
                emu.fault("hold", op="ChangeResourceRecordSets")
                r.bump()
                held = emu.held(wait=30)
                ok(held and held[0]["phase"] == "request",
                   "%s: the change batch reached Route 53 and is held" % what)
                r.kill()
                emu.release(action=action)
                if action == "proceed":
                    end = time.monotonic() + 30
                    while time.monotonic() < end and not [
                            x for x in emu.log(since)
                            if x.get("op") == "ChangeResourceRecordSets" and x.get("status") == 200]:
                        time.sleep(0.05)
                r.start(what)
                r.check(what, since)

            # Applied, the answer not received.
            since = last_seq(emu)
            emu.fault("hold-answer", op="ChangeResourceRecordSets")
            r.bump()
            held = emu.held(wait=30)
            ok(held and held[0]["phase"] == "answer",
               "answer lost: the change batch applied, its answer held")
            r.kill()
            emu.release()
            r.start("answer lost")
            r.check("answer lost", since)

            # The answer taken and the job logged; the state file not written.
            since = last_seq(emu)
            before = synced_state(state, r.serial)
            eq(before.get("synced_serial"), r.serial,
               "state file: serial %d written after the restart" % r.serial)
            os.mkdir(state + ".tmp")
            open(os.path.join(state + ".tmp", "x"), "w").close()
            mark = r.d.mark()
            r.bump()
            job = r.d.wait(r"zone %s: serial %d by IXFR" % (NAME, r.serial), 30, mark)
            failed = r.d.wait(r"state file: cannot remove", 30, mark)
            ok(job and failed and failed[0] >= job[0],
               "state file: the job done and logged, then the state file's write failed",
               r.d.tail())
            r.kill()
            with open(state) as f:
                after = json.load(f)["zones"][ZONE]
            eq(after.get("synced_serial"), before.get("synced_serial"),
               "state file: still says serial %s when killed" % before.get("synced_serial"))
            shutil.rmtree(state + ".tmp")
            r.start("state file")
            r.check("state file", since)

            # Killed again during the restarted daemon's first listing.
            since = last_seq(emu)
            r.kill()
            r.bump()
            emu.fault("hold", op="ListResourceRecordSets")
            r.d = DaemonProc(NOTIFY53, cfg, ["-v"])
            held = emu.held(wait=30)
            ok(held and held[0]["op"] == "ListResourceRecordSets",
               "listing: the restarted daemon's listing is held")
            r.kill()
            emu.release(action="drop")
            r.start("listing")
            r.check("listing", since)

            # Between the two batches of one serial: the second held, then
            # dropped.
            since = last_seq(emu)
            mark = r.d.mark()
            emu.fault("hold", op="ChangeResourceRecordSets", skip=1)
            r.bump()
            held = emu.held(wait=30)
            ok(held and len([x for x in emu.log(since)
                             if x.get("op") == "ChangeResourceRecordSets"]) == 1,
               "between batches: the first batch applied, the second held")
            r.kill()
            emu.release(action="drop")
            r.start("between batches")
            r.check("between batches", since)

            # And on: the next serial by IXFR, incrementally.
            since = last_seq(emu)
            mark = r.d.mark()
            r.bump()
            got = r.d.wait(r"zone %s: serial %d by" % (NAME, r.serial), 30, mark)
            ok(got and "by IXFR" in got[1] and "ListResourceRecordSets" not in got[1],
               "after the kills: the next serial by IXFR, no listing", got[1] if got else "")
            r.check("after the kills", since)
        finally:
            if r.d:
                r.d.stop()
                if os.environ.get("IT_KILL_LOG"):
                    diag(r.d.tail(200))
    done()


if __name__ == "__main__":
    main()
