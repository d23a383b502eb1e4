#!/usr/bin/python3
"""Benchmark: API calls in proportion to changes (make bench). BIND 9 as
the primary, the Route 53 emulator over TLS, the stripped static binary
(NOTIFY53), every call counted from the emulator's request log. Prints one
line per target with met/MISSED, asserts nothing:

- one-shot `notify53 sync` of a 7,488-set zone with its sync record, nothing
  changed: <= 2 calls, <= 1 with hosted_zone_id; 10 sets changed: <= 3;
- the daemon with a primary serving AXFR only (BIND `provide-ixfr no;`),
  one change in 10,000 sets: 1 ChangeResourceRecordSets, no listing,
  NOTIFY-to-change <= 100 ms (median of RUNS; the bench sends the NOTIFY
  itself, after named answered the update);
- the daemon's first start with 1,000 zones of 100 sets into empty hosted
  zones: <= 2,010 calls, the IDs from <= 10 ListHostedZones pages; then its
  restart with nothing changed: <= 1,015 calls, no listing page but SOA
  checks (the figure is printed; records fresh and serials unchanged cost
  none: README "Sync records");
- peak RSS (VmHWM, sampled) of a full sync of 10,000 and of 100,000 sets
  into an empty hosted zone: <= 3.5 MB and <= 12 MB.
BENCH_RUNS (default 5), BENCH_ZONES (default 1000) and BENCH_SETS (default
"10000,100000") adjust it.
"""
import base64
import json
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from sync_bench import Run  # noqa: E402

import dns.query  # noqa: E402
import dns.update  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
NZONES = int(os.environ.get("BENCH_ZONES", "1000"))
SIZES = [int(s) for s in os.environ.get("BENCH_SETS", "10000,100000").split(",")]
rows = []


def row(case, target, figure, met):
    rows.append((case, target, figure, "met" if met else "MISSED"))
    print("  %s: %s (target %s): %s" % (case, figure, target, "met" if met else "MISSED"))
    sys.stdout.flush()


def zone_text(name, n, serial=1):
    lines = ["$ORIGIN %s." % name, "$TTL 3600",
             "@ SOA ns1.example.net. hostmaster %d 3600 600 86400 300" % serial,
             "@ NS ns1.example.net."]
    lines += ["h%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255, i & 255)
              for i in range(n - 2)]
    return "\n".join(lines) + "\n"


def ops(emu, since=0):
    out = {}
    for x in emu.log(since):
        if x.get("op") not in (None, "IMDS", "ECS", "Unknown"):
            out[x["op"]] = out.get(x["op"], 0) + 1
    return out


def last(emu):
    log = emu.log()
    return log[-1]["seq"] if log else 0


def config(d, name, emu, zones, port=None, **top):
    c = {"notify_servers": ["127.0.0.1"], "zones": zones, "cache_dir": os.path.join(d, "cache"),
         "aws": {"endpoint": emu.url, "ca_file": emu.ca_file, "access_key_id": "AKID",
                 "secret_access_key": "SECRET", "max_requests_per_second": 1000}}
    if port:
        c["listen"] = ["127.0.0.1:%d" % port]
    c.update(top)
    os.makedirs(c["cache_dir"], exist_ok=True)
    path = os.path.join(d, name)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(c, f)
    return path


def text(c):
    return ", ".join("%s %d" % kv for kv in sorted(c.items())) or "none"


def oneshot(key):
    name, n = "oneshot.bench", 7488
    print("== one-shot sync, %d sets, with the sync record" % n)
    with Named([Zone(name, zone_text(name, n), dynamic=True, update_key=key)], keys=[key],
               start_timeout=300) as ns, Emu(rate=0) as emu, \
            tempfile.TemporaryDirectory(prefix="notify53-cbench-") as d:
        zid = bare(emu.create_zone(name + "."))
        z = {"name": name, "primaries": [ns.addr()]}
        by_name = config(d, "byname.json", emu, [z])
        by_id = config(d, "byid.json", emu, [dict(z, hosted_zone_id=zid)])
        Run([BIN, "sync", "-c", by_name])
        size = os.path.getsize(os.path.join(d, "cache", name + ".rec"))
        print("  the sync record: %d octets for %d sets (the zone's AXFR: %d RRs)" % (size, n, n))
        s = last(emu)
        Run([BIN, "sync", "-c", by_name])
        c = ops(emu, s)
        row("one-shot sync, %d sets, nothing changed, record present" % n, "<= 2 calls",
            "%d calls (%s)" % (sum(c.values()), text(c)), sum(c.values()) <= 2)
        # The entry with hosted_zone_id has its own record (the file name
        # holds the ID): its first sync writes it.
        Run([BIN, "sync", "-c", by_id])
        s = last(emu)
        Run([BIN, "sync", "-c", by_id])
        c = ops(emu, s)
        row("  the same with hosted_zone_id", "<= 1 call",
            "%d calls (%s)" % (sum(c.values()), text(c)), sum(c.values()) <= 1)
        ns.nsupdate(name, ["update delete h%d.%s. A" % (i, name) for i in (5, 500, 5000)] +
                    ["update add new%d.%s. 300 A 192.0.2.%d" % (i, name, i) for i in range(4)] +
                    ["update add h%d.%s. 300 TXT \"x\"" % (i, name) for i in (7, 700, 7000)], key)
        s = last(emu)
        Run([BIN, "sync", "-c", by_name])
        c = ops(emu, s)
        row("one-shot sync, %d sets, 10 sets changed" % n, "<= 3 calls",
            "%d calls (%s)" % (sum(c.values()), text(c)), sum(c.values()) <= 3)


def axfr_only(key):
    name, n = "axfr.bench", 10000
    port = pick_port()
    print("== daemon, primary serving AXFR only, one change in %d sets (%d runs)" % (n, RUNS))
    keyring, keyname = key.keyring()
    with Named([Zone(name, zone_text(name, n), dynamic=True, update_key=key)], keys=[key],
               options="provide-ixfr no;", start_timeout=300) as ns, Emu(rate=0) as emu, \
            tempfile.TemporaryDirectory(prefix="notify53-cbench-") as d:
        emu.create_zone(name + ".")
        dmn = DaemonProc(BIN, config(d, "c.json", emu, [{"name": name, "primaries": [ns.addr()]}],
                                     port))
        lat, per = [], []
        try:
            if not dmn.wait(r"zone %s\.: serial 1 by AXFR" % re.escape(name), 300):
                raise RuntimeError("first sync:\n" + dmn.tail())
            for k in range(RUNS):
                s = last(emu)
                u = dns.update.UpdateMessage(name + ".", keyring=keyring, keyname=keyname,
                                             keyalgorithm=key.alg)
                u.add("bench%d" % k, 300, "A", "192.0.2.%d" % (k + 1))
                if dns.query.tcp(u, "127.0.0.1", port=ns.port, timeout=30).rcode() != 0:
                    raise RuntimeError("update refused")
                mark = dmn.mark()
                sent = time.time()
                if udp(notify(name + ".").to_wire(), port) is None:
                    raise RuntimeError("NOTIFY not answered")
                if not dmn.wait(r"zone %s\.: serial %d by" % (re.escape(name), k + 2), 30, mark):
                    raise RuntimeError("change %d not synced:\n%s" % (k, dmn.tail()))
                got = [x for x in emu.log(s) if x["op"] == "ChangeResourceRecordSets"]
                lat.append((got[0]["time"] - sent) * 1000 if got else 1e9)
                per.append(ops(emu, s))
        finally:
            dmn.stop()
    calls = set(text(c) for c in per)
    one = all(c == {"ChangeResourceRecordSets": 1} for c in per)
    row("daemon, AXFR-only primary, one change in %d sets" % n,
        "1 ChangeResourceRecordSets, 0 listings", "; ".join(sorted(calls)), one)
    med = statistics.median(lat)
    row("  NOTIFY-to-change", "<= 100 ms (median)", "median %.1f ms, max %.1f ms"
        % (med, max(lat)), med <= 100)


def many(key):
    print("== daemon, %d zones x 100 sets" % NZONES)
    names = ["z%04d.many.bench" % i for i in range(NZONES)]
    port = pick_port()
    with Named([Zone(z, zone_text(z, 100)) for z in names], start_timeout=600) as ns, \
            Emu(rate=0) as emu, tempfile.TemporaryDirectory(prefix="notify53-cbench-") as d:
        for z in names:
            emu.create_zone(z + ".")
        cfg = config(d, "c.json", emu, [{"name": z, "primaries": [ns.addr()]} for z in names],
                     port)
        for what in ("first start", "restart"):
            s = last(emu)
            dmn = DaemonProc(BIN, cfg, ["-v"])
            t0 = time.monotonic()
            try:
                pat = (r"zone .*: serial 1 by AXFR" if what == "first start" else
                       r"zone .*: serial 1 current")
                end = time.monotonic() + 900
                while len(dmn.grep(pat)) < NZONES and time.monotonic() < end and \
                        dmn.proc.poll() is None:
                    time.sleep(0.2)
                done = len(dmn.grep(pat))
                took = time.monotonic() - t0
            finally:
                dmn.stop()
            c = ops(emu, s)
            total = sum(c.values())
            pages = len([x for x in emu.log(s) if x.get("op") == "ListResourceRecordSets"
                         and x.get("query", {}).get("type") != "SOA"])
            if what == "first start":
                row("daemon first start, %d zones x 100 sets into empty hosted zones" % NZONES,
                    "<= %d calls, IDs by <= %d ListHostedZones" % (2 * NZONES + 10,
                                                                   NZONES // 100),
                    "%d calls (%s), %d of %d zones synced in %.1f s" % (
                        total, text(c), done, NZONES, took),
                    done == NZONES and total <= 2 * NZONES + 10 and
                    c.get("ListHostedZones", 0) <= max(1, NZONES // 100))
            else:
                row("daemon restart, %d zones x 100 sets, nothing changed" % NZONES,
                    "<= %d calls, no listing page but the SOA check" % (NZONES + 15),
                    "%d calls (%s), %d listing pages, %d of %d zones current" % (
                        total, text(c), pages, done, NZONES),
                    done == NZONES and total <= NZONES + 15 and pages == 0)


def memory():
    for n in SIZES:
        name = "mem.bench"
        print("== full sync of %d sets into an empty hosted zone" % n)
        with Named([Zone(name, zone_text(name, n))], start_timeout=300, threads=2) as ns, \
                Emu(rate=0) as emu, tempfile.TemporaryDirectory(prefix="notify53-cbench-") as d:
            emu.create_zone(name + ".")
            r = Run([BIN, "sync", "-c", config(d, "c.json", emu,
                                               [{"name": name, "primaries": [ns.addr()]}])])
            target = 3.5 * 1024 if n <= 10000 else 12 * 1024
            row("full sync, %d sets" % n, "<= %.1f MB peak RSS" % (target / 1024),
                "%.2f MB (%d KiB)" % (r.rss / 1024, r.rss), r.rss <= target)


def main():
    key = Key("bench-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    t0 = time.monotonic()
    oneshot(key)
    axfr_only(key)
    many(key)
    memory()
    print("== the targets")
    for r in rows:
        print("%-70s %-40s %s  %s" % r)
    print("cache bench: %.0f s" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
