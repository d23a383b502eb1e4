#!/usr/bin/python3
"""Integration: a hosted zone deleted and made anew while `notify53 daemon`
runs, BIND 9 as the primary, the Route 53 emulator over TLS.

Four zones without hosted_zone_id and without sync records: the daemon
takes their IDs from the account's listing (ListHostedZones) at start. Then
one hosted zone is deleted and created again (a new ID), and the primary's
next serial announced: the job fails with NoSuchHostedZone, and the retry
must find the new hosted zone by name and sync it, not use the stale ID
from the listing again (and again). Nothing is timed: each step waits for a
log line with a generous bound.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402
import synctest as st  # noqa: E402

WAIT = 60
NAMES = ["z%d.test" % i for i in range(1, 5)]


def text(name, serial, host):
    # RETRY 5: the failed job is tried again within seconds.
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ IN SOA ns1 hostmaster %d 3600 5 1209600 300\n"
            "@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A %s\n" % (name, serial, host))


def main():
    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home, \
            Named([Zone(n, text(n, 1, "192.0.2.1")) for n in NAMES]) as ns:
        ids = dict((n, bare(emu.create_zone(n + "."))) for n in NAMES)
        cfg = st.sync_config(home, emu, [{"name": n, "primaries": [ns.addr()]} for n in NAMES],
                             listen=["127.0.0.1:%d" % port])
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            got = [d.wait(r"zone %s\.: serial 1 by AXFR" % re.escape(n), WAIT) for n in NAMES]
            ok(all(got), "start: the four zones synced", d.tail())
            ok(d.grep(r"route53: GET /2013-04-01/hostedzone\?") and
               not d.grep(r"route53: GET /2013-04-01/hostedzonesbyname"),
               "start: their hosted zone IDs from the account's listing", d.tail())

            z = NAMES[0]
            emu.delete_zone(ids[z])
            new = bare(emu.create_zone(z + "."))
            ns.rewrite(z, text(z, 2, "192.0.2.2"))
            mark = d.mark()
            udp(notify(z + ".", 2).to_wire(), port)
            got = d.wait(r"zone %s\.: .*next try in" % re.escape(z), WAIT, mark)
            ok(got and "NoSuchHostedZone" in got[1],
               "the hosted zone gone: the job fails", got[1] if got else d.tail())
            mark = d.mark()
            got = d.wait(r"zone %s\.: .*serial 2 by AXFR, " % re.escape(z), WAIT, mark)
            ok(got and "failed" not in got[1],
               "the retry finds the hosted zone made anew and syncs it",
               got[1] if got else d.tail())
            sets = dict(((s["name"], s["type"]), s) for s in emu.rrsets(new))
            www = sets.get(("www.%s." % z, "A"))
            ok(www and [v for v in www.get("values", [])] == ["192.0.2.2"],
               "the new hosted zone holds the primary's set", sets)
        finally:
            status, _ = d.stop()
        ok(status == 0, "SIGTERM: exit status 0", status)
    done()


if __name__ == "__main__":
    main()
