#!/usr/bin/python3
"""Benchmark: `notify53 daemon`, the stripped static binary
(NOTIFY53) with BIND 9 as the primary and the Route 53 emulator over TLS on
loopback. Prints figures with their targets (HACKING.md, "Budgets"),
asserts nothing (make bench):

- NOTIFY-to-change latency of a one-record change in a 10,000-set zone:
  the change is made by a dynamic update (dnspython, answered by named, so
  the new serial is served), then the bench sends the NOTIFY itself from
  127.0.0.1 (named's own NOTIFY is off, so the moment it leaves is known)
  and times until the ChangeResourceRecordSets request arrives at the
  emulator (its log time: the request read, before it is handled), over
  RUNS changes; median and max, target median <= 50 ms. The job in between:
  SOA query, IXFR, incremental plan, one request over the kept TLS
  connection. And the API calls each change cost, by operation: target 1
  (one change batch, no listing);
- idle RSS with one small zone: VmRSS of the daemon from /proc once its
  first sync is done and it sits idle; target <= 1 MB (1,024 KiB);
- wake-ups per minute when idle: the daemon's voluntary context switches
  (/proc) over IDLE seconds, then its poll calls counted by strace -c over
  another IDLE seconds when strace is installed, scaled to a minute; target:
  none but due timers (the zone's SOA refresh is an hour, the reconcile a
  day: 0 expected).
BENCH_RUNS (default 9) and BENCH_IDLE (default 15 s) adjust it.
"""
import base64
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from emu import Emu  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402

import dns.query  # noqa: E402
import dns.update  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
IDLE = int(os.environ.get("BENCH_IDLE", "15"))
BIG = "big.bench.example"
SMALL = "small.bench.example"
SETS = 10000


def big_zone():
    """SETS record sets: SOA, apex NS, an A on every host."""
    lines = ["$ORIGIN %s." % BIG, "$TTL 3600",
             "@ SOA ns1.example.net. hostmaster 1 3600 600 86400 300", "@ NS ns1.example.net."]
    lines += ["host%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255, i & 255)
              for i in range(SETS - 2)]
    return "\n".join(lines) + "\n"


def small_zone():
    return ("$ORIGIN %s.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster 1 3600 600 86400 300\n"
            "@ NS ns1.example.net.\nwww A 192.0.2.1\nmail A 192.0.2.2\n@ MX 10 mail\n"
            '@ TXT "v=spf1 mx -all"\n' % SMALL)


def need(dmn, pattern, timeout):
    """The daemon's line matching pattern; the bench stops without it."""
    got = dmn.wait(pattern, timeout)
    if got is None:
        raise RuntimeError("no line like %r within %ds:\n%s" % (pattern, timeout, dmn.tail(20)))
    return got[1]


def config(d, zone, primary, emu, port):
    path = os.path.join(d, "config.json")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump({"listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
                   "zones": [{"name": zone, "primaries": [primary]}],
                   "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                           "access_key_id": "AKID", "secret_access_key": "SECRET",
                           "max_requests_per_second": 1000}}, f)
    return path


def verdict(ok):
    return "met" if ok else "MISSED"


def latency(d, key):
    port = pick_port()
    print("== NOTIFY-to-change latency, one-record change in a %d-set zone (%d runs)"
          % (SETS, RUNS))
    keyring, keyname = key.keyring()
    with Named([Zone(BIG, big_zone(), dynamic=True, update_key=key)],
               keys=[key], start_timeout=300) as ns, Emu(rate=0) as emu:
        emu.create_zone(BIG + ".")
        dmn = DaemonProc(BIN, config(d, BIG, ns.addr(), emu, port))
        try:
            t0 = time.monotonic()
            need(dmn, r"zone %s\.: serial 1 by AXFR, .*ListResourceRecordSets" % re.escape(BIG), 300)
            print("  first sync (AXFR and listing of %d sets): %.1f s" % (SETS, time.monotonic() - t0))
            lat, per_change = [], []
            for k in range(RUNS):
                seq = emu.log()[-1]["seq"]
                u = dns.update.UpdateMessage(BIG + ".", keyring=keyring, keyname=keyname,
                                             keyalgorithm=key.alg)
                u.add("bench%d" % k, 300, "A", "192.0.2.%d" % (k + 1))
                if dns.query.tcp(u, "127.0.0.1", port=ns.port, timeout=30).rcode() != 0:
                    raise RuntimeError("update refused")
                sent = time.time()
                if udp(notify(BIG + ".").to_wire(), port) is None:
                    raise RuntimeError("NOTIFY not answered")
                end = time.monotonic() + 30
                while True:
                    got = [x for x in emu.log(seq) if x["op"] == "ChangeResourceRecordSets"]
                    if got:
                        break
                    if time.monotonic() > end:
                        raise RuntimeError("no change batch within 30 s")
                    time.sleep(0.01)
                lat.append(got[0]["time"] - sent)
                # The job has ended when the daemon logged it; count its calls.
                need(dmn, r"zone %s\.: serial %d by" % (re.escape(BIG), k + 2), 30)
                ops = {}
                for x in emu.log(seq):
                    ops[x["op"]] = ops.get(x["op"], 0) + 1
                per_change.append(ops)
                time.sleep(0.2)
        finally:
            dmn.stop()
    ms = sorted(x * 1000 for x in lat)
    print("  latency ms: median %.1f, min %.1f, max %.1f  (%s)" % (
        statistics.median(ms), ms[0], ms[-1], " ".join("%.1f" % x for x in ms)))
    calls = set(tuple(sorted(o.items())) for o in per_change)
    print("  API calls per change: %s" % "; ".join(
        ", ".join("%s %d" % kv for kv in c) for c in sorted(calls)))
    print("  target latency <= 50 ms (median): %s" % verdict(statistics.median(ms) <= 50))
    one = all(o == {"ChangeResourceRecordSets": 1} for o in per_change)
    print("  target 1 API call per change, no listing: %s" % verdict(one))


def status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.split(":", 1) for line in f)


def idle(d, key):
    port = pick_port()
    print("== idle daemon, one small zone")
    with Named([Zone(SMALL, small_zone(), dynamic=True, update_key=key,
                     also_notify=[("127.0.0.1", port)])], keys=[key]) as ns, Emu(rate=0) as emu:
        emu.create_zone(SMALL + ".")
        dmn = DaemonProc(BIN, config(d, SMALL, ns.addr(), emu, port))
        try:
            need(dmn, r"zone %s\.: serial 1 by AXFR, .*ListResourceRecordSets" % re.escape(SMALL), 60)
            time.sleep(2)
            pid = dmn.proc.pid
            st = status(pid)
            rss = int(st["VmRSS"].split()[0])
            hwm = int(st["VmHWM"].split()[0])
            print("  VmRSS %d KiB (peak VmHWM %d KiB during the first sync)" % (rss, hwm))
            print("  target idle RSS <= 1 MB (1024 KiB): %s" % verdict(rss <= 1024))
            # Context switches first, with nothing attached: each wake-up of
            # the loop is one (a poll that sleeps, then returns).
            before = int(status(pid)["voluntary_ctxt_switches"])
            time.sleep(IDLE)
            switches = int(status(pid)["voluntary_ctxt_switches"]) - before
            scale = 60.0 / IDLE
            print("  wake-ups: %d voluntary context switches in %d s = %.1f per minute (/proc)"
                  % (switches, IDLE, switches * scale))
            woke = switches * scale
            if shutil.which("strace"):
                out = os.path.join(d, "strace.out")
                tr = subprocess.Popen(["strace", "-f", "-c", "-e", "trace=poll,ppoll", "-o", out,
                                       "-p", str(pid)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                time.sleep(IDLE)
                tr.send_signal(signal.SIGINT)
                tr.wait(10)
                polls = 0
                with open(out) as f:
                    for line in f:
                        w = line.split()
                        if w and w[-1] in ("poll", "ppoll"):
                            polls += int(w[3])
                print("  wake-ups: %d poll calls returned in the next %d s = %.1f per minute "
                      "(strace -c)" % (polls, IDLE, polls * scale))
                woke = max(woke, polls * scale)
            rss_after = int(status(pid)["VmRSS"].split()[0])
            print("  VmRSS after the idle samples: %d KiB" % rss_after)
            print("  target no wake-ups but due timers (none due: SOA refresh 1 h, reconcile 24 h):"
                  " %s" % verdict(woke < 1))
        finally:
            dmn.stop()


def main():
    key = Key("bench-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    with tempfile.TemporaryDirectory(prefix="notify53-dbench-") as d:
        latency(d, key)
        idle(d, key)


if __name__ == "__main__":
    main()
