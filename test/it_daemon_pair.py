#!/usr/bin/python3
"""Integration: two writers. One `notify53 daemon`, then two configured as
an HA pair (README "Running an HA pair": each names the other in "peers"
with a TSIG key of their own; the active one has peer_wait 0, the standby a
peer_wait longer than any sync here; named's also-notify to both) sync one
BIND 9 zone into one hosted zone of the emulator over UPDATES random dynamic
updates each (test/lib/pairrun.py: every update waits until each running
daemon has synced its serial, so each daemon handles each update once
whatever the machine's load).

Both converge exactly (the hosted zone equals named's AXFR set by set) with
no listing. The active daemon writes each change and tells the standby,
which takes the serial as synced from the primary's IXFR (an adopt job)
without a single API request: the standby's access key signs no request at
all, and it logs one adoption per update. So the pair costs what one daemon
costs. The ratio of the pair's calls to the single daemon's is printed
(make bench prints it against its target of 1.5, test/bench/pair_bench.py).
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
    diag("per daemon of the pair: %r; adopted: %r" % (two.by_daemon, two.adopted))
    diag("ratio %.2f" % (float(two.calls()) / max(1, one.calls())))
    ok(one.converged, "one daemon: the hosted zone is named's zone", one.diff)
    eq(one.listings + one.refused, 0, "one daemon: no listing, no refused batch")
    ok(two.converged, "the pair: the hosted zone is named's zone", two.diff)
    eq(two.listings + two.refused, 0, "the pair: no listing, no refused batch")
    eq(two.by_daemon[1]["calls"], 0, "the standby made no API request: the active one wrote "
       "every change")
    eq(two.adopted[1], UPDATES, "the standby adopted each of the %d serials from its peer"
       % UPDATES)
    eq(two.by_daemon[0]["calls"], two.calls(), "every request of the pair is the active one's")
    ok(two.by_daemon[0]["changes"] <= UPDATES,
       "the active daemon: at most one ChangeResourceRecordSets per update (%d for %d)"
       % (two.by_daemon[0]["changes"], UPDATES))
    done()


if __name__ == "__main__":
    main()
