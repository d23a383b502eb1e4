#!/usr/bin/python3
"""Benchmark: notify53 sync of 10,000 and 100,000 record sets from a
loopback BIND 9 into the Route 53 emulator over TLS (make bench).

For each size: a full sync into an empty hosted zone, then, after one
nsupdate making 10 changes (4 sets added, 3 changed, 3 deleted; named also
raises the SOA serial, an 11th set), a re-sync. Each is one run of the
stripped static binary (NOTIFY53) as a user runs it, `notify53 sync -c
FILE`, and prints:
- wall time, and CPU time (user + sys) from os.wait4 of the notify53
  process;
- peak RSS: VmHWM of notify53 from /proc, sampled every millisecond until
  it exits (the mark only grows; it is read without reaping the process,
  so the last sample is taken as it ends). Not wait4's ru_maxrss: Linux
  keeps in it the high-water mark of the process that forked, so a child of
  this Python reports Python's size (a /bin/true child of a 200 MB
  interpreter reports 215 MB);
- the API calls by operation from the emulator's counters.
Then the issue's targets with met/MISSED: peak RSS <= 8 MB at 10,000 sets
(full sync); re-sync API calls = ceil(N/300) ListResourceRecordSets + 1
ChangeResourceRecordSets, N being the sets Route 53 holds (the zone's
lookup, ListHostedZonesByName, comes on top: `notify53 sync` starts from
nothing, the daemon keeps the hosted zone ID); CPU of parse + diff of
100,000 sets <= 0.3 s, which is tool_planbench's figure (plan_bench.sh;
run here again, best of 3, when NOTIFY53_TESTBIN has it) - a sync's CPU also
holds the transfer, TLS, the listing's XML and the change requests.

The emulator runs without its rate limit and notify53 at its highest rate
(1,000 requests/s), so the figures are notify53's and the emulator's work,
not AWS's 5 requests/s (at which a 100,000-set full sync needs 100 change
batches and 334 listing pages, over a minute of waiting alone). BENCH_SETS
(default "10000,100000") picks the sizes.
"""
import base64
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from emu import Emu  # noqa: E402
from named import Key, Named, Zone  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
TESTBIN = os.environ.get("NOTIFY53_TESTBIN", "")
SIZES = [int(s) for s in os.environ.get("BENCH_SETS", "10000,100000").split(",")]
ZONE = "bench.example"
RSS_TARGET_KB = 8 * 1024
TIMEOUT = 600


def zone_text(n):
    """n record sets: SOA and apex NS, an A on every host, AAAA on every
    4th, a two-string TXT on every 10th, MX on every 25th."""
    lines = ["$ORIGIN %s." % ZONE, "$TTL 3600",
             "@ SOA ns1.example.net. hostmaster 1 3600 600 86400 300",
             "@ NS ns1.example.net.", "@ NS ns2.example.net."]
    count, i = 2, 0
    while count < n:
        lines.append("host%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255, i & 255))
        count += 1
        for every, rr in ((4, "AAAA 2001:db8::%x:%x" % (i >> 16, i & 0xffff)),
                          (10, 'TXT "v=spf1 ip4:10.%d.0.0/16 -all" "id %d"' % (i >> 16 & 255, i)),
                          (25, "MX 10 mx%d.example.net." % (i % 7))):
            if i % every == 0 and count < n:
                lines.append("host%d %s" % (i, rr))
                count += 1
        i += 1
    return "\n".join(lines) + "\n", i


def changes(hosts):
    """10 changes spread over the zone: 4 new sets, 3 A values changed, 3
    AAAA sets deleted (hosts divisible by 4 have one)."""
    z = ZONE + "."
    cmds = ["update add new%d.%s 300 A 192.0.2.%d" % (k, z, k + 1) for k in range(4)]
    for k in (1, hosts // 2 + 1, hosts - 1):
        cmds += ["update delete host%d.%s A" % (k, z),
                 "update add host%d.%s 3600 A 192.0.2.%d" % (k, z, 100 + k % 100)]
    for k in (0, hosts // 2 // 4 * 4, hosts * 3 // 4 // 4 * 4):
        cmds.append("update delete host%d.%s AAAA" % (k, z))
    return cmds


class Run:
    """One notify53 process: wall and CPU seconds, peak RSS (KiB), output."""

    def __init__(self, argv):
        out = tempfile.TemporaryFile()
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        status = "/proc/%d/status" % p.pid
        self.rss = 0
        ended = threading.Event()

        def sample():
            while not ended.is_set():
                try:
                    with open(status) as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                self.rss = max(self.rss, int(line.split()[1]))
                except (OSError, ValueError):
                    pass
                time.sleep(0.001)

        sampler = threading.Thread(target=sample)
        sampler.start()
        killer = threading.Timer(TIMEOUT, p.kill)
        killer.start()
        # Wait for the exit without reaping: /proc/PID stays the zombie's
        # (no VmHWM), never another process's, until the sampler stops.
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        ended.set()
        sampler.join()
        _, st, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(st)
        self.wall = time.monotonic() - t0
        killer.cancel()
        self.cpu = ru.ru_utime + ru.ru_stime
        out.seek(0)
        self.output = out.read().decode(errors="replace")
        out.close()
        if p.returncode != 0:
            raise RuntimeError("%s exited with %d:\n%s" % (" ".join(argv), p.returncode, self.output))


def calls(emu):
    """API calls by operation since the last reset, from the emulator."""
    ops = emu.stats()["ops"]
    return {op: v["count"] for op, v in sorted(ops.items()) if v["count"]}


def show(label, r, c):
    print("%-22s %8.2f %7.2f %10d  %s" % (label, r.wall, r.cpu, r.rss,
                                         ", ".join("%s %d" % kv for kv in c.items())))


def verdict(ok):
    return "met" if ok else "MISSED"


def bench(n):
    text, hosts = zone_text(n)
    key = Key("bench-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    print("== %d record sets (%d hosts), AXFR from named, sync into an empty hosted zone" % (n, hosts))
    with Named([Zone(ZONE, text, dynamic=True, update_key=key)], keys=[key], start_timeout=300,
               threads=2) as ns, \
            Emu(rate=0, max_lifetime=3 * TIMEOUT) as emu, \
            tempfile.TemporaryDirectory(prefix="notify53-bench-") as d:
        zid = emu.create_zone(ZONE + ".")
        cfg = os.path.join(d, "config.json")
        with os.fdopen(os.open(cfg, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"zones": [{"name": ZONE, "primaries": [ns.addr()]}],
                       "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                               "access_key_id": "AKID", "secret_access_key": "SECRET",
                               "max_requests_per_second": 1000}}, f)
        argv = [BIN, "sync", "-c", cfg]
        print("%-22s %8s %7s %10s  %s" % ("", "wall s", "CPU s", "peak KiB", "API calls"))
        emu.reset()
        full = Run(argv)
        show("full sync", full, calls(emu))
        held = emu.dump(zid, rrsets=False)["rrset_count"]
        if held != n:
            raise RuntimeError("Route 53 holds %d sets after the full sync, want %d" % (held, n))

        ns.nsupdate(ZONE, changes(hosts), key)
        emu.reset()
        again = Run(argv)
        rc = calls(emu)
        show("re-sync (10 changes)", again, rc)
        after = emu.dump(zid, rrsets=False)["rrset_count"]
        if after != n + 4 - 3:
            raise RuntimeError("Route 53 holds %d sets after the re-sync, want %d" % (after, n + 1))
        print("  notify53: " + again.output.splitlines()[-2])

        lists = math.ceil(held / 300)
        got_lists = rc.get("ListResourceRecordSets", 0)
        got_changes = rc.get("ChangeResourceRecordSets", 0)
        extra = {op: k for op, k in rc.items()
                 if op not in ("ListResourceRecordSets", "ChangeResourceRecordSets")}
        print("  target re-sync calls: ceil(%d/300) = %d lists + 1 change: %d lists + %d change%s"
              " (+ %s): %s" % (held, lists, got_lists, got_changes, "" if got_changes == 1 else "s",
                               ", ".join("%s %d" % kv for kv in extra.items()) or "nothing else",
                               verdict(got_lists == lists and got_changes == 1)))
        if n == 10000:
            print("  target peak RSS <= 8 MB at 10,000 sets: full sync %d KiB, re-sync %d KiB: %s"
                  % (full.rss, again.rss, verdict(max(full.rss, again.rss) <= RSS_TARGET_KB)))


def planbench():
    """tool_planbench's parse + diff CPU of 100,000 sets with 10 changes."""
    tool = os.path.join(TESTBIN, "tool_planbench")
    if not TESTBIN or not os.access(tool, os.X_OK):
        print("parse + diff CPU at 100,000 sets: see plan_bench.sh (tool_planbench not built)")
        return
    cpu = []
    for _ in range(3):
        out = subprocess.run([tool, "100000", "10"], stdout=subprocess.PIPE, check=True,
                             timeout=TIMEOUT).stdout.decode()
        cpu += [float(line.split()[3]) for line in out.splitlines() if "parse + plan:" in line]
    print("target parse + diff CPU of 100,000 sets <= 0.3 s (tool_planbench, best of 3): "
          "%.3f s: %s" % (min(cpu), verdict(min(cpu) <= 0.3)))


def main():
    t0 = time.monotonic()
    for n in SIZES:
        bench(n)
    planbench()
    print("sync bench: %.0f s" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
