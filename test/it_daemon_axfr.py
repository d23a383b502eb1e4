#!/usr/bin/python3
"""The daemon with a primary that serves AXFR only (BIND `provide-ixfr
no;`: an IXFR is answered with the whole zone) and the sync records, the
Route 53 emulator over TLS, API calls counted from its request log:

- after the first sync, each change (named's NOTIFY) is transferred whole,
  compared with the kept zone and sent as one ChangeResourceRecordSets:
  no listing; the hosted zone holds exactly the primary's sets;
- a restart reads the record: with the primary's serial unchanged the
  zone costs no API call; the next change costs one ListResourceRecordSets
  of the apex SOA (maxitems=1) and one change batch, and converges;
- with no record (removed) a restart lists the zone again.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
from r53tool import NOTIFY53, Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLWF4ZnItdGVzdHMtMDAwMDAwMA==")
NAME = "axfr.test"
ZONE = ("$ORIGIN axfr.test.\n$TTL 300\n"
        "@ IN SOA ns1.axfr.test. hostmaster.axfr.test. 1 3600 600 86400 300\n"
        "@ IN NS ns1.axfr.test.\nns1 IN A 192.0.2.53\n" +
        "".join("h%03d IN A 198.51.100.%d\n" % (i, i % 250) for i in range(400)))


def ops(emu, since):
    out = {}
    for x in api_log(emu, since):
        out[x["op"]] = out.get(x["op"], 0) + 1
    return out


def converged(emu, ns, zid, what):
    want = st.expected(st.axfr(ns.port, NAME), NAME)
    plain = st.listing(emu.boto3(), zid)[0]
    ok(plain == want, what, st.diff(plain, want))


def main():
    port = pick_port()
    zones = [Zone(NAME, ZONE, dynamic=True, update_key=UPDATE,
                  also_notify=[("127.0.0.1", port)])]
    with Home() as home, Named(zones, keys=[UPDATE],
                               options="notify-delay 0;\n\tprovide-ixfr no;") as ns, \
            Emu(rate=1000, burst=1000) as emu:
        zid = bare(emu.create_zone(NAME + "."))
        cfg = st.sync_config(home, emu, [{"name": NAME, "primaries": [ns.addr()]}],
                             listen=["127.0.0.1:%d" % port])
        rec = home.path("cache/%s.rec" % NAME)
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            got = d.wait(r"zone axfr\.test\.: serial 1 by AXFR, \d+ created", 60)
            ok(got, "first sync by AXFR", d.tail())
            ok(os.path.exists(rec), "the record is written")
            for k in range(2, 5):
                since = len(api_log(emu))
                mark = d.mark()
                ns.nsupdate(NAME, ["update delete h%03d.axfr.test. A" % k,
                                   "update add n%d.axfr.test. 60 A 192.0.2.%d" % (k, k)], UPDATE)
                got = d.wait(r"zone axfr\.test\.: serial %d by AXFR, 1 created, 1 updated, "
                             r"1 deleted in 1 batch" % k, 60, mark)
                ok(got, "change %d: transferred whole, 1 created, the SOA updated, 1 deleted" % k, d.tail())
                eq(ops(emu, since), {"ChangeResourceRecordSets": 1},
                   "change %d: one change batch, no listing" % k)
                converged(emu, ns, zid, "change %d: converged exactly" % k)

            # Restart: the record is read, nothing to do while the serial stands.
            d.stop()
            since = len(api_log(emu))
            d = DaemonProc(NOTIFY53, cfg, ["-v"])
            got = d.wait(r"zone axfr\.test\.: serial 4 current", 60)
            ok(got, "restart: serial 4 current from the record", d.tail())
            eq(ops(emu, since), {}, "restart, serial unchanged: no API call")
            mark = d.mark()
            ns.nsupdate(NAME, ["update add n5.axfr.test. 60 A 192.0.2.5"], UPDATE)
            got = d.wait(r"zone axfr\.test\.: serial 5 by AXFR, 1 created", 60, mark)
            ok(got, "after the restart: the change synced", d.tail())
            eq(ops(emu, since), {"ListResourceRecordSets": 1, "ChangeResourceRecordSets": 1},
               "after the restart: the SOA check and one change batch")
            soa = [x for x in api_log(emu, since) if x["op"] == "ListResourceRecordSets"]
            eq([(x["query"].get("name"), x["query"].get("type"), x["query"].get("maxitems"))
                for x in soa], [(NAME + ".", "SOA", "1")], "the SOA check: one set")
            converged(emu, ns, zid, "after the restart: converged exactly")

            # Without the record, a restart lists.
            d.stop()
            os.unlink(rec)
            since = len(api_log(emu))
            d = DaemonProc(NOTIFY53, cfg, ["-v"])
            got = d.wait(r"zone axfr\.test\.: serial 5 by AXFR, 0 created", 60)
            ok(got, "restart without a record: synced by AXFR", d.tail())
            ok(ops(emu, since).get("ListResourceRecordSets", 0) >= 2,
               "restart without a record: listed", ops(emu, since))
        finally:
            d.stop()
    done()


if __name__ == "__main__":
    main()
