#!/usr/bin/python3
"""A release binary end to end under qemu-user (make release-check): BIND 9
and the Route 53 emulator run natively on loopback, notify53 is the release
binary of the target, run by NOTIFY53_RUN (qemu-user on the target's CPU
model, tools/cross.sh) as NOTIFY53_RUN NOTIFY53_BIN ARGS.

- `notify53 sync` over TLS of the zone of test/it_sync_types.py (every type
  Route 53 holds, escaped names, long and tricky TXT) into an empty hosted
  zone: what boto3 lists equals dnspython's AXFR of the zone from named,
  compared as wire rdata; a second sync changes nothing;
- `notify53 daemon`: after its start-up sync, an nsupdate makes named send
  a NOTIFY; the daemon transfers the change by IXFR and pushes it with
  exactly one ChangeResourceRecordSets and no listing (the emulator's
  request log since the update), and exits 0 on SIGTERM.

Every wait is for an event (a log line, the emulator's log) with a bound;
none is a timed assertion: qemu is slow and the machine may be loaded.
"""
import json
import os
import stat
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, HERE)

# One executable for the helpers (test/lib/r53tool.py reads NOTIFY53 when
# imported): the release binary under qemu.
_wrapdir = tempfile.mkdtemp(prefix="release-e2e-")
WRAPPER = os.path.join(_wrapdir, "notify53")
with open(WRAPPER, "w") as f:
    f.write('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (os.environ["NOTIFY53_RUN"],
                                                  os.environ["NOTIFY53_BIN"]))
os.chmod(WRAPPER, stat.S_IRWXU)
os.environ["NOTIFY53"] = WRAPPER

from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
from r53tool import Home, api_log  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
import synctest as st  # noqa: E402
from it_sync_types import ZONE, check_zone  # noqa: E402

UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLXJlbGVhc2UtdGVzdHMtMDAwMDA=")
# Bounds for events, generous: notify53 runs under emulation.
WAIT = 120


def test_sync(home, e, ns, zid):
    cfg = st.sync_config(home, e, [{"name": "example.com", "primaries": [ns.addr()]}])
    p, res = st.sync(home, cfg, ["example.com"], timeout=WAIT * 2)
    r = res.get("example.com.", {})
    ok(p.returncode == 0, "sync: exit 0", p.stdout + p.stderr)
    eq(r.get("xfer"), "AXFR", "sync: by AXFR over TLS")
    primary, plain = check_zone(e, e.boto3(), zid, ns, "example.com", "sync")
    eq((r.get("created"), r.get("updated"), r.get("deleted")), (len(plain), 1, 0),
       "sync: every set created, the SOA updated")
    eq(e.count("ChangeResourceRecordSets"), 1, "sync: one change batch")
    diag("sync of %d sets: %s, %.2f s" % (len(plain), r.get("calls"), r.get("secs", 0)))

    # --full: the sync record would say "current" without comparing (as
    # it_sync_types does); a full listing shows nothing is left to change.
    e.reset()
    p, res = st.sync(home, cfg, ["example.com", "--full"], timeout=WAIT * 2)
    r = res.get("example.com.", {})
    ok(p.returncode == 0, "second sync: exit 0", p.stdout + p.stderr)
    eq((r.get("created"), r.get("updated"), r.get("deleted")), (0, 0, 0),
       "second sync: no change")
    eq([x["op"] for x in api_log(e) if x["op"] == "ChangeResourceRecordSets"], [],
       "second sync: no ChangeResourceRecordSets")


def test_daemon(home, e, ns, zid, port):
    parts = e.credentials[0].split(":", 2)
    cfg = home.write("daemon.json", json.dumps({
        "listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
        "zones": [{"name": "example.com", "primaries": [ns.addr()]}],
        "aws": {"endpoint": e.url, "ca_file": e.ca_file, "access_key_id": parts[0],
                "secret_access_key": parts[1], "max_requests_per_second": 1000}}))
    d = DaemonProc(WRAPPER, cfg)
    try:
        ok(d.wait(r"daemon: ready", WAIT), "daemon: ready", d.tail())
        first = d.wait(r"zone example\.com\.: serial \d+ by AXFR", WAIT)
        ok(first, "daemon: start-up sync by AXFR", d.tail())

        log = e.log()
        mark = log[-1]["seq"] if log else 0  # the emulator's request number
        since = d.mark()
        ns.nsupdate("example.com", ["update add released.example.com. 300 A 192.0.2.99"], UPDATE)
        serial = ns.serial("example.com")
        line = d.wait(r"zone example\.com\.: serial %d by " % serial, WAIT, since)
        ok(line and "by IXFR" in line[1], "daemon: NOTIFY, the change transferred by IXFR",
           line or d.tail())
        if not eq([x["op"] for x in api_log(e, mark)], ["ChangeResourceRecordSets"],
                  "daemon: one ChangeResourceRecordSets, no listing"):
            diag(d.tail())
        # Then (boto3's listing is a request too) the whole hosted zone.
        _, plain = check_zone(e, e.boto3(), zid, ns, "example.com", "daemon")
        ok(("released.example.com.", "A") in plain, "daemon: the added record is in Route 53")
    finally:
        status, _ = d.stop()
    eq(status, 0, "daemon: exit 0 on SIGTERM")


def main():
    port = pick_port()
    zone = Zone("example.com", ZONE, dynamic=True, update_key=UPDATE,
                also_notify=[("127.0.0.1", port)])
    try:
        with Emu(rate=0) as e, Home() as home, \
                Named([zone], keys=[UPDATE], options="notify-delay 0;") as ns:
            # The daemon reads its credentials from its config; nothing
            # from this environment.
            for k in [k for k in os.environ if k.startswith("AWS_")]:
                del os.environ[k]
            os.environ["HOME"] = home.dir
            os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
            zid = bare(e.create_zone("example.com."))
            test_sync(home, e, ns, zid)
            test_daemon(home, e, ns, zid, port)
    finally:
        os.unlink(WRAPPER)
        os.rmdir(_wrapdir)
    done()


if __name__ == "__main__":
    main()
