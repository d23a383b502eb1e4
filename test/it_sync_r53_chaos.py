#!/usr/bin/python3
"""Integration: Route 53 misbehaving, end to end through `notify53 sync` and
`notify53 daemon` (a scripted primary, test/lib/fakeprimary.py, IXFR from
its journal; the emulator's faults). Each case changes the zone (a set
added, one deleted, one changed) and must end with the hosted zone equal to
the primary's, set by set:

  503 and 500 bursts    on every operation, then on the change batches
  reset mid-response    the listing's answer cut by a TCP RST halfway
  truncated body        the change batch's answer cut short: applied, its
                        answer lost; listed again, never sent twice
  clock skew 20 min     Route 53's clock 1,200 s ahead: one refused
                        request, then signed with the correction (logged)
  GetChange PENDING     `sync --wait` while GetChange says PENDING: it keeps
                        polling; once Route 53 says INSYNC the sync ends so
  Throttling for 60 s   the daemon's job gives up after its retries, tries
                        again at the SOA retry time while Throttling lasts,
                        and converges once it stops
Covered elsewhere and not repeated here: 5 s latency on every call
(it_daemon_load.py, the daemon), a change whose answer is lost
(it_sync_large.py, reset after the request), the client's retry counts for
each fault (it_r53_faults.py).
"""
import os
import re
import sys
import threading
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
THROTTLE_S = 60


def records(k):
    out = [("keep%d" % i, "A", "192.0.2.%d" % i) for i in range(1, 4)]
    out += [("chg", "A", "198.51.100.%d" % (k % 250 + 1)), ("n%d" % k, "A", "203.0.113.1")]
    return out


def content(emu, zid):
    return sorted((r["name"], r["type"], tuple(sorted(r["values"])))
                  for r in emu.rrsets(zid) if r["type"] not in ("SOA", "NS"))


def want(k):
    return sorted([(n + "." + ZONE, t, (v,)) for n, t, v in records(k)] +
                  [("ns1." + ZONE, "A", ("192.0.2.53",))])


def sync(home, cfg, args=()):
    p, lines = st.sync(home, cfg, list(args))
    return p, lines.get(ZONE, {})


def case(emu, home, cfg, p, zid, k, what, faults, expect=None, args=()):
    emu.reset(faults=True)
    for f in faults:
        emu.fault(**f)
    p.set(k, records(k))
    proc, line = sync(home, cfg, args)
    ok(proc.returncode == 0 and line.get("serial") == k,
       "%s: sync exits 0 at serial %d" % (what, k), proc.stdout + proc.stderr)
    eq(content(emu, zid), want(k), "%s: Route 53 holds exactly the primary's zone" % what)
    if expect:
        ok(re.search(expect, proc.stdout + proc.stderr), "%s: says %s" % (what, expect),
           proc.stdout + proc.stderr)
    return proc


def main():
    with Emu(rate=0) as emu, Home() as home, \
            FakePrimary(ZONE, serial=1, records=records(1), journal=True,
                        timers="3600 5 86400 300") as p:
        zid = bare(emu.create_zone(ZONE))
        cfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()]}])
        case(emu, home, cfg, p, zid, 1, "first sync", [])
        case(emu, home, cfg, p, zid, 2, "503 burst",
             [{"kind": "http503", "op": "*", "count": 2}])
        log = emu.log()
        ok(sum(1 for x in log if x.get("status") == 503) == 2, "503 burst: two 503s answered")
        case(emu, home, cfg, p, zid, 3, "500 burst on the change",
             [{"kind": "http500", "op": "ChangeResourceRecordSets", "count": 2}])
        case(emu, home, cfg, p, zid, 4, "reset mid-response",
             [{"kind": "reset-mid", "op": "ListResourceRecordSets"}])
        case(emu, home, cfg, p, zid, 5, "truncated body",
             [{"kind": "truncate", "op": "ChangeResourceRecordSets"}],
             expect=r"answer was lost")
        changes = [x for x in emu.log() if x.get("op") == "ChangeResourceRecordSets"]
        eq(len(changes), 1, "truncated body: the batch sent once, not again")

        emu.reset(faults=True)
        emu.config(clock_offset=1200)
        case(emu, home, cfg, p, zid, 6, "clock skew 20 min", [], expect=r"1200 s behind")
        eq([(x["status"], x.get("code")) for x in emu.log()][:1], [(403, "SignatureDoesNotMatch")],
           "clock skew 20 min: one request refused, the rest signed with the correction")
        emu.config(clock_offset=0)

        # GetChange PENDING: polled until the test says INSYNC.
        emu.reset(faults=True)
        emu.config(insync_after=3600)
        p.set(7, records(7))
        out = {}
        t = threading.Thread(target=lambda: out.update(zip(("p", "line"), sync(
            home, cfg, ["--wait"]))))
        t.start()
        end = time.monotonic() + 60
        while time.monotonic() < end and len(emu.log(op="GetChange")) < 2:
            time.sleep(0.1)
        polls = emu.log(op="GetChange")
        ok(len(polls) >= 2 and t.is_alive(), "GetChange PENDING: polled twice, still waiting")
        emu.insync()
        t.join(120)
        ok(not t.is_alive() and out.get("p") and out["p"].returncode == 0 and
           "INSYNC" in out["line"].get("what", ""),
           "GetChange PENDING: ends with INSYNC once Route 53 says so",
           out["p"].stdout + out["p"].stderr if out.get("p") else "")
        eq(content(emu, zid), want(7), "GetChange PENDING: Route 53 holds the primary's zone")
        emu.config(insync_after=0)

        # Throttling for 60 s, the daemon.
        port = pick_port()
        dcfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()]}],
                              name="daemon.json", listen=["127.0.0.1:%d" % port])
        d = DaemonProc(NOTIFY53, dcfg, ["-v"])
        try:
            # The CLI's sync left a record at serial 7: the daemon starts
            # from it, current.
            got = d.wait(r"zone example\.com\.: serial 7 (by AXFR|current)", 30)
            ok(got, "daemon: started, serial 7 synced", d.tail())
            emu.reset(faults=True)
            emu.fault("throttle", op="*", count=0)
            t0 = time.monotonic()
            mark = d.mark()
            p.set(8, records(8))
            udp(notify(ZONE, 8).to_wire(), port)
            got = d.wait(r"zone example\.com\.: .*Throttling.*next try in", 60, mark)
            ok(got, "Throttling: the job gives up after its retries, a try is planned",
               got[1] if got else d.tail())
            left = THROTTLE_S - (time.monotonic() - t0)
            if left > 0:
                time.sleep(left)    # the case is 60 s of Throttling
            emu.clear_faults()
            thr = sum(1 for x in emu.log() if x.get("code") == "Throttling")
            got = d.wait(r"zone example\.com\.: serial 8 by", 60, mark)
            ok(got, "Throttling: synced once it stops (%d Throttling answers before)" % thr,
               d.tail())
            eq(content(emu, zid), want(8), "Throttling: Route 53 holds the primary's zone")
            diag("Throttling for %d s: %d requests throttled" % (THROTTLE_S, thr))
        finally:
            d.stop()
    done()


if __name__ == "__main__":
    main()
