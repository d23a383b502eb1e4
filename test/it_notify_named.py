#!/usr/bin/python3
"""Integration: the NOTIFY listener (test/tool_notify.c around src/dns/notify)
against a real BIND 9 and dnspython, on loopback only.

- named with also-notify to the listener on 127.0.0.1 and ::1: after an
  nsupdate the NOTIFY (with named's new serial) is delivered;
  named signs the NOTIFYs of one zone with a TSIG key (also-notify ... key)
  and the listener verifies them and signs its answer (named logs no TSIG
  trouble).
- dnspython-crafted messages over UDP and TCP, checked octet by octet where
  it matters: NOERROR + QR + AA + echoed ID and question, REFUSED for an
  unknown zone or a QUERY, FORMERR for malformed messages, no reply at all
  from a disallowed source (127.0.0.2), TSIG good / wrong secret / stale /
  missing, verified by dnspython's dns.tsig.
- TCP: pipelined messages, oversized length, idle connections evicted.
- A flood of 10,000 malformed packets (from an allowed and a disallowed
  source) while good NOTIFYs keep being answered (each sent again until
  answered, as primaries do: RFC 1996 section 3.6); the reply latency is
  printed, not asserted (make bench measures speed).
- SIGHUP: a zone added, an invalid config rejected, the port changed
  (rebinding); SIGTERM: exit status 0 with the counters.
- IPv4-mapped notify_servers ("::ffff:127.0.0.1", "::ffff:127.0.1.0/120"),
  in `notify53 daemon` built without sanitizers ($NOTIFY53_PLAIN) under
  valgrind: 127.0.0.1 and all of 127.0.1.0/24 answered, 127.0.0.2 not, and
  no valgrind error (the ACL once compared bytes nobody had set).

Waits for an event (a tool line, an answer) are bounded by WAIT, long
enough for a loaded machine: nothing here is timed.
"""
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import tap  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from notifyprobe import Tool, notify, pick_port, send_flood, udp  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402

TESTBIN = os.environ.get("NOTIFY53_TESTBIN", "build/check/test")
WAIT = 60
TOOL = os.path.join(TESTBIN, "tool_notify")

NKEY = Key("notify-key", "hmac-sha256", "bm90aWZ5LWtleS1mb3ItdGhlLWxpc3RlbmVyLXRlc3RzLTAwMDA=")
WRONG = Key("notify-key", "hmac-sha256", "c29tZS1vdGhlci1zZWNyZXQtZm9yLXRoZS1zYW1lLWtleS0hIQ==")
UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLW5vdGlmeS1saXN0ZW5lci10ZXN0")

ZONE = """$ORIGIN %(name)s.
$TTL 300
@   SOA ns1 hostmaster 2026010101 3600 600 86400 300
@   NS  ns1
ns1 A   192.0.2.1
"""


def config(port, zones=("example.com", "signed.test"), broken=False):
    if broken:
        return '{"zones": [ this is not JSON'
    zl = []
    for z in zones:
        zl.append('{"name": "%s"%s}' % (z, ', "tsig_key": "notify-key"' if z == "signed.test" else ""))
    return """{
  "listen": ["127.0.0.1:%d", "[::1]:%d"],
  "notify_servers": ["127.0.0.1", "127.0.0.3", "::1"],
  "tsig_keys": {"notify-key": {"algorithm": "hmac-sha256", "secret": "%s"}},
  "zones": [%s]
}
""" % (port, port, NKEY.secret, ", ".join(zl))


def tcp_conn(port, src="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(2.0)
    s.connect(("127.0.0.1", port))
    return s


def tcp_read(s):
    """One length-prefixed message, or None at EOF."""
    def exactly(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf
    head = exactly(2)
    if head is None:
        return None
    return exactly(struct.unpack("!H", head)[0])


def frame(wire):
    return struct.pack("!H", len(wire)) + wire


def check_noerror(reply, q, what):
    if not tap.ok(reply is not None, what + ": answered"):
        return
    r = dns.message.from_wire(reply)
    tap.ok(r.id == q.id and r.opcode() == dns.opcode.NOTIFY and r.rcode() == dns.rcode.NOERROR
           and r.flags & dns.flags.QR and r.flags & dns.flags.AA
           and r.question == q.question and not r.answer and not r.authority and not r.additional,
           what + ": NOERROR, QR, AA, ID and question echoed", r)


def rcode_of(reply):
    """The header's RCODE (signed answers need no keyring for this)."""
    return None if reply is None or len(reply) < 4 else reply[3] & 15


def delivered(tool, zone, serial, src, timeout=WAIT):
    want = "notify %s. %s %s" % (zone, "-" if serial is None else serial, src)
    line, skipped = tool.wait(lambda l: l == want, timeout)
    return tap.ok(line is not None, "delivered: %s" % want, "got: %r" % skipped)


def nothing_delivered(tool, what, wait=0.3):
    time.sleep(wait)
    extra = [l for l in tool.drain() if l.startswith("notify ")]
    tap.eq(extra, [], what + ": nothing delivered")


def peer_error(reply, ring, q, exc, what):
    """dnspython reads the answer's TSIG error as exception exc."""
    try:
        dns.message.from_wire(reply, keyring=ring, request_mac=q.mac)
        tap.ok(False, what, "no exception")
    except exc:
        tap.ok(True, "%s (dns.tsig.%s)" % (what, exc.__name__))
    except Exception as e:  # noqa: BLE001
        tap.ok(False, what, repr(e))


class KeyedNotifyNamed(Named):
    """named whose NOTIFYs for signed zones carry a TSIG (also-notify ... key)."""

    signed = {}

    def _zone_conf(self, z):
        text = super()._zone_conf(z)
        key = self.signed.get(z.name)
        if key:
            ip, port = z.also_notify[0]
            text = text.replace("%s port %d;" % (ip, port), '%s port %d key "%s";' % (ip, port, key))
        return text


def main():
    if not os.access(TOOL, os.X_OK):
        tap.ok(False, "tool_notify built at %s" % TOOL)
        tap.done()
    tmp = tempfile.mkdtemp(prefix="notify53-it-notify-")
    cfg_path = os.path.join(tmp, "config.json")
    port = pick_port()
    with open(cfg_path, "w") as f:
        f.write(config(port))
    tool = Tool(TOOL, cfg_path)
    ns = None
    try:
        line, _ = tool.wait(lambda l: l == "ready", WAIT)
        if not tap.ok(line, "tool_notify bound 127.0.0.1 and ::1 port %d" % port, "\n".join(tool.err)):
            return
        ns = run_named(tool, port)
        crafted(tool, port)
        over_tcp(tool, port)
        flood(tool, port)
        port = reloads(tool, port, cfg_path)
        terminate(tool)
        mapped_acl(tmp)
    finally:
        tool.stop()
        if ns:
            ns.stop()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
        if tap._failed:
            tap.diag("tool_notify stderr (last lines):\n" + "\n".join(tool.err[-30:]))


def mapped_acl(tmp):
    plain = os.environ.get("NOTIFY53_PLAIN", "build/plain/notify53")
    if not shutil.which("valgrind") or not os.access(plain, os.X_OK):
        tap.ok(False, "valgrind and %s are there" % plain)
        return
    port, closed = pick_port(), pick_port()
    # Everything else points at closed loopback ports: the zone's first
    # job fails at its SOA query, and nothing leaves the machine.
    cfg = {"listen": ["127.0.0.1:%d" % port],
           "notify_servers": ["::ffff:127.0.0.1", "::ffff:127.0.1.0/120"],
           "zones": [{"name": "example.com", "primaries": ["127.0.0.9:%d" % closed]}],
           "aws": {"endpoint": "https://127.0.0.1:%d" % closed, "access_key_id": "AKID",
                   "secret_access_key": "SECRET"}}
    path = os.path.join(tmp, "mapped.json")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(cfg, f)
    d = DaemonProc(plain, path, ["-v"], wrapper=("valgrind", "-q", "--error-exitcode=99"))
    try:
        if not tap.ok(d.wait(r"daemon: ready", 60), "daemon under valgrind ready", d.tail()):
            return
        answers = {}
        for src in ("127.0.0.1", "127.0.1.5", "127.0.1.250", "127.0.0.2"):
            answers[src] = udp(notify("example.com.", 7).to_wire(), port, src=src,
                               timeout=1.0 if src == "127.0.0.2" else 10.0)
        tap.ok(answers["127.0.0.1"] and answers["127.0.1.5"] and answers["127.0.1.250"],
               "::ffff:127.0.0.1 and ::ffff:127.0.1.0/120 allow 127.0.0.1 and 127.0.1.0/24",
               answers)
        tap.ok(answers["127.0.0.2"] is None, "127.0.0.2 is not allowed: no answer")
    finally:
        rc, _ = d.stop()
    tap.ok(rc == 0, "valgrind: no error in the daemon (exit %r)" % rc, d.tail())


def run_named(tool, port):
    zones = [Zone("example.com", ZONE % {"name": "example.com"}, dynamic=True,
                  update_key=UPDATE, also_notify=[("127.0.0.1", port), ("::1", port)]),
             Zone("signed.test", ZONE % {"name": "signed.test"}, dynamic=True,
                  update_key=UPDATE, also_notify=[("127.0.0.1", port)])]
    KeyedNotifyNamed.signed = {"signed.test": NKEY.name}
    ns = KeyedNotifyNamed(zones, keys=[UPDATE, NKEY], options="notify-delay 0;")
    ns.start()
    # Start-up NOTIFYs (named notifies every zone when it loads).
    delivered(tool, "signed.test", 2026010101, "127.0.0.1")
    tool.drain()

    for i in range(3):
        t0 = time.monotonic()
        ns.nsupdate("example.com", ["update add n%d.example.com. 300 A 192.0.2.%d" % (i, i + 10)])
        serial = ns.serial("example.com")
        got = set()
        deadline = t0 + WAIT
        while len(got) < 2 and time.monotonic() < deadline:
            line, _ = tool.wait(lambda l: l.startswith("notify example.com. %d " % serial),
                                deadline - time.monotonic())
            if line:
                got.add(line.split()[-1])
        tap.diag("nsupdate %d: delivered after %.0f ms" % (i + 1, (time.monotonic() - t0) * 1000))
        tap.ok(got == {"127.0.0.1", "::1"},
               "nsupdate %d: named's NOTIFY with serial %d delivered from 127.0.0.1 and ::1"
               % (i + 1, serial), got)

    t0 = time.monotonic()
    ns.nsupdate("signed.test", ["update add s.signed.test. 300 TXT signed"])
    serial = ns.serial("signed.test")
    line, _ = tool.wait(lambda l: l == "notify signed.test. %d 127.0.0.1" % serial, WAIT)
    tap.diag("signed NOTIFY delivered after %.0f ms" % ((time.monotonic() - t0) * 1000))
    tap.ok(line, "TSIG-signed NOTIFY from named verified and delivered")
    time.sleep(0.3)
    log = ns.log_tail(400)
    bad = [l for l in log.splitlines() if "notify" in l.lower() and
           ("tsig" in l.lower() or "refused" in l.lower() or "failed" in l.lower()
            or "timed out" in l.lower())]
    tap.eq(bad, [], "named logs no NOTIFY/TSIG trouble (our signed answers verified)")
    return ns


def crafted(tool, port):
    tool.drain()
    q = notify("example.com.", 2026999999)
    check_noerror(udp(q.to_wire(), port), q, "UDP NOTIFY with SOA")
    delivered(tool, "example.com", 2026999999, "127.0.0.1")

    q = notify("example.com.", qid=1)
    check_noerror(udp(q.to_wire(), port), q, "UDP NOTIFY without SOA")
    delivered(tool, "example.com", None, "127.0.0.1")

    q = notify("EXAMPLE.com.", 5, qid=2)
    check_noerror(udp(q.to_wire(), port, src="::1", dst="::1"), q, "IPv6 NOTIFY, zone in capitals")
    delivered(tool, "example.com", 5, "::1")

    q = notify("unknown.test.", qid=3)
    r = udp(q.to_wire(), port)
    tap.ok(r is not None and rcode_of(r) == dns.rcode.REFUSED
           and dns.message.from_wire(r).question == q.question
           and not dns.message.from_wire(r).flags & dns.flags.AA,
           "unknown zone: REFUSED, question echoed, no AA")

    q = notify("example.com.", qid=4, opcode=dns.opcode.QUERY)
    tap.eq(rcode_of(udp(q.to_wire(), port)), dns.rcode.REFUSED, "QUERY: REFUSED")

    q = dns.message.make_query("example.com.", "A")
    q.set_opcode(dns.opcode.NOTIFY)
    r = udp(q.to_wire(), port)
    tap.ok(r is not None and rcode_of(r) == dns.rcode.FORMERR
           and dns.message.from_wire(r).question == q.question, "NOTIFY for type A: FORMERR")
    wire = notify("example.com.", 7, qid=5).to_wire()
    tap.eq(rcode_of(udp(wire + b"\0\0", port)), dns.rcode.FORMERR, "trailing garbage: FORMERR")
    tap.eq(rcode_of(udp(wire[:-3], port)), dns.rcode.FORMERR, "SOA cut short: FORMERR")
    r = udp(struct.pack("!HHHHHH", 0xbeef, 0x2000, 0, 0, 0, 0), port)
    tap.ok(r is not None and r[:2] == b"\xbe\xef" and rcode_of(r) == dns.rcode.FORMERR,
           "no question: FORMERR with the ID")
    tap.eq(udp(b"\x12\x34\x20", port, timeout=0.3), None, "3 octets: no reply")
    resp = bytearray(wire)
    resp[2] |= 0x80
    tap.eq(udp(bytes(resp), port, timeout=0.3), None, "a response (QR set): no reply")

    q = notify("example.com.", 8, qid=6)
    tap.eq(udp(q.to_wire(), port, src="127.0.0.2", timeout=0.5), None,
           "from 127.0.0.2 (not allowed): no reply")
    q = notify("unknown.test.", qid=7)
    tap.eq(udp(q.to_wire(), port, src="127.0.0.2", timeout=0.3), None,
           "from 127.0.0.2, unknown zone: no reply either")
    nothing_delivered(tool, "disallowed and refused messages")

    # TSIG: the zone's key.
    ring = dns.tsigkeyring.from_text({NKEY.name: (NKEY.alg, NKEY.secret)})
    wrong = dns.tsigkeyring.from_text({WRONG.name: (WRONG.alg, WRONG.secret)})
    q = notify("signed.test.", 77, qid=8)
    q.use_tsig(ring, keyname=NKEY.name, algorithm=NKEY.alg)
    wire = q.to_wire()
    r = udp(wire, port)
    try:
        m = dns.message.from_wire(r, keyring=ring, request_mac=q.mac)
        tap.ok(m.rcode() == dns.rcode.NOERROR and m.had_tsig and m.flags & dns.flags.AA,
               "TSIG NOTIFY: NOERROR, answer signed and verified by dnspython")
    except Exception as e:  # noqa: BLE001
        tap.ok(False, "TSIG NOTIFY: answer verified by dnspython", repr(e))
    delivered(tool, "signed.test", 77, "127.0.0.1")

    q = notify("signed.test.", 78, qid=9)
    q.use_tsig(wrong, keyname=WRONG.name, algorithm=WRONG.alg)
    r = udp(q.to_wire(), port)
    peer_error(r, wrong, q, dns.tsig.PeerBadSignature, "wrong secret: NOTAUTH with BADSIG")
    tap.eq(rcode_of(r), dns.rcode.NOTAUTH, "wrong secret: rcode NOTAUTH")

    q = notify("signed.test.", 79, qid=10)
    q.use_tsig(ring, keyname=NKEY.name, algorithm=NKEY.alg)
    real = time.time
    time.time = lambda: real() - 1000
    try:
        wire = q.to_wire()
    finally:
        time.time = real
    peer_error(udp(wire, port), ring, q, dns.tsig.PeerBadTime, "signed 1000 s ago: NOTAUTH with BADTIME")

    q = notify("signed.test.", 80, qid=11)
    tap.eq(rcode_of(udp(q.to_wire(), port)), dns.rcode.REFUSED, "unsigned NOTIFY for a keyed zone: REFUSED")
    nothing_delivered(tool, "bad TSIG and unsigned NOTIFYs")


def over_tcp(tool, port):
    tool.drain()
    q = notify("example.com.", 101, qid=20)
    try:
        r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=2, source="127.0.0.1")
        tap.ok(r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA and r.question == q.question,
               "TCP NOTIFY (dns.query.tcp): NOERROR, AA, question")
    except Exception as e:  # noqa: BLE001
        tap.ok(False, "TCP NOTIFY (dns.query.tcp)", repr(e))
    delivered(tool, "example.com", 101, "127.0.0.1")

    s = tcp_conn(port)
    a, b, c = notify("example.com.", 102, qid=21), notify("nope.test.", qid=22), notify("example.com.", 103, qid=23)
    s.sendall(frame(a.to_wire()) + frame(b.to_wire()) + frame(c.to_wire())[:5])
    ra, rb = tcp_read(s), tcp_read(s)
    s.sendall(frame(c.to_wire())[5:])
    rc = tcp_read(s)
    s.close()
    tap.ok(ra and rb and rc and dns.message.from_wire(ra).id == 21 and rcode_of(rb) == dns.rcode.REFUSED
           and dns.message.from_wire(rc).id == 23 and rcode_of(rc) == dns.rcode.NOERROR,
           "TCP: three messages on one connection (the last split), answered in order")
    delivered(tool, "example.com", 103, "127.0.0.1")

    s = tcp_conn(port)
    s.sendall(struct.pack("!H", 5000) + b"\0" * 100)
    tap.eq(tcp_read(s), None, "TCP: 5000-octet length (over NOTIFY_MAX_MSG): closed, no answer")
    s.close()

    s = tcp_conn(port, src="127.0.0.2")
    s.sendall(frame(notify("example.com.", 104, qid=24).to_wire()))
    tap.eq(tcp_read(s), None, "TCP from 127.0.0.2: closed without an answer")
    s.close()

    idle = [tcp_conn(port) for _ in range(12)]
    q = notify("example.com.", 105, qid=25)
    s = tcp_conn(port)
    s.sendall(frame(q.to_wire()))
    r = tcp_read(s)
    s.close()
    tap.ok(r is not None and rcode_of(r) == dns.rcode.NOERROR,
           "12 idle TCP connections do not lock out a 13th (least recently active closed)")
    # The closes happened before that answer; count them as they arrive.
    closed, open_ = 0, list(idle)
    deadline = time.monotonic() + WAIT
    while closed < 5 and open_ and time.monotonic() < deadline:
        ready, _, _ = select.select(open_, [], [], 1.0)
        for c in ready:
            open_.remove(c)
            try:
                closed += c.recv(1) == b""
            except ConnectionResetError:
                closed += 1
    for c in idle:
        c.close()
    tap.ok(closed >= 5, "idle connections beyond NOTIFY_TCP_CLIENTS were closed (%d of 12)" % closed)
    line, before = tool.wait(lambda l: l == "notify example.com. 105 127.0.0.1", WAIT)
    tap.eq((line, [l for l in before if l.startswith("notify ")]),
           ("notify example.com. 105 127.0.0.1", []),
           "TCP: only the allowed NOTIFYs delivered")


def flood(tool, port):
    tool.drain()
    done = threading.Event()
    probes = []  # (answered, latency in s, sent during the flood)

    def prober():
        qid = 1000
        while not done.is_set():
            qid += 1
            wire = notify("example.com.", 5000 + qid, qid=qid).to_wire()
            t0 = time.monotonic()
            during = not flooding.is_set()
            r = None
            # Sent again until answered, as a primary does (RFC 1996
            # section 3.6), within WAIT.
            while time.monotonic() - t0 < WAIT:
                r = udp(wire, port, timeout=0.2)
                if r is not None and r[:2] == struct.pack("!H", qid):
                    break
                r = None
            probes.append((r is not None, time.monotonic() - t0, during))
            time.sleep(0.01)

    flooding = threading.Event()  # set when the flood is over
    t = threading.Thread(target=prober, daemon=True)
    t.start()
    logged = len(tool.err)
    t_flood = time.monotonic()
    sent = send_flood(port, 10000, pause_every=50, pause=0.005)
    flood_s = time.monotonic() - t_flood
    flooding.set()
    logged = len(tool.err) - logged
    done.set()
    t.join(timeout=WAIT)
    during = [p for p in probes if p[2]]
    lat = sorted(p[1] for p in during if p[0])
    lost = sum(1 for p in during if not p[0])
    tap.diag("flood: %d malformed packets; %d good NOTIFYs sent during it, %d answered, %d lost; "
             "reply latency median %.2f ms, max %.2f ms"
             % (sent, len(during), len(lat), lost, lat[len(lat) // 2] * 1000 if lat else -1,
                lat[-1] * 1000 if lat else -1))
    tap.ok(sent == 10000, "10,000 malformed packets sent")
    # A few lines a second (the listener's log limit), however long the
    # flood took on this machine.
    tap.ok(logged <= 5 * 5 * 4 * (1 + int(flood_s)),
           "log lines limited to a few a second during the flood (%d in %.1f s)"
           % (logged, flood_s))
    tap.ok(during and lost == 0, "every good NOTIFY sent during the flood answered (%d)"
           % len(during))
    # The last probe's answer came after its delivery line.
    q = notify("example.com.", 42, qid=77)
    check_noerror(udp(q.to_wire(), port, timeout=WAIT), q, "after the flood")
    line, before = tool.wait(lambda l: l == "notify example.com. 42 127.0.0.1", WAIT)
    lines = [l for l in before if l.startswith("notify ")]
    answered = sum(1 for p in probes if p[0])
    tap.ok(line and len(lines) >= answered and all(l.split()[1] == "example.com." for l in lines),
           "every answered NOTIFY was delivered (%d lines), nothing from the flood" % len(lines))
    tool.drain()


def reloads(tool, port, cfg_path):
    q = notify("added.test.", qid=30)
    tap.eq(rcode_of(udp(q.to_wire(), port)), dns.rcode.REFUSED, "added.test not configured yet: REFUSED")
    with open(cfg_path, "w") as f:
        f.write(config(port, zones=("example.com", "signed.test", "added.test")))
    tool.proc.send_signal(signal.SIGHUP)
    line, _ = tool.wait(lambda l: l.startswith("reload"), WAIT)
    tap.eq(line, "reloaded", "SIGHUP: config with a new zone loaded")
    check_noerror(udp(q.to_wire(), port), q, "added.test after the reload")
    delivered(tool, "added.test", None, "127.0.0.1")

    with open(cfg_path, "w") as f:
        f.write(config(port, broken=True))
    tool.proc.send_signal(signal.SIGHUP)
    line, _ = tool.wait(lambda l: l.startswith("reload"), WAIT)
    tap.ok(line and line.startswith("reload failed: "), "invalid config rejected: %s" % line)
    check_noerror(udp(q.to_wire(), port), q, "old config still in force")

    new = pick_port(exclude=(port,))
    with open(cfg_path, "w") as f:
        f.write(config(new))
    tool.proc.send_signal(signal.SIGHUP)
    line, _ = tool.wait(lambda l: l.startswith("reload"), WAIT)
    tap.eq(line, "reloaded", "SIGHUP: listen port %d -> %d" % (port, new))
    q = notify("example.com.", 9, qid=31)
    check_noerror(udp(q.to_wire(), new), q, "answers on the new port")
    check_noerror(udp(q.to_wire(), new, src="::1", dst="::1"), q, "answers on the new port over IPv6")
    tap.eq(udp(q.to_wire(), port, timeout=0.3), None, "the old port is closed")
    tap.eq(rcode_of(udp(notify("added.test.", qid=32).to_wire(), new)), dns.rcode.REFUSED,
           "added.test gone with the new config")
    tool.drain()
    return new


def terminate(tool):
    t0 = time.monotonic()
    tool.proc.send_signal(signal.SIGTERM)
    line, _ = tool.wait(lambda l: l.startswith("stats "), WAIT)
    try:
        rc = tool.proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        rc = None
    tap.diag("SIGTERM: exit after %.0f ms" % ((time.monotonic() - t0) * 1000))
    tap.eq(rc, 0, "SIGTERM: exit status 0")
    tap.diag(line or "no stats line")
    st = dict(kv.split("=") for kv in (line or "stats").split()[1:])
    st = {k: int(v) for k, v in st.items()}
    tap.ok(st.get("accepted", 0) >= 20 and st.get("formerr", 0) >= 5 and st.get("dropped_acl", 0) >= 1000
           and st.get("dropped_rate", 0) > 0 and st.get("tsig_failed", 0) == 2
           and st.get("tcp_accepted", 0) >= 16 and st.get("refused", 0) >= 5,
           "counters: accepted, formerr, dropped_acl (flood), dropped_rate, tsig_failed, tcp", st)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001
        import traceback
        tap.ok(False, "unexpected exception", traceback.format_exc())
    tap.done()
