#!/usr/bin/python3
"""Integration: `notify53 daemon` with BIND 9 as the primary (also-notify to
the daemon's port) and the Route 53 emulator, all on loopback.

(a) An nsupdate change reaches the emulator by IXFR, with exactly one
    ChangeResourceRecordSets and no ListResourceRecordSets in the emulator's
    request log since the change; an unchanged serial (a NOTIFY with nothing
    new) costs no API call.
(b) NOTIFY from a disallowed source (127.0.0.2): no reply, no job; unknown
    zone: REFUSED; a zone with a TSIG key: a signed NOTIFY is answered
    signed and starts a job, an unsigned one is REFUSED.
(c) SIGHUP: a zone added (synced), a zone removed (no more requests for
    it, NOTIFYs for it REFUSED), an invalid config rejected and the old one
    kept (still syncing).
(d) SIGTERM: exit status 0, pidfile removed.
(e) SIGUSR1: one line per zone with its serials.
(f) state_file: per zone primary and synced serial, last sync, result,
    API call counts.
(g) As root with "user": "nobody": runs as nobody after binding, syncs,
    writes the state file, removes the pidfile at exit.
(h) domains_to_manage_from_aws: the account is listed at start and again on
    SIGHUP (a zone created meanwhile starts), its zones are transferred
    from notify_servers[0] on port 53 (named on 127.0.0.1 port 53; a skip
    when that port cannot be had, a failure on CI) and synced with the
    listing's hosted zone ID (no ListHostedZonesByName).
Also: a change batch failing on every try drops the kept zone; a NOTIFY of
the same serial then costs only an SOA query, and the next serial's job
transfers by AXFR and lists the hosted zone.

The daemon runs in its own process group and dies with this process
(PR_SET_PDEATHSIG). Nothing is timed: each check waits for an event (a log
line, an answer, the emulator's state) with a generous bound (WAIT), and
"nothing happened" is checked against a barrier: the daemon handles its
NOTIFY socket in order, and SIGUSR1's answer comes after every line of what
it handled before.
"""
import json
import os
import shutil
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import tap  # noqa: E402
from emu import Emu  # noqa: E402
from named import Key, Named, Zone, _die_with_parent  # noqa: E402
from notifyprobe import Tool, notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402

UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLWRhZW1vbi10ZXN0cy0wMDAwMDA=")
NKEY = Key("notify-key", "hmac-sha256", "bm90aWZ5LWtleS1mb3ItdGhlLWRhZW1vbi10ZXN0cy0wMDAwMDA=")

ZONE = """$ORIGIN %(name)s.
$TTL 300
@   SOA ns1 hostmaster 2026010101 3600 600 86400 300
@   NS  ns1
ns1 A   192.0.2.1
www A   192.0.2.10
"""

ZONES = ("example.com", "signed.test", "added.test")

# The bound of every wait for an event: long enough for a loaded 2-core
# machine, only reached when the event never comes.
WAIT = 60


class Daemon(Tool):
    """notify53 daemon in the background; its stderr lines in a queue
    (Tool's wait, drain and stop)."""

    def __init__(self, cfg, env, port, args=()):
        self.port = port
        self.proc = subprocess.Popen([NOTIFY53, "daemon", "-c", cfg, "-v"] + list(args),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env,
                                     preexec_fn=_die_with_parent)
        self.lines = queue.Queue()
        self.all = []

        def put(line):
            self.all.append(line)
            self.lines.put(line)
        threading.Thread(target=self._read, args=(self.proc.stderr, put), daemon=True).start()

    def line(self, pred, timeout):
        """The first new line for which pred holds within timeout, or
        None."""
        return self.wait(pred, timeout)[0]

    def barrier(self):
        """The lines the daemon wrote before now, or None: it is sent
        SIGUSR1, whose answer ("daemon: N zones, ...") it writes after the
        lines of everything it handled before the signal."""
        self.proc.send_signal(signal.SIGUSR1)
        line, before = self.wait(lambda l: l.startswith("notify53: info: daemon: ") and
                                 " zones, " in l, WAIT)
        return before if line else None

    def wait_all(self, prefixes, timeout):
        """The first new line starting with each prefix, None for those
        not seen within timeout."""
        got = dict((p, None) for p in prefixes)
        deadline = time.monotonic() + timeout
        while None in got.values():
            line = self.line(lambda l: any(l.startswith(p) and got[p] is None for p in got),
                             deadline - time.monotonic())
            if line is None:
                break
            for p in got:
                if line.startswith(p) and got[p] is None:
                    got[p] = line
                    break
        return [got[p] for p in prefixes]

def write_config(path, port, ns_port, emu, zones, state, pidfile, broken=False, extra=None):
    if broken:
        text = '{"zones": [ not JSON'
    else:
        zl = []
        for z in zones:
            e = {"name": z, "primaries": ["127.0.0.1:%d" % ns_port]}
            if z == "signed.test":
                e["tsig_key"] = "notify-key"
            zl.append(e)
        aws = {"endpoint": emu.url, "ca_file": emu.ca_file, "max_requests_per_second": 1000}
        aws["access_key_id"], aws["secret_access_key"] = emu.credentials[0].split(":", 1)
        c = {"listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
             "tsig_keys": {"notify-key": {"algorithm": NKEY.alg, "secret": NKEY.secret}},
             "zones": zl, "aws": aws, "state_file": state, "pidfile": pidfile,
             "cache_dir": os.path.join(os.path.dirname(path), "cache")}
        os.makedirs(c["cache_dir"], exist_ok=True)
        os.chmod(c["cache_dir"], 0o777)  # (g) runs as nobody
        c.update(extra or {})
        text = json.dumps(c)
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    os.rename(tmp, path)


def api_ops(emu, since):
    """(op, zone id or None) of every API request after log index since."""
    out = []
    for x in emu.log(since):
        if x.get("op") in ("IMDS", "ECS", "Unknown", None):
            continue
        out.append((x.get("op"), x.get("zone")))
    return out


def rrset(emu, zid, name, typ):
    for r in emu.rrsets(zid):
        if r.get("name") == name and r.get("type") == typ:
            return r
    return None


def send_from(src, wire, port):
    """Send wire from src without waiting; the socket, for no_answer."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.sendto(wire, ("127.0.0.1", port))
    return s


def no_answer(s):
    """True when nothing came back to s (checked after a later query was
    answered, so the daemon has handled this one), and closes it."""
    s.setblocking(False)
    try:
        s.recv(65535)
        return False
    except BlockingIOError:
        return True
    finally:
        s.close()


def wait_for(pred, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def main():
    port = pick_port()
    zones = [Zone(n, ZONE % {"name": n}, dynamic=True, update_key=UPDATE,
                  also_notify=[("127.0.0.1", port)]) for n in ZONES]
    tmp = tempfile.mkdtemp(prefix="it-daemon-")
    cfg = os.path.join(tmp, "config.json")
    state = os.path.join(tmp, "state.json")
    pidfile = os.path.join(tmp, "notify53.pid")
    d = None
    with Home() as home, Named(zones, keys=[UPDATE, NKEY], options="notify-delay 0;") as ns, Emu(rate=1000, burst=1000) as emu:
        try:
            zid = {n: emu.create_zone(n + ".").rsplit("/", 1)[-1] for n in ZONES}
            write_config(cfg, port, ns.port, emu, ZONES[:2], state, pidfile)
            t0 = time.monotonic()
            started = time.time()
            d = Daemon(cfg, home.env(), port)
            tap.ok(d.line(lambda l: "daemon: ready" in l, WAIT), "ready line logged")
            first = d.wait_all(["notify53: info: zone %s.: serial" % z for z in ZONES[:2]], WAIT)
            tap.diag("first sync of both zones after %.2f s" % (time.monotonic() - t0))
            tap.ok(all(first), "first sync of both zones at start-up", first)
            tap.ok(all(full_sync(l) for l in first),
                   "first sync: AXFR and listing", first)
            tap.ok(rrset(emu, zid["example.com"], "www.example.com.", "A"),
                   "www.example.com in the emulator")
            tap.ok(os.path.exists(pidfile), "pidfile written")
            with open(pidfile) as f:
                tap.eq(f.read().strip(), str(d.proc.pid), "pidfile holds the daemon's PID")

            test_incremental(d, ns, emu, zid)
            test_failed_batch(d, ns, emu, zid)
            test_notify(d, ns)
            serial = ns.serial("example.com")
            test_state(state, d.proc.pid, serial, started)
            test_usr1(d, serial)
            test_reload(d, ns, emu, zid, cfg, port, state, pidfile)
            test_term(d, pidfile)
            test_privdrop(ns, emu, home)
            test_aws(emu, home)
        finally:
            if d:
                d.stop()
                if os.environ.get("IT_DAEMON_LOG"):
                    sys.stderr.write("\n".join(d.all) + "\n")
            shutil.rmtree(tmp, ignore_errors=True)
    tap.done()


def signed_notify(zone, key):
    q = notify(zone)
    ring, name = key.keyring()
    q.use_tsig(ring, keyname=name, algorithm=key.alg)
    return q, ring


def test_notify(d, ns):
    d.drain()
    # From a disallowed source, then a query from an allowed one: once the
    # second is answered, the daemon has read the first.
    bad = send_from("127.0.0.2", notify("example.com.").to_wire(), d.port)
    r = udp(notify("unknown.test.").to_wire(), d.port, timeout=WAIT)
    tap.ok(r is not None and dns.message.from_wire(r).rcode() == dns.rcode.REFUSED,
           "(b) unknown zone: REFUSED")
    tap.ok(no_answer(bad), "(b) NOTIFY from 127.0.0.2: no reply")
    before = d.barrier()
    tap.ok(before is not None and not [l for l in before if "NOTIFY from" in l or
                                       "job started" in l],
           "(b) NOTIFY from 127.0.0.2: no job", before)

    r = udp(notify("signed.test.").to_wire(), d.port, timeout=WAIT)
    tap.ok(r is not None and dns.message.from_wire(r).rcode() == dns.rcode.REFUSED,
           "(b) zone with a key, unsigned NOTIFY: REFUSED")
    before = d.barrier()
    tap.ok(before is not None and not [l for l in before if "zone signed.test.: NOTIFY from" in l],
           "(b) unsigned NOTIFY: no job", before)

    q, ring = signed_notify("signed.test.", NKEY)
    r = udp(q.to_wire(), d.port, timeout=WAIT)
    try:
        m = dns.message.from_wire(r, keyring=ring, request_mac=q.mac) if r else None
    except dns.exception.DNSException as e:
        m = None
        tap.diag("signed answer: %r" % e)
    tap.ok(m is not None and m.rcode() == dns.rcode.NOERROR and m.had_tsig,
           "(b) TSIG-signed NOTIFY: NOERROR, answer signed and verified")
    line = d.line(lambda l: l.startswith("notify53: debug: zone signed.test.: serial"), WAIT)
    tap.ok(line and "current" in line, "(b) TSIG-signed NOTIFY: SOA check made", line)


def read_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def test_state(path, pid, serial, started):
    # Written at most once a second: the last job's line is there soon.
    def fresh():
        st = read_state(path)
        z = st and st.get("zones", {}).get("signed.test.")
        return st if z and z.get("result") == "current" else None
    st = wait_for(fresh, WAIT)
    tap.ok(st is not None, "(f) state file written after the jobs")
    if not st:
        return
    z = st["zones"].get("example.com.", {})
    tap.eq((z.get("primary_serial"), z.get("synced_serial")), (serial, serial),
           "(f) example.com: primary and synced serial")
    tap.ok(started - 1 <= z.get("last_sync", 0) <= time.time() + 1,
           "(f) last sync time: after the daemon started, not in the future", z)
    tap.eq(z.get("result"), "ok", "(f) last result")
    tap.ok("error" not in z, "(f) no error", z)
    # Start-up: find, list, change; IXFR: change; failed: 3 tries; after
    # it: find again, list, change.
    tap.eq(z.get("api_calls"), {"ListHostedZonesByName": 2, "ListResourceRecordSets": 2,
                                "ChangeResourceRecordSets": 6}, "(f) API call counts")
    tap.eq(st.get("pid"), pid, "(f) the daemon's PID")


def test_usr1(d, serial):
    d.drain()
    d.proc.send_signal(signal.SIGUSR1)
    got = d.wait_all(["notify53: info: zone example.com.: primary serial %d, "
                      "synced serial %d" % (serial, serial),
                      "notify53: info: zone signed.test.: primary serial 2026010101, "
                      "synced serial 2026010101"], WAIT)
    tap.ok(all(got), "(e) SIGUSR1: one line per zone with its serials", got)


def test_reload(d, ns, emu, zid, cfg, port, state, pidfile):
    d.drain()
    write_config(cfg, port, ns.port, emu, ("example.com", "added.test"), state, pidfile)
    d.proc.send_signal(signal.SIGHUP)
    got = d.wait_all(["notify53: info: zone signed.test.: removed",
                      "notify53: info: zone added.test.: serial"], WAIT)
    tap.ok(all(got), "(c) SIGHUP: signed.test removed, added.test synced", got)
    tap.ok(rrset(emu, zid["added.test"], "www.added.test.", "A"),
           "(c) added.test's records in the emulator")

    # The removed zone: changes and NOTIFYs lead to nothing.
    mark = len(emu.log())
    ns.nsupdate("signed.test", ["update add gone.signed.test. 300 A 192.0.2.5"], UPDATE)
    q, ring = signed_notify("signed.test.", NKEY)
    r = udp(q.to_wire(), d.port, timeout=WAIT)
    tap.ok(r is not None and dns.message.from_wire(r, keyring=ring, request_mac=q.mac).rcode()
           == dns.rcode.REFUSED, "(c) removed zone: NOTIFY REFUSED")
    removed_mark = mark

    # An invalid config is rejected; the old one stays, example.com keeps
    # its state (the next change still goes by IXFR).
    write_config(cfg, port, ns.port, emu, (), state, pidfile, broken=True)
    d.proc.send_signal(signal.SIGHUP)
    line = d.line(lambda l: "keeping the old configuration" in l, WAIT)
    tap.ok(line, "(c) invalid config: rejected with a message", line)
    mark = len(emu.log())
    ns.nsupdate("example.com", ["update add after.example.com. 300 A 192.0.2.78"], UPDATE)
    got = wait_for(lambda: rrset(emu, zid["example.com"], "after.example.com.", "A"), WAIT)
    tap.ok(got, "(c) old config still in force: change synced")
    line = d.line(lambda l: l.startswith("notify53: info: zone example.com.: serial"), WAIT)
    tap.ok(line and "by IXFR," in line, "(c) unchanged zone kept its state: IXFR", line)
    tap.eq([o for o, _ in api_ops(emu, mark)], ["ChangeResourceRecordSets"],
           "(c) one API call for it")
    # named's NOTIFY of the removed zone's change went out before this
    # one's, and the daemon reads NOTIFYs in order: it has handled both.
    before = d.barrier()
    tap.ok(before is not None and not [l for l in before if "zone signed.test.: " in l],
           "(c) removed zone: no NOTIFY taken, no job", before)
    tap.eq([x for x in api_ops(emu, removed_mark) if x[1] == zid["signed.test"]], [],
           "(c) removed zone: no request for it")


def full_sync(line):
    """A job's result line says: transferred by AXFR and the hosted zone
    listed (src/sync/sync.h, sync_result)."""
    return bool(line) and re.search(r": serial \d+ by AXFR, .*; API calls: .*"
                                    r"ListResourceRecordSets \d+", line) is not None


def test_term(d, pidfile):
    t0 = time.monotonic()
    d.proc.send_signal(signal.SIGTERM)
    try:
        rc = d.proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        rc = None
    tap.diag("SIGTERM: exit after %.3f s" % (time.monotonic() - t0))
    tap.eq(rc, 0, "(d) SIGTERM: exit 0")
    tap.ok(not os.path.exists(pidfile), "(d) pidfile removed")


def test_failed_batch(d, ns, emu, zid):
    """A change batch that fails (HTTP 500 on every try): the kept zone is
    dropped; a NOTIFY of the same serial is only an SOA query; the next
    serial's job transfers by AXFR and lists the hosted zone."""
    d.drain()
    emu.fault("http500", op="ChangeResourceRecordSets", count=3)
    ns.nsupdate("example.com", ["update add fail.example.com. 300 A 192.0.2.79"], UPDATE)
    line = d.line(lambda l: l.startswith("notify53: error: zone example.com.:"), WAIT)
    tap.ok(line and "next try in" in line, "failed batch: one error line", line)
    emu.clear_faults()
    tap.ok(rrset(emu, zid["example.com"], "fail.example.com.", "A") is None,
           "failed batch: nothing applied")
    r = udp(notify("example.com.").to_wire(), d.port, timeout=WAIT)
    tap.ok(r is not None, "failed batch: NOTIFY answered")
    line = d.line(lambda l: l.startswith("notify53: debug: zone example.com.: serial"), WAIT)
    tap.ok(line and "unchanged since the last try;" in line and "; next try in" in line
           and "ListResourceRecordSets" not in line and "by AXFR" not in line,
           "failed batch: a NOTIFY of the same serial costs its SOA query only", line)
    ns.nsupdate("example.com", ["update add fail2.example.com. 300 A 192.0.2.80"], UPDATE)
    line = d.line(lambda l: l.startswith("notify53: info: zone example.com.: serial"), WAIT)
    tap.ok(full_sync(line) and "by AXFR, 2 created" in line,
           "failed batch: the next serial's job does AXFR and a listing", line)
    tap.ok(rrset(emu, zid["example.com"], "fail.example.com.", "A") and
           rrset(emu, zid["example.com"], "fail2.example.com.", "A"),
           "failed batch: both changes are in the emulator after it")


def test_privdrop(ns, emu, home):
    """(g) Started as root with "user": "nobody": the listener is bound,
    the pidfile written, then the process runs as nobody and still syncs,
    writes its state file and removes its pidfile."""
    if os.geteuid() != 0:
        tap.skip("(g) privilege drop", "not root")
        return
    tmp = tempfile.mkdtemp(prefix="it-daemon-nobody-")
    os.chmod(tmp, 0o777)
    cfg, state, pidfile = (os.path.join(tmp, n) for n in ("config.json", "state.json", "pid"))
    port = pick_port()
    d = None
    try:
        write_config(cfg, port, ns.port, emu, ("example.com",), state, pidfile,
                     extra={"user": "nobody"})
        d = Daemon(cfg, home.env(), port)
        tap.ok(d.line(lambda l: "daemon: ready" in l, WAIT), "(g) ready")
        line = d.line(lambda l: l.startswith("notify53: info: zone example.com.: serial"), WAIT)
        tap.ok(line, "(g) zone synced as nobody", line)
        with open("/proc/%d/status" % d.proc.pid) as f:
            uid = [x.split()[1:] for x in f if x.startswith("Uid:")][0]
        tap.eq(uid, ["65534"] * 4, "(g) real, effective, saved and fs UID are nobody's")
        tap.ok(wait_for(lambda: os.path.exists(state), WAIT) and os.stat(state).st_uid == 65534,
               "(g) state file written by nobody")
        d.proc.send_signal(signal.SIGTERM)
        try:
            rc = d.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            rc = None
        tap.eq(rc, 0, "(g) SIGTERM: exit 0")
        tap.ok(not os.path.exists(pidfile), "(g) pidfile removed after dropping root")
    finally:
        if d:
            d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# named listens on the addresses of interfaces only: 127.0.0.1, as
# it_sync_legacy does (the tests run one at a time).
AWS_PRIMARY = "127.0.0.1"


def test_aws(emu, home):
    """(h) zones from the account, transferred from notify_servers[0]:53."""
    names = ("aws-one.test", "aws-two.test")
    zid = {n: emu.create_zone(n + ".").rsplit("/", 1)[-1] for n in names}
    tmp = tempfile.mkdtemp(prefix="it-daemon-aws-")
    cfg = os.path.join(tmp, "config.json")
    port = pick_port()
    d = None
    try:
        ns = Named([Zone(n, ZONE % {"name": n}) for n in names],
                   options="listen-on port 53 { %s; };" % AWS_PRIMARY).start()
    except RuntimeError as e:
        tap.skip("(h) domains_to_manage_from_aws", "named cannot have %s port 53: %s"
                 % (AWS_PRIMARY, str(e).splitlines()[0]))
        os.rmdir(tmp)
        return
    try:
        # Only the first zone exists in the account at start.
        emu.delete_zone(zid[names[1]])
        write_config(cfg, port, ns.port, emu, (), os.path.join(tmp, "state.json"),
                     os.path.join(tmp, "pid"),
                     extra={"domains_to_manage_from_aws": True, "notify_servers": [AWS_PRIMARY]})
        mark = len(emu.log())
        d = Daemon(cfg, home.env(), port)
        tap.ok(d.line(lambda l: "daemon: ready" in l, WAIT), "(h) ready after the account listing")
        line = d.line(lambda l: l.startswith("notify53: info: zone aws-one.test.: serial"), WAIT)
        tap.ok(full_sync(line), "(h) account zone synced from %s:53"
               % AWS_PRIMARY, line)
        tap.ok(rrset(emu, zid[names[0]], "www.aws-one.test.", "A"), "(h) its records in Route 53")
        ops = api_ops(emu, mark)
        tap.ok(("ListHostedZones", None) in ops and not [
            o for o, z in ops if z == zid[names[0]] and o in ("ListHostedZonesByName",
                                                                "GetHostedZone")],
            "(h) the listing's hosted zone ID is used as is", ops)

        zid[names[1]] = emu.create_zone(names[1] + ".").rsplit("/", 1)[-1]
        d.proc.send_signal(signal.SIGHUP)
        got = d.wait_all(["notify53: info: zone aws-two.test.: added",
                          "notify53: info: zone aws-two.test.: serial"], WAIT)
        tap.ok(all(got), "(h) SIGHUP lists the account again: the new zone starts", got)
        tap.ok(rrset(emu, zid[names[1]], "www.aws-two.test.", "A"),
               "(h) the new zone's records in Route 53")

        # An account zone deleted and made anew: the job fails on the ID
        # of the start-up listing (NoSuchHostedZone), and the retry (SOA
        # retry 5 s) finds the new hosted zone by name, not the stale ID
        # again.
        emu.delete_zone(zid[names[0]])
        zid[names[0]] = emu.create_zone(names[0] + ".").rsplit("/", 1)[-1]
        ns.rewrite(names[0], (ZONE % {"name": names[0]}).replace(
            "2026010101 3600 600 ", "2026010102 3600 5 "))
        d.drain()
        udp(notify(names[0] + ".").to_wire(), d.port, timeout=WAIT)
        line = d.line(lambda l: "zone aws-one.test.:" in l and "next try in" in l, WAIT)
        tap.ok(line and "NoSuchHostedZone" in line,
               "(h) the account zone's hosted zone gone: the job fails", line)
        line = d.line(lambda l: l.startswith("notify53: info: zone aws-one.test.: serial "
                                             "2026010102"), WAIT)
        tap.ok(line and "failed" not in line,
               "(h) the retry finds the hosted zone made anew by name", line)
        tap.ok(rrset(emu, zid[names[0]], "www.aws-one.test.", "A"),
               "(h) the new hosted zone holds the zone's records")
    finally:
        if d:
            d.stop()
            if os.environ.get("IT_DAEMON_LOG"):
                sys.stderr.write("\n".join(d.all) + "\n")
        ns.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_incremental(d, ns, emu, zid):
    d.drain()
    mark = len(emu.log())
    t0 = time.monotonic()
    ns.nsupdate("example.com", ["update add new.example.com. 300 A 192.0.2.77"], UPDATE)
    got = wait_for(lambda: rrset(emu, zid["example.com"], "new.example.com.", "A"), WAIT)
    tap.diag("nsupdate to the emulator: %.3f s (make bench measures it)" % (time.monotonic() - t0))
    tap.ok(got and got.get("values") == ["192.0.2.77"], "(a) nsupdate change in the emulator",
           got)
    # The job's result line comes after all its requests.
    line = d.line(lambda l: l.startswith("notify53: info: zone example.com.: serial"), WAIT)
    tap.ok(line and "by IXFR," in line and "1 created" in line, "(a) logged: by IXFR, 1 created",
           line)
    ops = api_ops(emu, mark)
    tap.eq([o for o, _ in ops], ["ChangeResourceRecordSets"],
           "(a) exactly one ChangeResourceRecordSets and no listing since the change")

    # A NOTIFY with nothing new: an SOA query, no API call.
    mark = len(emu.log())
    r = udp(notify("example.com.").to_wire(), d.port, timeout=WAIT)
    tap.ok(r is not None and dns.message.from_wire(r).rcode() == dns.rcode.NOERROR,
           "NOTIFY answered NOERROR")
    line = d.line(lambda l: "zone example.com.: serial" in l, WAIT)
    tap.ok(line and "current" in line, "unchanged serial: current", line)
    tap.eq(api_ops(emu, mark), [], "unchanged serial: no API call")


if __name__ == "__main__":
    main()
