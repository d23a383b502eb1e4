#!/usr/bin/python3
"""Integration: transfers from a hostile or broken primary, which named
never sends, scripted by test/lib/fakeprimary.py on loopback.

Memory bound: an IXFR of 40,000 version steps of two bare SOAs each (the
fewest octets a step can take: 2.8 MB on the wire), sent by a primary or
anyone on the path of an unsigned transfer, is taken by `notify53 xfr
--ixfr` (the binary built without sanitizers, $NOTIFY53_PLAIN) with a peak
resident size (VmHWM of that process) within a small multiple of what it
received.

IXFR that never reaches its announced serial (SOA 5 | SOA 1, A h1 | SOA 3,
A h3 | SOA 5: the only step goes from 1 to 3): refused by `notify53 xfr`,
and in the daemon the job falls back to AXFR, so Route 53 ends with serial
5's data and the state file's synced_serial is that of what was pushed;
with AXFR refused as well, the job fails, nothing of serial 3 is pushed and
the state file keeps the serial synced before.
"""
import os
import subprocess
import sys
import json
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from fakeprimary import FakePrimary, tiny_steps  # noqa: E402
from named import _die_with_parent  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402
import synctest as st  # noqa: E402

import dns.message  # noqa: E402
import dns.rrset  # noqa: E402

PLAIN = os.environ.get("NOTIFY53_PLAIN", os.path.join(ROOT, "build", "plain", "notify53"))
ZONE = "example.com."


def vm_hwm(pid):
    """VmHWM of a live process in KB (0 once it has gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_run(args, timeout=120):
    """Run PLAIN args: (exit status, stdout, stderr, peak resident KB).

    The peak is the process's VmHWM, read before each 64 KB of its output
    is taken from the pipe: it prints after the transfer, and a pipe full of
    unread output holds it (alive, everything it kept still held) until
    then. The kernel's ru_maxrss would not do: it also counts the
    resident size of the Python process it was forked from."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([PLAIN] + list(args), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=err, preexec_fn=_die_with_parent)
        out, kb = [], 0
        while True:
            kb = max(kb, vm_hwm(p.pid))
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            out.append(chunk)
        rc = p.wait(timeout)
        err.seek(0)
        return (rc, b"".join(out).decode(errors="replace"),
                err.read().decode(errors="replace"), kb)


def test_tiny_steps():
    nsteps = 40000
    msgs = tiny_steps(ZONE, nsteps)
    wire = sum(len(m) + 2 for m in msgs)
    with FakePrimary(ZONE, serial=1 + nsteps) as p:
        p.set(1 + nsteps, [], ixfr=lambda q, since: msgs)
        rc, out, err, kb = peak_run(["xfr", ZONE, p.addr(), "--ixfr", "1"])
        steps = sum(1 for line in out.splitlines() if line.startswith("; "))
        ok(rc == 0 and steps == nsteps, "%d tiny IXFR steps (%d KB on the wire) taken and "
           "printed" % (nsteps, wire // 1024), "rc %d, %d steps printed; %s" % (rc, steps, err[-500:]))
        # The records as kept (names stored whole: about twice their
        # compressed octets), the steps' table and the binary itself.
        bound = 4 * wire // 1024 + 4096
        ok(kb <= bound, "peak resident size %d KB for %d KB received (bound %d KB)"
           % (kb, wire // 1024, bound))


def short_ixfr(p, start, reached, announced):
    """ixfr() for p: the answer from serial start announces serial
    announced but its one step goes to reached only."""
    def answer(q, since):
        r = dns.message.make_response(q)
        r.answer = [p.soa(announced), p.soa(start),
                    dns.rrset.from_text("h%d.%s" % (start, ZONE), 300, "IN", "A",
                                        "192.0.2.%d" % start),
                    p.soa(reached),
                    dns.rrset.from_text("h%d.%s" % (reached, ZONE), 300, "IN", "A",
                                        "192.0.2.%d" % reached),
                    p.soa(announced)]
        return [r]
    return answer


def zone_state(path, pred, timeout=20):
    """The state file's entry for ZONE once pred(entry) holds (the daemon
    writes it at most once a second after a job), else the last one read."""
    end, z = time.monotonic() + timeout, {}
    while time.monotonic() < end:
        try:
            with open(path) as f:
                z = json.load(f).get("zones", {}).get(ZONE, {})
        except (OSError, ValueError):
            z = {}
        if pred(z):
            break
        time.sleep(0.1)
    return z


def names(emu, zid):
    return sorted(r["name"] for r in emu.rrsets(zid) if r.get("type") == "A")


def test_short_ixfr():
    with FakePrimary(ZONE, serial=5) as p:
        p.set(5, [("h5", "A", "192.0.2.5")], ixfr=short_ixfr(p, 1, 3, 5))
        rc, out, err, _ = peak_run(["xfr", ZONE, p.addr(), "--ixfr", "1"])
        ok(rc == 1 and "ended the IXFR at serial 3, not 5 as it began" in err and not out,
           "notify53 xfr: an IXFR stopping at serial 3 of 5 is refused", err + out)

    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home, \
            FakePrimary(ZONE, serial=1, records=[("h1", "A", "192.0.2.1")]) as p:
        zid = bare(emu.create_zone(ZONE))
        state = home.path("state.json")
        cfg = st.sync_config(home, emu, [{"name": ZONE, "primaries": [p.addr()]}],
                             listen=["127.0.0.1:%d" % port], state_file=state)
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            got = d.wait(r"zone %s: serial 1 by AXFR" % ZONE, 30)
            ok(got and names(emu, zid) == ["h1." + ZONE, "ns1." + ZONE],
               "daemon: serial 1 synced by AXFR", d.tail())

            # Serial 5 by an IXFR that stops at 3: AXFR instead.
            p.set(5, [("h5", "A", "192.0.2.5")], ixfr=short_ixfr(p, 1, 3, 5))
            mark = d.mark()
            udp(notify(ZONE, 5).to_wire(), port)
            got = d.wait(r"zone %s: (serial 5 by|.*next try in)" % ZONE, 30, mark)
            ok(got and "serial 5 by AXFR" in got[1], "NOTIFY for serial 5: synced by AXFR",
               got[1] if got else d.tail())
            ok(d.grep(r"ended the IXFR at serial 3, not 5 as it began.*trying AXFR", mark),
               "the IXFR stopping at serial 3 is logged and left for AXFR", d.tail())
            eq(names(emu, zid), ["h5." + ZONE, "ns1." + ZONE],
               "Route 53 holds serial 5's data (not h3 of serial 3)")
            z = zone_state(state, lambda z: z.get("primary_serial") == 5)
            eq(z.get("synced_serial"), 5, "state file: synced_serial 5, from the AXFR")

            # Serial 9 by an IXFR that stops at 7, AXFR refused: failed,
            # nothing pushed, the state keeps serial 5.
            p.set(9, [("h9", "A", "192.0.2.9")], ixfr=short_ixfr(p, 5, 7, 9), refuse_axfr=True)
            mark = d.mark()
            udp(notify(ZONE, 9).to_wire(), port)
            got = d.wait(r"zone %s: (serial 9 by|.*next try in)" % ZONE, 30, mark)
            ok(got and "refused the transfer" in got[1], "NOTIFY for serial 9: the job fails",
               got[1] if got else d.tail())
            eq(names(emu, zid), ["h5." + ZONE, "ns1." + ZONE],
               "Route 53 still holds serial 5's data (not h7 of serial 7)")
            z = zone_state(state, lambda z: z.get("result") == "failed")
            eq((z.get("result"), z.get("primary_serial"), z.get("synced_serial")),
               ("failed", 9, 5), "state file: failed at primary serial 9, synced_serial still 5")
        finally:
            d.stop()


def main():
    if not os.access(PLAIN, os.X_OK):
        ok(False, "the binary without sanitizers is there", PLAIN)
        done()
    test_tiny_steps()
    test_short_ixfr()
    done()


if __name__ == "__main__":
    main()
