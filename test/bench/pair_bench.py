#!/usr/bin/python3
"""Benchmark: two writers (an HA pair of `notify53 daemon`, both notified by
named) against one, over BENCH_PAIR_UPDATES random updates each (default
150), with the Route 53 emulator's request log as the count
(test/lib/pairrun.py). Prints the calls of each, the pair's refused batches
and listings, and the ratio against the target of 1.5.

Every update waits until each daemon has synced it, so each daemon applies
each update once: the pair's floor is then twice the single daemon's
calls (each daemon must ask or tell Route 53 at least once per serial), plus
one request per batch refused because the other daemon deleted a set first.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pairrun  # noqa: E402

BIN = os.environ.get("NOTIFY53", "./notify53")
UPDATES = int(os.environ.get("BENCH_PAIR_UPDATES", "150"))
TARGET = 1.5


def main():
    one, two = pairrun.run(BIN, updates=UPDATES, seed=7)
    ratio = float(two.calls()) / max(1, one.calls())
    print("two writers, %d random updates each:" % UPDATES)
    print("  one daemon: %s%s" % (one.text(), "" if one.converged else "; NOT CONVERGED"))
    print("  the pair:   %s%s" % (two.text(), "" if two.converged else "; NOT CONVERGED"))
    print("  pair / one: %.2f (target <= %.1f) %s" % (ratio, TARGET,
                                                     "met" if ratio <= TARGET else "MISSED"))
    return 0 if one.converged and two.converged else 1


if __name__ == "__main__":
    sys.exit(main())
