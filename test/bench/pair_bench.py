#!/usr/bin/python3
"""Benchmark: two writers (an HA pair of `notify53 daemon` configured as
README "Running an HA pair" says, both notified by named) against one, over
BENCH_PAIR_UPDATES random updates each (default 150), with the Route 53
emulator's request log as the count (test/lib/pairrun.py). Prints the calls
of each, per daemon of the pair, the serials the standby adopted from its
peer, and the ratio against the target of 1.5.

Every update waits until each daemon has synced it, so each daemon handles
each update once; then BENCH_PAIR_BURST updates (default 100; 0: none) come
in bursts of 5 without waiting, coalesced as the daemons can, which makes
those figures depend on the machine. The active daemon writes each change and tells the
standby with a signed NOTIFY; the standby takes the serial from the
primary's IXFR without an API request, so the pair's floor is the single
daemon's calls.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pairrun  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
UPDATES = int(os.environ.get("BENCH_PAIR_UPDATES", "150"))
BURST = int(os.environ.get("BENCH_PAIR_BURST", "100"))
GROUP = 5
TARGET = 1.5


def report(updates, burst):
    one, two = pairrun.run(BIN, updates=updates, seed=7, burst=burst)
    ratio = float(two.calls()) / max(1, one.calls())
    print("two writers, %d random updates each%s:" % (
        updates, ", in bursts of %d (not waiting for the daemons)" % burst if burst else ""))
    print("  one daemon: %s%s" % (one.text(), "" if one.converged else "; NOT CONVERGED"))
    print("  the pair:   %s%s" % (two.text(), "" if two.converged else "; NOT CONVERGED"))
    for i, (b, a) in enumerate(zip(two.by_daemon, two.adopted)):
        print("    %s: %d calls (%d ChangeResourceRecordSets), %d serials adopted from its peer"
              % ("active " if i == 0 else "standby", b["calls"], b["changes"], a))
    print("  pair / one: %.2f (target <= %.1f) %s" % (ratio, TARGET,
                                                     "met" if ratio <= TARGET else "MISSED"))
    return one.converged and two.converged


def main():
    good = report(UPDATES, 0)
    if BURST:
        good = report(BURST, GROUP) and good
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
