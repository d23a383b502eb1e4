#!/usr/bin/python3
"""Route 53 client recovery against the emulator's faults over TLS, each
with the request log showing no more requests than needed: 503s, 500s,
connection resets (before the answer, mid-body), closed connections,
truncated and trickled bodies, Throttling amid parallel operations (and
none at all when the client's own rate limit is below the emulator's), retries
exhausted (3 attempts for 5xx, 5 for Throttling), a 10-minute clock skew
either way (one refused request, then signed with the server's time), and
a clock that is not set (no request at all).
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from r53tool import Home, run_tool, api_log, TOOL  # noqa: E402

NSETS = 1000
PAGES = 4  # ceil((NSETS + SOA + NS) / 300)


def lrrs(e):
    return [x for x in api_log(e) if x["op"] == "ListResourceRecordSets"]


def listing(e, home, cfg, zid, what, extra, want_extra_requests):
    """List the zone once with a fault armed; the listing must be whole and
    the log must show the pages plus exactly the faulted requests."""
    e.reset(faults=True)
    for f in extra:
        e.fault(**f)
    res, calls, p = run_tool(cfg, ["list:" + zid], home.env())
    ok(res and res[0]["status"] == "ok" and res[0]["sets"] == NSETS + 2,
       "%s: the whole zone is listed" % what, p.stdout + p.stderr)
    log = lrrs(e)
    eq(len(log), PAGES + want_extra_requests,
       "%s: %d requests (%d pages + %d faulted)" % (what, PAGES + want_extra_requests,
                                                     PAGES, want_extra_requests))
    eq(sum(1 for x in log if x["status"] == 200 and x.get("fault") in (None, "trickle")), PAGES,
       "%s: each page answered once" % what)
    return res, calls


def faults(e, home, cfg, zid):
    res, calls = listing(e, home, cfg, zid, "two 503s",
                         [{"kind": "http503", "op": "ListResourceRecordSets", "count": 2}], 2)
    eq(calls.get("retries"), 2, "two 503s: two retries")
    listing(e, home, cfg, zid, "a 500", [{"kind": "http500", "op": "ListResourceRecordSets",
                                          "skip": 2}], 1)
    listing(e, home, cfg, zid, "a reset before the answer",
            [{"kind": "reset", "op": "ListResourceRecordSets", "skip": 1}], 1)
    listing(e, home, cfg, zid, "a reset in the middle of the body",
            [{"kind": "reset-mid", "op": "ListResourceRecordSets", "skip": 1}], 1)
    listing(e, home, cfg, zid, "a truncated body",
            [{"kind": "truncate", "op": "ListResourceRecordSets", "skip": 2}], 1)
    listing(e, home, cfg, zid, "a closed connection",
            [{"kind": "close", "op": "ListResourceRecordSets", "skip": 3}], 1)
    listing(e, home, cfg, zid, "a body sent 4 KB at a time",
            [{"kind": "trickle", "op": "ListResourceRecordSets", "chunk": 4096,
              "arg": 0.005}], 0)
    listing(e, home, cfg, zid, "a reset and a 503 on the same page",
            [{"kind": "reset", "op": "ListResourceRecordSets", "skip": 1},
             {"kind": "http503", "op": "ListResourceRecordSets", "skip": 1}], 2)

    e.reset(faults=True)
    e.fault("http503", op="ListHostedZones", count=0)
    res, calls, p = run_tool(cfg, ["zones"], home.env())
    ok(res and res[0]["status"] == "transport" and "ServiceUnavailable" in res[0]["errors"][0] and
       "retries exhausted" in res[0]["errors"][0], "503 forever: gives up: %s" %
       (res[0]["errors"] if res else p.stderr))
    eq(len(api_log(e)), 3, "503 forever: 3 attempts")

    e.reset(faults=True)
    e.fault("throttle", op="ListHostedZones", count=0)
    res, calls, p = run_tool(cfg, ["zones"], home.env())
    ok(res and res[0]["status"] == "throttled" and "Throttling" in res[0]["errors"][0],
       "Throttling forever: gives up: %s" % (res[0]["errors"] if res else p.stderr))
    eq(len(api_log(e)), 5, "Throttling forever: 5 attempts")
    eq(calls.get("throttled"), 5, "five throttled answers counted")
    e.clear_faults()


def throttling(e, home, zid):
    # Four operations in parallel, the client told it may send 50 requests/s,
    # and three Throttling answers after the first request, on whichever
    # requests come next. They are injected rather than left to a low
    # emulator rate, whose answers would depend on how fast a loaded machine
    # gets the requests out.
    cfg = home.config(e, name="fast.json", max_requests_per_second=50)
    e.reset(faults=True)
    e.fault("throttle", skip=1, count=3)
    res, calls, p = run_tool(cfg, ["list:" + zid, "list:" + zid, "zones",
                                   "find:example.com."], home.env(), args=["--parallel"])
    ok(len(res) == 4 and all(r["status"] == "ok" for r in res),
       "Throttling amid parallel operations: every operation completes", p.stdout + p.stderr)
    log = api_log(e)
    thr = [x for x in log if x.get("code") == "Throttling"]
    good = [x for x in log if x["status"] == 200]
    eq(len(thr), 3, "the emulator throttled three requests")
    eq(len(good), 2 * PAGES + 2, "each page and call answered once")
    eq(len(log), len(good) + len(thr), "no request beyond those and one retry per Throttling")
    eq(calls.get("throttled"), len(thr), "the client counted every Throttling")

    # Below the emulator's rate, the client's own bucket avoids Throttling.
    cfg = home.config(e, name="slow.json", max_requests_per_second=4)
    e.reset(faults=True)
    e.config(rate=5, burst=5)
    res, calls, p = run_tool(cfg, ["list:" + zid, "list:" + zid, "zones", "zones", "zones"],
                             home.env(), args=["--parallel"])
    ok(len(res) == 5 and all(r["status"] == "ok" for r in res),
       "rate limited client: every operation completes", p.stdout + p.stderr)
    log = api_log(e)
    eq(sum(1 for x in log if x.get("code") == "Throttling"), 0,
       "max_requests_per_second 4 under an emulator allowing 5: no Throttling at all")
    eq(len(log), 2 * PAGES + 3, "no retries")
    e.config(rate=0)


def skew(e, home, cfg):
    for offset in (600, -600):
        e.reset(faults=True)
        e.config(clock_offset=offset)
        res, calls, p = run_tool(cfg, ["zones", "zones"], home.env())
        ok(len(res) == 2 and all(r["status"] == "ok" for r in res),
           "clock %+d s off: both calls succeed" % offset, p.stdout + p.stderr)
        log = api_log(e)
        eq([(x["status"], x.get("code")) for x in log],
           [(403, "SignatureDoesNotMatch"), (200, None), (200, None)],
           "clock %+d s off: one refused request, then signed with the correction" % offset)
        ok("%d s %s" % (abs(offset), "behind" if offset > 0 else "ahead of") in p.stderr,
           "the offset is logged: %s" % p.stderr.strip().splitlines()[:1])
    e.config(clock_offset=0)


def clock_unset(e, home, cfg):
    e.reset(faults=True)
    p = subprocess.Popen([TOOL, "-c", cfg, "--clock", "1000000", "zones"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=home.env(), universal_newlines=True)
    try:
        time.sleep(2)
        ok(p.poll() is None, "clock not set: the client waits")
    finally:
        p.kill()
        out, err = p.communicate(timeout=10)
    eq(len(e.log()), 0, "clock not set: nothing reached the server")
    ok("clock is not set" in err and err.count("clock is not set") == 1,
       "clock not set: said once: %s" % err.strip())


def main():
    with Emu(rate=0) as e, Home() as home:
        cfg = home.config(e)
        zid = bare(e.create_zone("example.com."))
        e.seed(zid, [{"name": "h%04d.example.com." % i, "type": "A", "ttl": 60,
                      "values": ["10.0.%d.%d" % (i // 250, i % 250)]}
                     for i in range(NSETS)])
        faults(e, home, cfg, zid)
        throttling(e, home, zid)
        skew(e, home, cfg)
        clock_unset(e, home, cfg)
    done()


if __name__ == "__main__":
    main()
