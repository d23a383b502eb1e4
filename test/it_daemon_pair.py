#!/usr/bin/python3
"""Integration: two writers. One `notify53 daemon`, then two (an HA pair:
named's also-notify to both) sync one BIND 9 zone into one hosted zone of
the emulator over UPDATES random dynamic updates each (test/lib/pairrun.py:
every update waits until each running daemon has synced its serial, so each
daemon handles each update once whatever the machine's load).

Both converge exactly (the hosted zone equals named's AXFR set by set) with
no listing at all: a new set of an incremental plan is UPSERTed, and a batch
refused only because a set it deletes is gone (the other daemon was first)
is sent again without it. Each daemon of the pair costs at most what the
single one cost, plus one request per such refusal. The ratio of the pair's
calls to the single daemon's is printed (make bench prints it against its
target, test/bench/pair_bench.py).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from r53tool import NOTIFY53  # noqa: E402
import pairrun  # noqa: E402

UPDATES = 30


def main():
    one, two = pairrun.run(NOTIFY53, updates=UPDATES, seed=11)
    diag("one daemon: " + one.text())
    diag("the pair:   " + two.text())
    diag("ratio %.2f" % (float(two.calls()) / max(1, one.calls())))
    ok(one.converged, "one daemon: the hosted zone is named's zone", one.diff)
    eq(one.listings + one.refused, 0, "one daemon: no listing, no refused batch")
    ok(two.converged, "the pair: the hosted zone is named's zone", two.diff)
    eq(two.listings, 0, "the pair: no listing (%d refused batches sent again)" % two.refused)
    ok(two.calls() <= 2 * one.calls() + two.refused,
       "the pair: %d calls, at most twice the single daemon's %d plus one per refused batch "
       "(%d)" % (two.calls(), one.calls(), two.refused))
    done()


if __name__ == "__main__":
    main()
