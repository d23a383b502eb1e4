#!/usr/bin/python3
"""Integration: transfers from a hostile or broken primary, which named
never sends, scripted by test/lib/fakeprimary.py on loopback.

Memory bound: an IXFR of 40,000 version steps of two bare SOAs each (the
fewest octets a step can take: 2.8 MB on the wire), sent by a primary or
anyone on the path of an unsigned transfer, is taken by `notify53 xfr
--ixfr` (the binary built without sanitizers, $NOTIFY53_PLAIN) with a peak
resident size (VmHWM of that process) within a small multiple of what it
received.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from fakeprimary import FakePrimary, tiny_steps  # noqa: E402
from named import _die_with_parent  # noqa: E402

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


def main():
    if not os.access(PLAIN, os.X_OK):
        ok(False, "the binary without sanitizers is there", PLAIN)
        done()
    test_tiny_steps()
    done()


if __name__ == "__main__":
    main()
