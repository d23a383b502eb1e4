"""A scripted DNS primary on loopback, for what named never sends: an IXFR
of tens of thousands of tiny version steps, or one that stops short of the
serial it announced (test/it_xfr_hostile.py).

    p = FakePrimary("example.com.", serial=1, records=[("h1", "A", "192.0.2.1")])
    p.start()                        # UDP and TCP on 127.0.0.1:p.port
    p.set(5, [("h5", "A", "192.0.2.5")], ixfr=lambda q, since: [...])
    p.queries                        # [("udp"|"tcp", "SOA"|"AXFR"|"IXFR"), ...]
    p.stop()

SOA queries (UDP or TCP) get the current SOA. AXFR gets the zone at the
current serial (REFUSED with refuse_axfr). IXFR calls ixfr(query, since)
when set, which returns the answer as a list of messages (dns.message
objects, or wire octets whose ID is patched in here); else, with
journal=True and a serial set() before, the differences since it as one
version step (RFC 1995 section 4, condensed); else answers AXFR-style.
refuse_ixfr: IXFR gets REFUSED. Every thread is a daemon thread; sockets
close on stop().

Misbehaving on the next zone transfers over TCP (p.misbehave(kind, count=1)):
  "hold"     send the first of two messages, then wait until p.release()
             (p.held is set once the first message is out)
  "cut"      send the first of two messages, then close the connection
  "reset"    send the first of two messages, then a TCP RST
  "garbage"  send the whole answer, then a length-prefixed message of
             random octets on the same connection
  "badtime"  answer NOTAUTH with a TSIG record saying BADTIME (RFC 8945
             section 5.2.3), signed with the key (tsig=(keyring, keyname))
"""
import os
import socket
import struct
import threading

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset


def soa_text(zone, serial, timers="3600 600 86400 300"):
    """refresh retry expire minimum"""
    return "ns1.%s hostmaster.%s %d %s" % (zone, zone, serial, timers)


def tiny_steps(zone, nsteps, first=1, per_msg=1000):
    """Wire messages (ID 0) of an IXFR answer from serial first in nsteps
    version steps holding nothing but their two SOAs, per_msg RRs a
    message. Every message repeats the question; each SOA points to its
    name (offset 12) for owner, mname and rname: 36 octets on the wire."""
    last = first + nsteps
    serials = [last]
    for s in range(first, last):
        serials += [s, s + 1]
    serials.append(last)
    qname = dns.name.from_text(zone).to_wire()
    ptr = b"\xc0\x0c"
    out = []
    for i in range(0, len(serials), per_msg):
        chunk = serials[i:i + per_msg]
        head = struct.pack("!HHHHHH", 0, 0x8400, 1, len(chunk), 0, 0)
        head += qname + struct.pack("!HH", dns.rdatatype.IXFR, 1)
        out.append(head + b"".join(ptr + struct.pack("!HHIH", 6, 1, 300, 24) + ptr + ptr +
                                   struct.pack("!IIIII", s, 3600, 600, 86400, 300)
                                   for s in chunk))
    return out


class FakePrimary(object):
    def __init__(self, zone, serial=1, records=(), host="127.0.0.1", journal=False,
                 tsig=None, timers="3600 600 86400 300"):
        self.zone = zone if zone.endswith(".") else zone + "."
        self.timers = timers
        self.host = host
        self.lock = threading.Lock()
        self.queries = []
        self.refuse_axfr = False
        self.refuse_ixfr = False
        self.ixfr = None
        self.journal = journal
        self.history = {}
        self.tsig = tsig
        self.bad = None
        self.bad_count = 0
        self.held = threading.Event()
        self.released = threading.Event()
        self.set(serial, records)
        # One port for UDP and TCP: the kernel picks a free UDP port, whose
        # TCP twin another process on the machine may hold; then try again.
        for attempt in range(100):
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.bind((host, 0))
            self.port = self.udp.getsockname()[1]
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                self.tcp.bind((host, self.port))
                break
            except OSError:
                self.udp.close()
                self.tcp.close()
                if attempt == 99:
                    raise
        self.tcp.listen(8)
        self.stopped = False

    def set(self, serial, records, ixfr=None, refuse_axfr=False):
        """The zone at serial: SOA, NS ns1 and records (name relative to the
        zone, type, value); ixfr(query, since) answers IXFR (None:
        AXFR-style); refuse_axfr: AXFR gets REFUSED."""
        with self.lock:
            self.serial = serial
            self.records = list(records)
            self.history[serial] = list(records)
            self.ixfr = ixfr
            self.refuse_axfr = refuse_axfr

    def misbehave(self, kind, count=1):
        """Misbehave on the next count zone transfers (see the module doc)."""
        with self.lock:
            self.held.clear()
            self.released.clear()
            self.bad = kind
            self.bad_count = count

    def release(self):
        self.released.set()

    def addr(self):
        return "%s:%d" % (self.host, self.port)

    def soa(self, serial=None):
        return dns.rrset.from_text(self.zone, 300, "IN", "SOA",
                                   soa_text(self.zone, self.serial if serial is None else serial,
                                            self.timers))

    def zone_rrsets(self):
        out = [dns.rrset.from_text(self.zone, 300, "IN", "NS", "ns1." + self.zone),
               dns.rrset.from_text("ns1." + self.zone, 300, "IN", "A", "192.0.2.53")]
        for name, typ, value in self.records:
            out.append(dns.rrset.from_text(name + "." + self.zone, 300, "IN", typ, value))
        return out

    def start(self):
        for target in (self._serve_udp, self._serve_tcp):
            threading.Thread(target=target, daemon=True).start()
        return self

    def stop(self):
        self.stopped = True
        for s in (self.udp, self.tcp):
            try:
                s.close()
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *a):
        self.stop()

    # -- answers -------------------------------------------------------------
    def _answer(self, q, proto):
        """The answer to query q as a list of wire messages."""
        qtype = q.question[0].rdtype
        name = dns.rdatatype.to_text(qtype)
        with self.lock:
            self.queries.append((proto, name))
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA
            if qtype == dns.rdatatype.SOA:
                r.answer.append(self.soa())
                return [r.to_wire()]
            if qtype == dns.rdatatype.IXFR and self.refuse_ixfr:
                r.set_rcode(dns.rcode.REFUSED)
                return [r.to_wire()]
            if qtype == dns.rdatatype.IXFR and self.ixfr:
                since = q.authority[0][0].serial if q.authority else 0
                msgs = self.ixfr(q, since)
                return [m.to_wire() if hasattr(m, "to_wire") else
                        struct.pack("!H", q.id) + m[2:] for m in msgs]
            if qtype not in (dns.rdatatype.AXFR, dns.rdatatype.IXFR) or self.refuse_axfr:
                r.set_rcode(dns.rcode.REFUSED)
                return [r.to_wire()]
            if qtype == dns.rdatatype.IXFR and self.journal and q.authority:
                since = q.authority[0][0].serial
                if since in self.history and since != self.serial:
                    return self._delta(q, since)
            sets = self.zone_rrsets()
            half = len(sets) // 2
            r.answer = [self.soa()] + sets[:half]
            r2 = dns.message.make_response(q)
            r2.flags |= dns.flags.AA
            r2.answer = sets[half:] + [self.soa()]
            return [r.to_wire(), r2.to_wire()]

    def _rrsets(self, records):
        return [dns.rrset.from_text(name + "." + self.zone, 300, "IN", typ, value)
                for name, typ, value in records]

    def _delta(self, q, since):
        """One IXFR version step from since to the current serial."""
        old, new = set(self.history[since]), set(self.records)
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.answer = [self.soa(), self.soa(since)] + self._rrsets(sorted(old - new))
        r2 = dns.message.make_response(q)
        r2.flags |= dns.flags.AA
        r2.answer = [self.soa()] + self._rrsets(sorted(new - old)) + [self.soa()]
        return [r.to_wire(), r2.to_wire()]

    def _serve_udp(self):
        while not self.stopped:
            try:
                data, peer = self.udp.recvfrom(65535)
                q = dns.message.from_wire(data, keyring=self.tsig[0] if self.tsig else None)
                for m in self._answer(q, "udp"):
                    self.udp.sendto(m, peer)
            except OSError:
                return
            except Exception:  # a malformed query: no answer
                continue

    def _serve_tcp(self):
        while not self.stopped:
            try:
                c, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self._conn, args=(c,), daemon=True).start()

    @staticmethod
    def _read(c, n):
        buf = b""
        while len(buf) < n:
            k = c.recv(n - len(buf))
            if not k:
                return None
            buf += k
        return buf

    def _conn(self, c):
        try:
            c.settimeout(30)
            while True:
                h = self._read(c, 2)
                if not h:
                    return
                data = self._read(c, struct.unpack("!H", h)[0])
                if data is None:
                    return
                q = dns.message.from_wire(data, keyring=self.tsig[0] if self.tsig else None)
                with self.lock:
                    bad = self.bad if q.question[0].rdtype in (
                        dns.rdatatype.AXFR, dns.rdatatype.IXFR) else None
                    if bad:
                        self.bad_count -= 1
                        if self.bad_count <= 0:
                            self.bad = None
                if bad == "badtime":
                    with self.lock:
                        self.queries.append(("tcp", dns.rdatatype.to_text(q.question[0].rdtype)))
                    r = dns.message.make_response(q)
                    r.set_rcode(dns.rcode.NOTAUTH)
                    r.use_tsig(self.tsig[0], self.tsig[1], tsig_error=dns.rcode.BADTIME)
                    m = r.to_wire()
                    c.sendall(struct.pack("!H", len(m)) + m)
                    continue
                msgs = [struct.pack("!H", len(m)) + m for m in self._answer(q, "tcp")]
                if bad in ("hold", "cut", "reset"):
                    c.sendall(msgs[0])
                    if bad == "hold":
                        self.held.set()
                        self.released.wait(60)
                        c.sendall(b"".join(msgs[1:]))
                    elif bad == "reset":
                        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                c.sendall(b"".join(msgs))
                if bad == "garbage":
                    junk = os.urandom(200)
                    c.sendall(struct.pack("!H", len(junk)) + junk)
        except (OSError, Exception):
            return
        finally:
            c.close()
