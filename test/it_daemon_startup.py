#!/usr/bin/python3
"""Integration: `notify53 daemon` while its start-up waits for the account's
listing (domains_to_manage_from_aws: ListHostedZones comes before any zone
is made). The emulator holds that request until the test lets it go; in the
meantime the daemon has no configuration made current yet, and the signals
an operator sends must not harm it:
  SIGUSR1  the state line ("daemon: 0 zones, ..."), and again: still running
  SIGHUP   waits for the listing, then reloads
Then a reload that turns logging.syslog on: warned about (it takes effect
at the next restart), the log stays on stderr.
Then the listing goes on: "ready", and SIGTERM ends the daemon with status
0. Nothing is timed: each step waits for a log line or the emulator's held
request, with a generous bound.
"""
import json
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402
import synctest as st  # noqa: E402

WAIT = 60


def main():
    port = pick_port()
    with Emu(rate=1000, burst=1000) as emu, Home() as home:
        emu.create_zone("example.com.")
        emu.fault("hold", op="ListHostedZones")
        cfg = st.sync_config(home, emu, [], listen=["127.0.0.1:%d" % port],
                             domains_to_manage_from_aws=True)
        d = DaemonProc(NOTIFY53, cfg, ["-v"])
        try:
            held = emu.held(wait=WAIT)
            ok(held and held[0]["op"] == "ListHostedZones",
               "start-up: the account's listing is held", d.tail())

            mark = d.mark()
            d.proc.send_signal(signal.SIGUSR1)
            got = d.wait(r"daemon: 0 zones, 0 jobs running", WAIT, mark)
            ok(got, "SIGUSR1 during the start-up listing: the state line", d.tail())
            # Alive after it: a second one is answered too.
            mark = d.mark()
            d.proc.send_signal(signal.SIGUSR1)
            got = d.wait(r"daemon: 0 zones, 0 jobs running", WAIT, mark)
            ok(got and d.proc.poll() is None, "SIGUSR1 during the start-up listing: still "
               "running", "exit status %r\n%s" % (d.proc.poll(), d.tail()))

            mark = d.mark()
            d.proc.send_signal(signal.SIGHUP)
            emu.release()
            got = d.wait(r"daemon: ready", WAIT, mark)
            ok(got, "the listing let go: ready", d.tail())
            got = d.wait(r"daemon: SIGHUP: reloading", WAIT, mark)
            ok(got, "SIGHUP during the start-up listing: reloaded after it", d.tail())
            got = d.wait(r"daemon: configuration reloaded", WAIT, mark)
            ok(got, "that reload done", d.tail())

            # logging.syslog is settled at the start: a reload that changes
            # it says so (README), the log stays where it is.
            with open(cfg) as f:
                conf = json.load(f)
            conf["logging"] = {"syslog": True}
            home.write("config.json", json.dumps(conf))
            mark = d.mark()
            d.proc.send_signal(signal.SIGHUP)
            got = d.wait(r"daemon: reload: logging\.syslog changed; it takes effect at the next "
                         r"restart", WAIT, mark)
            ok(got, "SIGHUP with logging.syslog changed: warned", d.tail())
            got = d.wait(r"daemon: configuration reloaded", WAIT, mark)
            ok(got, "... and reloaded, still logging here", d.tail())
        finally:
            status, _ = d.stop()
        eq(status, 0, "SIGTERM: exit status 0")
    done()


if __name__ == "__main__":
    main()
