"""Tiny TAP-like reporter for the Python test programs (see test/run.sh).

Each check prints one line, "ok - what" or "not ok - what"; the runner counts
them. done() exits non-zero when any check failed so a crash is never a pass.
A case that cannot run here prints "ok - what # SKIP why", which the runner
counts as a skip, never a pass (and as a failure on CI: NOTIFY53_CI=1).
"""
import sys

_failed = 0
_passed = 0


def ok(cond, what, detail=None):
    global _failed, _passed
    if cond:
        _passed += 1
        print("ok - %s" % what, flush=True)
    else:
        _failed += 1
        print("not ok - %s" % what, flush=True)
        if detail is not None:
            for line in str(detail).splitlines():
                print("#   %s" % line, flush=True)
    return bool(cond)


def skip(what, why):
    """what did not run here, because why."""
    print("ok - %s # SKIP %s" % (what, why), flush=True)


def eq(got, want, what):
    return ok(got == want, what, "got:  %r\nwant: %r" % (got, want))


def diag(msg):
    for line in str(msg).splitlines():
        print("# %s" % line, flush=True)


def done():
    sys.stdout.flush()
    sys.exit(1 if _failed else 0)
