"""Two writers: the same zone synced by one `notify53 daemon`, then by two
(an HA pair on one host: two listen ports, named's also-notify to both),
from one BIND 9 primary into one hosted zone of the Route 53 emulator,
counting the API calls each costs (test/it_daemon_pair.py, and
test/bench/pair_bench.py with more updates).

    figures = run(NOTIFY53, updates=40, seed=1)

The pair is configured as README "Running an HA pair" says: each names the
other in "peers" with a TSIG key of their own; the first (the active one)
has peer_wait 0, the second (the standby) PEER_WAIT seconds, longer than
any sync on a loaded machine, so it writes nothing the active one writes.
Each daemon signs its API requests with its own access key, so the
emulator's log tells whose request each was.

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
PEER_KEY = Key("peer-key", "hmac-sha256", "cGVlci1rZXktb2YtdGhlLWhhLXBhaXItdGVzdC0wMDAwMDA=")
CREDS = ("AKIDPAIRZERO:SECRETZERO", "AKIDPAIRONE:SECRETONE")
PEER_WAIT = 60
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
        self.by_daemon = []   # per daemon: {"changes": n, "calls": n}
        self.adopted = []     # per daemon: serials taken from a peer (log lines)

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


def config(tmp, name, port, ns, emu, cred=0, peers=(), peer_wait=0, unsafe=False):
    """A daemon's config file: listening on port, signing with
    emu.credentials[cred], telling peers (ports on 127.0.0.1); unsafe: no
    safety thresholds (a burst coalesced into one plan changes much of
    this small zone)."""
    path = os.path.join(tmp, name)
    aws = {"endpoint": emu.url, "ca_file": emu.ca_file, "max_requests_per_second": 1000}
    aws["access_key_id"], aws["secret_access_key"] = emu.credentials[cred].split(":", 1)
    cache = path + ".records"  # each daemon its own sync records
    os.makedirs(cache, exist_ok=True)
    c = {"listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
         "zones": [{"name": ZONE, "primaries": [ns.addr()]}], "aws": aws, "cache_dir": cache}
    if unsafe:
        c["safety"] = {"max_delete_percent": 100, "max_update_percent": 100}
    if peers:
        c["tsig_keys"] = {PEER_KEY.name: {"algorithm": PEER_KEY.alg, "secret": PEER_KEY.secret}}
        c["peers"] = [{"address": "127.0.0.1:%d" % p, "tsig_key": PEER_KEY.name} for p in peers]
        c["peer_wait"] = peer_wait
    with open(path, "w") as f:
        json.dump(c, f)
    os.chmod(path, 0o600)
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


def _count(emu, since, fig, ndaemons):
    keys = [c.split(":", 1)[0] for c in CREDS[:ndaemons]]
    fig.by_daemon = [{"changes": 0, "calls": 0} for _ in keys]
    for x in emu.log(since):
        op = x.get("op")
        if x.get("access_key") in keys and op not in (None, "Unknown", "IMDS", "ECS"):
            b = fig.by_daemon[keys.index(x["access_key"])]
            b["calls"] += 1
            b["changes"] += op == "ChangeResourceRecordSets"
        if op == "ChangeResourceRecordSets":
            fig.changes += 1
            if x.get("code") == "InvalidChangeBatch":
                fig.refused += 1
        elif op == "ListResourceRecordSets":
            fig.listings += 1
        elif op not in (None, "Unknown", "IMDS", "ECS"):
            fig.other += 1


def _phase(binary, ns, emu, zid, tmp, ports, updates, rnd, present, peers, burst):
    """Start a daemon per port, wait for their first syncs, make the
    updates (in groups of burst, one after the other without waiting, each
    group waited for), and count what they cost."""
    fig = Figures()
    ds = []
    try:
        for i, port in enumerate(ports):
            others = [p for p in ports if p != port] if peers else ()
            # A config (and sync records) of its own per phase: each
            # daemon starts afresh, by AXFR and a listing.
            path = config(tmp, "d%d-of-%d.json" % (i, len(ports)), port, ns, emu, cred=i,
                          peers=others,
                          peer_wait=PEER_WAIT if i else 0, unsafe=burst)
            d = DaemonProc(binary, path, ["-v"])
            ds.append(d)
            if not d.wait(r"zone %s\.: serial \d+ by AXFR" % ZONE, 60):
                raise RuntimeError("daemon %d: no first sync:\n%s" % (i, d.tail()))
        # A first sync's NOTIFY to the peer costs nothing: the peer is at
        # that serial, or has nothing to adopt it on.
        since = emu.log()[-1]["seq"] if emu.log() else 0
        starts = [d.mark() for d in ds]
        while fig.updates < updates:
            marks = [d.mark() for d in ds]
            for _ in range(min(burst or 1, updates - fig.updates)):
                serial = _update(ns, rnd, present, None)
                fig.updates += 1
            for d, m in zip(ds, marks):
                if not _reached(d, serial, m, 120):
                    raise RuntimeError("serial %d not reached:\n%s" % (serial, d.tail()))
        _count(emu, since, fig, len(ds))
        fig.adopted = [len(d.grep(r"zone %s\.: serial \d+ by IXFR, adopted from a peer" % ZONE, m))
                       for d, m in zip(ds, starts)]
        want = st.expected(st.axfr(ns.port, ZONE), ZONE)
        got = _content(emu, zid)
        fig.converged = got == want
        fig.diff = st.diff(got, want)
    finally:
        for d in ds:
            d.stop()
    return fig


def run(binary, updates=40, seed=1, peers=True, burst=0):
    """(one daemon's Figures, the pair's Figures): the same number of random
    updates for each, the pair's starting from where the first ended.
    peers: the pair is configured as an HA pair (else two blind writers).
    burst: the updates come in groups of that many, one after the other
    without waiting for the daemons, which coalesce them as they can (the
    figures then depend on the machine's speed); each group is waited for."""
    rnd = random.Random(seed)
    present = set("h%d" % i for i in range(20))
    ports = [pick_port()]
    ports.append(pick_port(exclude=ports))
    tmp = tempfile.mkdtemp(prefix="it-pair-")
    zone = Zone(ZONE, TEXT, dynamic=True, update_key=KEY,
                also_notify=[("127.0.0.1", p) for p in ports])
    try:
        with Named([zone], keys=[KEY], options="notify-delay 0;") as ns, \
                Emu(credentials=CREDS, rate=1000, burst=1000) as emu:
            zid = bare(emu.create_zone(ZONE + "."))
            one = _phase(binary, ns, emu, zid, tmp, ports[:1], updates, rnd, present, False, burst)
            two = _phase(binary, ns, emu, zid, tmp, ports, updates, rnd, present, peers, burst)
            return one, two
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
