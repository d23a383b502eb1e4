#!/usr/bin/python3
"""Integration: NOTIFY storms against zones the daemon keeps no state for,
with BIND 9 as the primary and the Route 53 emulator, on loopback.

Two zones whose first job does not leave Route 53 in sync, so the daemon
keeps no zone for them:
- unsafe.test: the safety check refuses the plan (Route 53 holds 20 sets
  the primary does not have); the zone is in its retry backoff;
- errors.test: synced but for a TXT value of 16 strings of 255 octets,
  longer than Route 53 takes (a plan with an error).
Then 20 NOTIFYs with the primary's unchanged serial for each, one after the
other (each waits for the daemon's line about it, no sleep): every one
costs the daemon an SOA query and nothing more. named's log shows one AXFR
per zone (the first job's), the emulator's request log no listing and no
change after the first jobs, SIGUSR1 the same failure count (the retry
backoff neither reset nor lengthened). A newer serial (nsupdate, named's
own NOTIFY) is then transferred and synced again.
"""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

UPDATE = Key("update-key", "hmac-sha256", "c3Rvcm0tdGVzdC11cGRhdGUta2V5LWZvci1ub3RpZnk1MyE=")
STORM = 20


def zone_text(name, serial, big=False):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns1 hostmaster %d 3600 600 86400 300\n@ NS ns1\n"
            "ns1 A 192.0.2.53\nwww A 192.0.2.80\n" % (name, serial) +
            ("big TXT %s\n" % " ".join(['"%s"' % ("x" * 255)] * 16) if big else ""))


def axfrs(ns, zone):
    """AXFRs named has served of zone (its xfer-out log lines)."""
    try:
        with open(ns.log, errors="replace") as f:
            return sum(1 for l in f if "transfer of '%s/IN'" % zone in l and "AXFR started" in l)
    except OSError:
        return -1


def ops(emu, since):
    """API requests after log index since, by operation."""
    out = {}
    for x in api_log(emu, since):
        out[x["op"]] = out.get(x["op"], 0) + 1
    return out


def storm(d, port, zone):
    """STORM NOTIFYs for zone, each after the daemon's line about the
    last: the lines, in order."""
    lines = []
    for i in range(STORM):
        mark = d.mark()
        udp(notify(zone + ".", qid=1000 + i).to_wire(), port)
        got = d.wait(r"zone %s\.: (serial \d+ (unchanged|current|by)|.*next try in)" %
                     re.escape(zone), 30, mark)
        lines.append(got[1] if got else None)
        if not got:
            break
    return lines


def main():
    port = pick_port()
    zones = [Zone("unsafe.test", zone_text("unsafe.test", 10), dynamic=True, update_key=UPDATE),
             Zone("errors.test", zone_text("errors.test", 20, big=True), dynamic=True,
                  update_key=UPDATE, also_notify=[("127.0.0.1", port)])]
    with Home() as home, Named(zones, keys=[UPDATE], options="notify-delay 0;") as ns, \
            Emu(rate=1000, burst=1000) as emu:
        zids = {"unsafe.test": bare(emu.create_zone("unsafe.test.", rrsets=[
                    {"name": "x%d.unsafe.test." % i, "type": "A", "ttl": 300,
                     "values": ["192.0.2.%d" % (i + 1)]} for i in range(20)])),
                "errors.test": bare(emu.create_zone("errors.test."))}
        cfg = st.sync_config(home, emu, [{"name": z, "primaries": [ns.addr()]} for z in zids],
                             listen=["127.0.0.1:%d" % port])
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            first = [d.wait(r"zone unsafe\.test\.: .*refused by the safety check", 30),
                     d.wait(r"zone errors\.test\.: serial 20 by AXFR, .*ListResourceRecordSets", 30)]
            ok(all(first), "first jobs: unsafe.test refused by the safety check, errors.test "
               "synced but for the long TXT", d.tail())
            ok(d.grep(r"errors\.test\.: big\.errors\.test\. TXT: not synced"),
               "errors.test: the long TXT is not synced", d.tail())
            since = len(api_log(emu))
            before = {z: axfrs(ns, z) for z in zids}
            eq(before, {"unsafe.test": 1, "errors.test": 1}, "named served one AXFR per zone")

            for z, serial in (("unsafe.test", 10), ("errors.test", 20)):
                lines = storm(d, port, z)
                got = sum(1 for l in lines if l and "serial %d unchanged" % serial in l)
                eq(got, STORM, "%s: %d NOTIFYs of serial %d, each only an SOA query"
                   % (z, STORM, serial))
                if got != STORM:
                    diag("\n".join(str(l) for l in lines[:5]))
                if z == "unsafe.test":
                    # The retry stays where the failed job put it: its
                    # delay only shrinks (a new one would be jittered anew).
                    t0 = int(re.search(r"next try in (\d+) s", first[0][1]).group(1))
                    left = [int(m.group(1)) for m in
                            (re.search(r"next try in (\d+) s", l or "") for l in lines) if m]
                    ok(len(left) == STORM and max(left) <= t0,
                       "unsafe.test: the retry timer not moved (%d s after the failure, at most "
                       "%d s after the NOTIFYs)" % (t0, max(left or [0])), lines[:3])
            eq({z: axfrs(ns, z) for z in zids}, before, "named served no more AXFR")
            eq(ops(emu, since), {},
               "the emulator saw no listing and no change for them")

            mark = d.mark()
            d.proc.send_signal(signal.SIGUSR1)
            u = d.wait(r"zone unsafe\.test\.: primary serial", 10, mark)
            e = d.wait(r"zone errors\.test\.: primary serial", 10, mark)
            ok(u and ", 1 failures" in u[1], "unsafe.test: still one failure (the retry backoff "
               "neither reset nor counted again)", u[1] if u else d.tail())
            ok(e and ", 0 failures" in e[1], "errors.test: no failure", e[1] if e else d.tail())

            # A newer serial is news: transferred and planned again.
            mark = d.mark()
            ns.nsupdate("errors.test", ["update add new.errors.test. 300 A 192.0.2.99"], UPDATE)
            got = d.wait(r"zone errors\.test\.: serial 21 by AXFR, 1 created.*ListResourceRecordSets", 30, mark)
            ok(got, "errors.test: serial 21 (named's NOTIFY) synced by AXFR and listing",
               d.tail())
        finally:
            d.stop()
    done()


if __name__ == "__main__":
    main()
