#!/usr/bin/python3
"""Benchmark: AXFR + parse of a 100,000-record zone from a loopback BIND 9.

Prints figures, asserts nothing about time (make bench):
- notify53 xfr (the stripped static binary, NOTIFY53): wall time and peak
  RSS (VmHWM), its output read and thrown away;
- the same transfer by dnspython (dns.zone.from_xfr, in a child process so
  its RSS is its own) and by dig, in the same run, as references;
- the zone's wire size (the TCP messages named sends), and the ratios the
  budget names: notify53 at least 30x faster than dnspython, peak RSS under
  3x the wire size. Times are the best of RUNS runs; named runs with two
  threads (the machine's cores) so it is not the bottleneck.
"""
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from named import Named, Zone  # noqa: E402

import dns.message  # noqa: E402
import dns.rdatatype  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
RECORDS = int(os.environ.get("BENCH_RECORDS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ZONE = "bench.example."


def zone_text(n):
    """n records: A for every host, plus AAAA, TXT and MX on some, an SOA
    and two NS."""
    lines = ["$ORIGIN %s" % ZONE, "$TTL 3600",
             "@ SOA ns1 hostmaster 1 3600 600 86400 300", "@ NS ns1", "@ NS ns2",
             "ns1 A 192.0.2.1", "ns2 A 192.0.2.2"]
    count, i = 5, 0
    while count < n:
        lines.append("host%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255, i & 255))
        count += 1
        if i % 4 == 0 and count < n:
            lines.append("host%d AAAA 2001:db8::%x:%x" % (i, i >> 16, i & 0xffff))
            count += 1
        if i % 10 == 0 and count < n:
            lines.append('host%d TXT "v=spf1 ip4:10.%d.0.0/16 -all" "id %d"' % (i, i >> 16 & 255, i))
            count += 1
        if i % 25 == 0 and count < n:
            lines.append("host%d MX 10 mx%d.example.net." % (i, i % 7))
            count += 1
        i += 1
    return "\n".join(lines) + "\n", count


def wall(argv):
    """Seconds argv takes, output to /dev/null, nothing else running here."""
    t = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, timeout=600)
    return time.monotonic() - t


def peak_rss(argv):
    """Peak RSS (KiB) of argv, its output read and discarded.

    The peak is VmHWM from /proc, sampled every 2 ms and after every chunk
    of output while the process lives (the mark only grows, and notify53
    reaches it before it prints the zone). Not wait4's ru_maxrss: Linux
    counts in it the high-water mark of the forking Python process."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    status = "/proc/%d/status" % p.pid
    hwm = [0]

    def sample():
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm[0] = max(hwm[0], int(line.split()[1]))
        except (OSError, ValueError):
            pass

    def drain():
        while p.stdout.read1(65536):
            sample()

    reader = threading.Thread(target=drain)
    reader.start()
    while p.poll() is None:
        sample()
        time.sleep(0.002)
    reader.join()
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (argv[0], p.returncode, err.strip()))
    return hwm[0]


def best(argv):
    """Best wall time of RUNS runs, and the peak RSS of one more (measured
    apart, so the sampling does not slow the timed runs)."""
    return min(wall(argv) for _ in range(RUNS)), peak_rss(argv)


def wire_size(port):
    """Octets of the AXFR answer as named sends it (messages, no framing)."""
    q = dns.message.make_query(ZONE, dns.rdatatype.AXFR).to_wire()
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(struct.pack("!H", len(q)) + q)
    total, soas, f = 0, 0, s.makefile("rb")
    while soas < 2:
        n = struct.unpack("!H", f.read(2))[0]
        m = f.read(n)
        total += n
        soas += sum(1 for rr in dns.message.from_wire(m).answer if rr.rdtype == dns.rdatatype.SOA)
    s.close()
    return total


DNSPYTHON = """
import sys, dns.query, dns.zone
z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", sys.argv[1], port=int(sys.argv[2]), lifetime=600))
print(sum(len(rds) for node in z.nodes.values() for rds in node.rdatasets))
"""


def main():
    text, n = zone_text(RECORDS)
    with Named([Zone(ZONE, text)], start_timeout=120, threads=2) as ns:
        wire = wire_size(ns.port)
        print("zone: %d records, AXFR wire size %d octets (%.1f MiB)" % (n, wire, wire / 1048576))
        nt, nrss = best([BIN, "xfr", ZONE, ns.addr()])
        dt, drss = best(["/usr/bin/python3", "-c", DNSPYTHON, ZONE, str(ns.port)])
        gt, grss = best(["dig", "@127.0.0.1", "-p", str(ns.port), ZONE, "AXFR"])
    print("%-24s %9s %12s" % ("AXFR + parse", "wall s", "peak RSS KiB"))
    print("%-24s %9.3f %12d" % ("notify53 xfr", nt, nrss))
    print("%-24s %9.3f %12d" % ("dnspython from_xfr", dt, drss))
    print("%-24s %9.3f %12d" % ("dig AXFR", gt, grss))
    speed = dt / nt
    rss_ratio = nrss * 1024 / wire
    print("notify53 vs dnspython: %.1fx faster (target >= 30x: %s)" % (speed, "met" if speed >= 30 else "MISSED"))
    print("notify53 vs dig: %.2fx the time" % (nt / gt))
    print("notify53 peak RSS / wire size: %.2f (target < 3: %s)" % (rss_ratio, "met" if rss_ratio < 3 else "MISSED"))


if __name__ == "__main__":
    main()
