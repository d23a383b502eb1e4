#!/usr/bin/python3
"""Integration: an HA pair (README "Running an HA pair") when the active
daemon dies, and against NOTIFYs that claim to be the peer's.

Two daemons sync one BIND 9 zone into the emulator; the active one has
peer_wait 0, the standby 60 s (longer than any sync on a loaded machine);
each signs its API requests with its own access key, so the emulator's log
tells whose request each was.

1. A change: the active one writes it, the standby adopts the serial from
   its peer's NOTIFY and makes no API request. Then the standby's
   peer_wait becomes 2 s (SIGHUP: the zone keeps its state), so the waits
   below end soon.
2. Forged peer NOTIFYs to the standby, from the peer's address (loopback):
   signed with the peer key's name but a wrong secret (answered NOTAUTH,
   not taken), and unsigned with a newer serial (taken as a primary's
   NOTIFY: the standby waits, then finds the serial current). Nothing is
   adopted, nothing written.
3. The active daemon is killed (SIGKILL). A change, with an unsigned NOTIFY
   claiming that the peer wrote its serial: the standby must not believe it;
   it waits peer_wait, writes the change itself, and Route 53 holds exactly
   named's zone. Had the forged NOTIFY been taken as the peer's word, the
   change would never reach Route 53 and the zone would not converge.
"""
import os
import random
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from r53tool import NOTIFY53  # noqa: E402
import pairrun  # noqa: E402
from pairrun import ZONE, KEY, PEER_KEY, CREDS, TEXT  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
import synctest as st  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402

WAIT = 2
LONG_WAIT = 60


def notify(port, serial, key=None):
    """A NOTIFY for ZONE with serial in the answer section, to port; signed
    with key (a named.Key) when given. Returns the answer's rcode text, or
    the reason there was none."""
    q = dns.message.make_query(ZONE + ".", dns.rdatatype.SOA)
    q.set_opcode(dns.opcode.NOTIFY)
    q.flags |= dns.flags.AA
    q.answer.append(dns.rrset.from_text(ZONE + ".", 0, "IN", "SOA",
                                        "ns1.%s. hostmaster.%s. %d 3600 600 86400 300"
                                        % (ZONE, ZONE, serial)))
    if key:
        ring, name = key.keyring()
        q.use_tsig(ring, name, algorithm=key.alg)
    try:
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=10)
        return dns.rcode.to_text(r.rcode())
    except Exception as ex:  # a BADSIG answer fails dnspython's own check
        return "%s: %s" % (type(ex).__name__, ex)


def after(d, pattern, since, timeout):
    """The index after d's first line from since matching pattern (waiting
    up to timeout), or None."""
    if not d.wait(pattern, timeout, since):
        return None
    with d.cond:
        for i in range(since, len(d.lines)):
            if re.search(pattern, d.lines[i][1]):
                return i + 1
    return None


def by_key(emu, since, akid):
    return [x for x in emu.log(since) if x.get("access_key") == akid and
            x.get("op") not in (None, "Unknown")]


def main():
    rnd = random.Random(5)
    present = set("h%d" % i for i in range(20))
    ports = [pick_port()]
    ports.append(pick_port(exclude=ports))
    standby_key = CREDS[1].split(":", 1)[0]
    tmp = tempfile.mkdtemp(prefix="it-pair-fo-")
    zone = Zone(ZONE, TEXT, dynamic=True, update_key=KEY,
                also_notify=[("127.0.0.1", p) for p in ports])
    ds = []
    try:
        with Named([zone], keys=[KEY], options="notify-delay 0;") as ns, \
                Emu(credentials=CREDS, rate=1000, burst=1000) as emu:
            zid = bare(emu.create_zone(ZONE + "."))
            for i, port in enumerate(ports):
                path = pairrun.config(tmp, "d%d.json" % i, port, ns, emu, cred=i,
                                      peers=[ports[1 - i]], peer_wait=LONG_WAIT if i else 0)
                ds.append(DaemonProc(NOTIFY53, path, ["-v"]))
                if not ds[i].wait(r"zone %s\.: serial \d+ by AXFR" % ZONE, 60):
                    raise RuntimeError("daemon %d: no first sync:\n%s" % (i, ds[i].tail()))
            active, standby = ds

            # 1. The active one writes, the standby adopts.
            since = emu.log()[-1]["seq"]
            marks = [d.mark() for d in ds]
            s1 = pairrun._update(ns, rnd, present, None)
            got = [pairrun._reached(d, s1, m) for d, m in zip(ds, marks)]
            ok(all(got), "serial %d: both daemons reached it" % s1)
            ok(standby.grep(r"zone %s\.: serial %d by IXFR, adopted from a peer" % (ZONE, s1),
                            marks[1]), "the standby adopted serial %d from its peer" % s1)
            eq(len(by_key(emu, since, standby_key)), 0, "the standby made no API request")
            m = standby.mark()
            pairrun.config(tmp, "d1.json", ports[1], ns, emu, cred=1, peers=[ports[0]],
                           peer_wait=WAIT)
            standby.proc.send_signal(signal.SIGHUP)
            ok(standby.wait(r"configuration reloaded: 1 zones \(1 kept", 30, m),
               "the standby's peer_wait is now %d s, its zone kept" % WAIT, standby.tail(5))

            # 2. Forged NOTIFYs from the peer's address.
            m = standby.mark()
            bad = Key(PEER_KEY.name, PEER_KEY.alg, "d3JvbmctcGVlci1zZWNyZXQtd3JvbmctcGVlci0wMDA=")
            r = notify(ports[1], s1 + 100, bad)
            diag("peer key name, wrong secret: %s" % r)
            ok(standby.wait(r"notify: NOTIFY for %s\. from 127\.0\.0\.1: .*(BADSIG|signature)"
                            % ZONE, 30, m),
               "a NOTIFY with the peer key's name and a wrong secret is refused (TSIG)",
               standby.tail(5))
            r = notify(ports[1], s1 + 100)
            eq(r, "NOERROR", "an unsigned NOTIFY from the peer's host: answered as a primary's")
            k = after(standby, r"zone %s\.: no peer wrote the change within peer_wait" % ZONE, m, 30)
            ok(k, "... the standby waits for its peer, as for the primary's NOTIFY")
            ok(k and standby.wait(r"zone %s\.: serial %d current" % (ZONE, s1), 30, k),
               "... then finds serial %d current at the primary: nothing to write" % s1)
            eq(len(standby.grep(r"peer 127\.0\.0\.1 wrote serial|adopted from a peer", m)), 0,
               "no forged NOTIFY was taken as the peer's word")
            eq(len(by_key(emu, since, standby_key)), 0, "the standby still made no API request")

            # 3. The active daemon dies; a change; a forged word of its serial.
            active.proc.send_signal(signal.SIGKILL)
            active.proc.wait()
            m = standby.mark()
            since = emu.log()[-1]["seq"]
            s2 = pairrun._update(ns, rnd, present, None)
            r = notify(ports[1], s2)
            diag("forged unsigned word of serial %d: %s" % (s2, r))
            ok(standby.wait(r"zone %s\.: no peer wrote the change within peer_wait \(%d s\)"
                            % (ZONE, WAIT), 60, m),
               "the active daemon is dead: the standby's wait runs out")
            line = standby.wait(r"zone %s\.: serial %d by IXFR, \d+ created" % (ZONE, s2), 60, m)
            ok(line, "the standby wrote serial %d itself" % s2, standby.tail())
            eq(len(standby.grep(r"adopted from a peer", m)), 0, "nothing adopted from a forgery")
            writes = [x for x in by_key(emu, since, standby_key)
                      if x["op"] == "ChangeResourceRecordSets"]
            ok(len(writes) >= 1, "the standby's own ChangeResourceRecordSets (%d)" % len(writes))
            want = st.expected(st.axfr(ns.port, ZONE), ZONE)
            got = pairrun._content(emu, zid)
            ok(got == want, "Route 53 holds exactly named's zone", st.diff(got, want))
    finally:
        for d in ds:
            d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
