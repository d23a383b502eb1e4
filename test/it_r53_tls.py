#!/usr/bin/python3
"""The Route 53 client refuses a server certificate from an unknown CA,
for another host name, or expired: a clear one-line error, one handshake
(a certificate problem is not retried), and no request - so no signature
or session token - ever reaches the server (the emulator logs every
request it receives: none is logged). The compiled-in AWS anchors do not
trust the emulator's CA either.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu  # noqa: E402
from r53tool import Home, run_notify53  # noqa: E402

KEY = "ASIATLS:TLSSECRET:TLSTOKEN"


def refused(e, home, what, want, **aws):
    cfg = home.config(e, name="tls.json", **aws)
    e.reset()
    d = run_notify53(["r53", "zones", "-c", cfg], home.env())
    ok(d.returncode == 1 and want in d.stderr, "%s: refused: %s" % (what, d.stderr.strip()))
    eq(len(d.stderr.strip().splitlines()), 1, "%s: one line" % what)
    ok("TLSSECRET" not in d.stderr + d.stdout and "TLSTOKEN" not in d.stderr + d.stdout,
       "%s: no secret in the message" % what)
    eq(len(e.log()), 0, "%s: no request reached the server" % what)
    eq(e.stats().get("tls_handshake_failures"), 1, "%s: one handshake, not retried" % what)


def main():
    with Home() as home:
        for flag, what, want in (
                ("--cert-unknown-ca", "a certificate from an unknown CA", "certificate"),
                ("--cert-wrong-host", "a certificate for another host", "certificate"),
                ("--cert-expired", "an expired certificate", "certificate")):
            with Emu(credentials=(KEY,), args=[flag]) as e:
                refused(e, home, what, want)
                refused(e, home, what + " (by name)", want,
                        endpoint="https://localhost:%d" % e.port)
        with Emu(credentials=(KEY,)) as e:
            cfg = home.config(e)
            d = run_notify53(["r53", "zones", "-c", cfg], home.env())
            ok(d.returncode == 0, "the same client with the right CA works", d.stderr)
            refused(e, home, "the compiled-in anchors only", "certificate", ca_file=None)
    done()


if __name__ == "__main__":
    main()
