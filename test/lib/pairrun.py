"""Two writers: the same zone synced by one `notify53 daemon`, then by two
(an HA pair on one host: two listen ports, named's also-notify to both),
from one BIND 9 primary into one hosted zone of the Route 53 emulator,
counting the API calls each costs (test/it_daemon_pair.py, and
test/bench/pair_bench.py with more updates).

    figures = run(NOTIFY53, updates=40, seed=1)

Each phase makes `updates` random dynamic updates (dnspython to named: add a
host, delete one, change a value, add a value to a set, change a TTL, a TXT)
one after the other, each once every running daemon has logged a job that
reached its serial (so every update costs each daemon one job: the figures
do not depend on how the machine's load spreads them). Then the hosted zone
is compared with named's AXFR (dnspython), set by set as wire rdata.
"""
import json
import os
import random
import shutil
import tempfile

import dns.query
import dns.rcode
import dns.update

from daemonproc import DaemonProc
from emu import Emu, bare
from named import Key, Named, Zone
from notifyprobe import pick_port
import synctest as st

ZONE = "pair.example"
KEY = Key("pair-key", "hmac-sha256", "cGFpci1rZXktZm9yLXRoZS10d28td3JpdGVyLXRlc3QtMDA=")
TEXT = """$ORIGIN pair.example.
$TTL 300
@   SOA ns1 hostmaster 1 3600 600 86400 300
@   NS  ns1
ns1 A   192.0.2.1
""" + "".join("h%d A 198.51.100.%d\n" % (i, i + 1) for i in range(20))


class Figures(object):
    def __init__(self):
        self.changes = 0      # ChangeResourceRecordSets requests
        self.refused = 0      # of them, answered InvalidChangeBatch
        self.listings = 0     # ListResourceRecordSets requests
        self.other = 0        # any other API request
        self.updates = 0
        self.converged = False
        self.diff = ""

    def calls(self):
        return self.changes + self.listings + self.other

    def text(self):
        return ("%d updates: %d calls (%d ChangeResourceRecordSets, %d refused; "
                "%d ListResourceRecordSets; %d other)" % (
                    self.updates, self.calls(), self.changes, self.refused,
                    self.listings, self.other))


def _update(ns, rnd, present, serial_box):
    """One random dynamic update; returns the serial named serves after it."""
    u = dns.update.UpdateMessage(ZONE + ".", keyring=KEY.keyring()[0],
                                 keyname=KEY.keyring()[1], keyalgorithm=KEY.alg)
    names = sorted(present)
    k = rnd.randrange(6)
    if k == 0 or len(names) < 5:
        n = "n%d" % rnd.randrange(1000000)
        u.add(n, 300, "A", "203.0.113.%d" % rnd.randrange(1, 255))
        present.add(n)
    elif k == 1:
        n = rnd.choice(names)
        u.delete(n)
        present.discard(n)
    elif k == 2:
        u.replace(rnd.choice(names), 300, "A", "192.0.2.%d" % rnd.randrange(1, 255))
    elif k == 3:
        u.add(rnd.choice(names), 300, "A", "198.18.0.%d" % rnd.randrange(1, 255))
    elif k == 4:
        n = rnd.choice(names)
        u.replace(n, 60 + rnd.randrange(1000), "A", "192.0.2.%d" % rnd.randrange(1, 255))
    else:
        n = rnd.choice(names)
        u.add(n, 300, "TXT", '"pair %d"' % rnd.randrange(1000000))
    r = dns.query.tcp(u, "127.0.0.1", port=ns.port, timeout=10)
    if r.rcode() != dns.rcode.NOERROR:
        raise RuntimeError("update: %s" % dns.rcode.to_text(r.rcode()))
    return ns.serial(ZONE)


def _config(tmp, name, port, ns, emu):
    path = os.path.join(tmp, name)
    aws = {"endpoint": emu.url, "ca_file": emu.ca_file, "max_requests_per_second": 1000}
    aws["access_key_id"], aws["secret_access_key"] = emu.credentials[0].split(":", 1)
    with open(path, "w") as f:
        json.dump({"listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
                   "zones": [{"name": ZONE, "primaries": [ns.addr()]}], "aws": aws}, f)
    return path


def _reached(d, serial, since, timeout=60):
    """d logged a job that left Route 53 at serial (or found it current)."""
    return d.wait(r"zone %s\.: serial %d (by|current)" % (ZONE, serial), timeout, since)


def _content(emu, zid):
    """The hosted zone as {(name, type): (ttl, {rdata})}, SOA and apex NS
    left out, read through the emulator's admin interface (not counted)."""
    out = {}
    for r in emu.rrsets(zid):
        if r.get("alias") or r.get("set_identifier") or r["type"] == "SOA" or \
                (r["type"] == "NS" and r["name"] == ZONE + "."):
            continue
        out[(r["name"], r["type"])] = (r["ttl"], set(st.wire(r["type"], v) for v in r["values"]))
    return out


def _count(emu, since, fig):
    for x in emu.log(since):
        op = x.get("op")
        if op == "ChangeResourceRecordSets":
            fig.changes += 1
            if x.get("code") == "InvalidChangeBatch":
                fig.refused += 1
        elif op == "ListResourceRecordSets":
            fig.listings += 1
        elif op not in (None, "Unknown", "IMDS", "ECS"):
            fig.other += 1


def _phase(binary, ns, emu, zid, tmp, ports, updates, rnd, present):
    """Start a daemon per port, wait for their first syncs, make the
    updates, and count what they cost."""
    fig = Figures()
    ds = []
    try:
        for i, port in enumerate(ports):
            d = DaemonProc(binary, _config(tmp, "d%d.json" % i, port, ns, emu), ["-v"])
            ds.append(d)
            if not d.wait(r"zone %s\.: serial \d+ by AXFR" % ZONE, 60):
                raise RuntimeError("daemon %d: no first sync:\n%s" % (i, d.tail()))
        since = emu.log()[-1]["seq"] if emu.log() else 0
        for _ in range(updates):
            marks = [d.mark() for d in ds]
            serial = _update(ns, rnd, present, None)
            for d, m in zip(ds, marks):
                if not _reached(d, serial, m):
                    raise RuntimeError("serial %d not reached:\n%s" % (serial, d.tail()))
            fig.updates += 1
        _count(emu, since, fig)
        want = st.expected(st.axfr(ns.port, ZONE), ZONE)
        got = _content(emu, zid)
        fig.converged = got == want
        fig.diff = st.diff(got, want)
    finally:
        for d in ds:
            d.stop()
    return fig


def run(binary, updates=40, seed=1):
    """(one daemon's Figures, the pair's Figures): the same number of random
    updates for each, the pair's starting from where the first ended."""
    rnd = random.Random(seed)
    present = set("h%d" % i for i in range(20))
    ports = [pick_port()]
    ports.append(pick_port(exclude=ports))
    tmp = tempfile.mkdtemp(prefix="it-pair-")
    zone = Zone(ZONE, TEXT, dynamic=True, update_key=KEY,
                also_notify=[("127.0.0.1", p) for p in ports])
    try:
        with Named([zone], keys=[KEY], options="notify-delay 0;") as ns, \
                Emu(rate=1000, burst=1000) as emu:
            zid = bare(emu.create_zone(ZONE + "."))
            one = _phase(binary, ns, emu, zid, tmp, ports[:1], updates, rnd, present)
            two = _phase(binary, ns, emu, zid, tmp, ports, updates, rnd, present)
            return one, two
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
